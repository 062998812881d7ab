/*
 * src/rules.c
 *
 * The rule engine (API and lifetime rules in rules.h).
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
 */
#include "postgres.h"

#include "access/tupmacs.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "narrative.h"
#include "policy_cache.h"
#include "rules.h"
#include "types.h"

#define RULES_MAX_DX_REPORTED 8
#define RULES_MAX_DRUG_NAMES 8
#define RULES_DX_KEPT 12			/* diagnoses normalised for policy matching */
#define RULES_DX_NORM 24			/* their longest form, plus NUL */
#define QUOTE_CHARS 60			/* longest user value quoted in a message, bytes */

/* ------------------------------------------------------------ catalogue */

static const rule_info catalogue[RULE__COUNT] = {
	[RULE_LINE_MALFORMED] = {"LINE_MALFORMED", "error", "line", RULE_FIELD_LINE,
	"(text overload) the line is not valid hcpcs_line input"},
	[RULE_CODE_UNKNOWN] = {"CODE_UNKNOWN", "warning", "line", RULE_FIELD_LINE,
	"a Level II code is not in hcpcs_code on the service date"},
	[RULE_MODIFIER_UNKNOWN] = {"MODIFIER_UNKNOWN", "error", "line", RULE_FIELD_LINE,
	"a modifier is not in modifier"},
	[RULE_MODIFIER_DUPLICATE] = {"MODIFIER_DUPLICATE", "error", "line", RULE_FIELD_LINE,
	"the same modifier twice on the line"},
	[RULE_MODIFIER_CONFLICT] = {"MODIFIER_CONFLICT", "error", "line", RULE_FIELD_LINE,
	"two modifiers listed in modifier_conflict stand on the line"},
	[RULE_MODIFIER_NOT_FOR_DRUG] = {"MODIFIER_NOT_FOR_DRUG", "warning", "line", RULE_FIELD_LINE,
	"a procedure-only modifier on a drug code"},
	[RULE_MODIFIER_NEEDS_DOCUMENTATION] = {"MODIFIER_NEEDS_DOCUMENTATION", "info", "line", RULE_FIELD_LINE,
	"modifier 22 (or another needing documentation) on the line"},
	[RULE_UNITS_INVALID] = {"UNITS_INVALID", "error", "line", RULE_FIELD_UNITS,
	"units <= 0"},
	[RULE_UNITS_MISSING] = {"UNITS_MISSING", "warning", "line", RULE_FIELD_UNITS,
	"no units on a drug line"},
	[RULE_NDC_MALFORMED] = {"NDC_MALFORMED", "error", "line", RULE_FIELD_NDC,
	"an NDC is given but is not valid ndc input"},
	[RULE_POS_UNKNOWN] = {"POS_UNKNOWN", "error", "line", RULE_FIELD_POS,
	"a place of service is given but is not a CMS code in force on the service date"},
	[RULE_DX_MALFORMED] = {"DX_MALFORMED", "error", "line", RULE_FIELD_DX,
	"a diagnosis is not well-formed ICD-10-CM"},
	[RULE_PAYER_MISSING] = {"PAYER_MISSING", "warning", "noc", RULE_FIELD_PAYER,
	"no payer: policy rules are skipped"},
	[RULE_PAYER_UNKNOWN] = {"PAYER_UNKNOWN", "warning", "noc", RULE_FIELD_PAYER,
	"the payer is neither a payer id nor an alias"},
	[RULE_SERVICE_DATE_MISSING] = {"SERVICE_DATE_MISSING", "warning", "noc", RULE_FIELD_SERVICE_DATE,
	"no service date: policy rules are skipped"},
	[RULE_POLICY_UNKNOWN] = {"POLICY_UNKNOWN", "info", "noc", RULE_FIELD_PAYER,
	"no policy resolves for payer, code and date"},
	[RULE_NARRATIVE_MISSING] = {"NARRATIVE_MISSING", "policy", "noc", RULE_FIELD_NARRATIVE,
	"the narrative is NULL or blank (requires_narrative; warning when unknown)"},
	[RULE_NARRATIVE_INCOMPLETE] = {"NARRATIVE_INCOMPLETE", "warning", "noc", RULE_FIELD_NARRATIVE,
	"a narrative without a recognisable drug name or without a strength/dose"},
	[RULE_NARRATIVE_TOO_LONG] = {"NARRATIVE_TOO_LONG", "error", "noc", RULE_FIELD_NARRATIVE,
	"longer than narrative_max_length"},
	[RULE_NDC_MISSING] = {"NDC_MISSING", "policy", "noc", RULE_FIELD_NDC,
	"no NDC (requires_ndc; warning when unknown)"},
	[RULE_SPECIFIC_CODE_EXISTS] = {"SPECIFIC_CODE_EXISTS", "error", "noc", RULE_FIELD_LINE,
	"the narrative names a drug (generic or brand) that has its own HCPCS code"},
	[RULE_UNITS_EXCEED_POLICY] = {"UNITS_EXCEED_POLICY", "error", "noc", RULE_FIELD_UNITS,
	"units > max_units"},
	[RULE_DX_MISSING] = {"DX_MISSING", "policy", "noc", RULE_FIELD_DX,
	"no diagnosis (dx_required)"},
	[RULE_DX_NOT_COVERED] = {"DX_NOT_COVERED", "policy", "noc", RULE_FIELD_DX,
	"no diagnosis matches a required prefix (dx_required)"},
	[RULE_POS_NOT_ALLOWED] = {"POS_NOT_ALLOWED", "policy", "noc", RULE_FIELD_POS,
	"the place of service is not allowed (pos_allowed)"},
	[RULE_PRIOR_AUTH_MISSING] = {"PRIOR_AUTH_MISSING", "policy", "noc", RULE_FIELD_PRIOR_AUTH,
	"no prior-authorisation number (requires_prior_auth)"},
	[RULE_WASTE_MODIFIER_MISSING] = {"WASTE_MODIFIER_MISSING", "policy", "noc", RULE_FIELD_LINE,
	"neither JW nor JZ (waste_modifier_required)"},
	[RULE_SUPPLY_DAYS_EXCEEDED] = {"SUPPLY_DAYS_EXCEEDED", "error", "noc", RULE_FIELD_DAYS_SUPPLY,
	"days_supply > supply_days_max"},
	[RULE_KX_WITHOUT_TRANSPLANT_DATE] = {"KX_WITHOUT_TRANSPLANT_DATE", "warning", "noc", RULE_FIELD_TRANSPLANT_DATE,
	"KX on the line but no transplant date before the service date (kx_rule conditional)"},
	[RULE_KX_SUGGESTED] = {"KX_SUGGESTED", "info", "noc", RULE_FIELD_LINE,
	"kx_rule is conditional, a transplant date before the service date is known, and KX is absent"},
};

static const char *const severity_names[] = {"info", "warning", "error"};

static const char *const field_names[RULE_FIELD__COUNT] = {
	"line", "payer", "service_date", "units", "ndc", "pos", "dx", "narrative",
	"prior_auth", "days_supply", "transplant_date"
};

/*
 * The modifier pairs that line_ok knows without a table, from the domain
 * facts (JW/JZ §4; GA/GY/GZ, 59 and X{EPSU}, JG/TB, JA/JB §5).  The one place
 * they are written down; j7599.builtin_conflicts() shows them.
 */
