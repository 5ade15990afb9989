// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP's memory budget (xtcp_budget.h has the rules): the counters that
 * struct proto points at, so that the kernel's sk_mem_schedule(),
 * sk_mem_charge() and sk_mem_reclaim() account every queued skb to one
 * total, as they do for TCP with tcp_memory_allocated; the pressure state;
 * the count of orphans; and the two host-wide sysctls, net.xtcp.mem and
 * net.xtcp.max_orphans, which, like tcp_mem and tcp_max_orphans, only the
 * initial namespace shows: a namespace must not raise what all of them
 * share.
 */
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/percpu_counter.h>
#include <net/sock.h>

#include "xtcp.h"
#include "xtcp_compat.h"

atomic_long_t xtcp_memory_allocated ____cacheline_aligned_in_smp;
/* What each CPU holds back before it adds to the total (sock.h). */
DEFINE_PER_CPU(int, xtcp_memory_per_cpu_fw_alloc);
long sysctl_xtcp_mem[3] __read_mostly;		/* pages */
/* jiffies when pressure began; 0 when none. */
unsigned long xtcp_memory_pressure __read_mostly;
struct percpu_counter xtcp_sockets_allocated;
static int sysctl_xtcp_max_orphans __read_mostly;
static DEFINE_PER_CPU(int, xtcp_orphans);

/* Called by __sk_mem_raise_allocated() once the total passes pressure. */
void xtcp_enter_memory_pressure(struct sock *sk)
{
	unsigned long now = jiffies ? : 1;

	if (READ_ONCE(xtcp_memory_pressure))
		return;
	if (!cmpxchg(&xtcp_memory_pressure, 0, now))
		XTCP_INC_STATS(sk, XTCP_MIB_MEMORYPRESSURES);
}

/* And this once it is back under min; the time spent goes to the MIB. */
void xtcp_leave_memory_pressure(struct sock *sk)
{
	unsigned long since;

	if (!READ_ONCE(xtcp_memory_pressure))
		return;
	since = xchg(&xtcp_memory_pressure, 0);
	if (since)
		XTCP_ADD_STATS(sk, XTCP_MIB_MEMORYPRESSURESCHRONO,
			       jiffies_to_msecs(jiffies - since));
}

/* Pages all XTCP sockets hold, as /proc/net/sockstat's "mem". */
long xtcp_memory_pages(void)
{
	/* CPUs' reserves (sock.h) can leave the total a little below 0. */
	return max(0L, atomic_long_read(&xtcp_memory_allocated));
}

/*
 * Charge @size bytes that must not fail (a FIN, the piece a split makes,
 * the skb an empty receive queue takes) whatever the budget says, as
 * Linux's sk_forced_mem_schedule(), which modules cannot call: the pages
 * go to sk_forward_alloc and straight to the total.  A socket in a memory
 * cgroup is left short instead, until its next schedule makes it up: the
 * cgroup's charge is not the module's to make.
 */
void xtcp_mem_force(struct sock *sk, int size)
{
	int delta = size - sk->sk_forward_alloc;
	int pages;

	if (delta <= 0 || (mem_cgroup_sockets_enabled && sk->sk_memcg))
		return;
	pages = sk_mem_pages(delta);
	sk_forward_alloc_add(sk, pages << PAGE_SHIFT);
	atomic_long_add(pages, &xtcp_memory_allocated);
}

/*
 * The user closed @sk and the stack finishes it: an orphan while in
 * xtcp_orphan_state().  The bit makes the count exact whichever way the
 * socket ends.
 */
void xtcp_orphan_count_inc(struct sock *sk)
{
	if (!test_and_set_bit(XTCP_ORPHAN_COUNTED, &sk->sk_tsq_flags))
		this_cpu_inc(xtcp_orphans);
}

void xtcp_orphan_count_dec(struct sock *sk)
{
	/* Every socket's close passes here: no atomic for the others. */
	if (test_bit(XTCP_ORPHAN_COUNTED, &sk->sk_tsq_flags) &&
	    test_and_clear_bit(XTCP_ORPHAN_COUNTED, &sk->sk_tsq_flags))
		this_cpu_dec(xtcp_orphans);
}

long xtcp_orphan_count(void)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(xtcp_orphans, cpu);
	return sum > 0 ? sum : 0;
}

/*
 * Should an orphan (or a socket being orphaned) be given up for memory
 * (Linux's tcp_check_oom())?  @shift: see xtcp_orphans_too_many().
 */
/* net.xtcp.mem as it is now: a writer may change it at any time. */
static void xtcp_mem_limits(long mem[3])
{
	int i;

	for (i = 0; i < 3; i++)
		mem[i] = READ_ONCE(sysctl_xtcp_mem[i]);
}

bool xtcp_check_oom(struct sock *sk, int shift)
{
	long mem[3];
	bool orphans, oom;

	xtcp_mem_limits(mem);
	orphans = xtcp_orphans_too_many(xtcp_orphan_count(), shift,
					READ_ONCE(sysctl_xtcp_max_orphans));
	oom = xtcp_out_of_memory(READ_ONCE(sk->sk_wmem_queued),
				 SOCK_MIN_SNDBUF, xtcp_memory_pages(), mem);
	if (orphans)
		net_info_ratelimited("xtcp: too many orphaned sockets\n");
	if (oom)
		net_info_ratelimited("xtcp: out of memory -- consider tuning net.xtcp.mem\n");
	return orphans || oom;
}

/* May sk's send buffer grow, as far as the budget goes? */
bool xtcp_budget_sndbuf_may_grow(const struct sock *sk)
{
	long mem[3];

	xtcp_mem_limits(mem);
	return xtcp_sndbuf_may_grow(sk_under_memory_pressure(sk),
				    xtcp_memory_pages(), mem);
}

static struct ctl_table xtcp_budget_table[] = {
	{
		.procname	= "mem",
		.data		= &sysctl_xtcp_mem,
		.maxlen		= sizeof(sysctl_xtcp_mem),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
	},
	{
		.procname	= "max_orphans",
		.data		= &sysctl_xtcp_max_orphans,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec,
	},
	{ }	/* 6.1 wants the end marked */
};

static struct ctl_table_header *xtcp_budget_hdr;

int xtcp_mem_init(void)
{
	int err;

	xtcp_mem_defaults(nr_free_buffer_pages(), sysctl_xtcp_mem);
	sysctl_xtcp_max_orphans = xtcp_max_orphans_default(1U << XTCP_EHASH_BITS);
	err = percpu_counter_init(&xtcp_sockets_allocated, 0, GFP_KERNEL);
	if (err)
		return err;
	xtcp_budget_hdr = xtcp_register_net_sysctl(&init_net, "net/xtcp",
						   xtcp_budget_table,
						   ARRAY_SIZE(xtcp_budget_table) - 1);
	if (!xtcp_budget_hdr) {
		percpu_counter_destroy(&xtcp_sockets_allocated);
		return -ENOMEM;
	}
	return 0;
}

/* After the protocol is unregistered: no socket is left to count. */
void xtcp_mem_exit(void)
{
	unregister_net_sysctl_table(xtcp_budget_hdr);
	percpu_counter_destroy(&xtcp_sockets_allocated);
}
