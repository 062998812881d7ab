/*
 * src/rules_policy.c
 *
 * The rules of a NOC line (J7599 and every hcpcs_code.is_noc code) that rest
 * on the payer and its policy: resolving the payer and the policy in force
 * (PAYER_MISSING, PAYER_UNKNOWN, SERVICE_DATE_MISSING, POLICY_UNKNOWN), then
 * NARRATIVE_MISSING, NARRATIVE_TOO_LONG, NDC_MISSING, UNITS_EXCEED_POLICY,
 * DX_MISSING, DX_NOT_COVERED, POS_NOT_ALLOWED, PRIOR_AUTH_MISSING,
 * WASTE_MODIFIER_MISSING, SUPPLY_DAYS_EXCEEDED, KX_WITHOUT_TRANSPLANT_DATE
 * and KX_SUGGESTED.  rules_noc runs every NOC rule, the narrative ones of
 * rules_narrative.c included, in report order.
 */
#include "postgres.h"

#include "rules_int.h"

const char *
rules_payer_name(rctx *r, int payer)
{
	const pc_payer *p = pc_payer_get(r->c, payer);

	return p ? p->name : "the payer";
}

/* NARRATIVE_MISSING: no narrative where the policy wants one (or may) */
static void
rule_narrative_missing(rctx *r, int payer, const pc_resolved *pol)
{
	const pc_policy *req = pol->field[PF_REQUIRES_NARRATIVE];
	char	   *m;

	if (req == NULL)
	{
		m = add(r, RULE_NARRATIVE_MISSING, RULE_SEV_WARNING, SRC_NOC_NARRATIVE);
		if (m)
			MSG(m, "no narrative on this %s line; not-otherwise-classified drug lines need the drug name, strength and dosage in SV101-7/NTE or item 19",
				r->line.code);
	}
	else if (req->requires_narrative)
	{
		bool		assumed;

		m = add_policy(r, RULE_NARRATIVE_MISSING, RULE_SEV_ERROR, pol, PF_REQUIRES_NARRATIVE,
					   req->source_via, &assumed);
		if (m)
			MSG(m, "no narrative on this %s line; the %s policy requires the drug name, strength and dosage in SV101-7/NTE or item 19",
				r->line.code, rules_payer_name(r, payer));
		rules_note_assumed(m, assumed);
	}
}

