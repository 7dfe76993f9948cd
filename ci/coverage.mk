# In-QEMU coverage of the hypervisors (issue 17 item 1; README "Coverage").
#
# RVNEST_GCOV=1 (set only by `make coverage-qemu`, on its own build tree
# $(GCOV_BUILD)) compiles l0-hyp/, sbi-nested/, shadow/ and l1-guest-hyp/
# (their tests/ excepted) with GCC's gcov instrumentation for bare metal:
# the counters' descriptors go to the .gcov_info section
# (-fprofile-info-section) that l0-hyp/l0.ld and common/ld/image.ld
# bracket, and common/gcov.c prints them as .gcda bytes when L0 or
# l1-guest-hyp ends. harness/gcov.py takes those lines off the console and
# merges them into $(GCOV_BUILD)/bm/**/*.gcda; `make coverage` adds them
# to the host unit tests' data. Ordinary builds are untouched: none of
# these flags, and rvnest_gcov_dump() is an empty inline.

GCOV_BUILD := $(BUILD)/cov
GCOV_DIRS := l0-hyp sbi-nested shadow l1-guest-hyp
# -fprofile-update=atomic: L0 runs one hart per vCPU on shared counters
BM_GCOV_CFLAGS := -fprofile-arcs -ftest-coverage -fprofile-info-section \
	-fprofile-update=atomic

ifeq ($(RVNEST_GCOV),1)
BM_CFLAGS += -DRVNEST_GCOV
# -fprofile-arcs at link time: the driver adds libgcov after the objects
BM_LDFLAGS += -fprofile-arcs
GCOV_BM_OBJS := $(BUILD)/bm/common/gcov.o
# instrumented: the sources of GCOV_DIRS, not their tests/
BM_GCOV_FOR = $(if $(filter $(GCOV_DIRS),$(firstword $(subst /, ,$<))),$(if \
	$(findstring /tests/,$<),,$(BM_GCOV_CFLAGS)))
else
GCOV_BM_OBJS :=
BM_GCOV_FOR :=
endif

# the tests the coverage run executes (pytest arguments), and its workers
COV_TESTS ?= harness
GCOV_TOOL := $(CROSS)gcov

.PHONY: coverage-qemu gcov-images
gcov-images: $(IMAGES)

# Build the instrumented images, forget the counters of earlier runs, run
# COV_TESTS on them. Tests that assert exact instruction counts fail on
# instrumented images (the counters are instructions too): their runs
# still count, so pytest's status is reported, not fatal; no coverage data
# at all is.
coverage-qemu: deps
	@$(MAKE) --no-print-directory BUILD=$(GCOV_BUILD) RVNEST_GCOV=1 gcov-images
	@# the PMU kernel variant, as make test builds it (test_linux_pmu.py
	@# skips without it: sbi_pmu.c's Linux paths would go unmeasured)
	@$(MAKE) --no-print-directory BUILD=$(GCOV_BUILD) RVNEST_GCOV=1 linux-pmu
	@find $(GCOV_BUILD)/bm -name '*.gcda' -delete
	@rc=0; RVNEST_BUILD=$(GCOV_BUILD) $(PYTHON) -m pytest -q -ra -p no:cacheprovider \
	  $(XDIST_ARGS) $(COV_TESTS) $(PYTEST_ARGS) >$(GCOV_BUILD)/pytest.log 2>&1 || rc=$$?; \
	  grep -E '^FAILED|^ERROR' $(GCOV_BUILD)/pytest.log | sort -u; \
	  tail -n 1 $(GCOV_BUILD)/pytest.log; \
	  echo "coverage-qemu: pytest status $$rc (exact instruction counts differ on instrumented images; log: $(GCOV_BUILD)/pytest.log)"
	@n=$$(find $(GCOV_BUILD)/bm -name '*.gcda' | wc -l); \
	  if [ $$n -eq 0 ]; then echo "coverage-qemu: error: no .gcda collected from any run" >&2; exit 1; fi; \
	  echo "coverage-qemu: $$n .gcda files under $(GCOV_BUILD)/bm"

# Used by `make coverage`: fold the in-QEMU data, when there is any, into
# $(BUILD)/coverage/all.info.
define GCOV_QEMU_MERGE
if [ -n "$$(find $(GCOV_BUILD)/bm -name '*.gcda' 2>/dev/null | head -n1)" ]; then \
  lcov -q --gcov-tool $(GCOV_TOOL) --capture --directory $(GCOV_BUILD)/bm \
    --output-file $(BUILD)/coverage/qemu.info && \
  lcov -q -a $(BUILD)/coverage/all.info -a $(BUILD)/coverage/qemu.info \
    --output-file $(BUILD)/coverage/all.info && \
  echo "coverage: in-QEMU data of $(GCOV_BUILD) merged"; \
else echo "coverage: host unit tests only (no in-QEMU data: make coverage QEMU=1)"; fi
endef