static const rule_modifier_pair builtin_pairs[] = {
	{"59", "XE", "59 and XE both mark a distinct service"},
	{"59", "XP", "59 and XP both mark a distinct service"},
	{"59", "XS", "59 and XS both mark a distinct service"},
	{"59", "XU", "59 and XU both mark a distinct service"},
	{"GA", "GY", "GA (waiver on file) and GY (statutorily excluded) do not go together"},
	{"GA", "GZ", "GA (waiver on file) and GZ (no waiver) contradict each other"},
	{"GY", "GZ", "GY (statutorily excluded) and GZ (expected denial) do not go together"},
	{"JA", "JB", "a drug is given either intravenously (JA) or subcutaneously (JB)"},
	{"JG", "TB", "a 340B-acquired drug carries JG or TB, never both"},
	{"JW", "JZ", "JW reports a discarded amount and JZ says nothing was discarded"},
	{"XE", "XP", "two X{EPSU} modifiers on one line"},
	{"XE", "XS", "two X{EPSU} modifiers on one line"},
	{"XE", "XU", "two X{EPSU} modifiers on one line"},
	{"XP", "XS", "two X{EPSU} modifiers on one line"},
	{"XP", "XU", "two X{EPSU} modifiers on one line"},
	{"XS", "XU", "two X{EPSU} modifiers on one line"},
};

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

const rule_info *
rules_info(rule_id id)
{
	if ((int) id < 0 || id >= RULE__COUNT)
		return NULL;
	return &catalogue[id];
}

const char *
rules_rule_name(rule_id id)
{
	const rule_info *ri = rules_info(id);

	return ri ? ri->name : "?";
}

const char *
rules_severity_name(rule_severity sev)
{
	if ((int) sev < 0 || sev > RULE_SEV_ERROR)
		return "?";
	return severity_names[sev];
}

const char *
rules_field_name(rule_field field)
{
	if ((int) field < 0 || field >= RULE_FIELD__COUNT)
		return "?";
	return field_names[field];
}

bool
rules_severity_parse(const char *s, size_t len, rule_severity *out)
{
	int			i;

	if (s == NULL)
		return false;
	for (i = 0; i <= RULE_SEV_ERROR; i++)
	{
		if (strlen(severity_names[i]) == len && memcmp(s, severity_names[i], len) == 0)
		{
			*out = (rule_severity) i;
			return true;
		}
	}
	return false;
}

const rule_modifier_pair *
rules_builtin_conflicts(int *n)
{
	*n = (int) lengthof(builtin_pairs);
	return builtin_pairs;
}

/* ---------------------------------------------------------------- input */

void
rules_input_init(rule_input *in)
{
	in->line_isnull = true;
	in->line_is_text = false;
	in->line.code[0] = '\0';
	in->line.nmods = 0;
	in->line_text.isnull = true;
	in->payer.isnull = true;
	in->service_date.isnull = true;
	in->units_kind = RULE_UNITS_NULL;
	in->units_in_buf = false;
	in->units_numeric = NULL;
	in->ndc.isnull = true;
	in->ndc_is_value = false;
	in->pos.isnull = true;
	in->ndx = 0;
	in->narrative.isnull = true;
	in->prior_auth.isnull = true;
	in->days_supply_isnull = true;
	in->transplant_date.isnull = true;
}

void
rules_set_date(rule_date *t, Datum d, bool isnull)
{
	t->isnull = isnull;
	t->value = isnull ? 0 : DatumGetDateADT(d);
}

void
rules_set_line_value(rule_input *in, uint64 packed)
{
	hcpcs_line_unpack_or_error(packed, &in->line);
	in->line_isnull = false;
	in->line_is_text = false;
}

void
rules_set_line_parts(rule_input *in, const hcpcs_line_parts *parts)
{
	in->line = *parts;
	in->line_isnull = false;
	in->line_is_text = false;
}

void
rules_set_line_text(rule_input *in, Datum d, bool isnull)
{
	rules_set_text(&in->line_text, d, isnull);
	in->line_isnull = isnull;
	in->line_is_text = true;
}

/*
 * A varlena with a 1-byte header, copied behind a 4-byte header into buf (a
 * short varlena is at most 127 bytes, which RULES_SHORT_COPY allows for).
 */
static void
reheader_short(rule_inline_buf *buf, const struct varlena *v)
{
	Size		datalen = VARSIZE_SHORT(v) - VARHDRSZ_SHORT;

	memcpy(buf->data + VARHDRSZ, VARDATA_SHORT(v), datalen);
	SET_VARSIZE(buf->data, datalen + VARHDRSZ);
}

void
rules_set_units_numeric(rule_input *in, Datum d, bool isnull)
{
	struct varlena *v;

	in->units_in_buf = false;
	if (isnull)
	{
		in->units_kind = RULE_UNITS_NULL;
		return;
	}
	in->units_kind = RULE_UNITS_NUMERIC;
	v = (struct varlena *) DatumGetPointer(d);
	if (VARATT_IS_SHORT(v))
	{
		reheader_short(&in->units_buf, v);
		in->units_in_buf = true;
		in->units_numeric = NULL;
	}
	else if (VARATT_IS_EXTENDED(v))
		in->units_numeric = DatumGetNumeric(d); /* detoasts: rare */
	else
		in->units_numeric = (Numeric) v;
}

void
rules_set_units_int(rule_input *in, int64 v, bool isnull)
{
	in->units_in_buf = false;
	in->units_kind = isnull ? RULE_UNITS_NULL : RULE_UNITS_INT;
	in->units_int = v;
}

void
rules_set_ndc_text(rule_input *in, Datum d, bool isnull)
{
	rules_set_text(&in->ndc, d, isnull);
	in->ndc_is_value = false;
}

void
rules_set_ndc_value(rule_input *in, int64 v, bool isnull)
{
	in->ndc.isnull = isnull;
	in->ndc.ptr = NULL;
	in->ndc.len = 0;
	in->ndc_is_value = !isnull;
	in->ndc_value = v;
}

void
rules_add_dx(rule_input *in, Datum d, bool isnull, bool is_array)
{
	rule_dx_source *src;
	struct varlena *v;

	if (isnull || in->ndx >= RULES_MAX_DX_SOURCES)
		return;
	src = &in->dx[in->ndx++];
	src->is_array = is_array;
	src->isnull = false;
	src->in_buf = false;
	src->array = NULL;
	if (!is_array)
	{
		rules_set_text(&src->text, d, false);
		return;
	}
	v = (struct varlena *) DatumGetPointer(d);
	if (VARATT_IS_SHORT(v))
	{
		reheader_short(&src->buf, v);
		src->in_buf = true;
	}
	else if (VARATT_IS_EXTENDED(v))
		src->array = DatumGetArrayTypeP(d); /* TOASTed or expanded: rare */
	else
		src->array = (ArrayType *) v;
}

void
rules_set_days_supply(rule_input *in, int64 v, bool isnull)
{
	in->days_supply_isnull = isnull;
	in->days_supply = v;
}

static Numeric
units_numeric(const rule_input *in)
{
	return in->units_in_buf ? (Numeric) in->units_buf.data : in->units_numeric;
}

/* ----------------------------------------------------------- dx walking */

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

static void
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
static bool
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

/* -------------------------------------------------------------- helpers */

