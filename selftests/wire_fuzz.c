// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded segment fuzzing from the fake peer (wire_peer.h): random and
 * mutated segments (every flag, sequence and acknowledgment numbers near
 * the window and far from it, options valid and broken, bad data offsets
 * and checksums, payloads), first at a listener, then at an established
 * connection while the peer sends it a stream whose SHA-256 the reader
 * checks.  Whatever of the fuzz a stack takes must leave the stream
 * intact: a segment near the window carries the stream's own bytes for
 * its sequence numbers, and none that could end or reset the
 * connection (a RST or FIN, in the window) is sent.  After each phase
 * the listener still answers, and the kernel must log nothing
 * (scripts/vm fails a run that splats); the unload test after the suite
 * shows nothing was left held.
 *
 * XTCP_FUZZ_SEED (default 1) picks the sequence, printed in the log;
 * XTCP_FUZZ_SEGS (default 100000; make debug-test's run 500000) how
 * many segments, two in five at the listener.  The same runs against
 * Linux TCP (XTCP_TEST_FAMILY=inet).
 */
#include <pthread.h>

#include "wire_peer.h"

#define STREAM		(512 * 1024)
#define CHUNK		1000
#define FUZZ_SEED	0x584a4e4bULL
/* Peer ports no fuzzed segment comes from. */
#define FRESH_PORT	50001

struct rng {
	uint64_t s;
};

/* xorshift64*: a fixed sequence for a seed, the same everywhere. */
static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

/*
 * Up to 40 bytes of options, valid and broken mixed; with @plain no MD5
 * signature, which a connection without keys drops the segment for.
 */
static size_t fuzz_opts(struct rng *r, uint8_t *o, bool plain)
{
	size_t n = 0, max = below(r, 41);
	uint8_t t[40];
	size_t k, i;

	while (n < max) {
		k = 0;
		switch (below(r, 10)) {
		case 0:				/* EOL */
			t[k++] = 0;
			break;
		case 1:				/* NOP */
			t[k++] = 1;
			break;
		case 2:				/* MSS, any value */
			t[k++] = 2;
			t[k++] = 4;
			put16(t + k, below(r, 4) ? 1460 : rnd(r));
			k += 2;
			break;
		case 3:				/* window scale, up to 20 */
			t[k++] = 3;
			t[k++] = 3;
			t[k++] = below(r, 21);
			break;
		case 4:				/* SACK-permitted */
			t[k++] = 4;
			t[k++] = 2;
			break;
		case 5:				/* timestamps */
			t[k++] = 8;
			t[k++] = 10;
			put32(t + k, rnd(r));
			put32(t + k + 4, rnd(r));
			k += 8;
			break;
		case 6:				/* SACK blocks */
			i = 1 + below(r, 4);
			t[k++] = 5;
			t[k++] = 2 + 8 * i;
			while (i--) {
				put32(t + k, rnd(r));
				put32(t + k + 4, rnd(r));
				k += 8;
			}
			break;
		case 7:				/* MD5 signature, wrong */
			if (plain) {
				t[k++] = 1;
				break;
			}
			t[k++] = 19;
			t[k++] = 18;
			for (i = 0; i < 16; i++)
				t[k++] = rnd(r);
			break;
		case 8:				/* Fast Open cookie */
			i = below(r, 18);
			t[k++] = 34;
			t[k++] = 2 + i;
			while (i--)
				t[k++] = rnd(r);
			break;
		default:			/* any kind, any length */
			t[k++] = rnd(r);
			t[k++] = below(r, 4) ? below(r, 12) : rnd(r);
			i = below(r, 10);
			while (i--)
				t[k++] = rnd(r);
			break;
		}
		if (k > max - n)
			k = max - n;	/* cut off: broken on purpose */
		memcpy(o + n, t, k);
		n += k;
	}
	return n;
}

/*
 * One fuzzed segment from peer port @sport to @dport: the header with
 * @flags, @seq, @ack, options, a data offset that is mostly right, the
 * payload @data, and a checksum that is mostly right.  With @exact the
 * data offset stays right, or the payload's bytes would move: a
 * segment that must carry the stream's own bytes; and it has no MD5
 * option, so that it may be taken.
 */
static void fuzz_send(struct wire *w, struct rng *r, uint16_t sport,
		      uint16_t dport, uint8_t flags, uint32_t seq,
		      uint32_t ack, const uint8_t *data, size_t dlen,
		      bool exact)
{
	uint8_t seg[20 + 40 + 1500], opt[40];
	size_t olen = fuzz_opts(r, opt, exact), hl = 20 + (olen + 3) / 4 * 4;
	uint16_t keep = w->pport, ck;

	w->pport = sport;
	build(w, seg, dport, flags, seq, ack, rnd(r), opt, olen, data, dlen);
	w->pport = keep;
	if (flags & TH_URG)
		put16(seg + 18, rnd(r));
	if (!exact && !below(r, 10)) {
		seg[12] = (below(r, 16) << 4) | (seg[12] & 0x0f);
		fix_csum(w, seg, hl + dlen);
	}
	if (!below(r, 7)) {
		ck = rnd(r);
		memcpy(seg + 16, &ck, 2);
	}
	inject(w, seg, hl + dlen);
}

/* A connection a fresh peer port opens still gets its SYN-ACK. */
static void listener_answers(struct __test_metadata *_metadata,
			     struct wire *w, uint16_t port)
{
	uint8_t opt[4];
	size_t olen = syn_opts(opt, O_MSS, MTU_MSS, 0, 0);
	struct rx r;
	uint64_t end = xt_now_ms() + 3000;
	uint16_t keep = w->pport;

	w->pport = port;
	SEND_SEG(w, TH_SYN, PEER_ISS, 0, opt, olen, NULL, 0);
	w->pport = keep;
	for (;;) {
		ASSERT_EQ(0, rx_next(w, &r, (int)(end - xt_now_ms())))
			TH_LOG("no SYN-ACK to a fresh SYN after the fuzz");
		if (r.s.dport == port && r.s.flags == (TH_SYN | TH_ACK) &&
		    r.s.ack == PEER_ISS + 1)
			break;
	}
}

/*
 * Fuzz at the listener: SYNs among them make half-open connections,
 * then cookies; the rest get RSTs or nothing.  Ports 20000-39999 (the
 * tests' own peer port is 40000), the listener's mostly.
 */
static void fuzz_listener(struct __test_metadata *_metadata, struct wire *w,
			  struct rng *r, unsigned long segs)
{
	uint8_t data[200];
	unsigned long i;
	size_t k;

	listen_on(_metadata, w, 0);
	for (i = 0; i < segs; i++) {
		size_t dlen = below(r, 3) ? 0 : below(r, sizeof(data));

		for (k = 0; k < dlen; k++)
			data[k] = rnd(r);
		fuzz_send(w, r, 20000 + below(r, 20000),
			  below(r, 10) ? HPORT : below(r, 65536), rnd(r),
			  rnd(r), rnd(r), data, dlen, false);
		if (i % 64 == 63)
			rx_drain(w);
	}
	rx_drain(w);
	listener_answers(_metadata, w, FRESH_PORT);
	rx_drain(w);
	/* establish() makes its own listener. */
	close(w->lfd);
	w->lfd = -1;
}

/* The host's ACKs of the stream: the highest one and its window. */
struct peer_view {
	uint32_t base;		/* the stream's first sequence number */
	uint32_t acked;		/* bytes of it acknowledged */
	uint32_t wnd;		/* the window the host offers */
	uint64_t progress;	/* when acked last moved (ms) */
};

static void read_acks(struct wire *w, struct peer_view *v)
{
	struct rx r;

	while (!rx_next(w, &r, 0)) {
		uint32_t a = r.s.ack - v->base;

		if (r.s.sport != w->hport || r.s.dport != w->pport ||
		    !(r.s.flags & TH_ACK) || (r.s.flags & TH_RST))
			continue;
		if (a <= STREAM + 1 && a > v->acked) {
			v->acked = a;
			v->progress = xt_now_ms();
		}
		if (a == v->acked)
			v->wnd = r.s.win;
	}
}

/*
 * A fuzzed segment at the connection (or, one in four, at ports beside
 * it).  Near the window its payload is the stream's own bytes for its
 * sequence numbers, and it carries no RST, FIN or URG, which would
 * change what the reader gets: those only far from the window.  Half of
 * those near are plausible (ACK, an acceptable acknowledgment number),
 * so that the stack takes them: in order, out of order, overlapping
 * what came, beyond the window.
 */
static void fuzz_conn(struct wire *w, struct rng *r, const struct peer_view *v,
		      uint32_t sent)
{
	uint8_t data[1400];
	uint32_t off = 0, seq, ack;
	uint8_t flags = rnd(r);
	bool near = below(r, 5) < 3;
	size_t dlen = below(r, 2) ? 0 : below(r, sizeof(data));

	if (near) {
		int32_t d = (int32_t)below(r, 140000) - 70000;

		off = d < 0 && (uint32_t)-d > sent ? 0 : sent + d;
		if (off > STREAM)
			off = STREAM;
		if (dlen > STREAM - off)
			dlen = STREAM - off;
		seq = v->base + off;
		flags &= ~(TH_RST | TH_FIN | TH_URG);
		if (below(r, 2))
			flags = TH_ACK | (flags & (TH_PSH | TH_ECE | TH_CWR));
		xt_pattern(data, dlen, 77, off);
	} else {
		size_t k;

		seq = v->base + STREAM + 200000 + below(r, 0x7fffffff);
		for (k = 0; k < dlen; k++)
			data[k] = rnd(r);
	}
	if (near && flags == (TH_ACK | (flags & (TH_PSH | TH_ECE | TH_CWR))))
		ack = w->rcv_nxt;
	else
		ack = below(r, 2) ? w->rcv_nxt + below(r, 200) - 100 : rnd(r);
	fuzz_send(w, r, below(r, 4) ? w->pport : w->pport + 1 + below(r, 3),
		  below(r, 4) ? w->hport : w->hport + 1, flags, seq, ack,
		  data, dlen, near);
}

/*
 * Fuzz at an established connection while the peer sends it STREAM
 * bytes, in order within the host's window, going back to the last ACK
 * if none comes for 200 ms (a peer's retransmission).  Stuck means no
 * new byte acknowledged for STALL_MS while some are outstanding: the
 * fuzzing itself takes as long as the kernel needs (the debug kernel,
 * 500,000 segments: minutes).
 */
#define STALL_MS	60000

static void fuzz_established(struct __test_metadata *_metadata,
			     struct wire *w, struct rng *r,
			     unsigned long segs)
{
	struct xt_stream rx = { .len = STREAM + 1, .chunk = 65536 };
	struct peer_view v = { 0 };
	uint8_t chunk[CHUNK], want[32];
	uint32_t sent = 0, acked = 0;
	uint64_t deadline;

	establish(_metadata, w, 0, NULL);
	v.base = w->snd_nxt;
	v.wnd = 65535;
	v.progress = xt_now_ms();
	rx.fd = w->fd;
	ASSERT_OK(xt_start(&rx, xt_receiver));
	deadline = xt_now_ms() + STALL_MS;
	while (v.acked < STREAM || segs) {
		uint32_t n;
		int k;

		if (v.acked != acked) {
			acked = v.acked;
			deadline = xt_now_ms() + STALL_MS;
		}
		ASSERT_TRUE(v.acked == STREAM || deadline > xt_now_ms())
			TH_LOG("stuck: %u of %u acknowledged, none for %d s, %lu to fuzz",
			       v.acked, STREAM, STALL_MS / 1000, segs);
		read_acks(w, &v);
		/* The fuzz's own bytes may have filled the stream ahead. */
		if (v.acked > sent)
			sent = v.acked;
		for (k = 0; k < 4 && segs; k++, segs--)
			fuzz_conn(w, r, &v, sent);
		if (sent > v.acked && xt_now_ms() - v.progress > 200) {
			sent = v.acked;
			v.progress = xt_now_ms();
		}
		if (sent < STREAM && sent - v.acked < v.wnd &&
		    sent - v.acked < 32768) {
			n = STREAM - sent < CHUNK ? STREAM - sent : CHUNK;
			xt_pattern(chunk, n, 77, sent);
			SEND(w, TH_ACK | TH_PSH, v.base + sent, w->rcv_nxt,
			     chunk, n);
			sent += n;
		} else if (!segs) {
			xt_msleep(1);
		}
	}
	/* The end of the stream: the reader sees EOF. */
	SEND(w, TH_ACK | TH_FIN, v.base + STREAM, w->rcv_nxt, NULL, 0);
	ASSERT_EQ(0, xt_join(&rx));
	ASSERT_EQ(0, rx.err) TH_LOG("reader: %s", strerror(rx.err));
	ASSERT_EQ((size_t)STREAM, rx.done);
	xt_stream_digest(77, STREAM, want);
	ASSERT_EQ(0, memcmp(want, rx.digest, 32))
		TH_LOG("the stream arrived changed");
}

/* The limit is for the debug kernel's 500,000: 13 minutes there. */
TEST_F_TIMEOUT(wire, fuzz_segments, 2400)
{
	struct wire *w = &self->w;
	unsigned long seed = env_ul("XTCP_FUZZ_SEED", 1);
	unsigned long segs = env_ul("XTCP_FUZZ_SEGS", 100000);
	struct rng r = { .s = FUZZ_SEED ^ (seed * 0x9e3779b97f4a7c15ULL) };
	uint64_t t0 = xt_now_ms();

	TH_LOG("seed %lu, %lu segments", seed, segs);
	fuzz_listener(_metadata, w, &r, segs * 2 / 5);
	fuzz_established(_metadata, w, &r, segs - segs * 2 / 5);
	listener_answers(_metadata, w, FRESH_PORT + 1);
	TH_LOG("%llu ms", (unsigned long long)(xt_now_ms() - t0));
}

TEST_HARNESS_MAIN
