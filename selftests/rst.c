// SPDX-License-Identifier: GPL-2.0
/*
 * Resets and the wire: abortive close (SO_LINGER {1, 0}) and what the
 * peer sees (poll bits, errno order), the RST answering a SYN to a closed
 * port, RST acceptance (RFC 5961: out of window ignored, in window but not
 * exact answered by a challenge ACK, exact accepted), segment checksums
 * (TCP pseudo-header with protocol 6, as the contract says) and, for XTCP,
 * IP protocol 253 on the wire.
 *
 * The segment tests use raw IPv4 sockets of the wire protocol (253 for
 * XTCP, 6 in inet mode, where they check the tools against Linux TCP).
 */
#include <fcntl.h>
#include <sys/socket.h>

#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "xtcp_harness.h"

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10

FIXTURE(rst) {
	int unused;
};

FIXTURE_SETUP(rst)
{
	XT_INIT();
}

FIXTURE_TEARDOWN(rst)
{
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/* A connected pair whose client side has been abortively closed. */
static void reset_pair(struct __test_metadata *_metadata, int *srv,
		       uint16_t *cport, uint16_t *sport)
{
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	*cport = xt_local_port(c);
	*sport = xt_local_port(s);
	ASSERT_OK(xt_linger0(c));
	ASSERT_OK(close(c));
	/* Wait for the RST (POLLOUT is already set, so do not ask for it). */
	ASSERT_NE(0, xt_poll1(s, POLLIN | POLLRDHUP, 2000));
	*srv = s;
}

/*
 * SO_LINGER {1, 0} then close(): RST, no FIN, no TIME_WAIT.  The peer
 * polls readable, writable, hung up and in error; reads ECONNRESET once,
 * then EOF; writes EPIPE.
 */
TEST_F(rst, linger0_peer_recv)
{
	struct sigaction sa = { .sa_handler = on_sigpipe };
	uint16_t cp, sp;
	char b;
	int s;

	ASSERT_OK(sigaction(SIGPIPE, &sa, NULL));
	reset_pair(_metadata, &s, &cp, &sp);
	ASSERT_EQ(POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP,
		  xt_poll1(s, POLLIN | POLLOUT | POLLRDHUP, 0));
	ASSERT_STATE(s, XTCP_CLOSE);
	ASSERT_EQ(-1, xt_proc_state(cp, sp));	/* no TIME_WAIT */
	ASSERT_EQ(-1, xt_proc_state(sp, cp));
	ASSERT_ERRNO(recv(s, &b, 1, 0), ECONNRESET);
	ASSERT_EQ(0, recv(s, &b, 1, 0));
	ASSERT_EQ(0, xt_get_int(s, SOL_SOCKET, SO_ERROR));
	/* Error consumed: POLLERR is gone, the rest stays. */
	ASSERT_EQ(POLLIN | POLLOUT | POLLHUP | POLLRDHUP,
		  xt_poll1(s, POLLIN | POLLOUT | POLLRDHUP, 0));
	sigpipes = 0;
	ASSERT_ERRNO(send(s, "x", 1, 0), EPIPE);
	ASSERT_EQ(1, sigpipes);
}

/* After a RST, SO_ERROR reports ECONNRESET once; then writes say EPIPE. */
TEST_F(rst, linger0_so_error_then_epipe)
{
	uint16_t cp, sp;
	char b;
	int s;

	reset_pair(_metadata, &s, &cp, &sp);
	ASSERT_EQ(ECONNRESET, xt_get_int(s, SOL_SOCKET, SO_ERROR));
	ASSERT_EQ(0, xt_get_int(s, SOL_SOCKET, SO_ERROR));
	ASSERT_ERRNO(send(s, "x", 1, MSG_NOSIGNAL), EPIPE);
	ASSERT_EQ(0, recv(s, &b, 1, 0));
}

/*
 * The first write after a RST reports the pending ECONNRESET (no SIGPIPE:
 * Linux raises it only for EPIPE); the next write EPIPE with SIGPIPE.
 */
TEST_F(rst, linger0_send_first)
{
	struct sigaction sa = { .sa_handler = on_sigpipe };
	uint16_t cp, sp;
	int s;

	ASSERT_OK(sigaction(SIGPIPE, &sa, NULL));
	reset_pair(_metadata, &s, &cp, &sp);
	sigpipes = 0;
	ASSERT_ERRNO(send(s, "x", 1, 0), ECONNRESET);
	ASSERT_EQ(0, sigpipes);
	ASSERT_ERRNO(send(s, "x", 1, 0), EPIPE);
	ASSERT_EQ(1, sigpipes);
	ASSERT_EQ(0, xt_get_int(s, SOL_SOCKET, SO_ERROR));
}

/* A RST wakes a reader blocked in recv(): ECONNRESET. */
struct rd {
	int fd;
	ssize_t ret;
	int err;
};

static void *reader(void *arg)
{
	struct rd *r = arg;
	char b;

	r->ret = recv(r->fd, &b, 1, 0);
	r->err = errno;
	return NULL;
}

TEST_F(rst, rst_wakes_blocked_reader)
{
	struct rd r = { .ret = -2 };
	pthread_t t;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	r.fd = s;
	ASSERT_EQ(0, pthread_create(&t, NULL, reader, &r));
	xt_msleep(100);		/* usually blocked by now; either way it must end so */
	ASSERT_OK(xt_close_rst(c));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(-1, r.ret);
	ASSERT_EQ(ECONNRESET, r.err);
}

/* ---- raw capture ---- */

static int cap_open(struct __test_metadata *_metadata, int proto)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, proto);

	ASSERT_LE(0, fd) TH_LOG("raw socket, protocol %d: %s", proto,
				strerror(errno));
	return fd;
}

