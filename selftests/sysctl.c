// SPDX-License-Identifier: GPL-2.0
/*
 * net.xtcp.* sysctls: their defaults, their limits (exact errnos), and that
 * each one moves what it names.  Every test runs in a namespace of its own,
 * whose knobs it may change.  With XTCP_TEST_FAMILY=inet the same tests run
 * on Linux TCP's net.ipv4.tcp_* knobs: the reference for each behaviour.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "xtcp_harness.h"

FIXTURE(sysctl) {
	int unused;
};

FIXTURE_SETUP(sysctl)
{
	XT_INIT();
	if (!xt_isolated())
		SKIP(return, "changes the namespace's sysctls (XTCP_TEST_NETNS=0)");
}

FIXTURE_TEARDOWN(sysctl)
{
}

#define ASSERT_SYSCTL(name, want) do {					\
	char __v[256];							\
	ASSERT_OK(xt_sysctl_get(name, __v, sizeof(__v)));		\
	ASSERT_STREQ(want, __v);					\
} while (0)

#define SET_SYSCTL(name, val)	ASSERT_OK(xt_sysctl_set(name, val))

/* Linux 6.1/6.12 on a machine of a few GB: tcp_rmem/wmem's defaults. */
static const char *mem_default(bool rmem)
{
	return rmem ? "4096\t131072\t6291456" : "4096\t16384\t4194304";
}

static void cong_of(struct __test_metadata *_metadata, int fd, char *name,
		    size_t len)
{
	socklen_t l = len;

	memset(name, 0, len);
	ASSERT_OK(getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &l));
}

/*
 * A new namespace has every knob, at Linux's defaults, and a new socket
 * takes them: buffers, keepalive times, the
 * congestion control algorithm.
 */
TEST_F(sysctl, defaults)
{
	char cc[64], name[16], path[128];
	long rmem[3], wmem[3];
	int fd;

	ASSERT_SYSCTL("rmem", mem_default(true));
	ASSERT_SYSCTL("wmem", mem_default(false));
	ASSERT_SYSCTL("syn_retries", "6");
	ASSERT_SYSCTL("synack_retries", "5");
	ASSERT_SYSCTL("fin_timeout", "60");
	ASSERT_SYSCTL("keepalive_time", "7200");
	ASSERT_SYSCTL("keepalive_intvl", "75");
	ASSERT_SYSCTL("keepalive_probes", "9");
	ASSERT_SYSCTL("timestamps", "1");
	ASSERT_SYSCTL("sack", "1");
	ASSERT_SYSCTL("window_scaling", "1");
	ASSERT_SYSCTL("notsent_lowat", "4294967295");
	ASSERT_SYSCTL("ecn", "2");
	ASSERT_SYSCTL("ecn_fallback", "1");
	ASSERT_SYSCTL("frto", "2");
	ASSERT_SYSCTL("slow_start_after_idle", "1");
	ASSERT_SYSCTL("limit_output_bytes", "1048576");
	ASSERT_SYSCTL("congestion_control", "cubic");
	ASSERT_SYSCTL("syncookies", "1");
	if (!xt_inet()) {
		/* Linux's lists what is loaded, in its order: reno first. */
		ASSERT_SYSCTL("available_congestion_control", "reno cubic");
		/* XTCP's own: super-segments over loopback and veth. */
		ASSERT_SYSCTL("gso", "1");
		/* Linux's is half its connection table, which XTCP's is not. */
		ASSERT_SYSCTL("max_tw_buckets", "16384");
	}
	/* Read-only, as Linux's is, root or not. */
	xt_sysctl_path("available_congestion_control", path, sizeof(path));
	ASSERT_ERRNO(open(path, O_WRONLY), EACCES);

	fd = xt_socket();
	ASSERT_LE(0, fd);
	ASSERT_OK(xt_sysctl_mem("rmem", rmem));
	ASSERT_OK(xt_sysctl_mem("wmem", wmem));
	ASSERT_EQ(rmem[1], xt_get_int(fd, SOL_SOCKET, SO_RCVBUF));
	ASSERT_EQ(wmem[1], xt_get_int(fd, SOL_SOCKET, SO_SNDBUF));
	ASSERT_EQ(7200, xt_get_int(fd, IPPROTO_TCP, TCP_KEEPIDLE));
	ASSERT_EQ(75, xt_get_int(fd, IPPROTO_TCP, TCP_KEEPINTVL));
	ASSERT_EQ(9, xt_get_int(fd, IPPROTO_TCP, TCP_KEEPCNT));
	ASSERT_OK(xt_sysctl_get("congestion_control", cc, sizeof(cc)));
	cong_of(_metadata, fd, name, sizeof(name));
	ASSERT_STREQ(cc, name);
	close(fd);
}

