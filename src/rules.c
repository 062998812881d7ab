/*
 * src/rules.c
 *
 * The rule engine (API and lifetime rules in rules.h): rules_run and
 * rules_line_ok, which run the rule families in report order over one line
 * (the files are listed in rules_int.h), the findings buffer and what is
 * read from it (rules_worst, rules_any_at_least, rules_append_ids,
 * rules_append_detail), and the formatting of a finding's message.
 *
 * Decisions the spec leaves open, made here:
 *
 * - Blank means missing.  A payer, NDC, place of service, narrative, prior
 *   authorisation or diagnosis that is empty or only blanks counts as not
 *   given (warehouse columns are often blank): it is never "malformed".
 * - A drug line is a line whose code is a J code, a NOC code (J7599 or
 *   hcpcs_code.is_noc), or the code of some drug_code row.  UNITS_MISSING and
 *   MODIFIER_NOT_FOR_DRUG apply to drug lines only.
 * - Units are compared exactly: numeric against numeric with numeric_cmp,
 *   integer units against floor(max_units).  NaN and infinite units are
 *   UNITS_INVALID.
 * - Dates, units and days kept as text (legacy tables) that cannot be read
 *   are SERVICE_DATE_MALFORMED, TRANSPLANT_DATE_MALFORMED, UNITS_MALFORMED
 *   or DAYS_SUPPLY_MALFORMED, and count as not given for every other rule;
 *   SERVICE_DATE_MISSING and UNITS_MISSING are not reported on top (the
 *   malformed finding says the policy was not checked).  A blank text is a
 *   missing value, as for the other inputs.
 * - PAYER_MISSING and SERVICE_DATE_MISSING skip every rule that needs a
 *   resolved policy.  An unknown payer (PAYER_UNKNOWN) resolves nothing: the
 *   policy rules run with every field unknown, so NARRATIVE_MISSING and
 *   NDC_MISSING warn and the others are silent; POLICY_UNKNOWN is then not
 *   reported again.  NARRATIVE_INCOMPLETE and SPECIFIC_CODE_EXISTS need no
 *   policy and always run on NOC lines.
 * - POLICY_UNKNOWN: no policy field resolves for payer, code and date (what
 *   j7599.policy_for returns NULL for).
 * - CODE_UNKNOWN and POS_UNKNOWN use the validity dates of hcpcs_code and
 *   place_of_service; without a service date, any row counts.  MODIFIER_UNKNOWN
 *   means "not in j7599.modifier", whatever the dates.
 * - SPECIFIC_CODE_EXISTS lists the codes of every drug name found (longest
 *   name at each word), leaving out the line's own code and codes that
 *   hcpcs_code lists but not in force on the service date; with none left,
 *   nothing fires.  One finding per name, at most RULES_MAX_DRUG_NAMES.
 * - NARRATIVE_INCOMPLETE: a drug name is a word as narr_has_drug_word()
 *   defines it, or any drug_code name.
 * - NARRATIVE_TOO_LONG counts characters in the database encoding.
 * - At most RULES_MAX_DX_REPORTED DX_MALFORMED findings per line; the rest
 *   are counted in `dropped` (and in n_by_severity).
 * - DX_MALFORMED is the verdict of icd10_parse (codes.h), the one ICD-10-CM
 *   syntax check.  DX_MISSING and DX_NOT_COVERED match the policy's prefixes
 *   against icd10_parse's normal form (upper case, no dot), or, when a
 *   diagnosis is malformed or there are many, against each diagnosis as
 *   given with dots, spaces and case ignored, which is the same for a
 *   well-formed one.
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "rules_int.h"

/* ---------------------------------------------------------------- memos */

/*
 * Claim tables repeat the same few lines: a small memo (util.h), allocated
 * once per backend, keeps the parse of the texts seen last.
 */
#define LINE_MEMO_SLOTS 128

typedef struct line_memo
{
	util_memo_head head;
	bool		ok;
	hcpcs_line_parts parts;
	char		text[30];
} line_memo;

static line_memo *line_memos = NULL;

/* hcpcs_parse_line through the memo; the reason only on a miss */
static bool
parse_line_memo(const char *s, int len, hcpcs_line_parts *out, char *reason)
{
	line_memo  *m;
	bool		hit;
	bool		ok;

	if (line_memos == NULL)
	{
		line_memos = MemoryContextAlloc(TopMemoryContext, sizeof(line_memo) * LINE_MEMO_SLOTS);
		util_memo_clear(line_memos, LINE_MEMO_SLOTS, sizeof(line_memo));
	}
	m = UTIL_MEMO_SLOT(line_memos, LINE_MEMO_SLOTS, line_memo, text, 0, s, (size_t) len, &hit);
	if (hit && (m->ok || reason == NULL))
	{
		if (m->ok)
			*out = m->parts;
		return m->ok;
	}
	ok = hcpcs_parse_line(s, (size_t) len, out, reason);
	if (m != NULL)
	{
		UTIL_MEMO_FILL(m, line_memo, text, 0, s, (size_t) len);
		m->ok = ok;
		if (ok)
			m->parts = *out;
	}
	return ok;
}

