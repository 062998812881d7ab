/*
 * src/hcpcs_line.c: fmgr glue for the type j7599.hcpcs_line.
 *
 * A line is stored by value in 8 bytes: the order-preserving packing of
 * hcpcs_pack() (codes.h), so equality, ordering and hashing work on one
 * integer.  Parsing and formatting live in hcpcs_parse.c; this file only
 * turns their results into Datums and errors.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/sortsupport.h"

#include "codes.h"
#include "pg_compat.h"
#include "types.h"

#define HCPCS_LINE_HINT \
	"A line is a code and up to four two-character modifiers, such as \"J7599-JZ-KX\" " \
	"(also accepted: \"J7599:JZ:KX\", \"HC:J7599:JZ:KX\", \"J7599 JZ KX\", \"J7599JZKX\")."

/* binary format: one version byte, then the canonical text */
#define HCPCS_LINE_BINARY_VERSION 1

PG_FUNCTION_INFO_V1(hcpcs_line_in);
PG_FUNCTION_INFO_V1(hcpcs_line_out);
PG_FUNCTION_INFO_V1(hcpcs_line_recv);
PG_FUNCTION_INFO_V1(hcpcs_line_send);
PG_FUNCTION_INFO_V1(hcpcs_line_from_text);
PG_FUNCTION_INFO_V1(hcpcs_line_to_text);
PG_FUNCTION_INFO_V1(hcpcs_line_make);
PG_FUNCTION_INFO_V1(hcpcs_line_is_valid_text);
PG_FUNCTION_INFO_V1(hcpcs_line_code);
PG_FUNCTION_INFO_V1(hcpcs_line_modifiers);
PG_FUNCTION_INFO_V1(hcpcs_line_has_modifier);
PG_FUNCTION_INFO_V1(hcpcs_line_code_kind);
PG_FUNCTION_INFO_V1(hcpcs_line_eq);
PG_FUNCTION_INFO_V1(hcpcs_line_ne);
PG_FUNCTION_INFO_V1(hcpcs_line_lt);
PG_FUNCTION_INFO_V1(hcpcs_line_le);
PG_FUNCTION_INFO_V1(hcpcs_line_gt);
PG_FUNCTION_INFO_V1(hcpcs_line_ge);
PG_FUNCTION_INFO_V1(hcpcs_line_cmp);
PG_FUNCTION_INFO_V1(hcpcs_line_sortsupport);
PG_FUNCTION_INFO_V1(hcpcs_line_hash);
PG_FUNCTION_INFO_V1(hcpcs_line_hash_extended);

/* Parse len bytes of s; on failure report through escontext (NULL: raise). */
static bool
line_parse_or_report(const char *s, size_t len, uint64 *out, Node *escontext)
{
	hcpcs_line_parts parts;
	char		reason[CODES_REASON_MAX];

	if (hcpcs_parse_line(s, len, &parts, reason))
	{
		*out = hcpcs_pack(&parts);
		return true;
	}
	errsave(escontext,
			errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			errmsg("invalid input syntax for type %s: \"%s\"", "hcpcs_line",
				   pnstrdup(s, len)),
			errdetail_reason(reason),
			errhint(HCPCS_LINE_HINT));
	return false;
}

Datum
hcpcs_line_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	uint64		v;

	if (!line_parse_or_report(str, strlen(str), &v, fcinfo->context))
		PG_RETURN_NULL();
	PG_RETURN_HCPCS_LINE(v);
}

/* Unpack a stored value; a value that does not unpack is corruption. */
void
hcpcs_line_unpack_or_error(uint64 v, hcpcs_line_parts *parts)
{
	if (!hcpcs_unpack(v, parts))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored hcpcs_line value " UINT64_FORMAT " is not a valid line", v)));
}

Datum
hcpcs_line_out(PG_FUNCTION_ARGS)
{
	hcpcs_line_parts parts;
	char	   *buf = palloc(HCPCS_LINE_TEXT_MAX);

	hcpcs_line_unpack_or_error(PG_GETARG_HCPCS_LINE(0), &parts);
	hcpcs_format(&parts, buf);
	PG_RETURN_CSTRING(buf);
}

