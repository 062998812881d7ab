/*
 * src/rules_input.c
 *
 * Filling a rule_input from Datums (rules_input_init, rules_set_*,
 * rules_add_dx) without copying what is in memory already, walking its
 * diagnoses in place, and the units and date helpers the rules share.
 */
#include "postgres.h"

#include "access/tupmacs.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"

#include "rules_int.h"
#include "types.h"

/* ---------------------------------------------------------------- input */

void
rules_input_init(rule_input *in)
{
	in->line_isnull = true;
	in->line_is_text = false;
	in->line.code[0] = '\0';
	in->line.nmods = 0;
	in->line_text.isnull = true;
	in->units_kind = RULE_UNITS_NULL;
	in->units_in_buf = false;
	in->units_numeric = NULL;
	in->ndc.isnull = true;
	in->ndc_is_value = false;
	in->ndx = 0;
	/* the slots of claim_inputs.def */
#define CLAIM_INIT_LINE(name)
#define CLAIM_INIT_QUANTITY(name)
#define CLAIM_INIT_NDC(name)
#define CLAIM_INIT_DX(name)
#define CLAIM_INIT_TEXT(name)	in->name.isnull = true;
#define CLAIM_INIT_DATE(name)	in->name.isnull = true;
#define CLAIM_INIT_COUNT(name)	in->name.isnull = true;
#define CLAIM_INPUT(ID, name, kind, since, doc) CLAIM_INIT_##kind(name)
#include "claim_inputs.def"
#undef CLAIM_INPUT
}

void
rules_set_date(rule_date *t, Datum d, bool isnull)
{
	t->isnull = isnull;
	t->value = isnull ? 0 : DatumGetDateADT(d);
}

void
rules_set_line_value(rule_input *in, uint64 packed)
{
	hcpcs_line_unpack_or_error(packed, &in->line);
	in->line_isnull = false;
	in->line_is_text = false;
}

void
rules_set_line_parts(rule_input *in, const hcpcs_line_parts *parts)
{
	in->line = *parts;
	in->line_isnull = false;
	in->line_is_text = false;
}

void
rules_set_line_text(rule_input *in, Datum d, bool isnull)
{
	rules_set_text(&in->line_text, d, isnull);
	in->line_isnull = isnull;
	in->line_is_text = true;
}

/*
 * A varlena with a 1-byte header, copied behind a 4-byte header into buf (a
 * short varlena is at most 127 bytes, which RULES_SHORT_COPY allows for).
 */
static void
reheader_short(rule_inline_buf *buf, const struct varlena *v)
{
	Size		datalen = VARSIZE_SHORT(v) - VARHDRSZ_SHORT;

	memcpy(buf->data + VARHDRSZ, VARDATA_SHORT(v), datalen);
	SET_VARSIZE(buf->data, datalen + VARHDRSZ);
}

void
rules_set_units_numeric(rule_input *in, Datum d, bool isnull)
{
	struct varlena *v;

	in->units_in_buf = false;
	if (isnull)
	{
		in->units_kind = RULE_UNITS_NULL;
		return;
	}
	in->units_kind = RULE_UNITS_NUMERIC;
	v = (struct varlena *) DatumGetPointer(d);
	if (VARATT_IS_SHORT(v))
	{
		reheader_short(&in->units_buf, v);
		in->units_in_buf = true;
		in->units_numeric = NULL;
	}
	else if (VARATT_IS_EXTENDED(v))
		in->units_numeric = DatumGetNumeric(d); /* detoasts: rare */
	else
		in->units_numeric = (Numeric) v;
}

void
rules_set_units_int(rule_input *in, int64 v, bool isnull)
{
	in->units_in_buf = false;
	in->units_kind = isnull ? RULE_UNITS_NULL : RULE_UNITS_INT;
	in->units_int = v;
}

void
rules_set_ndc_text(rule_input *in, Datum d, bool isnull)
{
	rules_set_text(&in->ndc, d, isnull);
	in->ndc_is_value = false;
}

void
rules_set_ndc_value(rule_input *in, int64 v, bool isnull)
{
	in->ndc.isnull = isnull;
	in->ndc.ptr = NULL;
	in->ndc.len = 0;
	in->ndc_is_value = !isnull;
	in->ndc_value = v;
}

