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
 * - about a listener's SYN-ACK, an unreachable host drops the half-open
 *   connection (ListenDrops).
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
 * sequence number replaced by @seq.
 */
static void icmp_error(struct __test_metadata *_metadata, struct wire *w,
		       const struct rx *r, uint8_t type, uint8_t code,
		       uint32_t seq)
{
	size_t ihl = (r->pkt[0] & 15) * 4, quote = ihl + 8;
	uint8_t icmp[8 + 60 + 8] = { type, code };

	ASSERT_GE(sizeof(icmp), 8 + quote);
	memcpy(icmp + 8, r->pkt, quote);
	put32(icmp + 8 + ihl + 4, seq);
	put16(icmp + 2, xt_ip_csum(icmp, 8 + quote));
	ASSERT_OK(inject_ip(w, IPPROTO_ICMP, icmp, 8 + quote));
}

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

TEST_HARNESS_MAIN
