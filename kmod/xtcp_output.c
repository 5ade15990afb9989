// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP output: segments leave.
 *
 * Every byte the user wrote that the peer has not acknowledged is in an
 * skb, in sequence order: first on the write queue (sk->sk_write_queue),
 * which holds what was never sent, then, once sent, in the retransmission
 * queue (xs->rtx_queue), an rbtree keyed by sequence number, as Linux's
 * tcp_rtx_queue.  Where the route's device takes GSO skbs whole
 * (xtcp_set_gso()), an skb holds up to 64 KB of segments and leaves as
 * one GSO skb; every count of segments counts what it carries
 * (xtcp_skb_pcount()), and an skb is cut when only part of it is sent,
 * acknowledged, SACKed or lost (xtcp_fragment(), xtcp_trim_head()).
 * An skb is transmitted as a clone, so the original stays queued for
 * retransmission until an ACK covers it.  SYN and FIN travel on the same
 * queues, so they are retransmitted like data.
 */
#include <linux/netdevice.h>
#include <net/ip.h>
#include <net/inet_ecn.h>
#include <net/dst.h>
#include <net/rtnetlink.h>

#include "xtcp.h"
#include "xtcp_compat.h"
#include "xtcp_trace.h"

/*
 * Software GSO for a connection whose device does not segment, as
 * sk_setup_caps() gives every TCP socket (it tests the protocol, so not
 * ours): the skb is cut after the qdisc, and its segments leave one
 * after another from one CPU.  Sent one skb per segment instead, a
 * qdisc that releases them one at a time (tbf, netem) does so from
 * whichever CPU runs it, and veth queues each on that CPU's backlog,
 * where the two CPUs' backlogs put them out of order.  Called after
 * sk_setup_caps(); a route through IPsec keeps no GSO, as for TCP.
 */
void xtcp_gso_software(struct sock *sk, const struct dst_entry *dst)
{
	const struct net_device *dev = dst->dev;

	if ((sk->sk_route_caps & NETIF_F_GSO) || dst->header_len)
		return;
	sk->sk_route_caps |= NETIF_F_GSO | NETIF_F_GSO_SOFTWARE |
			     NETIF_F_SG | NETIF_F_HW_CSUM;
	sk->sk_gso_max_size = READ_ONCE(dev->gso_max_size);
	sk->sk_gso_max_segs = max_t(u32, READ_ONCE(dev->gso_max_segs), 1);
}

/*
 * Does the connection send super-segments?  By default (net.xtcp.gso 1)
 * only where the route's device is loopback or veth, which hand a GSO skb
 * to the receiving stack whole or, with TSO off, cut it in software
 * through XTCP's offload.  Another device could give an SKB_GSO_TCPV4 skb
 * of protocol 253 to a NIC's TSO, which some NICs mis-segment, or compute
 * its checksum only for TCP: there every skb is one segment, checksummed
 * here, as Linux's TCP without GSO.  Where super-segments may go, they
 * go even if the device's GSO is off (xtcp_gso_software()).  Called with
 * the route @dst just set (sk_setup_caps()); it is passed in because a
 * new child is not yet locked, so reading its sk_dst_cache under
 * lockdep's rules would need RCU.
 */
void xtcp_set_gso(struct sock *sk, const struct dst_entry *dst)
{
	const struct net_device *dev = dst ? dst->dev : NULL;
	int mode = XTCP_SYSCTL(sk, gso);
	bool whole;

	whole = dev && ((dev->flags & IFF_LOOPBACK) ||
			(dev->rtnl_link_ops &&
			 !strcmp(dev->rtnl_link_ops->kind, "veth")));
	/* A signed segment (TCP_MD5SIG) cannot be cut after signing. */
	xtcp_sk(sk)->gso_ok = dev && !xtcp_sk(sk)->md5 &&
			      (mode == 2 || (mode == 1 && whole));
	if (xtcp_sk(sk)->gso_ok) {
		xtcp_gso_software(sk, dst);
		xtcp_sk(sk)->gso_ok = sk_can_gso(sk);
	}
}

/* The largest GSO skb the route takes: no more than IP's 64 KB. */
static u32 xtcp_gso_max_size(const struct sock *sk)
{
	return min_t(u32, sk->sk_gso_max_size, 65536);
}

/* Bytes of payload one skb of the write queue carries at most. */
int xtcp_size_goal(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = xtcp_mss(xs);

	if (!xs->gso_ok)
		return mss;
	return mss * xtcp_size_goal_segs(mss, xtcp_gso_max_size(sk),
					 1 + XTCP_MAX_HEADER,
					 sk->sk_gso_max_segs, xs->max_window);
}

/* Segments one GSO skb sends at most, now. */
static u32 xtcp_tso_segs(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->gso_ok)
		return 1;
	return xtcp_tso_autosize(xtcp_mss(xs), xs->cong.cwnd,
				 xs->cong.ssthresh, xs->rtt.srtt_us,
				 xs->rtt.min_rtt_us,
				 xtcp_gso_max_size(sk) -
				 1 - XTCP_MAX_HEADER, sk->sk_gso_max_segs);
}

/*
 * Count an skb's segments for @mss (Linux's tcp_set_skb_tso_segs()).  Its
 * shared info is written: the skb must not be cloned.
 */
void xtcp_set_skb_pcount(struct sk_buff *skb, u32 mss)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);

	shinfo->gso_segs = xtcp_pcount(skb->len, mss);
	if (shinfo->gso_segs > 1) {
		shinfo->gso_size = mss;
		shinfo->gso_type = SKB_GSO_TCPV4;
	} else {
		shinfo->gso_size = 0;
		shinfo->gso_type = 0;
	}
}

/*
 * Send MSS (RFC 9293 3.7.1): the peer's MSS option, 536 without one,
 * bounded by the route's MTU and by TCP_MAXSEG, less the options every
 * segment carries (timestamps), as Linux's mss_cache.  Also sets the MSS
 * we advertise from the route, as Linux does.
 */
void xtcp_set_mss(struct sock *sk, u32 peer_mss)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 hdrs = sizeof(struct iphdr) + sizeof(struct tcphdr);
	u32 mss = peer_mss ? peer_mss : XTCP_MSS_DEFAULT;
	u32 adv = XTCP_MSS_DEFAULT;
	struct dst_entry *dst;

	/*
	 * A child being made is not locked yet (its listener is): read its
	 * route under RCU, which __sk_dst_get() accepts as well as the lock.
	 */
	rcu_read_lock();
	dst = __sk_dst_get(sk);
	if (dst) {
		mss = min(mss, dst_mtu(dst) - hdrs);
		adv = dst_metric_advmss(dst);
	}
	rcu_read_unlock();
	if (xs->user_mss) {
		mss = min_t(u32, mss, xs->user_mss);
		adv = min_t(u32, adv, xs->user_mss);
	}
	mss -= min(mss, xtcp_ts_opts_len(xs));
	xs->mss_cache = max(mss, XTCP_MIN_SND_MSS);
	xs->advmss = adv;
}

/*
 * The path's MTU is now @pmtu (path MTU discovery, RFC 1191): lower the
 * send MSS to fit, as Linux's tcp_sync_mss().  It is never raised here,
 * for mss_cache is all that remembers the peer's MSS and TCP_MAXSEG.
 */
void xtcp_sync_mss(struct sock *sk, u32 pmtu)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->mss_cache = xtcp_pmtu_mss(pmtu, xtcp_ts_opts_len(xs),
				      xs->mss_cache);
}

/*
 * Before sending: the route's MTU may have fallen without an ICMP (the
 * device's MTU, or an exception another socket learnt), as Linux's
 * tcp_current_mss() checks on every send, the loss probe's included.
 */
void xtcp_check_route_mtu(struct sock *sk)
{
	const struct dst_entry *dst = __sk_dst_get(sk);

	if (!dst)
		return;
	if (unlikely(xtcp_mss_mtu(xtcp_sk(sk)) > dst_mtu(dst)))
		xtcp_sync_mss(sk, dst_mtu(dst));
	/*
	 * A new route (a PMTU rebuild, ip_queue_xmit() after a routing
	 * change) set the caps again with sk_setup_caps(), which gives
	 * software GSO to TCP only.
	 */
	if (unlikely(xtcp_sk(sk)->gso_ok &&
		     !(sk->sk_route_caps & NETIF_F_GSO)))
		xtcp_gso_software(sk, dst);
}

/*
 * What our SYN offers, with Linux's default sysctls: timestamps, SACK and
 * window scaling.  The shift is chosen for the largest receive buffer the
 * socket may grow to (Linux's tcp_select_initial_window()), or for the
 * buffer the user fixed with SO_RCVBUF.
 */
u8 xtcp_rcv_wscale_for(const struct sock *sk)
{
	u32 space;

	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		space = READ_ONCE(sk->sk_rcvbuf);
	else
		space = max_t(u32, XTCP_SYSCTL(sk, rmem[2]),
			      READ_ONCE(sysctl_rmem_max));
	return xtcp_select_wscale(space);
}

