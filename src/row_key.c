/*
 * src/row_key.c: the line of a refusal's detail that names the refused row.
 *
 *   Row key (claim_id, line_no)=(10007, 2).
 *
 * The key is the table's primary key; without one, the claim key registered
 * for the table or for the partitioned table it belongs to
 * (j7599.register(..., claim_key => ...)); without either, the row is not
 * named.  The line is bounded: each value is cut to ROW_KEY_VALUE_MAX bytes
 * (on a character boundary, "..." appended) and the whole line to
 * ROW_KEY_LINE_MAX, so a refusal relayed by postgres_fdw from a shard stays
 * readable.
 *
 * Privacy follows PostgreSQL's own key details (BuildIndexValueDescription):
 * no values when row-level security applies to the user, or when the user
 * may read a key column neither in the table nor in any ancestor; the line
 * then says the key is withheld.
 *
 * Called on the way to the error only: it may read the catalogs and
 * j7599.registration (through SPI), and never raises an error of its own for
 * a key it cannot build (a 1.0 registration table has no claim_key: the row
 * is then simply not named).
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_index.h"
#include "catalog/namespace.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/rls.h"
#include "utils/syscache.h"

#include "row_key.h"

#define ROW_KEY_VALUE_MAX	40
#define ROW_KEY_LINE_MAX	240
#define ROW_KEY_COLS_MAX	8

/* the relations whose SELECT privilege shows this relation's rows */
static List *
relation_and_ancestors(Oid relid)
{
	List	   *todo = list_make1_oid(relid);
	List	   *seen = NIL;
	Relation	inh = table_open(InheritsRelationId, AccessShareLock);

	while (todo != NIL)
	{
		Oid			r = linitial_oid(todo);
		ScanKeyData key;
		SysScanDesc scan;
		HeapTuple	tuple;

		todo = list_delete_first(todo);
		if (list_member_oid(seen, r))
			continue;
		seen = lappend_oid(seen, r);
		ScanKeyInit(&key, Anum_pg_inherits_inhrelid, BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(r));
		scan = systable_beginscan(inh, InheritsRelidSeqnoIndexId, true, NULL, 1, &key);
		while (HeapTupleIsValid(tuple = systable_getnext(scan)))
			todo = lappend_oid(todo, ((Form_pg_inherits) GETSTRUCT(tuple))->inhparent);
		systable_endscan(scan);
	}
	table_close(inh, AccessShareLock);
	return seen;
}

/* may the user read the column attname of the row, in the table or an ancestor? */
static bool
key_column_readable(List *rels, const char *attname, Oid userid)
{
	ListCell   *lc;

	foreach(lc, rels)
	{
		Oid			relid = lfirst_oid(lc);
		AttrNumber	attnum;

		if (pg_class_aclcheck(relid, userid, ACL_SELECT) == ACLCHECK_OK)
			return true;
		attnum = get_attnum(relid, attname);
		if (attnum != InvalidAttrNumber &&
			pg_attribute_aclcheck(relid, attnum, userid, ACL_SELECT) == ACLCHECK_OK)
			return true;
	}
	return false;
}

/* the primary key's columns, by attnum of rel; 0 when it has none */
static int
primary_key_columns(Relation rel, AttrNumber *cols)
{
	Oid			indexoid = RelationGetPrimaryKeyIndex(rel);
	HeapTuple	tuple;
	Form_pg_index index;
	int			n = 0;

	if (!OidIsValid(indexoid))
		return 0;
	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tuple))
		return 0;
	index = (Form_pg_index) GETSTRUCT(tuple);
	for (int i = 0; i < index->indnkeyatts && n < ROW_KEY_COLS_MAX; i++)
		if (index->indkey.values[i] > 0)
			cols[n++] = index->indkey.values[i];
	ReleaseSysCache(tuple);
	return n;
}

/*
 * The registered claim key of rel or of its nearest registered ancestor, by
 * attnum of rel; 0 when none is registered (or before the 1.1 upgrade).
 */
