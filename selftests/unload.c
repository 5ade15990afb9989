// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime (XTCP only; every test skips in inet mode).  Run this
 * program LAST: it unloads and reloads xtcp.ko.
 *
 * - A socket holds the module: delete_module() fails with EWOULDBLOCK (what
 *   rmmod reports as "in use") and the socket keeps working; once every
 *   socket is gone (SO_LINGER {1, 0}: no TIME_WAIT) the module unloads, and
 *   finit_module($XTCP_KO) brings it back.
 * - A namespace that goes away takes its TIME_WAIT sockets with it (as
 *   Linux's TCP purges them): nothing keeps the module then.
 * - THE SLOW TEST (timewait_holds_module, ~60 s): a TIME_WAIT socket holds
 *   the module until it expires (60 s, as Linux's TCP_TIMEWAIT_LEN); the
 *   test polls delete_module() every second for up to 70 s.
 *
 * XTCP_KO (set by scripts/vm) is the path of the module to reload.
 */
#include <fcntl.h>
#include <sys/syscall.h>

#include "xtcp_harness.h"

#define MODNAME	"xtcp"

FIXTURE(ul) {
	int unused;
};

FIXTURE_SETUP(ul)
{
	if (xt_inet())
		return;		/* the tests skip */
	XT_INIT();
}

FIXTURE_TEARDOWN(ul)
{
	int fd;

	if (xt_inet())
		return;
	/* Whatever happened, leave the module loaded for what follows. */
	fd = socket(AF_XTCP, SOCK_STREAM, 0);
	if (fd >= 0) {
		close(fd);
		return;
	}
	if (getenv("XTCP_KO")) {
		fd = open(getenv("XTCP_KO"), O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			syscall(SYS_finit_module, fd, "", 0);
			close(fd);
		}
	}
}

static int unload(void)
{
	return syscall(SYS_delete_module, MODNAME, O_NONBLOCK);
}

static int reload(void)
{
	const char *ko = getenv("XTCP_KO");
	int fd, ret, e;

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

/* Unload, retrying while something (a dying namespace...) holds it. */
static int unload_within(int ms)
{
	uint64_t end = xt_now_ms() + ms;

	for (;;) {
		if (!unload())
			return 0;
		if (errno != EWOULDBLOCK && errno != EBUSY)
			return -1;
		if (xt_now_ms() >= end)
			return -1;
		xt_msleep(100);
	}
}

#define NEED_KO() do {							\
	XT_XTCP_ONLY();							\
	if (!getenv("XTCP_KO") || access(getenv("XTCP_KO"), R_OK))	\
		SKIP(return, "XTCP_KO (the module to reload) not set");	\
} while (0)

/* A pair on loopback, moved through data, for "the socket works". */
static void exchange(struct __test_metadata *_metadata, int c, int s)
{
	char b[4];

	ASSERT_EQ(4, send(c, "ping", 4, 0));
	ASSERT_EQ(4, xt_recv_all(s, b, 4));
	ASSERT_EQ(0, memcmp(b, "ping", 4));
	ASSERT_EQ(4, send(s, "pong", 4, 0));
	ASSERT_EQ(4, xt_recv_all(c, b, 4));
	ASSERT_EQ(0, memcmp(b, "pong", 4));
}

TEST_F(ul, sockets_hold_module)
{
	uint16_t port = 0;
	int fd, l, c, s, q;

	NEED_KO();
	/* A bare socket holds it. */
	fd = xt_socket();
	ASSERT_LE(0, fd);
	ASSERT_ERRNO(unload(), EWOULDBLOCK);
	ASSERT_OK(close(fd));

	/* So do a listener and a connection; they keep working. */
	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_ERRNO(unload(), EWOULDBLOCK);
	exchange(_metadata, c, s);
	ASSERT_ERRNO(unload(), EWOULDBLOCK);
	ASSERT_STATE(l, XTCP_LISTEN);
	q = xt_connect_to(XT_LOOP, port);	/* queued, not accepted */
	ASSERT_LE(0, q);
	ASSERT_ERRNO(unload(), EWOULDBLOCK);
	exchange(_metadata, c, s);

	/* Everything closed, nothing in TIME_WAIT: it unloads. */
	ASSERT_OK(xt_close_rst(c));
	ASSERT_OK(xt_close_rst(s));
	ASSERT_OK(xt_close_rst(q));
	ASSERT_OK(close(l));
	ASSERT_EQ(0, unload_within(10000)) TH_LOG("rmmod: %s", strerror(errno));
	ASSERT_ERRNO(socket(AF_XTCP, SOCK_STREAM, 0), EAFNOSUPPORT);

	/* And comes back. */
	ASSERT_OK(reload());
	ASSERT_OK(xt_pair(&c, &s));
	exchange(_metadata, c, s);
	ASSERT_OK(xt_close_rst(c));
	ASSERT_OK(xt_close_rst(s));
}

/*
 * TIME_WAIT sockets of a namespace that is dismantled are purged with it:
 * they hold neither the namespace nor the module.
 */
TEST_F(ul, netns_exit_purges_timewait)
{
	int home = xt_netns_cur(), ns, c, s;
	uint16_t cp, sp;
	char b;

	NEED_KO();
	ASSERT_LE(0, home);
	ns = xt_netns_new();
	ASSERT_LE(0, ns);
	ASSERT_OK(xt_netns_enter(ns));
	ASSERT_OK(xt_pair(&c, &s));
	cp = xt_local_port(c);
	sp = xt_local_port(s);
	ASSERT_OK(close(c));
	ASSERT_EQ(0, recv(s, &b, 1, 0));
	ASSERT_OK(close(s));
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_wait_state(cp, sp, XTCP_TIME_WAIT, 2000));
	ASSERT_ERRNO(unload(), EWOULDBLOCK);

	/* Leave and drop the last reference: the namespace goes away. */
	ASSERT_OK(xt_netns_enter(home));
	ASSERT_OK(close(ns));
	ASSERT_EQ(0, unload_within(15000))
		TH_LOG("module still held 15 s after its namespace went: %s",
		       strerror(errno));
	ASSERT_OK(reload());
	ASSERT_OK(xt_pair(&c, &s));
	exchange(_metadata, c, s);
	ASSERT_OK(xt_close_rst(c));
	ASSERT_OK(xt_close_rst(s));
}

/*
 * A listener that stops listening while children are half open (the
 * loopback delays each packet 100 ms): their handshakes end after it, and
 * nothing may keep them, or the module could never unload.
 */
TEST_F(ul, stopped_listener_frees_children)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	int l, c[4], i, round;
	uint16_t port = 0;

	NEED_KO();
	ASSERT_EQ(0, xt_sh("tc qdisc add dev lo root netem delay 100ms"));
	for (round = 0; round < 2; round++) {
		l = xt_listener(XT_LOOP, &port, 8);
		ASSERT_LE(0, l);
		for (i = 0; i < 4; i++) {
			c[i] = xt_socket_flags(SOCK_NONBLOCK);
			ASSERT_LE(0, c[i]);
			ASSERT_ERRNO(xt_connect(c[i], XT_LOOP, port),
				     EINPROGRESS);
		}
		xt_msleep(150);
		if (round)
			ASSERT_OK(connect(l, &sa, sizeof(sa)));
		else
			ASSERT_OK(shutdown(l, SHUT_RD));
		xt_msleep(500);		/* the handshakes end */
		for (i = 0; i < 4; i++)
			ASSERT_OK(close(c[i]));
		ASSERT_OK(close(l));
		port = 0;
	}
	ASSERT_EQ(0, xt_sh("tc qdisc del dev lo root"));
	ASSERT_EQ(0, unload_within(10000)) TH_LOG("rmmod: %s", strerror(errno));
	ASSERT_OK(reload());
}

