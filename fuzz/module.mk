# fuzz/: coverage-guided fuzzing with clang's libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer (fuzz/README.md), and the host unit tests under
# ASan+UBSan. Targets:
#   make fuzz [FUZZ_SECONDS=n] [FUZZ_RUNS=n] [FUZZ_TARGETS="insn pt"]  run each target
#   make fuzz-test      each target for FUZZ_TEST_RUNS inputs (in make test)
#   make fuzz-repro TARGET=<t> FILE=<input>  run one input (a crash file)
#   make fuzz-seeds     regenerate the committed seed corpora
#   make unit-sanitize  the host unit tests built with ASan+UBSan
FUZZ_CC ?= clang-14
FUZZ_OUT := $(BUILD)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_WARN := -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers
FUZZ_INC := -DRVNEST_HOST -Icommon/include -Icommon/test -I$(LIBFDT_SRC) \
	    -Ishadow/include -Ishadow/tests -Isbi-nested/include -Isbi-nested \
	    -Isbi-nested/tests -Il0-hyp -Ifuzz
# Code under test and the targets: instrumented for coverage
# (fuzzer-no-link); the link adds libFuzzer's main (fuzzer). -O2, not -O1:
# 25-30 % more executions per CPU second (fuzz/README.md, "Speed"); the
# sanitizers check the same accesses at either level.
FUZZ_CFLAGS := -g -O2 -MMD -MP -fno-omit-frame-pointer $(FUZZ_SAN) \
	       -fsanitize=fuzzer-no-link $(FUZZ_WARN) $(FUZZ_INC)
FUZZ_LDFLAGS := $(FUZZ_SAN) -fsanitize=fuzzer
FUZZ_TARGETS ?= insn pt shadow sbi dt vhyp
FUZZ_SECONDS ?= 60
# make fuzz stops a target after FUZZ_RUNS executions too (0: no limit),
# so a long run can ask for "10^7 executions or N seconds"
FUZZ_RUNS ?= 0
# make test: a fixed number of inputs per target (and a fixed seed), so the
# length of the run does not depend on the machine's speed.
FUZZ_TEST_RUNS ?= 20000
FUZZ_RSS_MB ?= 1024
# Per-target libFuzzer options. insn: inputs of at most 64 bytes (up to 32
# instructions): every encoding fits, and short inputs run many times more
# often than libFuzzer's default 4 KiB streams.
FUZZ_OPTS_insn := -max_len=64
# vhyp: the most its format consumes (64 steps of at most 22 bytes, and
# the configuration byte); longer inputs would only carry ignored bytes
FUZZ_OPTS_vhyp := -max_len=1409

