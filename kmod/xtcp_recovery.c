// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP loss recovery: what the peer's SACK blocks say it holds (the
 * scoreboard, RFC 6675), which segments are lost (RACK, RFC 8985), how
 * fast recovery sends (PRR, RFC 6937) and when it ends, the retransmission
 * timeout's loss state, the tail loss probe (RFC 8985 7), and undoing a
 * reduction that proves needless (D-SACK, Eifel, F-RTO: xtcp_undo.h).
 * Linux has this in tcp_input.c (tcp_sacktag_write_queue(),
 * tcp_fastretrans_alert(), tcp_enter_loss(), the undo procedures),
 * tcp_recovery.c (RACK) and tcp_output.c (TLP).
 */
#include <linux/list_sort.h>

#include "xtcp.h"
#include "xtcp_trace.h"

/* ---------------------------------------------------------------- undo */

/*
 * Retransmissions are out, or the head went more than once (Linux's
 * tcp_any_retrans_done()): the episode's stamp must stay.
 */
bool xtcp_any_retrans_done(const struct sock *sk)
{
	const struct sk_buff *head = xtcp_rtx_head(sk);

	return xtcp_sk(sk)->retrans_out ||
	       (head && XTCP_SKB_CB(head)->retransmitted);
}

/* A reduction for a loss begins (Linux's tcp_init_undo()). */
static void xtcp_init_undo(struct xtcp_sock *xs)
{
	xs->undo_marker = xs->snd_una;
	xs->undo_retrans = xtcp_undo_retrans_init(xs->retrans_out);
}

/* The ACK in hand shows an original arrived, not our retransmission. */
static bool xtcp_packet_delayed(const struct xtcp_sock *xs,
				const struct xtcp_opts *opts)
{
	bool ts = xs->ts_ok && opts && opts->ts_ok;

	return xtcp_undo_packet_delayed(xs->retrans_stamp, ts,
					ts ? opts->tsecr : 0, xs->sack_ok,
					!xtcp_seq_before(xs->snd_una,
							 xs->recover));
}

static bool xtcp_may_undo_now(const struct xtcp_sock *xs,
			      const struct xtcp_opts *opts)
{
	return xtcp_may_undo(xs->undo_marker, xs->undo_retrans,
			     xtcp_packet_delayed(xs, opts));
}

/*
 * A D-SACK block (RFC 2883) reports data received twice: if it is data
 * of the current episode that we retransmitted, one retransmission fewer
 * was needed (Linux's tcp_check_dsack() and tcp_sacktag_one()).  Data
 * below SND.UNA is gone from the queue and is counted as Linux does,
 * without asking whether it went twice; data above must have.
 */
static void xtcp_dsack_undo_count(struct sock *sk,
				  const struct xtcp_sack_block *d)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 len = d->end - d->start;
	struct sk_buff *skb;

	if (!xs->undo_marker || !xtcp_seq_before(d->start, d->end) ||
	    len > xs->max_window || !xtcp_seq_after(d->end, xs->undo_marker))
		return;
	if (xtcp_seq_after(d->end, xs->snd_una)) {
		skb = xtcp_rtx_find(sk, d->start);
		if (!skb || !XTCP_SKB_CB(skb)->retransmitted)
			return;
	}
	xs->undo_retrans = xtcp_undo_retrans_dsacked(xs->undo_retrans,
						     DIV_ROUND_UP(len,
								  xtcp_mss(xs)));
}

/* RACK's list is in send order (xtcp_rack_detect_loss()). */
static int xtcp_tsorted_cmp(void *priv, const struct list_head *a,
			    const struct list_head *b)
{
	const struct xtcp_skb_cb *x = list_entry(a, struct xtcp_skb_cb, tsorted);
	const struct xtcp_skb_cb *y = list_entry(b, struct xtcp_skb_cb, tsorted);

	return xtcp_rack_sent_after(x->sent_us, x->end_seq, y->sent_us,
				    y->end_seq);
}

/*
 * What was marked lost and not yet resent was not lost: it goes back in
 * flight and to RACK's list.  Retransmissions in flight stay as they are.
 */
static void xtcp_unmark_lost(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;
	bool moved = false;

	skb_rbtree_walk(skb, &sk->tcp_rtx_queue) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (!cb->lost || cb->retrans)
			continue;
		cb->lost = 0;
		xs->lost_out -= xtcp_skb_pcount(skb);
		list_add_tail(&cb->tsorted, &xs->tsorted_sent);
		moved = true;
	}
	/* Rare, and bounded by the queue: a sort, not a walk per segment. */
	if (moved)
		list_sort(NULL, &xs->tsorted_sent, xtcp_tsorted_cmp);
	xs->retransmit_hint = NULL;
}

/*
 * The reduction was needless: the window and ssthresh go back (Linux's
 * tcp_undo_cwnd_reduction()), and the episode is over.
 */
