// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of SACK blocks both ways (kmod/xtcp_sack.c).
 */
#include "logic_test.h"

static void check_blocks(struct __test_metadata *_metadata, int line,
			 const struct xtcp_sack_block *blk, unsigned int n,
			 const u32 *want, unsigned int want_n)
{
	char got[256] = "", wanted[256] = "";
	size_t g = 0, w = 0;
	unsigned int i;
	bool ok = n == want_n;

	for (i = 0; ok && i < n; i++)
		ok = blk[i].start == want[2 * i] &&
		     blk[i].end == want[2 * i + 1];
	for (i = 0; i < n && g < sizeof(got); i++)
		g += snprintf(got + g, sizeof(got) - g, " [%u, %u)",
			      blk[i].start, blk[i].end);
	for (i = 0; i < want_n && w < sizeof(wanted); i++)
		w += snprintf(wanted + w, sizeof(wanted) - w, " [%u, %u)",
			      want[2 * i], want[2 * i + 1]);
	CHECK(ok, "line %d: blocks%s, wanted%s", line, got, wanted);
}

#define CHECK_BLOCKS(blk, n, ...) do {					\
	static const u32 __w[] = { __VA_ARGS__ };			\
	check_blocks(_metadata, __LINE__, blk, n, __w,			\
		     ARRAY_LEN(__w) / 2);				\
} while (0)

TEST(sack_blocks)
{
	struct xtcp_sack_block b[XTCP_MAX_SACK_BLOCKS];
	unsigned int n = 0;

	/* Adjacent and overlapping arrivals make one block. */
	n = xtcp_sack_add(b, n, 100, 200);
	n = xtcp_sack_add(b, n, 200, 300);
	n = xtcp_sack_add(b, n, 250, 320);
	CHECK_BLOCKS(b, n, 100, 320);
	/* The latest arrival's block first, then the most recent others. */
	n = xtcp_sack_add(b, n, 600, 700);
	n = xtcp_sack_add(b, n, 400, 500);
	CHECK_BLOCKS(b, n, 400, 500, 600, 700, 100, 320);
	n = xtcp_sack_add(b, n, 650, 660);	/* held already */
	CHECK_BLOCKS(b, n, 600, 700, 400, 500, 100, 320);
	n = xtcp_sack_add(b, n, 150, 160);
	CHECK_BLOCKS(b, n, 100, 320, 600, 700, 400, 500);
	n = xtcp_sack_add(b, n, 800, 800);	/* empty: nothing */
	n = xtcp_sack_add(b, n, 900, 800);	/* backwards: nothing */
	CHECK_BLOCKS(b, n, 100, 320, 600, 700, 400, 500);

	/* Full: the least recently reported block falls off. */
	n = xtcp_sack_add(b, n, 1000, 1100);
	CHECK_BLOCKS(b, n, 1000, 1100, 100, 320, 600, 700, 400, 500);
	n = xtcp_sack_add(b, n, 1200, 1300);
	CHECK_BLOCKS(b, n, 1200, 1300, 1000, 1100, 100, 320, 600, 700);
	/* Filling holes merges the blocks on both sides, wherever they sat. */
	n = xtcp_sack_add(b, n, 1100, 1200);
	CHECK_BLOCKS(b, n, 1000, 1300, 100, 320, 600, 700);
	n = xtcp_sack_add(b, n, 320, 1000);
	CHECK_BLOCKS(b, n, 100, 1300);
	n = xtcp_sack_add(b, n, 50, 2000);	/* covers it all */
	CHECK_BLOCKS(b, n, 50, 2000);

	/* rcv_nxt advances: blocks below go, one it cuts is trimmed. */
	n = 0;
	n = xtcp_sack_add(b, n, 500, 600);
	n = xtcp_sack_add(b, n, 100, 200);
	n = xtcp_sack_add(b, n, 300, 400);
	CHECK_BLOCKS(b, n, 300, 400, 100, 200, 500, 600);
	CHECK_EQ(xtcp_sack_advance(b, n, 50), n, "%s", "below all");
	CHECK_BLOCKS(b, n, 300, 400, 100, 200, 500, 600);
	n = xtcp_sack_advance(b, n, 200);
	CHECK_BLOCKS(b, n, 300, 400, 500, 600);
	n = xtcp_sack_advance(b, n, 350);
	CHECK_BLOCKS(b, n, 350, 400, 500, 600);
	n = xtcp_sack_advance(b, n, 600);
	CHECK_EQ(n, 0, "%s", "all delivered");

	/* Pruning from the top: blocks above go, one it cuts is trimmed. */
	n = xtcp_sack_add(b, n, 500, 600);
	n = xtcp_sack_add(b, n, 100, 200);
	n = xtcp_sack_add(b, n, 300, 400);
	n = xtcp_sack_prune(b, n, 650);
	CHECK_BLOCKS(b, n, 300, 400, 100, 200, 500, 600);
	n = xtcp_sack_prune(b, n, 550);
	CHECK_BLOCKS(b, n, 300, 400, 100, 200, 500, 550);
	n = xtcp_sack_prune(b, n, 500);
	CHECK_BLOCKS(b, n, 300, 400, 100, 200);
	n = xtcp_sack_prune(b, n, 150);
	CHECK_BLOCKS(b, n, 100, 150);
	n = xtcp_sack_prune(b, n, 100);
	CHECK_EQ(n, 0, "%s", "all pruned");

	/* Across the wrap of the sequence space. */
	n = xtcp_sack_add(b, 0, 0xffffff00U, 0xffffffffU);
	n = xtcp_sack_add(b, n, 0xffffffffU, 0x100);
	CHECK_BLOCKS(b, n, 0xffffff00U, 0x100);
	n = xtcp_sack_add(b, n, 0x200, 0x300);
	n = xtcp_sack_advance(b, n, 0xffffff80U);
	CHECK_BLOCKS(b, n, 0x200, 0x300, 0xffffff80U, 0x100);
	n = xtcp_sack_prune(b, n, 0x80);
	CHECK_BLOCKS(b, n, 0xffffff80U, 0x80);
}

