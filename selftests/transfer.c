// SPDX-License-Identifier: GPL-2.0
/*
 * Data transfer: bulk one way and both ways (SHA-256 of what was sent and
 * received), many small writes, readv/writev, sendmsg/recvmsg, MSG_PEEK,
 * MSG_WAITALL, MSG_DONTWAIT, SO_RCVTIMEO, SO_SNDTIMEO, non-blocking sends
 * filling the buffer, splice and sendfile, and bulk across a veth pair
 * between namespaces.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

#include "xtcp_harness.h"

#define MB	((size_t)1024 * 1024)

FIXTURE(xfer) {
	int unused;
};

FIXTURE_SETUP(xfer)
{
	XT_INIT();
}

FIXTURE_TEARDOWN(xfer)
{
}

/* @len bytes from @from to @to (sender thread, receiver here), hashed. */
static void bulk(struct __test_metadata *_metadata, int from, int to,
		 size_t len, size_t wchunk, uint64_t seed)
{
	char why[256];

	ASSERT_EQ(0, xt_bulk(from, to, len, wchunk, seed, why, sizeof(why)))
		TH_LOG("%s", why);
}

/*
 * The transfers of megabytes take a second or two on Linux TCP, but far
 * longer under QEMU's emulation on a busy host: 60 s each, not the
 * harness's 15.
 */
TEST_F_TIMEOUT(xfer, one_way_4mb, 60)
{
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	bulk(_metadata, c, s, 4 * MB, 65536, 1);
}

/* Odd-sized writes, so segment and buffer boundaries fall everywhere. */
TEST_F_TIMEOUT(xfer, one_way_odd_writes, 60)
{
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	bulk(_metadata, s, c, 3 * MB + 7, 12345, 2);
}

/* 4 MB each way at the same time: four threads. */
TEST_F_TIMEOUT(xfer, both_ways_4mb, 60)
{
	struct xt_stream t1 = { .len = 4 * MB, .chunk = 65536, .seed = 3,
				.shut_wr = true };
	struct xt_stream t2 = { .len = 4 * MB, .chunk = 40000, .seed = 4,
				.shut_wr = true };
	struct xt_stream r1 = { .len = 4 * MB + 1, .chunk = 65536 };
	struct xt_stream r2 = { .len = 4 * MB + 1, .chunk = 30000 };
	uint8_t w1[32], w2[32];
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	t1.fd = c;
	r1.fd = s;
	t2.fd = s;
	r2.fd = c;
	ASSERT_OK(xt_start(&r1, xt_receiver));
	ASSERT_OK(xt_start(&r2, xt_receiver));
	ASSERT_OK(xt_start(&t1, xt_sender));
	ASSERT_OK(xt_start(&t2, xt_sender));
	ASSERT_EQ(0, xt_join(&t1));
	ASSERT_EQ(0, xt_join(&t2));
	ASSERT_EQ(0, xt_join(&r1));
	ASSERT_EQ(0, xt_join(&r2));
	ASSERT_EQ(0, t1.err);
	ASSERT_EQ(0, t2.err);
	ASSERT_EQ(0, r1.err);
	ASSERT_EQ(0, r2.err);
	ASSERT_EQ(4 * MB, r1.done);
	ASSERT_EQ(4 * MB, r2.done);
	xt_stream_digest(3, 4 * MB, w1);
	xt_stream_digest(4, 4 * MB, w2);
	ASSERT_EQ(0, memcmp(w1, r1.digest, 32));
	ASSERT_EQ(0, memcmp(w2, r2.digest, 32));
}

/* Many tiny writes (Nagle on), read in big reads: the bytes, in order. */
TEST_F(xfer, small_writes)
{
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	bulk(_metadata, c, s, 20000 * 3 + 1, 3, 5);
}

/*
 * Buffer autotuning: a bulk transfer over loopback grows the receiver's
 * SO_RCVBUF and the sender's SO_SNDBUF past the defaults (rmem[1],
 * wmem[1]) and no further than rmem[2], wmem[2]; buffers the program set
 * itself stay as set.  Linux TCP does the same.
 */
