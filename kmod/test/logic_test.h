/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every unit test of XTCP's pure logic (kmod/xtcp_*.c) shares: the
 * kernel's kselftest_harness.h, and CHECK() and CHECK_EQ() on top of it.
 * Each xtcp_NAME_test.c tests kmod/xtcp_NAME.c (xtcp_seq_test.c the
 * inline helpers of kmod/xtcp_seq.h); "make run" runs them all.
 */
#ifndef XTCP_LOGIC_TEST_H
#define XTCP_LOGIC_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"

#include "../xtcp_logic.h"

/*
 * CHECK(cond, "context fmt", args...) and CHECK_EQ(got, want, ...): a
 * failed check fails the test, and says where and in which case; the
 * test goes on to its other cases (the harness's EXPECT, not ASSERT).
 */
#define CHECK(cond, ...) EXPECT_TRUE(cond) TH_LOG(__VA_ARGS__)
#define CHECK_EQ(got, want, ...)					\
	EXPECT_EQ((unsigned long long)(want), (unsigned long long)(got))	\
		TH_LOG(__VA_ARGS__)

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif /* XTCP_LOGIC_TEST_H */
