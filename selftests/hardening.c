// SPDX-License-Identifier: GPL-2.0
/*
 * Triggers of defects a security review found, each a regression test
 * that runs on XTCP and on Linux TCP (XTCP_TEST_FAMILY=inet), which does
 * the right thing: a freed socket left in the port table, children queued
 * on a socket that no longer listens, a persist timer that never gives
 * up, IPsec inbound policy skipped, multicast memberships never dropped,
 * buffer sysctls without bounds.  The wire-level ones (RFC 5961 ACK
 * checks, rate limits) are in wire.c; what needs the module to unload is
 * in unload.c.
 */
#include <fcntl.h>
#include <net/if.h>

#include "xtcp_harness.h"

FIXTURE(hard) {
	int unused;
};

FIXTURE_SETUP(hard)
{
	XT_INIT();
}

FIXTURE_TEARDOWN(hard)
{
}

#define PORT	7070

/*
 * A child queued for accept() and reset by its peer, then dropped with
 * its listener (closed, or shut down first): it must leave the port
 * table before it is freed.  XTCP once kept it there, and the next
 * bind() or listen() walked freed memory (under slab debugging: a soft
 * lockup in a looping bind chain).  Each round binds the same port anew.
 */
TEST_F(hard, reset_child_leaves_port)
{
	int i, l, c;

	for (i = 0; i < 200; i++) {
		l = xt_socket();
		ASSERT_LE(0, l);
		ASSERT_EQ(0, xt_bind(l, XT_LOOP, PORT))
			TH_LOG("round %d: the port is still taken: %s", i,
			       strerror(errno));
		ASSERT_OK(listen(l, 8));
		c = xt_connect_to(XT_LOOP, PORT);
		ASSERT_LE(0, c) TH_LOG("round %d: %s", i, strerror(errno));
		ASSERT_OK(xt_close_rst(c));	/* the child is reset */
		if (i % 2)
			ASSERT_OK(shutdown(l, SHUT_RDWR));
		ASSERT_OK(close(l));
	}
	ASSERT_EQ(0, xt_proc_count()) TH_LOG("sockets left in /proc");
}

/*
 * A listener stops listening (shutdown(SHUT_RD), or connect(AF_UNSPEC))
 * while a child is half open: the peer's ACK then finds no listener, and
 * is answered with a RST, as Linux drops the request.  XTCP once queued
 * the child on the closed socket, where nothing ever freed it.  The
 * loopback delays every packet 100 ms so that the child is in SYN_RECV
 * when the listener stops.
 */
static void late_child(struct __test_metadata *_metadata, bool unspec)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	uint16_t port = 0;
	int l, c, err;
	socklen_t len = sizeof(err);
	char b;

	ASSERT_EQ(0, xt_sh("tc qdisc add dev lo root netem delay 100ms"));
	l = xt_listener(XT_LOOP, &port, 8);
	ASSERT_LE(0, l);
	c = xt_socket_flags(SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	ASSERT_ERRNO(xt_connect(c, XT_LOOP, port), EINPROGRESS);
	xt_msleep(150);		/* the SYN is in, the SYN-ACK on its way */
	if (unspec)
		ASSERT_OK(connect(l, &sa, sizeof(sa)));
	else
		ASSERT_OK(shutdown(l, SHUT_RD));
	ASSERT_STATE(l, XTCP_CLOSE);
	/* Connected at 200 ms; its ACK is answered with a RST at 300 ms. */
	ASSERT_LT(0, xt_poll1(c, POLLIN, 3000));
	ASSERT_ERRNO(recv(c, &b, 1, MSG_DONTWAIT), ECONNRESET);
	ASSERT_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	ASSERT_EQ(0, err);
	ASSERT_ERRNO(accept(l, NULL, NULL), EINVAL);
	ASSERT_OK(close(c));
	ASSERT_OK(close(l));
	ASSERT_EQ(0, xt_sh("tc qdisc del dev lo root"));
	ASSERT_EQ(0, xt_proc_count()) TH_LOG("sockets left in /proc");
}

TEST_F(hard, shut_rd_listener_drops_late_child)
{
	late_child(_metadata, false);
}

TEST_F(hard, unspec_listener_drops_late_child)
{
	late_child(_metadata, true);
}

/*
 * Data held back by a zero window: the persist timer probes, and the
 * peer (here a reader that never reads) answers each probe.  RFC 1122
 * keeps such a connection open, but TCP_USER_TIMEOUT bounds it: after a
 * second of probing the sender gives up with ETIMEDOUT (Linux's
 * tcp_probe_timer()).  @orphan: the sender closed its socket first, and
 * the orphan must go, or it holds its send buffer for ever.
 */
