-- test/bench/validate_mix.sql: a table of claim lines built to reach every
-- rule of the catalogue and the corners of its inputs, for the agreement
-- check of test/bench/validate_check.sh (the generated claims of
-- gen_claims.sql reach only some rules: no shipped policy requires prior
-- authorisation, a place of service, a waste modifier or a unit limit).
--
--   psql -v rows=20000 -f test/bench/validate_mix.sql
--
-- CHANGES REFERENCE DATA of the database it runs in (meant for a throwaway
-- database): adds payers bench_strict (every policy field set, two date
-- ranges), bench_loose (every field false) and bench_child (a child of
-- bench_strict that overrides two fields), and bounds the validity of two
-- codes and one modifier-free place of service, so date rules fire.
-- Makes table mix_src with the columns of claims_src; each column is picked
-- independently from a list of values by a hash of the row number, so the
-- same arguments give the same rows.

INSERT INTO j7599.payer (payer_id, name, parent_id, source) VALUES
    ('bench_strict', 'Bench Strict Plan', NULL, 'benchmark'),
    ('bench_loose', 'Bench Loose Plan', 'buca', 'benchmark'),
    ('bench_child', 'Bench Child Plan', 'bench_strict', 'benchmark');
INSERT INTO j7599.payer_alias (alias, payer_id, source) VALUES
    ('Strict Health Plan', 'bench_strict', 'benchmark');

INSERT INTO j7599.policy (policy_id, payer_id, code, valid, requires_ndc, requires_narrative, narrative_max_length,
                          requires_prior_auth, dx_required, pos_allowed, max_units, supply_days_max,
                          waste_modifier_required, kx_rule, bill_to, source, confidence) VALUES
    ('bench-strict-1', 'bench_strict', 'J7599', '[2020-01-01,2025-01-01)', true, true, 60, true,
     '{Z94.0,T86.1,z94 8}', '{12,01}', 5, 30, true, 'conditional', 'bench', 'bench strict 2020', 'assumed'),
    ('bench-strict-2', 'bench_strict', 'J7599', '[2025-01-01,)', false, NULL, 120, false,
     '{Z94}', '{11, 12}', 10.5, 90, false, NULL, NULL, 'bench strict 2025', 'assumed'),
    ('bench-strict-3490', 'bench_strict', 'J3490', '(,)', true, NULL, NULL, NULL,
     NULL, '{12}', 2, NULL, NULL, NULL, NULL, 'bench strict J3490', 'assumed'),
    ('bench-loose-1', 'bench_loose', 'J7599', '(,)', false, false, NULL, false,
     NULL, NULL, NULL, NULL, false, NULL, NULL, 'bench loose', 'assumed'),
    ('bench-child-1', 'bench_child', 'J7599', '[2022-01-01,)', NULL, false, NULL, false,
     NULL, NULL, 3, NULL, NULL, NULL, NULL, 'bench child', 'assumed');

-- date-bounded rows, so CODE_UNKNOWN and POS_UNKNOWN fire by date
UPDATE j7599.hcpcs_code SET valid = '[2010-01-01,2024-01-01)' WHERE code = 'J7525';
UPDATE j7599.hcpcs_code SET valid = '[2023-07-01,)' WHERE code = 'J7500';
UPDATE j7599.place_of_service SET valid = '[2015-01-01,2024-01-01)' WHERE code = '01';

DROP TABLE IF EXISTS mix_src;
CREATE TABLE mix_src (LIKE claims_src INCLUDING ALL);

