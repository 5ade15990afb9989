// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: CUBIC congestion control (RFC 9438) and hybrid slow
 * start, behaving as Linux's tcp_cubic.c.
 *
 * After a loss the window falls to 0.7 of what it was (W_max) and then
 * follows W(t) = C (t - K)^3 + W_max: fast at first, flat near W_max,
 * where the last loss happened, and faster again past it, probing for
 * more.  Time runs from the epoch, the first ACK after the reduction,
 * plus one minimum RTT (the window the ACK clock will need then).  Where
 * Reno would grow faster (short RTTs, small windows), the window follows
 * Reno's estimate instead (the Reno-friendly region, RFC 9438 4.3).
 *
 * Fixed point as Linux's: time in 1/1024 s, C = 410/1024, so that
 * (t - K)^3 fits 64 bits for any window below a million segments.
 */
#include "xtcp_reno.h"

/* C = 0.4, as 410 / 1024 (RFC 9438 4.2; Linux's bic_scale * 10). */
#define CUBIC_C_SCALED		410
/* Time unit of the curve: 1/1024 s. */
#define CUBIC_TIME_SHIFT	10
/* HyStart (Linux's defaults). */
#define HYSTART_ACK_DELTA_US	2000	/* ACKs this close form a train */
#define HYSTART_MIN_SAMPLES	8	/* RTT samples per round for delay */
#define HYSTART_DELAY_MIN_US	4000
#define HYSTART_DELAY_MAX_US	16000

u32 xtcp_cbrt(u64 a)
{
	u64 x, y;
	int bits = 0;

	if (a < 2)
		return (u32)a;
	while (bits < 64 && (a >> bits))
		bits++;
	/* 2^ceil(bits/3) is at or above the root: Newton's method from above. */
	x = 1ULL << ((bits + 2) / 3);
	for (;;) {
		y = (2 * x + a / (x * x)) / 3;
		if (y >= x)
			break;
		x = y;
	}
	/* Descending from above, x stops at floor(cbrt(a)) or one over. */
	while (x * x * x > a)
		x--;
	return (u32)x;
}

/*
 * K in 1/1024 s: the time the curve takes from @cwnd0 back to @w_max,
 * cbrt((w_max - cwnd0) / C).
 */
u32 xtcp_cubic_k(u32 w_max, u32 cwnd0)
{
	if (w_max <= cwnd0)
		return 0;
	/* (w_max - cwnd0) / C in (1/1024 s)^3: * 2^30 / (410 / 1024). */
	return xtcp_cbrt(((u64)(w_max - cwnd0) << (3 * CUBIC_TIME_SHIFT +
						   CUBIC_TIME_SHIFT)) /
			 CUBIC_C_SCALED);
}

/* W(t) for a curve with plateau @origin reached at @k; t in 1/1024 s. */
u32 xtcp_cubic_curve(u32 origin, u32 k, u64 t)
{
	u64 offs = t < k ? k - t : t - k;
	u64 delta;

	/* 256 s from the plateau is millions of segments: keep it 64-bit. */
	if (offs > 1ULL << 18)
		offs = 1ULL << 18;

	/* C (t - K)^3, the time unit cubed away. */
	delta = (CUBIC_C_SCALED * offs * offs * offs) >>
		(CUBIC_TIME_SHIFT + 3 * CUBIC_TIME_SHIFT);
	if (t < k)
		return delta < origin ? origin - (u32)delta : 0;
	return origin + delta > 0xffffffffULL ? 0xffffffffU :
						 origin + (u32)delta;
}

/*
 * A new round of HyStart: it ends when what is out now is ACKed.  Its
 * fields share space with the curve's: a curve still running (only
 * in slow start after an undo gave back an ssthresh above the window;
 * Linux keeps it) starts over at the next avoidance.
 */
static void hystart_reset(struct xtcp_cubic *ca,
			  const struct xtcp_cong_ctx *ctx)
{
	ca->epoch_ms = 0;
	ca->round_live = 1;
	ca->round_start_us = ctx->now_us;
	ca->last_ack_us = ctx->now_us;
	ca->round_end_seq = ctx->snd_nxt;
	ca->curr_rtt_us = ~0U;
	ca->sample_cnt = 0;
}

/* Forget the curve, the RTT floor and HyStart's verdict. */
static void cubic_reset(struct xtcp_cubic *ca, const struct xtcp_cong_ctx *ctx)
{
	memset(ca, 0, sizeof(*ca));
	hystart_reset(ca, ctx);
}

