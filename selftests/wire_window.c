// SPDX-License-Identifier: GPL-2.0
/*
 * Wire-level conformance against a fake peer (wire_peer.h): sequence
 * numbers and the window: segments outside it, old duplicates, data past
 * the right edge, zero-window probes, RFC 5961's check of old ACKs and
 * the rate limit on ACKs for dropped segments, the out-of-order queue
 * under a flood of small segments, D-SACKs, and the zero window that
 * answers data dropped for want of memory; when ACKs go: after
 * data the reader has not taken, and on the answers of an interactive
 * connection; the receiver's RTT from the timestamps the peer echoes.
 * Every expectation holds for Linux's TCP too (XTCP_TEST_FAMILY=inet).
 */
#include "wire_peer.h"

TEST_F(wire, data_out_of_window)
{
	struct wire *w = &self->w;

	establish(_metadata, w, 0, NULL);
	SEND(w, TH_ACK | TH_PSH, w->right + 1000, w->rcv_nxt, "beyond", 6);
	expect_ack(_metadata, w, w->snd_nxt, 1000, "a duplicate ACK");
	nothing_to_read(_metadata, w->fd);
	/* The connection carries on. */
	peer_data(_metadata, w, "in window", 9);
}

TEST_F(wire, old_duplicate)
{
	struct wire *w = &self->w;
	uint32_t old;
	char buf[32];

	establish(_metadata, w, 0, NULL);
	old = w->snd_nxt;
	peer_data(_metadata, w, "hello", 5);

	SEND(w, TH_ACK | TH_PSH, old, w->rcv_nxt, "hello", 5);
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of an old duplicate");
	nothing_to_read(_metadata, w->fd);

	/* "lo, world": "lo" is old, ", world" new. */
	SEND(w, TH_ACK | TH_PSH, old + 3, w->rcv_nxt, "lo, world", 9);
	w->snd_nxt += 7;
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of the new bytes");
	ASSERT_LT(0, xt_poll1(w->fd, POLLIN, 1000));
	ASSERT_EQ(7, recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT));
	ASSERT_EQ(0, memcmp(buf, ", world", 7));
}

TEST_F(wire, data_beyond_window_trimmed)
{
	struct wire *w = &self->w;
	uint8_t data[3000], buf[4096];
	uint32_t wnd, len, took;
	struct rx r;
	ssize_t n;

	/* The smallest receive buffer: a window under one segment. */
	establish(_metadata, w, 1, NULL);
	wnd = w->right - w->snd_nxt;
	ASSERT_LT(0U, wnd);
	ASSERT_GT(2000U, wnd) TH_LOG("window %u: SO_RCVBUF not honoured?", wnd);
	/* Past the edge, but no longer than the MSS offered if possible. */
	len = wnd + 100 < MTU_MSS ? MTU_MSS : wnd + 200;
	xt_pattern(data, len, 7, 0);
	SEND(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, data, len);
	rx_expect(_metadata, w, &r, 1000, "the ACK of the data");
	took = r.s.ack - w->snd_nxt;
	TH_LOG("window %u, segment %u bytes: %u acknowledged", wnd, len, took);
	ASSERT_LE(wnd, took);
	ASSERT_GE(len, took);
	if (!xt_inet())
		ASSERT_EQ(wnd, took) TH_LOG("not trimmed to the window");
	w->snd_nxt += took;
	check_ack(_metadata, w, &r, w->snd_nxt);
	ASSERT_LT(0, xt_poll1(w->fd, POLLIN, 1000));
	n = xt_recv_all(w->fd, buf, took);
	ASSERT_EQ((ssize_t)took, n);
	ASSERT_EQ(0, memcmp(buf, data, took));
	nothing_to_read(_metadata, w->fd);
}

