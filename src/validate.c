/*
 * src/validate.c
 *
 * SQL entry points of the rule engine:
 *
 *   j7599.validate(line hcpcs_line | text, payer, service_date, units, ndc,
 *                  pos, dx, narrative, prior_auth, days_supply,
 *                  transplant_date)                   SETOF j7599.finding
 *   j7599.is_valid(same arguments)                     boolean
 *   j7599.line_ok(line, units, ndc, pos, dx)           boolean, table-free
 *   j7599._reference_changed()                         statement trigger
 *   j7599.rules()                                      the rule catalogue
 *   j7599.builtin_conflicts()                          line_ok's modifier pairs
 *   j7599._cascade(payer, on_date, code)               the cached cascade, for tests
 *   j7599._cache_loads()                               cache loads in this session
 *   j7599._finding_mask(same arguments as validate)    bytea, the set of (rule, severity) found
 *   j7599._finding_bits()                              what each bit of the set means
 *   j7599._row_findings("any", ...)                    validate() over a table's columns
 *   j7599._finding_mask("any", ...)                    _finding_mask() over a table's columns
 *   j7599.line_ok(line text, ...)                      line_ok, a malformed line false
 *   j7599._legacy_date(text), _legacy_number(text)     a legacy text read as the rules read it
 *
 * Per call, validate and is_valid copy nothing: text arguments are read in
 * place (short headers included), the reference cache answers every lookup,
 * and findings go to a buffer on the stack.  validate allocates only the
 * rows it returns; a clean line returns no rows without setting up the
 * set-returning machinery.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "funcapi.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/inval.h"
#include "utils/rel.h"

#include "policy_cache.h"
#include "rules.h"
#include "types.h"
#include "util.h"

PG_FUNCTION_INFO_V1(j7599_validate);
PG_FUNCTION_INFO_V1(j7599_validate_text);
PG_FUNCTION_INFO_V1(j7599_is_valid);
PG_FUNCTION_INFO_V1(j7599_is_valid_text);
PG_FUNCTION_INFO_V1(j7599_line_ok);
PG_FUNCTION_INFO_V1(j7599_reference_changed);
PG_FUNCTION_INFO_V1(j7599_rules);
PG_FUNCTION_INFO_V1(j7599_builtin_conflicts);
PG_FUNCTION_INFO_V1(j7599_cascade);
PG_FUNCTION_INFO_V1(j7599_cache_loads);
PG_FUNCTION_INFO_V1(j7599_finding_mask);
PG_FUNCTION_INFO_V1(j7599_finding_mask_text);
PG_FUNCTION_INFO_V1(j7599_finding_bits);
PG_FUNCTION_INFO_V1(j7599_finding_set);
PG_FUNCTION_INFO_V1(j7599_finding_set_text);
PG_FUNCTION_INFO_V1(j7599_finding_set_bits);
PG_FUNCTION_INFO_V1(j7599_finding_tally_add);
PG_FUNCTION_INFO_V1(j7599_finding_tally_combine);
PG_FUNCTION_INFO_V1(j7599_finding_tally_final);
PG_FUNCTION_INFO_V1(j7599_row_findings);
PG_FUNCTION_INFO_V1(j7599_finding_set_columns);
PG_FUNCTION_INFO_V1(j7599_line_ok_text);
PG_FUNCTION_INFO_V1(j7599_legacy_date);
PG_FUNCTION_INFO_V1(j7599_legacy_number);

/*
 * The arguments of validate, is_valid and _finding_mask are the claim inputs
 * in the order of claim_inputs.def: argument i is the input RULE_FIELD_i.
 */
#define N_ARGS RULE_FIELD__COUNT
#define ARG_LINE RULE_FIELD_LINE

/*
 * Fills the engine's input from the arguments, one setter per input kind.
 * A declaration with fewer arguments than the library knows inputs (a
 * server that has the library of a later version before ALTER EXTENSION
 * UPDATE) leaves the missing ones NULL.
 */
#define HOW_VALUE	0			/* the line is a hcpcs_line, the rest typed */
#define HOW_TEXT	1			/* the line is text, the rest typed */
#define HOW_COLUMNS 2			/* "any" arguments: each read as its type */
#define HOW_COLUMNS_KEPT 3		/* the same, the kinds kept in fn_extra */

static void fill_columns(FunctionCallInfo fcinfo, rule_input *in, bool keep_kinds);

