/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP tracepoints, system "xtcp" (tracefs events/xtcp/, perf -e 'xtcp:*'):
 *
 *   xtcp_set_state         every state change (sock:inet_sock_set_state
 *                          fires too, with protocol 253)
 *   xtcp_retransmit_skb    a segment sent again (RTO, fast retransmit,
 *                          RACK, loss probe; SYN and SYN-ACK included)
 *   xtcp_send_reset        a RST leaves: from a connection (skaddr set) or
 *                          in answer to a segment nobody owns (skaddr 0)
 *   xtcp_receive_reset     a RST was accepted and ends a connection
 *   xtcp_probe             after each ACK is processed: the sender's view
 *                          (snd_una/nxt, windows, cwnd, ssthresh, srtt),
 *                          as tcp:tcp_probe
 *
 * Addresses and ports are in every event, so a filter such as
 * 'sport == 5201 || dport == 5201' picks one connection.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xtcp

#if !defined(_XTCP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _XTCP_TRACE_H

#include <linux/tracepoint.h>
#include <net/tcp_states.h>
#include "xtcp.h"

/*
 * States are kept as numbers, for filters and BPF, and printed through
 * xtcp_state_name(), the one table of their names; the name is copied into
 * the event because a format string cannot call a function that tools
 * reading the raw buffer (perf, trace-cmd) know nothing of.
 */
#define xtcp_trace_state_name(field, state)				\
	strscpy(field, xtcp_state_name(state), XTCP_STATE_NAME_LEN)

/* The four-tuple every event starts with, from the socket. */
#define XTCP_TRACE_TUPLE_ASSIGN(sk) do {				\
	const struct sock *__sk = (sk);					\
	const struct inet_sock *__inet = inet_sk(__sk);			\
									\
	__entry->skaddr = __sk;						\
	memcpy(__entry->saddr, &__inet->inet_saddr, 4);			\
	memcpy(__entry->daddr, &__inet->inet_daddr, 4);			\
	__entry->sport = ntohs(__inet->inet_sport);			\
	__entry->dport = ntohs(__inet->inet_dport);			\
} while (0)

TRACE_EVENT(xtcp_set_state,
	    TP_PROTO(const struct sock *sk, int oldstate, int newstate),
	    TP_ARGS(sk, oldstate, newstate),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __array(__u8, saddr, 4)
			     __array(__u8, daddr, 4)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(int, oldstate)
			     __field(int, newstate)
			     __array(char, oldstate_name, XTCP_STATE_NAME_LEN)
			     __array(char, newstate_name, XTCP_STATE_NAME_LEN)),
	    TP_fast_assign(XTCP_TRACE_TUPLE_ASSIGN(sk);
			   __entry->oldstate = oldstate;
			   __entry->newstate = newstate;
			   xtcp_trace_state_name(__entry->oldstate_name, oldstate);
			   xtcp_trace_state_name(__entry->newstate_name, newstate);),
	    TP_printk("sport=%u dport=%u saddr=%pI4 daddr=%pI4 oldstate=%s newstate=%s",
		      __entry->sport, __entry->dport, __entry->saddr, __entry->daddr,
		      __entry->oldstate_name, __entry->newstate_name)
);

TRACE_EVENT(xtcp_retransmit_skb,
	    TP_PROTO(const struct sock *sk, const struct sk_buff *skb),
	    TP_ARGS(sk, skb),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __array(__u8, saddr, 4)
			     __array(__u8, daddr, 4)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(__u32, seq)
			     __field(__u32, end_seq)
			     __field(int, state)
			     __field(__u8, ca_state)
			     __array(char, state_name, XTCP_STATE_NAME_LEN)),
	    TP_fast_assign(XTCP_TRACE_TUPLE_ASSIGN(sk);
			   __entry->seq = XTCP_SKB_CB(skb)->seq;
			   __entry->end_seq = XTCP_SKB_CB(skb)->end_seq;
			   __entry->state = sk->sk_state;
			   xtcp_trace_state_name(__entry->state_name, sk->sk_state);
			   __entry->ca_state = xtcp_sk(sk)->ca_state;),
	    TP_printk("sport=%u dport=%u saddr=%pI4 daddr=%pI4 seq=%u end_seq=%u state=%s ca_state=%u",
		      __entry->sport, __entry->dport, __entry->saddr, __entry->daddr,
		      __entry->seq, __entry->end_seq,
		      __entry->state_name, __entry->ca_state)
);

