// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP input: a segment arrives, Linux's tcp_input.c.
 *
 * xtcp_v4_rcv() (xtcp_ipv4.c) checks the header and checksum, finds the
 * socket, and either processes the segment at once (softirq, socket lock
 * held with bh_lock_sock) or, when a process owns the socket, leaves it
 * on the socket's backlog for release_sock() to hand to
 * xtcp_backlog_rcv().  Both paths end in xtcp_rcv() here, which follows
 * RFC 9293 3.10.7 ("SEGMENT ARRIVES") state by state: ACK processing,
 * data in and out of order, the receive window and buffer autotuning,
 * and passive opens.  Loss recovery is in xtcp_recovery.c.
 */
#include <net/ip.h>
#include <net/route.h>
#include <net/secure_seq.h>
#include <net/xfrm.h>

#include "xtcp.h"
#include "xtcp_compat.h"
#include "xtcp_trace.h"

/*
 * Free receive buffer: less what waits in the backlog for the owner too,
 * as Linux's tcp_space().  While release_sock() drains the backlog its
 * length still counts the skbs being queued, so the window offered then
 * is smaller than the one last advertised and the ACK waits for the
 * reader (xtcp_ack_snd_check()): one ACK after the read, not one per
 * two segments drained.
 */
static int xtcp_rcvbuf_free(const struct sock *sk)
{
	return READ_ONCE(sk->sk_rcvbuf) - READ_ONCE(sk->sk_backlog.len) -
	       atomic_read(&sk->sk_rmem_alloc);
}

/*
 * Receive buffer space as payload: the buffer is charged skb->truesize,
 * so only the share of it that arriving segments showed to be payload
 * can be offered as window, or data inside the window would not fit.
 */
u32 xtcp_receive_space_at(const struct sock *sk, u32 ratio)
{
	int free = xtcp_rcvbuf_free(sk);

	return free > 0 ? xtcp_space_to_window(free, ratio) : 0;
}

u32 xtcp_receive_space(const struct sock *sk)
{
	return xtcp_receive_space_at(sk, xtcp_sk(sk)->rcv_ratio);
}

/*
 * Buffer autotuning, as Linux's: a connection starts with the default
 * buffers (net.xtcp.rmem[1], wmem[1]) and they grow, up to rmem[2] and
 * wmem[2], to what it shows it needs.  Not for a buffer the user fixed
 * with SO_RCVBUF or SO_SNDBUF.
 */

/*
 * Send buffer: two congestion windows of skbs, as the sender's own
 * allocations size them (Linux's tcp_sndbuf_expand()).
 */
void xtcp_sndbuf_expand(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 per_mss, want;

	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		return;
	per_mss = roundup_pow_of_two(xtcp_mss(xs) + XTCP_DATA_HEADER +
				     SKB_DATA_ALIGN(sizeof(struct skb_shared_info))) +
		  SKB_DATA_ALIGN(sizeof(struct sk_buff));
	want = xtcp_sndbuf_for_cwnd(xs->cong.cwnd, per_mss,
				    XTCP_SYSCTL(sk, wmem[2]));
	if (want > READ_ONCE(sk->sk_sndbuf))
		WRITE_ONCE(sk->sk_sndbuf, want);
}

/* At establishment: the first round trip's measure starts now. */
static void xtcp_init_buffer_space(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->rcvq_space = min_t(u32, xs->rcv_wnd, XTCP_INIT_CWND * xs->advmss);
	xs->rcvq_seq = xs->copied_seq;
	xs->rcvq_time_us = xtcp_clock_us();
	xs->rcv_rtt_us = 0;
	xs->rcv_rtt_time_us = 0;
	xtcp_sndbuf_expand(sk);
}

/* The handshake completed, either way: what starts with the connection. */
static void xtcp_established(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_set_state(sk, TCP_ESTABLISHED);
	/* A retransmitted SYN is no episode to undo or time (Linux). */
	xs->retrans_stamp = 0;
	/* TCP_INFO's idle clocks count from here until data moves. */
	xs->last_data_recv = xtcp_jiffies32();
	xs->last_data_sent = xs->last_data_recv;
	xtcp_init_buffer_space(sk);
	xs->quickack = XTCP_MAX_QUICKACKS;
	xtcp_reset_keepalive(sk);
}

/*
 * The receiver's RTT by the window (Linux's tcp_rcv_rtt_measure()): from
 * one advertised window's right edge being offered to rcv_nxt reaching
 * it takes at least a round trip.  Such a sample only ever lowers the
 * estimate; with timestamps, xtcp_rcv_rtt_measure_ts() gives the rest.
 */
static void xtcp_rcv_rtt_measure(struct xtcp_sock *xs)
{
	u32 now;

	if (xs->rcv_rtt_time_us &&
	    xtcp_seq_before(xs->rcv_nxt, xs->rcv_rtt_seq))
		return;
	now = xtcp_clock_us();
	if (xs->rcv_rtt_time_us) {
		u32 sample;

		sample = max_t(u32, now - xs->rcv_rtt_time_us, 1);
		xs->rcv_rtt_us = xtcp_rcv_rtt_update(xs->rcv_rtt_us, sample,
						     true);
	}
	xs->rcv_rtt_seq = xs->rcv_nxt + xs->rcv_wnd;
	xs->rcv_rtt_time_us = now;
}

/*
 * The receiver's RTT from timestamps (Linux's tcp_rcv_rtt_measure_ts()):
 * a full segment that echoes a TSval of ours it is the first to echo
 * shows how long ago that went.  A sample from the first round trip on,
 * where the window's method needs a whole window of data first, so the
 * buffer's autotuning starts with the connection.  Below 1 ms (the
 * clock's tick) the echo reads 0, and the window's method alone
 * measures.
 */
static void xtcp_rcv_rtt_measure_ts(struct xtcp_sock *xs, u32 tsecr, u32 len)
{
	u32 delta;

	if ((tsecr & 7) == xs->rcv_tsecr_low)
		return;
	xs->rcv_tsecr_low = tsecr & 7;
	if (len < xs->rcv_mss)
		return;
	delta = xtcp_tsval(xs) - tsecr;
	if (!delta || delta >= INT_MAX / USEC_PER_MSEC)
		return;
	xs->rcv_rtt_us = xtcp_rcv_rtt_update(xs->rcv_rtt_us,
					     delta * USEC_PER_MSEC, false);
}

/*
 * The reader took data: once per receiver RTT, if it took more than in
 * the round trip before, grow the receive buffer so that the window can
 * keep up with the sender (Linux's tcp_rcv_space_adjust()).
 */
void xtcp_rcv_space_adjust(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 now, rcvbuf;
	s32 copied;

	if (!xs->rcv_rtt_us)
		return;
	now = xtcp_clock_us();
	if (now - xs->rcvq_time_us < xs->rcv_rtt_us)
		return;
	/*
	 * Less what still waits unread, as Linux 6.12's (a stable update):
	 * a reader that falls behind must not grow the buffer.
	 */
	copied = (s32)(xs->copied_seq - xs->rcvq_seq) -
		 (s32)(xs->rcv_nxt - xs->copied_seq);
	if (copied > (s32)xs->rcvq_space) {
		/* Under memory pressure buffers stop growing. */
		if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK) &&
		    !sk_under_memory_pressure(sk)) {
			rcvbuf = xtcp_drs_rcvbuf(copied, xs->rcvq_space,
						 xs->advmss, xs->rcv_ratio,
						 XTCP_SYSCTL(sk, rmem[2]));
			if (rcvbuf > READ_ONCE(sk->sk_rcvbuf))
				WRITE_ONCE(sk->sk_rcvbuf, rcvbuf);
		}
		xs->rcvq_space = copied;
	}
	xs->rcvq_seq = xs->copied_seq;
	xs->rcvq_time_us = now;
}

/*
 * Segments shorter than this say little of how the buffer holds data,
 * and do not open the window (Linux's tcp_event_data_recv()).
 */
#define XTCP_GROW_WINDOW_MIN_LEN	128

/*
 * Data arrived (@skb, @len bytes, not yet queued): the window's slow
 * start may grow, up to the window the buffer offers with it queued.
 * Growing it asks for quick ACKs, as Linux's, so that the sender hears
 * of the larger window soon.
 *
 * Whether the skb holds its payload well enough to grow the window is
 * judged, for in-order data all in page fragments, without its head, as
 * Linux's truesize_adjust(): such an skb's fragments join the queue's
 * tail skb and its head is freed.  Without that, the short tail of each
 * write (a few hundred bytes in a 1 KB head) never grows the window, so
 * rcv_ssthresh stays an skb below the buffer's size and the window
 * computed with one skb unread still equals the one advertised: an ACK
 * at once for every second segment, where Linux waits for the reader.
 */
static void xtcp_grow_rcv_window(struct sock *sk, const struct sk_buff *skb,
				 u32 len, bool in_order)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int free = xtcp_rcvbuf_free(sk) - (int)skb->truesize;
	u32 old = xtcp_rcv_ssthresh(xs);
	u32 truesize = skb->truesize;
	u32 limit, grown;

	if (free <= 0 || sk_under_memory_pressure(sk))
		return;
	if (in_order && !skb_headlen(skb)) {
		u32 head = SKB_TRUESIZE(skb_end_offset(skb));

		if (truesize > head && truesize - head >= len)
			truesize -= head;
	}
	limit = min(xtcp_space_to_window(free, xs->rcv_ratio),
		    xtcp_max_rcv_wnd(xs));
	grown = xtcp_rcv_ssthresh_grow(old, limit, len, truesize,
				       xs->rcv_ratio, xs->rcv_mss, xs->advmss,
				       XTCP_SYSCTL(sk, rmem[2]));
	if (grown > old) {
		xtcp_set_rcv_ssthresh(xs, grown);
		xs->quickack |= 1;
	}
}

/*
 * ACK at once, or let the delayed-ACK timer batch it (RFC 1122 4.2.3.2).
 * "Every second full segment" counts in rcv_mss, so that one skb merged
 * from many segments by GRO is answered at once; but, as Linux's
 * __tcp_ack_snd_check(), only if the window would not shrink: while
 * the reader has not taken the data, the ACK waits for it to
 * (xtcp_cleanup_rbuf() sends it with the window the read opened), one
 * ACK where there would be two.  Unless the reader waits for more than
 * has arrived (SO_RCVLOWAT).
 */
static void xtcp_ack_snd_check(struct sock *sk, bool now)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->ack_pending)
		xs->ack_pending_since = (u16)xtcp_jiffies32();
	xs->ack_pending = 1;
	if (now || (xs->quickack && !xs->pingpong) ||
	    !RB_EMPTY_ROOT(&xs->ooo_queue) ||
	    (xs->rcv_nxt - xs->rcv_wup >= 2U * xs->rcv_mss &&
	     (xs->rcv_nxt - xs->copied_seq < READ_ONCE(sk->sk_rcvlowat) ||
	      xtcp_rcv_window_now(sk) >= xs->rcv_wnd))) {
		if (xs->quickack)
			xs->quickack--;
		xtcp_send_ack(sk);
	} else {
		xtcp_arm_delack(sk);
	}
}

