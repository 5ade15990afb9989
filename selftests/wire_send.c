// SPDX-License-Identifier: GPL-2.0
/*
 * Wire-level conformance against a fake peer (wire_peer.h): how the
 * sender lays out what the user writes.  PSH ends each write() and, in a
 * long one, each half of the peer's largest window; MSG_MORE holds a
 * partial segment back; a retransmission carries its original's flags.
 * Every expectation holds for Linux's TCP too (XTCP_TEST_FAMILY=inet).
 */
#include "wire_peer.h"
#include <pthread.h>

/*
 * Read data segments the host sends until @len bytes from @start arrived
 * in order, ACKing every second one with the window the peer offers; no
 * retransmission is expected.  The end of each segment with PSH, from
 * @start, goes to @psh_end (at most @max of them): returns their count.
 */
static int collect_data(struct __test_metadata *_metadata, struct wire *w,
			uint32_t start, uint32_t len, uint32_t *psh_end,
			int max)
{
	unsigned int unacked = 0;
	int n = 0;
	struct rx r;
	char b[256];

	while (w->rcv_nxt != start + len) {
		if (rx_next(w, &r, unacked ? 20 : 1000)) {
			ASSERT_NE(0U, unacked)
				TH_LOG("stalled at %u of %u bytes",
				       w->rcv_nxt - start, len);
			SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
			unacked = 0;
			continue;
		}
		rx_str(&r, b, sizeof(b));
		ASSERT_EQ(w->rcv_nxt, r.s.seq) TH_LOG("out of order: %s", b);
		ASSERT_NE(0U, r.s.plen) TH_LOG("%s", b);
		ASSERT_EQ(0, r.s.flags & ~(TH_ACK | TH_PSH)) TH_LOG("%s", b);
		w->rcv_nxt += r.s.plen;
		if (r.s.flags & TH_PSH) {
			ASSERT_GT(max, n) TH_LOG("too many PSH: %s", b);
			psh_end[n++] = w->rcv_nxt - start;
		}
		if (++unacked == 2) {
			SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
			unacked = 0;
		}
	}
	if (unacked)
		SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	return n;
}

/*
 * PSH goes on the last segment of each write() (RFC 9293 3.9.1 and
 * Linux's tcp_push()), however the write was cut into segments.  Where
 * else it goes here depends on how the sender cut the data into
 * super-segments, each of which also ends with PSH (Linux's
 * __tcp_transmit_skb(), for GRO at the receiver): the next test pins
 * that down where no super-segment can form.
 */
TEST_F(wire, psh_ends_each_write)
{
	static const uint32_t writes[] = { 10 * MTU_MSS, 3000, 1, 2 * MTU_MSS };
	static char buf[10 * MTU_MSS];
	struct wire *w = &self->w;
	uint32_t psh[16], start;
	unsigned int i;
	int n;

	establish(_metadata, w, 0, NULL);
	ASSERT_OK(xt_set_int(w->fd, IPPROTO_TCP, TCP_NODELAY, 1));
	memset(buf, 'p', sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(writes); i++) {
		start = w->rcv_nxt;
		ASSERT_EQ((ssize_t)writes[i], send(w->fd, buf, writes[i], 0));
		n = collect_data(_metadata, w, start, writes[i], psh,
				 ARRAY_SIZE(psh));
		ASSERT_LE(1, n) TH_LOG("write %u: no PSH", i);
		ASSERT_EQ(writes[i], psh[n - 1])
			TH_LOG("write %u: last PSH at %u of %u bytes", i,
			       psh[n - 1], writes[i]);
	}
}

/*
 * Within one write, PSH also goes on the segment that takes what was
 * queued since the last PSH past half the peer's largest window, so that
 * a receiver waiting for PSH is not left waiting for a whole window
 * (Linux's forced_push()).  The peer offers 2 segments: each skb then
 * holds one segment (no more than half the window, Linux's
 * tcp_bound_to_half_wnd()), so every second one has PSH, exactly.
 */
TEST_F(wire, psh_forced_every_half_window)
{
	const uint32_t len = 10 * MTU_MSS;
	static char buf[10 * MTU_MSS];
	struct wire *w = &self->w;
	uint32_t psh[16], start;
	int n, i;

	w->win = 2 * MTU_MSS;
	establish(_metadata, w, 0, NULL);
	memset(buf, 'f', sizeof(buf));
	start = w->rcv_nxt;
	ASSERT_EQ((ssize_t)len, send(w->fd, buf, len, 0));
	n = collect_data(_metadata, w, start, len, psh, ARRAY_SIZE(psh));
	ASSERT_EQ(5, n) TH_LOG("%d segments with PSH, wanted 5", n);
	for (i = 0; i < n; i++)
		ASSERT_EQ((uint32_t)(i + 1) * 2 * MTU_MSS, psh[i])
			TH_LOG("PSH %d ends at byte %u", i, psh[i]);
}

