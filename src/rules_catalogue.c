/*
 * src/rules_catalogue.c
 *
 * The rule catalogue: for every rule id of rules.h its name, severity, scope,
 * field and one-line description (what j7599.rules() lists), the names of
 * severities and fields, and the modifier pairs that line_ok knows without a
 * table.  Nothing here runs a rule.
 */
#include "postgres.h"

#include "rules_int.h"

/*
 * Every array here is sized by the enum it is indexed by, so a new rule,
 * severity or field cannot outgrow it; a rule left out of the initialiser
 * would have a NULL name, which the list of rule ids tested in
 * test/pgtap/validate_api.sql would show.
 */
StaticAssertDecl(RULE_SEV_INFO == 0 && RULE_SEV_WARNING == 1 && RULE_SEV_ERROR == 2 &&
				 RULE_SEV__COUNT == 3,
				 "severities are ordered: a higher value is more severe");

const rule_info rules_catalogue[RULE__COUNT] = {
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

static const char *const severity_names[RULE_SEV__COUNT] = {"info", "warning", "error"};

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

const rule_info *
rules_info(rule_id id)
{
	if ((int) id < 0 || id >= RULE__COUNT)
		return NULL;
	return &rules_catalogue[id];
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
	if ((int) sev < 0 || sev >= RULE_SEV__COUNT)
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
	for (i = 0; i < RULE_SEV__COUNT; i++)
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
