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

u32 xtcp_rcv_rtt_update(u32 rtt_us, u32 sample_us, bool win_dep)
{
	if (!rtt_us || sample_us < rtt_us)
		return sample_us;
	if (win_dep)
		return rtt_us;
	return rtt_us - (rtt_us >> 3) + (sample_us >> 3);
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
