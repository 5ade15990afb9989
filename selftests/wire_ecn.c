// SPDX-License-Identifier: GPL-2.0
/*
 * Wire-level conformance against a fake peer (wire_peer.h): Explicit
 * Congestion Notification (RFC 3168).  A SYN asks with ECE and CWR only
 * when the ecn sysctl is 1, and a retransmitted one stops asking; a
 * listener agrees (ECE on the SYN-ACK) when asked and the sysctl is not
 * 0; then new data goes ECT(0), and pure ACKs and retransmissions do
 * not.  A CE mark is echoed with ECE until the sender's CWR; an ECE
 * brings the window down once per window of data, and the next new
 * segment carries CWR, as it does after a fast retransmit.  Every
 * expectation holds for Linux's TCP too (XTCP_TEST_FAMILY=inet:
 * net.ipv4.tcp_ecn and tcp_ecn_fallback).
 */
#include "wire_peer.h"

#define CA_OPEN	0	/* tcpi_ca_state, Linux's TCP_CA_* */
#define CA_CWR	2

/*
 * The peer's SYN (MSS option only) with @flags besides SYN, sent with
 * the IP TOS byte @tos: the SYN-ACK, which is never ECT, into @r.
 */
static void ecn_syn(struct __test_metadata *_metadata, struct wire *w,
		    uint8_t flags, uint8_t tos, struct rx *r)
{
	uint8_t opt[40];
	size_t olen = syn_opts(opt, O_MSS, MTU_MSS, 0, 0);
	char b[256];

	w->tos = tos;
	w->snd_nxt = PEER_ISS;
	SEND_SEG(w, TH_SYN | flags, PEER_ISS, 0, opt, olen, NULL, 0);
	w->tos = IP_NOT_ECT;
	w->snd_nxt = PEER_ISS + 1;
	rx_expect(_metadata, w, r, 2000, "SYN-ACK");
	ASSERT_EQ(PEER_ISS + 1, r->s.ack) TH_LOG("%s", rx_str(r, b, sizeof(b)));
	ASSERT_EQ(IP_NOT_ECT, rx_ecn(r))
		TH_LOG("a SYN-ACK is not ECT: %s", rx_str(r, b, sizeof(b)));
	w->rcv_nxt = r->s.seq + 1;
	w->right = w->snd_nxt + r->s.win;
}

/* The handshake's last ACK, and accept(). */
static void ecn_accept(struct __test_metadata *_metadata, struct wire *w)
{
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, w->fd) TH_LOG("accept: %s", strerror(errno));
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);
}

/* A connection whose SYN asked for ECN, which the listener agreed to. */
static void ecn_establish(struct __test_metadata *_metadata, struct wire *w)
{
	struct rx r;

	listen_on(_metadata, w, 0);
	ecn_syn(_metadata, w, TH_ECE | TH_CWR, IP_NOT_ECT, &r);
	ASSERT_EQ(TH_SYN | TH_ACK | TH_ECE, r.s.flags);
	ecn_accept(_metadata, w);
}

/*
 * The host writes @len bytes: the one segment they make, its flags
 * without PSH, and its ECN field.
 */
static void host_segment(struct __test_metadata *_metadata, struct wire *w,
			 size_t len, struct rx *r)
{
	char buf[MTU_MSS];

	memset(buf, 'e', len);
	ASSERT_EQ((ssize_t)len, send(w->fd, buf, len, 0));
	rx_expect(_metadata, w, r, 1000, "the data");
	ASSERT_EQ(w->rcv_nxt, r->s.seq);
	ASSERT_EQ(len, r->s.plen);
}

static bool ecn_agreed(int fd)
{
	struct tcp_info ti;

	return !xt_tcp_info(fd, &ti) && (ti.tcpi_options & TCPI_OPT_ECN);
}

/*
 * A SYN asks for ECN only with ecn 1 (2, the default, only agrees).  The
 * SYN itself is never ECT.  Unanswered, the SYN goes again without ECE
 * and CWR, unless ecn_fallback is 0 (RFC 3168 6.1.1.1).
 */
