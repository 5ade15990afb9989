// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP: an alternate TCP as a loadable module.
 *
 * This file is the socket layer: the AF_XTCP family, the socket calls
 * (bind, listen, accept, connect, send, receive, shutdown, close, poll,
 * options) with Linux TCP's semantics and errnos, and the state helpers
 * the rest of the module shares.  Segments arrive in xtcp_input.c and
 * leave in xtcp_output.c.
 */
#include <linux/igmp.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/protocol.h>
#include <net/secure_seq.h>

#include "xtcp.h"
#include "xtcp_compat.h"
#include "xtcp_trace.h"

/* ---- state helpers ---------------------------------------------------- */

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

	if (old == state)
		return;
	if (old == TCP_SYN_RECV && xs->parent) {
		struct xtcp_sock *pxs = xtcp_sk(xs->parent);

		spin_lock_bh(&pxs->accept_lock);
		pxs->syn_pending--;
		spin_unlock_bh(&pxs->accept_lock);
	}
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

	if (state == TCP_CLOSE) {
		xtcp_unhash(sk);
		if (sock_flag(sk, SOCK_DEAD) ||
		    !(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
			xtcp_put_port(sk);
	}
}

/* The connection is over (Linux's tcp_done()). */
void xtcp_done(struct sock *sk)
{
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
	if (xs->parent)
		sock_put(xs->parent);
	inet_sock_destruct(sk);
}

void xtcp_init_sock(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);

	sk->sk_protocol = IPPROTO_XTCP;
	sk->sk_destruct = xtcp_sock_destruct;
	xs->rcv_ratio = XTCP_RCV_RATIO_DEFAULT;
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
	inet->pmtudisc = IP_PMTUDISC_WANT;

	xs->ooo_queue = RB_ROOT;
	xs->rtx_queue = RB_ROOT;
	INIT_LIST_HEAD(&xs->tsorted_sent);
	spin_lock_init(&xs->accept_lock);
	INIT_LIST_HEAD(&xs->accept_queue);
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

static bool xtcp_need_reset(int state)
{
	return (1 << state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT |
			       TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 |
			       TCPF_SYN_RECV);
}

/*
 * A new listen() begins: children from an earlier one (still in SYN_RECV
 * when it stopped) must not join this accept queue.
 */
static void xtcp_listen_start(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	spin_lock_bh(&xs->accept_lock);
	WRITE_ONCE(xs->listen_gen, xs->listen_gen + 1);
	spin_unlock_bh(&xs->accept_lock);
}

/* Drop every child still waiting to be accepted, with a RST. */
static void xtcp_listen_stop(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk), *cxs, *tmp;
	LIST_HEAD(children);

	spin_lock_bh(&xs->accept_lock);
	/* Children still in SYN_RECV now belong to no listen(): they die. */
	WRITE_ONCE(xs->listen_gen, xs->listen_gen + 1);
	list_splice_init(&xs->accept_queue, &children);
	spin_unlock_bh(&xs->accept_lock);

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

/* Forget the connection so the socket can connect again. */
static int xtcp_disconnect(struct sock *sk, int flags)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	int old = sk->sk_state;

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
	xs->fin_queued = 0;
	xs->backoff = 0;
	xs->retransmits = 0;
	xs->high_seq = 0;
	xtcp_rtt_init(&xs->rtt);
	xs->ca_ops->init(&xs->cong);
	xs->dupacks = 0;
	xs->ca_state = XTCP_CA_OPEN;
	sk_dst_reset(sk);
	sk_error_report(sk);
	return 0;
}

/* ---- socket calls ------------------------------------------------------ */

static bool xtcp_family_ok(sa_family_t family)
{
	return family == AF_XTCP || family == AF_INET;
}

