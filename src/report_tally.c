/*
 * src/report_tally.c
 *
 * j7599._report_tally(service_date date, payer text, pos text, line text,
 *                     finding_set bytea, units numeric)
 *
 * The one pass of the analysts' page as an aggregate.  The page needs
 * three tallies, never the rows grouped by all their keys at once:
 *
 *   'm'  (month, payer spelling, place of service)  lines and units
 *   'f'  (payer spelling, finding set)               lines
 *   'l'  (line as stored)                            lines
 *
 * Per row: the month is worked out from the date (the first day of its
 * month, no timestamp), and the row is counted into its group of (month,
 * payer, pos, line, finding set): one key of bytes (each part its length,
 * -1 for NULL, then its bytes), one hash, one probe of an open addressing
 * table kept in the aggregate's context.  Units are added as integers where
 * they are whole (see tally_add_units).  Parallel workers tally their share;
 * serialise, deserialise and combine add the shares up in the leader.  The
 * final function adds the groups (a few thousand) up into the three tallies
 * and returns them as an array of j7599._report_cell, which SQL unnests
 * (j7599._report_cells).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(j7599_report_tally_add);
PG_FUNCTION_INFO_V1(j7599_report_tally_combine);
PG_FUNCTION_INFO_V1(j7599_report_tally_serial);
PG_FUNCTION_INFO_V1(j7599_report_tally_deserial);
PG_FUNCTION_INFO_V1(j7599_report_tally_final);

#define KIND_MONTH	'm'
#define KIND_FINDINGS 'f'
#define KIND_LINE	'l'

/* units values remembered, and the longest remembered */
#define UNITS_MEMO	8
#define UNITS_MEMO_BYTES 16

/* the format of a serialised state; another one is refused */
#define TALLY_FORMAT 1

typedef struct tally_entry
{
	uint32		hash;
	int			keylen;			/* 0: a free slot */
	char	   *key;
	int64		lines;
	bool		has_units;		/* some row brought units */
	int64		int_units;		/* the sum of the whole units of int4 range */
	Numeric		units;			/* the sum of the others; NULL while none */
} tally_entry;

typedef struct report_tally
{
	MemoryContext cxt;
	int			size;			/* slots, a power of two */
	int			used;
	tally_entry *slots;
	StringInfoData buf;			/* the key being built */
	/* the units values seen last, as bytes, and whether each is whole */
	int			nmemo;
	struct
	{
		int			len;
		char		bytes[UNITS_MEMO_BYTES];
		bool		whole;
		int32		value;
	}			memo[UNITS_MEMO];
} report_tally;

static report_tally *
tally_create(MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	report_tally *t = palloc0(sizeof(report_tally));

	t->cxt = cxt;
	t->size = 256;
	t->slots = palloc0(sizeof(tally_entry) * t->size);
	initStringInfo(&t->buf);
	MemoryContextSwitchTo(old);
	return t;
}

static void
tally_grow(report_tally *t)
{
	int			nsize = t->size * 2;
	tally_entry *ns = MemoryContextAllocZero(t->cxt, sizeof(tally_entry) * nsize);

	for (int i = 0; i < t->size; i++)
	{
		tally_entry *e = &t->slots[i];
		uint32		j;

		if (e->keylen == 0)
			continue;
		j = e->hash & (nsize - 1);
		while (ns[j].keylen != 0)
			j = (j + 1) & (nsize - 1);
		ns[j] = *e;
	}
	pfree(t->slots);
	t->slots = ns;
	t->size = nsize;
}

