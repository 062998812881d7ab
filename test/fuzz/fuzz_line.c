/*
 * test/fuzz/fuzz_line.c
 *
 * libFuzzer harness for hcpcs_parse_line, hcpcs_parse_code,
 * hcpcs_parse_modifier, hcpcs_pack, hcpcs_unpack and hcpcs_format.
 *
 * Invariants (any failure aborts):
 *  - the parser accepts exactly what an independent regular expression of the
 *    four input forms accepts, and its canonical text is the input with the
 *    "HC:" qualifier and separators removed, re-hyphenated;
 *  - a rejection leaves a non-empty, NUL-terminated, printable-ASCII reason
 *    shorter than CODES_REASON_MAX, and not cut short to fit it;
 *  - an accepted line is well formed, formats to a canonical text that
 *    re-parses to the same packed value, in every other input form too;
 *  - pack and unpack are inverse, bit 63 is never set;
 *  - any 64-bit value that unpacks packs back to itself, and its text parses.
 */
#define _POSIX_C_SOURCE 200809L

#include "codes.h"
#include "fuzz_common.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static regex_t re_line;
static bool re_ready;

static void
init_oracle(void)
{
#define CODE "([A-Z][0-9]{4}|[0-9]{4}[0-9FTU])"
#define MOD "[0-9A-Z]{2}"
	const char *line = "^(HC:" CODE "(:" MOD "){0,4}|" CODE "((:" MOD "){1,4}|(-" MOD "){1,4}|"
		"([ \t]+" MOD "){1,4}|(" MOD "){1,4})?)$";

	if (re_ready)
		return;
	CHECK(regcomp(&re_line, line, REG_EXTENDED | REG_NOSUB) == 0);
	re_ready = true;
#undef CODE
#undef MOD
}

/* trim blanks and fold to upper case; false when the input holds a NUL */

static bool
is_upper_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

static void
check_parts(const hcpcs_line_parts *p)
{
	static const char zero[3];
	int			i;

	CHECK(hcpcs_code_kind_of(p->code) != HCPCS_KIND_INVALID);
	CHECK(p->code[5] == '\0');
	CHECK(p->nmods >= 0 && p->nmods <= HCPCS_MAX_MODIFIERS);
	for (i = 0; i < p->nmods; i++)
	{
		CHECK(is_upper_alnum(p->mods[i][0]) && is_upper_alnum(p->mods[i][1]));
		CHECK(p->mods[i][2] == '\0');
	}
	for (; i < HCPCS_MAX_MODIFIERS; i++)
		CHECK(memcmp(p->mods[i], zero, 3) == 0);
}

/* parse a text that must be valid and return its packing */
static uint64_t
must_pack(const char *s, size_t len)
{
	hcpcs_line_parts p;
	char		reason[CODES_REASON_MAX];

	CHECK(hcpcs_parse_line(s, len, &p, reason));
	check_parts(&p);
	return hcpcs_pack(&p);
}

/* the canonical text in the other input forms parses to the same value */
static void
check_other_forms(const char *text, size_t n, uint64_t v)
{
	char		other[64];
	int			form;

	for (form = 0; form < 4; form++)
	{
		size_t		o = 0;
		size_t		j;

		if (form == 1)
		{
			memcpy(other, "hc:", 3);
			o = 3;
		}
		for (j = 0; j < n; j++)
		{
			char		c = text[j];

			if (c == '-')
			{
				if (form == 0)
				{
					other[o++] = ' ';
					other[o++] = '\t';
				}
				else if (form == 1)
					other[o++] = ':';
				else if (form == 3)
					other[o++] = '-';
			}
			else
				other[o++] = (char) ((c >= 'A' && c <= 'Z') ? c + 32 : c);
		}
		CHECK(must_pack(other, o) == v);
	}
}

