// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pure logic: SACK blocks, reported and received.
 *
 * Only computation: the module calls these with values from the socket
 * and the segment and acts on the answer, and kmod/test/ compiles this
 * file in user space to test every rule under sanitizers.
 */
#include "xtcp_sack.h"

unsigned int xtcp_sack_add(struct xtcp_sack_block *blk, unsigned int n,
			   u32 start, u32 end)
{
	struct xtcp_sack_block cur = { start, end };
	unsigned int i, k = 0;

	if (!xtcp_seq_before(start, end))
		return n;
	/*
	 * Blocks never touch each other, so any block touching the grown
	 * range touches the new data itself: one pass finds them all.
	 */
	for (i = 0; i < n; i++) {
		if (!xtcp_seq_after(blk[i].start, cur.end) &&
		    !xtcp_seq_after(cur.start, blk[i].end)) {
			cur.start = xtcp_seq_min(cur.start, blk[i].start);
			cur.end = xtcp_seq_max(cur.end, blk[i].end);
		} else {
			blk[k++] = blk[i];
		}
	}
	if (k == XTCP_MAX_SACK_BLOCKS)
		k--;	/* the least recently reported one */
	for (i = k; i > 0; i--)
		blk[i] = blk[i - 1];
	blk[0] = cur;
	return k + 1;
}

unsigned int xtcp_sack_advance(struct xtcp_sack_block *blk, unsigned int n,
			       u32 rcv_nxt)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		if (!xtcp_seq_after(blk[i].end, rcv_nxt))
			continue;
		blk[k] = blk[i];
		blk[k].start = xtcp_seq_max(blk[k].start, rcv_nxt);
		k++;
	}
	return k;
}

unsigned int xtcp_sack_prune(struct xtcp_sack_block *blk, unsigned int n,
			     u32 seq)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		if (!xtcp_seq_before(blk[i].start, seq))
			continue;
		blk[k] = blk[i];
		blk[k].end = xtcp_seq_min(blk[k].end, seq);
		k++;
	}
	return k;
}

bool xtcp_sack_block_valid(u32 start, u32 end, u32 snd_una, u32 snd_max)
{
	return xtcp_seq_before(start, end) &&
	       !xtcp_seq_before(start, snd_una) &&
	       !xtcp_seq_after(end, snd_max);
}

bool xtcp_sack_is_dsack(const struct xtcp_sack_block *blk, unsigned int n,
			u32 ack)
{
	if (!n)
		return false;
	if (xtcp_seq_before(blk[0].start, ack))
		return true;
	return n > 1 && !xtcp_seq_after(blk[0].end, blk[1].end) &&
	       !xtcp_seq_before(blk[0].start, blk[1].start);
}

unsigned int xtcp_sack_uncovered(u32 start, u32 end,
				 const struct xtcp_sack_block *seen,
				 unsigned int n, struct xtcp_sack_block *out)
{
	int parts = 1, j;
	unsigned int i;

	out[0].start = start;
	out[0].end = end;
	for (i = 0; i < n && parts; i++) {
		u32 cs = seen[i].start, ce = seen[i].end;

		if (!xtcp_seq_before(cs, ce))
			continue;
		for (j = 0; j < parts; j++) {
			u32 ps = out[j].start, pe = out[j].end;

			if (!xtcp_seq_before(cs, pe) || !xtcp_seq_before(ps, ce))
				continue;	/* apart */
			if (xtcp_seq_before(ps, cs) && xtcp_seq_before(ce, pe)) {
				/* cs..ce inside: two parts */
				memmove(&out[j + 2], &out[j + 1],
					(parts - j - 1) * sizeof(*out));
				out[j].end = cs;
				out[j + 1].start = ce;
				out[j + 1].end = pe;
				parts++;
				j++;
			} else if (xtcp_seq_before(ps, cs)) {
				out[j].end = cs;
			} else if (xtcp_seq_before(ce, pe)) {
				out[j].start = ce;
			} else {
				memmove(&out[j], &out[j + 1],
					(parts - j - 1) * sizeof(*out));
				parts--;
				j--;
			}
		}
	}
	return parts;
}
