-- test/pgtap/legacy.sql: legacy tables, whose dates, units and days are text.
-- register() takes text columns for every input; audit, audit_summary and
-- the enforcing trigger read the texts in C, and a text that cannot be read
-- is a finding (SERVICE_DATE_MALFORMED, TRANSPLANT_DATE_MALFORMED,
-- UNITS_MALFORMED, DAYS_SUPPLY_MALFORMED), never an error.  Views,
-- materialized views and foreign tables are registered and audited, not
-- enforced (42809).  line_ok(text, ...) is false for a malformed line.  The
-- audit of a legacy table takes only a SELECT's lock (checked on a table
-- another session made, so that this transaction holds no other lock on it).
--
-- Runs in one transaction and rolls back; the table made by the other
-- session is dropped after it.
BEGIN;
SET LOCAL search_path = public, j7599;
SELECT plan(41);

-- ------------------------------------------------------------ test data

-- the same Medicare line, its dates and units as a warehouse keeps them
CREATE TABLE legacy_claims (
    id    int PRIMARY KEY,
    line  text,
    payer text,
    dos   text,
    units varchar(12),
    ndc   text,
    pos   text,
    dx    text,
    note  text,
    days  text,
    tx    char(10)
);
INSERT INTO legacy_claims
SELECT v.id, 'J7599-KX', 'medicare', v.dos, v.units, '00069-0150-01', '12', 'Z94.0',
       'voclosporin 7.9 mg capsule, 3 caps twice daily', v.days, v.tx
FROM (VALUES (1, '2024-03-01',  '1',       '30',    '2020-01-01'),
             (2, '03/01/2024',  ' 1.0 ',   '30.00', '01/01/2020'),
             (3, '20240301',    '1',       ' 30',   '20200101'),
             (4, '2024-02-30',  '1',       '30',    '2020-01-01'),
             (5, '2024-03-01',  'one',     '30',    '2020-01-01'),
             (6, '2024-03-01',  '1',       '30.5',  '2020-01-01'),
             (7, '2024-03-01',  '1',       '30',    '01-01-2020'),
             (8, '   ',         '',        NULL,    NULL)) AS v(id, dos, units, days, tx);
SELECT lives_ok($$SELECT j7599.register('legacy_claims', line => 'line', payer => 'payer', service_date => 'dos',
                                        units => 'units', ndc => 'ndc', pos => 'pos', dx => '{dx}',
                                        narrative => 'note', days_supply => 'days', transplant_date => 'tx')$$,
                'register takes text (and varchar, char) columns for dates, units and days');

-- the same line typed, for comparison
CREATE TEMP TABLE typed_findings AS
SELECT f.rule, f.severity, f.field
FROM j7599.validate('J7599-KX'::j7599.hcpcs_line, payer => 'medicare', service_date => '2024-03-01', units => 1,
                    ndc => '00069-0150-01', pos => '12', dx => '{Z94.0}',
                    narrative => 'voclosporin 7.9 mg capsule, 3 caps twice daily', days_supply => 30,
                    transplant_date => '2020-01-01') AS f;

-- ------------------------------------------------------------ audit

SELECT bag_eq($$SELECT (row_key->>'id')::int, rule FROM j7599.audit('legacy_claims') WHERE rule LIKE '%MALFORMED'$$,
              $$VALUES (4, 'SERVICE_DATE_MALFORMED'), (5, 'UNITS_MALFORMED'), (6, 'DAYS_SUPPLY_MALFORMED'),
                       (7, 'TRANSPLANT_DATE_MALFORMED')$$,
              'audit finds exactly the malformed date, units, days and transplant date texts');
SELECT bag_eq($$SELECT rule, severity, field FROM j7599.audit('legacy_claims') WHERE (row_key->>'id')::int = 1$$,
              $$SELECT rule, severity, field FROM typed_findings$$,
              'a YYYY-MM-DD row has the findings of the same typed line');
SELECT bag_eq($$SELECT rule, severity, field FROM j7599.audit('legacy_claims') WHERE (row_key->>'id')::int = 2$$,
              $$SELECT rule, severity, field FROM typed_findings$$,
              'a MM/DD/YYYY row (units " 1.0 ", days "30.00") has the findings of the same typed line');
