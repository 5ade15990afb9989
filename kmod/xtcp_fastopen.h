/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP Fast Open (RFC 7413): what a listener does with a SYN that asks
 * for a cookie, brings one, or brings data, as Linux's tcp_try_fastopen().
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_FASTOPEN_H
#define _XTCP_FASTOPEN_H

#include "xtcp_seq.h"

/* net.xtcp.fastopen's bits, Linux's net.ipv4.tcp_fastopen ones. */
#define XTCP_TFO_CLIENT_ENABLE		0x1	/* send SYN data */
#define XTCP_TFO_SERVER_ENABLE		0x2	/* take SYN data */
#define XTCP_TFO_CLIENT_NO_COOKIE	0x4	/* send it without a cookie */
#define XTCP_TFO_SERVER_COOKIE_NOT_REQD	0x200	/* take it without one */
#define XTCP_TFO_SERVER_WO_SOCKOPT1	0x400	/* every listener, no option */

/* The default: clients may use it, listeners must be told (Linux's). */
#define XTCP_TFO_DEFAULT		XTCP_TFO_CLIENT_ENABLE

enum xtcp_tfo_verdict {
	XTCP_TFO_NONE,		/* a plain SYN-ACK; SYN data is not taken */
	XTCP_TFO_COOKIE,	/* a plain SYN-ACK, carrying a valid cookie */
	XTCP_TFO_ACCEPT,	/* take the data; the child is accepted now */
};

/* A SYN for a listener, and what the listener allows. */
struct xtcp_tfo_syn {
	u32	sysctl;		/* net.xtcp.fastopen */
	u32	max_qlen;	/* TCP_FASTOPEN: 0, Fast Open is off here */
	u32	qlen;		/* Fast Open children not yet established */
	bool	no_cookie;	/* TCP_FASTOPEN_NO_COOKIE on the listener */
	bool	syn_data;	/* the SYN carries data */
	bool	fo_ok;		/* ... a Fast Open option */
	u8	fo_len;		/* ... of a cookie this long (0: a request) */
	bool	cookie_valid;	/* ... which is the one we would give */
};

/* What else happened to it, for the counters of the same names. */
struct xtcp_tfo_events {
	bool	cookie_reqd;	/* TCPFastOpenCookieReqd */
	bool	overflow;	/* TCPFastOpenListenOverflow */
	bool	passive_fail;	/* TCPFastOpenPassiveFail: a bad cookie */
};

/*
 * The verdict on a SYN: Fast Open needs the server bit, a listener with
 * a queue (TCP_FASTOPEN) and room in it, and data or the option.  Then a
 * valid cookie (or none needed) makes a child that takes the data; a
 * request, or a cookie that is not ours, gets our cookie in the SYN-ACK.
 */
enum xtcp_tfo_verdict xtcp_tfo_passive(const struct xtcp_tfo_syn *s,
				       struct xtcp_tfo_events *ev);

#endif /* _XTCP_FASTOPEN_H */
