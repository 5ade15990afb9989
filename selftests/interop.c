// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP against Linux's own TCP.  Namespace a uses XTCP sockets, namespace b
 * plain AF_INET TCP sockets; a veth joins them, and tc on a's end rewrites
 * the IP protocol byte (egress 253 -> 6, ingress 6 -> 253, IP header
 * checksum fixed), so b's TCP sees TCP segments and a's XTCP sees XTCP
 * ones.  That works only because an XTCP segment is a TCP segment byte for
 * byte, checksum (pseudo-header protocol 6) included.
 *
 * Handshake and options both ways, bulk both ways at once (offloads on:
 * Linux hands XTCP GSO super-segments with CHECKSUM_PARTIAL; and off: every
 * segment MSS-sized, every checksum computed and checked), half-close both
 * ways, RST both ways, refused connections both ways, Fast Open and
 * MD5 signatures both ways, and bulk under netem delay and loss.  XTCP only: every test skips in inet mode.
 *
 * The offload fixture: Linux's super-segments split in software for XTCP
 * at b's veth (gso_segment) and merged again by a's GRO (gro_receive,
 * gro_complete), as plain, checksum-checked and frag-list merges.  There
 * the inet mode runs Linux TCP at both ends, which meets the same
 * assertions.
 */
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "xtcp_harness.h"

#define MB		((size_t)1024 * 1024)
/* MTU 1500 - 20 (IP) - 20 (TCP) - 12 (timestamps). */
#define MSS_1500	1448U
/* Nothing listens on it in a fresh namespace. */
#define CLOSED_PORT	9
#define TCP_PROC	"/proc/thread-self/net/tcp"
#define OPTS		(TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE)

/* tc: rewrite the IP protocol byte @from to @to on @dev's @dir hook. */
static int rewrite(const char *dev, const char *dir, int from, int to)
{
	return xt_sh("tc filter add dev %s %s protocol ip u32 match ip protocol %d 0xff action pedit munge ip protocol set %d pipe action csum iph",
		     dev, dir, from, to);
}

FIXTURE(interop) {
	struct xt_veth v;	/* a: XTCP (the caller), b: Linux TCP */
	uint64_t t0;
};

/* The rewrite's tc modules; built in or missing, tc then says which. */
static void load_tc_modules(void)
{
	static const char *const mods[] = {
		"sch_ingress", "cls_u32", "act_pedit", "act_csum",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mods); i++)
		xt_sh("modprobe %s", mods[i]);
}

FIXTURE_SETUP(interop)
{
	struct xt_veth *v = &self->v;
	char why[128];

	self->t0 = xt_now_ms();
	XT_XTCP_ONLY();
	XT_INIT();
	if (!xt_have_prog("tc"))
		SKIP(return, "tc (iproute2) not installed");
	load_tc_modules();
	if (xt_veth_setup(v, 1500, why, sizeof(why)))
		SKIP(return, "%s", why);
	if (xt_sh("tc qdisc add dev %s clsact", v->dev_a))
		SKIP(return, "tc qdisc clsact unavailable (sch_ingress)");
	if (rewrite(v->dev_a, "egress", IPPROTO_XTCP, IPPROTO_TCP) ||
	    rewrite(v->dev_a, "ingress", IPPROTO_TCP, IPPROTO_XTCP))
		SKIP(return, "tc u32/pedit/csum unavailable (cls_u32 act_pedit act_csum)");
}

FIXTURE_TEARDOWN(interop)
{
	TH_LOG("took %llu ms", (unsigned long long)(xt_now_ms() - self->t0));
	xt_veth_free(&self->v);
}

/* ---- helpers ---- */

/* A Linux TCP socket made in namespace b; the caller stays in a. */
static int tcp_socket_b(const struct xt_veth *v)
{
	int fd, e;

	if (xt_netns_enter(v->ns_b))
		return -1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	e = errno;
	if (xt_netns_enter(v->ns_a)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	errno = e;
	return fd;
}

/*
 * connect() giving up after @ms (EINPROGRESS, from SO_SNDTIMEO), so that a
 * handshake that never completes fails the test with an errno instead of
 * a timeout.  The socket is left with no send timeout.
 */
static int connect_within(int fd, struct sockaddr_in sa, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 }, none = { 0, 0 };
	int r, e;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		return -2;
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	e = errno;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none)))
		return -2;
	errno = e;
	return r;
}

/* accept() once the listener is readable, within @ms. */
static int accept_within(int l, int ms)
{
	int r = xt_poll1(l, POLLIN, ms);

	if (r <= 0) {
		errno = r ? errno : ETIMEDOUT;
		return -1;
	}
	return accept(l, NULL, NULL);
}