/*
 * Random arrivals, deliveries and prunes over a small stretch of
 * sequence space just below the wrap, against a byte map of what the
 * receiver holds out of order.  The blocks must only cover held data,
 * never overlap or touch, hold the latest arrival first, and, while the
 * held data never formed more runs than there are blocks and nothing
 * was pruned, be exactly those runs.
 */
#define SACK_SPACE	256U

static unsigned int held_runs(const bool *held)
{
	unsigned int i, runs = 0;

	for (i = 0; i < SACK_SPACE; i++)
		if (held[i] && (!i || !held[i - 1]))
			runs++;
	return runs;
}

TEST(sack_blocks_model)
{
	const u32 base = 0xffffff80U;	/* crosses the wrap at 128 */
	unsigned int iter, round, i, j, n;
	unsigned int seed = 12345;

	for (round = 0; round < 200; round++) {
		struct xtcp_sack_block b[XTCP_MAX_SACK_BLOCKS];
		bool held[SACK_SPACE] = { false };
		unsigned int rcv_nxt = 0;	/* offset from base */
		bool exact = true;

		n = 0;
		for (iter = 0; iter < 300; iter++) {
			unsigned int op, s, len;

			seed = seed * 1103515245U + 12345U;
			op = (seed >> 16) % 16;
			seed = seed * 1103515245U + 12345U;
			s = rcv_nxt + 1 + (seed >> 16) % 40;
			len = 1 + (seed >> 8) % 6;
			if (s + len > SACK_SPACE)
				continue;
			if (op == 0) {
				/* In-order data, then what it made contiguous. */
				rcv_nxt = s;
				while (rcv_nxt < SACK_SPACE && held[rcv_nxt])
					rcv_nxt++;
				for (i = 0; i < rcv_nxt; i++)
					held[i] = false;
				n = xtcp_sack_advance(b, n, base + rcv_nxt);
			} else if (op == 1) {
				for (i = s; i < SACK_SPACE; i++)
					held[i] = false;
				n = xtcp_sack_prune(b, n, base + s);
				exact = false;
			} else {
				for (i = s; i < s + len; i++)
					held[i] = true;
				n = xtcp_sack_add(b, n, base + s,
						  base + s + len);
				CHECK(n && xtcp_seq_leq(b[0].start, base + s) &&
				      xtcp_seq_geq(b[0].end, base + s + len),
				      "round %u iter %u: latest not first",
				      round, iter);
			}
			if (held_runs(held) > XTCP_MAX_SACK_BLOCKS)
				exact = false;
			CHECK(n <= XTCP_MAX_SACK_BLOCKS, "round %u", round);
			for (i = 0; i < n; i++) {
				u32 lo = b[i].start - base, hi = b[i].end - base;
				bool ok = lo < hi && hi <= SACK_SPACE;

				for (j = lo; ok && j < hi; j++)
					ok = held[j];
				for (j = 0; ok && j < n; j++)
					ok = j == i ||
					     xtcp_seq_after(b[j].start, b[i].end) ||
					     xtcp_seq_after(b[i].start, b[j].end);
				CHECK(ok, "round %u iter %u: block [%u, %u)",
				      round, iter, lo, hi);
			}
			if (exact) {
				unsigned int covered = 0, want = 0;

				for (i = 0; i < n; i++)
					covered += b[i].end - b[i].start;
				for (i = 0; i < SACK_SPACE; i++)
					want += held[i];
				CHECK_EQ(covered, want,
					 "round %u iter %u: runs not all reported",
					 round, iter);
				CHECK_EQ(n, held_runs(held), "round %u iter %u",
					 round, iter);
			}
		}
	}
}