static int xtcp_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	struct sockaddr_in *addr = (struct sockaddr_in *)uaddr;
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	unsigned int type;
	u16 port;
	int err;

	if (addr_len < sizeof(struct sockaddr_in))
		return -EINVAL;
	/* As inet_bind(): AF_UNSPEC passes only with INADDR_ANY. */
	if (!xtcp_family_ok(addr->sin_family) &&
	    (addr->sin_family != AF_UNSPEC ||
	     addr->sin_addr.s_addr != htonl(INADDR_ANY)))
		return -EAFNOSUPPORT;

	type = inet_addr_type(net, addr->sin_addr.s_addr);
	if (addr->sin_addr.s_addr != htonl(INADDR_ANY) &&
	    type != RTN_LOCAL && type != RTN_MULTICAST &&
	    type != RTN_BROADCAST)
		return -EADDRNOTAVAIL;

	port = ntohs(addr->sin_port);
	if (port && inet_port_requires_bind_service(net, port) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	err = -EINVAL;
	if (sk->sk_state != TCP_CLOSE || inet->inet_num)
		goto out;

	inet->inet_rcv_saddr = addr->sin_addr.s_addr;
	inet->inet_saddr = addr->sin_addr.s_addr;
	if (type == RTN_MULTICAST || type == RTN_BROADCAST)
		inet->inet_saddr = 0;	/* use the device address */
	err = xtcp_bind_port(sk, port);
	if (err) {
		inet->inet_rcv_saddr = 0;
		inet->inet_saddr = 0;
		goto out;
	}
	if (inet->inet_rcv_saddr)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (port)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	sk_dst_reset(sk);
out:
	release_sock(sk);
	return err;
}

/* Route, pick a port, and send the SYN (RFC 9293 3.10.1, active OPEN). */
static int xtcp_v4_connect(struct sock *sk, struct sockaddr *uaddr,
			   int addr_len)
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
	sk_setup_caps(sk, &rt->dst);

	if (autobind) {
		err = xtcp_bind_port(sk, 0);
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
	xs->iss = isn.seq;
	xs->ts_off = isn.ts_off;
	xtcp_offer_options(sk);
	xtcp_set_mss(sk, 0);
	err = xtcp_queue_syn(sk, XTCPHDR_SYN);
	if (err)
		goto failure;
	XTCP_INC_STATS(sk, XTCP_MIB_ACTIVEOPENS);
	xtcp_write_xmit(sk);
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

static long xtcp_wait_for_connect(struct sock *sk, long timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	while ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		release_sock(sk);
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
		lock_sock(sk);
		if (signal_pending(current) || !timeo)
			break;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return timeo;
}

/* The socket-level half, as Linux's __inet_stream_connect(). */
static int xtcp_connect(struct socket *sock, struct sockaddr *uaddr,
			int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	long timeo;
	int err;

	if (addr_len < sizeof(uaddr->sa_family))
		return -EINVAL;

	lock_sock(sk);
	if (uaddr->sa_family == AF_UNSPEC) {
		err = xtcp_disconnect(sk, flags);
		sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
		goto out;
	}

	switch (sock->state) {
	default:
		err = -EINVAL;
		goto out;
	case SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case SS_CONNECTING:
		err = -EALREADY;
		break;
	case SS_UNCONNECTED:
		err = -EISCONN;
		if (sk->sk_state != TCP_CLOSE)
			goto out;
		err = xtcp_v4_connect(sk, uaddr, addr_len);
		if (err < 0)
			goto out;
		sock->state = SS_CONNECTING;
		err = -EINPROGRESS;
		break;
	}

	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		if (!timeo)
			goto out;
		timeo = xtcp_wait_for_connect(sk, timeo);
		if (!timeo && ((1 << sk->sk_state) &
			       (TCPF_SYN_SENT | TCPF_SYN_RECV)))
			goto out;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			goto out;
	}

	if (sk->sk_state == TCP_CLOSE) {
		err = sock_error(sk) ? : -ECONNABORTED;
		sock->state = SS_UNCONNECTED;
		xtcp_disconnect(sk, flags);
		goto out;
	}
	sock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;
}

static int xtcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err = -EINVAL;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED)
		goto out;
	if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN)
		goto out;

	backlog = min_t(int, backlog,
			READ_ONCE(sock_net(sk)->core.sysctl_somaxconn));
	WRITE_ONCE(sk->sk_max_ack_backlog, max(backlog, 0));
	err = 0;
	if (sk->sk_state == TCP_LISTEN)
		goto out;

	if (!inet_sk(sk)->inet_num) {
		err = xtcp_bind_port(sk, 0);
		if (err)
			goto out;
	}
	xtcp_listen_start(sk);
	err = xtcp_listen_hash(sk);
out:
	release_sock(sk);
	return err;
}

