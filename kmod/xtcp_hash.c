// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP connection tables, one set per network namespace.
 *
 * ehash: connections by 4-tuple (SYN_SENT onward, TIME_WAIT included).
 * lhash: listeners by local port.
 * bhash: every socket holding a local port, for bind() conflicts and
 *        /proc/net/xtcp.
 *
 * Lookups on the receive path run under RCU only: sockets carry
 * SOCK_RCU_FREE, so a socket found in a chain stays valid until the grace
 * period ends, and a reference is taken with refcount_inc_not_zero().
 * A socket can move to another chain while a lookup walks it (a
 * disconnect and a new connect): ehash and lhash are hlist_nulls lists
 * whose end marker names the bucket, so a lookup that finishes in the
 * wrong chain starts again, as Linux's __inet_lookup_established() does.
 * Writers (bind, connect, listen, close) take the namespace's spinlock.
 */
#include <linux/bitmap.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <net/net_namespace.h>
#include <net/ip.h>

#include "xtcp.h"

static u32 xtcp_hash_seed __read_mostly;

static u32 xtcp_ehashfn(__be32 laddr, u16 lport, __be32 faddr, __be16 fport)
{
	return jhash_3words((__force u32)laddr, (__force u32)faddr,
			    ((u32)lport << 16) | (__force u32)fport,
			    xtcp_hash_seed) & ((1 << XTCP_EHASH_BITS) - 1);
}

static u32 xtcp_lhashfn(u16 port)
{
	return hash_32(port, XTCP_LHASH_BITS);
}

static struct hlist_head *xtcp_bhash_bucket(struct xtcp_net *xn, u16 port)
{
	return &xn->bhash[hash_32(port, XTCP_BHASH_BITS)];
}

/* Do two sockets bound to the same port claim overlapping addresses? */
static bool xtcp_addr_overlap(const struct sock *a, const struct sock *b)
{
	if (a->sk_bound_dev_if && b->sk_bound_dev_if &&
	    a->sk_bound_dev_if != b->sk_bound_dev_if)
		return false;
	return !a->sk_rcv_saddr || !b->sk_rcv_saddr ||
	       a->sk_rcv_saddr == b->sk_rcv_saddr;
}

/*
 * Linux's rule: SO_REUSEADDR on both lets a port be shared as long as the
 * socket already there is not listening.  A child still in SYN_RECV
 * holds no port, as Linux's request sockets are outside its bind table:
 * its listener holds the port while it lives, and once that is closed a
 * new bind() must not wait for the old handshake to end (its ACK then
 * finds the child unwanted and is answered with a RST).
 */
static bool xtcp_bind_conflict(struct xtcp_net *xn, const struct sock *sk,
			       u16 port)
{
	struct sock *sk2;

	lockdep_assert_held(&xn->lock);
	sk_for_each_bound(sk2, xtcp_bhash_bucket(xn, port)) {
		if (sk2 == sk || inet_sk(sk2)->inet_num != port)
			continue;
		if (!xtcp_addr_overlap(sk, sk2))
			continue;
		if (sk2->sk_state == TCP_SYN_RECV && xtcp_parent(xtcp_sk(sk2)))
			continue;
		if (sk->sk_reuse && sk2->sk_reuse &&
		    sk2->sk_state != TCP_LISTEN)
			continue;
		return true;
	}
	return false;
}

/*
 * Whether any socket holds the port, from the bitmap that mirrors bhash:
 * the ephemeral search tests thousands of ports when most are held (by
 * TIME_WAIT after a burst of short connections), and walking a chain for
 * each made connect() take milliseconds.
 */
static bool xtcp_port_in_use(struct xtcp_net *xn, u16 port)
{
	lockdep_assert_held(&xn->lock);
	return test_bit(port, xn->port_used);
}

static void __xtcp_add_bind(struct xtcp_net *xn, struct sock *sk, u16 port)
{
	lockdep_assert_held(&xn->lock);
	inet_sk(sk)->inet_num = port;
	inet_sk(sk)->inet_sport = htons(port);
	sk_add_bind_node(sk, xtcp_bhash_bucket(xn, port));
	__set_bit(port, xn->port_used);
}

