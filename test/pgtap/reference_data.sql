-- The shipped reference data (codes, modifiers, conflicts, places of service,
-- drug names), the comments on every table and column, the shipped flag and
-- the loaders for newer code sets.
BEGIN;
SET LOCAL search_path = public;
SELECT plan(62);

-- ---- HCPCS codes -------------------------------------------------------------
SELECT is((SELECT count(*) FROM j7599.hcpcs_code), 7090::bigint,
          '7,090 HCPCS Level II codes are shipped: 6,710 of 2020, 378 priced in October 2025, J7528 and J7514');
SELECT is((SELECT count(*) FROM j7599.hcpcs_code WHERE shipped), 7090::bigint, 'all of them are marked shipped');
SELECT set_eq(
    $$SELECT code FROM j7599.hcpcs_code WHERE is_noc$$,
    ARRAY['J3490', 'J3590', 'J3591', 'J7199', 'J7599', 'J7699', 'J7799', 'J7999', 'J8498', 'J8499', 'J8597', 'J8999',
          'J9999', 'C9399', 'Q4082', 'Q9977'],
    'exactly the 16 NOC drug codes are flagged is_noc');
SELECT results_eq(
    $$SELECT long_description, short_description, code_set, code_set_version FROM j7599.hcpcs_code WHERE code = 'J7599'$$,
    $$VALUES ('Immunosuppressive drug, not otherwise classified', 'Immunosuppressive drug noc', 'CMS HCPCS Level II', '2020')$$,
    'J7599 carries the CMS 2020 descriptors');
SELECT is((SELECT count(*) FROM j7599.hcpcs_code WHERE (valid <> '(,)' AND code <> 'J7506')
                                                 OR code_set_version NOT IN ('2020', '2025-10', '2025Q1', '2025Q3')), 0::bigint,
          'the files have no dates: every shipped code but J7506 is valid (,)');
SELECT ok((SELECT bool_and(source LIKE '%wamuir/hcpcs%' OR source LIKE '%crowbarmassage/340b-optimizer-v2%'
                           OR source LIKE '%EszopiCoder/MedBCalc%') FROM j7599.hcpcs_code), 'every code names its source');
SELECT is((SELECT code_set_version FROM j7599.hcpcs_code WHERE code = 'J7521'), '2025-10',
          'J7521 (added after 2020) comes from the October 2025 file');
SELECT ok(obj_description('j7599.hcpcs_code'::regclass) LIKE '%no add, effective or termination dates%',
          'the table comment says the files have no dates');

-- ---- modifiers ----------------------------------------------------------------
SELECT cmp_ok((SELECT count(*) FROM j7599.modifier), '>=', 370::bigint, 'at least 370 modifiers');
SELECT is((SELECT count(*) FROM j7599.modifier WHERE code_set = 'CMS HCPCS Level II' AND code_set_version = '2020'),
          369::bigint, 'the 369 Level II modifiers of the 2020 file');
SELECT results_eq(
    $$SELECT category, drug_line, valid, code_set_version, confidence FROM j7599.modifier WHERE modifier = 'JZ'$$,
    $$VALUES ('waste', 'expected', '[2023-01-01,)'::daterange, '2023', 'confirmed')$$,
    'JZ is shipped, valid from 2023-01-01, a waste modifier a drug line carries');
SELECT set_eq(
    $$SELECT modifier FROM j7599.modifier WHERE code_set = 'CPT'$$,
    ARRAY['22', '25', '26', '27', '32', '33', '50', '51', '52', '53', '57', '58', '59', '62', '63', '76', '77', '78', '79',
          '80', '81', '82', '90', '91', '92', '95', '96', '97', '99', '1P', '2P', '3P', '8P'],
    'the CPT modifiers seen on claims are there');
SELECT set_eq($$SELECT modifier FROM j7599.modifier WHERE drug_line = 'expected'$$,
              ARRAY['JW', 'JZ', 'KX', 'JG', 'TB'], 'JW, JZ, KX, JG and TB are expected on a drug line');
SELECT is((SELECT count(*) FROM j7599.modifier
            WHERE modifier IN ('25', '76', '77', 'RT', 'LT', '26', 'TC', '50', '51', '59', 'XE', 'XS', 'XP', 'XU')
              AND drug_line = 'procedure_only'), 14::bigint,
          '25, 76, 77, RT, LT, 26, TC, 50, 51, 59 and X{EPSU} are procedure_only');
