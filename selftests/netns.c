// SPDX-License-Identifier: GPL-2.0
/*
 * Network namespaces and /proc/net/xtcp: each namespace has its own ports
 * and sockets, its own /proc/net/xtcp, and that file has /proc/net/tcp's
 * format (header, addresses, states, queues, inode).  In inet mode the same
 * assertions run on /proc/net/tcp.
 */
#include <sys/stat.h>

#include "xtcp_harness.h"

FIXTURE(ns) {
	int a, b;	/* the test's namespace and a second one */
};

FIXTURE_SETUP(ns)
{
	XT_INIT();
	self->a = xt_netns_cur();
	ASSERT_LE(0, self->a);
	self->b = xt_netns_new();
	ASSERT_LE(0, self->b) TH_LOG("second netns: %s", strerror(errno));
}

FIXTURE_TEARDOWN(ns)
{
}

/* The same address and port, bound and listening in two namespaces. */
TEST_F(ns, same_port_two_namespaces)
{
	uint16_t port = 0;
	int la, lb, c, s;
	char b;

	la = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, la);
	ASSERT_OK(xt_netns_enter(self->b));
	lb = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, lb) TH_LOG("bind in b: %s", strerror(errno));

	/* A client in b reaches b's listener... */
	c = xt_connect_to(XT_LOOP, port);
	ASSERT_LE(0, c);
	ASSERT_EQ(1, send(c, "b", 1, 0));
	ASSERT_OK(xt_set_nonblock(la, true));
	ASSERT_ERRNO(accept(la, NULL, NULL), EAGAIN);
	s = accept(lb, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_EQ(1, recv(s, &b, 1, 0));
	ASSERT_EQ('b', b);

	/* ...and one in a reaches a's. */
	ASSERT_OK(xt_netns_enter(self->a));
	c = xt_connect_to(XT_LOOP, port);
	ASSERT_LE(0, c);
	ASSERT_EQ(POLLIN, xt_poll1(la, POLLIN, 2000));
	ASSERT_OK(xt_set_nonblock(lb, true));
	ASSERT_ERRNO(accept(lb, NULL, NULL), EAGAIN);
	ASSERT_LE(0, accept(la, NULL, NULL));
}

/* A listener in a cannot be reached from b: ECONNREFUSED. */
TEST_F(ns, invisible_across_namespaces)
{
	uint16_t port = 0;
	int la, c;

	la = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, la);
	ASSERT_OK(xt_netns_enter(self->b));
	ASSERT_ERRNO(xt_connect_to(XT_LOOP, port), ECONNREFUSED);
	/* And b may bind the port without SO_REUSEADDR. */
	c = xt_socket();
	ASSERT_LE(0, c);
	ASSERT_OK(xt_bind(c, XT_LOOP, port));
	ASSERT_OK(xt_netns_enter(self->a));
	ASSERT_STATE(la, XTCP_LISTEN);
}

/* A socket keeps the namespace it was created in, wherever it is used. */
TEST_F(ns, socket_stays_in_its_namespace)
{
	uint16_t port = 0;
	int la, c;

	la = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, la);
	c = xt_socket();		/* made in a */
	ASSERT_LE(0, c);
	ASSERT_OK(xt_netns_enter(self->b));
	ASSERT_OK(xt_connect(c, XT_LOOP, port));	/* called from b */
	ASSERT_OK(xt_netns_enter(self->a));
	ASSERT_LE(0, accept(la, NULL, NULL));
}

/* Each namespace's /proc file lists only its own sockets. */
TEST_F(ns, proc_per_namespace)
{
	uint16_t pa = 0, pb = 0;
	int la, lb;

	if (!xt_isolated())
		SKIP(return, "needs a namespace of its own (XTCP_TEST_NETNS=0)");
	ASSERT_EQ(0, xt_proc_count()) TH_LOG("a fresh namespace has no sockets");
	la = xt_listener(XT_LOOP, &pa, 1);
	ASSERT_LE(0, la);
	ASSERT_EQ(1, xt_proc_count());
	ASSERT_EQ(XTCP_LISTEN, xt_proc_state(pa, 0));

	ASSERT_OK(xt_netns_enter(self->b));
	ASSERT_EQ(0, xt_proc_count());
	ASSERT_EQ(-1, xt_proc_state(pa, 0));
	pb = pa + 1;
	lb = xt_listener(XT_LOOP, &pb, 1);
	ASSERT_LE(0, lb);
	ASSERT_EQ(1, xt_proc_count());
	ASSERT_EQ(XTCP_LISTEN, xt_proc_state(pb, 0));

	ASSERT_OK(xt_netns_enter(self->a));
	ASSERT_EQ(1, xt_proc_count());
	ASSERT_EQ(-1, xt_proc_state(pb, 0));
	close(la);
	ASSERT_EQ(0, xt_proc_count());
}

