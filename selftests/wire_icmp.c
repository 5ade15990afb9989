// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about our segments, from the fake peer (wire_peer.h), as
 * Linux's tcp_v4_err() takes them:
 *
 * - in SYN_SENT any of them ends the connect at once, with its errno
 *   (protocol unreachable: ENOPROTOOPT; port: ECONNREFUSED; host and
 *   network: EHOSTUNREACH and ENETUNREACH; TTL expired: EHOSTUNREACH;
 *   parameter problem: EPROTO);
 * - one quoting a sequence number outside SND.UNA..SND.NXT is not
 *   believed (RFC 5927 4.1) and counted (OutOfWindowIcmps);
 * - an established connection only notes it: SO_ERROR reports it once,
 *   and a connection that then times out reports it instead of
 *   ETIMEDOUT (RFC 1122 4.2.3.9), unless IP_RECVERR asks for it at once;
 * - under IP_MINTTL, one quoting a TTL below the minimum is ignored
 *   (TCPMinTTLDrop);
 * - about a listener's SYN-ACK, an unreachable host drops the half-open
 *   connection (ListenDrops);
 * - "fragmentation needed" (path MTU discovery, RFC 1191) lowers the
 *   route's MTU and the send MSS, never raises them, and what is out
 *   and too big goes again at once, cut to fit, without a timeout or a
 *   smaller window; below the route's floor (552) the floor holds and
 *   DF is no longer set; IP_PMTUDISC_DONT sends without DF and resends
 *   nothing at once;
 * - without an ICMP, when the device's own MTU falls, the next resend
 *   (loss probe or timeout) is cut to the route's MSS of now.
 *
 * Every expectation holds for Linux's TCP too (XTCP_TEST_FAMILY=inet).
 */
#include "wire_peer.h"

#define ICMP_UNREACH	3
#define ICMP_TIMXCEED	11
#define ICMP_PARAMPROB	12

/*
 * The peer's host answers the segment @r with an ICMP error: the IP
 * header and the first 8 bytes of the segment quoted (RFC 792), its
 * sequence number replaced by @seq; @mtu in the header's last 16 bits
 * (the next hop's MTU, for "fragmentation needed"; else 0).
 */
static void icmp_quote(struct __test_metadata *_metadata, struct wire *w,
		       const struct rx *r, uint8_t type, uint8_t code,
		       uint32_t seq, uint16_t mtu)
{
	size_t ihl = (r->pkt[0] & 15) * 4, quote = ihl + 8;
	uint8_t icmp[8 + 60 + 8] = { type, code };

	ASSERT_GE(sizeof(icmp), 8 + quote);
	memcpy(icmp + 8, r->pkt, quote);
	put32(icmp + 8 + ihl + 4, seq);
	put16(icmp + 6, mtu);
	put16(icmp + 2, xt_ip_csum(icmp, 8 + quote));
	ASSERT_OK(inject_ip(w, IPPROTO_ICMP, icmp, 8 + quote));
}

#define icmp_error(_metadata, w, r, type, code, seq) \
	icmp_quote(_metadata, w, r, type, code, seq, 0)

static int so_error(int fd)
{
	return xt_get_int(fd, SOL_SOCKET, SO_ERROR);
}