/* An in-window RST: tear down as Linux's tcp_reset() does. */
static void xtcp_reset(struct sock *sk)
{
	int err;

	trace_xtcp_receive_reset(sk);
	switch (sk->sk_state) {
	case TCP_SYN_SENT:
		err = ECONNREFUSED;
		break;
	case TCP_CLOSE_WAIT:
		err = EPIPE;
		break;
	case TCP_CLOSE:
		return;
	default:
		err = ECONNRESET;
	}
	xtcp_done_with_error(sk, err);
}

/*
 * Free what the peer has acknowledged, and note in @rs the send times of
 * the oldest and the newest segment acknowledged for an RTT sample,
 * unless a segment acknowledged was sent more than once (Karn's rule).
 * An skb of several segments acknowledged in part loses the whole
 * segments acknowledged (Linux's tcp_tso_acked()).  Returns the data
 * segments acknowledged; *delivered counts those of them the peer had
 * not SACKed before, which
 * this ACK is the first news of.
 */
static u32 xtcp_clean_acked(struct sock *sk, u32 ack, u32 *delivered,
			    struct xtcp_rate_sample *rs)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 now = rs->now_us, first_sent = 0, last_sent = 0;
	u32 acked = 0, acked_segs = 0;
	bool ambiguous = false;
	struct sk_buff *skb;

	*delivered = 0;
	while ((skb = xtcp_rtx_head(sk))) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		bool whole = !xtcp_seq_after(cb->end_seq, ack);
		u32 segs;

		if (whole) {
			segs = xtcp_skb_pcount(skb);
		} else {
			if (xtcp_skb_pcount(skb) == 1 ||
			    !xtcp_seq_after(ack, cb->seq))
				break;
			segs = xtcp_trim_head(sk, skb, ack - cb->seq);
			if (!segs)
				break;
		}
		xtcp_adjust_pcount(xs, cb, segs);
		if (!cb->sacked && !(cb->flags & XTCPHDR_SYN))
			xtcp_skb_delivered(xs, cb, now, rs);
		if (cb->retransmitted)
			ambiguous = true;
		else if (!acked)
			first_sent = cb->sent_us;
		if (!cb->retransmitted)
			last_sent = cb->sent_us;
		/* The SYN opens the window; it does not grow it. */
		if (!(cb->flags & XTCPHDR_SYN)) {
			acked_segs += segs;
			if (!cb->sacked)
				*delivered += segs;
		}
		acked++;
		if (!whole)
			break;
		xtcp_rtx_free_acked(sk, skb);
	}
	if (!acked)
		return 0;
	if (!ambiguous) {
		rs->ack_rtt_ok = true;
		rs->ack_first_sent_us = first_sent;
		rs->ack_last_sent_us = last_sent;
	}
	return acked_segs;
}

/*
 * The RTT sample an ACK gives, as Linux's tcp_ack_update_rtt(): from data
 * it acknowledges cumulatively that was sent once (Karn's rule), else
 * from data it newly SACKs that was sent once, duplicate ACKs included.
 * The congestion control's sample is the newest such segment's, the
 * least delayed by the ACK (Linux's ca_rtt_us).
 *
 * Linux's third source, the timestamp echoed by an ACK of retransmitted
 * data (RFC 7323 4.1), is not taken: between XTCP peers under 20% loss
 * each way it fed samples as long as the timeouts (the RTO's base grew
 * to 8 s, the netem case took 47-53 s instead of 5-23 s; Linux's took
 * 13.5 s with its RTO under 1 s), which is not understood yet.
 */
static bool xtcp_ack_update_rtt(struct sock *sk,
				const struct xtcp_rate_sample *rs)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 now = rs->now_us, rtt, ca_rtt;

	if (rs->ack_rtt_ok)
		rtt = now - rs->ack_first_sent_us;
	else if (rs->sack_rtt_ok)
		rtt = now - rs->sack_first_sent_us;
	else
		return false;
	/* A SACK's newest segment is the least delayed: Linux prefers it. */
	ca_rtt = now - (rs->sack_rtt_ok ? rs->sack_last_sent_us :
					  rs->ack_last_sent_us);
	xtcp_rtt_sample(&xs->rtt, rtt);
	xtcp_cong_rtt(sk, ca_rtt, now);
	return true;
}

/*
 * RFC 5681 2: a duplicate ACK acknowledges nothing new, carries no data,
 * SYN or FIN, leaves the window as it was, and comes while data is out.
 */
static bool xtcp_is_dupack(const struct xtcp_sock *xs,
			   const struct sk_buff *skb, u32 prior_wnd)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 data = cb->end_seq - cb->seq;

	return cb->ack_seq == xs->snd_una && xs->packets_out && !data &&
	       !(cb->flags & (XTCPHDR_SYN | XTCPHDR_FIN)) &&
	       xs->snd_wnd == prior_wnd;
}

/*
 * An ECN-Echo in the open state with no loss to recover from (RFC 3168
 * 6.1.2): CWR, the window cut once for this window of data.
 */
static void xtcp_ece_cwr(struct sock *sk, bool ece, u32 in_flight)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (ece && xs->ca_state == XTCP_CA_OPEN && !xtcp_time_to_recover(xs))
		xtcp_enter_cwr(sk, in_flight);
}

/* What one ACK told, for congestion control and loss recovery. */
struct xtcp_ack_info {
	bool	advanced;	/* it moved SND.UNA */
	bool	dupack;		/* a duplicate (RFC 5681 2) */
	bool	ece;		/* ECN-Echo on an ECN connection */
	bool	orig_acked;	/* see struct xtcp_rate_sample */
	u32	acked_segs;	/* segments it acknowledged cumulatively */
	u32	sacked;		/* segments it SACKed newly */
	u32	delivered;	/* both */
	u32	prior_packets_out;
	u32	now_us;		/* when it arrived (xtcp_clock_us()) */
	const struct xtcp_opts *opts;	/* its options (timestamps) */
};

/*
 * Congestion control and loss recovery for one ACK (RFC 5681, RFC 6675,
 * RFC 6582, RFC 3042 limited transmit), and undoing reductions that
 * prove needless (xtcp_undo.h).
 */
static void xtcp_cong_control(struct sock *sk, const struct xtcp_ack_info *a)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool advanced = a->advanced, ece = a->ece;
	u32 delivered = a->delivered, prior_packets_out = a->prior_packets_out;

	if (advanced)
		xs->dupacks = 0;
	else if (a->dupack && xs->dupacks < 127)
		xs->dupacks++;
	/* An ECN signal: whatever reduction is under way stands. */
	if (ece)
		xs->prior_ssthresh = 0;

	if (xs->ca_state == XTCP_CA_RECOVERY) {
		bool undone = xtcp_recovery_ack(sk, advanced, a->acked_segs,
						delivered, a->dupack, a->opts);

		/* The ACK that ends recovery may echo CE too (Linux's
		 * tcp_try_to_open() after the state's end).
		 */
		xtcp_ece_cwr(sk, ece, prior_packets_out);
		/* Undone, with a loss still evident: a new recovery. */
		if (undone && xs->ca_state == XTCP_CA_OPEN &&
		    xtcp_time_to_recover(xs))
			xtcp_enter_recovery(sk, delivered, ece);
		return;
	}
	if (xs->ca_state == XTCP_CA_LOSS)
		xtcp_loss_ack(sk, advanced, a->dupack, a->sacked,
			      a->orig_acked, a->opts);
	/* D-SACKs that come after recovery ended may still undo it. */
	if (xs->ca_state == XTCP_CA_OPEN)
		xtcp_try_undo_dsack(sk);
	/*
	 * CWR ends when data sent after the reduction is acknowledged: the
	 * first of it carried the CWR flag (Linux holds CWR past high_seq
	 * for that reason).  The window is then ssthresh.
	 */
	if (xs->ca_state == XTCP_CA_CWR &&
	    xtcp_seq_after(xs->snd_una, xs->recover)) {
		xs->cong.cwnd = xs->cong.ssthresh;
		xs->cong.cwnd_cnt = 0;
		xs->ca_state = XTCP_CA_OPEN;
	}
	xtcp_ece_cwr(sk, ece, prior_packets_out);
	if (xs->ca_state == XTCP_CA_CWR) {
		if (xtcp_time_to_recover(xs))
			xtcp_enter_recovery(sk, delivered, ece);
		else if (delivered)	/* only ACKs that deliver move PRR */
			xtcp_prr_ack(xs, delivered);
		return;
	}
	/* Grow only a window that was in use (xtcp_cwnd_may_grow()). */
	if (advanced && a->acked_segs &&
	    xtcp_cwnd_may_grow(&xs->cong, xs->cwnd_limited, prior_packets_out)) {
		struct xtcp_cong_ctx ctx;

		xtcp_cong_ctx(sk, a->now_us, &ctx);
		xtcp_ca_ops(xs)->on_ack(&xs->cong, a->acked_segs, &ctx);
	}
	if (xs->ca_state == XTCP_CA_OPEN && xtcp_time_to_recover(xs))
		xtcp_enter_recovery(sk, delivered, ece);
}

/*
 * ACK processing for synchronized states (RFC 9293 3.10.7.4, fifth
 * check), with SND.UNA <= SEG.ACK <= the highest sequence sent.  opts
 * holds the segment's SACK blocks, if any.
 */
