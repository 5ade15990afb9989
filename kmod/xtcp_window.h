/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The receive side's arithmetic, for xtcp_input.c and xtcp_output.c:
 * segment and ACK acceptability, the window to advertise and its scale,
 * the payload share of the buffer, and buffer autotuning.
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_WINDOW_H
#define _XTCP_WINDOW_H

#include "xtcp_options.h"
#include "xtcp_reno.h"

/*
 * The acceptability test Linux applies (tcp_sequence()), a little wider
 * than RFC 9293's: a segment [seq, end_seq) is taken unless it ends
 * before rcv_wup (RCV.NXT when our last window went out) or starts past
 * the right edge of that window.  So an ACK that starts exactly at the
 * right edge, or an old duplicate reaching rcv_wup, still has its ACK
 * processed; data outside the window is trimmed later.
 */
static inline bool xtcp_seq_window_ok(u32 seq, u32 end_seq, u32 rcv_wup,
				      u32 right_edge)
{
	return !xtcp_seq_before(end_seq, rcv_wup) &&
	       !xtcp_seq_after(seq, right_edge);
}

/*
 * Is SEG.ACK acceptable (RFC 5961 5.2)?  SND.UNA - MAX.SND.WND <= SEG.ACK
 * <= SND.NXT, where MAX.SND.WND is, as in Linux's tcp_ack(), the largest
 * window the peer offered but no more than the bytes it acknowledged: an
 * ACK below that is blind or forged, and its data must not be taken.
 */
enum xtcp_ack_verdict {
	XTCP_ACK_OK,		/* SND.UNA <= SEG.ACK <= SND.NXT */
	XTCP_ACK_OLD,		/* below SND.UNA, within MAX.SND.WND: no news */
	XTCP_ACK_TOO_OLD,	/* further below: challenge ACK, drop */
	XTCP_ACK_UNSENT,	/* above SND.NXT: drop */
};

static inline enum xtcp_ack_verdict xtcp_ack_verdict(u32 ack, u32 snd_una,
						     u32 snd_nxt,
						     u32 max_window,
						     u64 bytes_acked)
{
	if (xtcp_seq_before(ack, snd_una)) {
		if (bytes_acked < max_window)
			max_window = (u32)bytes_acked;
		return xtcp_seq_before(ack, snd_una - max_window) ?
		       XTCP_ACK_TOO_OLD : XTCP_ACK_OLD;
	}
	return xtcp_seq_after(ack, snd_nxt) ? XTCP_ACK_UNSENT : XTCP_ACK_OK;
}

/*
 * Whether a segment's window replaces the peer's window we hold (RFC 9293
 * 3.10.7.4 updates from the newest segment, by SND.WL1 and SND.WL2).  As
 * Linux's tcp_may_update_window(): an ACK that acknowledges new data
 * (@ack past @snd_una), or a segment newer than the one that last set
 * the window (@seq past @snd_wl1); one as new (the same seq, a pure ACK
 * or a reordered copy) only to open the window or to close it to zero,
 * never to shrink it, which is what an ACK overtaken by a later one
 * would do.
 */
static inline bool xtcp_may_update_window(u32 ack, u32 snd_una, u32 seq,
					  u32 snd_wl1, u32 nwin, u32 snd_wnd)
{
	return xtcp_seq_after(ack, snd_una) || xtcp_seq_after(seq, snd_wl1) ||
	       (seq == snd_wl1 && (nwin > snd_wnd || !nwin));
}

/*
 * Out-of-window ACKs, PAWS ACKs and challenge ACKs are rate limited per
 * socket, as Linux's __tcp_oow_rate_limited(): none within @limit jiffies
 * of the last (@last, 0 for none; all in 32-bit jiffies).
 */
bool xtcp_oow_limited(u32 now, u32 last, u32 limit);

/*
 * Window scale to offer in a SYN (RFC 7323 2.2) for a receive buffer that
 * may grow to space bytes.  Linux's rule: ilog2(space) - 15, within
 * [0, 14], so that 65535 << shift covers the buffer.
 */
u8 xtcp_select_wscale(u32 space);

/*
 * Receive window to advertise (RFC 9293 3.8.6 and 3.8.6.2.2).
 * free_space: bytes the receive buffer can still take (the caller has
 *             already allowed for overhead);
 * cur_wnd:    what is left of the window advertised last (right edge minus
 *             rcv_nxt, 0 if past);
 * mss:        the receiver's MSS;
 * max_wnd:    the largest window the header can say (65535 << wscale).
 * Returns free_space (at most max_wnd) rounded down to a multiple of mss
 * when it is at least mss, or kept as it is when smaller; but never less
 * than cur_wnd, so the right edge never moves back, and never more than
 * max_wnd.
 */