TEST_F(wire, old_ack_blind_data)
{
	struct wire *w = &self->w;
	char data[1000], buf[16];
	struct rx r;

	establish(_metadata, w, 0, NULL);
	memset(data, 'h', sizeof(data));
	ASSERT_EQ(1000, send(w->fd, data, sizeof(data), 0));
	rx_expect(_metadata, w, &r, 1000, "data");
	check_seg(_metadata, w, &r, TH_ACK | TH_PSH, w->rcv_nxt, w->snd_nxt,
		  1000);
	w->rcv_nxt += 1000;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);

	/* 2000 below SND.UNA: more than was ever acknowledged. */
	SEND(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt - 2000, "forged", 6);
	expect_ack(_metadata, w, w->snd_nxt, 1000, "a challenge ACK");
	nothing_to_read(_metadata, w->fd);
	ASSERT_EQ(1, xt_mib("TCPChallengeACK"));

	/* 500 below: an old ACK, and good data. */
	SEND(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt - 500, "genuine", 7);
	w->snd_nxt += 7;
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of the data");
	ASSERT_EQ(7, recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT));
	ASSERT_EQ(0, memcmp(buf, "genuine", 7));
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);
}

TEST_F(wire, dropped_segment_acks_rate_limited)
{
	struct wire *w = &self->w;
	int i;

	establish(_metadata, w, 0, NULL);
	xt_msleep(600);		/* the handshake's last ACK is long past */
	for (i = 0; i < 5; i++)
		SEND(w, TH_ACK, w->right + 0x10000 + i, w->rcv_nxt, NULL, 0);
	expect_ack(_metadata, w, w->snd_nxt, 1000, "one ACK out of the window");
	rx_none(_metadata, w, 300, "the other four");
	ASSERT_EQ(4, xt_mib("TCPACKSkippedSeq"));

	xt_msleep(300);
	for (i = 0; i < 5; i++)
		SEND(w, TH_RST, w->snd_nxt + 100 + i, 0, NULL, 0);
	expect_ack(_metadata, w, w->snd_nxt, 1000, "one challenge ACK");
	rx_none(_metadata, w, 300, "the other four RSTs");
	ASSERT_EQ(1, xt_mib("TCPChallengeACK"));
	ASSERT_EQ(4, xt_mib("TCPACKSkippedChallenge"));
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);

	/* Data outside the window: each one answered. */
	for (i = 0; i < 3; i++) {
		SEND(w, TH_ACK, w->right + 0x10000, w->rcv_nxt, "x", 1);
		expect_ack(_metadata, w, w->snd_nxt, 1000, "data out of window");
	}
	peer_data(_metadata, w, "still here", 10);
}

/*
 * @n full segments in a row, in order; PSH on the last if @psh_last (the
 * end of a write), elsewhere as the stack likes (super-segments add it).
 */
static void expect_full_segments(struct __test_metadata *_metadata,
				 struct wire *w, int n, bool psh_last,
				 const char *what)
{
	struct rx r;
	int i;

	for (i = 0; i < n; i++) {
		rx_expect(_metadata, w, &r, 1000, what);
		check_seg(_metadata, w, &r,
			  TH_ACK | (psh_last && i == n - 1 ? TH_PSH :
				    r.s.flags & TH_PSH),
			  w->rcv_nxt, w->snd_nxt, MTU_MSS);
		w->rcv_nxt += MTU_MSS;
	}
}

/*
 * Which segments may change the peer's window we hold (Linux's
 * tcp_may_update_window()): a bare ACK no newer than the last, which
 * acknowledges nothing new, cannot shrink it (it may be a copy that a
 * later ACK overtook), so 10 segments still go at once; an ACK of new
 * data can, and then only 2 segments go until the window opens.
 */
TEST_F(wire, window_shrink_needs_news)
{
	static char buf[10 * MTU_MSS];
	struct wire *w = &self->w;

	establish(_metadata, w, 0, NULL);
	ASSERT_OK(xt_set_int(w->fd, IPPROTO_TCP, TCP_NODELAY, 1));
	memset(buf, 'w', sizeof(buf));
	w->win = 2 * MTU_MSS;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	ASSERT_EQ((ssize_t)sizeof(buf), send(w->fd, buf, sizeof(buf), 0));
	expect_full_segments(_metadata, w, 10, true, "the window held");

	/* Everything ACKed, with the small window: now it counts. */
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	ASSERT_EQ(4 * MTU_MSS, send(w->fd, buf, 4 * MTU_MSS, 0));
	expect_full_segments(_metadata, w, 2, false, "what the window takes");
	/*
	 * A third segment would follow the two at once.  Watch for half
	 * the minimum RTO: at 200 ms the timer may rightly resend the first.
	 */
	rx_none(_metadata, w, 100, "a full window");
	w->win = PEER_WIN;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	expect_full_segments(_metadata, w, 2, true, "the rest");
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
}

