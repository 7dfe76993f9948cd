# tests/pcidma/: a bare-metal L1 that checks PCI passthrough through L0
# (l1.pci=, l0-hyp/pci.h) with a virtio-blk-pci disk behind QEMU's
# riscv-iommu-pci: enumeration, DMA through the IOMMU, stray DMA stopped
# (harness/test_pci.py, config pci-dma-l0).
PCIDMA_ELF := $(BUILD)/pcidma/pcidma.elf
PCIDMA_OBJS := $(BUILD)/bm/common/crt0.o $(BUILD)/bm/tests/pcidma/pcidma.o \
	$(BUILD)/bm/tests/pcidma/probe.o

IMAGES += $(PCIDMA_ELF)
HELP_CONFIGS += pci-dma-l0 linux-l0-pci

# COMMON_BM_OBJS and FDT_UTIL_BM_OBJS are complete only after every
# module.mk is read.
.SECONDEXPANSION:
$(PCIDMA_ELF): $(PCIDMA_OBJS) $$(COMMON_BM_OBJS) $$(FDT_UTIL_BM_OBJS) \
	       $(LIBFDT_BM) common/ld/image.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T common/ld/image.ld -o $@ \
	  $(filter %.o,$^) $(LIBFDT_BM)

# its disk: a raw file made by the build (the tests use a fresh copy)
PCIDMA_DISK := $(BUILD)/pcidma/disk.img
$(PCIDMA_DISK): tests/pcidma/mkdisk.py
	@mkdir -p $(dir $@)
	/usr/bin/python3 tests/pcidma/mkdisk.py $@
IMAGES += $(PCIDMA_DISK)
