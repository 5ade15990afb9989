// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/xtcp: one line per socket, in /proc/net/tcp's format, so the
 * tools that read that file (and people who know it) read this one.
 *
 * Every socket holding a port is on the namespace's bind table, so a walk
 * of it under the table lock lists listeners, connections and TIME_WAIT.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "xtcp.h"

struct xtcp_iter {
	struct seq_net_private	p;
	int			bucket;
};

/*
 * /proc/net/tcp walks the listening and established tables: a socket that
 * is only bound (or closed with its port kept) is in neither, so not listed.
 */
static bool xtcp_seq_listed(const struct sock *sk)
{
	return inet_sk_state_load(sk) != TCP_CLOSE;
}

/* The next listed socket after @sk, or from the start of it->bucket. */
static struct sock *xtcp_seq_walk(struct xtcp_net *xn, struct xtcp_iter *it,
				  struct sock *sk)
{
	struct hlist_node *node;

	node = sk ? sk->sk_bind_node.next : xn->bhash[it->bucket].first;
	for (;;) {
		while (!node) {
			if (++it->bucket >= 1U << XTCP_BHASH_BITS)
				return NULL;
			node = xn->bhash[it->bucket].first;
		}
		sk = hlist_entry(node, struct sock, sk_bind_node);
		if (xtcp_seq_listed(sk))
			return sk;
		node = node->next;
	}
}

static struct sock *xtcp_seq_at(struct seq_file *seq, loff_t pos)
{
	struct xtcp_net *xn = xtcp_pernet(seq_file_net(seq));
	struct xtcp_iter *it = seq->private;
	struct sock *sk;

	it->bucket = 0;
	sk = xtcp_seq_walk(xn, it, NULL);
	while (sk && pos--)
		sk = xtcp_seq_walk(xn, it, sk);
	return sk;
}

static void *xtcp_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(&xtcp_pernet(seq_file_net(seq))->lock)
{
	struct xtcp_net *xn = xtcp_pernet(seq_file_net(seq));

	spin_lock_bh(&xn->lock);
	return *pos ? xtcp_seq_at(seq, *pos - 1) : SEQ_START_TOKEN;
}

static void *xtcp_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct xtcp_net *xn = xtcp_pernet(seq_file_net(seq));

	++*pos;
	if (v == SEQ_START_TOKEN)
		return xtcp_seq_at(seq, 0);
	return xtcp_seq_walk(xn, seq->private, v);
}

static void xtcp_seq_stop(struct seq_file *seq, void *v)
	__releases(&xtcp_pernet(seq_file_net(seq))->lock)
{
	struct xtcp_net *xn = xtcp_pernet(seq_file_net(seq));

	spin_unlock_bh(&xn->lock);
}

/* Which timer /proc/net/tcp would report, and when it fires. */
static int xtcp_timer_info(struct sock *sk, unsigned long *expires)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xtcp_rtx_armed(xs)) {
		*expires = xs->rtx_timer.expires;
		return xs->packets_out ? 1 : 4;	/* retransmit : probe */
	}
	if (timer_pending(&sk->sk_timer)) {
		*expires = sk->sk_timer.expires;
		return sk->sk_state == TCP_TIME_WAIT ? 3 : 2;
	}
	*expires = jiffies;
	return 0;
}

/*
 * Linux hands TIME_WAIT (and an orphan's FIN_WAIT2) to a timewait
 * mini-socket, and keeps a half-open passive connection as a request
 * socket: their lines are shorter, with no queues, inode or uid
 * (get_timewait4_sock() and get_openreq4()).  XTCP keeps full sockets in
 * those states; they print as Linux's would.
 */