static void xtcp_undo_cwnd_reduction(struct sock *sk, bool unmark_loss)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (unmark_loss)
		xtcp_unmark_lost(sk);
	if (xtcp_undo_window(&xs->cong.cwnd, &xs->cong.ssthresh,
			     xs->prior_cwnd, xs->prior_ssthresh))
		xs->ecn_flags &= ~XTCP_ECN_QUEUE_CWR;
	xs->undo_marker = 0;
}

/*
 * Recovery or the loss state ends: undo if every retransmission was a
 * duplicate or the ACK shows an original filled the hole (Linux's
 * tcp_try_undo_recovery()).
 */
static bool xtcp_try_undo_recovery(struct sock *sk,
				   const struct xtcp_opts *opts)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xtcp_may_undo_now(xs, opts)) {
		xtcp_rack_reo_recovered(&xs->reo, false);
		return false;
	}
	xtcp_undo_cwnd_reduction(sk, false);
	XTCP_INC_STATS(sk, xs->ca_state == XTCP_CA_LOSS ? XTCP_MIB_LOSSUNDO :
							   XTCP_MIB_FULLUNDO);
	xs->ca_state = XTCP_CA_OPEN;
	return true;
}

/*
 * A partial ACK in recovery whose echo predates our first retransmission
 * (Eifel): the hole was filled by a delayed original, so the path
 * reorders.  With retransmissions still out nothing more is resent; with
 * none, the reduction is undone (Linux's tcp_try_undo_partial()).
 * Returns true if the ACK needs nothing more from recovery.
 */
static bool xtcp_try_undo_partial(struct sock *sk,
				  const struct xtcp_opts *opts)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->undo_marker || !xtcp_packet_delayed(xs, opts))
		return false;
	xs->reord_seen = 1;
	if (xs->retrans_out)
		return true;
	xtcp_undo_cwnd_reduction(sk, true);
	XTCP_INC_STATS(sk, XTCP_MIB_PARTIALUNDO);
	xs->ca_state = XTCP_CA_OPEN;
	return true;
}

/*
 * Every retransmission of the episode was reported a duplicate (Linux's
 * tcp_try_undo_dsack()); in recovery, or after it ended.
 */
bool xtcp_try_undo_dsack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->undo_marker || xs->undo_retrans)
		return false;
	xtcp_rack_reo_recovered(&xs->reo, true);
	xtcp_undo_cwnd_reduction(sk, false);
	XTCP_INC_STATS(sk, XTCP_MIB_DSACKUNDO);
	return true;
}

/*
 * Undo after a timeout (Linux's tcp_try_undo_loss()): by the evidence
 * above, or by F-RTO's (@frto_undo).  A SACK sender, or F-RTO, leaves the
 * loss state at once; a NewReno one when all that was out is
 * acknowledged.
 */
static bool xtcp_try_undo_loss(struct sock *sk, bool frto_undo,
			       const struct xtcp_opts *opts)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!frto_undo && !xtcp_may_undo_now(xs, opts))
		return false;
	xtcp_undo_cwnd_reduction(sk, true);
	XTCP_INC_STATS(sk, XTCP_MIB_LOSSUNDO);
	if (frto_undo)
		XTCP_INC_STATS(sk, XTCP_MIB_SPURIOUSRTOS);
	xs->retransmits = 0;
	if (frto_undo || xs->sack_ok)
		xs->ca_state = XTCP_CA_OPEN;
	return true;
}

/*
 * One ACK in the loss state (Linux's tcp_process_loss()): undo if the
 * timeout proves spurious, F-RTO's steps (RFC 5682 3.1), and the end of
 * the state once all that was out at the timeout is acknowledged.
 * @sacked: it SACKed new data; @orig_acked: see struct xtcp_rate_sample.
 */
void xtcp_loss_ack(struct sock *sk, bool advanced, bool dupack, bool sacked,
		   bool orig_acked, const struct xtcp_opts *opts)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool recovered = !xtcp_seq_before(xs->snd_una, xs->recover);

	if (advanced && xtcp_try_undo_loss(sk, false, opts))
		return;
	if (xs->frto) {
		struct sk_buff *next = xtcp_send_head(sk);
		bool can_send_new = next &&
			xtcp_seq_after(xs->snd_una + xs->snd_wnd, xs->snd_nxt);

		switch (xtcp_frto_ack(orig_acked,
				      xtcp_seq_after(xs->snd_nxt, xs->recover),
				      sacked || dupack, advanced, recovered,
				      can_send_new)) {
		case XTCP_FRTO_UNDO:
			xtcp_try_undo_loss(sk, true, opts);
			return;
		case XTCP_FRTO_SEND_NEW:
			xs->frto_new = 1;	/* xtcp_write_xmit() */
			return;
		case XTCP_FRTO_LOSS:
			xs->frto = 0;
			break;
		case XTCP_FRTO_WAIT:
			break;
		}
	}
	if (recovered && !xtcp_try_undo_recovery(sk, opts))
		xs->ca_state = XTCP_CA_OPEN;
}

