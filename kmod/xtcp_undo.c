// SPDX-License-Identifier: GPL-2.0
/*
 * Undoing needless window reductions: D-SACK, Eifel detection and F-RTO
 * (see xtcp_undo.h).  Pure logic, unit-tested in kmod/test/.
 */
#include "xtcp_undo.h"

u8 xtcp_undo_retrans_init(u32 retrans_out)
{
	if (!retrans_out)
		return XTCP_UNDO_NONE;
	return retrans_out < XTCP_UNDO_MANY ? retrans_out : XTCP_UNDO_MANY;
}

u8 xtcp_undo_retrans_sent(u8 undo_retrans, u32 segs)
{
	u32 n = undo_retrans == XTCP_UNDO_NONE ? 0 : undo_retrans;

	if (undo_retrans == XTCP_UNDO_MANY)
		return XTCP_UNDO_MANY;
	n += segs;
	return n < XTCP_UNDO_MANY ? n : XTCP_UNDO_MANY;
}

u8 xtcp_undo_retrans_dsacked(u8 undo_retrans, u32 segs)
{
	if (undo_retrans == XTCP_UNDO_NONE || undo_retrans == XTCP_UNDO_MANY)
		return undo_retrans;
	return undo_retrans > segs ? undo_retrans - segs : 0;
}

u32 xtcp_undo_prior_ssthresh(bool reducing, u32 cwnd, u32 ssthresh)
{
	u32 three_quarters = (cwnd >> 1) + (cwnd >> 2);

	if (reducing)
		return ssthresh;
	return ssthresh > three_quarters ? ssthresh : three_quarters;
}

bool xtcp_undo_packet_delayed(u32 retrans_stamp, bool ts_seen, u32 tsecr,
			      bool sack, bool recovered)
{
	if (retrans_stamp)
		return ts_seen && tsecr && xtcp_seq_before(tsecr, retrans_stamp);
	return sack || !recovered;
}

bool xtcp_may_undo(u32 undo_marker, u8 undo_retrans, bool delayed)
{
	return undo_marker && (!undo_retrans || delayed);
}

bool xtcp_undo_window(u32 *cwnd, u32 *ssthresh, u32 prior_cwnd,
		      u32 prior_ssthresh)
{
	if (!prior_ssthresh)
		return false;
	if (*cwnd < prior_cwnd)
		*cwnd = prior_cwnd;
	if (prior_ssthresh <= *ssthresh)
		return false;
	*ssthresh = prior_ssthresh;
	return true;
}

enum xtcp_frto_verdict xtcp_frto_ack(bool orig_acked, bool sent_new,
				     bool sacked_or_dup, bool advanced,
				     bool recovered, bool can_send_new)
{
	if (orig_acked)
		return XTCP_FRTO_UNDO;		/* step 3b */
	if (sent_new)				/* step 3a: a hole remains */
		return sacked_or_dup ? XTCP_FRTO_LOSS : XTCP_FRTO_WAIT;
	if (advanced && !recovered)		/* step 2b */
		return can_send_new ? XTCP_FRTO_SEND_NEW : XTCP_FRTO_LOSS;
	return XTCP_FRTO_WAIT;
}
