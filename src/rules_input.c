/*
 * src/rules_input.c
 *
 * Filling a rule_input from Datums (rules_input_init, rules_set_*,
 * rules_add_dx) without copying what is in memory already, walking its
 * diagnoses in place, and the units and date helpers the rules share.
 */
#include "postgres.h"

#include "access/tupmacs.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

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
	in->units_malformed = false;
	in->ndc.isnull = true;
	in->ndc_is_value = false;
	in->ndx = 0;
	/* the slots of claim_inputs.def */
#define CLAIM_INIT_LINE(name)
#define CLAIM_INIT_QUANTITY(name)
#define CLAIM_INIT_NDC(name)
#define CLAIM_INIT_DX(name)
#define CLAIM_INIT_TEXT(name)	in->name.isnull = true;
#define CLAIM_INIT_DATE(name)	in->name.isnull = true; in->name.malformed = false;
#define CLAIM_INIT_COUNT(name)	in->name.isnull = true; in->name.malformed = false;
#define CLAIM_INPUT(ID, name, kind, since, doc) CLAIM_INIT_##kind(name)
#include "claim_inputs.def"
#undef CLAIM_INPUT
}

void
rules_set_date(rule_date *t, Datum d, bool isnull)
{
	t->isnull = isnull;
	t->malformed = false;
	t->value = isnull ? 0 : DatumGetDateADT(d);
}

/* ------------------------------------------------------ legacy text values */

void
rules_set_date_text(rule_date *t, Datum d, bool isnull)
{
	int			y,
				m,
				day;

	t->isnull = true;
	t->malformed = false;
	t->value = 0;
	if (isnull)
		return;
	rules_set_text(&t->raw, d, false);
	switch (legacy_parse_date(t->raw.ptr, (size_t) t->raw.len, &y, &m, &day))
	{
		case LEGACY_OK:
			t->value = date2j(y, m, day) - POSTGRES_EPOCH_JDATE;
			t->isnull = false;
			break;
		case LEGACY_BLANK:
			break;
		case LEGACY_MALFORMED:
			t->malformed = true;
			break;
	}
}

void
rules_set_count_text(rule_count *t, Datum d, bool isnull)
{
	size_t		start,
				nlen;
	bool		is_int;
	int64_t		v;

	t->isnull = true;
	t->malformed = false;
	t->value = 0;
	if (isnull)
		return;
	rules_set_text(&t->raw, d, false);
	switch (legacy_parse_number(t->raw.ptr, (size_t) t->raw.len, true,
								&start, &nlen, &is_int, &v))
	{
		case LEGACY_OK:
			t->value = v;
			t->isnull = false;
			break;
		case LEGACY_BLANK:
			break;
		case LEGACY_MALFORMED:
			t->malformed = true;
			break;
	}
}

/* longer units texts are not read as numbers (numeric_in would refuse some) */
#define UNITS_TEXT_MAX 1000

void
rules_set_units_text(rule_input *in, Datum d, bool isnull)
{
	size_t		start,
				nlen;
	bool		is_int;
	int64_t		v;
	legacy_verdict verdict;

	in->units_in_buf = false;
	in->units_kind = RULE_UNITS_NULL;
	in->units_malformed = false;
	if (isnull)
		return;
	rules_set_text(&in->units_raw, d, false);
	verdict = legacy_parse_number(in->units_raw.ptr, (size_t) in->units_raw.len, false,
								  &start, &nlen, &is_int, &v);
	if (verdict == LEGACY_BLANK)
		return;
	if (verdict == LEGACY_MALFORMED || nlen > UNITS_TEXT_MAX)
	{
		in->units_malformed = true;
		return;
	}
	if (is_int)
	{
		in->units_kind = RULE_UNITS_INT;
		in->units_int = v;
		return;
	}
	/* a fraction: the one case that makes a numeric */
	{
		char	   *buf = palloc(nlen + 1);

		memcpy(buf, in->units_raw.ptr + start, nlen);
		buf[nlen] = '\0';
		in->units_numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
																ObjectIdGetDatum(InvalidOid),
																Int32GetDatum(-1)));
		pfree(buf);
		in->units_kind = RULE_UNITS_NUMERIC;
	}
}