static void
check_line(const char *s, size_t size)
{
	hcpcs_line_parts p;
	hcpcs_line_parts q;
	char		reason[CODES_REASON_MAX];
	char		up[MAX_INPUT + 1];
	char		text[HCPCS_LINE_TEXT_MAX + 8];
	bool		r;
	bool		expect;
	uint64_t	v;
	size_t		n;

	memset(reason, 0x7F, sizeof(reason));
	r = hcpcs_parse_line(s, size, &p, reason);
	expect = prepare(s, size, up) && regexec(&re_line, up, 0, NULL, 0) == 0;
	CHECK(r == expect);
	if (!r)
	{
		check_reason(reason);
		return;
	}

	check_parts(&p);
	memset(text, 0x7F, sizeof(text));
	n = hcpcs_format(&p, text);
	CHECK(n == strlen(text) && n < HCPCS_LINE_TEXT_MAX);
	CHECK(n == 5 + 3 * (size_t) p.nmods);

	/* the canonical text is the input without qualifier and separators */
	{
		const char *u = strncmp(up, "HC:", 3) == 0 ? up + 3 : up;
		char		alnum[MAX_INPUT + 1];
		size_t		k = 0;
		size_t		i;

		for (; *u; u++)
			if (is_upper_alnum(*u))
				alnum[k++] = *u;
		CHECK(k == 5 + 2 * (size_t) p.nmods);
		CHECK(memcmp(text, alnum, 5) == 0);
		for (i = 0; i < (size_t) p.nmods; i++)
		{
			CHECK(text[5 + 3 * i] == '-');
			CHECK(memcmp(text + 6 + 3 * i, alnum + 5 + 2 * i, 2) == 0);
		}
	}

	v = hcpcs_pack(&p);
	CHECK((v >> 63) == 0);
	CHECK(hcpcs_unpack(v, &q));
	CHECK(memcmp(&p, &q, sizeof(p)) == 0);
	CHECK(must_pack(text, n) == v);
	check_other_forms(text, n, v);
}

static void
check_code_and_modifier(const char *s, size_t size)
{
	char		reason[CODES_REASON_MAX];
	char		up[MAX_INPUT + 1];
	char		code[6];
	char		mod[3];
	bool		ok_prep = prepare(s, size, up);
	size_t		ulen = ok_prep ? strlen(up) : 0;
	bool		r;

	memset(reason, 0x7F, sizeof(reason));
	r = hcpcs_parse_code(s, size, code, reason);
	CHECK(r == (ok_prep && ulen == 5 && hcpcs_code_kind_of(up) != HCPCS_KIND_INVALID));
	if (r)
		CHECK(memcmp(code, up, 6) == 0);
	else
		check_reason(reason);

	memset(reason, 0x7F, sizeof(reason));
	r = hcpcs_parse_modifier(s, size, (int) (size % 7) - 1, mod, reason);
	CHECK(r == (ok_prep && ulen == 2 && is_upper_alnum(up[0]) && is_upper_alnum(up[1])));
	if (r)
		CHECK(memcmp(mod, up, 3) == 0);
	else
		check_reason(reason);
}

static void
check_packed(uint64_t v)
{
	hcpcs_line_parts p;
	char		text[HCPCS_LINE_TEXT_MAX];
	size_t		n;

	if (!hcpcs_unpack(v, &p))
		return;
	check_parts(&p);
	CHECK(hcpcs_pack(&p) == v);
	n = hcpcs_format(&p, text);
	CHECK(n < HCPCS_LINE_TEXT_MAX);
	CHECK(must_pack(text, n) == v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;

	if (size > MAX_INPUT)
		return 0;
	init_oracle();

	check_line(s, size);
	check_code_and_modifier(s, size);

	if (size >= 8)
	{
		uint64_t	v;

		memcpy(&v, data, 8);
		check_packed(v);
		/* bring the code ordinal into range so valid values are common */
		check_packed((((v >> 45) % 390000) << 44) | (v & ((UINT64_C(1) << 44) - 1)));
		/* and clear trailing slots so that gaps are rarer */
		check_packed(((((v >> 45) % 390000) << 44) | (v & ((UINT64_C(1) << 44) - 1)))
					 & ~((UINT64_C(1) << (11 * (v & 3))) - 1));
	}
	return 0;
}