/* sk is NULL for a RST that answers a segment no connection owns. */
TRACE_EVENT(xtcp_send_reset,
	    TP_PROTO(const struct sock *sk, __be32 saddr, __be32 daddr,
		     __be16 sport, __be16 dport, u32 seq, u32 ack_seq),
	    TP_ARGS(sk, saddr, daddr, sport, dport, seq, ack_seq),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __array(__u8, saddr, 4)
			     __array(__u8, daddr, 4)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(__u32, seq)
			     __field(__u32, ack_seq)
			     __field(int, state)
			     __array(char, state_name, XTCP_STATE_NAME_LEN)),
	    TP_fast_assign(__entry->skaddr = sk;
			   memcpy(__entry->saddr, &saddr, 4);
			   memcpy(__entry->daddr, &daddr, 4);
			   __entry->sport = ntohs(sport);
			   __entry->dport = ntohs(dport);
			   __entry->seq = seq;
			   __entry->ack_seq = ack_seq;
			   __entry->state = sk ? sk->sk_state : TCP_CLOSE;
			   xtcp_trace_state_name(__entry->state_name, __entry->state);),
	    TP_printk("sport=%u dport=%u saddr=%pI4 daddr=%pI4 seq=%u ack_seq=%u state=%s",
		      __entry->sport, __entry->dport, __entry->saddr, __entry->daddr,
		      __entry->seq, __entry->ack_seq,
		      __entry->state_name)
);

TRACE_EVENT(xtcp_receive_reset,
	    TP_PROTO(const struct sock *sk),
	    TP_ARGS(sk),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __array(__u8, saddr, 4)
			     __array(__u8, daddr, 4)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(int, state)
			     __array(char, state_name, XTCP_STATE_NAME_LEN)),
	    TP_fast_assign(XTCP_TRACE_TUPLE_ASSIGN(sk);
			   __entry->state = sk->sk_state;
			   xtcp_trace_state_name(__entry->state_name, sk->sk_state);),
	    TP_printk("sport=%u dport=%u saddr=%pI4 daddr=%pI4 state=%s",
		      __entry->sport, __entry->dport, __entry->saddr, __entry->daddr,
		      __entry->state_name)
);

TRACE_EVENT(xtcp_probe,
	    TP_PROTO(const struct sock *sk, const struct sk_buff *skb),
	    TP_ARGS(sk, skb),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __array(__u8, saddr, 4)
			     __array(__u8, daddr, 4)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(__u32, ack_seq)
			     __field(__u16, seg_len)
			     __field(__u32, snd_una)
			     __field(__u32, snd_nxt)
			     __field(__u32, snd_wnd)
			     __field(__u32, snd_cwnd)
			     __field(__u32, ssthresh)
			     __field(__u32, srtt)
			     __field(__u32, rcv_wnd)
			     __field(__u32, packets_out)
			     __field(__u8, ca_state)),
	    TP_fast_assign(XTCP_TRACE_TUPLE_ASSIGN(sk);
			   __entry->ack_seq = XTCP_SKB_CB(skb)->ack_seq;
			   __entry->seg_len = XTCP_SKB_CB(skb)->end_seq -
					   XTCP_SKB_CB(skb)->seq;
			   __entry->snd_una = xtcp_sk(sk)->snd_una;
			   __entry->snd_nxt = xtcp_sk(sk)->snd_nxt;
			   __entry->snd_wnd = xtcp_sk(sk)->snd_wnd;
			   __entry->snd_cwnd = xtcp_sk(sk)->cong.cwnd;
			   __entry->ssthresh = xtcp_sk(sk)->cong.ssthresh;
			   __entry->srtt = xtcp_sk(sk)->rtt.srtt_us;
			   __entry->rcv_wnd = xtcp_sk(sk)->rcv_wnd;
			   __entry->packets_out = xtcp_sk(sk)->packets_out;
			   __entry->ca_state = xtcp_sk(sk)->ca_state;),
	    TP_printk("sport=%u dport=%u saddr=%pI4 daddr=%pI4 ack=%u seg_len=%u snd_una=%u snd_nxt=%u snd_wnd=%u snd_cwnd=%u ssthresh=%u srtt=%u rcv_wnd=%u packets_out=%u ca_state=%u",
		      __entry->sport, __entry->dport, __entry->saddr, __entry->daddr,
		      __entry->ack_seq, __entry->seg_len,
		      __entry->snd_una, __entry->snd_nxt, __entry->snd_wnd,
		      __entry->snd_cwnd, __entry->ssthresh, __entry->srtt,
		      __entry->rcv_wnd, __entry->packets_out, __entry->ca_state)
);

#endif /* _XTCP_TRACE_H */

/* Out of the kernel tree: Kbuild puts kmod/ on the include path. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE xtcp_trace
#include <trace/define_trace.h>