void xtcp_offer_options(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->rcv_wscale = xtcp_rcv_wscale_for(sk);
	xs->snd_wscale = 0;
	xs->wscale_ok = !!XTCP_SYSCTL(sk, window_scaling);
	xs->ts_ok = !!XTCP_SYSCTL(sk, timestamps);
	xs->sack_ok = !!XTCP_SYSCTL(sk, sack);
	/*
	 * A signed SYN leaves timestamps out, for the room (Linux's
	 * tcp_syn_options()); a SYN-ACK does if SACK is on (the caller).
	 */
	if (sk->sk_state == TCP_SYN_SENT &&
	    xtcp_md5_key_for(sk, inet_sk(sk)->inet_daddr))
		xs->ts_ok = 0;
	xs->ts_recent = 0;
	xs->ts_recent_stamp = 0;
}

/*
 * The peer's SYN or SYN-ACK answered our offer: keep what both sides
 * said (RFC 7323 2.2 and 3.2, RFC 2018 2).  A listener calls this with
 * the SYN before its SYN-ACK, which then says the same.
 */
void xtcp_agree_options(struct sock *sk, const struct xtcp_opts *syn)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 rcv_ssthresh = xtcp_rcv_ssthresh(xs);

	xs->wscale_ok &= syn->wscale_ok;
	xs->snd_wscale = xs->wscale_ok ? syn->wscale : 0;
	if (!xs->wscale_ok)
		xs->rcv_wscale = 0;
	/* Kept in units of our scale, which may just have gone. */
	xtcp_set_rcv_ssthresh(xs, rcv_ssthresh);
	xs->sack_ok &= syn->sack_ok;
	xs->ts_ok &= syn->ts_ok;
	if (xs->ts_ok) {
		xs->ts_recent = syn->tsval;
		xs->ts_recent_stamp = (u32)ktime_get_seconds();
	}
}

/*
 * The window to advertise now: the receive buffer's free space (at its
 * payload share), no more than the window's slow start has reached
 * (rcv_ssthresh), never pulling back the right edge we advertised
 * before (RFC 9293 3.8.6), which is @cur bytes from rcv_nxt.  A SYN's
 * window is never scaled (RFC 7323 2.2); later ones are, so they are
 * kept a multiple of the scale unit, rounded up rather than let the
 * right edge move back.
 */
static u32 xtcp_rcv_window_for(struct sock *sk, bool syn, u32 cur,
			       u32 space)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 shift = syn || !xs->wscale_ok ? 0 : xs->rcv_wscale;
	u32 max = XTCP_MAX_WINDOW << shift;
	u32 wnd;

	/*
	 * Whole segments of what the peer will send: less the timestamps
	 * once they are agreed (a SYN-ACK's or later), not on our SYN, as
	 * Linux's tcp_select_initial_window() callers.
	 */
	u32 mss = xs->advmss;

	if (sk->sk_state != TCP_SYN_SENT)
		mss -= min(mss - 1, xtcp_ts_opts_len(xs));
	if (!syn)
		space = min(space, xtcp_rcv_ssthresh(xs));
	/*
	 * A scaled window is not rounded to whole segments, as Linux's
	 * __tcp_select_window(): the scale unit would not keep the MSS
	 * boundary anyway, and a window that moves in MSS steps looks
	 * unchanged to xtcp_ack_snd_check() while up to an MSS is unread,
	 * so every second segment would be ACKed before the reader comes.
	 */
	wnd = xtcp_select_window(space, min(cur, max), shift ? 0 : mss, max);
	return min(ALIGN(wnd, 1U << shift), max);
}

/*
 * The window to advertise now (above), and remember it.  Returns the
 * value for the header's window field.
 */
u32 xtcp_select_rcv_window(struct sock *sk, bool syn)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 shift = syn || !xs->wscale_ok ? 0 : xs->rcv_wscale;
	u32 space, wnd;

	/*
	 * In-order data was just dropped for want of memory: a zero
	 * window, once, shrinking it (Linux's tcp_select_window()).
	 */
	if (unlikely(test_bit(XTCP_ACK_NOMEM, &sk->sk_tsq_flags)) && !syn) {
		clear_bit(XTCP_ACK_NOMEM, &sk->sk_tsq_flags);
		xs->rcv_wnd = 0;
		xs->rcv_wup = xs->rcv_nxt;
		return 0;
	}
	space = xtcp_receive_space(sk);
	/*
	 * Under memory pressure, with the buffer half full, the window's
	 * slow start falls back so that the peer sends less (Linux's
	 * __tcp_select_window()).
	 */
	if (!syn && sk_under_memory_pressure(sk) &&
	    space < xtcp_space_to_window(READ_ONCE(sk->sk_rcvbuf),
					 xs->rcv_ratio) / 2)
		xtcp_set_rcv_ssthresh(xs, xtcp_pressure_rcv_ssthresh(xtcp_rcv_ssthresh(xs),
								     xs->advmss));
	wnd = xtcp_rcv_window_for(sk, syn, xtcp_rcv_wnd_left(xs), space);
	xs->rcv_wnd = wnd;
	xs->rcv_wnd_ratio = xs->rcv_ratio;
	xs->rcv_wup = xs->rcv_nxt;
	/* The window's slow start begins at the SYN's (Linux's). */
	if (syn)
		xtcp_set_rcv_ssthresh(xs, wnd);
	return wnd >> shift;
}

/*
 * The window the free buffer space offers now, in bytes, with the right
 * edge free to move back: less than rcv_wnd while the reader has not
 * taken what arrived since (Linux's __tcp_select_window()).  At the
 * payload share rcv_wnd was chosen with: the share moves with each
 * arriving skb's size (a few percent of a large buffer, more than an
 * skb), and only the reader's progress should make it exceed rcv_wnd
 * and call for an ACK at once.
 */
u32 xtcp_rcv_window_now(struct sock *sk)
{
	return xtcp_rcv_window_for(sk, false, 0,
				   xtcp_receive_space_at(sk,
							 xtcp_sk(sk)->rcv_wnd_ratio));
}

/*
 * TCP Small Queues, as Linux's tcp_small_queue_check(), tcp_wfree() and
 * its TSQ tasklet: a socket keeps no more than about a millisecond of its
 * pacing rate (xtcp_tsq_limit()) in qdiscs and device queues, counted
 * in sk_wmem_alloc, which each clone sent holds until it is freed.  A
 * sender over the limit stops (THROTTLED); freeing one of its skbs then
 * queues it on this CPU's list, and a tasklet sends more, or leaves it
 * to the owner's release_sock() (DEFERRED) if a process holds it.
 * Without it a sender fills a deep local queue (a shaper, a slow link)
 * with its whole window, and every flow behind that queue waits.
 *
 * The flags live in sk_tsq_flags, which struct sock keeps for this
 * (xtcp.h).
 */
#define XTCP_DEFERRED_ALL (BIT(XTCP_TSQ_DEFERRED) | \
			   BIT(XTCP_MTU_REDUCED_DEFERRED))

struct xtcp_tsq {
	struct tasklet_struct	tasklet;
	struct list_head	head;	/* xtcp_sock.tsq_node */
};

static DEFINE_PER_CPU(struct xtcp_tsq, xtcp_tsq);

void xtcp_update_pacing_rate(struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u64 rate = xtcp_pacing_rate(xtcp_mss(xs), xs->cong.cwnd,
				    xs->packets_out, xs->cong.ssthresh,
				    xs->rtt.srtt_us);

	WRITE_ONCE(sk->sk_pacing_rate,
		   min_t(u64, rate, READ_ONCE(sk->sk_max_pacing_rate)));
}

/*
 * Whether @skb must wait for the socket's queued skbs to drain; a
 * retransmission (@factor 1) may have twice as much queued.
 */
static bool xtcp_small_queue_full(struct sock *sk, const struct sk_buff *skb,
				  unsigned int factor)
{
	const struct rb_node *rtx = sk->tcp_rtx_queue.rb_node;
	u32 cap = U32_MAX;
	u64 limit;

	/* Under a pacing qdisc (fq), its rate alone bounds the queue. */
	if (READ_ONCE(sk->sk_pacing_status) == SK_PACING_NONE)
		cap = XTCP_SYSCTL(sk, limit_output_bytes);
	limit = xtcp_tsq_limit(skb->truesize, READ_ONCE(sk->sk_pacing_rate),
			       READ_ONCE(sk->sk_pacing_shift), cap) << factor;
	if (refcount_read(&sk->sk_wmem_alloc) <= limit)
		return false;
	/* Nothing or one skb out: no completion to wait for, go. */
	if (!rtx || (!rtx->rb_left && !rtx->rb_right))
		return false;
	set_bit(XTCP_TSQ_THROTTLED, &sk->sk_tsq_flags);
	/* A completion may have come before the flag was seen: look again. */
	smp_mb__after_atomic();
	return refcount_read(&sk->sk_wmem_alloc) > limit;
}

