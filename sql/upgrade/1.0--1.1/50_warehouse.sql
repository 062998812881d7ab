/*
 * Warehouse loads.
 *
 * Loaders (sql/install/24_reference_load.sql): they refuse an empty staging
 * table and a file that would close more than 10% of the rows in force
 * (allow_mass_close, a new last parameter: the old signatures go), and leave
 * rows the file does not change alone, so that a shipped row stays shipped.
 */
DROP FUNCTION j7599.load_hcpcs_codes(regclass, text, text, date);
DROP FUNCTION j7599.load_place_of_service(regclass, text, date, text);

-- Refuses a load that would close too much (22023): more than a tenth of the
-- rows in force on `effective`.  `what` names the rows ("HCPCS codes").
CREATE FUNCTION j7599._mass_close_check(loader text, what text, would_close bigint, in_force bigint,
                                        effective date, allow_mass_close boolean) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF coalesce(allow_mass_close, false) OR coalesce(would_close, 0) = 0 OR would_close * 10 <= in_force THEN
        RETURN;
    END IF;
    RAISE EXCEPTION '% refuses to close % of the % % in force on %', loader, would_close, in_force, what, effective
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = format('The staging table lacks %s of the %s %s in force on %s, more than 10%%; nothing was changed.',
                              would_close, in_force, what, effective),
              HINT = 'Check that the whole file reached the staging table; to close them anyway, call the loader '
                     'with allow_mass_close => true.';
END
$$;

-- Refuses an empty staging table (22023).
CREATE FUNCTION j7599._empty_staging_check(staging regclass, in_file bigint) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF coalesce(in_file, 0) > 0 THEN
        RETURN;
    END IF;
    RAISE EXCEPTION 'staging table % holds no code', staging
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = 'Loading it would close every code in force; nothing was changed.',
              HINT = 'Fill the staging table first (psql: \copy stage FROM ''file.csv'' WITH (FORMAT csv, HEADER)); '
                     'a \copy that failed leaves it empty.';
END
$$;

CREATE FUNCTION j7599.load_hcpcs_codes(staging regclass, code_set_version text, source text,
                                       effective date DEFAULT NULL, allow_mass_close boolean DEFAULT false)
