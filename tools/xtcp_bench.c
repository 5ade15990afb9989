// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_bench: XTCP (AF_XTCP) against Linux TCP (AF_INET), measured by the
 * same code on the same path in the same run.
 *
 *   xtcp_bench [options]
 *
 * Every figure is measured for both families, several runs each,
 * interleaved (XTCP, TCP, XTCP, TCP...) so that drift of the machine hits
 * both alike.  The only difference between the two is the family passed
 * to socket() (and the family in the socket address): that is the point.
 *
 * Paths (each one skipped if not configured):
 *   loopback    127.0.0.1 in one namespace (--ns-lo, default: ours)
 *   veth        client namespace -> server namespace over a veth pair
 *               (--ns-client, --ns-server, --veth ADDR of the server)
 *   netem       a second veth pair between the same namespaces whose
 *               qdiscs add loss and delay (--netem ADDR); scripts/bench-vm.sh
 *               sets it up (1% loss, 20 ms delay)
 *   swgso       a third pair where segmentation and GRO both run in
 *               software (--swgso ADDR): the client's end has TSO off (GSO
 *               on), the server's end GRO on; the table calls it veth-swgso
 *   wan         a fourth pair shaped as a wide-area path (--wan ADDR):
 *               50 Mbit/s, 40 ms round trip, a bottleneck queue of one
 *               bandwidth-delay product; scripts/bench-vm.sh sets it up
 *   wanloss     the same with 1% random loss (--wanloss ADDR)
 *
 * Figures:
 *   bulk1, bulk4   goodput of 1 or 4 streams, client -> server, counted at
 *                  the receiver over the measuring window (Mbit/s)
 *   rr1, rr4k      request/response ping-pong on one connection, 1-byte or
 *                  4096-byte messages both ways, TCP_NODELAY (transactions/s);
 *                  on veth, rr1 also gives the segments, pure ACKs and
 *                  delayed ACKs both ends sent per transaction
 *   rr64           the 1-byte ping-pong on 64 connections at once, one
 *                  thread driving the clients and one the servers (total
 *                  transactions/s)
 *   crr            connect, 1-byte request, 1-byte response, close; one
 *                  client at a time (connections/s)
 *   netem          bulk1 over the netem path (Mbit/s)
 *   wan, wanloss   bulk1 with CUBIC on both families; the sender's TCP_INFO
 *                  (cwnd, ssthresh, RTT) and the goodput are sampled every
 *                  10 ms into a trace per run (--traces DIR, default: the
 *                  JSON's folder), from which scripts/bench-plot draws
 *                  cwnd and goodput over time for both families
 *   mem            N idle established connections (default 1000; both ends
 *                  live in this kernel, so 2 sockets per connection), each
 *                  having exchanged one byte each way.  Per connection:
 *                  slab objects (sum over /proc/slabinfo caches of
 *                  delta active_objs x objsize, every cache shrunk before
 *                  each snapshot so the counts are exact), /proc/meminfo
 *                  Slab delta, MemFree drop, and the socket-accounted
 *                  bytes from getsockopt(SO_MEMINFO) (rmem_alloc +
 *                  wmem_queued + fwd_alloc + optmem, both ends); also the
 *                  sock object size from /proc/net/protocols
 *
 * Each run's detail in the JSON says why a figure is what it is: bytes and
 * seconds, TCP_INFO of both ends of a bulk stream, and the namespaces'
 * counter deltas (Tcp/TcpExt from /proc/net/snmp and netstat for TCP,
 * /proc/net/xtcp_snmp and xtcp_netstat for XTCP: segments, retransmits,
 * recoveries, receive-queue drops), and the slab caches that grew.
 *
 * Output: progress lines, then a table (median [min-max] per family and
 * the ratio of the medians, XTCP/TCP), and a JSON file (--json).
 * This is a benchmark: it never passes or fails on a figure.  Exit status
 * 0 when it ran (even if some runs failed: they are reported), 1 on a
 * usage or set-up error, 2 if AF_XTCP is not available (module not
 * loaded), 3 if a run hung (the partial results are saved first).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/sock_diag.h>	/* SK_MEMINFO_* */

#include "../uapi/linux/xtcp.h"

_Static_assert(sizeof(struct sockaddr_xtcp) == sizeof(struct sockaddr_in),
	       "sockaddr_xtcp must have sockaddr_in's layout");

#define MAX_RUNS	20
#define MAX_STREAMS	8
#define MAX_META	16
#define BULK_CHUNK	(128 * 1024)
#define RR_MAX_MSG	4096
/* Worker sockets wake up this often to look at the stop flag. */
#define POLL_TIMEO_MS	250
/* Server ports: below the ephemeral range bench-vm.sh sets (10000-). */
#define FIRST_PORT	5001

enum { FAM_XTCP, FAM_TCP, NFAM };
static const char *const fam_name[NFAM] = { "XTCP", "TCP" };
static const int fam_af[NFAM] = { AF_XTCP, AF_INET };

/* ---------------------------------------------------------------- options */

static struct {
	int runs;
	double duration;	/* seconds per timed run */
	double netem_duration;
	double wan_duration;
	const char *traces;	/* folder for the wan paths' traces */
	int conns;		/* idle connections for the memory figures */
	bool quick;
	bool tcp_only;
	bool xtcp_only;		/* for profiling one stack */
	const char *json;
	const char *only;	/* comma-separated test names, or NULL */
	const char *ns_lo, *ns_client, *ns_server;
	const char *veth_addr, *netem_addr, *swgso_addr, *wan_addr, *wanloss_addr;
	const char *meta_key[MAX_META], *meta_val[MAX_META];
	int nmeta;
} opt = {
	.runs = 5,
	.duration = 3.0,
	.netem_duration = 5.0,
	.wan_duration = 10.0,
	.conns = 1000,
	.json = "build/bench/results.json",
};

static const char *prog = "xtcp_bench";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---------------------------------------------------------------- namespaces */

/* Our own namespace, to come back to after making a socket elsewhere. */
static int home_ns = -1;

static int open_ns(const char *path)
{
	int fd;

	if (!path)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open netns %s", path);
	return fd;
}

/* Switch the calling thread's network namespace (-1: stay). */
static int enter_ns(int ns)
{
	if (ns < 0)
		return 0;
	return setns(ns, CLONE_NEWNET);
}

/*
 * A socket belongs to the namespace it was created in, whatever thread
 * uses it later: create it in ns, then come back home.  Only the main
 * thread calls this (workers that create sockets enter their namespace
 * once, at start).
 */
static int socket_in_ns(int fam, int ns)
{
	int fd, err;

	if (enter_ns(ns))
		return -1;
	fd = socket(fam_af[fam], SOCK_STREAM, 0);
	err = errno;
	if (ns >= 0 && enter_ns(home_ns))
		die("setns back home");
	errno = err;
	return fd;
}

/* ---------------------------------------------------------------- paths */

struct path {
	const char *key;	/* in figure names: lo, veth, netem */
	const char *name;	/* for people */
	int cli_ns, srv_ns;	/* -1: our namespace */
	struct in_addr addr;	/* the server's address */
	bool enabled;
};

enum { PATH_LO, PATH_VETH, PATH_NETEM, PATH_SWGSO, PATH_WAN, PATH_WANLOSS, NPATH };
static struct path paths[NPATH] = {
	[PATH_LO] = { .key = "lo", .name = "loopback" },
	[PATH_VETH] = { .key = "veth", .name = "veth" },
	[PATH_NETEM] = { .key = "netem", .name = "veth+netem" },
	[PATH_SWGSO] = { .key = "swgso", .name = "veth-swgso" },
	[PATH_WAN] = { .key = "wan", .name = "50M 40ms" },
	[PATH_WANLOSS] = { .key = "wanloss", .name = "50M 40ms 1%" },
};

static const char *path_addr(int p)
{
	switch (p) {
	case PATH_VETH: return opt.veth_addr;
	case PATH_NETEM: return opt.netem_addr;
	case PATH_SWGSO: return opt.swgso_addr;
	case PATH_WAN: return opt.wan_addr;
	case PATH_WANLOSS: return opt.wanloss_addr;
	}
	return NULL;
}

/* Seconds a timed run of a test on path p lasts. */
static double path_window(int p)
{
	if (p == PATH_NETEM)
		return opt.netem_duration;
	if (p == PATH_WAN || p == PATH_WANLOSS)
		return opt.wan_duration;
	return opt.duration;
}

static void setup_paths(void)
{
	int lo = open_ns(opt.ns_lo);
	int cli = open_ns(opt.ns_client), srv = open_ns(opt.ns_server);

	paths[PATH_LO].cli_ns = paths[PATH_LO].srv_ns = lo;
	paths[PATH_LO].addr.s_addr = htonl(INADDR_LOOPBACK);
	paths[PATH_LO].enabled = true;
	for (int p = PATH_VETH; p < NPATH; p++) {
		const char *addr = path_addr(p);

		paths[p].cli_ns = cli;
		paths[p].srv_ns = srv;
		if (!addr)
			continue;
		if (inet_pton(AF_INET, addr, &paths[p].addr) != 1) {
			errno = 0;
			die("bad address '%s'", addr);
		}
		paths[p].enabled = true;
	}
}

/* ---------------------------------------------------------------- sockets */

static void fill_addr(struct sockaddr_in *sa, int fam, struct in_addr a,
		      int port)
{
	memset(sa, 0, sizeof(*sa));
	/* struct sockaddr_xtcp has this layout; only the family differs. */
	sa->sin_family = fam_af[fam];
	sa->sin_port = htons((uint16_t)port);
	sa->sin_addr = a;
}

static void set_int(int fd, int level, int name, int val)
{
	setsockopt(fd, level, name, &val, sizeof(val));
}

static void set_timeo(int fd, int name, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv));
}

