// SPDX-License-Identifier: GPL-2.0
/* Shared helpers of the XTCP selftests: see xtcp_lib.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/sockios.h>

#include "xtcp_lib.h"

/* ---- family selection ---- */

static int mode = -1;		/* 0 xtcp, 1 inet */

bool xt_inet(void)
{
	if (mode < 0) {
		const char *f = getenv("XTCP_TEST_FAMILY");

		if (!f || !*f || !strcmp(f, "xtcp")) {
			mode = 0;
		} else if (!strcmp(f, "inet") || !strcmp(f, "tcp")) {
			mode = 1;
		} else {
			fprintf(stderr,
				"# XTCP_TEST_FAMILY=%s: use xtcp or inet\n", f);
			exit(1);
		}
	}
	return mode == 1;
}

void xt_set_inet(bool inet)
{
	mode = inet;
}

int xt_family(void)
{
	return xt_inet() ? AF_INET : AF_XTCP;
}

int xt_protocol(void)
{
	return xt_inet() ? IPPROTO_TCP : IPPROTO_XTCP;
}

int xt_wire_protocol(void)
{
	return xt_inet() ? IPPROTO_TCP : IPPROTO_XTCP;
}

const char *xt_mode(void)
{
	return xt_inet() ? "inet" : "xtcp";
}

const char *xt_proc_name(void)
{
	return xt_inet() ? "tcp" : "xtcp";
}

static bool isolated;

bool xt_isolated(void)
{
	return isolated;
}

int xt_test_init(char *why, size_t len)
{
	const char *e = getenv("XTCP_TEST_NETNS");
	int fd;

	if (!e || strcmp(e, "0")) {
		if (unshare(CLONE_NEWNET)) {
			snprintf(why, len, "unshare(CLONE_NEWNET): %s",
				 strerror(errno));
			return -1;
		}
		if (xt_link_up("lo")) {
			snprintf(why, len, "cannot bring lo up: %s",
				 strerror(errno));
			return -1;
		}
		isolated = true;
	}
	fd = xt_socket();
	if (fd < 0) {
		snprintf(why, len, "socket(%s, SOCK_STREAM, 0): %s%s",
			 xt_inet() ? "AF_INET" : "AF_XTCP", strerror(errno),
			 xt_inet() ? "" : " (is xtcp.ko loaded?)");
		return -1;
	}
	close(fd);
	return 0;
}

/* ---- sockets and addresses ---- */

int xt_socket(void)
{
	return xt_socket_flags(0);
}

int xt_socket_flags(int flags)
{
	return socket(xt_family(), SOCK_STREAM | flags, 0);
}

struct sockaddr_in xt_sa(const char *ip, uint16_t port)
{
	struct sockaddr_in sa = xt_sa_inet(ip, port);

	sa.sin_family = xt_family();
	return sa;
}

struct sockaddr_in xt_sa_inet(const char *ip, uint16_t port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		sa.sin_addr.s_addr = htonl(INADDR_NONE);
	return sa;
}

int xt_bind(int fd, const char *ip, uint16_t port)
{
	struct sockaddr_in sa = xt_sa(ip, port);

	return bind(fd, (struct sockaddr *)&sa, sizeof(sa));
}

int xt_connect(int fd, const char *ip, uint16_t port)
{
	struct sockaddr_in sa = xt_sa(ip, port);

	return connect(fd, (struct sockaddr *)&sa, sizeof(sa));
}

