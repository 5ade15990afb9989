// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of super-segment sizing and cutting (kmod/xtcp_tso.c).
 */
#include "logic_test.h"

TEST(pcount)
{
	CHECK_EQ(xtcp_pcount(0, 1448), 1, "%s", "no data: one segment");
	CHECK_EQ(xtcp_pcount(1, 1448), 1, "%s", "1 byte");
	CHECK_EQ(xtcp_pcount(1448, 1448), 1, "%s", "one full");
	CHECK_EQ(xtcp_pcount(1449, 1448), 2, "%s", "one byte more");
	CHECK_EQ(xtcp_pcount(65160, 1448), 45, "%s", "45 full");
	CHECK_EQ(xtcp_pcount(65161, 1448), 46, "%s", "and a byte");
}

TEST(size_goal)
{
	/* veth: 64 KB GSO, 1448-byte MSS, a large window: 44 segments. */
	CHECK_EQ(xtcp_size_goal_segs(1448, 65536, 321, 65535, 1 << 20), 45,
		 "%s", "64 KB less headers");
	CHECK_EQ(xtcp_size_goal_segs(1448, 65536, 1000, 65535, 1 << 20), 44,
		 "%s", "more header room");
	/* The device's segment limit. */
	CHECK_EQ(xtcp_size_goal_segs(1448, 65536, 321, 8, 1 << 20), 8,
		 "%s", "gso_max_segs");
	/* Half the peer's largest window. */
	CHECK_EQ(xtcp_size_goal_segs(1448, 65536, 321, 65535, 14480), 5,
		 "%s", "half of 10 segments");
	CHECK_EQ(xtcp_size_goal_segs(1448, 65536, 321, 65535, 2000), 1,
		 "%s", "never below one");
	/*
	 * A window of 536 or less is not halved but bounds all the same
	 * (tcp_bound_to_half_wnd() in tcp_xmit_size_goal()).
	 */
	CHECK_EQ(xtcp_size_goal_segs(100, 65536, 321, 65535, 536), 5,
		 "%s", "tiny window: all of it");
	/* Loopback: the MSS is about as large as a GSO skb. */
	CHECK_EQ(xtcp_size_goal_segs(65483, 65536, 321, 65535, 1 << 22), 1,
		 "%s", "loopback MSS");
	CHECK_EQ(xtcp_size_goal_segs(0, 65536, 321, 65535, 1 << 22), 1,
		 "%s", "no MSS");
}

TEST(autosize)
{
	/*
	 * 10 segments of 1448 B per 100 us is 144.8 MB/s; in slow start
	 * twice that, and 1/1024 of it is 282812 B: more than 64 KB.
	 */
	CHECK_EQ(xtcp_tso_autosize(1448, 10, 0x7fffffff, 100, 50, 65536,
				   65535), 45, "%s", "fast path: a full skb");
	/*
	 * 10 segments per 100 ms: 144800 B/s, 282 B a millisecond; the
	 * minimum RTT of 100 ms adds nothing (65536 >> 195): 2 segments.
	 */
	CHECK_EQ(xtcp_tso_autosize(1448, 10, 0x7fffffff, 100000, 100000,
				   65536, 65535), 2, "%s", "slow path: minimum");
	/*
	 * 100 segments per 10 ms, after slow start (1.2x): 17376000 B/s,
	 * 16968 B a millisecond; minimum RTT 2 ms: 65536 >> 3 = 8192 more,
	 * 25160 B: 17 segments.
	 */
	CHECK_EQ(xtcp_tso_autosize(1448, 100, 100, 10000, 2000, 65536,
				   65535), 17, "%s", "congestion avoidance");
	/* The same in slow start (2x): 28281 + 8192 B, 25 segments. */
	CHECK_EQ(xtcp_tso_autosize(1448, 100, 1000, 10000, 2000, 65536,
				   65535), 25, "%s", "slow start: twice");
	CHECK_EQ(xtcp_tso_autosize(1448, 100, 1000, 10000, 2000, 65536, 4),
		 4, "%s", "gso_max_segs");
	CHECK_EQ(xtcp_tso_autosize(1448, 10, 20, 0, 0, 65536, 65535), 45,
		 "%s", "no RTT sample yet: a full skb");
}

