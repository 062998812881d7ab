/*
 * src/enforce.c: the row trigger behind j7599.enforce().
 *
 * Arguments (written by j7599._install_trigger): the minimum severity, then
 * "field=column" pairs naming, by attname, the column that holds each
 * validation argument ("dx=" may repeat).  The columns are resolved to
 * attribute numbers once per relation and statement, so a partition or an
 * inheritance child whose columns sit at other positions than its parent's
 * is read correctly.
 *
 * Timing.  j7599.enforce installs it AFTER INSERT OR UPDATE FOR EACH ROW: it
 * then reads the row as stored, generated columns computed and every BEFORE
 * trigger applied, and an error still undoes the statement.  An AFTER row
 * trigger also leaves COPY its batched inserts, which a BEFORE row trigger
 * turns off.  The function also runs as a BEFORE row trigger (the triggers
 * of version 1.0 are BEFORE) and then returns the row unchanged.
 *
 * Quarantine mode.  With the argument "on_refusal=quarantine" (last; a
 * trigger without it raises, so the arguments of 'raise' triggers, dumped or
 * made by 1.0, read as before) j7599.enforce installs it BEFORE INSERT OR
 * UPDATE: an inserted row it refuses is written to j7599.quarantine
 * (src/quarantine.c) and skipped (NULL), and the statement goes on.  An
 * UPDATE it refuses still raises: the old version stays in the table.  A
 * registered stored generated column is not computed yet under BEFORE: such
 * a mapping is refused (0A000).  The valid row takes the same path as in
 * 'raise' mode; only a refused row costs more (messages, SPI).  On the
 * unrouted DEFAULT partition that quarantine mode gives a partitioned table
 * (it carries the marker trigger j7599_unrouted, which calls this function
 * with the single argument "unrouted"), every row is set aside, with the
 * finding PARTITION_NOT_FOUND before the rules' findings.
 *
 * Legacy columns.  Dates, units and days may be text columns (read as
 * rules_set_date_text and its siblings say): a text that cannot be read is a
 * finding (SERVICE_DATE_MALFORMED, ...), which refuses the row at its
 * severity, never an error of another kind.
 *
 * Privacy.  The refusal's detail quotes values.  Like PostgreSQL's own
 * constraint errors (ExecBuildSlotValueDescription), a finding whose message
 * or source would reveal the value of a column the current user may not
 * SELECT is reported without them; the rule ids, severities and fields stay.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "executor/tuptable.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/syscache.h"

#include "quarantine.h"
#include "row_key.h"
#include "rules.h"
#include "types.h"

PG_FUNCTION_INFO_V1(j7599_enforce_trigger);

/*
 * The trigger's arguments are the claim inputs of claim_inputs.def, by name
 * ("payer=column"), indexed by rule_field; how each is read follows its kind.
 */
typedef enum input_kind
{
	IK_LINE,
	IK_TEXT,
	IK_DATE,
	IK_QUANTITY,
	IK_NDC,
	IK_DX,
	IK_COUNT
} input_kind;

static const input_kind kind_of_input[RULE_FIELD__COUNT] = {
#define CLAIM_INPUT(ID, name, kind, since, doc) [RULE_FIELD_##ID] = IK_##kind,
#include "claim_inputs.def"
#undef CLAIM_INPUT
};

/* how a column's value is handed to the rule engine */
typedef enum col_kind
{
	CK_NONE = 0,
	CK_TEXT,
	CK_TEXT_ARRAY,
	CK_LINE,
	CK_NDC,
	CK_DATE,
	CK_NUMERIC,
	CK_INT2,
	CK_INT4,
	CK_INT8
} col_kind;

typedef struct col_ref
{
	AttrNumber	attnum;			/* 0: not mapped */
	col_kind	kind;
} col_ref;

