/*
 * src/policy_cache.c
 *
 * The reference and policy cache (see policy_cache.h for what it holds, how it
 * stays fresh and how policies resolve).
 *
 * Layout, all inside one memory context per load, a child of
 * CacheMemoryContext, dropped as a whole when the next load succeeds:
 *
 *   hcpcs_code         array sorted by code key, binary search
 *   modifier           1296-slot array indexed by the two characters
 *   modifier_conflict  array sorted by pair key, binary search
 *   place_of_service   100-slot array
 *   drug_code          distinct names with their codes, a narr_index over the
 *                      names, and the sorted set of their codes
 *   payer              array sorted by payer_id (C order), each with its chain;
 *                      keys of payer ids and of exact aliases in sorted arrays;
 *                      prefix and pattern aliases in the order they are tried,
 *                      patterns compiled
 *   policy             array sorted by (payer, code, start of range)
 *
 * plus the cascade resolved ahead for every payer, code and stretch of dates
 * over which it cannot change, and a memo of payer texts already resolved.
 */
#include "postgres.h"

#include "access/parallel.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "regex/regex.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "policy_cache.h"
#include "rules.h"
#include "util.h"

/*
 * The watched tables: the first N_REQUIRED exist since 1.0; the others are
 * read when the schema has them (a 1.1 library serves a 1.0 schema until
 * ALTER EXTENSION UPDATE).
 */
#define N_TABLES 10
#define N_REQUIRED 8
#define MAX_CHAIN 34			/* the payer, 32 parents, 'default' */
#define MEMO_PAYER_MAX 60		/* longest payer text the memo keeps */

static const char *const table_names[N_TABLES] = {
	"hcpcs_code", "modifier", "modifier_conflict", "place_of_service",
	"drug_code", "payer", "payer_alias", "policy", "ndc_code", "rule_setting"
};

#define PAYER_MEMO_SLOTS 1024		/* 2-way: 512 pairs */

typedef struct pc_payer_memo
{
	int16		len;			/* -1: empty */
	int16		result;			/* payer index or -1 */
	char		text[MEMO_PAYER_MAX];
} pc_payer_memo;

typedef struct pc_key_entry
{
	const char *key;			/* payer_key of a payer id or alias */
	int			payer;			/* index; -1: two payer ids share the key */
} pc_key_entry;

/*
 * A prefix or pattern alias, in the order they are tried: priority (NULL
 * last), then alias in C order, as payer_resolve orders them in SQL.
 */
typedef struct pc_alias_match
{
	const char *key;			/* prefix: payer_key of the alias */
	int			keylen;
	regex_t    *re;				/* pattern: compiled once per load; NULL for a prefix */
	int			payer;			/* index */
} pc_alias_match;

/*
 * The other sessions' transactions a snapshot sees: enough of it to tell
 * whether another snapshot sees exactly the same ones.
 */
typedef struct pc_snapshot_id
{
	TransactionId xmin;
	TransactionId xmax;
	uint64		completions;	/* snapXactCompletionCount; 0: unknown */
	uint32		xcnt;
	int32		subxcnt;
	bool		suboverflowed;
	TransactionId *xip;
	TransactionId *subxip;
} pc_snapshot_id;

/* one remembered answer of pc_ndc_lookup */
#define PC_NDC_MEMO_BITS 8
#define PC_NDC_MEMO_SLOTS (1 << PC_NDC_MEMO_BITS)
typedef struct pc_ndc_memo
{
	int64		ndc;			/* -1: empty */
	int32		first;			/* index of its first row in ndc[] */
	int32		n;				/* its rows; 0: not in the crosswalk */
} pc_ndc_memo;

struct pc_cache
{
	MemoryContext cxt;
	uint64		seen_inval;		/* invalidations the data includes */

	/*
	 * bound: the snapshot the cache was read with may miss a committed change
	 * of the reference tables, so the cache serves only queries whose
	 * snapshot sees what that one saw (the rest of the statement, or of a
	 * REPEATABLE READ transaction), and is read again after.
	 */
	bool		bound;
	pc_snapshot_id read_with;

	int			ncodes;
	pc_code    *codes;
	const char *hcpcs_label;

	pc_modifier modifiers[PC_NMODIFIERS];
	const char *modifier_label;

	int			nconflicts;
	pc_conflict *conflicts;

	pc_pos		pos[100];

	int			ndrugs;
	pc_drug    *drugs;
	narr_index *drug_index;
	int			ndrug_codes;
	uint32	   *drug_codes;		/* sorted, distinct */

	int			npayers;
	pc_payer   *payers;			/* sorted by payer_id */
	int			nid_keys;
	pc_key_entry *id_keys;		/* sorted by key */
	int			nalias_keys;
	pc_key_entry *alias_keys;	/* sorted by key: exact aliases */
	int			max_key_len;
	int			nalias_matches;
	pc_alias_match *alias_matches;	/* prefixes and patterns, in order */

	int			npolicies;
	pc_policy  *policies;		/* sorted by payer, code, valid.lo */

	int			nunit_limits;
	pc_unit_limit *unit_limits;	/* sorted by code */
	int			nndc;
	pc_ndc_code *ndc;			/* sorted by ndc, code */
	struct pc_ndc_memo *ndc_memo;	/* PC_NDC_MEMO_SLOTS answers of pc_ndc_lookup */

	/* rule settings: raw rows, then per payer (and index npayers: no payer) */
	int			nsettings;
	struct pc_setting *settings;
	struct pc_setting_set *setting_sets;	/* npayers + 1 */

	/* memo of payer texts resolved, direct-mapped by a hash of the text */
	pc_payer_memo payer_memo[PAYER_MEMO_SLOTS];
};

/* the cascade of one payer for one code, by stretches of dates */
typedef struct pc_segment
{
	int64		lo;				/* first date of the stretch */
	pc_resolved res;
} pc_segment;

typedef struct pc_payer_code
{
	uint32		code;
	int			nsegs;
	pc_segment *segs;			/* sorted by lo; the first starts at INT64_MIN */
} pc_payer_code;

static const pc_resolved nothing_resolved;

/* one row of rule_setting */
typedef struct pc_setting
{
	int			payer;			/* index, -1: every payer */
	int			rule;			/* rule_id */
	int8		severity;		/* rule_severity or PC_SETTING_OFF */
	pc_range	valid;
} pc_setting;

/* the settings of one payer by stretches of dates */
typedef struct pc_setting_seg
{
	int64		lo;
	const int8 *sev;			/* NULL: nothing set */
} pc_setting_seg;

typedef struct pc_setting_set
{
	const int8 *undated;		/* settings in force at all times, or NULL */
	int			nsegs;
	pc_setting_seg *segs;		/* sorted by lo; the first starts at INT64_MIN */
} pc_setting_set;

static const char *const field_names[PF__COUNT] = {
#define POLICY_FIELD(ID, name, load, sqltype, since, doc) [PF_##ID] = #name,
#include "policy_fields.def"
#undef POLICY_FIELD
};

const char *
pc_field_name(pc_field f)
{
	if ((int) f < 0 || f >= PF__COUNT)
		return "?";
	return field_names[f];
}

static void build_segments(pc_cache *c);
static Oid	j7599_namespace(void);
static int	cmp_int64(const void *a, const void *b);
static int	stretches(int64 *cuts, int ncuts, int64 *lo, int64 *at);

static pc_cache *current = NULL;
static MemoryContext loading_cxt = NULL;
static uint64 inval_count = 0;
static bool callback_registered = false;
static Oid	watched[N_TABLES];
static Oid	watched_unit_limit = InvalidOid;	/* optional: 1.1 */
static int64 loads = 0;

/* seen_inval of a cache that must be read again */
#define SEEN_NOTHING PG_UINT64_MAX

/* the query pc_get() last served: a new one takes in invalidations */
static TimestampTz last_statement = 0;
static LocalTransactionId last_lxid = InvalidLocalTransactionId;
static Snapshot last_snapshot = NULL;
static uint64 last_completions = 0;

/* the last (sub)transaction that recorded a change of the reference tables */
static LocalTransactionId bumped_lxid = InvalidLocalTransactionId;
static SubTransactionId bumped_subxid = InvalidSubTransactionId;

/* the last command that sent a relcache invalidation for a reference table */
static LocalTransactionId inval_lxid = InvalidLocalTransactionId;
static SubTransactionId inval_subxid = InvalidSubTransactionId;
static CommandId inval_cid = InvalidCommandId;
static Oid	inval_relid = InvalidOid;

#if PG_VERSION_NUM >= 170000
#define MY_LXID (MyProc->vxid.lxid)
#else
#define MY_LXID (MyProc->lxid)
#endif

/*
 * The search_path every query of this file runs under, whatever the
 * caller's: pg_catalog, then temporary objects (tables and types only;
 * functions and operators are never looked up there).  The query texts name
 * every function, operator and collation with its schema as well.
 */
#define SAFE_SEARCH_PATH "pg_catalog, pg_temp"

/* pins search_path until unpin_search_path(); an error unwinds it too */
static int
pin_search_path(void)
{
	int			nestlevel = NewGUCNestLevel();

	(void) set_config_option("search_path", SAFE_SEARCH_PATH,
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return nestlevel;
}

static void
unpin_search_path(int nestlevel)
{
	AtEOXact_GUC(true, nestlevel);
}

/* ------------------------------------------------------------- keys */

static inline int
char36(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return -1;
}

uint32
pc_code_key(const char *code5)
{
	uint32		k = 0;
	int			i;

	for (i = 0; i < 5; i++)
	{
		int			v = char36(code5[i]);

		if (v < 0)
			return 0;
		k = (k << 6) | (uint32) (v + 1);
	}
	return code5[5] == '\0' ? k : 0;
}

int
pc_modifier_index(const char *mod2)
{
	int			a = char36(mod2[0]);
	int			b;

	if (a < 0)
		return -1;
	b = char36(mod2[1]);
	if (b < 0)
		return -1;
	return a * 36 + b;
}

/* payer_key: ASCII letters and digits, lower case; returns the length */
static int
payer_key(const char *s, int len, char *out, int outmax)
{
	int			n = 0;
	int			i;

	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c + ('a' - 'A'));
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			continue;
		if (n >= outmax)
			return -1;			/* longer than any key */
		out[n++] = c;
	}
	return n;
}