/* Close with an RST: no TIME_WAIT left behind, no queue to drain. */
static void close_abort(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

static int next_port = FIRST_PORT;

/* A listener on the path's server side; *port gets a port no earlier run used. */
static int make_listener(int fam, const struct path *p, int *port)
{
	struct sockaddr_in sa;
	int fd = socket_in_ns(fam, p->srv_ns);

	if (fd < 0)
		return -1;
	set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	/*
	 * A fresh port per run: earlier runs' TIME_WAIT connections then
	 * never collide with this run's 4-tuples.
	 */
	*port = next_port++;
	fill_addr(&sa, fam, p->addr, *port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4096)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	/* accept() wakes up to look at the stop flag (CRR). */
	set_timeo(fd, SO_RCVTIMEO, POLL_TIMEO_MS);
	return fd;
}

/* Connect from the path's client side; the socket is blocking. */
static int connect_to(int fam, const struct path *p, int port)
{
	struct sockaddr_in sa;
	int fd = socket_in_ns(fam, p->cli_ns);

	if (fd < 0)
		return -1;
	/* A handshake that takes this long is a failure, not a hang. */
	set_timeo(fd, SO_SNDTIMEO, 10000);
	fill_addr(&sa, fam, p->addr, port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* Accept the connection connect_to() just made (it waits in the backlog). */
static int accept_one(int lfd)
{
	double give_up = now_s() + 10;

	while (now_s() < give_up) {
		int fd = accept(lfd, NULL, NULL);

		if (fd >= 0)
			return fd;
		if (errno != EAGAIN && errno != EINTR)
			return -1;
	}
	errno = ETIMEDOUT;
	return -1;
}

static atomic_bool stop;

/*
 * Send or receive exactly len bytes; a timeout (SO_*TIMEO) retries unless
 * the run is over.  Returns 0, or -1 (error, EOF or stopped).
 */
static int xfer_all(int fd, char *buf, size_t len, bool sending)
{
	while (len) {
		ssize_t n = sending ? send(fd, buf, len, MSG_NOSIGNAL) :
				      recv(fd, buf, len, 0);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0)
			return -1;
		if ((errno == EAGAIN || errno == EINTR) && !atomic_load(&stop))
			continue;
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- results */

/* What one run of a test hands back: up to 5 figures and some detail. */
struct run_out {
	double val[5];
	char detail[4096];	/* a JSON object's members, or "" */
};

struct test;
typedef int (*test_fn)(const struct test *t, int fam, struct run_out *out);

struct test {
	const char *name;	/* for --only */
	test_fn fn;
	int path;
	int streams;		/* bulk */
	int msg;		/* rr: message size */
	int figs[5];		/* figure index for out->val[i] */
	int nfigs;
};

struct figure {
	const char *key;
	const char *title;
	const char *path;
	const char *unit;
	bool higher_better;
	double v[NFAM][MAX_RUNS];
	int n[NFAM];
	int failed[NFAM];
	char *detail[NFAM][MAX_RUNS];
};

enum {
	F_BULK1_LO, F_BULK4_LO, F_RR1_LO, F_RR4K_LO, F_CRR_LO, F_RR64_LO,
	F_BULK1_VETH, F_BULK4_VETH, F_RR1_VETH, F_RR4K_VETH, F_CRR_VETH, F_RR64_VETH,
	F_RR1_SEGS_VETH, F_RR1_PUREACKS_VETH, F_RR1_DELACKS_VETH,
	F_BULK1_SWGSO,
	F_NETEM,
	F_BULK1_WAN, F_BULK1_WANLOSS,
	F_MEM_SLABOBJ, F_MEM_SLAB, F_MEM_FREE, F_MEM_SK, F_SOCK_SIZE,
	NFIG
};

static struct figure figs[NFIG] = {
	[F_BULK1_LO] = { "bulk1_lo", "bulk, 1 stream", "loopback", "Mbit/s", true },
	[F_BULK4_LO] = { "bulk4_lo", "bulk, 4 streams", "loopback", "Mbit/s", true },
	[F_RR1_LO] = { "rr1_lo", "req/resp 1 B", "loopback", "trans/s", true },
	[F_RR4K_LO] = { "rr4k_lo", "req/resp 4 KB", "loopback", "trans/s", true },
	[F_CRR_LO] = { "crr_lo", "connect/req/close", "loopback", "conn/s", true },
	[F_RR64_LO] = { "rr64_lo", "req/resp 1 B, 64 conns", "loopback", "trans/s", true },
	[F_BULK1_VETH] = { "bulk1_veth", "bulk, 1 stream", "veth", "Mbit/s", true },
	[F_BULK4_VETH] = { "bulk4_veth", "bulk, 4 streams", "veth", "Mbit/s", true },
	[F_RR1_VETH] = { "rr1_veth", "req/resp 1 B", "veth", "trans/s", true },
	[F_RR4K_VETH] = { "rr4k_veth", "req/resp 4 KB", "veth", "trans/s", true },
	[F_CRR_VETH] = { "crr_veth", "connect/req/close", "veth", "conn/s", true },
	[F_RR64_VETH] = { "rr64_veth", "req/resp 1 B, 64 conns", "veth", "trans/s", true },
	[F_RR1_SEGS_VETH] = { "rr1_veth_segs", "req/resp 1 B: segments", "veth", "/trans", false },
	[F_RR1_PUREACKS_VETH] = { "rr1_veth_pure_acks", "req/resp 1 B: pure ACKs", "veth", "/trans", false },
	[F_RR1_DELACKS_VETH] = { "rr1_veth_delayed_acks", "req/resp 1 B: delayed ACKs", "veth", "/trans", false },
	[F_BULK1_SWGSO] = { "bulk1_swgso", "bulk, 1 stream", "veth-swgso", "Mbit/s", true },
	[F_NETEM] = { "netem_goodput", "bulk, 1% loss 20 ms", "veth+netem", "Mbit/s", true },
	[F_BULK1_WAN] = { "bulk1_wan", "bulk, CUBIC", "50M 40ms", "Mbit/s", true },
	[F_BULK1_WANLOSS] = { "bulk1_wanloss", "bulk, CUBIC", "50M 40ms 1%", "Mbit/s", true },
	[F_MEM_SLABOBJ] = { "mem_slab_objects", "mem/conn: slab objects", "loopback", "B/conn", false },
	[F_MEM_SLAB] = { "mem_meminfo_slab", "mem/conn: meminfo Slab", "loopback", "B/conn", false },
	[F_MEM_FREE] = { "mem_memfree_drop", "mem/conn: MemFree drop", "loopback", "B/conn", false },
	[F_MEM_SK] = { "mem_sk_accounted", "mem/conn: SO_MEMINFO", "loopback", "B/conn", false },
	[F_SOCK_SIZE] = { "sock_obj_size", "sock object size", "-", "B/sock", false },
};

static void record(int f, int fam, double v, const char *detail)
{
	struct figure *fg = &figs[f];
	int i = fg->n[fam];

	if (i >= MAX_RUNS)
		return;
	fg->v[fam][i] = v;
	fg->detail[fam][i] = detail && *detail ? strdup(detail) : NULL;
	fg->n[fam]++;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct stats {
	double median, min, max;
	bool valid;
};

static struct stats stats_of(const struct figure *fg, int fam)
{
	struct stats s = { 0 };
	double v[MAX_RUNS];
	int n = fg->n[fam];

	if (!n)
		return s;
	memcpy(v, fg->v[fam], n * sizeof(v[0]));
	qsort(v, n, sizeof(v[0]), cmp_double);
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s.min = v[0];
	s.max = v[n - 1];
	s.valid = true;
	return s;
}

/* ---------------------------------------------------------------- bulk */

struct bulk_worker {
	pthread_t tid;
	int fd;
	bool sender;
	pthread_barrier_t *start;
	atomic_llong *bytes;	/* receivers add what they read */
	int err;
};

static void *bulk_thread(void *arg)
{
	struct bulk_worker *w = arg;
	char *buf = malloc(BULK_CHUNK);

	if (!buf) {
		w->err = ENOMEM;
		pthread_barrier_wait(w->start);
		return NULL;
	}
	memset(buf, 'x', BULK_CHUNK);
	pthread_barrier_wait(w->start);
	while (!atomic_load(&stop)) {
		ssize_t n = w->sender ? send(w->fd, buf, BULK_CHUNK, MSG_NOSIGNAL) :
					recv(w->fd, buf, BULK_CHUNK, 0);

		if (n > 0) {
			if (!w->sender)
				atomic_fetch_add(w->bytes, n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		/* EOF or an error before the end of the run. */
		if (!atomic_load(&stop))
			w->err = n ? errno : EPIPE;
		break;
	}
	free(buf);
	return NULL;
}

/*
 * Goodput: what the receivers read between the moment every thread is
 * running and the end of the window, so slow start is included (both
 * families pay it) and what is still queued at the end is not counted.
 */
/*
 * Counters that explain a bulk figure (losses, recoveries, drops at the
 * receiver), from the namespace's /proc/net/{snmp,netstat} for TCP and
 * /proc/net/xtcp_{snmp,netstat} for XTCP, which use the same format and
 * names.  Deltas over a run go to its detail.
 */
static const char *const ctr_names[] = {
	"InSegs", "OutSegs", "RetransSegs", "TCPTimeouts", "TCPLossProbes",
	"TCPFastRetrans", "TCPSackRecovery", "TCPRenoRecovery",
	"TCPSlowStartRetrans", "TCPLostRetransmit", "TCPSpuriousRTOs",
	"TCPDSACKRecv", "TCPRcvQDrop", "TCPBacklogDrop", "TCPOFOQueue",
	"TCPOFODrop", "PruneCalled", "RcvPruned", "TCPZeroWindowDrop",
	"DelayedACKs", "TCPFullUndo", "TCPPartialUndo", "TCPDSACKUndo",
	"TCPLossUndo", "TCPLossProbeRecovery", "TCPSACKReorder",
	"TCPHystartTrainDetect", "TCPHystartTrainCwnd", "TCPHystartDelayDetect",
	"TCPHystartDelayCwnd",
};
#define NCTR ((int)(sizeof(ctr_names) / sizeof(ctr_names[0])))

/*
 * Also the packets of the namespace's devices (but lo) from
 * /proc/net/dev: beside OutSegs and InSegs they show whether segments
 * crossed the device as GSO super-packets and whether GRO merged them.
 */
#define MAX_DEVS	8

struct counters {
	long long v[NCTR];
	int ndev;
	char dev[MAX_DEVS][16];
	long long rx_packets[MAX_DEVS], tx_packets[MAX_DEVS];
};

/* "Prefix: name name...\nPrefix: value value..." pairs of lines. */
static void read_counter_file(const char *path, struct counters *c)
{
	FILE *f = fopen(path, "r");
	char names[4096], values[4096];

	if (!f)
		return;
	while (fgets(names, sizeof(names), f) && fgets(values, sizeof(values), f)) {
		char *sn, *sv;
		char *n = strtok_r(names, " \n", &sn);
		char *v = strtok_r(values, " \n", &sv);

		if (!n || !v || strcmp(n, v))
			break;	/* not the format we know */
		while ((n = strtok_r(NULL, " \n", &sn)) &&
		       (v = strtok_r(NULL, " \n", &sv))) {
			for (int i = 0; i < NCTR; i++)
				if (!strcmp(n, ctr_names[i]))
					c->v[i] = strtoll(v, NULL, 10);
		}
	}
	fclose(f);
}

/* "  name: rx_bytes rx_packets 6 more | tx_bytes tx_packets ..." */
static void read_netdev(const char *path, struct counters *c)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && c->ndev < MAX_DEVS) {
		char *colon = strchr(line, ':'), *name = line;
		long long v[10];

		if (!colon)
			continue;
		*colon = '\0';
		while (*name == ' ')
			name++;
		if (!strcmp(name, "lo") ||
		    sscanf(colon + 1, "%lld %lld %lld %lld %lld %lld %lld %lld %lld %lld",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
			   &v[8], &v[9]) != 10)
			continue;
		/* Interface names are at most 15 characters (IFNAMSIZ - 1). */
		snprintf(c->dev[c->ndev], sizeof(c->dev[0]), "%.15s", name);
		c->rx_packets[c->ndev] = v[1];
		c->tx_packets[c->ndev] = v[9];
		c->ndev++;
	}
	fclose(f);
}

static void read_counters(int fam, int ns, struct counters *c)
{
	memset(c, 0, sizeof(*c));
	/* /proc/thread-self/net shows the calling thread's namespace. */
	if (enter_ns(ns))
		return;
	if (fam == FAM_XTCP) {
		read_counter_file("/proc/thread-self/net/xtcp_snmp", c);
		read_counter_file("/proc/thread-self/net/xtcp_netstat", c);
	} else {
		read_counter_file("/proc/thread-self/net/snmp", c);
		read_counter_file("/proc/thread-self/net/netstat", c);
	}
	read_netdev("/proc/thread-self/net/dev", c);
	if (ns >= 0 && enter_ns(home_ns))
		die("setns back home");
}

/* The counters that moved, as a JSON member. */
static int counters_json(const char *who, const struct counters *a,
			 const struct counters *b, char *buf, size_t len)
{
	int off = snprintf(buf, len, ", \"%s_counters\": {", who), first = 1;

	for (int i = 0; i < NCTR && off < (int)len; i++) {
		if (b->v[i] == a->v[i])
			continue;
		off += snprintf(buf + off, len - off, "%s\"%s\": %lld",
				first ? "" : ", ", ctr_names[i], b->v[i] - a->v[i]);
		first = 0;
	}
	if (off < (int)len)
		off += snprintf(buf + off, len - off, "}");
	/* The devices that moved (the namespaces' other pairs stay idle). */
	if (off < (int)len)
		off += snprintf(buf + off, len - off, ", \"%s_devices\": {", who);
	first = 1;
	for (int i = 0; i < b->ndev && off < (int)len; i++) {
		long long rx = b->rx_packets[i], tx = b->tx_packets[i];

		for (int j = 0; j < a->ndev; j++) {
			if (!strcmp(a->dev[j], b->dev[i])) {
				rx -= a->rx_packets[j];
				tx -= a->tx_packets[j];
				break;
			}
		}
		if (!rx && !tx)
			continue;
		off += snprintf(buf + off, len - off,
				"%s\"%s\": {\"rx_packets\": %lld, \"tx_packets\": %lld}",
				first ? "" : ", ", b->dev[i], rx, tx);
		first = 0;
	}
	if (off < (int)len)
		off += snprintf(buf + off, len - off, "}");
	return off;
}

/* Both ends' counter deltas (one set when they share a namespace). */
static int path_counters_json(const struct path *p, const struct counters *cli0,
			      const struct counters *cli1, const struct counters *srv0,
			      const struct counters *srv1, char *buf, size_t len)
{
	int off;

	if (p->cli_ns == p->srv_ns)
		return counters_json("netns", cli0, cli1, buf, len);
	off = counters_json("client_netns", cli0, cli1, buf, len);
	if (off >= (int)len)
		return off;
	return off + counters_json("server_netns", srv0, srv1, buf + off, len - off);
}

/*
 * TCP_INFO as the kernel's uapi lays it out past the end of glibc's
 * struct tcp_info (Linux 4.6 and later): the segment counts.
 */
struct bench_tcp_info {
	struct tcp_info ti;
	uint64_t pacing_rate, max_pacing_rate, bytes_acked, bytes_received;
	uint32_t segs_out, segs_in, notsent_bytes, min_rtt;
	uint32_t data_segs_in, data_segs_out;
};

/*
 * A few TCP_INFO fields (XTCP fills them as Linux does), for the detail:
 * segs_out - data_segs_out is the pure ACKs (and other control segments)
 * the socket sent.
 */
static int tcp_info_json(int fd, const char *who, char *buf, size_t len)
{
	struct bench_tcp_info bi;
	struct tcp_info *ti = &bi.ti;
	socklen_t tl = sizeof(bi);

	memset(&bi, 0, sizeof(bi));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &bi, &tl))
		return snprintf(buf, len, ", \"%s_tcp_info\": null", who);
	return snprintf(buf, len,
			", \"%s_tcp_info\": {\"rtt_us\": %u, \"rttvar_us\": %u, "
			"\"cwnd\": %u, \"ssthresh\": %u, \"total_retrans\": %u, "
			"\"snd_mss\": %u, \"rcv_mss\": %u, \"rcv_space\": %u, "
			"\"rcv_ssthresh\": %u, "
			"\"segs_out\": %u, \"data_segs_out\": %u, "
			"\"segs_in\": %u, \"data_segs_in\": %u}",
			who, ti->tcpi_rtt, ti->tcpi_rttvar, ti->tcpi_snd_cwnd,
			ti->tcpi_snd_ssthresh, ti->tcpi_total_retrans,
			ti->tcpi_snd_mss, ti->tcpi_rcv_mss, ti->tcpi_rcv_space,
			ti->tcpi_rcv_ssthresh,
			bi.segs_out, bi.data_segs_out, bi.segs_in, bi.data_segs_in);
}

/*
 * Samples the sender's TCP_INFO and the bytes read so far every 10 ms for
 * a run's window and writes them to <traces>/<figure>-<family>-<run>.tsv,
 * a header line and then one line per sample: seconds since the start,
 * cwnd and ssthresh (segments), smoothed RTT (us), total retransmissions,
 * and bytes read by the receiver.  Written after the window, so the file
 * system is not touched while the run measures.
 */
#define TRACE_STEP_S	0.01
#define TRACE_MAX	(int)(600 / TRACE_STEP_S)

struct trace_sample {
	float t;
	unsigned int cwnd, ssthresh, rtt_us, retrans;
	long long bytes;
};

static void trace_run(const struct test *t, int fam, int fd, atomic_llong *bytes,
		      double t0, double window)
{
	int max = (int)(window / TRACE_STEP_S) + 16, n = 0;
	struct trace_sample *smp = calloc(max, sizeof(*smp));
	const struct figure *fg = &figs[t->figs[0]];
	char path[4096];
	FILE *f;

	if (!smp) {
		sleep_s(window);
		return;
	}
	for (double next = t0;; next += TRACE_STEP_S) {
		double now = now_s();
		struct tcp_info ti;
		socklen_t tl = sizeof(ti);

		if (now - t0 >= window || n == max)
			break;
		memset(&ti, 0, sizeof(ti));
		if (!getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl))
			smp[n++] = (struct trace_sample){
				.t = (float)(now - t0), .cwnd = ti.tcpi_snd_cwnd,
				.ssthresh = ti.tcpi_snd_ssthresh, .rtt_us = ti.tcpi_rtt,
				.retrans = ti.tcpi_total_retrans,
				.bytes = atomic_load(bytes),
			};
		sleep_s(next + TRACE_STEP_S - now_s());
	}
	sleep_s(t0 + window - now_s());
	/* Numbered as the JSON's runs: a failed run's trace is overwritten. */
	snprintf(path, sizeof(path), "%s/%s-%s-%d.tsv", opt.traces, fg->key,
		 fam == FAM_XTCP ? "xtcp" : "tcp", fg->n[fam] + 1);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "t_s\tcwnd\tssthresh\trtt_us\tretrans\tbytes\n");
		for (int i = 0; i < n; i++)
			fprintf(f, "%.3f\t%u\t%u\t%u\t%u\t%lld\n", smp[i].t, smp[i].cwnd,
				smp[i].ssthresh, smp[i].rtt_us, smp[i].retrans, smp[i].bytes);
		fclose(f);
	} else {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
	}
	free(smp);
}