static void
fill_input(FunctionCallInfo fcinfo, rule_input *in, int how)
{
	int			nargs = PG_NARGS();
	bool		text_line = how == HOW_TEXT;

	if (nargs > N_ARGS)
		elog(ERROR, "j7599: validation function called with %d arguments, expected at most %d",
			 nargs, N_ARGS);
	if (how == HOW_COLUMNS || how == HOW_COLUMNS_KEPT)
	{
		fill_columns(fcinfo, in, how == HOW_COLUMNS_KEPT);
		return;
	}
	rules_input_init(in);
#define ARG_NULL(i) ((i) >= nargs || PG_ARGISNULL(i))
#define ARG_DATUM(i) ((i) < nargs ? PG_GETARG_DATUM(i) : (Datum) 0)
#define FILL_LINE(i, name) \
	if (text_line) \
		rules_set_line_text(in, ARG_DATUM(i), ARG_NULL(i)); \
	else if (!ARG_NULL(i)) \
		rules_set_line_value(in, PG_GETARG_HCPCS_LINE(i));
#define FILL_TEXT(i, name)		rules_set_text(&in->name, ARG_DATUM(i), ARG_NULL(i));
#define FILL_DATE(i, name)		rules_set_date(&in->name, ARG_DATUM(i), ARG_NULL(i));
#define FILL_QUANTITY(i, name)	rules_set_units_numeric(in, ARG_DATUM(i), ARG_NULL(i));
#define FILL_NDC(i, name)		rules_set_ndc_text(in, ARG_DATUM(i), ARG_NULL(i));
#define FILL_DX(i, name)		rules_add_dx(in, ARG_DATUM(i), ARG_NULL(i), true);
#define FILL_COUNT(i, name) \
	rules_set_count(&in->name, ARG_NULL(i) ? 0 : (int64) PG_GETARG_INT32(i), ARG_NULL(i));
#define CLAIM_INPUT(ID, name, kind, since, doc) FILL_##kind(RULE_FIELD_##ID, name)
#include "claim_inputs.def"
#undef CLAIM_INPUT
}

/*
 * The audits' reader of a registered table's columns: one "any" argument per
 * claim input (argument i is the input RULE_FIELD_i), each read as its own
 * type, as the enforcing trigger reads a column: dates, units and days may
 * be text (legacy tables), and a text that cannot be read is a finding.
 * The types are the call's: they are worked out once per call site and kept
 * in fn_extra when keep_kinds (a plain function; a set-returning one leaves
 * fn_extra to funcapi and works them out per call).
 */
typedef struct col_kinds
{
	rule_col_kind k[N_ARGS];
} col_kinds;

static void
column_kinds(FunctionCallInfo fcinfo, col_kinds *out)
{
	Oid			line_type = InvalidOid;
	Oid			ndc_type = InvalidOid;
	bool		have_types = false;

	for (int i = 0; i < N_ARGS; i++)
	{
		Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, i);
		rule_col_kind k;

		if (!OidIsValid(typid))
			elog(ERROR, "j7599: cannot tell the type of argument %d", i + 1);
		k = rules_col_kind_of(typid, line_type, ndc_type);
		if (k == RULE_COL_NONE && !have_types)
		{
			rules_extension_types(&line_type, &ndc_type);
			have_types = true;
			k = rules_col_kind_of(typid, line_type, ndc_type);
		}
		if (!rules_col_fits((rule_field) i, k))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("argument %s of type %s cannot be read",
							rules_field_name((rule_field) i), format_type_be(typid))));
		out->k[i] = k;
	}
}

static void
fill_columns(FunctionCallInfo fcinfo, rule_input *in, bool keep_kinds)
{
	col_kinds	local;
	col_kinds  *kinds = keep_kinds ? (col_kinds *) fcinfo->flinfo->fn_extra : NULL;

	if (PG_NARGS() != N_ARGS)
		elog(ERROR, "j7599: column reader called with %d arguments, expected %d",
			 PG_NARGS(), N_ARGS);
	if (kinds == NULL)
	{
		kinds = keep_kinds
			? MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(col_kinds))
			: &local;
		column_kinds(fcinfo, kinds);
		if (keep_kinds)
			fcinfo->flinfo->fn_extra = kinds;
	}
	rules_input_init(in);
	for (int i = 0; i < N_ARGS; i++)
	{
		rule_col_kind k = kinds->k[i];

		if (k == RULE_COL_UNKNOWN && !PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("argument %s has no type", rules_field_name((rule_field) i)),
					 errhint("Cast the value to its type.")));
		rules_set_column(in, (rule_field) i, k, PG_GETARG_DATUM(i), PG_ARGISNULL(i));
	}
}

