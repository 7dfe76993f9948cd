/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit tests for the asker's wait of a remote fence (fence_wait.h):
 * every interleaving of the asker's steps with the target's two (clear the
 * asker's bit, then its IPI reaching the asker's SSIP) is played, with
 * spurious WFI wake-ups and an SSIP left over from before the request.
 * The wait must never return before the target's IPI was taken by one of
 * its CSRRCs (else that IPI is an exit of L2's next operation: issue 15)
 * and never sleep with nothing left to wake it.
 */
#include "../fence_wait.h"

#include "unit.h"

typedef enum l1_fence_wait (*wait_rule)(struct l1_fence_waiter *w, bool ssip,
					bool bit_clear);

/* the rule before issue 15's fix: leave once the bit is clear */
static enum l1_fence_wait old_rule(struct l1_fence_waiter *w, bool ssip,
				   bool bit_clear)
{
	(void)w;
	(void)ssip;
	return bit_clear ? L1_FENCE_WAIT_ANSWERED : L1_FENCE_WAIT_MORE;
}

enum asker_pc {
	A_CLEAR0,  /* the CSRRC + serve before the request */
	A_PUBLISH, /* the bit set, the request's IPI sent */
	A_CSRRC,   /* a round's CSRRC of SSIP */
	A_READ,	   /* the round's read of the bit, and the decision */
	A_WFI,
	A_RETURNED,
};

enum target_pc {
	T_IDLE,	 /* the request not yet published */
	T_CLEAR, /* fenced: clears the asker's bit next */
	T_IPI,	 /* its IPI reaches the asker's SSIP next */
	T_FINISHED,
};

struct state {
	enum asker_pc a;
	enum target_pc t;
	bool ssip;	     /* the asker's sip.SSIP */
	bool answer_in_ssip; /* the target's IPI is what keeps SSIP set */
	bool bit;	     /* the asker's bit in the target's fence_mask */
	bool round_ssip;     /* what this round's CSRRC found */
	unsigned spurious;   /* WFI wake-ups with nothing pending, left */
	bool third;	     /* a third vCPU's IPI may still come */
	struct l1_fence_waiter w;
};

struct tally {
	unsigned long returned; /* paths that ended with the wait returning */
	unsigned long late;	/* ... with the target's IPI not yet taken */
	unsigned long hangs;	/* asleep with nothing left to wake it */
	unsigned long waited;	/* ... that saw the bit clear before the IPI */
};

static void explore(struct state s, wait_rule rule, struct tally *n,
		    bool clear_first);

static void asker_step(struct state s, wait_rule rule, struct tally *n,
		       bool clear_first)
{
	switch (s.a) {
	case A_CLEAR0:
		s.ssip = false;
		s.answer_in_ssip = false;
		s.a = A_PUBLISH;
		break;
	case A_PUBLISH:
		s.bit = true;
		s.t = T_CLEAR;
		s.a = A_CSRRC;
		break;
	case A_CSRRC:
		s.round_ssip = s.ssip;
		s.ssip = false;
		s.answer_in_ssip = false;
		s.a = A_READ;
		break;
	case A_READ:
		if (!s.bit && s.t != T_FINISHED)
			clear_first = true;
		s.a = rule(&s.w, s.round_ssip, !s.bit) == L1_FENCE_WAIT_ANSWERED
			      ? A_RETURNED
			      : A_WFI;
		break;
	case A_WFI:
		/* WFI returns on a pending interrupt, or for no reason
		 * (Privileged spec: "a legal implementation is to simply
		 * implement WFI as a NOP") */
		if (!s.ssip) {
			if (!s.spurious)
				return;
			s.spurious--;
		}
		s.a = A_CSRRC;
		break;
	case A_RETURNED:
		return;
	}
	explore(s, rule, n, clear_first);
}

static void explore(struct state s, wait_rule rule, struct tally *n,
		    bool clear_first)
{
	bool moved = false;

	if (s.a == A_RETURNED) {
		n->returned++;
		if (s.t != T_FINISHED || s.answer_in_ssip)
			n->late++;
		else if (clear_first)
			n->waited++;
		return;
	}
	if (s.a != A_WFI || s.ssip || s.spurious) {
		asker_step(s, rule, n, clear_first);
		moved = true;
	}
	if (s.t == T_CLEAR || s.t == T_IPI) {
		struct state u = s;

		if (u.t == T_CLEAR) {
			u.bit = false;
			u.t = T_IPI;
		} else {
			u.ssip = true;
			u.answer_in_ssip = true;
			u.t = T_FINISHED;
		}
		explore(u, rule, n, clear_first);
		moved = true;
	}
	if (s.third) {
		struct state u = s;

		u.third = false;
		u.ssip = true;
		explore(u, rule, n, clear_first);
		moved = true;
	}
	if (!moved)
		n->hangs++;
}

static struct tally play(wait_rule rule, bool third)
{
	struct tally n = {0};

	/* an SSIP left from before the request, or none */
	for (int stale = 0; stale < 2; stale++) {
		struct state s = {.a = A_CLEAR0,
				  .t = T_IDLE,
				  .ssip = stale,
				  .spurious = 2,
				  .third = third};

		explore(s, rule, &n, false);
	}
	return n;
}

TEST(fence_wait_one_round)
{
	struct l1_fence_waiter w = {false};

	/* the bit still set: wait, whatever woke us */
	CHECK_EQ(l1_fence_wait_round(&w, true, false), L1_FENCE_WAIT_MORE);
	/* the bit clear but no SSIP yet: the IPI is still to come */
	CHECK_EQ(l1_fence_wait_round(&w, false, true), L1_FENCE_WAIT_MORE);
	/* a later round takes it; the bit is not read again as set */
	CHECK_EQ(l1_fence_wait_round(&w, true, false), L1_FENCE_WAIT_ANSWERED);

	w.done = false;
	CHECK_EQ(l1_fence_wait_round(&w, true, true), L1_FENCE_WAIT_ANSWERED);
}

TEST(fence_wait_every_interleaving_takes_the_answer_inside_the_operation)
{
	struct tally n = play(l1_fence_wait_round, false);

	CHECK(n.returned > 0);
	CHECK_EQ(n.late, 0);
	CHECK_EQ(n.hangs, 0);
	/* the case of issue 15 is among them: the bit seen clear while the
	 * IPI was still on its way, and the wait went on for it */
	CHECK(n.waited > 0);
}

TEST(fence_wait_old_rule_left_answers_late)
{
	/* what the overcommit stress test saw before the fix */
	struct tally n = play(old_rule, false);

	CHECK(n.late > 0);
	CHECK_EQ(n.hangs, 0);
}

TEST(fence_wait_third_vcpu_ipi_can_pass_for_the_answer)
{
	/* the limit fence_wait.h states: one SSIP bit for every sender */
	struct tally n = play(l1_fence_wait_round, true);

	CHECK(n.late > 0);
	CHECK_EQ(n.hangs, 0);
}
