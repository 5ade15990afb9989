/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fake peer of the wire-level conformance tests, wire_*.c, one
 * program per area: handshake, window, recovery, teardown, bad input.
 *
 * A fake peer on a tun device talks to the stack under test with
 * hand-built IPv4 segments of the wire protocol (253 for
 * XTCP; 6, Linux's TCP, with XTCP_TEST_FAMILY=inet) and checks the replies
 * field by field: the SYN-ACK and its options, duplicate and challenge
 * ACKs (RFC 5961), the window's edges, FIN and the closing states, zero
 * window probes and retransmissions on their timers, loss recovery with
 * SACK (a hole resent alone, timeouts that skip SACKed data, tail loss
 * probes, reneging, SACK blocks that must be ignored), and bad input
 * (checksum, short header, data offset, broken options, SYN with data,
 * segments nobody owns) dropped or answered as RFC 9293 says.
 *
 * Each test has a network namespace of its own holding a tun device
 * (IFF_TUN | IFF_NO_PI, MTU 1500) with 10.79.0.1/24.  Sockets live on
 * 10.79.0.1; the fake peer is 10.79.0.2, on the far side of the tun: what
 * the stack sends it is read from the tun fd, and what the peer writes
 * there arrives as if received on the device.  The tun has no checksum
 * offload, so every checksum is complete both ways.
 *
 * Every expectation holds for Linux's TCP (6.1 and 6.12): run with
 * XTCP_TEST_FAMILY=inet to see it.  Where the kernels' TCPs differ (the
 * window scale follows the buffer sysctls, SYN retries follow
 * tcp_syn_linear_timeouts where it exists), the test reads what decides
 * it.  Where RFC 9293 leaves room and XTCP legitimately differs (the ISN,
 * trimming at the right window edge), a test asserts what both guarantee.
 * XTCP_TEST_VERBOSE=1 traces every segment in and out.
 */
#ifndef XTCP_WIRE_PEER_H
#define XTCP_WIRE_PEER_H

#include <fcntl.h>
#include <net/if.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

#include "xtcp_harness.h"

/* Each wire_*.c program uses some of these helpers, none all. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80

/* The IP header's ECN field (RFC 3168 5): the TOS byte's low two bits. */
#define IP_NOT_ECT	0
#define IP_ECT_0	2
#define IP_CE		3

#define TUN_NAME	"xtw0"
#define HOST_IP		"10.79.0.1"	/* the stack under test */
#define PEER_IP		"10.79.0.2"	/* the fake peer, behind the tun */
#define HPORT		8000		/* the listener */
#define CLOSED_PORT	8001		/* nobody listens there */
#define PPORT		40000		/* the peer's port */
/* Close to the wrap: the peer's sequence numbers cross zero. */
#define PEER_ISS	0xffffffc0U
#define PEER_WIN	65535

#define MTU_MSS		1460		/* 1500 - 20 - 20 */
#define TSOPT_LEN	12		/* NOP NOP TS, as every segment has it */

struct wire {
	int tun;
	uint8_t proto;		/* IP protocol of the segments: 253 or 6 */
	uint32_t host, peer;	/* network order */
	uint16_t hport, pport;	/* host order */
	uint16_t ip_id;
	uint8_t tos;		/* the TOS byte the peer sends (ECN: CE) */
	/* The peer's view of the connection. */
	uint32_t snd_nxt;	/* its next sequence number */
	uint32_t rcv_nxt;	/* the next one it expects from the host */
	uint16_t win;		/* the window it advertises */
	uint32_t right;		/* right edge the host advertised (peer seq) */
	int lfd, fd;		/* the listener and the connection */
	uint64_t t0;		/* test start, for the trace */
	/* With timestamps (the SACK tests): */
	uint32_t ts_ecr;	/* the host's TSval the peer echoes */
	unsigned int rtt_ms;	/* the peer answers each flight this late */
};

/* A segment the host sent, as read from the tun. */
struct rx {
	uint8_t pkt[2048];
	struct xt_seg s;
	uint16_t urg;
	uint16_t csum;		/* TCP checksum over pseudo-header (6): 0 if right */
	uint16_t ipcsum;	/* IP header checksum: 0 if right */
	const uint8_t *opt;
	size_t olen;
	const uint8_t *data;
	uint64_t t;		/* when it was read (ms) */
};

static bool seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static bool tracing(void)
{
	const char *v = getenv("XTCP_TEST_VERBOSE");

	return v && *v && strcmp(v, "0");
}

/* tcpdump-like: "S. seq 1 ack 2 win 3 len 4 opt 020405b4..." */
static const char *seg_str(const uint8_t *tcp, size_t tcp_len, char *out,
			   size_t len)
{
	static const char fl[] = "FSRP.UEW";
	char flags[9] = "";
	size_t hl, n, i, k = 0;

	if (tcp_len < 20) {
		snprintf(out, len, "(%zu bytes, no TCP header)", tcp_len);
		return out;
	}
	for (i = 0; i < 8; i++)
		if (tcp[13] & (1 << i))
			flags[k++] = fl[i];
	flags[k] = '\0';
	hl = (tcp[12] >> 4) * 4;
	n = snprintf(out, len, "%s seq %u ack %u win %u len %zd doff %zu",
		     k ? flags : "none", get32(tcp + 4), get32(tcp + 8),
		     tcp[14] << 8 | tcp[15],
		     (ssize_t)tcp_len - (ssize_t)(hl > 20 ? hl : 20), hl / 4);
	if (hl > 20 && hl <= tcp_len && n + 6 < len) {
		n += snprintf(out + n, len - n, " opt ");
		for (i = 20; i < hl && n + 3 < len; i++)
			n += snprintf(out + n, len - n, "%02x", tcp[i]);
	}
	return out;
}

static void trace(const struct wire *w, const char *dir, const uint8_t *tcp,
		  size_t len)
{
	char b[256];

	if (!tracing())
		return;
	fprintf(stderr, "# %6llu ms %s %u > %u %s\n",
		(unsigned long long)(xt_now_ms() - w->t0), dir,
		len >= 4 ? tcp[0] << 8 | tcp[1] : 0,
		len >= 4 ? tcp[2] << 8 | tcp[3] : 0,
		seg_str(tcp, len, b, sizeof(b)));
}

/* ---- the peer's side: segments in ---- */

/* Wrap @tcp (any bytes) in an IPv4 header from the peer and inject it. */
/* An IP packet of @proto from the peer to the host, DF set. */
static int inject_ip(struct wire *w, uint8_t proto, const uint8_t *payload,
		     size_t len)
{
	uint8_t pkt[4096];
	size_t tot = 20 + len;

	if (tot > sizeof(pkt))
		return -1;
	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	pkt[1] = w->tos;
	put16(pkt + 2, tot);
	put16(pkt + 4, ++w->ip_id);
	pkt[6] = 0x40;			/* DF */
	pkt[8] = 64;
	pkt[9] = proto;
	memcpy(pkt + 12, &w->peer, 4);
	memcpy(pkt + 16, &w->host, 4);
	put16(pkt + 10, xt_ip_csum(pkt, 20));
	memcpy(pkt + 20, payload, len);
	return write(w->tun, pkt, tot) == (ssize_t)tot ? 0 : -1;
}

static int inject(struct wire *w, const uint8_t *tcp, size_t len)
{
	trace(w, "peer", tcp, len);
	return inject_ip(w, w->proto, tcp, len);
}

/*
 * A TCP segment from the peer's port to @dport in @buf: options padded
 * with EOL to a multiple of 4, checksum over TCP's pseudo-header.
 * Returns its length.
 */
