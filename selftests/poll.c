// SPDX-License-Identifier: GPL-2.0
/*
 * Readiness: poll(), select() and epoll (level and edge triggered) on
 * listeners, connecting sockets, data, peer shutdown and RST.  The exact
 * event masks are Linux TCP's.
 */
#include <sys/epoll.h>
#include <sys/select.h>

#include "xtcp_harness.h"

#define ALL	(POLLIN | POLLOUT | POLLRDHUP | POLLPRI)

FIXTURE(pl) {
	int unused;
};

FIXTURE_SETUP(pl)
{
	XT_INIT();
}

FIXTURE_TEARDOWN(pl)
{
}

/* One epoll_wait(); the events of @fd's entry, 0 on timeout, -1 error. */
static int ep_wait1(int ep, int timeout_ms)
{
	struct epoll_event ev[4];
	int n = epoll_wait(ep, ev, 4, timeout_ms);

	if (n < 0)
		return -1;
	if (n != 1)
		return n ? -2 : 0;
	return ev[0].events;
}

static int ep_new(int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		return -1;
	return ep;
}

/* A fresh socket: POLLOUT | POLLHUP (closed, nothing to wait for). */
TEST_F(pl, unconnected_socket)
{
	int fd = xt_socket();

	ASSERT_LE(0, fd);
	ASSERT_EQ(POLLOUT | POLLHUP, xt_poll1(fd, ALL, 0));
}

/* A listener is readable exactly when a connection waits in its queue. */
TEST_F(pl, listener_readable)
{
	uint16_t port = 0;
	int l, c, s;

	l = xt_listener(XT_LOOP, &port, 2);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, xt_poll1(l, ALL, 0));
	c = xt_connect_to(XT_LOOP, port);
	ASSERT_LE(0, c);
	ASSERT_EQ(POLLIN, xt_poll1(l, ALL, 2000));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, xt_poll1(l, ALL, 0));
}

/* select(): the listener in readfds, a connected socket in writefds. */
TEST_F(pl, select_listener_and_data)
{
	struct timeval tv = { 2, 0 };
	uint16_t port = 0;
	fd_set r, w;
	int l, c, s, n;
	char b;

	l = xt_listener(XT_LOOP, &port, 2);
	ASSERT_LE(0, l);
	c = xt_connect_to(XT_LOOP, port);
	ASSERT_LE(0, c);
	FD_ZERO(&r);
	FD_SET(l, &r);
	n = select(l + 1, &r, NULL, NULL, &tv);
	ASSERT_EQ(1, n);
	ASSERT_TRUE(FD_ISSET(l, &r));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);

	/* Connected, no data: writable, not readable. */
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(s, &r);
	FD_SET(s, &w);
	tv = (struct timeval){ 0, 0 };
	n = select(s + 1, &r, &w, NULL, &tv);
	ASSERT_EQ(1, n);
	ASSERT_FALSE(FD_ISSET(s, &r));
	ASSERT_TRUE(FD_ISSET(s, &w));

	/* Data: readable. */
	ASSERT_EQ(1, send(c, "s", 1, 0));
	FD_ZERO(&r);
	FD_SET(s, &r);
	tv = (struct timeval){ 2, 0 };
	ASSERT_EQ(1, select(s + 1, &r, NULL, NULL, &tv));
	ASSERT_TRUE(FD_ISSET(s, &r));
	ASSERT_EQ(1, recv(s, &b, 1, 0));

	/* Nothing again. */
	FD_ZERO(&r);
	FD_SET(s, &r);
	tv = (struct timeval){ 0, 0 };
	ASSERT_EQ(0, select(s + 1, &r, NULL, NULL, &tv));
}

/* A non-blocking connect completes: EPOLLOUT and nothing else. */
TEST_F(pl, epollout_on_connect)
{
	uint16_t port = 0;
	int l, c, ep;

	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	c = xt_socket_flags(SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	ep = ep_new(c, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
	ASSERT_LE(0, ep);
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, port), EINPROGRESS);
	ASSERT_EQ(EPOLLOUT, ep_wait1(ep, 2000));
	ASSERT_EQ(0, xt_get_int(c, SOL_SOCKET, SO_ERROR));
}

