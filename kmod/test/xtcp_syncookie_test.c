// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of SYN cookies' logic (kmod/xtcp_syncookie.c): when a
 * listener sends one, and the options its timestamp carries, each case as
 * Linux's tcp_conn_request(), cookie_init_timestamp() and
 * cookie_timestamp_decode() answer it.
 */
#include "logic_test.h"

TEST(verdict)
{
	/* 1, the default: only once the queue holds more than the backlog. */
	CHECK_EQ(xtcp_syn_verdict(1, 0, 128), XTCP_SYN_QUEUE, "%s", "empty");
	CHECK_EQ(xtcp_syn_verdict(1, 128, 128), XTCP_SYN_QUEUE, "%s",
		 "at the backlog");
	CHECK_EQ(xtcp_syn_verdict(1, 129, 128), XTCP_SYN_COOKIE, "%s",
		 "over it");
	CHECK_EQ(xtcp_syn_verdict(1, 2, 1), XTCP_SYN_COOKIE, "%s",
		 "backlog 1, two pending");
	/* Off: a full queue drops the SYN. */
	CHECK_EQ(xtcp_syn_verdict(0, 129, 128), XTCP_SYN_DROP, "%s", "off");
	CHECK_EQ(xtcp_syn_verdict(0, 3, 128), XTCP_SYN_QUEUE, "%s",
		 "off, room");
	/* 2: always, room or not. */
	CHECK_EQ(xtcp_syn_verdict(2, 0, 128), XTCP_SYN_COOKIE, "%s", "2");
	/* Linux's knob is a u8: any other value is 1. */
	CHECK_EQ(xtcp_syn_verdict(3, 0, 128), XTCP_SYN_QUEUE, "%s", "3, room");
	CHECK_EQ(xtcp_syn_verdict(255, 200, 128), XTCP_SYN_COOKIE, "%s",
		 "255, full");
}

TEST(tsval)
{
	struct xtcp_cookie_opts o = { .wscale_ok = true, .wscale = 7,
				      .sack_ok = true, .ecn_ok = false };

	/* Window scale 7 and SACK: 0x17 in the low 6 bits. */
	CHECK_EQ(xtcp_cookie_tsval(1000000 + 0x3f, &o) & 0x3f, 0x17U, "%s",
		 "the bits");
	CHECK_EQ(xtcp_cookie_tsval(0x12345640 + 0x20, &o), 0x12345657U, "%s",
		 "the clock's high bits kept");
	/* Never ahead of the clock: a minute's 64 ms back if need be. */
	CHECK_EQ(xtcp_cookie_tsval(0x12345640 + 0x10, &o), 0x12345617U, "%s",
		 "64 ms back");
	CHECK_EQ(xtcp_cookie_tsval(0x12345657, &o), 0x12345657U, "%s",
		 "exactly now");
	CHECK_EQ(xtcp_cookie_tsval(5, &o), 0xffffffd7U, "%s",
		 "back across 0");
	/* No window scaling: all four bits set; ECN the sixth. */
	o.wscale_ok = false;
	o.sack_ok = false;
	o.ecn_ok = true;
	CHECK_EQ(xtcp_cookie_tsval(0x1000, &o), 0x1000U - 64 + 0x2f, "%s",
		 "no scaling, ECN");
}

TEST(decode)
{
	struct xtcp_cookie_opts o;

	CHECK(xtcp_cookie_ts_decode(0x12345617, true, true, &o), "%s",
	      "scale 7, SACK");
	CHECK(o.wscale_ok && o.wscale == 7 && o.sack_ok && !o.ecn_ok, "%s",
	      "scale 7, SACK: fields");
	CHECK(xtcp_cookie_ts_decode(0x2f, true, true, &o), "%s", "ECN only");
	CHECK(!o.wscale_ok && !o.sack_ok && o.ecn_ok, "%s", "ECN: fields");
	CHECK(xtcp_cookie_ts_decode(0x00, true, true, &o), "%s", "scale 0");
	CHECK(o.wscale_ok && o.wscale == 0, "%s", "scale 0: fields");
	/* What this host no longer allows refuses the cookie. */
	CHECK(!xtcp_cookie_ts_decode(0x17, false, true, &o), "%s",
	      "SACK now off");
	CHECK(!xtcp_cookie_ts_decode(0x17, true, false, &o), "%s",
	      "scaling now off");
	CHECK(xtcp_cookie_ts_decode(0x0f, false, false, &o), "%s",
	      "nothing asked, nothing allowed");
}

/* What the SYN-ACK's timestamp says comes back from the ACK's echo. */
TEST(round_trip)
{
	u32 now;
	int w;

	for (now = 0; now < 200; now += 7) {
		for (w = -1; w <= 14; w++) {
			struct xtcp_cookie_opts in = {
				.wscale_ok = w >= 0, .wscale = w < 0 ? 0 : w,
				.sack_ok = w & 1, .ecn_ok = w & 2,
			}, out;
			u32 ts = xtcp_cookie_tsval(now, &in);

			CHECK(xtcp_cookie_ts_decode(ts, true, true, &out),
			      "now %u w %d", now, w);
			CHECK(out.wscale_ok == in.wscale_ok &&
			      out.wscale == in.wscale &&
			      out.sack_ok == in.sack_ok &&
			      out.ecn_ok == in.ecn_ok, "now %u w %d", now, w);
			CHECK(now - ts < 64, "now %u w %d: %u", now, w, ts);
		}
	}
}

TEST_HARNESS_MAIN
