// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP over IPv4, Linux's tcp_ipv4.c: the route and the four-tuple of an
 * active open, a segment's arrival from IP (header and checksum checks,
 * the socket lookup, IPsec policy, then processing or the owner's
 * backlog), and the resets sent for segments no socket owns.
 */
#include <linux/filter.h>
#include <linux/module.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/dsfield.h>
#include <net/route.h>
#include <net/secure_seq.h>
#include <net/xfrm.h>

#include "xtcp.h"
#include "xtcp_compat.h"
#include "xtcp_trace.h"

/*
 * Route, pick a port, and send the SYN (RFC 9293 3.10.1, active OPEN),
 * with the data of @fo if a write connects (Fast Open), or not yet if
 * TCP_FASTOPEN_CONNECT defers it to the first write.
 */
int xtcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len,
		    struct xtcp_fastopen_req *fo)
{
	struct sockaddr_in *usin = (struct sockaddr_in *)uaddr;
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	bool autobind = !inet->inet_num;
	union tcp_seq_and_ts_off isn;
	struct flowi4 *fl4;
	struct rtable *rt;
	int err;

	sock_owned_by_me(sk);
	if (addr_len < sizeof(struct sockaddr_in))
		return -EINVAL;
	if (!xtcp_family_ok(usin->sin_family))
		return -EAFNOSUPPORT;

	fl4 = &inet->cork.fl.u.ip4;
	rt = ip_route_output_ports(net, fl4, sk, usin->sin_addr.s_addr,
				   inet->inet_saddr, usin->sin_port,
				   inet->inet_sport, IPPROTO_XTCP,
				   inet->tos & IPTOS_TOS_MASK,
				   sk->sk_bound_dev_if);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}
	if (!inet->inet_saddr)
		inet->inet_saddr = fl4->saddr;
	if (!inet->inet_rcv_saddr)
		inet->inet_rcv_saddr = inet->inet_saddr;
	/* Connecting to INADDR_ANY reaches this host, as in Linux. */
	inet->inet_daddr = fl4->daddr;
	inet->inet_dport = usin->sin_port;
	sk->sk_gso_type = SKB_GSO_TCPV4;
	sk_setup_caps(sk, &rt->dst);
	xtcp_set_gso(sk, &rt->dst);

	if (autobind) {
		err = xtcp_connect_port(sk);
		/* connect() says so when the port range is used up. */
		if (err == -EADDRINUSE)
			err = -EADDRNOTAVAIL;
		if (err)
			goto failure;
	}
	xtcp_set_state(sk, TCP_SYN_SENT);
	err = xtcp_connect_hash(sk);
	if (err)
		goto failure;

	/* RFC 6528 initial sequence number, RFC 7323 7.1 TSval offset. */
	isn = secure_tcp_seq_and_ts_off(net, inet->inet_saddr,
					inet->inet_daddr, inet->inet_sport,
					inet->inet_dport);
	xs->ts_off = isn.ts_off;
	xtcp_offer_options(sk);
	xtcp_set_mss(sk, 0);
	/* ECN (RFC 3168 6.1.1): a SYN asks with ECE and CWR. */
	xs->ecn_flags = xtcp_ecn_offer(XTCP_SYSCTL(sk, ecn)) ? XTCP_ECN_OK : 0;
	err = xtcp_queue_syn(sk, XTCPHDR_SYN | (xs->ecn_flags ?
					       XTCPHDR_ECE | XTCPHDR_CWR : 0),
			     isn.seq);
	if (err)
		goto failure;
	if (!fo && xtcp_fastopen_defer_connect(sk))
		return 0;
	xtcp_connect_syn(sk, fo);
	return 0;

failure:
	xtcp_set_state(sk, TCP_CLOSE);
	if (autobind)
		xtcp_put_port(sk);
	inet->inet_dport = 0;
	inet->inet_daddr = 0;
	sk_dst_reset(sk);
	return err;
}

__sum16 xtcp_v4_checksum(struct sk_buff *skb, __be32 saddr, __be32 daddr)
{
	/* TCP's pseudo-header says protocol 6 even though IP says 253. */
	return csum_tcpudp_magic(saddr, daddr, skb->len, IPPROTO_TCP,
				 skb_checksum(skb, 0, skb->len, 0));
}

