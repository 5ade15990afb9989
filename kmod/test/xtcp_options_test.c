// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the option codec and PAWS (kmod/xtcp_options.c).
 * Option bytes are handed to the parser in heap buffers of exactly their
 * length, so AddressSanitizer catches a read past the end.
 */
#include "logic_test.h"

static int parse_exact(const u8 *bytes, unsigned int len, bool syn,
		       struct xtcp_opts *out)
{
	u8 *copy = malloc(len ? len : 1);
	int ret;

	if (!copy) {
		perror("malloc");
		exit(2);
	}
	memcpy(copy, bytes, len);
	/* Garbage in *out first: the parser must clear it. */
	memset(out, 0xa5, sizeof(*out));
	ret = xtcp_parse_options(len ? copy : NULL, len, syn, out);
	free(copy);
	return ret;
}

/* What a parse is expected to find. */
struct want_opts {
	int ret;
	bool mss_ok, wscale_ok, sack_ok, ts_ok;
	u16 mss;
	u8 wscale;
	u32 tsval, tsecr;
	u8 num_sacks;
	struct xtcp_sack_block sacks[XTCP_MAX_SACK_BLOCKS];
};

static void check_opts(struct __test_metadata *_metadata, const char *name,
		       const struct xtcp_opts *o, int ret,
		       const struct want_opts *w, int line)
{
	unsigned int i;

	/* Report failures at the table entry's line. */
#define CHECK_AT(got, want) \
	CHECK_EQ(got, want, "%s (table line %d)", name, line)
	CHECK_AT(ret, w->ret);
	CHECK_AT(o->mss_ok, w->mss_ok);
	CHECK_AT(o->wscale_ok, w->wscale_ok);
	CHECK_AT(o->sack_ok, w->sack_ok);
	CHECK_AT(o->ts_ok, w->ts_ok);
	/* Fields of absent options are cleared. */
	CHECK_AT(o->mss, w->mss_ok ? w->mss : 0);
	CHECK_AT(o->wscale, w->wscale_ok ? w->wscale : 0);
	CHECK_AT(o->tsval, w->ts_ok ? w->tsval : 0);
	CHECK_AT(o->tsecr, w->ts_ok ? w->tsecr : 0);
	CHECK_AT(o->num_sacks, w->num_sacks);
	/* Blocks past num_sacks are cleared too (w->sacks is zero there). */
	for (i = 0; i < XTCP_MAX_SACK_BLOCKS; i++) {
		CHECK_AT(o->sacks[i].start, w->sacks[i].start);
		CHECK_AT(o->sacks[i].end, w->sacks[i].end);
	}
#undef CHECK_AT
}

#define MAXB 64

struct parse_case {
	int line;
	const char *name;
	bool syn;
	unsigned int len;
	u8 bytes[MAXB];
	struct want_opts want;
};

#define TS_BYTES 0x00, 0x1a, 0x2b, 0x3c, 0x80, 0x00, 0x00, 0x01

#define TSVAL 0x001a2b3cU

#define TSECR 0x80000001U

#define BLK(s, e) (u8)((s) >> 24), (u8)((s) >> 16), (u8)((s) >> 8), (u8)(s), \
		  (u8)((e) >> 24), (u8)((e) >> 16), (u8)((e) >> 8), (u8)(e)

