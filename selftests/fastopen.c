// SPDX-License-Identifier: GPL-2.0
/*
 * TCP Fast Open (RFC 7413), as Linux's: a first connection asks for a
 * cookie, the next carries its data in the SYN and the listener takes it
 * before the handshake ends; TCP_FASTOPEN_CONNECT holds the SYN for the
 * first write; Fast Open without cookies where the sysctl or the socket
 * option says so; the options' bounds and errnos.  The TcpExt counters
 * TCPFastOpen* tell where the data went.  Every test runs in a namespace
 * of its own, so no cookie is cached when it starts.
 */
#include <sys/socket.h>
#include <netinet/tcp.h>

#include "xtcp_harness.h"

#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT	30
#endif
#ifndef TCP_FASTOPEN_NO_COOKIE
#define TCP_FASTOPEN_NO_COOKIE	34
#endif
#ifndef TCPI_OPT_SYN_DATA
#define TCPI_OPT_SYN_DATA	32
#endif

FIXTURE(tfo) {
	int lfd;
	uint16_t port;
	struct sockaddr_in sa;
};

/* A listener taking Fast Open SYNs, queue of 16; fastopen: the sysctl. */
static int tfo_listen(struct _test_data_tfo *self, const char *fastopen)
{
	if (xt_sysctl_set("fastopen", fastopen))
		return -1;
	self->port = 0;
	self->lfd = xt_listener(XT_LOOP, &self->port, 16);
	if (self->lfd < 0)
		return -1;
	self->sa = xt_sa(XT_LOOP, self->port);
	return xt_set_int(self->lfd, SOL_TCP, TCP_FASTOPEN, 16);
}

FIXTURE_SETUP(tfo)
{
	XT_INIT();
	self->lfd = -1;
}

FIXTURE_TEARDOWN(tfo)
{
	if (self->lfd >= 0)
		close(self->lfd);
}

struct tfo_mibs {
	long long active, active_fail, passive, passive_fail, reqd;
};

static void tfo_mibs(struct tfo_mibs *m)
{
	m->active = xt_mib("TCPFastOpenActive");
	m->active_fail = xt_mib("TCPFastOpenActiveFail");
	m->passive = xt_mib("TCPFastOpenPassive");
	m->passive_fail = xt_mib("TCPFastOpenPassiveFail");
	m->reqd = xt_mib("TCPFastOpenCookieReqd");
}

/* The counters moved by exactly this much since *m. */
#define EXPECT_MIBS(m, a, p, r) do {					\
	struct tfo_mibs __n;						\
	tfo_mibs(&__n);							\
	EXPECT_EQ((m)->active + (a), __n.active);			\
	EXPECT_EQ((m)->passive + (p), __n.passive);			\
	EXPECT_EQ((m)->reqd + (r), __n.reqd);				\
	EXPECT_EQ((m)->active_fail, __n.active_fail);			\
	EXPECT_EQ((m)->passive_fail, __n.passive_fail);			\
} while (0)

/* Accept the next connection and read exactly @want from it. */
static int accept_read(int lfd, const char *want)
{
	size_t len = strlen(want);
	char buf[64] = "";
	int s;

	s = accept(lfd, NULL, NULL);
	if (s < 0)
		return -1;
	if (xt_recv_all(s, buf, len) != (ssize_t)len || memcmp(buf, want, len)) {
		close(s);
		errno = EBADMSG;
		return -1;
	}
	return s;
}

/*
 * A client (socket type flags @type_flags, TCP_FASTOPEN_NO_COOKIE if
 * @no_cookie) whose sendto(MSG_FASTOPEN) of @msg connects to the
 * listener, which accepts it into *s and reads @msg.  0, or -1 (errno).
 */
static int tfo_exchange(struct _test_data_tfo *self, int type_flags,
			bool no_cookie, const char *msg, int *c, int *s)
{
	ssize_t len = strlen(msg);

	*s = -1;
	*c = xt_socket_flags(type_flags);
	if (*c < 0)
		return -1;
	if (no_cookie && xt_set_int(*c, SOL_TCP, TCP_FASTOPEN_NO_COOKIE, 1))
		return -1;
	if (sendto(*c, msg, len, MSG_FASTOPEN, (struct sockaddr *)&self->sa,
		   sizeof(self->sa)) != len)
		return -1;
	*s = accept_read(self->lfd, msg);
	return *s < 0 ? -1 : 0;
}

