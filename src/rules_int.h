/*
 * src/rules_int.h
 *
 * Internal declarations shared by the files of the rule engine (not part of
 * its API, which is rules.h): the per-run state, recording a finding and
 * formatting its message, the sources cited by rules that rest on a format
 * or a convention, and the entry point of each rule family.
 *
 *   rules.c            the engine: rules_run, the findings buffer, add/msgf
 *   rules_catalogue.c  rule ids, severities, fields, names, built-in pairs
 *   rules_input.c      rule_input adapters, dx walking, units and dates
 *   rules_line.c       CODE_UNKNOWN, the modifier rules, units
 *   rules_codes.c      NDC, place-of-service and diagnosis syntax
 *   rules_policy.c     payer and policy resolution and the payer-policy rules
 *   rules_narrative.c  the narrative scan, NARRATIVE_INCOMPLETE, SPECIFIC_CODE_EXISTS
 *
 * A new rule: its line in rules.def (in report order: id, severity, scope,
 * field, what it may reveal, description), its code in the family file,
 * called from that family's entry point, and its test in
 * test/pgtap/validate_rules.sql.
 */
#ifndef J7599_RULES_INT_H
#define J7599_RULES_INT_H

#include "postgres.h"

#include "access/tupmacs.h"
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"

#include "policy_cache.h"
#include "rules.h"
#include "util.h"

#define RULES_MAX_DX_REPORTED 8
#define RULES_MAX_DRUG_NAMES 8
#define RULES_DX_KEPT 12			/* diagnoses normalised for policy matching */
#define QUOTE_CHARS 60			/* longest user value quoted in a message, bytes */

/* sources of the rules that rest on a format or a convention, not a row */
#define SRC_LINE_FORMAT "HCPCS Level II and CPT code format; CMS-1500 item 24D, X12 837 SV101 (up to four 2-character modifiers)"
#define SRC_MODIFIER_SLOTS "CMS-1500 item 24D, X12 837 SV101-3 to SV101-6: up to four modifiers, each once"
#define SRC_BUILTIN_PAIRS "j7599 built-in modifier pairs: JW/JZ, GA/GY/GZ, 59 and XE/XS/XP/XU, JG/TB, JA/JB"
#define SRC_UNITS "CMS-1500 item 24G, X12 837 SV104: units of service"
#define SRC_NDC_FORMAT "FDA National Drug Code: 10-digit label forms 4-4-2, 5-3-2, 5-4-1; 11-digit 5-4-2 claim form (X12 837 LIN03, CMS-1500 item 24A)"
#define SRC_POS_FORMAT "CMS Place of Service code set: two digits"
#define SRC_ICD10 "ICD-10-CM code structure (CMS / NCHS): a letter, a digit, then up to five letters or digits, a dot after the third"
#define SRC_PAYERS "j7599.payer and j7599.payer_alias"
#define SRC_POLICY_DATES "j7599.policy: effective-dated payer policy"
#define SRC_POLICY_NONE "j7599.policy: no row for this code in force on the date for the payer, its parents or 'default'"
#define SRC_NOC_NARRATIVE "narrative on NOC drug lines: CMS IOM 100-04 Ch.26 (item 19); DME MAC LCD L33824 / A52474; X12 837 SV101-7 / 2400 NTE"
#define SRC_NOC_NDC "NDC on NOC drug lines: X12 837 2410 LIN03, CMS-1500 item 24A; required by many payers for unlisted drugs"

/* the catalogue, indexed by rule_id (rules_catalogue.c) */
extern const rule_info rules_catalogue[RULE__COUNT];

/* ---------------------------------------------------------------- state */

