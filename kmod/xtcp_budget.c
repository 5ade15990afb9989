// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: the global memory budget's defaults and the decisions
 * taken around it (xtcp_budget.h).
 */
#include "xtcp_budget.h"

void xtcp_mem_defaults(unsigned long buffer_pages, long mem[3])
{
	unsigned long limit = buffer_pages / 16;

	if (limit < 128)
		limit = 128;
	mem[0] = limit / 4 * 3;
	mem[1] = limit;
	mem[2] = mem[0] * 2;
}

int xtcp_max_orphans_default(unsigned int ehash_size)
{
	return ehash_size / 2;
}

bool xtcp_orphans_too_many(long orphans, int shift, int max_orphans)
{
	return (orphans << shift) > max_orphans;
}

bool xtcp_out_of_memory(int wmem_queued, int min_sndbuf, long allocated,
			const long mem[3])
{
	return wmem_queued > min_sndbuf && allocated > mem[2];
}

u32 xtcp_pressure_rcv_ssthresh(u32 rcv_ssthresh, u32 advmss)
{
	return rcv_ssthresh < 4 * advmss ? rcv_ssthresh : 4 * advmss;
}
