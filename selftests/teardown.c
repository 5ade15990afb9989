// SPDX-License-Identifier: GPL-2.0
/*
 * Connection teardown: half-close, the closing states (TCP_INFO and the
 * /proc line), TIME_WAIT, RST on close with unread data, EPIPE/SIGPIPE,
 * shutdown() errors and shutdown() of a listener.
 */
#include <pthread.h>
#include <sys/socket.h>

#include "xtcp_harness.h"

FIXTURE(td) {
	int unused;
};

FIXTURE_SETUP(td)
{
	XT_INIT();
}

FIXTURE_TEARDOWN(td)
{
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/* Client shuts down writing: the server sees EOF but both still work. */
TEST_F(td, half_close)
{
	char buf[16];
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_EQ(3, send(c, "abc", 3, 0));
	ASSERT_OK(shutdown(c, SHUT_WR));
	ASSERT_EQ(3, xt_recv_all(s, buf, 3));
	ASSERT_EQ(0, memcmp(buf, "abc", 3));
	ASSERT_EQ(0, recv(s, buf, sizeof(buf), 0));	/* EOF */
	ASSERT_EQ(0, recv(s, buf, sizeof(buf), 0));	/* and again */

	/* The other direction still flows. */
	ASSERT_EQ(5, send(s, "reply", 5, 0));
	ASSERT_EQ(5, xt_recv_all(c, buf, 5));
	ASSERT_EQ(0, memcmp(buf, "reply", 5));
	ASSERT_EQ(4, send(s, "more", 4, 0));
	ASSERT_EQ(4, xt_recv_all(c, buf, 4));

	/* The client may not send any more. */
	ASSERT_ERRNO(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);

	ASSERT_OK(shutdown(s, SHUT_WR));
	ASSERT_EQ(0, recv(c, buf, sizeof(buf), 0));
}

/*
 * Closing states through TCP_INFO, with shutdown(SHUT_WR) so both fds stay
 * open: the active closer goes FIN_WAIT2, the passive CLOSE_WAIT; when the
 * passive side closes too it ends in CLOSE (after LAST_ACK) and the active
 * side's connection sits in TIME_WAIT (its /proc line says 06).
 */
TEST_F(td, states_shutdown)
{
	uint16_t cp, sp;
	char b;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	cp = xt_local_port(c);
	sp = xt_local_port(s);
	ASSERT_EQ(XTCP_ESTABLISHED, xt_proc_state(cp, sp));
	ASSERT_EQ(XTCP_ESTABLISHED, xt_proc_state(sp, cp));

	ASSERT_OK(shutdown(c, SHUT_WR));
	ASSERT_EQ(0, recv(s, &b, 1, 0));	/* the FIN arrived */
	ASSERT_EQ(XTCP_FIN_WAIT2, xt_wait_state(c, XTCP_FIN_WAIT2, 2000));
	ASSERT_STATE(s, XTCP_CLOSE_WAIT);
	ASSERT_EQ(XTCP_FIN_WAIT2, xt_proc_state(cp, sp));
	ASSERT_EQ(XTCP_CLOSE_WAIT, xt_proc_state(sp, cp));

	ASSERT_OK(shutdown(s, SHUT_WR));
	ASSERT_EQ(0, recv(c, &b, 1, 0));	/* the FIN arrived */
	ASSERT_EQ(XTCP_CLOSE, xt_wait_state(s, XTCP_CLOSE, 2000));
	/*
	 * Linux hands the connection to a TIME_WAIT mini-socket: the fd's
	 * own state is CLOSE, the /proc line of the connection TIME_WAIT.
	 */
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_wait_state(cp, sp, XTCP_TIME_WAIT, 2000));
	ASSERT_EQ(-1, xt_proc_wait_state(sp, cp, -1, 2000));
	ASSERT_EQ(0, recv(s, &b, 1, 0));
}

/*
 * The same with close(): the orphaned active closer shows FIN_WAIT2 in
 * /proc, the server CLOSE_WAIT; after the server's close the client's line
 * is TIME_WAIT and the server's line is gone.
 */
TEST_F(td, states_close)
{
	uint16_t cp, sp;
	char b;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	cp = xt_local_port(c);
	sp = xt_local_port(s);
	ASSERT_OK(close(c));
	ASSERT_EQ(0, recv(s, &b, 1, 0));
	ASSERT_STATE(s, XTCP_CLOSE_WAIT);
	ASSERT_EQ(XTCP_FIN_WAIT2, xt_proc_wait_state(cp, sp, XTCP_FIN_WAIT2, 2000));
	ASSERT_EQ(XTCP_CLOSE_WAIT, xt_proc_state(sp, cp));

	ASSERT_OK(close(s));
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_wait_state(cp, sp, XTCP_TIME_WAIT, 2000));
	ASSERT_EQ(-1, xt_proc_wait_state(sp, cp, -1, 2000));
	/* TIME_WAIT lasts (60 s on Linux): still there a moment later. */
	xt_msleep(200);
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_state(cp, sp));
}