static bool xtcp_accept_queue_empty(struct xtcp_sock *xs)
{
	bool empty;

	spin_lock_bh(&xs->accept_lock);
	empty = list_empty(&xs->accept_queue);
	spin_unlock_bh(&xs->accept_lock);
	return empty;
}

int xtcp_do_accept(struct sock *sk, struct socket *newsock, int flags)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct xtcp_sock *xs = xtcp_sk(sk), *cxs;
	struct sock *child;
	long timeo;
	int err;

	lock_sock(sk);
	err = -EINVAL;
	if (sk->sk_state != TCP_LISTEN)
		goto out;

	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	add_wait_queue_exclusive(sk_sleep(sk), &wait);
	while (xtcp_accept_queue_empty(xs)) {
		err = -EAGAIN;
		if (!timeo)
			break;
		release_sock(sk);
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
		lock_sock(sk);
		err = -EINVAL;
		if (sk->sk_state != TCP_LISTEN)
			break;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			break;
		err = 0;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	if (err && xtcp_accept_queue_empty(xs))
		goto out;

	spin_lock_bh(&xs->accept_lock);
	cxs = list_first_entry_or_null(&xs->accept_queue, struct xtcp_sock,
				       accept_node);
	if (cxs) {
		list_del_init(&cxs->accept_node);
		sk_acceptq_removed(sk);
	}
	spin_unlock_bh(&xs->accept_lock);
	err = -EAGAIN;
	if (!cxs)
		goto out;
	release_sock(sk);

	/* The accept queue's reference now belongs to newsock. */
	child = &cxs->inet.sk;
	lock_sock(child);
	sock_graft(child, newsock);
	newsock->state = SS_CONNECTED;
	if (cxs->parent) {
		sock_put(cxs->parent);
		/* /proc/net/xtcp reads it without the socket lock. */
		WRITE_ONCE(cxs->parent, NULL);
	}
	release_sock(child);
	return 0;
out:
	release_sock(sk);
	return err;
}

static int xtcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sockaddr_xtcp *sin = (struct sockaddr_xtcp *)uaddr;
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);

	sin->sxtcp_family = AF_XTCP;
	if (peer) {
		if (!inet->inet_dport ||
		    (((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_SYN_SENT)) &&
		     peer == 1))
			return -ENOTCONN;
		sin->sxtcp_port = inet->inet_dport;
		sin->sxtcp_addr = inet->inet_daddr;
	} else {
		sin->sxtcp_port = inet->inet_sport;
		sin->sxtcp_addr = inet->inet_rcv_saddr ? : inet->inet_saddr;
	}
	memset(sin->sxtcp_zero, 0, sizeof(sin->sxtcp_zero));
	return sizeof(*sin);
}

/* As tcp_poll(). */
static __poll_t xtcp_poll(struct file *file, struct socket *sock,
			  poll_table *wait)
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

	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
		if (xtcp_inq(sk) >= (u32)max(READ_ONCE(sk->sk_rcvlowat), 1))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(shutdown & SEND_SHUTDOWN)) {
			if (sk_stream_is_writeable(sk)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* Recheck after setting the bit: no lost wakeup. */
				smp_mb__after_atomic();
				if (sk_stream_is_writeable(sk))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	/* Order the error read after the state read, as tcp_poll(). */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

static int xtcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
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

static void xtcp_shutdown_send(struct sock *sk)
{
	bool send_fin;
	int state;

	if (!((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_SYN_RECV |
				     TCPF_CLOSE_WAIT)))
		return;
	state = xtcp_state_on_close(sk->sk_state, &send_fin);
	xtcp_set_state(sk, state);
	if (send_fin)
		xtcp_queue_fin(sk);
}

/* As inet_shutdown() and tcp_shutdown(). */
static int xtcp_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	how++;	/* SHUT_RD/WR/RDWR to RCV_SHUTDOWN/SEND_SHUTDOWN/both */
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;

	lock_sock(sk);
	if (sock->state == SS_CONNECTING) {
		if ((1 << sk->sk_state) &
		    (TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_CLOSE))
			sock->state = SS_DISCONNECTING;
		else
			sock->state = SS_CONNECTED;
	}

	switch (sk->sk_state) {
	case TCP_CLOSE:
		err = -ENOTCONN;
		fallthrough;
	default:
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		if (how & SEND_SHUTDOWN)
			xtcp_shutdown_send(sk);
		break;
	case TCP_LISTEN:
		if (!(how & RCV_SHUTDOWN))
			break;
		fallthrough;
	case TCP_SYN_SENT:
		err = xtcp_disconnect(sk, O_NONBLOCK);
		sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
		break;
	}
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}

/* Close (RFC 9293 3.10.4), as tcp_close(). */
static void xtcp_close(struct sock *sk, long timeout)
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
static void xtcp_mc_drop(struct sock *sk)
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

static int xtcp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	long timeout = 0;

	if (!sk)
		return 0;
	xtcp_mc_drop(sk);
	if (sock_flag(sk, SOCK_LINGER) && !(current->flags & PF_EXITING))
		timeout = sk->sk_lingertime;
	xtcp_close(sk, timeout);
	sock->sk = NULL;
	return 0;
}

