// SPDX-License-Identifier: GPL-2.0
/*
 * Connection establishment: connect/accept, the accept queue, non-blocking
 * connect, refused connects, EISCONN/EALREADY, simultaneous open through a
 * self-connect, and recovery from a lost SYN or SYN-ACK (netem).
 */
#include <fcntl.h>
#include <sys/socket.h>

#include "xtcp_harness.h"

FIXTURE(hs) {
	int unused;
};

FIXTURE_SETUP(hs)
{
	XT_INIT();
}

FIXTURE_TEARDOWN(hs)
{
}

static void sa_expect(struct __test_metadata *_metadata,
		      const struct sockaddr_in *sa, socklen_t len,
		      const char *ip, uint16_t port)
{
	struct sockaddr_in want = xt_sa(ip, port);

	ASSERT_EQ(sizeof(struct sockaddr_in), len);
	ASSERT_EQ(xt_family(), sa->sin_family);
	ASSERT_EQ(want.sin_addr.s_addr, sa->sin_addr.s_addr)
		TH_LOG("address %s, wanted %s", inet_ntoa(sa->sin_addr), ip);
	ASSERT_EQ(port, ntohs(sa->sin_port));
}

/* Plain connect/accept on loopback; addresses and states on both ends. */
TEST_F(hs, connect_accept)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	uint16_t port = 0, cport;
	int l, c, s;
	char buf[8];

	l = xt_listener(XT_LOOP, &port, 4);
	ASSERT_LE(0, l);
	ASSERT_STATE(l, XTCP_LISTEN);
	c = xt_socket();
	ASSERT_LE(0, c);
	ASSERT_STATE(c, XTCP_CLOSE);
	ASSERT_OK(xt_connect(c, XT_LOOP, port));
	ASSERT_STATE(c, XTCP_ESTABLISHED);
	cport = xt_local_port(c);
	ASSERT_NE(0, cport);

	memset(&sa, 0xa5, sizeof(sa));
	s = accept(l, (struct sockaddr *)&sa, &len);
	ASSERT_LE(0, s);
	sa_expect(_metadata, &sa, len, XT_LOOP, cport);
	ASSERT_STATE(s, XTCP_ESTABLISHED);

	len = sizeof(sa);
	ASSERT_OK(getpeername(c, (struct sockaddr *)&sa, &len));
	sa_expect(_metadata, &sa, len, XT_LOOP, port);
	len = sizeof(sa);
	ASSERT_OK(getsockname(s, (struct sockaddr *)&sa, &len));
	sa_expect(_metadata, &sa, len, XT_LOOP, port);
	len = sizeof(sa);
	ASSERT_OK(getsockname(c, (struct sockaddr *)&sa, &len));
	sa_expect(_metadata, &sa, len, XT_LOOP, cport);

	ASSERT_EQ(4, send(c, "ping", 4, 0));
	ASSERT_EQ(4, xt_recv_all(s, buf, 4));
	ASSERT_EQ(0, memcmp(buf, "ping", 4));
	ASSERT_EQ(4, send(s, "pong", 4, 0));
	ASSERT_EQ(4, xt_recv_all(c, buf, 4));
	ASSERT_EQ(0, memcmp(buf, "pong", 4));
	close(c);
	close(s);
	close(l);
}

/*
 * bind()/connect() with a plain struct sockaddr_in (AF_INET): the contract
 * accepts it on XTCP sockets; the names returned still say xt_family().
 */
