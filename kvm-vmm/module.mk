# kvm-vmm/: the KVM-based VMM that runs L2 guests on Linux/KVM as L1, its
# /init for L1 (kvm_init.c), the Linux L2's /init (l2_init.c) and both
# initramfs images. Everything here is a static riscv64-linux-gnu program.
#
# Contract with the harness (harness/configs/kvm-*.toml):
#   $(BUILD)/kvm-vmm/initramfs-kvm.cpio.gz  L1's initrd: /init, /vmm and the
#                                           L2 guests (micro.bin, Image, its
#                                           initramfs)
# The L1 and L2 kernel is linux/'s $(BUILD)/linux/Image; the micro-guest is
# guests/micro's micro.bin, unchanged.

KVM_OUT := $(BUILD)/kvm-vmm
KVM_CC := riscv64-linux-gnu-gcc
KVM_AR := riscv64-linux-gnu-ar
KVM_UAPI := $(KVM_OUT)/uapi
KVM_UAPI_STAMP := $(KVM_UAPI)/.installed
KVM_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
KVM_WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -Wno-missing-field-initializers
# uapi first: the 6.12 <linux/kvm.h> and <asm/kvm.h> over the sysroot's 6.1
KVM_CFLAGS := -static -O2 -g -MMD -MP $(KVM_WARN) -I$(KVM_UAPI) \
	      -Icommon/include -Il1-guest-hyp -I$(LIBFDT_SRC)

# Paths of other modules' outputs, spelled out because their module.mk
# files are read after this one.
KVM_MICRO_BIN := $(BUILD)/guests/micro/micro.bin
KVM_L2_IMAGE := $(BUILD)/linux/Image
KVM_GEN_INIT_CPIO := $(BUILD)/linux/gen_init_cpio

KVM_VMM_SRCS := kvm-vmm/main.c kvm-vmm/vcpus.c kvm-vmm/kvm.c kvm-vmm/load.c kvm-vmm/layout.c \
		kvm-vmm/aia.c kvm-vmm/cmdline.c \
		kvm-vmm/dt.c kvm-vmm/sbi.c kvm-vmm/mmio.c \
		l1-guest-hyp/testdev_regs.c
KVM_VMM_OBJS := $(KVM_VMM_SRCS:%.c=$(KVM_OUT)/obj/%.o)
KVM_LIBFDT := $(KVM_OUT)/libfdt.a
KVM_VMM := $(KVM_OUT)/vmm
KVM_INIT := $(KVM_OUT)/kvm-init
KVM_L2_INIT := $(KVM_OUT)/l2-init
KVM_L2_INITRAMFS := $(KVM_OUT)/l2-initramfs.cpio.gz
KVM_INITRAMFS := $(KVM_OUT)/initramfs-kvm.cpio.gz
KVM_VERSION_STAMP := $(KVM_OUT)/version.stamp

IMAGES += $(KVM_VMM) $(KVM_INIT) $(KVM_L2_INIT) $(KVM_INITRAMFS)

.PHONY: kvm-vmm kvm-always
kvm-vmm: $(KVM_INITRAMFS)
kvm-always:

$(KVM_UAPI_STAMP): kvm-vmm/uapi.sh
	@bash kvm-vmm/uapi.sh $(KVM_UAPI)
	@touch $@

# libfdt for Linux user space, from the same extracted sources.
$(KVM_LIBFDT): $(LIBFDT_STAMP)
	@mkdir -p $(KVM_OUT)/libfdt
	@for f in $(LIBFDT_NAMES); do \
	  $(KVM_CC) -O2 -g $(LIBFDT_CFLAGS) -I$(LIBFDT_SRC) \
	    -c $(LIBFDT_SRC)/$$f.c -o $(KVM_OUT)/libfdt/$$f.o || exit 1; done
	$(KVM_AR) rcs $@ $(LIBFDT_NAMES:%=$(KVM_OUT)/libfdt/%.o)

# The version compiled into the programs, rewritten only when it changes.
$(KVM_VERSION_STAMP): kvm-always
	@mkdir -p $(dir $@)
	@echo '$(KVM_VERSION)' | cmp -s - $@ || echo '$(KVM_VERSION)' >$@

$(KVM_OUT)/obj/%.o: %.c $(KVM_UAPI_STAMP) $(KVM_VERSION_STAMP) | $(LIBFDT_STAMP)
	@mkdir -p $(dir $@)
	$(KVM_CC) $(KVM_CFLAGS) -DRVNEST_VERSION='"$(KVM_VERSION)"' -c $< -o $@

$(KVM_VMM): $(KVM_VMM_OBJS) $(KVM_LIBFDT)
	$(KVM_CC) -static -pthread -o $@ $^

$(KVM_INIT): $(KVM_OUT)/obj/kvm-vmm/kvm_init.o $(KVM_OUT)/obj/kvm-vmm/cmdline.o
	$(KVM_CC) -static -o $@ $^

$(KVM_L2_INIT): $(KVM_OUT)/obj/kvm-vmm/l2_init.o
	$(KVM_CC) -static -o $@ $^

# -t 0: fixed timestamps, so an archive depends only on its contents.
$(KVM_L2_INITRAMFS): kvm-vmm/initramfs-l2.list $(KVM_L2_INIT) $(KVM_GEN_INIT_CPIO)
	KVM_L2_INIT=$(KVM_L2_INIT) $(KVM_GEN_INIT_CPIO) -t 0 $< >$(@:.gz=)
	gzip -n -9 <$(@:.gz=) >$@.tmp
	@mv $@.tmp $@

$(KVM_INITRAMFS): kvm-vmm/initramfs-kvm.list $(KVM_INIT) $(KVM_VMM) \
		  $(KVM_MICRO_BIN) $(KVM_L2_IMAGE) $(KVM_L2_INITRAMFS) \
		  $(KVM_GEN_INIT_CPIO)
	KVM_INIT=$(KVM_INIT) KVM_VMM=$(KVM_VMM) KVM_MICRO_BIN=$(KVM_MICRO_BIN) \
	  KVM_L2_IMAGE=$(KVM_L2_IMAGE) KVM_L2_INITRAMFS=$(KVM_L2_INITRAMFS) \
	  $(KVM_GEN_INIT_CPIO) -t 0 $< >$(@:.gz=)
	gzip -n -9 <$(@:.gz=) >$@.tmp
	@mv $@.tmp $@

# Host unit tests of the pure parts: placement, device tree, command line.
TEST_KVM_VMM := $(BUILD)/host/tests/test_kvm_vmm
$(TEST_KVM_VMM): $(BUILD)/host/kvm-vmm/tests/test_vmm.o \
		 $(BUILD)/host/kvm-vmm/layout.o $(BUILD)/host/kvm-vmm/dt.o \
		 $(BUILD)/host/kvm-vmm/cmdline.o $(BUILD)/host/common/fdt_util.o \
		 $(BUILD)/host/common/fdt_imsic.o \
		 $(UNIT_MAIN_OBJ) $(LIBFDT_HOST)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(TEST_KVM_VMM)