RETURNS TABLE (inserted bigint, updated bigint, closed bigint, not_in_file bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- the staging rows, normalised: code upper case, blanks trimmed
    src text := format(
        'SELECT upper(btrim(s.code::text)) AS code, btrim(s.long_description::text) AS long_description, '
        'nullif(btrim(s.short_description::text), %L) AS short_description '
        'FROM %s AS s WHERE nullif(btrim(s.code::text), %L) IS NOT NULL', '', staging, '');
    bad text;
    n_file bigint;
    n_force bigint;
    n_ins bigint;
    n_upd bigint;
    n_closed bigint;
    n_absent bigint;
BEGIN
    IF staging IS NULL OR nullif(btrim(code_set_version), '') IS NULL OR nullif(btrim(source), '') IS NULL THEN
        RAISE EXCEPTION 'load_hcpcs_codes needs a staging table, a code set version and a source'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM j7599.staging_check(staging, 'code', 'long_description', 'short_description');

    EXECUTE format('SELECT min(code) FROM (%s) AS s WHERE code !~ %L', src, '^[A-Z][0-9]{4}$') INTO bad;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'staging table % holds "%", which is not a HCPCS Level II code', staging, bad
            USING ERRCODE = 'invalid_parameter_value', HINT = 'A HCPCS Level II code is a letter and four digits.';
    END IF;
    EXECUTE format('SELECT min(code) FROM (%s) AS s WHERE coalesce(long_description, %L) = %L', src, '', '') INTO bad;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'staging table % has no long description for %', staging, bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('SELECT min(code) FROM (SELECT code FROM (%s) AS s GROUP BY code HAVING count(*) > 1) AS d', src)
        INTO bad;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'staging table % holds % more than once', staging, bad
            USING ERRCODE = 'cardinality_violation';
    END IF;

    -- refusals, before anything changes: an empty file, and a file that
    -- would close more than a tenth of the codes in force on `effective`
    EXECUTE format('SELECT count(*) FROM (%s) AS s', src) INTO n_file;
    PERFORM j7599._empty_staging_check(staging, n_file);
    IF effective IS NOT NULL THEN
        EXECUTE format(
            'WITH s AS (%s) '
            'SELECT count(*) FILTER (WHERE h.valid @> $1), '
            '       count(*) FILTER (WHERE s.code IS NULL '
            '                          AND (upper_inf(h.valid) OR upper(h.valid) > $1) '
            '                          AND (lower_inf(h.valid) OR lower(h.valid) < $1)) '
            'FROM j7599.hcpcs_code AS h LEFT JOIN s ON s.code = h.code', src)
            INTO n_force, n_closed
            USING effective;
        PERFORM j7599._mass_close_check('load_hcpcs_codes', 'HCPCS codes', n_closed, n_force, effective,
                                        allow_mass_close);
    END IF;

    -- codes in the file: a known one whose descriptors changed takes them,
    -- with the new version and source, and one closed earlier is open again;
    -- a known code the file leaves as it is keeps its row (a shipped row
    -- stays shipped); new codes are inserted
    EXECUTE format(
        'WITH s AS (%s) '
        'UPDATE j7599.hcpcs_code AS h SET '
        '    long_description = s.long_description, '
        '    short_description = s.short_description, '
        '    code_set_version = $1, '
        '    source = $2, '
        '    valid = daterange(lower(h.valid), NULL, %L), '
        '    shipped = false '
        'FROM s WHERE s.code = h.code '
        '  AND (h.long_description IS DISTINCT FROM s.long_description '
        '       OR h.short_description IS DISTINCT FROM s.short_description '
        '       OR NOT upper_inf(h.valid))', src, '[)')
        USING code_set_version, source;
    GET DIAGNOSTICS n_upd = ROW_COUNT;
    EXECUTE format(
        'WITH s AS (%s) '
        'INSERT INTO j7599.hcpcs_code '
        '    (code, long_description, short_description, is_noc, valid, code_set, code_set_version, source, shipped) '
        'SELECT s.code, s.long_description, s.short_description, false, daterange($1, NULL, %L), %L, $2, $3, false '
        'FROM s WHERE NOT EXISTS (SELECT FROM j7599.hcpcs_code AS h WHERE h.code = s.code)',
        src, '[)', 'CMS HCPCS Level II')
        USING effective, code_set_version, source;
    GET DIAGNOSTICS n_ins = ROW_COUNT;

    -- codes not in the file: their validity ends at `effective`, when given
    EXECUTE format(
        'WITH s AS (%s), '
        'absent AS (SELECT h.code FROM j7599.hcpcs_code AS h WHERE NOT EXISTS (SELECT FROM s WHERE s.code = h.code)), '
        'cl AS (UPDATE j7599.hcpcs_code AS h SET valid = daterange(lower(h.valid), $1, %L) '
        '        FROM absent AS a '
        '        WHERE a.code = h.code AND $1 IS NOT NULL '
        '          AND (upper_inf(h.valid) OR upper(h.valid) > $1) '
        '          AND (lower_inf(h.valid) OR lower(h.valid) < $1) '
        '        RETURNING 1) '
        'SELECT (SELECT count(*) FROM cl), (SELECT count(*) FROM absent)',
        src, '[)')
        INTO n_closed, n_absent
        USING effective;

    RETURN QUERY SELECT n_ins, n_upd, n_closed, n_absent - n_closed;
END
$$;

CREATE FUNCTION j7599.load_place_of_service(staging regclass, source text, effective date DEFAULT NULL,
                                            confidence text DEFAULT 'confirmed',
                                            allow_mass_close boolean DEFAULT false)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, closed bigint, not_in_file bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    src text := format(
        'SELECT CASE WHEN btrim(s.code::text) ~ %L THEN %L || btrim(s.code::text) ELSE btrim(s.code::text) END AS code, '
        'btrim(s.name::text) AS name '
        'FROM %s AS s WHERE nullif(btrim(s.code::text), %L) IS NOT NULL', '^[0-9]$', '0', staging, '');
    bad text;
    n_file bigint;
    n_force bigint;
    n_ins bigint;
    n_upd bigint;
    n_same bigint;
    n_closed bigint;
    n_absent bigint;
BEGIN
    IF staging IS NULL OR nullif(btrim(source), '') IS NULL THEN
        RAISE EXCEPTION 'load_place_of_service needs a staging table and a source'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF confidence IS NULL OR confidence NOT IN ('confirmed', 'secondary', 'assumed') THEN
        RAISE EXCEPTION 'confidence must be confirmed, secondary or assumed, not %', coalesce(confidence, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM j7599.staging_check(staging, 'code', 'name');

    EXECUTE format('SELECT min(code) FROM (%s) AS s WHERE code !~ %L', src, '^[0-9]{2}$') INTO bad;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'staging table % holds "%", which is not a place-of-service code', staging, bad
            USING ERRCODE = 'invalid_parameter_value', HINT = 'A place-of-service code is two digits.';
    END IF;
    EXECUTE format('SELECT min(code) FROM (%s) AS s WHERE coalesce(name, %L) = %L', src, '', '') INTO bad;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'staging table % has no name for place of service %', staging, bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('SELECT min(code) FROM (SELECT code FROM (%s) AS s GROUP BY code HAVING count(*) > 1) AS d', src)
        INTO bad;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'staging table % holds % more than once', staging, bad
            USING ERRCODE = 'cardinality_violation';
    END IF;

    -- refusals, before anything changes (as in load_hcpcs_codes)
    EXECUTE format('SELECT count(*) FROM (%s) AS s', src) INTO n_file;
    PERFORM j7599._empty_staging_check(staging, n_file);
    IF effective IS NOT NULL THEN
        EXECUTE format(
            'WITH s AS (%s) '
            'SELECT count(*) FILTER (WHERE h.valid @> $1), '
            '       count(*) FILTER (WHERE s.code IS NULL '
            '                          AND (upper_inf(h.valid) OR upper(h.valid) > $1) '
            '                          AND (lower_inf(h.valid) OR lower(h.valid) < $1)) '
            'FROM j7599.place_of_service AS h LEFT JOIN s ON s.code = h.code', src)
            INTO n_force, n_closed
            USING effective;
        PERFORM j7599._mass_close_check('load_place_of_service', 'place-of-service codes', n_closed, n_force,
                                        effective, allow_mass_close);
    END IF;

    -- codes in the list: a known one is updated only when its name changed or
    -- it had been closed, so that untouched rows keep their own source and
    -- stay shipped; new ones are inserted
    EXECUTE format('WITH s AS (%s) SELECT count(*) FROM s JOIN j7599.place_of_service AS h USING (code)', src)
        INTO n_same;
    EXECUTE format(
        'WITH s AS (%s) '
        'UPDATE j7599.place_of_service AS h SET '
        '    name = s.name, '
        '    valid = daterange(lower(h.valid), NULL, %L), '
        '    source = $1, '
        '    confidence = $2, '
        '    shipped = false '
        'FROM s WHERE s.code = h.code AND (h.name IS DISTINCT FROM s.name OR NOT upper_inf(h.valid))',
        src, '[)')
        USING source, confidence;
    GET DIAGNOSTICS n_upd = ROW_COUNT;
    n_same := n_same - n_upd;
    EXECUTE format(
        'WITH s AS (%s) '
        'INSERT INTO j7599.place_of_service (code, name, valid, source, confidence, shipped) '
        'SELECT s.code, s.name, daterange($1, NULL, %L), $2, $3, false '
        'FROM s WHERE NOT EXISTS (SELECT FROM j7599.place_of_service AS h WHERE h.code = s.code)',
        src, '[)')
        USING effective, source, confidence;
    GET DIAGNOSTICS n_ins = ROW_COUNT;

    EXECUTE format(
        'WITH s AS (%s), '
        'absent AS (SELECT h.code FROM j7599.place_of_service AS h '
        '            WHERE NOT EXISTS (SELECT FROM s WHERE s.code = h.code)), '
        'cl AS (UPDATE j7599.place_of_service AS h SET valid = daterange(lower(h.valid), $1, %L) '
        '        FROM absent AS a '
        '        WHERE a.code = h.code AND $1 IS NOT NULL '
        '          AND (upper_inf(h.valid) OR upper(h.valid) > $1) '
        '          AND (lower_inf(h.valid) OR lower(h.valid) < $1) '
        '        RETURNING 1) '
        'SELECT (SELECT count(*) FROM cl), (SELECT count(*) FROM absent)',
        src, '[)')
        INTO n_closed, n_absent
        USING effective;

    RETURN QUERY SELECT n_ins, n_upd, n_same, n_closed, n_absent - n_closed;
END
$$;

REVOKE ALL ON FUNCTION j7599.load_hcpcs_codes(regclass, text, text, date, boolean),
                       j7599.load_place_of_service(regclass, text, date, text, boolean),
                       j7599.staging_check(regclass, text[]),
                       j7599._empty_staging_check(regclass, bigint),
                       j7599._mass_close_check(text, text, bigint, bigint, date, boolean) FROM PUBLIC;

COMMENT ON FUNCTION j7599.load_hcpcs_codes(regclass, text, text, date, boolean) IS
'Loads a newer CMS HCPCS Level II file from a staging table with columns code, long_description, short_description: '
'known codes whose descriptors changed take them with the new version and source (codes the file leaves unchanged keep their row: a shipped row stays shipped), new codes are inserted (is_noc false: set it yourself for new NOC '
'codes), and when effective is given, codes missing from the file stop being valid on that date. Refuses (22023, nothing changed) an empty staging table, '
'and closing more than 10% of the codes in force on effective unless allow_mass_close is true. Returns the counts';

COMMENT ON FUNCTION j7599.load_place_of_service(regclass, text, date, text, boolean) IS
'Loads a newer CMS place-of-service list from a staging table with columns code, name: new codes are inserted (valid '
'from effective), renamed codes updated (unchanged ones keep their row: a shipped row stays shipped), and when effective is given, codes missing from the list stop being valid on that date. '
'Refuses (22023, nothing changed) an empty staging table, and closing more than 10% of the codes in force on effective unless allow_mass_close is true. Returns the counts';

COMMENT ON FUNCTION j7599._empty_staging_check(regclass, bigint) IS
'Internal: raises 22023 when a loader''s staging table holds no code (used by the loaders)';

COMMENT ON FUNCTION j7599._mass_close_check(text, text, bigint, bigint, date, boolean) IS
'Internal: raises 22023 when a load would close more than 10% of the rows in force on its effective date, unless allow_mass_close (used by the loaders)';


-- as in sql/install/44_audit_history.sql
/*
 * Audit history: audit_run() runs audit_summary() on a registered table and
 * keeps the result in j7599.audit_history, one row per (rule, severity) it
 * found; audit_compare() sets two runs side by side.
 *
 * Decisions:
 *   - A run that finds nothing still keeps one row, with rule, severity and
 *     rows_violated NULL, so that rows_checked is kept.  audit_compare()
 *     counts a rule missing from one run as 0 there.
 *   - table_name is the table's qualified name when it ran, as text: the
 *     history stays readable after the table is renamed or dropped.  tbl
 *     follows a rename; when the table is dropped it becomes NULL (an event
 *     trigger), so that a later table that gets the same OID does not take
 *     over its history.
 *   - Privileges.  Anyone who may read a table (SELECT, which audit_summary
 *     needs anyway) may record a run of it; everyone may read the history
 *     (counts, as the registrations, which everyone may read); only the
 *     table's owner (a member of the owning role) or a superuser may delete
 *     its rows, and once the table is dropped, the role that recorded the run;
 *     nobody but a superuser changes a row.  Writes are guarded by a trigger,
 *     not by row-level security, which would keep a database owner who is not
 *     a superuser from running pg_dump.  run_by is stamped with the role that
 *     recorded the run.  A role that may read a table could also INSERT
 *     made-up counts directly: the history is as trustworthy as the roles
 *     that may read the table, and run_by says who it was.
 *   - The history is user data: pg_extension_config_dump() on the table and
 *     on its sequence, so that pg_dump / pg_restore keep it.  Run ids come
 *     from j7599._audit_next_run_id(), which also steps over ids already in
 *     the table (history restored without its sequence).
 */

CREATE SEQUENCE j7599.audit_run_id_seq;
COMMENT ON SEQUENCE j7599.audit_run_id_seq IS 'Run ids of j7599.audit_history (taken by j7599._audit_next_run_id())';

CREATE TABLE j7599.audit_history (
    run_id        bigint NOT NULL,
    tbl           regclass,
    table_name    text NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz NOT NULL,
    rows_checked  bigint NOT NULL CHECK (rows_checked >= 0),
    rule          text,
    severity      text,
    rows_violated bigint CHECK (rows_violated >= 0),
    note          text,
    run_by        name NOT NULL DEFAULT current_user,
    CHECK ((rule IS NULL) = (severity IS NULL) AND (rule IS NULL) = (rows_violated IS NULL))
);
CREATE INDEX audit_history_run_id ON j7599.audit_history (run_id);
CREATE INDEX audit_history_tbl ON j7599.audit_history (tbl, run_id);
COMMENT ON TABLE j7599.audit_history IS
'The runs of j7599.audit_run(): per run, one row per (rule, severity) found, or one row with rule NULL when nothing was found. Readable by all; a run is recorded by anyone who may read the table, deleted by the table''s owner';
COMMENT ON COLUMN j7599.audit_history.run_id IS 'the run; all its rows share it';
COMMENT ON COLUMN j7599.audit_history.tbl IS 'the audited table; NULL once the table is dropped';
COMMENT ON COLUMN j7599.audit_history.table_name IS 'the qualified name of the table when it was audited (stays after a rename or a drop)';
COMMENT ON COLUMN j7599.audit_history.started_at IS 'when the run started';
COMMENT ON COLUMN j7599.audit_history.finished_at IS 'when the run ended';
COMMENT ON COLUMN j7599.audit_history.rows_checked IS 'rows of the table checked by the run';
COMMENT ON COLUMN j7599.audit_history.rule IS 'a rule that fired; NULL on the one row of a run that found nothing';
COMMENT ON COLUMN j7599.audit_history.severity IS 'its severity in that run';
COMMENT ON COLUMN j7599.audit_history.rows_violated IS 'rows carrying that finding';
COMMENT ON COLUMN j7599.audit_history.note IS 'the note given to audit_run()';
COMMENT ON COLUMN j7599.audit_history.run_by IS 'the role that recorded the run';
SELECT pg_catalog.pg_extension_config_dump('j7599.audit_history', '');
SELECT pg_catalog.pg_extension_config_dump('j7599.audit_run_id_seq', '');
REVOKE ALL ON TABLE j7599.audit_history FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON TABLE j7599.audit_history TO PUBLIC;
-- SELECT on the sequence lets pg_dump, run by a database owner who is not a
-- superuser, save its value; taking or setting ids is for _audit_next_run_id()
REVOKE ALL ON SEQUENCE j7599.audit_run_id_seq FROM PUBLIC;
GRANT SELECT ON SEQUENCE j7599.audit_run_id_seq TO PUBLIC;

-- The next run id.  Runs as the extension's owner, so that nobody else needs
-- a privilege on the sequence; steps over ids the table already holds.
CREATE FUNCTION j7599._audit_next_run_id() RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id bigint := nextval('j7599.audit_run_id_seq');
    top bigint;
BEGIN
    SELECT max(h.run_id) INTO top FROM j7599.audit_history AS h;
    IF top >= id THEN
        id := setval('j7599.audit_run_id_seq', top + 1);
    END IF;
    RETURN id;
END
$$;
COMMENT ON FUNCTION j7599._audit_next_run_id() IS
'Internal: the next run id of j7599.audit_history (the sequence, stepped over ids already in the table)';

CREATE FUNCTION j7599._audit_history_guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    superuser boolean := coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user), false);
BEGIN
    IF superuser THEN
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.tbl IS NULL OR NOT coalesce(has_table_privilege(NEW.tbl, 'SELECT'), false) THEN
            RAISE EXCEPTION 'permission denied to record an audit run of table %', coalesce(NEW.tbl::text, NEW.table_name)
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'Recording a run needs SELECT on the table.';
        END IF;
        NEW.run_by := current_user;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- the one change allowed: forgetting the OID of a dropped table
        IF NEW.tbl IS NULL AND OLD.tbl IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = OLD.tbl)
           AND (to_jsonb(NEW) - 'tbl') = (to_jsonb(OLD) - 'tbl') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit history cannot be changed'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Record a new run with j7599.audit_run().';
    END IF;
    -- DELETE
    IF OLD.tbl IS NULL THEN
        IF OLD.run_by <> current_user THEN
            RAISE EXCEPTION 'permission denied to delete the audit history of dropped table %', OLD.table_name
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = format('Run %s was recorded by %s.', OLD.run_id, OLD.run_by);
        END IF;
    ELSE
        PERFORM j7599._require_owner(OLD.tbl, 'delete its audit history');
    END IF;
    RETURN OLD;
