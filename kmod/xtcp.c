// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP sockets, Linux's tcp.c: what a connection's socket does for its
 * user, once af_xtcp.c has dispatched the call to it.  The state helpers
 * the rest of the module shares, a socket's set-up and teardown, starting
 * and stopping to listen, sending and receiving, poll, ioctl, shutting
 * down writing, and close.  Segments arrive in xtcp_input.c and leave in
 * xtcp_output.c.
 */
#include <linux/igmp.h>
#include <linux/poll.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <net/inet_common.h>
#include <net/ip.h>

#include "xtcp.h"
#include "xtcp_trace.h"

/*
 * sk_state holds the kernel's TCP_* numbers, which inet code shared with
 * TCP reads; TCP_INFO, /proc and the pure helpers name the same numbers
 * with the uapi's enum xtcp_state.
 */
static_assert((int)XTCP_ESTABLISHED == TCP_ESTABLISHED);
static_assert((int)XTCP_SYN_SENT == TCP_SYN_SENT);
static_assert((int)XTCP_SYN_RECV == TCP_SYN_RECV);
static_assert((int)XTCP_FIN_WAIT1 == TCP_FIN_WAIT1);
static_assert((int)XTCP_FIN_WAIT2 == TCP_FIN_WAIT2);
static_assert((int)XTCP_TIME_WAIT == TCP_TIME_WAIT);
static_assert((int)XTCP_CLOSE == TCP_CLOSE);
static_assert((int)XTCP_CLOSE_WAIT == TCP_CLOSE_WAIT);
static_assert((int)XTCP_LAST_ACK == TCP_LAST_ACK);
static_assert((int)XTCP_LISTEN == TCP_LISTEN);
static_assert((int)XTCP_CLOSING == TCP_CLOSING);

/*
 * A child leaves SYN_RECV, or its listener's care while still in it (a
 * Fast Open child accepted before its handshake ended): the listener's
 * count of half-open children, and of Fast Open ones, goes down.
 */
void xtcp_child_syn_recv_done(struct xtcp_sock *xs)
{
	struct xtcp_accept_queue *q = xtcp_acceptq(xtcp_sk(xtcp_parent(xs)));

	spin_lock_bh(&q->lock);
	q->syn_pending--;
	if (xs->fastopen_child)
		q->fastopen_qlen--;
	spin_unlock_bh(&q->lock);
}

/*
 * Change state, keeping the tables and counters that depend on it right.
 * A socket reaching CLOSE leaves the connection tables; it gives up its
 * port too unless its user bound that port and still holds the socket.
 */
void xtcp_set_state(struct sock *sk, int state)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	int old = sk->sk_state;

	sock_owned_by_me(sk);
	if (old == state)
		return;
	if (old == TCP_SYN_RECV) {
		if (xtcp_parent(xs))
			xtcp_child_syn_recv_done(xs);
		xs->fastopen_child = 0;
	}
	/* An orphan's end (xtcp_orphan_count_inc()). */
	if (!xtcp_orphan_state(state))
		xtcp_orphan_count_dec(sk);
	if (old == TCP_TIME_WAIT)
		atomic_dec(&xn->tw_count);
	if (state == TCP_TIME_WAIT)
		atomic_inc(&xn->tw_count);
	trace_xtcp_set_state(sk, old, state);
	/* The MIB's state counters, as Linux's tcp_set_state(). */
	if (state == TCP_ESTABLISHED && old != TCP_CLOSE_WAIT)
		atomic_inc(&xn->curr_estab);
	else if ((old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT) &&
		 state != TCP_CLOSE_WAIT)
		atomic_dec(&xn->curr_estab);
	if (state == TCP_CLOSE &&
	    (old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT))
		XTCP_INC_STATS(sk, XTCP_MIB_ESTABRESETS);
	inet_sk_set_state(sk, state);

	/*
	 * The port goes before the connection table: once a namespace's
	 * teardown no longer finds an orphan there, the orphan must be
	 * done with the namespace's tables (xtcp_net_exit()).
	 */
	if (state == TCP_CLOSE) {
		if (sock_flag(sk, SOCK_DEAD) ||
		    !(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
			xtcp_put_port(sk);
		xtcp_unhash(sk);
	}
}

/* The connection is over (Linux's tcp_done()). */
void xtcp_done(struct sock *sk)
{
	sock_owned_by_me(sk);
	if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV)
		XTCP_INC_STATS(sk, XTCP_MIB_ATTEMPTFAILS);
	xtcp_set_state(sk, TCP_CLOSE);
	/*
	 * A socket nobody holds gives up its port now, even if it reached
	 * CLOSE earlier while a user or the accept queue kept the port: its
	 * last reference may go at any time, and bhash holds none.
	 */
	if (sock_flag(sk, SOCK_DEAD))
		xtcp_put_port(sk);
	xtcp_clear_timers(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
	} else {
		/* Nobody will read or resend: free the memory now. */
		xtcp_free_write_queue(sk);
		skb_queue_purge(&sk->sk_receive_queue);
		xtcp_ofo_purge(sk);
	}
}

/*
 * The connection ends with an error the user sees (a RST, a timeout, an
 * ICMP error in SYN_SENT): as Linux's tcp_done_with_error().
 */