/*
 * Send @skb, a segment built by hand in answer to one whose IP header is
 * @iph, over @rt (whose reference it takes), with TOS @tos.
 */
static void xtcp_v4_reply_out(struct net *net, struct sk_buff *skb,
			      struct rtable *rt, const struct iphdr *iph,
			      u8 tos)
{
	struct iphdr *niph = skb_push(skb, sizeof(*niph));

	skb_reset_network_header(skb);
	niph->version = 4;
	niph->ihl = sizeof(*niph) >> 2;
	niph->tos = tos;
	niph->id = 0;
	niph->frag_off = htons(IP_DF);
	niph->ttl = ip4_dst_hoplimit(&rt->dst);
	niph->protocol = IPPROTO_XTCP;
	niph->saddr = iph->daddr;
	niph->daddr = iph->saddr;
	/* __ip_local_out() fills tot_len and the header checksum. */
	skb->protocol = htons(ETH_P_IP);
	skb_dst_set(skb, &rt->dst);
	xtcp_inc_stats(net, XTCP_MIB_OUTSEGS);
	ip_local_out(net, NULL, skb);
}

/*
 * RST for a segment no connection owns (RFC 9293 3.10.7.1): if it had
 * an ACK, the RST takes its sequence number from SEG.ACK; otherwise it
 * has sequence 0 and acknowledges SEG.SEQ + SEG.LEN.  Built by hand, as
 * there is no connection to send it from.  @sk, the socket that
 * refuses the segment if one does, signs it with its TCP_MD5SIG key
 * for the sender (xtcp_md5_reply_len()).
 */
void xtcp_send_reset_reply(struct net *net, const struct sock *sk,
			   struct sk_buff *in)
{
	const struct tcphdr *th = tcp_hdr(in);
	const struct iphdr *iph = ip_hdr(in);
	struct sk_buff *skb;
	struct tcphdr *rth;
	struct flowi4 fl4;
	struct rtable *rt;
	int md5;

	if (th->rst || inet_addr_type(net, iph->daddr) != RTN_LOCAL)
		return;
	md5 = xtcp_md5_reply_len(sk, in);
	if (md5 < 0)
		return;
	rt = ip_route_output_ports(net, &fl4, NULL, iph->saddr, iph->daddr,
				   th->source, th->dest, IPPROTO_XTCP, 0,
				   inet_iif(in));
	if (IS_ERR(rt))
		return;
	skb = xtcp_alloc_ctl_skb(GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		return;
	}

	rth = skb_push(skb, sizeof(*rth) + md5);
	skb_reset_transport_header(skb);
	memset(rth, 0, sizeof(*rth));
	rth->source = th->dest;
	rth->dest = th->source;
	rth->doff = (sizeof(*rth) + md5) >> 2;
	rth->rst = 1;
	if (th->ack) {
		rth->seq = th->ack_seq;
	} else {
		rth->ack = 1;
		rth->ack_seq = htonl(XTCP_SKB_CB(in)->end_seq);
	}
	if (md5) {
		u8 *opt = (u8 *)(rth + 1);

		opt[0] = XTCPOPT_NOP;
		opt[1] = XTCPOPT_NOP;
		opt[2] = XTCPOPT_MD5SIG;
		opt[3] = XTCPOLEN_MD5SIG;
		xtcp_md5_reply_sign(sk, skb, iph->daddr, iph->saddr, opt + 4);
	}
	rth->check = xtcp_v4_checksum(skb, iph->daddr, iph->saddr);
	trace_xtcp_send_reset(NULL, iph->daddr, iph->saddr, rth->source,
			      rth->dest, ntohl(rth->seq), ntohl(rth->ack_seq));

	xtcp_inc_stats(net, XTCP_MIB_OUTRSTS);
	xtcp_v4_reply_out(net, skb, rt, iph, 0);
}

/*
 * A SYN cookie's SYN-ACK (xtcp_syncookie.h), built from the SYN in @in
 * alone, as the RST above: no socket is made for it, so that a flood
 * costs about what Linux's request socks cost.  @o holds the options
 * agreed, the TSval carrying the cookie's; @iss is the cookie; @ece says
 * ECN was agreed.  The MSS offered is the route's, and the window what
 * a new child of listener @lsk offers.
 */