/*
 * Next captured segment between ports @a and @b (either direction);
 * 0, or -1 after @timeout_ms without one.  @buf keeps the packet.
 */
static int cap_next(int fd, uint16_t a, uint16_t b, uint8_t *buf, size_t len,
		    struct xt_seg *s, int timeout_ms)
{
	uint64_t end = xt_now_ms() + timeout_ms;

	for (;;) {
		ssize_t n = recv(fd, buf, len, 0);
		int left;

		if (n > 0 && !xt_parse_seg(buf, n, s) &&
		    ((s->sport == a && s->dport == b) ||
		     (s->sport == b && s->dport == a)))
			return 0;
		if (n > 0)
			continue;
		left = (int)(end - xt_now_ms());
		if (left <= 0)
			return -1;
		poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, left);
	}
}

/* Throw away what was captured so far. */
static void cap_drain(int fd)
{
	uint8_t buf[2048];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* Wait for a segment from @from to @to with these flags (exact) . */
static int cap_find(int fd, uint16_t from, uint16_t to, uint8_t flags,
		    uint8_t *buf, size_t len, struct xt_seg *s, int timeout_ms)
{
	uint64_t end = xt_now_ms() + timeout_ms;

	for (;;) {
		int left = (int)(end - xt_now_ms());

		if (left <= 0 || cap_next(fd, from, to, buf, len, s, left))
			return -1;
		if (s->sport == from && (s->flags & 0x3f) == flags)
			return 0;
	}
}

/* A SYN to a port nobody listens on is answered by RST|ACK, seq 0. */
TEST_F(rst, closed_port_rst_segment)
{
	struct xt_seg syn, rst;
	uint8_t pkt[2048], pkt2[2048];
	uint16_t port = 0, cport;
	int l, cap, c;

	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	close(l);
	cap = cap_open(_metadata, xt_wire_protocol());
	c = xt_socket();
	ASSERT_LE(0, c);
	ASSERT_OK(xt_bind(c, XT_LOOP, 0));
	cport = xt_local_port(c);
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, port), ECONNREFUSED);

	ASSERT_OK(cap_find(cap, cport, port, TH_SYN, pkt, sizeof(pkt), &syn, 1000));
	ASSERT_EQ(xt_wire_protocol(), syn.ip_proto);
	ASSERT_OK(cap_find(cap, port, cport, TH_RST | TH_ACK, pkt2, sizeof(pkt2),
			   &rst, 1000));
	ASSERT_EQ(xt_wire_protocol(), rst.ip_proto);
	ASSERT_EQ(0U, rst.seq);
	ASSERT_EQ(syn.seq + 1, rst.ack);
	ASSERT_EQ(0U, rst.plen);
}

