/*
 * Enforcement: a C row trigger, AFTER INSERT OR UPDATE, that validates the
 * registered columns of each row and refuses a row with a finding at or above
 * a severity (SQLSTATE 23514); in quarantine mode (92_quarantine.sql) it
 * fires BEFORE and sets a refused inserted row aside instead.  AFTER row triggers run after every BEFORE
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
'Row trigger installed by j7599.enforce: args are the minimum severity, then field=column pairs, and on_refusal=quarantine in quarantine mode (or the single arg unrouted on the unrouted DEFAULT partition)';

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
-- A partitioned table's partitions get PostgreSQL's clones instead.  The
-- trigger fires AFTER, or BEFORE with 'on_refusal=quarantine' among the
-- arguments (92_quarantine.sql), which also brings the statement trigger
-- that reports quarantined rows.  Arguments without on_refusal (register()
-- rewriting the mapping) keep the table's current one.
CREATE OR REPLACE FUNCTION j7599._place_trigger(tbl regclass, args text[]) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel regclass;
    quoted text;
    quarantine boolean;
    generated name;
BEGIN
    IF NOT EXISTS (SELECT FROM unnest(args) AS x(a) WHERE a LIKE 'on\_refusal=%') THEN
        args := args || ARRAY(SELECT a FROM unnest(j7599._enforce_trigger_args(tbl)) AS x(a)
                              WHERE a LIKE 'on\_refusal=%');
    END IF;
    quarantine := 'on_refusal=quarantine' = ANY (args);
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
        IF quarantine THEN
            -- a BEFORE row trigger would read a stored generated column as NULL
            SELECT a.attname INTO generated
            FROM pg_attribute a
            WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated <> ''
              AND a.attname IN (SELECT substr(x, position('=' IN x) + 1) FROM unnest(args[2:]) AS u(x)
                                WHERE x NOT LIKE 'on\_refusal=%')
            ORDER BY a.attnum LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION 'table % cannot be enforced in quarantine mode: registered column "%" is generated', rel, generated
                    USING ERRCODE = 'feature_not_supported',
                          DETAIL = 'In quarantine mode rows are checked before they are stored, when generated columns are not computed yet.',
                          HINT = 'Enforce the table with on_refusal => ''raise'', or register the columns the generated column is computed from.';
            END IF;
        END IF;
        IF EXISTS (SELECT FROM pg_trigger WHERE tgrelid = rel AND tgname = 'j7599_enforce' AND tgparentid = 0) THEN
            EXECUTE format('DROP TRIGGER j7599_enforce ON %s', rel);
        END IF;
        EXECUTE format('CREATE TRIGGER j7599_enforce %s INSERT OR UPDATE ON %s '
                       'FOR EACH ROW EXECUTE FUNCTION j7599.enforce_trigger(%s)',
                       CASE WHEN quarantine THEN 'BEFORE' ELSE 'AFTER' END, rel, quoted);
        PERFORM j7599._place_quarantine_notice(rel, quarantine);
    END LOOP;
    IF quarantine AND EXISTS (SELECT FROM pg_class WHERE oid = tbl AND relkind = 'p') THEN
        PERFORM j7599._quarantine_partitions(tbl, true);
    END IF;
END
$$;
COMMENT ON FUNCTION j7599._place_trigger(regclass, text[]) IS
'Internal: (re)creates the enforcing trigger (AFTER INSERT OR UPDATE; BEFORE in quarantine mode) on a table and its inheritance descendants';

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

CREATE OR REPLACE FUNCTION j7599.enforce(tbl regclass, min_severity text DEFAULT 'error', on_refusal text DEFAULT 'raise') RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    kind text;
    quarantined boolean;
BEGIN
    PERFORM j7599._check_severity(min_severity);
    IF on_refusal IS NULL OR on_refusal NOT IN ('raise', 'quarantine') THEN
        RAISE EXCEPTION 'unknown on_refusal "%"', on_refusal
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use ''raise'' (a refused row aborts the statement) or ''quarantine'' (it is set aside in j7599.quarantine).';
    END IF;
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
    -- another on_refusal: start from an unenforced table
    quarantined := 'on_refusal=quarantine' = ANY (j7599._enforce_trigger_args(tbl));
    IF quarantined IS DISTINCT FROM (on_refusal = 'quarantine') AND quarantined IS NOT NULL THEN
        PERFORM j7599._drop_enforcement(tbl);
    END IF;
    -- the mapping and the severity (a table in quarantine mode stays so)
    PERFORM j7599._install_trigger(tbl, min_severity);
    IF on_refusal = 'quarantine' AND NOT 'on_refusal=quarantine' = ANY (j7599._enforce_trigger_args(tbl)) THEN
        PERFORM j7599._place_trigger(tbl, j7599._enforce_trigger_args(tbl) || 'on_refusal=quarantine'::text);
    END IF;
END
$$;
COMMENT ON FUNCTION j7599.enforce(regclass, text, text) IS
'Refuses rows of a registered table that have a finding at or above min_severity: on_refusal ''raise'' by an AFTER INSERT OR UPDATE row trigger that sees the row as stored (23514), ''quarantine'' by a BEFORE row trigger that sets a refused inserted row aside in j7599.quarantine and lets the statement go on; covers every partition and inheritance child, present and future. Owner only (42501); a view, materialized view or foreign table gives 42809';

-- Drops the enforcing triggers of a table and its inheritance descendants,
-- and what quarantine mode added: the statement triggers, and the unrouted
-- DEFAULT partition when it is empty.
CREATE OR REPLACE FUNCTION j7599._drop_enforcement(tbl regclass) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel regclass;
    unrouted regclass := j7599._unrouted_partition(tbl);
    kept boolean;
BEGIN
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
        PERFORM j7599._place_quarantine_notice(rel, false);
    END LOOP;
    FOR rel IN SELECT t.relid FROM pg_partition_tree(tbl) t WHERE t.relid <> tbl ORDER BY t.level, t.relid LOOP
        PERFORM j7599._place_quarantine_notice(rel, false);
    END LOOP;
    IF unrouted IS NOT NULL THEN
        EXECUTE format('DROP TRIGGER j7599_unrouted ON %s', unrouted);
        EXECUTE format('SELECT EXISTS (SELECT FROM ONLY %s)', unrouted) INTO kept;
        IF kept THEN
            RAISE NOTICE 'partition % is kept: it holds rows', unrouted
                USING DETAIL = format('Quarantine mode created it as the DEFAULT partition of %s for rows that fit no other partition.', tbl),
                      HINT = 'Move its rows to partitions that take them, then drop it.';
        ELSE
            EXECUTE format('DROP TABLE %s', unrouted);
        END IF;
    END IF;
END
$$;
COMMENT ON FUNCTION j7599._drop_enforcement(regclass) IS
'Internal: drops the enforcing triggers of a table and its inheritance descendants, the statement triggers of quarantine mode, and its unrouted DEFAULT partition when empty';

CREATE OR REPLACE FUNCTION j7599.unenforce(tbl regclass) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM j7599._require_owner(tbl, 'unenforce it');
    PERFORM j7599._refuse_if_enforced_by_parent(tbl);
    IF j7599._enforced_severity(tbl) IS NULL THEN
        RAISE NOTICE 'table % is not enforced, skipping', tbl;
        RETURN;
    END IF;
    PERFORM j7599._drop_enforcement(tbl);
END
$$;
COMMENT ON FUNCTION j7599.unenforce(regclass) IS
'Removes the trigger that j7599.enforce installed, from the table and its inheritance descendants, and in quarantine mode the statement triggers and the unrouted DEFAULT partition if it is empty. Owner only (42501)';

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
    -- a new or attached partition of a table enforced in quarantine mode
    -- gets the statement trigger that reports quarantined rows
    FOR root IN
        SELECT DISTINCT a.relid::regclass
        FROM pg_event_trigger_ddl_commands() AS cmd JOIN pg_class c ON c.oid = cmd.objid
        CROSS JOIN LATERAL pg_partition_ancestors(c.oid) AS a
        WHERE cmd.classid = 'pg_class'::regclass AND cmd.objsubid = 0
          AND (c.relkind = 'p' OR c.relispartition)
          AND 'on_refusal=quarantine' = ANY (j7599._enforce_trigger_args(a.relid))
    LOOP
        PERFORM j7599._quarantine_partitions(root, false);
    END LOOP;
END
$$;
COMMENT ON FUNCTION j7599._enforce_inheriting_tables() IS
'Internal: event trigger function; gives a table that now inherits from an enforced table its ancestor''s enforcing trigger, and a partition of a table enforced in quarantine mode the statement trigger';