void xtcp_v4_send_cookie_synack(const struct sock *lsk, struct sk_buff *in,
				struct xtcp_opts *o, u32 iss, bool ece)
{
	const struct tcphdr *th = tcp_hdr(in);
	const struct iphdr *iph = ip_hdr(in);
	const struct inet_sock *inet = inet_sk(lsk);
	struct net *net = sock_net(lsk);
	struct sk_buff *skb;
	struct tcphdr *rth;
	unsigned int olen;
	struct flowi4 fl4;
	struct rtable *rt;
	u32 mss, wnd;

	rt = ip_route_output_ports(net, &fl4, NULL, iph->saddr, iph->daddr,
				   th->source, th->dest, IPPROTO_XTCP,
				   inet->tos & IPTOS_TOS_MASK,
				   lsk->sk_bound_dev_if);
	if (IS_ERR(rt))
		return;
	mss = dst_metric_advmss(&rt->dst);
	if (xtcp_sk(lsk)->user_mss)
		mss = min_t(u32, mss, xtcp_sk(lsk)->user_mss);
	o->mss_ok = true;
	o->mss = mss;
	/* Whole segments of what the peer sends, as a child's SYN-ACK. */
	wnd = xtcp_select_window(xtcp_receive_space(lsk), 0,
				 mss - (o->ts_ok ? 12 : 0),
				 XTCP_MAX_WINDOW);
	skb = xtcp_alloc_ctl_skb(GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		return;
	}
	olen = xtcp_options_size(o, true);
	rth = skb_push(skb, sizeof(*rth) + olen);
	skb_reset_transport_header(skb);
	memset(rth, 0, sizeof(*rth));
	rth->source = th->dest;
	rth->dest = th->source;
	rth->seq = htonl(iss);
	rth->ack_seq = htonl(XTCP_SKB_CB(in)->seq + 1);
	rth->doff = (sizeof(*rth) + olen) >> 2;
	rth->syn = 1;
	rth->ack = 1;
	rth->ece = ece;
	rth->window = htons(wnd);
	xtcp_write_options((u8 *)(rth + 1), o, true);
	rth->check = xtcp_v4_checksum(skb, iph->daddr, iph->saddr);
	xtcp_v4_reply_out(net, skb, rt, iph, inet->tos);
}

/*
 * How much the backlog may hold while the owner has the socket locked,
 * Linux 6.12's tcp_add_backlog() limit: the backlog's length is only reset
 * once the owner has processed all of it, and both it and the receive
 * queue may reach sk_rcvbuf in normal operation.
 */
static u32 xtcp_backlog_limit(const struct sock *sk)
{
	u64 limit = ((u64)READ_ONCE(sk->sk_rcvbuf) << 1) +
		    ((u32)READ_ONCE(sk->sk_sndbuf) >> 1) + 64 * 1024;

	return min_t(u64, limit, UINT_MAX);
}

/*
 * A segment for a socket a process owns waits on the backlog.  Data that
 * only continues the data before it (from the same peer, in sequence,
 * ACK and perhaps PSH only, the same options, the same TOS) is appended
 * to it, as Linux's tcp_add_backlog() does: a burst then costs its
 * payload against the backlog's limit, not an sk_buff per segment, and a
 * receiver busy copying does not drop what its window invited.  The
 * merged segment carries the newer ACK and window, and the sizes of its
 * parts as GRO would.  Returns nonzero if the segment must be dropped.
 */
