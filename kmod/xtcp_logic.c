// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP protocol logic that needs no kernel API.
 *
 * These functions only compute: the module calls them with values from
 * the socket and the segment and acts on the answer.  Keeping them free of
 * kernel types lets kmod/test/ compile this file in user space and check
 * every rule quickly, under sanitizers and a fuzzer.
 */
#include "xtcp_logic.h"

const char *xtcp_state_name(int state)
{
	switch (state) {
	case XTCP_ESTABLISHED:
		return "ESTABLISHED";
	case XTCP_SYN_SENT:
		return "SYN_SENT";
	case XTCP_SYN_RECV:
		return "SYN_RECV";
	case XTCP_FIN_WAIT1:
		return "FIN_WAIT1";
	case XTCP_FIN_WAIT2:
		return "FIN_WAIT2";
	case XTCP_TIME_WAIT:
		return "TIME_WAIT";
	case XTCP_CLOSE:
		return "CLOSE";
	case XTCP_CLOSE_WAIT:
		return "CLOSE_WAIT";
	case XTCP_LAST_ACK:
		return "LAST_ACK";
	case XTCP_LISTEN:
		return "LISTEN";
	case XTCP_CLOSING:
		return "CLOSING";
	default:
		return "UNKNOWN";
	}
}

bool xtcp_seq_window_ok(u32 seq, u32 end_seq, u32 rcv_wup, u32 right_edge)
{
	return !xtcp_seq_before(end_seq, rcv_wup) &&
	       !xtcp_seq_after(seq, right_edge);
}

void xtcp_rtt_init(struct xtcp_rtt_est *e)
{
	e->srtt_us = 0;
	e->rttvar_us = 0;
	e->min_rtt_us = 0;
	e->rto_us = XTCP_RTO_INIT_US;
	e->has_sample = false;
}

/*
 * RTO = SRTT + max(4 * RTTVAR, RTO_MIN).  RFC 6298 2.3 adds max(G, 4 *
 * RTTVAR), G the clock granularity; Linux uses its 200 ms minimum there
 * instead, so that a very steady path (RTTVAR near 0) still leaves room
 * for a delayed ACK before the timer fires.  The sum is done in 64 bits
 * since 4 * RTTVAR may not fit in 32.
 */
static u32 xtcp_rto_compute(const struct xtcp_rtt_est *e)
{
	u64 var = (u64)e->rttvar_us * 4;
	u64 rto;

	if (var < XTCP_RTO_MIN_US)
		var = XTCP_RTO_MIN_US;
	rto = e->srtt_us + var;
	if (rto < XTCP_RTO_MIN_US)
		rto = XTCP_RTO_MIN_US;
	if (rto > XTCP_RTO_MAX_US)
		rto = XTCP_RTO_MAX_US;
	return (u32)rto;
}

void xtcp_rtt_sample(struct xtcp_rtt_est *e, u32 rtt_us)
{
	/* A zero sample would mean "no RTT" in the averages below. */
	u32 r = rtt_us ? rtt_us : 1;
	u32 delta;

	if (!e->has_sample || r < e->min_rtt_us)
		e->min_rtt_us = r;
	if (!e->has_sample) {
		/* RFC 6298 2.2: the first measurement R. */
		e->srtt_us = r;
		e->rttvar_us = r / 2;
		e->has_sample = true;
	} else {
		/*
		 * RFC 6298 2.3, alpha = 1/8 and beta = 1/4.  RTTVAR is updated
		 * first since it uses the SRTT from before this sample.  The
		 * weighted sums can pass 2^32, so use 64 bits; the averages
		 * themselves always fit again.  Division rounds down.
		 */
		delta = e->srtt_us > r ? e->srtt_us - r : r - e->srtt_us;
		e->rttvar_us = (u32)(((u64)e->rttvar_us * 3 + delta) / 4);
		e->srtt_us = (u32)(((u64)e->srtt_us * 7 + r) / 8);
	}
	e->rto_us = xtcp_rto_compute(e);
}

