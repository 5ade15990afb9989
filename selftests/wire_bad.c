// SPDX-License-Identifier: GPL-2.0
/*
 * Wire-level conformance against a fake peer (wire_peer.h): bad input:
 * checksum, short header, data offset, broken options, segments nobody
 * owns, dropped or answered as RFC 9293 says.
 * Every expectation holds for Linux's TCP too (XTCP_TEST_FAMILY=inet).
 */
#include "wire_peer.h"

TEST_F(wire, bad_checksum)
{
	struct wire *w = &self->w;
	long long csum0, err0;
	uint8_t b[256];
	size_t n;

	establish(_metadata, w, 0, NULL);
	csum0 = xt_mib("InCsumErrors");
	err0 = xt_mib("InErrs");
	ASSERT_LE(0, csum0);
	n = build(w, b, w->hport, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt,
		  w->win, NULL, 0, "bad sum", 7);
	b[17] ^= 1;
	ASSERT_OK(inject(w, b, n));
	/* Protocol 253 in the pseudo-header. */
	set_csum(w, b, n, IPPROTO_XTCP);
	ASSERT_OK(inject(w, b, n));
	n = build(w, b, CLOSED_PORT, TH_ACK, 1, 2, w->win, NULL, 0, NULL, 0);
	b[16] ^= 0x80;
	ASSERT_OK(inject(w, b, n));
	w->pport++;
	n = build(w, b, w->hport, TH_SYN, 1, 0, w->win, NULL, 0, NULL, 0);
	w->pport--;
	b[17] ^= 0x40;
	ASSERT_OK(inject(w, b, n));
	rx_none(_metadata, w, 300, "segments with bad checksums");
	nothing_to_read(_metadata, w->fd);
	/* Each counted, as Linux counts them: a checksum error, an error. */
	ASSERT_EQ(csum0 + 4, xt_mib("InCsumErrors"));
	ASSERT_EQ(err0 + 4, xt_mib("InErrs"));
	peer_data(_metadata, w, "bad sum", 7);
}

TEST_F(wire, short_header)
{
	static const size_t lens[] = { 0, 1, 12, 19 };
	struct wire *w = &self->w;
	uint8_t b[64];
	size_t i;

	establish(_metadata, w, 0, NULL);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		build(w, b, w->hport, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt,
		      w->win, NULL, 0, NULL, 0);
		ASSERT_OK(inject(w, b, lens[i]));
		build(w, b, CLOSED_PORT, TH_SYN, 1, 0, w->win, NULL, 0, NULL, 0);
		ASSERT_OK(inject(w, b, lens[i]));
	}
	rx_none(_metadata, w, 300, "truncated headers");
	nothing_to_read(_metadata, w->fd);
	peer_data(_metadata, w, "whole", 5);
}

TEST_F(wire, bad_data_offset)
{
	static const uint8_t doffs[] = { 0, 4, 6, 15 };
	struct wire *w = &self->w;
	uint8_t b[256];
	size_t i, n;

	establish(_metadata, w, 0, NULL);
	for (i = 0; i < sizeof(doffs); i++) {
		n = build(w, b, w->hport, TH_ACK | TH_PSH, w->snd_nxt,
			  w->rcv_nxt, w->win, NULL, 0, "abc", 3);
		/* 20 + 3 bytes: offsets 6 and 15 point past the end. */
		b[12] = doffs[i] << 4;
		fix_csum(w, b, n);
		ASSERT_OK(inject(w, b, n));
		n = build(w, b, CLOSED_PORT, TH_ACK, 1, 2, w->win, NULL, 0,
			  "abc", 3);
		b[12] = doffs[i] << 4;
		fix_csum(w, b, n);
		ASSERT_OK(inject(w, b, n));
	}
	rx_none(_metadata, w, 300, "bad data offsets");
	nothing_to_read(_metadata, w->fd);
	peer_data(_metadata, w, "abc", 3);
}

TEST_F(wire, bad_option_length)
{
	static const uint8_t past[] = { 1, 1, 8, 10 };	/* TS, 2 bytes left */
	static const uint8_t zero[] = { 3, 0, 1, 1 };	/* length 0 */
	static const uint8_t one[] = { 1, 5, 1, 0 };	/* length 1 */
	struct wire *w = &self->w;
	char buf[16];

	establish(_metadata, w, 0, NULL);
	SEND_SEG(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, past,
		 sizeof(past), "one", 3);
	w->snd_nxt += 3;
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of the data");
	SEND_SEG(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, zero,
		 sizeof(zero), "two", 3);
	w->snd_nxt += 3;
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of the data");
	SEND_SEG(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, one,
		 sizeof(one), "six", 3);
	w->snd_nxt += 3;
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of the data");
	ASSERT_EQ(9, xt_recv_all(w->fd, buf, 9));
	ASSERT_EQ(0, memcmp(buf, "onetwosix", 9));
}

TEST_F(wire, no_socket_ack_rst)
{
	struct wire *w = &self->w;

	closed_rst(_metadata, w, TH_ACK, 1000, 0x12345678, NULL, 0,
		   TH_RST, 0x12345678, 0);
	closed_rst(_metadata, w, TH_ACK | TH_PSH, 2000, 0xfffffffe, "data", 4,
		   TH_RST, 0xfffffffe, 0);
	closed_rst(_metadata, w, TH_ACK | TH_FIN, 3000, 7, NULL, 0,
		   TH_RST, 7, 0);
	/* A RST is never answered. */
	SEND(w, TH_RST, 1, 0, NULL, 0);
	w->hport = CLOSED_PORT;
	SEND(w, TH_RST | TH_ACK, 1, 2, NULL, 0);
	rx_none(_metadata, w, 300, "a RST to a closed port");
}

TEST_F(wire, no_socket_rst_ack)
{
	struct wire *w = &self->w;

	closed_rst(_metadata, w, TH_SYN, 1000, 0, NULL, 0,
		   TH_RST | TH_ACK, 0, 1001);
	closed_rst(_metadata, w, TH_SYN, 0xfffffff0, 0, "0123456789abcdefXY",
		   18, TH_RST | TH_ACK, 0, 0xfffffff0 + 19);
	closed_rst(_metadata, w, TH_PSH, 5000, 0, "0123456789", 10,
		   TH_RST | TH_ACK, 0, 5010);
	closed_rst(_metadata, w, TH_FIN, 6000, 0, "abcde", 5,
		   TH_RST | TH_ACK, 0, 6006);
	closed_rst(_metadata, w, 0, 7000, 0, NULL, 0, TH_RST | TH_ACK, 0, 7000);
}

TEST_HARNESS_MAIN