static int xtcp_add_backlog(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb), *tcb;
	const struct tcphdr *th = tcp_hdr(skb);
	unsigned int hdrlen = th->doff * 4;
	struct sk_buff *tail = sk->sk_backlog.tail;
	u16 size, tail_size, segs, tail_segs;
	struct skb_shared_info *shinfo;
	struct tcphdr *thtail;
	bool fragstolen;
	int delta;

	skb_dst_drop(skb);
	if (!tail)
		goto queue;
	tcb = XTCP_SKB_CB(tail);
	thtail = tcp_hdr(tail);
	if (tcb->end_seq != cb->seq || cb->seq == cb->end_seq ||
	    tcb->seq == tcb->end_seq || th->source != thtail->source ||
	    ip_hdr(tail)->saddr != ip_hdr(skb)->saddr ||
	    ((tcb->flags | cb->flags) & ~(XTCPHDR_ACK | XTCPHDR_PSH)) ||
	    !(tcb->flags & cb->flags & XTCPHDR_ACK) ||
	    ip_hdr(tail)->tos != ip_hdr(skb)->tos ||
	    thtail->doff != th->doff ||
	    memcmp(thtail + 1, th + 1, hdrlen - sizeof(*th)))
		goto queue;

	size = skb_shinfo(skb)->gso_size ? : skb->len - hdrlen;
	segs = skb_shinfo(skb)->gso_segs ? : 1;
	tail_size = skb_shinfo(tail)->gso_size ? : tail->len - hdrlen;
	tail_segs = skb_shinfo(tail)->gso_segs ? : 1;
	__skb_pull(skb, hdrlen);
	if (!skb_try_coalesce(tail, skb, &fragstolen, &delta)) {
		__skb_push(skb, hdrlen);
		goto queue;
	}
	tcb->end_seq = cb->end_seq;
	tcb->flags |= cb->flags;
	if (!xtcp_seq_before(cb->ack_seq, tcb->ack_seq)) {
		tcb->ack_seq = cb->ack_seq;
		tcb->window = cb->window;
		thtail->ack_seq = th->ack_seq;
		thtail->window = th->window;
	}
	shinfo = skb_shinfo(tail);
	shinfo->gso_size = max(size, tail_size);
	shinfo->gso_segs = min_t(u32, segs + tail_segs, 0xffff);
	sk->sk_backlog.len += delta;
	XTCP_INC_STATS(sk, XTCP_MIB_BACKLOGCOALESCE);
	kfree_skb_partial(skb, fragstolen);
	return 0;
queue:
	return sk_add_backlog(sk, skb, xtcp_backlog_limit(sk));
}

/*
 * Segments that arrived while a process owned the socket, handed over by
 * release_sock() in process context.  xtcp_rcv() is written for softirq
 * context: it takes a child's bh_lock_sock and the accept queue's plain
 * spinlock, and a transmit's local_bh_enable() would otherwise run the
 * softirq that wants the same locks on this CPU.
 */
int xtcp_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
	local_bh_disable();
	xtcp_rcv(sk, skb);
	local_bh_enable();
	return 0;
}

/*
 * A SYN for a connection in TIME_WAIT that may start a new one
 * (xtcp_tw_syn_iss()) goes to the port's listener, with the new ISS in
 * @tw_iss.  Returns that listener, with a reference; NULL if the SYN
 * may not, or nobody listens (then, as in Linux, it gets TIME_WAIT's
 * ACK).
 */
static struct sock *xtcp_tw_syn_listener(struct sock *sk, struct sk_buff *skb,
					 u32 *tw_iss)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	const struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_opts opts;
	struct sock *lsk;
	u32 iss;

	if ((cb->flags & (XTCPHDR_SYN | XTCPHDR_ACK | XTCPHDR_RST)) !=
	    XTCPHDR_SYN)
		return NULL;
	xtcp_parse_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th),
			   true, &opts);
	iss = xtcp_tw_syn_iss(cb->seq, xs->rcv_nxt, xs->snd_nxt, opts.ts_ok,
			      opts.tsval, xs->ts_recent,
			      (u32)ktime_get_seconds() - xs->ts_recent_stamp);
	if (!iss)
		return NULL;
	lsk = xtcp_lookup_listener(sock_net(sk), ip_hdr(skb)->daddr, th->dest,
				   inet_iif(skb));
	if (lsk)
		*tw_iss = iss;
	return lsk;
}

/*
 * An ICMP error about a half-open child of a listener (Linux's
 * tcp_req_err()): about its SYN-ACK, an unreachable network or host, an
 * expired TTL or a parameter problem drops it quietly, as a request sock
 * is dropped; other errors leave it to its retries.
 */