TEST_F_TIMEOUT(xfer, buffer_autotuning, 60)
{
	long rmem[3], wmem[3];
	int c, s, c2, s2;

	ASSERT_OK(xt_sysctl_mem("rmem", rmem));
	ASSERT_OK(xt_sysctl_mem("wmem", wmem));

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_EQ(rmem[1], xt_get_int(s, SOL_SOCKET, SO_RCVBUF));
	bulk(_metadata, c, s, 4 * MB, 65536, 8);
	TH_LOG("after 4 MB: receiver SO_RCVBUF %d, sender SO_SNDBUF %d",
	       xt_get_int(s, SOL_SOCKET, SO_RCVBUF),
	       xt_get_int(c, SOL_SOCKET, SO_SNDBUF));
	ASSERT_LT(rmem[1], xt_get_int(s, SOL_SOCKET, SO_RCVBUF));
	ASSERT_GE(rmem[2], xt_get_int(s, SOL_SOCKET, SO_RCVBUF));
	ASSERT_LT(wmem[1], xt_get_int(c, SOL_SOCKET, SO_SNDBUF));
	ASSERT_GE(wmem[2], xt_get_int(c, SOL_SOCKET, SO_SNDBUF));

	/* Set by the program (read back doubled): left alone. */
	ASSERT_OK(xt_pair(&c2, &s2));
	ASSERT_OK(xt_bufs(c2, 100000, 0));
	ASSERT_OK(xt_bufs(s2, 0, 100000));
	bulk(_metadata, c2, s2, 4 * MB, 65536, 9);
	ASSERT_EQ(200000, xt_get_int(s2, SOL_SOCKET, SO_RCVBUF));
	ASSERT_EQ(200000, xt_get_int(c2, SOL_SOCKET, SO_SNDBUF));
}

/*
 * The same with TCP_NODELAY: one segment per write.  5000 round trips
 * of the stacks take more than the default 30 s on the debug kernel.
 */
TEST_F_TIMEOUT(xfer, small_writes_nodelay, 120)
{
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(xt_set_int(c, IPPROTO_TCP, TCP_NODELAY, 1));
	bulk(_metadata, c, s, 5000 * 7, 7, 6);
}

/* writev() of three pieces, readv() into three differently cut pieces. */
TEST_F(xfer, writev_readv)
{
	char a[] = "first-", b[] = "second-", cc[] = "third";
	char r1[4], r2[10], r3[32];
	struct iovec wv[3] = {
		{ a, strlen(a) }, { b, strlen(b) }, { cc, strlen(cc) },
	};
	struct iovec rv[3] = {
		{ r1, sizeof(r1) }, { r2, sizeof(r2) }, { r3, sizeof(r3) },
	};
	size_t total = strlen(a) + strlen(b) + strlen(cc);
	char all[64];
	ssize_t n;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_EQ((ssize_t)total, writev(c, wv, 3));
	ASSERT_OK(shutdown(c, SHUT_WR));
	ASSERT_EQ(POLLIN, xt_poll1(s, POLLIN, 2000));
	/* All 18 bytes were written at once: one readv gets them. */
	n = readv(s, rv, 3);
	ASSERT_EQ((ssize_t)total, n);
	memcpy(all, r1, 4);
	memcpy(all + 4, r2, 10);
	memcpy(all + 14, r3, total - 14);
	ASSERT_EQ(0, memcmp(all, "first-second-third", total));
	ASSERT_EQ(0, readv(s, rv, 3));
}

/* sendmsg()/recvmsg() with iovecs; msg_flags on return. */
TEST_F(xfer, sendmsg_recvmsg)
{
	enum { N = 8, PIECE = 1000 };
	uint8_t out[N * PIECE], in[N * PIECE];
	struct iovec iov[N];
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = N };
	ssize_t n;
	int c, s, i;

	xt_pattern(out, sizeof(out), 9, 0);
	for (i = 0; i < N; i++) {
		iov[i].iov_base = out + i * PIECE;
		iov[i].iov_len = PIECE;
	}
	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_EQ((ssize_t)sizeof(out), sendmsg(c, &m, 0));

	memset(in, 0, sizeof(in));
	for (i = 0; i < N; i++) {
		iov[i].iov_base = in + (N - 1 - i) * PIECE;	/* reversed */
		iov[i].iov_len = PIECE;
	}
	m.msg_flags = -1;
	n = recvmsg(s, &m, MSG_WAITALL);
	ASSERT_EQ((ssize_t)sizeof(in), n);
	ASSERT_EQ(0, m.msg_flags);
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, memcmp(out + i * PIECE, in + (N - 1 - i) * PIECE,
				    PIECE));
}

