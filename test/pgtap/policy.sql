-- Payers, aliases and the policy cascade: resolution of every shipped alias,
-- field-by-field fallback (payer, group, default), the Medicare supply change
-- on 2025-01-01, overlap refusal, replace-on-insert, and privileges.
BEGIN;
SET LOCAL search_path = public;
SELECT plan(58);

-- ---- payers and aliases -------------------------------------------------------
SELECT set_eq($$SELECT payer_id || ':' || coalesce(parent_id, '-') || ':' || is_group FROM j7599.payer$$,
              ARRAY['default:-:true', 'medicare:default:false', 'buca:default:true', 'aetna:buca:false',
                    'bcbs:buca:false', 'cigna:buca:false', 'uhc:buca:false', 'medicare_bid:medicare:false'],
              'the shipped payers and their parents');
SELECT is((SELECT count(*) FROM j7599.payer_alias WHERE match = 'exact' AND j7599.payer_resolve(alias) IS DISTINCT FROM payer_id),
          0::bigint, 'every shipped alias resolves to its payer');
SELECT is((SELECT count(*) FROM j7599.payer_alias WHERE match = 'exact' AND (j7599.payer_resolve(upper(alias)) IS DISTINCT FROM payer_id
                                                     OR j7599.payer_resolve(' ' || lower(alias) || ' ') IS DISTINCT FROM payer_id)),
          0::bigint, 'every shipped alias resolves in upper and lower case, with blanks around it');
SELECT is(j7599.payer_resolve('Blue Cross Blue Shield'), 'bcbs', 'seed name "Blue Cross Blue Shield" -> bcbs');
SELECT is(j7599.payer_resolve('Cigna Health'), 'cigna', 'seed name "Cigna Health" -> cigna');
SELECT is(j7599.payer_resolve('UnitedHealthcare'), 'uhc', 'seed name "UnitedHealthcare" -> uhc');
SELECT is(j7599.payer_resolve('BUCA plans'), 'buca', 'seed name "BUCA plans" -> buca');
SELECT is(j7599.payer_resolve('Medicare'), 'medicare', 'seed name "Medicare" -> medicare');
SELECT is(j7599.payer_resolve('Aetna'), 'aetna', 'seed name "Aetna" -> aetna');
SELECT is(j7599.payer_resolve('United Health Care'), 'uhc', '"United Health Care" shares the key of UnitedHealthcare');
SELECT is(j7599.payer_resolve('BLUE-CROSS/BLUE-SHIELD'), 'bcbs', 'punctuation and case do not matter');
SELECT is(j7599.payer_resolve('uhc'), 'uhc', 'a payer id resolves to itself');
SELECT is(j7599.payer_resolve('Acme Health Plan'), NULL, 'an unknown payer resolves to NULL');
SELECT is(j7599.payer_resolve(''), NULL, 'an empty name resolves to NULL');

-- ---- the cascade --------------------------------------------------------------
SELECT results_eq(
    $$SELECT field, value, from_payer FROM j7599.policy_explain('UnitedHealthcare', '2024-06-01')
       WHERE value IS NOT NULL$$,
    $$VALUES ('requires_ndc', 'true', 'uhc'), ('requires_narrative', 'true', 'default'),
             ('narrative_max_length', '80', 'default')$$,
    'uhc: requires_ndc from uhc itself, the narrative fields from default');
SELECT results_eq(
    $$SELECT field, value, from_payer, confidence FROM j7599.policy_explain('Aetna', '2024-06-01')
       WHERE value IS NOT NULL$$,
    $$VALUES ('requires_ndc', 'true', 'buca', 'assumed'), ('requires_narrative', 'true', 'default', 'assumed'),
             ('narrative_max_length', '80', 'default', 'confirmed')$$,
    'aetna publishes nothing: requires_ndc from buca, the rest from default, each with its confidence');
SELECT is((SELECT count(*) FROM j7599.policy_explain('aetna', '2024-06-01')), 11::bigint,
          'policy_explain gives one row per policy field');
