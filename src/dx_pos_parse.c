/*
 * src/dx_pos_parse.c
 *
 * Syntax of ICD-10-CM diagnosis codes and CMS place-of-service codes.
 * Whether a code exists (or is billable, or in force on a date) is a table
 * lookup elsewhere; here only the shape is checked.
 *
 * ICD-10-CM, after trimming blanks (space, tab) and folding case:
 *   ^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$
 * i.e. 3 to 7 characters, a letter, a digit, then letters or digits, with an
 * optional dot after the third.  The normalised form is upper case without
 * the dot ("z94.0" -> "Z940"), and it parses to itself.
 *
 * Place of service: exactly two digits after trimming blanks.
 *
 * Reasons are printable ASCII (other bytes are written as \xHH or 0xHH),
 * quote short fragments only, and fit CODES_REASON_MAX.  Positions count
 * bytes of the input as given, from 1.  A NULL reason pointer is allowed.
 */
#include "codes.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* a reason of CODES_REASON_MAX bytes; returns false */
#define fail(reason, ...) util_fail((reason), CODES_REASON_MAX, __VA_ARGS__)

/* ----------------------------------------------------------- ICD-10-CM */

bool
icd10_parse(const char *s, size_t len, char out[ICD10_NORM_MAX], char *reason)
{
	size_t		offset;
	size_t		orig_len = (s == NULL) ? 0 : len;
	size_t		i;
	size_t		ndots = 0;
	size_t		dot_at = 0;
	size_t		n;
	size_t		o;
	char		q[UTIL_QUOTE_BUF];
	char		norm[ICD10_NORM_MAX];

	/*
	 * The common case first: no blanks around, the shape right.  Checked and
	 * normalised in one loop; anything else takes the full path below, which
	 * decides alone (and explains).
	 */
	if (s != NULL && len >= 3 && len <= 8 && util_is_letter((unsigned char) s[0]) &&
		util_is_digit((unsigned char) s[1]))
	{
		for (i = 0, o = 0; i < len; i++)
		{
			unsigned char c = (unsigned char) s[i];

			if (util_is_alnum(c) && o < ICD10_NORM_MAX - 1)
				norm[o++] = util_to_upper((char) c);
			else if (!(c == '.' && i == 3 && i < len - 1))
				break;
		}
		if (i == len && o >= 3)
		{
			norm[o] = '\0';
			memcpy(out, norm, o + 1);
			return true;
		}
	}

	util_trim_blanks(&s, &len, &offset);
	o = 0;
	if (len == 0)
		return fail(reason, orig_len == 0 ? "the diagnosis is empty"
					: "the diagnosis contains only blanks");

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (util_is_digit(c) || util_is_letter(c))
		{
			/* normalised on the way: upper case, no dot */
			if (o < ICD10_NORM_MAX - 1)
				norm[o] = util_to_upper((char) c);
			o++;
			continue;
		}
		if (c == '.')
		{
			if (ndots == 0)
				dot_at = i;
			ndots++;
			continue;
		}
		if (util_is_blank(c))
			return fail(reason, "a blank at position %zu is inside the diagnosis",
						offset + i + 1);
		if (c == '"')
			return fail(reason, "character '\"' at position %zu of the diagnosis "
						"is not a letter, digit or \".\"", offset + i + 1);
		if (c > 0x20 && c < 0x7F)
			return fail(reason, "character \"%c\" at position %zu of the diagnosis "
						"is not a letter, digit or \".\"", (char) c, offset + i + 1);
		return fail(reason, "byte 0x%02X at position %zu of the diagnosis "
					"is not a letter, digit or \".\"", (unsigned) c, offset + i + 1);
	}

	/*
	 * From here on the input is letters, digits and dots: quoting is safe.
	 * The quote is only made on the way to a failure, so that the common,
	 * valid diagnosis costs no formatting.
	 */
	n = len - ndots;
	if (ndots > 1 || (ndots == 1 && (dot_at != 3 || dot_at == len - 1)) || n < 3 || n > 7 ||
		!util_is_letter((unsigned char) s[0]) || !util_is_digit((unsigned char) s[1]))
	{
		util_quote_reason(q, s, len);
		if (ndots > 1)
			return fail(reason, "diagnosis %s has %zu dots; at most one, after the third character",
						q, ndots);
		if (ndots == 1 && dot_at != 3)
			return fail(reason, "a dot may only follow the third character (diagnosis %s)", q);
		if (ndots == 1 && dot_at == len - 1)
			return fail(reason, "a dot must be followed by 1 to 4 characters (diagnosis %s)", q);
		if (n < 3 || n > 7)
			return fail(reason, "diagnosis %s must have 3 to 7 characters%s", q,
						ndots ? ", not counting the dot" : "");
		if (!util_is_letter((unsigned char) s[0]))
			return fail(reason, "character 1 of diagnosis %s must be a letter", q);
		return fail(reason, "character 2 of diagnosis %s must be a digit", q);
	}

	norm[n] = '\0';
	memcpy(out, norm, n + 1);
	return true;
}

/* ------------------------------------------------------ place of service */

bool
pos_parse(const char *s, size_t len, int *out, char *reason)
{
	size_t		offset;
	size_t		orig_len = (s == NULL) ? 0 : len;
	char		q[UTIL_QUOTE_BUF];

	util_trim_blanks(&s, &len, &offset);
	if (len == 0)
		return fail(reason, orig_len == 0 ? "the place of service is empty"
					: "the place of service contains only blanks");
	if (len != 2 || !util_is_digit((unsigned char) s[0]) || !util_is_digit((unsigned char) s[1]))
	{
		util_quote_reason(q, s, len);
		return fail(reason, "place of service %s must be two digits", q);
	}
	if (out != NULL)
		*out = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}