/*
 * splice() moves bytes from the socket into a pipe and from a pipe into
 * the socket; sendfile() from a file too.  All of it arrives, in order;
 * with nothing to read a non-blocking socket says EAGAIN, and after the
 * peer's FIN splice() returns 0.
 */
TEST_F(xfer, splice_and_sendfile)
{
	/* Small enough for the buffers: each side waits for the other. */
	enum { LEN = 30000 };
	static uint8_t out[LEN], in[LEN];
	char path[] = "/tmp/xtcp-sendfile-XXXXXX";
	size_t got = 0;
	int c, s, p[2], f;
	off_t off = 0;
	ssize_t n;

	xt_pattern(out, sizeof(out), 21, 0);
	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(pipe(p));
	ASSERT_LT(0, fcntl(p[0], F_SETPIPE_SZ, 1 << 20));

	/* Socket to pipe. */
	ASSERT_EQ(LEN, xt_send_all(c, out, LEN));
	while (got < LEN) {
		n = splice(s, NULL, p[1], NULL, LEN - got, 0);
		ASSERT_LT(0, n) TH_LOG("splice: %s", strerror(errno));
		ASSERT_EQ(n, read(p[0], in + got, n));
		got += n;
	}
	ASSERT_EQ(0, memcmp(out, in, LEN));
	/* The socket's O_NONBLOCK says whether to wait (not the flag). */
	ASSERT_OK(xt_set_nonblock(s, true));
	ASSERT_ERRNO(splice(s, NULL, p[1], NULL, 100, SPLICE_F_NONBLOCK),
		     EAGAIN);
	ASSERT_OK(xt_set_nonblock(s, false));

	/* Pipe to socket. */
	ASSERT_EQ(4096, write(p[1], out, 4096));
	ASSERT_EQ(4096, splice(p[0], NULL, c, NULL, 4096, 0));
	ASSERT_EQ(4096, xt_recv_all(s, in, 4096));
	ASSERT_EQ(0, memcmp(out, in, 4096));

	/* File to socket. */
	f = mkstemp(path);
	ASSERT_LE(0, f);
	unlink(path);
	ASSERT_EQ(LEN, write(f, out, LEN));
	ASSERT_EQ(LEN, sendfile(c, f, &off, LEN));
	ASSERT_EQ(LEN, off);
	close(f);
	ASSERT_EQ(LEN, xt_recv_all(s, in, LEN));
	ASSERT_EQ(0, memcmp(out, in, LEN));

	ASSERT_OK(shutdown(c, SHUT_WR));
	ASSERT_EQ(0, splice(s, NULL, p[1], NULL, 100, 0));
	close(p[0]);
	close(p[1]);
	close(c);
	close(s);
}

/* MSG_PEEK leaves the bytes queued: the next read returns the same ones. */
TEST_F(xfer, msg_peek)
{
	char buf[16];
	int c, s, q;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_EQ(6, send(c, "abcdef", 6, 0));
	ASSERT_EQ(POLLIN, xt_poll1(s, POLLIN, 2000));
	ASSERT_EQ(6, recv(s, buf, sizeof(buf), MSG_PEEK));
	ASSERT_EQ(0, memcmp(buf, "abcdef", 6));
	ASSERT_EQ(3, recv(s, buf, 3, MSG_PEEK));
	ASSERT_EQ(0, memcmp(buf, "abc", 3));
	ASSERT_OK(ioctl(s, FIONREAD, &q));
	ASSERT_EQ(6, q);
	ASSERT_EQ(2, recv(s, buf, 2, 0));
	ASSERT_EQ(0, memcmp(buf, "ab", 2));
	ASSERT_EQ(4, recv(s, buf, sizeof(buf), MSG_PEEK));
	ASSERT_EQ(0, memcmp(buf, "cdef", 4));
	ASSERT_EQ(4, recv(s, buf, sizeof(buf), 0));
	ASSERT_EQ(0, memcmp(buf, "cdef", 4));
	ASSERT_OK(ioctl(s, FIONREAD, &q));
	ASSERT_EQ(0, q);
	ASSERT_ERRNO(recv(s, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT), EAGAIN);
}

