// SPDX-License-Identifier: GPL-2.0
/*
 * The bad-network matrix: two namespaces joined by a veth pair with
 * `tc netem` on both ends (loss, CE marks for ECN, delay and jitter,
 * reordering, duplication, corruption, a rate limit with a small queue,
 * and a mix).
 * Each case moves data both ways at once and asserts that the bytes are
 * identical (SHA-256), that the transfer ends within a generous bound,
 * and, where netem dropped or corrupted packets, that the senders
 * retransmitted (tcpi_total_retrans).  In inet mode the same matrix runs
 * on Linux TCP, the reference.
 *
 * Each case logs its time and retransmissions: those are figures to
 * compare, not pass/fail limits.
 *
 * And TCP Small Queues: a sender behind a deep, slow local queue keeps
 * little of its window in it.
 */
#include <linux/sock_diag.h>
#include "xtcp_harness.h"

#define KB	1024
#define MB	(1024 * 1024)

FIXTURE(netem) {
	struct xt_veth v;
	bool have_veth;
};

FIXTURE_VARIANT(netem) {
	const char *netem;	/* netem arguments, applied on both ends */
	size_t len;		/* bytes each way */
	bool lossy;		/* netem drops or corrupts: expect retransmits */
	/*
	 * netem marks ECN-capable packets CE where it would drop them, and
	 * the client asks for ECN (the ecn sysctl 1; the server's 2
	 * agrees): each side must see ECEs and reduce for them.
	 */
	bool ecn;
	unsigned int bound_s;	/* generous time limit */
	/*
	 * If set, the impairment ends this long after the transfer starts
	 * (both qdiscs are removed), so that a chain of timeouts that luck
	 * has let back off still ends within the bound: see loss_20pct.
	 */
	unsigned int heal_s;
	/*
	 * Why the reference (Linux TCP) is not asked, if it is not: a
	 * named exception, listed in selftests/expected-skips.
	 */
	const char *not_linux;
};

FIXTURE_VARIANT_ADD(netem, loss_1pct) {
	.netem = "loss 1%", .len = 4 * MB, .lossy = true, .bound_s = 90,
};

FIXTURE_VARIANT_ADD(netem, loss_5pct) {
	.netem = "loss 5%", .len = 2 * MB, .lossy = true, .bound_s = 120,
};

/*
 * A fifth of the packets lost each way: retransmissions are lost too, and
 * the timeouts back off.  A retransmission and its ACK both get through
 * with probability 0.64, so a run of k timeouts in a row has probability
 * 0.36^k, and k of them take 0.2 s * (2^k - 1).  With about 20 chains of
 * timeouts per run, 8 in a row (51 s, then a wait of another 51 s) came
 * about once in 200 runs: to both stacks, Linux TCP in one run of four
 * (its runs take longer), XTCP once in CI (backoff 9, after 145 s still
 * in CLOSING with the tail unacknowledged).  That is RFC 6298's backoff,
 * not a stall, and no bound short of the retry limit would hold for it.
 * So the loss stops after 45 s: the pending timeout then fires at most
 * 2 * 45 s after its chain began, and the rest goes at once.  Runs take
 * 5 to 23 s, so nearly all see the loss throughout; one that needed the
 * heal says so in its log.
 */
FIXTURE_VARIANT_ADD(netem, loss_20pct) {
	.netem = "loss 20%", .len = 512 * KB, .lossy = true, .bound_s = 150,
	.heal_s = 45,
};

/*
 * netem marks a fifth of the ECT packets CE (and drops a fifth of the
 * rest: ACKs, SYNs, retransmissions).  Over veth a packet is often a
 * 64 KB super-segment, so 4 MB each way is only some 64 packets: at 1%
 * many runs would see no mark at all; at 20% a direction goes unmarked
 * with probability 0.8^64, about 10^-6.
 */