static int test_bulk(const struct test *t, int fam, struct run_out *out)
{
	const struct path *p = &paths[t->path];
	double window = path_window(t->path);
	bool traced = t->path == PATH_WAN || t->path == PATH_WANLOSS;
	struct bulk_worker w[2 * MAX_STREAMS];
	pthread_barrier_t start;
	atomic_llong bytes = 0;
	struct counters cli0, cli1, srv0, srv1;
	int port, lfd, nw = 0, ret = -1, err = 0;
	long long b0, b1;
	double t0, t1;

	lfd = make_listener(fam, p, &port);
	if (lfd < 0)
		return -1;
	memset(w, 0, sizeof(w));
	for (int i = 0; i < t->streams; i++) {
		int c = connect_to(fam, p, port), s = c < 0 ? -1 : accept_one(lfd);

		if (c < 0 || s < 0) {
			err = errno;
			close_abort(c);
			goto out;
		}
		/* Wake up to look at the stop flag even if the peer is stuck. */
		set_timeo(c, SO_SNDTIMEO, POLL_TIMEO_MS);
		set_timeo(s, SO_RCVTIMEO, POLL_TIMEO_MS);
		/* The same algorithm on both, whatever the defaults are. */
		if (traced && setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "cubic", 5)) {
			err = errno;
			close_abort(c);
			close_abort(s);
			goto out;
		}
		w[nw++] = (struct bulk_worker){ .fd = c, .sender = true };
		w[nw++] = (struct bulk_worker){ .fd = s, .sender = false };
	}
	read_counters(fam, p->cli_ns, &cli0);
	read_counters(fam, p->srv_ns, &srv0);
	atomic_store(&stop, false);
	pthread_barrier_init(&start, NULL, nw + 1);
	for (int i = 0; i < nw; i++) {
		w[i].start = &start;
		w[i].bytes = &bytes;
		pthread_create(&w[i].tid, NULL, bulk_thread, &w[i]);
	}
	pthread_barrier_wait(&start);
	t0 = now_s();
	b0 = atomic_load(&bytes);
	if (traced)
		trace_run(t, fam, w[0].fd, &bytes, t0, window);
	else
		sleep_s(window);
	b1 = atomic_load(&bytes);
	t1 = now_s();
	atomic_store(&stop, true);
	read_counters(fam, p->cli_ns, &cli1);
	read_counters(fam, p->srv_ns, &srv1);
	for (int i = 0; i < nw; i++) {
		pthread_join(w[i].tid, NULL);
		if (w[i].err && !err)
			err = w[i].err;
	}
	pthread_barrier_destroy(&start);
	if (!err) {
		int off;

		out->val[0] = (double)(b1 - b0) * 8 / (t1 - t0) / 1e6;
		off = snprintf(out->detail, sizeof(out->detail),
			       "\"bytes\": %lld, \"seconds\": %.3f, \"streams\": %d",
			       b1 - b0, t1 - t0, t->streams);
		/* The first stream's ends, as the run ended: why it went at that rate. */
		off += tcp_info_json(w[0].fd, "sender", out->detail + off,
				     sizeof(out->detail) - off);
		off += tcp_info_json(w[1].fd, "receiver", out->detail + off,
				     sizeof(out->detail) - off);
		if (off < (int)sizeof(out->detail))
			path_counters_json(p, &cli0, &cli1, &srv0, &srv1, out->detail + off,
					   sizeof(out->detail) - off);
		ret = 0;
	}
