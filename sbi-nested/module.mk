# sbi-nested/: the SBI implementation L0 offers L1 (SBI v2.0). Pure C, no
# asm, no hardware access: L0 links it; the host unit tests run it on a
# mock of struct sbi_nested_ops (sbi-nested/include/sbi_nested.h).
#
# For L0:  sources  $(SBI_NESTED_BM_SRCS)  (build them with $(BUILD)/bm/%.o)
#          include  $(SBI_NESTED_INCLUDE)  (add it to CFLAGS_l0-hyp)
SBI_NESTED_INCLUDE := -Isbi-nested/include
# Filled in as the extension files land (next commits).
SBI_NESTED_BM_SRCS :=
CFLAGS_sbi-nested := $(SBI_NESTED_INCLUDE)
