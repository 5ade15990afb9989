// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: The TCP option codec and PAWS.
 *
 * Only computation: the module calls these with values from the socket
 * and the segment and acts on the answer, and kmod/test/ compiles this
 * file in user space to test every rule under sanitizers.
 */
#include "xtcp_options.h"

/* Options are big-endian on the wire and need not be aligned. */
static u16 xtcp_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 xtcp_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u8 *xtcp_put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
	return p + 4;
}

/* Four option bytes, the usual unit since options are padded to words. */
static u8 *xtcp_put4(u8 *p, u8 a, u8 b, u8 c, u8 d)
{
	p[0] = a;
	p[1] = b;
	p[2] = c;
	p[3] = d;
	return p + 4;
}

/*
 * A Fast Open option's cookie, len bytes at body (RFC 7413 4.1.1): none
 * asks for one; 4 to 16 bytes, an even number, is one; any other length
 * is ignored.  Only a SYN or SYN-ACK carries it.
 */
static void xtcp_parse_fastopen(const u8 *body, unsigned int len, bool syn,
				bool exp, struct xtcp_opts *out)
{
	if (!syn)
		return;
	if (len && (len < XTCP_FASTOPEN_COOKIE_MIN ||
		    len > XTCP_FASTOPEN_COOKIE_MAX || (len & 1)))
		return;
	memcpy(out->fo_cookie, body, len);
	out->fo_len = len;
	out->fo_exp = exp;
	out->fo_ok = true;
}

/* One option: kind, length and the length - 2 bytes at body. */
static void xtcp_parse_one(u8 kind, u8 size, const u8 *body, bool syn,
			   struct xtcp_opts *out)
{
	unsigned int i, n;

	switch (kind) {
	case XTCPOPT_MSS:
		/* A zero MSS makes no sense; Linux keeps its default then. */
		if (size == XTCPOLEN_MSS && syn && xtcp_get_be16(body)) {
			out->mss = xtcp_get_be16(body);
			out->mss_ok = true;
		}
		break;
	case XTCPOPT_WINDOW:
		if (size == XTCPOLEN_WINDOW && syn) {
			/* RFC 7323 2.3: log it and use 14. */
			out->wscale = body[0] > XTCP_MAX_WSCALE ?
				      XTCP_MAX_WSCALE : body[0];
			out->wscale_ok = true;
		}
		break;
	case XTCPOPT_SACK_PERM:
		if (size == XTCPOLEN_SACK_PERM && syn)
			out->sack_ok = true;
		break;
	case XTCPOPT_TIMESTAMP:
		/* Timestamps ride on every segment once agreed. */
		if (size == XTCPOLEN_TIMESTAMP) {
			out->tsval = xtcp_get_be32(body);
			out->tsecr = xtcp_get_be32(body + 4);
			out->ts_ok = true;
		}
		break;
	case XTCPOPT_SACK:
		/* RFC 2018 3: 2 + 8 * n bytes, at least one block. */
		if (syn || size < XTCPOLEN_SACK_BASE + XTCPOLEN_SACK_PERBLOCK ||
		    (size - XTCPOLEN_SACK_BASE) % XTCPOLEN_SACK_PERBLOCK)
			break;
		n = (size - XTCPOLEN_SACK_BASE) / XTCPOLEN_SACK_PERBLOCK;
		if (n > XTCP_MAX_SACK_BLOCKS)
			n = XTCP_MAX_SACK_BLOCKS;
		/* A later SACK option replaces an earlier one entirely. */
		memset(out->sacks, 0, sizeof(out->sacks));
		for (i = 0; i < n; i++) {
			out->sacks[i].start = xtcp_get_be32(body + 8 * i);
			out->sacks[i].end = xtcp_get_be32(body + 8 * i + 4);
		}
		out->num_sacks = n;
		break;
	case XTCPOPT_FASTOPEN:
		xtcp_parse_fastopen(body, size - XTCPOLEN_FASTOPEN_BASE, syn,
				    false, out);
		break;
	case XTCPOPT_EXP:
		/* Other experiments share the kind: the magic tells. */
		if (size >= XTCPOLEN_EXP_FASTOPEN_BASE &&
		    xtcp_get_be16(body) == XTCPOPT_FASTOPEN_MAGIC)
			xtcp_parse_fastopen(body + 2,
					    size - XTCPOLEN_EXP_FASTOPEN_BASE,
					    syn, true, out);
		break;
	default:
		/* Unknown kinds are skipped (RFC 9293 3.1, MUST-6). */
		break;
	}
}

