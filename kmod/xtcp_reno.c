// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: NewReno congestion control arithmetic.
 *
 * Only computation: the module calls these with values from the socket
 * and the segment and acts on the answer, and kmod/test/ compiles this
 * file in user space to test every rule under sanitizers.
 */
#include "xtcp_reno.h"

static void xtcp_cong_init(struct xtcp_cong *c)
{
	c->cwnd = XTCP_INIT_CWND;
	c->ssthresh = XTCP_INFINITE_SSTHRESH;
	c->cwnd_cnt = 0;
}

/* cwnd + n, stopping at the largest u32 rather than wrapping to 0. */
static u32 xtcp_cwnd_add(u32 cwnd, u64 n)
{
	u64 sum = cwnd + n;

	return sum > 0xffffffffU ? 0xffffffffU : (u32)sum;
}

static void xtcp_cong_on_ack(struct xtcp_cong *c, u32 acked_segs)
{
	u32 w, step;
	u64 cnt, delta;

	/* Slow start: one more segment per segment acknowledged. */
	if (c->cwnd < c->ssthresh) {
		step = c->ssthresh - c->cwnd;
		if (step > acked_segs)
			step = acked_segs;
		c->cwnd += step;
		acked_segs -= step;
	}
	if (!acked_segs)
		return;

	/*
	 * Congestion avoidance: one more segment per window of segments
	 * acknowledged, about one per round trip.  cwnd_cnt counts towards
	 * the next increase; a stretch ACK may earn several at once.
	 */
	w = c->cwnd ? c->cwnd : 1;
	if (c->cwnd_cnt >= w) {
		/* cwnd shrank under a count earned against a larger one. */
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

/* RFC 5681 (4): half of what is in flight, but at least 2 segments. */
static u32 xtcp_loss_ssthresh(u32 in_flight_segs)
{
	u32 half = in_flight_segs / 2;

	return half > 2 ? half : 2;
}

static u32 xtcp_reno_ssthresh(const struct xtcp_cong *c, u32 in_flight_segs)
{
	(void)c;	/* Reno looks only at the flight; CUBIC needs more. */
	return xtcp_loss_ssthresh(in_flight_segs);
}

const struct xtcp_cong_ops xtcp_cong_reno = {
	.name		= "reno",
	.init		= xtcp_cong_init,
	.on_ack		= xtcp_cong_on_ack,
	.ssthresh	= xtcp_reno_ssthresh,
};

void xtcp_cong_recovery_enter(const struct xtcp_cong_ops *ops,
			      struct xtcp_cong *c, u32 in_flight_segs)
{
	c->ssthresh = ops->ssthresh(c, in_flight_segs);
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

void xtcp_cong_timeout(const struct xtcp_cong_ops *ops, struct xtcp_cong *c,
		       u32 in_flight_segs)
{
	c->ssthresh = ops->ssthresh(c, in_flight_segs);
	c->cwnd = 1;
	c->cwnd_cnt = 0;
}