out:
	/* Senders first: an RST, nothing left to drain or to wait for. */
	for (int i = 0; i < nw; i += 2)
		close_abort(w[i].fd);
	for (int i = 1; i < nw; i += 2)
		close_abort(w[i].fd);
	close(lfd);
	errno = err;
	return ret;
}

/* ---------------------------------------------------------------- request/response */

struct rr_worker {
	int fd;
	bool client;
	int msg;
	pthread_barrier_t *start;
	atomic_llong count;	/* transactions the client completed */
	int err;
};

static void *rr_thread(void *arg)
{
	struct rr_worker *w = arg;
	char buf[RR_MAX_MSG];

	memset(buf, 'r', sizeof(buf));
	pthread_barrier_wait(w->start);
	while (!atomic_load(&stop)) {
		/* The client asks then reads the answer; the server the reverse. */
		if (xfer_all(w->fd, buf, w->msg, w->client) ||
		    xfer_all(w->fd, buf, w->msg, !w->client)) {
			if (!atomic_load(&stop))
				w->err = errno ? errno : EPIPE;
			break;
		}
		if (w->client)
			atomic_fetch_add(&w->count, 1);
	}
	return NULL;
}

/*
 * The measuring window of a client thread and a server thread, as both
 * request/response tests run it: the namespaces' counters before the
 * threads start and after both have stopped, the client's count at the
 * window's edges.  Reading the counters after the threads: every
 * transaction counted is whole then, the server has idled for its
 * receive timeout (250 ms), and the last delayed ACKs (40 ms) are out.
 */
struct rr_window {
	struct counters cli0, cli1, srv0, srv1;
	long long trans;	/* in the window */
	long long total;	/* over the counters' span */
	double seconds;
};

/* The workers' start pointers must point at start already. */
static void rr_window_run(int fam, const struct path *p, void *(*fn)(void *),
			  void *cw, void *sw, pthread_barrier_t *start,
			  atomic_llong *count, struct rr_window *rw)
{
	pthread_t ct, st;
	long long c0, c1;
	double t0;

	read_counters(fam, p->cli_ns, &rw->cli0);
	read_counters(fam, p->srv_ns, &rw->srv0);
	atomic_store(&stop, false);
	pthread_barrier_init(start, NULL, 3);
	pthread_create(&ct, NULL, fn, cw);
	pthread_create(&st, NULL, fn, sw);
	pthread_barrier_wait(start);
	t0 = now_s();
	c0 = atomic_load(count);
	sleep_s(opt.duration);
	c1 = atomic_load(count);
	rw->seconds = now_s() - t0;
	atomic_store(&stop, true);
	pthread_join(ct, NULL);
	pthread_join(st, NULL);
	read_counters(fam, p->cli_ns, &rw->cli1);
	read_counters(fam, p->srv_ns, &rw->srv1);
	pthread_barrier_destroy(start);
	rw->trans = c1 - c0;
	rw->total = atomic_load(count);
}

static long long ctr(const struct counters *c, const char *name)
{
	for (int i = 0; i < NCTR; i++)
		if (!strcmp(ctr_names[i], name))
			return c->v[i];
	return 0;
}

/* What one end's namespace put on the wire during the run. */
static void wire_delta(int fam, const struct counters *a, const struct counters *b,
		       long long *segs, long long *retrans, long long *delacks)
{
	*retrans = ctr(b, "RetransSegs") - ctr(a, "RetransSegs");
	*segs = ctr(b, "OutSegs") - ctr(a, "OutSegs");
	/*
	 * Linux's OutSegs leaves retransmissions out (__tcp_transmit_skb
	 * counts a segment only if it carries new sequence space or none);
	 * XTCP's counts every segment it sends.  With RetransSegs added,
	 * both are the count on the wire.
	 */
	if (fam == FAM_TCP)
		*segs += *retrans;
	*delacks = ctr(b, "DelayedACKs") - ctr(a, "DelayedACKs");
}

/*
 * The 1-byte ping-pong's cost on the wire, both ends together, per
 * transaction the client counted over the counters' span: segments,
 * pure ACKs, delayed-ACK timers that sent one.  Each 1-byte message with
 * TCP_NODELAY is one segment, so a segment that is neither of the two
 * messages nor a retransmission is a pure ACK (the families' receive
 * counters of pure ACKs differ: Linux splits them between TCPPureAcks
 * and TCPHPAcks by path, XTCP has neither).
 */
static void wire_per_trans(int fam, const struct path *p, const struct rr_window *rw,
			   struct run_out *out)
{
	long long segs, retrans, delacks, s, r, d, trans = rw->total;

	wire_delta(fam, &rw->cli0, &rw->cli1, &segs, &retrans, &delacks);
	if (p->cli_ns != p->srv_ns) {
		wire_delta(fam, &rw->srv0, &rw->srv1, &s, &r, &d);
		segs += s;
		retrans += r;
		delacks += d;
	}
	if (trans <= 0)
		return;
	out->val[1] = (double)segs / trans;
	out->val[2] = (double)(segs - retrans - 2 * trans) / trans;
	out->val[3] = (double)delacks / trans;
}

static int test_rr(const struct test *t, int fam, struct run_out *out)
{
	const struct path *p = &paths[t->path];
	struct rr_worker cw = { .client = true }, sw = { .client = false };
	pthread_barrier_t start;
	struct rr_window rw;
	int port, lfd, err = 0, off;

	lfd = make_listener(fam, p, &port);
	if (lfd < 0)
		return -1;
	cw.fd = connect_to(fam, p, port);
	sw.fd = cw.fd < 0 ? -1 : accept_one(lfd);
	if (cw.fd < 0 || sw.fd < 0) {
		err = errno;
		close_abort(cw.fd);
		close(lfd);
		errno = err;
		return -1;
	}
	close(lfd);
	for (int i = 0; i < 2; i++) {
		struct rr_worker *w = i ? &sw : &cw;

		w->msg = t->msg;
		/* One message in flight: Nagle would only add delayed-ACK waits. */
		set_int(w->fd, IPPROTO_TCP, TCP_NODELAY, 1);
		set_timeo(w->fd, SO_RCVTIMEO, POLL_TIMEO_MS);
		set_timeo(w->fd, SO_SNDTIMEO, POLL_TIMEO_MS);
	}
	cw.start = sw.start = &start;
	rr_window_run(fam, p, rr_thread, &cw, &sw, &start, &cw.count, &rw);
	close_abort(cw.fd);
	close_abort(sw.fd);
	err = cw.err ? cw.err : sw.err;
	if (err) {
		errno = err;
		return -1;
	}
	out->val[0] = (double)rw.trans / rw.seconds;
	off = snprintf(out->detail, sizeof(out->detail),
		       "\"transactions\": %lld, \"seconds\": %.3f, \"msg_bytes\": %d, "
		       "\"transactions_counted\": %lld",
		       rw.trans, rw.seconds, t->msg, rw.total);
	if (t->nfigs > 1)
		wire_per_trans(fam, p, &rw, out);
	path_counters_json(p, &rw.cli0, &rw.cli1, &rw.srv0, &rw.srv1, out->detail + off,
			   sizeof(out->detail) - off);
	return 0;
}

