/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP internal definitions shared by the module's files.
 *
 * An XTCP socket is a struct sock (through struct inet_sock, so the IPv4
 * output path and the socket core work unchanged) followed by the TCP
 * control block: the sequence spaces of RFC 9293 3.3.1, the retransmission
 * state and the listener's accept queue.
 */
#ifndef _XTCP_H
#define _XTCP_H

#include <linux/types.h>
#include <linux/skbuff.h>
#include <linux/rbtree.h>
#include <linux/timer.h>
#include <linux/siphash.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/sock.h>
#include <net/netns/generic.h>
#include <net/inet_sock.h>
#include <net/tcp_states.h>

#include <linux/xtcp.h>
#include "xtcp_logic.h"

/* Room for the link, IP and TCP headers in front of every segment. */
#define XTCP_MAX_HEADER		L1_CACHE_ALIGN(128 + MAX_HEADER)
/*
 * The same for data segments, no more than needed: link, IP and a full
 * TCP header with options.  A 1448-byte segment then fits a 2 KB
 * allocation, not a 4 KB one, and the receiver's buffer holds twice the
 * data (the window it can offer follows).  A device wanting more headroom
 * gets it from the IP layer.
 */
#define XTCP_DATA_HEADER	ALIGN(LL_MAX_HEADER + sizeof(struct iphdr) + \
				      60, 16)

/* Linux TCP's defaults (include/net/tcp.h), which XTCP follows. */
#define XTCP_MSS_DEFAULT	536U
#define XTCP_MIN_MSS		88U
#define XTCP_MAX_WINDOW		65535U
#define XTCP_TIMEWAIT_LEN	(60 * HZ)
#define XTCP_FIN_TIMEOUT	(60 * HZ)
#define XTCP_SYN_RETRIES	6
#define XTCP_SYNACK_RETRIES	5
#define XTCP_RETRIES2		15
#define XTCP_ORPHAN_RETRIES	8	/* tcp_orphan_retries = 0 means 8 */
#define XTCP_DELACK_MIN		(HZ / 25)	/* 40 ms */
/* The shortest timer, 2 jiffies: Linux's TCP_TIMEOUT_MIN. */
#define XTCP_TIMEOUT_MIN	2U
#define XTCP_MAX_QUICKACKS	16U
#define XTCP_MAX_TW		16384	/* max_tw_buckets' default, per netns */
#define XTCP_MAX_KEEPIDLE	32767		/* seconds */
#define XTCP_MAX_KEEPINTVL	32767		/* seconds */
#define XTCP_MAX_KEEPCNT	127

/*
 * Per-segment state, kept in skb->cb for segments on the write queue,
 * the receive queue and the out-of-order queue.
 */
struct xtcp_skb_cb {
	u32	seq;		/* first sequence number (SYN counts) */
	u32	end_seq;	/* seq + SYN + data + FIN */
	u8	flags;		/* TCP header flags (TCPHDR_*) */
	u8	retransmitted:1,	/* Karn: no RTT sample from it */
		saw_ts:1,	/* incoming: carried a timestamps option */
		/* Outgoing, the SACK scoreboard (RFC 6675): */
		sacked:1,	/* the peer has it, above a hole */
		lost:1,		/* presumed lost, to be retransmitted */
		retrans:1,	/* lost and retransmitted, in flight again */
		/* MSG_EOR: a record ends here; nothing is appended to it. */
		eor:1;
	u16	window;		/* incoming: SEG.WND, unscaled */
	union {
		struct {	/* incoming */
			u32	ack_seq;	/* SEG.ACK */
			u32	tsval;		/* SEG.TSval, if saw_ts */
			/* A SYN that ended a TIME_WAIT: the ISS; else 0. */
			u32	tw_iss;
			u8	ip_dsfield;	/* the IP header's TOS byte */
		};
		struct {	/* outgoing */
			u32	sent_us;	/* when last transmitted */
			/* For the delivery rate: the connection's state then. */
			u32	tx_delivered;		/* xs->delivered */
			u32	tx_delivered_us;	/* xs->delivered_us */
			u32	tx_first_us;		/* xs->first_tx_us */
			/*
			 * On xs->tsorted_sent while in flight and neither
			 * SACKed nor marked lost: RACK's send-time order.
			 */
			struct list_head tsorted;
		};
	};
};

#define XTCP_SKB_CB(skb)	((struct xtcp_skb_cb *)&((skb)->cb[0]))

static inline struct sk_buff *xtcp_cb_skb(struct xtcp_skb_cb *cb)
{
	return (struct sk_buff *)((char *)cb - offsetof(struct sk_buff, cb));
}

/* What the retransmission timer is armed for (Linux's ICSK_TIME_*). */
enum {
	XTCP_TIMER_RTO,		/* retransmission, or persist if nothing out */
	XTCP_TIMER_REO,		/* RACK: a reordering window ends */
	XTCP_TIMER_TLP,		/* tail loss probe */
	/*
	 * Nothing: the timer may still be pending, and runs out to no
	 * effect.  An ACK that leaves nothing out does not delete it, so
	 * the next send re-arms it in place, as Linux's
	 * inet_csk_clear_xmit_timer() leaves icsk_retransmit_timer.
	 */
	XTCP_TIMER_NONE,
};

/* Loss recovery states, numbered as Linux's TCP_CA_* for tcpi_ca_state. */
enum {
	XTCP_CA_OPEN = 0,
	XTCP_CA_CWR = 2,	/* reducing the window for an ECN-Echo */
	XTCP_CA_RECOVERY = 3,	/* fast retransmit and recovery */
	XTCP_CA_LOSS = 4,	/* after a retransmission timeout */
};

#define XTCPHDR_FIN	0x01
#define XTCPHDR_SYN	0x02
#define XTCPHDR_RST	0x04
#define XTCPHDR_PSH	0x08
#define XTCPHDR_ACK	0x10
#define XTCPHDR_ECE	XTCP_FLAG_ECE
#define XTCPHDR_CWR	XTCP_FLAG_CWR

/*
 * Locking (docs/design.md has the whole model).  A socket's state is
 * guarded by its socket lock, held one of two ways: by a process with
 * lock_sock() (the socket calls, and release_sock() handing over the
 * backlog), or by softirq and timer context with bh_lock_sock() while no
 * process owns the socket; a segment arriving while a process owns it
 * waits on the backlog.  Input, output, recovery and the state helpers
 * need one or the other, and say so with sock_owned_by_me(), which
 * lockdep checks.  Apart from it: a listener's acceptq->lock (its
 * queue and generation, shared with its children), and each
 * namespace's table lock (xtcp_hash.c) for bind, listen, connect and
 * unhash; lookups on the receive path take no lock (RCU).
 */
/*
 * A listener's accept queue, from its first listen() until the socket is
 * freed: a child reaches it through the listener it holds, even after
 * that listen() ended.  Apart from listeners, sockets do without it.
 */
struct xtcp_accept_queue {
	spinlock_t		lock;	/* the rest, and children's accept_node */
	u32			syn_pending;	/* children in SYN_RECV */
	/* Bumped when listening starts or stops: a child of another dies. */
	u32			gen;
	struct list_head	children;	/* established, to accept() */
	/*
	 * Fast Open (TCP_FASTOPEN): the most children taking SYN data that
	 * may be in SYN_RECV at once, 0 if it is off, and how many are.
	 */
	u32			fastopen_max_qlen;
	u32			fastopen_qlen;
	/*
	 * SYN cookies: when one was last sent (jiffies), as the ACK of one
	 * is only looked at for two minutes after; and whether the log
	 * said the queue overflowed.
	 */
	u32			cookie_sent;
	bool			synflood_warned;
};

