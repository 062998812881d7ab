/*
 * src/rules.h
 *
 * The rule engine: checks one claim line against the rule catalogue of the
 * spec (docs/spec.md, "Rule catalogue") and writes its findings into a
 * caller-provided, fixed-size buffer.  Used by j7599.validate / is_valid /
 * line_ok (validate.c), the enforce trigger and the audit functions.
 *
 * Typical use, one row:
 *
 *     rule_input    in;
 *     rule_findings out;             -- about 27 kB: keep it on the stack or
 *                                    -- allocate it once per statement
 *     rules_input_init(&in);
 *     rules_set_line_value(&in, DatumGetHcpcsLine(d));   -- or rules_set_line_text
 *     rules_set_text(&in.payer, payer_datum, payer_isnull);
 *     rules_set_date(&in.service_date, date_datum, date_isnull);
 *     rules_set_units_numeric(&in, units_datum, units_isnull);
 *     rules_add_dx(&in, dx_datum, dx_isnull, true);      -- a text[]; repeat per column
 *     ...
 *     rules_run(&in, &out, 0);
 *     if (rules_worst(&out) >= RULE_SEV_ERROR) ...
 *
 * Cost.  Setting inputs never copies a value that is in memory already (short
 * varlena headers included; a short-header numeric or array is copied into
 * the rule_input itself); only compressed, out-of-line or expanded values are
 * detoasted or flattened, in the current memory context.  rules_run reads the
 * reference cache (policy_cache.h: loaded once per backend by SPI, reloaded
 * after a change to a reference table) and small per-backend memos, and does
 * not palloc, except to print a numeric into a message.
 *
 * Lifetime.  A rule_input points into the Datums it was set from: keep them
 * alive while it is used.  It may also point into itself: do not copy it by
 * value, fill it where it is used.  A finding's source points into static
 * storage or into the reference cache, which may be rebuilt at the next
 * rules_run (never during one): copy what you keep before the next row.
 *
 * Reentrancy.  rules_run calls no user code; it may be called from triggers
 * and set-returning functions, any number of times per statement.
 */
#ifndef J7599_RULES_H
#define J7599_RULES_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/date.h"
#include "utils/numeric.h"

#include "codes.h"

/* ------------------------------------------------------------ catalogue */

/* every rule id of the catalogue, in the order findings are reported (rules.def) */
typedef enum rule_id
{
#define RULE(id, sev, scope, field, msg_reveals, src_reveals, desc) RULE_##id,
#include "rules.def"
#undef RULE
	RULE__COUNT					/* not a rule: how many there are */
} rule_id;

/*
 * The engine sets no limit on the number of rules: every per-rule array is
 * sized by RULE__COUNT.  Representations that do have a limit say so with a
 * StaticAssert next to them (the finding mask of validate.c).
 */

/* ordered: a higher value is more severe */
typedef enum rule_severity
{
	RULE_SEV_INFO = 0,
	RULE_SEV_WARNING = 1,
	RULE_SEV_ERROR = 2,
	RULE_SEV__COUNT				/* not a severity: how many there are */
} rule_severity;

/* the input a finding concerns (the finding's `field`): one per claim input */
typedef enum rule_field
{
#define CLAIM_INPUT(ID, name, kind, since, doc) RULE_FIELD_##ID,
#include "claim_inputs.def"
#undef CLAIM_INPUT
	RULE_FIELD__COUNT
} rule_field;

/* a set of fields, as the bits (1 << rule_field) of a uint32 */
#define RF(ID)		((uint32) 1 << RULE_FIELD_##ID)
#define RF_ALL		(((uint32) 1 << RULE_FIELD__COUNT) - 1)
StaticAssertDecl(RULE_FIELD__COUNT < 32, "a set of fields is a uint32");

/* one catalogue entry, for j7599.rules() and documentation */
typedef struct rule_info
{
	const char *name;			/* "NDC_MISSING" */
	const char *severity;		/* "error", "warning", "info" or "policy" */
	const char *scope;			/* "line" (every line) or "noc" (J7599 and NOC codes) */
	rule_field	field;
	const char *fires_when;		/* one line, as in the spec */
	uint32		reveals_message;	/* RF() set: inputs the message may quote */
	uint32		reveals_source;	/* RF() set: inputs the source may reveal */
} rule_info;

