/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The retransmission timer (RFC 6298) and when probing gives up, for
 * xtcp_timer.c and xtcp_input.c.
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_RTT_H
#define _XTCP_RTT_H

#include "xtcp_seq.h"

/*
 * Retransmission timeout (RFC 6298), all times in microseconds, with
 * Linux's floor: RTO = SRTT + max(4 * RTTVAR, RTO_MIN), then clamped to
 * [RTO_MIN, RTO_MAX].
 */
#define XTCP_RTO_MIN_US		200000U		/* 200 ms */
#define XTCP_RTO_MAX_US		120000000U	/* 120 s */
#define XTCP_RTO_INIT_US	1000000U	/* 1 s, RFC 6298 2.1 */

struct xtcp_rtt_est {
	u32	srtt_us;	/* smoothed round-trip time */
	u32	rttvar_us;	/* round-trip time variation */
	u32	rto_us;		/* current timeout, before backoff */
	u32	min_rtt_us;	/* smallest sample, for RACK's reordering window */
};

/* A sample was taken: srtt_us is then at least 1, as Linux's. */
static inline bool xtcp_rtt_has_sample(const struct xtcp_rtt_est *e)
{
	return e->srtt_us != 0;
}

/* No measurement yet: RTO = 1 s. */
void xtcp_rtt_init(struct xtcp_rtt_est *e);
/*
 * Feed one RTT measurement (never from a retransmitted segment: Karn).
 * First sample: SRTT = R, RTTVAR = R/2.  Later ones: RTTVAR = 3/4 RTTVAR +
 * 1/4 |SRTT - R|, then SRTT = 7/8 SRTT + 1/8 R.  An rtt_us of 0 counts as 1.
 */
void xtcp_rtt_sample(struct xtcp_rtt_est *e, u32 rtt_us);
/* rto_us doubled backoff times (RFC 6298 5.5), at most XTCP_RTO_MAX_US. */
static inline u32 xtcp_rto_backoff(u32 rto_us, unsigned int backoff)
{
	/*
	 * Shifting a 32-bit value by 32 or more is undefined in C, and
	 * shifting by less can still overflow: compare before shifting
	 * instead.  rto_us > MAX >> backoff exactly when rto_us << backoff
	 * would exceed MAX.
	 */
	if (backoff >= 32)
		return rto_us ? XTCP_RTO_MAX_US : 0;
	if (rto_us > (XTCP_RTO_MAX_US >> backoff))
		return XTCP_RTO_MAX_US;
	return rto_us << backoff;
}

/*
 * The timer after a retransmission timeout, @rto_us, when
 * TCP_USER_TIMEOUT (@user_timeout_ms, 0: none) bounds the episode that
 * began @elapsed_ms ago: cut short to end where that timeout does, and
 * 1 us (at once) once it has passed, so the connection ends on time
 * rather than a whole backed-off RTO later (Linux's
 * tcp_clamp_rto_to_user_timeout()).
 */
u32 xtcp_rto_user_clamp(u32 rto_us, u32 user_timeout_ms, u32 elapsed_ms);

/*
 * The persist timer fired: give up on a peer whose window keeps our data
 * back?  As Linux's tcp_probe_timer(): RFC 1122 4.2.2.17 keeps probing a
 * peer that answers (its ACKs reset probes_out), but TCP_USER_TIMEOUT
 * bounds the time since the first probe, retries2 the probes nobody
 * answered, and an orphan gets orphan_retries while its probes are still
 * spaced less than the maximum RTO, none after.
 */
struct xtcp_probe_state {
	u32	probes_out;	/* window probes sent and not answered */
	u32	elapsed_ms;	/* since the first probe; 0 at the first */
	u32	user_timeout_ms;	/* TCP_USER_TIMEOUT, 0: none */
	u32	rto_us;		/* before backoff */
	u32	backoff;	/* doublings so far */
	u32	retries2;	/* Linux's tcp_retries2 */
	u32	orphan_retries;	/* for an orphan whose peer may be alive */
	bool	orphan;		/* no user holds the socket */
};

bool xtcp_probe_give_up(const struct xtcp_probe_state *p);

#endif /* _XTCP_RTT_H */