TEST_F(wire, zero_window_probes)
{
	struct wire *w = &self->w;
	uint64_t last, want;
	unsigned int rto;
	char data[100];
	struct rx r;
	int i;

	establish(_metadata, w, 0, NULL);
	memset(data, 'a', sizeof(data));
	ASSERT_EQ(100, send(w->fd, data, 100, 0));
	rx_expect(_metadata, w, &r, 1000, "data");
	check_seg(_metadata, w, &r, TH_ACK | TH_PSH, w->rcv_nxt, w->snd_nxt,
		  100);
	w->rcv_nxt += 100;
	w->win = 0;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	xt_msleep(50);
	rto = rto_ms(_metadata, w->fd);
	want = rto > 200 ? rto : 200;

	memset(data, 'b', sizeof(data));
	ASSERT_EQ(100, send(w->fd, data, 100, 0));
	last = xt_now_ms();
	for (i = 0; i < 3; i++) {
		rx_expect(_metadata, w, &r, 6000, "a window probe");
		check_seg(_metadata, w, &r, TH_ACK, w->rcv_nxt - 1, w->snd_nxt,
			  0);
		TH_LOG("probe %d after %llu ms (RTO %u ms)", i + 1,
		       (unsigned long long)(r.t - last), rto);
		ASSERT_TIMER(r.t - last, want << i, "window probe");
		last = r.t;
		/* Answered, the window still closed. */
		SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	}
	w->win = PEER_WIN;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	rx_expect(_metadata, w, &r, 1000, "data once the window opens");
	check_seg(_metadata, w, &r, TH_ACK | TH_PSH, w->rcv_nxt, w->snd_nxt,
		  100);
	ASSERT_EQ(0, memcmp(r.data, data, 100));
}

/*
 * Full segments the reader has not taken yet.  Past the quick ACKs of a
 * new connection, two of them are not ACKed at once: the window would
 * shrink, so the ACK waits for the read (Linux's __tcp_ack_snd_check()),
 * which sends it with the window open again; without the read, the
 * delayed-ACK timer does.  A receiver that ACKs every second segment
 * whatever the reader does sends twice the ACKs of a bulk transfer.
 */
TEST_F(wire, unread_data_ack_waits_for_reader)
{
	struct wire *w = &self->w;
	uint8_t data[MTU_MSS], buf[65536];
	uint32_t first_wnd, acked = 0;
	bool waited = false;
	int pair, i;
	struct rx r;

	establish(_metadata, w, 0, NULL);
	first_wnd = w->right - w->snd_nxt;
	memset(data, 'x', sizeof(data));
	for (pair = 0; pair < 20 && !waited; pair++) {
		ASSERT_FALSE(seq_before(w->right, w->snd_nxt + 2 * MTU_MSS))
			TH_LOG("pair %d: the window closed, every pair ACKed at once",
			       pair);
		for (i = 0; i < 2; i++) {
			SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, data, MTU_MSS);
			w->snd_nxt += MTU_MSS;
		}
		/* ACKs at once (one a segment in quick-ACK mode), or none. */
		while (acked != w->snd_nxt && !rx_next(w, &r, 15)) {
			check_ack(_metadata, w, &r, r.s.ack);
			acked = r.s.ack;
		}
		waited = acked != w->snd_nxt;
	}
	TH_LOG("%d pairs of full segments, the last %s", pair,
	       waited ? "not ACKed at once" : "ACKed at once too");
	ASSERT_TRUE(waited);
	/* The read empties the queue: an ACK of all, the window open. */
	while (recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	nothing_to_read(_metadata, w->fd);
	do {
		rx_expect(_metadata, w, &r, 1000, "the ACK after the read");
		check_ack(_metadata, w, &r, w->snd_nxt);
	} while ((uint32_t)r.s.win + MTU_MSS < first_wnd);
}

