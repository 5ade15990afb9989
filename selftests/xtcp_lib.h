/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the XTCP selftests.
 *
 * Every test program takes its socket family from here:
 *
 *   XTCP_TEST_FAMILY=xtcp (default)  socket(AF_XTCP, SOCK_STREAM, 0)
 *   XTCP_TEST_FAMILY=inet            socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
 *
 * Linux's TCP is the reference: every expectation the tests assert holds
 * for Linux TCP (run them with XTCP_TEST_FAMILY=inet to see it), and XTCP
 * must meet it too.  Tests of XTCP-only behaviour skip in inet mode.
 *
 * Each test runs in a fresh network namespace of its own (loopback up), so
 * tests share no ports, leave no TIME_WAIT sockets behind in the caller's
 * namespace and see only their own lines in /proc/net/{xtcp,tcp}.
 * XTCP_TEST_NETNS=0 runs them in the caller's namespace instead.
 *
 * XTCP_TEST_VERBOSE=1 shows the output of the ip/tc/ethtool commands run.
 */
#ifndef XTCP_SELFTEST_LIB_H
#define XTCP_SELFTEST_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>

#include <linux/xtcp.h>

/*
 * enum xtcp_state (from <linux/xtcp.h>): tcpi_state and the st field of
 * /proc/net/xtcp, and of /proc/net/tcp, whose numbers are the same.
 * xtcp_state_name() is the module's own table of their names.
 */
#include "xtcp_state.h"

#define XT_LOOP		"127.0.0.1"

/* ---- family selection ---- */

bool xt_inet(void);		/* XTCP_TEST_FAMILY=inet: Linux TCP */
/* Choose the family in the program instead (before xt_test_init()). */
void xt_set_inet(bool inet);
int xt_family(void);		/* AF_XTCP or AF_INET */
int xt_protocol(void);		/* SO_PROTOCOL expected: 253 or 6 */
int xt_wire_protocol(void);	/* IP protocol byte: 253 or 6 */
const char *xt_mode(void);	/* "xtcp" or "inet" */
const char *xt_proc_name(void);	/* "xtcp" or "tcp" */

/*
 * Per-test setup: a fresh network namespace (unless XTCP_TEST_NETNS=0)
 * and a check that the family can make sockets.  Returns 0, or -1 with a
 * message in @why.
 */
int xt_test_init(char *why, size_t len);
/* Did xt_test_init() give the test a namespace of its own? */
bool xt_isolated(void);

/* ---- sockets and addresses ---- */

int xt_socket(void);				/* SOCK_STREAM, protocol 0 */
int xt_socket_flags(int type_flags);		/* | SOCK_NONBLOCK etc. */
struct sockaddr_in xt_sa(const char *ip, uint16_t port);  /* xt_family() */
struct sockaddr_in xt_sa_inet(const char *ip, uint16_t port); /* AF_INET */
int xt_bind(int fd, const char *ip, uint16_t port);
int xt_connect(int fd, const char *ip, uint16_t port);
/* Bound, listening socket; *port gets the port (in: 0 for any). */
int xt_listener(const char *ip, uint16_t *port, int backlog);
/* Blocking connect to ip:port; the fd or -1 (errno set). */
int xt_connect_to(const char *ip, uint16_t port);
/* A connected pair on 127.0.0.1 (listener closed): 0 or -1. */
int xt_pair(int *client, int *server);
int xt_pair_ip(const char *ip, int *client, int *server);
/*
 * The same, the client's SO_RCVBUF set before it connects, so that the
 * window it offers is small from the first segment: 0 or -1.
 */
int xt_pair_rcvbuf(int rcvbuf, int *client, int *server);
uint16_t xt_local_port(int fd);
uint16_t xt_peer_port(int fd);
int xt_set_int(int fd, int level, int opt, int val);
int xt_get_int(int fd, int level, int opt);	/* value, or -1 */
int xt_set_nonblock(int fd, bool on);
int xt_linger0(int fd);			/* SO_LINGER {1, 0} */
int xt_close_rst(int fd);		/* linger {1,0} + close: no TIME_WAIT */

/*
 * TCP_MD5SIG: set (or, with an empty @key, delete) the key for @ip, or
 * with @prefix >= 0 for that prefix of it (TCP_MD5SIG_EXT); 0 or -1.
 * struct xt_md5sig is <linux/tcp.h>'s struct tcp_md5sig, which cannot
 * be included with <netinet/tcp.h>.
 */
#ifndef TCP_MD5SIG_EXT
#define TCP_MD5SIG_EXT		32
#endif
#define XT_MD5SIG_FLAG_PREFIX	0x1
#define XT_MD5SIG_FLAG_IFINDEX	0x2
struct xt_md5sig {
	struct sockaddr_storage addr;
	uint8_t flags, prefixlen;
	uint16_t keylen;
	int ifindex;
	uint8_t key[80];
};
int xt_md5_key(int fd, const char *ip, int prefix, const char *key);

/* ---- states ---- */

