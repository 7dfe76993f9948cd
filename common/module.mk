# common/: code shared by every bare-metal image (and host-testable parts).
COMMON_BM_SRCS += common/trap_names.c

# --- page-table walker (owner: shadow) ---
COMMON_BM_SRCS += common/pt.c
TEST_PT := $(BUILD)/host/tests/test_pt
$(TEST_PT): $(BUILD)/host/common/tests/test_pt.o $(BUILD)/host/common/pt.o \
	    $(UNIT_MAIN_OBJ)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(TEST_PT)
# --- end page-table walker ---
