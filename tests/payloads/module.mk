# tests/payloads/: S-mode test payloads for OpenSBI and for L0 (issue 3
# item 9): sbi-conformance (the SBI below, checked against SBI v2.0) and
# isolation (accesses outside RAM get the architectural access fault).
# Ordinary OpenSBI next stages linked at 0x80200000; see README.md.
PAYLOADS := sbi-conformance isolation
PAYLOAD_COMMON_OBJS := $(BUILD)/bm/common/crt0.o $(BUILD)/bm/tests/payloads/entry.o \
	$(BUILD)/bm/tests/payloads/payload.o
PAYLOAD_OBJS_sbi-conformance := $(BUILD)/bm/tests/payloads/sbi_conformance.o \
	$(BUILD)/bm/tests/payloads/sbi_fwft.o $(BUILD)/bm/tests/payloads/sbi_pmu.o \
	$(BUILD)/bm/tests/payloads/sbi_dbtr.o $(BUILD)/bm/tests/payloads/sbi_pmu_ovf.o
PAYLOAD_OBJS_isolation := $(BUILD)/bm/tests/payloads/isolation.o
PAYLOAD_ELFS := $(PAYLOADS:%=$(BUILD)/payloads/%.elf)

# COMMON_BM_OBJS and FDT_UTIL_BM_OBJS are complete only after every
# module.mk is read.
.SECONDEXPANSION:
$(PAYLOAD_ELFS): $(BUILD)/payloads/%.elf: $$(PAYLOAD_OBJS_$$*) \
		 $(PAYLOAD_COMMON_OBJS) $$(COMMON_BM_OBJS) \
		 $$(FDT_UTIL_BM_OBJS) $(LIBFDT_BM) tests/payloads/payload.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T tests/payloads/payload.ld -o $@ \
	  $(filter %.o,$^) $(LIBFDT_BM)

IMAGES += $(PAYLOAD_ELFS)
