// SPDX-License-Identifier: GPL-2.0
/*
 * User-space unit tests for kmod/xtcp_logic.c.
 *
 * Build and run with "make run" in this directory.  The tests use the
 * kernel's kselftest_harness.h: each test prints "ok"/"not ok" (a failing
 * check prints its file:line and context first), and the run ends with
 * "# Totals:"; the exit status is nonzero iff a test failed.
 *
 * Option bytes are handed to the parser in heap buffers of exactly their
 * length, so AddressSanitizer catches a read past the end.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"

#include "../xtcp_logic.h"

/*
 * CHECK(cond, "context fmt", args...) and CHECK_EQ(got, want, ...): a
 * failed check fails the test, and says where and in which case; the
 * test goes on to its other cases (the harness's EXPECT, not ASSERT).
 */
#define CHECK(cond, ...) EXPECT_TRUE(cond) TH_LOG(__VA_ARGS__)
#define CHECK_EQ(got, want, ...)					\
	EXPECT_EQ((unsigned long long)(want), (unsigned long long)(got))	\
		TH_LOG(__VA_ARGS__)

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------- */
/* Sequence arithmetic                                                     */
/* ---------------------------------------------------------------------- */

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

/* ---------------------------------------------------------------------- */
/* Segment acceptability, RFC 9293 3.10.7.4                               */
/* ---------------------------------------------------------------------- */
/* RTO estimator, RFC 6298                                                 */
/* ---------------------------------------------------------------------- */

struct rtt_step {
	u32 sample;
	u32 srtt, rttvar, rto;
};

static void run_rtt(struct __test_metadata *_metadata, const char *name,
		    const struct rtt_step *s, unsigned int n)
{
	struct xtcp_rtt_est e;
	unsigned int i;

	xtcp_rtt_init(&e);
	for (i = 0; i < n; i++) {
		xtcp_rtt_sample(&e, s[i].sample);
		CHECK(e.has_sample, "%s step %u", name, i);
		CHECK_EQ(e.srtt_us, s[i].srtt, "%s step %u", name, i);
		CHECK_EQ(e.rttvar_us, s[i].rttvar, "%s step %u", name, i);
		CHECK_EQ(e.rto_us, s[i].rto, "%s step %u", name, i);
	}
}

TEST(rtt)
{
	struct xtcp_rtt_est e;

	/*
	 * A typical WAN path.
	 * 1: R = 100000: SRTT = R = 100000, RTTVAR = R/2 = 50000,
	 *    RTO = 100000 + max(4*50000, 200000) = 300000.
	 * 2: R = 100000: |SRTT-R| = 0, RTTVAR = (3*50000 + 0)/4 = 37500,
	 *    SRTT = (7*100000 + 100000)/8 = 100000,
	 *    RTO = 100000 + max(150000, 200000) = 300000 (the floor).
	 * 3: R = 300000: |SRTT-R| = 200000,
	 *    RTTVAR = (3*37500 + 200000)/4 = 312500/4 = 78125,
	 *    SRTT = (7*100000 + 300000)/8 = 125000,
	 *    RTO = 125000 + 4*78125 = 437500.
	 * 4: R = 50000: |SRTT-R| = 75000,
	 *    RTTVAR = (3*78125 + 75000)/4 = 309375/4 = 77343 (rounded down),
	 *    SRTT = (7*125000 + 50000)/8 = 925000/8 = 115625,
	 *    RTO = 115625 + 4*77343 = 115625 + 309372 = 424997.
	 */
	static const struct rtt_step wan[] = {
		{ 100000, 100000, 50000, 300000 },
		{ 100000, 100000, 37500, 300000 },
		{ 300000, 125000, 78125, 437500 },
		{ 50000, 115625, 77343, 424997 },
	};
	/*
	 * A steady 200 ms path: RTTVAR decays by 3/4 a step, and the RTO
	 * comes down to SRTT + RTO_MIN.
	 * 1: SRTT 200000, RTTVAR 100000, RTO 200000 + 400000 = 600000.
	 * 2: RTTVAR 300000/4 = 75000, RTO 200000 + 300000 = 500000.
	 * 3: RTTVAR 225000/4 = 56250, RTO 200000 + 225000 = 425000.
	 * 4: RTTVAR 168750/4 = 42187, 4*42187 = 168748 < 200000,
	 *    RTO = 200000 + 200000 = 400000.
	 */
	static const struct rtt_step steady[] = {
		{ 200000, 200000, 100000, 600000 },
		{ 200000, 200000, 75000, 500000 },
		{ 200000, 200000, 56250, 425000 },
		{ 200000, 200000, 42187, 400000 },
	};
	/*
	 * A LAN, 1 ms: RTO = 1000 + max(4*500, 200000) = 201000; the floor
	 * dominates.  Then 3 ms: |1000-3000| = 2000, RTTVAR =
	 * (1500 + 2000)/4 = 875, SRTT = (7000 + 3000)/8 = 1250,
	 * RTO = 1250 + 200000 = 201250.
	 */
	static const struct rtt_step lan[] = {
		{ 1000, 1000, 500, 201000 },
		{ 3000, 1250, 875, 201250 },
	};
	/*
	 * Division rounds down.  1: R = 100000 as above.  2: R = 100007:
	 * RTTVAR = (150000 + 7)/4 = 37501.75 -> 37501, SRTT = (700000 +
	 * 100007)/8 = 100000.875 -> 100000, RTO = 100000 + 200000.
	 * 3: R = 99999: delta 1, RTTVAR = (112503 + 1)/4 = 28126,
	 * SRTT = (700000 + 99999)/8 = 99999.875 -> 99999, RTO = 299999.
	 */
	static const struct rtt_step rounding[] = {
		{ 100000, 100000, 50000, 300000 },
		{ 100007, 100000, 37501, 300000 },
		{ 99999, 99999, 28126, 299999 },
	};
	/*
	 * A zero sample counts as 1 us: SRTT 1, RTTVAR 0, RTO 200001.  A
	 * second zero: |1-1| = 0, RTTVAR 0, SRTT (7+1)/8 = 1.
	 */
	static const struct rtt_step zero[] = {
		{ 0, 1, 0, 200001 },
		{ 0, 1, 0, 200001 },
	};
	/*
	 * Huge samples: the RTO is capped at 120 s.
	 * 1: R = 50 s: RTO = 50e6 + 4*25e6 = 150e6 -> 120e6.
	 * 2: R = 1 s: |50e6-1e6| = 49e6, RTTVAR = (75e6 + 49e6)/4 = 31e6,
	 *    SRTT = (350e6 + 1e6)/8 = 43875000, RTO = 43875000 + 124e6
	 *    -> 120e6.
	 */
	static const struct rtt_step huge[] = {
		{ 50000000, 50000000, 25000000, 120000000 },
		{ 1000000, 43875000, 31000000, 120000000 },
	};
	/*
	 * The largest sample, then a zero one, must not overflow:
	 * 1: SRTT 4294967295, RTTVAR 2147483647, RTO capped.
	 * 2: R = 1: delta 4294967294, RTTVAR = (3*2147483647 +
	 *    4294967294)/4 = 10737418235/4 = 2684354558,
	 *    SRTT = (7*4294967295 + 1)/8 = 30064771066/8 = 3758096383.
	 */
	static const struct rtt_step extreme[] = {
		{ 0xffffffffU, 0xffffffffU, 0x7fffffffU, 120000000 },
		{ 0, 3758096383U, 2684354558U, 120000000 },
	};

	xtcp_rtt_init(&e);
	CHECK_EQ(e.rto_us, 1000000, "init");
	CHECK_EQ(e.rto_us, XTCP_RTO_INIT_US, "init");
	CHECK(!e.has_sample, "init");
	CHECK_EQ(e.srtt_us, 0, "init");
	CHECK_EQ(e.rttvar_us, 0, "init");
	CHECK_EQ(XTCP_RTO_MIN_US, 200000, "constant");
	CHECK_EQ(XTCP_RTO_MAX_US, 120000000, "constant");

	run_rtt(_metadata, "wan", wan, ARRAY_LEN(wan));
	run_rtt(_metadata, "steady", steady, ARRAY_LEN(steady));
	run_rtt(_metadata, "lan", lan, ARRAY_LEN(lan));
	run_rtt(_metadata, "rounding", rounding, ARRAY_LEN(rounding));
	run_rtt(_metadata, "zero", zero, ARRAY_LEN(zero));
	run_rtt(_metadata, "huge", huge, ARRAY_LEN(huge));
	run_rtt(_metadata, "extreme", extreme, ARRAY_LEN(extreme));

	/* init after samples forgets them. */
	xtcp_rtt_sample(&e, 5000);
	xtcp_rtt_init(&e);
	CHECK(!e.has_sample, "re-init");
	CHECK_EQ(e.rto_us, XTCP_RTO_INIT_US, "re-init");
}

TEST(rtt_bounds)
{
	static const u32 samples[] = { 0, 1, 7, 999, 40000, 200000, 1000000,
				       7654321, 60000000, 0x7fffffffU,
				       0xffffffffU, 3, 150000, 0, 90000 };
	struct xtcp_rtt_est e;
	unsigned int i, bad = 0;

	/* Whatever the samples, the RTO stays within [min, max]. */
	xtcp_rtt_init(&e);
	for (i = 0; i < ARRAY_LEN(samples); i++) {
		xtcp_rtt_sample(&e, samples[i]);
		bad += e.rto_us < XTCP_RTO_MIN_US || e.rto_us > XTCP_RTO_MAX_US;
	}
	CHECK_EQ(bad, 0, "rto out of range");
}

