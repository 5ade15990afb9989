// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP: an alternate TCP as a loadable module.
 *
 * The AF_XTCP family, Linux's af_inet.c for XTCP: the socket calls that
 * are the family's (bind, connect, listen, accept, getname, shutdown,
 * release) with Linux TCP's semantics and errnos, the proto_ops that
 * route the others to xtcp.c and xtcp_sockopt.c, and the module's
 * registration with the socket layer and IP.
 */
#include <linux/module.h>
#include <net/ip.h>
#include <net/protocol.h>

#include "xtcp.h"
#include "xtcp_compat.h"

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

/*
 * The socket-level half, as Linux's __inet_stream_connect(), with the
 * socket locked.  @fo: a write that connects (Fast Open), whose address
 * may be absent when a deferred connect() gave it already.
 */
int __xtcp_connect(struct socket *sock, struct sockaddr *uaddr, int addr_len,
		   int flags, struct xtcp_fastopen_req *fo)
{
	struct sock *sk = sock->sk;
	long timeo;
	int err;

	if (uaddr || !fo) {
		if (!uaddr || addr_len < sizeof(uaddr->sa_family))
			return -EINVAL;
		if (uaddr->sa_family == AF_UNSPEC) {
			err = xtcp_disconnect(sk, flags);
			sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
			return err;
		}
	}

	switch (sock->state) {
	default:
		return -EINVAL;
	case SS_CONNECTED:
		return -EISCONN;
	case SS_CONNECTING:
		/* A deferred connect() has connected, as far as it knows. */
		if (xtcp_sk(sk)->defer_connect || (fo && fo->deferred))
			err = fo ? -EINPROGRESS : -EISCONN;
		else
			err = -EALREADY;
		break;
	case SS_UNCONNECTED:
		if (sk->sk_state != TCP_CLOSE)
			return -EISCONN;
		err = xtcp_v4_connect(sk, uaddr, addr_len, fo);
		if (err < 0)
			return err;
		sock->state = SS_CONNECTING;
		if (xtcp_sk(sk)->defer_connect)
			return 0;
		err = -EINPROGRESS;
		break;
	}

	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		if (!timeo)
			return err;
		timeo = xtcp_wait_for_connect(sk, timeo);
		if (!timeo && ((1 << sk->sk_state) &
			       (TCPF_SYN_SENT | TCPF_SYN_RECV)))
			return err;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			return err;
	}

	if (sk->sk_state == TCP_CLOSE) {
		err = sock_error(sk) ? : -ECONNABORTED;
		sock->state = SS_UNCONNECTED;
		xtcp_disconnect(sk, flags);
		return err;
	}
	sock->state = SS_CONNECTED;
	return 0;
}

static int xtcp_connect(struct socket *sock, struct sockaddr *uaddr,
			int addr_len, int flags)
{
	int err;

	lock_sock(sock->sk);
	err = __xtcp_connect(sock, uaddr, addr_len, flags, NULL);
	release_sock(sock->sk);
	return err;
}

static int xtcp_listen(struct socket *sock, int backlog)
{
	struct xtcp_accept_queue *q;
	struct sock *sk = sock->sk;
	int err = -EINVAL;
	int tfo;

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
	err = xtcp_listen_start(sk);
	if (err)
		goto out;
	/*
	 * net.xtcp.fastopen 0x400 (with 0x2): Fast Open on every listener
	 * that did not set TCP_FASTOPEN, its queue the backlog (Linux's
	 * inet_listen()).
	 */
	tfo = XTCP_SYSCTL(sk, fastopen);
	q = xtcp_acceptq(xtcp_sk(sk));
	if ((tfo & XTCP_TFO_SERVER_WO_SOCKOPT1) &&
	    (tfo & XTCP_TFO_SERVER_ENABLE) && !q->fastopen_max_qlen)
		WRITE_ONCE(q->fastopen_max_qlen, max(backlog, 0));
	err = xtcp_listen_hash(sk);
out:
	release_sock(sk);
	return err;
}

