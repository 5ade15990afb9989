// SPDX-License-Identifier: GPL-2.0
/*
 * xtcpcat: a tiny netcat over XTCP (AF_XTCP), or over TCP with -T.
 *
 *   xtcpcat [-T] [-v] -l [-d] [-b ADDR] PORT
 *	accept one connection; copy socket -> stdout until EOF
 *	(-d: also copy stdin -> socket, then shut down the write side)
 *   xtcpcat [-T] [-v] [-b ADDR] HOST PORT
 *	connect; copy stdin -> socket, shut down the write side, and copy
 *	socket -> stdout until EOF
 *
 * Both directions run at once (poll), so a peer that talks while we send
 * cannot deadlock us.  Errors print strerror and exit 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>


#include "../uapi/linux/xtcp.h"

static const char *prog = "xtcpcat";
static int use_tcp;
static int verbose;

static void die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [-T] [-v] -l [-d] [-b ADDR] PORT\n"
		"       %s [-T] [-v] [-b ADDR] HOST PORT\n"
		"  -l  listen and accept one connection\n"
		"  -d  with -l: also send stdin to the peer (duplex)\n"
		"  -b  local address to bind\n"
		"  -T  use TCP (AF_INET) instead of XTCP, for comparison\n"
		"  -v  report addresses and byte counts on stderr\n",
		prog, prog);
	exit(2);
}

static int family(void)
{
	return use_tcp ? AF_INET : AF_XTCP;
}

static int new_socket(void)
{
	int fd = socket(family(), SOCK_STREAM, 0);

	if (fd < 0)
		die("socket(%s, SOCK_STREAM)", use_tcp ? "AF_INET" : "AF_XTCP");
	return fd;
}

/* struct sockaddr_xtcp has sockaddr_in's layout: fill one, fix the family. */
static void make_addr(struct sockaddr_in *sin, const char *host,
		      const char *port)
{
	char *end;
	long p;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = family();
	errno = EINVAL;
	p = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || p < 0 || p > 65535)
		die("bad port '%s'", port);
	sin->sin_port = htons((unsigned short)p);
	if (!host || !*host) {
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
	} else if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
		struct addrinfo hints = { .ai_family = AF_INET };
		struct addrinfo *res;
		int rc = getaddrinfo(host, NULL, &hints, &res);

		if (rc) {
			fprintf(stderr, "%s: %s: %s\n", prog, host,
				gai_strerror(rc));
			exit(1);
		}
		sin->sin_addr =
			((struct sockaddr_in *)res->ai_addr)->sin_addr;
		freeaddrinfo(res);
	}
}

static void show(const char *what, int fd, int peer)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char buf[INET_ADDRSTRLEN];
	int rc;

	if (!verbose)
		return;
	memset(&sin, 0, sizeof(sin));
	rc = peer ? getpeername(fd, (struct sockaddr *)&sin, &len) :
		    getsockname(fd, (struct sockaddr *)&sin, &len);
	if (rc < 0)
		die(peer ? "getpeername" : "getsockname");
	fprintf(stderr, "%s: %s %s:%u (family %d)\n", prog, what,
		inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof(buf)),
		ntohs(sin.sin_port), sin.sin_family);
}

/* Write all of buf; returns 0, or -1 with errno set. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Copy socket -> stdout until the peer's EOF and, if send_stdin,
 * stdin -> socket until stdin's EOF, then shutdown(SHUT_WR).  Without
 * send_stdin our side stays open until the caller closes the socket.
 */
static void pump(int sock, int send_stdin)
{
	static char buf[65536];
	unsigned long long sent = 0, rcvd = 0;
	int in_open = send_stdin, sock_open = 1;

	while (sock_open) {
		struct pollfd pfd[2] = {
			{ .fd = sock, .events = POLLIN },
			{ .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		ssize_t n;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[1].revents) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n < 0 && errno != EINTR)
				die("read(stdin)");
			if (n > 0) {
				if (write_all(sock, buf, (size_t)n) < 0)
					die("write(socket)");
				sent += (unsigned long long)n;
			} else if (n == 0) {
				in_open = 0;
				if (shutdown(sock, SHUT_WR) < 0)
					die("shutdown(SHUT_WR)");
			}
		}
		if (pfd[0].revents) {
			n = read(sock, buf, sizeof(buf));
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				die("read(socket)");
			if (n > 0) {
				if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
					die("write(stdout)");
				rcvd += (unsigned long long)n;
			} else if (n == 0) {
				sock_open = 0;
			}
		}
	}
	/* Peer closed first: still send the rest of stdin (e.g. -d). */
	while (in_open) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("read(stdin)");
		}
		if (n == 0)
			break;
		if (write_all(sock, buf, (size_t)n) < 0)
			die("write(socket)");
		sent += (unsigned long long)n;
	}
	if (verbose)
		fprintf(stderr, "%s: sent %llu bytes, received %llu bytes\n",
			prog, sent, rcvd);
}

int main(int argc, char **argv)
{
	const char *bind_addr = NULL;
	int listen_mode = 0, duplex = 0;
	struct sockaddr_in sin;
	int opt, fd;

	while ((opt = getopt(argc, argv, "lb:dTvh")) != -1) {
		switch (opt) {
		case 'l':
			listen_mode = 1;
			break;
		case 'b':
			bind_addr = optarg;
			break;
		case 'd':
			duplex = 1;
			break;
		case 'T':
			use_tcp = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	signal(SIGPIPE, SIG_IGN);

	fd = new_socket();
	if (listen_mode) {
		int one = 1, conn;

		if (argc != 1)
			usage();
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof(one)) < 0)
			fprintf(stderr, "%s: warning: SO_REUSEADDR: %s\n",
				prog, strerror(errno));
		make_addr(&sin, bind_addr, argv[0]);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			die("bind(%s:%s)", bind_addr ? bind_addr : "0.0.0.0",
			    argv[0]);
		if (listen(fd, 1) < 0)
			die("listen");
		show("listening on", fd, 0);
		do {
			conn = accept(fd, NULL, NULL);
		} while (conn < 0 && errno == EINTR);
		if (conn < 0)
			die("accept");
		close(fd);
		show("connection from", conn, 1);
		pump(conn, duplex);
		fd = conn;
	} else {
		if (argc != 2 || duplex)
			usage();
		if (bind_addr) {
			make_addr(&sin, bind_addr, "0");
			if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
				die("bind(%s)", bind_addr);
		}
		make_addr(&sin, argv[0], argv[1]);
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			die("connect(%s:%s)", argv[0], argv[1]);
		show("connected from", fd, 0);
		pump(fd, 1);
	}
	if (close(fd) < 0)
		die("close");
	return 0;
}