/* ------------------------------------------------------ invalidation */

static void
relcache_callback(Datum arg, Oid relid)
{
	int			i;

	if (!OidIsValid(relid))
	{
		inval_count++;
		return;
	}
	for (i = 0; i < N_TABLES; i++)
	{
		if (watched[i] == relid)
		{
			inval_count++;
			return;
		}
	}
	if (relid == watched_unit_limit)
		inval_count++;
}

int64
pc_load_count(void)
{
	return loads;
}

/* ----------------------------------------------------------- loading */

static SPITupleTable *
run_query(const char *sql, Snapshot snap)
{
	SPIPlanPtr	plan = SPI_prepare(sql, 0, NULL);
	int			rc;

	if (plan == NULL)
		elog(ERROR, "j7599: could not prepare the reference query \"%s\": %s",
			 sql, SPI_result_code_string(SPI_result));
	rc = SPI_execute_snapshot(plan, NULL, NULL, snap, InvalidSnapshot,
							  true, false, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "j7599: reference query \"%s\" failed: %s",
			 sql, SPI_result_code_string(rc));
	SPI_freeplan(plan);
	return SPI_tuptable;
}

static Datum
col(SPITupleTable *t, uint64 row, int colno, bool *isnull)
{
	return SPI_getbinval(t->vals[row], t->tupdesc, colno, isnull);
}

