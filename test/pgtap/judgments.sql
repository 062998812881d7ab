-- test/pgtap/judgments.sql: severity follows evidence (an assumed policy value
-- gives at most a warning, and says so), rule settings (rule_setting and
-- rule_severity) on every path, dated code sets (CODE_NOT_EFFECTIVE,
-- MODIFIER_NOT_EFFECTIVE), the NDC crosswalk and dosage forms in
-- SPECIFIC_CODE_EXISTS, and the Medicare modifiers GA/GY/GZ and 22.
BEGIN;
SET LOCAL search_path = public;
SELECT plan(49);

-- the findings of one rule, as "severity: message" (NULL: none)
CREATE FUNCTION pg_temp.f(want text, line text, payer text DEFAULT NULL, dos date DEFAULT NULL,
                          narrative text DEFAULT NULL, ndc text DEFAULT NULL, dx text[] DEFAULT NULL,
                          units numeric DEFAULT 1)
RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(v.severity || ': ' || v.message, ' | ' ORDER BY v.message)
      FROM j7599.validate(line => f.line, payer => f.payer, service_date => f.dos, narrative => f.narrative,
                          ndc => f.ndc, dx => f.dx, units => f.units) AS v
     WHERE v.rule = f.want
$$;

-- ---- severity follows evidence -------------------------------------------------
SELECT matches(pg_temp.f('NDC_MISSING', 'J7599', 'Aetna', '2024-05-01', 'voclosporin 7.9 mg capsule'),
               '^warning: .*Aetna.*\(assumed requirement: no published source\)$',
               'Aetna: the NDC requirement inherited from buca is assumed: a warning that says so');
SELECT matches(pg_temp.f('NDC_MISSING', 'J7599', 'Cigna Health', '2024-05-01', 'voclosporin 7.9 mg capsule'),
               '^warning: .*assumed requirement',
               'Cigna: the inherited NDC requirement is assumed: a warning');
SELECT matches(pg_temp.f('NDC_MISSING', 'J7599', 'UnitedHealthcare', '2024-05-01', 'voclosporin 7.9 mg capsule'),
               '^error: .*UnitedHealthcare policy requires the 11-digit NDC[^(]*$',
               'UnitedHealthcare: the NDC requirement is confirmed: an error, no note');
SELECT matches(pg_temp.f('DX_NOT_COVERED', 'J7599', 'Medicare', '2024-05-01', 'voclosporin 7.9 mg capsule', NULL, '{I10}'),
               '^warning: diagnosis I10 .*assumed requirement',
               'Medicare: the diagnosis list is assumed: DX_NOT_COVERED is at most a warning');
SELECT matches(pg_temp.f('DX_MISSING', 'J7599', 'Medicare', '2024-05-01', 'voclosporin 7.9 mg capsule'),
               '^warning: .*assumed requirement',
               'Medicare: DX_MISSING on the assumed list is at most a warning');
SELECT matches(pg_temp.f('NARRATIVE_MISSING', 'J7599', 'Medicare', '2024-05-01'),
               '^error: [^(]*$', 'Medicare: the narrative requirement is confirmed: an error');
SELECT matches(pg_temp.f('NARRATIVE_MISSING', 'J7599', 'Aetna', '2024-05-01'),
               '^warning: .*assumed requirement', 'Aetna: the narrative requirement of default is assumed: a warning');
SELECT ok(j7599.is_valid(line => 'J7599', payer => 'Aetna', service_date => '2024-05-01',
                         narrative => 'voclosporin 7.9 mg capsule', units => 1),
          'an Aetna line whose only finding rests on an assumed value is valid');

-- ---- dated code sets ------------------------------------------------------------
SELECT matches(pg_temp.f('CODE_NOT_EFFECTIVE', 'J7506', NULL, '2020-01-01'),
               '^error: code J7506 is not in force .* replaced by J7512',
               'J7506 on 2020-01-01: CODE_NOT_EFFECTIVE naming J7512');
