# guests/micro: the L2 micro-guest (one flat binary at L2 GPA 0x80000000).
# l1-guest-hyp embeds $(MICRO_BIN); a KVM-based VMM can load the same file.

ifndef RVNEST_GIT_REV
RVNEST_GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
endif
# The version is compiled in: a stamp named after the revision makes the
# file that prints it rebuild whenever HEAD moves.
MICRO_REV_STAMP := $(BUILD)/guests/micro/rev-$(RVNEST_GIT_REV)
$(MICRO_REV_STAMP):
	@mkdir -p $(dir $@) && rm -f $(dir $@)rev-* && touch $@
$(BUILD)/bm/guests/micro/main.o: $(MICRO_REV_STAMP)
CFLAGS_guests := -DRVNEST_VERSION=\"$(RVNEST_GIT_REV)\"

MICRO_OBJS := $(BUILD)/bm/common/crt0.o $(BUILD)/bm/guests/micro/start.o $(BUILD)/bm/guests/micro/main.o
# Only what the guest calls; listed explicitly (COMMON_BM_SRCS keeps growing
# in later module.mk files, after this rule's prerequisites are expanded).
MICRO_COMMON_OBJS := $(BUILD)/bm/common/console.o \
		     $(BUILD)/bm/common/sbi_client.o \
		     $(BUILD)/bm/common/trap_names.o
MICRO_ELF := $(BUILD)/guests/micro/micro.elf
MICRO_BIN := $(BUILD)/guests/micro/micro.bin

$(MICRO_ELF): $(MICRO_OBJS) $(MICRO_COMMON_OBJS) guests/micro/micro.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T guests/micro/micro.ld -o $@ \
		$(filter %.o,$^)

$(MICRO_BIN): $(MICRO_ELF)
	$(BM_OBJCOPY) -O binary $< $@

IMAGES += $(MICRO_ELF) $(MICRO_BIN)
