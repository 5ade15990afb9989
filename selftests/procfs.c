// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/xtcp, field by field, against what /proc/net/tcp prints for
 * the same sockets (inet mode runs every test on /proc/net/tcp), and the
 * xtcp_ss tool that reads it.
 *
 * Line formats (net/ipv4/tcp_ipv4.c): a full socket has 17 fields
 *   sl local rem st tx:rx tr:when retrnsmt uid timeout inode
 *   refcnt sk rto ato quick/pingpong cwnd ssthresh
 * while TIME_WAIT (and an orphan's FIN_WAIT2) lines stop after sk: 12.
 *
 * The tool: $XTCP_SS, else ../build/tools/xtcp_ss next to this program
 * (`make tools`); its tests skip if it is not there.
 */
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/sockios.h>

#include "xtcp_harness.h"

#define HZ_USER		100	/* clock_t ticks a second in /proc */
#define NOBODY		65534

/* Every field of one line. */
struct pl {
	int nf;				/* fields on the line */
	unsigned int sl;
	uint32_t laddr, raddr;
	unsigned int lport, rport, st, tx, rx, tr, retr, uid;
	unsigned long when, inode;
	int timeout, refcnt;
	unsigned long rto, ato;
	unsigned int qp, cwnd;
	int ssthresh;
	unsigned int len;		/* characters before the '\n' */
};

static int count_fields(const char *s)
{
	int n = 0;

	while (*s) {
		while (*s == ' ' || *s == '\n')
			s++;
		if (!*s)
			break;
		n++;
		while (*s && *s != ' ' && *s != '\n')
			s++;
	}
	return n;
}

static int parse(const char *line, struct pl *p)
{
	int n;

	memset(p, 0, sizeof(*p));
	p->nf = count_fields(line);
	p->len = strcspn(line, "\n");
	n = sscanf(line, " %u: %x:%x %x:%x %x %x:%x %x:%lx %x %u %d %lu %d %*s %lu %lu %u %u %d",
		   &p->sl, &p->laddr, &p->lport, &p->raddr, &p->rport, &p->st,
		   &p->tx, &p->rx, &p->tr, &p->when, &p->retr, &p->uid,
		   &p->timeout, &p->inode, &p->refcnt, &p->rto, &p->ato,
		   &p->qp, &p->cwnd, &p->ssthresh);
	return n >= 15 ? 0 : -1;
}

/* The line with these ports: 0, or -1 if none. */
static int line_of(unsigned int lport, unsigned int rport, struct pl *p)
{
	char line[512];
	int ret = -1;
	FILE *f = fopen(xt_proc_path(), "r");

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f))
		goto out;
	while (fgets(line, sizeof(line), f))
		if (!parse(line, p) && p->lport == lport && p->rport == rport) {
			ret = 0;
			break;
		}
out:
	fclose(f);
	return ret;
}

/* Poll until the line's rx_queue (@rx) or tx_queue is @want; the last seen. */
static long wait_queue_ms(unsigned int lport, unsigned int rport, bool rx,
			  unsigned int want, struct pl *p, unsigned int ms)
{
	uint64_t end = xt_now_ms() + ms;
	long v = -1;

	do {
		if (!line_of(lport, rport, p))
			v = rx ? p->rx : p->tx;
		if (v == want)
			break;
		xt_msleep(5);
	} while (xt_now_ms() < end);
	return v;
}

static long wait_queue(unsigned int lport, unsigned int rport, bool rx,
		       unsigned int want, struct pl *p)
{
	return wait_queue_ms(lport, rport, rx, want, p, 3000);
}

/* ---- the tool ---- */

static const char *ss_path(char *buf, size_t len)
{
	const char *e = getenv("XTCP_SS");
	char exe[PATH_MAX];
	ssize_t n;

	if (e && *e)
		return access(e, X_OK) ? NULL : e;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = 0;
	snprintf(buf, len, "%s/../build/tools/xtcp_ss", dirname(exe));
	return access(buf, X_OK) ? NULL : buf;
}

#define SS_OR_SKIP(path) do {						\
	path = ss_path(self->ss_buf, sizeof(self->ss_buf));		\
	if (!path)							\
		SKIP(return, "no xtcp_ss (make tools, or set XTCP_SS)");\
} while (0)