TEST_F(hs, inet_sockaddr_accepted)
{
	struct sockaddr_in sa = xt_sa_inet(XT_LOOP, 0);
	socklen_t len = sizeof(sa);
	uint16_t port;
	int l, c, s;

	l = xt_socket();
	ASSERT_LE(0, l);
	ASSERT_OK(bind(l, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_OK(listen(l, 1));
	ASSERT_OK(getsockname(l, (struct sockaddr *)&sa, &len));
	ASSERT_EQ(xt_family(), sa.sin_family);
	port = ntohs(sa.sin_port);
	ASSERT_NE(0, port);

	c = xt_socket();
	ASSERT_LE(0, c);
	sa = xt_sa_inet(XT_LOOP, port);
	ASSERT_OK(connect(c, (struct sockaddr *)&sa, sizeof(sa)));
	len = sizeof(sa);
	ASSERT_OK(getpeername(c, (struct sockaddr *)&sa, &len));
	sa_expect(_metadata, &sa, len, XT_LOOP, port);
	s = accept(l, (struct sockaddr *)&sa, &len);
	ASSERT_LE(0, s);
	sa_expect(_metadata, &sa, len, XT_LOOP, xt_local_port(c));
	ASSERT_EQ(1, send(c, "x", 1, 0));
	ASSERT_EQ(1, xt_recv_all(s, &len, 1));
}

/* socket() with the explicit protocol number works like protocol 0. */
TEST_F(hs, explicit_protocol)
{
	uint16_t port = 0;
	int l, c, s;

	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	c = socket(xt_family(), SOCK_STREAM, xt_protocol());
	ASSERT_LE(0, c);
	ASSERT_EQ(xt_protocol(), xt_get_int(c, SOL_SOCKET, SO_PROTOCOL));
	ASSERT_OK(xt_connect(c, XT_LOOP, port));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_EQ(xt_protocol(), xt_get_int(s, SOL_SOCKET, SO_PROTOCOL));
}

/*
 * N clients complete their handshakes before anyone calls accept(): the
 * accept queue hands them out in arrival order, each with its own peer.
 */
TEST_F(hs, accept_queue_order)
{
	enum { N = 5 };
	int l, c[N], s, i;
	uint16_t port = 0;
	struct sockaddr_in sa;
	socklen_t len;
	char b;

	l = xt_listener(XT_LOOP, &port, 8);
	ASSERT_LE(0, l);
	for (i = 0; i < N; i++) {
		c[i] = xt_connect_to(XT_LOOP, port);
		ASSERT_LE(0, c[i]) TH_LOG("client %d: %s", i, strerror(errno));
		ASSERT_STATE(c[i], XTCP_ESTABLISHED);
		b = 'a' + i;
		ASSERT_EQ(1, send(c[i], &b, 1, 0));
	}
	for (i = 0; i < N; i++) {
		len = sizeof(sa);
		s = accept(l, (struct sockaddr *)&sa, &len);
		ASSERT_LE(0, s);
		sa_expect(_metadata, &sa, len, XT_LOOP, xt_local_port(c[i]));
		ASSERT_EQ(1, xt_recv_all(s, &b, 1));
		ASSERT_EQ('a' + i, b);
		close(s);
	}
	ASSERT_OK(xt_set_nonblock(l, true));
	ASSERT_ERRNO(accept(l, NULL, NULL), EAGAIN);
}

/* Non-blocking connect: EINPROGRESS, POLLOUT on completion, SO_ERROR 0. */
TEST_F(hs, nonblocking_connect)
{
	uint16_t port = 0;
	int l, c, r;

	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	c = xt_socket_flags(SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, port), EINPROGRESS);
	r = xt_poll1(c, POLLOUT | POLLIN, 5000);
	ASSERT_EQ(POLLOUT, r);
	ASSERT_EQ(0, xt_get_int(c, SOL_SOCKET, SO_ERROR));
	ASSERT_STATE(c, XTCP_ESTABLISHED);
	/*
	 * The classic way to learn the outcome: connect() again.  Linux says
	 * 0 the first time after completion (the socket moves from
	 * SS_CONNECTING to SS_CONNECTED), EISCONN from then on.
	 */
	ASSERT_OK(xt_connect(c, XT_LOOP, port));
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, port), EISCONN);
	ASSERT_LE(0, accept(l, NULL, NULL));
}

/* Nothing listens on the port: RST, ECONNREFUSED, socket back in CLOSE. */
TEST_F(hs, refused_blocking)
{
	uint16_t port = 0;
	int l, c;

	/* A port known to be free: bound once, then closed. */
	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	close(l);

	c = xt_socket();
	ASSERT_LE(0, c);
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, port), ECONNREFUSED);
	ASSERT_STATE(c, XTCP_CLOSE);
	/* connect() consumed the error. */
	ASSERT_EQ(0, xt_get_int(c, SOL_SOCKET, SO_ERROR));
	ASSERT_ERRNO(getpeername(c, (struct sockaddr *)&(struct sockaddr_in){0},
				 &(socklen_t){sizeof(struct sockaddr_in)}),
		     ENOTCONN);
}

