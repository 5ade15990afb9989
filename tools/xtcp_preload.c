// SPDX-License-Identifier: GPL-2.0
/*
 * libxtcp_preload.so: an unmodified, dynamically linked program's IPv4 TCP
 * sockets become XTCP sockets.
 *
 *   LD_PRELOAD=build/tools/libxtcp_preload.so XTCP_PRELOAD_PORTS=5201 \
 *	iperf3 -c 10.0.0.1
 *
 * Which sockets (the variables are read once, when the library loads; with
 * none of them set the library changes nothing):
 *
 *   XTCP_PRELOAD_PORTS=P[,P-Q]...   sockets bound to, or connecting to, one
 *				     of these ports (any address, loopback
 *				     included)
 *   XTCP_PRELOAD_ADDRS=A[/N][,...]  sockets bound to, or connecting to, one
 *				     of these IPv4 addresses or networks (a
 *				     wildcard bind with a port matches); with
 *				     _PORTS set too, a socket must match both
 *   XTCP_PRELOAD=all		     every AF_INET stream socket, except the
 *				     loopback-only ones (bound to or
 *				     connecting to 127.0.0.0/8), which stay
 *				     TCP unless XTCP_PRELOAD_LOOPBACK=1
 *   XTCP_PRELOAD=off (or 0)	     the library does nothing, whatever else
 *				     is set
 *   XTCP_PRELOAD_DEBUG=1	     one line on stderr per decision
 *   XTCP_PRELOAD_FAMILY=inet	     (testing the library without xtcp.ko)
 *				     the replacement sockets are AF_INET
 *
 * How.  socket(AF_INET, SOCK_STREAM, 0 or IPPROTO_TCP) makes an ordinary
 * TCP socket, and the library notes the descriptor as a candidate, keeping
 * the options the program sets on it.  The decision comes when the address
 * is known: at bind() with a non-zero port, at listen() (the bound address
 * and port), or at connect() (the peer's).  If the socket is selected, a new
 * AF_XTCP socket takes its place on the same descriptor number (dup3()):
 * file status flags (O_NONBLOCK...), close-on-exec, the options set so far
 * (in order), an earlier bind() (same address and port) and epoll
 * registrations are carried over; then the program's call goes to the XTCP
 * socket.  bind() and connect() take the program's struct sockaddr_in as it
 * is (AF_XTCP accepts AF_INET addresses).  A socket not selected stays
 * TCP, untouched.
 *
 * Sockets accepted from an XTCP listener are XTCP.  The program sees
 * AF_INET everywhere: the family of the addresses that getsockname(),
 * getpeername(), accept(), accept4(), recvfrom() and recvmsg() return,
 * and getsockopt(SOL_SOCKET, SO_DOMAIN / SO_PROTOCOL) answer AF_INET /
 * IPPROTO_TCP.  Other socket options (SOL_TCP, SOL_IP, SOL_SOCKET) go to
 * the XTCP socket as they are.  Interface, route and ARP ioctls
 * (SIOCGIFADDR...) go to a throw-away AF_INET socket, SIOCATMARK answers 0
 * (XTCP has no urgent data), the others go to the XTCP socket.
 * sendto()/sendmsg() with MSG_FASTOPEN on a selected socket connect() and
 * send, as Linux does without a Fast Open cookie.  Descriptors inherited
 * through exec() (inetd style) are translated too: any AF_XTCP socket the
 * program did not itself create with socket(AF_XTCP) looks like AF_INET.
 *
 * If no XTCP socket can be made (xtcp.ko not loaded), the bind(), listen()
 * or connect() that selected the socket fails with that errno
 * (EAFNOSUPPORT), with a message on stderr.
 *
 * What cannot work: statically linked programs and Go programs (Go makes
 * its system calls itself, not through libc), setuid programs (the loader
 * ignores LD_PRELOAD), IPv6 sockets (an AF_INET6 listener on "::" stays
 * TCP: run servers on an IPv4 address), calls that glibc makes internally
 * (the resolver's TCP fallback), io_uring.  Programs that need an option
 * XTCP lacks (TCP_FASTOPEN, TCP_DEFER_ACCEPT...) see its error.
 */
#undef _FORTIFY_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <net/if.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/sockios.h>

#include "../uapi/linux/xtcp.h"

#define XP_EXPORT __attribute__((visibility("default")))

/* glibc's socket calls take a transparent union with _GNU_SOURCE. */
#if defined(__USE_GNU) && !defined(__cplusplus)
#define XP_SA(a)	((a).__sockaddr__)
#else
#define XP_SA(a)	(a)
#endif

/* ---- the real calls ------------------------------------------------------ */