typedef struct enforce_map
{
	Oid			relid;			/* the relation the attnums belong to */
	rule_severity min;
	col_ref		cols[RULE_FIELD__COUNT];	/* every input but the DX one */
	int			ndx;
	col_ref		dx[RULES_MAX_DX_SOURCES];	/* the DX input: several columns */
	AttrNumber	max_attnum;		/* the slot is deformed up to this column */
	bool		quarantine;		/* on_refusal=quarantine: set refused rows aside */
	bool		unrouted;		/* the relation is the unrouted default partition */
	Oid			target;			/* quarantine mode: the table rows are recorded under */
	quarantine_cache qcache;	/* quarantine mode: looked up at the first refusal */
} enforce_map;

/* the OIDs of j7599's types, looked up once per map (they change if the
 * extension is dropped and created again in the same session) */
typedef struct type_oids
{
	Oid			line;
	Oid			ndc;
} type_oids;

static col_kind
kind_of_type(Oid typid, const type_oids *t)
{
	typid = getBaseType(typid);
	switch (typid)
	{
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			return CK_TEXT;
		case TEXTARRAYOID:
		case 1015:				/* varchar[] */
		case 1014:				/* bpchar[] */
			return CK_TEXT_ARRAY;
		case DATEOID:
			return CK_DATE;
		case NUMERICOID:
			return CK_NUMERIC;
		case INT2OID:
			return CK_INT2;
		case INT4OID:
			return CK_INT4;
		case INT8OID:
			return CK_INT8;
		default:
			break;
	}
	if (typid == t->line)
		return CK_LINE;
	if (typid == t->ndc)
		return CK_NDC;
	return CK_NONE;
}

/* does a column of this kind fit the input? (register checked it once) */
static bool
kind_fits(rule_field input, col_kind k)
{
	switch (kind_of_input[input])
	{
		case IK_LINE:
			return k == CK_TEXT || k == CK_LINE;
		case IK_NDC:
			return k == CK_TEXT || k == CK_NDC;
		case IK_DATE:
			return k == CK_DATE || k == CK_TEXT;
		case IK_QUANTITY:
			return k == CK_NUMERIC || k == CK_INT2 || k == CK_INT4 || k == CK_INT8 ||
				k == CK_TEXT;
		case IK_COUNT:
			return k == CK_INT2 || k == CK_INT4 || k == CK_TEXT;
		case IK_DX:
			return k == CK_TEXT || k == CK_TEXT_ARRAY;
		case IK_TEXT:
			return k == CK_TEXT;
	}
	return false;
}

static col_ref
resolve_column(Relation rel, const type_oids *t, const char *field, const char *col)
{
	TupleDesc	desc = RelationGetDescr(rel);
	col_ref		ref = {0, CK_NONE};

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), col) == 0)
		{
			ref.attnum = att->attnum;
			ref.kind = kind_of_type(att->atttypid, t);
			return ref;
		}
	}
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" registered as %s of table \"%s\" does not exist",
					col, field, RelationGetRelationName(rel)),
			 errhint("Register the table again with j7599.register(), then call j7599.enforce().")));
	return ref;					/* not reached */
}

/* the relation carries the marker trigger of the unrouted default partition */
static bool
has_unrouted_marker(Relation rel)
{
	TriggerDesc *trigdesc = rel->trigdesc;

	for (int i = 0; trigdesc != NULL && i < trigdesc->numtriggers; i++)
		if (strcmp(trigdesc->triggers[i].tgname, "j7599_unrouted") == 0)
			return true;
	return false;
}

