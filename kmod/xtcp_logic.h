/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP protocol logic that needs no kernel API: sequence arithmetic, the
 * segment acceptability test, the RTO estimator, the option codec, the
 * state transition table, receive window selection, congestion window
 * arithmetic, the SACK blocks and scoreboard arithmetic, PRR and RACK.
 * Every function here that is not static is what the module calls for
 * that work: the unit tests test the logic that runs.
 *
 * The same source builds into the module and, outside the kernel, into
 * the unit tests and the fuzzer in kmod/test/.  Everything here is plain
 * arithmetic on its arguments: no locks, no allocation, no clocks.
 */
#ifndef _XTCP_LOGIC_H
#define _XTCP_LOGIC_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <errno.h>

/* The kernel's fixed-width names, with the kernel's definitions. */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;
#endif

/*
 * TCP states (RFC 9293 3.3.2), numbered as Linux's TCP_* in
 * include/net/tcp_states.h so that sk->sk_state, /proc and TCP_INFO
 * read the same as for TCP.
 */
enum xtcp_state {
	XTCP_ESTABLISHED = 1,
	XTCP_SYN_SENT,
	XTCP_SYN_RECV,
	XTCP_FIN_WAIT1,
	XTCP_FIN_WAIT2,
	XTCP_TIME_WAIT,
	XTCP_CLOSE,
	XTCP_CLOSE_WAIT,
	XTCP_LAST_ACK,
	XTCP_LISTEN,
	XTCP_CLOSING,
};

/* "ESTABLISHED", "SYN_SENT", ...; "UNKNOWN" for any other number. */
const char *xtcp_state_name(int state);

/*
 * Sequence number arithmetic (RFC 9293 3.4).
 *
 * Sequence numbers live on a circle of 2^32 values, so "a before b" means
 * "b is less than half the circle ahead of a".  The difference a - b,
 * computed modulo 2^32 and read as a signed number, says which way round
 * the shorter distance goes.  Numbers exactly 2^31 apart are ambiguous:
 * each is then "before" the other, as in Linux's before()/after().
 */
static inline bool xtcp_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool xtcp_seq_after(u32 a, u32 b)
{
	return xtcp_seq_before(b, a);
}

static inline bool xtcp_seq_leq(u32 a, u32 b)
{
	return !xtcp_seq_after(a, b);
}

static inline bool xtcp_seq_geq(u32 a, u32 b)
{
	return !xtcp_seq_before(a, b);
}

/*
 * lo <= seq <= hi, walking forward from lo: seq's distance from lo is no
 * more than hi's.  This works for any range shorter than 2^32, even one
 * longer than 2^31.
 */
static inline bool xtcp_seq_between(u32 seq, u32 lo, u32 hi)
{
	return (u32)(hi - lo) >= (u32)(seq - lo);
}

static inline u32 xtcp_seq_max(u32 a, u32 b)
{
	return xtcp_seq_after(a, b) ? a : b;
}

static inline u32 xtcp_seq_min(u32 a, u32 b)
{
	return xtcp_seq_before(a, b) ? a : b;
}

/*
 * The acceptability test Linux applies (tcp_sequence()), a little wider
 * than RFC 9293's: a segment [seq, end_seq) is taken unless it ends
 * before rcv_wup (RCV.NXT when our last window went out) or starts past
 * the right edge of that window.  So an ACK that starts exactly at the
 * right edge, or an old duplicate reaching rcv_wup, still has its ACK
 * processed; data outside the window is trimmed later.
 */
bool xtcp_seq_window_ok(u32 seq, u32 end_seq, u32 rcv_wup, u32 right_edge);

/*
 * Is SEG.ACK acceptable (RFC 5961 5.2)?  SND.UNA - MAX.SND.WND <= SEG.ACK
 * <= SND.NXT, where MAX.SND.WND is, as in Linux's tcp_ack(), the largest
 * window the peer offered but no more than the bytes it acknowledged: an
 * ACK below that is blind or forged, and its data must not be taken.
 */
enum xtcp_ack_verdict {
	XTCP_ACK_OK,		/* SND.UNA <= SEG.ACK <= SND.NXT */
	XTCP_ACK_OLD,		/* below SND.UNA, within MAX.SND.WND: no news */
	XTCP_ACK_TOO_OLD,	/* further below: challenge ACK, drop */
	XTCP_ACK_UNSENT,	/* above SND.NXT: drop */
};