static int (*real_socket)(int, int, int);
static int (*real_bind)(int, const struct sockaddr *, socklen_t);
static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static int (*real_listen)(int, int);
static int (*real_accept)(int, struct sockaddr *, socklen_t *);
static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
static int (*real_getsockname)(int, struct sockaddr *, socklen_t *);
static int (*real_getpeername)(int, struct sockaddr *, socklen_t *);
static int (*real_getsockopt)(int, int, int, void *, socklen_t *);
static int (*real_setsockopt)(int, int, int, const void *, socklen_t);
static int (*real_ioctl)(int, unsigned long, ...);
static int (*real_close)(int);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_fcntl)(int, int, ...);
static int (*real_fcntl64)(int, int, ...);
static int (*real_epoll_ctl)(int, int, int, struct epoll_event *);
static ssize_t (*real_sendto)(int, const void *, size_t, int,
			      const struct sockaddr *, socklen_t);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static ssize_t (*real_recvfrom)(int, void *, size_t, int, struct sockaddr *,
				socklen_t *);
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);

/* ---- configuration ------------------------------------------------------- */

#define XP_MAX_RULES	64

struct xp_port_range {
	uint16_t lo, hi;
};

struct xp_net {
	uint32_t addr, mask;	/* host order */
};

static bool xp_enabled;		/* anything selected at all */
static bool xp_all;		/* XTCP_PRELOAD=all */
static bool xp_loopback;	/* XTCP_PRELOAD_LOOPBACK=1 */
static bool xp_debug;
static int xp_family = AF_XTCP;	/* XTCP_PRELOAD_FAMILY=inet: testing */
static struct xp_port_range xp_ports[XP_MAX_RULES];
static int xp_nports;
static struct xp_net xp_addrs[XP_MAX_RULES];
static int xp_naddrs;

static void xp_vlog(const char *fmt, va_list ap)
{
	char buf[512];
	int n, m;

	n = snprintf(buf, sizeof(buf), "xtcp_preload[%d]: ", (int)getpid());
	if (n < 0 || n >= (int)sizeof(buf))
		return;
	m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, n) < 0)
		return;
}

static void __attribute__((format(printf, 1, 2))) xp_warn(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	xp_vlog(fmt, ap);
	va_end(ap);
	errno = err;
}

#define xp_dbg(...)					\
	do {						\
		if (xp_debug)				\
			xp_warn(__VA_ARGS__);		\
	} while (0)

static bool xp_env_true(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0") && strcasecmp(v, "no") &&
	       strcasecmp(v, "off") && strcasecmp(v, "false");
}

static void xp_parse_ports(const char *s)
{
	char *copy = strdup(s), *save = NULL, *tok;

	if (!copy)
		return;
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		unsigned long lo, hi;
		char *end;

		errno = 0;
		lo = strtoul(tok, &end, 10);
		hi = lo;
		if (*end == '-' && end != tok)
			hi = strtoul(end + 1, &end, 10);
		if (errno || *end || end == tok || lo < 1 || hi > 65535 ||
		    lo > hi) {
			xp_warn("XTCP_PRELOAD_PORTS: ignoring \"%s\"", tok);
			continue;
		}
		if (xp_nports == XP_MAX_RULES) {
			xp_warn("XTCP_PRELOAD_PORTS: more than %d entries",
				XP_MAX_RULES);
			break;
		}
		xp_ports[xp_nports].lo = lo;
		xp_ports[xp_nports].hi = hi;
		xp_nports++;
	}
	free(copy);
}

static void xp_parse_addrs(const char *s)
{
	char *copy = strdup(s), *save = NULL, *tok;

	if (!copy)
		return;
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		char *slash = strchr(tok, '/');
		unsigned long bits = 32;
		struct in_addr in;
		char *end;

		if (slash) {
			*slash = 0;
			errno = 0;
			bits = strtoul(slash + 1, &end, 10);
			if (errno || *end || end == slash + 1 || bits > 32)
				bits = 33;
		}
		if (bits > 32 || inet_pton(AF_INET, tok, &in) != 1) {
			if (slash)
				*slash = '/';
			xp_warn("XTCP_PRELOAD_ADDRS: ignoring \"%s\"", tok);
			continue;
		}
		if (xp_naddrs == XP_MAX_RULES) {
			xp_warn("XTCP_PRELOAD_ADDRS: more than %d entries",
				XP_MAX_RULES);
			break;
		}
		xp_addrs[xp_naddrs].mask = bits ? ~0u << (32 - bits) : 0;
		xp_addrs[xp_naddrs].addr = ntohl(in.s_addr) &
					   xp_addrs[xp_naddrs].mask;
		xp_naddrs++;
	}
	free(copy);
}

/* ---- per-descriptor state ------------------------------------------------ */

/* A recorded setsockopt(), replayed on the XTCP socket. */
struct xp_opt {
	struct xp_opt *next;
	int level, name;
	socklen_t len;
	unsigned char val[];
};

/* A recorded epoll registration of one of the socket's descriptors. */
struct xp_ep {
	struct xp_ep *next;
	int epfd, fd;
	struct epoll_event ev;
	bool moved;
};

