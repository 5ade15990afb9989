/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP protocol logic that needs no kernel API, split by concern, each
 * next to its users and with its own unit test in kmod/test/:
 *
 *   xtcp_seq.h      sequence arithmetic
 *   xtcp_state.h    states and their transitions
 *   xtcp_window.h   acceptability, the receive window, buffer autotuning
 *   xtcp_rtt.h      the retransmission timer
 *   xtcp_options.h  the option codec and PAWS
 *   xtcp_sack.h     SACK blocks both ways
 *   xtcp_reno.h     NewReno congestion control
 *   xtcp_cubic.h    CUBIC and HyStart
 *   xtcp_rack.h     PRR, RACK-TLP, the delivery rate
 *   xtcp_tso.h      super-segments: their size, and where they are cut
 *   xtcp_ecn.h      ECN: what the handshake agrees, what segments carry
 *   xtcp_undo.h     undoing needless reductions: D-SACK, Eifel, F-RTO
 *   xtcp_syncookie.h  when a listener answers with a SYN cookie, and
 *                   the options the cookie's timestamp carries
 *   xtcp_budget.h   the memory all sockets together may hold, and orphans
 *
 * Everything there is plain arithmetic on its arguments: no locks, no
 * allocation, no clocks.  Every function that is not static is what the
 * module calls for that work: the unit tests test the logic that runs.
 */
#ifndef _XTCP_LOGIC_H
#define _XTCP_LOGIC_H

#include "xtcp_seq.h"
#include "xtcp_state.h"
#include "xtcp_window.h"
#include "xtcp_rtt.h"
#include "xtcp_options.h"
#include "xtcp_sack.h"
#include "xtcp_reno.h"
#include "xtcp_cubic.h"
#include "xtcp_rack.h"
#include "xtcp_tso.h"
#include "xtcp_ecn.h"
#include "xtcp_undo.h"
#include "xtcp_fastopen.h"
#include "xtcp_budget.h"
#include "xtcp_syncookie.h"

#endif /* _XTCP_LOGIC_H */