/* text column as a C string in the current context; NULL stays NULL */
static char *
col_text(SPITupleTable *t, uint64 row, int colno)
{
	bool		isnull;
	Datum		d = col(t, row, colno, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

static bool
col_bool(SPITupleTable *t, uint64 row, int colno, bool *isnull)
{
	Datum		d = col(t, row, colno, isnull);

	return *isnull ? false : DatumGetBool(d);
}

/* a daterange given as four columns: lower, upper, lower_inc, upper_inc */
static pc_range
col_range(SPITupleTable *t, uint64 row, int colno)
{
	pc_range	r;
	bool		isnull;
	bool		inc_null;
	Datum		d;

	d = col(t, row, colno, &isnull);
	if (isnull)
		r.lo = PG_INT64_MIN;
	else
		r.lo = (int64) DatumGetDateADT(d) +
			(col_bool(t, row, colno + 2, &inc_null) ? 0 : 1);
	d = col(t, row, colno + 1, &isnull);
	if (isnull)
		r.hi = PG_INT64_MAX;
	else
		r.hi = (int64) DatumGetDateADT(d) +
			(col_bool(t, row, colno + 3, &inc_null) ? 1 : 0);
	return r;
}

#define RANGE_COLS(c) \
	"pg_catalog.lower(" c "), pg_catalog.upper(" c "), " \
	"pg_catalog.lower_inc(" c "), pg_catalog.upper_inc(" c ")"

/* text concatenation, whatever operators other schemas define */
#define CAT " OPERATOR(pg_catalog.||) "

static int
cmp_code(const void *a, const void *b)
{
	uint32		x = ((const pc_code *) a)->key;
	uint32		y = ((const pc_code *) b)->key;

	return x < y ? -1 : (x > y ? 1 : 0);
}

static int
cmp_uint32(const void *a, const void *b)
{
	uint32		x = *(const uint32 *) a;
	uint32		y = *(const uint32 *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

static int
cmp_conflict(const void *a, const void *b)
{
	return cmp_uint32(&((const pc_conflict *) a)->pair,
					  &((const pc_conflict *) b)->pair);
}

static int
cmp_key_entry(const void *a, const void *b)
{
	return strcmp(((const pc_key_entry *) a)->key,
				  ((const pc_key_entry *) b)->key);
}

static int
cmp_policy(const void *a, const void *b)
{
	const pc_policy *x = (const pc_policy *) a;
	const pc_policy *y = (const pc_policy *) b;

	if (x->payer != y->payer)
		return x->payer < y->payer ? -1 : 1;
	if (x->code != y->code)
		return x->code < y->code ? -1 : 1;
	if (x->valid.lo != y->valid.lo)
		return x->valid.lo < y->valid.lo ? -1 : 1;
	return 0;
}

/* one copy per distinct label string */
static const char *
intern(const char **labels, int *nlabels, int max, const char *s)
{
	int			i;

	for (i = 0; i < *nlabels; i++)
		if (strcmp(labels[i], s) == 0)
			return labels[i];
	if (*nlabels < max)
	{
		labels[*nlabels] = pstrdup(s);
		return labels[(*nlabels)++];
	}
	return pstrdup(s);
}

/* the column of a table of j7599, or NULL when the schema lacks it (1.0) */
static const char *
column_or_null(const char *table, const char *column)
{
	Oid			relid = get_relname_relid(table, get_namespace_oid("j7599", false));

	return OidIsValid(relid) && get_attnum(relid, column) != InvalidAttrNumber ?
		column : "NULL";
}

static SPITupleTable *
query_codes(Snapshot snap)
{
	char		q[512];

	snprintf(q, sizeof(q),
			 "SELECT code, is_noc, code_set" CAT "' '::pg_catalog.text" CAT "code_set_version, "
			 RANGE_COLS("valid") ", %s::pg_catalog.text FROM j7599.hcpcs_code",
			 column_or_null("hcpcs_code", "replaced_by"));
	return run_query(q, snap);
}

static void
load_codes(pc_cache *c, Snapshot snap)
{
	SPITupleTable *t = query_codes(snap);
	SPITupleTable *lt = run_query(
		"SELECT coalesce(pg_catalog.string_agg(l, ' / '::pg_catalog.text ORDER BY l), "
		"'CMS HCPCS Level II'::pg_catalog.text) FROM "
		"(SELECT DISTINCT code_set" CAT "' '::pg_catalog.text" CAT "code_set_version AS l "
		"FROM j7599.hcpcs_code) s",
		snap);
	MemoryContext old = MemoryContextSwitchTo(c->cxt);
	const char *labels[16];
	int			nlabels = 0;
	uint64		i;
	int			n = 0;

	c->codes = palloc0(sizeof(pc_code) * Max(t->numvals, 1));
	for (i = 0; i < t->numvals; i++)
	{
		pc_code    *pc = &c->codes[n];
		char	   *code = col_text(t, i, 1);
		char	   *label = col_text(t, i, 3);
		bool		isnull;

		if (code == NULL || strlen(code) != 5 || (pc->key = pc_code_key(code)) == 0)
			continue;
		memcpy(pc->code, code, 6);
		pc->is_noc = col_bool(t, i, 2, &isnull);
		pc->label = intern(labels, &nlabels, lengthof(labels),
						   label ? label : "CMS HCPCS Level II");
		pc->valid = col_range(t, i, 4);
		pc->replaced_by = col_text(t, i, 8);
		n++;
	}
	c->ncodes = n;
	qsort(c->codes, n, sizeof(pc_code), cmp_code);
	c->hcpcs_label = col_text(lt, 0, 1);
	MemoryContextSwitchTo(old);
}

static pc_drug_line
drug_line_of(const char *s)
{
	if (s == NULL)
		return PC_DRUG_LINE_ALLOWED;
	if (strcmp(s, "expected") == 0)
		return PC_DRUG_LINE_EXPECTED;
	if (strcmp(s, "procedure_only") == 0)
		return PC_DRUG_LINE_PROCEDURE_ONLY;
	if (strcmp(s, "needs_documentation") == 0)
		return PC_DRUG_LINE_NEEDS_DOCUMENTATION;
	return PC_DRUG_LINE_ALLOWED;
}

static void
load_modifiers(pc_cache *c, Snapshot snap)
{
	SPITupleTable *t = run_query(
		"SELECT modifier, drug_line, description, source, "
		"category OPERATOR(pg_catalog.=) 'procedure'::pg_catalog.text, "
		RANGE_COLS("valid") " FROM j7599.modifier", snap);
	SPITupleTable *lt = run_query(
		"SELECT coalesce(pg_catalog.string_agg(l, ' / '::pg_catalog.text ORDER BY l), "
		"'HCPCS and CPT modifiers'::pg_catalog.text) FROM "
		"(SELECT DISTINCT code_set" CAT "CASE WHEN code_set_version OPERATOR(pg_catalog.=) "
		"ANY ('{\"\",unversioned}'::pg_catalog.text[]) "
		"THEN ''::pg_catalog.text ELSE ' '::pg_catalog.text" CAT "code_set_version END AS l "
		"FROM j7599.modifier) s", snap);
	SPITupleTable *ct = run_query(
		"SELECT modifier_a, modifier_b, reason, source FROM j7599.modifier_conflict", snap);
	MemoryContext old = MemoryContextSwitchTo(c->cxt);
	uint64		i;
	int			n = 0;

	for (i = 0; i < t->numvals; i++)
	{
		char	   *m = col_text(t, i, 1);
		int			ix;
		pc_modifier *pm;

		if (m == NULL || strlen(m) != 2 || (ix = pc_modifier_index(m)) < 0)
			continue;
		pm = &c->modifiers[ix];
		pm->present = true;
		pm->drug_line = drug_line_of(col_text(t, i, 2));
		pm->description = col_text(t, i, 3);
		pm->source = col_text(t, i, 4);
		if (pm->source == NULL)
			pm->source = "j7599.modifier";
		{
			bool		isnull;

			pm->procedure = col_bool(t, i, 5, &isnull);
		}
		pm->valid = col_range(t, i, 6);
	}
	c->modifier_label = col_text(lt, 0, 1);

	c->conflicts = palloc0(sizeof(pc_conflict) * Max(ct->numvals, 1));
	for (i = 0; i < ct->numvals; i++)
	{
		char	   *a = col_text(ct, i, 1);
		char	   *b = col_text(ct, i, 2);
		int			x,
					y;

		if (a == NULL || b == NULL || strlen(a) != 2 || strlen(b) != 2)
			continue;
		x = pc_modifier_index(a);
		y = pc_modifier_index(b);
		if (x < 0 || y < 0 || x == y)
			continue;
		c->conflicts[n].pair = (uint32) (Min(x, y) * PC_NMODIFIERS + Max(x, y));
		c->conflicts[n].reason = col_text(ct, i, 3);
		c->conflicts[n].source = col_text(ct, i, 4);
		if (c->conflicts[n].reason == NULL)
			c->conflicts[n].reason = "they may not stand on one line";
		if (c->conflicts[n].source == NULL)
			c->conflicts[n].source = "j7599.modifier_conflict";
		n++;
	}
	c->nconflicts = n;
	qsort(c->conflicts, n, sizeof(pc_conflict), cmp_conflict);
	MemoryContextSwitchTo(old);
}

static void
load_pos(pc_cache *c, Snapshot snap)
{
	SPITupleTable *t = run_query(
		"SELECT code, name, source, " RANGE_COLS("valid")
		" FROM j7599.place_of_service", snap);
	MemoryContext old = MemoryContextSwitchTo(c->cxt);
	uint64		i;

	for (i = 0; i < t->numvals; i++)
	{
		char	   *code = col_text(t, i, 1);
		pc_pos	   *p;

		if (code == NULL || strlen(code) != 2 ||
			code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9')
			continue;
		p = &c->pos[(code[0] - '0') * 10 + (code[1] - '0')];
		p->present = true;
		p->name = col_text(t, i, 2);
		p->source = col_text(t, i, 3);
		if (p->name == NULL)
			p->name = "";
		if (p->source == NULL)
			p->source = "j7599.place_of_service";
		p->valid = col_range(t, i, 4);
	}
	MemoryContextSwitchTo(old);
}

/* drug_code; form and valid read as 'any' and '(,)' from a 1.0 schema */
static SPITupleTable *
query_drugs(Snapshot snap)
{
	bool		dated = strcmp(column_or_null("drug_code", "valid"), "NULL") != 0;
	char		q[1024];

	snprintf(q, sizeof(q),
			 "SELECT drug, code, source, %s::pg_catalog.text, %s FROM j7599.drug_code "
			 "ORDER BY drug COLLATE pg_catalog.\"C\", code COLLATE pg_catalog.\"C\"",
			 column_or_null("drug_code", "form"),
			 dated ? RANGE_COLS("valid") : RANGE_COLS("'(,)'::pg_catalog.daterange"));
	return run_query(q, snap);
}

static void
load_drugs(pc_cache *c, Snapshot snap)
{
	SPITupleTable *t = query_drugs(snap);
	MemoryContext old = MemoryContextSwitchTo(c->cxt);
	uint64		i;
	int			n = 0;
	int			ncodes = 0;
	const char **names;
	size_t	   *lens;
	size_t		size;
	void	   *mem;

	c->drugs = palloc0(sizeof(pc_drug) * Max(t->numvals, 1));
	c->drug_codes = palloc0(sizeof(uint32) * Max(t->numvals, 1));
	for (i = 0; i < t->numvals; i++)
	{
		char	   *drug = col_text(t, i, 1);
		char	   *code = col_text(t, i, 2);
		uint32		key;
		pc_drug    *d;

		if (drug == NULL || code == NULL || strlen(code) != 5 ||
			(key = pc_code_key(code)) == 0)
			continue;
		c->drug_codes[ncodes++] = key;
		if (n == 0 || strcmp(c->drugs[n - 1].name, drug) != 0)
		{
			d = &c->drugs[n++];
			d->name = drug;
			d->source = col_text(t, i, 3);
			if (d->source == NULL)
				d->source = "j7599.drug_code";
			d->codes = palloc(sizeof(uint32) * t->numvals);
			d->forms = palloc0(sizeof(uint8) * t->numvals);
			d->valid = palloc(sizeof(pc_range) * t->numvals);
			d->ncodes = 0;
		}
		d = &c->drugs[n - 1];
		if (d->ncodes == 0 || d->codes[d->ncodes - 1] != key)
		{
			char	   *form = col_text(t, i, 4);

			d->forms[d->ncodes] = form == NULL ? PC_FORM_ANY :
				strcmp(form, "oral") == 0 ? PC_FORM_ORAL :
				strcmp(form, "oral suspension") == 0 ? PC_FORM_ORAL_SUSPENSION :
				strcmp(form, "granules") == 0 ? PC_FORM_GRANULES :
				strcmp(form, "injection") == 0 ? PC_FORM_INJECTION : PC_FORM_ANY;
			d->valid[d->ncodes] = col_range(t, i, 5);
			d->codes[d->ncodes++] = key;
		}
	}
	c->ndrugs = n;

	/* the codes, sorted and distinct */
	qsort(c->drug_codes, ncodes, sizeof(uint32), cmp_uint32);
	c->ndrug_codes = 0;
	for (i = 0; i < (uint64) ncodes; i++)
		if (c->ndrug_codes == 0 || c->drug_codes[c->ndrug_codes - 1] != c->drug_codes[i])
			c->drug_codes[c->ndrug_codes++] = c->drug_codes[i];

	/* the name index */
	names = palloc(sizeof(char *) * Max(n, 1));
	lens = palloc(sizeof(size_t) * Max(n, 1));
	for (i = 0; i < (uint64) n; i++)
	{
		names[i] = c->drugs[i].name;
		lens[i] = strlen(c->drugs[i].name);
	}
	size = narr_index_size(names, lens, n);
	mem = palloc(size);
	c->drug_index = narr_index_build(mem, size, names, lens, n);
	if (c->drug_index == NULL)
		elog(ERROR, "j7599: could not index the drug names");
	MemoryContextSwitchTo(old);
}

/*
 * Binary search of n elements of size stride, sorted by the C string that a
 * pointer at byte offset `offset` of each element points to, for the string
 * s[0..len).  Returns the index, or -1.
 */
static int
find_sorted_string(const void *base, int n, size_t stride, size_t offset,
				   const char *s, int len)
{
	int			lo = 0;
	int			hi = n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;
		const char *k = *(const char *const *) ((const char *) base + mid * stride + offset);
		int			klen = (int) strlen(k);
		int			r = memcmp(s, k, Min(len, klen));

		if (r == 0)
			r = (len > klen) - (len < klen);
		if (r == 0)
			return mid;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* a payer by its exact payer_id (payers are sorted by it) */
static int
find_payer_exact(const pc_cache *c, const char *s, int len)
{
	return find_sorted_string(c->payers, c->npayers, sizeof(c->payers[0]),
							  offsetof(pc_payer, payer_id), s, len);
}

/* a payer_key among sorted key entries */
static int
find_key(const pc_key_entry *keys, int n, const char *key, int keylen)
{
	return find_sorted_string(keys, n, sizeof(pc_key_entry),
							  offsetof(pc_key_entry, key), key, keylen);
}

static char *
make_key(const char *s, int *len)
{
	int			n = (int) strlen(s);
	char	   *k = palloc(n + 1);

	*len = payer_key(s, n, k, n);
	k[*len] = '\0';
	return k;
}

/*
 * The regex library keeps a compiled pattern outside memory contexts: the
 * patterns of a cache are freed when its context goes (a reload, or a load
 * that failed half-way).
 */
static void
free_alias_patterns(void *arg)
{
	pc_cache   *c = (pc_cache *) arg;
	int			i;

	for (i = 0; i < c->nalias_matches; i++)
		if (c->alias_matches[i].re != NULL)
			pg_regfree(c->alias_matches[i].re);
	c->nalias_matches = 0;
}

/*
 * A payer alias pattern, compiled as `text ~* pattern` compiles it (an
 * advanced regular expression, case-insensitive, the database's collation);
 * NULL when it does not compile (the table's check refuses such a pattern).
 */
static regex_t *
compile_alias_pattern(const char *pattern)
{
	int			len = (int) strlen(pattern);
	pg_wchar   *w = palloc(sizeof(pg_wchar) * (len + 1));
	int			wlen = pg_mb2wchar_with_len(pattern, w, len);
	regex_t    *re = palloc(sizeof(regex_t));
	int			rc = pg_regcomp(re, w, wlen, REG_ADVANCED | REG_ICASE, DEFAULT_COLLATION_OID);

	pfree(w);
	if (rc != REG_OKAY)
	{
		pfree(re);
		return NULL;
	}
	return re;
}

static void
load_payers(pc_cache *c, Snapshot snap)
{
	SPITupleTable *t = run_query(
		"SELECT payer_id, name, parent_id FROM j7599.payer "
		"ORDER BY payer_id COLLATE pg_catalog.\"C\"",
		snap);
	/*
	 * match and priority through to_jsonb: a 1.0 table, not yet updated, has
	 * neither (its aliases are all exact)
	 */
	SPITupleTable *at = run_query(
		"SELECT a.alias, a.payer_id, coalesce(to_jsonb(a) ->> 'match', 'exact') "
		"FROM j7599.payer_alias AS a "
		"ORDER BY (to_jsonb(a) ->> 'priority')::int NULLS LAST, a.alias COLLATE pg_catalog.\"C\"",
		snap);
	MemoryContext old = MemoryContextSwitchTo(c->cxt);
	char	  **parents;
	int			default_payer;
	uint64		i;
	int			n;

	c->npayers = (int) t->numvals;
	c->payers = palloc0(sizeof(pc_payer) * Max(c->npayers, 1));
	parents = palloc0(sizeof(char *) * Max(c->npayers, 1));
	for (i = 0; i < t->numvals; i++)
	{
		c->payers[i].payer_id = col_text(t, i, 1);
		c->payers[i].name = col_text(t, i, 2);
		if (c->payers[i].payer_id == NULL)
			c->payers[i].payer_id = "";
		if (c->payers[i].name == NULL)
			c->payers[i].name = c->payers[i].payer_id;
		parents[i] = col_text(t, i, 3);
	}
	for (i = 0; i < t->numvals; i++)
		c->payers[i].parent = parents[i]
			? find_payer_exact(c, parents[i], (int) strlen(parents[i])) : -1;
	default_payer = find_payer_exact(c, "default", 7);

	/* chains: the payer, its parents up to 32 steps or a cycle, then 'default' */
	for (i = 0; i < t->numvals; i++)
	{
		int			chain[MAX_CHAIN];
		int			len = 0;
		int			p = (int) i;
		bool		has_default = false;
		int			k;

		while (p >= 0 && len < 33)
		{
			for (k = 0; k < len; k++)
				if (chain[k] == p)
					break;
			if (k < len)
				break;			/* a cycle */
			chain[len++] = p;
			if (p == default_payer)
				has_default = true;
			p = c->payers[p].parent;
		}
		if (!has_default && default_payer >= 0)
			chain[len++] = default_payer;
		c->payers[i].nchain = len;
		c->payers[i].chain = palloc(sizeof(int) * len);
		memcpy(c->payers[i].chain, chain, sizeof(int) * len);
	}

	/* keys of payer ids: a key two ids share resolves to nobody */
	c->max_key_len = 0;
	c->id_keys = palloc0(sizeof(pc_key_entry) * Max(c->npayers, 1));
	for (i = 0; i < (uint64) c->npayers; i++)
	{
		int			len;

		c->id_keys[i].key = make_key(c->payers[i].payer_id, &len);
		c->id_keys[i].payer = (int) i;
		c->max_key_len = Max(c->max_key_len, len);
	}
	qsort(c->id_keys, c->npayers, sizeof(pc_key_entry), cmp_key_entry);
	n = 0;
	for (i = 0; i < (uint64) c->npayers; i++)
	{
		if (n > 0 && strcmp(c->id_keys[n - 1].key, c->id_keys[i].key) == 0)
		{
			c->id_keys[n - 1].payer = -1;
			continue;
		}
		c->id_keys[n++] = c->id_keys[i];
	}
	c->nid_keys = n;

	/*
	 * keys of exact aliases (unique by the table's index); prefixes and
	 * patterns in the query's order
	 */
	c->alias_keys = palloc0(sizeof(pc_key_entry) * Max(at->numvals, 1));
	c->alias_matches = palloc0(sizeof(pc_alias_match) * Max(at->numvals, 1));
	c->nalias_matches = 0;
	{
		MemoryContextCallback *cb = palloc0(sizeof(MemoryContextCallback));

		cb->func = free_alias_patterns;
		cb->arg = c;
		MemoryContextRegisterResetCallback(c->cxt, cb);
	}
	n = 0;
	for (i = 0; i < at->numvals; i++)
	{
		char	   *alias = col_text(at, i, 1);
		char	   *pid = col_text(at, i, 2);
		char	   *match = col_text(at, i, 3);
		int			len;
		int			p;

		if (alias == NULL || pid == NULL || match == NULL)
			continue;
		p = find_payer_exact(c, pid, (int) strlen(pid));
		if (p < 0)
			continue;
		if (strcmp(match, "pattern") == 0)
		{
			regex_t    *re = compile_alias_pattern(alias);

			if (re != NULL)
			{
				c->alias_matches[c->nalias_matches].re = re;
				c->alias_matches[c->nalias_matches].payer = p;
				c->nalias_matches++;
			}
			continue;
		}
		if (strcmp(match, "prefix") == 0)
		{
			pc_alias_match *m = &c->alias_matches[c->nalias_matches];

			m->key = make_key(alias, &m->keylen);
			m->payer = p;
			if (m->keylen > 0)
				c->nalias_matches++;
			continue;
		}
		if (strcmp(match, "exact") != 0)
			continue;
		c->alias_keys[n].key = make_key(alias, &len);
		c->alias_keys[n].payer = p;
		if (len == 0)
			continue;
		c->max_key_len = Max(c->max_key_len, len);
		n++;
	}
	c->nalias_keys = n;
	qsort(c->alias_keys, n, sizeof(pc_key_entry), cmp_key_entry);
	MemoryContextSwitchTo(old);
}

/*
 * The columns of load_policies' query: the row's identity, then every field
 * of policy_fields.def in its order, then what the hand-loaded fields also
 * need.  The query text and the positions come from the same list.
 */
#define COL_POLICY_ID	1
#define COL_PAYER_ID	2
#define COL_CODE		3
#define COL_VALID		4			/* 4-7: RANGE_COLS */
#define COL_FIELD(f)	(8 + (f))
#define COL_SOURCE		(8 + PF__COUNT)
#define COL_CONFIDENCE	(9 + PF__COUNT)
#define COL_DX_TEXT		(10 + PF__COUNT)
#define COL_POS_TEXT	(11 + PF__COUNT)
#define COL_UNITS_TEXT	(12 + PF__COUNT)
#define COL_UNITS_FLOOR (13 + PF__COUNT)
#define COL_ASSUMED		(14 + PF__COUNT)

/* the BOOL, INT4 and TEXT fields: where each goes in pc_policy */
typedef enum pc_load
{
	LOAD_BOOL,
	LOAD_INT4,
	LOAD_TEXT
} pc_load;

typedef struct pc_simple_field
{
	pc_field	field;
	pc_load		load;
	size_t		offset;
} pc_simple_field;

#define SIMPLE_BOOL(ID, name)	{PF_##ID, LOAD_BOOL, offsetof(pc_policy, name)},
#define SIMPLE_INT4(ID, name)	{PF_##ID, LOAD_INT4, offsetof(pc_policy, name)},
#define SIMPLE_TEXT(ID, name)	{PF_##ID, LOAD_TEXT, offsetof(pc_policy, name)},
#define SIMPLE_DX_PREFIXES(ID, name)
#define SIMPLE_POS_SET(ID, name)
#define SIMPLE_UNITS_LIMIT(ID, name)
static const pc_simple_field simple_fields[] = {
#define POLICY_FIELD(ID, name, load, sqltype, since, doc) SIMPLE_##load(ID, name)
#include "policy_fields.def"
#undef POLICY_FIELD
};

/*
 * The field columns of the query, in the order of policy_fields.def.  A
 * field whose column the table does not have yet reads as NULL (unknown):
 * a server gets the library of a new version, which may know a field more,
 * before ALTER EXTENSION UPDATE adds its column.
 */
static void
append_field_columns(StringInfo q)
{
	Oid			relid = get_relname_relid("policy", get_namespace_oid("j7599", false));

	for (int f = 0; f < PF__COUNT; f++)
		appendStringInfo(q, "%s, ", get_attnum(relid, field_names[f]) != InvalidAttrNumber ?
						 quote_identifier(field_names[f]) : "NULL");
}

static int
unit_limit_cmp(const void *a, const void *b)
{
	uint32		x = ((const pc_unit_limit *) a)->code;
	uint32		y = ((const pc_unit_limit *) b)->code;

	return x < y ? -1 : x > y ? 1 : 0;
}

/*
 * j7599.unit_limit (1.1), when the table exists: a database still at 1.0
 * served by the 1.1 library has none, and then no limit.  max_units is kept
 * in millionths of a unit (claims.h: the engine sums units that way).
 */
static void
load_unit_limits(pc_cache *c, Snapshot snap)
{
	SPITupleTable *t;
	MemoryContext old;
	uint64		i;
	int			n = 0;

	watched_unit_limit = get_relname_relid("unit_limit", j7599_namespace());
	if (!OidIsValid(watched_unit_limit))
		return;
	t = run_query(
		"SELECT code, payer_id, "
		"pg_catalog.round(max_units OPERATOR(pg_catalog.*) 1000000)::pg_catalog.int8, "
		"per OPERATOR(pg_catalog.=) 'day', source, " RANGE_COLS("valid")
		" FROM j7599.unit_limit "
		"WHERE max_units OPERATOR(pg_catalog.<) 9000000000000 "
		"ORDER BY code COLLATE pg_catalog.\"C\"", snap);
	old = MemoryContextSwitchTo(c->cxt);
	c->unit_limits = palloc0(sizeof(pc_unit_limit) * Max(t->numvals, 1));
	for (i = 0; i < t->numvals; i++)
	{
		char	   *code = col_text(t, i, 1);
		char	   *payer = col_text(t, i, 2);
		pc_unit_limit *u = &c->unit_limits[n];
		bool		isnull;
		Datum		d;
		uint32		key;

		if (code == NULL || strlen(code) != 5 || (key = pc_code_key(code)) == 0)
			continue;
		u->code = key;
		u->payer = -1;
		if (payer != NULL)
		{
			u->payer = find_payer_exact(c, payer, (int) strlen(payer));
			if (u->payer < 0)
				continue;		/* a payer the cache does not know: no line matches it */
		}
		d = col(t, i, 3, &isnull);
		if (isnull)
			continue;
		u->max_micro = DatumGetInt64(d);
		u->per_day = col_bool(t, i, 4, &isnull);
		u->source = col_text(t, i, 5);
		if (u->source == NULL)
			u->source = "j7599.unit_limit";
		u->valid = col_range(t, i, 6);
		n++;
	}
	c->nunit_limits = n;
	qsort(c->unit_limits, n, sizeof(pc_unit_limit), unit_limit_cmp);
	MemoryContextSwitchTo(old);
}

static void
load_policies(pc_cache *c, Snapshot snap)
{
	StringInfoData q;
	SPITupleTable *t;
	MemoryContext old;
	uint64		i;
	int			n = 0;

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT policy_id, payer_id, code, " RANGE_COLS("valid") ", ");
	append_field_columns(&q);
	appendStringInfoString(&q,
		"source, confidence, "
		"pg_catalog.array_to_string(dx_required, ', '::pg_catalog.text), "
		"pg_catalog.array_to_string(pos_allowed, ', '::pg_catalog.text), "
		"max_units::pg_catalog.text, "
		"CASE WHEN max_units IS NULL "
		"       OR max_units OPERATOR(pg_catalog.=) 'NaN'::pg_catalog.numeric THEN NULL "
		"     WHEN max_units OPERATOR(pg_catalog.>=) '9223372036854775807'::pg_catalog.numeric "
		"     THEN '9223372036854775807'::pg_catalog.int8 "
		"     WHEN max_units OPERATOR(pg_catalog.<=) '-9223372036854775808'::pg_catalog.numeric "
		"     THEN '-9223372036854775808'::pg_catalog.int8 "
		"     ELSE pg_catalog.floor(max_units)::pg_catalog.int8 END, 0");
	/* the fields whose confidence is 'assumed', as bits (1 << pc_field) */
	for (int f = 0; f < PF__COUNT; f++)
		appendStringInfo(&q, " OPERATOR(pg_catalog.|) CASE WHEN COALESCE("
						 "field_confidence OPERATOR(pg_catalog.->>) %s, confidence) "
						 "OPERATOR(pg_catalog.=) 'assumed'::pg_catalog.text THEN %d ELSE 0 END",
						 quote_literal_cstr(field_names[f]), 1 << f);
	appendStringInfoString(&q, " FROM j7599.policy");
	t = run_query(q.data, snap);
	old = MemoryContextSwitchTo(c->cxt);

	c->policies = palloc0(sizeof(pc_policy) * Max(t->numvals, 1));
	for (i = 0; i < t->numvals; i++)
	{
		pc_policy  *p = &c->policies[n];
		char	   *pid = col_text(t, i, COL_PAYER_ID);
		char	   *code = col_text(t, i, COL_CODE);
		bool		isnull;
		Datum		d;

		if (pid == NULL || code == NULL || strlen(code) != 5)
			continue;
		p->payer = find_payer_exact(c, pid, (int) strlen(pid));
		p->code = pc_code_key(code);
		if (p->payer < 0 || p->code == 0)
			continue;
		p->policy_id = col_text(t, i, COL_POLICY_ID);
		p->valid = col_range(t, i, COL_VALID);

		for (int k = 0; k < (int) lengthof(simple_fields); k++)
		{
			const pc_simple_field *sf = &simple_fields[k];
			char	   *member = (char *) p + sf->offset;

			d = col(t, i, COL_FIELD(sf->field), &isnull);
			if (isnull)
				continue;
			switch (sf->load)
			{
				case LOAD_BOOL:
					*(bool *) member = DatumGetBool(d);
					break;
				case LOAD_INT4:
					*(int32 *) member = DatumGetInt32(d);
					break;
				case LOAD_TEXT:
					*(const char **) member = TextDatumGetCString(d);
					break;
			}
			p->present |= 1u << sf->field;
		}
		if (p->kx_rule != NULL)
			p->kx_conditional = strcmp(p->kx_rule, "conditional") == 0;

		d = col(t, i, COL_FIELD(PF_DX_REQUIRED), &isnull);
		if (!isnull)
		{
			ArrayType  *arr = DatumGetArrayTypeP(d);
			Datum	   *elems;
			bool	   *nulls;
			int			nelems;
			int			k;

			deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
							  &elems, &nulls, &nelems);
			p->dx_required = palloc(sizeof(char *) * Max(nelems, 1));
			p->ndx_required = 0;
			for (k = 0; k < nelems; k++)
			{
				char	   *s;
				char	   *norm;
				int			m = 0;
				int			j;

				if (nulls[k])
					continue;
				s = TextDatumGetCString(elems[k]);
				norm = palloc(strlen(s) + 1);
				for (j = 0; s[j]; j++)
				{
					char		ch = s[j];

					if (ch == '.' || ch == ' ' || ch == '\t')
						continue;
					if (ch >= 'a' && ch <= 'z')
						ch = (char) (ch - ('a' - 'A'));
					norm[m++] = ch;
				}
				norm[m] = '\0';
				if (m > 0)
					p->dx_required[p->ndx_required++] = norm;
			}
			p->dx_required_text = col_text(t, i, COL_DX_TEXT);
			p->present |= 1u << PF_DX_REQUIRED;
		}

		d = col(t, i, COL_FIELD(PF_POS_ALLOWED), &isnull);
		if (!isnull)
		{
			ArrayType  *arr = DatumGetArrayTypeP(d);
			Datum	   *elems;
			bool	   *nulls;
			int			nelems;
			int			k;

			deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
							  &elems, &nulls, &nelems);
			for (k = 0; k < nelems; k++)
			{
				char	   *s;
				int			v;

				if (nulls[k])
					continue;
				s = TextDatumGetCString(elems[k]);
				if (pos_parse(s, strlen(s), &v, NULL))
					p->pos_allowed[v / 64] |= UINT64CONST(1) << (v % 64);
			}
			p->pos_allowed_text = col_text(t, i, COL_POS_TEXT);
			p->present |= 1u << PF_POS_ALLOWED;
		}

		d = col(t, i, COL_FIELD(PF_MAX_UNITS), &isnull);
		if (!isnull)
		{
			p->max_units = DatumGetNumericCopy(d);
			p->max_units_text = col_text(t, i, COL_UNITS_TEXT);
			d = col(t, i, COL_UNITS_FLOOR, &isnull);
			p->max_units_floor = isnull ? PG_INT64_MAX : DatumGetInt64(d);
			p->present |= 1u << PF_MAX_UNITS;
		}
		p->source = col_text(t, i, COL_SOURCE);
		if (p->source == NULL)
			p->source = "j7599.policy";
		p->confidence = col_text(t, i, COL_CONFIDENCE);
		d = col(t, i, COL_ASSUMED, &isnull);
		p->assumed = isnull ? 0 : (uint32) DatumGetInt32(d);
		p->source_via = psprintf("%s (via %s)", p->source,
								 c->payers[p->payer].payer_id);
		n++;
	}
	c->npolicies = n;
	qsort(c->policies, n, sizeof(pc_policy), cmp_policy);
	MemoryContextSwitchTo(old);
}

static int
cmp_ndc_code(const void *a, const void *b)
{
	const pc_ndc_code *x = a;
	const pc_ndc_code *y = b;

	if (x->ndc != y->ndc)
		return x->ndc < y->ndc ? -1 : 1;
	if (x->code != y->code)
		return x->code < y->code ? -1 : 1;
	return x->valid.lo < y->valid.lo ? -1 : x->valid.lo > y->valid.lo ? 1 : 0;
}

/* the NDC crosswalk (ndc_code), when the schema has it */
static void
load_ndc_codes(pc_cache *c, Snapshot snap)
{
	SPITupleTable *t;
	MemoryContext old;
	uint64		i;
	int			n = 0;

	if (!OidIsValid(watched[N_REQUIRED]))
		return;
	t = run_query("SELECT ndc::pg_catalog.text, code, drug_name, source, " RANGE_COLS("valid")
				  " FROM j7599.ndc_code", snap);
	old = MemoryContextSwitchTo(c->cxt);
	c->ndc = palloc0(sizeof(pc_ndc_code) * Max(t->numvals, 1));
	for (i = 0; i < t->numvals; i++)
	{
		pc_ndc_code *x = &c->ndc[n];
		char	   *ndc = col_text(t, i, 1);
		char	   *code = col_text(t, i, 2);
		int64_t		v;

		if (ndc == NULL || code == NULL || strlen(code) != 5 ||
			!ndc_parse(ndc, strlen(ndc), &v, NULL) || (x->code = pc_code_key(code)) == 0)
			continue;
		x->ndc = (int64) v;
		memcpy(x->code_text, code, 6);
		x->drug_name = col_text(t, i, 3);
		x->source = col_text(t, i, 4);
		if (x->source == NULL)
			x->source = "j7599.ndc_code";
		x->valid = col_range(t, i, 5);
		x->code_row = pc_code_lookup(c, x->code);	/* the codes are loaded first */
		n++;
	}
	c->nndc = n;
	qsort(c->ndc, n, sizeof(pc_ndc_code), cmp_ndc_code);
	c->ndc_memo = palloc(sizeof(pc_ndc_memo) * PC_NDC_MEMO_SLOTS);
	for (i = 0; i < PC_NDC_MEMO_SLOTS; i++)
		c->ndc_memo[i].ndc = -1;	/* no NDC is negative: every slot empty */
	MemoryContextSwitchTo(old);
}

const pc_ndc_code *
pc_ndc_lookup(const pc_cache *c, int64 ndc, int *n)
{
	int			lo = 0,
				hi = c->nndc,
				first;
	pc_ndc_memo *m = NULL;

	/*
	 * A claims table bills few distinct NDCs, and the crosswalk is too big
	 * for the CPU's caches: the answers for recent NDCs are kept, one per
	 * slot of a direct-mapped table (a Fibonacci hash of the value).
	 */
	if (c->ndc_memo != NULL)
	{
		m = &c->ndc_memo[((uint64) ndc * UINT64CONST(0x9E3779B97F4A7C15)) >> (64 - PC_NDC_MEMO_BITS)];
		if (m->ndc == ndc)
		{
			*n = m->n;
			return m->n > 0 ? &c->ndc[m->first] : NULL;
		}
	}
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (c->ndc[mid].ndc < ndc)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < c->nndc && c->ndc[lo].ndc == ndc)
		lo++;
	*n = lo - first;
	if (m != NULL)
	{
		m->ndc = ndc;
		m->first = first;
		m->n = *n;
	}
	return *n > 0 ? &c->ndc[first] : NULL;
}

/* the rule settings (rule_setting), when the schema has them */
static void
load_settings(pc_cache *c, Snapshot snap)
{
	SPITupleTable *t;
	MemoryContext old;
	uint64		i;
	int			n = 0;

	if (!OidIsValid(watched[N_REQUIRED + 1]))
		return;
	t = run_query("SELECT payer_id, rule, severity, " RANGE_COLS("valid")
				  " FROM j7599.rule_setting", snap);
	old = MemoryContextSwitchTo(c->cxt);
	c->settings = palloc0(sizeof(pc_setting) * Max(t->numvals, 1));
	for (i = 0; i < t->numvals; i++)
	{
		pc_setting *x = &c->settings[n];
		char	   *payer = col_text(t, i, 1);
		char	   *rule = col_text(t, i, 2);
		char	   *sev = col_text(t, i, 3);
		rule_severity rs;
		int			k;

		if (rule == NULL || sev == NULL)
			continue;
		x->payer = -1;
		if (payer != NULL &&
			(x->payer = find_payer_exact(c, payer, (int) strlen(payer))) < 0)
			continue;
		x->rule = -1;
		for (k = 0; k < RULE__COUNT; k++)
			if (strcmp(rules_rule_name((rule_id) k), rule) == 0)
				x->rule = k;
		if (x->rule < 0)
			continue;			/* a rule this library does not know */
		if (strcmp(sev, "off") == 0)
			x->severity = PC_SETTING_OFF;
		else if (rules_severity_parse(sev, strlen(sev), &rs))
			x->severity = (int8) rs;
		else
			continue;
		x->valid = col_range(t, i, 4);
		n++;
	}
	c->nsettings = n;
	MemoryContextSwitchTo(old);
}

/*
 * The settings vector of one payer (chain, nchain; nchain 0: no payer) on
 * date `at` (undated: only settings in force at all times), or NULL.  The most
 * specific setting wins: the payer's own, its parents' in order, then the one
 * for every payer; among settings of one payer and rule in force together,
 * the one starting last.
 */
static const int8 *
settings_on(pc_cache *c, const int *chain, int nchain, bool undated, int64 at)
{
	int			rank[RULE__COUNT];
	int64		start[RULE__COUNT];
	int8		sev[RULE__COUNT];
	bool		any = false;
	int			i,
				k;
	int8	   *out;

	for (k = 0; k < RULE__COUNT; k++)
	{
		rank[k] = INT_MAX;
		sev[k] = PC_SETTING_NONE;
	}
	for (i = 0; i < c->nsettings; i++)
	{
		const pc_setting *x = &c->settings[i];
		int			rk = nchain;

		if (undated ? (x->valid.lo != PG_INT64_MIN || x->valid.hi != PG_INT64_MAX)
			: !(x->valid.lo <= at && at < x->valid.hi))
			continue;
		if (x->payer >= 0)
		{
			for (rk = 0; rk < nchain; rk++)
				if (chain[rk] == x->payer)
					break;
			if (rk == nchain)
				continue;
		}
		if (rk < rank[x->rule] || (rk == rank[x->rule] && x->valid.lo > start[x->rule]))
		{
			rank[x->rule] = rk;
			start[x->rule] = x->valid.lo;
			sev[x->rule] = x->severity;
			any = true;
		}
	}
	if (!any)
		return NULL;
	/* one more entry: does some setting make a rule an error? */
	out = palloc(sizeof(sev) + 1);
	memcpy(out, sev, sizeof(sev));
	out[RULE__COUNT] = 0;
	for (k = 0; k < RULE__COUNT; k++)
		if (sev[k] == RULE_SEV_ERROR)
			out[RULE__COUNT] = 1;
	return out;
}

static void
build_settings(pc_cache *c)
{
	MemoryContext old;
	int64	   *cuts;
	int64	   *los;
	int64	   *ats;
	int			p;

	if (c->nsettings == 0)
		return;
	old = MemoryContextSwitchTo(c->cxt);
	cuts = palloc(sizeof(int64) * (2 * c->nsettings + 1));
	los = palloc(sizeof(int64) * (2 * c->nsettings + 1));
	ats = palloc(sizeof(int64) * (2 * c->nsettings + 1));
	c->setting_sets = palloc0(sizeof(pc_setting_set) * (c->npayers + 1));
	for (p = 0; p <= c->npayers; p++)
	{
		pc_setting_set *set = &c->setting_sets[p];
		const int  *chain = p < c->npayers ? c->payers[p].chain : NULL;
		int			nchain = p < c->npayers ? c->payers[p].nchain : 0;
		int			ncuts = 0;
		int			i;

		set->undated = settings_on(c, chain, nchain, true, 0);
		cuts[ncuts++] = PG_INT64_MIN;
		for (i = 0; i < c->nsettings; i++)
		{
			if (c->settings[i].valid.lo != PG_INT64_MIN)
				cuts[ncuts++] = c->settings[i].valid.lo;
			if (c->settings[i].valid.hi != PG_INT64_MAX)
				cuts[ncuts++] = c->settings[i].valid.hi;
		}
		set->nsegs = stretches(cuts, ncuts, los, ats);
		set->segs = palloc(sizeof(pc_setting_seg) * set->nsegs);
		for (i = 0; i < set->nsegs; i++)
		{
			set->segs[i].lo = los[i];
			set->segs[i].sev = settings_on(c, chain, nchain, false, ats[i]);
		}
	}
	MemoryContextSwitchTo(old);
}

bool
pc_has_settings(const pc_cache *c)
{
	return c->nsettings > 0;
}

const int8 *
pc_settings(const pc_cache *c, int payer, bool has_date, DateADT d)
{
	const pc_setting_set *set;
	int			lo,
				hi;

	if (c->nsettings == 0)
		return NULL;
	set = &c->setting_sets[payer >= 0 && payer < c->npayers ? payer : c->npayers];
	if (!has_date)
		return set->undated;
	lo = 0;
	hi = set->nsegs;
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (set->segs[mid].lo <= (int64) d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 ? set->segs[lo - 1].sev : NULL;
}

/* drug status of each code, once codes and drug names are loaded */
static void
mark_drug_codes(pc_cache *c)
{
	int			i;

	for (i = 0; i < c->ncodes; i++)
	{
		pc_code    *pc = &c->codes[i];

		pc->is_drug = pc->code[0] == 'J' || pc->is_noc ||
			pc_code_has_drug_name(c, pc->key);
	}
}

/* the reference tables' schema, or an error saying how to repair it */
static Oid
j7599_namespace(void)
{
	return get_namespace_oid("j7599", false);
}

/* j7599._reference_version, or InvalidOid before the 1.1 upgrade */
static Oid
version_relid(void)
{
	return get_relname_relid("_reference_version", j7599_namespace());
}

/*
 * The changes recorded in j7599._reference_version that snap sees: one line
 * per transaction that changed a reference table and is not yet forgotten.
 * Two snapshots with the same answer see the same reference data.
 */
static char *
read_version(Snapshot snap)
{
	SPITupleTable *t = run_query(
		"SELECT coalesce(pg_catalog.string_agg(xid::pg_catalog.text, ','::pg_catalog.text "
		"ORDER BY xid), ''::pg_catalog.text) FROM j7599._reference_version", snap);

	return col_text(t, 0, 1);
}

static void
snapshot_id_set(pc_snapshot_id *id, Snapshot s, MemoryContext cxt)
{
	id->xmin = s->xmin;
	id->xmax = s->xmax;
	id->completions = s->snapXactCompletionCount;
	id->xcnt = s->xcnt;
	id->subxcnt = s->subxcnt;
	id->suboverflowed = s->suboverflowed;
	id->xip = MemoryContextAlloc(cxt, sizeof(TransactionId) * Max(s->xcnt, 1));
	if (s->xcnt > 0)
		memcpy(id->xip, s->xip, sizeof(TransactionId) * s->xcnt);
	id->subxip = MemoryContextAlloc(cxt, sizeof(TransactionId) * Max(s->subxcnt, 1));
	if (s->subxcnt > 0)
		memcpy(id->subxip, s->subxip, sizeof(TransactionId) * s->subxcnt);
}

/* does s see the same transactions of other sessions as the one of id? */
static bool
snapshot_id_matches(const pc_snapshot_id *id, Snapshot s)
{
	if (s == NULL || s->snapshot_type != SNAPSHOT_MVCC ||
		s->xmin != id->xmin || s->xmax != id->xmax)
		return false;
	/* built while no transaction with an xid ended: the same view */
	if (id->completions != 0 && s->snapXactCompletionCount == id->completions)
		return true;
	return s->xcnt == id->xcnt && s->subxcnt == id->subxcnt &&
		s->suboverflowed == id->suboverflowed &&
		(s->xcnt == 0 || memcmp(s->xip, id->xip, sizeof(TransactionId) * s->xcnt) == 0) &&
		(s->subxcnt <= 0 || memcmp(s->subxip, id->subxip, sizeof(TransactionId) * s->subxcnt) == 0);
}

/*
 * Reads the eight tables with the snapshot of the query being run (the one
 * a STABLE function would see: the statement's in READ COMMITTED, the
 * transaction's in REPEATABLE READ), so that the leader and the workers of a
 * parallel query, which share that snapshot, read the same data.
 *
 * That snapshot may miss a change whose invalidation has already arrived
 * (committed after the snapshot was taken).  A cache read so must not
 * outlive the snapshot: j7599._reference_version, to which every change of
 * a reference table adds its transaction id, is read with the loading
 * snapshot and with the latest one; when they differ, the cache is bound to
 * the loading snapshot (see pc_get).
 */
/* cold and out of line: pc_get, which every row calls, stays a few lines */
static pg_noinline pg_attribute_cold void
load(Snapshot active)
{
	MemoryContext cxt;
	pc_cache   *c;
	Snapshot	snap;
	uint64		started = inval_count;
	Oid			nsp;
	Oid			vrel;
	int			nestlevel;
	int			i;

	if (loading_cxt != NULL)
	{
		/* a previous load failed half-way */
		MemoryContextDelete(loading_cxt);
		loading_cxt = NULL;
	}

	nsp = j7599_namespace();
	for (i = 0; i < N_TABLES; i++)
	{
		watched[i] = get_relname_relid(table_names[i], nsp);
		if (!OidIsValid(watched[i]) && i < N_REQUIRED)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("relation \"j7599.%s\" does not exist", table_names[i]),
					 errhint("Reinstall the extension: DROP EXTENSION j7599; CREATE EXTENSION j7599;")));
	}
	vrel = version_relid();

	cxt = AllocSetContextCreate(CacheMemoryContext, "j7599 reference cache",
								ALLOCSET_DEFAULT_SIZES);
	loading_cxt = cxt;
	c = MemoryContextAllocZero(cxt, sizeof(pc_cache));
	c->cxt = cxt;
	c->seen_inval = started;
	for (i = 0; i < PAYER_MEMO_SLOTS; i++)
		c->payer_memo[i].len = -1;

	snap = RegisterSnapshot(active != NULL ? active : GetTransactionSnapshot());

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "j7599: SPI_connect failed");
	nestlevel = pin_search_path();
	load_codes(c, snap);
	load_modifiers(c, snap);
	load_pos(c, snap);
	load_drugs(c, snap);
	load_payers(c, snap);
	load_policies(c, snap);
	load_unit_limits(c, snap);
	load_ndc_codes(c, snap);
	load_settings(c, snap);

	if (IsParallelWorker())
	{
		/* lives for one query of the leader, with the leader's snapshot */
	}
	else if (IsInParallelMode())
	{
		/* no new snapshot can be taken: keep the cache to this snapshot */
		c->bound = true;
	}
	else
	{
		/*
		 * Every invalidation taken in so far (during this load too) comes
		 * from a commit the latest snapshot sees.
		 */
		uint64		seen = inval_count;
		Snapshot	latest = RegisterSnapshot(GetLatestSnapshot());

		if (OidIsValid(vrel) && !RecoveryInProgress())
		{
			char	   *mine = read_version(snap);
			char	   *now = read_version(latest);

			c->bound = strcmp(mine ? mine : "", now ? now : "") != 0;
		}
		else
		{
			/*
			 * No record of changes (a hot standby cannot read the unlogged
			 * table; a 1.0 schema has none): any transaction ended since
			 * the loading snapshot may have changed the tables.
			 */
			c->bound = !snapshot_id_matches(&(pc_snapshot_id) {
				.xmin = snap->xmin, .xmax = snap->xmax,
				.completions = snap->snapXactCompletionCount,
				.xcnt = snap->xcnt, .subxcnt = snap->subxcnt,
				.suboverflowed = snap->suboverflowed,
				.xip = snap->xip, .subxip = snap->subxip}, latest);
		}
		UnregisterSnapshot(latest);
		c->seen_inval = seen;
	}
	if (c->bound)
		snapshot_id_set(&c->read_with, snap, cxt);

	build_segments(c);
	build_settings(c);
	mark_drug_codes(c);
	unpin_search_path(nestlevel);
	SPI_finish();
	UnregisterSnapshot(snap);

	/* swap */
	loading_cxt = NULL;
	if (current != NULL)
		MemoryContextDelete(current->cxt);
	current = c;
	loads++;
}

/*
 * A query pc_get() has not served yet (another snapshot, statement or
 * transaction): take in what other sessions committed, and drop a cache
 * bound to a snapshot this query does not share.
 */
static pg_noinline void
new_query(Snapshot active, TimestampTz ts)
{
	last_statement = ts;
	last_lxid = MY_LXID;
	last_snapshot = active;
	last_completions = active != NULL ? active->snapXactCompletionCount : 0;
	AcceptInvalidationMessages();
	if (current != NULL && current->bound &&
		!snapshot_id_matches(&current->read_with, active))
		current->seen_inval = SEEN_NOTHING;
}

pc_cache *
pc_get(void)
{
	Snapshot	active = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;
	TimestampTz ts = GetCurrentStatementStartTimestamp();

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
		callback_registered = true;
	}
	if (unlikely(active != last_snapshot || ts != last_statement ||
				 MY_LXID != last_lxid ||
				 (active != NULL && active->snapXactCompletionCount != last_completions)))
		new_query(active, ts);
	if (unlikely(current == NULL || current->seen_inval != inval_count))
		load(active);
	return current;
}

