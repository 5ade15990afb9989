// SPDX-License-Identifier: GPL-2.0
/*
 * Wire-level conformance against a fake peer (wire_peer.h): the SYN-ACK
 * and its options as Linux lays them out, a SYN with data, the SYN and
 * SYN-ACK retransmission timers, a bad ACK in SYN_RECV, the option
 * sysctls, and SYN cookies (net.xtcp.syncookies, as tcp_syncookies).
 * Every expectation holds for Linux's TCP too (XTCP_TEST_FAMILY=inet).
 */
#include "wire_peer.h"

TEST_F(wire, synack_options)
{
	struct wire *w = &self->w;
	uint8_t opt[40], want[40];
	size_t olen, wlen;
	struct rx r;

	listen_on(_metadata, w, 0);
	olen = syn_opts(opt, O_MSS | O_SACK | O_TS | O_WS, MTU_MSS,
			0x01020304, 7);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &r);
	ASSERT_EQ(40U, r.s.hlen);
	/* Our TSval echoed; the host's own TSval is its business. */
	wlen = syn_opts(want, O_MSS | O_SACK | O_TS | O_WS, MTU_MSS,
			get32(r.opt + 8), syn_wscale());
	put32(want + 12, 0x01020304);
	check_opts(_metadata, &r, want, wlen);
	ASSERT_EQ(syn_window(true), r.s.win);
}

TEST_F(wire, synack_no_options)
{
	struct wire *w = &self->w;
	uint8_t want[4];
	struct rx r;

	listen_on(_metadata, w, 0);
	syn_synack(_metadata, w, NULL, 0, NULL, 0, &r);
	syn_opts(want, O_MSS, MTU_MSS, 0, 0);
	ASSERT_EQ(24U, r.s.hlen);
	check_opts(_metadata, &r, want, 4);
	ASSERT_EQ(syn_window(false), r.s.win);
}

TEST_F(wire, synack_unknown_options)
{
	static const uint8_t unk[] = {
		253, 6, 0xab, 0xcd, 0x01, 0x02,	/* RFC 6994 experimental */
		80, 3, 0xee,			/* unassigned, odd length */
		1,				/* NOP */
	};
	struct wire *w = &self->w;
	uint8_t opt[40], want[40];
	size_t olen, wlen;
	struct rx r;

	listen_on(_metadata, w, 0);
	memcpy(opt, unk, sizeof(unk));
	olen = sizeof(unk);
	olen += syn_opts(opt + olen, O_MSS | O_SACK | O_TS | O_WS, 1400,
			 0x0a0b0c0d, 7);
	ASSERT_GE(40U, olen);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &r);
	wlen = syn_opts(want, O_MSS | O_SACK | O_TS | O_WS, MTU_MSS,
			get32(r.opt + 8), syn_wscale());
	put32(want + 12, 0x0a0b0c0d);
	check_opts(_metadata, &r, want, wlen);
	ASSERT_EQ(syn_window(true), r.s.win);
}

TEST_F(wire, synack_option_past_header)
{
	static const uint8_t opt[] = {
		2, 4, 0x05, 0x78,		/* MSS 1400 */
		4, 2,				/* SACK-permitted */
		1, 1,
		3, 3, 7,			/* window scale 7 */
		8, 10, 0, 0, 0,			/* timestamps: 10 bytes, 5 left */
	};
	uint8_t want[12] = {
		2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7,
	};
	struct wire *w = &self->w;
	struct rx r;

	want[11] = syn_wscale();
	listen_on(_metadata, w, 0);
	syn_synack(_metadata, w, opt, sizeof(opt), NULL, 0, &r);
	check_opts(_metadata, &r, want, sizeof(want));
	ASSERT_EQ(syn_window(false), r.s.win);
}

TEST_F(wire, syn_with_data)
{
	struct wire *w = &self->w;
	struct rx r;

	listen_on(_metadata, w, 0);
	syn_synack(_metadata, w, NULL, 0, "early data", 10, &r);
	ASSERT_EQ(PEER_ISS + 1, r.s.ack);
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, w->fd);
	rx_none(_metadata, w, 200, "the handshake's ACK");
	nothing_to_read(_metadata, w->fd);
	peer_data(_metadata, w, "early data", 10);
}