static int xtcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t size)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int flags = msg->msg_flags;
	int copied = 0, goal, err;
	long timeo;

	/* XTCP has no urgent data (RFC 6093 advises against it). */
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;

	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	if ((1 << sk->sk_state) & ~(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) {
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
		size_t copy, done;

		if (!skb || skb->len >= goal ||
		    (XTCP_SKB_CB(skb)->flags & (XTCPHDR_SYN | XTCPHDR_FIN)) ||
		    !skb_tailroom(skb)) {
			/*
			 * Between segments, take in what arrived while we
			 * held the lock (ACKs open the window, and our data
			 * then carries a fresh ACK), as tcp_sendmsg() does,
			 * and send what is ready.
			 */
			if (sk_flush_backlog(sk)) {
				err = -EPIPE;
				if (sk->sk_err ||
				    (sk->sk_shutdown & SEND_SHUTDOWN))
					goto out_err;
				continue;
			}
			if (skb)
				xtcp_write_xmit(sk);
			if (!sk_stream_memory_free(sk))
				goto wait_for_space;
			skb = alloc_skb(XTCP_DATA_HEADER + goal, sk->sk_allocation);
			if (!skb)
				goto wait_for_space;
			skb_reserve(skb, XTCP_DATA_HEADER);
			XTCP_SKB_CB(skb)->seq = xs->write_seq;
			XTCP_SKB_CB(skb)->end_seq = xs->write_seq;
			XTCP_SKB_CB(skb)->flags = XTCPHDR_ACK;
			XTCP_SKB_CB(skb)->retransmitted = 0;
			xtcp_queue_skb(sk, skb);
		}
		copy = min3((size_t)(goal - skb->len), msg_data_left(msg),
			    (size_t)skb_tailroom(skb));
		done = copy_from_iter(skb_put(skb, copy), copy, &msg->msg_iter);
		if (done < copy)
			skb_trim(skb, skb->len - (copy - done));
		XTCP_SKB_CB(skb)->end_seq += done;
		xs->write_seq += done;
		copied += done;
		if (done < copy) {
			err = -EFAULT;
			goto out_err;
		}
		continue;

wait_for_space:
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		xtcp_write_xmit(sk);
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto out_err;
		goal = xtcp_size_goal(sk);
	}
	xtcp_write_xmit(sk);
	release_sock(sk);
	return copied;

out_err:
	if (copied) {
		xtcp_write_xmit(sk);
		release_sock(sk);
		return copied;
	}
	err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/*
 * After the reader took data: ACK now if it emptied the queue of short
 * segments the sender pushed (two or more: a single one is likely a
 * request, whose answer will carry the ACK), as Linux's
 * tcp_cleanup_rbuf(); else advertise the space if it grew a lot.
 */
static void xtcp_cleanup_rbuf(struct sock *sk, int copied)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 cur = xtcp_rcv_wnd_left(xs);
	u32 wnd;

	if (copied <= 0 || !xtcp_state_can_recv_data(sk->sk_state) ||
	    (sk->sk_shutdown & RCV_SHUTDOWN))
		return;
	if (xs->ack_pending && xs->ack_pushed2 &&
	    !atomic_read(&sk->sk_rmem_alloc)) {
		xtcp_send_ack(sk);
		return;
	}
	if (2 * cur > xtcp_max_rcv_wnd(xs))
		return;
	wnd = xtcp_select_window(xtcp_receive_space(sk), cur, xs->advmss,
				 xtcp_max_rcv_wnd(xs));
	if (wnd && wnd >= 2 * cur)
		xtcp_send_ack(sk);
}

