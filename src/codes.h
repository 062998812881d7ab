/*
 * src/codes.h
 *
 * Pure parsers and formatters for the code sets j7599 handles: HCPCS lines
 * (code plus up to four modifiers), NDCs, ICD-10-CM diagnosis syntax and
 * place-of-service syntax.  Nothing here includes a PostgreSQL header, so the
 * same code is unit-tested and fuzzed on its own; the fmgr glue only calls it.
 *
 * Every parser takes a pointer and a length (the input need not be
 * NUL-terminated), never reads outside it, never allocates, and on failure
 * writes a NUL-terminated, one-sentence reason into a caller buffer of
 * CODES_REASON_MAX bytes.  That reason becomes the errdetail of the SQL error.
 */
#ifndef J7599_CODES_H
#define J7599_CODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* the parsers every row goes through: kept together in the hot code */
#if defined(__GNUC__) || defined(__clang__)
#define CODES_HOT __attribute__((hot))
#else
#define CODES_HOT
#endif

#define CODES_REASON_MAX 160

/* ---------------------------------------------------------------- HCPCS */

#define HCPCS_MAX_MODIFIERS 4
/* longest canonical text: "J7599-JZ-KX-AA-BB" plus NUL */
#define HCPCS_LINE_TEXT_MAX 18

typedef enum hcpcs_code_kind
{
	HCPCS_KIND_INVALID = 0,
	HCPCS_KIND_LEVEL2,			/* [A-CE-Z][0-9]{4} */
	HCPCS_KIND_CDT,				/* D[0-9]{4} */
	HCPCS_KIND_CPT,				/* [0-9]{5} */
	HCPCS_KIND_CPT2,			/* [0-9]{4}F */
	HCPCS_KIND_CPT3,			/* [0-9]{4}T */
	HCPCS_KIND_PLA				/* [0-9]{4}U */
} hcpcs_code_kind;

typedef struct hcpcs_line_parts
{
	char		code[6];		/* upper case, NUL-terminated */
	int			nmods;			/* 0..4 */
	char		mods[HCPCS_MAX_MODIFIERS][3];	/* upper case, NUL-terminated */
} hcpcs_line_parts;

/* kind of a 5-character upper-case code, HCPCS_KIND_INVALID if malformed */
extern hcpcs_code_kind hcpcs_code_kind_of(const char *code5);
/* "hcpcs_level2", "cdt", "cpt", "cpt_category2", "cpt_category3", "cpt_pla" */
extern const char *hcpcs_code_kind_name(hcpcs_code_kind kind);

/* one code; blanks around it are ignored, case is folded */
extern bool hcpcs_parse_code(const char *s, size_t len, char out[6], char *reason);

/* one modifier; position (1-based) is only used in the reason text */
extern bool hcpcs_parse_modifier(const char *s, size_t len, int position,
								 char out[3], char *reason);

/* a whole line in any of the accepted input forms */
extern bool hcpcs_parse_line(const char *s, size_t len, hcpcs_line_parts *out,
							 char *reason) CODES_HOT;

/*
 * Order-preserving packing into 63 bits: comparing two packed values as
 * integers orders lines by code, then by modifiers in billed order.
 */
extern uint64_t hcpcs_pack(const hcpcs_line_parts *p);
/* false when v is not the packing of a valid line (binary input, corruption) */
extern bool hcpcs_unpack(uint64_t v, hcpcs_line_parts *out) CODES_HOT;
/* canonical text, "J7599-JZ-KX"; returns its length; buf >= HCPCS_LINE_TEXT_MAX */
extern size_t hcpcs_format(const hcpcs_line_parts *p, char *buf);

/* ------------------------------------------------------------------ NDC */

/* an NDC is held as the integer value of its 12-digit 6-4-2 form */
#define NDC_MAX_VALUE INT64_C(999999999999)
#define NDC_TEXT_MAX 16			/* "123456-7890-12" plus NUL */

typedef enum ndc_style
{
	NDC_STYLE_11 = 0,			/* 00069015001 */
	NDC_STYLE_5_4_2,			/* 00069-0150-01 */
	NDC_STYLE_12,				/* 000069015001 */
	NDC_STYLE_6_4_2				/* 000069-0150-01 */
} ndc_style;

extern bool ndc_parse(const char *s, size_t len, int64_t *out, char *reason) CODES_HOT;
extern bool ndc_value_ok(int64_t v);
/* true when the NDC has an 11-digit form (its 6-digit labeler starts with 0) */
extern bool ndc_has_11(int64_t v);
/* writes the style; returns the length, or -1 when the NDC has no such form */
extern int	ndc_format(int64_t v, ndc_style style, char *buf);
/* canonical output: 11 digits where the NDC has them, else 12 */
extern int	ndc_format_canonical(int64_t v, char *buf);
/* "11", "5-4-2", "12", "6-4-2" -> style; false for anything else */
extern bool ndc_style_from_name(const char *name, size_t len, ndc_style *out);

/* ----------------------------------------------------------- ICD-10-CM */

#define ICD10_NORM_MAX 8		/* 7 characters, no dot, plus NUL */

/*
 * Syntax only: 3-7 characters, a letter, a digit, then letters or digits,
 * an optional dot after the third.  out gets upper case without the dot.
 */
extern bool icd10_parse(const char *s, size_t len, char out[ICD10_NORM_MAX],
						char *reason) CODES_HOT;

/* -------------------------------------------------------- place of service */

/* exactly two digits (blanks around ignored); *out gets 0..99 */
extern bool pos_parse(const char *s, size_t len, int *out, char *reason);

/* ------------------------------------------------- legacy text values */

/*
 * Dates, units and days kept as text by legacy tables and warehouse loads.
 * Blanks (space, tab) around the value are ignored; an empty or blank text
 * is LEGACY_BLANK (a missing value, not a malformed one).
 */
typedef enum legacy_verdict
{
	LEGACY_OK = 0,
	LEGACY_BLANK,
	LEGACY_MALFORMED
} legacy_verdict;

/*
 * A calendar date written YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD (X12 D8), with
 * a four-digit year from 0001 to 9999 and a day that exists in that month
 * (2024-02-29 is a date, 2023-02-29 is not); month and day take one or two
 * digits in the first two forms.  *y, *m, *d get the date.
 */
extern legacy_verdict legacy_parse_date(const char *s, size_t len, int *y, int *m, int *d);

/*
 * A decimal number: an optional sign, digits, an optional decimal point and
 * digits (at least one digit in all), no exponent.  *start / *nlen get the
 * number without the blanks around it.  *is_int is true when it is a whole
 * number (a fraction of zeros only counts as whole) of at most 18 digits,
 * *value then holding it.  With whole_only, a number that is not whole is
 * LEGACY_MALFORMED.
 */
extern legacy_verdict legacy_parse_number(const char *s, size_t len, bool whole_only,
										  size_t *start, size_t *nlen,
										  bool *is_int, int64_t *value);

#endif							/* J7599_CODES_H */
