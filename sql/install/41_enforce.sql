/*
 * Enforcement: a C row trigger, AFTER INSERT OR UPDATE, that validates the
 * registered columns of each row and refuses a row with a finding at or above
 * a severity (SQLSTATE 23514).  AFTER row triggers run after every BEFORE
 * trigger and see generated columns as stored, so the check reads the row as
 * it is stored; the error still undoes the statement.  The trigger's
 * arguments carry the severity and the column mapping, so a dump restores the
 * trigger as it was, after the data.  Partitions (existing and future)
 * inherit it from a partitioned table; inheritance children get a copy from
 * j7599.enforce and, when they inherit later, from an event trigger.
 */

CREATE OR REPLACE FUNCTION j7599.enforce_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'j7599_enforce_trigger' LANGUAGE C;
COMMENT ON FUNCTION j7599.enforce_trigger() IS
'Row trigger installed by j7599.enforce: args are the minimum severity, then field=column pairs';

CREATE OR REPLACE FUNCTION j7599._check_severity(severity text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF severity IS NULL OR severity NOT IN ('error', 'warning', 'info') THEN
        RAISE EXCEPTION 'unknown severity "%"', severity
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use ''error'', ''warning'' or ''info''.';
    END IF;
    RETURN severity;
END
$$;
COMMENT ON FUNCTION j7599._check_severity(text) IS 'Internal: the severity, or 22023 when it is not error, warning or info';

-- The topmost plain-inheritance ancestor of a table that has an enforcing
-- trigger of its own, NULL when there is none.  Every inheritance descendant
-- of an enforced table carries a copy of its trigger (tgparentid = 0, unlike
-- the clones of partitions): such a table is enforced through that ancestor.
CREATE OR REPLACE FUNCTION j7599._enforcing_ancestor(tbl regclass) RETURNS regclass
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (WITH RECURSIVE up(relid, depth) AS (
            SELECT i.inhparent, 1 FROM pg_inherits i WHERE i.inhrelid = tbl
            UNION ALL
            SELECT i.inhparent, up.depth + 1 FROM up JOIN pg_inherits i ON i.inhrelid = up.relid)
        SELECT up.relid::regclass
        FROM up JOIN pg_class c ON c.oid = up.relid
        WHERE c.relkind <> 'p'
          AND EXISTS (SELECT FROM pg_trigger t
                      WHERE t.tgrelid = up.relid AND t.tgname = 'j7599_enforce' AND t.tgparentid = 0)
        ORDER BY up.depth DESC, up.relid
        LIMIT 1);
COMMENT ON FUNCTION j7599._enforcing_ancestor(regclass) IS
'Internal: the topmost inheritance ancestor whose own enforcing trigger covers the table, NULL when none does';

-- the minimum severity of the table's enforcing trigger, NULL when not enforced
CREATE OR REPLACE FUNCTION j7599._enforced_severity(tbl regclass) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT convert_from(substring(tgargs FROM 1 FOR position('\x00'::bytea IN tgargs) - 1), 'SQL_ASCII')
        FROM pg_trigger
        WHERE tgrelid = tbl AND tgname = 'j7599_enforce' AND tgnargs > 0 AND tgparentid = 0
          AND j7599._enforcing_ancestor(tbl) IS NULL);
COMMENT ON FUNCTION j7599._enforced_severity(regclass) IS
'Internal: the minimum severity a table is enforced at by a trigger of its own, NULL when it is not (or only through an ancestor)';

-- the arguments of the table's own enforcing trigger, NULL when it has none
CREATE OR REPLACE FUNCTION j7599._enforce_trigger_args(tbl regclass) RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    raw bytea;
    n int;
    args text[] := '{}';
    nul int;
BEGIN
    SELECT tgargs, tgnargs INTO raw, n
    FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'j7599_enforce' AND tgparentid = 0;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    FOR i IN 1 .. n LOOP
        nul := position('\x00'::bytea IN raw);
        args := args || convert_from(substring(raw FROM 1 FOR nul - 1), current_setting('server_encoding'));
        raw := substring(raw FROM nul + 1);
    END LOOP;
    RETURN args;