/* Run the tool with @args (and --family inet in inet mode); its output. */
static int run_ss(const char *path, const char *args, char *out, size_t len)
{
	return xt_sh_out(out, len, "%s %s%s", path, args,
			 xt_inet() ? " --family inet" : "");
}

/* The tool's line for local -> peer, and the -i line after it. */
struct ssl {
	char state[32], local[32], peer[32];
	unsigned int rq, sq;
	char rest[512], info[2048];
};

static int ss_find(const char *out, const char *local, const char *peer,
		   struct ssl *s)
{
	const char *l = out, *nl;
	char line[2600];
	int off;

	for (; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		if (!nl)
			return -1;
		snprintf(line, sizeof(line), "%.*s", (int)(nl - l), l);
		memset(s, 0, sizeof(*s));
		if (sscanf(line, "%31s %u %u %31s %31s%n", s->state, &s->rq,
			   &s->sq, s->local, s->peer, &off) != 5 ||
		    strcmp(s->local, local) || strcmp(s->peer, peer))
			continue;
		snprintf(s->rest, sizeof(s->rest), "%s", line + off);
		if (nl[1] == '\t') {
			const char *e = strchr(nl + 1, '\n');

			snprintf(s->info, sizeof(s->info), "%.*s",
				 e ? (int)(e - nl - 2) : (int)strlen(nl + 2),
				 nl + 2);
		}
		return 0;
	}
	return -1;
}

/* " key:<number>" in @s: the number, or -1. */
static double ss_val(const char *s, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), " %s:", key);
	p = strstr(s, k);
	return p ? strtod(p + strlen(k), NULL) : -1;
}

static void ap(char *buf, size_t len, unsigned int port)
{
	snprintf(buf, len, "127.0.0.1:%u", port);
}

FIXTURE(procfs) {
	char ss_buf[PATH_MAX];
	char out[16384];
};

FIXTURE_SETUP(procfs)
{
	XT_INIT();
}

FIXTURE_TEARDOWN(procfs)
{
}

/*
 * The file's shape: /proc/net/tcp's header, lines padded to 149
 * characters, numbered 0, 1, 2... in order, 17 fields for a full socket,
 * and only what Linux lists: a socket merely bound, or one whose connect
 * was refused, is in no table and has no line.
 */