int xt_listener(const char *ip, uint16_t *port, int backlog)
{
	int fd = xt_socket(), e;

	if (fd < 0)
		return -1;
	if (xt_bind(fd, ip, *port) || listen(fd, backlog))
		goto fail;
	*port = xt_local_port(fd);
	if (!*port)
		goto fail;
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* A connected socket; its receive buffer set first if @rcvbuf. */
static int connect_rcvbuf(const char *ip, uint16_t port, int rcvbuf)
{
	int fd = xt_socket(), e;

	if (fd < 0)
		return -1;
	if ((rcvbuf && xt_bufs(fd, 0, rcvbuf)) || xt_connect(fd, ip, port)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int xt_connect_to(const char *ip, uint16_t port)
{
	return connect_rcvbuf(ip, port, 0);
}

static int pair_rcvbuf(const char *ip, int rcvbuf, int *client, int *server)
{
	uint16_t port = 0;
	int l, c, s, e;

	l = xt_listener(ip, &port, 1);
	if (l < 0)
		return -1;
	c = connect_rcvbuf(ip, port, rcvbuf);
	if (c < 0)
		goto fail;
	s = accept(l, NULL, NULL);
	if (s < 0) {
		e = errno;
		close(c);
		errno = e;
		goto fail;
	}
	close(l);
	*client = c;
	*server = s;
	return 0;
fail:
	e = errno;
	close(l);
	errno = e;
	return -1;
}

int xt_pair_ip(const char *ip, int *client, int *server)
{
	return pair_rcvbuf(ip, 0, client, server);
}

int xt_pair_rcvbuf(int rcvbuf, int *client, int *server)
{
	return pair_rcvbuf(XT_LOOP, rcvbuf, client, server);
}

int xt_pair(int *client, int *server)
{
	return xt_pair_ip(XT_LOOP, client, server);
}

uint16_t xt_local_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len))
		return 0;
	return ntohs(sa.sin_port);
}

uint16_t xt_peer_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (getpeername(fd, (struct sockaddr *)&sa, &len))
		return 0;
	return ntohs(sa.sin_port);
}

int xt_set_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val));
}

int xt_get_int(int fd, int level, int opt)
{
	socklen_t len = sizeof(int);
	int val;

	if (getsockopt(fd, level, opt, &val, &len) || len != sizeof(int))
		return -1;
	return val;
}

int xt_set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

int xt_linger0(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	return setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

int xt_close_rst(int fd)
{
	if (fd < 0)
		return 0;
	xt_linger0(fd);
	return close(fd);
}

/* ---- states ---- */

int xt_tcp_info(int fd, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len);
}

int xt_tcp_info_ext(int fd, struct xt_tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	_Static_assert(offsetof(struct xt_tcp_info, pacing_rate) == 104,
		       "glibc's struct tcp_info is not 104 bytes");
	_Static_assert(offsetof(struct xt_tcp_info, delivered) == 192,
		       "not the kernel's layout");
	memset(ti, 0, sizeof(*ti));
	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len);
}

/*
 * A counter from a file in /proc/net/snmp's layout: pairs of lines, a
 * header of names after "prefix", then the values.  -1 if not found.
 */
static long long xt_mib_file(const char *file, const char *prefix,
			     const char *name)
{
	char head[4096], vals[4096];
	long long v = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (v < 0 && fgets(head, sizeof(head), f) &&
	       fgets(vals, sizeof(vals), f)) {
		char *hs, *vs, *h, *val;

		if (strncmp(head, prefix, strlen(prefix)))
			continue;
		strtok_r(head, " \n", &hs);
		strtok_r(vals, " \n", &vs);
		while ((h = strtok_r(NULL, " \n", &hs)) &&
		       (val = strtok_r(NULL, " \n", &vs))) {
			if (!strcmp(h, name)) {
				v = atoll(val);
				break;
			}
		}
	}
	fclose(f);
	return v;
}

int xt_md5_key(int fd, const char *ip, int prefix, const char *key)
{
	struct xt_md5sig m = {};
	struct sockaddr_in *sin = (struct sockaddr_in *)&m.addr;

	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, ip, &sin->sin_addr) != 1)
		return -1;
	m.keylen = strlen(key);
	if (m.keylen > sizeof(m.key))
		return -1;
	memcpy(m.key, key, m.keylen);
	if (prefix < 0)
		return setsockopt(fd, SOL_TCP, TCP_MD5SIG, &m, sizeof(m));
	m.flags = XT_MD5SIG_FLAG_PREFIX;
	m.prefixlen = prefix;
	return setsockopt(fd, SOL_TCP, TCP_MD5SIG_EXT, &m, sizeof(m));
}

long long xt_mib(const char *name)
{
	return xt_mib_of(xt_family() == AF_INET, name);
}

