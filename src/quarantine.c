/*
 * src/quarantine.c: refused rows set aside in j7599.quarantine instead of
 * aborting the statement (j7599.enforce(..., on_refusal => 'quarantine')).
 *
 * The enforcing trigger then fires BEFORE INSERT OR UPDATE FOR EACH ROW; an
 * inserted row that it refuses is written here to j7599.quarantine and the
 * trigger returns NULL, so the row is not stored and the statement (COPY
 * included) goes on.  Only refused rows come here: a valid row costs what it
 * costs in 'raise' mode.
 *
 * Rights.  The inserting role may not own the table, and nobody but the
 * table's owner may see its quarantined rows (row-level security on
 * j7599.quarantine, forced).  So the row is written with the rights of the
 * extension's owner: the user id is switched for one prepared INSERT through
 * SPI, with SECURITY_RESTRICTED_OPERATION, as PostgreSQL's foreign-key
 * triggers switch to the table owner.  The statement names every object
 * schema-qualified and its text is fixed; only the row, the table and the
 * findings are parameters.  An error restores the user id with the
 * (sub)transaction.
 *
 * The NOTICE.  Every quarantined row is counted per table in this backend;
 * a statement trigger installed beside the row trigger (AFTER INSERT OR
 * UPDATE FOR EACH STATEMENT, j7599._quarantine_notice) reports the counts at
 * the end of the statement and clears them.  Counts of a subtransaction that
 * aborts are dropped with its rows; the end of the transaction clears all.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "quarantine.h"

PG_FUNCTION_INFO_V1(j7599_quarantine_notice);
PG_FUNCTION_INFO_V1(j7599_quarantine_last_id);
PG_FUNCTION_INFO_V1(j7599_quarantine_quiet);

/* rows quarantined per table and subtransaction, not yet reported */
typedef struct pending_count
{
	Oid			relid;
	SubTransactionId subid;
	int64		n;
} pending_count;

static pending_count *pending = NULL;
static int	npending = 0;
static int	maxpending = 0;
static bool callbacks_registered = false;

/* the id of the last row this backend quarantined (for j7599.release) */
static int64 last_id = 0;
static bool have_last_id = false;

/* while j7599.release runs, the statements it issues give no NOTICE */
static SubTransactionId quiet_since = InvalidSubTransactionId;

/* the prepared INSERT, and the array type it was prepared for */
static SPIPlanPtr insert_plan = NULL;
static Oid	insert_plan_findings_type = InvalidOid;

static void
quarantine_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			npending = 0;
			have_last_id = false;
			quiet_since = InvalidSubTransactionId;
			break;
		default:
			break;
	}
}

static void
quarantine_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
							SubTransactionId parentSubid, void *arg)
{
	int			kept = 0;

	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	/* subtransaction ids only grow: what this one or its children counted */
	for (int i = 0; i < npending; i++)
		if (pending[i].subid < mySubid)
			pending[kept++] = pending[i];
	npending = kept;
	if (quiet_since != InvalidSubTransactionId && quiet_since >= mySubid)
		quiet_since = InvalidSubTransactionId;
}

static void
register_callbacks(void)
{
	if (callbacks_registered)
		return;
	RegisterXactCallback(quarantine_xact_callback, NULL);
	RegisterSubXactCallback(quarantine_subxact_callback, NULL);
	callbacks_registered = true;
}

static void
count_row(Oid relid)
{
	SubTransactionId sub = GetCurrentSubTransactionId();

	register_callbacks();
	for (int i = 0; i < npending; i++)
		if (pending[i].relid == relid && pending[i].subid == sub)
		{
			pending[i].n++;
			return;
		}
	if (npending == maxpending)
	{
		int			grow = maxpending == 0 ? 8 : maxpending * 2;

		pending = pending == NULL ?
			MemoryContextAlloc(TopMemoryContext, sizeof(pending_count) * grow) :
			repalloc(pending, sizeof(pending_count) * grow);
		maxpending = grow;
	}
	pending[npending].relid = relid;
	pending[npending].subid = sub;
	pending[npending].n = 1;
	npending++;
}

