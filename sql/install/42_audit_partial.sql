/*
 * Audits over several databases (shards): each shard reports its part with
 * audit_partial, a coordinator adds the parts up with audit_combine, and the
 * result is exactly what audit_summary gives over all the rows in one
 * database.  A part is a list of (finding set, rows): the sets of different
 * shards add up exactly, where per-rule counts would lose the rows_checked of
 * a shard on which a rule never fires.
 *
 * A finding set means something only to the rule catalogue that wrote it
 * (one bit per rule and severity, _finding_bits()).  Every part carries the
 * extension version and a digest of the catalogue, and audit_combine refuses
 * a part written by another version or catalogue than its own (22023).
 */

CREATE TYPE j7599.audit_part AS (
    version     text,
    catalogue   text,
    finding_set bytea,
    rows        bigint
);
COMMENT ON TYPE j7599.audit_part IS
'One row of an audit''s partial result (j7599.audit_partial): how many rows of a table carry one set of findings, with the extension version and rule catalogue that wrote the set';

CREATE FUNCTION j7599._audit_catalogue() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
               pg_catalog.string_agg(b.bit_no || ':' || b.rule || ':' || b.severity, ',' ORDER BY b.bit_no),
               'UTF8')), 'hex')
    FROM j7599._finding_bits() AS b;
END;
COMMENT ON FUNCTION j7599._audit_catalogue() IS
'Internal: a digest (SHA-256, hex) of the rule catalogue''s finding-set layout, every (bit, rule, severity) of _finding_bits(); two databases whose digests agree read finding sets alike';

CREATE FUNCTION j7599._audit_version() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'j7599';
END;
COMMENT ON FUNCTION j7599._audit_version() IS
'Internal: the version of j7599 installed in this database, as audit_partial writes it into its parts';

-- One query, free to use parallel workers (a shard audits its rows as
-- audit_summary does); an empty table still gives one part, with 0 rows,
-- so that its version is checked too.
CREATE FUNCTION j7599.audit_partial(tbl regclass)
RETURNS SETOF j7599.audit_part
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    my_version constant text := j7599._audit_version();
    my_catalogue constant text := j7599._audit_catalogue();
BEGIN
    RETURN QUERY EXECUTE
        'SELECT $1, $2, j7599._finding_mask(' || j7599._call_args(tbl) || '), count(*) FROM '
        || tbl::text || ' AS t GROUP BY 3'
        USING my_version, my_catalogue;
    IF NOT FOUND THEN
        RETURN NEXT ROW(my_version, my_catalogue, '\x'::bytea, 0::bigint)::j7599.audit_part;
    END IF;
END
$$;
COMMENT ON FUNCTION j7599.audit_partial(regclass) IS
'For a registered table on one shard: how many rows carry each set of findings, with the version and rule catalogue that wrote them (one row with 0 rows for an empty table). j7599.audit_combine adds up the parts of every shard exactly. Runs as the caller; takes only the lock of a SELECT';

CREATE FUNCTION j7599.audit_combine(parts j7599.audit_part[])
RETURNS TABLE(rule text, severity text, rows_violated bigint, rows_checked bigint, pct_violated numeric)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    my_version constant text := j7599._audit_version();
    my_catalogue constant text := j7599._audit_catalogue();
    bad j7599.audit_part;
BEGIN
    SELECT p.* INTO bad FROM unnest(parts) AS p
     WHERE p.version IS DISTINCT FROM my_version OR p.catalogue IS DISTINCT FROM my_catalogue
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'audit part from another version of j7599'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('A part was written by j7599 %s (rule catalogue %s); this database runs j7599 %s (rule catalogue %s).',
                                  coalesce(bad.version, 'of unknown version'), coalesce(left(bad.catalogue, 12), 'unknown'),
                                  my_version, left(my_catalogue, 12)),
                  HINT = 'Update j7599 on every node to the same version (ALTER EXTENSION j7599 UPDATE), then audit again.';
    END IF;
    IF EXISTS (SELECT FROM unnest(parts) AS p WHERE p.finding_set IS NULL OR p.rows IS NULL OR p.rows < 0) THEN
        RAISE EXCEPTION 'audit part without a finding set or with a negative row count'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Every part must be a row of j7599.audit_partial() as it returned it.';
    END IF;
    -- the report of audit_summary, over the sets of every part
    RETURN QUERY
        WITH m AS (SELECT p.finding_set AS mask, sum(p.rows) AS n FROM unnest(parts) AS p GROUP BY 1),
             tot AS (SELECT coalesce(sum(m.n), 0)::bigint AS total FROM m)
        SELECT b.rule, b.severity, sum(m.n)::bigint AS rows_violated, tot.total AS rows_checked,
               round(100.0 * sum(m.n) / nullif(tot.total, 0), 2) AS pct_violated
        FROM m CROSS JOIN tot
        JOIN j7599._finding_bits() AS b ON b.bit_no < 8 * length(m.mask) AND get_bit(m.mask, b.bit_no) = 1
        GROUP BY b.bit_no, b.rule, b.severity, tot.total
        ORDER BY CASE b.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, 3 DESC, 1;
END
$$;
COMMENT ON FUNCTION j7599.audit_combine(j7599.audit_part[]) IS
'Adds up the parts j7599.audit_partial returned on every shard into what audit_summary would give over all their rows (same columns, same order). Refuses (22023) a part written by another version or rule catalogue of j7599 than this database''s';
