// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP timers.
 *
 * rtx_timer:    retransmission (RFC 6298), SYN and SYN-ACK retries, and
 *               the persist timer that probes a zero window.
 * delack_timer: delayed ACK (RFC 1122 4.2.3.2, 40 ms like Linux).
 * sk_timer:     TIME_WAIT (2MSL, 60 s like Linux), the FIN_WAIT2
 *               timeout of orphaned sockets, and keepalive (RFC 1122
 *               4.2.3.6), as Linux shares one timer among the three.
 *
 * Each pending timer holds a reference on the socket (sk_reset_timer()).
 * A handler that finds the socket owned by a process tries again shortly
 * rather than touching state the owner is using.
 */
#include "xtcp.h"
#include "xtcp_compat.h"

#define XTCP_RETRY_OWNED	(HZ / 20)
#define XTCP_MAX_BACKOFF	15
/* xtcp_sock.backoff is 4 bits wide. */
static_assert(XTCP_MAX_BACKOFF <= 15 && XTCP_RETRIES2 <= 15);

void xtcp_arm_rtx_timer(struct sock *sk, u8 what, unsigned long delay)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	sock_owned_by_me(sk);
	xs->rtx_pending = what;
	sk_reset_timer(sk, &xs->rtx_timer, jiffies + max(delay, 1UL));
}

void xtcp_arm_rtx(struct sock *sk)
{
	xtcp_arm_rtx_timer(sk, XTCP_TIMER_RTO, xtcp_rto_jiffies(xtcp_sk(sk)));
}

void xtcp_arm_delack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!timer_pending(&xs->delack_timer))
		sk_reset_timer(sk, &xs->delack_timer,
			       jiffies + XTCP_DELACK_MIN);
}

void xtcp_clear_timers(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	sk_stop_timer(sk, &xs->rtx_timer);
	sk_stop_timer(sk, &xs->delack_timer);
	sk_stop_timer(sk, &sk->sk_timer);
}

/* The same, waiting for a handler that is running; the socket unlocked. */
void xtcp_clear_timers_sync(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	sk_stop_timer_sync(sk, &xs->rtx_timer);
	sk_stop_timer_sync(sk, &xs->delack_timer);
	sk_stop_timer_sync(sk, &sk->sk_timer);
}

/*
 * Too many retransmissions: give up (RFC 9293 3.8.3) with ETIMEDOUT, or
 * with what an ICMP error since the last ACK said (RFC 1122 4.2.3.9),
 * as Linux's tcp_write_err().
 */
static void xtcp_write_timeout(struct sock *sk)
{
	XTCP_INC_STATS(sk, XTCP_MIB_ABORTONTIMEOUT);
	xtcp_done_with_error(sk, READ_ONCE(sk->sk_err_soft) ? : ETIMEDOUT);
}

/*
 * An orphan's timer fired: give it up if there are too many orphans or
 * the memory budget is spent (Linux's tcp_out_of_resources()).  One that
 * sent nothing for long, or had an ICMP error, counts for more; it is
 * reset if it sent lately or the peer's window is shut, since the peer
 * may still be there.
 */
static bool xtcp_out_of_resources(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 idle = xtcp_jiffies32_since(xs->last_data_sent);
	int shift = 0;

	if (idle > 2 * usecs_to_jiffies(XTCP_RTO_MAX_US))
		shift++;
	if (READ_ONCE(sk->sk_err_soft))
		shift++;
	if (!xtcp_check_oom(sk, shift))
		return false;
	if (idle <= XTCP_TIMEWAIT_LEN || (!xs->snd_wnd && !xs->packets_out))
		xtcp_send_active_reset(sk, GFP_ATOMIC);
	xtcp_done(sk);
	XTCP_INC_STATS(sk, XTCP_MIB_ABORTONMEMORY);
	return true;
}

/*
 * Persist timer: the peer's window keeps data back (RFC 9293 3.8.6.1).
 * Probe it, backing off, while it answers; give up as Linux does
 * (xtcp_probe_give_up()), or a peer that shows a zero window and vanishes
 * holds the socket and its send buffer for ever.
 */