static inline bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* NULL, empty or only blanks */
static inline bool
text_blank(const rule_text *t)
{
	int			i;

	if (t->isnull)
		return true;
	for (i = 0; i < t->len; i++)
		if (!is_space(t->ptr[i]))
			return false;
	return true;
}

static bool
span_blank(const char *p, int len)
{
	int			i;

	for (i = 0; i < len; i++)
		if (!is_space(p[i]))
			return false;
	return true;
}

/*
 * A user value for a message: at most QUOTE_CHARS bytes, cut at a character
 * boundary, control characters shown as '?', "..." when cut.
 */
static void
quote_value(char *dst, size_t dstsize, const char *s, int len)
{
	int			keep = len;
	int			i;
	size_t		o = 0;

	if (keep > QUOTE_CHARS)
		keep = pg_mbcliplen(s, len, QUOTE_CHARS);
	for (i = 0; i < keep && o + 1 < dstsize; i++)
	{
		unsigned char c = (unsigned char) s[i];

		dst[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char) c;
	}
	if (keep < len && o + 4 < dstsize)
	{
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

static void
format_date(char *buf, size_t size, int64 d)
{
	int			y,
				m,
				day;

	if (d <= DATEVAL_NOBEGIN)
		snprintf(buf, size, "-infinity");
	else if (d >= DATEVAL_NOEND)
		snprintf(buf, size, "infinity");
	else
	{
		j2date((int) d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
		if (y > 0)
			snprintf(buf, size, "%04d-%02d-%02d", y, m, day);
		else
			snprintf(buf, size, "%04d-%02d-%02d BC", 1 - y, m, day);
	}
}

/* "from 2023-10-01", "until 2019-12-31", "from ... to ..." */
static void
format_range(char *buf, size_t size, const pc_range *r)
{
	char		lo[32];
	char		hi[32];

	if (r->lo != PG_INT64_MIN)
		format_date(lo, sizeof(lo), r->lo);
	if (r->hi != PG_INT64_MAX)
		format_date(hi, sizeof(hi), r->hi - 1);
	if (r->lo != PG_INT64_MIN && r->hi != PG_INT64_MAX)
		snprintf(buf, size, "from %s to %s", lo, hi);
	else if (r->lo != PG_INT64_MIN)
		snprintf(buf, size, "from %s", lo);
	else if (r->hi != PG_INT64_MAX)
		snprintf(buf, size, "until %s", hi);
	else
		snprintf(buf, size, "at all times");
}

static void
code_of_key(uint32 key, char out[6])
{
	int			i;

	for (i = 4; i >= 0; i--)
	{
		int			v = (int) (key & 63) - 1;

		out[i] = (char) (v < 10 ? '0' + v : 'A' + v - 10);
		key >>= 6;
	}
	out[5] = '\0';
}

/* ---------------------------------------------------------------- memos */

/*
 * Claim tables repeat the same few narratives, lines, NDCs and diagnoses.
 * Small hash-indexed memos (2-way, see short_slot), allocated once per
 * backend, keep the answers for the texts seen last; a hit costs a hash and
 * a memcmp.  The drug names found in
 * a narrative depend on the reference cache, so those entries carry the
 * cache's load count and expire with it.
 */
#define NARR_MEMO_SLOTS 256
#define NARR_MEMO_TEXT 120
#define SHORT_MEMO_SLOTS 128
#define SHORT_MEMO_TEXT 30

typedef struct narr_memo
{
	int64		loaded;			/* pc_load_count() when filled */
	int			len;			/* -1: empty */
	bool		flags_known;	/* strength and drug_word were computed */
	bool		strength;
	bool		drug_word;
	int			nnames;
	int			names[RULES_MAX_DRUG_NAMES];
	char		text[NARR_MEMO_TEXT];
} narr_memo;

typedef struct short_memo
{
	int			len;			/* -1: empty */
	bool		ok;
	char		text[SHORT_MEMO_TEXT];
	hcpcs_line_parts parts;		/* lines only */
} short_memo;

typedef struct rule_memos
{
	narr_memo	narr[NARR_MEMO_SLOTS];
	short_memo	line[SHORT_MEMO_SLOTS];
	short_memo	ndc[SHORT_MEMO_SLOTS];
	short_memo	dx[SHORT_MEMO_SLOTS];
} rule_memos;

static rule_memos *memos = NULL;

static rule_memos *
get_memos(void)
{
	if (memos == NULL)
	{
		rule_memos *m = MemoryContextAlloc(TopMemoryContext, sizeof(rule_memos));
		int			i;

		for (i = 0; i < NARR_MEMO_SLOTS; i++)
			m->narr[i].len = -1;
		for (i = 0; i < SHORT_MEMO_SLOTS; i++)
			m->line[i].len = m->ndc[i].len = m->dx[i].len = -1;
		memos = m;
	}
	return memos;
}

#define memo_hash(s, len) pc_text_hash((s), (len))

/*
 * The memos are 2-way: a text may sit in either slot of its pair.  On a
 * miss the first slot's entry moves to the second and the first is returned
 * to be filled, so the pair keeps the two texts used last.
 */

/* the slot for a short text: a hit, or the slot to fill (NULL: too long) */
static short_memo *
short_slot(short_memo *table, const char *s, int len, bool *hit)
{
	short_memo *a;

	*hit = false;
	if (len > SHORT_MEMO_TEXT)
		return NULL;
	a = &table[(memo_hash(s, len) % (SHORT_MEMO_SLOTS / 2)) * 2];
	if (a[0].len == len && memcmp(a[0].text, s, len) == 0)
	{
		*hit = true;
		return &a[0];
	}
	if (a[1].len == len && memcmp(a[1].text, s, len) == 0)
	{
		*hit = true;
		return &a[1];
	}
	a[1] = a[0];
	a[0].len = -1;
	return &a[0];
}

static void
short_fill(short_memo *m, const char *s, int len, bool ok)
{
	if (m == NULL)
		return;
	memcpy(m->text, s, len);
	m->len = len;
	m->ok = ok;
}

/* hcpcs_parse_line through the memo; the reason only on a miss */
static bool
parse_line_memo(const char *s, int len, hcpcs_line_parts *out, char *reason)
{
	bool		hit;
	short_memo *m = short_slot(get_memos()->line, s, len, &hit);
	bool		ok;

	if (hit && (m->ok || reason == NULL))
	{
		if (m->ok)
			*out = m->parts;
		return m->ok;
	}
	ok = hcpcs_parse_line(s, (size_t) len, out, reason);
	short_fill(m, s, len, ok);
	if (m != NULL && ok)
		m->parts = *out;
	return ok;
}

static bool
ndc_ok_memo(const char *s, int len, char *reason)
{
	bool		hit;
	short_memo *m = short_slot(get_memos()->ndc, s, len, &hit);
	int64		v;
	bool		ok;

	if (hit && (m->ok || reason == NULL))
		return m->ok;
	ok = ndc_parse(s, (size_t) len, &v, reason);
	short_fill(m, s, len, ok);
	return ok;
}

static bool
dx_ok_memo(const char *s, int len, char *reason)
{
	bool		hit;
	short_memo *m = short_slot(get_memos()->dx, s, len, &hit);
	char		norm[ICD10_NORM_MAX];
	bool		ok;

	if (hit && (m->ok || reason == NULL))
		return m->ok;
	ok = icd10_parse(s, (size_t) len, norm, reason);
	short_fill(m, s, len, ok);
	return ok;
}

static Numeric
numeric_zero(void)
{
	static Numeric zero = NULL;

	if (zero == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		zero = int64_to_numeric(0);
		MemoryContextSwitchTo(old);
	}
	return zero;
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

/*
 * Units given as numeric: finite and greater than zero?  Remembered by the
 * bytes of the value, which repeat (1, 2, 30...): the last few are kept.
 */
#define UNITS_MEMO 8
#define UNITS_MEMO_BYTES 16

static bool
units_positive(Numeric n)
{
	static struct
	{
		int			len;
		bool		result;
		char		bytes[UNITS_MEMO_BYTES];
	}			memo[UNITS_MEMO];
	static int	next = 0;
	static bool init = false;
	int			len = (int) VARSIZE(n);
	bool		result;
	int			i;

	if (!init)
	{
		for (i = 0; i < UNITS_MEMO; i++)
			memo[i].len = -1;
		init = true;
	}
	for (i = 0; i < UNITS_MEMO; i++)
		if (memo[i].len == len && memcmp(memo[i].bytes, n, len) == 0)
			return memo[i].result;
	result = !numeric_is_nan(n) && !numeric_is_inf(n) &&
		DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(n),
										  NumericGetDatum(numeric_zero()))) > 0;
	if (len <= UNITS_MEMO_BYTES)
	{
		memcpy(memo[next].bytes, n, len);
		memo[next].len = len;
		memo[next].result = result;
		next = (next + 1) % UNITS_MEMO;
	}
	return result;
}

/* ---------------------------------------------------------------- state */

typedef struct rctx
{
	const rule_input *in;
	rule_findings *out;
	bool		msgs;			/* format messages */
	bool		stop_at_error;	/* also: only errors matter, warnings may be skipped */
	bool		table_free;
	bool		stop;			/* an error was found with stop_at_error */
	pc_cache   *c;
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

	/* diagnoses: non-blank ones, and the first few normalised */
	int			dx_given;
	int			dx_kept;
	char		dx_norm[RULES_DX_KEPT][RULES_DX_NORM];

	/* narrative scan, done once */
	bool		narr_blank;
	bool		narr_strength;
	bool		narr_drug_word;
	int			nnames;
	int			names[RULES_MAX_DRUG_NAMES];
} rctx;

/*
 * Records a finding; returns where to write its message, or NULL when the
 * message is not wanted or the finding did not fit.
 */
static char *
add(rctx *r, rule_id id, rule_severity sev, const char *source)
{
	rule_findings *out = r->out;
	rule_finding *f;

	out->n_by_severity[sev]++;
	if (sev == RULE_SEV_ERROR && r->stop_at_error)
		r->stop = true;
	if (out->count >= RULES_MAX_FINDINGS)
	{
		out->dropped++;
		return NULL;
	}
	f = &out->items[out->count++];
	f->rule = id;
	f->severity = sev;
	f->field = catalogue[id].field;
	f->source = source ? source : "j7599";
	f->message[0] = '\0';
	return r->msgs ? f->message : NULL;
}

/*
 * Formats a message into a finding.  A message cut at RULES_MESSAGE_MAX is
 * cut back to the last whole character, so it stays valid in the database
 * encoding.
 */
static void msgf(char *buf, const char *fmt,...) pg_attribute_printf(2, 3);

static void
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

#define MSG msgf

static bool
line_has(const hcpcs_line_parts *line, const char *mod)
{
	int			i;

	for (i = 0; i < line->nmods; i++)
		if (line->mods[i][0] == mod[0] && line->mods[i][1] == mod[1])
			return true;
	return false;
}

/* ------------------------------------------------------- every-line rules */

static void
rule_code_unknown(rctx *r)
{
	const rule_input *in = r->in;
	const pc_code *row = r->code_row;
	char	   *m;

	if (r->kind != HCPCS_KIND_LEVEL2)
		return;					/* CPT and CDT: no licensed list to check */
	if (row != NULL && (in->service_date.isnull ||
						pc_range_contains(&row->valid, in->service_date.value)))
		return;
	m = add(r, RULE_CODE_UNKNOWN, RULE_SEV_WARNING,
			row ? row->label : pc_hcpcs_label(r->c));
	if (m == NULL)
		return;
	if (row == NULL)
		MSG(m, "code %s is not in the HCPCS Level II code set (%s); check the code, or load a newer code set if it is new",
			r->line.code, pc_hcpcs_label(r->c));
	else
	{
		char		date[32];
		char		range[80];

		format_date(date, sizeof(date), in->service_date.value);
		format_range(range, sizeof(range), &row->valid);
		MSG(m, "code %s is not in force on the date of service %s (valid %s); bill a code in force on that date",
			r->line.code, date, range);
	}
}

static void
rule_modifiers(rctx *r)
{
	const hcpcs_line_parts *line = &r->line;
	int			distinct[HCPCS_MAX_MODIFIERS];
	int			ndistinct = 0;
	int			i,
				j;

	/* distinct modifiers in billed order, and duplicates */
	for (i = 0; i < line->nmods; i++)
	{
		int			times = 1;

		for (j = 0; j < i; j++)
			if (memcmp(line->mods[j], line->mods[i], 3) == 0)
				break;
		if (j < i)
			continue;			/* reported at its first place */
		for (j = i + 1; j < line->nmods; j++)
			if (memcmp(line->mods[j], line->mods[i], 3) == 0)
				times++;
		distinct[ndistinct++] = i;
		if (times > 1)
		{
			char	   *m = add(r, RULE_MODIFIER_DUPLICATE, RULE_SEV_ERROR, SRC_MODIFIER_SLOTS);

			if (m)
				MSG(m, "modifier %s appears %d times on line %s; list each modifier once",
					line->mods[i], times, line->code);
		}
	}

	/* unknown modifiers */
	if (!r->table_free)
	{
		for (i = 0; i < ndistinct; i++)
		{
			const char *mod = line->mods[distinct[i]];

			if (pc_modifier_lookup(r->c, pc_modifier_index(mod)) == NULL)
			{
				char	   *m = add(r, RULE_MODIFIER_UNKNOWN, RULE_SEV_ERROR,
									pc_modifier_label(r->c));

				if (m)
					MSG(m, "modifier %s is not a known HCPCS or CPT modifier; correct it or leave it off",
						mod);
			}
		}
	}

	/* conflicting pairs */
	for (i = 0; i < ndistinct; i++)
	{
		for (j = i + 1; j < ndistinct; j++)
		{
			const char *a = line->mods[distinct[i]];
			const char *b = line->mods[distinct[j]];
			const char *reason = NULL;
			const char *source = NULL;

			if (r->table_free)
			{
				int			k;

				for (k = 0; k < (int) lengthof(builtin_pairs); k++)
				{
					const rule_modifier_pair *p = &builtin_pairs[k];

					if ((strcmp(p->a, a) == 0 && strcmp(p->b, b) == 0) ||
						(strcmp(p->a, b) == 0 && strcmp(p->b, a) == 0))
					{
						reason = p->reason;
						source = SRC_BUILTIN_PAIRS;
						break;
					}
				}
			}
			else
			{
				const pc_conflict *cf = pc_conflict_lookup(r->c, pc_modifier_index(a),
														   pc_modifier_index(b));

				if (cf)
				{
					reason = cf->reason;
					source = cf->source;
				}
			}
			if (reason)
			{
				char	   *m = add(r, RULE_MODIFIER_CONFLICT, RULE_SEV_ERROR, source);

				if (m)
					MSG(m, "modifiers %s and %s may not stand on one line: %s; keep only the one that applies",
						a, b, reason);
			}
		}
	}

	if (r->table_free)
		return;

	/* procedure-only and documentation modifiers */
	for (i = 0; i < ndistinct; i++)
	{
		const char *mod = line->mods[distinct[i]];
		const pc_modifier *pm = pc_modifier_lookup(r->c, pc_modifier_index(mod));
		char	   *m;

		if (pm == NULL)
			continue;
		if (pm->drug_line == PC_DRUG_LINE_PROCEDURE_ONLY && r->is_drug)
		{
			m = add(r, RULE_MODIFIER_NOT_FOR_DRUG, RULE_SEV_WARNING, pm->source);
			if (m)
				MSG(m, "modifier %s belongs on a procedure or service, not on drug code %s; leave it off the drug line",
					mod, line->code);
		}
		else if (pm->drug_line == PC_DRUG_LINE_NEEDS_DOCUMENTATION)
		{
			m = add(r, RULE_MODIFIER_NEEDS_DOCUMENTATION, RULE_SEV_INFO, pm->source);
			if (m)
				MSG(m, "modifier %s is accepted only when documentation supports substantially greater work; keep that documentation with the claim",
					mod);
		}
	}
}

static int
numeric_compare(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a),
											 NumericGetDatum(b)));
}