u32 xtcp_rto_backoff(u32 rto_us, unsigned int backoff)
{
	/*
	 * Shifting a 32-bit value by 32 or more is undefined in C, and
	 * shifting by less can still overflow: compare before shifting
	 * instead.  rto_us > MAX >> backoff exactly when rto_us << backoff
	 * would exceed MAX.
	 */
	if (backoff >= 32)
		return rto_us ? XTCP_RTO_MAX_US : 0;
	if (rto_us > (XTCP_RTO_MAX_US >> backoff))
		return XTCP_RTO_MAX_US;
	return rto_us << backoff;
}

/* Options are big-endian on the wire and need not be aligned. */
static u16 xtcp_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 xtcp_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u8 *xtcp_put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
	return p + 4;
}

/* Four option bytes, the usual unit since options are padded to words. */
static u8 *xtcp_put4(u8 *p, u8 a, u8 b, u8 c, u8 d)
{
	p[0] = a;
	p[1] = b;
	p[2] = c;
	p[3] = d;
	return p + 4;
}

/* One option: kind, length and the length - 2 bytes at body. */
static void xtcp_parse_one(u8 kind, u8 size, const u8 *body, bool syn,
			   struct xtcp_opts *out)
{
	unsigned int i, n;

	switch (kind) {
	case XTCPOPT_MSS:
		/* A zero MSS makes no sense; Linux keeps its default then. */
		if (size == XTCPOLEN_MSS && syn && xtcp_get_be16(body)) {
			out->mss = xtcp_get_be16(body);
			out->mss_ok = true;
		}
		break;
	case XTCPOPT_WINDOW:
		if (size == XTCPOLEN_WINDOW && syn) {
			/* RFC 7323 2.3: log it and use 14. */
			out->wscale = body[0] > XTCP_MAX_WSCALE ?
				      XTCP_MAX_WSCALE : body[0];
			out->wscale_ok = true;
		}
		break;
	case XTCPOPT_SACK_PERM:
		if (size == XTCPOLEN_SACK_PERM && syn)
			out->sack_ok = true;
		break;
	case XTCPOPT_TIMESTAMP:
		/* Timestamps ride on every segment once agreed. */
		if (size == XTCPOLEN_TIMESTAMP) {
			out->tsval = xtcp_get_be32(body);
			out->tsecr = xtcp_get_be32(body + 4);
			out->ts_ok = true;
		}
		break;
	case XTCPOPT_SACK:
		/* RFC 2018 3: 2 + 8 * n bytes, at least one block. */
		if (syn || size < XTCPOLEN_SACK_BASE + XTCPOLEN_SACK_PERBLOCK ||
		    (size - XTCPOLEN_SACK_BASE) % XTCPOLEN_SACK_PERBLOCK)
			break;
		n = (size - XTCPOLEN_SACK_BASE) / XTCPOLEN_SACK_PERBLOCK;
		if (n > XTCP_MAX_SACK_BLOCKS)
			n = XTCP_MAX_SACK_BLOCKS;
		/* A later SACK option replaces an earlier one entirely. */
		memset(out->sacks, 0, sizeof(out->sacks));
		for (i = 0; i < n; i++) {
			out->sacks[i].start = xtcp_get_be32(body + 8 * i);
			out->sacks[i].end = xtcp_get_be32(body + 8 * i + 4);
		}
		out->num_sacks = n;
		break;
	default:
		/* Unknown kinds are skipped (RFC 9293 3.1, MUST-6). */
		break;
	}
}

int xtcp_parse_options(const u8 *opt, unsigned int len, bool syn,
		       struct xtcp_opts *out)
{
	unsigned int pos = 0;
	u8 kind, size;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		kind = opt[pos];
		if (kind == XTCPOPT_EOL)
			return 0;
		if (kind == XTCPOPT_NOP) {
			pos++;
			continue;
		}
		/*
		 * Every other kind has a length byte that counts the kind and
		 * itself.  Below 2 we could not move on (or would loop on the
		 * same byte); past the end the option is cut off.  Either way
		 * the rest of the list cannot be trusted.
		 */
		if (len - pos < 2)
			return -EINVAL;
		size = opt[pos + 1];
		if (size < 2 || size > len - pos)
			return -EINVAL;
		xtcp_parse_one(kind, size, opt + pos + 2, syn, out);
		pos += size;
	}
	return 0;
}

/*
 * SACK blocks to write: they go last and get whatever room is left after
 * the timestamps (Linux's tcp_established_options()): 4 blocks alone, 3
 * with timestamps.  A SYN carries none.
 */