$(FUZZ_OUT)/obj/%.o: %.c | $(LIBFDT_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

# libfdt instrumented too: an overread that hostdt/guestdt provoke inside
# libfdt is theirs to fix. Its comparisons are not traced for libFuzzer
# (-fno-sanitize-coverage=trace-cmp): the tree walks of hostdt/guestdt
# spent about 60 % of dt's time in libfdt's traced compares; libFuzzer
# still sees libfdt's edges, and hostdt/guestdt, the code under test, keep
# their traced compares.
$(FUZZ_OUT)/obj/libfdt/%.o: $(LIBFDT_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O2 $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	  -fno-sanitize-coverage=trace-cmp \
	  $(LIBFDT_CFLAGS) -I$(LIBFDT_SRC) -c $(LIBFDT_SRC)/$*.c -o $@
FUZZ_LIBFDT_OBJS := $(LIBFDT_NAMES:%=$(FUZZ_OUT)/obj/libfdt/%.o)

FUZZ_OBJS_insn := fuzz/fuzz_insn.o common/insn.o
FUZZ_OBJS_pt := fuzz/fuzz_pt.o common/pt.o
FUZZ_OBJS_shadow := fuzz/fuzz_shadow.o shadow/shadow.o shadow/tests/world.o \
	common/pt.o common/trap_names.o
FUZZ_OBJS_sbi = fuzz/fuzz_sbi.o sbi-nested/tests/mock.o \
	$(SBI_NESTED_SRCS:%.c=%.o)
FUZZ_OBJS_dt := fuzz/fuzz_dt.o l0-hyp/hostdt.o l0-hyp/guestdt.o \
	l0-hyp/aia_dt.o l0-hyp/pci_dt.o l0-hyp/vaplic_dt.o \
	common/fdt_util.o
FUZZ_EXTRA_dt := $(FUZZ_LIBFDT_OBJS)
# vhyp: l0-hyp/vhyp.c (with fetch.c, mmio.c) against the model hart of
# l0-hyp/tests/model_hart.c, whose <rvnest/csr.h> goes ahead of
# common/include for these objects only
FUZZ_MODEL_OBJS := fuzz/fuzz_vhyp.o l0-hyp/vhyp.o l0-hyp/fetch.o \
	l0-hyp/mmio.o l0-hyp/tests/model_hart.o
FUZZ_OBJS_vhyp := $(FUZZ_MODEL_OBJS) l0-hyp/gmem.o shadow/shadow.o \
	common/pt.o common/insn.o common/trap_names.o
$(FUZZ_MODEL_OBJS:%=$(FUZZ_OUT)/obj/%): \
	FUZZ_CFLAGS := -Il0-hyp/tests/model $(FUZZ_CFLAGS)

FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_OUT)/fuzz_%)
# The objects are reached through a pattern rule only: keep them, or make
# deletes them as intermediates and rebuilds everything every time.
.PRECIOUS: $(FUZZ_OUT)/obj/%.o

.SECONDEXPANSION:
$(FUZZ_OUT)/fuzz_%: $$(addprefix $(FUZZ_OUT)/obj/,$$(FUZZ_OBJS_$$*)) \
		    $$(FUZZ_EXTRA_$$*)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) $^ -o $@

.PHONY: fuzz fuzz-build fuzz-test fuzz-repro fuzz-seeds unit-sanitize
fuzz-build: $(FUZZ_BINS)

# Each target for FUZZ_SECONDS on its working corpus (seeded from the
# committed one), niced: the machines are shared. A finding stops the run
# with the crash file in $(FUZZ_OUT)/crashes/. The last line per target is
# libFuzzer's own count of executions.
fuzz: fuzz-build
	@mkdir -p $(FUZZ_OUT)/crashes
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_OUT)/corpus/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s$(if $(filter-out 0,$(FUZZ_RUNS)), or $(FUZZ_RUNS) executions)"; \
	  nice -n 10 $(FUZZ_OUT)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	    $(if $(filter-out 0,$(FUZZ_RUNS)),-runs=$(FUZZ_RUNS)) \
	    $$(case $$t in insn) echo '$(FUZZ_OPTS_insn)';; \
	      vhyp) echo '$(FUZZ_OPTS_vhyp)';; esac) \
	    -rss_limit_mb=$(FUZZ_RSS_MB) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_OUT)/crashes/$$t- \
	    $(FUZZ_OUT)/corpus/$$t fuzz/corpus/$$t \
	    $$([ -d fuzz/regress/$$t ] && echo fuzz/regress/$$t) \
	    >$(FUZZ_OUT)/$$t.log 2>&1; rc=$$?; \
	  grep -E 'stat::number_of_executed_units|stat::new_units_added' $(FUZZ_OUT)/$$t.log | sed "s/^/fuzz: $$t: /"; \
	  if [ $$rc -ne 0 ]; then tail -n 40 $(FUZZ_OUT)/$$t.log; \
	    echo "fuzz: $$t: FINDING (log $(FUZZ_OUT)/$$t.log)"; exit 1; fi; \
	done

