/*
 * test/fuzz/fuzz_ndc.c
 *
 * libFuzzer harness for ndc_parse, ndc_format, ndc_format_canonical,
 * ndc_value_ok, ndc_has_11 and ndc_style_from_name.
 *
 * Invariants (any failure aborts):
 *  - the parser accepts exactly what an independent regular expression of the
 *    accepted forms accepts, and the value equals one computed independently
 *    from the digit groups;
 *  - a rejection leaves a non-empty, NUL-terminated, printable-ASCII reason
 *    shorter than CODES_REASON_MAX, and not cut short to fit it;
 *  - the canonical text (11 digits where the NDC has them, else 12) and every
 *    other style re-parse to the same value, also after "N4";
 *  - formatting fails exactly for invalid values, and for styles 11 / 5-4-2
 *    when the NDC has no 11-digit form;
 *  - a style name is accepted exactly when it is one of the four names.
 */
#define _POSIX_C_SOURCE 200809L

#include "codes.h"
#include "fuzz_common.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static regex_t re_ndc;
static bool re_ready;

static void
init_oracle(void)
{
	const char *ndc = "^(N4[ \t]*)?([0-9]{11,12}|[0-9]{5,6}-[0-9]{4}-[0-9]{2}|[0-9]{4}-[0-9]{4}-[0-9]{2}|"
		"[0-9]{5}-[0-9]{3}-[0-9]{2}|[0-9]{5}-[0-9]{4}-[0-9])$";

	if (re_ready)
		return;
	CHECK(regcomp(&re_ndc, ndc, REG_EXTENDED | REG_NOSUB) == 0);
	re_ready = true;
}

/* value of an input the regular expression accepted, from its digit groups */
static int64_t
oracle_value(const char *up)
{
	long long	g[3] = {0, 0, 0};
	int			k = 0;

	if (up[0] == 'N')
		up += 2;
	while (*up == ' ' || *up == '\t')
		up++;
	for (; *up; up++)
	{
		if (*up == '-')
			k++;
		else
			g[k] = g[k] * 10 + (*up - '0');
	}
	return k == 0 ? (int64_t) g[0] : (int64_t) (g[0] * 1000000LL + g[1] * 100 + g[2]);
}

static int64_t
must_parse(const char *s, size_t len)
{
	int64_t		v = -1;
	char		reason[CODES_REASON_MAX];

	CHECK(ndc_parse(s, len, &v, reason));
	return v;
}

static void
check_value(int64_t v)
{
	char		buf[NDC_TEXT_MAX + 8];
	char		pre[NDC_TEXT_MAX + 8];
	int			st;
	int			n;

	if (!ndc_value_ok(v))
	{
		CHECK(v < 0 || v > NDC_MAX_VALUE);
		CHECK(!ndc_has_11(v));
		for (st = 0; st < 4; st++)
			CHECK(ndc_format(v, (ndc_style) st, buf) == -1);
		CHECK(ndc_format_canonical(v, buf) == -1);
		return;
	}
	CHECK(ndc_has_11(v) == (v < INT64_C(100000000000)));

	n = ndc_format_canonical(v, buf);
	CHECK(n == (ndc_has_11(v) ? 11 : 12) && (size_t) n == strlen(buf));
	CHECK(must_parse(buf, (size_t) n) == v);
	memcpy(pre, "n4", 2);
	memcpy(pre + 2, buf, (size_t) n + 1);
	CHECK(must_parse(pre, (size_t) n + 2) == v);

	for (st = 0; st < 4; st++)
	{
		static const int lens[4] = {11, 13, 12, 14};

		n = ndc_format(v, (ndc_style) st, buf);
		if ((st == NDC_STYLE_11 || st == NDC_STYLE_5_4_2) && !ndc_has_11(v))
		{
			CHECK(n == -1);
			continue;
		}
		CHECK(n == lens[st] && (size_t) n == strlen(buf) && n < NDC_TEXT_MAX);
		CHECK(must_parse(buf, (size_t) n) == v);
	}
	/* a 12-digit form with a leading 0 is the same NDC as its 11-digit form */
	if (ndc_has_11(v))
	{
		n = ndc_format(v, NDC_STYLE_12, buf);
		CHECK(buf[0] == '0');
		CHECK(must_parse(buf + 1, (size_t) n - 1) == v);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	char		reason[CODES_REASON_MAX];
	char		up[MAX_INPUT + 1];
	int64_t		v = -1;
	ndc_style	st;
	bool		r;
	bool		expect;

	if (size > MAX_INPUT)
		return 0;
	init_oracle();

	memset(reason, 0x7F, sizeof(reason));
	r = ndc_parse(s, size, &v, reason);
	expect = prepare(s, size, up) && regexec(&re_ndc, up, 0, NULL, 0) == 0;
	CHECK(r == expect);
	if (r)
	{
		CHECK(ndc_value_ok(v));
		CHECK(v == oracle_value(up));
		check_value(v);
	}
	else
		check_reason(reason);

	r = ndc_style_from_name(s, size, &st);
	CHECK(r == ((size == 2 && (memcmp(s, "11", 2) == 0 || memcmp(s, "12", 2) == 0)) ||
				(size == 5 && (memcmp(s, "5-4-2", 5) == 0 || memcmp(s, "6-4-2", 5) == 0))));

	if (size >= 8)
	{
		memcpy(&v, data, 8);
		check_value(v);
		check_value((int64_t) ((uint64_t) v % (uint64_t) (NDC_MAX_VALUE + 1)));
	}
	return 0;
}
