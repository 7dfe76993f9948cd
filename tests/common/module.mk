# tests/common/: what the bare-metal test L1s (tests/aianest,
# tests/containment, tests/nestneg) share: l1_entry.h, the boot code and
# L1 -> L2 -> L1 round trip their entry.S build on (each module.mk adds
# -Itests/common to its entry.o), and l1_test.c (end of run, fatal-trap
# report, G-stage leaf), which each links as $(L1_TEST_BM_OBJS).
CFLAGS_tests += -Itests/common
L1_TEST_BM_OBJS := $(BUILD)/bm/tests/common/l1_test.o