/* A non-blocking connect to the peer: its SYN in @syn. */
static int connect_peer(struct wire *w, struct rx *syn)
{
	int fd = xt_socket_flags(SOCK_NONBLOCK);

	if (fd < 0)
		return -1;
	if (xt_connect(fd, PEER_IP, PPORT) == 0 || errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	if (rx_next(w, syn, 2000) || !(syn->s.flags & TH_SYN)) {
		close(fd);
		return -1;
	}
	return fd;
}

struct syn_sent_case {
	uint8_t type, code;
	int err;
	const char *what;
};

static const struct syn_sent_case syn_sent_cases[] = {
	{ ICMP_UNREACH, 2, ENOPROTOOPT, "protocol unreachable" },
	{ ICMP_UNREACH, 3, ECONNREFUSED, "port unreachable" },
	{ ICMP_UNREACH, 1, EHOSTUNREACH, "host unreachable" },
	{ ICMP_UNREACH, 0, ENETUNREACH, "network unreachable" },
	{ ICMP_UNREACH, 13, EHOSTUNREACH, "administratively prohibited" },
	{ ICMP_TIMXCEED, 0, EHOSTUNREACH, "TTL expired in transit" },
	{ ICMP_PARAMPROB, 0, EPROTO, "parameter problem" },
};

/* Each error ends the connect at once, with its errno. */
TEST_F(wire, icmp_syn_sent_errors)
{
	struct wire *w = &self->w;
	long long fails = xt_mib("AttemptFails");
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(syn_sent_cases); i++) {
		const struct syn_sent_case *c = &syn_sent_cases[i];
		uint64_t t0;
		struct rx syn;
		int fd;

		fd = connect_peer(w, &syn);
		ASSERT_LE(0, fd) TH_LOG("%s: no SYN", c->what);
		t0 = xt_now_ms();
		icmp_error(_metadata, w, &syn, c->type, c->code, syn.s.seq);
		ASSERT_LT(0, xt_poll1(fd, POLLOUT, 1000))
			TH_LOG("%s: the connect goes on", c->what);
		ASSERT_GT(1000ULL, xt_now_ms() - t0);
		ASSERT_EQ(c->err, so_error(fd)) TH_LOG("%s", c->what);
		ASSERT_STATE(fd, XTCP_CLOSE);
		close(fd);
	}
	ASSERT_EQ(fails + (long long)ARRAY_SIZE(syn_sent_cases),
		  xt_mib("AttemptFails"));
}

/*
 * An error quoting a sequence number our SYN did not have is not
 * believed: counted, and the connect goes on to complete.
 */
TEST_F(wire, icmp_out_of_window_ignored)
{
	struct wire *w = &self->w;
	long long oow = xt_mib("OutOfWindowIcmps");
	struct rx syn, r;
	int fd;

	fd = connect_peer(w, &syn);
	ASSERT_LE(0, fd);
	w->fd = fd;
	/* SND.NXT is ISS + 1: both ends of the range are in it. */
	icmp_error(_metadata, w, &syn, ICMP_UNREACH, 2, syn.s.seq + 2);
	icmp_error(_metadata, w, &syn, ICMP_UNREACH, 1, syn.s.seq - 1);
	ASSERT_EQ(0, xt_poll1(fd, POLLOUT, 300));
	ASSERT_EQ(0, so_error(fd));
	ASSERT_STATE(fd, XTCP_SYN_SENT);
	ASSERT_EQ(oow + 2, xt_mib("OutOfWindowIcmps"));

	/* The SYN-ACK still completes it. */
	w->hport = syn.s.sport;
	w->rcv_nxt = syn.s.seq + 1;
	w->snd_nxt = PEER_ISS;
	SEND(w, TH_SYN | TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->snd_nxt++;
	rx_expect(_metadata, w, &r, 1000, "the ACK of the SYN-ACK");
	ASSERT_EQ(w->snd_nxt, r.s.ack);
	ASSERT_STATE(fd, XTCP_ESTABLISHED);
	ASSERT_EQ(0, so_error(fd));
}

/* Data the host sent (and the peer has not acknowledged), in @r. */
static void host_data(struct __test_metadata *_metadata, struct wire *w,
		      struct rx *r)
{
	ASSERT_EQ(100, send(w->fd, "0123456789012345678901234567890123456789"
				   "0123456789012345678901234567890123456789"
				   "01234567890123456789", 100, 0));
	rx_expect(_metadata, w, r, 1000, "the data");
	ASSERT_EQ(100U, r->s.plen);
	w->rcv_nxt = r->s.seq + r->s.plen;
}

/*
 * Established: the error is noted, not fatal.  SO_ERROR reports it once;
 * an ACK from the peer then clears what is left of it, and the
 * connection carries data as before.  All within the first RTO (200 ms),
 * so that no retransmission comes in between.
 */
TEST_F(wire, icmp_established_soft_error)
{
	struct wire *w = &self->w;
	struct rx r;

	establish(_metadata, w, 0, NULL);
	host_data(_metadata, w, &r);
	icmp_error(_metadata, w, &r, ICMP_UNREACH, 1, r.s.seq);
	usleep(20 * 1000);
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);
	ASSERT_EQ(EHOSTUNREACH, so_error(w->fd));
	ASSERT_EQ(0, so_error(w->fd));

	/* Noted again, then an ACK: the timeout would not report it. */
	icmp_error(_metadata, w, &r, ICMP_UNREACH, 1, r.s.seq);
	usleep(20 * 1000);
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	usleep(20 * 1000);
	ASSERT_EQ(0, so_error(w->fd));
	peer_data(_metadata, w, "after", 5);
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);
}

