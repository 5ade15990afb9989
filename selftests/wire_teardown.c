// SPDX-License-Identifier: GPL-2.0
/*
 * Wire-level conformance against a fake peer (wire_peer.h): FIN both
 * ways, and RST and SYN on an established connection (RFC 5961).
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

TEST_HARNESS_MAIN
