/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The global memory budget of all XTCP sockets together, as Linux's
 * tcp_mem: net.xtcp.mem holds three sizes in pages.  Below min nobody is
 * held back; above pressure the buffers stop growing and windows shrink;
 * above max a socket may not take more memory than its rmem[0]/wmem[0]
 * guarantee, so new data is dropped (and counted) and writers wait.  The
 * kernel's __sk_mem_schedule() applies the three thresholds to the
 * counters struct proto points at; these are XTCP's own decisions
 * around them.  net.xtcp.max_orphans bounds the sockets the user closed
 * and the stack still finishes (Linux's tcp_max_orphans).
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_BUDGET_H
#define _XTCP_BUDGET_H

#include "xtcp_seq.h"

/*
 * net.xtcp.mem's defaults from the pages the kernel can give buffers, as
 * Linux's tcp_init_mem(): pressure at a sixteenth of them (128 at least),
 * min three quarters of that, max twice min.
 */
void xtcp_mem_defaults(unsigned long buffer_pages, long mem[3]);

/* net.xtcp.max_orphans' default: half the connection table, as Linux's. */
int xtcp_max_orphans_default(unsigned int ehash_size);

/*
 * Too many orphans?  @shift doubles the count for each reason to think a
 * peer is gone (Linux's tcp_too_many_orphans()).
 */
bool xtcp_orphans_too_many(long orphans, int shift, int max_orphans);

/*
 * Has a socket holding @wmem_queued bytes to send gone past the budget's
 * max (Linux's tcp_out_of_memory())?  Not one with no more queued than
 * the smallest send buffer, @min_sndbuf.
 */
bool xtcp_out_of_memory(int wmem_queued, int min_sndbuf, long allocated,
			const long mem[3]);

/*
 * May a send buffer grow (Linux's tcp_should_expand_sndbuf(), the
 * budget's part): not under pressure, and not once all XTCP sockets
 * together hold min or more.
 */
static inline bool xtcp_sndbuf_may_grow(bool pressure, long allocated,
					const long mem[3])
{
	return !pressure && allocated < mem[0];
}

/*
 * Under pressure the window's slow start falls back to four segments
 * (Linux's tcp_adjust_rcv_ssthresh()), so that peers send less.
 */
u32 xtcp_pressure_rcv_ssthresh(u32 rcv_ssthresh, u32 advmss);

#endif /* _XTCP_BUDGET_H */