static int
claim_key_columns(Relation rel, AttrNumber *cols)
{
	Oid			nsp = get_namespace_oid("j7599", true);
	Oid			regrel;
	Oid			argtypes[1] = {OIDOID};
	Datum		args[1];
	int			n = 0;

	if (!OidIsValid(nsp))
		return 0;
	regrel = get_relname_relid("registration", nsp);
	if (!OidIsValid(regrel) || get_attnum(regrel, "claim_key") == InvalidAttrNumber)
		return 0;
	args[0] = ObjectIdGetDatum(RelationGetRelid(rel));
	if (SPI_connect() != SPI_OK_CONNECT)
		return 0;
	if (SPI_execute_with_args(
			"SELECT g.claim_key::pg_catalog.text[] "
			"FROM (SELECT $1::pg_catalog.regclass, 0::bigint "
			"      UNION ALL SELECT * FROM pg_catalog.pg_partition_ancestors($1) WITH ORDINALITY) AS a(relid, depth) "
			"JOIN j7599.registration g ON g.tbl = a.relid AND g.claim_key IS NOT NULL "
			"ORDER BY a.depth LIMIT 1",
			1, argtypes, args, NULL, true, 1) == SPI_OK_SELECT && SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
		{
			Datum	   *names;
			bool	   *nulls;
			int			count;

			deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT,
							  &names, &nulls, &count);
			for (int i = 0; i < count && n < ROW_KEY_COLS_MAX; i++)
			{
				char	   *name;
				AttrNumber	attnum;

				if (nulls[i])
					continue;
				name = TextDatumGetCString(names[i]);
				attnum = get_attnum(RelationGetRelid(rel), name);
				if (attnum == InvalidAttrNumber)
				{
					n = 0;		/* a key column this relation lacks: name no key */
					break;
				}
				cols[n++] = attnum;
			}
		}
	}
	SPI_finish();
	return n;
}

/* appends s, cut to max bytes on a character boundary, with "..." when cut */
static void
append_clipped(StringInfo buf, const char *s, int max)
{
	int			len = strlen(s);

	if (len <= max)
	{
		appendStringInfoString(buf, s);
		return;
	}
	appendBinaryStringInfo(buf, s, pg_mbcliplen(s, len, max));
	appendStringInfoString(buf, "...");
}

void
row_key_append_line(StringInfo buf, Relation rel, TupleTableSlot *slot)
{
	AttrNumber	cols[ROW_KEY_COLS_MAX];
	int			ncols;
	Oid			userid = GetUserId();
	TupleDesc	desc = RelationGetDescr(rel);
	List	   *rels;
	StringInfoData names;
	StringInfoData values;

	ncols = primary_key_columns(rel, cols);
	if (ncols == 0)
		ncols = claim_key_columns(rel, cols);
	if (ncols == 0)
		return;

	if (check_enable_rls(RelationGetRelid(rel), InvalidOid, true) == RLS_ENABLED)
	{
		appendStringInfoString(buf, "Row key withheld: row-level security applies to the current user.\n");
		return;
	}
	rels = relation_and_ancestors(RelationGetRelid(rel));
	for (int i = 0; i < ncols; i++)
		if (!key_column_readable(rels, NameStr(TupleDescAttr(desc, cols[i] - 1)->attname), userid))
		{
			appendStringInfoString(buf, "Row key withheld: it would show a column the current user may not read.\n");
			return;
		}

	initStringInfo(&names);
	initStringInfo(&values);
	for (int i = 0; i < ncols; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, cols[i] - 1);
		bool		isnull;
		Datum		d = slot_getattr(slot, cols[i], &isnull);

		if (i > 0)
		{
			appendStringInfoString(&names, ", ");
			appendStringInfoString(&values, ", ");
		}
		appendStringInfoString(&names, quote_identifier(NameStr(att->attname)));
		if (isnull)
			appendStringInfoString(&values, "null");
		else
		{
			Oid			out;
			bool		varlena;

			getTypeOutputInfo(att->atttypid, &out, &varlena);
			append_clipped(&values, OidOutputFunctionCall(out, d), ROW_KEY_VALUE_MAX);
		}
	}
	appendStringInfoString(buf, "Row key (");
	append_clipped(buf, names.data, ROW_KEY_LINE_MAX / 2);
	appendStringInfoString(buf, ")=(");
	append_clipped(buf, values.data, ROW_KEY_LINE_MAX / 2);
	appendStringInfoString(buf, ").\n");
	pfree(names.data);
	pfree(values.data);
}