SELECT is(pg_temp.f('CODE_UNKNOWN', 'J7506', NULL, '2020-01-01'), NULL, 'J7506 is known: no CODE_UNKNOWN');
SELECT is(pg_temp.f('CODE_NOT_EFFECTIVE', 'J7506'), NULL, 'without a service date CODE_NOT_EFFECTIVE does not fire');
SELECT is(pg_temp.f('CODE_NOT_EFFECTIVE', 'J7506', NULL, '2015-06-01'), NULL, 'J7506 before its deletion is in force');
SELECT is(pg_temp.f('CODE_UNKNOWN', 'J7521', NULL, '2025-01-01'), NULL, 'J7521 is known: no CODE_UNKNOWN');
SELECT matches(pg_temp.f('CODE_UNKNOWN', 'J7598', NULL, '2025-01-01'), '^warning: code J7598 is not in',
               'CODE_UNKNOWN still means "not in the table at all"');
SELECT unalike(coalesce(pg_temp.f('SPECIFIC_CODE_EXISTS', 'J7599', 'Medicare', '2020-01-01', 'prednisone 5 mg tablet'), ''),
               '%J7506%', 'the deleted J7506 is never offered for prednisone');
SELECT is(pg_temp.f('MODIFIER_UNKNOWN', 'J7599-FS', NULL, '2025-01-01'), NULL, 'FS is a known modifier');
SELECT is(pg_temp.f('MODIFIER_UNKNOWN', 'A0428-RH', NULL, '2025-01-01'), NULL, 'the ambulance pair RH is a known modifier');
SELECT matches(pg_temp.f('MODIFIER_NOT_EFFECTIVE', 'J7599-FS', NULL, '2020-11-01'),
               '^error: modifier FS is not in force on the date of service 2020-11-01',
               'FS before 2022: MODIFIER_NOT_EFFECTIVE');
SELECT is(pg_temp.f('MODIFIER_NOT_EFFECTIVE', 'J7599-FS'), NULL, 'without a service date MODIFIER_NOT_EFFECTIVE does not fire');

-- ---- the NDC crosswalk and dosage forms --------------------------------------------
SELECT matches(pg_temp.f('SPECIFIC_CODE_EXISTS', 'J7599', 'Medicare', '2025-11-01', NULL, '00378-2045-01'),
               '^error: NDC 00378204501 \(Tacrolimus\) is billed under its own code J7507',
               'a J7599 line whose NDC the crosswalk bills under J7507: SPECIFIC_CODE_EXISTS names NDC, drug and code');
SELECT is(pg_temp.f('SPECIFIC_CODE_EXISTS', 'J7599', 'Medicare', '2024-11-01', NULL, '00378-2045-01'), NULL,
          'outside the quarters of the crosswalk row the NDC finds nothing');
SELECT matches(pg_temp.f('SPECIFIC_CODE_EXISTS', 'J7599', 'Medicare', '2025-11-01', 'CellCept IV 500 mg'),
               'J7519', '"CellCept IV": J7519');
SELECT unalike(pg_temp.f('SPECIFIC_CODE_EXISTS', 'J7599', 'Medicare', '2025-11-01', 'CellCept IV 500 mg'),
               '%J7517%', '"CellCept IV" is never sent to the oral J7517');
SELECT matches(pg_temp.f('SPECIFIC_CODE_EXISTS', 'J7599', 'Medicare', '2025-11-01', 'Prograf granules 0.2 mg'),
               'own code: J7521;', '"Prograf granules": J7521 alone');
SELECT matches(pg_temp.f('SPECIFIC_CODE_EXISTS', 'J7599', 'Medicare', '2025-11-01', 'Solu-Medrol injection 40 mg'),
               'own code: J2919;', '"Solu-Medrol injection": J2919');
