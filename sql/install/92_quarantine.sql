/*
 * Quarantine instead of abort: j7599.enforce(tbl, min_severity, on_refusal =>
 * 'quarantine') sets a refused row aside in j7599.quarantine instead of
 * refusing the statement, which goes on (COPY included).  The trigger
 * functions are in C (src/quarantine.c, src/enforce.c); where the triggers go
 * is decided in 41_enforce.sql (_place_trigger).
 *
 * Decisions:
 *   - Only a BEFORE row trigger can skip a row, so in quarantine mode the
 *     enforcing trigger fires BEFORE INSERT OR UPDATE.  Stored generated
 *     columns are not computed yet then: a table whose registered column is
 *     generated cannot be enforced in quarantine mode (0A000).  COPY inserts
 *     row by row under a BEFORE row trigger.  An UPDATE that would make a row
 *     refused still raises 23514: the old version of the row stays in the
 *     table, and setting the new one aside would split the row in two.
 *   - Who may see a quarantined row: the owner of its table (members of the
 *     owning role) and superusers, by row-level security, forced.  The
 *     inserting role may not own the table, so the trigger writes the row
 *     with the rights of the extension's owner (it switches the user id for
 *     one prepared INSERT, src/quarantine.c).  Owners may read, correct
 *     (row_data, findings), delete and insert rows of their own tables (so
 *     that they can restore them); nobody else.
 *   - pg_dump turns row-level security off and stops at a table where it
 *     would hide rows: a role that is not a superuser (a database owner)
 *     dumps with --enable-row-security, and its dump then holds the
 *     quarantined rows of its own tables.  SELECT on the id sequence lets it
 *     save the sequence's value.
 *   - A row of a partition is recorded under the enforced partitioned table,
 *     so that release() routes it again.  A row that fits no partition
 *     raises 23514 before any row trigger: quarantine mode gives a
 *     partitioned table without a DEFAULT partition one,
 *     <table>_j7599_unrouted, owned by the table's owner, whose every row is
 *     set aside with the finding PARTITION_NOT_FOUND (field 'row', source
 *     'PostgreSQL partition bounds'); unenforce drops it when it is empty.
 *     A hash-partitioned table cannot have one; a sub-partitioned partition
 *     without a default still refuses its unroutable rows with an error.
 *   - The NOTICE comes from a statement trigger, j7599_quarantine_notice, on
 *     the table, its inheritance children and every partition (a statement
 *     names one of them).
 *   - The quarantine is user data: pg_extension_config_dump(), so that
 *     pg_dump keeps it.  (This part comes after every other part that
 *     registers a configuration table, so that the upgrade, which creates it
 *     last, registers them in the same order as a fresh install.)  Rows of a dropped table go with it (an event
 *     trigger), so that a later table with the same OID does not show them to
 *     its owner.
 */

CREATE SEQUENCE j7599.quarantine_id_seq;
COMMENT ON SEQUENCE j7599.quarantine_id_seq IS 'Ids of j7599.quarantine';

