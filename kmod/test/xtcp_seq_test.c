// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of sequence number arithmetic (kmod/xtcp_seq.h).
 */
#include "logic_test.h"

TEST(seq_compare)
{
	static const struct {
		u32 a, b;
		bool before, after;
	} t[] = {
		{ 1, 2, true, false },
		{ 2, 1, false, true },
		{ 5, 5, false, false },
		{ 0, 0, false, false },
		/* Around 0: 0xffffffff is just before 0. */
		{ 0xffffffffU, 0, true, false },
		{ 0, 0xffffffffU, false, true },
		{ 0xfffffff0U, 0x10, true, false },
		{ 0x10, 0xfffffff0U, false, true },
		/* Around 2^31: plain unsigned order still holds locally. */
		{ 0x7fffffffU, 0x80000000U, true, false },
		{ 0x80000000U, 0x7fffffffU, false, true },
		/* 2^31 - 1 apart: still ordered the short way round. */
		{ 0, 0x7fffffffU, true, false },
		{ 0x7fffffffU, 0, false, true },
		{ 0x80000001U, 0, true, false },
		{ 0, 0x80000001U, false, true },
		{ 0x90000000U, 0x10000001U, false, true },
		/*
		 * Exactly 2^31 apart the order is undefined; like Linux's
		 * before()/after(), each is "before" and "after" the other.
		 */
		{ 0, 0x80000000U, true, true },
		{ 0x80000000U, 0, true, true },
		{ 0x12345678U, 0x92345678U, true, true },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		u32 a = t[i].a, b = t[i].b;

		CHECK_EQ(xtcp_seq_before(a, b), t[i].before, "case %u", i);
		CHECK_EQ(xtcp_seq_after(a, b), t[i].after, "case %u", i);
		CHECK_EQ(xtcp_seq_leq(a, b), !t[i].after, "case %u", i);
		CHECK_EQ(xtcp_seq_geq(a, b), !t[i].before, "case %u", i);
	}
}

TEST(seq_between)
{
	static const struct {
		u32 seq, lo, hi;
		bool in;
	} t[] = {
		{ 5, 1, 10, true },
		{ 1, 1, 10, true },
		{ 10, 1, 10, true },
		{ 11, 1, 10, false },
		{ 0, 1, 10, false },
		{ 5, 5, 5, true },
		{ 6, 5, 5, false },
		{ 4, 5, 5, false },
		/* Range across 0. */
		{ 0xffffffffU, 0xfffffff0U, 0x10, true },
		{ 0, 0xfffffff0U, 0x10, true },
		{ 0xfffffff0U, 0xfffffff0U, 0x10, true },
		{ 0x10, 0xfffffff0U, 0x10, true },
		{ 0x11, 0xfffffff0U, 0x10, false },
		{ 0xffffffefU, 0xfffffff0U, 0x10, false },
		/* Range across 2^31. */
		{ 0x80000000U, 0x7ffffff0U, 0x80000010U, true },
		{ 0x7fffffefU, 0x7ffffff0U, 0x80000010U, false },
		{ 0x80000011U, 0x7ffffff0U, 0x80000010U, false },
		/* A range longer than 2^31 still works. */
		{ 0x90000000U, 0, 0xa0000000U, true },
		{ 0xb0000000U, 0, 0xa0000000U, false },
		{ 0xffffffffU, 0, 0xffffffffU, true },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		CHECK_EQ(xtcp_seq_between(t[i].seq, t[i].lo, t[i].hi),
			 t[i].in, "case %u", i);
	}
}

TEST(seq_minmax)
{
	static const struct {
		u32 a, b, max, min;
	} t[] = {
		{ 1, 2, 2, 1 },
		{ 2, 1, 2, 1 },
		{ 7, 7, 7, 7 },
		{ 0xffffffffU, 0, 0, 0xffffffffU },
		{ 0, 0xffffffffU, 0, 0xffffffffU },
		{ 0xfffffff0U, 5, 5, 0xfffffff0U },
		{ 0x7fffffffU, 0x80000000U, 0x80000000U, 0x7fffffffU },
		{ 0x80000000U, 0x7fffffffU, 0x80000000U, 0x7fffffffU },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		CHECK_EQ(xtcp_seq_max(t[i].a, t[i].b), t[i].max, "case %u", i);
		CHECK_EQ(xtcp_seq_min(t[i].a, t[i].b), t[i].min, "case %u", i);
	}
}

TEST_HARNESS_MAIN