/* ---------------------------------------------------------------- loss */

/*
 * The peer got a segment, sent once, after segments above it that it
 * SACKed: the network reorders (Linux's tcp_check_sack_reordering()).
 */
static void xtcp_check_reordering(struct xtcp_sock *xs,
				  const struct xtcp_skb_cb *cb)
{
	if (!cb->retransmitted && xtcp_seq_after(xs->sack_high, cb->end_seq))
		xs->reord_seen = 1;
}

/*
 * RACK (RFC 8985 6.2): the peer has this segment; if it was sent after
 * the one RACK knows, it becomes the reference.  A retransmitted segment
 * acknowledged sooner than any round trip could take was acknowledged
 * for its first transmission, which says nothing about when it was sent.
 */
static void xtcp_rack_update(struct xtcp_sock *xs,
			     const struct xtcp_skb_cb *cb, u32 now)
{
	u32 rtt = now - cb->sent_us;

	if (cb->retransmitted && rtt < xs->rtt.min_rtt_us)
		return;
	if (xs->rack_sent_us &&
	    !xtcp_rack_sent_after(cb->sent_us, cb->end_seq, xs->rack_sent_us,
				  xs->rack_end_seq))
		return;
	xs->rack_sent_us = cb->sent_us ? : 1;
	xs->rack_end_seq = cb->end_seq;
	xs->rack_rtt_us = rtt;
}

/*
 * The first news that the peer has this segment, by a SACK block or a
 * cumulative ACK: what it says of reordering, of RACK's reference, and
 * of the delivery rate.
 */
void xtcp_skb_delivered(struct xtcp_sock *xs, const struct xtcp_skb_cb *cb,
			u32 now, struct xtcp_rate_sample *rs)
{
	xtcp_check_reordering(xs, cb);
	xtcp_rack_update(xs, cb, now);
	xtcp_rate_skb_delivered(rs, cb);
	if (!cb->retransmitted && !xtcp_seq_after(cb->end_seq, xs->recover))
		rs->orig_acked = true;
}

/*
 * RACK loss detection (RFC 8985 6.2 step 5): every segment not SACKed
 * that was sent a reordering window before the most recently sent one
 * the peer has is lost, its retransmission too if it was resent.  The
 * walk is in send order and ends at the first segment sent after that
 * reference; what it marks leaves the list.  Returns 0, or the
 * microseconds until the next segment's window ends, as seen at @now.
 */
u32 xtcp_rack_detect_loss(struct sock *sk, u32 now)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 reo_wnd, wait = 0;
	struct xtcp_skb_cb *cb, *tmp;

	sock_owned_by_me(sk);
	if (!xs->rack_sent_us)
		return 0;
	reo_wnd = xtcp_rack_reo_wnd(xs->rtt.min_rtt_us, xs->rtt.srtt_us,
				    xs->reord_seen,
				    xs->ca_state >= XTCP_CA_RECOVERY,
				    xs->sacked_out, xs->reo.extra_steps);
	list_for_each_entry_safe(cb, tmp, &xs->tsorted_sent, tsorted) {
		u32 left;

		if (!xtcp_rack_sent_after(xs->rack_sent_us, xs->rack_end_seq,
					  cb->sent_us, cb->end_seq))
			break;
		left = xtcp_rack_time_left(cb->sent_us, now, xs->rack_rtt_us,
					   reo_wnd);
		if (left) {
			wait = max(wait, left);
			continue;
		}
		xtcp_mark_skb_lost(sk, xtcp_cb_skb(cb));
	}
	return wait;
}

/*
 * The peer has these segments (RFC 2018): count them delivered, once.
 * Returns how many.
 */
static u32 xtcp_sacktag_one(struct sock *sk, struct sk_buff *skb, u32 now,
			    struct xtcp_rate_sample *rs)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 pcount = xtcp_skb_pcount(skb);

	cb->sacked = 1;
	xs->sacked_out += pcount;
	if (!cb->retransmitted) {
		if (!rs->sack_rtt_ok)
			rs->sack_first_sent_us = cb->sent_us;
		rs->sack_rtt_ok = true;
		rs->sack_last_sent_us = cb->sent_us;
	}
	list_del_init(&cb->tsorted);
	xtcp_skb_delivered(xs, cb, now, rs);
	if (xtcp_seq_after(cb->end_seq, xs->sack_high))
		xs->sack_high = cb->end_seq;
	if (cb->lost) {
		cb->lost = 0;
		xs->lost_out -= pcount;
	}
	if (cb->retrans) {
		cb->retrans = 0;
		xs->retrans_out -= pcount;
	}
	return pcount;
}