/* After ECONNREFUSED the same socket may connect again (Linux allows it). */
TEST_F(hs, connect_again_after_refused)
{
	uint16_t port = 0;
	int l, c, s;

	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	close(l);
	c = xt_socket();
	ASSERT_LE(0, c);
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, port), ECONNREFUSED);

	port = 0;
	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	ASSERT_OK(xt_connect(c, XT_LOOP, port));
	ASSERT_STATE(c, XTCP_ESTABLISHED);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_EQ(2, send(c, "ok", 2, 0));
	ASSERT_EQ(2, xt_recv_all(s, &port, 2));
}

/* Non-blocking: EINPROGRESS, then the refusal shows in poll and SO_ERROR. */
TEST_F(hs, refused_nonblocking)
{
	uint16_t port = 0;
	int l, c, r;

	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	close(l);

	c = xt_socket_flags(SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, port), EINPROGRESS);
	r = xt_poll1(c, POLLOUT, 5000);
	/* Linux: the RST leaves the socket closed, error pending. */
	ASSERT_EQ(POLLOUT | POLLERR | POLLHUP, r);
	ASSERT_EQ(ECONNREFUSED, xt_get_int(c, SOL_SOCKET, SO_ERROR));
	/* Reading SO_ERROR cleared it. */
	ASSERT_EQ(0, xt_get_int(c, SOL_SOCKET, SO_ERROR));
	ASSERT_STATE(c, XTCP_CLOSE);
}

/* connect() on a connected socket: EISCONN, to any address. */
TEST_F(hs, connect_twice_eisconn)
{
	uint16_t port = 0, port2 = 0;
	int l, l2, c;

	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	l2 = xt_listener(XT_LOOP, &port2, 1);
	ASSERT_LE(0, l2);
	c = xt_connect_to(XT_LOOP, port);
	ASSERT_LE(0, c);
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, port), EISCONN);
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, port2), EISCONN);
	ASSERT_EQ(port, xt_peer_port(c));
	ASSERT_STATE(c, XTCP_ESTABLISHED);
}

/*
 * A second connect() while the first is in progress: EALREADY.  The SYN
 * goes to a peer that never answers, so the socket stays in SYN_SENT.
 */
TEST_F(hs, connect_in_progress_ealready)
{
	char why[128];
	int c;

	if (xt_blackhole(why, sizeof(why)))
		SKIP(return, "%s", why);
	c = xt_socket_flags(SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	ASSERT_ERRNO(xt_connect(c, XT_BLACKHOLE, 80), EINPROGRESS);
	ASSERT_STATE(c, XTCP_SYN_SENT);
	ASSERT_EQ(XTCP_SYN_SENT, xt_proc_state(xt_local_port(c), 80));
	ASSERT_ERRNO(xt_connect(c, XT_BLACKHOLE, 80), EALREADY);
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, 80), EALREADY);
	/* Not writable, no error, while the handshake is pending. */
	ASSERT_EQ(0, xt_poll1(c, POLLOUT | POLLIN, 100));
	ASSERT_EQ(0, xt_get_int(c, SOL_SOCKET, SO_ERROR));
}

/*
 * Self-connect: a socket bound to 127.0.0.1:P connects to 127.0.0.1:P.
 * Its SYN meets itself (simultaneous open) and it ends ESTABLISHED,
 * talking to itself.
 */