static void xtcp_tsq_write(struct sock *sk)
{
	if ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 |
				   TCPF_CLOSING | TCPF_CLOSE_WAIT |
				   TCPF_LAST_ACK))
		xtcp_write_xmit(sk);
}

static void xtcp_tsq_handler(struct sock *sk)
{
	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		xtcp_tsq_write(sk);
	else if (!test_and_set_bit(XTCP_TSQ_DEFERRED, &sk->sk_tsq_flags))
		sock_hold(sk);
	bh_unlock_sock(sk);
}

static void xtcp_tsq_tasklet(struct tasklet_struct *t)
{
	struct xtcp_tsq *tsq = from_tasklet(tsq, t, tasklet);
	struct xtcp_sock *xs, *tmp;
	unsigned long flags;
	LIST_HEAD(list);

	local_irq_save(flags);
	list_splice_init(&tsq->head, &list);
	local_irq_restore(flags);

	list_for_each_entry_safe(xs, tmp, &list, tsq_node) {
		struct sock *sk = (struct sock *)xs;

		list_del_init(&xs->tsq_node);
		/* The unlink is done before another destructor may queue it. */
		smp_mb__before_atomic();
		clear_bit(XTCP_TSQ_QUEUED, &sk->sk_tsq_flags);
		xtcp_tsq_handler(sk);
		/* The sk_wmem_alloc unit xtcp_wfree() kept. */
		sk_free(sk);
	}
}

/*
 * A "fragmentation needed" came while a process owned the socket: the
 * route took the new MTU at once, and the socket, which is the owner's,
 * follows it when the owner lets go (Linux's TCP_MTU_REDUCED_DEFERRED).
 * Holds the socket until then.  Called with the socket's spinlock held.
 */
void xtcp_defer_mtu_reduced(struct sock *sk)
{
	if (!test_and_set_bit(XTCP_MTU_REDUCED_DEFERRED, &sk->sk_tsq_flags))
		sock_hold(sk);
}

/* release_sock(): what softirq work left to the owner. */
void xtcp_release_cb(struct sock *sk)
{
	/* Every release_sock() comes here: no locked operation when idle. */
	if (!(smp_load_acquire(&sk->sk_tsq_flags) & XTCP_DEFERRED_ALL))
		return;
	/* First, so that what is sent next is cut for the new MTU. */
	if (test_and_clear_bit(XTCP_MTU_REDUCED_DEFERRED, &sk->sk_tsq_flags)) {
		xtcp_v4_mtu_reduced_deferred(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_TSQ_DEFERRED, &sk->sk_tsq_flags)) {
		xtcp_tsq_write(sk);
		__sock_put(sk);
	}
}

/*
 * The destructor of what XTCP sends: sock_wfree(), and the wake-up of a
 * throttled sender.  One unit of sk_wmem_alloc stays held while the
 * socket waits on the list, so its memory outlives the wait.
 */
static void xtcp_wfree(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;
	unsigned long flags, oval, nval;
	struct xtcp_tsq *tsq;
	bool empty;

	WARN_ON(refcount_sub_and_test(skb->truesize - 1, &sk->sk_wmem_alloc));
	/* Pairs with the barrier after set_bit() in the sender. */
	oval = smp_load_acquire(&sk->sk_tsq_flags);
	do {
		if (!(oval & BIT(XTCP_TSQ_THROTTLED)) ||
		    (oval & BIT(XTCP_TSQ_QUEUED)))
			goto out;
		nval = (oval & ~BIT(XTCP_TSQ_THROTTLED)) |
		       BIT(XTCP_TSQ_QUEUED);
	} while (!try_cmpxchg(&sk->sk_tsq_flags, &oval, nval));

	local_irq_save(flags);
	tsq = this_cpu_ptr(&xtcp_tsq);
	empty = list_empty(&tsq->head);
	list_add(&xtcp_sk(sk)->tsq_node, &tsq->head);
	if (empty)
		tasklet_schedule(&tsq->tasklet);
	local_irq_restore(flags);
	return;
out:
	sk_free(sk);
}

/*
 * Software segmentation split @gso_skb into @segs: its TCP Small Queues
 * charge moves to them, as TCP's own tcp_gso_segment() moves tcp_wfree()'s
 * (it does so only for that destructor).  Else the charge went when the
 * super-segment was freed, right after the split, and the segments then
 * queued at the device (veth's NAPI ring, a qdisc) held none of it: TSQ
 * saw an empty queue and let the whole window go into it.
 */
void xtcp_gso_move_charge(struct sk_buff *gso_skb, struct sk_buff *segs)
{
	struct sock *sk = gso_skb->sk;
	unsigned int sum = 0;
	struct sk_buff *seg;
	int delta;

	if (gso_skb->destructor != xtcp_wfree || IS_ERR_OR_NULL(segs))
		return;
	for (seg = segs; seg; seg = seg->next) {
		seg->sk = sk;
		seg->destructor = xtcp_wfree;
		sum += seg->truesize;
	}
	/* The super-segment's free no longer returns what it was charged. */
	gso_skb->sk = NULL;
	gso_skb->destructor = NULL;
	delta = sum - gso_skb->truesize;
	if (delta >= 0)
		refcount_add(delta, &sk->sk_wmem_alloc);
	else
		WARN_ON_ONCE(refcount_sub_and_test(-delta, &sk->sk_wmem_alloc));
}

void xtcp_tsq_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct xtcp_tsq *tsq = per_cpu_ptr(&xtcp_tsq, cpu);

		INIT_LIST_HEAD(&tsq->head);
		tasklet_setup(&tsq->tasklet, xtcp_tsq_tasklet);
	}
}

/* After the last socket is gone: a queued socket holds its memory. */
void xtcp_tsq_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		tasklet_kill(&per_cpu_ptr(&xtcp_tsq, cpu)->tasklet);
}

/*
 * Put the TCP header in front of skb and hand it to IP.  With clone set,
 * skb stays on the write queue and a clone (or a copy, when an earlier
 * clone may still be in a device queue) goes out instead.  A SYN or
 * SYN-ACK also carries the Fast Open option of @fo, if fo_ok.  @now_ns,
 * if not 0, is the sender's reading of ktime_get_ns() for the timestamp
 * option, as Linux's tcp_write_xmit() reads the clock once for all.
 */