static pg_noinline pg_attribute_cold void
build_map(enforce_map *map, Relation rel, Trigger *trig, bool before)
{
	Oid			nsp = get_namespace_oid("j7599", false);
	type_oids	t;

	t.line = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
							 CStringGetDatum("hcpcs_line"), ObjectIdGetDatum(nsp));
	t.ndc = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
							CStringGetDatum("ndc"), ObjectIdGetDatum(nsp));
	memset(map, 0, sizeof(*map));
	map->relid = RelationGetRelid(rel);
	if (trig->tgnargs < 2 ||
		!rules_severity_parse(trig->tgargs[0], strlen(trig->tgargs[0]), &map->min))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" on table \"%s\" has malformed arguments",
						trig->tgname, RelationGetRelationName(rel)),
				 errhint("Install it with j7599.enforce(), not by hand.")));

	for (int i = 1; i < trig->tgnargs; i++)
	{
		const char *arg = trig->tgargs[i];
		const char *eq = strchr(arg, '=');
		size_t		flen = eq ? (size_t) (eq - arg) : 0;
		bool		known = false;

		/* what to do with a refused row; 'raise' triggers may omit it */
		if (strcmp(arg, "on_refusal=quarantine") == 0 || strcmp(arg, "on_refusal=raise") == 0)
		{
			map->quarantine = arg[11] == 'q';
			continue;
		}
		for (int a = 0; eq != NULL && a < RULE_FIELD__COUNT; a++)
		{
			const char *name = rules_field_name((rule_field) a);
			col_ref		ref;

			if (strlen(name) != flen || strncmp(arg, name, flen) != 0)
				continue;
			ref = resolve_column(rel, &t, name, eq + 1);
			if (!kind_fits((rule_field) a, ref.kind))
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" of table \"%s\" cannot hold %s", eq + 1,
								RelationGetRelationName(rel), name)));
			if (kind_of_input[a] != IK_DX)
				map->cols[a] = ref;
			else
			{
				/* the DX input may name several columns */
				if (map->ndx >= RULES_MAX_DX_SOURCES)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("trigger \"%s\" on table \"%s\" names more than %d %s columns",
									trig->tgname, RelationGetRelationName(rel),
									RULES_MAX_DX_SOURCES, name),
							 errhint("Install it with j7599.enforce(), not by hand.")));
				map->dx[map->ndx++] = ref;
			}
			known = true;
			break;
		}
		if (!known)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("trigger \"%s\" on table \"%s\" has an unknown argument \"%s\"",
							trig->tgname, RelationGetRelationName(rel), arg),
					 errhint("Install it with j7599.enforce(), not by hand.")));
	}
	for (int a = 0; a < RULE_FIELD__COUNT; a++)
		map->max_attnum = Max(map->max_attnum, map->cols[a].attnum);
	for (int i = 0; i < map->ndx; i++)
		map->max_attnum = Max(map->max_attnum, map->dx[i].attnum);
	if (map->cols[RULE_FIELD_LINE].attnum == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" on table \"%s\" names no line column",
						trig->tgname, RelationGetRelationName(rel))));
	if (map->quarantine && before)
	{
		TupleDesc	desc = RelationGetDescr(rel);

		/*
		 * A BEFORE row trigger sees stored generated columns before they are
		 * computed (NULL): a mapped one would be checked as NULL.
		 * j7599.enforce refuses quarantine mode for such a table; a column
		 * made generated since then is refused here.
		 */
		for (int i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);
			bool		mapped = false;

			if (att->attgenerated == '\0' || att->attisdropped)
				continue;
			for (int a = 0; a < RULE_FIELD__COUNT; a++)
				mapped |= map->cols[a].attnum == att->attnum;
			for (int d = 0; d < map->ndx; d++)
				mapped |= map->dx[d].attnum == att->attnum;
			if (mapped)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("table \"%s\" cannot be enforced in quarantine mode: registered column \"%s\" is generated",
								RelationGetRelationName(rel), NameStr(att->attname)),
						 errdetail("In quarantine mode rows are checked before they are stored, when generated columns are not computed yet."),
						 errhint("Enforce the table with on_refusal => 'raise', or register the columns the generated column is computed from.")));
		}
		map->target = quarantine_target(rel);
		map->unrouted = has_unrouted_marker(rel);
	}
}