static void zero_window(struct __test_metadata *_metadata, bool orphan)
{
	uint16_t sport, cport;
	int c, s, err;
	socklen_t len = sizeof(err);
	uint64_t t0;

	ASSERT_OK(xt_pair_rcvbuf(4096, &c, &s));
	ASSERT_OK(xt_set_int(s, SOL_TCP, TCP_USER_TIMEOUT, 1000));
	ASSERT_OK(xt_fill_sndbuf(s));
	sport = xt_local_port(s);
	cport = xt_local_port(c);
	t0 = xt_now_ms();
	if (orphan) {
		ASSERT_OK(close(s));
		ASSERT_EQ(-1, xt_proc_wait_state(sport, cport, -1, 8000))
			TH_LOG("the orphan is still there after 8 s");
	} else {
		ASSERT_LT(0, xt_poll1(s, POLLIN, 8000))
			TH_LOG("no error after 8 s");
		ASSERT_OK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
		ASSERT_EQ(ETIMEDOUT, err);
		ASSERT_STATE(s, XTCP_CLOSE);
		ASSERT_OK(close(s));
	}
	TH_LOG("gave up after %llu ms", (unsigned long long)(xt_now_ms() - t0));
	ASSERT_LE(1000ULL, xt_now_ms() - t0);
	/* The reader saw nothing of it: no RST (Linux's tcp_write_err()). */
	ASSERT_STATE(c, XTCP_ESTABLISHED);
	ASSERT_OK(xt_close_rst(c));
}

TEST_F_TIMEOUT(hard, zero_window_user_timeout, 30)
{
	zero_window(_metadata, false);
}

TEST_F_TIMEOUT(hard, zero_window_orphan_user_timeout, 30)
{
	zero_window(_metadata, true);
}

/*
 * An IPsec policy that requires ESP for inbound segments of the protocol:
 * a plaintext SYN is dropped before anything answers it, so the connect
 * stays in SYN_SENT.  Without the policy the same connect succeeds.
 */