enum xtcp_ack_verdict xtcp_ack_verdict(u32 ack, u32 snd_una, u32 snd_nxt,
				       u32 max_window, u64 bytes_acked);

/*
 * Out-of-window ACKs, PAWS ACKs and challenge ACKs are rate limited per
 * socket, as Linux's __tcp_oow_rate_limited(): none within @limit jiffies
 * of the last (@last, 0 for none; all in 32-bit jiffies).
 */
bool xtcp_oow_limited(u32 now, u32 last, u32 limit);

/*
 * Retransmission timeout (RFC 6298), all times in microseconds, with
 * Linux's floor: RTO = SRTT + max(4 * RTTVAR, RTO_MIN), then clamped to
 * [RTO_MIN, RTO_MAX].
 */
#define XTCP_RTO_MIN_US		200000U		/* 200 ms */
#define XTCP_RTO_MAX_US		120000000U	/* 120 s */
#define XTCP_RTO_INIT_US	1000000U	/* 1 s, RFC 6298 2.1 */

struct xtcp_rtt_est {
	u32	srtt_us;	/* smoothed round-trip time */
	u32	rttvar_us;	/* round-trip time variation */
	u32	rto_us;		/* current timeout, before backoff */
	u32	min_rtt_us;	/* smallest sample, for RACK's reordering window */
	bool	has_sample;	/* srtt_us and rttvar_us are valid */
};

/* No measurement yet: RTO = 1 s. */
void xtcp_rtt_init(struct xtcp_rtt_est *e);
/*
 * Feed one RTT measurement (never from a retransmitted segment: Karn).
 * First sample: SRTT = R, RTTVAR = R/2.  Later ones: RTTVAR = 3/4 RTTVAR +
 * 1/4 |SRTT - R|, then SRTT = 7/8 SRTT + 1/8 R.  An rtt_us of 0 counts as 1.
 */
void xtcp_rtt_sample(struct xtcp_rtt_est *e, u32 rtt_us);
/* rto_us doubled backoff times (RFC 6298 5.5), at most XTCP_RTO_MAX_US. */
u32 xtcp_rto_backoff(u32 rto_us, unsigned int backoff);

/*
 * TCP options (RFC 9293 3.1 and 3.7.1, RFC 7323, RFC 2018).
 */
#define XTCPOPT_EOL		0	/* end of option list */
#define XTCPOPT_NOP		1	/* padding */
#define XTCPOPT_MSS		2	/* maximum segment size, SYN only */
#define XTCPOPT_WINDOW		3	/* window scale, SYN only */
#define XTCPOPT_SACK_PERM	4	/* SACK permitted, SYN only */
#define XTCPOPT_SACK		5	/* SACK blocks */
#define XTCPOPT_TIMESTAMP	8	/* timestamps */

#define XTCPOLEN_MSS		4
#define XTCPOLEN_WINDOW		3
#define XTCPOLEN_SACK_PERM	2
#define XTCPOLEN_SACK_BASE	2	/* kind, length */
#define XTCPOLEN_SACK_PERBLOCK	8	/* left edge, right edge */
#define XTCPOLEN_TIMESTAMP	10

#define XTCP_MAX_OPT_SPACE	40	/* data offset 15 words minus 5 */
#define XTCP_MAX_WSCALE		14	/* RFC 7323 2.3 */
#define XTCP_MAX_SACK_BLOCKS	4

struct xtcp_sack_block {
	u32	start;		/* first sequence number of the block */
	u32	end;		/* sequence number after the block */
};

struct xtcp_opts {
	u16	mss;
	u8	wscale;
	bool	mss_ok, wscale_ok, sack_ok, ts_ok;	/* option present */
	u32	tsval, tsecr;
	u8	num_sacks;
	struct xtcp_sack_block	sacks[XTCP_MAX_SACK_BLOCKS];
};

/*
 * Parse the len option bytes that follow the fixed 20-byte header into
 * *out (which is cleared first).  NOP is skipped, unknown kinds are
 * skipped by their length, EOL ends the list.  Returns 0, or -EINVAL when
 * an option's length byte is missing, below 2 or runs past len; what was
 * parsed before that is kept, as Linux does.
 *
 * As in Linux, known options of the wrong length are ignored, MSS, window
 * scale and SACK-permitted only count when syn is true, an MSS of 0 is
 * ignored and a window scale above 14 reads as 14.  SACK blocks only count
 * when syn is false (a SYN acknowledges no data); the last SACK option
 * wins and only its first XTCP_MAX_SACK_BLOCKS blocks are kept.
 */