/* A counter as nstat shows it, read through XTCP's files; -1 if none. */
static long long nstat_get(const char *name)
{
	char out[4096], key[64], *line, *save;
	long long v = -1, val;

	if (xt_sh_out(out, sizeof(out),
		      "PROC_NET_SNMP=/proc/net/xtcp_snmp PROC_NET_NETSTAT=/proc/net/xtcp_netstat nstat -asz %s 2>/dev/null",
		      name) < 0)
		return -1;
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%63s %lld", key, &val) == 2 &&
		    !strcmp(key, name))
			v = val;
	return v;
}

/*
 * The Tcp MIB counts per namespace, as Linux's: a fresh namespace starts
 * at zero, and one connection, one refused connect and a close count
 * exactly what /proc/net/snmp would.  In inet mode, /proc/net/snmp.
 */
TEST_F(ns, mib_counters)
{
	uint16_t port = 0, closed;
	int l, c, s, i;
	char b;

	ASSERT_OK(xt_netns_enter(self->b));
	ASSERT_EQ(0, xt_mib("ActiveOpens"));
	ASSERT_EQ(0, xt_mib("PassiveOpens"));
	ASSERT_EQ(0, xt_mib("InSegs"));
	ASSERT_EQ(0, xt_mib("CurrEstab"));
	ASSERT_EQ(200, xt_mib("RtoMin"));
	ASSERT_EQ(120000, xt_mib("RtoMax"));
	ASSERT_EQ(0, xt_mib("ListenOverflows"));

	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	c = xt_connect_to(XT_LOOP, port);
	ASSERT_LE(0, c);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_EQ(1, send(c, "x", 1, 0));
	ASSERT_EQ(1, recv(s, &b, 1, 0));
	ASSERT_EQ(2, xt_mib("CurrEstab"));
	ASSERT_EQ(1, xt_mib("ActiveOpens"));
	ASSERT_EQ(1, xt_mib("PassiveOpens"));

	/* Nobody listens on the port after it: RST, ECONNREFUSED. */
	closed = port + 1;
	ASSERT_ERRNO(xt_connect_to(XT_LOOP, closed), ECONNREFUSED);
	ASSERT_EQ(2, xt_mib("ActiveOpens"));
	ASSERT_EQ(1, xt_mib("AttemptFails"));
	ASSERT_EQ(1, xt_mib("OutRsts"));
	/* nstat reads XTCP's files as it reads Linux's. */
	if (xt_family() != AF_INET && xt_have_prog("nstat")) {
		ASSERT_EQ(2, nstat_get("TcpActiveOpens"));
		ASSERT_EQ(0, nstat_get("TcpExtTCPTimeouts"));
	}

	close(c);
	close(s);
	ASSERT_EQ(0, xt_mib("CurrEstab"));
	ASSERT_EQ(0, xt_mib("EstabResets"));
	/* Everything sent on loopback arrives: the two counts meet. */
	for (i = 0; i < 50 && xt_mib("InSegs") != xt_mib("OutSegs"); i++)
		xt_msleep(20);
	ASSERT_LT(0, xt_mib("OutSegs"));
	ASSERT_EQ(xt_mib("OutSegs"), xt_mib("InSegs"));
	ASSERT_EQ(0, xt_mib("InErrs"));
	ASSERT_EQ(0, xt_mib("InCsumErrors"));
	ASSERT_EQ(0, xt_mib("RetransSegs"));
	close(l);
}

/* The header line is /proc/net/tcp's, byte for byte. */
TEST_F(ns, proc_header)
{
	char hdr[512], first[512], tcp_hdr[512];
	FILE *f;

	XT_XTCP_ONLY();
	ASSERT_OK(xt_proc_lines(hdr, sizeof(hdr), first, sizeof(first)));
	f = fopen("/proc/thread-self/net/tcp", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(tcp_hdr, sizeof(tcp_hdr), f));
	fclose(f);
	ASSERT_STREQ(tcp_hdr, hdr);
}