static int __xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb,
			       bool clone, gfp_t gfp,
			       const struct xtcp_opts *fo, u64 now_ns)
{
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	bool syn = cb->flags & XTCPHDR_SYN;
	struct xtcp_opts opts = {};
	unsigned int hdr_len;
	struct tcphdr *th;
	u8 flags = cb->flags;
	u32 seq = cb->seq;
	u16 window, segs;
	int err;

	sock_owned_by_me(sk);
	if (clone) {
		skb = skb_cloned(skb) ? pskb_copy(skb, gfp) :
					skb_clone(skb, gfp);
		if (!skb)
			return -ENOBUFS;
		/*
		 * skb->dev shares its storage with rbnode.rb_left: a copy of
		 * a segment on the retransmission tree would take a pointer
		 * into the tree for a device, which ip_output() hands the
		 * POST_ROUTING hooks as the input device (Linux clears it too).
		 */
		skb->dev = NULL;
	}
	if (skb->len) {
		xs->last_data_sent = xtcp_jiffies32();
		/*
		 * An answer to data just received (tcp_event_data_sent()):
		 * only once data has come at all, as Linux's ACK timeout is
		 * 0 until then and nothing is within it.
		 */
		if (xs->bytes_received &&
		    xs->last_data_sent - xs->last_data_recv < XTCP_DELACK_MIN)
			xs->pingpong = 1;
	}

	if (syn) {
		opts.mss = xs->advmss;
		opts.mss_ok = true;
		opts.wscale_ok = xs->wscale_ok;
		opts.wscale = xs->rcv_wscale;
		opts.sack_ok = xs->sack_ok;
		if (fo && fo->fo_ok) {
			opts.fo_ok = true;
			opts.fo_exp = fo->fo_exp;
			opts.fo_len = fo->fo_len;
			memcpy(opts.fo_cookie, fo->fo_cookie, fo->fo_len);
		}
	}
	if (xs->ts_ok) {
		opts.ts_ok = true;
		opts.tsval = xtcp_tsval_at(xs, now_ns ? : ktime_get_ns());
		opts.tsecr = xs->ts_recent;
	}
	opts.md5 = xs->md5 && xtcp_md5_key_for(sk, inet->inet_daddr);
	/* No room for a cookie beside a signature: left out, as Linux does. */
	if (opts.fo_ok && xtcp_options_size(&opts, syn) > XTCP_MAX_OPT_SPACE)
		opts.fo_ok = false;
	/*
	 * SACK blocks (RFC 2018 4), as xtcp_sack_add() keeps them, after
	 * a D-SACK block if data came twice (RFC 2883 4).
	 */
	if (!syn && xs->sack_ok && (flags & XTCPHDR_ACK) &&
	    (xs->rcv_num_sacks || xs->rcv_dsack_pending)) {
		unsigned int n = 0;
		u32 mss = xtcp_mss(xs);

		if (xs->rcv_dsack_pending)
			opts.sacks[n++] = xs->rcv_dsack;
		opts.num_sacks = min_t(unsigned int, xs->rcv_num_sacks,
				       XTCP_MAX_SACK_BLOCKS - n);
		memcpy(opts.sacks + n, xs->rcv_sacks,
		       opts.num_sacks * sizeof(opts.sacks[0]));
		opts.num_sacks += n;
		/* A full segment has no room for blocks: the MTU is the limit. */
		while (opts.num_sacks &&
		       min_t(u32, skb->len, mss) +
		       xtcp_options_size(&opts, false) >
		       mss + xtcp_fixed_opts_len(xs))
			opts.num_sacks--;
	}
	hdr_len = sizeof(*th) + xtcp_options_size(&opts, syn);
	window = xtcp_select_rcv_window(sk, syn);

	th = skb_push(skb, hdr_len);
	skb_reset_transport_header(skb);
	skb_set_owner_w(skb, sk);
	/* A full socket's (not a TIME_WAIT one's): TCP Small Queues. */
	if (skb->destructor == sock_wfree)
		skb->destructor = xtcp_wfree;
	memset(th, 0, sizeof(*th));
	th->source = inet->inet_sport;
	th->dest = inet->inet_dport;
	th->seq = htonl(seq);
	th->doff = hdr_len >> 2;
	/*
	 * ECN (RFC 3168 6.1): a SYN or SYN-ACK carries what the handshake
	 * put in its flags, never ECT; later segments what xtcp_ecn_tx()
	 * says.  The socket's TOS byte holds the ECN field ip_queue_xmit()
	 * writes (Linux's INET_ECN_xmit()).
	 */
	if (syn) {
		INET_ECN_dontxmit(sk);
	} else if (xs->ecn_flags & XTCP_ECN_OK) {
		/*
		 * Without an agreement the TOS byte keeps the SYN's clear
		 * ECN field: nothing to write per segment.
		 */
		bool new_data = skb->len > hdr_len &&
				!xtcp_seq_before(seq, xs->snd_nxt);
		u8 ect = xtcp_ecn_tx(&xs->ecn_flags, new_data, &flags);

		if (ect == XTCP_IP_ECT_0)
			INET_ECN_xmit(sk);
		else
			INET_ECN_dontxmit(sk);
		/*
		 * GSO puts the CWR on the first segment only.  New data was
		 * never sent: no other clone shares this shared info yet.
		 */
		if ((flags & XTCPHDR_CWR) && xtcp_skb_pcount(skb) > 1)
			skb_shinfo(skb)->gso_type |= SKB_GSO_TCP_ECN;
	}
	th->fin = !!(flags & XTCPHDR_FIN);
	th->syn = syn;
	th->rst = !!(flags & XTCPHDR_RST);
	th->ece = !!(flags & XTCPHDR_ECE);
	th->cwr = !!(flags & XTCPHDR_CWR);
	/*
	 * A super-segment's last segment always carries PSH, as Linux's
	 * do: the receiver's GRO then flushes at the end of each burst
	 * instead of holding it for the next.  Only on the wire: the skb
	 * keeps its own flags for a retransmission.
	 */
	th->psh = (flags & XTCPHDR_PSH) || (!syn && xtcp_skb_pcount(skb) > 1);
	if (flags & XTCPHDR_ACK) {
		th->ack = 1;
		th->ack_seq = htonl(xs->rcv_nxt);
		xs->rcv_dsack_pending = 0;
		xs->ack_pending = 0;
		xs->ack_pushed = 0;
		xs->ack_pushed2 = 0;
	}
	th->window = htons(window);
	xtcp_write_options((u8 *)(th + 1), &opts, syn);
	/* Signed with the checksum still 0, as RFC 2385 hashes it. */
	if (opts.md5)
		xtcp_md5_sign(sk, skb, (u8 *)(th + 1) + 4);
	if (xs->gso_ok) {
		/* The device, or GSO per segment, completes the checksum. */
		th->check = ~csum_tcpudp_magic(inet->inet_saddr,
					       inet->inet_daddr, skb->len,
					       IPPROTO_TCP, 0);
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
	} else {
		th->check = xtcp_v4_checksum(skb, inet->inet_saddr,
					     inet->inet_daddr);
		skb->ip_summed = CHECKSUM_NONE;
	}

	/* IP keeps its own control block in skb->cb. */
	memset(skb->cb, 0, sizeof(struct inet_skb_parm));
	segs = skb_shinfo(skb)->gso_segs ? : 1;
	xs->segs_out += segs;
	if (skb->len > hdr_len)
		xs->data_segs_out += segs;
	XTCP_ADD_STATS(sk, XTCP_MIB_OUTSEGS, segs);
	if (flags & XTCPHDR_RST)
		XTCP_INC_STATS(sk, XTCP_MIB_OUTRSTS);
	err = ip_queue_xmit(sk, skb, &inet->cork.fl);
	return net_xmit_eval(err);
}

int xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone,
		      gfp_t gfp)
{
	return __xtcp_transmit_skb(sk, skb, clone, gfp, NULL, 0);
}

void xtcp_queue_skb(struct sock *sk, struct sk_buff *skb)
{
	xtcp_set_skb_pcount(skb, xtcp_mss(xtcp_sk(sk)));
	__skb_queue_tail(&sk->sk_write_queue, skb);
	xtcp_wmem_queued_add(sk, skb->truesize);
}

/*
 * Sending again after an idle spell longer than the RTO, with nothing
 * in flight: the window is old news (RFC 5681 4.1, RFC 2861), so it
 * shrinks before the new data goes, as Linux's
 * tcp_slow_start_after_idle_check() (net.xtcp.slow_start_after_idle).
 */
void xtcp_idle_restart_check(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 idle, rto;

	if (!XTCP_SYSCTL(sk, slow_start_after_idle) || xs->packets_out)
		return;
	idle = xtcp_jiffies32_since(xs->last_data_sent);
	rto = usecs_to_jiffies(xs->rtt.rto_us);
	if (idle > rto)
		xtcp_cong_restart_after_idle(&xs->cong, idle, rto,
					     xtcp_in_cwnd_reduction(xs));
}

/* A segment just sent joins the retransmission queue, in seq order. */
static void xtcp_rtx_insert(struct sock *sk, struct sk_buff *skb)
{
	struct rb_node **p = &sk->tcp_rtx_queue.rb_node, *parent = NULL;
	u32 seq = XTCP_SKB_CB(skb)->seq;

	while (*p) {
		parent = *p;
		if (xtcp_seq_before(seq, XTCP_SKB_CB(rb_to_skb(parent))->seq))
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&skb->rbnode, parent, p);
	rb_insert_color(&skb->rbnode, &sk->tcp_rtx_queue);
}

/* Take a segment off the retransmission queue and out of RACK's list. */
void xtcp_rtx_unlink(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->retransmit_hint == skb)
		xs->retransmit_hint = skb_rb_next(skb);
	list_del_init(&XTCP_SKB_CB(skb)->tsorted);
	rb_erase(&skb->rbnode, &sk->tcp_rtx_queue);
}

/* An acknowledged or abandoned sent segment goes, and its memory. */
void xtcp_rtx_free(struct sock *sk, struct sk_buff *skb)
{
	xtcp_rtx_unlink(sk, skb);
	xtcp_wmem_queued_add(sk, -skb->truesize);
	__kfree_skb(skb);
}

/* The same for a segment an ACK covered (xtcp_wmem_queued_sub_acked()). */
void xtcp_rtx_free_acked(struct sock *sk, struct sk_buff *skb)
{
	xtcp_rtx_unlink(sk, skb);
	xtcp_wmem_queued_sub_acked(sk, skb->truesize);
	__kfree_skb(skb);
}

/*
 * The sent segment holding @seq, or the first one after it: NULL if none
 * ends after @seq.  Segments do not overlap, so their ends are in the
 * order of their starts.
 */
struct sk_buff *xtcp_rtx_find(const struct sock *sk, u32 seq)
{
	struct rb_node *n = sk->tcp_rtx_queue.rb_node;
	struct sk_buff *found = NULL;

