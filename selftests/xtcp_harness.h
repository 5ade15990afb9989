/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kselftest_harness.h plus the XTCP helpers, and the few macros every test
 * program shares.  ASSERT_*()/EXPECT_*() may only be used by the thread
 * running the test: helper threads report through struct fields instead.
 */
#ifndef XTCP_SELFTEST_HARNESS_H
#define XTCP_SELFTEST_HARNESS_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

/* The harness itself has unused parameters; we build with -Wextra. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

/*
 * Every test takes well under a second on Linux TCP, a few under QEMU's
 * emulation: 15 s (not the harness's 30) keeps a run against a module
 * that hangs from taking hours.  Slower tests say so with TEST_F_TIMEOUT.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 15
#include "xtcp_lib.h"

/* Fresh netns + family check; fails the test with the reason. */
#define XT_INIT() do {							\
	char __why[256] = "";						\
	int __r = xt_test_init(__why, sizeof(__why));			\
	ASSERT_EQ(0, __r) TH_LOG("setup: %s", __why);			\
} while (0)

/* Tests of what only XTCP has skip when the family is Linux TCP. */
#define XT_XTCP_ONLY() do {						\
	if (xt_inet())							\
		SKIP(return, "XTCP only (XTCP_TEST_FAMILY=inet)");	\
} while (0)

/* ASSERT that a call failed with exactly this errno. */
#define ASSERT_ERRNO(call, err) do {					\
	errno = 0;							\
	long __r = (long)(call);					\
	int __e = errno;						\
	ASSERT_EQ(-1, __r) TH_LOG("%s succeeded (%ld), wanted %s",	\
				  #call, __r, strerror(err));		\
	ASSERT_EQ(err, __e) TH_LOG("%s: errno %d (%s), wanted %d (%s)", \
				   #call, __e, strerror(__e), err,	\
				   strerror(err));			\
} while (0)

/* ASSERT that a call returned 0 (or >= 0 for _OK_FD), logging errno. */
#define ASSERT_OK(call) do {						\
	errno = 0;							\
	long __r = (long)(call);					\
	ASSERT_EQ(0, __r) TH_LOG("%s: %s", #call, strerror(errno));	\
} while (0)

#define ASSERT_STATE(fd, st) do {					\
	int __s = xt_state(fd);						\
	ASSERT_EQ(st, __s) TH_LOG("fd %d: tcpi_state %d (%s), wanted %d (%s)", \
				  fd, __s, xtcp_state_name(__s), st,	\
				  xtcp_state_name(st));			\
} while (0)

#endif /* XTCP_SELFTEST_HARNESS_H */
