/*
 * src/policy_cache.h
 *
 * The reference and policy cache: the reference tables of schema j7599
 * (hcpcs_code, modifier, modifier_conflict, place_of_service, drug_code,
 * payer, payer_alias, policy, and from 1.1 ndc_code and rule_setting, read
 * when the schema has them) read once per backend by SPI, at first use, into
 * memory owned by a long-lived memory context, and indexed for lookups that
 * are O(1) or O(log n) and never allocate.
 *
 * Freshness.  A statement trigger, j7599._reference_changed(), on each of the
 * tables sends a relcache invalidation for its table after any INSERT,
 * UPDATE, DELETE or TRUNCATE; it is enabled ALWAYS, so it fires under
 * session_replication_role = replica too, and a row trigger enabled REPLICA
 * does the same for logical replication's apply, which fires no statement
 * triggers.  PostgreSQL delivers the invalidation to this backend at the end
 * of the command and to the others at commit; a relcache callback marks the
 * cache stale when one of the tables (or everything) is invalidated.
 * pc_get() accepts pending invalidations once per query and reloads a stale
 * cache, so the statement after a change sees it, in this session or
 * another.
 *
 * Snapshot.  The cache is read with the snapshot of the query that needs it,
 * the one a STABLE function sees: the statement's in READ COMMITTED, the
 * transaction's in REPEATABLE READ and SERIALIZABLE.  The leader and the
 * workers of a parallel query share it, so they read the same data.  When
 * that snapshot misses a committed change (j7599._reference_version tells),
 * the cache serves only queries that see what it saw, and is read again
 * after.
 *
 * Every query here runs with search_path = pg_catalog, pg_temp and names
 * every function and operator with its schema: no object of another schema
 * is ever called, whatever the caller's search_path.
 *
 * Policy resolution follows j7599.policy_for (23_policy_functions.sql): the
 * payer is found by payer id, then by a payer id with the same payer_key
 * (when only one has it), then by an exact alias with the same key, then by
 * the first prefix (on the key) or pattern (on the text, case-insensitive)
 * alias that matches, lowest priority first; the chain is
 * the payer, its parents (at most 32 steps, stopping at a cycle), and
 * 'default' last when the parents do not reach it; each field takes the first
 * non-NULL value along the chain, from the row of that payer and code in force
 * on the date.
 */
#ifndef J7599_POLICY_CACHE_H
#define J7599_POLICY_CACHE_H

#include "postgres.h"

#include "utils/date.h"
#include "utils/numeric.h"

#include "codes.h"
#include "narrative.h"

/* a date range as [lo, hi): unbounded ends are INT64_MIN / INT64_MAX */
typedef struct pc_range
{
	int64		lo;
	int64		hi;
} pc_range;

static inline bool
pc_range_contains(const pc_range *r, DateADT d)
{
	return r->lo <= (int64) d && (int64) d < r->hi;
}

/* 5-character code [0-9A-Z]{5} -> key (0 for anything else) */
extern uint32 pc_code_key(const char *code5) pg_attribute_hot;

typedef struct pc_code
{
	uint32		key;
	char		code[6];
	bool		is_noc;
	bool		is_drug;		/* J code, NOC code or code of a drug_code row */
	pc_range	valid;
	const char *label;			/* code set and version, "CMS HCPCS Level II 2020" */
	const char *replaced_by;	/* the code that replaces a deleted one, or NULL */
} pc_code;

typedef enum pc_drug_line
{
	PC_DRUG_LINE_EXPECTED = 0,
	PC_DRUG_LINE_ALLOWED,
	PC_DRUG_LINE_PROCEDURE_ONLY,
	PC_DRUG_LINE_NEEDS_DOCUMENTATION
} pc_drug_line;

/* two-character modifier -> 0..1295 (digits then letters), -1 if malformed */
extern int	pc_modifier_index(const char *mod2) pg_attribute_hot;

#define PC_NMODIFIERS 1296

typedef struct pc_modifier
{
	bool		present;
	pc_drug_line drug_line;
	bool		procedure;		/* category 'procedure': also not for a drug line */
	pc_range	valid;
	const char *description;
	const char *source;
} pc_modifier;

typedef struct pc_conflict
{
	uint32		pair;			/* lower index * 1296 + higher index */
	const char *reason;
	const char *source;
} pc_conflict;