long long xt_mib_of(bool inet, const char *name)
{
	long long v;

	v = xt_mib_file(inet ? "/proc/net/snmp" : "/proc/net/xtcp_snmp",
			"Tcp:", name);
	if (v < 0)
		v = xt_mib_file(inet ? "/proc/net/netstat" :
				"/proc/net/xtcp_netstat", "TcpExt:", name);
	return v;
}

int xt_state(int fd)
{
	struct tcp_info ti;

	if (xt_tcp_info(fd, &ti))
		return -1;
	return ti.tcpi_state;
}

int xt_wait_state(int fd, int st, int timeout_ms)
{
	uint64_t end = xt_now_ms() + timeout_ms;
	int cur;

	for (;;) {
		cur = xt_state(fd);
		if (cur == st || xt_now_ms() >= end)
			return cur;
		xt_msleep(2);
	}
}

const char *xt_sysctl_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, xt_inet() ? "/proc/sys/net/ipv4/tcp_%s" :
		 "/proc/sys/net/xtcp/%s", name);
	return buf;
}

int xt_sysctl_get(const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	fd = open(xt_sysctl_path(name, path, sizeof(path)), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	return 0;
}

int xt_sysctl_set(const char *name, const char *val)
{
	size_t len = strlen(val);
	char path[128];
	ssize_t n;
	int fd, err;

	fd = open(xt_sysctl_path(name, path, sizeof(path)), O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, val, len);
	err = errno;
	close(fd);
	if (n == (ssize_t)len)
		return 0;
	errno = n < 0 ? err : EIO;
	return -1;
}

long xt_sysctl_long(const char *name)
{
	char buf[256];

	if (xt_sysctl_get(name, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

int xt_sysctl_mem(const char *name, long v[3])
{
	char buf[128];

	if (xt_sysctl_get(name, buf, sizeof(buf)))
		return -1;
	return sscanf(buf, "%ld %ld %ld", &v[0], &v[1], &v[2]) == 3 ? 0 : -1;
}

int xt_sysctl_hold(const char *name, char *old, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	fd = open(xt_sysctl_path(name, path, sizeof(path)), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, old, len - 1, 0);
	if (n <= 0) {
		close(fd);
		errno = n < 0 ? errno : EIO;
		return -1;
	}
	old[n] = '\0';
	return fd;
}

int xt_sysctl_put(int fd, const char *val)
{
	size_t len = strlen(val);

	return pwrite(fd, val, len, 0) == (ssize_t)len ? 0 : -1;
}

const char *xt_proc_path(void)
{
	return xt_inet() ? "/proc/thread-self/net/tcp" :
			   "/proc/thread-self/net/xtcp";
}

static int parse_proc_line(const char *line, struct xt_proc_ent *e)
{
	unsigned int la, lp, ra, rp, st, tx, rx;
	unsigned long inode;

	/* "  sl  local rem st tx:rx tr:when retr uid timeout inode" */
	if (sscanf(line, " %*u: %8X:%4X %8X:%4X %2X %8X:%8X %*x:%*x %*x %*u %*d %lu",
		   &la, &lp, &ra, &rp, &st, &tx, &rx, &inode) != 8)
		return -1;
	e->laddr = la;		/* printed as the raw __be32 */
	e->raddr = ra;
	e->lport = lp;
	e->rport = rp;
	e->st = st;
	e->tx_queue = tx;
	e->rx_queue = rx;
	e->inode = inode;
	return 0;
}

int xt_proc_find(uint16_t lport, uint16_t rport, struct xt_proc_ent *e)
{
	return xt_proc_find_in(xt_proc_path(), lport, rport, e);
}

int xt_proc_find_in(const char *path, uint16_t lport, uint16_t rport,
		    struct xt_proc_ent *e)
{
	char line[512];
	int found = -1;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {	/* header */
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct xt_proc_ent t;

		if (parse_proc_line(line, &t))
			continue;
		if (t.lport == lport && t.rport == rport) {
			*e = t;
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

int xt_proc_state(uint16_t lport, uint16_t rport)
{
	struct xt_proc_ent e;

	if (xt_proc_find(lport, rport, &e))
		return -1;
	return e.st;
}

int xt_proc_wait_state(uint16_t lport, uint16_t rport, int st,
		       int timeout_ms)
{
	uint64_t end = xt_now_ms() + timeout_ms;
	int cur;

	for (;;) {
		cur = xt_proc_state(lport, rport);
		if (cur == st || xt_now_ms() >= end)
			return cur;
		xt_msleep(2);
	}
}

int xt_proc_count_except(int st)
{
	struct xt_proc_ent e;
	char line[512];
	int n = 0;
	FILE *f;

	f = fopen(xt_proc_path(), "r");
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (st < 0 || parse_proc_line(line, &e) || e.st != st)
			n++;
	fclose(f);
	return n;
}

int xt_proc_count(void)
{
	return xt_proc_count_except(-1);
}

int xt_proc_lines(char *hdr, size_t hlen, char *first, size_t flen)
{
	FILE *f = fopen(xt_proc_path(), "r");
	int ret = -1;

	if (!f)
		return -1;
	hdr[0] = first[0] = '\0';
	if (fgets(hdr, hlen, f)) {
		ret = 0;
		if (!fgets(first, flen, f))
			first[0] = '\0';
	}
	fclose(f);
	return ret;
}

/* ---- I/O ---- */

ssize_t xt_send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(fd, p + done, len - done, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return done ? (ssize_t)done : -1;
		}
		done += n;
	}
	return done;
}

ssize_t xt_recv_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = recv(fd, p + done, len - done, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return done ? (ssize_t)done : -1;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

int xt_fill_sndbuf(int fd)
{
	char buf[16384];

	if (xt_set_nonblock(fd, true))
		return -1;
	memset(buf, 'z', sizeof(buf));
	while (send(fd, buf, sizeof(buf), 0) > 0)
		;
	return errno == EAGAIN ? 0 : -1;
}

int xt_fill_unsent(int fd)
{
	int unsent;

	if (xt_fill_sndbuf(fd) || ioctl(fd, SIOCOUTQNSD, &unsent))
		return -1;
	return unsent;
}

int xt_poll1(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, timeout_ms);

	if (n < 0)
		return -1;
	return n ? p.revents : 0;
}

int xt_bufs(int fd, int snd, int rcv)
{
	if (snd && xt_set_int(fd, SOL_SOCKET, SO_SNDBUF, snd))
		return -1;
	if (rcv && xt_set_int(fd, SOL_SOCKET, SO_RCVBUF, rcv))
		return -1;
	return 0;
}

uint64_t xt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void xt_msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- data and hashes ---- */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

void xt_pattern(void *buf, size_t len, uint64_t seed, uint64_t off)
{
	uint8_t *p = buf;
	size_t i = 0;

	/* Byte j of the stream is byte (j % 8) of mix64(seed ^ j / 8). */
	while (i < len) {
		uint64_t blk = (off + i) / 8, v = mix64(seed * 0x9e3779b97f4a7c15ULL + blk);
		unsigned int k = (off + i) % 8;

		for (; k < 8 && i < len; k++, i++)
			p[i] = v >> (8 * k);
	}
}

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(struct xt_sha256 *c, const uint8_t *b)
{
	uint32_t w[64], a, bb, cc, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
		       (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
	for (; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = c->h[0]; bb = c->h[1]; cc = c->h[2]; d = c->h[3];
	e = c->h[4]; f = c->h[5]; g = c->h[6]; h = c->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		     ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		     ((a & bb) ^ (a & cc) ^ (bb & cc));
		h = g; g = f; f = e; e = d + t1;
		d = cc; cc = bb; bb = a; a = t1 + t2;
	}
	c->h[0] += a; c->h[1] += bb; c->h[2] += cc; c->h[3] += d;
	c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

void xt_sha256_init(struct xt_sha256 *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
	c->n = 0;
}

void xt_sha256_update(struct xt_sha256 *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	c->len += len;
	if (c->n) {
		size_t k = 64 - c->n < len ? 64 - c->n : len;

		memcpy(c->buf + c->n, p, k);
		c->n += k;
		p += k;
		len -= k;
		if (c->n < 64)
			return;
		sha256_block(c, c->buf);
		c->n = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha256_block(c, p);
	memcpy(c->buf, p, len);
	c->n = len;
}

void xt_sha256_final(struct xt_sha256 *c, uint8_t out[32])
{
	uint64_t bits = c->len * 8;
	uint8_t pad[72] = { 0x80 };
	size_t padlen = (c->n < 56 ? 56 : 120) - c->n;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + i] = bits >> (56 - 8 * i);
	xt_sha256_update(c, pad, padlen + 8);
	for (i = 0; i < 32; i++)
		out[i] = c->h[i / 4] >> (24 - 8 * (i % 4));
}

void xt_sha256(const void *data, size_t len, uint8_t out[32])
{
	struct xt_sha256 c;

	xt_sha256_init(&c);
	xt_sha256_update(&c, data, len);
	xt_sha256_final(&c, out);
}

void xt_hex(const uint8_t *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
	out[2 * n] = '\0';
}

#define XT_BUF	(256 * 1024)

void xt_stream_digest(uint64_t seed, size_t len, uint8_t out[32])
{
	uint8_t *buf = malloc(XT_BUF);
	struct xt_sha256 c;
	size_t off;

	xt_sha256_init(&c);
	for (off = 0; buf && off < len; off += XT_BUF) {
		size_t n = len - off < XT_BUF ? len - off : XT_BUF;

		xt_pattern(buf, n, seed, off);
		xt_sha256_update(&c, buf, n);
	}
	xt_sha256_final(&c, out);
	free(buf);
}

int xt_bulk(int from, int to, size_t len, size_t wchunk, uint64_t seed,
	    char *why, size_t wlen)
{
	struct xt_stream tx = { .fd = from, .len = len, .chunk = wchunk,
				.seed = seed, .shut_wr = true };
	struct xt_stream rx = { .fd = to, .len = len + 1, .chunk = 65536 };
	uint8_t want[32];
	char h1[65], h2[65];

	if (xt_start(&tx, xt_sender)) {
		snprintf(why, wlen, "cannot start the sender");
		return -1;
	}
	xt_receiver(&rx);			/* reads to EOF */
	if (xt_join(&tx) || tx.err || rx.err) {
		snprintf(why, wlen, "sender: %s, receiver: %s",
			 strerror(tx.err), strerror(rx.err));
		return -1;
	}
	if (tx.done != len || rx.done != len) {
		snprintf(why, wlen, "sent %zu, received %zu of %zu", tx.done,
			 rx.done, len);
		return -1;
	}
	xt_stream_digest(seed, len, want);
	xt_hex(want, 32, h1);
	xt_hex(rx.digest, 32, h2);
	if (memcmp(want, tx.digest, 32) || memcmp(want, rx.digest, 32)) {
		snprintf(why, wlen, "received sha256 %s, sent %s", h2, h1);
		return -1;
	}
	return 0;
}

long long xt_snmp(const char *prefix, const char *name)
{
	return xt_mib_file("/proc/net/snmp", prefix, name);
}

void *xt_sender(void *arg)
{
	struct xt_stream *s = arg;
	size_t chunk = s->chunk ? s->chunk : 65536;
	uint8_t *buf = malloc(chunk);
	struct xt_sha256 c;

	s->err = 0;
	s->done = 0;
	if (!buf) {
		s->err = ENOMEM;
		return NULL;
	}
	xt_sha256_init(&c);
	while (s->done < s->len) {
		size_t n = s->len - s->done < chunk ? s->len - s->done : chunk;
		ssize_t w;

		xt_pattern(buf, n, s->seed, s->done);
		w = xt_send_all(s->fd, buf, n);
		if (w < 0) {
			s->err = errno;
			break;
		}
		xt_sha256_update(&c, buf, w);
		s->done += w;
		if ((size_t)w < n) {
			s->err = errno ? errno : EIO;
			break;
		}
	}
	xt_sha256_final(&c, s->digest);
	if (s->shut_wr && !s->err && shutdown(s->fd, SHUT_WR))
		s->err = errno;
	free(buf);
	return NULL;
}

void *xt_receiver(void *arg)
{
	struct xt_stream *s = arg;
	size_t chunk = s->chunk ? s->chunk : 65536;
	uint8_t *buf = malloc(chunk);
	struct xt_sha256 c;

	s->err = 0;
	s->done = 0;
	if (!buf) {
		s->err = ENOMEM;
		return NULL;
	}
	xt_sha256_init(&c);
	while (s->done < s->len) {
		size_t want = s->len - s->done < chunk ? s->len - s->done : chunk;
		ssize_t n = recv(s->fd, buf, want, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			s->err = errno;
			break;
		}
		if (n == 0)
			break;
		xt_sha256_update(&c, buf, n);
		s->done += n;
	}
	xt_sha256_final(&c, s->digest);
	free(buf);
	return NULL;
}

int xt_start(struct xt_stream *s, void *(*fn)(void *))
{
	int err = pthread_create(&s->thr, NULL, fn, s);

	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int xt_join(struct xt_stream *s)
{
	return pthread_join(s->thr, NULL);
}

/* ---- namespaces and links ---- */

int xt_netns_cur(void)
{
	return open("/proc/thread-self/ns/net", O_RDONLY);
}

int xt_netns_enter(int fd)
{
	return setns(fd, CLONE_NEWNET);
}

int xt_netns_new(void)
{
	int cur = xt_netns_cur(), fd = -1, e;

	if (cur < 0)
		return -1;
	if (unshare(CLONE_NEWNET))
		goto out;
	fd = xt_netns_cur();
	if (fd >= 0 && xt_link_up("lo")) {
		close(fd);
		fd = -1;
	}
out:
	e = errno;
	if (setns(cur, CLONE_NEWNET) && fd >= 0) {
		e = errno;
		close(fd);
		fd = -1;
	}
	close(cur);
	errno = e;
	return fd;
}

static int ifflags(const char *ifname, struct ifreq *ifr, int *s)
{
	*s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*s < 0)
		return -1;
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(*s, SIOCGIFFLAGS, ifr)) {
		close(*s);
		return -1;
	}
	return 0;
}

int xt_link_up(const char *ifname)
{
	struct ifreq ifr;
	int s, ret, e;

	if (ifflags(ifname, &ifr, &s))
		return -1;
	ifr.ifr_flags |= IFF_UP;
	ret = ioctl(s, SIOCSIFFLAGS, &ifr);
	e = errno;
	close(s);
	errno = e;
	return ret;
}

int xt_link_wait_running(const char *ifname, int timeout_ms)
{
	uint64_t end = xt_now_ms() + timeout_ms;
	struct ifreq ifr;
	int s;

	for (;;) {
		if (ifflags(ifname, &ifr, &s))
			return -1;
		close(s);
		if (ifr.ifr_flags & IFF_RUNNING)
			return 0;
		if (xt_now_ms() >= end) {
			errno = ETIMEDOUT;
			return -1;
		}
		xt_msleep(5);
	}
}

int xt_sh(const char *fmt, ...)
{
	const char *v = getenv("XTCP_TEST_VERBOSE");
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 32, fmt, ap);
	va_end(ap);
	if (v && *v && strcmp(v, "0"))
		fprintf(stderr, "# + %s\n", cmd);
	else
		strcat(cmd, " >/dev/null 2>&1");
	fflush(stdout);
	fflush(stderr);
	st = system(cmd);
	if (st < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int xt_sh_out(char *out, size_t len, const char *fmt, ...)
{
	size_t n = 0, r;
	char cmd[1024];
	va_list ap;
	FILE *p;
	int st;

	if (!len)
		return -1;
	out[0] = 0;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	fflush(stderr);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (n + 1 < len && (r = fread(out + n, 1, len - 1 - n, p)) > 0)
		n += r;
	out[n] = 0;
	/* Whatever did not fit: the command must not block on a full pipe. */
	while (fread(cmd, 1, sizeof(cmd), p) > 0)
		;
	st = pclose(p);
	if (st < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

bool xt_have_prog(const char *name)
{
	static const char *const dirs[] = {
		"/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin",
		"/usr/local/bin",
	};
	char p[256];
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dirs[i], name);
		if (!access(p, X_OK))
			return true;
	}
	return false;
}

int xt_veth_setup(struct xt_veth *v, int mtu, char *why, size_t len)
{
	int ret;

	memset(v, 0, sizeof(*v));
	v->ns_a = v->ns_b = -1;
	if (!isolated) {
		snprintf(why, len, "needs a namespace of its own (XTCP_TEST_NETNS=0)");
		return -1;
	}
	snprintf(v->ip_a, sizeof(v->ip_a), "10.77.0.1");
	snprintf(v->ip_b, sizeof(v->ip_b), "10.77.0.2");
	snprintf(v->dev_a, sizeof(v->dev_a), "xta");
	snprintf(v->dev_b, sizeof(v->dev_b), "xtb");
	if (!xt_have_prog("ip")) {
		snprintf(why, len, "iproute2 'ip' not installed");
		return -1;
	}
	v->ns_a = xt_netns_cur();
	v->ns_b = xt_netns_new();
	if (v->ns_a < 0 || v->ns_b < 0) {
		snprintf(why, len, "cannot make a netns: %s", strerror(errno));
		goto fail;
	}
	ret = xt_sh("ip link add %s address 02:00:00:00:77:01 mtu %d type veth "
		    "peer name %s address 02:00:00:00:77:02 mtu %d netns /proc/%d/fd/%d",
		    v->dev_a, mtu, v->dev_b, mtu, getpid(), v->ns_b);
	if (ret) {
		snprintf(why, len, "cannot create a veth pair (CONFIG_VETH?)");
		goto fail;
	}
	ret = xt_sh("ip addr add %s/24 dev %s && ip link set %s up && "
		    "ip neigh replace %s lladdr 02:00:00:00:77:02 dev %s nud permanent",
		    v->ip_a, v->dev_a, v->dev_a, v->ip_b, v->dev_a);
	if (ret || xt_netns_enter(v->ns_b)) {
		snprintf(why, len, "cannot configure %s", v->dev_a);
		goto fail;
	}
	ret = xt_sh("ip addr add %s/24 dev %s && ip link set %s up && "
		    "ip neigh replace %s lladdr 02:00:00:00:77:01 dev %s nud permanent",
		    v->ip_b, v->dev_b, v->dev_b, v->ip_a, v->dev_b);
	if (!ret)
		ret = xt_link_wait_running(v->dev_b, 3000);
	if (xt_netns_enter(v->ns_a) || ret) {
		snprintf(why, len, "cannot configure %s", v->dev_b);
		goto fail;
	}
	if (xt_link_wait_running(v->dev_a, 3000)) {
		snprintf(why, len, "%s does not come up", v->dev_a);
		goto fail;
	}
	return 0;
fail:
	if (v->ns_a >= 0)
		xt_netns_enter(v->ns_a);
	xt_veth_free(v);
	return -1;
}

void xt_veth_free(struct xt_veth *v)
{
	if (v->ns_a >= 0)
		close(v->ns_a);
	if (v->ns_b >= 0)
		close(v->ns_b);
	v->ns_a = v->ns_b = -1;
}

int xt_blackhole(char *why, size_t len)
{
	if (!isolated) {
		snprintf(why, len, "needs a namespace of its own (XTCP_TEST_NETNS=0)");
		return -1;
	}
	if (!xt_have_prog("ip")) {
		snprintf(why, len, "iproute2 'ip' not installed");
		return -1;
	}
	/*
	 * Frames to 10.78.0.2 go out xth0 with a MAC nobody has: the peer
	 * drops them (PACKET_OTHERHOST), nothing ever answers.
	 */
	if (xt_sh("ip link add xth0 type veth peer name xth1 && "
		  "ip addr add 10.78.0.1/24 dev xth0 && "
		  "ip link set xth0 up && ip link set xth1 up && "
		  "ip neigh replace %s lladdr 02:00:00:00:de:ad dev xth0 nud permanent",
		  XT_BLACKHOLE)) {
		snprintf(why, len, "cannot set up a veth blackhole (CONFIG_VETH?)");
		return -1;
	}
	if (xt_link_wait_running("xth0", 3000)) {
		snprintf(why, len, "xth0 does not come up");
		return -1;
	}
	return 0;
}

int xt_netem_loss(const char *dev, bool del)
{
	if (del)
		return xt_sh("tc qdisc del dev %s root", dev) ? -1 : 0;
	return xt_sh("tc qdisc add dev %s root netem loss 100%%", dev) ? -1 : 0;
}

/* ---- raw segments ---- */

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t xt_ip_csum(const void *hdr, size_t len)
{
	uint32_t sum = csum_add(0, hdr, len);

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;	/* host order */
}

uint16_t xt_tcp_csum(uint32_t saddr, uint32_t daddr, uint8_t proto,
		     const void *tcp, size_t len)
{
	uint8_t ph[12];
	uint32_t sum;

	memcpy(ph, &saddr, 4);
	memcpy(ph + 4, &daddr, 4);
	ph[8] = 0;
	ph[9] = proto;
	ph[10] = len >> 8;
	ph[11] = len;
	sum = csum_add(0, ph, sizeof(ph));
	sum = csum_add(sum, tcp, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);	/* network order */
}

int xt_parse_seg(const void *pkt, size_t len, struct xt_seg *s)
{
	const uint8_t *p = pkt, *t;
	size_t ihl, tot;

	if (len < 20 || (p[0] >> 4) != 4)
		return -1;
	ihl = (p[0] & 15) * 4;
	tot = (size_t)p[2] << 8 | p[3];
	if (ihl < 20 || tot > len || tot < ihl + 20)
		return -1;
	t = p + ihl;
	memset(s, 0, sizeof(*s));
	memcpy(&s->saddr, p + 12, 4);
	memcpy(&s->daddr, p + 16, 4);
	s->ip_proto = p[9];
	s->sport = (uint16_t)t[0] << 8 | t[1];
	s->dport = (uint16_t)t[2] << 8 | t[3];
	s->seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
	s->ack = (uint32_t)t[8] << 24 | (uint32_t)t[9] << 16 | (uint32_t)t[10] << 8 | t[11];
	s->hlen = (t[12] >> 4) * 4;
	s->flags = t[13];
	s->win = (uint16_t)t[14] << 8 | t[15];
	memcpy(&s->check, t + 16, 2);
	s->tcp = t;
	s->tcp_len = tot - ihl;
	if (s->hlen < 20 || s->hlen > s->tcp_len)
		return -1;
	s->plen = s->tcp_len - s->hlen;
	return 0;
}

int xt_send_seg(uint8_t ip_proto, uint8_t csum_proto, uint32_t saddr,
		uint32_t daddr, uint16_t sport, uint16_t dport, uint32_t seq,
		uint32_t ack, uint8_t flags, uint16_t win)
{
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr.s_addr = saddr };
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_addr.s_addr = daddr };
	uint8_t t[20] = { 0 };
	uint16_t ck;
	ssize_t n;
	int fd, e;

	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, ip_proto);
	if (fd < 0)
		return -1;
	/* Bind so the kernel puts @saddr in the IP header it builds. */
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)))
		goto fail;
	t[0] = sport >> 8; t[1] = sport;
	t[2] = dport >> 8; t[3] = dport;
	t[4] = seq >> 24; t[5] = seq >> 16; t[6] = seq >> 8; t[7] = seq;
	t[8] = ack >> 24; t[9] = ack >> 16; t[10] = ack >> 8; t[11] = ack;
	t[12] = 5 << 4;
	t[13] = flags;
	t[14] = win >> 8; t[15] = win;
	ck = xt_tcp_csum(saddr, daddr, csum_proto, t, sizeof(t));
	memcpy(t + 16, &ck, 2);
	n = sendto(fd, t, sizeof(t), 0, (struct sockaddr *)&dst, sizeof(dst));
	if (n != sizeof(t))
		goto fail;
	close(fd);
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}
