/*
 * src/ndc.c: fmgr glue for the type j7599.ndc.
 *
 * An NDC is stored by value as the integer of its 12-digit 6-4-2 form, so an
 * 11-digit NDC and its zero-labeler 12-digit form are the same value.
 * Parsing and formatting live in ndc_parse.c.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/sortsupport.h"

#include "codes.h"
#include "pg_compat.h"
#include "types.h"

#define NDC_HINT \
	"Write the NDC as 11 digits (00069015001), hyphenated 5-4-2 (00069-0150-01), " \
	"a hyphenated 10-digit label form (4-4-2, 5-3-2 or 5-4-1), or the 12-digit 6-4-2 form; " \
	"an \"N4\" prefix is allowed."

#define NDC_BINARY_VERSION 1

PG_FUNCTION_INFO_V1(ndc_in);
PG_FUNCTION_INFO_V1(ndc_out);
PG_FUNCTION_INFO_V1(ndc_recv);
PG_FUNCTION_INFO_V1(ndc_send);
PG_FUNCTION_INFO_V1(ndc_from_text);
PG_FUNCTION_INFO_V1(ndc_to_text);
PG_FUNCTION_INFO_V1(ndc_is_valid_text);
PG_FUNCTION_INFO_V1(ndc_format_style);
PG_FUNCTION_INFO_V1(ndc_eq);
PG_FUNCTION_INFO_V1(ndc_ne);
PG_FUNCTION_INFO_V1(ndc_lt);
PG_FUNCTION_INFO_V1(ndc_le);
PG_FUNCTION_INFO_V1(ndc_gt);
PG_FUNCTION_INFO_V1(ndc_ge);
PG_FUNCTION_INFO_V1(ndc_cmp);
PG_FUNCTION_INFO_V1(ndc_sortsupport);
PG_FUNCTION_INFO_V1(ndc_hash);
PG_FUNCTION_INFO_V1(ndc_hash_extended);

static bool
ndc_parse_or_report(const char *s, size_t len, int64 *out, Node *escontext)
{
	char		reason[CODES_REASON_MAX];

	if (ndc_parse(s, len, out, reason))
		return true;
	errsave(escontext,
			errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			errmsg("invalid input syntax for type %s: \"%s\"", "ndc", pnstrdup(s, len)),
			errdetail_reason(reason),
			errhint(NDC_HINT));
	return false;
}

static int64
ndc_checked(int64 v)
{
	if (!ndc_value_ok(v))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored ndc value " INT64_FORMAT " is not a valid NDC", v)));
	return v;
}

Datum
ndc_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	int64		v;

	if (!ndc_parse_or_report(str, strlen(str), &v, fcinfo->context))
		PG_RETURN_NULL();
	PG_RETURN_NDC(v);
}

Datum
ndc_out(PG_FUNCTION_ARGS)
{
	char	   *buf = palloc(NDC_TEXT_MAX);

	ndc_format_canonical(ndc_checked(PG_GETARG_NDC(0)), buf);
	PG_RETURN_CSTRING(buf);
}

Datum
ndc_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	int			len;
	const char *rest;
	int64		v;
	char		reason[CODES_REASON_MAX];

	/* an empty value has no version byte: say so, not "message underflow" */
	if (buf->cursor >= buf->len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value for type %s", "ndc"),
				 errdetail("The value is empty; it must start with the format version byte %d.",
						   NDC_BINARY_VERSION)));
	version = pq_getmsgbyte(buf);
	if (version != NDC_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary format version %d for type %s", version, "ndc"),
				 errdetail("Only version %d is known.", NDC_BINARY_VERSION)));
	len = buf->len - buf->cursor;
	rest = pq_getmsgbytes(buf, len);
	if (!ndc_parse(rest, len, &v, reason))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value for type %s", "ndc"),
				 errdetail_reason(reason)));
	PG_RETURN_NDC(v);
}

Datum
ndc_send(PG_FUNCTION_ARGS)
{
	char		text[NDC_TEXT_MAX];
	int			len = ndc_format_canonical(ndc_checked(PG_GETARG_NDC(0)), text);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, NDC_BINARY_VERSION);
	pq_sendbytes(&buf, text, len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
ndc_from_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int64		v;

	ndc_parse_or_report(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &v, NULL);
	PG_RETURN_NDC(v);
}

Datum
ndc_to_text(PG_FUNCTION_ARGS)
{
	char		buf[NDC_TEXT_MAX];
	int			len = ndc_format_canonical(ndc_checked(PG_GETARG_NDC(0)), buf);

	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf, len));
}

Datum
ndc_is_valid_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int64		v;
	char		reason[CODES_REASON_MAX];

	PG_RETURN_BOOL(ndc_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &v, reason));
}

/* ndc_format(ndc, style text): one of '11', '5-4-2', '12', '6-4-2' */
Datum
ndc_format_style(PG_FUNCTION_ARGS)
{
	int64		v = ndc_checked(PG_GETARG_NDC(0));
	text	   *style_t = PG_GETARG_TEXT_PP(1);
	ndc_style	style;
	char		buf[NDC_TEXT_MAX];
	int			len;

	if (!ndc_style_from_name(VARDATA_ANY(style_t), VARSIZE_ANY_EXHDR(style_t), &style))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown NDC style \"%s\"", text_to_cstring(style_t)),
				 errhint("Use one of '11', '5-4-2', '12' or '6-4-2'.")));
	len = ndc_format(v, style, buf);
	if (len < 0)
	{
		char		canon[NDC_TEXT_MAX];

		ndc_format_canonical(v, canon);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("NDC %s has no \"%s\" form", canon, text_to_cstring(style_t)),
				 errdetail("Its 6-digit labeler does not start with 0, so it has only 12-digit forms."),
				 errhint("Use style '12' or '6-4-2'.")));
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf, len));
}

#define NDC_ARGS int64 a = PG_GETARG_NDC(0), b = PG_GETARG_NDC(1)

Datum ndc_eq(PG_FUNCTION_ARGS) { NDC_ARGS; PG_RETURN_BOOL(a == b); }
Datum ndc_ne(PG_FUNCTION_ARGS) { NDC_ARGS; PG_RETURN_BOOL(a != b); }
Datum ndc_lt(PG_FUNCTION_ARGS) { NDC_ARGS; PG_RETURN_BOOL(a < b); }
Datum ndc_le(PG_FUNCTION_ARGS) { NDC_ARGS; PG_RETURN_BOOL(a <= b); }
Datum ndc_gt(PG_FUNCTION_ARGS) { NDC_ARGS; PG_RETURN_BOOL(a > b); }
Datum ndc_ge(PG_FUNCTION_ARGS) { NDC_ARGS; PG_RETURN_BOOL(a >= b); }
Datum ndc_cmp(PG_FUNCTION_ARGS) { NDC_ARGS; PG_RETURN_INT32(a < b ? -1 : (a > b ? 1 : 0)); }

Datum
ndc_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = ssup_datum_signed_cmp;
	PG_RETURN_VOID();
}

Datum
ndc_hash(PG_FUNCTION_ARGS)
{
	uint64		v = (uint64) PG_GETARG_NDC(0);

	PG_RETURN_UINT32(hash_bytes_uint32((uint32) v ^ (uint32) (v >> 32)));
}

Datum
ndc_hash_extended(PG_FUNCTION_ARGS)
{
	uint64		v = (uint64) PG_GETARG_NDC(0);

	PG_RETURN_UINT64(hash_bytes_uint32_extended((uint32) v ^ (uint32) (v >> 32), PG_GETARG_INT64(1)));
}