/* SACK blocks of the last ACK the sender remembers (sack_seen below). */
#define XTCP_SACK_SEEN_MAX	3

/*
 * Fields are grouped by concern and packed: the object must stay within
 * 1536 bytes (24 cache lines; the slab aligns objects to them), where the
 * benchmark's memory per connection meets its target (xtcp_init()
 * checks at build time).  It is 1536 on 6.12 and 1528 on 6.1, with holes
 * of 1 and 4 bytes: see pahole before adding a field.
 */
#define XTCP_SOCK_MAX_SIZE	1536

struct xtcp_sock {
	struct inet_sock	inet;	/* must be first */

	/* Send sequence space (RFC 9293 3.3.1); the ISS is the SYN's seq. */
	u32	snd_una;	/* oldest unacknowledged */
	u32	snd_nxt;	/* next to send */
	u32	snd_wnd;	/* peer's window */
	u32	snd_wl1;	/* seq of the segment that last set snd_wnd */
	u32	write_seq;	/* after the last byte the user queued */
	u32	max_window;	/* largest window the peer offered */
	/*
	 * write_seq when PSH was last set: the flag goes at the end of each
	 * write, and within one once half the peer's largest window has
	 * been queued since (Linux's tcp_mark_push() and forced_push()).
	 */
	u32	pushed_seq;
	/*
	 * The end of the last segment sent shorter than the MSS: Nagle
	 * holds a partial segment only while that one is unacknowledged
	 * (Minshall's variant, as Linux's tcp_minshall_check()).
	 */
	u32	snd_sml;
	/* TCP_NOTSENT_LOWAT; 0: net.xtcp.notsent_lowat's. */
	u32	notsent_lowat;

	/* Receive sequence space. */
	u32	rcv_nxt;	/* next expected */
	u32	rcv_wnd;	/* window last advertised */
	/* rcv_nxt when rcv_wnd was advertised: in the last segment sent */
	u32	rcv_wup;
	u32	copied_seq;	/* next byte the user will read */

	u16	mss_cache;	/* send MSS before the window's bound: xtcp_mss() */
	u16	advmss;		/* MSS we advertise */
	u16	user_mss;	/* TCP_MAXSEG */
	u16	rcv_mss;	/* largest segment received, for ACK policy */
	u8	rcv_ratio;	/* payload / truesize of segments, 1/256ths */
	u8	rcv_wnd_ratio;	/* rcv_ratio when rcv_wnd was chosen */
	u8	quickack:5,	/* ACKs still to send at once (<= 16) */
		/*
		 * TCP Fast Open (RFC 7413), the active side: our SYN
		 * carried the option, and data, which the SYN-ACK
		 * acknowledged (Linux's syn_fastopen, syn_data and
		 * syn_data_acked).
		 */
		syn_fastopen:1,
		syn_data:1,
		syn_data_acked:1;
	u8	ca_id;		/* TCP_CONGESTION: xtcp_cong_algos[ca_id] */

	/*
	 * Options (RFC 7323, RFC 2018).  Before the handshake completes the
	 * *_ok bits say what our SYN offers; after it, what both agreed.
	 */
	u8	snd_wscale:4,	/* the peer's shift, for windows it sends */
		rcv_wscale:4;	/* our shift, for windows we send */
	u8	wscale_ok:1,
		ts_ok:1,
		sack_ok:1,
		/*
		 * The route's device takes a super-segment whole (loopback,
		 * veth): the queues hold skbs of many segments, each sent as
		 * one GSO skb.
		 */
		gso_ok:1,
		reord_seen:1,	/* a segment arrived after later ones */
		/* A D-SACK block waits for the next ACK (below). */
		rcv_dsack_pending:1,
		/* TCP_INQ: recvmsg() reports what is left (TCP_CM_INQ). */
		recvmsg_inq:1,
		listened:1;	/* acceptq, not parent (below) */
	u8	sack_seen_n:2,	/* up to XTCP_SACK_SEEN_MAX */
		/* TCP_MD5SIG: the socket has keys (xtcp_md5.c). */
		md5:1,
		rcv_num_sacks:3,
		/*
		 * Interactive: our data answered the peer's within a
		 * delayed-ACK timeout (Linux's icsk_ack.pingpong, with its
		 * default threshold of 1).  The ACK then waits to ride on
		 * the answer instead of going at once.
		 */
		pingpong:1,
		/*
		 * Fast Open, passive: a child that took data from the SYN
		 * and joined the accept queue before the handshake ended.
		 */
		fastopen_child:1;
	u8	dupacks:7,	/* duplicate ACKs in a row, up to 127 */
		/* TCP_FASTOPEN_NO_COOKIE: Fast Open without a cookie. */
		fastopen_no_cookie:1;
	u32	ts_off;		/* offset of our TSval clock (RFC 7323 7.1) */
	u32	ts_recent;	/* TS.Recent: the TSval we echo */
	u32	ts_recent_stamp;	/* seconds, when ts_recent was taken */

	/*
	 * Sending (xtcp_output.c): sk_write_queue holds what was never sent;
	 * sk->tcp_rtx_queue (struct sock's, as Linux's TCP does), keyed by
	 * seq, what was sent and not yet cumulatively acknowledged, so that
	 * a SACK block finds its segments in O(log n); tsorted_sent the
	 * same segments in the order they were (re)sent, less those SACKed
	 * or marked lost, so that RACK stops at the first one sent after
	 * its reference (Linux's tsorted_sent_queue).  retransmit_hint: no segment before it is
	 * lost and not yet retransmitted (NULL: none is).  sack_seen: the
	 * first valid SACK blocks of the previous ACK (sack_seen_n of them),
	 * all marked already, so that the next ACK skips them.  Three, not
	 * Linux's four: with timestamps (the default) no more fit in an ACK;
	 * without, a fourth block is walked again, which marks nothing twice.
	 */
	struct list_head	tsorted_sent;
	struct sk_buff		*retransmit_hint;
	struct xtcp_sack_block	sack_seen[XTCP_SACK_SEEN_MAX];
	/* Out of order, keyed by seq: O(log n) per segment in any order. */
	struct rb_root		ooo_queue;
	/*
	 * SACK blocks we report for it (rcv_num_sacks of them), latest
	 * arrival first, kept as segments arrive, drain and are pruned
	 * (xtcp_sack_add() and the others), so that an ACK costs the same
	 * whatever the queue holds.
	 */
	struct xtcp_sack_block	rcv_sacks[XTCP_MAX_SACK_BLOCKS];
	/*
	 * RFC 2883: a D-SACK block for data received twice, sent first
	 * in the next ACK's SACK option, once (Linux's tcp_dsack_set()).
	 */
	struct xtcp_sack_block	rcv_dsack;
	u32	packets_out;	/* sent, not cumulatively acknowledged */
	u32	sacked_out;	/* of those, SACKed */
	u32	lost_out;	/* of those, presumed lost */
	u32	retrans_out;	/* of the lost, retransmitted */

	struct xtcp_rtt_est	rtt;
	struct xtcp_cong	cong;
	/*
	 * Loss recovery: fast retransmit (RFC 5681), then SACK recovery
	 * (RFC 6675) with PRR (RFC 6937), or NewReno (RFC 6582) when the
	 * peer does not SACK; after an RTO, the loss state until what was
	 * out then is acknowledged; after an ECN-Echo, CWR (RFC 3168), a
	 * PRR reduction without a loss.  recover marks the end of each, as
	 * Linux's high_seq.
	 */
	u32	recover;	/* snd_nxt when the state began */
	/*
	 * The window when the reduction began: PRR's RecoverFS, as Linux's
	 * prior_cwnd, and what an undo gives back (xtcp_undo.h).
	 */
	u32	prior_cwnd;
	u32	prr_delivered;	/* PRR: delivered to the peer since then */
	u32	prr_out;	/* PRR: segments sent since then */
	/*
	 * Undo (xtcp_undo.h): snd_una when the episode of the last
	 * reduction for a loss began (0: none to undo), and the ssthresh
	 * it would give back (0: none, an ECN signal stands).
	 */
	u32	undo_marker;
	u32	prior_ssthresh;

