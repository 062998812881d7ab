-- test/pgtap/loaders.sql: the loaders' safety.  An empty staging table (a
-- \copy that failed just before) is refused; a file that would close more
-- than a tenth of the rows in force on the effective date is refused unless
-- allow_mass_close => true; a reload of the shipped rows changes nothing and
-- says so.  For load_hcpcs_codes, load_place_of_service, load_modifiers and
-- load_ndc_crosswalk.  Each refusal is checked to have changed nothing.
--
-- Runs in one transaction and rolls back.
BEGIN;
SELECT plan(68);

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
SELECT pg_temp.loaders_state('j7599.hcpcs_code') AS hcpcs, pg_temp.loaders_state('j7599.place_of_service') AS pos,
       pg_temp.loaders_state('j7599.modifier') AS mods, pg_temp.loaders_state('j7599.ndc_code') AS xwalk;

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
-- (a current file does not list the deleted J7506: it stays closed, counted
-- as not in the file)
TRUNCATE hcpcs_stage;
INSERT INTO hcpcs_stage SELECT code, long_description, short_description FROM j7599.hcpcs_code WHERE upper_inf(valid);
SELECT results_eq($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'the shipped file again',
                                                         effective => '2025-01-01')$$,
                  $$VALUES (0::bigint, 0::bigint, 0::bigint, 1::bigint)$$,
                  'a reload of the shipped rows reports no change (updated 0; J7506 not in the file)');
SELECT is(pg_temp.loaders_state('j7599.hcpcs_code'), (SELECT hcpcs FROM loaders_before),
          'a reload of the shipped rows changes nothing');
SELECT is((SELECT count(*) FROM j7599.hcpcs_code WHERE shipped), 7090::bigint, 'every code is still shipped');

-- one changed descriptor: that row only
UPDATE hcpcs_stage SET short_description = 'Immunosuppressive drug noc (2025)' WHERE code = 'J7599';
SELECT results_eq($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'one change')$$,
                  $$VALUES (0::bigint, 1::bigint, 0::bigint, 1::bigint)$$,
                  'a file that changes one descriptor updates one row');
SELECT results_eq($$SELECT code, code_set_version, source, shipped FROM j7599.hcpcs_code
                     WHERE code IN ('J7599', 'J7598') OR NOT shipped ORDER BY code$$,
                  $$VALUES ('J7599', '2025', 'one change', false)$$,
                  'the changed row takes the version and source and is a user row; the others stay shipped');

-- ---- HCPCS: a file missing half the codes --------------------------------------------
DELETE FROM hcpcs_stage WHERE code >= 'J';
SELECT is((SELECT count(*) FROM hcpcs_stage), 3497::bigint, 'the half file holds the 3,497 codes in force before J');
CREATE TEMP TABLE loaders_half AS SELECT pg_temp.loaders_state('j7599.hcpcs_code') AS hcpcs;
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'half file',
                                                                      effective => '2025-01-01')$$),
          '22023 | load_hcpcs_codes refuses to close 3592 of the 7089 HCPCS codes in force on 2025-01-01'
          ' | The staging table lacks 3592 of the 7089 HCPCS codes in force on 2025-01-01, more than 10%; nothing was changed.'
          ' | Check that the whole file reached the staging table; to close them anyway, call the loader with allow_mass_close => true.',
          'a file missing half the codes is refused (22023); the detail counts, the hint names allow_mass_close');
SELECT is(pg_temp.loaders_state('j7599.hcpcs_code'), (SELECT hcpcs FROM loaders_half),
          'the refused load changed nothing');
SELECT results_eq($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'half file')$$,
                  $$VALUES (0::bigint, 0::bigint, 0::bigint, 3593::bigint)$$,
                  'without an effective date nothing closes, so nothing is refused (not_in_file 3593 with J7506)');
SELECT results_eq($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'half file', effective => '2025-01-01',
                                                         allow_mass_close => true)$$,
                  $$VALUES (0::bigint, 0::bigint, 3592::bigint, 1::bigint)$$,
                  'with allow_mass_close => true the half file closes 3,592 codes');
SELECT results_eq($$SELECT count(*) FILTER (WHERE valid = '(,2025-01-01)'), count(*) FILTER (WHERE shipped),
                           count(*) FILTER (WHERE valid @> DATE '2025-01-01')
                    FROM j7599.hcpcs_code$$,
                  $$VALUES (3592::bigint, 3498::bigint, 3497::bigint)$$,
                  'the codes missing from the file end on 2025-01-01; the others are untouched');