/* A candidate: an AF_INET stream socket whose fate is not decided yet. */
struct xp_sock {
	dev_t dev;
	ino_t ino;
	int nfds;			/* table slots pointing here */
	bool bound;
	struct sockaddr_in bound_addr;	/* as the program passed it */
	struct xp_opt *opts;
	struct xp_ep *eps;
};

/* A socket the program made itself with socket(AF_XTCP): left alone. */
static struct xp_sock xp_native_mark;
#define XP_NATIVE (&xp_native_mark)

/*
 * Slot fd: NULL (nothing known: an AF_XTCP socket there is one of ours, or
 * inherited, and shows as AF_INET), XP_NATIVE, or a candidate.
 */
static struct xp_sock **xp_tab;
static int xp_tab_n;		/* slots */
static int xp_tab_hi;		/* slots ever used: [0, xp_tab_hi) */
static pthread_mutex_t xp_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_once_t xp_once = PTHREAD_ONCE_INIT;

static void xp_lock_take(void)
{
	pthread_mutex_lock(&xp_lock);
}

static void xp_lock_drop(void)
{
	pthread_mutex_unlock(&xp_lock);
}

/*
 * In a child after fork() the lock is still held, by the parent's thread
 * (the prepare handler took it): a recursive mutex will not let another
 * thread unlock it, and a child that forks again would wait for it
 * forever (bash subshells do).  The child has one thread and nobody in
 * the critical section: start the lock over.
 */
static void xp_lock_reset(void)
{
	pthread_mutex_t fresh = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

	memcpy(&xp_lock, &fresh, sizeof(fresh));
}

static void *xp_sym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p && strcmp(name, "fcntl64"))
		xp_warn("dlsym(%s): %s", name, dlerror());
	return p;
}

static void xp_init(void)
{
	const char *v;

	real_socket = xp_sym("socket");
	real_bind = xp_sym("bind");
	real_connect = xp_sym("connect");
	real_listen = xp_sym("listen");
	real_accept = xp_sym("accept");
	real_accept4 = xp_sym("accept4");
	real_getsockname = xp_sym("getsockname");
	real_getpeername = xp_sym("getpeername");
	real_getsockopt = xp_sym("getsockopt");
	real_setsockopt = xp_sym("setsockopt");
	real_ioctl = xp_sym("ioctl");
	real_close = xp_sym("close");
	real_dup = xp_sym("dup");
	real_dup2 = xp_sym("dup2");
	real_dup3 = xp_sym("dup3");
	real_fcntl = xp_sym("fcntl");
	real_fcntl64 = xp_sym("fcntl64");
	if (!real_fcntl64)
		real_fcntl64 = real_fcntl;
	real_epoll_ctl = xp_sym("epoll_ctl");
	real_sendto = xp_sym("sendto");
	real_sendmsg = xp_sym("sendmsg");
	real_recvfrom = xp_sym("recvfrom");
	real_recvmsg = xp_sym("recvmsg");

	pthread_atfork(xp_lock_take, xp_lock_drop, xp_lock_reset);

	xp_debug = xp_env_true("XTCP_PRELOAD_DEBUG");
	xp_loopback = xp_env_true("XTCP_PRELOAD_LOOPBACK");
	v = getenv("XTCP_PRELOAD_FAMILY");
	if (v && !strcmp(v, "inet"))
		xp_family = AF_INET;
	v = getenv("XTCP_PRELOAD");
	if (v && *v && !xp_env_true("XTCP_PRELOAD")) {
		xp_dbg("XTCP_PRELOAD=%s: off", v);
		return;
	}
	if (v && *v) {
		if (!strcasecmp(v, "all"))
			xp_all = true;
		else
			xp_warn("XTCP_PRELOAD=%s: unknown (all, off)", v);
	}
	v = getenv("XTCP_PRELOAD_PORTS");
	if (v && *v)
		xp_parse_ports(v);
	v = getenv("XTCP_PRELOAD_ADDRS");
	if (v && *v)
		xp_parse_addrs(v);
	xp_enabled = xp_all || xp_nports || xp_naddrs;
	xp_dbg("loaded: %s%s, %d port range(s), %d network(s)",
	       xp_all ? "all" : "by rule",
	       xp_all && xp_loopback ? " with loopback" : "", xp_nports,
	       xp_naddrs);
}

static inline void xp_ready(void)
{
	pthread_once(&xp_once, xp_init);
}

__attribute__((constructor)) static void xp_ctor(void)
{
	xp_ready();
}

/* The table, allocated on first use (lazy pages: untouched slots cost nothing). */
static bool xp_tab_ready(void)
{
	struct rlimit rl;
	size_t n = 65536;
	void *p;

	if (xp_tab)
		return true;
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (1u << 20))
			n = 1u << 20;
		else if (rl.rlim_max > n)
			n = rl.rlim_max;
	}
	p = mmap(NULL, n * sizeof(*xp_tab), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return false;
	xp_tab_n = n;
	__atomic_store_n(&xp_tab, (struct xp_sock **)p, __ATOMIC_RELEASE);
	return true;
}