static bool syn_data(int fd)
{
	struct tcp_info ti;

	return !xt_tcp_info(fd, &ti) && (ti.tcpi_options & TCPI_OPT_SYN_DATA);
}

/*
 * The first sendto(MSG_FASTOPEN) asks for a cookie and sends its data
 * after the handshake; the second sends it in the SYN, which the
 * listener takes (both ends then report TCPI_OPT_SYN_DATA).
 */
TEST_F(tfo, cookie_then_data_in_syn)
{
	struct tfo_mibs m;
	char buf[8] = "";
	int c, s;

	ASSERT_OK(tfo_listen(self, "3"));
	tfo_mibs(&m);
	ASSERT_OK(tfo_exchange(self, 0, false, "first!", &c, &s));
	EXPECT_MIBS(&m, 0, 0, 1);
	EXPECT_FALSE(syn_data(c));
	EXPECT_FALSE(syn_data(s));
	close(s);
	close(c);

	ASSERT_OK(tfo_exchange(self, 0, false, "second", &c, &s));
	EXPECT_MIBS(&m, 1, 1, 1);
	EXPECT_TRUE(syn_data(c));
	EXPECT_TRUE(syn_data(s));
	/* The rest of the connection is ordinary. */
	ASSERT_EQ(5, send(s, "reply", 5, 0));
	ASSERT_EQ(3, send(c, "end", 3, 0));
	ASSERT_EQ(5, xt_recv_all(c, buf, 5));
	EXPECT_EQ(0, memcmp(buf, "reply", 5));
	ASSERT_EQ(3, xt_recv_all(s, buf, 3));
	EXPECT_EQ(0, memcmp(buf, "end", 3));
	close(s);
	close(c);
}

/*
 * TCP_FASTOPEN_CONNECT: without a cookie connect() asks for one and
 * completes as usual; with one it returns at once, in SYN_SENT with
 * nothing sent, writable, and the first write sends the SYN with data.
 */
TEST_F(tfo, fastopen_connect_defers_syn)
{
	struct pollfd pfd;
	struct tfo_mibs m;
	int c, s;

	ASSERT_OK(tfo_listen(self, "3"));
	tfo_mibs(&m);
	c = xt_socket();
	ASSERT_LE(0, c);
	ASSERT_OK(xt_set_int(c, SOL_TCP, TCP_FASTOPEN_CONNECT, 1));
	EXPECT_EQ(1, xt_get_int(c, SOL_TCP, TCP_FASTOPEN_CONNECT));
	ASSERT_OK(connect(c, (struct sockaddr *)&self->sa, sizeof(self->sa)));
	ASSERT_STATE(c, TCP_ESTABLISHED);
	ASSERT_EQ(3, write(c, "one", 3));
	s = accept_read(self->lfd, "one");
	ASSERT_LE(0, s) TH_LOG("accept/read: %s", strerror(errno));
	EXPECT_MIBS(&m, 0, 0, 1);
	close(s);
	close(c);

	c = xt_socket();
	ASSERT_LE(0, c);
	ASSERT_OK(xt_set_int(c, SOL_TCP, TCP_FASTOPEN_CONNECT, 1));
	ASSERT_OK(connect(c, (struct sockaddr *)&self->sa, sizeof(self->sa)));
	ASSERT_STATE(c, TCP_SYN_SENT);
	EXPECT_EQ(POLLOUT, xt_poll1(c, POLLOUT | POLLIN, 0));
	/* No SYN went: the listener has nothing to accept. */
	pfd.fd = self->lfd;
	pfd.events = POLLIN;
	EXPECT_EQ(0, poll(&pfd, 1, 100));
	/*
	 * Connected, as far as connect() is concerned; a blocking one
	 * would wait for the handshake, as on Linux, until a write.
	 */
	ASSERT_OK(xt_set_nonblock(c, true));
	ASSERT_ERRNO(connect(c, (struct sockaddr *)&self->sa,
			     sizeof(self->sa)), EISCONN);
	ASSERT_OK(xt_set_nonblock(c, false));
	ASSERT_EQ(3, write(c, "two", 3));
	s = accept_read(self->lfd, "two");
	ASSERT_LE(0, s) TH_LOG("accept/read: %s", strerror(errno));
	EXPECT_MIBS(&m, 1, 1, 1);
	EXPECT_TRUE(syn_data(c));
	close(s);
	close(c);
}