/*
 * Lines: addresses as the raw __be32 in hex, ports in hex, st, queues and
 * the socket's inode (what ss/lsof/netstat match fds with).
 */
TEST_F(ns, proc_lines)
{
	struct xt_proc_ent e;
	struct stat st;
	uint16_t port = 0, cport;
	int l, c, s;
	char b[8];

	l = xt_listener(XT_LOOP, &port, 7);
	ASSERT_LE(0, l);
	ASSERT_OK(xt_proc_find(port, 0, &e));
	ASSERT_EQ(htonl(INADDR_LOOPBACK), e.laddr);
	ASSERT_EQ(0U, e.raddr);
	ASSERT_EQ(XTCP_LISTEN, e.st);
	ASSERT_OK(fstat(l, &st));
	ASSERT_EQ((unsigned long)st.st_ino, e.inode);
	/*
	 * A listener's rx_queue is its accept queue length; tx_queue is 0
	 * (write_seq - snd_una; the backlog shows only through inet_diag).
	 */
	ASSERT_EQ(0U, e.tx_queue);
	ASSERT_EQ(0U, e.rx_queue);

	c = xt_connect_to(XT_LOOP, port);
	ASSERT_LE(0, c);
	cport = xt_local_port(c);
	ASSERT_OK(xt_proc_find(port, 0, &e));
	ASSERT_EQ(1U, e.rx_queue);

	ASSERT_OK(xt_proc_find(cport, port, &e));
	ASSERT_EQ(htonl(INADDR_LOOPBACK), e.laddr);
	ASSERT_EQ(htonl(INADDR_LOOPBACK), e.raddr);
	ASSERT_EQ(XTCP_ESTABLISHED, e.st);
	ASSERT_OK(fstat(c, &st));
	ASSERT_EQ((unsigned long)st.st_ino, e.inode);

	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_OK(xt_proc_find(port, cport, &e));
	ASSERT_EQ(XTCP_ESTABLISHED, e.st);
	ASSERT_OK(fstat(s, &st));
	ASSERT_EQ((unsigned long)st.st_ino, e.inode);
	ASSERT_EQ(0U, e.rx_queue);

	/* Unread bytes show in rx_queue. */
	ASSERT_EQ(5, send(c, "12345", 5, 0));
	ASSERT_EQ(POLLIN, xt_poll1(s, POLLIN, 2000));
	ASSERT_OK(xt_proc_find(port, cport, &e));
	ASSERT_EQ(5U, e.rx_queue);
	ASSERT_EQ(5, recv(s, b, sizeof(b), 0));
	ASSERT_OK(xt_proc_find(port, cport, &e));
	ASSERT_EQ(0U, e.rx_queue);
	ASSERT_OK(xt_proc_find(port, 0, &e));
	ASSERT_EQ(0U, e.rx_queue);
}

/* A connection between two namespaces over veth shows in both files. */
TEST_F(ns, proc_veth_both_sides)
{
	struct xt_proc_ent e;
	struct xt_veth v;
	uint16_t port = 0, cport;
	char why[128];
	int l, c, s;

	if (xt_veth_setup(&v, 1500, why, sizeof(why)))
		SKIP(return, "%s", why);
	l = xt_listener(v.ip_a, &port, 1);
	ASSERT_LE(0, l);
	ASSERT_OK(xt_netns_enter(v.ns_b));
	c = xt_connect_to(v.ip_a, port);
	ASSERT_LE(0, c);
	cport = xt_local_port(c);
	ASSERT_OK(xt_proc_find(cport, port, &e));
	ASSERT_EQ(inet_addr(v.ip_b), e.laddr);
	ASSERT_EQ(inet_addr(v.ip_a), e.raddr);
	ASSERT_EQ(XTCP_ESTABLISHED, e.st);
	ASSERT_EQ(-1, xt_proc_state(port, 0));	/* a's listener: not here */
	ASSERT_OK(xt_netns_enter(v.ns_a));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_OK(xt_proc_find(port, cport, &e));
	ASSERT_EQ(inet_addr(v.ip_a), e.laddr);
	ASSERT_EQ(inet_addr(v.ip_b), e.raddr);
	ASSERT_EQ(XTCP_ESTABLISHED, e.st);
	xt_veth_free(&v);
}

TEST_HARNESS_MAIN
