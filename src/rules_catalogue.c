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
 * Every array here is sized by the enum it is indexed by and filled from the
 * same declaration (rules.def, claim_inputs.def), so they cannot disagree.
 */
StaticAssertDecl(RULE_SEV_INFO == 0 && RULE_SEV_WARNING == 1 && RULE_SEV_ERROR == 2 &&
				 RULE_SEV__COUNT == 3,
				 "severities are ordered: a higher value is more severe");

const rule_info rules_catalogue[RULE__COUNT] = {
#define RULE(id, sev, scope, field, msg_reveals, src_reveals, desc) \
	[RULE_##id] = {#id, sev, scope, RULE_FIELD_##field, desc, msg_reveals, src_reveals},
#include "rules.def"
#undef RULE
};

static const char *const severity_names[RULE_SEV__COUNT] = {"info", "warning", "error"};

static const char *const field_names[RULE_FIELD__COUNT] = {
#define CLAIM_INPUT(ID, name, kind, since, doc) [RULE_FIELD_##ID] = #name,
#include "claim_inputs.def"
#undef CLAIM_INPUT
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