static unsigned int xtcp_sacks_to_write(const struct xtcp_opts *o, bool syn)
{
	unsigned int room = XTCP_MAX_OPT_SPACE;
	unsigned int n = o->num_sacks;

	if (syn)
		return 0;
	if (o->ts_ok)
		room -= 4 * 3;
	if (n > XTCP_MAX_SACK_BLOCKS)
		n = XTCP_MAX_SACK_BLOCKS;
	room = (room - 4) / XTCPOLEN_SACK_PERBLOCK;
	return n < room ? n : room;
}

unsigned int xtcp_options_size(const struct xtcp_opts *o, bool syn)
{
	unsigned int size = 0;
	unsigned int n = xtcp_sacks_to_write(o, syn);

	if (syn && o->mss_ok)
		size += 4;
	/* SACK-permitted shares the timestamps' word, else takes its own. */
	if (o->ts_ok)
		size += 4 * 3;
	else if (syn && o->sack_ok)
		size += 4;
	if (syn && o->wscale_ok)
		size += 4;
	if (n)
		size += 4 + n * XTCPOLEN_SACK_PERBLOCK;
	return size;
}

unsigned int xtcp_write_options(u8 *buf, const struct xtcp_opts *o, bool syn)
{
	unsigned int n = xtcp_sacks_to_write(o, syn);
	bool sack_perm = syn && o->sack_ok;
	u8 *p = buf;
	unsigned int i;
	u8 ws;

	/*
	 * Linux's layout: each option is padded with NOPs in front so that
	 * the 32-bit values inside (timestamps, SACK edges) are aligned.
	 */
	if (syn && o->mss_ok)
		p = xtcp_put4(p, XTCPOPT_MSS, XTCPOLEN_MSS, o->mss >> 8,
			      o->mss & 0xff);
	if (o->ts_ok) {
		/* SACK-permitted fills the two bytes NOPs would take. */
		if (sack_perm)
			p = xtcp_put4(p, XTCPOPT_SACK_PERM, XTCPOLEN_SACK_PERM,
				      XTCPOPT_TIMESTAMP, XTCPOLEN_TIMESTAMP);
		else
			p = xtcp_put4(p, XTCPOPT_NOP, XTCPOPT_NOP,
				      XTCPOPT_TIMESTAMP, XTCPOLEN_TIMESTAMP);
		p = xtcp_put_be32(p, o->tsval);
		p = xtcp_put_be32(p, o->tsecr);
	} else if (sack_perm) {
		p = xtcp_put4(p, XTCPOPT_NOP, XTCPOPT_NOP, XTCPOPT_SACK_PERM,
			      XTCPOLEN_SACK_PERM);
	}
	if (syn && o->wscale_ok) {
		ws = o->wscale > XTCP_MAX_WSCALE ? XTCP_MAX_WSCALE : o->wscale;
		p = xtcp_put4(p, XTCPOPT_NOP, XTCPOPT_WINDOW, XTCPOLEN_WINDOW,
			      ws);
	}
	if (n) {
		p = xtcp_put4(p, XTCPOPT_NOP, XTCPOPT_NOP, XTCPOPT_SACK,
			      XTCPOLEN_SACK_BASE + n * XTCPOLEN_SACK_PERBLOCK);
		for (i = 0; i < n; i++) {
			p = xtcp_put_be32(p, o->sacks[i].start);
			p = xtcp_put_be32(p, o->sacks[i].end);
		}
	}
	return (unsigned int)(p - buf);
}

u8 xtcp_select_wscale(u32 space)
{
	int shift = -15;

	while (space > 1) {	/* shift = ilog2(space) - 15 */
		space >>= 1;
		shift++;
	}
	if (shift < 0)
		return 0;
	return shift > XTCP_MAX_WSCALE ? XTCP_MAX_WSCALE : (u8)shift;
}

bool xtcp_paws_ok(u32 tsval, u32 ts_recent, u32 ts_recent_age)
{
	if (!ts_recent || ts_recent_age >= XTCP_PAWS_IDLE_SECS)
		return true;
	return !xtcp_seq_before(tsval, ts_recent);
}