/* the units as text, for a message (allocates: messages only) */
static void
format_units(const rule_input *in, char *buf, size_t size)
{
	if (in->units_kind == RULE_UNITS_INT)
		snprintf(buf, size, INT64_FORMAT, in->units_int);
	else if (in->units_kind == RULE_UNITS_NUMERIC)
	{
		char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out,
															NumericGetDatum(units_numeric(in))));

		snprintf(buf, size, "%s", s);
		pfree(s);
	}
	else
		snprintf(buf, size, "NULL");
}

static void
rule_units(rctx *r)
{
	const rule_input *in = r->in;
	char		u[48];
	char	   *m;

	r->units_given = in->units_kind != RULE_UNITS_NULL;
	r->units_valid = false;
	if (in->units_kind == RULE_UNITS_INT)
		r->units_valid = in->units_int > 0;
	else if (in->units_kind == RULE_UNITS_NUMERIC)
	{
		r->units_valid = units_positive(units_numeric(in));
	}

	if (r->units_given && !r->units_valid)
	{
		m = add(r, RULE_UNITS_INVALID, RULE_SEV_ERROR, SRC_UNITS);
		if (m)
		{
			format_units(in, u, sizeof(u));
			MSG(m, "units %s are not valid; give the units of service billed, a number greater than zero", u);
		}
	}
	if (!r->units_given && !r->table_free && r->have_line && r->is_drug)
	{
		m = add(r, RULE_UNITS_MISSING, RULE_SEV_WARNING, SRC_UNITS);
		if (m)
			MSG(m, "no units on drug line %s; give the units of service billed", r->line.code);
	}
}

