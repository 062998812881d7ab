/*
 * test/fuzz/fuzz_legacy.c
 *
 * libFuzzer harness for legacy_parse_date and legacy_parse_number, the
 * readers of dates, units and days kept as text.
 *
 * Invariants (any failure aborts):
 *  - legacy_parse_date accepts exactly what one of the three date forms
 *    matches after trimming blanks (regular expressions), with a day that
 *    exists in its month; an accepted date printed as YYYY-MM-DD, as
 *    MM/DD/YYYY and as YYYYMMDD reads back to the same date;
 *  - legacy_parse_number accepts exactly ^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$
 *    after trimming; its span is the trimmed input; a whole value prints
 *    back to a number that reads to the same value;
 *  - a blank input is LEGACY_BLANK for both.
 */
#define _POSIX_C_SOURCE 200809L

#include "codes.h"
#include "fuzz_common.h"

#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static regex_t re_date;
static regex_t re_num;
static bool re_ready;

static void
init_oracle(void)
{
	if (re_ready)
		return;
	CHECK(regcomp(&re_date,
				  "^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]{8})$",
				  REG_EXTENDED | REG_NOSUB) == 0);
	CHECK(regcomp(&re_num, "^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)$",
				  REG_EXTENDED | REG_NOSUB) == 0);
	re_ready = true;
}

static bool
real_day(int y, int m, int d)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			last;

	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	last = days[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
	return d <= last;
}

static void
check_date(const char *s, size_t size, const char *up, bool clean)
{
	int			y = 0,
				m = 0,
				d = 0;
	legacy_verdict v = legacy_parse_date(s, size, &y, &m, &d);

	if (clean && up[0] == '\0')
	{
		CHECK(v == LEGACY_BLANK);
		return;
	}
	if (!clean || regexec(&re_date, up, 0, NULL, 0) != 0)
	{
		CHECK(v == LEGACY_MALFORMED);
		return;
	}
	if (v != LEGACY_OK)
	{
		/* the form matched: only the calendar may refuse it */
		int			yy,
					mm,
					dd;

		if (strchr(up, '-'))
			CHECK(sscanf(up, "%d-%d-%d", &yy, &mm, &dd) == 3);
		else if (strchr(up, '/'))
			CHECK(sscanf(up, "%d/%d/%d", &mm, &dd, &yy) == 3);
		else
		{
			yy = (up[0] - '0') * 1000 + (up[1] - '0') * 100 + (up[2] - '0') * 10 + (up[3] - '0');
			mm = (up[4] - '0') * 10 + (up[5] - '0');
			dd = (up[6] - '0') * 10 + (up[7] - '0');
		}
		CHECK(v == LEGACY_MALFORMED && !real_day(yy, mm, dd));
		return;
	}
	CHECK(real_day(y, m, d) && y <= 9999);
	{
		char		buf[3][16];
		int			n[3];

		n[0] = snprintf(buf[0], sizeof(buf[0]), "%04d-%02d-%02d", y, m, d);
		n[1] = snprintf(buf[1], sizeof(buf[1]), "%02d/%02d/%04d", m, d, y);
		n[2] = snprintf(buf[2], sizeof(buf[2]), "%04d%02d%02d", y, m, d);
		for (int i = 0; i < 3; i++)
		{
			int			y2,
						m2,
						d2;

			CHECK(legacy_parse_date(buf[i], (size_t) n[i], &y2, &m2, &d2) == LEGACY_OK);
			CHECK(y2 == y && m2 == m && d2 == d);
		}
	}
}

static void
check_number(const char *s, size_t size, const char *up, bool clean)
{
	size_t		start,
				nlen;
	bool		is_int;
	int64_t		value;
	legacy_verdict v = legacy_parse_number(s, size, false, &start, &nlen, &is_int, &value);

	if (clean && up[0] == '\0')
	{
		CHECK(v == LEGACY_BLANK);
		return;
	}
	CHECK((v == LEGACY_OK) == (clean && regexec(&re_num, up, 0, NULL, 0) == 0));
	if (v != LEGACY_OK)
		return;
	CHECK(start + nlen <= size && nlen == strlen(up));
	if (is_int)
	{
		char		buf[32];
		int			n = snprintf(buf, sizeof(buf), "%" PRId64, value);
		size_t		s2,
					n2;
		bool		i2;
		int64_t		v2;

		CHECK(legacy_parse_number(buf, (size_t) n, true, &s2, &n2, &i2, &v2) == LEGACY_OK);
		CHECK(i2 && v2 == value);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		up[MAX_INPUT + 1];
	char	   *s;
	bool		clean;

	if (size > MAX_INPUT)
		return 0;
	init_oracle();
	/* exactly the input's length on the heap: ASan sees a read past it */
	s = malloc(size ? size : 1);
	CHECK(s != NULL);
	memcpy(s, data, size);
	clean = prepare(s, size, up);
	check_date(s, size, up, clean);
	check_number(s, size, up, clean);
	free(s);
	return 0;
}