/* The side that closes first gets TIME_WAIT, whichever it is. */
TEST_F(td, server_closes_first)
{
	uint16_t cp, sp;
	char b;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	cp = xt_local_port(c);
	sp = xt_local_port(s);
	ASSERT_OK(close(s));
	ASSERT_EQ(0, recv(c, &b, 1, 0));
	ASSERT_STATE(c, XTCP_CLOSE_WAIT);
	ASSERT_OK(close(c));
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_wait_state(sp, cp, XTCP_TIME_WAIT, 2000));
	ASSERT_EQ(-1, xt_proc_wait_state(cp, sp, -1, 2000));
}

static void *send_then_close(void *arg)
{
	struct xt_stream *st = arg;

	xt_sender(st);
	close(st->fd);
	return NULL;
}

/* Everything written before close() arrives, in order, then EOF. */
TEST_F(td, data_then_close)
{
	struct xt_stream tx = { .len = 1 << 20, .chunk = 50000, .seed = 7 };
	struct xt_stream rx = { .len = 2 << 20, .chunk = 65536 };
	uint8_t want[32];
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	tx.fd = s;
	rx.fd = c;
	ASSERT_OK(xt_start(&tx, send_then_close));
	xt_receiver(&rx);		/* until EOF */
	ASSERT_EQ(0, xt_join(&tx));
	ASSERT_EQ(0, tx.err);
	ASSERT_EQ(0, rx.err);
	ASSERT_EQ(tx.len, rx.done);
	xt_stream_digest(7, tx.len, want);
	ASSERT_EQ(0, memcmp(want, rx.digest, 32));
	ASSERT_EQ(XTCP_CLOSE_WAIT, xt_state(c));
}

/* Closing with unread received data aborts: the peer gets a RST. */
TEST_F(td, close_unread_sends_rst)
{
	uint16_t cp, sp;
	char buf[8];
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	cp = xt_local_port(c);
	sp = xt_local_port(s);
	ASSERT_EQ(4, send(s, "data", 4, 0));
	ASSERT_EQ(POLLIN, xt_poll1(c, POLLIN, 2000));	/* arrived, unread */
	ASSERT_OK(close(c));
	ASSERT_NE(0, xt_poll1(s, POLLERR, 2000) & POLLERR);
	ASSERT_ERRNO(recv(s, buf, sizeof(buf), 0), ECONNRESET);
	ASSERT_STATE(s, XTCP_CLOSE);
	/* An abort leaves no TIME_WAIT behind. */
	ASSERT_EQ(-1, xt_proc_state(cp, sp));
}

/*
 * Writing to a connection whose peer has closed: the first write is
 * answered by a RST (the peer cannot receive), the next one fails with
 * EPIPE and raises SIGPIPE.
 */
TEST_F(td, write_after_peer_close_sigpipe)
{
	struct sigaction sa = { .sa_handler = on_sigpipe };
	char b;
	int c, s;

	ASSERT_OK(sigaction(SIGPIPE, &sa, NULL));
	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(close(c));
	ASSERT_EQ(0, recv(s, &b, 1, 0));
	ASSERT_EQ(XTCP_CLOSE_WAIT, xt_state(s));
	ASSERT_EQ(1, send(s, "x", 1, 0));		/* accepted locally */
	ASSERT_NE(0, xt_poll1(s, POLLERR, 2000) & POLLERR);	/* the RST */
	sigpipes = 0;
	ASSERT_ERRNO(send(s, "y", 1, 0), EPIPE);
	ASSERT_EQ(1, sigpipes);
	ASSERT_ERRNO(write(s, "y", 1), EPIPE);
	ASSERT_EQ(2, sigpipes);
	ASSERT_STATE(s, XTCP_CLOSE);
}

/* The same with MSG_NOSIGNAL: EPIPE without a signal. */
TEST_F(td, write_after_peer_close_nosignal)
{
	struct sigaction sa = { .sa_handler = on_sigpipe };
	char b;
	int c, s;

	ASSERT_OK(sigaction(SIGPIPE, &sa, NULL));
	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(close(c));
	ASSERT_EQ(0, recv(s, &b, 1, 0));
	ASSERT_EQ(1, send(s, "x", 1, MSG_NOSIGNAL));
	ASSERT_NE(0, xt_poll1(s, POLLERR, 2000) & POLLERR);
	sigpipes = 0;
	ASSERT_ERRNO(send(s, "y", 1, MSG_NOSIGNAL), EPIPE);
	ASSERT_ERRNO(send(s, "y", 1, MSG_NOSIGNAL), EPIPE);
	ASSERT_EQ(0, sigpipes);
}