static void
rule_ndc_syntax(rctx *r)
{
	const rule_input *in = r->in;
	char		reason[CODES_REASON_MAX];

	if (in->ndc_is_value || text_blank(&in->ndc))
		return;
	if (!ndc_ok_memo(in->ndc.ptr, in->ndc.len, r->msgs ? reason : NULL))
	{
		char	   *m = add(r, RULE_NDC_MALFORMED, RULE_SEV_ERROR, SRC_NDC_FORMAT);

		if (m)
		{
			char		q[QUOTE_CHARS + 8];

			quote_value(q, sizeof(q), in->ndc.ptr, in->ndc.len);
			MSG(m, "NDC \"%s\" is not valid: %s; give the 11-digit 5-4-2 form (00069015001) or a hyphenated label form",
				q, reason);
		}
	}
}

/* returns the place of service code, or -1 when none or malformed */
static int
rule_pos_syntax(rctx *r)
{
	const rule_input *in = r->in;
	char		reason[CODES_REASON_MAX];
	char		q[QUOTE_CHARS + 8];
	char	   *m;
	int			code;

	if (in->pos.len == 2 && in->pos.ptr[0] >= '0' && in->pos.ptr[0] <= '9' &&
		in->pos.ptr[1] >= '0' && in->pos.ptr[1] <= '9')
		code = (in->pos.ptr[0] - '0') * 10 + (in->pos.ptr[1] - '0');	/* the usual */
	else if (text_blank(&in->pos))
		return -1;
	else if (!pos_parse(in->pos.ptr, (size_t) in->pos.len, &code, r->msgs ? reason : NULL))
	{
		m = add(r, RULE_POS_UNKNOWN, RULE_SEV_ERROR,
				r->table_free ? SRC_POS_FORMAT : pc_pos_label(r->c));
		if (m)
		{
			quote_value(q, sizeof(q), in->pos.ptr, in->pos.len);
			MSG(m, "place of service \"%s\" is not a CMS place-of-service code: %s; use a two-digit code such as 12 (home)",
				q, reason);
		}
		return -1;
	}
	if (!r->table_free)
	{
		const pc_pos *p = pc_pos_lookup(r->c, code);

		if (p == NULL)
		{
			m = add(r, RULE_POS_UNKNOWN, RULE_SEV_ERROR, pc_pos_label(r->c));
			if (m)
				MSG(m, "place of service %02d is not a CMS place-of-service code; use an assigned code such as 12 (home)",
					code);
		}
		else if (!in->service_date.isnull &&
				 !pc_range_contains(&p->valid, in->service_date.value))
		{
			m = add(r, RULE_POS_UNKNOWN, RULE_SEV_ERROR, p->source);
			if (m)
			{
				char		date[32];
				char		range[80];

				format_date(date, sizeof(date), in->service_date.value);
				format_range(range, sizeof(range), &p->valid);
				MSG(m, "place of service %02d (%s) is not in force on the date of service %s (valid %s); use a code in force on that date",
					code, p->name, date, range);
			}
		}
	}
	return code;
}

/*
 * The common shape of a well-formed diagnosis, checked without the parser:
 * a letter, a digit, a letter or digit, then up to four more, with one
 * optional dot after the third character (what icd10_parse accepts, minus
 * surrounding blanks).  false means "ask the parser".
 */
static bool
icd10_quick(const char *s, int len)
{
	int			i;
	int			chars = 0;

	if (len < 3 || len > 8)
		return false;
	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c == '.')
		{
			if (i != 3 || i == len - 1)
				return false;
			continue;
		}
		if (i == 1)
		{
			if (c < '0' || c > '9')
				return false;
		}
		else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
				   (c >= 'a' && c <= 'z')) || (i == 0 && c <= '9'))
			return false;
		chars++;
	}
	return chars >= 3 && chars <= 7;
}

/* upper case without dots and blanks, for prefix matching; false if too long */
static bool
dx_normalise(const char *s, int len, char *out, int outsize)
{
	int			i;
	int			n = 0;

	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c == '.' || is_space(c))
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char) (c - ('a' - 'A'));
		if (n >= outsize - 1)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return true;
}

