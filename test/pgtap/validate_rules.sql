-- test/pgtap/validate_rules.sql: every rule of the catalogue, with inputs
-- that fire it and inputs that must not, boundaries included.
--
-- Runs in one transaction and rolls back: the test payer, alias, policy and
-- code inserted below never outlive it.

BEGIN;
SELECT plan(168);

-- --------------------------------------------------------------- helpers

-- A Medicare J7599 line that is clean on 2024-03-01; every argument can be
-- overridden by name (explicitly NULL too).
CREATE FUNCTION pg_temp.v(
    line text DEFAULT 'J7599-KX', payer text DEFAULT 'medicare',
    service_date date DEFAULT '2024-03-01', units numeric DEFAULT 1,
    ndc text DEFAULT '00069-0150-01', pos text DEFAULT '12', dx text[] DEFAULT '{Z94.0}',
    narrative text DEFAULT 'voclosporin 7.9 mg capsule, 3 caps twice daily',
    prior_auth text DEFAULT NULL, days_supply integer DEFAULT 30,
    transplant_date date DEFAULT '2020-01-01')
RETURNS j7599.finding[] LANGUAGE sql AS $$
    SELECT coalesce(array_agg(f), '{}')
      FROM j7599.validate(line => line, payer => payer, service_date => service_date, units => units,
                          ndc => ndc, pos => pos, dx => dx, narrative => narrative,
                          prior_auth => prior_auth, days_supply => days_supply,
                          transplant_date => transplant_date) AS f
$$;

-- does a finding of this rule (and severity, when given) occur?
CREATE FUNCTION pg_temp.has(fs j7599.finding[], rule text, severity text DEFAULT NULL)
RETURNS boolean LANGUAGE sql AS $$
    SELECT EXISTS (SELECT FROM unnest(fs) AS f WHERE f.rule = has.rule
                                              AND (has.severity IS NULL OR f.severity = has.severity))
$$;

CREATE FUNCTION pg_temp.msg(fs j7599.finding[], rule text) RETURNS text LANGUAGE sql AS $$
    SELECT f.message FROM unnest(fs) AS f WHERE f.rule = msg.rule LIMIT 1
$$;

CREATE FUNCTION pg_temp.src(fs j7599.finding[], rule text) RETURNS text LANGUAGE sql AS $$
    SELECT f.source FROM unnest(fs) AS f WHERE f.rule = src.rule LIMIT 1
$$;

-- ------------------------------------------------------------ test data

-- a payer whose own policy sets the fields no shipped policy sets
INSERT INTO j7599.payer (payer_id, name, is_group, parent_id, source)
VALUES ('j7599_test', 'Test Plan', false, 'default', 'pgTAP');
INSERT INTO j7599.payer_alias (alias, payer_id, source) VALUES ('J7599 Test Plan', 'j7599_test', 'pgTAP');
INSERT INTO j7599.policy (policy_id, payer_id, code, valid, requires_narrative, requires_prior_auth,
                          pos_allowed, max_units, waste_modifier_required, source, confidence)
VALUES ('j7599-test-2024', 'j7599_test', 'J7599', '[2024-01-01,2025-01-01)', false, true,
        '{12,01}', 3, true, 'pgTAP test policy', 'confirmed');
-- a code in force during 2020 only
INSERT INTO j7599.hcpcs_code (code, long_description, valid, code_set_version, source)
VALUES ('Q9990', 'pgTAP test code', '[2020-01-01,2021-01-01)', 'test', 'pgTAP');

SELECT is(pg_temp.v(), '{}'::j7599.finding[], 'the base Medicare line is clean');

-- -------------------------------------------------------- LINE_MALFORMED

SELECT ok(pg_temp.has(pg_temp.v(line => 'J759-KX'), 'LINE_MALFORMED', 'error'), 'LINE_MALFORMED: code of 4 characters');
SELECT ok(pg_temp.has(pg_temp.v(line => 'J7599-K'), 'LINE_MALFORMED', 'error'), 'LINE_MALFORMED: modifier of 1 character');
SELECT ok(pg_temp.has(pg_temp.v(line => 'J7599-JZ-KX-GA-GY-22'), 'LINE_MALFORMED'), 'LINE_MALFORMED: five modifiers');
SELECT ok(pg_temp.msg(pg_temp.v(line => 'J759-KX'), 'LINE_MALFORMED') LIKE '%"J759-KX"%J7599-JZ-KX%',
          'LINE_MALFORMED: the message quotes the line and shows the accepted form');
SELECT is(pg_temp.v(line => ' j7599 kx '), '{}'::j7599.finding[], 'LINE_MALFORMED silent: lower case, blank-separated');
SELECT is(pg_temp.v(line => 'HC:J7599:KX'), '{}'::j7599.finding[], 'LINE_MALFORMED silent: X12 form');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'J759-KX'), 'NARRATIVE_MISSING'),
          'a malformed line runs no NOC rules');
SELECT ok(pg_temp.has(pg_temp.v(line => 'J759-KX', units => 0), 'UNITS_INVALID'),
          'a malformed line still checks the other fields');

-- ---------------------------------------------------------- CODE_UNKNOWN