/* a mapped column's value from the deformed slot; unmapped columns are NULL */
static inline Datum
get_col(TupleTableSlot *slot, const col_ref *c, bool *isnull)
{
	if (c->attnum == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = slot->tts_isnull[c->attnum - 1];
	return slot->tts_values[c->attnum - 1];
}

static int64
int_value(Datum d, col_kind k)
{
	switch (k)
	{
		case CK_INT2:
			return DatumGetInt16(d);
		case CK_INT4:
			return DatumGetInt32(d);
		default:
			return DatumGetInt64(d);
	}
}

/* fills the engine's input from the row, one setter per input kind */
static void
row_input(rule_input *in, const enforce_map *map, TupleTableSlot *slot)
{
	const col_ref *c = map->cols;
	Datum		d;
	bool		isnull;

	rules_input_init(in);
#define ROW_LINE(f, name) \
	d = get_col(slot, &c[f], &isnull); \
	if (c[f].kind != CK_LINE) \
		rules_set_line_text(in, d, isnull); \
	else if (isnull) \
		in->line_isnull = true; \
	else \
		rules_set_line_value(in, DatumGetHcpcsLine(d));
#define ROW_TEXT(f, name) \
	d = get_col(slot, &c[f], &isnull); \
	rules_set_text(&in->name, d, isnull);
#define ROW_DATE(f, name) \
	d = get_col(slot, &c[f], &isnull); \
	if (c[f].kind == CK_TEXT) \
		rules_set_date_text(&in->name, d, isnull); \
	else \
		rules_set_date(&in->name, d, isnull);
#define ROW_QUANTITY(f, name) \
	d = get_col(slot, &c[f], &isnull); \
	if (c[f].kind == CK_TEXT) \
		rules_set_units_text(in, d, isnull); \
	else if (c[f].kind == CK_NUMERIC || isnull) \
		rules_set_units_numeric(in, d, isnull); \
	else \
		rules_set_units_int(in, int_value(d, c[f].kind), false);
#define ROW_NDC(f, name) \
	d = get_col(slot, &c[f], &isnull); \
	if (c[f].kind == CK_NDC) \
		rules_set_ndc_value(in, isnull ? 0 : DatumGetNdc(d), isnull); \
	else \
		rules_set_ndc_text(in, d, isnull);
#define ROW_DX(f, name) \
	for (int i = 0; i < map->ndx; i++) \
	{ \
		d = get_col(slot, &map->dx[i], &isnull); \
		rules_add_dx(in, d, isnull, map->dx[i].kind == CK_TEXT_ARRAY); \
	}
#define ROW_COUNT(f, name) \
	d = get_col(slot, &c[f], &isnull); \
	if (c[f].kind == CK_TEXT) \
		rules_set_count_text(&in->name, d, isnull); \
	else \
		rules_set_count(&in->name, isnull ? 0 : int_value(d, c[f].kind), isnull);
#define CLAIM_INPUT(ID, name, kind, since, doc) ROW_##kind(RULE_FIELD_##ID, name)
#include "claim_inputs.def"
#undef CLAIM_INPUT
}

/* ------------------------------------------------ values a reader may see */

#define FB(f)	(1u << (f))


/*
 * May the user read column attname of relid?  As PostgreSQL decides for its
 * own error details: no when row-level security applies to the user, else
 * SELECT on the table or on the column.
 */
static bool
column_readable_in(Oid relid, const char *attname, Oid userid)
{
	AttrNumber	attnum;

	if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		return false;
	if (pg_class_aclcheck(relid, userid, ACL_SELECT) == ACLCHECK_OK)
		return true;
	attnum = get_attnum(relid, attname);
	return attnum != InvalidAttrNumber &&
		pg_attribute_aclcheck(relid, attnum, userid, ACL_SELECT) == ACLCHECK_OK;
}

/* the direct parents of relid (partitioned tables and inheritance parents) */
static List *
parents_of(Oid relid)
{
	Relation	inh = table_open(InheritsRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *parents = NIL;

	ScanKeyInit(&key, Anum_pg_inherits_inhrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	scan = systable_beginscan(inh, InheritsRelidSeqnoIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		parents = lappend_oid(parents, ((Form_pg_inherits) GETSTRUCT(tuple))->inhparent);
	systable_endscan(scan);
	table_close(inh, AccessShareLock);
	return parents;
}

/*
 * May the user read this column of the row?  Yes when it can read it in the
 * table or in any ancestor (a SELECT on a parent shows its children's rows).
 */
static bool
column_readable(Relation rel, AttrNumber attnum, Oid userid)
{
	const char *attname = NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname);
	List	   *todo = list_make1_oid(RelationGetRelid(rel));
	List	   *seen = NIL;

	while (todo != NIL)
	{
		Oid			relid = linitial_oid(todo);

		todo = list_delete_first(todo);
		if (list_member_oid(seen, relid))
			continue;
		seen = lappend_oid(seen, relid);
		if (column_readable_in(relid, attname, userid))
			return true;
		todo = list_concat(todo, parents_of(relid));
	}
	return false;
}

/* the fields (bits of rule_field) whose mapped columns the user may not read */
static uint32
hidden_fields(Relation rel, const enforce_map *map)
{
	Oid			userid = GetUserId();
	uint32		hidden = 0;

	for (int a = 0; a < RULE_FIELD__COUNT; a++)
		if (map->cols[a].attnum != 0 && !column_readable(rel, map->cols[a].attnum, userid))
			hidden |= FB(a);
	for (int i = 0; i < map->ndx; i++)
		if (!column_readable(rel, map->dx[i].attnum, userid))
			hidden |= RF(DX);
	return hidden;
}

/*
 * The refusal's detail: one line per finding, "severity RULE (field):
 * message [source: ...]", as rules_append_detail writes it, with the message
 * and the source of a finding that would reveal a hidden field withheld.
 */
static void
append_detail(StringInfo buf, const rule_findings *f, uint32 hidden)
{
	for (int i = 0; i < f->count; i++)
	{
		const rule_finding *x = &f->items[i];
		const rule_info *ri = rules_info(x->rule);
		uint32		msg_mask = ri->reveals_message | FB(x->field);
		uint32		src_mask = ri->reveals_source;

		/* what each rule may reveal is declared with it (rules.def) */
		if (ri->reveals_message == 0)
			msg_mask = src_mask = RF_ALL;
		appendStringInfo(buf, "%s%s %s (%s): %s [source: %s]",
						 i == 0 ? "" : "\n",
						 rules_severity_name(x->severity), rules_rule_name(x->rule),
						 rules_field_name(x->field),
						 (msg_mask & hidden) ? "message withheld: it would show a column the current user may not read" :
						 x->message[0] ? x->message : "(no message)",
						 (src_mask & hidden) ? "withheld" : x->source);
	}
	if (f->dropped > 0)
		appendStringInfo(buf, "%s... and %d more finding%s not shown",
						 f->count == 0 ? "" : "\n", f->dropped, f->dropped == 1 ? "" : "s");
}

Datum
j7599_enforce_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	HeapTuple	tup;
	TupleTableSlot *slot;
	enforce_map *map;
	rule_input	in;
	rule_findings *out;
	bool		quarantining;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("j7599.enforce_trigger() may only be called as a trigger")));
	if (!TRIGGER_FIRED_FOR_ROW(td->tg_event) || TRIGGER_FIRED_INSTEAD(td->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("j7599.enforce_trigger() must fire AFTER or BEFORE INSERT OR UPDATE FOR EACH ROW")));

	rel = td->tg_relation;
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		tup = td->tg_newtuple;
		slot = td->tg_newslot;
	}
	else
	{
		tup = td->tg_trigtuple;
		slot = td->tg_trigslot;
	}

	/*
	 * The marker trigger of the unrouted default partition that quarantine
	 * mode gives a partitioned table (args: 'unrouted'): a row that reaches
	 * it fits no other partition.  It fires only when the enforcing trigger
	 * did not set the row aside already.
	 */
	if (td->tg_trigger->tgnargs == 1 && strcmp(td->tg_trigger->tgargs[0], "unrouted") == 0)
	{
		rule_findings none;
		quarantine_cache *cache;

		if (!TRIGGER_FIRED_BEFORE(td->tg_event) || !TRIGGER_FIRED_BY_INSERT(td->tg_event))
			return PointerGetDatum(TRIGGER_FIRED_BEFORE(td->tg_event) ? tup : NULL);
		cache = (quarantine_cache *) fcinfo->flinfo->fn_extra;
		if (cache == NULL)
			cache = fcinfo->flinfo->fn_extra =
				MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(quarantine_cache));
		memset(&none, 0, offsetof(rule_findings, items));
		quarantine_row(rel, tup, quarantine_target(rel), &none, true, cache, fcinfo->flinfo->fn_mcxt);
		return PointerGetDatum(NULL);
	}

	/* the map and a findings buffer live as long as the trigger's FmgrInfo */
	map = (enforce_map *) fcinfo->flinfo->fn_extra;
	if (map == NULL || map->relid != RelationGetRelid(rel))
	{
		if (map == NULL)
			map = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
									 sizeof(enforce_map) + sizeof(rule_findings));
		build_map(map, rel, td->tg_trigger, TRIGGER_FIRED_BEFORE(td->tg_event));
		fcinfo->flinfo->fn_extra = map;
	}
	out = (rule_findings *) (map + 1);

	/*
	 * Quarantine mode sets an inserted row aside (BEFORE INSERT: returning
	 * NULL skips it); an UPDATE that would make a row refused still raises,
	 * since the old version stays in the table.
	 */
	quarantining = map->quarantine && TRIGGER_FIRED_BEFORE(td->tg_event) &&
		TRIGGER_FIRED_BY_INSERT(td->tg_event);

	/* one deforming pass over the row (COPY's slot is often deformed already) */
	slot_getsomeattrs(slot, map->max_attnum);
	row_input(&in, map, slot);
	/* first a quick pass; at severity error, only errors need to be looked for */
	rules_run(&in, out, RULES_NO_MESSAGES |
			  (map->min == RULE_SEV_ERROR ? RULES_STOP_AT_ERROR : 0));
	if (quarantining && map->unrouted)
	{
		/* no partition takes the row: it goes aside whatever its findings */
		rules_run(&in, out, 0);
		quarantine_row(rel, tup, map->target, out, true, &map->qcache, fcinfo->flinfo->fn_mcxt);
		return PointerGetDatum(NULL);
	}
	if (rules_any_at_least(out, map->min))
	{
		StringInfoData ids;
		StringInfoData detail;

		/* the row is refused: now spend the time on messages */
		rules_run(&in, out, 0);
		if (quarantining)
		{
			quarantine_row(rel, tup, map->target, out, false, &map->qcache, fcinfo->flinfo->fn_mcxt);
			return PointerGetDatum(NULL);
		}
		initStringInfo(&ids);
		initStringInfo(&detail);
		rules_append_ids(&ids, out, map->min);
		/* the message names what refused the row; the detail names the row
		 * (row_key.c), then lists every finding, without the values the user
		 * may not read */
		row_key_append_line(&detail, rel, slot);
		append_detail(&detail, out, hidden_fields(rel, map));
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("row of table \"%s\" violates j7599 rules: %s",
						RelationGetRelationName(rel), ids.data),
				 errdetail("%s", detail.data),
				 errhint("The table is enforced at severity \"%s\": correct the row, or check it first with j7599.validate().",
						 rules_severity_name(map->min)),
				 errtable(rel)));
	}
	/* BEFORE: the row goes on unchanged; AFTER: the result is ignored */
	if (TRIGGER_FIRED_BEFORE(td->tg_event))
		return PointerGetDatum(tup);
	return PointerGetDatum(NULL);
}