FIXTURE_VARIANT_ADD(netem, loss_20pct_ecn) {
	.netem = "loss 20% ecn", .len = 4 * MB, .bound_s = 90, .ecn = true,
};

FIXTURE_VARIANT_ADD(netem, delay_50ms_jitter_10ms) {
	.netem = "delay 50ms 10ms", .len = 2 * MB, .bound_s = 90,
};

FIXTURE_VARIANT_ADD(netem, reorder_25pct) {
	.netem = "delay 10ms reorder 25% 50%", .len = 2 * MB, .bound_s = 90,
};

FIXTURE_VARIANT_ADD(netem, duplicate_10pct) {
	.netem = "duplicate 10%", .len = 4 * MB, .bound_s = 90,
};

FIXTURE_VARIANT_ADD(netem, corrupt_2pct) {
	.netem = "corrupt 2%", .len = 2 * MB, .lossy = true, .bound_s = 120,
};

FIXTURE_VARIANT_ADD(netem, rate_10mbit_small_queue) {
	.netem = "rate 10mbit limit 20", .len = 2 * MB, .bound_s = 90,
};

FIXTURE_VARIANT_ADD(netem, mix) {
	.netem = "delay 20ms 5ms loss 2% duplicate 2% reorder 10% corrupt 1%",
	.len = 2 * MB, .lossy = true, .bound_s = 150,
};

/*
 * While a transfer runs, every 5 s: each side's TCP_INFO, so that a case
 * that stalls shows where (window, cwnd, backoff) before the harness's
 * timeout kills it.
 */
struct monitor {
	int c, s;
	volatile bool done;
	pthread_t thr;
	const struct xt_veth *v;
	unsigned int heal_s;	/* 0, or when to remove both qdiscs */
	bool healed;
	bool heal_err;
};

static void show_info(const char *who, int fd)
{
	struct tcp_info ti;

	if (xt_tcp_info(fd, &ti))
		return;
	fprintf(stderr, "#   %s: st %u ca %u cwnd %u ssthresh %u unacked %u sacked %u lost %u retrans %u/%u backoff %u rto %u us rcv_space %u total_retrans %u\n",
		who, ti.tcpi_state, ti.tcpi_ca_state, ti.tcpi_snd_cwnd,
		ti.tcpi_snd_ssthresh, ti.tcpi_unacked, ti.tcpi_sacked,
		ti.tcpi_lost, ti.tcpi_retrans, ti.tcpi_retransmits,
		ti.tcpi_backoff, ti.tcpi_rto, ti.tcpi_rcv_space,
		ti.tcpi_total_retrans);
}

/*
 * Remove the impairment on both ends.  setns() moves only this thread,
 * which began in the first namespace, as the test's thread did.
 */
static void heal(struct monitor *m)
{
	fprintf(stderr, "# after %u s: the loss ends (a chain of timeouts backed off); both ends now:\n",
		m->heal_s);
	show_info("client", m->c);
	show_info("server", m->s);
	m->heal_err = xt_sh("tc qdisc del dev %s root", m->v->dev_a) ||
		      xt_netns_enter(m->v->ns_b) ||
		      xt_sh("tc qdisc del dev %s root", m->v->dev_b) ||
		      xt_netns_enter(m->v->ns_a);
	m->healed = true;
}

static void *monitor_run(void *arg)
{
	struct monitor *m = arg;
	unsigned int i;

	for (i = 1; !m->done; i++) {
		xt_msleep(100);
		if (m->done)
			break;
		if (m->heal_s && i == m->heal_s * 10)
			heal(m);
		if (i % 50)
			continue;
		fprintf(stderr, "# after %u s:\n", i / 10);
		show_info("client", m->c);
		show_info("server", m->s);
	}
	return NULL;
}

