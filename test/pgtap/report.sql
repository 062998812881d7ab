-- test/pgtap/report.sql: the analysts' figures (utilisation, modifier_usage,
-- unresolved_payers) on a small registered table with answers worked out by
-- hand: a text line column with a malformed and a missing line, the same
-- lines in an hcpcs_line column, a table the caller cannot read (42501), an
-- unregistered table (55000); and what report() writes: every section, the
-- numbers of the figures, escaped payer spellings, no URL.  The page as a
-- browser sees it is checked in test/shell/report_html.sh.
--
-- Runs in one transaction and rolls back.
BEGIN;
SET LOCAL search_path = public, j7599;
SELECT plan(35);

CREATE TABLE rep_claims (
    id    int PRIMARY KEY,
    line  text,
    payer text,
    dos   date,
    units int,
    pos   varchar(2)
);
INSERT INTO rep_claims VALUES
    (1, 'J7599-KX',    'Medicare',             '2024-01-05', 2,    '12'),
    (2, 'J7599:KX:JZ', 'medicare',             '2024-01-20', 1,    '12'),
    (3, 'J7599',       'Aetna',                '2024-02-01', 3,    '11'),
    (4, 'J759-KX',     'Aetna',                '2024-02-10', 1,    '11'),   -- malformed
    (5, 'J7507-JZ',    'Zeta <Health> & "Co"', '2024-02-15', 4,    '12'),
    (6, 'j7507',       'Zeta <Health> & "Co"', '2024-02-28', 1,    '01'),
    (7, NULL,          'Omega Care',           '2024-03-01', NULL, NULL),   -- no line
    (8, 'J7599-JZ-JZ', 'Zeta <Health> & "Co"', '2024-03-02', 2,    '12');   -- JZ twice: one JZ line
SELECT j7599.register('rep_claims', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      pos => 'pos');

-- ------------------------------------------------------------ utilisation
SELECT results_eq(
    $$SELECT month, payer_id, pos, code, lines, units FROM j7599.utilisation('rep_claims')$$,
    $$VALUES ('2024-01-01'::date, 'medicare', '12', 'J7599', 2::bigint, 3::numeric),
             ('2024-02-01', 'aetna', '11', 'J7599', 1, 3),
             ('2024-02-01', 'aetna', '11', NULL, 1, 1),
             ('2024-02-01', NULL, '01', 'J7507', 1, 1),
             ('2024-02-01', NULL, '12', 'J7507', 1, 4),
             ('2024-03-01', NULL, '12', 'J7599', 1, 2),
             ('2024-03-01', NULL, NULL, NULL, 1, NULL)$$,
    'utilisation: by month, resolved payer, place of service and code; a malformed or missing line has code NULL');
SELECT is((SELECT sum(lines) FROM j7599.utilisation('rep_claims')), 8::numeric,
          'utilisation: every row of the table is counted once');

-- ------------------------------------------------------------ modifier_usage
SELECT results_eq(
    $$SELECT code, modifier, lines, share FROM j7599.modifier_usage('rep_claims')$$,
    $$VALUES ('J7507', 'JZ', 1::bigint, 0.5000::numeric),
             ('J7507', NULL, 1, 0.5000),
             ('J7599', 'JZ', 2, 0.5000),
             ('J7599', 'KX', 2, 0.5000),
             ('J7599', NULL, 1, 0.2500)$$,
    'modifier_usage: lines per modifier and share of the code''s lines; JZ twice counts once; malformed lines left out');

-- ------------------------------------------------------------ unresolved_payers
SELECT results_eq(
    $$SELECT payer, lines FROM j7599.unresolved_payers('rep_claims')$$,
    $$VALUES ('Zeta <Health> & "Co"', 3::bigint), ('Omega Care', 1)$$,
    'unresolved_payers: the spellings that resolve to no payer, most frequent first');
-- it follows payer resolution: an alias resolves the spelling
INSERT INTO j7599.payer_alias (alias, payer_id, source) VALUES ('Omega Care', 'aetna', 'test');
SELECT results_eq(
    $$SELECT payer, lines FROM j7599.unresolved_payers('rep_claims')$$,
    $$VALUES ('Zeta <Health> & "Co"', 3::bigint)$$,
    'unresolved_payers: a spelling given an alias is resolved');
SELECT is((SELECT sum(lines) FROM j7599.utilisation('rep_claims') WHERE payer_id = 'aetna'), 3::numeric,
          'utilisation: the alias counts its lines to the payer');
DELETE FROM j7599.payer_alias WHERE alias = 'Omega Care';

