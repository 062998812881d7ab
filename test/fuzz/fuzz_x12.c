/*
 * test/fuzz/fuzz_x12.c
 *
 * libFuzzer harness for x12_separator_parse and x12_parse_procedure.  The
 * first byte is the separator (':' when x12_separator_parse refuses it), the
 * rest the composite.
 *
 * Invariants (any failure aborts):
 *  - a refusal leaves a non-empty, NUL-terminated, printable-ASCII reason
 *    shorter than CODES_REASON_MAX, and not cut short to fit it;
 *  - X12_BLANK exactly when the composite is blanks only;
 *  - more than 6 separators is always malformed;
 *  - an accepted composite has a two-character upper-case qualifier; a line
 *    exactly for HC, valid, packing and unpacking to itself; a description
 *    inside the input, without the separator and without blanks around it;
 *  - written back as qualifier, code, modifiers and description joined by
 *    the separator, it parses to the same result.
 */
#define _POSIX_C_SOURCE 200809L

#include "x12.h"
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

static void
check_result(const char *s, size_t len, char sep, const x12_procedure *p)
{
	int			i;

	CHECK(p->qualifier[2] == '\0');
	for (i = 0; i < 2; i++)
		CHECK((p->qualifier[i] >= 'A' && p->qualifier[i] <= 'Z') || (p->qualifier[i] >= '0' && p->qualifier[i] <= '9'));
	CHECK(p->has_line == (strcmp(p->qualifier, "HC") == 0));
	if (p->has_line)
	{
		hcpcs_line_parts q;

		CHECK(hcpcs_code_kind_of(p->line.code) != HCPCS_KIND_INVALID);
		CHECK(p->line.nmods >= 0 && p->line.nmods <= HCPCS_MAX_MODIFIERS);
		CHECK(hcpcs_unpack(hcpcs_pack(&p->line), &q));
		CHECK(memcmp(&q, &p->line, sizeof(q)) == 0);
	}
	if (p->desc_len > 0)
	{
		CHECK(p->desc_off + p->desc_len <= len);
		CHECK(memchr(s + p->desc_off, sep, p->desc_len) == NULL);
		CHECK(!blank(s[p->desc_off]) && !blank(s[p->desc_off + p->desc_len - 1]));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s;
	size_t		len;
	char		sep = ':';
	char		reason[CODES_REASON_MAX];
	x12_procedure p;
	x12_status	st;
	size_t		nsep = 0;
	size_t		i;
	bool		all_blank = true;

	if (size == 0 || size > MAX_INPUT)
		return 0;
	memset(reason, 0x7F, sizeof(reason));
	if (!x12_separator_parse((const char *) data, 1, &sep, reason))
	{
		check_reason(reason);
		sep = ':';
	}
	s = (const char *) data + 1;
	len = size - 1;
	for (i = 0; i < len; i++)
	{
		if (s[i] == sep)
			nsep++;
		if (!blank(s[i]))
			all_blank = false;
	}

	memset(reason, 0x7F, sizeof(reason));
	st = x12_parse_procedure(s, len, sep, &p, reason);
	CHECK((st == X12_BLANK) == all_blank);
	if (nsep > X12_MAX_COMPONENTS - 1)
		CHECK(st == X12_MALFORMED);
	if (st == X12_MALFORMED)
		check_reason(reason);
	if (st != X12_OK)
		return 0;
	check_result(s, len, sep, &p);

	/* written back, it reads the same (a line only for HC) */
	if (p.has_line)
	{
		char		again[MAX_INPUT + 64];
		size_t		o = 0;
		int			k;
		x12_procedure q;

		memcpy(again, "HC", 2);
		o = 2;
		again[o++] = sep;
		memcpy(again + o, p.line.code, 5);
		o += 5;
		for (k = 0; k < HCPCS_MAX_MODIFIERS; k++)
		{
			again[o++] = sep;
			if (k < p.line.nmods)
			{
				memcpy(again + o, p.line.mods[k], 2);
				o += 2;
			}
		}
		again[o++] = sep;
		memcpy(again + o, s + p.desc_off, p.desc_len);
		o += p.desc_len;
		CHECK(x12_parse_procedure(again, o, sep, &q, reason) == X12_OK);
		CHECK(memcmp(&q.line, &p.line, sizeof(q.line)) == 0);
		CHECK(q.desc_len == p.desc_len);
		CHECK(p.desc_len == 0 || memcmp(again + q.desc_off, s + p.desc_off, p.desc_len) == 0);
	}
	return 0;
}
