// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the global memory budget's logic (kmod/xtcp_budget.c),
 * each case as Linux's tcp_init_mem(), tcp_init(), tcp_check_oom() and
 * tcp_should_expand_sndbuf() answer it.
 */
#include "logic_test.h"

TEST(mem_defaults)
{
	long mem[3];

	/* 2 GB of buffer pages (4 KB): pressure at 32768 pages. */
	xtcp_mem_defaults(524288, mem);
	CHECK_EQ(mem[0], 24576L, "%s", "min");
	CHECK_EQ(mem[1], 32768L, "%s", "pressure");
	CHECK_EQ(mem[2], 49152L, "%s", "max");
	/* A tiny machine: never below 128 pages of pressure. */
	xtcp_mem_defaults(1000, mem);
	CHECK_EQ(mem[0], 96L, "%s", "tiny min");
	CHECK_EQ(mem[1], 128L, "%s", "tiny pressure");
	CHECK_EQ(mem[2], 192L, "%s", "tiny max");
	/* The quarter is taken before the three: 1000 / 4 * 3. */
	xtcp_mem_defaults(16000, mem);
	CHECK_EQ(mem[0], 750L, "%s", "rounding");
}

TEST(orphans)
{
	CHECK_EQ(xtcp_max_orphans_default(65536), 32768, "%s", "half");
	CHECK(!xtcp_orphans_too_many(4, 0, 4), "%s", "at the limit");
	CHECK(xtcp_orphans_too_many(5, 0, 4), "%s", "over it");
	/* A soft error doubles the count: 3 orphans count as 6. */
	CHECK(xtcp_orphans_too_many(3, 1, 4), "%s", "shifted");
	CHECK(!xtcp_orphans_too_many(2, 1, 4), "%s", "shifted, at it");
	CHECK(xtcp_orphans_too_many(1, 0, 0), "%s", "max 0");
	CHECK(!xtcp_orphans_too_many(0, 0, 0), "%s", "none");
}

TEST(out_of_memory)
{
	const long mem[3] = { 100, 200, 300 };

	CHECK(xtcp_out_of_memory(5000, 4608, 301, mem), "%s", "over max");
	CHECK(!xtcp_out_of_memory(5000, 4608, 300, mem), "%s", "at max");
	/* Little queued: such a socket is let be, as Linux. */
	CHECK(!xtcp_out_of_memory(4608, 4608, 1000, mem), "%s", "small");
}

TEST(sndbuf)
{
	const long mem[3] = { 100, 200, 300 };

	CHECK(xtcp_sndbuf_may_grow(false, 99, mem), "%s", "below min");
	CHECK(!xtcp_sndbuf_may_grow(false, 100, mem), "%s", "at min");
	CHECK(!xtcp_sndbuf_may_grow(true, 10, mem), "%s", "pressure");
}

TEST(rcv_ssthresh)
{
	CHECK_EQ(xtcp_pressure_rcv_ssthresh(65535, 1460), 5840U, "%s",
		 "four segments");
	CHECK_EQ(xtcp_pressure_rcv_ssthresh(2000, 1460), 2000U, "%s",
		 "already below");
}

TEST_HARNESS_MAIN