/*
 * IP_MINTTL: Linux compares the TTL of the header the ICMP quotes (the
 * host's own segment's, 64 as it left) with the socket's minimum, not
 * the TTL the ICMP itself arrived with (64 here too).  Below it the
 * error is ignored and counted (TCPMinTTLDrop); the same error quoting
 * a TTL of 200 is noted as usual.
 */
TEST_F(wire, icmp_min_ttl)
{
	struct wire *w = &self->w;
	long long drops0;
	struct rx r, far;

	establish(_metadata, w, 0, NULL);
	host_data(_metadata, w, &r);
	ASSERT_EQ(64, r.pkt[8]);
	drops0 = xt_mib("TCPMinTTLDrop");
	ASSERT_LE(0, drops0);
	ASSERT_OK(xt_set_int(w->fd, SOL_IP, IP_MINTTL, 65));
	icmp_error(_metadata, w, &r, ICMP_UNREACH, 1, r.s.seq);
	usleep(20 * 1000);
	ASSERT_EQ(0, so_error(w->fd));
	ASSERT_EQ(drops0 + 1, xt_mib("TCPMinTTLDrop"));

	far = r;
	far.pkt[8] = 200;
	icmp_error(_metadata, w, &far, ICMP_UNREACH, 1, r.s.seq);
	usleep(20 * 1000);
	ASSERT_EQ(EHOSTUNREACH, so_error(w->fd));
	ASSERT_EQ(drops0 + 1, xt_mib("TCPMinTTLDrop"));
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);
}

/*
 * With IP_RECVERR the user gets the error at once (SO_ERROR, or the
 * next call), and the connection stays.
 */
TEST_F(wire, icmp_established_recverr)
{
	struct wire *w = &self->w;
	struct rx r;
	int on = 1;

	establish(_metadata, w, 0, NULL);
	ASSERT_OK(setsockopt(w->fd, SOL_IP, IP_RECVERR, &on, sizeof(on)));
	host_data(_metadata, w, &r);
	icmp_error(_metadata, w, &r, ICMP_UNREACH, 0, r.s.seq);
	ASSERT_LT(0, xt_poll1(w->fd, POLLERR, 1000));
	ASSERT_EQ(ENETUNREACH, so_error(w->fd));
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	peer_data(_metadata, w, "after", 5);
}

/*
 * A connection that times out after an ICMP error reports that error,
 * not ETIMEDOUT.
 */
TEST_F_TIMEOUT(wire, icmp_soft_error_on_timeout, 30)
{
	struct wire *w = &self->w;
	long long timeouts = xt_mib("TCPAbortOnTimeout");
	struct rx r;

	establish(_metadata, w, 0, NULL);
	ASSERT_OK(xt_set_int(w->fd, IPPROTO_TCP, TCP_USER_TIMEOUT, 1000));
	host_data(_metadata, w, &r);
	icmp_error(_metadata, w, &r, ICMP_UNREACH, 1, r.s.seq);
	/* Nothing answers: the retransmissions run out within the second. */
	ASSERT_LT(0, xt_poll1(w->fd, POLLERR, 10000));
	ASSERT_EQ(EHOSTUNREACH, so_error(w->fd));
	ASSERT_STATE(w->fd, XTCP_CLOSE);
	ASSERT_EQ(timeouts + 1, xt_mib("TCPAbortOnTimeout"));
}

