# guests/soak: the soak L2 (issue 17 item 4; guests/soak/README.md), an
# endless loop of in-kernel SBI calls, and the L1 initramfs that runs it
# under Linux/KVM with kvm-vmm's /init and /vmm.
SOAK_ELF := $(BUILD)/guests/soak/soak.elf
SOAK_BIN := $(BUILD)/guests/soak/soak.bin
SOAK_INITRAMFS := $(BUILD)/guests/soak/initramfs-soak.cpio.gz

$(SOAK_ELF): $(BUILD)/bm/guests/soak/start.o guests/soak/soak.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T guests/soak/soak.ld -o $@ $(filter %.o,$^)

$(SOAK_BIN): $(SOAK_ELF)
	$(BM_OBJCOPY) -O binary $< $@

# kvm-vmm/module.mk (read after this file) names /init, /vmm and the cpio
# packer: second expansion.
.SECONDEXPANSION:
$(SOAK_INITRAMFS): guests/soak/initramfs-soak.list $(SOAK_BIN) \
		   $$(KVM_INIT) $$(KVM_VMM) $$(KVM_GEN_INIT_CPIO)
	KVM_INIT=$(KVM_INIT) KVM_VMM=$(KVM_VMM) SOAK_BIN=$(SOAK_BIN) \
	  $(KVM_GEN_INIT_CPIO) -t 0 $< >$(@:.gz=)
	gzip -n -9 <$(@:.gz=) >$@.tmp
	@mv $@.tmp $@

IMAGES += $(SOAK_ELF) $(SOAK_BIN) $(SOAK_INITRAMFS)

# make soak [EXITS=n] [DURATION=seconds] [EVERY=n]: Linux/KVM as L1 on L0
# with the soak L2; L0 prints an l0soak line every EVERY exits and ends
# after EXITS exits (or DURATION seconds); harness/test_soak.py checks
# that per-exit counts do not drift and L0's memory stays bounded.
SOAK_EXITS ?= $(or $(EXITS),$(if $(DURATION),0,1000000))
SOAK_EVERY ?= $(or $(EVERY),100000)
.PHONY: soak
soak: $(SOAK_INITRAMFS) $$(L0_ELF) $$(LINUX_IMAGE)
	RVNEST_SOAK="$(SOAK_EVERY),$(SOAK_EXITS)$(if $(DURATION),$(comma)$(DURATION))" \
	  $(PYTHON) -m pytest -q -s harness/test_soak.py -k long_soak
comma := ,