static void xtcp_probe_timer(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_probe_state p = {
		.probes_out = xs->probes_out,
		.user_timeout_ms = xs->user_timeout,
		.rto_us = xs->rtt.rto_us,
		.backoff = xs->backoff,
		.retries2 = XTCP_RETRIES2,
		.orphan_retries = XTCP_ORPHAN_RETRIES,
		.orphan = sock_flag(sk, SOCK_DEAD),
	};
	unsigned long when;
	u32 left;

	if (!xtcp_send_head(sk)) {
		xs->probes_out = 0;
		xs->probes_stamp = 0;
		return;
	}
	if (sock_flag(sk, SOCK_DEAD) && xtcp_out_of_resources(sk))
		return;
	if (!xs->probes_stamp)
		xs->probes_stamp = xtcp_jiffies32() ? : 1;
	else
		p.elapsed_ms = jiffies_to_msecs(xtcp_jiffies32_since(xs->probes_stamp));
	if (xtcp_probe_give_up(&p)) {
		xtcp_write_timeout(sk);
		return;
	}
	/* Data the window has room for goes, and persisting is over. */
	if (xtcp_write_wakeup(sk)) {
		xs->probes_out = 0;
		xs->probes_stamp = 0;
		xs->backoff = 0;
		return;
	}
	XTCP_INC_STATS(sk, XTCP_MIB_WINPROBE);
	xtcp_send_probe(sk);
	if (xs->probes_out < U8_MAX)
		xs->probes_out++;
	if (xs->backoff < XTCP_RETRIES2)
		xs->backoff++;
	when = xtcp_rto_jiffies(xs);
	/* Not past TCP_USER_TIMEOUT (Linux's tcp_clamp_probe0_to_user_timeout()). */
	if (xs->user_timeout) {
		left = msecs_to_jiffies(xs->user_timeout);
		left -= min(left, xtcp_jiffies32_since(xs->probes_stamp));
		when = min_t(unsigned long, when, max(left, XTCP_TIMEOUT_MIN));
	}
	xtcp_arm_rtx_timer(sk, XTCP_TIMER_RTO, when);
}

static void xtcp_rtx_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 rto_us;
	int limit;

	switch (sk->sk_state) {
	case TCP_CLOSE:
	case TCP_LISTEN:
	case TCP_TIME_WAIT:
		return;
	case TCP_SYN_SENT:
		limit = XTCP_SYSCTL(sk, syn_retries) +
			xtcp_syn_linear_timeouts(sock_net(sk));
		break;
	case TCP_SYN_RECV:
		/*
		 * Its listener closed: a half-open child is dropped, not
		 * retried for a minute (Linux's reqsk_timer_handler()).
		 */
		if (xtcp_parent(xs) && !xtcp_child_wanted(xs)) {
			xtcp_done(sk);
			return;
		}
		/* One more for a Fast Open child (tcp_fastopen_synack_timer()). */
		limit = XTCP_SYSCTL(sk, synack_retries) + xs->fastopen_child;
		break;
	default:
		/* Nobody waits on an orphan: give up sooner, as Linux. */
		limit = sock_flag(sk, SOCK_DEAD) ? XTCP_ORPHAN_RETRIES :
						   XTCP_RETRIES2;
	}
	if (xtcp_write_queue_empty(sk))
		return;

	if (xs->rtx_pending == XTCP_TIMER_TLP && xs->packets_out) {
		/* Recovery may have begun since: then only the RTO is due. */
		if (xtcp_tlp_eligible(sk))
			xtcp_send_loss_probe(sk);
		xtcp_arm_rtx(sk);
		return;
	}
	if (xs->rtx_pending == XTCP_TIMER_REO && xs->packets_out) {
		/* RACK: a reordering window has passed; what is lost now? */
		u32 wait_us = xtcp_rack_detect_loss(sk, xtcp_clock_us());

		if (xs->lost_out > xs->retrans_out &&
		    xs->ca_state < XTCP_CA_RECOVERY)
			xtcp_enter_recovery(sk, 0, false);
		xtcp_write_xmit(sk);
		if (wait_us)
			xtcp_arm_rtx_timer(sk, XTCP_TIMER_REO,
					   usecs_to_jiffies(wait_us));
		else
			xtcp_arm_rtx(sk);
		return;
	}

	if (!xs->packets_out) {
		xtcp_probe_timer(sk);
		return;
	}
	if (sock_flag(sk, SOCK_DEAD) && sk->sk_state != TCP_SYN_RECV &&
	    xtcp_out_of_resources(sk))
		return;

	/*
	 * TCP_USER_TIMEOUT counts from the episode's first retransmission,
	 * and only once this head has timed out before (Linux's
	 * retransmits_timed_out()): an ACK that moved SND.UNA starts over.
	 */
	xtcp_stamp_retrans(xs);
	if (xs->retransmits >= limit ||
	    (xs->user_timeout && sk->sk_state != TCP_SYN_SENT &&
	     xs->retransmits &&
	     xtcp_tsval(xs) - xs->retrans_stamp >= xs->user_timeout)) {
		xtcp_write_timeout(sk);
		return;
	}
	xs->retransmits++;
	if (xs->backoff < XTCP_MAX_BACKOFF &&
	    (sk->sk_state != TCP_SYN_SENT ||
	     xs->retransmits > xtcp_syn_linear_timeouts(sock_net(sk))))
		xs->backoff++;
	XTCP_INC_STATS(sk, XTCP_MIB_TIMEOUTS);
	xtcp_enter_loss(sk);
	rto_us = xtcp_rto_backoff(xs->rtt.rto_us, xs->backoff);
	if (sk->sk_state != TCP_SYN_SENT)
		rto_us = xtcp_rto_user_clamp(rto_us, xs->user_timeout,
					     xtcp_tsval(xs) -
					     xs->retrans_stamp);
	xtcp_arm_rtx_timer(sk, XTCP_TIMER_RTO, usecs_to_jiffies(rto_us));
}