-- the whole file again: the closed codes open again (updated), then the
-- limit: 671 of 6,710 (10%) may close without the flag, 672 may not
TRUNCATE hcpcs_stage;
INSERT INTO hcpcs_stage SELECT code, long_description, short_description FROM j7599.hcpcs_code WHERE code <> 'J7506';
SELECT results_eq($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'whole file', effective => '2025-01-01')$$,
                  $$VALUES (0::bigint, 3592::bigint, 0::bigint, 1::bigint)$$,
                  'the whole file opens the closed codes again (3,592 updated)');
DELETE FROM hcpcs_stage WHERE code IN (SELECT code FROM hcpcs_stage ORDER BY code DESC LIMIT 709);
SELECT throws_ok($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'x', effective => '2026-01-01')$$,
                 '22023', 'load_hcpcs_codes refuses to close 709 of the 7089 HCPCS codes in force on 2026-01-01',
                 'closing 709 of 7,089 codes (just over 10%) is refused');
INSERT INTO hcpcs_stage SELECT code, long_description, short_description FROM j7599.hcpcs_code
 WHERE code = (SELECT min(code) FROM j7599.hcpcs_code WHERE code NOT IN (SELECT code FROM hcpcs_stage) AND code <> 'J7506');
SELECT results_eq($$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'x', effective => '2026-01-01')$$,
                  $$VALUES (0::bigint, 0::bigint, 708::bigint, 1::bigint)$$,
                  'closing 708 of 7,089 codes (under 10%) is allowed');

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

-- ---- modifiers ------------------------------------------------------------------------
SELECT has_function('j7599', 'load_modifiers', ARRAY['regclass', 'text', 'date', 'boolean'],
                    'load_modifiers(staging, source, effective, allow_mass_close)');
SELECT is((SELECT bool_or(has_function_privilege('public', oid, 'EXECUTE')) FROM pg_proc
            WHERE pronamespace = 'j7599'::regnamespace AND proname IN ('load_modifiers', 'load_ndc_crosswalk')),
          false, 'PUBLIC may not run load_modifiers or load_ndc_crosswalk');
CREATE TEMP TABLE mod_stage (modifier text, description text);
SELECT throws_ok($$SELECT * FROM j7599.load_modifiers('mod_stage', 'failed copy', effective => '2026-01-01')$$,
                 '22023', 'staging table mod_stage holds no code', 'modifiers: an empty staging table is refused (22023)');
SELECT is(pg_temp.loaders_state('j7599.modifier'), (SELECT mods FROM loaders_before),
          'modifiers: the refused empty load changed nothing');
-- the shipped list again (every modifier, CPT and ambulance pairs included)
INSERT INTO mod_stage SELECT modifier, description FROM j7599.modifier;
SELECT results_eq($$SELECT * FROM j7599.load_modifiers('mod_stage', 'the shipped list again', effective => '2026-01-01')$$,
                  $$VALUES (0::bigint, 0::bigint, 469::bigint, 0::bigint, 0::bigint)$$,
                  'modifiers: a reload of the shipped rows reports 469 unchanged and no change');
SELECT is(pg_temp.loaders_state('j7599.modifier'), (SELECT mods FROM loaders_before),
          'modifiers: a reload of the shipped rows changes nothing');
-- the Level II list alone: CPT modifiers and ambulance pairs are not closed
DELETE FROM mod_stage WHERE modifier IN (SELECT modifier FROM j7599.modifier WHERE code_set <> 'CMS HCPCS Level II');
SELECT results_eq($$SELECT * FROM j7599.load_modifiers('mod_stage', 'Level II list', effective => '2026-01-01')$$,
                  $$VALUES (0::bigint, 0::bigint, 372::bigint, 0::bigint, 0::bigint)$$,
                  'modifiers: a Level II list leaves the CPT modifiers and the ambulance pairs alone');
-- half the Level II list
DELETE FROM mod_stage WHERE modifier >= 'M';
SELECT throws_ok($$SELECT * FROM j7599.load_modifiers('mod_stage', 'half list', effective => '2026-01-01')$$,
                 '22023', 'load_modifiers refuses to close 167 of the 372 Level II modifiers in force on 2026-01-01',
                 'modifiers: a list missing 167 of 372 Level II modifiers is refused (22023)');
SELECT is(pg_temp.loaders_state('j7599.modifier'), (SELECT mods FROM loaders_before),
          'modifiers: the refused load changed nothing');
