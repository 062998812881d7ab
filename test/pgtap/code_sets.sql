-- test/pgtap/code_sets.sql: the dated code sets, the modifier facts, the
-- drug forms, Medicare Part B-ID and the shipped NDC crosswalk.
--
-- Runs in one transaction and rolls back.
BEGIN;
SET LOCAL search_path = public;
SELECT plan(30);

-- ---- HCPCS codes: dates and replacements --------------------------------------
SELECT results_eq(
    $$SELECT valid @> DATE '2020-01-01', valid @> DATE '2015-12-31', replaced_by, confidence
        FROM j7599.hcpcs_code WHERE code = 'J7506'$$,
    $$VALUES (false, true, 'J7512', 'secondary')$$,
    'J7506 is not in force on 2020-01-01 (deleted 2016-01-01), names J7512, secondary');
SELECT set_eq($$SELECT code FROM j7599.hcpcs_code WHERE code IN ('J7521', 'J7519', 'J1010', 'J2919', 'J7528', 'J7514')$$,
              ARRAY['J7521', 'J7519', 'J1010', 'J2919', 'J7528', 'J7514'],
              'J7521, J7519, J1010, J2919 (October 2025 file) and J7528, J7514 (research notes) exist');
SELECT results_eq(
    $$SELECT valid, source LIKE '%in force by 2025-10-01%', source LIKE '%2024Q1 at the latest%', confidence
        FROM j7599.hcpcs_code WHERE code = 'J7521'$$,
    $$VALUES ('(,)'::daterange, true, true, 'confirmed')$$,
    'J7521: no invented start date; the source says in force by 2025-10-01 and the 2024Q1 upper bound');
SELECT is((SELECT count(*) FROM j7599.hcpcs_code WHERE code_set_version = '2025-10'
                                                 AND valid = '(,)' AND source LIKE '%in force by 2025-10-01%'),
          378::bigint, 'the 378 codes of the October 2025 file missing from 2020 are open ranges with that note');
SELECT results_eq(
    $$SELECT count(*), bool_and(upper_inf(valid)), bool_and(source LIKE '%deletion date is UNCONFIRMED%')
        FROM j7599.hcpcs_code WHERE code IN ('J1020', 'J1030', 'J1040', 'J2920', 'J2930')$$,
    $$VALUES (5::bigint, true, true)$$,
    'J1020/J1030/J1040/J2920/J2930 are not closed: their deletion is unconfirmed, and the source says so');
SELECT is((SELECT count(*) FROM j7599.hcpcs_code WHERE source = '' OR confidence IS NULL), 0::bigint,
          'every code has a source and a confidence');

-- ---- modifiers -----------------------------------------------------------------
SELECT results_eq($$SELECT valid, code_set_version FROM j7599.modifier WHERE modifier IN ('FS', 'FT') ORDER BY modifier$$,
                  $$VALUES ('[2022-01-01,)'::daterange, '2022'), ('[2022-01-01,)'::daterange, '2022')$$,
                  'FS and FT exist, in force from 2022-01-01');
SELECT results_eq($$SELECT category, valid, code_set, description FROM j7599.modifier WHERE modifier = 'RH'$$,
                  $$VALUES ('ambulance', '(,)'::daterange, 'CMS ambulance origin/destination',
                            'Ambulance trip from residence to hospital')$$,
                  'RH: an ambulance trip from a residence to a hospital, no dates known');
SELECT is((SELECT count(*) FROM j7599.modifier WHERE modifier ~ '^[DEGHIJNPRS][DEGHIJNPRSX]$'), 110::bigint,
          'every ambulance origin/destination pair is a known modifier (110)');
SELECT is((SELECT count(*) FROM j7599.modifier WHERE modifier ~ '^X[A-Z]$' AND category = 'ambulance'), 0::bigint,
          'X is a destination only');
SELECT results_eq($$SELECT modifier, valid FROM j7599.modifier WHERE modifier IN ('JZ', 'JG', 'TB', 'JW') ORDER BY modifier$$,
                  $$VALUES ('JG', '[2018-01-01,)'::daterange), ('JW', '(,)'::daterange),
                           ('JZ', '[2023-01-01,)'::daterange), ('TB', '[2018-01-01,)'::daterange)$$,
                  'the waste and 340B modifiers with the dates their sources give');
SELECT results_eq(
    $$SELECT drug_line, source LIKE '%not a drug modifier%' FROM j7599.modifier WHERE modifier = '22'$$,
    $$VALUES ('needs_documentation', true)$$,
    '22 keeps needs_documentation (the one value the engine reads) and says it is a procedure modifier');

-- ---- modifier conflicts ----------------------------------------------------------
SELECT results_eq(
    $$SELECT modifier_a, confidence, source LIKE '%CGS Jurisdiction C%2018%' FROM j7599.modifier_conflict
       WHERE modifier_b = 'KX' ORDER BY modifier_a$$,
    $$VALUES ('GA', 'secondary', true), ('GY', 'secondary', true), ('GZ', 'secondary', true)$$,
    'KX conflicts with GA, GY and GZ (CGS Jurisdiction C 2018, secondary)');

-- ---- drug names and forms ------------------------------------------------------
SELECT results_eq($$SELECT code, form, route FROM j7599.drug_code WHERE drug = 'solu-medrol'$$,
                  $$VALUES ('J2919', 'injection', 'parenteral')$$, 'Solu-Medrol: J2919, injection');
