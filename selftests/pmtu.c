// SPDX-License-Identifier: GPL-2.0
/*
 * Path MTU discovery (RFC 1191) through a router.  Three namespaces:
 *
 *   A  xra 10.82.1.1 --veth-- xrr0 10.82.1.2  R  xrr1 10.82.2.1 --veth-- xrb 10.82.2.2  B
 *
 * Every device has an MTU of 1500, so both hosts offer an MSS of 1460;
 * only R's routes, of MTU 1280 both ways, take less.  (A 1280-byte
 * device at either host would lower the MSS both offer, and discovery
 * would never run; unequal MTUs on the two ends of a veth would drop
 * what is too big without a word.)  R drops each segment of DF set that
 * does not fit and answers "fragmentation needed, MTU 1280"
 * (FragFails); the sender must lower its MSS to 1228 (with timestamps),
 * resend what was dropped, and finish the transfer, hashed.  With
 * IP_PMTUDISC_DONT the sender sets no DF and R fragments instead.
 * Every case holds for Linux TCP too (XTCP_TEST_FAMILY=inet).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "xtcp_harness.h"

#define MB		((size_t)1024 * 1024)
#define IP_A		"10.82.1.1"
#define IP_B		"10.82.2.2"
#define PMTU		1280
#define PMTU_MSS	(PMTU - 40U - 12)	/* headers and timestamps */

struct hop {
	int ns_a, ns_r, ns_b;
};

FIXTURE(pmtu) {
	struct hop h;
};

FIXTURE_SETUP(pmtu)
{
	self->h.ns_a = self->h.ns_r = self->h.ns_b = -1;
	XT_INIT();
}

FIXTURE_TEARDOWN(pmtu)
{
	if (self->h.ns_a >= 0)
		xt_netns_enter(self->h.ns_a);
	if (self->h.ns_r >= 0)
		close(self->h.ns_r);
	if (self->h.ns_b >= 0)
		close(self->h.ns_b);
	if (self->h.ns_a >= 0)
		close(self->h.ns_a);
}

/* The topology above; the caller stays in A.  0, or -1 with @why set. */
static int hop_setup(struct hop *h, char *why, size_t len)
{
	pid_t pid = getpid();

	if (!xt_isolated()) {
		snprintf(why, len, "needs a namespace of its own (XTCP_TEST_NETNS=0)");
		return -1;
	}
	if (!xt_have_prog("ip")) {
		snprintf(why, len, "iproute2 'ip' not installed");
		return -1;
	}
	h->ns_a = xt_netns_cur();
	h->ns_r = xt_netns_new();
	h->ns_b = xt_netns_new();
	if (h->ns_a < 0 || h->ns_r < 0 || h->ns_b < 0) {
		snprintf(why, len, "cannot make a netns: %s", strerror(errno));
		return -1;
	}
	if (xt_sh("ip link add xra address 02:00:00:00:82:01 type veth peer name xrr0 address 02:00:00:00:82:02 netns /proc/%d/fd/%d && "
		  "ip addr add " IP_A "/24 dev xra && ip link set xra up && "
		  "ip neigh replace 10.82.1.2 lladdr 02:00:00:00:82:02 dev xra nud permanent && "
		  "ip route add 10.82.2.0/24 via 10.82.1.2",
		  pid, h->ns_r)) {
		snprintf(why, len, "cannot set up A (CONFIG_VETH?)");
		return -1;
	}
	if (xt_netns_enter(h->ns_r) ||
	    xt_sh("ip link add xrr1 address 02:00:00:00:82:03 type veth peer name xrb address 02:00:00:00:82:04 netns /proc/%d/fd/%d && "
		  "ip addr add 10.82.1.2/24 dev xrr0 && ip link set xrr0 up && "
		  "ip addr add 10.82.2.1/24 dev xrr1 && ip link set xrr1 up && "
		  "ip neigh replace " IP_A " lladdr 02:00:00:00:82:01 dev xrr0 nud permanent && "
		  "ip neigh replace " IP_B " lladdr 02:00:00:00:82:04 dev xrr1 nud permanent && "
		  "echo 1 > /proc/sys/net/ipv4/ip_forward && "
		  "for i in all default xrr0 xrr1; do echo 0 > /proc/sys/net/ipv4/conf/$i/rp_filter; done && "
		  "ip route replace 10.82.2.0/24 dev xrr1 src 10.82.2.1 mtu %d && "
		  "ip route replace 10.82.1.0/24 dev xrr0 src 10.82.1.2 mtu %d",
		  pid, h->ns_b, PMTU, PMTU)) {
		snprintf(why, len, "cannot set up R");
		return -1;
	}
	if (xt_netns_enter(h->ns_b) ||
	    xt_sh("ip addr add " IP_B "/24 dev xrb && ip link set xrb up && "
		  "ip neigh replace 10.82.2.1 lladdr 02:00:00:00:82:03 dev xrb nud permanent && "
		  "ip route add 10.82.1.0/24 via 10.82.2.1") ||
	    xt_link_wait_running("xrb", 3000)) {
		snprintf(why, len, "cannot set up B");
		return -1;
	}
	if (xt_netns_enter(h->ns_r) || xt_link_wait_running("xrr0", 3000) ||
	    xt_link_wait_running("xrr1", 3000) || xt_netns_enter(h->ns_a) ||
	    xt_link_wait_running("xra", 3000)) {
		snprintf(why, len, "the links do not come up");
		return -1;
	}
	return 0;
}

