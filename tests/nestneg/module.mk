# tests/nestneg/: an HS-mode payload that misuses the H extension (hgatp
# with unsupported MODEs, a G-stage root and L2 pages outside L1's memory);
# harness/test_nested.py runs it as L1 on L0 (and on QEMU's own H) and
# checks the architectural answers and that L0 keeps running.
NESTNEG_SRCS := tests/nestneg/nestneg.c
NESTNEG_ASM := tests/nestneg/entry.S
NESTNEG_OBJS := $(NESTNEG_SRCS:%.c=$(BUILD)/bm/%.o) \
	$(NESTNEG_ASM:%.S=$(BUILD)/bm/%.o)
NESTNEG_ELF := $(BUILD)/nestneg/nestneg.elf
# entry.S builds on the shared boot and L2 round trip (tests/common/l1_entry.h)
$(NESTNEG_ASM:%.S=$(BUILD)/bm/%.o): BM_ASFLAGS += -Itests/common

# COMMON_BM_OBJS and L1_TEST_BM_OBJS (tests/common) are complete only
# after every module.mk is read.
.SECONDEXPANSION:
$(NESTNEG_ELF): $(NESTNEG_OBJS) $$(L1_TEST_BM_OBJS) $$(COMMON_BM_OBJS) \
		$$(FDT_UTIL_BM_OBJS) $(LIBFDT_BM) tests/nestneg/nestneg.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T tests/nestneg/nestneg.ld -o $@ \
	  $(filter %.o,$^) $(LIBFDT_BM)

IMAGES += $(NESTNEG_ELF)