/* ------------------------------------------------------------- validate */

typedef struct validate_state
{
	int			n;
	HeapTuple  *rows;
} validate_state;

static Datum
validate_common(FunctionCallInfo fcinfo, int how)
{
	ReturnSetInfo *rsi = (ReturnSetInfo *) fcinfo->resultinfo;
	FuncCallContext *funcctx;
	validate_state *st;

	if (rsi == NULL || !IsA(rsi, ReturnSetInfo) ||
		(rsi->allowedModes & SFRM_ValuePerCall) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));

	if (SRF_IS_FIRSTCALL())
	{
		rule_input	in;
		rule_findings out;
		TupleDesc	tupdesc;
		MemoryContext old;
		int			i;

		fill_input(fcinfo, &in, how);
		rules_run(&in, &out, 0);
		if (out.count == 0)
		{
			/* a clean line (or a NULL one): no rows, nothing set up */
			rsi->isDone = ExprEndResult;
			PG_RETURN_NULL();
		}

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "j7599: validate must return a composite type");
		tupdesc = BlessTupleDesc(tupdesc);

		/* the rows, built now: a source may point into the reference cache */
		st = palloc(sizeof(validate_state));
		st->n = out.count;
		st->rows = palloc(sizeof(HeapTuple) * out.count);
		for (i = 0; i < out.count; i++)
		{
			const rule_finding *f = &out.items[i];
			Datum		values[5];
			bool		nulls[5] = {false, false, false, false, false};

			values[0] = CStringGetTextDatum(rules_rule_name(f->rule));
			values[1] = CStringGetTextDatum(rules_severity_name(f->severity));
			values[2] = CStringGetTextDatum(rules_field_name(f->field));
			values[3] = CStringGetTextDatum(f->message);
			values[4] = CStringGetTextDatum(f->source);
			st->rows[i] = heap_form_tuple(tupdesc, values, nulls);
		}
		funcctx->user_fctx = st;
		funcctx->max_calls = out.count;
		MemoryContextSwitchTo(old);
	}

	funcctx = SRF_PERCALL_SETUP();
	st = (validate_state *) funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		HeapTuple	t = st->rows[funcctx->call_cntr];

		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(t));
	}
	SRF_RETURN_DONE(funcctx);
}

Datum
j7599_validate(PG_FUNCTION_ARGS)
{
	return validate_common(fcinfo, HOW_VALUE);
}

Datum
j7599_validate_text(PG_FUNCTION_ARGS)
{
	return validate_common(fcinfo, HOW_TEXT);
}

Datum
j7599_row_findings(PG_FUNCTION_ARGS)
{
	return validate_common(fcinfo, HOW_COLUMNS);
}

/* ------------------------------------------------------------- is_valid */

/*
 * The findings buffer of is_valid: static rather than 27 kB of stack per call
 * (rules_run calls nothing that could come back here).
 */
static rule_findings is_valid_out;

static Datum
is_valid_common(FunctionCallInfo fcinfo, int how)
{
	rule_input	in;

	if (PG_ARGISNULL(ARG_LINE))
		PG_RETURN_NULL();
	fill_input(fcinfo, &in, how);
	rules_run(&in, &is_valid_out, RULES_NO_MESSAGES | RULES_STOP_AT_ERROR);
	PG_RETURN_BOOL(is_valid_out.n_by_severity[RULE_SEV_ERROR] == 0);
}

Datum
j7599_is_valid(PG_FUNCTION_ARGS)
{
	return is_valid_common(fcinfo, HOW_VALUE);
}

Datum
j7599_is_valid_text(PG_FUNCTION_ARGS)
{
	return is_valid_common(fcinfo, HOW_TEXT);
}

/* ---------------------------------------------------------- finding set */

/*
 * audit_summary groups rows by the set of (rule, severity) pairs they carry,
 * so a summary of a large table is one C call per row and a hash aggregate
 * over a few distinct sets.  The set is a bytea with one bit per pair: bit
 * rule * RULE_SEV__COUNT + severity (byte bit / 8, bit bit % 8 from the
 * least significant: what get_bit() reads), trailing zero bytes left out, so
 * a clean line is the empty bytea and every set has one spelling.  It grows
 * with the catalogue: there is no limit on the number of rules.
 * _finding_bits() lists what each bit means.
 */
