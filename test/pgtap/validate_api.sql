-- test/pgtap/validate_api.sql: the SQL interface of validation: signatures,
-- volatility, strictness, parallel safety, NULL handling, line_ok, the rule
-- catalogue, is_valid against validate, and the cached cascade against
-- policy_explain.

BEGIN;
SELECT plan(65);
\ir lib/test_functions.sql

-- ------------------------------------------------------------ signatures

SELECT has_type('j7599', 'finding', 'type j7599.finding exists');
SELECT is((SELECT array_agg(attname::text || ' ' || format_type(atttypid, atttypmod) ORDER BY attnum)
             FROM pg_attribute WHERE attrelid = 'j7599.finding'::regclass AND attnum > 0 AND NOT attisdropped),
          '{"rule text","severity text","field text","message text","source text"}'::text[],
          'finding is (rule, severity, field, message, source), all text');

SELECT ok(pg_temp.has_inputs('validate',
    ARRAY['j7599.hcpcs_line', 'text', 'date', 'numeric', 'text', 'text', 'text[]', 'text', 'text', 'integer', 'date']),
    'validate(hcpcs_line, ...) exists');
SELECT ok(pg_temp.has_inputs('validate',
    ARRAY['text', 'text', 'date', 'numeric', 'text', 'text', 'text[]', 'text', 'text', 'integer', 'date']),
    'validate(text, ...) exists');
SELECT ok(pg_temp.has_inputs('is_valid',
    ARRAY['j7599.hcpcs_line', 'text', 'date', 'numeric', 'text', 'text', 'text[]', 'text', 'text', 'integer', 'date']),
    'is_valid(hcpcs_line, ...) exists');
SELECT ok(pg_temp.has_inputs('is_valid',
    ARRAY['text', 'text', 'date', 'numeric', 'text', 'text', 'text[]', 'text', 'text', 'integer', 'date']),
    'is_valid(text, ...) exists');
SELECT has_function('j7599', 'line_ok', ARRAY['j7599.hcpcs_line', 'numeric', 'text', 'text', 'text[]'],
    'line_ok(hcpcs_line, numeric, text, text, text[]) exists');

-- the four validation functions, as pg_proc sees them
CREATE TEMP VIEW vfun AS
SELECT p.oid, p.proname::text AS name, format_type(p.proargtypes[0], NULL) AS line_type,
       p.proargnames::text[] AS argnames, p.pronargdefaults AS ndefaults, p.provolatile, p.proparallel,
       p.proisstrict, p.proretset, p.prorows, format_type(p.prorettype, NULL) AS returns
  FROM pg_proc p
 WHERE p.pronamespace = 'j7599'::regnamespace AND p.proname IN ('validate', 'is_valid');

SELECT is((SELECT count(*)::int FROM vfun), 4, 'two overloads each of validate and is_valid');
SELECT is((SELECT count(*)::int FROM vfun
            WHERE argnames[1:11] = '{line,payer,service_date,units,ndc,pos,dx,narrative,prior_auth,days_supply,transplant_date}'),
          4, 'argument names and order as in the spec (new arguments come after them)');
SELECT is((SELECT count(*)::int FROM vfun WHERE ndefaults = cardinality(argnames) - 1), 4,
          'every argument but line has a default');
SELECT is((SELECT count(*)::int FROM vfun WHERE provolatile = 's'), 4, 'validate and is_valid are STABLE');
SELECT is((SELECT count(*)::int FROM vfun WHERE proparallel = 's'), 4, 'validate and is_valid are PARALLEL SAFE');
SELECT is((SELECT count(*)::int FROM vfun WHERE NOT proisstrict), 4, 'validate and is_valid are not STRICT');
SELECT is((SELECT count(*)::int FROM vfun WHERE name = 'validate' AND proretset AND returns = 'j7599.finding'
                                             AND prorows BETWEEN 1 AND 10), 2,
          'validate returns SETOF j7599.finding with a small row estimate');
SELECT is((SELECT count(*)::int FROM vfun WHERE name = 'is_valid' AND NOT proretset AND returns = 'boolean'), 2,
          'is_valid returns boolean');
SELECT is((SELECT array_agg(line_type ORDER BY line_type) FROM vfun WHERE name = 'validate'),
          '{j7599.hcpcs_line,text}'::text[], 'line is hcpcs_line or text');

