/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Undoing a window reduction that proves needless, as Linux's TCP does
 * (tcp_input.c's "undo procedures"), for xtcp_recovery.c.  A fast
 * retransmit or a timeout cuts the congestion window for a loss; if the
 * segment was only delayed or reordered, the cut cost throughput for
 * nothing.  The evidence comes three ways:
 *
 *   D-SACK (RFC 2883, RFC 3708): the peer reports each retransmission of
 *   the episode as a duplicate: it had the original.
 *   Eifel detection (RFC 3522): an ACK that fills the hole echoes a
 *   timestamp older than our first retransmission: the original filled it.
 *   F-RTO (RFC 5682, SACK-enhanced as Linux's tcp_frto): after a timeout,
 *   the next ACKs acknowledge data the timeout did not resend: the
 *   timeout fired while the originals were still on their way.
 *
 * The window and ssthresh then go back to what they were (RFC 4015's
 * response, as Linux: cwnd to at least its value before the cut).
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_UNDO_H
#define _XTCP_UNDO_H

#include "xtcp_seq.h"

/*
 * xs->undo_retrans: retransmissions of the episode not yet reported as
 * duplicates.  0 means all were, so the reduction may be undone; two
 * values say it may not be by D-SACK: nothing was retransmitted yet
 * (Linux's -1), or more than a byte counts (then a D-SACK for each cannot
 * be counted, and only Eifel detection undoes).
 */
#define XTCP_UNDO_NONE		0xff
#define XTCP_UNDO_MANY		0xfe

/* An episode begins with @retrans_out retransmissions still in flight. */
u8 xtcp_undo_retrans_init(u32 retrans_out);
/* @segs segments were retransmitted. */
u8 xtcp_undo_retrans_sent(u8 undo_retrans, u32 segs);
/* A D-SACK reported @segs retransmitted segments as duplicates. */
u8 xtcp_undo_retrans_dsacked(u8 undo_retrans, u32 segs);

/*
 * The ssthresh a reduction starting now would restore if undone: in a
 * reduction already, the current one; otherwise at least 3/4 of the
 * window, which the window had shown the path to take (Linux's
 * tcp_current_ssthresh()).
 */
u32 xtcp_undo_prior_ssthresh(bool reducing, u32 cwnd, u32 ssthresh);

/*
 * Eifel detection (RFC 3522), as Linux's tcp_packet_delayed(): this ACK
 * echoes (@tsecr, if @ts_seen) a TSval from before our first
 * retransmission (@retrans_stamp, in the TSval clock; 0: none went).
 * With nothing retransmitted at all, the hole was filled by the original,
 * except that a NewReno sender (no @sack) that has @recovered forgets
 * its retransmissions (Linux clears its stamp there).
 */
bool xtcp_undo_packet_delayed(u32 retrans_stamp, bool ts_seen, u32 tsecr,
			      bool sack, bool recovered);

/*
 * The reduction of the episode that started at @undo_marker (0: none to
 * undo) may be undone: every retransmission was reported a duplicate,
 * or the ACK shows the original arrived (@delayed).
 */
bool xtcp_may_undo(u32 undo_marker, u8 undo_retrans, bool delayed);

/*
 * Undo: the window back to at least @prior_cwnd and ssthresh to
 * @prior_ssthresh if that is higher; a @prior_ssthresh of 0 (an ECN
 * signal came during the episode: that reduction stands) restores
 * neither.  Returns true if ssthresh went up (the CWR owed to an ECN peer
 * is then withdrawn, as Linux's tcp_ecn_withdraw_cwr()).
 */
bool xtcp_undo_window(u32 *cwnd, u32 *ssthresh, u32 prior_cwnd,
		      u32 prior_ssthresh);

/*
 * F-RTO (RFC 5682 3.1, SACK-enhanced, as Linux's tcp_process_loss()):
 * what one ACK after a timeout says, the timeout's head having gone
 * again.
 *
 *   @orig_acked     it acknowledged or SACKed a segment sent before the
 *                   timeout and never resent (step 3b: spurious)
 *   @sent_new       new data went out after the first ACK (step 2b)
 *   @sacked_or_dup  it SACKed something or was a duplicate
 *   @advanced       it moved SND.UNA
 *   @recovered      SND.UNA reached what was out at the timeout
 *   @can_send_new   unsent data waits and the peer's window takes it
 */
enum xtcp_frto_verdict {
	XTCP_FRTO_UNDO,		/* spurious timeout: undo it */
	XTCP_FRTO_SEND_NEW,	/* send new data, not retransmissions */
	XTCP_FRTO_LOSS,		/* the loss was real: F-RTO is over */
	XTCP_FRTO_WAIT,		/* no verdict yet */
};

enum xtcp_frto_verdict xtcp_frto_ack(bool orig_acked, bool sent_new,
				     bool sacked_or_dup, bool advanced,
				     bool recovered, bool can_send_new);

#endif /* _XTCP_UNDO_H */