SELECT results_eq(
    $$SELECT drug_line, description LIKE '%substantially greater work%documentation must support unusual effort%'
        FROM j7599.modifier WHERE modifier = '22'$$,
    $$VALUES ('needs_documentation', true)$$,
    '22 needs documentation and carries the seed document''s guidance');
SELECT is((SELECT count(*) FROM j7599.modifier WHERE modifier IN ('E1', 'F9', 'FA', 'T5', 'TA', 'LC', 'RI')
                                               AND category = 'anatomic'), 7::bigint,
          'eyelid, finger, toe and coronary artery modifiers are anatomic');
SELECT is((SELECT category FROM j7599.modifier WHERE modifier = 'XU'), 'ncci_bypass', 'XU is an NCCI bypass modifier');
SELECT is((SELECT category FROM j7599.modifier WHERE modifier = 'GZ'), 'payment', 'GZ is a payment modifier');
SELECT is((SELECT count(*) FROM j7599.modifier WHERE code_set = 'CPT' AND description ~* 'AMA|copyright'), 0::bigint,
          'CPT descriptions are our own short text');
SELECT is((SELECT count(*) FROM j7599.modifier WHERE confidence NOT IN ('confirmed', 'secondary', 'assumed')
                                                 OR source = ''), 0::bigint,
          'every modifier has a source and a confidence');

-- ---- modifier conflicts -------------------------------------------------------
SELECT set_eq(
    $$SELECT modifier_a || '/' || modifier_b FROM j7599.modifier_conflict$$,
    ARRAY['JW/JZ', 'GA/GZ', 'GA/GY', 'GY/GZ', 'EY/GA', 'GA/GL', 'GA/GX', '59/XE', '59/XP', '59/XS', '59/XU',
          'XE/XP', 'XE/XS', 'XE/XU', 'XP/XS', 'XP/XU', 'XS/XU', 'JG/TB', 'JA/JB', 'GA/KX', 'GY/KX', 'GZ/KX'],
    'the 22 conflicting pairs');
SELECT is((SELECT count(*) FROM j7599.modifier_conflict WHERE NOT modifier_a < modifier_b), 0::bigint,
          'every pair is stored with modifier_a < modifier_b');
SELECT results_eq($$SELECT confidence, source LIKE '%logical, not sourced%' FROM j7599.modifier_conflict
                     WHERE modifier_a = 'JA' AND modifier_b = 'JB'$$,
                  $$VALUES ('assumed', true)$$, 'JA/JB is assumed: logical, not sourced');
SELECT is((SELECT confidence FROM j7599.modifier_conflict WHERE modifier_a = 'JG' AND modifier_b = 'TB'), 'confirmed',
          'JG/TB is confirmed');

-- ---- places of service --------------------------------------------------------
SELECT is((SELECT count(*) FROM j7599.place_of_service), 52::bigint, '52 places of service');
SELECT is((SELECT count(*) FROM j7599.place_of_service WHERE code IN ('28', '29', '30', '00', '98')), 0::bigint,
          'unassigned numbers are absent');
SELECT results_eq($$SELECT valid, confidence FROM j7599.place_of_service WHERE code = '27'$$,
                  $$VALUES ('[2023-10-01,)'::daterange, 'confirmed')$$, 'POS 27 is valid from 2023-10-01');
SELECT results_eq($$SELECT valid, confidence, source LIKE '%Transmittal 12779%' FROM j7599.place_of_service
                     WHERE code = '66'$$,
                  $$VALUES ('[2024-08-01,)'::daterange, 'secondary', true)$$,
                  'POS 66 is valid from 2024-08-01, secondary, with its transmittal');
SELECT results_eq($$SELECT valid, confidence FROM j7599.place_of_service WHERE code = '12'$$,
                  $$VALUES ('(,)'::daterange, 'confirmed')$$, 'POS 12 (home) has no start date');

-- ---- drug names ---------------------------------------------------------------
SELECT set_eq($$SELECT code FROM j7599.drug_code WHERE drug = 'tacrolimus'$$,
              ARRAY['J7503', 'J7507', 'J7508', 'J7525'], 'tacrolimus has one row per code');
SELECT set_eq($$SELECT code || ':' || route FROM j7599.drug_code WHERE drug = 'cyclosporin'$$,
              ARRAY['J7502:oral', 'J7515:oral', 'J7516:parenteral'], 'the spelling cyclosporin is there, with routes');
