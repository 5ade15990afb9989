/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Explicit Congestion Notification (RFC 3168), as Linux's TCP does it, for
 * xtcp_input.c and xtcp_output.c: what the handshake agrees, what a data
 * segment's IP ECN field tells the receiver, and what each segment sent
 * carries.  A router that would drop a packet of an ECN-capable flow (ECT)
 * marks it CE instead; the receiver echoes ECE on its ACKs until the
 * sender answers CWR, and the sender reduces its window once per round
 * trip, as for a loss, without losing anything.
 *
 * net.xtcp.ecn, as Linux's tcp_ecn: 0 never, 1 ask in our SYNs and agree
 * when asked, 2 (the default) only agree when asked.
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_ECN_H
#define _XTCP_ECN_H

#include "xtcp_seq.h"

/* TCP header flags ECN uses (byte 13), beside FIN..ACK in xtcp.h. */
#define XTCP_FLAG_ECE		0x40	/* ECN-Echo; on a SYN: ECN wanted */
#define XTCP_FLAG_CWR		0x80	/* congestion window reduced */

/* The IP header's ECN field (RFC 3168 5), the low 2 bits of the TOS byte. */
#define XTCP_IP_ECN_MASK	3
#define XTCP_IP_NOT_ECT		0
#define XTCP_IP_ECT_1		1
#define XTCP_IP_ECT_0		2
#define XTCP_IP_CE		3

/* A socket's ECN state (xs->ecn_flags), as Linux's TCP_ECN_*. */
#define XTCP_ECN_OK		1	/* agreed in the handshake */
#define XTCP_ECN_QUEUE_CWR	2	/* reduced: CWR on the next new data */
#define XTCP_ECN_DEMAND_CWR	4	/* CE came: ECE until CWR comes */
#define XTCP_ECN_SEEN		8	/* data came ECT or CE */

/* Our SYN asks for ECN (ECE and CWR set) only with net.xtcp.ecn 1. */
bool xtcp_ecn_offer(int sysctl_ecn);

/*
 * A listener agrees to a SYN that asks (ECE and CWR) if net.xtcp.ecn is
 * not 0, unless the SYN itself came ECT-marked, which RFC 3168 6.1.1
 * forbids: a middlebox that rewrites the field is on the path.
 */
bool xtcp_ecn_syn_acceptable(u8 tcp_flags, u8 ip_dsfield, int sysctl_ecn);

/*
 * Our SYN asked: a SYN-ACK agrees with ECE and without CWR (RFC 3168
 * 6.1.1; both set is a peer reflecting the flags it does not know).  A
 * SYN met in a simultaneous open agrees with both.  The ECN state after.
 */
u8 xtcp_ecn_rcv_synack(u8 ecn_flags, u8 tcp_flags);
u8 xtcp_ecn_rcv_syn(u8 ecn_flags, u8 tcp_flags);

/*
 * A data segment arrived with @ip_dsfield: the ECN state after.  CE asks
 * for ECE on our ACKs until the sender's CWR; *quickack says the ACKs
 * should not wait (a sender that was told of congestion may have a tiny
 * window), as should those for a segment without ECT after ECT ones (most
 * likely a retransmission).
 */
u8 xtcp_ecn_rcv_data(u8 ecn_flags, u8 ip_dsfield, bool *quickack);

/*
 * A segment of an established connection leaves: its ECN marks.  New
 * data (@new_data: payload at or past snd_nxt) is sent ECT(0), and the
 * first after a reduction carries CWR; pure ACKs and retransmissions are
 * not ECT (RFC 3168 6.1.5).  ECE while the peer owes us a CWR.  Returns
 * the IP ECN field; *tcp_flags gains ECE and CWR as due, and *ecn_flags
 * loses QUEUE_CWR once CWR is sent.
 */
u8 xtcp_ecn_tx(u8 *ecn_flags, bool new_data, u8 *tcp_flags);

#endif /* _XTCP_ECN_H */