static inline u32 xtcp_select_window(u32 free_space, u32 cur_wnd, u32 mss,
				     u32 max_wnd)
{
	u32 wnd = free_space;

	/* First what the header can carry, then round within that. */
	if (wnd > max_wnd)
		wnd = max_wnd;
	/*
	 * Receiver-side silly window avoidance: offer room in whole
	 * segments, so the right edge only moves forward by full MSS steps
	 * and the sender is never invited to send a tiny segment at the end
	 * of a large window.
	 */
	if (mss && wnd >= mss)
		wnd -= wnd % mss;
	/*
	 * Never move the right edge back (RFC 9293 3.8.6): the peer may
	 * already have sent up to it.
	 */
	if (wnd < cur_wnd)
		wnd = cur_wnd;
	if (wnd > max_wnd)
		wnd = max_wnd;
	return wnd;
}

/*
 * How much of the receive buffer is payload, as Linux 6.x's scaling_ratio:
 * a buffer charges skb->truesize, which for a 1448-byte segment may be two
 * or three times that.  The ratio is payload/truesize in 1/256ths,
 * measured from full-sized segments as they arrive (1..255); the window
 * offered from free buffer space is that fraction of it.
 */
#define XTCP_RCV_RATIO_DEFAULT	128U	/* half, before anything arrives */
/*
 * The ratio kept from segments of mixed make (a GSO skb of 64 KB in page
 * fragments, then a 1448-byte one in a 4 KB head): a lower ratio is taken
 * at once, a higher one an eighth of the way per segment, so the window
 * never offers room that the next small segments would not find.
 */
u32 xtcp_rcv_ratio_update(u32 old, u32 len, u32 truesize);
static inline u32 xtcp_space_to_window(u32 free_space, u32 ratio)
{
	return (u32)(((u64)free_space * ratio) >> 8);
}

/*
 * The receive window's slow start, as Linux's tcp_grow_window(): a
 * segment of @len bytes in an skb of @truesize arrived, and @limit is
 * as far as the threshold may go (the window the free buffer offers
 * with that skb in it, at most the largest the header can say).  If
 * the skb's payload share is as good as the buffer's (@ratio), the
 * threshold grows by two advertised MSS; a worse one still grows it by
 * two received MSS while the threshold is small against @rmem_max
 * (the worse, the smaller); never by less than twice the segment.
 * Returns the new threshold.
 */
u32 xtcp_rcv_ssthresh_grow(u32 ssthresh, u32 limit, u32 len, u32 truesize,
			   u32 ratio, u32 rcv_mss, u32 advmss, u32 rmem_max);

/*
 * Buffer autotuning, as Linux's (tcp_rcv_space_adjust(),
 * tcp_sndbuf_expand()).
 *
 * Receiver: the reader took @copied bytes in the last round trip, more
 * than the @prev it took in the one before.  The window for the next
 * round trip is twice that, plus 16 segments, plus twice the growth
 * (the sender may still be in slow start); the buffer holds it at the
 * measured payload share @ratio (/256), up to @rmem_max.
 */
u32 xtcp_drs_rcvbuf(u32 copied, u32 prev, u32 advmss, u32 ratio,
		    u32 rmem_max);

/*
 * The receiver's RTT estimate @rtt_us (0: none yet) after a sample
 * (Linux's tcp_rcv_rtt_update()): a lower sample is taken as it is; a
 * higher one moves it an eighth of the way, unless it comes from the
 * window's method (@win_dep), whose samples span a whole window and
 * only ever lower it.
 */
u32 xtcp_rcv_rtt_update(u32 rtt_us, u32 sample_us, bool win_dep);

/*
 * Sender: room for two congestion windows (at least the initial 10
 * segments) of skbs of @per_mss_truesize, up to @wmem_max.
 */
static inline u32 xtcp_sndbuf_for_cwnd(u32 cwnd, u32 per_mss_truesize,
				       u32 wmem_max)
{
	u64 mem = 2ULL * (cwnd > XTCP_INIT_CWND ? cwnd : XTCP_INIT_CWND) *
		  per_mss_truesize;

	return mem > wmem_max ? wmem_max : (u32)mem;
}

#endif /* _XTCP_WINDOW_H */