static size_t build(const struct wire *w, uint8_t *buf, uint16_t dport,
		    uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
		    const uint8_t *opt, size_t olen, const void *data,
		    size_t dlen)
{
	size_t hl = 20 + (olen + 3) / 4 * 4;
	uint16_t ck;

	memset(buf, 0, hl);
	put16(buf, w->pport);
	put16(buf + 2, dport);
	put32(buf + 4, seq);
	put32(buf + 8, ack);
	buf[12] = (hl / 4) << 4;
	buf[13] = flags;
	put16(buf + 14, win);
	if (olen)
		memcpy(buf + 20, opt, olen);
	if (dlen)
		memcpy(buf + hl, data, dlen);
	ck = xt_tcp_csum(w->peer, w->host, IPPROTO_TCP, buf, hl + dlen);
	memcpy(buf + 16, &ck, 2);
	return hl + dlen;
}

/* Checksum a segment with @proto in the pseudo-header (6 is right). */
static void set_csum(const struct wire *w, uint8_t *tcp, size_t len,
		     uint8_t proto)
{
	uint16_t ck;

	tcp[16] = 0;
	tcp[17] = 0;
	ck = xt_tcp_csum(w->peer, w->host, proto, tcp, len);
	memcpy(tcp + 16, &ck, 2);
}

/* Recompute the checksum of a segment after editing it. */
static void fix_csum(const struct wire *w, uint8_t *tcp, size_t len)
{
	set_csum(w, tcp, len, IPPROTO_TCP);
}

/* A segment of the connection, with the peer's window. */
static void send_seg(struct __test_metadata *_metadata, struct wire *w,
		     uint8_t flags, uint32_t seq, uint32_t ack,
		     const uint8_t *opt, size_t olen, const void *data,
		     size_t dlen)
{
	uint8_t b[4096];
	size_t n;

	ASSERT_GE(sizeof(b) - 60, dlen);
	n = build(w, b, w->hport, flags, seq, ack, w->win, opt, olen, data,
		  dlen);
	ASSERT_OK(inject(w, b, n));
}

#define SEND_SEG(w, flags, seq, ack, opt, olen, data, dlen)		\
	send_seg(_metadata, w, flags, seq, ack, opt, olen, data, dlen)

/* A segment of the connection, no options. */
#define SEND(w, flags, seq, ack, data, dlen)				\
	send_seg(_metadata, w, flags, seq, ack, NULL, 0, data, dlen)

/* ---- the host's side: segments out ---- */

static int rx_parse(const struct wire *w, struct rx *r, size_t n)
{
	const uint8_t *p = r->pkt;

	if (n < 20 || p[0] >> 4 != 4 || p[9] != w->proto ||
	    memcmp(p + 12, &w->host, 4) || memcmp(p + 16, &w->peer, 4))
		return -1;
	if (xt_parse_seg(p, n, &r->s))
		return -1;
	r->ipcsum = xt_ip_csum(p, (p[0] & 15) * 4);
	r->csum = xt_tcp_csum(r->s.saddr, r->s.daddr, IPPROTO_TCP, r->s.tcp,
			      r->s.tcp_len);
	r->urg = r->s.tcp[18] << 8 | r->s.tcp[19];
	r->opt = r->s.tcp + 20;
	r->olen = r->s.hlen - 20;
	r->data = r->s.tcp + r->s.hlen;
	return 0;
}

/*
 * The next segment the host sends the peer (IPv6, other protocols and
 * addresses are skipped); 0, or -1 after @timeout_ms without one.
 */
static int rx_next(struct wire *w, struct rx *r, int timeout_ms)
{
	uint64_t end = xt_now_ms() + timeout_ms;

	for (;;) {
		ssize_t n = read(w->tun, r->pkt, sizeof(r->pkt));
		int left;

		if (n > 0) {
			if (rx_parse(w, r, n))
				continue;
			r->t = xt_now_ms();
			trace(w, "host", r->s.tcp, r->s.tcp_len);
			return 0;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		left = (int)(end - xt_now_ms());
		if (left <= 0)
			return -1;
		poll(&(struct pollfd){ .fd = w->tun, .events = POLLIN }, 1,
		     left);
	}
}

/* The ECN field of a segment the host sent. */
static uint8_t rx_ecn(const struct rx *r)
{
	return r->pkt[1] & 3;
}

static const char *rx_str(const struct rx *r, char *out, size_t len)
{
	return seg_str(r->s.tcp, r->s.tcp_len, out, len);
}

/* Wait for the next segment: fail if none comes in @timeout_ms. */
static void rx_expect(struct __test_metadata *_metadata, struct wire *w,
		      struct rx *r, int timeout_ms, const char *what)
{
	ASSERT_EQ(0, rx_next(w, r, timeout_ms))
		TH_LOG("no segment within %d ms, wanted %s", timeout_ms, what);
}

/* Nothing at all for @ms: fail on the first segment. */
static void rx_none(struct __test_metadata *_metadata, struct wire *w,
		    int ms, const char *after)
{
	struct rx r;
	char b[256];

	ASSERT_NE(0, rx_next(w, &r, ms))
		TH_LOG("after %s: unexpected segment %s", after,
		       rx_str(&r, b, sizeof(b)));
}

/*
 * The header of a segment the host sent: checksums (IP, and TCP's with
 * protocol 6 in the pseudo-header), ports, flags exactly, seq, ack (when
 * ACK is set), payload length, no urgent pointer.
 */
static void check_seg(struct __test_metadata *_metadata,
		      const struct wire *w, const struct rx *r, uint8_t flags,
		      uint32_t seq, uint32_t ack, size_t plen)
{
	char b[256];

	rx_str(r, b, sizeof(b));
	ASSERT_EQ(0, r->ipcsum) TH_LOG("IP header checksum wrong: %s", b);
	ASSERT_EQ(0, r->csum)
		TH_LOG("TCP checksum (pseudo-header protocol 6) wrong: %s", b);
	ASSERT_EQ(w->hport, r->s.sport) TH_LOG("%s", b);
	ASSERT_EQ(w->pport, r->s.dport) TH_LOG("%s", b);
	ASSERT_EQ(flags, r->s.flags)
		TH_LOG("flags %#x, wanted %#x: %s", r->s.flags, flags, b);
	ASSERT_EQ(seq, r->s.seq) TH_LOG("%s", b);
	if (flags & TH_ACK)
		ASSERT_EQ(ack, r->s.ack) TH_LOG("%s", b);
	ASSERT_EQ(plen, r->s.plen) TH_LOG("%s", b);
	ASSERT_EQ(0, r->urg) TH_LOG("%s", b);
}

/*
 * A bare ACK of an established connection without options: exactly ACK,
 * seq = what the peer expects, ack as given, a 20-byte header, a window
 * that does not pull the right edge back (RFC 9293 3.8.6).
 */
static void check_ack(struct __test_metadata *_metadata, struct wire *w,
		      const struct rx *r, uint32_t ack)
{
	char b[256];
	uint32_t edge;

	check_seg(_metadata, w, r, TH_ACK, w->rcv_nxt, ack, 0);
	rx_str(r, b, sizeof(b));
	ASSERT_EQ(20U, r->s.hlen) TH_LOG("%s", b);
	edge = r->s.ack + r->s.win;
	ASSERT_FALSE(seq_before(edge, w->right))
		TH_LOG("right edge moved back from %u to %u: %s", w->right,
		       edge, b);
	w->right = edge;
}

/* Expect the next segment to be a bare ACK of @ack. */
static void expect_ack(struct __test_metadata *_metadata, struct wire *w,
		       uint32_t ack, int timeout_ms, const char *what)
{
	struct rx r;

	rx_expect(_metadata, w, &r, timeout_ms, what);
	check_ack(_metadata, w, &r, ack);
}

/* Throw away whatever the host sent so far. */
static void rx_drain(struct wire *w)
{
	uint8_t b[2048];

	while (read(w->tun, b, sizeof(b)) > 0)
		;
}

/* ---- set-up ---- */

/*
 * run_vm.sh runs a wire program as it is and with super-segments side
 * by side.  A test that changes what every namespace shares (the memory
 * budget) takes this lock exclusively, before the change; every other
 * wire test takes it shared, so that no test of the other lane runs
 * under the change.  It goes with the test's process.
 */
#define WIRE_LOCK	"/tmp/xtcp-wire.lock"
static int wire_lock_fd = -1;

static void wire_lock(struct __test_metadata *_metadata, int how)
{
	if (wire_lock_fd >= 0)
		return;		/* this test holds it already */
	wire_lock_fd = open(WIRE_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, wire_lock_fd) TH_LOG("%s: %s", WIRE_LOCK, strerror(errno));
	ASSERT_OK(flock(wire_lock_fd, how));
}

/*
 * The tun and its namespace, for FIXTURE(wire) and any fixture of the
 * same shape (wire_script.c's).
 */
static void wire_peer_setup(struct __test_metadata *_metadata, struct wire *w)
{
	struct sockaddr_in *sin;
	struct ifreq ifr;
	char path[128];
	int s, fd;

	memset(w, 0, sizeof(*w));
	w->tun = -1;
	w->lfd = -1;
	w->fd = -1;
	XT_INIT();
	if (!xt_isolated())
		SKIP(return, "needs a namespace of its own (XTCP_TEST_NETNS=0)");
	wire_lock(_metadata, LOCK_SH);
	w->t0 = xt_now_ms();
	w->proto = xt_wire_protocol();
	inet_pton(AF_INET, HOST_IP, &w->host);
	inet_pton(AF_INET, PEER_IP, &w->peer);
	w->hport = HPORT;
	w->pport = PPORT;
	w->win = PEER_WIN;
	/*
	 * XTCP_TEST_GSO=1: XTCP sends super-segments on the tun too, which
	 * GSO cuts in software before it (net.xtcp.gso 2): every case then
	 * also checks how multi-segment skbs are counted and cut.  Linux's
	 * TCP does that on a tun anyway.
	 */
	if (!xt_inet() && getenv("XTCP_TEST_GSO") &&
	    strcmp(getenv("XTCP_TEST_GSO"), "0"))
		ASSERT_EQ(0, xt_sysctl_set("gso", "2"));

	w->tun = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (w->tun < 0 && (errno == ENOENT || errno == ENODEV)) {
		xt_sh("modprobe tun");
		w->tun = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	}
	if (w->tun < 0)
		SKIP(return, "/dev/net/tun: %s (CONFIG_TUN?)", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", TUN_NAME);
	ASSERT_OK(ioctl(w->tun, TUNSETIFF, &ifr));

	/* No IPv6 chatter (best effort: the rx side skips it anyway). */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 TUN_NAME);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			TH_LOG("cannot disable IPv6 on %s", TUN_NAME);
		close(fd);
	}

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", TUN_NAME);
	sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = w->host;
	ASSERT_OK(ioctl(s, SIOCSIFADDR, &ifr));
	sin->sin_addr.s_addr = htonl(0xffffff00);
	ASSERT_OK(ioctl(s, SIOCSIFNETMASK, &ifr));
	close(s);
	ASSERT_OK(xt_link_up(TUN_NAME));
	ASSERT_OK(xt_link_wait_running(TUN_NAME, 3000));
	rx_drain(w);
}