void xtcp_done_with_error(struct sock *sk, int err)
{
	WRITE_ONCE(sk->sk_err, err);
	xtcp_free_write_queue(sk);
	xtcp_done(sk);
	if (!sock_flag(sk, SOCK_DEAD))
		sk_error_report(sk);
}

/*
 * Whether the send queue takes more, beyond SO_SNDBUF: not while the
 * unsent bytes reach the socket's low-water mark (TCP_NOTSENT_LOWAT, or
 * net.xtcp.notsent_lowat), which poll() and the wakeup of a writer
 * (@wake) want fall below half of it, so that a woken writer has room
 * for a good write (Linux's tcp_stream_memory_free()).
 */
bool xtcp_stream_memory_free(const struct sock *sk, int wake)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u32 lowat = READ_ONCE(xs->notsent_lowat);
	u32 notsent = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_nxt);

	if (!lowat)
		lowat = XTCP_SYSCTL(sk, notsent_lowat);
	return ((u64)notsent << wake) < lowat;
}

void xtcp_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !__sk_stream_is_writeable(sk, 1))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
						      EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

static void xtcp_sock_destruct(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_free_write_queue(sk);
	xtcp_ofo_purge(sk);
	/* Every path that ends a socket has left the port table already. */
	if (WARN_ON_ONCE(!hlist_unhashed(&sk->sk_bind_node)))
		xtcp_put_port(sk);
	if (xtcp_parent(xs))
		sock_put(xtcp_parent(xs));
	kfree(xtcp_acceptq(xs));
	xtcp_md5_forget(sk);
	xtcp_orphan_count_dec(sk);
	sk_sockets_allocated_dec(sk);
	/* Reclaims what the queues left charged to the budget. */
	inet_sock_destruct(sk);
}

void xtcp_init_sock(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);

	sk->sk_protocol = IPPROTO_XTCP;
	sk->sk_destruct = xtcp_sock_destruct;
	sk_sockets_allocated_inc(sk);
	xs->rcv_ratio = XTCP_RCV_RATIO_DEFAULT;
	xs->rcv_wnd_ratio = XTCP_RCV_RATIO_DEFAULT;
	sk->sk_write_space = xtcp_write_space;
	/* Families set this themselves (inet_create() does for TCP). */
	sk->sk_backlog_rcv = xtcp_backlog_rcv;
	/* Lookups run under RCU: free sockets after a grace period. */
	sock_set_flag(sk, SOCK_RCU_FREE);
	/* Freed skbs must not wake writers: the write queue decides. */
	sock_set_flag(sk, SOCK_USE_WRITE_QUEUE);

	/* net.xtcp.rmem and wmem, as TCP's tcp_init_sock() takes tcp_rmem/wmem. */
	WRITE_ONCE(sk->sk_rcvbuf, XTCP_SYSCTL(sk, rmem[1]));
	WRITE_ONCE(sk->sk_sndbuf, XTCP_SYSCTL(sk, wmem[1]));

	inet->uc_ttl = -1;
	/* As inet_create() chooses for TCP. */
	inet->pmtudisc = READ_ONCE(sock_net(sk)->ipv4.sysctl_ip_no_pmtu_disc) ?
			 IP_PMTUDISC_DONT : IP_PMTUDISC_WANT;

	xs->ooo_queue = RB_ROOT;
	sk->tcp_rtx_queue = RB_ROOT;
	INIT_LIST_HEAD(&xs->tsorted_sent);
	INIT_LIST_HEAD(&xs->accept_node);
	xtcp_init_timers(sk);
	xtcp_rtt_init(&xs->rtt);
	xtcp_cong_set_ops(sk, XTCP_SYSCTL(sk, default_ca));
	xs->mss_cache = XTCP_MSS_DEFAULT;
	xs->advmss = XTCP_MSS_DEFAULT;
	xs->rcv_mss = XTCP_MSS_DEFAULT;
}

/* Bytes ready for the reader, the FIN not counted (Linux's tcp_inq()). */
static u32 xtcp_inq(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u32 answ = READ_ONCE(xs->rcv_nxt) - READ_ONCE(xs->copied_seq);

	if (answ && sock_flag(sk, SOCK_DONE))
		answ--;
	return answ;
}

/*
 * TCP_CM_INQ's value, as Linux's tcp_inq_hint(): what is left to read,
 * the FIN counting as a byte, and 1 once the FIN is all that is left, so
 * that the reader reads on and sees the end.
 */
static int xtcp_inq_hint(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	int inq = xs->rcv_nxt - xs->copied_seq;

	if (!inq && sock_flag(sk, SOCK_DONE))
		inq = 1;
	return inq;
}

static bool xtcp_need_reset(int state)
{
	return (1 << state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT |
			       TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 |
			       TCPF_SYN_RECV);
}

/*
 * A new listen() begins: children from an earlier one (still in SYN_RECV
 * when it stopped) must not join this accept queue.  The first one
 * allocates the queue, which then lives as long as the socket: children
 * hold their listener, not its listen(), and reach the queue through it.
 */
/*
 * The socket's accept queue, made on first use: by listen(), or by
 * TCP_FASTOPEN before it.  NULL if there is no memory for it.
 */
