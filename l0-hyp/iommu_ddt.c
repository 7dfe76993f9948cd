/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The parts of the IOMMU driver that touch no hardware (host-tested):
 * device-directory indexing, iohgatp and command encodings, the names of
 * fault causes.
 */
#include "iommu.h"

/* DDI widths per level ("Device-Directory-Table (DDT)"): the leaf level
 * indexes a 4 KiB page of 32-byte (base) or 64-byte (extended) device
 * contexts, each upper level a page of 512 8-byte entries; the root level
 * takes what is left of the 24-bit device ID. */
static unsigned ddi_shift(unsigned level, bool ext_dc)
{
	unsigned leaf = ext_dc ? 6 : 7;

	return level == 0 ? 0 : leaf + 9 * (level - 1);
}

static unsigned ddi_bits(unsigned level, bool ext_dc)
{
	unsigned leaf = ext_dc ? 6 : 7;

	if (level == 0)
		return leaf;
	if (level == 1)
		return 9;
	return 24 - ddi_shift(2, ext_dc);
}

unsigned l0_iommu_ddi(uint32_t did, unsigned level, bool ext_dc)
{
	return (did >> ddi_shift(level, ext_dc)) &
	       ((1u << ddi_bits(level, ext_dc)) - 1);
}

enum iommu_ddtp_mode l0_iommu_ddt_mode_for(uint32_t max_did, bool ext_dc)
{
	if (max_did < (1u << ddi_shift(1, ext_dc)))
		return IOMMU_DDTP_1LVL;
	if (max_did < (1u << ddi_shift(2, ext_dc)))
		return IOMMU_DDTP_2LVL;
	return IOMMU_DDTP_3LVL;
}

uint64_t l0_iommu_iohgatp(uint64_t root, enum pt_mode mode, unsigned gscid)
{
	/* the hgatp format ("Device-context fields", iohgatp): MODE
	 * [63:60] (8 Sv39x4, 9 Sv48x4 with fctl.GXL = 0), GSCID [59:44], PPN
	 * of the root [43:0] */
	return ((mode == PT_SV48X4 ? IOMMU_IOHGATP_SV48X4
				   : IOMMU_IOHGATP_SV39X4)
		<< IOMMU_ATP_MODE_SHIFT) |
	       (((uint64_t)gscid & IOMMU_IOHGATP_GSCID_MASK)
		<< IOMMU_IOHGATP_GSCID_SHIFT) |
	       (root >> 12);
}

struct l0_iommu_cmd l0_iommu_cmd_iotinval_gvma(unsigned gscid)
{
	/* "IOTINVAL.GVMA": opcode 1, func3 1; GV = 1 restricts it to
	 * GSCID [59:44]; AV = 0: every address */
	return (struct l0_iommu_cmd){
		.d0 = IOMMU_CMD_IOTINVAL |
		      ((uint64_t)IOMMU_CMD_IOTINVAL_GVMA
		       << IOMMU_CMD_FUNC_SHIFT) |
		      IOMMU_CMD_IOTINVAL_GV |
		      (((uint64_t)gscid & IOMMU_IOHGATP_GSCID_MASK)
		       << IOMMU_CMD_IOTINVAL_GSCID_SHIFT),
		.d1 = 0,
	};
}

struct l0_iommu_cmd l0_iommu_cmd_iodir_inval_ddt_all(void)
{
	/* "IODIR.INVAL_DDT": opcode 3, func3 0; DV = 0: every device */
	return (struct l0_iommu_cmd){
		.d0 = IOMMU_CMD_IODIR | ((uint64_t)IOMMU_CMD_IODIR_INVAL_DDT
					 << IOMMU_CMD_FUNC_SHIFT),
		.d1 = 0,
	};
}

struct l0_iommu_cmd l0_iommu_cmd_iofence_c(uint64_t addr, uint32_t data)
{
	/* "IOFENCE.C": opcode 2, func3 0; AV = 1 writes DATA [63:32] to
	 * ADDR[63:2] (the second doubleword) when done; PR/PW order the
	 * devices' earlier reads and writes too */
	return (struct l0_iommu_cmd){
		.d0 = IOMMU_CMD_IOFENCE |
		      ((uint64_t)IOMMU_CMD_IOFENCE_C << IOMMU_CMD_FUNC_SHIFT) |
		      IOMMU_CMD_IOFENCE_AV | IOMMU_CMD_IOFENCE_PR |
		      IOMMU_CMD_IOFENCE_PW |
		      ((uint64_t)data << IOMMU_CMD_IOFENCE_DATA_SHIFT),
		.d1 = addr >> 2,
	};
}

/* "Fault/Event-Queue" record causes */
static const struct {
	unsigned cause;
	const char *name;
} l0_iommu_causes[] = {
	{1, "instruction_access_fault"},
	{4, "read_address_misaligned"},
	{5, "read_access_fault"},
	{6, "write_address_misaligned"},
	{7, "write_access_fault"},
	{12, "instruction_page_fault"},
	{13, "read_page_fault"},
	{15, "write_page_fault"},
	{20, "instruction_guest_page_fault"},
	{21, "read_guest_page_fault"},
	{23, "write_guest_page_fault"},
	{256, "all_inbound_transactions_disallowed"},
	{257, "ddt_entry_load_access_fault"},
	{258, "ddt_entry_not_valid"},
	{259, "ddt_entry_misconfigured"},
	{260, "transaction_type_disallowed"},
	{261, "msi_pte_load_access_fault"},
	{262, "msi_pte_not_valid"},
	{263, "msi_pte_misconfigured"},
	{264, "mrif_access_fault"},
	{265, "pdt_entry_load_access_fault"},
	{266, "pdt_entry_not_valid"},
	{267, "pdt_entry_misconfigured"},
	{268, "ddt_data_corruption"},
	{269, "pdt_data_corruption"},
	{270, "msi_pt_data_corruption"},
	{271, "mrif_data_corruption"},
	{272, "internal_datapath_error"},
	{273, "msi_write_access_fault"},
	{274, "pt_data_corruption"},
};

const char *l0_iommu_cause_name(unsigned cause)
{
	for (unsigned i = 0;
	     i < sizeof(l0_iommu_causes) / sizeof(l0_iommu_causes[0]); i++)
		if (l0_iommu_causes[i].cause == cause)
			return l0_iommu_causes[i].name;
	return "unknown";
}