/* does relid carry a trigger named j7599_enforce (its own or a clone)? */
static bool
has_enforce_trigger(Oid relid)
{
	Relation	tgrel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyData keys[2];
	SysScanDesc scan;
	bool		found;

	ScanKeyInit(&keys[0], Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	ScanKeyInit(&keys[1], Anum_pg_trigger_tgname, BTEqualStrategyNumber, F_NAMEEQ,
				CStringGetDatum("j7599_enforce"));
	scan = systable_beginscan(tgrel, TriggerRelidNameIndexId, true, NULL, 2, keys);
	found = HeapTupleIsValid(systable_getnext(scan));
	systable_endscan(scan);
	table_close(tgrel, AccessShareLock);
	return found;
}

Oid
quarantine_target(Relation rel)
{
	Oid			target = RelationGetRelid(rel);
	ListCell   *lc;

	if (!rel->rd_rel->relispartition)
		return target;
	/* the ancestors, nearest first: the clones end at the enforced table */
	foreach(lc, get_partition_ancestors(target))
	{
		if (!has_enforce_trigger(lfirst_oid(lc)))
			break;
		target = lfirst_oid(lc);
	}
	return target;
}

static Oid
extension_owner(void)
{
	Oid			extoid = get_extension_oid("j7599", false);
	Relation	extrel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	Oid			owner = InvalidOid;

	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(extoid));
	scan = systable_beginscan(extrel, ExtensionOidIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
		owner = ((Form_pg_extension) GETSTRUCT(tuple))->extowner;
	systable_endscan(scan);
	table_close(extrel, AccessShareLock);
	if (!OidIsValid(owner))
		elog(ERROR, "j7599: extension j7599 has no owner");
	return owner;
}

static void
cache_fill(quarantine_cache *cache, Relation rel, MemoryContext mcxt)
{
	Oid			nsp = get_namespace_oid("j7599", false);
	MemoryContext old;
	FuncExpr   *call;

	cache->owner = extension_owner();
	cache->finding_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
										  CStringGetDatum("finding"), ObjectIdGetDatum(nsp));
	if (!OidIsValid(cache->finding_type))
		elog(ERROR, "j7599: type j7599.finding does not exist");
	cache->finding_array_type = get_array_type(cache->finding_type);
	/* to_jsonb(anyelement) reads its argument's type from the call */
	old = MemoryContextSwitchTo(mcxt);
	call = makeFuncExpr(F_TO_JSONB, JSONBOID,
						list_make1(makeNullConst(RelationGetDescr(rel)->tdtypeid, -1, InvalidOid)),
						InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
	fmgr_info_cxt(F_TO_JSONB, &cache->to_jsonb, mcxt);
	cache->to_jsonb.fn_expr = (Node *) call;
	MemoryContextSwitchTo(old);
	cache->relid = RelationGetRelid(rel);
}

/* the findings as j7599.finding[] */
static Datum
findings_array(const rule_findings *f, bool unrouted, Oid target, Oid typ)
{
	TupleDesc	desc;
	int			n = f->count + (unrouted ? 1 : 0);
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	int			k = 0;
	ArrayType  *arr;

	desc = lookup_rowtype_tupdesc(typ, -1);
	if (unrouted)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		char	   *name = DatumGetCString(DirectFunctionCall1(regclassout, ObjectIdGetDatum(target)));

		values[0] = CStringGetTextDatum("PARTITION_NOT_FOUND");
		values[1] = CStringGetTextDatum("error");
		values[2] = CStringGetTextDatum("row");
		values[3] = CStringGetTextDatum(psprintf("No partition of table %s takes this row: its partition key lies outside every partition's bounds.", name));
		values[4] = CStringGetTextDatum("PostgreSQL partition bounds");
		elems[k++] = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
	}
	for (int i = 0; i < f->count; i++)
	{
		const rule_finding *x = &f->items[i];
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = CStringGetTextDatum(rules_rule_name(x->rule));
		values[1] = CStringGetTextDatum(rules_severity_name(x->severity));
		values[2] = CStringGetTextDatum(rules_field_name(x->field));
		values[3] = CStringGetTextDatum(x->message);
		values[4] = CStringGetTextDatum(x->source);
		elems[k++] = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
	}
	ReleaseTupleDesc(desc);
	arr = construct_array(elems, k, typ, -1, false, TYPALIGN_DOUBLE);
	return PointerGetDatum(arr);
}

