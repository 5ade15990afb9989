// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: the listener's TCP Fast Open verdict (RFC 7413).
 *
 * Only computation: xtcp_input.c gives it the SYN and the listener's
 * settings and acts on the answer, and kmod/test/ compiles this file in
 * user space to test every rule under sanitizers.
 */
#include "xtcp_fastopen.h"

enum xtcp_tfo_verdict xtcp_tfo_passive(const struct xtcp_tfo_syn *s,
				       struct xtcp_tfo_events *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->cookie_reqd = s->fo_ok && !s->fo_len;
	if (!(s->sysctl & XTCP_TFO_SERVER_ENABLE) ||
	    !(s->syn_data || s->fo_ok) || !s->max_qlen)
		return XTCP_TFO_NONE;
	/*
	 * The queue is checked before the cookie, as Linux does, so that a
	 * flood of SYNs with cookies costs no hashing once it is full.
	 */
	if (s->qlen >= s->max_qlen) {
		ev->overflow = true;
		return XTCP_TFO_NONE;
	}
	if ((s->sysctl & XTCP_TFO_SERVER_COOKIE_NOT_REQD) || s->no_cookie)
		return XTCP_TFO_ACCEPT;
	if (!s->fo_ok)
		return XTCP_TFO_NONE;	/* data without the option */
	if (!s->fo_len)
		return XTCP_TFO_COOKIE;
	if (s->cookie_valid)
		return XTCP_TFO_ACCEPT;
	ev->passive_fail = true;
	return XTCP_TFO_COOKIE;
}