/*
 * Cut @skb, which a SACK block [start, end) covers in part, so that the
 * part covered is an skb of its own; only whole segments count as covered
 * (Linux's tcp_match_skb_to_sack()).  Returns the skb to mark, or NULL
 * when no whole segment of it is covered or it could not be cut.
 */
static struct sk_buff *xtcp_sack_cut(struct sock *sk, struct sk_buff *skb,
				     u32 start, u32 end)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 mss = xtcp_mss(xtcp_sk(sk)), from = 0, to = skb->len;

	if (xtcp_seq_after(start, cb->seq))
		from = roundup(start - cb->seq, mss);
	if (xtcp_seq_before(end, cb->seq + skb->len))
		to = rounddown(end - cb->seq, mss);
	if (from >= to)
		return NULL;
	if (to < skb->len && xtcp_fragment(sk, true, skb, to, GFP_ATOMIC))
		return NULL;
	if (from) {
		if (xtcp_fragment(sk, true, skb, from, GFP_ATOMIC))
			return NULL;
		skb = skb_rb_next(skb);
	}
	return skb;
}

/*
 * Mark what the peer's SACK blocks (RFC 2018) say it holds.  Only whole
 * segments are marked; an skb of several segments that a block covers in
 * part is cut at the block's edges.  An skb carrying our FIN is never
 * marked: the FIN must be acknowledged cumulatively.  What the previous
 * ACK's blocks covered is marked already and is not walked again: a
 * block costs O(log n) to find plus what it grew by.  Returns the
 * segments newly SACKed.
 */
u32 xtcp_sacktag(struct sock *sk, const struct xtcp_opts *opts, u32 ack,
		 struct xtcp_rate_sample *rs)
{
	struct xtcp_sack_block parts[XTCP_MAX_SACK_BLOCKS + 1];
	struct xtcp_sack_block valid[XTCP_MAX_SACK_BLOCKS];
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 newly = 0, now = rs->now_us;
	unsigned int i, j, nparts, nvalid = 0;

	sock_owned_by_me(sk);
	/*
	 * A D-SACK for data we sent more than once: a retransmission was
	 * needless.  It counts for undo, and on a path seen to reorder it
	 * grows RACK's window a step (RFC 8985 6.2 step 4, Linux's
	 * tcp_dsack_seen()), unless it only reports a tail loss probe,
	 * which a timer sent, not RACK.
	 */
	if (xtcp_sack_is_dsack(opts->sacks, opts->num_sacks, ack)) {
		const struct xtcp_sack_block *d = &opts->sacks[0];

		XTCP_INC_STATS(sk, XTCP_MIB_DSACKRECV);
		if (xs->total_retrans) {
			if (xs->reord_seen &&
			    !(xs->tlp_high_seq && xs->tlp_high_seq == d->end &&
			      d->end - d->start <= xtcp_mss(xs)))
				xs->reo.dsack_seen = 1;
			xtcp_dsack_undo_count(sk, d);
		}
	}
	if (!xs->packets_out)
		return 0;
	for (i = 0; i < opts->num_sacks; i++) {
		u32 start = opts->sacks[i].start, end = opts->sacks[i].end;

		if (!xtcp_sack_block_valid(start, end, xs->snd_una, xs->snd_nxt))
			continue;
		valid[nvalid++] = opts->sacks[i];
		nparts = xtcp_sack_uncovered(start, end, xs->sack_seen,
					     xs->sack_seen_n, parts);
		for (j = 0; j < nparts; j++) {
			struct sk_buff *skb = xtcp_rtx_find(sk, parts[j].start);

			for (; skb; skb = skb_rb_next(skb)) {
				struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
				struct sk_buff *tag = skb;

				if (!xtcp_seq_before(cb->seq, parts[j].end))
					break;
				if (cb->sacked || !skb->len ||
				    (cb->flags & (XTCPHDR_SYN | XTCPHDR_FIN)))
					continue;
				if (xtcp_seq_before(cb->seq, start) ||
				    xtcp_seq_after(cb->seq + skb->len, end)) {
					tag = xtcp_sack_cut(sk, skb, start, end);
					if (!tag)
						continue;
				}
				newly += xtcp_sacktag_one(sk, tag, now, rs);
				skb = tag;
			}
		}
	}
	nvalid = min_t(unsigned int, nvalid, XTCP_SACK_SEEN_MAX);
	memcpy(xs->sack_seen, valid, nvalid * sizeof(valid[0]));
	xs->sack_seen_n = nvalid;
	return newly;
}