/*
 * About a listener's SYN-ACK, an unreachable host drops the half-open
 * connection: no more SYN-ACKs, nothing to accept, ListenDrops counts
 * it.
 */
TEST_F_TIMEOUT(wire, icmp_synack_host_unreachable, 30)
{
	struct wire *w = &self->w;
	long long drops = xt_mib("ListenDrops");
	uint8_t opt[40];
	size_t olen = syn_opts(opt, O_MSS, MTU_MSS, 0, 0);
	struct rx r;

	listen_on(_metadata, w, 0);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &r);
	icmp_error(_metadata, w, &r, ICMP_UNREACH, 1, r.s.seq);
	/* The SYN-ACK would go again after 1 s. */
	rx_none(_metadata, w, 2500, "a SYN-ACK after the half-open connection was dropped");
	ASSERT_EQ(drops + 1, xt_mib("ListenDrops"));
	ASSERT_GT(0, accept_within(w->lfd, 100));
}

/* ---- path MTU discovery ---- */

#define ICMP_FRAG_NEEDED	4
#define PMTU			1280
/* Segments that fit it: 1280 less 40 bytes of headers and timestamps. */
#define PMTU_MSS		(PMTU - 40U - TSOPT_LEN)
#define BURST_MSS		(MTU_MSS - (size_t)TSOPT_LEN)

/* "Fragmentation needed" about the segment @r, the next hop's MTU @mtu. */
#define frag_needed(_metadata, w, r, seq, mtu) \
	icmp_quote(_metadata, w, r, ICMP_UNREACH, ICMP_FRAG_NEEDED, seq, mtu)

static bool rx_df(const struct rx *r)
{
	return r->pkt[6] & 0x40;
}

/* The send MSS (tcpi_snd_mss, TCP_MAXSEG) and the route's MTU (IP_MTU). */
static void check_mss(struct __test_metadata *_metadata, int fd,
		      uint32_t mss, int mtu)
{
	struct tcp_info ti;

	ASSERT_OK(xt_tcp_info(fd, &ti));
	ASSERT_EQ(mss, ti.tcpi_snd_mss);
	ASSERT_EQ((int)mss, xt_get_int(fd, IPPROTO_TCP, TCP_MAXSEG));
	ASSERT_EQ(mtu, xt_get_int(fd, SOL_IP, IP_MTU));
	ASSERT_EQ((uint32_t)mtu, ti.tcpi_pmtu);
}

/*
 * The host writes @len bytes of the pattern from @off; the peer takes
 * them, checks each segment's size against @mss (the last may be
 * shorter) and its DF bit against @df, and acknowledges them all.
 */
static void new_data_at(struct __test_metadata *_metadata, struct wire *w,
			size_t len, uint64_t off, uint32_t mss, bool df)
{
	static uint8_t d[4 * MTU_MSS], want[4 * MTU_MSS];
	size_t got = 0;
	struct rx r;

	ASSERT_GE(sizeof(d), len);
	xt_pattern(d, len, 9, off);
	ASSERT_EQ((ssize_t)len, send(w->fd, d, len, 0));
	while (got < len) {
		rx_expect(_metadata, w, &r, 1000, "new data");
		ASSERT_EQ(w->rcv_nxt, r.s.seq);
		ASSERT_EQ(len - got < mss ? len - got : mss, r.s.plen);
		ASSERT_EQ(df, rx_df(&r));
		memcpy(want + got, r.data, r.s.plen);
		got += r.s.plen;
		w->rcv_nxt += r.s.plen;
		w->ts_ecr = rx_tsval(&r);
	}
	ASSERT_EQ(0, memcmp(d, want, len));
	peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
}

/*
 * Ten full segments out; a router on the way takes only 1280 bytes.
 * At once, well before the RTO, they all go again oldest first, cut to
 * fit 1228 bytes of data, within the congestion window as it was: not a
 * congestion signal, and no timeout.  The loss state ends with them,
 * and new data goes in 1228-byte segments.
 */