struct xtcp_accept_queue *xtcp_acceptq_get(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_accept_queue *q = xtcp_acceptq(xs);

	sock_owned_by_me(sk);
	if (q)
		return q;
	/* An accepted child's parent is NULL already. */
	if (WARN_ON_ONCE(xtcp_parent(xs)))
		return NULL;
	q = kzalloc(sizeof(*q), sk->sk_allocation);
	if (!q)
		return NULL;
	spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->children);
	xs->acceptq = q;
	xs->listened = 1;
	return q;
}

int xtcp_listen_start(struct sock *sk)
{
	struct xtcp_accept_queue *q = xtcp_acceptq_get(sk);

	if (!q)
		return -ENOMEM;
	spin_lock_bh(&q->lock);
	WRITE_ONCE(q->gen, q->gen + 1);
	spin_unlock_bh(&q->lock);
	return 0;
}

/* Drop every child still waiting to be accepted, with a RST. */
void xtcp_listen_stop(struct sock *sk)
{
	struct xtcp_accept_queue *q = xtcp_acceptq(xtcp_sk(sk));
	struct xtcp_sock *cxs, *tmp;
	LIST_HEAD(children);

	sock_owned_by_me(sk);
	if (!q)
		return;		/* it never listened */
	spin_lock_bh(&q->lock);
	/* Children still in SYN_RECV now belong to no listen(): they die. */
	WRITE_ONCE(q->gen, q->gen + 1);
	list_splice_init(&q->children, &children);
	spin_unlock_bh(&q->lock);

	list_for_each_entry_safe(cxs, tmp, &children, accept_node) {
		struct sock *child = &cxs->inet.sk;

		list_del_init(&cxs->accept_node);
		sk_acceptq_removed(sk);
		local_bh_disable();
		bh_lock_sock_nested(child);
		sock_set_flag(child, SOCK_DEAD);
		if (xtcp_need_reset(child->sk_state))
			xtcp_send_active_reset(child, GFP_ATOMIC);
		xtcp_done(child);
		bh_unlock_sock(child);
		local_bh_enable();
		sock_put(child);	/* the accept queue's reference */
	}
}

/*
 * What the last connection left in the socket, so that the next one, if
 * the user connects it again, starts as a new socket would: the loss and
 * ACK state (a stale RACK reference or probe mark would misjudge the new
 * sequence space), and the counters TCP_INFO reports (Linux's
 * tcp_disconnect() zeroes the same).  The options the user set stay.
 */
static void xtcp_forget_connection(struct xtcp_sock *xs)
{
	xs->fin_queued = 0;
	xs->backoff = 0;
	xs->cwnd_limited = 0;
	xs->rcv_tsecr_low = 0;
	xs->retransmits = 0;
	xs->retrans_stamp = 0;
	xs->probes_out = 0;
	xs->probes_stamp = 0;
	xtcp_rtt_init(&xs->rtt);
	xs->dupacks = 0;
	xs->ca_state = XTCP_CA_OPEN;
	xs->undo_marker = 0;
	xs->frto = 0;
	xs->frto_new = 0;
	xs->ecn_flags = 0;
	xs->tlp_high_seq = 0;
	xs->rack_sent_us = 0;
	xs->rack_end_seq = 0;
	xs->rack_rtt_us = 0;
	xs->reord_seen = 0;
	memset(&xs->reo, 0, sizeof(xs->reo));
	xs->rcv_num_sacks = 0;
	xs->rcv_dsack_pending = 0;
	xs->last_oow_ack = 0;
	xs->quickack = 0;
	xs->pingpong = 0;
	xs->ack_pending = 0;
	xs->delivered = 0;
	xs->delivered_ce = 0;
	xs->delivered_us = 0;
	xs->first_tx_us = 0;
	xs->delivery_rate = 0;
	xs->total_retrans = 0;
	xs->segs_in = 0;
	xs->segs_out = 0;
	xs->data_segs_in = 0;
	xs->data_segs_out = 0;
	xs->bytes_acked = 0;
	xs->bytes_received = 0;
	/*
	 * Nothing is left to read (the queue was purged), and the old
	 * peer's windows and segment size must not bound the next one's.
	 */
	xs->copied_seq = xs->rcv_nxt;
	xs->max_window = 0;
	xs->rcv_wnd = 0;
	xs->rcv_mss = XTCP_MSS_DEFAULT;
	xs->ack_pushed = 0;
	xs->ack_pushed2 = 0;
	/* Fast Open's state of the connection; its socket options stay. */
	xs->syn_fastopen = 0;
	xs->syn_data = 0;
	xs->syn_data_acked = 0;
	xs->defer_connect = 0;
	xs->fastopen_child = 0;
}

/* Forget the connection so the socket can connect again. */
int xtcp_disconnect(struct sock *sk, int flags)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	int old = sk->sk_state;

	sock_owned_by_me(sk);
	if (old == TCP_LISTEN) {
		xtcp_listen_stop(sk);
	} else if (xtcp_need_reset(old)) {
		xtcp_send_active_reset(sk, gfp_any());
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	} else if (old == TCP_SYN_SENT) {
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	}
	xtcp_set_state(sk, TCP_CLOSE);
	xtcp_clear_timers(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	xtcp_ofo_purge(sk);
	xtcp_free_write_queue(sk);

	inet->inet_dport = 0;
	inet->inet_daddr = 0;
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
		inet->inet_saddr = 0;
		inet->inet_rcv_saddr = 0;
	}
	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);
	xtcp_forget_connection(xs);
	xtcp_cong_set_ops(sk, xtcp_ca_ops(xs));
	sk_dst_reset(sk);
	sk_error_report(sk);
	return 0;
}