	while (n) {
		struct sk_buff *skb = rb_to_skb(n);

		if (xtcp_seq_after(XTCP_SKB_CB(skb)->end_seq, seq)) {
			found = skb;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return found;
}

struct sk_buff *xtcp_alloc_ctl_skb(gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(XTCP_MAX_HEADER, gfp);

	if (skb)
		skb_reserve(skb, XTCP_MAX_HEADER);
	return skb;
}

/*
 * Queue our SYN (active open) or SYN-ACK (passive or simultaneous open),
 * at @iss: the send sequence space starts there.
 */
int xtcp_queue_syn(struct sock *sk, u8 flags, u32 iss)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xtcp_alloc_ctl_skb(GFP_ATOMIC);

	if (!skb)
		return -ENOBUFS;
	XTCP_SKB_CB(skb)->seq = iss;
	XTCP_SKB_CB(skb)->end_seq = iss + 1;
	XTCP_SKB_CB(skb)->flags = flags;
	XTCP_SKB_CB(skb)->retransmitted = 0;
	xs->snd_una = iss;
	xs->snd_nxt = iss;
	xs->recover = iss;	/* RFC 6582 3.2 step 1 */
	xs->sack_high = iss;
	xs->write_seq = iss + 1;
	xs->pushed_seq = xs->write_seq;
	xs->snd_sml = iss;
	xtcp_queue_skb(sk, skb);
	return 0;
}

/* Our FIN rides on the last unsent segment, or gets a segment of its own. */
void xtcp_queue_fin(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	sock_owned_by_me(sk);
	if (xs->fin_queued)
		return;
	xs->fin_queued = 1;
	if (tail && !(XTCP_SKB_CB(tail)->flags & XTCPHDR_SYN)) {
		XTCP_SKB_CB(tail)->flags |= XTCPHDR_FIN;
		XTCP_SKB_CB(tail)->end_seq++;
	} else {
		/* Process context only: a FIN must not be lost to ENOMEM. */
		tail = xtcp_alloc_ctl_skb(sk->sk_allocation | __GFP_NOFAIL);
		XTCP_SKB_CB(tail)->seq = xs->write_seq;
		XTCP_SKB_CB(tail)->end_seq = xs->write_seq + 1;
		XTCP_SKB_CB(tail)->flags = XTCPHDR_FIN | XTCPHDR_ACK;
		XTCP_SKB_CB(tail)->retransmitted = 0;
		xtcp_queue_skb(sk, tail);
	}
	xs->write_seq++;
	xtcp_write_xmit(sk);
}

/* An empty data skb: room for the headers, the payload in page frags. */
struct sk_buff *xtcp_alloc_data_skb(struct sock *sk, gfp_t gfp)
{
	/* fclone: the transmitted clone costs no allocation of its own. */
	struct sk_buff *skb = alloc_skb_fclone(XTCP_MAX_HEADER, gfp);

	if (!skb)
		return NULL;
	skb_reserve(skb, XTCP_MAX_HEADER);
	/* Copies into it need not checksum: transmission does. */
	skb->ip_summed = CHECKSUM_PARTIAL;
	return skb;
}

/*
 * Make a queued skb's head and page frags its own, a clone in flight
 * keeping the old ones; the memory charged follows its size.
 */
static int xtcp_unclone(struct sock *sk, struct sk_buff *skb, gfp_t gfp)
{
	unsigned int truesize = skb->truesize;

	if (skb_unclone(skb, gfp))
		return -ENOMEM;
	xtcp_wmem_queued_add(sk, (int)(skb->truesize - truesize));
	return 0;
}

/*
 * @decr segments of a sent skb are no longer out: acknowledged, or gone in
 * a cut inside a segment, which makes two partial ones (Linux's
 * tcp_adjust_pcount()).  The counts they were in shrink by as much.
 */
void xtcp_adjust_pcount(struct xtcp_sock *xs, const struct xtcp_skb_cb *cb,
			int decr)
{
	xs->packets_out -= decr;
	if (cb->sacked)
		xs->sacked_out -= decr;
	if (cb->lost)
		xs->lost_out -= decr;
	if (cb->retrans)
		xs->retrans_out -= decr;
}

/*
 * Cut @skb after its first @len bytes; the rest becomes a new skb right
 * after it on the same queue (Linux's tcp_fragment()).  Both pieces keep
 * the scoreboard marks and the send time of the whole; FIN, PSH and the
 * end of a record go with the second.  On the retransmission queue the
 * counts of segments stay right and the new piece follows in RACK's
 * send order.
 */
int xtcp_fragment(struct sock *sk, bool in_rtx, struct sk_buff *skb, u32 len,
		  gfp_t gfp)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb), *bcb;
	u32 old = xtcp_skb_pcount(skb), nlen;
	struct sk_buff *buff;
	int diff;

	if (WARN_ON_ONCE(!len || len >= skb->len))
		return -EINVAL;
	/*
	 * A peer's SACK blocks could cut every sent skb down to segments,
	 * each piece charged whatever the budget says: not past twice the
	 * send buffer, and an skb's worth, but the first and last may
	 * always be cut, so that recovery moves (Linux's tcp_fragment()).
	 */
	if (in_rtx &&
	    unlikely((sk->sk_wmem_queued >> 1) > READ_ONCE(sk->sk_sndbuf) +
		     2 * SKB_TRUESIZE(GSO_LEGACY_MAX_SIZE)) &&
	    skb != xtcp_rtx_head(sk) && skb != skb_rb_last(&sk->tcp_rtx_queue)) {
		XTCP_INC_STATS(sk, XTCP_MIB_WQUEUETOOBIG);
		return -ENOMEM;
	}
	if (xtcp_unclone(sk, skb, gfp))
		return -ENOMEM;
	buff = xtcp_alloc_data_skb(sk, gfp);
	if (!buff)
		return -ENOBUFS;
	xtcp_wmem_queued_add(sk, buff->truesize);
	nlen = skb->len - len;
	skb_split(skb, buff, len);
	buff->truesize += nlen;
	skb->truesize -= nlen;

	bcb = XTCP_SKB_CB(buff);
	*bcb = *cb;
	bcb->seq = cb->seq + len;
	cb->end_seq = bcb->seq;
	cb->flags &= ~(XTCPHDR_FIN | XTCPHDR_PSH);
	cb->eor = 0;
	xtcp_set_skb_pcount(skb, xtcp_mss(xs));
	xtcp_set_skb_pcount(buff, xtcp_mss(xs));

	if (!in_rtx) {
		__skb_queue_after(&sk->sk_write_queue, skb, buff);
		return 0;
	}
	diff = old - xtcp_skb_pcount(skb) - xtcp_skb_pcount(buff);
	if (diff)
		xtcp_adjust_pcount(xs, cb, diff);
	xtcp_rtx_insert(sk, buff);
	if (list_empty(&cb->tsorted))
		INIT_LIST_HEAD(&bcb->tsorted);
	else
		list_add(&bcb->tsorted, &cb->tsorted);
	return 0;
}

/*
 * Drop the first @len bytes of a sent skb's payload, which the peer
 * acknowledged; the bytes are in page frags, after any in the linear
 * part.  Returns the bytes of frags dropped, for the truesize.
 */
static u32 xtcp_pull_head(struct sk_buff *skb, u32 len)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);
	u32 eat = min_t(u32, len, skb_headlen(skb));
	int i, k = 0;

	if (eat) {
		__skb_pull(skb, eat);
		len -= eat;
	}
	eat = len;
	for (i = 0; i < shinfo->nr_frags; i++) {
		skb_frag_t *frag = &shinfo->frags[i];
		u32 size = skb_frag_size(frag);

		if (size <= eat) {
			skb_frag_unref(skb, i);
			eat -= size;
			continue;
		}
		shinfo->frags[k] = *frag;
		if (eat) {
			skb_frag_off_add(&shinfo->frags[k], eat);
			skb_frag_size_sub(&shinfo->frags[k], eat);
			eat = 0;
		}
		k++;
	}
	shinfo->nr_frags = k;
	skb->data_len -= len;
	skb->len -= len;
	return len;
}

/*
 * The peer acknowledged the first @len bytes of @skb, the oldest sent, and
 * not the rest (Linux's tcp_trim_head()).  Returns the segments dropped,
 * 0 if the skb could not be changed.
 */
int xtcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 old = xtcp_skb_pcount(skb), freed;

	if (xtcp_unclone(sk, skb, GFP_ATOMIC))
		return 0;
	freed = xtcp_pull_head(skb, len);
	skb->truesize -= freed;
	xtcp_wmem_queued_add(sk, -freed);
	cb->seq += len;
	/*
	 * Its own segment size, not the MSS of now: a path MTU drop since
	 * it went would count it in more segments than it was sent in.
	 */
	xtcp_set_skb_pcount(skb, skb_shinfo(skb)->gso_size ? :
			    xtcp_mss(xtcp_sk(sk)));
	return old - xtcp_skb_pcount(skb);
}

/*
 * A sent skb counted again for the MSS of now, which a path MTU drop may
 * have lowered since it went (Linux's __tcp_retransmit_skb() does so
 * before each retransmission): resent as it was, it would be too big
 * again.  Its counts of segments follow.
 */
