# linux/: Linux as L1 and L2 (tinyconfig + linux/config-fragment) and its
# initramfs with a static C /init. Two kernels: 7.3 (Debian's
# linux-source-7.3 from trixie-backports, fetched by ci/linux-src.sh), the
# kernel of every kvm-* and linux-* configuration; and 6.12 (Debian's
# linux-source-6.12), kept for kvm-l0-612, the KVM before NACL support.
#
# Contract with l0 and the harness: $(BUILD)/linux/Image (7.3),
# $(BUILD)/linux-6.12/Image and $(BUILD)/linux/initramfs.cpio.gz. The
# kernels themselves are built and cached
# outside the build tree by linux/build.sh (see linux/README.md); when the
# cache is up to date the check costs a hash and a cmp.

LINUX_OUT := $(BUILD)/linux
LINUX_IMAGE := $(LINUX_OUT)/Image
LINUX_GEN_INIT_CPIO := $(LINUX_OUT)/gen_init_cpio
LINUX_INIT := $(LINUX_OUT)/init
LINUX_INITRAMFS := $(LINUX_OUT)/initramfs.cpio.gz
LINUX_VERSION_STAMP := $(LINUX_OUT)/version.stamp

LINUX_CC := riscv64-linux-gnu-gcc
LINUX_INIT_CFLAGS := -static -O2 -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes
# Evaluated once per make (:=), so the stamp and /init always agree.
LINUX_INIT_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

LINUX612_OUT := $(BUILD)/linux-6.12
LINUX612_IMAGE := $(LINUX612_OUT)/Image

IMAGES += $(LINUX_IMAGE) $(LINUX_INITRAMFS) $(LINUX612_IMAGE)

.PHONY: linux linux-always
linux: $(LINUX_IMAGE) $(LINUX_INITRAMFS) $(LINUX612_IMAGE)
linux-always:

# Run on every make (a phony prerequisite), so the cache key is always
# checked; build.sh rewrites its outputs only when their content changes, so
# dependents are rebuilt only when the kernel really changed.
$(LINUX_IMAGE) $(LINUX_GEN_INIT_CPIO) &: linux-always
	@bash linux/build.sh $(LINUX_OUT) 7

$(LINUX612_IMAGE): linux-always
	@bash linux/build.sh $(LINUX612_OUT) 6.12

# The version compiled into /init, rewritten only when it changes.
$(LINUX_VERSION_STAMP): linux-always
	@mkdir -p $(dir $@)
	@echo '$(LINUX_INIT_VERSION)' | cmp -s - $@ || echo '$(LINUX_INIT_VERSION)' >$@

$(LINUX_INIT): linux/init.c $(LINUX_VERSION_STAMP)
	@mkdir -p $(dir $@)
	$(LINUX_CC) $(LINUX_INIT_CFLAGS) \
	  -DRVNEST_VERSION='"$(LINUX_INIT_VERSION)"' $< -o $@

# -t 0: fixed timestamps, so the archive depends only on its contents.
$(LINUX_INITRAMFS): linux/initramfs.list $(LINUX_INIT) $(LINUX_GEN_INIT_CPIO)
	RVNEST_LINUX_INIT=$(LINUX_INIT) $(LINUX_GEN_INIT_CPIO) -t 0 $< \
	  >$(LINUX_OUT)/initramfs.cpio
	gzip -n -9 <$(LINUX_OUT)/initramfs.cpio >$@.tmp
	@mv $@.tmp $@

# The PMU variant (linux/config-fragment-pmu): Linux 7.3 with the SBI PMU
# driver, for the perf check of harness/test_linux_pmu.py. Its own cache
# entry (the fragment is part of the key); built only when asked for
# (`make linux-pmu`), never by `make`. Its /init is the usual initramfs's,
# whose perf step the command line switches on (rvnest_perf=1).
LINUX_PMU_OUT := $(BUILD)/linux-pmu
LINUX_PMU_IMAGE := $(LINUX_PMU_OUT)/Image
LINUX_PMU_FRAGMENT := $(LINUX_PMU_OUT)/config-fragment

.PHONY: linux-pmu
linux-pmu: $(LINUX_PMU_IMAGE) $(LINUX_INITRAMFS)

# the base fragment without its "SBI PMU off" line, then the variant's
$(LINUX_PMU_FRAGMENT): linux/config-fragment linux/config-fragment-pmu
	@mkdir -p $(dir $@)
	grep -vx '# CONFIG_RISCV_PMU_SBI is not set' linux/config-fragment \
	  | cat - linux/config-fragment-pmu >$@.tmp
	@mv $@.tmp $@

$(LINUX_PMU_IMAGE): $(LINUX_PMU_FRAGMENT) linux-always
	@LINUX_FRAGMENT=$(abspath $(LINUX_PMU_FRAGMENT)) \
	  bash linux/build.sh $(LINUX_PMU_OUT) 7

# KVM's guests through L0's PMU (config kvm-l0-linux-pmu,
# harness/test_linux_pmu.py): L1's KVM initramfs with this PMU kernel as
# the Linux L2 too, and the usual initramfs (linux/init.c, whose perf step
# the L2's command line switches on) as the L2's. Built by `make linux-pmu`.
LINUX_PMU_KVM_INITRAMFS := $(LINUX_PMU_OUT)/initramfs-kvm.cpio.gz
linux-pmu: $(LINUX_PMU_KVM_INITRAMFS)

$(LINUX_PMU_KVM_INITRAMFS): kvm-vmm/initramfs-kvm.list $(KVM_INIT) $(KVM_VMM) \
		$(KVM_MICRO_BIN) $(LINUX_PMU_IMAGE) $(LINUX_INITRAMFS) \
		$(KVM_GEN_INIT_CPIO)
	KVM_INIT=$(KVM_INIT) KVM_VMM=$(KVM_VMM) KVM_MICRO_BIN=$(KVM_MICRO_BIN) \
	  KVM_L2_IMAGE=$(LINUX_PMU_IMAGE) KVM_L2_INITRAMFS=$(LINUX_INITRAMFS) \
	  $(KVM_GEN_INIT_CPIO) -t 0 $< >$(@:.gz=)
	gzip -n -9 <$(@:.gz=) >$@.tmp
	@mv $@.tmp $@
