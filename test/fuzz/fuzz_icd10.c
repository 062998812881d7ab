/*
 * test/fuzz/fuzz_icd10.c
 *
 * libFuzzer harness for icd10_parse and pos_parse.  icd10_parse is the one
 * ICD-10-CM syntax check of j7599: the rule engine calls it for DX_MALFORMED
 * and matches policy prefixes against the normal form it returns, so this
 * oracle covers every path a diagnosis takes.
 *
 * Invariants (any failure aborts):
 *  - icd10_parse accepts exactly what ^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$
 *    accepts after trimming blanks and folding case, and its output is that
 *    text in upper case without the dot;
 *  - the normalised output re-parses to itself, also with the dot put back;
 *  - pos_parse accepts exactly two digits after trimming, with their value;
 *  - a rejection leaves a non-empty, NUL-terminated, printable-ASCII reason
 *    shorter than CODES_REASON_MAX, and not cut short to fit it.
 */
#define _POSIX_C_SOURCE 200809L

#include "codes.h"
#include "fuzz_common.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static regex_t re_icd;
static bool re_ready;

static void
init_oracle(void)
{
	if (re_ready)
		return;
	CHECK(regcomp(&re_icd, "^[A-Z][0-9][0-9A-Z](\\.?[0-9A-Z]{1,4})?$",
				  REG_EXTENDED | REG_NOSUB) == 0);
	re_ready = true;
}

static void
check_icd10(const char *s, size_t size)
{
	char		reason[CODES_REASON_MAX];
	char		up[MAX_INPUT + 1];
	char		out[ICD10_NORM_MAX + 4];
	char		again[ICD10_NORM_MAX + 4];
	char		dotted[ICD10_NORM_MAX + 4];
	char		want[MAX_INPUT + 1];
	size_t		n;
	size_t		k = 0;
	size_t		i;
	bool		r;
	bool		expect;

	memset(reason, 0x7F, sizeof(reason));
	memset(out, 0x7F, sizeof(out));
	r = icd10_parse(s, size, out, reason);
	expect = prepare(s, size, up) && regexec(&re_icd, up, 0, NULL, 0) == 0;
	CHECK(r == expect);
	if (!r)
	{
		check_reason(reason);
		return;
	}

	for (i = 0; up[i]; i++)
		if (up[i] != '.')
			want[k++] = up[i];
	want[k] = '\0';
	n = strlen(out);
	CHECK(n >= 3 && n <= 7 && n < ICD10_NORM_MAX);
	CHECK(strcmp(out, want) == 0);

	CHECK(icd10_parse(out, n, again, reason));
	CHECK(strcmp(again, out) == 0);
	if (n > 3)
	{
		memcpy(dotted, out, 3);
		dotted[3] = '.';
		memcpy(dotted + 4, out + 3, n - 3);
		CHECK(icd10_parse(dotted, n + 1, again, reason));
		CHECK(strcmp(again, out) == 0);
	}
}

static void
check_pos(const char *s, size_t size)
{
	char		reason[CODES_REASON_MAX];
	char		up[MAX_INPUT + 1];
	int			v = -1;
	bool		r;
	bool		expect;

	memset(reason, 0x7F, sizeof(reason));
	r = pos_parse(s, size, &v, reason);
	expect = prepare(s, size, up) && strlen(up) == 2 &&
		up[0] >= '0' && up[0] <= '9' && up[1] >= '0' && up[1] <= '9';
	CHECK(r == expect);
	if (r)
		CHECK(v == (up[0] - '0') * 10 + (up[1] - '0'));
	else
		check_reason(reason);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	init_oracle();
	check_icd10((const char *) data, size);
	check_pos((const char *) data, size);
	return 0;
}
