/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DBCN extension (SBI spec "Debug Console Extension", EID 0x4442434E).
 * Every guest address is checked against L1's memory before a byte moves.
 */
#include "sbi_nested_ext.h"

/* Bytes copied per guest_read/guest_write: bounds L0's stack use only. */
#define DBCN_CHUNK 64

static long dbcn_probe(const struct sbi_nested *sn, unsigned long eid)
{
	const struct sbi_nested_ops *ops = sn->ops;

	(void)eid;
	return ops->guest_check && ops->guest_read && ops->guest_write &&
	       ops->console_write && ops->console_getc;
}

/*
 * Validate (num_bytes, base_addr_lo, base_addr_hi) for Console Write/Read.
 * Returns SBI_SUCCESS or the error the call must return.
 */
static long dbcn_check(const struct sbi_nested *sn,
		       const struct sbi_nested_request *req,
		       enum sbi_nested_access access)
{
	unsigned long num = req->args[0], lo = req->args[1], hi = req->args[2];

	/* L1's guest-physical addresses are XLEN bits wide: a non-zero
	 * upper half is beyond L0's own limit, for which the spec allows
	 * SBI_ERR_FAILED ("Shared memory physical address range parameter",
	 * NOTE), and it is what OpenSBI answers for the same call. */
	if (hi != 0)
		return SBI_ERR_FAILED;
	/* Zero bytes name no memory, so no address can be wrong. */
	if (num == 0)
		return SBI_SUCCESS;
	/* Memory that S-mode may not access with this access type:
	 * SBI_ERR_INVALID_PARAM (Console Write/Read errors). A range that
	 * wraps is not memory at all. */
	if (num > ~0UL - lo ||
	    sn->ops->guest_check(sn->ctx, lo, num, access) != SBI_NESTED_OK)
		return SBI_ERR_INVALID_PARAM;
	return SBI_SUCCESS;
}

static void dbcn_write(const struct sbi_nested *sn,
		       const struct sbi_nested_request *req,
		       struct sbi_nested_result *res)
{
	unsigned long num = req->args[0], gpa = req->args[1];
	unsigned long done = 0;
	char buf[DBCN_CHUNK];

	res->error = dbcn_check(sn, req, SBI_NESTED_ACCESS_READ);
	if (res->error != SBI_SUCCESS)
		return;
	while (done < num) {
		size_t n = num - done < DBCN_CHUNK ? num - done : DBCN_CHUNK;

		/* Checked above; a failure now means L0's memory map
		 * changed under us, not a guest error. */
		if (sn->ops->guest_read(sn->ctx, gpa + done, buf, n) !=
			    SBI_NESTED_OK ||
		    sn->ops->console_write(sn->ctx, buf, n) != SBI_NESTED_OK) {
			res->error = SBI_ERR_FAILED;
			return;
		}
		done += n;
	}
	res->value = (long)done;
}

static void dbcn_read(const struct sbi_nested *sn,
		      const struct sbi_nested_request *req,
		      struct sbi_nested_result *res)
{
	unsigned long num = req->args[0], gpa = req->args[1];
	unsigned long done = 0;
	char buf[DBCN_CHUNK];
	size_t n = 0;
	int c = 0;

	res->error = dbcn_check(sn, req, SBI_NESTED_ACCESS_WRITE);
	if (res->error != SBI_SUCCESS)
		return;
	/* Non-blocking: take what is waiting, up to num bytes; nothing is
	 * written to guest memory when nothing is waiting. */
	while (done + n < num && (c = sn->ops->console_getc(sn->ctx)) >= 0) {
		buf[n++] = (char)c;
		if (n == DBCN_CHUNK) {
			if (sn->ops->guest_write(sn->ctx, gpa + done, buf, n) !=
			    SBI_NESTED_OK) {
				res->error = SBI_ERR_FAILED;
				return;
			}
			done += n;
			n = 0;
		}
	}
	if (n && sn->ops->guest_write(sn->ctx, gpa + done, buf, n) !=
			 SBI_NESTED_OK) {
		res->error = SBI_ERR_FAILED;
		return;
	}
	res->value = (long)(done + n);
}

static void dbcn_handle(const struct sbi_nested *sn,
			const struct sbi_nested_request *req,
			struct sbi_nested_result *res)
{
	char byte;

	switch (req->fid) {
	case SBI_DBCN_CONSOLE_WRITE:
		dbcn_write(sn, req, res);
		break;
	case SBI_DBCN_CONSOLE_READ:
		dbcn_read(sn, req, res);
		break;
	case SBI_DBCN_CONSOLE_WRITE_BYTE:
		/* uint8_t parameter: only the low byte counts. */
		byte = (char)(unsigned char)req->args[0];
		res->error = sn->ops->console_write(sn->ctx, &byte, 1) ==
					     SBI_NESTED_OK
				     ? SBI_SUCCESS
				     : SBI_ERR_FAILED;
		res->value = 0;
		break;
	default:
		break; /* SBI_ERR_NOT_SUPPORTED */
	}
}

const struct sbi_nested_ext sbi_nested_ext_dbcn = {
	.name = "dbcn",
	.id = SBI_NESTED_EXT_DBCN,
	.extid_start = SBI_EXT_DBCN,
	.extid_end = SBI_EXT_DBCN,
	.probe = dbcn_probe,
	.handle = dbcn_handle,
};
