/*
 * src/claims_trigger.c
 *
 * The statement trigger of j7599.enforce_claims, j7599._claims_stmt_trigger.
 *
 * The exact check is j7599._claims_trigger (sql/install/48_claims.sql): it
 * reads back from the registered table every claim whose key is in the
 * transition tables, as the claim now stands, and refuses the statement
 * (23514) when one has a finding at or above the trigger's severity.  It
 * costs a second read of every line the statement wrote.
 *
 * An INSERT or a COPY mostly brings whole claims.  This trigger walks the
 * statement's new rows once, in the order they were written, and gathers
 * the lines of each run of rows with one claim key into one claim; a claim
 * that is one run, had no stored line before the statement and has no
 * finding at the severity is done.  Every other claim touched (its rows in
 * more than one run, a stored line from before, or a finding) is handed to
 * the exact check, with one of its rows as the transition table: so a
 * refusal always comes from the exact check, with its message.
 *
 * "Before the statement" is the statement's own snapshot, still active when
 * its AFTER STATEMENT triggers fire: it does not see the rows the statement
 * wrote.  That holds only when nothing ran a command of its own since the
 * statement began (a trigger that wrote rows, say): otherwise, and for
 * UPDATE and DELETE, and when a column's type is one this file does not read,
 * the whole statement goes to the exact check.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"
#include "utils/typcache.h"

#include "claims.h"
#include "codes.h"
#include "types.h"

PG_FUNCTION_INFO_V1(j7599_claims_stmt_trigger);

#define MAX_KEY_COLS 8			/* registration.claim_key holds at most 8 */

/* how a registered column is read */
typedef enum read_kind
{
	RK_NONE = 0,				/* not registered: NULL */
	RK_LINE,					/* j7599.hcpcs_line */
	RK_TEXT,					/* text or varchar */
	RK_DATE,
	RK_NUMERIC,
	RK_INT2,
	RK_INT4,
	RK_INT8
} read_kind;

typedef struct col_read
{
	AttrNumber	attnum;
	read_kind	kind;
} col_read;

typedef struct claims_map
{
	Oid			root;			/* the registered table */
	int			nkeys;
	AttrNumber	key_att[MAX_KEY_COLS];
	Oid			key_coll[MAX_KEY_COLS];
	bool		key_byval[MAX_KEY_COLS];
	int16		key_len[MAX_KEY_COLS];
	FmgrInfo	key_hash[MAX_KEY_COLS];
	FmgrInfo	key_eq[MAX_KEY_COLS];
	FmgrInfo	key_cmp[MAX_KEY_COLS];
	bool		ordered;		/* every key column has a btree order */
	char	   *key_list_x;		/* "x.a, x.b" */
	char	   *key_match;		/* "t.a = x.a AND t.b = x.b" */
	col_read	line;
	col_read	date;
	col_read	units;
	col_read	ndc;
	col_read	payer;
} claims_map;

/* one claim key met in the statement */
#define CE_PASSED	1			/* one run of rows, checked here: no finding at the severity */
#define CE_RECHECK	2			/* for the exact check */
#define CE_HANDED	3			/* for the exact check, a row of it handed over already */

typedef struct claim_entry
{
	uint8		status;
	Datum		key[FLEXIBLE_ARRAY_MEMBER];
} claim_entry;

typedef struct claim_slot
{
	uint32		hash;
	claim_entry *entry;			/* NULL: free */
} claim_slot;

/*
 * The claims met, in the order of their first run.  While each run's key
 * is above the one before (a statement whose rows are sorted by claim),
 * that list is all there is, searched by bisection; the first key out of
 * order turns on the hash table.
 */
typedef struct claim_set
{
	claim_entry **list;
	uint32		count;
	uint32		list_max;
	bool		sorted;			/* list in strictly increasing key order, no hash table */
	claim_slot *slots;			/* the hash beside the pointer: a probe reads no entry it does not want */
	uint32		mask;
	MemoryContext cxt;
} claim_set;

/* ------------------------------------------------------------ mapping */