struct paced {
	int fd, n, len, gap_ms, err;
	uint64_t seed;
};

static void *paced_sender(void *arg)
{
	struct paced *p = arg;
	char buf[4096];
	int i;

	for (i = 0; i < p->n; i++) {
		xt_msleep(p->gap_ms);
		xt_pattern(buf, p->len, p->seed, (uint64_t)i * p->len);
		if (xt_send_all(p->fd, buf, p->len) != p->len) {
			p->err = errno;
			break;
		}
	}
	return NULL;
}

/* MSG_WAITALL collects the full length across several separate writes. */
TEST_F(xfer, msg_waitall)
{
	struct paced p = { .n = 4, .len = 1000, .gap_ms = 50, .seed = 11 };
	char buf[4000], want[4000];
	pthread_t t;
	uint64_t t0;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	p.fd = c;
	t0 = xt_now_ms();
	ASSERT_EQ(0, pthread_create(&t, NULL, paced_sender, &p));
	ASSERT_EQ(4000, recv(s, buf, sizeof(buf), MSG_WAITALL));
	/* It waited for the last write, ~200 ms after the start. */
	ASSERT_LE(150ULL, xt_now_ms() - t0);
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(0, p.err);
	xt_pattern(want, sizeof(want), 11, 0);
	ASSERT_EQ(0, memcmp(buf, want, sizeof(want)));
}

/* MSG_WAITALL returns short at EOF. */
TEST_F(xfer, msg_waitall_eof)
{
	char buf[100];
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_EQ(10, send(c, "0123456789", 10, 0));
	ASSERT_OK(shutdown(c, SHUT_WR));
	ASSERT_EQ(10, recv(s, buf, sizeof(buf), MSG_WAITALL));
	ASSERT_EQ(0, recv(s, buf, sizeof(buf), MSG_WAITALL));
}

/* Nothing to read: MSG_DONTWAIT and O_NONBLOCK both say EAGAIN. */
TEST_F(xfer, dontwait_empty)
{
	char b;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_ERRNO(recv(s, &b, 1, MSG_DONTWAIT), EAGAIN);
	ASSERT_OK(xt_set_nonblock(s, true));
	ASSERT_ERRNO(recv(s, &b, 1, 0), EAGAIN);
	ASSERT_ERRNO(read(s, &b, 1), EAGAIN);
	/* Data arrives: now it reads. */
	ASSERT_EQ(1, send(c, "q", 1, 0));
	ASSERT_EQ(POLLIN, xt_poll1(s, POLLIN, 2000));
	ASSERT_EQ(1, recv(s, &b, 1, 0));
	ASSERT_ERRNO(recv(s, &b, 1, 0), EAGAIN);
}

/* SO_RCVTIMEO: a blocking read gives up with EAGAIN after the timeout. */
TEST_F(xfer, rcvtimeo)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 300000 };
	uint64_t t0, dt;
	char b;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	t0 = xt_now_ms();
	ASSERT_ERRNO(recv(s, &b, 1, 0), EAGAIN);
	dt = xt_now_ms() - t0;
	ASSERT_LE(280ULL, dt);
	ASSERT_GT(2000ULL, dt);
	/* The connection is fine afterwards. */
	ASSERT_EQ(1, send(c, "r", 1, 0));
	ASSERT_EQ(1, recv(s, &b, 1, 0));
}

/*
 * SO_SNDTIMEO with a peer that does not read: writes fill the buffers,
 * then a write blocks for the timeout and fails with EAGAIN (or returns
 * the part it queued).
 */
TEST_F(xfer, sndtimeo_full_buffer)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	static char buf[65536];
	uint64_t t0 = 0, dt = 0;
	size_t total = 0;
	ssize_t n = 0;
	int c, s, i;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	for (i = 0; i < 2000; i++) {
		t0 = xt_now_ms();
		n = send(c, buf, sizeof(buf), MSG_NOSIGNAL);
		dt = xt_now_ms() - t0;
		if (n < 0)
			break;
		total += n;
	}
	ASSERT_EQ(-1, n) TH_LOG("never blocked after %zu bytes", total);
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_LT(0U, total);
	ASSERT_LE(180ULL, dt);
	ASSERT_GT(2000ULL, dt);
	ASSERT_STATE(c, XTCP_ESTABLISHED);
	TH_LOG("%zu bytes queued before the buffers filled", total);
}

