# sbi-nested/: the SBI implementation L0 offers L1 (SBI v2.0). Pure C, no
# asm, no hardware access: L0 links it; the host unit tests run it on a
# mock of struct sbi_nested_ops (sbi-nested/include/sbi_nested.h).
#
# For L0:  sources  $(SBI_NESTED_BM_SRCS)  (objects: $(BUILD)/bm/%.o)
#          include  $(SBI_NESTED_INCLUDE)  (add it to CFLAGS_l0-hyp)
SBI_NESTED_INCLUDE := -Isbi-nested/include
SBI_NESTED_SRCS := $(addprefix sbi-nested/,dispatch.c base.c legacy.c \
	time.c ipi.c rfence.c hsm.c srst.c dbcn.c rvnest.c nacl.c fwft.c pmu.c \
	dbtr.c)
SBI_NESTED_BM_SRCS := $(SBI_NESTED_SRCS)
CFLAGS_sbi-nested := $(SBI_NESTED_INCLUDE)

# Host build: the generic host rule has no per-directory flags, so this
# more specific pattern (shorter stem: make picks it) adds the include path.
$(BUILD)/host/sbi-nested/%.o: sbi-nested/%.c | $(LIBFDT_STAMP)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SBI_NESTED_INCLUDE) -Isbi-nested -c $< -o $@

SBI_NESTED_TEST_SRCS := $(wildcard sbi-nested/tests/*.c)
SBI_NESTED_TEST := $(BUILD)/host/sbi-nested/tests/test_sbi_nested
$(SBI_NESTED_TEST): $(SBI_NESTED_SRCS:%.c=$(BUILD)/host/%.o) \
		    $(SBI_NESTED_TEST_SRCS:%.c=$(BUILD)/host/%.o) $(UNIT_MAIN_OBJ)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TESTS += $(SBI_NESTED_TEST)