SELECT unalike(pg_temp.f('SPECIFIC_CODE_EXISTS', 'J7599', 'Medicare', '2025-11-01', 'methylprednisolone injection 40 mg'),
               '%J7509%', 'a methylprednisolone injection is never sent to the oral J7509');

-- ---- Medicare modifiers ----------------------------------------------------------
SELECT matches(pg_temp.f('MODIFIER_CONFLICT', 'J7599-KX-GY', NULL, '2025-01-01'), '^error: modifiers KX and GY',
               'KX with GY: MODIFIER_CONFLICT');
SELECT matches(pg_temp.f('DX_NOT_COVERED', 'J7599-GY', 'Medicare', '2024-05-01', 'voclosporin 7.9 mg capsule', NULL, '{I10}'),
               '^info: diagnosis I10 .*GA, GY or GZ', 'a GY line with an uncovered diagnosis: DX_NOT_COVERED is info');
SELECT matches(pg_temp.f('DX_NOT_COVERED', 'J7599', 'Medicare Part B-ID', '2024-05-01', 'voclosporin 7.9 mg capsule', NULL, '{Z94.1}'),
               '^error: diagnosis Z94.1 .*Part B-ID.*Z94.0, T86.1$',
               '"Medicare Part B-ID" resolves to medicare_bid: the kidney-only list (confirmed, an error)');
SELECT matches(pg_temp.f('MODIFIER_NOT_FOR_DRUG', 'J7599-22', NULL, '2025-01-01'), '^warning: modifier 22 ',
               'modifier 22 on a drug line: MODIFIER_NOT_FOR_DRUG');
SELECT matches(pg_temp.f('MODIFIER_NEEDS_DOCUMENTATION', 'J7599-22', NULL, '2025-01-01'), '^info: modifier 22 ',
               '... and MODIFIER_NEEDS_DOCUMENTATION');

-- ---- rule settings ------------------------------------------------------------------
INSERT INTO j7599.rule_setting (payer_id, rule, severity, note) VALUES
    ('buca', 'NARRATIVE_MISSING', 'off', 'the commercial plans are checked elsewhere'),
    (NULL, 'UNITS_MISSING', 'error', 'every payer'),
    ('aetna', 'UNITS_MISSING', 'info', 'Aetna only');
INSERT INTO j7599.rule_setting (payer_id, rule, severity, valid) VALUES
    ('medicare', 'NARRATIVE_MISSING', 'info', '[2024-01-01,2025-01-01)');
INSERT INTO j7599.rule_setting (payer_id, rule, severity) VALUES ('medicare', 'LINE_MALFORMED', 'warning');

SELECT is(pg_temp.f('NARRATIVE_MISSING', 'J7599', 'Aetna', '2025-05-01'), NULL,
          'NARRATIVE_MISSING off for buca: silent for its member Aetna');
SELECT matches(pg_temp.f('NARRATIVE_MISSING', 'J7599', 'Medicare', '2025-05-01'), '^error: ',
               '... and still an error for Medicare');
SELECT matches(pg_temp.f('NARRATIVE_MISSING', 'J7599', 'Medicare', '2024-05-01'), '^info: ',
               'a dated setting applies inside its range');
SELECT matches(pg_temp.f('UNITS_MISSING', 'J7599', 'Medicare', '2024-05-01', units => NULL), '^error: ',
               'a setting for every payer applies to Medicare');
SELECT matches(pg_temp.f('UNITS_MISSING', 'J7599', 'Aetna', '2024-05-01', units => NULL), '^info: ',
               'the payer''s own setting wins over the one for every payer');
SELECT matches(pg_temp.f('UNITS_MISSING', 'J7500', units => NULL), '^error: ',
               'a setting for every payer applies to a line without payer or date (valid at all times)');
SELECT matches(pg_temp.f('LINE_MALFORMED', 'J759-KX', 'Medicare', '2024-05-01'), '^warning: line "J759-KX"',
               'a setting applies to LINE_MALFORMED too');
