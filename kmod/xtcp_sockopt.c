// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket options and TCP_INFO: setsockopt() and getsockopt() at
 * level SOL_TCP with Linux's TCP_* names, numbers, bounds and errnos
 * (Linux's do_tcp_setsockopt(), do_tcp_getsockopt() and tcp_get_info()),
 * and the other levels passed on to the socket and IP layers as
 * inet_stream_ops does.
 */
#include <net/ip.h>

#include "xtcp.h"

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
	info->tcpi_snd_mss = xtcp_mss_info(xs);
	info->tcpi_rcv_mss = xs->rcv_mss;
	info->tcpi_ca_state = xs->ca_state;
	info->tcpi_unacked = xs->packets_out;
	info->tcpi_sacked = xs->sacked_out;
	info->tcpi_lost = xs->lost_out;
	info->tcpi_retrans = xs->retrans_out;
	info->tcpi_delivered = xs->delivered;
	info->tcpi_delivered_ce = xs->delivered_ce;
	info->tcpi_delivery_rate = xs->delivery_rate;
	info->tcpi_last_data_recv = jiffies_to_msecs(xtcp_jiffies32_since(xs->last_data_recv));
	dst = __sk_dst_get(sk);
	info->tcpi_pmtu = dst ? dst_mtu(dst) : 0;
	info->tcpi_rcv_ssthresh = xtcp_rcv_ssthresh(xs);
	info->tcpi_rtt = xs->rtt.srtt_us;
	info->tcpi_rttvar = xs->rtt.rttvar_us;
	info->tcpi_snd_ssthresh = xs->cong.ssthresh;
	info->tcpi_snd_cwnd = xs->cong.cwnd;
	info->tcpi_advmss = xs->advmss;
	info->tcpi_reordering = 3;
	info->tcpi_rcv_space = xs->rcvq_space;
	info->tcpi_rcv_rtt = xs->rcv_rtt_us;
	info->tcpi_total_retrans = xs->total_retrans;
	info->tcpi_bytes_acked = xs->bytes_acked;
	info->tcpi_bytes_received = xs->bytes_received;
	info->tcpi_segs_out = xs->segs_out;
	info->tcpi_segs_in = xs->segs_in;
	info->tcpi_data_segs_in = xs->data_segs_in;
	info->tcpi_data_segs_out = xs->data_segs_out;
	info->tcpi_min_rtt = xtcp_rtt_has_sample(&xs->rtt) ? xs->rtt.min_rtt_us : ~0U;
	info->tcpi_last_data_sent =
		jiffies_to_msecs(xtcp_jiffies32_since(xs->last_data_sent));
	info->tcpi_notsent_bytes = xs->write_seq - xs->snd_nxt;
	info->tcpi_snd_wnd = xs->snd_wnd;
	if (xs->ts_ok)
		info->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (xs->sack_ok)
		info->tcpi_options |= TCPI_OPT_SACK;
	if (xs->syn_data_acked)
		info->tcpi_options |= TCPI_OPT_SYN_DATA;
	if (xs->wscale_ok) {
		info->tcpi_options |= TCPI_OPT_WSCALE;
		info->tcpi_snd_wscale = xs->snd_wscale;
		info->tcpi_rcv_wscale = xs->rcv_wscale;
	}
	if (xs->ecn_flags & XTCP_ECN_OK)
		info->tcpi_options |= TCPI_OPT_ECN;
	if (xs->ecn_flags & XTCP_ECN_SEEN)
		info->tcpi_options |= TCPI_OPT_ECN_SEEN;
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
	if (ops != xtcp_ca_ops(xtcp_sk(sk)))
		xtcp_cong_set_ops(sk, ops);
	release_sock(sk);
	return 0;
}