/*
 * Time for fast recovery?  With SACK, when the scoreboard has a lost
 * segment (DupThresh SACKed segments above it, or RACK's clock):
 * duplicate ACKs that SACK nothing new are no evidence (RFC 6675 2), as
 * Linux's tcp_time_to_recover().  Without it, three duplicates, but not
 * duplicates of a window already recovered or timed out (RFC 6582 3.2
 * step 2); in CWR, recover marks the ECN reduction, not a recovery.
 */
bool xtcp_time_to_recover(const struct xtcp_sock *xs)
{
	if (xs->sack_ok)
		return xs->lost_out;
	return xs->dupacks == XTCP_DUPTHRESH &&
	       (xs->ca_state == XTCP_CA_CWR ||
		xtcp_seq_after(xs->snd_una, xs->recover));
}

/*
 * Fast retransmit starts fast recovery (RFC 5681 3.2, RFC 6675 5).  In
 * CWR the window already came down for this window of data: recovery
 * carries on with that reduction, not a second one (as Linux's
 * tcp_enter_recovery()).
 */
void xtcp_enter_recovery(struct sock *sk, u32 delivered, bool ece)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool reduced = xs->ca_state == XTCP_CA_CWR;

	sock_owned_by_me(sk);
	/*
	 * What an undo would give back: nothing if the window is down for
	 * ECN already, or this ACK echoes CE (that reduction stands).
	 */
	xs->prior_ssthresh = 0;
	xtcp_init_undo(xs);
	/*
	 * A new reduction: it ends when what is out now is acknowledged,
	 * and an ECN peer hears of it by CWR (Linux's
	 * tcp_init_cwnd_reduction()).  From CWR both are under way.
	 */
	if (!reduced) {
		if (!ece)
			xs->prior_ssthresh =
				xtcp_undo_prior_ssthresh(false, xs->cong.cwnd,
							 xs->cong.ssthresh);
		xs->prior_cwnd = xs->cong.cwnd;
		xs->recover = xs->snd_nxt;
		xtcp_ecn_queue_cwr(xs);
	}
	xs->ca_state = XTCP_CA_RECOVERY;
	XTCP_INC_STATS(sk, xs->sack_ok ? XTCP_MIB_SACKRECOVERY :
					 XTCP_MIB_RENORECOVERY);
	if (!xs->sack_ok) {
		if (reduced)
			xtcp_cong_recovery_inflate(&xs->cong);
		else
			xtcp_cong_recovery_enter(xtcp_ca_ops(xs), &xs->cong,
						 xs->packets_out);
		xtcp_fast_retransmit(sk);
		return;
	}
	if (!reduced) {
		xs->cong.ssthresh = xtcp_ca_ops(xs)->ssthresh(&xs->cong,
							      xs->packets_out);
		xs->cong.cwnd_cnt = 0;
		xs->prr_delivered = 0;
		xs->prr_out = 0;
	}
	xtcp_fast_retransmit(sk);
	xtcp_prr_ack(xs, delivered);
}

/*
 * PRR (RFC 6937), one ACK that delivered @delivered segments during a
 * reduction, fast recovery's or CWR's: the window lets out what the
 * reduction allows (Linux's tcp_cwnd_reduction()).
 */
void xtcp_prr_ack(struct xtcp_sock *xs, u32 delivered)
{
	xs->prr_delivered += delivered;
	xs->cong.cwnd = xtcp_prr_cwnd(xtcp_in_flight(xs), xs->cong.ssthresh,
				      xs->prior_cwnd, xs->prr_delivered,
				      xs->prr_out, delivered);
}

/*
 * An ECN-Echo (RFC 3168 6.1.2): the network marked our data where it
 * would have dropped it.  The window comes down as for a loss, by PRR
 * over the next round trip, once per window of data (until what is out
 * now is acknowledged), and the next new segment says CWR (Linux's
 * tcp_enter_cwr(); RecoverFS is the window, as there).  Nothing is
 * resent: nothing was lost.
 */
void xtcp_enter_cwr(struct sock *sk, u32 in_flight)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	sock_owned_by_me(sk);
	/* An ECN reduction is never undone, nor the episode before it. */
	xs->prior_ssthresh = 0;
	xs->undo_marker = 0;
	xs->recover = xs->snd_nxt;
	xs->tlp_high_seq = 0;
	xs->cong.cwnd_cnt = 0;
	xs->prior_cwnd = xs->cong.cwnd;
	xs->prr_delivered = 0;
	xs->prr_out = 0;
	xs->cong.ssthresh = xtcp_ca_ops(xs)->ssthresh(&xs->cong, in_flight);
	xtcp_ecn_queue_cwr(xs);
	xs->ca_state = XTCP_CA_CWR;
}

/*
 * Fast recovery, one ACK at a time.  With SACK (RFC 6675) the scoreboard
 * says what to resend and PRR (RFC 6937) how much may go; without it,
 * NewReno (RFC 6582): each partial ACK shows the next hole.  A full ACK,
 * one that covers all that was out when recovery began, ends it.  Any of
 * them may show the recovery was needless, and undo it (Linux's
 * tcp_fastretrans_alert()); the state is then open.  Returns true if it
 * was undone.
 */