/* ------------------------------------------------------------ changes */

/*
 * Adds this transaction to j7599._reference_version, once per
 * (sub)transaction, as the table's owner (the caller may write a reference
 * table without any right on it).  In READ COMMITTED it also forgets the
 * transactions every snapshot already sees, skipping rows another session
 * is forgetting; a REPEATABLE READ transaction leaves that to the next one,
 * as its delete could conflict with another's.
 */
static void
record_change(void)
{
	Oid			vrel;
	HeapTuple	tup;
	Oid			owner;
	Oid			save_userid;
	int			save_sec;
	int			nestlevel;
	int			rc;

	if (bumped_lxid == MY_LXID && bumped_subxid == GetCurrentSubTransactionId())
		return;
	vrel = version_relid();
	if (OidIsValid(vrel))
	{
		tup = SearchSysCache1(RELOID, ObjectIdGetDatum(vrel));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "j7599: cache lookup failed for relation %u", vrel);
		owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
		ReleaseSysCache(tup);

		GetUserIdAndSecContext(&save_userid, &save_sec);
		SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE |
							   SECURITY_RESTRICTED_OPERATION);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "j7599: SPI_connect failed");
		nestlevel = pin_search_path();
		rc = SPI_execute("INSERT INTO j7599._reference_version (xid) "
						 "VALUES (pg_catalog.pg_current_xact_id()) ON CONFLICT (xid) DO NOTHING",
						 false, 0);
		if (rc != SPI_OK_INSERT)
			elog(ERROR, "j7599: could not record a change of the reference tables: %s",
				 SPI_result_code_string(rc));
		if (!IsolationUsesXactSnapshot())
		{
			rc = SPI_execute("DELETE FROM j7599._reference_version WHERE ctid OPERATOR(pg_catalog.=) ANY "
							 "(ARRAY(SELECT v.ctid FROM j7599._reference_version AS v "
							 "WHERE v.xid OPERATOR(pg_catalog.<) "
							 "pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot()) "
							 "FOR UPDATE SKIP LOCKED))",
							 false, 0);
			if (rc != SPI_OK_DELETE)
				elog(ERROR, "j7599: could not forget old changes of the reference tables: %s",
					 SPI_result_code_string(rc));
		}
		unpin_search_path(nestlevel);
		SPI_finish();
		SetUserIdAndSecContext(save_userid, save_sec);
	}
	bumped_lxid = MY_LXID;
	bumped_subxid = GetCurrentSubTransactionId();
}