/* As tcp_poll(). */
__poll_t xtcp_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;
	u8 shutdown;
	int state;

	sock_poll_wait(file, sock, wait);
	state = inet_sk_state_load(sk);
	if (state == TCP_LISTEN)
		return xtcp_accept_queue_empty(xtcp_sk(sk)) ?
		       0 : EPOLLIN | EPOLLRDNORM;

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	if (state != TCP_SYN_SENT &&
	    (state != TCP_SYN_RECV || xtcp_sk(sk)->fastopen_child)) {
		if (xtcp_inq(sk) >= (u32)max(READ_ONCE(sk->sk_rcvlowat), 1))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(shutdown & SEND_SHUTDOWN)) {
			if (__sk_stream_is_writeable(sk, 1)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* Recheck after setting the bit: no lost wakeup. */
				smp_mb__after_atomic();
				if (__sk_stream_is_writeable(sk, 1))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	} else if (state == TCP_SYN_SENT && xtcp_sk(sk)->defer_connect) {
		/* The first write sends the SYN: let the user write. */
		mask |= EPOLLOUT | EPOLLWRNORM;
	}
	/* Order the error read after the state read, as tcp_poll(). */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

int xtcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int answ;

	switch (cmd) {
	case SIOCINQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		lock_sock(sk);
		answ = xtcp_inq(sk);
		release_sock(sk);
		break;
	case SIOCOUTQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		answ = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_una);
		break;
	case SIOCOUTQNSD:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		answ = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_nxt);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(answ, (int __user *)arg);
}

void xtcp_shutdown_send(struct sock *sk)
{
	bool send_fin;
	int state;

	sock_owned_by_me(sk);
	if (!((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_SYN_RECV |
				     TCPF_CLOSE_WAIT)))
		return;
	state = xtcp_state_on_close(sk->sk_state, &send_fin);
	xtcp_set_state(sk, state);
	if (send_fin)
		xtcp_queue_fin(sk);
}

/* Close (RFC 9293 3.10.4), as tcp_close(). */
void xtcp_close(struct sock *sk, long timeout)
{
	bool send_fin;
	u32 unread;
	int state;

	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);

	/*
	 * Children queued for accept() hold a reference on their listener:
	 * they go with it, whatever state the socket is in now.
	 */
	xtcp_listen_stop(sk);
	if (sk->sk_state == TCP_LISTEN) {
		xtcp_set_state(sk, TCP_CLOSE);
		goto adjudge;
	}

	unread = xtcp_inq(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	xtcp_ofo_purge(sk);

	if (sk->sk_state == TCP_CLOSE)
		goto adjudge;

	if (unread) {
		/* RFC 2525 2.17: data the user never read is lost; say so. */
		XTCP_INC_STATS(sk, XTCP_MIB_ABORTONCLOSE);
		xtcp_send_active_reset(sk, sk->sk_allocation);
		xtcp_set_state(sk, TCP_CLOSE);
	} else if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		/* SO_LINGER {1, 0}: abort. */
		xtcp_disconnect(sk, 0);
		XTCP_INC_STATS(sk, XTCP_MIB_ABORTONDATA);
	} else {
		state = xtcp_state_on_close(sk->sk_state, &send_fin);
		xtcp_set_state(sk, state);
		if (send_fin)
			xtcp_queue_fin(sk);
	}

	if (timeout)
		sk_stream_wait_close(sk, timeout);

adjudge:
	sock_orphan(sk);
	state = sk->sk_state;
	if (xtcp_orphan_state(state)) {
		/*
		 * An orphan now, that the stack finishes: unless there are
		 * too many already, or the budget is spent, as Linux's
		 * __tcp_close().
		 */
		if (xtcp_check_oom(sk, 0)) {
			xtcp_send_active_reset(sk, GFP_ATOMIC);
			xtcp_set_state(sk, TCP_CLOSE);
			XTCP_INC_STATS(sk, XTCP_MIB_ABORTONMEMORY);
			state = TCP_CLOSE;
		} else {
			xtcp_orphan_count_inc(sk);
		}
	}
	if (state == TCP_CLOSE) {
		xtcp_clear_timers(sk);
		xtcp_free_write_queue(sk);
		xtcp_unhash(sk);
		xtcp_put_port(sk);
	} else if (state == TCP_FIN_WAIT2) {
		xtcp_arm_fin_wait2(sk);
	} else if (state == TCP_TIME_WAIT) {
		xtcp_release_net(sk);
	}
	release_sock(sk);
	sock_put(sk);	/* the user's reference */
}

/*
 * Leave the multicast groups the user joined (MCAST_JOIN_GROUP and the
 * source-specific calls work on any IPv4 socket, TCP's included), as
 * inet_release() does with ip_mc_drop_socket(), which modules cannot call.
 */
void xtcp_mc_drop(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct ip_mc_socklist *iml;

	if (!rcu_access_pointer(inet->mc_list))
		return;
	rtnl_lock();
	while ((iml = rtnl_dereference(inet->mc_list))) {
		struct ip_mreqn mreq = iml->multi;

		/* It matches the first entry; failing is a bug, not a loop. */
		if (WARN_ON_ONCE(ip_mc_leave_group(sk, &mreq)))
			break;
	}
	rtnl_unlock();
}

