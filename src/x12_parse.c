/*
 * src/x12_parse.c
 *
 * The X12 837 procedure composite (SV1-01 / SV2-02), read without
 * PostgreSQL; the decisions are in x12.h.  The code and the modifiers of an
 * HC composite go through the HCPCS parsers of codes.h, so the composite
 * accepts exactly the codes and modifiers the hcpcs_line type accepts.
 */
#include "x12.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* the separator in a reason: "\":\"" or "byte 0x1F" */
static void
describe_sep(char dst[16], char sep)
{
	unsigned char c = (unsigned char) sep;

	if (c == '"')
		snprintf(dst, 16, "'\"'");
	else if (c > 0x20 && c < 0x7F)
		snprintf(dst, 16, "\"%c\"", sep);
	else
		snprintf(dst, 16, "byte 0x%02X", (unsigned) c);
}

bool
x12_separator_parse(const char *s, size_t len, char *out, char *reason)
{
	unsigned char c;
	char		q[UTIL_QUOTE_BUF];

	if (s == NULL || len == 0)
		return util_fail(reason, CODES_REASON_MAX, "the separator is empty");
	if (len > 1)
	{
		util_quote_reason(q, s, len);
		return util_fail(reason, CODES_REASON_MAX, "the separator %s must be one character", q);
	}
	c = (unsigned char) s[0];
	if (c >= 0x80)
		return util_fail(reason, CODES_REASON_MAX, "the separator must be an ASCII character, not byte 0x%02X", (unsigned) c);
	if (util_is_alnum(c) || util_is_blank(c) || c == '\0')
	{
		util_quote_reason(q, s, len);
		return util_fail(reason, CODES_REASON_MAX, "the separator %s cannot be a letter, a digit or a blank", q);
	}
	*out = (char) c;
	return true;
}

/* trim blanks off [*b, *e) */
static void
trim(const char *s, size_t *b, size_t *e)
{
	while (*b < *e && util_is_blank((unsigned char) s[*b]))
		(*b)++;
	while (*e > *b && util_is_blank((unsigned char) s[*e - 1]))
		(*e)--;
}

x12_status
x12_parse_procedure(const char *s, size_t len, char sep, x12_procedure *out, char *reason)
{
	size_t		cb[X12_MAX_COMPONENTS];	/* component bounds, trimmed */
	size_t		ce[X12_MAX_COMPONENTS];
	int			n = 0;
	size_t		start;
	size_t		i;
	size_t		b;
	size_t		e;
	x12_procedure res;
	char		q[UTIL_QUOTE_BUF];
	char		sub[CODES_REASON_MAX];
	char		what[16];
	int			k;

	memset(&res, 0, sizeof(res));
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (s == NULL)
		len = 0;
	b = 0;
	e = len;
	trim(s, &b, &e);
	if (b == e)
		return X12_BLANK;

	/* split; an 8th component is an error */
	start = 0;
	for (i = 0; i <= len; i++)
	{
		if (i < len && s[i] != sep)
			continue;
		if (n == X12_MAX_COMPONENTS)
		{
			size_t		more = 1;
			size_t		j;

			for (j = i; j < len; j++)
				if (s[j] == sep)
					more++;
			describe_sep(what, sep);
			util_fail(reason, CODES_REASON_MAX, "the composite has %zu components, at most %d (the %s at position %zu starts component %d)",
				 (size_t) X12_MAX_COMPONENTS + more, X12_MAX_COMPONENTS, what, start, X12_MAX_COMPONENTS + 1);
			return X12_MALFORMED;
		}
		cb[n] = start;
		ce[n] = i;
		trim(s, &cb[n], &ce[n]);
		n++;
		start = i + 1;
	}

	/* component 1: the qualifier */
	if (cb[0] == ce[0])
	{
		util_fail(reason, CODES_REASON_MAX, "the qualifier (component 1) is empty");
		return X12_MALFORMED;
	}
	if (ce[0] - cb[0] != 2 || !util_is_alnum((unsigned char) s[cb[0]]) || !util_is_alnum((unsigned char) s[cb[0] + 1]))
	{
		util_quote_reason(q, s + cb[0], ce[0] - cb[0]);
		util_fail(reason, CODES_REASON_MAX, "qualifier %s (component 1) must be two letters or digits, such as HC", q);
		return X12_MALFORMED;
	}
	res.qualifier[0] = util_to_upper(s[cb[0]]);
	res.qualifier[1] = util_to_upper(s[cb[0] + 1]);
	res.qualifier[2] = '\0';
	res.has_line = (strcmp(res.qualifier, "HC") == 0);

	/* component 2: the code */
	if (n < 2)
	{
		describe_sep(what, sep);
		util_fail(reason, CODES_REASON_MAX, "no code follows the qualifier (no %s separator)", what);
		return X12_MALFORMED;
	}
	if (cb[1] == ce[1])
	{
		util_fail(reason, CODES_REASON_MAX, "the code (component 2, position %zu) is empty", cb[1] + 1);
		return X12_MALFORMED;
	}
	if (res.has_line)
	{
		if (!hcpcs_parse_code(s + cb[1], ce[1] - cb[1], res.line.code, sub))
		{
			/*
			 * The code parser's reason, after the component and position;
			 * when both do not fit (a code of escaped bytes at a far
			 * position), a shorter sentence of the same meaning.
			 */
			if (snprintf(NULL, 0, "component 2 at position %zu: %s", cb[1] + 1, sub) < CODES_REASON_MAX - 1)
				util_fail(reason, CODES_REASON_MAX, "component 2 at position %zu: %s", cb[1] + 1, sub);
			else
			{
				util_quote_reason(q, s + cb[1], ce[1] - cb[1]);
				util_fail(reason, CODES_REASON_MAX, "component 2 at position %zu: code %s is not a HCPCS or CPT code", cb[1] + 1, q);
			}
			return X12_MALFORMED;
		}
		/* components 3-6: the modifiers, empty slots skipped */
		for (k = 2; k < n && k < 6; k++)
		{
			if (cb[k] == ce[k])
				continue;
			if (!hcpcs_parse_modifier(s + cb[k], ce[k] - cb[k], k - 1,
									  res.line.mods[res.line.nmods], sub))
			{
				util_fail(reason, CODES_REASON_MAX, "component %d at position %zu: %s", k + 1, cb[k] + 1, sub);
				return X12_MALFORMED;
			}
			res.line.nmods++;
		}
	}

	/* component 7: the description */
	if (n == X12_MAX_COMPONENTS && cb[6] < ce[6])
	{
		res.desc_off = cb[6];
		res.desc_len = ce[6] - cb[6];
	}
	if (out != NULL)
		*out = res;
	return X12_OK;
}
