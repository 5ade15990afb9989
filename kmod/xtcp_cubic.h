/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CUBIC congestion control (RFC 9438) with hybrid slow start, for
 * xtcp_reno.c's table of algorithms: the growth function and its state,
 * as Linux's tcp_cubic.c behaves (beta 0.7, C 0.4, fast convergence,
 * the Reno-friendly region, HyStart's ACK-train and delay detectors).
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_CUBIC_H
#define _XTCP_CUBIC_H

#include "xtcp_seq.h"

/* Multiplicative decrease: cwnd * 717 / 1024, about 0.7 (RFC 9438 4.6). */
#define XTCP_CUBIC_BETA		717
#define XTCP_CUBIC_BETA_SCALE	1024
/* HyStart looks for the end of slow start only from this window on. */
#define XTCP_HYSTART_LOW_WINDOW	16

struct xtcp_cubic {
	u32	w_max;		/* cwnd before the last reduction (W_max) */
	u32	epoch_ms;	/* when this growth epoch began; 0: none */
	u32	delay_min_us;	/* the smallest RTT seen; 0: none yet */
	/*
	 * The curve's epoch lives in congestion avoidance, HyStart's round
	 * in slow start: never both, so they share the space (16 bytes of
	 * every socket).  epoch_ms != 0 says the curve's fields hold;
	 * round_live says the round's do.  Starting either ends the other.
	 */
	union {
		struct {
			u32	origin;	/* the curve's plateau, segments */
			u32	k;	/* time from the epoch to it, 1/1024 s */
			u32	ack_cnt; /* segments ACKed in the epoch */
			u32	w_est;	/* Reno-friendly window (RFC 9438 4.3) */
		};
		/* HyStart: the round of ACKs under way, what it showed. */
		struct {
			u32	round_start_us;
			u32	round_end_seq;	/* snd_nxt when it began */
			u32	last_ack_us;	/* the train's last ACK */
			u32	curr_rtt_us;	/* the round's smallest RTT */
		};
	};
	u8	sample_cnt;	/* RTT samples taken in the round */
	u8	found;		/* slow start has ended */
	u8	round_live;
};

/*
 * What HyStart concluded from an RTT sample (for the counters Linux
 * keeps): nothing, or the end of slow start, by which detector.
 */
enum xtcp_hystart_exit {
	XTCP_HYSTART_NONE,
	XTCP_HYSTART_TRAIN,	/* ACKs of a round spread over delay_min / 2 */
	XTCP_HYSTART_DELAY,	/* the round's RTT rose above delay_min */
};

/* floor(cbrt(a)), exactly. */
u32 xtcp_cbrt(u64 a);

/*
 * K, in 1/1024 s: the time the curve takes from the epoch's first window
 * @cwnd0 back up to @w_max, cbrt((W_max - cwnd0) / C) (RFC 9438 4.2);
 * 0 if @cwnd0 is at or above it.
 */
u32 xtcp_cubic_k(u32 w_max, u32 cwnd0);

/*
 * W_cubic(t) = C (t - K)^3 + origin, in whole segments, @t and @k in
 * 1/1024 s since the epoch began; @origin is the plateau, W_max or the
 * epoch's first window if that was higher.
 */
u32 xtcp_cubic_curve(u32 origin, u32 k, u64 t);

#endif /* _XTCP_CUBIC_H */