TEST_F(wire, icmp_frag_needed_resends)
{
	struct wire *w = &self->w;
	long long timeouts = xt_mib("TCPTimeouts");
	long long retrans = xt_mib("RetransSegs");
	long long oow = xt_mib("OutOfWindowIcmps");
	static uint8_t data[NSEG * BURST_MSS];
	uint32_t start, end, got;
	struct tcp_info ti;
	struct rx first, r;
	unsigned int n = 0;
	uint64_t t0;
	int i;

	establish_sack(_metadata, w, RTT_MS);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	start = w->rcv_nxt;
	end = start + sizeof(data);
	xt_pattern(data, sizeof(data), 5, 0);
	ASSERT_EQ((ssize_t)sizeof(data), send(w->fd, data, sizeof(data), 0));
	for (i = 0; i < NSEG; i++) {
		rx_expect(_metadata, w, i ? &r : &first, 1000, "the burst");
		ASSERT_EQ(BURST_MSS, (i ? r : first).s.plen);
		ASSERT_TRUE(rx_df(i ? &r : &first));
	}
	w->ts_ecr = rx_tsval(&first);
	t0 = xt_now_ms();
	frag_needed(_metadata, w, &first, start, PMTU);

	for (got = start; got != end; n++) {
		rx_expect(_metadata, w, &r, 1000, "a retransmission");
		if (!n) {
			ASSERT_GT(100ULL, r.t - t0)
				TH_LOG("not at once: the RTO sent it");
			CHECK_INFO(w->fd, "after the ICMP", .ca_state = CA_LOSS);
		}
		ASSERT_EQ(got, r.s.seq);
		/*
		 * An skb of one 1448-byte segment goes as 1228 bytes and
		 * 220; one of several (GSO, Linux's) in 1228-byte pieces.
		 */
		ASSERT_LT(0U, r.s.plen);
		ASSERT_GE(PMTU_MSS, r.s.plen);
		ASSERT_TRUE(rx_df(&r));
		ASSERT_EQ(0, memcmp(r.data, data + (got - start), r.s.plen));
		got += r.s.plen;
		w->ts_ecr = rx_tsval(&r);
		peer_ack(_metadata, w, got, NULL, 0);
	}
	w->rcv_nxt = end;
	wait_unacked(_metadata, w->fd, 0, 1000);
	ASSERT_GE(2U * NSEG, n);
	ASSERT_LE((sizeof(data) + PMTU_MSS - 1) / PMTU_MSS, n);
	CHECK_INFO(w->fd, "all acknowledged", .ca_state = CA_OPEN,
		   .total_retrans = (int)n);
	check_mss(_metadata, w->fd, PMTU_MSS, PMTU);
	ASSERT_EQ(retrans + n, xt_mib("RetransSegs"));
	ASSERT_EQ(timeouts, xt_mib("TCPTimeouts"));
	ASSERT_EQ(oow, xt_mib("OutOfWindowIcmps"));
	new_data_at(_metadata, w, 3 * PMTU_MSS + 100, 0, PMTU_MSS, true);
}

/*
 * Nothing out: a larger MTU than the route's changes nothing; a smaller
 * one lowers the MSS for what is sent next, with nothing to resend.  An
 * error quoting data not sent is not believed.
 */
TEST_F(wire, icmp_frag_needed_idle)
{
	struct wire *w = &self->w;
	long long oow = xt_mib("OutOfWindowIcmps");
	long long retrans = xt_mib("RetransSegs");
	struct rx r;

	establish_sack(_metadata, w, 20);
	host_data(_metadata, w, &r);
	w->ts_ecr = rx_tsval(&r);
	peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);

	frag_needed(_metadata, w, &r, w->rcv_nxt, 1500);
	frag_needed(_metadata, w, &r, w->rcv_nxt, 9000);
	frag_needed(_metadata, w, &r, w->rcv_nxt + 1000, PMTU);
	usleep(50 * 1000);
	check_mss(_metadata, w->fd, BURST_MSS, 1500);
	ASSERT_EQ(oow + 1, xt_mib("OutOfWindowIcmps"));
	new_data_at(_metadata, w, 2 * BURST_MSS + 100, 0, BURST_MSS, true);

	frag_needed(_metadata, w, &r, w->rcv_nxt, PMTU);
	usleep(50 * 1000);
	check_mss(_metadata, w->fd, PMTU_MSS, PMTU);
	rx_none(_metadata, w, 100, "a segment with nothing to resend");
	new_data_at(_metadata, w, 2 * PMTU_MSS + 100, 0, PMTU_MSS, true);
	ASSERT_EQ(retrans, xt_mib("RetransSegs"));
}

