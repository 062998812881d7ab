/*
 * src/x12.h
 *
 * The X12 837 procedure composite (SV1-01 professional, SV2-02
 * institutional) as it is sent, read without PostgreSQL (src/x12_parse.c):
 *
 *   component 1   qualifier: HC (HCPCS / CPT), or another such as ER, HP,
 *                 IV, WK (two letters or digits, case folded)
 *   component 2   the procedure code
 *   components 3-6 up to four modifiers; empty slots are allowed anywhere
 *   component 7   the description (SV101-7), any characters but the
 *                 separator
 *
 *   HC:J7599:KX::::TACROLIMUS 1MG CAP     HC>99213>25     HC:J3490:::::Hep Lock see NDC#
 *
 * Decisions:
 *   - Only HC reads the code and modifiers as a HCPCS line, with the line
 *     parser of codes.h (hcpcs_parse_code, hcpcs_parse_modifier), so a bad
 *     code or modifier is an error there.  Another qualifier's code belongs
 *     to another code set: it must be present, but neither it nor the
 *     modifiers are checked, and there is no line (has_line false).
 *   - The separator is one byte that X12 could use as a delimiter and that
 *     cannot be in a code: not a letter, a digit, a blank (space or tab) or
 *     NUL, and ASCII; a control character is allowed.
 *   - More than 7 components is an error: X12 has no escape for the
 *     separator, so an 8th component means a wrong separator or a
 *     description that holds it.
 *   - Blanks (space, tab) around a component are ignored; a slot of blanks is
 *     empty.  The description is returned without them, and an empty one is
 *     none.  Its length is not checked here (the 837 allows 80 characters;
 *     the narrative rules judge length).
 *   - An input of blanks only is X12_BLANK: the caller returns no row.
 *
 * Like codes.h: pointer and length, no allocation, no read outside the
 * input, a one-clause reason (lower case, no final period, printable ASCII)
 * of at most CODES_REASON_MAX bytes on failure.  Positions count bytes from 1.
 */
#ifndef J7599_X12_H
#define J7599_X12_H

#include "codes.h"

#define X12_MAX_COMPONENTS 7

typedef enum x12_status
{
	X12_OK = 0,
	X12_BLANK,					/* nothing but blanks: no composite */
	X12_MALFORMED				/* reason written */
} x12_status;

typedef struct x12_procedure
{
	char		qualifier[3];	/* upper case, NUL-terminated */
	bool		has_line;		/* qualifier HC: line holds code and modifiers */
	hcpcs_line_parts line;
	size_t		desc_off;		/* the description: s[desc_off, desc_off + desc_len) */
	size_t		desc_len;		/* 0: none */
} x12_procedure;

/*
 * The separator given as text (len bytes): true and *out set when it is one
 * acceptable byte, else false with a reason.
 */
extern bool x12_separator_parse(const char *s, size_t len, char *out, char *reason);

/* the composite s[0, len) split by sep (which x12_separator_parse accepted) */
extern x12_status x12_parse_procedure(const char *s, size_t len, char sep,
									  x12_procedure *out, char *reason);

#endif							/* J7599_X12_H */