SELECT ok(pg_temp.has(pg_temp.v(line => 'J7777'), 'CODE_UNKNOWN', 'warning'), 'CODE_UNKNOWN: J7777');
SELECT ok(pg_temp.src(pg_temp.v(line => 'J7777'), 'CODE_UNKNOWN') LIKE '%CMS HCPCS Level II 2020%',
          'CODE_UNKNOWN: the source is the code set and its version');
SELECT is(pg_temp.src(pg_temp.v(line => 'J7599-KX', service_date => '1990-01-01'), 'CODE_UNKNOWN'), NULL,
          'CODE_UNKNOWN silent: shipped codes are valid at all dates');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => '99213'), 'CODE_UNKNOWN'), 'CODE_UNKNOWN silent: CPT code');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'D0120'), 'CODE_UNKNOWN'), 'CODE_UNKNOWN silent: CDT code');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'Q9990', service_date => '2020-01-01'), 'CODE_UNKNOWN'),
          'CODE_UNKNOWN silent: first day in force');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'Q9990', service_date => '2020-12-31'), 'CODE_UNKNOWN'),
          'CODE_UNKNOWN silent: last day in force');
SELECT ok(pg_temp.has(pg_temp.v(line => 'Q9990', service_date => '2021-01-01'), 'CODE_NOT_EFFECTIVE', 'error')
          AND NOT pg_temp.has(pg_temp.v(line => 'Q9990', service_date => '2021-01-01'), 'CODE_UNKNOWN'),
          'CODE_NOT_EFFECTIVE (not CODE_UNKNOWN): the day after');
SELECT ok(pg_temp.has(pg_temp.v(line => 'Q9990', service_date => '2019-12-31'), 'CODE_NOT_EFFECTIVE', 'error'),
          'CODE_NOT_EFFECTIVE: the day before');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'Q9990', service_date => NULL), 'CODE_UNKNOWN'),
          'CODE_UNKNOWN silent: no date, the code is in the table');

-- ------------------------------------------------------ MODIFIER_UNKNOWN

SELECT ok(pg_temp.has(pg_temp.v(line => 'J7599-KX-ZZ'), 'MODIFIER_UNKNOWN', 'error'), 'MODIFIER_UNKNOWN: ZZ');
SELECT ok(pg_temp.msg(pg_temp.v(line => 'J7599-KX-ZZ'), 'MODIFIER_UNKNOWN') LIKE '%ZZ%', 'MODIFIER_UNKNOWN: names it');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'J7599-KX-JZ'), 'MODIFIER_UNKNOWN'), 'MODIFIER_UNKNOWN silent: JZ');

-- ---------------------------------------------------- MODIFIER_DUPLICATE

SELECT ok(pg_temp.has(pg_temp.v(line => 'J7599-KX-JZ-JZ'), 'MODIFIER_DUPLICATE', 'error'), 'MODIFIER_DUPLICATE: JZ twice');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'J7599-KX-JZ'), 'MODIFIER_DUPLICATE'), 'MODIFIER_DUPLICATE silent: distinct');

-- ----------------------------------------------------- MODIFIER_CONFLICT

SELECT ok(pg_temp.has(pg_temp.v(line => 'J7599-KX-JW-JZ'), 'MODIFIER_CONFLICT', 'error'), 'MODIFIER_CONFLICT: JW with JZ');
SELECT ok(pg_temp.msg(pg_temp.v(line => 'J7599-KX-JZ-JW'), 'MODIFIER_CONFLICT') ~ 'JZ.*JW.*discarded',
          'MODIFIER_CONFLICT: the message names both and the reason');
SELECT ok(pg_temp.has(pg_temp.v(line => '97110-59-XE'), 'MODIFIER_CONFLICT'), 'MODIFIER_CONFLICT: 59 with XE');
SELECT ok(pg_temp.has(pg_temp.v(line => 'J7599-GA-GZ'), 'MODIFIER_CONFLICT'), 'MODIFIER_CONFLICT: GA with GZ');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'J7599-KX-JZ'), 'MODIFIER_CONFLICT'), 'MODIFIER_CONFLICT silent: KX with JZ');
SELECT is((SELECT count(*)::int FROM unnest(pg_temp.v(line => 'J7599-JW-JZ-JW')) f WHERE f.rule = 'MODIFIER_CONFLICT'), 1,
          'MODIFIER_CONFLICT: a repeated pair is reported once');

-- ------------------------------------------------- MODIFIER_NOT_FOR_DRUG

SELECT ok(pg_temp.has(pg_temp.v(line => 'J7599-KX-25'), 'MODIFIER_NOT_FOR_DRUG', 'warning'), 'MODIFIER_NOT_FOR_DRUG: 25 on J7599');
SELECT ok(pg_temp.has(pg_temp.v(line => 'J7507-RT'), 'MODIFIER_NOT_FOR_DRUG'), 'MODIFIER_NOT_FOR_DRUG: RT on J7507');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => '99213-25'), 'MODIFIER_NOT_FOR_DRUG'), 'MODIFIER_NOT_FOR_DRUG silent: 25 on an E/M code');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'A4206-RT'), 'MODIFIER_NOT_FOR_DRUG'), 'MODIFIER_NOT_FOR_DRUG silent: RT on a supply');