/* ---------------------------------------------------------------- many request/response */

/*
 * N connections, each a 1-byte ping-pong with one request outstanding.
 * One thread serves all the clients' ends and one all the servers', with
 * epoll: on 2 CPUs, 2N blocking threads would measure the scheduler.
 */
struct rrn_worker {
	int ep;			/* epoll of this side's fds */
	const int *fds;
	int n;
	bool client;
	pthread_barrier_t *start;
	atomic_llong count;	/* responses the clients read */
	int err;
};

static void *rrn_thread(void *arg)
{
	struct rrn_worker *w = arg;
	struct epoll_event ev[64];
	char b = 'r';

	pthread_barrier_wait(w->start);
	/* The clients open with one request each. */
	for (int i = 0; w->client && i < w->n; i++) {
		if (send(w->fds[i], &b, 1, MSG_NOSIGNAL) != 1) {
			w->err = errno;
			return NULL;
		}
	}
	while (!atomic_load(&stop)) {
		int ne = epoll_wait(w->ep, ev, 64, POLL_TIMEO_MS);

		if (ne < 0 && errno != EINTR) {
			w->err = errno;
			break;
		}
		for (int i = 0; i < ne; i++) {
			int fd = ev[i].data.fd;
			ssize_t n = recv(fd, &b, 1, MSG_DONTWAIT);

			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n != 1) {
				if (!atomic_load(&stop))
					w->err = n ? errno : EPIPE;
				return NULL;
			}
			if (w->client)
				atomic_fetch_add(&w->count, 1);
			/* A client past the window asks no more. */
			if (w->client && atomic_load(&stop))
				continue;
			if (send(fd, &b, 1, MSG_NOSIGNAL) != 1) {
				if (!atomic_load(&stop))
					w->err = errno;
				return NULL;
			}
		}
	}
	return NULL;
}

static int test_rr_many(const struct test *t, int fam, struct run_out *out)
{
	const struct path *p = &paths[t->path];
	struct rrn_worker cw = { .client = true }, sw = { .client = false };
	int n = t->streams, made = 0, port, lfd, err = 0, ret = -1, off;
	int *fds = calloc(2 * n, sizeof(int));	/* clients, then servers */
	pthread_barrier_t start;
	struct rr_window rw;

	if (!fds)
		die("calloc");
	cw.ep = epoll_create1(EPOLL_CLOEXEC);
	sw.ep = epoll_create1(EPOLL_CLOEXEC);
	lfd = make_listener(fam, p, &port);
	if (cw.ep < 0 || sw.ep < 0 || lfd < 0) {
		err = errno;
		goto out;
	}
	for (made = 0; made < n; made++) {
		int c = connect_to(fam, p, port), s = c < 0 ? -1 : accept_one(lfd);

		if (c < 0 || s < 0) {
			err = errno;
			close_abort(c);
			goto out;
		}
		fds[made] = c;
		fds[n + made] = s;
		for (int i = 0; i < 2; i++) {
			int fd = i ? s : c;
			struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

			set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1);
			if (epoll_ctl(i ? sw.ep : cw.ep, EPOLL_CTL_ADD, fd, &ev)) {
				err = errno;
				made++;
				goto out;
			}
		}
	}
	cw.fds = fds;
	sw.fds = fds + n;
	cw.n = sw.n = n;
	cw.start = sw.start = &start;
	rr_window_run(fam, p, rrn_thread, &cw, &sw, &start, &cw.count, &rw);
	err = cw.err ? cw.err : sw.err;
	if (err)
		goto out;
	out->val[0] = (double)rw.trans / rw.seconds;
	off = snprintf(out->detail, sizeof(out->detail),
		       "\"transactions\": %lld, \"seconds\": %.3f, \"msg_bytes\": 1, "
		       "\"connections\": %d", rw.trans, rw.seconds, n);
	path_counters_json(p, &rw.cli0, &rw.cli1, &rw.srv0, &rw.srv1, out->detail + off,
			   sizeof(out->detail) - off);
	ret = 0;
out:
	for (int i = 0; i < made; i++) {
		close_abort(fds[i]);
		close_abort(fds[n + i]);
	}
	if (lfd >= 0)
		close(lfd);
	if (cw.ep >= 0)
		close(cw.ep);
	if (sw.ep >= 0)
		close(sw.ep);
	free(fds);
	errno = err;
	return ret;
}

/* ---------------------------------------------------------------- connect/request/close */

struct crr_shared {
	int fam;
	const struct path *p;
	int port, lfd;
	pthread_barrier_t start;
	atomic_llong count;	/* completed by the client */
	atomic_llong errors;	/* connects or exchanges that failed */
	atomic_bool client_done;
	int first_err;
};

#define CRR_MAX_ERRORS	100

static void *crr_client(void *arg)
{
	struct crr_shared *sh = arg;
	struct sockaddr_in sa;
	char b = 'q';
	bool ns_ok = enter_ns(sh->p->cli_ns) == 0;

	fill_addr(&sa, sh->fam, sh->p->addr, sh->port);
	pthread_barrier_wait(&sh->start);
	if (!ns_ok) {
		sh->first_err = errno;
		atomic_store(&sh->errors, CRR_MAX_ERRORS);
		atomic_store(&sh->client_done, true);
		return NULL;
	}
	while (!atomic_load(&stop)) {
		int fd = socket(fam_af[sh->fam], SOCK_STREAM, 0);
		bool ok = fd >= 0 &&
			  !connect(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
			  send(fd, &b, 1, MSG_NOSIGNAL) == 1 &&
			  recv(fd, &b, 1, 0) == 1;

		if (!ok && !sh->first_err)
			sh->first_err = errno;
		/* An ordinary close: the client is the one in TIME_WAIT. */
		if (fd >= 0)
			close(fd);
		if (ok) {
			atomic_fetch_add(&sh->count, 1);
		} else if (atomic_fetch_add(&sh->errors, 1) + 1 >= CRR_MAX_ERRORS) {
			break;
		}
	}
	atomic_store(&sh->client_done, true);
	return NULL;
}

static void *crr_server(void *arg)
{
	struct crr_shared *sh = arg;
	char b;

	pthread_barrier_wait(&sh->start);
	/*
	 * Serve until the client has finished, not until the window ends: a
	 * client that connected just before the end waits for its answer.
	 */
	while (!atomic_load(&sh->client_done)) {
		int fd = accept(sh->lfd, NULL, NULL);

		if (fd < 0)
			continue;	/* the listener's timeout, or an error */
		/* A client that vanished must not hold the server forever. */
		set_timeo(fd, SO_RCVTIMEO, 2000);
		if (recv(fd, &b, 1, 0) == 1 && send(fd, &b, 1, MSG_NOSIGNAL) == 1) {
			/* Wait for the client's FIN, then close: LAST_ACK here. */
			while (recv(fd, &b, 1, 0) > 0)
				;
		}
		close(fd);
	}
	return NULL;
}

static int test_crr(const struct test *t, int fam, struct run_out *out)
{
	struct crr_shared sh = { .fam = fam, .p = &paths[t->path] };
	struct counters cli0, cli1, srv0, srv1;
	pthread_t ct, st;
	int off;
	long long c0, c1, errors;
	double t0, t1;

	sh.lfd = make_listener(fam, sh.p, &sh.port);
	if (sh.lfd < 0)
		return -1;
	read_counters(fam, sh.p->cli_ns, &cli0);
	read_counters(fam, sh.p->srv_ns, &srv0);
	atomic_store(&stop, false);
	pthread_barrier_init(&sh.start, NULL, 3);
	pthread_create(&st, NULL, crr_server, &sh);
	pthread_create(&ct, NULL, crr_client, &sh);
	pthread_barrier_wait(&sh.start);
	t0 = now_s();
	c0 = atomic_load(&sh.count);
	sleep_s(opt.duration);
	c1 = atomic_load(&sh.count);
	t1 = now_s();
	atomic_store(&stop, true);
	read_counters(fam, sh.p->cli_ns, &cli1);
	read_counters(fam, sh.p->srv_ns, &srv1);
	pthread_join(ct, NULL);
	pthread_join(st, NULL);
	pthread_barrier_destroy(&sh.start);
	close(sh.lfd);
	errors = atomic_load(&sh.errors);
	if (errors >= CRR_MAX_ERRORS || c1 == c0) {
		errno = sh.first_err ? sh.first_err : EIO;
		return -1;
	}
	out->val[0] = (double)(c1 - c0) / (t1 - t0);
	off = snprintf(out->detail, sizeof(out->detail),
		 "\"connections\": %lld, \"seconds\": %.3f, \"errors\": %lld%s%s%s",
		 c1 - c0, t1 - t0, errors,
		 errors ? ", \"first_error\": \"" : "",
		 errors ? strerror(sh.first_err) : "", errors ? "\"" : "");
	if (off < (int)sizeof(out->detail))
		path_counters_json(sh.p, &cli0, &cli1, &srv0, &srv1, out->detail + off,
				   sizeof(out->detail) - off);
	return 0;
}

/* ---------------------------------------------------------------- memory */

struct slab_cache {
	char name[64];
	long active;	/* active_objs */
	long objsize;
};

struct mem_snap {
	long slab_kb, memfree_kb;
	long tcp_mem_pages;	/* /proc/net/sockstat "TCP: ... mem N" */
	struct slab_cache *caches;
	int ncaches;
};

static long meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t klen = strlen(key);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static long sockstat_tcp_mem(void)
{
	FILE *f = fopen("/proc/net/sockstat", "r");
	char line[256];
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *m = strstr(line, " mem ");

		if (!strncmp(line, "TCP:", 4) && m) {
			v = strtol(m + 5, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* /proc/slabinfo: name active_objs num_objs objsize ... (root only). */
static void read_slabinfo(struct mem_snap *s)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512];
	int cap = 0;

	s->caches = NULL;
	s->ncaches = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		struct slab_cache c;
		long num;

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %ld %ld %ld", c.name, &c.active, &num,
			   &c.objsize) != 4)
			continue;
		if (s->ncaches == cap) {
			cap = cap ? 2 * cap : 256;
			s->caches = realloc(s->caches, cap * sizeof(c));
			if (!s->caches)
				die("realloc");
		}
		s->caches[s->ncaches++] = c;
	}
	fclose(f);
}

