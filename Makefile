# rvnest: RISC-V nested-virtualization testbed.
# One Makefile; each component adds its images and tests in <dir>/module.mk.
# `make help` lists the targets.

BUILD ?= build
PYTHON ?= /usr/bin/python3
CONFIG ?=
export PYTHONDONTWRITEBYTECODE := 1
# The harness and benchmark runner find images through {build} (harness/configs/README.md).
export RVNEST_BUILD := $(BUILD)

# ---- bare-metal toolchain (DESIGN.md §7) --------------------------------
CROSS ?= riscv64-unknown-elf-
BM_CC := $(CROSS)gcc
BM_OBJCOPY := $(CROSS)objcopy
BM_ARCH := -march=rv64imac -misa-spec=2.2 -mabi=lp64 -mcmodel=medany
BM_WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wno-missing-field-initializers
BM_CFLAGS := $(BM_ARCH) --specs=picolibc.specs -ffreestanding -fno-common \
	     -fno-pie -O2 -g -MMD -MP $(BM_WARN) \
	     -Icommon/include -I$(BUILD)/libfdt-src
BM_ASFLAGS := $(BM_ARCH) -g -MMD -MP -Icommon/include
BM_LDFLAGS := $(BM_ARCH) --specs=picolibc.specs -nostartfiles -static \
	      -Wl,--gc-sections -Wl,--no-warn-rwx-segments

# ---- host toolchain for unit tests --------------------------------------
HOST_CC ?= gcc
HOST_CFLAGS := -O0 -g -MMD -MP --coverage -Wall -Wextra -Werror -Wshadow \
	       -Wno-missing-field-initializers -DRVNEST_HOST \
	       -Icommon/include -Icommon/test -I$(BUILD)/libfdt-src
HOST_LDFLAGS := --coverage

# ---- libfdt, from Debian's linux-source-6.12 at build time --------------
LIBFDT_SRC := $(BUILD)/libfdt-src
LIBFDT_STAMP := $(LIBFDT_SRC)/.extracted
LIBFDT_NAMES := fdt fdt_ro fdt_wip fdt_sw fdt_rw fdt_strerror \
		fdt_empty_tree fdt_addresses fdt_overlay
LIBFDT_BM := $(BUILD)/bm/libfdt.a
LIBFDT_HOST := $(BUILD)/host/libfdt.a
LIBFDT_CFLAGS := -Wall -Wextra -Wno-unused-parameter -Werror

$(LIBFDT_STAMP):
	@bash ci/libfdt.sh $(LIBFDT_SRC)
	@touch $@

$(LIBFDT_BM): $(LIBFDT_STAMP)
	@mkdir -p $(BUILD)/bm/libfdt
	@for f in $(LIBFDT_NAMES); do \
	  $(BM_CC) $(BM_ARCH) --specs=picolibc.specs -O2 -g $(LIBFDT_CFLAGS) \
	    -I$(LIBFDT_SRC) -c $(LIBFDT_SRC)/$$f.c -o $(BUILD)/bm/libfdt/$$f.o \
	    || exit 1; done
	$(CROSS)ar rcs $@ $(LIBFDT_NAMES:%=$(BUILD)/bm/libfdt/%.o)

$(LIBFDT_HOST): $(LIBFDT_STAMP)
	@mkdir -p $(BUILD)/host/libfdt
	@for f in $(LIBFDT_NAMES); do \
	  $(HOST_CC) -O1 -g $(LIBFDT_CFLAGS) -I$(LIBFDT_SRC) \
	    -c $(LIBFDT_SRC)/$$f.c -o $(BUILD)/host/libfdt/$$f.o || exit 1; done
	ar rcs $@ $(LIBFDT_NAMES:%=$(BUILD)/host/libfdt/%.o)

# ---- generic rules ------------------------------------------------------
# Every bare-metal object depends on libfdt being extracted (headers).
$(BUILD)/bm/%.o: %.c | $(LIBFDT_STAMP)
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_CFLAGS) $(CFLAGS_$(firstword $(subst /, ,$<))) $(BM_GCOV_FOR) -c $< -o $@

$(BUILD)/bm/%.o: %.S
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_ASFLAGS) -c $< -o $@

$(BUILD)/host/%.o: %.c | $(LIBFDT_STAMP)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