/*
 * The handshake gives the first RTT sample (RFC 6298 2.2): on a passive
 * open, from the SYN-ACK to the ACK of it (Linux's tcp_synack_rtt_meas(),
 * from the timestamp echo or, without timestamps, the SYN-ACK's send
 * time).  The peer ACKs 100 ms late, so SRTT is about 100 ms and the RTO
 * SRTT + max(4 RTTVAR, 200 ms), about 300 ms: the first retransmission
 * of data comes then, not after the initial 1 s.
 */
static void handshake_rtt(struct __test_metadata *_metadata, struct wire *w,
			  bool ts)
{
	struct tcp_info ti;
	uint8_t opt[40];
	uint64_t sent;
	size_t olen;
	struct rx r;

	listen_on(_metadata, w, 0);
	olen = syn_opts(opt, ts ? O_MSS | O_TS : O_MSS, MTU_MSS,
			peer_tsval(w), 0);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &r);
	if (ts)
		w->ts_ecr = rx_tsval(&r);
	sleep_until(r.t + 100);
	if (ts)
		peer_ack(_metadata, w, w->rcv_nxt, NULL, 0);
	else
		SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, w->fd) TH_LOG("accept: %s", strerror(errno));
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	TH_LOG("timestamps %d: rtt %u us, rttvar %u us, rto %u us", ts,
	       ti.tcpi_rtt, ti.tcpi_rttvar, ti.tcpi_rto);
	ASSERT_LE(100000U, ti.tcpi_rtt);
	ASSERT_GE(150000U, ti.tcpi_rtt);
	ASSERT_LE(300000U, ti.tcpi_rto);
	ASSERT_GE(450000U, ti.tcpi_rto);

	ASSERT_EQ(10, send(w->fd, "0123456789", 10, 0));
	rx_expect(_metadata, w, &r, 1000, "the data");
	sent = r.t;
	rx_expect(_metadata, w, &r, 2000, "a retransmission");
	check_seg(_metadata, w, &r, TH_ACK | TH_PSH, w->rcv_nxt, w->snd_nxt,
		  10);
	TH_LOG("first retransmission after %llu ms",
	       (unsigned long long)(r.t - sent));
	ASSERT_LE(ti.tcpi_rto / 1000 - 20, r.t - sent);
	ASSERT_GE(ti.tcpi_rto / 1000 + 150, r.t - sent);
}

TEST_F(wire, handshake_rtt_sample)
{
	handshake_rtt(_metadata, &self->w, false);
}

TEST_F(wire, handshake_rtt_sample_ts)
{
	handshake_rtt(_metadata, &self->w, true);
}