static void wire_peer_teardown(struct wire *w)
{
	/*
	 * Abort, not close: the fake peer is gone, and a FIN or unacked
	 * data would keep an orphan retransmitting (and the module held)
	 * for a minute after the test.
	 */
	if (w->fd >= 0)
		xt_close_rst(w->fd);
	if (w->lfd >= 0)
		close(w->lfd);
	if (w->tun >= 0)
		close(w->tun);
}

FIXTURE(wire) {
	struct wire w;
};

FIXTURE_SETUP(wire)
{
	wire_peer_setup(_metadata, &self->w);
}

FIXTURE_TEARDOWN(wire)
{
	wire_peer_teardown(&self->w);
}

/* A listener on HOST_IP:HPORT; @rcvbuf (SO_RCVBUF) before listen() if set. */
static void listen_on(struct __test_metadata *_metadata, struct wire *w,
		      int rcvbuf)
{
	w->lfd = xt_socket();
	ASSERT_LE(0, w->lfd);
	if (rcvbuf)
		ASSERT_OK(xt_bufs(w->lfd, 0, rcvbuf));
	ASSERT_OK(xt_bind(w->lfd, HOST_IP, w->hport));
	ASSERT_OK(listen(w->lfd, 8));
}

/* ---- SYN options, as Linux lays them out ---- */

#define O_MSS	0x1
#define O_SACK	0x2
#define O_TS	0x4
#define O_WS	0x8

static size_t syn_opts(uint8_t *o, unsigned int which, uint16_t mss,
		       uint32_t tsval, uint8_t ws)
{
	size_t n = 0;

	if (which & O_MSS) {
		o[n++] = 2;
		o[n++] = 4;
		put16(o + n, mss);
		n += 2;
	}
	if (which & O_TS) {
		if (which & O_SACK) {
			o[n++] = 4;
			o[n++] = 2;
		} else {
			o[n++] = 1;
			o[n++] = 1;
		}
		o[n++] = 8;
		o[n++] = 10;
		put32(o + n, tsval);
		put32(o + n + 4, 0);
		n += 8;
	} else if (which & O_SACK) {
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 4;
		o[n++] = 2;
	}
	if (which & O_WS) {
		o[n++] = 1;
		o[n++] = 3;
		o[n++] = 3;
		o[n++] = ws;
	}
	return n;
}

/*
 * Linux's window in a SYN or SYN-ACK with default buffers: 64 KB less a
 * remainder, a multiple of the MSS less the timestamps' 12 bytes
 * (tcp_select_initial_window()), never scaled.
 */
static uint16_t syn_window(bool ts)
{
	uint32_t mss = MTU_MSS - (ts ? TSOPT_LEN : 0);

	return 65535 / mss * mss;
}

static unsigned long sysctl_last(const char *path)
{
	unsigned long v = 0, x;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fscanf(f, "%lu", &x) == 1)
		v = x;
	fclose(f);
	return v;
}

/*
 * The window scale offered: for the largest buffer the socket may grow
 * to, max(rmem[2], rmem_max) (net.xtcp.rmem or net.ipv4.tcp_rmem) (Linux's tcp_select_initial_window(),
 * 7 with the defaults of a machine of a few GB).
 */
static uint8_t syn_wscale(void)
{
	char path[128];
	unsigned long space = sysctl_last(xt_sysctl_path("rmem", path,
							 sizeof(path)));
	unsigned long rmem_max = sysctl_last("/proc/sys/net/core/rmem_max");
	int shift = -15;

	if (rmem_max > space)
		space = rmem_max;
	for (; space > 1; space >>= 1)
		shift++;
	return shift < 0 ? 0 : shift > 14 ? 14 : shift;
}

static void check_opts(struct __test_metadata *_metadata, const struct rx *r,
		       const uint8_t *want, size_t len)
{
	char got[128] = "", exp[128] = "";
	size_t i;

	for (i = 0; i < r->olen && i < 60; i++)
		sprintf(got + 2 * i, "%02x", r->opt[i]);
	for (i = 0; i < len && i < 60; i++)
		sprintf(exp + 2 * i, "%02x", want[i]);
	ASSERT_EQ(len, r->olen) TH_LOG("options %s, wanted %s", got, exp);
	ASSERT_EQ(0, memcmp(r->opt, want, len))
		TH_LOG("options %s, wanted %s", got, exp);
}

/* Send a SYN to the listener, expect the SYN-ACK. */
static void syn_synack(struct __test_metadata *_metadata, struct wire *w,
		       const uint8_t *opt, size_t olen, const void *data,
		       size_t dlen, struct rx *r)
{
	w->snd_nxt = PEER_ISS;
	SEND_SEG(w, TH_SYN, PEER_ISS, 0, opt, olen, data, dlen);
	w->snd_nxt = PEER_ISS + 1;
	rx_expect(_metadata, w, r, 2000, "SYN-ACK");
	/* The ISN is the host's own (RFC 6528): only the ack is known. */
	check_seg(_metadata, w, r, TH_SYN | TH_ACK, r->s.seq, PEER_ISS + 1, 0);
	w->rcv_nxt = r->s.seq + 1;
	w->right = w->snd_nxt + r->s.win;
}