SELECT results_eq($$SELECT * FROM j7599.load_modifiers('mod_stage', 'half list', effective => '2026-01-01',
                                                       allow_mass_close => true)$$,
                  $$VALUES (0::bigint, 0::bigint, 205::bigint, 167::bigint, 0::bigint)$$,
                  'modifiers: with allow_mass_close => true 167 close');
INSERT INTO mod_stage VALUES ('ZQ', 'A modifier of a newer list');
UPDATE mod_stage SET description = 'Drug amount discarded (2026 wording)' WHERE modifier = 'JW';
SELECT results_eq($$SELECT * FROM j7599.load_modifiers('mod_stage', 'newer list')$$,
                  $$VALUES (1::bigint, 1::bigint, 204::bigint, 0::bigint, 167::bigint)$$,
                  'modifiers: a new modifier is inserted, a changed description updated');
SELECT results_eq($$SELECT modifier, category, drug_line, code_set, shipped FROM j7599.modifier
                     WHERE modifier IN ('ZQ', 'JW') ORDER BY modifier$$,
                  $$VALUES ('JW', 'waste', 'expected', 'CMS HCPCS Level II', false),
                           ('ZQ', 'other', 'allowed', 'CMS HCPCS Level II', false)$$,
                  'modifiers: the changed row keeps its category and behaviour; the new one is plain');

-- ---- the NDC crosswalk ---------------------------------------------------------------
SELECT has_function('j7599', 'load_ndc_crosswalk', ARRAY['regclass', 'text', 'daterange', 'boolean'],
                    'load_ndc_crosswalk(staging, source, valid, allow_mass_close)');
CREATE TEMP TABLE xwalk_stage (hcpcs text, ndc2 text, drug_name text, hcpcs_dosage text);
SELECT throws_ok($$SELECT * FROM j7599.load_ndc_crosswalk('xwalk_stage', 'failed copy', '[2026-01-01,2026-04-01)')$$,
                 '22023', 'staging table xwalk_stage holds no code', 'crosswalk: an empty staging table is refused (22023)');
SELECT is(pg_temp.loaders_state('j7599.ndc_code'), (SELECT xwalk FROM loaders_before),
          'crosswalk: the refused empty load changed nothing');
\copy xwalk_stage FROM 'data/reference/cms-asp-ndc-hcpcs-2025q4.csv' WITH (FORMAT csv, HEADER)
SELECT results_eq($$SELECT * FROM j7599.load_ndc_crosswalk('xwalk_stage', 'the shipped file again',
                                                           '[2025-10-01,2026-01-01)')$$,
                  $$VALUES (0::bigint, 0::bigint, 6961::bigint, 0::bigint, 0::bigint, 1284::bigint)$$,
                  'crosswalk: a reload of the shipped file changes nothing and counts 1,284 alternate ids left out');
SELECT is(pg_temp.loaders_state('j7599.ndc_code'), (SELECT xwalk FROM loaders_before),
          'crosswalk: a reload of the shipped file changes nothing');
-- the next quarter, missing half the NDCs
CREATE TEMP TABLE xwalk_half AS
SELECT * FROM xwalk_stage WHERE ndc2 ~ '^[0-9]{5}-[0-9]{4}-[0-9]{2}$' AND ndc2 < '50000';
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_ndc_crosswalk('xwalk_half', 'next quarter, half',
                                                                        '[2026-01-01,2026-04-01)')$$),
          '22023 | load_ndc_crosswalk refuses to close 3866 of the 6961 crosswalk rows (NDC and code) in force on 2026-01-01'
          ' | The staging table lacks 3866 of the 6961 crosswalk rows (NDC and code) in force on 2026-01-01, more than 10%; nothing was changed.'
          ' | Check that the whole file reached the staging table; to close them anyway, call the loader with allow_mass_close => true.',
          'crosswalk: a next quarter missing half the NDCs is refused (22023)');
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_ndc_crosswalk('xwalk_half', 'same quarter, half',
                                                                        '[2025-10-01,2026-01-01)')$$) ~ '^22023 \| ',
          true, 'crosswalk: a reload of the same quarter missing half the NDCs is refused too');
SELECT is(pg_temp.loaders_state('j7599.ndc_code'), (SELECT xwalk FROM loaders_before),
          'crosswalk: the refused loads changed nothing');
-- the whole next quarter: every row grows by a quarter
UPDATE xwalk_stage SET drug_name = 'Cellcept IV (2026)' WHERE drug_name = 'Cellcept - IV';
SELECT results_eq($$SELECT * FROM j7599.load_ndc_crosswalk('xwalk_stage', 'CMS crosswalk January 2026',
                                                           '[2026-01-01,2026-04-01)')$$,
                  $$VALUES (1::bigint, 6960::bigint, 0::bigint, 0::bigint, 0::bigint, 1284::bigint)$$,
                  'crosswalk: the next quarter extends 6,960 rows; the renamed pair starts a row of its own');