Datum
hcpcs_line_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	const char *rest;
	int			len;
	hcpcs_line_parts parts;
	char		reason[CODES_REASON_MAX];

	/* an empty value has no version byte: say so, not "message underflow" */
	if (buf->cursor >= buf->len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value for type %s", "hcpcs_line"),
				 errdetail("The value is empty; it must start with the format version byte %d.",
						   HCPCS_LINE_BINARY_VERSION)));
	version = pq_getmsgbyte(buf);
	if (version != HCPCS_LINE_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary format version %d for type %s", version, "hcpcs_line"),
				 errdetail("Only version %d is known.", HCPCS_LINE_BINARY_VERSION)));
	len = buf->len - buf->cursor;
	rest = pq_getmsgbytes(buf, len);
	if (!hcpcs_parse_line(rest, len, &parts, reason))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value for type %s", "hcpcs_line"),
				 errdetail_reason(reason)));
	PG_RETURN_HCPCS_LINE(hcpcs_pack(&parts));
}

Datum
hcpcs_line_send(PG_FUNCTION_ARGS)
{
	hcpcs_line_parts parts;
	char		text[HCPCS_LINE_TEXT_MAX];
	size_t		len;
	StringInfoData buf;

	hcpcs_line_unpack_or_error(PG_GETARG_HCPCS_LINE(0), &parts);
	len = hcpcs_format(&parts, text);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, HCPCS_LINE_BINARY_VERSION);
	pq_sendbytes(&buf, text, len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
hcpcs_line_from_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	uint64		v;

	line_parse_or_report(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &v, NULL);
	PG_RETURN_HCPCS_LINE(v);
}

Datum
hcpcs_line_to_text(PG_FUNCTION_ARGS)
{
	hcpcs_line_parts parts;
	char		buf[HCPCS_LINE_TEXT_MAX];
	size_t		len;

	hcpcs_line_unpack_or_error(PG_GETARG_HCPCS_LINE(0), &parts);
	len = hcpcs_format(&parts, buf);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf, len));
}

Datum
hcpcs_line_is_valid_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	hcpcs_line_parts parts;
	char		reason[CODES_REASON_MAX];

	PG_RETURN_BOOL(hcpcs_parse_line(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &parts, reason));
}

/* true when the text is empty or all blanks */
static bool
is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/*
 * hcpcs_line(code text, VARIADIC modifiers text[]): a line from separate
 * warehouse columns.  NULL and blank modifiers are skipped.
 */
Datum
hcpcs_line_make(PG_FUNCTION_ARGS)
{
	text	   *code_t;
	hcpcs_line_parts parts;
	char		reason[CODES_REASON_MAX];
	StringInfoData shown;		/* the input as the error message shows it */
	bool		ok = true;
	int			given = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	code_t = PG_GETARG_TEXT_PP(0);
	memset(&parts, 0, sizeof(parts));
	initStringInfo(&shown);
	appendBinaryStringInfo(&shown, VARDATA_ANY(code_t), VARSIZE_ANY_EXHDR(code_t));

	if (!hcpcs_parse_code(VARDATA_ANY(code_t), VARSIZE_ANY_EXHDR(code_t), parts.code, reason))
		ok = false;

	if (!PG_ARGISNULL(1))
	{
		ArrayType  *mods = PG_GETARG_ARRAYTYPE_P(1);
		ArrayIterator it = array_create_iterator(mods, 0, NULL);
		Datum		d;
		bool		isnull;

		while (array_iterate(it, &d, &isnull))
		{
			text	   *m;

			if (isnull)
				continue;
			m = DatumGetTextPP(d);
			if (is_blank(VARDATA_ANY(m), VARSIZE_ANY_EXHDR(m)))
				continue;
			given++;
			appendStringInfoChar(&shown, '-');
			appendBinaryStringInfo(&shown, VARDATA_ANY(m), VARSIZE_ANY_EXHDR(m));
			if (!ok)
				continue;
			if (given > HCPCS_MAX_MODIFIERS)
				continue;		/* counted below */
			if (!hcpcs_parse_modifier(VARDATA_ANY(m), VARSIZE_ANY_EXHDR(m), given,
									  parts.mods[given - 1], reason))
				ok = false;
		}
		array_free_iterator(it);
	}
	if (ok && given > HCPCS_MAX_MODIFIERS)
	{
		snprintf(reason, sizeof(reason),
				 "a line carries at most %d modifiers, found %d", HCPCS_MAX_MODIFIERS, given);
		ok = false;
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", "hcpcs_line", shown.data),
				 errdetail_reason(reason),
				 errhint("Give the code and each modifier separately, such as hcpcs_line('J7599', 'JZ', 'KX'); NULL or blank modifiers are skipped.")));
	parts.nmods = given;
	PG_RETURN_HCPCS_LINE(hcpcs_pack(&parts));
}

