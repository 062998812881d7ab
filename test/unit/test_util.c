/*
 * test/unit/test_util.c
 *
 * Unit tests of the shared pure helpers in src/util.h, printing TAP.  Inputs
 * are handed over in heap buffers of exactly their length, without a
 * terminating NUL, so that AddressSanitizer catches any read past the end.
 */
#define _POSIX_C_SOURCE 200809L

#include <stddef.h>

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	n_tests;
static int	n_failed;

static void
ok(int cond, const char *name)
{
	n_tests++;
	if (!cond)
		n_failed++;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", n_tests, name);
}

/* a heap copy of s without its NUL */
static char *
exact(const char *s)
{
	size_t		n = strlen(s);
	char	   *p = malloc(n ? n : 1);

	memcpy(p, s, n);
	return p;
}

static void
test_blanks(void)
{
	char	   *p = exact(" \t\n\r\f\v");
	const char *t;
	size_t		len;
	size_t		off;

	ok(util_span_blank(p, 6), "every ASCII space is blank for span_blank");
	ok(util_span_blank(p, 0), "an empty span is blank");
	free(p);
	p = exact(" \t x");
	ok(!util_span_blank(p, 4), "a span with a letter is not blank");
	free(p);
	ok(util_is_blank(' ') && util_is_blank('\t') && !util_is_blank('\n'),
	   "a blank is a space or a tab");

	p = exact("\t Z94.0 \t");
	t = p;
	len = 9;
	util_trim_blanks(&t, &len, &off);
	ok(off == 2 && len == 5 && memcmp(t, "Z94.0", 5) == 0,
	   "trim_blanks cuts spaces and tabs at both ends and gives the offset");
	free(p);
	t = NULL;
	len = 7;
	util_trim_blanks(&t, &len, &off);
	ok(len == 0 && off == 0, "trim_blanks of NULL is empty");
}

static void
test_quote(void)
{
	char		q[UTIL_QUOTE_BUF];
	char		v[16];
	char	   *p = exact("ab\"\\\x01\xc3");

	util_quote_reason(q, p, 6);
	ok(strcmp(q, "\"ab\\\"\\\\\\x01\\xC3\"") == 0,
	   "quote_reason escapes quotes and backslashes, writes other bytes as \\xHH");
	free(p);
	p = exact("0123456789012345678901234567");
	util_quote_reason(q, p, 28);
	ok(strcmp(q, "\"012345678901234567890123...\"") == 0,
	   "quote_reason cuts after 24 characters with ...");
	free(p);

	p = exact("ab\ncd");
	util_quote_value(v, sizeof(v), p, 5, 5);
	ok(strcmp(v, "ab?cd") == 0, "quote_value shows control characters as ?");
	util_quote_value(v, sizeof(v), p, 5, 2);
	ok(strcmp(v, "ab...") == 0, "quote_value appends ... when cut");
	util_quote_value(v, 4, p, 5, 5);
	ok(strcmp(v, "ab?") == 0, "quote_value never writes more than its buffer");
	free(p);
}

static int
cmp_int(const void *key, const void *elem)
{
	int			a = *(const int *) key;
	int			b = *(const int *) elem;

	return a < b ? -1 : a > b;
}

static void
test_search(void)
{
	uint32_t	keys[] = {2, 3, 5, 7, 11, 13};
	int			ints[] = {-4, 0, 9, 12};
	int			k;
	int			all = 1;

	for (k = 0; k < 6; k++)
		all &= util_find_u32(keys, 6, keys[k]) == k;
	ok(all, "find_u32 finds every key at its index");
	ok(util_find_u32(keys, 6, 4) == -1 && util_find_u32(keys, 6, 14) == -1 &&
	   util_find_u32(keys, 6, 0) == -1 && util_find_u32(keys, 0, 2) == -1,
	   "find_u32: -1 for a missing key and for an empty array");
	k = 9;
	ok(util_bsearch(&k, ints, 4, sizeof(int), cmp_int) == 2,
	   "bsearch finds an element with the comparator");
	k = 1;
	ok(util_bsearch(&k, ints, 4, sizeof(int), cmp_int) == -1,
	   "bsearch: -1 for a missing element");
	{
		struct row
		{
			char		tag;
			uint32_t	key;
			double		payload;
		}			rows[] = {{'a', 4, 0}, {'b', 8, 0}, {'c', 15, 0}, {'d', 16, 0}, {'e', 23, 0}};

		all = 1;
		for (k = 0; k < 5; k++)
			all &= util_find_u32_field(rows, 5, sizeof(struct row), offsetof(struct row, key),
									   rows[k].key) == k;
		ok(all, "find_u32_field finds every element by the key at its offset");
		ok(util_find_u32_field(rows, 5, sizeof(struct row), offsetof(struct row, key), 9) == -1 &&
		   util_find_u32_field(rows, 0, sizeof(struct row), offsetof(struct row, key), 4) == -1,
		   "find_u32_field: -1 for a missing key and for an empty array");
	}
}

typedef struct memo
{
	util_memo_head head;
	int			answer;
	char		text[8];
} memo;

static void
test_memo(void)
{
	memo		table[4];		/* two pairs */
	memo	   *m;
	bool		hit;
	char	   *a = exact("alpha");
	char	   *b = exact("beta");
	char	   *c = exact("gamma");
	char	   *big = exact("too long a text");

	util_memo_clear(table, 4, sizeof(memo));
	m = UTIL_MEMO_SLOT(table, 4, memo, text, 1, a, 5, &hit);
	ok(m != NULL && !hit, "a memo misses a text it never saw");
	UTIL_MEMO_FILL(m, memo, text, 1, a, 5);
	m->answer = 42;
	m = UTIL_MEMO_SLOT(table, 4, memo, text, 1, a, 5, &hit);
	ok(hit && m->answer == 42, "a memo finds what was filled");
	m = UTIL_MEMO_SLOT(table, 4, memo, text, 2, a, 5, &hit);
	ok(!hit, "an entry with another stamp is a miss");
	UTIL_MEMO_FILL(m, memo, text, 2, a, 5);
	m->answer = 7;
	/* fill both ways of every pair, then check the two newest stay */
	m = UTIL_MEMO_SLOT(table, 4, memo, text, 2, b, 4, &hit);
	UTIL_MEMO_FILL(m, memo, text, 2, b, 4);
	m->answer = 8;
	m = UTIL_MEMO_SLOT(table, 4, memo, text, 2, c, 5, &hit);
	UTIL_MEMO_FILL(m, memo, text, 2, c, 5);
	m->answer = 9;
	m = UTIL_MEMO_SLOT(table, 4, memo, text, 2, c, 5, &hit);
	ok(hit && m->answer == 9, "the text filled last is found");
	m = UTIL_MEMO_SLOT(table, 4, memo, text, 2, big, 15, &hit);
	ok(m == NULL && !hit, "a text longer than the entry is never kept");
	ok(util_text_hash(a, 5) == util_text_hash("alpha", 5) &&
	   util_text_hash(a, 5) != util_text_hash(b, 4), "text_hash depends on the text only");
	free(a);
	free(b);
	free(c);
	free(big);
}

int
main(void)
{
	test_blanks();
	test_quote();
	test_search();
	test_memo();
	printf("1..%d\n", n_tests);
	return n_failed ? 1 : 0;
}