static int accept_within(int lfd, int ms)
{
	if (xt_poll1(lfd, POLLIN, ms) <= 0)
		return -1;
	return accept(lfd, NULL, NULL);
}

/*
 * An established connection: listener (with @rcvbuf), SYN with an MSS
 * option only (no timestamps, SACK or scaling: bare 20-byte ACKs and
 * windows in bytes), SYN-ACK, ACK, accept().
 */
static void establish(struct __test_metadata *_metadata, struct wire *w,
		      int rcvbuf, struct rx *synack)
{
	uint8_t opt[40];
	size_t olen = syn_opts(opt, O_MSS, MTU_MSS, 0, 0);
	struct rx r;

	if (!synack)
		synack = &r;
	listen_on(_metadata, w, rcvbuf);
	syn_synack(_metadata, w, opt, olen, NULL, 0, synack);
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, w->fd) TH_LOG("accept: %s", strerror(errno));
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);
}

/* The peer sends @len bytes in sequence: ACKed, and read back. */
static void peer_data(struct __test_metadata *_metadata, struct wire *w,
		      const char *data, size_t len)
{
	char buf[256];

	SEND(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, data, len);
	w->snd_nxt += len;
	expect_ack(_metadata, w, w->snd_nxt, 1000, "the ACK of the data");
	ASSERT_LT(0, xt_poll1(w->fd, POLLIN, 1000));
	ASSERT_EQ((ssize_t)len, recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT));
	ASSERT_EQ(0, memcmp(buf, data, len));
}

/* Nothing to read: the segment was not delivered. */
static void nothing_to_read(struct __test_metadata *_metadata, int fd)
{
	char b[16];

	ASSERT_ERRNO(recv(fd, b, sizeof(b), MSG_DONTWAIT), EAGAIN);
}

/* ---- the SYN-ACK ---- */

/*
 * A SYN with every option Linux sends, in Linux's order: the SYN-ACK is
 * exactly SYN|ACK, acknowledges ISS+1 and answers with MSS 1460 (the
 * tun's MTU), SACK-permitted, timestamps echoing our TSval, NOP, window
 * scale (7 by default), laid out as Linux does; the window is unscaled.
 */

/* A SYN without options: the SYN-ACK offers only an MSS. */

/*
 * Unknown kinds (an experimental one, one with an odd length) and
 * padding before the known options are skipped by their length: the
 * SYN-ACK still has SACK-permitted, timestamps and window scaling.  The
 * peer's MSS (1400) does not change the MSS the host offers.
 */

/*
 * An option whose length runs past the end of the header ends the list:
 * what came before it counts (MSS, SACK-permitted, window scale), the
 * cut-off timestamps option does not.  So the SYN-ACK has no timestamps
 * (and SACK-permitted padded NOP NOP, as Linux lays it out then).
 */

/*
 * A SYN carrying data, without a Fast Open cookie: the SYN-ACK
 * acknowledges the SYN only (ack = ISS + 1); the data is not delivered,
 * and once sent again after the handshake it is.
 */

/* ---- sequence numbers and the window ---- */

/*
 * Data entirely beyond the right edge of the window is not taken; the
 * answer is an immediate duplicate ACK (RFC 9293 3.10.7.4: ack unchanged).
 */

/*
 * An old duplicate (data already acknowledged) is answered by an ACK of
 * where we are and not delivered again; a segment that is partly old
 * delivers only its new bytes.
 */

/*
 * A segment starting in the window and running past its right edge.
 * RFC 9293 3.10.7.4 trims it to the window, and XTCP does: the ACK covers
 * exactly what fitted and only those bytes are read.  Linux (6.1, 6.12)
 * takes in-sequence data beyond the window when its buffer has room (the
 * receive queue is empty here), so in both families the test asserts
 * what they share: an immediate ACK covering at least the bytes in the
 * window and at most the segment, and exactly the acknowledged bytes
 * delivered, in order.
 */

/* ---- RST and SYN on an established connection (RFC 5961) ---- */

/*
 * A RST outside the window is dropped silently; a RST inside it but not
 * at rcv_nxt gets a challenge ACK (RFC 5961 3.2) and the connection stays
 * ESTABLISHED.
 */

/* A RST exactly at rcv_nxt resets: ECONNRESET, CLOSE, no answer. */

/* A SYN on an established connection: challenge ACK (RFC 5961 4.2). */

/*
 * RFC 5961 5.2, blind data injection: an ACK is acceptable only within
 * SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT, MAX.SND.WND being no more
 * than what the peer ever acknowledged (as Linux's tcp_ack()).  Data
 * whose ACK lies below that is dropped with a challenge ACK; data whose
 * ACK is merely old (a reordered segment) is taken.
 */

/*
 * Answers to segments that are dropped come at most once per
 * tcp_invalid_ratelimit (500 ms) and connection: bare ACKs outside the
 * window, in-window RSTs that are not exact (challenge ACKs), as Linux's
 * tcp_oow_rate_limited().  Data outside the window is always answered.
 */

/* ---- FIN ---- */

/*
 * The peer's FIN is acknowledged (ack = FIN's seq + 1), the connection
 * goes CLOSE_WAIT and reads return 0.  Our own FIN then (LAST_ACK), and
 * the peer's ACK of it closes the connection without an answer.
 */

/*
 * Active close: FIN (FIN_WAIT1); the peer's ACK of it (FIN_WAIT2, no
 * answer); the peer's FIN, acknowledged (TIME_WAIT: the connection's
 * /proc line, the fd itself is CLOSE); a retransmission of that FIN in
 * TIME_WAIT is acknowledged again.
 */

/* ---- timers ---- */

/*
 * Is @got (ms) the timer @want (ms)?  Timers do not fire early, but the
 * reference time is when we read a segment, a little late; under QEMU
 * without KVM they fire late, so the upper bound is generous.
 */
static bool timer_ok(uint64_t got, uint64_t want)
{
	return got * 10 + 200 >= want * 8 && got <= want * 3 / 2 + 300;
}

#define ASSERT_TIMER(got, want, what) do {				\
	uint64_t __g = (got), __w = (want);				\
	ASSERT_TRUE(timer_ok(__g, __w))					\
		TH_LOG("%s after %llu ms, wanted about %llu ms", what,	\
		       (unsigned long long)__g, (unsigned long long)__w); \
} while (0)

static unsigned int rto_ms(struct __test_metadata *_metadata, int fd)
{
	struct tcp_info ti;

	if (xt_tcp_info(fd, &ti)) {
		TH_LOG("TCP_INFO: %s", strerror(errno));
		return 0;
	}
	return ti.tcpi_rto / 1000;
}

/*
 * Zero window: the peer acknowledges data with window 0 and the host has
 * more to send.  It sends window probes (Linux's: an ACK with seq
 * SND.UNA - 1 and no data, which the peer must answer) on the persist
 * timer: after the RTO (at least 200 ms), then backing off, doubling each
 * time, though every probe is answered (with window 0 still).  When the
 * window opens, the data goes.
 */

/*
 * Retransmission timeout: data the peer never acknowledges goes again
 * with the same sequence number and bytes after the RTO (TCP_INFO's
 * tcpi_rto: here from the handshake's RTT sample, so about the 200 ms
 * minimum), then after twice and four times that (RFC 6298 5.5).
 */

/*
 * An active open nobody answers: the SYN (MSS, SACK-permitted, timestamps,
 * NOP, window scale as Linux lays them out, window unscaled) goes again
 * with the same sequence number after 1 s, 3 s and 7 s (initial RTO 1 s,
 * RFC 6298 2.1, doubling).  Kernels with net.ipv4.tcp_syn_linear_timeouts
 * (Debian's 6.12, upstream 6.17; default 4) keep the first retries 1 s
 * apart, then double: where that sysctl exists, it is the reference.
 */

/* ---- loss recovery with SACK ---- */