/* shutdown() of a socket that never connected: ENOTCONN. */
TEST_F(td, shutdown_unconnected)
{
	int fd = xt_socket();

	ASSERT_LE(0, fd);
	ASSERT_ERRNO(shutdown(fd, SHUT_WR), ENOTCONN);
	ASSERT_ERRNO(shutdown(fd, SHUT_RD), ENOTCONN);
	ASSERT_ERRNO(shutdown(fd, SHUT_RDWR), ENOTCONN);
	ASSERT_OK(xt_bind(fd, XT_LOOP, 0));
	ASSERT_ERRNO(shutdown(fd, SHUT_RDWR), ENOTCONN);
}

/* shutdown() with a bad how: EINVAL, the connection unharmed. */
TEST_F(td, shutdown_bad_how)
{
	char b;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_ERRNO(shutdown(c, 3), EINVAL);
	ASSERT_ERRNO(shutdown(c, -1), EINVAL);
	ASSERT_ERRNO(shutdown(c, 100), EINVAL);
	ASSERT_STATE(c, XTCP_ESTABLISHED);
	ASSERT_EQ(1, send(c, "z", 1, 0));
	ASSERT_EQ(1, recv(s, &b, 1, 0));
	ASSERT_EQ('z', b);
}

/* After SHUT_RD, reading an empty queue returns 0 at once (no blocking). */
TEST_F(td, read_after_shut_rd)
{
	char b;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(shutdown(c, SHUT_RD));
	ASSERT_EQ(0, recv(c, &b, 1, 0));
	ASSERT_EQ(0, recv(c, &b, 1, MSG_DONTWAIT));
	ASSERT_EQ(POLLIN | POLLRDHUP | POLLOUT,
		  xt_poll1(c, POLLIN | POLLRDHUP | POLLOUT, 0));
	/* SHUT_RD sends nothing: the peer still sees an open connection. */
	ASSERT_STATE(c, XTCP_ESTABLISHED);
	ASSERT_STATE(s, XTCP_ESTABLISHED);
	/* Writing still works from the SHUT_RD side. */
	ASSERT_EQ(1, send(c, "w", 1, 0));
	ASSERT_EQ(1, recv(s, &b, 1, 0));
}

