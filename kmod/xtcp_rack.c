// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: PRR, RACK-TLP and the delivery rate.
 *
 * Only computation: the module calls these with values from the socket
 * and the segment and acts on the answer, and kmod/test/ compiles this
 * file in user space to test every rule under sanitizers.
 */
#include "xtcp_rack.h"

u32 xtcp_prr_cwnd(u32 pipe, u32 ssthresh, u32 recover_fs, u32 prr_delivered,
		  u32 prr_out, u32 delivered)
{
	u64 sndcnt;

	if (!recover_fs)
		recover_fs = 1;
	if (pipe > ssthresh) {
		/* Proportional: ceil(delivered * ssthresh / recover_fs). */
		u64 target = ((u64)prr_delivered * ssthresh + recover_fs - 1) /
			     recover_fs;

		sndcnt = target > prr_out ? target - prr_out : 0;
	} else {
		/* Slow start reduction bound: no bursts beyond ssthresh. */
		u64 limit = prr_delivered > prr_out ?
			    (u64)prr_delivered - prr_out : 0;

		if (limit < delivered)
			limit = delivered;
		limit += 1;
		sndcnt = ssthresh - pipe;
		if (sndcnt > limit)
			sndcnt = limit;
	}
	if (!sndcnt && !prr_out)
		sndcnt = 1;	/* the fast retransmit itself */
	sndcnt += pipe;
	return sndcnt > 0xffffffffU ? 0xffffffffU : (u32)sndcnt;
}

u32 xtcp_rack_reo_wnd(u32 min_rtt_us, u32 srtt_us, bool reord_seen,
		      bool in_recovery, u32 sacked_out, u8 extra_steps)
{
	u64 wnd;

	if (!reord_seen && (in_recovery || sacked_out >= XTCP_DUPTHRESH))
		return 0;
	wnd = (u64)(min_rtt_us / 4) * (1 + extra_steps);

	return wnd < srtt_us ? (u32)wnd : srtt_us;
}

void xtcp_rack_reo_update(struct xtcp_rack_reo *r, u32 prior_delivered,
			  u32 delivered)
{
	if (!prior_delivered)
		return;
	/* Sent before the last growth: less than a round trip since. */
	if ((u16)((u16)prior_delivered - r->last_delivered) >= 0x8000)
		r->dsack_seen = 0;
	if (r->dsack_seen) {
		if (r->extra_steps < 0xfe)
			r->extra_steps++;
		r->dsack_seen = 0;
		r->last_delivered = (u16)delivered;
		r->persist = XTCP_RACK_RECOVERY_THRESH;
	} else if (!r->persist) {
		r->extra_steps = 0;
	}
}

void xtcp_rack_reo_recovered(struct xtcp_rack_reo *r, bool undone)
{
	if (undone) {
		if (r->persist < XTCP_RACK_RECOVERY_THRESH)
			r->persist++;
	} else if (r->persist) {
		r->persist--;
	}
}

u32 xtcp_rack_time_left(u32 sent_us, u32 now_us, u32 rack_rtt_us,
			u32 reo_wnd_us)
{
	u64 deadline = (u64)rack_rtt_us + reo_wnd_us;
	u32 elapsed = now_us - sent_us;

	if (elapsed >= deadline)
		return 0;
	deadline -= elapsed;
	return deadline > 0xffffffffU ? 0xffffffffU : (u32)deadline;
}

u64 xtcp_delivery_rate(u32 delivered_segs, u32 mss, u32 send_elapsed_us,
		       u32 ack_elapsed_us, u32 min_rtt_us)
{
	u32 interval = send_elapsed_us > ack_elapsed_us ? send_elapsed_us :
							  ack_elapsed_us;

	if (!interval || interval < min_rtt_us || !delivered_segs)
		return 0;
	return (u64)delivered_segs * mss * 1000000U / interval;
}