/* RFC 6675: which SACK blocks mark segments, and the pipe. */
TEST(sack_scoreboard)
{
	CHECK(xtcp_sack_block_valid(100, 200, 100, 300), "%s", "at snd_una");
	CHECK(xtcp_sack_block_valid(200, 300, 100, 300), "%s", "up to snd_max");
	CHECK(!xtcp_sack_block_valid(50, 150, 100, 300), "%s", "D-SACK below");
	CHECK(!xtcp_sack_block_valid(100, 100, 100, 300), "%s", "empty");
	CHECK(!xtcp_sack_block_valid(150, 120, 100, 300), "%s", "reversed");
	CHECK(!xtcp_sack_block_valid(200, 400, 100, 300), "%s", "never sent");
	CHECK(xtcp_sack_block_valid(0xfffffff0U, 0x10, 0xffffff00U, 0x100),
	      "%s", "across the wrap");
	CHECK(!xtcp_sack_block_valid(0x10, 0xfffffff0U, 0xffffff00U, 0x100),
	      "%s", "reversed across the wrap");

	CHECK_EQ(xtcp_pipe(20, 3, 1, 1), 17, "%s", "3 SACKed, 1 lost, resent");
	CHECK_EQ(xtcp_pipe(20, 3, 1, 0), 16, "%s", "lost, not yet resent");
	CHECK_EQ(xtcp_pipe(5, 4, 3, 0), 0, "%s", "counts disagree: 0");
	CHECK_EQ(xtcp_pipe(5, 4, 3, 2), 2, "%s", "never below retransmits");
}

static unsigned int uncovered(u32 start, u32 end,
			      const struct xtcp_sack_block *seen,
			      unsigned int n, char *buf, size_t len)
{
	struct xtcp_sack_block out[XTCP_MAX_SACK_BLOCKS + 1];
	unsigned int parts, i;
	size_t at = 0;

	parts = xtcp_sack_uncovered(start, end, seen, n, out);
	buf[0] = 0;
	for (i = 0; i < parts && at < len; i++)
		at += snprintf(buf + at, len - at, "%s%u-%u", i ? " " : "",
			       out[i].start, out[i].end);
	return parts;
}