void
rules_add_dx(rule_input *in, Datum d, bool isnull, bool is_array)
{
	rule_dx_source *src;
	struct varlena *v;

	if (isnull || in->ndx >= RULES_MAX_DX_SOURCES)
		return;
	src = &in->dx[in->ndx++];
	src->is_array = is_array;
	src->isnull = false;
	src->in_buf = false;
	src->array = NULL;
	if (!is_array)
	{
		rules_set_text(&src->text, d, false);
		return;
	}
	v = (struct varlena *) DatumGetPointer(d);
	if (VARATT_IS_SHORT(v))
	{
		reheader_short(&src->buf, v);
		src->in_buf = true;
	}
	else if (VARATT_IS_EXTENDED(v))
		src->array = DatumGetArrayTypeP(d); /* TOASTed or expanded: rare */
	else
		src->array = (ArrayType *) v;
}

void
rules_set_days_supply(rule_input *in, int64 v, bool isnull)
{
	rules_set_count(&in->days_supply, v, isnull);
}

/* ----------------------------------------------------------- units, dates */

static Numeric
numeric_zero(void)
{
	static Numeric zero = NULL;

	if (zero == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		zero = int64_to_numeric(0);
		MemoryContextSwitchTo(old);
	}
	return zero;
}

/*
 * Units given as numeric: finite and greater than zero?  Remembered by the
 * bytes of the value, which repeat (1, 2, 30...): the last few are kept.
 */
#define UNITS_MEMO 8
#define UNITS_MEMO_BYTES 16

bool
rules_units_positive(Numeric n)
{
	static struct
	{
		int			len;
		bool		result;
		char		bytes[UNITS_MEMO_BYTES];
	}			memo[UNITS_MEMO];
	static int	next = 0;
	static bool init = false;
	int			len = (int) VARSIZE(n);
	bool		result;
	int			i;

	if (!init)
	{
		for (i = 0; i < UNITS_MEMO; i++)
			memo[i].len = -1;
		init = true;
	}
	for (i = 0; i < UNITS_MEMO; i++)
		if (memo[i].len == len && memcmp(memo[i].bytes, n, len) == 0)
			return memo[i].result;
	result = !numeric_is_nan(n) && !numeric_is_inf(n) &&
		DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(n),
										  NumericGetDatum(numeric_zero()))) > 0;
	if (len <= UNITS_MEMO_BYTES)
	{
		memcpy(memo[next].bytes, n, len);
		memo[next].len = len;
		memo[next].result = result;
		next = (next + 1) % UNITS_MEMO;
	}
	return result;
}

int
rules_numeric_compare(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a),
											 NumericGetDatum(b)));
}

void
rules_format_units(const rule_input *in, char *buf, size_t size)
{
	if (in->units_kind == RULE_UNITS_INT)
		snprintf(buf, size, INT64_FORMAT, in->units_int);
	else if (in->units_kind == RULE_UNITS_NUMERIC)
	{
		char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out,
															NumericGetDatum(units_numeric(in))));

		snprintf(buf, size, "%s", s);
		pfree(s);
	}
	else
		snprintf(buf, size, "NULL");
}

void
rules_format_date(char *buf, size_t size, int64 d)
{
	int			y,
				m,
				day;

	if (d <= DATEVAL_NOBEGIN)
		snprintf(buf, size, "-infinity");
	else if (d >= DATEVAL_NOEND)
		snprintf(buf, size, "infinity");
	else
	{
		j2date((int) d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
		if (y > 0)
			snprintf(buf, size, "%04d-%02d-%02d", y, m, day);
		else
			snprintf(buf, size, "%04d-%02d-%02d BC", 1 - y, m, day);
	}
}

/* "from 2023-10-01", "until 2019-12-31", "from ... to ..." */
void
rules_format_range(char *buf, size_t size, const pc_range *r)
{
	char		lo[32];
	char		hi[32];

	if (r->lo != PG_INT64_MIN)
		rules_format_date(lo, sizeof(lo), r->lo);
	if (r->hi != PG_INT64_MAX)
		rules_format_date(hi, sizeof(hi), r->hi - 1);
	if (r->lo != PG_INT64_MIN && r->hi != PG_INT64_MAX)
		snprintf(buf, size, "from %s to %s", lo, hi);
	else if (r->lo != PG_INT64_MIN)
		snprintf(buf, size, "from %s", lo);
	else if (r->hi != PG_INT64_MAX)
		snprintf(buf, size, "until %s", hi);
	else
		snprintf(buf, size, "at all times");
}
