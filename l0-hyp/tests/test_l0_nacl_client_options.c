/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests of L0's l0.nacl.client= option (l0-hyp/options.c): which NACL
 * features of the SBI below L0 uses for its own h* CSRs, HFENCEs and SRET
 * (l0-hyp/hcsr.h), one bit per feature ID, apart from l0.nacl=. */
#include "unit.h"

#include <rvnest/sbi.h>

#include "../options.h"

#define F(id) (1UL << (id))
#define ALL                                                         \
	(F(SBI_NACL_FEAT_SYNC_CSR) | F(SBI_NACL_FEAT_SYNC_HFENCE) | \
	 F(SBI_NACL_FEAT_SYNC_SRET) | F(SBI_NACL_FEAT_AUTOSWAP_CSR))

static struct l0_options o;
static char err[256];

static enum l0_options_status parse(const char *s)
{
	err[0] = '\0';
	return l0_options_parse(s, &o, err, sizeof(err));
}

TEST(nacl_client_default_is_all)
{
	/* harmless where the SBI below has no NACL: nothing to use */
	CHECK_EQ(parse(NULL), L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_client, ALL);
	CHECK_EQ(parse("l1.h=1 l0.nacl=none"), L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_client, ALL);
}

TEST(nacl_client_values_apart_from_l0_nacl)
{
	CHECK_EQ(parse("l0.nacl.client=none"), L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_client, 0);
	CHECK_EQ(o.nacl_features, 0);
	CHECK_EQ(parse("l0.nacl.client=csr,sret l0.nacl=hfence"),
		 L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_client,
		 F(SBI_NACL_FEAT_SYNC_CSR) | F(SBI_NACL_FEAT_SYNC_SRET));
	CHECK_EQ(o.nacl_features, F(SBI_NACL_FEAT_SYNC_HFENCE));
	CHECK_EQ(parse("l0.nacl=all l0.nacl.client=autoswap"), L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_client, F(SBI_NACL_FEAT_AUTOSWAP_CSR));
	CHECK_EQ(o.nacl_features, ALL);
	/* L1's part is not L0's */
	CHECK_EQ(parse("l0.nacl.client=none -- l0.nacl.client=all"),
		 L0_OPTIONS_OK);
	CHECK_EQ(o.nacl_client, 0);
}

TEST(nacl_client_errors)
{
	const char *bad[] = {
		"l0.nacl.client=",     "l0.nacl.client=csrx",
		"l0.nacl.client=csr,", "l0.nacl.client=ALL",
		"l0.nacl.client",      "l0.nacl.client=sret,bogus",
		"l0.nacl.clients=all",
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(parse(bad[i]), L0_OPTIONS_BAD);
		CHECK(err[0] != '\0');
	}
}