typedef struct pc_pos
{
	bool		present;
	pc_range	valid;
	const char *name;
	const char *source;
} pc_pos;

/* one distinct drug name of drug_code and the codes it has */
typedef struct pc_drug
{
	const char *name;
	int			ncodes;
	uint32	   *codes;			/* keys, sorted, distinct */
	const char *source;			/* of its first drug_code row */
	/* per code (same order): drug_code.form and .valid */
	uint8	   *forms;			/* PC_FORM_* */
	pc_range   *valid;
} pc_drug;

/* drug_code.form */
#define PC_FORM_ANY 0
#define PC_FORM_ORAL 1
#define PC_FORM_ORAL_SUSPENSION 2
#define PC_FORM_GRANULES 3
#define PC_FORM_INJECTION 4

/* one row of ndc_code: a package NDC and the code it is billed under */
typedef struct pc_ndc_code
{
	int64		ndc;			/* the 11 digits as a number */
	uint32		code;			/* pc_code_key */
	const struct pc_code *code_row;	/* its row of hcpcs_code, or NULL */
	char		code_text[6];
	pc_range	valid;
	const char *drug_name;
	const char *source;
} pc_ndc_code;

struct pc_payer_code;

typedef struct pc_payer
{
	const char *payer_id;
	const char *name;
	int			parent;			/* index, -1 none or unknown */
	int			nchain;			/* the cascade: itself, parents, 'default' */
	int		   *chain;
	int			ncodes;			/* codes with a policy along the chain */
	struct pc_payer_code *codes;	/* sorted by code: resolved by date */
} pc_payer;

/* policy fields, in the order of the table (policy_fields.def) */
typedef enum pc_field
{
#define POLICY_FIELD(ID, name, load, sqltype, since, doc) PF_##ID,
#include "policy_fields.def"
#undef POLICY_FIELD
	PF__COUNT
} pc_field;
StaticAssertDecl(PF__COUNT <= 32, "pc_policy.present is a uint32");

/* the column name of a field: "requires_ndc" */
extern const char *pc_field_name(pc_field f);

typedef struct pc_policy
{
	int			payer;			/* index into payers */
	uint32		code;			/* pc_code_key of policy.code */
	pc_range	valid;
	uint32		present;		/* bit (1 << pc_field): the field is not NULL */

	/*
	 * The BOOL, INT4 and TEXT fields of policy_fields.def, one member each,
	 * named as the column and loaded by one generic loop; the other kinds
	 * below, loaded by hand.
	 */
#define PC_MEMBER_BOOL(name)		bool name;
#define PC_MEMBER_INT4(name)		int32 name;
#define PC_MEMBER_TEXT(name)		const char *name;
#define PC_MEMBER_DX_PREFIXES(name)
#define PC_MEMBER_POS_SET(name)
#define PC_MEMBER_UNITS_LIMIT(name)
#define POLICY_FIELD(ID, name, load, sqltype, since, doc) PC_MEMBER_##load(name)
#include "policy_fields.def"
#undef POLICY_FIELD

	/* DX_PREFIXES dx_required */
	int			ndx_required;
	const char **dx_required;	/* upper case, no dots or blanks */
	const char *dx_required_text;	/* as stored, "Z94.0, Z94.1, ..." */
	/* POS_SET pos_allowed */
	uint64		pos_allowed[2]; /* bit per two-digit code 0..99 */
	const char *pos_allowed_text;	/* as stored, "12, 01" */
	/* UNITS_LIMIT max_units */
	Numeric		max_units;
	int64		max_units_floor;	/* floor(max_units), clamped to int64 */
	const char *max_units_text;
	bool		kx_conditional; /* kx_rule = 'conditional' */

	const char *policy_id;
	const char *source;
	const char *confidence;
	uint32		assumed;		/* bit (1 << pc_field): that field's confidence is 'assumed' */
	const char *source_via;		/* "<source> (via <payer_id>)" */
} pc_policy;

/* a resolved policy: for each field, the row that gave its value */
typedef struct pc_resolved
{
	bool		any;			/* some field resolved (else policy_for is NULL) */
	uint32		assumed;		/* bit (1 << pc_field): the value resolved is assumed */
	const pc_policy *field[PF__COUNT];	/* NULL: unknown */
} pc_resolved;