unsigned int xtcp_sack_add(struct xtcp_sack_block *blk, unsigned int n,
			   u32 start, u32 end)
{
	struct xtcp_sack_block cur = { start, end };
	unsigned int i, k = 0;

	if (!xtcp_seq_before(start, end))
		return n;
	/*
	 * Blocks never touch each other, so any block touching the grown
	 * range touches the new data itself: one pass finds them all.
	 */
	for (i = 0; i < n; i++) {
		if (!xtcp_seq_after(blk[i].start, cur.end) &&
		    !xtcp_seq_after(cur.start, blk[i].end)) {
			cur.start = xtcp_seq_min(cur.start, blk[i].start);
			cur.end = xtcp_seq_max(cur.end, blk[i].end);
		} else {
			blk[k++] = blk[i];
		}
	}
	if (k == XTCP_MAX_SACK_BLOCKS)
		k--;	/* the least recently reported one */
	for (i = k; i > 0; i--)
		blk[i] = blk[i - 1];
	blk[0] = cur;
	return k + 1;
}

unsigned int xtcp_sack_advance(struct xtcp_sack_block *blk, unsigned int n,
			       u32 rcv_nxt)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		if (!xtcp_seq_after(blk[i].end, rcv_nxt))
			continue;
		blk[k] = blk[i];
		blk[k].start = xtcp_seq_max(blk[k].start, rcv_nxt);
		k++;
	}
	return k;
}

unsigned int xtcp_sack_prune(struct xtcp_sack_block *blk, unsigned int n,
			     u32 seq)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		if (!xtcp_seq_before(blk[i].start, seq))
			continue;
		blk[k] = blk[i];
		blk[k].end = xtcp_seq_min(blk[k].end, seq);
		k++;
	}
	return k;
}

int xtcp_state_on_close(int state, bool *send_fin)
{
	bool fin = false;

	switch (state) {
	case XTCP_ESTABLISHED:
	case XTCP_SYN_RECV:
		/* SYN_RECV too: RFC 9293 3.10.4 queues the FIN, Linux sends it. */
		state = XTCP_FIN_WAIT1;
		fin = true;
		break;
	case XTCP_CLOSE_WAIT:
		/* The peer has finished already: ours is the last FIN. */
		state = XTCP_LAST_ACK;
		fin = true;
		break;
	case XTCP_LISTEN:
	case XTCP_SYN_SENT:
	case XTCP_CLOSE:
		/* Nothing was said to a peer yet that a FIN would end. */
		state = XTCP_CLOSE;
		break;
	default:
		/* A FIN is already on its way (or done): nothing to do. */
		break;
	}
	if (send_fin)
		*send_fin = fin;
	return state;
}

int xtcp_state_on_fin(int state)
{
	switch (state) {
	case XTCP_SYN_RECV:
	case XTCP_ESTABLISHED:
		return XTCP_CLOSE_WAIT;
	case XTCP_FIN_WAIT1:
		/* Both sides closed at once, ours not yet acknowledged. */
		return XTCP_CLOSING;
	case XTCP_FIN_WAIT2:
		return XTCP_TIME_WAIT;
	default:
		return state;
	}
}

int xtcp_state_on_fin_acked(int state)
{
	switch (state) {
	case XTCP_FIN_WAIT1:
		return XTCP_FIN_WAIT2;
	case XTCP_CLOSING:
		return XTCP_TIME_WAIT;
	case XTCP_LAST_ACK:
		return XTCP_CLOSE;
	default:
		return state;
	}
}

bool xtcp_state_can_send(int state)
{
	return state == XTCP_ESTABLISHED || state == XTCP_CLOSE_WAIT;
}

bool xtcp_state_can_recv_data(int state)
{
	return state == XTCP_ESTABLISHED || state == XTCP_FIN_WAIT1 ||
	       state == XTCP_FIN_WAIT2;
}

u32 xtcp_select_window(u32 free_space, u32 cur_wnd, u32 mss, u32 max_wnd)
{
	u32 wnd = free_space;

	/* First what the header can carry, then round within that. */
	if (wnd > max_wnd)
		wnd = max_wnd;
	/*
	 * Receiver-side silly window avoidance: offer room in whole
	 * segments, so the right edge only moves forward by full MSS steps
	 * and the sender is never invited to send a tiny segment at the end
	 * of a large window.
	 */
	if (mss && wnd >= mss)
		wnd -= wnd % mss;
	/*
	 * Never move the right edge back (RFC 9293 3.8.6): the peer may
	 * already have sent up to it.
	 */
	if (wnd < cur_wnd)
		wnd = cur_wnd;
	if (wnd > max_wnd)
		wnd = max_wnd;
	return wnd;
}