/*
 * A copy that failed can leave an empty data skb at the tail of the write
 * queue: it must not go out as a segment (Linux's tcp_remove_empty_skb()).
 */
static void xtcp_remove_empty_skb(struct sock *sk)
{
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	if (skb && !skb->len &&
	    !(XTCP_SKB_CB(skb)->flags & (XTCPHDR_SYN | XTCPHDR_FIN))) {
		__skb_unlink(skb, &sk->sk_write_queue);
		xtcp_wmem_queued_add(sk, -skb->truesize);
		__kfree_skb(skb);
	}
}

/*
 * Budget for a new data skb's own size (Linux's tcp_stream_alloc_skb()):
 * the first one, with nothing queued, goes whatever the budget says, so
 * that every writer makes progress.  Linux forces that one without asking
 * the budget at all, which in a request/response loop is one cheap charge
 * per request instead of a full schedule; a socket in a memory cgroup asks
 * first, since only a schedule charges its cgroup (xtcp_mem_force()).
 */
static bool xtcp_data_skb_schedule(struct sock *sk, struct sk_buff *skb)
{
	bool first = skb_queue_empty(&sk->sk_write_queue) &&
		     RB_EMPTY_ROOT(&sk->tcp_rtx_queue);

	if (first && !(mem_cgroup_sockets_enabled && sk->sk_memcg)) {
		xtcp_mem_force(sk, skb->truesize);
		return true;
	}
	return sk_wmem_schedule(sk, skb->truesize) || first;
}

/*
 * Budget for @copy bytes more: what of them may be copied now (Linux's
 * tcp_wmem_schedule()).  Refused, a socket still takes up to
 * net.xtcp.wmem[0] in all, and what its reserve holds, forced into the
 * total as the other charges that must not fail are.
 */
static int xtcp_wmem_schedule(struct sock *sk, int copy)
{
	int avail;

	if (likely(sk_wmem_schedule(sk, copy)))
		return copy;
	avail = max(sk->sk_forward_alloc, 0) +
		max(XTCP_SYSCTL(sk, wmem[0]) - sk->sk_wmem_queued, 0);
	copy = min(copy, avail);
	xtcp_mem_force(sk, copy);
	return copy;
}

/*
 * May a SYN to this server carry data (Linux's
 * tcp_fastopen_cookie_check())?  With a cached cookie, which *opt then
 * holds, or with none needed (by sysctl or TCP_FASTOPEN_NO_COOKIE), and
 * *opt holds no option; without, *opt is a cookie request.  *mss: the
 * server's MSS of last time, 0 if unknown.
 */
static bool xtcp_fastopen_cookie_check(struct sock *sk, struct xtcp_opts *opt,
				       u16 *mss)
{
	struct inet_sock *inet = inet_sk(sk);
	bool cookie;

	cookie = xtcp_fastopen_cache_get(sock_net(sk), inet->inet_saddr,
					 inet->inet_daddr, opt, mss);
	if ((XTCP_SYSCTL(sk, fastopen) & XTCP_TFO_CLIENT_NO_COOKIE) ||
	    xtcp_sk(sk)->fastopen_no_cookie) {
		opt->fo_ok = false;
		return true;
	}
	if (cookie)
		return true;
	opt->fo_ok = true;	/* a cookie request */
	opt->fo_len = 0;
	return false;
}

/*
 * The data a Fast Open SYN carries (RFC 7413 3), queued after the SYN
 * as the first data skb: as much of the write as fits in the server's
 * MSS of last time (ours if unknown) and the route's, less the most
 * options a middlebox may add, as Linux's tcp_send_syn_data().  NULL if
 * none could be taken: the write then goes after the handshake.
 */
static struct sk_buff *xtcp_fastopen_data(struct sock *sk,
					  struct xtcp_fastopen_req *fo,
					  u16 cached_mss)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct dst_entry *dst = __sk_dst_get(sk);
	struct page_frag *pfrag = sk_page_frag(sk);
	u32 hdrs = sizeof(struct iphdr) + sizeof(struct tcphdr);
	struct xtcp_skb_cb *cb;
	struct sk_buff *skb;
	size_t space;

	space = cached_mss ? cached_mss : xs->advmss;
	if (dst)
		space = min_t(size_t, space, dst_mtu(dst) - hdrs);
	if (xs->user_mss)
		space = min_t(size_t, space, xs->user_mss);
	space = space > XTCP_MAX_OPT_SPACE ? space - XTCP_MAX_OPT_SPACE : 0;
	space = min(space, fo->size);
	if (!space || !sk_page_frag_refill(sk, pfrag))
		return NULL;
	space = min_t(size_t, space, pfrag->size - pfrag->offset);
	skb = xtcp_alloc_data_skb(sk, sk->sk_allocation);
	if (!skb)
		return NULL;
	cb = XTCP_SKB_CB(skb);
	cb->seq = xs->write_seq;
	cb->end_seq = xs->write_seq;
	cb->flags = XTCPHDR_ACK | XTCPHDR_PSH;
	cb->retransmitted = 0;
	/* Its own segment from here on, as Linux's SYN data skb. */
	cb->eor = 1;
	xtcp_queue_skb(sk, skb);
	if (skb_copy_to_page_nocache(sk, &fo->msg->msg_iter, skb, pfrag->page,
				     pfrag->offset, space)) {
		xtcp_remove_empty_skb(sk);
		return NULL;
	}
	skb_fill_page_desc(skb, 0, pfrag->page, pfrag->offset, space);
	page_ref_inc(pfrag->page);
	pfrag->offset += space;
	cb->end_seq += space;
	xs->write_seq += space;
	/* One segment, whatever the MSS before the handshake says. */
	skb_shinfo(skb)->gso_segs = 1;
	skb_shinfo(skb)->gso_size = 0;
	fo->copied = space;
	return skb;
}

