/*
 * src/types.h: Datum conversions for j7599's two by-value types, shared by
 * the fmgr glue, the rule engine and the trigger.
 *
 * hcpcs_line: the uint64 of hcpcs_pack() (always below 2^63).
 * ndc:        the int64 value of the 12-digit 6-4-2 NDC.
 */
#ifndef J7599_TYPES_H
#define J7599_TYPES_H

#include "postgres.h"
#include "fmgr.h"

#include "codes.h"

#define DatumGetHcpcsLine(d)		((uint64) DatumGetInt64(d))
#define HcpcsLineGetDatum(v)		Int64GetDatum((int64) (v))
#define PG_GETARG_HCPCS_LINE(n)		DatumGetHcpcsLine(PG_GETARG_DATUM(n))
#define PG_RETURN_HCPCS_LINE(v)		return HcpcsLineGetDatum(v)

#define DatumGetNdc(d)				DatumGetInt64(d)
#define NdcGetDatum(v)				Int64GetDatum(v)
#define PG_GETARG_NDC(n)			DatumGetNdc(PG_GETARG_DATUM(n))
#define PG_RETURN_NDC(v)			return NdcGetDatum(v)

/* errdetail() of a parser's failure reason, as a sentence (src/errors.c) */
extern int	errdetail_reason(const char *reason);

/* unpack a stored line, raising XX001 when it is not a valid packing */
extern void hcpcs_line_unpack_or_error(uint64 v, hcpcs_line_parts *parts);

#endif							/* J7599_TYPES_H */