TEST_F(procfs, format)
{
	char line[512], tcp_hdr[512];
	struct pl p;
	uint16_t port = 0;
	unsigned int n = 0;
	int l, c, s, b, r;
	FILE *f;

	if (!xt_isolated())
		SKIP(return, "needs a namespace of its own (XTCP_TEST_NETNS=0)");
	l = xt_listener(XT_LOOP, &port, 4);
	ASSERT_LE(0, l);
	c = xt_connect_to(XT_LOOP, port);
	ASSERT_LE(0, c);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	b = xt_socket();
	ASSERT_LE(0, b);
	ASSERT_OK(xt_bind(b, XT_LOOP, port + 1));
	r = xt_socket();
	ASSERT_LE(0, r);
	ASSERT_ERRNO(xt_connect(r, XT_LOOP, port + 2), ECONNREFUSED);

	f = fopen("/proc/thread-self/net/tcp", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(tcp_hdr, sizeof(tcp_hdr), f));
	fclose(f);
	f = fopen(xt_proc_path(), "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_STREQ(tcp_hdr, line);
	EXPECT_EQ(150U, strlen(line));	/* 149 and the newline */
	while (fgets(line, sizeof(line), f)) {
		ASSERT_EQ(0, parse(line, &p)) TH_LOG("line: %s", line);
		EXPECT_EQ(n, p.sl) TH_LOG("line: %s", line);
		EXPECT_EQ(17, p.nf) TH_LOG("line: %s", line);
		EXPECT_LE(149U, p.len);
		EXPECT_NE(XTCP_CLOSE, (int)p.st) TH_LOG("line: %s", line);
		n++;
	}
	fclose(f);
	EXPECT_EQ(3U, n);	/* listener, client, server */
}

/*
 * A listener: st 0A, its address, no peer; rx_queue counts the children
 * accept() has not taken yet, tx_queue is 0 (write_seq - snd_una: the
 * backlog limit shows only through inet_diag and TCP_INFO).
 */
TEST_F(procfs, listener)
{
	struct stat st;
	struct pl p;
	uint16_t port = 0;
	int l, c[3], s, i;

	l = xt_listener(XT_LOOP, &port, 7);
	ASSERT_LE(0, l);
	ASSERT_OK(line_of(port, 0, &p));
	EXPECT_EQ(htonl(INADDR_LOOPBACK), p.laddr);
	EXPECT_EQ(0U, p.raddr);
	EXPECT_EQ(0U, p.rport);
	EXPECT_EQ((unsigned int)XTCP_LISTEN, p.st);
	EXPECT_EQ(0U, p.tx);
	EXPECT_EQ(0U, p.rx);
	EXPECT_EQ(0U, p.tr);
	EXPECT_EQ(0U, p.retr);
	EXPECT_EQ(0U, p.uid);
	ASSERT_OK(fstat(l, &st));
	EXPECT_EQ((unsigned long)st.st_ino, p.inode);
	EXPECT_EQ(17, p.nf);

	for (i = 0; i < 3; i++) {
		c[i] = xt_connect_to(XT_LOOP, port);
		ASSERT_LE(0, c[i]);
	}
	ASSERT_EQ(3, wait_queue(port, 0, true, 3, &p));
	EXPECT_EQ(0U, p.tx);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_OK(line_of(port, 0, &p));
	EXPECT_EQ(2U, p.rx);
	EXPECT_EQ(0U, p.tx);
	/* The children not accepted yet have lines of their own, no inode. */
	ASSERT_OK(line_of(port, xt_local_port(c[1]), &p));
	EXPECT_EQ((unsigned int)XTCP_ESTABLISHED, p.st);
	EXPECT_EQ(0UL, p.inode);
}

/*
 * An established pair: both directions' addresses and ports, each line's
 * inode is its fd's, and uid is the euid that created the socket (the
 * client is made as nobody, the server accepted as root).  Idle: no
 * timer, no queues, initial slow start (ssthresh -1), cwnd as TCP_INFO.
 */
TEST_F(procfs, established_pair)
{
	struct tcp_info ti;
	struct stat st;
	struct pl p;
	uint16_t port = 0, cport;
	int l, c, s;

	if (geteuid() != 0)
		SKIP(return, "needs root (seteuid)");
	l = xt_listener(XT_LOOP, &port, 1);
	ASSERT_LE(0, l);
	ASSERT_OK(seteuid(NOBODY));
	c = xt_socket();
	ASSERT_OK(seteuid(0));
	ASSERT_LE(0, c);
	ASSERT_OK(xt_connect(c, XT_LOOP, port));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	cport = xt_local_port(c);

	ASSERT_OK(line_of(cport, port, &p));
	EXPECT_EQ((unsigned int)XTCP_ESTABLISHED, p.st);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), p.laddr);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), p.raddr);
	EXPECT_EQ((unsigned int)NOBODY, p.uid);
	ASSERT_OK(fstat(c, &st));
	EXPECT_EQ((unsigned long)st.st_ino, p.inode);
	EXPECT_EQ(0U, p.tx);
	EXPECT_EQ(0U, p.rx);
	EXPECT_EQ(0U, p.tr);
	EXPECT_EQ(0U, p.retr);
	EXPECT_EQ(17, p.nf);
	EXPECT_EQ(-1, p.ssthresh);
	ASSERT_OK(xt_tcp_info(c, &ti));
	EXPECT_EQ(ti.tcpi_snd_cwnd, p.cwnd);

	ASSERT_OK(line_of(port, cport, &p));
	EXPECT_EQ((unsigned int)XTCP_ESTABLISHED, p.st);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), p.laddr);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), p.raddr);
	EXPECT_EQ(0U, p.uid);
	ASSERT_OK(fstat(s, &st));
	EXPECT_EQ((unsigned long)st.st_ino, p.inode);
	EXPECT_EQ(0U, p.tx);
	EXPECT_EQ(0U, p.rx);
	ASSERT_OK(xt_tcp_info(s, &ti));
	EXPECT_EQ(ti.tcpi_snd_cwnd, p.cwnd);
}