/* @sk leaves bhash; the port is free once no other socket holds it. */
static void __xtcp_del_bind(struct xtcp_net *xn, struct sock *sk)
{
	u16 port = inet_sk(sk)->inet_num;
	struct sock *sk2;

	lockdep_assert_held(&xn->lock);
	__sk_del_bind_node(sk);
	sk_node_init(&sk->sk_bind_node);
	sk_for_each_bound(sk2, xtcp_bhash_bucket(xn, port))
		if (inet_sk(sk2)->inet_num == port)
			return;
	__clear_bit(port, xn->port_used);
}

/*
 * An ephemeral port from the namespace's ip_local_port_range that no
 * socket holds, from a random start.  As Linux, connect() takes ports an
 * even distance from the range's start first, bind(0) and listen() odd
 * ones (inet_csk_find_open_port(), __inet_hash_connect()): a connection
 * then never picks a listener's automatic port, which would connect it to
 * itself when that listener is in another namespace or gone.
 */
static int xtcp_autobind(struct xtcp_net *xn, struct sock *sk, bool connect)
{
	int low, high;
	u32 span, offset, i, pass;

	inet_sk_get_local_port_range(sk, &low, &high);
	span = high - low + 1;
	if (span > 1)
		span &= ~1U;	/* whole pairs: parity survives the wrap */
	offset = get_random_u32_below(span);
	if (span > 1)
		offset = (offset & ~1U) | (connect ? 0 : 1);
	for (pass = 0; pass < 2; pass++, offset ^= 1) {
		for (i = 0; i < span; i += 2) {
			u16 port = low + (offset + i) % span;

			if (!xtcp_port_in_use(xn, port)) {
				__xtcp_add_bind(xn, sk, port);
				return 0;
			}
		}
		if (span == 1)
			break;
	}
	/* What bind() and listen() say when the range is used up. */
	return -EADDRINUSE;
}

/* Take a local port: port, or with port == 0 an ephemeral one. */
static int __xtcp_bind_port(struct sock *sk, u16 port, bool connect)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	int err = 0;

	spin_lock_bh(&xn->lock);
	if (!port)
		err = xtcp_autobind(xn, sk, connect);
	else if (xtcp_bind_conflict(xn, sk, port))
		err = -EADDRINUSE;
	else
		__xtcp_add_bind(xn, sk, port);
	spin_unlock_bh(&xn->lock);
	return err;
}

/* bind() and listen(). */
int xtcp_bind_port(struct sock *sk, u16 port)
{
	return __xtcp_bind_port(sk, port, false);
}

/* connect() on a socket with no port yet. */
int xtcp_connect_port(struct sock *sk)
{
	return __xtcp_bind_port(sk, 0, true);
}

/* Re-check the port at listen() time: two listeners may not share it. */
int xtcp_listen_hash(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	u16 port = inet_sk(sk)->inet_num;
	int err = 0;

	spin_lock_bh(&xn->lock);
	if (xtcp_bind_conflict(xn, sk, port)) {
		err = -EADDRINUSE;
	} else {
		inet_sk_set_state(sk, TCP_LISTEN);
		sk_nulls_add_node_rcu(sk, &xn->lhash[xtcp_lhashfn(port)]);
	}
	spin_unlock_bh(&xn->lock);
	return err;
}

static bool xtcp_ehash_match(const struct sock *sk, __be32 saddr,
			     __be16 sport, __be32 daddr, u16 hnum, int dif)
{
	return sk->sk_daddr == saddr && sk->sk_rcv_saddr == daddr &&
	       inet_sk(sk)->inet_dport == sport &&
	       inet_sk(sk)->inet_num == hnum &&
	       (!sk->sk_bound_dev_if || sk->sk_bound_dev_if == dif);
}