static void xtcp_child_icmp(struct sock *sk, u32 seq, u8 type, u8 code)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (seq != xs->snd_una) {
		XTCP_INC_STATS(sk, XTCP_MIB_OUTOFWINDOWICMPS);
		return;
	}
	if (type == ICMP_PARAMETERPROB || type == ICMP_TIME_EXCEEDED ||
	    (type == ICMP_DEST_UNREACH &&
	     (code == ICMP_NET_UNREACH || code == ICMP_HOST_UNREACH))) {
		XTCP_INC_STATS(sk, XTCP_MIB_LISTENDROPS);
		xtcp_done(sk);
	}
}

/*
 * The error an ICMP error stands for, as a negative errno, or 0 for one
 * TCP takes no error from (a redirect, a source quench, fragmentation
 * needed, which is path MTU discovery's).
 */
static int xtcp_icmp_error(u8 type, u8 code)
{
	switch (type) {
	case ICMP_PARAMETERPROB:
		return -EPROTO;
	case ICMP_DEST_UNREACH:
		if (code > NR_ICMP_UNREACH || code == ICMP_FRAG_NEEDED)
			return 0;
		return -icmp_err_convert[code].errno;
	case ICMP_TIME_EXCEEDED:
		return -EHOSTUNREACH;
	default:
		return 0;
	}
}

/*
 * Apply a path MTU the route @dst now has (the rest of Linux's
 * tcp_v4_mtu_reduced()): unless the socket asked not to discover it
 * (IP_MTU_DISCOVER), segments shrink to fit, and those out that are too
 * big go again at the new size.  Linux resends only when its MSS falls
 * here; ours may have fallen already, at a send that found the new
 * route (xtcp_check_route_mtu()), while segments out are still too big:
 * an ICMP says such a segment was dropped, so they go again all the
 * same.  A second ICMP finds them cut and resends nothing.
 */
static void xtcp_pmtu_apply(struct sock *sk, const struct dst_entry *dst)
{
	if (READ_ONCE(inet_sk(sk)->pmtudisc) == IP_PMTUDISC_DONT ||
	    !ip_sk_accept_pmtu(sk))
		return;
	xtcp_sync_mss(sk, dst_mtu(dst));
	xtcp_simple_retransmit(sk);
}

/*
 * "Fragmentation needed" (RFC 1191), with the socket's lock ours: the
 * route learns the path's MTU @mtu (an exception to it, which expires
 * as net.ipv4.route.mtu_expires says), then the connection follows it.
 * An MTU below the route's floor (net.ipv4.route.min_pmtu) leaves the
 * route at the floor, without DF: what still does not fit is fragmented
 * on the way, and the writer hears of it as EMSGSIZE, as from Linux.
 */
static void xtcp_v4_mtu_reduced(struct sock *sk, u32 mtu)
{
	struct dst_entry *dst;

	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE))
		return;
	dst = inet_csk_update_pmtu(sk, mtu);
	if (!dst)
		return;
	if (mtu < dst_mtu(dst) && ip_dont_fragment(sk, dst))
		WRITE_ONCE(sk->sk_err_soft, EMSGSIZE);
	xtcp_pmtu_apply(sk, dst);
}

/*
 * The owner let go of a socket a "fragmentation needed" came for
 * (xtcp_release_cb()).  The route already has the new MTU; the
 * socket's copy of it, replaced by then, is looked up again.
 */
void xtcp_v4_mtu_reduced_deferred(struct sock *sk)
{
	struct dst_entry *dst;

	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE))
		return;
	dst = __sk_dst_check(sk, 0);
	if (!dst) {
		/* As connect() routes (not inet_sk_rebuild_header(): TCP's). */
		struct inet_sock *inet = inet_sk(sk);
		struct rtable *rt;

		rt = ip_route_output_ports(sock_net(sk), &inet->cork.fl.u.ip4,
					   sk, inet->inet_daddr,
					   inet->inet_saddr, inet->inet_dport,
					   inet->inet_sport, IPPROTO_XTCP,
					   inet->tos & IPTOS_TOS_MASK,
					   sk->sk_bound_dev_if);
		if (IS_ERR(rt))
			return;
		sk_setup_caps(sk, &rt->dst);
		dst = &rt->dst;
		if (xtcp_sk(sk)->gso_ok)
			xtcp_gso_software(sk, dst);
	}
	xtcp_pmtu_apply(sk, dst);
}