int xtcp_parse_options(const u8 *opt, unsigned int len, bool syn,
		       struct xtcp_opts *out);

/* Bytes xtcp_write_options() writes: a multiple of 4, at most 40. */
unsigned int xtcp_options_size(const struct xtcp_opts *o, bool syn);

/*
 * Write the options in Linux's order and padding, and return the bytes
 * written (xtcp_options_size()):
 *   MSS (SYN only);
 *   SACK-permitted (SYN only) and timestamps as 4,2,8,10,TS, or NOP,NOP,TS,
 *   or NOP,NOP,SACK-permitted;
 *   NOP,window scale (SYN only);
 *   NOP,NOP,SACK blocks (not on a SYN), as many as fit in 40 bytes.
 * Only options with their *_ok flag set (and num_sacks blocks) are written.
 */
unsigned int xtcp_write_options(u8 *buf, const struct xtcp_opts *o,
				bool syn);

/*
 * Window scale to offer in a SYN (RFC 7323 2.2) for a receive buffer that
 * may grow to space bytes.  Linux's rule: ilog2(space) - 15, within
 * [0, 14], so that 65535 << shift covers the buffer.
 */
u8 xtcp_select_wscale(u32 space);

/*
 * PAWS (RFC 7323 5.3): may a segment carrying TSval tsval be accepted,
 * with TS.Recent ts_recent taken ts_recent_age seconds ago?  Yes unless
 * tsval is older than ts_recent; a ts_recent of 0 (none yet) or older
 * than 24 days (RFC 7323 5.5, the TSval clock may have wrapped) lets
 * anything through.
 */
#define XTCP_PAWS_IDLE_SECS	(24U * 24 * 60 * 60)
bool xtcp_paws_ok(u32 tsval, u32 ts_recent, u32 ts_recent_age);

/*
 * The SACK blocks a receiver reports (RFC 2018 4), kept up to date as
 * data arrives and leaves rather than rebuilt from the out-of-order
 * queue, as Linux's tp->selective_acks[]: at most XTCP_MAX_SACK_BLOCKS
 * blocks, none overlapping or touching another, the one holding the
 * latest arrival first and the others in the order they were last
 * reported.  Each block only ever covers data the receiver holds; a run
 * of it may be reported in part (when more runs exist than blocks).
 * Each function updates the n blocks of blk in place and returns how
 * many there are now.
 *
 * xtcp_sack_add(): out-of-order data [start, end) arrived.  Blocks that
 * overlap or touch it merge with it into the first block; the others
 * keep their order behind it, the oldest falling off if all were in
 * use.  An empty range changes nothing.
 */
unsigned int xtcp_sack_add(struct xtcp_sack_block *blk, unsigned int n,
			   u32 start, u32 end);

/*
 * xtcp_sack_advance(): rcv_nxt moved to rcv_nxt and the data below it
 * went to the reader.  Blocks ending at or below it go, a block it cuts
 * keeps the part above it.
 */
unsigned int xtcp_sack_advance(struct xtcp_sack_block *blk, unsigned int n,
			       u32 rcv_nxt);

/*
 * xtcp_sack_prune(): out-of-order data from seq on was dropped to make
 * room.  Blocks starting at or after it go, a block it cuts keeps the
 * part below it.
 */
unsigned int xtcp_sack_prune(struct xtcp_sack_block *blk, unsigned int n,
			     u32 seq);

/*
 * State transitions (RFC 9293 3.3.2, figure 5).  Each returns the new
 * state, or state unchanged when the event does not apply there.
 */

/*
 * User close() or shutdown(SHUT_WR): ESTABLISHED and SYN_RECV go to
 * FIN_WAIT1 and CLOSE_WAIT to LAST_ACK, with *send_fin = true; LISTEN,
 * SYN_SENT and CLOSE go to CLOSE.  *send_fin is false unless a FIN is due
 * (send_fin may be NULL).
 */
