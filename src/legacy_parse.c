/*
 * src/legacy_parse.c
 *
 * Reading the dates, units and days that legacy tables keep as text
 * (codes.h, "legacy text values").  No PostgreSQL header: unit-tested
 * (test/unit/test_codes.c) and fuzzed (test/fuzz/fuzz_legacy.c) on its own.
 */
#include "codes.h"
#include "util.h"

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* n digits at p (all of them digits, at most 18) as a number */
static int64_t
digits_value(const char *p, size_t n)
{
	int64_t		v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* p[0..n) are all digits */
static bool
all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(p[i]))
			return false;
	return true;
}

/* how many digits p starts with (0 when none) */
static size_t
digit_run(const char *p, size_t len)
{
	size_t		n = 0;

	while (n < len && is_digit(p[n]))
		n++;
	return n;
}

static bool
valid_ymd(int y, int m, int d)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			last;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	last = days[m - 1];
	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		last = 29;
	return d <= last;
}

legacy_verdict
legacy_parse_date(const char *s, size_t len, int *y, int *m, int *d)
{
	size_t		off;
	size_t		a,
				b,
				c;

	/*
	 * The shapes warehouses write, with two-digit months and days and no
	 * blanks, read straight; anything else takes the general path below.
	 */
	if (len == 10 && s[4] == '-' && s[7] == '-' &&
		all_digits(s, 4) && all_digits(s + 5, 2) && all_digits(s + 8, 2))
	{
		*y = (int) digits_value(s, 4);
		*m = (int) digits_value(s + 5, 2);
		*d = (int) digits_value(s + 8, 2);
		return valid_ymd(*y, *m, *d) ? LEGACY_OK : LEGACY_MALFORMED;
	}
	if (len == 10 && s[2] == '/' && s[5] == '/' &&
		all_digits(s, 2) && all_digits(s + 3, 2) && all_digits(s + 6, 4))
	{
		*m = (int) digits_value(s, 2);
		*d = (int) digits_value(s + 3, 2);
		*y = (int) digits_value(s + 6, 4);
		return valid_ymd(*y, *m, *d) ? LEGACY_OK : LEGACY_MALFORMED;
	}

	util_trim_blanks(&s, &len, &off);
	if (len == 0)
		return LEGACY_BLANK;
	a = digit_run(s, len);
	if (a == len && a == 8)
	{
		/* YYYYMMDD */
		*y = (int) digits_value(s, 4);
		*m = (int) digits_value(s + 4, 2);
		*d = (int) digits_value(s + 6, 2);
	}
	else if (a == 4 && a < len && s[a] == '-')
	{
		/* YYYY-MM-DD */
		b = digit_run(s + 5, len - 5);
		if (b < 1 || b > 2 || 5 + b >= len || s[5 + b] != '-')
			return LEGACY_MALFORMED;
		c = digit_run(s + 6 + b, len - 6 - b);
		if (c < 1 || c > 2 || 6 + b + c != len)
			return LEGACY_MALFORMED;
		*y = (int) digits_value(s, 4);
		*m = (int) digits_value(s + 5, b);
		*d = (int) digits_value(s + 6 + b, c);
	}
	else if (a >= 1 && a <= 2 && a < len && s[a] == '/')
	{
		/* MM/DD/YYYY */
		b = digit_run(s + a + 1, len - a - 1);
		if (b < 1 || b > 2 || a + 1 + b >= len || s[a + 1 + b] != '/')
			return LEGACY_MALFORMED;
		c = digit_run(s + a + b + 2, len - a - b - 2);
		if (c != 4 || a + b + 2 + c != len)
			return LEGACY_MALFORMED;
		*m = (int) digits_value(s, a);
		*d = (int) digits_value(s + a + 1, b);
		*y = (int) digits_value(s + a + b + 2, 4);
	}
	else
		return LEGACY_MALFORMED;
	return valid_ymd(*y, *m, *d) ? LEGACY_OK : LEGACY_MALFORMED;
}

legacy_verdict
legacy_parse_number(const char *s, size_t len, bool whole_only,
					size_t *start, size_t *nlen, bool *is_int, int64_t *value)
{
	size_t		off;
	size_t		i = 0;
	size_t		ip,
				fp = 0;
	bool		neg = false;
	bool		frac_zero = true;
	int64_t		v = 0;

	/* the usual: a few digits, nothing else (a leading zero takes the general path) */
	if (len >= 1 && len <= 18 && s[0] != '0' && all_digits(s, len))
	{
		*start = 0;
		*nlen = len;
		*is_int = true;
		*value = digits_value(s, len);
		return LEGACY_OK;
	}
	util_trim_blanks(&s, &len, &off);
	*start = off;
	*nlen = len;
	*is_int = false;
	*value = 0;
	if (len == 0)
		return LEGACY_BLANK;
	if (s[0] == '+' || s[0] == '-')
	{
		neg = s[0] == '-';
		i = 1;
	}
	ip = digit_run(s + i, len - i);
	i += ip;
	if (i < len && s[i] == '.')
	{
		fp = digit_run(s + i + 1, len - i - 1);
		for (size_t k = 0; k < fp; k++)
			if (s[i + 1 + k] != '0')
				frac_zero = false;
		i += 1 + fp;
	}
	if (i != len || ip + fp == 0)
		return LEGACY_MALFORMED;
	if (whole_only && !frac_zero)
		return LEGACY_MALFORMED;
	if (frac_zero)
	{
		/* the digits of the whole part, leading zeros skipped */
		const char *p = s + (neg || s[0] == '+' ? 1 : 0);
		size_t		n = ip;

		while (n > 0 && *p == '0')
		{
			p++;
			n--;
		}
		if (n <= 18)
		{
			for (size_t k = 0; k < n; k++)
				v = v * 10 + (p[k] - '0');
			*is_int = true;
			*value = neg ? -v : v;
		}
		else if (whole_only)
			return LEGACY_MALFORMED;	/* a whole number, but no count */
	}
	return LEGACY_OK;
}
