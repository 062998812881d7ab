/*
 * Payer aliases: how a payer text is resolved (exact, prefix, pattern), and
 * how an inserted alias replaces a still-shipped one.  Changed in 1.1, so the
 * upgrade creates this part as it stands (87_payer_resolve.parts).
 */

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
COMMENT ON FUNCTION j7599.payer_resolve(text) IS
'The payer id for a payer id or alias: exact id, else an id with the same payer_key, else an exact alias with the same payer_key, else the prefix or pattern alias that matches with the lowest priority (then by alias); NULL when unknown';

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
COMMENT ON FUNCTION j7599.payer_alias_inserted() IS
'Trigger: an inserted alias is a user row; one with the match and payer_key (a pattern: the match and text) of a still-shipped alias replaces that alias';
