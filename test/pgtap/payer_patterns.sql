-- test/pgtap/payer_patterns.sql: payer aliases that match by prefix or by
-- pattern.  Every shipped pattern resolves the warehouse spellings it is
-- written for, in SQL (payer_resolve) and in the C engine (validate gives the
-- findings of the payer itself, no PAYER_UNKNOWN); Medicare Advantage and
-- other unknown names stay unresolved in both; the exact Part B-ID alias keeps
-- winning; an exact alias beats a pattern and the lowest priority wins among
-- prefixes and patterns; unresolved_payers lists what is left; a bad regular
-- expression is refused (2201B) when written.
--
-- Runs in one transaction and rolls back.
BEGIN;
SET LOCAL search_path = public, j7599;
SELECT plan(23);

-- The spellings each shipped pattern (named by its priority) is written for.
CREATE TEMP TABLE pp_example (priority int, spelling text, payer_id text);
INSERT INTO pp_example VALUES
    (10, 'Medicare Pt. B', 'medicare'),
    (10, 'MEDICARE B', 'medicare'),
    (10, 'Original Medicare Part B', 'medicare'),
    (10, 'Medicare (Part B)', 'medicare'),
    (10, 'medicare part-b', 'medicare'),
    (11, 'Medicare DMERC', 'medicare'),
    (11, 'MEDICARE DME', 'medicare'),
    (11, 'Medicare DME MAC Jurisdiction B', 'medicare'),
    (11, 'Medicare - DME (Jurisdiction C)', 'medicare'),
    (11, 'MEDICARE DURABLE MEDICAL EQUIPMENT', 'medicare'),
    (12, 'DME MAC Jurisdiction A', 'medicare'),
    (12, 'DMEMAC JC', 'medicare'),
    (12, 'DMERC', 'medicare'),
    (12, 'DME MAC - Juris. D', 'medicare'),
    (30, 'Aetna Better Health', 'aetna'),
    (30, 'AETNA BETTER HEALTH OF TEXAS', 'aetna'),
    (30, 'Aetna Life & Casualty', 'aetna'),
    (30, 'Aetna Health Inc. (PA)', 'aetna'),
    (31, 'Cigna HealthCare of Texas', 'cigna'),
    (31, 'CIGNA HEALTHCARE OF CALIFORNIA INC', 'cigna'),
    (31, 'Cigna Health and Life Insurance Company', 'cigna'),
    (32, 'UNITED HEALTHCARE INS CO', 'uhc'),
    (32, 'UHC Community Plan', 'uhc'),
    (32, 'United Health Care Choice Plus', 'uhc'),
    (32, 'UnitedHealthcare Community Plan of Texas', 'uhc'),
    (40, 'Anthem Blue Cross', 'bcbs'),
    (40, 'Anthem Health Plans of Maine', 'bcbs'),
    (40, 'ANTHEM INS COMPANIES INC', 'bcbs'),
    (41, 'BCBS of Texas', 'bcbs'),
    (41, 'Blue Shield of California', 'bcbs'),
    (41, 'Highmark Blue Cross Blue Shield', 'bcbs'),
    (41, 'BCBSIL', 'bcbs'),
    (41, 'Regence BlueShield', 'bcbs'),
    (41, 'Blue Cross & Blue Shield of Alabama', 'bcbs');

-- Names no shipped alias may resolve: Medicare Advantage is not Original
-- Medicare, nor the carrier's commercial policy; other payers are unknown.
CREATE TEMP TABLE pp_unknown (spelling text);
INSERT INTO pp_unknown VALUES
    ('Aetna Medicare'), ('Aetna Medicare Advantage PPO'), ('UnitedHealthcare Medicare Advantage'),
    ('AARP Medicare Advantage from UnitedHealthcare'), ('UHC Medicare Advantage'), ('Humana Medicare'), ('Humana'),
    ('Blue Cross Medicare Advantage'), ('Anthem Medicare Preferred'), ('Cigna HealthSpring'),
    ('Cigna Medicare Advantage'), ('Medicare Advantage'), ('Medicare Part C'), ('Medicare Part D'),
    ('Kaiser Permanente'), ('Medicaid'), ('DME'), ('Medicare Part B-ID Immunosuppressive Plus');