CREATE TABLE j7599.quarantine (
    id          bigint NOT NULL DEFAULT nextval('j7599.quarantine_id_seq') PRIMARY KEY,
    tbl         regclass NOT NULL,
    refused_at  timestamptz NOT NULL DEFAULT now(),
    refused_by  name NOT NULL DEFAULT current_user,
    row_data    jsonb NOT NULL,
    findings    j7599.finding[] NOT NULL
);
CREATE INDEX quarantine_tbl ON j7599.quarantine (tbl, id);
COMMENT ON TABLE j7599.quarantine IS
'Rows refused by a table enforced with on_refusal => ''quarantine'', set aside instead of stored; only the table''s owner (and superusers) see them. j7599.release() offers them to the table again';
COMMENT ON COLUMN j7599.quarantine.id IS 'the quarantined row';
COMMENT ON COLUMN j7599.quarantine.tbl IS 'the table it was offered to (for a partition, the enforced partitioned table)';
COMMENT ON COLUMN j7599.quarantine.refused_at IS 'when it was refused (the start of the transaction)';
COMMENT ON COLUMN j7599.quarantine.refused_by IS 'the role that offered it';
COMMENT ON COLUMN j7599.quarantine.row_data IS 'the row as it was offered, one key per column; may be corrected before j7599.release()';
COMMENT ON COLUMN j7599.quarantine.findings IS 'every finding of the row when it was (last) refused';
SELECT pg_catalog.pg_extension_config_dump('j7599.quarantine', '');
SELECT pg_catalog.pg_extension_config_dump('j7599.quarantine_id_seq', '');
ALTER TABLE j7599.quarantine ENABLE ROW LEVEL SECURITY;
ALTER TABLE j7599.quarantine FORCE ROW LEVEL SECURITY;
CREATE POLICY quarantine_owner ON j7599.quarantine
    USING (EXISTS (SELECT FROM pg_catalog.pg_class c
                   WHERE c.oid = tbl AND pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE')));
COMMENT ON POLICY quarantine_owner ON j7599.quarantine IS
'A quarantined row is visible to, and may be written by, the owner of its table (a member of the owning role) only';
REVOKE ALL ON TABLE j7599.quarantine FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON TABLE j7599.quarantine TO PUBLIC;
GRANT UPDATE (row_data, findings) ON TABLE j7599.quarantine TO PUBLIC;
REVOKE ALL ON SEQUENCE j7599.quarantine_id_seq FROM PUBLIC;
GRANT SELECT ON SEQUENCE j7599.quarantine_id_seq TO PUBLIC;

CREATE FUNCTION j7599._quarantine_notice() RETURNS trigger
    AS 'MODULE_PATHNAME', 'j7599_quarantine_notice' LANGUAGE C;
COMMENT ON FUNCTION j7599._quarantine_notice() IS
'Internal: statement trigger installed with a quarantine-mode j7599_enforce trigger; says how many rows of which table went to j7599.quarantine';

CREATE FUNCTION j7599._quarantine_last_id() RETURNS bigint
    AS 'MODULE_PATHNAME', 'j7599_quarantine_last_id'
    LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION j7599._quarantine_last_id() IS
'Internal: the id of the last row this session set aside in j7599.quarantine in this transaction, NULL when none';

CREATE FUNCTION j7599._quarantine_quiet(quiet boolean) RETURNS void
    AS 'MODULE_PATHNAME', 'j7599_quarantine_quiet'
    LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION j7599._quarantine_quiet(boolean) IS
'Internal: while true (until false, or the end of the (sub)transaction that set it), statements that quarantine rows give no NOTICE';

-- Gives a table's trigger of this name (the statement trigger) or takes it away
CREATE FUNCTION j7599._place_quarantine_notice(rel regclass, wanted boolean) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    present boolean := EXISTS (SELECT FROM pg_trigger WHERE tgrelid = rel AND tgname = 'j7599_quarantine_notice');
BEGIN
    IF wanted AND NOT present THEN
        EXECUTE format('CREATE TRIGGER j7599_quarantine_notice AFTER INSERT OR UPDATE ON %s '
                       'FOR EACH STATEMENT EXECUTE FUNCTION j7599._quarantine_notice()', rel);
    ELSIF present AND NOT wanted THEN
        EXECUTE format('DROP TRIGGER j7599_quarantine_notice ON %s', rel);
    END IF;
END
$$;
COMMENT ON FUNCTION j7599._place_quarantine_notice(regclass, boolean) IS
'Internal: creates (wanted) or drops the statement trigger that reports quarantined rows, on one table';

-- the unrouted default partition that quarantine mode made for a partitioned table, NULL when none
CREATE FUNCTION j7599._unrouted_partition(tbl regclass) RETURNS regclass
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT p.partdefid::regclass FROM pg_partitioned_table p
        WHERE p.partrelid = tbl AND p.partdefid <> 0
          AND EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = p.partdefid AND t.tgname = 'j7599_unrouted'));
COMMENT ON FUNCTION j7599._unrouted_partition(regclass) IS
'Internal: the DEFAULT partition that quarantine mode created for a partitioned table (it carries the trigger j7599_unrouted), NULL when none';

-- Quarantine mode on a partitioned table: the statement trigger on every
-- partition, and (with_default) a DEFAULT partition for rows that fit no other.
CREATE FUNCTION j7599._quarantine_partitions(tbl regclass, with_default boolean) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel regclass;
    pt pg_partitioned_table;
    nsp name;
    relname name;
    owner name;
    unrouted text;
BEGIN
    SELECT * INTO pt FROM pg_partitioned_table WHERE partrelid = tbl;
    IF with_default AND pt.partdefid = 0 THEN
        IF pt.partstrat = 'h' THEN
            RAISE NOTICE 'table % is partitioned by hash: a row that fits no partition is still refused with an error', tbl
                USING HINT = 'Create a partition for every remainder of the modulus.';
        ELSE
            SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner) INTO nsp, relname, owner
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl;
            unrouted := format('%I.%I', nsp, left(relname, 48) || '_j7599_unrouted');
            EXECUTE format('CREATE TABLE %s PARTITION OF %s DEFAULT', unrouted, tbl);
            EXECUTE format('ALTER TABLE %s OWNER TO %I', unrouted, owner);
            EXECUTE format('CREATE TRIGGER j7599_unrouted BEFORE INSERT ON %s '
                           'FOR EACH ROW EXECUTE FUNCTION j7599.enforce_trigger(''unrouted'')', unrouted);
            EXECUTE format('COMMENT ON TABLE %s IS %L', unrouted,
                           format('Rows of %s that fit no other partition: j7599.enforce(on_refusal => ''quarantine'') '
                                  'created this partition, and sets every row that reaches it aside in j7599.quarantine '
                                  '(finding PARTITION_NOT_FOUND). j7599.unenforce drops it when it is empty', tbl));
        END IF;
    END IF;
    FOR rel IN SELECT t.relid FROM pg_partition_tree(tbl) t WHERE t.relid <> tbl ORDER BY t.level, t.relid LOOP
        PERFORM j7599._place_quarantine_notice(rel, true);
    END LOOP;