/* Packets the qdiscs on dev dropped (netem's loss, or a full queue). */
static long long qdisc_drops(const char *dev)
{
	char out[4096];
	long long sum = 0;
	const char *p;

	if (xt_sh_out(out, sizeof(out), "tc -s qdisc show dev %s 2>/dev/null",
		      dev))
		return -1;
	for (p = out; (p = strstr(p, "dropped ")); p += 8)
		sum += atoll(p + 8);
	return sum;
}

static void log_counters(struct __test_metadata *_metadata, const char *who)
{
	TH_LOG("%s: RetransSegs %lld: fast %lld (recoveries %lld), timeouts %lld (after them %lld), loss probes %lld, lost retransmits %lld; receiver dropped %lld in order, %lld out of order",
	       who, xt_mib("RetransSegs"), xt_mib("TCPFastRetrans"),
	       xt_mib("TCPSackRecovery") + xt_mib("TCPRenoRecovery"),
	       xt_mib("TCPTimeouts"), xt_mib("TCPSlowStartRetrans"),
	       xt_mib("TCPLossProbes"), xt_mib("TCPLostRetransmit"),
	       xt_mib("TCPRcvQDrop"), xt_mib("TCPOFODrop"));
}

FIXTURE_SETUP(netem)
{
	char why[128];

	XT_INIT();
	if (xt_inet() && variant->not_linux)
		SKIP(return, "not asked of Linux TCP: %s", variant->not_linux);
	if (!xt_have_prog("tc"))
		SKIP(return, "tc (iproute2) not installed");
	if (xt_veth_setup(&self->v, 1500, why, sizeof(why)))
		SKIP(return, "%s", why);
	self->have_veth = true;
	/* The same impairment leaves each end. */
	ASSERT_EQ(0, xt_sh("tc qdisc add dev %s root netem %s",
			   self->v.dev_a, variant->netem));
	ASSERT_OK(xt_netns_enter(self->v.ns_b));
	ASSERT_EQ(0, xt_sh("tc qdisc add dev %s root netem %s",
			   self->v.dev_b, variant->netem));
	/*
	 * The client, in the second namespace, asks for ECN, and goes on
	 * asking when netem drops its SYN (a SYN is never ECT): with the
	 * fallback, one run in five would end without ECN.
	 */
	if (variant->ecn) {
		ASSERT_OK(xt_sysctl_set("ecn", "1"));
		ASSERT_OK(xt_sysctl_set("ecn_fallback", "0"));
	}
	ASSERT_OK(xt_netns_enter(self->v.ns_a));
}

FIXTURE_TEARDOWN(netem)
{
	if (self->have_veth)
		xt_veth_free(&self->v);
}

FIXTURE(netem_tsq) {
	struct xt_veth v;
	bool have_veth;
};

FIXTURE_SETUP(netem_tsq)
{
	char why[128];

	XT_INIT();
	if (!xt_have_prog("tc"))
		SKIP(return, "tc (iproute2) not installed");
	if (xt_veth_setup(&self->v, 1500, why, sizeof(why)))
		SKIP(return, "%s", why);
	self->have_veth = true;
}

FIXTURE_TEARDOWN(netem_tsq)
{
	if (self->have_veth)
		xt_veth_free(&self->v);
}