static void xtcp_rtx_timer(struct timer_list *t)
{
	struct xtcp_sock *xs = from_timer(xs, t, rtx_timer);
	struct sock *sk = &xs->inet.sk;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk))
		sk_reset_timer(sk, &xs->rtx_timer, jiffies + XTCP_RETRY_OWNED);
	else if (xs->rtx_pending != XTCP_TIMER_NONE)	/* else disarmed */
		xtcp_rtx_timeout(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
}

static void xtcp_delack_timer(struct timer_list *t)
{
	struct xtcp_sock *xs = from_timer(xs, t, delack_timer);
	struct sock *sk = &xs->inet.sk;
	u32 waited;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		sk_reset_timer(sk, &xs->delack_timer,
			       jiffies + XTCP_RETRY_OWNED);
	} else if (xs->ack_pending && sk->sk_state != TCP_CLOSE &&
		   sk->sk_state != TCP_LISTEN) {
		waited = (u16)(xtcp_jiffies32() - xs->ack_pending_since);
		if (waited < XTCP_DELACK_MIN) {
			/* Armed for data an ACK covered since: not yet due. */
			sk_reset_timer(sk, &xs->delack_timer,
				       jiffies + XTCP_DELACK_MIN - waited);
		} else {
			/* No answer carried it: not so interactive after all. */
			xs->pingpong = 0;
			XTCP_INC_STATS(sk, XTCP_MIB_DELAYEDACKS);
			xtcp_send_ack(sk);
		}
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

/* Keepalive's idle time and probe interval, in jiffies. */
u32 xtcp_keepalive_time(const struct xtcp_sock *xs)
{
	return xs->keepalive_time ? xs->keepalive_time * HZ :
	       XTCP_SYSCTL(&xs->inet.sk, keepalive_time);
}

u32 xtcp_keepalive_intvl(const struct xtcp_sock *xs)
{
	return xs->keepalive_intvl ? xs->keepalive_intvl * HZ :
	       XTCP_SYSCTL(&xs->inet.sk, keepalive_intvl);
}

u32 xtcp_keepalive_probes(const struct xtcp_sock *xs)
{
	return xs->keepalive_probes ? :
	       XTCP_SYSCTL(&xs->inet.sk, keepalive_probes);
}

static bool xtcp_keepalive_state(const struct sock *sk)
{
	return (1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT |
				      TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2);
}

/* (Re)start the keepalive clock: after SO_KEEPALIVE or TCP_KEEPIDLE. */
void xtcp_reset_keepalive(struct sock *sk)
{
	if (sock_flag(sk, SOCK_KEEPOPEN) && xtcp_keepalive_state(sk))
		sk_reset_timer(sk, &sk->sk_timer,
			       jiffies + xtcp_keepalive_time(xtcp_sk(sk)));
}

/* proto->keepalive: sock_setsockopt(SO_KEEPALIVE) calls it. */
void xtcp_keepalive(struct sock *sk, int val)
{
	if (!xtcp_keepalive_state(sk))
		return;
	/* Called before SOCK_KEEPOPEN changes: do not test it here. */
	if (val)
		sk_reset_timer(sk, &sk->sk_timer,
			       jiffies + xtcp_keepalive_time(xtcp_sk(sk)));
	else if (!(sk->sk_state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD)))
		sk_stop_timer(sk, &sk->sk_timer);
}