TEST_F_TIMEOUT(wire, syn_retransmit, 30)
{
	struct wire *w = &self->w;
	uint8_t want[40];
	uint32_t iss = 0, ts = 0;
	int linear = 0;
	uint64_t last = 0;
	struct rx r;
	size_t wlen;
	int i, fd;

	if (!access("/proc/sys/net/ipv4/tcp_syn_linear_timeouts", R_OK))
		linear = (int)sysctl_last("/proc/sys/net/ipv4/tcp_syn_linear_timeouts");
	fd = xt_socket_flags(SOCK_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_OK(xt_bind(fd, HOST_IP, HPORT));
	ASSERT_ERRNO(xt_connect(fd, PEER_IP, PPORT), EINPROGRESS);
	w->fd = fd;
	for (i = 0; i < 4; i++) {
		rx_expect(_metadata, w, &r, 8000, "a SYN");
		if (!i) {
			iss = r.s.seq;
			ts = get32(r.opt + 8);
		}
		check_seg(_metadata, w, &r, TH_SYN, iss, 0, 0);
		ASSERT_EQ(0U, r.s.ack);
		ASSERT_EQ(syn_window(false), r.s.win);
		wlen = syn_opts(want, O_MSS | O_SACK | O_TS | O_WS, MTU_MSS,
				get32(r.opt + 8), syn_wscale());
		check_opts(_metadata, &r, want, wlen);
		ASSERT_FALSE(seq_before(get32(r.opt + 8), ts));
		ts = get32(r.opt + 8);
		if (i) {
			TH_LOG("SYN %d after %llu ms (linear timeouts: %d)",
			       i + 1, (unsigned long long)(r.t - last), linear);
			ASSERT_TIMER(r.t - last,
				     1000ULL << (i <= linear ? 0 : i - 1 - linear),
				     "SYN retransmission");
		}
		last = r.t;
	}
	ASSERT_STATE(fd, XTCP_SYN_SENT);
}

TEST_F(wire, syn_recv_bad_ack)
{
	struct wire *w = &self->w;
	uint32_t bad[2];
	struct rx r;
	int i;

	listen_on(_metadata, w, 0);
	syn_synack(_metadata, w, NULL, 0, NULL, 0, &r);
	bad[0] = w->rcv_nxt + 1000;	/* beyond the SYN-ACK */
	bad[1] = w->rcv_nxt - 1;	/* the ISN itself: not SND.UNA < ack */
	for (i = 0; i < 2; i++) {
		SEND(w, TH_ACK, w->snd_nxt, bad[i], NULL, 0);
		rx_expect(_metadata, w, &r, 1000, "a RST");
		check_seg(_metadata, w, &r, TH_RST, bad[i], 0, 0);
		ASSERT_EQ(20U, r.s.hlen);
	}
	ASSERT_EQ(-1, accept_within(w->lfd, 100));
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 2000);
	ASSERT_LE(0, w->fd) TH_LOG("the handshake did not complete");
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);
	peer_data(_metadata, w, "ok", 2);
}

/*
 * A half-open connection holds no port: Linux keeps it as a request
 * socket, outside the bind table.  Once its listener is closed, the
 * port can be bound and listened on again at once, and the old
 * handshake's ACK is answered with a RST (seq = its ACK), not taken by
 * the new listener.  XTCP's child is a full socket: it used to keep the
 * port until its ACK or timer came, so that a bind() right after the
 * close failed with EADDRINUSE.
 */
TEST_F(wire, closed_listener_half_open_frees_port)
{
	struct wire *w = &self->w;
	char s[256];
	struct rx r;
	int l2;

	listen_on(_metadata, w, 0);
	syn_synack(_metadata, w, NULL, 0, NULL, 0, &r);
	ASSERT_OK(close(w->lfd));
	w->lfd = xt_socket();
	ASSERT_LE(0, w->lfd);
	l2 = w->lfd;
	ASSERT_EQ(0, xt_bind(l2, HOST_IP, w->hport))
		TH_LOG("the half-open connection keeps the port: %s",
		       strerror(errno));
	ASSERT_OK(listen(l2, 8));

	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	rx_expect(_metadata, w, &r, 1000, "a RST");
	ASSERT_TRUE(r.s.flags & TH_RST) TH_LOG("%s", rx_str(&r, s, sizeof(s)));
	ASSERT_EQ(w->rcv_nxt, r.s.seq) TH_LOG("%s", rx_str(&r, s, sizeof(s)));
	ASSERT_EQ(-1, accept_within(l2, 200));
}

TEST_F_TIMEOUT(wire, synack_retries_sysctl, 30)
{
	struct wire *w = &self->w;
	struct rx r, again;
	uint32_t iss;

	ASSERT_OK(xt_sysctl_set("synack_retries", "1"));
	listen_on(_metadata, w, 0);
	syn_synack(_metadata, w, NULL, 0, NULL, 0, &r);
	iss = r.s.seq;
	rx_expect(_metadata, w, &again, 3000, "the SYN-ACK again");
	check_seg(_metadata, w, &again, TH_SYN | TH_ACK, iss, PEER_ISS + 1, 0);
	ASSERT_TIMER(again.t - r.t, 1000ULL, "SYN-ACK retransmission");
	rx_none(_metadata, w, 3500, "the one SYN-ACK retransmission");
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	rx_expect(_metadata, w, &r, 1000, "a RST for the late ACK");
	check_seg(_metadata, w, &r, TH_RST, w->rcv_nxt, 0, 0);
	ASSERT_EQ(-1, accept_within(w->lfd, 100));
}

