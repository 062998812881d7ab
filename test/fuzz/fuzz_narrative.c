/*
 * test/fuzz/fuzz_narrative.c: libFuzzer harness for src/narrative.c.
 *
 * Input: names separated by '|', a NUL byte, then the narrative (without a
 * NUL byte the whole input is the narrative and a fixed name set is used).
 * Every buffer handed to the code under test is a heap copy of exactly its
 * length, so AddressSanitizer catches any read past it.  Aborts when:
 *   - the word splitter returns words out of bounds, out of order, empty or
 *     containing a separator;
 *   - the index scan disagrees with a naive matcher written here;
 *   - upper-casing the ASCII letters of the narrative changes any answer;
 *   - appending a blank turns a found strength or drug word into none.
 */
#include "narrative.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAMES 16
#define MAX_WORDS 4096
#define MAX_IDS 16

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const default_names[] = {
	"tacrolimus", "envarsus xr", "envarsus", "mycophenolic acid",
	"muromonab-cd3", "prograf", "cellcept", "sirolimus",
};

static void
fail(const char *what)
{
	fprintf(stderr, "invariant failed: %s\n", what);
	abort();
}

static char *
copy(const void *p, size_t n)
{
	char	   *c = malloc(n ? n : 1);

	if (c == NULL)
		abort();
	if (n)
		memcpy(c, p, n);
	return c;
}

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char) (c + 32) : c;
}

typedef struct span
{
	size_t		start;
	size_t		len;
} span;

/* words of a text, checking the splitter's invariants on the way */
static int
split(const char *s, size_t len, span *out, int max)
{
	size_t		pos = 0;
	size_t		last_end = 0;
	size_t		st;
	size_t		wl;
	int			n = 0;

	while (narr_next_word(s, len, &pos, &st, &wl))
	{
		if (wl == 0 || st < last_end || st + wl > len || pos != st + wl)
			fail("word splitter bounds");
		if (n < max)
		{
			out[n].start = st;
			out[n].len = wl;
		}
		n++;
		last_end = pos;
	}
	if (pos > len)
		fail("word splitter position");
	return n;
}

static bool
same_word(const char *a, span x, const char *b, span y)
{
	size_t		i;

	if (x.len != y.len)
		return false;
	for (i = 0; i < x.len; i++)
		if (lower((unsigned char) a[x.start + i]) != lower((unsigned char) b[y.start + i]))
			return false;
	return true;
}

/* the matcher spelled out: longest name at each word, lowest id on ties */
static int
naive_scan(char **names, size_t *lens, int nnames, const char *s, size_t len,
		   int *ids, int max_ids)
{
	static span words[MAX_WORDS];
	static span nw[MAX_NAMES][128];
	int			nwc[MAX_NAMES];
	int			nwords = split(s, len, words, MAX_WORDS);
	int			found = 0;
	int			i,
				k,
				j;

	if (nwords > MAX_WORDS)
		nwords = MAX_WORDS;
	for (k = 0; k < nnames; k++)
	{
		nwc[k] = split(names[k], lens[k], nw[k], 128);
		if (nwc[k] > 128)
			nwc[k] = -1;		/* not compared; the caller keeps names short */
	}
	for (i = 0; i < nwords && found < max_ids; i++)
	{
		int			best = -1;
		int			best_n = 0;

		for (k = 0; k < nnames; k++)
		{
			bool		match = nwc[k] > 0 && i + nwc[k] <= nwords;

			for (j = 0; match && j < nwc[k]; j++)
				match = same_word(s, words[i + j], names[k], nw[k][j]);
			if (match && nwc[k] > best_n)
			{
				best = k;
				best_n = nwc[k];
			}
		}
		if (best < 0)
			continue;
		for (j = 0; j < found; j++)
			if (ids[j] == best)
				break;
		if (j == found)
			ids[found++] = best;
	}
	return found;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *names[MAX_NAMES];
	size_t		lens[MAX_NAMES];
	int			nnames = 0;
	const uint8_t *nul = memchr(data, 0, size);
	const uint8_t *text;
	size_t		tlen;
	size_t		isize;
	void	   *mem;
	narr_index *ix;
	char	   *s;
	char	   *up;
	char	   *sp;
	int			got[MAX_IDS];
	int			want[MAX_IDS];
	int			ngot;
	int			nwant;
	int			i;
	bool		st,
				dw;

	if (nul != NULL)
	{
		const uint8_t *p = data;

		while (p < nul && nnames < MAX_NAMES)
		{
			const uint8_t *bar = memchr(p, '|', (size_t) (nul - p));
			const uint8_t *end = bar ? bar : nul;

			if (end - p > 200)
				end = p + 200;
			names[nnames] = copy(p, (size_t) (end - p));
			lens[nnames] = (size_t) (end - p);
			nnames++;
			if (bar == NULL)
				break;
			p = bar + 1;
		}
		text = nul + 1;
		tlen = size - (size_t) (text - data);
	}
	else
	{
		for (i = 0; i < (int) (sizeof(default_names) / sizeof(default_names[0])); i++)
		{
			lens[nnames] = strlen(default_names[i]);
			names[nnames] = copy(default_names[i], lens[nnames]);
			nnames++;
		}
		text = data;
		tlen = size;
	}

	isize = narr_index_size((const char *const *) names, lens, nnames);
	mem = malloc(isize);
	if (mem == NULL)
		abort();
	ix = narr_index_build(mem, isize, (const char *const *) names, lens, nnames);
	if (ix == NULL || narr_index_count(ix) != nnames)
		fail("index build");

	s = copy(text, tlen);
	ngot = narr_index_scan(ix, s, tlen, got, MAX_IDS);
	nwant = naive_scan(names, lens, nnames, s, tlen, want, MAX_IDS);
	if (ngot != nwant)
		fail("scan count differs from the naive matcher");
	for (i = 0; i < ngot; i++)
		if (got[i] != want[i] || got[i] < 0 || got[i] >= nnames)
			fail("scan ids differ from the naive matcher");

	st = narr_has_strength(s, tlen);
	dw = narr_has_drug_word(s, tlen);

	/* case folding */
	up = copy(text, tlen);
	for (i = 0; i < (int) tlen; i++)
		if (up[i] >= 'a' && up[i] <= 'z')
			up[i] = (char) (up[i] - 32);
	if (narr_has_strength(up, tlen) != st)
		fail("strength depends on case");
	if (narr_has_drug_word(up, tlen) != dw)
		fail("drug word depends on case");
	{
		int			again[MAX_IDS];
		int			n2 = narr_index_scan(ix, up, tlen, again, MAX_IDS);

		if (n2 != ngot || memcmp(again, got, sizeof(int) * (size_t) ngot) != 0)
			fail("scan depends on case");
	}

	/* a trailing blank keeps what was found */
	sp = malloc(tlen + 1);
	if (sp == NULL)
		abort();
	if (tlen)
		memcpy(sp, text, tlen);
	sp[tlen] = ' ';
	if (st && !narr_has_strength(sp, tlen + 1))
		fail("trailing blank lost the strength");
	if (dw && !narr_has_drug_word(sp, tlen + 1))
		fail("trailing blank lost the drug word");

	/* stopwords are never drug words on their own */
	if (tlen < 64 && narr_is_stopword(s, tlen) && narr_has_drug_word(s, tlen))
	{
		size_t		k;
		bool		plain = true;

		for (k = 0; k < tlen; k++)
			if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z')))
				plain = false;
		if (plain)
			fail("a stopword counted as a drug word");
	}

	free(sp);
	free(up);
	free(s);
	free(mem);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	return 0;
}