static void xtcp_seq_show_mini(struct seq_file *seq, int sl, struct sock *sk,
			       int state, struct sock *parent)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	unsigned long expires = jiffies;
	bool reqsk = parent;

	if (reqsk && xtcp_rtx_armed(xs))
		expires = xs->rtx_timer.expires;
	else if (!reqsk && timer_pending(&sk->sk_timer))
		expires = sk->sk_timer.expires;
	seq_printf(seq, "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %u %d %pK",
		   sl, inet->inet_rcv_saddr, inet->inet_num,
		   inet->inet_daddr, ntohs(inet->inet_dport), state, 0, 0,
		   reqsk ? 1 : 3,
		   jiffies_delta_to_clock_t((long)(expires - jiffies)),
		   reqsk ? xs->retransmits : 0,
		   reqsk ? from_kuid_munged(seq_user_ns(seq),
					    sock_i_uid(parent)) : 0,
		   0, 0, reqsk ? 0 : refcount_read(&sk->sk_refcnt), sk);
}

static int xtcp_seq_show(struct seq_file *seq, void *v)
{
	struct sock *sk = v, *parent;
	struct xtcp_sock *xs;
	struct inet_sock *inet;
	unsigned long expires;
	int state, timer, rx_queue, sl;
	u32 tx_queue;

	if (v == SEQ_START_TOKEN) {
		seq_setwidth(seq, 149);
		seq_puts(seq, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
		goto out;
	}
	xs = xtcp_sk(sk);
	inet = inet_sk(sk);
	state = inet_sk_state_load(sk);
	if (state == TCP_CLOSE)
		return SEQ_SKIP;	/* closed since the walk found it */
	/* Lines are numbered 0, 1, 2... as Linux's, whatever the bucket. */
	sl = (int)seq->index - 1;
	seq_setwidth(seq, 149);
	/*
	 * Read once: accept() clears it without our lock, and the listener
	 * stays in memory as long as the walk's lock (an RCU read-side
	 * section) is held.
	 */
	parent = state == TCP_SYN_RECV ? xtcp_parent(xs) : NULL;
	if (state == TCP_TIME_WAIT ||
	    (state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD)) || parent) {
		xtcp_seq_show_mini(seq, sl, sk, state, parent);
		goto out;
	}
	timer = xtcp_timer_info(sk, &expires);
	tx_queue = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_una);
	if (state == TCP_LISTEN) {
		rx_queue = READ_ONCE(sk->sk_ack_backlog);
	} else {
		/* Bytes unread; the peer's FIN is no byte. */
		rx_queue = max_t(int, READ_ONCE(xs->rcv_nxt) -
				      READ_ONCE(xs->copied_seq) -
				      sock_flag(sk, SOCK_DONE), 0);
	}

	seq_printf(seq, "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %pK %lu %lu %u %u %d",
		   sl, inet->inet_rcv_saddr, inet->inet_num,
		   inet->inet_daddr, ntohs(inet->inet_dport), state,
		   tx_queue, rx_queue,
		   timer, jiffies_delta_to_clock_t(expires - jiffies),
		   xs->retransmits,
		   from_kuid_munged(seq_user_ns(seq), sock_i_uid(sk)),
		   xs->probes_out, sock_i_ino(sk),
		   refcount_read(&sk->sk_refcnt), sk,
		   jiffies_to_clock_t(xtcp_rto_jiffies(xs)),
		   jiffies_to_clock_t(XTCP_DELACK_MIN),
		   xs->quickack << 1, xs->cong.cwnd,
		   state == TCP_LISTEN ? 0 :
		   (xs->cong.ssthresh >= 0x7fffffff ? -1 :
		    (int)xs->cong.ssthresh));
out:
	seq_pad(seq, '\n');
	return 0;
}

static const struct seq_operations xtcp_seq_ops = {
	.start	= xtcp_seq_start,
	.next	= xtcp_seq_next,
	.stop	= xtcp_seq_stop,
	.show	= xtcp_seq_show,
};

/*
 * The counters, in the files' order: /proc/net/xtcp_snmp has the Tcp
 * MIB's (with RFC 1213's constants and CurrEstab around them, as in
 * /proc/net/snmp), /proc/net/xtcp_netstat the TcpExt ones.  Same names
 * and layout as Linux's, so that nstat reads them:
 * PROC_NET_SNMP=/proc/net/xtcp_snmp PROC_NET_NETSTAT=/proc/net/xtcp_netstat
 */