SELECT bag_eq($$SELECT rule, severity, field FROM j7599.audit('legacy_claims') WHERE (row_key->>'id')::int = 3$$,
              $$SELECT rule, severity, field FROM typed_findings$$,
              'a YYYYMMDD (X12 D8) row has the findings of the same typed line');
SELECT is((SELECT array_agg(rule ORDER BY rule) FROM j7599.audit('legacy_claims')
           WHERE (row_key->>'id')::int = 4 AND rule LIKE 'SERVICE_DATE%'),
          '{SERVICE_DATE_MALFORMED}',
          'a malformed service date is SERVICE_DATE_MALFORMED, without SERVICE_DATE_MISSING on top');
SELECT is((SELECT severity || ' ' || field FROM j7599.audit('legacy_claims')
           WHERE (row_key->>'id')::int = 4 AND rule = 'SERVICE_DATE_MALFORMED'),
          'error service_date', 'SERVICE_DATE_MALFORMED is an error on service_date');
SELECT matches((SELECT message FROM j7599.audit('legacy_claims')
                WHERE (row_key->>'id')::int = 4 AND rule = 'SERVICE_DATE_MALFORMED'),
               '"2024-02-30".*YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD',
               'its message quotes the value and names the accepted forms');
SELECT is((SELECT severity || ' ' || field FROM j7599.audit('legacy_claims')
           WHERE (row_key->>'id')::int = 7 AND rule = 'TRANSPLANT_DATE_MALFORMED'),
          'warning transplant_date', 'TRANSPLANT_DATE_MALFORMED is a warning on transplant_date');
SELECT is((SELECT array_agg(rule ORDER BY rule) FROM j7599.audit('legacy_claims')
           WHERE (row_key->>'id')::int = 5 AND rule LIKE 'UNITS%'),
          '{UNITS_MALFORMED}', 'malformed units are UNITS_MALFORMED, without UNITS_MISSING on top');
SELECT matches((SELECT message FROM j7599.audit('legacy_claims')
                WHERE (row_key->>'id')::int = 5 AND rule = 'UNITS_MALFORMED'),
               '"one".*number', 'UNITS_MALFORMED quotes the value');
SELECT is((SELECT severity || ' ' || field FROM j7599.audit('legacy_claims')
           WHERE (row_key->>'id')::int = 6 AND rule = 'DAYS_SUPPLY_MALFORMED'),
          'error days_supply', 'DAYS_SUPPLY_MALFORMED is an error on days_supply');
SELECT is((SELECT array_agg(rule ORDER BY rule) FROM j7599.audit('legacy_claims')
           WHERE (row_key->>'id')::int = 8 AND rule IN ('SERVICE_DATE_MISSING', 'SERVICE_DATE_MALFORMED', 'UNITS_MALFORMED')),
          '{SERVICE_DATE_MISSING}', 'blank texts are missing values, not malformed ones');

SELECT bag_eq($$SELECT rule, rows_violated, rows_checked FROM j7599.audit_summary('legacy_claims') WHERE rule LIKE '%MALFORMED'$$,
              $$VALUES ('SERVICE_DATE_MALFORMED', 1::bigint, 8::bigint), ('UNITS_MALFORMED', 1, 8),
                       ('DAYS_SUPPLY_MALFORMED', 1, 8), ('TRANSPLANT_DATE_MALFORMED', 1, 8)$$,
              'audit_summary counts one row per malformed text, of the eight');
SELECT bag_eq($$SELECT rule, severity, rows_violated FROM j7599.audit_summary('legacy_claims')$$,
              $$SELECT rule, severity, count(*) FROM (SELECT DISTINCT row_key, rule, severity FROM j7599.audit('legacy_claims')) a
                GROUP BY rule, severity$$,
              'audit_summary and audit agree over the legacy table');
SET LOCAL j7599.audit_progress = on;
SET LOCAL client_min_messages = warning;
SELECT bag_eq($$SELECT rule, severity, rows_violated FROM j7599.audit_summary('legacy_claims')$$,
              $$SELECT rule, severity, count(*) FROM (SELECT DISTINCT row_key, rule, severity FROM j7599.audit('legacy_claims')) a
                GROUP BY rule, severity$$,
              'with progress reports too');