/*
 * Make the counts exact: a cache's per-cpu slabs count as fully in use in
 * /proc/slabinfo, free slots included.  Shrinking a cache flushes them
 * back (and frees its empty slabs, which /proc/meminfo's Slab would
 * otherwise keep counting).  Aliases (merged caches) are symlinks: each
 * real cache is shrunk once.
 */
static void shrink_slabs(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.' || e->d_type == DT_LNK)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", e->d_name);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (write(fd, "1", 1) < 0) {
			/* Best effort: the counts are then a little coarser. */
		}
		close(fd);
	}
	closedir(d);
}

static void snap_mem(struct mem_snap *s)
{
	shrink_slabs();
	s->slab_kb = meminfo_kb("Slab");
	s->memfree_kb = meminfo_kb("MemFree");
	s->tcp_mem_pages = sockstat_tcp_mem();
	read_slabinfo(s);
}

/* The "size" column of /proc/net/protocols: the protocol's sock object. */
static long proto_obj_size(const char *proto)
{
	FILE *f = fopen("/proc/net/protocols", "r");
	char line[512], name[64];
	long size, v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld", name, &size) == 2 &&
		    !strcmp(name, proto)) {
			v = size;
			break;
		}
	}
	fclose(f);
	return v;
}

struct slab_delta {
	const char *name;
	long objs;
	long bytes;
};

static int cmp_delta(const void *a, const void *b)
{
	long x = labs(((const struct slab_delta *)a)->bytes);
	long y = labs(((const struct slab_delta *)b)->bytes);

	return (y > x) - (y < x);
}

/*
 * Bytes of slab objects that appeared between the snapshots, summed over
 * all caches; the biggest contributors go to the detail text.
 */
static long slab_objects_delta(const struct mem_snap *a, const struct mem_snap *b,
			       char *detail, size_t len)
{
	struct slab_delta *d = calloc(b->ncaches + 1, sizeof(*d));
	long total = 0;
	int nd = 0, off;

	if (!d)
		die("calloc");
	for (int i = 0; i < b->ncaches; i++) {
		long before = 0;

		for (int j = 0; j < a->ncaches; j++) {
			if (!strcmp(a->caches[j].name, b->caches[i].name)) {
				before = a->caches[j].active;
				break;
			}
		}
		if (b->caches[i].active == before)
			continue;
		d[nd].name = b->caches[i].name;
		d[nd].objs = b->caches[i].active - before;
		d[nd].bytes = d[nd].objs * b->caches[i].objsize;
		total += d[nd].bytes;
		nd++;
	}
	qsort(d, nd, sizeof(*d), cmp_delta);
	off = snprintf(detail, len, "\"slab_top\": [");
	for (int i = 0; i < nd && i < 8 && off < (int)len; i++)
		off += snprintf(detail + off, len - off,
				"%s{\"cache\": \"%s\", \"objects\": %ld, \"bytes\": %ld}",
				i ? ", " : "", d[i].name, d[i].objs, d[i].bytes);
	if (off < (int)len)
		snprintf(detail + off, len - off, "]");
	free(d);
	return total;
}

/* Sum of SO_MEMINFO fields over fds. */
static void sum_meminfo(const int *fds, int n, unsigned long long sum[SK_MEMINFO_VARS])
{
	memset(sum, 0, SK_MEMINFO_VARS * sizeof(sum[0]));
	for (int i = 0; i < n; i++) {
		uint32_t mi[SK_MEMINFO_VARS] = { 0 };
		socklen_t len = sizeof(mi);

		if (getsockopt(fds[i], SOL_SOCKET, SO_MEMINFO, mi, &len))
			continue;
		for (int k = 0; k < SK_MEMINFO_VARS && k < (int)(len / 4); k++)
			sum[k] += mi[k];
	}
}

/*
 * N connections on loopback, one byte each way on each, then idle.  Both
 * ends are in this kernel: each figure is per connection, i.e. for two
 * sockets with their files.  A warm-up run per family (not recorded)
 * first grows the fd table and the shared caches (files, dentries,
 * inodes), so the first recorded run does not pay for them alone.
 */
static int test_mem(const struct test *t, int fam, struct run_out *out)
{
	const struct path *p = &paths[t->path];
	int n = opt.conns, port, lfd, made = 0, err = 0, ret = -1;
	int *fds = calloc(2 * n, sizeof(int));	/* client, server, client... */
	struct mem_snap before, after;
	unsigned long long mi[SK_MEMINFO_VARS];
	char slabs[1536];
	long slab_obj;

	if (!fds)
		die("calloc");
	lfd = make_listener(fam, p, &port);
	if (lfd < 0) {
		free(fds);
		return -1;
	}
	/* Let the previous run's frees (RCU-deferred too) finish. */
	sleep_s(1);
	snap_mem(&before);
	for (made = 0; made < n; made++) {
		int c = connect_to(fam, p, port), s = c < 0 ? -1 : accept_one(lfd);
		char b = 'm';

		if (c < 0 || s < 0 || send(c, &b, 1, 0) != 1 ||
		    recv(s, &b, 1, 0) != 1 || send(s, &b, 1, 0) != 1 ||
		    recv(c, &b, 1, 0) != 1) {
			err = errno;
			close_abort(c);
			close_abort(s);
			goto out;
		}
		fds[2 * made] = c;
		fds[2 * made + 1] = s;
	}
	/* Idle: delayed ACKs (40 ms) sent, timers quiet. */
	sleep_s(1);
	snap_mem(&after);
	sum_meminfo(fds, 2 * n, mi);
	slab_obj = slab_objects_delta(&before, &after, slabs, sizeof(slabs));

	out->val[0] = (double)slab_obj / n;
	out->val[1] = (after.slab_kb - before.slab_kb) * 1024.0 / n;
	out->val[2] = (before.memfree_kb - after.memfree_kb) * 1024.0 / n;
	out->val[3] = (double)(mi[SK_MEMINFO_RMEM_ALLOC] + mi[SK_MEMINFO_WMEM_QUEUED] +
			       mi[SK_MEMINFO_FWD_ALLOC] + mi[SK_MEMINFO_OPTMEM]) / n;
	out->val[4] = (double)proto_obj_size(fam == FAM_XTCP ? "XTCP" : "TCP");
	snprintf(out->detail, sizeof(out->detail),
		 "\"connections\": %d, %s, \"meminfo_slab_kb\": %ld, "
		 "\"memfree_kb\": %ld, \"sockstat_tcp_mem_pages\": %ld, "
		 "\"so_meminfo_sum\": {\"rmem_alloc\": %llu, \"wmem_alloc\": %llu, "
		 "\"fwd_alloc\": %llu, \"wmem_queued\": %llu, \"optmem\": %llu, "
		 "\"rcvbuf\": %llu, \"sndbuf\": %llu}",
		 n, slabs, after.slab_kb - before.slab_kb,
		 before.memfree_kb - after.memfree_kb,
		 after.tcp_mem_pages - before.tcp_mem_pages,
		 mi[SK_MEMINFO_RMEM_ALLOC], mi[SK_MEMINFO_WMEM_ALLOC],
		 mi[SK_MEMINFO_FWD_ALLOC], mi[SK_MEMINFO_WMEM_QUEUED],
		 mi[SK_MEMINFO_OPTMEM], mi[SK_MEMINFO_RCVBUF], mi[SK_MEMINFO_SNDBUF]);
	ret = 0;
	free(after.caches);
out:
	free(before.caches);
	/* RSTs: no TIME_WAIT sockets to skew the next run's baseline. */
	for (int i = 0; i < 2 * made; i++)
		close_abort(fds[i]);
	close(lfd);
	free(fds);
	errno = err;
	return ret;
}

/* ---------------------------------------------------------------- the plan */

/* The memory test first: nothing else has left TIME_WAIT sockets yet. */
static const struct test tests[] = {
	{ "mem", test_mem, PATH_LO, .figs = { F_MEM_SLABOBJ, F_MEM_SLAB, F_MEM_FREE, F_MEM_SK, F_SOCK_SIZE }, .nfigs = 5 },
	{ "bulk1", test_bulk, PATH_LO, .streams = 1, .figs = { F_BULK1_LO }, .nfigs = 1 },
	{ "bulk4", test_bulk, PATH_LO, .streams = 4, .figs = { F_BULK4_LO }, .nfigs = 1 },
	{ "rr1", test_rr, PATH_LO, .msg = 1, .figs = { F_RR1_LO }, .nfigs = 1 },
	{ "rr4k", test_rr, PATH_LO, .msg = 4096, .figs = { F_RR4K_LO }, .nfigs = 1 },
	{ "crr", test_crr, PATH_LO, .figs = { F_CRR_LO }, .nfigs = 1 },
	{ "bulk1", test_bulk, PATH_VETH, .streams = 1, .figs = { F_BULK1_VETH }, .nfigs = 1 },
	{ "bulk4", test_bulk, PATH_VETH, .streams = 4, .figs = { F_BULK4_VETH }, .nfigs = 1 },
	{ "rr1", test_rr, PATH_VETH, .msg = 1,
	  .figs = { F_RR1_VETH, F_RR1_SEGS_VETH, F_RR1_PUREACKS_VETH, F_RR1_DELACKS_VETH },
	  .nfigs = 4 },
	{ "rr4k", test_rr, PATH_VETH, .msg = 4096, .figs = { F_RR4K_VETH }, .nfigs = 1 },
	{ "crr", test_crr, PATH_VETH, .figs = { F_CRR_VETH }, .nfigs = 1 },
	{ "bulk1", test_bulk, PATH_NETEM, .streams = 1, .figs = { F_NETEM }, .nfigs = 1 },
	/* Newer tests last: the older ones keep the conditions they ran in. */
	{ "rr64", test_rr_many, PATH_LO, .streams = 64, .figs = { F_RR64_LO }, .nfigs = 1 },
	{ "rr64", test_rr_many, PATH_VETH, .streams = 64, .figs = { F_RR64_VETH }, .nfigs = 1 },
	{ "bulk1", test_bulk, PATH_SWGSO, .streams = 1, .figs = { F_BULK1_SWGSO }, .nfigs = 1 },
	{ "bulk1", test_bulk, PATH_WAN, .streams = 1, .figs = { F_BULK1_WAN }, .nfigs = 1 },
	{ "bulk1", test_bulk, PATH_WANLOSS, .streams = 1, .figs = { F_BULK1_WANLOSS }, .nfigs = 1 },
};
#define NTESTS ((int)(sizeof(tests) / sizeof(tests[0])))