-- ------------------------------------------ MODIFIER_NEEDS_DOCUMENTATION

SELECT ok(pg_temp.has(pg_temp.v(line => 'J7599-KX-22'), 'MODIFIER_NEEDS_DOCUMENTATION', 'info'),
          'MODIFIER_NEEDS_DOCUMENTATION: 22');
SELECT ok(NOT pg_temp.has(pg_temp.v(), 'MODIFIER_NEEDS_DOCUMENTATION'), 'MODIFIER_NEEDS_DOCUMENTATION silent: no 22');

-- ----------------------------------------------------------- UNITS_*

SELECT ok(pg_temp.has(pg_temp.v(units => 0), 'UNITS_INVALID', 'error'), 'UNITS_INVALID: 0');
SELECT ok(pg_temp.has(pg_temp.v(units => -1), 'UNITS_INVALID'), 'UNITS_INVALID: -1');
SELECT ok(pg_temp.has(pg_temp.v(units => 'NaN'), 'UNITS_INVALID'), 'UNITS_INVALID: NaN');
SELECT ok(NOT pg_temp.has(pg_temp.v(units => 0.25), 'UNITS_INVALID'), 'UNITS_INVALID silent: 0.25');
SELECT ok(pg_temp.has(pg_temp.v(units => NULL), 'UNITS_MISSING', 'warning'), 'UNITS_MISSING: J7599 without units');
SELECT ok(pg_temp.has(pg_temp.v(line => 'J7507', units => NULL), 'UNITS_MISSING'), 'UNITS_MISSING: J7507 without units');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => '99213', units => NULL), 'UNITS_MISSING'), 'UNITS_MISSING silent: not a drug line');
SELECT ok(NOT pg_temp.has(pg_temp.v(units => 2), 'UNITS_MISSING'), 'UNITS_MISSING silent: units given');

-- --------------------------------------------------------- NDC_MALFORMED

SELECT ok(pg_temp.has(pg_temp.v(ndc => '0006915001'), 'NDC_MALFORMED', 'error'), 'NDC_MALFORMED: bare 10 digits');
SELECT ok(pg_temp.has(pg_temp.v(ndc => 'abc'), 'NDC_MALFORMED'), 'NDC_MALFORMED: letters');
SELECT ok(NOT pg_temp.has(pg_temp.v(ndc => 'N400069015001'), 'NDC_MALFORMED'), 'NDC_MALFORMED silent: N4 qualifier');
SELECT ok(NOT pg_temp.has(pg_temp.v(ndc => '00069015001'), 'NDC_MALFORMED'), 'NDC_MALFORMED silent: 11 digits');
SELECT ok(NOT pg_temp.has(pg_temp.v(ndc => '  '), 'NDC_MALFORMED'), 'NDC_MALFORMED silent: blank is missing, not malformed');

-- ----------------------------------------------------------- POS_UNKNOWN

SELECT ok(pg_temp.has(pg_temp.v(pos => '00'), 'POS_UNKNOWN', 'error'), 'POS_UNKNOWN: 00 is unassigned');
SELECT ok(pg_temp.has(pg_temp.v(pos => '1'), 'POS_UNKNOWN'), 'POS_UNKNOWN: one digit');
SELECT ok(pg_temp.has(pg_temp.v(pos => 'home'), 'POS_UNKNOWN'), 'POS_UNKNOWN: a word');
SELECT ok(pg_temp.has(pg_temp.v(pos => '27', service_date => '2023-09-30'), 'POS_UNKNOWN'), 'POS_UNKNOWN: 27 the day before it started');
SELECT ok(NOT pg_temp.has(pg_temp.v(pos => '27', service_date => '2023-10-01'), 'POS_UNKNOWN'), 'POS_UNKNOWN silent: 27 on its first day');
SELECT ok(NOT pg_temp.has(pg_temp.v(pos => '27', service_date => NULL), 'POS_UNKNOWN'), 'POS_UNKNOWN silent: 27 without a date');
SELECT ok(pg_temp.has(pg_temp.v(pos => '10', service_date => '2021-12-31'), 'POS_UNKNOWN'), 'POS_UNKNOWN: 10 before 2022');
SELECT ok(NOT pg_temp.has(pg_temp.v(pos => ' 12 '), 'POS_UNKNOWN'), 'POS_UNKNOWN silent: blanks around');
SELECT ok(NOT pg_temp.has(pg_temp.v(pos => NULL), 'POS_UNKNOWN'), 'POS_UNKNOWN silent: no place of service');

-- ---------------------------------------------------------- DX_MALFORMED

