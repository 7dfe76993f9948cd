# tests/foreign/: a foreign L1 (an HS-mode image that does not speak the
# console protocol) for harness/test_foreign.py: `make run CONFIG=<name>
# L1=$(BUILD)/foreign/foreign-l1.elf` must be judged by its SRST power-off.
FOREIGN_L1 := $(BUILD)/foreign/foreign-l1.elf
FOREIGN_L1_OBJS := $(BUILD)/bm/common/crt0.o $(BUILD)/bm/tests/foreign/foreign.o

IMAGES += $(FOREIGN_L1)

# COMMON_BM_OBJS and FDT_UTIL_BM_OBJS are complete only after every
# module.mk is read.
.SECONDEXPANSION:
$(FOREIGN_L1): $(FOREIGN_L1_OBJS) $$(COMMON_BM_OBJS) $$(FDT_UTIL_BM_OBJS) \
	       $(LIBFDT_BM) common/ld/image.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T common/ld/image.ld -o $@ \
	  $(filter %.o,$^) $(LIBFDT_BM)
