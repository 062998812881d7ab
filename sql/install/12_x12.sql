/*
 * The X12 837 procedure composite (SV1-01 / SV2-02) as sent: qualifier,
 * code, up to four modifiers with empty slots, the description, any one-byte
 * component separator.  The hcpcs_line type's own text input stays strict;
 * this reader is the lenient door for 837 data.  C: src/x12_parse.c (pure
 * parser, decisions in src/x12.h) and src/x12.c (glue).
 */
CREATE FUNCTION j7599.x12_procedure(composite text, separator text DEFAULT ':')
RETURNS TABLE(qualifier text, line j7599.hcpcs_line, description text)
    AS 'MODULE_PATHNAME', 'j7599_x12_procedure'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION j7599.x12_procedure(text, text) IS
'Reads an 837 SV1-01 / SV2-02 procedure composite as sent ("HC:J7599:KX::::TACROLIMUS 1MG CAP", "HC>99213>25" with separator ''>''): the qualifier (upper case), the line (HC only: code and modifiers, empty modifier slots skipped; NULL for another qualifier such as ER, HP, IV, WK, whose code is not checked) and the description (component 7, blanks trimmed, NULL when empty). No row for a blank composite; 22P02 for a malformed one (more than 7 components, a bad qualifier, code or modifier); 22023 for a separator that is not one ASCII character other than a letter, digit or blank';
