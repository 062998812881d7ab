/*
 * src/rules_codes.c
 *
 * The syntax rules of the codes on a line besides its own: NDC_MALFORMED,
 * POS_UNKNOWN (syntax, and the place_of_service code set with its dates)
 * and DX_MALFORMED.  The syntax itself is the pure parsers' (codes.h):
 * ndc_parse, pos_parse and icd10_parse, the one ICD-10-CM check of j7599.
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "rules_int.h"

/* ----------------------------------------------------------------- NDC */

/*
 * Claim tables repeat the same few NDCs: a small memo (util.h), allocated
 * once per backend, keeps the answer for the texts seen last.
 */
#define NDC_MEMO_SLOTS 128

typedef struct ndc_memo
{
	util_memo_head head;
	bool		ok;
	int64		value;			/* when ok */
	char		text[30];
} ndc_memo;

static ndc_memo *ndc_memos = NULL;

/* ndc_parse through the memo; the reason only on a miss; the value in *v */
static bool
ndc_ok_memo(const char *s, int len, char *reason, int64 *value)
{
	ndc_memo   *m;
	bool		hit;
	int64_t		v = 0;
	bool		ok;

	if (ndc_memos == NULL)
	{
		ndc_memos = MemoryContextAlloc(TopMemoryContext, sizeof(ndc_memo) * NDC_MEMO_SLOTS);
		util_memo_clear(ndc_memos, NDC_MEMO_SLOTS, sizeof(ndc_memo));
	}
	m = UTIL_MEMO_SLOT(ndc_memos, NDC_MEMO_SLOTS, ndc_memo, text, 0, s, (size_t) len, &hit);
	if (hit && (m->ok || reason == NULL))
	{
		*value = m->value;
		return m->ok;
	}
	ok = ndc_parse(s, (size_t) len, &v, reason);
	*value = (int64) v;
	if (m != NULL)
	{
		UTIL_MEMO_FILL(m, ndc_memo, text, 0, s, (size_t) len);
		m->ok = ok;
		m->value = (int64) v;
	}
	return ok;
}

void
rules_ndc_syntax(rctx *r)
{
	const rule_input *in = r->in;
	char		reason[CODES_REASON_MAX];

	r->ndc_known = false;
	if (in->ndc_is_value)
	{
		r->ndc_known = true;
		r->ndc = in->ndc_value;
		return;
	}
	if (text_blank(&in->ndc))
		return;
	if (ndc_ok_memo(in->ndc.ptr, in->ndc.len, r->msgs ? reason : NULL, &r->ndc))
		r->ndc_known = true;
	else
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

/* ---------------------------------------------------- place of service */

/* returns the place of service code, or -1 when none or malformed */
int
rules_pos_syntax(rctx *r)
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

				rules_format_date(date, sizeof(date), in->service_date.value);
				rules_format_range(range, sizeof(range), &p->valid);
				MSG(m, "place of service %02d (%s) is not in force on the date of service %s (valid %s); use a code in force on that date",
					code, p->name, date, range);
			}
		}
	}
	return code;
}

/* ----------------------------------------------------------- diagnoses */

/*
 * Every non-blank diagnosis is checked by icd10_parse; the first
 * RULES_DX_KEPT well-formed ones are kept in the normal form it returns, for
 * the policy rules to match against prefixes.
 */
/*
 * icd10_parse through a memo: a diagnosis is at most 8 bytes as written
 * (A00.0000), so its bytes are its key, compared as one number; one entry per
 * slot of a direct-mapped table.  The reason only on a miss.
 */
#define DX_MEMO_BITS 8

typedef struct dx_memo
{
	uint64		key;			/* the bytes, zero-padded; 0: empty */
	bool		ok;
	char		norm[ICD10_NORM_MAX];
} dx_memo;

static dx_memo *dx_memos = NULL;

static bool
icd10_parse_memo(const char *s, int len, char norm[ICD10_NORM_MAX], char *reason)
{
	uint64		key = 0;
	dx_memo    *m;
	bool		ok;

	if (len < 1 || len > 8)
		return icd10_parse(s, (size_t) len, norm, reason);
	if (dx_memos == NULL)
		dx_memos = MemoryContextAllocZero(TopMemoryContext, sizeof(dx_memo) << DX_MEMO_BITS);
	memcpy(&key, s, len);
	m = &dx_memos[(key * UINT64CONST(0x9E3779B97F4A7C15)) >> (64 - DX_MEMO_BITS)];
	if (m->key == key && key != 0 && (m->ok || reason == NULL))
	{
		if (m->ok)
			memcpy(norm, m->norm, ICD10_NORM_MAX);
		return m->ok;
	}
	ok = icd10_parse(s, (size_t) len, norm, reason);
	m->key = key;
	m->ok = ok;
	if (ok)
		memcpy(m->norm, norm, ICD10_NORM_MAX);
	return ok;
}

void
rules_dx_syntax(rctx *r)
{
	dx_iter		di;
	const char *p;
	int			len;
	int			reported = 0;
	char		reason[CODES_REASON_MAX];
	char		norm[ICD10_NORM_MAX];

	r->dx_given = 0;
	r->dx_kept = 0;
	dx_begin(&di, r->in);
	while (dx_next(&di, &p, &len))
	{
		if (util_span_blank(p, (size_t) len))
			continue;
		r->dx_given++;
		if (icd10_parse_memo(p, len, norm, r->msgs ? reason : NULL))
		{
			if (r->dx_kept < RULES_DX_KEPT)
				memcpy(r->dx_norm[r->dx_kept++], norm, ICD10_NORM_MAX);
			continue;
		}
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