-- ------------------------------------------------------------ hcpcs_line column
CREATE TABLE rep_typed (id int PRIMARY KEY, line j7599.hcpcs_line, payer text, dos date, units numeric, pos text);
INSERT INTO rep_typed SELECT id, line::j7599.hcpcs_line, payer, dos, units, pos FROM rep_claims
 WHERE line IS NULL OR j7599.is_hcpcs_line(line);
SELECT j7599.register('rep_typed', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      pos => 'pos');
SELECT results_eq(
    $$SELECT month, payer_id, pos, code, lines, units FROM j7599.utilisation('rep_typed')$$,
    $$SELECT month, payer_id, pos, code, lines, units FROM j7599.utilisation('rep_claims')
       WHERE (payer_id = 'aetna' AND code IS NULL) IS NOT TRUE$$,
    'utilisation over an hcpcs_line column: the same figures');
SELECT results_eq(
    $$SELECT * FROM j7599.modifier_usage('rep_typed')$$,
    $$SELECT * FROM j7599.modifier_usage('rep_claims')$$,
    'modifier_usage over an hcpcs_line column: the same figures');

-- only the line registered: no month, payer, place of service or units
CREATE TABLE rep_bare (line text);
INSERT INTO rep_bare VALUES ('J7599-KX'), ('J7599'), ('nonsense');
SELECT j7599.register('rep_bare', line => 'line');
SELECT results_eq(
    $$SELECT month, payer_id, pos, code, lines, units FROM j7599.utilisation('rep_bare')$$,
    $$VALUES (NULL::date, NULL::text, NULL::text, 'J7599', 2::bigint, NULL::numeric),
             (NULL, NULL, NULL, NULL, 1, NULL)$$,
    'utilisation with only the line registered');
SELECT is_empty($$SELECT * FROM j7599.unresolved_payers('rep_bare')$$,
                'unresolved_payers: no payer column, no spelling');

-- ------------------------------------------------------------ errors
CREATE TABLE rep_unregistered (line text);
SELECT throws_ok($$SELECT * FROM j7599.utilisation('rep_unregistered')$$, '55000', NULL,
                 'utilisation of an unregistered table: 55000');
SELECT throws_ok($$SELECT * FROM j7599.modifier_usage('rep_unregistered')$$, '55000', NULL,
                 'modifier_usage of an unregistered table: 55000');
SELECT throws_ok($$SELECT * FROM j7599.unresolved_payers('rep_unregistered')$$, '55000', NULL,
                 'unresolved_payers of an unregistered table: 55000');
SELECT throws_ok($$SELECT j7599.report('rep_unregistered')$$, '55000', NULL,
                 'report of an unregistered table: 55000');

CREATE ROLE j7599_tap_report_reader NOLOGIN;
SET LOCAL ROLE j7599_tap_report_reader;
SELECT throws_ok($$SELECT * FROM j7599.utilisation('rep_claims')$$, '42501', NULL,
                 'utilisation runs as the caller: a table it cannot read gives 42501');
SELECT throws_ok($$SELECT * FROM j7599.modifier_usage('rep_claims')$$, '42501', NULL,
                 'modifier_usage runs as the caller: 42501');
SELECT throws_ok($$SELECT * FROM j7599.unresolved_payers('rep_claims')$$, '42501', NULL,
                 'unresolved_payers runs as the caller: 42501');
SELECT throws_ok($$SELECT j7599.report('rep_claims')$$, '42501', NULL,
                 'report runs as the caller: 42501');
RESET ROLE;

-- ------------------------------------------------------------ the page
CREATE TEMP TABLE rep_page AS SELECT j7599.report('rep_claims') AS html;
SELECT ok((SELECT html LIKE '<!DOCTYPE html>%</html>' || E'\n' FROM rep_page), 'report: one HTML page');
SELECT is((SELECT array_agg(m[1] ORDER BY m[1]) FROM rep_page, regexp_matches(html, '<table class="num[^"]*" id="([^"]+)"', 'g') AS m),
          '{t-modifier,t-month,t-payer,t-pos,t-rule,t-rule-payer,t-unresolved}'::text[],
          'report: a table of numbers per section');
SELECT ok((SELECT html LIKE '%<section id="history">%' FROM rep_page), 'report: an audit runs section, with or without history');
SELECT is((SELECT count(*)::int FROM rep_page, regexp_matches(html, '<svg ', 'g')), 6,
          'report: a chart for month, payer, place of service, modifiers, rules and unresolved spellings');
SELECT ok((SELECT html !~* '(https?:|//|src=|url\(|<script|<link|<img)' FROM rep_page),
          'report: no URL, script, link, image or external reference');
SELECT ok((SELECT html LIKE '%Zeta &lt;Health&gt; &amp; &quot;Co&quot;%' AND html NOT LIKE '%<Health>%' FROM rep_page),
          'report: a payer spelling from the data is escaped');