TEST_F_TIMEOUT(netem, bulk_both_ways, 180)
{
	struct xt_stream t1 = { .len = variant->len, .chunk = 65536,
				.seed = 11, .shut_wr = true };
	struct xt_stream t2 = { .len = variant->len, .chunk = 40000,
				.seed = 12, .shut_wr = true };
	struct xt_stream r1 = { .len = variant->len + 1, .chunk = 65536 };
	struct xt_stream r2 = { .len = variant->len + 1, .chunk = 30000 };
	struct monitor mon = {};
	struct xt_tcp_info cx, sx;
	struct tcp_info ci, si;
	uint8_t w1[32], w2[32];
	long long drops, lost;
	uint16_t port = 0;
	uint64_t t0, ms;
	int l, c, s;

	l = xt_listener(self->v.ip_a, &port, 1);
	ASSERT_LE(0, l);
	ASSERT_OK(xt_netns_enter(self->v.ns_b));
	c = xt_connect_to(self->v.ip_a, port);
	ASSERT_LE(0, c) TH_LOG("connect: %s", strerror(errno));
	ASSERT_OK(xt_netns_enter(self->v.ns_a));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);

	t1.fd = c;
	r1.fd = s;
	t2.fd = s;
	r2.fd = c;
	mon.c = c;
	mon.s = s;
	mon.v = &self->v;
	mon.heal_s = variant->heal_s;
	ASSERT_OK(pthread_create(&mon.thr, NULL, monitor_run, &mon));
	t0 = xt_now_ms();
	ASSERT_OK(xt_start(&r1, xt_receiver));
	ASSERT_OK(xt_start(&r2, xt_receiver));
	ASSERT_OK(xt_start(&t1, xt_sender));
	ASSERT_OK(xt_start(&t2, xt_sender));
	ASSERT_OK(xt_join(&t1));
	ASSERT_OK(xt_join(&t2));
	ASSERT_OK(xt_join(&r1));
	ASSERT_OK(xt_join(&r2));
	ms = xt_now_ms() - t0;

	ASSERT_EQ(0, t1.err) TH_LOG("client send: %s", strerror(t1.err));
	ASSERT_EQ(0, t2.err) TH_LOG("server send: %s", strerror(t2.err));
	ASSERT_EQ(0, r1.err) TH_LOG("server recv: %s", strerror(r1.err));
	ASSERT_EQ(0, r2.err) TH_LOG("client recv: %s", strerror(r2.err));
	ASSERT_EQ(variant->len, r1.done);
	ASSERT_EQ(variant->len, r2.done);
	xt_stream_digest(11, variant->len, w1);
	xt_stream_digest(12, variant->len, w2);
	ASSERT_EQ(0, memcmp(w1, r1.digest, 32));
	ASSERT_EQ(0, memcmp(w2, r2.digest, 32));

	ASSERT_OK(xt_tcp_info(c, &ci));
	ASSERT_OK(xt_tcp_info(s, &si));
	TH_LOG("%s: %zu KB each way in %llu ms; retransmitted: client %u, server %u",
	       variant->netem, variant->len / KB, (unsigned long long)ms,
	       ci.tcpi_total_retrans, si.tcpi_total_retrans);
	ASSERT_GE((uint64_t)variant->bound_s * 1000, ms);
	/* Where the retransmissions came from: each namespace's counters. */
	log_counters(_metadata, "server");
	drops = qdisc_drops(self->v.dev_a);
	lost = drops + xt_mib("InCsumErrors");
	TH_LOG("server side qdisc dropped %lld", drops);
	ASSERT_OK(xt_netns_enter(self->v.ns_b));
	log_counters(_metadata, "client");
	drops = qdisc_drops(self->v.dev_b);
	lost += drops + xt_mib("InCsumErrors");
	TH_LOG("client side qdisc dropped %lld", drops);
	ASSERT_OK(xt_netns_enter(self->v.ns_a));
	/*
	 * netem dropped or corrupted data segments: the senders
	 * retransmitted.  What was lost is what one end sent and the other
	 * never counted: a corrupted or dropped pure ACK needs no resend, so
	 * the qdisc and checksum counters alone cannot say (seen: corrupt
	 * 2%, two bad checksums, both on ACKs).  Over veth both stacks send
	 * 64 KB GSO super-packets, so few that 1% loss can miss every one.
	 * A duplicate can hide a loss from this sum; never the reverse.
	 */
	ASSERT_OK(xt_tcp_info_ext(c, &cx));
	ASSERT_OK(xt_tcp_info_ext(s, &sx));
	TH_LOG("data segments: client sent %u, server got %u; server sent %u, client got %u; %lld packets dropped or corrupted",
	       cx.data_segs_out, sx.data_segs_in, sx.data_segs_out,
	       cx.data_segs_in, lost);
	if (variant->lossy && (sx.data_segs_in < cx.data_segs_out ||
			       cx.data_segs_in < sx.data_segs_out))
		ASSERT_LT(0U, ci.tcpi_total_retrans + si.tcpi_total_retrans);
	/*
	 * Both FINs arrived (the receivers saw EOF); the closing handshake
	 * finishes through the same impairment: each fd reads CLOSE (a
	 * connection in TIME_WAIT does too, as on Linux).  Waiting here also
	 * keeps a FIN retransmitting into the torn-down link from outliving
	 * the test.
	 */
	ASSERT_EQ(XTCP_CLOSE, xt_wait_state(c, XTCP_CLOSE, 60000));
	ASSERT_EQ(XTCP_CLOSE, xt_wait_state(s, XTCP_CLOSE, 60000));
	/* The heal, if due, covers the closing handshake too. */
	mon.done = true;
	pthread_join(mon.thr, NULL);
	if (mon.healed) {
		ASSERT_FALSE(mon.heal_err);
		TH_LOG("the loss ended after %u s: this run had a long chain of timeouts",
		       variant->heal_s);
	}
	/* All acknowledged: the scoreboard is empty on both ends. */
	ASSERT_OK(xt_tcp_info(c, &ci));
	ASSERT_OK(xt_tcp_info(s, &si));
	ASSERT_EQ(0U, ci.tcpi_unacked + ci.tcpi_sacked + ci.tcpi_lost +
		      ci.tcpi_retrans);
	ASSERT_EQ(0U, si.tcpi_unacked + si.tcpi_sacked + si.tcpi_lost +
		      si.tcpi_retrans);
	/*
	 * Every data segment reached the peer (counted only now: the last
	 * ACKs may still have been on their way when the reader finished),
	 * and a delivery rate was sampled.
	 */
	ASSERT_OK(xt_tcp_info_ext(c, &cx));
	ASSERT_OK(xt_tcp_info_ext(s, &sx));
	/*
	 * An exception for the reference: Linux's tcpi_delivered can fall
	 * short of the segments sent when the path reorders (1432 and 1434
	 * of 1449 seen with netem delay 50ms 10ms, even adding every
	 * retransmission), so there it must only have counted something.
	 * XTCP counts each segment once, when it is first ACKed or SACKed.
	 */
	if (xt_inet()) {
		ASSERT_LT(0U, cx.delivered);
		ASSERT_LT(0U, sx.delivered);
	} else {
		ASSERT_LE(variant->len / ci.tcpi_snd_mss, cx.delivered);
		ASSERT_LE(variant->len / si.tcpi_snd_mss, sx.delivered);
	}
	ASSERT_LT(0ULL, (unsigned long long)cx.delivery_rate);
	ASSERT_LT(0ULL, (unsigned long long)sx.delivery_rate);
	/*
	 * With ECN, the CE marks came back as ECEs both ways: some of
	 * each side's data was acknowledged with ECE.
	 */
	if (variant->ecn) {
		ASSERT_EQ(TCPI_OPT_ECN, ci.tcpi_options & TCPI_OPT_ECN);
		ASSERT_EQ(TCPI_OPT_ECN, si.tcpi_options & TCPI_OPT_ECN);
		ASSERT_LT(0U, cx.delivered_ce);
		ASSERT_LT(0U, sx.delivered_ce);
		TH_LOG("delivered with ECE: client %u of %u, server %u of %u",
		       cx.delivered_ce, cx.delivered, sx.delivered_ce,
		       sx.delivered);
	}
	TH_LOG("delivery rate: client %llu B/s, server %llu B/s",
	       (unsigned long long)cx.delivery_rate,
	       (unsigned long long)sx.delivery_rate);
	close(c);
	close(s);
	close(l);
}

