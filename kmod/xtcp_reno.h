/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NewReno congestion control arithmetic (RFC 5681, RFC 6582), for
 * xtcp_cong.c and xtcp_recovery.c.
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_RENO_H
#define _XTCP_RENO_H

#include "xtcp_seq.h"
#include "xtcp_cubic.h"

/*
 * NewReno congestion window arithmetic (RFC 5681) in segments, as Linux's
 * tcp_reno_cong_avoid() does it.
 */
#define XTCP_INIT_CWND		10		/* RFC 6928 */
#define XTCP_INFINITE_SSTHRESH	0x7fffffffU

struct xtcp_cong {
	u32	cwnd;		/* congestion window, segments */
	u32	ssthresh;	/* slow start threshold, segments */
	u32	cwnd_cnt;	/* segments acked since cwnd last grew in CA */
	union {			/* the algorithm's own state */
		struct xtcp_cubic cubic;
	} ca;
};

/*
 * What an algorithm may look at besides its window: the clocks (ms for
 * curves over seconds, us for RTTs), the send sequence space (HyStart's
 * rounds), and how long segmentation offload may hold an ACK back.
 */
struct xtcp_cong_ctx {
	u32	now_us;
	u32	now_ms;
	u32	snd_una;
	u32	snd_nxt;
	u32	ack_delay_us;
};

/*
 * May an ACK grow the window (Linux's tcp_is_cwnd_limited())?  Only one
 * the sender used: it was held by cwnd when it last sent (@cwnd_limited),
 * or, in slow start, @packets_out was more than half of it, so that slow
 * start doubles what was in flight.  An idle, app-limited or
 * receiver-limited sender has not shown that the path takes more.
 */
bool xtcp_cwnd_may_grow(const struct xtcp_cong *c, bool cwnd_limited,
			u32 packets_out);

/* cwnd 10, ssthresh infinite, nothing counted. */
void xtcp_cong_reset_window(struct xtcp_cong *c);
/*
 * Slow start for @acked_segs ACKed: cwnd grows by as many, up to
 * ssthresh (RFC 5681 3.1).  Returns what is left for congestion avoidance.
 */
u32 xtcp_slow_start(struct xtcp_cong *c, u32 acked_segs);
/*
 * Congestion avoidance: cwnd grows by one for every @w segments ACKed
 * (Reno: w = cwnd, about one per round trip; CUBIC: its own count).
 */
void xtcp_cong_avoid_ai(struct xtcp_cong *c, u32 w, u32 acked_segs);

/* cwnd = 10, ssthresh = infinite, cwnd_cnt = 0. */
/*
 * acked_segs newly acknowledged.  Slow start while cwnd < ssthresh: cwnd
 * grows by acked_segs but not past ssthresh, and what is left over goes to
 * congestion avoidance: cwnd_cnt += acked; each time cwnd_cnt reaches cwnd,
 * cwnd grows by one (about one segment per round trip).
 */

/*
 * A congestion control algorithm, as Linux's struct tcp_congestion_ops:
 * TCP_CONGESTION picks one by name.  Loss recovery (xtcp_cong_recovery_*
 * below) is the same for all; an algorithm says how the window grows and
 * how far it falls.
 */
#define XTCP_CA_NAME_MAX	16

struct xtcp_cong_ops {
	const char *name;
	void (*init)(struct xtcp_cong *c, const struct xtcp_cong_ctx *ctx);
	/* acked_segs newly acknowledged outside loss recovery. */
	void (*on_ack)(struct xtcp_cong *c, u32 acked_segs,
		       const struct xtcp_cong_ctx *ctx);
	/* The slow start threshold after a loss, in_flight_segs out. */
	u32 (*ssthresh)(struct xtcp_cong *c, u32 in_flight_segs);
	/* Optional: an RTT sample from an ACK (for HyStart). */
	enum xtcp_hystart_exit (*on_rtt)(struct xtcp_cong *c, u32 rtt_us,
					 const struct xtcp_cong_ctx *ctx);
	/* Optional: a retransmission timeout. */
	void (*on_timeout)(struct xtcp_cong *c,
			   const struct xtcp_cong_ctx *ctx);
	/* Optional: new data goes out after @idle_ms with nothing in flight. */
	void (*on_restart)(struct xtcp_cong *c, u32 idle_ms,
			   const struct xtcp_cong_ctx *ctx);
};

/* NewReno (RFC 5681, RFC 6582): the functions above. */
extern const struct xtcp_cong_ops xtcp_cong_reno;
/* CUBIC (RFC 9438) with HyStart, as Linux's default (xtcp_cubic.c). */
extern const struct xtcp_cong_ops xtcp_cong_cubic;

#define XTCP_CONG_ALGOS	2
/* All of them, by the index a socket keeps (xtcp_cong.c). */
extern const struct xtcp_cong_ops *const xtcp_cong_algos[XTCP_CONG_ALGOS];

/*
 * Fast retransmit (RFC 5681 3.2, RFC 6582 3.2) in segments:
 * enter: ssthresh from the algorithm, cwnd = ssthresh + 3 (the three
 *        segments the duplicate ACKs say have left the network);
 * dupack: each further duplicate ACK inflates cwnd by one;
 * partial: an ACK that covers acked_segs but not all that was out when
 *        recovery began deflates cwnd by acked_segs and adds one back;
 * exit:  the full ACK: cwnd = min(ssthresh, max(in_flight, 1) + 1).
 */
void xtcp_cong_recovery_enter(const struct xtcp_cong_ops *ops,
			      struct xtcp_cong *c, u32 in_flight_segs);
/* enter, when ssthresh already came down for this window (ECN's CWR). */
void xtcp_cong_recovery_inflate(struct xtcp_cong *c);
void xtcp_cong_recovery_dupack(struct xtcp_cong *c);
void xtcp_cong_recovery_partial(struct xtcp_cong *c, u32 acked_segs);
void xtcp_cong_recovery_exit(struct xtcp_cong *c, u32 in_flight_segs);
/*
 * Restart after idle (RFC 5681 4.1, RFC 2861; Linux's tcp_cwnd_restart()):
 * a sender that sent nothing for @idle, more than one @rto (any unit,
 * the same for both), must not trust a window measured long ago.  cwnd
 * halves for each RTO of idle, down to the initial window (or cwnd, if
 * smaller); ssthresh first keeps three quarters of cwnd, unless the
 * window is being reduced (@reducing), so that slow start regains it.
 */
void xtcp_cong_restart_after_idle(struct xtcp_cong *c, u32 idle, u32 rto,
				  bool reducing);
/* Retransmission timeout: ssthresh from the algorithm, cwnd = 1. */
void xtcp_cong_timeout(const struct xtcp_cong_ops *ops, struct xtcp_cong *c,
		       u32 in_flight_segs);

#endif /* _XTCP_RENO_H */