# make test's budget: FUZZ_TEST_RUNS inputs per target from the committed
# seeds (and fuzz/regress/<target>/, inputs of past findings) with -seed=1;
# new inputs go to a scratch directory, never into the repository.
fuzz-test: fuzz-build
	@mkdir -p $(FUZZ_OUT)/crashes
	@for t in $(FUZZ_TARGETS); do \
	  rm -rf $(FUZZ_OUT)/test-corpus/$$t; mkdir -p $(FUZZ_OUT)/test-corpus/$$t; \
	  $(FUZZ_OUT)/fuzz_$$t -runs=$(FUZZ_TEST_RUNS) -seed=1 \
	    -rss_limit_mb=$(FUZZ_RSS_MB) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_OUT)/crashes/$$t- \
	    $(FUZZ_OUT)/test-corpus/$$t fuzz/corpus/$$t \
	    $$([ -d fuzz/regress/$$t ] && echo fuzz/regress/$$t) \
	    >$(FUZZ_OUT)/test-$$t.log 2>&1; rc=$$?; \
	  n=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_OUT)/test-$$t.log); \
	  if [ $$rc -ne 0 ]; then tail -n 40 $(FUZZ_OUT)/test-$$t.log; \
	    echo "fuzz-test: $$t: FINDING (log $(FUZZ_OUT)/test-$$t.log)"; exit 1; fi; \
	  echo "fuzz-test: $$t: $$n inputs, no finding"; \
	done

# Run one input through a target (a crash file from make fuzz, or a seed):
#   make fuzz-repro TARGET=shadow FILE=build/fuzz/crashes/shadow-crash-...
fuzz-repro: $(if $(TARGET),$(FUZZ_OUT)/fuzz_$(TARGET))
	@[ -n "$(TARGET)" ] && [ -n "$(FILE)" ] || \
	  { echo "usage: make fuzz-repro TARGET=<one of: $(FUZZ_TARGETS)> FILE=<input>" >&2; exit 2; }
	$(FUZZ_OUT)/fuzz_$(TARGET) $(FILE)

# The seed-maker is an ordinary host program (gcc, libfdt).
FUZZ_SEEDS_BIN := $(FUZZ_OUT)/seeds
$(FUZZ_SEEDS_BIN): fuzz/seeds.c common/test/fdt_build.h $(LIBFDT_HOST)
	@mkdir -p $(dir $@)
	$(HOST_CC) -O1 -g $(FUZZ_WARN) -DRVNEST_HOST -Icommon/include -Icommon/test \
	  -I$(LIBFDT_SRC) $< $(LIBFDT_HOST) -o $@

fuzz-seeds: $(FUZZ_SEEDS_BIN)
	bash fuzz/make-seeds.sh $(FUZZ_SEEDS_BIN) fuzz/corpus

# The host unit tests (HOST_TESTS but the *_hw ones, which run QEMU) built
# by gcc with ASan+UBSan into $(BUILD)/sanitize, by the same rules and the
# same `make unit` loop. Any sanitizer report fails the test binary.
SAN_BUILD := $(BUILD)/sanitize
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_HOST_CFLAGS := -O1 -g -fno-omit-frame-pointer $(SAN_FLAGS) -MMD -MP \
	-Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers \
	-DRVNEST_HOST -Icommon/include -Icommon/test -I$(LIBFDT_SRC)
unit-sanitize: | $(LIBFDT_STAMP)
	@echo "unit-sanitize: host unit tests with ASan+UBSan in $(SAN_BUILD)"
	@$(MAKE) --no-print-directory BUILD=$(SAN_BUILD) \
	  LIBFDT_SRC=$(LIBFDT_SRC) 'HOST_CFLAGS=$(SAN_HOST_CFLAGS)' \
	  'HOST_LDFLAGS=$(SAN_FLAGS)' 'UNIT_EXCLUDE=%_hw' unit