TEST(rto_backoff)
{
	static const struct {
		u32 rto;
		unsigned int backoff;
		u32 want;
	} t[] = {
		{ 200000, 0, 200000 },
		{ 200000, 1, 400000 },
		{ 200000, 9, 102400000 },
		{ 200000, 10, 120000000 },	/* 204.8 s -> cap */
		{ 1000000, 6, 64000000 },	/* SYN retries: 1,2,...,64 s */
		{ 1000000, 7, 120000000 },	/* 128 s -> cap */
		{ 1000000, 31, 120000000 },	/* 2^31 s would overflow */
		{ 1000000, 32, 120000000 },	/* shift >= width */
		{ 1000000, 1000, 120000000 },
		{ 120000000, 0, 120000000 },
		{ 120000000, 1, 120000000 },
		{ 60000000, 1, 120000000 },	/* exactly the cap */
		{ 60000001, 1, 120000000 },
		{ 0xffffffffU, 0, 120000000 },	/* above the cap already */
		{ 1, 26, 67108864 },
		{ 1, 27, 120000000 },		/* 134217728 > cap */
		{ 1, 31, 120000000 },
		{ 0, 5, 0 },
		{ 0, 40, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		CHECK_EQ(xtcp_rto_backoff(t[i].rto, t[i].backoff), t[i].want,
			 "case %u: %u << %u", i, t[i].rto, t[i].backoff);
	}
}

/* ---------------------------------------------------------------------- */
/* Option parsing                                                          */
/* ---------------------------------------------------------------------- */

/* Parse from a heap copy of exactly len bytes, so overreads are caught. */
static int parse_exact(const u8 *bytes, unsigned int len, bool syn,
		       struct xtcp_opts *out)
{
	u8 *copy = malloc(len ? len : 1);
	int ret;

	if (!copy) {
		perror("malloc");
		exit(2);
	}
	memcpy(copy, bytes, len);
	/* Garbage in *out first: the parser must clear it. */
	memset(out, 0xa5, sizeof(*out));
	ret = xtcp_parse_options(len ? copy : NULL, len, syn, out);
	free(copy);
	return ret;
}

/* What a parse is expected to find. */
struct want_opts {
	int ret;
	bool mss_ok, wscale_ok, sack_ok, ts_ok;
	u16 mss;
	u8 wscale;
	u32 tsval, tsecr;
	u8 num_sacks;
	struct xtcp_sack_block sacks[XTCP_MAX_SACK_BLOCKS];
};

static void check_opts(struct __test_metadata *_metadata, const char *name,
		       const struct xtcp_opts *o, int ret,
		       const struct want_opts *w, int line)
{
	unsigned int i;

	/* Report failures at the table entry's line. */
#define CHECK_AT(got, want) \
	CHECK_EQ(got, want, "%s (table line %d)", name, line)
	CHECK_AT(ret, w->ret);
	CHECK_AT(o->mss_ok, w->mss_ok);
	CHECK_AT(o->wscale_ok, w->wscale_ok);
	CHECK_AT(o->sack_ok, w->sack_ok);
	CHECK_AT(o->ts_ok, w->ts_ok);
	/* Fields of absent options are cleared. */
	CHECK_AT(o->mss, w->mss_ok ? w->mss : 0);
	CHECK_AT(o->wscale, w->wscale_ok ? w->wscale : 0);
	CHECK_AT(o->tsval, w->ts_ok ? w->tsval : 0);
	CHECK_AT(o->tsecr, w->ts_ok ? w->tsecr : 0);
	CHECK_AT(o->num_sacks, w->num_sacks);
	/* Blocks past num_sacks are cleared too (w->sacks is zero there). */
	for (i = 0; i < XTCP_MAX_SACK_BLOCKS; i++) {
		CHECK_AT(o->sacks[i].start, w->sacks[i].start);
		CHECK_AT(o->sacks[i].end, w->sacks[i].end);
	}
#undef CHECK_AT
}

#define MAXB 64
struct parse_case {
	int line;
	const char *name;
	bool syn;
	unsigned int len;
	u8 bytes[MAXB];
	struct want_opts want;
};

#define TS_BYTES 0x00, 0x1a, 0x2b, 0x3c, 0x80, 0x00, 0x00, 0x01
#define TSVAL 0x001a2b3cU
#define TSECR 0x80000001U
#define BLK(s, e) (u8)((s) >> 24), (u8)((s) >> 16), (u8)((s) >> 8), (u8)(s), \
		  (u8)((e) >> 24), (u8)((e) >> 16), (u8)((e) >> 8), (u8)(e)

static const struct parse_case parse_cases[] = {
	/* --- Real option lists. --- */
	{ __LINE__, "linux SYN", true, 20,
	  { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, TS_BYTES,
	    0x01, 0x03, 0x03, 0x07 },
	  { 0, true, true, true, true, 1460, 7, TSVAL, TSECR, 0, {} } },
	/* The same bytes on a non-SYN: only the timestamps count. */
	{ __LINE__, "linux SYN bytes, no SYN flag", false, 20,
	  { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, TS_BYTES,
	    0x01, 0x03, 0x03, 0x07 },
	  { 0, false, false, false, true, 0, 0, TSVAL, TSECR, 0, {} } },
	/* Loopback SYN: MSS 65495, wscale 7. */
	{ __LINE__, "linux loopback SYN", true, 20,
	  { 0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, TS_BYTES,
	    0x01, 0x03, 0x03, 0x07 },
	  { 0, true, true, true, true, 65495, 7, TSVAL, TSECR, 0, {} } },
	/* Linux with timestamps off: mss,nop,nop,sackOK,nop,wscale 7. */
	{ __LINE__, "linux SYN no TS", true, 12,
	  { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02,
	    0x01, 0x03, 0x03, 0x07 },
	  { 0, true, true, true, false, 1460, 7, 0, 0, 0, {} } },
	/* Windows: mss,nop,wscale 8,nop,nop,sackOK. */
	{ __LINE__, "windows SYN", true, 12,
	  { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x08,
	    0x01, 0x01, 0x04, 0x02 },
	  { 0, true, true, true, false, 1460, 8, 0, 0, 0, {} } },
	/* macOS: mss,nop,wscale 6,nop,nop,TS,sackOK,eol,eol. */
	{ __LINE__, "macos SYN", true, 24,
	  { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x06, 0x01, 0x01,
	    0x08, 0x0a, TS_BYTES, 0x04, 0x02, 0x00, 0x00 },
	  { 0, true, true, true, true, 1460, 6, TSVAL, TSECR, 0, {} } },
	/* Established segment: nop,nop,TS. */
	{ __LINE__, "linux ACK with TS", false, 12,
	  { 0x01, 0x01, 0x08, 0x0a, TS_BYTES },
	  { 0, false, false, false, true, 0, 0, TSVAL, TSECR, 0, {} } },
	/* Established segment with one SACK block after the timestamps. */
	{ __LINE__, "linux ACK with TS and SACK", false, 24,
	  { 0x01, 0x01, 0x08, 0x0a, TS_BYTES, 0x01, 0x01, 0x05, 0x0a,
	    BLK(0x1000U, 0x2000U) },
	  { 0, false, false, false, true, 0, 0, TSVAL, TSECR, 1,
	    { { 0x1000, 0x2000 } } } },
	{ __LINE__, "three SACK blocks and TS (40 bytes)", false, 40,
	  { 0x01, 0x01, 0x08, 0x0a, TS_BYTES, 0x01, 0x01, 0x05, 0x1a,
	    BLK(1U, 2U), BLK(0xfffffff0U, 0x10U), BLK(0x80000000U, 0x80001000U) },
	  { 0, false, false, false, true, 0, 0, TSVAL, TSECR, 3,
	    { { 1, 2 }, { 0xfffffff0U, 0x10 }, { 0x80000000U, 0x80001000U } } } },
	{ __LINE__, "four SACK blocks", false, 36,
	  { 0x01, 0x01, 0x05, 0x22, BLK(1U, 2U), BLK(3U, 4U), BLK(5U, 6U),
	    BLK(7U, 8U) },
	  { 0, false, false, false, false, 0, 0, 0, 0, 4,
	    { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } } } },
	/* Five blocks cannot fit in 40 bytes, but len may be longer. */
	{ __LINE__, "five SACK blocks keep four", false, 42,
	  { 0x05, 0x2a, BLK(1U, 2U), BLK(3U, 4U), BLK(5U, 6U), BLK(7U, 8U),
	    BLK(9U, 10U) },
	  { 0, false, false, false, false, 0, 0, 0, 0, 4,
	    { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } } } },
	{ __LINE__, "two SACK options: last wins", false, 20,
	  { 0x05, 0x0a, BLK(1U, 2U), 0x05, 0x0a, BLK(3U, 4U) },
	  { 0, false, false, false, false, 0, 0, 0, 0, 1, { { 3, 4 } } } },
	/* Found by the fuzzer: the shorter one must not keep old blocks. */
	{ __LINE__, "two SACK options: 2 blocks then 1", false, 28,
	  { 0x05, 0x12, BLK(1U, 2U), BLK(3U, 4U), 0x05, 0x0a, BLK(5U, 6U) },
	  { 0, false, false, false, false, 0, 0, 0, 0, 1, { { 5, 6 } } } },
	{ __LINE__, "SACK blocks on a SYN are ignored", true, 10,
	  { 0x05, 0x0a, BLK(1U, 2U) },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },

	/* --- Empty and padding. --- */
	{ __LINE__, "empty", true, 0, {},
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "NOPs only", true, 4, { 0x01, 0x01, 0x01, 0x01 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "EOL only", true, 1, { 0x00 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	/* EOL ends the list: nothing after it is looked at. */
	{ __LINE__, "EOL then MSS", true, 5, { 0x00, 0x02, 0x04, 0x05, 0xb4 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "MSS, EOL, then garbage", true, 8,
	  { 0x02, 0x04, 0x05, 0xb4, 0x00, 0x77, 0x00, 0x01 },
	  { 0, true, false, false, false, 1460, 0, 0, 0, 0, {} } },

	/* --- Unknown kinds are skipped by their length. --- */
	{ __LINE__, "unknown kind 99 len 2 then MSS", true, 6,
	  { 99, 0x02, 0x02, 0x04, 0x05, 0xb4 },
	  { 0, true, false, false, false, 1460, 0, 0, 0, 0, {} } },
	{ __LINE__, "MPTCP (30) len 12 then WS", true, 16,
	  { 30, 12, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x01, 0x03, 0x03, 0x05 },
	  { 0, false, true, false, false, 0, 5, 0, 0, 0, {} } },
	{ __LINE__, "TFO cookie (34) len 10 then TS", false, 20,
	  { 34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 0x08, 0x0a, TS_BYTES },
	  { 0, false, false, false, true, 0, 0, TSVAL, TSECR, 0, {} } },
	{ __LINE__, "kind 255 len 40", false, 40,
	  { 255, 40, 0x02, 0x04, 0x05, 0xb4 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	/* An unknown kind whose length byte looks like option kinds. */
	{ __LINE__, "unknown whose body holds MSS bytes", true, 8,
	  { 200, 6, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },

	/* --- Malformed: -EINVAL, earlier options kept. --- */
	{ __LINE__, "length 0", true, 4, { 0x02, 0x00, 0x05, 0xb4 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "length 1", true, 4, { 0x03, 0x01, 0x07, 0x01 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "unknown with length 0", false, 2, { 99, 0 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "MSS then length 0", true, 8,
	  { 0x02, 0x04, 0x05, 0xb4, 0x08, 0x00, 0x01, 0x01 },
	  { -EINVAL, true, false, false, false, 1460, 0, 0, 0, 0, {} } },
	{ __LINE__, "truncated MSS", true, 3, { 0x02, 0x04, 0x05 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "truncated TS", false, 9,
	  { 0x08, 0x0a, 1, 2, 3, 4, 5, 6, 7 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "kind without length byte", true, 1, { 0x02 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "NOPs then kind without length", true, 4,
	  { 0x01, 0x01, 0x01, 0x04 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "TS then kind without length", false, 11,
	  { 0x08, 0x0a, TS_BYTES, 0x05 },
	  { -EINVAL, false, false, false, true, 0, 0, TSVAL, TSECR, 0, {} } },
	{ __LINE__, "SYN opts then option past the end", true, 12,
	  { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x01, 0x03, 0x03, 0x09,
	    99, 0x05 },
	  { -EINVAL, true, true, true, false, 1460, 9, 0, 0, 0, {} } },
	{ __LINE__, "SACK running past the end", false, 12,
	  { 0x01, 0x01, 0x05, 0x12, BLK(1U, 2U) },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "length 255 in 40 bytes", false, 40, { 0x13, 0xff },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },

	/* --- Known kinds with the wrong length are skipped. --- */
	{ __LINE__, "MSS len 3", true, 7,
	  { 0x02, 0x03, 0x05, 0x03, 0x03, 0x02, 0x01 },
	  { 0, false, true, false, false, 0, 2, 0, 0, 0, {} } },
	{ __LINE__, "MSS len 6", true, 6, { 0x02, 0x06, 0x05, 0xb4, 0, 0 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "WS len 4", true, 4, { 0x03, 0x04, 0x07, 0x00 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "WS len 2", true, 2, { 0x03, 0x02 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "SACK_PERM len 3", true, 3, { 0x04, 0x03, 0x00 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "TS len 8", false, 8, { 0x08, 0x08, 1, 2, 3, 4, 5, 6 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "TS len 12", false, 12,
	  { 0x08, 0x0c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "SACK len 2 (no block)", false, 2, { 0x05, 0x02 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "SACK len 9", false, 9, { 0x05, 0x09, 1, 2, 3, 4, 5, 6, 7 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "SACK len 14", false, 14,
	  { 0x05, 0x0e, BLK(1U, 2U), 0, 0, 0, 0 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },

	/* --- Values. --- */
	{ __LINE__, "MSS 0 is ignored", true, 4, { 0x02, 0x04, 0x00, 0x00 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "MSS 1", true, 4, { 0x02, 0x04, 0x00, 0x01 },
	  { 0, true, false, false, false, 1, 0, 0, 0, 0, {} } },
	{ __LINE__, "MSS 65535", true, 4, { 0x02, 0x04, 0xff, 0xff },
	  { 0, true, false, false, false, 65535, 0, 0, 0, 0, {} } },
	{ __LINE__, "two MSS: last wins", true, 8,
	  { 0x02, 0x04, 0x05, 0xb4, 0x02, 0x04, 0x02, 0x18 },
	  { 0, true, false, false, false, 536, 0, 0, 0, 0, {} } },
	{ __LINE__, "WS 0", true, 3, { 0x03, 0x03, 0x00 },
	  { 0, false, true, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "WS 14", true, 3, { 0x03, 0x03, 0x0e },
	  { 0, false, true, false, false, 0, 14, 0, 0, 0, {} } },
	{ __LINE__, "WS 15 reads as 14", true, 3, { 0x03, 0x03, 0x0f },
	  { 0, false, true, false, false, 0, 14, 0, 0, 0, {} } },
	{ __LINE__, "WS 255 reads as 14", true, 3, { 0x03, 0x03, 0xff },
	  { 0, false, true, false, false, 0, 14, 0, 0, 0, {} } },
	{ __LINE__, "TS all ones", false, 10,
	  { 0x08, 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	  { 0, false, false, false, true, 0, 0, 0xffffffffU, 0xffffffffU, 0,
	    {} } },

	/* --- SYN-only options on a non-SYN are ignored. --- */
	{ __LINE__, "MSS without SYN", false, 4, { 0x02, 0x04, 0x05, 0xb4 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "WS without SYN", false, 4, { 0x01, 0x03, 0x03, 0x07 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "SACK_PERM without SYN", false, 2, { 0x04, 0x02 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "TS on a SYN counts", true, 10, { 0x08, 0x0a, TS_BYTES },
	  { 0, false, false, false, true, 0, 0, TSVAL, TSECR, 0, {} } },
};

TEST(parse)
{
	const struct parse_case *c;
	struct xtcp_opts o;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_LEN(parse_cases); i++) {
		c = &parse_cases[i];
		ret = parse_exact(c->bytes, c->len, c->syn, &o);
		check_opts(_metadata, c->name, &o, ret, &c->want, c->line);
	}
}

/*
 * Every length cut of a full Linux SYN, and of a full ACK with SACK, must
 * parse without reading past the cut (ASan watches) and only ever fail
 * with -EINVAL.
 */
TEST(parse_truncations)
{
	static const u8 syn[] = { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08,
				  0x0a, TS_BYTES, 0x01, 0x03, 0x03, 0x07 };
	static const u8 ack[] = { 0x01, 0x01, 0x08, 0x0a, TS_BYTES, 0x01, 0x01,
				  0x05, 0x1a, BLK(1U, 2U), BLK(3U, 4U),
				  BLK(5U, 6U) };
	struct xtcp_opts o;
	unsigned int len;
	int ret;

	for (len = 0; len <= sizeof(syn); len++) {
		ret = parse_exact(syn, len, true, &o);
		/* Cuts inside an option fail; cuts between options do not. */
		if (len == 0 || len == 4 || len == 6 || len == 16 ||
		    len == 20) {
			CHECK_EQ(ret, 0, "syn cut at %u", len);
		} else if (len == 17) {	/* a trailing NOP is complete */
			CHECK_EQ(ret, 0, "syn cut at %u", len);
		} else {
			CHECK_EQ(ret, -EINVAL, "syn cut at %u", len);
		}
		CHECK_EQ(o.mss_ok, len >= 4, "syn cut at %u", len);
		CHECK_EQ(o.sack_ok, len >= 6, "syn cut at %u", len);
		CHECK_EQ(o.ts_ok, len >= 16, "syn cut at %u", len);
		CHECK_EQ(o.wscale_ok, len >= 20, "syn cut at %u", len);
	}
	for (len = 0; len <= sizeof(ack); len++) {
		ret = parse_exact(ack, len, false, &o);
		CHECK(ret == 0 || ret == -EINVAL, "ack cut at %u", len);
		CHECK_EQ(o.num_sacks, len == sizeof(ack) ? 3 : 0,
			 "ack cut at %u", len);
		CHECK_EQ(o.ts_ok, len >= 12, "ack cut at %u", len);
	}
}

/* ---------------------------------------------------------------------- */
/* Option writing                                                          */
/* ---------------------------------------------------------------------- */

/* Write into a buffer with guard bytes after 40 and check they survive. */
static unsigned int write_checked(struct __test_metadata *_metadata,
				  u8 *buf, const struct xtcp_opts *o,
				  bool syn, const char *name, int line)
{
	unsigned int n, i, bad = 0;

	memset(buf, 0xee, MAXB);
	n = xtcp_write_options(buf, o, syn);
	for (i = n; i < MAXB; i++)
		bad += buf[i] != 0xee;
	CHECK_EQ(bad, 0, "%s (line %d): bytes past the end", name, line);
	CHECK_EQ(n, xtcp_options_size(o, syn),
		 "%s (line %d): written, against xtcp_options_size()", name,
		 line);
	CHECK(n <= XTCP_MAX_OPT_SPACE && n % 4 == 0, "%s (line %d): n = %u",
	      name, line, n);
	return n;
}

struct write_case {
	int line;
	const char *name;
	bool syn;
	struct xtcp_opts o;
	unsigned int len;
	u8 bytes[XTCP_MAX_OPT_SPACE];
};

#define TSO_VAL 0x11223344U
#define TSO_ECR 0xa0b0c0d0U
#define TSO_BYTES 0x11, 0x22, 0x33, 0x44, 0xa0, 0xb0, 0xc0, 0xd0

static const struct write_case write_cases[] = {
	/* Linux's SYN, byte for byte. */
	{ __LINE__, "linux SYN", true,
	  { .mss = 1460, .wscale = 7, .mss_ok = true, .wscale_ok = true,
	    .sack_ok = true, .ts_ok = true, .tsval = TSO_VAL, .tsecr = 0 },
	  20, { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
		0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 0x01, 0x03, 0x03, 0x07 } },
	/* And its SYN-ACK, echoing the timestamp. */
	{ __LINE__, "linux SYN-ACK", true,
	  { .mss = 1460, .wscale = 7, .mss_ok = true, .wscale_ok = true,
	    .sack_ok = true, .ts_ok = true, .tsval = TSO_VAL,
	    .tsecr = TSO_ECR },
	  20, { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, TSO_BYTES,
		0x01, 0x03, 0x03, 0x07 } },
	{ __LINE__, "SYN no TS", true,
	  { .mss = 1460, .wscale = 7, .mss_ok = true, .wscale_ok = true,
	    .sack_ok = true },
	  12, { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02,
		0x01, 0x03, 0x03, 0x07 } },
	{ __LINE__, "SYN TS no SACK", true,
	  { .mss = 536, .mss_ok = true, .ts_ok = true, .tsval = TSO_VAL,
	    .tsecr = TSO_ECR },
	  16, { 0x02, 0x04, 0x02, 0x18, 0x01, 0x01, 0x08, 0x0a, TSO_BYTES } },
	{ __LINE__, "SYN MSS only", true,
	  { .mss = 65495, .mss_ok = true },
	  4, { 0x02, 0x04, 0xff, 0xd7 } },
	{ __LINE__, "SYN WS only", true,
	  { .wscale = 14, .wscale_ok = true },
	  4, { 0x01, 0x03, 0x03, 0x0e } },
	{ __LINE__, "SYN WS 20 written as 14", true,
	  { .wscale = 20, .wscale_ok = true },
	  4, { 0x01, 0x03, 0x03, 0x0e } },
	{ __LINE__, "SYN SACK_PERM only", true,
	  { .sack_ok = true },
	  4, { 0x01, 0x01, 0x04, 0x02 } },
	{ __LINE__, "SYN nothing", true, { .mss = 1460 }, 0, {} },
	/* A SYN never carries SACK blocks. */
	{ __LINE__, "SYN with SACK blocks", true,
	  { .mss = 1460, .mss_ok = true, .num_sacks = 2,
	    .sacks = { { 1, 2 }, { 3, 4 } } },
	  4, { 0x02, 0x04, 0x05, 0xb4 } },
	/* Established: SYN-only options are never written. */
	{ __LINE__, "ACK with SYN-only flags set", false,
	  { .mss = 1460, .wscale = 7, .mss_ok = true, .wscale_ok = true,
	    .sack_ok = true },
	  0, {} },
	{ __LINE__, "ACK TS", false,
	  { .ts_ok = true, .tsval = TSO_VAL, .tsecr = TSO_ECR, .sack_ok = true },
	  12, { 0x01, 0x01, 0x08, 0x0a, TSO_BYTES } },
	{ __LINE__, "ACK TS + 1 SACK", false,
	  { .ts_ok = true, .tsval = TSO_VAL, .tsecr = TSO_ECR, .num_sacks = 1,
	    .sacks = { { 0x01020304U, 0x05060708U } } },
	  24, { 0x01, 0x01, 0x08, 0x0a, TSO_BYTES, 0x01, 0x01, 0x05, 0x0a,
		1, 2, 3, 4, 5, 6, 7, 8 } },
	{ __LINE__, "ACK 1 SACK", false,
	  { .num_sacks = 1, .sacks = { { 0xfffffff0U, 0x10 } } },
	  12, { 0x01, 0x01, 0x05, 0x0a, BLK(0xfffffff0U, 0x10U) } },
	{ __LINE__, "ACK 4 SACK", false,
	  { .num_sacks = 4, .sacks = { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } } },
	  36, { 0x01, 0x01, 0x05, 0x22, BLK(1U, 2U), BLK(3U, 4U), BLK(5U, 6U),
		BLK(7U, 8U) } },
	/* With timestamps only three blocks fit: the fourth is dropped. */
	{ __LINE__, "ACK TS + 4 SACK -> 3", false,
	  { .ts_ok = true, .tsval = TSO_VAL, .tsecr = TSO_ECR, .num_sacks = 4,
	    .sacks = { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } } },
	  40, { 0x01, 0x01, 0x08, 0x0a, TSO_BYTES, 0x01, 0x01, 0x05, 0x1a,
		BLK(1U, 2U), BLK(3U, 4U), BLK(5U, 6U) } },
	/* A bogus count is held to the array size. */
	{ __LINE__, "ACK num_sacks 200 -> 4", false,
	  { .num_sacks = 200,
	    .sacks = { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } } },
	  36, { 0x01, 0x01, 0x05, 0x22, BLK(1U, 2U), BLK(3U, 4U), BLK(5U, 6U),
		BLK(7U, 8U) } },
	{ __LINE__, "ACK nothing", false, {}, 0, {} },
};

TEST(write_options)
{
	const struct write_case *c;
	u8 buf[MAXB];
	unsigned int i, n;

	for (i = 0; i < ARRAY_LEN(write_cases); i++) {
		c = &write_cases[i];
		n = write_checked(_metadata, buf, &c->o, c->syn, c->name, c->line);
		CHECK_EQ(n, c->len, "%s (table line %d)", c->name, c->line);
		CHECK_EQ(memcmp(buf, c->bytes, c->len), 0,
			 "%s (table line %d): the bytes", c->name, c->line);
	}
}

/*
 * write -> parse for every combination of options, SYN or not, 0..5 SACK
 * blocks: the parse must give back what was written, minus what a
 * segment of that kind cannot carry.
 */
TEST(round_trip)
{
	static const u16 msses[] = { 1, 536, 1460, 65495, 65535 };
	static const u8 scales[] = { 0, 7, 14 };
	struct xtcp_opts o, p;
	unsigned int bits, nsack, i, n, want_sacks;
	char name[96];
	u8 buf[MAXB];
	int syn, ret;

	for (syn = 0; syn <= 1; syn++)
		for (bits = 0; bits < 16; bits++)
			for (nsack = 0; nsack <= 5; nsack++) {
				memset(&o, 0, sizeof(o));
				o.mss_ok = bits & 1;
				o.wscale_ok = bits & 2;
				o.sack_ok = bits & 4;
				o.ts_ok = bits & 8;
				o.mss = msses[(bits + nsack) % ARRAY_LEN(msses)];
				o.wscale = scales[(bits + nsack) %
						  ARRAY_LEN(scales)];
				o.tsval = 0xdead0000U + bits;
				o.tsecr = 0x0000beefU * nsack;
				o.num_sacks = nsack;
				for (i = 0; i < XTCP_MAX_SACK_BLOCKS; i++) {
					o.sacks[i].start = 0xfffff000U + 0x100 * i;
					o.sacks[i].end = o.sacks[i].start + 0x80;
				}
				snprintf(name, sizeof(name),
					 "syn %d bits %#x sacks %u", syn, bits,
					 nsack);

				n = write_checked(_metadata, buf, &o, syn, name, __LINE__);
				ret = parse_exact(buf, n, syn, &p);
				CHECK_EQ(ret, 0, "%s", name);
				CHECK_EQ(p.mss_ok, syn && o.mss_ok, "%s", name);
				CHECK_EQ(p.wscale_ok, syn && o.wscale_ok, "%s",
					 name);
				CHECK_EQ(p.sack_ok, syn && o.sack_ok, "%s", name);
				CHECK_EQ(p.ts_ok, o.ts_ok, "%s", name);
				if (p.mss_ok) {
					CHECK_EQ(p.mss, o.mss, "%s", name);
				}
				if (p.wscale_ok) {
					CHECK_EQ(p.wscale, o.wscale, "%s", name);
				}
				if (p.ts_ok) {
					CHECK_EQ(p.tsval, o.tsval, "%s", name);
					CHECK_EQ(p.tsecr, o.tsecr, "%s", name);
				}
				/* 4 blocks fit alone, 3 with timestamps. */
				want_sacks = syn ? 0 : nsack;
				if (want_sacks > 4)
					want_sacks = 4;
				if (o.ts_ok && want_sacks > 3)
					want_sacks = 3;
				CHECK_EQ(p.num_sacks, want_sacks, "%s", name);
				for (i = 0; i < p.num_sacks; i++) {
					CHECK_EQ(p.sacks[i].start,
						 o.sacks[i].start, "%s", name);
					CHECK_EQ(p.sacks[i].end, o.sacks[i].end,
						 "%s", name);
				}
			}
}

/* ---------------------------------------------------------------------- */
/* State transitions                                                       */
/* ---------------------------------------------------------------------- */

TEST(states)
{
	static const struct {
		int state;
		const char *name;
		int on_close;
		bool send_fin;
		int on_fin, on_fin_acked;
		bool can_send, can_recv;
	} t[] = {
		{ XTCP_ESTABLISHED, "ESTABLISHED", XTCP_FIN_WAIT1, true,
		  XTCP_CLOSE_WAIT, XTCP_ESTABLISHED, true, true },
		{ XTCP_SYN_SENT, "SYN_SENT", XTCP_CLOSE, false,
		  XTCP_SYN_SENT, XTCP_SYN_SENT, false, false },
		{ XTCP_SYN_RECV, "SYN_RECV", XTCP_FIN_WAIT1, true,
		  XTCP_CLOSE_WAIT, XTCP_SYN_RECV, false, false },
		{ XTCP_FIN_WAIT1, "FIN_WAIT1", XTCP_FIN_WAIT1, false,
		  XTCP_CLOSING, XTCP_FIN_WAIT2, false, true },
		{ XTCP_FIN_WAIT2, "FIN_WAIT2", XTCP_FIN_WAIT2, false,
		  XTCP_TIME_WAIT, XTCP_FIN_WAIT2, false, true },
		{ XTCP_TIME_WAIT, "TIME_WAIT", XTCP_TIME_WAIT, false,
		  XTCP_TIME_WAIT, XTCP_TIME_WAIT, false, false },
		{ XTCP_CLOSE, "CLOSE", XTCP_CLOSE, false,
		  XTCP_CLOSE, XTCP_CLOSE, false, false },
		{ XTCP_CLOSE_WAIT, "CLOSE_WAIT", XTCP_LAST_ACK, true,
		  XTCP_CLOSE_WAIT, XTCP_CLOSE_WAIT, true, false },
		{ XTCP_LAST_ACK, "LAST_ACK", XTCP_LAST_ACK, false,
		  XTCP_LAST_ACK, XTCP_CLOSE, false, false },
		{ XTCP_LISTEN, "LISTEN", XTCP_CLOSE, false,
		  XTCP_LISTEN, XTCP_LISTEN, false, false },
		{ XTCP_CLOSING, "CLOSING", XTCP_CLOSING, false,
		  XTCP_CLOSING, XTCP_TIME_WAIT, false, false },
		/* Not states: nothing happens, named UNKNOWN. */
		{ 0, "UNKNOWN", 0, false, 0, 0, false, false },
		{ 12, "UNKNOWN", 12, false, 12, 12, false, false },
		{ -1, "UNKNOWN", -1, false, -1, -1, false, false },
		{ 255, "UNKNOWN", 255, false, 255, 255, false, false },
	};
	unsigned int i;
	bool fin;

	/* The numbers are Linux's TCP_* (include/net/tcp_states.h). */
	CHECK_EQ(XTCP_ESTABLISHED, 1, "constant");
	CHECK_EQ(XTCP_SYN_SENT, 2, "constant");
	CHECK_EQ(XTCP_SYN_RECV, 3, "constant");
	CHECK_EQ(XTCP_FIN_WAIT1, 4, "constant");
	CHECK_EQ(XTCP_FIN_WAIT2, 5, "constant");
	CHECK_EQ(XTCP_TIME_WAIT, 6, "constant");
	CHECK_EQ(XTCP_CLOSE, 7, "constant");
	CHECK_EQ(XTCP_CLOSE_WAIT, 8, "constant");
	CHECK_EQ(XTCP_LAST_ACK, 9, "constant");
	CHECK_EQ(XTCP_LISTEN, 10, "constant");
	CHECK_EQ(XTCP_CLOSING, 11, "constant");

	for (i = 0; i < ARRAY_LEN(t); i++) {
		CHECK(!strcmp(xtcp_state_name(t[i].state), t[i].name),
		      "state %d: got %s", t[i].state,
		      xtcp_state_name(t[i].state));
		fin = !t[i].send_fin;
		CHECK_EQ(xtcp_state_on_close(t[i].state, &fin), t[i].on_close,
			 "%s", t[i].name);
		CHECK_EQ(fin, t[i].send_fin, "%s", t[i].name);
		/* send_fin may be NULL. */
		CHECK_EQ(xtcp_state_on_close(t[i].state, NULL), t[i].on_close,
			 "%s", t[i].name);
		CHECK_EQ(xtcp_state_on_fin(t[i].state), t[i].on_fin, "%s",
			 t[i].name);
		CHECK_EQ(xtcp_state_on_fin_acked(t[i].state), t[i].on_fin_acked,
			 "%s", t[i].name);
		CHECK_EQ(xtcp_state_can_send(t[i].state), t[i].can_send, "%s",
			 t[i].name);
		CHECK_EQ(xtcp_state_can_recv_data(t[i].state), t[i].can_recv,
			 "%s", t[i].name);
	}
}

/* Whole closes, event by event, through figure 5 of RFC 9293. */
TEST(close_sequences)
{
	bool fin;
	int s;

	/* Active close: FIN_WAIT1 -> FIN_WAIT2 -> TIME_WAIT. */
	s = xtcp_state_on_close(XTCP_ESTABLISHED, &fin);
	CHECK(s == XTCP_FIN_WAIT1 && fin, "active close");
	s = xtcp_state_on_fin_acked(s);
	CHECK_EQ(s, XTCP_FIN_WAIT2, "active close");
	s = xtcp_state_on_fin(s);
	CHECK_EQ(s, XTCP_TIME_WAIT, "active close");

	/* Passive close: CLOSE_WAIT -> LAST_ACK -> CLOSE. */
	s = xtcp_state_on_fin(XTCP_ESTABLISHED);
	CHECK_EQ(s, XTCP_CLOSE_WAIT, "passive close");
	s = xtcp_state_on_close(s, &fin);
	CHECK(s == XTCP_LAST_ACK && fin, "passive close");
	s = xtcp_state_on_fin_acked(s);
	CHECK_EQ(s, XTCP_CLOSE, "passive close");

	/* Simultaneous close: FIN_WAIT1 -> CLOSING -> TIME_WAIT. */
	s = xtcp_state_on_close(XTCP_ESTABLISHED, &fin);
	s = xtcp_state_on_fin(s);
	CHECK_EQ(s, XTCP_CLOSING, "simultaneous close");
	s = xtcp_state_on_fin_acked(s);
	CHECK_EQ(s, XTCP_TIME_WAIT, "simultaneous close");

	/* FIN+ACK of our FIN in one segment: ack first, then FIN. */
	s = xtcp_state_on_close(XTCP_ESTABLISHED, &fin);
	s = xtcp_state_on_fin(xtcp_state_on_fin_acked(s));
	CHECK_EQ(s, XTCP_TIME_WAIT, "FIN+ACK");
}

/* ---------------------------------------------------------------------- */
/* Receive window selection                                                */
/* ---------------------------------------------------------------------- */

TEST(select_window)
{
	static const struct {
		u32 free, cur, mss, max, want;
	} t[] = {
		/* 65536 capped at 65535, then 44 * 1460 = 64240. */
		{ 65536, 0, 1460, 65535, 64240 },
		{ 10000, 0, 1460, 65535, 8760 },	/* 6 * 1460 */
		{ 1460, 0, 1460, 65535, 1460 },
		{ 2919, 0, 1460, 65535, 1460 },
		{ 2920, 0, 1460, 65535, 2920 },
		/* Below one MSS the value is kept as it is. */
		{ 1459, 0, 1460, 65535, 1459 },
		{ 100, 0, 1460, 65535, 100 },
		{ 0, 0, 1460, 65535, 0 },
		/* Never below what is left of the last window. */
		{ 100, 5000, 1460, 65535, 5000 },
		{ 0, 5000, 1460, 65535, 5000 },
		{ 10000, 9000, 1460, 65535, 9000 },	/* 8760 < 9000 */
		{ 10000, 8760, 1460, 65535, 8760 },
		{ 10000, 100, 1460, 65535, 8760 },
		{ 1000, 999, 1460, 65535, 1000 },
		/* Scaled: max = 65535 << 7 = 8388480. */
		{ 3000000, 0, 1460, 8388480, 2998840 },	/* 2054 * 1460 */
		{ 10000000, 0, 1460, 8388480, 8387700 },	/* 5745 * 1460 */
		{ 0xffffffffU, 0, 1460, 65535U << 14, 1073724880 },
		/* Never above max, even if cur is (it cannot be). */
		{ 100, 70000, 1460, 65535, 65535 },
		/* Loopback MSS 65483 fits once in 65535. */
		{ 131072, 0, 65483, 65535, 65483 },
		{ 65536, 0, 65483, 65535U << 7, 65483 },
		{ 65000, 0, 65483, 65535U << 7, 65000 },
		/* mss > max: no room for a whole segment, take max. */
		{ 70000, 0, 100000, 65535, 65535 },
		/* mss 0 means no rounding. */
		{ 1000, 0, 0, 65535, 1000 },
		{ 0xffffffffU, 0, 1, 0xffffffffU, 0xffffffffU },
		{ 0, 0, 0, 0, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		CHECK_EQ(xtcp_select_window(t[i].free, t[i].cur, t[i].mss,
					    t[i].max),
			 t[i].want, "case %u", i);
	}
}

/* ---------------------------------------------------------------------- */
/* Congestion control                                                      */
/* ---------------------------------------------------------------------- */

static void check_cong(struct __test_metadata *_metadata,
		       const struct xtcp_cong *c, u32 cwnd, u32 ssthresh,
		       u32 cnt, const char *what, int line)
{
	CHECK_EQ(c->cwnd, cwnd, "%s (line %d): cwnd", what, line);
	CHECK_EQ(c->ssthresh, ssthresh, "%s (line %d): ssthresh", what, line);
	CHECK_EQ(c->cwnd_cnt, cnt, "%s (line %d): cwnd_cnt", what, line);
}

#define CHECK_CONG(c, cwnd, ssth, cnt, what) \
	check_cong(_metadata, c, cwnd, ssth, cnt, what, __LINE__)

TEST(cong)
{
	static const struct {
		u32 cwnd, ssthresh, cnt, acked;
		u32 want_cwnd, want_cnt;
	} t[] = {
		/* Slow start: +1 per segment acknowledged. */
		{ 10, 0x7fffffffU, 0, 1, 11, 0 },
		{ 10, 0x7fffffffU, 0, 10, 20, 0 },
		{ 1, 100, 0, 1, 2, 0 },
		/* Up to ssthresh, the rest goes to congestion avoidance. */
		{ 15, 20, 0, 10, 20, 5 },
		{ 15, 20, 0, 5, 20, 0 },
		{ 19, 20, 0, 21, 21, 0 },	/* 20 to CA: exactly cwnd 20 */
		/* Congestion avoidance: +1 per cwnd acknowledged. */
		{ 20, 20, 0, 19, 20, 19 },
		{ 20, 20, 19, 1, 21, 0 },
		{ 20, 10, 5, 10, 20, 15 },
		{ 20, 10, 15, 10, 21, 5 },
		/* A stretch ACK earns several at once: 25 / 10 = 2, rest 5. */
		{ 10, 10, 0, 25, 12, 5 },
		{ 10, 10, 0, 0, 10, 0 },	/* nothing acked */
		{ 10, 5, 3, 0, 10, 3 },
		/*
		 * cwnd_cnt left over from a larger cwnd: Linux turns it into
		 * one increase first, then counts afresh.
		 */
		{ 5, 5, 9, 1, 6, 1 },
		/* Huge numbers saturate instead of wrapping. */
		{ 0xfffffff0U, 0xffffffffU, 0, 0xffffffffU, 0xffffffffU,
		  0xfffffff0U },
		{ 0xffffffffU, 1, 0, 0xffffffffU, 0xffffffffU, 0 },
		/* A zero cwnd (never set) must not divide by zero. */
		{ 0, 0, 0, 3, 3, 0 },
	};
	struct xtcp_cong c;
	unsigned int i;

	xtcp_cong_reno.init(&c);
	CHECK_CONG(&c, 10, 0x7fffffffU, 0, "init");
	CHECK_EQ(XTCP_INIT_CWND, 10, "constant");

	for (i = 0; i < ARRAY_LEN(t); i++) {
		c.cwnd = t[i].cwnd;
		c.ssthresh = t[i].ssthresh;
		c.cwnd_cnt = t[i].cnt;
		xtcp_cong_reno.on_ack(&c, t[i].acked);
		CHECK_EQ(c.cwnd, t[i].want_cwnd, "case %u", i);
		CHECK_EQ(c.cwnd_cnt, t[i].want_cnt, "case %u", i);
		CHECK_EQ(c.ssthresh, t[i].ssthresh, "case %u", i);
	}
}

TEST(cong_loss)
{
	static const struct {
		u32 in_flight, ssthresh;
	} t[] = {
		{ 20, 10 }, { 21, 10 }, { 6, 3 }, { 5, 2 }, { 4, 2 },
		{ 3, 2 }, { 1, 2 }, { 0, 2 }, { 0xffffffffU, 0x7fffffffU },
	};
	struct xtcp_cong c;
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		xtcp_cong_reno.init(&c);
		c.cwnd = 40;
		c.cwnd_cnt = 7;
		CHECK_EQ(xtcp_cong_reno.ssthresh(&c, t[i].in_flight),
			 t[i].ssthresh, "loss: in flight %u", t[i].in_flight);
		xtcp_cong_recovery_enter(&xtcp_cong_reno, &c, t[i].in_flight);
		CHECK_CONG(&c, t[i].ssthresh + 3 < t[i].ssthresh ? 0xffffffffU :
			   t[i].ssthresh + 3, t[i].ssthresh, 0,
			   "fast retransmit (NewReno)");

		xtcp_cong_reno.init(&c);
		c.cwnd = 40;
		c.cwnd_cnt = 7;
		xtcp_cong_timeout(&xtcp_cong_reno, &c, t[i].in_flight);
		CHECK_CONG(&c, 1, t[i].ssthresh, 0, "rto");
	}
}

/* A connection's life, RFC 5681 in order. */
TEST(cong_story)
{
	struct xtcp_cong c;
	int i;

	xtcp_cong_reno.init(&c);
	xtcp_cong_reno.on_ack(&c, 10);		/* one RTT of slow start */
	CHECK_CONG(&c, 20, 0x7fffffffU, 0, "slow start");
	xtcp_cong_reno.on_ack(&c, 20);
	CHECK_CONG(&c, 40, 0x7fffffffU, 0, "slow start");
	/* Three dup ACKs, NewReno: the window inflated by them... */
	xtcp_cong_recovery_enter(&xtcp_cong_reno, &c, 40);
	CHECK_CONG(&c, 23, 20, 0, "fast retransmit");
	/* ...and deflated when the recovery's data is acknowledged. */
	xtcp_cong_recovery_exit(&c, 39);
	CHECK_CONG(&c, 20, 20, 0, "fast recovery over");
	for (i = 0; i < 19; i++)
		xtcp_cong_reno.on_ack(&c, 1);
	CHECK_CONG(&c, 20, 20, 19, "avoidance");
	xtcp_cong_reno.on_ack(&c, 1);
	CHECK_CONG(&c, 21, 20, 0, "avoidance: +1 after a window");
	xtcp_cong_timeout(&xtcp_cong_reno, &c, 21);	/* timeout */
	CHECK_CONG(&c, 1, 10, 0, "rto");
	xtcp_cong_reno.on_ack(&c, 1);
	xtcp_cong_reno.on_ack(&c, 2);
	xtcp_cong_reno.on_ack(&c, 4);
	CHECK_CONG(&c, 8, 10, 0, "slow start again");
	xtcp_cong_reno.on_ack(&c, 8);		/* 2 to reach 10, 6 to CA */
	CHECK_CONG(&c, 10, 10, 6, "into avoidance");
	xtcp_cong_reno.on_ack(&c, 4);
	CHECK_CONG(&c, 11, 10, 0, "avoidance");
}

/* Window scale from the buffer size: Linux gives 7 for its 6 MB default. */
TEST(select_wscale)
{
	CHECK_EQ(xtcp_select_wscale(0), 0, "%s", "");
	CHECK_EQ(xtcp_select_wscale(65535), 0, "%s", "");
	CHECK_EQ(xtcp_select_wscale(65536), 1, "%s", "");
	CHECK_EQ(xtcp_select_wscale(131071), 1, "%s", "");
	CHECK_EQ(xtcp_select_wscale(131072), 2, "%s", "");
	CHECK_EQ(xtcp_select_wscale(212992), 2, "%s", "");	/* rmem_default */
	CHECK_EQ(xtcp_select_wscale(6291456), 7, "%s", "");	/* tcp_rmem[2] */
	CHECK_EQ(xtcp_select_wscale(1U << 29), 14, "%s", "");
	CHECK_EQ(xtcp_select_wscale(0xffffffffU), 14, "%s", "");	/* clamped */
}

TEST(paws)
{
	CHECK(xtcp_paws_ok(100, 100, 0), "equal is fine");
	CHECK(xtcp_paws_ok(101, 100, 0), "newer");
	CHECK(!xtcp_paws_ok(99, 100, 0), "older: rejected");
	CHECK(xtcp_paws_ok(99, 0, 0), "no TS.Recent yet");
	CHECK(xtcp_paws_ok(5, 0xfffffff0U, 0), "newer across the wrap");
	CHECK(!xtcp_paws_ok(0xfffffff0U, 5, 0), "older across the wrap");
	CHECK(!xtcp_paws_ok(99, 100, XTCP_PAWS_IDLE_SECS - 1), "23 days");
	CHECK(xtcp_paws_ok(99, 100, XTCP_PAWS_IDLE_SECS), "24 days: stale");
}

/* The n blocks are exactly these (start, end) pairs, in this order. */
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

/* NewReno fast recovery through the ops table, as RFC 6582 tells it. */
TEST(cong_recovery)
{
	const struct xtcp_cong_ops *ops = &xtcp_cong_reno;
	struct xtcp_cong c;

	CHECK(!strcmp(ops->name, "reno"), "%s", "name");
	ops->init(&c);
	CHECK_EQ(c.cwnd, 10, "%s", "initial window");
	ops->on_ack(&c, 10);
	CHECK_EQ(c.cwnd, 20, "%s", "slow start");
	xtcp_cong_recovery_enter(ops, &c, 20);	/* third duplicate ACK */
	CHECK_EQ(c.ssthresh, 10, "%s", "half the flight");
	CHECK_EQ(c.cwnd, 13, "%s", "ssthresh + 3");
	xtcp_cong_recovery_dupack(&c);
	xtcp_cong_recovery_dupack(&c);
	CHECK_EQ(c.cwnd, 15, "%s", "inflated per duplicate");
	xtcp_cong_recovery_partial(&c, 4);
	CHECK_EQ(c.cwnd, 12, "%s", "deflated by 4, plus 1");
	xtcp_cong_recovery_partial(&c, 100);
	CHECK_EQ(c.cwnd, 1, "%s", "never below one");
	c.cwnd = 30;
	xtcp_cong_recovery_exit(&c, 20);
	CHECK_EQ(c.cwnd, 10, "%s", "full ACK: ssthresh");
	xtcp_cong_recovery_exit(&c, 3);
	CHECK_EQ(c.cwnd, 4, "%s", "full ACK, little in flight");
	xtcp_cong_recovery_exit(&c, 0);
	CHECK_EQ(c.cwnd, 2, "%s", "full ACK, nothing in flight");
	xtcp_cong_timeout(ops, &c, 3);
	CHECK_EQ(c.ssthresh, 2, "%s", "at least 2");
	CHECK_EQ(c.cwnd, 1, "%s", "RTO: one segment");
	c.cwnd = 0xfffffffeU;
	xtcp_cong_recovery_dupack(&c);
	xtcp_cong_recovery_dupack(&c);
	CHECK_EQ(c.cwnd, 0xffffffffU, "%s", "saturates");
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

/* Proportional Rate Reduction, RFC 6937's two regimes. */
TEST(prr)
{
	/* 20 out at the loss, ssthresh 10: send 1 for every 2 delivered. */
	CHECK_EQ(xtcp_prr_cwnd(17, 10, 20, 1, 1, 1), 17, "%s",
		 "fast retransmit already sent: nothing more");
	CHECK_EQ(xtcp_prr_cwnd(16, 10, 20, 2, 1, 1), 16, "%s",
		 "ceil(2 * 10 / 20) = 1 sent");
	CHECK_EQ(xtcp_prr_cwnd(15, 10, 20, 3, 1, 1), 16, "%s",
		 "ceil(3 * 10 / 20) = 2: one more");
	CHECK_EQ(xtcp_prr_cwnd(12, 10, 20, 10, 5, 4), 12, "%s",
		 "on schedule: nothing");
	CHECK_EQ(xtcp_prr_cwnd(12, 10, 20, 14, 5, 4), 14, "%s",
		 "ceil(14 * 10 / 20) = 7: two more");
	/* At or below ssthresh: slow start back, at most delivered + 1. */
	CHECK_EQ(xtcp_prr_cwnd(8, 10, 20, 14, 7, 1), 10, "%s",
		 "up to ssthresh");
	CHECK_EQ(xtcp_prr_cwnd(9, 10, 20, 5, 5, 1), 10, "%s",
		 "one short of ssthresh");
	CHECK_EQ(xtcp_prr_cwnd(4, 10, 20, 5, 5, 0), 5, "%s",
		 "nothing delivered: one segment");
	CHECK_EQ(xtcp_prr_cwnd(2, 10, 20, 9, 5, 2), 7, "%s",
		 "bounded by prr_delivered - prr_out + 1");
	/* The first transmission of recovery always goes. */
	CHECK_EQ(xtcp_prr_cwnd(15, 10, 20, 0, 0, 0), 16, "%s",
		 "fast retransmit");
	CHECK_EQ(xtcp_prr_cwnd(15, 10, 0, 0, 0, 0), 16, "%s",
		 "recover_fs 0 does not divide by zero");
	CHECK_EQ(xtcp_prr_cwnd(0xfffffff0U, 0x7fffffffU, 0xffffffffU,
			       0xffffffffU, 0, 1), 0xffffffffU, "%s",
		 "saturates");
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

/* The sender's SACK cache: only what the previous ACK did not cover. */
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

/* RACK-TLP (RFC 8985): send order, reordering window, deadlines, PTO. */
TEST(rack_tlp)
{
	struct xtcp_rtt_est e;

	CHECK(xtcp_rack_sent_after(2000, 100, 1000, 200), "%s", "later time");
	CHECK(!xtcp_rack_sent_after(1000, 200, 2000, 100), "%s", "earlier time");
	CHECK(xtcp_rack_sent_after(1000, 200, 1000, 100), "%s", "tie: higher seq");
	CHECK(!xtcp_rack_sent_after(1000, 100, 1000, 100), "%s", "same segment");
	CHECK(xtcp_rack_sent_after(5, 1, 0xfffffff0U, 1), "%s", "clock wrapped");

	CHECK_EQ(xtcp_rack_reo_wnd(40000, 50000, false, false, 2), 10000,
		 "%s", "min_rtt / 4");
	CHECK_EQ(xtcp_rack_reo_wnd(40000, 8000, false, false, 0), 8000, "%s",
		 "at most srtt");
	CHECK_EQ(xtcp_rack_reo_wnd(40000, 50000, true, false, 0), 50000, "%s",
		 "reordering seen: srtt");
	CHECK_EQ(xtcp_rack_reo_wnd(40000, 50000, false, false, 3), 0, "%s",
		 "DupThresh SACKed: no window");
	CHECK_EQ(xtcp_rack_reo_wnd(40000, 50000, false, true, 0), 0, "%s",
		 "in recovery: no window");
	CHECK_EQ(xtcp_rack_reo_wnd(40000, 50000, true, true, 9), 50000, "%s",
		 "reordering seen: the window stays in recovery");

	CHECK_EQ(xtcp_rack_time_left(1000, 1000, 500, 100), 600, "%s",
		 "just sent: rtt + reo_wnd to go");
	CHECK_EQ(xtcp_rack_time_left(1000, 1599, 500, 100), 1, "%s",
		 "one microsecond to go");
	CHECK_EQ(xtcp_rack_time_left(1000, 1600, 500, 100), 0, "%s",
		 "lost at the deadline");
	CHECK_EQ(xtcp_rack_time_left(0xffffff00U, 0x100, 0x100, 0), 0, "%s",
		 "lost across the wrap");
	CHECK_EQ(xtcp_rack_time_left(0, 0, 0xffffffffU, 0xffffffffU),
		 0xffffffffU, "%s", "deadline beyond 32 bits saturates");

	CHECK_EQ(xtcp_tlp_pto(10000, 5, 1000000), 20000, "%s", "2 srtt");
	CHECK_EQ(xtcp_tlp_pto(10000, 1, 1000000), 220000, "%s",
		 "one out: + delayed ACK");
	CHECK_EQ(xtcp_tlp_pto(1000, 5, 1000000), 10000, "%s", "10 ms floor");
	CHECK_EQ(xtcp_tlp_pto(300000, 5, 400000), 400000, "%s",
		 "not after the RTO");

	/* Delivery rate: 10 segments of 1000 bytes in 10 ms = 1 MB/s. */
	CHECK_EQ(xtcp_delivery_rate(10, 1000, 10000, 5000, 2000), 1000000,
		 "%s", "the longer phase: sending");
	CHECK_EQ(xtcp_delivery_rate(10, 1000, 5000, 20000, 2000), 500000,
		 "%s", "the longer phase: ACKs");
	CHECK_EQ(xtcp_delivery_rate(10, 1000, 1000, 1000, 2000), 0, "%s",
		 "shorter than a round trip: no sample");
	CHECK_EQ(xtcp_delivery_rate(0, 1000, 10000, 10000, 0), 0, "%s",
		 "nothing delivered");
	CHECK_EQ(xtcp_delivery_rate(0xffffffffU, 0xffffU, 1, 0, 0),
		 0xffffffffULL * 0xffff * 1000000, "%s", "no overflow");

	/* The RTT estimator keeps the smallest sample for RACK. */
	xtcp_rtt_init(&e);
	CHECK_EQ(e.min_rtt_us, 0, "%s", "none yet");
	xtcp_rtt_sample(&e, 3000);
	xtcp_rtt_sample(&e, 1000);
	xtcp_rtt_sample(&e, 2000);
	CHECK_EQ(e.min_rtt_us, 1000, "%s", "min of 3000, 1000, 2000");
}

/*
 * The payload share of the receive buffer, as Linux's scaling_ratio, of
 * one segment: an update from the largest ratio takes it as it is.
 */
TEST(rcv_ratio)
{
	CHECK_EQ(xtcp_rcv_ratio_update(255, 1448, 4352), 85, "%s",
		 "a 1448-byte segment in a 4 KB allocation: a third");
	CHECK_EQ(xtcp_rcv_ratio_update(255, 1448, 2896), 128, "%s", "half");
	CHECK_EQ(xtcp_rcv_ratio_update(255, 65536, 66000), 254, "%s", "almost all");
	CHECK_EQ(xtcp_rcv_ratio_update(255, 70000, 66000), 255, "%s", "at most 255");
	CHECK_EQ(xtcp_rcv_ratio_update(255, 1, 100000), 1, "%s", "at least 1");
	CHECK_EQ(xtcp_rcv_ratio_update(255, 1448, 0), XTCP_RCV_RATIO_DEFAULT, "%s",
		 "no truesize: the default");
	CHECK_EQ(xtcp_rcv_ratio_update(200, 1448, 4352), 85, "%s",
		 "a lower ratio at once");
	CHECK_EQ(xtcp_rcv_ratio_update(85, 65160, 66560), 106, "%s",
		 "a higher one an eighth of the way");
	CHECK_EQ(xtcp_rcv_ratio_update(254, 65160, 65536), 254, "%s",
		 "unchanged");
	CHECK_EQ(xtcp_rcv_ratio_update(254, 65535, 65535), 255, "%s",
		 "the last step up is whole");
	CHECK_EQ(xtcp_space_to_window(100000, 128), 50000, "%s", "half");
	CHECK_EQ(xtcp_space_to_window(100000, 85), 33203, "%s", "a third");
	CHECK_EQ(xtcp_space_to_window(0xffffffffU, 255), 0xfeffffffU, "%s",
		 "no overflow");
}

TEST(autotune)
{
	/* 100 KB read last round trip, 50 KB before: it doubled. */
	CHECK_EQ(xtcp_drs_rcvbuf(100000, 50000, 1460, 128, 6291456),
		 (2 * 100000 + 16 * 1460) * 3 * 2, "%s",
		 "2 x copied + 16 MSS, plus twice the growth, at half payload");
	CHECK_EQ(xtcp_drs_rcvbuf(100000, 100000, 1460, 256, 6291456),
		 2 * 100000 + 16 * 1460, "%s", "no growth, all payload");
	CHECK_EQ(xtcp_drs_rcvbuf(4000000, 1000000, 65483, 200, 6291456),
		 6291456, "%s", "at most rmem_max");
	CHECK_EQ(xtcp_drs_rcvbuf(1000, 0, 1000, 0, 1U << 30),
		 (2 * 1000 + 16 * 1000) * 256, "%s", "no ratio: as if 1/256");
	CHECK_EQ(xtcp_sndbuf_for_cwnd(4, 4096, 4194304), 2 * 10 * 4096,
		 "%s", "never below the initial window");
	CHECK_EQ(xtcp_sndbuf_for_cwnd(40, 4096, 4194304), 2 * 40 * 4096,
		 "%s", "two windows");
	CHECK_EQ(xtcp_sndbuf_for_cwnd(0xffffffffU, 4096, 4194304), 4194304,
		 "%s", "at most wmem_max, no overflow");
}

TEST(ack_verdict)
{
	/* SND.UNA 10000, SND.NXT 20000, the peer offered 5000 at most. */
	CHECK_EQ(xtcp_ack_verdict(10000, 10000, 20000, 5000, 8000),
		 XTCP_ACK_OK, "%s", "SEG.ACK = SND.UNA");
	CHECK_EQ(xtcp_ack_verdict(20000, 10000, 20000, 5000, 8000),
		 XTCP_ACK_OK, "%s", "SEG.ACK = SND.NXT");
	CHECK_EQ(xtcp_ack_verdict(20001, 10000, 20000, 5000, 8000),
		 XTCP_ACK_UNSENT, "%s", "beyond SND.NXT");
	CHECK_EQ(xtcp_ack_verdict(5000, 10000, 20000, 5000, 8000),
		 XTCP_ACK_OLD, "%s", "SND.UNA - MAX.SND.WND: old, accepted");
	CHECK_EQ(xtcp_ack_verdict(4999, 10000, 20000, 5000, 8000),
		 XTCP_ACK_TOO_OLD, "%s", "one below: too old");
	CHECK_EQ(xtcp_ack_verdict(9000, 10000, 20000, 5000, 999),
		 XTCP_ACK_TOO_OLD, "%s",
		 "below what was ever acknowledged: too old");
	CHECK_EQ(xtcp_ack_verdict(9001, 10000, 20000, 5000, 999),
		 XTCP_ACK_OLD, "%s", "within the bytes acknowledged");
	CHECK_EQ(xtcp_ack_verdict(9999, 10000, 20000, 5000, 0),
		 XTCP_ACK_TOO_OLD, "%s", "nothing acknowledged yet");
	/* Across the wrap. */
	CHECK_EQ(xtcp_ack_verdict(0xfffffff0U, 0x10, 0x100, 0x1000, 1U << 20),
		 XTCP_ACK_OLD, "%s", "old, across zero");
	CHECK_EQ(xtcp_ack_verdict(0x20, 0xfffffff0U, 0x10, 0x1000, 1U << 20),
		 XTCP_ACK_UNSENT, "%s", "unsent, across zero");
	CHECK_EQ(xtcp_ack_verdict(0x5, 0xfffffff0U, 0x10, 0x1000, 1U << 20),
		 XTCP_ACK_OK, "%s", "in flight, across zero");
	/* The largest window scaling allows, 2^30: reaches back that far. */
	CHECK_EQ(xtcp_ack_verdict(0xc0000010U, 0x10, 0x20, 1U << 30,
				  1ULL << 40),
		 XTCP_ACK_OLD, "%s", "2^30 back: old");
	CHECK_EQ(xtcp_ack_verdict(0xc000000fU, 0x10, 0x20, 1U << 30,
				  1ULL << 40),
		 XTCP_ACK_TOO_OLD, "%s", "2^30 + 1 back: too old");
}

TEST(oow_limited)
{
	CHECK(!xtcp_oow_limited(1000, 0, 125), "%s", "nothing sent yet");
	CHECK(xtcp_oow_limited(1000, 1000, 125), "%s", "just sent");
	CHECK(xtcp_oow_limited(1124, 1000, 125), "%s", "within the limit");
	CHECK(!xtcp_oow_limited(1125, 1000, 125), "%s", "limit passed");
	CHECK(!xtcp_oow_limited(999, 1000, 125), "%s",
	      "a stamp from the future is stale");
	CHECK(xtcp_oow_limited(5, 0xfffffff0U, 125), "%s", "across the wrap");
	CHECK(!xtcp_oow_limited(1000, 1000, 0), "%s", "limit 0: never");
}

TEST(probe_give_up)
{
	struct xtcp_probe_state p = {
		.rto_us = 200000, .retries2 = 15, .orphan_retries = 8,
	};

	CHECK(!xtcp_probe_give_up(&p), "%s", "the first probe goes");
	p.probes_out = 14;
	p.backoff = 14;
	CHECK(!xtcp_probe_give_up(&p), "%s", "14 unanswered: one more");
	p.probes_out = 15;
	CHECK(xtcp_probe_give_up(&p), "%s", "retries2 unanswered: abort");
	p.probes_out = 1;	/* the peer answers each probe */
	p.elapsed_ms = 3600000;
	CHECK(!xtcp_probe_give_up(&p), "%s",
	      "a peer that answers is probed for ever (RFC 1122 4.2.2.17)");
	p.user_timeout_ms = 3600001;
	CHECK(!xtcp_probe_give_up(&p), "%s", "before TCP_USER_TIMEOUT");
	p.user_timeout_ms = 3600000;
	CHECK(xtcp_probe_give_up(&p), "%s", "TCP_USER_TIMEOUT, even answered");
	p.user_timeout_ms = 1000;
	p.elapsed_ms = 0;
	CHECK(!xtcp_probe_give_up(&p), "%s", "the first probe's own timer");

	p = (struct xtcp_probe_state){ .rto_us = 200000, .retries2 = 15,
				       .orphan_retries = 8, .orphan = true };
	p.probes_out = 7;
	p.backoff = 7;
	CHECK(!xtcp_probe_give_up(&p), "%s", "orphan: 7 of 8");
	p.probes_out = 8;
	CHECK(xtcp_probe_give_up(&p), "%s", "orphan: orphan_retries");
	p.probes_out = 1;
	p.backoff = 9;		/* 200 ms << 9 = 102 s: still below 120 s */
	CHECK(!xtcp_probe_give_up(&p), "%s", "orphan, answered, not at max");
	p.backoff = 10;		/* 204.8 s: the RTO is at its maximum */
	CHECK(xtcp_probe_give_up(&p), "%s", "orphan backed off to RTO_MAX");
	p.orphan = false;
	CHECK(!xtcp_probe_give_up(&p), "%s", "a user's socket: not then");
}

/* Linux's wider acceptability test. */
TEST(seq_window_ok)
{
	/* Window [1000, 2000), rcv_wup 1000. */
	CHECK(xtcp_seq_window_ok(1000, 1000, 1000, 2000), "%s", "ACK at RCV.NXT");
	CHECK(xtcp_seq_window_ok(2000, 2000, 1000, 2000), "%s", "ACK at the edge");
	CHECK(!xtcp_seq_window_ok(2001, 2001, 1000, 2000), "%s", "past the edge");
	CHECK(!xtcp_seq_window_ok(999, 999, 1000, 2000), "%s", "before rcv_wup");
	CHECK(xtcp_seq_window_ok(900, 1000, 1000, 2000), "%s", "old, reaching wup");
	CHECK(!xtcp_seq_window_ok(900, 999, 1000, 2000), "%s", "old duplicate");
	CHECK(xtcp_seq_window_ok(1500, 2500, 1000, 2000), "%s", "runs over the edge");
	CHECK(xtcp_seq_window_ok(900, 2500, 1000, 2000), "%s", "covers the window");
	/* Zero window: only at RCV.NXT. */
	CHECK(xtcp_seq_window_ok(1000, 1000, 1000, 1000), "%s", "zero window ACK");
	CHECK(xtcp_seq_window_ok(1000, 1100, 1000, 1000), "%s", "data, to trim");
	CHECK(!xtcp_seq_window_ok(1001, 1001, 1000, 1000), "%s", "beyond zero window");
	/* Across the wrap. */
	CHECK(xtcp_seq_window_ok(5, 5, 0xfffffff0U, 0x10), "%s", "wrapped");
	CHECK(!xtcp_seq_window_ok(0x11, 0x11, 0xfffffff0U, 0x10), "%s", "wrapped, past");
}

/* One line per test; a test passes when none of its checks failed. */

TEST_HARNESS_MAIN
