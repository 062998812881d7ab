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
	char		text[120];
} narr_memo;

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
		UTIL_MEMO_FILL(m, narr_memo, text, loaded, s, (size_t) len);
		m->flags_known = !r->stop_at_error;
		m->strength = r->narr_strength;
		m->drug_word = r->narr_drug_word;
		m->nnames = r->nnames;
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