static void xtcp_cong_init(struct xtcp_cong *c)
{
	c->cwnd = XTCP_INIT_CWND;
	c->ssthresh = XTCP_INFINITE_SSTHRESH;
	c->cwnd_cnt = 0;
}

/* cwnd + n, stopping at the largest u32 rather than wrapping to 0. */
static u32 xtcp_cwnd_add(u32 cwnd, u64 n)
{
	u64 sum = cwnd + n;

	return sum > 0xffffffffU ? 0xffffffffU : (u32)sum;
}

static void xtcp_cong_on_ack(struct xtcp_cong *c, u32 acked_segs)
{
	u32 w, step;
	u64 cnt, delta;

	/* Slow start: one more segment per segment acknowledged. */
	if (c->cwnd < c->ssthresh) {
		step = c->ssthresh - c->cwnd;
		if (step > acked_segs)
			step = acked_segs;
		c->cwnd += step;
		acked_segs -= step;
	}
	if (!acked_segs)
		return;

	/*
	 * Congestion avoidance: one more segment per window of segments
	 * acknowledged, about one per round trip.  cwnd_cnt counts towards
	 * the next increase; a stretch ACK may earn several at once.
	 */
	w = c->cwnd ? c->cwnd : 1;
	if (c->cwnd_cnt >= w) {
		/* cwnd shrank under a count earned against a larger one. */
		c->cwnd_cnt = 0;
		c->cwnd = xtcp_cwnd_add(c->cwnd, 1);
	}
	cnt = (u64)c->cwnd_cnt + acked_segs;
	if (cnt >= w) {
		delta = cnt / w;
		cnt -= delta * w;
		c->cwnd = xtcp_cwnd_add(c->cwnd, delta);
	}
	c->cwnd_cnt = (u32)cnt;
}

/* RFC 5681 (4): half of what is in flight, but at least 2 segments. */
static u32 xtcp_loss_ssthresh(u32 in_flight_segs)
{
	u32 half = in_flight_segs / 2;

	return half > 2 ? half : 2;
}

static u32 xtcp_reno_ssthresh(const struct xtcp_cong *c, u32 in_flight_segs)
{
	(void)c;	/* Reno looks only at the flight; CUBIC needs more. */
	return xtcp_loss_ssthresh(in_flight_segs);
}

const struct xtcp_cong_ops xtcp_cong_reno = {
	.name		= "reno",
	.init		= xtcp_cong_init,
	.on_ack		= xtcp_cong_on_ack,
	.ssthresh	= xtcp_reno_ssthresh,
};

void xtcp_cong_recovery_enter(const struct xtcp_cong_ops *ops,
			      struct xtcp_cong *c, u32 in_flight_segs)
{
	c->ssthresh = ops->ssthresh(c, in_flight_segs);
	c->cwnd = xtcp_cwnd_add(c->ssthresh, 3);
	c->cwnd_cnt = 0;
}

void xtcp_cong_recovery_dupack(struct xtcp_cong *c)
{
	c->cwnd = xtcp_cwnd_add(c->cwnd, 1);
}

void xtcp_cong_recovery_partial(struct xtcp_cong *c, u32 acked_segs)
{
	c->cwnd = (c->cwnd > acked_segs ? c->cwnd - acked_segs : 0) + 1;
}

void xtcp_cong_recovery_exit(struct xtcp_cong *c, u32 in_flight_segs)
{
	u32 w = (in_flight_segs ? in_flight_segs : 1) + 1;

	c->cwnd = w < c->ssthresh ? w : c->ssthresh;
	c->cwnd_cnt = 0;
}

void xtcp_cong_timeout(const struct xtcp_cong_ops *ops, struct xtcp_cong *c,
		       u32 in_flight_segs)
{
	c->ssthresh = ops->ssthresh(c, in_flight_segs);
	c->cwnd = 1;
	c->cwnd_cnt = 0;
}

