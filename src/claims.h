/*
 * src/claims.h
 *
 * The claim-level engine: the lines of one claim, gathered by the aggregate
 * j7599.claim_findings (claims.c), checked together by the rules of scope
 * "claim" in rules.def (rules_claims.c).
 *
 * A line keeps what the claim rules read, in a fixed-size record: the packed
 * hcpcs_line, the date, the units in millionths of a unit (so that units are
 * summed exactly, without a numeric per line), the NDC as its number, and
 * where the payer text of the line stands in the claim's text arena (claims
 * usually name one payer, which is stored once).  A line may carry a
 * reference (audit_claims passes the row key) that messages quote; lines are
 * otherwise named by their content, so that findings do not depend on the
 * order in which the aggregate received the lines.
 */
#ifndef J7599_CLAIMS_H
#define J7599_CLAIMS_H

#include "postgres.h"

#include "utils/date.h"

#include "policy_cache.h"
#include "rules.h"

#define CL_NDC_NONE		(-1)	/* no NDC, or a blank one */
#define CL_NDC_BAD		(-2)	/* an NDC that does not parse (NDC_MALFORMED on the line) */

#define CL_DATE			0x01	/* the line has a service date */
#define CL_UNITS		0x02	/* the line has units > 0, read exactly */
#define CL_LINE			0x04	/* the line has a line (a NULL line is skipped by the rules) */

/* millionths of a unit: the finest units the claim rules tell apart */
#define CL_UNIT_SCALE	INT64CONST(1000000)

typedef struct claim_line
{
	uint64		line;			/* packed hcpcs_line */
	int64		ndc;			/* NDC number, CL_NDC_NONE or CL_NDC_BAD */
	int64		units;			/* millionths of a unit, with CL_UNITS */
	DateADT		date;			/* with CL_DATE */
	int32		payer_off;		/* payer text in the arena; -1: NULL */
	int32		payer_len;
	int32		ref_off;		/* the line's reference (row key) in the arena; -1: none */
	uint16		ref_len;		/* at most CL_REF_MAX */
	uint8		flags;
} claim_line;					/* 48 bytes */

#define CL_REF_MAX		200		/* bytes of a line reference kept */

/*
 * A claim.  The first few lines and bytes of text live in the same
 * allocation as the header (one chunk per claim: the hash table of a GROUP
 * BY holds one state per claim); more lines or text move to their own.
 */
typedef struct claim_state
{
	int			nlines;
	int			maxlines;
	claim_line *lines;
	int			arena_len;
	int			arena_max;
	char	   *arena;			/* the payer texts and line references */
	bool		lines_inline;	/* lines / arena point into this allocation */
	bool		arena_inline;
} claim_state;

/* an empty claim, allocated in cxt (lines added later go to the current context) */
extern claim_state *claims_state_new(MemoryContext cxt);

/*
 * Adds a line (NULL for each value that is NULL) to a claim, in the current
 * memory context, which must be the one the state lives in.
 */
extern claim_line *claims_add_line(claim_state *st, uint64 line, const DateADT *date, Numeric units,
								   const text *ndc, const text *payer);

/* units (a numeric > 0) in millionths, rounded; false when not > 0 or not finite */
extern bool claims_units_micro(Numeric n, int64 *out);

/*
 * Runs the claim rules on the lines of st (reordered in place) into out,
 * which is overwritten.  Messages are written unless msgs is false.
 */
extern void rules_claims_run(claim_state *st, rule_findings *out, bool msgs);

/*
 * The severity a claim-level finding is reported at: the catalogue's
 * (rules.def), then the warehouse's setting (j7599.rule_setting) for the
 * payer (the cache's payer index, -1 unknown: only the settings for every
 * payer) on the service date of the lines concerned (has_date false: only
 * the settings in force at all times).  False when the rule is set off.
 */
extern bool rules_claim_severity(const pc_cache *c, rule_id id, int payer, bool has_date,
								 DateADT date, rule_severity *sev);

#endif							/* J7599_CLAIMS_H */