SELECT ok(pg_temp.has(pg_temp.v(dx => '{9940}'), 'DX_MALFORMED', 'error'), 'DX_MALFORMED: ICD-9 style');
SELECT ok(pg_temp.has(pg_temp.v(dx => '{Z94.0,Z9}'), 'DX_MALFORMED'), 'DX_MALFORMED: too short, next to a good one');
SELECT ok(pg_temp.has(pg_temp.v(dx => '{Z9.40}'), 'DX_MALFORMED'), 'DX_MALFORMED: dot in the wrong place');
SELECT ok(NOT pg_temp.has(pg_temp.v(dx => '{Z940,z94.0,T86.10}'), 'DX_MALFORMED'), 'DX_MALFORMED silent: with and without dots, lower case');
SELECT ok(NOT pg_temp.has(pg_temp.v(dx => ARRAY['Z94.0', NULL, '']), 'DX_MALFORMED'), 'DX_MALFORMED silent: NULL and blank elements');

-- ---------------------------------------------------------- PAYER_*

SELECT ok(pg_temp.has(pg_temp.v(payer => NULL), 'PAYER_MISSING', 'warning'), 'PAYER_MISSING: NULL');
SELECT ok(pg_temp.has(pg_temp.v(payer => '  '), 'PAYER_MISSING'), 'PAYER_MISSING: blank');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => NULL, narrative => NULL, dx => NULL), 'NARRATIVE_MISSING')
          AND NOT pg_temp.has(pg_temp.v(payer => NULL, narrative => NULL, dx => NULL), 'DX_MISSING'),
          'PAYER_MISSING: policy rules are skipped');
SELECT ok(NOT pg_temp.has(pg_temp.v(), 'PAYER_MISSING'), 'PAYER_MISSING silent: payer given');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => '99213', payer => NULL), 'PAYER_MISSING'), 'PAYER_MISSING silent: not a NOC code');

SELECT ok(pg_temp.has(pg_temp.v(payer => 'Acme Mutual Plan'), 'PAYER_UNKNOWN', 'warning'), 'PAYER_UNKNOWN: Acme Mutual Plan');
SELECT ok(pg_temp.has(pg_temp.v(payer => 'Acme Mutual Plan', narrative => NULL), 'NARRATIVE_MISSING', 'warning')
          AND NOT pg_temp.has(pg_temp.v(payer => 'Acme Mutual Plan', dx => NULL), 'DX_MISSING'),
          'PAYER_UNKNOWN: the policy is unknown (narrative warns, dx silent)');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'Medicare Part B'), 'PAYER_UNKNOWN'), 'PAYER_UNKNOWN silent: alias');
SELECT ok(pg_temp.has(pg_temp.v(payer => 'MEDICARE part-b', dx => NULL), 'DX_MISSING', 'warning'),
          'payer by alias, any case and punctuation: the Medicare policy applies');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'Uhc'), 'PAYER_UNKNOWN'), 'PAYER_UNKNOWN silent: payer id in another case');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'j7599 TEST-plan', service_date => '2023-06-01'), 'PAYER_UNKNOWN'),
          'PAYER_UNKNOWN silent: a user alias');

-- ------------------------------------------------- SERVICE_DATE_MISSING

SELECT ok(pg_temp.has(pg_temp.v(service_date => NULL), 'SERVICE_DATE_MISSING', 'warning'), 'SERVICE_DATE_MISSING: NULL');
SELECT ok(NOT pg_temp.has(pg_temp.v(service_date => NULL, dx => NULL), 'DX_MISSING')
          AND NOT pg_temp.has(pg_temp.v(service_date => NULL, days_supply => 400), 'SUPPLY_DAYS_EXCEEDED'),
          'SERVICE_DATE_MISSING: policy rules are skipped');
SELECT ok(NOT pg_temp.has(pg_temp.v(), 'SERVICE_DATE_MISSING'), 'SERVICE_DATE_MISSING silent: date given');

-- -------------------------------------------------------- POLICY_UNKNOWN

SELECT ok(pg_temp.has(pg_temp.v(line => 'J3490'), 'POLICY_UNKNOWN', 'info'), 'POLICY_UNKNOWN: J3490 has no policy');
SELECT ok(pg_temp.has(pg_temp.v(line => 'J3490', narrative => NULL), 'NARRATIVE_MISSING', 'warning'),
          'POLICY_UNKNOWN: NARRATIVE_MISSING warns');
SELECT ok(pg_temp.has(pg_temp.v(line => 'J3490', ndc => NULL), 'NDC_MISSING', 'warning'),
          'POLICY_UNKNOWN: NDC_MISSING warns');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'J3490', dx => NULL), 'DX_MISSING'), 'POLICY_UNKNOWN: DX_MISSING silent');
SELECT ok(NOT pg_temp.has(pg_temp.v(), 'POLICY_UNKNOWN'), 'POLICY_UNKNOWN silent: Medicare J7599');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'Acme'), 'POLICY_UNKNOWN'), 'POLICY_UNKNOWN silent: unknown payer (PAYER_UNKNOWN says it)');

-- ----------------------------------------------------- NARRATIVE_MISSING

SELECT ok(pg_temp.has(pg_temp.v(narrative => NULL), 'NARRATIVE_MISSING', 'error'), 'NARRATIVE_MISSING: Medicare requires it');
SELECT ok(pg_temp.has(pg_temp.v(narrative => '   '), 'NARRATIVE_MISSING', 'error'), 'NARRATIVE_MISSING: blank');
SELECT ok(pg_temp.src(pg_temp.v(narrative => NULL), 'NARRATIVE_MISSING') LIKE 'DME MAC LCD L33824%(via medicare)',
          'NARRATIVE_MISSING: source is the Medicare policy');