static const char *const xtcp_mib_names[XTCP_MIB_MAX] = {
	[XTCP_MIB_ACTIVEOPENS]		= "ActiveOpens",
	[XTCP_MIB_PASSIVEOPENS]		= "PassiveOpens",
	[XTCP_MIB_ATTEMPTFAILS]		= "AttemptFails",
	[XTCP_MIB_ESTABRESETS]		= "EstabResets",
	[XTCP_MIB_INSEGS]		= "InSegs",
	[XTCP_MIB_OUTSEGS]		= "OutSegs",
	[XTCP_MIB_RETRANSSEGS]		= "RetransSegs",
	[XTCP_MIB_INERRS]		= "InErrs",
	[XTCP_MIB_OUTRSTS]		= "OutRsts",
	[XTCP_MIB_CSUMERRORS]		= "InCsumErrors",
	[XTCP_MIB_LISTENOVERFLOWS]	= "ListenOverflows",
	[XTCP_MIB_LISTENDROPS]		= "ListenDrops",
	[XTCP_MIB_PAWSESTAB]		= "PAWSEstab",
	[XTCP_MIB_DELAYEDACKS]		= "DelayedACKs",
	[XTCP_MIB_OFOQUEUE]		= "TCPOFOQueue",
	[XTCP_MIB_OFODROP]		= "TCPOFODrop",
	[XTCP_MIB_RCVQDROP]		= "TCPRcvQDrop",
	[XTCP_MIB_BACKLOGDROP]		= "TCPBacklogDrop",
	[XTCP_MIB_BACKLOGCOALESCE]	= "TCPBacklogCoalesce",
	[XTCP_MIB_RENORECOVERY]		= "TCPRenoRecovery",
	[XTCP_MIB_SACKRECOVERY]		= "TCPSackRecovery",
	[XTCP_MIB_FASTRETRANS]		= "TCPFastRetrans",
	[XTCP_MIB_SLOWSTARTRETRANS]	= "TCPSlowStartRetrans",
	[XTCP_MIB_TIMEOUTS]		= "TCPTimeouts",
	[XTCP_MIB_LOSSPROBES]		= "TCPLossProbes",
	[XTCP_MIB_SPURIOUSRTXHOSTQUEUES] = "TCPSpuriousRtxHostQueues",
	[XTCP_MIB_LOSTRETRANSMIT]	= "TCPLostRetransmit",
	[XTCP_MIB_SACKRENEGING]		= "TCPSACKReneging",
	[XTCP_MIB_DSACKOLDSENT]		= "TCPDSACKOldSent",
	[XTCP_MIB_DSACKOFOSENT]		= "TCPDSACKOfoSent",
	[XTCP_MIB_DSACKRECV]		= "TCPDSACKRecv",
	[XTCP_MIB_CHALLENGEACK]		= "TCPChallengeACK",
	[XTCP_MIB_ACKSKIPPEDSYNRECV]	= "TCPACKSkippedSynRecv",
	[XTCP_MIB_ACKSKIPPEDSEQ]	= "TCPACKSkippedSeq",
	[XTCP_MIB_ACKSKIPPEDPAWS]	= "TCPACKSkippedPAWS",
	[XTCP_MIB_ACKSKIPPEDCHALLENGE]	= "TCPACKSkippedChallenge",
	[XTCP_MIB_ABORTONDATA]		= "TCPAbortOnData",
	[XTCP_MIB_ABORTONCLOSE]		= "TCPAbortOnClose",
	[XTCP_MIB_ABORTONTIMEOUT]	= "TCPAbortOnTimeout",
	[XTCP_MIB_KEEPALIVE]		= "TCPKeepAlive",
	[XTCP_MIB_WINPROBE]		= "TCPWinProbe",
	[XTCP_MIB_TIMEWAITOVERFLOW]	= "TCPTimeWaitOverflow",
	[XTCP_MIB_HYSTARTTRAINDETECT]	= "TCPHystartTrainDetect",
	[XTCP_MIB_HYSTARTTRAINCWND]	= "TCPHystartTrainCwnd",
	[XTCP_MIB_HYSTARTDELAYDETECT]	= "TCPHystartDelayDetect",
	[XTCP_MIB_HYSTARTDELAYCWND]	= "TCPHystartDelayCwnd",
	[XTCP_MIB_FULLUNDO]		= "TCPFullUndo",
	[XTCP_MIB_PARTIALUNDO]		= "TCPPartialUndo",
	[XTCP_MIB_DSACKUNDO]		= "TCPDSACKUndo",
	[XTCP_MIB_LOSSUNDO]		= "TCPLossUndo",
	[XTCP_MIB_SPURIOUSRTOS]		= "TCPSpuriousRTOs",
	[XTCP_MIB_FASTOPENACTIVE]	= "TCPFastOpenActive",
	[XTCP_MIB_FASTOPENACTIVEFAIL]	= "TCPFastOpenActiveFail",
	[XTCP_MIB_FASTOPENPASSIVE]	= "TCPFastOpenPassive",
	[XTCP_MIB_FASTOPENPASSIVEFAIL]	= "TCPFastOpenPassiveFail",
	[XTCP_MIB_FASTOPENLISTENOVERFLOW] = "TCPFastOpenListenOverflow",
	[XTCP_MIB_FASTOPENCOOKIEREQD]	= "TCPFastOpenCookieReqd",
	[XTCP_MIB_MD5NOTFOUND]		= "TCPMD5NotFound",
	[XTCP_MIB_MD5UNEXPECTED]	= "TCPMD5Unexpected",
	[XTCP_MIB_MD5FAILURE]		= "TCPMD5Failure",
	[XTCP_MIB_OUTOFWINDOWICMPS]	= "OutOfWindowIcmps",
	[XTCP_MIB_LOCKDROPPEDICMPS]	= "LockDroppedIcmps",
	[XTCP_MIB_SYNCOOKIESSENT]	= "SyncookiesSent",
	[XTCP_MIB_SYNCOOKIESRECV]	= "SyncookiesRecv",
	[XTCP_MIB_SYNCOOKIESFAILED]	= "SyncookiesFailed",
	[XTCP_MIB_REQQFULLDOCOOKIES]	= "TCPReqQFullDoCookies",
	[XTCP_MIB_REQQFULLDROP]		= "TCPReqQFullDrop",
	[XTCP_MIB_PRUNECALLED]		= "PruneCalled",
	[XTCP_MIB_OFOPRUNED]		= "OfoPruned",
	[XTCP_MIB_MEMORYPRESSURES]	= "TCPMemoryPressures",
	[XTCP_MIB_MEMORYPRESSURESCHRONO] = "TCPMemoryPressuresChrono",
	[XTCP_MIB_ABORTONMEMORY]	= "TCPAbortOnMemory",
	[XTCP_MIB_WQUEUETOOBIG]		= "TCPWqueueTooBig",
	[XTCP_MIB_MINTTLDROP]		= "TCPMinTTLDrop",
};