/*
 * A non-blocking sender fills the buffers until EAGAIN; it is then not
 * writable.  Once the peer drains everything, POLLOUT comes back and the
 * peer got exactly the bytes that were accepted.
 */
TEST_F(xfer, nonblocking_fill)
{
	size_t total = 0, got = 0;
	static uint8_t buf[65536];
	struct xt_sha256 hs, hr;
	uint8_t d1[32], d2[32];
	ssize_t n;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(xt_set_nonblock(c, true));
	xt_sha256_init(&hs);
	for (;;) {
		xt_pattern(buf, sizeof(buf), 12, total);
		n = send(c, buf, sizeof(buf), MSG_NOSIGNAL);
		if (n < 0)
			break;
		xt_sha256_update(&hs, buf, n);
		total += n;
		ASSERT_GT(256U * MB, total);
	}
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_LT(0U, total);
	ASSERT_EQ(0, xt_poll1(c, POLLOUT, 0));

	xt_sha256_init(&hr);
	while (got < total) {
		n = recv(s, buf, sizeof(buf), 0);
		ASSERT_LT(0, n);
		xt_sha256_update(&hr, buf, n);
		got += n;
	}
	ASSERT_EQ(total, got);
	ASSERT_ERRNO(recv(s, buf, 1, MSG_DONTWAIT), EAGAIN);
	xt_sha256_final(&hs, d1);
	xt_sha256_final(&hr, d2);
	ASSERT_EQ(0, memcmp(d1, d2, 32));
	ASSERT_EQ(POLLOUT, xt_poll1(c, POLLOUT, 2000));
}

/* Packets @dev sent, from /proc/net/dev of the current namespace. */
static long long dev_tx_packets(const char *dev)
{
	char line[512], name[32];
	long long v[16], found = -1;
	FILE *f = fopen("/proc/net/dev", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* name: rx bytes packets errs drop fifo frame compr mcast, tx... */
		if (sscanf(line, " %31[^:]: %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld",
			   name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7], &v[8], &v[9]) == 11 &&
		    !strcmp(name, dev))
			found = v[9];
	}
	fclose(f);
	return found;
}

enum veth_mode {
	VETH_OFFLOADS,		/* the device's defaults: TSO, GSO */
	VETH_NO_OFFLOAD,	/* tso, gso and tx checksums off */
	VETH_GSO_SYSCTL_OFF,	/* offloads on, net.xtcp.gso 0 (XTCP only) */
};

/*
 * A real link: 4 MB from namespace b to a over veth (MTU 1500).  The
 * sender's device counts packets, its stack counts segments (OutSegs):
 * with the device's offloads on, both stacks hand it GSO super-segments,
 * so far fewer packets than segments (4 segments a packet is a loose
 * bound: a full one holds 45); with them off, or with XTCP's gso sysctl
 * at 0, every segment is a packet of its own.
 */