TEST_F_TIMEOUT(wire, syn_asks_with_ecn_1, 30)
{
	static const struct {
		const char *ecn, *fallback;
		uint8_t first, again;
	} t[] = {
		{ "2", "1", TH_SYN, TH_SYN },
		{ "1", "1", TH_SYN | TH_ECE | TH_CWR, TH_SYN },
		{ "1", "0", TH_SYN | TH_ECE | TH_CWR, TH_SYN | TH_ECE | TH_CWR },
		{ "0", "1", TH_SYN, TH_SYN },
	};
	struct wire *w = &self->w;
	unsigned int i;
	struct rx r;
	char b[256];
	int fd;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ASSERT_OK(xt_sysctl_set("ecn", t[i].ecn));
		ASSERT_OK(xt_sysctl_set("ecn_fallback", t[i].fallback));
		fd = xt_socket_flags(SOCK_NONBLOCK);
		ASSERT_LE(0, fd);
		ASSERT_OK(xt_bind(fd, HOST_IP, HPORT + 1 + i));
		ASSERT_ERRNO(xt_connect(fd, PEER_IP, PPORT), EINPROGRESS);
		rx_expect(_metadata, w, &r, 2000, "a SYN");
		rx_str(&r, b, sizeof(b));
		ASSERT_EQ(t[i].first, r.s.flags)
			TH_LOG("ecn %s: %s", t[i].ecn, b);
		ASSERT_EQ(IP_NOT_ECT, rx_ecn(&r)) TH_LOG("ecn %s: %s",
							 t[i].ecn, b);
		rx_expect(_metadata, w, &r, 4000, "the SYN again");
		rx_str(&r, b, sizeof(b));
		ASSERT_EQ(t[i].again, r.s.flags)
			TH_LOG("ecn %s, fallback %s: %s", t[i].ecn,
			       t[i].fallback, b);
		ASSERT_EQ(IP_NOT_ECT, rx_ecn(&r));
		close(fd);
		rx_drain(w);
	}
}

/*
 * Asked, a listener agrees with ECE (not CWR) on its SYN-ACK.  Then the
 * new data it sends is ECT(0), its pure ACKs are not, and TCP_INFO says
 * ECN, and ECN seen once ECT data came.
 */
TEST_F(wire, synack_ece_when_asked)
{
	struct wire *w = &self->w;
	struct tcp_info ti;
	struct rx r;
	char b[256];

	ecn_establish(_metadata, w);
	ASSERT_TRUE(ecn_agreed(w->fd));
	host_segment(_metadata, w, 100, &r);
	ASSERT_EQ(TH_ACK, r.s.flags & ~TH_PSH) TH_LOG("%s",
						      rx_str(&r, b, sizeof(b)));
	ASSERT_EQ(IP_ECT_0, rx_ecn(&r)) TH_LOG("new data is ECT(0)");
	w->rcv_nxt += 100;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);

	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(0, ti.tcpi_options & TCPI_OPT_ECN_SEEN);
	w->tos = IP_ECT_0;
	SEND(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, "ect", 3);
	w->snd_nxt += 3;
	rx_expect(_metadata, w, &r, 1000, "the ACK");
	check_ack(_metadata, w, &r, w->snd_nxt);
	ASSERT_EQ(IP_NOT_ECT, rx_ecn(&r)) TH_LOG("a pure ACK is not ECT");
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(TCPI_OPT_ECN_SEEN, ti.tcpi_options & TCPI_OPT_ECN_SEEN);
}

/*
 * No agreement, a plain SYN-ACK, and data that is not ECT: when the SYN
 * asks with ECE alone, when the SYN itself came ECT (RFC 3168 6.1.1:
 * something rewrites the field), and when ecn is 0.
 */
TEST_F(wire, synack_plain_unless_asked_right)
{
	static const struct {
		const char *ecn;
		uint8_t flags, tos;
	} t[] = {
		{ "2", TH_ECE, IP_NOT_ECT },
		{ "2", TH_ECE | TH_CWR, IP_ECT_0 },
		{ "0", TH_ECE | TH_CWR, IP_NOT_ECT },
		{ "1", TH_CWR, IP_NOT_ECT },
	};
	struct wire *w = &self->w;
	unsigned int i;
	struct rx r;
	char b[256];

	listen_on(_metadata, w, 0);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ASSERT_OK(xt_sysctl_set("ecn", t[i].ecn));
		w->pport = PPORT + i;
		ecn_syn(_metadata, w, t[i].flags, t[i].tos, &r);
		ASSERT_EQ(TH_SYN | TH_ACK, r.s.flags)
			TH_LOG("case %u: %s", i, rx_str(&r, b, sizeof(b)));
		ecn_accept(_metadata, w);
		ASSERT_FALSE(ecn_agreed(w->fd));
		host_segment(_metadata, w, 10, &r);
		ASSERT_EQ(IP_NOT_ECT, rx_ecn(&r)) TH_LOG("case %u", i);
		xt_close_rst(w->fd);
		w->fd = -1;
		rx_drain(w);
	}
}