/*
 * Out-of-range writes fail with EINVAL and change nothing; the limits are
 * Linux's: syn_retries 1-127, the u8 knobs 0-255 (frto and
 * slow_start_after_idle and syncookies too), ecn 0-2, ecn_fallback 0-1, buffers from
 * 4096 (rmem) or 1 (wmem).  An unknown algorithm is
 * ENOENT.
 */
TEST_F(sysctl, limits)
{
	ASSERT_ERRNO(xt_sysctl_set("syn_retries", "0"), EINVAL);
	ASSERT_ERRNO(xt_sysctl_set("syn_retries", "128"), EINVAL);
	ASSERT_SYSCTL("syn_retries", "6");
	SET_SYSCTL("syn_retries", "127");
	ASSERT_SYSCTL("syn_retries", "127");
	ASSERT_ERRNO(xt_sysctl_set("synack_retries", "256"), EINVAL);
	ASSERT_ERRNO(xt_sysctl_set("keepalive_probes", "256"), EINVAL);
	ASSERT_ERRNO(xt_sysctl_set("sack", "256"), EINVAL);
	ASSERT_ERRNO(xt_sysctl_set("window_scaling", "-1"), EINVAL);
	ASSERT_SYSCTL("window_scaling", "1");
	/* Not 0 is on: Linux keeps what was written. */
	SET_SYSCTL("sack", "2");
	ASSERT_SYSCTL("sack", "2");
	ASSERT_ERRNO(xt_sysctl_set("rmem", "0 131072 6291456"), EINVAL);
	ASSERT_ERRNO(xt_sysctl_set("wmem", "0 16384 4194304"), EINVAL);
	ASSERT_SYSCTL("rmem", mem_default(true));
	ASSERT_ERRNO(xt_sysctl_set("congestion_control", "no-such-cc"), ENOENT);
	ASSERT_ERRNO(xt_sysctl_set("ecn", "3"), EINVAL);
	ASSERT_ERRNO(xt_sysctl_set("ecn", "-1"), EINVAL);
	ASSERT_ERRNO(xt_sysctl_set("ecn_fallback", "2"), EINVAL);
	ASSERT_SYSCTL("ecn", "2");
	SET_SYSCTL("ecn", "1");
	ASSERT_SYSCTL("ecn", "1");
	ASSERT_ERRNO(xt_sysctl_set("frto", "256"), EINVAL);
	ASSERT_ERRNO(xt_sysctl_set("slow_start_after_idle", "256"), EINVAL);
	ASSERT_ERRNO(xt_sysctl_set("syncookies", "256"), EINVAL);
	ASSERT_ERRNO(xt_sysctl_set("syncookies", "-1"), EINVAL);
	ASSERT_SYSCTL("syncookies", "1");
	ASSERT_ERRNO(xt_sysctl_set("slow_start_after_idle", "-1"), EINVAL);
	ASSERT_SYSCTL("slow_start_after_idle", "1");
	SET_SYSCTL("frto", "3");
	ASSERT_SYSCTL("frto", "3");
	SET_SYSCTL("slow_start_after_idle", "255");
	ASSERT_SYSCTL("slow_start_after_idle", "255");
	if (!xt_inet()) {
		/* XTCP's own knob, 0 to 2: no Linux twin to compare. */
		ASSERT_ERRNO(xt_sysctl_set("gso", "3"), EINVAL);
		ASSERT_ERRNO(xt_sysctl_set("gso", "-1"), EINVAL);
		SET_SYSCTL("gso", "2");
		ASSERT_SYSCTL("gso", "2");
	}
	SET_SYSCTL("congestion_control", "reno");
	ASSERT_SYSCTL("congestion_control", "reno");
	SET_SYSCTL("congestion_control", "cubic");
	ASSERT_SYSCTL("congestion_control", "cubic");
}