int xtcp_state_on_close(int state, bool *send_fin);
/*
 * The peer's FIN, received in order: SYN_RECV and ESTABLISHED go to
 * CLOSE_WAIT, FIN_WAIT1 to CLOSING, FIN_WAIT2 to TIME_WAIT.
 */
int xtcp_state_on_fin(int state);
/*
 * Our FIN acknowledged: FIN_WAIT1 goes to FIN_WAIT2, CLOSING to TIME_WAIT,
 * LAST_ACK to CLOSE.  When one segment both acknowledges our FIN and
 * carries the peer's, apply this first, then xtcp_state_on_fin().
 */
int xtcp_state_on_fin_acked(int state);
/* May the user queue data to send?  ESTABLISHED and CLOSE_WAIT. */
bool xtcp_state_can_send(int state);
/* May data arrive?  ESTABLISHED, FIN_WAIT1 and FIN_WAIT2. */
bool xtcp_state_can_recv_data(int state);

/*
 * Receive window to advertise (RFC 9293 3.8.6 and 3.8.6.2.2).
 * free_space: bytes the receive buffer can still take (the caller has
 *             already allowed for overhead);
 * cur_wnd:    what is left of the window advertised last (right edge minus
 *             rcv_nxt, 0 if past);
 * mss:        the receiver's MSS;
 * max_wnd:    the largest window the header can say (65535 << wscale).
 * Returns free_space (at most max_wnd) rounded down to a multiple of mss
 * when it is at least mss, or kept as it is when smaller; but never less
 * than cur_wnd, so the right edge never moves back, and never more than
 * max_wnd.
 */
u32 xtcp_select_window(u32 free_space, u32 cur_wnd, u32 mss, u32 max_wnd);

/*
 * How much of the receive buffer is payload, as Linux 6.x's scaling_ratio:
 * a buffer charges skb->truesize, which for a 1448-byte segment may be two
 * or three times that.  The ratio is payload/truesize in 1/256ths,
 * measured from full-sized segments as they arrive (1..255); the window
 * offered from free buffer space is that fraction of it.
 */
#define XTCP_RCV_RATIO_DEFAULT	128U	/* half, before anything arrives */
/*
 * The ratio kept from segments of mixed make (a GSO skb of 64 KB in page
 * fragments, then a 1448-byte one in a 4 KB head): a lower ratio is taken
 * at once, a higher one an eighth of the way per segment, so the window
 * never offers room that the next small segments would not find.
 */
u32 xtcp_rcv_ratio_update(u32 old, u32 len, u32 truesize);
u32 xtcp_space_to_window(u32 free_space, u32 ratio);

/*
 * NewReno congestion window arithmetic (RFC 5681) in segments, as Linux's
 * tcp_reno_cong_avoid() does it.
 */
#define XTCP_INIT_CWND		10		/* RFC 6928 */
#define XTCP_INFINITE_SSTHRESH	0x7fffffffU

struct xtcp_cong {
	u32	cwnd;		/* congestion window, segments */
	u32	ssthresh;	/* slow start threshold, segments */
	u32	cwnd_cnt;	/* segments acked since cwnd last grew in CA */
};

/* cwnd = 10, ssthresh = infinite, cwnd_cnt = 0. */
/*
 * acked_segs newly acknowledged.  Slow start while cwnd < ssthresh: cwnd
 * grows by acked_segs but not past ssthresh, and what is left over goes to
 * congestion avoidance: cwnd_cnt += acked; each time cwnd_cnt reaches cwnd,
 * cwnd grows by one (about one segment per round trip).
 */

/*
 * A congestion control algorithm, as Linux's struct tcp_congestion_ops:
 * TCP_CONGESTION picks one by name.  Loss recovery (xtcp_cong_recovery_*
 * below) is the same for all; an algorithm says how the window grows and
 * how far it falls.
 */
#define XTCP_CA_NAME_MAX	16

struct xtcp_cong_ops {
	const char *name;
	void (*init)(struct xtcp_cong *c);
	/* acked_segs newly acknowledged outside loss recovery. */
	void (*on_ack)(struct xtcp_cong *c, u32 acked_segs);
	/* The slow start threshold after a loss, in_flight_segs out. */
	u32 (*ssthresh)(const struct xtcp_cong *c, u32 in_flight_segs);
};

/* NewReno (RFC 5681, RFC 6582): the functions above. */
extern const struct xtcp_cong_ops xtcp_cong_reno;

