// SPDX-License-Identifier: GPL-2.0
/*
 * Segmentation (GSO) and receive (GRO) offloads for IP protocol 253,
 * Linux's tcp_offload.c.
 *
 * An XTCP segment is a TCP segment byte for byte, its checksum over TCP's
 * pseudo-header (protocol 6) included, and TCP's callbacks read only the
 * TCP header at the transport offset, never the IP protocol byte.  So
 * XTCP's callbacks are TCP's own, reached through the exported
 * inet_offloads[IPPROTO_TCP] as ESP's offload reaches its inner
 * protocol's: a split or a merge is exactly what TCP's would be.  IP's
 * GRO only hands TCP's callback segments that carry protocol 253, as it
 * merges nothing across different protocol bytes.
 *
 * TCP's offload is built in and registered at boot; were it missing, a
 * super-segment would not be split (dropped, as with no offload at all)
 * and arriving segments would go up one by one.
 */
#include <linux/err.h>
#include <linux/netdevice.h>
#include <net/gro.h>
#include <net/protocol.h>

#include "xtcp.h"

/* Under RCU: IP's own offload callbacks call ours with it held. */
static const struct net_offload *xtcp_tcp_offload(void)
{
	return rcu_dereference(inet_offloads[IPPROTO_TCP]);
}

static struct sk_buff *xtcp4_gso_segment(struct sk_buff *skb,
					 netdev_features_t features)
{
	const struct net_offload *tcp = xtcp_tcp_offload();
	struct sk_buff *segs;

	if (unlikely(!tcp || !tcp->callbacks.gso_segment))
		return ERR_PTR(-EPROTONOSUPPORT);
	segs = tcp->callbacks.gso_segment(skb, features);
	xtcp_gso_move_charge(skb, segs);
	return segs;
}

static struct sk_buff *xtcp4_gro_receive(struct list_head *head,
					 struct sk_buff *skb)
{
	const struct net_offload *tcp = xtcp_tcp_offload();

	if (unlikely(!tcp || !tcp->callbacks.gro_receive)) {
		NAPI_GRO_CB(skb)->flush = 1;
		return NULL;
	}
	return tcp->callbacks.gro_receive(head, skb);
}

/* Only for what TCP's gro_receive merged: it has the callback. */
static int xtcp4_gro_complete(struct sk_buff *skb, int thoff)
{
	const struct net_offload *tcp = xtcp_tcp_offload();

	if (unlikely(!tcp || !tcp->callbacks.gro_complete))
		return -EPROTONOSUPPORT;
	return tcp->callbacks.gro_complete(skb, thoff);
}

static const struct net_offload xtcp4_offload = {
	.callbacks = {
		.gso_segment	= xtcp4_gso_segment,
		.gro_receive	= xtcp4_gro_receive,
		.gro_complete	= xtcp4_gro_complete,
	},
};

int __init xtcp_offload_init(void)
{
	if (inet_add_offload(&xtcp4_offload, IPPROTO_XTCP)) {
		pr_err("xtcp: IP protocol %d has an offload already\n",
		       IPPROTO_XTCP);
		return -EBUSY;
	}
	return 0;
}

/*
 * inet_del_offload() ends with synchronize_net(): once it returns, no
 * CPU is inside one of these callbacks and none can find them, so the
 * module's text may go.  A merged skb still held on a NAPI's GRO list
 * finds no callback at its flush and is dropped there, with a warning
 * from IP's inet_gro_complete(), as for any offload that is removed.
 */
void xtcp_offload_exit(void)
{
	inet_del_offload(&xtcp4_offload, IPPROTO_XTCP);
}