TEST(split_point)
{
	/* Everything fits: all of it. */
	CHECK_EQ(xtcp_split_point(14480, 1448, 45, 1 << 20, false), 14480,
		 "%s", "whole");
	/* The congestion window allows 3 segments. */
	CHECK_EQ(xtcp_split_point(14480, 1448, 3, 1 << 20, false), 4344,
		 "%s", "cwnd: 3 segments");
	/* The peer's window takes 5000 bytes: 3 whole and a partial. */
	CHECK_EQ(xtcp_split_point(14480, 1448, 45, 5000, false), 5000,
		 "%s", "window: to its edge");
	CHECK_EQ(xtcp_split_point(14480, 1448, 45, 5000, true), 4344,
		 "%s", "window, Nagle: whole segments only");
	/* The last skb ends in a partial segment: Nagle holds that part. */
	CHECK_EQ(xtcp_split_point(3000, 1448, 45, 1 << 20, true), 2896,
		 "%s", "Nagle: the partial tail waits");
	CHECK_EQ(xtcp_split_point(3000, 1448, 45, 1 << 20, false), 3000,
		 "%s", "no Nagle: all");
	CHECK_EQ(xtcp_split_point(1000, 1448, 45, 1 << 20, true), 0,
		 "%s", "Nagle: a lone partial segment waits");
	/* Full segments only: Nagle changes nothing. */
	CHECK_EQ(xtcp_split_point(2896, 1448, 45, 1 << 20, true), 2896,
		 "%s", "Nagle: nothing partial");
	CHECK_EQ(xtcp_split_point(2896, 1448, 1, 1 << 20, true), 1448,
		 "%s", "one segment allowed");
}

TEST(push_forced)
{
	/* Half of a 65535-byte window is 32767 bytes: one more forces PSH. */
	CHECK_EQ(xtcp_push_forced(1000 + 32767, 1000, 65535), false,
		 "%s", "exactly half a window: not yet");
	CHECK_EQ(xtcp_push_forced(1000 + 32768, 1000, 65535), true,
		 "%s", "more than half a window");
	/* Across the wrap of the sequence space. */
	CHECK_EQ(xtcp_push_forced(0x10, 0xfffffff0U, 62), true,
		 "%s", "wrap: 32 bytes, more than half of 62");
	CHECK_EQ(xtcp_push_forced(0x10, 0xfffffff0U, 128), false,
		 "%s", "wrap: 32 bytes, half of 128 is 64");
	/* Before the peer offered any window every byte forces it. */
	CHECK_EQ(xtcp_push_forced(1, 0, 0), true, "%s", "no window yet");
	CHECK_EQ(xtcp_push_forced(0, 0, 0), false, "%s", "nothing queued");
}

TEST(nagle_holds)
{
	/* A cork holds, whatever else. */
	CHECK_EQ(xtcp_nagle_holds(true, true, 0, 100, 100, 100), true,
		 "%s", "cork");
	/* Nothing in flight, or TCP_NODELAY: it goes. */
	CHECK_EQ(xtcp_nagle_holds(false, false, 0, 200, 100, 300), false,
		 "%s", "nothing in flight");
	CHECK_EQ(xtcp_nagle_holds(false, true, 2, 200, 100, 300), false,
		 "%s", "TCP_NODELAY");
	/* In flight, the last short segment (ending at 200) unACKed. */
	CHECK_EQ(xtcp_nagle_holds(false, false, 2, 200, 100, 300), true,
		 "%s", "short segment in flight");
	/* Only full segments in flight: the short one may go (Minshall). */
	CHECK_EQ(xtcp_nagle_holds(false, false, 2, 100, 100, 300), false,
		 "%s", "short segment acknowledged");
	CHECK_EQ(xtcp_nagle_holds(false, false, 2, 50, 100, 300), false,
		 "%s", "short segment long acknowledged");
	/* snd_sml beyond snd_nxt: stale after a timeout rewound snd_nxt. */
	CHECK_EQ(xtcp_nagle_holds(false, false, 2, 400, 100, 300), false,
		 "%s", "beyond snd_nxt");
	/* Across the wrap. */
	CHECK_EQ(xtcp_nagle_holds(false, false, 1, 0x10, 0xfffffff0U, 0x20),
		 true, "%s", "wrap");
}

/*
 * A bulk sender on veth in congestion avoidance: cwnd 100, 97 in flight,
 * the tail skb 64 KB, the last send 200 us ago, the head sent 9.9 ms ago
 * with an RTT of 10 ms: its ACK is due in 100 us.
 */
static struct xtcp_tso_defer bulk(void)
{
	struct xtcp_tso_defer d = {
		.skb_len = 45 * 1448, .mss = 1448, .max_segs = 17,
		.send_win = 1 << 20, .cwnd_room = 3, .snd_wnd = 1 << 20,
		.cwnd = 100, .srtt_us = 10000, .now_us = 1000000,
		.last_sent_us = 999800, .head_sent_us = 990100,
		.in_flight = 1, .tail = 1,
	};

