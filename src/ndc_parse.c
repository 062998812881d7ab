/*
 * src/ndc_parse.c
 *
 * National Drug Codes.  An NDC is held as the integer value of its 12-digit
 * 6-4-2 form (labeler-product-package), so the 11-digit claim form
 * 00069-0150-01 is 000069-0150-01, i.e. 69015001, and a 6-4-2 NDC whose
 * labeler starts with 0 is the same value as its 11-digit form.
 *
 * Accepted input (blanks -- space and tab -- around it ignored):
 *
 *   00069015001        11 digits (the 5-4-2 claim form without hyphens)
 *   000069015001       12 digits (6-4-2 without hyphens)
 *   00069-0150-01      5-4-2
 *   000069-0150-01     6-4-2
 *   0069-0150-01       4-4-2  \
 *   00069-150-01       5-3-2   | the 10-digit label forms, zero-padded
 *   00069-0150-1       5-4-1  /  in the short segment
 *
 * Any of these may follow the claim qualifier "N4" (any case), directly or
 * after blanks: "N400069015001", "n4 00069-0150-01".  Blanks inside the
 * number are not accepted.
 *
 * A bare 10-digit string is rejected: it could be any of the three label
 * forms, and the reason lists them.  Syntax only: the all-zero NDC is
 * accepted like any other digit string.
 *
 * Reasons are printable ASCII (other bytes are written as 0xHH), quote short
 * fragments only, and fit CODES_REASON_MAX.  Positions count bytes of the
 * input as given, from 1.  A NULL reason pointer is allowed.
 */
#include "codes.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* a reason of CODES_REASON_MAX bytes; returns false */
#define fail(reason, ...) util_fail((reason), CODES_REASON_MAX, __VA_ARGS__)

