// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: Segment and ACK acceptability, the receive window and its scale, the
 * payload share of the buffer, and buffer autotuning.
 *
 * Only computation: the module calls these with values from the socket
 * and the segment and acts on the answer, and kmod/test/ compiles this
 * file in user space to test every rule under sanitizers.
 */
#include "xtcp_window.h"

bool xtcp_seq_window_ok(u32 seq, u32 end_seq, u32 rcv_wup, u32 right_edge)
{
	return !xtcp_seq_before(end_seq, rcv_wup) &&
	       !xtcp_seq_after(seq, right_edge);
}

enum xtcp_ack_verdict xtcp_ack_verdict(u32 ack, u32 snd_una, u32 snd_nxt,
				       u32 max_window, u64 bytes_acked)
{
	if (xtcp_seq_before(ack, snd_una)) {
		if (bytes_acked < max_window)
			max_window = (u32)bytes_acked;
		return xtcp_seq_before(ack, snd_una - max_window) ?
		       XTCP_ACK_TOO_OLD : XTCP_ACK_OLD;
	}
	return xtcp_seq_after(ack, snd_nxt) ? XTCP_ACK_UNSENT : XTCP_ACK_OK;
}

bool xtcp_oow_limited(u32 now, u32 last, u32 limit)
{
	s32 elapsed = (s32)(now - last);

	return last && elapsed >= 0 && (u32)elapsed < limit;
}

u8 xtcp_select_wscale(u32 space)
{
	int shift = -15;

	while (space > 1) {	/* shift = ilog2(space) - 15 */
		space >>= 1;
		shift++;
	}
	if (shift < 0)
		return 0;
	return shift > XTCP_MAX_WSCALE ? XTCP_MAX_WSCALE : (u8)shift;
}

u32 xtcp_select_window(u32 free_space, u32 cur_wnd, u32 mss, u32 max_wnd)
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

static u32 xtcp_rcv_ratio(u32 len, u32 truesize)
{
	u64 r;

	if (!truesize)
		return XTCP_RCV_RATIO_DEFAULT;
	r = ((u64)len << 8) / truesize;
	if (r < 1)
		r = 1;
	if (r > 255)
		r = 255;
	return (u32)r;
}

u32 xtcp_rcv_ratio_update(u32 old, u32 len, u32 truesize)
{
	u32 r = xtcp_rcv_ratio(len, truesize);

	if (r <= old)
		return r;
	return old + (r - old + 7) / 8;
}

u32 xtcp_space_to_window(u32 free_space, u32 ratio)
{
	return (u32)(((u64)free_space * ratio) >> 8);
}

u32 xtcp_rcv_ssthresh_grow(u32 ssthresh, u32 limit, u32 len, u32 truesize,
			   u32 ratio, u32 rcv_mss, u32 advmss, u32 rmem_max)
{
	u32 skb_wnd = xtcp_space_to_window(truesize, ratio);
	u32 incr = 0;

	if (limit <= ssthresh)
		return ssthresh;
	if (skb_wnd <= len) {
		incr = 2 * advmss;
	} else {
		/*
		 * The skb holds its payload worse than the buffer's share:
		 * grow only while such skbs, halved for each doubling of the
		 * threshold, would still fit the largest buffer.
		 */
		u32 half = skb_wnd >> 1;
		u32 window = xtcp_space_to_window(rmem_max, ratio) >> 1;

		while (ssthresh <= window) {
			if (half <= len) {
				incr = 2 * rcv_mss;
				break;
			}
			half >>= 1;
			window >>= 1;
		}
	}
	if (!incr)
		return ssthresh;
	if (incr < 2 * len)
		incr = 2 * len;
	if (incr > limit - ssthresh)
		incr = limit - ssthresh;
	return ssthresh + incr;
}

u32 xtcp_drs_rcvbuf(u32 copied, u32 prev, u32 advmss, u32 ratio,
		    u32 rmem_max)
{
	u64 rcvwin = ((u64)copied << 1) + 16ULL * advmss;
	u64 buf;

	if (prev && copied > prev)
		rcvwin += (rcvwin * (copied - prev) / prev) << 1;
	if (!ratio)
		ratio = 1;
	buf = (rcvwin << 8) / ratio;
	return buf > rmem_max ? rmem_max : (u32)buf;
}

u32 xtcp_sndbuf_for_cwnd(u32 cwnd, u32 per_mss_truesize, u32 wmem_max)
{
	u64 mem = 2ULL * (cwnd > XTCP_INIT_CWND ? cwnd : XTCP_INIT_CWND) *
		  per_mss_truesize;

	return mem > wmem_max ? wmem_max : (u32)mem;
}

bool xtcp_may_update_window(u32 ack, u32 snd_una, u32 seq, u32 snd_wl1,
			    u32 nwin, u32 snd_wnd)
{
	return xtcp_seq_after(ack, snd_una) || xtcp_seq_after(seq, snd_wl1) ||
	       (seq == snd_wl1 && (nwin > snd_wnd || !nwin));
}