	/*
	 * RACK-TLP (RFC 8985): of the segments the peer has, the one sent
	 * last; anything sent a reordering window before it is lost.  And
	 * the tail loss probe that asks for an ACK before an RTO.
	 */
	u32	rack_sent_us;	/* its send time (0: none yet) */
	u32	rack_end_seq;
	u32	rack_rtt_us;	/* its round trip */
	u32	tlp_high_seq;	/* snd_nxt when a probe went; 0: none out */
	u32	sack_high;	/* highest end of a SACKed segment */

	u8	ca_state:3,	/* XTCP_CA_* */
		rtx_pending:2,	/* what rtx_timer waits for: XTCP_TIMER_* */
		/*
		 * F-RTO (RFC 5682) watches this timeout's ACKs: frto_new,
		 * the next data to go is new data, not retransmissions.
		 */
		frto:1,
		frto_new:1,
		/*
		 * TCP_FASTOPEN_CONNECT with a cookie: connect() returned
		 * and the SYN waits for the first write's data (Linux's
		 * DEFER_CONNECT).
		 */
		defer_connect:1;
	/* Retransmissions of the episode not yet D-SACKed (xtcp_undo.h). */
	u8	undo_retrans;
	u8	backoff:4,	/* RTO doublings in a row, up to 15 */
		/*
		 * The congestion window held the sender when it last sent
		 * (Linux's is_cwnd_limited, without its per-window memory):
		 * whether ACKs may grow it (xtcp_cwnd_may_grow()).
		 */
		cwnd_limited:1,
		/*
		 * The last TSecr seen on data or a pure ACK, its low 3
		 * bits: enough to tell a new echo, which may give the
		 * receiver's RTT a sample, from the same one (a new echo
		 * that matches them only costs a sample).
		 */
		rcv_tsecr_low:3;
	u8	retransmits;	/* timeouts for the current head */
	u8	nonagle:1,	/* TCP_NODELAY */
		corked:1,	/* TCP_CORK: hold partial segments */
		push_once:1,	/* send a held partial segment now */
		ack_pending:1,	/* data received and not yet ACKed */
		/* Unacked segments shorter than rcv_mss: one, two or more. */
		ack_pushed:1,
		ack_pushed2:1,
		fin_queued:1,	/* FIN placed on the write queue */
		/* MSG_MORE: hold a partial last segment, this once. */
		cork_once:1;
	u8	keepalive_probes:7,	/* TCP_KEEPCNT, at most 127 */
		fastopen_connect:1;	/* TCP_FASTOPEN_CONNECT */
	u8	probes_out;	/* keepalive or window probes unanswered */
	u8	ecn_flags;	/* XTCP_ECN_* (xtcp_ecn.h) */
	u64	delivery_rate;	/* bytes per second, the latest sample */
	u32	delivered;	/* segments the peer acknowledged or SACKed */
	u32	delivered_ce;	/* of those, by ACKs with ECE (ECN) */
	u32	delivered_us;	/* when delivered last grew */
	u32	first_tx_us;	/* send time of the last rate sample's segment */
	/*
	 * The TSval we sent with the first retransmission of
	 * the episode; 0: none since the last recovery ended (Linux's
	 * retrans_stamp).  Eifel detection compares echoes with it, and
	 * TCP_USER_TIMEOUT counts from it.
	 */
	u32	retrans_stamp;
	u32	rcv_tstamp;	/* jiffies: last segment from the peer */
	u32	last_oow_ack;	/* jiffies: last out-of-window or challenge ACK */
	/*
	 * jiffies, low 16 bits: when the oldest data not yet ACKed arrived.
	 * The delayed ACK is due a timeout after it, however long
	 * delack_timer was pending already: the timer is armed once, not
	 * per segment, and waits out the rest when it fires early.  It
	 * looks within a few hundred ms, far inside the 16 bits' range.
	 */
	u16	ack_pending_since;
	/*
	 * The receive window's slow start (Linux's rcv_ssthresh), in units
	 * of the window scale (xtcp_rcv_ssthresh()): the window offered
	 * starts at the SYN's and grows with the data that arrives, up to
	 * the free buffer, as Linux's tcp_grow_window().  Below the free
	 * buffer it leaves room for what the reader has not taken yet, so
	 * a request in the queue does not shrink the window, and its ACK
	 * goes on arrival instead of waiting for the reader.
	 */
	u16	rcv_ssthresh;

	/*
	 * Keepalive (RFC 1122 4.2.3.6) and TCP_USER_TIMEOUT; 0: default.
	 * Seconds, as the options set them: Linux's bounds fit 16 bits.
	 */
	u16	keepalive_time;
	u16	keepalive_intvl;
	u32	probes_stamp;		/* jiffies: first window probe; 0: none */
	u32	user_timeout;		/* ms */
	/* RACK's reordering window, in steps (beside rack_*, it would pad) */
	struct xtcp_rack_reo	reo;

	struct timer_list	rtx_timer;	/* retransmit and persist */
	struct timer_list	delack_timer;	/* delayed ACK */
	/* sk->sk_timer: TIME_WAIT and orphan FIN_WAIT2 */

	/*
	 * A listener's accept queue, from its first listen() on; a child's
	 * listener, until accept() takes the child.  No socket needs both
	 * at once (a child is accepted before it can listen), so they
	 * share a word, and listened says which it holds: read them with
	 * xtcp_acceptq() and xtcp_parent().  parent_gen: the queue's gen
	 * when the child joined.
	 */
	union {
		struct xtcp_accept_queue *acceptq;
		struct sock		*parent;
	};
	/*
	 * A child waits in its listener's queue on accept_node; only once
	 * accepted can it send data and so be throttled by TCP Small
	 * Queues, which puts it on a CPU's list on tsq_node.
	 */
	union {
		struct list_head	accept_node;
		struct list_head	tsq_node;
	};
	u32			parent_gen;

	/* Counters for TCP_INFO and /proc. */
	u32	segs_in;
	u64	bytes_acked;
	u64	bytes_received;
	u32	segs_out;
	u32	data_segs_in;
	u32	data_segs_out;
	u32	total_retrans;

	/*
	 * Receive buffer autotuning (xtcp_rcv_space_adjust()): what the
	 * reader took per round trip, and the receiver's own RTT estimate,
	 * the time a window's worth of data takes to arrive.
	 */
	u32	rcvq_space;
	u32	rcvq_seq;
	u32	rcvq_time_us;
	u32	rcv_rtt_us;
	u32	rcv_rtt_seq;
	u32	rcv_rtt_time_us;
	u32	last_data_recv;	/* jiffies */
	u32	last_data_sent;	/* jiffies */
};

/*
 * The socket keeps its jiffies stamps in 32 bits, as Linux's tcp_jiffies32.
 * Stamps and differences must then be taken in 32 bits too: jiffies starts
 * 5 minutes short of 2^32, and a 64-bit "jiffies - stamp" is huge from then on.
 */
static inline u32 xtcp_jiffies32(void)
{
	return (u32)jiffies;
}