SELECT ok(pg_temp.has(pg_temp.v(payer => 'aetna', narrative => NULL), 'NARRATIVE_MISSING', 'warning')
          AND pg_temp.src(pg_temp.v(payer => 'aetna', narrative => NULL), 'NARRATIVE_MISSING') LIKE '%(via default)',
          'NARRATIVE_MISSING: Aetna through the cascade to default');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'j7599_test', narrative => NULL), 'NARRATIVE_MISSING'),
          'NARRATIVE_MISSING silent: own policy says false, before default''s true');
SELECT ok(pg_temp.has(pg_temp.v(payer => 'j7599_test', service_date => '2023-12-31', narrative => NULL), 'NARRATIVE_MISSING', 'warning'),
          'NARRATIVE_MISSING: the day before the test policy, default applies');
SELECT ok(NOT pg_temp.has(pg_temp.v(), 'NARRATIVE_MISSING'), 'NARRATIVE_MISSING silent: narrative given');

-- -------------------------------------------------- NARRATIVE_INCOMPLETE

SELECT ok(pg_temp.has(pg_temp.v(narrative => 'take 1 tablet daily'), 'NARRATIVE_INCOMPLETE', 'warning'),
          'NARRATIVE_INCOMPLETE: neither drug nor strength');
SELECT ok(pg_temp.has(pg_temp.v(narrative => 'voclosporin capsules'), 'NARRATIVE_INCOMPLETE'), 'NARRATIVE_INCOMPLETE: no strength');
SELECT ok(pg_temp.has(pg_temp.v(narrative => '7.9 mg twice daily'), 'NARRATIVE_INCOMPLETE'), 'NARRATIVE_INCOMPLETE: no drug name');
SELECT ok(pg_temp.has(pg_temp.v(narrative => 'voclosporin 7.9 mgx'), 'NARRATIVE_INCOMPLETE'), 'NARRATIVE_INCOMPLETE: unit not a whole word');
SELECT ok(NOT pg_temp.has(pg_temp.v(narrative => 'VOCLOSPORIN 7.9MG'), 'NARRATIVE_INCOMPLETE'), 'NARRATIVE_INCOMPLETE silent: upper case, no blank');
SELECT ok(NOT pg_temp.has(pg_temp.v(narrative => 'Lupkynis .5 mL'), 'NARRATIVE_INCOMPLETE'), 'NARRATIVE_INCOMPLETE silent: brand, .5 mL');
SELECT ok(NOT pg_temp.has(pg_temp.v(narrative => 'belumosudil 1,000 units'), 'NARRATIVE_INCOMPLETE'), 'NARRATIVE_INCOMPLETE silent: 1,000 units');
SELECT ok(NOT pg_temp.has(pg_temp.v(narrative => 'cream 10 %'), 'NARRATIVE_INCOMPLETE'), 'NARRATIVE_INCOMPLETE silent: percent');

-- ---------------------------------------------------- NARRATIVE_TOO_LONG

SELECT ok(pg_temp.has(pg_temp.v(narrative => 'voclosporin 7.9 mg ' || repeat('x', 62)), 'NARRATIVE_TOO_LONG', 'error'),
          'NARRATIVE_TOO_LONG: 81 characters, Medicare allows 80');
SELECT ok(NOT pg_temp.has(pg_temp.v(narrative => 'voclosporin 7.9 mg ' || repeat('x', 61)), 'NARRATIVE_TOO_LONG'),
          'NARRATIVE_TOO_LONG silent: exactly 80');
SELECT ok(NOT pg_temp.has(pg_temp.v(narrative => 'voclosporin 7.9 mg ' || repeat('é', 61)), 'NARRATIVE_TOO_LONG'),
          'NARRATIVE_TOO_LONG silent: 80 characters in 141 bytes');
SELECT ok(pg_temp.has(pg_temp.v(narrative => 'voclosporin 7.9 mg ' || repeat('é', 62)), 'NARRATIVE_TOO_LONG'),
          'NARRATIVE_TOO_LONG: 81 characters of several bytes');

-- ------------------------------------------------------------ NDC_MISSING

SELECT ok(pg_temp.has(pg_temp.v(payer => 'uhc', ndc => NULL), 'NDC_MISSING', 'error'), 'NDC_MISSING: UnitedHealthcare requires it');
SELECT ok(pg_temp.has(pg_temp.v(payer => 'UnitedHealthcare', ndc => ''), 'NDC_MISSING', 'error'), 'NDC_MISSING: blank, payer by alias');
SELECT ok(pg_temp.has(pg_temp.v(ndc => NULL), 'NDC_MISSING', 'warning'), 'NDC_MISSING: unknown for Medicare, a warning');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'uhc'), 'NDC_MISSING'), 'NDC_MISSING silent: NDC given');
SELECT ok(pg_temp.src(pg_temp.v(payer => 'uhc', service_date => '2017-01-01', ndc => NULL), 'NDC_MISSING') LIKE '%(via uhc)',
          'NDC_MISSING: from the uhc policy on its first day');
