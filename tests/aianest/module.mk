# tests/aianest/: the nested-AIA probe, an L1 that gives its L2 guest
# interrupt files (L0 options l1.h=1 l1.aia=1 on an AIA host) and checks
# hgeie/hgeip, VGEIN, vsiselect/vsireg/vstopei, SGEI and MSIs taken by a
# running L2; harness/test_aia_l1.py runs it on L0 under icount.
AIANEST_SRCS := tests/aianest/main.c
AIANEST_ASM := tests/aianest/entry.S
AIANEST_OBJS := $(AIANEST_SRCS:%.c=$(BUILD)/bm/%.o) \
	$(AIANEST_ASM:%.S=$(BUILD)/bm/%.o)
AIANEST_ELF := $(BUILD)/aianest/aianest.elf
# entry.S builds on the shared boot and L2 round trip (tests/common/l1_entry.h)
$(AIANEST_ASM:%.S=$(BUILD)/bm/%.o): BM_ASFLAGS += -Itests/common

# COMMON_BM_OBJS and L1_TEST_BM_OBJS (tests/common) are complete only
# after every module.mk is read.
.SECONDEXPANSION:
$(AIANEST_ELF): $(AIANEST_OBJS) $$(L1_TEST_BM_OBJS) $$(COMMON_BM_OBJS) \
		$$(FDT_UTIL_BM_OBJS) $(LIBFDT_BM) tests/aianest/aianest.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T tests/aianest/aianest.ld -o $@ \
	  $(filter %.o,$^) $(LIBFDT_BM)

IMAGES += $(AIANEST_ELF)
HELP_CONFIGS += aianest aianest-single