SELECT is((SELECT count(*) FROM j7599.drug_code d WHERE NOT EXISTS (SELECT FROM j7599.hcpcs_code h WHERE h.code = d.code)),
          0::bigint, 'every drug code exists in the shipped code set');
SELECT set_eq($$SELECT drug FROM j7599.drug_code WHERE name_kind = 'brand' AND code IN ('J7503', 'J7508', 'J7527', 'J0480')$$,
              ARRAY['envarsus xr', 'envarsus', 'astagraf xl', 'astagraf', 'zortress', 'simulect'],
              'brand names of codes named in descriptors and sources');
SELECT is((SELECT code FROM j7599.drug_code WHERE drug = 'basiliximab'), 'J0480', 'basiliximab has J0480');
SELECT set_eq($$SELECT code FROM j7599.drug_code WHERE drug = 'prednisone'$$, ARRAY['J7512'],
              'prednisone has its oral code in force (J7506 was replaced by J7512)');
SELECT is((SELECT count(*) FROM j7599.drug_code WHERE confidence NOT IN ('confirmed', 'secondary', 'assumed')
                                                  OR source !~ '^(CMS HCPCS Level II 2020|CMS ASP payment-limit file October 2025|research notes): '),
          0::bigint,
          'every drug row names the descriptor of its code');

-- ---- comments -----------------------------------------------------------------
SELECT is((SELECT count(*) FROM pg_class c
            WHERE c.relnamespace = 'j7599'::regnamespace AND c.relkind = 'r'
              AND c.relname IN ('hcpcs_code', 'modifier', 'modifier_conflict', 'place_of_service', 'drug_code',
                                'payer', 'payer_alias', 'policy', 'ndc_code')
              AND obj_description(c.oid, 'pg_class') IS NULL), 0::bigint, 'every reference table has a comment');
SELECT is((SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = 'j7599'::regnamespace
              AND c.relname IN ('hcpcs_code', 'modifier', 'modifier_conflict', 'place_of_service', 'drug_code',
                                'payer', 'payer_alias', 'policy', 'ndc_code')
              AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL), 0::bigint,
          'every column of the reference tables has a comment');
SELECT is((SELECT count(*) FROM pg_proc p
            WHERE p.pronamespace = 'j7599'::regnamespace
              AND p.proname IN ('payer_resolve', 'payer_chain', 'payer_chain_ids', 'policy_trace', 'policy_for',
                                'policy_explain', 'staging_check', 'load_hcpcs_codes', 'load_place_of_service',
                                'reference_row_updated', 'reference_row_inserted', 'payer_alias_inserted',
                                'load_modifiers', 'load_ndc_crosswalk', 'crosswalk_row_inserted', '_crosswalk_ndc')
              AND obj_description(p.oid, 'pg_proc') <> ''), 16::bigint,
          'the sixteen reference and policy functions exist and have comments');

-- ---- dump registration --------------------------------------------------------
SELECT is((SELECT array_agg(cfg::regclass::text ORDER BY cfg::regclass::text)
           FROM pg_extension, unnest(extconfig, extcondition) AS u(cfg, cond)
           WHERE extname = 'j7599' AND cond = 'WHERE NOT shipped'),
          ARRAY['j7599.drug_code', 'j7599.hcpcs_code', 'j7599.modifier', 'j7599.modifier_conflict',
                'j7599.ndc_code', 'j7599.payer', 'j7599.payer_alias', 'j7599.place_of_service', 'j7599.policy',
                'j7599.rule_setting', 'j7599.unit_limit'],
          'the eleven reference tables are registered with pg_extension_config_dump, saving only rows WHERE NOT shipped');
SELECT is((SELECT array_agg(cfg::regclass::text || ':' || cond ORDER BY cfg::regclass::text)
           FROM pg_extension, unnest(extconfig, extcondition) AS u(cfg, cond)
           WHERE extname = 'j7599' AND cond <> 'WHERE NOT shipped'),
          ARRAY['j7599.audit_history:', 'j7599.audit_run_id_seq:', 'j7599.quarantine:', 'j7599.quarantine_id_seq:',
                'j7599.registration:'],
          'the only other config relations are the registrations, the audit history and the quarantine with their sequences, dumped whole');