bool xtcp_recovery_ack(struct sock *sk, bool advanced, u32 acked_segs,
		       u32 delivered, bool dupack, const struct xtcp_opts *opts)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xtcp_seq_before(xs->snd_una, xs->recover)) {
		/* NewReno's inflated window first comes down. */
		if (!xs->sack_ok)
			xtcp_cong_recovery_exit(&xs->cong, xs->packets_out);
		if (xtcp_try_undo_recovery(sk, opts))
			return true;
		xs->ca_state = XTCP_CA_OPEN;
		if (xs->sack_ok) {
			/*
			 * ssthresh, as Linux, but no more than PRR left:
			 * a burst to it would overflow the queue that just
			 * dropped; slow start climbs the rest.
			 */
			xs->cong.cwnd = min(xs->cong.ssthresh,
					    max(xs->cong.cwnd, 2U));
			xs->cong.cwnd_cnt = 0;
		}
		return false;
	}
	if (advanced && xtcp_try_undo_partial(sk, opts)) {
		if (xs->ca_state == XTCP_CA_OPEN)
			return true;
		/* Retransmissions still out: PRR still paces what goes. */
		if (xs->sack_ok)
			xtcp_prr_ack(xs, delivered);
		return false;
	}
	if (xtcp_try_undo_dsack(sk)) {
		xs->ca_state = XTCP_CA_OPEN;
		return true;
	}
	if (!xs->sack_ok) {
		if (advanced) {
			xtcp_cong_recovery_partial(&xs->cong, acked_segs);
			xtcp_fast_retransmit(sk);
		} else if (dupack) {
			xtcp_cong_recovery_dupack(&xs->cong);
		}
		return false;
	}
	if (advanced)
		xtcp_mark_head_lost(sk);
	xtcp_prr_ack(xs, delivered);
	return false;
}

/*
 * Mark a segment in flight lost (RFC 6675 IsLost(), RACK, an RTO): it
 * leaves RACK's list until it is sent again, and the retransmission walk
 * starts no later than at it.  A lost retransmission is lost data again.
 * Returns false if it was lost already, or SACKed.
 */
bool xtcp_mark_skb_lost(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct sk_buff *hint = xs->retransmit_hint;

	if (cb->sacked || (cb->lost && !cb->retrans))
		return false;
	if (cb->retrans) {
		cb->retrans = 0;
		xs->retrans_out -= xtcp_skb_pcount(skb);
		XTCP_ADD_STATS(sk, XTCP_MIB_LOSTRETRANSMIT,
			       xtcp_skb_pcount(skb));
	} else {
		cb->lost = 1;
		xs->lost_out += xtcp_skb_pcount(skb);
	}
	list_del_init(&cb->tsorted);
	if (!hint || xtcp_seq_before(cb->seq, XTCP_SKB_CB(hint)->seq))
		xs->retransmit_hint = skb;
	return true;
}

/*
 * The oldest unacknowledged segment is lost: three duplicate ACKs said so
 * (RFC 5681 3.2), or a partial ACK in recovery did (RFC 6582 3.2).  Only
 * that segment: an skb of several is cut after its first.
 */
void xtcp_mark_head_lost(struct sock *sk)
{
	struct sk_buff *skb = xtcp_rtx_head(sk);
	struct xtcp_skb_cb *cb;

	if (!skb)
		return;
	cb = XTCP_SKB_CB(skb);
	if (cb->lost || cb->sacked)
		return;
	/* If it cannot be cut, all of it counts as lost. */
	if (xtcp_skb_pcount(skb) > 1)
		xtcp_fragment(sk, true, skb, xtcp_mss(xtcp_sk(sk)),
			      GFP_ATOMIC);
	xtcp_mark_skb_lost(sk, skb);
}

/*
 * Fast retransmit (RFC 5681 3.2, RFC 6675 5 step 4.3): the oldest
 * unacknowledged segment goes again now, whatever the congestion window
 * says, unless it is already on its way again.
 */
void xtcp_fast_retransmit(struct sock *sk)
{
	struct sk_buff *skb = xtcp_rtx_head(sk);

	xtcp_mark_head_lost(sk);
	if (skb && XTCP_SKB_CB(skb)->lost && !XTCP_SKB_CB(skb)->retrans)
		xtcp_retransmit_skb(sk, skb, 1);
}

/*
 * Tail loss probe (RFC 8985 7.3): the last segment sent goes again, so
 * that the peer's ACK, with its SACK blocks, shows what of the tail is
 * missing.  It stays counted once in the pipe; the probe itself is a
 * retransmission, so Karn's rule keeps it from the RTT estimator.
 */