int xt_tcp_info(int fd, struct tcp_info *ti);
/*
 * struct tcp_info as Linux's uapi has it today: glibc's <netinet/tcp.h>
 * stops at tcpi_total_retrans, and <linux/tcp.h> cannot be included
 * with it.  The fields after it, in the kernel's order.
 */
struct xt_tcp_info {
	struct tcp_info ti;
	uint64_t pacing_rate, max_pacing_rate, bytes_acked, bytes_received;
	uint32_t segs_out, segs_in, notsent_bytes, min_rtt;
	uint32_t data_segs_in, data_segs_out;
	uint64_t delivery_rate, busy_time, rwnd_limited, sndbuf_limited;
	uint32_t delivered, delivered_ce;
};
int xt_tcp_info_ext(int fd, struct xt_tcp_info *ti);
/*
 * A counter of this namespace by its Linux name ("InSegs", "TCPTimeouts"):
 * the Tcp line of /proc/net/xtcp_snmp, or the TcpExt line of
 * /proc/net/xtcp_netstat; in inet mode /proc/net/snmp and netstat.
 * -1 if there is no such counter.
 */
long long xt_mib(const char *name);
/* The same from Linux TCP's files (inet) or XTCP's, whatever the family. */
long long xt_mib_of(bool inet, const char *name);
/* IP's own counters, from /proc/net/snmp: xt_snmp("Icmp:", "InErrors"). */
long long xt_snmp(const char *prefix, const char *name);
int xt_state(int fd);				/* tcpi_state, or -1 */
/* Poll TCP_INFO until tcpi_state == st; the state seen last. */
int xt_wait_state(int fd, int st, int timeout_ms);

struct xt_proc_ent {
	uint32_t laddr, raddr;		/* network order */
	uint16_t lport, rport;		/* host order */
	int st;
	unsigned int tx_queue, rx_queue;
	unsigned long inode;
};

/* /proc/thread-self/net/{xtcp,tcp}: the caller's namespace. */
const char *xt_proc_path(void);
/* Find the line with these ports; 0, or -1 if none (or unreadable). */
int xt_proc_find(uint16_t lport, uint16_t rport, struct xt_proc_ent *e);
/* The same in another file of that format, e.g. /proc/thread-self/net/tcp. */
int xt_proc_find_in(const char *path, uint16_t lport, uint16_t rport,
		    struct xt_proc_ent *e);
int xt_proc_state(uint16_t lport, uint16_t rport);	/* st or -1 */
/* Poll until the line's st == st (-1: until the line is gone). */
int xt_proc_wait_state(uint16_t lport, uint16_t rport, int st,
		       int timeout_ms);
int xt_proc_count(void);			/* socket lines, or -1 */
/* The same, less those in state @st (XTCP_TIME_WAIT...). */
int xt_proc_count_except(int st);
/* First line (header) and first socket line, for format checks. */
int xt_proc_lines(char *hdr, size_t hlen, char *first, size_t flen);

/* ---- sysctls ---- */

/*
 * The family's knob NAME: /proc/sys/net/xtcp/NAME, or for Linux TCP
 * /proc/sys/net/ipv4/tcp_NAME; of the caller's network namespace.
 */
const char *xt_sysctl_path(const char *name, char *buf, size_t len);
/* Its text without the trailing newline; 0, or -1 with errno. */
int xt_sysctl_get(const char *name, char *buf, size_t len);
/* Write VAL; 0, or -1 with errno (EINVAL for a value out of range). */
int xt_sysctl_set(const char *name, const char *val);
/* Its first number, or -1. */
long xt_sysctl_long(const char *name);
/* rmem or wmem: min, default, max; 0, or -1 if not three numbers. */
int xt_sysctl_mem(const char *name, long v[3]);
/*
 * For a knob that exists in the initial namespace only (mem,
 * max_orphans): open it before the test enters its own namespace and
 * keep its text in @old; the fd, or -1 with errno.  xt_sysctl_put()
 * writes it through that fd later; 0, or -1.
 */
int xt_sysctl_hold(const char *name, char *old, size_t len);
int xt_sysctl_put(int fd, const char *val);

/* ---- I/O ---- */

ssize_t xt_send_all(int fd, const void *buf, size_t len);
ssize_t xt_recv_all(int fd, void *buf, size_t len);
/* poll() one fd; revents, 0 on timeout, -1 on error. */
int xt_poll1(int fd, short events, int timeout_ms);
/*
 * Make @fd non-blocking and write to it until it would block: 0 once
 * send() says EAGAIN, -1 on any other error.
 */
int xt_fill_sndbuf(int fd);
/*
 * xt_fill_sndbuf(), then the bytes written and not yet sent
 * (SIOCOUTQNSD); -1 on error.
 */
int xt_fill_unsent(int fd);
/* Set the send/receive buffer sizes (SO_SNDBUF/SO_RCVBUF). */
int xt_bufs(int fd, int snd, int rcv);

uint64_t xt_now_ms(void);
void xt_msleep(unsigned int ms);

/* ---- data and hashes ---- */

/* Deterministic byte stream: byte i of stream @seed, from offset @off. */
void xt_pattern(void *buf, size_t len, uint64_t seed, uint64_t off);