/* Lock-free look-up: the common case is an empty slot. */
static inline struct xp_sock *xp_get(int fd)
{
	struct xp_sock **tab = __atomic_load_n(&xp_tab, __ATOMIC_ACQUIRE);

	if (!tab || fd < 0 || fd >= xp_tab_n)
		return NULL;
	return __atomic_load_n(&tab[fd], __ATOMIC_ACQUIRE);
}

static void xp_sock_free(struct xp_sock *s)
{
	while (s->opts) {
		struct xp_opt *o = s->opts;

		s->opts = o->next;
		free(o);
	}
	while (s->eps) {
		struct xp_ep *e = s->eps;

		s->eps = e->next;
		free(e);
	}
	free(s);
}

static void xp_forget_eps(struct xp_sock *s, int fd)
{
	struct xp_ep **pp = &s->eps;

	while (*pp) {
		struct xp_ep *e = *pp;

		if (e->fd == fd) {
			*pp = e->next;
			free(e);
		} else {
			pp = &e->next;
		}
	}
}

/* Under xp_lock: slot fd := v (dropping what was there). */
static void xp_put(int fd, struct xp_sock *v)
{
	struct xp_sock *old;

	if (fd < 0 || (!v && !xp_get(fd)))
		return;
	if (!xp_tab_ready() || fd >= xp_tab_n) {
		if (v && v != XP_NATIVE)
			xp_dbg("fd %d: beyond the table, stays TCP", fd);
		return;
	}
	old = xp_tab[fd];
	if (old && old != XP_NATIVE) {
		xp_forget_eps(old, fd);
		if (--old->nfds == 0)
			xp_sock_free(old);
	}
	if (v && v != XP_NATIVE)
		v->nfds++;
	__atomic_store_n(&xp_tab[fd], v, __ATOMIC_RELEASE);
	if (v && fd >= xp_tab_hi)
		xp_tab_hi = fd + 1;
}

static void xp_set(int fd, struct xp_sock *v)
{
	int err = errno;

	if (!v && !xp_get(fd))
		return;
	xp_lock_take();
	xp_put(fd, v);
	xp_lock_drop();
	errno = err;
}

/* Under xp_lock: drop every slot pointing at s (which frees it). */
static void xp_release(struct xp_sock *s)
{
	int i;

	for (i = 0; i < xp_tab_hi && s; i++) {
		if (xp_tab[i] != s)
			continue;
		if (s->nfds == 1) {
			xp_put(i, NULL);
			return;
		}
		xp_put(i, NULL);
	}
}

static bool xp_same_file(int fd, const struct xp_sock *s)
{
	struct stat st;

	return !fstat(fd, &st) && S_ISSOCK(st.st_mode) &&
	       st.st_dev == s->dev && st.st_ino == s->ino;
}

/*
 * Under xp_lock: the candidate at fd, if it is still the socket that was
 * noted (a descriptor closed behind our back, e.g. by glibc itself, and
 * reused leaves a stale slot).
 */
static struct xp_sock *xp_candidate(int fd)
{
	struct xp_sock *s = xp_get(fd);

	if (!s || s == XP_NATIVE)
		return NULL;
	if (!xp_same_file(fd, s)) {
		xp_put(fd, NULL);
		return NULL;
	}
	return s;
}

static void xp_new_candidate(int fd)
{
	struct xp_sock *s = calloc(1, sizeof(*s));
	struct stat st;

	if (!s || fstat(fd, &st)) {
		free(s);
		xp_set(fd, NULL);
		return;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	xp_lock_take();
	xp_put(fd, s);
	if (!s->nfds)
		free(s);	/* not tracked */
	xp_lock_drop();
}

/* Is fd an AF_XTCP socket that should look like AF_INET? */
static bool xp_is_ours(int fd)
{
	int dom = 0;
	socklen_t len = sizeof(dom);

	return xp_get(fd) != XP_NATIVE &&
	       !real_getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) &&
	       dom == AF_XTCP;
}

/* An address an XTCP socket returned: AF_XTCP becomes AF_INET. */
static void xp_fix_name(int fd, struct sockaddr *sa, socklen_t buflen)
{
	if (sa && buflen >= sizeof(sa_family_t) && sa->sa_family == AF_XTCP &&
	    xp_get(fd) != XP_NATIVE)
		sa->sa_family = AF_INET;
}

/* ---- the decision -------------------------------------------------------- */

static const char *xp_fmt(const struct sockaddr_in *sin, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN];

	if (!inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip)))
		strcpy(ip, "?");
	snprintf(buf, len, "%s:%u", ip, ntohs(sin->sin_port));
	return buf;
}