# Line coverage of each component over its corpora (committed seeds,
# regressions, and the working corpus make fuzz grew): the targets rebuilt
# with clang's source-based coverage instead of the sanitizers, each input
# run once (-runs=0), llvm-cov's report for the component's own files.
FUZZ_COV_OUT := $(FUZZ_OUT)/cov
FUZZ_COV_CFLAGS := -g -O0 -MMD -MP -fprofile-instr-generate -fcoverage-mapping \
	-fsanitize=fuzzer-no-link $(FUZZ_WARN) $(FUZZ_INC)
FUZZ_COV_SRCS_insn := common/insn.c
FUZZ_COV_SRCS_pt := common/pt.c
FUZZ_COV_SRCS_shadow := shadow/shadow.c
FUZZ_COV_SRCS_sbi = $(SBI_NESTED_SRCS)
FUZZ_COV_SRCS_dt := l0-hyp/hostdt.c l0-hyp/guestdt.c l0-hyp/aia_dt.c l0-hyp/vaplic_dt.c \
	l0-hyp/pci_dt.c
FUZZ_COV_SRCS_vhyp := l0-hyp/vhyp.c
$(FUZZ_MODEL_OBJS:%=$(FUZZ_COV_OUT)/obj/%): \
	FUZZ_COV_CFLAGS := -Il0-hyp/tests/model $(FUZZ_COV_CFLAGS)
.PRECIOUS: $(FUZZ_COV_OUT)/obj/%.o

$(FUZZ_COV_OUT)/obj/%.o: %.c | $(LIBFDT_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_COV_CFLAGS) -c $< -o $@

$(FUZZ_COV_OUT)/obj/libfdt/%.o: $(LIBFDT_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 $(LIBFDT_CFLAGS) -I$(LIBFDT_SRC) \
	  -c $(LIBFDT_SRC)/$*.c -o $@
FUZZ_COV_EXTRA_dt := $(LIBFDT_NAMES:%=$(FUZZ_COV_OUT)/obj/libfdt/%.o)

$(FUZZ_COV_OUT)/fuzz_%: $$(addprefix $(FUZZ_COV_OUT)/obj/,$$(FUZZ_OBJS_$$*)) \
			$$(FUZZ_COV_EXTRA_$$*)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -fprofile-instr-generate -fsanitize=fuzzer $^ -o $@

.PHONY: fuzz-coverage
fuzz-coverage: $(FUZZ_TARGETS:%=$(FUZZ_COV_OUT)/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	  rm -f $(FUZZ_COV_OUT)/$$t.profraw; \
	  LLVM_PROFILE_FILE=$(FUZZ_COV_OUT)/$$t.profraw \
	    $(FUZZ_COV_OUT)/fuzz_$$t -runs=0 fuzz/corpus/$$t \
	    $$([ -d fuzz/regress/$$t ] && echo fuzz/regress/$$t) \
	    $$([ -d $(FUZZ_OUT)/corpus/$$t ] && echo $(FUZZ_OUT)/corpus/$$t) \
	    >$(FUZZ_COV_OUT)/$$t.log 2>&1 || { tail -n 20 $(FUZZ_COV_OUT)/$$t.log; exit 1; }; \
	  llvm-profdata-14 merge -sparse $(FUZZ_COV_OUT)/$$t.profraw \
	    -o $(FUZZ_COV_OUT)/$$t.profdata || exit 1; \
	  srcs=; $(foreach x,$(FUZZ_TARGETS),[ $$t = $(x) ] && srcs="$(FUZZ_COV_SRCS_$(x))";) \
	  echo "fuzz-coverage: $$t: $$(llvm-cov-14 report $(FUZZ_COV_OUT)/fuzz_$$t \
	    -instr-profile=$(FUZZ_COV_OUT)/$$t.profdata $$srcs \
	    | awk '$$1 == "TOTAL" { print "lines " $$10 " (" $$9 " of " $$8 " missed), branches " $$13 " (" $$12 " of " $$11 " missed)" }')"; \
	done
