// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_ss: list XTCP sockets as `ss -tanei` lists TCP ones.
 *
 *   xtcp_ss [-l | -a] [-i] [-p] [-n] [--family xtcp|inet]
 *
 * Reads /proc/net/xtcp (with --family inet, /proc/net/tcp: Linux's own
 * TCP, shown the same way), one socket a line, in /proc/net/tcp's format.
 * For each: state, Recv-Q, Send-Q, local and peer address:port, the
 * pending timer, uid and inode.  With -i, a second line from TCP_INFO:
 * rtt, cwnd, ssthresh, mss, retransmissions, bytes, delivery rate...
 *
 * TCP_INFO needs a file descriptor.  The socket's owner is found by its
 * inode in /proc/PID/fd, and pidfd_getfd(2) copies that fd here (root, or
 * the same user with ptrace rights; Linux >= 5.6).  Sockets no process
 * holds (TIME_WAIT, orphans, children not yet accepted) show only what
 * /proc has.  As in ss, a listener whose fd is found shows its accept
 * queue and backlog limit as Recv-Q and Send-Q.
 *
 *   -l  listening sockets only        -a  all sockets
 *       (default: connections, without LISTEN, SYN_RECV and TIME_WAIT)
 *   -i  TCP_INFO details              -p  the process holding it
 *   -n  numeric (the only mode: accepted for ss's habit)
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "../kmod/xtcp_state.h"	/* enum xtcp_state, xtcp_state_name() */

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/*
 * struct tcp_info as the kernel's uapi has it: glibc's stops at
 * tcpi_total_retrans.  getsockopt() says how much the kernel filled.
 */
struct ss_tcp_info {
	struct tcp_info ti;
	uint64_t pacing_rate, max_pacing_rate, bytes_acked, bytes_received;
	uint32_t segs_out, segs_in, notsent_bytes, min_rtt;
	uint32_t data_segs_in, data_segs_out;
	uint64_t delivery_rate, busy_time, rwnd_limited, sndbuf_limited;
	uint32_t delivered, delivered_ce;
	uint64_t bytes_sent, bytes_retrans;
	uint32_t dsack_dups, reord_seen, rcv_ooopack, snd_wnd;
};

#define HAS(len, field) \
	((len) >= offsetof(struct ss_tcp_info, field) + \
		  sizeof(((struct ss_tcp_info *)0)->field))

/* One line of /proc/net/{xtcp,tcp}. */
struct ent {
	uint32_t laddr, raddr;		/* as the kernel printed them */
	unsigned int lport, rport, st, txq, rxq, timer, retrnsmt, uid;
	unsigned long when;		/* clock ticks (1/100 s) */
	unsigned long inode;
	int nextra;			/* how many of the fields below */
	unsigned long rto, ato;
	unsigned int qp, cwnd;
	int ssthresh;
};

/* A process's fd of a socket, from /proc/PID/fd. */
struct owner {
	unsigned long inode;
	int pid, fd;
};

static struct owner *owners;
static size_t nowners;

static const char *const timer_names[] = {
	"off", "on", "keepalive", "timewait", "persist",
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xtcp_ss [-l|-a] [-i] [-p] [-n] [--family xtcp|inet]\n"
		"  -l  listening sockets only   -a  all sockets\n"
		"  -i  TCP_INFO details         -p  owning process\n"
		"  -n  numeric (always)         --family inet: Linux TCP (/proc/net/tcp)\n");
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Every socket fd of every process we may look at: inode -> pid, fd. */
static void scan_owners(void)
{
	DIR *proc = opendir("/proc"), *fds;
	struct dirent *p, *d;
	char path[PATH_MAX], link[64];
	size_t cap = 0;
	unsigned long ino;
	ssize_t n;

	if (!proc)
		return;
	while ((p = readdir(proc))) {
		if (!all_digits(p->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		if (!fds)
			continue;	/* gone, or not ours to see */
		while ((d = readdir(fds))) {
			if (!all_digits(d->d_name))
				continue;
			snprintf(path, sizeof(path), "/proc/%s/fd/%s",
				 p->d_name, d->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = 0;
			if (sscanf(link, "socket:[%lu]", &ino) != 1)
				continue;
			if (nowners == cap) {
				struct owner *o;

				cap = cap ? 2 * cap : 64;
				o = realloc(owners, cap * sizeof(*o));
				if (!o)
					break;
				owners = o;
			}
			owners[nowners++] = (struct owner){
				ino, atoi(p->d_name), atoi(d->d_name) };
		}
		closedir(fds);
	}
	closedir(proc);
}

static const struct owner *find_owner(unsigned long inode)
{
	size_t i;

	for (i = 0; inode && i < nowners; i++)
		if (owners[i].inode == inode)
			return &owners[i];
	return NULL;
}

/* TCP_INFO through a copy of the owner's fd; bytes filled, or 0. */
static socklen_t get_info(const struct owner *o, struct ss_tcp_info *info)
{
	socklen_t len = sizeof(*info);
	int pidfd, fd;

	memset(info, 0, sizeof(*info));
	pidfd = syscall(SYS_pidfd_open, o->pid, 0);
	if (pidfd < 0)
		return 0;
	fd = syscall(SYS_pidfd_getfd, pidfd, o->fd, 0);
	close(pidfd);
	if (fd < 0)
		return 0;
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, &len))
		len = 0;
	close(fd);
	return len;
}

static int parse_line(const char *line, struct ent *e)
{
	int n, off = 0;

	memset(e, 0, sizeof(*e));
	n = sscanf(line, " %*d: %x:%x %x:%x %x %x:%x %x:%lx %x %u %*d %lu%n",
		   &e->laddr, &e->lport, &e->raddr, &e->rport, &e->st,
		   &e->txq, &e->rxq, &e->timer, &e->when, &e->retrnsmt,
		   &e->uid, &e->inode, &off);
	if (n != 12)
		return -1;
	/* Full sockets go on: refcnt sk rto ato quick/pingpong cwnd ssthresh. */
	n = sscanf(line + off, " %*d %*s %lu %lu %u %u %d",
		   &e->rto, &e->ato, &e->qp, &e->cwnd, &e->ssthresh);
	e->nextra = n > 0 ? n : 0;
	return 0;
}

static void addr_port(char *buf, size_t len, uint32_t addr, unsigned int port)
{
	struct in_addr a = { .s_addr = addr };
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	if (port)
		snprintf(buf, len, "%s:%u", ip, port);
	else
		snprintf(buf, len, "%s:*", ip);
}

/* ss's way: 200ms, 1.500ms, 59sec, 1min... */
static const char *ms_str(unsigned long ms)
{
	static char buf[64];
	unsigned long mins = ms / 60000, secs = ms / 1000 % 60;
	unsigned long msecs = ms % 1000;
	size_t n = 0;

	buf[0] = 0;
	if (mins) {
		n += snprintf(buf + n, sizeof(buf) - n, "%lumin", mins);
		msecs = 0;
		if (mins > 9)
			secs = 0;
	}
	if (secs) {
		if (secs > 9)
			msecs = 0;
		n += snprintf(buf + n, sizeof(buf) - n, "%lu%s", secs,
			      msecs ? "." : "sec");
	}
	if (msecs || !n)
		snprintf(buf + n, sizeof(buf) - n, "%03lums", msecs);
	return buf;
}

/* Bits per second as ss prints rates: 1.2Mbps. */
static const char *rate_str(char *buf, size_t len, double bps)
{
	if (bps >= 1e9)
		snprintf(buf, len, "%.1fGbps", bps / 1e9);
	else if (bps >= 1e6)
		snprintf(buf, len, "%.1fMbps", bps / 1e6);
	else if (bps >= 1e3)
		snprintf(buf, len, "%.1fKbps", bps / 1e3);
	else
		snprintf(buf, len, "%.0fbps", bps);
	return buf;
}

static void print_info(const struct ss_tcp_info *x, socklen_t len)
{
	const struct tcp_info *t = &x->ti;
	char rate[32];

	if (t->tcpi_options & TCPI_OPT_TIMESTAMPS)
		printf(" ts");
	if (t->tcpi_options & TCPI_OPT_SACK)
		printf(" sack");
	if (t->tcpi_options & TCPI_OPT_WSCALE)
		printf(" wscale:%u,%u", t->tcpi_snd_wscale,
		       t->tcpi_rcv_wscale);
	printf(" rto:%g rtt:%.3f/%.3f ato:%g mss:%u pmtu:%u rcvmss:%u advmss:%u cwnd:%u",
	       t->tcpi_rto / 1000.0, t->tcpi_rtt / 1000.0,
	       t->tcpi_rttvar / 1000.0, t->tcpi_ato / 1000.0,
	       t->tcpi_snd_mss, t->tcpi_pmtu, t->tcpi_rcv_mss,
	       t->tcpi_advmss, t->tcpi_snd_cwnd);
	if (t->tcpi_snd_ssthresh < 0xffff)
		printf(" ssthresh:%u", t->tcpi_snd_ssthresh);
	if (HAS(len, bytes_sent) && x->bytes_sent)
		printf(" bytes_sent:%llu", (unsigned long long)x->bytes_sent);
	if (HAS(len, bytes_received))
		printf(" bytes_acked:%llu bytes_received:%llu",
		       (unsigned long long)x->bytes_acked,
		       (unsigned long long)x->bytes_received);
	if (HAS(len, segs_in))
		printf(" segs_out:%u segs_in:%u", x->segs_out, x->segs_in);
	if (t->tcpi_rtt)
		printf(" send %s", rate_str(rate, sizeof(rate),
			(double)t->tcpi_snd_cwnd * t->tcpi_snd_mss * 8e6 /
			t->tcpi_rtt));
	printf(" lastsnd:%u lastrcv:%u lastack:%u", t->tcpi_last_data_sent,
	       t->tcpi_last_data_recv, t->tcpi_last_ack_recv);
	if (HAS(len, delivery_rate) && x->delivery_rate)
		printf(" delivery_rate %s", rate_str(rate, sizeof(rate),
			x->delivery_rate * 8.0));
	if (HAS(len, delivered))
		printf(" delivered:%u", x->delivered);
	if (t->tcpi_unacked)
		printf(" unacked:%u", t->tcpi_unacked);
	printf(" retrans:%u/%u", t->tcpi_retrans, t->tcpi_total_retrans);
	if (t->tcpi_lost)
		printf(" lost:%u", t->tcpi_lost);
	if (t->tcpi_sacked)
		printf(" sacked:%u", t->tcpi_sacked);
	if (HAS(len, notsent_bytes) && x->notsent_bytes)
		printf(" notsent:%u", x->notsent_bytes);
	printf(" rcv_space:%u rcv_ssthresh:%u", t->tcpi_rcv_space,
	       t->tcpi_rcv_ssthresh);
	if (HAS(len, snd_wnd))
		printf(" snd_wnd:%u", x->snd_wnd);
	if (HAS(len, min_rtt) && x->min_rtt && x->min_rtt != ~0U)
		printf(" minrtt:%.3f", x->min_rtt / 1000.0);
}

static void show(const struct ent *e, bool info, bool procs)
{
	const struct owner *o = find_owner(e->inode);
	struct ss_tcp_info x;
	socklen_t len = 0;
	unsigned int rq = e->rxq, sq = e->txq;
	char local[32], peer[32], comm[64] = "?";
	const char *name;
	FILE *f;

	if (o && (info || e->st == XTCP_LISTEN))
		len = get_info(o, &x);
	if (e->st == XTCP_LISTEN && len >= sizeof(struct tcp_info)) {
		rq = x.ti.tcpi_unacked;		/* accept queue */
		sq = x.ti.tcpi_sacked;		/* its limit */
	}
	name = xtcp_state_name(e->st);
	addr_port(local, sizeof(local), e->laddr, e->lport);
	addr_port(peer, sizeof(peer), e->raddr, e->rport);
	printf("%-11s %-6u %-6u %-21s %-21s", name, rq, sq, local, peer);
	if (e->timer)
		printf(" timer:(%s,%s,%u)",
		       e->timer < 5 ? timer_names[e->timer] : "unknown",
		       ms_str(e->when * 10), e->retrnsmt);
	printf(" uid:%u ino:%lu", e->uid, e->inode);
	if (procs && o) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/comm", o->pid);
		f = fopen(path, "r");
		if (f) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = 0;
			fclose(f);
		}
		printf(" users:((\"%s\",pid=%d,fd=%d))", comm, o->pid, o->fd);
	}
	putchar('\n');
	if (!info)
		return;
	putchar('\t');
	if (len >= sizeof(struct tcp_info) && e->st != XTCP_LISTEN) {
		print_info(&x, len);
	} else if (e->nextra >= 5) {
		/* No fd (or a listener): what /proc/net/tcp itself says. */
		printf(" rto:%lu cwnd:%u", e->rto * 10, e->cwnd);
		if (e->ssthresh > 0 && e->st != XTCP_LISTEN)
			printf(" ssthresh:%d", e->ssthresh);
	} else {
		printf(" -");
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "listening", no_argument, NULL, 'l' },
		{ "all", no_argument, NULL, 'a' },
		{ "info", no_argument, NULL, 'i' },
		{ "processes", no_argument, NULL, 'p' },
		{ "numeric", no_argument, NULL, 'n' },
		{ "family", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "/proc/net/xtcp";
	bool listening = false, all = false, info = false, procs = false;
	char line[512];
	struct ent e;
	FILE *f;
	int c;

	while ((c = getopt_long(argc, argv, "laipnf:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'l': listening = true; break;
		case 'a': all = true; break;
		case 'i': info = true; break;
		case 'p': procs = true; break;
		case 'n': break;
		case 'f':
			if (!strcmp(optarg, "inet") || !strcmp(optarg, "tcp")) {
				path = "/proc/net/tcp";
			} else if (!strcmp(optarg, "xtcp")) {
				path = "/proc/net/xtcp";
			} else {
				fprintf(stderr, "xtcp_ss: unknown family %s\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "xtcp_ss: %s: %s%s\n", path, strerror(errno),
			errno == ENOENT ? " (is xtcp.ko loaded?)" : "");
		return 1;
	}
	scan_owners();
	printf("%-11s %-6s %-6s %-21s %-21s\n", "State", "Recv-Q", "Send-Q",
	       "Local Address:Port", "Peer Address:Port");
	if (!fgets(line, sizeof(line), f)) {	/* the header */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		if (parse_line(line, &e))
			continue;
		if (listening ? e.st != XTCP_LISTEN :
		    !all && (e.st == XTCP_LISTEN || e.st == XTCP_CLOSE ||
			     e.st == XTCP_TIME_WAIT || e.st == XTCP_SYN_RECV))
			continue;
		show(&e, info, procs);
	}
	fclose(f);
	free(owners);
	return 0;
}