END
$$;
COMMENT ON FUNCTION j7599._enforce_trigger_args(regclass) IS
'Internal: the arguments of the table''s own enforcing trigger, NULL when it has none';

-- (Re)creates the enforcing trigger with these arguments on a table and on
-- every plain-inheritance descendant (columns are found by name in each).
-- A partitioned table's partitions get PostgreSQL's clones instead.
CREATE OR REPLACE FUNCTION j7599._place_trigger(tbl regclass, args text[]) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel regclass;
    quoted text;
BEGIN
    SELECT string_agg(quote_literal(a), ', ' ORDER BY o) INTO quoted FROM unnest(args) WITH ORDINALITY AS x(a, o);
    FOR rel IN
        WITH RECURSIVE down(relid) AS (
            SELECT tbl::oid
            UNION
            SELECT i.inhrelid FROM down JOIN pg_inherits i ON i.inhparent = down.relid
            JOIN pg_class c ON c.oid = i.inhparent
            WHERE c.relkind <> 'p')
        SELECT relid::regclass FROM down ORDER BY relid = tbl DESC, relid
    LOOP
        IF EXISTS (SELECT FROM pg_trigger WHERE tgrelid = rel AND tgname = 'j7599_enforce' AND tgparentid = 0) THEN
            EXECUTE format('DROP TRIGGER j7599_enforce ON %s', rel);
        END IF;
        EXECUTE format('CREATE TRIGGER j7599_enforce AFTER INSERT OR UPDATE ON %s '
                       'FOR EACH ROW EXECUTE FUNCTION j7599.enforce_trigger(%s)', rel, quoted);
    END LOOP;
END
$$;
COMMENT ON FUNCTION j7599._place_trigger(regclass, text[]) IS
'Internal: (re)creates the AFTER INSERT OR UPDATE enforcing trigger on a table and its inheritance descendants';

-- A partition of an enforced partitioned table carries a clone of the
-- parent's trigger, an inheritance child a copy of its ancestor's: it is
-- enforced (and unenforced) through that table.
CREATE OR REPLACE FUNCTION j7599._refuse_if_enforced_by_parent(tbl regclass) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parent regclass;
BEGIN
    SELECT p.tgrelid::regclass INTO parent
    FROM pg_trigger c JOIN pg_trigger p ON p.oid = c.tgparentid
    WHERE c.tgrelid = tbl AND c.tgname = 'j7599_enforce' AND c.tgparentid <> 0;
    IF FOUND THEN
        RAISE EXCEPTION 'partition % is enforced through %', tbl, parent
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Enforce or unenforce %s, which covers all its partitions.', parent);
    END IF;
    parent := j7599._enforcing_ancestor(tbl);
    IF parent IS NOT NULL THEN
        RAISE EXCEPTION 'table % is enforced through %', tbl, parent
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Enforce or unenforce %s, which covers all the tables that inherit from it.', parent);
    END IF;
END
$$;
COMMENT ON FUNCTION j7599._refuse_if_enforced_by_parent(regclass) IS
'Internal: raises 55000 for a partition or inheritance child whose enforcing trigger comes from an enforced ancestor';

-- the registration of a table, or 55000 when it has none
CREATE OR REPLACE FUNCTION j7599._registration(tbl regclass) RETURNS j7599.registration
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r j7599.registration;
BEGIN
    SELECT * INTO r FROM j7599.registration WHERE registration.tbl = _registration.tbl;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % is not registered', tbl
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Call j7599.register(tbl, line => ..., ...) first to say which column holds what.';
    END IF;
    RETURN r;
END
$$;
COMMENT ON FUNCTION j7599._registration(regclass) IS
'Internal: the registration row of a table; 55000 when the table is not registered';

-- _install_trigger(tbl, min_severity), which writes one "input=column"
-- argument per registered claim input, is generated (41_enforce_gen.sql).