/* passive: the address of bind() or listen(), else connect()'s peer. */
static bool xp_select(const struct sockaddr_in *sin, bool passive)
{
	uint32_t a = ntohl(sin->sin_addr.s_addr);
	uint16_t p = ntohs(sin->sin_port);
	bool loop = (a >> 24) == 127 || (!passive && a == INADDR_ANY);
	int i;

	if (xp_nports || xp_naddrs) {
		bool pm = !xp_nports, am = !xp_naddrs;

		for (i = 0; i < xp_nports && !pm; i++)
			pm = p >= xp_ports[i].lo && p <= xp_ports[i].hi;
		if (passive && a == INADDR_ANY)
			am = true;
		for (i = 0; i < xp_naddrs && !am; i++)
			am = (a & xp_addrs[i].mask) == xp_addrs[i].addr;
		if (pm && am)
			return true;
	}
	return xp_all && (!loop || xp_loopback);
}

/*
 * Under xp_lock: put an AF_XTCP socket in place of candidate s on every
 * descriptor that refers to it.  s is freed.  0, or -errno (s untouched).
 */
static int xp_convert(int fd, struct xp_sock *s, const char *why)
{
	static bool warned;
	struct xp_opt *o;
	struct xp_ep *e;
	int nfd, fl, err, i;

	fl = real_fcntl(fd, F_GETFL);
	nfd = real_socket(xp_family, SOCK_STREAM | SOCK_CLOEXEC |
			  (fl >= 0 && (fl & O_NONBLOCK) ? SOCK_NONBLOCK : 0), 0);
	if (nfd < 0) {
		err = errno;
		if (!warned || xp_debug)
			xp_warn("fd %d: socket(AF_XTCP): %s%s", fd, strerror(err),
				err == EAFNOSUPPORT ? " (is xtcp.ko loaded?)" : "");
		warned = true;
		return -err;
	}
	if (fl >= 0)
		real_fcntl(nfd, F_SETFL, fl);
	if (fl >= 0 && (fl & O_ASYNC)) {
		struct f_owner_ex own;
		int sig;

		if (!real_fcntl(fd, F_GETOWN_EX, &own))
			real_fcntl(nfd, F_SETOWN_EX, &own);
		sig = real_fcntl(fd, F_GETSIG);
		if (sig > 0)
			real_fcntl(nfd, F_SETSIG, sig);
	}
	for (o = s->opts; o; o = o->next)
		if (real_setsockopt(nfd, o->level, o->name, o->val, o->len))
			xp_dbg("fd %d: replaying option %d/%d: %s", fd,
			       o->level, o->name, strerror(errno));
	if (s->bound) {
		struct sockaddr_in a = s->bound_addr, cur;
		socklen_t len = sizeof(cur);
		int r;

		/* The port the TCP socket got, if bind() asked for any. */
		if (!real_getsockname(fd, (struct sockaddr *)&cur, &len) &&
		    cur.sin_family == AF_INET && cur.sin_port)
			a.sin_port = cur.sin_port;
		r = real_bind(nfd, (struct sockaddr *)&a, sizeof(a));
		if (r && errno == EADDRINUSE &&
		    a.sin_port != s->bound_addr.sin_port)
			r = real_bind(nfd, (struct sockaddr *)&s->bound_addr,
				      sizeof(s->bound_addr));
		if (r) {
			err = errno;
			xp_dbg("fd %d: binding the XTCP socket again: %s", fd,
			       strerror(err));
			real_close(nfd);
			return -err;
		}
	}

	for (i = 0; i < xp_tab_hi; i++) {
		int fdfl;

		if (xp_tab[i] != s)
			continue;
		if (i != fd && !xp_same_file(i, s)) {
			xp_put(i, NULL);	/* stale */
			continue;
		}
		fdfl = real_fcntl(i, F_GETFD);
		for (e = s->eps; e; e = e->next)
			if (e->fd == i)
				e->moved = !real_epoll_ctl(e->epfd,
							   EPOLL_CTL_DEL, i,
							   &e->ev);
		if (real_dup3(nfd, i, fdfl >= 0 && (fdfl & FD_CLOEXEC) ?
					O_CLOEXEC : 0) < 0) {
			err = errno;
			xp_warn("fd %d: dup3: %s", i, strerror(err));
			real_close(nfd);
			return -err;
		}
		for (e = s->eps; e; e = e->next)
			if (e->fd == i && e->moved &&
			    real_epoll_ctl(e->epfd, EPOLL_CTL_ADD, i, &e->ev))
				xp_dbg("fd %d: epoll %d: %s", i, e->epfd,
				       strerror(errno));
		xp_dbg("fd %d: %s: XTCP", i, why);
	}
	real_close(nfd);
	xp_release(s);
	return 0;
}

/* ---- socket calls -------------------------------------------------------- */

XP_EXPORT int socket(int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int fd, err;

	xp_ready();
	fd = real_socket(domain, type, protocol);
	if (fd < 0)
		return fd;
	err = errno;
	if (domain == AF_XTCP)
		xp_set(fd, XP_NATIVE);
	else if (xp_enabled && domain == AF_INET && base == SOCK_STREAM &&
		 (protocol == 0 || protocol == IPPROTO_TCP))
		xp_new_candidate(fd);
	else
		xp_set(fd, NULL);
	errno = err;
	return fd;
}