/*
 * Learn the server's rcv_nxt from the capture: the client sends 5 bytes,
 * the server reads them; rcv_nxt = that segment's seq + 5.
 */
static void learn_rcv_nxt(struct __test_metadata *_metadata, int cap, int c,
			  int s, uint32_t *rcv_nxt, uint32_t *snd_nxt)
{
	uint16_t cp = xt_local_port(c), sp = xt_local_port(s);
	uint8_t pkt[2048];
	struct xt_seg g;
	char b[5];

	ASSERT_EQ(5, send(c, "hello", 5, 0));
	ASSERT_EQ(5, xt_recv_all(s, b, 5));
	ASSERT_OK(cap_find(cap, cp, sp, TH_ACK | TH_PSH, pkt, sizeof(pkt), &g,
			   1000));
	ASSERT_EQ(5U, g.plen);
	*rcv_nxt = g.seq + 5;
	*snd_nxt = g.ack;	/* what the client acknowledged of the server */
}

static void assert_alive(struct __test_metadata *_metadata, int c, int s)
{
	char b;

	ASSERT_STATE(s, XTCP_ESTABLISHED);
	ASSERT_EQ(1, send(c, "k", 1, 0));
	ASSERT_EQ(1, xt_recv_all(s, &b, 1));
	ASSERT_EQ(1, send(s, "K", 1, 0));
	ASSERT_EQ(1, xt_recv_all(c, &b, 1));
	ASSERT_EQ('K', b);
}

/*
 * RFC 5961 RST handling, with forged RSTs from the client's address and
 * port to the server: out of the window ignored; inside it but not at
 * rcv_nxt answered by a challenge ACK (ack = rcv_nxt); exactly rcv_nxt
 * resets the connection.  The forged segments carry a correct checksum
 * (pseudo-header protocol 6), so the last step proves they are taken.
 */
TEST_F(rst, rst_acceptance)
{
	uint32_t lo = htonl(INADDR_LOOPBACK), rcv_nxt, snd_nxt;
	uint8_t pkt[2048];
	struct xt_seg g;
	uint16_t cp, sp;
	int cap, c, s;
	char b;

	cap = cap_open(_metadata, xt_wire_protocol());
	ASSERT_OK(xt_pair(&c, &s));
	cp = xt_local_port(c);
	sp = xt_local_port(s);
	learn_rcv_nxt(_metadata, cap, c, s, &rcv_nxt, &snd_nxt);

	/* Far outside the window: dropped silently. */
	ASSERT_OK(xt_send_seg(xt_wire_protocol(), IPPROTO_TCP, lo, lo, cp, sp,
			      rcv_nxt + 0x40000000, 0, TH_RST, 0));
	ASSERT_OK(xt_send_seg(xt_wire_protocol(), IPPROTO_TCP, lo, lo, cp, sp,
			      rcv_nxt - 0x40000000, 0, TH_RST, 0));
	assert_alive(_metadata, c, s);
	rcv_nxt += 1;		/* assert_alive sent one byte */
	snd_nxt += 1;

	/* In the window, not exact: a challenge ACK, the connection lives. */
	cap_drain(cap);
	ASSERT_OK(xt_send_seg(xt_wire_protocol(), IPPROTO_TCP, lo, lo, cp, sp,
			      rcv_nxt + 100, 0, TH_RST, 0));
	ASSERT_EQ(0, cap_find(cap, sp, cp, TH_ACK, pkt, sizeof(pkt), &g, 1000))
		TH_LOG("no challenge ACK");
	ASSERT_EQ(rcv_nxt, g.ack);
	assert_alive(_metadata, c, s);
	rcv_nxt += 1;

	/* Exactly rcv_nxt: reset. */
	ASSERT_OK(xt_send_seg(xt_wire_protocol(), IPPROTO_TCP, lo, lo, cp, sp,
			      rcv_nxt, 0, TH_RST, 0));
	ASSERT_NE(0, xt_poll1(s, POLLIN | POLLRDHUP, 2000));
	ASSERT_ERRNO(recv(s, &b, 1, 0), ECONNRESET);
	ASSERT_STATE(s, XTCP_CLOSE);
	(void)snd_nxt;
}