int xtcp_setsockopt(struct socket *sock, int level, int optname,
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
	if (optname == TCP_MD5SIG || optname == TCP_MD5SIG_EXT)
		return xtcp_md5_setsockopt(sk, optname, optval, optlen);

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
		xs->keepalive_time = val;
		xtcp_reset_keepalive(sk);
		break;
	case TCP_KEEPINTVL:
		if (val < 1 || val > XTCP_MAX_KEEPINTVL)
			err = -EINVAL;
		else
			xs->keepalive_intvl = val;
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
	case TCP_NOTSENT_LOWAT:
		WRITE_ONCE(xs->notsent_lowat, val);
		sk->sk_write_space(sk);
		break;
	case TCP_INQ:
		if (val < 0 || val > 1)
			err = -EINVAL;
		else
			xs->recvmsg_inq = val;
		break;
	case TCP_FASTOPEN: {
		/* A listener's queue of Fast Open children (RFC 7413 5.1). */
		struct xtcp_accept_queue *q;

		if (val < 0 ||
		    !((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))) {
			err = -EINVAL;
			break;
		}
		q = xtcp_acceptq_get(sk);
		if (!q) {
			err = -ENOMEM;
			break;
		}
		WRITE_ONCE(q->fastopen_max_qlen,
			   min_t(u32, val, READ_ONCE(sock_net(sk)->core.sysctl_somaxconn)));
		break;
	}
	case TCP_FASTOPEN_CONNECT:
		if (val < 0 || val > 1)
			err = -EINVAL;
		else if (!(XTCP_SYSCTL(sk, fastopen) & XTCP_TFO_CLIENT_ENABLE))
			err = -EOPNOTSUPP;
		else if (sk->sk_state != TCP_CLOSE)
			err = -EINVAL;
		else
			xs->fastopen_connect = val;
		break;
	case TCP_FASTOPEN_NO_COOKIE:
		if (val < 0 || val > 1 ||
		    !((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			err = -EINVAL;
		else
			xs->fastopen_no_cookie = val;
		break;
	case TCP_QUICKACK:
		/* As Linux: off is pingpong mode, on leaves it. */
		if (val) {
			xs->pingpong = 0;
			xs->quickack = XTCP_MAX_QUICKACKS;
			if (xs->ack_pending &&
			    xtcp_state_can_recv_data(sk->sk_state))
				xtcp_send_ack(sk);
			if (!(val & 1))
				xs->pingpong = 1;
		} else {
			xs->pingpong = 1;
		}
		break;
	default:
		err = -ENOPROTOOPT;
	}
	release_sock(sk);
	return err;
}

int xtcp_getsockopt(struct socket *sock, int level, int optname,
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
		val = xtcp_mss_info(xs);
		if (xs->user_mss &&
		    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			val = xs->user_mss;
		break;
	case TCP_QUICKACK:
		val = !xs->pingpong;
		break;
	case TCP_FASTOPEN:
		val = xtcp_acceptq(xs) ?
		      READ_ONCE(xtcp_acceptq(xs)->fastopen_max_qlen) : 0;
		break;
	case TCP_FASTOPEN_CONNECT:
		val = xs->fastopen_connect;
		break;
	case TCP_FASTOPEN_NO_COOKIE:
		val = xs->fastopen_no_cookie;
		break;
	case TCP_INQ:
		val = xs->recvmsg_inq;
		break;
	case TCP_NOTSENT_LOWAT:
		val = READ_ONCE(xs->notsent_lowat);
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

		strscpy(name, xtcp_ca_ops(xs)->name, sizeof(name));
		len = min_t(unsigned int, len, sizeof(name));
		if (put_user(len, optlen))
			return -EFAULT;
		if (copy_to_user(optval, name, len))
			return -EFAULT;
		return 0;
	}
	case TCP_CC_INFO:
		/*
		 * What the congestion control says about itself (Linux's
		 * get_info: Vegas, DCTCP and BBR have one).  Reno and
		 * CUBIC have nothing to say: length 0, as Linux answers for
		 * them, whatever the length asked for.
		 */
		if (put_user(0, optlen))
			return -EFAULT;
		return 0;
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