/*
 * A "fragmentation needed" for an established connection (or one on
 * its way).  There is no field to keep the MTU until an owner of the
 * socket lets go, so the route takes it at once, from the quoted
 * header: routes are shared, and changing one needs no socket lock.
 */
static void xtcp_v4_frag_needed(struct sk_buff *skb, struct sock *sk,
				u32 mtu)
{
	if (!sock_owned_by_user(sk)) {
		xtcp_v4_mtu_reduced(sk, mtu);
		return;
	}
	ipv4_update_pmtu(skb, sock_net(sk), mtu, sk->sk_bound_dev_if,
			 IPPROTO_XTCP);
	xtcp_defer_mtu_reduced(sk);
}

/* A router says a better first hop for the peer exists (RFC 1122 3.2.2.2). */
static void xtcp_v4_redirect(struct sk_buff *skb, struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_check(sk, 0);

	if (dst)
		dst->ops->redirect(dst, sk, skb);
}

/*
 * The listener of a child not yet accepted, before the ACK that completes
 * its handshake, else NULL: where Linux has a request sock, which its
 * listener answers for.
 */
static struct sock *xtcp_embryo_listener(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	if (sk->sk_state != TCP_SYN_RECV || xs->fastopen_child)
		return NULL;
	return xtcp_parent(xs);
}

/*
 * IP_MINTTL (RFC 5082's TTL security): a segment, or an ICMP error, whose
 * @ttl says it came from further away than the socket allows is dropped
 * unseen, as by Linux's tcp_v4_rcv() and tcp_v4_err().  Not in
 * TIME_WAIT, nor for a child before its handshake ends, which Linux
 * does not check.
 */
static bool xtcp_v4_ttl_too_low(struct sock *sk, u8 ttl)
{
	if (likely(ttl >= READ_ONCE(inet_sk(sk)->min_ttl)) ||
	    sk->sk_state == TCP_TIME_WAIT || xtcp_embryo_listener(sk))
		return false;
	XTCP_INC_STATS(sk, XTCP_MIB_MINTTLDROP);
	return true;
}

/*
 * The socket's filter sees each segment before the state machine, as
 * with Linux's tcp_filter(): an SO_ATTACH_FILTER or SO_ATTACH_BPF
 * program, which may drop it or cut its payload, never its header, and
 * the LSM's sock_rcv_skb hook.  (cgroup BPF skb programs and SELinux's
 * hook look only at AF_INET and AF_INET6 sockets: not at XTCP's.)  A
 * child before its handshake ends has its listener's; TIME_WAIT none.
 * Returns nonzero if @skb is to be dropped.
 */
static int xtcp_v4_filter(struct sock *sk, struct sk_buff *skb)
{
	if (sk->sk_state == TCP_TIME_WAIT)
		return 0;
	return sk_filter_trim_cap(xtcp_embryo_listener(sk) ?: sk, skb,
				  tcp_hdr(skb)->doff * 4);
}

/*
 * XTCP's control block, from the header, once the checks that read the
 * IP layer's (IPCB: the IPsec policy's) are done, as Linux's
 * tcp_v4_fill_cb() comes after them: the two share skb->cb.
 */
static void xtcp_v4_fill_cb(struct sk_buff *skb, u32 tw_iss)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	cb->seq = ntohl(th->seq);
	cb->end_seq = cb->seq + th->syn + th->fin + skb->len - th->doff * 4;
	cb->ack_seq = ntohl(th->ack_seq);
	cb->window = ntohs(th->window);
	cb->flags = ((const u8 *)th)[13];
	cb->ip_dsfield = ipv4_get_dsfield(ip_hdr(skb));
	cb->retransmitted = 0;
	cb->saw_ts = 0;
	cb->tw_iss = tw_iss;
}

/*
 * An ICMP error quoting one of our segments, as Linux's tcp_v4_err():
 * skb->data is the quoted IP header, followed by at least the first 8
 * bytes of our segment (the ports and the sequence number; nothing
 * after them may be read).  Only a connection is looked for, never a
 * listener; an error about a segment outside SND.UNA..SND.NXT is not
 * believed (RFC 5927 4.1).  Before the connection is established any
 * of these errors ends the attempt, with its errno (RFC 1122 4.2.3.9
 * leaves that to the implementation; Linux does so); after, the error
 * is only noted (sk_err_soft), for SO_ERROR and for what a timeout
 * reports, unless the user asked for errors with IP_RECVERR.
 */