/* the entry of key (copied into the state when new) */
static tally_entry *
tally_find(report_tally *t, const char *key, int keylen)
{
	uint32		h = hash_bytes((const unsigned char *) key, keylen);
	uint32		j;

	if ((t->used + 1) * 4 > t->size * 3)
		tally_grow(t);
	j = h & (t->size - 1);
	for (;;)
	{
		tally_entry *e = &t->slots[j];

		if (e->keylen == 0)
		{
			e->hash = h;
			e->keylen = keylen;
			e->key = MemoryContextAlloc(t->cxt, keylen);
			memcpy(e->key, key, keylen);
			e->lines = 0;
			e->has_units = false;
			e->int_units = 0;
			e->units = NULL;
			t->used++;
			return e;
		}
		if (e->hash == h && e->keylen == keylen && memcmp(e->key, key, keylen) == 0)
			return e;
		j = (j + 1) & (t->size - 1);
	}
}

static void
tally_add_numeric(report_tally *t, tally_entry *e, Numeric u)
{
	MemoryContext old;
	Numeric		sum;

	old = MemoryContextSwitchTo(t->cxt);
	if (e->units == NULL)
		sum = DatumGetNumericCopy(NumericGetDatum(u));
	else
	{
		sum = DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(e->units),
												  NumericGetDatum(u)));
		pfree(e->units);
	}
	e->units = sum;
	e->has_units = true;
	MemoryContextSwitchTo(old);
}

/* whether u is a whole number of scale 0 within int4 range, and which */
static bool
units_whole(Numeric u, int32 *value)
{
	bool		error = false;

	if (numeric_is_nan(u) || numeric_is_inf(u) ||
		DatumGetInt32(DirectFunctionCall1(numeric_scale, NumericGetDatum(u))) != 0)
		return false;
	*value = numeric_int4_opt_error(u, &error);
	return !error;
}

/*
 * Units are added as SQL's sum() adds them, the result's scale the largest
 * of the values'.  Whole numbers of scale 0 (the common case) are added as
 * integers, without a numeric per row; an integer sum adds nothing to the
 * scale, so the result is the same.  A units column holds few distinct
 * values: the last few are remembered by their bytes, so that most rows are
 * read without decoding a numeric.
 */
static void
tally_add_units(report_tally *t, tally_entry *e, Datum d)
{
	struct varlena *raw = (struct varlena *) DatumGetPointer(d);
	bool		plain = !VARATT_IS_EXTERNAL(raw) && !VARATT_IS_COMPRESSED(raw);
	int			len = plain ? VARSIZE_ANY_EXHDR(raw) : 0;
	const char *bytes = plain ? VARDATA_ANY(raw) : NULL;
	bool		whole = false;
	int32		value = 0;
	int			i = 0;
	int64		sum;

	if (plain && len <= UNITS_MEMO_BYTES)
	{
		for (i = 0; i < t->nmemo; i++)
			if (t->memo[i].len == len && memcmp(t->memo[i].bytes, bytes, len) == 0)
				break;
		if (i < t->nmemo)
		{
			whole = t->memo[i].whole;
			value = t->memo[i].value;
		}
		else
		{
			whole = units_whole(DatumGetNumeric(d), &value);
			i = t->nmemo < UNITS_MEMO ? t->nmemo++ : (int) (e->lines % UNITS_MEMO);
			t->memo[i].len = len;
			memcpy(t->memo[i].bytes, bytes, len);
			t->memo[i].whole = whole;
			t->memo[i].value = value;
		}
	}
	else
		whole = units_whole(DatumGetNumeric(d), &value);
	if (whole && !pg_add_s64_overflow(e->int_units, value, &sum))
	{
		e->int_units = sum;
		e->has_units = true;
		return;
	}
	tally_add_numeric(t, e, DatumGetNumeric(d));
}

/* adds the lines and units of s to e */
static void
tally_merge(report_tally *t, tally_entry *e, const tally_entry *s)
{
	e->lines += s->lines;
	if (s->has_units)
	{
		int64		sum;

		e->has_units = true;
		if (pg_add_s64_overflow(e->int_units, s->int_units, &sum))
			tally_add_numeric(t, e, int64_to_numeric(s->int_units));
		else
			e->int_units = sum;
		if (s->units != NULL)
			tally_add_numeric(t, e, s->units);
	}
}

