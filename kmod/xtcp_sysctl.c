// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP sysctls: /proc/sys/net/xtcp/, one set per network namespace, with
 * the names, units, ranges and errors of Linux's net.ipv4.tcp_* knobs:
 *
 *   rmem, wmem          min default max (bytes).  default: a new socket's
 *                       SO_RCVBUF / SO_SNDBUF; max: how far autotuning
 *                       grows them; rmem max: the window scale offered in
 *                       SYNs (with net.core.rmem_max); min: what a
 *                       socket may hold whatever the budget below says
 *                       (the initial namespace's min, for all).  In a
 *                       namespace other than the first, no value above
 *                       the first namespace's max (xtcp_proc_mem()).
 *   syn_retries, synack_retries, fin_timeout (s),
 *   keepalive_time (s), keepalive_intvl (s), keepalive_probes,
 *   timestamps, sack, window_scaling (offered in our SYN and SYN-ACK),
 *   invalid_ratelimit (ms between out-of-window, PAWS and challenge ACKs
 *   of one socket), challenge_ack_limit (RFC 5961 challenge ACKs per
 *   second and namespace), max_tw_buckets (TIME_WAIT sockets in the
 *   namespace; a connection that would pass it closes at once),
 *   notsent_lowat (unsent bytes above which a socket is not writable;
 *   TCP_NOTSENT_LOWAT overrides it per socket),
 *   ecn (0 never, 1 ask in our SYNs and agree, 2 (default) agree when
 *   asked: RFC 3168, xtcp_ecn.h), ecn_fallback (a SYN retransmitted
 *   stops asking), frto (F-RTO after a timeout, RFC 5682: 0 off, not 0
 *   (2 by default) on, the SACK-enhanced form when the peer SACKs; Linux
 *   reads all values alike), slow_start_after_idle (1 by default: a
 *   sender idle for more than an RTO restarts from a smaller window,
 *   RFC 2861; 0 keeps the window), limit_output_bytes (the most a socket
 *   keeps in qdiscs and device queues, TCP Small Queues; 1 MB),
 *   congestion_control (for new sockets), available_congestion_control,
 *   fastopen (TCP Fast Open, RFC 7413: 0x1 (default) clients send data in
 *   their SYN, 0x2 listeners with TCP_FASTOPEN take it, 0x4 clients send
 *   it without a cookie, 0x200 listeners take it without one, 0x400
 *   every listener takes it, its queue the listen() backlog),
 *   syncookies (RFC 4987 SYN cookies, xtcp_syncookie.h: 0 never, 1
 *   (default) when a listener's half-open connections exceed its
 *   backlog, 2 always).
 *
 * And one of XTCP's own, with no net.ipv4 twin:
 *
 *   gso                 where new connections send super-segments (GSO
 *                       skbs of up to 64 KB): 0 nowhere, 1 (default) over
 *                       loopback and veth, which take them whole, 2 over
 *                       every device.  A device without TSO gets them
 *                       cut by GSO in software; one with TSO gets them
 *                       whole, so 2 is for devices known to segment
 *                       protocol 253 right, and for tests (a tun device).
 *
 * Two more live in the initial namespace only, as tcp_mem and
 * tcp_max_orphans do, for they bound what all namespaces share
 * (xtcp_mem.c): mem (min, pressure, max in pages: the memory budget of
 * all XTCP sockets) and max_orphans.
 *
 * A new namespace starts with XTCP's defaults, except rmem and wmem, which
 * it copies from the initial namespace, as Linux does for tcp_rmem/wmem.
 */
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include "xtcp.h"
#include "xtcp_compat.h"

/* Linux's limits for the same knobs (net/ipv4/sysctl_net_ipv4.c). */
static int xtcp_rmem_min = 4096;
static int xtcp_syn_retries_min = 1;
static int xtcp_syn_retries_max = 127;	/* Linux's MAX_TCP_SYNCNT */
static int xtcp_u8_max = 255;
static int xtcp_gso_max = 2;
static int xtcp_ecn_max = 2;

static void xtcp_sysctl_defaults(struct xtcp_sysctl *sc,
				 const struct xtcp_sysctl *init)
{
	/* Linux's tcp_rmem/tcp_wmem: autotuning grows them from there. */
	static const int rmem[3] = { 4096, 131072, 6291456 };
	static const int wmem[3] = { 4096, 16384, 4194304 };

	memcpy(sc->rmem, init ? init->rmem : rmem, sizeof(sc->rmem));
	memcpy(sc->wmem, init ? init->wmem : wmem, sizeof(sc->wmem));
	sc->syn_retries = XTCP_SYN_RETRIES;
	sc->synack_retries = XTCP_SYNACK_RETRIES;
	sc->fin_timeout = XTCP_FIN_TIMEOUT;
	sc->keepalive_time = 2 * 60 * 60 * HZ;
	sc->keepalive_intvl = 75 * HZ;
	sc->keepalive_probes = 9;
	sc->timestamps = 1;
	sc->sack = 1;
	sc->window_scaling = 1;
	sc->invalid_ratelimit = HZ / 2;
	sc->challenge_ack_limit = INT_MAX;	/* Linux 6.x: no global limit */
	sc->gso = 1;
	sc->max_tw_buckets = XTCP_MAX_TW;
	sc->notsent_lowat = UINT_MAX;
	sc->ecn = 2;
	sc->ecn_fallback = 1;
	sc->frto = 2;
	sc->slow_start_after_idle = 1;
	sc->limit_output_bytes = 16 * 65536;	/* Linux's 1 MB */
	sc->fastopen = XTCP_TFO_DEFAULT;
	sc->syncookies = 1;
	sc->default_ca = xtcp_cong_find(NULL);
}

/* congestion_control: a name in, an algorithm out; unknown names: ENOENT. */
static int xtcp_proc_congestion(XTCP_CTL_TABLE *ctl, int write, void *buffer,
				size_t *lenp, loff_t *ppos)
{
	const struct xtcp_cong_ops **ca = ctl->data;
	char name[XTCP_CA_NAME_MAX];
	struct ctl_table tbl = {
		.data	= name,
		.maxlen	= sizeof(name),
	};
	const struct xtcp_cong_ops *ops;
	int ret;

	strscpy(name, READ_ONCE(*ca)->name, sizeof(name));
	ret = proc_dostring(&tbl, write, buffer, lenp, ppos);
	if (!write || ret)
		return ret;
	ops = xtcp_cong_find(name);
	if (!ops)
		return -ENOENT;
	WRITE_ONCE(*ca, ops);
	return 0;
}

static int xtcp_proc_available_congestion(XTCP_CTL_TABLE *ctl, int write,
					  void *buffer, size_t *lenp,
					  loff_t *ppos)
{
	char names[XTCP_CA_NAME_MAX * 4];
	struct ctl_table tbl = {
		.data	= names,
		.maxlen	= sizeof(names),
	};

	xtcp_cong_names(names, sizeof(names));
	return proc_dostring(&tbl, write, buffer, lenp, ppos);
}

#define XTCP_SYSCTL_INT(_name, _field, _handler, _min, _max) {		\
	.procname	= _name,					\
	.data		= (void *)offsetof(struct xtcp_sysctl, _field),	\
	.maxlen		= sizeof(int),					\
	.mode		= 0644,						\
	.proc_handler	= _handler,					\
	.extra1		= _min,						\
	.extra2		= _max,						\
}