Datum
hcpcs_line_code(PG_FUNCTION_ARGS)
{
	hcpcs_line_parts parts;

	hcpcs_line_unpack_or_error(PG_GETARG_HCPCS_LINE(0), &parts);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(parts.code, 5));
}

Datum
hcpcs_line_modifiers(PG_FUNCTION_ARGS)
{
	hcpcs_line_parts parts;
	Datum		elems[HCPCS_MAX_MODIFIERS];

	hcpcs_line_unpack_or_error(PG_GETARG_HCPCS_LINE(0), &parts);
	for (int i = 0; i < parts.nmods; i++)
		elems[i] = PointerGetDatum(cstring_to_text_with_len(parts.mods[i], 2));
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, parts.nmods, TEXTOID, -1, false, TYPALIGN_INT));
}

Datum
hcpcs_line_has_modifier(PG_FUNCTION_ARGS)
{
	hcpcs_line_parts parts;
	text	   *m = PG_GETARG_TEXT_PP(1);
	char		want[3];
	char		reason[CODES_REASON_MAX];

	hcpcs_line_unpack_or_error(PG_GETARG_HCPCS_LINE(0), &parts);
	/* a text that is no modifier at all is simply not on the line */
	if (!hcpcs_parse_modifier(VARDATA_ANY(m), VARSIZE_ANY_EXHDR(m), 1, want, reason))
		PG_RETURN_BOOL(false);
	for (int i = 0; i < parts.nmods; i++)
		if (parts.mods[i][0] == want[0] && parts.mods[i][1] == want[1])
			PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(false);
}

Datum
hcpcs_line_code_kind(PG_FUNCTION_ARGS)
{
	hcpcs_line_parts parts;

	hcpcs_line_unpack_or_error(PG_GETARG_HCPCS_LINE(0), &parts);
	PG_RETURN_TEXT_P(cstring_to_text(hcpcs_code_kind_name(hcpcs_code_kind_of(parts.code))));
}

/* ---------------------------------------------------------- comparison */

/* packed values are below 2^63, so comparing them as int64 is exact */
#define LINE_ARGS int64 a = (int64) PG_GETARG_HCPCS_LINE(0), b = (int64) PG_GETARG_HCPCS_LINE(1)

Datum hcpcs_line_eq(PG_FUNCTION_ARGS) { LINE_ARGS; PG_RETURN_BOOL(a == b); }
Datum hcpcs_line_ne(PG_FUNCTION_ARGS) { LINE_ARGS; PG_RETURN_BOOL(a != b); }
Datum hcpcs_line_lt(PG_FUNCTION_ARGS) { LINE_ARGS; PG_RETURN_BOOL(a < b); }
Datum hcpcs_line_le(PG_FUNCTION_ARGS) { LINE_ARGS; PG_RETURN_BOOL(a <= b); }
Datum hcpcs_line_gt(PG_FUNCTION_ARGS) { LINE_ARGS; PG_RETURN_BOOL(a > b); }
Datum hcpcs_line_ge(PG_FUNCTION_ARGS) { LINE_ARGS; PG_RETURN_BOOL(a >= b); }
Datum hcpcs_line_cmp(PG_FUNCTION_ARGS) { LINE_ARGS; PG_RETURN_INT32(a < b ? -1 : (a > b ? 1 : 0)); }

Datum
hcpcs_line_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = ssup_datum_signed_cmp;
	PG_RETURN_VOID();
}

Datum
hcpcs_line_hash(PG_FUNCTION_ARGS)
{
	uint64		v = PG_GETARG_HCPCS_LINE(0);

	PG_RETURN_UINT32(hash_bytes_uint32((uint32) v ^ (uint32) (v >> 32)));
}

Datum
hcpcs_line_hash_extended(PG_FUNCTION_ARGS)
{
	uint64		v = PG_GETARG_HCPCS_LINE(0);
	uint64		seed = PG_GETARG_INT64(1);

	PG_RETURN_UINT64(hash_bytes_uint32_extended((uint32) v ^ (uint32) (v >> 32), seed));
}