/*
 * Fast retransmit (RFC 5681 3.2, RFC 6582 3.2) in segments:
 * enter: ssthresh from the algorithm, cwnd = ssthresh + 3 (the three
 *        segments the duplicate ACKs say have left the network);
 * dupack: each further duplicate ACK inflates cwnd by one;
 * partial: an ACK that covers acked_segs but not all that was out when
 *        recovery began deflates cwnd by acked_segs and adds one back;
 * exit:  the full ACK: cwnd = min(ssthresh, max(in_flight, 1) + 1).
 */
void xtcp_cong_recovery_enter(const struct xtcp_cong_ops *ops,
			      struct xtcp_cong *c, u32 in_flight_segs);
void xtcp_cong_recovery_dupack(struct xtcp_cong *c);
void xtcp_cong_recovery_partial(struct xtcp_cong *c, u32 acked_segs);
void xtcp_cong_recovery_exit(struct xtcp_cong *c, u32 in_flight_segs);
/* Retransmission timeout: ssthresh from the algorithm, cwnd = 1. */
void xtcp_cong_timeout(const struct xtcp_cong_ops *ops, struct xtcp_cong *c,
		       u32 in_flight_segs);

/*
 * SACK-based loss recovery (RFC 6675), in segments.
 *
 * A SACK block from the peer counts only if it lies within what is
 * outstanding, snd_una <= start < end <= snd_max; anything else is a
 * D-SACK (RFC 2883), stale, or invalid, and does not mark segments.
 */
bool xtcp_sack_block_valid(u32 start, u32 end, u32 snd_una, u32 snd_max);

/*
 * RFC 6675 "pipe": segments still in the network.  Sent and not
 * cumulatively acknowledged (packets_out), less those the peer SACKed
 * and those presumed lost, plus the retransmissions of lost ones.
 */
/*
 * RFC 2883 4: the first of the @n SACK blocks of an ACK for @ack is a
 * D-SACK, reporting data received twice, if it lies below the ACK or
 * inside the second block (Linux's tcp_check_dsack()).
 */
bool xtcp_sack_is_dsack(const struct xtcp_sack_block *blk, unsigned int n,
			u32 ack);

/*
 * The parts of the SACK block [start, end) that none of the @n blocks in
 * @seen covers, into @out (room for n + 1), in order; returns how many.
 * The sender keeps the blocks of the previous ACK in @seen: what they
 * covered is marked already, so an ACK whose blocks only grew costs what
 * they grew by, not what they hold (Linux's recv_sack_cache).
 */
unsigned int xtcp_sack_uncovered(u32 start, u32 end,
				 const struct xtcp_sack_block *seen,
				 unsigned int n, struct xtcp_sack_block *out);

u32 xtcp_pipe(u32 packets_out, u32 sacked_out, u32 lost_out, u32 retrans_out);

/* RFC 6675 DupThresh: a hole with this many SACKed segments above is lost. */
#define XTCP_DUPTHRESH		3

/*
 * Proportional Rate Reduction (RFC 6937), as Linux's tcp_cwnd_reduction():
 * during fast recovery the sender may send what keeps the flight shrinking
 * smoothly towards ssthresh.  recover_fs is what was out when recovery
 * began; prr_delivered and prr_out count segments delivered to the peer
 * (cumulatively acked or SACKed) and sent, since then; delivered is what
 * this ACK delivered.  Returns the congestion window for now: pipe plus
 * what may be sent.  While pipe is above ssthresh, sending follows
 * ssthresh / recover_fs of deliveries; at or below it, slow start back up
 * to ssthresh, at most one segment more than delivered (PRR-SSRB).  The
 * first transmission of recovery (the fast retransmit) is always allowed.
 */
u32 xtcp_prr_cwnd(u32 pipe, u32 ssthresh, u32 recover_fs, u32 prr_delivered,
		  u32 prr_out, u32 delivered);

/*
 * RACK-TLP (RFC 8985): time-based loss detection.  Times are microseconds
 * on a clock that wraps.
 *
 * Was a segment sent at t1_us ending at end1 sent after one sent at t2_us
 * ending at end2?  The later send time wins; a tie goes to the higher
 * sequence number (RFC 8985 6.2 step 2, RACK_sent_after()).
 */
