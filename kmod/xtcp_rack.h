/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loss recovery arithmetic: PRR (RFC 6937), RACK-TLP (RFC 8985) and the
 * delivery rate, for xtcp_recovery.c and xtcp_rate.c.
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_RACK_H
#define _XTCP_RACK_H

#include "xtcp_sack.h"

/*
 * Proportional Rate Reduction (RFC 6937), as Linux's tcp_cwnd_reduction():
 * during fast recovery the sender may send what keeps the flight shrinking
 * smoothly towards ssthresh.  recover_fs (RFC 6937's RecoverFS) is the
 * window when the reduction began, as Linux takes it; prr_delivered and
 * prr_out count segments delivered to the peer (cumulatively acked or
 * SACKed) and sent, since then; delivered is what this ACK delivered.
 * Returns the congestion window for now: pipe plus what may be sent.
 * While pipe is above ssthresh, sending follows ssthresh / recover_fs of
 * deliveries; at or below it, slow start back up to ssthresh, at most one
 * segment more than delivered (PRR-SSRB).  The first transmission of
 * recovery (the fast retransmit) is always allowed.
 */
u32 xtcp_prr_cwnd(u32 pipe, u32 ssthresh, u32 recover_fs, u32 prr_delivered,
		  u32 prr_out, u32 delivered);

/*
 * RACK-TLP (RFC 8985): time-based loss detection.  Times are microseconds
 * on a clock that wraps.
 *
 * Was a segment sent at t1_us ending at end1 sent after one sent at t2_us
 * ending at end2?  The later send time wins; a tie goes to the higher
 * sequence number (RFC 8985 6.2 step 2, RACK_sent_after()).
 */
static inline bool xtcp_rack_sent_after(u32 t1_us, u32 end1, u32 t2_us,
					u32 end2)
{
	if (t1_us != t2_us)
		return (s32)(t1_us - t2_us) > 0;
	return xtcp_seq_after(end1, end2);
}

/*
 * The reordering window (6.2 step 4, Linux's tcp_rack_reo_wnd()): steps
 * of min_rtt / 4 (one, and @extra_steps more), never above srtt.  On a
 * path not seen to reorder (a segment SACKed or acknowledged below
 * others it had not been sent after), zero once in recovery or once
 * DupThresh segments are SACKed: RACK then marks every hole below the
 * latest delivery, which is RFC 6675's counting rule.
 */
u32 xtcp_rack_reo_wnd(u32 min_rtt_us, u32 srtt_us, bool reord_seen,
		      bool in_recovery, u32 sacked_out, u8 extra_steps);

/*
 * How many steps (RFC 8985 6.2 step 4, Linux's rack.reo_wnd_*): on a
 * path seen to reorder, a D-SACK (a retransmission was needless) adds a
 * step, at most once per round trip; the steps stay for 16 recoveries
 * after the last such D-SACK, then fall back to one.  A new socket's
 * zeroes are one step, nothing pending.
 */
#define XTCP_RACK_RECOVERY_THRESH	16

struct xtcp_rack_reo {
	u8	extra_steps;	/* steps beyond the first */
	u8	persist:5,	/* recoveries before falling back */
		dsack_seen:1;	/* a D-SACK to grow for */
	u16	last_delivered;	/* delivered (low bits) when it last grew */
};

/*
 * An ACK came; @prior_delivered is the delivered count when its newest
 * delivered segment was sent (0: it delivered nothing), @delivered the
 * count now (Linux's tcp_rack_update_reo_wnd()).  A D-SACK for a round
 * trip already grown for is dropped.
 */
void xtcp_rack_reo_update(struct xtcp_rack_reo *r, u32 prior_delivered,
			  u32 delivered);
/* Recovery ended: undone by D-SACKs (@undone), or the steps wear off. */
void xtcp_rack_reo_recovered(struct xtcp_rack_reo *r, bool undone);
/*
 * A segment sent at sent_us, before the most recently sent segment the
 * peer has (whose round trip took rack_rtt_us), is lost once rack_rtt_us
 * + reo_wnd_us have passed since it was sent (6.2 step 5).  Returns 0 if
 * it is lost by now_us, else the microseconds still to wait.
 */
u32 xtcp_rack_time_left(u32 sent_us, u32 now_us, u32 rack_rtt_us,
			u32 reo_wnd_us);

/*
 * Delivery rate (draft-cheng-iccrg-delivery-rate-estimation, as Linux's
 * tcp_rate.c): delivered_segs reached the peer between a segment's send
 * and its ACK.  The interval is the longer of the send and ACK phases,
 * so neither a burst of sends nor a burst of ACKs inflates the rate; one
 * shorter than min_rtt_us cannot be a real round and gives no sample.
 * Returns bytes per second, or 0 for no sample.
 */
u64 xtcp_delivery_rate(u32 delivered_segs, u32 mss, u32 send_elapsed_us,
		       u32 ack_elapsed_us, u32 min_rtt_us);

/*
 * Tail loss probe timeout (RFC 8985 7.2): two smoothed RTTs, plus the
 * worst-case delayed-ACK time when a single segment is out (its ACK may
 * be delayed), at least 10 ms, and never later than the RTO would fire
 * (rto_left_us from now).
 */
#define XTCP_TLP_WC_DELACK_US	200000U
#define XTCP_TLP_MIN_US		10000U
static inline u32 xtcp_tlp_pto(u32 srtt_us, u32 packets_out, u32 rto_left_us)
{
	u64 pto = 2 * (u64)srtt_us;

	if (packets_out == 1)
		pto += XTCP_TLP_WC_DELACK_US;
	if (pto < XTCP_TLP_MIN_US)
		pto = XTCP_TLP_MIN_US;
	if (pto > rto_left_us)
		pto = rto_left_us;
	return (u32)pto;
}

#endif /* _XTCP_RACK_H */