/*
 * A segment whose ACK acknowledges data never sent is dropped without an
 * answer (RFC 9293 3.10.7.4, Linux's tcp_ack()), and TS.Recent is taken
 * only from a segment that was accepted (RFC 7323 4.3, step 5): the FIN
 * here carries a TSval far in the future, which must not make PAWS
 * reject the peer's next in-order data.  That data, the first the host
 * receives, is ACKed at once (quick-ACK: the host's own data before it
 * was not an answer to anything), echoing its TSval.
 */
TEST_F(wire, ts_recent_not_from_unacceptable_ack)
{
	struct wire *w = &self->w;
	uint32_t tsval;
	uint8_t o[12];
	uint64_t t0;
	struct rx r;
	char b[8];

	establish_sack(_metadata, w, 5);
	put_ts_opt(o, peer_tsval(w) + 1000000, w->ts_ecr);
	SEND_SEG(w, TH_ACK | TH_FIN, w->snd_nxt, w->rcv_nxt + 1000, o,
		 sizeof(o), NULL, 0);
	rx_none(_metadata, w, 300, "a FIN acknowledging unsent data");
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);

	tsval = peer_tsval(w);
	put32(o + 4, tsval);
	t0 = xt_now_ms();
	SEND_SEG(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, o, sizeof(o),
		 "hello", 5);
	w->snd_nxt += 5;
	rx_expect(_metadata, w, &r, 1000, "the ACK of the data");
	check_seg(_metadata, w, &r, TH_ACK, w->rcv_nxt, w->snd_nxt, 0);
	ASSERT_EQ(tsval, get32(r.opt + 8)) TH_LOG("TSecr is not the data's");
	ASSERT_GT(30ULL, r.t - t0) TH_LOG("ACK after %llu ms",
					  (unsigned long long)(r.t - t0));
	ASSERT_EQ(5, recv(w->fd, b, sizeof(b), MSG_DONTWAIT));
	ASSERT_EQ(0, memcmp(b, "hello", 5));
}

/*
 * Request and response, one byte each way.  Once the host has answered a
 * request within the delayed-ACK timeout, the connection is interactive
 * (Linux's pingpong mode): a request's ACK no longer goes at once, as in
 * the quick-ACK mode of a new connection, but rides on the answer, one
 * segment each way per transaction.  The answers take 20 ms, so a
 * delayed-ACK timer armed for one request must not fire for the next
 * before that one has waited its own timeout (40 ms at least): a bare
 * ACK may come only that late.
 */
TEST_F(wire, pingpong_ack_rides_on_answer)
{
	struct wire *w = &self->w;
	unsigned int bare;
	uint64_t t0;
	struct rx r;
	char c;
	int i;

	establish(_metadata, w, 0, NULL);
	for (i = 0; i < 8; i++) {
		SEND(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, "q", 1);
		t0 = xt_now_ms();
		w->snd_nxt += 1;
		ASSERT_LT(0, xt_poll1(w->fd, POLLIN, 1000));
		ASSERT_EQ(1, recv(w->fd, &c, 1, MSG_DONTWAIT));
		if (i)
			xt_msleep(20);
		ASSERT_EQ(1, send(w->fd, "a", 1, 0));
		bare = 0;
		for (;;) {
			rx_expect(_metadata, w, &r, 1000, "the answer");
			if (r.s.plen)
				break;
			check_ack(_metadata, w, &r, w->snd_nxt);
			TH_LOG("request %d: a bare ACK after %llu ms", i + 1,
			       (unsigned long long)(r.t - t0));
			/* Only the first request, or the timer's. */
			if (i >= 2)
				ASSERT_LE(30ULL, r.t - t0);
			bare++;
		}
		check_seg(_metadata, w, &r, TH_ACK | TH_PSH, w->rcv_nxt,
			  w->snd_nxt, 1);
		ASSERT_EQ('a', r.data[0]);
		w->rcv_nxt += 1;
		ASSERT_GE(1U, bare);
	}
}