TEST_F(wire, option_sysctls)
{
	static const struct {
		const char *name;
		unsigned int left_out;
	} knobs[] = {
		{ "timestamps", O_TS },
		{ "sack", O_SACK },
		{ "window_scaling", O_WS },
	};
	const unsigned int all = O_MSS | O_SACK | O_TS | O_WS;
	struct wire *w = &self->w;
	uint8_t opt[40], want[40];
	size_t olen, wlen;
	unsigned int i, which;
	struct rx r;
	int fd;

	listen_on(_metadata, w, 0);
	olen = syn_opts(opt, all, MTU_MSS, 0x01020304, 7);
	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		ASSERT_OK(xt_sysctl_set(knobs[i].name, "0"));
		which = all & ~knobs[i].left_out;

		/* The SYN-ACK, to a fresh port of the peer's. */
		w->pport = PPORT + i;
		syn_synack(_metadata, w, opt, olen, NULL, 0, &r);
		wlen = syn_opts(want, which, MTU_MSS,
				which & O_TS ? get32(r.opt + 8) : 0,
				syn_wscale());
		if (which & O_TS)
			put32(want + 12, 0x01020304);
		check_opts(_metadata, &r, want, wlen);
		ASSERT_EQ(syn_window(which & O_TS), r.s.win);
		SEND(w, TH_RST, w->snd_nxt, 0, NULL, 0);

		/* Our own SYN. */
		fd = xt_socket_flags(SOCK_NONBLOCK);
		ASSERT_LE(0, fd);
		ASSERT_OK(xt_bind(fd, HOST_IP, HPORT + 10 + i));
		ASSERT_ERRNO(xt_connect(fd, PEER_IP, w->pport), EINPROGRESS);
		rx_expect(_metadata, w, &r, 2000, "a SYN");
		w->hport = HPORT + 10 + i;
		check_seg(_metadata, w, &r, TH_SYN, r.s.seq, 0, 0);
		w->hport = HPORT;
		wlen = syn_opts(want, which, MTU_MSS,
				which & O_TS ? get32(r.opt + 8) : 0,
				syn_wscale());
		check_opts(_metadata, &r, want, wlen);
		ASSERT_EQ(0, xt_close_rst(fd));
		rx_drain(w);

		ASSERT_OK(xt_sysctl_set(knobs[i].name, "1"));
	}
}

/* ---- SYN cookies ---- */

/* The peer's ACK of the SYN-ACK @synack, with timestamps, and @dlen bytes. */
static void cookie_ack(struct __test_metadata *_metadata, struct wire *w,
		       const struct rx *synack, uint32_t ack, const void *data,
		       size_t dlen)
{
	uint8_t o[12] = { 1, 1, 8, 10 };

	put32(o + 4, 0x01020305);
	put32(o + 8, rx_tsval(synack));
	if (rx_tsval(synack))
		SEND_SEG(w, TH_ACK, w->snd_nxt, ack, o, sizeof(o), data, dlen);
	else
		SEND(w, TH_ACK, w->snd_nxt, ack, data, dlen);
}

/*
 * net.xtcp.syncookies 2: every SYN gets a cookie, and nothing is kept:
 * no SYN-ACK again, nothing to accept.  The SYN-ACK offers what a usual
 * one does; the ACK that returns the cookie, here with data, makes the
 * connection, with the window scale and SACK-permitted its echoed
 * timestamp carried back, and the MSS the cookie encodes (1460, one of
 * its four).
 */