/* rx_queue is exactly the bytes not read yet, each way. */
TEST_F(procfs, rx_queue_unread)
{
	static char buf[3000];
	uint16_t cport, sport;
	struct pl p;
	int c, s, n;

	ASSERT_OK(xt_pair(&c, &s));
	cport = xt_local_port(c);
	sport = xt_local_port(s);
	xt_pattern(buf, sizeof(buf), 1, 0);
	ASSERT_EQ(1000, send(c, buf, 1000, 0));
	ASSERT_EQ(1000, wait_queue(sport, cport, true, 1000, &p));
	ASSERT_OK(ioctl(s, SIOCINQ, &n));
	EXPECT_EQ(1000, n);
	ASSERT_EQ(300, recv(s, buf, 300, 0));
	ASSERT_OK(line_of(sport, cport, &p));
	EXPECT_EQ(700U, p.rx);
	ASSERT_EQ(700, recv(s, buf, sizeof(buf), 0));
	ASSERT_OK(line_of(sport, cport, &p));
	EXPECT_EQ(0U, p.rx);
	/* The sender's queue empties once acknowledged. */
	EXPECT_EQ(0, wait_queue(cport, sport, false, 0, &p));

	ASSERT_EQ(2345, send(s, buf, 2345, 0));
	ASSERT_EQ(2345, wait_queue(cport, sport, true, 2345, &p));
	EXPECT_EQ(0U, p.tx);
	ASSERT_OK(line_of(sport, cport, &p));
	EXPECT_EQ(0U, p.rx);
}

/*
 * tx_queue is exactly the bytes not acknowledged, while the path drops
 * everything; the retransmit timer shows (tr 1, due within the RTO) and
 * retrnsmt counts the timeouts: 1, then 2.  After an RTO, cwnd is 1;
 * retrnsmt, cwnd, ssthresh and rto are what TCP_INFO says.
 * xtcp_ss shows the same.  Then the path heals and all is acknowledged.
 */
