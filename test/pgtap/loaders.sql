-- test/pgtap/loaders.sql: the loaders' safety.  An empty staging table (a
-- \copy that failed just before) is refused; a file that would close more
-- than a tenth of the rows in force on the effective date is refused unless
-- allow_mass_close => true; a reload of the shipped rows changes nothing and
-- says so.  For load_hcpcs_codes and load_place_of_service.  Each refusal
-- is checked to have changed nothing.
--
-- Runs in one transaction and rolls back.
BEGIN;
SELECT plan(36);

-- the SQLSTATE, message, detail and hint of a statement's error, or 'ok'
CREATE FUNCTION pg_temp.loaders_error(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; det text; hnt text;
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                            hnt = PG_EXCEPTION_HINT;
    RETURN concat_ws(' | ', st, msg, det, hnt);
END
$$;

-- a fingerprint of a reference table, to see that a refusal changed nothing
CREATE FUNCTION pg_temp.loaders_state(tbl regclass) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    EXECUTE format('SELECT md5(string_agg(t::text, E''\n'' ORDER BY t::text)) FROM %s AS t', tbl) INTO r;
    RETURN r;
END
$$;
CREATE TEMP TABLE loaders_before AS
SELECT pg_temp.loaders_state('j7599.hcpcs_code') AS hcpcs, pg_temp.loaders_state('j7599.place_of_service') AS pos;

-- ---- signatures ---------------------------------------------------------------
SELECT has_function('j7599', 'load_hcpcs_codes', ARRAY['regclass', 'text', 'text', 'date', 'boolean'],
                    'load_hcpcs_codes(staging, code_set_version, source, effective, allow_mass_close)');
SELECT has_function('j7599', 'load_place_of_service', ARRAY['regclass', 'text', 'date', 'text', 'boolean'],
                    'load_place_of_service(staging, source, effective, confidence, allow_mass_close)');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'j7599'::regnamespace
            AND proname IN ('load_hcpcs_codes', 'load_place_of_service')), 2::bigint,
          'one signature of each loader (the old ones are gone)');
SELECT is((SELECT bool_or(has_function_privilege('public', oid, 'EXECUTE')) FROM pg_proc
            WHERE pronamespace = 'j7599'::regnamespace
              AND proname IN ('load_hcpcs_codes', 'load_place_of_service', '_empty_staging_check', '_mass_close_check')),
          false, 'PUBLIC may not run the loaders or their checks');

-- ---- HCPCS: an empty staging table ------------------------------------------------
CREATE TEMP TABLE hcpcs_stage (code text, long_description text, short_description text);
SELECT throws_ok($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'failed copy', effective => '2025-01-01')$$,
                 '22023', 'staging table hcpcs_stage holds no code',
                 'an empty staging table is refused (22023)');
SELECT is(pg_temp.loaders_state('j7599.hcpcs_code'), (SELECT hcpcs FROM loaders_before),
          'the refused empty load changed nothing');
SELECT matches(pg_temp.loaders_error($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'x')$$),
               '^22023 \| staging table hcpcs_stage holds no code \| [A-Z].*\. \| Fill the staging table first .*\.$',
               'also without an effective date; the detail and the hint are sentences');
INSERT INTO hcpcs_stage VALUES (NULL, 'no code', NULL), ('  ', 'blank code', NULL);
SELECT throws_ok($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'x', effective => '2025-01-01')$$,
                 '22023', 'staging table hcpcs_stage holds no code',
                 'a staging table whose rows have no code is empty too');
SELECT throws_ok($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'x', effective => '2025-01-01',
                                                       allow_mass_close => true)$$,
                 '22023', 'staging table hcpcs_stage holds no code',
                 'allow_mass_close does not let an empty staging table through');

-- ---- HCPCS: a reload of the shipped rows ------------------------------------------
TRUNCATE hcpcs_stage;
INSERT INTO hcpcs_stage SELECT code, long_description, short_description FROM j7599.hcpcs_code;
SELECT results_eq($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'the shipped file again',
                                                         effective => '2025-01-01')$$,
                  $$VALUES (0::bigint, 0::bigint, 0::bigint, 0::bigint)$$,
                  'a reload of the shipped rows reports no change (updated 0)');
SELECT is(pg_temp.loaders_state('j7599.hcpcs_code'), (SELECT hcpcs FROM loaders_before),
          'a reload of the shipped rows changes nothing');