END
$$;
COMMENT ON FUNCTION j7599._audit_history_guard() IS
'Internal: trigger on j7599.audit_history; a run is recorded by a role that may read the table (stamped run_by), deleted by the table''s owner (by its recorder once the table is dropped), changed by nobody but a superuser (42501)';
CREATE TRIGGER audit_history_guard BEFORE INSERT OR UPDATE OR DELETE ON j7599.audit_history
    FOR EACH ROW EXECUTE FUNCTION j7599._audit_history_guard();

-- A dropped table's history keeps its name and loses the OID.
CREATE FUNCTION j7599._forget_dropped_audited() RETURNS event_trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE j7599.audit_history SET tbl = NULL
    WHERE tbl IN (SELECT d.objid::regclass FROM pg_event_trigger_dropped_objects() d
                  WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0);
END
$$;
COMMENT ON FUNCTION j7599._forget_dropped_audited() IS
'Internal: event trigger on sql_drop; the audit history of a dropped table keeps its table_name, its tbl becomes NULL';
REVOKE ALL ON FUNCTION j7599._forget_dropped_audited() FROM PUBLIC;
CREATE EVENT TRIGGER j7599_forget_dropped_audited ON sql_drop EXECUTE FUNCTION j7599._forget_dropped_audited();
COMMENT ON EVENT TRIGGER j7599_forget_dropped_audited IS 'Keeps the audit history of dropped tables without their OID (j7599)';

