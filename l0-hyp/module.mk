# l0-hyp/: the bare-metal HS-mode hypervisor (L0). Boots under OpenSBI
# (fw_dynamic, QEMU -kernel), runs one L1 image (QEMU -initrd) in VS-mode.
# See l0-hyp/README.md for options and output.
#
# L0 links sbi-nested's sources, whose variables are defined in a module.mk
# read after this one: the link prerequisites use secondary expansion so
# they see the final values.

L0_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
CFLAGS_l0-hyp := -Il0-hyp $(SBI_NESTED_INCLUDE) -Isbi-nested/include \
	-Ishadow/include \
	-DL0_VERSION=\"$(L0_VERSION)\"

L0_SRCS := l0-hyp/main.c l0-hyp/options.c l0-hyp/hostdt.c l0-hyp/gmem.c \
	l0-hyp/loader.c l0-hyp/guestdt.c l0-hyp/vcpu.c l0-hyp/trap.c \
	l0-hyp/fetch.c l0-hyp/mmio.c l0-hyp/vplic.c l0-hyp/sbi_glue.c \
	l0-hyp/stats.c l0-hyp/fwcfg.c l0-hyp/vhyp.c \
	l0-hyp/nacl.c l0-hyp/profile.c l0-hyp/depth.c l0-hyp/contain.c \
	l0-hyp/soak.c l0-hyp/sbi_fwft.c l0-hyp/sbi_pmu.c l0-hyp/sbi_dbtr.c \
	l0-hyp/nacl_client.c \
	l0-hyp/aia.c l0-hyp/aia_dt.c l0-hyp/aia_csr.c l0-hyp/sched.c \
	l0-hyp/pci.c l0-hyp/pci_dt.c l0-hyp/iommu.c l0-hyp/iommu_ddt.c \
	l0-hyp/appwin.c l0-hyp/appwin_l0.c l0-hyp/vaplic.c l0-hyp/vaplic_dt.c
L0_ASM := l0-hyp/entry.S
L0_OBJS := $(L0_SRCS:%.c=$(BUILD)/bm/%.o) $(L0_ASM:%.S=$(BUILD)/bm/%.o)
L0_ELF := $(BUILD)/l0/l0.elf

# recursive (=): expanded at the second expansion, after sbi-nested's
# module.mk has set SBI_NESTED_BM_SRCS
L0_SBI_OBJS = $(SBI_NESTED_BM_SRCS:%.c=$(BUILD)/bm/%.o)

.SECONDEXPANSION:
$(L0_ELF): $(L0_OBJS) $$(COMMON_BM_OBJS) $$(FDT_UTIL_BM_OBJS) \
	   $$(L0_SBI_OBJS) $$(SHADOW_BM_OBJS) $$(GCOV_BM_OBJS) $(LIBFDT_BM) \
	   l0-hyp/l0.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T l0-hyp/l0.ld -o $@ $(filter %.o,$^) \
	  $(LIBFDT_BM)

# A tiny S-mode payload written for OpenSBI: L0's own smoke test (prints,
# SBI timer interrupt, emulated PLIC, an access outside its memory).
L0_PAYLOAD_SRCS := l0-hyp/tests/payload.c
L0_PAYLOAD_ASM := l0-hyp/tests/payload_entry.S
L0_PAYLOAD_OBJS := $(L0_PAYLOAD_SRCS:%.c=$(BUILD)/bm/%.o) \
	$(L0_PAYLOAD_ASM:%.S=$(BUILD)/bm/%.o)
L0_PAYLOAD_ELF := $(BUILD)/l0/l0-payload.elf
L0_PAYLOAD_BIN := $(BUILD)/l0/l0-payload.bin

$(L0_PAYLOAD_ELF): $(L0_PAYLOAD_OBJS) $$(COMMON_BM_OBJS) $(LIBFDT_BM) \
		   l0-hyp/tests/payload.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T l0-hyp/tests/payload.ld -o $@ \
	  $(filter %.o,$^) $(LIBFDT_BM)

$(L0_PAYLOAD_BIN): $(L0_PAYLOAD_ELF)
	$(BM_OBJCOPY) -O binary $< $@

IMAGES += $(L0_ELF) $(L0_PAYLOAD_ELF) $(L0_PAYLOAD_BIN)
HELP_CONFIGS += linux-l0 l0-smoke l0-linux-smp2
HELP_CONFIGS += nested-aia nested-passdev-aia linux-l0-aia l0-linux-smp2-aia \
	kvm-l0-aia nested-aplic linux-l0-aia-l1 l0-linux-smp2-aia-l1 \
	kvm-l0-aia-l1 kvm-l0-smp2-aia-l1

# Host unit tests of the parts of L0 that need no hart: options, the vPLIC
# (against a buffer standing for the real PLIC), L1 RAM placement and the
# G-stage (with the common walker), host DT parsing and L1's DT.
L0_UNIT := $(BUILD)/host/tests/test_l0
L0_UNIT_OBJS := $(addprefix $(BUILD)/host/l0-hyp/,options.o vplic.o gmem.o \
	hostdt.o guestdt.o loader.o tests/test_l0_options.o \
	tests/test_l0_vplic.o tests/test_l0_loader.o \
	tests/test_l0_gmem.o tests/test_l0_dt.o \
	tests/test_l0_nacl_options.o tests/test_l0_nacl_client_options.o \
	depth.o tests/test_l0_depth.o aia.o aia_dt.o tests/test_l0_aia.o \
	pci_dt.o iommu_ddt.o tests/test_l0_pci.o pci.o \
	tests/test_l0_pci_cfg.o appwin.o tests/test_l0_appwin.o \
	vaplic.o vaplic_dt.o) \
	$(BUILD)/host/common/pt.o $(BUILD)/host/common/fdt_util.o