/*
 * Our SYN asked (ecn 1): a SYN-ACK with ECE alone agrees, and our new
 * data goes ECT(0); one with ECE and CWR, or without ECE, does not.
 */
TEST_F(wire, active_open_agreement)
{
	static const struct {
		uint8_t flags;
		bool agreed;
	} t[] = {
		{ TH_ECE, true },
		{ TH_ECE | TH_CWR, false },
		{ 0, false },
	};
	struct wire *w = &self->w;
	uint8_t opt[40];
	size_t olen = syn_opts(opt, O_MSS, MTU_MSS, 0, 0);
	unsigned int i;
	struct rx r;

	ASSERT_OK(xt_sysctl_set("ecn", "1"));
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		w->hport = HPORT + i;
		w->fd = xt_socket_flags(SOCK_NONBLOCK);
		ASSERT_LE(0, w->fd);
		ASSERT_OK(xt_bind(w->fd, HOST_IP, w->hport));
		ASSERT_ERRNO(xt_connect(w->fd, PEER_IP, PPORT), EINPROGRESS);
		rx_expect(_metadata, w, &r, 2000, "a SYN");
		ASSERT_EQ(TH_SYN | TH_ECE | TH_CWR, r.s.flags);
		w->rcv_nxt = r.s.seq + 1;
		w->snd_nxt = PEER_ISS;
		SEND_SEG(w, TH_SYN | TH_ACK | t[i].flags, PEER_ISS, w->rcv_nxt,
			 opt, olen, NULL, 0);
		w->snd_nxt = PEER_ISS + 1;
		w->right = w->snd_nxt;
		rx_expect(_metadata, w, &r, 1000, "the handshake's ACK");
		check_ack(_metadata, w, &r, w->snd_nxt);
		ASSERT_EQ(IP_NOT_ECT, rx_ecn(&r));
		ASSERT_STATE(w->fd, XTCP_ESTABLISHED);
		ASSERT_EQ(t[i].agreed, ecn_agreed(w->fd)) TH_LOG("case %u", i);
		host_segment(_metadata, w, 10, &r);
		ASSERT_EQ(t[i].agreed ? IP_ECT_0 : IP_NOT_ECT, rx_ecn(&r))
			TH_LOG("case %u", i);
		xt_close_rst(w->fd);
		w->fd = -1;
		rx_drain(w);
	}
}

/*
 * A CE mark on the peer's data is echoed: ECE on every ACK, and on our
 * data, until a segment with CWR says the peer reduced its window; that
 * segment's ACK has no ECE.
 */
TEST_F(wire, ce_echoed_until_cwr)
{
	struct wire *w = &self->w;
	struct rx r;
	char b[256];

	ecn_establish(_metadata, w);
	w->tos = IP_CE;
	SEND(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, "ce", 2);
	w->snd_nxt += 2;
	rx_expect(_metadata, w, &r, 1000, "the ACK of CE data");
	check_seg(_metadata, w, &r, TH_ACK | TH_ECE, w->rcv_nxt, w->snd_nxt, 0);

	w->tos = IP_ECT_0;
	SEND(w, TH_ACK | TH_PSH, w->snd_nxt, w->rcv_nxt, "ect", 3);
	w->snd_nxt += 3;
	rx_expect(_metadata, w, &r, 1000, "the next ACK");
	check_seg(_metadata, w, &r, TH_ACK | TH_ECE, w->rcv_nxt, w->snd_nxt, 0);

	host_segment(_metadata, w, 100, &r);
	ASSERT_EQ(TH_ACK | TH_ECE, r.s.flags & ~TH_PSH)
		TH_LOG("our data echoes too: %s", rx_str(&r, b, sizeof(b)));
	ASSERT_EQ(IP_ECT_0, rx_ecn(&r));
	w->rcv_nxt += 100;

	SEND(w, TH_ACK | TH_PSH | TH_CWR, w->snd_nxt, w->rcv_nxt, "cwr", 3);
	w->snd_nxt += 3;
	rx_expect(_metadata, w, &r, 1000, "the ACK of the CWR");
	check_seg(_metadata, w, &r, TH_ACK, w->rcv_nxt, w->snd_nxt, 0);
}

