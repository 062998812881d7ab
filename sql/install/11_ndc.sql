/*
 * j7599.ndc: a National Drug Code, held by value as the integer of its
 * 12-digit 6-4-2 form.  An 11-digit NDC and its zero-labeler 12-digit form
 * are the same value; output is the 11-digit claim form where the NDC has
 * one, else 12 digits.
 */

CREATE TYPE j7599.ndc;

CREATE FUNCTION j7599.ndc_in(cstring) RETURNS j7599.ndc
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION j7599.ndc_out(j7599.ndc) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION j7599.ndc_recv(internal) RETURNS j7599.ndc
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION j7599.ndc_send(j7599.ndc) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE j7599.ndc (
    INPUT = j7599.ndc_in,
    OUTPUT = j7599.ndc_out,
    RECEIVE = j7599.ndc_recv,
    SEND = j7599.ndc_send,
    INTERNALLENGTH = 8,
    PASSEDBYVALUE,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE j7599.ndc IS
'A National Drug Code: 11-digit 5-4-2 or 12-digit 6-4-2, stored in one canonical form (8 bytes)';

CREATE FUNCTION j7599.ndc_format(ndc j7599.ndc, style text) RETURNS text
    AS 'MODULE_PATHNAME', 'ndc_format_style' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599.ndc_format(j7599.ndc, text) IS
'The NDC in style 11, 5-4-2, 12 or 6-4-2; 22023 for an unknown style or a form the NDC does not have';

CREATE FUNCTION j7599.is_ndc(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ndc_is_valid_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599.is_ndc(text) IS 'True when the text is valid ndc input; never raises';

-- Cast policy: as for hcpcs_line.  text -> ndc validates (22P02), so it is an
-- assignment cast; ndc -> text gives the canonical form, assignment too.
CREATE FUNCTION j7599.ndc(text) RETURNS j7599.ndc
    AS 'MODULE_PATHNAME', 'ndc_from_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599.ndc(text) IS 'Cast from text: any accepted NDC form';
CREATE FUNCTION j7599.text(j7599.ndc) RETURNS text
    AS 'MODULE_PATHNAME', 'ndc_to_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599.text(j7599.ndc) IS 'Cast to text: 11 digits, or 12 where the NDC has no 11-digit form';

CREATE CAST (text AS j7599.ndc) WITH FUNCTION j7599.ndc(text) AS ASSIGNMENT;
CREATE CAST (j7599.ndc AS text) WITH FUNCTION j7599.text(j7599.ndc) AS ASSIGNMENT;

COMMENT ON FUNCTION j7599.ndc_in(cstring) IS 'input function of ndc';
COMMENT ON FUNCTION j7599.ndc_out(j7599.ndc) IS 'output function of ndc';
COMMENT ON FUNCTION j7599.ndc_recv(internal) IS 'binary input of ndc (re-validates)';
COMMENT ON FUNCTION j7599.ndc_send(j7599.ndc) IS 'binary output of ndc';

-- ------------------------------------------------------------- operators

CREATE FUNCTION j7599.ndc_eq(j7599.ndc, j7599.ndc) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.ndc_ne(j7599.ndc, j7599.ndc) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.ndc_lt(j7599.ndc, j7599.ndc) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.ndc_le(j7599.ndc, j7599.ndc) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.ndc_gt(j7599.ndc, j7599.ndc) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.ndc_ge(j7599.ndc, j7599.ndc) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.ndc_cmp(j7599.ndc, j7599.ndc) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.ndc_sortsupport(internal) RETURNS void
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION j7599.ndc_hash(j7599.ndc) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.ndc_hash_extended(j7599.ndc, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

COMMENT ON FUNCTION j7599.ndc_eq(j7599.ndc, j7599.ndc) IS 'implementation of = for ndc';
COMMENT ON FUNCTION j7599.ndc_ne(j7599.ndc, j7599.ndc) IS 'implementation of <> for ndc';
COMMENT ON FUNCTION j7599.ndc_lt(j7599.ndc, j7599.ndc) IS 'implementation of < for ndc';
COMMENT ON FUNCTION j7599.ndc_le(j7599.ndc, j7599.ndc) IS 'implementation of <= for ndc';
COMMENT ON FUNCTION j7599.ndc_gt(j7599.ndc, j7599.ndc) IS 'implementation of > for ndc';
COMMENT ON FUNCTION j7599.ndc_ge(j7599.ndc, j7599.ndc) IS 'implementation of >= for ndc';
COMMENT ON FUNCTION j7599.ndc_cmp(j7599.ndc, j7599.ndc) IS 'btree comparison for ndc';
COMMENT ON FUNCTION j7599.ndc_sortsupport(internal) IS 'btree sort support for ndc';
COMMENT ON FUNCTION j7599.ndc_hash(j7599.ndc) IS 'hash for ndc';
COMMENT ON FUNCTION j7599.ndc_hash_extended(j7599.ndc, bigint) IS 'seeded 64-bit hash for ndc';
COMMENT ON FUNCTION j7599.ndc_in(cstring) IS 'input function of ndc';
COMMENT ON FUNCTION j7599.ndc_out(j7599.ndc) IS 'output function of ndc';
COMMENT ON FUNCTION j7599.ndc_recv(internal) IS 'binary input of ndc (re-validates)';
COMMENT ON FUNCTION j7599.ndc_send(j7599.ndc) IS 'binary output of ndc';

CREATE OPERATOR j7599.= (
    LEFTARG = j7599.ndc, RIGHTARG = j7599.ndc, FUNCTION = j7599.ndc_eq,
    COMMUTATOR = OPERATOR(j7599.=), NEGATOR = OPERATOR(j7599.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR j7599.<> (
    LEFTARG = j7599.ndc, RIGHTARG = j7599.ndc, FUNCTION = j7599.ndc_ne,
    COMMUTATOR = OPERATOR(j7599.<>), NEGATOR = OPERATOR(j7599.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR j7599.< (
    LEFTARG = j7599.ndc, RIGHTARG = j7599.ndc, FUNCTION = j7599.ndc_lt,
    COMMUTATOR = OPERATOR(j7599.>), NEGATOR = OPERATOR(j7599.>=),
    RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR j7599.<= (
    LEFTARG = j7599.ndc, RIGHTARG = j7599.ndc, FUNCTION = j7599.ndc_le,
    COMMUTATOR = OPERATOR(j7599.>=), NEGATOR = OPERATOR(j7599.>),
    RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR j7599.> (
    LEFTARG = j7599.ndc, RIGHTARG = j7599.ndc, FUNCTION = j7599.ndc_gt,
    COMMUTATOR = OPERATOR(j7599.<), NEGATOR = OPERATOR(j7599.<=),
    RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR j7599.>= (
    LEFTARG = j7599.ndc, RIGHTARG = j7599.ndc, FUNCTION = j7599.ndc_ge,
    COMMUTATOR = OPERATOR(j7599.<=), NEGATOR = OPERATOR(j7599.<),
    RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS j7599.ndc_ops
    DEFAULT FOR TYPE j7599.ndc USING btree AS
        OPERATOR 1 j7599.<,
        OPERATOR 2 j7599.<=,
        OPERATOR 3 j7599.=,
        OPERATOR 4 j7599.>=,
        OPERATOR 5 j7599.>,
        FUNCTION 1 j7599.ndc_cmp(j7599.ndc, j7599.ndc),
        FUNCTION 2 j7599.ndc_sortsupport(internal),
        FUNCTION 4 btequalimage(oid);

CREATE OPERATOR CLASS j7599.ndc_hash_ops
    DEFAULT FOR TYPE j7599.ndc USING hash AS
        OPERATOR 1 j7599.=,
        FUNCTION 1 j7599.ndc_hash(j7599.ndc),
        FUNCTION 2 j7599.ndc_hash_extended(j7599.ndc, bigint);
