# guests/passdev: the L2 guest l1-guest-hyp runs with rvnest.passdev=1 (one
# flat binary at L2 GPA 0x80000000; rvnest/passdev.h is its platform). It
# shares guests/micro's trap entry (start.S) and linker script.

PASSDEV_REV_STAMP := $(BUILD)/guests/passdev/rev-$(RVNEST_GIT_REV)
$(PASSDEV_REV_STAMP):
	@mkdir -p $(dir $@) && rm -f $(dir $@)rev-* && touch $@
$(BUILD)/bm/guests/passdev/main.o: $(PASSDEV_REV_STAMP)

PASSDEV_OBJS := $(BUILD)/bm/common/crt0.o $(BUILD)/bm/guests/micro/start.o \
		$(BUILD)/bm/guests/passdev/main.o
PASSDEV_COMMON_OBJS := $(BUILD)/bm/common/console.o \
		       $(BUILD)/bm/common/sbi_client.o \
		       $(BUILD)/bm/common/trap_names.o
PASSDEV_ELF := $(BUILD)/guests/passdev/passdev.elf
PASSDEV_BIN := $(BUILD)/guests/passdev/passdev.bin

$(PASSDEV_ELF): $(PASSDEV_OBJS) $(PASSDEV_COMMON_OBJS) guests/micro/micro.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T guests/micro/micro.ld -o $@ \
		$(filter %.o,$^)

$(PASSDEV_BIN): $(PASSDEV_ELF)
	$(BM_OBJCOPY) -O binary $< $@

IMAGES += $(PASSDEV_ELF) $(PASSDEV_BIN)