static bool selected(const struct test *t)
{
	const char *s = opt.only;
	size_t len = strlen(t->name);
	char full[32];
	size_t flen;

	if (!s)
		return true;
	/*
	 * "bulk1" selects it on every path, "bulk1_veth" on one, "veth" every
	 * test on that path.
	 */
	snprintf(full, sizeof(full), "%s_%s", t->name, paths[t->path].key);
	flen = strlen(full);
	while (*s) {
		size_t n = strcspn(s, ",");

		if ((n == len && !strncmp(s, t->name, n)) ||
		    (n == flen && !strncmp(s, full, n)) ||
		    (n == strlen(paths[t->path].key) &&
		     !strncmp(s, paths[t->path].key, n)))
			return true;
		s += n + (s[n] == ',');
	}
	return false;
}

/* ---------------------------------------------------------------- output */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	fprintf(f, "%.6g", v);
}

static char started_at[64];
static char kernel[128];

static int write_json(const char *path, bool complete)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "{\n  \"tool\": \"xtcp_bench\",\n  \"format\": 1,\n");
	fprintf(f, "  \"complete\": %s,\n", complete ? "true" : "false");
	fprintf(f, "  \"date\": ");
	json_str(f, started_at);
	fprintf(f, ",\n  \"kernel\": ");
	json_str(f, kernel);
	fprintf(f, ",\n  \"cpus\": %ld,\n", sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(f, "  \"runs\": %d,\n  \"duration_s\": %g,\n  \"netem_duration_s\": %g,\n"
		   "  \"wan_duration_s\": %g,\n  \"idle_connections\": %d,\n  \"quick\": %s,\n",
		opt.runs, opt.duration, opt.netem_duration, opt.wan_duration, opt.conns,
		opt.quick ? "true" : "false");
	fprintf(f, "  \"meta\": {");
	for (int i = 0; i < opt.nmeta; i++) {
		fprintf(f, "%s\n    ", i ? "," : "");
		json_str(f, opt.meta_key[i]);
		fprintf(f, ": ");
		json_str(f, opt.meta_val[i]);
	}
	fprintf(f, "%s},\n  \"figures\": [", opt.nmeta ? "\n  " : "");
	for (int i = 0, first = 1; i < NFIG; i++) {
		const struct figure *fg = &figs[i];
		struct stats st[NFAM];

		if (!fg->n[FAM_XTCP] && !fg->n[FAM_TCP] &&
		    !fg->failed[FAM_XTCP] && !fg->failed[FAM_TCP])
			continue;
		fprintf(f, "%s\n    {\"name\": \"%s\", \"title\": \"%s\", \"path\": \"%s\", "
			   "\"unit\": \"%s\", \"better\": \"%s\",",
			first ? "" : ",", fg->key, fg->title, fg->path, fg->unit,
			fg->higher_better ? "higher" : "lower");
		first = 0;
		for (int fam = 0; fam < NFAM; fam++) {
			st[fam] = stats_of(fg, fam);
			fprintf(f, "\n      \"%s\": {\"runs\": [", fam == FAM_XTCP ? "xtcp" : "tcp");
			for (int r = 0; r < fg->n[fam]; r++) {
				fprintf(f, "%s", r ? ", " : "");
				json_num(f, fg->v[fam][r]);
			}
			fprintf(f, "], \"failed_runs\": %d", fg->failed[fam]);
			if (st[fam].valid) {
				fprintf(f, ", \"median\": ");
				json_num(f, st[fam].median);
				fprintf(f, ", \"min\": ");
				json_num(f, st[fam].min);
				fprintf(f, ", \"max\": ");
				json_num(f, st[fam].max);
			}
			fprintf(f, ", \"detail\": [");
			for (int r = 0; r < fg->n[fam]; r++)
				fprintf(f, "%s{%s}", r ? ", " : "",
					fg->detail[fam][r] ? fg->detail[fam][r] : "");
			fprintf(f, "]},");
		}
		fprintf(f, "\n      \"ratio_xtcp_tcp\": ");
		if (st[FAM_XTCP].valid && st[FAM_TCP].valid && st[FAM_TCP].median)
			json_num(f, st[FAM_XTCP].median / st[FAM_TCP].median);
		else
			fprintf(f, "null");
		fprintf(f, "}");
	}
	fprintf(f, "\n  ]\n}\n");
	if (fclose(f))
		return -1;
	return rename(tmp, path);
}

/* Three significant figures, no exponent: these are for people. */
static void fmt_num(char *buf, size_t len, double v)
{
	double a = v < 0 ? -v : v;

	if (a >= 100)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.2f", v);
}

static void fmt_stats(char *buf, size_t len, const struct figure *fg, int fam)
{
	struct stats s = stats_of(fg, fam);
	char m[24], lo[24], hi[24];

	if (!s.valid) {
		snprintf(buf, len, fg->failed[fam] ? "failed" : "-");
		return;
	}
	fmt_num(m, sizeof(m), s.median);
	fmt_num(lo, sizeof(lo), s.min);
	fmt_num(hi, sizeof(hi), s.max);
	snprintf(buf, len, "%s [%s-%s]%s", m, lo, hi,
		 fg->failed[fam] ? " (some failed)" : "");
}

static void print_table(void)
{
	printf("\n# xtcp_bench: kernel %s, %s, %d runs each, median [min-max]\n",
	       kernel, started_at, opt.runs);
	printf("%-26s %-11s %-8s %-27s %-27s %s\n", "figure", "path", "unit",
	       "XTCP", "TCP", "XTCP/TCP");
	for (int i = 0; i < NFIG; i++) {
		const struct figure *fg = &figs[i];
		struct stats x = stats_of(fg, FAM_XTCP), t = stats_of(fg, FAM_TCP);
		char xs[128], ts[128], ratio[32] = "-";

		if (!fg->n[FAM_XTCP] && !fg->n[FAM_TCP] &&
		    !fg->failed[FAM_XTCP] && !fg->failed[FAM_TCP])
			continue;
		fmt_stats(xs, sizeof(xs), fg, FAM_XTCP);
		fmt_stats(ts, sizeof(ts), fg, FAM_TCP);
		if (x.valid && t.valid && t.median)
			snprintf(ratio, sizeof(ratio), "%.2f", x.median / t.median);
		printf("%-26s %-11s %-8s %-27s %-27s %s\n", fg->title, fg->path,
		       fg->unit, xs, ts, ratio);
	}
	printf("(ratio of medians; throughput, trans/s, conn/s: higher is better; "
	       "memory, per trans: lower is better)\n");
}

/* ---------------------------------------------------------------- watchdog */

/*
 * A run that hangs (a bug in either stack) must not lose every figure
 * measured so far: after its deadline, save what we have and exit.
 */
static atomic_llong deadline_ms;	/* 0: no run in progress */
static const char *current_test = "";

static void *watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		long long d = atomic_load(&deadline_ms);

		sleep(1);
		if (d && now_s() * 1000 > (double)d && d == atomic_load(&deadline_ms)) {
			fprintf(stderr, "%s: %s has not finished long after its window: "
				"saving partial results to %s and giving up\n",
				prog, current_test, opt.json);
			write_json(opt.json, false);
			print_table();
			fflush(stdout);
			_exit(3);
		}
	}
	return NULL;
}