/* NARRATIVE_TOO_LONG, in characters of the database encoding */
static void
rule_narrative_too_long(rctx *r, int payer, const pc_resolved *pol)
{
	const rule_input *in = r->in;
	const pc_policy *maxlen = pol->field[PF_NARRATIVE_MAX_LENGTH];
	char	   *m;

	if (maxlen != NULL && in->narrative.len > maxlen->narrative_max_length)
	{
		int			chars = pg_mbstrlen_with_len(in->narrative.ptr, in->narrative.len);

		if (chars > maxlen->narrative_max_length)
		{
			bool		assumed;

			m = add_policy(r, RULE_NARRATIVE_TOO_LONG, RULE_SEV_ERROR, pol, PF_NARRATIVE_MAX_LENGTH,
						   maxlen->source_via, &assumed);
			if (m)
				MSG(m, "narrative is %d characters long; the %s policy accepts at most %d, so shorten it",
					chars, rules_payer_name(r, payer), maxlen->narrative_max_length);
			rules_note_assumed(m, assumed);
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
		bool		assumed;

		m = add_policy(r, RULE_NDC_MISSING, RULE_SEV_ERROR, pol, PF_REQUIRES_NDC,
					   req->source_via, &assumed);
		if (m)
			MSG(m, "no NDC on this %s line; the %s policy requires the 11-digit NDC of the drug dispensed",
				r->line.code, rules_payer_name(r, payer));
		rules_note_assumed(m, assumed);
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
		over = rules_numeric_compare(units_numeric(in), p->max_units) > 0;
	if (over)
	{
		bool		assumed;
		char	   *m = add_policy(r, RULE_UNITS_EXCEED_POLICY, RULE_SEV_ERROR, pol, PF_MAX_UNITS,
								   p->source_via, &assumed);

		if (m)
		{
			char		u[48];

			rules_format_units(in, u, sizeof(u));
			MSG(m, "units %s exceed the most the %s policy accepts on one line (%s); split the supply or correct the units",
				u, rules_payer_name(r, payer), p->max_units_text ? p->max_units_text : "?");
			rules_note_assumed(m, assumed);
		}
	}
}

/*
 * Does a diagnosis, as given, match a prefix, ignoring dots, spaces and case?
 * For a well-formed diagnosis this is prefix_of() on its icd10_parse form.
 */
static bool
dx_matches(const char *s, int len, const char *prefix)
{
	int			i;
	int			k = 0;

	for (i = 0; i < len && prefix[k] != '\0'; i++)
	{
		char		c = util_to_upper(s[i]);

		if (c == '.' || util_is_space((unsigned char) c))
			continue;
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
	bool		assumed;
	bool		notice;

	if (p == NULL)
		return;
	if (r->dx_kept == r->dx_given)
	{
		/* every diagnosis is well-formed and was normalised on the syntax pass */
		int			i;

		for (i = 0; i < r->dx_kept; i++)
			for (k = 0; k < p->ndx_required; k++)
				if (prefix_of(r->dx_norm[i], p->dx_required[k]))
					return;		/* covered */
	}
	else
	{
		/* many or malformed diagnoses: match them as given */
		dx_iter		di;
		const char *s;
		int			len;

		dx_begin(&di, r->in);
		while (dx_next(&di, &s, &len))
		{
			if (util_span_blank(s, (size_t) len))
				continue;
			for (k = 0; k < p->ndx_required; k++)
				if (dx_matches(s, len, p->dx_required[k]))
					return;		/* covered */
		}
	}
	if (r->dx_given == 0)
	{
		m = add_policy(r, RULE_DX_MISSING, RULE_SEV_ERROR, pol, PF_DX_REQUIRED,
					   p->source_via, &assumed);
		if (m)
			MSG(m, "no diagnosis on the line; the %s policy requires one starting with %s",
				rules_payer_name(r, payer), p->dx_required_text ? p->dx_required_text : "?");
		rules_note_assumed(m, assumed);
		return;
	}

	/*
	 * GA, GY or GZ: the supplier already says the line is not covered (or
	 * expects a denial), so an uncovered diagnosis is only information
	 * (billing-facts addendum 2 §B).
	 */
	notice = line_has(&r->line, "GA") || line_has(&r->line, "GY") || line_has(&r->line, "GZ");
	m = add_policy(r, RULE_DX_NOT_COVERED, notice ? RULE_SEV_INFO : RULE_SEV_ERROR, pol,
				   PF_DX_REQUIRED, p->source_via, &assumed);
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
			if (!util_span_blank(s, (size_t) len))
			{
				first_text = s;
				first_len = len;
				break;
			}
		quote_value(first, sizeof(first), first_text ? first_text : "", first_len);
		if (r->dx_given == 1)
			MSG(m, "diagnosis %s is not covered by the %s policy; it needs one starting with %s",
				first, rules_payer_name(r, payer), p->dx_required_text ? p->dx_required_text : "?");
		else
			MSG(m, "none of the %d diagnoses (%s, ...) is covered by the %s policy; it needs one starting with %s",
				r->dx_given, first, rules_payer_name(r, payer), p->dx_required_text ? p->dx_required_text : "?");
		if (notice)
		{
			size_t		len = strlen(m);

			snprintf(m + len, RULES_MESSAGE_MAX - len,
					 " (the line carries GA, GY or GZ: non-coverage is already declared)");
		}
		rules_note_assumed(m, assumed);
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
		bool		assumed;
		char	   *m = add_policy(r, RULE_POS_NOT_ALLOWED, RULE_SEV_ERROR, pol, PF_POS_ALLOWED,
								   p->source_via, &assumed);

		if (m)
			MSG(m, "place of service %02d is not accepted by the %s policy; it accepts %s",
				pos, rules_payer_name(r, payer), p->pos_allowed_text ? p->pos_allowed_text : "?");
		rules_note_assumed(m, assumed);
	}
}

static void
rule_prior_auth(rctx *r, int payer, const pc_resolved *pol)
{
	const pc_policy *p = pol->field[PF_REQUIRES_PRIOR_AUTH];

	if (p == NULL || !p->requires_prior_auth || !text_blank(&r->in->prior_auth))
		return;
	{
		bool		assumed;
		char	   *m = add_policy(r, RULE_PRIOR_AUTH_MISSING, RULE_SEV_ERROR, pol, PF_REQUIRES_PRIOR_AUTH,
								   p->source_via, &assumed);

		if (m)
			MSG(m, "no prior-authorisation number on this %s line; the %s policy requires one",
				r->line.code, rules_payer_name(r, payer));
		rules_note_assumed(m, assumed);
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
		bool		assumed;
		char	   *m = add_policy(r, RULE_WASTE_MODIFIER_MISSING, RULE_SEV_ERROR, pol,
								   PF_WASTE_MODIFIER_REQUIRED, p->source_via, &assumed);

		if (m)
			MSG(m, "neither JW nor JZ on this %s line; the %s policy requires JZ when nothing was discarded, or JW on a separate line for the amount discarded",
				r->line.code, rules_payer_name(r, payer));
		rules_note_assumed(m, assumed);
	}
}

static void
rule_supply_days(rctx *r, int payer, const pc_resolved *pol)
{
	const rule_input *in = r->in;
	const pc_policy *p = pol->field[PF_SUPPLY_DAYS_MAX];

	if (p == NULL || in->days_supply.isnull || in->days_supply.value <= p->supply_days_max)
		return;
	{
		bool		assumed;
		char	   *m = add_policy(r, RULE_SUPPLY_DAYS_EXCEEDED, RULE_SEV_ERROR, pol, PF_SUPPLY_DAYS_MAX,
								   p->source_via, &assumed);

		if (m)
			MSG(m, INT64_FORMAT " days of supply exceed the most the %s policy accepts on one line (%d days); bill at most %d days",
				in->days_supply.value, rules_payer_name(r, payer), p->supply_days_max, p->supply_days_max);
		rules_note_assumed(m, assumed);
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
	bool		assumed;

	if (p == NULL || !p->kx_conditional)
		return;
	has_kx = line_has(&r->line, "KX");
	before = !in->transplant_date.isnull &&
		in->transplant_date.value < in->service_date.value;
	/* dates are formatted only for a finding that reports them */
	if (has_kx && !before)
	{
		m = add_policy(r, RULE_KX_WITHOUT_TRANSPLANT_DATE, RULE_SEV_WARNING, pol, PF_KX_RULE,
					   p->source_via, &assumed);
		if (m)
		{
			rules_format_date(sd, sizeof(sd), in->service_date.value);
			if (!in->transplant_date.isnull)
				rules_format_date(td, sizeof(td), in->transplant_date.value);
			if (in->transplant_date.isnull)
				MSG(m, "KX is on the line but no transplant date is known; KX belongs on the line only when the transplant date, before the date of service %s, is documented",
					sd);
			else
				MSG(m, "KX is on the line but the transplant date %s is not before the date of service %s; check the dates or leave KX off",
					td, sd);
	rules_note_assumed(m, assumed);
		}
	}
	else if (!has_kx && before)
	{
		m = add_policy(r, RULE_KX_SUGGESTED, RULE_SEV_INFO, pol, PF_KX_RULE, p->source_via, &assumed);
		if (m)
		{
			rules_format_date(sd, sizeof(sd), in->service_date.value);
			rules_format_date(td, sizeof(td), in->transplant_date.value);
			MSG(m, "the transplant date %s is before the date of service %s but KX is missing; add KX when the policy's requirements are met",
				td, sd);
			rules_note_assumed(m, assumed);
		}
	}
}

void
rules_noc(rctx *r, int pos)
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
		payer = rules_payer(r);
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
		/* a malformed date text was reported as SERVICE_DATE_MALFORMED */
		m = in->service_date.malformed ? NULL :
			add(r, RULE_SERVICE_DATE_MISSING, RULE_SEV_WARNING, SRC_POLICY_DATES);
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

				rules_format_date(date, sizeof(date), in->service_date.value);
				MSG(m, "no policy for %s is known for %s on %s; the line was checked against the code sets only",
					r->line.code, rules_payer_name(r, payer), date);
			}
		}
	}
	if (r->stop)
		return;

	rules_scan_narrative(r);
	if (r->narr_blank)
	{
		if (policy_ok)
			rule_narrative_missing(r, payer, pol);
	}
	else
	{
		rules_narrative_incomplete(r, pol);
		if (policy_ok)
			rule_narrative_too_long(r, payer, pol);
	}
	if (policy_ok)
		rule_ndc_missing(r, payer, pol);
	rules_specific_code(r);
	if (!r->stop)
		rules_specific_code_ndc(r);
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