#define RCV_RTT_WAIT_MS	100

/* The peer sends one full segment, echoing @ecr, and takes its ACK. */
static void peer_full_segment(struct __test_metadata *_metadata,
			      struct wire *w, uint32_t ecr)
{
	uint32_t mss = MTU_MSS - TSOPT_LEN;
	static uint8_t d[MTU_MSS], got[MTU_MSS];
	uint8_t o[12];
	struct rx r;

	put_ts_opt(o, peer_tsval(w), ecr);
	xt_pattern(d, mss, 17, w->snd_nxt);
	SEND_SEG(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, o, sizeof(o), d,
		 mss);
	w->snd_nxt += mss;
	rx_expect(_metadata, w, &r, 1000, "the ACK of the data");
	check_seg(_metadata, w, &r, TH_ACK, w->rcv_nxt, w->snd_nxt, 0);
	ASSERT_EQ((ssize_t)mss, recv(w->fd, got, sizeof(got), MSG_DONTWAIT));
	ASSERT_EQ(0, memcmp(got, d, mss));
}

/*
 * The host sends a byte: the TSval it carries, one whose low three bits
 * differ from @old's.  XTCP keeps only those bits of the last echo it
 * saw (Linux keeps all 32), and takes an echo that matches them for one
 * it has seen.  A byte whose TSval will not do is ACKed before the next
 * goes, so one byte at most is unacknowledged: with two out, the tail
 * loss probe comes after two RTTs (no delayed-ACK allowance), within
 * the peer's wait, and would arrive where the test wants the ACK.
 */
static uint32_t host_new_tsval(struct __test_metadata *_metadata,
			       struct wire *w, uint32_t old)
{
	uint32_t tsval;
	struct rx r;

	for (;;) {
		xt_msleep(2);
		ASSERT_EQ(1, send(w->fd, "t", 1, 0));
		rx_expect(_metadata, w, &r, 1000, "the host's byte");
		check_seg(_metadata, w, &r, TH_ACK | TH_PSH, w->rcv_nxt,
			  w->snd_nxt, 1);
		w->rcv_nxt += 1;
		tsval = rx_tsval(&r);
		if ((tsval & 7) != (old & 7))
			return tsval;
		peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
		wait_unacked(_metadata, w->fd, 0, 1000);
	}
}

/*
 * The receiver's RTT from timestamps (Linux's tcp_rcv_rtt_measure_ts()):
 * a full segment that is the first to echo a TSval of the host's gives a
 * sample of how old that TSval is, at once, where the other method (a
 * window's worth of data) needs ten segments.  The peer holds its answer
 * to the host's byte RCV_RTT_WAIT_MS: tcpi_rcv_rtt is about that.  An
 * echo a pure ACK has already carried gives no sample (Linux keeps the
 * last echo of a pure ACK): else a segment after an idle spell would
 * count the idle time as a round trip.
 */
TEST_F(wire, rcv_rtt_from_timestamps)
{
	struct wire *w = &self->w;
	uint32_t ecr, rtt;
	struct tcp_info ti;

	establish_sack(_metadata, w, 5);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(0U, ti.tcpi_rcv_rtt) TH_LOG("a sample before any data");
	ecr = host_new_tsval(_metadata, w, w->ts_ecr);
	xt_msleep(RCV_RTT_WAIT_MS);
	peer_full_segment(_metadata, w, ecr);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	rtt = ti.tcpi_rcv_rtt;
	TH_LOG("tcpi_rcv_rtt %u us after one segment", rtt);
	ASSERT_LE(RCV_RTT_WAIT_MS * 1000U, rtt);
	ASSERT_GE(3 * RCV_RTT_WAIT_MS * 1000U, rtt);

	/* A pure ACK echoes the next TSval; data echoes it again, later. */
	ecr = host_new_tsval(_metadata, w, ecr);
	w->ts_ecr = ecr;
	peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	xt_msleep(3 * RCV_RTT_WAIT_MS);
	peer_full_segment(_metadata, w, ecr);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(rtt, ti.tcpi_rcv_rtt)
		TH_LOG("a sample from an echo a pure ACK carried before");
}