static void cubic_init(struct xtcp_cong *c, const struct xtcp_cong_ctx *ctx)
{
	xtcp_cong_reset_window(c);
	cubic_reset(&c->ca.cubic, ctx);
}

/*
 * How many segments must be ACKed for the window to grow by one, so that
 * it meets the curve a minimum RTT from now (RFC 9438 4.2-4.4).
 */
static u32 cubic_cnt(struct xtcp_cubic *ca, u32 cwnd, u32 acked,
		     const struct xtcp_cong_ctx *ctx)
{
	u32 target, cnt, per_segment;
	u64 t;

	if (!ca->epoch_ms) {
		/* The first ACK after a reduction starts the curve. */
		ca->round_live = 0;
		ca->epoch_ms = ctx->now_ms ? ctx->now_ms : 1;
		ca->ack_cnt = acked;
		ca->w_est = cwnd;
		ca->origin = ca->w_max > cwnd ? ca->w_max : cwnd;
		ca->k = xtcp_cubic_k(ca->w_max, cwnd);
	} else {
		ca->ack_cnt += acked;
	}
	t = (u64)(u32)(ctx->now_ms - ca->epoch_ms) * 1000 + ca->delay_min_us;
	t = (t << CUBIC_TIME_SHIFT) / 1000000;
	target = xtcp_cubic_curve(ca->origin, ca->k, t);
	if (target > cwnd)
		cnt = cwnd / (target - cwnd);
	else
		cnt = 100 * cwnd;	/* at or above the curve: barely grow */
	/* No loss seen yet: grow at least 5% per round trip. */
	if (!ca->w_max && cnt > 20)
		cnt = 20;

	/*
	 * Reno's window for the same ACKs, growing by alpha = 3 (1 - beta)
	 * / (1 + beta) segments per window ACKed (RFC 9438 4.3): one segment
	 * per cwnd * 1741 / 921 segments ACKed, with beta 717 / 1024.
	 */
	per_segment = (u32)(((u64)cwnd * (XTCP_CUBIC_BETA_SCALE +
					  XTCP_CUBIC_BETA)) /
			    (3 * (XTCP_CUBIC_BETA_SCALE - XTCP_CUBIC_BETA)));
	if (!per_segment)
		per_segment = 1;
	while (ca->ack_cnt > per_segment) {
		ca->ack_cnt -= per_segment;
		ca->w_est++;
	}
	if (ca->w_est > cwnd) {
		u32 reno_cnt = cwnd / (ca->w_est - cwnd);

		if (cnt > reno_cnt)
			cnt = reno_cnt;
	}
	/* At most one segment per two ACKed: 1.5 times per round trip. */
	return cnt > 2 ? cnt : 2;
}

static void cubic_on_ack(struct xtcp_cong *c, u32 acked_segs,
			 const struct xtcp_cong_ctx *ctx)
{
	struct xtcp_cubic *ca = &c->ca.cubic;

	acked_segs = xtcp_slow_start(c, acked_segs);
	if (!acked_segs)
		return;
	xtcp_cong_avoid_ai(c, cubic_cnt(ca, c->cwnd, acked_segs, ctx),
			   acked_segs);
}

/*
 * A loss: the curve starts over from 0.7 of the window, its plateau at
 * the window the loss cut short, or below it if the last plateau was
 * higher still (fast convergence, RFC 9438 4.7: another flow took a share).
 */
static u32 cubic_ssthresh(struct xtcp_cong *c, u32 in_flight_segs)
{
	struct xtcp_cubic *ca = &c->ca.cubic;
	u32 cwnd = c->cwnd, ssthresh;

	(void)in_flight_segs;	/* CUBIC reduces the window, as Linux's */
	ca->epoch_ms = 0;
	if (cwnd < ca->w_max)
		ca->w_max = (u32)(((u64)cwnd * (XTCP_CUBIC_BETA_SCALE +
						XTCP_CUBIC_BETA)) /
				  (2 * XTCP_CUBIC_BETA_SCALE));
	else
		ca->w_max = cwnd;
	ssthresh = (u32)(((u64)cwnd * XTCP_CUBIC_BETA) /
			 XTCP_CUBIC_BETA_SCALE);
	return ssthresh > 2 ? ssthresh : 2;
}

