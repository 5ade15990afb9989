// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the listener's Fast Open verdict (kmod/xtcp_fastopen.c),
 * each case as Linux's tcp_try_fastopen() decides it.
 */
#include "logic_test.h"

#define SRV	(XTCP_TFO_CLIENT_ENABLE | XTCP_TFO_SERVER_ENABLE)

struct tfo_case {
	int line;
	struct xtcp_tfo_syn s;
	enum xtcp_tfo_verdict want;
	bool reqd, overflow, fail;
};

static const struct tfo_case cases[] = {
	/* A request: the SYN-ACK carries our cookie. */
	{ __LINE__, { .sysctl = SRV, .max_qlen = 5, .fo_ok = true },
	  XTCP_TFO_COOKIE, true, false, false },
	/* A valid cookie, with data or without: a Fast Open child. */
	{ __LINE__, { .sysctl = SRV, .max_qlen = 5, .fo_ok = true,
		      .fo_len = 8, .cookie_valid = true, .syn_data = true },
	  XTCP_TFO_ACCEPT, false, false, false },
	{ __LINE__, { .sysctl = SRV, .max_qlen = 5, .fo_ok = true,
		      .fo_len = 8, .cookie_valid = true },
	  XTCP_TFO_ACCEPT, false, false, false },
	/* A cookie not ours: the data waits, the right cookie goes back. */
	{ __LINE__, { .sysctl = SRV, .max_qlen = 5, .fo_ok = true,
		      .fo_len = 8, .syn_data = true },
	  XTCP_TFO_COOKIE, false, false, true },
	/* Data without the option: a plain handshake. */
	{ __LINE__, { .sysctl = SRV, .max_qlen = 5, .syn_data = true },
	  XTCP_TFO_NONE, false, false, false },
	/* ... unless no cookie is needed, by sysctl or by socket option. */
	{ __LINE__, { .sysctl = SRV | XTCP_TFO_SERVER_COOKIE_NOT_REQD,
		      .max_qlen = 5, .syn_data = true },
	  XTCP_TFO_ACCEPT, false, false, false },
	{ __LINE__, { .sysctl = SRV, .max_qlen = 5, .no_cookie = true,
		      .syn_data = true },
	  XTCP_TFO_ACCEPT, false, false, false },
	/* Neither data nor the option: nothing to do with Fast Open. */
	{ __LINE__, { .sysctl = SRV | XTCP_TFO_SERVER_COOKIE_NOT_REQD,
		      .max_qlen = 5 },
	  XTCP_TFO_NONE, false, false, false },
	/* Server side off: the request is counted, nothing else. */
	{ __LINE__, { .sysctl = XTCP_TFO_CLIENT_ENABLE, .max_qlen = 5,
		      .fo_ok = true },
	  XTCP_TFO_NONE, true, false, false },
	/* A listener without TCP_FASTOPEN. */
	{ __LINE__, { .sysctl = SRV, .fo_ok = true, .fo_len = 8,
		      .cookie_valid = true, .syn_data = true },
	  XTCP_TFO_NONE, false, false, false },
	/* Its queue full: an overflow, and no cookie either (as Linux). */
	{ __LINE__, { .sysctl = SRV, .max_qlen = 2, .qlen = 2,
		      .fo_ok = true },
	  XTCP_TFO_NONE, true, true, false },
	{ __LINE__, { .sysctl = SRV, .max_qlen = 2, .qlen = 1, .fo_ok = true,
		      .fo_len = 8, .cookie_valid = true, .syn_data = true },
	  XTCP_TFO_ACCEPT, false, false, false },
};

TEST(passive)
{
	struct xtcp_tfo_events ev;
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		const struct tfo_case *c = &cases[i];

		CHECK_EQ(xtcp_tfo_passive(&c->s, &ev), c->want, "line %d",
			 c->line);
		CHECK_EQ(ev.cookie_reqd, c->reqd, "line %d", c->line);
		CHECK_EQ(ev.overflow, c->overflow, "line %d", c->line);
		CHECK_EQ(ev.passive_fail, c->fail, "line %d", c->line);
	}
}

TEST_HARNESS_MAIN