/* the sum of an entry's units (NULL when none) */
static Numeric
tally_units(tally_entry *e)
{
	Numeric		i;

	if (!e->has_units)
		return NULL;
	i = int64_to_numeric(e->int_units);
	if (e->units == NULL)
		return i;
	return DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(i), NumericGetDatum(e->units)));
}

/* key parts: a length (int32, -1 for NULL) and the bytes */
static void
key_part(StringInfo buf, const char *p, int len, bool isnull)
{
	int32		l = isnull ? -1 : len;

	appendBinaryStringInfo(buf, (const char *) &l, sizeof(l));
	if (!isnull)
		appendBinaryStringInfo(buf, p, len);
}

static void
key_varlena(StringInfo buf, FunctionCallInfo fcinfo, int arg)
{
	if (PG_ARGISNULL(arg))
		key_part(buf, NULL, 0, true);
	else
	{
		struct varlena *v = PG_GETARG_VARLENA_PP(arg);

		key_part(buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), false);
	}
}

static report_tally *
tally_state(FunctionCallInfo fcinfo, int arg)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "j7599: _report_tally called outside an aggregate");
	if (PG_ARGISNULL(arg))
		return tally_create(aggcxt);
	return (report_tally *) PG_GETARG_POINTER(arg);
}

Datum
j7599_report_tally_add(PG_FUNCTION_ARGS)
{
	report_tally *t = tally_state(fcinfo, 0);
	StringInfo	buf = &t->buf;
	tally_entry *e;

	/*
	 * one lookup per row: the group of (month, payer, place of service, line,
	 * finding set); final() adds the groups up into the three tallies
	 */
	resetStringInfo(buf);
	if (PG_ARGISNULL(1))
		key_part(buf, NULL, 0, true);
	else
	{
		DateADT		d = PG_GETARG_DATEADT(1);
		int32		month = d;	/* -infinity and infinity stay themselves */

		if (!DATE_NOT_FINITE(d))
		{
			int			y,
						m,
						dd;

			j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &dd);
			month = date2j(y, m, 1) - POSTGRES_EPOCH_JDATE;
		}
		key_part(buf, (const char *) &month, sizeof(month), false);
	}
	key_varlena(buf, fcinfo, 2);
	key_varlena(buf, fcinfo, 3);
	key_varlena(buf, fcinfo, 4);
	key_varlena(buf, fcinfo, 5);
	e = tally_find(t, buf->data, buf->len);
	if (!PG_ARGISNULL(6))
		tally_add_units(t, e, PG_GETARG_DATUM(6));
	e->lines++;

	PG_RETURN_POINTER(t);
}

Datum
j7599_report_tally_combine(PG_FUNCTION_ARGS)
{
	report_tally *a;
	report_tally *b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	a = tally_state(fcinfo, 0);
	b = (report_tally *) PG_GETARG_POINTER(1);
	for (int i = 0; i < b->size; i++)
	{
		tally_entry *s = &b->slots[i];
		tally_entry *e;

		if (s->keylen == 0)
			continue;
		e = tally_find(a, s->key, s->keylen);
		tally_merge(a, e, s);
	}
	PG_RETURN_POINTER(a);
}

Datum
j7599_report_tally_serial(PG_FUNCTION_ARGS)
{
	report_tally *t = (report_tally *) PG_GETARG_POINTER(0);
	StringInfoData out;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "j7599: _report_tally called outside an aggregate");
	pq_begintypsend(&out);
	pq_sendint32(&out, TALLY_FORMAT);
	pq_sendint32(&out, t->used);
	for (int i = 0; i < t->size; i++)
	{
		tally_entry *e = &t->slots[i];

		if (e->keylen == 0)
			continue;
		pq_sendint32(&out, e->keylen);
		pq_sendbytes(&out, e->key, e->keylen);
		pq_sendint64(&out, e->lines);
		pq_sendbyte(&out, e->has_units ? 1 : 0);
		pq_sendint64(&out, e->int_units);
		if (e->units == NULL)
			pq_sendint32(&out, -1);
		else
		{
			pq_sendint32(&out, VARSIZE(e->units));
			pq_sendbytes(&out, (const char *) e->units, VARSIZE(e->units));
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&out));
}

