/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SYN cookies (RFC 4987 3.6), as Linux's TCP makes them: when a listener's
 * queue of half-open connections is full (or always, net.xtcp.syncookies
 * 2), a SYN is answered without keeping anything.  The SYN-ACK's ISN is
 * the cookie, a keyed hash of the addresses, the ports, the peer's ISN
 * and the minute, with an index into a table of four MSS values (the
 * kernel's __cookie_v4_init_sequence() makes it); the ACK that returns it
 * proves the peer is at its address, and the connection is made from
 * that ACK alone.  What else the SYN offered travels in the low 6 bits of
 * the SYN-ACK's TSval, which the ACK echoes: the peer's window scale,
 * SACK-permitted and ECN.  Without timestamps a cookie carries none of
 * them.
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_SYNCOOKIE_H
#define _XTCP_SYNCOOKIE_H

#include "xtcp_seq.h"

/* The TSval's low bits, as Linux's TS_OPT_* (net/ipv4/syncookies.c). */
#define XTCP_COOKIE_TS_BITS	6
#define XTCP_COOKIE_WSCALE_MASK	0xf	/* all ones: no window scaling */
#define XTCP_COOKIE_SACK	0x10
#define XTCP_COOKIE_ECN		0x20

/* What a SYN offered that its cookie's SYN-ACK agreed to. */
struct xtcp_cookie_opts {
	bool	wscale_ok;
	u8	wscale;		/* the peer's shift */
	bool	sack_ok;
	bool	ecn_ok;
};

enum xtcp_syn_verdict {
	XTCP_SYN_QUEUE,		/* a half-open connection, as usual */
	XTCP_SYN_COOKIE,	/* a SYN-ACK with a cookie, nothing kept */
	XTCP_SYN_DROP,		/* the queue is full and cookies are off */
};

/*
 * What a listener does with a SYN, with net.xtcp.syncookies @syncookies
 * (Linux's tcp_syncookies: 0 never, 2 always, any other value when the
 * queue is full), @syn_pending half-open connections and the listen()
 * backlog @backlog, which Linux's queue may exceed by one.
 */
enum xtcp_syn_verdict xtcp_syn_verdict(int syncookies, u32 syn_pending,
				       u32 backlog);

/*
 * The SYN-ACK's TSval, before the connection's TSval offset: the clock
 * @now_ms with its low 6 bits replaced by the options, never later than
 * @now_ms (Linux's cookie_init_timestamp()).
 */
u32 xtcp_cookie_tsval(u32 now_ms, const struct xtcp_cookie_opts *o);

/*
 * The options the ACK's echoed TSval (@tsecr, less the offset) carries
 * back (Linux's cookie_timestamp_decode()).  False if they ask for what
 * this host no longer allows (@sack_on, @wscale_on: net.xtcp.sack and
 * window_scaling): the cookie is refused.
 */
bool xtcp_cookie_ts_decode(u32 tsecr, bool sack_on, bool wscale_on,
			   struct xtcp_cookie_opts *o);

#endif /* _XTCP_SYNCOOKIE_H */
