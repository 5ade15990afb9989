// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of undoing needless window reductions (kmod/xtcp_undo.c):
 * the D-SACK count, Eifel detection, the window restored, and F-RTO's
 * verdicts, each as Linux's TCP decides it.
 */
#include "logic_test.h"

TEST(retrans_count)
{
	u8 v = xtcp_undo_retrans_init(0);

	CHECK_EQ(v, XTCP_UNDO_NONE, "%s", "nothing out: no D-SACK undo yet");
	CHECK_EQ(xtcp_undo_retrans_dsacked(v, 1), XTCP_UNDO_NONE, "%s",
		 "a D-SACK before any retransmission counts nothing");
	v = xtcp_undo_retrans_sent(v, 1);
	CHECK_EQ(v, 1, "%s", "the first retransmission");
	v = xtcp_undo_retrans_sent(v, 2);
	CHECK_EQ(v, 3, "%s", "a super-segment of two");
	v = xtcp_undo_retrans_dsacked(v, 2);
	CHECK_EQ(v, 1, "%s", "two reported duplicates");
	v = xtcp_undo_retrans_dsacked(v, 5);
	CHECK_EQ(v, 0, "%s", "never below 0");
	CHECK_EQ(xtcp_undo_retrans_dsacked(0, 1), 0, "%s", "0 stays");
	CHECK_EQ(xtcp_undo_retrans_init(4), 4, "%s", "4 still in flight");
	CHECK_EQ(xtcp_undo_retrans_init(1000), XTCP_UNDO_MANY, "%s",
		 "too many to count");
}

/* Past a byte's count, a D-SACK never brings it to 0: no false undo. */
TEST(retrans_many)
{
	u8 v = xtcp_undo_retrans_sent(XTCP_UNDO_NONE, XTCP_UNDO_MANY - 1);

	CHECK_EQ(v, XTCP_UNDO_MANY - 1, "%s", "the largest count");
	v = xtcp_undo_retrans_sent(v, 1);
	CHECK_EQ(v, XTCP_UNDO_MANY, "%s", "one more saturates");
	CHECK_EQ(xtcp_undo_retrans_dsacked(v, XTCP_UNDO_MANY), XTCP_UNDO_MANY,
		 "%s", "saturated stays");
	CHECK_EQ(xtcp_undo_retrans_sent(v, 1), XTCP_UNDO_MANY, "%s",
		 "and stays on sending");
}

TEST(prior_ssthresh)
{
	CHECK_EQ(xtcp_undo_prior_ssthresh(false, 10, 0x7fffffff), 0x7fffffff,
		 "%s", "slow start: infinite");
	CHECK_EQ(xtcp_undo_prior_ssthresh(false, 20, 7), 15, "%s",
		 "3/4 of the window");
	CHECK_EQ(xtcp_undo_prior_ssthresh(false, 10, 7), 7, "%s",
		 "3/4 of 10 is 7 (5 + 2, as Linux rounds)");
	CHECK_EQ(xtcp_undo_prior_ssthresh(true, 20, 7), 7, "%s",
		 "in a reduction: its ssthresh");
}

TEST(packet_delayed)
{
	/* The echo is older than the first retransmission: the original. */
	CHECK(xtcp_undo_packet_delayed(1000, true, 999, true, false), "%s",
	      "older echo");
	CHECK(!xtcp_undo_packet_delayed(1000, true, 1000, true, false), "%s",
	      "the retransmission's own TSval");
	CHECK(!xtcp_undo_packet_delayed(1000, true, 0, true, false), "%s",
	      "TSecr 0 echoes nothing");
	CHECK(!xtcp_undo_packet_delayed(1000, false, 999, true, false), "%s",
	      "no timestamp on the ACK");
	CHECK(xtcp_undo_packet_delayed(5, true, 0xfffffff0U, true, false),
	      "%s", "across the wrap");
	/* Nothing retransmitted yet: the original it was. */
	CHECK(xtcp_undo_packet_delayed(0, false, 0, true, true), "%s",
	      "SACK, none sent");
	CHECK(xtcp_undo_packet_delayed(0, false, 0, false, false), "%s",
	      "NewReno, in recovery");
	CHECK(!xtcp_undo_packet_delayed(0, false, 0, false, true), "%s",
	      "NewReno, recovered: its stamp was cleared, not unset");
}

TEST(may_undo)
{
	CHECK(!xtcp_may_undo(0, 0, true), "%s", "no episode");
	CHECK(xtcp_may_undo(1, 0, false), "%s", "all D-SACKed");
	CHECK(xtcp_may_undo(1, 2, true), "%s", "Eifel");
	CHECK(!xtcp_may_undo(1, 2, false), "%s", "two unreported");
	CHECK(!xtcp_may_undo(1, XTCP_UNDO_NONE, false), "%s", "none sent");
}

TEST(undo_window)
{
	u32 cwnd = 7, ssthresh = 7;

	CHECK(xtcp_undo_window(&cwnd, &ssthresh, 10, 0x7fffffff), "%s",
	      "ssthresh up");
	CHECK_EQ(cwnd, 10, "%s", "the window before the cut");
	CHECK_EQ(ssthresh, 0x7fffffff, "%s", "ssthresh before the cut");

	cwnd = 14;
	ssthresh = 7;
	CHECK(xtcp_undo_window(&cwnd, &ssthresh, 10, 8), "%s", "ssthresh 8");
	CHECK_EQ(cwnd, 14, "%s", "a window that grew since stays");

	cwnd = 5;
	ssthresh = 9;
	CHECK(!xtcp_undo_window(&cwnd, &ssthresh, 10, 8), "%s",
	      "ssthresh already higher");
	CHECK_EQ(ssthresh, 9, "%s", "kept");
	CHECK_EQ(cwnd, 10, "%s", "the window still restored");

	cwnd = 5;
	ssthresh = 5;
	CHECK(!xtcp_undo_window(&cwnd, &ssthresh, 10, 0), "%s",
	      "ECN: the reduction stands");
	CHECK_EQ(cwnd, 5, "%s", "cwnd kept");
	CHECK_EQ(ssthresh, 5, "%s", "ssthresh kept");
}

TEST(frto)
{
	/* orig_acked, sent_new, sacked_or_dup, advanced, recovered, can_send */
	CHECK_EQ(xtcp_frto_ack(true, false, false, true, false, true),
		 XTCP_FRTO_UNDO, "%s", "an original acknowledged: spurious");
	CHECK_EQ(xtcp_frto_ack(true, true, true, true, false, true),
		 XTCP_FRTO_UNDO, "%s", "step 3b wins over 3a");
	CHECK_EQ(xtcp_frto_ack(false, false, false, true, false, true),
		 XTCP_FRTO_SEND_NEW, "%s", "step 2b: new data next");
	CHECK_EQ(xtcp_frto_ack(false, false, false, true, false, false),
		 XTCP_FRTO_LOSS, "%s", "2b with nothing new to send");
	CHECK_EQ(xtcp_frto_ack(false, true, true, false, false, true),
		 XTCP_FRTO_LOSS, "%s", "step 3a: a duplicate after new data");
	CHECK_EQ(xtcp_frto_ack(false, true, false, true, false, true),
		 XTCP_FRTO_WAIT, "%s", "new data out, the ACK says nothing yet");
	CHECK_EQ(xtcp_frto_ack(false, false, true, false, false, true),
		 XTCP_FRTO_WAIT, "%s", "a duplicate before any new data");
	CHECK_EQ(xtcp_frto_ack(false, false, false, true, true, true),
		 XTCP_FRTO_WAIT, "%s", "everything acknowledged");
}

TEST_HARNESS_MAIN
