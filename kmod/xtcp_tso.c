// SPDX-License-Identifier: GPL-2.0
/*
 * Super-segments: sizing and cutting (xtcp_tso.h).  Pure logic.
 */
#include "xtcp_tso.h"

u32 xtcp_pcount(u32 len, u32 mss)
{
	if (len <= mss)
		return 1;
	return (len + mss - 1) / mss;
}

u32 xtcp_size_goal_segs(u32 mss, u32 gso_max_size, u32 header_room,
			u32 gso_max_segs, u32 max_window)
{
	u32 bytes = gso_max_size > header_room ? gso_max_size - header_room :
						 0;
	u32 segs;

	/* Half the peer's window, unless that is smaller than a tiny MSS. */
	if (max_window > 536 && bytes > max_window / 2)
		bytes = max_window / 2;
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
		/* Bytes per second the window allows, then its share. */
		u64 rate = (u64)mss * cwnd * 1000000 / srtt_us;

		rate = cwnd < ssthresh / 2 ? rate * 2 : rate * 12 / 10;
		/* Linux's default sk_pacing_shift: 1/1024 s. */
		bytes = rate >> 10;
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

u32 xtcp_split_point(u32 len, u32 mss, u32 segs, u32 wnd_left, bool nagle)
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

bool xtcp_push_forced(u32 write_seq, u32 pushed_seq, u32 max_window)
{
	return xtcp_seq_after(write_seq, pushed_seq + (max_window >> 1));
}

bool xtcp_nagle_holds(bool cork, bool nodelay, u32 packets_out, u32 snd_sml,
		      u32 snd_una, u32 snd_nxt)
{
	if (cork)
		return true;
	return !nodelay && packets_out && xtcp_seq_after(snd_sml, snd_una) &&
	       !xtcp_seq_after(snd_sml, snd_nxt);
}