void
pc_reference_changed(Relation rel)
{
	CommandId	cid = GetCurrentCommandId(false);
	SubTransactionId subxid = GetCurrentSubTransactionId();

	/* a row trigger fires for every row: once per table and command is enough */
	if (inval_lxid == MY_LXID && inval_subxid == subxid && inval_cid == cid &&
		inval_relid == RelationGetRelid(rel))
		return;
	CacheInvalidateRelcache(rel);
	record_change();
	inval_lxid = MY_LXID;
	inval_subxid = subxid;
	inval_cid = cid;
	inval_relid = RelationGetRelid(rel);
}

/* ----------------------------------------------------------- lookups */

const pc_unit_limit *
pc_unit_limits(const pc_cache *c, uint32 code, int *n)
{
	int			lo = 0;
	int			hi = c->nunit_limits;
	int			first;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (c->unit_limits[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < c->nunit_limits && c->unit_limits[lo].code == code)
		lo++;
	*n = lo - first;
	return *n > 0 ? &c->unit_limits[first] : NULL;
}

const pc_code *
pc_code_lookup(const pc_cache *c, uint32 key)
{
	ptrdiff_t	i = util_find_u32_field(c->codes, c->ncodes, sizeof(pc_code),
										offsetof(pc_code, key), key);

	return i < 0 ? NULL : &c->codes[i];
}

bool
pc_code_has_drug_name(const pc_cache *c, uint32 key)
{
	return util_find_u32(c->drug_codes, c->ndrug_codes, key) >= 0;
}

const pc_modifier *
pc_modifier_lookup(const pc_cache *c, int index)
{
	if (index < 0 || index >= PC_NMODIFIERS || !c->modifiers[index].present)
		return NULL;
	return &c->modifiers[index];
}

const pc_conflict *
pc_conflict_lookup(const pc_cache *c, int i, int j)
{
	ptrdiff_t	k;

	if (i < 0 || j < 0 || i == j)
		return NULL;
	k = util_find_u32_field(c->conflicts, c->nconflicts, sizeof(pc_conflict),
							offsetof(pc_conflict, pair),
							(uint32) (Min(i, j) * PC_NMODIFIERS + Max(i, j)));
	return k < 0 ? NULL : &c->conflicts[k];
}

const pc_pos *
pc_pos_lookup(const pc_cache *c, int code)
{
	if (code < 0 || code > 99 || !c->pos[code].present)
		return NULL;
	return &c->pos[code];
}

const char *
pc_hcpcs_label(const pc_cache *c)
{
	return c->hcpcs_label ? c->hcpcs_label : "CMS HCPCS Level II";
}

const char *
pc_modifier_label(const pc_cache *c)
{
	return c->modifier_label ? c->modifier_label : "HCPCS and CPT modifiers";
}

const char *
pc_pos_label(const pc_cache *c)
{
	return "CMS Place of Service code set (j7599.place_of_service)";
}

const narr_index *
pc_drug_index(const pc_cache *c)
{
	return c->drug_index;
}

const pc_drug *
pc_drug_get(const pc_cache *c, int id)
{
	if (id < 0 || id >= c->ndrugs)
		return NULL;
	return &c->drugs[id];
}

const pc_payer *
pc_payer_get(const pc_cache *c, int index)
{
	if (index < 0 || index >= c->npayers)
		return NULL;
	return &c->payers[index];
}

/*
 * The first prefix or pattern alias that matches s (key: its payer_key), or
 * -1.  A prefix matches on the key, a pattern on the text as written.
 */
static int
match_alias(const pc_cache *c, const char *s, int len, const char *key, int keylen)
{
	pg_wchar	wbuf[256];
	pg_wchar   *w = NULL;
	int			wlen = 0;
	int			r = -1;
	int			i;

	for (i = 0; i < c->nalias_matches && r < 0; i++)
	{
		const pc_alias_match *m = &c->alias_matches[i];
		int			rc;

		if (m->re == NULL)
		{
			if (keylen >= m->keylen && memcmp(key, m->key, m->keylen) == 0)
				r = m->payer;
			continue;
		}
		if (w == NULL)
		{
			w = len < (int) lengthof(wbuf) ? wbuf : palloc(sizeof(pg_wchar) * (len + 1));
			wlen = pg_mb2wchar_with_len(s, w, len);
		}
		rc = pg_regexec(m->re, w, wlen, 0, NULL, 0, NULL, 0);
		if (rc == REG_OKAY)
			r = m->payer;
		else if (rc != REG_NOMATCH)
		{
			char		msg[100];

			CHECK_FOR_INTERRUPTS();
			pg_regerror(rc, m->re, msg, sizeof(msg));
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
					 errmsg("regular expression failed: %s", msg)));
		}
	}
	if (w != NULL && w != wbuf)
		pfree(w);
	return r;
}

