# tests/containment/: an L1 that misbehaves the ways L0 must contain
# (l0-hyp/contain.h), one case per run chosen on L1's command line;
# harness/test_containment.py runs every case on L0 under icount.
CONTAIN_SRCS := tests/containment/contain.c
CONTAIN_ASM := tests/containment/entry.S
CONTAIN_OBJS := $(CONTAIN_SRCS:%.c=$(BUILD)/bm/%.o) \
	$(CONTAIN_ASM:%.S=$(BUILD)/bm/%.o)
CONTAIN_ELF := $(BUILD)/containment/contain.elf
# entry.S builds on the shared boot and L2 round trip (tests/common/l1_entry.h)
$(CONTAIN_ASM:%.S=$(BUILD)/bm/%.o): BM_ASFLAGS += -Itests/common

# COMMON_BM_OBJS and L1_TEST_BM_OBJS (tests/common) are complete only
# after every module.mk is read.
.SECONDEXPANSION:
$(CONTAIN_ELF): $(CONTAIN_OBJS) $$(L1_TEST_BM_OBJS) $$(COMMON_BM_OBJS) \
		$$(FDT_UTIL_BM_OBJS) $(LIBFDT_BM) tests/containment/contain.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T tests/containment/contain.ld -o $@ \
	  $(filter %.o,$^) $(LIBFDT_BM)

IMAGES += $(CONTAIN_ELF)
HELP_CONFIGS += containment