struct xt_sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t n;
};
void xt_sha256_init(struct xt_sha256 *c);
void xt_sha256_update(struct xt_sha256 *c, const void *data, size_t len);
void xt_sha256_final(struct xt_sha256 *c, uint8_t out[32]);
void xt_sha256(const void *data, size_t len, uint8_t out[32]);
void xt_hex(const uint8_t *d, size_t n, char *out);	/* 2n+1 bytes */

/*
 * Stream pumps for threads.  A sender writes @len bytes of stream @seed in
 * @chunk-sized writes (then shuts down writing if @shut_wr), hashing what
 * it sent; a receiver reads until EOF or @len bytes, hashing what it got.
 * @err is 0 or the errno of the failing call.
 */
struct xt_stream {
	int fd;
	size_t len;
	size_t chunk;
	uint64_t seed;
	bool shut_wr;
	size_t done;
	int err;
	uint8_t digest[32];
	pthread_t thr;
};
void *xt_sender(void *arg);
void *xt_receiver(void *arg);
int xt_start(struct xt_stream *s, void *(*fn)(void *));
int xt_join(struct xt_stream *s);
/* SHA-256 of @len bytes of stream @seed. */
void xt_stream_digest(uint64_t seed, size_t len, uint8_t out[32]);
/*
 * @len bytes from @from to @to (a sender thread, the receiver in the
 * caller), then the sender shuts down writing; both ends' SHA-256 must be
 * the stream's.  0, or -1 with @why set.
 */
int xt_bulk(int from, int to, size_t len, size_t wchunk, uint64_t seed,
	    char *why, size_t wlen);

/* ---- namespaces and links ---- */

int xt_netns_cur(void);			/* fd of the thread's netns */
/* A new netns (loopback up); the caller stays where it is. fd or -1. */
int xt_netns_new(void);
int xt_netns_enter(int fd);
int xt_link_up(const char *ifname);	/* IFF_UP via ioctl */
/* Wait until @ifname is IFF_RUNNING in the current netns. */
int xt_link_wait_running(const char *ifname, int timeout_ms);
/* system(3) with printf arguments; exit status, or -1. */
int xt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * popen(3) with printf arguments: what the command wrote to stdout, up
 * to @len - 1 bytes and NUL-terminated, in @out.  Exit status, or -1.
 */
int xt_sh_out(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool xt_have_prog(const char *name);

/*
 * Two namespaces joined by a veth pair: a is the caller's namespace
 * (ns_a), b a new one (ns_b).  Addresses ip_a/ip_b on a /24; permanent
 * neighbour entries on both sides (no ARP).  The caller is in ns_a on
 * return.  0, or -1 with @why set (ip missing, veth unavailable...).
 */
struct xt_veth {
	int ns_a, ns_b;
	char ip_a[16], ip_b[16];
	char dev_a[16], dev_b[16];
};
int xt_veth_setup(struct xt_veth *v, int mtu, char *why, size_t len);
void xt_veth_free(struct xt_veth *v);

/*
 * In the current namespace: a veth whose other end silently drops what
 * it gets.  Connecting to XT_BLACKHOLE leaves the socket in SYN_SENT.
 */
#define XT_BLACKHOLE	"10.78.0.2"
int xt_blackhole(char *why, size_t len);

/* tc netem loss 100% on @dev (root qdisc); 0 or -1.  @del removes it. */
int xt_netem_loss(const char *dev, bool del);

/* ---- raw segments ---- */

struct xt_seg {
	uint32_t saddr, daddr;		/* network order */
	uint8_t ip_proto;
	uint16_t sport, dport;		/* host order */
	uint32_t seq, ack;
	uint8_t flags;			/* TH_* bits */
	uint16_t win;
	uint16_t check;			/* as on the wire (network order) */
	size_t hlen, plen;		/* TCP header, payload */
	const uint8_t *tcp;		/* the TCP header in the buffer */
	size_t tcp_len;
};

/*
 * The Internet checksum (RFC 1071) of an IPv4 header, in host order: what
 * goes in its checksum field, or 0 over a header whose checksum is right.
 */
uint16_t xt_ip_csum(const void *hdr, size_t len);
/* Internet checksum of the pseudo-header (protocol @proto) + segment. */
uint16_t xt_tcp_csum(uint32_t saddr, uint32_t daddr, uint8_t proto,
		     const void *tcp, size_t len);
/* Parse an IPv4 packet holding a TCP-format segment; 0 or -1. */
int xt_parse_seg(const void *pkt, size_t len, struct xt_seg *s);
/*
 * Send a bare TCP-format segment (20-byte header, no payload) over a raw
 * IPv4 socket of protocol @ip_proto, checksummed with pseudo-header
 * protocol @csum_proto.  Addresses network order, ports host order.
 */
int xt_send_seg(uint8_t ip_proto, uint8_t csum_proto, uint32_t saddr,
		uint32_t daddr, uint16_t sport, uint16_t dport, uint32_t seq,
		uint32_t ack, uint8_t flags, uint16_t win);

#endif /* XTCP_SELFTEST_LIB_H */