/*
 * An ECE: the window comes down once (ssthresh 0.7 of the window, CUBIC
 * as both stacks' default), the state is CWR, and the first new segment
 * after carries CWR.  Another ECE in the same window changes nothing; the
 * state is open again once data sent after the reduction is ACKed.
 */
TEST_F(wire, ece_reduces_once_with_cwr)
{
	static char buf[20 * MTU_MSS];
	struct wire *w = &self->w;
	uint32_t start, end, cwr_seq = 0;
	struct xt_tcp_info ext;
	ssize_t sent;
	struct tcp_info ti;
	unsigned int i, ssthresh;
	struct rx r;
	char b[256];

	ecn_establish(_metadata, w);
	memset(buf, 'r', sizeof(buf));
	start = w->rcv_nxt;
	/*
	 * Not blocking: this thread is also the peer that ACKs.  What the
	 * send buffer takes (17 segments on 6.1) is enough.
	 */
	sent = send(w->fd, buf, sizeof(buf), MSG_DONTWAIT);
	ASSERT_LE((ssize_t)(14 * MTU_MSS), sent);
	end = start + sent;
	for (i = 0; i < 10; i++) {
		rx_expect(_metadata, w, &r, 1000, "the initial window");
		rx_str(&r, b, sizeof(b));
		ASSERT_EQ(start + i * MTU_MSS, r.s.seq) TH_LOG("%s", b);
		ASSERT_EQ(TH_ACK, r.s.flags & ~TH_PSH) TH_LOG("%s", b);
		ASSERT_EQ(IP_ECT_0, rx_ecn(&r)) TH_LOG("%s", b);
	}
	rx_none(_metadata, w, 50, "10 segments, the initial window");
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(10U, ti.tcpi_snd_cwnd);
	ASSERT_EQ(CA_OPEN, ti.tcpi_ca_state);
	ssthresh = 10 * 717 / 1024;

	SEND(w, TH_ACK | TH_ECE, w->snd_nxt, start + 2 * MTU_MSS, NULL, 0);
	rx_expect(_metadata, w, &r, 1000, "new data after the ECE");
	rx_str(&r, b, sizeof(b));
	ASSERT_EQ(start + 10 * MTU_MSS, r.s.seq) TH_LOG("%s", b);
	ASSERT_EQ(TH_ACK | TH_CWR, r.s.flags & ~TH_PSH)
		TH_LOG("the first new segment says CWR: %s", b);
	ASSERT_EQ(IP_ECT_0, rx_ecn(&r));
	cwr_seq = r.s.seq;
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(CA_CWR, ti.tcpi_ca_state);
	ASSERT_EQ(ssthresh, ti.tcpi_snd_ssthresh);
	ASSERT_OK(xt_tcp_info_ext(w->fd, &ext));
	ASSERT_EQ(2U, ext.delivered_ce) TH_LOG("segments ACKed with ECE");

	/* A second ECE within the window: no second reduction. */
	SEND(w, TH_ACK | TH_ECE, w->snd_nxt, start + 4 * MTU_MSS, NULL, 0);
	xt_msleep(50);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(CA_CWR, ti.tcpi_ca_state);
	ASSERT_EQ(ssthresh, ti.tcpi_snd_ssthresh);
	ASSERT_OK(xt_tcp_info_ext(w->fd, &ext));
	ASSERT_EQ(4U, ext.delivered_ce);

	/* The rest, each segment ACKed at once: CWR was said once. */
	w->rcv_nxt = start + 4 * MTU_MSS;
	while (w->rcv_nxt != end) {
		rx_expect(_metadata, w, &r, 1000, "the rest of the data");
		rx_str(&r, b, sizeof(b));
		ASSERT_EQ(IP_ECT_0, rx_ecn(&r)) TH_LOG("%s", b);
		if (r.s.seq != cwr_seq)
			ASSERT_EQ(TH_ACK, r.s.flags & ~TH_PSH) TH_LOG("%s", b);
		if (seq_before(w->rcv_nxt, r.s.seq + r.s.plen))
			w->rcv_nxt = r.s.seq + r.s.plen;
		SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	}
	xt_msleep(50);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(CA_OPEN, ti.tcpi_ca_state);
	ASSERT_EQ(ssthresh, ti.tcpi_snd_ssthresh);
	ASSERT_LE(ssthresh, ti.tcpi_snd_cwnd);
	ASSERT_OK(xt_tcp_info_ext(w->fd, &ext));
	ASSERT_EQ(4U, ext.delivered_ce) TH_LOG("ACKs without ECE add none");
}

