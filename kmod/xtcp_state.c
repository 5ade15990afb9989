// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: TCP state transitions (RFC 9293 3.3.2, figure 5).
 *
 * Only computation: the module calls these with values from the socket
 * and the segment and acts on the answer, and kmod/test/ compiles this
 * file in user space to test every rule under sanitizers.
 */
#include "xtcp_state.h"

int xtcp_state_on_close(int state, bool *send_fin)
{
	bool fin = false;

	switch (state) {
	case XTCP_ESTABLISHED:
	case XTCP_SYN_RECV:
		/* SYN_RECV too: RFC 9293 3.10.4 queues the FIN, Linux sends it. */
		state = XTCP_FIN_WAIT1;
		fin = true;
		break;
	case XTCP_CLOSE_WAIT:
		/* The peer has finished already: ours is the last FIN. */
		state = XTCP_LAST_ACK;
		fin = true;
		break;
	case XTCP_LISTEN:
	case XTCP_SYN_SENT:
	case XTCP_CLOSE:
		/* Nothing was said to a peer yet that a FIN would end. */
		state = XTCP_CLOSE;
		break;
	default:
		/* A FIN is already on its way (or done): nothing to do. */
		break;
	}
	if (send_fin)
		*send_fin = fin;
	return state;
}

int xtcp_state_on_fin(int state)
{
	switch (state) {
	case XTCP_SYN_RECV:
	case XTCP_ESTABLISHED:
		return XTCP_CLOSE_WAIT;
	case XTCP_FIN_WAIT1:
		/* Both sides closed at once, ours not yet acknowledged. */
		return XTCP_CLOSING;
	case XTCP_FIN_WAIT2:
		return XTCP_TIME_WAIT;
	default:
		return state;
	}
}