/*
 * A cookie the listener no longer takes (TCP_FASTOPEN back to 0): the
 * SYN-ACK acknowledges the SYN alone, and a blocking write after
 * TCP_FASTOPEN_CONNECT returns once connected, its data sent again.
 */
TEST_F(tfo, cookie_refused_blocking_write)
{
	long long fail;
	int c, s;

	ASSERT_OK(tfo_listen(self, "3"));
	ASSERT_OK(tfo_exchange(self, 0, false, "first", &c, &s));
	close(s);
	close(c);
	ASSERT_OK(xt_set_int(self->lfd, SOL_TCP, TCP_FASTOPEN, 0));
	fail = xt_mib("TCPFastOpenActiveFail");
	c = xt_socket();
	ASSERT_LE(0, c);
	ASSERT_OK(xt_set_int(c, SOL_TCP, TCP_FASTOPEN_CONNECT, 1));
	ASSERT_OK(connect(c, (struct sockaddr *)&self->sa, sizeof(self->sa)));
	ASSERT_STATE(c, TCP_SYN_SENT);
	ASSERT_EQ(5, write(c, "stale", 5));
	s = accept_read(self->lfd, "stale");
	ASSERT_LE(0, s) TH_LOG("accept/read: %s", strerror(errno));
	EXPECT_EQ(fail + 1, xt_mib("TCPFastOpenActiveFail"));
	EXPECT_FALSE(syn_data(c));
	close(s);
	close(c);
}

/* Listeners not enabled (net 0x1 only): cookies are asked for, never given. */
TEST_F(tfo, server_side_off)
{
	struct tfo_mibs m;
	int i, c, s;

	ASSERT_OK(tfo_listen(self, "1"));
	tfo_mibs(&m);
	for (i = 0; i < 2; i++) {
		ASSERT_OK(tfo_exchange(self, 0, false, "data", &c, &s));
		EXPECT_FALSE(syn_data(c));
		close(s);
		close(c);
	}
	EXPECT_MIBS(&m, 0, 0, 2);
}

/* 0x4 and 0x200: data in the first SYN, no cookie asked for or needed. */
TEST_F(tfo, no_cookie_sysctl)
{
	struct tfo_mibs m;
	int c, s;

	ASSERT_OK(tfo_listen(self, "519"));	/* 0x207 */
	tfo_mibs(&m);
	ASSERT_OK(tfo_exchange(self, 0, false, "hello", &c, &s));
	EXPECT_MIBS(&m, 1, 1, 0);
	EXPECT_TRUE(syn_data(c));
	close(s);
	close(c);
}

/* TCP_FASTOPEN_NO_COOKIE does the same for one socket at each end. */
TEST_F(tfo, no_cookie_sockopt)
{
	struct tfo_mibs m;
	int c, s;

	ASSERT_OK(tfo_listen(self, "3"));
	ASSERT_OK(xt_set_int(self->lfd, SOL_TCP, TCP_FASTOPEN_NO_COOKIE, 1));
	EXPECT_EQ(1, xt_get_int(self->lfd, SOL_TCP, TCP_FASTOPEN_NO_COOKIE));
	tfo_mibs(&m);
	ASSERT_OK(tfo_exchange(self, 0, true, "hello", &c, &s));
	EXPECT_MIBS(&m, 1, 1, 0);
	close(s);
	close(c);
}

/*
 * Non-blocking: without a cookie the SYN goes without the data and
 * sendto() says EINPROGRESS; with one, it returns what the SYN took.
 */