#define TSQ_LEN		(4 * MB)
#define TSQ_MAX_QUEUED	(512 * KB)

/* The largest sk_wmem_alloc (bytes in qdiscs and devices) seen. */
struct wmem_sampler {
	int fd;
	volatile bool stop;
	unsigned int max, samples;
	pthread_t thr;
};

static void *wmem_sample(void *arg)
{
	struct wmem_sampler *m = arg;

	while (!m->stop) {
		uint32_t mi[SK_MEMINFO_VARS];
		socklen_t len = sizeof(mi);

		if (!getsockopt(m->fd, SOL_SOCKET, SO_MEMINFO, mi, &len)) {
			if (mi[SK_MEMINFO_WMEM_ALLOC] > m->max)
				m->max = mi[SK_MEMINFO_WMEM_ALLOC];
			m->samples++;
		}
		xt_msleep(2);
	}
	return NULL;
}

/*
 * TCP Small Queues (Linux's tcp_small_queue_check()): the sender's own
 * egress is a 20 Mbit/s token bucket whose queue takes 4 MB.  A sender
 * that filled it with its window would add seconds of delay for every
 * flow behind it; with TSQ a socket keeps about a millisecond of its
 * pacing rate there, at least two skbs (each up to 64 KB on veth), so
 * sk_wmem_alloc, which counts what waits in qdiscs and devices, stays
 * far below the queue: under 512 KB throughout 4 MB (Linux 6.12 peaks
 * near the two 64 KB skbs of the start).  The bytes arrive intact.
 */