/* An XTCP client in a connected to a Linux TCP server in b. */
static void xtcp_to_linux(struct __test_metadata *_metadata,
			  const struct xt_veth *v, int *x, int *l, int ms)
{
	struct sockaddr_in sa = xt_sa_inet(v->ip_b, 0);
	uint16_t port;
	int lfd;

	lfd = tcp_socket_b(v);
	ASSERT_LE(0, lfd) TH_LOG("Linux socket in b: %s", strerror(errno));
	ASSERT_OK(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_OK(listen(lfd, 1));
	port = xt_local_port(lfd);
	ASSERT_NE(0, port);
	*x = xt_socket();
	ASSERT_LE(0, *x);
	ASSERT_EQ(0, connect_within(*x, xt_sa(v->ip_b, port), ms))
		TH_LOG("XTCP connect to Linux %s:%u: %s", v->ip_b, port,
		       strerror(errno));
	*l = accept_within(lfd, ms);
	ASSERT_LE(0, *l) TH_LOG("Linux accept: %s", strerror(errno));
	close(lfd);
}

/*
 * A Linux TCP client in b connected to an XTCP server in a, the client's
 * MSS limited to @mss (TCP_MAXSEG) unless it is 0.
 */
static void linux_to_xtcp_mss(struct __test_metadata *_metadata,
			      const struct xt_veth *v, int *x, int *l, int ms,
			      int mss)
{
	uint16_t port = 0;
	int xl;

	xl = xt_listener(v->ip_a, &port, 1);
	ASSERT_LE(0, xl) TH_LOG("XTCP listener: %s", strerror(errno));
	*l = tcp_socket_b(v);
	ASSERT_LE(0, *l) TH_LOG("Linux socket in b: %s", strerror(errno));
	if (mss) {
		ASSERT_OK(xt_set_int(*l, IPPROTO_TCP, TCP_MAXSEG, mss));
	}
	ASSERT_EQ(0, connect_within(*l, xt_sa_inet(v->ip_a, port), ms))
		TH_LOG("Linux connect to XTCP %s:%u: %s", v->ip_a, port,
		       strerror(errno));
	*x = accept_within(xl, ms);
	ASSERT_LE(0, *x) TH_LOG("XTCP accept: %s", strerror(errno));
	close(xl);
}

static void linux_to_xtcp(struct __test_metadata *_metadata,
			  const struct xt_veth *v, int *x, int *l, int ms)
{
	linux_to_xtcp_mss(_metadata, v, x, l, ms, 0);
}

/* st of the line of Linux TCP's /proc file in b; -1 if there is none. */
static int tcp_proc_state_b(const struct xt_veth *v, uint16_t lport,
			    uint16_t rport)
{
	struct xt_proc_ent e;
	int st = -1;

	if (xt_netns_enter(v->ns_b))
		return -2;
	if (!xt_proc_find_in(TCP_PROC, lport, rport, &e))
		st = e.st;
	if (xt_netns_enter(v->ns_a))
		return -2;
	return st;
}

/* Poll that until it is @st (-1: until the line is gone). */
static int tcp_proc_wait_b(const struct xt_veth *v, uint16_t lport,
			   uint16_t rport, int st, int ms)
{
	uint64_t end = xt_now_ms() + ms;
	int cur;

	for (;;) {
		cur = tcp_proc_state_b(v, lport, rport);
		if (cur == st || cur == -2 || xt_now_ms() >= end)
			return cur;
		xt_msleep(5);
	}
}

static void check_name(struct __test_metadata *_metadata, int fd, bool peer,
		       int family, const char *ip, uint16_t port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char got[INET_ADDRSTRLEN] = "?";

	memset(&sa, 0, sizeof(sa));
	if (peer)
		ASSERT_OK(getpeername(fd, (struct sockaddr *)&sa, &len));
	else
		ASSERT_OK(getsockname(fd, (struct sockaddr *)&sa, &len));
	inet_ntop(AF_INET, &sa.sin_addr, got, sizeof(got));
	ASSERT_EQ(sizeof(sa), len);
	ASSERT_EQ(family, sa.sin_family);
	ASSERT_EQ(inet_addr(ip), sa.sin_addr.s_addr)
		TH_LOG("%s: %s, wanted %s", peer ? "peer" : "local", got, ip);
	ASSERT_EQ(port, ntohs(sa.sin_port));
}

/*
 * A fresh connection between XTCP @x and Linux @l: established on both
 * sides with timestamps, SACK and window scaling, MSS 1448 both ways, each
 * side's send scale the other's receive scale, names and /proc lines that
 * match, a few bytes each way, and no retransmission on either side.
 */
static void check_established(struct __test_metadata *_metadata,
			      const struct xt_veth *v, int x, int l)
{
	uint16_t xport = xt_local_port(x), lport = xt_local_port(l);
	struct tcp_info xi, li;
	unsigned int xs, xr, ls, lr;
	char buf[8];

	ASSERT_STATE(x, XTCP_ESTABLISHED);
	ASSERT_STATE(l, XTCP_ESTABLISHED);
	ASSERT_OK(xt_tcp_info(x, &xi));
	ASSERT_OK(xt_tcp_info(l, &li));
	ASSERT_EQ(OPTS, xi.tcpi_options & OPTS)
		TH_LOG("XTCP tcpi_options %#x", xi.tcpi_options);
	ASSERT_EQ(OPTS, li.tcpi_options & OPTS)
		TH_LOG("Linux tcpi_options %#x", li.tcpi_options);
	ASSERT_EQ(MSS_1500, xi.tcpi_snd_mss);
	ASSERT_EQ(MSS_1500, li.tcpi_snd_mss);
	xs = xi.tcpi_snd_wscale;
	xr = xi.tcpi_rcv_wscale;
	ls = li.tcpi_snd_wscale;
	lr = li.tcpi_rcv_wscale;
	ASSERT_EQ(lr, xs) TH_LOG("XTCP snd_wscale %u, Linux rcv_wscale %u",
				 xs, lr);
	ASSERT_EQ(xr, ls) TH_LOG("XTCP rcv_wscale %u, Linux snd_wscale %u",
				 xr, ls);

	check_name(_metadata, x, false, AF_XTCP, v->ip_a, xport);
	check_name(_metadata, x, true, AF_XTCP, v->ip_b, lport);
	check_name(_metadata, l, false, AF_INET, v->ip_b, lport);
	check_name(_metadata, l, true, AF_INET, v->ip_a, xport);
	ASSERT_EQ(XTCP_ESTABLISHED, xt_proc_state(xport, lport));
	ASSERT_EQ(XTCP_ESTABLISHED, tcp_proc_state_b(v, lport, xport));

	ASSERT_EQ(4, send(x, "ping", 4, 0));
	ASSERT_EQ(4, xt_recv_all(l, buf, 4));
	ASSERT_EQ(0, memcmp(buf, "ping", 4));
	ASSERT_EQ(5, send(l, "pong!", 5, 0));
	ASSERT_EQ(5, xt_recv_all(x, buf, 5));
	ASSERT_EQ(0, memcmp(buf, "pong!", 5));

	/* Nothing is lost on this link: nothing was sent twice. */
	ASSERT_OK(xt_tcp_info(x, &xi));
	ASSERT_OK(xt_tcp_info(l, &li));
	ASSERT_EQ(0U, xi.tcpi_total_retrans) TH_LOG("XTCP");
	ASSERT_EQ(0U, li.tcpi_total_retrans) TH_LOG("Linux");
}

static void check_digest(struct __test_metadata *_metadata, const char *what,
			 const struct xt_stream *tx, const struct xt_stream *rx,
			 size_t len)
{
	uint8_t want[32];
	char h1[65], h2[65];

	ASSERT_EQ(0, tx->err) TH_LOG("%s: sender: %s", what, strerror(tx->err));
	ASSERT_EQ(0, rx->err) TH_LOG("%s: receiver: %s", what,
				     strerror(rx->err));
	ASSERT_EQ(len, tx->done) TH_LOG("%s: sent %zu of %zu", what, tx->done,
					len);
	ASSERT_EQ(len, rx->done) TH_LOG("%s: received %zu of %zu", what,
					rx->done, len);
	xt_stream_digest(tx->seed, len, want);
	xt_hex(want, 32, h1);
	xt_hex(rx->digest, 32, h2);
	ASSERT_EQ(0, memcmp(want, tx->digest, 32));
	ASSERT_EQ(0, memcmp(want, rx->digest, 32))
		TH_LOG("%s: received sha256 %s, sent %s", what, h2, h1);
}

/*
 * @len bytes each way at once (four threads), each side shutting down
 * writing after its last byte and reading to EOF; then both closing
 * handshakes complete within @close_ms, whatever order the FINs crossed in.
 */
/*
 * Why segments were sent again, from both sides' counters: XTCP's (ns_a)
 * receive drops and retransmissions, Linux's (ns_b) loss detection.
 */
static void log_counters(struct __test_metadata *_metadata,
			 const struct xt_veth *v)
{
	static const char *const xtcp_names[] = {
		"RetransSegs", "TCPRcvQDrop", "TCPOFODrop", "TCPOFOQueue",
		"TCPBacklogDrop", "TCPBacklogCoalesce", "TCPFastRetrans",
		"TCPTimeouts", "TCPLossProbes",
	};
	static const char *const linux_names[] = {
		"RetransSegs", "TCPFastRetrans", "TCPTimeouts", "TCPLossProbes",
		"TCPLostRetransmit", "TCPSackRecovery", "TCPDSACKRecv",
		"TCPSpuriousRTOs", "TCPOFOQueue", "TCPRcvQDrop",
	};
	char buf[512];
	size_t i, n;

	for (i = 0, n = 0; i < sizeof(xtcp_names) / sizeof(xtcp_names[0]); i++)
		n += snprintf(buf + n, sizeof(buf) - n, " %s %lld",
			      xtcp_names[i], xt_mib_of(false, xtcp_names[i]));
	TH_LOG("XTCP:%s", buf);
	if (xt_netns_enter(v->ns_b))
		return;
	for (i = 0, n = 0; i < sizeof(linux_names) / sizeof(linux_names[0]); i++)
		n += snprintf(buf + n, sizeof(buf) - n, " %s %lld",
			      linux_names[i], xt_mib_of(true, linux_names[i]));
	TH_LOG("Linux:%s", buf);
	xt_netns_enter(v->ns_a);
}

/*
 * @len bytes each way at once between @a and @b (four threads), each side
 * shutting down writing after its last byte and reading to EOF, every
 * byte checked.  Returns the retransmissions of both sides.
 *
 * All of it on one CPU: a veth delivers a packet on the CPU that sent
 * it, so a connection whose packets leave from two CPUs (its writer on
 * one, the softirq its peer's ACKs run in on the other) has them
 * reordered, by a whole GSO burst at a time under emulation, and what
 * would be compared is that reordering and each sender's guesses about
 * it, not the two stacks.
 */
static unsigned int transfer(struct __test_metadata *_metadata, int a,
			     int b, size_t len, const char *what)
{
	struct xt_stream ta = { .fd = a, .len = len, .chunk = 65536,
				.seed = 31, .shut_wr = true };
	struct xt_stream tb = { .fd = b, .len = len, .chunk = 40000,
				.seed = 32, .shut_wr = true };
	struct xt_stream rb = { .fd = b, .len = len + 1, .chunk = 65536 };
	struct xt_stream ra = { .fd = a, .len = len + 1, .chunk = 30000 };
	uint64_t t0 = xt_now_ms();
	struct tcp_info ai, bi;
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	ASSERT_OK(sched_setaffinity(0, sizeof(one), &one));
	ASSERT_OK(xt_start(&rb, xt_receiver));
	ASSERT_OK(xt_start(&ra, xt_receiver));
	ASSERT_OK(xt_start(&ta, xt_sender));
	ASSERT_OK(xt_start(&tb, xt_sender));
	ASSERT_EQ(0, xt_join(&ta));
	ASSERT_EQ(0, xt_join(&tb));
	ASSERT_EQ(0, xt_join(&rb));
	ASSERT_EQ(0, xt_join(&ra));
	ASSERT_OK(xt_tcp_info(a, &ai));
	ASSERT_OK(xt_tcp_info(b, &bi));
	TH_LOG("%s: %zu KB each way in %llu ms; tcpi_total_retrans %u and %u (of ~%zu segments each way)",
	       what, len / 1024, (unsigned long long)(xt_now_ms() - t0),
	       ai.tcpi_total_retrans, bi.tcpi_total_retrans,
	       len / MSS_1500);
	check_digest(_metadata, "a -> b", &ta, &rb, len);
	check_digest(_metadata, "b -> a", &tb, &ra, len);
	return ai.tcpi_total_retrans + bi.tcpi_total_retrans;
}

/*
 * The same transfer between two Linux TCP sockets over the same veth,
 * with the same offloads, the protocol rewrite lifted meanwhile: what
 * this link, in this run, costs Linux itself in retransmissions.
 */
static unsigned int linux_baseline(struct __test_metadata *_metadata,
				   const struct xt_veth *v, size_t len)
{
	struct sockaddr_in sa = xt_sa_inet(v->ip_b, 0);
	unsigned int n;
	int lfd, a, b;

	ASSERT_EQ(0, xt_sh("tc filter del dev %s ingress", v->dev_a));
	ASSERT_EQ(0, xt_sh("tc filter del dev %s egress", v->dev_a));
	lfd = tcp_socket_b(v);
	ASSERT_LE(0, lfd);
	ASSERT_OK(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_OK(listen(lfd, 1));
	a = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, a);
	ASSERT_EQ(0, connect_within(a, xt_sa_inet(v->ip_b, xt_local_port(lfd)),
				    5000));
	b = accept_within(lfd, 5000);
	ASSERT_LE(0, b);
	close(lfd);
	n = transfer(_metadata, a, b, len, "Linux with Linux");
	close(a);
	close(b);
	ASSERT_OK(rewrite(v->dev_a, "egress", IPPROTO_XTCP, IPPROTO_TCP));
	ASSERT_OK(rewrite(v->dev_a, "ingress", IPPROTO_TCP, IPPROTO_XTCP));
	return n;
}

/*
 * XTCP @x and Linux @l move @len bytes each way at once; then both
 * closing handshakes complete within @close_ms, whatever order the FINs
 * crossed in.  Returns the retransmissions of both sides.
 */
static unsigned int both_ways(struct __test_metadata *_metadata,
			      const struct xt_veth *v, int x, int l,
			      size_t len, int close_ms)
{
	uint16_t xport = xt_local_port(x), lport = xt_local_port(l);
	unsigned int retrans;
	uint64_t end;
	int st;

	retrans = transfer(_metadata, x, l, len, "XTCP with Linux");
	log_counters(_metadata, v);
	st = xt_wait_state(l, XTCP_CLOSE, close_ms);
	ASSERT_EQ(XTCP_CLOSE, st) TH_LOG("Linux: %s", xtcp_state_name(st));
	/*
	 * XTCP's connection: TIME_WAIT if its FIN went first or crossed
	 * Linux's, gone if it went last (LAST_ACK, then CLOSE); never stuck
	 * in FIN_WAIT1, CLOSING or LAST_ACK waiting for an ACK.
	 */
	end = xt_now_ms() + close_ms;
	do {
		st = xt_proc_state(xport, lport);
		if (st == XTCP_TIME_WAIT || st == -1)
			break;
		xt_msleep(5);
	} while (xt_now_ms() < end);
	ASSERT_TRUE(st == XTCP_TIME_WAIT || st == -1)
		TH_LOG("XTCP's /proc line: %s", xtcp_state_name(st));
	return retrans;
}

/*
 * @closer closes with SO_LINGER {1, 0}: a RST, which @peer accepts (its
 * sequence number must be exactly the one @peer expects).  @peer polls
 * readable, writable, hung up and in error, is CLOSE, reads ECONNRESET
 * once, then EOF, and writes EPIPE.  Neither side has a /proc line left.
 */
static void abort_check(struct __test_metadata *_metadata,
			const struct xt_veth *v, int closer, int peer,
			bool closer_is_xtcp)
{
	uint16_t xport, lport;
	char b;

	xport = xt_local_port(closer_is_xtcp ? closer : peer);
	lport = xt_local_port(closer_is_xtcp ? peer : closer);
	ASSERT_OK(xt_linger0(closer));
	ASSERT_OK(close(closer));
	/* Wait for the RST (POLLOUT is already set, so do not ask for it). */
	ASSERT_NE(0, xt_poll1(peer, POLLIN | POLLRDHUP, 3000))
		TH_LOG("no RST arrived within 3 s");
	ASSERT_EQ(POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP,
		  xt_poll1(peer, POLLIN | POLLOUT | POLLRDHUP, 0));
	ASSERT_STATE(peer, XTCP_CLOSE);
	ASSERT_ERRNO(recv(peer, &b, 1, 0), ECONNRESET);
	ASSERT_EQ(0, recv(peer, &b, 1, 0));
	ASSERT_ERRNO(send(peer, "x", 1, MSG_NOSIGNAL), EPIPE);
	ASSERT_EQ(-1, xt_proc_state(xport, lport));
	ASSERT_EQ(-1, tcp_proc_state_b(v, lport, xport));
}

/* A few bytes each way, all read: the connection carries data. */
static void exchange(struct __test_metadata *_metadata, int x, int l)
{
	char buf[16];

	ASSERT_EQ(6, send(x, "hello,", 6, 0));
	ASSERT_EQ(6, xt_recv_all(l, buf, 6));
	ASSERT_EQ(0, memcmp(buf, "hello,", 6));
	ASSERT_EQ(6, send(l, "world.", 6, 0));
	ASSERT_EQ(6, xt_recv_all(x, buf, 6));
	ASSERT_EQ(0, memcmp(buf, "world.", 6));
}

/* Offloads off on both ends of the veth. */
static void offloads_off(struct __test_metadata *_metadata,
			 const struct xt_veth *v)
{
	ASSERT_EQ(0, xt_sh("ethtool -K %s tso off gso off tx off", v->dev_a));
	ASSERT_OK(xt_netns_enter(v->ns_b));
	ASSERT_EQ(0, xt_sh("ethtool -K %s tso off gso off tx off", v->dev_b));
	ASSERT_OK(xt_netns_enter(v->ns_a));
}

/* ---- tests ---- */

TEST_F_TIMEOUT(interop, xtcp_client_linux_server, 60)
{
	int x, l;

	xtcp_to_linux(_metadata, &self->v, &x, &l, 5000);
	check_established(_metadata, &self->v, x, l);
}

TEST_F_TIMEOUT(interop, linux_client_xtcp_server, 60)
{
	int x, l;

	linux_to_xtcp(_metadata, &self->v, &x, &l, 5000);
	check_established(_metadata, &self->v, x, l);
}

/*
 * Fast Open both ways: net.xtcp.fastopen and net.ipv4.tcp_fastopen 3 in
 * their namespaces, a listener with TCP_FASTOPEN.  Two sendto()s with
 * MSG_FASTOPEN: the first gets the other stack's cookie, the second
 * brings it back with its data in the SYN, which the listener takes.
 */
static void fastopen_on(struct __test_metadata *_metadata,
			const struct xt_veth *v)
{
	int fd;

	ASSERT_OK(xt_sysctl_set("fastopen", "3"));
	ASSERT_OK(xt_netns_enter(v->ns_b));
	fd = open("/proc/sys/net/ipv4/tcp_fastopen", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(fd, "3", 1));
	close(fd);
	ASSERT_OK(xt_netns_enter(v->ns_a));
}

/* A counter of Linux TCP in b. */
static long long mib_b(const struct xt_veth *v, const char *name)
{
	long long n = -1;

	if (!xt_netns_enter(v->ns_b)) {
		n = xt_mib_of(true, name);
		if (xt_netns_enter(v->ns_a))
			n = -1;
	}
	return n;
}

/* Two Fast Open connections from client @c_b's side to @lfd at @sa. */
static void fastopen_twice(struct __test_metadata *_metadata,
			   const struct xt_veth *v, bool client_linux, int lfd,
			   struct sockaddr_in sa)
{
	char buf[8];
	int i, c, s;

	for (i = 0; i < 2; i++) {
		c = client_linux ? tcp_socket_b(v) : xt_socket();
		ASSERT_LE(0, c);
		ASSERT_EQ(5, sendto(c, "hello", 5, MSG_FASTOPEN,
				    (struct sockaddr *)&sa, sizeof(sa)))
			TH_LOG("sendto: %s", strerror(errno));
		s = accept_within(lfd, 5000);
		ASSERT_LE(0, s) TH_LOG("accept: %s", strerror(errno));
		ASSERT_EQ(5, xt_recv_all(s, buf, 5));
		ASSERT_EQ(0, memcmp(buf, "hello", 5));
		ASSERT_EQ(2, send(s, "ok", 2, 0));
		ASSERT_EQ(2, xt_recv_all(c, buf, 2));
		close(c);
		close(s);
	}
}

TEST_F_TIMEOUT(interop, fastopen_xtcp_client_linux_server, 60)
{
	struct sockaddr_in sa = xt_sa_inet(self->v.ip_b, 0);
	int lfd;

	fastopen_on(_metadata, &self->v);
	lfd = tcp_socket_b(&self->v);
	ASSERT_LE(0, lfd);
	ASSERT_OK(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_OK(listen(lfd, 4));
	ASSERT_OK(xt_set_int(lfd, IPPROTO_TCP, TCP_FASTOPEN, 4));
	fastopen_twice(_metadata, &self->v, false, lfd,
		       xt_sa(self->v.ip_b, xt_local_port(lfd)));
	close(lfd);
	EXPECT_EQ(1, xt_mib_of(false, "TCPFastOpenActive"));
	EXPECT_EQ(0, xt_mib_of(false, "TCPFastOpenActiveFail"));
	EXPECT_EQ(1, mib_b(&self->v, "TCPFastOpenCookieReqd"));
	EXPECT_EQ(1, mib_b(&self->v, "TCPFastOpenPassive"));
	EXPECT_EQ(0, mib_b(&self->v, "TCPFastOpenPassiveFail"));
}

TEST_F_TIMEOUT(interop, fastopen_linux_client_xtcp_server, 60)
{
	uint16_t port = 0;
	int lfd;

	fastopen_on(_metadata, &self->v);
	lfd = xt_listener(self->v.ip_a, &port, 4);
	ASSERT_LE(0, lfd);
	ASSERT_OK(xt_set_int(lfd, IPPROTO_TCP, TCP_FASTOPEN, 4));
	fastopen_twice(_metadata, &self->v, true, lfd,
		       xt_sa_inet(self->v.ip_a, port));
	close(lfd);
	EXPECT_EQ(1, xt_mib_of(false, "TCPFastOpenCookieReqd"));
	EXPECT_EQ(1, xt_mib_of(false, "TCPFastOpenPassive"));
	EXPECT_EQ(0, xt_mib_of(false, "TCPFastOpenPassiveFail"));
	EXPECT_EQ(1, mib_b(&self->v, "TCPFastOpenActive"));
	EXPECT_EQ(0, mib_b(&self->v, "TCPFastOpenActiveFail"));
}

/*
 * TCP_MD5SIG both ways: each end signs with the key it has for the
 * other's address, and checks what arrives; a megabyte each way, its
 * digest checked, shows every signature right both ways.  With a wrong
 * key Linux drops XTCP's SYN.
 */
static void md5_both_ways(struct __test_metadata *_metadata,
			  const struct xt_veth *v, int x, int l)
{
	transfer(_metadata, x, l, MB, "signed, XTCP with Linux");
	EXPECT_EQ(0, xt_mib_of(false, "TCPMD5Failure"));
	EXPECT_EQ(0, xt_mib_of(false, "TCPMD5NotFound"));
	EXPECT_EQ(0, mib_b(v, "TCPMD5Failure"));
	EXPECT_EQ(0, mib_b(v, "TCPMD5NotFound"));
	close(x);
	close(l);
}

TEST_F_TIMEOUT(interop, md5_xtcp_client_linux_server, 60)
{
	struct sockaddr_in sa = xt_sa_inet(self->v.ip_b, 0);
	int lfd, x, l;

	lfd = tcp_socket_b(&self->v);
	ASSERT_LE(0, lfd);
	ASSERT_OK(xt_md5_key(lfd, self->v.ip_a, -1, "bgp-session-key"));
	ASSERT_OK(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_OK(listen(lfd, 1));
	x = xt_socket();
	ASSERT_LE(0, x);
	ASSERT_OK(xt_md5_key(x, self->v.ip_b, -1, "bgp-session-key"));
	ASSERT_EQ(0, connect_within(x, xt_sa(self->v.ip_b,
					     xt_local_port(lfd)), 5000))
		TH_LOG("connect: %s", strerror(errno));
	l = accept_within(lfd, 5000);
	ASSERT_LE(0, l);
	close(lfd);
	md5_both_ways(_metadata, &self->v, x, l);
}

TEST_F_TIMEOUT(interop, md5_linux_client_xtcp_server, 60)
{
	uint16_t port = 0;
	int xl, x, l;

	xl = xt_listener(self->v.ip_a, &port, 1);
	ASSERT_LE(0, xl);
	ASSERT_OK(xt_md5_key(xl, self->v.ip_b, -1, "bgp-session-key"));
	l = tcp_socket_b(&self->v);
	ASSERT_LE(0, l);
	ASSERT_OK(xt_md5_key(l, self->v.ip_a, -1, "bgp-session-key"));
	ASSERT_EQ(0, connect_within(l, xt_sa_inet(self->v.ip_a, port), 5000))
		TH_LOG("connect: %s", strerror(errno));
	x = accept_within(xl, 5000);
	ASSERT_LE(0, x);
	close(xl);
	md5_both_ways(_metadata, &self->v, x, l);
}

TEST_F_TIMEOUT(interop, md5_wrong_key, 60)
{
	struct sockaddr_in sa = xt_sa_inet(self->v.ip_b, 0);
	int lfd, x;

	lfd = tcp_socket_b(&self->v);
	ASSERT_LE(0, lfd);
	ASSERT_OK(xt_md5_key(lfd, self->v.ip_a, -1, "the-right-key"));
	ASSERT_OK(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_OK(listen(lfd, 1));
	x = xt_socket();
	ASSERT_LE(0, x);
	ASSERT_OK(xt_md5_key(x, self->v.ip_b, -1, "the-wrong-key"));
	ASSERT_NE(0, connect_within(x, xt_sa(self->v.ip_b,
					     xt_local_port(lfd)), 1500));
	EXPECT_LT(0, mib_b(&self->v, "TCPMD5Failure"));
	close(x);
	close(lfd);
}

/*
 * On a link that loses nothing, XTCP and Linux together may resend no
 * more than Linux with itself, measured over the same veth just before,
 * and a thousandth of the segments: a receiver that drops what its window
 * invited (a backlog, a queue too small) shows here.
 */
static void check_lossless(struct __test_metadata *_metadata,
			   unsigned int got, unsigned int base, size_t len)
{
	unsigned int slack = 2 * len / MSS_1500 / 1000;

	TH_LOG("retransmissions: XTCP with Linux %u, Linux with Linux %u (slack %u)",
	       got, base, slack);
	ASSERT_GE(base + slack, got);
}

/* 8 MB each way at once, offloads on (GSO super-segments to XTCP). */
TEST_F_TIMEOUT(interop, bulk_both_ways, 120)
{
	unsigned int base, got;
	int x, l;

	base = linux_baseline(_metadata, &self->v, 8 * MB);
	xtcp_to_linux(_metadata, &self->v, &x, &l, 5000);
	got = both_ways(_metadata, &self->v, x, l, 8 * MB, 5000);
	check_lossless(_metadata, got, base, 8 * MB);
}

/*
 * The same with offloads off on both ends: every segment is MSS-sized and
 * every checksum computed by the sender and checked by the receiver, so
 * Linux drops any XTCP segment whose checksum is not TCP's (pseudo-header
 * protocol 6).
 */
TEST_F_TIMEOUT(interop, bulk_both_ways_no_offload, 120)
{
	unsigned int base, got;
	int x, l;

	if (!xt_have_prog("ethtool"))
		SKIP(return, "ethtool not installed");
	offloads_off(_metadata, &self->v);
	base = linux_baseline(_metadata, &self->v, 8 * MB);
	linux_to_xtcp(_metadata, &self->v, &x, &l, 5000);
	got = both_ways(_metadata, &self->v, x, l, 8 * MB, 5000);
	check_lossless(_metadata, got, base, 8 * MB);
	/*
	 * MSS-sized segments reach XTCP while its reader or writer owns
	 * the socket: they wait on the backlog, in sequence, and are
	 * merged there (xtcp_add_backlog()), thousands per run here.
	 */
	ASSERT_LT(0, xt_mib_of(false, "TCPBacklogCoalesce"));
}

/*
 * Both ways through netem (10 ms each way, 1% loss each way): losses of
 * data, ACKs and FINs are recovered on both sides.
 */
TEST_F_TIMEOUT(interop, bulk_netem_delay_loss, 120)
{
	const struct xt_veth *v = &self->v;
	int x, l;

	xt_sh("modprobe sch_netem");
	if (xt_sh("tc qdisc add dev %s root netem delay 10ms loss 1%%",
		  v->dev_a))
		SKIP(return, "tc netem unavailable (sch_netem)");
	ASSERT_OK(xt_netns_enter(v->ns_b));
	ASSERT_EQ(0, xt_sh("tc qdisc add dev %s root netem delay 10ms loss 1%%",
			   v->dev_b));
	ASSERT_OK(xt_netns_enter(v->ns_a));
	xtcp_to_linux(_metadata, v, &x, &l, 10000);
	both_ways(_metadata, &self->v, x, l, 4 * MB, 20000);
}

/*
 * XTCP shuts down writing after 1 MB: Linux reads it all and EOF, and is
 * CLOSE_WAIT while XTCP is FIN_WAIT2; Linux goes on sending 2 MB then
 * shuts down too, and XTCP reads it all and EOF.  Linux ends CLOSE
 * (after LAST_ACK) with no /proc line; XTCP's fd is CLOSE and its
 * connection TIME_WAIT in /proc/net/xtcp, as Linux does.
 */
TEST_F_TIMEOUT(interop, half_close_xtcp_first, 60)
{
	const struct xt_veth *v = &self->v;
	struct xt_stream tx = { .len = MB, .seed = 41, .shut_wr = true };
	struct xt_stream rl = { .len = MB + 1 };
	struct xt_stream tl = { .len = 2 * MB, .chunk = 50000, .seed = 42,
				.shut_wr = true };
	struct xt_stream rx = { .len = 2 * MB + 1, .chunk = 20000 };
	uint16_t xport, lport;
	char b;
	int x, l, st;

	xtcp_to_linux(_metadata, v, &x, &l, 5000);
	xport = xt_local_port(x);
	lport = xt_local_port(l);
	tx.fd = x;
	rx.fd = x;
	tl.fd = l;
	rl.fd = l;

	ASSERT_OK(xt_start(&tx, xt_sender));
	xt_receiver(&rl);			/* to EOF */
	ASSERT_EQ(0, xt_join(&tx));
	check_digest(_metadata, "XTCP -> Linux", &tx, &rl, MB);
	ASSERT_EQ(0, recv(l, &b, 1, 0));	/* EOF again */
	ASSERT_STATE(l, XTCP_CLOSE_WAIT);
	st = xt_wait_state(x, XTCP_FIN_WAIT2, 2000);
	ASSERT_EQ(XTCP_FIN_WAIT2, st) TH_LOG("XTCP: %s", xtcp_state_name(st));
	ASSERT_EQ(XTCP_FIN_WAIT2, xt_proc_state(xport, lport));
	ASSERT_EQ(XTCP_CLOSE_WAIT, tcp_proc_state_b(v, lport, xport));
	ASSERT_ERRNO(send(x, "x", 1, MSG_NOSIGNAL), EPIPE);

	/* The other direction still flows, to its own EOF. */
	ASSERT_OK(xt_start(&tl, xt_sender));
	xt_receiver(&rx);
	ASSERT_EQ(0, xt_join(&tl));
	check_digest(_metadata, "Linux -> XTCP", &tl, &rx, 2 * MB);
	ASSERT_EQ(0, recv(x, &b, 1, 0));

	st = xt_wait_state(l, XTCP_CLOSE, 2000);
	ASSERT_EQ(XTCP_CLOSE, st) TH_LOG("Linux: %s", xtcp_state_name(st));
	ASSERT_EQ(-1, tcp_proc_wait_b(v, lport, xport, -1, 2000));
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_wait_state(xport, lport, XTCP_TIME_WAIT,
						   2000));
	/*
	 * Last, so that it hides nothing else: Linux hands the connection to
	 * a TIME_WAIT mini-socket (tcp_time_wait() ends in tcp_done()), so
	 * the fd's own tcpi_state is CLOSE (half_close_linux_first checks
	 * it of Linux's fd).
	 */
	ASSERT_STATE(x, XTCP_CLOSE);
}

/*
 * The mirror: Linux shuts down writing after 1 MB, XTCP reads it and EOF
 * and is CLOSE_WAIT (Linux FIN_WAIT2), sends 2 MB and shuts down; Linux
 * reads it all and EOF.  XTCP ends CLOSE with no /proc line; Linux's fd
 * is CLOSE and its connection TIME_WAIT in /proc/net/tcp.
 */
TEST_F_TIMEOUT(interop, half_close_linux_first, 60)
{
	const struct xt_veth *v = &self->v;
	struct xt_stream tl = { .len = MB, .seed = 43, .shut_wr = true };
	struct xt_stream rx = { .len = MB + 1 };
	struct xt_stream tx = { .len = 2 * MB, .chunk = 50000, .seed = 44,
				.shut_wr = true };
	struct xt_stream rl = { .len = 2 * MB + 1, .chunk = 20000 };
	uint16_t xport, lport;
	char b;
	int x, l, st;

	linux_to_xtcp(_metadata, v, &x, &l, 5000);
	xport = xt_local_port(x);
	lport = xt_local_port(l);
	tx.fd = x;
	rx.fd = x;
	tl.fd = l;
	rl.fd = l;

	ASSERT_OK(xt_start(&tl, xt_sender));
	xt_receiver(&rx);
	ASSERT_EQ(0, xt_join(&tl));
	check_digest(_metadata, "Linux -> XTCP", &tl, &rx, MB);
	ASSERT_EQ(0, recv(x, &b, 1, 0));
	ASSERT_STATE(x, XTCP_CLOSE_WAIT);
	st = xt_wait_state(l, XTCP_FIN_WAIT2, 2000);
	ASSERT_EQ(XTCP_FIN_WAIT2, st) TH_LOG("Linux: %s", xtcp_state_name(st));
	ASSERT_EQ(XTCP_CLOSE_WAIT, xt_proc_state(xport, lport));
	ASSERT_EQ(XTCP_FIN_WAIT2, tcp_proc_state_b(v, lport, xport));
	ASSERT_ERRNO(send(l, "x", 1, MSG_NOSIGNAL), EPIPE);

	ASSERT_OK(xt_start(&tx, xt_sender));
	xt_receiver(&rl);
	ASSERT_EQ(0, xt_join(&tx));
	check_digest(_metadata, "XTCP -> Linux", &tx, &rl, 2 * MB);
	ASSERT_EQ(0, recv(l, &b, 1, 0));

	st = xt_wait_state(x, XTCP_CLOSE, 2000);
	ASSERT_EQ(XTCP_CLOSE, st) TH_LOG("XTCP: %s", xtcp_state_name(st));
	ASSERT_EQ(-1, xt_proc_wait_state(xport, lport, -1, 2000));
	st = xt_wait_state(l, XTCP_CLOSE, 2000);
	ASSERT_EQ(XTCP_CLOSE, st) TH_LOG("Linux: %s", xtcp_state_name(st));
	ASSERT_EQ(XTCP_TIME_WAIT, tcp_proc_wait_b(v, lport, xport, XTCP_TIME_WAIT,
						2000));
}

/* Linux aborts (SO_LINGER {1, 0}): XTCP takes the RST. */
TEST_F_TIMEOUT(interop, rst_from_linux, 60)
{
	int x, l;

	xtcp_to_linux(_metadata, &self->v, &x, &l, 5000);
	exchange(_metadata, x, l);
	abort_check(_metadata, &self->v, l, x, false);
}

/* XTCP aborts: Linux takes XTCP's RST. */
TEST_F_TIMEOUT(interop, rst_from_xtcp, 60)
{
	int x, l;

	linux_to_xtcp(_metadata, &self->v, &x, &l, 5000);
	exchange(_metadata, x, l);
	abort_check(_metadata, &self->v, x, l, true);
}

/*
 * Nothing listens: Linux answers XTCP's SYN with a RST, XTCP answers
 * Linux's; both connects fail with ECONNREFUSED and leave the socket
 * CLOSE with no error pending.
 */
TEST_F_TIMEOUT(interop, refused, 60)
{
	const struct xt_veth *v = &self->v;
	int x, l;

	x = xt_socket();
	ASSERT_LE(0, x);
	ASSERT_ERRNO(connect_within(x, xt_sa(v->ip_b, CLOSED_PORT), 5000),
		     ECONNREFUSED);
	ASSERT_STATE(x, XTCP_CLOSE);
	ASSERT_EQ(0, xt_get_int(x, SOL_SOCKET, SO_ERROR));

	l = tcp_socket_b(v);
	ASSERT_LE(0, l);
	ASSERT_ERRNO(connect_within(l, xt_sa_inet(v->ip_a, CLOSED_PORT), 5000),
		     ECONNREFUSED);
	ASSERT_STATE(l, XTCP_CLOSE);
	ASSERT_EQ(0, xt_get_int(l, SOL_SOCKET, SO_ERROR));
}

/*
 * ---- offloads: Linux's super-segments split and merged for XTCP ----
 *
 * The same veth, with Linux's segments rewritten (6 -> 253) on b's egress
 * instead of a's ingress: tc runs there before the device segments a GSO
 * skb, and before a's GRO sees any segment, so what b's veth splits and
 * what a's GRO merges is protocol 253 already and goes through XTCP's
 * offload (xtcp_offload.c), not TCP's.  XTCP's segments are rewritten
 * (253 -> 6) on a's egress as above.  With XTCP_TEST_FAMILY=inet both
 * ends are Linux TCP and nothing is rewritten: Linux meets the same
 * assertions.
 */
FIXTURE(offload) {
	struct xt_veth v;	/* a: the family under test, b: Linux TCP */
};

FIXTURE_SETUP(offload)
{
	struct xt_veth *v = &self->v;
	char why[128];

	XT_INIT();
	if (!xt_have_prog("tc") || !xt_have_prog("ethtool"))
		SKIP(return, "tc (iproute2) or ethtool not installed");
	load_tc_modules();
	if (xt_veth_setup(v, 1500, why, sizeof(why)))
		SKIP(return, "%s", why);
	if (xt_inet())
		return;
	if (xt_sh("tc qdisc add dev %s clsact", v->dev_a))
		SKIP(return, "tc qdisc clsact unavailable (sch_ingress)");
	if (rewrite(v->dev_a, "egress", IPPROTO_XTCP, IPPROTO_TCP))
		SKIP(return, "tc u32/pedit/csum unavailable (cls_u32 act_pedit act_csum)");
	ASSERT_OK(xt_netns_enter(v->ns_b));
	ASSERT_EQ(0, xt_sh("tc qdisc add dev %s clsact", v->dev_b));
	ASSERT_EQ(0, rewrite(v->dev_b, "egress", IPPROTO_TCP, IPPROTO_XTCP));
	ASSERT_OK(xt_netns_enter(v->ns_a));
}

FIXTURE_TEARDOWN(offload)
{
	xt_veth_free(&self->v);
}

/* ethtool -K on a's end of the veth and on b's. */
static void set_offloads(struct __test_metadata *_metadata,
			 const struct xt_veth *v, const char *a, const char *b)
{
	ASSERT_EQ(0, xt_sh("ethtool -K %s %s", v->dev_a, a))
		TH_LOG("ethtool -K %s %s", v->dev_a, a);
	ASSERT_OK(xt_netns_enter(v->ns_b));
	ASSERT_EQ(0, xt_sh("ethtool -K %s %s", v->dev_b, b))
		TH_LOG("ethtool -K %s %s", v->dev_b, b);
	ASSERT_OK(xt_netns_enter(v->ns_a));
}

/* What reached a's protocol during a one-way transfer. */
struct arrivals {
	long long skbs;		/* InSegs: skbs, however many segments each */
	unsigned int segs;	/* the receiver's tcpi_segs_in: segments */
	long long delacks;	/* DelayedACKs: ACKs the timer sent */
};

/*
 * @len bytes from @l in b to @x in a, read to EOF and checked, on one CPU
 * as transfer() does; either side gives up after 5 s without progress,
 * so that a stalled transfer fails instead of hanging.
 */
static void one_way(struct __test_metadata *_metadata, int l, int x,
		       size_t len, struct arrivals *in)
{
	struct xt_stream tl = { .fd = l, .len = len, .chunk = 65536,
				.seed = 51, .shut_wr = true };
	struct xt_stream rx = { .fd = x, .len = len + 1, .chunk = 65536 };
	struct timeval tv = { 5, 0 };
	struct xt_tcp_info t0, t1;
	long long skbs, delacks;
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	ASSERT_OK(sched_setaffinity(0, sizeof(one), &one));
	ASSERT_OK(setsockopt(l, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	ASSERT_OK(setsockopt(x, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	ASSERT_OK(xt_tcp_info_ext(x, &t0));
	skbs = xt_mib("InSegs");
	delacks = xt_mib("DelayedACKs");
	ASSERT_OK(xt_start(&tl, xt_sender));
	xt_receiver(&rx);
	ASSERT_EQ(0, xt_join(&tl));
	ASSERT_OK(xt_tcp_info_ext(x, &t1));
	in->skbs = xt_mib("InSegs") - skbs;
	in->delacks = xt_mib("DelayedACKs") - delacks;
	in->segs = t1.segs_in - t0.segs_in;
	check_digest(_metadata, "b -> a", &tl, &rx, len);
}

/*
 * b's veth has no TSO, so Linux's 64 KB GSO skbs are split in software
 * as they leave it, after tc made them protocol 253: by XTCP's
 * gso_segment (without it they are dropped and the transfer stalls).
 * With GRO off at a, every segment reaches a's protocol as an skb of its
 * own; every byte arrives, and Linux sends no more twice than
 * check_lossless()'s slack (a tail loss probe may fire under emulation).
 */
TEST_F_TIMEOUT(offload, gso_split, 60)
{
	const struct xt_veth *v = &self->v;
	struct arrivals in;
	struct tcp_info li;
	int x, l;

	set_offloads(_metadata, v, "gro off", "tso off gso on");
	linux_to_xtcp(_metadata, v, &x, &l, 5000);
	one_way(_metadata, l, x, 4 * MB, &in);
	ASSERT_OK(xt_tcp_info(l, &li));
	TH_LOG("%lld skbs, %u segments, %lld delayed ACKs; Linux resent %u",
	       in.skbs, in.segs, in.delacks, li.tcpi_total_retrans);
	ASSERT_GE(2 * 4 * MB / MSS_1500 / 1000, li.tcpi_total_retrans);
	ASSERT_EQ(in.skbs, (long long)in.segs);
}

/* Linux's MSS in the GRO tests: less than a's own, 1448. */
#define GRO_MSS		1000

/*
 * GRO on at a's veth (which gives its receive queue a NAPI context;
 * veth hands it only what a device without TSO sent, so TSO is off at
 * b's), and the receive path takes skbs of many segments.  Every byte
 * arrives; InSegs counts skbs and tcpi_segs_in their segments (as in
 * Linux's tcp_v4_rcv()), at least two a skb; and rcv_mss is the size of
 * Linux's segments, from gso_size: neither a merged skb's length nor a's
 * own MSS.  Linux sends segments smaller than a's MSS (TCP_MAXSEG) so
 * that the last two differ.
 */
static void gro_check(struct __test_metadata *_metadata,
		      const struct xt_veth *v, const char *a, const char *b)
{
	struct tcp_info xi, li;
	struct arrivals in;
	int x, l;

	set_offloads(_metadata, v, a, b);
	/*
	 * Linux sizes its GSO skbs from the pacing rate, down to
	 * tcp_min_tso_segs (2): on the debug kernel, slow enough for that,
	 * GRO merged no more than pairs (4289 segments in 2177 skbs, Linux's
	 * receiver too), and none in frag-list mode.  GRO is what is tested
	 * here, so the sender's skbs stay large.
	 */
	ASSERT_OK(xt_netns_enter(v->ns_b));
	ASSERT_EQ(0, xt_sh("sysctl -qw net.ipv4.tcp_min_tso_segs=64"));
	ASSERT_OK(xt_netns_enter(v->ns_a));
	linux_to_xtcp_mss(_metadata, v, &x, &l, 5000, GRO_MSS);
	one_way(_metadata, l, x, 4 * MB, &in);
	ASSERT_OK(xt_tcp_info(x, &xi));
	ASSERT_OK(xt_tcp_info(l, &li));
	TH_LOG("%lld skbs, %u segments, %lld delayed ACKs; rcv_mss %u, Linux's snd_mss %u; Linux resent %u",
	       in.skbs, in.segs, in.delacks, xi.tcpi_rcv_mss,
	       li.tcpi_snd_mss, li.tcpi_total_retrans);
	ASSERT_LE(2 * in.skbs, (long long)in.segs);
	ASSERT_GT(MSS_1500, li.tcpi_snd_mss);
	ASSERT_EQ(li.tcpi_snd_mss, xi.tcpi_rcv_mss);
}

/*
 * Software GSO at b, GRO at a: b splits Linux's super-segments (Linux's
 * TCP makes them whatever the device's gso says, and leaves the split
 * to the device), a merges them again: CHECKSUM_PARTIAL skbs in page
 * fragments or, past MAX_SKB_FRAGS, on a frag_list.
 */
TEST_F_TIMEOUT(offload, gro_merge, 60)
{
	gro_check(_metadata, &self->v, "gro on", "tso off gso on");
}

/*
 * The same with b computing every checksum (tx off), so GRO checks
 * each one (pseudo-header protocol 6); a's veth may merge into frag lists
 * (rx-gro-list).  On 6.12, TCP's GRO finds no TCP socket for XTCP's flow
 * and chains the segments on a frag_list, CHECKSUM_UNNECESSARY; 6.1's TCP
 * GRO has no frag-list mode, and 6.12's has none for a flow with a TCP
 * socket (inet): those merge as above.
 */
TEST_F_TIMEOUT(offload, gro_fraglist_csum, 60)
{
	gro_check(_metadata, &self->v, "gro on rx-gro-list on",
		  "tso off gso on tx off");
}

TEST_HARNESS_MAIN