/* Put a connecting socket into ehash; its 4-tuple must be unique. */
int xtcp_connect_hash(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct inet_sock *inet = inet_sk(sk);
	struct hlist_nulls_head *head;
	struct hlist_nulls_node *node;
	struct sock *sk2;
	int err = 0;

	head = &xn->ehash[xtcp_ehashfn(inet->inet_rcv_saddr, inet->inet_num,
				       inet->inet_daddr, inet->inet_dport)];
	spin_lock_bh(&xn->lock);
	sk_nulls_for_each(sk2, node, head) {
		if (xtcp_ehash_match(sk2, inet->inet_daddr, inet->inet_dport,
				     inet->inet_rcv_saddr, inet->inet_num,
				     sk->sk_bound_dev_if)) {
			err = -EADDRNOTAVAIL;
			goto out;
		}
	}
	sk_nulls_add_node_rcu(sk, head);
out:
	spin_unlock_bh(&xn->lock);
	return err;
}

/* A child of a listener shares its port and enters ehash at birth. */
void xtcp_child_hash(struct sock *parent, struct sock *child)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(child));
	struct inet_sock *inet = inet_sk(child);

	spin_lock(&xn->lock);
	sk_add_bind_node(child, xtcp_bhash_bucket(xn, inet->inet_num));
	__set_bit(inet->inet_num, xn->port_used);
	sk_nulls_add_node_rcu(child,
			      &xn->ehash[xtcp_ehashfn(inet->inet_rcv_saddr,
						      inet->inet_num,
						      inet->inet_daddr,
						      inet->inet_dport)]);
	spin_unlock(&xn->lock);
}

/* Leave ehash or lhash (the port is kept: see xtcp_put_port()). */
void xtcp_unhash(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));

	if (sk_unhashed(sk))
		return;
	spin_lock_bh(&xn->lock);
	sk_nulls_del_node_init_rcu(sk);
	spin_unlock_bh(&xn->lock);
}

void xtcp_put_port(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));

	/* Holding none: nothing of the namespace's is touched. */
	if (hlist_unhashed(&sk->sk_bind_node) && !inet_sk(sk)->inet_num)
		return;
	spin_lock_bh(&xn->lock);
	if (!hlist_unhashed(&sk->sk_bind_node))
		__xtcp_del_bind(xn, sk);
	inet_sk(sk)->inet_num = 0;
	inet_sk(sk)->inet_sport = 0;
	spin_unlock_bh(&xn->lock);
}

/* The best listener: a specific address beats INADDR_ANY.  Under RCU. */
static struct sock *xtcp_lookup_listener_rcu(struct xtcp_net *xn,
					     __be32 daddr, u16 hnum, int dif)
{
	struct hlist_nulls_node *node;
	struct sock *sk, *best;

again:
	best = NULL;
	sk_nulls_for_each_rcu(sk, node, &xn->lhash[xtcp_lhashfn(hnum)]) {
		if (inet_sk(sk)->inet_num != hnum ||
		    sk->sk_state != TCP_LISTEN)
			continue;
		if (sk->sk_bound_dev_if && sk->sk_bound_dev_if != dif)
			continue;
		if (sk->sk_rcv_saddr == daddr) {
			best = sk;
			break;
		}
		if (!sk->sk_rcv_saddr && !best)
			best = sk;
	}
	if (is_a_nulls(node) && get_nulls_value(node) != xtcp_lhashfn(hnum))
		goto again;
	if (best && refcount_inc_not_zero(&best->sk_refcnt))
		return best;
	return NULL;
}

/* The listener for a segment to daddr:dport, with a reference, or NULL. */
struct sock *xtcp_lookup_listener(struct net *net, __be32 daddr,
				  __be16 dport, int dif)
{
	struct sock *sk;

	rcu_read_lock();
	sk = xtcp_lookup_listener_rcu(xtcp_pernet(net), daddr, ntohs(dport),
				      dif);
	rcu_read_unlock();
	return sk;
}