	return d;
}

TEST(tso_should_defer)
{
	struct xtcp_tso_defer d = bulk();

	/* 3 segments < 100/3: wait for the ACK, cwnd-limited. */
	CHECK_EQ(xtcp_tso_should_defer(&d), true, "%s", "cwnd-limited");
	CHECK_EQ(d.cwnd_limited, 1, "%s", "said cwnd-limited");
	d = bulk();
	d.recovery = 1;
	CHECK_EQ(xtcp_tso_should_defer(&d), false, "%s", "in recovery");
	/* Idle for more than 1 ms: no burst to extend, send now. */
	d = bulk();
	d.last_sent_us = d.now_us - 1001;
	CHECK_EQ(xtcp_tso_should_defer(&d), false, "%s", "paused 1001 us");
	d.last_sent_us = d.now_us - 1000;
	CHECK_EQ(xtcp_tso_should_defer(&d), true, "%s", "paused 1000 us");
	/* A full GSO skb (autosized) may go. */
	d = bulk();
	d.cwnd_room = 17;
	d.cwnd = 1000;
	CHECK_EQ(xtcp_tso_should_defer(&d), false, "%s", "a full skb");
	/* A third of the window may go. */
	d = bulk();
	d.cwnd = 9;
	CHECK_EQ(xtcp_tso_should_defer(&d), false, "%s", "a third of cwnd");
	d = bulk();
	d.snd_wnd = 9 * 1448;
	CHECK_EQ(xtcp_tso_should_defer(&d), false, "%s",
		 "a third of the peer's window");
	d.snd_wnd = 9 * 1448 + 3;
	CHECK_EQ(xtcp_tso_should_defer(&d), true, "%s", "just under a third");
	/* Before the tail it will not grow: whole, it goes. */
	d = bulk();
	d.skb_len = 3 * 1448;
	d.tail = 0;
	CHECK_EQ(xtcp_tso_should_defer(&d), false, "%s", "middle, fits");
	d.tail = 1;
	CHECK_EQ(xtcp_tso_should_defer(&d), true, "%s",
		 "tail, fits: may still grow");
	d.closed = 1;
	CHECK_EQ(xtcp_tso_should_defer(&d), true, "%s",
		 "with FIN, but the window is full");
	d.skb_len = 2 * 1448;
	CHECK_EQ(xtcp_tso_should_defer(&d), false, "%s",
		 "with FIN, fits with room to spare");
	d.closed = 0;
	CHECK_EQ(xtcp_tso_should_defer(&d), true, "%s",
		 "app-limited: wait for more data");
	/* Nothing in flight: nothing would wake it. */
	d = bulk();
	d.in_flight = 0;
	CHECK_EQ(xtcp_tso_should_defer(&d), false, "%s", "nothing in flight");
	/* The ACK is due later than 1 ms (and half the RTT): send. */
	d = bulk();
	d.head_sent_us = d.now_us - 8999;
	CHECK_EQ(xtcp_tso_should_defer(&d), false, "%s", "ACK in 1001 us");
	d.head_sent_us = d.now_us - 9000;
	CHECK_EQ(xtcp_tso_should_defer(&d), true, "%s", "ACK in 1000 us");
	/* A short RTT: half of it is the bound. */
	d = bulk();
	d.srtt_us = 400;
	d.head_sent_us = d.now_us - 199;
	CHECK_EQ(xtcp_tso_should_defer(&d), false, "%s", "ACK in 201 us");
	d.head_sent_us = d.now_us - 200;
	CHECK_EQ(xtcp_tso_should_defer(&d), true, "%s", "ACK in 200 us");
	/* Held by the peer's window that the skb fills. */
	d = bulk();
	d.send_win = 2 * 1448;
	d.snd_wnd = 100 * 1448;
	d.cwnd_room = 50;
	CHECK_EQ(xtcp_tso_should_defer(&d), true, "%s", "rwnd-limited");
	CHECK_EQ(d.cwnd_limited, 0, "%s", "rwnd-limited: not cwnd-limited");
	d.closed = 1;
	CHECK_EQ(xtcp_tso_should_defer(&d), true, "%s",
		 "rwnd-limited, even with FIN");
	/* Across the clock's wrap. */
	d = bulk();
	d.now_us = 100;
	d.last_sent_us = 0xffffffffU - 100;
	d.head_sent_us = 0xffffffffU - 9800;
	CHECK_EQ(xtcp_tso_should_defer(&d), true, "%s", "wrap");
}

