/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * XTCP: an alternate TCP, loadable as a module.
 *
 * Applications open XTCP sockets with socket(AF_XTCP, SOCK_STREAM, 0) and
 * use the ordinary socket calls.  On the wire every segment is a TCP
 * segment carried in IPv4 with protocol number IPPROTO_XTCP.
 *
 * Socket options at level SOL_TCP/IPPROTO_TCP use Linux's TCP_* names and
 * numbers from <netinet/tcp.h> or <linux/tcp.h>.
 */
#ifndef _UAPI_LINUX_XTCP_H
#define _UAPI_LINUX_XTCP_H

#include <linux/types.h>
#include <linux/socket.h>	/* __kernel_sa_family_t */

/*
 * The address family.  A module cannot register a family at or above
 * AF_MAX, so XTCP takes the slot of AF_WANPIPE, which no in-tree code
 * registers with sock_register().
 */
#define AF_XTCP		25
#define PF_XTCP		AF_XTCP

/* RFC 3692 experimental protocol number; the IP header's only difference. */
#define IPPROTO_XTCP	253

/*
 * struct sockaddr_xtcp has the size and layout of struct sockaddr_in, so
 * bind() and connect() also accept a struct sockaddr_in with AF_INET.
 * Port and address are in network byte order.
 */
struct sockaddr_xtcp {
	__kernel_sa_family_t	sxtcp_family;	/* AF_XTCP */
	__be16			sxtcp_port;
	__be32			sxtcp_addr;	/* IPv4 address */
	unsigned char		sxtcp_zero[8];	/* as sin_zero */
};

/*
 * Connection states (RFC 9293 3.3.2): the tcpi_state of TCP_INFO and the
 * st column of /proc/net/xtcp.  The numbers are Linux TCP's, so code that
 * reads a TCP socket's state reads an XTCP socket's the same way.
 */
enum xtcp_state {
	XTCP_ESTABLISHED = 1,
	XTCP_SYN_SENT,
	XTCP_SYN_RECV,
	XTCP_FIN_WAIT1,
	XTCP_FIN_WAIT2,
	XTCP_TIME_WAIT,
	XTCP_CLOSE,
	XTCP_CLOSE_WAIT,
	XTCP_LAST_ACK,
	XTCP_LISTEN,
	XTCP_CLOSING
};

#endif /* _UAPI_LINUX_XTCP_H */