/* As tcp_recvmsg(): in-order bytes from the receive queue. */
static int xtcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
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

		if (copied >= target)
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
out:
	release_sock(sk);
	return copied;
}

/* ---- socket options ---------------------------------------------------- */

static void xtcp_get_info(struct sock *sk, struct tcp_info *info)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct dst_entry *dst;

	memset(info, 0, sizeof(*info));
	info->tcpi_state = inet_sk_state_load(sk);
	/*
	 * Linux hands a connection in TIME_WAIT to a timewait mini-socket
	 * and the user's socket reads CLOSE; XTCP keeps the socket itself
	 * in TIME_WAIT (its /proc line says so) but answers as Linux does.
	 */
	if (info->tcpi_state == TCP_TIME_WAIT)
		info->tcpi_state = TCP_CLOSE;
	if (info->tcpi_state == TCP_LISTEN) {
		/* As Linux: the accept queue and its limit. */
		info->tcpi_unacked = READ_ONCE(sk->sk_ack_backlog);
		info->tcpi_sacked = READ_ONCE(sk->sk_max_ack_backlog);
		return;
	}
	lock_sock(sk);
	info->tcpi_retransmits = xs->retransmits;
	info->tcpi_backoff = xs->backoff;
	info->tcpi_rto = jiffies_to_usecs(xtcp_rto_jiffies(xs));
	info->tcpi_ato = jiffies_to_usecs(XTCP_DELACK_MIN);
	info->tcpi_snd_mss = xs->mss_cache;
	info->tcpi_rcv_mss = xs->rcv_mss;
	info->tcpi_ca_state = xs->ca_state;
	info->tcpi_unacked = xs->packets_out;
	info->tcpi_sacked = xs->sacked_out;
	info->tcpi_lost = xs->lost_out;
	info->tcpi_retrans = xs->retrans_out;
	info->tcpi_delivered = xs->delivered;
	info->tcpi_delivery_rate = xs->delivery_rate;
	info->tcpi_last_data_recv = jiffies_to_msecs(xtcp_jiffies32_since(xs->last_data_recv));
	dst = __sk_dst_get(sk);
	info->tcpi_pmtu = dst ? dst_mtu(dst) : 0;
	info->tcpi_rcv_ssthresh = xs->rcv_wnd;
	info->tcpi_rtt = xs->rtt.srtt_us;
	info->tcpi_rttvar = xs->rtt.rttvar_us;
	info->tcpi_snd_ssthresh = xs->cong.ssthresh;
	info->tcpi_snd_cwnd = xs->cong.cwnd;
	info->tcpi_advmss = xs->advmss;
	info->tcpi_reordering = 3;
	info->tcpi_rcv_space = xs->rcvq_space;
	info->tcpi_total_retrans = xs->total_retrans;
	info->tcpi_bytes_acked = xs->bytes_acked;
	info->tcpi_bytes_received = xs->bytes_received;
	info->tcpi_segs_out = xs->segs_out;
	info->tcpi_segs_in = xs->segs_in;
	info->tcpi_min_rtt = xs->rtt.has_sample ? xs->rtt.min_rtt_us : ~0U;
	info->tcpi_last_data_sent =
		jiffies_to_msecs(xtcp_jiffies32_since(xs->last_data_sent));
	info->tcpi_notsent_bytes = xs->write_seq - xs->snd_nxt;
	info->tcpi_snd_wnd = xs->snd_wnd;
	if (xs->ts_ok)
		info->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (xs->sack_ok)
		info->tcpi_options |= TCPI_OPT_SACK;
	if (xs->wscale_ok) {
		info->tcpi_options |= TCPI_OPT_WSCALE;
		info->tcpi_snd_wscale = xs->snd_wscale;
		info->tcpi_rcv_wscale = xs->rcv_wscale;
	}
	info->tcpi_probes = xs->probes_out;
	info->tcpi_last_ack_recv = jiffies_to_msecs(xtcp_jiffies32_since(xs->rcv_tstamp));
	release_sock(sk);
}