END
$$;
COMMENT ON FUNCTION j7599._quarantine_partitions(regclass, boolean) IS
'Internal: gives every partition of a table enforced in quarantine mode the statement trigger, and (with_default) creates the DEFAULT partition <table>_j7599_unrouted';

CREATE FUNCTION j7599.release(tbl regclass) RETURNS TABLE(released bigint, still_refused bigint)
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q record;
    cols text;
    ins text;
    n bigint;
    before_id bigint;
    fresh_id bigint;
    failed bigint := 0;
    first_error text;
BEGIN
    PERFORM j7599._require_owner(tbl, 'release its quarantined rows');
    IF NOT coalesce('on_refusal=quarantine' = ANY (j7599._enforce_trigger_args(tbl)), false) THEN
        RAISE EXCEPTION 'table % is not enforced in quarantine mode', tbl
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Released rows are offered to the table again, and only quarantine mode sets aside those still refused.',
                  HINT = format('Call j7599.enforce(%L, on_refusal => ''quarantine'') first, or read the rows from j7599.quarantine.', tbl::text);
    END IF;
    released := 0;
    still_refused := 0;
    -- every column that takes a value (not the generated ones); identity
    -- columns keep the value the row was offered with
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
    FROM pg_attribute a
    WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';
    ins := format('INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM pg_catalog.jsonb_populate_record(NULL::%s, $1)',
                  tbl, cols, cols, tbl);
    -- the rows still refused say so in the result, not in one NOTICE each
    PERFORM j7599._quarantine_quiet(true);
    FOR q IN SELECT x.id, x.row_data FROM j7599.quarantine x WHERE x.tbl = release.tbl ORDER BY x.id FOR UPDATE LOOP
        before_id := j7599._quarantine_last_id();
        BEGIN
            EXECUTE ins USING q.row_data;
            GET DIAGNOSTICS n = ROW_COUNT;
        EXCEPTION WHEN OTHERS THEN
            n := -1;
            failed := failed + 1;
            first_error := coalesce(first_error, format('%s (SQLSTATE %s)', SQLERRM, SQLSTATE));
        END;
        IF n > 0 THEN
            DELETE FROM j7599.quarantine x WHERE x.id = q.id;
            released := released + 1;
        ELSE
            -- refused again: the row keeps its place with the fresh findings
            fresh_id := j7599._quarantine_last_id();
            IF n = 0 AND fresh_id IS DISTINCT FROM before_id THEN
                UPDATE j7599.quarantine x
                SET findings = (SELECT f.findings FROM j7599.quarantine f WHERE f.id = fresh_id)
                WHERE x.id = q.id;
                DELETE FROM j7599.quarantine x WHERE x.id = fresh_id;
            END IF;
            still_refused := still_refused + 1;
        END IF;
    END LOOP;
    PERFORM j7599._quarantine_quiet(false);
    IF failed > 0 THEN
        RAISE WARNING '% quarantined rows of table % could not be inserted and stay in j7599.quarantine', failed, tbl
            USING DETAIL = format('The first error was: %s.', first_error),
                  HINT = 'Correct their row_data, then call j7599.release() again.';
    END IF;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION j7599.release(regclass) IS
'Offers the quarantined rows of a table enforced in quarantine mode to it again: rows that now pass are stored and leave j7599.quarantine, the others stay with their findings refreshed. Returns how many of each. Owner only (42501)';

-- Quarantined rows go with their table (DROP TABLE, DROP SCHEMA ... CASCADE,
-- DROP OWNED); runs as the extension's owner, like _drop_registrations.
CREATE FUNCTION j7599._drop_quarantined() RETURNS event_trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM j7599.quarantine
    WHERE tbl IN (SELECT d.objid::regclass FROM pg_event_trigger_dropped_objects() d
                  WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0);
END
$$;
COMMENT ON FUNCTION j7599._drop_quarantined() IS
'Internal: event trigger on sql_drop; deletes the quarantined rows of the tables just dropped';
REVOKE ALL ON FUNCTION j7599._drop_quarantined() FROM PUBLIC;
CREATE EVENT TRIGGER j7599_drop_quarantined ON sql_drop EXECUTE FUNCTION j7599._drop_quarantined();
COMMENT ON EVENT TRIGGER j7599_drop_quarantined IS 'Deletes the quarantined rows of dropped tables (j7599)';