/* The connection with this exact 4-tuple, under RCU, referenced. */
static struct sock *xtcp_lookup_established_rcu(struct xtcp_net *xn,
						__be32 saddr, __be16 sport,
						__be32 daddr, __be16 dport,
						int dif)
{
	u32 slot = xtcp_ehashfn(daddr, ntohs(dport), saddr, sport);
	struct hlist_nulls_node *node;
	u16 hnum = ntohs(dport);
	struct sock *sk;

again:
	sk_nulls_for_each_rcu(sk, node, &xn->ehash[slot]) {
		if (!xtcp_ehash_match(sk, saddr, sport, daddr, hnum, dif))
			continue;
		if (!refcount_inc_not_zero(&sk->sk_refcnt))
			break;		/* being freed: as if not there */
		/* It may have been rehashed since it matched. */
		if (xtcp_ehash_match(sk, saddr, sport, daddr, hnum, dif))
			return sk;
		sock_put(sk);
		goto again;
	}
	if (is_a_nulls(node) && get_nulls_value(node) != slot)
		goto again;	/* ended in another chain */
	return NULL;
}

/*
 * The connection (SYN_SENT to TIME_WAIT, half-open children included)
 * a segment from saddr:sport to daddr:dport belongs to, with a
 * reference held, or NULL: no listener.
 */
struct sock *xtcp_lookup_established(struct net *net, __be32 saddr,
				     __be16 sport, __be32 daddr,
				     __be16 dport, int dif)
{
	struct sock *sk;

	rcu_read_lock();
	sk = xtcp_lookup_established_rcu(xtcp_pernet(net), saddr, sport,
					 daddr, dport, dif);
	rcu_read_unlock();
	return sk;
}

/*
 * Find the socket for an arriving segment: an exact 4-tuple match first,
 * then the best listener.  Returns the socket with a reference held, or
 * NULL.
 */
struct sock *xtcp_lookup(struct net *net, __be32 saddr, __be16 sport,
			 __be32 daddr, __be16 dport, int dif)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct sock *sk;

	rcu_read_lock();
	sk = xtcp_lookup_established_rcu(xn, saddr, sport, daddr, dport, dif);
	if (!sk)
		sk = xtcp_lookup_listener_rcu(xn, daddr, ntohs(dport), dif);
	rcu_read_unlock();
	return sk;
}

/*
 * Take one socket still in the connection table, with a reference, or
 * NULL when the table is empty.  The search starts at *@bucket and
 * leaves it where it found one: a caller that empties the table as it
 * goes does not rescan the chains it emptied.
 */
struct sock *xtcp_ehash_first(struct xtcp_net *xn, unsigned int *bucket)
{
	struct hlist_nulls_node *node;
	struct sock *sk;

	spin_lock_bh(&xn->lock);
	for (; *bucket < 1U << XTCP_EHASH_BITS; (*bucket)++) {
		sk_nulls_for_each(sk, node, &xn->ehash[*bucket]) {
			sock_hold(sk);
			spin_unlock_bh(&xn->lock);
			return sk;
		}
	}
	spin_unlock_bh(&xn->lock);
	return NULL;
}

/* A namespace's empty tables: each chain ends in a marker naming its bucket. */
int xtcp_hash_init_net(struct xtcp_net *xn)
{
	unsigned int i;

	xn->ehash = kvmalloc_array(1U << XTCP_EHASH_BITS, sizeof(*xn->ehash),
				   GFP_KERNEL);
	xn->bhash = kvcalloc(1U << XTCP_BHASH_BITS, sizeof(*xn->bhash),
			     GFP_KERNEL);
	xn->port_used = bitmap_zalloc(XTCP_NR_PORTS, GFP_KERNEL);
	if (!xn->ehash || !xn->bhash || !xn->port_used) {
		xtcp_hash_exit_net(xn);
		return -ENOMEM;
	}
	for (i = 0; i < 1U << XTCP_EHASH_BITS; i++)
		INIT_HLIST_NULLS_HEAD(&xn->ehash[i], i);
	for (i = 0; i < ARRAY_SIZE(xn->lhash); i++)
		INIT_HLIST_NULLS_HEAD(&xn->lhash[i], i);
	spin_lock_init(&xn->lock);
	return 0;
}

/* After the namespace's sockets are gone. */
void xtcp_hash_exit_net(struct xtcp_net *xn)
{
	bitmap_free(xn->port_used);
	kvfree(xn->bhash);
	kvfree(xn->ehash);
}

void xtcp_hash_init(void)
{
	xtcp_hash_seed = get_random_u32();
}