/* ---------------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [options]\n"
		"  --runs N           runs per figure and family (default 5)\n"
		"  --duration S       seconds per timed run (default 3)\n"
		"  --netem-duration S seconds per netem run (default 5)\n"
		"  --wan-duration S   seconds per wan and wanloss run (default 10)\n"
		"  --conns N          idle connections for the memory figures (default 1000)\n"
		"  --quick            a smoke run: 2 runs, 1 s windows, 200 connections\n"
		"  --only LIST        tests to run: mem,bulk1,bulk4,rr1,rr4k,crr,rr64; a path:\n"
		"                     lo,veth,netem,swgso,wan,wanloss; or TEST_PATH (e.g. bulk1_wan)\n"
		"  --tcp-only         TCP alone (no xtcp.ko needed; to try the program)\n"
		"  --xtcp-only        XTCP alone (to profile it; no ratios)\n"
		"  --json PATH        results file (default build/bench/results.json)\n"
		"  --ns-lo PATH       netns for the loopback path (default: ours)\n"
		"  --ns-client PATH, --ns-server PATH   netns of the two veth ends\n"
		"  --veth ADDR        server address over the plain veth pair\n"
		"  --netem ADDR       server address over the netem veth pair\n"
		"  --swgso ADDR       server address over the pair with software GSO and GRO\n"
		"  --wan ADDR         server address over the 50 Mbit/s 40 ms pair\n"
		"  --wanloss ADDR     server address over the same with 1%% loss\n"
		"  --traces DIR       where the wan paths' traces go (default: the JSON's folder)\n"
		"  --meta KEY=VALUE   recorded in the JSON's meta object\n",
		prog);
	exit(1);
}

static double parse_num(const char *s, double lo, double hi)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "%s: bad number '%s'\n", prog, s);
		usage();
	}
	return v;
}

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "netem-duration", required_argument, NULL, 'D' },
		{ "conns", required_argument, NULL, 'c' },
		{ "quick", no_argument, NULL, 'q' },
		{ "only", required_argument, NULL, 'o' },
		{ "tcp-only", no_argument, NULL, 'T' },
		{ "xtcp-only", no_argument, NULL, 'X' },
		{ "json", required_argument, NULL, 'j' },
		{ "ns-lo", required_argument, NULL, 'L' },
		{ "ns-client", required_argument, NULL, 'C' },
		{ "ns-server", required_argument, NULL, 'S' },
		{ "veth", required_argument, NULL, 'v' },
		{ "netem", required_argument, NULL, 'n' },
		{ "swgso", required_argument, NULL, 'g' },
		{ "wan", required_argument, NULL, 'w' },
		{ "wanloss", required_argument, NULL, 'W' },
		{ "wan-duration", required_argument, NULL, 'u' },
		{ "traces", required_argument, NULL, 't' },
		{ "meta", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool runs_set = false, dur_set = false, ndur_set = false, wdur_set = false;
	bool conns_set = false;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': opt.runs = (int)parse_num(optarg, 1, MAX_RUNS); runs_set = true; break;
		case 'd': opt.duration = parse_num(optarg, 0.1, 600); dur_set = true; break;
		case 'D': opt.netem_duration = parse_num(optarg, 0.1, 600); ndur_set = true; break;
		case 'c': opt.conns = (int)parse_num(optarg, 1, 100000); conns_set = true; break;
		case 'q': opt.quick = true; break;
		case 'o': opt.only = optarg; break;
		case 'T': opt.tcp_only = true; break;
		case 'X': opt.xtcp_only = true; break;
		case 'j': opt.json = optarg; break;
		case 'L': opt.ns_lo = optarg; break;
		case 'C': opt.ns_client = optarg; break;
		case 'S': opt.ns_server = optarg; break;
		case 'v': opt.veth_addr = optarg; break;
		case 'n': opt.netem_addr = optarg; break;
		case 'g': opt.swgso_addr = optarg; break;
		case 'w': opt.wan_addr = optarg; break;
		case 'W': opt.wanloss_addr = optarg; break;
		case 'u': opt.wan_duration = parse_num(optarg, 0.1, 600); wdur_set = true; break;
		case 't': opt.traces = optarg; break;
		case 'm': {
			char *eq = strchr(optarg, '=');

			if (!eq || opt.nmeta == MAX_META)
				usage();
			*eq = '\0';
			opt.meta_key[opt.nmeta] = optarg;
			opt.meta_val[opt.nmeta++] = eq + 1;
			break;
		}
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	/* Quick changes the defaults only; explicit options still win. */
	if (opt.quick) {
		if (!runs_set)
			opt.runs = 2;
		if (!dur_set)
			opt.duration = 1;
		if (!ndur_set)
			opt.netem_duration = 2;
		if (!wdur_set)
			opt.wan_duration = 3;
		if (!conns_set)
			opt.conns = 200;
	}
	if ((opt.veth_addr || opt.netem_addr || opt.swgso_addr || opt.wan_addr ||
	     opt.wanloss_addr) && (!opt.ns_client || !opt.ns_server)) {
		fprintf(stderr, "%s: --veth/--netem/--swgso/--wan/--wanloss need --ns-client and --ns-server\n",
			prog);
		usage();
	}
}

/* 2 fds per idle connection, plus listeners and slack. */
static void raise_nofile(void)
{
	rlim_t need = 2 * (rlim_t)opt.conns + 256;
	struct rlimit rl;
	int hi;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit");
	if (rl.rlim_cur < need) {
		rl.rlim_cur = need;
		if (rl.rlim_max < need)
			rl.rlim_max = need;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			die("setrlimit(RLIMIT_NOFILE, %llu) (run as root, or raise ulimit -n)",
			    (unsigned long long)need);
	}
	/*
	 * Grow the fd table now, once, so that its growth is not counted in
	 * whichever family's memory run happens to open the most fds first.
	 */
	hi = dup2(STDERR_FILENO, (int)need - 1);
	if (hi >= 0)
		close(hi);
}

static void check_xtcp(void)
{
	int fd = socket(AF_XTCP, SOCK_STREAM, 0);

	if (fd >= 0) {
		close(fd);
		return;
	}
	if (errno == EAFNOSUPPORT)
		fprintf(stderr,
			"%s: socket(AF_XTCP=%d, SOCK_STREAM, 0): %s.\n"
			"  xtcp.ko is not loaded.  Run the benchmark in the test VM "
			"(make bench), or load it\n"
			"  (insmod build/$(uname -r)/xtcp.ko), or pass --tcp-only to "
			"measure TCP alone.\n",
			prog, AF_XTCP, strerror(errno));
	else
		fprintf(stderr, "%s: socket(AF_XTCP=%d, SOCK_STREAM, 0): %s\n",
			prog, AF_XTCP, strerror(errno));
	exit(2);
}

static void run_all(void)
{
	int total = 0, done = 0;
	double start = now_s();

	for (int i = 0; i < NTESTS; i++)
		if (selected(&tests[i]) && paths[tests[i].path].enabled)
			total += opt.runs * (opt.tcp_only || opt.xtcp_only ? 1 : NFAM);

	for (int i = 0; i < NTESTS; i++) {
		const struct test *t = &tests[i];
		const struct path *p = &paths[t->path];
		char label[48];

		if (!selected(t))
			continue;
		snprintf(label, sizeof(label), "%s_%s", t->name, p->key);
		if (!p->enabled) {
			printf("# %s: skipped (path %s not configured)\n", label, p->name);
			continue;
		}
		if (t->fn == test_mem) {
			/* Warm-up, not recorded: see test_mem(). */
			for (int fam = opt.tcp_only ? FAM_TCP : 0; fam < (opt.xtcp_only ? FAM_TCP : NFAM); fam++) {
				struct run_out o;

				memset(&o, 0, sizeof(o));
				if (t->fn(t, fam, &o))
					printf("# %s warm-up %s: %s\n", label, fam_name[fam],
					       strerror(errno));
			}
		}
		/* A B A B: drift of the machine falls on both families. */
		for (int r = 0; r < opt.runs; r++) {
			for (int fam = opt.tcp_only ? FAM_TCP : 0; fam < (opt.xtcp_only ? FAM_TCP : NFAM); fam++) {
				struct run_out o;
				double window = path_window(t->path);
				double t0 = now_s();
				char val[32];
				int rc;

				memset(&o, 0, sizeof(o));
				current_test = label;
				atomic_store(&deadline_ms,
					     (long long)((t0 + window + 120) * 1000));
				rc = t->fn(t, fam, &o);
				atomic_store(&deadline_ms, 0);
				done++;
				if (rc) {
					printf("[%3d/%d] %-11s %-4s run %d: FAILED: %s\n",
					       done, total, label, fam_name[fam], r + 1,
					       strerror(errno));
					for (int k = 0; k < t->nfigs; k++)
						figs[t->figs[k]].failed[fam]++;
				} else {
					fmt_num(val, sizeof(val), o.val[0]);
					printf("[%3d/%d] %-11s %-4s run %d: %s %s (%.1f s)\n",
					       done, total, label, fam_name[fam], r + 1,
					       val, figs[t->figs[0]].unit, now_s() - t0);
					for (int k = 0; k < t->nfigs; k++)
						record(t->figs[k], fam, o.val[k],
						       k == 0 ? o.detail : NULL);
				}
				fflush(stdout);
			}
			/* Keep the partial results on disk as we go. */
			write_json(opt.json, false);
		}
	}
	printf("# all runs done in %.0f s\n", now_s() - start);
}

int main(int argc, char **argv)
{
	struct utsname u;
	pthread_t wd;
	time_t t = time(NULL);

	parse_args(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	strftime(started_at, sizeof(started_at), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	if (!uname(&u))
		snprintf(kernel, sizeof(kernel), "%s", u.release);

	if (!opt.tcp_only)
		check_xtcp();
	raise_nofile();
	home_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home_ns < 0)
		die("open /proc/thread-self/ns/net");
	setup_paths();

	/* The traces' folder: "traces" beside the JSON unless told. */
	if (!opt.traces) {
		static char dir[4096];
		const char *slash = strrchr(opt.json, '/');

		snprintf(dir, sizeof(dir), "%.*s%straces",
			 slash ? (int)(slash - opt.json) : 0, opt.json, slash ? "/" : "");
		opt.traces = dir;
	}
	if ((paths[PATH_WAN].enabled || paths[PATH_WANLOSS].enabled) &&
	    mkdir(opt.traces, 0755) && errno != EEXIST)
		die("cannot make %s", opt.traces);

	/* Check the JSON can be written before spending minutes measuring. */
	if (write_json(opt.json, false))
		die("cannot write %s", opt.json);

	printf("# xtcp_bench: kernel %s, %ld cpus, %d runs, %g s windows (netem %g s), "
	       "%d idle connections; families %s\n",
	       kernel, sysconf(_SC_NPROCESSORS_ONLN), opt.runs, opt.duration,
	       opt.netem_duration, opt.conns,
	       opt.tcp_only ? "TCP" : opt.xtcp_only ? "XTCP" : "XTCP, TCP");
	for (int i = 0; i < opt.nmeta; i++)
		printf("# %s: %s\n", opt.meta_key[i], opt.meta_val[i]);

	pthread_create(&wd, NULL, watchdog, NULL);
	run_all();
	if (write_json(opt.json, true))
		die("cannot write %s", opt.json);
	print_table();
	printf("# JSON: %s\n", opt.json);
	return 0;
}