/* rmem[1] and wmem[1] are a new socket's SO_RCVBUF and SO_SNDBUF. */
TEST_F(sysctl, buffers)
{
	int fd;

	SET_SYSCTL("rmem", "4096 65536 6291456");
	SET_SYSCTL("wmem", "4096 32768 4194304");
	ASSERT_SYSCTL("rmem", "4096\t65536\t6291456");
	fd = xt_socket();
	ASSERT_LE(0, fd);
	ASSERT_EQ(65536, xt_get_int(fd, SOL_SOCKET, SO_RCVBUF));
	ASSERT_EQ(32768, xt_get_int(fd, SOL_SOCKET, SO_SNDBUF));
	close(fd);
}

/*
 * rmem[2] sets the window scale a SYN offers, with net.core.rmem_max:
 * ilog2(max(rmem[2], rmem_max)) - 15, so 7 for 6 MB and 2 for the
 * 212992 of rmem_max alone (Linux's tcp_select_initial_window()).
 */
TEST_F(sysctl, rmem_max_window_scale)
{
	struct tcp_info ti;
	long rmem_max = -1;
	int c, s, want = -15, here, init;
	FILE *f;

	/* net.core.rmem_max is global; 6.1 shows it in the first netns only. */
	here = xt_netns_cur();
	ASSERT_LE(0, here);
	init = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, init);
	ASSERT_OK(xt_netns_enter(init));
	f = fopen("/proc/sys/net/core/rmem_max", "r");
	ASSERT_OK(xt_netns_enter(here));
	close(init);
	close(here);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%ld", &rmem_max));
	fclose(f);
	if (rmem_max > 4 * 1024 * 1024)
		SKIP(return, "net.core.rmem_max %ld: the scale would not move",
		     rmem_max);
	for (; rmem_max > 1; rmem_max >>= 1)
		want++;

	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(xt_tcp_info(c, &ti));
	ASSERT_EQ(7, (int)ti.tcpi_rcv_wscale);
	close(c);
	close(s);

	SET_SYSCTL("rmem", "4096 131072 4096");
	ASSERT_OK(xt_pair(&c, &s));
	ASSERT_OK(xt_tcp_info(c, &ti));
	ASSERT_EQ(want < 0 ? 0 : want, (int)ti.tcpi_rcv_wscale);
	ASSERT_OK(xt_tcp_info(s, &ti));
	ASSERT_EQ(want < 0 ? 0 : want, (int)ti.tcpi_rcv_wscale);
	close(c);
	close(s);
}

/* Options a connection over loopback ends up with, on both ends. */
static unsigned int pair_options(struct __test_metadata *_metadata)
{
	struct tcp_info ti;
	unsigned int o;
	int c, s;

	if (xt_pair(&c, &s))
		return ~0U;
	if (xt_tcp_info(c, &ti))
		return ~0U;
	o = ti.tcpi_options & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK |
			       TCPI_OPT_WSCALE);
	if (xt_tcp_info(s, &ti))
		return ~0U;
	EXPECT_EQ(o, (unsigned int)(ti.tcpi_options & (TCPI_OPT_TIMESTAMPS |
		  TCPI_OPT_SACK | TCPI_OPT_WSCALE)));
	close(c);
	close(s);
	return o;
}

