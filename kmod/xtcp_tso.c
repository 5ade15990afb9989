// SPDX-License-Identifier: GPL-2.0
/*
 * Super-segments: sizing and cutting (xtcp_tso.h).  Pure logic.
 */
#include "xtcp_tso.h"

u32 xtcp_size_goal_segs(u32 mss, u32 gso_max_size, u32 header_room,
			u32 gso_max_segs, u32 max_window)
{
	u32 bytes = gso_max_size > header_room ? gso_max_size - header_room :
						 0;
	u32 segs;

	/*
	 * Half the peer's largest window, all of it when that is tiny: the
	 * bound of the MSS (the 68-byte floor, which needs the header's
	 * length, matters only below any real MSS).
	 */
	bytes = xtcp_bound_to_half_wnd(bytes, max_window, 0);
	segs = mss ? bytes / mss : 1;
	if (segs > gso_max_segs)
		segs = gso_max_segs;
	return segs ? segs : 1;
}

u32 xtcp_tso_autosize(u32 mss, u32 cwnd, u32 ssthresh, u32 srtt_us,
		      u32 min_rtt_us, u32 gso_max_size, u32 gso_max_segs)
{
	u64 bytes = gso_max_size;
	u32 r, segs;

	if (srtt_us) {
		/* The pacing rate's share: Linux's sk_pacing_shift, 1/1024 s. */
		bytes = xtcp_pacing_rate(mss, cwnd, 0, ssthresh, srtt_us) >> 10;
		r = min_rtt_us >> 9;
		if (r < 32)
			bytes += gso_max_size >> r;
	}
	if (bytes > gso_max_size)
		bytes = gso_max_size;
	segs = mss ? (u32)(bytes / mss) : 2;
	if (segs < 2)
		segs = 2;
	return segs < gso_max_segs ? segs : gso_max_segs;
}

/* Linux's tcp_tso_win_divisor default: a third of a window goes at once. */
#define XTCP_TSO_WIN_DIVISOR	3
#define XTCP_DEFER_SLACK_US	1000

static u32 min_u32(u32 a, u32 b)
{
	return a < b ? a : b;
}

bool xtcp_tso_should_defer(struct xtcp_tso_defer *d)
{
	u32 cong_win = d->cwnd_room * d->mss, limit, chunk, threshold;
	s32 ack_due_in;

	if (d->recovery)
		return false;
	/* A sender paused for more than a millisecond starts at once. */
	if ((s32)(d->now_us - d->last_sent_us) > XTCP_DEFER_SLACK_US)
		return false;
	limit = min_u32(d->send_win, cong_win);
	if (limit >= d->max_segs * d->mss)
		return false;
	/* An skb before the tail will not grow: if all of it fits, go. */
	if (!d->tail && limit >= d->skb_len)
		return false;
	chunk = min_u32(d->snd_wnd, d->cwnd * d->mss) / XTCP_TSO_WIN_DIVISOR;
	if (limit >= chunk)
		return false;
	/* Nothing in flight: no ACK will come to send it. */
	if (!d->in_flight)
		return false;
	/* The head's ACK is due when it was sent plus an RTT. */
	ack_due_in = (s32)(d->head_sent_us + d->srtt_us - d->now_us);
	threshold = min_u32(d->srtt_us / 2, XTCP_DEFER_SLACK_US);
	if (ack_due_in > (s32)threshold)
		return false;
	/* Held by a window that the skb fills: wait for it to open. */
	if (cong_win < d->send_win) {
		if (cong_win <= d->skb_len) {
			d->cwnd_limited = 1;
			return true;
		}
	} else if (d->send_win <= d->skb_len) {
		return true;
	}
	/* Otherwise only more data would make it bigger. */
	return !d->closed;
}

u32 xtcp_pmtu_mss(u32 pmtu, u32 opts_len, u32 mss)
{
	/* An IPv4 and a TCP header without options: 40 bytes. */
	u32 fit = pmtu > 40 + opts_len ? pmtu - 40 - opts_len : 0;

	if (fit < 48)
		fit = 48;
	return fit < mss ? fit : mss;
}

bool xtcp_push_forced(u32 write_seq, u32 pushed_seq, u32 max_window)
{
	return xtcp_seq_after(write_seq, pushed_seq + (max_window >> 1));
}