/* what the rules need to know about the line's code */
typedef struct code_facts
{
	char		code[6];
	hcpcs_code_kind kind;
	uint32		key;
	const pc_code *row;			/* NULL: not in hcpcs_code (or table-free) */
	bool		is_noc;
	bool		is_drug;
} code_facts;

/* the facts of a code, remembering the last one (most lines share a code) */
static const code_facts *
code_facts_of(const pc_cache *c, int64 loaded, const char *code)
{
	static int64 memo_loaded = -2;
	static code_facts memo;

	if (memo_loaded != loaded || memcmp(memo.code, code, 6) != 0)
	{
		memcpy(memo.code, code, 6);
		memo.kind = hcpcs_code_kind_of(code);
		memo.key = pc_code_key(code);
		memo.row = NULL;
		memo.is_noc = false;
		memo.is_drug = false;
		if (c != NULL)
		{
			memo.row = pc_code_lookup(c, memo.key);
			memo.is_noc = memcmp(code, "J7599", 6) == 0 ||
				(memo.row != NULL && memo.row->is_noc);
			memo.is_drug = memo.row != NULL ? memo.row->is_drug
				: (code[0] == 'J' || memo.is_noc ||
				   pc_code_has_drug_name(c, memo.key));
		}
		memo_loaded = loaded;
	}
	return &memo;
}

/* ------------------------------------------------------------- messages */

void
msgf(char *buf, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(buf, RULES_MESSAGE_MAX, fmt, ap);
	va_end(ap);
	if (n >= RULES_MESSAGE_MAX)
	{
		int			len = RULES_MESSAGE_MAX - 1;

		buf[pg_mbcliplen(buf, len, len)] = '\0';
	}
}

void
rules_note_assumed(char *m, bool assumed)
{
	size_t		len;

	if (m == NULL || !assumed)
		return;
	len = strlen(m);
	if (len + sizeof(ASSUMED_NOTE) <= RULES_MESSAGE_MAX)
		memcpy(m + len, ASSUMED_NOTE, sizeof(ASSUMED_NOTE));
}

int
rules_payer(rctx *r)
{
	if (!r->payer_done)
	{
		r->payer = text_blank(&r->in->payer) ? -1 :
			pc_payer_resolve(r->c, r->in->payer.ptr, r->in->payer.len);
		r->payer_done = true;
	}
	return r->payer;
}

/* ------------------------------------------------------------- findings */

char *
rules_add(rctx *r, rule_id id, rule_severity sev, const char *source)
{

	/* a warehouse's setting (rule_setting) has the last word */
	if (r->settings != NULL && r->settings[id] != PC_SETTING_NONE)
	{
		if (r->settings[id] == PC_SETTING_OFF)
			return NULL;
		sev = (rule_severity) r->settings[id];
	}
	if (sev == RULE_SEV_ERROR && r->stop_at_error)
		r->stop = true;
	return rules_record(r->out, id, sev, source, r->msgs);
}

char *
rules_record(rule_findings *out, rule_id id, rule_severity sev, const char *source, bool msgs)
{
	rule_finding *f;

	out->n_by_severity[sev]++;
	if (out->count >= RULES_MAX_FINDINGS)
	{
		out->dropped++;
		return NULL;
	}
	f = &out->items[out->count++];
	f->rule = id;
	f->severity = sev;
	f->field = rules_catalogue[id].field;
	f->source = source ? source : "j7599";
	f->message[0] = '\0';
	return msgs ? f->message : NULL;
}

/* ------------------------------------------------------------------ run */