SELECT is((SELECT count(*) FROM j7599.policy_explain('aetna', '2024-06-01') WHERE value IS NULL AND from_payer IS NULL),
          8::bigint, 'unknown fields are NULL with no payer');
SELECT is((SELECT from_payer FROM j7599.policy_explain('uhc', '2016-12-31') WHERE field = 'requires_ndc'), 'buca',
          'before 2017-01-01 the uhc row is not in force and buca answers');
SELECT is((SELECT source FROM j7599.policy_explain('uhc', '2024-06-01') WHERE field = 'requires_ndc'),
          (SELECT source FROM j7599.policy WHERE policy_id = 'uhc-j7599'), 'policy_explain gives the source of the row used');
SELECT is((SELECT count(*) FROM j7599.policy_explain('Acme Health Plan', '2024-06-01')), 0::bigint,
          'policy_explain gives no rows for an unknown payer');
SELECT is(j7599.policy_for('Acme Health Plan', '2024-06-01'), NULL, 'policy_for is NULL for an unknown payer');
SELECT is(j7599.policy_for(NULL, '2024-06-01'), NULL, 'policy_for is NULL for a NULL payer');
SELECT is(j7599.policy_for('uhc', '2024-06-01', 'J3490'), NULL, 'policy_for is NULL when no policy exists for the code');

SELECT results_eq(
    $$SELECT payer_id, code, requires_ndc, requires_narrative, narrative_max_length, valid, confidence, policy_id
        FROM j7599.policy_for('Cigna Health', '2024-06-01')$$,
    $$VALUES ('cigna', 'J7599', true, true, 80, '(,)'::daterange, 'assumed', 'buca-j7599,default-j7599')$$,
    'policy_for cigna: resolved payer id, fields from buca and default, the weakest confidence');
SELECT results_eq(
    $$SELECT field_confidence, note FROM j7599.policy_for('cigna', '2024-06-01')$$,
    $$VALUES ('{"requires_ndc": "assumed", "requires_narrative": "assumed", "narrative_max_length": "confirmed"}'::jsonb,
              'requires_ndc from buca, requires_narrative from default, narrative_max_length from default')$$,
    'policy_for fills field_confidence per field and says where each came from');
SELECT is((j7599.policy_for('uhc', '2024-06-01', 'j7599 ')).code, 'J7599', 'the code argument is case-insensitive');
SELECT ok((j7599.policy_for('uhc', '2024-06-01')).source LIKE 'uhc: UnitedHealthcare NDC FAQ%| default: %',
          'policy_for names the source of each contributing payer');

-- ---- Medicare -----------------------------------------------------------------
SELECT is((j7599.policy_for('Medicare', '2024-12-31')).supply_days_max, 30, 'Medicare supply on 2024-12-31: 30 days');
SELECT is((j7599.policy_for('Medicare', '2025-01-01')).supply_days_max, 90, 'Medicare supply on 2025-01-01: 90 days');
SELECT is((j7599.policy_for('Medicare', '2024-12-31')).valid, '(,2025-01-01)'::daterange,
          'the resolved valid range ends where the 30-day row ends');
SELECT is((j7599.policy_for('Medicare Part B', '2025-01-01')).valid, '[2025-01-01,)'::daterange,
          'from 2025-01-01 the 90-day row is in force');
SELECT results_eq(
    $$SELECT requires_ndc, requires_narrative, narrative_max_length, kx_rule, bill_to, waste_modifier_required,
             max_units, field_confidence ->> 'dx_required', 'Z94.0' = ANY (dx_required), 'T86.1' = ANY (dx_required),
             'Z94.5' = ANY (dx_required)
        FROM j7599.policy_for('DME MAC', '2025-03-01')$$,
    $$VALUES (NULL::boolean, true, 80, 'conditional', 'DME MAC', NULL::boolean, NULL::numeric, 'assumed', true, true, false)$$,
    'Medicare: narrative of 80, KX conditional, DME MAC; NDC, waste modifier and units unknown; dx list assumed');
