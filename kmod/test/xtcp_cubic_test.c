// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of CUBIC and HyStart (kmod/xtcp_cubic.c).
 */
#include "logic_test.h"

static const struct xtcp_cong_ops *const cubic = &xtcp_cong_cubic;

/* The curve @t_ms into an epoch that began at @cwnd0 below @w_max. */
static u32 curve_at(u32 w_max, u32 cwnd0, u32 t_ms)
{
	return xtcp_cubic_curve(w_max > cwnd0 ? w_max : cwnd0,
				xtcp_cubic_k(w_max, cwnd0),
				((u64)t_ms << 10) / 1000);
}

TEST(cbrt_exact)
{
	static const u64 v[] = {
		0, 1, 2, 7, 8, 9, 26, 27, 28, 63, 64, 1000, 999999,
		1ULL << 30, (1ULL << 30) + 1, 12345678901234ULL,
		(1ULL << 62) + 12345, 0xffffffffffffffffULL,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		u64 x = xtcp_cbrt(v[i]);

		CHECK(x * x * x <= v[i], "cbrt(%llu) = %llu too big", v[i], x);
		CHECK((x + 1) * (x + 1) * (x + 1) > v[i] || x == 2642245,
		      "cbrt(%llu) = %llu too small", v[i], x);
	}
}

/* W(t) = 0.4 (t - K)^3 + W_max: from 70 back to 100 takes K = 4.217 s. */
TEST(curve)
{
	/* K is rounded down: at t = 0 the curve is a hair above 70. */
	CHECK(curve_at(100, 70, 0) >= 70 &&
	      curve_at(100, 70, 0) <= 71, "%s", "t = 0");
	CHECK_EQ(curve_at(100, 70, 4217), 100, "%s", "t = K");
	CHECK_EQ(curve_at(100, 70, 3000), 100, "%s", "flat near W_max");
	CHECK_EQ(curve_at(100, 70, 1000), 87, "%s",
		 "100 - 0.4 * 3.217^3, rounded up");
	CHECK_EQ(curve_at(100, 70, 8434), 130, "%s", "t = 2K");
	/* No reduction below W_max (first epoch): convex from the start. */
	CHECK_EQ(curve_at(0, 50, 0), 50, "%s", "no W_max");
	CHECK_EQ(curve_at(0, 50, 5000), 100, "%s", "0.4 * 5^3 more");
	/* Hours later the growth is capped, not wrapped. */
	CHECK(curve_at(100, 70, 36000000) > 1000000, "%s",
	      "far future");
}

/* Multiplicative decrease 0.7, and fast convergence below W_max. */
TEST(ssthresh)
{
	struct xtcp_cong_ctx ctx = { .now_us = 1, .now_ms = 1 };
	struct xtcp_cong c;

	cubic->init(&c, &ctx);
	CHECK(!strcmp(cubic->name, "cubic"), "%s", "name");
	CHECK_EQ(c.cwnd, 10, "%s", "initial window");
	CHECK_EQ(c.ssthresh, XTCP_INFINITE_SSTHRESH, "%s", "initial ssthresh");
	c.cwnd = 100;
	CHECK_EQ(cubic->ssthresh(&c, 3), 70, "%s", "100 * 717 / 1024");
	CHECK_EQ(c.ca.cubic.w_max, 100, "%s", "W_max is the window lost at");
	c.cwnd = 80;
	CHECK_EQ(cubic->ssthresh(&c, 80), 56, "%s", "80 * 0.7");
	CHECK_EQ(c.ca.cubic.w_max, 68, "%s", "fast convergence: 80 * 0.85");
	c.cwnd = 2;
	CHECK_EQ(cubic->ssthresh(&c, 2), 2, "%s", "at least 2");
}

/*
 * One simulated round trip: @rtt_ms later, a window of ACKs, one each,
 * while the sender fills the window (cwnd limited).
 */
static void round_trip(struct xtcp_cong *c, struct xtcp_cong_ctx *ctx,
		       u32 rtt_ms)
{
	u32 i, n = c->cwnd;

	ctx->now_ms += rtt_ms;
	ctx->now_us += rtt_ms * 1000;
	for (i = 0; i < n; i++)
		cubic->on_ack(c, 1, ctx);
}

/*
 * After a loss from 100 the window follows the curve: back near 100
 * after K = 4.2 s and flat there, well past it after 2K; not Reno's one
 * segment per round trip (which would be at 112 after 42 RTTs of 100 ms).
 */