int xtcp_parse_options(const u8 *opt, unsigned int len, bool syn,
		       struct xtcp_opts *out)
{
	unsigned int pos = 0;
	u8 kind, size;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		kind = opt[pos];
		if (kind == XTCPOPT_EOL)
			return 0;
		if (kind == XTCPOPT_NOP) {
			pos++;
			continue;
		}
		/*
		 * Every other kind has a length byte that counts the kind and
		 * itself.  Below 2 we could not move on (or would loop on the
		 * same byte); past the end the option is cut off.  Either way
		 * the rest of the list cannot be trusted.
		 */
		if (len - pos < 2)
			return -EINVAL;
		size = opt[pos + 1];
		if (size < 2 || size > len - pos)
			return -EINVAL;
		xtcp_parse_one(kind, size, opt + pos + 2, syn, out);
		pos += size;
	}
	return 0;
}

/*
 * SACK blocks to write: they go last and get whatever room is left after
 * the timestamps (Linux's tcp_established_options()): 4 blocks alone, 3
 * with timestamps.  A SYN carries none.
 */
static unsigned int xtcp_sacks_to_write(const struct xtcp_opts *o, bool syn)
{
	unsigned int room = XTCP_MAX_OPT_SPACE;
	unsigned int n = o->num_sacks;

	if (syn)
		return 0;
	if (o->md5)
		room -= XTCPOLEN_MD5SIG_ALIGNED;
	if (o->ts_ok)
		room -= 4 * 3;
	if (n > XTCP_MAX_SACK_BLOCKS)
		n = XTCP_MAX_SACK_BLOCKS;
	room = room >= 4 ? (room - 4) / XTCPOLEN_SACK_PERBLOCK : 0;
	return n < room ? n : room;
}

/* A Fast Open option's length byte, 0 if there is none to write. */
static unsigned int xtcp_fastopen_len(const struct xtcp_opts *o, bool syn)
{
	if (!syn || !o->fo_ok)
		return 0;
	return (o->fo_exp ? XTCPOLEN_EXP_FASTOPEN_BASE :
			    XTCPOLEN_FASTOPEN_BASE) + o->fo_len;
}

/* ... and the bytes it takes, padded to a word. */
static unsigned int xtcp_fastopen_size(const struct xtcp_opts *o, bool syn)
{
	return (xtcp_fastopen_len(o, syn) + 3) & ~3U;
}

unsigned int xtcp_options_size(const struct xtcp_opts *o, bool syn)
{
	unsigned int size = o->md5 ? XTCPOLEN_MD5SIG_ALIGNED : 0;
	unsigned int n = xtcp_sacks_to_write(o, syn);

	if (syn && o->mss_ok)
		size += 4;
	/* SACK-permitted shares the timestamps' word, else takes its own. */
	if (o->ts_ok)
		size += 4 * 3;
	else if (syn && o->sack_ok)
		size += 4;
	if (syn && o->wscale_ok)
		size += 4;
	if (n)
		size += 4 + n * XTCPOLEN_SACK_PERBLOCK;
	return size + xtcp_fastopen_size(o, syn);
}

