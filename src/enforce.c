/*
 * src/enforce.c: the row trigger behind j7599.enforce().
 *
 * Arguments (written by j7599._install_trigger): the minimum severity, then
 * "field=column" pairs naming, by attname, the column that holds each
 * validation argument ("dx=" may repeat).  The columns are resolved to
 * attribute numbers once per relation and statement, so a partition whose
 * columns sit at other positions than its parent's is read correctly.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "executor/tuptable.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "rules.h"
#include "types.h"

PG_FUNCTION_INFO_V1(j7599_enforce_trigger);

typedef enum enforce_arg
{
	EA_LINE = 0,
	EA_PAYER,
	EA_SERVICE_DATE,
	EA_UNITS,
	EA_NDC,
	EA_POS,
	EA_NARRATIVE,
	EA_PRIOR_AUTH,
	EA_DAYS_SUPPLY,
	EA_TRANSPLANT_DATE,
	EA__COUNT
} enforce_arg;

static const char *const enforce_arg_names[EA__COUNT] = {
	"line", "payer", "service_date", "units", "ndc", "pos", "narrative",
	"prior_auth", "days_supply", "transplant_date"
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
	col_ref		cols[EA__COUNT];
	int			ndx;
	col_ref		dx[RULES_MAX_DX_SOURCES];
	AttrNumber	max_attnum;		/* the slot is deformed up to this column */
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

/* does a column of this kind fit the argument? (register checked it once) */
static bool
kind_fits(enforce_arg arg, col_kind k)
{
	switch (arg)
	{
		case EA_LINE:
			return k == CK_TEXT || k == CK_LINE;
		case EA_NDC:
			return k == CK_TEXT || k == CK_NDC;
		case EA_SERVICE_DATE:
		case EA_TRANSPLANT_DATE:
			return k == CK_DATE;
		case EA_UNITS:
			return k == CK_NUMERIC || k == CK_INT2 || k == CK_INT4 || k == CK_INT8;
		case EA_DAYS_SUPPLY:
			return k == CK_INT2 || k == CK_INT4;
		default:
			return k == CK_TEXT;
	}
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

static void
build_map(enforce_map *map, Relation rel, Trigger *trig)
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

		if (eq != NULL && flen == 2 && strncmp(arg, "dx", 2) == 0)
		{
			col_ref		ref = resolve_column(rel, &t, "dx", eq + 1);

			if (ref.kind != CK_TEXT && ref.kind != CK_TEXT_ARRAY)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" of table \"%s\" cannot hold dx", eq + 1,
								RelationGetRelationName(rel))));
			if (map->ndx >= RULES_MAX_DX_SOURCES)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("trigger \"%s\" on table \"%s\" names more than %d dx columns",
								trig->tgname, RelationGetRelationName(rel), RULES_MAX_DX_SOURCES),
						 errhint("Install it with j7599.enforce(), not by hand.")));
			map->dx[map->ndx++] = ref;
			continue;
		}
		for (int a = 0; eq != NULL && a < EA__COUNT; a++)
		{
			if (strlen(enforce_arg_names[a]) == flen &&
				strncmp(arg, enforce_arg_names[a], flen) == 0)
			{
				col_ref		ref = resolve_column(rel, &t, enforce_arg_names[a], eq + 1);

				if (!kind_fits((enforce_arg) a, ref.kind))
					ereport(ERROR,
							(errcode(ERRCODE_DATATYPE_MISMATCH),
							 errmsg("column \"%s\" of table \"%s\" cannot hold %s", eq + 1,
									RelationGetRelationName(rel), enforce_arg_names[a])));
				map->cols[a] = ref;
				known = true;
				break;
			}
		}
		if (!known)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("trigger \"%s\" on table \"%s\" has an unknown argument \"%s\"",
							trig->tgname, RelationGetRelationName(rel), arg),
					 errhint("Install it with j7599.enforce(), not by hand.")));
	}
	for (int a = 0; a < EA__COUNT; a++)
		map->max_attnum = Max(map->max_attnum, map->cols[a].attnum);
	for (int i = 0; i < map->ndx; i++)
		map->max_attnum = Max(map->max_attnum, map->dx[i].attnum);
	if (map->cols[EA_LINE].attnum == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" on table \"%s\" names no line column",
						trig->tgname, RelationGetRelationName(rel))));
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