/* -------------------------------------------------- columns of any type */

rule_col_kind
rules_col_kind_of(Oid typid, Oid line_type, Oid ndc_type)
{
	bool		base = false;

	if (typid == UNKNOWNOID)
		return RULE_COL_UNKNOWN;
again:
	switch (typid)
	{
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			return RULE_COL_TEXT;
		case TEXTARRAYOID:
		case 1015:				/* varchar[] */
		case 1014:				/* bpchar[] */
			return RULE_COL_TEXT_ARRAY;
		case DATEOID:
			return RULE_COL_DATE;
		case NUMERICOID:
			return RULE_COL_NUMERIC;
		case INT2OID:
			return RULE_COL_INT2;
		case INT4OID:
			return RULE_COL_INT4;
		case INT8OID:
			return RULE_COL_INT8;
		default:
			break;
	}
	/* the built-in types above need no catalog lookup; a domain does */
	if (!base)
	{
		Oid			b = getBaseType(typid);

		base = true;
		if (b != typid)
		{
			typid = b;
			goto again;
		}
	}
	if (OidIsValid(line_type) && typid == line_type)
		return RULE_COL_LINE;
	if (OidIsValid(ndc_type) && typid == ndc_type)
		return RULE_COL_NDC;
	return RULE_COL_NONE;
}

void
rules_extension_types(Oid *line_type, Oid *ndc_type)
{
	Oid			nsp = get_namespace_oid("j7599", true);

	*line_type = *ndc_type = InvalidOid;
	if (!OidIsValid(nsp))
		return;
	*line_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
								 CStringGetDatum("hcpcs_line"), ObjectIdGetDatum(nsp));
	*ndc_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
								CStringGetDatum("ndc"), ObjectIdGetDatum(nsp));
}

typedef enum input_kind
{
	IN_LINE,
	IN_TEXT,
	IN_DATE,
	IN_QUANTITY,
	IN_NDC,
	IN_DX,
	IN_COUNT
} input_kind;

static const input_kind kind_of_input[RULE_FIELD__COUNT] = {
#define CLAIM_INPUT(ID, name, kind, since, doc) [RULE_FIELD_##ID] = IN_##kind,
#include "claim_inputs.def"
#undef CLAIM_INPUT
};

bool
rules_col_fits(rule_field input, rule_col_kind k)
{
	if (k == RULE_COL_UNKNOWN)
		return true;			/* only ever a NULL */
	switch (kind_of_input[input])
	{
		case IN_LINE:
			return k == RULE_COL_TEXT || k == RULE_COL_LINE;
		case IN_NDC:
			return k == RULE_COL_TEXT || k == RULE_COL_NDC;
		case IN_DATE:
			return k == RULE_COL_DATE || k == RULE_COL_TEXT;
		case IN_QUANTITY:
			return k == RULE_COL_NUMERIC || k == RULE_COL_INT2 || k == RULE_COL_INT4 ||
				k == RULE_COL_INT8 || k == RULE_COL_TEXT;
		case IN_COUNT:
			return k == RULE_COL_INT2 || k == RULE_COL_INT4 || k == RULE_COL_INT8 ||
				k == RULE_COL_TEXT;
		case IN_DX:
			return k == RULE_COL_TEXT || k == RULE_COL_TEXT_ARRAY;
		case IN_TEXT:
			return k == RULE_COL_TEXT;
	}
	return false;
}

static int64
int_of(Datum d, rule_col_kind k)
{
	switch (k)
	{
		case RULE_COL_INT2:
			return DatumGetInt16(d);
		case RULE_COL_INT4:
			return DatumGetInt32(d);
		default:
			return DatumGetInt64(d);
	}
}

