// SPDX-License-Identifier: GPL-2.0
/*
 * Wire-level conformance against a fake peer (wire_peer.h): FIN both
 * ways, RST and SYN on an established connection (RFC 5961), and a SYN
 * that ends a TIME_WAIT (RFC 6191).
 * Every expectation holds for Linux's TCP too (XTCP_TEST_FAMILY=inet).
 */
#include "wire_peer.h"

TEST_F(wire, rst_in_window_challenge_ack)
{
	struct wire *w = &self->w;

	establish(_metadata, w, 0, NULL);
	SEND(w, TH_RST, w->right + 0x10000, 0, NULL, 0);
	rx_none(_metadata, w, 300, "a RST outside the window");
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);

	SEND(w, TH_RST, w->snd_nxt + 100, 0, NULL, 0);
	expect_ack(_metadata, w, w->snd_nxt, 1000, "a challenge ACK");
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);
	ASSERT_EQ(1, xt_mib("TCPChallengeACK"));
	peer_data(_metadata, w, "still here", 10);
}

TEST_F(wire, rst_exact_resets)
{
	struct wire *w = &self->w;
	char b;

	establish(_metadata, w, 0, NULL);
	SEND(w, TH_RST, w->snd_nxt, 0, NULL, 0);
	ASSERT_LT(0, xt_poll1(w->fd, POLLIN, 1000));
	ASSERT_ERRNO(recv(w->fd, &b, 1, MSG_DONTWAIT), ECONNRESET);
	ASSERT_STATE(w->fd, XTCP_CLOSE);
	rx_none(_metadata, w, 200, "an exact RST");
}

TEST_F(wire, syn_established_challenge_ack)
{
	struct wire *w = &self->w;

	establish(_metadata, w, 0, NULL);
	SEND(w, TH_SYN, w->snd_nxt + 1000, 0, NULL, 0);
	expect_ack(_metadata, w, w->snd_nxt, 1000, "a challenge ACK");
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);
	peer_data(_metadata, w, "alive", 5);
}