SELECT is(ARRAY(SELECT DISTINCT proargnames::text FROM pg_proc
                WHERE proname = 'line_ok' AND pronamespace = 'j7599'::regnamespace),
          ARRAY['{line,units,ndc,pos,dx}'], 'line_ok argument names (both overloads)');
SELECT is(ARRAY(SELECT format_type(proargtypes[0], NULL) || ' ' || provolatile::text || proparallel::text
                       || proisstrict::text || pronargdefaults::text
                FROM pg_proc WHERE proname = 'line_ok' AND pronamespace = 'j7599'::regnamespace ORDER BY 1),
          ARRAY['j7599.hcpcs_line isfalse4', 'text isfalse4'],
          'line_ok (hcpcs_line and text lines) is IMMUTABLE, PARALLEL SAFE, not STRICT, its non-line arguments default to NULL');

SELECT is((SELECT count(*)::int FROM pg_proc p
            WHERE p.pronamespace = 'j7599'::regnamespace
              AND p.proname IN ('validate', 'is_valid', 'line_ok', 'rules', 'builtin_conflicts', '_reference_changed')
              AND obj_description(p.oid, 'pg_proc') IS NULL), 0,
          'every validation function has a comment');
SELECT isnt(obj_description('j7599.finding'::regtype, 'pg_type'), NULL, 'the finding type has a comment');

-- the cache triggers
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname)
             FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE t.tgfoid = 'j7599._reference_changed'::regproc
              AND t.tgtype & 1 = 0          -- FOR EACH STATEMENT
              AND t.tgtype & 60 = 60),      -- INSERT, DELETE, UPDATE, TRUNCATE
          '{drug_code,hcpcs_code,modifier,modifier_conflict,ndc_code,payer,payer_alias,place_of_service,policy,rule_setting,unit_limit}'::text[],
          'a statement trigger on each of the eleven reference tables');
SELECT throws_ok('SELECT j7599._reference_changed()', '39P01', NULL,
                 'the trigger function refuses a direct call');

-- ---------------------------------------------------------- NULL handling

SELECT is((SELECT count(*)::int FROM j7599.validate(NULL::j7599.hcpcs_line)), 0, 'validate(NULL line) gives no rows');
SELECT is((SELECT count(*)::int FROM j7599.validate(NULL::text, 'medicare')), 0, 'validate(NULL text line) gives no rows');
SELECT is(j7599.is_valid(NULL::j7599.hcpcs_line), NULL, 'is_valid(NULL line) is NULL');
SELECT is(j7599.is_valid(NULL::text), NULL, 'is_valid(NULL text line) is NULL');
SELECT is(j7599.line_ok(NULL), NULL, 'line_ok(NULL) is NULL');
SELECT is(j7599.is_valid('J7599'::j7599.hcpcs_line), true, 'is_valid with only a line: warnings only');
SELECT is(j7599.is_valid('J759'::text), false, 'is_valid of a malformed text line is false');
SELECT is((SELECT array_agg(rule ORDER BY rule) FROM j7599.validate('J7599'::j7599.hcpcs_line)),
          '{PAYER_MISSING,SERVICE_DATE_MISSING,UNITS_MISSING}'::text[], 'validate with only a line');
