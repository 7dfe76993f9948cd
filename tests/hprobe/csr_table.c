/* SPDX-License-Identifier: BSD-2-Clause */
/* The per-CSR accessors of bodies.S, gathered into one table. */
#include <stddef.h>

#include "csr_list.h"
#include "hprobe.h"

#define HP_CSR_DECL(name, num, flags, mask) \
	HP_BODY(hp_csr_##name##_read);      \
	HP_BODY(hp_csr_##name##_rw);        \
	HP_BODY(hp_csr_##name##_rs);        \
	HP_BODY(hp_csr_##name##_rc);        \
	HP_BODY(hp_csr_##name##_rwi);       \
	HP_BODY(hp_csr_##name##_rsi);       \
	HP_BODY(hp_csr_##name##_rci);       \
	HP_BODY(hp_csr_##name##_rsi0);
HP_CSR_LIST(HP_CSR_DECL)

#define HP_CSR_ENTRY(name, num, flags, mask)          \
	{#name,                                       \
	 num,                                         \
	 flags,                                       \
	 mask,                                        \
	 {                                            \
		 [HP_OP_READ] = hp_csr_##name##_read, \
		 [HP_OP_RW] = hp_csr_##name##_rw,     \
		 [HP_OP_RS] = hp_csr_##name##_rs,     \
		 [HP_OP_RC] = hp_csr_##name##_rc,     \
		 [HP_OP_RWI] = hp_csr_##name##_rwi,   \
		 [HP_OP_RSI] = hp_csr_##name##_rsi,   \
		 [HP_OP_RCI] = hp_csr_##name##_rci,   \
		 [HP_OP_RSI0] = hp_csr_##name##_rsi0, \
	 }},
const struct hp_csr hp_csrs[] = {HP_CSR_LIST(HP_CSR_ENTRY)};
const unsigned hp_ncsrs = sizeof(hp_csrs) / sizeof(hp_csrs[0]);

const struct hp_csr *hp_csr_find(unsigned num)
{
	for (unsigned i = 0; i < hp_ncsrs; i++)
		if (hp_csrs[i].num == num)
			return &hp_csrs[i];
	return NULL;
}
