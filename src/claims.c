/*
 * src/claims.c
 *
 * The aggregate j7599.claim_findings(line, service_date, units, ndc, payer):
 * its transition function gathers the lines of one claim into fixed-size
 * records (claims.h), its final function runs the claim rules
 * (rules_claims.c) and returns the findings as j7599.finding[] (empty for a
 * clean claim).  Combine, serialise and deserialise functions let it run in
 * parallel: partial states are plain arrays of records and a text arena.
 *
 * audit_claims and the statement trigger of enforce_claims are SQL over this
 * aggregate (sql/install/48_claims.sql).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "claims.h"
#include "codes.h"
#include "types.h"
#include "util.h"

PG_FUNCTION_INFO_V1(j7599_claim_trans);
PG_FUNCTION_INFO_V1(j7599_claim_final);
PG_FUNCTION_INFO_V1(j7599_claim_combine);
PG_FUNCTION_INFO_V1(j7599_claim_serial);
PG_FUNCTION_INFO_V1(j7599_claim_deserial);
PG_FUNCTION_INFO_V1(j7599_line_or_null);

/*
 * j7599._line_or_null(text): the line, or NULL when the text is not a valid
 * line (audit_claims reads text line columns with it: a malformed line is
 * LINE_MALFORMED, a line-level finding, and no line of its claim).
 */
Datum
j7599_line_or_null(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	hcpcs_line_parts parts;
	char		reason[CODES_REASON_MAX];

	if (!hcpcs_parse_line(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &parts, reason))
		PG_RETURN_NULL();
	PG_RETURN_HCPCS_LINE(hcpcs_pack(&parts));
}

#define INLINE_LINES 4
#define INLINE_ARENA (256 - MAXALIGN(sizeof(claim_state)) - INLINE_LINES * sizeof(claim_line))
StaticAssertDecl(sizeof(claim_line) == 48, "a claim line is 48 bytes");

static claim_state *
state_new(MemoryContext cxt, int lines, int arena)
{
	Size		head = MAXALIGN(sizeof(claim_state));
	claim_state *st;

	if (lines <= INLINE_LINES && arena <= (int) INLINE_ARENA)
	{
		char	   *mem = MemoryContextAlloc(cxt, 256);

		st = (claim_state *) mem;
		memset(st, 0, sizeof(claim_state));
		st->maxlines = INLINE_LINES;
		st->lines = (claim_line *) (mem + head);
		st->arena_max = (int) INLINE_ARENA;
		st->arena = mem + head + INLINE_LINES * sizeof(claim_line);
		st->lines_inline = true;
		st->arena_inline = true;
		return st;
	}
	st = MemoryContextAllocZero(cxt, sizeof(claim_state));
	st->maxlines = Max(lines, INLINE_LINES);
	st->lines = MemoryContextAlloc(cxt, sizeof(claim_line) * st->maxlines);
	st->arena_max = Max(arena, 32);
	st->arena = MemoryContextAlloc(cxt, st->arena_max);
	return st;
}

/* (in the aggregate's memory context) */
static claim_line *
state_add_line(claim_state *st)
{
	if (st->nlines >= st->maxlines)
	{
		if (st->maxlines >= (int) (MaxAllocSize / sizeof(claim_line) / 2))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a claim has too many lines for j7599.claim_findings")));
		if (st->lines_inline)
		{
			claim_line *l = palloc(sizeof(claim_line) * st->maxlines * 2);

			memcpy(l, st->lines, sizeof(claim_line) * st->nlines);
			st->lines = l;
			st->lines_inline = false;
		}
		else
			st->lines = repalloc(st->lines, sizeof(claim_line) * st->maxlines * 2);
		st->maxlines *= 2;
	}
	return &st->lines[st->nlines++];
}

/* appends bytes to the arena; returns their offset */
static int32
arena_add(claim_state *st, const char *s, int len)
{
	int32		off;

	if (len > (int) (MaxAllocSize / 4) || st->arena_len > (int) (MaxAllocSize / 2) - len)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a claim has too much text for j7599.claim_findings")));
	if (st->arena_len + len > st->arena_max)
	{
		while (st->arena_len + len > st->arena_max)
			st->arena_max *= 2;
		if (st->arena_inline)
		{
			char	   *a = palloc(st->arena_max);

			memcpy(a, st->arena, st->arena_len);
			st->arena = a;
			st->arena_inline = false;
		}
		else
			st->arena = repalloc(st->arena, st->arena_max);
	}
	memcpy(st->arena + st->arena_len, s, len);
	off = st->arena_len;
	st->arena_len += len;
	return off;
}