/*
 * The peer negotiates SACK and timestamps (no window scaling), and the
 * host, with TCP_NODELAY, writes NSEG full segments at once.  The peer
 * answers the handshake and two rounds of data before w->rtt_ms late, as
 * a path with that round trip would, which gives the host an srtt of
 * about that; the burst it answers at once, so that the host's loss
 * probe, due 2 * srtt after the burst, cannot beat the answer even when
 * the emulated machine stalls a while.  It loses some segments and SACKs
 * the others, one more per ACK, as a receiver does (RFC 2018).  Linux
 * (6.1, 6.12) recovers with RACK-TLP (RFC 8985) over the SACK scoreboard
 * (RFC 6675) and PRR (RFC 6937); TCP_INFO shows its state:
 * tcpi_ca_state, and the segments out (tcpi_unacked), SACKed, lost,
 * being retransmitted, and retransmitted in all.
 */
#define NSEG		10
#define RTT_MS		80

#define CA_OPEN		0
#define CA_RECOVERY	3
#define CA_LOSS		4

struct sack_blk {
	uint32_t start, end;
};

/* What the host sent of the burst: segment i (0-based) is seq[i]. */
struct burst {
	uint32_t seq[NSEG + 1];		/* seq[NSEG]: the burst's end */
	uint32_t mss;
	uint8_t flags[NSEG];		/* each one's flags */
	uint64_t t;			/* when its first segment came */
	uint8_t data[NSEG * MTU_MSS];
};

/* The peer's timestamp clock: milliseconds, never going back. */
static uint32_t peer_tsval(const struct wire *w)
{
	return (uint32_t)(xt_now_ms() - w->t0) + 1;
}

/* The TSval of a segment the host sent, 0 if it has none. */
static uint32_t rx_tsval(const struct rx *r)
{
	size_t i = 0;

	while (i < r->olen && r->opt[i]) {
		if (r->opt[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= r->olen || r->opt[i + 1] < 2)
			break;
		if (r->opt[i] == 8 && r->opt[i + 1] == 10 && i + 10 <= r->olen)
			return get32(r->opt + i + 2);
		i += r->opt[i + 1];
	}
	return 0;
}

static void sleep_until(uint64_t t)
{
	uint64_t now = xt_now_ms();

	if (t > now)
		xt_msleep(t - now);
}

/* NOP NOP TS, as Linux lays timestamps out: its length, 12. */
static size_t put_ts_opt(uint8_t *o, uint32_t tsval, uint32_t ecr)
{
	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	put32(o + 4, tsval);
	put32(o + 8, ecr);
	return TSOPT_LEN;
}

/*
 * An ACK from the peer: timestamps (echoing w->ts_ecr), then up to three
 * SACK blocks, laid out as Linux does (NOP NOP TS, NOP NOP SACK).
 */
static void peer_ack(struct __test_metadata *_metadata, struct wire *w,
		     uint32_t ack, const struct sack_blk *b, int n)
{
	uint8_t o[40];
	size_t k = 0;
	int i;

	ASSERT_GE(3, n);
	k += put_ts_opt(o, peer_tsval(w), w->ts_ecr);
	if (n) {
		o[k++] = 1;
		o[k++] = 1;
		o[k++] = 5;
		o[k++] = 2 + 8 * n;
		for (i = 0; i < n; i++, k += 8) {
			put32(o + k, b[i].start);
			put32(o + k + 4, b[i].end);
		}
	}
	SEND_SEG(w, TH_ACK, w->snd_nxt, ack, o, k, NULL, 0);
}

static void info_str(const struct tcp_info *ti, char *b, size_t len)
{
	snprintf(b, len,
		 "ca_state %u unacked %u sacked %u lost %u retrans %u total_retrans %u backoff %u retransmits %u rtt %u us rto %u ms",
		 ti->tcpi_ca_state, ti->tcpi_unacked, ti->tcpi_sacked,
		 ti->tcpi_lost, ti->tcpi_retrans, ti->tcpi_total_retrans,
		 ti->tcpi_backoff, ti->tcpi_retransmits, ti->tcpi_rtt,
		 ti->tcpi_rto / 1000);
}

/* TCP_INFO's recovery fields, each unless -1. */
struct sack_info {
	int ca_state, unacked, sacked, lost, retrans, total_retrans;
};

static void check_info(struct __test_metadata *_metadata, int fd,
		       struct sack_info want, const char *when)
{
	struct tcp_info ti;
	char s[256];

	ASSERT_OK(xt_tcp_info(fd, &ti));
	info_str(&ti, s, sizeof(s));
	TH_LOG("%s: %s", when, s);
	if (want.ca_state >= 0)
		ASSERT_EQ(want.ca_state, ti.tcpi_ca_state)
			TH_LOG("tcpi_ca_state %s: %s", when, s);
	if (want.unacked >= 0)
		ASSERT_EQ(want.unacked, (int)ti.tcpi_unacked)
			TH_LOG("tcpi_unacked %s: %s", when, s);
	if (want.sacked >= 0)
		ASSERT_EQ(want.sacked, (int)ti.tcpi_sacked)
			TH_LOG("tcpi_sacked %s: %s", when, s);
	if (want.lost >= 0)
		ASSERT_EQ(want.lost, (int)ti.tcpi_lost)
			TH_LOG("tcpi_lost %s: %s", when, s);
	if (want.retrans >= 0)
		ASSERT_EQ(want.retrans, (int)ti.tcpi_retrans)
			TH_LOG("tcpi_retrans %s: %s", when, s);
	if (want.total_retrans >= 0)
		ASSERT_EQ(want.total_retrans, (int)ti.tcpi_total_retrans)
			TH_LOG("tcpi_total_retrans %s: %s", when, s);
}

/* CHECK_INFO(fd, "when", .sacked = 8, ...): the fields not named are -1. */
#define CHECK_INFO(fd, when, ...) do {					\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Woverride-init\"")		\
	struct sack_info __want = { .ca_state = -1, .unacked = -1,	\
		.sacked = -1, .lost = -1, .retrans = -1,		\
		.total_retrans = -1, __VA_ARGS__ };			\
	_Pragma("GCC diagnostic pop")					\
	check_info(_metadata, fd, __want, when);			\
} while (0)

/* An ACK was just injected: wait until the host has taken it. */
static void wait_unacked(struct __test_metadata *_metadata, int fd,
			 unsigned int unacked, int timeout_ms)
{
	uint64_t end = xt_now_ms() + timeout_ms;
	struct tcp_info ti;

	for (;;) {
		ASSERT_OK(xt_tcp_info(fd, &ti));
		if (ti.tcpi_unacked == unacked || xt_now_ms() >= end)
			break;
		xt_msleep(5);
	}
	ASSERT_EQ(unacked, ti.tcpi_unacked);
}

/*
 * Establish with SACK-permitted and timestamps (the SYN-ACK agrees, laid
 * out as Linux does), TCP_NODELAY, then two rounds of 100 bytes, each
 * acknowledged @rtt_ms after it came: the host's srtt is about @rtt_ms.
 */
