# disk/: Linux 7.3 as L1 with its root file system on a virtio-blk-pci disk
# and a virtio-net-pci NIC (issue 12, the L1 side; disk/README.md).
#
# Contract with the harness (harness/configs/*-disk.toml):
#   $(BUILD)/linux-disk/Image      L1's kernel: the app kernel (linux/build.sh
#                                  7-app: linux/config-fragment +
#                                  config-fragment-app + config-fragment-disk:
#                                  PCI host bridge, virtio-pci, AF_PACKET)
#   $(BUILD)/disk/rootfs.ext4      L1's root disk (disk/mkdisk.py): /init =
#                                  disk/init.sh, Debian's busybox, nsclock,
#                                  kvm-vmm and the micro-guests
#   disk/httpd.py                  the HTTP peer QEMU's guestfwd runs
# The Debian tree is fetched by `make deps` (ci/debian-userspace.sh); make
# only reads it (--offline), as app/module.mk does.

DISK_OUT := $(BUILD)/disk
DISK_KERNEL_OUT := $(BUILD)/linux-disk
DISK_IMAGE := $(DISK_KERNEL_OUT)/Image
DISK_ROOTFS := $(DISK_OUT)/rootfs.ext4
# other modules' outputs, spelled out (their module.mk may be read later)
DISK_VMM := $(BUILD)/kvm-vmm/vmm
DISK_MICRO := $(BUILD)/guests/micro/micro.bin
DISK_DEBIAN = $$(bash ci/debian-userspace.sh --offline)/root
# L1's nanosecond clock for the benchmark (busybox's date has no %N)
DISK_NSCLOCK := $(DISK_OUT)/nsclock
DISK_CC := riscv64-linux-gnu-gcc
DISK_CFLAGS := -static -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes

IMAGES += $(DISK_IMAGE) $(DISK_ROOTFS)

.PHONY: disk disk-always
disk: $(DISK_IMAGE) $(DISK_ROOTFS)
disk-always:

# The app kernel (linux/build.sh 7-app: config-fragment, -app and -disk),
# copied out of its cache entry: the same Image as $(BUILD)/linux-app, one
# kernel build for both.
$(DISK_IMAGE): disk-always
	@bash linux/build.sh $(DISK_KERNEL_OUT) 7-app

# The disk is rebuilt from scratch whenever an input changed; a run that
# wrote to it (make run CONFIG=*-disk writes /var/lib/rvnest) keeps its
# files until then (disk/README.md). The Debian manifest is app's
# (app/module.mk), so a new Debian tree rebuilds this disk too.
$(DISK_NSCLOCK): disk/nsclock.c
	@mkdir -p $(dir $@)
	$(DISK_CC) $(DISK_CFLAGS) $< -o $@

$(DISK_ROOTFS): disk/mkdisk.py app/rootfs.py disk/init.sh disk/udhcpc.script \
		$(DISK_NSCLOCK) $(DISK_VMM) $(DISK_MICRO) $(APP_MANIFEST)
	@mkdir -p $(dir $@)
	$(PYTHON) disk/mkdisk.py --debian $(DISK_DEBIAN) --init disk/init.sh \
	  --dhcp-script disk/udhcpc.script --nsclock $(DISK_NSCLOCK) \
	  --vmm $(DISK_VMM) --micro $(DISK_MICRO) --out $@

# make iobench [RUNS=<n>] [MIB=<n>]: disk and network throughput in L1,
# Linux on QEMU's H against L1 on L0 (benchmarks/iobench.py):
# results/io/*.json and .md
.PHONY: iobench
iobench: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m benchmarks.iobench $(if $(RUNS),--runs $(RUNS)) $(if $(MIB),--mib $(MIB))