TEST_F_TIMEOUT(procfs, tx_queue_unacked_lossy, 30)
{
	static char buf[3000];
	struct xt_tcp_info ti;
	uint16_t cport, sport;
	unsigned int seen = 0, ss_retr = 0;
	char local[32], peer[32];
	const char *ssp = NULL, *t;
	struct ssl sl;
	uint64_t end;
	struct pl p;
	int c, s;

	if (!xt_isolated())
		SKIP(return, "would drop all of the namespace's loopback traffic");
	if (!xt_have_prog("tc"))
		SKIP(return, "tc (iproute2) not installed");
	ssp = ss_path(self->ss_buf, sizeof(self->ss_buf));
	ASSERT_OK(xt_pair(&c, &s));
	cport = xt_local_port(c);
	sport = xt_local_port(s);
	ASSERT_OK(xt_set_int(c, IPPROTO_TCP, TCP_NODELAY, 1));
	ASSERT_OK(xt_netem_loss("lo", false));
	xt_pattern(buf, sizeof(buf), 2, 0);
	ASSERT_EQ(3000, send(c, buf, sizeof(buf), 0));

	ASSERT_OK(line_of(cport, sport, &p));
	EXPECT_EQ(3000U, p.tx);
	EXPECT_EQ(0U, p.rx);
	EXPECT_EQ(1U, p.tr);
	EXPECT_EQ(0U, p.retr);

	/* Each timeout adds one; wait for the second. */
	end = xt_now_ms() + 5000;
	while (xt_now_ms() < end) {
		ASSERT_OK(line_of(cport, sport, &p));
		ASSERT_LE(seen, p.retr) TH_LOG("retrnsmt went back");
		seen = p.retr;
		EXPECT_EQ(3000U, p.tx);
		/*
		 * Linux clears icsk_pending while its handler runs and
		 * re-arms at the end; /proc reads without the socket lock,
		 * so a poll may land in between and see no timer.
		 */
		EXPECT_GE(1U, p.tr) TH_LOG("timer %u with data out", p.tr);
		if (seen >= 2)
			break;
		xt_msleep(10);
	}
	ASSERT_EQ(2U, seen) TH_LOG("no second timeout in 5 s");
	EXPECT_EQ(1U, p.cwnd);
	/* The next timeout is 4 RTOs off: the next reads are stable. */
	ASSERT_OK(xt_tcp_info_ext(c, &ti));
	ASSERT_OK(line_of(cport, sport, &p));
	EXPECT_EQ(1U, p.tr);	/* TCP_INFO took the lock: handler done */
	EXPECT_EQ(3000U, p.tx);
	EXPECT_EQ(ti.ti.tcpi_retransmits, p.retr);
	EXPECT_EQ(ti.ti.tcpi_snd_cwnd, p.cwnd);
	EXPECT_EQ((int)ti.ti.tcpi_snd_ssthresh, p.ssthresh);
	EXPECT_EQ(ti.ti.tcpi_rto / 10000, p.rto);
	/* Due within the (backed-off) RTO; ticks of 10 ms, rounded up. */
	EXPECT_GE(ti.ti.tcpi_rto / 10000 + 1, p.when);

	if (ssp) {
		ap(local, sizeof(local), cport);
		ap(peer, sizeof(peer), sport);
		ASSERT_EQ(0, run_ss(ssp, "-i", self->out, sizeof(self->out)));
		ASSERT_EQ(0, ss_find(self->out, local, peer, &sl))
			TH_LOG("not in:\n%s", self->out);
		EXPECT_STREQ("ESTABLISHED", sl.state);
		EXPECT_EQ(0U, sl.rq);
		EXPECT_EQ(3000U, sl.sq);
		t = strstr(sl.rest, " timer:(on,");
		ASSERT_NE(NULL, t) TH_LOG("%s", sl.rest);
		t = strchr(t + strlen(" timer:(on,"), ',');
		ASSERT_NE(NULL, t) TH_LOG("%s", sl.rest);
		ASSERT_EQ(1, sscanf(t, ",%u)", &ss_retr)) TH_LOG("%s", sl.rest);
		/*
		 * 2, or more if the next timeout (800 ms) came while ss
		 * ran: a fork and exec can take that long on the debug
		 * kernel.  Never more than /proc shows after it.
		 */
		ASSERT_OK(line_of(cport, sport, &p));
		EXPECT_LE(2U, ss_retr) TH_LOG("%s", sl.rest);
		EXPECT_GE(p.retr, ss_retr) TH_LOG("%s", sl.rest);
		EXPECT_EQ(1, ss_val(sl.info, "cwnd")) TH_LOG("%s", sl.info);
		EXPECT_EQ(ti.ti.tcpi_unacked, ss_val(sl.info, "unacked"));
	} else {
		TH_LOG("no xtcp_ss: its part skipped");
	}

	ASSERT_OK(xt_netem_loss("lo", true));
	/*
	 * The next retransmission gets through: within the backed-off RTO
	 * (800 ms, or twice that if a timeout came while ss ran).
	 */
	ASSERT_OK(xt_tcp_info_ext(c, &ti));
	EXPECT_EQ(0, wait_queue_ms(cport, sport, false, 0, &p,
				   ti.ti.tcpi_rto / 1000 + 3000));
	EXPECT_EQ(0U, p.retr);
	EXPECT_EQ(3000, wait_queue(sport, cport, true, 3000, &p));
}

/*
 * Active close: the closer's orphan waits in FIN_WAIT2 and then TIME_WAIT
 * on lines of 12 fields (Linux's timewait socket): timer 3, due in about
 * 60 s, no queues, uid 0, inode 0.
 */
