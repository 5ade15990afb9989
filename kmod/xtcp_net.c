// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP per network namespace: what each namespace has of its own (the
 * connection tables, the counters, net.xtcp.* and the /proc files), set
 * up when the namespace is made and torn down when it goes, as Linux's
 * tcp_sk_init()/tcp_sk_exit() and inet_twsk_purge() do for TCP.
 */
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "xtcp.h"
#include "xtcp_compat.h"

unsigned int xtcp_net_id __read_mostly;

static int __net_init xtcp_net_init(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	int err;

	err = xtcp_hash_init_net(xn);
	if (err)
		return err;
	atomic_set(&xn->tw_count, 0);
	atomic_set(&xn->curr_estab, 0);
	xtcp_fastopen_init_net(xn);
	xn->mib = alloc_percpu(struct xtcp_mib);
	if (!xn->mib) {
		err = -ENOMEM;
		goto free_hash;
	}
	err = xtcp_sysctl_init_net(net);
	if (err)
		goto free_mib;
	err = xtcp_proc_init_net(net);
	if (err)
		goto free_sysctl;
	return 0;

free_sysctl:
	xtcp_sysctl_exit_net(net);
free_mib:
	free_percpu(xn->mib);
free_hash:
	xtcp_hash_exit_net(xn);
	return err;
}

/*
 * The namespace is going away, so nothing holds a reference on it: what
 * is left in its tables are orphans in TIME_WAIT (xtcp_release_net()).
 * End them now, as Linux purges its timewait sockets.
 */
static void __net_exit xtcp_net_exit(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	unsigned int bucket = 0;
	struct sock *sk;

	xtcp_proc_exit_net(net);
	xtcp_sysctl_exit_net(net);
	while ((sk = xtcp_ehash_first(xn, &bucket))) {
		/*
		 * A close() may still own it: wait for its release_sock().
		 * Its TIME_WAIT may also have ended since the table gave it
		 * to us: it is then in CLOSE, done already.
		 */
		lock_sock(sk);
		WARN_ON_ONCE(sk->sk_state != TCP_TIME_WAIT &&
			     sk->sk_state != TCP_CLOSE);
		xtcp_done(sk);
		/* xtcp_done() leaves a socket in CLOSE already unhashed. */
		xtcp_unhash(sk);
		release_sock(sk);
		/*
		 * A timer that found it owned above re-armed itself: it
		 * must not run once the namespace's data is freed.
		 */
		xtcp_clear_timers_sync(sk);
		sock_put(sk);
	}
	/* Only now: ending those sockets counted in it. */
	free_percpu(xn->mib);
	xtcp_hash_exit_net(xn);
}

static struct pernet_operations xtcp_net_ops = {
	.init	= xtcp_net_init,
	.exit	= xtcp_net_exit,
	.id	= &xtcp_net_id,
	.size	= sizeof(struct xtcp_net),
};

int xtcp_net_register(void)
{
	xtcp_hash_init();
	return register_pernet_subsys(&xtcp_net_ops);
}

void xtcp_net_unregister(void)
{
	unregister_pernet_subsys(&xtcp_net_ops);
}

/*
 * An orphan in TIME_WAIT is only a record that keeps old duplicates out:
 * like Linux's timewait sockets it must not keep its network namespace
 * alive.  It drops its reference on the namespace, and the namespace's
 * exit (xtcp_net_exit()) ends any such socket still there.
 */
void xtcp_release_net(struct sock *sk)
{
	struct net *net = sock_net(sk);

	if (!sk->sk_net_refcnt)
		return;
	/* Become what sk_alloc() makes of a kernel socket. */
	xtcp_net_passive_get(net);
	sock_inuse_add(net, -1);
	sk->sk_net_refcnt = 0;
	put_net_track(net, &sk->ns_tracker);
	xtcp_netns_tracker_alloc(net, &sk->ns_tracker);
}
