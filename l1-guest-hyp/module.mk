# l1-guest-hyp: the HS-mode guest hypervisor (L1). Contract with the harness:
# $(BUILD)/l1-guest-hyp/l1-guest-hyp.elf, booted with QEMU -kernel.

ifndef RVNEST_GIT_REV
RVNEST_GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
endif
# The version is compiled in: a stamp named after the revision makes the
# file that prints it rebuild whenever HEAD moves.
L1_REV_STAMP := $(BUILD)/l1-guest-hyp/rev-$(RVNEST_GIT_REV)
$(L1_REV_STAMP):
	@mkdir -p $(dir $@) && rm -f $(dir $@)rev-* && touch $@
$(BUILD)/bm/l1-guest-hyp/main.o: $(L1_REV_STAMP)
CFLAGS_l1-guest-hyp := -DRVNEST_VERSION=\"$(RVNEST_GIT_REV)\"

L1_SRCS := main.c exit.c gstage.c testdev.c testdev_regs.c sbi.c vtimer.c \
	   bench.c nacl.c passdev.c smp.c aia.c fence_wait.c
L1_ASMS := switch.S
L1_OBJS := $(BUILD)/bm/common/crt0.o \
	   $(L1_SRCS:%.c=$(BUILD)/bm/l1-guest-hyp/%.o) \
	   $(L1_ASMS:%.S=$(BUILD)/bm/l1-guest-hyp/%.o) \
	   $(BUILD)/bm/l1-guest-hyp/l2_image.o \
	   $(BUILD)/bm/l1-guest-hyp/l2_passdev_image.o
# The common code L1 uses, listed explicitly (see guests/micro/module.mk).
L1_COMMON_OBJS := $(BUILD)/bm/common/console.o \
		  $(BUILD)/bm/common/sbi_client.o \
		  $(BUILD)/bm/common/trap_names.o \
		  $(BUILD)/bm/common/insn.o \
		  $(BUILD)/bm/common/pt.o \
		  $(BUILD)/bm/common/fdt_util.o \
		  $(BUILD)/bm/common/fdt_imsic.o
L1_ELF := $(BUILD)/l1-guest-hyp/l1-guest-hyp.elf

# The L2 image is embedded with .incbin: rebuild when it changes.
$(BUILD)/bm/l1-guest-hyp/l2_image.o: l1-guest-hyp/l2_image.S $(MICRO_BIN)
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_ASFLAGS) -DL2_IMAGE_PATH=\"$(MICRO_BIN)\" -c $< -o $@

# The standard image layout at 0x80200000 (OpenSBI's next stage, and where
# L0 loads an L1 ELF); free RAM for L1's page pool starts at _end. 32 KiB of
# stack: the exit path nests the decoder and printf.
$(L1_ELF): $(L1_OBJS) $(L1_COMMON_OBJS) $$(GCOV_BM_OBJS) $(LIBFDT_BM) \
	   common/ld/image.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -Wl,--defsym=__stack_size=0x8000 \
		-T common/ld/image.ld -o $@ \
		$(filter %.o,$^) $(LIBFDT_BM)

# The passdev L2 (guests/passdev), likewise.
$(BUILD)/bm/l1-guest-hyp/l2_passdev_image.o: l1-guest-hyp/l2_passdev_image.S \
					     $(PASSDEV_BIN)
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_ASFLAGS) -DL2_PASSDEV_PATH=\"$(PASSDEV_BIN)\" -c $< -o $@

IMAGES += $(L1_ELF)

# Host unit tests of L1's pure parts.
TEST_L1_TESTDEV := $(BUILD)/host/tests/test_l1_testdev
$(TEST_L1_TESTDEV): $(BUILD)/host/l1-guest-hyp/tests/test_testdev.o \
		    $(BUILD)/host/l1-guest-hyp/testdev_regs.o $(UNIT_MAIN_OBJ)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(TEST_L1_TESTDEV)
TEST_L1_FENCE_WAIT := $(BUILD)/host/tests/test_l1_fence_wait
$(TEST_L1_FENCE_WAIT): $(BUILD)/host/l1-guest-hyp/tests/test_fence_wait.o \
		       $(BUILD)/host/l1-guest-hyp/fence_wait.o $(UNIT_MAIN_OBJ)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(TEST_L1_FENCE_WAIT)