static inline u32 xtcp_jiffies32_since(u32 stamp)
{
	return xtcp_jiffies32() - stamp;
}

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

/* Whether rtx_timer is armed for something (XTCP_TIMER_NONE is not). */
static inline bool xtcp_rtx_armed(const struct xtcp_sock *xs)
{
	return xs->rtx_pending != XTCP_TIMER_NONE &&
	       timer_pending(&xs->rtx_timer);
}

/* The socket's congestion control (TCP_CONGESTION). */
static inline const struct xtcp_cong_ops *xtcp_ca_ops(const struct xtcp_sock *xs)
{
	return xtcp_cong_algos[READ_ONCE(xs->ca_id)];
}

/* bind() and connect() take AF_XTCP, or AF_INET with the same layout. */
static inline bool xtcp_family_ok(sa_family_t family)
{
	return family == AF_XTCP || family == AF_INET;
}

/* A listener's accept queue; NULL if it never listened. */
static inline struct xtcp_accept_queue *xtcp_acceptq(const struct xtcp_sock *xs)
{
	return xs->listened ? xs->acceptq : NULL;
}

/*
 * A child's listener until accept() takes it; NULL on other sockets.
 * Read once: accept() clears it without the child's BH lock.
 */
static inline struct sock *xtcp_parent(const struct xtcp_sock *xs)
{
	return xs->listened ? NULL : READ_ONCE(xs->parent);
}

/* A listener has no established child waiting for accept(). */
static inline bool xtcp_accept_queue_empty(struct xtcp_sock *xs)
{
	struct xtcp_accept_queue *q = xtcp_acceptq(xs);
	bool empty;

	spin_lock_bh(&q->lock);
	empty = list_empty(&q->children);
	spin_unlock_bh(&q->lock);
	return empty;
}

/* The first segment never sent, or NULL (Linux's tcp_send_head()). */
static inline struct sk_buff *xtcp_send_head(const struct sock *sk)
{
	return skb_peek(&sk->sk_write_queue);
}

/* The oldest segment sent and not cumulatively acknowledged, or NULL. */
static inline struct sk_buff *xtcp_rtx_head(const struct sock *sk)
{
	return skb_rb_first(&sk->tcp_rtx_queue);
}

/*
 * Segments an skb on the write or retransmission queue carries, as Linux's
 * tcp_skb_pcount(): kept in gso_segs, with gso_size the MSS it was cut
 * for, so that a transmitted clone is a GSO skb as it stands.
 */
static inline u32 xtcp_skb_pcount(const struct sk_buff *skb)
{
	return skb_shinfo(skb)->gso_segs;
}

/* Nothing waits to be sent and nothing waits for an ACK. */
/* The window was cut: an ECN peer is told by CWR on the next new data. */
static inline void xtcp_ecn_queue_cwr(struct xtcp_sock *xs)
{
	if (xs->ecn_flags & XTCP_ECN_OK)
		xs->ecn_flags |= XTCP_ECN_QUEUE_CWR;
}

/* PRR is bringing the window down: fast recovery, or CWR for ECN. */
static inline bool xtcp_in_cwnd_reduction(const struct xtcp_sock *xs)
{
	return xs->ca_state == XTCP_CA_RECOVERY || xs->ca_state == XTCP_CA_CWR;
}

static inline bool xtcp_write_queue_empty(const struct sock *sk)
{
	return skb_queue_empty(&sk->sk_write_queue) &&
	       RB_EMPTY_ROOT(&sk->tcp_rtx_queue);
}

/*
 * Per network namespace tables (xtcp_hash.c), allocated with each
 * namespace, used or not: 48 KB in all.  With 4096 chains a lookup
 * walks a few sockets with 20,000 connections, TIME_WAIT included;
 * Linux's one table for all namespaces has 16384 on a 2 GB machine.
 */
#define XTCP_EHASH_BITS	12
#define XTCP_LHASH_BITS	6
#define XTCP_BHASH_BITS	10
#define XTCP_NR_PORTS	65536

/*
 * Counters, per network namespace, named and counted as Linux's Tcp MIB
 * (/proc/net/snmp) and TcpExt (/proc/net/netstat) ones; XTCP shows them
 * in /proc/net/xtcp_snmp and /proc/net/xtcp_netstat (xtcp_proc.c).
 */
enum xtcp_mib_field {
	/* Tcp */
	XTCP_MIB_ACTIVEOPENS,
	XTCP_MIB_PASSIVEOPENS,
	XTCP_MIB_ATTEMPTFAILS,
	XTCP_MIB_ESTABRESETS,
	XTCP_MIB_INSEGS,
	XTCP_MIB_OUTSEGS,
	XTCP_MIB_RETRANSSEGS,
	XTCP_MIB_INERRS,
	XTCP_MIB_OUTRSTS,
	XTCP_MIB_CSUMERRORS,
	XTCP_MIB_TCP_MAX,
	/* TcpExt */
	XTCP_MIB_LISTENOVERFLOWS = XTCP_MIB_TCP_MAX,
	XTCP_MIB_LISTENDROPS,
	XTCP_MIB_PAWSESTAB,
	XTCP_MIB_DELAYEDACKS,
	XTCP_MIB_OFOQUEUE,
	XTCP_MIB_OFODROP,
	XTCP_MIB_RCVQDROP,
	XTCP_MIB_BACKLOGDROP,
	XTCP_MIB_BACKLOGCOALESCE,
	XTCP_MIB_RENORECOVERY,
	XTCP_MIB_SACKRECOVERY,
	XTCP_MIB_FASTRETRANS,
	XTCP_MIB_SLOWSTARTRETRANS,
	XTCP_MIB_TIMEOUTS,
	XTCP_MIB_LOSSPROBES,
	XTCP_MIB_SPURIOUSRTXHOSTQUEUES,
	XTCP_MIB_LOSTRETRANSMIT,
	XTCP_MIB_SACKRENEGING,
	XTCP_MIB_DSACKOLDSENT,
	XTCP_MIB_DSACKOFOSENT,
	XTCP_MIB_DSACKRECV,
	XTCP_MIB_CHALLENGEACK,
	XTCP_MIB_ACKSKIPPEDSYNRECV,
	XTCP_MIB_ACKSKIPPEDSEQ,
	XTCP_MIB_ACKSKIPPEDPAWS,
	XTCP_MIB_ACKSKIPPEDCHALLENGE,
	XTCP_MIB_ABORTONDATA,
	XTCP_MIB_ABORTONCLOSE,
	XTCP_MIB_ABORTONTIMEOUT,
	XTCP_MIB_KEEPALIVE,
	XTCP_MIB_WINPROBE,
	XTCP_MIB_TIMEWAITOVERFLOW,
	XTCP_MIB_HYSTARTTRAINDETECT,
	XTCP_MIB_HYSTARTTRAINCWND,
	XTCP_MIB_HYSTARTDELAYDETECT,
	XTCP_MIB_HYSTARTDELAYCWND,
	XTCP_MIB_FULLUNDO,
	XTCP_MIB_PARTIALUNDO,
	XTCP_MIB_DSACKUNDO,
	XTCP_MIB_LOSSUNDO,
	XTCP_MIB_SPURIOUSRTOS,
	XTCP_MIB_FASTOPENACTIVE,
	XTCP_MIB_FASTOPENACTIVEFAIL,
	XTCP_MIB_FASTOPENPASSIVE,
	XTCP_MIB_FASTOPENPASSIVEFAIL,
	XTCP_MIB_FASTOPENLISTENOVERFLOW,
	XTCP_MIB_FASTOPENCOOKIEREQD,
	XTCP_MIB_MD5NOTFOUND,
	XTCP_MIB_MD5UNEXPECTED,
	XTCP_MIB_MD5FAILURE,
	XTCP_MIB_OUTOFWINDOWICMPS,
	XTCP_MIB_LOCKDROPPEDICMPS,
	XTCP_MIB_SYNCOOKIESSENT,
	XTCP_MIB_SYNCOOKIESRECV,
	XTCP_MIB_SYNCOOKIESFAILED,
	XTCP_MIB_REQQFULLDOCOOKIES,
	XTCP_MIB_REQQFULLDROP,
	XTCP_MIB_PRUNECALLED,
	XTCP_MIB_OFOPRUNED,
	XTCP_MIB_MEMORYPRESSURES,
	XTCP_MIB_MEMORYPRESSURESCHRONO,
	XTCP_MIB_ABORTONMEMORY,
	XTCP_MIB_WQUEUETOOBIG,
	XTCP_MIB_MINTTLDROP,
	XTCP_MIB_MAX
};

