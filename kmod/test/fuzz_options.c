// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the option codec in kmod/xtcp_options.c.
 *
 *   make fuzz FUZZ_SECONDS=60
 *
 * Each input is parsed as the options of a SYN and of a non-SYN segment,
 * from a heap buffer of exactly its size so that AddressSanitizer stops any
 * read past len.  Then the invariants below must hold; a broken one aborts
 * and libFuzzer saves the input as crash-*.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../xtcp_options.h"

#define REQUIRE(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

#define BUF 64
#define CANARY 0xee

static int parse_copy(const u8 *data, size_t size, bool syn,
		      struct xtcp_opts *o)
{
	u8 *copy = malloc(size ? size : 1);
	int ret;

	REQUIRE(copy);
	memcpy(copy, data, size);
	memset(o, 0x5a, sizeof(*o));	/* the parser must clear it */
	ret = xtcp_parse_options(size ? copy : NULL, size, syn, o);
	free(copy);
	return ret;
}

static void one(const u8 *data, size_t size, bool syn)
{
	struct xtcp_opts o, p, q;
	u8 buf[BUF], buf2[BUF];
	unsigned int n, i, want_sacks;
	int ret;

	ret = parse_copy(data, size, syn, &o);
	REQUIRE(ret == 0 || ret == -EINVAL);

	/* What a parse may give. */
	REQUIRE(o.num_sacks <= XTCP_MAX_SACK_BLOCKS);
	REQUIRE(o.wscale <= XTCP_MAX_WSCALE);
	REQUIRE(!o.mss_ok || o.mss != 0);
	if (syn)
		REQUIRE(o.num_sacks == 0);
	else
		REQUIRE(!o.mss_ok && !o.wscale_ok && !o.sack_ok);
	/* Fields of absent options are cleared. */
	REQUIRE(o.mss_ok || o.mss == 0);
	REQUIRE(o.wscale_ok || o.wscale == 0);
	REQUIRE(o.ts_ok || (o.tsval == 0 && o.tsecr == 0));
	for (i = o.num_sacks; i < XTCP_MAX_SACK_BLOCKS; i++)
		REQUIRE(o.sacks[i].start == 0 && o.sacks[i].end == 0);

	/* Writing: the announced size, padded, within 40, nothing past. */
	n = xtcp_options_size(&o, syn);
	REQUIRE(n <= XTCP_MAX_OPT_SPACE && n % 4 == 0);
	memset(buf, CANARY, sizeof(buf));
	REQUIRE(xtcp_write_options(buf, &o, syn) == n);
	for (i = n; i < BUF; i++)
		REQUIRE(buf[i] == CANARY);

	/* write(parse(x)) parses back to the same fields. */
	ret = parse_copy(buf, n, syn, &p);
	REQUIRE(ret == 0);
	REQUIRE(p.mss_ok == o.mss_ok && p.mss == o.mss);
	REQUIRE(p.wscale_ok == o.wscale_ok && p.wscale == o.wscale);
	REQUIRE(p.sack_ok == o.sack_ok);
	REQUIRE(p.ts_ok == o.ts_ok);
	REQUIRE(p.tsval == o.tsval && p.tsecr == o.tsecr);
	/* Only 3 blocks fit beside timestamps (a longer input had room). */
	want_sacks = o.num_sacks;
	if (o.ts_ok && want_sacks > 3)
		want_sacks = 3;
	REQUIRE(p.num_sacks == want_sacks);
	for (i = 0; i < p.num_sacks; i++)
		REQUIRE(p.sacks[i].start == o.sacks[i].start &&
			p.sacks[i].end == o.sacks[i].end);

	/* And the canonical form is a fixed point: same bytes again. */
	REQUIRE(xtcp_options_size(&p, syn) == n);
	REQUIRE(xtcp_write_options(buf2, &p, syn) == n);
	REQUIRE(memcmp(buf, buf2, n) == 0);
	ret = parse_copy(buf2, n, syn, &q);
	REQUIRE(ret == 0 && memcmp(&p, &q, sizeof(p)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, true);
	one(data, size, false);
	return 0;
}