static void establish_sack(struct __test_metadata *_metadata, struct wire *w,
			   unsigned int rtt_ms)
{
	uint8_t opt[40], want[40];
	uint32_t tsval = peer_tsval(w);
	struct tcp_info ti;
	size_t olen, wlen;
	char d[100], s[256];
	struct rx r;
	int i;

	w->rtt_ms = rtt_ms;
	listen_on(_metadata, w, 0);
	olen = syn_opts(opt, O_MSS | O_SACK | O_TS, MTU_MSS, tsval, 0);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &r);
	wlen = syn_opts(want, O_MSS | O_SACK | O_TS, MTU_MSS, get32(r.opt + 8),
			0);
	put32(want + 12, tsval);
	check_opts(_metadata, &r, want, wlen);
	w->ts_ecr = get32(r.opt + 8);
	sleep_until(r.t + rtt_ms);
	peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, w->fd) TH_LOG("accept: %s", strerror(errno));
	ASSERT_OK(xt_set_int(w->fd, IPPROTO_TCP, TCP_NODELAY, 1));

	for (i = 0; i < 2; i++) {
		xt_pattern(d, sizeof(d), 11, i * sizeof(d));
		ASSERT_EQ((ssize_t)sizeof(d), send(w->fd, d, sizeof(d), 0));
		rx_expect(_metadata, w, &r, 1000, "data");
		check_seg(_metadata, w, &r, TH_ACK | TH_PSH, w->rcv_nxt,
			  w->snd_nxt, sizeof(d));
		ASSERT_EQ(20U + TSOPT_LEN, r.s.hlen);
		w->rcv_nxt += sizeof(d);
		w->ts_ecr = rx_tsval(&r);
		sleep_until(r.t + rtt_ms);
		peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	}
	wait_unacked(_metadata, w->fd, 0, 1000);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	info_str(&ti, s, sizeof(s));
	ASSERT_TRUE(ti.tcpi_options & TCPI_OPT_SACK) TH_LOG("%s", s);
	ASSERT_TRUE(ti.tcpi_options & TCPI_OPT_TIMESTAMPS) TH_LOG("%s", s);
	ASSERT_EQ((uint32_t)(MTU_MSS - TSOPT_LEN), ti.tcpi_snd_mss)
		TH_LOG("%s", s);
	ASSERT_EQ(CA_OPEN, ti.tcpi_ca_state) TH_LOG("%s", s);
	ASSERT_EQ(0U, ti.tcpi_total_retrans) TH_LOG("%s", s);
}

/*
 * The host writes NSEG full segments at once; they go at once (the
 * initial window is 10), in order, the last with PSH.  Where else PSH
 * is set depends on how the stack cut the write into buffers (Linux:
 * after each TSO-sized chunk it pushes), so it is only recorded.
 */
static void send_burst(struct __test_metadata *_metadata, struct wire *w,
		       struct burst *b)
{
	size_t len;
	struct rx r;
	int i;

	b->mss = MTU_MSS - TSOPT_LEN;
	len = NSEG * b->mss;
	xt_pattern(b->data, len, 5, 0);
	for (i = 0; i <= NSEG; i++)
		b->seq[i] = w->rcv_nxt + i * b->mss;
	ASSERT_EQ((ssize_t)len, send(w->fd, b->data, len, 0));
	for (i = 0; i < NSEG; i++) {
		rx_expect(_metadata, w, &r, 1000, "a segment of the burst");
		b->flags[i] = i == NSEG - 1 ? TH_ACK | TH_PSH :
			      TH_ACK | (r.s.flags & TH_PSH);
		check_seg(_metadata, w, &r, b->flags[i], b->seq[i],
			  w->snd_nxt, b->mss);
		ASSERT_EQ(0, memcmp(r.data, b->data + i * b->mss, b->mss));
		if (!i) {
			b->t = r.t;
			w->ts_ecr = rx_tsval(&r);
		}
	}
	w->rcv_nxt = b->seq[NSEG];
}

/*
 * A data segment: ACK, PSH as the stack likes unless @psh says it must be
 * there (the end of a write), and no other flag.
 */
static void check_data(struct __test_metadata *_metadata,
		       const struct wire *w, const struct rx *r, bool psh,
		       uint32_t seq, size_t len)
{
	uint8_t flags = TH_ACK | (psh ? TH_PSH : r->s.flags & TH_PSH);

	check_seg(_metadata, w, r, flags, seq, w->snd_nxt, len);
}

/* Which segment of the burst (1-based) @seq starts, for messages. */
static int burst_index(const struct burst *b, uint32_t seq)
{
	return (int)(seq - b->seq[0]) / (int)b->mss + 1;
}

/* Nothing for @ms: fail on the first segment, saying which it is. */
static void rx_none_burst(struct __test_metadata *_metadata, struct wire *w,
			  const struct burst *b, int ms, const char *after)
{
	struct rx r;
	char s[256];

	ASSERT_NE(0, rx_next(w, &r, ms))
		TH_LOG("after %s: segment %d (of %d) sent again: %s", after,
		       burst_index(b, r.s.seq), NSEG, rx_str(&r, s, sizeof(s)));
}

/*
 * The next segment is segment @i (0-based) again: same seq, length and
 * bytes, the flags it had (PSH only on the last).
 */
static void expect_again(struct __test_metadata *_metadata, struct wire *w,
			 const struct burst *b, int i, int timeout_ms,
			 struct rx *r, const char *what)
{
	char s[256];

	rx_expect(_metadata, w, r, timeout_ms, what);
	rx_str(r, s, sizeof(s));
	ASSERT_EQ(b->seq[i], r->s.seq)
		TH_LOG("segment %d (of %d) came, wanted segment %d: %s",
		       burst_index(b, r->s.seq), NSEG, i + 1, s);
	check_data(_metadata, w, r, i == NSEG - 1, b->seq[i], b->mss);
	ASSERT_EQ(0, memcmp(r->data, b->data + i * b->mss, b->mss));
	if ((r->s.flags ^ b->flags[i]) & TH_PSH)
		TH_LOG("(segment %d: PSH %s this time)", i + 1,
		       r->s.flags & TH_PSH ? "set" : "clear");
}

/*
 * Segment 2 lost: the peer has segments 3..NSEG, and says so one more
 * per duplicate ACK, as they arrive.
 */
static void sack_all_but_2(struct __test_metadata *_metadata, struct wire *w,
			   const struct burst *b)
{
	struct sack_blk blk;
	int k;

	for (k = 2; k < NSEG; k++) {
		blk.start = b->seq[2];
		blk.end = b->seq[k + 1];
		peer_ack(_metadata, w, b->seq[1], &blk, 1);
	}
}

/* The host writes two more segments: they go at once. */
static void new_data_flows(struct __test_metadata *_metadata, struct wire *w)
{
	uint32_t mss = MTU_MSS - TSOPT_LEN;
	uint8_t d[2 * MTU_MSS];
	struct rx r;

	xt_pattern(d, 2 * mss, 9, 0);
	ASSERT_EQ((ssize_t)(2 * mss), send(w->fd, d, 2 * mss, 0));
	rx_expect(_metadata, w, &r, 1000, "new data");
	check_data(_metadata, w, &r, false, w->rcv_nxt, mss);
	ASSERT_EQ(0, memcmp(r.data, d, mss));
	rx_expect(_metadata, w, &r, 1000, "new data");
	check_data(_metadata, w, &r, true, w->rcv_nxt + mss, mss);
	ASSERT_EQ(0, memcmp(r.data, d + mss, mss));
	w->rcv_nxt += 2 * mss;
	w->ts_ecr = rx_tsval(&r);
	peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
}

/*
 * Segment 2 of 10 is lost; the peer acknowledges segment 1 and SACKs
 * 3..10 as they come.  The host resends segment 2, and only it, at once
 * (RACK, or DupThresh SACKed segments above it: RFC 6675's IsLost), well
 * before its RTO, and is in recovery meanwhile with 8 segments SACKed.
 * The ACK of everything ends the recovery; new data goes.
 */

/*
 * Segment 2 is lost, 3..10 SACKed, and then the peer falls silent.  The
 * host resends segment 2 at once, then on each RTO (backing off: RTO,
 * twice that, ...), in the loss state, but never a segment the peer
 * SACKed: for 3 s, segment 2 is all that goes.
 */

/*
 * Only the last segment is lost, and nothing follows it to tell: the
 * peer acknowledges 1..9.  A tail loss probe (RFC 8985 7) sends the last
 * segment again, as a probe: the connection stays open (no RTO, no
 * backoff, not the loss state), and the retransmission counts.  With one
 * segment out the probe waits 2 * srtt plus the worst delayed ACK
 * (200 ms), but never longer than the RTO: so about the RTO (from the
 * segment, RFC 8985, or from the ACK, Linux: here nearly the same).
 */

