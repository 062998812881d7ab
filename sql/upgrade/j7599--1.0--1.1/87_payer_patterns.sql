/*
 * Payer names as warehouses spell them (sql/install/20, 22, 23, 29):
 * payer_alias gains match ('exact', 'prefix', 'pattern') and priority.  The
 * columns, the new key index and the shipped patterns come with the shipped
 * rows in 80_code_sets.sql (they must exist before those rows are merged);
 * here: the pattern check, the insert trigger that knows the match,
 * payer_resolve with prefixes and patterns, and the comments.
 */

CREATE FUNCTION j7599.payer_pattern_valid(pattern text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM '' ~* payer_pattern_valid.pattern;
    RETURN true;
EXCEPTION WHEN invalid_regular_expression THEN
    RAISE EXCEPTION USING
        ERRCODE = 'invalid_regular_expression',
        MESSAGE = SQLERRM,
        DETAIL = format('The payer alias pattern is %s.', quote_literal(payer_pattern_valid.pattern)),
        HINT = 'Write a POSIX regular expression, matched case-insensitively against the payer text as written '
               '(e.g. ''^blue\s*shield\s+of\y''), or give the alias match ''exact'' or ''prefix''.';
END
$$;
COMMENT ON FUNCTION j7599.payer_pattern_valid(text) IS
'True when the text is a valid POSIX regular expression for a payer alias with match ''pattern''; otherwise raises 2201B with the reason (the check of j7599.payer_alias)';

ALTER TABLE j7599.payer_alias
    ADD CONSTRAINT payer_alias_pattern_check CHECK (match <> 'pattern' OR j7599.payer_pattern_valid(alias));


COMMENT ON TABLE j7599.payer_alias IS 'Free-text payer names as they appear in claim warehouses: exact names and prefixes matched through j7599.payer_key() (letters and digits, case-insensitive), patterns as POSIX regular expressions on the text as written (case-insensitive); an exact alias wins over any prefix or pattern';
COMMENT ON COLUMN j7599.payer_alias.alias IS 'the name, prefix or regular expression; one exact alias and one prefix per payer_key';
COMMENT ON COLUMN j7599.payer_alias.match IS 'exact: the text''s payer_key equals the alias''s; prefix: the text''s payer_key starts with the alias''s; pattern: the alias is a POSIX regular expression the text as written matches, case-insensitively (checked when written)';
COMMENT ON COLUMN j7599.payer_alias.priority IS 'among prefixes and patterns that match, the lowest number wins (NULL after every number, then by alias); exact aliases win over all of them';