static read_kind
kind_of(Relation rel, AttrNumber att, Oid line_type)
{
	Oid			t;

	if (att == InvalidAttrNumber)
		return RK_NONE;
	t = getBaseType(TupleDescAttr(RelationGetDescr(rel), att - 1)->atttypid);
	if (t == line_type)
		return RK_LINE;
	switch (t)
	{
		case TEXTOID:
		case VARCHAROID:
			return RK_TEXT;
		case DATEOID:
			return RK_DATE;
		case NUMERICOID:
			return RK_NUMERIC;
		case INT2OID:
			return RK_INT2;
		case INT4OID:
			return RK_INT4;
		case INT8OID:
			return RK_INT8;
		default:
			return RK_NONE;
	}
}

/* the attribute number of a column named by a text value, 0 when missing */
static AttrNumber
att_of(Relation rel, HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);
	AttrNumber	a;

	if (isnull)
		return InvalidAttrNumber;
	a = get_attnum(RelationGetRelid(rel), TextDatumGetCString(d));
	return a > 0 ? a : InvalidAttrNumber;
}

/* "schema.=": the equality the claim keys are grouped by, qualified */
static const char *
operator_name(Oid opno)
{
	HeapTuple	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(opno));
	Form_pg_operator op;
	char	   *name;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "j7599: cache lookup failed for operator %u", opno);
	op = (Form_pg_operator) GETSTRUCT(tup);
	name = psprintf("%s.%s", quote_identifier(get_namespace_name(op->oprnamespace)), NameStr(op->oprname));
	ReleaseSysCache(tup);
	return name;
}

/*
 * Reads the registration that covers the trigger's table (SPI must be
 * connected) into map; false when the fast path cannot serve it (the exact
 * check decides then, unregistered tables included).
 */
static bool
map_build(Relation rel, claims_map *map)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		args[1] = {ObjectIdGetDatum(RelationGetRelid(rel))};
	TupleDesc	desc;
	HeapTuple	tup;
	bool		isnull;
	Datum	   *keys;
	int			nkeys;
	Oid			line_type;
	StringInfoData xl,
				match;

	memset(map, 0, sizeof(*map));
	if (SPI_execute_with_args("SELECT g.tbl::pg_catalog.oid, g.claim_key::pg_catalog.text[], g.line::pg_catalog.text, "
							  "       g.service_date::pg_catalog.text, g.units::pg_catalog.text, "
							  "       g.ndc::pg_catalog.text, g.payer::pg_catalog.text "
							  "FROM j7599.registration AS g WHERE g.tbl OPERATOR(pg_catalog.=) j7599._claims_root($1)",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "j7599: could not read the claim registration");
	if (SPI_processed != 1)
		return false;
	desc = SPI_tuptable->tupdesc;
	tup = SPI_tuptable->vals[0];
	map->root = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
	deconstruct_array(DatumGetArrayTypeP(SPI_getbinval(tup, desc, 2, &isnull)),
					  TEXTOID, -1, false, TYPALIGN_INT, &keys, NULL, &nkeys);
	if (nkeys < 1 || nkeys > MAX_KEY_COLS)
		return false;
	initStringInfo(&xl);
	initStringInfo(&match);
	map->nkeys = nkeys;
	map->ordered = true;
	for (int i = 0; i < nkeys; i++)
	{
		char	   *name = TextDatumGetCString(keys[i]);
		AttrNumber	a = get_attnum(RelationGetRelid(rel), name);
		Form_pg_attribute att;
		TypeCacheEntry *tc;

		if (a <= 0)
			return false;
		att = TupleDescAttr(RelationGetDescr(rel), a - 1);
		tc = lookup_type_cache(att->atttypid, TYPECACHE_EQ_OPR | TYPECACHE_HASH_PROC_FINFO |
							   TYPECACHE_EQ_OPR_FINFO | TYPECACHE_CMP_PROC_FINFO);
		if (!OidIsValid(tc->hash_proc_finfo.fn_oid) || !OidIsValid(tc->eq_opr_finfo.fn_oid))
			return false;
		map->key_att[i] = a;
		map->key_coll[i] = att->attcollation;
		map->key_byval[i] = att->attbyval;
		map->key_len[i] = att->attlen;
		fmgr_info_copy(&map->key_hash[i], &tc->hash_proc_finfo, CurrentMemoryContext);
		fmgr_info_copy(&map->key_eq[i], &tc->eq_opr_finfo, CurrentMemoryContext);
		if (OidIsValid(tc->cmp_proc_finfo.fn_oid))
			fmgr_info_copy(&map->key_cmp[i], &tc->cmp_proc_finfo, CurrentMemoryContext);
		else
			map->ordered = false;
		appendStringInfo(&xl, "%sx.%s", i ? ", " : "", quote_identifier(name));
		appendStringInfo(&match, "%st.%s OPERATOR(%s) x.%s", i ? " AND " : "",
						 quote_identifier(name), operator_name(tc->eq_opr), quote_identifier(name));
	}
	map->key_list_x = xl.data;
	map->key_match = match.data;

	line_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("hcpcs_line"),
								ObjectIdGetDatum(get_namespace_oid("j7599", false)));
	map->line.attnum = att_of(rel, tup, desc, 3);
	map->date.attnum = att_of(rel, tup, desc, 4);
	map->units.attnum = att_of(rel, tup, desc, 5);
	map->ndc.attnum = att_of(rel, tup, desc, 6);
	map->payer.attnum = att_of(rel, tup, desc, 7);
	/* a registered column gone missing: the exact check says so */
	for (int c = 3; c <= 7; c++)
	{
		SPI_getbinval(tup, desc, c, &isnull);
		if (!isnull && att_of(rel, tup, desc, c) == InvalidAttrNumber)
			return false;
	}
	map->line.kind = kind_of(rel, map->line.attnum, line_type);
	map->date.kind = kind_of(rel, map->date.attnum, line_type);
	map->units.kind = kind_of(rel, map->units.attnum, line_type);
	map->ndc.kind = kind_of(rel, map->ndc.attnum, line_type);
	map->payer.kind = kind_of(rel, map->payer.attnum, line_type);
	/* the kinds read here; anything else (bpchar, the ndc type, ...) goes to the exact check */
	if (!(map->line.kind == RK_LINE || map->line.kind == RK_TEXT) ||
		!(map->date.attnum == 0 || map->date.kind == RK_DATE) ||
		!(map->units.attnum == 0 || map->units.kind == RK_NUMERIC || map->units.kind == RK_INT2 ||
		  map->units.kind == RK_INT4 || map->units.kind == RK_INT8) ||
		!(map->ndc.attnum == 0 || map->ndc.kind == RK_TEXT) ||
		!(map->payer.attnum == 0 || map->payer.kind == RK_TEXT))
		return false;
	return true;
}