static void xtcp_ack(struct sock *sk, struct sk_buff *skb,
		     const struct xtcp_opts *opts)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 prior_packets_out = xs->packets_out;
	u32 prior_wnd = xs->snd_wnd;
	u32 ack = cb->ack_seq, nwin;
	u32 acked_segs = 0, delivered = 0, newly_acked = 0, reo_wait = 0;
	struct xtcp_rate_sample rs = { .now_us = xtcp_clock_us() };
	struct xtcp_ack_info ai;
	struct sk_buff *head;
	bool dupack, advanced, ece;

	/*
	 * Any ACK shows the peer is alive: keepalive starts over, and an
	 * ICMP error since is no longer what a timeout reports.
	 */
	xs->probes_out = 0;
	WRITE_ONCE(sk->sk_err_soft, 0);
	/*
	 * ECN (RFC 3168): ECE echoes a CE mark; CWR says the peer reduced
	 * for ours, so the echo stops.  Linux takes CWR on a pure ACK too.
	 */
	ece = (cb->flags & (XTCPHDR_ECE | XTCPHDR_SYN)) == XTCPHDR_ECE &&
	      (xs->ecn_flags & XTCP_ECN_OK);
	if (cb->flags & XTCPHDR_CWR)
		xs->ecn_flags &= ~XTCP_ECN_DEMAND_CWR;
	/* RFC 7323 2.3: a SYN's window is never scaled. */
	nwin = (u32)cb->window << (cb->flags & XTCPHDR_SYN ? 0 : xs->snd_wscale);
	if (xtcp_may_update_window(ack, xs->snd_una, cb->seq, xs->snd_wl1,
				   nwin, xs->snd_wnd)) {
		/* Data held by the window may go after an idle spell. */
		if (nwin != xs->snd_wnd && xtcp_send_head(sk))
			xtcp_idle_restart_check(sk);
		xs->snd_wnd = nwin;
		xs->snd_wl1 = cb->seq;
		xs->max_window = max(xs->max_window, xs->snd_wnd);
		/*
		 * The window opened for the next segment: persisting is
		 * over (Linux's tcp_ack_probe()).
		 */
		if (!xs->packets_out && xs->snd_wnd &&
		    (!xtcp_send_head(sk) ||
		     !xtcp_seq_after(XTCP_SKB_CB(xtcp_send_head(sk))->end_seq,
				     ack + xs->snd_wnd))) {
			xs->backoff = 0;
			xs->probes_stamp = 0;
		}
	}
	dupack = xtcp_is_dupack(xs, skb, prior_wnd);
	advanced = xtcp_seq_after(ack, xs->snd_una);

	/* Even with nothing out: a late D-SACK may still undo (below). */
	if (xs->sack_ok && opts && opts->num_sacks)
		delivered = xtcp_sacktag(sk, opts, ack, &rs);
	ai.sacked = delivered;
	if (advanced) {
		xs->bytes_acked += ack - xs->snd_una;
		acked_segs = xtcp_clean_acked(sk, ack, &newly_acked, &rs);
		/*
		 * Before the RTT sample: HyStart, which it feeds, ends its
		 * round on the ACK that passes the round's end, as Linux's
		 * does (tcp_ack() moves snd_una before pkts_acked()).  One
		 * ACK late, it timed the round's last ACK from the round
		 * before's start, and took that for a long ACK train.
		 */
		xs->snd_una = ack;
		/*
		 * The timer stays backed off until an RTT is measured (RFC
		 * 6298 5.7, Karn): Linux measures one from the echoed
		 * timestamp of any ACK of data, XTCP only takes it as proof.
		 */
		if (xtcp_ack_update_rtt(sk, &rs) ||
		    (opts && XTCP_SKB_CB(skb)->saw_ts && opts->tsecr))
			xs->backoff = 0;
		delivered += newly_acked;
		if (xtcp_seq_before(xs->sack_high, ack))
			xs->sack_high = ack;
		xs->retransmits = 0;
		head = xtcp_rtx_head(sk);
		if (xs->tlp_high_seq && !xtcp_seq_before(ack, xs->tlp_high_seq))
			xs->tlp_high_seq = 0;	/* the probe was answered */
		/*
		 * The peer acknowledged up to data it had SACKed and no
		 * further: it dropped that data (reneging, RFC 2018 8).
		 * Time out soon; the timeout clears the scoreboard and
		 * sends it all again.
		 */
		if (head && XTCP_SKB_CB(head)->sacked) {
			XTCP_INC_STATS(sk, XTCP_MIB_SACKRENEGING);
			xtcp_arm_rtx_timer(sk, XTCP_TIMER_RTO,
					   max_t(unsigned long,
						 usecs_to_jiffies(xs->rtt.srtt_us / 2),
						 HZ / 100));
		} else if (xs->packets_out) {
			xtcp_schedule_rtx(sk);
		} else {
			/* Left to run out: the next send re-arms it. */
			xs->rtx_pending = XTCP_TIMER_NONE;
		}
		if (sk->sk_socket &&
		    test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
			sk->sk_write_space(sk);
	} else {
		/* A duplicate ACK's new SACKs may time data sent once. */
		if (xtcp_ack_update_rtt(sk, &rs))
			xs->backoff = 0;
	}
	if (delivered)
		xtcp_rate_gen(sk, delivered, &rs);
	xtcp_rack_reo_update(&xs->reo, rs.valid ? rs.prior_delivered : 0,
			     xs->delivered);
	if (ece)
		xs->delivered_ce += delivered;
	if (xs->sack_ok && xs->packets_out &&
	    (xs->sacked_out || xs->ca_state != XTCP_CA_OPEN))
		reo_wait = xtcp_rack_detect_loss(sk, rs.now_us);
	ai.advanced = advanced;
	ai.dupack = dupack;
	ai.ece = ece;
	ai.orig_acked = rs.orig_acked;
	ai.acked_segs = acked_segs;
	ai.delivered = delivered;
	ai.prior_packets_out = prior_packets_out;
	ai.now_us = rs.now_us;
	ai.opts = opts;
	xtcp_cong_control(sk, &ai);
	xtcp_update_pacing_rate(sk);
	/*
	 * Recovered, nothing resent still out: the next episode's first
	 * retransmission stamps anew (Linux's tcp_try_to_open()).
	 */
	if (xs->ca_state == XTCP_CA_OPEN && !xtcp_any_retrans_done(sk))
		xs->retrans_stamp = 0;
	/* Not under memory pressure (Linux's tcp_should_expand_sndbuf()). */
	if (advanced && xtcp_budget_sndbuf_may_grow(sk))
		xtcp_sndbuf_expand(sk);
	trace_xtcp_probe(sk, skb);
	xtcp_write_xmit(sk);
	/* RACK waits out a reordering window before it calls a loss. */
	if (reo_wait && xs->packets_out &&
	    (xs->rtx_pending != XTCP_TIMER_REO ||
	     !xtcp_rtx_armed(xs)))
		xtcp_arm_rtx_timer(sk, XTCP_TIMER_REO,
				   usecs_to_jiffies(reo_wait));
}

static bool xtcp_fin_acked(const struct xtcp_sock *xs)
{
	return xs->fin_queued && xs->snd_una == xs->write_seq;
}

/* The peer's FIN, reached in sequence (RFC 9293 3.10.7.4, eighth check). */
static void xtcp_fin(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int state;

	xs->rcv_nxt++;
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sock_set_flag(sk, SOCK_DONE);
	xtcp_ofo_purge(sk);

	state = xtcp_state_on_fin(sk->sk_state);
	if (state == TCP_CLOSE_WAIT) {
		/*
		 * The application will likely close now: its FIN can carry
		 * this ACK, so delay it rather than quick-ACK (Linux enters
		 * pingpong mode here), saving a segment per connection.  But
		 * not before any data came: Linux's delayed-ACK timeout is
		 * still 0 then (its icsk_ack.ato), so that ACK goes at once.
		 */
		xtcp_set_state(sk, state);
		xs->pingpong = 1;
		xtcp_ack_snd_check(sk, !xs->bytes_received);
	} else if (state == TCP_TIME_WAIT) {
		/*
		 * ACK first, as Linux's tcp_fin(): with TIME_WAIT full the
		 * socket closes at once and gives up its port.
		 */
		xtcp_send_ack(sk);
		xtcp_enter_time_wait(sk);
	} else {
		xtcp_set_state(sk, state);
		xtcp_send_ack(sk);
	}

	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		if (sk->sk_shutdown == SHUTDOWN_MASK ||
		    sk->sk_state == TCP_CLOSE)
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_HUP);
		else
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	}
}

/* Append in-order data to the receive queue, merging into the tail. */
static void xtcp_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_receive_queue);
	bool fragstolen;
	int delta;

	if (tail && XTCP_SKB_CB(tail)->seq + tail->len ==
		    XTCP_SKB_CB(skb)->seq &&
	    skb_try_coalesce(tail, skb, &fragstolen, &delta)) {
		XTCP_SKB_CB(tail)->end_seq = XTCP_SKB_CB(skb)->seq + skb->len;
		atomic_add(delta, &sk->sk_rmem_alloc);
		sk_mem_charge(sk, delta);
		kfree_skb_partial(skb, fragstolen);
		return;
	}
	skb_set_owner_r(skb, sk);
	__skb_queue_tail(&sk->sk_receive_queue, skb);
}

static u32 xtcp_data_end(const struct sk_buff *skb)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	return cb->end_seq - !!(cb->flags & XTCPHDR_FIN);
}

/* Free the out-of-order queue. */
void xtcp_ofo_purge(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_rb_first(&xs->ooo_queue);

	while (skb) {
		struct sk_buff *next = skb_rb_next(skb);

		rb_erase(&skb->rbnode, &xs->ooo_queue);
		kfree_skb(skb);
		skb = next;
	}
	xs->rcv_num_sacks = 0;
}

/* Move segments that the new rcv_nxt made contiguous. */
static void xtcp_ofo_drain(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_rb_first(&xs->ooo_queue), *next;

	for (; skb && !xtcp_seq_after(XTCP_SKB_CB(skb)->seq, xs->rcv_nxt);
	     skb = next) {
		u32 end = xtcp_data_end(skb);
		bool fin = XTCP_SKB_CB(skb)->flags & XTCPHDR_FIN;

		/* rbnode shares storage with next and prev: off the tree first. */
		next = skb_rb_next(skb);
		rb_erase(&skb->rbnode, &xs->ooo_queue);
		if (xtcp_seq_after(end, xs->rcv_nxt)) {
			xs->bytes_received += end - xs->rcv_nxt;
			xs->rcv_nxt = end;
			/* Already charged to sk_rmem_alloc: queue as is. */
			__skb_queue_tail(&sk->sk_receive_queue, skb);
		} else {
			kfree_skb(skb);
		}
		if (fin && end == xs->rcv_nxt) {
			xtcp_fin(sk);	/* purges the queue: next is gone */
			return;
		}
	}
	xs->rcv_num_sacks = xtcp_sack_advance(xs->rcv_sacks, xs->rcv_num_sacks,
					      xs->rcv_nxt);
}

/*
 * Data [start, end) arrived that we had already: the next ACK reports it
 * in a D-SACK block (RFC 2883), so that the sender learns its
 * retransmission was spurious, as Linux's tcp_dsack_set().
 */
static void xtcp_dsack_set(struct sock *sk, u32 start, u32 end,
			   enum xtcp_mib_field mib)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->sack_ok || !xtcp_seq_before(start, end))
		return;
	xs->rcv_dsack.start = start;
	xs->rcv_dsack.end = end;
	xs->rcv_dsack_pending = 1;
	XTCP_INC_STATS(sk, mib);
}

/*
 * Keep an out-of-order segment in the tree, after those that start at or
 * before it, so that any arrival order costs O(log n) a segment.  It is
 * dropped if the segment before it covers it.  Either way its data is
 * held now, and the first SACK block must say so (RFC 2018 4).
 */