TEST(growth_follows_curve)
{
	struct xtcp_cong_ctx ctx = { .now_us = 1000, .now_ms = 1 };
	struct xtcp_cong c;
	int i;

	cubic->init(&c, &ctx);
	cubic->on_rtt(&c, 100000, &ctx);	/* delay_min 100 ms */
	c.cwnd = 100;
	c.ssthresh = cubic->ssthresh(&c, 100);
	c.cwnd = c.ssthresh;
	for (i = 0; i < 42; i++)
		round_trip(&c, &ctx, 100);
	CHECK(c.cwnd >= 96 && c.cwnd <= 103, "cwnd %u after K", c.cwnd);
	for (i = 0; i < 10; i++)
		round_trip(&c, &ctx, 100);
	CHECK(c.cwnd >= 97 && c.cwnd <= 106, "cwnd %u: flat past K", c.cwnd);
	for (i = 0; i < 32; i++)
		round_trip(&c, &ctx, 100);
	CHECK(c.cwnd >= 120, "cwnd %u: probing after 2K", c.cwnd);
}

/*
 * With a 1 ms RTT the curve is slower than Reno would be: the window
 * grows by Reno's estimate, about 0.53 segments per round trip.
 */
TEST(reno_friendly)
{
	struct xtcp_cong_ctx ctx = { .now_us = 1000, .now_ms = 1 };
	struct xtcp_cong c;
	int i;

	cubic->init(&c, &ctx);
	cubic->on_rtt(&c, 1000, &ctx);
	c.cwnd = 30;
	c.ssthresh = cubic->ssthresh(&c, 30);
	c.cwnd = c.ssthresh;
	for (i = 0; i < 200; i++)
		round_trip(&c, &ctx, 1);
	CHECK(c.cwnd >= 20 + 90 && c.cwnd <= 20 + 120,
	      "cwnd %u after 200 RTTs of 1 ms", c.cwnd);
}

/* A timeout forgets the curve, the RTT floor and HyStart's verdict. */
TEST(timeout_resets)
{
	struct xtcp_cong_ctx ctx = { .now_us = 1000, .now_ms = 1 };
	struct xtcp_cong c;

	cubic->init(&c, &ctx);
	cubic->on_rtt(&c, 5000, &ctx);
	c.cwnd = 50;
	cubic->ssthresh(&c, 50);
	CHECK_EQ(c.ca.cubic.delay_min_us, 5000, "%s", "delay_min");
	cubic->on_timeout(&c, &ctx);
	CHECK_EQ(c.ca.cubic.w_max, 0, "%s", "W_max gone");
	CHECK_EQ(c.ca.cubic.delay_min_us, 0, "%s", "delay_min gone");
	CHECK_EQ(c.ca.cubic.epoch_ms, 0, "%s", "no epoch");
}

/* Idle time does not count as time on the curve. */
TEST(restart_shifts_epoch)
{
	struct xtcp_cong_ctx ctx = { .now_us = 1000, .now_ms = 1000 };
	struct xtcp_cong c;

	cubic->init(&c, &ctx);
	c.cwnd = 40;
	c.ssthresh = cubic->ssthresh(&c, 40);
	c.cwnd = c.ssthresh;
	cubic->on_ack(&c, 1, &ctx);
	CHECK_EQ(c.ca.cubic.epoch_ms, 1000, "%s", "epoch began");
	ctx.now_ms = 3000;
	cubic->on_restart(&c, 1500, &ctx);
	CHECK_EQ(c.ca.cubic.epoch_ms, 2500, "%s", "shifted by the idle time");
	cubic->on_restart(&c, 5000, &ctx);
	CHECK_EQ(c.ca.cubic.epoch_ms, 3000, "%s", "never into the future");
}

/*
 * HyStart's delay detector: once a round's smallest RTT (of 8 samples or
 * more) exceeds the minimum by max(4 ms, min / 8), slow start ends at the
 * current window.  Below a window of 16 it does not look.
 */
TEST(hystart_delay)
{
	struct xtcp_cong_ctx ctx = { .now_us = 1000, .now_ms = 1,
				     .snd_una = 0, .snd_nxt = 100 };
	struct xtcp_cong c;
	int i;

	cubic->init(&c, &ctx);
	c.cwnd = 16;
	for (i = 0; i < 20; i++) {
		ctx.now_us += 5000;	/* ACKs 5 ms apart: no train */
		CHECK_EQ(cubic->on_rtt(&c, 10000, &ctx), XTCP_HYSTART_NONE,
			 "%s", "steady RTT");
	}
	/* A new round: everything of the last one is ACKed. */
	ctx.snd_una = 101;
	ctx.snd_nxt = 200;
	for (i = 0; i < 8; i++) {
		ctx.now_us += 5000;
		CHECK_EQ(cubic->on_rtt(&c, 15000, &ctx), XTCP_HYSTART_NONE,
			 "sample %d of the round", i);
	}
	ctx.now_us += 5000;
	CHECK_EQ(cubic->on_rtt(&c, 15000, &ctx), XTCP_HYSTART_DELAY, "%s",
		 "RTT 5 ms over a 10 ms minimum");
	CHECK_EQ(c.ssthresh, 16, "%s", "slow start ends here");
	CHECK_EQ(c.ca.cubic.found, 1, "%s", "found");
	ctx.now_us += 5000;
	CHECK_EQ(cubic->on_rtt(&c, 50000, &ctx), XTCP_HYSTART_NONE, "%s",
		 "once");
}