# Code shared by both hypervisors and the micro-guests.
COMMON_BM_SRCS := common/console.c common/sbi_client.c
COMMON_BM_OBJS = $(COMMON_BM_SRCS:%.c=$(BUILD)/bm/%.o)
UNIT_MAIN_OBJ := $(BUILD)/host/common/test/unit_main.o

IMAGES :=
HOST_TESTS :=
HELP_CONFIGS :=
# `make unit` runs HOST_TESTS but those matching UNIT_EXCLUDE (patterns),
# e.g. the QEMU-run *_hw ones in the sanitizer build (fuzz/module.mk).
UNIT_EXCLUDE ?=

include $(sort $(wildcard */module.mk) $(wildcard tests/*/module.mk))
# in-QEMU coverage: RVNEST_GCOV=1 builds, make coverage-qemu
include ci/coverage.mk

.DEFAULT_GOAL := all

# ---- user-facing targets ------------------------------------------------
.PHONY: all deps build run test unit pytest bench coverage debug configs \
	clean help format profile compare sweep

all: $(IMAGES) $(HOST_TESTS)

deps:
	@bash ci/deps.sh

build: deps
	@$(MAKE) --no-print-directory all

# Each test binary closes with "unit: N passed, N failed"; the total over
# all of them is the last line, and a binary that crashes before its own
# summary counts as one failure.
UNIT_TESTS = $(filter-out $(UNIT_EXCLUDE),$(HOST_TESTS))
unit: $(UNIT_TESTS)
	@rc=0; p=0; f=0; \
	for t in $(UNIT_TESTS); do \
	  echo "== $$t"; \
	  out=$$($$t 2>&1); trc=$$?; echo "$$out"; \
	  line=$$(echo "$$out" | grep -E '^unit: [0-9]+ passed, [0-9]+ failed$$' | tail -n1); \
	  if [ -n "$$line" ]; then \
	    p=$$((p + $$(echo "$$line" | awk '{print $$2}'))); \
	    f=$$((f + $$(echo "$$line" | awk '{print $$4}'))); \
	  else f=$$((f + 1)); fi; \
	  [ $$trc -eq 0 ] || rc=1; \
	done; \
	echo "host unit tests: $$p passed, $$f failed"; exit $$rc

# J=<n>: that many pytest-xdist workers, one test file each at a time
# (runs cached per file stay shared); TX="<spec> ...": xdist --tx workers.
XDIST_ARGS = $(if $(J),-n $(J)) $(foreach t,$(TX),--tx $(t)) $(if $(J)$(TX),--dist loadfile)
# the same for the benchmark runner: icount runs in parallel, wall runs serial
BENCH_PARALLEL = $(if $(J),--jobs $(J)) $(foreach t,$(TX),--tx $(t))

# pytest exits 5 when it collects no tests: say so instead of a bare "Error 5".
pytest: all
	@rc=0; $(PYTHON) -m pytest -ra harness benchmarks $(XDIST_ARGS) $(PYTEST_ARGS) || rc=$$?; \
	  if [ $$rc = 5 ]; then echo "pytest: error: no tests collected (exit 5)" >&2; fi; \
	  exit $$rc

test: deps
	@$(MAKE) --no-print-directory all
	@# the PMU kernel variant: harness/test_linux_pmu.py's perf check
	@$(MAKE) --no-print-directory linux-pmu
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-sanitize
	@$(MAKE) --no-print-directory fuzz-test
	@$(MAKE) --no-print-directory pytest

# make run/debug CONFIG=<name> L1=<image> INITRD=<file> L0ARGS="..." BOOTARGS="..."
# L0ARGS and BOOTARGS reach the harness in single quotes (each ' as '\''),
# so a command line with spaces and quotes (BOOTARGS='a="b c"') passes unchanged.
shquote = '$(subst ','\'',$(1))'
BOOT_OVERRIDES = $(if $(L1),--l1 $(L1)) $(if $(INITRD),--initrd $(INITRD)) \
		 $(if $(L0ARGS),--l0args $(call shquote,$(L0ARGS))) \
		 $(if $(BOOTARGS),--bootargs $(call shquote,$(BOOTARGS)))

run: deps
	@$(MAKE) --no-print-directory all
ifeq ($(CONFIG),)
	$(PYTHON) -m benchmarks.run --quick $(BENCH_PARALLEL)
else
	$(PYTHON) -m harness.boot $(CONFIG) $(BOOT_OVERRIDES)
endif

bench: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m benchmarks.run $(BENCH_PARALLEL)

# make compare A=<results.json> B=<results.json> [FAIL_ON=grew|changed|never]
# status 0: no exact count grew; 1: one grew; 2: error (benchmarks/README.md)
compare:
	@[ -n "$(A)" ] && [ -n "$(B)" ] || { echo "error: make compare needs A=<results.json> B=<results.json>" >&2; exit 2; }
	@$(PYTHON) -m benchmarks.compare "$(A)" "$(B)" $(if $(FAIL_ON),--fail-on $(FAIL_ON))

# make sweep CONFIG=<name> OPT=<option> VALUES=a,b,c [PARAMS="opt=a,b opt2=c,d"] [QUICK=1] [J=<n>]
# one results file over the values (benchmarks/README.md, "Sweeps")
SWEEP_PARAMS = $(if $(OPT),--param "$(OPT)=$(VALUES)") $(foreach p,$(PARAMS),--param "$(p)")
sweep: deps
	@[ -n "$(CONFIG)" ] && [ -n "$(strip $(SWEEP_PARAMS))" ] || { echo "error: make sweep needs CONFIG=<name> and OPT=<option> VALUES=a,b,... (or PARAMS=\"opt=a,b ...\")" >&2; exit 2; }
	@[ -z "$(OPT)" ] || [ -n "$(VALUES)" ] || { echo "error: make sweep: OPT=$(OPT) needs VALUES=a,b,..." >&2; exit 2; }
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m benchmarks.sweep $(CONFIG) $(SWEEP_PARAMS) $(if $(QUICK),--quick) $(BENCH_PARALLEL)

configs:
	@$(PYTHON) -m harness.boot --list

# make profile CONFIG=<name> [BENCH=<benchmark>] [TRACE=<records>]: L0's exit
# profile under icount (benchmarks/profile.py, l0-hyp/README.md "Profiling")
profile: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m benchmarks.profile $(or $(CONFIG),nested) \
	  $(if $(BENCH),--bench $(BENCH)) $(if $(TRACE),--trace $(TRACE)) \
	  $(BOOT_OVERRIDES)

debug: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m harness.boot $(or $(CONFIG),single) --debug $(BOOT_OVERRIDES)

coverage: deps
	@$(MAKE) --no-print-directory $(HOST_TESTS)
	$(if $(QEMU),@$(MAKE) --no-print-directory coverage-qemu)
	@find $(BUILD)/host -name '*.gcda' -delete
	@for t in $(HOST_TESTS); do $$t >/dev/null || exit 1; done
	@mkdir -p $(BUILD)/coverage
	lcov -q --capture --directory $(BUILD)/host --output-file $(BUILD)/coverage/all.info
	@$(GCOV_QEMU_MERGE)
	lcov -q --remove $(BUILD)/coverage/all.info '*/libfdt-src/*' '*/common/test/*' '/usr/*' \
	  '*/tests/*' --output-file $(BUILD)/coverage/rvnest.info
	genhtml -q $(BUILD)/coverage/rvnest.info --output-directory $(BUILD)/coverage/html
	@lcov --summary $(BUILD)/coverage/rvnest.info 2>&1 | grep -E 'lines|functions'
	@$(PYTHON) -m harness.gcov report $(BUILD)/coverage/rvnest.info l0-hyp sbi-nested shadow
	@echo "coverage report: $(BUILD)/coverage/html/index.html"

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

help:
	@echo "rvnest: RISC-V nested-virtualization testbed"
	@echo
	@echo "  make deps        install every Debian package needed and fetch Linux 7.3's"
	@echo "                   source into ~/.cache/rvnest (idempotent)"
	@echo "  make             build all images and host unit tests into $(BUILD)/"
	@echo "  make run         build, boot the stack, print the exit-cost table"
	@echo "  make run CONFIG=<name> [L1=<image>] [INITRD=<file>] [L0ARGS=...] [BOOTARGS=...]"
	@echo "                   boot one configuration and show its console; L0ARGS: L0's"
	@echo "                   options, BOOTARGS: L1's command line, passed unchanged"
	@echo "                   (quotes and spaces too), the same in every configuration;"
	@echo "                   with L1=, an L1 that powers off through SBI SRST ends the"
	@echo "                   run with its status (0: success; else an error naming it)"
	@echo "  make configs     list the configurations"
	@echo "  make test [J=<n>] host unit tests (also under ASan+UBSan), a short fuzz run per"
	@echo "                   target, every configuration in QEMU (pytest; J=<n>: n"
	@echo "                   pytest-xdist workers, TX=\"<spec> ...\": xdist --tx)"
	@echo "  make bench [J=<n>] full benchmark matrix (with the rows make run leaves out):"
	@echo "                   results/*.json, .csv, report, plots"
	@echo "                   (J=<n>: icount runs on n workers; wall runs stay serial)"
	@echo "  make app         the app-* images: Linux/KVM + Debian's QEMU in L1, a Linux"
	@echo "                   L2 on virtio-blk/net (app/README.md; make deps fetches them)"
	@echo "  make appbench [RUNS=<n>] [WORKLOADS=a,b] [SIZE=full|tiny]  hackbench, sysbench,"
	@echo "                   stress-ng, memcached, a build: native / VM / nested VM (NEVE"
	@echo "                   Table 4 shape) and L0's traps/s per workload: results/app/"
	@echo "  make compare A=<results.json> B=<results.json> [FAIL_ON=grew|changed|never]"
	@echo "                   both figures, ratios, exact counts flagged; status 1 if one grew"
	@echo "  make sweep CONFIG=<name> OPT=<option> VALUES=a,b,c [PARAMS=\"o=a,b o2=c,d\"] [QUICK=1] [J=<n>]"
	@echo "                   one configuration over option values: one results file, a figure"
	@echo "                   per benchmark (options: l0.*, l1.*, cmdline.*, cpu.*, l1, kernel, ...)"
	@echo "  make profile [CONFIG=<name>] [BENCH=<benchmark>] [TRACE=<n>]"
	@echo "                   L0's exit profile under icount (default nested): traps by"
	@echo "                   cause and CSR with instructions inside L0, one L2 exit's"
	@echo "                   chain of traps; results/profile/*.txt,md,json,png"
	@echo "  make coverage [QEMU=1]  host unit tests with an lcov HTML report, merged with"
	@echo "                   the in-QEMU coverage of L0 and l1-guest-hyp when there is"
	@echo "                   some (QEMU=1: make coverage-qemu first); per-file table"
	@echo "  make coverage-qemu [COV_TESTS=<pytest args>] [J=<n>]  instrumented images in"
	@echo "                   $(BUILD)/cov, run the QEMU tests on them, collect .gcda"
	@echo "  make unit-sanitize  host unit tests built with ASan+UBSan"
	@echo "  make fuzz [FUZZ_SECONDS=60] [FUZZ_RUNS=0] [FUZZ_TARGETS=\"insn pt shadow sbi dt vhyp\"]"
	@echo "                   libFuzzer+ASan+UBSan on each target (fuzz/README.md)"
	@echo "  make fuzz-test   each fuzz target for FUZZ_TEST_RUNS inputs (in make test)"
	@echo "  make fuzz-repro TARGET=<target> FILE=<input>  rerun one input"
	@echo "  make fuzz-seeds  regenerate the committed seed corpora"
	@echo "  make fuzz-coverage  line coverage of each component over its fuzz corpora"
	@echo "  make chaos [SEEDS=1-32] [STEPS=400] [J=<n>]  the chaos L1 (tests/chaos/) for each"
	@echo "                   seed on QEMU's H and on L0, outcome logs compared"
	@echo "  make soak [EXITS=1000000|DURATION=<s>] [EVERY=100000]  Linux/KVM on L0 with"
	@echo "                   an L2 exiting forever: L0's memory bounded, no drift per exit"
	@echo "  make disk        Linux 7.3 with PCI and its ext4 root disk for the *-disk"
	@echo "                   configurations (virtio-blk/net-pci; disk/README.md)"
	@echo "  make iobench [RUNS=<n>] [MIB=<n>] disk and network throughput in L1, on"
	@echo "                   QEMU's H and on L0 (l1.pci): results/io/*.json, .md"
	@echo "  make debug [CONFIG=<name>]  QEMU gdbstub + gdb-multiarch with symbols"
	@echo "  make linux-pmu   Linux 7.3 with the SBI PMU driver (its own kernel build, not"
	@echo "                   part of make; make test builds it): perf through L0's SBI PMU,"
	@echo "                   and the KVM initramfs with it as L2 (config kvm-l0-linux-pmu)"
	@echo "  make format      clang-format every C source"
	@echo "  make clean       remove $(BUILD)/"

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