/*
 * rmem and wmem: Linux's minimum for each value, and no value above the
 * initial namespace's maximum (.extra2 points at its three values; NULL
 * in the initial namespace itself).  Linux takes any size in any
 * namespace, and tcp_mem, which only the host sets, bounds what all TCP
 * sockets together may hold; net.xtcp.mem does the same for XTCP
 * (xtcp_mem.c), and this bound stays besides, since an unprivileged user
 * can make a namespace of their own: a namespace may lower the sizes,
 * and only the host may raise them, as only it sets net.core.rmem_max
 * for SO_RCVBUF.  A write is all or nothing.
 */
static int xtcp_proc_mem(XTCP_CTL_TABLE *ctl, int write, void *buffer,
			 size_t *lenp, loff_t *ppos)
{
	const int *host = ctl->extra2;
	int *cur = ctl->data, vals[3], max = INT_MAX;
	struct ctl_table tbl = {
		.data	= vals,
		.maxlen	= sizeof(vals),
		.extra1	= ctl->extra1,
		.extra2	= &max,
	};
	int i, ret;

	for (i = 0; i < 3; i++)
		vals[i] = READ_ONCE(cur[i]);
	if (host)
		max = READ_ONCE(host[2]);
	ret = proc_dointvec_minmax(&tbl, write, buffer, lenp, ppos);
	if (write && !ret)
		for (i = 0; i < 3; i++)
			WRITE_ONCE(cur[i], vals[i]);
	return ret;
}

#define XTCP_SYSCTL_MEM(_name, _field, _min) {				\
	.procname	= _name,					\
	.data		= (void *)offsetof(struct xtcp_sysctl, _field),	\
	.maxlen		= 3 * sizeof(int),	/* min default max */	\
	.mode		= 0644,						\
	.proc_handler	= xtcp_proc_mem,				\
	.extra1		= _min,						\
}

