// SPDX-License-Identifier: GPL-2.0
/*
 * Wire-level conformance against a fake peer (wire_peer.h): the
 * retransmission timer's backoff and loss recovery with SACK: fast
 * retransmit, timeouts that skip SACKed data, tail loss probes,
 * reneging, SACK blocks that must be ignored, the cost of an ACK as
 * the scoreboard grows, and undoing reductions that prove needless
 * (D-SACK, Eifel detection, F-RTO), the window's restart after an idle
 * spell, and its growth only when it held the sender back.
 * Every expectation holds for Linux's TCP too (XTCP_TEST_FAMILY=inet).
 */
#include "wire_peer.h"

TEST_F(wire, rto_backoff)
{
	struct wire *w = &self->w;
	unsigned int rto;
	char data[100];
	uint32_t seq;
	uint64_t last;
	struct rx r;
	int i;

	establish(_metadata, w, 0, NULL);
	xt_pattern(data, sizeof(data), 3, 0);
	ASSERT_EQ(100, send(w->fd, data, 100, 0));
	rto = rto_ms(_metadata, w->fd);
	rx_expect(_metadata, w, &r, 1000, "data");
	seq = w->rcv_nxt;
	check_seg(_metadata, w, &r, TH_ACK | TH_PSH, seq, w->snd_nxt, 100);
	ASSERT_LE(200U, rto);
	ASSERT_GE(1000U, rto);
	last = r.t;
	for (i = 0; i < 3; i++) {
		rx_expect(_metadata, w, &r, 5000, "a retransmission");
		check_seg(_metadata, w, &r, TH_ACK | TH_PSH, seq, w->snd_nxt,
			  100);
		ASSERT_EQ(0, memcmp(r.data, data, 100));
		TH_LOG("retransmission %d after %llu ms (RTO %u ms)", i + 1,
		       (unsigned long long)(r.t - last), rto);
		ASSERT_TIMER(r.t - last, (uint64_t)rto << i, "retransmission");
		last = r.t;
	}
	w->rcv_nxt += 100;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	rx_none(_metadata, w, 300, "the ACK of everything");
}

