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
	$(BM_CC) $(BM_CFLAGS) $(CFLAGS_$(firstword $(subst /, ,$<))) -c $< -o $@

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

.DEFAULT_GOAL := all

# ---- user-facing targets ------------------------------------------------
.PHONY: all deps build run test unit pytest bench coverage debug configs \
	clean help format

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

# pytest exits 5 when it collects no tests: say so instead of a bare "Error 5".
pytest: all
	@rc=0; $(PYTHON) -m pytest -ra harness benchmarks $(PYTEST_ARGS) || rc=$$?; \
	  if [ $$rc = 5 ]; then echo "pytest: error: no tests collected (exit 5)" >&2; fi; \
	  exit $$rc

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-sanitize
	@$(MAKE) --no-print-directory fuzz-test
	@$(MAKE) --no-print-directory pytest

# make run/debug CONFIG=<name> L1=<image> INITRD=<file> BOOTARGS="..."
BOOT_OVERRIDES = $(if $(L1),--l1 $(L1)) $(if $(INITRD),--initrd $(INITRD)) \
		 $(if $(BOOTARGS),--bootargs "$(BOOTARGS)")

run: deps
	@$(MAKE) --no-print-directory all
ifeq ($(CONFIG),)
	$(PYTHON) -m benchmarks.run --quick
else
	$(PYTHON) -m harness.boot $(CONFIG) $(BOOT_OVERRIDES)
endif

bench: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m benchmarks.run

configs:
	@$(PYTHON) -m harness.boot --list

debug: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m harness.boot $(or $(CONFIG),single) --debug $(BOOT_OVERRIDES)

coverage: deps
	@$(MAKE) --no-print-directory $(HOST_TESTS)
	@find $(BUILD)/host -name '*.gcda' -delete
	@for t in $(HOST_TESTS); do $$t >/dev/null || exit 1; done
	@mkdir -p $(BUILD)/coverage
	lcov -q --capture --directory $(BUILD)/host --output-file $(BUILD)/coverage/all.info
	lcov -q --remove $(BUILD)/coverage/all.info '*/libfdt-src/*' '*/common/test/*' '/usr/*' \
	  '*/tests/*' --output-file $(BUILD)/coverage/rvnest.info
	genhtml -q $(BUILD)/coverage/rvnest.info --output-directory $(BUILD)/coverage/html
	@lcov --summary $(BUILD)/coverage/rvnest.info 2>&1 | grep -E 'lines|functions'
	@echo "coverage report: $(BUILD)/coverage/html/index.html"

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

help:
	@echo "rvnest: RISC-V nested-virtualization testbed"
	@echo
	@echo "  make deps        install every Debian package needed (idempotent)"
	@echo "  make             build all images and host unit tests into $(BUILD)/"
	@echo "  make run         build, boot the stack, print the exit-cost table"
	@echo "  make run CONFIG=<name> [L1=<image>] [INITRD=<file>] [BOOTARGS=...]"
	@echo "                   boot one configuration and show its console"
	@echo "  make configs     list the configurations"
	@echo "  make test        host unit tests (also under ASan+UBSan), a short fuzz"
	@echo "                   run per target, every configuration in QEMU (pytest)"
	@echo "  make bench       full benchmark matrix: results/*.json, report, plots"
	@echo "  make coverage    host unit tests with an lcov HTML report"
	@echo "  make unit-sanitize  host unit tests built with ASan+UBSan"
	@echo "  make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS=\"insn pt shadow sbi dt\"]"
	@echo "                   libFuzzer+ASan+UBSan on each target (fuzz/README.md)"
	@echo "  make fuzz-test   each fuzz target for FUZZ_TEST_RUNS inputs (in make test)"
	@echo "  make fuzz-repro TARGET=<target> FILE=<input>  rerun one input"
	@echo "  make fuzz-seeds  regenerate the committed seed corpora"
	@echo "  make fuzz-coverage  line coverage of each component over its fuzz corpora"
	@echo "  make debug [CONFIG=<name>]  QEMU gdbstub + gdb-multiarch with symbols"
	@echo "  make format      clang-format every C source"
	@echo "  make clean       remove $(BUILD)/"

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