/* TCP_CONGESTION: an algorithm's name, not necessarily NUL-terminated. */
static int xtcp_setsockopt_cong(struct sock *sk, sockptr_t optval,
				unsigned int optlen)
{
	const struct xtcp_cong_ops *ops;
	char name[XTCP_CA_NAME_MAX];

	if (optlen < 1)
		return -EINVAL;
	optlen = min_t(unsigned int, optlen, sizeof(name) - 1);
	if (copy_from_sockptr(name, optval, optlen))
		return -EFAULT;
	name[optlen] = 0;
	ops = xtcp_cong_find(name);
	if (!ops)
		return -ENOENT;	/* Linux's answer for an unknown name */
	lock_sock(sk);
	if (ops != xtcp_sk(sk)->ca_ops)
		xtcp_cong_set_ops(sk, ops);
	release_sock(sk);
	return 0;
}

static int xtcp_setsockopt(struct socket *sock, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int val, err = 0;

	if (level == SOL_IP && (optname == IP_ADD_MEMBERSHIP ||
				optname == IP_DROP_MEMBERSHIP))
		return -EPROTO;	/* ip_setsockopt()'s answer for TCP */
	if (level != SOL_TCP)
		return ip_setsockopt(sk, level, optname, optval, optlen);
	if (optname == TCP_CONGESTION)
		return xtcp_setsockopt_cong(sk, optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);
	switch (optname) {
	case TCP_NODELAY:
		xs->nonagle = !!val;
		if (val)
			xtcp_push_pending(sk);	/* as Linux does */
		break;
	case TCP_CORK:
		xs->corked = !!val;
		if (!val)
			xtcp_push_pending(sk);
		break;
	case TCP_MAXSEG:
		/* Linux's bounds: TCP_MIN_MSS .. MAX_TCP_WINDOW. */
		if (val && (val < XTCP_MIN_MSS || val > 32767)) {
			err = -EINVAL;
			break;
		}
		xs->user_mss = val;
		break;
	case TCP_KEEPIDLE:
		/* Linux's bounds: 1 .. XTCP_MAX_KEEPIDLE seconds. */
		if (val < 1 || val > XTCP_MAX_KEEPIDLE) {
			err = -EINVAL;
			break;
		}
		xs->keepalive_time = val * HZ;
		xtcp_reset_keepalive(sk);
		break;
	case TCP_KEEPINTVL:
		if (val < 1 || val > XTCP_MAX_KEEPINTVL)
			err = -EINVAL;
		else
			xs->keepalive_intvl = val * HZ;
		break;
	case TCP_KEEPCNT:
		if (val < 1 || val > XTCP_MAX_KEEPCNT)
			err = -EINVAL;
		else
			xs->keepalive_probes = val;
		break;
	case TCP_USER_TIMEOUT:
		if (val < 0)
			err = -EINVAL;
		else
			xs->user_timeout = val;
		break;
	case TCP_QUICKACK:
		if (val) {
			xs->quickack = XTCP_MAX_QUICKACKS;
			if (xs->ack_pending &&
			    xtcp_state_can_recv_data(sk->sk_state))
				xtcp_send_ack(sk);
		} else {
			xs->quickack = 0;
		}
		break;
	default:
		err = -ENOPROTOOPT;
	}
	release_sock(sk);
	return err;
}

