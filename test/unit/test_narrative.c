/*
 * test/unit/test_narrative.c: unit tests of src/narrative.c, printing TAP.
 * Built with AddressSanitizer and UndefinedBehaviorSanitizer by
 * test/narrative.mk; every input is copied into a buffer of exactly its
 * length, so a read past the end is caught.
 */
#include "narrative.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	tests_run = 0;
static int	tests_failed = 0;

/* prints one TAP line; arg is shown with bytes outside printable ASCII as \xHH */
static void
ok(int cond, const char *fmt, const char *arg)
{
	char		shown[256];
	size_t		n = 0;
	const unsigned char *a = (const unsigned char *) arg;

	for (; *a && n + 5 < sizeof(shown); a++)
	{
		if (*a >= 0x20 && *a < 0x7f && *a != '#')
			shown[n++] = (char) *a;
		else
			n += (size_t) snprintf(shown + n, sizeof(shown) - n, "\\x%02X", *a);
	}
	shown[n] = '\0';
	tests_run++;
	if (!cond)
		tests_failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", tests_run);
	printf(fmt, shown);
	printf("\n");
}

/* a heap copy of exactly strlen(s) bytes, no terminator */
static char *
exact(const char *s, size_t *len)
{
	size_t		n = strlen(s);
	char	   *p = malloc(n ? n : 1);

	if (p == NULL)
		abort();
	memcpy(p, s, n);
	*len = n;
	return p;
}

static int
strength(const char *s)
{
	size_t		n;
	char	   *p = exact(s, &n);
	int			r = narr_has_strength(p, n);

	free(p);
	return r;
}

static int
drug_word(const char *s)
{
	size_t		n;
	char	   *p = exact(s, &n);
	int			r = narr_has_drug_word(p, n);

	free(p);
	return r;
}