INSERT INTO mix_src
SELECT i / 3 + 1, i % 3 + 1,
       (ARRAY['J7599', 'J7599-JZ', 'J7599-JW', 'J7599-KX', 'J7599-JZ-KX', 'J7599-22', 'J7599-RT', 'J7599-25-59-XE',
              'J3490', 'J3490-JZ', 'J7500', 'J7500-RT', '99213', '99213-25', '0001U', 'D0120', 'A9999', 'Z9999',
              'C9399', 'Q4082-KX', 'J7599-QQ', 'J7599-ZZ', 'J7599-JZ-JZ', 'J7599-KX-KX-KX', 'HC:J7599:JZ', 'hc:j7599',
              'J7599 JZ KX', E'J7599\tJZ', 'J7599JZKX', 'j7599-jz', ' J7599-JZ ', 'J7599-JZ-KX-GA-GY',
              'J7599-JZ-KX-GA-GY-GZ', 'J759', '', '  ', 'J7599--JZ', 'J7599-JZ-', 'HC J7599', 'J7599:JZ-KX',
              'G0008', 'J7599-JG-TB', 'J7599-JA-JB', 'J7599-EY-GA', 'J7525-KX', 'J7599-XE-XS', 'HC:', 'J7599JZK',
              NULL, 'J7599-JZ-1A-1A', 'J3490-ZZ-KX'])[1 + (hashint4(i * 11 + 1) & 2147483647) % 51],
       (ARRAY['bench_strict', 'bench_strict', 'bench_loose', 'bench_child', 'Strict Health Plan', 'STRICT-HEALTH plan',
              'Medicare', 'medicare', 'BCBS', 'Aetna', 'uhc', 'UHC', 'Acme', '', NULL, ' MEDICARE ', 'buca',
              'default', 'bench strict', 'Cigna Health', 'benchstrict', '  '])[1 + (hashint4(i * 11 + 2) & 2147483647) % 22],
       (ARRAY[date '2024-06-01', date '2025-06-01', NULL, date '2016-01-01', date '2030-01-01', date '2023-06-30',
              date '2024-12-31', date '2025-01-01', date '2019-12-31'])[1 + (hashint4(i * 11 + 3) & 2147483647) % 9],
       (ARRAY[1, 0, -1, NULL, 'NaN', 10, 5.5, 5, 3, 3.0001, 'Infinity', 10.5, 11])[1 + (hashint4(i * 11 + 4) & 2147483647) % 13],
       (ARRAY['00069-0150-01', '0006915001', '', NULL, 'N4 00069015001', 'n400069015001', '000069-0150-01',
              '0069-0150-01', '00069-150-01', '00069-0150-1', '00069-01500-1', 'abc', ' 00069015001 ', 'N4',
              '000690150011', '00069 0150 01'])[1 + (hashint4(i * 11 + 5) & 2147483647) % 16],
       (ARRAY['12', '01', '11', '00', '99', ' 12 ', '1', 'ab', '', NULL, '02', '66', '012'])[1 + (hashint4(i * 11 + 6) & 2147483647) % 13],
       (ARRAY['Z94.0', 'z940', 'T86.10', 'E11.9', '9940', 'Z94.', '', NULL, 'Z9.40', 'T861', ' Z94.1 ', 'Z94.8',
              'Z948', 'z94 8', 'Z94.0.1', 'Z94012345'])[1 + (hashint4(i * 11 + 7) & 2147483647) % 16],
       (ARRAY[NULL, NULL, NULL, 'I10', 'Z94.0', '', 'X', 'T86.11'])[1 + (hashint4(i * 11 + 8) & 2147483647) % 8],
       (ARRAY[NULL, '', '   ', 'per protocol', 'tacrolimus 1 mg', 'voclosporin 7.9mg cap', 'Lupkynis 7.9 mg',
              'Depo-Medrol 40 mg', 'depo medrol 40mg', 'mycophenolic acid 360 mg', 'envarsus xr 4 mg', 'Envarsus XR',
              'voclosporin 5 mgx', 'take 2 tablets daily', 'belumosudil 200 mg tablet', 'voclosporin 1,000 mg',
              'voclosporin .5 mL', 'voclosporin 5 units', 'voclosporin 5 unitsx', 'voclosporin 5%',
              E'voclosporin 5 \u00B5g', E'voclosporin 5\u00A0mg', 'vocl 5 mg', 'abc 5 mg', 'abc5mg',
              'voclosporin 7.9 mg capsules, take three capsules by mouth twice daily, dispensed 180 capsules for 30 days',
              'sirolimus 2 mg; rapamune 2 mg', 'muromonab-cd3 5 mg', 'prograf 1 mg', 'Prograf 1 MG twice daily',
              'voclosporin 5mg.', 'voclosporin 5 mg/mL', 'VOCLOSPORIN 5 IU', 'voclosporin 5 gm', 'voclosporin 5 g2',
              'tacrolimus-xr 1 mg', 'tacrolimusxr 1 mg', E'voclosporin\u2014 5 mg', E'caf\u00E9ine 5 mg',
              'lymphocyte immune globulin 10 mg', 'methylprednisolone sodium succinate 40 mg', 'daily 5 mg tablets'
              ])[1 + (hashint4(i * 11 + 9) & 2147483647) % 42],
       (ARRAY[NULL, NULL, '', 'PA123', '  '])[1 + (hashint4(i * 11 + 10) & 2147483647) % 5],
       (ARRAY[30, 90, 120, NULL, 31, 0])[1 + (hashint4(i * 11 + 11) & 2147483647) % 6],
       (ARRAY[date '2020-01-01', NULL, date '2030-01-01', date '2024-06-01', date '2025-06-01'])[1 + (hashint4(i * 11 + 12) & 2147483647) % 5]
FROM generate_series(0, :rows - 1) AS i;

ANALYZE mix_src;