TEST_F(procfs, time_wait)
{
	uint16_t cport, sport;
	struct pl p;
	char b;
	int c, s;

	ASSERT_OK(xt_pair(&c, &s));
	cport = xt_local_port(c);
	sport = xt_local_port(s);
	ASSERT_OK(close(c));
	ASSERT_EQ(0, recv(s, &b, 1, 0));	/* its FIN */
	ASSERT_EQ(XTCP_FIN_WAIT2, xt_proc_wait_state(cport, sport,
						   XTCP_FIN_WAIT2, 2000));
	ASSERT_OK(line_of(cport, sport, &p));
	EXPECT_EQ(12, p.nf);
	EXPECT_EQ(0U, p.tx);
	EXPECT_EQ(0U, p.rx);
	EXPECT_EQ(3U, p.tr);
	EXPECT_GE(60UL * HZ_USER, p.when);
	EXPECT_LE(50UL * HZ_USER, p.when);
	EXPECT_EQ(0U, p.uid);
	EXPECT_EQ(0UL, p.inode);

	ASSERT_OK(close(s));
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_wait_state(cport, sport,
						   XTCP_TIME_WAIT, 2000));
	ASSERT_OK(line_of(cport, sport, &p));
	EXPECT_EQ(12, p.nf);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), p.laddr);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), p.raddr);
	EXPECT_EQ(0U, p.tx);
	EXPECT_EQ(0U, p.rx);
	EXPECT_EQ(3U, p.tr);
	EXPECT_GE(60UL * HZ_USER, p.when);
	EXPECT_LE(50UL * HZ_USER, p.when);
	EXPECT_EQ(0U, p.retr);
	EXPECT_EQ(0U, p.uid);
	EXPECT_EQ(0, p.timeout);
	EXPECT_EQ(0UL, p.inode);
	/* The passive closer is gone: LAST_ACK ended with the last ACK. */
	EXPECT_EQ(-1, xt_proc_wait_state(sport, cport, -1, 2000));
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * xtcp_ss on a pair and a listener, each value checked against what the
 * test knows by other means, not against the TCP_INFO the tool reads
 * (through pidfd_getfd): state, queues and bytes from what was sent and
 * read; uid, inode, pid and fd from the process; cwnd the initial window
 * of RFC 6928 (10: an application-limited connection does not grow it);
 * mss from loopback's path MTU less the IP and TCP headers and the
 * timestamps option; rtt above zero and below the longest wall-clock time any sample
 * could have spanned.  The listener only with -l or -a, its backlog limit
 * as Send-Q; -p names this process and fd.
 */