/*
 * An MTU below the route's floor (net.ipv4.route.min_pmtu, 552): the
 * route takes the floor and locks it, and segments of 552 bytes go
 * without DF, for routers on the way to fragment.
 */
TEST_F(wire, icmp_frag_needed_below_floor)
{
	struct wire *w = &self->w;
	struct rx r;

	establish_sack(_metadata, w, 20);
	host_data(_metadata, w, &r);
	ASSERT_TRUE(rx_df(&r));
	w->ts_ecr = rx_tsval(&r);
	peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	frag_needed(_metadata, w, &r, w->rcv_nxt, 500);
	usleep(50 * 1000);
	check_mss(_metadata, w->fd, 552 - 40 - TSOPT_LEN, 552);
	new_data_at(_metadata, w, 3 * 500 + 10, 0, 552 - 40 - TSOPT_LEN,
		    false);
}

/*
 * IP_PMTUDISC_DONT: no DF, and an ICMP resends nothing at once.  The
 * route still learns the MTU, and the next write follows it, as in
 * Linux (tcp_current_mss() looks at the route on every send).
 */
TEST_F(wire, icmp_frag_needed_pmtudisc_dont)
{
	struct wire *w = &self->w;
	long long retrans = xt_mib("RetransSegs");
	struct rx r;

	establish_sack(_metadata, w, 20);
	ASSERT_OK(xt_set_int(w->fd, SOL_IP, IP_MTU_DISCOVER,
			     IP_PMTUDISC_DONT));
	host_data(_metadata, w, &r);
	ASSERT_FALSE(rx_df(&r));
	w->ts_ecr = rx_tsval(&r);
	frag_needed(_metadata, w, &r, r.s.seq, PMTU);
	rx_none(_metadata, w, 100, "a resend: the socket does not discover");
	peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	wait_unacked(_metadata, w->fd, 0, 1000);
	ASSERT_EQ(retrans, xt_mib("RetransSegs"));
	new_data_at(_metadata, w, 2 * PMTU_MSS + 100, 0, PMTU_MSS, false);
	check_mss(_metadata, w->fd, PMTU_MSS, PMTU);
}

/*
 * The device's MTU falls with a segment out, and no ICMP says so: the
 * link is this host's own.  Whatever resends the segment next, the loss
 * probe or the retransmission timer, takes the MSS of now from the
 * route first (Linux's tcp_current_mss() in tcp_send_loss_probe() and
 * __tcp_retransmit_skb()).  Sent at the old size it would never leave:
 * IP refuses it (FragFails) and tells the socket, and only that error
 * would get it resent.  Cut to 1228 + 220 bytes, Linux's probe is the
 * first piece, XTCP's the last segment (RFC 8985 7.3): the peer takes
 * the pieces in whatever order they come.
 */
static void tun_mtu(struct __test_metadata *_metadata, int mtu)
{
	struct ifreq ifr;
	int s;

	/* An ioctl, not ip(8): at once, well before the next timer. */
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", TUN_NAME);
	ifr.ifr_mtu = mtu;
	ASSERT_OK(ioctl(s, SIOCSIFMTU, &ifr));
	close(s);
}

/*
 * The peer takes the host's @len bytes of @data from @start again, in
 * segments that fit PMTU, in whatever order they come, and ACKs what it
 * has in order, until it has them all.
 */
