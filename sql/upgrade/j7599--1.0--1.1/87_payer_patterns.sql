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

-- BEFORE INSERT on payer_alias: the key of an exact or prefix alias is its
-- match and the matching key of its text, so "Blue-Cross" replaces the
-- shipped "Blue Cross"; a pattern's key is its match and its text.
CREATE OR REPLACE FUNCTION j7599.payer_alias_inserted() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n bigint;
BEGIN
    NEW.shipped := false;
    UPDATE j7599.payer_alias AS t
       SET alias = NEW.alias, payer_id = NEW.payer_id, source = NEW.source, shipped = false,
           match = NEW.match, priority = NEW.priority
     WHERE t.match = NEW.match
       AND CASE WHEN NEW.match = 'pattern' THEN t.alias = NEW.alias
                ELSE j7599.payer_key(t.alias) = j7599.payer_key(NEW.alias) END
       AND t.shipped;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 0 THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION j7599.payer_resolve(payer text) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k text;
    found_id text;
BEGIN
    -- 1. the payer id itself
    SELECT p.payer_id INTO found_id FROM j7599.payer AS p WHERE p.payer_id = payer_resolve.payer;
    IF found_id IS NOT NULL THEN
        RETURN found_id;
    END IF;
    k := j7599.payer_key(payer_resolve.payer);
    SELECT coalesce(
        -- 2. a payer id with the same key ("BCBS", "Uhc"), unless two ids share it;
        --    ids are lower-case letters, digits and _, so an id's key is the id without _
        (SELECT min(p.payer_id) FROM j7599.payer AS p WHERE replace(p.payer_id, '_', '') = k HAVING count(*) = 1),
        -- 3. an exact alias with the same key (the key is unique among them)
        (SELECT a.payer_id FROM j7599.payer_alias AS a WHERE a.match = 'exact' AND j7599.payer_key(a.alias) = k))
      INTO found_id;
    IF found_id IS NOT NULL THEN
        RETURN found_id;
    END IF;
    -- 4. the prefix (on the key) or pattern (on the text as written,
    --    case-insensitive) that matches with the lowest priority, then by alias
    --    (as the C cache orders them: src/policy_cache.c)
    SELECT a.payer_id INTO found_id
      FROM j7599.payer_alias AS a
     WHERE CASE a.match
               WHEN 'prefix' THEN k <> '' AND starts_with(k, j7599.payer_key(a.alias))
               WHEN 'pattern' THEN payer_resolve.payer ~* a.alias
               ELSE false END
     ORDER BY a.priority NULLS LAST, a.alias COLLATE "C"
     LIMIT 1;
    RETURN found_id;
END
$$;

COMMENT ON TABLE j7599.payer_alias IS 'Free-text payer names as they appear in claim warehouses: exact names and prefixes matched through j7599.payer_key() (letters and digits, case-insensitive), patterns as POSIX regular expressions on the text as written (case-insensitive); an exact alias wins over any prefix or pattern';
COMMENT ON COLUMN j7599.payer_alias.alias IS 'the name, prefix or regular expression; one exact alias and one prefix per payer_key';
COMMENT ON COLUMN j7599.payer_alias.match IS 'exact: the text''s payer_key equals the alias''s; prefix: the text''s payer_key starts with the alias''s; pattern: the alias is a POSIX regular expression the text as written matches, case-insensitively (checked when written)';
COMMENT ON COLUMN j7599.payer_alias.priority IS 'among prefixes and patterns that match, the lowest number wins (NULL after every number, then by alias); exact aliases win over all of them';
COMMENT ON FUNCTION j7599.payer_resolve(text) IS
'The payer id for a payer id or alias: exact id, else an id with the same payer_key, else an exact alias with the same payer_key, else the prefix or pattern alias that matches with the lowest priority (then by alias); NULL when unknown';
COMMENT ON FUNCTION j7599.payer_alias_inserted() IS
'Trigger: an inserted alias is a user row; one with the match and payer_key (a pattern: the match and text) of a still-shipped alias replaces that alias';
