// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of PRR and RACK-TLP (kmod/xtcp_rack.c).
 */
#include "logic_test.h"

/* Proportional Rate Reduction, RFC 6937's two regimes. */
TEST(prr)
{
	/* 20 out at the loss, ssthresh 10: send 1 for every 2 delivered. */
	CHECK_EQ(xtcp_prr_cwnd(17, 10, 20, 1, 1, 1), 17, "%s",
		 "fast retransmit already sent: nothing more");
	CHECK_EQ(xtcp_prr_cwnd(16, 10, 20, 2, 1, 1), 16, "%s",
		 "ceil(2 * 10 / 20) = 1 sent");
	CHECK_EQ(xtcp_prr_cwnd(15, 10, 20, 3, 1, 1), 16, "%s",
		 "ceil(3 * 10 / 20) = 2: one more");
	CHECK_EQ(xtcp_prr_cwnd(12, 10, 20, 10, 5, 4), 12, "%s",
		 "on schedule: nothing");
	CHECK_EQ(xtcp_prr_cwnd(12, 10, 20, 14, 5, 4), 14, "%s",
		 "ceil(14 * 10 / 20) = 7: two more");
	/* At or below ssthresh: slow start back, at most delivered + 1. */
	CHECK_EQ(xtcp_prr_cwnd(8, 10, 20, 14, 7, 1), 10, "%s",
		 "up to ssthresh");
	CHECK_EQ(xtcp_prr_cwnd(9, 10, 20, 5, 5, 1), 10, "%s",
		 "one short of ssthresh");
	CHECK_EQ(xtcp_prr_cwnd(4, 10, 20, 5, 5, 0), 5, "%s",
		 "nothing delivered: one segment");
	CHECK_EQ(xtcp_prr_cwnd(2, 10, 20, 9, 5, 2), 7, "%s",
		 "bounded by prr_delivered - prr_out + 1");
	/* The first transmission of recovery always goes. */
	CHECK_EQ(xtcp_prr_cwnd(15, 10, 20, 0, 0, 0), 16, "%s",
		 "fast retransmit");
	CHECK_EQ(xtcp_prr_cwnd(15, 10, 0, 0, 0, 0), 16, "%s",
		 "recover_fs 0 does not divide by zero");
	CHECK_EQ(xtcp_prr_cwnd(0xfffffff0U, 0x7fffffffU, 0xffffffffU,
			       0xffffffffU, 0, 1), 0xffffffffU, "%s",
		 "saturates");
}

TEST(rack_tlp)
{
	struct xtcp_rtt_est e;

	CHECK(xtcp_rack_sent_after(2000, 100, 1000, 200), "%s", "later time");
	CHECK(!xtcp_rack_sent_after(1000, 200, 2000, 100), "%s", "earlier time");
	CHECK(xtcp_rack_sent_after(1000, 200, 1000, 100), "%s", "tie: higher seq");
	CHECK(!xtcp_rack_sent_after(1000, 100, 1000, 100), "%s", "same segment");
	CHECK(xtcp_rack_sent_after(5, 1, 0xfffffff0U, 1), "%s", "clock wrapped");

	CHECK_EQ(xtcp_rack_reo_wnd(40000, 50000, false, false, 2, 0), 10000,
		 "%s", "min_rtt / 4");
	CHECK_EQ(xtcp_rack_reo_wnd(40000, 8000, false, false, 0, 0), 8000,
		 "%s", "at most srtt");
	CHECK_EQ(xtcp_rack_reo_wnd(40000, 50000, true, false, 0, 0), 10000,
		 "%s", "reordering seen: still one step");
	CHECK_EQ(xtcp_rack_reo_wnd(40000, 50000, true, false, 0, 2), 30000,
		 "%s", "three steps");
	CHECK_EQ(xtcp_rack_reo_wnd(40000, 50000, true, false, 0, 0xfe), 50000,
		 "%s", "many steps: srtt");
	CHECK_EQ(xtcp_rack_reo_wnd(40000, 50000, false, false, 3, 0), 0, "%s",
		 "DupThresh SACKed: no window");
	CHECK_EQ(xtcp_rack_reo_wnd(40000, 50000, false, true, 0, 0), 0, "%s",
		 "in recovery: no window");
	CHECK_EQ(xtcp_rack_reo_wnd(40000, 50000, true, true, 9, 0), 10000,
		 "%s", "reordering seen: the window stays in recovery");

	CHECK_EQ(xtcp_rack_time_left(1000, 1000, 500, 100), 600, "%s",
		 "just sent: rtt + reo_wnd to go");
	CHECK_EQ(xtcp_rack_time_left(1000, 1599, 500, 100), 1, "%s",
		 "one microsecond to go");
	CHECK_EQ(xtcp_rack_time_left(1000, 1600, 500, 100), 0, "%s",
		 "lost at the deadline");
	CHECK_EQ(xtcp_rack_time_left(0xffffff00U, 0x100, 0x100, 0), 0, "%s",
		 "lost across the wrap");
	CHECK_EQ(xtcp_rack_time_left(0, 0, 0xffffffffU, 0xffffffffU),
		 0xffffffffU, "%s", "deadline beyond 32 bits saturates");

	CHECK_EQ(xtcp_tlp_pto(10000, 5, 1000000), 20000, "%s", "2 srtt");
	CHECK_EQ(xtcp_tlp_pto(10000, 1, 1000000), 220000, "%s",
		 "one out: + delayed ACK");
	CHECK_EQ(xtcp_tlp_pto(1000, 5, 1000000), 10000, "%s", "10 ms floor");
	CHECK_EQ(xtcp_tlp_pto(300000, 5, 400000), 400000, "%s",
		 "not after the RTO");

	/* Delivery rate: 10 segments of 1000 bytes in 10 ms = 1 MB/s. */
	CHECK_EQ(xtcp_delivery_rate(10, 1000, 10000, 5000, 2000), 1000000,
		 "%s", "the longer phase: sending");
	CHECK_EQ(xtcp_delivery_rate(10, 1000, 5000, 20000, 2000), 500000,
		 "%s", "the longer phase: ACKs");
	CHECK_EQ(xtcp_delivery_rate(10, 1000, 1000, 1000, 2000), 0, "%s",
		 "shorter than a round trip: no sample");
	CHECK_EQ(xtcp_delivery_rate(0, 1000, 10000, 10000, 0), 0, "%s",
		 "nothing delivered");
	CHECK_EQ(xtcp_delivery_rate(0xffffffffU, 0xffffU, 1, 0, 0),
		 0xffffffffULL * 0xffff * 1000000, "%s", "no overflow");

	/* The RTT estimator keeps the smallest sample for RACK. */
	xtcp_rtt_init(&e);
	CHECK_EQ(e.min_rtt_us, 0, "%s", "none yet");
	xtcp_rtt_sample(&e, 3000);
	xtcp_rtt_sample(&e, 1000);
	xtcp_rtt_sample(&e, 2000);
	CHECK_EQ(e.min_rtt_us, 1000, "%s", "min of 3000, 1000, 2000");
}