-- ---- the shipped flag ---------------------------------------------------------
UPDATE j7599.hcpcs_code SET short_description = short_description WHERE code = 'J7599';
SELECT ok((SELECT shipped FROM j7599.hcpcs_code WHERE code = 'J7599'), 'an UPDATE that changes nothing keeps shipped');
UPDATE j7599.hcpcs_code SET short_description = 'Immunosupp drug NOC (local)' WHERE code = 'J7599';
SELECT ok(NOT (SELECT shipped FROM j7599.hcpcs_code WHERE code = 'J7599'), 'an UPDATE that changes a row clears shipped');
SELECT throws_ok($$UPDATE j7599.hcpcs_code SET shipped = true WHERE code = 'J7599'$$, '55000', NULL,
                 'a user row cannot be marked shipped');

INSERT INTO j7599.modifier (modifier, description, category, drug_line, code_set, code_set_version, source, confidence)
VALUES ('JW', 'Drug amount discarded (local wording)', 'waste', 'allowed', 'CMS HCPCS Level II', '2020', 'local policy',
        'assumed');
SELECT results_eq($$SELECT count(*), bool_and(NOT shipped), min(description), min(drug_line)
                      FROM j7599.modifier WHERE modifier = 'JW'$$,
                  $$VALUES (1::bigint, true, 'Drug amount discarded (local wording)', 'allowed')$$,
                  'an INSERT with the key of a shipped row replaces it');
SELECT is((SELECT count(*) FROM j7599.modifier_conflict WHERE shipped AND 'JW' IN (modifier_a, modifier_b)), 1::bigint,
          'replacing a modifier leaves the conflict rows that refer to it alone');
INSERT INTO j7599.modifier (modifier, description, category, drug_line, code_set, code_set_version, source, confidence, shipped)
VALUES ('Q9', 'One class b and two class c findings', 'procedure', 'procedure_only', 'CMS HCPCS Level II', '2020',
        'local', 'assumed', true);
SELECT ok(NOT (SELECT shipped FROM j7599.modifier WHERE modifier = 'Q9'), 'an inserted row is never shipped');
SELECT throws_ok($$INSERT INTO j7599.modifier (modifier, description, category, drug_line, code_set, code_set_version,
                                              source, confidence)
                   VALUES ('JW', 'again', 'waste', 'allowed', 'x', 'x', 'x', 'assumed')$$,
                 '23505', NULL, 'a second row with the key of a user row is a unique violation');
INSERT INTO j7599.payer_alias (alias, payer_id, source) VALUES ('blue-cross', 'bcbs', 'local spelling');
SELECT results_eq($$SELECT alias, shipped FROM j7599.payer_alias WHERE j7599.payer_key(alias) = 'bluecross'$$,
                  $$VALUES ('blue-cross', false)$$, 'an alias with the key of a shipped alias replaces it');

-- ---- loading a newer HCPCS file -----------------------------------------------
CREATE TEMP TABLE hcpcs_stage (code text, long_description text, short_description text, extra int);
INSERT INTO hcpcs_stage (code, long_description, short_description)
SELECT code, long_description, short_description FROM j7599.hcpcs_code WHERE code NOT IN ('J7513', 'J7506');
UPDATE hcpcs_stage SET long_description = 'Tacrolimus, extended release, (envarsus xr), oral, 0.25 mg (2025 wording)'
 WHERE code = 'J7503';
DELETE FROM hcpcs_stage WHERE code = 'J7521';
DELETE FROM j7599.hcpcs_code WHERE code = 'J7521';
INSERT INTO hcpcs_stage VALUES (' j7521 ', 'Tacrolimus, granules, for oral suspension, 0.1 mg', 'Tacrolim granules oral susp', 1);
SELECT results_eq(
    $$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025', 'test file', effective => '2025-01-01')$$,
    $$VALUES (1::bigint, 1::bigint, 1::bigint, 1::bigint)$$,
    'load_hcpcs_codes reports 1 inserted, 1 updated (the one changed descriptor), 1 closed, 1 missing and already closed (J7506)');
SELECT results_eq($$SELECT valid, shipped, is_noc, code_set_version FROM j7599.hcpcs_code WHERE code = 'J7521'$$,
                  $$VALUES ('[2025-01-01,)'::daterange, false, false, '2025')$$,
                  'a new code is valid from the effective date and is a user row');
SELECT results_eq($$SELECT valid, shipped FROM j7599.hcpcs_code WHERE code = 'J7513'$$,
                  $$VALUES ('(,2025-01-01)'::daterange, false)$$, 'a code missing from the file is closed');