TEST_F(procfs, ss_tool)
{
	char local[32], peer[32], want[64];
	uint16_t port = 0, cport;
	uint64_t t_start, t_all;
	struct tcp_info t0, t1;
	struct ifreq ifr = {};
	const char *ssp;
	struct stat st;
	struct ssl sl;
	int l, c, s, i, fd, mss;
	char b[8];

	SS_OR_SKIP(ssp);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	snprintf(ifr.ifr_name, IFNAMSIZ, "lo");
	ASSERT_OK(ioctl(fd, SIOCGIFMTU, &ifr));
	close(fd);
	t_start = now_us();
	l = xt_listener(XT_LOOP, &port, 7);
	ASSERT_LE(0, l);
	c = xt_connect_to(XT_LOOP, port);
	ASSERT_LE(0, c);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	cport = xt_local_port(c);
	/* Some round trips for an RTT, then 5 bytes left unread. */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, send(c, "x", 1, 0));
		ASSERT_EQ(1, recv(s, b, 1, 0));
		ASSERT_EQ(1, send(s, "y", 1, 0));
		ASSERT_EQ(1, recv(c, b, 1, 0));
	}
	ASSERT_EQ(5, send(c, "hello", 5, 0));
	ASSERT_EQ(POLLIN, xt_poll1(s, POLLIN, 2000));
	/* Idle: everything acknowledged both ways. */
	for (i = 0; i < 200; i++) {
		ASSERT_OK(xt_tcp_info(c, &t0));
		ASSERT_OK(xt_tcp_info(s, &t1));
		if (!t0.tcpi_unacked && !t1.tcpi_unacked)
			break;
		xt_msleep(10);
	}
	ASSERT_OK(xt_tcp_info(c, &t0));
	t_all = now_us() - t_start;

	ASSERT_EQ(0, run_ss(ssp, "-ip", self->out, sizeof(self->out)));
	ASSERT_OK(xt_tcp_info(c, &t1));
	ap(local, sizeof(local), cport);
	ap(peer, sizeof(peer), port);
	ASSERT_EQ(0, ss_find(self->out, local, peer, &sl))
		TH_LOG("not in:\n%s", self->out);
	EXPECT_STREQ("ESTABLISHED", sl.state);
	EXPECT_EQ(0U, sl.rq);
	EXPECT_EQ(0U, sl.sq);
	EXPECT_EQ(NULL, strstr(sl.rest, "timer:")) TH_LOG("%s", sl.rest);
	ASSERT_OK(fstat(c, &st));
	EXPECT_EQ((double)st.st_ino, ss_val(sl.rest, "ino"));
	EXPECT_EQ(0, ss_val(sl.rest, "uid"));
	snprintf(want, sizeof(want), ",pid=%d,fd=%d))", getpid(), c);
	EXPECT_NE(NULL, strstr(sl.rest, want)) TH_LOG("%s", sl.rest);
	ASSERT_NE(0, sl.info[0]);
	EXPECT_EQ(10, ss_val(sl.info, "cwnd")) TH_LOG("%s", sl.info);
	/* IPv4 caps a route's MTU at 65535 (IP_MAX_MTU). */
	mss = (ifr.ifr_mtu < 65535 ? ifr.ifr_mtu : 65535) - 20 - 20 - 12;
	/*
	 * The send MSS is also bounded by half the largest window the peer
	 * has offered (Linux's tcp_bound_to_half_wnd(), XTCP's
	 * xtcp_bound_to_half_wnd()), 64 KB here before any scaling grew it.
	 */
	mss = mss < 32768 ? mss : 32768;
	EXPECT_EQ(mss, ss_val(sl.info, "mss"))
		TH_LOG("lo MTU %d: %s", ifr.ifr_mtu, sl.info);
	/* Nothing was lost on loopback. */
	EXPECT_NE(NULL, strstr(sl.info, " retrans:0/0 ")) TH_LOG("%s", sl.info);
	EXPECT_LT(0, ss_val(sl.info, "rtt")) TH_LOG("%s", sl.info);
	EXPECT_GE((double)t_all / 1000, ss_val(sl.info, "rtt"))
		TH_LOG("all of it took %llu us: %s",
		       (unsigned long long)t_all, sl.info);
	/* Idle while the tool ran: what it showed is still so. */
	EXPECT_EQ(t0.tcpi_rtt, t1.tcpi_rtt);
	EXPECT_EQ(t0.tcpi_snd_cwnd, t1.tcpi_snd_cwnd);
	EXPECT_EQ(9, ss_val(sl.info, "bytes_acked"));	/* 3 + 5, + the SYN */
	EXPECT_EQ(3, ss_val(sl.info, "bytes_received"));

	/* The server's end: 5 bytes unread. */
	ASSERT_OK(ss_find(self->out, peer, local, &sl));
	EXPECT_STREQ("ESTABLISHED", sl.state);
	EXPECT_EQ(5U, sl.rq);
	EXPECT_EQ(0U, sl.sq);
	EXPECT_EQ(8, ss_val(sl.info, "bytes_received"));

	/* No listener by default; -l shows only it, backlog as Send-Q. */
	snprintf(local, sizeof(local), "127.0.0.1:%u", port);
	EXPECT_NE(0, ss_find(self->out, local, "0.0.0.0:*", &sl));
	ASSERT_EQ(0, run_ss(ssp, "-l", self->out, sizeof(self->out)));
	ASSERT_EQ(0, ss_find(self->out, local, "0.0.0.0:*", &sl))
		TH_LOG("not in:\n%s", self->out);
	EXPECT_STREQ("LISTEN", sl.state);
	EXPECT_EQ(0U, sl.rq);
	EXPECT_EQ(7U, sl.sq);
	EXPECT_NE(0, ss_find(self->out, peer, local, &sl));

	/* TIME_WAIT: with -a only, its timer, no fd behind it. */
	ASSERT_OK(close(c));
	ASSERT_EQ(5, recv(s, b, sizeof(b), 0));
	ASSERT_EQ(0, recv(s, b, sizeof(b), 0));
	ASSERT_OK(close(s));
	snprintf(local, sizeof(local), "127.0.0.1:%u", cport);
	snprintf(peer, sizeof(peer), "127.0.0.1:%u", port);
	ASSERT_EQ(XTCP_TIME_WAIT, xt_proc_wait_state(cport, port,
						   XTCP_TIME_WAIT, 2000));
	ASSERT_EQ(0, run_ss(ssp, "", self->out, sizeof(self->out)));
	EXPECT_NE(0, ss_find(self->out, local, peer, &sl));
	ASSERT_EQ(0, run_ss(ssp, "-a", self->out, sizeof(self->out)));
	ASSERT_EQ(0, ss_find(self->out, local, peer, &sl))
		TH_LOG("not in:\n%s", self->out);
	EXPECT_STREQ("TIME_WAIT", sl.state);
	EXPECT_NE(NULL, strstr(sl.rest, " timer:(timewait,")) TH_LOG("%s", sl.rest);
	EXPECT_EQ(0, ss_val(sl.rest, "ino"));
}

TEST_HARNESS_MAIN