CREATE OR REPLACE FUNCTION j7599.enforce(tbl regclass, min_severity text DEFAULT 'error') RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    kind text;
BEGIN
    PERFORM j7599._check_severity(min_severity);
    PERFORM j7599._require_owner(tbl, 'enforce it');
    -- rows are refused as they are written: views and foreign tables are audited only
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' END
    INTO kind FROM pg_class c WHERE c.oid = tbl;
    IF kind IS NOT NULL THEN
        RAISE EXCEPTION 'cannot enforce % because it is a %', tbl, kind
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = 'Only a table or a partitioned table can refuse rows as they are written.',
                  HINT = format('Enforce the table the rows are written to; check the %s with j7599.audit() or j7599.audit_summary().', kind);
    END IF;
    PERFORM j7599._refuse_if_enforced_by_parent(tbl);
    PERFORM j7599._install_trigger(tbl, min_severity);
END
$$;
COMMENT ON FUNCTION j7599.enforce(regclass, text) IS
'Refuses rows of a registered table that have a finding at or above min_severity (23514), by an AFTER INSERT OR UPDATE row trigger that sees the row as stored; covers every partition and inheritance child, present and future. Owner only (42501); a view, materialized view or foreign table gives 42809';

CREATE OR REPLACE FUNCTION j7599.unenforce(tbl regclass) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel regclass;
BEGIN
    PERFORM j7599._require_owner(tbl, 'unenforce it');
    PERFORM j7599._refuse_if_enforced_by_parent(tbl);
    IF j7599._enforced_severity(tbl) IS NULL THEN
        RAISE NOTICE 'table % is not enforced, skipping', tbl;
        RETURN;
    END IF;
    FOR rel IN
        WITH RECURSIVE down(relid) AS (
            SELECT tbl::oid
            UNION
            SELECT i.inhrelid FROM down JOIN pg_inherits i ON i.inhparent = down.relid
            JOIN pg_class c ON c.oid = i.inhparent
            WHERE c.relkind <> 'p')
        SELECT relid::regclass FROM down
        WHERE EXISTS (SELECT FROM pg_trigger t
                      WHERE t.tgrelid = down.relid AND t.tgname = 'j7599_enforce' AND t.tgparentid = 0)
        ORDER BY relid = tbl DESC, relid
    LOOP
        EXECUTE format('DROP TRIGGER j7599_enforce ON %s', rel);
    END LOOP;
END
$$;
COMMENT ON FUNCTION j7599.unenforce(regclass) IS
'Removes the trigger that j7599.enforce installed, from the table and its inheritance descendants. Owner only (42501)';

-- A table that comes to inherit from an enforced table (CREATE TABLE ...
-- INHERITS, ALTER TABLE ... INHERIT) gets its ancestor's trigger.  Runs as
-- the role that ran the command: PostgreSQL requires it to own both the
-- child and the parent, so it may create the trigger.
CREATE OR REPLACE FUNCTION j7599._enforce_inheriting_tables() RETURNS event_trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel regclass;
    root regclass;
    args text[];
BEGIN
    FOR rel IN
        SELECT DISTINCT c.oid::regclass
        FROM pg_event_trigger_ddl_commands() AS cmd JOIN pg_class c ON c.oid = cmd.objid
        WHERE cmd.classid = 'pg_class'::regclass AND cmd.objsubid = 0 AND c.relkind IN ('r', 'f')
          AND NOT c.relispartition
          AND EXISTS (SELECT FROM pg_inherits i WHERE i.inhrelid = c.oid)
    LOOP
        root := j7599._enforcing_ancestor(rel);
        CONTINUE WHEN root IS NULL;
        args := j7599._enforce_trigger_args(root);
        CONTINUE WHEN args IS NOT DISTINCT FROM j7599._enforce_trigger_args(rel);
        PERFORM j7599._place_trigger(rel, args);
    END LOOP;
END
$$;
COMMENT ON FUNCTION j7599._enforce_inheriting_tables() IS
'Internal: event trigger function; gives a table that now inherits from an enforced table its ancestor''s enforcing trigger';