static int64_t
digits_value(const char *s, size_t len)
{
	int64_t		v = 0;
	size_t		i;

	for (i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* write v as exactly n digits, zero-padded; returns n */
static int
put_digits(char *buf, int64_t v, int n)
{
	int			i;

	for (i = n - 1; i >= 0; i--)
	{
		buf[i] = (char) ('0' + (int) (v % 10));
		v /= 10;
	}
	return n;
}

bool
ndc_parse(const char *s, size_t len, int64_t *out, char *reason)
{
	size_t		b = 0;
	size_t		e = len;
	size_t		p;
	size_t		i;
	size_t		hyphen_at[2] = {0, 0};
	size_t		nhyphens = 0;
	int64_t		value;

	if (s == NULL)
		len = e = 0;
	util_trim_range(s, &b, &e);
	if (b == e)
		return fail(reason, len == 0 ? "the NDC is empty" : "the NDC contains only blanks");

	/* the claim qualifier N4, optionally followed by blanks */
	p = b;
	if (e - b >= 2 && (s[b] == 'N' || s[b] == 'n') && s[b + 1] == '4')
	{
		p = b + 2;
		while (p < e && util_is_blank((unsigned char) s[p]))
			p++;
		if (p == e)
			return fail(reason, "nothing follows the \"N4\" qualifier");
	}

	for (i = p; i < e; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (util_is_digit(c))
			continue;
		if (c == '-')
		{
			if (nhyphens < 2)
				hyphen_at[nhyphens] = i;
			nhyphens++;
			continue;
		}
		if (util_is_blank(c))
			return fail(reason, "a blank at position %zu is inside the NDC; "
						"separate its segments with \"-\"", i + 1);
		if (c == '"')
			return fail(reason, "character '\"' at position %zu is not a digit or \"-\"", i + 1);
		if (c > 0x20 && c < 0x7F)
			return fail(reason, "character \"%c\" at position %zu is not a digit or \"-\"",
						(char) c, i + 1);
		return fail(reason, "byte 0x%02X at position %zu is not a digit or \"-\"",
					(unsigned) c, i + 1);
	}

	if (nhyphens == 0)
	{
		size_t		n = e - p;
		const char *d = s + p;

		if (n == 11 || n == 12)
			value = digits_value(d, n);
		else if (n == 10)
		{
			char		q[UTIL_QUOTE_BUF];

			util_quote_reason(q, d, n);
			return fail(reason, "a bare 10-digit NDC %s is ambiguous: it could be "
						"4-4-2 (0%.4s-%.4s-%.2s), 5-3-2 (%.5s-0%.3s-%.2s) or 5-4-1 (%.5s-%.4s-0%.1s)",
						q, d, d + 4, d + 8, d, d + 5, d + 8, d, d + 5, d + 9);
		}
		else
			return fail(reason, "an NDC without hyphens must have 11 digits (or 12), found %zu", n);
	}
	else if (nhyphens != 2)
		return fail(reason, "an NDC has 3 segments separated by \"-\", found %zu", nhyphens + 1);
	else
	{
		const char *seg[3];
		size_t		seglen[3];
		char		q[UTIL_QUOTE_BUF];
		static const char *const names[3] = {"labeler", "product", "package"};
		int			k;

		seg[0] = s + p;
		seglen[0] = hyphen_at[0] - p;
		seg[1] = s + hyphen_at[0] + 1;
		seglen[1] = hyphen_at[1] - hyphen_at[0] - 1;
		seg[2] = s + hyphen_at[1] + 1;
		seglen[2] = e - hyphen_at[1] - 1;

		for (k = 0; k < 3; k++)
			if (seglen[k] == 0)
				return fail(reason, "the %s segment (segment %d) of the NDC is empty",
							names[k], k + 1);
		if (seglen[0] < 4 || seglen[0] > 6)
		{
			util_quote_reason(q, seg[0], seglen[0]);
			return fail(reason, "the labeler segment %s has %zu digits; it must have 4, 5 or 6",
						q, seglen[0]);
		}
		if (seglen[1] < 3 || seglen[1] > 4)
		{
			util_quote_reason(q, seg[1], seglen[1]);
			return fail(reason, "the product segment %s has %zu digits; it must have 3 or 4",
						q, seglen[1]);
		}
		if (seglen[2] > 2)
		{
			util_quote_reason(q, seg[2], seglen[2]);
			return fail(reason, "the package segment %s has %zu digits; it must have 1 or 2",
						q, seglen[2]);
		}
		/* 5-4-2, 6-4-2, or exactly one segment a digit short (10 digits) */
		if (!((seglen[1] == 4 && seglen[2] == 2 && seglen[0] >= 4) ||
			  (seglen[0] == 5 && ((seglen[1] == 3) != (seglen[2] == 1)))))
		{
			util_quote_reason(q, s + p, e - p);
			return fail(reason, "NDC %s is %zu-%zu-%zu; the accepted forms are 5-4-2, 6-4-2 "
						"and the 10-digit 4-4-2, 5-3-2 and 5-4-1",
						q, seglen[0], seglen[1], seglen[2]);
		}
		value = digits_value(seg[0], seglen[0]) * INT64_C(1000000) +
			digits_value(seg[1], seglen[1]) * 100 +
			digits_value(seg[2], seglen[2]);
	}

	if (out != NULL)
		*out = value;
	return true;
}

bool
ndc_value_ok(int64_t v)
{
	return v >= 0 && v <= NDC_MAX_VALUE;
}

bool
ndc_has_11(int64_t v)
{
	return ndc_value_ok(v) && v < INT64_C(100000000000);
}

int
ndc_format(int64_t v, ndc_style style, char *buf)
{
	int64_t		labeler;
	int64_t		product;
	int64_t		package;
	int			n = 0;

	if (buf == NULL || !ndc_value_ok(v))
		return -1;
	labeler = v / INT64_C(1000000);
	product = (v / 100) % 10000;
	package = v % 100;

	switch (style)
	{
		case NDC_STYLE_11:
			if (!ndc_has_11(v))
				return -1;
			n = put_digits(buf, v, 11);
			break;
		case NDC_STYLE_12:
			n = put_digits(buf, v, 12);
			break;
		case NDC_STYLE_5_4_2:
		case NDC_STYLE_6_4_2:
			if (style == NDC_STYLE_5_4_2 && !ndc_has_11(v))
				return -1;
			n = put_digits(buf, labeler, style == NDC_STYLE_5_4_2 ? 5 : 6);
			buf[n++] = '-';
			n += put_digits(buf + n, product, 4);
			buf[n++] = '-';
			n += put_digits(buf + n, package, 2);
			break;
		default:
			return -1;
	}
	buf[n] = '\0';
	return n;
}

int
ndc_format_canonical(int64_t v, char *buf)
{
	return ndc_format(v, ndc_has_11(v) ? NDC_STYLE_11 : NDC_STYLE_12, buf);
}

bool
ndc_style_from_name(const char *name, size_t len, ndc_style *out)
{
	static const struct
	{
		const char *name;
		ndc_style	style;
	}			styles[] = {
		{"11", NDC_STYLE_11},
		{"5-4-2", NDC_STYLE_5_4_2},
		{"12", NDC_STYLE_12},
		{"6-4-2", NDC_STYLE_6_4_2},
	};
	size_t		i;

	if (name == NULL)
		return false;
	for (i = 0; i < sizeof(styles) / sizeof(styles[0]); i++)
	{
		if (strlen(styles[i].name) == len && memcmp(styles[i].name, name, len) == 0)
		{
			if (out != NULL)
				*out = styles[i].style;
			return true;
		}
	}
	return false;
}