/* The steps grow on D-SACKs, once per round trip, and wear off. */
TEST(rack_reo_steps)
{
	struct xtcp_rack_reo r = { 0 };
	int i;

	xtcp_rack_reo_update(&r, 100, 200);
	CHECK_EQ(r.extra_steps, 0, "%s", "no D-SACK: one step");
	r.dsack_seen = 1;
	xtcp_rack_reo_update(&r, 0, 200);
	CHECK_EQ(r.extra_steps, 0, "%s", "no delivery: no update");
	CHECK_EQ(r.dsack_seen, 1, "%s", "still pending");
	xtcp_rack_reo_update(&r, 150, 200);
	CHECK_EQ(r.extra_steps, 1, "%s", "a D-SACK: a step more");
	CHECK_EQ(r.last_delivered, 200, "%s", "when");
	CHECK_EQ(r.persist, XTCP_RACK_RECOVERY_THRESH, "%s", "persists");
	r.dsack_seen = 1;
	xtcp_rack_reo_update(&r, 199, 210);
	CHECK_EQ(r.extra_steps, 1, "%s", "within the round trip: dropped");
	CHECK_EQ(r.dsack_seen, 0, "%s", "and forgotten");
	r.dsack_seen = 1;
	xtcp_rack_reo_update(&r, 205, 300);
	CHECK_EQ(r.extra_steps, 2, "%s", "the next round trip: a step more");
	/* Across the 16-bit wrap of the delivered count. */
	r.last_delivered = 0xfff0;
	r.dsack_seen = 1;
	xtcp_rack_reo_update(&r, 0x10010, 0x10020);
	CHECK_EQ(r.extra_steps, 3, "%s", "after the wrap");

	for (i = 0; i < XTCP_RACK_RECOVERY_THRESH - 1; i++)
		xtcp_rack_reo_recovered(&r, false);
	xtcp_rack_reo_update(&r, 0x10030, 0x10040);
	CHECK_EQ(r.extra_steps, 3, "%s", "one recovery left");
	xtcp_rack_reo_recovered(&r, false);
	xtcp_rack_reo_update(&r, 0x10050, 0x10060);
	CHECK_EQ(r.extra_steps, 0, "%s", "16 recoveries: back to one step");

	xtcp_rack_reo_recovered(&r, true);
	CHECK_EQ(r.persist, 1, "%s", "an undo by D-SACK persists");
	r.persist = XTCP_RACK_RECOVERY_THRESH;
	xtcp_rack_reo_recovered(&r, true);
	CHECK_EQ(r.persist, XTCP_RACK_RECOVERY_THRESH, "%s", "at most 16");
}

TEST_HARNESS_MAIN