void xtcp_send_loss_probe(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xtcp_send_head(sk);
	struct xtcp_skb_cb *cb;
	u32 mss;

	sock_owned_by_me(sk);
	/* The route's MTU may have fallen since the tail went. */
	xtcp_check_route_mtu(sk);
	mss = xtcp_mss(xs);
	/*
	 * New data the peer's window takes is the better probe: it costs
	 * nothing if nothing was lost (RFC 8985 7.3).
	 */
	if (skb && skb->len &&
	    !xtcp_seq_after(XTCP_SKB_CB(skb)->seq +
			    min_t(u32, skb->len, mss),
			    xs->snd_una + xs->snd_wnd) &&
	    (skb->len <= mss ||
	     !xtcp_fragment(sk, false, skb, mss, GFP_ATOMIC))) {
		xtcp_set_skb_pcount(skb, mss);
		xtcp_send_new(sk, skb);
		xs->tlp_high_seq = xs->snd_nxt;
		XTCP_INC_STATS(sk, XTCP_MIB_LOSSPROBES);
		return;
	}
	skb = skb_rb_last(&sk->tcp_rtx_queue);
	/* Still here, its last copy needs no probe: the RTO stays armed. */
	if (!skb || xtcp_still_in_host_queue(sk, skb) ||
	    xtcp_recount_skb(sk, skb))
		return;
	/* The probe is the last segment, not the last skb. */
	if (xtcp_skb_pcount(skb) > 1 &&
	    !xtcp_fragment(sk, true, skb,
			   (xtcp_skb_pcount(skb) - 1) * mss,
			   GFP_ATOMIC))
		skb = skb_rb_next(skb);
	/* Whole, one signature would go on every segment GSO cuts. */
	else if (xtcp_skb_pcount(skb) > 1 && xs->md5)
		return;
	cb = XTCP_SKB_CB(skb);
	if (cb->sacked)
		return;
	cb->retransmitted = 1;
	xtcp_rate_on_send(xs, cb, xtcp_clock_us());
	if (!cb->lost || cb->retrans)
		list_move_tail(&cb->tsorted, &xs->tsorted_sent);
	xs->total_retrans += xtcp_skb_pcount(skb);
	XTCP_ADD_STATS(sk, XTCP_MIB_RETRANSSEGS, xtcp_skb_pcount(skb));
	XTCP_INC_STATS(sk, XTCP_MIB_LOSSPROBES);
	xs->tlp_high_seq = xs->snd_nxt;
	trace_xtcp_retransmit_skb(sk, skb);
	xtcp_transmit_skb(sk, skb, true, GFP_ATOMIC);
}

/*
 * Retransmission timeout (RFC 6298 5.4-5.6, RFC 5681 3.1, RFC 6675 5.1):
 * every segment out and not SACKed is presumed lost, and earlier
 * retransmissions with it; they go again oldest first as the (now one
 * segment) congestion window grows.  Any fast recovery ends, and no new
 * one starts until what was out now is acknowledged.  If the peer's
 * cumulative ACK stopped at a segment it had SACKed, it dropped what it
 * SACKed (reneging, RFC 2018 8): the scoreboard is cleared and all of it
 * goes again, as Linux does.
 */
void xtcp_enter_loss(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xtcp_rtx_head(sk);
	bool reneged = skb && XTCP_SKB_CB(skb)->sacked;
	bool new_recovery = xs->ca_state < XTCP_CA_RECOVERY, cut = false;

	sock_owned_by_me(sk);
	/*
	 * The first timeout of a loss episode sets ssthresh from what was
	 * in flight; later ones (one segment out) only keep cwnd at one,
	 * or ssthresh would collapse to 2.  Nor does a timeout within a
	 * window that recovery or CWR already reduced for (Linux's
	 * tcp_enter_loss()).  A cut may be undone: what it cut is kept.
	 */
	if (xs->retransmits <= 1 &&
	    (!xtcp_in_cwnd_reduction(xs) ||
	     !xtcp_seq_before(xs->snd_una, xs->recover))) {
		xs->prior_ssthresh =
			xtcp_undo_prior_ssthresh(xtcp_in_cwnd_reduction(xs),
						 xs->cong.cwnd,
						 xs->cong.ssthresh);
		xs->prior_cwnd = xs->cong.cwnd;
		xtcp_cong_timeout(xtcp_ca_ops(xs), &xs->cong, xs->packets_out);
		cut = true;
	} else {
		xs->cong.cwnd = 1;
		xs->cong.cwnd_cnt = 0;
	}
	if (xtcp_ca_ops(xs)->on_timeout) {
		struct xtcp_cong_ctx ctx;

		xtcp_cong_ctx(sk, xtcp_clock_us(), &ctx);
		xtcp_ca_ops(xs)->on_timeout(&xs->cong, &ctx);
	}
	xs->sacked_out = 0;
	xs->lost_out = 0;
	xs->retrans_out = 0;
	xs->retransmit_hint = NULL;
	xs->sack_seen_n = 0;
	for (; skb; skb = skb_rb_next(skb)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		cb->retrans = 0;
		if (reneged)
			cb->sacked = 0;
		if (cb->sacked) {
			xs->sacked_out += xtcp_skb_pcount(skb);
			cb->lost = 0;
			continue;
		}
		cb->lost = 1;
		xs->lost_out += xtcp_skb_pcount(skb);
		list_del_init(&cb->tsorted);
		if (!xs->retransmit_hint)
			xs->retransmit_hint = skb;
	}
	/* After the scoreboard: what was retransmitted is lost again. */
	if (cut)
		xtcp_init_undo(xs);
	xs->ca_state = XTCP_CA_LOSS;
	xs->tlp_high_seq = 0;
	xs->dupacks = 0;
	xs->recover = xs->snd_nxt;
	xtcp_ecn_queue_cwr(xs);	/* as Linux's tcp_enter_loss() */
	/*
	 * F-RTO (RFC 5682 3.1 step 1): the head goes again, then the next
	 * ACKs tell a spurious timeout from a real one; not within a
	 * recovery's window, except for timeouts of the same head again
	 * (its section 3.2), as Linux.
	 */
	xs->frto = XTCP_SYSCTL(sk, frto) &&
		   (new_recovery || xs->retransmits > 1);
	xs->frto_new = 0;
	xtcp_xmit_after_timeout(sk);
}