SELECT is((SELECT count(*) FROM j7599.hcpcs_code WHERE shipped), 6710::bigint, 'every code is still shipped');

-- one changed descriptor: that row only
UPDATE hcpcs_stage SET short_description = 'Immunosuppressive drug noc (2025)' WHERE code = 'J7599';
SELECT results_eq($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'one change')$$,
                  $$VALUES (0::bigint, 1::bigint, 0::bigint, 0::bigint)$$,
                  'a file that changes one descriptor updates one row');
SELECT results_eq($$SELECT code, code_set_version, source, shipped FROM j7599.hcpcs_code
                     WHERE code IN ('J7599', 'J7598') OR NOT shipped ORDER BY code$$,
                  $$VALUES ('J7599', '2025', 'one change', false)$$,
                  'the changed row takes the version and source and is a user row; the others stay shipped');

-- ---- HCPCS: a file missing half the codes --------------------------------------------
DELETE FROM hcpcs_stage WHERE code >= 'J';
SELECT is((SELECT count(*) FROM hcpcs_stage), 3496::bigint, 'the half file holds the 3,496 codes before J');
CREATE TEMP TABLE loaders_half AS SELECT pg_temp.loaders_state('j7599.hcpcs_code') AS hcpcs;
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'half file',
                                                                      effective => '2025-01-01')$$),
          '22023 | load_hcpcs_codes refuses to close 3214 of the 6710 HCPCS codes in force on 2025-01-01'
          ' | The staging table lacks 3214 of the 6710 HCPCS codes in force on 2025-01-01, more than 10%; nothing was changed.'
          ' | Check that the whole file reached the staging table; to close them anyway, call the loader with allow_mass_close => true.',
          'a file missing half the codes is refused (22023); the detail counts, the hint names allow_mass_close');
SELECT is(pg_temp.loaders_state('j7599.hcpcs_code'), (SELECT hcpcs FROM loaders_half),
          'the refused load changed nothing');
SELECT results_eq($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'half file')$$,
                  $$VALUES (0::bigint, 0::bigint, 0::bigint, 3214::bigint)$$,
                  'without an effective date nothing closes, so nothing is refused (not_in_file 3214)');
SELECT results_eq($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'half file', effective => '2025-01-01',
                                                         allow_mass_close => true)$$,
                  $$VALUES (0::bigint, 0::bigint, 3214::bigint, 0::bigint)$$,
                  'with allow_mass_close => true the half file closes 3,214 codes');
SELECT results_eq($$SELECT count(*) FILTER (WHERE valid = '(,2025-01-01)'), count(*) FILTER (WHERE shipped),
                           count(*) FILTER (WHERE valid @> DATE '2025-01-01')
                    FROM j7599.hcpcs_code$$,
                  $$VALUES (3214::bigint, 3496::bigint, 3496::bigint)$$,
                  'the codes missing from the file end on 2025-01-01; the others are untouched');

-- the whole file again: the closed codes open again (updated), then the
-- limit: 671 of 6,710 (10%) may close without the flag, 672 may not
TRUNCATE hcpcs_stage;
INSERT INTO hcpcs_stage SELECT code, long_description, short_description FROM j7599.hcpcs_code;
SELECT results_eq($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'whole file', effective => '2025-01-01')$$,
                  $$VALUES (0::bigint, 3214::bigint, 0::bigint, 0::bigint)$$,
                  'the whole file opens the closed codes again (3,214 updated)');
DELETE FROM hcpcs_stage WHERE code IN (SELECT code FROM hcpcs_stage ORDER BY code DESC LIMIT 672);
SELECT throws_ok($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'x', effective => '2026-01-01')$$,
                 '22023', 'load_hcpcs_codes refuses to close 672 of the 6710 HCPCS codes in force on 2026-01-01',
                 'closing 672 of 6,710 codes (just over 10%) is refused');
INSERT INTO hcpcs_stage SELECT code, long_description, short_description FROM j7599.hcpcs_code
 WHERE code = (SELECT min(code) FROM j7599.hcpcs_code WHERE code NOT IN (SELECT code FROM hcpcs_stage));
SELECT results_eq($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'x', effective => '2026-01-01')$$,
                  $$VALUES (0::bigint, 0::bigint, 671::bigint, 0::bigint)$$,
                  'closing 671 of 6,710 codes (10%) is allowed');

