// SPDX-License-Identifier: GPL-2.0
/*
 * TCP Fast Open's cookies (RFC 7413 4.1).  A listener's cookie for a
 * client is a keyed hash of the two addresses, as Linux makes it:
 * SipHash of the SYN's source and destination address with a random key
 * of the namespace, 8 bytes, so it needs no state and a client cannot
 * forge one for another address.  A client keeps the cookies servers
 * gave it, with their MSS, for its next SYN to them (Linux keeps them in
 * tcp_metrics).
 */
#include <linux/random.h>
#include <linux/siphash.h>

#include "xtcp.h"

void xtcp_fastopen_init_net(struct xtcp_net *xn)
{
	get_random_bytes(&xn->fastopen.key, sizeof(xn->fastopen.key));
	spin_lock_init(&xn->fastopen.lock);
}

/* Our cookie for a client at @saddr reaching us at @daddr, into *fo. */
void xtcp_fastopen_cookie_make(const struct net *net, __be32 saddr,
			       __be32 daddr, struct xtcp_opts *fo)
{
	__be32 addrs[2] = { saddr, daddr };
	__le64 val;

	val = cpu_to_le64(siphash(addrs, sizeof(addrs),
				  &xtcp_pernet(net)->fastopen.key));
	memcpy(fo->fo_cookie, &val, sizeof(val));
	fo->fo_len = sizeof(val);
	fo->fo_ok = true;
}

/* Is the cookie in @o the one we give that client? */
bool xtcp_fastopen_cookie_valid(const struct net *net, __be32 saddr,
				__be32 daddr, const struct xtcp_opts *o)
{
	struct xtcp_opts want = {};

	if (!o->fo_ok || o->fo_len != XTCP_FASTOPEN_COOKIE_SIZE)
		return false;
	xtcp_fastopen_cookie_make(net, saddr, daddr, &want);
	return !memcmp(want.fo_cookie, o->fo_cookie, want.fo_len);
}

/*
 * The slot for the pair, or with @create the free or least recently used
 * one, cleared for it.  Under fn->lock.
 */
static struct xtcp_fastopen_cached *
xtcp_fastopen_slot(struct xtcp_fastopen_net *fn, __be32 saddr, __be32 daddr,
		   bool create)
{
	struct xtcp_fastopen_cached *e, *victim = NULL;
	unsigned int i;

	for (i = 0; i < XTCP_FASTOPEN_CACHE_SIZE; i++) {
		e = &fn->cache[i];
		if (e->saddr == saddr && e->daddr == daddr)
			return e;
		if (!victim || (!e->daddr && victim->daddr) ||
		    (e->daddr && victim->daddr &&
		     (s32)(e->used - victim->used) < 0))
			victim = e;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	victim->saddr = saddr;
	victim->daddr = daddr;
	return victim;
}

/*
 * The cookie and MSS a server at @daddr gave us at @saddr: the cookie
 * into *fo (fo_len 0 and fo_ok false if there is none), the MSS into
 * *mss (0 if unknown).  Returns whether there is a cookie.
 */
bool xtcp_fastopen_cache_get(const struct net *net, __be32 saddr,
			     __be32 daddr, struct xtcp_opts *fo, u16 *mss)
{
	struct xtcp_fastopen_net *fn = &xtcp_pernet(net)->fastopen;
	struct xtcp_fastopen_cached *e;

	fo->fo_ok = false;
	fo->fo_len = 0;
	*mss = 0;
	spin_lock_bh(&fn->lock);
	e = xtcp_fastopen_slot(fn, saddr, daddr, false);
	if (e) {
		e->used = xtcp_jiffies32();
		*mss = e->mss;
		if (e->len) {
			memcpy(fo->fo_cookie, e->cookie, e->len);
			fo->fo_len = e->len;
			fo->fo_ok = true;
		}
	}
	spin_unlock_bh(&fn->lock);
	return fo->fo_ok;
}

/*
 * A SYN-ACK answered our Fast Open SYN: remember its MSS (if it had one)
 * and its cookie (if it brought one; an old one stays otherwise, as
 * Linux's tcp_fastopen_cache_set()).
 */
void xtcp_fastopen_cache_set(const struct net *net, __be32 saddr,
			     __be32 daddr, u16 mss, const struct xtcp_opts *o)
{
	struct xtcp_fastopen_net *fn = &xtcp_pernet(net)->fastopen;
	struct xtcp_fastopen_cached *e;

	spin_lock_bh(&fn->lock);
	e = xtcp_fastopen_slot(fn, saddr, daddr, true);
	e->used = xtcp_jiffies32();
	if (mss)
		e->mss = mss;
	if (o->fo_ok && o->fo_len) {
		memcpy(e->cookie, o->fo_cookie, o->fo_len);
		e->len = o->fo_len;
	}
	spin_unlock_bh(&fn->lock);
}