/*
 * Keepalive, as Linux's tcp_keepalive_timer(): when the peer has been
 * silent for keepalive_time and nothing is in flight (the retransmission
 * timer watches that), probe every keepalive_intvl with a segment the peer
 * must acknowledge; after keepalive_probes unanswered probes, or once
 * TCP_USER_TIMEOUT has passed, reset and fail with ETIMEDOUT.
 */
static void xtcp_keepalive_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 idle, when = xtcp_keepalive_time(xs);

	if (!sock_flag(sk, SOCK_KEEPOPEN) || !xtcp_keepalive_state(sk))
		return;
	if (xs->packets_out || xtcp_send_head(sk))
		goto rearm;
	idle = xtcp_jiffies32_since(xs->rcv_tstamp);
	if (idle < when) {
		when -= idle;
		goto rearm;
	}
	if ((xs->user_timeout &&
	     idle >= msecs_to_jiffies(xs->user_timeout) && xs->probes_out) ||
	    (!xs->user_timeout &&
	     xs->probes_out >= xtcp_keepalive_probes(xs))) {
		xtcp_send_active_reset(sk, GFP_ATOMIC);
		xtcp_write_timeout(sk);
		return;
	}
	XTCP_INC_STATS(sk, XTCP_MIB_KEEPALIVE);
	xtcp_send_probe(sk);
	xs->probes_out++;
	when = xtcp_keepalive_intvl(xs);
rearm:
	sk_reset_timer(sk, &sk->sk_timer, jiffies + when);
}

static void xtcp_sk_timer(struct timer_list *t)
{
	struct sock *sk = from_timer(sk, t, sk_timer);

	bh_lock_sock(sk);
	if (sk->sk_state == TCP_CLOSE) {
		/* Ended since: its namespace may be going (xtcp_net_exit()). */
	} else if (sock_owned_by_user(sk)) {
		sk_reset_timer(sk, &sk->sk_timer, jiffies + XTCP_RETRY_OWNED);
	} else if (sk->sk_state == TCP_TIME_WAIT) {
		xtcp_done(sk);
	} else if (sk->sk_state == TCP_FIN_WAIT2 &&
		   sock_flag(sk, SOCK_DEAD)) {
		/* As Linux: an orphan the peer never finished is reset. */
		xtcp_send_active_reset(sk, GFP_ATOMIC);
		xtcp_done(sk);
	} else {
		xtcp_keepalive_timeout(sk);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

/* 2MSL wait, bounded per namespace: net.xtcp.max_tw_buckets. */
void xtcp_enter_time_wait(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));

	sock_owned_by_me(sk);
	sk_stop_timer(sk, &xs->rtx_timer);
	sk_stop_timer(sk, &xs->delack_timer);
	if (atomic_read(&xn->tw_count) >=
	    XTCP_SYSCTL(sk, max_tw_buckets)) {
		XTCP_INC_STATS(sk, XTCP_MIB_TIMEWAITOVERFLOW);
		xtcp_done(sk);
		return;
	}
	xtcp_set_state(sk, TCP_TIME_WAIT);
	sk_reset_timer(sk, &sk->sk_timer, jiffies + XTCP_TIMEWAIT_LEN);
	if (sock_flag(sk, SOCK_DEAD))
		xtcp_release_net(sk);
}

/*
 * An orphan in FIN_WAIT2 waits net.xtcp.fin_timeout for the peer's FIN,
 * but never less than 3.5 RTOs, as Linux's tcp_fin_time().
 */
void xtcp_arm_fin_wait2(struct sock *sk)
{
	u32 rto = xtcp_rto_jiffies(xtcp_sk(sk));
	unsigned long tmo = max_t(int, XTCP_SYSCTL(sk, fin_timeout), 0);

	tmo = max_t(unsigned long, tmo, (rto << 2) - (rto >> 1));
	sk_reset_timer(sk, &sk->sk_timer, jiffies + tmo);
}

void xtcp_init_timers(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	timer_setup(&xs->rtx_timer, xtcp_rtx_timer, 0);
	timer_setup(&xs->delack_timer, xtcp_delack_timer, 0);
	timer_setup(&sk->sk_timer, xtcp_sk_timer, 0);
}