/* Sum over the CPUs, as snmp_get_cpu_field() does. */
static void xtcp_mib_read(struct net *net, unsigned long *val)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	unsigned int i;
	int cpu;

	memset(val, 0, sizeof(unsigned long) * XTCP_MIB_MAX);
	for_each_possible_cpu(cpu) {
		const struct xtcp_mib *m = per_cpu_ptr(xn->mib, cpu);

		for (i = 0; i < XTCP_MIB_MAX; i++)
			val[i] += READ_ONCE(m->mibs[i]);
	}
}

static int xtcp_snmp_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	unsigned long val[XTCP_MIB_MAX];
	unsigned int i;

	xtcp_mib_read(net, val);
	seq_puts(seq, "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn");
	for (i = 0; i < XTCP_MIB_TCP_MAX; i++) {
		seq_printf(seq, " %s", xtcp_mib_names[i]);
		if (i == XTCP_MIB_ESTABRESETS)
			seq_puts(seq, " CurrEstab");
	}
	/* RFC 1213: "other" algorithm (1), 200 ms, 120 s, no limit (-1). */
	seq_printf(seq, "\nTcp: 1 %u %u -1", XTCP_RTO_MIN_US / 1000,
		   XTCP_RTO_MAX_US / 1000);
	for (i = 0; i < XTCP_MIB_TCP_MAX; i++) {
		seq_printf(seq, " %lu", val[i]);
		if (i == XTCP_MIB_ESTABRESETS)
			seq_printf(seq, " %d",
				   atomic_read(&xtcp_pernet(net)->curr_estab));
	}
	seq_putc(seq, '\n');
	return 0;
}