int
pc_payer_resolve(pc_cache *c, const char *s, int len)
{
	char		keybuf[256];
	char	   *key = keybuf;
	int			keylen;
	int			r = -1;
	int			k;
	pc_payer_memo *memo = NULL;

	if (len <= MEMO_PAYER_MAX)
	{
		/* 2-way: the pair keeps the two texts used last */
		pc_payer_memo *pair = &c->payer_memo[(util_text_hash(s, (size_t) len) % (PAYER_MEMO_SLOTS / 2)) * 2];

		if (pair[0].len == len && memcmp(pair[0].text, s, len) == 0)
			return pair[0].result;
		if (pair[1].len == len && memcmp(pair[1].text, s, len) == 0)
			return pair[1].result;
		pair[1] = pair[0];
		memo = &pair[0];
	}

	/* 1. the payer id itself */
	r = find_payer_exact(c, s, len);
	if (r < 0)
	{
		if (len > (int) sizeof(keybuf))
			key = palloc(len);
		keylen = payer_key(s, len, key, len);
		if (keylen > 0 && keylen <= c->max_key_len)
		{
			/* 2. a payer id with the same key, if only one has it */
			k = find_key(c->id_keys, c->nid_keys, key, keylen);
			if (k >= 0)
				r = c->id_keys[k].payer;
			/* 3. an alias with the same key */
			if (r < 0)
			{
				k = find_key(c->alias_keys, c->nalias_keys, key, keylen);
				if (k >= 0)
					r = c->alias_keys[k].payer;
			}
		}
		/* 4. the first prefix or pattern that matches */
		if (r < 0 && c->nalias_matches > 0)
			r = match_alias(c, s, len, key, Max(keylen, 0));
		if (key != keybuf)
			pfree(key);
	}

	if (memo != NULL)
	{
		memcpy(memo->text, s, len);
		memo->len = (int16) len;
		memo->result = (int16) r;
	}
	return r;
}