/* An exact RST whose checksum is wrong (pseudo-header says 253) is dropped. */
TEST_F(rst, rst_bad_checksum_ignored)
{
	uint32_t lo = htonl(INADDR_LOOPBACK), rcv_nxt, snd_nxt;
	uint16_t cp, sp;
	int cap, c, s;
	char b;

	cap = cap_open(_metadata, xt_wire_protocol());
	ASSERT_OK(xt_pair(&c, &s));
	cp = xt_local_port(c);
	sp = xt_local_port(s);
	learn_rcv_nxt(_metadata, cap, c, s, &rcv_nxt, &snd_nxt);
	ASSERT_OK(xt_send_seg(xt_wire_protocol(), IPPROTO_XTCP, lo, lo, cp, sp,
			      rcv_nxt, 0, TH_RST, 0));
	ASSERT_OK(xt_send_seg(xt_wire_protocol(), 17, lo, lo, cp, sp,
			      rcv_nxt, 0, TH_RST, 0));
	assert_alive(_metadata, c, s);
	rcv_nxt++;
	/* The same RST with the right checksum does reset it. */
	ASSERT_OK(xt_send_seg(xt_wire_protocol(), IPPROTO_TCP, lo, lo, cp, sp,
			      rcv_nxt, 0, TH_RST, 0));
	ASSERT_NE(0, xt_poll1(s, POLLIN | POLLRDHUP, 2000));
	ASSERT_ERRNO(recv(s, &b, 1, 0), ECONNRESET);
}

/*
 * Checksums on a real link with checksum offload off: every segment of a
 * connection (handshake, data, FIN) verifies with protocol 6 in the
 * pseudo-header.
 */