void
rules_run(const rule_input *in, rule_findings *out, int flags)
{
	rctx		r;
	int			pos;

	out->count = 0;
	out->dropped = 0;
	memset(out->n_by_severity, 0, sizeof(out->n_by_severity));
	if (in->line_isnull)
		return;

	r.in = in;
	r.out = out;
	r.msgs = (flags & RULES_NO_MESSAGES) == 0;
	r.stop_at_error = (flags & RULES_STOP_AT_ERROR) != 0;
	r.table_free = (flags & RULES_TABLE_FREE) != 0;
	r.stop = false;
	r.skip_warnings = r.stop_at_error;
	r.c = NULL;
	r.settings = NULL;
	r.payer_done = false;
	r.payer = -1;
	r.loaded = -1;
	r.have_line = false;
	r.code_key = 0;
	r.kind = HCPCS_KIND_INVALID;
	r.code_row = NULL;
	r.is_noc = false;
	r.is_drug = false;
	r.dx_given = 0;
	r.dx_kept = 0;
	r.narr_blank = true;
	r.narr_strength = false;
	r.narr_drug_word = false;
	r.nnames = 0;
	r.narr_form = PC_FORM_ANY;
	r.ndc_known = false;
	r.ndc = 0;

	if (!r.table_free)
	{
		r.c = pc_get();
		r.loaded = pc_load_count();
		/* rule settings (LINE_MALFORMED included): resolved ahead per payer and stretch of dates */
		if (pc_has_settings(r.c))
		{
			r.settings = pc_settings(r.c, rules_payer(&r),
									 !in->service_date.isnull, in->service_date.value);
			if (r.settings != NULL && r.settings[RULE__COUNT])
				r.skip_warnings = false;	/* a setting may make a warning an error */
		}
	}

	if (in->line_is_text)
	{
		char		reason[CODES_REASON_MAX];

		if (parse_line_memo(in->line_text.ptr, in->line_text.len,
							&r.line, r.msgs ? reason : NULL))
			r.have_line = true;
		else
		{
			char	   *m = add(&r, RULE_LINE_MALFORMED, RULE_SEV_ERROR, SRC_LINE_FORMAT);

			if (m)
			{
				char		q[QUOTE_CHARS + 8];

				quote_value(q, sizeof(q), in->line_text.ptr, in->line_text.len);
				MSG(m, "line \"%s\" is not a valid HCPCS line: %s; write a code with up to four two-character modifiers, such as J7599-JZ-KX",
					q, reason);
			}
		}
	}
	else
	{
		r.line = in->line;
		r.have_line = true;
	}
	if (r.stop)
		return;


	if (r.have_line)
	{
		const code_facts *cf = code_facts_of(r.c, r.table_free ? -1 : r.loaded,
											 r.line.code);

		r.kind = cf->kind;
		r.code_key = cf->key;
		r.code_row = cf->row;
		r.is_noc = cf->is_noc;
		r.is_drug = cf->is_drug;
		if (!r.table_free)
			rules_code_unknown(&r);
		rules_modifiers(&r);
		if (r.stop)
			return;
	}
	rules_units(&r);
	rules_ndc_syntax(&r);
	if (r.stop)
		return;
	pos = rules_pos_syntax(&r);
	if (r.stop)
		return;
	rules_dx_syntax(&r);
	if (r.stop)
		return;
	rules_malformed_inputs(&r);
	if (r.stop)
		return;
	if (!r.table_free && r.have_line && r.is_noc)
		rules_noc(&r, pos);
}

bool
rules_line_ok(const rule_input *in)
{
	rule_findings out;

	rules_run(in, &out, RULES_TABLE_FREE | RULES_NO_MESSAGES | RULES_STOP_AT_ERROR);
	return out.n_by_severity[RULE_SEV_ERROR] == 0 &&
		out.n_by_severity[RULE_SEV_WARNING] == 0 &&
		out.n_by_severity[RULE_SEV_INFO] == 0;
}

int
rules_worst(const rule_findings *f)
{
	int			s;

	for (s = RULE_SEV_ERROR; s >= RULE_SEV_INFO; s--)
		if (f->n_by_severity[s] > 0)
			return s;
	return -1;
}

bool
rules_any_at_least(const rule_findings *f, rule_severity min)
{
	return rules_worst(f) >= (int) min;
}

void
rules_append_ids(StringInfo buf, const rule_findings *f, rule_severity min)
{
	bool		seen[RULE__COUNT];
	bool		first = true;
	int			i;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < f->count; i++)
	{
		const rule_finding *x = &f->items[i];

		if (x->severity < min || seen[x->rule])
			continue;
		seen[x->rule] = true;
		appendStringInfo(buf, "%s%s", first ? "" : ", ", rules_rule_name(x->rule));
		first = false;
	}
}

void
rules_append_detail(StringInfo buf, const rule_findings *f, rule_severity min)
{
	bool		first = true;
	int			i;

	for (i = 0; i < f->count; i++)
	{
		const rule_finding *x = &f->items[i];

		if (x->severity < min)
			continue;
		appendStringInfo(buf, "%s%s %s (%s): %s [source: %s]",
						 first ? "" : "\n",
						 rules_severity_name(x->severity), rules_rule_name(x->rule),
						 rules_field_name(x->field),
						 x->message[0] ? x->message : "(no message)",
						 x->source);
		first = false;
	}
	if (f->dropped > 0)
		appendStringInfo(buf, "%s... and %d more finding%s not shown",
						 first ? "" : "\n", f->dropped, f->dropped == 1 ? "" : "s");
}
