# tests/hprobe/: the differential conformance suite for the H extension
# (issue 4 item 7). A bare-metal HS-mode OpenSBI payload; the harness runs
# it on QEMU's H extension (hprobe-single) and as L1 on L0 (hprobe-nested)
# and compares the probe lines. See tests/hprobe/README.md.
HPROBE_VERSION := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
CFLAGS_tests += -DHPROBE_VERSION='"$(HPROBE_VERSION)"'

HPROBE_SRCS := tests/hprobe/main.c tests/hprobe/run.c tests/hprobe/mem.c \
	tests/hprobe/csr_table.c \
	tests/hprobe/probe_csr.c tests/hprobe/probe_vinst.c \
	tests/hprobe/probe_gpf.c tests/hprobe/probe_hlv.c \
	tests/hprobe/probe_irq.c tests/hprobe/probe_fence.c \
	tests/hprobe/probe_guest.c tests/hprobe/probe_acc.c \
	tests/hprobe/probe_vsirq.c tests/hprobe/probe_l1irq.c \
	tests/hprobe/probe_aia.c tests/hprobe/probe_dbtr.c
HPROBE_ASM := common/crt0.S tests/hprobe/entry.S tests/hprobe/bodies.S
HPROBE_OBJS := $(HPROBE_SRCS:%.c=$(BUILD)/bm/%.o) \
	$(HPROBE_ASM:%.S=$(BUILD)/bm/%.o)
HPROBE_ELF := $(BUILD)/hprobe/hprobe.elf
HPROBE_BIN := $(BUILD)/hprobe/hprobe.bin

# COMMON_BM_OBJS is complete only after every module.mk is read.
.SECONDEXPANSION:
$(HPROBE_ELF): $(HPROBE_OBJS) $$(COMMON_BM_OBJS) $$(FDT_UTIL_BM_OBJS) \
	       $(LIBFDT_BM) \
	       tests/hprobe/hprobe.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T tests/hprobe/hprobe.ld -o $@ \
	  $(filter %.o,$^) $(LIBFDT_BM)

$(HPROBE_BIN): $(HPROBE_ELF)
	$(BM_OBJCOPY) -O binary $< $@

IMAGES += $(HPROBE_ELF) $(HPROBE_BIN)
