// SPDX-License-Identifier: GPL-2.0
/*
 * Wire-level conformance against a fake peer (wire_peer.h): bad input:
 * checksum, short header, data offset, broken options, segments nobody
 * owns, dropped or answered as RFC 9293 says; and segments the socket
 * itself refuses: a socket filter's verdict, a TTL below IP_MINTTL.
 * Every expectation holds for Linux's TCP too (XTCP_TEST_FAMILY=inet).
 */
#include <linux/filter.h>
#include <linux/sock_diag.h>

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

/*
 * ---- what the socket refuses ----
 *
 * A classic BPF filter (SO_ATTACH_FILTER) that returns @keep: 0 drops
 * the segment; otherwise it is cut to @keep bytes from the TCP header,
 * never shorter than the header (Linux's tcp_filter()).
 */
static void attach_filter(struct __test_metadata *_metadata, int fd,
			  uint32_t keep)
{
	struct sock_filter code[] = { BPF_STMT(BPF_RET | BPF_K, keep) };
	struct sock_fprog prog = { .len = 1, .filter = code };

	ASSERT_OK(setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			     sizeof(prog)));
}

static void detach_filter(struct __test_metadata *_metadata, int fd)
{
	int zero = 0;

	ASSERT_OK(setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &zero,
			     sizeof(zero)));
}

/* The socket's drop count, as `ss -m` shows it (SO_MEMINFO). */
static long long sk_drops(int fd)
{
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &len) ||
	    len < sizeof(mi))
		return -1;
	return mi[SK_MEMINFO_DROPS];
}

/*
 * A filter that drops everything: the data is neither ACKed nor
 * delivered, and counts as a drop of the socket's.  Without the filter
 * the same segment again is taken.
 */
TEST_F(wire, socket_filter_drops)
{
	struct wire *w = &self->w;
	long long drops0;

	establish(_metadata, w, 0, NULL);
	drops0 = sk_drops(w->fd);
	ASSERT_LE(0, drops0);
	attach_filter(_metadata, w->fd, 0);
	SEND(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, "filtered", 8);
	rx_none(_metadata, w, 300, "data the socket's filter dropped");
	nothing_to_read(_metadata, w->fd);
	ASSERT_EQ(drops0 + 1, sk_drops(w->fd));
	detach_filter(_metadata, w->fd);
	peer_data(_metadata, w, "filtered", 8);
}

/*
 * A filter that keeps the header and 4 bytes: those 4 are ACKed and
 * read, as if the segment had carried no more.  One that keeps less
 * than the header leaves the header: a segment with no data, which
 * asks for no ACK.  Then the rest, unfiltered.
 */
TEST_F(wire, socket_filter_trims)
{
	struct wire *w = &self->w;
	char buf[16];

	establish(_metadata, w, 0, NULL);
	attach_filter(_metadata, w->fd, 20 + 4);
	SEND(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, "0123456789", 10);
	expect_ack(_metadata, w, w->snd_nxt + 4, 1000,
		   "the ACK of the 4 bytes the filter left");
	w->snd_nxt += 4;
	ASSERT_LT(0, xt_poll1(w->fd, POLLIN, 1000));
	ASSERT_EQ(4, recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT));
	ASSERT_EQ(0, memcmp(buf, "0123", 4));

	attach_filter(_metadata, w->fd, 1);
	SEND(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, "456789", 6);
	rx_none(_metadata, w, 300, "data the filter cut to the header");
	nothing_to_read(_metadata, w->fd);
	detach_filter(_metadata, w->fd);
	peer_data(_metadata, w, "456789", 6);
}

/* The listener answers no SYN: nothing comes back within 300 ms. */
static void syn_unanswered(struct __test_metadata *_metadata, struct wire *w,
			   const uint8_t *opt, size_t olen, const char *why)
{
	SEND_SEG(w, TH_SYN, PEER_ISS, 0, opt, olen, NULL, 0);
	rx_none(_metadata, w, 300, why);
}

/*
 * The listener's filter sees the SYN, and the ACK that completes the
 * handshake (Linux runs the listener's filter for its request socks).
 */
TEST_F(wire, socket_filter_listener)
{
	uint8_t opt[40];
	size_t olen = syn_opts(opt, O_MSS, MTU_MSS, 0, 0);
	struct wire *w = &self->w;
	struct rx r;

	listen_on(_metadata, w, 0);
	attach_filter(_metadata, w->lfd, 0);
	syn_unanswered(_metadata, w, opt, olen,
		       "a SYN the listener's filter dropped");
	detach_filter(_metadata, w->lfd);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &r);

	attach_filter(_metadata, w->lfd, 0);
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	ASSERT_GT(0, accept_within(w->lfd, 300))
		TH_LOG("the handshake completed through the filter");
	detach_filter(_metadata, w->lfd);
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, w->fd) TH_LOG("accept: %s", strerror(errno));
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);
	peer_data(_metadata, w, "through", 7);
}

/*
 * IP_MINTTL (RFC 5082): the peer's segments arrive with TTL 64.  Above
 * that, a listener ignores the SYN and a connection the data, each
 * counted in TCPMinTTLDrop and as a drop of the socket's; at 64 both
 * are taken.
 */
TEST_F(wire, min_ttl_drops)
{
	uint8_t opt[40];
	size_t olen = syn_opts(opt, O_MSS, MTU_MSS, 0, 0);
	struct wire *w = &self->w;
	long long drops0;
	struct rx r;

	drops0 = xt_mib("TCPMinTTLDrop");
	ASSERT_LE(0, drops0);
	listen_on(_metadata, w, 0);
	ASSERT_EQ(0, sk_drops(w->lfd));
	ASSERT_OK(xt_set_int(w->lfd, SOL_IP, IP_MINTTL, 65));
	syn_unanswered(_metadata, w, opt, olen,
		       "a SYN with a TTL below IP_MINTTL");
	ASSERT_EQ(drops0 + 1, xt_mib("TCPMinTTLDrop"));
	ASSERT_EQ(1, sk_drops(w->lfd));
	ASSERT_OK(xt_set_int(w->lfd, SOL_IP, IP_MINTTL, 64));
	syn_synack(_metadata, w, opt, olen, NULL, 0, &r);
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, w->fd) TH_LOG("accept: %s", strerror(errno));
	ASSERT_EQ(64, xt_get_int(w->fd, SOL_IP, IP_MINTTL));

	ASSERT_EQ(0, sk_drops(w->fd));
	ASSERT_OK(xt_set_int(w->fd, SOL_IP, IP_MINTTL, 65));
	SEND(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, "far", 3);
	rx_none(_metadata, w, 300, "data with a TTL below IP_MINTTL");
	nothing_to_read(_metadata, w->fd);
	ASSERT_EQ(drops0 + 2, xt_mib("TCPMinTTLDrop"));
	ASSERT_EQ(1, sk_drops(w->fd));
	ASSERT_OK(xt_set_int(w->fd, SOL_IP, IP_MINTTL, 64));
	peer_data(_metadata, w, "far", 3);
	ASSERT_EQ(drops0 + 2, xt_mib("TCPMinTTLDrop"));
}

TEST_HARNESS_MAIN