XP_EXPORT int bind(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	const struct sockaddr *sa = XP_SA(addr);
	struct sockaddr_in sin;
	struct xp_sock *s;
	char buf[32];
	int r, err;

	xp_ready();
	s = xp_get(fd);
	if (!s || s == XP_NATIVE || !sa || len < sizeof(sin) ||
	    (sa->sa_family != AF_INET && sa->sa_family != AF_UNSPEC))
		return real_bind(fd, sa, len);

	memcpy(&sin, sa, sizeof(sin));
	xp_lock_take();
	s = xp_candidate(fd);
	if (s && sin.sin_port && xp_select(&sin, true)) {
		err = xp_convert(fd, s, xp_fmt(&sin, buf, sizeof(buf)));
		xp_lock_drop();
		if (err) {
			errno = -err;
			return -1;
		}
		return real_bind(fd, sa, len);
	}
	r = real_bind(fd, sa, len);
	err = errno;
	if (!r && s) {
		/* Not decided yet: listen() or connect() will. */
		s->bound = true;
		s->bound_addr = sin;
	}
	xp_lock_drop();
	errno = err;
	return r;
}

XP_EXPORT int listen(int fd, int backlog)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct xp_sock *s;
	char buf[32], why[48];
	int r, err;

	xp_ready();
	s = xp_get(fd);
	if (!s || s == XP_NATIVE)
		return real_listen(fd, backlog);

	xp_lock_take();
	s = xp_candidate(fd);
	if (s && !real_getsockname(fd, (struct sockaddr *)&sin, &len) &&
	    sin.sin_family == AF_INET && xp_select(&sin, true)) {
		snprintf(why, sizeof(why), "listen %s",
			 xp_fmt(&sin, buf, sizeof(buf)));
		err = xp_convert(fd, s, why);
		xp_lock_drop();
		if (err) {
			errno = -err;
			return -1;
		}
		return real_listen(fd, backlog);
	}
	r = real_listen(fd, backlog);
	err = errno;
	if (!r && s)
		xp_release(s);	/* a TCP listener for good */
	xp_lock_drop();
	errno = err;
	return r;
}

/*
 * connect(), or the connecting half of MSG_FASTOPEN: decide for a candidate.
 * 1 if fd is (now) XTCP, 0 if it stays TCP, -1 with errno if the XTCP
 * socket could not be made.
 */
static int xp_decide_connect(int fd, const struct sockaddr *sa, socklen_t len,
			     struct xp_sock **tcp)
{
	struct sockaddr_in sin;
	struct xp_sock *s;
	char buf[32];
	int err;

	*tcp = NULL;
	if (!sa || len < sizeof(sin) || sa->sa_family != AF_INET)
		return 0;
	memcpy(&sin, sa, sizeof(sin));
	xp_lock_take();
	s = xp_candidate(fd);
	if (!s) {
		xp_lock_drop();
		return 0;
	}
	if (!xp_select(&sin, false)) {
		*tcp = s;
		xp_lock_drop();
		return 0;
	}
	err = xp_convert(fd, s, xp_fmt(&sin, buf, sizeof(buf)));
	xp_lock_drop();
	if (err) {
		errno = -err;
		return -1;
	}
	return 1;
}

/* A candidate that connected over TCP is TCP for good. */
static void xp_done_tcp(int fd, struct xp_sock *s)
{
	int err = errno;

	xp_lock_take();
	if (xp_get(fd) == s)
		xp_release(s);
	xp_lock_drop();
	errno = err;
}

XP_EXPORT int connect(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	const struct sockaddr *sa = XP_SA(addr);
	struct xp_sock *s = NULL;
	int r;

	xp_ready();
	s = xp_get(fd);
	if (!s || s == XP_NATIVE)
		return real_connect(fd, sa, len);
	if (xp_decide_connect(fd, sa, len, &s) < 0)
		return -1;
	r = real_connect(fd, sa, len);
	if (s && (!r || errno == EINPROGRESS))
		xp_done_tcp(fd, s);
	return r;
}

XP_EXPORT int accept4(int fd, __SOCKADDR_ARG addr, socklen_t *len, int flags)
{
	struct sockaddr *sa = XP_SA(addr);
	socklen_t buflen = sa && len ? *len : 0;
	int nfd, err;

	xp_ready();
	nfd = real_accept4(fd, sa, len, flags);
	if (nfd < 0)
		return nfd;
	err = errno;
	xp_set(nfd, xp_get(fd) == XP_NATIVE ? XP_NATIVE : NULL);
	xp_fix_name(fd, sa, buflen);
	errno = err;
	return nfd;
}

XP_EXPORT int accept(int fd, __SOCKADDR_ARG addr, socklen_t *len)
{
	struct sockaddr *sa = XP_SA(addr);
	socklen_t buflen = sa && len ? *len : 0;
	int nfd, err;

	xp_ready();
	nfd = real_accept(fd, sa, len);
	if (nfd < 0)
		return nfd;
	err = errno;
	xp_set(nfd, xp_get(fd) == XP_NATIVE ? XP_NATIVE : NULL);
	xp_fix_name(fd, sa, buflen);
	errno = err;
	return nfd;
}