/*
 * The summary and, when it finds nothing, the row count are read in one
 * statement, so under one snapshot (audit_summary is STABLE: its queries
 * take the snapshot of the statement that calls it).  The count runs only
 * when the summary has no row to carry rows_checked.
 */
CREATE FUNCTION j7599.audit_run(tbl regclass, note text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    run bigint;
    t0 timestamptz := clock_timestamp();
    t1 timestamptz;
    found jsonb;
    total bigint;
    qname text;
BEGIN
    IF tbl IS NULL THEN
        RAISE EXCEPTION 'audit_run needs a table'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT format('%I.%I', n.nspname, c.relname) INTO qname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl;
    EXECUTE format('SELECT coalesce(jsonb_agg(jsonb_build_object(%L, s.rule, %L, s.severity, %L, s.rows_violated)), %L), '
                   '       coalesce(max(s.rows_checked), (SELECT count(*) FROM %s)) '
                   'FROM j7599.audit_summary($1) AS s',
                   'rule', 'severity', 'rows_violated', '[]', tbl)
        INTO found, total
        USING tbl;
    run := j7599._audit_next_run_id();
    t1 := clock_timestamp();
    INSERT INTO j7599.audit_history (run_id, tbl, table_name, started_at, finished_at, rows_checked,
                                     rule, severity, rows_violated, note)
    SELECT run, tbl, qname, t0, t1, total, f.rule, f.severity, f.rows_violated, audit_run.note
    FROM (SELECT x.rule, x.severity, x.rows_violated
          FROM jsonb_to_recordset(found) AS x(rule text, severity text, rows_violated bigint)
          UNION ALL
          SELECT NULL, NULL, NULL WHERE jsonb_array_length(found) = 0) AS f;
    RETURN run;
END
$$;
COMMENT ON FUNCTION j7599.audit_run(regclass, text) IS
'Runs j7599.audit_summary() on a registered table and keeps the counts in j7599.audit_history (one row per rule and severity found, or one row with rule NULL when nothing was found); returns the run id. Runs as the caller: needs SELECT on the table';

CREATE FUNCTION j7599.audit_compare(run_a bigint, run_b bigint)
RETURNS TABLE(rule text, severity text, before bigint, after bigint, delta bigint)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    missing bigint;
BEGIN
    SELECT r INTO missing FROM unnest(ARRAY[run_a, run_b]) AS r
    WHERE NOT EXISTS (SELECT 1 FROM j7599.audit_history h WHERE h.run_id = r) LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'audit run % does not exist', missing
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The runs are in j7599.audit_history.';
    END IF;
    RETURN QUERY
    SELECT coalesce(a.rule, b.rule), coalesce(a.severity, b.severity),
           coalesce(a.rows_violated, 0), coalesce(b.rows_violated, 0),
           coalesce(b.rows_violated, 0) - coalesce(a.rows_violated, 0)
    FROM (SELECT h.rule, h.severity, h.rows_violated FROM j7599.audit_history h
          WHERE h.run_id = run_a AND h.rule IS NOT NULL) AS a
    FULL JOIN (SELECT h.rule, h.severity, h.rows_violated FROM j7599.audit_history h
               WHERE h.run_id = run_b AND h.rule IS NOT NULL) AS b
      ON a.rule = b.rule AND a.severity = b.severity
    ORDER BY CASE coalesce(a.severity, b.severity) WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
             greatest(coalesce(a.rows_violated, 0), coalesce(b.rows_violated, 0)) DESC, 1;
END
$$;
COMMENT ON FUNCTION j7599.audit_compare(bigint, bigint) IS
'Two runs of j7599.audit_run() side by side: per rule and severity, rows violating it before (run_a), after (run_b) and the change; a rule found in one run only counts 0 in the other. 22023 for a run that does not exist';


-- as in sql/install/12_x12.sql
/*
 * The X12 837 procedure composite (SV1-01 / SV2-02) as sent: qualifier,
 * code, up to four modifiers with empty slots, the description, any one-byte
 * component separator.  The hcpcs_line type's own text input stays strict;
 * this reader is the lenient door for 837 data.  C: src/x12_parse.c (pure
 * parser, decisions in src/x12.h) and src/x12.c (glue).
 */
CREATE FUNCTION j7599.x12_procedure(composite text, separator text DEFAULT ':')
RETURNS TABLE(qualifier text, line j7599.hcpcs_line, description text)
    AS 'MODULE_PATHNAME', 'j7599_x12_procedure'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION j7599.x12_procedure(text, text) IS
'Reads an 837 SV1-01 / SV2-02 procedure composite as sent ("HC:J7599:KX::::TACROLIMUS 1MG CAP", "HC>99213>25" with separator ''>''): the qualifier (upper case), the line (HC only: code and modifiers, empty modifier slots skipped; NULL for another qualifier such as ER, HP, IV, WK, whose code is not checked) and the description (component 7, blanks trimmed, NULL when empty). No row for a blank composite; 22P02 for a malformed one (more than 7 components, a bad qualifier, code or modifier); 22023 for a separator that is not one ASCII character other than a letter, digit or blank';
