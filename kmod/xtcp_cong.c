// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP congestion control: the algorithms TCP_CONGESTION can select.
 *
 * The window arithmetic lives in xtcp_reno.c (unit-tested in user
 * space); this file only names the algorithms and attaches one to a
 * socket.  A new algorithm is a struct xtcp_cong_ops added to the table.
 */
#include "xtcp.h"

/*
 * In Linux's order of tcp_available_congestion_control.  A socket keeps
 * its algorithm's index here (xtcp_ca_ops()): a byte, not a pointer.
 */
const struct xtcp_cong_ops *const xtcp_cong_algos[XTCP_CONG_ALGOS] = {
	&xtcp_cong_reno,
	&xtcp_cong_cubic,
};

/* NULL: the default, CUBIC, as Linux's. */
const struct xtcp_cong_ops *xtcp_cong_find(const char *name)
{
	unsigned int i;

	if (!name)
		return &xtcp_cong_cubic;
	for (i = 0; i < ARRAY_SIZE(xtcp_cong_algos); i++)
		if (!strcmp(xtcp_cong_algos[i]->name, name))
			return xtcp_cong_algos[i];
	return NULL;
}

/* The algorithms' names, space-separated (available_congestion_control). */
void xtcp_cong_names(char *buf, size_t size)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(xtcp_cong_algos) && used < size; i++)
		used += scnprintf(buf + used, size - used, "%s%s",
				  i ? " " : "", xtcp_cong_algos[i]->name);
}

/*
 * How long segmentation offload may hold ACKs back, for HyStart's ACK
 * train (Linux's hystart_ack_delay()): the time four full GSO skbs take
 * at twice the rate the window gives, at most 1 ms; 0 before an RTT is
 * known or where no super-segments are sent.
 */
static u32 xtcp_cong_ack_delay(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u64 rate;

	if (!xs->gso_ok || !xs->rtt.srtt_us)
		return 0;
	rate = div_u64((u64)xs->cong.cwnd * xtcp_mss(xs) * 2 * USEC_PER_SEC,
		       xs->rtt.srtt_us);
	if (!rate)
		return USEC_PER_MSEC;
	return min_t(u64, USEC_PER_MSEC,
		     div64_u64((u64)sk->sk_gso_max_size * 4 * USEC_PER_SEC,
			       rate));
}

/*
 * What the algorithm may look at, the clock being @now_us (struct
 * xtcp_cong_ctx): a caller that has read the clock passes its reading.
 */
void xtcp_cong_ctx(const struct sock *sk, u32 now_us,
		   struct xtcp_cong_ctx *ctx)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	ctx->now_us = now_us;
	ctx->now_ms = jiffies_to_msecs(jiffies);
	ctx->snd_una = xs->snd_una;
	ctx->snd_nxt = xs->snd_nxt;
	ctx->ack_delay_us = 0;	/* only HyStart asks: xtcp_cong_rtt() */
}

/* Switch algorithm; the window starts over, as Linux's tcp_reinit_congestion_control(). */
void xtcp_cong_set_ops(struct sock *sk, const struct xtcp_cong_ops *ops)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_cong_ctx ctx;
	u8 i;

	for (i = 0; i < XTCP_CONG_ALGOS && xtcp_cong_algos[i] != ops; i++)
		;
	if (WARN_ON_ONCE(i == XTCP_CONG_ALGOS))
		return;
	/* A lockless reader: getsockopt(TCP_CONGESTION). */
	WRITE_ONCE(xs->ca_id, i);
	xtcp_cong_ctx(sk, xtcp_clock_us(), &ctx);
	ops->init(&xs->cong, &ctx);
}

/* An RTT sample taken at @now_us; HyStart's verdicts are counted. */
void xtcp_cong_rtt(struct sock *sk, u32 rtt_us, u32 now_us)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_cong_ctx ctx;

	if (!xtcp_ca_ops(xs)->on_rtt)
		return;
	xtcp_cong_ctx(sk, now_us, &ctx);
	if (xs->cong.cwnd < xs->cong.ssthresh)
		ctx.ack_delay_us = xtcp_cong_ack_delay(sk);
	switch (xtcp_ca_ops(xs)->on_rtt(&xs->cong, rtt_us, &ctx)) {
	case XTCP_HYSTART_TRAIN:
		XTCP_INC_STATS(sk, XTCP_MIB_HYSTARTTRAINDETECT);
		XTCP_ADD_STATS(sk, XTCP_MIB_HYSTARTTRAINCWND, xs->cong.cwnd);
		break;
	case XTCP_HYSTART_DELAY:
		XTCP_INC_STATS(sk, XTCP_MIB_HYSTARTDELAYDETECT);
		XTCP_ADD_STATS(sk, XTCP_MIB_HYSTARTDELAYCWND, xs->cong.cwnd);
		break;
	case XTCP_HYSTART_NONE:
		break;
	}
}