static void xtcp_ofo_insert(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct rb_node **p = &xs->ooo_queue.rb_node, *parent = NULL;
	struct sk_buff *prev = NULL;
	/* A FIN is sequence space too: an early one is SACKed, as Linux. */
	u32 seq = cb->seq, end = cb->end_seq;

	if (xs->sack_ok)
		xs->rcv_num_sacks = xtcp_sack_add(xs->rcv_sacks,
						  xs->rcv_num_sacks, seq, end);

	while (*p) {
		struct sk_buff *pos = rb_to_skb(*p);

		parent = *p;
		if (xtcp_seq_before(cb->seq, XTCP_SKB_CB(pos)->seq)) {
			p = &parent->rb_left;
		} else {
			prev = pos;
			p = &parent->rb_right;
		}
	}
	if (prev && !xtcp_seq_after(cb->end_seq, XTCP_SKB_CB(prev)->end_seq)) {
		xtcp_dsack_set(sk, seq, end, XTCP_MIB_DSACKOFOSENT);
		kfree_skb(skb);		/* nothing new */
		return;
	}
	XTCP_INC_STATS(sk, XTCP_MIB_OFOQUEUE);
	skb_set_owner_r(skb, sk);
	rb_link_node(&skb->rbnode, parent, p);
	rb_insert_color(&skb->rbnode, &xs->ooo_queue);
}

/*
 * Room for one more skb while the buffer is not yet over its size, as
 * Linux's tcp_try_rmem_schedule(): the last one may overshoot.  The
 * window was offered from the payload share of the free space; an skb
 * whose share is worse (a GRO super-segment, a copy of a small one) must
 * still fit, or data inside the window would be dropped.  And the budget
 * of all sockets (net.xtcp.mem) must cover it: sk_rmem_schedule()
 * reserves it, and queueing the skb charges it.
 */
static bool xtcp_rmem_fits(struct sock *sk, struct sk_buff *skb)
{
	return atomic_read(&sk->sk_rmem_alloc) <= READ_ONCE(sk->sk_rcvbuf) &&
	       sk_rmem_schedule(sk, skb, skb->truesize);
}

/*
 * Room in the receive buffer for skb?  Data the reader can have next
 * comes first: out-of-order segments are dropped from the far end to make
 * room for it (Linux's tcp_prune_queue() and tcp_prune_ofo_queue()), or
 * the buffer could fill with data stuck behind a hole only this segment
 * fills.  Under memory pressure the window's slow start falls back too.
 * And with nothing queued for the reader, in-order data is always taken,
 * so a buffer smaller than one segment, or a socket the budget refuses,
 * still makes progress (Linux's tcp_data_queue() forces it too).
 */
static bool xtcp_rmem_schedule(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *victim, *prev;
	bool pruned = false;

	if (xtcp_rmem_fits(sk, skb))
		return true;
	XTCP_INC_STATS(sk, XTCP_MIB_PRUNECALLED);
	if (sk_under_memory_pressure(sk))
		xtcp_set_rcv_ssthresh(xs, xtcp_pressure_rcv_ssthresh(xtcp_rcv_ssthresh(xs),
								     xs->advmss));
	/* Only data that moves rcv_nxt is worth the out-of-order queue. */
	if (xtcp_seq_after(XTCP_SKB_CB(skb)->seq, xs->rcv_nxt) ||
	    !xtcp_seq_after(XTCP_SKB_CB(skb)->seq + skb->len, xs->rcv_nxt))
		return false;
	for (victim = skb_rb_last(&xs->ooo_queue);
	     victim && !xtcp_rmem_fits(sk, skb); victim = prev) {
		prev = skb_rb_prev(victim);
		rb_erase(&victim->rbnode, &xs->ooo_queue);
		/* No block may report data dropped from here on. */
		xs->rcv_num_sacks = xtcp_sack_prune(xs->rcv_sacks,
						    xs->rcv_num_sacks,
						    XTCP_SKB_CB(victim)->seq);
		XTCP_INC_STATS(sk, XTCP_MIB_OFODROP);
		kfree_skb(victim);
		pruned = true;
	}
	if (pruned)
		XTCP_INC_STATS(sk, XTCP_MIB_OFOPRUNED);
	if (xtcp_rmem_fits(sk, skb))
		return true;
	if (!skb_queue_empty(&sk->sk_receive_queue))
		return false;
	xtcp_mem_force(sk, skb->truesize);
	return true;
}

/*
 * The size of the peer's segments, which the ACK policy counts in, as
 * Linux's tcp_measure_rcv_mss(): an skb merged by GRO or on the backlog
 * holds segments of gso_size each, and its length says nothing of them.
 * @len is the payload taken from @skb.
 */
static void xtcp_measure_rcv_mss(struct xtcp_sock *xs,
				 const struct sk_buff *skb, u32 len)
{
	u32 seg = skb_shinfo(skb)->gso_size ? : len;

	if (seg > xs->rcv_mss) {
		xs->rcv_mss = min_t(u32, seg, xs->advmss);
	} else if (seg && seg < xs->rcv_mss) {
		/*
		 * A short segment: the sender pushed what it had and may be
		 * waiting for our ACK (Linux's ICSK_ACK_PUSHED, PUSHED2).
		 */
		xs->ack_pushed2 = xs->ack_pushed;
		xs->ack_pushed = 1;
	}
}

/*
 * A data segment's IP ECN field (RFC 3168 6.1.3): CE asks for ECE on our
 * ACKs until the sender's CWR, and both CE and a resend after ECT ones
 * are answered without delay (Linux's tcp_enter_quickack_mode()).
 */
static void xtcp_ecn_check_ce(struct xtcp_sock *xs,
			      const struct xtcp_skb_cb *cb)
{
	bool quick;

	xs->ecn_flags = xtcp_ecn_rcv_data(xs->ecn_flags, cb->ip_dsfield,
					  &quick);
	if (quick) {
		xs->pingpong = 0;
		xs->quickack = max_t(u8, xs->quickack, 2);
	}
}

/*
 * Segment text and FIN (RFC 9293 3.10.7.4, seventh and eighth checks).
 * Consumes skb.
 */
static void xtcp_data_queue(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 right = xs->rcv_nxt + xtcp_rcv_wnd_left(xs);
	bool fin = cb->flags & XTCPHDR_FIN;
	bool cwr = cb->flags & XTCPHDR_CWR;
	u32 len;

	/*
	 * Kept for the reader or the out-of-order queue: no route (its dst
	 * may not even hold a reference) and no IPsec state with it.
	 */
	skb_dst_drop(skb);
	secpath_reset(skb);
	__skb_pull(skb, tcp_hdr(skb)->doff * 4);
	len = skb->len;

	/* Text beyond the window is cut off, and a FIN with it. */
	if (xtcp_seq_after(cb->seq + len + fin, right)) {
		u32 keep = xtcp_seq_after(right, cb->seq) ? right - cb->seq : 0;

		if (keep < len && pskb_trim(skb, keep))
			goto drop;
		len = skb->len;
		fin = false;
		cb->flags &= ~XTCPHDR_FIN;
		cb->end_seq = cb->seq + len;
	}
	/*
	 * The segment used sequence space, so whatever is not taken is
	 * answered with an ACK that says where we are: all of it beyond
	 * the window (a zero-window probe), or anything after the peer's
	 * FIN, which can only be that FIN again because our ACK was lost
	 * (RFC 9293 3.10.7.4); TIME_WAIT then starts over.
	 */
	if (!len && !fin)
		goto drop_ack;
	if (!xtcp_state_can_recv_data(sk->sk_state)) {
		if (sk->sk_state == TCP_TIME_WAIT)
			sk_reset_timer(sk, &sk->sk_timer,
				       jiffies + XTCP_TIMEWAIT_LEN);
		goto drop_ack;
	}
	/* An old duplicate needs no room: say where we are, and what came twice. */
	if (!xtcp_seq_after(cb->seq + len, xs->rcv_nxt) && !fin) {
		xtcp_dsack_set(sk, cb->seq, cb->seq + len,
			       XTCP_MIB_DSACKOLDSENT);
		goto drop_ack;
	}
	/* A FIN alone out of order is queued and charged as data is. */
	if ((len || xtcp_seq_after(cb->seq, xs->rcv_nxt)) &&
	    !xtcp_rmem_schedule(sk, skb)) {
		/*
		 * Out of buffer: the sender will retransmit.  In-order data
		 * refused is answered at once with a zero window, as 6.12's
		 * TCP does (ICSK_ACK_NOMEM; 6.1's does not), so that the
		 * sender probes until the reader makes room instead of
		 * resending into a buffer that cannot take it.
		 */
		if (xtcp_seq_after(cb->seq, xs->rcv_nxt)) {
			XTCP_INC_STATS(sk, XTCP_MIB_OFODROP);
		} else {
			XTCP_INC_STATS(sk, XTCP_MIB_RCVQDROP);
			set_bit(XTCP_ACK_NOMEM, &sk->sk_tsq_flags);
		}
		xtcp_ack_snd_check(sk, true);
		goto drop;
	}
	xtcp_measure_rcv_mss(xs, skb, len);
	if (len)
		xtcp_ecn_check_ce(xs, cb);
	/* Segments of some size show what the buffer holds per byte. */
	if (len >= XTCP_MSS_DEFAULT)
		xs->rcv_ratio = xtcp_rcv_ratio_update(xs->rcv_ratio, len,
						      skb->truesize);
	if (len >= XTCP_GROW_WINDOW_MIN_LEN)
		xtcp_grow_rcv_window(sk, skb, len,
				     !xtcp_seq_after(cb->seq, xs->rcv_nxt));

	if (!xtcp_seq_after(cb->seq, xs->rcv_nxt)) {
		u32 end = cb->seq + len;

		/* Its start we had already. */
		xtcp_dsack_set(sk, cb->seq, xs->rcv_nxt, XTCP_MIB_DSACKOLDSENT);
		if (xtcp_seq_after(end, xs->rcv_nxt)) {
			xs->bytes_received += end - xs->rcv_nxt;
			xs->rcv_nxt = end;
			xs->last_data_recv = xtcp_jiffies32();
			xtcp_rcv_rtt_measure(xs);
			xtcp_queue_rcv(sk, skb);
			skb = NULL;
		}
		if (fin && end == xs->rcv_nxt)
			xtcp_fin(sk);
		else
			xtcp_ofo_drain(sk);
		/*
		 * Data with CWR: the sender cut its window, maybe to one
		 * segment, so the ACK goes now (Linux's tcp_ecn_accept_cwr()).
		 */
		if (xs->ack_pending || sk->sk_state == TCP_ESTABLISHED ||
		    sk->sk_state == TCP_FIN_WAIT1 ||
		    sk->sk_state == TCP_FIN_WAIT2)
			xtcp_ack_snd_check(sk, cwr && len);
		if (!sock_flag(sk, SOCK_DEAD))
			sk->sk_data_ready(sk);
		if (skb)
			kfree_skb(skb);
		return;
	}

	/* Out of order: keep it and send a duplicate ACK at once. */
	xtcp_ofo_insert(sk, skb);
	xtcp_ack_snd_check(sk, true);
	return;
drop_ack:
	xtcp_ack_snd_check(sk, true);
drop:
	kfree_skb(skb);
}