TEST_F(rst, checksum_protocol_6)
{
	struct xt_veth v;
	uint16_t port = 0, cport;
	uint8_t pkt[4096], data[3000];
	struct xt_seg g;
	int l, c, s, cap, n = 0, from_a = 0, payload = 0;
	char why[128];

	if (!xt_have_prog("ethtool"))
		SKIP(return, "ethtool not installed");
	if (xt_veth_setup(&v, 1500, why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_EQ(0, xt_sh("ethtool -K %s tso off gso off tx off", v.dev_a));
	ASSERT_OK(xt_netns_enter(v.ns_b));
	ASSERT_EQ(0, xt_sh("ethtool -K %s tso off gso off tx off", v.dev_b));
	/* Capture in b: what a sends, with a's checksums. */
	cap = cap_open(_metadata, xt_wire_protocol());
	l = xt_listener(v.ip_b, &port, 1);
	ASSERT_LE(0, l);
	ASSERT_OK(xt_netns_enter(v.ns_a));
	c = xt_connect_to(v.ip_b, port);
	ASSERT_LE(0, c);
	cport = xt_local_port(c);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	xt_pattern(data, sizeof(data), 21, 0);
	ASSERT_EQ((ssize_t)sizeof(data), send(c, data, sizeof(data), 0));
	ASSERT_EQ((ssize_t)sizeof(data), xt_recv_all(s, data, sizeof(data)));
	ASSERT_OK(close(c));
	ASSERT_EQ(0, recv(s, data, 1, 0));

	while (!cap_next(cap, cport, port, pkt, sizeof(pkt), &g, 200)) {
		uint16_t ok = xt_tcp_csum(g.saddr, g.daddr, IPPROTO_TCP,
					  g.tcp, g.tcp_len);

		n++;
		if (g.sport != cport)
			continue;
		from_a++;
		payload += g.plen;
		ASSERT_EQ(xt_wire_protocol(), g.ip_proto);
		/* Summing a correct segment, checksum included, gives 0. */
		ASSERT_EQ(0, ok) TH_LOG("segment seq %u flags %#x: checksum %#x does not verify with protocol 6",
					g.seq, g.flags, ntohs(g.check));
	}
	ASSERT_LE(3, from_a);		/* SYN, ACK, data..., FIN */
	ASSERT_EQ((int)sizeof(data), payload);
	TH_LOG("%d segments from a verified (%d seen)", from_a, n);
	xt_veth_free(&v);
}

/*
 * On loopback the checksum may be left to "hardware" (CHECKSUM_PARTIAL):
 * the field then holds the folded pseudo-header sum.  Either way it must
 * be computed with protocol 6.
 */
TEST_F(rst, checksum_protocol_6_loopback)
{
	uint8_t pkt[70000];
	struct xt_seg g;
	uint16_t cp, sp;
	int cap, c, s, n = 0, partial = 0;
	char b[100];

	cap = cap_open(_metadata, xt_wire_protocol());
	ASSERT_OK(xt_pair(&c, &s));
	cp = xt_local_port(c);
	sp = xt_local_port(s);
	memset(b, 'b', sizeof(b));
	ASSERT_EQ(100, send(c, b, 100, 0));
	ASSERT_EQ(100, xt_recv_all(s, b, 100));
	ASSERT_OK(close(c));
	ASSERT_EQ(0, recv(s, b, 1, 0));
	while (!cap_next(cap, cp, sp, pkt, sizeof(pkt), &g, 200)) {
		uint16_t full = xt_tcp_csum(g.saddr, g.daddr, IPPROTO_TCP,
					    g.tcp, g.tcp_len);
		uint8_t ph[12];
		uint32_t sum = 0;
		int i;

		/* The folded pseudo-header sum alone (CHECKSUM_PARTIAL). */
		memcpy(ph, &g.saddr, 4);
		memcpy(ph + 4, &g.daddr, 4);
		ph[8] = 0;
		ph[9] = IPPROTO_TCP;
		ph[10] = g.tcp_len >> 8;
		ph[11] = g.tcp_len;
		for (i = 0; i < 12; i += 2)
			sum += ph[i] << 8 | ph[i + 1];
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		n++;
		partial += full != 0;
		ASSERT_TRUE(full == 0 || ntohs(g.check) == sum)
			TH_LOG("seq %u flags %#x: checksum %#04x is neither a full protocol-6 checksum nor the protocol-6 pseudo-header sum %#04x",
			       g.seq, g.flags, ntohs(g.check), sum);
	}
	ASSERT_LE(6, n);
	TH_LOG("%d segments: %d with a full checksum, %d partial", n,
	       n - partial, partial);
}

/*
 * Every segment of a connection leaves as the family's IP protocol (253
 * for XTCP, 6 for TCP) and none as the other, read from a packet socket
 * on the loopback device: the bytes the device carried, not what a raw
 * socket of one protocol would select.
 */
TEST_F(rst, wire_protocol_on_device)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = (int)if_nametoindex("lo"),
	};
	int cap, c, s, n = 0, syns = 0;
	uint8_t pkt[70000];
	struct xt_seg g;
	uint16_t cp, sp;
	char b[10];

	cap = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_IP));
	ASSERT_LE(0, cap) TH_LOG("packet socket: %s", strerror(errno));
	ASSERT_OK(bind(cap, (struct sockaddr *)&sll, sizeof(sll)));
	ASSERT_OK(xt_pair(&c, &s));
	cp = xt_local_port(c);
	sp = xt_local_port(s);
	ASSERT_EQ(10, send(c, "0123456789", 10, 0));
	ASSERT_EQ(10, xt_recv_all(s, b, 10));
	ASSERT_OK(xt_close_rst(c));
	while (!cap_next(cap, cp, sp, pkt, sizeof(pkt), &g, 300)) {
		n++;
		syns += !!(g.flags & TH_SYN);
		ASSERT_EQ(xt_wire_protocol(), g.ip_proto)
			TH_LOG("segment %d (flags %#x) is IP protocol %d", n,
			       g.flags, g.ip_proto);
	}
	/* SYN, SYN-ACK, ACK, data, its ACK, RST: each seen once or twice. */
	ASSERT_LE(6, n);
	ASSERT_LE(2, syns);
	close(cap);
}

TEST_HARNESS_MAIN