SELECT ok(j7599.is_valid(line => 'J7599', payer => 'Medicare', service_date => '2024-05-01',
                         narrative => 'voclosporin 7.9 mg capsule', dx => '{Z94.0}', units => 1)
          AND NOT j7599.is_valid(line => 'J7599', payer => 'Medicare', service_date => '2024-05-01',
                                 narrative => 'voclosporin 7.9 mg capsule', dx => '{Z94.0}'),
          'is_valid follows the settings (a warning made an error counts)');
SELECT results_eq($$SELECT severity, basis ~ 'payer buca' FROM j7599.rule_severity('NARRATIVE_MISSING', 'Aetna', '2025-05-01')$$,
                  $$VALUES ('off'::text, true)$$, 'rule_severity: off, from the setting of buca');
SELECT results_eq($$SELECT severity, basis ~ '^setting: .*\[2024-01-01,2025-01-01\)' FROM j7599.rule_severity('NARRATIVE_MISSING', 'medicare', '2024-05-01')$$,
                  $$VALUES ('info'::text, true)$$, 'rule_severity: info, from the dated setting of medicare');
SELECT results_eq($$SELECT severity, basis ~ '^evidence: requires_ndc .* assumed' FROM j7599.rule_severity('NDC_MISSING', 'Cigna Health', '2024-05-01')$$,
                  $$VALUES ('warning'::text, true)$$, 'rule_severity: a warning, from the evidence (assumed)');
SELECT results_eq($$SELECT severity, basis FROM j7599.rule_severity('MODIFIER_CONFLICT', 'uhc', '2024-05-01')$$,
                  $$VALUES ('error'::text, 'catalogue'::text)$$, 'rule_severity: the catalogue');
SELECT throws_ok($$SELECT * FROM j7599.rule_severity('NO_SUCH_RULE', NULL, NULL)$$, '22023', NULL,
                 'rule_severity: an unknown rule id is 22023');
SELECT throws_ok($$INSERT INTO j7599.rule_setting (payer_id, rule, severity) VALUES ('uhc', 'NDC_MISSNG', 'off')$$,
                 '22023', NULL, 'rule_setting: a rule id the catalogue does not have is refused');

-- enforcement and audit_summary follow the settings
CREATE TABLE public.judg_claims (id int PRIMARY KEY, line text, payer text, dos date, units numeric, note text,
                                 dx text[]);
SELECT j7599.register('public.judg_claims', line => 'line', payer => 'payer', service_date => 'dos',
                      units => 'units', narrative => 'note', dx => '{dx}');
SELECT j7599.enforce('public.judg_claims');
SELECT lives_ok($$INSERT INTO public.judg_claims VALUES (1, 'J7599', 'Medicare', '2024-05-01', 1, NULL, '{Z94.0}')$$,
                'enforce: a Medicare line without narrative in 2024 (setting info) is stored');
SELECT lives_ok($$INSERT INTO public.judg_claims VALUES (2, 'J7599', 'Aetna', '2025-05-01', 1, NULL, NULL)$$,
                'enforce: an Aetna line without narrative (setting off) is stored');
SELECT throws_ok($$INSERT INTO public.judg_claims VALUES (3, 'J7599', 'Medicare', '2025-05-01', 1, NULL, '{Z94.0}')$$,
                 '23514', NULL, 'enforce: a Medicare line without narrative in 2025 is refused');
SELECT set_eq($$SELECT rule, severity, rows_violated FROM j7599.audit_summary('public.judg_claims')
                 WHERE rule = 'NARRATIVE_MISSING'$$,
              $$VALUES ('NARRATIVE_MISSING'::text, 'info'::text, 1::bigint)$$,
              'audit_summary counts NARRATIVE_MISSING at the severity of the setting, and not where it is off');

SELECT * FROM finish();
ROLLBACK;