/*
 * HyStart's ACK train: ACKs no more than 2 ms apart that keep coming for
 * over half the minimum RTT since the round began.
 */
TEST(hystart_train)
{
	struct xtcp_cong_ctx ctx = { .now_us = 1000, .now_ms = 1,
				     .snd_una = 0, .snd_nxt = 100 };
	struct xtcp_cong c;
	int i;

	cubic->init(&c, &ctx);
	c.cwnd = 32;
	ctx.now_us += 10000;
	cubic->on_rtt(&c, 10000, &ctx);		/* delay_min 10 ms */
	ctx.snd_una = 101;			/* a new round begins */
	ctx.snd_nxt = 300;
	cubic->on_rtt(&c, 10000, &ctx);
	for (i = 1; i <= 5; i++) {
		ctx.now_us += 1000;
		CHECK_EQ(cubic->on_rtt(&c, 10000, &ctx), XTCP_HYSTART_NONE,
			 "train %d ms long", i);
	}
	ctx.now_us += 1000;
	CHECK_EQ(cubic->on_rtt(&c, 10000, &ctx), XTCP_HYSTART_TRAIN, "%s",
		 "6 ms > 10 ms / 2");
	CHECK_EQ(c.ssthresh, 32, "%s", "slow start ends here");

	/* Small windows are left alone. */
	cubic->init(&c, &ctx);
	c.cwnd = 15;
	cubic->on_rtt(&c, 10000, &ctx);
	for (i = 0; i < 20; i++) {
		ctx.now_us += 1000;
		CHECK_EQ(cubic->on_rtt(&c, 30000, &ctx), XTCP_HYSTART_NONE,
			 "%s", "below 16 segments");
	}
}

/* RTT samples in the second after a reduction are not taken. */
TEST(samples_after_reduction)
{
	struct xtcp_cong_ctx ctx = { .now_us = 1000, .now_ms = 1000 };
	struct xtcp_cong c;

	cubic->init(&c, &ctx);
	cubic->on_rtt(&c, 20000, &ctx);
	c.cwnd = 40;
	c.ssthresh = cubic->ssthresh(&c, 40);
	c.cwnd = c.ssthresh;
	cubic->on_ack(&c, 1, &ctx);		/* the epoch begins */
	ctx.now_ms += 500;
	cubic->on_rtt(&c, 5000, &ctx);
	CHECK_EQ(c.ca.cubic.delay_min_us, 20000, "%s", "ignored");
	ctx.now_ms += 600;
	cubic->on_rtt(&c, 5000, &ctx);
	CHECK_EQ(c.ca.cubic.delay_min_us, 5000, "%s", "taken");
}

/*
 * HyStart's round and the curve's epoch share space.  A slow start after
 * the curve ran (a recovery that ended below ssthresh) begins a new round
 * instead of reading the curve's numbers as one: no false ACK train.
 * And the curve, begun after a HyStart round, starts from its own state.
 */
TEST(round_and_curve_share)
{
	struct xtcp_cong_ctx ctx = { .now_us = 1000000, .now_ms = 1000,
				     .snd_una = 1000, .snd_nxt = 2000 };
	struct xtcp_cong c;
	int i;

	cubic->init(&c, &ctx);
	c.cwnd = 20;
	cubic->on_rtt(&c, 10000, &ctx);		/* delay_min 10 ms */
	c.ssthresh = cubic->ssthresh(&c, 20);	/* a loss: 14 */
	c.cwnd = c.ssthresh;
	ctx.now_ms += 2000;
	ctx.now_us += 2000000;
	cubic->on_ack(&c, 1, &ctx);		/* the epoch begins */
	CHECK_EQ(c.ca.cubic.origin, 20, "%s", "plateau at W_max");
	CHECK_EQ(c.ca.cubic.w_est, 14, "%s", "Reno's estimate from cwnd");
	CHECK_EQ(c.ca.cubic.round_live, 0, "%s", "the round is gone");

	/* Another loss; recovery ends below ssthresh: slow start. */
	c.cwnd = 30;
	c.ssthresh = cubic->ssthresh(&c, 30);	/* 21 */
	c.cwnd = 17;
	ctx.now_ms += 2000;
	ctx.now_us += 2000000;
	for (i = 0; i < 8; i++) {
		ctx.now_us += 500;	/* a close train, just begun */
		CHECK_EQ(cubic->on_rtt(&c, 10000, &ctx), XTCP_HYSTART_NONE,
			 "sample %d", i);
	}
	CHECK_EQ(c.ca.cubic.found, 0, "%s", "slow start goes on");
	CHECK_EQ(c.ca.cubic.round_live, 1, "%s", "a new round");
	CHECK_EQ(c.ca.cubic.round_start_us, ctx.now_us - 3500, "%s",
		 "it began at the first sample");
}

TEST_HARNESS_MAIN