/*
 * Send the SYN queued by connect() (RFC 9293 3.10.1), with Fast Open
 * when a write connects (@fo: MSG_FASTOPEN, or the first write after
 * TCP_FASTOPEN_CONNECT) or TCP_FASTOPEN_CONNECT is set: with the cached
 * cookie and the write's data, else asking for a cookie (Linux's
 * tcp_connect() and tcp_send_syn_data()).
 */
void xtcp_connect_syn(struct sock *sk, struct xtcp_fastopen_req *fo)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *data = NULL;
	struct xtcp_opts opt = {};
	u16 mss;

	XTCP_INC_STATS(sk, XTCP_MIB_ACTIVEOPENS);
	if (!fo && !xs->fastopen_connect) {
		xtcp_write_xmit(sk);
		return;
	}
	if (xtcp_fastopen_cookie_check(sk, &opt, &mss) && fo)
		data = xtcp_fastopen_data(sk, fo, mss);
	xs->syn_fastopen = opt.fo_ok;
	xs->syn_data = xtcp_send_syn(sk, &opt, data);
}

/*
 * TCP_FASTOPEN_CONNECT: with a cookie for the server (or none needed),
 * connect() returns at once and the SYN waits to carry the first write
 * (Linux's tcp_fastopen_defer_connect()).
 */
bool xtcp_fastopen_defer_connect(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_opts opt;
	u16 mss;

	if (!xs->fastopen_connect ||
	    !xtcp_fastopen_cookie_check(sk, &opt, &mss))
		return false;
	xs->defer_connect = 1;
	return true;
}

/*
 * A write that connects (Linux's tcp_sendmsg_fastopen()): MSG_FASTOPEN
 * on an unconnected socket, or the first write after a deferred
 * connect().  *copied: the bytes the SYN took.
 */
static int xtcp_sendmsg_fastopen(struct sock *sk, struct msghdr *msg,
				 int *copied, size_t size)
{
	struct sockaddr *uaddr = msg->msg_name;
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_fastopen_req fo = {
		.msg = msg,
		.size = size,
	};
	int err;

	if (!(XTCP_SYSCTL(sk, fastopen) & XTCP_TFO_CLIENT_ENABLE) ||
	    (uaddr && msg->msg_namelen >= sizeof(uaddr->sa_family) &&
	     uaddr->sa_family == AF_UNSPEC))
		return -EOPNOTSUPP;
	/*
	 * The deferred SYN goes now, with this write's data; the wait
	 * below sees a connect in progress.  Cleared first: while it
	 * sleeps, the SYN's retries and the rest of the data must go.
	 */
	fo.deferred = xs->defer_connect;
	if (fo.deferred) {
		xs->defer_connect = 0;
		xtcp_connect_syn(sk, &fo);
	}
	err = __xtcp_connect(sk->sk_socket, uaddr, msg->msg_namelen,
			     msg->msg_flags & MSG_DONTWAIT ? O_NONBLOCK : 0,
			     &fo);
	*copied = fo.copied;
	return err;
}

/*
 * PSH marks the end of what the user wrote (RFC 9293 3.9.1), so it goes
 * on the last skb queued; within one long write, also on the skb that
 * passes half the peer's largest window (Linux's tcp_mark_push()).
 */
static void xtcp_mark_push(struct xtcp_sock *xs, struct sk_buff *skb)
{
	XTCP_SKB_CB(skb)->flags |= XTCPHDR_PSH;
	xs->pushed_seq = xs->write_seq;
}

/*
 * The end of a write, or of its part before it waits for buffer space
 * (@flags without MSG_MORE then): PSH on the last skb unless MSG_MORE
 * said more is coming, which also holds a partial last segment back as
 * TCP_CORK does, this once (Linux's tcp_push()).
 */
static void xtcp_push(struct sock *sk, int flags)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	if (!skb)
		return;
	if (!(flags & MSG_MORE) ||
	    xtcp_push_forced(xs->write_seq, xs->pushed_seq, xs->max_window))
		xtcp_mark_push(xs, skb);
	if (flags & MSG_MORE)
		xs->cork_once = 1;
	xtcp_write_xmit(sk);
}

int xtcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t size)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int flags = msg->msg_flags;
	int copied = 0, copied_syn = 0, goal, err;
	long timeo;

	/* XTCP has no urgent data (RFC 6093 advises against it). */
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;

	lock_sock(sk);
	if (unlikely((flags & MSG_FASTOPEN) || xs->defer_connect)) {
		err = xtcp_sendmsg_fastopen(sk, msg, &copied_syn, size);
		if (err == -EINPROGRESS && copied_syn > 0) {
			release_sock(sk);
			return copied_syn;
		}
		/* A connect that failed: its error, whatever the SYN took. */
		if (err) {
			err = sk_stream_error(sk, flags, err);
			release_sock(sk);
			return err;
		}
	}
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	/* A Fast Open child may answer before the handshake ends. */
	if (!xtcp_state_can_send(sk->sk_state) &&
	    !(sk->sk_state == TCP_SYN_RECV && xs->fastopen_child)) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto out_err;
	}
	sk_clear_bit(SOCKWQ_ASYNC_NOSPACE, sk);
	err = -EPIPE;
	if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
		goto out_err;

	goal = xtcp_size_goal(sk);
	while (msg_data_left(msg)) {
		struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);
		struct page_frag *pfrag = sk_page_frag(sk);
		bool merge = false;
		int copy, i = 0;

		if (!sk_page_frag_refill(sk, pfrag))
			goto wait_for_space;
		/* Append to the unsent tail while it has room. */
		if (skb && skb->len < goal && !XTCP_SKB_CB(skb)->eor &&
		    !(XTCP_SKB_CB(skb)->flags & (XTCPHDR_SYN | XTCPHDR_FIN))) {
			i = skb_shinfo(skb)->nr_frags;
			merge = skb_can_coalesce(skb, i, pfrag->page,
						 pfrag->offset);
			if (!merge && i >= MAX_SKB_FRAGS)
				skb = NULL;
		} else {
			skb = NULL;
		}
		if (!skb) {
			/*
			 * Between skbs, take in what arrived while we held
			 * the lock (ACKs open the window, and our data then
			 * carries a fresh ACK), as tcp_sendmsg() does, and
			 * send what is ready.
			 */
			if (sk_flush_backlog(sk)) {
				err = -EPIPE;
				if (sk->sk_err ||
				    (sk->sk_shutdown & SEND_SHUTDOWN))
					goto out_err;
				continue;
			}
			if (skb_peek_tail(&sk->sk_write_queue))
				xtcp_write_xmit(sk);
			if (!sk_stream_memory_free(sk))
				goto wait_for_space;
			skb = xtcp_alloc_data_skb(sk, sk->sk_allocation);
			if (!skb)
				goto wait_for_space;
			if (!xtcp_data_skb_schedule(sk, skb)) {
				__kfree_skb(skb);
				goto wait_for_space;
			}
			XTCP_SKB_CB(skb)->seq = xs->write_seq;
			XTCP_SKB_CB(skb)->end_seq = xs->write_seq;
			XTCP_SKB_CB(skb)->flags = XTCPHDR_ACK;
			XTCP_SKB_CB(skb)->retransmitted = 0;
			XTCP_SKB_CB(skb)->eor = 0;
			xtcp_idle_restart_check(sk);
			xtcp_queue_skb(sk, skb);
			i = 0;
			merge = false;
		}
		copy = min3((size_t)(goal - skb->len), msg_data_left(msg),
			    (size_t)(pfrag->size - pfrag->offset));
		copy = xtcp_wmem_schedule(sk, copy);
		if (!copy)
			goto wait_for_space;
		/* Also adds the bytes to the skb's length and truesize. */
		err = skb_copy_to_page_nocache(sk, &msg->msg_iter, skb,
					       pfrag->page, pfrag->offset,
					       copy);
		if (err)
			goto out_err;
		if (merge) {
			skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
		} else {
			skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset,
					   copy);
			page_ref_inc(pfrag->page);
		}
		pfrag->offset += copy;
		/* The tail's PSH ended the previous write: it moves on. */
		if (!copied)
			XTCP_SKB_CB(skb)->flags &= ~XTCPHDR_PSH;
		XTCP_SKB_CB(skb)->end_seq += copy;
		xs->write_seq += copy;
		copied += copy;
		if (!msg_data_left(msg) && (flags & MSG_EOR))
			XTCP_SKB_CB(skb)->eor = 1;
		if (msg_data_left(msg) && skb->len >= goal &&
		    xtcp_push_forced(xs->write_seq, xs->pushed_seq,
				     xs->max_window)) {
			xtcp_mark_push(xs, skb);
			xtcp_write_xmit(sk);
		}
		continue;

wait_for_space:
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		xtcp_remove_empty_skb(sk);
		/* What is queued goes now, whatever Nagle or a cork say. */
		if (copied) {
			xs->push_once = 1;
			xtcp_push(sk, flags & ~MSG_MORE);
		} else {
			xtcp_write_xmit(sk);
		}
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto out_err;
		goal = xtcp_size_goal(sk);
	}
	if (copied)
		xtcp_push(sk, flags);
	release_sock(sk);
	return copied + copied_syn;

out_err:
	xtcp_remove_empty_skb(sk);
	if (copied || copied_syn) {
		if (copied)
			xtcp_push(sk, flags);
		release_sock(sk);
		return copied + copied_syn;
	}
	err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/*
 * After the reader took data, as Linux's tcp_cleanup_rbuf(): ACK now if
 * more than a full segment waits for its ACK, or if the read emptied the
 * queue of short segments the sender pushed (two or more; a single one
 * too unless the connection is interactive, where the answer will carry
 * the ACK); else advertise the space if it grew a lot.
 */