TEST_F(hard, xfrm_inbound_policy)
{
	struct xt_veth v;
	char why[256];
	int l, c;
	uint16_t port = 0;

	xt_sh("modprobe xfrm_user 2>/dev/null");
	ASSERT_EQ(0, xt_veth_setup(&v, 1500, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_OK(xt_netns_enter(v.ns_b));
	l = xt_listener(v.ip_b, &port, 8);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, xt_sh("ip xfrm policy add src %s/32 dst %s/32 proto %d dir in "
			   "tmpl proto esp mode transport level required",
			   v.ip_a, v.ip_b, xt_wire_protocol()));
	ASSERT_OK(xt_netns_enter(v.ns_a));
	c = xt_socket_flags(SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	ASSERT_ERRNO(xt_connect(c, v.ip_b, port), EINPROGRESS);
	ASSERT_EQ(0, xt_poll1(c, POLLOUT, 1500))
		TH_LOG("the plaintext SYN was answered");
	ASSERT_STATE(c, XTCP_SYN_SENT);
	ASSERT_OK(close(c));

	ASSERT_OK(xt_netns_enter(v.ns_b));
	ASSERT_EQ(0, xt_sh("ip xfrm policy flush"));
	ASSERT_OK(xt_netns_enter(v.ns_a));
	c = xt_connect_to(v.ip_b, port);
	ASSERT_LE(0, c) TH_LOG("without the policy: %s", strerror(errno));
	ASSERT_OK(xt_close_rst(c));
	ASSERT_OK(close(l));
	xt_veth_free(&v);
}

/* Is the group (network order) joined on lo?  /proc/net/igmp prints it raw. */
static bool lo_joined(uint32_t group)
{
	char line[256], want[16];
	bool in_lo = false, found = false;
	FILE *f = fopen("/proc/net/igmp", "r");

	if (!f)
		return false;
	snprintf(want, sizeof(want), "%08X", group);
	while (fgets(line, sizeof(line), f)) {
		char dev[16];

		if (line[0] != '\t') {	/* "Idx\tDevice : Count..." */
			in_lo = sscanf(line, "%*d %15s", dev) == 1 &&
				!strcmp(dev, "lo");
			continue;
		}
		if (in_lo && strstr(line, want))
			found = true;
	}
	fclose(f);
	return found;
}

/*
 * Multicast memberships on a stream socket: IP_ADD_MEMBERSHIP and
 * IP_DROP_MEMBERSHIP are refused with EPROTO, as on TCP sockets;
 * MCAST_JOIN_GROUP works on any IPv4 socket, and the membership ends with
 * the socket (Linux's inet_release()).  XTCP once left it joined for ever.
 */
TEST_F(hard, multicast_membership_dropped)
{
	struct ip_mreqn mreq = { .imr_ifindex = 1 };
	struct group_req gr = { .gr_interface = 1 };
	struct sockaddr_in *gs = (struct sockaddr_in *)&gr.gr_group;
	uint32_t group = inet_addr("239.1.2.3");
	int fd;

	ASSERT_EQ(1, (int)if_nametoindex("lo"));
	fd = xt_socket();
	ASSERT_LE(0, fd);
	mreq.imr_multiaddr.s_addr = group;
	ASSERT_ERRNO(setsockopt(fd, SOL_IP, IP_ADD_MEMBERSHIP, &mreq,
				sizeof(mreq)), EPROTO);
	ASSERT_ERRNO(setsockopt(fd, SOL_IP, IP_DROP_MEMBERSHIP, &mreq,
				sizeof(mreq)), EPROTO);
	ASSERT_FALSE(lo_joined(group));
	gs->sin_family = AF_INET;
	gs->sin_addr.s_addr = group;
	ASSERT_OK(setsockopt(fd, SOL_IP, MCAST_JOIN_GROUP, &gr, sizeof(gr)));
	ASSERT_TRUE(lo_joined(group));
	ASSERT_OK(close(fd));
	ASSERT_FALSE(lo_joined(group)) TH_LOG("the membership outlived its socket");

	/* Left explicitly, then closed: no double leave. */
	fd = xt_socket();
	ASSERT_LE(0, fd);
	ASSERT_OK(setsockopt(fd, SOL_IP, MCAST_JOIN_GROUP, &gr, sizeof(gr)));
	ASSERT_OK(setsockopt(fd, SOL_IP, MCAST_LEAVE_GROUP, &gr, sizeof(gr)));
	ASSERT_FALSE(lo_joined(group));
	ASSERT_OK(close(fd));
}

/*
 * rmem and wmem in a namespace other than the first (every test runs in
 * one of its own): a new namespace copies the first one's values.  XTCP
 * refuses any value above the first namespace's maximum with EINVAL and
 * changes nothing, so that an unprivileged user in a namespace of their
 * own cannot give sockets unbounded kernel memory.  Linux takes any
 * value there: tcp_mem, which only the host sets, bounds what all
 * sockets hold together, and XTCP has no such bound yet.
 */
TEST_F(hard, buffer_sysctl_bounds)
{
	static const char *const names[] = { "rmem", "wmem" };
	char val[64], want[64];
	long v[3];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		const char *n = names[i];

		ASSERT_OK(xt_sysctl_mem(n, v));
		snprintf(want, sizeof(want), "%ld\t%ld\t%ld", v[0], v[1], v[2]);
		snprintf(val, sizeof(val), "%ld %ld %ld", v[0], v[1], v[2] + 1);
		if (xt_inet()) {
			ASSERT_OK(xt_sysctl_set(n, val));
			ASSERT_OK(xt_sysctl_set(n, want));
			continue;
		}
		ASSERT_ERRNO(xt_sysctl_set(n, val), EINVAL);
		snprintf(val, sizeof(val), "%ld %ld %ld", v[0], v[2] + 1, v[2]);
		ASSERT_ERRNO(xt_sysctl_set(n, val), EINVAL);
		snprintf(val, sizeof(val), "%ld %ld %ld", v[0], v[1], 0x7fffffffL);
		ASSERT_ERRNO(xt_sysctl_set(n, val), EINVAL);
		ASSERT_OK(xt_sysctl_get(n, val, sizeof(val)));
		ASSERT_STREQ(want, val) TH_LOG("%s changed by a refused write", n);
		/* Lower, and back up to the host's maximum: both allowed. */
		snprintf(val, sizeof(val), "%ld %ld %ld", v[0], v[0], v[0]);
		ASSERT_OK(xt_sysctl_set(n, val));
		ASSERT_OK(xt_sysctl_set(n, want));
		ASSERT_OK(xt_sysctl_get(n, val, sizeof(val)));
		ASSERT_STREQ(want, val);
	}
}

TEST_HARNESS_MAIN
