/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SACK blocks (RFC 2018, RFC 2883): the ones a receiver reports, kept as
 * segments arrive, and the sender's view of the ones it gets, for
 * xtcp_input.c, xtcp_output.c and xtcp_recovery.c.
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_SACK_H
#define _XTCP_SACK_H

#include "xtcp_options.h"

/*
 * The SACK blocks a receiver reports (RFC 2018 4), kept up to date as
 * data arrives and leaves rather than rebuilt from the out-of-order
 * queue, as Linux's tp->selective_acks[]: at most XTCP_MAX_SACK_BLOCKS
 * blocks, none overlapping or touching another, the one holding the
 * latest arrival first and the others in the order they were last
 * reported.  Each block only ever covers data the receiver holds; a run
 * of it may be reported in part (when more runs exist than blocks).
 * Each function updates the n blocks of blk in place and returns how
 * many there are now.
 *
 * xtcp_sack_add(): out-of-order data [start, end) arrived.  Blocks that
 * overlap or touch it merge with it into the first block; the others
 * keep their order behind it, the oldest falling off if all were in
 * use.  An empty range changes nothing.
 */
unsigned int xtcp_sack_add(struct xtcp_sack_block *blk, unsigned int n,
			   u32 start, u32 end);

/*
 * xtcp_sack_advance(): rcv_nxt moved to rcv_nxt and the data below it
 * went to the reader.  Blocks ending at or below it go, a block it cuts
 * keeps the part above it.
 */
unsigned int xtcp_sack_advance(struct xtcp_sack_block *blk, unsigned int n,
			       u32 rcv_nxt);

/*
 * xtcp_sack_prune(): out-of-order data from seq on was dropped to make
 * room.  Blocks starting at or after it go, a block it cuts keeps the
 * part below it.
 */
unsigned int xtcp_sack_prune(struct xtcp_sack_block *blk, unsigned int n,
			     u32 seq);

/*
 * SACK-based loss recovery (RFC 6675), in segments.
 *
 * A SACK block from the peer counts only if it lies within what is
 * outstanding, snd_una <= start < end <= snd_max; anything else is a
 * D-SACK (RFC 2883), stale, or invalid, and does not mark segments.
 */
bool xtcp_sack_block_valid(u32 start, u32 end, u32 snd_una, u32 snd_max);

/*
 * RFC 6675 "pipe": segments still in the network.  Sent and not
 * cumulatively acknowledged (packets_out), less those the peer SACKed
 * and those presumed lost, plus the retransmissions of lost ones.
 */
/*
 * RFC 2883 4: the first of the @n SACK blocks of an ACK for @ack is a
 * D-SACK, reporting data received twice, if it lies below the ACK or
 * inside the second block (Linux's tcp_check_dsack()).
 */
bool xtcp_sack_is_dsack(const struct xtcp_sack_block *blk, unsigned int n,
			u32 ack);

/*
 * The parts of the SACK block [start, end) that none of the @n blocks in
 * @seen covers, into @out (room for n + 1), in order; returns how many.
 * The sender keeps the blocks of the previous ACK in @seen: what they
 * covered is marked already, so an ACK whose blocks only grew costs what
 * they grew by, not what they hold (Linux's recv_sack_cache).
 */
unsigned int xtcp_sack_uncovered(u32 start, u32 end,
				 const struct xtcp_sack_block *seen,
				 unsigned int n, struct xtcp_sack_block *out);

/*
 * The segments in flight (RFC 6675's pipe, Linux's
 * tcp_packets_in_flight()): those sent and neither SACKed nor lost, plus
 * the retransmissions out.
 */
static inline u32 xtcp_pipe(u32 packets_out, u32 sacked_out, u32 lost_out,
			    u32 retrans_out)
{
	u32 left = sacked_out + lost_out;

	/* Never below what is being retransmitted, should counts disagree. */
	return (packets_out > left ? packets_out - left : 0) + retrans_out;
}

/* RFC 6675 DupThresh: a hole with this many SACKed segments above is lost. */
#define XTCP_DUPTHRESH		3

#endif /* _XTCP_SACK_H */