/* RFC 2883 4: which first SACK block is a D-SACK. */
TEST(sack_is_dsack)
{
	const struct xtcp_sack_block below[] = { { 100, 200 }, { 500, 600 } };
	const struct xtcp_sack_block inside[] = { { 520, 560 }, { 500, 600 } };
	const struct xtcp_sack_block apart[] = { { 300, 400 }, { 500, 600 } };
	const struct xtcp_sack_block over[] = { { 450, 550 }, { 500, 600 } };
	const struct xtcp_sack_block wrap[] = { { 0xfffffff0U, 0x10 } };

	CHECK(xtcp_sack_is_dsack(below, 2, 250), "%s", "below the ACK");
	CHECK(xtcp_sack_is_dsack(below, 1, 200), "%s", "ending at the ACK");
	CHECK(!xtcp_sack_is_dsack(below, 2, 100), "%s", "starting at the ACK");
	CHECK(xtcp_sack_is_dsack(inside, 2, 250), "%s", "inside the second");
	CHECK(!xtcp_sack_is_dsack(below + 1, 1, 250), "%s",
	      "a block alone above the ACK");
	CHECK(!xtcp_sack_is_dsack(apart, 2, 250), "%s", "apart from the second");
	CHECK(!xtcp_sack_is_dsack(over, 2, 250), "%s",
	      "overlapping the second only in part");
	CHECK(!xtcp_sack_is_dsack(below, 0, 250), "%s", "no blocks");
	CHECK(xtcp_sack_is_dsack(wrap, 1, 0x20), "%s", "below across the wrap");
	CHECK(!xtcp_sack_is_dsack(wrap, 1, 0xfffffff0U), "%s",
	      "at the ACK across the wrap");
}

TEST(sack_uncovered)
{
	const struct xtcp_sack_block prev[] = {
		{ 100, 200 }, { 300, 400 }, { 500, 600 }, { 700, 800 },
	};
	const struct xtcp_sack_block wrap[] = { { 0xfffffff0U, 0x10 } };
	const struct xtcp_sack_block bad[] = { { 50, 50 }, { 90, 10 } };
	char b[128];

	CHECK_EQ(uncovered(100, 200, prev, 0, b, sizeof(b)), 1, "%s", b);
	CHECK(!strcmp(b, "100-200"), "nothing seen: all of it, %s", b);
	CHECK_EQ(uncovered(100, 200, prev, 4, b, sizeof(b)), 0, "%s", b);
	CHECK_EQ(uncovered(120, 180, prev, 4, b, sizeof(b)), 0,
		 "inside a block seen: nothing, %s", b);
	CHECK_EQ(uncovered(100, 248, prev, 4, b, sizeof(b)), 1, "%s", b);
	CHECK(!strcmp(b, "200-248"), "grown at the right: the growth, %s", b);
	CHECK_EQ(uncovered(52, 200, prev, 4, b, sizeof(b)), 1, "%s", b);
	CHECK(!strcmp(b, "52-100"), "grown at the left: the growth, %s", b);
	CHECK_EQ(uncovered(150, 750, prev, 4, b, sizeof(b)), 3, "%s", b);
	CHECK(!strcmp(b, "200-300 400-500 600-700"),
	      "merged blocks: the holes between, %s", b);
	CHECK_EQ(uncovered(0, 1000, prev, 4, b, sizeof(b)), 5, "%s", b);
	CHECK(!strcmp(b, "0-100 200-300 400-500 600-700 800-1000"),
	      "all four inside: five parts, %s", b);
	CHECK_EQ(uncovered(210, 290, prev, 4, b, sizeof(b)), 1, "%s", b);
	CHECK(!strcmp(b, "210-290"), "between blocks: all of it, %s", b);
	CHECK_EQ(uncovered(0xffffffe0U, 0x20, wrap, 1, b, sizeof(b)), 2,
		 "%s", b);
	CHECK(!strcmp(b, "4294967264-4294967280 16-32"),
	      "across the wrap, %s", b);
	CHECK_EQ(uncovered(40, 60, bad, 2, b, sizeof(b)), 1, "%s", b);
	CHECK(!strcmp(b, "40-60"), "empty or reversed blocks cover nothing, %s",
	      b);
}

TEST_HARNESS_MAIN
