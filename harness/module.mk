# harness/: the harness self-test image (a bare-metal program that speaks the
# console protocol, so the harness is tested without any hypervisor).
HARNESS_SELFTEST := $(BUILD)/harness/selftest.elf
HARNESS_SELFTEST_OBJS := $(BUILD)/bm/common/crt0.o \
			 $(BUILD)/bm/harness/images/selftest.o
HARNESS_VERSION := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
CFLAGS_harness := -DRVNEST_VERSION='"$(HARNESS_VERSION)"'

IMAGES += $(HARNESS_SELFTEST)

$(HARNESS_SELFTEST): $(HARNESS_SELFTEST_OBJS) $(COMMON_BM_OBJS) $(FDT_UTIL_BM_OBJS) \
		     $(LIBFDT_BM) \
		     common/ld/image.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T common/ld/image.ld -o $@ \
	  $(filter %.o,$^) $(LIBFDT_BM)