struct xtcp_mib {
	unsigned long	mibs[XTCP_MIB_MAX];
};

/* Bits of sk->sk_tsq_flags, which struct sock keeps for TCP's like. */
enum {
	XTCP_TSQ_THROTTLED,	/* TCP Small Queues (xtcp_output.c) */
	XTCP_TSQ_QUEUED,
	XTCP_TSQ_DEFERRED,
	XTCP_MTU_REDUCED_DEFERRED,	/* xtcp_defer_mtu_reduced() */
	XTCP_ORPHAN_COUNTED,	/* in xtcp_orphan_count() (xtcp_mem.c) */
	XTCP_ACK_NOMEM,		/* next window 0: data dropped for memory */
};

/* net.xtcp.* (xtcp_sysctl.c); times in jiffies. */
struct xtcp_sysctl {
	int	rmem[3];
	int	wmem[3];
	int	syn_retries;
	int	synack_retries;
	int	fin_timeout;
	int	keepalive_time;
	int	keepalive_intvl;
	int	keepalive_probes;
	int	timestamps;
	int	sack;
	int	window_scaling;
	int	invalid_ratelimit;	/* jiffies */
	int	challenge_ack_limit;	/* per second and namespace */
	int	gso;		/* super-segments: 0 never, 1 lo/veth, 2 all */
	int	max_tw_buckets;	/* TIME_WAIT sockets in the namespace */
	int	ecn;		/* 0 never, 1 ask and agree, 2 agree */
	int	ecn_fallback;	/* a retransmitted SYN stops asking */
	int	frto;		/* F-RTO after a timeout (RFC 5682) */
	int	slow_start_after_idle;	/* RFC 2861 restart (not 0: on) */
	int	limit_output_bytes;	/* TCP Small Queues' bound */
	/* Unsent bytes above which a socket is not writable (UINT_MAX: none). */
	unsigned int	notsent_lowat;
	int	fastopen;	/* XTCP_TFO_* bits (xtcp_fastopen.h) */
	int	syncookies;	/* 0 never, 1 when the queue is full, 2 always */
	const struct xtcp_cong_ops *default_ca;
	struct ctl_table_header *hdr;
};

/*
 * Fast Open per namespace (xtcp_cookie.c): the key our cookies are made
 * with (Linux's tcp_fastopen_ctx), and the cookies servers gave us, by
 * address pair (what Linux keeps in tcp_metrics), a small table that
 * forgets the least recently used.
 */
#define XTCP_FASTOPEN_CACHE_SIZE	64

struct xtcp_fastopen_cached {
	__be32	saddr, daddr;	/* 0, 0: a free slot */
	u32	used;		/* jiffies, when last given out or set */
	u16	mss;		/* the server's MSS option, 0: none */
	u8	len;		/* cookie bytes, 0: none yet */
	u8	cookie[XTCP_FASTOPEN_COOKIE_MAX];
};

struct xtcp_fastopen_net {
	siphash_key_t	key;
	spinlock_t	lock;	/* the cache */
	struct xtcp_fastopen_cached	cache[XTCP_FASTOPEN_CACHE_SIZE];
};

struct xtcp_net {
	struct xtcp_mib __percpu *mib;
	struct xtcp_sysctl	sysctl;
	atomic_t		curr_estab;	/* ESTABLISHED + CLOSE_WAIT */
	spinlock_t		lock;	/* writers of the three tables */
	struct hlist_nulls_head	*ehash;	/* 1 << XTCP_EHASH_BITS, sk_nulls_node */
	struct hlist_nulls_head	lhash[1 << XTCP_LHASH_BITS];	/* sk_nulls_node */
	struct hlist_head	*bhash;	/* 1 << XTCP_BHASH_BITS, sk_bind_node */
	unsigned long		*port_used;	/* XTCP_NR_PORTS bits: in bhash */
	atomic_t		tw_count;
	/* RFC 5961 challenge ACKs left this second (challenge_ack_limit). */
	u32			challenge_stamp;	/* seconds */
	u32			challenge_count;
	struct xtcp_fastopen_net	fastopen;	/* xtcp_cookie.c */
};

/*
 * Inline: each counter and net.xtcp.* read goes through it, several per
 * segment (Linux's TCP reaches net->mib and net->ipv4 directly).
 */
extern unsigned int xtcp_net_id;

static inline struct xtcp_net *xtcp_pernet(const struct net *net)
{
	struct xtcp_net *xn;

	/*
	 * net_generic(), but in an RCU-sched section: its rcu_read_lock()
	 * is two calls on a preemptible kernel, a dozen times per
	 * transaction here.  Preemption off holds off the kfree_rcu() of
	 * a replaced net->gen as well, RCU's flavours being one since 4.20.
	 */
	rcu_read_lock_sched();
	xn = rcu_dereference_sched(net->gen)->ptr[xtcp_net_id];
	rcu_read_unlock_sched();
	return xn;
}

static inline void xtcp_inc_stats(const struct net *net,
				  enum xtcp_mib_field field)
{
	this_cpu_inc(xtcp_pernet(net)->mib->mibs[field]);
}

static inline void xtcp_add_stats(const struct net *net,
				  enum xtcp_mib_field field, u32 n)
{
	this_cpu_add(xtcp_pernet(net)->mib->mibs[field], n);
}

#define XTCP_INC_STATS(sk, field)	xtcp_inc_stats(sock_net(sk), field)
#define XTCP_ADD_STATS(sk, field, n)	xtcp_add_stats(sock_net(sk), field, n)

/* A net.xtcp.* value of sk's namespace. */
#define XTCP_SYSCTL(sk, field) \
	READ_ONCE(xtcp_pernet(sock_net(sk))->sysctl.field)

/* The memory budget of all XTCP sockets (xtcp_mem.c, xtcp_budget.h). */

extern atomic_long_t xtcp_memory_allocated;
DECLARE_PER_CPU(int, xtcp_memory_per_cpu_fw_alloc);
extern long sysctl_xtcp_mem[3];
extern unsigned long xtcp_memory_pressure;
extern struct percpu_counter xtcp_sockets_allocated;
void xtcp_enter_memory_pressure(struct sock *sk);
void xtcp_leave_memory_pressure(struct sock *sk);
long xtcp_memory_pages(void);
void xtcp_mem_force(struct sock *sk, int size);
/*
 * The states a closed socket counts as an orphan in: not CLOSE, nor
 * FIN_WAIT2 and TIME_WAIT, in which Linux keeps only a timewait sock
 * (net.xtcp.max_tw_buckets bounds those).
 */
static inline bool xtcp_orphan_state(int state)
{
	return !((1 << state) & (TCPF_CLOSE | TCPF_FIN_WAIT2 |
				 TCPF_TIME_WAIT));
}