/*
 * Rule settings (j7599.rule_setting) in force for one payer on one date: per
 * rule, the severity a warehouse chose (rule_severity), PC_SETTING_NONE where
 * none applies, PC_SETTING_OFF where the rule is not reported.
 */
#define PC_SETTING_NONE (-1)
#define PC_SETTING_OFF (-2)

typedef struct pc_cache pc_cache;

/*
 * The current cache, loading or reloading it first when needed.  The pointer
 * stays valid until the next pc_get() call.  Must run inside a transaction;
 * raises an error when the tables cannot be read.
 */
extern pc_cache *pc_get(void) pg_attribute_hot;

extern const pc_code *pc_code_lookup(const pc_cache *c, uint32 key) pg_attribute_hot;
/* a code of some drug_code row, whether or not hcpcs_code lists it */
extern bool pc_code_has_drug_name(const pc_cache *c, uint32 key) pg_attribute_hot;
extern const pc_modifier *pc_modifier_lookup(const pc_cache *c, int index) pg_attribute_hot;
extern const pc_conflict *pc_conflict_lookup(const pc_cache *c, int i, int j) pg_attribute_hot;
extern const pc_pos *pc_pos_lookup(const pc_cache *c, int code) pg_attribute_hot;

extern const char *pc_hcpcs_label(const pc_cache *c);
extern const char *pc_modifier_label(const pc_cache *c);
extern const char *pc_pos_label(const pc_cache *c);

extern const narr_index *pc_drug_index(const pc_cache *c);

/* the ndc_code rows of an NDC (11 digits as a number), sorted by code; count in *n */
extern const pc_ndc_code *pc_ndc_lookup(const pc_cache *c, int64 ndc, int *n) pg_attribute_hot;

/*
 * The rule settings for a payer index (-1: no or an unknown payer, only the
 * settings for every payer) on date d (has_date false: no service date, only
 * settings in force at all times).  NULL when no setting applies to any rule,
 * else an array of RULE__COUNT entries (int8: a rule_severity or
 * PC_SETTING_NONE/OFF) and one more, 1 when some entry is an error, resolved
 * at load time per payer and stretch of dates.
 */
extern const int8 *pc_settings(const pc_cache *c, int payer, bool has_date, DateADT d) pg_attribute_hot;
/* the cache has any rule setting at all */
extern bool pc_has_settings(const pc_cache *c) pg_attribute_hot;
extern const pc_drug *pc_drug_get(const pc_cache *c, int id);

/* payer by id or alias (see above); -1 when unknown */
extern int	pc_payer_resolve(pc_cache *c, const char *s, int len) pg_attribute_hot;
extern const pc_payer *pc_payer_get(const pc_cache *c, int index) pg_attribute_hot;

/*
 * The cascade for payer index, code key and date.  Resolved at load time for
 * every stretch of dates over which no policy of the chain starts or ends, so
 * a lookup is two binary searches over a few entries.  The result lives in
 * the cache; it is never NULL (nothing resolved: any = false).
 */
extern const pc_resolved *pc_policy_resolve(const pc_cache *c, int payer,
											uint32 code, DateADT d) pg_attribute_hot;

/*
 * j7599.unit_limit: the rows of one code key (n of them, sorted by code
 * only), NULL when there are none.  payer is a payer index, -1 for every
 * payer; max_micro the limit in millionths of a unit.
 */
typedef struct pc_unit_limit
{
	uint32		code;
	int			payer;
	bool		per_day;
	int64		max_micro;
	pc_range	valid;
	const char *source;
} pc_unit_limit;

extern const pc_unit_limit *pc_unit_limits(const pc_cache *c, uint32 code, int *n);

/*
 * A reference table changed (the triggers j7599._reference_changed(), for
 * each statement and, for logical replication, for each row): sends the
 * relcache invalidation that makes every session read the tables again and
 * records the change for the loader's snapshot check.  Cheap when called
 * again for the same table and command.
 */
struct RelationData;
extern void pc_reference_changed(struct RelationData *rel);

/* for tests and monitoring: loads so far in this backend */
extern int64 pc_load_count(void) pg_attribute_hot;

#endif							/* J7599_POLICY_CACHE_H */
