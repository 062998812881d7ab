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
 *   CREATE TEMP TABLE mod_stage (modifier text, description text);
 *   \copy mod_stage FROM 'modifiers-2026.csv' WITH (FORMAT csv, HEADER)
 *   SELECT * FROM j7599.load_modifiers('mod_stage', 'CMS HCPCS Level II modifiers 2026', effective => '2026-01-01');
 *
 *   CREATE TEMP TABLE xwalk_stage (hcpcs text, ndc2 text, drug_name text, hcpcs_dosage text);
 *   \copy xwalk_stage FROM 'asp-crosswalk-2026q1.csv' WITH (FORMAT csv, HEADER)
 *   SELECT * FROM j7599.load_ndc_crosswalk('xwalk_stage', 'CMS ASP NDC-HCPCS crosswalk January 2026',
 *       '[2026-01-01,2026-04-01)');
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

-- Checks the rows of a loader's staging query `src` (its key column `key`
-- and description column `descr`, normalised): every key of the form
-- `key_pattern` (22023, naming the first that is not, as `key_what`, with
-- `key_hint`), every row with a description (22023, "no <descr_what> for
-- <subject><key>"), no key twice (21000).
CREATE OR REPLACE FUNCTION j7599._staging_keys(staging regclass, src text, key text, key_pattern text,
                                               key_what text, key_hint text, descr text, descr_what text,
                                               subject text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bad text;
BEGIN
    EXECUTE format('SELECT min(%I) FROM (%s) AS s WHERE %I !~ %L', key, src, key, key_pattern) INTO bad;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'staging table % holds "%", which is not %', staging, bad, key_what
            USING ERRCODE = 'invalid_parameter_value', HINT = key_hint;
    END IF;
    EXECUTE format('SELECT min(%I) FROM (%s) AS s WHERE coalesce(%I, %L) = %L', key, src, descr, '', '') INTO bad;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'staging table % has no % for %', staging, descr_what, subject || bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('SELECT min(%I) FROM (SELECT %I FROM (%s) AS s GROUP BY %I HAVING count(*) > 1) AS d',
                   key, key, src, key)
        INTO bad;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'staging table % holds % more than once', staging, bad
            USING ERRCODE = 'cardinality_violation';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION j7599._staging_keys(regclass, text, text, text, text, text, text, text, text) FROM PUBLIC;
COMMENT ON FUNCTION j7599._staging_keys(regclass, text, text, text, text, text, text, text, text) IS
'Internal: refuses a loader''s staging rows with a malformed key, no description or a key given twice (used by the loaders)';

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

    PERFORM j7599._staging_keys(staging, src, 'code', '^[A-Z][0-9]{4}$', 'a HCPCS Level II code',
                                'A HCPCS Level II code is a letter and four digits.',
                                'long_description', 'long description', '');

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

    PERFORM j7599._staging_keys(staging, src, 'code', '^[0-9]{2}$', 'a place-of-service code',
                                'A place-of-service code is two digits.', 'name', 'name', 'place of service ');

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

-- Loads the national modifier list.  Staging columns: modifier, description.
-- Modifiers the file does not know (CPT modifiers, the ambulance pairs) are
-- left alone; only Level II modifiers missing from the file are closed.
CREATE OR REPLACE FUNCTION j7599.load_modifiers(staging regclass, source text, effective date DEFAULT NULL,
                                     allow_mass_close boolean DEFAULT false)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, closed bigint, not_in_file bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    src text := format(
        'SELECT upper(btrim(s.modifier::text)) AS modifier, btrim(s.description::text) AS description '
        'FROM %s AS s WHERE nullif(btrim(s.modifier::text), %L) IS NOT NULL', staging, '');
    version text := coalesce(to_char(effective, 'YYYY-MM-DD'), 'loaded');
    n_file bigint;
    n_force bigint;
    n_ins bigint;
    n_upd bigint;
    n_same bigint;
    n_closed bigint;
    n_absent bigint;
BEGIN
    IF staging IS NULL OR nullif(btrim(source), '') IS NULL THEN
        RAISE EXCEPTION 'load_modifiers needs a staging table and a source'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM j7599.staging_check(staging, 'modifier', 'description');

    PERFORM j7599._staging_keys(staging, src, 'modifier', '^[0-9A-Z]{2}$', 'a modifier',
                                'A modifier is two letters or digits.', 'description', 'description', 'modifier ');

    -- refusals, before anything changes (as in load_hcpcs_codes); only Level
    -- II modifiers can be closed, so only they count
    EXECUTE format('SELECT count(*) FROM (%s) AS s', src) INTO n_file;
    PERFORM j7599._empty_staging_check(staging, n_file);
    IF effective IS NOT NULL THEN
        EXECUTE format(
            'WITH s AS (%s) '
            'SELECT count(*) FILTER (WHERE m.valid @> $1), '
            '       count(*) FILTER (WHERE s.modifier IS NULL '
            '                          AND (upper_inf(m.valid) OR upper(m.valid) > $1) '
            '                          AND (lower_inf(m.valid) OR lower(m.valid) < $1)) '
            'FROM j7599.modifier AS m LEFT JOIN s ON s.modifier = m.modifier '
            'WHERE m.code_set = %L', src, 'CMS HCPCS Level II')
            INTO n_force, n_closed
            USING effective;
        PERFORM j7599._mass_close_check('load_modifiers', 'Level II modifiers', n_closed, n_force, effective,
                                        allow_mass_close);
    END IF;

    -- modifiers in the file: a known one whose description changed takes it
    -- (and one closed earlier is open again); one the file leaves as it is
    -- keeps its row (a shipped row stays shipped); new ones are inserted as
    -- Level II modifiers with no known behaviour on a drug line
    EXECUTE format('WITH s AS (%s) SELECT count(*) FROM s JOIN j7599.modifier AS m USING (modifier)', src)
        INTO n_same;
    EXECUTE format(
        'WITH s AS (%s) '
        'UPDATE j7599.modifier AS m SET '
        '    description = s.description, '
        '    valid = daterange(lower(m.valid), NULL, %L), '
        '    code_set_version = $1, '
        '    source = $2, '
        '    shipped = false '
        'FROM s WHERE s.modifier = m.modifier '
        '  AND (m.description IS DISTINCT FROM s.description OR NOT upper_inf(m.valid))', src, '[)')
        USING version, source;
    GET DIAGNOSTICS n_upd = ROW_COUNT;
    n_same := n_same - n_upd;
    EXECUTE format(
        'WITH s AS (%s) '
        'INSERT INTO j7599.modifier (modifier, description, category, drug_line, valid, code_set, code_set_version, '
        '                            source, confidence, shipped) '
        'SELECT s.modifier, s.description, %L, %L, daterange($1, NULL, %L), %L, $2, $3, %L, false '
        'FROM s WHERE NOT EXISTS (SELECT FROM j7599.modifier AS m WHERE m.modifier = s.modifier)',
        src, 'other', 'allowed', '[)', 'CMS HCPCS Level II', 'confirmed')
        USING effective, version, source;
    GET DIAGNOSTICS n_ins = ROW_COUNT;

    -- Level II modifiers not in the file: their validity ends at `effective`
    EXECUTE format(
        'WITH s AS (%s), '
        'absent AS (SELECT m.modifier FROM j7599.modifier AS m '
        '            WHERE m.code_set = %L AND NOT EXISTS (SELECT FROM s WHERE s.modifier = m.modifier)), '
        'cl AS (UPDATE j7599.modifier AS m SET valid = daterange(lower(m.valid), $1, %L) '
        '        FROM absent AS a '
        '        WHERE a.modifier = m.modifier AND $1 IS NOT NULL '
        '          AND (upper_inf(m.valid) OR upper(m.valid) > $1) '
        '          AND (lower_inf(m.valid) OR lower(m.valid) < $1) '
        '        RETURNING 1) '
        'SELECT (SELECT count(*) FROM cl), (SELECT count(*) FROM absent)',
        src, 'CMS HCPCS Level II', '[)')
        INTO n_closed, n_absent
        USING effective;

    RETURN QUERY SELECT n_ins, n_upd, n_same, n_closed, n_absent - n_closed;
END
$$;

-- An NDC as the crosswalk column holds it: 5-4-2 with hyphens, accepted by
-- the ndc type.  Anything else there (UPC/GTIN, catalogue numbers; a bare
-- 12-digit number is a UPC, not a 6-4-2 NDC) is an alternate id.
CREATE OR REPLACE FUNCTION j7599._crosswalk_ndc(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN value OPERATOR(pg_catalog.~) '^[0-9]{5}-[0-9]{4}-[0-9]{2}$' AND j7599.is_ndc(value);

-- Loads one quarter of the CMS ASP NDC-HCPCS crosswalk.  Staging columns as
-- in the CMS file: hcpcs, ndc2, drug_name, hcpcs_dosage.
CREATE OR REPLACE FUNCTION j7599.load_ndc_crosswalk(staging regclass, source text, valid daterange,
                                         allow_mass_close boolean DEFAULT false)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, closed bigint, not_in_file bigint,
               alternate_ids bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    raw text := format(
        'SELECT upper(btrim(s.hcpcs::text)) AS code, btrim(s.ndc2::text) AS ndc_text, '
        'nullif(btrim(s.drug_name::text), %L) AS drug_name, nullif(btrim(s.hcpcs_dosage::text), %L) AS hcpcs_dosage '
        'FROM %s AS s WHERE nullif(btrim(s.hcpcs::text), %L) IS NOT NULL OR nullif(btrim(s.ndc2::text), %L) IS NOT NULL',
        '', '', staging, '', '');
    src text := format('SELECT CASE WHEN j7599._crosswalk_ndc(r.ndc_text) THEN r.ndc_text::j7599.ndc END AS ndc, '
                       'r.code, r.drug_name, r.hcpcs_dosage FROM (%s) AS r '
                       'WHERE j7599._crosswalk_ndc(r.ndc_text)', raw);
    p daterange := valid;
    bad text;
    n_file bigint;
    n_alt bigint;
    n_prev bigint;
    n_lost bigint;
    n_ins bigint;
    n_upd bigint;
    n_upd2 bigint;
    n_same bigint;
    n_closed bigint;
    n_absent bigint;
BEGIN
    IF staging IS NULL OR nullif(btrim(source), '') IS NULL OR p IS NULL THEN
        RAISE EXCEPTION 'load_ndc_crosswalk needs a staging table, a source and a validity range'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF isempty(p) OR lower_inf(p) THEN
        RAISE EXCEPTION 'the validity range % of a crosswalk file needs a first day', p
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A quarterly file is valid for its quarter, e.g. ''[2026-01-01,2026-04-01)''.';
    END IF;
    PERFORM j7599.staging_check(staging, 'hcpcs', 'ndc2', 'drug_name', 'hcpcs_dosage');

    EXECUTE format('SELECT min(coalesce(code, %L)) FROM (%s) AS s WHERE code IS NULL OR code !~ %L',
                   '(none)', raw, '^([A-Z][0-9]{4}|[0-9]{4}[0-9FTU])$') INTO bad;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'staging table % holds "%", which is not a HCPCS or CPT code', staging, bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('SELECT count(*) FILTER (WHERE j7599._crosswalk_ndc(ndc_text)), '
                   '       count(*) FILTER (WHERE NOT coalesce(j7599._crosswalk_ndc(ndc_text), false)) FROM (%s) AS r',
                   raw)
        INTO n_file, n_alt;
    EXECUTE format('SELECT min(ndc::text || %L || code) FROM (SELECT ndc, code FROM (%s) AS s '
                   'GROUP BY ndc, code HAVING count(*) > 1) AS d', ' ', src)
        INTO bad;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'staging table % holds % more than once', staging, bad
            USING ERRCODE = 'cardinality_violation';
    END IF;

    -- refusals, before anything changes: no NDC at all, and a file that lacks
    -- more than a tenth of the NDCs in force on its first day or on the day
    -- before (the previous quarter)
    PERFORM j7599._empty_staging_check(staging, n_file);
    EXECUTE format(
        'WITH s AS (%s) '
        'SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT FROM s WHERE s.ndc OPERATOR(j7599.=) x.ndc '
        '                                                      AND s.code = x.code)) '
        'FROM j7599.ndc_code AS x WHERE x.valid @> lower($1) OR x.valid @> (lower($1) - 1)', src)
        INTO n_prev, n_lost
        USING p;
    PERFORM j7599._mass_close_check('load_ndc_crosswalk', 'crosswalk rows (NDC and code)', n_lost, n_prev,
                                    lower(p), allow_mass_close);

    -- rows the file repeats unchanged
    EXECUTE format(
        'WITH s AS (%s) SELECT count(*) FROM s WHERE EXISTS (SELECT FROM j7599.ndc_code AS x '
        '    WHERE x.ndc OPERATOR(j7599.=) s.ndc AND x.code = s.code AND x.valid @> $1 '
        '      AND x.drug_name IS NOT DISTINCT FROM s.drug_name AND x.hcpcs_dosage IS NOT DISTINCT FROM s.hcpcs_dosage)',
        src)
        INTO n_same
        USING p;
    -- the same values next to or overlapping the range: the row grows
    EXECUTE format(
        'WITH s AS (%s) '
        'UPDATE j7599.ndc_code AS x SET valid = x.valid + $1, source = x.source || %L || $2 '
        'FROM s WHERE x.ndc OPERATOR(j7599.=) s.ndc AND x.code = s.code '
        '  AND x.drug_name IS NOT DISTINCT FROM s.drug_name AND x.hcpcs_dosage IS NOT DISTINCT FROM s.hcpcs_dosage '
        '  AND (x.valid && $1 OR x.valid -|- $1) AND NOT x.valid @> $1', src, '; ')
        USING p, source;
    GET DIAGNOSTICS n_upd = ROW_COUNT;
    -- other values overlapping the range: the old row ends where the range
    -- starts, or takes the new values when it starts inside the range
    EXECUTE format(
        'WITH s AS (%s), '
        'cut AS (UPDATE j7599.ndc_code AS x SET valid = daterange(lower(x.valid), lower($1), %L) '
        '        FROM s WHERE x.ndc OPERATOR(j7599.=) s.ndc AND x.code = s.code AND x.valid && $1 '
        '          AND (x.drug_name IS DISTINCT FROM s.drug_name OR x.hcpcs_dosage IS DISTINCT FROM s.hcpcs_dosage) '
        '          AND (lower_inf(x.valid) OR lower(x.valid) < lower($1)) RETURNING 1), '
        'moved AS (UPDATE j7599.ndc_code AS x SET drug_name = s.drug_name, hcpcs_dosage = s.hcpcs_dosage, '
        '                 valid = x.valid + $1, source = $2 '
        '        FROM s WHERE x.ndc OPERATOR(j7599.=) s.ndc AND x.code = s.code AND x.valid && $1 '
        '          AND (x.drug_name IS DISTINCT FROM s.drug_name OR x.hcpcs_dosage IS DISTINCT FROM s.hcpcs_dosage) '
        '          AND NOT lower_inf(x.valid) AND lower(x.valid) >= lower($1) RETURNING 1) '
        'SELECT (SELECT count(*) FROM cut) + (SELECT count(*) FROM moved)', src, '[)')
        INTO n_upd2
        USING p, source;
    n_upd := n_upd + n_upd2;
    -- the rest of the file is new for this range
    EXECUTE format(
        'WITH s AS (%s) '
        'INSERT INTO j7599.ndc_code (ndc, code, drug_name, hcpcs_dosage, valid, source, shipped) '
        'SELECT s.ndc, s.code, s.drug_name, s.hcpcs_dosage, $1, $2, false FROM s '
        'WHERE NOT EXISTS (SELECT FROM j7599.ndc_code AS x WHERE x.ndc OPERATOR(j7599.=) s.ndc AND x.code = s.code '
        '                     AND x.valid && $1)', src)
        USING p, source;
    GET DIAGNOSTICS n_ins = ROW_COUNT;

    -- rows the file lacks: one running past the first day of the range ends
    -- there; the others (ending with the previous quarter, or starting inside
    -- the range) are counted
    EXECUTE format(
        'WITH s AS (%s), '
        'absent AS (SELECT x.ctid AS id, x.valid FROM j7599.ndc_code AS x '
        '            WHERE (x.valid @> lower($1) OR x.valid @> (lower($1) - 1)) '
        '              AND NOT EXISTS (SELECT FROM s WHERE s.ndc OPERATOR(j7599.=) x.ndc AND s.code = x.code)), '
        'cl AS (UPDATE j7599.ndc_code AS x SET valid = daterange(lower(x.valid), lower($1), %L) '
        '        FROM absent AS a WHERE x.ctid = a.id AND x.valid @> lower($1) '
        '          AND (lower_inf(x.valid) OR lower(x.valid) < lower($1)) RETURNING 1) '
        'SELECT (SELECT count(*) FROM cl), (SELECT count(*) FROM absent)', src, '[)')
        INTO n_closed, n_absent
        USING p;

    RETURN QUERY SELECT n_ins, n_upd, n_same, n_closed, n_absent - n_closed, n_alt;
END
$$;
