/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Super-segments, for xtcp.c and xtcp_output.c: how many segments one skb
 * of the write queue carries, how many of them go at once, and where an
 * skb is cut when the congestion window, the peer's window or Nagle let
 * only part of it go.  Linux's tcp_xmit_size_goal(), tcp_tso_autosize()
 * and tcp_mss_split_point().
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_TSO_H
#define _XTCP_TSO_H

#include "xtcp_seq.h"

/* Segments of at most @mss bytes that @len bytes make; 1 for none. */
static inline u32 xtcp_pcount(u32 len, u32 mss)
{
	if (len <= mss)
		return 1;
	return (len + mss - 1) / mss;
}

/*
 * Segments one skb of the write queue may hold: as many as a GSO skb
 * takes (@gso_max_size bytes with @header_room for the headers,
 * @gso_max_segs segments), and no more than half the largest window the
 * peer offered (all of it when that is tiny), so that it never waits
 * whole for a window that cannot take it (tcp_bound_to_half_wnd()).  At
 * least one.
 */
u32 xtcp_size_goal_segs(u32 mss, u32 gso_max_size, u32 header_room,
			u32 gso_max_segs, u32 max_window);

/*
 * Segments one GSO skb sends at most (tcp_tso_autosize()): about a
 * millisecond of the rate the congestion window allows, twice it in slow
 * start and 1.2 times it after, plus, on a path whose minimum RTT is
 * short, a share of a full GSO skb that halves with each 512 us of RTT;
 * at least 2, at most @gso_max_segs.  @srtt_us 0 (no sample yet) counts
 * as a full GSO skb.
 */
u32 xtcp_tso_autosize(u32 mss, u32 cwnd, u32 ssthresh, u32 srtt_us,
		      u32 min_rtt_us, u32 gso_max_size, u32 gso_max_segs);

/*
 * Bytes of an unsent skb of @len bytes to send now (tcp_mss_split_point()):
 * at most @segs segments (what the congestion window and autosizing
 * allow) and what the peer's window takes, @wnd_left bytes from its
 * start.  When the end of what may go is a partial segment and @nagle
 * holds partial segments back, only whole segments go.  0: nothing.
 */
static inline u32 xtcp_split_point(u32 len, u32 mss, u32 segs, u32 wnd_left,
				   bool nagle)
{
	u32 max_len = segs * mss;
	u32 needed = len < wnd_left ? len : wnd_left;
	u32 partial;

	if (max_len <= needed)
		return max_len;
	partial = needed % mss;
	if (partial && nagle)
		return needed - partial;
	return needed;
}

/*
 * The pacing rate in bytes per second (Linux's tcp_update_pacing_rate()
 * with its default tcp_pacing_ss_ratio 200 and tcp_pacing_ca_ratio 120):
 * the window's rate, mss * max(cwnd, packets_out) per srtt, doubled in
 * slow start while cwnd is below half ssthresh, else 1.2 times it.  It
 * sizes TCP Small Queues' limit, and a pacing qdisc (fq) paces by it.
 * @srtt_us 0 (no sample yet): the window per microsecond.
 */
static inline u64 xtcp_pacing_rate(u32 mss, u32 cwnd, u32 packets_out,
				   u32 ssthresh, u32 srtt_us)
{
	u32 ratio = cwnd < ssthresh / 2 ? 200 : 120;
	u64 rate = (u64)mss * 10000 * ratio;	/* 10^6 / 100 per percent */

	rate *= cwnd > packets_out ? cwnd : packets_out;
	return srtt_us ? rate / srtt_us : rate;
}

/*
 * TCP Small Queues (Linux's tcp_small_queue_check()): the bytes of a
 * socket's skbs that may wait in qdiscs and device queues, counted in
 * truesize: about 1/2^@pacing_shift s of the pacing rate (1 ms by
 * default), at least two skbs of @truesize, at most
 * @limit_output_bytes (net.xtcp.limit_output_bytes).
 */
static inline u64 xtcp_tsq_limit(u32 truesize, u64 pacing_rate,
				 u32 pacing_shift, u32 limit_output_bytes)
{
	u64 limit = pacing_rate >> pacing_shift;

	if (limit < 2ULL * truesize)
		limit = 2ULL * truesize;
	return limit < limit_output_bytes ? limit : limit_output_bytes;
}