XP_EXPORT int getsockname(int fd, __SOCKADDR_ARG addr, socklen_t *len)
{
	struct sockaddr *sa = XP_SA(addr);
	socklen_t buflen = sa && len ? *len : 0;
	int r;

	xp_ready();
	r = real_getsockname(fd, sa, len);
	if (!r)
		xp_fix_name(fd, sa, buflen);
	return r;
}

XP_EXPORT int getpeername(int fd, __SOCKADDR_ARG addr, socklen_t *len)
{
	struct sockaddr *sa = XP_SA(addr);
	socklen_t buflen = sa && len ? *len : 0;
	int r;

	xp_ready();
	r = real_getpeername(fd, sa, len);
	if (!r)
		xp_fix_name(fd, sa, buflen);
	return r;
}

XP_EXPORT int getsockopt(int fd, int level, int name, void *val,
			 socklen_t *len)
{
	int r, v;

	xp_ready();
	r = real_getsockopt(fd, level, name, val, len);
	if (r || level != SOL_SOCKET || (name != SO_DOMAIN &&
					 name != SO_PROTOCOL) ||
	    !val || !len || *len < sizeof(int))
		return r;
	memcpy(&v, val, sizeof(v));
	if (name == SO_DOMAIN && v == AF_XTCP && xp_get(fd) != XP_NATIVE)
		v = AF_INET;
	else if (name == SO_PROTOCOL && v == IPPROTO_XTCP && xp_is_ours(fd))
		v = IPPROTO_TCP;
	memcpy(val, &v, sizeof(v));
	return 0;
}

/* Options not worth replaying: they hold pointers or descriptors. */
static bool xp_replayable(int level, int name)
{
	if (level == SOL_SOCKET)
		return name != SO_ATTACH_FILTER && name != SO_ATTACH_BPF &&
		       name != SO_ATTACH_REUSEPORT_CBPF &&
		       name != SO_ATTACH_REUSEPORT_EBPF &&
		       name != SO_DETACH_FILTER;
	return level == IPPROTO_IP || level == IPPROTO_TCP;
}

XP_EXPORT int setsockopt(int fd, int level, int name, const void *val,
			 socklen_t len)
{
	struct xp_sock *s;
	struct xp_opt **pp, *o;
	int r, err;

	xp_ready();
	r = real_setsockopt(fd, level, name, val, len);
	s = xp_get(fd);
	if (r || !s || s == XP_NATIVE || !xp_replayable(level, name) ||
	    len > 1024 || (len && !val))
		return r;
	err = errno;
	xp_lock_take();
	if (xp_get(fd) == s) {
		/* The last value of each option, in the order first set. */
		for (pp = &s->opts; *pp; pp = &(*pp)->next)
			if ((*pp)->level == level && (*pp)->name == name)
				break;
		o = malloc(sizeof(*o) + len);
		if (o) {
			o->level = level;
			o->name = name;
			o->len = len;
			if (len)
				memcpy(o->val, val, len);
			if (*pp) {
				o->next = (*pp)->next;
				free(*pp);
			} else {
				o->next = NULL;
			}
			*pp = o;
		}
	}
	xp_lock_drop();
	errno = err;
	return r;
}

/* Interface, route and ARP ioctls: inet_ioctl()'s, not the socket's. */
static bool xp_inet_ioctl(unsigned long req)
{
	switch (req) {
	case SIOCADDRT: case SIOCDELRT: case SIOCRTMSG:
	case SIOCDARP: case SIOCGARP: case SIOCSARP:
	case SIOCGIFADDR: case SIOCSIFADDR:
	case SIOCGIFBRDADDR: case SIOCSIFBRDADDR:
	case SIOCGIFNETMASK: case SIOCSIFNETMASK:
	case SIOCGIFDSTADDR: case SIOCSIFDSTADDR:
	case SIOCGIFPFLAGS: case SIOCSIFPFLAGS:
	case SIOCSIFFLAGS:
		return true;
	}
	return false;
}

XP_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	int r, tmp, err;

	xp_ready();
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if ((req == SIOCATMARK || xp_inet_ioctl(req)) && xp_is_ours(fd)) {
		if (req == SIOCATMARK) {
			/* No urgent data in XTCP: never at the mark. */
			if (!arg) {
				errno = EFAULT;
				return -1;
			}
			tmp = 0;
			memcpy(arg, &tmp, sizeof(tmp));
			return 0;
		}
		tmp = real_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (tmp < 0)
			return -1;
		r = real_ioctl(tmp, req, arg);
		err = errno;
		real_close(tmp);
		errno = err;
		return r;
	}
	return real_ioctl(fd, req, arg);
}

XP_EXPORT int close(int fd)
{
	xp_ready();
	if (xp_get(fd))
		xp_set(fd, NULL);
	return real_close(fd);
}