SELECT is((SELECT count(*)::int FROM j7599.validate('J7599-KX', 'medicare', NULL, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
            WHERE rule = 'SERVICE_DATE_MISSING'), 1, 'explicit NULLs are missing values');

-- diagnoses from a PL/pgSQL variable (an expanded array) and a 2-D array
CREATE FUNCTION pg_temp.dx_rules_from_plpgsql() RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    a text[] := '{}';
BEGIN
    a := a || 'E11.9'::text;
    a := a || NULL::text;
    a := a || '9940'::text;
    a[5] := 'z94.0';
    RETURN ARRAY(SELECT rule FROM j7599.validate('J7599-KX', 'medicare', '2024-03-01', 1, dx => a)
                  WHERE field = 'dx' ORDER BY rule);
END
$$;
SELECT is(pg_temp.dx_rules_from_plpgsql(), '{DX_MALFORMED}'::text[],
          'dx from a PL/pgSQL array: NULLs skipped, 9940 malformed, z94.0 covers');
SELECT is(ARRAY(SELECT rule FROM j7599.validate('J7599-KX', 'medicare', '2024-03-01', 1,
                                                 dx => '{{E11.9,9940},{Z94.0,NULL}}') WHERE field = 'dx'),
          '{DX_MALFORMED}'::text[], 'a two-dimensional dx array is read element by element');

-- ----------------------------------------------------------------- line_ok

SELECT is(j7599.line_ok('J7599-JZ-KX'), true, 'line_ok: a good line');
SELECT is(j7599.line_ok('J7599-JZ-KX', 1, '00069-0150-01', '12', '{Z94.0,z940}'), true, 'line_ok: good arguments');
SELECT is(j7599.line_ok('J7599', units => NULL, ndc => '', pos => ' ', dx => ARRAY[NULL, '']), true,
          'line_ok: NULL and blank arguments are no failure');
SELECT is(j7599.line_ok('J7599-ZZ-25'), true, 'line_ok: unknown and procedure modifiers need a table, so pass');
SELECT is(j7599.line_ok('J7599-JZ-JZ'), false, 'line_ok: duplicate modifier');
SELECT is(j7599.line_ok('J7599', units => 0), false, 'line_ok: units 0');
SELECT is(j7599.line_ok('J7599', units => -2), false, 'line_ok: negative units');
SELECT is(j7599.line_ok('J7599', units => 'NaN'), false, 'line_ok: NaN units');
SELECT is(j7599.line_ok('J7599', ndc => '0006915001'), false, 'line_ok: malformed NDC');
SELECT is(j7599.line_ok('J7599', pos => '1'), false, 'line_ok: malformed place of service');
SELECT is(j7599.line_ok('J7599', dx => '{Z94.0,9940}'), false, 'line_ok: malformed diagnosis');
SELECT is((SELECT count(*)::int FROM j7599.builtin_conflicts() b
            WHERE j7599.line_ok(j7599.hcpcs_line('J7599', b.modifier_a, b.modifier_b))
               OR j7599.line_ok(j7599.hcpcs_line('J7599', b.modifier_b, b.modifier_a))), 0,
          'line_ok: every built-in pair fails, in either order');
SELECT is((SELECT count(*)::int FROM j7599.builtin_conflicts()), 16, 'sixteen built-in pairs');
SELECT is_empty('SELECT modifier_a, modifier_b FROM j7599.builtin_conflicts()
                 EXCEPT SELECT modifier_a, modifier_b FROM j7599.modifier_conflict',
                'every built-in pair is in j7599.modifier_conflict');
SELECT is((SELECT count(*)::int FROM j7599.builtin_conflicts() WHERE modifier_a >= modifier_b), 0,
          'built-in pairs are written with modifier_a < modifier_b');

CREATE TEMP TABLE checked (line j7599.hcpcs_line CHECK (j7599.line_ok(line)), units numeric,
                           CHECK (j7599.line_ok(line, units)));
SELECT lives_ok($$INSERT INTO checked VALUES ('J7599-JZ', 1), (NULL, NULL)$$, 'line_ok in a CHECK: good rows load');
SELECT throws_ok($$INSERT INTO checked VALUES ('J7599-JW-JZ', 1)$$, '23514', NULL, 'line_ok in a CHECK: a conflict is refused');

-- -------------------------------------------------------------- catalogue

-- the thirty rule ids of the contract (docs/spec.md) are fixed; new rules are
-- additions, and an id is listed once
SELECT is(ARRAY(SELECT c FROM unnest('{CODE_UNKNOWN,DX_MALFORMED,DX_MISSING,DX_NOT_COVERED,KX_SUGGESTED,KX_WITHOUT_TRANSPLANT_DATE,LINE_MALFORMED,MODIFIER_CONFLICT,MODIFIER_DUPLICATE,MODIFIER_NEEDS_DOCUMENTATION,MODIFIER_NOT_FOR_DRUG,MODIFIER_UNKNOWN,NARRATIVE_INCOMPLETE,NARRATIVE_MISSING,NARRATIVE_TOO_LONG,NDC_MALFORMED,NDC_MISSING,PAYER_MISSING,PAYER_UNKNOWN,POLICY_UNKNOWN,POS_NOT_ALLOWED,POS_UNKNOWN,PRIOR_AUTH_MISSING,SERVICE_DATE_MISSING,SPECIFIC_CODE_EXISTS,SUPPLY_DAYS_EXCEEDED,UNITS_EXCEED_POLICY,UNITS_INVALID,UNITS_MISSING,WASTE_MODIFIER_MISSING}'::text[]) AS c
                EXCEPT SELECT rule FROM j7599.rules() ORDER BY 1),
          '{}'::text[],
          'rules() lists every rule id of the contract');
SELECT is((SELECT count(*) - count(DISTINCT rule) FROM j7599.rules()), 0::bigint, 'rules(): each rule id once');
SELECT is((SELECT count(*)::int FROM j7599.rules() WHERE severity NOT IN ('error', 'warning', 'info', 'policy')
                                                     OR scope NOT IN ('line', 'noc', 'claim')), 0,
          'rules(): known severities and scopes');
SELECT is(ARRAY(SELECT c FROM unnest('{DX_MISSING,DX_NOT_COVERED,NARRATIVE_MISSING,NDC_MISSING,POS_NOT_ALLOWED,PRIOR_AUTH_MISSING,WASTE_MODIFIER_MISSING}'::text[]) AS c
                EXCEPT SELECT rule FROM j7599.rules() WHERE severity = 'policy' ORDER BY 1),
          '{}'::text[],
          'rules(): the policy-severity rules of the contract');

-- ------------------------------------------------- a clean line per payer

SELECT is((SELECT array_agg(p.payer_id ORDER BY p.payer_id)
             FROM j7599.payer p
            WHERE p.shipped
              AND EXISTS (SELECT FROM j7599.validate('J7599-JZ-KX', p.payer_id, '2024-03-01', 1, '00069-0150-01', '12',
                                                     '{Z94.0}', 'voclosporin 7.9 mg, 3 caps twice daily', 'PA1', 30,
                                                     '2020-01-01') f
                           WHERE f.severity = 'error')),
          NULL, 'a complete line is clean of errors for every shipped payer');
SELECT is((SELECT array_agg(a.alias ORDER BY a.alias)
             FROM j7599.payer_alias a
            WHERE a.match = 'exact'     -- (patterns: test/pgtap/payer_patterns.sql)
              AND EXISTS (SELECT FROM j7599.validate('J7599-JZ-KX', a.alias, '2025-06-01', 1, '00069015001', '12',
                                                     '{z940}', 'voclosporin 7.9 mg, 3 caps twice daily', 'PA1', 30,
                                                     '2020-01-01') f
                           WHERE f.severity = 'error' OR f.rule = 'PAYER_UNKNOWN')),
          NULL, 'every exact alias resolves and the line is clean of errors');

-- ----------------------------------------- is_valid agrees with validate

CREATE TEMP TABLE gen AS
SELECT i,
       (ARRAY['J7599', 'J7599-KX', 'J7599-JZ-KX', 'j7599 jw', 'J7599-JW-JZ', 'J7599-KX-KX', 'J7599-25', 'J7599-22',
              'J7599-ZZ', 'J3490', 'J7507', '99213-25', 'J759', 'J7599-', 'Q9977', 'A4206-RT', 'J7599KXJZ'])[1 + h % 17] AS line,
       (ARRAY['medicare', 'Medicare Part B', 'aetna', 'BCBS', 'cigna', 'uhc', 'UnitedHealthcare', 'buca', 'default',
              'Acme', NULL, ' '])[1 + (h / 17) % 12] AS payer,
       CASE WHEN (h / 204) % 9 = 0 THEN NULL ELSE date '2016-06-01' + ((h / 7) % 3600) END AS dos,
       (ARRAY[1, 2, 0, -1, 3.5, NULL, 100])[1 + (h / 13) % 7]::numeric AS units,
       (ARRAY['00069-0150-01', '00069015001', '0006915001', NULL, '', 'N4 00069015001', 'x'])[1 + (h / 11) % 7] AS ndc,
       (ARRAY['12', '01', '11', '00', '27', '10', NULL, '1'])[1 + (h / 5) % 8] AS pos,
       (ARRAY[ARRAY['Z94.0', NULL], ARRAY['z940', 'E11.9'], ARRAY['E11.9', NULL], ARRAY['9940', NULL],
              ARRAY[NULL, NULL], ARRAY['T86.10', 'Z94.5']])[1 + (h / 3) % 6:1 + (h / 3) % 6] AS dx2,
       (ARRAY['voclosporin 7.9 mg, 3 caps BID', 'tacrolimus 1 mg', 'take 1 tablet daily', NULL, '  ',
              'Envarsus XR 0.75 mg', repeat('voclosporin 7.9 mg ', 6)])[1 + (h / 19) % 7] AS narrative,
       CASE WHEN h % 4 = 0 THEN 'PA' || h END AS prior_auth,
       (ARRAY[30, 31, 90, 91, NULL])[1 + (h / 23) % 5] AS days_supply,
       CASE WHEN h % 3 = 0 THEN NULL ELSE date '2015-01-01' + ((h / 29) % 4000) END AS transplant_date
  FROM (SELECT i, hashint4(i) & 2147483647 AS h FROM generate_series(1, 3000) AS i) s;

SELECT is((SELECT count(*)::int FROM gen g
            WHERE j7599.is_valid(g.line, g.payer, g.dos, g.units, g.ndc, g.pos, g.dx2[1:1][1:2], g.narrative,
                                 g.prior_auth, g.days_supply, g.transplant_date)
                  IS DISTINCT FROM NOT EXISTS (
                      SELECT FROM j7599.validate(g.line, g.payer, g.dos, g.units, g.ndc, g.pos, g.dx2[1:1][1:2],
                                                 g.narrative, g.prior_auth, g.days_supply, g.transplant_date) f
                       WHERE f.severity = 'error')), 0,
          'is_valid agrees with validate on 3000 generated lines (text overload)');
SELECT is((SELECT count(*)::int FROM gen g
            WHERE j7599.is_hcpcs_line(g.line)
              AND j7599.is_valid(g.line::j7599.hcpcs_line, g.payer, g.dos, g.units, g.ndc, g.pos, g.dx2[1:1][1:2],
                                 g.narrative, g.prior_auth, g.days_supply, g.transplant_date)
                  IS DISTINCT FROM NOT EXISTS (
                      SELECT FROM j7599.validate(g.line::j7599.hcpcs_line, g.payer, g.dos, g.units, g.ndc, g.pos,
                                                 g.dx2[1:1][1:2], g.narrative, g.prior_auth, g.days_supply,
                                                 g.transplant_date) f
                       WHERE f.severity = 'error')), 0,
          'is_valid agrees with validate on the same lines (hcpcs_line overload)');
SELECT cmp_ok((SELECT count(*)::int FROM gen g
                WHERE NOT j7599.is_valid(g.line, g.payer, g.dos, g.units, g.ndc, g.pos, g.dx2[1:1][1:2], g.narrative,
                                         g.prior_auth, g.days_supply, g.transplant_date)), '>', 500,
              'the generated lines include many invalid ones');
SELECT cmp_ok((SELECT count(DISTINCT f.rule)::int FROM gen g,
                      j7599.validate(g.line, g.payer, g.dos, g.units, g.ndc, g.pos, g.dx2[1:1][1:2], g.narrative,
                                     g.prior_auth, g.days_supply, g.transplant_date) f), '>=', 24,
              'and most rules fire among them');
SELECT is((SELECT count(*)::int FROM gen g
            WHERE j7599.is_hcpcs_line(g.line)
              AND ARRAY(SELECT row(f.*)::text FROM j7599.validate(g.line, g.payer, g.dos, g.units, g.ndc, g.pos,
                                                                  g.dx2[1:1][1:2], g.narrative, g.prior_auth,
                                                                  g.days_supply, g.transplant_date) f)
                  IS DISTINCT FROM
                  ARRAY(SELECT row(f.*)::text FROM j7599.validate(g.line::j7599.hcpcs_line, g.payer, g.dos, g.units,
                                                                  g.ndc, g.pos, g.dx2[1:1][1:2], g.narrative,
                                                                  g.prior_auth, g.days_supply, g.transplant_date) f)),
          0, 'the text and hcpcs_line overloads give the same findings for a well-formed line');

-- -------------------------------------- the cached cascade = policy_explain

CREATE TEMP TABLE probe AS
SELECT n.name, d.d::date AS d, c.code
  FROM (SELECT payer_id AS name FROM j7599.payer UNION SELECT alias FROM j7599.payer_alias
        UNION VALUES ('Acme'), ('MEDICARE'), ('blue-cross blue-shield')) AS n (name),
       (VALUES ('2000-01-01'), ('2016-12-31'), ('2017-01-01'), ('2024-12-31'), ('2025-01-01'), ('2040-01-01')) AS d (d),
       (VALUES ('J7599'), ('j7599 '), ('J3490')) AS c (code);

SELECT is((SELECT count(*)::int FROM probe p
            WHERE ARRAY(SELECT field || '=' || from_payer FROM pg_temp.cascade(p.name, p.d, p.code) ORDER BY 1)
                  IS DISTINCT FROM
                  ARRAY(SELECT field || '=' || from_payer FROM j7599.policy_explain(p.name, p.d, p.code)
                         WHERE value IS NOT NULL ORDER BY 1)), 0,
          'the cascade of the cache agrees with policy_explain for every payer, alias, boundary date and code');
SELECT is((SELECT count(*)::int FROM probe p
            WHERE (j7599.policy_for(p.name, p.d, p.code) IS NULL)
                  IS DISTINCT FROM NOT EXISTS (SELECT FROM pg_temp.cascade(p.name, p.d, p.code))), 0,
          'the cache resolves nothing exactly where policy_for is NULL');

-- user payers: a gap between two rows, a middle row, and a parent cycle
INSERT INTO j7599.payer (payer_id, name, parent_id, source) VALUES
    ('casc_a', 'Cascade A', 'buca', 'pgTAP'), ('casc_b', 'Cascade B', 'casc_a', 'pgTAP'),
    ('casc_c', 'Cascade C', NULL, 'pgTAP'), ('casc_d', 'Cascade D', 'casc_c', 'pgTAP');
UPDATE j7599.payer SET parent_id = 'casc_d' WHERE payer_id = 'casc_c';
INSERT INTO j7599.policy (policy_id, payer_id, code, valid, requires_ndc, max_units, bill_to, source, confidence) VALUES
    ('casc-a-1', 'casc_a', 'J7599', '[2020-01-01,2021-01-01)', false, NULL, 'A1', 'pgTAP', 'assumed'),
    ('casc-a-2', 'casc_a', 'J7599', '[2022-01-01,)', NULL, 5, NULL, 'pgTAP', 'assumed'),
    ('casc-b-1', 'casc_b', 'J7599', '[2020-06-01,2020-07-01]', NULL, 7, 'B1', 'pgTAP', 'assumed'),
    ('casc-c-1', 'casc_c', 'J7599', '(,2020-03-01)', true, NULL, NULL, 'pgTAP', 'assumed'),
    ('casc-d-1', 'casc_d', 'J3490', '[2020-02-01,)', NULL, 2, NULL, 'pgTAP', 'assumed');
CREATE TEMP TABLE probe2 AS
SELECT n.name, d::date AS d, c.code
  FROM (VALUES ('casc_a'), ('casc_b'), ('Cascade-B'), ('casc_c'), ('casc_d')) AS n (name),
       generate_series(date '2019-12-25', date '2022-01-05', interval '6 days') AS d,
       (VALUES ('J7599'), ('J3490')) AS c (code)
UNION
SELECT n.name, b.d::date, 'J7599'
  FROM (VALUES ('casc_a'), ('casc_b'), ('casc_c'), ('casc_d')) AS n (name),
       (VALUES ('2019-12-31'), ('2020-01-01'), ('2020-02-29'), ('2020-03-01'), ('2020-05-31'), ('2020-06-01'),
               ('2020-07-01'), ('2020-07-02'), ('2020-12-31'), ('2021-01-01'), ('2021-12-31'), ('2022-01-01'),
               ('infinity'), ('-infinity')) AS b (d);
SELECT is((SELECT count(*)::int FROM probe2 p
            WHERE ARRAY(SELECT field || '=' || from_payer FROM pg_temp.cascade(p.name, p.d, p.code) ORDER BY 1)
                  IS DISTINCT FROM
                  ARRAY(SELECT field || '=' || from_payer FROM j7599.policy_explain(p.name, p.d, p.code)
                         WHERE value IS NOT NULL ORDER BY 1)), 0,
          'user policies with gaps, nested ranges and a parent cycle: the cache agrees with policy_explain');
SELECT cmp_ok((SELECT count(DISTINCT ARRAY(SELECT field || '=' || from_payer FROM pg_temp.cascade(p.name, p.d, p.code) ORDER BY 1))::int
                 FROM probe2 p), '>=', 8, 'and the probe sees many different cascades');

SELECT * FROM finish();
ROLLBACK;