RESET j7599.audit_progress;
RESET client_min_messages;

SELECT is(j7599._legacy_date(' 03/01/2024 '), '2024-03-01'::date, '_legacy_date reads MM/DD/YYYY');
SELECT is(j7599._legacy_date('2023-02-29'), NULL, '_legacy_date: not a calendar day is NULL, no error');
SELECT is(j7599._legacy_number(' 1.50 '), 1.50, '_legacy_number reads a decimal');
SELECT is(j7599._legacy_number('1,5'), NULL, '_legacy_number: not a number is NULL, no error');

-- ------------------------------------------------------------ enforce

CREATE TABLE legacy_enforced (id int PRIMARY KEY, line text, dos text, units text, days varchar(4));
SELECT j7599.register('legacy_enforced', line => 'line', service_date => 'dos', units => 'units',
                      days_supply => 'days');
SELECT j7599.enforce('legacy_enforced');
SELECT throws_like($$INSERT INTO legacy_enforced VALUES (1, 'J3490', '2024-13-01', '1', '30')$$,
                   '%SERVICE_DATE_MALFORMED%', 'the trigger refuses a malformed date text');
SELECT throws_ok($$INSERT INTO legacy_enforced VALUES (1, 'J3490', '02/30/2024', '1', '30')$$,
                 '23514', NULL, 'with 23514');
SELECT throws_like($$INSERT INTO legacy_enforced VALUES (1, 'J3490', '2024-03-01', '2 vials', '30')$$,
                   '%UNITS_MALFORMED%', 'the trigger refuses malformed units');
SELECT throws_like($$INSERT INTO legacy_enforced VALUES (1, 'J3490', '2024-03-01', '1', 'x')$$,
                   '%DAYS_SUPPLY_MALFORMED%', 'the trigger refuses malformed days');
SELECT lives_ok($$INSERT INTO legacy_enforced VALUES (1, 'J3490', '03/01/2024', '1.5', '30'),
                                                     (2, 'J3490', '20240301', ' 2 ', NULL)$$,
                'valid date and units texts pass');

-- ------------------------------------------------------------ views, foreign tables

CREATE VIEW legacy_view AS SELECT * FROM legacy_claims;
CREATE MATERIALIZED VIEW legacy_matview AS SELECT * FROM legacy_claims;
CREATE EXTENSION IF NOT EXISTS file_fdw;
CREATE SERVER legacy_files FOREIGN DATA WRAPPER file_fdw;
DO $$
BEGIN
    EXECUTE format('COPY (SELECT * FROM legacy_claims ORDER BY id) TO %L (FORMAT csv)',
                   '/tmp/j7599_legacy_' || pg_backend_pid() || '.csv');
    EXECUTE format('CREATE FOREIGN TABLE legacy_foreign (id int, line text, payer text, dos text, units text, ndc text,
                    pos text, dx text, note text, days text, tx text) SERVER legacy_files OPTIONS (filename %L, format %L)',
                   '/tmp/j7599_legacy_' || pg_backend_pid() || '.csv', 'csv');
END
$$;
SELECT j7599.register(v, line => 'line', payer => 'payer', service_date => 'dos', units => 'units', ndc => 'ndc',
                      pos => 'pos', dx => '{dx}', narrative => 'note', days_supply => 'days', transplant_date => 'tx')
FROM unnest('{legacy_view,legacy_matview,legacy_foreign}'::regclass[]) AS v;
SELECT bag_eq($$SELECT rule, rows_violated FROM j7599.audit_summary('legacy_view')$$,
              $$SELECT rule, rows_violated FROM j7599.audit_summary('legacy_claims')$$,
              'a view over the legacy table: audit_summary as the table''s');
SELECT bag_eq($$SELECT rule, rows_violated FROM j7599.audit_summary('legacy_matview')$$,
              $$SELECT rule, rows_violated FROM j7599.audit_summary('legacy_claims')$$,
              'a materialized view: the same');
SELECT bag_eq($$SELECT rule, rows_violated FROM j7599.audit_summary('legacy_foreign')$$,
              $$SELECT rule, rows_violated FROM j7599.audit_summary('legacy_claims')$$,
              'a foreign table (file_fdw): the same');