/* newfd now refers to what oldfd refers to. */
static void xp_copy(int oldfd, int newfd)
{
	struct xp_sock *s = xp_get(oldfd);
	int err = errno;

	if (!s && !xp_get(newfd))
		return;
	xp_lock_take();
	xp_put(newfd, xp_get(oldfd));
	xp_lock_drop();
	errno = err;
}

XP_EXPORT int dup(int oldfd)
{
	int r;

	xp_ready();
	r = real_dup(oldfd);
	if (r >= 0)
		xp_copy(oldfd, r);
	return r;
}

XP_EXPORT int dup2(int oldfd, int newfd)
{
	int r;

	xp_ready();
	r = real_dup2(oldfd, newfd);
	if (r >= 0 && oldfd != newfd)
		xp_copy(oldfd, r);
	return r;
}

XP_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	int r;

	xp_ready();
	r = real_dup3(oldfd, newfd, flags);
	if (r >= 0)
		xp_copy(oldfd, r);
	return r;
}

static int xp_fcntl(int (*fn)(int, int, ...), int fd, int cmd, void *arg)
{
	int r = fn(fd, cmd, arg);

	if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		xp_copy(fd, r);
	return r;
}

XP_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	xp_ready();
	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return xp_fcntl(real_fcntl, fd, cmd, arg);
}

XP_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	xp_ready();
	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return xp_fcntl(real_fcntl64, fd, cmd, arg);
}

XP_EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct xp_ep *e, **pp;
	struct xp_sock *s;
	int r, err;

	xp_ready();
	r = real_epoll_ctl(epfd, op, fd, ev);
	s = xp_get(fd);
	if (r || !s || s == XP_NATIVE)
		return r;
	err = errno;
	xp_lock_take();
	if (xp_get(fd) == s) {
		for (pp = &s->eps; *pp; pp = &(*pp)->next)
			if ((*pp)->epfd == epfd && (*pp)->fd == fd)
				break;
		if (op == EPOLL_CTL_DEL && *pp) {
			e = *pp;
			*pp = e->next;
			free(e);
		} else if ((op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD) && ev) {
			e = *pp;
			if (!e) {
				e = calloc(1, sizeof(*e));
				if (e) {
					e->epfd = epfd;
					e->fd = fd;
					*pp = e;
				}
			}
			if (e)
				e->ev = *ev;
		}
	}
	xp_lock_drop();
	errno = err;
	return r;
}

/*
 * MSG_FASTOPEN with an address: XTCP has no Fast Open, so a selected
 * socket connects first.  Returns 1 if the caller should send (connected),
 * 0 to let the real call run, -1 with errno for the caller to return
 * (EINPROGRESS for a non-blocking socket, as Linux without a cookie).
 */
static int xp_fastopen(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct xp_sock *tcp = NULL;
	int r;

	r = xp_decide_connect(fd, sa, len, &tcp);
	if (r < 0)
		return -1;
	if (!r && !xp_is_ours(fd))
		return 0;
	if (real_connect(fd, sa, len) && errno != EISCONN)
		return -1;
	return 1;
}

XP_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
			 __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	const struct sockaddr *sa = XP_SA(addr);
	int r;

	xp_ready();
	if ((flags & MSG_FASTOPEN) && sa) {
		r = xp_fastopen(fd, sa, len);
		if (r < 0)
			return -1;
		if (r > 0)
			return real_sendto(fd, buf, n, flags & ~MSG_FASTOPEN,
					   NULL, 0);
	}
	return real_sendto(fd, buf, n, flags, sa, len);
}

XP_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct msghdr m;
	int r;

	xp_ready();
	if ((flags & MSG_FASTOPEN) && msg && msg->msg_name) {
		r = xp_fastopen(fd, msg->msg_name, msg->msg_namelen);
		if (r < 0)
			return -1;
		if (r > 0) {
			m = *msg;
			m.msg_name = NULL;
			m.msg_namelen = 0;
			return real_sendmsg(fd, &m, flags & ~MSG_FASTOPEN);
		}
	}
	return real_sendmsg(fd, msg, flags);
}

XP_EXPORT ssize_t recvfrom(int fd, void *buf, size_t n, int flags,
			   __SOCKADDR_ARG addr, socklen_t *len)
{
	struct sockaddr *sa = XP_SA(addr);
	socklen_t buflen = sa && len ? *len : 0;
	ssize_t r;

	xp_ready();
	r = real_recvfrom(fd, buf, n, flags, sa, len);
	if (r >= 0 && buflen && *len >= sizeof(sa_family_t))
		xp_fix_name(fd, sa, buflen);
	return r;
}

XP_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	socklen_t buflen = msg && msg->msg_name ? msg->msg_namelen : 0;
	ssize_t r;

	xp_ready();
	r = real_recvmsg(fd, msg, flags);
	if (r >= 0 && buflen && msg->msg_namelen >= sizeof(sa_family_t))
		xp_fix_name(fd, msg->msg_name, buflen);
	return r;
}
