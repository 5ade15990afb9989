// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: NewReno congestion control arithmetic.
 *
 * Only computation: the module calls these with values from the socket
 * and the segment and acts on the answer, and kmod/test/ compiles this
 * file in user space to test every rule under sanitizers.
 */
#include "xtcp_reno.h"

void xtcp_cong_reset_window(struct xtcp_cong *c)
{
	c->cwnd = XTCP_INIT_CWND;
	c->ssthresh = XTCP_INFINITE_SSTHRESH;
	c->cwnd_cnt = 0;
}

static void xtcp_reno_init(struct xtcp_cong *c, const struct xtcp_cong_ctx *ctx)
{
	(void)ctx;
	xtcp_cong_reset_window(c);
}

/* cwnd + n, stopping at the largest u32 rather than wrapping to 0. */
static u32 xtcp_cwnd_add(u32 cwnd, u64 n)
{
	u64 sum = cwnd + n;

	return sum > 0xffffffffU ? 0xffffffffU : (u32)sum;
}

bool xtcp_cwnd_may_grow(const struct xtcp_cong *c, bool cwnd_limited,
			u32 packets_out)
{
	if (cwnd_limited)
		return true;
	return c->cwnd < c->ssthresh && c->cwnd < 2 * (u64)packets_out;
}

u32 xtcp_slow_start(struct xtcp_cong *c, u32 acked_segs)
{
	u32 step;

	/* One more segment per segment acknowledged. */
	if (c->cwnd < c->ssthresh) {
		step = c->ssthresh - c->cwnd;
		if (step > acked_segs)
			step = acked_segs;
		c->cwnd += step;
		acked_segs -= step;
	}
	return acked_segs;
}

void xtcp_cong_avoid_ai(struct xtcp_cong *c, u32 w, u32 acked_segs)
{
	u64 cnt, delta;

	/*
	 * cwnd_cnt counts towards the next increase; a stretch ACK may
	 * earn several at once.
	 */
	if (!w)
		w = 1;
	if (c->cwnd_cnt >= w) {
		/* The count was earned against a larger w. */
		c->cwnd_cnt = 0;
		c->cwnd = xtcp_cwnd_add(c->cwnd, 1);
	}
	cnt = (u64)c->cwnd_cnt + acked_segs;
	if (cnt >= w) {
		delta = cnt / w;
		cnt -= delta * w;
		c->cwnd = xtcp_cwnd_add(c->cwnd, delta);
	}
	c->cwnd_cnt = (u32)cnt;
}

static void xtcp_reno_on_ack(struct xtcp_cong *c, u32 acked_segs,
			     const struct xtcp_cong_ctx *ctx)
{
	(void)ctx;
	acked_segs = xtcp_slow_start(c, acked_segs);
	/*
	 * Congestion avoidance: one more segment per window of segments
	 * acknowledged, about one per round trip.
	 */
	if (acked_segs)
		xtcp_cong_avoid_ai(c, c->cwnd, acked_segs);
}

/* RFC 5681 (4): half of what is in flight, but at least 2 segments. */
static u32 xtcp_loss_ssthresh(u32 in_flight_segs)
{
	u32 half = in_flight_segs / 2;

	return half > 2 ? half : 2;
}

static u32 xtcp_reno_ssthresh(struct xtcp_cong *c, u32 in_flight_segs)
{
	(void)c;	/* Reno looks only at the flight; CUBIC needs more. */
	return xtcp_loss_ssthresh(in_flight_segs);
}

const struct xtcp_cong_ops xtcp_cong_reno = {
	.name		= "reno",
	.init		= xtcp_reno_init,
	.on_ack		= xtcp_reno_on_ack,
	.ssthresh	= xtcp_reno_ssthresh,
};

void xtcp_cong_recovery_enter(const struct xtcp_cong_ops *ops,
			      struct xtcp_cong *c, u32 in_flight_segs)
{
	c->ssthresh = ops->ssthresh(c, in_flight_segs);
	c->cwnd = xtcp_cwnd_add(c->ssthresh, 3);
	c->cwnd_cnt = 0;
}

void xtcp_cong_recovery_inflate(struct xtcp_cong *c)
{
	c->cwnd = xtcp_cwnd_add(c->ssthresh, 3);
	c->cwnd_cnt = 0;
}

void xtcp_cong_recovery_dupack(struct xtcp_cong *c)
{
	c->cwnd = xtcp_cwnd_add(c->cwnd, 1);
}

void xtcp_cong_recovery_partial(struct xtcp_cong *c, u32 acked_segs)
{
	c->cwnd = (c->cwnd > acked_segs ? c->cwnd - acked_segs : 0) + 1;
}

void xtcp_cong_recovery_exit(struct xtcp_cong *c, u32 in_flight_segs)
{
	u32 w = (in_flight_segs ? in_flight_segs : 1) + 1;

	c->cwnd = w < c->ssthresh ? w : c->ssthresh;
	c->cwnd_cnt = 0;
}

void xtcp_cong_restart_after_idle(struct xtcp_cong *c, u32 idle, u32 rto,
				  bool reducing)
{
	u32 restart = c->cwnd < XTCP_INIT_CWND ? c->cwnd : XTCP_INIT_CWND;
	u32 cwnd = c->cwnd, three_quarters = (cwnd >> 1) + (cwnd >> 2);

	if (!reducing && c->ssthresh < three_quarters)
		c->ssthresh = three_quarters;
	while (idle > rto && cwnd > restart) {
		idle -= rto;
		cwnd >>= 1;
	}
	c->cwnd = cwnd > restart ? cwnd : restart;
}

void xtcp_cong_timeout(const struct xtcp_cong_ops *ops, struct xtcp_cong *c,
		       u32 in_flight_segs)
{
	c->ssthresh = ops->ssthresh(c, in_flight_segs);
	c->cwnd = 1;
	c->cwnd_cnt = 0;
}