TEST_F_TIMEOUT(netem_tsq, bounds_local_queue, 60)
{
	struct xt_stream snd = { .len = TSQ_LEN, .chunk = 65536, .seed = 21,
				 .shut_wr = true };
	struct xt_stream rcv = { .len = TSQ_LEN + 1, .chunk = 65536 };
	struct wmem_sampler m = {};
	uint8_t want[32];
	uint16_t port = 0;
	int l, c, s;

	ASSERT_EQ(0, xt_sh("tc qdisc add dev %s root tbf rate 20mbit burst 32kb limit 4000000",
			   self->v.dev_a));
	ASSERT_OK(xt_netns_enter(self->v.ns_b));
	l = xt_listener(self->v.ip_b, &port, 1);
	ASSERT_LE(0, l);
	ASSERT_OK(xt_netns_enter(self->v.ns_a));
	c = xt_connect_to(self->v.ip_b, port);
	ASSERT_LE(0, c) TH_LOG("connect: %s", strerror(errno));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);

	snd.fd = c;
	rcv.fd = s;
	m.fd = c;
	ASSERT_OK(pthread_create(&m.thr, NULL, wmem_sample, &m));
	ASSERT_OK(xt_start(&rcv, xt_receiver));
	ASSERT_OK(xt_start(&snd, xt_sender));
	ASSERT_OK(xt_join(&snd));
	ASSERT_OK(xt_join(&rcv));
	m.stop = true;
	pthread_join(m.thr, NULL);

	ASSERT_EQ(0, snd.err) TH_LOG("send: %s", strerror(snd.err));
	ASSERT_EQ(0, rcv.err) TH_LOG("recv: %s", strerror(rcv.err));
	ASSERT_EQ((size_t)TSQ_LEN, rcv.done);
	xt_stream_digest(21, TSQ_LEN, want);
	ASSERT_EQ(0, memcmp(want, rcv.digest, 32));
	TH_LOG("sk_wmem_alloc at most %u B over %u samples; qdisc dropped %lld",
	       m.max, m.samples, qdisc_drops(self->v.dev_a));
	ASSERT_LT(100U, m.samples);
	ASSERT_GT((unsigned int)TSQ_MAX_QUEUED, m.max);
	close(c);
	close(s);
	close(l);
}

TEST_HARNESS_MAIN