SELECT ok(pg_temp.src(pg_temp.v(payer => 'uhc', service_date => '2016-12-31', ndc => NULL), 'NDC_MISSING') LIKE '%(via buca)',
          'NDC_MISSING: from the BUCA group the day before');

-- --------------------------------------------------- SPECIFIC_CODE_EXISTS

SELECT is(pg_temp.msg(pg_temp.v(narrative => 'tacrolimus 1 mg capsule'), 'SPECIFIC_CODE_EXISTS'),
          'narrative names "tacrolimus", which has its own codes: J7503, J7507, J7508; bill one of those instead of J7599',
          'SPECIFIC_CODE_EXISTS: generic name, every code of its dosage form listed (a capsule: not the injection J7525)');
SELECT ok(pg_temp.has(pg_temp.v(narrative => 'Prograf 1mg'), 'SPECIFIC_CODE_EXISTS', 'error'), 'SPECIFIC_CODE_EXISTS: brand name');
SELECT ok(pg_temp.msg(pg_temp.v(narrative => 'ENVARSUS-XR 0.75 mg'), 'SPECIFIC_CODE_EXISTS') LIKE '%"envarsus xr"%J7503%',
          'SPECIFIC_CODE_EXISTS: multi-word brand, any case and separator');
SELECT ok(pg_temp.msg(pg_temp.v(narrative => 'mycophenolic acid 180 mg'), 'SPECIFIC_CODE_EXISTS') LIKE '%J7518%',
          'SPECIFIC_CODE_EXISTS: mycophenolic acid');
SELECT ok(NOT pg_temp.has(pg_temp.v(narrative => 'tacrolimusxr 1 mg'), 'SPECIFIC_CODE_EXISTS'), 'SPECIFIC_CODE_EXISTS silent: not a whole word');
SELECT ok(NOT pg_temp.has(pg_temp.v(), 'SPECIFIC_CODE_EXISTS'), 'SPECIFIC_CODE_EXISTS silent: voclosporin has no code');
SELECT ok(pg_temp.has(pg_temp.v(line => 'J3490', narrative => 'sirolimus 1 mg'), 'SPECIFIC_CODE_EXISTS'),
          'SPECIFIC_CODE_EXISTS: any NOC code');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'J7507', narrative => 'tacrolimus 1 mg'), 'SPECIFIC_CODE_EXISTS'),
          'SPECIFIC_CODE_EXISTS silent: not a NOC code');

-- ---------------------------------------------------- UNITS_EXCEED_POLICY

SELECT ok(pg_temp.has(pg_temp.v(payer => 'j7599_test', units => 4), 'UNITS_EXCEED_POLICY', 'error'), 'UNITS_EXCEED_POLICY: 4 > 3');
SELECT ok(pg_temp.has(pg_temp.v(payer => 'j7599_test', units => 3.001), 'UNITS_EXCEED_POLICY'), 'UNITS_EXCEED_POLICY: 3.001 > 3');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'j7599_test', units => 3), 'UNITS_EXCEED_POLICY'), 'UNITS_EXCEED_POLICY silent: 3');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'j7599_test', units => 400, service_date => '2025-01-01'), 'UNITS_EXCEED_POLICY'),
          'UNITS_EXCEED_POLICY silent: the day the test policy ends');
SELECT ok(pg_temp.has(pg_temp.v(payer => 'j7599_test', units => 400, service_date => '2024-12-31'), 'UNITS_EXCEED_POLICY'),
          'UNITS_EXCEED_POLICY: its last day');
SELECT ok(NOT pg_temp.has(pg_temp.v(units => 400), 'UNITS_EXCEED_POLICY'), 'UNITS_EXCEED_POLICY silent: no maximum known');

-- ------------------------------------------------------------ DX_MISSING

SELECT ok(pg_temp.has(pg_temp.v(dx => NULL), 'DX_MISSING', 'warning'), 'DX_MISSING: NULL (Medicare''s list is assumed: a warning)');
SELECT ok(pg_temp.has(pg_temp.v(dx => '{}'), 'DX_MISSING'), 'DX_MISSING: empty array');
SELECT ok(pg_temp.has(pg_temp.v(dx => ARRAY[NULL, ' ']), 'DX_MISSING'), 'DX_MISSING: only NULL and blank');
SELECT ok(NOT pg_temp.has(pg_temp.v(), 'DX_MISSING'), 'DX_MISSING silent: diagnosis given');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'aetna', dx => NULL), 'DX_MISSING'), 'DX_MISSING silent: Aetna requires none');

-- -------------------------------------------------------- DX_NOT_COVERED

