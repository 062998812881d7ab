/*
 * Audit: every finding of every row of a registered table (audit), and the
 * counts per rule (audit_summary).  Both run as the caller (SECURITY
 * INVOKER): a table the caller cannot read gives 42501, and the only lock
 * taken is the AccessShareLock of a plain SELECT.
 */

-- _finding_mask(line text | hcpcs_line, <the claim inputs>) and _call_args(tbl),
-- which list the claim inputs, are generated (42_audit_gen.sql).

CREATE OR REPLACE FUNCTION j7599._finding_bits(OUT bit_no integer, OUT rule text, OUT severity text)
RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'j7599_finding_set_bits' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION j7599._finding_bits() IS
'Internal: the (rule, severity) of each bit of the set _finding_mask() returns, one row per rule and severity';

-- The tally of finding sets: how many rows, and per bit how many rows carry
-- it (rows_violated of each rule and severity), without grouping the rows by
-- their set.  Parallel workers tally their share and the leader adds them up.
CREATE OR REPLACE FUNCTION j7599._finding_tally_add(state bytea, finding_set bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'j7599_finding_tally_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION j7599._finding_tally_add(bytea, bytea) IS
'Internal: adds one row''s finding set to the state of j7599._finding_tally';
CREATE OR REPLACE FUNCTION j7599._finding_tally_combine(a bytea, b bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'j7599_finding_tally_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION j7599._finding_tally_combine(bytea, bytea) IS
'Internal: adds two states of j7599._finding_tally (parallel workers'' shares)';
CREATE OR REPLACE FUNCTION j7599._finding_tally_final(state bytea) RETURNS bigint[]
    AS 'MODULE_PATHNAME', 'j7599_finding_tally_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION j7599._finding_tally_final(bytea) IS
'Internal: the result of j7599._finding_tally: {rows, rows with bit 0, rows with bit 1, ...}';
CREATE OR REPLACE AGGREGATE j7599._finding_tally(finding_set bytea) (
    SFUNC = j7599._finding_tally_add,
    STYPE = bytea,
    COMBINEFUNC = j7599._finding_tally_combine,
    FINALFUNC = j7599._finding_tally_final,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE j7599._finding_tally(bytea) IS
'Internal: over _finding_mask() values, {rows, rows with bit 0 of _finding_bits(), rows with bit 1, ...}';
-- callers need the aggregate, not its parts (run with the rights of its owner)
REVOKE ALL ON FUNCTION j7599._finding_tally_add(bytea, bytea), j7599._finding_tally_combine(bytea, bytea),
    j7599._finding_tally_final(bytea) FROM PUBLIC;

-- jsonb of the primary key columns (alias t), or of the ctid without one.
-- A view or a foreign table has neither: its row is named by all its
-- columns (to_jsonb of the row), which finds it again whatever order the
-- rows come in.  A materialized view is named by its ctid, as a table.
-- Where rows of several tables meet, the table too: the partitions of a
-- partitioned table without a primary key (a partitioned table's primary key
-- is unique over all its partitions), and a table with plain-inheritance
-- children, which do not inherit its primary key.
CREATE OR REPLACE FUNCTION j7599._row_key(tbl regclass) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH pk AS (
        SELECT string_agg(format('%L, t.%I', a.attname, a.attname), ', ' ORDER BY k.ord) AS cols
        FROM pg_index i
        CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = tbl AND i.indisprimary
    )
    SELECT CASE WHEN c.relkind IN ('v', 'f') THEN 'to_jsonb(t)' ELSE
           'jsonb_build_object('
           || concat_ws(', ',
                        CASE WHEN (c.relkind = 'p' AND pk.cols IS NULL)
                                  OR (c.relkind <> 'p' AND EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhparent = tbl))
                             THEN '''tableoid'', t.tableoid::regclass::text' END,
                        coalesce(pk.cols, '''ctid'', t.ctid::text'))
           || ')' END
    FROM pg_class c, pk
    WHERE c.oid = tbl;
END;
COMMENT ON FUNCTION j7599._row_key(regclass) IS
'Internal: the expression giving a row''s key as jsonb: its primary key columns, else its ctid; with the table where rows of several tables meet; the whole row for a view or a foreign table';

-- The slices an audit with progress reports reads: ctid ranges of each leaf.
CREATE OR REPLACE FUNCTION j7599._audit_slices(tbl regclass, pieces integer,
                                    OUT leaf regclass, OUT first_block bigint, OUT end_block bigint, OUT share numeric)
RETURNS SETOF record
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    -- the table and every table that inherits from it (partitions, and
    -- plain-inheritance children, whose rows a scan of the parent reads too)
    WITH RECURSIVE tree(relid) AS (
        SELECT tbl::oid
        UNION
        SELECT h.inhrelid FROM pg_inherits h JOIN tree ON h.inhparent = tree.relid
    ), leaves AS (
        SELECT c.oid::regclass AS leaf,
               greatest(pg_relation_size(c.oid) / current_setting('block_size')::bigint, 1) AS blocks
        FROM pg_class c JOIN tree ON tree.relid = c.oid
        WHERE c.relkind = 'r' OR (c.relkind = 'f' AND c.oid <> tbl)
    ), total AS (SELECT sum(blocks) AS blocks FROM leaves),
    step AS (SELECT greatest(ceil(blocks::numeric / greatest(pieces, 1)), 1)::bigint AS n FROM total)
    SELECT l.leaf, s AS first_block,
           CASE WHEN s + step.n >= l.blocks THEN NULL ELSE s + step.n END AS end_block,
           least(step.n, l.blocks - s)::numeric / total.blocks AS share
    FROM leaves l, total, step, generate_series(0, l.blocks - 1, step.n) AS s
    ORDER BY l.leaf::oid, s
$$;
COMMENT ON FUNCTION j7599._audit_slices(regclass, integer) IS
'Internal: ctid block ranges over a table, its partitions and its inheritance children, for an audit that reports progress';

-- Can the audit be read in ctid slices, with progress reports?  Tables and
-- partitioned tables; not views, materialized views or foreign tables.
CREATE OR REPLACE FUNCTION j7599._audit_sliced(tbl regclass) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT c.relkind IN ('r', 'p') FROM pg_class c WHERE c.oid = tbl);
COMMENT ON FUNCTION j7599._audit_sliced(regclass) IS
'Internal: whether an audit reads the relation in ctid slices (tables and partitioned tables), which progress reports need';

-- Is progress reporting on?  (SET j7599.audit_progress = on; unset, RESET or
-- empty means off.)
CREATE OR REPLACE FUNCTION j7599._audit_progress_on() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN coalesce(nullif(btrim(current_setting('j7599.audit_progress', true)), '')::boolean, false);
COMMENT ON FUNCTION j7599._audit_progress_on() IS
'Internal: the setting j7599.audit_progress as a boolean (unset or empty: false)';

CREATE OR REPLACE FUNCTION j7599._audit_progress(tbl regclass, done numeric, nrows bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE NOTICE '%', format('j7599 audit of %s: %s%% done, %s rows checked', tbl, round(done * 100), nrows);
    PERFORM set_config('application_name',
                       format('j7599 audit %s: %s%% (%s rows)', tbl, round(done * 100), nrows), false);
END
$$;
COMMENT ON FUNCTION j7599._audit_progress(regclass, numeric, bigint) IS
'Internal: reports audit progress as a NOTICE and in application_name (visible in pg_stat_activity)';

-- " WHERE" clause of one slice of _audit_slices()
CREATE OR REPLACE FUNCTION j7599._slice_where(first_block bigint, end_block bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN format(' WHERE t.ctid >= %L::tid', format('(%s,0)', first_block))
       || CASE WHEN end_block IS NULL THEN '' ELSE format(' AND t.ctid < %L::tid', format('(%s,0)', end_block)) END;
COMMENT ON FUNCTION j7599._slice_where(bigint, bigint) IS 'Internal: the ctid range of one audit slice, as a WHERE clause';

/*
 * audit and audit_summary are STABLE: they change nothing in the database,
 * and a STABLE PL/pgSQL function runs every query with the snapshot of the
 * statement that called it.  With progress reports the table is read in
 * about ten queries; under one snapshot, a row that another session moves
 * from one slice to another meanwhile is still read once.  (Progress is
 * reported as NOTICEs and in application_name, which is restored at the
 * end; neither is a change to the database.)
 */
CREATE OR REPLACE FUNCTION j7599.audit(tbl regclass)
RETURNS TABLE(row_key jsonb, rule text, severity text, field text, message text, source text)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    args text := j7599._call_args(tbl);
    head text;
    tail text;
    s record;
    done numeric := 0;
    nrows bigint := 0;
    n bigint;
    app text := current_setting('application_name');
BEGIN
    -- every piece is quoted where it is made; nothing is re-formatted here
    head := 'SELECT ' || j7599._row_key(tbl) || ', f.rule, f.severity, f.field, f.message, f.source FROM ';
    tail := ' AS t CROSS JOIN LATERAL j7599._row_findings(' || args || ') AS f';
    -- a view, materialized view or foreign table is read in one query, without progress
    IF NOT j7599._audit_progress_on() OR NOT j7599._audit_sliced(tbl) THEN
        RETURN QUERY EXECUTE head || tbl::text || tail;
        RETURN;
    END IF;
    FOR s IN SELECT * FROM j7599._audit_slices(tbl, 10) LOOP
        RETURN QUERY EXECUTE head || 'ONLY ' || s.leaf::text || tail || j7599._slice_where(s.first_block, s.end_block);
        EXECUTE 'SELECT count(*) FROM ONLY ' || s.leaf::text || ' AS t' || j7599._slice_where(s.first_block, s.end_block)
            INTO n;
        done := done + s.share;
        nrows := nrows + n;
        PERFORM j7599._audit_progress(tbl, done, nrows);
    END LOOP;
    PERFORM set_config('application_name', app, false);
END
$$;
COMMENT ON FUNCTION j7599.audit(regclass) IS
'Every finding of every row of a registered table, view or foreign table, the row named by its primary key (or ctid; a view''s or foreign table''s by the whole row) as jsonb. Runs as the caller; takes only the lock of a SELECT; reads the table as of one snapshot';

CREATE OR REPLACE FUNCTION j7599.audit_summary(tbl regclass)
RETURNS TABLE(rule text, severity text, rows_violated bigint, rows_checked bigint, pct_violated numeric)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    head text;
    s record;
    m record;
    counts jsonb := '{}';
    total bigint := 0;
    done numeric := 0;
    app text := current_setting('application_name');
    report constant text := $q$
        SELECT b.rule, b.severity, sum(m.n)::bigint AS rows_violated, tot.total AS rows_checked,
               round(100.0 * sum(m.n) / nullif(tot.total, 0), 2) AS pct_violated
        FROM m CROSS JOIN tot JOIN j7599._finding_bits() AS b ON b.bit_no < 8 * pg_catalog.length(m.mask) AND pg_catalog.get_bit(m.mask, b.bit_no) = 1
        GROUP BY b.bit_no, b.rule, b.severity, tot.total
        ORDER BY CASE b.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, 3 DESC, 1$q$;
BEGIN
    IF NOT j7599._audit_progress_on() OR NOT j7599._audit_sliced(tbl) THEN
        -- one query, free to use parallel workers: one C call per row, and
        -- the rows tallied per bit of their finding set
        RETURN QUERY EXECUTE
            'WITH c AS (SELECT j7599._finding_tally(j7599._finding_mask(' || j7599._call_args(tbl) || ')) AS n FROM '
            || tbl::text || ' AS t) '
            || $q$SELECT b.rule, b.severity, c.n[b.bit_no + 2] AS rows_violated, c.n[1] AS rows_checked,
                         round(100.0 * c.n[b.bit_no + 2] / nullif(c.n[1], 0), 2) AS pct_violated
                  FROM c CROSS JOIN j7599._finding_bits() AS b
                  WHERE c.n[b.bit_no + 2] > 0
                  ORDER BY CASE b.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, 3 DESC, 1$q$;
        RETURN;
    END IF;
    -- with progress: rows are grouped by the set of findings they carry
    head := 'SELECT j7599._finding_mask(' || j7599._call_args(tbl) || ') AS mask, count(*) AS n FROM ';
    -- with progress: about ten slices by ctid range, a report after each
    FOR s IN SELECT * FROM j7599._audit_slices(tbl, 10) LOOP
        FOR m IN EXECUTE head || 'ONLY ' || s.leaf::text || ' AS t'
                         || j7599._slice_where(s.first_block, s.end_block) || ' GROUP BY 1' LOOP
            counts := jsonb_set(counts, ARRAY[m.mask::text],
                                to_jsonb(coalesce((counts ->> m.mask::text)::bigint, 0) + m.n));
            total := total + m.n;
        END LOOP;
        done := done + s.share;
        PERFORM j7599._audit_progress(tbl, done, total);
    END LOOP;
    PERFORM set_config('application_name', app, false);
    RETURN QUERY EXECUTE
        'WITH m AS (SELECT key::bytea AS mask, value::bigint AS n FROM jsonb_each_text($1)), '
        || 'tot AS (SELECT $2::bigint AS total) ' || report
        USING counts, total;
END
$$;
COMMENT ON FUNCTION j7599.audit_summary(regclass) IS
'For a registered table: per rule and severity, how many rows break it, of how many checked. Runs as the caller; takes only the lock of a SELECT; reads the table as of one snapshot';