static void
test_strength(void)
{
	static const char *const yes[] = {
		"5mg", "5 mg", "0.25 MG", "10 %", "10%", ".5 mg", "0.5mL", "1,000 units",
		"1,000 unit", "100 IU", "2 g", "tacrolimus 1 mg cap", "5 mg/mL",
		"take 5mg.", "250 mcg", "1.5\tmg", "2  ml", "3 Units", "mycophenolic acid 180mg",
		"5\xc2\xa0mg", "25 \xc2\xb5g", "25 \xce\xbcg", "2 grams", "1 milligram",
		"x5mg", "5/325 mg", "0.1%w", "dose 10 ug", "5 mg\xe2\x80\x94tid",
		"1,00 mg",				/* "00 mg" after the comma */
	};
	static const char *const no[] = {
		"", "5", "mg", "5 mgx", "5 mg5", "five mg", "tacrolimus", "5 kg", "5mgs",
		"5 m g", "5\nmg", "100 tablets", "5 mgé", "5 gram5",
		"5 units2", ". mg", "5.", "5 mg\xc3", "5,000", "1,000,00 g2",
	};
	size_t		i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ok(strength(yes[i]), "strength found in \"%s\"", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ok(!strength(no[i]), "no strength in \"%s\"", no[i]);
	ok(!narr_has_strength(NULL, 0), "no strength in NULL%s", "");
}

static void
test_drug_word(void)
{
	static const char *const yes[] = {
		"tacrolimus", "Prograf 1 mg", "take one Envarsus XR tablet", "CellCept 500mg",
		"belatacept", "Tacrolimus1mg", "ciclospor\xc3\xadna 25 mg", "NULOJIX",
		"sirolimus, take daily",
	};
	static const char *const no[] = {
		"", "take 1 tablet daily", "5 mg", "Take 2 tabs BID with food, 30 days supply",
		"dispensed once every 12 hours by mouth", "ATG 25 mg", "UNITS", "milligrams",
		"drug 5 mg", "noc immunosuppressive drug", "q12hours",
	};
	size_t		i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ok(drug_word(yes[i]), "drug word in \"%s\"", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ok(!drug_word(no[i]), "no drug word in \"%s\"", no[i]);
	ok(!narr_has_drug_word(NULL, 0), "no drug word in NULL%s", "");
}

static void
test_stopwords(void)
{
	size_t		n;
	size_t		i;
	const char *const *list = narr_stopwords(&n);
	int			sorted = 1;
	int			found = 1;

	for (i = 1; i < n; i++)
		if (strcmp(list[i - 1], list[i]) >= 0)
		{
			sorted = 0;
			printf("# out of order: %s %s\n", list[i - 1], list[i]);
		}
	ok(sorted, "stopword list sorted and without duplicates%s", "");
	for (i = 0; i < n; i++)
	{
		char		up[64];
		size_t		k;
		size_t		len = strlen(list[i]);

		for (k = 0; k < len && k < sizeof(up); k++)
			up[k] = (char) ((list[i][k] >= 'a' && list[i][k] <= 'z') ? list[i][k] - 32 : list[i][k]);
		if (!narr_is_stopword(list[i], len) || !narr_is_stopword(up, len))
		{
			found = 0;
			printf("# not found: %s\n", list[i]);
		}
	}
	ok(found, "every stopword found, in both cases%s", "");
	ok(narr_is_stopword("mg", 2), "units are stopwords%s", "");
	ok(!narr_is_stopword("tacrolimus", 10), "tacrolimus is no stopword%s", "");
	ok(!narr_is_stopword("tak", 3), "prefix of a stopword is none%s", "");
	ok(!narr_is_stopword("takes2", 6), "extension of a stopword is none%s", "");
}

/* --------------------------------------------------------------- index */

static const char *const drug_names[] = {
	"tacrolimus",				/* 0 */
	"envarsus xr",				/* 1 */
	"envarsus",					/* 2 */
	"mycophenolic acid",		/* 3 */
	"mycophenolate mofetil",	/* 4 */
	"muromonab-cd3",			/* 5 */
	"prograf",					/* 6 */
	"   ",						/* 7: no word, never matches */
	"tacrolimus",				/* 8: duplicate, the lower id wins */
	"astagraf xl",				/* 9 */
};
#define N_DRUGS ((int) (sizeof(drug_names) / sizeof(drug_names[0])))

static narr_index *
build_index(void **mem)
{
	size_t		lens[N_DRUGS];
	size_t		size;
	int			i;
	narr_index *ix;

	for (i = 0; i < N_DRUGS; i++)
		lens[i] = strlen(drug_names[i]);
	size = narr_index_size(drug_names, lens, N_DRUGS);
	*mem = malloc(size);
	if (*mem == NULL)
		abort();
	ok(narr_index_build(*mem, size - 1, drug_names, lens, N_DRUGS) == NULL,
	   "build refuses a buffer one byte short%s", "");
	ix = narr_index_build(*mem, size, drug_names, lens, N_DRUGS);
	ok(ix != NULL, "index built%s", "");
	ok(narr_index_count(ix) == N_DRUGS, "index holds every name%s", "");
	return ix;
}

/* scan and compare with the expected ids, given as a -1-terminated list */
static void
expect_scan(const narr_index *ix, const char *text, const int *want)
{
	int			got[16];
	size_t		n;
	char	   *p = exact(text, &n);
	int			k = narr_index_scan(ix, p, n, got, 16);
	int			nwant = 0;
	int			same;
	int			i;

	while (want[nwant] >= 0)
		nwant++;
	same = (k == nwant);
	for (i = 0; same && i < k; i++)
		same = (got[i] == want[i]);
	if (!same)
	{
		printf("# got:");
		for (i = 0; i < k; i++)
			printf(" %d", got[i]);
		printf("\n");
	}
	ok(same, "names found in \"%s\"", text);
	free(p);
}

static void
test_index(void)
{
	void	   *mem;
	narr_index *ix = build_index(&mem);
	static const int none[] = {-1};
	static const int tac[] = {0, -1};
	static const int env_xr[] = {1, -1};
	static const int env[] = {2, -1};
	static const int mpa[] = {3, -1};
	static const int mmf_tac[] = {4, 0, -1};
	static const int okt3[] = {5, -1};
	static const int prog_tac[] = {6, 0, -1};
	static const int astag[] = {9, -1};
	int			got[2];
	size_t		n;
	char	   *p;

	expect_scan(ix, "tacrolimus 1 mg", tac);
	expect_scan(ix, "TACROLIMUS", tac);
	expect_scan(ix, "Tacrolimus-XR 1mg", tac);
	expect_scan(ix, "(tacrolimus)", tac);
	expect_scan(ix, "tacrolimus1 mg", none);
	expect_scan(ix, "xtacrolimus", none);
	expect_scan(ix, "tacrolimu", none);
	expect_scan(ix, "tacrolimus\xc3\xa9", none);
	expect_scan(ix, "tacrolimus\xc2\xa0" "1mg", tac);
	expect_scan(ix, "\xe2\x80\x9ctacrolimus\xe2\x80\x9d", tac);
	expect_scan(ix, "Envarsus XR 0.75 mg", env_xr);
	expect_scan(ix, "envarsus-xr", env_xr);
	expect_scan(ix, "ENVARSUS   xr", env_xr);
	expect_scan(ix, "Envarsus 0.75 mg", env);
	expect_scan(ix, "envarsus xrx", env);
	expect_scan(ix, "envarsus", env);
	expect_scan(ix, "mycophenolic acid 180 mg", mpa);
	expect_scan(ix, "mycophenolic", none);
	expect_scan(ix, "mycophenolic\nacid", mpa);
	expect_scan(ix, "Mycophenolate Mofetil 250mg then tacrolimus, tacrolimus", mmf_tac);
	expect_scan(ix, "muromonab CD3", okt3);
	expect_scan(ix, "Prograf (tacrolimus) 1 mg", prog_tac);
	expect_scan(ix, "astagraf xl", astag);
	expect_scan(ix, "astagraf", none);
	expect_scan(ix, "", none);
	expect_scan(ix, "   ", none);

	/* the output limit */
	p = exact("prograf tacrolimus envarsus", &n);
	ok(narr_index_scan(ix, p, n, got, 2) == 2, "scan stops at max_ids%s", "");
	ok(narr_index_scan(ix, p, n, got, 0) == 0, "scan with max_ids 0 finds nothing%s", "");
	ok(narr_index_scan(NULL, p, n, got, 2) == 0, "scan of a NULL index finds nothing%s", "");
	free(p);
	free(mem);

	/* an empty index */
	{
		size_t		sz = narr_index_size(NULL, NULL, 0);
		void	   *m = malloc(sz);
		narr_index *e = narr_index_build(m, sz, NULL, NULL, 0);

		ok(e != NULL && narr_index_count(e) == 0, "an empty index builds%s", "");
		ok(narr_index_scan(e, "tacrolimus", 10, got, 2) == 0, "an empty index finds nothing%s", "");
		free(m);
	}
}

static void
test_words(void)
{
	const char *s = "  ab-cd\xc2\xa0" "ef\xe2\x80\x94gh \xc3\xa9t\xc3\xa9  ";
	size_t		pos = 0;
	size_t		st;
	size_t		wl;
	int			n = 0;
	char		buf[64];

	buf[0] = '\0';
	while (narr_next_word(s, strlen(s), &pos, &st, &wl))
	{
		strncat(buf, s + st, wl);
		strcat(buf, "|");
		n++;
	}
	ok(n == 5 && strcmp(buf, "ab|cd|ef|gh|\xc3\xa9t\xc3\xa9|") == 0,
	   "words split at ASCII and Unicode separators: %s", buf);

	/* truncated UTF-8 at the end is a letter, not an over-read */
	{
		size_t		len;
		char	   *p = exact("ab\xe2\x80", &len);

		pos = 0;
		n = 0;
		while (narr_next_word(p, len, &pos, &st, &wl))
			n++;
		ok(n == 1 && wl == 4, "a truncated sequence stays in its word%s", "");
		free(p);
	}
}

int
main(void)
{
	test_strength();
	test_drug_word();
	test_stopwords();
	test_index();
	test_words();
	printf("1..%d\n", tests_run);
	if (tests_failed)
		printf("# %d of %d failed\n", tests_failed, tests_run);
	return tests_failed ? 1 : 0;
}
