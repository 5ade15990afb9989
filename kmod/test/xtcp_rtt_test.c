// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the RTO estimator and when probing gives up (kmod/xtcp_rtt.c).
 */
#include "logic_test.h"

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
		CHECK(xtcp_rtt_has_sample(&e), "%s step %u", name, i);
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
	CHECK(!xtcp_rtt_has_sample(&e), "init");
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
	CHECK(!xtcp_rtt_has_sample(&e), "re-init");
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

TEST(rto_user_clamp)
{
	CHECK_EQ(xtcp_rto_user_clamp(1200000, 0, 900), 1200000U, "%s",
		 "no user timeout");
	/* RTO 300 ms doubled twice; 1 s timeout, first resent at 0.3 s. */
	CHECK_EQ(xtcp_rto_user_clamp(1200000, 1000, 600), 400000U, "%s",
		 "cut to the 400 ms left");
	CHECK_EQ(xtcp_rto_user_clamp(300000, 1000, 100), 300000U, "%s",
		 "the RTO ends first");
	CHECK_EQ(xtcp_rto_user_clamp(300000, 1000, 1000), 1U, "%s",
		 "passed: at once");
	CHECK_EQ(xtcp_rto_user_clamp(300000, 1000, 5000), 1U, "%s",
		 "long passed: at once");
	/* The largest TCP_USER_TIMEOUT does not overflow. */
	CHECK_EQ(xtcp_rto_user_clamp(120000000, 0x7fffffff, 0), 120000000U,
		 "%s", "INT_MAX ms");
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

TEST_HARNESS_MAIN