TEST_F_TIMEOUT(wire, syncookie_always, 30)
{
	struct wire *w = &self->w;
	long long sent = xt_mib("SyncookiesSent");
	long long got = xt_mib("SyncookiesRecv");
	long long full = xt_mib("TCPReqQFullDoCookies");
	uint8_t opt[40], want[40];
	struct tcp_info ti;
	size_t olen, wlen;
	struct rx r, synack;
	char buf[16];
	int fd;

	ASSERT_OK(xt_sysctl_set("syncookies", "2"));
	listen_on(_metadata, w, 0);
	olen = syn_opts(opt, O_MSS | O_SACK | O_TS | O_WS, MTU_MSS,
			0x01020304, 7);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &synack);
	wlen = syn_opts(want, O_MSS | O_SACK | O_TS | O_WS, MTU_MSS,
			rx_tsval(&synack), syn_wscale());
	put32(want + 12, 0x01020304);
	check_opts(_metadata, &synack, want, wlen);
	ASSERT_EQ(syn_window(true), synack.s.win);
	ASSERT_EQ(sent + 1, xt_mib("SyncookiesSent"));
	ASSERT_EQ(full + 1, xt_mib("TCPReqQFullDoCookies"));
	/* Nothing kept: a usual SYN-ACK would go again after 1 s. */
	rx_none(_metadata, w, 1500, "a cookie's SYN-ACK again");
	ASSERT_GT(0, accept_within(w->lfd, 10));

	cookie_ack(_metadata, w, &synack, w->rcv_nxt, "cookie", 6);
	w->snd_nxt += 6;
	rx_expect(_metadata, w, &r, 1000, "the ACK of the data");
	ASSERT_EQ(w->snd_nxt, r.s.ack);
	fd = accept_within(w->lfd, 1000);
	ASSERT_LE(0, fd);
	w->fd = fd;
	ASSERT_STATE(fd, XTCP_ESTABLISHED);
	ASSERT_EQ(6, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	ASSERT_EQ(0, memcmp(buf, "cookie", 6));
	ASSERT_EQ(got + 1, xt_mib("SyncookiesRecv"));
	ASSERT_OK(xt_tcp_info(fd, &ti));
	ASSERT_EQ(TCPI_OPT_SACK | TCPI_OPT_TIMESTAMPS | TCPI_OPT_WSCALE,
		  ti.tcpi_options & (TCPI_OPT_SACK | TCPI_OPT_TIMESTAMPS |
				     TCPI_OPT_WSCALE));
	ASSERT_EQ(7, (int)ti.tcpi_snd_wscale);
	ASSERT_EQ(syn_wscale(), (int)ti.tcpi_rcv_wscale);
	ASSERT_EQ((uint32_t)(MTU_MSS - TSOPT_LEN), ti.tcpi_snd_mss);

	/* Data back, at the cookie's sequence numbers. */
	ASSERT_EQ(5, send(fd, "hello", 5, 0));
	rx_expect(_metadata, w, &r, 1000, "data");
	ASSERT_EQ(w->rcv_nxt, r.s.seq);
	ASSERT_EQ(5U, r.s.plen);
}

/*
 * Without timestamps a cookie carries back only the MSS, rounded down
 * to one of its four values (536, 1300, 1440, 1460): the SYN-ACK offers
 * nothing else, and a 1000-byte MSS comes back as 536.
 */
TEST_F(wire, syncookie_no_timestamps)
{
	struct wire *w = &self->w;
	uint8_t opt[40], want[4];
	struct tcp_info ti;
	size_t olen;
	struct rx synack;

	ASSERT_OK(xt_sysctl_set("syncookies", "2"));
	listen_on(_metadata, w, 0);
	olen = syn_opts(opt, O_MSS | O_SACK | O_WS, 1000, 0, 7);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &synack);
	syn_opts(want, O_MSS, MTU_MSS, 0, 0);
	check_opts(_metadata, &synack, want, 4);
	SEND(w, TH_ACK, w->snd_nxt, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 1000);
	ASSERT_LE(0, w->fd);
	ASSERT_OK(xt_tcp_info(w->fd, &ti));
	ASSERT_EQ(0, ti.tcpi_options & (TCPI_OPT_SACK | TCPI_OPT_TIMESTAMPS |
					TCPI_OPT_WSCALE));
	ASSERT_EQ(536U, ti.tcpi_snd_mss);
}

