/*
 * src/rules_line.c
 *
 * The rules on the line itself and its code sets: CODE_UNKNOWN,
 * CODE_NOT_EFFECTIVE, the modifier rules (MODIFIER_UNKNOWN,
 * MODIFIER_NOT_EFFECTIVE, MODIFIER_DUPLICATE, MODIFIER_CONFLICT,
 * MODIFIER_NOT_FOR_DRUG, MODIFIER_NEEDS_DOCUMENTATION) and the units
 * (UNITS_INVALID, UNITS_MISSING).
 */
#include "postgres.h"

#include "rules_int.h"

void
rules_code_unknown(rctx *r)
{
	const rule_input *in = r->in;
	const pc_code *row = r->code_row;
	char	   *m;

	if (r->kind != HCPCS_KIND_LEVEL2)
		return;					/* CPT and CDT: no licensed list to check */
	if (row != NULL && (in->service_date.isnull ||
						pc_range_contains(&row->valid, in->service_date.value)))
		return;
	if (row == NULL)
	{
		m = add(r, RULE_CODE_UNKNOWN, RULE_SEV_WARNING, pc_hcpcs_label(r->c));
		if (m)
			MSG(m, "code %s is not in the HCPCS Level II code set (%s); check the code, or load a newer code set if it is new",
				r->line.code, pc_hcpcs_label(r->c));
		return;
	}
	/* in the table, not in force on the service date */
	m = add(r, RULE_CODE_NOT_EFFECTIVE, RULE_SEV_ERROR, row->label);
	if (m)
	{
		char		date[32];
		char		range[80];

		rules_format_date(date, sizeof(date), in->service_date.value);
		rules_format_range(range, sizeof(range), &row->valid);
		if (row->replaced_by != NULL)
			MSG(m, "code %s is not in force on the date of service %s (valid %s); it is replaced by %s: bill %s",
				r->line.code, date, range, row->replaced_by, row->replaced_by);
		else
			MSG(m, "code %s is not in force on the date of service %s (valid %s); bill a code in force on that date",
				r->line.code, date, range);
	}
}

void
rules_modifiers(rctx *r)
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

			const pc_modifier *pm = pc_modifier_lookup(r->c, pc_modifier_index(mod));

			if (pm == NULL)
			{
				char	   *m = add(r, RULE_MODIFIER_UNKNOWN, RULE_SEV_ERROR,
									pc_modifier_label(r->c));

				if (m)
					MSG(m, "modifier %s is not a known HCPCS or CPT modifier; correct it or leave it off",
						mod);
			}
			else if (!r->in->service_date.isnull &&
					 !pc_range_contains(&pm->valid, r->in->service_date.value))
			{
				char	   *m = add(r, RULE_MODIFIER_NOT_EFFECTIVE, RULE_SEV_ERROR, pm->source);

				if (m)
				{
					char		date[32];
					char		range[80];

					rules_format_date(date, sizeof(date), r->in->service_date.value);
					rules_format_range(range, sizeof(range), &pm->valid);
					MSG(m, "modifier %s is not in force on the date of service %s (valid %s); leave it off or use the modifier in force then",
						mod, date, range);
				}
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
				int			npairs;
				const rule_modifier_pair *pairs = rules_builtin_conflicts(&npairs);
				int			k;

				for (k = 0; k < npairs; k++)
				{
					const rule_modifier_pair *p = &pairs[k];

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
			/*
			 * A procedure modifier needing documentation (22) is not a drug
			 * modifier either: on a drug line, both (billing-facts
			 * addendum 2 §B).
			 */
			if (pm->procedure && r->is_drug)
			{
				m = add(r, RULE_MODIFIER_NOT_FOR_DRUG, RULE_SEV_WARNING, pm->source);
				if (m)
					MSG(m, "modifier %s belongs on a procedure or service, not on drug code %s; leave it off the drug line",
						mod, line->code);
			}
			m = add(r, RULE_MODIFIER_NEEDS_DOCUMENTATION, RULE_SEV_INFO, pm->source);
			if (m)
				MSG(m, "modifier %s is accepted only when documentation supports substantially greater work; keep that documentation with the claim",
					mod);
		}
	}
}

void
rules_units(rctx *r)
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
		r->units_valid = rules_units_positive(units_numeric(in));
	}

	if (r->units_given && !r->units_valid)
	{
		m = add(r, RULE_UNITS_INVALID, RULE_SEV_ERROR, SRC_UNITS);
		if (m)
		{
			rules_format_units(in, u, sizeof(u));
			MSG(m, "units %s are not valid; give the units of service billed, a number greater than zero", u);
		}
	}
	if (!r->units_given && !in->units_malformed && !r->table_free && r->have_line && r->is_drug)
	{
		m = add(r, RULE_UNITS_MISSING, RULE_SEV_WARNING, SRC_UNITS);
		if (m)
			MSG(m, "no units on drug line %s; give the units of service billed", r->line.code);
	}
}

/*
 * Dates, units and days kept as text that cannot be read (legacy tables):
 * the value counts as not given for every other rule, and the finding says
 * so.  A malformed service date is reported here instead of
 * SERVICE_DATE_MISSING, a malformed units text instead of UNITS_MISSING.
 */
#define SRC_LEGACY_DATE "dates as claim tables keep them: YYYY-MM-DD (ISO 8601), MM/DD/YYYY, YYYYMMDD (X12 837 DTP date format D8)"
#define SRC_DAYS_SUPPLY "NCPDP days supply (field 405-D5): a whole number of days"
#define LEGACY_DATE_FORMS "write it as YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD, a day that exists"

void
rules_malformed_inputs(rctx *r)
{
	const rule_input *in = r->in;
	char		q[QUOTE_CHARS + 8];
	char	   *m;

	if (in->service_date.malformed)
	{
		m = add(r, RULE_SERVICE_DATE_MALFORMED, RULE_SEV_ERROR, SRC_LEGACY_DATE);
		if (m)
		{
			quote_value(q, sizeof(q), in->service_date.raw.ptr, in->service_date.raw.len);
			MSG(m, "service date \"%s\" is not a date; %s (the line was checked as if it had no service date, so payer policy was not checked)",
				q, LEGACY_DATE_FORMS);
		}
		if (r->stop)
			return;
	}
	if (in->transplant_date.malformed)
	{
		m = add(r, RULE_TRANSPLANT_DATE_MALFORMED, RULE_SEV_WARNING, SRC_LEGACY_DATE);
		if (m)
		{
			quote_value(q, sizeof(q), in->transplant_date.raw.ptr, in->transplant_date.raw.len);
			MSG(m, "transplant date \"%s\" is not a date; %s (the line was checked as if it had no transplant date)",
				q, LEGACY_DATE_FORMS);
		}
	}
	if (in->units_malformed)
	{
		m = add(r, RULE_UNITS_MALFORMED, RULE_SEV_ERROR, SRC_UNITS);
		if (m)
		{
			quote_value(q, sizeof(q), in->units_raw.ptr, in->units_raw.len);
			MSG(m, "units \"%s\" are not a number; write the units of service as a decimal number, such as 2 or 1.5",
				q);
		}
		if (r->stop)
			return;
	}
	if (in->days_supply.malformed)
	{
		m = add(r, RULE_DAYS_SUPPLY_MALFORMED, RULE_SEV_ERROR, SRC_DAYS_SUPPLY);
		if (m)
		{
			quote_value(q, sizeof(q), in->days_supply.raw.ptr, in->days_supply.raw.len);
			MSG(m, "days supply \"%s\" is not a whole number; write the days as digits, such as 30",
				q);
		}
	}
}