/* shutdown(SHUT_RDWR): FIN sent, further reads 0, writes EPIPE. */
TEST_F(td, shutdown_rdwr)
{
	char b;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(shutdown(c, SHUT_RDWR));
	ASSERT_EQ(0, recv(s, &b, 1, 0));
	ASSERT_EQ(0, recv(c, &b, 1, 0));
	ASSERT_ERRNO(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	ASSERT_EQ(XTCP_FIN_WAIT2, xt_wait_state(c, XTCP_FIN_WAIT2, 2000));
	ASSERT_STATE(s, XTCP_CLOSE_WAIT);
}

struct acc {
	int fd;
	int ret;
	int err;
};

static void *acceptor(void *arg)
{
	struct acc *a = arg;

	a->ret = accept(a->fd, NULL, NULL);
	a->err = errno;
	return NULL;
}

/*
 * shutdown(SHUT_RD or SHUT_RDWR) on a listener stops it listening (Linux
 * disconnects it): a thread blocked in accept() wakes with EINVAL and new
 * connections are refused.  Programs use this to stop accept loops.
 */
TEST_F(td, shutdown_listener)
{
	struct acc a = { .ret = -2 };
	pthread_t t;
	uint16_t port = 0;
	int l;

	l = xt_listener(XT_LOOP, &port, 4);
	ASSERT_LE(0, l);
	/* SHUT_WR on a listener: no effect. */
	ASSERT_OK(shutdown(l, SHUT_WR));
	ASSERT_STATE(l, XTCP_LISTEN);

	a.fd = l;
	ASSERT_EQ(0, pthread_create(&t, NULL, acceptor, &a));
	xt_msleep(100);		/* let it block; the outcome does not depend on it */
	ASSERT_OK(shutdown(l, SHUT_RDWR));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(-1, a.ret);
	ASSERT_EQ(EINVAL, a.err);
	ASSERT_STATE(l, XTCP_CLOSE);
	ASSERT_ERRNO(accept(l, NULL, NULL), EINVAL);
	ASSERT_ERRNO(xt_connect_to(XT_LOOP, port), ECONNREFUSED);
}

/*
 * Closing a listener resets the connections still in its accept queue:
 * their clients read ECONNRESET.
 */
TEST_F(td, close_listener_resets_queue)
{
	uint16_t port = 0;
	char b;
	int l, c;

	l = xt_listener(XT_LOOP, &port, 4);
	ASSERT_LE(0, l);
	c = xt_connect_to(XT_LOOP, port);
	ASSERT_LE(0, c);
	ASSERT_STATE(c, XTCP_ESTABLISHED);
	ASSERT_OK(close(l));
	ASSERT_NE(0, xt_poll1(c, POLLERR, 2000) & POLLERR);
	ASSERT_ERRNO(recv(c, &b, 1, 0), ECONNRESET);
	ASSERT_STATE(c, XTCP_CLOSE);
}

/* Until everything sent is acknowledged (2 s): true if it is. */
static bool all_acked(int fd)
{
	struct tcp_info ti;
	int i;

	for (i = 0; i < 200; i++) {
		if (xt_tcp_info(fd, &ti))
			return false;
		if (!ti.tcpi_unacked)
			return true;
		xt_msleep(10);
	}
	return false;
}

/* A connection from @c to a listener on @ip, and a short exchange. */
static void exchange(struct __test_metadata *_metadata, int c,
		     const char *ip, struct xt_tcp_info *ti)
{
	char buf[64];
	uint16_t port = 0;
	int l, s;

	l = xt_listener(ip, &port, 1);
	ASSERT_LE(0, l);
	ASSERT_OK(xt_connect(c, ip, port));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	close(l);
	ASSERT_EQ(10, send(c, "0123456789", 10, 0));
	ASSERT_EQ(10, xt_recv_all(s, buf, 10));
	ASSERT_EQ(20, send(s, "abcdefghijklmnopqrst", 20, 0));
	ASSERT_EQ(20, xt_recv_all(c, buf, 20));
	ASSERT_EQ(3, send(c, "end", 3, 0));
	ASSERT_EQ(3, xt_recv_all(s, buf, 3));
	/* Everything acknowledged: the counters have settled. */
	ASSERT_TRUE(all_acked(c));
	ASSERT_TRUE(all_acked(s));
	ASSERT_OK(xt_tcp_info_ext(c, ti));
	close(s);
}

/*
 * connect(AF_UNSPEC) ends a connection (RST) and leaves a socket that
 * starts again from nothing: TCP_INFO's counters read 0, and after a new
 * connection and the same exchange they read what a new socket's do.
 */
TEST_F(td, disconnect_starts_afresh)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	struct xt_tcp_info fresh, again, after;
	int c, s, d;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_EQ(5, send(c, "first", 5, 0));
	ASSERT_EQ(5, send(s, "reply", 5, 0));
	ASSERT_OK(xt_tcp_info_ext(c, &after));
	ASSERT_LT(0U, after.segs_out);
	ASSERT_OK(connect(c, &sa, sizeof(sa)));
	ASSERT_EQ(XTCP_CLOSE, xt_state(c));
	/* The reset is the socket's pending error, as on Linux. */
	ASSERT_EQ(ECONNRESET, xt_get_int(c, SOL_SOCKET, SO_ERROR));
	ASSERT_OK(xt_tcp_info_ext(c, &after));
	ASSERT_EQ(0ULL, (unsigned long long)after.bytes_acked);
	ASSERT_EQ(0ULL, (unsigned long long)after.bytes_received);
	ASSERT_EQ(0U, after.segs_out);
	ASSERT_EQ(0U, after.segs_in);
	ASSERT_EQ(0U, after.data_segs_out);
	ASSERT_EQ(0U, after.data_segs_in);
	ASSERT_EQ(0U, after.delivered);
	ASSERT_EQ(0U, after.ti.tcpi_total_retrans);
	close(s);

	exchange(_metadata, c, "127.0.0.2", &again);
	d = xt_socket();
	ASSERT_LE(0, d);
	exchange(_metadata, d, "127.0.0.3", &fresh);
	ASSERT_EQ(fresh.bytes_acked, again.bytes_acked);
	ASSERT_EQ(fresh.bytes_received, again.bytes_received);
	ASSERT_EQ(fresh.data_segs_out, again.data_segs_out);
	ASSERT_EQ(fresh.data_segs_in, again.data_segs_in);
	ASSERT_EQ(fresh.delivered, again.delivered);
	ASSERT_EQ(fresh.ti.tcpi_total_retrans, again.ti.tcpi_total_retrans);
	close(c);
	close(d);
}

TEST_HARNESS_MAIN