TEST_F(wire, fin_from_peer)
{
	struct wire *w = &self->w;
	struct rx r;
	char b;

	establish(_metadata, w, 0, NULL);
	SEND(w, TH_FIN | TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->snd_nxt++;
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of the FIN");
	ASSERT_STATE(w->fd, XTCP_CLOSE_WAIT);
	ASSERT_EQ(0, recv(w->fd, &b, 1, MSG_DONTWAIT));

	ASSERT_OK(shutdown(w->fd, SHUT_WR));
	rx_expect(_metadata, w, &r, 1000, "our FIN");
	check_seg(_metadata, w, &r, TH_FIN | TH_ACK, w->rcv_nxt, w->snd_nxt, 0);
	ASSERT_STATE(w->fd, XTCP_LAST_ACK);
	w->rcv_nxt++;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	ASSERT_EQ(XTCP_CLOSE, xt_wait_state(w->fd, XTCP_CLOSE, 1000));
	rx_none(_metadata, w, 200, "the ACK of our FIN");
}

/*
 * When the peer's FIN is ACKed.  A connection that has received data is
 * in pingpong mode once the FIN comes (the application will likely close
 * now and its FIN can carry the ACK): the ACK waits for the delayed-ACK
 * timer.  Before any data came, Linux's delayed-ACK timeout is still 0
 * (icsk_ack.ato), so the ACK goes at once.
 */
TEST_F(wire, fin_ack_delay)
{
	struct wire *w = &self->w;
	uint64_t t0;
	struct rx r;
	int data;

	for (data = 0; data < 2; data++) {
		if (data) {
			xt_close_rst(w->fd);
			w->fd = -1;
			close(w->lfd);
			w->lfd = -1;
			xt_msleep(50);
			rx_drain(w);
			w->pport++;
		}
		establish(_metadata, w, 0, NULL);
		if (data)
			peer_data(_metadata, w, "data", 4);
		t0 = xt_now_ms();
		SEND(w, TH_FIN | TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
		w->snd_nxt++;
		rx_expect(_metadata, w, &r, 1000, "the ACK of the FIN");
		check_ack(_metadata, w, &r, w->snd_nxt);
		TH_LOG("FIN %s data: ACK after %llu ms",
		       data ? "after" : "before",
		       (unsigned long long)(r.t - t0));
		if (data) {
			ASSERT_LE(30ULL, r.t - t0);
		} else {
			ASSERT_GT(30ULL, r.t - t0);
		}
		ASSERT_STATE(w->fd, XTCP_CLOSE_WAIT);
	}
}

TEST_F(wire, active_close)
{
	struct wire *w = &self->w;
	struct rx r;
	char b;

	establish(_metadata, w, 0, NULL);
	ASSERT_OK(shutdown(w->fd, SHUT_WR));
	rx_expect(_metadata, w, &r, 1000, "our FIN");
	check_seg(_metadata, w, &r, TH_FIN | TH_ACK, w->rcv_nxt, w->snd_nxt, 0);
	ASSERT_STATE(w->fd, XTCP_FIN_WAIT1);
	w->rcv_nxt++;

	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	ASSERT_EQ(XTCP_FIN_WAIT2, xt_wait_state(w->fd, XTCP_FIN_WAIT2, 1000));
	rx_none(_metadata, w, 200, "the ACK of our FIN");

	SEND(w, TH_FIN | TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->snd_nxt++;
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of the peer's FIN");
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_wait_state(w->hport, w->pport,
						   XTCP_TIME_WAIT, 1000));
	ASSERT_EQ(XTCP_CLOSE, xt_wait_state(w->fd, XTCP_CLOSE, 1000));
	ASSERT_EQ(0, recv(w->fd, &b, 1, MSG_DONTWAIT));

	/* Our ACK was "lost": the FIN again, acknowledged again. */
	SEND(w, TH_FIN | TH_ACK, w->snd_nxt - 1, w->rcv_nxt, NULL, 0);
	expect_ack(_metadata, w, w->snd_nxt, 1000,
		   "the ACK of the FIN in TIME_WAIT");
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_state(w->hport, w->pport));
}

/*
 * A SYN for a connection in TIME_WAIT, newer than it (RFC 6191): a new
 * connection at once, whose ISS is past everything the old one sent
 * (65537 past it, as Linux's tcp_timewait_state_process()), rather than
 * an ACK that leaves the peer to reset and wait out its SYN timeout.
 * An old SYN gets TIME_WAIT's ACK, and the connection stays there.
 */
TEST_F(wire, timewait_new_syn)
{
	struct wire *w = &self->w;
	uint8_t opt[40];
	size_t olen = syn_opts(opt, O_MSS, MTU_MSS, 0, 0);
	uint32_t host_nxt, iss;
	struct rx r;
	int fd;

	establish(_metadata, w, 0, NULL);
	ASSERT_OK(shutdown(w->fd, SHUT_WR));
	rx_expect(_metadata, w, &r, 1000, "our FIN");
	w->rcv_nxt++;
	SEND(w, TH_FIN | TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->snd_nxt++;
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of the peer's FIN");
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_wait_state(w->hport, w->pport,
						   XTCP_TIME_WAIT, 1000));
	host_nxt = w->rcv_nxt;

	/* Not newer: TIME_WAIT's ACK. */
	SEND_SEG(w, TH_SYN, w->snd_nxt - 100, 0, opt, olen, NULL, 0);
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of an old SYN");
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_state(w->hport, w->pport));

	/* Newer: a SYN-ACK at once, from the ISS past the old data. */
	iss = w->snd_nxt + 100000;
	SEND_SEG(w, TH_SYN, iss, 0, opt, olen, NULL, 0);
	rx_expect(_metadata, w, &r, 1000, "the SYN-ACK of a new connection");
	check_seg(_metadata, w, &r, TH_SYN | TH_ACK, host_nxt + 65537,
		  iss + 1, 0);
	w->snd_nxt = iss + 1;
	w->rcv_nxt = r.s.seq + 1;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, fd) TH_LOG("accept: %s", strerror(errno));
	ASSERT_STATE(fd, XTCP_ESTABLISHED);
	ASSERT_EQ(XTCP_ESTABLISHED, xt_proc_state(w->hport, w->pport));
	close(w->fd);
	w->fd = fd;
	peer_data(_metadata, w, "again", 5);
}

/*
 * TIME_WAIT full (max_tw_buckets 0): the connection that would enter it
 * closes at once, counted in TCPTimeWaitOverflow, but only after it has
 * ACKed the peer's FIN from its own port.  An orphan (its user closed
 * it) gives its port up as it closes: an ACK sent after that left the
 * peer retransmitting its FIN.
 */
TEST_F(wire, timewait_overflow)
{
	struct wire *w = &self->w;
	struct rx r;

	ASSERT_OK(xt_sysctl_set("max_tw_buckets", "0"));
	establish(_metadata, w, 0, NULL);
	ASSERT_OK(close(w->fd));
	w->fd = -1;
	rx_expect(_metadata, w, &r, 1000, "our FIN");
	/*
	 * The peer's FIN with the ACK of ours, in one segment: an orphan
	 * alone in FIN_WAIT2 would be closed by Linux on the spot, as its
	 * FIN_WAIT2 is a TIME_WAIT socket too.
	 */
	w->rcv_nxt++;
	SEND(w, TH_FIN | TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->snd_nxt++;
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of the peer's FIN");
	ASSERT_GT(0, xt_proc_state(w->hport, w->pport))
		TH_LOG("the connection is still listed, not closed");
	ASSERT_EQ(1, xt_mib("TCPTimeWaitOverflow"));
}

TEST_HARNESS_MAIN
