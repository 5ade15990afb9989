// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: The retransmission timer (RFC 6298) and when probing gives up.
 *
 * Only computation: the module calls these with values from the socket
 * and the segment and acts on the answer, and kmod/test/ compiles this
 * file in user space to test every rule under sanitizers.
 */
#include "xtcp_rtt.h"

void xtcp_rtt_init(struct xtcp_rtt_est *e)
{
	e->srtt_us = 0;
	e->rttvar_us = 0;
	e->min_rtt_us = 0;
	e->rto_us = XTCP_RTO_INIT_US;
}

/*
 * RTO = SRTT + max(4 * RTTVAR, RTO_MIN).  RFC 6298 2.3 adds max(G, 4 *
 * RTTVAR), G the clock granularity; Linux uses its 200 ms minimum there
 * instead, so that a very steady path (RTTVAR near 0) still leaves room
 * for a delayed ACK before the timer fires.  The sum is done in 64 bits
 * since 4 * RTTVAR may not fit in 32.
 */
static u32 xtcp_rto_compute(const struct xtcp_rtt_est *e)
{
	u64 var = (u64)e->rttvar_us * 4;
	u64 rto;

	if (var < XTCP_RTO_MIN_US)
		var = XTCP_RTO_MIN_US;
	rto = e->srtt_us + var;
	if (rto < XTCP_RTO_MIN_US)
		rto = XTCP_RTO_MIN_US;
	if (rto > XTCP_RTO_MAX_US)
		rto = XTCP_RTO_MAX_US;
	return (u32)rto;
}

void xtcp_rtt_sample(struct xtcp_rtt_est *e, u32 rtt_us)
{
	/* A zero sample would mean "no RTT": srtt_us 0 is "none yet". */
	u32 r = rtt_us ? rtt_us : 1;
	u32 delta;

	if (!xtcp_rtt_has_sample(e) || r < e->min_rtt_us)
		e->min_rtt_us = r;
	if (!xtcp_rtt_has_sample(e)) {
		/* RFC 6298 2.2: the first measurement R. */
		e->srtt_us = r;
		e->rttvar_us = r / 2;
	} else {
		/*
		 * RFC 6298 2.3, alpha = 1/8 and beta = 1/4.  RTTVAR is updated
		 * first since it uses the SRTT from before this sample.  The
		 * weighted sums can pass 2^32, so use 64 bits; the averages
		 * themselves always fit again.  Division rounds down, and
		 * from SRTT >= 1 and R >= 1 never to 0.
		 */
		delta = e->srtt_us > r ? e->srtt_us - r : r - e->srtt_us;
		e->rttvar_us = (u32)(((u64)e->rttvar_us * 3 + delta) / 4);
		e->srtt_us = (u32)(((u64)e->srtt_us * 7 + r) / 8);
	}
	e->rto_us = xtcp_rto_compute(e);
}

u32 xtcp_rto_user_clamp(u32 rto_us, u32 user_timeout_ms, u32 elapsed_ms)
{
	u64 left_us;

	if (!user_timeout_ms)
		return rto_us;
	if (elapsed_ms >= user_timeout_ms)
		return 1;
	left_us = (u64)(user_timeout_ms - elapsed_ms) * 1000;
	return left_us < rto_us ? (u32)left_us : rto_us;
}

bool xtcp_probe_give_up(const struct xtcp_probe_state *p)
{
	u32 max_probes = p->retries2;

	if (p->user_timeout_ms && p->elapsed_ms >= p->user_timeout_ms)
		return true;
	if (p->orphan) {
		/* Backed off to the maximum: nobody has answered for long. */
		if (xtcp_rto_backoff(p->rto_us, p->backoff) >= XTCP_RTO_MAX_US)
			return true;
		max_probes = p->orphan_retries;
	}
	return p->probes_out >= max_probes;
}