static void veth_bulk(struct __test_metadata *_metadata, enum veth_mode mode)
{
	long long pkts, segs;
	struct tcp_info ti;
	struct xt_veth v;
	uint16_t port = 0;
	char why[128];
	int l, c, s;

	if (mode == VETH_NO_OFFLOAD && !xt_have_prog("ethtool"))
		SKIP(return, "ethtool not installed");
	if (mode == VETH_GSO_SYSCTL_OFF && xt_inet())
		SKIP(return, "net.xtcp.gso is XTCP's: Linux has no such knob");
	if (xt_veth_setup(&v, 1500, why, sizeof(why)))
		SKIP(return, "%s", why);
	if (mode == VETH_NO_OFFLOAD) {
		/* Every segment MSS-sized, every checksum really computed. */
		ASSERT_EQ(0, xt_sh("ethtool -K %s tso off gso off tx off",
				   v.dev_a));
		ASSERT_OK(xt_netns_enter(v.ns_b));
		ASSERT_EQ(0, xt_sh("ethtool -K %s tso off gso off tx off",
				   v.dev_b));
		ASSERT_OK(xt_netns_enter(v.ns_a));
	}
	l = xt_listener(v.ip_a, &port, 1);
	ASSERT_LE(0, l);
	ASSERT_OK(xt_netns_enter(v.ns_b));
	if (mode == VETH_GSO_SYSCTL_OFF)
		ASSERT_EQ(0, xt_sysctl_set("gso", "0"));
	pkts = dev_tx_packets(v.dev_b);
	segs = xt_mib("OutSegs");
	ASSERT_LE(0, pkts);
	ASSERT_LE(0, segs);
	c = xt_connect_to(v.ip_a, port);
	ASSERT_LE(0, c) TH_LOG("connect: %s", strerror(errno));
	ASSERT_OK(xt_netns_enter(v.ns_a));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	bulk(_metadata, c, s, 4 * MB, 65536, 13);
	/* The receiver measured the round trip (tcpi_rcv_rtt, in us). */
	ASSERT_OK(xt_tcp_info(s, &ti));
	ASSERT_LT(0U, ti.tcpi_rcv_rtt);
	ASSERT_OK(xt_netns_enter(v.ns_b));
	pkts = dev_tx_packets(v.dev_b) - pkts;
	segs = xt_mib("OutSegs") - segs;
	ASSERT_OK(xt_netns_enter(v.ns_a));
	TH_LOG("sender: %lld segments in %lld packets", segs, pkts);
	/* At least 4 MB in 1448-byte segments. */
	ASSERT_LE((long long)(4 * MB / 1448), segs);
	if (mode == VETH_OFFLOADS) {
		ASSERT_LT(4 * pkts, segs);
	} else {
		ASSERT_LE(segs, pkts);
	}
	xt_veth_free(&v);
}

/*
 * @dev's root qdisc's queue, in bytes and skbs: 0, or -1.  From tc's
 * JSON, whose numbers are exact (its text rounds some to "Kb").
 */
static int qdisc_backlog(const char *dev, long long *bytes, long long *pkts)
{
	char out[4096], *b, *q;

	if (xt_sh_out(out, sizeof(out), "tc -s -j qdisc show dev %s root",
		      dev))
		return -1;
	b = strstr(out, "\"backlog\":");
	q = strstr(out, "\"qlen\":");
	if (!b || !q || sscanf(b, "\"backlog\":%lld", bytes) != 1 ||
	    sscanf(q, "\"qlen\":%lld", pkts) != 1)
		return -1;
	return 0;
}

/* A connection over a veth whose sender's end holds its first flight. */
struct held_flight {
	struct xt_veth v;
	int l, c, s;
	long long flight;	/* bytes sent: the initial window */
	long long bytes, pkts;	/* what the qdisc holds */
};

/*
 * TSO and GSO off at b, and b's root qdisc @qdisc, which holds what b
 * sends, added once the connection is up (so that the RTT, which sizes
 * the skbs, is veth's); then @segs full segments sent from b, all in the
 * initial window, and seen in the qdisc, which tc counts in skbs and
 * bytes.
 */
static void hold_flight(struct __test_metadata *_metadata,
			struct held_flight *h, const char *qdisc, int segs)
{
	struct xt_tcp_info ti;
	uint16_t port = 0;
	char why[128];
	char *buf;
	int i;