/*
 * MSG_MORE: a partial segment waits for the rest, which the next send()
 * without it completes: a full segment, then the rest with PSH.
 */
TEST_F(wire, msg_more_holds_partial_segment)
{
	struct wire *w = &self->w;
	char buf[1500];
	struct rx r;

	establish(_metadata, w, 0, NULL);
	memset(buf, 'm', sizeof(buf));
	ASSERT_EQ(1000, send(w->fd, buf, 1000, MSG_MORE));
	rx_none(_metadata, w, 100, "send(1000, MSG_MORE)");
	ASSERT_EQ(500, send(w->fd, buf, 500, 0));
	rx_expect(_metadata, w, &r, 1000, "a full segment");
	check_seg(_metadata, w, &r, TH_ACK, w->rcv_nxt, w->snd_nxt, MTU_MSS);
	rx_expect(_metadata, w, &r, 1000, "the rest of the 1500 bytes");
	check_seg(_metadata, w, &r, TH_ACK | TH_PSH, w->rcv_nxt + MTU_MSS,
		  w->snd_nxt, 1500 - MTU_MSS);
	w->rcv_nxt += 1500;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
}

/*
 * A held segment is not held for ever: with nothing in flight to clock
 * it out, the probe timer sends it about an RTO later (at least 200 ms),
 * with PSH as any window probe (Linux's tcp_write_wakeup()).
 */
TEST_F(wire, msg_more_without_sequel_goes_after_rto)
{
	struct wire *w = &self->w;
	char buf[1000];
	uint64_t t0;
	struct rx r;

	establish(_metadata, w, 0, NULL);
	memset(buf, 'm', sizeof(buf));
	t0 = xt_now_ms();
	ASSERT_EQ(1000, send(w->fd, buf, 1000, MSG_MORE));
	rx_expect(_metadata, w, &r, 3000, "the held segment");
	check_seg(_metadata, w, &r, TH_ACK | TH_PSH, w->rcv_nxt, w->snd_nxt,
		  1000);
	TH_LOG("held for %llu ms", (unsigned long long)(r.t - t0));
	ASSERT_LE(190ULL, r.t - t0);
	w->rcv_nxt += 1000;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
}

/*
 * Retransmissions, by loss probe or timeout, carry the flags their
 * originals had: a write of 2000 bytes is a full segment without PSH and
 * 540 bytes with it, however often either is resent.
 */
TEST_F(wire, retransmission_keeps_psh)
{
	struct wire *w = &self->w;
	bool head = false, tail = false;
	uint32_t s0;
	char buf[2000], b[256];
	struct rx r;

	establish(_metadata, w, 0, NULL);
	ASSERT_OK(xt_set_int(w->fd, IPPROTO_TCP, TCP_NODELAY, 1));
	memset(buf, 'r', sizeof(buf));
	s0 = w->rcv_nxt;
	ASSERT_EQ(2000, send(w->fd, buf, 2000, 0));
	rx_expect(_metadata, w, &r, 1000, "the first segment");
	check_seg(_metadata, w, &r, TH_ACK, s0, w->snd_nxt, MTU_MSS);
	rx_expect(_metadata, w, &r, 1000, "the second segment");
	check_seg(_metadata, w, &r, TH_ACK | TH_PSH, s0 + MTU_MSS, w->snd_nxt,
		  2000 - MTU_MSS);

	/* No ACK: the loss probe and the RTO resend both, as they were. */
	while (!head || !tail) {
		rx_expect(_metadata, w, &r, 3000, "a retransmission");
		rx_str(&r, b, sizeof(b));
		if (r.s.seq == s0 && !head) {
			check_seg(_metadata, w, &r, TH_ACK, s0, w->snd_nxt,
				  MTU_MSS);
			head = true;
			/* The head arrived: now only the tail is missing. */
			SEND(w, TH_ACK, w->snd_nxt, s0 + MTU_MSS, NULL, 0);
		} else if (r.s.seq == s0 + MTU_MSS) {
			check_seg(_metadata, w, &r, TH_ACK | TH_PSH,
				  s0 + MTU_MSS, w->snd_nxt, 2000 - MTU_MSS);
			tail = head;
		} else {
			ASSERT_TRUE(0) TH_LOG("unexpected: %s", b);
		}
	}
	w->rcv_nxt = s0 + 2000;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
}