bool xtcp_sack_block_valid(u32 start, u32 end, u32 snd_una, u32 snd_max)
{
	return xtcp_seq_before(start, end) &&
	       !xtcp_seq_before(start, snd_una) &&
	       !xtcp_seq_after(end, snd_max);
}

bool xtcp_sack_is_dsack(const struct xtcp_sack_block *blk, unsigned int n,
			u32 ack)
{
	if (!n)
		return false;
	if (xtcp_seq_before(blk[0].start, ack))
		return true;
	return n > 1 && !xtcp_seq_after(blk[0].end, blk[1].end) &&
	       !xtcp_seq_before(blk[0].start, blk[1].start);
}

unsigned int xtcp_sack_uncovered(u32 start, u32 end,
				 const struct xtcp_sack_block *seen,
				 unsigned int n, struct xtcp_sack_block *out)
{
	int parts = 1, j;
	unsigned int i;

	out[0].start = start;
	out[0].end = end;
	for (i = 0; i < n && parts; i++) {
		u32 cs = seen[i].start, ce = seen[i].end;

		if (!xtcp_seq_before(cs, ce))
			continue;
		for (j = 0; j < parts; j++) {
			u32 ps = out[j].start, pe = out[j].end;

			if (!xtcp_seq_before(cs, pe) || !xtcp_seq_before(ps, ce))
				continue;	/* apart */
			if (xtcp_seq_before(ps, cs) && xtcp_seq_before(ce, pe)) {
				/* cs..ce inside: two parts */
				memmove(&out[j + 2], &out[j + 1],
					(parts - j - 1) * sizeof(*out));
				out[j].end = cs;
				out[j + 1].start = ce;
				out[j + 1].end = pe;
				parts++;
				j++;
			} else if (xtcp_seq_before(ps, cs)) {
				out[j].end = cs;
			} else if (xtcp_seq_before(ce, pe)) {
				out[j].start = ce;
			} else {
				memmove(&out[j], &out[j + 1],
					(parts - j - 1) * sizeof(*out));
				parts--;
				j--;
			}
		}
	}
	return parts;
}

u32 xtcp_pipe(u32 packets_out, u32 sacked_out, u32 lost_out, u32 retrans_out)
{
	u32 left = sacked_out + lost_out;

	/* Never below what is being retransmitted, should counts disagree. */
	return (packets_out > left ? packets_out - left : 0) + retrans_out;
}

u32 xtcp_prr_cwnd(u32 pipe, u32 ssthresh, u32 recover_fs, u32 prr_delivered,
		  u32 prr_out, u32 delivered)
{
	u64 sndcnt;

	if (!recover_fs)
		recover_fs = 1;
	if (pipe > ssthresh) {
		/* Proportional: ceil(delivered * ssthresh / recover_fs). */
		u64 target = ((u64)prr_delivered * ssthresh + recover_fs - 1) /
			     recover_fs;

		sndcnt = target > prr_out ? target - prr_out : 0;
	} else {
		/* Slow start reduction bound: no bursts beyond ssthresh. */
		u64 limit = prr_delivered > prr_out ?
			    (u64)prr_delivered - prr_out : 0;

		if (limit < delivered)
			limit = delivered;
		limit += 1;
		sndcnt = ssthresh - pipe;
		if (sndcnt > limit)
			sndcnt = limit;
	}
	if (!sndcnt && !prr_out)
		sndcnt = 1;	/* the fast retransmit itself */
	sndcnt += pipe;
	return sndcnt > 0xffffffffU ? 0xffffffffU : (u32)sndcnt;
}

bool xtcp_rack_sent_after(u32 t1_us, u32 end1, u32 t2_us, u32 end2)
{
	if (t1_us != t2_us)
		return (s32)(t1_us - t2_us) > 0;
	return xtcp_seq_after(end1, end2);
}

u32 xtcp_rack_reo_wnd(u32 min_rtt_us, u32 srtt_us, bool reord_seen,
		      bool in_recovery, u32 sacked_out)
{
	u32 wnd;

	if (!reord_seen && (in_recovery || sacked_out >= XTCP_DUPTHRESH))
		return 0;
	wnd = reord_seen ? srtt_us : min_rtt_us / 4;

	return wnd < srtt_us ? wnd : srtt_us;
}