int xtcp_v4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct tcphdr *th = (const void *)(skb->data + iph->ihl * 4);
	struct net *net = dev_net(skb->dev);
	u8 type = icmp_hdr(skb)->type;
	u8 code = icmp_hdr(skb)->code;
	struct xtcp_sock *xs;
	struct sock *sk;
	u32 seq;
	int err;

	sk = xtcp_lookup_established(net, iph->daddr, th->dest, iph->saddr,
				     th->source, inet_iif(skb));
	if (!sk) {
		__ICMP_INC_STATS(net, ICMP_MIB_INERRORS);
		return -ENOENT;
	}
	if (READ_ONCE(sk->sk_state) == TCP_TIME_WAIT)
		goto put;
	xs = xtcp_sk(sk);
	seq = ntohl(th->seq);

	bh_lock_sock(sk);
	if (sk->sk_state == TCP_SYN_RECV && xtcp_parent(xs) &&
	    !xs->fastopen_child) {
		if (!sock_owned_by_user(sk))
			xtcp_child_icmp(sk, seq, type, code);
		goto unlock;
	}
	/* Linux counts it, and goes on: each step below checks the owner. */
	if (sock_owned_by_user(sk) &&
	    !(type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED))
		XTCP_INC_STATS(sk, XTCP_MIB_LOCKDROPPEDICMPS);
	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
		goto unlock;
	/* IP_MINTTL: Linux compares the quoted header's TTL, not the ICMP's. */
	if (xtcp_v4_ttl_too_low(sk, iph->ttl))
		goto unlock;
	if (!xtcp_seq_between(seq, xs->snd_una, xs->snd_nxt)) {
		XTCP_INC_STATS(sk, XTCP_MIB_OUTOFWINDOWICMPS);
		goto unlock;
	}
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) {
		xtcp_v4_frag_needed(skb, sk, info);
		goto unlock;
	}
	if (type == ICMP_REDIRECT) {
		if (!sock_owned_by_user(sk))
			xtcp_v4_redirect(skb, sk);
		goto unlock;
	}
	err = -xtcp_icmp_error(type, code);
	if (!err)
		goto unlock;

	/*
	 * Not yet connected (a simultaneous open, or a Fast Open child
	 * still in its listener's queue; one accepted counts as connected).
	 */
	if (sk->sk_state == TCP_SYN_SENT ||
	    (sk->sk_state == TCP_SYN_RECV &&
	     !(xs->fastopen_child && !xtcp_parent(xs)))) {
		if (!sock_owned_by_user(sk))
			xtcp_done_with_error(sk, err);
		else
			WRITE_ONCE(sk->sk_err_soft, err);
		goto unlock;
	}
	if (!sock_owned_by_user(sk) && xtcp_sk_recverr(sk)) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	} else {
		WRITE_ONCE(sk->sk_err_soft, err);
	}
unlock:
	bh_unlock_sock(sk);
put:
	sock_put(sk);
	return 0;
}

int xtcp_v4_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	const struct tcphdr *th;
	const struct iphdr *iph;
	struct sock *sk;
	u32 tw_iss = 0;
	u16 ip_flags;

	if (skb->pkt_type != PACKET_HOST)
		goto discard;
	/* Counted as Linux's tcp_v4_rcv() counts: InSegs, then errors. */
	xtcp_inc_stats(net, XTCP_MIB_INSEGS);
	if (!pskb_may_pull(skb, sizeof(struct tcphdr)))
		goto bad_segment;
	th = (const struct tcphdr *)skb->data;
	if (th->doff < sizeof(struct tcphdr) / 4 ||
	    !pskb_may_pull(skb, th->doff * 4))
		goto bad_segment;
	/* The checksum covers TCP's pseudo-header, with protocol 6. */
	if (skb_checksum_init(skb, IPPROTO_TCP, inet_compute_pseudo) ||
	    skb_checksum_complete(skb)) {
		xtcp_inc_stats(net, XTCP_MIB_CSUMERRORS);
		goto bad_segment;
	}

	th = tcp_hdr(skb);
	iph = ip_hdr(skb);
	sk = xtcp_lookup(net, iph->saddr, th->source, iph->daddr, th->dest,
			 inet_iif(skb));
