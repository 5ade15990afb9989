/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels XTCP builds for (Debian's 6.1 and
 * 6.12), in one place.  Kbuild finds each feature in the kernel's own
 * headers and defines XTCP_HAVE_*; the .c files use only what is here.
 */
#ifndef _XTCP_COMPAT_H
#define _XTCP_COMPAT_H

#include <linux/net.h>
#include <linux/sysctl.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>
/* 6.10 moved the memory accounting's pressure helpers out of <net/sock.h>. */
#ifdef XTCP_HAVE_PROTO_MEMORY_H
#include <net/proto_memory.h>
#endif
/* 6.11 moved skb_frag_unref() and its kin out of <linux/skbuff.h>. */
#ifdef XTCP_HAVE_SKBUFF_REF
#include <linux/skbuff_ref.h>
#endif

/* 6.11 made sysctl tables (and their handlers' view of them) const. */
#ifdef XTCP_HAVE_CONST_CTL_TABLE
#define XTCP_CTL_TABLE	const struct ctl_table
#else
#define XTCP_CTL_TABLE	struct ctl_table
#endif

/* 6.6 registers a table with its size instead of a sentinel entry. */
static inline struct ctl_table_header *
xtcp_register_net_sysctl(struct net *net, const char *path,
			 struct ctl_table *table, size_t n)
{
#ifdef XTCP_HAVE_SYSCTL_SZ
	return register_net_sysctl_sz(net, path, table, n);
#else
	return register_net_sysctl(net, path, table);
#endif
}

/*
 * The first SYN retransmissions that keep a 1 s interval before backing
 * off, where the kernel has tcp_syn_linear_timeouts (Debian's 6.12; 4
 * by default): 0 elsewhere.
 */
static inline u32 xtcp_syn_linear_timeouts(const struct net *net)
{
#ifdef XTCP_HAVE_SYN_LINEAR_TIMEOUTS
	return READ_ONCE(net->ipv4.sysctl_tcp_syn_linear_timeouts);
#else
	return 0;
#endif
}

/* net.core.optmem_max: what a socket's option memory may hold. */
static inline int xtcp_optmem_max(const struct net *net)
{
#ifdef XTCP_HAVE_NETNS_OPTMEM
	return READ_ONCE(net->core.sysctl_optmem_max);
#else
	return READ_ONCE(sysctl_optmem_max);
#endif
}

/*
 * A listener's IP-level flags (IP_RECVERR, IP_FREEBIND, IP_TRANSPARENT,
 * IP_BIND_ADDRESS_NO_PORT, the control-message flags...) pass to a child
 * whole, as Linux's clone of the listener copies them.
 */
static inline void xtcp_inet_flags_copy(struct sock *child,
					const struct sock *parent)
{
#ifdef XTCP_HAVE_INET_FLAGS
	WRITE_ONCE(inet_sk(child)->inet_flags,
		   READ_ONCE(inet_sk(parent)->inet_flags));
#else
	const struct inet_sock *p = inet_sk(parent);
	struct inet_sock *c = inet_sk(child);

	c->cmsg_flags = p->cmsg_flags;
	c->recverr = p->recverr;
	c->is_icsk = p->is_icsk;
	c->freebind = p->freebind;
	c->hdrincl = p->hdrincl;
	c->mc_loop = p->mc_loop;
	c->transparent = p->transparent;
	c->mc_all = p->mc_all;
	c->nodefrag = p->nodefrag;
	c->bind_address_no_port = p->bind_address_no_port;
	c->recverr_rfc4884 = p->recverr_rfc4884;
	c->defer_connect = p->defer_connect;
#endif
}

/* IP_RECVERR: the user asked for every ICMP error as it comes. */
static inline bool xtcp_sk_recverr(const struct sock *sk)
{
#ifdef XTCP_HAVE_INET_FLAGS
	return inet_test_bit(RECVERR, sk);
#else
	return inet_sk(sk)->recverr;
#endif
}

/*
 * A socket that gives up its reference on the namespace becomes what
 * sk_alloc() makes of a kernel socket: newer kernels give those a
 * passive reference, which keeps struct net in memory until the socket
 * is freed, and a tracker that is not a refcount.
 */
static inline void xtcp_net_passive_get(struct net *net)
{
#ifdef XTCP_HAVE_NET_PASSIVE
	net_passive_inc(net);
#endif
}

static inline void xtcp_netns_tracker_alloc(struct net *net,
					    netns_tracker *tracker)
{
#ifdef XTCP_HAVE_NETNS_TRACKER_ALLOC
	__netns_tracker_alloc(net, tracker, false, GFP_ATOMIC);
#endif
}

/* proto_ops.accept: 6.10 passes its flags in struct proto_accept_arg. */
int xtcp_do_accept(struct sock *sk, struct socket *newsock, int flags);
#ifdef XTCP_HAVE_ACCEPT_ARG
static inline int xtcp_accept(struct socket *sock, struct socket *newsock,
			      struct proto_accept_arg *arg)
{
	return xtcp_do_accept(sock->sk, newsock, arg->flags);
}
#else
static inline int xtcp_accept(struct socket *sock, struct socket *newsock,
			      int flags, bool kern)
{
	return xtcp_do_accept(sock->sk, newsock, flags);
}
#endif

/*
 * The MSS a SYN cookie returned in @th (an ACK) stands for, 0 if the
 * cookie is not ours or too old.  6.12 reads it from the ACK itself.
 */
static inline int xtcp_cookie_v4_check(const struct iphdr *iph,
				       const struct tcphdr *th)
{
#ifdef XTCP_HAVE_COOKIE_CHECK_2
	return __cookie_v4_check(iph, th);
#else
	return __cookie_v4_check(iph, th, ntohl(th->ack_seq) - 1);
#endif
}

#endif /* _XTCP_COMPAT_H */