/* the row of payer and code in force on d, or NULL */
static const pc_policy *
policy_row(const pc_cache *c, int payer, uint32 code, int64 d)
{
	int			lo = 0;
	int			hi = c->npolicies;
	const pc_policy *best = NULL;

	/* the last row with (payer, code, lo) <= (payer, code, d) */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;
		const pc_policy *p = &c->policies[mid];
		bool		le;

		if (p->payer != payer)
			le = p->payer < payer;
		else if (p->code != code)
			le = p->code < code;
		else
			le = p->valid.lo <= d;
		if (le)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0)
	{
		best = &c->policies[lo - 1];
		if (best->payer != payer || best->code != code ||
			!(best->valid.lo <= d && d < best->valid.hi))
			best = NULL;
	}
	return best;
}

/* the cascade on one date, field by field along the chain */
static void
resolve_on(const pc_cache *c, const pc_payer *p, uint32 code, int64 d,
		   pc_resolved *out)
{
	uint32		all = (1u << PF__COUNT) - 1;
	uint32		remaining = all;
	int			i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < p->nchain && remaining != 0; i++)
	{
		const pc_policy *row = policy_row(c, p->chain[i], code, d);
		uint32		bits;
		int			f;

		if (row == NULL)
			continue;
		bits = row->present & remaining;
		for (f = 0; f < PF__COUNT; f++)
			if (bits & (1u << f))
				out->field[f] = row;
		out->assumed |= bits & row->assumed;
		remaining &= ~bits;
	}
	out->any = remaining != all;
}

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/*
 * Sorts the cut points of a timeline (the first is PG_INT64_MIN) and turns
 * them into stretches: lo[k] the first date of stretch k, at[k] a date inside
 * it (its first, or the one before the next cut), over which the answer cannot
 * change.  Writes over cuts; returns how many stretches there are.
 */