/* --------------------------------------------------------- claim keys */

static uint32
key_hash(const claims_map *map, const Datum *key)
{
	uint32		h = 0;

	for (int i = 0; i < map->nkeys; i++)
		h = hash_combine(h, DatumGetUInt32(FunctionCall1Coll((FmgrInfo *) &map->key_hash[i],
															  map->key_coll[i], key[i])));
	return h;
}

static bool
key_equal(const claims_map *map, const Datum *a, const Datum *b)
{
	for (int i = 0; i < map->nkeys; i++)
		if (!DatumGetBool(FunctionCall2Coll((FmgrInfo *) &map->key_eq[i], map->key_coll[i], a[i], b[i])))
			return false;
	return true;
}

static int
key_cmp(const claims_map *map, const Datum *a, const Datum *b)
{
	for (int i = 0; i < map->nkeys; i++)
	{
		int32		c = DatumGetInt32(FunctionCall2Coll((FmgrInfo *) &map->key_cmp[i], map->key_coll[i],
														a[i], b[i]));

		if (c != 0)
			return c;
	}
	return 0;
}

static void
set_init(claim_set *s, const claims_map *map, MemoryContext cxt)
{
	s->cxt = cxt;
	s->count = 0;
	s->list_max = 1024;
	s->list = MemoryContextAlloc(cxt, sizeof(claim_entry *) * s->list_max);
	s->sorted = map->ordered;
	s->slots = NULL;
	s->mask = 0;
}

static void
hash_put(claim_set *s, uint32 h, claim_entry *e)
{
	uint32		j;

	for (j = h & s->mask; s->slots[j].entry != NULL; j = (j + 1) & s->mask)
		;
	s->slots[j].hash = h;
	s->slots[j].entry = e;
}

