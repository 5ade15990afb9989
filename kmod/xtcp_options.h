/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP option codec (RFC 9293 3.1, RFC 7323, RFC 2018) and PAWS, for
 * xtcp_input.c and xtcp_output.c.
 *
 * Pure logic: no kernel API, so the same source builds into the module
 * and, in user space, into the unit tests (kmod/test/).
 */
#ifndef _XTCP_OPTIONS_H
#define _XTCP_OPTIONS_H

#include "xtcp_seq.h"

/*
 * TCP options (RFC 9293 3.1 and 3.7.1, RFC 7323, RFC 2018).
 */
#define XTCPOPT_EOL		0	/* end of option list */
#define XTCPOPT_NOP		1	/* padding */
#define XTCPOPT_MSS		2	/* maximum segment size, SYN only */
#define XTCPOPT_WINDOW		3	/* window scale, SYN only */
#define XTCPOPT_SACK_PERM	4	/* SACK permitted, SYN only */
#define XTCPOPT_SACK		5	/* SACK blocks */
#define XTCPOPT_TIMESTAMP	8	/* timestamps */
#define XTCPOPT_MD5SIG		19	/* MD5 signature, RFC 2385 */
#define XTCPOPT_FASTOPEN	34	/* Fast Open cookie, RFC 7413 */
#define XTCPOPT_EXP		254	/* experimental (RFC 6994), with a magic */
#define XTCPOPT_FASTOPEN_MAGIC	0xF989	/* Fast Open's, before kind 34 */

#define XTCPOLEN_MSS		4
#define XTCPOLEN_WINDOW		3
#define XTCPOLEN_SACK_PERM	2
#define XTCPOLEN_SACK_BASE	2	/* kind, length */
#define XTCPOLEN_SACK_PERBLOCK	8	/* left edge, right edge */
#define XTCPOLEN_TIMESTAMP	10
#define XTCPOLEN_MD5SIG		18	/* kind, length, 16 bytes */
#define XTCPOLEN_MD5SIG_ALIGNED	20	/* after two NOPs */
#define XTCP_MD5_DIGEST_LEN	16
#define XTCPOLEN_FASTOPEN_BASE	2	/* kind, length */
#define XTCPOLEN_EXP_FASTOPEN_BASE	4	/* kind, length, magic */
#define XTCP_FASTOPEN_COOKIE_MIN	4	/* RFC 7413 4.1.1: 4 to 16 bytes */
#define XTCP_FASTOPEN_COOKIE_MAX	16
#define XTCP_FASTOPEN_COOKIE_SIZE	8	/* the cookies we make */

#define XTCP_MAX_OPT_SPACE	40	/* data offset 15 words minus 5 */
#define XTCP_MAX_WSCALE		14	/* RFC 7323 2.3 */
#define XTCP_MAX_SACK_BLOCKS	4

struct xtcp_sack_block {
	u32	start;		/* first sequence number of the block */
	u32	end;		/* sequence number after the block */
};

struct xtcp_opts {
	u16	mss;
	u8	wscale;
	bool	mss_ok, wscale_ok, sack_ok, ts_ok;	/* option present */
	u32	tsval, tsecr;
	u8	num_sacks;
	struct xtcp_sack_block	sacks[XTCP_MAX_SACK_BLOCKS];
	/*
	 * Fast Open (RFC 7413), on a SYN or SYN-ACK only: fo_ok, the option
	 * is there; fo_len 0, it asks for a cookie, else it holds fo_len
	 * bytes of one; fo_exp, in the experimental form (kind 254 and
	 * magic 0xF989) that Linux still reads and can send.
	 */
	bool	fo_ok, fo_exp;
	u8	fo_len;
	u8	fo_cookie[XTCP_FASTOPEN_COOKIE_MAX];
	/*
	 * Written only: room for an MD5 signature (RFC 2385), first, as
	 * NOP,NOP,19,18 and 16 bytes the caller fills (at offset 4).
	 */
	bool	md5;
};

