/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sequence number arithmetic (RFC 9293 3.4), and the fixed-width types the
 * pure helpers use, the kernel's or, in user space, the same definitions.
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_SEQ_H
#define _XTCP_SEQ_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <errno.h>

/* The kernel's fixed-width names, with the kernel's definitions. */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;
#endif

/*
 * Sequence number arithmetic (RFC 9293 3.4).
 *
 * Sequence numbers live on a circle of 2^32 values, so "a before b" means
 * "b is less than half the circle ahead of a".  The difference a - b,
 * computed modulo 2^32 and read as a signed number, says which way round
 * the shorter distance goes.  Numbers exactly 2^31 apart are ambiguous:
 * each is then "before" the other, as in Linux's before()/after().
 */
static inline bool xtcp_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool xtcp_seq_after(u32 a, u32 b)
{
	return xtcp_seq_before(b, a);
}

static inline bool xtcp_seq_leq(u32 a, u32 b)
{
	return !xtcp_seq_after(a, b);
}

static inline bool xtcp_seq_geq(u32 a, u32 b)
{
	return !xtcp_seq_before(a, b);
}

/*
 * lo <= seq <= hi, walking forward from lo: seq's distance from lo is no
 * more than hi's.  This works for any range shorter than 2^32, even one
 * longer than 2^31.
 */
static inline bool xtcp_seq_between(u32 seq, u32 lo, u32 hi)
{
	return (u32)(hi - lo) >= (u32)(seq - lo);
}

static inline u32 xtcp_seq_max(u32 a, u32 b)
{
	return xtcp_seq_after(a, b) ? a : b;
}

static inline u32 xtcp_seq_min(u32 a, u32 b)
{
	return xtcp_seq_before(a, b) ? a : b;
}

#endif /* _XTCP_SEQ_H */