static void xtcp_child_ready(struct sock *child)
{
	struct xtcp_sock *xs = xtcp_sk(child);
	struct sock *parent = xtcp_parent(xs);
	struct xtcp_accept_queue *q = xtcp_acceptq(xtcp_sk(parent));
	bool queued = false;

	spin_lock(&q->lock);
	if (xtcp_child_wanted(xs)) {
		list_add_tail(&xs->accept_node, &q->children);
		sk_acceptq_added(parent);
		sock_hold(child);	/* the accept queue's reference */
		sock_reset_flag(child, SOCK_DEAD);
		queued = true;
	}
	spin_unlock(&q->lock);

	if (queued) {
		parent->sk_data_ready(parent);
	} else {
		xtcp_send_active_reset(child, GFP_ATOMIC);
		xtcp_done(child);
	}
}

/*
 * The options of a segment on a synchronized connection: the timestamps
 * go to the control block, SACK blocks to opts, each only if agreed.
 */
static void xtcp_parse_ack_options(const struct xtcp_sock *xs,
				   struct sk_buff *skb, struct xtcp_opts *opts)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	opts->num_sacks = 0;
	cb->saw_ts = 0;
	if (th->doff * 4 <= sizeof(*th) || !(xs->ts_ok || xs->sack_ok))
		return;
	xtcp_parse_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th),
			   false, opts);
	if (opts->ts_ok && xs->ts_ok) {
		cb->saw_ts = 1;
		cb->tsval = opts->tsval;
	}
	if (!xs->sack_ok)
		opts->num_sacks = 0;
}

/*
 * RFC 7323 4.3: remember the TSval of what we acknowledge next.  Only
 * for a segment that passed every check, its ACK included, so that a
 * blind RST or SYN, or an ACK of what we never sent, cannot move it.
 */
static void xtcp_update_ts_recent(struct xtcp_sock *xs,
				  const struct xtcp_skb_cb *cb)
{
	if (cb->saw_ts && !xtcp_seq_after(cb->seq, xs->rcv_wup) &&
	    !xtcp_seq_before(cb->tsval, xs->ts_recent)) {
		xs->ts_recent = cb->tsval;
		xs->ts_recent_stamp = (u32)ktime_get_seconds();
	}
}

/* States from SYN_RECV on (RFC 9293 3.10.7.4). */
static void xtcp_rcv_synchronized(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	/* The ACK that completes the handshake is not yet one of its own. */
	bool was_established = sk->sk_state == TCP_ESTABLISHED;
	u8 flags = cb->flags;
	u32 ack = cb->ack_seq;
	struct xtcp_opts opts;
	bool fastopen;
	int next;

	xtcp_parse_ack_options(xs, skb, &opts);
	/*
	 * PAWS (RFC 7323 5.3): a segment older than the last one we took
	 * a timestamp from is a stale duplicate; a RST is let through to
	 * the sequence checks, as Linux does.  The clock, for TS.Recent's
	 * age, is read only for an older TSval, as Linux's
	 * tcp_paws_check() does.
	 */
	if (cb->saw_ts && !(flags & XTCPHDR_RST) &&
	    xtcp_seq_before(cb->tsval, xs->ts_recent) &&
	    !xtcp_paws_ok(cb->tsval, xs->ts_recent,
			  (u32)ktime_get_seconds() - xs->ts_recent_stamp)) {
		if (flags & XTCPHDR_SYN)
			goto challenge;
		XTCP_INC_STATS(sk, XTCP_MIB_PAWSESTAB);
		if (!xtcp_oow_rate_limited(sk, skb, XTCP_MIB_ACKSKIPPEDPAWS))
			xtcp_send_ack(sk);
		goto drop;
	}

	/*
	 * The peer's SYN once more while our SYN-ACK is out: it has not
	 * seen the SYN-ACK, so that goes again (Linux's tcp_check_req()).
	 * Its ISN is before the data a Fast Open child took, all that came
	 * in SYN_RECV.
	 */
	if (sk->sk_state == TCP_SYN_RECV && flags == XTCPHDR_SYN &&
	    cb->seq == xs->rcv_nxt - 1 - (u32)xs->bytes_received) {
		if (xtcp_rtx_head(sk) &&
		    !xtcp_oow_rate_limited(sk, skb, XTCP_MIB_ACKSKIPPEDSYNRECV))
			xtcp_retransmit_skb(sk, xtcp_rtx_head(sk), 1);
		goto drop;
	}

	/* First: is the segment in the window? */
	if (!xtcp_seq_window_ok(cb->seq, cb->end_seq, xs->rcv_wup,
				xs->rcv_nxt + xtcp_rcv_wnd_left(xs))) {
		if (flags & XTCPHDR_RST)
			goto drop;
		if (flags & XTCPHDR_SYN)
			goto challenge;
		if (sk->sk_state == TCP_TIME_WAIT && (flags & XTCPHDR_FIN))
			sk_reset_timer(sk, &sk->sk_timer,
				       jiffies + XTCP_TIMEWAIT_LEN);
		if (!xtcp_oow_rate_limited(sk, skb, XTCP_MIB_ACKSKIPPEDSEQ))
			xtcp_send_ack(sk);
		goto drop;
	}
	xs->rcv_tstamp = xtcp_jiffies32();

	/* Second: RST.  Only an exact match resets (RFC 5961 3.2). */
	if (flags & XTCPHDR_RST) {
		if (cb->seq == xs->rcv_nxt)
			xtcp_reset(sk);
		else
			xtcp_send_challenge_ack(sk);
		goto drop;
	}

	/* Fourth: a SYN in a synchronized state (RFC 5961 4). */
	if (flags & XTCPHDR_SYN)
		goto challenge;

	/* Fifth: ACK. */
	if (!(flags & XTCPHDR_ACK))
		goto drop;

	if (sk->sk_state == TCP_SYN_RECV) {
		if (!xtcp_seq_after(ack, xs->snd_una) || xtcp_seq_after(ack, xs->snd_nxt)) {
			xtcp_send_reset_reply(sock_net(sk), sk, skb);
			goto drop;
		}
		xtcp_update_ts_recent(xs, cb);
		/*
		 * The largest window seen is this ACK's, scaled, not the
		 * SYN's: Linux's child is born from this ACK.
		 */
		xs->max_window = 0;
		xtcp_ack(sk, skb, &opts);
		fastopen = xs->fastopen_child;
		xtcp_established(sk);
		if (fastopen) {
			/* In the accept queue or accepted already. */
			if (!sock_flag(sk, SOCK_DEAD))
				sk->sk_state_change(sk);
		} else if (xtcp_parent(xs)) {
			XTCP_INC_STATS(sk, XTCP_MIB_PASSIVEOPENS);
			xtcp_child_ready(sk);
		} else if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
		if (sk->sk_state == TCP_CLOSE)
			goto drop;
	} else {
		switch (xtcp_ack_verdict(ack, xs->snd_una, xs->snd_nxt,
					 xs->max_window, xs->bytes_acked)) {
		case XTCP_ACK_OK:
			xtcp_update_ts_recent(xs, cb);
			xtcp_ack(sk, skb, &opts);
			break;
		case XTCP_ACK_OLD:	/* reordered: its data is still good */
			xtcp_update_ts_recent(xs, cb);
			break;
		case XTCP_ACK_UNSENT:
			/*
			 * Linux drops it in ESTABLISHED
			 * (tcp_rcv_established()) and challenges it in the
			 * closing states (tcp_rcv_state_process()).
			 */
			if (sk->sk_state == TCP_ESTABLISHED)
				goto drop;
			goto challenge;
		case XTCP_ACK_TOO_OLD:	/* RFC 5961 5.2: blind injection? */
			goto challenge;
		}
	}

	/*
	 * Our FIN acknowledged: the state table says what follows, once;
	 * in FIN_WAIT2, TIME_WAIT or CLOSE it says nothing new.
	 */
	next = xtcp_state_on_fin_acked(sk->sk_state);
	if (xtcp_fin_acked(xs) && next != sk->sk_state) {
		switch (next) {
		case TCP_FIN_WAIT2:
			xtcp_set_state(sk, TCP_FIN_WAIT2);
			WRITE_ONCE(sk->sk_shutdown,
				   sk->sk_shutdown | SEND_SHUTDOWN);
			if (sock_flag(sk, SOCK_DEAD))
				xtcp_arm_fin_wait2(sk);
			else
				sk->sk_state_change(sk);
			break;
		case TCP_TIME_WAIT:
			xtcp_enter_time_wait(sk);
			goto drop;
		case TCP_CLOSE:
			xtcp_done(sk);
			goto drop;
		}
	}

	/*
	 * Data for a socket its user has closed for reading cannot be
	 * delivered: reset, as Linux does, the RST answering the segment
	 * (its ACK as our sequence number).
	 */
	if ((sk->sk_shutdown & RCV_SHUTDOWN) &&
	    (sk->sk_state == TCP_FIN_WAIT1 || sk->sk_state == TCP_FIN_WAIT2) &&
	    xtcp_seq_after(xtcp_data_end(skb), xs->rcv_nxt) &&
	    xtcp_data_end(skb) != cb->seq) {
		XTCP_INC_STATS(sk, XTCP_MIB_ABORTONDATA);
		xtcp_send_reset_reply(sock_net(sk), sk, skb);
		xtcp_reset(sk);
		goto drop;
	}

	if (cb->end_seq != cb->seq) {
		if (cb->saw_ts && opts.tsecr && was_established)
			xtcp_rcv_rtt_measure_ts(xs, opts.tsecr,
						cb->end_seq - cb->seq);
		xtcp_data_queue(sk, skb);
		return;
	}
	/*
	 * A pure ACK's echo is the last seen too, as in Linux's
	 * tcp_rcv_established(): data after an idle spell that echoes the
	 * same TSval shows the idle time, not a round trip.  Not the
	 * handshake's last ACK: its echo (our SYN-ACK's) may still time the
	 * first flight, as Linux's child, born with none seen, lets it.
	 */
	if (cb->saw_ts && opts.tsecr && was_established)
		xs->rcv_tsecr_low = opts.tsecr & 7;
	goto drop;
challenge:
	xtcp_send_challenge_ack(sk);
drop:
	kfree_skb(skb);
}

/*
 * Fast Open, the active side: the SYN-ACK to our SYN with the option or
 * data (Linux's tcp_rcv_fastopen_synack()).  Keep its MSS and the cookie
 * it brings for the next connection.  The SYN's data is sent data now,
 * as far as the ACK covers it; the rest goes again after the handshake.
 * Returns whether some of it must go again.
 */