SELECT ok(pg_temp.has(pg_temp.v(dx => '{E11.9}'), 'DX_NOT_COVERED', 'warning'), 'DX_NOT_COVERED: diabetes (Medicare''s list is assumed: a warning)');
SELECT ok(pg_temp.has(pg_temp.v(dx => '{Z94.5}'), 'DX_NOT_COVERED'), 'DX_NOT_COVERED: skin transplant status');
SELECT ok(NOT pg_temp.has(pg_temp.v(dx => '{Z940}'), 'DX_NOT_COVERED'), 'DX_NOT_COVERED silent: Z940 matches Z94.0');
SELECT ok(NOT pg_temp.has(pg_temp.v(dx => '{z94.0}'), 'DX_NOT_COVERED'), 'DX_NOT_COVERED silent: z94.0 matches Z94.0');
SELECT ok(NOT pg_temp.has(pg_temp.v(dx => '{Z94.0}'), 'DX_NOT_COVERED'), 'DX_NOT_COVERED silent: Z94.0 matches Z94.0');
SELECT ok(NOT pg_temp.has(pg_temp.v(dx => '{T86.11}'), 'DX_NOT_COVERED'), 'DX_NOT_COVERED silent: T86.11 under T86.1');
SELECT ok(NOT pg_temp.has(pg_temp.v(dx => '{E11.9,t8610}'), 'DX_NOT_COVERED'), 'DX_NOT_COVERED silent: one of two matches');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'bcbs', dx => '{E11.9}'), 'DX_NOT_COVERED'), 'DX_NOT_COVERED silent: BCBS requires none');

-- -------------------------------------------------------- POS_NOT_ALLOWED

SELECT ok(pg_temp.has(pg_temp.v(payer => 'j7599_test', pos => '11'), 'POS_NOT_ALLOWED', 'error'), 'POS_NOT_ALLOWED: 11 not in {12,01}');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'j7599_test', pos => '01'), 'POS_NOT_ALLOWED'), 'POS_NOT_ALLOWED silent: 01');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'j7599_test', pos => NULL), 'POS_NOT_ALLOWED'), 'POS_NOT_ALLOWED silent: none given');
SELECT ok(NOT pg_temp.has(pg_temp.v(pos => '11'), 'POS_NOT_ALLOWED'), 'POS_NOT_ALLOWED silent: Medicare lists none');

-- ----------------------------------------------------- PRIOR_AUTH_MISSING

SELECT ok(pg_temp.has(pg_temp.v(payer => 'j7599_test'), 'PRIOR_AUTH_MISSING', 'error'), 'PRIOR_AUTH_MISSING: none given');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'j7599_test', prior_auth => 'PA12345'), 'PRIOR_AUTH_MISSING'), 'PRIOR_AUTH_MISSING silent: given');
SELECT ok(NOT pg_temp.has(pg_temp.v(), 'PRIOR_AUTH_MISSING'), 'PRIOR_AUTH_MISSING silent: Medicare unknown');

-- ------------------------------------------------- WASTE_MODIFIER_MISSING

SELECT ok(pg_temp.has(pg_temp.v(payer => 'j7599_test', line => 'J7599'), 'WASTE_MODIFIER_MISSING', 'error'), 'WASTE_MODIFIER_MISSING: neither JW nor JZ');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'j7599_test', line => 'J7599-JZ'), 'WASTE_MODIFIER_MISSING'), 'WASTE_MODIFIER_MISSING silent: JZ');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'j7599_test', line => 'J7599-JW'), 'WASTE_MODIFIER_MISSING'), 'WASTE_MODIFIER_MISSING silent: JW');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'J7599'), 'WASTE_MODIFIER_MISSING'), 'WASTE_MODIFIER_MISSING silent: Medicare unknown');

-- -------------------------------------------------- SUPPLY_DAYS_EXCEEDED

SELECT ok(pg_temp.has(pg_temp.v(days_supply => 31), 'SUPPLY_DAYS_EXCEEDED', 'error'), 'SUPPLY_DAYS_EXCEEDED: 31 > 30');
SELECT ok(NOT pg_temp.has(pg_temp.v(days_supply => 30), 'SUPPLY_DAYS_EXCEEDED'), 'SUPPLY_DAYS_EXCEEDED silent: 30');
SELECT ok(pg_temp.has(pg_temp.v(days_supply => 60, service_date => '2024-12-31'), 'SUPPLY_DAYS_EXCEEDED'),
          'SUPPLY_DAYS_EXCEEDED: 60 days on 2024-12-31 (30-day policy)');
SELECT ok(NOT pg_temp.has(pg_temp.v(days_supply => 60, service_date => '2025-01-01'), 'SUPPLY_DAYS_EXCEEDED'),
          'SUPPLY_DAYS_EXCEEDED silent: 60 days on 2025-01-01 (90-day policy)');
SELECT ok(pg_temp.has(pg_temp.v(days_supply => 91, service_date => '2025-01-01'), 'SUPPLY_DAYS_EXCEEDED'),
          'SUPPLY_DAYS_EXCEEDED: 91 days on 2025-01-01');
SELECT ok(NOT pg_temp.has(pg_temp.v(days_supply => NULL), 'SUPPLY_DAYS_EXCEEDED'), 'SUPPLY_DAYS_EXCEEDED silent: none given');

-- -------------------------------------------------------------- KX rules

SELECT ok(pg_temp.has(pg_temp.v(transplant_date => NULL), 'KX_WITHOUT_TRANSPLANT_DATE', 'warning'),
          'KX_WITHOUT_TRANSPLANT_DATE: KX, no transplant date');