/*
 * What decides whether an skb that could go only in part now waits for
 * the next ACK instead, to leave whole or bigger then (Linux's
 * tcp_tso_should_defer(), with tcp_tso_win_divisor at its default 3).
 * Times are in microseconds of one clock.
 */
struct xtcp_tso_defer {
	u32	skb_len;	/* the skb's payload */
	u32	mss;
	u32	max_segs;	/* xtcp_tso_autosize(): a full GSO skb now */
	u32	send_win;	/* bytes the peer's window takes from its start */
	u32	cwnd_room;	/* segments the congestion window lets go */
	u32	snd_wnd;	/* the peer's window */
	u32	cwnd;
	u32	srtt_us;
	u32	now_us;
	u32	last_sent_us;	/* the latest transmission */
	u32	head_sent_us;	/* the oldest unacknowledged skb's, if @in_flight */
	u8	in_flight:1,	/* anything unacknowledged */
		tail:1,		/* the write queue's last skb: it may still grow */
		recovery:1,	/* in fast recovery or loss recovery */
		closed:1,	/* FIN or end of record: it will not grow */
		/* Out: it waits because the congestion window is full. */
		cwnd_limited:1;
};

/*
 * Defer while an ACK that frees more room is due within a millisecond
 * (or half an RTT, if less), sending continued within the last
 * millisecond, and less than a third of the smaller window (or a full
 * GSO skb) may go; never in recovery, where segments must go as they
 * may.  An skb that will not grow and fits whole is not held.  Held
 * because the congestion window, smaller than the peer's, is full, it
 * sets @d->cwnd_limited (Linux's is_cwnd_limited from the same test).
 */
bool xtcp_tso_should_defer(struct xtcp_tso_defer *d);

/*
 * The send MSS @mss no larger than half the largest window the peer
 * offered (@max_window), or all of it when that is 536 bytes or less,
 * but never below 68 bytes of header and data with @header_len bytes of
 * TCP header: a peer with a small window gets segments it can take two
 * of, so that an ACK flows back (Linux's tcp_bound_to_half_wnd(), which
 * tcp_sync_mss() applies again whenever that window grows).  No bound
 * while no window is known.  Inline: xtcp_mss() calls it on every send
 * decision.
 */
static inline u32 xtcp_bound_to_half_wnd(u32 mss, u32 max_window,
					 u32 header_len)
{
	u32 cutoff = max_window > 536 ? max_window / 2 : max_window;
	u32 floor = header_len < 68 ? 68 - header_len : 0;

	if (!cutoff || mss <= cutoff)
		return mss;
	return cutoff > floor ? cutoff : floor;
}

/*
 * The send MSS (without the @opts_len bytes of options every segment
 * carries) that fits a path MTU of @pmtu, as Linux's tcp_mtu_to_mss():
 * never more than @mss, what the peer's MSS and TCP_MAXSEG allow now,
 * and never less than 48 bytes of data, as xtcp_set_mss(): Linux's
 * tcp_min_snd_mss, against a forged "fragmentation needed" asking for
 * tiny segments (Linux takes its 48 before the options).
 */
u32 xtcp_pmtu_mss(u32 pmtu, u32 opts_len, u32 mss);

/*
 * A write that is still copying marks PSH once more than half the
 * largest window the peer offered has been queued since the last PSH
 * (@pushed_seq), so that a receiver that waits for PSH before waking its
 * reader is not left waiting for a whole window (Linux's forced_push()).
 */
bool xtcp_push_forced(u32 write_seq, u32 pushed_seq, u32 max_window);

/*
 * Whether a partial last segment waits (RFC 896, as Linux's
 * tcp_nagle_check()): always under a cork (@cork: TCP_CORK or MSG_MORE);
 * without TCP_NODELAY while data is in flight and the last short segment
 * sent, which ends at @snd_sml, is not yet acknowledged (Minshall's
 * variant): a write that ends short is not held behind full segments,
 * only behind another short one.
 */
static inline bool xtcp_nagle_holds(bool cork, bool nodelay, u32 packets_out,
				    u32 snd_sml, u32 snd_una, u32 snd_nxt)
{
	if (cork)
		return true;
	return !nodelay && packets_out && xtcp_seq_after(snd_sml, snd_una) &&
	       !xtcp_seq_after(snd_sml, snd_nxt);
}

#endif /* _XTCP_TSO_H */
