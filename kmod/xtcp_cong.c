// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP congestion control: the algorithms TCP_CONGESTION can select.
 *
 * The window arithmetic lives in xtcp_reno.c (unit-tested in user
 * space); this file only names the algorithms and attaches one to a
 * socket.  A new algorithm is a struct xtcp_cong_ops added to the table.
 */
#include "xtcp.h"

static const struct xtcp_cong_ops *const xtcp_cong_algos[] = {
	&xtcp_cong_reno,	/* the first is the default */
};

const struct xtcp_cong_ops *xtcp_cong_find(const char *name)
{
	unsigned int i;

	if (!name)
		return xtcp_cong_algos[0];
	for (i = 0; i < ARRAY_SIZE(xtcp_cong_algos); i++)
		if (!strcmp(xtcp_cong_algos[i]->name, name))
			return xtcp_cong_algos[i];
	return NULL;
}

/* The algorithms' names, space-separated (available_congestion_control). */
void xtcp_cong_names(char *buf, size_t size)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(xtcp_cong_algos) && used < size; i++)
		used += scnprintf(buf + used, size - used, "%s%s",
				  i ? " " : "", xtcp_cong_algos[i]->name);
}

/* Switch algorithm; the window starts over, as Linux's tcp_reinit_congestion_control(). */
void xtcp_cong_set_ops(struct sock *sk, const struct xtcp_cong_ops *ops)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->ca_ops = ops;
	ops->init(&xs->cong);
}