static int
stretches(int64 *cuts, int ncuts, int64 *lo, int64 *at)
{
	int			n = 0;
	int			i;

	qsort(cuts, ncuts, sizeof(int64), cmp_int64);
	for (i = 0; i < ncuts; i++)
	{
		if (i > 0 && cuts[i] == cuts[i - 1])
			continue;
		lo[n] = cuts[i];
		if (cuts[i] != PG_INT64_MIN)
			at[n] = cuts[i];
		else if (ncuts > 1 && cuts[1] != PG_INT64_MIN)
			at[n] = cuts[1] - 1;
		else
			at[n] = 0;
		n++;
	}
	return n;
}

/*
 * For every payer and every code that a policy of its chain governs: the
 * dates where some row of the chain starts or ends cut time into stretches
 * over which the cascade cannot change; resolve each stretch once.
 */
static void
build_segments(pc_cache *c)
{
	MemoryContext old = MemoryContextSwitchTo(c->cxt);
	uint32	   *codes = palloc(sizeof(uint32) * Max(c->npolicies, 1));
	int64	   *cuts = palloc(sizeof(int64) * (2 * Max(c->npolicies, 1) + 1));
	int64	   *los = palloc(sizeof(int64) * (2 * Max(c->npolicies, 1) + 1));
	int64	   *ats = palloc(sizeof(int64) * (2 * Max(c->npolicies, 1) + 1));
	int			pi;

	for (pi = 0; pi < c->npayers; pi++)
	{
		pc_payer   *p = &c->payers[pi];
		int			ncodes = 0;
		int			i,
					k;

		/* codes along the chain, distinct */
		for (i = 0; i < c->npolicies; i++)
		{
			const pc_policy *row = &c->policies[i];

			for (k = 0; k < p->nchain; k++)
				if (p->chain[k] == row->payer)
					break;
			if (k == p->nchain)
				continue;
			for (k = 0; k < ncodes; k++)
				if (codes[k] == row->code)
					break;
			if (k == ncodes)
				codes[ncodes++] = row->code;
		}
		qsort(codes, ncodes, sizeof(uint32), cmp_uint32);
		p->ncodes = ncodes;
		p->codes = palloc0(sizeof(pc_payer_code) * Max(ncodes, 1));

		for (k = 0; k < ncodes; k++)
		{
			pc_payer_code *pc = &p->codes[k];
			int			ncuts = 0;
			int			j;

			pc->code = codes[k];
			cuts[ncuts++] = PG_INT64_MIN;
			for (i = 0; i < c->npolicies; i++)
			{
				const pc_policy *row = &c->policies[i];

				if (row->code != codes[k])
					continue;
				for (j = 0; j < p->nchain; j++)
					if (p->chain[j] == row->payer)
						break;
				if (j == p->nchain)
					continue;
				if (row->valid.lo != PG_INT64_MIN)
					cuts[ncuts++] = row->valid.lo;
				if (row->valid.hi != PG_INT64_MAX)
					cuts[ncuts++] = row->valid.hi;
			}
			pc->nsegs = stretches(cuts, ncuts, los, ats);
			pc->segs = palloc(sizeof(pc_segment) * pc->nsegs);
			for (i = 0; i < pc->nsegs; i++)
			{
				pc->segs[i].lo = los[i];
				resolve_on(c, p, pc->code, ats[i], &pc->segs[i].res);
			}
		}
	}
	MemoryContextSwitchTo(old);
}

const pc_resolved *
pc_policy_resolve(const pc_cache *c, int payer, uint32 code, DateADT d)
{
	const pc_payer *p = pc_payer_get(c, payer);
	const pc_payer_code *pc = NULL;
	int			lo,
				hi;

	if (p == NULL)
		return &nothing_resolved;
	lo = (int) util_find_u32_field(p->codes, p->ncodes, sizeof(pc_payer_code),
								   offsetof(pc_payer_code, code), code);
	if (lo < 0)
		return &nothing_resolved;
	pc = &p->codes[lo];

	/* the last stretch starting on or before d (the first starts at INT64_MIN) */
	lo = 0;
	hi = pc->nsegs;
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (pc->segs[mid].lo <= (int64) d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 ? &pc->segs[lo - 1].res : &nothing_resolved;
}