	h->l = h->c = h->s = -1;
	if (!xt_have_prog("ethtool") || !xt_have_prog("tc"))
		SKIP(return, "ethtool or tc not installed");
	if (xt_veth_setup(&h->v, 1500, why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_OK(xt_netns_enter(h->v.ns_b));
	ASSERT_EQ(0, xt_sh("ethtool -K %s tso off gso off", h->v.dev_b));
	ASSERT_OK(xt_netns_enter(h->v.ns_a));
	h->l = xt_listener(h->v.ip_a, &port, 1);
	ASSERT_LE(0, h->l);
	ASSERT_OK(xt_netns_enter(h->v.ns_b));
	h->c = xt_connect_to(h->v.ip_a, port);
	ASSERT_LE(0, h->c) TH_LOG("connect: %s", strerror(errno));
	ASSERT_OK(xt_netns_enter(h->v.ns_a));
	h->s = accept(h->l, NULL, NULL);
	ASSERT_LE(0, h->s);
	ASSERT_OK(xt_netns_enter(h->v.ns_b));
	ASSERT_EQ(0, xt_sh("tc qdisc add dev %s root %s", h->v.dev_b, qdisc));
	ASSERT_OK(xt_tcp_info_ext(h->c, &ti));
	ASSERT_EQ(10U, ti.ti.tcpi_snd_cwnd);
	h->flight = segs * (long long)ti.ti.tcpi_snd_mss;
	buf = calloc(1, h->flight);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(h->flight, send(h->c, buf, h->flight, 0));
	free(buf);
	/* The flight reaches the qdisc at once; 1 s to see it there. */
	for (i = 0; i < 100; i++) {
		ASSERT_OK(qdisc_backlog(h->v.dev_b, &h->bytes, &h->pkts));
		if (h->bytes >= h->flight)
			break;
		usleep(10000);
	}
	ASSERT_LE(h->flight, h->bytes);
}

static void held_flight_free(struct held_flight *h)
{
	if (h->c >= 0)
		close(h->c);
	if (h->s >= 0)
		close(h->s);
	if (h->l >= 0)
		close(h->l);
	xt_veth_free(&h->v);
}

/*
 * The device's GSO off, the stack still hands the qdisc skbs of many
 * segments, which the device's software GSO cuts after it, as
 * sk_setup_caps() gives TCP.  One skb per segment instead, a qdisc that
 * releases them one at a time (tbf, netem) does so from whichever CPU
 * runs it, and veth queues each on that CPU's backlog: two CPUs'
 * backlogs put them out of order.  The held flight (and a loss probe's
 * segment, if one went) is in fewer skbs than segments.
 */
TEST_F_TIMEOUT(xfer, veth_gso_off_qdisc_sees_super_segments, 30)
{
	struct held_flight h;
	long long segs;

	/* netem lets go of the skbs' sockets: TSQ lets all 10 in. */
	hold_flight(_metadata, &h, "netem delay 3s limit 1000", 10);
	if (h.l < 0)
		return;		/* skipped */
	ASSERT_OK(xt_netns_enter(h.v.ns_a));
	/* 1514 bytes a full segment, with its Ethernet header. */
	segs = (h.bytes + 1513) / 1514;
	TH_LOG("the qdisc holds %lld bytes, %lld segments, in %lld skbs",
	       h.bytes, segs, h.pkts);
	ASSERT_LE(1, h.pkts);
	ASSERT_GT(segs, h.pkts);
	held_flight_free(&h);
}

/* Wait for the next retransmission timeout: 3 s at most. */
static void next_timeout(struct __test_metadata *_metadata)
{
	long long timeouts = xt_mib("TCPTimeouts");
	int i;

	for (i = 0; i < 300 && xt_mib("TCPTimeouts") == timeouts; i++)
		usleep(10000);
	ASSERT_LT(timeouts, xt_mib("TCPTimeouts"));
	/* Past the timer's work, which ran under the socket's lock. */
	usleep(20000);
}

/*
 * A segment whose last copy is still in this host's queue is not sent
 * again: neither the loss probe nor the retransmission timeout adds a
 * copy behind it (Linux's skb_still_in_host_queue(), counted as
 * TCPSpuriousRtxHostQueues).  A plug holds the skb, with its socket
 * (netem would orphan it, and of orphans only TCP's keep the socket:
 * XTCP could not tell its own there); two segments, so that TSQ lets
 * them all in as one skb.  The timeout still fires and backs off.  Once
 * the plug lets go, the flight arrives whole.
 */
TEST_F_TIMEOUT(xfer, veth_no_retransmit_while_in_host_queue, 30)
{
	long long timeouts, spurious, retrans, bytes = 0, pkts = 0;
	struct held_flight h;
	struct xt_tcp_info ti;
	char *buf;

	hold_flight(_metadata, &h, "plug limit 1000000", 2);
	if (h.l < 0)
		return;		/* skipped */
	timeouts = xt_mib("TCPTimeouts");
	spurious = xt_mib("TCPSpuriousRtxHostQueues");
	retrans = xt_mib("RetransSegs");
	/* The first timeout: RTO_min (200 ms) and more, well within 3 s. */
	next_timeout(_metadata);
	ASSERT_OK(qdisc_backlog(h.v.dev_b, &bytes, &pkts));
	ASSERT_OK(xt_tcp_info_ext(h.c, &ti));
	TH_LOG("%lld timeouts, %lld times held back; the qdisc holds %lld bytes in %lld skbs",
	       xt_mib("TCPTimeouts") - timeouts,
	       xt_mib("TCPSpuriousRtxHostQueues") - spurious, bytes, pkts);
	/* No copy of a segment added: only IPv6's own (MLD) may be. */
	ASSERT_GT(h.bytes + 1514, bytes);
	ASSERT_EQ(0U, ti.ti.tcpi_total_retrans);
	ASSERT_EQ(retrans, xt_mib("RetransSegs"));
	ASSERT_LT(spurious, xt_mib("TCPSpuriousRtxHostQueues"));
	ASSERT_EQ(0, xt_sh("tc qdisc change dev %s root plug release_indefinite",
			   h.v.dev_b));
	ASSERT_OK(xt_netns_enter(h.v.ns_a));
	buf = malloc(h.flight);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(h.flight, xt_recv_all(h.s, buf, h.flight));
	free(buf);
	held_flight_free(&h);
}

/*
 * The retransmission timer sends the head again and nothing else
 * (Linux's tcp_retransmit_timer()); while the head's copy is queued in
 * this host, not even the head.  The flight held, the timeout leaves a
 * window of one, with nothing in flight that counts.  Data written then
 * may use it: one new segment goes, as with Linux.  The next timeout
 * sends nothing: neither the head nor new data in its place.  Once the
 * plug lets go, everything arrives, in order.
 */
TEST_F_TIMEOUT(xfer, veth_timeout_sends_nothing_while_head_queued, 30)
{
	long long before = 0, after = 0, pkts = 0, more;
	struct xt_tcp_info ti;
	struct held_flight h;
	char *buf, *got;

	hold_flight(_metadata, &h, "plug limit 1000000", 2);
	if (h.l < 0)
		return;		/* skipped */
	next_timeout(_metadata);
	ASSERT_OK(xt_tcp_info_ext(h.c, &ti));
	ASSERT_EQ(1U, ti.ti.tcpi_snd_cwnd);
	ASSERT_EQ(2U, ti.ti.tcpi_unacked);
	more = 20 * (h.flight / 2);
	buf = malloc(more);
	ASSERT_NE(NULL, buf);
	memset(buf, 'm', more);
	ASSERT_EQ(more, send(h.c, buf, more, MSG_DONTWAIT));
	usleep(50000);
	ASSERT_OK(xt_tcp_info_ext(h.c, &ti));
	ASSERT_EQ(3U, ti.ti.tcpi_unacked) TH_LOG("one new segment goes");
	ASSERT_OK(qdisc_backlog(h.v.dev_b, &before, &pkts));
	next_timeout(_metadata);
	ASSERT_OK(qdisc_backlog(h.v.dev_b, &after, &pkts));
	ASSERT_OK(xt_tcp_info_ext(h.c, &ti));
	TH_LOG("the qdisc holds %lld bytes before the second timeout, %lld after",
	       before, after);
	ASSERT_EQ(3U, ti.ti.tcpi_unacked);
	ASSERT_EQ(0U, ti.ti.tcpi_total_retrans);
	/* Nothing added: only IPv6's own (MLD) may be. */
	ASSERT_GT(before + 1514, after);
	ASSERT_EQ(0, xt_sh("tc qdisc change dev %s root plug release_indefinite",
			   h.v.dev_b));
	ASSERT_OK(xt_netns_enter(h.v.ns_a));
	got = malloc(h.flight + more);
	ASSERT_NE(NULL, got);
	ASSERT_EQ(h.flight + more, xt_recv_all(h.s, got, h.flight + more));
	ASSERT_EQ(0, memcmp(got + h.flight, buf, more));
	free(got);
	free(buf);
	held_flight_free(&h);
}

TEST_F_TIMEOUT(xfer, veth_4mb, 60)
{
	veth_bulk(_metadata, VETH_OFFLOADS);
}

TEST_F_TIMEOUT(xfer, veth_4mb_no_offload, 60)
{
	veth_bulk(_metadata, VETH_NO_OFFLOAD);
}

TEST_F_TIMEOUT(xfer, veth_4mb_gso_sysctl_off, 60)
{
	veth_bulk(_metadata, VETH_GSO_SYSCTL_OFF);
}

TEST_HARNESS_MAIN
