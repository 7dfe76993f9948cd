/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests of L0's l0.nacl= option (l0-hyp/options.c): which NACL
 * features L0 offers L1 (sbi-nested/nacl.c), one bit per feature ID. */
#include "unit.h"

#include <rvnest/sbi.h>

#include "../options.h"

#define F(id) (1UL << (id))

static struct l0_options o;
static char err[256];

static enum l0_options_status parse(const char *s)
{
	err[0] = '\0';
	return l0_options_parse(s, &o, err, sizeof(err));
}

TEST(nacl_option_default_is_none)
{
	CHECK_EQ(parse(NULL), L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_features, 0);
	CHECK_EQ(parse("l1.h=1"), L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_features, 0);
}

TEST(nacl_option_values)
{
	CHECK_EQ(parse("l0.nacl=all"), L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_features, F(SBI_NACL_FEAT_SYNC_CSR) |
					  F(SBI_NACL_FEAT_SYNC_HFENCE) |
					  F(SBI_NACL_FEAT_SYNC_SRET) |
					  F(SBI_NACL_FEAT_AUTOSWAP_CSR));
	CHECK_EQ(parse("l0.nacl=all l0.nacl=none"), L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_features, 0);
	CHECK_EQ(parse("l0.nacl=sret"), L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_features, F(SBI_NACL_FEAT_SYNC_SRET));
	CHECK_EQ(parse("l0.nacl=autoswap,csr"), L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_features,
		 F(SBI_NACL_FEAT_SYNC_CSR) | F(SBI_NACL_FEAT_AUTOSWAP_CSR));
	CHECK_EQ(parse("l0.nacl=csr,hfence,sret,autoswap"), L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_features, 0xfUL);
	/* the last one wins, as for every option; L1's part is not L0's */
	CHECK_EQ(parse("l0.nacl=csr l0.nacl=hfence -- l0.nacl=all"),
		 L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_features, F(SBI_NACL_FEAT_SYNC_HFENCE));
}

TEST(nacl_option_errors)
{
	const char *bad[] = {
		"l0.nacl=",	      "l0.nacl=csrx", "l0.nacl=cs",
		"l0.nacl=csr,",	      "l0.nacl=,csr", "l0.nacl=csr,,sret",
		"l0.nacl=All",	      "l0.nacl=1",    "l0.nacl",
		"l0.nacl=sret,bogus",
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(parse(bad[i]), L0_OPTIONS_BAD);
		CHECK(err[0] != '\0');
	}
}