static void take_resends(struct __test_metadata *_metadata, struct wire *w,
			 uint32_t start, const uint8_t *data, size_t len)
{
	static bool have[BURST_MSS];
	uint32_t next = start, off, i;
	struct rx r;
	char s[256];

	ASSERT_GE(sizeof(have), len);
	memset(have, 0, sizeof(have));
	while (next != start + len) {
		rx_expect(_metadata, w, &r, 3000, "a resend");
		rx_str(&r, s, sizeof(s));
		TH_LOG("at %llu ms (FragFails %lld): %s",
		       (unsigned long long)(r.t - w->t0),
		       xt_snmp("Ip:", "FragFails"), s);
		off = r.s.seq - start;
		ASSERT_GT(len, off) TH_LOG("%s", s);
		ASSERT_LT(0U, r.s.plen) TH_LOG("%s", s);
		ASSERT_GE(len - off, r.s.plen) TH_LOG("%s", s);
		ASSERT_GE(PMTU_MSS, r.s.plen) TH_LOG("%s", s);
		ASSERT_TRUE(rx_df(&r)) TH_LOG("%s", s);
		ASSERT_EQ(0, memcmp(r.data, data + off, r.s.plen));
		for (i = off; i < off + r.s.plen; i++)
			have[i] = true;
		while (next != start + len && have[next - start])
			next++;
		w->ts_ecr = rx_tsval(&r);
		peer_ack(_metadata, w, next, NULL, 0);
	}
	w->rcv_nxt = start + len;
	wait_unacked(_metadata, w->fd, 0, 1000);
}

/* The host sends one full segment of @data; it is read from the tun. */
static uint32_t one_full_segment(struct __test_metadata *_metadata,
				 struct wire *w, uint8_t *data)
{
	uint32_t start = w->rcv_nxt;
	struct rx r;

	xt_pattern(data, BURST_MSS, 11, 0);
	ASSERT_EQ((ssize_t)BURST_MSS, send(w->fd, data, BURST_MSS, 0));
	rx_expect(_metadata, w, &r, 1000, "the segment");
	ASSERT_EQ(start, r.s.seq);
	ASSERT_EQ(BURST_MSS, r.s.plen);
	return start;
}

/*
 * The tun's MTU falls to PMTU; the peer takes what is resent then, and
 * none of it was too big for the device.
 */
static void mtu_drop_resends(struct __test_metadata *_metadata,
			     struct wire *w, uint32_t start,
			     const uint8_t *data)
{
	long long fails = xt_snmp("Ip:", "FragFails");

	tun_mtu(_metadata, PMTU);
	TH_LOG("MTU %d at %llu ms", PMTU,
	       (unsigned long long)(xt_now_ms() - w->t0));
	take_resends(_metadata, w, start, data, BURST_MSS);
	ASSERT_EQ(fails, xt_snmp("Ip:", "FragFails"))
		TH_LOG("a segment too big for the device was sent");
	check_mss(_metadata, w->fd, PMTU_MSS, PMTU);
}

/* The MTU falls before the tail loss probe: the probe fits. */
TEST_F(wire, mtu_drop_then_probe)
{
	struct wire *w = &self->w;
	long long probes = xt_mib("TCPLossProbes");
	static uint8_t data[BURST_MSS];
	uint32_t start;

	establish_sack(_metadata, w, 20);
	start = one_full_segment(_metadata, w, data);
	mtu_drop_resends(_metadata, w, start, data);
	ASSERT_EQ(probes + 1, xt_mib("TCPLossProbes"));
}

/* The MTU falls after the probe: the timer's resend fits. */
TEST_F(wire, mtu_drop_then_timeout)
{
	struct wire *w = &self->w;
	long long timeouts = xt_mib("TCPTimeouts");
	static uint8_t data[BURST_MSS];
	uint32_t start;
	struct rx r;

	establish_sack(_metadata, w, 20);
	start = one_full_segment(_metadata, w, data);
	rx_expect(_metadata, w, &r, 2000, "the loss probe");
	ASSERT_EQ(start, r.s.seq);
	ASSERT_EQ(BURST_MSS, r.s.plen);
	TH_LOG("the probe at %llu ms", (unsigned long long)(r.t - w->t0));
	mtu_drop_resends(_metadata, w, start, data);
	ASSERT_LT(timeouts, xt_mib("TCPTimeouts"));
}

TEST_HARNESS_MAIN
