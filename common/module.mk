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

# ---- l1: instruction decoder and FDT helpers (owner: l1) ----------------
# insn.c is pure and links everywhere. fdt_util.c needs libfdt, so images
# that use it add $(FDT_UTIL_BM_OBJS) and $(LIBFDT_BM) themselves.
COMMON_BM_SRCS += common/insn.c
FDT_UTIL_BM_OBJS = $(BUILD)/bm/common/fdt_util.o $(BUILD)/bm/common/fdt_imsic.o

TEST_INSN := $(BUILD)/host/tests/test_insn
$(TEST_INSN): $(BUILD)/host/common/tests/test_insn.o \
	      $(BUILD)/host/common/insn.o $(UNIT_MAIN_OBJ)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(TEST_INSN)

TEST_FDT_UTIL := $(BUILD)/host/tests/test_fdt_util
$(TEST_FDT_UTIL): $(BUILD)/host/common/tests/test_fdt_util.o \
		  $(BUILD)/host/common/fdt_util.o $(UNIT_MAIN_OBJ) \
		  $(LIBFDT_HOST)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(TEST_FDT_UTIL)

TEST_FDT_IMSIC := $(BUILD)/host/tests/test_fdt_imsic
$(TEST_FDT_IMSIC): $(BUILD)/host/common/tests/test_fdt_imsic.o \
		   $(BUILD)/host/common/fdt_imsic.o \
		   $(BUILD)/host/common/fdt_util.o $(UNIT_MAIN_OBJ) \
		   $(LIBFDT_HOST)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(TEST_FDT_IMSIC)
# ---- end l1 ---------------------------------------------------------------

# ---- image chains (owner: recursion): several boot images in one file ----
COMMON_BM_SRCS += common/chain.c
TEST_CHAIN := $(BUILD)/host/tests/test_chain
$(TEST_CHAIN): $(BUILD)/host/common/tests/test_chain.o \
	       $(BUILD)/host/common/chain.o $(UNIT_MAIN_OBJ)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(TEST_CHAIN)