SELECT is((SELECT from_payer FROM j7599.policy_explain('medicare', '2025-03-01') WHERE field = 'requires_narrative'),
          'medicare', 'Medicare''s own row answers before default');
SELECT is((SELECT confidence FROM j7599.policy_explain('medicare', '2025-03-01') WHERE field = 'dx_required'),
          'assumed', 'field_confidence overrides the row confidence in policy_explain');
SELECT is((SELECT confidence FROM j7599.policy_explain('medicare', '2025-03-01') WHERE field = 'supply_days_max'),
          'confirmed', 'other Medicare fields keep the row confidence');

-- ---- user payers: default is consulted last, cycles are cut -------------------
INSERT INTO j7599.payer (payer_id, name, parent_id, source) VALUES ('acme', 'Acme Health Plan', NULL, 'test');
SELECT is((SELECT from_payer FROM j7599.policy_explain('ACME', '2024-06-01') WHERE field = 'requires_narrative'),
          'default', 'default is consulted even when the parents do not lead to it');
SELECT ok(NOT (SELECT shipped FROM j7599.payer WHERE payer_id = 'acme'), 'a user payer is not shipped');
INSERT INTO j7599.payer (payer_id, name, parent_id, source) VALUES ('loop_a', 'Loop A', NULL, 'test'),
                                                              ('loop_b', 'Loop B', 'loop_a', 'test');
UPDATE j7599.payer SET parent_id = 'loop_b' WHERE payer_id = 'loop_a';
SELECT results_eq($$SELECT payer_id FROM j7599.payer_chain('loop_a')$$,
                  $$VALUES ('loop_a'), ('loop_b'), ('default')$$, 'a cycle in the parents ends the chain');
SELECT is((j7599.policy_for('loop_a', '2024-06-01')).requires_narrative, true, 'policy_for works on a cyclic chain');
INSERT INTO j7599.payer (payer_id, name, parent_id, source)
SELECT 'deep_' || i, 'Deep ' || i, NULL, 'test' FROM generate_series(0, 39) AS i;
UPDATE j7599.payer SET parent_id = 'deep_' || (substr(payer_id, 6)::int + 1)
 WHERE payer_id LIKE 'deep\_%' AND payer_id <> 'deep_39';
SELECT results_eq($$SELECT count(*), max(depth), min(payer_id) FILTER (WHERE depth = 32)
                      FROM j7599.payer_chain('deep_0')$$,
                  $$VALUES (34::bigint, 33, 'deep_32')$$,
                  'a chain is cut after 32 parents, then default');

INSERT INTO j7599.policy (policy_id, payer_id, code, valid, requires_prior_auth, max_units, source, confidence)
VALUES ('acme-j7599', 'acme', 'J7599', '[2024-01-01,)', true, 1, 'Acme provider manual 2024', 'confirmed');
SELECT results_eq(
    $$SELECT requires_prior_auth, max_units, requires_narrative, policy_id, valid
        FROM j7599.policy_for('acme', '2024-06-01')$$,
    $$VALUES (true, 1::numeric, true, 'acme-j7599,default-j7599', '[2024-01-01,)'::daterange)$$,
    'a user policy combines with default');
SELECT is(j7599.policy_for('acme', '2023-06-01', 'J7599') IS NULL, false,
          'before the user row, default still answers');

-- ---- overlap and replace-on-insert --------------------------------------------
SELECT throws_ok(
    $$INSERT INTO j7599.policy (payer_id, code, valid, requires_ndc, source, confidence)
      VALUES ('medicare', 'J7599', '[2024-07-01,2024-08-01)', true, 'local', 'assumed')$$,
    '23P01', NULL, 'a user row overlapping shipped rows of the same payer and code is refused (23P01)');