TEST_F(hs, self_connect)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	uint16_t port;
	char buf[16];
	int c;

	c = xt_socket();
	ASSERT_LE(0, c);
	ASSERT_OK(xt_bind(c, XT_LOOP, 0));
	port = xt_local_port(c);
	ASSERT_NE(0, port);
	ASSERT_OK(xt_connect(c, XT_LOOP, port));
	ASSERT_STATE(c, XTCP_ESTABLISHED);
	ASSERT_OK(getpeername(c, (struct sockaddr *)&sa, &len));
	sa_expect(_metadata, &sa, len, XT_LOOP, port);
	ASSERT_EQ(11, send(c, "hello, self", 11, 0));
	ASSERT_EQ(11, xt_recv_all(c, buf, 11));
	ASSERT_EQ(0, memcmp(buf, "hello, self", 11));
	ASSERT_EQ(XTCP_ESTABLISHED, xt_proc_state(port, port));
}

/*
 * Lost SYN or SYN-ACK: netem drops everything leaving one side for 300 ms;
 * the handshake completes on the retransmission after the initial RTO
 * (1 s), so no sooner than ~1 s after connect().
 */
static void lost_handshake(struct __test_metadata *_metadata, bool synack)
{
	struct tcp_info ti;
	struct xt_veth v;
	uint16_t port = 0;
	uint64_t t0, dt, t_clear;
	char why[128];
	int l, c, s, r;

	if (!xt_have_prog("tc"))
		SKIP(return, "tc not installed");
	if (xt_veth_setup(&v, 1500, why, sizeof(why)))
		SKIP(return, "%s", why);
	/* Server in a (caller's ns), client in b. */
	l = xt_listener(v.ip_a, &port, 1);
	ASSERT_LE(0, l);
	if (synack) {
		if (xt_netem_loss(v.dev_a, false))
			SKIP(return, "netem unavailable (CONFIG_NET_SCH_NETEM?)");
	}
	ASSERT_OK(xt_netns_enter(v.ns_b));
	c = xt_socket_flags(SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	if (!synack && xt_netem_loss(v.dev_b, false))
		SKIP(return, "netem unavailable (CONFIG_NET_SCH_NETEM?)");

	t0 = xt_now_ms();
	ASSERT_ERRNO(xt_connect(c, v.ip_a, port), EINPROGRESS);
	/* The timer under test is the RTO: 300 ms of loss, then none. */
	xt_msleep(300);
	ASSERT_EQ(XTCP_SYN_SENT, xt_state(c));
	if (synack) {
		ASSERT_OK(xt_netns_enter(v.ns_a));
		ASSERT_OK(xt_netem_loss(v.dev_a, true));
		ASSERT_OK(xt_netns_enter(v.ns_b));
	} else {
		ASSERT_OK(xt_netem_loss(v.dev_b, true));
	}
	/* On a loaded host tc itself may take past the first retry. */
	t_clear = xt_now_ms() - t0;
	r = xt_poll1(c, POLLOUT, 8000);
	dt = xt_now_ms() - t0;
	ASSERT_EQ(POLLOUT, r);
	ASSERT_EQ(0, xt_get_int(c, SOL_SOCKET, SO_ERROR));
	ASSERT_STATE(c, XTCP_ESTABLISHED);
	TH_LOG("connected after %llu ms (loss cleared at %llu ms)",
	       (unsigned long long)dt, (unsigned long long)t_clear);
	ASSERT_LE(900ULL, dt);
	/* The retry at 1 s connects; if the loss outlived it, the next. */
	if (t_clear < 900) {
		ASSERT_GT(3000ULL, dt);
	} else {
		ASSERT_GT(7000ULL, dt);
	}
	ASSERT_OK(xt_tcp_info(c, &ti));
	if (!synack)
		ASSERT_LE(1U, ti.tcpi_total_retrans)
			TH_LOG("the SYN was retransmitted: tcpi_total_retrans");

	ASSERT_OK(xt_netns_enter(v.ns_a));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_EQ(3, send(c, "abc", 3, 0));
	ASSERT_EQ(3, xt_recv_all(s, why, 3));
	ASSERT_EQ(0, memcmp(why, "abc", 3));
	xt_veth_free(&v);
}

TEST_F_TIMEOUT(hs, syn_lost, 30)
{
	lost_handshake(_metadata, false);
}

TEST_F_TIMEOUT(hs, synack_lost, 30)
{
	lost_handshake(_metadata, true);
}

TEST_HARNESS_MAIN