/*
 * The last two segments are lost: the peer acknowledges 1..8.  With two
 * segments out, the probe (the last segment again) goes after 2 * srtt,
 * well before the RTO.  The peer SACKs it, which shows segment 9 lost
 * (RACK: sent before a segment that arrived): it goes again at once, in
 * recovery.
 */

/*
 * Reneging (RFC 2018 8): the peer SACKed 3..10, got segment 2 again,
 * then acknowledges 1..2 only, without SACK blocks: it dropped what it
 * had SACKed.  The host cannot trust the SACKs: after a timeout (the
 * loss state, the scoreboard cleared) it sends 3..10 again, in order,
 * each once, as the peer acknowledges them.
 */

/*
 * SACK blocks that say nothing of data out (RFC 2018, Linux's
 * tcp_is_sackblock_valid()): a D-SACK of data acknowledged before (below
 * SND.UNA), a block ending before it starts, an empty one, one beyond
 * the highest sequence sent, one running past it.  Nothing is marked
 * SACKed or lost, nothing is sent again, though five such duplicate ACKs
 * come: without new SACK information they show no loss (Linux, with
 * SACK and RACK, counts SACKed segments, not duplicate ACKs; RFC 6675 2
 * counts as duplicates only ACKs with new SACK information).  A longer
 * round trip here keeps the loss probe (2 * srtt) away from the checks.
 */

/* ---- the out-of-order queue under a flood of small segments ---- */

/*
 * SegmentSmack (the class of CVE-2018-5390): a peer sends thousands of
 * small out-of-order segments, each leaving a 1-byte hole so that nothing
 * merges, in descending sequence order, so that a queue sorted by walking
 * from its tail (its highest sequence) walks all of it for every segment.
 * Linux keeps the queue in an rbtree: a segment costs O(log n) however
 * they come.  Each injection is a write to the tun, which the kernel
 * processes synchronously in that write (input, queueing and the ACK):
 * its wall time is what the segment costs.
 *
 * OFO_SEGS segments go in; the 10th percentile of the times of the last
 * OFO_BATCH writes must stay within OFO_MAX_RATIO times that of a batch
 * with a near-empty queue: the first OFO_BATCH, or OFO_BATCH more sent
 * into the emptied queue after the flood (its holes filled), whichever
 * is lower.  Other VMs taking the emulator's CPU add time to whole
 * stretches of writes, up to doubling them: a low percentile sees
 * through most of that, and the lower of two baselines keeps a slow
 * stretch there from hiding a regression.  Under QEMU (TCG) the old
 * tail-walking list made the last batch cost 4.5 times the baseline (a
 * walk of some 9750 skbs, ~30 ns each, on 80-90 us a segment); the
 * rbtree measured 0.95 to 1.1 and Linux 0.6 to 1.1, each once 1.6 to
 * 1.7 when a slow stretch hit the last batch only.  3 lies between.
 *
 * The last ACK's SACK blocks must report the latest arrival first and
 * the ones before it next, as they came (RFC 2018 4).  When the peer
 * fills the holes, everything reads back in order.  The listener's
 * buffer is forced large (SO_RCVBUFFORCE) so that nothing is pruned,
 * and in-order data (at most OFO_WARMUP_MAX segments) first opens the
 * window for all of it.
 */
#define OFO_SEGS	10000
#define OFO_LEN		48
#define OFO_STEP	(OFO_LEN + 1)	/* the segment and a hole */
#define OFO_BATCH	500
#define OFO_MAX_RATIO	3
#define OFO_RCVBUF	(16 << 20)
#define OFO_WARMUP_MAX	300

static uint8_t ofo_byte(uint32_t seq)
{
	return (uint8_t)(seq * 7 + (seq >> 9));
}

static void ofo_fill(uint8_t *p, uint32_t seq, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = ofo_byte(seq + i);
}