/* A retransmission timeout: everything learnt may be wrong; start over. */
static void cubic_on_timeout(struct xtcp_cong *c,
			     const struct xtcp_cong_ctx *ctx)
{
	cubic_reset(&c->ca.cubic, ctx);
}

/* Sending again after an idle spell: the curve does not run meanwhile. */
static void cubic_on_restart(struct xtcp_cong *c, u32 idle_ms,
			     const struct xtcp_cong_ctx *ctx)
{
	struct xtcp_cubic *ca = &c->ca.cubic;

	if (!ca->epoch_ms || !idle_ms)
		return;
	ca->epoch_ms += idle_ms;
	if (xtcp_seq_after(ca->epoch_ms, ctx->now_ms))
		ca->epoch_ms = ctx->now_ms;
	if (!ca->epoch_ms)
		ca->epoch_ms = 1;	/* 0 would end the curve */
}

/*
 * HyStart, per RTT sample in slow start from a window of 16: a round's
 * ACKs that keep coming closely spaced for over half the minimum RTT
 * (plus what segmentation offload delays them by) show that the window
 * fills the path; so does the round's smallest RTT rising by an eighth of
 * the minimum (clamped to 4..16 ms).  Either ends slow start at the
 * current window, before a loss has to.
 */
static enum xtcp_hystart_exit hystart_update(struct xtcp_cong *c, u32 rtt_us,
					     const struct xtcp_cong_ctx *ctx)
{
	struct xtcp_cubic *ca = &c->ca.cubic;
	u32 threshold, margin;

	/*
	 * A round ends when its last segment is ACKed; one the curve
	 * overwrote has long ended (Linux's stale end_seq says the same).
	 */
	if (!ca->round_live || xtcp_seq_after(ctx->snd_una, ca->round_end_seq))
		hystart_reset(ca, ctx);
	if (c->cwnd < XTCP_HYSTART_LOW_WINDOW)
		return XTCP_HYSTART_NONE;

	if ((s32)(ctx->now_us - ca->last_ack_us) <= HYSTART_ACK_DELTA_US) {
		ca->last_ack_us = ctx->now_us;
		/* Unpaced, a round's ACKs may spread over half the RTT. */
		threshold = (ca->delay_min_us + ctx->ack_delay_us) / 2;
		if ((s32)(ctx->now_us - ca->round_start_us) > (s32)threshold) {
			ca->found = 1;
			c->ssthresh = c->cwnd;
			return XTCP_HYSTART_TRAIN;
		}
	}

	if (ca->curr_rtt_us > rtt_us)
		ca->curr_rtt_us = rtt_us;
	if (ca->sample_cnt < HYSTART_MIN_SAMPLES) {
		ca->sample_cnt++;
		return XTCP_HYSTART_NONE;
	}
	margin = ca->delay_min_us / 8;
	if (margin < HYSTART_DELAY_MIN_US)
		margin = HYSTART_DELAY_MIN_US;
	if (margin > HYSTART_DELAY_MAX_US)
		margin = HYSTART_DELAY_MAX_US;
	if (ca->curr_rtt_us > ca->delay_min_us + margin) {
		ca->found = 1;
		c->ssthresh = c->cwnd;
		return XTCP_HYSTART_DELAY;
	}
	return XTCP_HYSTART_NONE;
}

static enum xtcp_hystart_exit cubic_on_rtt(struct xtcp_cong *c, u32 rtt_us,
					   const struct xtcp_cong_ctx *ctx)
{
	struct xtcp_cubic *ca = &c->ca.cubic;

	/* Samples right after a reduction still carry its queue. */
	if (ca->epoch_ms && (s32)(ctx->now_ms - ca->epoch_ms) < 1000)
		return XTCP_HYSTART_NONE;
	if (!rtt_us)
		rtt_us = 1;
	if (!ca->delay_min_us || ca->delay_min_us > rtt_us)
		ca->delay_min_us = rtt_us;
	if (ca->found || c->cwnd >= c->ssthresh)
		return XTCP_HYSTART_NONE;
	return hystart_update(c, rtt_us, ctx);
}

const struct xtcp_cong_ops xtcp_cong_cubic = {
	.name		= "cubic",
	.init		= cubic_init,
	.on_ack		= cubic_on_ack,
	.ssthresh	= cubic_ssthresh,
	.on_rtt		= cubic_on_rtt,
	.on_timeout	= cubic_on_timeout,
	.on_restart	= cubic_on_restart,
};