SELECT results_eq($$SELECT code, form FROM j7599.drug_code WHERE drug = 'depo-medrol'$$,
                  $$VALUES ('J1010', 'injection')$$, 'Depo-Medrol: J1010, injection');
SELECT results_eq($$SELECT code, form FROM j7599.drug_code WHERE drug = 'medrol'$$,
                  $$VALUES ('J7509', 'oral')$$, 'Medrol: J7509, oral');
SELECT set_eq($$SELECT code || ':' || form FROM j7599.drug_code WHERE drug = 'cellcept'$$,
              ARRAY['J7517:oral', 'J7519:injection'], 'CellCept: oral J7517, IV J7519');
SELECT set_eq($$SELECT code || ':' || form FROM j7599.drug_code WHERE drug = 'prograf'$$,
              ARRAY['J7507:oral', 'J7521:granules', 'J7525:injection'], 'Prograf: capsules, granules, injection');
SELECT is((SELECT count(*) FROM j7599.drug_code d JOIN j7599.hcpcs_code h USING (code)
            WHERE NOT upper_inf(h.valid) OR h.replaced_by IS NOT NULL), 0::bigint,
          'no drug name is sent to a deleted code (J7506)');
SELECT is((SELECT count(*) FROM j7599.drug_code WHERE source = '' OR form = 'any'), 0::bigint,
          'every shipped drug row has a source and a dosage form');

-- ---- Medicare Part B-ID ------------------------------------------------------------
SELECT results_eq(
    $$SELECT a, j7599.payer_resolve(a) FROM unnest(ARRAY['Medicare Part B-ID', 'Part B ID', 'MEDICARE PART B ID',
        'Medicare Part B Immunosuppressive Drug', 'medicare_bid']) AS a$$,
    $$VALUES ('Medicare Part B-ID', 'medicare_bid'), ('Part B ID', 'medicare_bid'), ('MEDICARE PART B ID', 'medicare_bid'),
             ('Medicare Part B Immunosuppressive Drug', 'medicare_bid'), ('medicare_bid', 'medicare_bid')$$,
    'Part B-ID spellings resolve to medicare_bid, not to medicare');
SELECT is(j7599.payer_resolve('Medicare Part B'), 'medicare', 'Medicare Part B still resolves to medicare');
SELECT results_eq($$SELECT payer_id FROM j7599.payer_chain('medicare_bid')$$,
                  $$VALUES ('medicare_bid'), ('medicare'), ('default')$$, 'medicare_bid -> medicare -> default');
SELECT results_eq(
    $$SELECT dx_required, supply_days_max, kx_rule, narrative_max_length FROM j7599.policy_for('Medicare Part B-ID', '2025-03-01')$$,
    $$VALUES ('{Z94.0,T86.1}'::text[], 90, 'conditional', 80)$$,
    'Part B-ID: kidney-only diagnoses; supply, KX and narrative from medicare');
SELECT is((SELECT field_confidence ->> 'bill_to' FROM j7599.policy_for('medicare', '2025-03-01')), 'assumed',
          'Medicare bill_to is not claimed as confirmed for every line');

-- ---- the NDC crosswalk -------------------------------------------------------------
CREATE TEMP TABLE code_sets_xwalk (hcpcs text, ndc2 text, drug_name text, hcpcs_dosage text);
\copy code_sets_xwalk FROM 'data/reference/cms-asp-ndc-hcpcs-2025q4.csv' WITH (FORMAT csv, HEADER)
SELECT is((SELECT count(*) FROM code_sets_xwalk), 8245::bigint, 'the CSV has 8,245 rows');
-- an NDC as CMS writes it in this column: 5-4-2 with hyphens, taken by the
-- type's parser; a bare 12-digit UPC would pass is_ndc as 6-4-2
SELECT is((SELECT count(*) FROM j7599.ndc_code WHERE shipped),
          (SELECT count(*) FROM code_sets_xwalk WHERE ndc2 ~ '^[0-9]{5}-[0-9]{4}-[0-9]{2}$' AND j7599.is_ndc(ndc2)),
          'every crosswalk value that is a real NDC is loaded');
SELECT is((SELECT count(*) FROM code_sets_xwalk x
            WHERE NOT EXISTS (SELECT FROM j7599.ndc_code n
                               WHERE n.ndc OPERATOR(j7599.=) CASE WHEN j7599.is_ndc(x.ndc2) THEN x.ndc2::j7599.ndc END
                                 AND n.code = x.hcpcs)),
          1284::bigint, 'the 1,284 alternate ids (UPC/GTIN, catalogue numbers) are left out');
SELECT results_eq(
    $$SELECT code, drug_name, hcpcs_dosage, valid FROM j7599.ndc_code n
       WHERE n.ndc OPERATOR(j7599.=) ANY (SELECT ndc2::j7599.ndc FROM code_sets_xwalk WHERE drug_name = 'Cellcept - IV')$$,
    $$VALUES ('J7519', 'Cellcept - IV', '10 MG', '[2025-10-01,2026-01-01)'::daterange)$$,
    'CellCept IV maps to J7519 for the quarter');
SELECT is((SELECT count(*) FROM j7599.ndc_code WHERE ndc OPERATOR(j7599.=) '888867413689'::j7599.ndc), 0::bigint,
          'the 12-digit UPC 888867413689 is not loaded as an NDC');

SELECT * FROM finish();
ROLLBACK;