/*
 * The path MTU fell below the size some segments out were sent at
 * (Linux's tcp_simple_retransmit()): a router dropped those, so they
 * are lost, and go again at once, cut to the new MSS
 * (xtcp_retransmit_skb()).  No congestion caused the loss: the window
 * stays as it is, and the loss state only keeps new data behind them,
 * with nothing to undo when it ends.
 */
void xtcp_simple_retransmit(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = xtcp_mss(xs), marked = 0;
	struct sk_buff *skb;

	for (skb = xtcp_rtx_head(sk); skb; skb = skb_rb_next(skb)) {
		u32 seglen = xtcp_skb_pcount(skb) > 1 ?
			     skb_shinfo(skb)->gso_size : skb->len;

		if (seglen > mss && xtcp_mark_skb_lost(sk, skb))
			marked++;
	}
	/*
	 * Nothing newly too big (a second ICMP, or one that lowered
	 * nothing): a recovery under way goes on as it was.
	 */
	if (!marked)
		return;
	if (xs->ca_state != XTCP_CA_LOSS) {
		xs->recover = xs->snd_nxt;
		xs->cong.ssthresh =
			xtcp_undo_prior_ssthresh(xtcp_in_cwnd_reduction(xs),
						 xs->cong.cwnd,
						 xs->cong.ssthresh);
		xs->prior_ssthresh = 0;
		xs->undo_marker = 0;
		/* Not a timeout: F-RTO has nothing to judge. */
		xs->frto = 0;
		xs->frto_new = 0;
		xs->ca_state = XTCP_CA_LOSS;
	}
	xtcp_write_xmit(sk);
}

/*
 * A tail loss probe (RFC 8985 7) asks for the ACK that lets RACK or
 * SACK find a loss at the tail, which no later segment would reveal.
 * Only with SACK, in the open state, one probe per episode, as Linux.
 */
bool xtcp_tlp_eligible(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	return xs->sack_ok && xs->ca_state < XTCP_CA_RECOVERY &&
	       !xs->tlp_high_seq && xtcp_rtt_has_sample(&xs->rtt) && xs->packets_out &&
	       (sk->sk_state == TCP_ESTABLISHED ||
		sk->sk_state == TCP_CLOSE_WAIT);
}

/*
 * Data went out or an ACK came in: time the next event for what is
 * outstanding, a loss probe if one may go, else the RTO.  The probe never
 * fires later than the RTO for the oldest segment would.
 */
void xtcp_schedule_rtx(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *head = xtcp_rtx_head(sk);
	u32 rto_us, elapsed, pto_us;

	if (!xs->packets_out || !head)
		return;
	if (!xtcp_tlp_eligible(sk)) {
		xtcp_arm_rtx(sk);
		return;
	}
	rto_us = xtcp_rto_backoff(xs->rtt.rto_us, xs->backoff);
	elapsed = xtcp_clock_us() - XTCP_SKB_CB(head)->sent_us;
	pto_us = xtcp_tlp_pto(xs->rtt.srtt_us, xs->packets_out,
			      elapsed < rto_us ? rto_us - elapsed : 0);
	xtcp_arm_rtx_timer(sk, XTCP_TIMER_TLP, usecs_to_jiffies(pto_us));
}