/* While the SYN is unanswered the socket reports nothing at all. */
TEST_F(pl, connecting_not_ready)
{
	char why[128];
	int c, ep;

	if (xt_blackhole(why, sizeof(why)))
		SKIP(return, "%s", why);
	c = xt_socket_flags(SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	ep = ep_new(c, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
	ASSERT_LE(0, ep);
	ASSERT_ERRNO(xt_connect(c, XT_BLACKHOLE, 80), EINPROGRESS);
	ASSERT_EQ(0, ep_wait1(ep, 200));
	ASSERT_EQ(0, xt_poll1(c, ALL, 0));
}

/* EPOLLIN (level triggered) while data is queued, gone once read. */
TEST_F(pl, epollin_on_data)
{
	int c, s, ep;
	char b[4];

	ASSERT_OK(xt_pair(&c, &s));
	ep = ep_new(s, EPOLLIN | EPOLLRDHUP);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, ep_wait1(ep, 0));
	ASSERT_EQ(3, send(c, "abc", 3, 0));
	ASSERT_EQ(EPOLLIN, ep_wait1(ep, 2000));
	ASSERT_EQ(EPOLLIN, ep_wait1(ep, 0));	/* level: still there */
	ASSERT_EQ(3, recv(s, b, sizeof(b), 0));
	ASSERT_EQ(0, ep_wait1(ep, 0));
	ASSERT_EQ(POLLOUT, xt_poll1(s, ALL, 0));
}

/* The peer shuts down writing: EPOLLIN | EPOLLRDHUP, no HUP. */
TEST_F(pl, epollrdhup_on_peer_shutdown)
{
	int c, s, ep;
	char b;

	ASSERT_OK(xt_pair(&c, &s));
	ep = ep_new(s, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
	ASSERT_LE(0, ep);
	ASSERT_EQ(EPOLLOUT, ep_wait1(ep, 0));
	ASSERT_OK(shutdown(c, SHUT_WR));
	ASSERT_NE(0, xt_poll1(s, POLLIN, 2000));
	ASSERT_EQ(EPOLLIN | EPOLLOUT | EPOLLRDHUP, ep_wait1(ep, 0));
	ASSERT_EQ(POLLIN | POLLOUT | POLLRDHUP, xt_poll1(s, ALL, 0));
	ASSERT_EQ(0, recv(s, &b, 1, 0));
	/* Both directions shut: POLLHUP too. */
	ASSERT_OK(shutdown(s, SHUT_WR));
	ASSERT_EQ(POLLIN | POLLOUT | POLLRDHUP | POLLHUP, xt_poll1(s, ALL, 0));
}

/* A RST: EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLRDHUP. */
TEST_F(pl, epollhup_epollerr_on_rst)
{
	int c, s, ep;

	ASSERT_OK(xt_pair(&c, &s));
	ep = ep_new(s, EPOLLIN | EPOLLRDHUP);
	ASSERT_LE(0, ep);
	ASSERT_OK(xt_close_rst(c));
	ASSERT_EQ(EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP, ep_wait1(ep, 2000));
	ASSERT_EQ(POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP,
		  xt_poll1(s, ALL, 0));
}

/* A refused non-blocking connect: EPOLLERR | EPOLLHUP with EPOLLOUT. */
TEST_F(pl, epollerr_on_refused)
{
	uint16_t port = 0;
	int l, c, ep;

	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	close(l);
	c = xt_socket_flags(SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	ep = ep_new(c, EPOLLOUT);
	ASSERT_LE(0, ep);
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, port), EINPROGRESS);
	ASSERT_EQ(EPOLLOUT | EPOLLERR | EPOLLHUP, ep_wait1(ep, 2000));
	ASSERT_EQ(ECONNREFUSED, xt_get_int(c, SOL_SOCKET, SO_ERROR));
}

/* Edge triggered: one event per arrival of new data, none in between. */
TEST_F(pl, epollet_once_per_arrival)
{
	int c, s, ep, i;
	char b[16];

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(xt_set_int(c, IPPROTO_TCP, TCP_NODELAY, 1));
	ep = ep_new(s, EPOLLIN | EPOLLET);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, ep_wait1(ep, 0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, send(c, "e", 1, 0));
		ASSERT_EQ(EPOLLIN, ep_wait1(ep, 2000)) TH_LOG("arrival %d", i);
		/* Not read, but no new arrival: no new event. */
		ASSERT_EQ(0, ep_wait1(ep, 50));
	}
	ASSERT_EQ(3, recv(s, b, sizeof(b), 0));
	ASSERT_EQ(0, ep_wait1(ep, 0));
}

/* Edge-triggered EPOLLOUT comes back once the peer drains a full pipe. */
TEST_F(pl, epollet_out_after_drain)
{
	static char buf[65536];
	int c, s, ep;
	ssize_t n;
	size_t total = 0;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(xt_set_nonblock(c, true));
	ep = ep_new(c, EPOLLOUT | EPOLLET);
	ASSERT_LE(0, ep);
	ASSERT_EQ(EPOLLOUT, ep_wait1(ep, 0));
	ASSERT_EQ(0, ep_wait1(ep, 0));			/* edge consumed */
	while ((n = send(c, buf, sizeof(buf), MSG_NOSIGNAL)) > 0)
		total += n;
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, ep_wait1(ep, 50));
	while (total) {
		n = recv(s, buf, sizeof(buf), 0);
		ASSERT_LT(0, n);
		total -= n;
	}
	ASSERT_EQ(EPOLLOUT, ep_wait1(ep, 2000));
}

/* EPOLLONESHOT: one event, then disarmed until EPOLL_CTL_MOD. */
TEST_F(pl, epoll_oneshot)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT };
	int c, s, ep;

	ASSERT_OK(xt_pair(&c, &s));
	ep = ep_new(s, EPOLLIN | EPOLLONESHOT);
	ASSERT_LE(0, ep);
	ASSERT_EQ(1, send(c, "1", 1, 0));
	ASSERT_EQ(EPOLLIN, ep_wait1(ep, 2000));
	ASSERT_EQ(1, send(c, "2", 1, 0));
	ASSERT_EQ(0, ep_wait1(ep, 100));
	ev.data.fd = s;
	ASSERT_OK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev));
	ASSERT_EQ(EPOLLIN, ep_wait1(ep, 0));
}

/* A blocked poll() wakes when data arrives from another thread. */
struct later {
	int fd;
	int ms;
};

static void *send_later(void *arg)
{
	struct later *l = arg;

	xt_msleep(l->ms);
	send(l->fd, "w", 1, MSG_NOSIGNAL);
	return NULL;
}

TEST_F(pl, poll_wakes_on_data)
{
	struct later lt = { .ms = 100 };
	pthread_t t;
	uint64_t t0;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	lt.fd = c;
	t0 = xt_now_ms();
	ASSERT_EQ(0, pthread_create(&t, NULL, send_later, &lt));
	ASSERT_EQ(POLLIN, xt_poll1(s, POLLIN, 5000));
	ASSERT_LE(80ULL, xt_now_ms() - t0);
	ASSERT_GT(3000ULL, xt_now_ms() - t0);
	ASSERT_EQ(0, pthread_join(t, NULL));
}

TEST_HARNESS_MAIN