enum pmtu_case {
	A_TO_B,			/* A's client sends */
	B_TO_A,			/* B's accepted socket sends */
	A_TO_B_NO_OFFLOAD,	/* tso, gso, tx checksums off on xra and xrb */
	A_TO_B_DONT,		/* A's client sets IP_PMTUDISC_DONT */
};

static long long in_ns(int ns, int back, long long (*fn)(const char *,
							  const char *),
		       const char *prefix, const char *name)
{
	long long v;

	if (xt_netns_enter(ns))
		return -2;
	v = fn(prefix, name);
	if (xt_netns_enter(back))
		return -2;
	return v;
}

static long long mib(const char *prefix, const char *name)
{
	(void)prefix;
	return xt_mib(name);
}

/* 4 MB from the sender the case names, then what the sender and R saw. */
static void hop_transfer(struct __test_metadata *_metadata, struct hop *h,
			 enum pmtu_case pc)
{
	long long dest_unreach, frag_fails, frag_creates, retrans, timeouts;
	long long local_fails;
	bool dont = pc == A_TO_B_DONT;
	int l, c, s, snd, snd_ns;
	uint16_t port = 0;
	struct tcp_info ti;
	char why[256];
	uint64_t t0;

	if (pc == A_TO_B_NO_OFFLOAD && !xt_have_prog("ethtool"))
		SKIP(return, "ethtool not installed");
	ASSERT_EQ(0, hop_setup(h, why, sizeof(why))) TH_LOG("%s", why);
	if (pc == A_TO_B_NO_OFFLOAD) {
		ASSERT_EQ(0, xt_sh("ethtool -K xra tso off gso off tx off"));
		ASSERT_OK(xt_netns_enter(h->ns_b));
		ASSERT_EQ(0, xt_sh("ethtool -K xrb tso off gso off tx off"));
	}
	ASSERT_OK(xt_netns_enter(h->ns_b));
	l = xt_listener(IP_B, &port, 1);
	ASSERT_LE(0, l);
	ASSERT_OK(xt_netns_enter(h->ns_a));
	c = xt_socket();
	ASSERT_LE(0, c);
	if (dont)
		ASSERT_OK(xt_set_int(c, SOL_IP, IP_MTU_DISCOVER,
				     IP_PMTUDISC_DONT));
	ASSERT_OK(xt_connect(c, IP_B, port));
	ASSERT_OK(xt_netns_enter(h->ns_b));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	close(l);
	snd = pc == B_TO_A ? s : c;
	snd_ns = pc == B_TO_A ? h->ns_b : h->ns_a;