TEST_F_TIMEOUT(wire, ofo_flood_cost, 60)
{
	static uint64_t first[OFO_BATCH], last[OFO_BATCH], again[OFO_BATCH];
	uint64_t p10_first, p10_last, p10_again, ref;
	uint8_t opt[40], data[MTU_MSS];
	struct wire *w = &self->w;
	const uint8_t *ws, *sack;
	uint32_t base, end;
	unsigned int k, nblk, i;
	struct rx r, ack;
	uint8_t wscale;
	size_t olen;
	char s[256];

	/* A listener with a big buffer; SACK and window scaling, no TS. */
	w->lfd = xt_socket();
	ASSERT_LE(0, w->lfd);
	ASSERT_OK(xt_set_int(w->lfd, SOL_SOCKET, SO_RCVBUFFORCE, OFO_RCVBUF));
	ASSERT_OK(xt_bind(w->lfd, HOST_IP, w->hport));
	ASSERT_OK(listen(w->lfd, 8));
	olen = syn_opts(opt, O_MSS | O_SACK | O_WS, MTU_MSS, 0, 0);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &r);
	ws = rx_opt(&r, 3);
	ASSERT_TRUE(ws && ws[1] == 3) TH_LOG("no window scale in the SYN-ACK");
	wscale = ws[2];
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, w->fd) TH_LOG("accept: %s", strerror(errno));

	/* In-order data until the window covers both floods. */
	for (i = 0;; i++) {
		base = w->snd_nxt;
		end = base + OFO_SEGS * OFO_STEP;
		if (!seq_before(w->right, end + OFO_BATCH * OFO_STEP))
			break;
		ASSERT_GT(OFO_WARMUP_MAX, (int)i)
			TH_LOG("window edge %u, wanted %u", w->right - base,
			       (OFO_SEGS + OFO_BATCH) * OFO_STEP);
		ofo_fill(data, w->snd_nxt, MTU_MSS);
		SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, data, MTU_MSS);
		w->snd_nxt += MTU_MSS;
		ofo_rx(w, wscale, NULL, 50);
		while (recv(w->fd, data, sizeof(data), MSG_DONTWAIT) > 0)
			;
	}
	TH_LOG("window %u after %d in-order segments", w->right - base, i);

	memset(&ack, 0, sizeof(ack));
	ofo_flood(_metadata, w, wscale, base, OFO_SEGS, first, last, &ack);
	/*
	 * Nothing acknowledged.  The blocks of the last ACK: the latest
	 * arrival first, then those before it, as they came (RFC 2018 4).
	 * Linux may hold back (compress) its ACKs for the last arrivals, so
	 * the latest arrival it reports may not be the last one sent.
	 */
	rx_str(&ack, s, sizeof(s));
	ASSERT_EQ(base, ack.s.ack) TH_LOG("%s", s);
	sack = rx_opt(&ack, 5);
	ASSERT_TRUE(sack && sack[1] >= 2 + 2 * 8) TH_LOG("SACK blocks: %s", s);
	nblk = (sack[1] - 2) / 8;
	k = (get32(sack + 2) - base - 1) / OFO_STEP;
	ASSERT_GE(OFO_SEGS, (int)(k + nblk)) TH_LOG("%s", s);
	for (i = 0; i < nblk; i++) {
		ASSERT_EQ(base + 1 + (k + i) * OFO_STEP, get32(sack + 2 + 8 * i))
			TH_LOG("block %d: %s", i, s);
		ASSERT_EQ(base + 1 + (k + i) * OFO_STEP + OFO_LEN,
			  get32(sack + 6 + 8 * i))
			TH_LOG("block %d: %s", i, s);
	}
	TH_LOG("the last ACK reports segments %u to %u (0 came last)", k,
	       k + nblk - 1);
	ofo_fill_holes(_metadata, w, wscale, base, end);

	/* The baseline again, with the queue empty as at first. */
	ofo_flood(_metadata, w, wscale, end, OFO_BATCH, again, NULL, &ack);
	ofo_fill_holes(_metadata, w, wscale, end, end + OFO_BATCH * OFO_STEP);

	p10_first = ofo_batch(_metadata, first, OFO_BATCH, "first");
	p10_last = ofo_batch(_metadata, last, OFO_BATCH, "last");
	p10_again = ofo_batch(_metadata, again, OFO_BATCH,
			      "again, after the drain:");
	ref = p10_first < p10_again ? p10_first : p10_again;
	TH_LOG("last / baseline %.2f (limit %d)", (double)p10_last / ref,
	       OFO_MAX_RATIO);
	ASSERT_GE(OFO_MAX_RATIO * ref, p10_last)
		TH_LOG("an out-of-order segment costs more as the queue grows");
}

