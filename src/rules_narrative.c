/*
 * src/rules_narrative.c
 *
 * What the narrative of a NOC line says, read once per line and memoised
 * (strength, a drug word, the drug names of drug_code: narrative.h), and the
 * two rules that read it without a policy: NARRATIVE_INCOMPLETE and
 * SPECIFIC_CODE_EXISTS.
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "narrative.h"
#include "rules_int.h"

/*
 * Claim tables repeat the same few narratives.  A memo (util.h), allocated
 * once per backend, keeps what was found in the texts seen last; a hit costs
 * a hash and a memcmp.  The drug names found depend on the reference cache,
 * so the entries carry the cache's load count and expire with it.
 */
#define NARR_MEMO_SLOTS 256

typedef struct narr_memo
{
	util_memo_head head;		/* stamp: pc_load_count() when filled */
	bool		flags_known;	/* strength and drug_word were computed */
	bool		strength;
	bool		drug_word;
	int			nnames;
	int			names[RULES_MAX_DRUG_NAMES];
	int8		form;			/* PC_FORM_*: the dosage form the narrative names */
	char		text[120];
} narr_memo;

/*
 * The dosage form a narrative names, from its words: injection words (inj,
 * injection, IV, intravenous, infusion, parenteral) win, then granules, then
 * suspension, then oral words (oral, tablet, capsule); PC_FORM_ANY: none.
 */
