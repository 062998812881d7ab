/*
 * test/fuzz/fuzz_common.h: what the parser fuzzers share: an invariant
 * check that aborts, the input size cap, the way an input is trimmed and
 * upper-cased for the reference regular expressions, and the rules every
 * failure reason must follow.
 */
#ifndef J7599_FUZZ_COMMON_H
#define J7599_FUZZ_COMMON_H

#include "codes.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "invariant failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

#define MAX_INPUT 4096

/*
 * The input trimmed of blanks and upper-cased into out (MAX_INPUT + 1
 * bytes), for matching against a regular expression; false when it holds a
 * NUL byte, which no regular expression can see.
 */
static inline bool
prepare(const char *s, size_t len, char *out)
{
	size_t		b = 0;
	size_t		e = len;
	size_t		i;

	if (memchr(s, '\0', len) != NULL)
		return false;
	while (b < e && (s[b] == ' ' || s[b] == '\t'))
		b++;
	while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	for (i = b; i < e; i++)
		out[i - b] = (char) ((s[i] >= 'a' && s[i] <= 'z') ? s[i] - 32 : s[i]);
	out[e - b] = '\0';
	return true;
}

/* a reason is one non-empty line of printable ASCII that was not cut short */
static inline void
check_reason(const char *reason)
{
	const char *nul = memchr(reason, '\0', CODES_REASON_MAX);
	const char *p;

	CHECK(nul != NULL);
	CHECK(nul != reason);
	/* a full buffer would mean the sentence was cut by vsnprintf */
	CHECK(nul - reason < CODES_REASON_MAX - 1);
	for (p = reason; p < nul; p++)
		CHECK((unsigned char) *p >= 0x20 && (unsigned char) *p <= 0x7E);
}

#endif							/* J7599_FUZZ_COMMON_H */