TEST_F(wire, dsack_duplicates)
{
	struct wire *w = &self->w;
	uint32_t s0;
	uint8_t opt[40], got[300];
	char d[300];
	size_t olen;
	struct rx r;

	listen_on(_metadata, w, 0);
	olen = syn_opts(opt, O_MSS | O_SACK, MTU_MSS, 0, 0);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &r);
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, w->fd) TH_LOG("accept: %s", strerror(errno));
	xt_pattern(d, sizeof(d), 21, 0);
	s0 = w->snd_nxt;

	SEND(w, TH_ACK | TH_PSH, s0, w->rcv_nxt, d, 100);
	expect_sack(_metadata, w, s0 + 100, NULL, 0, 1000, "in order");
	SEND(w, TH_ACK | TH_PSH, s0, w->rcv_nxt, d, 100);
	expect_sack(_metadata, w, s0 + 100,
		    (struct sack_blk[]){ { s0, s0 + 100 } }, 1, 1000,
		    "the same again: D-SACK");

	SEND(w, TH_ACK | TH_PSH, s0 + 200, w->rcv_nxt, d + 200, 100);
	expect_sack(_metadata, w, s0 + 100,
		    (struct sack_blk[]){ { s0 + 200, s0 + 300 } }, 1, 1000,
		    "out of order");
	SEND(w, TH_ACK | TH_PSH, s0 + 200, w->rcv_nxt, d + 200, 100);
	expect_sack(_metadata, w, s0 + 100,
		    (struct sack_blk[]){ { s0 + 200, s0 + 300 },
					 { s0 + 200, s0 + 300 } }, 2, 1000,
		    "out of order again: D-SACK, then its block");
	/* Once reported, a D-SACK is not repeated. */
	SEND(w, TH_ACK | TH_PSH, s0 + 250, w->rcv_nxt, d + 250, 50);
	expect_sack(_metadata, w, s0 + 100,
		    (struct sack_blk[]){ { s0 + 250, s0 + 300 },
					 { s0 + 200, s0 + 300 } }, 2, 1000,
		    "a part of it again");

	SEND(w, TH_ACK | TH_PSH, s0 + 100, w->rcv_nxt, d + 100, 100);
	expect_sack(_metadata, w, s0 + 300, NULL, 0, 1000, "the hole filled");
	w->snd_nxt = s0 + 300;
	ASSERT_EQ(300, xt_recv_all(w->fd, got, 300));
	ASSERT_EQ(0, memcmp(got, d, 300));
}

/*
 * A fixture that may change the memory budget all sockets share
 * (net.xtcp.mem, net.ipv4.tcp_mem), which exists in the initial
 * namespace only: it is opened before the test enters its own, and put
 * back after.  Meanwhile no other wire test runs (wire_lock()).
 */
#define HOLD	(5 << 20)

FIXTURE(wire_budget) {
	struct wire w;
	int mem_fd;
	char mem_old[128];
};