/*
 * MSG_EOR ends a record: later data is not appended to its last skb, so
 * it never shares a segment with what follows.  Corked, two writes of
 * 100 bytes leave as one segment of 200; with MSG_EOR on the first, as
 * two of 100, the first as soon as the second is queued (only the last
 * skb waits for the cork), each with PSH.
 */
TEST_F(wire, msg_eor_ends_segment)
{
	struct wire *w = &self->w;
	char buf[100];
	struct rx r;
	int eor;

	establish(_metadata, w, 0, NULL);
	memset(buf, 'e', sizeof(buf));
	for (eor = 0; eor < 2; eor++) {
		ASSERT_OK(xt_set_int(w->fd, IPPROTO_TCP, TCP_CORK, 1));
		ASSERT_EQ(100, send(w->fd, buf, 100, eor ? MSG_EOR : 0));
		ASSERT_EQ(100, send(w->fd, buf, 100, 0));
		if (eor) {
			rx_expect(_metadata, w, &r, 1000, "the record");
			check_seg(_metadata, w, &r, TH_ACK | TH_PSH, w->rcv_nxt,
				  w->snd_nxt, 100);
			w->rcv_nxt += 100;
			SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
		}
		rx_none(_metadata, w, 50, "corked data");
		ASSERT_OK(xt_set_int(w->fd, IPPROTO_TCP, TCP_CORK, 0));
		rx_expect(_metadata, w, &r, 1000, "the corked data");
		check_seg(_metadata, w, &r, TH_ACK | TH_PSH, w->rcv_nxt,
			  w->snd_nxt, eor ? 100 : 200);
		w->rcv_nxt += eor ? 100 : 200;
		SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	}
}

struct blocking_write {
	int fd;
	size_t len;
	ssize_t ret;
	int err;
	uint64_t done;		/* when write() returned (ms) */
};

static void *blocking_writer(void *arg)
{
	static char buf[61000];
	struct blocking_write *bw = arg;

	memset(buf, 'b', sizeof(buf));
	bw->ret = write(bw->fd, buf, bw->len);
	bw->err = errno;
	bw->done = xt_now_ms();
	return NULL;
}

/*
 * A blocking write() returns once everything is queued, however many
 * times it slept for buffer space: not with what it had queued when an
 * ACK woke it.  Linux's blocking-write case: the peer's MSS is 1000, the
 * send buffer 42000 (SO_SNDBUF 21000, doubled), its window 50000; a
 * write of 61000 bytes sleeps, and the third of three ACKs 100 ms apart
 * frees the room for the rest.
 */
TEST_F(wire, blocking_write_returns_all)
{
	const uint32_t acks[] = { 10000, 30000, 36000 };
	struct blocking_write bw = { .len = 61000 };
	struct wire *w = &self->w;
	uint32_t start, got = 0;
	uint8_t opt[40];
	size_t olen;
	pthread_t th;
	uint64_t t0;
	struct rx r;
	unsigned int i;

	w->win = 50000;
	listen_on(_metadata, w, 0);
	olen = syn_opts(opt, O_MSS | O_WS, 1000, 0, 0);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &r);
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, w->fd) TH_LOG("accept: %s", strerror(errno));
	ASSERT_OK(xt_bufs(w->fd, 21000, 0));
	ASSERT_EQ(42000, xt_get_int(w->fd, SOL_SOCKET, SO_SNDBUF));

	start = w->rcv_nxt;
	bw.fd = w->fd;
	ASSERT_EQ(0, pthread_create(&th, NULL, blocking_writer, &bw));
	t0 = xt_now_ms();
	for (i = 0; i < ARRAY_SIZE(acks); i++) {
		uint64_t until = t0 + 100 * (i + 1), now;

		/* Take what comes for 100 ms, then ACK part of it. */
		while ((now = xt_now_ms()) < until &&
		       !rx_next(w, &r, until - now))
			if (r.s.plen && r.s.seq == start + got)
				got += r.s.plen;
		SEND(w, TH_ACK, w->snd_nxt, start + (got < acks[i] ? got :
						     acks[i]), NULL, 0);
	}
	/* Then every byte: the write must have queued them all. */
	while (got < bw.len) {
		if (rx_next(w, &r, 1000))
			break;
		if (r.s.plen && r.s.seq == start + got)
			got += r.s.plen;
		SEND(w, TH_ACK, w->snd_nxt, start + got, NULL, 0);
	}
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_EQ((ssize_t)bw.len, bw.ret)
		TH_LOG("write() returned %zd (%s)", bw.ret, strerror(bw.err));
	ASSERT_EQ(bw.len, got);
	TH_LOG("write() returned after %llu ms",
	       (unsigned long long)(bw.done - t0));
}

TEST_HARNESS_MAIN