TEST_F(wire, sack_fast_retransmit)
{
	struct wire *w = &self->w;
	struct tcp_info ti;
	unsigned int rto;
	uint64_t t_sack;
	struct burst b;
	struct rx r;

	establish_sack(_metadata, w, RTT_MS);
	send_burst(_metadata, w, &b);
	peer_ack(_metadata, w, b.seq[1], NULL, 0);
	t_sack = xt_now_ms();
	sack_all_but_2(_metadata, w, &b);
	rto = rto_ms(_metadata, w->fd);
	expect_again(_metadata, w, &b, 1, 2000, &r, "segment 2 again");
	TH_LOG("segment 2 again %llu ms after the first SACK (RTO %u ms)",
	       (unsigned long long)(r.t - t_sack), rto);
	ASSERT_GT(rto, r.t - t_sack) TH_LOG("not a fast retransmit");
	rx_none_burst(_metadata, w, &b, 150, "segment 2 again");
	CHECK_INFO(w->fd, "in recovery", .ca_state = CA_RECOVERY,
		   .unacked = NSEG - 1, .sacked = NSEG - 2, .lost = 1,
		   .retrans = 1, .total_retrans = 1);
	/* CUBIC, the default, cuts the window of 10 to 0.7 of it. */
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(7U, ti.tcpi_snd_ssthresh);

	w->ts_ecr = rx_tsval(&r);
	sleep_until(r.t + w->rtt_ms);
	peer_ack(_metadata, w, b.seq[NSEG], NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	CHECK_INFO(w->fd, "after the ACK of everything", .ca_state = CA_OPEN,
		   .sacked = 0, .lost = 0, .retrans = 0, .total_retrans = 1);
	rx_none_burst(_metadata, w, &b, 100, "the ACK of everything");
	new_data_flows(_metadata, w);
	CHECK_INFO(w->fd, "at the end", .ca_state = CA_OPEN,
		   .total_retrans = 1);
}

TEST_F(wire, sack_rto_skips_sacked)
{
	struct wire *w = &self->w;
	uint64_t t_sack, end, last = 0;
	unsigned int rto;
	uint32_t tsval = 0;
	struct burst b;
	char s[256];
	struct rx r;
	int n = 0;

	establish_sack(_metadata, w, RTT_MS);
	send_burst(_metadata, w, &b);
	peer_ack(_metadata, w, b.seq[1], NULL, 0);
	t_sack = xt_now_ms();
	sack_all_but_2(_metadata, w, &b);
	rto = rto_ms(_metadata, w->fd);
	end = t_sack + 3000;
	while (xt_now_ms() < end &&
	       !rx_next(w, &r, (int)(end - xt_now_ms()))) {
		rx_str(&r, s, sizeof(s));
		ASSERT_EQ(b.seq[1], r.s.seq)
			TH_LOG("after %llu ms: segment %d sent again (SACKed: 3..%d): %s",
			       (unsigned long long)(r.t - t_sack),
			       burst_index(&b, r.s.seq), NSEG, s);
		check_data(_metadata, w, &r, false, b.seq[1], b.mss);
		ASSERT_EQ(0, memcmp(r.data, b.data + b.mss, b.mss));
		tsval = rx_tsval(&r);
		n++;
		TH_LOG("segment 2 again (%d) %llu ms after the first SACK",
		       n, (unsigned long long)(r.t - t_sack));
		if (n == 1) {
			ASSERT_GT(rto, r.t - t_sack)
				TH_LOG("not a fast retransmit (RTO %u ms)",
				       rto);
		} else {
			ASSERT_TIMER(r.t - last, (uint64_t)rto << (n - 2),
				     "retransmission timeout");
		}
		if (n == 2)
			CHECK_INFO(w->fd, "after the RTO", .ca_state = CA_LOSS,
				   .unacked = NSEG - 1, .sacked = NSEG - 2,
				   .lost = 1, .retrans = 1,
				   .total_retrans = 2);
		last = r.t;
	}
	TH_LOG("segment 2 sent %d times in 3 s (RTO %u ms)", n, rto);
	ASSERT_LE(3, n) TH_LOG("wanted a fast retransmit and two RTOs");

	w->ts_ecr = tsval;
	peer_ack(_metadata, w, b.seq[NSEG], NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	CHECK_INFO(w->fd, "after the ACK of everything", .ca_state = CA_OPEN,
		   .sacked = 0, .lost = 0, .retrans = 0, .total_retrans = n);
	rx_none_burst(_metadata, w, &b, 100, "the ACK of everything");
}

TEST_F(wire, tail_loss_probe)
{
	struct wire *w = &self->w;
	uint64_t t_ack, from_ack, from_send;
	struct tcp_info ti;
	unsigned int rto;
	struct burst b;
	char s[256];
	struct rx r;

	establish_sack(_metadata, w, RTT_MS);
	send_burst(_metadata, w, &b);
	peer_ack(_metadata, w, b.seq[NSEG - 1], NULL, 0);
	t_ack = xt_now_ms();
	CHECK_INFO(w->fd, "last segment out", .ca_state = CA_OPEN,
		   .unacked = 1, .total_retrans = 0);
	rto = rto_ms(_metadata, w->fd);
	expect_again(_metadata, w, &b, NSEG - 1, 2 * rto + 1000, &r,
		     "a loss probe: the last segment again");
	from_ack = r.t - t_ack;
	from_send = r.t - b.t;
	TH_LOG("probe %llu ms after the ACK, %llu ms after the segment (RTO %u ms)",
	       (unsigned long long)from_ack, (unsigned long long)from_send,
	       rto);
	ASSERT_TRUE(timer_ok(from_send, rto) || timer_ok(from_ack, rto))
		TH_LOG("probe not at about the RTO");
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	info_str(&ti, s, sizeof(s));
	TH_LOG("after the probe: %s", s);
	ASSERT_EQ(CA_OPEN, ti.tcpi_ca_state)
		TH_LOG("a timeout, not a probe: %s", s);
	ASSERT_EQ(0, ti.tcpi_backoff) TH_LOG("a timeout, not a probe: %s", s);
	ASSERT_EQ(0, ti.tcpi_retransmits)
		TH_LOG("a timeout, not a probe: %s", s);
	ASSERT_EQ(1U, ti.tcpi_total_retrans) TH_LOG("%s", s);
	ASSERT_EQ(1U, ti.tcpi_unacked) TH_LOG("%s", s);

	w->ts_ecr = rx_tsval(&r);
	sleep_until(r.t + w->rtt_ms);
	peer_ack(_metadata, w, b.seq[NSEG], NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	CHECK_INFO(w->fd, "after the ACK of everything", .ca_state = CA_OPEN,
		   .total_retrans = 1);
	rx_none_burst(_metadata, w, &b, 100, "the ACK of everything");
}

TEST_F(wire, tail_loss_probe_sack)
{
	struct wire *w = &self->w;
	unsigned int rto, srtt;
	struct sack_blk blk;
	struct tcp_info ti;
	uint64_t t_ack;
	struct burst b;
	struct rx r;

	establish_sack(_metadata, w, RTT_MS);
	send_burst(_metadata, w, &b);
	peer_ack(_metadata, w, b.seq[NSEG - 2], NULL, 0);
	t_ack = xt_now_ms();
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	rto = ti.tcpi_rto / 1000;
	srtt = ti.tcpi_rtt / 1000;
	expect_again(_metadata, w, &b, NSEG - 1, 2 * rto + 1000, &r,
		     "a loss probe: the last segment again");
	TH_LOG("probe %llu ms after the ACK (srtt %u ms, RTO %u ms)",
	       (unsigned long long)(r.t - t_ack), srtt, rto);
	ASSERT_TIMER(r.t - t_ack, 2 * srtt, "loss probe");
	ASSERT_GT(rto, r.t - t_ack) TH_LOG("the probe came with the RTO");
	CHECK_INFO(w->fd, "after the probe", .ca_state = CA_OPEN,
		   .unacked = 2, .sacked = 0, .total_retrans = 1);

	/* The probe arrived: SACKed a round trip later. */
	sleep_until(r.t + w->rtt_ms + 20);
	blk.start = b.seq[NSEG - 1];
	blk.end = b.seq[NSEG];
	peer_ack(_metadata, w, b.seq[NSEG - 2], &blk, 1);
	expect_again(_metadata, w, &b, NSEG - 2, 1000, &r,
		     "segment 9 again");
	rx_none_burst(_metadata, w, &b, 100, "segment 9 again");
	CHECK_INFO(w->fd, "in recovery", .ca_state = CA_RECOVERY,
		   .unacked = 2, .sacked = 1, .lost = 1, .retrans = 1,
		   .total_retrans = 2);

	w->ts_ecr = rx_tsval(&r);
	sleep_until(r.t + w->rtt_ms);
	peer_ack(_metadata, w, b.seq[NSEG], NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	CHECK_INFO(w->fd, "after the ACK of everything", .ca_state = CA_OPEN,
		   .sacked = 0, .lost = 0, .retrans = 0, .total_retrans = 2);
	rx_none_burst(_metadata, w, &b, 100, "the ACK of everything");
}

/*
 * The peer reneges: its ACK stops at data it had SACKed.  A timeout soon
 * resends everything from there; it keeps the ssthresh the recovery took
 * for this window (no second cut, as Linux's tcp_enter_loss()).
 */
TEST_F(wire, sack_reneging)
{
	struct wire *w = &self->w;
	unsigned int rto, ssthresh;
	struct tcp_info ti;
	uint64_t t_ack;
	struct burst b;
	struct rx r;
	int i;

	establish_sack(_metadata, w, RTT_MS);
	send_burst(_metadata, w, &b);
	peer_ack(_metadata, w, b.seq[1], NULL, 0);
	sack_all_but_2(_metadata, w, &b);
	expect_again(_metadata, w, &b, 1, 2000, &r, "segment 2 again");
	rx_none_burst(_metadata, w, &b, 50, "segment 2 again");
	CHECK_INFO(w->fd, "in recovery", .ca_state = CA_RECOVERY,
		   .sacked = NSEG - 2);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ssthresh = ti.tcpi_snd_ssthresh;

	w->ts_ecr = rx_tsval(&r);
	sleep_until(r.t + w->rtt_ms);
	peer_ack(_metadata, w, b.seq[2], NULL, 0);
	t_ack = xt_now_ms();
	rto = rto_ms(_metadata, w->fd);
	expect_again(_metadata, w, &b, 2, 2 * rto + 1000, &r,
		     "segment 3 again");
	TH_LOG("segment 3 again %llu ms after the reneging ACK (RTO %u ms)",
	       (unsigned long long)(r.t - t_ack), rto);
	ASSERT_GE(rto * 3 / 2 + 300, r.t - t_ack);
	CHECK_INFO(w->fd, "after the timeout", .ca_state = CA_LOSS,
		   .unacked = NSEG - 2, .sacked = 0);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(ssthresh, ti.tcpi_snd_ssthresh)
		TH_LOG("the timeout cut ssthresh again");
	ASSERT_EQ(1U, ti.tcpi_snd_cwnd);
	for (i = 3; i < NSEG; i++) {
		/* The peer acknowledges each segment as it comes. */
		w->ts_ecr = rx_tsval(&r);
		peer_ack(_metadata, w, r.s.seq + r.s.plen, NULL, 0);
		expect_again(_metadata, w, &b, i, 1000, &r,
			     "the next segment again");
	}
	w->ts_ecr = rx_tsval(&r);
	peer_ack(_metadata, w, b.seq[NSEG], NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	CHECK_INFO(w->fd, "after the ACK of everything", .ca_state = CA_OPEN,
		   .sacked = 0, .lost = 0, .retrans = 0,
		   .total_retrans = NSEG - 1);
	rx_none_burst(_metadata, w, &b, 100, "the ACK of everything");
}

TEST_F(wire, sack_invalid_blocks)
{
	struct wire *w = &self->w;
	struct sack_blk blk[5];
	struct burst b;
	int i;

	establish_sack(_metadata, w, 2 * RTT_MS);
	send_burst(_metadata, w, &b);
	peer_ack(_metadata, w, b.seq[1], NULL, 0);
	/* Below SND.UNA (a D-SACK); ending before it starts; empty. */
	blk[0] = (struct sack_blk){ b.seq[0], b.seq[1] };
	blk[1] = (struct sack_blk){ b.seq[4], b.seq[3] };
	blk[2] = (struct sack_blk){ b.seq[5], b.seq[5] };
	/* Beyond SND.MAX; from the last segment to past SND.MAX. */
	blk[3] = (struct sack_blk){ b.seq[NSEG] + b.mss,
				    b.seq[NSEG] + 2 * b.mss };
	blk[4] = (struct sack_blk){ b.seq[NSEG - 1], b.seq[NSEG] + b.mss };
	for (i = 0; i < 2; i++)
		peer_ack(_metadata, w, b.seq[1], &blk[i], 1);
	rx_none_burst(_metadata, w, &b, 30,
		      "two ACKs with invalid SACK blocks");
	CHECK_INFO(w->fd, "after two ACKs with invalid SACK blocks",
		   .ca_state = CA_OPEN, .unacked = NSEG - 1, .sacked = 0,
		   .lost = 0, .retrans = 0, .total_retrans = 0);
	for (i = 2; i < 5; i++)
		peer_ack(_metadata, w, b.seq[1], &blk[i], 1);
	rx_none_burst(_metadata, w, &b, 50,
		      "five ACKs with invalid SACK blocks");
	CHECK_INFO(w->fd, "after five ACKs with invalid SACK blocks",
		   .ca_state = CA_OPEN, .unacked = NSEG - 1, .sacked = 0,
		   .lost = 0, .retrans = 0, .total_retrans = 0);

	peer_ack(_metadata, w, b.seq[NSEG], NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	CHECK_INFO(w->fd, "after the ACK of everything", .ca_state = CA_OPEN,
		   .sacked = 0, .total_retrans = 0);
	rx_none_burst(_metadata, w, &b, 100, "the ACK of everything");
}

TEST_F_TIMEOUT(wire, sack_scoreboard_cost, 120)
{
	static uint64_t small[SCB_BATCH], large[SCB_BATCH];
	static char data[3 * SCB_FLIGHT * SCB_MSS];
	uint64_t p10_small, p10_large;
	struct wire *w = &self->w;
	struct scb c = {};
	struct tcp_info ti;
	uint8_t opt[40];
	uint32_t flight;
	size_t olen, off;
	char s[256];
	struct rx r;
	int i;

	listen_on(_metadata, w, 0);
	olen = syn_opts(opt, O_MSS | O_SACK | O_WS, SCB_MSS, 0, SCB_WSCALE);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &r);
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, w->fd) TH_LOG("accept: %s", strerror(errno));
	ASSERT_OK(xt_set_int(w->fd, IPPROTO_TCP, TCP_NODELAY, 1));
	ASSERT_OK(setsockopt(w->fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 4));
	ASSERT_OK(xt_set_int(w->fd, SOL_SOCKET, SO_SNDBUFFORCE, 64 << 20));
	/* Room in the tun for a whole flight: nothing lost on the way. */
	ASSERT_OK(xt_sh("ip link set %s txqueuelen %d", TUN_NAME,
			4 * SCB_FLIGHT));
	c.hi = w->rcv_nxt;
	c.acked = w->rcv_nxt;

	xt_pattern(data, sizeof(data), 13, 0);
	for (off = 0; off < sizeof(data);) {
		ssize_t got = send(w->fd, data + off, sizeof(data) - off,
				   MSG_DONTWAIT);

		ASSERT_LT(0, got) TH_LOG("send at %zu: %s", off, strerror(errno));
		off += got;
	}

	/* Slow start, every flight acknowledged, until cwnd holds one. */
	for (i = 0;; i++) {
		ASSERT_OK(xt_tcp_info(w->fd, &ti));
		if (ti.tcpi_snd_cwnd >= SCB_FLIGHT + 2)
			break;
		ASSERT_GT(40, i) TH_LOG("cwnd %u after %d flights",
					ti.tcpi_snd_cwnd, i);
		scb_ack_to(_metadata, w, &c, c.hi + 1);
	}
	/* Now the flight it lets out, none of it acknowledged. */
	scb_rx(w, &c, 50);
	flight = (c.hi - c.acked) / SCB_MSS;
	TH_LOG("cwnd %u after %d flights; %u segments in flight",
	       ti.tcpi_snd_cwnd, i, flight);
	ASSERT_LE(SCB_FLIGHT, (int)flight);
	scb_sack_flight(_metadata, w, &c, SCB_FLIGHT - 1, large);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	info_str(&ti, s, sizeof(s));
	TH_LOG("after the large flight: %s", s);
	ASSERT_LE((uint32_t)SCB_FLIGHT - 1, ti.tcpi_sacked) TH_LOG("%s", s);

	/* All acknowledged; then a flight of SCB_BATCH + 1 alone. */
	scb_ack_to(_metadata, w, &c, w->rcv_nxt + sizeof(data));
	w->rcv_nxt += sizeof(data);
	ASSERT_EQ((ssize_t)(SCB_BATCH + 1) * SCB_MSS,
		  send(w->fd, data, (SCB_BATCH + 1) * SCB_MSS, MSG_DONTWAIT));
	scb_rx(w, &c, 50);
	ASSERT_EQ(c.acked + (SCB_BATCH + 1) * SCB_MSS, c.hi)
		TH_LOG("the small flight did not go at once");
	scb_sack_flight(_metadata, w, &c, SCB_BATCH, small);
	scb_ack_to(_metadata, w, &c, c.hi);

	p10_small = ofo_batch(_metadata, small, SCB_BATCH,
			      "ACKs of a small flight:");
	p10_large = ofo_batch(_metadata, large, SCB_BATCH,
			      "the last ACKs of a large flight:");
	TH_LOG("large / small %.2f (limit %d)", (double)p10_large / p10_small,
	       SCB_MAX_RATIO);
	ASSERT_GE(SCB_MAX_RATIO * p10_small, p10_large)
		TH_LOG("an ACK costs more as the flight grows");
}

/*
 * Undo (RFC 2883 4, RFC 3522, RFC 3708, RFC 5682): segment 2's original
 * was only delayed, so the fast retransmit's reduction was needless, and
 * once the ACKs prove it the window and ssthresh go back to what they
 * were.  Linux restores the window to at least its size before the cut
 * (it may grow on the same ACK), and ssthresh exactly: infinite, as the
 * connection was still in slow start.
 */
#define INFINITE_SSTHRESH	0x7fffffffU

/* The burst's segment 2 is SACKed around an RTT later and goes again. */
static void fast_retransmit_2(struct __test_metadata *_metadata,
			      struct wire *w, struct burst *b, struct rx *r)
{
	struct tcp_info ti;

	send_burst(_metadata, w, b);
	/* An RTT on: the retransmission's TSval is later than the burst's. */
	sleep_until(b->t + w->rtt_ms);
	peer_ack(_metadata, w, b->seq[1], NULL, 0);
	sack_all_but_2(_metadata, w, b);
	expect_again(_metadata, w, b, 1, 2000, r, "segment 2 again");
	rx_none_burst(_metadata, w, b, 50, "segment 2 again");
	CHECK_INFO(w->fd, "in recovery", .ca_state = CA_RECOVERY,
		   .total_retrans = 1);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(7U, ti.tcpi_snd_ssthresh);
}

static void check_undone(struct __test_metadata *_metadata, int fd,
			 const char *how)
{
	struct tcp_info ti;

	CHECK_INFO(fd, how, .ca_state = CA_OPEN, .unacked = 0, .lost = 0,
		   .retrans = 0, .total_retrans = 1);
	ASSERT_OK(xt_tcp_info(fd, &ti));
	ASSERT_EQ(INFINITE_SSTHRESH, ti.tcpi_snd_ssthresh)
		TH_LOG("%s: ssthresh not given back", how);
	ASSERT_LE(10U, ti.tcpi_snd_cwnd)
		TH_LOG("%s: cwnd %u, was 10 before the cut", how,
		       ti.tcpi_snd_cwnd);
}

/*
 * An RTT after segment 2 went again, the peer acknowledges everything,
 * echoing @tsecr, with a D-SACK for segment 2 if @dsack.
 */
static void ack_all(struct __test_metadata *_metadata, struct wire *w,
		    const struct burst *b, const struct rx *r, uint32_t tsecr,
		    bool dsack)
{
	struct sack_blk d = { b->seq[1], b->seq[2] };

	w->ts_ecr = tsecr;
	sleep_until(r->t + w->rtt_ms);
	peer_ack(_metadata, w, b->seq[NSEG], dsack ? &d : NULL, dsack);
	wait_unacked(_metadata, w->fd, 0, 1000);
}

/* The counter @name, @before the test, went up by one. */
static void counted_once(struct __test_metadata *_metadata, const char *name,
			 long long before)
{
	ASSERT_LE(0, before) TH_LOG("no counter %s", name);
	ASSERT_EQ(before + 1, xt_mib(name)) TH_LOG("%s", name);
}

/* The ACK of everything reports the retransmission as a duplicate. */
TEST_F(wire, undo_by_dsack)
{
	long long full0 = xt_mib("TCPFullUndo");
	struct wire *w = &self->w;
	struct burst b;
	struct rx r;

	establish_sack(_metadata, w, RTT_MS);
	fast_retransmit_2(_metadata, w, &b, &r);
	/* The retransmission's echo: no Eifel evidence, only the D-SACK. */
	ack_all(_metadata, w, &b, &r, rx_tsval(&r), true);
	check_undone(_metadata, w->fd, "after the D-SACK");
	counted_once(_metadata, "TCPFullUndo", full0);
	rx_none_burst(_metadata, w, &b, 100, "the ACK of everything");
	new_data_flows(_metadata, w);
}

/* The ACK that fills the hole echoes the original's timestamp (Eifel). */
TEST_F(wire, undo_by_timestamp)
{
	long long full0 = xt_mib("TCPFullUndo");
	struct wire *w = &self->w;
	uint32_t burst_tsval;
	struct burst b;
	struct rx r;

	establish_sack(_metadata, w, RTT_MS);
	fast_retransmit_2(_metadata, w, &b, &r);
	burst_tsval = w->ts_ecr;	/* send_burst() took the burst's */
	ASSERT_GT(rx_tsval(&r) - burst_tsval, 0U)
		TH_LOG("the retransmission's TSval must be later");
	ack_all(_metadata, w, &b, &r, burst_tsval, false);
	check_undone(_metadata, w->fd, "after the original's echo");
	counted_once(_metadata, "TCPFullUndo", full0);
	rx_none_burst(_metadata, w, &b, 100, "the ACK of everything");
	new_data_flows(_metadata, w);
}

/*
 * Recovery ends with the reduction in place (the echo is of the
 * retransmission, and no D-SACK); the D-SACK comes on a later duplicate
 * ACK and still undoes it.
 */
TEST_F(wire, undo_by_late_dsack)
{
	long long dsack0 = xt_mib("TCPDSACKUndo");
	struct wire *w = &self->w;
	struct sack_blk dsack;
	struct tcp_info ti;
	struct burst b;
	struct rx r;

	establish_sack(_metadata, w, RTT_MS);
	fast_retransmit_2(_metadata, w, &b, &r);
	ack_all(_metadata, w, &b, &r, rx_tsval(&r), false);
	CHECK_INFO(w->fd, "recovered", .ca_state = CA_OPEN, .total_retrans = 1);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(7U, ti.tcpi_snd_ssthresh) TH_LOG("undone with no evidence");
	ASSERT_GE(7U, ti.tcpi_snd_cwnd);

	dsack.start = b.seq[1];
	dsack.end = b.seq[2];
	peer_ack(_metadata, w, b.seq[NSEG], &dsack, 1);
	xt_msleep(50);
	check_undone(_metadata, w->fd, "after the late D-SACK");
	counted_once(_metadata, "TCPDSACKUndo", dsack0);
	rx_none_burst(_metadata, w, &b, 100, "the late D-SACK");
	new_data_flows(_metadata, w);
}

/*
 * F-RTO (RFC 5682 3.1, Linux's tcp_frto 2): the burst's ACKs are late.
 * The tail loss probe sends segment 11, new data, then the RTO resends
 * segment 1, and its ACK comes.  The sender then sends new data (segment
 * 12) rather than the rest of the burst again; the next ACK covers
 * segments 2 and 3, never resent, so the timeout was spurious: undone,
 * the loss state left, nothing more resent.  The echoes are of our latest
 * segments, so that only F-RTO, not Eifel, can tell.
 */
TEST_F(wire, frto_spurious_timeout)
{
	long long spurious0 = xt_mib("TCPSpuriousRTOs");
	long long loss0 = xt_mib("TCPLossUndo");
	uint32_t mss = MTU_MSS - TSOPT_LEN;
	uint8_t more[2 * MTU_MSS];
	struct wire *w = &self->w;
	unsigned int rto;
	struct tcp_info ti;
	struct burst b;
	struct rx r;
	int i;

	establish_sack(_metadata, w, RTT_MS);
	send_burst(_metadata, w, &b);
	/* Two more segments wait for the window. */
	xt_pattern(more, 2 * mss, 13, 0);
	ASSERT_EQ((ssize_t)(2 * mss), send(w->fd, more, 2 * mss, 0));
	rx_none_burst(_metadata, w, &b, 50, "the window filled");
	rto = rto_ms(_metadata, w->fd);
	for (i = 0; i < 2; i++) {
		char s[256];

		rx_expect(_metadata, w, &r, 2 * rto + 1000,
			  i ? "new data (F-RTO step 2b)" : "the loss probe");
		ASSERT_EQ(b.seq[NSEG] + i * mss, r.s.seq)
			TH_LOG("wanted new data, got segment %d: %s",
			       burst_index(&b, r.s.seq), rx_str(&r, s, sizeof(s)));
		check_data(_metadata, w, &r, i == 1, b.seq[NSEG] + i * mss, mss);
		ASSERT_EQ(0, memcmp(r.data, more + i * mss, mss));
		if (i)
			break;
		expect_again(_metadata, w, &b, 0, 2 * rto + 1000, &r,
			     "segment 1 on the timeout");
		CHECK_INFO(w->fd, "after the timeout", .ca_state = CA_LOSS,
			   .total_retrans = 1);
		w->ts_ecr = rx_tsval(&r);
		peer_ack(_metadata, w, b.seq[1], NULL, 0);
	}
	rx_none_burst(_metadata, w, &b, 50, "F-RTO's new data");
	w->rcv_nxt = b.seq[NSEG] + 2 * mss;

	w->ts_ecr = rx_tsval(&r);
	peer_ack(_metadata, w, b.seq[3], NULL, 0);
	wait_unacked(_metadata, w->fd, NSEG - 1, 1000);
	CHECK_INFO(w->fd, "after the ACK of originals", .ca_state = CA_OPEN,
		   .lost = 0, .retrans = 0, .total_retrans = 1);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(INFINITE_SSTHRESH, ti.tcpi_snd_ssthresh)
		TH_LOG("ssthresh not given back");
	ASSERT_LE(10U, ti.tcpi_snd_cwnd);
	counted_once(_metadata, "TCPSpuriousRTOs", spurious0);
	counted_once(_metadata, "TCPLossUndo", loss0);
	rx_none_burst(_metadata, w, &b, 150, "the spurious timeout's undo");

	peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	CHECK_INFO(w->fd, "at the end", .ca_state = CA_OPEN, .total_retrans = 1);
}

/*
 * An RTT sample from SACKed data (Linux's tcp_ack_update_rtt(): data
 * sent once and newly SACKed counts when nothing is acknowledged
 * cumulatively, duplicate ACKs included).  The burst's first segment is
 * lost, and nothing comes back for 350 ms: the tail loss probe sends
 * segment 10 again (after 2 srtt), then the peer SACKs segments 2-10.
 * Segments 2-9 were sent once: srtt moves from about 80 ms by an eighth
 * of the difference, to 105-115 ms, before anything is acknowledged
 * cumulatively.  Segment 1 then goes again, and the ACK of everything
 * ends it.
 */
TEST_F(wire, sack_rtt_sample)
{
	struct wire *w = &self->w;
	struct sack_blk blk;
	struct tcp_info ti;
	uint64_t end;
	struct burst b;
	struct rx r;
	char s[256];

	establish_sack(_metadata, w, RTT_MS);
	send_burst(_metadata, w, &b);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	info_str(&ti, s, sizeof(s));
	ASSERT_GT(100000U, ti.tcpi_rtt) TH_LOG("before: %s", s);
	expect_again(_metadata, w, &b, NSEG - 1, 1000, &r, "the loss probe");
	sleep_until(b.t + 350);
	blk.start = b.seq[1];
	blk.end = b.seq[NSEG];
	peer_ack(_metadata, w, b.seq[0], &blk, 1);
	end = xt_now_ms() + 1000;
	do {
		ASSERT_OK(xt_tcp_info(w->fd, &ti));
		if (ti.tcpi_sacked == NSEG - 1)
			break;
		xt_msleep(5);
	} while (xt_now_ms() < end);
	info_str(&ti, s, sizeof(s));
	ASSERT_EQ(NSEG - 1, (int)ti.tcpi_sacked) TH_LOG("%s", s);
	ASSERT_LT(97000U, ti.tcpi_rtt) TH_LOG("no sample from the SACK: %s", s);
	ASSERT_GT(200000U, ti.tcpi_rtt) TH_LOG("%s", s);

	expect_again(_metadata, w, &b, 0, 2000, &r, "segment 1 again");
	w->ts_ecr = rx_tsval(&r);
	peer_ack(_metadata, w, b.seq[NSEG], NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	CHECK_INFO(w->fd, "at the end", .ca_state = CA_OPEN,
		   .total_retrans = 2);
}

#define IDLE_SEGS	(2 * NSEG)

/*
 * Restart after idle (RFC 5681 4.1, RFC 2861; net.xtcp and Linux's
 * tcp_slow_start_after_idle): the burst of 10, acknowledged at once in
 * slow start, grows cwnd to 20.  After an idle spell of more than one
 * RTO (and less than two), a write of 20 segments sends 10: the window
 * halved once, to the initial window; the other 10 go once those are
 * acknowledged.  With the knob at 0 the window is kept: all 20 go.
 */
static void idle_restart(struct __test_metadata *_metadata, struct wire *w,
			 bool on)
{
	uint32_t mss = MTU_MSS - TSOPT_LEN, seq;
	uint8_t d[IDLE_SEGS * MTU_MSS];
	unsigned int first = on ? NSEG : IDLE_SEGS;
	struct tcp_info ti;
	struct burst b;
	struct rx r;
	unsigned int i;
	char s[256];

	if (!on)
		ASSERT_OK(xt_sysctl_set("slow_start_after_idle", "0"));
	establish_sack(_metadata, w, RTT_MS);
	send_burst(_metadata, w, &b);
	sleep_until(b.t + RTT_MS);
	peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(2U * NSEG, ti.tcpi_snd_cwnd);

	xt_msleep(ti.tcpi_rto / 1000 + 150);
	xt_pattern(d, IDLE_SEGS * mss, 7, 0);
	ASSERT_EQ((ssize_t)(IDLE_SEGS * mss), send(w->fd, d, IDLE_SEGS * mss, 0));
	seq = w->rcv_nxt;
	for (i = 0; i < IDLE_SEGS; i++) {
		if (i == first) {
			ASSERT_NE(0, rx_next(w, &r, 50))
				TH_LOG("segment %u of %u beyond a window of %u: %s",
				       i + 1, IDLE_SEGS, first,
				       rx_str(&r, s, sizeof(s)));
			ASSERT_OK(xt_tcp_info(w->fd, &ti));
			ASSERT_EQ(first, ti.tcpi_snd_cwnd);
			ASSERT_EQ(first, ti.tcpi_unacked);
			w->rcv_nxt = seq + i * mss;
			peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
		}
		rx_expect(_metadata, w, &r, 1000, "data after the idle spell");
		check_data(_metadata, w, &r, i == IDLE_SEGS - 1, seq + i * mss,
			   mss);
		ASSERT_EQ(0, memcmp(r.data, d + i * mss, mss));
		w->ts_ecr = rx_tsval(&r);
	}
	w->rcv_nxt = seq + IDLE_SEGS * mss;
	peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	CHECK_INFO(w->fd, "at the end", .ca_state = CA_OPEN,
		   .total_retrans = 0);
}

TEST_F(wire, slow_start_after_idle)
{
	idle_restart(_metadata, &self->w, true);
}

TEST_F(wire, idle_keeps_window_when_off)
{
	idle_restart(_metadata, &self->w, false);
}

#define LIMITED_ROUNDS	20
#define LIMITED_SEGS	60
#define LIMITED_ACK_MS	40

/*
 * The host writes @n segments and the peer ACKs each as it comes, one
 * ACK per segment, LIMITED_ACK_MS after it takes it; the write is whole
 * when the last is ACKed.  A write larger than the send buffer goes in
 * parts, each as there is room: the window, not the application, then
 * holds the sender.  The pause keeps the RTT well above the test's own
 * pace: the loss probe's timeout is two RTTs, and a peer held up for
 * longer than one (a busy machine) would get a probe, which changes the
 * window for Linux's TCP as for XTCP.
 */
static void write_acked(struct __test_metadata *_metadata, struct wire *w,
			unsigned int n)
{
	uint32_t mss = MTU_MSS - TSOPT_LEN, start = w->rcv_nxt;
	static uint8_t d[LIMITED_SEGS * MTU_MSS];
	size_t len = n * mss, sent = 0;
	struct rx r;
	char s[256];

	ASSERT_GE(LIMITED_SEGS, (int)n);
	xt_pattern(d, len, 13, start);
	while (sent < len || w->rcv_nxt != start + len) {
		if (sent < len) {
			ssize_t k = send(w->fd, d + sent, len - sent,
					 MSG_DONTWAIT);

			if (k < 0) {
				ASSERT_EQ(EAGAIN, errno);
			} else {
				sent += k;
			}
		}
		rx_expect(_metadata, w, &r, 1000, "data");
		rx_str(&r, s, sizeof(s));
		ASSERT_EQ(w->rcv_nxt, r.s.seq) TH_LOG("%s", s);
		ASSERT_LT(0U, r.s.plen) TH_LOG("%s", s);
		ASSERT_GE(mss, r.s.plen) TH_LOG("%s", s);
		ASSERT_EQ(0, memcmp(r.data, d + (r.s.seq - start), r.s.plen));
		w->rcv_nxt += r.s.plen;
		w->ts_ecr = rx_tsval(&r);
		usleep(LIMITED_ACK_MS * 1000);
		peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	}
	wait_unacked(_metadata, w->fd, 0, 1000);
}

/*
 * The window grows only when it held the sender back (RFC 7661's
 * cwnd validation; Linux's tcp_is_cwnd_limited()).  After a fast
 * retransmit (CUBIC: ssthresh 7) the connection is in congestion
 * avoidance.  Then the application writes two segments fewer than the
 * window, LIMITED_ROUNDS times, each write ACKed segment by segment
 * before the next: more than half the window is in flight, but the
 * window never held the sender, so it does not grow (RFC 2861 may even
 * shrink it).  Then one write of LIMITED_SEGS segments, which the window
 * holds back: now the ACKs grow it.
 */
TEST_F(wire, cwnd_grows_only_when_limited)
{
	struct wire *w = &self->w;
	unsigned int cwnd, n, i;
	struct tcp_info ti;
	struct burst b;
	struct rx r;

	establish_sack(_metadata, w, RTT_MS);
	send_burst(_metadata, w, &b);
	peer_ack(_metadata, w, b.seq[1], NULL, 0);
	sack_all_but_2(_metadata, w, &b);
	expect_again(_metadata, w, &b, 1, 2000, &r, "segment 2 again");
	w->ts_ecr = rx_tsval(&r);
	peer_ack(_metadata, w, b.seq[NSEG], NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	CHECK_INFO(w->fd, "after the recovery", .ca_state = CA_OPEN);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	cwnd = ti.tcpi_snd_cwnd;
	ASSERT_EQ(7U, ti.tcpi_snd_ssthresh);
	ASSERT_LE(ti.tcpi_snd_ssthresh, cwnd) TH_LOG("not in avoidance");
	ASSERT_GE(NSEG, (int)cwnd);
	n = cwnd - 2;

	for (i = 0; i < LIMITED_ROUNDS; i++)
		write_acked(_metadata, w, n);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	TH_LOG("cwnd %u, then %u after %u writes of %u segments", cwnd,
	       ti.tcpi_snd_cwnd, LIMITED_ROUNDS, n);
	ASSERT_GE(cwnd, ti.tcpi_snd_cwnd)
		TH_LOG("the window grew while the application held the sender");
	ASSERT_EQ(CA_OPEN, ti.tcpi_ca_state);

	cwnd = ti.tcpi_snd_cwnd;
	write_acked(_metadata, w, LIMITED_SEGS);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	TH_LOG("cwnd %u after %u segments the window held", ti.tcpi_snd_cwnd,
	       LIMITED_SEGS);
	ASSERT_LT(cwnd, ti.tcpi_snd_cwnd)
		TH_LOG("the window did not grow though it held the sender");
	CHECK_INFO(w->fd, "at the end", .ca_state = CA_OPEN,
		   .total_retrans = 1);
}

TEST_HARNESS_MAIN