u32 xtcp_rack_time_left(u32 sent_us, u32 now_us, u32 rack_rtt_us,
			u32 reo_wnd_us)
{
	u64 deadline = (u64)rack_rtt_us + reo_wnd_us;
	u32 elapsed = now_us - sent_us;

	if (elapsed >= deadline)
		return 0;
	deadline -= elapsed;
	return deadline > 0xffffffffU ? 0xffffffffU : (u32)deadline;
}

u32 xtcp_tlp_pto(u32 srtt_us, u32 packets_out, u32 rto_left_us)
{
	u64 pto = 2 * (u64)srtt_us;

	if (packets_out == 1)
		pto += XTCP_TLP_WC_DELACK_US;
	if (pto < XTCP_TLP_MIN_US)
		pto = XTCP_TLP_MIN_US;
	if (pto > rto_left_us)
		pto = rto_left_us;
	return (u32)pto;
}

enum xtcp_ack_verdict xtcp_ack_verdict(u32 ack, u32 snd_una, u32 snd_nxt,
				       u32 max_window, u64 bytes_acked)
{
	if (xtcp_seq_before(ack, snd_una)) {
		if (bytes_acked < max_window)
			max_window = (u32)bytes_acked;
		return xtcp_seq_before(ack, snd_una - max_window) ?
		       XTCP_ACK_TOO_OLD : XTCP_ACK_OLD;
	}
	return xtcp_seq_after(ack, snd_nxt) ? XTCP_ACK_UNSENT : XTCP_ACK_OK;
}

bool xtcp_oow_limited(u32 now, u32 last, u32 limit)
{
	s32 elapsed = (s32)(now - last);

	return last && elapsed >= 0 && (u32)elapsed < limit;
}

bool xtcp_probe_give_up(const struct xtcp_probe_state *p)
{
	u32 max_probes = p->retries2;

	if (p->user_timeout_ms && p->elapsed_ms >= p->user_timeout_ms)
		return true;
	if (p->orphan) {
		/* Backed off to the maximum: nobody has answered for long. */
		if (xtcp_rto_backoff(p->rto_us, p->backoff) >= XTCP_RTO_MAX_US)
			return true;
		max_probes = p->orphan_retries;
	}
	return p->probes_out >= max_probes;
}

u64 xtcp_delivery_rate(u32 delivered_segs, u32 mss, u32 send_elapsed_us,
		       u32 ack_elapsed_us, u32 min_rtt_us)
{
	u32 interval = send_elapsed_us > ack_elapsed_us ? send_elapsed_us :
							  ack_elapsed_us;

	if (!interval || interval < min_rtt_us || !delivered_segs)
		return 0;
	return (u64)delivered_segs * mss * 1000000U / interval;
}

static u32 xtcp_rcv_ratio(u32 len, u32 truesize)
{
	u64 r;

	if (!truesize)
		return XTCP_RCV_RATIO_DEFAULT;
	r = ((u64)len << 8) / truesize;
	if (r < 1)
		r = 1;
	if (r > 255)
		r = 255;
	return (u32)r;
}

u32 xtcp_drs_rcvbuf(u32 copied, u32 prev, u32 advmss, u32 ratio,
		    u32 rmem_max)
{
	u64 rcvwin = ((u64)copied << 1) + 16ULL * advmss;
	u64 buf;

	if (prev && copied > prev)
		rcvwin += (rcvwin * (copied - prev) / prev) << 1;
	if (!ratio)
		ratio = 1;
	buf = (rcvwin << 8) / ratio;
	return buf > rmem_max ? rmem_max : (u32)buf;
}

u32 xtcp_sndbuf_for_cwnd(u32 cwnd, u32 per_mss_truesize, u32 wmem_max)
{
	u64 mem = 2ULL * (cwnd > XTCP_INIT_CWND ? cwnd : XTCP_INIT_CWND) *
		  per_mss_truesize;

	return mem > wmem_max ? wmem_max : (u32)mem;
}

u32 xtcp_space_to_window(u32 free_space, u32 ratio)
{
	return (u32)(((u64)free_space * ratio) >> 8);
}

u32 xtcp_rcv_ratio_update(u32 old, u32 len, u32 truesize)
{
	u32 r = xtcp_rcv_ratio(len, truesize);

	if (r <= old)
		return r;
	return old + (r - old + 7) / 8;
}
