// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of NewReno congestion control (kmod/xtcp_reno.c).
 */
#include "logic_test.h"

/* Reno looks at no clock. */
static const struct xtcp_cong_ctx ctx0;

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

	xtcp_cong_reno.init(&c, &ctx0);
	CHECK_CONG(&c, 10, 0x7fffffffU, 0, "init");
	CHECK_EQ(XTCP_INIT_CWND, 10, "constant");

	for (i = 0; i < ARRAY_LEN(t); i++) {
		c.cwnd = t[i].cwnd;
		c.ssthresh = t[i].ssthresh;
		c.cwnd_cnt = t[i].cnt;
		xtcp_cong_reno.on_ack(&c, t[i].acked, &ctx0);
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
		xtcp_cong_reno.init(&c, &ctx0);
		c.cwnd = 40;
		c.cwnd_cnt = 7;
		CHECK_EQ(xtcp_cong_reno.ssthresh(&c, t[i].in_flight),
			 t[i].ssthresh, "loss: in flight %u", t[i].in_flight);
		xtcp_cong_recovery_enter(&xtcp_cong_reno, &c, t[i].in_flight);
		CHECK_CONG(&c, t[i].ssthresh + 3 < t[i].ssthresh ? 0xffffffffU :
			   t[i].ssthresh + 3, t[i].ssthresh, 0,
			   "fast retransmit (NewReno)");

		xtcp_cong_reno.init(&c, &ctx0);
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

	xtcp_cong_reno.init(&c, &ctx0);
	xtcp_cong_reno.on_ack(&c, 10, &ctx0);		/* one RTT of slow start */
	CHECK_CONG(&c, 20, 0x7fffffffU, 0, "slow start");
	xtcp_cong_reno.on_ack(&c, 20, &ctx0);
	CHECK_CONG(&c, 40, 0x7fffffffU, 0, "slow start");
	/* Three dup ACKs, NewReno: the window inflated by them... */
	xtcp_cong_recovery_enter(&xtcp_cong_reno, &c, 40);
	CHECK_CONG(&c, 23, 20, 0, "fast retransmit");
	/* ...and deflated when the recovery's data is acknowledged. */
	xtcp_cong_recovery_exit(&c, 39);
	CHECK_CONG(&c, 20, 20, 0, "fast recovery over");
	for (i = 0; i < 19; i++)
		xtcp_cong_reno.on_ack(&c, 1, &ctx0);
	CHECK_CONG(&c, 20, 20, 19, "avoidance");
	xtcp_cong_reno.on_ack(&c, 1, &ctx0);
	CHECK_CONG(&c, 21, 20, 0, "avoidance: +1 after a window");
	xtcp_cong_timeout(&xtcp_cong_reno, &c, 21);	/* timeout */
	CHECK_CONG(&c, 1, 10, 0, "rto");
	xtcp_cong_reno.on_ack(&c, 1, &ctx0);
	xtcp_cong_reno.on_ack(&c, 2, &ctx0);
	xtcp_cong_reno.on_ack(&c, 4, &ctx0);
	CHECK_CONG(&c, 8, 10, 0, "slow start again");
	xtcp_cong_reno.on_ack(&c, 8, &ctx0);		/* 2 to reach 10, 6 to CA */
	CHECK_CONG(&c, 10, 10, 6, "into avoidance");
	xtcp_cong_reno.on_ack(&c, 4, &ctx0);
	CHECK_CONG(&c, 11, 10, 0, "avoidance");
}

TEST(cong_recovery)
{
	const struct xtcp_cong_ops *ops = &xtcp_cong_reno;
	struct xtcp_cong c;

	CHECK(!strcmp(ops->name, "reno"), "%s", "name");
	ops->init(&c, &ctx0);
	CHECK_EQ(c.cwnd, 10, "%s", "initial window");
	ops->on_ack(&c, 10, &ctx0);
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

	/* Recovery after an ECN reduction keeps its ssthresh. */
	c.ssthresh = 14;
	c.cwnd = 17;
	c.cwnd_cnt = 5;
	xtcp_cong_recovery_inflate(&c);
	CHECK_CONG(&c, 17, 14, 0, "ssthresh + 3, no second reduction");
}

