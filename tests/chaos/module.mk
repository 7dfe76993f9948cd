# tests/chaos/: the chaos L1 (issue 17 item 3). A bare-metal HS-mode
# OpenSBI payload built from hprobe's runner, bodies and tables plus its own
# generator (main.c); the harness runs the same seed on QEMU's H extension
# (chaos-single) and as L1 on L0 (chaos-nested) and compares the logs.
# See tests/chaos/README.md.
CHAOS_OBJS := $(BUILD)/bm/tests/chaos/main.o \
	$(BUILD)/bm/tests/hprobe/run.o $(BUILD)/bm/tests/hprobe/mem.o \
	$(BUILD)/bm/tests/hprobe/csr_table.o \
	$(BUILD)/bm/common/crt0.o $(BUILD)/bm/tests/hprobe/entry.o \
	$(BUILD)/bm/tests/hprobe/bodies.o
CHAOS_ELF := $(BUILD)/chaos/chaos.elf

# COMMON_BM_OBJS is complete only after every module.mk is read (hprobe's
# module.mk turned on .SECONDEXPANSION).
$(CHAOS_ELF): $(CHAOS_OBJS) $$(COMMON_BM_OBJS) $$(FDT_UTIL_BM_OBJS) \
	      $(LIBFDT_BM) tests/hprobe/hprobe.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T tests/hprobe/hprobe.ld -o $@ \
	  $(filter %.o,$^) $(LIBFDT_BM)

IMAGES += $(CHAOS_ELF)

# make chaos [SEEDS="1 2 3" | SEEDS=1-100] [STEPS=n]: each seed on QEMU's H
# and on L0, logs compared (harness/test_chaos.py).
.PHONY: chaos
chaos: $(CHAOS_ELF) $(L0_ELF)
	RVNEST_CHAOS_SEEDS="$(or $(SEEDS),1-32)" \
	  $(if $(STEPS),RVNEST_CHAOS_STEPS=$(STEPS)) \
	  $(PYTHON) -m pytest -q harness/test_chaos.py -k many_seeds $(XDIST_ARGS)