SELECT results_eq($$SELECT long_description, valid, is_noc, code_set_version, source, shipped FROM j7599.hcpcs_code
                     WHERE code IN ('J7503', 'J7599') ORDER BY code$$,
                  $$VALUES ('Tacrolimus, extended release, (envarsus xr), oral, 0.25 mg (2025 wording)', '(,)'::daterange,
                            false, '2025', 'test file', false),
                           ('Immunosuppressive drug, not otherwise classified', '(,)'::daterange, true, '2020',
                            'CMS HCPCS Level II annual file 2020, as republished in github.com/wamuir/hcpcs', false)$$,
                  'a known code whose descriptors changed takes them and the version, keeps is_noc; an unchanged code keeps its version and source');
SELECT is((SELECT count(*) FROM j7599.hcpcs_code WHERE shipped), 7086::bigint,
          'the codes the file leaves unchanged stay shipped (all but J7503, J7513, the edited J7599 and the deleted J7521)');
SELECT results_eq(
    $$SELECT * FROM j7599.load_hcpcs_codes('hcpcs_stage', '2025b', 'test file again')$$,
    $$VALUES (0::bigint, 0::bigint, 0::bigint, 2::bigint)$$,
    'without an effective date nothing is closed; the missing codes are counted; unchanged codes are not updated');
CREATE TEMP TABLE bad_stage (code text, long_description text);
SELECT throws_ok($$SELECT * FROM j7599.load_hcpcs_codes('bad_stage', '2025', 'x')$$, '42703', NULL,
                 'a staging table without short_description is refused (42703)');
CREATE TEMP TABLE bad_codes (code text, long_description text, short_description text);
INSERT INTO bad_codes VALUES ('J759', 'too short', NULL);
SELECT throws_ok($$SELECT * FROM j7599.load_hcpcs_codes('bad_codes', '2025', 'x')$$, '22023', NULL,
                 'a malformed code is refused (22023)');
TRUNCATE bad_codes;
INSERT INTO bad_codes VALUES ('J7599', 'one', NULL), ('j7599', 'two', NULL);
SELECT throws_ok($$SELECT * FROM j7599.load_hcpcs_codes('bad_codes', '2025', 'x')$$, '21000', NULL,
                 'a code given twice is refused (21000)');
CREATE TEMP TABLE "Odd Stage; DROP TABLE x" (code text, long_description text, short_description text);
INSERT INTO "Odd Stage; DROP TABLE x" VALUES ('J7599', 'Immunosuppressive drug, not otherwise classified (2026)', 'Immunosuppressive drug noc');
SELECT results_eq($$SELECT inserted, updated FROM j7599.load_hcpcs_codes('"Odd Stage; DROP TABLE x"', '2026', 'x')$$,
                  $$VALUES (0::bigint, 1::bigint)$$, 'a staging table name that needs quoting works');

-- ---- loading a newer place-of-service list ------------------------------------
CREATE TEMP TABLE pos_stage (code text, name text);
INSERT INTO pos_stage SELECT code, name FROM j7599.place_of_service WHERE code NOT IN ('05', '18', '99');
UPDATE pos_stage SET name = 'Telehealth Provided Other than in Patient''s Home (renamed)' WHERE code = '02';
INSERT INTO pos_stage VALUES ('67', 'Test Place'), ('5', 'Indian Health Service Free-standing Facility');
SELECT results_eq(
    $$SELECT * FROM j7599.load_place_of_service('pos_stage', 'test list', effective => '2026-01-01')$$,
    $$VALUES (1::bigint, 1::bigint, 49::bigint, 2::bigint, 0::bigint)$$,
    'load_place_of_service: 1 inserted, 1 renamed, 49 unchanged, 2 closed ("5" is read as 05)');
SELECT results_eq($$SELECT code, valid, shipped FROM j7599.place_of_service WHERE code IN ('67', '18', '11') ORDER BY code$$,
                  $$VALUES ('11', '(,)'::daterange, true), ('18', '[2013-01-01,2026-01-01)'::daterange, false),
                           ('67', '[2026-01-01,)'::daterange, false)$$,
                  'new code valid from the effective date, missing code closed, unchanged code still shipped');
SELECT throws_ok($$SELECT * FROM j7599.load_place_of_service('pos_stage', 'x', confidence => 'sure')$$, '22023', NULL,
                 'an unknown confidence is refused');

SELECT * FROM finish();
ROLLBACK;