/* (re)builds the hash table, with room for twice the claims met */
static void
hash_build(claim_set *s, const claims_map *map)
{
	uint32		size = 1024;

	while (size < s->count * 4)
	{
		if (size >= ((uint32) 1 << 30))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many claims in one statement for j7599.enforce_claims")));
		size *= 2;
	}
	if (s->slots != NULL)
		pfree(s->slots);
	s->slots = MemoryContextAllocExtended(s->cxt, sizeof(claim_slot) * size, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	s->mask = size - 1;
	for (uint32 i = 0; i < s->count; i++)
		hash_put(s, key_hash(map, s->list[i]->key), s->list[i]);
	s->sorted = false;
}

static claim_entry *
entry_new(claim_set *s, const claims_map *map, const Datum *key)
{
	MemoryContext old = MemoryContextSwitchTo(s->cxt);
	claim_entry *e = palloc(offsetof(claim_entry, key) + sizeof(Datum) * map->nkeys);

	e->status = 0;
	for (int i = 0; i < map->nkeys; i++)
		e->key[i] = map->key_byval[i] ? key[i]
			: datumCopy(key[i], false, map->key_len[i]);
	if (s->count >= s->list_max)
	{
		if (s->list_max >= ((uint32) 1 << 30))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many claims in one statement for j7599.enforce_claims")));
		s->list_max *= 2;
		s->list = repalloc_huge(s->list, sizeof(claim_entry *) * s->list_max);
	}
	s->list[s->count++] = e;
	MemoryContextSwitchTo(old);
	return e;
}

/* the entry of a key; with add, a new one (status 0, key copied) when missing */
static claim_entry *
set_find(claim_set *s, const claims_map *map, const Datum *key, bool add)
{
	uint32		h;
	uint32		j;
	claim_entry *e;

	if (s->sorted)
	{
		int			c = s->count == 0 ? 1 : key_cmp(map, key, s->list[s->count - 1]->key);

		if (c > 0)
			return add ? entry_new(s, map, key) : NULL;
		if (!add)
		{
			/* bisection */
			uint32		lo = 0,
						hi = s->count;

			while (lo < hi)
			{
				uint32		mid = lo + (hi - lo) / 2;
				int			m = key_cmp(map, key, s->list[mid]->key);

				if (m == 0)
					return s->list[mid];
				if (m < 0)
					hi = mid;
				else
					lo = mid + 1;
			}
			return NULL;
		}
		hash_build(s, map);
	}
	h = key_hash(map, key);
	for (j = h & s->mask; s->slots[j].entry != NULL; j = (j + 1) & s->mask)
		if (s->slots[j].hash == h && key_equal(map, s->slots[j].entry->key, key))
			return s->slots[j].entry;
	if (!add)
		return NULL;
	e = entry_new(s, map, key);
	if (s->count * 2 > s->mask)
		hash_build(s, map);
	else
		hash_put(s, h, e);
	return e;
}

/* the claim key of a row; false when a part of it is NULL (no claim) */
static bool
row_key(const claims_map *map, TupleTableSlot *slot, Datum *key)
{
	for (int i = 0; i < map->nkeys; i++)
	{
		bool		isnull;

		key[i] = slot_getattr(slot, map->key_att[i], &isnull);
		if (isnull)
			return false;
	}
	return true;
}

/* --------------------------------------------------------------- lines */

/* adds the row's line to the claim, read as j7599.claim_findings reads it through _claim_args */
static void
add_row(const claims_map *map, TupleTableSlot *slot, claim_state *st, MemoryContext state_cxt)
{
	bool		isnull;
	Datum		d;
	uint64		line;
	DateADT		date = 0;
	bool		has_date = false;
	Numeric		units = NULL;
	text	   *ndc = NULL;
	text	   *payer = NULL;
	MemoryContext old;

	d = slot_getattr(slot, map->line.attnum, &isnull);
	if (isnull)
		return;
	if (map->line.kind == RK_LINE)
		line = DatumGetHcpcsLine(d);
	else
	{
		text	   *t = DatumGetTextPP(d);
		hcpcs_line_parts parts;
		char		reason[CODES_REASON_MAX];

		if (!hcpcs_parse_line(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &parts, reason))
			return;				/* _line_or_null: no line */
		line = hcpcs_pack(&parts);
	}
	if (map->date.attnum)
	{
		d = slot_getattr(slot, map->date.attnum, &isnull);
		if (!isnull)
		{
			date = DatumGetDateADT(d);
			has_date = true;
		}
	}
	if (map->units.attnum)
	{
		d = slot_getattr(slot, map->units.attnum, &isnull);
		if (!isnull)
			switch (map->units.kind)
			{
				case RK_NUMERIC:
					units = DatumGetNumeric(d);
					break;
				case RK_INT2:
					units = int64_to_numeric(DatumGetInt16(d));
					break;
				case RK_INT4:
					units = int64_to_numeric(DatumGetInt32(d));
					break;
				default:
					units = int64_to_numeric(DatumGetInt64(d));
					break;
			}
	}
	if (map->ndc.attnum)
	{
		d = slot_getattr(slot, map->ndc.attnum, &isnull);
		if (!isnull)
			ndc = DatumGetTextPP(d);
	}
	if (map->payer.attnum)
	{
		d = slot_getattr(slot, map->payer.attnum, &isnull);
		if (!isnull)
			payer = DatumGetTextPP(d);
	}
	old = MemoryContextSwitchTo(state_cxt);
	claims_add_line(st, line, has_date ? &date : NULL, units, ndc, payer);
	MemoryContextSwitchTo(old);
}

/* true when the claim has a finding at or above min */
static bool
claim_refused(claim_state *st, rule_findings *out, rule_severity min)
{
	rules_claims_run(st, out, false);
	for (int s = min; s < RULE_SEV__COUNT; s++)
		if (out->n_by_severity[s] > 0)
			return true;
	return false;
}

/* ------------------------------------------------------------ the check */

/* runs j7599._claims_trigger, the exact check, on the trigger data given */
static void
exact_check(TriggerData *td)
{
	List	   *name = list_make2(makeString("j7599"), makeString("_claims_trigger"));
	Oid			fn = LookupFuncName(name, 0, NULL, false);
	FmgrInfo	flinfo;
	LOCAL_FCINFO(fc, 0);

	fmgr_info(fn, &flinfo);
	InitFunctionCallInfoData(*fc, &flinfo, 0, InvalidOid, (Node *) td, NULL);
	(void) FunctionCallInvoke(fc);
}

Datum
j7599_claims_stmt_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	Tuplestorestate *ts;
	claims_map	map;
	rule_severity min = RULE_SEV_ERROR;
	MemoryContext cxt;
	MemoryContext row_cxt;
	MemoryContext state_cxt;
	MemoryContext old;
	claim_set	set;
	claim_state *st;
	claim_entry *run = NULL;
	bool		run_checked = false;
	rule_findings *findings;
	TupleTableSlot *slot;
	int			ptr;
	Datum		key[MAX_KEY_COLS];
	uint32		recheck = 0;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("j7599._claims_stmt_trigger() may only be called as a trigger")));
	if (!TRIGGER_FIRED_AFTER(td->tg_event) || TRIGGER_FIRED_FOR_ROW(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("j7599._claims_stmt_trigger() must fire AFTER ... FOR EACH STATEMENT")));

	/*
	 * The fast path: an INSERT (or COPY) with its new rows, whose snapshot
	 * is still the active one and after which no other command ran.
	 */
	if (!TRIGGER_FIRED_BY_INSERT(td->tg_event) || td->tg_newtable == NULL ||
		!ActiveSnapshotSet() || GetActiveSnapshot()->curcid != GetCurrentCommandId(false))
	{
		exact_check(td);
		return PointerGetDatum(NULL);
	}
	rel = td->tg_relation;
	ts = td->tg_newtable;
	if (td->tg_trigger->tgnargs > 0)
	{
		const char *a = td->tg_trigger->tgargs[0];

		min = strcmp(a, "info") == 0 ? RULE_SEV_INFO
			: strcmp(a, "warning") == 0 ? RULE_SEV_WARNING : RULE_SEV_ERROR;
	}

	cxt = AllocSetContextCreate(CurrentMemoryContext, "j7599 claims trigger", ALLOCSET_DEFAULT_SIZES);
	row_cxt = AllocSetContextCreate(cxt, "j7599 claims trigger rows", ALLOCSET_DEFAULT_SIZES);
	state_cxt = AllocSetContextCreate(cxt, "j7599 claims trigger claim", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "j7599: SPI_connect failed");
	if (!map_build(rel, &map))
	{
		SPI_finish();
		MemoryContextSwitchTo(old);
		MemoryContextDelete(cxt);
		exact_check(td);
		return PointerGetDatum(NULL);
	}

	/* one walk over the new rows: runs of one claim key checked as they end */
	set_init(&set, &map, cxt);
	st = claims_state_new(state_cxt);
	findings = palloc(sizeof(rule_findings));
	slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsMinimalTuple);
	ptr = tuplestore_alloc_read_pointer(ts, EXEC_FLAG_REWIND);
	tuplestore_select_read_pointer(ts, ptr);
	tuplestore_rescan(ts);
	for (;;)
	{
		bool		more;
		bool		has_key;

		/*
		 * A row read back from a spilled store is allocated in the current
		 * context and freed by the slot when the next one comes: not in
		 * row_cxt, which is reset while the slot holds a row.
		 */
		MemoryContextSwitchTo(cxt);
		more = tuplestore_gettupleslot(ts, true, false, slot);
		MemoryContextSwitchTo(row_cxt);
		has_key = more && row_key(&map, slot, key);

		if (more && !has_key)
			continue;			/* belongs to no claim */
		if (more && run != NULL && key_equal(&map, run->key, key))
		{
			if (run_checked)
				add_row(&map, slot, st, state_cxt);
			continue;
		}
		/* the run ends */
		if (run != NULL && run_checked)
			run->status = claim_refused(st, findings, min) ? CE_RECHECK : CE_PASSED;
		if (!more)
			break;
		MemoryContextReset(row_cxt);
		st->nlines = 0;
		st->arena_len = 0;
		run = set_find(&set, &map, key, true);
		/* a claim met again in a later run: the exact check reads it whole */
		run_checked = (run->status == 0);
		if (!run_checked)
			run->status = CE_RECHECK;
		else
			add_row(&map, slot, st, state_cxt);
	}
	MemoryContextSwitchTo(cxt);

	/*
	 * The claims that had stored lines before the statement: read with the
	 * statement's snapshot (read-only SPI), which sees none of its rows.
	 */
	if (set.count > 0)
	{
		char	   *sql = psprintf("SELECT %s FROM %s AS x WHERE EXISTS (SELECT FROM %s AS t WHERE %s)",
								   map.key_list_x, quote_identifier(td->tg_trigger->tgnewtable),
								   quote_qualified_identifier(get_namespace_name(get_rel_namespace(map.root)),
															  get_rel_name(map.root)),
								   map.key_match);

		if (SPI_register_trigger_data(td) != SPI_OK_TD_REGISTER)
			elog(ERROR, "j7599: could not register the transition table");
		if (SPI_execute(sql, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "j7599: could not read the stored claims");
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			claim_entry *e;

			for (int k = 0; k < map.nkeys; k++)
			{
				bool		isnull;

				key[k] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, k + 1, &isnull);
			}
			e = set_find(&set, &map, key, false);
			if (e != NULL)
				e->status = CE_RECHECK;
		}
	}
	for (uint32 i = 0; i < set.count; i++)
		if (set.list[i]->status == CE_RECHECK)
			recheck++;

	if (recheck > 0)
	{
		/* one row of each such claim, for the exact check (SPI calls leave its own context current) */
		Tuplestorestate *handed;
		TriggerData td2 = *td;

		MemoryContextSwitchTo(cxt);
		handed = tuplestore_begin_heap(false, false, work_mem);

		tuplestore_select_read_pointer(ts, ptr);
		tuplestore_rescan(ts);
		while (tuplestore_gettupleslot(ts, true, false, slot))
		{
			claim_entry *e;

			if (!row_key(&map, slot, key))
				continue;
			e = set_find(&set, &map, key, false);
			if (e != NULL && e->status == CE_RECHECK)
			{
				tuplestore_puttupleslot(handed, slot);
				e->status = CE_HANDED;
			}
		}
		ExecDropSingleTupleTableSlot(slot);
		SPI_finish();
		MemoryContextSwitchTo(old);
		td2.tg_newtable = handed;
		exact_check(&td2);
		tuplestore_end(handed);
	}
	else
	{
		ExecDropSingleTupleTableSlot(slot);
		SPI_finish();
		MemoryContextSwitchTo(old);
	}
	MemoryContextDelete(cxt);
	return PointerGetDatum(NULL);
}
