// SPDX-License-Identifier: GPL-2.0
/*
 * Wire-level conformance against a fake peer (wire_peer.h): the
 * retransmission timer's backoff and loss recovery with SACK: fast
 * retransmit, timeouts that skip SACKed data, tail loss probes,
 * reneging, SACK blocks that must be ignored, and the cost of an ACK as
 * the scoreboard grows.
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

TEST_HARNESS_MAIN