#define SET_BIT(rule, sev)	((int) (rule) * RULE_SEV__COUNT + (int) (sev))
#define SET_BYTES			((SET_BIT(RULE__COUNT, 0) + 7) / 8)

static Datum
finding_set_common(FunctionCallInfo fcinfo, int how)
{
	rule_input	in;
	uint8		bits[SET_BYTES];
	int			len = 0;
	int			i;
	bytea	   *result;

	memset(bits, 0, sizeof(bits));
	/* a NULL line has no findings, as validate() returns no rows for it */
	if (!PG_ARGISNULL(ARG_LINE))
	{
		fill_input(fcinfo, &in, how);
		rules_run(&in, &is_valid_out, RULES_NO_MESSAGES);
		for (i = 0; i < is_valid_out.count; i++)
		{
			const rule_finding *f = &is_valid_out.items[i];
			int			bit = SET_BIT(f->rule, f->severity);

			bits[bit / 8] |= (uint8) (1 << (bit % 8));
			len = Max(len, bit / 8 + 1);
		}
	}
	if (len == 0)
	{
		/*
		 * Most lines are clean: the empty set is one read-only value, not
		 * an allocation per row (the executor copies what it keeps and never
		 * frees a function's result by itself).
		 */
		static union
		{
			int32		align;
			char		data[2 * VARHDRSZ];	/* room for the header as the macros read it */
		}			empty;

		if (VARSIZE(empty.data) != VARHDRSZ)
			SET_VARSIZE(empty.data, VARHDRSZ);
		PG_RETURN_BYTEA_P((bytea *) empty.data);
	}
	result = (bytea *) palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), bits, len);
	PG_RETURN_BYTEA_P(result);
}

Datum
j7599_finding_set(PG_FUNCTION_ARGS)
{
	return finding_set_common(fcinfo, HOW_VALUE);
}

Datum
j7599_finding_set_text(PG_FUNCTION_ARGS)
{
	return finding_set_common(fcinfo, HOW_TEXT);
}

Datum
j7599_finding_set_columns(PG_FUNCTION_ARGS)
{
	return finding_set_common(fcinfo, HOW_COLUMNS_KEPT);
}

/*
 * The tally of finding sets: an aggregate over _finding_mask() values that
 * counts the rows and, per bit, the rows whose set has it, so that
 * audit_summary needs no grouping by set.  Its state is a bytea holding
 * int64 rows, int64 nbits, then nbits counts; the final value is bigint[]
 * {rows, count of bit 0, count of bit 1, ...}.  A state is created in the
 * aggregate's memory context and then added to in place.
 */
#define TALLY_BITS		(SET_BYTES * 8)
#define TALLY_SIZE		(VARHDRSZ + sizeof(int64) * (2 + TALLY_BITS))
#define TALLY_HEAD(b)	((int64 *) VARDATA(b))

static bytea *
tally_new(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;
	bytea	   *b;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "j7599: _finding_tally called outside an aggregate");
	b = (bytea *) MemoryContextAllocZero(aggcxt, TALLY_SIZE);
	SET_VARSIZE(b, TALLY_SIZE);
	TALLY_HEAD(b)[1] = TALLY_BITS;
	return b;
}

/* a state of this build (another one could only come from a corrupt value) */
static void
tally_check(const bytea *b)
{
	if (VARSIZE_ANY(b) != TALLY_SIZE || VARATT_IS_SHORT(b) || TALLY_HEAD(b)[1] != TALLY_BITS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("j7599: not a finding tally of this library")));
}

Datum
j7599_finding_tally_add(PG_FUNCTION_ARGS)
{
	bytea	   *state = PG_ARGISNULL(0) ? tally_new(fcinfo) : PG_GETARG_BYTEA_P(0);
	int64	   *t = TALLY_HEAD(state);

	t[0]++;
	if (!PG_ARGISNULL(1))
	{
		bytea	   *set = PG_GETARG_BYTEA_PP(1);
		const uint8 *bits = (const uint8 *) VARDATA_ANY(set);
		int			len = Min((int) VARSIZE_ANY_EXHDR(set), SET_BYTES);

		for (int i = 0; i < len; i++)
		{
			uint8		byte = bits[i];

			while (byte != 0)
			{
				int			k = pg_rightmost_one_pos32(byte);

				t[2 + i * 8 + k]++;
				byte &= (uint8) (byte - 1);
			}
		}
	}
	PG_RETURN_BYTEA_P(state);
}

