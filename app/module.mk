# app/: real workloads (issue 13, app/README.md). L1 is Linux 7.3/KVM with a
# user space from Debian's riscv64 packages and runs Debian's QEMU with
# -accel kvm; L2 is the same Linux booted from a virtio-blk ext4 disk with a
# virtio-net NIC and runs hackbench.
#
# Contract with the harness (harness/configs/app-*.toml):
#   $(BUILD)/linux-app/Image               L1's and L2's kernel (linux/build.sh
#                                          7-app: linux/config-fragment +
#                                          linux/config-fragment-app +
#                                          linux/config-fragment-disk)
#   $(BUILD)/app/initramfs-l1.cpio.gz      L1's initrd (Debian's busybox,
#                                          QEMU, hackbench; L2's kernel and
#                                          disk in /guests)
#   $(BUILD)/app/l2-root.ext4              L2's disk (also inside L1's initrd)
#   $(BUILD)/app/manifest.tsv              the Debian packages, versions and
#                                          .deb SHA-256 the images come from
# The Debian tree is fetched by `make deps` (ci/debian-userspace.sh) into
# ~/.cache/rvnest; make only reads it (--offline) and says to run
# `make deps` when it is not there.

APP_OUT := $(BUILD)/app
APP_KERNEL_OUT := $(BUILD)/linux-app
APP_IMAGE := $(APP_KERNEL_OUT)/Image
APP_MANIFEST := $(APP_OUT)/manifest.tsv
APP_L2_ROOT := $(APP_OUT)/l2-root.ext4
APP_L1_LIST := $(APP_OUT)/initramfs-l1.list
APP_L1_INITRAMFS := $(APP_OUT)/initramfs-l1.cpio.gz
# the kernel's own cpio packer, from the 7 kernel (linux/module.mk)
APP_GEN_INIT_CPIO := $(BUILD)/linux/gen_init_cpio
APP_DEBIAN = $$(bash ci/debian-userspace.sh --offline)/root

IMAGES += $(APP_IMAGE) $(APP_L2_ROOT) $(APP_L1_INITRAMFS)

.PHONY: app app-always
app: $(APP_IMAGE) $(APP_L1_INITRAMFS)
app-always:

# As for the other kernels: the cache key is checked on every make and the
# outputs are rewritten only when the kernel changed.
$(APP_IMAGE): app-always
	@bash linux/build.sh $(APP_KERNEL_OUT) 7-app

# The package manifest, rewritten only when the fetched set changed, so the
# images are rebuilt only then.
$(APP_MANIFEST): app-always
	@mkdir -p $(dir $@)
	@d=$$(bash ci/debian-userspace.sh --offline) && \
	  { cmp -s $$d/manifest.tsv $@ || cp $$d/manifest.tsv $@; }

$(APP_L2_ROOT): app/rootfs.py app/l2-init.sh app/workloads.sh app/buildproj.py \
		app/etc/passwd app/etc/group $(APP_MANIFEST)
	$(PYTHON) app/rootfs.py l2 --debian $(APP_DEBIAN) --init app/l2-init.sh \
	  --out $@

$(APP_L1_LIST): app/rootfs.py app/l1-init.sh app/workloads.sh app/buildproj.py \
		app/etc/passwd app/etc/group $(APP_MANIFEST) $(APP_IMAGE) \
		$(APP_L2_ROOT)
	$(PYTHON) app/rootfs.py l1 --debian $(APP_DEBIAN) --init app/l1-init.sh \
	  --image $(APP_IMAGE) --l2-root $(APP_L2_ROOT) --out $@

# -t 0: fixed timestamps, so the archive depends only on its contents.
$(APP_L1_INITRAMFS): $(APP_L1_LIST) $(APP_GEN_INIT_CPIO)
	$(APP_GEN_INIT_CPIO) -t 0 $< >$(@:.gz=)
	gzip -n -9 <$(@:.gz=) >$@.tmp
	@mv $@.tmp $@

# make appbench [RUNS=<n>] [WORKLOADS=a,b] [SIZE=full|tiny]: the workloads
# of app/workloads.sh native / VM / nested VM, NEVE Table 4 shape, with L0's
# traps per second per workload (benchmarks/appbench.py): results/app/*.json,
# .md and figures
.PHONY: appbench
appbench: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m benchmarks.appbench $(if $(RUNS),--runs $(RUNS)) \
	  $(if $(WORKLOADS),--workloads $(WORKLOADS)) $(if $(SIZE),--size $(SIZE))
