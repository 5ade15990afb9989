// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: ECN (RFC 3168) negotiation and marks, as Linux's
 * tcp_ecn_*() helpers decide them.
 */
#include "xtcp_ecn.h"

#define XTCP_FLAGS_ECN	(XTCP_FLAG_ECE | XTCP_FLAG_CWR)

bool xtcp_ecn_offer(int sysctl_ecn)
{
	return sysctl_ecn == 1;
}

bool xtcp_ecn_syn_acceptable(u8 tcp_flags, u8 ip_dsfield, int sysctl_ecn)
{
	return sysctl_ecn && (tcp_flags & XTCP_FLAGS_ECN) == XTCP_FLAGS_ECN &&
	       (ip_dsfield & XTCP_IP_ECN_MASK) == XTCP_IP_NOT_ECT;
}

u8 xtcp_ecn_rcv_synack(u8 ecn_flags, u8 tcp_flags)
{
	if ((tcp_flags & XTCP_FLAGS_ECN) != XTCP_FLAG_ECE)
		ecn_flags &= ~XTCP_ECN_OK;
	return ecn_flags;
}

u8 xtcp_ecn_rcv_syn(u8 ecn_flags, u8 tcp_flags)
{
	if ((tcp_flags & XTCP_FLAGS_ECN) != XTCP_FLAGS_ECN)
		ecn_flags &= ~XTCP_ECN_OK;
	return ecn_flags;
}

u8 xtcp_ecn_rcv_data(u8 ecn_flags, u8 ip_dsfield, bool *quickack)
{
	*quickack = false;
	if (!(ecn_flags & XTCP_ECN_OK))
		return ecn_flags;
	switch (ip_dsfield & XTCP_IP_ECN_MASK) {
	case XTCP_IP_NOT_ECT:
		/* The peer sends new data ECT: this is likely a resend. */
		*quickack = !!(ecn_flags & XTCP_ECN_SEEN);
		break;
	case XTCP_IP_CE:
		/* The first CE until the sender answers: ACK at once. */
		if (!(ecn_flags & XTCP_ECN_DEMAND_CWR)) {
			*quickack = true;
			ecn_flags |= XTCP_ECN_DEMAND_CWR;
		}
		ecn_flags |= XTCP_ECN_SEEN;
		break;
	default:
		ecn_flags |= XTCP_ECN_SEEN;
		break;
	}
	return ecn_flags;
}

u8 xtcp_ecn_tx(u8 *ecn_flags, bool new_data, u8 *tcp_flags)
{
	u8 ect = XTCP_IP_NOT_ECT;

	if (!(*ecn_flags & XTCP_ECN_OK))
		return ect;
	if (new_data) {
		ect = XTCP_IP_ECT_0;
		if (*ecn_flags & XTCP_ECN_QUEUE_CWR) {
			*ecn_flags &= ~XTCP_ECN_QUEUE_CWR;
			*tcp_flags |= XTCP_FLAG_CWR;
		}
	}
	if (*ecn_flags & XTCP_ECN_DEMAND_CWR)
		*tcp_flags |= XTCP_FLAG_ECE;
	return ect;
}