TEST(pacing_rate)
{
	/*
	 * 100 segments of 1448 B per 10 ms: 14.48 MB/s; in slow start
	 * (cwnd 100 < 1000 / 2) twice that, after it 1.2 times.
	 */
	CHECK_EQ(xtcp_pacing_rate(1448, 100, 0, 1000, 10000), 28960000ULL,
		 "%s", "slow start: 200%");
	CHECK_EQ(xtcp_pacing_rate(1448, 100, 0, 200, 10000), 17376000ULL,
		 "%s", "cwnd at half ssthresh: 120%");
	/* More out than the window (after a reduction): what is out. */
	CHECK_EQ(xtcp_pacing_rate(1448, 50, 100, 100, 10000), 17376000ULL,
		 "%s", "packets_out above cwnd");
	/* No RTT sample: per microsecond, effectively no limit. */
	CHECK_EQ(xtcp_pacing_rate(1448, 10, 0, 0x7fffffff, 0),
		 1448ULL * 10 * 2000000, "%s", "no sample");
}

TEST(bound_to_half_wnd)
{
	CHECK_EQ(xtcp_bound_to_half_wnd(1448, 65535, 32), 1448U, "%s",
		 "a large window: the MSS");
	CHECK_EQ(xtcp_bound_to_half_wnd(1448, 2896, 32), 1448U, "%s",
		 "half the window is the MSS");
	CHECK_EQ(xtcp_bound_to_half_wnd(1460, 1000, 20), 500U, "%s",
		 "a 1000-byte window: 500-byte segments");
	/* 536 bytes or less is not halved. */
	CHECK_EQ(xtcp_bound_to_half_wnd(1448, 256, 32), 256U, "%s",
		 "a tiny window: all of it");
	CHECK_EQ(xtcp_bound_to_half_wnd(1448, 536, 32), 536U, "%s",
		 "536: all of it");
	CHECK_EQ(xtcp_bound_to_half_wnd(1448, 537, 32), 268U, "%s",
		 "537: halved");
	/* 68 bytes of header and data at least. */
	CHECK_EQ(xtcp_bound_to_half_wnd(1448, 10, 32), 36U, "%s",
		 "a 10-byte window: the 68-byte floor");
	CHECK_EQ(xtcp_bound_to_half_wnd(1448, 0, 32), 1448U, "%s",
		 "no window yet: no bound");
}

TEST(pmtu_mss)
{
	/* A 1280-byte route: 1240 bytes, 1228 with timestamps. */
	CHECK_EQ(xtcp_pmtu_mss(1280, 12, 1448), 1228U, "%s",
		 "1280 with timestamps");
	CHECK_EQ(xtcp_pmtu_mss(1280, 0, 1460), 1240U, "%s",
		 "1280 without options");
	/* The MSS the peer allowed stays the bound: never raised. */
	CHECK_EQ(xtcp_pmtu_mss(1500, 12, 1000), 1000U, "%s",
		 "a larger MTU raises nothing");
	CHECK_EQ(xtcp_pmtu_mss(9000, 12, 1448), 1448U, "%s",
		 "a jumbo MTU raises nothing");
	CHECK_EQ(xtcp_pmtu_mss(1500, 12, 1448), 1448U, "%s",
		 "the MTU the MSS was made for");
	/* Linux's route floor, 552: 512 bytes, 500 with timestamps. */
	CHECK_EQ(xtcp_pmtu_mss(552, 12, 1448), 500U, "%s",
		 "the route's 552-byte floor, ts");
	/* 48 bytes at least, options or not. */
	CHECK_EQ(xtcp_pmtu_mss(68, 12, 1448), 48U, "%s", "IPv4's 68");
	CHECK_EQ(xtcp_pmtu_mss(90, 12, 1448), 48U, "%s", "50 less options");
	CHECK_EQ(xtcp_pmtu_mss(0, 0, 1448), 48U, "%s", "no MTU");
}

TEST(tsq_limit)
{
	/* 17376000 B/s >> 10: 16968 B, a millisecond's worth. */
	CHECK_EQ(xtcp_tsq_limit(2304, 17376000, 10, 1 << 20), 16968ULL,
		 "%s", "1 ms of the rate");
	/* A slow rate: two skbs at least. */
	CHECK_EQ(xtcp_tsq_limit(2304, 100000, 10, 1 << 20), 4608ULL,
		 "%s", "two skbs");
	CHECK_EQ(xtcp_tsq_limit(2304, 1ULL << 40, 10, 1 << 20), 1ULL << 20,
		 "%s", "limit_output_bytes");
}

TEST_HARNESS_MAIN
