# shadow/: the shadow G-stage (L2 GPA -> host PA), linked into L0 and
# unit-tested on the host.
SHADOW_SRCS := shadow/shadow.c
# L0 links these objects (and COMMON_BM_OBJS, which has common/pt.c and
# common/trap_names.c).
SHADOW_BM_SRCS := $(SHADOW_SRCS)
SHADOW_BM_OBJS = $(SHADOW_BM_SRCS:%.c=$(BUILD)/bm/%.o)
CFLAGS_shadow := -Ishadow/include
# Every user of shadow.h (l0-hyp) needs its include directory.
SHADOW_INCLUDE := -Ishadow/include

SHADOW_TEST_OBJS := $(BUILD)/host/shadow/shadow.o \
	$(BUILD)/host/common/pt.o $(BUILD)/host/common/trap_names.o \
	$(UNIT_MAIN_OBJ)

$(BUILD)/host/shadow/%.o: shadow/%.c | $(LIBFDT_STAMP)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Ishadow/include -c $< -o $@

$(BUILD)/host/tests/test_shadow: $(BUILD)/host/shadow/tests/test_shadow.o \
		$(BUILD)/host/shadow/tests/world.o $(SHADOW_TEST_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

$(BUILD)/host/tests/test_shadow_fuzz: \
		$(BUILD)/host/shadow/tests/test_shadow_fuzz.o \
		$(BUILD)/host/shadow/tests/world.o $(SHADOW_TEST_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

$(BUILD)/host/tests/test_shadow_devices: \
		$(BUILD)/host/shadow/tests/test_shadow_devices.o \
		$(BUILD)/host/shadow/tests/world.o $(SHADOW_TEST_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

HOST_TESTS += $(BUILD)/host/tests/test_shadow $(BUILD)/host/tests/test_shadow_fuzz \
	$(BUILD)/host/tests/test_shadow_devices

# The shadow on QEMU's H extension: an HS-mode payload that builds an L1
# G-stage, runs an L2 program on the shadow and fills it on every fault.
SHADOW_HW_ELF := $(BUILD)/shadow/shadowhw.elf
SHADOW_HW_OBJS := $(BUILD)/bm/common/crt0.o $(BUILD)/bm/shadow/tests/hw/entry.o \
	$(BUILD)/bm/shadow/tests/hw/main.o $(SHADOW_BM_SRCS:%.c=$(BUILD)/bm/%.o)

.SECONDEXPANSION:
$(SHADOW_HW_ELF): $(SHADOW_HW_OBJS) $$(COMMON_BM_OBJS) $(LIBFDT_BM) \
		  common/ld/image.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T common/ld/image.ld -o $@ \
	  $(filter %.o,$^) $(LIBFDT_BM)

IMAGES += $(SHADOW_HW_ELF)

$(BUILD)/host/tests/test_shadow_hw: shadow/tests/hw/run.sh $(SHADOW_HW_ELF)
	@mkdir -p $(dir $@)
	sed -e 's|@NAME@|test_shadow_hw|' -e 's|@MEM@|1G|' \
	  -e 's|@IMAGE@|$(abspath $(SHADOW_HW_ELF))|' $< > $@
	chmod +x $@

HOST_TESTS += $(BUILD)/host/tests/test_shadow_hw

# The walker (common/pt.c) and shadow_gva_translate against QEMU's own
# two-stage walker: HLV.D through random tables, hardware vs model.
PTDIFF_ELF := $(BUILD)/shadow/ptdiff.elf
PTDIFF_OBJS := $(BUILD)/bm/common/crt0.o $(BUILD)/bm/shadow/tests/hw/ptdiff_entry.o \
	$(BUILD)/bm/shadow/tests/hw/ptdiff.o $(SHADOW_BM_SRCS:%.c=$(BUILD)/bm/%.o)

$(PTDIFF_ELF): $(PTDIFF_OBJS) $$(COMMON_BM_OBJS) $(LIBFDT_BM) \
	       common/ld/image.ld
	@mkdir -p $(dir $@)
	$(BM_CC) $(BM_LDFLAGS) -T common/ld/image.ld -o $@ \
	  $(filter %.o,$^) $(LIBFDT_BM)

IMAGES += $(PTDIFF_ELF)

$(BUILD)/host/tests/test_ptdiff_hw: shadow/tests/hw/run.sh $(PTDIFF_ELF)
	@mkdir -p $(dir $@)
	sed -e 's|@NAME@|test_ptdiff_hw|' -e 's|@MEM@|256M|' \
	  -e 's|@IMAGE@|$(abspath $(PTDIFF_ELF))|' $< > $@
	chmod +x $@

HOST_TESTS += $(BUILD)/host/tests/test_ptdiff_hw