FIXTURE_SETUP(wire_budget)
{
	wire_lock(_metadata, LOCK_EX);
	self->mem_fd = xt_sysctl_hold("mem", self->mem_old,
				      sizeof(self->mem_old));
	ASSERT_LE(0, self->mem_fd) TH_LOG("mem: %s", strerror(errno));
	wire_peer_setup(_metadata, &self->w);
}

FIXTURE_TEARDOWN(wire_budget)
{
	if (self->mem_fd >= 0) {
		xt_sysctl_put(self->mem_fd, self->mem_old);
		close(self->mem_fd);
	}
	wire_peer_teardown(&self->w);
}

/*
 * In-order data the budget refuses, with data already queued for the
 * reader, is dropped and answered at once with a zero window, the
 * window shrinking (6.12's ICSK_ACK_NOMEM): the sender must wait for
 * the reader, not resend into a buffer that cannot take it.  With the
 * budget back, the read opens the window again, and the segment sent
 * again is taken.  The first segment goes in whatever the budget says
 * (an empty queue always takes one, so that every connection moves).
 */
TEST_F(wire_budget, memory_drop_zero_window)
{
	struct wire *w = &self->w;
	static uint8_t a[MTU_MSS], b[MTU_MSS], buf[2 * MTU_MSS], fill[65536];
	ssize_t n, held = 0;
	int cli = -1, srv = -1;
	uint32_t base;
	uint64_t end;
	struct rx r;
	char s[256];

	establish(_metadata, w, 0, NULL);
	base = w->snd_nxt;
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	SEND(w, TH_ACK, base, w->rcv_nxt, a, MTU_MSS);
	w->snd_nxt += MTU_MSS;
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of the first");

	/*
	 * A budget of one page, which the total must be seen to pass: each
	 * CPU keeps up to 1 MB of charges out of it (net.core.mem_pcpu_rsv,
	 * no less), so a connection over loopback holds 5 MB unread first.
	 */
	ASSERT_OK(xt_pair(&cli, &srv));
	ASSERT_OK(xt_set_int(srv, SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20));
	ASSERT_OK(xt_set_int(cli, SOL_SOCKET, SO_SNDBUFFORCE, 8 << 20));
	ASSERT_OK(xt_set_nonblock(cli, true));
	for (end = xt_now_ms() + 5000; held < HOLD && xt_now_ms() < end;) {
		n = send(cli, fill, sizeof(fill), MSG_DONTWAIT);
		if (n > 0)
			held += n;
		else
			xt_msleep(10);
	}
	ASSERT_LE(HOLD, held) TH_LOG("held %zd bytes", held);
	ASSERT_OK(xt_sysctl_put(self->mem_fd, "1 1 1"));
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, b, MTU_MSS);
	rx_expect(_metadata, w, &r, 1000, "the ACK of the drop");
	rx_str(&r, s, sizeof(s));
	check_seg(_metadata, w, &r, TH_ACK, w->rcv_nxt, w->snd_nxt, 0);
	ASSERT_EQ(0, r.s.win) TH_LOG("not a zero window: %s", s);
	w->right = r.s.ack;

	ASSERT_OK(xt_sysctl_put(self->mem_fd, self->mem_old));
	xt_close_rst(cli);
	xt_close_rst(srv);
	ASSERT_EQ(MTU_MSS, recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT));
	ASSERT_EQ(0, memcmp(buf, a, MTU_MSS));
	nothing_to_read(_metadata, w->fd);
	rx_expect(_metadata, w, &r, 1000, "the window update after the read");
	rx_str(&r, s, sizeof(s));
	check_seg(_metadata, w, &r, TH_ACK, w->rcv_nxt, w->snd_nxt, 0);
	ASSERT_LE(MTU_MSS, r.s.win) TH_LOG("window still shut: %s", s);
	w->right = r.s.ack + r.s.win;

	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, b, MTU_MSS);
	w->snd_nxt += MTU_MSS;
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of the resent");
	ASSERT_LT(0, xt_poll1(w->fd, POLLIN, 1000));
	ASSERT_EQ(MTU_MSS, recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT));
	ASSERT_EQ(0, memcmp(buf, b, MTU_MSS));
}

TEST_HARNESS_MAIN
