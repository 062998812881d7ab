/*
 * Registrations (sql/install/40_register.sql) and audits
 * (sql/install/42_audit.sql).
 *
 * Only the owner of a table writes its registration: a trigger instead of
 * the row-level security of 1.0, which let any role that could read a table
 * change its mapping and kept a non-superuser from dumping the database.
 * register() needs ownership, unregister() is new, and a registration goes
 * with its table (an event trigger on sql_drop).  Registrations left behind
 * by tables dropped under 1.0 name no table any more: they are deleted here.
 */
DROP POLICY registration_read ON j7599.registration;
DROP POLICY registration_insert ON j7599.registration;
DROP POLICY registration_update ON j7599.registration;
DROP POLICY registration_delete ON j7599.registration;
ALTER TABLE j7599.registration DISABLE ROW LEVEL SECURITY;
DELETE FROM j7599.registration r WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = r.tbl);

CREATE FUNCTION j7599._registration_guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    superuser boolean := coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user), false);
BEGIN
    IF superuser THEN
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM j7599._require_owner(OLD.tbl, 'change its registration');
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    PERFORM j7599._require_owner(NEW.tbl, 'register it');
    NEW.registered_by := current_user;
    NEW.registered_at := now();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION j7599._registration_guard() IS
'Internal: trigger on j7599.registration; only the owner of a table writes its registration (42501), stamped with who and when';
CREATE TRIGGER registration_guard BEFORE INSERT OR UPDATE OR DELETE ON j7599.registration
    FOR EACH ROW EXECUTE FUNCTION j7599._registration_guard();

/*
 * A registration goes with its table: DROP TABLE, DROP SCHEMA ... CASCADE,
 * DROP OWNED.  The dropping role need not own the table (a schema's owner
 * may drop the tables of others in it), so the deletion runs as the
 * extension's owner; it deletes only rows naming a relation just dropped.
 */
CREATE FUNCTION j7599._drop_registrations() RETURNS event_trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM j7599.registration
    WHERE tbl IN (SELECT d.objid::regclass FROM pg_event_trigger_dropped_objects() d
                  WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0);
END
$$;
COMMENT ON FUNCTION j7599._drop_registrations() IS
'Internal: event trigger on sql_drop; deletes the registrations of the tables just dropped';
REVOKE ALL ON FUNCTION j7599._drop_registrations() FROM PUBLIC;
CREATE EVENT TRIGGER j7599_drop_registrations ON sql_drop EXECUTE FUNCTION j7599._drop_registrations();
COMMENT ON EVENT TRIGGER j7599_drop_registrations IS 'Deletes the registrations of dropped tables (j7599)';


CREATE FUNCTION j7599.unregister(tbl regclass) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF tbl IS NULL THEN
        RAISE EXCEPTION 'unregister needs a table'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM j7599._require_owner(tbl, 'unregister it');
    -- the enforcing trigger was made from the registration, and enforce()
    -- and audits read it: an enforced table keeps it
    IF j7599._enforced_severity(tbl) IS NOT NULL THEN
        RAISE EXCEPTION 'table % is enforced', tbl
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its enforcing trigger was installed from the registration.',
                  HINT = format('Call j7599.unenforce(%L) first.', tbl::text);
    END IF;
    DELETE FROM j7599.registration r WHERE r.tbl = unregister.tbl;
    IF NOT FOUND THEN
        RAISE NOTICE 'table % is not registered, skipping', tbl;
    END IF;
END
$$;
COMMENT ON FUNCTION j7599.unregister(regclass) IS
'Removes the registration of a table. Owner only (42501); an enforced table must be unenforced first (55000)';
REVOKE ALL ON FUNCTION j7599.unregister(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION j7599.unregister(regclass) TO PUBLIC;

/*
 * Audits: one snapshot for a whole audit with progress (STABLE), keys that
 * tell the rows of plain-inheritance children from their parent's, the
 * children read with progress too, and every registered column's type
 * checked as the enforcing trigger checks it.
 */

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
    SELECT 'jsonb_build_object('
           || concat_ws(', ',
                        CASE WHEN (c.relkind = 'p' AND pk.cols IS NULL)
                                  OR (c.relkind <> 'p' AND EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhparent = tbl))
                             THEN '''tableoid'', t.tableoid::regclass::text' END,
                        coalesce(pk.cols, '''ctid'', t.ctid::text'))
           || ')'
    FROM pg_class c, pk
    WHERE c.oid = tbl;
END;
COMMENT ON FUNCTION j7599._row_key(regclass) IS
'Internal: the expression giving a row''s key as jsonb: its primary key columns, else its ctid; with the table where rows of several tables meet';

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
    tail := ' AS t CROSS JOIN LATERAL j7599.validate(' || args || ') AS f';
    IF NOT j7599._audit_progress_on() THEN
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
'Every finding of every row of a registered table, the row named by its primary key (or ctid) as jsonb. Runs as the caller; takes only the lock of a SELECT; reads the table as of one snapshot';

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
    -- one C call per row; rows are grouped by the set of findings they carry
    head := 'SELECT j7599._finding_mask(' || j7599._call_args(tbl) || ') AS mask, count(*) AS n FROM ';
    IF NOT j7599._audit_progress_on() THEN
        -- one query, free to use parallel workers
        RETURN QUERY EXECUTE
            'WITH m AS MATERIALIZED (' || head || tbl::text || ' AS t GROUP BY 1), '
            || 'tot AS (SELECT coalesce(sum(n), 0)::bigint AS total FROM m) ' || report;
        RETURN;
    END IF;
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