/*
 * Parse the len option bytes that follow the fixed 20-byte header into
 * *out (which is cleared first).  NOP is skipped, unknown kinds are
 * skipped by their length, EOL ends the list.  Returns 0, or -EINVAL when
 * an option's length byte is missing, below 2 or runs past len; what was
 * parsed before that is kept, as Linux does.
 *
 * As in Linux, known options of the wrong length are ignored, MSS, window
 * scale and SACK-permitted only count when syn is true, an MSS of 0 is
 * ignored and a window scale above 14 reads as 14.  SACK blocks only count
 * when syn is false (a SYN acknowledges no data); the last SACK option
 * wins and only its first XTCP_MAX_SACK_BLOCKS blocks are kept.  A Fast
 * Open option counts on a SYN only, as a request (no cookie) or with a
 * cookie of an even length from 4 to 16 bytes; other lengths read as no
 * option at all (Linux's tcp_parse_fastopen_option()).
 */
int xtcp_parse_options(const u8 *opt, unsigned int len, bool syn,
		       struct xtcp_opts *out);

/* Bytes xtcp_write_options() writes: a multiple of 4, at most 40. */
unsigned int xtcp_options_size(const struct xtcp_opts *o, bool syn);

/*
 * Write the options in Linux's order and padding, and return the bytes
 * written (xtcp_options_size()):
 *   MSS (SYN only);
 *   SACK-permitted (SYN only) and timestamps as 4,2,8,10,TS, or NOP,NOP,TS,
 *   or NOP,NOP,SACK-permitted;
 *   NOP,window scale (SYN only);
 *   NOP,NOP,SACK blocks (not on a SYN), as many as fit in 40 bytes;
 *   Fast Open (SYN only), then NOP,NOP if its length is 2 mod 4;
 *   all of it after NOP,NOP,MD5 signature if md5 is set, whose 16 bytes
 *   (at offset 4) are left zero.
 * Only options with their *_ok flag set (and num_sacks blocks) are written.
 */
unsigned int xtcp_write_options(u8 *buf, const struct xtcp_opts *o,
				bool syn);

/*
 * Where the MD5 signature option (RFC 2385) of a segment's len option
 * bytes is: the offset of its 16 bytes, -1 if there is none, or -EINVAL
 * if there is one of the wrong length, or two (Linux drops such a
 * segment: tcp_do_parse_auth_options()).  A broken option list ends the
 * search where it breaks.
 */
int xtcp_md5_option(const u8 *opt, unsigned int len);

/*
 * PAWS (RFC 7323 5.3): may a segment carrying TSval tsval be accepted,
 * with TS.Recent ts_recent taken ts_recent_age seconds ago?  Yes unless
 * tsval is older than ts_recent; a ts_recent of 0 (none yet) or older
 * than 24 days (RFC 7323 5.5, the TSval clock may have wrapped) lets
 * anything through.
 */
#define XTCP_PAWS_IDLE_SECS	(24U * 24 * 60 * 60)
static inline bool xtcp_paws_ok(u32 tsval, u32 ts_recent, u32 ts_recent_age)
{
	if (!ts_recent || ts_recent_age >= XTCP_PAWS_IDLE_SECS)
		return true;
	return !xtcp_seq_before(tsval, ts_recent);
}

/*
 * A SYN (no ACK, no RST) for a connection in TIME_WAIT may start a new
 * incarnation at once (RFC 6191, Linux's tcp_timewait_state_process()):
 * if it passes PAWS and is newer than the old connection, its sequence
 * number past rcv_nxt or, with timestamps, its TSval past TS.Recent.
 * Returns the new connection's ISS, past everything the old one sent
 * (snd_nxt + 65537, never 0), or 0: the SYN gets TIME_WAIT's ACK.
 */
u32 xtcp_tw_syn_iss(u32 seq, u32 rcv_nxt, u32 snd_nxt, bool saw_ts,
		    u32 tsval, u32 ts_recent, u32 ts_recent_age);

#endif /* _XTCP_OPTIONS_H */