/* timestamps, sack and window_scaling: each off leaves only that out. */
TEST_F(sysctl, options)
{
	const unsigned int all = TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK |
				 TCPI_OPT_WSCALE;

	ASSERT_EQ(all, pair_options(_metadata));
	SET_SYSCTL("timestamps", "0");
	ASSERT_EQ(all & ~TCPI_OPT_TIMESTAMPS, pair_options(_metadata));
	SET_SYSCTL("timestamps", "1");
	SET_SYSCTL("sack", "0");
	ASSERT_EQ(all & ~TCPI_OPT_SACK, pair_options(_metadata));
	SET_SYSCTL("sack", "1");
	SET_SYSCTL("window_scaling", "0");
	ASSERT_EQ(all & ~TCPI_OPT_WSCALE, pair_options(_metadata));
	SET_SYSCTL("timestamps", "0");
	SET_SYSCTL("sack", "0");
	ASSERT_EQ(0U, pair_options(_metadata));
}

/*
 * syn_retries 1: one retransmitted SYN (at 1 s), then ETIMEDOUT at the
 * next timeout (3 s).  Debian's 6.12 adds tcp_syn_linear_timeouts retries
 * 1 s apart: set to 0 here so both kernels count the same.
 */
TEST_F_TIMEOUT(sysctl, syn_retries, 30)
{
	uint64_t t0, ms;
	int fd;

	if (!xt_have_prog("tc"))
		SKIP(return, "tc (iproute2) not installed");
	if (!access("/proc/sys/net/ipv4/tcp_syn_linear_timeouts", W_OK)) {
		int l = open("/proc/sys/net/ipv4/tcp_syn_linear_timeouts",
			     O_WRONLY);

		ASSERT_LE(0, l);
		ASSERT_EQ(1, write(l, "0", 1));
		close(l);
	}
	SET_SYSCTL("syn_retries", "1");
	ASSERT_OK(xt_netem_loss("lo", false));
	fd = xt_socket();
	ASSERT_LE(0, fd);
	t0 = xt_now_ms();
	ASSERT_ERRNO(xt_connect(fd, XT_LOOP, 9), ETIMEDOUT);
	ms = xt_now_ms() - t0;
	TH_LOG("ETIMEDOUT after %llu ms", (unsigned long long)ms);
	ASSERT_LE(2800ULL, ms);
	ASSERT_GE(6000ULL, ms);
	ASSERT_EQ(1, xt_mib("RetransSegs"));
	ASSERT_OK(xt_netem_loss("lo", true));
	close(fd);
}

/*
 * keepalive_time, keepalive_intvl and keepalive_probes are a socket's
 * TCP_KEEPIDLE/INTVL/CNT unless it sets its own, read when used: 1 s idle,
 * 2 probes 1 s apart find a dead peer in about 3 s.
 */
TEST_F_TIMEOUT(sysctl, keepalive, 30)
{
	uint64_t t0, ms;
	char b;
	int c, s;

	if (!xt_have_prog("tc"))
		SKIP(return, "tc (iproute2) not installed");
	ASSERT_OK(xt_pair(&c, &s));
	t0 = xt_now_ms();
	SET_SYSCTL("keepalive_time", "1");
	SET_SYSCTL("keepalive_intvl", "1");
	SET_SYSCTL("keepalive_probes", "2");
	ASSERT_EQ(1, xt_get_int(c, IPPROTO_TCP, TCP_KEEPIDLE));
	ASSERT_EQ(1, xt_get_int(c, IPPROTO_TCP, TCP_KEEPINTVL));
	ASSERT_EQ(2, xt_get_int(c, IPPROTO_TCP, TCP_KEEPCNT));
	ASSERT_OK(xt_set_int(c, SOL_SOCKET, SO_KEEPALIVE, 1));
	ASSERT_OK(xt_netem_loss("lo", false));
	ASSERT_ERRNO(recv(c, &b, 1, 0), ETIMEDOUT);
	ms = xt_now_ms() - t0;
	TH_LOG("ETIMEDOUT after %llu ms", (unsigned long long)ms);
	ASSERT_LE(2500ULL, ms);
	ASSERT_GE(10000ULL, ms);
	ASSERT_OK(xt_netem_loss("lo", true));
	close(c);
	close(s);
}