unsigned int xtcp_write_options(u8 *buf, const struct xtcp_opts *o, bool syn)
{
	unsigned int n = xtcp_sacks_to_write(o, syn);
	bool sack_perm = syn && o->sack_ok;
	unsigned int i, len;
	u8 *p = buf;
	u8 ws;

	/*
	 * Linux's layout: each option is padded with NOPs in front so that
	 * the 32-bit values inside (timestamps, SACK edges) are aligned.
	 */
	if (o->md5) {
		p = xtcp_put4(p, XTCPOPT_NOP, XTCPOPT_NOP, XTCPOPT_MD5SIG,
			      XTCPOLEN_MD5SIG);
		memset(p, 0, XTCP_MD5_DIGEST_LEN);
		p += XTCP_MD5_DIGEST_LEN;
	}
	if (syn && o->mss_ok)
		p = xtcp_put4(p, XTCPOPT_MSS, XTCPOLEN_MSS, o->mss >> 8,
			      o->mss & 0xff);
	if (o->ts_ok) {
		/* SACK-permitted fills the two bytes NOPs would take. */
		if (sack_perm)
			p = xtcp_put4(p, XTCPOPT_SACK_PERM, XTCPOLEN_SACK_PERM,
				      XTCPOPT_TIMESTAMP, XTCPOLEN_TIMESTAMP);
		else
			p = xtcp_put4(p, XTCPOPT_NOP, XTCPOPT_NOP,
				      XTCPOPT_TIMESTAMP, XTCPOLEN_TIMESTAMP);
		p = xtcp_put_be32(p, o->tsval);
		p = xtcp_put_be32(p, o->tsecr);
	} else if (sack_perm) {
		p = xtcp_put4(p, XTCPOPT_NOP, XTCPOPT_NOP, XTCPOPT_SACK_PERM,
			      XTCPOLEN_SACK_PERM);
	}
	if (syn && o->wscale_ok) {
		ws = o->wscale > XTCP_MAX_WSCALE ? XTCP_MAX_WSCALE : o->wscale;
		p = xtcp_put4(p, XTCPOPT_NOP, XTCPOPT_WINDOW, XTCPOLEN_WINDOW,
			      ws);
	}
	if (n) {
		p = xtcp_put4(p, XTCPOPT_NOP, XTCPOPT_NOP, XTCPOPT_SACK,
			      XTCPOLEN_SACK_BASE + n * XTCPOLEN_SACK_PERBLOCK);
		for (i = 0; i < n; i++) {
			p = xtcp_put_be32(p, o->sacks[i].start);
			p = xtcp_put_be32(p, o->sacks[i].end);
		}
	}
	len = xtcp_fastopen_len(o, syn);
	if (len) {
		/* Linux pads a cookie of 2 mod 4 bytes after it, not before. */
		if (o->fo_exp) {
			p = xtcp_put4(p, XTCPOPT_EXP, len,
				      XTCPOPT_FASTOPEN_MAGIC >> 8,
				      XTCPOPT_FASTOPEN_MAGIC & 0xff);
		} else {
			p[0] = XTCPOPT_FASTOPEN;
			p[1] = len;
			p += 2;
		}
		memcpy(p, o->fo_cookie, o->fo_len);
		p += o->fo_len;
		if ((len & 3) == 2) {
			p[0] = XTCPOPT_NOP;
			p[1] = XTCPOPT_NOP;
			p += 2;
		}
	}
	return (unsigned int)(p - buf);
}

int xtcp_md5_option(const u8 *opt, unsigned int len)
{
	unsigned int pos = 0;
	int found = -1;
	u8 kind, size;

	while (pos < len) {
		kind = opt[pos];
		if (kind == XTCPOPT_EOL)
			break;
		if (kind == XTCPOPT_NOP) {
			pos++;
			continue;
		}
		if (len - pos < 2)
			break;
		size = opt[pos + 1];
		if (size < 2 || size > len - pos)
			break;
		if (kind == XTCPOPT_MD5SIG) {
			if (size != XTCPOLEN_MD5SIG || found >= 0)
				return -EINVAL;
			found = pos + 2;
		}
		pos += size;
	}
	return found;
}

u32 xtcp_tw_syn_iss(u32 seq, u32 rcv_nxt, u32 snd_nxt, bool saw_ts,
		    u32 tsval, u32 ts_recent, u32 ts_recent_age)
{
	u32 iss;

	if (saw_ts && !xtcp_paws_ok(tsval, ts_recent, ts_recent_age))
		return 0;
	if (!xtcp_seq_after(seq, rcv_nxt) &&
	    !(saw_ts && xtcp_seq_before(ts_recent, tsval)))
		return 0;
	/* A window's worth past the old data, as Linux. */
	iss = snd_nxt + 65535 + 2;
	return iss ? iss : 1;
}