Datum
j7599_report_tally_deserial(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt;
	StringInfoData buf;
	report_tally *t;
	int			n;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "j7599: _report_tally called outside an aggregate");
	t = tally_create(aggcxt);
	buf.data = VARDATA_ANY(in);
	buf.len = VARSIZE_ANY_EXHDR(in);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (pq_getmsgint(&buf, 4) != TALLY_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("j7599: not a report tally of this library")));
	n = pq_getmsgint(&buf, 4);
	for (int i = 0; i < n; i++)
	{
		int			keylen = pq_getmsgint(&buf, 4);
		const char *key = pq_getmsgbytes(&buf, keylen);
		tally_entry *e = tally_find(t, key, keylen);
		int			ulen;

		e->lines += pq_getmsgint64(&buf);
		e->has_units = e->has_units || pq_getmsgbyte(&buf) != 0;
		e->int_units = pq_getmsgint64(&buf);
		ulen = pq_getmsgint(&buf, 4);
		if (ulen >= 0)
		{
			const char *u = pq_getmsgbytes(&buf, ulen);
			Numeric		num = MemoryContextAlloc(aggcxt, ulen);

			memcpy(num, u, ulen);
			tally_add_numeric(t, e, num);
			pfree(num);
		}
	}
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(t);
}

/* reads one key part; false for NULL */
static bool
read_part(const char **p, const char **data, int32 *len)
{
	memcpy(len, *p, sizeof(int32));
	*p += sizeof(int32);
	if (*len < 0)
		return false;
	*data = *p;
	*p += *len;
	return true;
}

static Datum
part_text(const char **p, bool *isnull)
{
	const char *data;
	int32		len;

	*isnull = !read_part(p, &data, &len);
	return *isnull ? (Datum) 0 : PointerGetDatum(cstring_to_text_with_len(data, len));
}

/* the encoded length of the key part at *p (its length word and bytes) */
static int
part_span(const char **p, const char *end)
{
	int32		len;
	int			span;

	if (end - *p < (ptrdiff_t) sizeof(int32))
		elog(ERROR, "j7599: a report tally group does not parse");
	memcpy(&len, *p, sizeof(int32));
	span = sizeof(int32) + (len < 0 ? 0 : len);
	if (end - *p < span)
		elog(ERROR, "j7599: a report tally group does not parse");
	*p += span;
	return span;
}

/* the three tallies, from the groups of (month, payer, pos, line, finding set) */
static report_tally *
tally_cells(report_tally *groups)
{
	report_tally *t = tally_create(CurrentMemoryContext);
	StringInfo	buf = &t->buf;

	for (int i = 0; i < groups->size; i++)
	{
		tally_entry *g = &groups->slots[i];
		const char *p = g->key;
		const char *month,
				   *payer,
				   *pos,
				   *line,
				   *fset;
		int			month_len,
					payer_len,
					pos_len,
					line_len,
					fset_len;
		char		kind;

		if (g->keylen == 0)
			continue;
		month = p;
		month_len = part_span(&p, g->key + g->keylen);
		payer = p;
		payer_len = part_span(&p, g->key + g->keylen);
		pos = p;
		pos_len = part_span(&p, g->key + g->keylen);
		line = p;
		line_len = part_span(&p, g->key + g->keylen);
		fset = p;
		fset_len = part_span(&p, g->key + g->keylen);
		if (p != g->key + g->keylen)
			elog(ERROR, "j7599: a report tally group does not parse");

		resetStringInfo(buf);
		kind = KIND_MONTH;
		appendBinaryStringInfo(buf, &kind, 1);
		appendBinaryStringInfo(buf, month, month_len);
		appendBinaryStringInfo(buf, payer, payer_len);
		appendBinaryStringInfo(buf, pos, pos_len);
		tally_merge(t, tally_find(t, buf->data, buf->len), g);

		resetStringInfo(buf);
		kind = KIND_FINDINGS;
		appendBinaryStringInfo(buf, &kind, 1);
		appendBinaryStringInfo(buf, payer, payer_len);
		appendBinaryStringInfo(buf, fset, fset_len);
		tally_find(t, buf->data, buf->len)->lines += g->lines;

		resetStringInfo(buf);
		kind = KIND_LINE;
		appendBinaryStringInfo(buf, &kind, 1);
		appendBinaryStringInfo(buf, line, line_len);
		tally_find(t, buf->data, buf->len)->lines += g->lines;
	}
	return t;
}

