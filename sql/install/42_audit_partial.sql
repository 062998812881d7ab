/*
 * Audits over several databases (shards): each shard reports its part with
 * audit_partial, a coordinator adds the parts up with audit_combine, and the
 * result is exactly what audit_summary gives over all the rows in one
 * database.  A part is the tally audit_summary makes of its rows: how many
 * rows, and per bit of the finding set (one bit per rule and severity,
 * _finding_bits()) how many rows carry it.  Tallies add up exactly, where
 * audit_summary's rows would lose the rows_checked of a shard on which a rule
 * never fires.
 *
 * The bits mean something only to the rule catalogue that wrote them.  Every
 * part carries the extension version and a digest of the catalogue, and
 * audit_combine refuses a part written by another version or catalogue than
 * its own (22023).
 */

CREATE TYPE j7599.audit_part AS (
    version     text,
    catalogue   text,
    rows        bigint,
    violated    bigint[]
);
COMMENT ON TYPE j7599.audit_part IS
'An audit''s partial result on one shard (j7599.audit_partial): how many rows, and per bit of _finding_bits() (element bit_no + 1) how many of them carry it, with the extension version and rule catalogue that wrote it';

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
-- audit_summary does, with the same tally); one part per call, an empty
-- table's with 0 rows, so that its version is checked too.
CREATE FUNCTION j7599.audit_partial(tbl regclass)
RETURNS SETOF j7599.audit_part
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY EXECUTE
        'SELECT $1, $2, c.n[1], c.n[2:] FROM (SELECT j7599._finding_tally(j7599._finding_mask('
        || j7599._call_args(tbl) || ')) AS n FROM ' || tbl::text || ' AS t) AS c'
        USING j7599._audit_version(), j7599._audit_catalogue();
END
$$;
COMMENT ON FUNCTION j7599.audit_partial(regclass) IS
'For a registered table on one shard: one part, how many rows and per rule and severity how many of them break it, with the version and rule catalogue that wrote it (0 rows for an empty table). j7599.audit_combine adds up the parts of every shard exactly. Runs as the caller; takes only the lock of a SELECT';

CREATE FUNCTION j7599.audit_combine(parts j7599.audit_part[])
RETURNS TABLE(rule text, severity text, rows_violated bigint, rows_checked bigint, pct_violated numeric)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    my_version constant text := j7599._audit_version();
    my_catalogue constant text := j7599._audit_catalogue();
    -- the tally's length: the bits of _finding_bits(), rounded up to bytes
    n_bits constant int := (SELECT 8 * (max(b.bit_no) / 8 + 1) FROM j7599._finding_bits() AS b);
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
    IF EXISTS (SELECT FROM unnest(parts) AS p
               WHERE p.rows IS NULL OR p.rows < 0 OR p.violated IS NULL
                  OR cardinality(p.violated) <> n_bits OR array_position(p.violated, NULL) IS NOT NULL
                  OR 0 > ANY (p.violated)) THEN
        RAISE EXCEPTION 'audit part without its counts, or with a negative row count'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Every part must be a row of j7599.audit_partial() as it returned it.';
    END IF;
    -- the report of audit_summary, over the sum of every part's counts
    RETURN QUERY
        WITH tot AS (SELECT coalesce(sum(p.rows), 0)::bigint AS total FROM unnest(parts) AS p),
             v AS (SELECT (u.i - 1)::int AS bit_no, sum(u.n)::bigint AS n
                   FROM unnest(parts) AS p, unnest(p.violated) WITH ORDINALITY AS u(n, i)
                   GROUP BY 1)
        SELECT b.rule, b.severity, v.n AS rows_violated, tot.total AS rows_checked,
               round(100.0 * v.n / nullif(tot.total, 0), 2) AS pct_violated
        FROM v JOIN j7599._finding_bits() AS b ON b.bit_no = v.bit_no CROSS JOIN tot
        WHERE v.n > 0
        ORDER BY CASE b.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, 3 DESC, 1;
END
$$;
COMMENT ON FUNCTION j7599.audit_combine(j7599.audit_part[]) IS
'Adds up the parts j7599.audit_partial returned on every shard into what audit_summary would give over all their rows (same columns, same order). Refuses (22023) a part written by another version or rule catalogue of j7599 than this database''s';