static void
rule_dx_syntax(rctx *r)
{
	dx_iter		di;
	const char *p;
	int			len;
	int			reported = 0;
	char		reason[CODES_REASON_MAX];

	r->dx_given = 0;
	r->dx_kept = 0;
	dx_begin(&di, r->in);
	while (dx_next(&di, &p, &len))
	{
		if (span_blank(p, len))
			continue;
		r->dx_given++;
		if (r->dx_kept < RULES_DX_KEPT &&
			dx_normalise(p, len, r->dx_norm[r->dx_kept], RULES_DX_NORM))
			r->dx_kept++;
		if (icd10_quick(p, len) || dx_ok_memo(p, len, r->msgs ? reason : NULL))
			continue;
		if (reported >= RULES_MAX_DX_REPORTED)
		{
			r->out->n_by_severity[RULE_SEV_ERROR]++;
			r->out->dropped++;
			if (r->stop_at_error)
				r->stop = true;
			continue;
		}
		reported++;
		{
			char	   *m = add(r, RULE_DX_MALFORMED, RULE_SEV_ERROR, SRC_ICD10);

			if (m)
			{
				char		q[QUOTE_CHARS + 8];

				quote_value(q, sizeof(q), p, len);
				MSG(m, "diagnosis \"%s\" is not a well-formed ICD-10-CM code: %s; write it like Z94.0 or Z940",
					q, reason);
			}
		}
		if (r->stop)
			return;
	}
}

/* ---------------------------------------------------------- NOC rules */

/* who a policy rule speaks for: "the Medicare policy" */
static const char *
payer_name(rctx *r, int payer)
{
	const pc_payer *p = pc_payer_get(r->c, payer);

	return p ? p->name : "the payer";
}

/* what the narrative holds: strength, a drug word, drug names (memoised) */
static void
scan_narrative(rctx *r)
{
	const rule_input *in = r->in;
	const char *s = in->narrative.ptr;
	int			len = in->narrative.len;
	narr_memo  *m = NULL;
	int64		loaded = r->loaded;

	r->narr_blank = text_blank(&in->narrative);
	r->nnames = 0;
	if (r->narr_blank)
		return;
	if (len <= NARR_MEMO_TEXT)
	{
		narr_memo  *pair = &get_memos()->narr[(memo_hash(s, len) % (NARR_MEMO_SLOTS / 2)) * 2];

		m = NULL;
		if (pair[0].len == len && pair[0].loaded == loaded &&
			memcmp(pair[0].text, s, len) == 0)
			m = &pair[0];
		else if (pair[1].len == len && pair[1].loaded == loaded &&
				 memcmp(pair[1].text, s, len) == 0)
			m = &pair[1];
		if (m == NULL)
		{
			/* a miss: keep the pair's newer entry, fill the first slot */
			pair[1] = pair[0];
			m = &pair[0];
			m->len = -1;
		}
		else
		{
			r->nnames = m->nnames;
			memcpy(r->names, m->names, sizeof(int) * m->nnames);
			if (!m->flags_known && !r->stop_at_error)
			{
				m->strength = narr_has_strength(s, (size_t) len);
				m->drug_word = m->nnames > 0 || narr_has_drug_word(s, (size_t) len);
				m->flags_known = true;
			}
			r->narr_strength = m->strength;
			r->narr_drug_word = m->drug_word;
			return;
		}
	}
	r->nnames = narr_index_scan(pc_drug_index(r->c), s, (size_t) len,
								r->names, RULES_MAX_DRUG_NAMES);
	/*
	 * Strength and drug word only feed NARRATIVE_INCOMPLETE, a warning: when
	 * only errors matter (is_valid), the two scans are skipped.
	 */
	if (!r->stop_at_error)
	{
		r->narr_strength = narr_has_strength(s, (size_t) len);
		r->narr_drug_word = r->nnames > 0 || narr_has_drug_word(s, (size_t) len);
	}
	if (m != NULL)
	{
		memcpy(m->text, s, len);
		m->len = len;
		m->loaded = loaded;
		m->flags_known = !r->stop_at_error;
		m->strength = r->narr_strength;
		m->drug_word = r->narr_drug_word;
		m->nnames = r->nnames;
		memcpy(m->names, r->names, sizeof(int) * r->nnames);
	}
}

static void
rule_narrative(rctx *r, bool policy_ok, int payer, const pc_resolved *pol)
{
	const rule_input *in = r->in;
	const pc_policy *req = pol->field[PF_REQUIRES_NARRATIVE];
	const pc_policy *maxlen = pol->field[PF_NARRATIVE_MAX_LENGTH];
	char	   *m;

	if (r->narr_blank)
	{
		if (!policy_ok)
			return;
		if (req == NULL)
		{
			m = add(r, RULE_NARRATIVE_MISSING, RULE_SEV_WARNING, SRC_NOC_NARRATIVE);
			if (m)
				MSG(m, "no narrative on this %s line; not-otherwise-classified drug lines need the drug name, strength and dosage in SV101-7/NTE or item 19",
					r->line.code);
		}
		else if (req->requires_narrative)
		{
			m = add(r, RULE_NARRATIVE_MISSING, RULE_SEV_ERROR, req->source_via);
			if (m)
				MSG(m, "no narrative on this %s line; the %s policy requires the drug name, strength and dosage in SV101-7/NTE or item 19",
					r->line.code, payer_name(r, payer));
		}
		return;
	}

	/* incomplete: no strength or dose, or no drug name (a warning) */
	if (!r->stop_at_error)
	{
		bool		strength = r->narr_strength;
		bool		name = r->narr_drug_word;

		if (!strength || !name)
		{
			m = add(r, RULE_NARRATIVE_INCOMPLETE, RULE_SEV_WARNING,
					req ? req->source_via : SRC_NOC_NARRATIVE);
			if (m)
			{
				char		q[QUOTE_CHARS + 8];

				quote_value(q, sizeof(q), in->narrative.ptr, in->narrative.len);
				if (!strength && !name)
					MSG(m, "narrative \"%s\" names neither the drug nor its strength; give the drug name and a strength or dose such as 1 mg",
						q);
				else if (!strength)
					MSG(m, "narrative \"%s\" gives no strength or dose; add a number with a unit such as mg, mcg, g, mL or units",
						q);
				else
					MSG(m, "narrative \"%s\" does not name the drug; start it with the drug name", q);
			}
		}
	}

	/* too long, in characters */
	if (policy_ok && maxlen != NULL && in->narrative.len > maxlen->narrative_max_length)
	{
		int			chars = pg_mbstrlen_with_len(in->narrative.ptr, in->narrative.len);

		if (chars > maxlen->narrative_max_length)
		{
			m = add(r, RULE_NARRATIVE_TOO_LONG, RULE_SEV_ERROR, maxlen->source_via);
			if (m)
				MSG(m, "narrative is %d characters long; the %s policy accepts at most %d, so shorten it",
					chars, payer_name(r, payer), maxlen->narrative_max_length);
		}
	}
}