void xtcp_orphan_count_inc(struct sock *sk);
void xtcp_orphan_count_dec(struct sock *sk);
long xtcp_orphan_count(void);
bool xtcp_check_oom(struct sock *sk, int shift);
bool xtcp_budget_sndbuf_may_grow(const struct sock *sk);
int xtcp_mem_init(void);
void xtcp_mem_exit(void);

/*
 * The send queues' memory changes by @delta bytes: sk_wmem_queued, and
 * the charge to the budget, as Linux's tcp_skb_entail() and
 * tcp_wmem_free_skb().  What no schedule covered (a FIN, the piece a
 * split makes) is forced (xtcp_mem_force()).
 */
static inline void xtcp_wmem_queued_add(struct sock *sk, int delta)
{
	sk_wmem_queued_add(sk, delta);
	if (delta >= 0) {
		/* Scheduled already, as most are: no call. */
		if (unlikely(delta > sk->sk_forward_alloc))
			xtcp_mem_force(sk, delta);
		sk_mem_charge(sk, delta);
	} else {
		sk_mem_uncharge(sk, -delta);
	}
}

/*
 * An acknowledged segment's memory leaves the send queue, but stays in
 * the socket's reserve (sk_forward_alloc) until xtcp_rcv() is done with
 * the segment that acknowledged it: the data that segment carries is
 * charged from the reserve, where a reclaim now would hand a page back
 * to the budget only to take it again.  Linux's receive fast path gets
 * the same by queueing the data before it reads the ACK.
 */
static inline void xtcp_wmem_queued_sub_acked(struct sock *sk, int size)
{
	sk_wmem_queued_add(sk, -size);
	sk_forward_alloc_add(sk, size);
}

void xtcp_hash_init(void);
int xtcp_hash_init_net(struct xtcp_net *xn);
void xtcp_hash_exit_net(struct xtcp_net *xn);
struct sock *xtcp_ehash_first(struct xtcp_net *xn, unsigned int *bucket);
int xtcp_net_register(void);
void xtcp_net_unregister(void);
/* GSO and GRO for IP protocol 253 (xtcp_offload.c). */
int xtcp_offload_init(void);
/* TCP_MD5SIG (xtcp_md5.c). */
int xtcp_md5_setsockopt(struct sock *sk, int optname, sockptr_t optval,
			unsigned int optlen);
bool xtcp_md5_key_for(const struct sock *sk, __be32 addr);
int xtcp_md5_inherit(const struct sock *parent, struct sock *child);
void xtcp_md5_forget(struct sock *sk);
void xtcp_md5_sign(struct sock *sk, struct sk_buff *skb, u8 *sig);
bool __xtcp_md5_inbound_drop(struct sock *sk, struct sk_buff *skb);

/* The fast path of every segment: no keys, no room for the option. */
static inline bool xtcp_md5_inbound_drop(struct sock *sk,
					 struct sk_buff *skb)
{
	if (likely(!xtcp_sk(sk)->md5 &&
		   tcp_hdr(skb)->doff * 4 <
		   sizeof(struct tcphdr) + XTCPOLEN_MD5SIG))
		return false;
	return __xtcp_md5_inbound_drop(sk, skb);
}

int xtcp_md5_reply_len(const struct sock *sk, const struct sk_buff *in);
void xtcp_md5_reply_sign(const struct sock *sk, struct sk_buff *rst,
			 __be32 saddr, __be32 daddr, u8 *sig);
void xtcp_md5_exit(void);
/* Fast Open's cookies (xtcp_cookie.c). */
void xtcp_fastopen_init_net(struct xtcp_net *xn);
void xtcp_fastopen_cookie_make(const struct net *net, __be32 saddr,
			       __be32 daddr, struct xtcp_opts *fo);
bool xtcp_fastopen_cookie_valid(const struct net *net, __be32 saddr,
				__be32 daddr, const struct xtcp_opts *o);
bool xtcp_fastopen_cache_get(const struct net *net, __be32 saddr,
			     __be32 daddr, struct xtcp_opts *fo, u16 *mss);
void xtcp_fastopen_cache_set(const struct net *net, __be32 saddr,
			     __be32 daddr, u16 mss, const struct xtcp_opts *o);
void xtcp_offload_exit(void);

/* Time base for RTT samples, from a reading of ktime_get_ns(). */
static inline u32 xtcp_ns_to_us(u64 ns)
{
	return (u32)div_u64(ns, NSEC_PER_USEC);
}

static inline u32 xtcp_clock_us(void)
{
	return xtcp_ns_to_us(ktime_get_ns());
}

/* Our TSval clock: milliseconds, like Linux's (RFC 7323 5.4). */
static inline u32 xtcp_ns_to_ms(u64 ns)
{
	return (u32)div_u64(ns, NSEC_PER_MSEC);
}

static inline u32 xtcp_clock_ms(void)
{
	return xtcp_ns_to_ms(ktime_get_ns());
}

static inline u32 xtcp_tsval_at(const struct xtcp_sock *xs, u64 ns)
{
	return xtcp_ns_to_ms(ns) + xs->ts_off;
}

static inline u32 xtcp_tsval(const struct xtcp_sock *xs)
{
	return xtcp_tsval_at(xs, ktime_get_ns());
}

/* The episode's first retransmission, unless one was stamped already. */
static inline void xtcp_stamp_retrans(struct xtcp_sock *xs)
{
	if (!xs->retrans_stamp)
		xs->retrans_stamp = xtcp_tsval(xs) ? : 1;
}

/* What is left of the window we advertised last, from rcv_nxt on. */
static inline u32 xtcp_rcv_wnd_left(const struct xtcp_sock *xs)
{
	u32 right = xs->rcv_wup + xs->rcv_wnd;

	return xtcp_seq_after(right, xs->rcv_nxt) ? right - xs->rcv_nxt : 0;
}

/* Largest window our header can announce: 65535, scaled once agreed. */
static inline u32 xtcp_rcv_shift(const struct xtcp_sock *xs)
{
	return xs->wscale_ok ? xs->rcv_wscale : 0;
}

static inline u32 xtcp_max_rcv_wnd(const struct xtcp_sock *xs)
{
	return XTCP_MAX_WINDOW << xtcp_rcv_shift(xs);
}

static inline u32 xtcp_rcv_ssthresh(const struct xtcp_sock *xs)
{
	return (u32)xs->rcv_ssthresh << xtcp_rcv_shift(xs);
}

/* Rounded up to the scale unit, as the windows offered are. */
static inline void xtcp_set_rcv_ssthresh(struct xtcp_sock *xs, u32 bytes)
{
	u32 shift = xtcp_rcv_shift(xs);

	xs->rcv_ssthresh = min_t(u32, DIV_ROUND_UP(bytes, 1U << shift),
				 XTCP_MAX_WINDOW);
}

/*
 * Bytes of TCP options on every segment: timestamps (what Linux's
 * tcp_header_len counts, and so mss_cache and the windows we offer),
 * and an MD5 signature, which Linux takes off the MSS per segment
 * (tcp_current_mss()).
 */
static inline u32 xtcp_ts_opts_len(const struct xtcp_sock *xs)
{
	return xs->ts_ok ? 12 : 0;
}

static inline u32 xtcp_fixed_opts_len(const struct xtcp_sock *xs)
{
	return xtcp_ts_opts_len(xs) + (xs->md5 ? XTCPOLEN_MD5SIG_ALIGNED : 0);
}

/* How long after a listener's last SYN cookie an ACK may return one. */
#define XTCP_COOKIE_VALID	(2 * 60 * HZ)

