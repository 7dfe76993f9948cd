/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A test-and-set spinlock for the little state vCPUs on different host
 * harts share (the vPLIC, the console). L0 runs with interrupts off, so a
 * holder is never interrupted; the A extension provides the AMO.
 */
#ifndef L0_LOCK_H
#define L0_LOCK_H

struct l0_lock {
	int taken;
};

static inline void l0_lock(struct l0_lock *l)
{
	while (__atomic_exchange_n(&l->taken, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->taken, __ATOMIC_RELAXED))
			;
}

static inline void l0_unlock(struct l0_lock *l)
{
	__atomic_store_n(&l->taken, 0, __ATOMIC_RELEASE);
}

#endif /* L0_LOCK_H */
