/*
 * j7599.hcpcs_line: one HCPCS code with zero to four modifiers in billed
 * order.  8 bytes, passed by value; the stored integer orders lines by code,
 * then by modifiers, so btree, hash and sorting work on it directly.
 */

CREATE TYPE j7599.hcpcs_line;

CREATE FUNCTION j7599.hcpcs_line_in(cstring) RETURNS j7599.hcpcs_line
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION j7599.hcpcs_line_out(j7599.hcpcs_line) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION j7599.hcpcs_line_recv(internal) RETURNS j7599.hcpcs_line
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION j7599.hcpcs_line_send(j7599.hcpcs_line) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE j7599.hcpcs_line (
    INPUT = j7599.hcpcs_line_in,
    OUTPUT = j7599.hcpcs_line_out,
    RECEIVE = j7599.hcpcs_line_recv,
    SEND = j7599.hcpcs_line_send,
    INTERNALLENGTH = 8,
    PASSEDBYVALUE,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE j7599.hcpcs_line IS
'A HCPCS/CPT code with up to four two-character modifiers in billed order, such as J7599-JZ-KX (8 bytes)';

-- ------------------------------------------------------------ functions

CREATE FUNCTION j7599.hcpcs_line(code text, VARIADIC modifiers text[] DEFAULT '{}')
RETURNS j7599.hcpcs_line
    AS 'MODULE_PATHNAME', 'hcpcs_line_make' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION j7599.hcpcs_line(text, text[]) IS
'Builds a line from a code and separate modifier columns; NULL or blank modifiers are skipped; NULL code gives NULL';

CREATE FUNCTION j7599.is_hcpcs_line(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'hcpcs_line_is_valid_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599.is_hcpcs_line(text) IS
'True when the text is valid hcpcs_line input; never raises';

CREATE FUNCTION j7599.code(j7599.hcpcs_line) RETURNS text
    AS 'MODULE_PATHNAME', 'hcpcs_line_code' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599.code(j7599.hcpcs_line) IS 'The code of the line, such as J7599';

CREATE FUNCTION j7599.modifiers(j7599.hcpcs_line) RETURNS text[]
    AS 'MODULE_PATHNAME', 'hcpcs_line_modifiers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599.modifiers(j7599.hcpcs_line) IS 'The modifiers in billed order; {} when there are none';

CREATE FUNCTION j7599.has_modifier(j7599.hcpcs_line, text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'hcpcs_line_has_modifier' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599.has_modifier(j7599.hcpcs_line, text) IS
'True when the modifier (case-insensitive) is on the line';

CREATE FUNCTION j7599.code_kind(j7599.hcpcs_line) RETURNS text
    AS 'MODULE_PATHNAME', 'hcpcs_line_code_kind' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599.code_kind(j7599.hcpcs_line) IS
'hcpcs_level2, cdt (D codes), cpt, cpt_category2, cpt_category3 or cpt_pla';

-- ----------------------------------------------------------------- casts
--
-- Cast policy.  text -> hcpcs_line validates and raises 22P02 on bad input,
-- so it is an assignment cast: INSERT ... SELECT from a text column works,
-- while expressions never turn text into a line behind the user's back.
-- hcpcs_line -> text is lossless (the canonical form) but kept assignment
-- too, so that `line = 'x'::text` does not silently compare as text.
-- varchar follows text through the automatic I/O casts.

CREATE FUNCTION j7599.hcpcs_line(text) RETURNS j7599.hcpcs_line
    AS 'MODULE_PATHNAME', 'hcpcs_line_from_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599.hcpcs_line(text) IS 'Cast from text: any accepted input form';
CREATE FUNCTION j7599.text(j7599.hcpcs_line) RETURNS text
    AS 'MODULE_PATHNAME', 'hcpcs_line_to_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599.text(j7599.hcpcs_line) IS 'Cast to text: the canonical form';

CREATE CAST (text AS j7599.hcpcs_line) WITH FUNCTION j7599.hcpcs_line(text) AS ASSIGNMENT;
CREATE CAST (j7599.hcpcs_line AS text) WITH FUNCTION j7599.text(j7599.hcpcs_line) AS ASSIGNMENT;

-- ------------------------------------------------------------- operators

CREATE FUNCTION j7599.hcpcs_line_eq(j7599.hcpcs_line, j7599.hcpcs_line) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.hcpcs_line_ne(j7599.hcpcs_line, j7599.hcpcs_line) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.hcpcs_line_lt(j7599.hcpcs_line, j7599.hcpcs_line) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.hcpcs_line_le(j7599.hcpcs_line, j7599.hcpcs_line) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.hcpcs_line_gt(j7599.hcpcs_line, j7599.hcpcs_line) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.hcpcs_line_ge(j7599.hcpcs_line, j7599.hcpcs_line) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.hcpcs_line_cmp(j7599.hcpcs_line, j7599.hcpcs_line) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.hcpcs_line_sortsupport(internal) RETURNS void
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION j7599.hcpcs_line_hash(j7599.hcpcs_line) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION j7599.hcpcs_line_hash_extended(j7599.hcpcs_line, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

COMMENT ON FUNCTION j7599.hcpcs_line_eq(j7599.hcpcs_line, j7599.hcpcs_line) IS 'implementation of = for hcpcs_line';
COMMENT ON FUNCTION j7599.hcpcs_line_ne(j7599.hcpcs_line, j7599.hcpcs_line) IS 'implementation of <> for hcpcs_line';
COMMENT ON FUNCTION j7599.hcpcs_line_lt(j7599.hcpcs_line, j7599.hcpcs_line) IS 'implementation of < for hcpcs_line';
COMMENT ON FUNCTION j7599.hcpcs_line_le(j7599.hcpcs_line, j7599.hcpcs_line) IS 'implementation of <= for hcpcs_line';
COMMENT ON FUNCTION j7599.hcpcs_line_gt(j7599.hcpcs_line, j7599.hcpcs_line) IS 'implementation of > for hcpcs_line';
COMMENT ON FUNCTION j7599.hcpcs_line_ge(j7599.hcpcs_line, j7599.hcpcs_line) IS 'implementation of >= for hcpcs_line';
COMMENT ON FUNCTION j7599.hcpcs_line_cmp(j7599.hcpcs_line, j7599.hcpcs_line) IS 'btree comparison for hcpcs_line';
COMMENT ON FUNCTION j7599.hcpcs_line_sortsupport(internal) IS 'btree sort support for hcpcs_line';
COMMENT ON FUNCTION j7599.hcpcs_line_hash(j7599.hcpcs_line) IS 'hash for hcpcs_line';
COMMENT ON FUNCTION j7599.hcpcs_line_hash_extended(j7599.hcpcs_line, bigint) IS 'seeded 64-bit hash for hcpcs_line';
COMMENT ON FUNCTION j7599.hcpcs_line_in(cstring) IS 'input function of hcpcs_line';
COMMENT ON FUNCTION j7599.hcpcs_line_out(j7599.hcpcs_line) IS 'output function of hcpcs_line';
COMMENT ON FUNCTION j7599.hcpcs_line_recv(internal) IS 'binary input of hcpcs_line (re-validates)';
COMMENT ON FUNCTION j7599.hcpcs_line_send(j7599.hcpcs_line) IS 'binary output of hcpcs_line';

CREATE OPERATOR j7599.= (
    LEFTARG = j7599.hcpcs_line, RIGHTARG = j7599.hcpcs_line, FUNCTION = j7599.hcpcs_line_eq,
    COMMUTATOR = OPERATOR(j7599.=), NEGATOR = OPERATOR(j7599.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR j7599.<> (
    LEFTARG = j7599.hcpcs_line, RIGHTARG = j7599.hcpcs_line, FUNCTION = j7599.hcpcs_line_ne,
    COMMUTATOR = OPERATOR(j7599.<>), NEGATOR = OPERATOR(j7599.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR j7599.< (
    LEFTARG = j7599.hcpcs_line, RIGHTARG = j7599.hcpcs_line, FUNCTION = j7599.hcpcs_line_lt,
    COMMUTATOR = OPERATOR(j7599.>), NEGATOR = OPERATOR(j7599.>=),
    RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR j7599.<= (
    LEFTARG = j7599.hcpcs_line, RIGHTARG = j7599.hcpcs_line, FUNCTION = j7599.hcpcs_line_le,
    COMMUTATOR = OPERATOR(j7599.>=), NEGATOR = OPERATOR(j7599.>),
    RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR j7599.> (
    LEFTARG = j7599.hcpcs_line, RIGHTARG = j7599.hcpcs_line, FUNCTION = j7599.hcpcs_line_gt,
    COMMUTATOR = OPERATOR(j7599.<), NEGATOR = OPERATOR(j7599.<=),
    RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR j7599.>= (
    LEFTARG = j7599.hcpcs_line, RIGHTARG = j7599.hcpcs_line, FUNCTION = j7599.hcpcs_line_ge,
    COMMUTATOR = OPERATOR(j7599.<=), NEGATOR = OPERATOR(j7599.<),
    RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS j7599.hcpcs_line_ops
    DEFAULT FOR TYPE j7599.hcpcs_line USING btree AS
        OPERATOR 1 j7599.<,
        OPERATOR 2 j7599.<=,
        OPERATOR 3 j7599.=,
        OPERATOR 4 j7599.>=,
        OPERATOR 5 j7599.>,
        FUNCTION 1 j7599.hcpcs_line_cmp(j7599.hcpcs_line, j7599.hcpcs_line),
        FUNCTION 2 j7599.hcpcs_line_sortsupport(internal),
        FUNCTION 4 btequalimage(oid);

CREATE OPERATOR CLASS j7599.hcpcs_line_hash_ops
    DEFAULT FOR TYPE j7599.hcpcs_line USING hash AS
        OPERATOR 1 j7599.=,
        FUNCTION 1 j7599.hcpcs_line_hash(j7599.hcpcs_line),
        FUNCTION 2 j7599.hcpcs_line_hash_extended(j7599.hcpcs_line, bigint);