static int xtcp_netstat_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	unsigned long val[XTCP_MIB_MAX];
	unsigned int i;

	xtcp_mib_read(net, val);
	seq_puts(seq, "TcpExt:");
	for (i = XTCP_MIB_TCP_MAX; i < XTCP_MIB_MAX; i++)
		seq_printf(seq, " %s", xtcp_mib_names[i]);
	seq_puts(seq, "\nTcpExt:");
	for (i = XTCP_MIB_TCP_MAX; i < XTCP_MIB_MAX; i++)
		seq_printf(seq, " %lu", val[i]);
	seq_putc(seq, '\n');
	return 0;
}

/*
 * /proc/net/xtcp_sockstat: XTCP's line of /proc/net/sockstat, "TCP: inuse
 * .. orphan .. tw .. alloc .. mem ..": orphans, alloc (sockets) and mem
 * (pages) for all namespaces, as Linux's; tw for this one.  XTCP keeps
 * no in-use count; its place says the namespace's ESTABLISHED and
 * CLOSE_WAIT connections (CurrEstab), so the layout stays Linux's.
 */
static int xtcp_sockstat_show(struct seq_file *seq, void *v)
{
	struct xtcp_net *xn = xtcp_pernet(seq_file_single_net(seq));

	seq_printf(seq, "XTCP: inuse %d orphan %ld tw %d alloc %lld mem %ld\n",
		   atomic_read(&xn->curr_estab), xtcp_orphan_count(),
		   atomic_read(&xn->tw_count),
		   percpu_counter_sum_positive(&xtcp_sockets_allocated),
		   xtcp_memory_pages());
	return 0;
}

int xtcp_proc_init_net(struct net *net)
{
	if (!proc_create_net("xtcp", 0444, net->proc_net, &xtcp_seq_ops,
			     sizeof(struct xtcp_iter)))
		goto fail;
	if (!proc_create_net_single("xtcp_snmp", 0444, net->proc_net,
				    xtcp_snmp_show, NULL))
		goto fail_snmp;
	if (!proc_create_net_single("xtcp_netstat", 0444, net->proc_net,
				    xtcp_netstat_show, NULL))
		goto fail_netstat;
	if (!proc_create_net_single("xtcp_sockstat", 0444, net->proc_net,
				    xtcp_sockstat_show, NULL))
		goto fail_sockstat;
	return 0;
fail_sockstat:
	remove_proc_entry("xtcp_netstat", net->proc_net);
fail_netstat:
	remove_proc_entry("xtcp_snmp", net->proc_net);
fail_snmp:
	remove_proc_entry("xtcp", net->proc_net);
fail:
	return -ENOMEM;
}

void xtcp_proc_exit_net(struct net *net)
{
	remove_proc_entry("xtcp_sockstat", net->proc_net);
	remove_proc_entry("xtcp_netstat", net->proc_net);
	remove_proc_entry("xtcp_snmp", net->proc_net);
	remove_proc_entry("xtcp", net->proc_net);
}