/*
 * fin_timeout: how long an orphan waits in FIN_WAIT2 for the peer's FIN.
 * At 2 s, the closed client is still in FIN_WAIT2 at 1.2 s and gone
 * (from /proc/net/xtcp, or tcp) well before the default 60 s.
 */
TEST_F_TIMEOUT(sysctl, fin_timeout, 30)
{
	uint16_t cport, sport;
	uint64_t t0, ms;
	int c, s;

	SET_SYSCTL("fin_timeout", "2");
	ASSERT_SYSCTL("fin_timeout", "2");
	ASSERT_OK(xt_pair(&c, &s));
	cport = xt_local_port(c);
	sport = xt_local_port(s);
	close(c);
	t0 = xt_now_ms();
	ASSERT_EQ(XTCP_FIN_WAIT2, xt_proc_wait_state(cport, sport, XTCP_FIN_WAIT2,
						   1000));
	/* Late under emulation: do not wait at all (1200 - late is huge). */
	ms = xt_now_ms() - t0;
	if (ms < 1200)
		xt_msleep(1200 - ms);
	ASSERT_EQ(XTCP_FIN_WAIT2, xt_proc_state(cport, sport));
	ASSERT_EQ(-1, xt_proc_wait_state(cport, sport, -1, 5000));
	ms = xt_now_ms() - t0;
	TH_LOG("orphan FIN_WAIT2 gone after %llu ms", (unsigned long long)ms);
	ASSERT_LE(1800ULL, ms);
	ASSERT_GE(4500ULL, ms);
	close(s);
}

/* congestion_control is what a new socket starts with; old ones keep theirs. */
TEST_F(sysctl, congestion_control)
{
	char before[16], name[16];
	int a, b;

	a = xt_socket();
	ASSERT_LE(0, a);
	cong_of(_metadata, a, before, sizeof(before));
	SET_SYSCTL("congestion_control", "reno");
	b = xt_socket();
	ASSERT_LE(0, b);
	cong_of(_metadata, b, name, sizeof(name));
	ASSERT_STREQ("reno", name);
	cong_of(_metadata, a, name, sizeof(name));
	ASSERT_STREQ(before, name);
	close(a);
	close(b);
}

/*
 * notsent_lowat holds a socket that has no TCP_NOTSENT_LOWAT of its own
 * once that many bytes wait unsent (the peer's window is small here).
 */
TEST_F(sysctl, notsent_lowat)
{
	int c, s, unsent;

	ASSERT_ERRNO(xt_sysctl_set("notsent_lowat", "-1"), EINVAL);
	SET_SYSCTL("notsent_lowat", "16384");
	ASSERT_OK(xt_pair_rcvbuf(4096, &c, &s));
	ASSERT_OK(xt_bufs(s, 1 << 20, 0));
	unsent = xt_fill_unsent(s);
	TH_LOG("unsent: %d bytes", unsent);
	ASSERT_LE(16384, unsent);
	ASSERT_GT(16384 + 2 * 65536, unsent);
	ASSERT_EQ(0, xt_get_int(s, IPPROTO_TCP, TCP_NOTSENT_LOWAT));
	xt_close_rst(s);
	xt_close_rst(c);
	SET_SYSCTL("notsent_lowat", "4294967295");
}

/* Each namespace has its own knobs: a change here is not seen in a new one. */
TEST_F(sysctl, per_namespace)
{
	int here = xt_netns_cur(), other;

	ASSERT_LE(0, here);
	SET_SYSCTL("syn_retries", "3");
	SET_SYSCTL("fin_timeout", "7");
	other = xt_netns_new();
	ASSERT_LE(0, other);
	ASSERT_OK(xt_netns_enter(other));
	ASSERT_SYSCTL("syn_retries", "6");
	ASSERT_SYSCTL("fin_timeout", "60");
	ASSERT_OK(xt_netns_enter(here));
	ASSERT_SYSCTL("syn_retries", "3");
	close(other);
	close(here);
}

TEST_HARNESS_MAIN