extern const rule_info *rules_info(rule_id id);
extern const char *rules_rule_name(rule_id id);
extern const char *rules_severity_name(rule_severity sev);
extern const char *rules_field_name(rule_field field);

/*
 * 'error', 'warning' or 'info' (exactly, lower case) -> *out; false for
 * anything else.  Callers raise 22023 (ERRCODE_INVALID_PARAMETER_VALUE) then.
 */
extern bool rules_severity_parse(const char *s, size_t len, rule_severity *out);

/*
 * The modifier pairs line_ok checks without reading a table (doc/billing-facts.md §4,
 * §5): JW/JZ, GA/GY/GZ, 59 and XE/XS/XP/XU among themselves, JG/TB, JA/JB.
 * Each pair is written with a < b (byte order).
 */
typedef struct rule_modifier_pair
{
	const char *a;
	const char *b;
	const char *reason;
} rule_modifier_pair;

extern const rule_modifier_pair *rules_builtin_conflicts(int *n);

/* ---------------------------------------------------------------- input */

/* a text argument: bytes (not NUL-terminated) and a NULL flag */
typedef struct rule_text
{
	const char *ptr;
	int			len;
	bool		isnull;
} rule_text;

/*
 * A date, or a text column read as one (rules_set_date_text): a text that is
 * not a date is NULL for the rules, with malformed set and raw holding the
 * text for the *_MALFORMED finding.
 */
typedef struct rule_date
{
	DateADT		value;
	bool		isnull;
	bool		malformed;
	rule_text	raw;			/* when malformed */
} rule_date;

/* a whole number (smallint or integer arguments and columns, or text) */
typedef struct rule_count
{
	int64		value;
	bool		isnull;
	bool		malformed;
	rule_text	raw;			/* when malformed */
} rule_count;

/* more dx sources than this are ignored (the enforce trigger's dx columns) */
#define RULES_MAX_DX_SOURCES 8

/*
 * Room for any short-header varlena (at most 126 data bytes) copied behind a
 * 4-byte header, so numeric and array code can read it in place.
 */
#define RULES_SHORT_COPY 136

typedef union rule_inline_buf
{
	char		data[RULES_SHORT_COPY];
	double		force_align_d;
	int64		force_align_i;
} rule_inline_buf;

typedef enum rule_units_kind
{
	RULE_UNITS_NULL = 0,
	RULE_UNITS_NUMERIC,			/* units_numeric */
	RULE_UNITS_INT				/* units_int (smallint, integer, bigint columns) */
} rule_units_kind;

typedef struct rule_dx_source
{
	bool		is_array;		/* text[] (else one text) */
	bool		isnull;
	rule_text	text;			/* when !is_array */
	ArrayType  *array;			/* when is_array and !in_buf: a flat text[] */
	bool		in_buf;			/* the array is in buf (it had a short header) */
	rule_inline_buf buf;
} rule_dx_source;

typedef struct rule_input
{
	/* the line: a parsed hcpcs_line, or raw text (the text overload) */
	bool		line_isnull;
	bool		line_is_text;
	hcpcs_line_parts line;		/* when !line_is_text */
	rule_text	line_text;		/* when line_is_text */

	rule_units_kind units_kind;
	Numeric		units_numeric;	/* 4-byte-header numeric, unless units_in_buf */
	bool		units_in_buf;	/* the numeric is in units_buf */
	int64		units_int;
	rule_inline_buf units_buf;
	bool		units_malformed;	/* a units text that is not a number (units NULL) */
	rule_text	units_raw;		/* when units_malformed */

	/* NDC as text, or already an ndc value (ndc columns of the trigger) */
	rule_text	ndc;
	bool		ndc_is_value;
	int64		ndc_value;

	int			ndx;
	rule_dx_source dx[RULES_MAX_DX_SOURCES];

	/*
	 * the TEXT, DATE and COUNT inputs of claim_inputs.def, one slot each,
	 * named as the input: payer, service_date, pos, narrative, ...
	 */
#define CLAIM_SLOT_LINE(name)
#define CLAIM_SLOT_QUANTITY(name)
#define CLAIM_SLOT_NDC(name)
#define CLAIM_SLOT_DX(name)
#define CLAIM_SLOT_TEXT(name)	rule_text name;
#define CLAIM_SLOT_DATE(name)	rule_date name;
#define CLAIM_SLOT_COUNT(name)	rule_count name;
#define CLAIM_INPUT(ID, name, kind, since, doc) CLAIM_SLOT_##kind(name)
#include "claim_inputs.def"
#undef CLAIM_INPUT
} rule_input;

