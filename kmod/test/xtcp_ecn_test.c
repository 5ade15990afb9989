// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ECN negotiation and marks (kmod/xtcp_ecn.c), each case as
 * Linux's TCP answers it.
 */
#include "logic_test.h"

#define ECE	XTCP_FLAG_ECE
#define CWR	XTCP_FLAG_CWR
#define SYN	0x02
#define ACK	0x10

/* Only net.xtcp.ecn 1 asks; 2, the default, only agrees. */
TEST(offer)
{
	CHECK(!xtcp_ecn_offer(0), "%s", "0");
	CHECK(xtcp_ecn_offer(1), "%s", "1");
	CHECK(!xtcp_ecn_offer(2), "%s", "2");
}

TEST(syn_acceptable)
{
	static const struct {
		u8 flags, dsfield;
		int sysctl;
		bool ok;
	} t[] = {
		{ SYN | ECE | CWR, XTCP_IP_NOT_ECT, 2, true },
		{ SYN | ECE | CWR, XTCP_IP_NOT_ECT, 1, true },
		{ SYN | ECE | CWR, XTCP_IP_NOT_ECT, 0, false },
		{ SYN | ECE, XTCP_IP_NOT_ECT, 2, false },
		{ SYN | CWR, XTCP_IP_NOT_ECT, 2, false },
		{ SYN, XTCP_IP_NOT_ECT, 1, false },
		/* RFC 3168 6.1.1: a SYN must not be ECT. */
		{ SYN | ECE | CWR, XTCP_IP_ECT_0, 2, false },
		{ SYN | ECE | CWR, XTCP_IP_ECT_1, 2, false },
		{ SYN | ECE | CWR, XTCP_IP_CE, 2, false },
		/* Only the ECN field counts, not the rest of the TOS byte. */
		{ SYN | ECE | CWR, 0x10, 2, true },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(t); i++)
		CHECK_EQ(xtcp_ecn_syn_acceptable(t[i].flags, t[i].dsfield,
						 t[i].sysctl), t[i].ok,
			 "case %u", i);
}

TEST(handshake)
{
	u8 ok = XTCP_ECN_OK;

	CHECK_EQ(xtcp_ecn_rcv_synack(ok, SYN | ACK | ECE), ok, "%s",
		 "SYN-ACK with ECE agrees");
	CHECK_EQ(xtcp_ecn_rcv_synack(ok, SYN | ACK), 0, "%s", "no ECE");
	CHECK_EQ(xtcp_ecn_rcv_synack(ok, SYN | ACK | ECE | CWR), 0, "%s",
		 "ECE and CWR: flags reflected, not understood");
	CHECK_EQ(xtcp_ecn_rcv_synack(0, SYN | ACK | ECE), 0, "%s",
		 "never asked");
	CHECK_EQ(xtcp_ecn_rcv_syn(ok, SYN | ECE | CWR), ok, "%s",
		 "simultaneous open, both ask");
	CHECK_EQ(xtcp_ecn_rcv_syn(ok, SYN | ECE), 0, "%s",
		 "simultaneous open, ECE alone");
}

TEST(rcv_data)
{
	u8 ok = XTCP_ECN_OK, f;
	bool quick;

	f = xtcp_ecn_rcv_data(0, XTCP_IP_CE, &quick);
	CHECK(f == 0 && !quick, "%s", "not agreed: CE means nothing");

	f = xtcp_ecn_rcv_data(ok, XTCP_IP_NOT_ECT, &quick);
	CHECK(f == ok && !quick, "%s", "not ECT before any ECT");
	f = xtcp_ecn_rcv_data(ok, XTCP_IP_ECT_0, &quick);
	CHECK(f == (ok | XTCP_ECN_SEEN) && !quick, "%s", "ECT(0)");
	f = xtcp_ecn_rcv_data(f, XTCP_IP_ECT_1, &quick);
	CHECK(f == (ok | XTCP_ECN_SEEN) && !quick, "%s", "ECT(1)");
	f = xtcp_ecn_rcv_data(f, XTCP_IP_NOT_ECT, &quick);
	CHECK(f == (ok | XTCP_ECN_SEEN) && quick, "%s",
	      "not ECT after ECT: a retransmission, ACK at once");

	f = xtcp_ecn_rcv_data(ok, XTCP_IP_CE, &quick);
	CHECK(f == (ok | XTCP_ECN_SEEN | XTCP_ECN_DEMAND_CWR) && quick, "%s",
	      "CE: echo it, at once");
	f = xtcp_ecn_rcv_data(f, XTCP_IP_CE, &quick);
	CHECK(f == (ok | XTCP_ECN_SEEN | XTCP_ECN_DEMAND_CWR) && !quick,
	      "%s", "CE again before CWR: echo goes on, ACKs as usual");
}

TEST(tx)
{
	u8 f = XTCP_ECN_OK | XTCP_ECN_QUEUE_CWR, flags = ACK;

	CHECK_EQ(xtcp_ecn_tx(&f, false, &flags), XTCP_IP_NOT_ECT, "%s",
		 "a pure ACK or a retransmission is not ECT");
	CHECK(flags == ACK && (f & XTCP_ECN_QUEUE_CWR), "%s",
	      "and does not carry the CWR");
	CHECK_EQ(xtcp_ecn_tx(&f, true, &flags), XTCP_IP_ECT_0, "%s",
		 "new data is ECT(0)");
	CHECK(flags == (ACK | CWR) && f == XTCP_ECN_OK, "%s",
	      "the first new data after a reduction carries CWR");
	flags = ACK;
	CHECK_EQ(xtcp_ecn_tx(&f, true, &flags), XTCP_IP_ECT_0, "%s",
		 "more new data");
	CHECK_EQ(flags, ACK, "%s", "CWR once");

	f = XTCP_ECN_OK | XTCP_ECN_DEMAND_CWR;
	flags = ACK;
	xtcp_ecn_tx(&f, false, &flags);
	CHECK_EQ(flags, ACK | ECE, "%s", "ECE while the CWR is owed");

	f = XTCP_ECN_QUEUE_CWR | XTCP_ECN_DEMAND_CWR;
	flags = ACK;
	CHECK_EQ(xtcp_ecn_tx(&f, true, &flags), XTCP_IP_NOT_ECT, "%s",
		 "not agreed: nothing");
	CHECK_EQ(flags, ACK, "%s", "no flags either");
}

TEST_HARNESS_MAIN