SELECT lives_ok(
    $$INSERT INTO j7599.policy (payer_id, code, valid, requires_ndc, source, confidence)
      VALUES ('medicare', 'J3490', '[2024-07-01,2024-08-01)', true, 'local', 'assumed')$$,
    'the same range for another code is accepted');
INSERT INTO j7599.policy (policy_id, payer_id, code, valid, requires_ndc, requires_prior_auth, source, confidence)
VALUES ('uhc-j7599', 'uhc', 'J7599', '[2017-01-01,)', true, true, 'contract 2024', 'confirmed');
SELECT results_eq($$SELECT count(*), bool_and(NOT shipped), min(source) FROM j7599.policy WHERE payer_id = 'uhc'$$,
                  $$VALUES (1::bigint, true, 'contract 2024')$$,
                  'a policy inserted with a shipped policy_id replaces the shipped row');
SELECT is((SELECT from_payer FROM j7599.policy_explain('uhc', '2024-06-01') WHERE field = 'requires_prior_auth'), 'uhc',
          'the replacement is used by the cascade');
UPDATE j7599.policy SET valid = '[2017-01-01,2026-01-01)' WHERE policy_id = 'bcbs-j7599';
SELECT results_eq($$SELECT valid, shipped FROM j7599.policy WHERE policy_id = 'bcbs-j7599'$$,
                  $$VALUES ('[2017-01-01,2026-01-01)'::daterange, false)$$, 'editing a shipped policy clears shipped');
SELECT is((SELECT count(*) FROM j7599.policy WHERE shipped), 5::bigint, 'the five other shipped policies are untouched');

-- ---- function properties -------------------------------------------------------
SELECT is((SELECT count(*) FROM pg_proc
            WHERE pronamespace = 'j7599'::regnamespace
              AND proname IN ('payer_resolve', 'payer_chain', 'payer_chain_ids', 'policy_trace', 'policy_for',
                              'policy_explain')
              AND provolatile = 's' AND proisstrict AND proparallel = 's'), 6::bigint,
          'the resolution functions are STABLE, STRICT and PARALLEL SAFE');
SELECT ok((SELECT bool_and(array_to_string(proconfig, ',') = 'search_path=pg_catalog, pg_temp') FROM pg_proc
            WHERE pronamespace = 'j7599'::regnamespace
              AND proname IN ('payer_resolve', 'payer_chain', 'payer_chain_ids', 'policy_trace', 'policy_for',
                              'policy_explain', 'load_hcpcs_codes', 'load_place_of_service')),
          'they run with a pinned search_path');

-- ---- privileges ---------------------------------------------------------------
CREATE ROLE j7599_tap_reader NOLOGIN;
SET LOCAL ROLE j7599_tap_reader;
SELECT lives_ok($$SELECT count(*) FROM j7599.policy$$, 'an ordinary role can read policy');
SELECT lives_ok($$SELECT count(*) FROM j7599.hcpcs_code JOIN j7599.modifier ON true WHERE false$$,
                'an ordinary role can read the code sets');
SELECT is((j7599.policy_for('Aetna', '2024-06-01')).requires_ndc, true, 'an ordinary role can call policy_for');
SELECT throws_ok($$INSERT INTO j7599.policy (payer_id, code, valid, source, confidence)
                   VALUES ('aetna', 'J7599', '[2030-01-01,)', 'x', 'assumed')$$,
                 '42501', NULL, 'an ordinary role cannot INSERT into policy (42501)');
SELECT throws_ok($$UPDATE j7599.policy SET requires_ndc = false$$, '42501', NULL,
                 'an ordinary role cannot UPDATE policy (42501)');
SELECT throws_ok($$DELETE FROM j7599.payer_alias$$, '42501', NULL, 'an ordinary role cannot DELETE aliases (42501)');
SELECT throws_ok($$SELECT * FROM j7599.load_hcpcs_codes('pg_class', 'x', 'x')$$, '42501', NULL,
                 'an ordinary role cannot run the loaders (42501)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