int xtcp_recount_skb(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = xtcp_mss(xs), old = xtcp_skb_pcount(skb);

	if (xtcp_pcount(skb->len, mss) == old &&
	    (old == 1 || skb_shinfo(skb)->gso_size == mss))
		return 0;
	/* A clone in flight shares the shared info this rewrites. */
	if (xtcp_unclone(sk, skb, GFP_ATOMIC))
		return -ENOMEM;
	xtcp_set_skb_pcount(skb, mss);
	if (xtcp_skb_pcount(skb) != old)
		xtcp_adjust_pcount(xs, XTCP_SKB_CB(skb),
				   (int)(old - xtcp_skb_pcount(skb)));
	return 0;
}

/*
 * Is the copy of @skb sent last still in a local queue (a qdisc, the
 * device's)?  Its transmit clone is the fast clone, held by the socket
 * until the queue lets it go (skb_fclone_busy()).  Sending it again then
 * only queues it twice, as Linux's skb_still_in_host_queue() says: it
 * waits, and the clone's free wakes the sender (TCP Small Queues), which
 * sends what is still lost.
 */
bool xtcp_still_in_host_queue(struct sock *sk, const struct sk_buff *skb)
{
	if (likely(!skb_fclone_busy(sk, skb)))
		return false;
	set_bit(XTCP_TSQ_THROTTLED, &sk->sk_tsq_flags);
	/* The clone may have gone before the flag was seen: look again. */
	smp_mb__after_atomic();
	if (!skb_fclone_busy(sk, skb))
		return false;
	XTCP_INC_STATS(sk, XTCP_MIB_SPURIOUSRTXHOSTQUEUES);
	return true;
}

/*
 * Send a segment the scoreboard marked lost once more, no more than @segs
 * of its segments: the rest is cut off to wait for the window.  It stays
 * on the retransmission queue and in packets_out; as a retransmission in
 * flight it counts in the pipe again.  Returns 0 if it went, -EBUSY if
 * its last copy has not left this host yet, -ENOMEM if it could not be
 * cut (then the RTO sends it).
 */
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb, u32 segs)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 pcount;

	if (xtcp_still_in_host_queue(sk, skb))
		return -EBUSY;
	/* Cut for the route's MSS of now (__tcp_retransmit_skb()). */
	xtcp_check_route_mtu(sk);
	if (xtcp_recount_skb(sk, skb))
		return -ENOMEM;
	if (xtcp_skb_pcount(skb) > segs &&
	    xtcp_fragment(sk, true, skb, segs * xtcp_mss(xs), GFP_ATOMIC))
		return -ENOMEM;
	pcount = xtcp_skb_pcount(skb);
	/*
	 * A SYN that asked for ECN and went unanswered asks no more: a
	 * middlebox may drop such SYNs (RFC 3168 6.1.1.1, Linux's
	 * tcp_ecn_fallback).  Should a SYN-ACK come, it has no ECE.
	 */
	if ((cb->flags & (XTCPHDR_SYN | XTCPHDR_ACK | XTCPHDR_ECE |
			  XTCPHDR_CWR)) ==
	    (XTCPHDR_SYN | XTCPHDR_ECE | XTCPHDR_CWR) &&
	    XTCP_SYSCTL(sk, ecn_fallback))
		cb->flags &= ~(XTCPHDR_ECE | XTCPHDR_CWR);
	cb->retransmitted = 1;
	/*
	 * Counted in flight once, however often it goes again: a repeated
	 * SYN resends a SYN-ACK the timeout resent already, and nothing
	 * but the ACK of it would take the count back.
	 */
	if (!cb->retrans) {
		cb->retrans = 1;
		xs->retrans_out += pcount;
	}
	/* For Eifel detection and the user timeout. */
	xtcp_stamp_retrans(xs);
	xs->undo_retrans = xtcp_undo_retrans_sent(xs->undo_retrans, pcount);
	xs->total_retrans += pcount;
	XTCP_ADD_STATS(sk, XTCP_MIB_RETRANSSEGS, pcount);
	if (xtcp_in_cwnd_reduction(xs))
		xs->prr_out += pcount;
	if (xs->ca_state == XTCP_CA_RECOVERY)
		XTCP_ADD_STATS(sk, XTCP_MIB_FASTRETRANS, pcount);
	else if (xs->ca_state == XTCP_CA_LOSS)
		XTCP_ADD_STATS(sk, XTCP_MIB_SLOWSTARTRETRANS, pcount);
	xtcp_rate_on_send(xs, cb, xtcp_clock_us());
	list_move_tail(&cb->tsorted, &xs->tsorted_sent);
	trace_xtcp_retransmit_skb(sk, skb);
	/* A retransmission lost to ENOBUFS is recovered by the RTO. */
	xtcp_transmit_skb(sk, skb, true, GFP_ATOMIC);
	if (!xtcp_rtx_armed(xs))
		xtcp_arm_rtx(sk);
	return 0;
}

/*
 * Lost segments go before new data, oldest first, as far as the
 * congestion window lets the pipe grow (RFC 6675 NextSeg() rule 1).  The
 * walk starts at the hint and leaves it where it stopped, so a long
 * scoreboard is walked once, not once per ACK (Linux's
 * retransmit_skb_hint).  The retransmission timer's resend of the head
 * (@timer) is not held by TCP Small Queues, as Linux's timer is not.
 */
static int xtcp_retransmit_lost(struct sock *sk, bool timer)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xs->retransmit_hint;
	int err = 0;

	for (; skb; skb = skb_rb_next(skb)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 in_flight;

		if (xs->retrans_out >= xs->lost_out)
			break;
		if (!cb->lost || cb->retrans)
			continue;
		in_flight = xtcp_in_flight(xs);
		if (in_flight >= xs->cong.cwnd)
			break;
		/*
		 * Retransmissions are held by TCP Small Queues too, at twice
		 * the bound (Linux's tcp_xmit_retransmit_queue()): a burst of
		 * them would fill the local queue as new data may not.
		 */
		if (!timer && xtcp_small_queue_full(sk, skb, 1))
			break;
		err = xtcp_retransmit_skb(sk, skb,
					  min(xs->cong.cwnd - in_flight,
					      xtcp_tso_segs(sk)));
		if (err)
			break;
	}
	xs->retransmit_hint = skb;
	return err;
}

/*
 * The send head went out for the first time: it moves to the
 * retransmission queue and to the tail of RACK's list.
 */
static void xtcp_new_sent(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 pcount = xtcp_skb_pcount(skb);

	xs->snd_nxt = cb->end_seq;
	/*
	 * Nagle's short segment: not a SYN or SYN-ACK, which Linux sends
	 * outside its write path, or a Fast Open child's first answer
	 * would wait for the handshake's ACK.
	 */
	if (skb->len < pcount * xtcp_mss(xs) && !(cb->flags & XTCPHDR_SYN))
		xs->snd_sml = cb->end_seq;
	__skb_unlink(skb, &sk->sk_write_queue);
	xtcp_rtx_insert(sk, skb);
	list_add_tail(&cb->tsorted, &xs->tsorted_sent);
	xs->packets_out += pcount;
}

/*
 * Fast Open's data, sent in the SYN at @sent_us, was acknowledged by the
 * SYN-ACK: it is sent data now, as if it had gone then (its RTT sample is
 * the handshake's).
 */
void xtcp_syn_data_sent(struct sock *sk, struct sk_buff *skb, u32 sent_us)
{
	xtcp_rate_on_send(xtcp_sk(sk), XTCP_SKB_CB(skb), sent_us);
	xtcp_new_sent(sk, skb);
}

/*
 * Send the send head, never sent before (and see xtcp_new_sent()): the
 * skb itself, or @seg, one segment made of it and more (a SYN with Fast
 * Open's data).
 */
static void xtcp_send_new_opts(struct sock *sk, struct sk_buff *skb,
			       const struct xtcp_opts *fo,
			       struct sk_buff *seg)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 pcount = xtcp_skb_pcount(skb);
	u64 now_ns = ktime_get_ns();
	u32 now = xtcp_ns_to_us(now_ns);

	/* Sending after an idle spell (Linux's CA_EVENT_TX_START). */
	if (!xs->packets_out && xtcp_ca_ops(xs)->on_restart) {
		u32 idle = xtcp_jiffies32_since(xs->last_data_sent);
		struct xtcp_cong_ctx ctx;

		xtcp_cong_ctx(sk, now, &ctx);
		xtcp_ca_ops(xs)->on_restart(&xs->cong, jiffies_to_msecs(idle),
					    &ctx);
	}
	if (xtcp_in_cwnd_reduction(xs))
		xs->prr_out += pcount;
	xtcp_rate_on_send(xs, cb, now);
	/* A segment lost to ENOBUFS is recovered by the RTO. */
	if (seg)
		__xtcp_transmit_skb(sk, seg, false, GFP_ATOMIC, fo, now_ns);
	else
		__xtcp_transmit_skb(sk, skb, true, GFP_ATOMIC, fo, now_ns);
	xtcp_new_sent(sk, skb);
}

void xtcp_send_new(struct sock *sk, struct sk_buff *skb)
{
	xtcp_send_new_opts(sk, skb, NULL, NULL);
}

