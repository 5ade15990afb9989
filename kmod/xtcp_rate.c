// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP delivery rate sampling, Linux's tcp_rate.c (draft-cheng-iccrg-
 * delivery-rate-estimation): each segment sent records how much the
 * connection had delivered by then and when; the ACK that delivers it
 * turns the difference into a rate, tcpi_delivery_rate.
 */
#include "xtcp.h"

/*
 * A segment (data, or a retransmission) leaves: stamp it with the
 * delivery state for the rate sample its ACK will take.  With nothing
 * in flight, a new sampling interval starts now.
 */
void xtcp_rate_on_send(struct xtcp_sock *xs, struct xtcp_skb_cb *cb, u32 now)
{
	if (!xs->packets_out) {
		xs->first_tx_us = now;
		xs->delivered_us = now;
	}
	cb->sent_us = now;
	cb->tx_delivered = xs->delivered;
	cb->tx_delivered_us = xs->delivered_us;
	cb->tx_first_us = xs->first_tx_us;
}

/* The newest segment this ACK delivered sets the sample. */
void xtcp_rate_skb_delivered(struct xtcp_rate_sample *rs,
			     const struct xtcp_skb_cb *cb)
{
	if (rs->valid && !xtcp_rack_sent_after(cb->sent_us, cb->end_seq,
					       rs->sent_us, rs->end_seq))
		return;
	rs->valid = true;
	rs->sent_us = cb->sent_us;
	rs->end_seq = cb->end_seq;
	rs->prior_delivered = cb->tx_delivered;
	rs->prior_us = cb->tx_delivered_us;
	rs->first_us = cb->tx_first_us;
}

/*
 * The ACK delivered @delivered segments: count them, and take the rate
 * from the sample of the newest one (Linux's tcp_rate_gen()).
 */
void xtcp_rate_gen(struct sock *sk, u32 delivered,
		   const struct xtcp_rate_sample *rs)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 now = rs->now_us;
	u64 rate;

	xs->delivered += delivered;
	xs->delivered_us = now;
	if (!rs->valid)
		return;
	rate = xtcp_delivery_rate(xs->delivered - rs->prior_delivered,
				  xtcp_mss(xs), rs->sent_us - rs->first_us,
				  now - rs->prior_us, xs->rtt.min_rtt_us);
	xs->first_tx_us = rs->sent_us;
	if (rate)
		xs->delivery_rate = rate;
}