static int8
narrative_form(const char *s, int len)
{
	bool		inj = false,
				gran = false,
				susp = false,
				oral = false;
	int			i = 0;

	while (i < len)
	{
		char		w[16];
		int			n = 0;

		while (i < len && !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			i++;
		while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		{
			if (n < (int) sizeof(w) - 1)
				w[n++] = (char) (s[i] | 0x20);
			i++;
		}
		w[n] = '\0';
		if (n == 0)
			continue;
		if (strcmp(w, "inj") == 0 || strcmp(w, "injection") == 0 || strcmp(w, "iv") == 0 ||
			strcmp(w, "intravenous") == 0 || strcmp(w, "infusion") == 0 ||
			strcmp(w, "parenteral") == 0 || strcmp(w, "injectable") == 0)
			inj = true;
		else if (strcmp(w, "granules") == 0 || strcmp(w, "granule") == 0)
			gran = true;
		else if (strcmp(w, "suspension") == 0 || strcmp(w, "susp") == 0)
			susp = true;
		else if (strcmp(w, "oral") == 0 || strcmp(w, "tablet") == 0 || strcmp(w, "tablets") == 0 ||
				 strcmp(w, "tab") == 0 || strcmp(w, "capsule") == 0 || strcmp(w, "capsules") == 0 ||
				 strcmp(w, "cap") == 0 || strcmp(w, "po") == 0)
			oral = true;
	}
	return inj ? PC_FORM_INJECTION : gran ? PC_FORM_GRANULES :
		susp ? PC_FORM_ORAL_SUSPENSION : oral ? PC_FORM_ORAL : PC_FORM_ANY;
}

/* may a code of this form be offered for a narrative naming that form? */
static bool
form_fits(int8 narrative, uint8 code)
{
	if (narrative == PC_FORM_ANY || code == PC_FORM_ANY)
		return true;
	if (narrative == code)
		return true;
	/* granules for oral suspension */
	return (narrative == PC_FORM_GRANULES && code == PC_FORM_ORAL_SUSPENSION) ||
		(narrative == PC_FORM_ORAL_SUSPENSION && code == PC_FORM_GRANULES);
}

static narr_memo *narr_memos = NULL;

/* what the narrative holds: strength, a drug word, drug names (memoised) */
void
rules_scan_narrative(rctx *r)
{
	const rule_input *in = r->in;
	const char *s = in->narrative.ptr;
	int			len = in->narrative.len;
	narr_memo  *m;
	int64		loaded = r->loaded;
	bool		hit;

	r->narr_blank = text_blank(&in->narrative);
	r->nnames = 0;
	if (r->narr_blank)
		return;
	if (narr_memos == NULL)
	{
		narr_memos = MemoryContextAlloc(TopMemoryContext, sizeof(narr_memo) * NARR_MEMO_SLOTS);
		util_memo_clear(narr_memos, NARR_MEMO_SLOTS, sizeof(narr_memo));
	}
	m = UTIL_MEMO_SLOT(narr_memos, NARR_MEMO_SLOTS, narr_memo, text, loaded,
					   s, (size_t) len, &hit);
	/* on a miss, m is the emptied slot to fill (NULL: too long to keep) */
	if (hit)
	{
		r->nnames = m->nnames;
		r->narr_form = m->form;
		memcpy(r->names, m->names, sizeof(int) * m->nnames);
		if (!m->flags_known && !r->skip_warnings)
		{
			m->strength = narr_has_strength(s, (size_t) len);
			m->drug_word = m->nnames > 0 || narr_has_drug_word(s, (size_t) len);
			m->flags_known = true;
		}
		r->narr_strength = m->strength;
		r->narr_drug_word = m->drug_word;
		return;
	}
	r->nnames = narr_index_scan(pc_drug_index(r->c), s, (size_t) len,
								r->names, RULES_MAX_DRUG_NAMES);
	r->narr_form = r->nnames > 0 ? narrative_form(s, len) : PC_FORM_ANY;
	/*
	 * Strength and drug word only feed NARRATIVE_INCOMPLETE, a warning: when
	 * only errors matter (is_valid), the two scans are skipped.
	 */
	if (!r->skip_warnings)
	{
		r->narr_strength = narr_has_strength(s, (size_t) len);
		r->narr_drug_word = r->nnames > 0 || narr_has_drug_word(s, (size_t) len);
	}
	if (m != NULL)
	{
		UTIL_MEMO_FILL(m, narr_memo, text, loaded, s, (size_t) len);
		m->flags_known = !r->skip_warnings;
		m->strength = r->narr_strength;
		m->drug_word = r->narr_drug_word;
		m->nnames = r->nnames;
		m->form = r->narr_form;
		memcpy(m->names, r->names, sizeof(int) * r->nnames);
	}
}

/*
 * NARRATIVE_INCOMPLETE: a narrative that is given but names no drug or gives
 * no strength or dose (a warning: skipped when only errors matter).
 */
void
rules_narrative_incomplete(rctx *r, const pc_resolved *pol)
{
	const rule_input *in = r->in;
	const pc_policy *req = pol->field[PF_REQUIRES_NARRATIVE];
	char	   *m;

	if (!r->skip_warnings)
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

void
rules_specific_code(rctx *r)
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
			/* a code for another dosage form is no alternative */
			if (!form_fits(r->narr_form, d->forms[k]))
				continue;
			/*
			 * a code not in force (hcpcs_code or the drug_code row) is never
			 * offered; without a service date, one deleted at some time
			 */
			row = pc_code_lookup(r->c, d->codes[k]);
			if (in->service_date.isnull
				? (d->valid[k].hi != PG_INT64_MAX || (row != NULL && row->valid.hi != PG_INT64_MAX))
				: (!pc_range_contains(&d->valid[k], in->service_date.value) ||
				   (row != NULL && !pc_range_contains(&row->valid, in->service_date.value))))
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

/*
 * SPECIFIC_CODE_EXISTS from the NDC: the line's NDC maps, in ndc_code (the
 * CMS NDC-HCPCS crosswalk), to another code in force on the service date
 * (without one, to a code whose crosswalk row and code are not closed).
 */
void
rules_specific_code_ndc(rctx *r)
{
	const rule_input *in = r->in;
	const pc_ndc_code *rows;
	int64		ndc = r->ndc;
	int			n,
				k;

	if (!r->ndc_known)
		return;
	rows = pc_ndc_lookup(r->c, ndc, &n);
	for (k = 0; k < n; k++)
	{
		const pc_ndc_code *x = &rows[k];
		const pc_code *row;
		char	   *m;

		if (x->code == r->code_key)
			continue;
		row = x->code_row;
		if (in->service_date.isnull
			? (x->valid.hi != PG_INT64_MAX || (row != NULL && row->valid.hi != PG_INT64_MAX))
			: (!pc_range_contains(&x->valid, in->service_date.value) ||
			   (row != NULL && !pc_range_contains(&row->valid, in->service_date.value))))
			continue;
		m = add(r, RULE_SPECIFIC_CODE_EXISTS, RULE_SEV_ERROR, x->source);
		if (m)
		{
			char		nd[16];

			ndc_format_canonical((int64_t) ndc, nd);
			MSG(m, "NDC %s (%s) is billed under its own code %s in the CMS NDC-HCPCS crosswalk; bill %s instead of %s",
				nd, x->drug_name ? x->drug_name : "drug not named", x->code_text,
				x->code_text, r->line.code);
		}
		return;					/* one finding: the first code in force */
	}
}