static const struct parse_case parse_cases[] = {
	/* --- Real option lists. --- */
	{ __LINE__, "linux SYN", true, 20,
	  { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, TS_BYTES,
	    0x01, 0x03, 0x03, 0x07 },
	  { 0, true, true, true, true, 1460, 7, TSVAL, TSECR, 0, {} } },
	/* The same bytes on a non-SYN: only the timestamps count. */
	{ __LINE__, "linux SYN bytes, no SYN flag", false, 20,
	  { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, TS_BYTES,
	    0x01, 0x03, 0x03, 0x07 },
	  { 0, false, false, false, true, 0, 0, TSVAL, TSECR, 0, {} } },
	/* Loopback SYN: MSS 65495, wscale 7. */
	{ __LINE__, "linux loopback SYN", true, 20,
	  { 0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, TS_BYTES,
	    0x01, 0x03, 0x03, 0x07 },
	  { 0, true, true, true, true, 65495, 7, TSVAL, TSECR, 0, {} } },
	/* Linux with timestamps off: mss,nop,nop,sackOK,nop,wscale 7. */
	{ __LINE__, "linux SYN no TS", true, 12,
	  { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02,
	    0x01, 0x03, 0x03, 0x07 },
	  { 0, true, true, true, false, 1460, 7, 0, 0, 0, {} } },
	/* Windows: mss,nop,wscale 8,nop,nop,sackOK. */
	{ __LINE__, "windows SYN", true, 12,
	  { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x08,
	    0x01, 0x01, 0x04, 0x02 },
	  { 0, true, true, true, false, 1460, 8, 0, 0, 0, {} } },
	/* macOS: mss,nop,wscale 6,nop,nop,TS,sackOK,eol,eol. */
	{ __LINE__, "macos SYN", true, 24,
	  { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x06, 0x01, 0x01,
	    0x08, 0x0a, TS_BYTES, 0x04, 0x02, 0x00, 0x00 },
	  { 0, true, true, true, true, 1460, 6, TSVAL, TSECR, 0, {} } },
	/* Established segment: nop,nop,TS. */
	{ __LINE__, "linux ACK with TS", false, 12,
	  { 0x01, 0x01, 0x08, 0x0a, TS_BYTES },
	  { 0, false, false, false, true, 0, 0, TSVAL, TSECR, 0, {} } },
	/* Established segment with one SACK block after the timestamps. */
	{ __LINE__, "linux ACK with TS and SACK", false, 24,
	  { 0x01, 0x01, 0x08, 0x0a, TS_BYTES, 0x01, 0x01, 0x05, 0x0a,
	    BLK(0x1000U, 0x2000U) },
	  { 0, false, false, false, true, 0, 0, TSVAL, TSECR, 1,
	    { { 0x1000, 0x2000 } } } },
	{ __LINE__, "three SACK blocks and TS (40 bytes)", false, 40,
	  { 0x01, 0x01, 0x08, 0x0a, TS_BYTES, 0x01, 0x01, 0x05, 0x1a,
	    BLK(1U, 2U), BLK(0xfffffff0U, 0x10U), BLK(0x80000000U, 0x80001000U) },
	  { 0, false, false, false, true, 0, 0, TSVAL, TSECR, 3,
	    { { 1, 2 }, { 0xfffffff0U, 0x10 }, { 0x80000000U, 0x80001000U } } } },
	{ __LINE__, "four SACK blocks", false, 36,
	  { 0x01, 0x01, 0x05, 0x22, BLK(1U, 2U), BLK(3U, 4U), BLK(5U, 6U),
	    BLK(7U, 8U) },
	  { 0, false, false, false, false, 0, 0, 0, 0, 4,
	    { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } } } },
	/* Five blocks cannot fit in 40 bytes, but len may be longer. */
	{ __LINE__, "five SACK blocks keep four", false, 42,
	  { 0x05, 0x2a, BLK(1U, 2U), BLK(3U, 4U), BLK(5U, 6U), BLK(7U, 8U),
	    BLK(9U, 10U) },
	  { 0, false, false, false, false, 0, 0, 0, 0, 4,
	    { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } } } },
	{ __LINE__, "two SACK options: last wins", false, 20,
	  { 0x05, 0x0a, BLK(1U, 2U), 0x05, 0x0a, BLK(3U, 4U) },
	  { 0, false, false, false, false, 0, 0, 0, 0, 1, { { 3, 4 } } } },
	/* Found by the fuzzer: the shorter one must not keep old blocks. */
	{ __LINE__, "two SACK options: 2 blocks then 1", false, 28,
	  { 0x05, 0x12, BLK(1U, 2U), BLK(3U, 4U), 0x05, 0x0a, BLK(5U, 6U) },
	  { 0, false, false, false, false, 0, 0, 0, 0, 1, { { 5, 6 } } } },
	{ __LINE__, "SACK blocks on a SYN are ignored", true, 10,
	  { 0x05, 0x0a, BLK(1U, 2U) },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },

	/* --- Empty and padding. --- */
	{ __LINE__, "empty", true, 0, {},
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "NOPs only", true, 4, { 0x01, 0x01, 0x01, 0x01 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "EOL only", true, 1, { 0x00 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	/* EOL ends the list: nothing after it is looked at. */
	{ __LINE__, "EOL then MSS", true, 5, { 0x00, 0x02, 0x04, 0x05, 0xb4 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "MSS, EOL, then garbage", true, 8,
	  { 0x02, 0x04, 0x05, 0xb4, 0x00, 0x77, 0x00, 0x01 },
	  { 0, true, false, false, false, 1460, 0, 0, 0, 0, {} } },

	/* --- Unknown kinds are skipped by their length. --- */
	{ __LINE__, "unknown kind 99 len 2 then MSS", true, 6,
	  { 99, 0x02, 0x02, 0x04, 0x05, 0xb4 },
	  { 0, true, false, false, false, 1460, 0, 0, 0, 0, {} } },
	{ __LINE__, "MPTCP (30) len 12 then WS", true, 16,
	  { 30, 12, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x01, 0x03, 0x03, 0x05 },
	  { 0, false, true, false, false, 0, 5, 0, 0, 0, {} } },
	{ __LINE__, "TFO cookie (34) len 10 then TS", false, 20,
	  { 34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 0x08, 0x0a, TS_BYTES },
	  { 0, false, false, false, true, 0, 0, TSVAL, TSECR, 0, {} } },
	{ __LINE__, "kind 255 len 40", false, 40,
	  { 255, 40, 0x02, 0x04, 0x05, 0xb4 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	/* An unknown kind whose length byte looks like option kinds. */
	{ __LINE__, "unknown whose body holds MSS bytes", true, 8,
	  { 200, 6, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },

	/* --- Malformed: -EINVAL, earlier options kept. --- */
	{ __LINE__, "length 0", true, 4, { 0x02, 0x00, 0x05, 0xb4 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "length 1", true, 4, { 0x03, 0x01, 0x07, 0x01 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "unknown with length 0", false, 2, { 99, 0 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "MSS then length 0", true, 8,
	  { 0x02, 0x04, 0x05, 0xb4, 0x08, 0x00, 0x01, 0x01 },
	  { -EINVAL, true, false, false, false, 1460, 0, 0, 0, 0, {} } },
	{ __LINE__, "truncated MSS", true, 3, { 0x02, 0x04, 0x05 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "truncated TS", false, 9,
	  { 0x08, 0x0a, 1, 2, 3, 4, 5, 6, 7 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "kind without length byte", true, 1, { 0x02 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "NOPs then kind without length", true, 4,
	  { 0x01, 0x01, 0x01, 0x04 },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "TS then kind without length", false, 11,
	  { 0x08, 0x0a, TS_BYTES, 0x05 },
	  { -EINVAL, false, false, false, true, 0, 0, TSVAL, TSECR, 0, {} } },
	{ __LINE__, "SYN opts then option past the end", true, 12,
	  { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x01, 0x03, 0x03, 0x09,
	    99, 0x05 },
	  { -EINVAL, true, true, true, false, 1460, 9, 0, 0, 0, {} } },
	{ __LINE__, "SACK running past the end", false, 12,
	  { 0x01, 0x01, 0x05, 0x12, BLK(1U, 2U) },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "length 255 in 40 bytes", false, 40, { 0x13, 0xff },
	  { -EINVAL, false, false, false, false, 0, 0, 0, 0, 0, {} } },

	/* --- Known kinds with the wrong length are skipped. --- */
	{ __LINE__, "MSS len 3", true, 7,
	  { 0x02, 0x03, 0x05, 0x03, 0x03, 0x02, 0x01 },
	  { 0, false, true, false, false, 0, 2, 0, 0, 0, {} } },
	{ __LINE__, "MSS len 6", true, 6, { 0x02, 0x06, 0x05, 0xb4, 0, 0 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "WS len 4", true, 4, { 0x03, 0x04, 0x07, 0x00 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "WS len 2", true, 2, { 0x03, 0x02 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "SACK_PERM len 3", true, 3, { 0x04, 0x03, 0x00 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "TS len 8", false, 8, { 0x08, 0x08, 1, 2, 3, 4, 5, 6 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "TS len 12", false, 12,
	  { 0x08, 0x0c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "SACK len 2 (no block)", false, 2, { 0x05, 0x02 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "SACK len 9", false, 9, { 0x05, 0x09, 1, 2, 3, 4, 5, 6, 7 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "SACK len 14", false, 14,
	  { 0x05, 0x0e, BLK(1U, 2U), 0, 0, 0, 0 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },

	/* --- Values. --- */
	{ __LINE__, "MSS 0 is ignored", true, 4, { 0x02, 0x04, 0x00, 0x00 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "MSS 1", true, 4, { 0x02, 0x04, 0x00, 0x01 },
	  { 0, true, false, false, false, 1, 0, 0, 0, 0, {} } },
	{ __LINE__, "MSS 65535", true, 4, { 0x02, 0x04, 0xff, 0xff },
	  { 0, true, false, false, false, 65535, 0, 0, 0, 0, {} } },
	{ __LINE__, "two MSS: last wins", true, 8,
	  { 0x02, 0x04, 0x05, 0xb4, 0x02, 0x04, 0x02, 0x18 },
	  { 0, true, false, false, false, 536, 0, 0, 0, 0, {} } },
	{ __LINE__, "WS 0", true, 3, { 0x03, 0x03, 0x00 },
	  { 0, false, true, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "WS 14", true, 3, { 0x03, 0x03, 0x0e },
	  { 0, false, true, false, false, 0, 14, 0, 0, 0, {} } },
	{ __LINE__, "WS 15 reads as 14", true, 3, { 0x03, 0x03, 0x0f },
	  { 0, false, true, false, false, 0, 14, 0, 0, 0, {} } },
	{ __LINE__, "WS 255 reads as 14", true, 3, { 0x03, 0x03, 0xff },
	  { 0, false, true, false, false, 0, 14, 0, 0, 0, {} } },
	{ __LINE__, "TS all ones", false, 10,
	  { 0x08, 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	  { 0, false, false, false, true, 0, 0, 0xffffffffU, 0xffffffffU, 0,
	    {} } },

	/* --- SYN-only options on a non-SYN are ignored. --- */
	{ __LINE__, "MSS without SYN", false, 4, { 0x02, 0x04, 0x05, 0xb4 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "WS without SYN", false, 4, { 0x01, 0x03, 0x03, 0x07 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "SACK_PERM without SYN", false, 2, { 0x04, 0x02 },
	  { 0, false, false, false, false, 0, 0, 0, 0, 0, {} } },
	{ __LINE__, "TS on a SYN counts", true, 10, { 0x08, 0x0a, TS_BYTES },
	  { 0, false, false, false, true, 0, 0, TSVAL, TSECR, 0, {} } },
};

TEST(parse)
{
	const struct parse_case *c;
	struct xtcp_opts o;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_LEN(parse_cases); i++) {
		c = &parse_cases[i];
		ret = parse_exact(c->bytes, c->len, c->syn, &o);
		check_opts(_metadata, c->name, &o, ret, &c->want, c->line);
	}
}

/*
 * Every length cut of a full Linux SYN, and of a full ACK with SACK, must
 * parse without reading past the cut (ASan watches) and only ever fail
 * with -EINVAL.
 */
TEST(parse_truncations)
{
	static const u8 syn[] = { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08,
				  0x0a, TS_BYTES, 0x01, 0x03, 0x03, 0x07 };
	static const u8 ack[] = { 0x01, 0x01, 0x08, 0x0a, TS_BYTES, 0x01, 0x01,
				  0x05, 0x1a, BLK(1U, 2U), BLK(3U, 4U),
				  BLK(5U, 6U) };
	struct xtcp_opts o;
	unsigned int len;
	int ret;

	for (len = 0; len <= sizeof(syn); len++) {
		ret = parse_exact(syn, len, true, &o);
		/* Cuts inside an option fail; cuts between options do not. */
		if (len == 0 || len == 4 || len == 6 || len == 16 ||
		    len == 20) {
			CHECK_EQ(ret, 0, "syn cut at %u", len);
		} else if (len == 17) {	/* a trailing NOP is complete */
			CHECK_EQ(ret, 0, "syn cut at %u", len);
		} else {
			CHECK_EQ(ret, -EINVAL, "syn cut at %u", len);
		}
		CHECK_EQ(o.mss_ok, len >= 4, "syn cut at %u", len);
		CHECK_EQ(o.sack_ok, len >= 6, "syn cut at %u", len);
		CHECK_EQ(o.ts_ok, len >= 16, "syn cut at %u", len);
		CHECK_EQ(o.wscale_ok, len >= 20, "syn cut at %u", len);
	}
	for (len = 0; len <= sizeof(ack); len++) {
		ret = parse_exact(ack, len, false, &o);
		CHECK(ret == 0 || ret == -EINVAL, "ack cut at %u", len);
		CHECK_EQ(o.num_sacks, len == sizeof(ack) ? 3 : 0,
			 "ack cut at %u", len);
		CHECK_EQ(o.ts_ok, len >= 12, "ack cut at %u", len);
	}
}

static unsigned int write_checked(struct __test_metadata *_metadata,
				  u8 *buf, const struct xtcp_opts *o,
				  bool syn, const char *name, int line)
{
	unsigned int n, i, bad = 0;

	memset(buf, 0xee, MAXB);
	n = xtcp_write_options(buf, o, syn);
	for (i = n; i < MAXB; i++)
		bad += buf[i] != 0xee;
	CHECK_EQ(bad, 0, "%s (line %d): bytes past the end", name, line);
	CHECK_EQ(n, xtcp_options_size(o, syn),
		 "%s (line %d): written, against xtcp_options_size()", name,
		 line);
	CHECK(n <= XTCP_MAX_OPT_SPACE && n % 4 == 0, "%s (line %d): n = %u",
	      name, line, n);
	return n;
}

struct write_case {
	int line;
	const char *name;
	bool syn;
	struct xtcp_opts o;
	unsigned int len;
	u8 bytes[XTCP_MAX_OPT_SPACE];
};

#define TSO_VAL 0x11223344U

#define TSO_ECR 0xa0b0c0d0U

#define TSO_BYTES 0x11, 0x22, 0x33, 0x44, 0xa0, 0xb0, 0xc0, 0xd0

static const struct write_case write_cases[] = {
	/* Linux's SYN, byte for byte. */
	{ __LINE__, "linux SYN", true,
	  { .mss = 1460, .wscale = 7, .mss_ok = true, .wscale_ok = true,
	    .sack_ok = true, .ts_ok = true, .tsval = TSO_VAL, .tsecr = 0 },
	  20, { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
		0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 0x01, 0x03, 0x03, 0x07 } },
	/* And its SYN-ACK, echoing the timestamp. */
	{ __LINE__, "linux SYN-ACK", true,
	  { .mss = 1460, .wscale = 7, .mss_ok = true, .wscale_ok = true,
	    .sack_ok = true, .ts_ok = true, .tsval = TSO_VAL,
	    .tsecr = TSO_ECR },
	  20, { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, TSO_BYTES,
		0x01, 0x03, 0x03, 0x07 } },
	{ __LINE__, "SYN no TS", true,
	  { .mss = 1460, .wscale = 7, .mss_ok = true, .wscale_ok = true,
	    .sack_ok = true },
	  12, { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02,
		0x01, 0x03, 0x03, 0x07 } },
	{ __LINE__, "SYN TS no SACK", true,
	  { .mss = 536, .mss_ok = true, .ts_ok = true, .tsval = TSO_VAL,
	    .tsecr = TSO_ECR },
	  16, { 0x02, 0x04, 0x02, 0x18, 0x01, 0x01, 0x08, 0x0a, TSO_BYTES } },
	{ __LINE__, "SYN MSS only", true,
	  { .mss = 65495, .mss_ok = true },
	  4, { 0x02, 0x04, 0xff, 0xd7 } },
	{ __LINE__, "SYN WS only", true,
	  { .wscale = 14, .wscale_ok = true },
	  4, { 0x01, 0x03, 0x03, 0x0e } },
	{ __LINE__, "SYN WS 20 written as 14", true,
	  { .wscale = 20, .wscale_ok = true },
	  4, { 0x01, 0x03, 0x03, 0x0e } },
	{ __LINE__, "SYN SACK_PERM only", true,
	  { .sack_ok = true },
	  4, { 0x01, 0x01, 0x04, 0x02 } },
	{ __LINE__, "SYN nothing", true, { .mss = 1460 }, 0, {} },
	/* A SYN never carries SACK blocks. */
	{ __LINE__, "SYN with SACK blocks", true,
	  { .mss = 1460, .mss_ok = true, .num_sacks = 2,
	    .sacks = { { 1, 2 }, { 3, 4 } } },
	  4, { 0x02, 0x04, 0x05, 0xb4 } },
	/* Established: SYN-only options are never written. */
	{ __LINE__, "ACK with SYN-only flags set", false,
	  { .mss = 1460, .wscale = 7, .mss_ok = true, .wscale_ok = true,
	    .sack_ok = true },
	  0, {} },
	{ __LINE__, "ACK TS", false,
	  { .ts_ok = true, .tsval = TSO_VAL, .tsecr = TSO_ECR, .sack_ok = true },
	  12, { 0x01, 0x01, 0x08, 0x0a, TSO_BYTES } },
	{ __LINE__, "ACK TS + 1 SACK", false,
	  { .ts_ok = true, .tsval = TSO_VAL, .tsecr = TSO_ECR, .num_sacks = 1,
	    .sacks = { { 0x01020304U, 0x05060708U } } },
	  24, { 0x01, 0x01, 0x08, 0x0a, TSO_BYTES, 0x01, 0x01, 0x05, 0x0a,
		1, 2, 3, 4, 5, 6, 7, 8 } },
	{ __LINE__, "ACK 1 SACK", false,
	  { .num_sacks = 1, .sacks = { { 0xfffffff0U, 0x10 } } },
	  12, { 0x01, 0x01, 0x05, 0x0a, BLK(0xfffffff0U, 0x10U) } },
	{ __LINE__, "ACK 4 SACK", false,
	  { .num_sacks = 4, .sacks = { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } } },
	  36, { 0x01, 0x01, 0x05, 0x22, BLK(1U, 2U), BLK(3U, 4U), BLK(5U, 6U),
		BLK(7U, 8U) } },
	/* With timestamps only three blocks fit: the fourth is dropped. */
	{ __LINE__, "ACK TS + 4 SACK -> 3", false,
	  { .ts_ok = true, .tsval = TSO_VAL, .tsecr = TSO_ECR, .num_sacks = 4,
	    .sacks = { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } } },
	  40, { 0x01, 0x01, 0x08, 0x0a, TSO_BYTES, 0x01, 0x01, 0x05, 0x1a,
		BLK(1U, 2U), BLK(3U, 4U), BLK(5U, 6U) } },
	/* A bogus count is held to the array size. */
	{ __LINE__, "ACK num_sacks 200 -> 4", false,
	  { .num_sacks = 200,
	    .sacks = { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } } },
	  36, { 0x01, 0x01, 0x05, 0x22, BLK(1U, 2U), BLK(3U, 4U), BLK(5U, 6U),
		BLK(7U, 8U) } },
	{ __LINE__, "ACK nothing", false, {}, 0, {} },
};

TEST(write_options)
{
	const struct write_case *c;
	u8 buf[MAXB];
	unsigned int i, n;

	for (i = 0; i < ARRAY_LEN(write_cases); i++) {
		c = &write_cases[i];
		n = write_checked(_metadata, buf, &c->o, c->syn, c->name, c->line);
		CHECK_EQ(n, c->len, "%s (table line %d)", c->name, c->line);
		CHECK_EQ(memcmp(buf, c->bytes, c->len), 0,
			 "%s (table line %d): the bytes", c->name, c->line);
	}
}

/*
 * write -> parse for every combination of options, SYN or not, 0..5 SACK
 * blocks: the parse must give back what was written, minus what a
 * segment of that kind cannot carry.
 */
TEST(round_trip)
{
	static const u16 msses[] = { 1, 536, 1460, 65495, 65535 };
	static const u8 scales[] = { 0, 7, 14 };
	struct xtcp_opts o, p;
	unsigned int bits, nsack, i, n, want_sacks;
	char name[96];
	u8 buf[MAXB];
	int syn, ret;

	for (syn = 0; syn <= 1; syn++)
		for (bits = 0; bits < 16; bits++)
			for (nsack = 0; nsack <= 5; nsack++) {
				memset(&o, 0, sizeof(o));
				o.mss_ok = bits & 1;
				o.wscale_ok = bits & 2;
				o.sack_ok = bits & 4;
				o.ts_ok = bits & 8;
				o.mss = msses[(bits + nsack) % ARRAY_LEN(msses)];
				o.wscale = scales[(bits + nsack) %
						  ARRAY_LEN(scales)];
				o.tsval = 0xdead0000U + bits;
				o.tsecr = 0x0000beefU * nsack;
				o.num_sacks = nsack;
				for (i = 0; i < XTCP_MAX_SACK_BLOCKS; i++) {
					o.sacks[i].start = 0xfffff000U + 0x100 * i;
					o.sacks[i].end = o.sacks[i].start + 0x80;
				}
				snprintf(name, sizeof(name),
					 "syn %d bits %#x sacks %u", syn, bits,
					 nsack);

				n = write_checked(_metadata, buf, &o, syn, name, __LINE__);
				ret = parse_exact(buf, n, syn, &p);
				CHECK_EQ(ret, 0, "%s", name);
				CHECK_EQ(p.mss_ok, syn && o.mss_ok, "%s", name);
				CHECK_EQ(p.wscale_ok, syn && o.wscale_ok, "%s",
					 name);
				CHECK_EQ(p.sack_ok, syn && o.sack_ok, "%s", name);
				CHECK_EQ(p.ts_ok, o.ts_ok, "%s", name);
				if (p.mss_ok) {
					CHECK_EQ(p.mss, o.mss, "%s", name);
				}
				if (p.wscale_ok) {
					CHECK_EQ(p.wscale, o.wscale, "%s", name);
				}
				if (p.ts_ok) {
					CHECK_EQ(p.tsval, o.tsval, "%s", name);
					CHECK_EQ(p.tsecr, o.tsecr, "%s", name);
				}
				/* 4 blocks fit alone, 3 with timestamps. */
				want_sacks = syn ? 0 : nsack;
				if (want_sacks > 4)
					want_sacks = 4;
				if (o.ts_ok && want_sacks > 3)
					want_sacks = 3;
				CHECK_EQ(p.num_sacks, want_sacks, "%s", name);
				for (i = 0; i < p.num_sacks; i++) {
					CHECK_EQ(p.sacks[i].start,
						 o.sacks[i].start, "%s", name);
					CHECK_EQ(p.sacks[i].end, o.sacks[i].end,
						 "%s", name);
				}
			}
}

/* Fast Open (RFC 7413 4.1.1), as Linux's tcp_parse_fastopen_option(). */
TEST(fastopen_parse)
{
	static const struct {
		int line;
		const char *name;
		bool syn;
		unsigned int len;
		u8 bytes[24];
		bool ok, exp;
		u8 cookie_len;
	} cases[] = {
		{ __LINE__, "request", true, 4, { 34, 2, 1, 1 }, true, false, 0 },
		{ __LINE__, "8-byte cookie", true, 12,
		  { 34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1 }, true, false, 8 },
		{ __LINE__, "4-byte cookie", true, 8,
		  { 34, 6, 9, 9, 9, 9, 1, 1 }, true, false, 4 },
		{ __LINE__, "16-byte cookie", true, 20,
		  { 34, 18, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
		    15, 16, 1, 1 }, true, false, 16 },
		{ __LINE__, "odd cookie ignored", true, 8,
		  { 34, 7, 1, 2, 3, 4, 5, 0 }, false, false, 0 },
		{ __LINE__, "2-byte cookie ignored", true, 4,
		  { 34, 4, 1, 2 }, false, false, 0 },
		{ __LINE__, "18-byte cookie ignored", true, 20,
		  { 34, 20 }, false, false, 0 },
		{ __LINE__, "not on a non-SYN", false, 12,
		  { 34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1 }, false, false, 0 },
		{ __LINE__, "experimental request", true, 4,
		  { 254, 4, 0xf9, 0x89 }, true, true, 0 },
		{ __LINE__, "experimental cookie", true, 12,
		  { 254, 12, 0xf9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8 }, true, true,
		  8 },
		{ __LINE__, "other experiment", true, 4,
		  { 254, 4, 0x12, 0x34 }, false, false, 0 },
	};
	struct xtcp_opts o;
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		CHECK_EQ(parse_exact(cases[i].bytes, cases[i].len, cases[i].syn,
				     &o), 0, "%s (line %d)", cases[i].name,
			 cases[i].line);
		CHECK_EQ(o.fo_ok, cases[i].ok, "%s (line %d)", cases[i].name,
			 cases[i].line);
		CHECK_EQ(o.fo_exp, cases[i].exp, "%s (line %d)", cases[i].name,
			 cases[i].line);
		CHECK_EQ(o.fo_len, cases[i].cookie_len, "%s (line %d)",
			 cases[i].name, cases[i].line);
		if (o.fo_len) {
			CHECK_EQ(memcmp(o.fo_cookie, cases[i].bytes +
					(cases[i].exp ? 4 : 2), o.fo_len), 0,
				 "%s (line %d): the cookie", cases[i].name,
				 cases[i].line);
		}
	}
}

/*
 * Linux's SYN with a Fast Open cookie, byte for byte: the option goes
 * last, padded after it; on anything but a SYN it is not written.
 */
TEST(fastopen_write)
{
	static const u8 syn_cookie[] = {
		0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, TSO_BYTES,
		0x01, 0x03, 0x03, 0x07, 34, 10, 1, 2, 3, 4, 5, 6, 7, 8,
		0x01, 0x01 };
	static const u8 syn_request[] = {
		0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, TSO_BYTES,
		0x01, 0x03, 0x03, 0x07, 34, 2, 0x01, 0x01 };
	static const u8 exp_request[] = { 254, 4, 0xf9, 0x89 };
	struct xtcp_opts o = {
		.mss = 1460, .wscale = 7, .mss_ok = true, .wscale_ok = true,
		.sack_ok = true, .ts_ok = true, .tsval = TSO_VAL,
		.tsecr = TSO_ECR, .fo_ok = true, .fo_len = 8,
		.fo_cookie = { 1, 2, 3, 4, 5, 6, 7, 8 },
	};
	struct xtcp_opts p;
	u8 buf[MAXB];
	unsigned int n;

	n = write_checked(_metadata, buf, &o, true, "cookie", __LINE__);
	CHECK_EQ(n, sizeof(syn_cookie), "cookie");
	CHECK_EQ(memcmp(buf, syn_cookie, n), 0, "cookie: the bytes");
	CHECK_EQ(parse_exact(buf, n, true, &p), 0, "cookie: parsed");
	CHECK(p.fo_ok && p.fo_len == 8 && !memcmp(p.fo_cookie, o.fo_cookie, 8),
	      "cookie: parsed back");

	o.fo_len = 0;
	n = write_checked(_metadata, buf, &o, true, "request", __LINE__);
	CHECK_EQ(n, sizeof(syn_request), "request");
	CHECK_EQ(memcmp(buf, syn_request, n), 0, "request: the bytes");

	n = write_checked(_metadata, buf, &o, false, "not a SYN", __LINE__);
	CHECK_EQ(n, 12, "not a SYN: timestamps only");

	memset(&o, 0, sizeof(o));
	o.fo_ok = true;
	o.fo_exp = true;
	n = write_checked(_metadata, buf, &o, true, "experimental", __LINE__);
	CHECK_EQ(n, sizeof(exp_request), "experimental");
	CHECK_EQ(memcmp(buf, exp_request, n), 0, "experimental: the bytes");
}

/* MD5 signatures (RFC 2385), laid out and found as Linux does. */
TEST(md5_write)
{
	static const u8 syn[] = {
		0x01, 0x01, 0x13, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02,
		0x01, 0x03, 0x03, 0x07 };
	struct xtcp_opts o = {
		.mss = 1460, .wscale = 7, .mss_ok = true, .wscale_ok = true,
		.sack_ok = true, .md5 = true,
	};
	u8 buf[MAXB];
	unsigned int n;

	/* Linux's SYN with a key: no timestamps, the signature first. */
	n = write_checked(_metadata, buf, &o, true, "SYN", __LINE__);
	CHECK_EQ(n, sizeof(syn), "SYN");
	CHECK_EQ(memcmp(buf, syn, n), 0, "SYN: the bytes");
	CHECK_EQ(xtcp_md5_option(buf, n), 4, "SYN: found");

	/* With timestamps no SACK block fits; without, two do. */
	memset(&o, 0, sizeof(o));
	o.md5 = true;
	o.ts_ok = true;
	o.num_sacks = 3;
	n = write_checked(_metadata, buf, &o, false, "TS", __LINE__);
	CHECK_EQ(n, 32, "TS: signature and timestamps only");
	o.ts_ok = false;
	n = write_checked(_metadata, buf, &o, false, "no TS", __LINE__);
	CHECK_EQ(n, 40, "no TS: two blocks");
	CHECK_EQ(buf[23], 2 + 2 * XTCPOLEN_SACK_PERBLOCK, "no TS: SACK length");
}

TEST(md5_find)
{
	static const u8 none[] = { 0x01, 0x01, 0x08, 0x0a, 1, 2, 3, 4, 5, 6,
				   7, 8 };
	static const u8 after_ts[] = {
		0x01, 0x01, 0x08, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8,
		0x13, 0x12, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };
	static const u8 short_md5[] = { 0x13, 0x06, 1, 2, 3, 4 };
	u8 two[40] = { 0x13, 0x12 };

	CHECK_EQ(xtcp_md5_option(none, sizeof(none)), -1, "none");
	CHECK_EQ(xtcp_md5_option(after_ts, sizeof(after_ts)), 14, "after TS");
	CHECK_EQ(xtcp_md5_option(short_md5, sizeof(short_md5)), -EINVAL,
		 "wrong length");
	two[18] = 0x13;
	two[19] = 0x12;
	CHECK_EQ(xtcp_md5_option(two, 36), -EINVAL, "two of them");
	/* Cut off: the search ends there. */
	CHECK_EQ(xtcp_md5_option(after_ts, 20), -1, "cut off");
}

TEST(paws)
{
	CHECK(xtcp_paws_ok(100, 100, 0), "equal is fine");
	CHECK(xtcp_paws_ok(101, 100, 0), "newer");
	CHECK(!xtcp_paws_ok(99, 100, 0), "older: rejected");
	CHECK(xtcp_paws_ok(99, 0, 0), "no TS.Recent yet");
	CHECK(xtcp_paws_ok(5, 0xfffffff0U, 0), "newer across the wrap");
	CHECK(!xtcp_paws_ok(0xfffffff0U, 5, 0), "older across the wrap");
	CHECK(!xtcp_paws_ok(99, 100, XTCP_PAWS_IDLE_SECS - 1), "23 days");
	CHECK(xtcp_paws_ok(99, 100, XTCP_PAWS_IDLE_SECS), "24 days: stale");
}

/* RFC 6191: which SYNs end a TIME_WAIT, and the ISS they get. */
TEST(tw_syn_iss)
{
	/* Newer by sequence number, no timestamps. */
	CHECK_EQ(xtcp_tw_syn_iss(501, 500, 1000, false, 0, 0, 0), 1000U + 65537,
		 "seq past rcv_nxt");
	CHECK_EQ(xtcp_tw_syn_iss(500, 500, 1000, false, 0, 0, 0), 0U,
		 "seq at rcv_nxt: not newer");
	CHECK_EQ(xtcp_tw_syn_iss(10, 500, 1000, false, 0, 0, 0), 0U,
		 "an old SYN");
	CHECK_EQ(xtcp_tw_syn_iss(0x80000000U, 0x7fffffffU, 5, false, 0, 0, 0),
		 65537U + 5,
		 "seq across the sign");
	/* Newer by timestamp, whatever the sequence number. */
	CHECK_EQ(xtcp_tw_syn_iss(10, 500, 1000, true, 201, 200, 0), 1000U + 65537,
		 "TSval past TS.Recent");
	CHECK_EQ(xtcp_tw_syn_iss(10, 500, 1000, true, 200, 200, 0), 0U,
		 "TSval equal: not newer");
	CHECK_EQ(xtcp_tw_syn_iss(501, 500, 1000, true, 199, 200, 0), 0U,
		 "PAWS rejects it, newer seq or not");
	CHECK_EQ(xtcp_tw_syn_iss(501, 500, 1000, true, 199, 200,
						XTCP_PAWS_IDLE_SECS), 1000U + 65537,
		 "TS.Recent too old for PAWS");
	/* No TS.Recent (the old connection had no timestamps): as Linux. */
	CHECK_EQ(xtcp_tw_syn_iss(10, 500, 1000, true, 7, 0, 0), 1000U + 65537,
		 "any TSval is past 0");
	/* The ISS wraps, and is never 0. */
	CHECK_EQ(xtcp_tw_syn_iss(501, 500, (u32)-65537, false, 0, 0, 0), 1U,
		 "ISS 0 becomes 1");
	CHECK_EQ(xtcp_tw_syn_iss(501, 500, (u32)-65532, false, 0, 0, 0), 5U,
		 "ISS wraps");
}

TEST_HARNESS_MAIN