-- what the C engine says for a payer text: its findings, in report order
CREATE FUNCTION pg_temp.pp_findings(payer text) RETURNS text
LANGUAGE sql STABLE
RETURN (SELECT string_agg(f.rule || '/' || f.severity || '/' || coalesce(f.message, '') || '/' || coalesce(f.source, ''),
                          E'\n' ORDER BY f.rule, f.severity, f.message)
          FROM j7599.validate(line => 'J7599', payer => payer, service_date => '2025-03-01', units => 1) AS f);
CREATE FUNCTION pg_temp.pp_unknown_in_c(payer text) RETURNS boolean
LANGUAGE sql STABLE
RETURN EXISTS (SELECT FROM j7599.validate(line => 'J7599', payer => payer, service_date => '2025-03-01') AS f
                WHERE f.rule = 'PAYER_UNKNOWN');

-- ------------------------------------------------------------ shipped patterns
SELECT ok((SELECT count(*) FROM j7599.payer_alias WHERE match = 'pattern' AND shipped) >= 8,
          'the shipped aliases include the patterns');
SELECT is_empty(
    $$SELECT a.priority, a.alias FROM j7599.payer_alias a
       WHERE a.match = 'pattern' AND a.shipped
         AND NOT EXISTS (SELECT FROM pp_example e WHERE e.priority = a.priority)$$,
    'every shipped pattern has example spellings in this test');
SELECT is_empty(
    $$SELECT e.priority, e.spelling FROM pp_example e
       WHERE NOT EXISTS (SELECT FROM j7599.payer_alias a
                          WHERE a.match = 'pattern' AND a.shipped AND a.priority = e.priority
                            AND a.payer_id = e.payer_id AND e.spelling ~* a.alias)$$,
    'each example spelling is matched by its own pattern, which names the expected payer');
SELECT is_empty(
    $$SELECT a.alias, a.source FROM j7599.payer_alias a
       WHERE a.match = 'pattern' AND a.shipped AND (a.source !~ 'confidence: (confirmed|secondary|assumed)')$$,
    'every shipped pattern says where it comes from and with what confidence');
SELECT is_empty(
    $$SELECT e.spelling, j7599.payer_resolve(e.spelling) FROM pp_example e
       WHERE j7599.payer_resolve(e.spelling) IS DISTINCT FROM e.payer_id$$,
    'SQL: payer_resolve resolves every example spelling to its payer');
SELECT is_empty(
    $$SELECT e.spelling FROM pp_example e WHERE pg_temp.pp_unknown_in_c(e.spelling)$$,
    'C: validate knows the payer of every example spelling (no PAYER_UNKNOWN)');
SELECT is_empty(
    $$SELECT e.spelling FROM pp_example e
       WHERE pg_temp.pp_findings(e.spelling) IS DISTINCT FROM pg_temp.pp_findings(e.payer_id)$$,
    'C agrees with SQL: every example spelling gets exactly the findings of the payer it resolves to');
SELECT isnt(pg_temp.pp_findings('aetna'), pg_temp.pp_findings('Humana'),
            'the findings of a known payer differ from those of an unknown one (the comparison above can fail)');
SELECT ok((SELECT bool_and(f.source LIKE '%(via medicare)%')
             FROM j7599.validate(line => 'J7599', payer => 'Medicare DME MAC Jurisdiction B',
                                 service_date => '2025-03-01') AS f
            WHERE f.rule = 'NARRATIVE_MISSING'),
          'C: a finding of a pattern-resolved payer names the payer its policy came from');

-- ------------------------------------------------------------ what stays unknown
SELECT is_empty(
    $$SELECT u.spelling, j7599.payer_resolve(u.spelling) FROM pp_unknown u
       WHERE j7599.payer_resolve(u.spelling) IS NOT NULL$$,
    'SQL: Medicare Advantage plans and unknown payers stay unresolved');
SELECT is_empty(
    $$SELECT u.spelling FROM pp_unknown u WHERE NOT pg_temp.pp_unknown_in_c(u.spelling)$$,
    'C: Medicare Advantage plans and unknown payers give PAYER_UNKNOWN');

-- ------------------------------------------------------------ Part B-ID keeps its exact alias
SELECT is_empty(
    $$SELECT s, j7599.payer_resolve(s) FROM unnest('{Medicare Part B-ID,MEDICARE PART B - ID,Medicare Part B ID}'::text[]) s
       WHERE j7599.payer_resolve(s) IS DISTINCT FROM 'medicare_bid'
          OR pg_temp.pp_findings(s) IS DISTINCT FROM pg_temp.pp_findings('medicare_bid')$$,
    'Medicare Part B-ID resolves to medicare_bid, in SQL and C, not to Medicare by the Part B pattern');

