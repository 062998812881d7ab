/*
 * Legacy tables: claim lines kept as text.
 *
 *   line_ok(line text, units, ndc, pos, dx)     line_ok for a text line column
 *   _legacy_date(text), _legacy_number(text)    a date or units text read as
 *                                               the rules read a registered
 *                                               text column
 *
 * register() accepts text columns for every input; the audits and the
 * enforcing trigger read dates (YYYY-MM-DD, MM/DD/YYYY, YYYYMMDD), units
 * and days (decimal text) in C, and a text that cannot be read is a finding
 * (SERVICE_DATE_MALFORMED, TRANSPLANT_DATE_MALFORMED, UNITS_MALFORMED,
 * DAYS_SUPPLY_MALFORMED), never an error.
 */

CREATE OR REPLACE FUNCTION j7599.line_ok(
    line  text,
    units numeric DEFAULT NULL,
    ndc   text    DEFAULT NULL,
    pos   text    DEFAULT NULL,
    dx    text[]  DEFAULT NULL)
RETURNS boolean
    AS 'MODULE_PATHNAME', 'j7599_line_ok_text'
    LANGUAGE C IMMUTABLE PARALLEL SAFE COST 20;
COMMENT ON FUNCTION j7599.line_ok(text, numeric, text, text, text[]) IS
'line_ok() for a line kept as text (a CHECK on a legacy column): a line that is not valid hcpcs_line input gives false, never an error. NULL or blank other arguments pass; a NULL line gives NULL';

CREATE OR REPLACE FUNCTION j7599._legacy_date(value text)
RETURNS date
    AS 'MODULE_PATHNAME', 'j7599_legacy_date'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5;
COMMENT ON FUNCTION j7599._legacy_date(text) IS
'Internal: a date text as the rules read a registered text column (YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD, blanks around ignored); NULL when blank or not a date, never an error';

CREATE OR REPLACE FUNCTION j7599._legacy_number(value text)
RETURNS numeric
    AS 'MODULE_PATHNAME', 'j7599_legacy_number'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5;
COMMENT ON FUNCTION j7599._legacy_number(text) IS
'Internal: a units text as the rules read a registered text column (decimal, blanks around ignored); NULL when blank or not a number, never an error';