	dest_unreach = in_ns(snd_ns, h->ns_a, xt_snmp, "Icmp:",
			     "InDestUnreachs");
	retrans = in_ns(snd_ns, h->ns_a, mib, NULL, "RetransSegs");
	timeouts = in_ns(snd_ns, h->ns_a, mib, NULL, "TCPTimeouts");
	frag_fails = in_ns(h->ns_r, h->ns_a, xt_snmp, "Ip:", "FragFails");
	frag_creates = in_ns(h->ns_r, h->ns_a, xt_snmp, "Ip:", "FragCreates");
	local_fails = in_ns(snd_ns, h->ns_a, xt_snmp, "Ip:", "FragFails");
	ASSERT_LE(0, dest_unreach);
	ASSERT_LE(0, frag_fails);

	t0 = xt_now_ms();
	ASSERT_EQ(0, xt_bulk(snd, snd == c ? s : c, 4 * MB, 65536, 82, why,
			     sizeof(why))) TH_LOG("%s", why);
	dest_unreach = in_ns(snd_ns, h->ns_a, xt_snmp, "Icmp:",
			     "InDestUnreachs") - dest_unreach;
	retrans = in_ns(snd_ns, h->ns_a, mib, NULL, "RetransSegs") - retrans;
	timeouts = in_ns(snd_ns, h->ns_a, mib, NULL, "TCPTimeouts") - timeouts;
	frag_fails = in_ns(h->ns_r, h->ns_a, xt_snmp, "Ip:", "FragFails") -
		     frag_fails;
	frag_creates = in_ns(h->ns_r, h->ns_a, xt_snmp, "Ip:",
			     "FragCreates") - frag_creates;
	local_fails = in_ns(snd_ns, h->ns_a, xt_snmp, "Ip:", "FragFails") -
		      local_fails;
	TH_LOG("%llu ms; sender: %lld ICMP unreachable, %lld too big for its own route, %lld segments resent, %lld timeouts; router: %lld dropped, %lld fragments",
	       (unsigned long long)(xt_now_ms() - t0), dest_unreach,
	       local_fails, retrans, timeouts, frag_fails, frag_creates);

	ASSERT_OK(xt_tcp_info(snd, &ti));
	if (dont) {
		/* No DF: R fragments, and nobody hears of the MTU. */
		ASSERT_LT(0, frag_creates);
		ASSERT_EQ(0, frag_fails);
		ASSERT_EQ(0, dest_unreach);
		ASSERT_EQ(1448U, ti.tcpi_snd_mss);
		ASSERT_EQ(1500, xt_get_int(snd, SOL_IP, IP_MTU));
	} else {
		ASSERT_LT(0, frag_fails);
		ASSERT_LT(0, dest_unreach);
		ASSERT_EQ(0, frag_creates);
		/* What R dropped went again. */
		ASSERT_LT(0, retrans);
		ASSERT_EQ(PMTU_MSS, ti.tcpi_snd_mss);
		ASSERT_EQ((int)PMTU_MSS,
			  xt_get_int(snd, IPPROTO_TCP, TCP_MAXSEG));
		ASSERT_EQ(PMTU, xt_get_int(snd, SOL_IP, IP_MTU));
		ASSERT_EQ((uint32_t)PMTU, ti.tcpi_pmtu);
	}
	close(c);
	close(s);
}

TEST_F_TIMEOUT(pmtu, router_1280_a_to_b, 60)
{
	hop_transfer(_metadata, &self->h, A_TO_B);
}

/* The accepted socket's route is its own, made from the SYN's addresses. */
TEST_F_TIMEOUT(pmtu, router_1280_b_to_a, 60)
{
	hop_transfer(_metadata, &self->h, B_TO_A);
}

/* MSS-sized packets, each its own ICMP's cause. */
TEST_F_TIMEOUT(pmtu, router_1280_no_offload, 60)
{
	hop_transfer(_metadata, &self->h, A_TO_B_NO_OFFLOAD);
}

TEST_F_TIMEOUT(pmtu, router_1280_pmtudisc_dont, 60)
{
	hop_transfer(_metadata, &self->h, A_TO_B_DONT);
}

TEST_HARNESS_MAIN