static int xtcp_getsockopt(struct socket *sock, int level, int optname,
			   char __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct tcp_info info;
	int val, len;

	if (level != SOL_TCP)
		return ip_getsockopt(sk, level, optname, optval, optlen);
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;	/* as do_tcp_getsockopt() */

	switch (optname) {
	case TCP_NODELAY:
		val = xs->nonagle;
		break;
	case TCP_CORK:
		val = xs->corked;
		break;
	case TCP_MAXSEG:
		val = xs->mss_cache;
		if (xs->user_mss &&
		    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			val = xs->user_mss;
		break;
	case TCP_QUICKACK:
		val = xs->quickack > 0;
		break;
	case TCP_KEEPIDLE:
		val = xtcp_keepalive_time(xs) / HZ;
		break;
	case TCP_KEEPINTVL:
		val = xtcp_keepalive_intvl(xs) / HZ;
		break;
	case TCP_KEEPCNT:
		val = xtcp_keepalive_probes(xs);
		break;
	case TCP_USER_TIMEOUT:
		val = xs->user_timeout;
		break;
	case TCP_CONGESTION: {
		char name[XTCP_CA_NAME_MAX] = {};

		strscpy(name, READ_ONCE(xs->ca_ops)->name, sizeof(name));
		len = min_t(unsigned int, len, sizeof(name));
		if (put_user(len, optlen))
			return -EFAULT;
		if (copy_to_user(optval, name, len))
			return -EFAULT;
		return 0;
	}
	case TCP_INFO:
		xtcp_get_info(sk, &info);
		len = min_t(unsigned int, len, sizeof(info));
		if (put_user(len, optlen))
			return -EFAULT;
		if (copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen))
		return -EFAULT;
	if (copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

/* ---- registration ------------------------------------------------------ */

struct proto xtcp_prot = {
	.name		= "XTCP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct xtcp_sock),
	.backlog_rcv	= xtcp_backlog_rcv,
	.keepalive	= xtcp_keepalive,
};

static const struct proto_ops xtcp_stream_ops = {
	.family		= PF_XTCP,
	.owner		= THIS_MODULE,
	.release	= xtcp_release,
	.bind		= xtcp_bind,
	.connect	= xtcp_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= xtcp_accept,
	.getname	= xtcp_getname,
	.poll		= xtcp_poll,
	.ioctl		= xtcp_ioctl,
	.listen		= xtcp_listen,
	.shutdown	= xtcp_shutdown,
	.setsockopt	= xtcp_setsockopt,
	.getsockopt	= xtcp_getsockopt,
	.sendmsg	= xtcp_sendmsg,
	.recvmsg	= xtcp_recvmsg,
	.mmap		= sock_no_mmap,
};

static int xtcp_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	struct sock *sk;

	if (sock->type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != IPPROTO_XTCP)
		return -EPROTONOSUPPORT;

	sock->state = SS_UNCONNECTED;
	sock->ops = &xtcp_stream_ops;
	sk = sk_alloc(net, PF_XTCP, GFP_KERNEL, &xtcp_prot, kern);
	if (!sk)
		return -ENOBUFS;
	sock_init_data(sock, sk);
	xtcp_init_sock(sk);
	return 0;
}

static const struct net_proto_family xtcp_family_ops = {
	.family	= PF_XTCP,
	.create	= xtcp_create,
	.owner	= THIS_MODULE,
};

static const struct net_protocol xtcp_protocol = {
	.handler	= xtcp_v4_rcv,
	.no_policy	= 1,
};

static int __init xtcp_init(void)
{
	int err;

	BUILD_BUG_ON(sizeof(struct xtcp_skb_cb) > sizeof_field(struct sk_buff,
							       cb));
	BUILD_BUG_ON(sizeof(struct sockaddr_xtcp) !=
		     sizeof(struct sockaddr_in));

	err = proto_register(&xtcp_prot, 1);
	if (err)
		return err;
	err = xtcp_hash_init();
	if (err)
		goto out_proto;
	if (inet_add_protocol(&xtcp_protocol, IPPROTO_XTCP) < 0) {
		pr_err("xtcp: IP protocol %d is already registered\n",
		       IPPROTO_XTCP);
		err = -EBUSY;
		goto out_hash;
	}
	err = sock_register(&xtcp_family_ops);
	if (err) {
		pr_err("xtcp: address family %d is taken by another module\n",
		       AF_XTCP);
		goto out_inet;
	}
	pr_info("xtcp: loaded: AF_XTCP %d, IP protocol %d\n", AF_XTCP,
		IPPROTO_XTCP);
	return 0;

out_inet:
	inet_del_protocol(&xtcp_protocol, IPPROTO_XTCP);
out_hash:
	xtcp_hash_exit();
out_proto:
	proto_unregister(&xtcp_prot);
	return err;
}

static void __exit xtcp_exit(void)
{
	sock_unregister(PF_XTCP);
	inet_del_protocol(&xtcp_protocol, IPPROTO_XTCP);
	xtcp_hash_exit();
	/* Sockets free after an RCU grace period (SOCK_RCU_FREE). */
	rcu_barrier();
	proto_unregister(&xtcp_prot);
	pr_info("xtcp: unloaded\n");
}

module_init(xtcp_init);
module_exit(xtcp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("XTCP: an alternate TCP over IP protocol 253");
MODULE_ALIAS_NETPROTO(PF_XTCP);