static bool xtcp_fastopen_synack(struct sock *sk, u32 ack,
				 const struct xtcp_opts *opts)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct sk_buff *data = xs->syn_data ? xtcp_send_head(sk) : NULL;
	struct sk_buff *syn = xtcp_rtx_head(sk);
	const struct xtcp_opts none = {};
	struct xtcp_skb_cb *cb;
	u32 end;

	/* A cookie we did not ask for is not kept. */
	xtcp_fastopen_cache_set(sock_net(sk), inet->inet_saddr,
				inet->inet_daddr, opts->mss_ok ? opts->mss : 0,
				xs->syn_fastopen ? opts : &none);
	if (!data || !syn)
		return false;
	cb = XTCP_SKB_CB(data);
	end = cb->end_seq;
	/* Acknowledged in part: the rest becomes an skb of its own. */
	if (xtcp_seq_after(ack, cb->seq) && xtcp_seq_before(ack, end) &&
	    xtcp_fragment(sk, false, data, ack - cb->seq, GFP_ATOMIC))
		ack = cb->seq;	/* no memory: send it all again */
	if (xtcp_seq_after(ack, cb->seq)) {
		cb->retransmitted = XTCP_SKB_CB(syn)->retransmitted;
		xtcp_syn_data_sent(sk, data, XTCP_SKB_CB(syn)->sent_us);
	} else {
		xs->snd_nxt = cb->seq;
	}
	if (xtcp_seq_before(ack, end)) {
		XTCP_INC_STATS(sk, XTCP_MIB_FASTOPENACTIVEFAIL);
		return true;
	}
	xs->syn_data_acked = 1;
	XTCP_INC_STATS(sk, XTCP_MIB_FASTOPENACTIVE);
	return false;
}

/* SYN_SENT (RFC 9293 3.10.7.3). */
static void xtcp_rcv_syn_sent(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_opts opts = {};
	u8 flags = cb->flags;

	if (flags & XTCPHDR_ACK) {
		/* Nothing is acknowledged in SYN_SENT: snd_una is our ISS. */
		if (!xtcp_seq_after(cb->ack_seq, xs->snd_una) ||
		    xtcp_seq_after(cb->ack_seq, xs->snd_nxt)) {
			/*
			 * The peer may hold an old connection, which our RST
			 * ends: send the SYN again soon rather than after a
			 * whole RTO, once.
			 */
			if (!xs->retransmits)
				xtcp_arm_rtx_timer(sk, XTCP_TIMER_RTO,
						   XTCP_TIMEOUT_MIN);
			xtcp_send_reset_reply(sock_net(sk), sk, skb);
			goto drop;
		}
	}
	if (flags & XTCPHDR_RST) {
		if (flags & XTCPHDR_ACK)
			xtcp_reset(sk);
		goto drop;
	}
	if (!(flags & XTCPHDR_SYN))
		goto drop;

	xtcp_parse_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th),
			   true, &opts);
	xtcp_agree_options(sk, &opts);
	xtcp_set_mss(sk, opts.mss_ok ? opts.mss : 0);
	xs->rcv_nxt = cb->seq + 1;
	xs->copied_seq = xs->rcv_nxt;
	xs->rcv_wup = xs->rcv_nxt;
	xs->snd_wl1 = cb->seq;
	xs->rcv_tstamp = xtcp_jiffies32();

	if (flags & XTCPHDR_ACK) {
		bool resend = false;

		if (xs->syn_fastopen || xs->syn_data)
			resend = xtcp_fastopen_synack(sk, cb->ack_seq, &opts);
		xs->ecn_flags = xtcp_ecn_rcv_synack(xs->ecn_flags, flags);
		/* Data on a SYN-ACK is not taken, as Linux does not. */
		xs->snd_wl1 = cb->seq - 1;	/* take the window below */
		xtcp_established(sk);
		xtcp_ack(sk, skb, NULL);
		/* SYN and data went as one segment (Linux's delivered). */
		if (xs->syn_data_acked && xs->delivered > 1)
			xs->delivered--;
		/*
		 * The SYN's data that did not arrive goes now, and its
		 * segment acknowledges the SYN-ACK (as Linux's, no ACK
		 * of its own).
		 */
		if (resend)
			xtcp_write_xmit(sk);
		if (!resend || xs->snd_nxt == XTCP_SKB_CB(skb)->ack_seq)
			xtcp_send_ack(sk);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
		goto drop;
	}

	/* Simultaneous open: our SYN becomes a SYN-ACK, sent again now. */
	xs->ecn_flags = xtcp_ecn_rcv_syn(xs->ecn_flags, flags);
	xs->snd_wnd = cb->window;
	xs->max_window = xs->snd_wnd;
	xtcp_set_state(sk, TCP_SYN_RECV);
	xtcp_resend_syn(sk);
drop:
	kfree_skb(skb);
}

/* A child made for nothing, never hashed: it goes at once. */
static void xtcp_child_discard(struct sock *child)
{
	xtcp_free_write_queue(child);
	inet_sk_set_state(child, TCP_CLOSE);
	sk_free(child);
}

/*
 * The listener's socket filter passes to the child, charged to the
 * child's option memory as SO_ATTACH_FILTER charges it (Linux's
 * sk_clone_lock(); its sk_filter_charge() is not for modules).  The
 * socket's destructor uncharges and releases it, whoever attached it.
 * Returns false if the child cannot take it: then, as in Linux, there
 * is no child.
 */
static bool xtcp_inherit_filter(struct sock *child, struct sock *parent)
{
	int optmem_max = xtcp_optmem_max(sock_net(child));
	struct sk_filter *fp;
	bool ok = true;
	u32 size;

	rcu_read_lock();
	fp = rcu_dereference(parent->sk_filter);
	if (fp) {
		size = bpf_prog_size(fp->prog->len);
		ok = size <= optmem_max &&
		     atomic_read(&child->sk_omem_alloc) + size < optmem_max &&
		     refcount_inc_not_zero(&fp->refcnt);
		if (ok) {
			atomic_add(size, &child->sk_omem_alloc);
			rcu_assign_pointer(child->sk_filter, fp);
		}
	}
	rcu_read_unlock();
	return ok;
}

/*
 * The SOL_SOCKET flags a listener passes on.  Left out: those of receive
 * timestamps, which XTCP does not deliver (and whose static key each
 * socket that has them holds), and SO_ZEROCOPY, which it does not take.
 */
static const enum sock_flags xtcp_inherited_flags[] = {
	SOCK_LINGER, SOCK_KEEPOPEN, SOCK_URGINLINE, SOCK_LOCALROUTE,
	SOCK_BROADCAST, SOCK_DBG, SOCK_RXQ_OVFL, SOCK_SELECT_ERR_QUEUE,
	SOCK_WIFI_STATUS, SOCK_NOFCS, SOCK_FILTER_LOCKED, SOCK_RCVMARK,
};

/*
 * A new socket for a passive open that inherits its listener's settings:
 * its socket options and the TCP options the user set (Linux's
 * inet_csk_clone_lock(), which copies the listener whole).
 */
static struct sock *xtcp_clone_listener(struct sock *parent)
{
	struct xtcp_sock *pxs = xtcp_sk(parent), *xs;
	struct inet_sock *inet;
	struct sock *child;
	unsigned int i;

	child = sk_alloc(sock_net(parent), PF_XTCP, GFP_ATOMIC, &xtcp_prot, 0);
	if (!child)
		return NULL;
	sock_init_data_uid(NULL, child, parent->sk_uid);
	xtcp_init_sock(child);
	sock_set_flag(child, SOCK_DEAD);	/* no user until accept() */
	xs = xtcp_sk(child);
	inet = inet_sk(child);

	child->sk_type = parent->sk_type;
	child->sk_rcvbuf = parent->sk_rcvbuf;
	child->sk_sndbuf = parent->sk_sndbuf;
	child->sk_userlocks = parent->sk_userlocks;
	child->sk_reuse = parent->sk_reuse;
	child->sk_bound_dev_if = parent->sk_bound_dev_if;
	child->sk_mark = parent->sk_mark;
	child->sk_priority = parent->sk_priority;
	child->sk_rcvtimeo = parent->sk_rcvtimeo;
	child->sk_sndtimeo = parent->sk_sndtimeo;
	child->sk_rcvlowat = parent->sk_rcvlowat;
	child->sk_lingertime = parent->sk_lingertime;
	for (i = 0; i < ARRAY_SIZE(xtcp_inherited_flags); i++)
		if (sock_flag(parent, xtcp_inherited_flags[i]))
			sock_set_flag(child, xtcp_inherited_flags[i]);
	child->sk_max_pacing_rate = READ_ONCE(parent->sk_max_pacing_rate);
	/* SO_MAX_PACING_RATE asked for pacing, or fq gives it. */
	child->sk_pacing_status = READ_ONCE(parent->sk_pacing_status);
	child->sk_txrehash = READ_ONCE(parent->sk_txrehash);
#ifdef CONFIG_NET_RX_BUSY_POLL
	child->sk_ll_usec = READ_ONCE(parent->sk_ll_usec);
	child->sk_prefer_busy_poll = READ_ONCE(parent->sk_prefer_busy_poll);
	child->sk_busy_poll_budget = READ_ONCE(parent->sk_busy_poll_budget);
#endif
	inet->uc_ttl = inet_sk(parent)->uc_ttl;
	inet->tos = inet_sk(parent)->tos;
	inet->pmtudisc = inet_sk(parent)->pmtudisc;
	inet->min_ttl = READ_ONCE(inet_sk(parent)->min_ttl);
	xtcp_inet_flags_copy(child, parent);
	xs->nonagle = pxs->nonagle;
	xs->corked = pxs->corked;
	xs->user_mss = pxs->user_mss;
	xs->keepalive_time = pxs->keepalive_time;
	xs->keepalive_intvl = pxs->keepalive_intvl;
	xs->keepalive_probes = pxs->keepalive_probes;
	xs->user_timeout = pxs->user_timeout;
	xs->notsent_lowat = READ_ONCE(pxs->notsent_lowat);
	xs->recvmsg_inq = pxs->recvmsg_inq;
	xs->fastopen_connect = pxs->fastopen_connect;
	xs->fastopen_no_cookie = pxs->fastopen_no_cookie;
	xtcp_cong_set_ops(child, xtcp_ca_ops(pxs));
	if (!xtcp_inherit_filter(child, parent)) {
		xtcp_child_discard(child);
		return NULL;
	}
	return child;
}

/*
 * A connection a SYN cookie stands for (xtcp_syncookie.h): our ISN (the
 * cookie), the peer's, and whether ECN was agreed.
 */
struct xtcp_cookie_syn {
	u32	iss;
	u32	irs;
	bool	ecn_ok;
};