/* The smallest send MSS (Linux's TCP_MIN_SND_MSS). */
#define XTCP_MIN_SND_MSS	48U

/*
 * The send MSS: mss_cache bounded by half the peer's largest window, as
 * Linux's mss_cache is by tcp_sync_mss(), which runs again whenever that
 * window grows; max_window only grows, so bounding on each use is the
 * same.
 */
static inline u32 xtcp_mss(const struct xtcp_sock *xs)
{
	u32 mss = xs->mss_cache;

	if (unlikely(xs->md5))
		mss -= min_t(u32, mss - XTCP_MIN_SND_MSS,
			     XTCPOLEN_MD5SIG_ALIGNED);
	return xtcp_bound_to_half_wnd(mss, xs->max_window,
				      sizeof(struct tcphdr) +
				      xtcp_fixed_opts_len(xs));
}

/* The MSS TCP_INFO and TCP_MAXSEG report: Linux's mss_cache. */
static inline u32 xtcp_mss_info(const struct xtcp_sock *xs)
{
	return xtcp_bound_to_half_wnd(xs->mss_cache, xs->max_window,
				      sizeof(struct tcphdr) +
				      xtcp_ts_opts_len(xs));
}

/*
 * The path MTU a segment of the send MSS fills, which stands for Linux's
 * icsk_pmtu_cookie: the MSS only falls, so an MTU below this is news.
 */
static inline u32 xtcp_mss_mtu(const struct xtcp_sock *xs)
{
	return xs->mss_cache + xtcp_ts_opts_len(xs) +
	       sizeof(struct iphdr) + sizeof(struct tcphdr);
}

/* Segments in the network (RFC 6675's pipe), for the congestion window. */
static inline u32 xtcp_in_flight(const struct xtcp_sock *xs)
{
	return xtcp_pipe(xs->packets_out, xs->sacked_out, xs->lost_out,
			 xs->retrans_out);
}

/*
 * Does the listen() that made this child still wait for it?  Not once
 * its listener closed, shut down or stopped listening, even if it
 * listens again since (Linux drops the request socket then).
 */
static inline bool xtcp_child_wanted(const struct xtcp_sock *cxs)
{
	return READ_ONCE(xtcp_acceptq(xtcp_sk(xtcp_parent(cxs)))->gen) ==
	       cxs->parent_gen;
}

static inline u32 xtcp_rto_jiffies(const struct xtcp_sock *xs)
{
	return usecs_to_jiffies(xtcp_rto_backoff(xs->rtt.rto_us, xs->backoff));
}

/* xtcp.c */
void xtcp_set_state(struct sock *sk, int state);
void xtcp_child_syn_recv_done(struct xtcp_sock *xs);
struct xtcp_accept_queue *xtcp_acceptq_get(struct sock *sk);
void xtcp_done(struct sock *sk);
void xtcp_done_with_error(struct sock *sk, int err);
void xtcp_init_sock(struct sock *sk);
void xtcp_write_space(struct sock *sk);
int xtcp_listen_start(struct sock *sk);
void xtcp_listen_stop(struct sock *sk);
int xtcp_disconnect(struct sock *sk, int flags);
__poll_t xtcp_poll(struct file *file, struct socket *sock, poll_table *wait);
int xtcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg);
void xtcp_shutdown_send(struct sock *sk);
void xtcp_close(struct sock *sk, long timeout);
void xtcp_mc_drop(struct sock *sk);
int xtcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t size);
int xtcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		 int flags);
struct sock *xtcp_accept_child(struct sock *sk, int flags, int *err);

/* xtcp_sockopt.c */
int xtcp_setsockopt(struct socket *sock, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int xtcp_getsockopt(struct socket *sock, int level, int optname,
		    char __user *optval, int __user *optlen);

/* xtcp_hash.c */
int xtcp_bind_port(struct sock *sk, u16 port);
int xtcp_connect_port(struct sock *sk);
int xtcp_listen_hash(struct sock *sk);
int xtcp_connect_hash(struct sock *sk);
void xtcp_unhash(struct sock *sk);
void xtcp_put_port(struct sock *sk);
struct sock *xtcp_lookup(struct net *net, __be32 saddr, __be16 sport,
			 __be32 daddr, __be16 dport, int dif);
struct sock *xtcp_lookup_established(struct net *net, __be32 saddr,
				     __be16 sport, __be32 daddr,
				     __be16 dport, int dif);
struct sock *xtcp_lookup_listener(struct net *net, __be32 daddr,
				  __be16 dport, int dif);
void xtcp_child_hash(struct sock *parent, struct sock *child);

/* xtcp_rate.c */
/* What an ACK tells of the delivery rate (Linux's struct rate_sample). */
struct xtcp_rate_sample {
	/*
	 * When the ACK is taken: one clock read serves all it does, as
	 * Linux's tcp_mstamp does.
	 */
	u32	now_us;
	bool	valid;
	u32	sent_us;	/* the newest segment delivered: sent then, */
	u32	end_seq;
	u32	prior_delivered;	/* with the connection's state then */
	u32	prior_us;
	u32	first_us;
	/*
	 * Not a rate: the ACK delivered a segment sent before the episode
	 * began (up to recover) and never sent again, which F-RTO takes
	 * as proof that a timeout was spurious (Linux's
	 * FLAG_ORIG_SACK_ACKED).
	 */
	bool	orig_acked;
	/*
	 * RTT samples the ACK offers, in Linux's order of trust
	 * (tcp_ack_update_rtt()): data acknowledged cumulatively and sent
	 * once (Karn), then data newly SACKed and sent once.  *_sent_us:
	 * send times of the oldest and the newest such segment.
	 */
	bool	ack_rtt_ok, sack_rtt_ok;
	u32	ack_first_sent_us, ack_last_sent_us;
	u32	sack_first_sent_us, sack_last_sent_us;
};

void xtcp_rate_on_send(struct xtcp_sock *xs, struct xtcp_skb_cb *cb, u32 now);
void xtcp_rate_skb_delivered(struct xtcp_rate_sample *rs,
			     const struct xtcp_skb_cb *cb);
void xtcp_rate_gen(struct sock *sk, u32 delivered,
		   const struct xtcp_rate_sample *rs);

/* xtcp_ipv4.c */
extern struct proto xtcp_prot;
/*
 * A write that connects (MSG_FASTOPEN, or the first after a deferred
 * TCP_FASTOPEN_CONNECT): its first bytes may ride on the SYN.
 */
struct xtcp_fastopen_req {
	struct msghdr	*msg;
	size_t		size;
	int		copied;	/* bytes the SYN took */
	bool		deferred;	/* connect() had returned already */
};

int xtcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len,
		    struct xtcp_fastopen_req *fo);
int __xtcp_connect(struct socket *sock, struct sockaddr *uaddr, int addr_len,
		   int flags, struct xtcp_fastopen_req *fo);
void xtcp_connect_syn(struct sock *sk, struct xtcp_fastopen_req *fo);
bool xtcp_fastopen_defer_connect(struct sock *sk);
int xtcp_v4_rcv(struct sk_buff *skb);
int xtcp_v4_err(struct sk_buff *skb, u32 info);
void xtcp_v4_mtu_reduced_deferred(struct sock *sk);
int xtcp_backlog_rcv(struct sock *sk, struct sk_buff *skb);
__sum16 xtcp_v4_checksum(struct sk_buff *skb, __be32 saddr, __be32 daddr);
void xtcp_send_reset_reply(struct net *net, const struct sock *sk,
			   struct sk_buff *skb);