/*
 * Send our SYN or SYN-ACK, the send head, with the Fast Open option of
 * @fo (if fo_ok), and with @data, the skb queued after it, as its
 * payload (RFC 7413 3).  The data skb stays first on the write queue,
 * snd_nxt past it: the SYN-ACK's ACK says whether it is sent data now
 * (xtcp_syn_data_sent()) or goes again after the handshake.  Retries
 * of the SYN carry neither, as Linux's.  Returns whether the data went.
 */
bool xtcp_send_syn(struct sock *sk, const struct xtcp_opts *fo,
		   struct sk_buff *data)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *syn = xtcp_send_head(sk), *seg = NULL;

	sock_owned_by_me(sk);
	if (data)
		seg = skb_clone(data, GFP_ATOMIC);
	if (seg) {
		/* One segment: the SYN's sequence number and flags. */
		XTCP_SKB_CB(seg)->seq = XTCP_SKB_CB(syn)->seq;
		XTCP_SKB_CB(seg)->flags = XTCP_SKB_CB(syn)->flags;
	}
	xtcp_send_new_opts(sk, syn, fo, seg);
	if (seg)
		xs->snd_nxt = XTCP_SKB_CB(data)->end_seq;
	xtcp_schedule_rtx(sk);
	return !!seg;
}

/*
 * Whether @skb, of which only @room segments may go now, waits for the
 * ACK due next to leave as a bigger GSO skb (xtcp_tso_should_defer()),
 * and *@cwnd_limited if it waits for the congestion window.
 */
static bool xtcp_defer_send(struct sock *sk, const struct sk_buff *skb,
			    u32 room, u32 max_segs, bool tail,
			    bool *cwnd_limited)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct sk_buff *head = xtcp_rtx_head(sk);
	const struct xtcp_skb_cb *newest;
	struct xtcp_tso_defer d = {
		.skb_len = skb->len,
		.mss = xtcp_mss(xs),
		.max_segs = max_segs,
		.send_win = xs->snd_una + xs->snd_wnd - cb->seq,
		.cwnd_room = room,
		.snd_wnd = xs->snd_wnd,
		.cwnd = xs->cong.cwnd,
		.srtt_us = xs->rtt.srtt_us,
		.in_flight = 1,
		.tail = tail,
		.recovery = xs->ca_state >= XTCP_CA_RECOVERY,
		.closed = (cb->flags & XTCPHDR_FIN) || cb->eor,
	};

	/* Nothing in flight, or all of it SACKed or lost: do not wait. */
	if (!head || list_empty(&xs->tsorted_sent))
		return false;
	newest = list_last_entry(&xs->tsorted_sent, struct xtcp_skb_cb,
				 tsorted);
	d.now_us = xtcp_clock_us();
	d.last_sent_us = newest->sent_us;
	d.head_sent_us = XTCP_SKB_CB(head)->sent_us;
	if (!xtcp_tso_should_defer(&d))
		return false;
	*cwnd_limited = d.cwnd_limited;
	return true;
}

/*
 * Send what the peer's window, the congestion window and Nagle allow
 * (RFC 9293 3.8.6.2.1, RFC 896), each skb as one GSO skb of as many
 * segments as they let go; when that is a small part of one, it may wait
 * for the next ACK instead (xtcp_defer_send()).  Arms the retransmission
 * timer for what went out, or the persist timer when the window holds
 * everything back.
 */
void xtcp_write_xmit(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool sent_new = false, cwnd_limited = false;
	struct sk_buff *skb;
	u32 mss, max_segs;

	sock_owned_by_me(sk);
	xtcp_check_route_mtu(sk);
	mss = xtcp_mss(xs);
	max_segs = xtcp_tso_segs(sk);
	/* TCP_FASTOPEN_CONNECT: the SYN waits for the first write. */
	if (xs->defer_connect)
		return;
	/* F-RTO's second step: new data goes, not the rest of the tail. */
	if (xs->lost_out > xs->retrans_out && !xs->frto_new)
		xtcp_retransmit_lost(sk, false);

	while ((skb = xtcp_send_head(sk))) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		bool last = skb_queue_is_last(&sk->sk_write_queue, skb);
		u32 wnd_end = xs->snd_una + xs->snd_wnd, cwnd, in_flight;
		u32 limit;
		bool nagle;

		if (cb->flags & XTCPHDR_SYN)
			goto send;
		/* Fast Open's data waits for the SYN-ACK (xtcp_send_syn()). */
		if (sk->sk_state == TCP_SYN_SENT)
			break;
		xtcp_set_skb_pcount(skb, mss);
		if (skb->len &&
		    xtcp_seq_after(cb->seq + min(skb->len, mss), wnd_end)) {
			u32 room = xtcp_seq_after(wnd_end, cb->seq) ?
				   wnd_end - cb->seq : 0;

			/* Nothing in flight: send what fits. */
			if (xs->packets_out || !room ||
			    xtcp_fragment(sk, false, skb, room, GFP_ATOMIC))
				break;
			last = false;
		}
		/*
		 * The congestion window, and RFC 3042 limited transmit: each
		 * of the first two duplicate ACKs lets one new segment out
		 * beyond it.  With SACK the pipe already shrinks by what
		 * they report.
		 */
		cwnd = xs->cong.cwnd +
		       (xs->ca_state == XTCP_CA_OPEN && !xs->sack_ok ?
			min_t(u32, xs->dupacks, 2) : 0);
		in_flight = xtcp_in_flight(xs);
		if (in_flight >= cwnd)
			break;
		if (!skb->len)
			goto send;
		/*
		 * A partial last segment waits while corked, or under
		 * Nagle (RFC 896) while a short segment is in flight,
		 * unless the user just asked for it to go.
		 */
		nagle = last && !xs->push_once && !(cb->flags & XTCPHDR_FIN) &&
			xtcp_nagle_holds(xs->corked || xs->cork_once,
					 xs->nonagle, xs->packets_out,
					 xs->snd_sml, xs->snd_una,
					 xs->snd_nxt);
		if (skb->len > mss &&
		    xtcp_defer_send(sk, skb, cwnd - in_flight, max_segs, last,
				    &cwnd_limited))
			break;
		limit = xtcp_split_point(skb->len, mss,
					 min(cwnd - in_flight, max_segs),
					 wnd_end - cb->seq, nagle);
		if (!limit)
			break;
		if (limit < skb->len &&
		    xtcp_fragment(sk, false, skb, limit, GFP_ATOMIC))
			break;
		if (xtcp_small_queue_full(sk, skb, 0))
			break;
send:
		xtcp_send_new(sk, skb);
		sent_new = true;
	}
	/*
	 * New data starts the RTO if it was not running (RFC 6298 5.1) and
	 * moves a pending loss probe to after it, as the probe is for the
	 * tail.
	 */
	if (xs->frto_new) {
		xs->frto_new = 0;
		/* Nothing new could go: F-RTO gives way (tcp_xmit_recovery()). */
		if (!xtcp_seq_after(xs->snd_nxt, xs->recover)) {
			xs->frto = 0;
			if (xs->lost_out > xs->retrans_out)
				xtcp_retransmit_lost(sk, false);
		}
	}
	/*
	 * Whether the window held the sender, as Linux's tcp_write_xmit()
	 * tells tcp_cwnd_validate(): said only by a call that sent or was
	 * held, so that one with nothing to send leaves the last answer.
	 */
	cwnd_limited |= xtcp_in_flight(xs) >= xs->cong.cwnd;
	if (sent_new || cwnd_limited)
		xs->cwnd_limited = cwnd_limited;
	if (sent_new && (!xtcp_rtx_armed(xs) ||
			 xs->rtx_pending == XTCP_TIMER_TLP))
		xtcp_schedule_rtx(sk);
	/* Fewer unsent bytes: a writer held by TCP_NOTSENT_LOWAT may go. */
	if (sent_new && sk->sk_socket &&
	    test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
		sk->sk_write_space(sk);
	xs->push_once = 0;
	xs->cork_once = 0;
	if (xtcp_send_head(sk) && !xs->packets_out &&
	    !xtcp_rtx_armed(xs))
		xtcp_arm_rtx(sk);	/* persist: probe the zero window */
}

/*
 * What the retransmission timer sends (Linux's tcp_retransmit_timer()):
 * the head again, in the window of one the timeout left.  If the head's
 * last copy is still queued in this host, nothing: not the head (no
 * copy behind the copy), nor new data in its place.  The copy's free
 * wakes the sender (TSQ) and the head goes first then.  Data the
 * application writes meanwhile may take the window, as with Linux.  The
 * head is cut to the route's MSS of now (xtcp_retransmit_skb()).
 */
void xtcp_xmit_after_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->lost_out > xs->retrans_out &&
	    xtcp_retransmit_lost(sk, true) == -EBUSY)
		return;
	xtcp_write_xmit(sk);
}