static void
rule_ndc_missing(rctx *r, int payer, const pc_resolved *pol)
{
	const rule_input *in = r->in;
	const pc_policy *req = pol->field[PF_REQUIRES_NDC];
	char	   *m;

	if (in->ndc_is_value || !text_blank(&in->ndc))
		return;
	if (req == NULL)
	{
		m = add(r, RULE_NDC_MISSING, RULE_SEV_WARNING, SRC_NOC_NDC);
		if (m)
			MSG(m, "no NDC on this %s line; payers often require the 11-digit NDC on not-otherwise-classified drug lines",
				r->line.code);
	}
	else if (req->requires_ndc)
	{
		m = add(r, RULE_NDC_MISSING, RULE_SEV_ERROR, req->source_via);
		if (m)
			MSG(m, "no NDC on this %s line; the %s policy requires the 11-digit NDC of the drug dispensed",
				r->line.code, payer_name(r, payer));
	}
}

static void
rule_specific_code(rctx *r)
{
	const rule_input *in = r->in;
	int			i;

	for (i = 0; i < r->nnames; i++)
	{
		const pc_drug *d = pc_drug_get(r->c, r->names[i]);
		uint32		keep[32];
		int			nkeep = 0;
		const char *source = NULL;
		char	   *m;
		int			k;

		if (d == NULL)
			continue;
		for (k = 0; k < d->ncodes && nkeep < (int) lengthof(keep); k++)
		{
			const pc_code *row;

			if (d->codes[k] == r->code_key)
				continue;
			row = pc_code_lookup(r->c, d->codes[k]);
			if (row != NULL && !in->service_date.isnull &&
				!pc_range_contains(&row->valid, in->service_date.value))
				continue;
			if (source == NULL && row != NULL)
				source = row->label;
			keep[nkeep++] = d->codes[k];
		}
		if (nkeep == 0)
			continue;
		m = add(r, RULE_SPECIFIC_CODE_EXISTS, RULE_SEV_ERROR, source ? source : d->source);
		if (m)
		{
			char		list[32 * 7];
			size_t		o = 0;

			list[0] = '\0';
			for (k = 0; k < nkeep; k++)
			{
				char		code[6];

				code_of_key(keep[k], code);
				o += snprintf(list + o, sizeof(list) - o, "%s%s", k ? ", " : "", code);
				if (o >= sizeof(list))
					break;
			}
			if (nkeep == 1)
				MSG(m, "narrative names \"%s\", which has its own code: %s; bill it instead of %s",
					d->name, list, r->line.code);
			else
				MSG(m, "narrative names \"%s\", which has its own codes: %s; bill one of those instead of %s",
					d->name, list, r->line.code);
		}
		if (r->stop)
			return;
	}
}

static void
rule_units_policy(rctx *r, int payer, const pc_resolved *pol)
{
	const rule_input *in = r->in;
	const pc_policy *p = pol->field[PF_MAX_UNITS];
	bool		over;

	if (p == NULL || !r->units_valid)
		return;
	if (in->units_kind == RULE_UNITS_INT)
		over = in->units_int > p->max_units_floor;
	else
		over = numeric_compare(units_numeric(in), p->max_units) > 0;
	if (over)
	{
		char	   *m = add(r, RULE_UNITS_EXCEED_POLICY, RULE_SEV_ERROR, p->source_via);

		if (m)
		{
			char		u[48];

			format_units(in, u, sizeof(u));
			MSG(m, "units %s exceed the most the %s policy accepts on one line (%s); split the supply or correct the units",
				u, payer_name(r, payer), p->max_units_text ? p->max_units_text : "?");
		}
	}
}

/* does a diagnosis match a prefix, ignoring dots, blanks and case? */
static bool
dx_matches(const char *s, int len, const char *prefix)
{
	int			i;
	int			k = 0;

	for (i = 0; i < len && prefix[k] != '\0'; i++)
	{
		char		c = s[i];

		if (c == '.' || c == ' ' || c == '\t')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char) (c - ('a' - 'A'));
		if (c != prefix[k])
			return false;
		k++;
	}
	return prefix[k] == '\0';
}

static bool
prefix_of(const char *norm, const char *prefix)
{
	while (*prefix)
		if (*norm++ != *prefix++)
			return false;
	return true;
}

static void
rule_dx_policy(rctx *r, int payer, const pc_resolved *pol)
{
	const pc_policy *p = pol->field[PF_DX_REQUIRED];
	const char *first_text = NULL;
	int			first_len = 0;
	char	   *m;
	int			k;

	if (p == NULL)
		return;
	if (r->dx_kept == r->dx_given)
	{
		/* every diagnosis was normalised on the syntax pass */
		int			i;

		for (i = 0; i < r->dx_kept; i++)
			for (k = 0; k < p->ndx_required; k++)
				if (prefix_of(r->dx_norm[i], p->dx_required[k]))
					return;		/* covered */
	}
	else
	{
		/* many or long diagnoses: match them as given */
		dx_iter		di;
		const char *s;
		int			len;

		dx_begin(&di, r->in);
		while (dx_next(&di, &s, &len))
		{
			if (span_blank(s, len))
				continue;
			for (k = 0; k < p->ndx_required; k++)
				if (dx_matches(s, len, p->dx_required[k]))
					return;		/* covered */
		}
	}
	if (r->dx_given == 0)
	{
		m = add(r, RULE_DX_MISSING, RULE_SEV_ERROR, p->source_via);
		if (m)
			MSG(m, "no diagnosis on the line; the %s policy requires one starting with %s",
				payer_name(r, payer), p->dx_required_text ? p->dx_required_text : "?");
		return;
	}
	m = add(r, RULE_DX_NOT_COVERED, RULE_SEV_ERROR, p->source_via);
	if (m == NULL)
		return;
	{
		/* the first non-blank diagnosis, for the message */
		dx_iter		di;
		const char *s;
		int			len;
		char		first[QUOTE_CHARS + 8];

		dx_begin(&di, r->in);
		while (dx_next(&di, &s, &len))
			if (!span_blank(s, len))
			{
				first_text = s;
				first_len = len;
				break;
			}
		quote_value(first, sizeof(first), first_text ? first_text : "", first_len);
		if (r->dx_given == 1)
			MSG(m, "diagnosis %s is not covered by the %s policy; it needs one starting with %s",
				first, payer_name(r, payer), p->dx_required_text ? p->dx_required_text : "?");
		else
			MSG(m, "none of the %d diagnoses (%s, ...) is covered by the %s policy; it needs one starting with %s",
				r->dx_given, first, payer_name(r, payer), p->dx_required_text ? p->dx_required_text : "?");
	}
}

static void
rule_pos_policy(rctx *r, int payer, int pos, const pc_resolved *pol)
{
	const pc_policy *p = pol->field[PF_POS_ALLOWED];

	if (p == NULL || pos < 0)
		return;
	if ((p->pos_allowed[pos / 64] >> (pos % 64)) & 1)
		return;
	{
		char	   *m = add(r, RULE_POS_NOT_ALLOWED, RULE_SEV_ERROR, p->source_via);

		if (m)
			MSG(m, "place of service %02d is not accepted by the %s policy; it accepts %s",
				pos, payer_name(r, payer), p->pos_allowed_text ? p->pos_allowed_text : "?");
	}
}

