// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of state transitions (kmod/xtcp_state.c).
 */
#include "logic_test.h"

TEST(states)
{
	static const struct {
		int state;
		const char *name;
		int on_close;
		bool send_fin;
		int on_fin, on_fin_acked;
		bool can_send, can_recv;
	} t[] = {
		{ XTCP_ESTABLISHED, "ESTABLISHED", XTCP_FIN_WAIT1, true,
		  XTCP_CLOSE_WAIT, XTCP_ESTABLISHED, true, true },
		{ XTCP_SYN_SENT, "SYN_SENT", XTCP_CLOSE, false,
		  XTCP_SYN_SENT, XTCP_SYN_SENT, false, false },
		{ XTCP_SYN_RECV, "SYN_RECV", XTCP_FIN_WAIT1, true,
		  XTCP_CLOSE_WAIT, XTCP_SYN_RECV, false, false },
		{ XTCP_FIN_WAIT1, "FIN_WAIT1", XTCP_FIN_WAIT1, false,
		  XTCP_CLOSING, XTCP_FIN_WAIT2, false, true },
		{ XTCP_FIN_WAIT2, "FIN_WAIT2", XTCP_FIN_WAIT2, false,
		  XTCP_TIME_WAIT, XTCP_FIN_WAIT2, false, true },
		{ XTCP_TIME_WAIT, "TIME_WAIT", XTCP_TIME_WAIT, false,
		  XTCP_TIME_WAIT, XTCP_TIME_WAIT, false, false },
		{ XTCP_CLOSE, "CLOSE", XTCP_CLOSE, false,
		  XTCP_CLOSE, XTCP_CLOSE, false, false },
		{ XTCP_CLOSE_WAIT, "CLOSE_WAIT", XTCP_LAST_ACK, true,
		  XTCP_CLOSE_WAIT, XTCP_CLOSE_WAIT, true, false },
		{ XTCP_LAST_ACK, "LAST_ACK", XTCP_LAST_ACK, false,
		  XTCP_LAST_ACK, XTCP_CLOSE, false, false },
		{ XTCP_LISTEN, "LISTEN", XTCP_CLOSE, false,
		  XTCP_LISTEN, XTCP_LISTEN, false, false },
		{ XTCP_CLOSING, "CLOSING", XTCP_CLOSING, false,
		  XTCP_CLOSING, XTCP_TIME_WAIT, false, false },
		/* Not states: nothing happens, named UNKNOWN. */
		{ 0, "UNKNOWN", 0, false, 0, 0, false, false },
		{ 12, "UNKNOWN", 12, false, 12, 12, false, false },
		{ -1, "UNKNOWN", -1, false, -1, -1, false, false },
		{ 255, "UNKNOWN", 255, false, 255, 255, false, false },
	};
	unsigned int i;
	bool fin;

	/* The numbers are Linux's TCP_* (include/net/tcp_states.h). */
	CHECK_EQ(XTCP_ESTABLISHED, 1, "constant");
	CHECK_EQ(XTCP_SYN_SENT, 2, "constant");
	CHECK_EQ(XTCP_SYN_RECV, 3, "constant");
	CHECK_EQ(XTCP_FIN_WAIT1, 4, "constant");
	CHECK_EQ(XTCP_FIN_WAIT2, 5, "constant");
	CHECK_EQ(XTCP_TIME_WAIT, 6, "constant");
	CHECK_EQ(XTCP_CLOSE, 7, "constant");
	CHECK_EQ(XTCP_CLOSE_WAIT, 8, "constant");
	CHECK_EQ(XTCP_LAST_ACK, 9, "constant");
	CHECK_EQ(XTCP_LISTEN, 10, "constant");
	CHECK_EQ(XTCP_CLOSING, 11, "constant");

	for (i = 0; i < ARRAY_LEN(t); i++) {
		CHECK(!strcmp(xtcp_state_name(t[i].state), t[i].name),
		      "state %d: got %s", t[i].state,
		      xtcp_state_name(t[i].state));
		/* Tracepoints copy the name into XTCP_STATE_NAME_LEN bytes. */
		CHECK(strlen(xtcp_state_name(t[i].state)) < XTCP_STATE_NAME_LEN,
		      "%s", t[i].name);
		fin = !t[i].send_fin;
		CHECK_EQ(xtcp_state_on_close(t[i].state, &fin), t[i].on_close,
			 "%s", t[i].name);
		CHECK_EQ(fin, t[i].send_fin, "%s", t[i].name);
		/* send_fin may be NULL. */
		CHECK_EQ(xtcp_state_on_close(t[i].state, NULL), t[i].on_close,
			 "%s", t[i].name);
		CHECK_EQ(xtcp_state_on_fin(t[i].state), t[i].on_fin, "%s",
			 t[i].name);
		CHECK_EQ(xtcp_state_on_fin_acked(t[i].state), t[i].on_fin_acked,
			 "%s", t[i].name);
		CHECK_EQ(xtcp_state_can_send(t[i].state), t[i].can_send, "%s",
			 t[i].name);
		CHECK_EQ(xtcp_state_can_recv_data(t[i].state), t[i].can_recv,
			 "%s", t[i].name);
	}
}

/* Whole closes, event by event, through figure 5 of RFC 9293. */
TEST(close_sequences)
{
	bool fin;
	int s;

	/* Active close: FIN_WAIT1 -> FIN_WAIT2 -> TIME_WAIT. */
	s = xtcp_state_on_close(XTCP_ESTABLISHED, &fin);
	CHECK(s == XTCP_FIN_WAIT1 && fin, "active close");
	s = xtcp_state_on_fin_acked(s);
	CHECK_EQ(s, XTCP_FIN_WAIT2, "active close");
	s = xtcp_state_on_fin(s);
	CHECK_EQ(s, XTCP_TIME_WAIT, "active close");

	/* Passive close: CLOSE_WAIT -> LAST_ACK -> CLOSE. */
	s = xtcp_state_on_fin(XTCP_ESTABLISHED);
	CHECK_EQ(s, XTCP_CLOSE_WAIT, "passive close");
	s = xtcp_state_on_close(s, &fin);
	CHECK(s == XTCP_LAST_ACK && fin, "passive close");
	s = xtcp_state_on_fin_acked(s);
	CHECK_EQ(s, XTCP_CLOSE, "passive close");

	/* Simultaneous close: FIN_WAIT1 -> CLOSING -> TIME_WAIT. */
	s = xtcp_state_on_close(XTCP_ESTABLISHED, &fin);
	s = xtcp_state_on_fin(s);
	CHECK_EQ(s, XTCP_CLOSING, "simultaneous close");
	s = xtcp_state_on_fin_acked(s);
	CHECK_EQ(s, XTCP_TIME_WAIT, "simultaneous close");

	/* FIN+ACK of our FIN in one segment: ack first, then FIN. */
	s = xtcp_state_on_close(XTCP_ESTABLISHED, &fin);
	s = xtcp_state_on_fin(xtcp_state_on_fin_acked(s));
	CHECK_EQ(s, XTCP_TIME_WAIT, "FIN+ACK");
}

TEST_HARNESS_MAIN
