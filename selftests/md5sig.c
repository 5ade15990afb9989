// SPDX-License-Identifier: GPL-2.0
/*
 * TCP MD5 signatures (RFC 2385) as Linux's TCP_MD5SIG: a connection
 * whose ends share a key carries data both ways; a wrong key, a key at
 * one end only, or none where one is expected, and the SYN is dropped
 * and counted (TCPMD5Failure, TCPMD5NotFound, TCPMD5Unexpected); keys
 * for a prefix (TCP_MD5SIG_EXT); the option's errnos.  Every test runs
 * on Linux TCP too.
 */
#include <sys/socket.h>
#include <netinet/tcp.h>

#include "xtcp_harness.h"

FIXTURE(md5) {
	int unused;
};

FIXTURE_SETUP(md5)
{
	XT_INIT();
}

FIXTURE_TEARDOWN(md5)
{
}

/*
 * A listener on 127.0.0.1 with @lkey (none if NULL) for @lip/@prefix,
 * and a client with @ckey for 127.0.0.1 connecting to it.  Returns the
 * connected server socket, or -1 if the handshake did not complete
 * within @ms; *c, *l: the client and the listener.
 */
static int md5_connect(const char *lkey, const char *lip, int prefix,
		       const char *ckey, int ms, int *c, int *l)
{
	struct sockaddr_in sa;
	uint16_t port = 0;

	*l = xt_socket();
	if (*l < 0 || (lkey && xt_md5_key(*l, lip, prefix, lkey)) ||
	    xt_bind(*l, XT_LOOP, 0) || listen(*l, 4))
		return -1;
	port = xt_local_port(*l);
	*c = xt_socket_flags(SOCK_NONBLOCK);
	if (*c < 0 || (ckey && xt_md5_key(*c, XT_LOOP, -1, ckey)))
		return -1;
	sa = xt_sa(XT_LOOP, port);
	if (connect(*c, (struct sockaddr *)&sa, sizeof(sa)) &&
	    errno != EINPROGRESS)
		return -1;
	if (xt_poll1(*l, POLLIN, ms) != POLLIN)
		return -1;
	return accept(*l, NULL, NULL);
}

/* Both ends share the key: 256 KB each way arrive whole. */
TEST_F(md5, signed_connection)
{
	static char buf[256 * 1024], got[256 * 1024];
	int c, l, s;

	s = md5_connect("secret-key", XT_LOOP, -1, "secret-key", 3000, &c,
			&l);
	ASSERT_LE(0, s) TH_LOG("handshake: %s", strerror(errno));
	ASSERT_OK(xt_set_nonblock(c, false));
	xt_pattern(buf, sizeof(buf), 1, 0);
	ASSERT_EQ((ssize_t)sizeof(buf), xt_send_all(c, buf, sizeof(buf)));
	ASSERT_EQ((ssize_t)sizeof(got), xt_recv_all(s, got, sizeof(got)));
	ASSERT_EQ(0, memcmp(buf, got, sizeof(buf)));
	xt_pattern(buf, sizeof(buf), 2, 0);
	ASSERT_EQ((ssize_t)sizeof(buf), xt_send_all(s, buf, sizeof(buf)));
	ASSERT_EQ((ssize_t)sizeof(got), xt_recv_all(c, got, sizeof(got)));
	ASSERT_EQ(0, memcmp(buf, got, sizeof(buf)));
	EXPECT_EQ(0, xt_mib("TCPMD5Failure"));
	EXPECT_EQ(0, xt_mib("TCPMD5NotFound"));
	EXPECT_EQ(0, xt_mib("TCPMD5Unexpected"));
	close(s);
	close(c);
	close(l);
}

/* The listener's key for 127.0.0.0/8 covers the client. */
TEST_F(md5, prefix_key)
{
	int c, l, s;

	s = md5_connect("k", "127.0.0.0", 8, "k", 3000, &c, &l);
	ASSERT_LE(0, s) TH_LOG("handshake: %s", strerror(errno));
	ASSERT_EQ(2, send(c, "hi", 2, 0));
	close(s);
	close(c);
	close(l);
}

/* A key at one end only, or two keys that differ: no connection. */
TEST_F(md5, mismatches)
{
	static const struct {
		const char *lkey, *ckey, *mib;
	} t[] = {
		{ "one", "two", "TCPMD5Failure" },
		{ "one", NULL, "TCPMD5NotFound" },
		{ NULL, "two", "TCPMD5Unexpected" },
	};
	unsigned int i;
	int c, l;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		long long before = xt_mib(t[i].mib);

		EXPECT_EQ(-1, md5_connect(t[i].lkey, XT_LOOP, -1, t[i].ckey,
					  300, &c, &l)) TH_LOG("case %u", i);
		EXPECT_EQ(TCP_SYN_SENT, xt_state(c)) TH_LOG("case %u", i);
		EXPECT_LT(before, xt_mib(t[i].mib)) TH_LOG("case %u: %s",
							   i, t[i].mib);
		close(c);
		close(l);
	}
}

/* Bounds and errnos, as tcp_v4_parse_md5_keys(). */
TEST_F(md5, option_errors)
{
	struct xt_md5sig m = {};
	struct sockaddr_in *sin = (struct sockaddr_in *)&m.addr;
	socklen_t len = sizeof(m);
	int fd = xt_socket();

	ASSERT_LE(0, fd);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	m.keylen = 4;
	ASSERT_ERRNO(setsockopt(fd, SOL_TCP, TCP_MD5SIG, &m, sizeof(m) - 1),
		     EINVAL);
	m.keylen = 81;
	ASSERT_ERRNO(setsockopt(fd, SOL_TCP, TCP_MD5SIG, &m, sizeof(m)),
		     EINVAL);
	m.keylen = 4;
	sin->sin_family = AF_INET6;
	ASSERT_ERRNO(setsockopt(fd, SOL_TCP, TCP_MD5SIG, &m, sizeof(m)),
		     EINVAL);
	sin->sin_family = AF_INET;
	m.flags = XT_MD5SIG_FLAG_PREFIX;
	m.prefixlen = 33;
	ASSERT_ERRNO(setsockopt(fd, SOL_TCP, TCP_MD5SIG_EXT, &m, sizeof(m)),
		     EINVAL);
	/* Without TCP_MD5SIG_EXT the flags are not read. */
	ASSERT_OK(setsockopt(fd, SOL_TCP, TCP_MD5SIG, &m, sizeof(m)));
	/* An interface must be a VRF's: lo is not. */
	m.flags = XT_MD5SIG_FLAG_IFINDEX;
	m.ifindex = 1;
	ASSERT_ERRNO(setsockopt(fd, SOL_TCP, TCP_MD5SIG_EXT, &m, sizeof(m)),
		     EINVAL);
	/* Length 0 deletes: the key set above, then nothing. */
	m.flags = 0;
	m.ifindex = 0;
	m.keylen = 0;
	ASSERT_OK(setsockopt(fd, SOL_TCP, TCP_MD5SIG, &m, sizeof(m)));
	ASSERT_ERRNO(setsockopt(fd, SOL_TCP, TCP_MD5SIG, &m, sizeof(m)),
		     ENOENT);
	/* There is nothing to read back. */
	ASSERT_ERRNO(getsockopt(fd, SOL_TCP, TCP_MD5SIG, &m, &len),
		     ENOPROTOOPT);
	close(fd);
}

TEST_HARNESS_MAIN