typedef struct rctx
{
	const rule_input *in;
	rule_findings *out;
	bool		msgs;			/* format messages */
	bool		stop_at_error;	/* also: only errors matter, warnings may be skipped */
	bool		table_free;
	bool		stop;			/* an error was found with stop_at_error */
	bool		skip_warnings;	/* warnings may be skipped (stop_at_error, no settings) */
	pc_cache   *c;
	const int8 *settings;		/* rule_setting in force for payer and date, or NULL */
	bool		payer_done;		/* payer resolved */
	int			payer;			/* its index, -1: none or unknown */
	int64		loaded;			/* pc_load_count() of c */

	bool		have_line;
	hcpcs_line_parts line;
	uint32		code_key;
	hcpcs_code_kind kind;
	const pc_code *code_row;
	bool		is_noc;
	bool		is_drug;

	/* units, evaluated once */
	bool		units_given;
	bool		units_valid;	/* finite and > 0 */

	/*
	 * diagnoses: how many are not blank, and the first few well-formed ones
	 * as icd10_parse normalises them
	 */
	int			dx_given;
	int			dx_kept;
	char		dx_norm[RULES_DX_KEPT][ICD10_NORM_MAX];

	/* narrative scan, done once */
	bool		narr_blank;
	bool		narr_strength;
	bool		narr_drug_word;
	int			nnames;
	int			names[RULES_MAX_DRUG_NAMES];
	int8		narr_form;		/* PC_FORM_*: the dosage form it names */

	/* the NDC, read by rules_ndc_syntax */
	bool		ndc_known;		/* given and well-formed */
	int64		ndc;
} rctx;

/*
 * Records a finding; returns where to write its message, or NULL when the
 * message is not wanted or the finding did not fit (rules.c).  Cold: a
 * finding is the exception, and the compiler keeps every path that leads to
 * one out of the way of the lines that pass.
 */
extern char *rules_add(rctx *r, rule_id id, rule_severity sev, const char *source) pg_attribute_cold;
#define add(r, id, sev, source) rules_add((r), (id), (sev), (source))

/*
 * Appends a finding of a severity already decided (settings applied) to out
 * and returns where to write its message (NULL when msgs is false or the
 * finding did not fit): the common tail of rules_add and the claim rules'.
 */
extern char *rules_record(rule_findings *out, rule_id id, rule_severity sev, const char *source,
						  bool msgs) pg_attribute_cold;

/*
 * Formats a message into a finding (rules.c).  A message cut at
 * RULES_MESSAGE_MAX is cut back to the last whole character, so it stays
 * valid in the database encoding.
 */
extern void msgf(char *buf, const char *fmt,...) pg_attribute_printf(2, 3) pg_attribute_cold;

/* what a message of a finding resting on an assumed policy value ends with */
#define ASSUMED_NOTE " (assumed requirement: no published source)"

/*
 * A finding that a policy value produces (rules_policy.c): its severity is
 * at most a warning when the value resolved for field is assumed (the
 * resolved policy carries each field's confidence); *assumed tells the
 * caller to end the message with ASSUMED_NOTE (rules_note_assumed).
 */
static inline char *
add_policy(rctx *r, rule_id id, rule_severity sev, const pc_resolved *pol,
		   pc_field field, const char *source, bool *assumed)
{
	*assumed = (pol->assumed & (1u << field)) != 0;
	if (*assumed && sev > RULE_SEV_WARNING)
		sev = RULE_SEV_WARNING;
	return add(r, id, sev, source);
}

/* appends ASSUMED_NOTE to a message when assumed (as much as fits) */
extern void rules_note_assumed(char *m, bool assumed) pg_attribute_cold;

#define MSG msgf

/* NULL, empty or only spaces: "not given" */
static inline bool
text_blank(const rule_text *t)
{
	return t->isnull || util_span_blank(t->ptr, (size_t) t->len);
}

/*
 * A user value for a message: at most QUOTE_CHARS bytes, cut at a character
 * boundary of the database encoding, control characters shown as '?', "..."
 * when cut.
 */
static inline void
quote_value(char *dst, size_t dstsize, const char *s, int len)
{
	int			keep = len;

	if (keep > QUOTE_CHARS)
		keep = pg_mbcliplen(s, len, QUOTE_CHARS);
	util_quote_value(dst, dstsize, s, (size_t) len, (size_t) keep);
}

static inline bool
line_has(const hcpcs_line_parts *line, const char *mod)
{
	int			i;

	for (i = 0; i < line->nmods; i++)
		if (line->mods[i][0] == mod[0] && line->mods[i][1] == mod[1])
			return true;
	return false;
}

/* ------------------------------------------------ input (rules_input.c) */

static inline Numeric
units_numeric(const rule_input *in)
{
	return in->units_in_buf ? (Numeric) in->units_buf.data : in->units_numeric;
}