/* the payer text: shared with the line before when it is the same */
static void
state_set_payer(claim_state *st, claim_line *l, const char *s, int len)
{
	if (st->nlines >= 2)
	{
		const claim_line *prev = &st->lines[st->nlines - 2];

		if (prev->payer_off >= 0 && prev->payer_len == len &&
			memcmp(st->arena + prev->payer_off, s, len) == 0)
		{
			l->payer_off = prev->payer_off;
			l->payer_len = len;
			return;
		}
	}
	l->payer_off = arena_add(st, s, len);
	l->payer_len = len;
}

static MemoryContext
agg_context(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext cxt;

	if (!AggCheckCallContext(fcinfo, &cxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s must be called as part of an aggregate", fn)));
	return cxt;
}

claim_state *
claims_state_new(MemoryContext cxt)
{
	return state_new(cxt, 0, 0);
}

/*
 * Adds a line to a claim (in the current memory context, which must be the
 * state's): the packed line, then the service date, units, NDC text and payer
 * text, each NULL when the value is.  The line's reference is left empty.
 * The aggregate and the statement trigger of enforce_claims both read lines
 * through this, so that they see the same claim.
 */
claim_line *
claims_add_line(claim_state *st, uint64 line, const DateADT *date, Numeric units,
				const text *ndc, const text *payer)
{
	claim_line *l = state_add_line(st);

	memset(l, 0, sizeof(*l));
	l->line = line;
	l->flags = CL_LINE;
	if (date != NULL && !DATE_NOT_FINITE(*date))
	{
		l->date = *date;
		l->flags |= CL_DATE;
	}
	if (units != NULL && claims_units_micro(units, &l->units))
		l->flags |= CL_UNITS;
	l->ndc = CL_NDC_NONE;
	if (ndc != NULL)
	{
		const char *s = VARDATA_ANY(ndc);
		int			len = VARSIZE_ANY_EXHDR(ndc);
		char		reason[CODES_REASON_MAX];
		int64_t		v;

		if (!util_span_blank(s, (size_t) len))
			l->ndc = ndc_parse(s, (size_t) len, &v, reason) ? (int64) v : CL_NDC_BAD;
	}
	l->payer_off = -1;
	if (payer != NULL)
		state_set_payer(st, l, VARDATA_ANY(payer), (int) VARSIZE_ANY_EXHDR(payer));
	l->ref_off = -1;
	return l;
}

/*
 * claim_findings transition: (state, line, service_date, units, ndc, payer
 * [, line_ref]).  A NULL line is skipped; every other value may be NULL.
 */
Datum
j7599_claim_trans(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = agg_context(fcinfo, "j7599_claim_trans");
	claim_state *st = PG_ARGISNULL(0) ? NULL : (claim_state *) PG_GETARG_POINTER(0);
	claim_line *l;
	MemoryContext old;
	DateADT		date;

	if (st == NULL)
		st = state_new(cxt, 0, 0);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);

	date = PG_ARGISNULL(2) ? 0 : PG_GETARG_DATEADT(2);
	old = MemoryContextSwitchTo(cxt);
	l = claims_add_line(st, PG_GETARG_HCPCS_LINE(1), PG_ARGISNULL(2) ? NULL : &date,
						PG_ARGISNULL(3) ? NULL : PG_GETARG_NUMERIC(3),
						PG_ARGISNULL(4) ? NULL : PG_GETARG_TEXT_PP(4),
						PG_ARGISNULL(5) ? NULL : PG_GETARG_TEXT_PP(5));
	if (PG_NARGS() > 6 && !PG_ARGISNULL(6))
	{
		text	   *t = PG_GETARG_TEXT_PP(6);
		int			len = Min((int) VARSIZE_ANY_EXHDR(t), CL_REF_MAX);

		len = pg_mbcliplen(VARDATA_ANY(t), (int) VARSIZE_ANY_EXHDR(t), len);
		l->ref_off = arena_add(st, VARDATA_ANY(t), len);
		l->ref_len = (uint16) len;
	}
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

Datum
j7599_claim_combine(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = agg_context(fcinfo, "j7599_claim_combine");
	claim_state *a = PG_ARGISNULL(0) ? NULL : (claim_state *) PG_GETARG_POINTER(0);
	claim_state *b = PG_ARGISNULL(1) ? NULL : (claim_state *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (b == NULL)
		PG_RETURN_POINTER(a);	/* NULL when both are */
	old = MemoryContextSwitchTo(cxt);
	if (a == NULL)
		a = state_new(cxt, b->nlines, b->arena_len);
	for (int i = 0; i < b->nlines; i++)
	{
		claim_line *l = state_add_line(a);

		*l = b->lines[i];
		if (l->payer_off >= 0)
		{
			l->payer_off = -1;
			state_set_payer(a, l, b->arena + b->lines[i].payer_off, b->lines[i].payer_len);
		}
		if (l->ref_off >= 0)
			l->ref_off = arena_add(a, b->arena + b->lines[i].ref_off, b->lines[i].ref_len);
	}
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

Datum
j7599_claim_serial(PG_FUNCTION_ARGS)
{
	claim_state *st;
	StringInfoData buf;

	(void) agg_context(fcinfo, "j7599_claim_serial");
	st = (claim_state *) PG_GETARG_POINTER(0);
	pq_begintypsend(&buf);
	pq_sendint32(&buf, st->nlines);
	pq_sendint32(&buf, st->arena_len);
	pq_sendbytes(&buf, (const char *) st->lines, sizeof(claim_line) * st->nlines);
	pq_sendbytes(&buf, st->arena, st->arena_len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
j7599_claim_deserial(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = agg_context(fcinfo, "j7599_claim_deserial");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	int			nlines;
	int			arena;
	claim_state *st;

	/* a state this library serialised for a worker of the same query */
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	nlines = pq_getmsgint(&buf, 4);
	arena = pq_getmsgint(&buf, 4);
	if (nlines < 0 || arena < 0 ||
		(Size) buf.len != 8 + sizeof(claim_line) * (Size) nlines + (Size) arena)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid claim_findings state")));
	st = state_new(cxt, nlines, arena);
	pq_copymsgbytes(&buf, (char *) st->lines, sizeof(claim_line) * nlines);
	pq_copymsgbytes(&buf, st->arena, arena);
	st->nlines = nlines;
	st->arena_len = arena;
	for (int i = 0; i < nlines; i++)
	{
		claim_line *l = &st->lines[i];

		if ((l->payer_off >= 0 && (l->payer_len < 0 || l->payer_off > arena - l->payer_len)) ||
			(l->ref_off >= 0 && (l->ref_len > CL_REF_MAX || l->ref_off > arena - l->ref_len)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid claim_findings state")));
	}
	PG_RETURN_POINTER(st);
}

/* ------------------------------------------------------------------ final */

typedef struct final_cache
{
	Oid			elem;			/* j7599.finding */
	TupleDesc	desc;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	rule_findings findings;
} final_cache;

static final_cache *
get_final_cache(FunctionCallInfo fcinfo)
{
	final_cache *fc = (final_cache *) fcinfo->flinfo->fn_extra;

	if (fc == NULL)
	{
		Oid			rettype = get_fn_expr_rettype(fcinfo->flinfo);
		Oid			elem = OidIsValid(rettype) ? get_element_type(rettype) : InvalidOid;
		MemoryContext old;

		if (!OidIsValid(elem))
			elem = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
								   CStringGetDatum("finding"),
								   ObjectIdGetDatum(get_namespace_oid("j7599", false)));
		if (!OidIsValid(elem))
			elog(ERROR, "j7599: type j7599.finding does not exist");
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		fc = palloc0(sizeof(final_cache));
		fc->elem = elem;
		fc->desc = lookup_rowtype_tupdesc_copy(elem, -1);
		BlessTupleDesc(fc->desc);
		get_typlenbyvalalign(elem, &fc->typlen, &fc->typbyval, &fc->typalign);
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = fc;
	}
	return fc;
}

Datum
j7599_claim_final(PG_FUNCTION_ARGS)
{
	claim_state *st;
	final_cache *fc;
	Datum	   *elems;
	int			n;

	(void) agg_context(fcinfo, "j7599_claim_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (claim_state *) PG_GETARG_POINTER(0);
	fc = get_final_cache(fcinfo);
	rules_claims_run(st, &fc->findings, true);
	n = fc->findings.count;
	if (n == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(fc->elem));
	elems = palloc(sizeof(Datum) * n);
	for (int i = 0; i < n; i++)
	{
		const rule_finding *f = &fc->findings.items[i];
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = CStringGetTextDatum(rules_rule_name(f->rule));
		values[1] = CStringGetTextDatum(rules_severity_name(f->severity));
		values[2] = CStringGetTextDatum(rules_field_name(f->field));
		values[3] = CStringGetTextDatum(f->message);
		values[4] = CStringGetTextDatum(f->source);
		elems[i] = HeapTupleGetDatum(heap_form_tuple(fc->desc, values, nulls));
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, fc->elem, fc->typlen, fc->typbyval, fc->typalign));
}