SELECT ok(pg_temp.has(pg_temp.v(transplant_date => '2024-03-01'), 'KX_WITHOUT_TRANSPLANT_DATE'),
          'KX_WITHOUT_TRANSPLANT_DATE: transplant on the date of service is not before it');
SELECT ok(pg_temp.has(pg_temp.v(transplant_date => '2024-05-01'), 'KX_WITHOUT_TRANSPLANT_DATE'),
          'KX_WITHOUT_TRANSPLANT_DATE: transplant after the date of service');
SELECT ok(NOT pg_temp.has(pg_temp.v(transplant_date => '2024-02-29'), 'KX_WITHOUT_TRANSPLANT_DATE'),
          'KX_WITHOUT_TRANSPLANT_DATE silent: transplant the day before');
SELECT ok(NOT pg_temp.has(pg_temp.v(payer => 'uhc', transplant_date => NULL), 'KX_WITHOUT_TRANSPLANT_DATE'),
          'KX_WITHOUT_TRANSPLANT_DATE silent: no conditional KX rule for UnitedHealthcare');

SELECT ok(pg_temp.has(pg_temp.v(line => 'J7599'), 'KX_SUGGESTED', 'info'), 'KX_SUGGESTED: transplant before, no KX');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'J7599', transplant_date => NULL), 'KX_SUGGESTED'), 'KX_SUGGESTED silent: no transplant date');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'J7599', transplant_date => '2024-03-01'), 'KX_SUGGESTED'),
          'KX_SUGGESTED silent: transplant on the date of service');
SELECT ok(NOT pg_temp.has(pg_temp.v(), 'KX_SUGGESTED'), 'KX_SUGGESTED silent: KX present');
SELECT ok(NOT pg_temp.has(pg_temp.v(line => 'J7599', payer => 'bcbs'), 'KX_SUGGESTED'), 'KX_SUGGESTED silent: BCBS has no KX rule');

-- ------------------------------------------------------------- overall

SELECT is((SELECT count(*)::int FROM unnest(pg_temp.v(line => 'J7599-KX-JW-JZ-ZZ', payer => NULL, units => 0, ndc => 'x',
                                                    pos => '00', dx => '{99}', narrative => 'take daily'))
            WHERE coalesce(message, '') = '' OR coalesce(source, '') = ''
               OR severity NOT IN ('error', 'warning', 'info')), 0,
          'every finding has a severity, a message and a source');
SELECT is((SELECT array_agg(DISTINCT field ORDER BY field)
             FROM unnest(pg_temp.v(line => 'J7599-JW-JZ-KX', units => 0, ndc => 'x', pos => '00', dx => '{99}',
                                   narrative => NULL, days_supply => 99, transplant_date => NULL))),
          '{days_supply,dx,line,narrative,ndc,pos,transplant_date,units}'::text[],
          'fields name the arguments');
SELECT is((SELECT count(*)::int FROM j7599.validate('J7599-KX'::j7599.hcpcs_line, 'medicare', '2024-03-01', 1,
                                                     '00069015001', '12', '{Z94.0}', 'voclosporin 7.9 mg', NULL, 30,
                                                     '2020-01-01')), 0,
          'the hcpcs_line overload, positional arguments: clean');
SELECT is((SELECT array_agg(rule ORDER BY rule) FROM j7599.validate('J7599-JW-JZ'::j7599.hcpcs_line)),
          (SELECT array_agg(rule ORDER BY rule) FROM j7599.validate('J7599-JW-JZ'::text)),
          'both overloads find the same');

-- UNITS_INVALID reads the sign of a numeric from its stored form: it must
-- agree with numeric's own comparison in both stored formats (short: small
-- weights and scales; long: 1e200, 1e-200, a scale past 63) and on the
-- special values
CREATE TEMP TABLE units_cases (u numeric);
INSERT INTO units_cases VALUES (0), (-0), (0.000), (1), (-1), (2.5), (-2.5), (0.0001), (-0.0001), (30),
    (1e200), (-1e200), (1e-200), (-1e-200), (0.0000000000000000000000000000000000000000000000000000000000000000001),
    (-0.0000000000000000000000000000000000000000000000000000000000000000001),
    (1.0000000000000000000000000000000000000000000000000000000000000000001),
    (0.000000000000000000000000000000000000000000000000000000000000000000000),
    (123456789012345678901234567890), ('NaN'), ('Infinity'), ('-Infinity');
SELECT is((SELECT count(*) FROM units_cases AS c
           WHERE EXISTS (SELECT FROM j7599.validate(line => 'J7599', units => c.u) AS f WHERE f.rule = 'UNITS_INVALID')
                 IS DISTINCT FROM NOT (c.u > 0 AND c.u < 'Infinity')),
          0::bigint, 'UNITS_INVALID fires exactly when the units are not a finite number above zero, in every stored form');
SELECT is((SELECT count(*) FROM units_cases AS c
           WHERE j7599.line_ok(line => 'J7599'::j7599.hcpcs_line, units => c.u) IS DISTINCT FROM (c.u > 0 AND c.u < 'Infinity')),
          0::bigint, 'and line_ok agrees');
SELECT * FROM finish();
ROLLBACK;