/* xtcp_input.c */
int xtcp_rcv(struct sock *sk, struct sk_buff *skb);
bool xtcp_listen_cookie(struct sock *sk, struct sk_buff *skb);
void xtcp_ofo_purge(struct sock *sk);
u32 xtcp_receive_space(const struct sock *sk);
/* The same at another payload share. */
u32 xtcp_receive_space_at(const struct sock *sk, u32 ratio);
void xtcp_rcv_space_adjust(struct sock *sk);
void xtcp_sndbuf_expand(struct sock *sk);

/* xtcp_recovery.c */
void xtcp_skb_delivered(struct xtcp_sock *xs, const struct xtcp_skb_cb *cb,
			u32 now, struct xtcp_rate_sample *rs);
u32 xtcp_rack_detect_loss(struct sock *sk, u32 now);
u32 xtcp_sacktag(struct sock *sk, const struct xtcp_opts *opts, u32 ack,
		 struct xtcp_rate_sample *rs);
bool xtcp_time_to_recover(const struct xtcp_sock *xs);
void xtcp_enter_recovery(struct sock *sk, u32 delivered, bool ece);
void xtcp_enter_cwr(struct sock *sk, u32 in_flight);
void xtcp_prr_ack(struct xtcp_sock *xs, u32 delivered);
bool xtcp_recovery_ack(struct sock *sk, bool advanced, u32 acked_segs,
		       u32 delivered, bool dupack, const struct xtcp_opts *opts);
void xtcp_loss_ack(struct sock *sk, bool advanced, bool dupack, bool sacked,
		   bool orig_acked, const struct xtcp_opts *opts);
bool xtcp_try_undo_dsack(struct sock *sk);
bool xtcp_any_retrans_done(const struct sock *sk);
bool xtcp_mark_skb_lost(struct sock *sk, struct sk_buff *skb);
void xtcp_mark_head_lost(struct sock *sk);
void xtcp_fast_retransmit(struct sock *sk);
void xtcp_enter_loss(struct sock *sk);
void xtcp_simple_retransmit(struct sock *sk);
bool xtcp_tlp_eligible(const struct sock *sk);
void xtcp_schedule_rtx(struct sock *sk);
void xtcp_send_loss_probe(struct sock *sk);

/* xtcp_output.c */
int xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone,
		      gfp_t gfp);
void xtcp_send_new(struct sock *sk, struct sk_buff *skb);
bool xtcp_send_syn(struct sock *sk, const struct xtcp_opts *fo,
		   struct sk_buff *data);
void xtcp_syn_data_sent(struct sock *sk, struct sk_buff *skb, u32 sent_us);
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb, u32 segs);
bool xtcp_still_in_host_queue(struct sock *sk, const struct sk_buff *skb);
struct sk_buff *xtcp_alloc_data_skb(struct sock *sk, gfp_t gfp);
void xtcp_send_challenge_ack(struct sock *sk);
bool xtcp_oow_rate_limited(struct sock *sk, const struct sk_buff *skb,
			   enum xtcp_mib_field skipped);
void xtcp_set_mss(struct sock *sk, u32 peer_mss);
void xtcp_sync_mss(struct sock *sk, u32 pmtu);
void xtcp_check_route_mtu(struct sock *sk);
u8 xtcp_rcv_wscale_for(const struct sock *sk);
void xtcp_v4_send_cookie_synack(const struct sock *lsk, struct sk_buff *in,
				struct xtcp_opts *o, u32 iss, bool ece);
void xtcp_cookie_synack_sent(struct sock *child);
int xtcp_recount_skb(struct sock *sk, struct sk_buff *skb);
void xtcp_defer_mtu_reduced(struct sock *sk);
void xtcp_offer_options(struct sock *sk);
void xtcp_agree_options(struct sock *sk, const struct xtcp_opts *syn);
int xtcp_queue_syn(struct sock *sk, u8 flags, u32 iss);
void xtcp_queue_skb(struct sock *sk, struct sk_buff *skb);
void xtcp_idle_restart_check(struct sock *sk);
void xtcp_update_pacing_rate(struct sock *sk);
void xtcp_release_cb(struct sock *sk);
void xtcp_tsq_init(void);
void xtcp_gso_move_charge(struct sk_buff *gso_skb, struct sk_buff *segs);
void xtcp_tsq_exit(void);
void xtcp_set_skb_pcount(struct sk_buff *skb, u32 mss);
int xtcp_fragment(struct sock *sk, bool in_rtx, struct sk_buff *skb, u32 len,
		  gfp_t gfp);
int xtcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len);
void xtcp_adjust_pcount(struct xtcp_sock *xs, const struct xtcp_skb_cb *cb,
			int decr);
void xtcp_set_gso(struct sock *sk, const struct dst_entry *dst);
void xtcp_gso_software(struct sock *sk, const struct dst_entry *dst);
struct sk_buff *xtcp_alloc_ctl_skb(gfp_t gfp);
void xtcp_queue_fin(struct sock *sk);
void xtcp_write_xmit(struct sock *sk);
void xtcp_xmit_after_timeout(struct sock *sk);
void xtcp_push_pending(struct sock *sk);
void xtcp_send_ack(struct sock *sk);
void xtcp_send_active_reset(struct sock *sk, gfp_t gfp);
struct sk_buff *xtcp_rtx_find(const struct sock *sk, u32 seq);
void xtcp_rtx_unlink(struct sock *sk, struct sk_buff *skb);
void xtcp_rtx_free(struct sock *sk, struct sk_buff *skb);
void xtcp_rtx_free_acked(struct sock *sk, struct sk_buff *skb);
void xtcp_resend_syn(struct sock *sk);
void xtcp_send_probe(struct sock *sk);
bool xtcp_write_wakeup(struct sock *sk);
u32 xtcp_select_rcv_window(struct sock *sk, bool syn);
u32 xtcp_rcv_window_now(struct sock *sk);
void xtcp_free_write_queue(struct sock *sk);
int xtcp_size_goal(const struct sock *sk);

/* xtcp_timer.c */
void xtcp_init_timers(struct sock *sk);
void xtcp_clear_timers(struct sock *sk);
void xtcp_clear_timers_sync(struct sock *sk);
void xtcp_arm_rtx(struct sock *sk);
void xtcp_arm_rtx_timer(struct sock *sk, u8 what, unsigned long delay);
void xtcp_arm_delack(struct sock *sk);
void xtcp_enter_time_wait(struct sock *sk);
void xtcp_arm_fin_wait2(struct sock *sk);
void xtcp_keepalive(struct sock *sk, int val);
void xtcp_reset_keepalive(struct sock *sk);
u32 xtcp_keepalive_time(const struct xtcp_sock *xs);
u32 xtcp_keepalive_intvl(const struct xtcp_sock *xs);
u32 xtcp_keepalive_probes(const struct xtcp_sock *xs);
void xtcp_release_net(struct sock *sk);

/* xtcp_cong.c */
const struct xtcp_cong_ops *xtcp_cong_find(const char *name);
void xtcp_cong_names(char *buf, size_t size);
void xtcp_cong_set_ops(struct sock *sk, const struct xtcp_cong_ops *ops);
void xtcp_cong_ctx(const struct sock *sk, u32 now_us,
		   struct xtcp_cong_ctx *ctx);
bool xtcp_stream_memory_free(const struct sock *sk, int wake);
void xtcp_cong_rtt(struct sock *sk, u32 rtt_us, u32 now_us);

/* xtcp_proc.c */
int xtcp_proc_init_net(struct net *net);
void xtcp_proc_exit_net(struct net *net);

/* xtcp_sysctl.c */
int xtcp_sysctl_init_net(struct net *net);
void xtcp_sysctl_exit_net(struct net *net);

#endif /* _XTCP_H */