/* A retransmission is not ECT (RFC 3168 6.1.5), nor does it carry CWR. */
TEST_F(wire, retransmission_not_ect)
{
	struct wire *w = &self->w;
	struct rx r, again;
	char b[256];

	ecn_establish(_metadata, w);
	host_segment(_metadata, w, 100, &r);
	ASSERT_EQ(IP_ECT_0, rx_ecn(&r));
	rx_expect(_metadata, w, &again, 3000, "the retransmission");
	rx_str(&again, b, sizeof(b));
	ASSERT_EQ(r.s.seq, again.s.seq) TH_LOG("%s", b);
	ASSERT_EQ(100U, again.s.plen) TH_LOG("%s", b);
	ASSERT_EQ(IP_NOT_ECT, rx_ecn(&again)) TH_LOG("%s", b);
	ASSERT_EQ(0, again.s.flags & (TH_CWR | TH_ECE)) TH_LOG("%s", b);
	w->rcv_nxt += 100;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
}

/*
 * A loss reduces the window too: fast recovery also tells an ECN peer by
 * CWR, on the first new segment it sends after the fast retransmit (RFC
 * 3168 6.1.2; Linux's tcp_init_cwnd_reduction()), never on the
 * retransmission itself.  The new segments that limited transmit (RFC
 * 3042) lets out before it carry none.
 */
TEST_F(wire, loss_recovery_sends_cwr)
{
	static char buf[20 * MTU_MSS];
	struct wire *w = &self->w;
	bool resent = false;
	uint32_t start, next;
	ssize_t sent;
	struct rx r;
	char b[256];
	int dup;

	ecn_establish(_metadata, w);
	memset(buf, 'l', sizeof(buf));
	start = w->rcv_nxt;
	sent = send(w->fd, buf, sizeof(buf), MSG_DONTWAIT);
	ASSERT_LE((ssize_t)(16 * MTU_MSS), sent);
	for (dup = 0; dup < 10; dup++)
		rx_expect(_metadata, w, &r, 1000, "the initial window");
	rx_none(_metadata, w, 50, "10 segments, the initial window");
	next = start + 10 * MTU_MSS;

	/*
	 * The first segment is lost: twelve duplicate ACKs at once, well
	 * within the RTO, so that this is a fast retransmit and the window
	 * (NewReno's inflation, or Linux's PRR) lets new data out after it.
	 * The host answers them in order.
	 */
	for (dup = 1; dup <= 12; dup++)
		SEND(w, TH_ACK, w->snd_nxt, start, NULL, 0);
	while (!rx_next(w, &r, 200)) {
		rx_str(&r, b, sizeof(b));
		if (r.s.seq == start) {
			/* The fast retransmit: not ECT, no CWR. */
			ASSERT_EQ(IP_NOT_ECT, rx_ecn(&r)) TH_LOG("%s", b);
			ASSERT_EQ(0, r.s.flags & TH_CWR) TH_LOG("%s", b);
			resent = true;
			continue;
		}
		ASSERT_EQ(next, r.s.seq) TH_LOG("%s", b);
		ASSERT_EQ(IP_ECT_0, rx_ecn(&r)) TH_LOG("%s", b);
		next += r.s.plen;
		if (!resent) {
			ASSERT_EQ(0, r.s.flags & TH_CWR)
				TH_LOG("limited transmit: %s", b);
			continue;
		}
		ASSERT_EQ(TH_ACK | TH_CWR, r.s.flags & ~TH_PSH)
			TH_LOG("the first new segment after the fast retransmit says CWR: %s",
			       b);
		goto done;
	}
	ASSERT_TRUE(0) TH_LOG("no new data after the fast retransmit (resent: %d)",
		      resent);
done:
	w->rcv_nxt = next;
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
}

TEST_HARNESS_MAIN