void
quarantine_row(Relation rel, HeapTuple tup, Oid target, const rule_findings *f, bool unrouted,
			   quarantine_cache *cache, MemoryContext mcxt)
{
	Oid			user = GetUserId();
	Oid			save_user;
	int			save_sec;
	Oid			argtypes[4];
	Datum		values[4];
	Datum		row;
	NameData	refused_by;
	int			rc;
	bool		isnull;

	if (cache->relid != RelationGetRelid(rel))
		cache_fill(cache, rel, mcxt);
	/* the row as offered, as jsonb (columns by name) */
	row = heap_copy_tuple_as_datum(tup, RelationGetDescr(rel));
	values[0] = ObjectIdGetDatum(target);
	namestrcpy(&refused_by, GetUserNameFromId(user, false));
	values[1] = NameGetDatum(&refused_by);
	values[2] = FunctionCall1(&cache->to_jsonb, row);
	values[3] = findings_array(f, unrouted, target, cache->finding_type);
	argtypes[0] = REGCLASSOID;
	argtypes[1] = NAMEOID;
	argtypes[2] = JSONBOID;
	argtypes[3] = cache->finding_array_type;

	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(cache->owner,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "j7599: SPI_connect failed");
	if (insert_plan == NULL || insert_plan_findings_type != argtypes[3])
	{
		SPIPlanPtr	plan;

		if (insert_plan != NULL)
			SPI_freeplan(insert_plan);
		insert_plan = NULL;
		plan = SPI_prepare("INSERT INTO j7599.quarantine (tbl, refused_by, row_data, findings) "
						   "VALUES ($1, $2, $3, $4) RETURNING id",
						   4, argtypes);
		if (plan == NULL)
			elog(ERROR, "j7599: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(plan);
		insert_plan = plan;
		insert_plan_findings_type = argtypes[3];
	}
	rc = SPI_execute_plan(insert_plan, values, NULL, false, 1);
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "j7599: could not write to j7599.quarantine: %s", SPI_result_code_string(rc));
	last_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	have_last_id = !isnull;
	SPI_finish();
	SetUserIdAndSecContext(save_user, save_sec);
	count_row(target);
}

/*
 * j7599._quarantine_notice(): AFTER INSERT OR UPDATE FOR EACH STATEMENT;
 * says how many rows of which table went to j7599.quarantine.
 */
Datum
j7599_quarantine_notice(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("j7599._quarantine_notice() must fire FOR EACH STATEMENT")));
	if (quiet_since == InvalidSubTransactionId)
	{
		for (int i = 0; i < npending; i++)
		{
			int64		n = pending[i].n;
			char	   *name;

			if (n == 0)
				continue;
			/* gather the counts of the same table in other subtransactions */
			for (int j = i + 1; j < npending; j++)
				if (pending[j].relid == pending[i].relid)
				{
					n += pending[j].n;
					pending[j].n = 0;
				}
			name = DatumGetCString(DirectFunctionCall1(regclassout,
													   ObjectIdGetDatum(pending[i].relid)));
			ereport(NOTICE,
					(errmsg_plural("%lld row of table %s went to j7599.quarantine",
								   "%lld rows of table %s went to j7599.quarantine",
								   n, (long long) n, name),
					 errdetail("The j7599 rules refused them; j7599.quarantine keeps each row as offered, with its findings."),
					 errhint("Correct the rows (row_data) or the policies, then call j7599.release(%s).",
							 quote_literal_cstr(name))));
		}
	}
	npending = 0;
	return PointerGetDatum(NULL);
}

/* j7599._quarantine_last_id(): the id of the last row this session quarantined */
Datum
j7599_quarantine_last_id(PG_FUNCTION_ARGS)
{
	if (!have_last_id)
		PG_RETURN_NULL();
	PG_RETURN_INT64(last_id);
}

/* j7599._quarantine_quiet(on): while on, quarantining statements give no NOTICE */
Datum
j7599_quarantine_quiet(PG_FUNCTION_ARGS)
{
	register_callbacks();
	quiet_since = PG_GETARG_BOOL(0) ? GetCurrentSubTransactionId() : InvalidSubTransactionId;
	PG_RETURN_VOID();
}