/* everything NULL */
extern void rules_input_init(rule_input *in) pg_attribute_hot;

/* the line from a j7599.hcpcs_line value (raises XX001 on a corrupt value) */
extern void rules_set_line_value(rule_input *in, uint64 packed) pg_attribute_hot;
/* the line from parts already parsed */
extern void rules_set_line_parts(rule_input *in, const hcpcs_line_parts *parts);
/* the line as text: parsed by rules_run; bad syntax is LINE_MALFORMED */
extern void rules_set_line_text(rule_input *in, Datum d, bool isnull) pg_attribute_hot;

/*
 * Any text-like argument (text, varchar, bpchar Datums): read in place, even
 * with a short header; only compressed or out-of-line values are detoasted.
 */
static inline void
rules_set_text(rule_text *t, Datum d, bool isnull)
{
	struct varlena *v;

	if (isnull)
	{
		t->isnull = true;
		t->ptr = NULL;
		t->len = 0;
		return;
	}
	v = (struct varlena *) DatumGetPointer(d);
	if (VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v))
		v = pg_detoast_datum_packed(v);
	t->ptr = VARDATA_ANY(v);
	t->len = (int) VARSIZE_ANY_EXHDR(v);
	t->isnull = false;
}

extern void rules_set_date(rule_date *t, Datum d, bool isnull) pg_attribute_hot;

static inline void
rules_set_count(rule_count *t, int64 v, bool isnull)
{
	t->isnull = isnull;
	t->value = isnull ? 0 : v;
	t->malformed = false;
}

/*
 * Dates, units and days kept as text (legacy tables): any text-like Datum,
 * read in place.  Dates as YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD; units and
 * days as decimal text (days whole); blanks around are ignored and a blank
 * text is NULL.  A text that cannot be read is NULL for the rules and marked
 * malformed: SERVICE_DATE_MALFORMED, TRANSPLANT_DATE_MALFORMED,
 * UNITS_MALFORMED, DAYS_SUPPLY_MALFORMED.  Only fractional units allocate
 * (their numeric, in the current memory context).
 */
extern void rules_set_date_text(rule_date *t, Datum d, bool isnull) pg_attribute_hot;
extern void rules_set_count_text(rule_count *t, Datum d, bool isnull) pg_attribute_hot;
extern void rules_set_units_text(rule_input *in, Datum d, bool isnull) pg_attribute_hot;

/*
 * How a column or argument of a given type is handed to the engine, for the
 * readers that take any registered column type (the enforcing trigger, the
 * audits' _row_findings / _finding_mask over a table's columns).
 */
typedef enum rule_col_kind
{
	RULE_COL_NONE = 0,
	RULE_COL_TEXT,				/* text, varchar, bpchar */
	RULE_COL_TEXT_ARRAY,		/* text[], varchar[], bpchar[] */
	RULE_COL_LINE,				/* j7599.hcpcs_line */
	RULE_COL_NDC,				/* j7599.ndc */
	RULE_COL_DATE,
	RULE_COL_NUMERIC,
	RULE_COL_INT2,
	RULE_COL_INT4,
	RULE_COL_INT8,
	RULE_COL_UNKNOWN			/* an untyped NULL literal */
} rule_col_kind;

/* the kind of a type (domains looked through); line and ndc: j7599's type OIDs */
extern rule_col_kind rules_col_kind_of(Oid typid, Oid line_type, Oid ndc_type);