/* An ACK whose cookie is wrong is refused: a RST, SyncookiesFailed. */
TEST_F(wire, syncookie_bad_ack)
{
	struct wire *w = &self->w;
	long long failed = xt_mib("SyncookiesFailed");
	uint8_t opt[40];
	size_t olen;
	struct rx r, synack;

	ASSERT_OK(xt_sysctl_set("syncookies", "2"));
	listen_on(_metadata, w, 0);
	olen = syn_opts(opt, O_MSS | O_SACK | O_TS | O_WS, MTU_MSS,
			0x01020304, 7);
	syn_synack(_metadata, w, opt, olen, NULL, 0, &synack);
	cookie_ack(_metadata, w, &synack, w->rcv_nxt + 1, NULL, 0);
	rx_expect(_metadata, w, &r, 1000, "a RST");
	check_seg(_metadata, w, &r, TH_RST, w->rcv_nxt + 1, 0, 0);
	ASSERT_EQ(failed + 1, xt_mib("SyncookiesFailed"));
	ASSERT_GT(0, accept_within(w->lfd, 100));
}

/* A SYN from the peer's port @port; the SYN-ACK in @r, if @want. */
static void syn_from(struct __test_metadata *_metadata, struct wire *w,
		     uint16_t port, bool want, struct rx *r)
{
	uint8_t opt[40];
	size_t olen = syn_opts(opt, O_MSS | O_SACK | O_TS | O_WS, MTU_MSS,
			       0x01020304, 7);

	w->pport = port;
	SEND_SEG(w, TH_SYN, PEER_ISS, 0, opt, olen, NULL, 0);
	if (want) {
		rx_expect(_metadata, w, r, 1000, "SYN-ACK");
		check_seg(_metadata, w, r, TH_SYN | TH_ACK, r->s.seq,
			  PEER_ISS + 1, 0);
		ASSERT_EQ(port, r->s.dport);
	} else {
		rx_none(_metadata, w, 300, "a SYN-ACK with cookies off");
	}
}

/*
 * net.xtcp.syncookies 1, the default: a listener of backlog 1 queues two
 * half-open connections (Linux's queue may exceed the backlog by one),
 * answers the third with a cookie, which still connects.  With cookies
 * off, the next SYN is dropped.
 */
TEST_F(wire, syncookie_when_full)
{
	struct wire *w = &self->w;
	long long sent = xt_mib("SyncookiesSent");
	long long full = xt_mib("TCPReqQFullDoCookies");
	long long drop = xt_mib("TCPReqQFullDrop");
	long long drops = xt_mib("ListenDrops");
	struct rx r;

	w->lfd = xt_socket();
	ASSERT_LE(0, w->lfd);
	ASSERT_OK(xt_bind(w->lfd, HOST_IP, w->hport));
	ASSERT_OK(listen(w->lfd, 1));
	syn_from(_metadata, w, PPORT, true, &r);
	syn_from(_metadata, w, PPORT + 1, true, &r);
	ASSERT_EQ(sent, xt_mib("SyncookiesSent"));
	syn_from(_metadata, w, PPORT + 2, true, &r);
	ASSERT_EQ(sent + 1, xt_mib("SyncookiesSent"));
	ASSERT_EQ(full + 1, xt_mib("TCPReqQFullDoCookies"));
	w->snd_nxt = PEER_ISS + 1;
	w->rcv_nxt = r.s.seq + 1;
	cookie_ack(_metadata, w, &r, w->rcv_nxt, NULL, 0);
	w->fd = accept_within(w->lfd, 1000);
	ASSERT_LE(0, w->fd);
	ASSERT_STATE(w->fd, XTCP_ESTABLISHED);

	ASSERT_OK(xt_sysctl_set("syncookies", "0"));
	syn_from(_metadata, w, PPORT + 3, false, &r);
	ASSERT_EQ(drop + 1, xt_mib("TCPReqQFullDrop"));
	ASSERT_EQ(drops + 1, xt_mib("ListenDrops"));
	ASSERT_EQ(sent + 1, xt_mib("SyncookiesSent"));
}

TEST_HARNESS_MAIN