/* The option of @kind in a segment the host sent, or NULL. */
static const uint8_t *rx_opt(const struct rx *r, uint8_t kind)
{
	size_t i = 0;

	while (i < r->olen && r->opt[i] != 0) {
		if (r->opt[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= r->olen || r->opt[i + 1] < 2 ||
		    i + r->opt[i + 1] > r->olen)
			return NULL;
		if (r->opt[i] == kind)
			return r->opt + i;
		i += r->opt[i + 1];
	}
	return NULL;
}

/*
 * Read what the host sent for up to @ms (0: only what is there): the
 * right edge of its window moves on, @last keeps the last ACK.
 */
static void ofo_rx(struct wire *w, uint8_t wscale, struct rx *last, int ms)
{
	struct rx r;

	while (!rx_next(w, &r, ms)) {
		uint32_t edge = r.s.ack + ((uint32_t)r.s.win << wscale);

		if (!(r.s.flags & TH_ACK))
			continue;
		if (seq_before(w->right, edge))
			w->right = edge;
		if (last) {
			/* Its pointers point into its own packet. */
			*last = r;
			rx_parse(w, last, r.pkt[2] << 8 | r.pkt[3]);
		}
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Log a batch of write times; return its 10th percentile. */
static uint64_t ofo_batch(struct __test_metadata *_metadata, uint64_t *v,
			  int n, const char *what)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += v[i];
	qsort(v, n, sizeof(*v), cmp_u64);
	TH_LOG("%s %d segments: %llu us in all, a segment: median %llu ns, 10th percentile %llu ns",
	       what, n, (unsigned long long)sum / 1000,
	       (unsigned long long)v[n / 2], (unsigned long long)v[n / 10]);
	return v[n / 10];
}

/*
 * @nseg segments with holes above @base, highest first, each write timed:
 * the first OFO_BATCH times in @first, the last OFO_BATCH in @last if set.
 */
static void ofo_flood(struct __test_metadata *_metadata, struct wire *w,
		      uint8_t wscale, uint32_t base, int nseg, uint64_t *first,
		      uint64_t *last, struct rx *ack)
{
	uint8_t data[OFO_LEN], seg[128];
	uint64_t t;
	uint32_t seq;
	size_t n;
	int i;

	for (i = 0; i < nseg; i++) {
		seq = base + 1 + (nseg - 1 - i) * OFO_STEP;
		ofo_fill(data, seq, OFO_LEN);
		n = build(w, seg, w->hport, TH_ACK, seq, w->rcv_nxt, w->win,
			  NULL, 0, data, OFO_LEN);
		t = now_ns();
		ASSERT_OK(inject(w, seg, n));
		t = now_ns() - t;
		if (i < OFO_BATCH)
			first[i] = t;
		else if (last && i >= nseg - OFO_BATCH)
			last[i - (nseg - OFO_BATCH)] = t;
		/* Keep the tun's queue short; untimed. */
		ofo_rx(w, wscale, ack, 0);
	}
	/* The last ACK (Linux may hold it back a little). */
	ofo_rx(w, wscale, ack, 100);
}

/* Fill the holes from @base to @end: all of it reads back in order. */
static void ofo_fill_holes(struct __test_metadata *_metadata, struct wire *w,
			   uint8_t wscale, uint32_t base, uint32_t end)
{
	static uint8_t got[OFO_SEGS * OFO_STEP];
	uint8_t data[MTU_MSS];
	struct rx ack = {};
	uint32_t seq;
	size_t n;

	ASSERT_GE(sizeof(got), end - base);
	for (seq = base; seq_before(seq, end); seq += n) {
		n = end - seq < MTU_MSS ? end - seq : MTU_MSS;
		ofo_fill(data, seq, n);
		SEND(w, TH_ACK, seq, w->rcv_nxt, data, n);
		ofo_rx(w, wscale, &ack, 0);
	}
	n = end - base;
	ASSERT_EQ((ssize_t)n, xt_recv_all(w->fd, got, n));
	for (seq = 0; seq < n; seq++)
		ASSERT_EQ(ofo_byte(base + seq), got[seq])
			TH_LOG("byte %u after %u", seq, base);
	ofo_rx(w, wscale, &ack, 100);
	ASSERT_EQ(end, ack.s.ack);
}

/*
 * The next ACK for @ack, within @ms: its SACK blocks must be @b (@n of
 * them, 0: no SACK option), in that order.
 */
static void expect_sack(struct __test_metadata *_metadata, struct wire *w,
			uint32_t ack, const struct sack_blk *b, int n, int ms,
			const char *what)
{
	const uint8_t *sack;
	char str[256];
	struct rx r;
	int i;

	for (;;) {
		ASSERT_EQ(0, rx_next(w, &r, ms)) TH_LOG("no ACK: %s", what);
		if ((r.s.flags & TH_ACK) && r.s.ack == ack)
			break;
	}
	rx_str(&r, str, sizeof(str));
	sack = rx_opt(&r, 5);
	if (!n) {
		ASSERT_EQ(NULL, sack) TH_LOG("%s: %s", what, str);
		return;
	}
	ASSERT_TRUE(sack && sack[1] == 2 + 8 * n) TH_LOG("%s: %s", what, str);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(b[i].start, get32(sack + 2 + 8 * i))
			TH_LOG("%s: block %d: %s", what, i, str);
		ASSERT_EQ(b[i].end, get32(sack + 6 + 8 * i))
			TH_LOG("%s: block %d: %s", what, i, str);
	}
}

/*
 * RFC 2883: data that arrives twice is reported in a D-SACK block, the
 * first of the SACK option of the ACK it gets at once, so that the sender
 * learns its retransmission was spurious: an old duplicate, and a
 * duplicate of data held out of order (followed by the block that holds
 * it).  Linux does it with net.ipv4.tcp_dsack=1, its default.
 */

/*
 * The sender's side of the same attack: a peer that forces a 48-byte MSS,
 * lets thousands of segments into flight, loses the first and SACKs the
 * rest one more at a time.  Each ACK must cost about the same whatever
 * the flight holds (the scoreboard is searched, not walked): the 10th
 * percentile of the last SCB_BATCH ACKs of an SCB_FLIGHT-segment flight
 * stays within SCB_MAX_RATIO times that of the ACKs of a flight of
 * SCB_BATCH segments.  Reno on both stacks, so that slow start (no
 * HyStart) opens the window to the flight quickly.
 */
#define SCB_MSS		48
#define SCB_FLIGHT	4000
#define SCB_BATCH	300
#define SCB_MAX_RATIO	3
#define SCB_WSCALE	7

struct scb {
	uint32_t hi;		/* highest end the host sent, as read */
	uint32_t acked;		/* the peer's cumulative ACK */
};

/* Read what is there (or for up to @ms): hi follows the highest end. */
static void scb_rx(struct wire *w, struct scb *c, int ms)
{
	struct rx r;

	while (!rx_next(w, &r, ms)) {
		uint32_t end = r.s.seq + (r.s.tcp_len - r.s.hlen);

		if (seq_before(c->hi, end))
			c->hi = end;
	}
}

/* Cumulative ACK of all that was read, again until @end is acknowledged. */
static void scb_ack_to(struct __test_metadata *_metadata, struct wire *w,
		       struct scb *c, uint32_t end)
{
	uint64_t deadline = xt_now_ms() + 20000;

	while (seq_before(c->acked, end)) {
		ASSERT_GT(deadline, xt_now_ms())
			TH_LOG("acknowledged %u of %u", c->acked - w->rcv_nxt,
			       end - w->rcv_nxt);
		scb_rx(w, c, 20);
		if (seq_before(c->acked, c->hi)) {
			c->acked = c->hi;
			SEND(w, TH_ACK, w->snd_nxt, c->acked, NULL, 0);
		}
	}
}

/*
 * The segment at @c->acked lost, and ACKs that SACK the @nseg segments
 * after it one more at a time, each write timed: the last SCB_BATCH
 * times in @t.
 */
static void scb_sack_flight(struct __test_metadata *_metadata,
			    struct wire *w, struct scb *c, int nseg,
			    uint64_t *t)
{
	uint32_t hole = c->acked;
	uint8_t opt[12], seg[128];
	uint64_t t0;
	size_t n;
	int k;

	opt[0] = 1;
	opt[1] = 1;
	opt[2] = 5;
	opt[3] = 10;
	put32(opt + 4, hole + SCB_MSS);
	for (k = 1; k <= nseg; k++) {
		put32(opt + 8, hole + SCB_MSS * (k + 1));
		n = build(w, seg, w->hport, TH_ACK, w->snd_nxt, hole, w->win,
			  opt, sizeof(opt), NULL, 0);
		t0 = now_ns();
		ASSERT_OK(inject(w, seg, n));
		t0 = now_ns() - t0;
		if (k > nseg - SCB_BATCH)
			t[k - 1 - (nseg - SCB_BATCH)] = t0;
		/* What the ACK let out: read, untimed, not acknowledged. */
		scb_rx(w, c, 0);
	}
}

/* ---- bad input ---- */

/*
 * A wrong checksum (off by one; or computed with protocol 253 in the
 * pseudo-header) drops the segment: no answer, nothing delivered, no
 * SYN-ACK for a SYN, no RST for a closed port.  The same segment with
 * the right checksum is taken.
 */

/*
 * IP payloads too short for a TCP header (0, 1, 12, 19 bytes) are
 * dropped: no answer from the connection or from a closed port.
 */

/*
 * A data offset below 5 words, or beyond the end of the packet: dropped,
 * no answer, nothing delivered; to a closed port no RST either.
 */

/*
 * Options with an impossible length in a data segment (one running past
 * the end of the header; a length of 0 or 1) end the option list; the
 * segment itself is good and is taken (Linux's tcp_parse_options()).
 */

/* ---- segments nobody owns (RFC 9293 3.10.7.1) ---- */

/* Inject to CLOSED_PORT; expect a RST with these flags, seq and ack. */
static void closed_rst(struct __test_metadata *_metadata, struct wire *w,
		       uint8_t flags, uint32_t seq, uint32_t ack,
		       const char *data, size_t dlen, uint8_t rflags,
		       uint32_t rseq, uint32_t rack)
{
	uint16_t hport = w->hport;
	uint8_t b[256];
	struct rx r;
	char s[256];
	size_t n;

	n = build(w, b, CLOSED_PORT, flags, seq, ack, w->win, NULL, 0, data,
		  dlen);
	ASSERT_OK(inject(w, b, n));
	rx_expect(_metadata, w, &r, 1000, "a RST");
	w->hport = CLOSED_PORT;
	check_seg(_metadata, w, &r, rflags, rseq, rack, 0);
	w->hport = hport;
	rx_str(&r, s, sizeof(s));
	ASSERT_EQ(20U, r.s.hlen) TH_LOG("%s", s);
	ASSERT_EQ(0, r.s.win) TH_LOG("%s", s);
	if (!(rflags & TH_ACK))
		ASSERT_EQ(0U, r.s.ack) TH_LOG("%s", s);
}

/*
 * With ACK set, the RST takes its sequence number from SEG.ACK and has
 * no ACK: <SEQ=SEG.ACK><CTL=RST>.
 */

/*
 * Without ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SEG.LEN
 * counting the data, SYN and FIN.
 */

/*
 * A half-open connection (SYN_RECV) that gets an ACK of something it
 * never sent, or of less than its SYN, answers <SEQ=SEG.ACK><CTL=RST>
 * and stays; the right ACK then completes the handshake.
 */

/* ---- sysctls on the wire ---- */

/*
 * net.xtcp.synack_retries 1 (net.ipv4.tcp_synack_retries for Linux): a
 * SYN nobody completes gets its SYN-ACK, one retransmission 1 s later,
 * and nothing more; the half-open connection is gone 2 s after that, so
 * the late ACK finds no one (RST) and nothing comes to accept().
 */

/*
 * timestamps, sack and window_scaling, each 0 in turn: our SYN does not
 * offer that option and our SYN-ACK does not take it from a SYN offering
 * all four; the rest keep Linux's layout.
 */

#pragma GCC diagnostic pop

#endif /* XTCP_WIRE_PEER_H */