/* the OIDs of j7599.hcpcs_line and j7599.ndc (InvalidOid when not found) */
extern void rules_extension_types(Oid *line_type, Oid *ndc_type);

/* can a column of this kind hold the input?  (as register() checks it) */
extern bool rules_col_fits(rule_field input, rule_col_kind k);

/*
 * One input from a value of a kind rules_col_fits accepted: every kind of
 * column goes to the setter that reads it in place.  The DX input adds a
 * source per call.
 */
extern void rules_set_column(rule_input *in, rule_field input, rule_col_kind k,
							 Datum d, bool isnull) pg_attribute_hot;

extern void rules_set_units_numeric(rule_input *in, Datum d, bool isnull) pg_attribute_hot;
extern void rules_set_units_int(rule_input *in, int64 v, bool isnull) pg_attribute_hot;

extern void rules_set_ndc_text(rule_input *in, Datum d, bool isnull) pg_attribute_hot;
extern void rules_set_ndc_value(rule_input *in, int64 v, bool isnull) pg_attribute_hot;

/* one dx source: a text[] (is_array) or a single text; NULLs are skipped */
extern void rules_add_dx(rule_input *in, Datum d, bool isnull, bool is_array) pg_attribute_hot;

extern void rules_set_days_supply(rule_input *in, int64 v, bool isnull);

/* --------------------------------------------------------------- output */

#define RULES_MAX_FINDINGS 64
#define RULES_MESSAGE_MAX 400

typedef struct rule_finding
{
	rule_id		rule;
	rule_severity severity;
	rule_field	field;
	const char *source;			/* never NULL; see "Lifetime" above */
	char		message[RULES_MESSAGE_MAX]; /* "" with RULES_NO_MESSAGES */
} rule_finding;

typedef struct rule_findings
{
	int			count;			/* findings in items[] */
	int			dropped;		/* findings that did not fit (still counted below) */
	int			n_by_severity[RULE_SEV__COUNT];	/* indexed by rule_severity, dropped included */
	rule_finding items[RULES_MAX_FINDINGS];
} rule_findings;

/*
 * rules_run flags.  RULES_NO_MESSAGES leaves every message empty (sources are
 * still set).  RULES_STOP_AT_ERROR returns at the first error and may skip
 * work that can only yield warnings or info: the findings are then
 * incomplete, but n_by_severity[RULE_SEV_ERROR] > 0 exactly when the full run
 * would have found an error.
 */
#define RULES_NO_MESSAGES	0x01	/* is_valid */
#define RULES_STOP_AT_ERROR 0x02	/* is_valid */
#define RULES_TABLE_FREE	0x04	/* only the rules that read no table (line_ok) */

/*
 * Runs the rules on one line; out is overwritten.  With RULES_TABLE_FREE, the
 * reference cache is not touched and only these run: MODIFIER_DUPLICATE,
 * MODIFIER_CONFLICT (built-in pairs), UNITS_INVALID, NDC_MALFORMED,
 * POS_UNKNOWN (syntax only), DX_MALFORMED and LINE_MALFORMED.
 * A NULL line gives no findings.
 */
extern void rules_run(const rule_input *in, rule_findings *out, int flags) pg_attribute_hot;

/* line_ok: the table-free rules hold (NULL arguments are no failure) */
extern bool rules_line_ok(const rule_input *in) pg_attribute_hot;

/* -1 when there is no finding, else the highest severity found */
extern int	rules_worst(const rule_findings *f);
/* is there a finding at or above min? */
extern bool rules_any_at_least(const rule_findings *f, rule_severity min);

/*
 * For error reports (enforce trigger).  rules_append_ids: the distinct rule
 * ids of findings at or above min, comma-separated ("NDC_MISSING,
 * DX_NOT_COVERED").  rules_append_detail: one line per finding at or above
 * min, "severity RULE (field): message [source: ...]", lines separated by
 * newlines; notes how many findings did not fit the buffer.
 */
extern void rules_append_ids(StringInfo buf, const rule_findings *f,
							 rule_severity min);
extern void rules_append_detail(StringInfo buf, const rule_findings *f,
								rule_severity min);

#endif							/* J7599_RULES_H */
