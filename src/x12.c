/*
 * src/x12.c: fmgr glue of j7599.x12_procedure(composite text, separator
 * text): the composite of an 837 SV1-01 / SV2-02 as sent, read by
 * x12_parse.c (decisions in x12.h).  One row, or none for a blank composite.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "types.h"
#include "x12.h"

PG_FUNCTION_INFO_V1(j7599_x12_procedure);

/* the hint: the accepted form, written with the caller's separator */
static char *
composite_hint(char sep)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "An SV1-01 / SV2-02 composite is a qualifier, a code, up to four modifiers (empty "
						   "slots allowed) and a description, such as \"");
	if ((unsigned char) sep > 0x20 && (unsigned char) sep < 0x7F)
		appendStringInfo(&buf, "HC%cJ7599%cKX%c%c%c%cTACROLIMUS 1MG CAP", sep, sep, sep, sep, sep, sep);
	else
		appendStringInfoString(&buf, "HC:J7599:KX::::TACROLIMUS 1MG CAP");
	appendStringInfoString(&buf, "\".");
	return buf.data;
}

Datum
j7599_x12_procedure(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;

	if (SRF_IS_FIRSTCALL())
	{
		text	   *composite = PG_GETARG_TEXT_PP(0);
		text	   *septext = PG_GETARG_TEXT_PP(1);
		const char *s = VARDATA_ANY(composite);
		size_t		len = VARSIZE_ANY_EXHDR(composite);
		char		reason[CODES_REASON_MAX];
		char		sep;
		x12_procedure proc;
		x12_status	st;
		TupleDesc	tupdesc;
		MemoryContext oldcontext;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);

		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("function returning record called in context that cannot accept type record")));
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);

		if (!x12_separator_parse(VARDATA_ANY(septext), VARSIZE_ANY_EXHDR(septext), &sep, reason))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid X12 component separator \"%s\"", text_to_cstring(septext)),
					 errdetail_reason(reason),
					 errhint("The component separator is the one character of ISA16, such as \":\", \">\", "
							 "\"^\" or \"*\"; it cannot be a letter, a digit or a blank.")));

		st = x12_parse_procedure(s, len, sep, &proc, reason);
		if (st == X12_MALFORMED)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for an X12 procedure composite: \"%s\"", pnstrdup(s, len)),
					 errdetail_reason(reason),
					 errhint("%s", composite_hint(sep))));

		funcctx->max_calls = 0;
		if (st == X12_OK)
		{
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			values[0] = CStringGetTextDatum(proc.qualifier);
			if (proc.has_line)
				values[1] = HcpcsLineGetDatum(hcpcs_pack(&proc.line));
			else
				nulls[1] = true;
			if (proc.desc_len > 0)
				values[2] = PointerGetDatum(cstring_to_text_with_len(s + proc.desc_off, (int) proc.desc_len));
			else
				nulls[2] = true;
			funcctx->user_fctx = heap_form_tuple(funcctx->tuple_desc, values, nulls);
			funcctx->max_calls = 1;
		}
		MemoryContextSwitchTo(oldcontext);
	}

	funcctx = SRF_PERCALL_SETUP();
	if (funcctx->call_cntr < funcctx->max_calls)
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum((HeapTuple) funcctx->user_fctx));
	SRF_RETURN_DONE(funcctx);
}