SELECT ok((SELECT html LIKE '%<td>2024-01</td><td class="n">2</td><td class="n">3</td>%'
              AND html LIKE '%<td>2024-02</td><td class="n">4</td><td class="n">9</td>%' FROM rep_page),
          'report: lines and units by month as utilisation counts them');
SELECT ok((SELECT html LIKE '%<td>J7599</td><td>KX</td><td class="n">2</td><td class="n">50.00</td>%' FROM rep_page),
          'report: modifier usage as modifier_usage counts it');
SELECT ok((SELECT html LIKE '%<td>LINE_MALFORMED</td><td>error</td><td class="n">1</td><td class="n">8</td><td class="n">12.50</td>%'
             FROM rep_page),
          'report: rule totals as audit_summary counts them');
SELECT ok((SELECT html LIKE '%<td>Zeta &lt;Health&gt; &amp; &quot;Co&quot;</td><td class="n">3</td></tr><tr><td>Omega Care</td><td class="n">1</td>%'
             FROM rep_page),
          'report: unresolved spellings as unresolved_payers counts them, most frequent first');

-- the page over an hcpcs_line column, and over a table with only the line
-- registered (no month, payer, place of service or units to group by)
SELECT ok((SELECT p LIKE '%<td>J7599</td><td>KX</td><td class="n">2</td><td class="n">50.00</td>%'
                  AND p LIKE '%<td>2024-02</td><td class="n">3</td><td class="n">8</td>%'
             FROM j7599.report('rep_typed') AS p),
          'report over an hcpcs_line column: the figures of its lines');
SELECT ok((SELECT p LIKE '%No service dates.%'
                  AND p LIKE '%<td>LINE_MALFORMED</td><td>error</td><td class="n">1</td><td class="n">3</td><td class="n">33.33</td>%'
                  AND p LIKE '%<td>J7599</td><td>KX</td><td class="n">1</td><td class="n">50.00</td>%'
             FROM j7599.report('rep_bare') AS p),
          'report with only the line registered: no months, and the rules and modifiers of its lines');

-- one pass: the table is scanned once by report, once by each figure
-- (counted by the backend for this transaction; no parallel workers, whose
-- scans are counted in their own processes)
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE rep_scans (ord serial, what text, n bigint);
INSERT INTO rep_scans (what, n) VALUES ('before', pg_stat_get_xact_numscans('rep_claims'::regclass));
DO $$
BEGIN
    PERFORM j7599.report('rep_claims');
    INSERT INTO rep_scans (what, n) VALUES ('report', pg_stat_get_xact_numscans('rep_claims'::regclass));
    PERFORM count(*) FROM j7599.utilisation('rep_claims');
    INSERT INTO rep_scans (what, n) VALUES ('utilisation', pg_stat_get_xact_numscans('rep_claims'::regclass));
    PERFORM count(*) FROM j7599.modifier_usage('rep_claims');
    INSERT INTO rep_scans (what, n) VALUES ('modifier_usage', pg_stat_get_xact_numscans('rep_claims'::regclass));
    PERFORM count(*) FROM j7599.unresolved_payers('rep_claims');
    INSERT INTO rep_scans (what, n) VALUES ('unresolved_payers', pg_stat_get_xact_numscans('rep_claims'::regclass));
END
$$;
CREATE TEMP VIEW rep_scan_counts AS
    SELECT s.what, s.n - lag(s.n) OVER (ORDER BY s.ord) AS scans FROM rep_scans AS s;
SELECT is((SELECT scans FROM rep_scan_counts WHERE what = 'report'), 1::bigint, 'report reads the table once');
SELECT is(ARRAY(SELECT what || ': ' || scans FROM rep_scan_counts WHERE what NOT IN ('before', 'report') ORDER BY what),
          '{"modifier_usage: 1","unresolved_payers: 1","utilisation: 1"}'::text[],
          'utilisation, modifier_usage and unresolved_payers read the table once each');
RESET max_parallel_workers_per_gather;

SELECT throws_ok($$SELECT * FROM j7599._report_groups('rep_claims', '{month,payers}')$$, '22023',
                 'invalid report grouping key: payers', '_report_groups: an unknown key is refused');

SELECT is(j7599._report_esc(E'a&b<c>d"e''f\x01'), 'a&amp;b&lt;c&gt;d&quot;e&#39;f?', '_report_esc: the five characters and control characters');
SELECT is(j7599._report_num(-1234567.500), '-1,234,567.500', '_report_num: thousands separated, digits kept');

SELECT * FROM finish();
ROLLBACK;