TEST(restart_after_idle)
{
	struct xtcp_cong c = { .cwnd = 40, .ssthresh = XTCP_INFINITE_SSTHRESH };

	/* Idle just over one RTO: half; ssthresh stays infinite. */
	xtcp_cong_restart_after_idle(&c, 301, 300, false);
	CHECK_EQ(c.cwnd, 20, "%s", "one RTO: halved");
	CHECK_EQ(c.ssthresh, XTCP_INFINITE_SSTHRESH, "%s", "ssthresh kept");
	/* Exactly two RTOs: still one halving (more than, not as much). */
	c.cwnd = 40;
	c.ssthresh = 8;
	xtcp_cong_restart_after_idle(&c, 600, 300, false);
	CHECK_EQ(c.cwnd, 20, "%s", "two RTOs exactly: halved once");
	CHECK_EQ(c.ssthresh, 30, "%s", "ssthresh: three quarters of 40");
	/* Long idle: down to the initial window, no further. */
	c.cwnd = 40;
	xtcp_cong_restart_after_idle(&c, 100000, 300, false);
	CHECK_EQ(c.cwnd, 10, "%s", "long idle: initial window");
	/* A window below the initial one is not raised. */
	c.cwnd = 4;
	c.ssthresh = 2;
	xtcp_cong_restart_after_idle(&c, 100000, 300, false);
	CHECK_EQ(c.cwnd, 4, "%s", "small window kept");
	CHECK_EQ(c.ssthresh, 3, "%s", "ssthresh: three quarters of 4");
	/* During a reduction ssthresh is already where it must be. */
	c.cwnd = 30;
	c.ssthresh = 15;
	xtcp_cong_restart_after_idle(&c, 650, 300, true);
	CHECK_EQ(c.cwnd, 10, "%s", "30 -> 15 -> 7, floored at 10");
	CHECK_EQ(c.ssthresh, 15, "%s", "reducing: ssthresh kept");
	/* 33 halves to 16 then stops above 10: 16 -> 8 would pass it. */
	c.cwnd = 33;
	xtcp_cong_restart_after_idle(&c, 650, 300, true);
	CHECK_EQ(c.cwnd, 10, "%s", "33 -> 16 -> 8, floored at 10");
}

TEST(cwnd_may_grow)
{
	struct xtcp_cong c = { .cwnd = 100, .ssthresh = 0x7fffffffU };

	/* Held by cwnd when it last sent: always. */
	CHECK_EQ(xtcp_cwnd_may_grow(&c, true, 0), true, "%s", "cwnd-limited");
	/* Slow start: while cwnd is less than twice what is in flight. */
	CHECK_EQ(xtcp_cwnd_may_grow(&c, false, 51), true, "%s", "51 of 100");
	CHECK_EQ(xtcp_cwnd_may_grow(&c, false, 50), false, "%s", "50 of 100");
	CHECK_EQ(xtcp_cwnd_may_grow(&c, false, 0), false, "%s", "idle");
	/* Congestion avoidance: only when cwnd held the sender. */
	c.ssthresh = 100;
	CHECK_EQ(xtcp_cwnd_may_grow(&c, false, 99), false, "%s",
		 "avoidance, 99 of 100, not held");
	CHECK_EQ(xtcp_cwnd_may_grow(&c, true, 99), true, "%s",
		 "avoidance, held");
	/* Twice a huge flight does not wrap. */
	c.cwnd = 0xfffffff0U;
	c.ssthresh = 0xffffffffU;
	CHECK_EQ(xtcp_cwnd_may_grow(&c, false, 0x80000000U), true, "%s",
		 "2 * 2^31 > cwnd");
}

TEST_HARNESS_MAIN