/*
 * An orphan with data held back by a zero window, whose peer then
 * vanishes (all loopback traffic lost): its persist timer gives up
 * (TCP_USER_TIMEOUT, 1 s), and the module unloads.
 */
TEST_F_TIMEOUT(ul, zero_window_orphan_freed, 40)
{
	int c, s;

	NEED_KO();
	ASSERT_OK(xt_pair_rcvbuf(4096, &c, &s));
	ASSERT_OK(xt_set_int(s, SOL_TCP, TCP_USER_TIMEOUT, 1000));
	ASSERT_OK(xt_fill_sndbuf(s));
	ASSERT_OK(xt_netem_loss("lo", false));
	ASSERT_OK(close(s));		/* the orphan */
	ASSERT_OK(xt_close_rst(c));	/* its RST is lost */
	ASSERT_EQ(0, unload_within(15000)) TH_LOG("rmmod: %s", strerror(errno));
	ASSERT_OK(xt_netem_loss("lo", true));
	ASSERT_OK(reload());
}

/*
 * SLOW (about 60 s): a connection in TIME_WAIT holds the module until the
 * TIME_WAIT ends; 60 s like Linux (budget 70 s, polled every second).
 */
TEST_F_TIMEOUT(ul, timewait_holds_module, 100)
{
	uint64_t t0, dt = 0;
	uint16_t cp, sp;
	int c, s, ok = 0;
	char b;

	NEED_KO();
	ASSERT_OK(xt_pair(&c, &s));
	cp = xt_local_port(c);
	sp = xt_local_port(s);
	ASSERT_OK(close(c));		/* the client closes first */
	ASSERT_EQ(0, recv(s, &b, 1, 0));
	ASSERT_OK(close(s));
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_wait_state(cp, sp, XTCP_TIME_WAIT, 2000));
	/* The server side finished (LAST_ACK -> CLOSE): only TIME_WAIT left. */
	ASSERT_EQ(-1, xt_proc_wait_state(sp, cp, -1, 2000));
	t0 = xt_now_ms();
	ASSERT_ERRNO(unload(), EWOULDBLOCK);

	while ((dt = xt_now_ms() - t0) < 70000) {
		xt_msleep(1000);
		if (!unload()) {
			ok = 1;
			dt = xt_now_ms() - t0;
			break;
		}
		ASSERT_EQ(EWOULDBLOCK, errno);
		/* While the module is held, the TIME_WAIT line is there. */
		if (xt_proc_state(cp, sp) != XTCP_TIME_WAIT)
			TH_LOG("TIME_WAIT line gone after %llu ms, module still held",
			       (unsigned long long)(xt_now_ms() - t0));
	}
	ASSERT_TRUE(ok) TH_LOG("module still held after 70 s");
	TH_LOG("unloaded %llu ms after TIME_WAIT began", (unsigned long long)dt);
	ASSERT_LE(50000ULL, dt);
	ASSERT_OK(reload());
	ASSERT_OK(xt_pair(&c, &s));
	exchange(_metadata, c, s);
	ASSERT_OK(xt_close_rst(c));
	ASSERT_OK(xt_close_rst(s));
}

TEST_HARNESS_MAIN
