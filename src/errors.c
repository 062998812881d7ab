/*
 * src/errors.c: the parsers' failure reasons as PostgreSQL-style details.
 *
 * The pure parsers (codes.h) describe a failure as a clause, lower case and
 * without a final period, so that it can stand inside a finding's message
 * ("line \"J7599-JZ-K\" is malformed: modifier 2 ...").  An errdetail is a
 * full sentence: capitalised, ending with a period.
 */
#include "postgres.h"

#include "types.h"

int
errdetail_reason(const char *reason)
{
	size_t		len = strlen(reason);

	if (len == 0)
		return 0;
	return errdetail("%c%s%s", pg_toupper((unsigned char) reason[0]), reason + 1,
					 reason[len - 1] == '.' ? "" : ".");
}
