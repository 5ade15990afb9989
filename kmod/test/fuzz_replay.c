// SPDX-License-Identifier: GPL-2.0
/*
 * The option fuzzer's target without libFuzzer, for `make unit`: every
 * file of the seed corpus (fuzz-seeds/, and fuzz-corpus/ if a `make fuzz`
 * left one), then a fixed series of pseudo-random inputs built from option
 * kinds and lengths, so that the invariants of fuzz_options.c are checked
 * on every run, with gcc's ASan and UBSan, whatever compiler is installed.
 *
 *   ./fuzz_replay DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LEN		64
#define RANDOM_INPUTS	200000

static unsigned long replay_dir(const char *dir)
{
	unsigned long n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		uint8_t buf[4096];
		char path[4096];
		size_t len;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		n++;
	}
	closedir(d);
	return n;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Options as a peer would write them, with lengths now and then wrong. */
static size_t random_input(uint8_t *buf)
{
	static const uint8_t kinds[] = { 0, 1, 2, 3, 4, 5, 8, 30, 254 };
	static const uint8_t lens[] = { 0, 1, 2, 4, 3, 10, 10, 2, 4 };
	size_t len = 0, want = next() % (MAX_LEN + 1);

	while (len < want) {
		unsigned int k = next() % sizeof(kinds);
		size_t olen = lens[k], i;

		if (kinds[k] == 5)	/* SACK: 1 to 4 blocks */
			olen = 2 + 8 * (1 + next() % 4);
		if (next() % 8 == 0)	/* a wrong length */
			olen = next() % 48;
		buf[len++] = kinds[k];
		if (kinds[k] <= 1 || len >= want)
			continue;
		buf[len++] = (uint8_t)olen;
		for (i = 2; i < olen && len < want; i++)
			buf[len++] = (uint8_t)next();
	}
	return want;
}

int main(int argc, char **argv)
{
	unsigned long files = 0, i;
	uint8_t buf[MAX_LEN + 48];
	int a;

	for (a = 1; a < argc; a++)
		files += replay_dir(argv[a]);
	for (i = 0; i < RANDOM_INPUTS; i++)
		LLVMFuzzerTestOneInput(buf, random_input(buf));
	printf("# option fuzz target: %lu corpus files, %d generated inputs, no invariant broken\n",
	       files, RANDOM_INPUTS);
	return files ? 0 : 1;
}