/* .data holds offsets into struct xtcp_sysctl; each namespace rebases them. */
static struct ctl_table xtcp_sysctl_template[] = {
	XTCP_SYSCTL_MEM("rmem", rmem, &xtcp_rmem_min),
	XTCP_SYSCTL_MEM("wmem", wmem, SYSCTL_ONE),
	XTCP_SYSCTL_INT("syn_retries", syn_retries, proc_dointvec_minmax,
			&xtcp_syn_retries_min, &xtcp_syn_retries_max),
	XTCP_SYSCTL_INT("synack_retries", synack_retries, proc_dointvec_minmax,
			SYSCTL_ZERO, &xtcp_u8_max),
	XTCP_SYSCTL_INT("fin_timeout", fin_timeout, proc_dointvec_jiffies,
			NULL, NULL),
	XTCP_SYSCTL_INT("keepalive_time", keepalive_time, proc_dointvec_jiffies,
			NULL, NULL),
	XTCP_SYSCTL_INT("keepalive_intvl", keepalive_intvl,
			proc_dointvec_jiffies, NULL, NULL),
	XTCP_SYSCTL_INT("keepalive_probes", keepalive_probes,
			proc_dointvec_minmax, SYSCTL_ZERO, &xtcp_u8_max),
	/* On when not 0; Linux takes 0-255 for these (u8). */
	XTCP_SYSCTL_INT("timestamps", timestamps, proc_dointvec_minmax,
			SYSCTL_ZERO, &xtcp_u8_max),
	XTCP_SYSCTL_INT("sack", sack, proc_dointvec_minmax,
			SYSCTL_ZERO, &xtcp_u8_max),
	XTCP_SYSCTL_INT("window_scaling", window_scaling,
			proc_dointvec_minmax, SYSCTL_ZERO, &xtcp_u8_max),
	XTCP_SYSCTL_INT("invalid_ratelimit", invalid_ratelimit,
			proc_dointvec_ms_jiffies, NULL, NULL),
	XTCP_SYSCTL_INT("challenge_ack_limit", challenge_ack_limit,
			proc_dointvec, NULL, NULL),
	XTCP_SYSCTL_INT("gso", gso, proc_dointvec_minmax, SYSCTL_ZERO,
			&xtcp_gso_max),
	XTCP_SYSCTL_INT("max_tw_buckets", max_tw_buckets, proc_dointvec,
			NULL, NULL),
	XTCP_SYSCTL_INT("notsent_lowat", notsent_lowat, proc_douintvec,
			NULL, NULL),
	XTCP_SYSCTL_INT("ecn", ecn, proc_dointvec_minmax, SYSCTL_ZERO,
			&xtcp_ecn_max),
	XTCP_SYSCTL_INT("ecn_fallback", ecn_fallback, proc_dointvec_minmax,
			SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_SYSCTL_INT("frto", frto, proc_dointvec_minmax, SYSCTL_ZERO,
			&xtcp_u8_max),
	XTCP_SYSCTL_INT("slow_start_after_idle", slow_start_after_idle,
			proc_dointvec_minmax, SYSCTL_ZERO, &xtcp_u8_max),
	XTCP_SYSCTL_INT("limit_output_bytes", limit_output_bytes,
			proc_dointvec, NULL, NULL),
	/* Linux's tcp_fastopen takes any int. */
	XTCP_SYSCTL_INT("fastopen", fastopen, proc_dointvec, NULL, NULL),
	/* Linux's tcp_syncookies is a u8 (0-255); only 0 and 2 differ. */
	XTCP_SYSCTL_INT("syncookies", syncookies, proc_dointvec_minmax,
			SYSCTL_ZERO, &xtcp_u8_max),
	{
		.procname	= "congestion_control",
		.data		= (void *)offsetof(struct xtcp_sysctl, default_ca),
		.maxlen		= XTCP_CA_NAME_MAX,
		.mode		= 0644,
		.proc_handler	= xtcp_proc_congestion,
	},
	{
		.procname	= "available_congestion_control",
		.maxlen		= XTCP_CA_NAME_MAX * 4,
		.mode		= 0444,
		.proc_handler	= xtcp_proc_available_congestion,
	},
	{ }	/* 6.1 wants the end marked */
};

int xtcp_sysctl_init_net(struct net *net)
{
	struct xtcp_sysctl *sc = &xtcp_pernet(net)->sysctl;
	struct ctl_table *table;
	unsigned int i;

	xtcp_sysctl_defaults(sc, net_eq(net, &init_net) ? NULL :
			     &xtcp_pernet(&init_net)->sysctl);
	table = kmemdup(xtcp_sysctl_template, sizeof(xtcp_sysctl_template),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	/* Every writable entry has its field; the read-only one has none. */
	for (i = 0; i < ARRAY_SIZE(xtcp_sysctl_template) - 1; i++) {
		if (!(table[i].mode & 0200))
			continue;
		/* rmem, wmem: bounded by the initial namespace's maximum. */
		if (table[i].proc_handler == xtcp_proc_mem &&
		    !net_eq(net, &init_net))
			table[i].extra2 = (char *)&xtcp_pernet(&init_net)->sysctl +
					  (uintptr_t)table[i].data;
		table[i].data = (char *)sc + (uintptr_t)table[i].data;
	}
	sc->hdr = xtcp_register_net_sysctl(net, "net/xtcp", table,
					   ARRAY_SIZE(xtcp_sysctl_template) - 1);
	if (!sc->hdr) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

void xtcp_sysctl_exit_net(struct net *net)
{
	struct xtcp_sysctl *sc = &xtcp_pernet(net)->sysctl;
	XTCP_CTL_TABLE *table = sc->hdr->ctl_table_arg;

	unregister_net_sysctl_table(sc->hdr);
	kfree(table);
}