/* fills the engine's input from the row */
static void
row_input(rule_input *in, const enforce_map *map, TupleTableSlot *slot)
{
	const col_ref *c = map->cols;
	Datum		d;
	bool		isnull;

	rules_input_init(in);

	d = get_col(slot, &c[EA_LINE], &isnull);
	if (c[EA_LINE].kind == CK_LINE)
	{
		if (isnull)
			in->line_isnull = true;
		else
			rules_set_line_value(in, DatumGetHcpcsLine(d));
	}
	else
		rules_set_line_text(in, d, isnull);

	d = get_col(slot, &c[EA_PAYER], &isnull);
	rules_set_text(&in->payer, d, isnull);
	d = get_col(slot, &c[EA_SERVICE_DATE], &isnull);
	rules_set_date(&in->service_date, d, isnull);

	d = get_col(slot, &c[EA_UNITS], &isnull);
	if (c[EA_UNITS].kind == CK_NUMERIC || isnull)
		rules_set_units_numeric(in, d, isnull);
	else
		rules_set_units_int(in, int_value(d, c[EA_UNITS].kind), false);

	d = get_col(slot, &c[EA_NDC], &isnull);
	if (c[EA_NDC].kind == CK_NDC)
		rules_set_ndc_value(in, isnull ? 0 : DatumGetNdc(d), isnull);
	else
		rules_set_ndc_text(in, d, isnull);

	d = get_col(slot, &c[EA_POS], &isnull);
	rules_set_text(&in->pos, d, isnull);

	for (int i = 0; i < map->ndx; i++)
	{
		d = get_col(slot, &map->dx[i], &isnull);
		rules_add_dx(in, d, isnull, map->dx[i].kind == CK_TEXT_ARRAY);
	}

	d = get_col(slot, &c[EA_NARRATIVE], &isnull);
	rules_set_text(&in->narrative, d, isnull);
	d = get_col(slot, &c[EA_PRIOR_AUTH], &isnull);
	rules_set_text(&in->prior_auth, d, isnull);
	d = get_col(slot, &c[EA_DAYS_SUPPLY], &isnull);
	rules_set_days_supply(in, isnull ? 0 : int_value(d, c[EA_DAYS_SUPPLY].kind), isnull);
	d = get_col(slot, &c[EA_TRANSPLANT_DATE], &isnull);
	rules_set_date(&in->transplant_date, d, isnull);
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

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("j7599.enforce_trigger() may only be called as a trigger")));
	if (!TRIGGER_FIRED_FOR_ROW(td->tg_event) || !TRIGGER_FIRED_BEFORE(td->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("j7599.enforce_trigger() must fire BEFORE INSERT OR UPDATE FOR EACH ROW")));

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

	/* the map and a findings buffer live as long as the trigger's FmgrInfo */
	map = (enforce_map *) fcinfo->flinfo->fn_extra;
	if (map == NULL || map->relid != RelationGetRelid(rel))
	{
		if (map == NULL)
			map = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
									 sizeof(enforce_map) + sizeof(rule_findings));
		build_map(map, rel, td->tg_trigger);
		fcinfo->flinfo->fn_extra = map;
	}
	out = (rule_findings *) (map + 1);

	/* one deforming pass over the row (COPY's slot is often deformed already) */
	slot_getsomeattrs(slot, map->max_attnum);
	row_input(&in, map, slot);
	/* first a quick pass; at severity error, only errors need to be looked for */
	rules_run(&in, out, RULES_NO_MESSAGES |
			  (map->min == RULE_SEV_ERROR ? RULES_STOP_AT_ERROR : 0));
	if (rules_any_at_least(out, map->min))
	{
		StringInfoData ids;
		StringInfoData detail;

		/* the row is refused: now spend the time on messages */
		rules_run(&in, out, 0);
		initStringInfo(&ids);
		initStringInfo(&detail);
		rules_append_ids(&ids, out, map->min);
		/* the message names what refused the row; the detail lists every finding */
		rules_append_detail(&detail, out, RULE_SEV_INFO);
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("row of table \"%s\" violates j7599 rules: %s",
						RelationGetRelationName(rel), ids.data),
				 errdetail("%s", detail.data),
				 errhint("The table is enforced at severity \"%s\": correct the row, or check it first with j7599.validate().",
						 rules_severity_name(map->min)),
				 errtable(rel)));
	}
	return PointerGetDatum(tup);
}