/* units given as numeric: finite and greater than zero? (memoised) */
extern bool rules_units_positive(Numeric n) pg_attribute_hot;
extern int	rules_numeric_compare(Numeric a, Numeric b);
/* the units as text, for a message (allocates: messages only) */
extern void rules_format_units(const rule_input *in, char *buf, size_t size) pg_attribute_cold;
/* a date as PostgreSQL prints it in ISO style */
extern void rules_format_date(char *buf, size_t size, int64 d) pg_attribute_cold;
/* "from 2023-10-01", "until 2019-12-31", "from ... to ...", "at all times" */
extern void rules_format_range(char *buf, size_t size, const pc_range *r) pg_attribute_cold;

/* every non-NULL diagnosis of every source, read in place */
typedef struct dx_iter
{
	const rule_input *in;
	int			src;			/* current source */
	bool		started;		/* the current array source is set up */
	int			item;			/* next item of it */
	int			nitems;
	const char *data;			/* next element's bytes */
	const bits8 *bitmap;		/* NULL bitmap, or NULL */
} dx_iter;

static inline void
dx_begin(dx_iter *di, const rule_input *in)
{
	di->in = in;
	di->src = 0;
	di->started = false;
	di->item = 0;
	di->nitems = 0;
	di->data = NULL;
	di->bitmap = NULL;
}

/*
 * Next non-NULL diagnosis of all sources (blanks are returned too), read in
 * place: elements of a flat text[] follow each other, int-aligned, and the
 * NULL bitmap says which are missing.
 */
static inline bool
dx_next(dx_iter *di, const char **ptr, int *len)
{
	while (di->src < di->in->ndx)
	{
		const rule_dx_source *s = &di->in->dx[di->src];

		if (!s->is_array)
		{
			di->src++;
			if (s->text.isnull)
				continue;
			*ptr = s->text.ptr;
			*len = s->text.len;
			return true;
		}
		if (!di->started)
		{
			const ArrayType *a = s->in_buf ? (const ArrayType *) s->buf.data : s->array;

			if (ARR_NDIM(a) == 0)
				di->nitems = 0;
			else if (ARR_NDIM(a) == 1)
				di->nitems = ARR_DIMS(a)[0];	/* the usual: ARRAY[dx1, dx2] */
			else
				di->nitems = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
			di->data = ARR_DATA_PTR(a);
			di->bitmap = ARR_NULLBITMAP(a);
			di->item = 0;
			di->started = true;
		}
		while (di->item < di->nitems)
		{
			int			i = di->item++;
			const char *elem;

			if (di->bitmap != NULL && (di->bitmap[i / 8] & (1 << (i % 8))) == 0)
				continue;		/* NULL element */
			elem = di->data;
			di->data = att_addlength_pointer(di->data, -1, di->data);
			di->data = (const char *) att_align_nominal(di->data, TYPALIGN_INT);
			*ptr = VARDATA_ANY(elem);
			*len = (int) VARSIZE_ANY_EXHDR(elem);
			return true;
		}
		di->src++;
		di->started = false;
	}
	return false;
}

/* ------------------------------------------------------------ families */

/* rules_line.c */
extern void rules_code_unknown(rctx *r) pg_attribute_hot;
extern void rules_modifiers(rctx *r) pg_attribute_hot;
extern void rules_units(rctx *r) pg_attribute_hot;
extern void rules_malformed_inputs(rctx *r) pg_attribute_hot;

/* rules_codes.c */
extern void rules_ndc_syntax(rctx *r) pg_attribute_hot;
/* returns the place of service code, or -1 when none or malformed */
extern int	rules_pos_syntax(rctx *r) pg_attribute_hot;
extern void rules_dx_syntax(rctx *r) pg_attribute_hot;

/* rules_policy.c: every rule of a NOC line, in report order */
extern void rules_noc(rctx *r, int pos) pg_attribute_hot;
/* who a policy rule speaks for: "the Medicare policy" */
extern const char *rules_payer_name(rctx *r, int payer) pg_attribute_cold;

/* rules_narrative.c */
extern void rules_scan_narrative(rctx *r) pg_attribute_hot;
extern void rules_narrative_incomplete(rctx *r, const pc_resolved *pol) pg_attribute_hot;
extern void rules_specific_code(rctx *r) pg_attribute_hot;
extern void rules_specific_code_ndc(rctx *r) pg_attribute_hot;
/* the payer of the line, resolved once (-1: none or unknown) */
extern int	rules_payer(rctx *r) pg_attribute_hot;

#endif							/* J7599_RULES_INT_H */