-- ------------------------------------------------------------ exact beats pattern, lowest priority wins
INSERT INTO j7599.payer (payer_id, name, parent_id, source) VALUES
    ('pp_exact', 'Pattern Test Exact', 'default', 'test'),
    ('pp_low', 'Pattern Test Low', 'default', 'test'),
    ('pp_high', 'Pattern Test High', 'default', 'test'),
    ('pp_prefix', 'Pattern Test Prefix', 'default', 'test');
-- "Aetna Zeta Plan" matches the shipped Aetna pattern
INSERT INTO j7599.payer_alias (alias, payer_id, source) VALUES ('Aetna Zeta Plan', 'pp_exact', 'test');
SELECT is(j7599.payer_resolve('AETNA ZETA-PLAN'), 'pp_exact', 'SQL: an exact alias beats a shipped pattern');
SELECT is(pg_temp.pp_findings('AETNA ZETA-PLAN'), pg_temp.pp_findings('pp_exact'),
          'C: an exact alias beats a shipped pattern');
INSERT INTO j7599.payer_alias (alias, payer_id, source, match, priority) VALUES
    ('^zeta\y', 'pp_high', 'test', 'pattern', 7),
    ('west$', 'pp_low', 'test', 'pattern', 3);
SELECT is(j7599.payer_resolve('Zeta Health West'), 'pp_low', 'SQL: among patterns the lowest priority wins');
SELECT is(pg_temp.pp_findings('Zeta Health West'), pg_temp.pp_findings('pp_low'),
          'C: among patterns the lowest priority wins');
UPDATE j7599.payer_alias SET priority = 1 WHERE alias = '^zeta\y';
SELECT is(j7599.payer_resolve('Zeta Health West'), 'pp_high', 'SQL: a change of priority takes effect: the new lowest wins');
SELECT is(pg_temp.pp_findings('Zeta Health West'), pg_temp.pp_findings('pp_high'),
          'C: the cache was reloaded with the new priority');
INSERT INTO j7599.payer_alias (alias, payer_id, source, match, priority)
VALUES ('Zeta Health', 'pp_prefix', 'test', 'prefix', 0);
SELECT is(j7599.payer_resolve('ZETA-HEALTH West') || '/' || j7599.payer_resolve('Zeta Care West'),
          'pp_prefix/pp_high',
          'SQL: a prefix matches on the key and takes its place by priority among the patterns');
SELECT is(pg_temp.pp_findings('ZETA-HEALTH West') || '|' || pg_temp.pp_findings('Zeta Care West'),
          pg_temp.pp_findings('pp_prefix') || '|' || pg_temp.pp_findings('pp_high'),
          'C: the same prefix and pattern decisions');

-- ------------------------------------------------------------ unresolved_payers
CREATE TABLE pp_claims (id int PRIMARY KEY, line text, payer text, dos date, units int);
INSERT INTO pp_claims
SELECT row_number() OVER (), 'J7599', s, '2025-03-01', 1
  FROM (VALUES ('Humana Medicare', 3), ('Aetna Medicare', 2), ('BCBS of Texas', 4), ('UHC Community Plan', 2),
               ('Kaiser Permanente', 1), ('Medicare Pt. B', 2), ('Medicare', 1)) AS v(s, n),
       generate_series(1, v.n);
SELECT j7599.register('pp_claims', line => 'line', payer => 'payer', service_date => 'dos', units => 'units');
SELECT results_eq(
    $$SELECT payer, lines FROM j7599.unresolved_payers('pp_claims')$$,
    $$VALUES ('Humana Medicare', 3::bigint), ('Aetna Medicare', 2), ('Kaiser Permanente', 1)$$,
    'unresolved_payers: the spellings no alias or pattern resolves, with their lines, most frequent first');

-- ------------------------------------------------------------ a bad pattern is refused
SELECT throws_ok(
    $$INSERT INTO j7599.payer_alias (alias, payer_id, source, match) VALUES ('^blue (cross', 'bcbs', 'test', 'pattern')$$,
    '2201B', NULL, 'a pattern that is not a regular expression is refused when inserted (2201B)');
SELECT throws_ok(
    $$UPDATE j7599.payer_alias SET match = 'pattern', alias = 'aetna[' WHERE alias = 'Aetna Zeta Plan'$$,
    '2201B', NULL, 'and when an alias is changed into one');

SELECT * FROM finish();
ROLLBACK;