$(L0_UNIT): $(L0_UNIT_OBJS) $(UNIT_MAIN_OBJ) $(LIBFDT_HOST)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(L0_UNIT)

# Image chains for recursive stacks (common/include/rvnest/chain.h,
# l0-hyp/mkchain.py): the outermost L0 gets one file holding every level
# below its L1. recursive3: L0 -> [L0 -> L0 -> l1-guest-hyp];
# recursive-kvm: L0 -> L0 -> [Linux Image, its KVM initramfs].
MKCHAIN := /usr/bin/python3 l0-hyp/mkchain.py
CHAIN_L0_L0_L1 := $(BUILD)/chains/l0-l0-l1-guest-hyp.chain
CHAIN_LINUX_KVM := $(BUILD)/chains/linux-kvm.chain
$(CHAIN_L0_L0_L1): $(L0_ELF) $$(L1_ELF) l0-hyp/mkchain.py
	@mkdir -p $(dir $@)
	$(MKCHAIN) -o $@ $(L0_ELF) $(L0_ELF) $(L1_ELF)
$(CHAIN_LINUX_KVM): $$(LINUX_IMAGE) $$(KVM_INITRAMFS) l0-hyp/mkchain.py
	@mkdir -p $(dir $@)
	$(MKCHAIN) -o $@ $(LINUX_IMAGE) $(KVM_INITRAMFS)
IMAGES += $(CHAIN_L0_L0_L1) $(CHAIN_LINUX_KVM)
HELP_CONFIGS += recursive recursive3 recursive-kvm

# The H-extension emulation (vhyp.c) on the host, against the model hart
# (l0-hyp/tests/model_hart.c): vhyp.c, fetch.c and mmio.c built with the
# model <rvnest/csr.h>, which l0-hyp/tests/model/ ahead of common/include
# on the include path selects; the bare-metal build is unchanged. The
# objects live under $(BUILD)/host, so make coverage counts them.
L0_MODEL_CFLAGS = -Il0-hyp/tests/model -Il0-hyp -Isbi-nested/include \
	$(SBI_NESTED_INCLUDE) -Ishadow/include $(HOST_CFLAGS)
$(BUILD)/host/model/%.o: %.c | $(LIBFDT_STAMP)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(L0_MODEL_CFLAGS) -c $< -o $@
L0_MODEL_OBJS := $(addprefix $(BUILD)/host/model/l0-hyp/,vhyp.o fetch.o \
	mmio.o tests/model_hart.o) $(BUILD)/host/l0-hyp/gmem.o \
	$(BUILD)/host/shadow/shadow.o $(BUILD)/host/common/pt.o \
	$(BUILD)/host/common/insn.o $(BUILD)/host/common/trap_names.o
L0_VHYP_UNIT := $(BUILD)/host/tests/test_l0_vhyp
$(L0_VHYP_UNIT): $(BUILD)/host/model/l0-hyp/tests/test_l0_vhyp.o \
		 $(BUILD)/host/model/l0-hyp/tests/test_l0_mmio.o \
		 $(BUILD)/host/model/l0-hyp/tests/test_l0_vhyp_l2.o \
		 $(L0_MODEL_OBJS) $(UNIT_MAIN_OBJ)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(L0_VHYP_UNIT)
# The vCPU scheduler's state machine (sched.c) on the same model hart:
# two vCPUs sharing it, requests from a third (issue 15's race)
L0_SCHED_UNIT := $(BUILD)/host/tests/test_l0_sched
$(L0_SCHED_UNIT): $(BUILD)/host/model/l0-hyp/tests/test_l0_sched.o \
		  $(BUILD)/host/model/l0-hyp/sched.o $(L0_MODEL_OBJS) \
		  $(UNIT_MAIN_OBJ)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(L0_SCHED_UNIT)
# L0 against the SBI below it (l0-hyp/tests/model_sbi.c: NACL and PMU as
# the SBI spec has them, each function able to fail): nacl_client.c, L0 as
# a NACL client, and sbi_pmu.c, built for the model hart with that SBI's
# sbi_ecall (-include: <rvnest/sbi.h> has the ECALL on RISC-V only)
L0_SBI_BELOW_CUT := $(addprefix $(BUILD)/host/model/l0-hyp/,nacl_client.o \
	sbi_pmu.o)
$(L0_SBI_BELOW_CUT): L0_MODEL_CFLAGS += -include l0-hyp/tests/model_sbi.h
L0_SBI_BELOW_UNIT := $(BUILD)/host/tests/test_l0_sbi_below
# sbi-nested's (pmu.c: the firmware counters), set after this file
L0_SBI_BELOW_SBI_OBJS = $(SBI_NESTED_SRCS:%.c=$(BUILD)/host/%.o)
$(L0_SBI_BELOW_UNIT): $(L0_SBI_BELOW_CUT) \
		      $(addprefix $(BUILD)/host/model/l0-hyp/tests/, \
		      model_sbi.o test_l0_nacl_client.o test_l0_sbi_pmu.o) \
		      $(L0_MODEL_OBJS) $$(L0_SBI_BELOW_SBI_OBJS) \
		      $(UNIT_MAIN_OBJ)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(L0_SBI_BELOW_UNIT)
