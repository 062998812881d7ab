/*
 * A claim or row key as a refusal shows it: the jsonb text, cut to 60
 * characters with "..." appended, so that an error relayed from a shard
 * through postgres_fdw stays readable whatever the key holds.
 */
CREATE FUNCTION j7599._key_text(k jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN pg_catalog.length(k::pg_catalog.text) > 60
            THEN pg_catalog.left(k::pg_catalog.text, 60) || '...'
            ELSE k::pg_catalog.text END;
COMMENT ON FUNCTION j7599._key_text(jsonb) IS
'Internal: a claim key as enforce_claims names it in its refusal, cut to 60 characters ("..." appended)';
