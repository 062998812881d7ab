/*
 * Loading a newer CMS code set without touching the extension's files.
 *
 * Fill a staging table with psql's client-side \copy, then call a loader:
 *
 *   CREATE TEMP TABLE hcpcs_stage (code text, long_description text, short_description text);
 *   \copy hcpcs_stage FROM 'hcpcs-2025.csv' WITH (FORMAT csv, HEADER)
 *   SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025',
 *       'CMS HCPCS Level II annual file 2025 (HCPC2025_JAN_ANWEB)', effective => '2025-01-01');
 *
 *   CREATE TEMP TABLE pos_stage (code text, name text);
 *   \copy pos_stage FROM 'pos.csv' WITH (FORMAT csv, HEADER)
 *   SELECT * FROM j7599.load_place_of_service('pos_stage', 'CMS Place of Service code set, 2025-06 web page');
 *
 * The loaders run with the caller's privileges, so only a role that may write
 * the reference tables can use them.  Loaded and changed rows are user rows
 * (shipped = false) and survive pg_dump / pg_restore.  The staging table is
 * only read; its name is used as a regclass, never pasted in as text.
 *
 * Safety: a loader refuses (22023, nothing changed) an empty staging table
 * (a \copy that failed just before would otherwise close every code), and a
 * file that would close more than 10% of the rows in force on `effective`
 * unless called with allow_mass_close => true.  A row whose values the file
 * does not change is not touched: a shipped row stays shipped, keeps its
 * version and source, and is not counted as updated.
 */

-- Refuses a load that would close too much (22023): more than a tenth of the
-- rows in force on `effective`.  `what` names the rows ("HCPCS codes").
CREATE OR REPLACE FUNCTION j7599._mass_close_check(loader text, what text, would_close bigint, in_force bigint,
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
CREATE OR REPLACE FUNCTION j7599._empty_staging_check(staging regclass, in_file bigint) RETURNS void
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

-- Checks that `staging` has the columns the loader reads (42703 if not).
CREATE OR REPLACE FUNCTION j7599.staging_check(staging regclass, VARIADIC needed text[]) RETURNS void
LANGUAGE plpgsql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    col text;
BEGIN
    FOREACH col IN ARRAY needed LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute AS a
                        WHERE a.attrelid = staging AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped) THEN
            RAISE EXCEPTION 'staging table % has no column "%"', staging, col
                USING ERRCODE = 'undefined_column',
                      HINT = format('The staging table needs the columns %s.', array_to_string(needed, ', '));
        END IF;
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION j7599.load_hcpcs_codes(staging regclass, code_set_version text, source text,
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

CREATE OR REPLACE FUNCTION j7599.load_place_of_service(staging regclass, source text, effective date DEFAULT NULL,
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