/*
 * The cells: (kind, month, payer, pos, line, finding_set, lines, units), the
 * columns a kind does not tally NULL.
 */
Datum
j7599_report_tally_final(PG_FUNCTION_ARGS)
{
	Oid			arraytype = get_fn_expr_rettype(fcinfo->flinfo);
	Oid			celltype = OidIsValid(arraytype) ? get_element_type(arraytype) : InvalidOid;
	TupleDesc	desc;
	Datum	   *cells;
	int			n = 0;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	report_tally *t;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "j7599: _report_tally called outside an aggregate");
	if (!OidIsValid(celltype))
		elog(ERROR, "j7599: _report_tally must return an array of j7599._report_cell");
	desc = lookup_rowtype_tupdesc_copy(celltype, -1);
	if (desc->natts != 8)
		elog(ERROR, "j7599: j7599._report_cell has %d columns, expected 8", desc->natts);
	get_typlenbyvalalign(celltype, &typlen, &typbyval, &typalign);
	if (PG_ARGISNULL(0))
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(celltype));
	t = tally_cells((report_tally *) PG_GETARG_POINTER(0));
	cells = palloc(sizeof(Datum) * Max(t->used, 1));
	for (int i = 0; i < t->size; i++)
	{
		tally_entry *e = &t->slots[i];
		Datum		values[8];
		bool		nulls[8];
		const char *p;
		const char *data;
		int32		len;
		char		kind;

		if (e->keylen == 0)
			continue;
		memset(nulls, true, sizeof(nulls));
		p = e->key;
		kind = *p++;
		values[0] = PointerGetDatum(cstring_to_text_with_len(&kind, 1));
		nulls[0] = false;
		switch (kind)
		{
			case KIND_MONTH:
				if (read_part(&p, &data, &len))
				{
					int32		month;

					memcpy(&month, data, sizeof(month));
					values[1] = DateADTGetDatum(month);
					nulls[1] = false;
				}
				values[2] = part_text(&p, &nulls[2]);
				values[3] = part_text(&p, &nulls[3]);
				break;
			case KIND_FINDINGS:
				values[2] = part_text(&p, &nulls[2]);
				if (read_part(&p, &data, &len))
				{
					bytea	   *b = palloc(VARHDRSZ + len);

					SET_VARSIZE(b, VARHDRSZ + len);
					memcpy(VARDATA(b), data, len);
					values[5] = PointerGetDatum(b);
					nulls[5] = false;
				}
				break;
			case KIND_LINE:
				values[4] = part_text(&p, &nulls[4]);
				break;
		}
		values[6] = Int64GetDatum(e->lines);
		nulls[6] = false;
		if (e->has_units)
		{
			values[7] = NumericGetDatum(tally_units(e));
			nulls[7] = false;
		}
		cells[n++] = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(cells, n, celltype, typlen, typbyval, typalign));
}