/*
 * What a SYN sets up in the child that answers it: the four-tuple and
 * its route, the options both sides agree on (@opts), the MSS, the
 * sequence numbers both ways, and the SYN-ACK on the write queue
 * (Linux's tcp_v4_syn_recv_sock() and tcp_create_openreq_child()).
 * With @ck, for the connection a SYN cookie stands for, @skb being the
 * ACK that returned the cookie.
 */
static int xtcp_init_passive_open(struct sock *parent, struct sock *child,
				  struct sk_buff *skb,
				  const struct xtcp_opts *opts,
				  const struct xtcp_cookie_syn *ck)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct inet_sock *inet = inet_sk(child);
	struct xtcp_sock *xs = xtcp_sk(child);
	struct net *net = sock_net(child);
	union tcp_seq_and_ts_off isn;
	struct rtable *rt;

	inet->inet_rcv_saddr = iph->daddr;
	inet->inet_saddr = iph->daddr;
	inet->inet_daddr = iph->saddr;
	inet->inet_dport = th->source;
	inet->inet_sport = th->dest;
	inet->inet_num = ntohs(th->dest);
	if (xtcp_md5_inherit(parent, child))
		return -ENOMEM;
	/* The SYN, which the listener counted, as Linux's child counts it. */
	xs->segs_in = 1;

	/* ip_queue_xmit() takes the addresses from the cached flow. */
	rt = ip_route_output_ports(net, &inet->cork.fl.u.ip4, child,
				   iph->saddr, iph->daddr,
				   th->source, th->dest, IPPROTO_XTCP,
				   inet->tos & IPTOS_TOS_MASK,
				   child->sk_bound_dev_if);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	child->sk_gso_type = SKB_GSO_TCPV4;
	sk_setup_caps(child, &rt->dst);
	xtcp_set_gso(child, &rt->dst);

	xtcp_offer_options(child);
	xtcp_agree_options(child, opts);
	/* Signed, with SACK: no room for timestamps (tcp_synack_options()). */
	if (xs->md5 && xs->sack_ok)
		xs->ts_ok = 0;
	xtcp_set_mss(child, opts->mss_ok ? opts->mss : 0);
	xs->rcv_tstamp = xtcp_jiffies32();
	xs->rcv_nxt = (ck ? ck->irs : cb->seq) + 1;
	xs->copied_seq = xs->rcv_nxt;
	xs->rcv_wup = xs->rcv_nxt;
	xs->snd_wnd = cb->window;
	xs->max_window = xs->snd_wnd;
	xs->snd_wl1 = xs->rcv_nxt - 1;
	isn = secure_tcp_seq_and_ts_off(net, iph->daddr, iph->saddr,
					th->dest, th->source);
	xs->ts_off = isn.ts_off;
	/* ECN: agreed if the SYN asks and we may; the SYN-ACK says ECE. */
	if (ck ? ck->ecn_ok :
	    xtcp_ecn_syn_acceptable(cb->flags, cb->ip_dsfield,
				    XTCP_SYSCTL(child, ecn)))
		xs->ecn_flags = XTCP_ECN_OK;
	return xtcp_queue_syn(child, XTCPHDR_SYN | XTCPHDR_ACK |
			      (xs->ecn_flags ? XTCPHDR_ECE : 0),
			      ck ? ck->iss : cb->tw_iss ? : isn.seq);
}

/*
 * Fast Open, passive: the listener's verdict on a SYN (xtcp_fastopen.h),
 * its counters, and in *fo the cookie the SYN-ACK is to carry.
 */
static enum xtcp_tfo_verdict xtcp_fastopen_verdict(struct sock *parent,
						   struct sk_buff *skb,
						   const struct xtcp_opts *opts,
						   struct xtcp_opts *fo)
{
	struct xtcp_accept_queue *q = xtcp_acceptq(xtcp_sk(parent));
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct net *net = sock_net(parent);
	struct xtcp_tfo_syn syn = {
		.sysctl = XTCP_SYSCTL(parent, fastopen),
		.max_qlen = READ_ONCE(q->fastopen_max_qlen),
		.qlen = READ_ONCE(q->fastopen_qlen),
		.no_cookie = xtcp_sk(parent)->fastopen_no_cookie,
		.syn_data = cb->end_seq != cb->seq + 1,
		.fo_ok = opts->fo_ok,
		.fo_len = opts->fo_len,
	};
	struct xtcp_tfo_events ev;
	enum xtcp_tfo_verdict v;

	/* Hashed only for a SYN that may be let in (the queue first). */
	if (opts->fo_len && syn.max_qlen && syn.qlen < syn.max_qlen)
		syn.cookie_valid = xtcp_fastopen_cookie_valid(net, iph->saddr,
							      iph->daddr, opts);
	v = xtcp_tfo_passive(&syn, &ev);

	if (ev.cookie_reqd)
		XTCP_INC_STATS(parent, XTCP_MIB_FASTOPENCOOKIEREQD);
	if (ev.overflow)
		XTCP_INC_STATS(parent, XTCP_MIB_FASTOPENLISTENOVERFLOW);
	if (ev.passive_fail)
		XTCP_INC_STATS(parent, XTCP_MIB_FASTOPENPASSIVEFAIL);
	if (v == XTCP_TFO_COOKIE) {
		xtcp_fastopen_cookie_make(net, iph->saddr, iph->daddr, fo);
		fo->fo_exp = opts->fo_exp;	/* answered in its form */
	}
	return v;
}

/*
 * Fast Open, passive: the child takes the SYN's data (not a FIN with it:
 * the peer sends that again), and the SYN-ACK acknowledges it (Linux's
 * tcp_fastopen_add_skb()).  Returned, to be queued once the SYN-ACK is
 * sent: its window is the one a SYN without data would get, as Linux's.
 */
static struct sk_buff *xtcp_fastopen_take_data(struct sock *child,
					       struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(child);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 hdr = tcp_hdr(skb)->doff * 4;
	struct sk_buff *data;

	if (skb->len <= hdr)
		return NULL;
	data = skb_clone(skb, GFP_ATOMIC);
	if (!data)
		return NULL;	/* the SYN-ACK then takes only the SYN */
	skb_dst_drop(data);
	secpath_reset(data);
	__skb_pull(data, hdr);
	XTCP_SKB_CB(data)->seq = cb->seq + 1;
	XTCP_SKB_CB(data)->end_seq = cb->seq + 1 + data->len;
	XTCP_SKB_CB(data)->flags &= ~(XTCPHDR_SYN | XTCPHDR_FIN);
	xs->rcv_nxt = XTCP_SKB_CB(data)->end_seq;
	xs->rcv_wup = xs->rcv_nxt;
	xs->bytes_received = data->len;
	xs->syn_data_acked = 1;
	return data;
}

/*
 * A new child joins its listener in SYN_RECV: it holds the listener,
 * takes a place in its queue of half-open connections, and is hashed so
 * that the peer's segments find it.  It is locked before it is visible,
 * so its ACK waits for what the caller does next; the caller unlocks it.
 * The listener holds its own lock at the nested subclass
 * (xtcp_v4_rcv()); the child takes the plain one, as Linux's
 * tcp_child_process() does, so lockdep sees two different locks.
 */
static void xtcp_child_attach(struct sock *parent, struct sock *child)
	__acquires(&child->sk_lock.slock)
{
	struct xtcp_accept_queue *q = xtcp_acceptq(xtcp_sk(parent));
	struct xtcp_sock *xs = xtcp_sk(child);

	inet_sk_set_state(child, TCP_SYN_RECV);
	xs->parent = parent;
	sock_hold(parent);
	spin_lock(&q->lock);
	q->syn_pending++;
	xs->parent_gen = q->gen;
	spin_unlock(&q->lock);
	bh_lock_sock(child);
	xtcp_child_hash(parent, child);
}

/*
 * The queue is full (or net.xtcp.syncookies is 2): answer the SYN with a
 * cookie, keeping nothing (Linux's tcp_conn_request() with want_cookie).
 * Without timestamps only the MSS can come back, so nothing else is
 * offered; with them, the options agreed travel in the TSval.
 */
static void xtcp_cookie_synack(struct sock *parent, struct sk_buff *skb)
{
	struct xtcp_accept_queue *q = xtcp_acceptq(xtcp_sk(parent));
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct xtcp_cookie_opts co = {};
	struct xtcp_opts syn, o = {};
	u32 iss, now, sent;
	u16 mss;

	xtcp_parse_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th),
			   true, &syn);
	mss = syn.mss_ok ? syn.mss : XTCP_MSS_DEFAULT;
	if (xtcp_sk(parent)->user_mss)
		mss = min(mss, xtcp_sk(parent)->user_mss);
	iss = __cookie_v4_init_sequence(iph, th, &mss);
	if (syn.ts_ok && XTCP_SYSCTL(parent, timestamps)) {
		union tcp_seq_and_ts_off isn;

		isn = secure_tcp_seq_and_ts_off(sock_net(parent), iph->daddr,
						iph->saddr, th->dest,
						th->source);
		co.wscale_ok = syn.wscale_ok &&
			       XTCP_SYSCTL(parent, window_scaling);
		co.wscale = co.wscale_ok ? syn.wscale : 0;
		co.sack_ok = syn.sack_ok && XTCP_SYSCTL(parent, sack);
		co.ecn_ok = xtcp_ecn_syn_acceptable(cb->flags, cb->ip_dsfield,
						    XTCP_SYSCTL(parent, ecn));
		o.ts_ok = true;
		o.tsval = xtcp_cookie_tsval(xtcp_clock_ms(), &co) + isn.ts_off;
		o.tsecr = syn.tsval;
		o.wscale_ok = co.wscale_ok;
		o.wscale = co.wscale_ok ? xtcp_rcv_wscale_for(parent) : 0;
		o.sack_ok = co.sack_ok;
	}
	/*
	 * The ACK of a cookie is looked at for two minutes after; noted at
	 * most once a second, as the line is the queue's lock's.
	 */
	now = xtcp_jiffies32() | 1;
	sent = READ_ONCE(q->cookie_sent);
	if (!sent || now - sent > HZ)
		WRITE_ONCE(q->cookie_sent, now);
	XTCP_INC_STATS(parent, XTCP_MIB_SYNCOOKIESSENT);
	xtcp_v4_send_cookie_synack(parent, skb, &o, iss, co.ecn_ok);
}

/*
 * An ACK for a listener may return a SYN cookie (Linux's
 * cookie_v4_check()): within two minutes of the last one sent, if the
 * cookie is ours and fresh, the connection is made from the ACK as it
 * would have been from the SYN, with what the echoed timestamp carries,
 * and the ACK completes it.  Returns true if it took the segment; false
 * if the listener is to answer it with a RST.
 */