/*
 * The ACK that returned a SYN cookie (xtcp_syncookie.h) makes the
 * connection: its SYN-ACK went long ago, and is now on the
 * retransmission queue as sent, for the ACK to acknowledge.  When it
 * went is not known, so it gives no RTT sample (as for a
 * retransmission, Karn's rule).
 */
void xtcp_cookie_synack_sent(struct sock *child)
{
	struct sk_buff *skb = xtcp_send_head(child);

	XTCP_SKB_CB(skb)->retransmitted = 1;
	/* The window it offered, which the ACK's data may fill. */
	xtcp_select_rcv_window(child, true);
	xtcp_rate_on_send(xtcp_sk(child), XTCP_SKB_CB(skb), xtcp_clock_us());
	xtcp_new_sent(child, skb);
}

/*
 * The persist timer fired with the peer's window open: what waits was held
 * by a cork (or the sender's silly-window avoidance), not by the window.
 * Send a segment of it, as much as the window takes, as Linux's
 * tcp_write_wakeup(); this is also what bounds TCP_CORK to about 200 ms
 * (one RTO).  Returns true if a segment went.
 */
bool xtcp_write_wakeup(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xtcp_send_head(sk);
	u32 wnd_end = xs->snd_una + xs->snd_wnd, len;
	struct xtcp_skb_cb *cb;

	if (!skb || !xtcp_seq_before(XTCP_SKB_CB(skb)->seq, wnd_end))
		return false;
	cb = XTCP_SKB_CB(skb);
	if (xtcp_seq_before(xs->pushed_seq, cb->end_seq))
		xs->pushed_seq = cb->end_seq;
	len = min(wnd_end - cb->seq, (u32)xtcp_mss(xs));
	if (skb->len > len &&
	    xtcp_fragment(sk, false, skb, len, GFP_ATOMIC))
		return false;
	xtcp_set_skb_pcount(skb, xtcp_mss(xs));
	cb->flags |= XTCPHDR_PSH;
	xtcp_send_new(sk, skb);
	xtcp_schedule_rtx(sk);
	return true;
}

/*
 * The sequence number for a segment without data: snd_nxt, the highest
 * we sent, if the peer's window has room for it (a peer that shrank its
 * window would drop our ACK otherwise), else the window's right edge.
 * As Linux's tcp_acceptable_seq().
 */
static u32 xtcp_acceptable_seq(const struct xtcp_sock *xs)
{
	u32 wnd_end = xs->snd_una + xs->snd_wnd;

	return xtcp_seq_after(xs->snd_nxt, wnd_end) ? wnd_end : xs->snd_nxt;
}

/* Send now what Nagle or a cork holds back, a partial segment too. */
void xtcp_push_pending(struct sock *sk)
{
	xtcp_sk(sk)->push_once = 1;
	xtcp_write_xmit(sk);
}

/* A bare ACK; it also carries our current window. */
void xtcp_send_ack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xtcp_alloc_ctl_skb(GFP_ATOMIC);

	if (!skb) {
		xtcp_arm_delack(sk);	/* try again shortly */
		return;
	}
	XTCP_SKB_CB(skb)->seq = xtcp_acceptable_seq(xs);
	XTCP_SKB_CB(skb)->end_seq = XTCP_SKB_CB(skb)->seq;
	XTCP_SKB_CB(skb)->flags = XTCPHDR_ACK;
	xtcp_transmit_skb(sk, skb, false, GFP_ATOMIC);
}

/*
 * An ACK in answer to a segment we drop (out of window, or PAWS): at most
 * one per net.xtcp.invalid_ratelimit and socket, as Linux's
 * tcp_oow_rate_limited(), so that two endpoints that disagree about the
 * window cannot ACK each other forever, and a forger gets little back.
 * Segments with data (and no SYN) are always answered: they are no loop.
 * Returns true, counting @skipped, when the ACK must not go.
 */
bool xtcp_oow_rate_limited(struct sock *sk, const struct sk_buff *skb,
			   enum xtcp_mib_field skipped)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 now = xtcp_jiffies32();

	if (skb && XTCP_SKB_CB(skb)->seq != XTCP_SKB_CB(skb)->end_seq &&
	    !(XTCP_SKB_CB(skb)->flags & XTCPHDR_SYN))
		return false;
	if (xtcp_oow_limited(now, xs->last_oow_ack,
			     XTCP_SYSCTL(sk, invalid_ratelimit))) {
		XTCP_INC_STATS(sk, skipped);
		return true;
	}
	xs->last_oow_ack = now ? : 1;
	return false;
}

/*
 * RFC 5961 challenge ACK, for a RST or SYN that is in the window but not
 * exact, or an ACK too old to be real: limited per socket as the other
 * ACKs for dropped segments, then to net.xtcp.challenge_ack_limit per
 * second in the namespace, a budget drawn at random each second so that
 * an attacker cannot count it (Linux's tcp_send_challenge_ack()).
 */
void xtcp_send_challenge_ack(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	u32 limit = XTCP_SYSCTL(sk, challenge_ack_limit);
	u32 now, count;

	if (xtcp_oow_rate_limited(sk, NULL, XTCP_MIB_ACKSKIPPEDCHALLENGE))
		return;
	if (limit < INT_MAX) {
		now = jiffies / HZ;
		if (now != READ_ONCE(xn->challenge_stamp)) {
			u32 half = (limit + 1) / 2;

			WRITE_ONCE(xn->challenge_stamp, now);
			/* Somewhere in [limit / 2, 3 * limit / 2). */
			WRITE_ONCE(xn->challenge_count, limit ?
				   half + get_random_u32_below(limit) : 0);
		}
		count = READ_ONCE(xn->challenge_count);
		if (!count)
			return;
		WRITE_ONCE(xn->challenge_count, count - 1);
	}
	XTCP_INC_STATS(sk, XTCP_MIB_CHALLENGEACK);
	xtcp_send_ack(sk);
}

/*
 * Zero-window probe: an ACK carrying an old sequence number, which the
 * peer must answer with an ACK that shows its current window.
 */
void xtcp_send_probe(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xtcp_alloc_ctl_skb(GFP_ATOMIC);

	if (!skb)
		return;
	XTCP_SKB_CB(skb)->seq = xs->snd_una - 1;
	XTCP_SKB_CB(skb)->end_seq = xs->snd_una - 1;
	XTCP_SKB_CB(skb)->flags = XTCPHDR_ACK;
	xtcp_transmit_skb(sk, skb, false, GFP_ATOMIC);
}

/* Abortive close: RST from a synchronized connection. */
void xtcp_send_active_reset(struct sock *sk, gfp_t gfp)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xtcp_alloc_ctl_skb(gfp);

	if (!skb)
		return;
	XTCP_SKB_CB(skb)->seq = xtcp_acceptable_seq(xs);
	XTCP_SKB_CB(skb)->end_seq = XTCP_SKB_CB(skb)->seq;
	XTCP_SKB_CB(skb)->flags = XTCPHDR_RST | XTCPHDR_ACK;
	trace_xtcp_send_reset(sk, inet_sk(sk)->inet_saddr,
			      inet_sk(sk)->inet_daddr, inet_sk(sk)->inet_sport,
			      inet_sk(sk)->inet_dport, XTCP_SKB_CB(skb)->seq,
			      xs->rcv_nxt);
	xtcp_transmit_skb(sk, skb, false, gfp);
}

/*
 * Simultaneous open (RFC 9293 3.5): our SYN, sent, becomes a SYN-ACK and
 * goes again from the write queue (snd_nxt stays past it).
 */
void xtcp_resend_syn(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *syn = xtcp_rtx_head(sk);
	struct xtcp_skb_cb *cb;

	if (!syn)
		return;
	cb = XTCP_SKB_CB(syn);
	xtcp_rtx_unlink(sk, syn);
	__skb_queue_head(&sk->sk_write_queue, syn);
	cb->flags |= XTCPHDR_ACK;
	/* A SYN-ACK says ECE if both SYNs asked, and never CWR. */
	cb->flags &= ~XTCPHDR_CWR;
	if (!(xs->ecn_flags & XTCP_ECN_OK))
		cb->flags &= ~XTCPHDR_ECE;
	cb->lost = 0;
	cb->retrans = 0;
	xs->lost_out = 0;
	xs->retrans_out = 0;
	xs->retransmit_hint = NULL;
	xs->packets_out = 0;
	xtcp_write_xmit(sk);
}

void xtcp_free_write_queue(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	while ((skb = xtcp_rtx_head(sk)))
		xtcp_rtx_free(sk, skb);
	while ((skb = __skb_dequeue(&sk->sk_write_queue))) {
		xtcp_wmem_queued_add(sk, -skb->truesize);
		__kfree_skb(skb);
	}
	xs->retransmit_hint = NULL;
	xs->sack_seen_n = 0;
	xs->packets_out = 0;
	xs->sacked_out = 0;
	xs->lost_out = 0;
	xs->retrans_out = 0;
}