static void xtcp_cleanup_rbuf(struct sock *sk, int copied)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 cur = xtcp_rcv_wnd_left(xs);
	u32 wnd;

	if (copied <= 0 || !xtcp_state_can_recv_data(sk->sk_state) ||
	    (sk->sk_shutdown & RCV_SHUTDOWN))
		return;
	if (xs->ack_pending &&
	    (xs->rcv_nxt - xs->rcv_wup > xs->rcv_mss ||
	     ((xs->ack_pushed2 || (xs->ack_pushed && !xs->pingpong)) &&
	      !atomic_read(&sk->sk_rmem_alloc)))) {
		xtcp_send_ack(sk);
		return;
	}
	if (2 * cur > xtcp_max_rcv_wnd(xs))
		return;
	wnd = xtcp_select_window(min(xtcp_receive_space(sk),
				     xtcp_rcv_ssthresh(xs)),
				 cur, xtcp_rcv_shift(xs) ? 0 : xs->advmss,
				 xtcp_max_rcv_wnd(xs));
	if (wnd && wnd >= 2 * cur)
		xtcp_send_ack(sk);
}

/* As tcp_recvmsg(): in-order bytes from the receive queue. */
int xtcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		 int flags)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 peek_seq, *seq;
	int copied = 0, target;
	long timeo;

	if (flags & MSG_OOB)
		return -EINVAL;	/* Linux's answer when no urgent byte is due */
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;	/* the error queue is always empty */

	lock_sock(sk);
	if (sk->sk_state == TCP_LISTEN) {
		copied = -ENOTCONN;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	seq = &xs->copied_seq;
	if (flags & MSG_PEEK) {
		peek_seq = xs->copied_seq;
		seq = &peek_seq;
	}
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);

	while (len > 0) {
		struct sk_buff *skb, *last;
		u32 offset;
		size_t used;

		last = skb_peek_tail(&sk->sk_receive_queue);
		skb_queue_walk(&sk->sk_receive_queue, skb) {
			offset = *seq - XTCP_SKB_CB(skb)->seq;
			if (offset < skb->len)
				goto found;
		}

		/*
		 * Segments that came while we held the socket wait in the
		 * backlog: take them into this read, as tcp_recvmsg_locked()
		 * does, rather than return and leave them to the next call.
		 */
		if (copied >= target && !READ_ONCE(sk->sk_backlog.tail))
			break;
		if (copied) {
			if (!timeo || sk->sk_err || sk->sk_state == TCP_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) ||
			    signal_pending(current))
				break;
		} else {
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				copied = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == TCP_CLOSE) {
				copied = -ENOTCONN;	/* never connected */
				break;
			}
			if (!timeo) {
				copied = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				copied = sock_intr_errno(timeo);
				break;
			}
		}
		if (copied >= target) {
			sk_flush_backlog(sk);
			continue;
		}
		xtcp_cleanup_rbuf(sk, copied);
		sk_wait_data(sk, &timeo, last);
		continue;

found:
		used = min_t(size_t, skb->len - offset, len);
		if (skb_copy_datagram_msg(skb, offset, msg, used)) {
			if (!copied)
				copied = -EFAULT;
			break;
		}
		*seq += used;
		copied += used;
		len -= used;
		if (!(flags & MSG_PEEK) && offset + used == skb->len) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			__kfree_skb(skb);
		}
	}
	if (!(flags & MSG_PEEK)) {
		xtcp_rcv_space_adjust(sk);
		xtcp_cleanup_rbuf(sk, copied);
	}
	if (xs->recvmsg_inq && copied >= 0) {
		int inq = xtcp_inq_hint(sk);

		put_cmsg(msg, SOL_TCP, TCP_CM_INQ, sizeof(inq), &inq);
	}
out:
	release_sock(sk);
	return copied;
}

/*
 * Wait for, and take, an established child from a listener's accept
 * queue (Linux's inet_csk_accept()).  NULL with *err set if none came:
 * -EAGAIN for a non-blocking socket or an expired SO_RCVTIMEO, -EINVAL
 * once the socket no longer listens, or the signal's errno.
 */
struct sock *xtcp_accept_child(struct sock *sk, int flags, int *err)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct xtcp_sock *xs = xtcp_sk(sk), *cxs;
	long timeo;

	lock_sock(sk);
	*err = -EINVAL;
	if (sk->sk_state != TCP_LISTEN)
		goto out;

	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	add_wait_queue_exclusive(sk_sleep(sk), &wait);
	while (xtcp_accept_queue_empty(xs)) {
		*err = -EAGAIN;
		if (!timeo)
			break;
		release_sock(sk);
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
		lock_sock(sk);
		*err = -EINVAL;
		if (sk->sk_state != TCP_LISTEN)
			break;
		*err = sock_intr_errno(timeo);
		if (signal_pending(current))
			break;
		*err = 0;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	if (*err && xtcp_accept_queue_empty(xs))
		goto out;

	spin_lock_bh(&xtcp_acceptq(xs)->lock);
	cxs = list_first_entry_or_null(&xtcp_acceptq(xs)->children,
				       struct xtcp_sock, accept_node);
	if (cxs) {
		list_del_init(&cxs->accept_node);
		sk_acceptq_removed(sk);
	}
	spin_unlock_bh(&xtcp_acceptq(xs)->lock);
	*err = -EAGAIN;
	if (!cxs)
		goto out;
	release_sock(sk);
	return &cxs->inet.sk;
out:
	release_sock(sk);
	return NULL;
}