-- ---- place of service ---------------------------------------------------------------
CREATE TEMP TABLE pos_stage (code text, name text);
SELECT throws_ok($$SELECT * FROM j7599.load_place_of_service('pos_stage', 'failed copy', effective => '2025-07-01')$$,
                 '22023', 'staging table pos_stage holds no code',
                 'place of service: an empty staging table is refused (22023)');
SELECT is(pg_temp.loaders_state('j7599.place_of_service'), (SELECT pos FROM loaders_before),
          'place of service: the refused empty load changed nothing');

INSERT INTO pos_stage SELECT code, name FROM j7599.place_of_service;
SELECT results_eq($$SELECT * FROM j7599.load_place_of_service('pos_stage', 'the shipped list again',
                                                              effective => '2025-07-01')$$,
                  $$VALUES (0::bigint, 0::bigint, 52::bigint, 0::bigint, 0::bigint)$$,
                  'place of service: a reload of the shipped rows reports 52 unchanged');
SELECT is(pg_temp.loaders_state('j7599.place_of_service'), (SELECT pos FROM loaders_before),
          'place of service: a reload of the shipped rows changes nothing');
SELECT is((SELECT count(*) FROM j7599.place_of_service WHERE shipped), 52::bigint,
          'place of service: every code is still shipped');

DELETE FROM pos_stage WHERE code >= '50';
SELECT is((SELECT count(*) FROM pos_stage), 34::bigint, 'the half list holds 34 of the 52 codes');
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_place_of_service('pos_stage', 'half list',
                                                                           effective => '2025-07-01')$$),
          '22023 | load_place_of_service refuses to close 18 of the 52 place-of-service codes in force on 2025-07-01'
          ' | The staging table lacks 18 of the 52 place-of-service codes in force on 2025-07-01, more than 10%; nothing was changed.'
          ' | Check that the whole file reached the staging table; to close them anyway, call the loader with allow_mass_close => true.',
          'place of service: a list missing 18 of 52 codes is refused (22023)');
SELECT is(pg_temp.loaders_state('j7599.place_of_service'), (SELECT pos FROM loaders_before),
          'place of service: the refused load changed nothing');
SELECT results_eq($$SELECT * FROM j7599.load_place_of_service('pos_stage', 'half list', effective => '2025-07-01',
                                                              allow_mass_close => true)$$,
                  $$VALUES (0::bigint, 0::bigint, 34::bigint, 18::bigint, 0::bigint)$$,
                  'place of service: with allow_mass_close => true 18 codes close');
SELECT results_eq($$SELECT count(*) FILTER (WHERE upper(valid) = '2025-07-01'), count(*) FILTER (WHERE shipped)
                    FROM j7599.place_of_service$$,
                  $$VALUES (18::bigint, 34::bigint)$$,
                  'place of service: the 18 end on 2025-07-01, the 34 others stay shipped');
-- the limit: 5 of 52 may close, 6 may not
TRUNCATE pos_stage;
INSERT INTO pos_stage SELECT code, name FROM j7599.place_of_service;
SELECT results_eq($$SELECT * FROM j7599.load_place_of_service('pos_stage', 'x', effective => '2025-07-01')$$,
                  $$VALUES (0::bigint, 18::bigint, 34::bigint, 0::bigint, 0::bigint)$$,
                  'place of service: the whole list opens the closed codes again (18 updated)');
DELETE FROM pos_stage WHERE code IN ('01', '02', '03', '04', '05', '06');
SELECT throws_ok($$SELECT * FROM j7599.load_place_of_service('pos_stage', 'x', effective => '2026-01-01')$$,
                 '22023', 'load_place_of_service refuses to close 6 of the 52 place-of-service codes in force on 2026-01-01',
                 'place of service: closing 6 of 52 codes is refused');
INSERT INTO pos_stage SELECT code, name FROM j7599.place_of_service WHERE code = '06';
SELECT results_eq($$SELECT closed FROM j7599.load_place_of_service('pos_stage', 'x', effective => '2026-01-01')$$,
                  $$VALUES (5::bigint)$$,
                  'place of service: closing 5 of 52 codes (under 10%) is allowed');

SELECT * FROM finish();
ROLLBACK;