Datum
j7599_finding_tally_combine(PG_FUNCTION_ARGS)
{
	bytea	   *a;
	bytea	   *b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = PG_GETARG_BYTEA_P(1);
	tally_check(b);
	a = PG_ARGISNULL(0) ? tally_new(fcinfo) : PG_GETARG_BYTEA_P(0);
	tally_check(a);
	TALLY_HEAD(a)[0] += TALLY_HEAD(b)[0];
	for (int i = 0; i < TALLY_BITS; i++)
		TALLY_HEAD(a)[2 + i] += TALLY_HEAD(b)[2 + i];
	PG_RETURN_BYTEA_P(a);
}

Datum
j7599_finding_tally_final(PG_FUNCTION_ARGS)
{
	Datum		elems[1 + TALLY_BITS];
	bytea	   *b;

	if (PG_ARGISNULL(0))
	{
		/* no rows at all */
		for (int i = 0; i < 1 + TALLY_BITS; i++)
			elems[i] = Int64GetDatum(0);
	}
	else
	{
		b = PG_GETARG_BYTEA_P(0);
		tally_check(b);
		elems[0] = Int64GetDatum(TALLY_HEAD(b)[0]);
		for (int i = 0; i < TALLY_BITS; i++)
			elems[1 + i] = Int64GetDatum(TALLY_HEAD(b)[2 + i]);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, 1 + TALLY_BITS, INT8OID,
										  sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

Datum
j7599_finding_set_bits(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsi = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int r = 0; r < RULE__COUNT; r++)
	{
		for (int sev = RULE_SEV__COUNT - 1; sev >= 0; sev--)
		{
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			values[0] = Int32GetDatum(SET_BIT(r, sev));
			values[1] = CStringGetTextDatum(rules_rule_name((rule_id) r));
			values[2] = CStringGetTextDatum(rules_severity_name((rule_severity) sev));
			tuplestore_putvalues(rsi->setResult, rsi->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

/*
 * The bigint mask of 1.0's _finding_mask / _finding_bits, kept for a 1.0
 * install that runs on this library until ALTER EXTENSION UPDATE: bit r is
 * rule r at severity error, bit 32 + r the same rule at a lesser severity.
 * It holds the first 32 rules of the catalogue; later rules are left out of
 * it (1.0 never reported them).
 */
#define MASK_LESSER_OFFSET 32

/*
 * The rules of 1.0, in 1.0's order: bit i of the bigint mask is v10_rules[i],
 * wherever later versions put their rules in the catalogue.
 */
static const rule_id v10_rules[] = {
	RULE_LINE_MALFORMED, RULE_CODE_UNKNOWN, RULE_MODIFIER_UNKNOWN, RULE_MODIFIER_DUPLICATE,
	RULE_MODIFIER_CONFLICT, RULE_MODIFIER_NOT_FOR_DRUG, RULE_MODIFIER_NEEDS_DOCUMENTATION,
	RULE_UNITS_INVALID, RULE_UNITS_MISSING, RULE_NDC_MALFORMED, RULE_POS_UNKNOWN,
	RULE_DX_MALFORMED, RULE_PAYER_MISSING, RULE_PAYER_UNKNOWN, RULE_SERVICE_DATE_MISSING,
	RULE_POLICY_UNKNOWN, RULE_NARRATIVE_MISSING, RULE_NARRATIVE_INCOMPLETE,
	RULE_NARRATIVE_TOO_LONG, RULE_NDC_MISSING, RULE_SPECIFIC_CODE_EXISTS,
	RULE_UNITS_EXCEED_POLICY, RULE_DX_MISSING, RULE_DX_NOT_COVERED, RULE_POS_NOT_ALLOWED,
	RULE_PRIOR_AUTH_MISSING, RULE_WASTE_MODIFIER_MISSING, RULE_SUPPLY_DAYS_EXCEEDED,
	RULE_KX_WITHOUT_TRANSPLANT_DATE, RULE_KX_SUGGESTED
};
#define N_V10_RULES ((int) lengthof(v10_rules))
StaticAssertDecl(lengthof(v10_rules) <= MASK_LESSER_OFFSET, "the 1.0 mask holds 32 rules");

/* the 1.0 bit of a rule, -1 for a rule 1.0 did not have */
static int
v10_bit(rule_id r)
{
	for (int i = 0; i < N_V10_RULES; i++)
		if (v10_rules[i] == r)
			return i;
	return -1;
}

static Datum
finding_mask_common(FunctionCallInfo fcinfo, bool text_line)
{
	rule_input	in;
	uint64		mask = 0;
	int			i;

	if (PG_ARGISNULL(ARG_LINE))
		PG_RETURN_INT64(0);
	fill_input(fcinfo, &in, text_line ? HOW_TEXT : HOW_VALUE);
	rules_run(&in, &is_valid_out, RULES_NO_MESSAGES);
	for (i = 0; i < is_valid_out.count; i++)
	{
		const rule_finding *f = &is_valid_out.items[i];

		int			bit = v10_bit(f->rule);

		if (bit >= 0)
			mask |= UINT64CONST(1) << (bit + (f->severity == RULE_SEV_ERROR ? 0 : MASK_LESSER_OFFSET));
	}
	PG_RETURN_INT64((int64) mask);
}

Datum
j7599_finding_mask(PG_FUNCTION_ARGS)
{
	return finding_mask_common(fcinfo, false);
}

Datum
j7599_finding_mask_text(PG_FUNCTION_ARGS)
{
	return finding_mask_common(fcinfo, true);
}

Datum
j7599_finding_bits(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsi = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int b = 0; b < N_V10_RULES; b++)
	{
		rule_id		r = v10_rules[b];

		for (int lesser = 0; lesser <= 1; lesser++)
		{
			Datum		values[3];
			bool		nulls[3] = {false, false, false};
			const char *sev = "error";

			if (lesser)
				sev = strcmp(rules_info(r)->severity, "info") == 0 ? "info" : "warning";
			values[0] = Int32GetDatum(b + (lesser ? MASK_LESSER_OFFSET : 0));
			values[1] = CStringGetTextDatum(rules_rule_name(r));
			values[2] = CStringGetTextDatum(sev);
			tuplestore_putvalues(rsi->setResult, rsi->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

/* -------------------------------------------------------------- line_ok */

/*
 * line_ok(line, units, ndc, pos, dx): the table-free rules.  The line is a
 * hcpcs_line, or (text_line) text for CHECK constraints on legacy text
 * columns, where a line that is not valid hcpcs_line input is false (it is
 * LINE_MALFORMED), never an error.
 */
static Datum
line_ok_common(FunctionCallInfo fcinfo, bool text_line)
{
	rule_input	in;

	if (PG_NARGS() != 5)
		elog(ERROR, "j7599: line_ok called with %d arguments, expected 5", PG_NARGS());
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	rules_input_init(&in);
	if (text_line)
		rules_set_line_text(&in, PG_GETARG_DATUM(0), false);
	else
		rules_set_line_value(&in, PG_GETARG_HCPCS_LINE(0));
	rules_set_units_numeric(&in, PG_GETARG_DATUM(1), PG_ARGISNULL(1));
	rules_set_ndc_text(&in, PG_GETARG_DATUM(2), PG_ARGISNULL(2));
	rules_set_text(&in.pos, PG_GETARG_DATUM(3), PG_ARGISNULL(3));
	rules_add_dx(&in, PG_GETARG_DATUM(4), PG_ARGISNULL(4), true);
	PG_RETURN_BOOL(rules_line_ok(&in));
}

Datum
j7599_line_ok(PG_FUNCTION_ARGS)
{
	return line_ok_common(fcinfo, false);
}

Datum
j7599_line_ok_text(PG_FUNCTION_ARGS)
{
	return line_ok_common(fcinfo, true);
}

/*
 * _legacy_date(text) / _legacy_number(text): a date or units text read as
 * the rules read a registered text column; NULL when it is blank or cannot
 * be read (never an error), for figures over legacy tables.
 */
Datum
j7599_legacy_date(PG_FUNCTION_ARGS)
{
	rule_date	d;

	rules_set_date_text(&d, PG_GETARG_DATUM(0), false);
	if (d.isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATEADT(d.value);
}

Datum
j7599_legacy_number(PG_FUNCTION_ARGS)
{
	rule_input	in;

	rules_input_init(&in);
	rules_set_units_text(&in, PG_GETARG_DATUM(0), false);
	if (in.units_kind == RULE_UNITS_INT)
		PG_RETURN_NUMERIC(int64_to_numeric(in.units_int));
	if (in.units_kind == RULE_UNITS_NUMERIC)
		PG_RETURN_NUMERIC(in.units_numeric);
	PG_RETURN_NULL();
}

/* ---------------------------------------------------- reference trigger */

/*
 * On each reference table: FOR EACH STATEMENT AFTER INSERT OR UPDATE OR
 * DELETE OR TRUNCATE (enabled ALWAYS), and FOR EACH ROW AFTER INSERT OR
 * UPDATE OR DELETE (enabled REPLICA, for logical replication's apply, which
 * fires no statement triggers).  Either way: a relcache invalidation of the
 * table, which reaches this backend at the end of the command and the others
 * at commit, where the reference cache's callback marks the cache stale (see
 * pc_reference_changed).
 */
Datum
j7599_reference_changed(PG_FUNCTION_ARGS)
{
	TriggerData *td;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("j7599._reference_changed() must be called as a trigger")));
	td = (TriggerData *) fcinfo->context;
	if (!TRIGGER_FIRED_AFTER(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("j7599._reference_changed() must be fired AFTER")));
	pc_reference_changed(td->tg_relation);
	return PointerGetDatum(NULL);
}

/* ----------------------------------------------------- catalogue helpers */

Datum
j7599_rules(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsi = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < RULE__COUNT; i++)
	{
		const rule_info *ri = rules_info((rule_id) i);
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = CStringGetTextDatum(ri->name);
		values[1] = CStringGetTextDatum(ri->severity);
		values[2] = CStringGetTextDatum(ri->scope);
		values[3] = CStringGetTextDatum(rules_field_name(ri->field));
		values[4] = CStringGetTextDatum(ri->fires_when);
		tuplestore_putvalues(rsi->setResult, rsi->setDesc, values, nulls);
	}
	return (Datum) 0;
}

Datum
j7599_builtin_conflicts(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsi = (ReturnSetInfo *) fcinfo->resultinfo;
	const rule_modifier_pair *pairs;
	int			n;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	pairs = rules_builtin_conflicts(&n);
	for (i = 0; i < n; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(pairs[i].a);
		values[1] = CStringGetTextDatum(pairs[i].b);
		values[2] = CStringGetTextDatum(pairs[i].reason);
		tuplestore_putvalues(rsi->setResult, rsi->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * j7599._cascade(payer, on_date, code): the policy cascade as the rule engine
 * resolves it from its cache, one row per field that resolves, with the
 * payer and policy row it came from.  For tests against policy_explain().
 */
Datum
j7599_cascade(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsi = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *payer_t;
	text	   *code_t;
	DateADT		d;
	pc_cache   *c;
	int			payer;
	char		code[6];
	const pc_resolved *res;
	int			f;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return (Datum) 0;
	payer_t = PG_GETARG_TEXT_PP(0);
	d = PG_GETARG_DATEADT(1);
	code_t = PG_GETARG_TEXT_PP(2);

	/* the code as policy_for takes it: blanks trimmed, upper case */
	{
		const char *s = VARDATA_ANY(code_t);
		size_t		len = VARSIZE_ANY_EXHDR(code_t);
		size_t		offset;
		int			i;

		util_trim_blanks(&s, &len, &offset);
		if (len != 5)
			return (Datum) 0;
		for (i = 0; i < 5; i++)
			code[i] = util_to_upper(s[i]);
		code[5] = '\0';
	}

	c = pc_get();
	payer = pc_payer_resolve(c, VARDATA_ANY(payer_t), VARSIZE_ANY_EXHDR(payer_t));
	if (payer < 0)
		return (Datum) 0;
	res = pc_policy_resolve(c, payer, pc_code_key(code), d);
	for (f = 0; f < PF__COUNT; f++)
	{
		const pc_policy *row = res->field[f];
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		if (row == NULL)
			continue;
		values[0] = CStringGetTextDatum(pc_field_name((pc_field) f));
		values[1] = CStringGetTextDatum(pc_payer_get(c, row->payer)->payer_id);
		values[2] = CStringGetTextDatum(row->policy_id ? row->policy_id : "");
		tuplestore_putvalues(rsi->setResult, rsi->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* j7599._cache_loads(): how many times this session has (re)loaded the cache */
Datum
j7599_cache_loads(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(pc_load_count());
}