TEST_F(tfo, nonblocking)
{
	struct tfo_mibs m;
	int c, s;

	ASSERT_OK(tfo_listen(self, "3"));
	tfo_mibs(&m);
	c = xt_socket_flags(SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	ASSERT_ERRNO(sendto(c, "abc", 3, MSG_FASTOPEN,
			    (struct sockaddr *)&self->sa, sizeof(self->sa)),
		     EINPROGRESS);
	ASSERT_EQ(POLLOUT, xt_poll1(c, POLLOUT, 2000));
	ASSERT_EQ(3, send(c, "abc", 3, 0));
	s = accept_read(self->lfd, "abc");
	ASSERT_LE(0, s) TH_LOG("accept/read: %s", strerror(errno));
	close(s);
	close(c);

	/* The SYN takes it all: sendto() returns it, not EINPROGRESS. */
	ASSERT_OK(tfo_exchange(self, SOCK_NONBLOCK, false, "xyz", &c, &s));
	EXPECT_MIBS(&m, 1, 1, 1);
	close(s);
	close(c);
}

/* The options' bounds, states and errnos, as do_tcp_setsockopt(). */
TEST_F(tfo, option_errors)
{
	int c, s, fd;

	ASSERT_OK(tfo_listen(self, "3"));
	fd = xt_socket();
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, xt_get_int(fd, SOL_TCP, TCP_FASTOPEN));
	ASSERT_ERRNO(xt_set_int(fd, SOL_TCP, TCP_FASTOPEN, -1), EINVAL);
	ASSERT_OK(xt_set_int(fd, SOL_TCP, TCP_FASTOPEN, 5));
	EXPECT_EQ(5, xt_get_int(fd, SOL_TCP, TCP_FASTOPEN));
	/* Held to net.core.somaxconn (4096). */
	ASSERT_OK(xt_set_int(fd, SOL_TCP, TCP_FASTOPEN, 100000));
	EXPECT_EQ(4096, xt_get_int(fd, SOL_TCP, TCP_FASTOPEN));
	EXPECT_EQ(16, xt_get_int(self->lfd, SOL_TCP, TCP_FASTOPEN));
	ASSERT_ERRNO(xt_set_int(fd, SOL_TCP, TCP_FASTOPEN_CONNECT, 2), EINVAL);
	ASSERT_ERRNO(xt_set_int(fd, SOL_TCP, TCP_FASTOPEN_CONNECT, -1), EINVAL);
	ASSERT_ERRNO(xt_set_int(fd, SOL_TCP, TCP_FASTOPEN_NO_COOKIE, 2),
		     EINVAL);
	EXPECT_EQ(0, xt_get_int(fd, SOL_TCP, TCP_FASTOPEN_CONNECT));
	EXPECT_EQ(0, xt_get_int(fd, SOL_TCP, TCP_FASTOPEN_NO_COOKIE));
	/* No address: nothing to connect to. */
	ASSERT_ERRNO(send(fd, "x", 1, MSG_FASTOPEN), EINVAL);
	close(fd);

	/* Only before connecting (TCP_FASTOPEN also on a listener). */
	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_ERRNO(xt_set_int(c, SOL_TCP, TCP_FASTOPEN, 5), EINVAL);
	ASSERT_ERRNO(xt_set_int(c, SOL_TCP, TCP_FASTOPEN_CONNECT, 1), EINVAL);
	ASSERT_ERRNO(xt_set_int(c, SOL_TCP, TCP_FASTOPEN_NO_COOKIE, 1), EINVAL);
	ASSERT_ERRNO(send(c, "x", 1, MSG_FASTOPEN), EISCONN);
	close(c);
	close(s);

	/* Clients off: the option and the flag are refused. */
	ASSERT_OK(xt_sysctl_set("fastopen", "2"));
	fd = xt_socket();
	ASSERT_LE(0, fd);
	ASSERT_ERRNO(xt_set_int(fd, SOL_TCP, TCP_FASTOPEN_CONNECT, 1),
		     EOPNOTSUPP);
	ASSERT_ERRNO(sendto(fd, "x", 1, MSG_FASTOPEN,
			    (struct sockaddr *)&self->sa, sizeof(self->sa)),
		     EOPNOTSUPP);
	close(fd);
}

TEST_HARNESS_MAIN