bool xtcp_rack_sent_after(u32 t1_us, u32 end1, u32 t2_us, u32 end2);
/*
 * The reordering window (6.2 step 4): min_rtt / 4, never above srtt.
 * Once the connection has seen reordering (a segment SACKed below others
 * it had not been sent after, or a D-SACK), srtt itself: RFC 8985 grows
 * the window in steps on D-SACKs; XTCP takes the largest window the RFC
 * allows at once.  On a path not seen
 * to reorder, zero once in recovery or once DupThresh segments are
 * SACKed: RACK then marks every hole below the latest delivery, which is
 * RFC 6675's counting rule (6.2 step 4, Linux's tcp_rack_reo_wnd()).
 */
u32 xtcp_rack_reo_wnd(u32 min_rtt_us, u32 srtt_us, bool reord_seen,
		      bool in_recovery, u32 sacked_out);
/*
 * A segment sent at sent_us, before the most recently sent segment the
 * peer has (whose round trip took rack_rtt_us), is lost once rack_rtt_us
 * + reo_wnd_us have passed since it was sent (6.2 step 5).  Returns 0 if
 * it is lost by now_us, else the microseconds still to wait.
 */
u32 xtcp_rack_time_left(u32 sent_us, u32 now_us, u32 rack_rtt_us,
			u32 reo_wnd_us);

/*
 * Delivery rate (draft-cheng-iccrg-delivery-rate-estimation, as Linux's
 * tcp_rate.c): delivered_segs reached the peer between a segment's send
 * and its ACK.  The interval is the longer of the send and ACK phases,
 * so neither a burst of sends nor a burst of ACKs inflates the rate; one
 * shorter than min_rtt_us cannot be a real round and gives no sample.
 * Returns bytes per second, or 0 for no sample.
 */
u64 xtcp_delivery_rate(u32 delivered_segs, u32 mss, u32 send_elapsed_us,
		       u32 ack_elapsed_us, u32 min_rtt_us);

/*
 * Tail loss probe timeout (RFC 8985 7.2): two smoothed RTTs, plus the
 * worst-case delayed-ACK time when a single segment is out (its ACK may
 * be delayed), at least 10 ms, and never later than the RTO would fire
 * (rto_left_us from now).
 */
#define XTCP_TLP_WC_DELACK_US	200000U
#define XTCP_TLP_MIN_US		10000U
u32 xtcp_tlp_pto(u32 srtt_us, u32 packets_out, u32 rto_left_us);

/*
 * The persist timer fired: give up on a peer whose window keeps our data
 * back?  As Linux's tcp_probe_timer(): RFC 1122 4.2.2.17 keeps probing a
 * peer that answers (its ACKs reset probes_out), but TCP_USER_TIMEOUT
 * bounds the time since the first probe, retries2 the probes nobody
 * answered, and an orphan gets orphan_retries while its probes are still
 * spaced less than the maximum RTO, none after.
 */
struct xtcp_probe_state {
	u32	probes_out;	/* window probes sent and not answered */
	u32	elapsed_ms;	/* since the first probe; 0 at the first */
	u32	user_timeout_ms;	/* TCP_USER_TIMEOUT, 0: none */
	u32	rto_us;		/* before backoff */
	u32	backoff;	/* doublings so far */
	u32	retries2;	/* Linux's tcp_retries2 */
	u32	orphan_retries;	/* for an orphan whose peer may be alive */
	bool	orphan;		/* no user holds the socket */
};

bool xtcp_probe_give_up(const struct xtcp_probe_state *p);

/*
 * Buffer autotuning, as Linux's (tcp_rcv_space_adjust(),
 * tcp_sndbuf_expand()).
 *
 * Receiver: the reader took @copied bytes in the last round trip, more
 * than the @prev it took in the one before.  The window for the next
 * round trip is twice that, plus 16 segments, plus twice the growth
 * (the sender may still be in slow start); the buffer holds it at the
 * measured payload share @ratio (/256), up to @rmem_max.
 */
u32 xtcp_drs_rcvbuf(u32 copied, u32 prev, u32 advmss, u32 ratio,
		    u32 rmem_max);

/*
 * Sender: room for two congestion windows (at least the initial 10
 * segments) of skbs of @per_mss_truesize, up to @wmem_max.
 */
u32 xtcp_sndbuf_for_cwnd(u32 cwnd, u32 per_mss_truesize, u32 wmem_max);

#endif /* _XTCP_LOGIC_H */