have_sk:
	if (sk && xtcp_v4_ttl_too_low(sk, ip_hdr(skb)->ttl))
		goto discard_put;
	/*
	 * IPsec inbound policy: the protocol is registered with no_policy,
	 * as TCP is, so that the check can see the socket's own policy;
	 * then it must be made here, before anything answers the segment.
	 * It reads the IP layer's control block, not yet XTCP's.
	 */
	if (!xfrm4_policy_check(sk, XFRM_POLICY_IN, skb)) {
		if (sk)
			goto discard_put;
		goto discard;
	}
	if (!sk) {
		xtcp_v4_fill_cb(skb, 0);
		xtcp_send_reset_reply(net, NULL, skb);
		goto discard;
	}
	/*
	 * TCP_MD5SIG: a segment signed wrong, or not as expected, is not
	 * seen; TIME_WAIT does not look (Linux's do_time_wait comes first).
	 */
	if (sk->sk_state != TCP_TIME_WAIT && xtcp_md5_inbound_drop(sk, skb))
		goto discard_put;
	/* Queued data must not pin a conntrack entry. */
	nf_reset_ct(skb);
	if (xtcp_v4_filter(sk, skb))
		goto discard_put;
	ip_flags = IPCB(skb)->flags;
	xtcp_v4_fill_cb(skb, tw_iss);
	if (sk->sk_state == TCP_LISTEN && xtcp_listen_cookie(sk, skb)) {
		sock_put(sk);
		return 0;
	}

	bh_lock_sock_nested(sk);
	if (sk->sk_state == TCP_TIME_WAIT && !sock_owned_by_user(sk)) {
		struct sock *lsk = xtcp_tw_syn_listener(sk, skb, &tw_iss);

		if (lsk) {
			/* The old incarnation ends; the listener takes the SYN. */
			xtcp_done(sk);
			bh_unlock_sock(sk);
			sock_put(sk);
			/* Its IPsec check reads the IP layer's flags again. */
			IPCB(skb)->flags = ip_flags;
			sk = lsk;
			goto have_sk;
		}
	}
	if (!sock_owned_by_user(sk)) {
		xtcp_rcv(sk, skb);
	} else {
		if (xtcp_add_backlog(sk, skb)) {
			XTCP_INC_STATS(sk, XTCP_MIB_BACKLOGDROP);
			bh_unlock_sock(sk);
			goto discard_put;
		}
	}
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;

bad_segment:
	xtcp_inc_stats(net, XTCP_MIB_INERRS);
	goto discard;
discard_put:
	/* A drop of the socket's, as Linux's discard_and_relse counts it. */
	if (sk->sk_state != TCP_TIME_WAIT)
		sk_drops_add(xtcp_embryo_listener(sk) ?: sk, skb);
	sock_put(sk);
discard:
	kfree_skb(skb);
	return 0;
}

/* The protocol, as Linux defines tcp_prot here. */
struct proto xtcp_prot = {
	.name		= "XTCP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct xtcp_sock),
	.backlog_rcv	= xtcp_backlog_rcv,
	.keepalive	= xtcp_keepalive,
	.stream_memory_free = xtcp_stream_memory_free,
	.release_cb	= xtcp_release_cb,
	/* The budget all XTCP sockets share (xtcp_mem.c). */
	.enter_memory_pressure	= xtcp_enter_memory_pressure,
	.leave_memory_pressure	= xtcp_leave_memory_pressure,
	.memory_allocated	= &xtcp_memory_allocated,
	.per_cpu_fw_alloc	= &xtcp_memory_per_cpu_fw_alloc,
	.memory_pressure	= &xtcp_memory_pressure,
	.sysctl_mem		= sysctl_xtcp_mem,
	.sockets_allocated	= &xtcp_sockets_allocated,
	/* .sysctl_rmem and .sysctl_wmem: xtcp_init() sets them. */
};