/* accept(): a child from the queue, grafted onto the new socket. */
int xtcp_do_accept(struct sock *sk, struct socket *newsock, int flags)
{
	struct xtcp_sock *cxs;
	struct sock *child;
	int err;

	child = xtcp_accept_child(sk, flags, &err);
	if (!child)
		return err;
	/* The accept queue's reference now belongs to newsock. */
	cxs = xtcp_sk(child);
	lock_sock(child);
	sock_graft(child, newsock);
	newsock->state = SS_CONNECTED;
	if (xtcp_parent(cxs)) {
		/* A Fast Open child may still be in SYN_RECV. */
		if (child->sk_state == TCP_SYN_RECV)
			xtcp_child_syn_recv_done(cxs);
		sock_put(xtcp_parent(cxs));
		/* /proc/net/xtcp reads it without the socket lock. */
		WRITE_ONCE(cxs->parent, NULL);
	}
	release_sock(child);
	return 0;
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
	.err_handler	= xtcp_v4_err,
	.no_policy	= 1,
	/*
	 * Our error handler checks the quoted sequence number, so with
	 * net.ipv4.ip_no_pmtu_disc 3 "fragmentation needed" still comes.
	 */
	.icmp_strict_tag_validation = 1,
};

static int __init xtcp_init(void)
{
	int err;

	BUILD_BUG_ON(sizeof(struct xtcp_skb_cb) > sizeof_field(struct sk_buff,
							       cb));
	BUILD_BUG_ON(sizeof(struct sockaddr_xtcp) !=
		     sizeof(struct sockaddr_in));
	/* Lock debugging (make debug-test's kernel) makes every lock larger. */
	if (!IS_ENABLED(CONFIG_DEBUG_LOCK_ALLOC) &&
	    !IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		BUILD_BUG_ON(sizeof(struct xtcp_sock) > XTCP_SOCK_MAX_SIZE);
	BUILD_BUG_ON(XTCP_MAX_KEEPIDLE > U16_MAX || XTCP_MAX_KEEPINTVL > U16_MAX);

	xtcp_tsq_init();
	err = xtcp_mem_init();
	if (err)
		return err;
	err = proto_register(&xtcp_prot, 1);
	if (err)
		goto out_mem;
	err = xtcp_net_register();
	if (err)
		goto out_proto;
	/*
	 * rmem[0] and wmem[0], what the kernel lets a socket have whatever
	 * the budget says: the initial namespace's, for XTCP's sizes live
	 * in its own per-namespace data, where struct proto cannot point
	 * (TCP's are in struct net).  No socket exists before
	 * sock_register() below.
	 */
	xtcp_prot.sysctl_rmem = xtcp_pernet(&init_net)->sysctl.rmem;
	xtcp_prot.sysctl_wmem = xtcp_pernet(&init_net)->sysctl.wmem;
	if (inet_add_protocol(&xtcp_protocol, IPPROTO_XTCP) < 0) {
		pr_err("xtcp: IP protocol %d is already registered\n",
		       IPPROTO_XTCP);
		err = -EBUSY;
		goto out_hash;
	}
	err = xtcp_offload_init();
	if (err)
		goto out_inet;
	err = sock_register(&xtcp_family_ops);
	if (err) {
		pr_err("xtcp: address family %d is taken by another module\n",
		       AF_XTCP);
		goto out_offload;
	}
	pr_info("xtcp: loaded: AF_XTCP %d, IP protocol %d\n", AF_XTCP,
		IPPROTO_XTCP);
	return 0;

out_offload:
	xtcp_offload_exit();
out_inet:
	inet_del_protocol(&xtcp_protocol, IPPROTO_XTCP);
out_hash:
	xtcp_net_unregister();
out_proto:
	proto_unregister(&xtcp_prot);
out_mem:
	xtcp_mem_exit();
	xtcp_tsq_exit();
	return err;
}

static void __exit xtcp_exit(void)
{
	sock_unregister(PF_XTCP);
	xtcp_offload_exit();
	inet_del_protocol(&xtcp_protocol, IPPROTO_XTCP);
	xtcp_net_unregister();
	/* Sockets free after an RCU grace period (SOCK_RCU_FREE). */
	rcu_barrier();
	proto_unregister(&xtcp_prot);
	xtcp_mem_exit();
	xtcp_tsq_exit();
	xtcp_md5_exit();
	pr_info("xtcp: unloaded\n");
}

module_init(xtcp_init);
module_exit(xtcp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("XTCP: an alternate TCP over IP protocol 253");
MODULE_ALIAS_NETPROTO(PF_XTCP);