static bool xtcp_cookie_ack(struct sock *parent, struct sk_buff *skb)
{
	struct xtcp_accept_queue *q = xtcp_acceptq(xtcp_sk(parent));
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct net *net = sock_net(parent);
	struct xtcp_cookie_opts co = {};
	struct xtcp_opts ack, syn = {};
	struct xtcp_cookie_syn ck;
	u32 sent = READ_ONCE(q->cookie_sent);
	u32 age = xtcp_jiffies32() - sent;
	struct sock *child;
	int mss;

	/* @sent may be a tick ahead (its low bit says one was sent). */
	if (!XTCP_SYSCTL(parent, syncookies) || !sent ||
	    (age > XTCP_COOKIE_VALID && -age > 1))
		return false;
	mss = xtcp_cookie_v4_check(iph, th);
	if (!mss) {
		XTCP_INC_STATS(parent, XTCP_MIB_SYNCOOKIESFAILED);
		return false;
	}
	XTCP_INC_STATS(parent, XTCP_MIB_SYNCOOKIESRECV);
	xtcp_parse_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th),
			   false, &ack);
	/* Timestamps turned off since: read as none, as Linux does. */
	if (ack.ts_ok && XTCP_SYSCTL(parent, timestamps)) {
		union tcp_seq_and_ts_off isn;

		isn = secure_tcp_seq_and_ts_off(net, iph->daddr, iph->saddr,
						th->dest, th->source);
		if (!xtcp_cookie_ts_decode(ack.tsecr - isn.ts_off,
					   XTCP_SYSCTL(parent, sack),
					   XTCP_SYSCTL(parent, window_scaling),
					   &co))
			return false;
		syn.ts_ok = true;
		syn.tsval = ack.tsval;
	}
	/* A segment the backlog kept after the one that made the child. */
	child = xtcp_lookup_established(net, iph->saddr, th->source,
					iph->daddr, th->dest, inet_iif(skb));
	if (child) {
		sock_put(child);
		goto drop;
	}
	if (sk_acceptq_is_full(parent)) {
		XTCP_INC_STATS(parent, XTCP_MIB_LISTENOVERFLOWS);
		XTCP_INC_STATS(parent, XTCP_MIB_LISTENDROPS);
		goto drop;
	}
	syn.mss_ok = true;
	syn.mss = mss;
	syn.wscale_ok = co.wscale_ok;
	syn.wscale = co.wscale;
	syn.sack_ok = co.sack_ok;
	ck.iss = ntohl(th->ack_seq) - 1;
	ck.irs = cb->seq - 1;
	ck.ecn_ok = co.ecn_ok && XTCP_SYSCTL(parent, ecn);
	child = xtcp_clone_listener(parent);
	if (!child)
		goto drop;
	if (xtcp_init_passive_open(parent, child, skb, &syn, &ck)) {
		xtcp_child_discard(child);
		goto drop;
	}
	xtcp_cookie_synack_sent(child);
	xtcp_child_attach(parent, child);
	/* Should the ACK not complete it, the SYN-ACK timer ends it. */
	xtcp_schedule_rtx(child);
	xtcp_rcv(child, skb);
	bh_unlock_sock(child);
	sock_put(child);	/* the hash table and the timer keep it */
	return true;
drop:
	kfree_skb(skb);
	return true;
}

/* A SYN for a listener: make a child in SYN_RECV and answer SYN-ACK. */
static void xtcp_create_child(struct sock *parent, struct sk_buff *skb)
{
	struct xtcp_accept_queue *q = xtcp_acceptq(xtcp_sk(parent));
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_opts opts, fo = {};
	struct sk_buff *data = NULL;
	enum xtcp_tfo_verdict tfo;
	struct xtcp_sock *xs;
	struct sock *child;

	xtcp_parse_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th),
			   true, &opts);
	tfo = xtcp_fastopen_verdict(parent, skb, &opts, &fo);
	child = xtcp_clone_listener(parent);
	if (!child)
		return;
	if (xtcp_init_passive_open(parent, child, skb, &opts, NULL)) {
		xtcp_child_discard(child);
		return;
	}
	if (tfo == XTCP_TFO_ACCEPT)
		data = xtcp_fastopen_take_data(child, skb);

	xs = xtcp_sk(child);
	/* Locked before it is visible, so its ACK waits for the SYN-ACK. */
	xtcp_child_attach(parent, child);
	xtcp_send_syn(child, &fo, NULL);
	if (data)
		xtcp_queue_rcv(child, data);
	if (tfo == XTCP_TFO_ACCEPT) {
		/* Accepted now: the user may read and answer at once. */
		xs->fastopen_child = 1;
		spin_lock(&q->lock);
		q->fastopen_qlen++;
		spin_unlock(&q->lock);
		XTCP_INC_STATS(child, XTCP_MIB_PASSIVEOPENS);
		XTCP_INC_STATS(child, XTCP_MIB_FASTOPENPASSIVE);
		xtcp_child_ready(child);
	}
	bh_unlock_sock(child);
	sock_put(child);	/* the hash table and the timer keep it */
}

/*
 * net.xtcp.syncookies at work (Linux's tcp_syn_flood_action()): counted,
 * and said once per listener in the kernel's log, unless cookies are
 * always on.
 */
static void xtcp_syn_flood_action(struct sock *sk, enum xtcp_syn_verdict v)
{
	struct xtcp_accept_queue *q = xtcp_acceptq(xtcp_sk(sk));
	int syncookies = XTCP_SYSCTL(sk, syncookies);

	XTCP_INC_STATS(sk, v == XTCP_SYN_COOKIE ? XTCP_MIB_REQQFULLDOCOOKIES :
						  XTCP_MIB_REQQFULLDROP);
	if (syncookies != 2 && !READ_ONCE(q->synflood_warned)) {
		WRITE_ONCE(q->synflood_warned, true);
		net_info_ratelimited("xtcp: Possible SYN flooding on port %pI4:%u. %s.  Check SNMP counters.\n",
				     &inet_sk(sk)->inet_rcv_saddr,
				     inet_sk(sk)->inet_num,
				     v == XTCP_SYN_COOKIE ? "Sending cookies" :
							    "Dropping request");
	}
}

/*
 * What a listener does with the SYN @skb (xtcp_syn_verdict()).  A SYN
 * that ended a TIME_WAIT is queued, bypassing both the bound and
 * cookies, as Linux's does; a peer the listener has a TCP_MD5SIG key
 * for gets no cookie, as a signed SYN-ACK needs the socket's key.
 */
static enum xtcp_syn_verdict xtcp_listen_verdict(struct sock *sk,
						 const struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	enum xtcp_syn_verdict v;

	if (XTCP_SKB_CB(skb)->tw_iss)
		return XTCP_SYN_QUEUE;
	v = xtcp_syn_verdict(XTCP_SYSCTL(sk, syncookies),
			     READ_ONCE(xtcp_acceptq(xs)->syn_pending),
			     READ_ONCE(sk->sk_max_ack_backlog));
	if (v == XTCP_SYN_COOKIE && xs->md5 &&
	    xtcp_md5_key_for(sk, ip_hdr(skb)->saddr))
		return XTCP_SYN_DROP;
	return v;
}

/*
 * A SYN that a listener answers with a cookie changes nothing of the
 * listener, so it is answered without the listener's lock, as Linux
 * answers every SYN: a flood of them then neither holds the lock nor
 * waits in the backlog while a process has the listener (accept()),
 * where the SYNs and ACKs of real clients would wait behind it.
 * Returns true if it took @skb; else the SYN goes the usual way.
 */
bool xtcp_listen_cookie(struct sock *sk, struct sk_buff *skb)
{
	u8 flags = XTCP_SKB_CB(skb)->flags;

	if ((flags & (XTCPHDR_SYN | XTCPHDR_ACK | XTCPHDR_RST |
		      XTCPHDR_FIN)) != XTCPHDR_SYN ||
	    xtcp_listen_verdict(sk, skb) != XTCP_SYN_COOKIE ||
	    sk_acceptq_is_full(sk))
		return false;
	xtcp_syn_flood_action(sk, XTCP_SYN_COOKIE);
	xtcp_cookie_synack(sk, skb);
	consume_skb(skb);
	return true;
}

/* LISTEN (RFC 9293 3.10.7.2). */
static void xtcp_rcv_listen(struct sock *sk, struct sk_buff *skb)
{
	u8 flags = XTCP_SKB_CB(skb)->flags;
	enum xtcp_syn_verdict v;

	if (flags & XTCPHDR_RST)
		goto drop;
	if (flags & XTCPHDR_ACK) {
		if (!(flags & XTCPHDR_SYN) && xtcp_cookie_ack(sk, skb))
			return;
		xtcp_send_reset_reply(sock_net(sk), sk, skb);
		goto drop;
	}
	/* SYN|FIN opens nothing (Linux's tcp_rcv_state_process()). */
	if (!(flags & XTCPHDR_SYN) || (flags & XTCPHDR_FIN))
		goto drop;
	/*
	 * More half-open connections than the backlog: a SYN cookie, or a
	 * drop with cookies off.
	 */
	v = xtcp_listen_verdict(sk, skb);
	if (v != XTCP_SYN_QUEUE)
		xtcp_syn_flood_action(sk, v);
	if (v == XTCP_SYN_DROP) {
		XTCP_INC_STATS(sk, XTCP_MIB_LISTENDROPS);
		goto drop;
	}
	/* As Linux: a full accept queue drops the SYN; the peer retries. */
	if (sk_acceptq_is_full(sk)) {
		XTCP_INC_STATS(sk, XTCP_MIB_LISTENOVERFLOWS);
		XTCP_INC_STATS(sk, XTCP_MIB_LISTENDROPS);
		goto drop;
	}
	if (v == XTCP_SYN_COOKIE)
		xtcp_cookie_synack(sk, skb);
	else
		xtcp_create_child(sk, skb);
drop:
	kfree_skb(skb);
}

int xtcp_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u16 segs = max_t(u16, 1, skb_shinfo(skb)->gso_segs);

	sock_owned_by_me(sk);
	/* A GRO or backlog merge counts the segments it holds. */
	xs->segs_in += segs;
	if (skb->len > tcp_hdr(skb)->doff * 4)
		xs->data_segs_in += segs;
	switch (sk->sk_state) {
	case TCP_LISTEN:
		xtcp_rcv_listen(sk, skb);
		break;
	case TCP_SYN_SENT:
		xtcp_rcv_syn_sent(sk, skb);
		break;
	case TCP_CLOSE:
		/* Lost a race with close: answer as if there were no socket. */
		xtcp_send_reset_reply(sock_net(sk), sk, skb);
		kfree_skb(skb);
		break;
	default:
		xtcp_rcv_synchronized(sk, skb);
	}
	/* What the ACK freed and the data did not take goes back now. */
	sk_mem_reclaim(sk);
	return 0;
}