static void
rule_prior_auth(rctx *r, int payer, const pc_resolved *pol)
{
	const pc_policy *p = pol->field[PF_REQUIRES_PRIOR_AUTH];

	if (p == NULL || !p->requires_prior_auth || !text_blank(&r->in->prior_auth))
		return;
	{
		char	   *m = add(r, RULE_PRIOR_AUTH_MISSING, RULE_SEV_ERROR, p->source_via);

		if (m)
			MSG(m, "no prior-authorisation number on this %s line; the %s policy requires one",
				r->line.code, payer_name(r, payer));
	}
}

static void
rule_waste(rctx *r, int payer, const pc_resolved *pol)
{
	const pc_policy *p = pol->field[PF_WASTE_MODIFIER_REQUIRED];

	if (p == NULL || !p->waste_modifier_required ||
		line_has(&r->line, "JW") || line_has(&r->line, "JZ"))
		return;
	{
		char	   *m = add(r, RULE_WASTE_MODIFIER_MISSING, RULE_SEV_ERROR, p->source_via);

		if (m)
			MSG(m, "neither JW nor JZ on this %s line; the %s policy requires JZ when nothing was discarded, or JW on a separate line for the amount discarded",
				r->line.code, payer_name(r, payer));
	}
}

static void
rule_supply_days(rctx *r, int payer, const pc_resolved *pol)
{
	const rule_input *in = r->in;
	const pc_policy *p = pol->field[PF_SUPPLY_DAYS_MAX];

	if (p == NULL || in->days_supply_isnull || in->days_supply <= p->supply_days_max)
		return;
	{
		char	   *m = add(r, RULE_SUPPLY_DAYS_EXCEEDED, RULE_SEV_ERROR, p->source_via);

		if (m)
			MSG(m, INT64_FORMAT " days of supply exceed the most the %s policy accepts on one line (%d days); bill at most %d days",
				in->days_supply, payer_name(r, payer), p->supply_days_max, p->supply_days_max);
	}
}

static void
rule_kx(rctx *r, const pc_resolved *pol)
{
	const rule_input *in = r->in;
	const pc_policy *p = pol->field[PF_KX_RULE];
	bool		has_kx;
	bool		before;
	char		sd[32];
	char		td[32];
	char	   *m;

	if (p == NULL || !p->kx_conditional)
		return;
	has_kx = line_has(&r->line, "KX");
	before = !in->transplant_date.isnull &&
		in->transplant_date.value < in->service_date.value;
	/* dates are formatted only for a finding that reports them */
	if (has_kx && !before)
	{
		m = add(r, RULE_KX_WITHOUT_TRANSPLANT_DATE, RULE_SEV_WARNING, p->source_via);
		if (m)
		{
			format_date(sd, sizeof(sd), in->service_date.value);
			if (!in->transplant_date.isnull)
				format_date(td, sizeof(td), in->transplant_date.value);
			if (in->transplant_date.isnull)
				MSG(m, "KX is on the line but no transplant date is known; KX belongs on the line only when the transplant date, before the date of service %s, is documented",
					sd);
			else
				MSG(m, "KX is on the line but the transplant date %s is not before the date of service %s; check the dates or leave KX off",
					td, sd);
		}
	}
	else if (!has_kx && before)
	{
		m = add(r, RULE_KX_SUGGESTED, RULE_SEV_INFO, p->source_via);
		if (m)
		{
			format_date(sd, sizeof(sd), in->service_date.value);
			format_date(td, sizeof(td), in->transplant_date.value);
			MSG(m, "the transplant date %s is before the date of service %s but KX is missing; add KX when the policy's requirements are met",
				td, sd);
		}
	}
}

static void
noc_rules(rctx *r, int pos)
{
	const rule_input *in = r->in;
	static const pc_resolved unknown;	/* every field unknown */
	bool		policy_ok = true;
	int			payer = -1;
	const pc_resolved *pol = &unknown;
	char	   *m;

	if (text_blank(&in->payer))
	{
		m = add(r, RULE_PAYER_MISSING, RULE_SEV_WARNING, SRC_PAYERS);
		if (m)
			MSG(m, "no payer on this %s line, so payer policy was not checked; give a payer id or name", r->line.code);
		policy_ok = false;
	}
	else
	{
		payer = pc_payer_resolve(r->c, in->payer.ptr, in->payer.len);
		if (payer < 0)
		{
			m = add(r, RULE_PAYER_UNKNOWN, RULE_SEV_WARNING, SRC_PAYERS);
			if (m)
			{
				char		q[QUOTE_CHARS + 8];

				quote_value(q, sizeof(q), in->payer.ptr, in->payer.len);
				MSG(m, "payer \"%s\" is neither a payer id nor a known alias, so its policy is unknown; use a payer id or add the name to j7599.payer_alias",
					q);
			}
		}
	}
	if (in->service_date.isnull)
	{
		m = add(r, RULE_SERVICE_DATE_MISSING, RULE_SEV_WARNING, SRC_POLICY_DATES);
		if (m)
			MSG(m, "no date of service on this %s line, so payer policy was not checked; give the date of service",
				r->line.code);
		policy_ok = false;
	}
	if (policy_ok && payer >= 0)
	{
		pol = pc_policy_resolve(r->c, payer, r->code_key, in->service_date.value);
		if (!pol->any)
		{
			m = add(r, RULE_POLICY_UNKNOWN, RULE_SEV_INFO, SRC_POLICY_NONE);
			if (m)
			{
				char		date[32];

				format_date(date, sizeof(date), in->service_date.value);
				MSG(m, "no policy for %s is known for %s on %s; the line was checked against the code sets only",
					r->line.code, payer_name(r, payer), date);
			}
		}
	}
	if (r->stop)
		return;

	scan_narrative(r);
	rule_narrative(r, policy_ok, payer, pol);
	if (policy_ok)
		rule_ndc_missing(r, payer, pol);
	rule_specific_code(r);
	if (!policy_ok || r->stop)
		return;
	rule_units_policy(r, payer, pol);
	rule_dx_policy(r, payer, pol);
	rule_pos_policy(r, payer, pos, pol);
	rule_prior_auth(r, payer, pol);
	rule_waste(r, payer, pol);
	rule_supply_days(r, payer, pol);
	rule_kx(r, pol);
}

/* ------------------------------------------------------------------ run */

void
rules_run(const rule_input *in, rule_findings *out, int flags)
{
	rctx		r;
	int			pos;

	out->count = 0;
	out->dropped = 0;
	out->n_by_severity[0] = out->n_by_severity[1] = out->n_by_severity[2] = 0;
	if (in->line_isnull)
		return;

	r.in = in;
	r.out = out;
	r.msgs = (flags & RULES_NO_MESSAGES) == 0;
	r.stop_at_error = (flags & RULES_STOP_AT_ERROR) != 0;
	r.table_free = (flags & RULES_TABLE_FREE) != 0;
	r.stop = false;
	r.c = NULL;
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

	if (!r.table_free)
	{
		r.c = pc_get();
		r.loaded = pc_load_count();
	}

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
			rule_code_unknown(&r);
		rule_modifiers(&r);
		if (r.stop)
			return;
	}
	rule_units(&r);
	rule_ndc_syntax(&r);
	if (r.stop)
		return;
	pos = rule_pos_syntax(&r);
	if (r.stop)
		return;
	rule_dx_syntax(&r);
	if (r.stop)
		return;
	if (!r.table_free && r.have_line && r.is_noc)
		noc_rules(&r, pos);
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
