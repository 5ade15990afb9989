// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: when a listener answers with a SYN cookie, and the
 * options a cookie's timestamp carries (xtcp_syncookie.h).
 */
#include "xtcp_syncookie.h"

enum xtcp_syn_verdict xtcp_syn_verdict(int syncookies, u32 syn_pending,
				       u32 backlog)
{
	if (syncookies == 2)
		return XTCP_SYN_COOKIE;
	if (syn_pending <= backlog)
		return XTCP_SYN_QUEUE;
	return syncookies ? XTCP_SYN_COOKIE : XTCP_SYN_DROP;
}

u32 xtcp_cookie_tsval(u32 now_ms, const struct xtcp_cookie_opts *o)
{
	u32 mask = (1U << XTCP_COOKIE_TS_BITS) - 1;
	u32 opts = o->wscale_ok ? o->wscale & XTCP_COOKIE_WSCALE_MASK :
				  XTCP_COOKIE_WSCALE_MASK;
	u32 ts;

	if (o->sack_ok)
		opts |= XTCP_COOKIE_SACK;
	if (o->ecn_ok)
		opts |= XTCP_COOKIE_ECN;
	ts = (now_ms & ~mask) | opts;
	/* Never ahead of the clock: the peer's PAWS would see it go back. */
	if ((now_ms & mask) < opts)
		ts -= mask + 1;
	return ts;
}

bool xtcp_cookie_ts_decode(u32 tsecr, bool sack_on, bool wscale_on,
			   struct xtcp_cookie_opts *o)
{
	o->sack_ok = tsecr & XTCP_COOKIE_SACK;
	o->ecn_ok = tsecr & XTCP_COOKIE_ECN;
	o->wscale_ok = false;
	o->wscale = 0;
	if (o->sack_ok && !sack_on)
		return false;
	if ((tsecr & XTCP_COOKIE_WSCALE_MASK) == XTCP_COOKIE_WSCALE_MASK)
		return true;
	o->wscale_ok = true;
	o->wscale = tsecr & XTCP_COOKIE_WSCALE_MASK;
	return wscale_on;
}
