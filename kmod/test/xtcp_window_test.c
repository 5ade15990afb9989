// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of acceptability, the receive window and buffer autotuning (kmod/xtcp_window.c).
 */
#include "logic_test.h"

TEST(select_window)
{
	static const struct {
		u32 free, cur, mss, max, want;
	} t[] = {
		/* 65536 capped at 65535, then 44 * 1460 = 64240. */
		{ 65536, 0, 1460, 65535, 64240 },
		{ 10000, 0, 1460, 65535, 8760 },	/* 6 * 1460 */
		{ 1460, 0, 1460, 65535, 1460 },
		{ 2919, 0, 1460, 65535, 1460 },
		{ 2920, 0, 1460, 65535, 2920 },
		/* Below one MSS the value is kept as it is. */
		{ 1459, 0, 1460, 65535, 1459 },
		{ 100, 0, 1460, 65535, 100 },
		{ 0, 0, 1460, 65535, 0 },
		/* Never below what is left of the last window. */
		{ 100, 5000, 1460, 65535, 5000 },
		{ 0, 5000, 1460, 65535, 5000 },
		{ 10000, 9000, 1460, 65535, 9000 },	/* 8760 < 9000 */
		{ 10000, 8760, 1460, 65535, 8760 },
		{ 10000, 100, 1460, 65535, 8760 },
		{ 1000, 999, 1460, 65535, 1000 },
		/* Scaled: max = 65535 << 7 = 8388480. */
		{ 3000000, 0, 1460, 8388480, 2998840 },	/* 2054 * 1460 */
		{ 10000000, 0, 1460, 8388480, 8387700 },	/* 5745 * 1460 */
		{ 0xffffffffU, 0, 1460, 65535U << 14, 1073724880 },
		/* Never above max, even if cur is (it cannot be). */
		{ 100, 70000, 1460, 65535, 65535 },
		/* Loopback MSS 65483 fits once in 65535. */
		{ 131072, 0, 65483, 65535, 65483 },
		{ 65536, 0, 65483, 65535U << 7, 65483 },
		{ 65000, 0, 65483, 65535U << 7, 65000 },
		/* mss > max: no room for a whole segment, take max. */
		{ 70000, 0, 100000, 65535, 65535 },
		/* mss 0 means no rounding. */
		{ 1000, 0, 0, 65535, 1000 },
		/*
		 * As a scaled window is chosen (mss 0): the free space as it
		 * is, not a multiple of the 64 KB loopback MSS, and still
		 * never below what is left of the last window.
		 */
		{ 5473800, 0, 0, 65535U << 7, 5473800 },
		{ 5473800, 5500000, 0, 65535U << 7, 5500000 },
		{ 0xffffffffU, 0, 1, 0xffffffffU, 0xffffffffU },
		{ 0, 0, 0, 0, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(t); i++) {
		CHECK_EQ(xtcp_select_window(t[i].free, t[i].cur, t[i].mss,
					    t[i].max),
			 t[i].want, "case %u", i);
	}
}

TEST(select_wscale)
{
	CHECK_EQ(xtcp_select_wscale(0), 0, "%s", "");
	CHECK_EQ(xtcp_select_wscale(65535), 0, "%s", "");
	CHECK_EQ(xtcp_select_wscale(65536), 1, "%s", "");
	CHECK_EQ(xtcp_select_wscale(131071), 1, "%s", "");
	CHECK_EQ(xtcp_select_wscale(131072), 2, "%s", "");
	CHECK_EQ(xtcp_select_wscale(212992), 2, "%s", "");	/* rmem_default */
	CHECK_EQ(xtcp_select_wscale(6291456), 7, "%s", "");	/* tcp_rmem[2] */
	CHECK_EQ(xtcp_select_wscale(1U << 29), 14, "%s", "");
	CHECK_EQ(xtcp_select_wscale(0xffffffffU), 14, "%s", "");	/* clamped */
}

/*
 * The payload share of the receive buffer, as Linux's scaling_ratio, of
 * one segment: an update from the largest ratio takes it as it is.
 */
TEST(rcv_ratio)
{
	CHECK_EQ(xtcp_rcv_ratio_update(255, 1448, 4352), 85, "%s",
		 "a 1448-byte segment in a 4 KB allocation: a third");
	CHECK_EQ(xtcp_rcv_ratio_update(255, 1448, 2896), 128, "%s", "half");
	CHECK_EQ(xtcp_rcv_ratio_update(255, 65536, 66000), 254, "%s", "almost all");
	CHECK_EQ(xtcp_rcv_ratio_update(255, 70000, 66000), 255, "%s", "at most 255");
	CHECK_EQ(xtcp_rcv_ratio_update(255, 1, 100000), 1, "%s", "at least 1");
	CHECK_EQ(xtcp_rcv_ratio_update(255, 1448, 0), XTCP_RCV_RATIO_DEFAULT, "%s",
		 "no truesize: the default");
	CHECK_EQ(xtcp_rcv_ratio_update(200, 1448, 4352), 85, "%s",
		 "a lower ratio at once");
	CHECK_EQ(xtcp_rcv_ratio_update(85, 65160, 66560), 106, "%s",
		 "a higher one an eighth of the way");
	CHECK_EQ(xtcp_rcv_ratio_update(254, 65160, 65536), 254, "%s",
		 "unchanged");
	CHECK_EQ(xtcp_rcv_ratio_update(254, 65535, 65535), 255, "%s",
		 "the last step up is whole");
	CHECK_EQ(xtcp_space_to_window(100000, 128), 50000, "%s", "half");
	CHECK_EQ(xtcp_space_to_window(100000, 85), 33203, "%s", "a third");
	CHECK_EQ(xtcp_space_to_window(0xffffffffU, 255), 0xfeffffffU, "%s",
		 "no overflow");
}

/* The receive window's slow start, as Linux's tcp_grow_window(). */
TEST(rcv_ssthresh_grow)
{
	CHECK_EQ(xtcp_rcv_ssthresh_grow(64240, 100000, 4096, 5000, 200, 1448,
					1460, 6291456), 64240 + 8192, "%s",
		 "a well-packed skb: twice the segment, more than two MSS");
	CHECK_EQ(xtcp_rcv_ssthresh_grow(64240, 100000, 100, 100, 255, 1448,
					1460, 6291456), 64240 + 2920, "%s",
		 "a small one: two advertised MSS");
	CHECK_EQ(xtcp_rcv_ssthresh_grow(64240, 66000, 4096, 5000, 200, 1448,
					1460, 6291456), 66000, "%s",
		 "up to the limit");
	CHECK_EQ(xtcp_rcv_ssthresh_grow(64240, 60000, 4096, 5000, 200, 1448,
					1460, 6291456), 64240, "%s",
		 "never down, however low the limit");
	CHECK_EQ(xtcp_rcv_ssthresh_grow(64240, 100000, 1448, 4352, 200, 1448,
					1460, 6291456), 64240 + 2896, "%s",
		 "a poorly packed one while the threshold is small: two received MSS");
	CHECK_EQ(xtcp_rcv_ssthresh_grow(2000000, 3000000, 1448, 4352, 200,
					1448, 1460, 6291456), 2000000, "%s",
		 "and not once it is large");
}

TEST(rcv_rtt_update)
{
	CHECK_EQ(xtcp_rcv_rtt_update(0, 40000, false), 40000, "%s",
		 "the first sample");
	CHECK_EQ(xtcp_rcv_rtt_update(0, 40000, true), 40000, "%s",
		 "the first sample, from the window");
	CHECK_EQ(xtcp_rcv_rtt_update(40000, 30000, false), 30000, "%s",
		 "a lower one is taken");
	CHECK_EQ(xtcp_rcv_rtt_update(40000, 30000, true), 30000, "%s",
		 "a lower one from the window too");
	CHECK_EQ(xtcp_rcv_rtt_update(40000, 48000, false), 41000, "%s",
		 "a higher one: an eighth of the way");
	CHECK_EQ(xtcp_rcv_rtt_update(40000, 48000, true), 40000, "%s",
		 "a higher one from the window: ignored");
	CHECK_EQ(xtcp_rcv_rtt_update(0xfffffff8U, 0xffffffffU, false),
		 0xfffffff8U, "%s", "no overflow");
}

TEST(autotune)
{
	/* 100 KB read last round trip, 50 KB before: it doubled. */
	CHECK_EQ(xtcp_drs_rcvbuf(100000, 50000, 1460, 128, 6291456),
		 (2 * 100000 + 16 * 1460) * 3 * 2, "%s",
		 "2 x copied + 16 MSS, plus twice the growth, at half payload");
	CHECK_EQ(xtcp_drs_rcvbuf(100000, 100000, 1460, 256, 6291456),
		 2 * 100000 + 16 * 1460, "%s", "no growth, all payload");
	CHECK_EQ(xtcp_drs_rcvbuf(4000000, 1000000, 65483, 200, 6291456),
		 6291456, "%s", "at most rmem_max");
	CHECK_EQ(xtcp_drs_rcvbuf(1000, 0, 1000, 0, 1U << 30),
		 (2 * 1000 + 16 * 1000) * 256, "%s", "no ratio: as if 1/256");
	CHECK_EQ(xtcp_sndbuf_for_cwnd(4, 4096, 4194304), 2 * 10 * 4096,
		 "%s", "never below the initial window");
	CHECK_EQ(xtcp_sndbuf_for_cwnd(40, 4096, 4194304), 2 * 40 * 4096,
		 "%s", "two windows");
	CHECK_EQ(xtcp_sndbuf_for_cwnd(0xffffffffU, 4096, 4194304), 4194304,
		 "%s", "at most wmem_max, no overflow");
}

TEST(ack_verdict)
{
	/* SND.UNA 10000, SND.NXT 20000, the peer offered 5000 at most. */
	CHECK_EQ(xtcp_ack_verdict(10000, 10000, 20000, 5000, 8000),
		 XTCP_ACK_OK, "%s", "SEG.ACK = SND.UNA");
	CHECK_EQ(xtcp_ack_verdict(20000, 10000, 20000, 5000, 8000),
		 XTCP_ACK_OK, "%s", "SEG.ACK = SND.NXT");
	CHECK_EQ(xtcp_ack_verdict(20001, 10000, 20000, 5000, 8000),
		 XTCP_ACK_UNSENT, "%s", "beyond SND.NXT");
	CHECK_EQ(xtcp_ack_verdict(5000, 10000, 20000, 5000, 8000),
		 XTCP_ACK_OLD, "%s", "SND.UNA - MAX.SND.WND: old, accepted");
	CHECK_EQ(xtcp_ack_verdict(4999, 10000, 20000, 5000, 8000),
		 XTCP_ACK_TOO_OLD, "%s", "one below: too old");
	CHECK_EQ(xtcp_ack_verdict(9000, 10000, 20000, 5000, 999),
		 XTCP_ACK_TOO_OLD, "%s",
		 "below what was ever acknowledged: too old");
	CHECK_EQ(xtcp_ack_verdict(9001, 10000, 20000, 5000, 999),
		 XTCP_ACK_OLD, "%s", "within the bytes acknowledged");
	CHECK_EQ(xtcp_ack_verdict(9999, 10000, 20000, 5000, 0),
		 XTCP_ACK_TOO_OLD, "%s", "nothing acknowledged yet");
	/* Across the wrap. */
	CHECK_EQ(xtcp_ack_verdict(0xfffffff0U, 0x10, 0x100, 0x1000, 1U << 20),
		 XTCP_ACK_OLD, "%s", "old, across zero");
	CHECK_EQ(xtcp_ack_verdict(0x20, 0xfffffff0U, 0x10, 0x1000, 1U << 20),
		 XTCP_ACK_UNSENT, "%s", "unsent, across zero");
	CHECK_EQ(xtcp_ack_verdict(0x5, 0xfffffff0U, 0x10, 0x1000, 1U << 20),
		 XTCP_ACK_OK, "%s", "in flight, across zero");
	/* The largest window scaling allows, 2^30: reaches back that far. */
	CHECK_EQ(xtcp_ack_verdict(0xc0000010U, 0x10, 0x20, 1U << 30,
				  1ULL << 40),
		 XTCP_ACK_OLD, "%s", "2^30 back: old");
	CHECK_EQ(xtcp_ack_verdict(0xc000000fU, 0x10, 0x20, 1U << 30,
				  1ULL << 40),
		 XTCP_ACK_TOO_OLD, "%s", "2^30 + 1 back: too old");
}

TEST(oow_limited)
{
	CHECK(!xtcp_oow_limited(1000, 0, 125), "%s", "nothing sent yet");
	CHECK(xtcp_oow_limited(1000, 1000, 125), "%s", "just sent");
	CHECK(xtcp_oow_limited(1124, 1000, 125), "%s", "within the limit");
	CHECK(!xtcp_oow_limited(1125, 1000, 125), "%s", "limit passed");
	CHECK(!xtcp_oow_limited(999, 1000, 125), "%s",
	      "a stamp from the future is stale");
	CHECK(xtcp_oow_limited(5, 0xfffffff0U, 125), "%s", "across the wrap");
	CHECK(!xtcp_oow_limited(1000, 1000, 0), "%s", "limit 0: never");
}

/* Linux's wider acceptability test. */
TEST(seq_window_ok)
{
	/* Window [1000, 2000), rcv_wup 1000. */
	CHECK(xtcp_seq_window_ok(1000, 1000, 1000, 2000), "%s", "ACK at RCV.NXT");
	CHECK(xtcp_seq_window_ok(2000, 2000, 1000, 2000), "%s", "ACK at the edge");
	CHECK(!xtcp_seq_window_ok(2001, 2001, 1000, 2000), "%s", "past the edge");
	CHECK(!xtcp_seq_window_ok(999, 999, 1000, 2000), "%s", "before rcv_wup");
	CHECK(xtcp_seq_window_ok(900, 1000, 1000, 2000), "%s", "old, reaching wup");
	CHECK(!xtcp_seq_window_ok(900, 999, 1000, 2000), "%s", "old duplicate");
	CHECK(xtcp_seq_window_ok(1500, 2500, 1000, 2000), "%s", "runs over the edge");
	CHECK(xtcp_seq_window_ok(900, 2500, 1000, 2000), "%s", "covers the window");
	/* Zero window: only at RCV.NXT. */
	CHECK(xtcp_seq_window_ok(1000, 1000, 1000, 1000), "%s", "zero window ACK");
	CHECK(xtcp_seq_window_ok(1000, 1100, 1000, 1000), "%s", "data, to trim");
	CHECK(!xtcp_seq_window_ok(1001, 1001, 1000, 1000), "%s", "beyond zero window");
	/* Across the wrap. */
	CHECK(xtcp_seq_window_ok(5, 5, 0xfffffff0U, 0x10), "%s", "wrapped");
	CHECK(!xtcp_seq_window_ok(0x11, 0x11, 0xfffffff0U, 0x10), "%s", "wrapped, past");
}

TEST(may_update_window)
{
	/* New data acknowledged: always, even from an older segment. */
	CHECK_EQ(xtcp_may_update_window(200, 100, 50, 60, 1000, 5000), true,
		 "%s", "ack advances");
	/* A newer segment: always, shrinking too. */
	CHECK_EQ(xtcp_may_update_window(100, 100, 70, 60, 1000, 5000), true,
		 "%s", "newer seq");
	/* As new, same ack: open or close to zero, never shrink. */
	CHECK_EQ(xtcp_may_update_window(100, 100, 60, 60, 6000, 5000), true,
		 "%s", "opens");
	CHECK_EQ(xtcp_may_update_window(100, 100, 60, 60, 0, 5000), true,
		 "%s", "closes to zero");
	CHECK_EQ(xtcp_may_update_window(100, 100, 60, 60, 1000, 5000), false,
		 "%s", "would shrink");
	CHECK_EQ(xtcp_may_update_window(100, 100, 60, 60, 5000, 5000), false,
		 "%s", "the same");
	/* An older segment acknowledging nothing new: never. */
	CHECK_EQ(xtcp_may_update_window(100, 100, 50, 60, 9000, 5000), false,
		 "%s", "older seq");
	/* Across the wrap. */
	CHECK_EQ(xtcp_may_update_window(5, 0xfffffff0U, 1, 1, 10, 20), true,
		 "%s", "wrap");
}

TEST_HARNESS_MAIN
