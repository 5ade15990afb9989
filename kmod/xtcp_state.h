/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP states (RFC 9293 3.3.2) and their transitions, for xtcp.c and
 * xtcp_input.c.
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_STATE_H
#define _XTCP_STATE_H

#include <linux/xtcp.h>	/* enum xtcp_state */

#include "xtcp_seq.h"

/*
 * "ESTABLISHED", "SYN_SENT", ...; "UNKNOWN" for any other number.  The one
 * table of state names: the tracepoints, xtcp_ss and the selftests use it.
 */
#define XTCP_STATE_NAME_LEN	12	/* the longest, "ESTABLISHED", and NUL */

static inline const char *xtcp_state_name(int state)
{
	switch (state) {
	case XTCP_ESTABLISHED:
		return "ESTABLISHED";
	case XTCP_SYN_SENT:
		return "SYN_SENT";
	case XTCP_SYN_RECV:
		return "SYN_RECV";
	case XTCP_FIN_WAIT1:
		return "FIN_WAIT1";
	case XTCP_FIN_WAIT2:
		return "FIN_WAIT2";
	case XTCP_TIME_WAIT:
		return "TIME_WAIT";
	case XTCP_CLOSE:
		return "CLOSE";
	case XTCP_CLOSE_WAIT:
		return "CLOSE_WAIT";
	case XTCP_LAST_ACK:
		return "LAST_ACK";
	case XTCP_LISTEN:
		return "LISTEN";
	case XTCP_CLOSING:
		return "CLOSING";
	default:
		return "UNKNOWN";
	}
}

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
static inline int xtcp_state_on_fin_acked(int state)
{
	switch (state) {
	case XTCP_FIN_WAIT1:
		return XTCP_FIN_WAIT2;
	case XTCP_CLOSING:
		return XTCP_TIME_WAIT;
	case XTCP_LAST_ACK:
		return XTCP_CLOSE;
	default:
		return state;
	}
}

/* May the user queue data to send?  ESTABLISHED and CLOSE_WAIT. */
static inline bool xtcp_state_can_send(int state)
{
	return state == XTCP_ESTABLISHED || state == XTCP_CLOSE_WAIT;
}

/* May data arrive?  ESTABLISHED, FIN_WAIT1 and FIN_WAIT2. */
static inline bool xtcp_state_can_recv_data(int state)
{
	return state == XTCP_ESTABLISHED || state == XTCP_FIN_WAIT1 ||
	       state == XTCP_FIN_WAIT2;
}

#endif /* _XTCP_STATE_H */