/* the slot of a TEXT, DATE or COUNT input, by field */
static void *
slot_of(rule_input *in, rule_field input)
{
	switch (input)
	{
#define SLOT_LINE(ID, name)
#define SLOT_QUANTITY(ID, name)
#define SLOT_NDC(ID, name)
#define SLOT_DX(ID, name)
#define SLOT_TEXT(ID, name)		case RULE_FIELD_##ID: return &in->name;
#define SLOT_DATE(ID, name)		case RULE_FIELD_##ID: return &in->name;
#define SLOT_COUNT(ID, name)	case RULE_FIELD_##ID: return &in->name;
#define CLAIM_INPUT(ID, name, kind, since, doc) SLOT_##kind(ID, name)
#include "claim_inputs.def"
#undef CLAIM_INPUT
		default:
			return NULL;
	}
}

void
rules_set_column(rule_input *in, rule_field input, rule_col_kind k, Datum d, bool isnull)
{
	if (k == RULE_COL_UNKNOWN)
		isnull = true;
	switch (kind_of_input[input])
	{
		case IN_LINE:
			if (k == RULE_COL_LINE)
			{
				if (isnull)
					in->line_isnull = true;
				else
					rules_set_line_value(in, DatumGetHcpcsLine(d));
			}
			else
				rules_set_line_text(in, d, isnull);
			break;
		case IN_TEXT:
			rules_set_text((rule_text *) slot_of(in, input), d, isnull);
			break;
		case IN_DATE:
			if (k == RULE_COL_TEXT)
				rules_set_date_text((rule_date *) slot_of(in, input), d, isnull);
			else
				rules_set_date((rule_date *) slot_of(in, input), d, isnull);
			break;
		case IN_QUANTITY:
			if (k == RULE_COL_TEXT)
				rules_set_units_text(in, d, isnull);
			else if (k == RULE_COL_NUMERIC || isnull)
				rules_set_units_numeric(in, d, isnull);
			else
				rules_set_units_int(in, int_of(d, k), false);
			break;
		case IN_NDC:
			if (k == RULE_COL_NDC)
				rules_set_ndc_value(in, isnull ? 0 : DatumGetNdc(d), isnull);
			else
				rules_set_ndc_text(in, d, isnull);
			break;
		case IN_DX:
			rules_add_dx(in, d, isnull, k == RULE_COL_TEXT_ARRAY);
			break;
		case IN_COUNT:
			if (k == RULE_COL_TEXT)
				rules_set_count_text((rule_count *) slot_of(in, input), d, isnull);
			else
				rules_set_count((rule_count *) slot_of(in, input),
								isnull ? 0 : int_of(d, k), isnull);
			break;
	}
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
	in->units_malformed = false;
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
	in->units_malformed = false;
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

/*
 * Units given as numeric: finite and greater than zero?  Read from the
 * value's header, as numeric.c lays it out (the stored format, which
 * pg_upgrade keeps across releases, see "struct NumericData" there): the
 * first 16 bits tell a special value (NaN, Infinity, -Infinity) from a
 * number, the short format from the long one, and the sign; a zero has no
 * digits at all (numeric values are stored without leading or trailing
 * zero digits).
 */
#define NUM_FORMAT_MASK		0xC000
#define NUM_SPECIAL			0xC000	/* NaN, +Inf, -Inf */
#define NUM_SHORT			0x8000
#define NUM_SHORT_NEG		0x2000
#define NUM_LONG_NEG		0x4000

bool
rules_units_positive(Numeric n)
{
	const char *p = VARDATA_ANY(n);
	Size		len = VARSIZE_ANY_EXHDR(n);
	uint16		head;

	if (len < sizeof(uint16))
		return false;
	memcpy(&head, p, sizeof(uint16));
	if ((head & NUM_FORMAT_MASK) == NUM_SPECIAL)
		return false;
	if ((head & NUM_FORMAT_MASK) == NUM_SHORT)
		return len > sizeof(uint16) && (head & NUM_SHORT_NEG) == 0;
	/* long format: sign and display scale, then the weight, then digits */
	return len > 2 * sizeof(uint16) && (head & NUM_FORMAT_MASK) != NUM_LONG_NEG;
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