SELECT bag_eq($$SELECT (row_key->>'id')::int, rule FROM j7599.audit('legacy_view') WHERE rule LIKE '%MALFORMED'$$,
              $$VALUES (4, 'SERVICE_DATE_MALFORMED'), (5, 'UNITS_MALFORMED'), (6, 'DAYS_SUPPLY_MALFORMED'),
                       (7, 'TRANSPLANT_DATE_MALFORMED')$$,
              'audit of a view names each row by its columns');
SELECT is((SELECT count(*)::int FROM j7599.audit('legacy_foreign') WHERE rule LIKE '%MALFORMED'), 4,
          'audit of a foreign table');
SELECT is((SELECT count(DISTINCT row_key)::int FROM j7599.audit('legacy_matview')),
          (SELECT count(DISTINCT row_key)::int FROM j7599.audit('legacy_claims')),
          'audit of a materialized view names each of its rows (by ctid)');
SELECT throws_ok($$SELECT j7599.enforce('legacy_view')$$, '42809', 'cannot enforce public.legacy_view because it is a view',
                 'enforce on a view: 42809');
SELECT throws_ok($$SELECT j7599.enforce('legacy_matview')$$, '42809', NULL, 'enforce on a materialized view: 42809');
SELECT throws_ok($$SELECT j7599.enforce('legacy_foreign')$$, '42809', NULL, 'enforce on a foreign table: 42809');

-- ------------------------------------------------------------ line_ok(text)

SELECT is(ARRAY[j7599.line_ok('J7599-JW-JZ'::text), j7599.line_ok('not a line'::text), j7599.line_ok('J75999'::text),
                j7599.line_ok('J7599-JZ'::text, 1, '00069-0150-01', '12', '{Z94.0}')],
          ARRAY[false, false, false, true], 'line_ok(text): false for a malformed line, no error');
CREATE TABLE legacy_checked (line text CHECK (j7599.line_ok(line, NULL, NULL, NULL, NULL)));
SELECT throws_ok($$INSERT INTO legacy_checked VALUES ('J7599-XX-XX-XX-XX-XX')$$, '23514', NULL,
                 'as a CHECK on a text column it refuses a malformed line with 23514, not 22P02');

-- ------------------------------------------------------------ locks

-- a table another session made and filled: this transaction then holds no
-- lock on it but what the audit takes
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('legacy_other',
                      format('dbname=%s host=%s port=%s user=postgres', current_database(),
                             current_setting('unix_socket_directories'), current_setting('port')));
SELECT dblink_exec('legacy_other', $$
    CREATE TABLE public.legacy_locked (id int PRIMARY KEY, line text, dos text, units text);
    INSERT INTO public.legacy_locked VALUES (1, 'J3490', '2024-03-01', '1'), (2, 'J3490', '2024-02-30', 'x')$$);
SELECT dblink_disconnect('legacy_other');
SELECT j7599.register('legacy_locked', line => 'line', service_date => 'dos', units => 'units');
CREATE TEMP TABLE legacy_node AS SELECT pg_relation_filenode('legacy_locked') AS node;
SELECT is((SELECT count(*)::int FROM j7599.audit_summary('legacy_locked') WHERE rule LIKE '%MALFORMED'), 2,
          'the audit of a table another session made finds its malformed texts');
SELECT is((SELECT array_agg(DISTINCT mode) FROM pg_locks
           WHERE relation = 'legacy_locked'::regclass AND pid = pg_backend_pid()),
          '{AccessShareLock}', 'the audit took only AccessShareLock on it');
SELECT is(pg_relation_filenode('legacy_locked'), (SELECT node FROM legacy_node),
          'and did not rewrite it');

-- ------------------------------------------------------------ the analysts' figures

SELECT set_eq($$SELECT month, lines, units FROM j7599.utilisation('legacy_claims')$$,
              $$VALUES ('2024-03-01'::date, 6::bigint, 5::numeric), (NULL, 2, 1)$$,
              'utilisation reads text dates and units as the rule engine does (an unreadable one counts as not given)');
SELECT lives_ok($$SELECT j7599.report('legacy_claims')$$, 'the report runs over a table with text dates and units');

SELECT * FROM finish();
ROLLBACK;
DROP TABLE IF EXISTS public.legacy_locked;