SELECT results_eq($$SELECT valid, drug_name, shipped FROM j7599.ndc_code WHERE code = 'J7519' AND drug_name LIKE 'Cellcept%'
                     ORDER BY lower(valid)$$,
                  $$VALUES ('[2025-10-01,2026-01-01)'::daterange, 'Cellcept - IV', true),
                           ('[2026-01-01,2026-04-01)'::daterange, 'Cellcept IV (2026)', false)$$,
                  'crosswalk: the old name keeps its quarter, the new name has the next');

-- the staging rows' keys and descriptions, for the three code-list loaders:
-- a malformed key, a row without a description and a key given twice are
-- each refused with their message, before anything changes
CREATE TEMP TABLE keys_before AS
SELECT pg_temp.loaders_state('j7599.hcpcs_code') AS hcpcs, pg_temp.loaders_state('j7599.place_of_service') AS pos,
       pg_temp.loaders_state('j7599.modifier') AS mods;
CREATE TEMP TABLE keys_hcpcs (code text, long_description text, short_description text);
CREATE TEMP TABLE keys_pos (code text, name text);
CREATE TEMP TABLE keys_mod (modifier text, description text);

INSERT INTO keys_hcpcs VALUES ('J75', 'short code', NULL);
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_hcpcs_codes('keys_hcpcs', '2025', 'x')$$),
          '22023 | staging table keys_hcpcs holds "J75", which is not a HCPCS Level II code |  | A HCPCS Level II code is a letter and four digits.',
          'load_hcpcs_codes: a malformed code');
UPDATE keys_hcpcs SET code = 'J7599', long_description = ' ';
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_hcpcs_codes('keys_hcpcs', '2025', 'x')$$),
          '22023 | staging table keys_hcpcs has no long description for J7599 |  | ',
          'load_hcpcs_codes: a code without its description');
UPDATE keys_hcpcs SET long_description = 'NOC immunosuppressive';
INSERT INTO keys_hcpcs VALUES ('j7599 ', 'again', NULL);
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_hcpcs_codes('keys_hcpcs', '2025', 'x')$$),
          '21000 | staging table keys_hcpcs holds J7599 more than once |  | ',
          'load_hcpcs_codes: a code twice (as normalised)');

INSERT INTO keys_pos VALUES ('1A', 'office');
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_place_of_service('keys_pos', 'x')$$),
          '22023 | staging table keys_pos holds "1A", which is not a place-of-service code |  | A place-of-service code is two digits.',
          'load_place_of_service: a malformed code');
UPDATE keys_pos SET code = '11', name = NULL;
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_place_of_service('keys_pos', 'x')$$),
          '22023 | staging table keys_pos has no name for place of service 11 |  | ',
          'load_place_of_service: a code without its name');
UPDATE keys_pos SET name = 'Office';
INSERT INTO keys_pos VALUES ('11', 'Office again');
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_place_of_service('keys_pos', 'x')$$),
          '21000 | staging table keys_pos holds 11 more than once |  | ',
          'load_place_of_service: a code twice');

INSERT INTO keys_mod VALUES ('KXX', 'too long');
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_modifiers('keys_mod', 'x')$$),
          '22023 | staging table keys_mod holds "KXX", which is not a modifier |  | A modifier is two letters or digits.',
          'load_modifiers: a malformed modifier');
UPDATE keys_mod SET modifier = 'KX', description = '';
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_modifiers('keys_mod', 'x')$$),
          '22023 | staging table keys_mod has no description for modifier KX |  | ',
          'load_modifiers: a modifier without its description');
UPDATE keys_mod SET description = 'requirements met';
INSERT INTO keys_mod VALUES ('kx', 'again');
SELECT is(pg_temp.loaders_error($$SELECT * FROM j7599.load_modifiers('keys_mod', 'x')$$),
          '21000 | staging table keys_mod holds KX more than once |  | ',
          'load_modifiers: a modifier twice (as normalised)');
SELECT is(ARRAY[pg_temp.loaders_state('j7599.hcpcs_code'), pg_temp.loaders_state('j7599.place_of_service'),
                pg_temp.loaders_state('j7599.modifier')],
          (SELECT ARRAY[hcpcs, pos, mods] FROM keys_before), '... and none of these refusals changed a code list');

SELECT * FROM finish();
ROLLBACK;
