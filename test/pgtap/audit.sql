-- test/pgtap/audit.sql: j7599.audit and j7599.audit_summary.
-- Findings per row keyed by the primary key (single, composite) or by ctid,
-- the text overload for text line columns, the counts of the summary,
-- agreement of audit, audit_summary and validate() over the same table,
-- privileges, progress reporting, partitioned tables, tables with
-- plain-inheritance children (row keys that tell parent and child apart), and
-- registered columns whose type was changed afterwards (42804, as the
-- enforcing trigger).  Progress under concurrent updates (one snapshot) is in
-- test/shell/audit_snapshot.sh.
--
-- Runs in one transaction and rolls back.
BEGIN;
SET LOCAL search_path = public, j7599;
SELECT plan(67);

-- ------------------------------------------------------------ test data

CREATE TABLE audit_claims (
    id    int PRIMARY KEY,
    line  text,
    payer text,
    dos   date,
    units numeric,
    ndc   text,
    pos   text,
    dx1   text,
    dxs   text[],
    note  text,
    days  int,
    tx    date
);
SELECT j7599.register('audit_claims', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      ndc => 'ndc', pos => 'pos', dx => '{dx1,dxs}', narrative => 'note', days_supply => 'days',
                      transplant_date => 'tx');
-- row 1 is a clean Medicare line; every other row changes it
INSERT INTO audit_claims
SELECT v.id, v.line, 'medicare', '2024-03-01', v.units, '00069-0150-01', '12', v.dx1, v.dxs,
       'voclosporin 7.9 mg capsule, 3 caps twice daily', 30, v.tx
FROM (VALUES (1, 'J7599-KX',        1, 'Z94.0', NULL::text[],  '2020-01-01'::date),
             (2, 'J7599-KX-JW-JZ',  0, 'Z94.0', NULL,          '2020-01-01'),
             (3, 'J759-KX',         1, 'Z94.0', NULL,          '2020-01-01'),
             (4, 'J7599-KX',        1, 'Q',     '{R1,Z94.0}',  '2020-01-01'),
             (5, 'J7599-KX',        1, 'Z94.0', NULL,          NULL),
             (6, 'J7599-KX-22',     1, 'Z94.0', NULL,          '2020-01-01'),
             (7, NULL,              1, 'Z94.0', NULL,          '2020-01-01'),
             (8, 'J7599-KX',        0, NULL,    '{T86.10}',    '2020-01-01')) AS v(id, line, units, dx1, dxs, tx);

CREATE TABLE audit_unregistered (id int PRIMARY KEY, line text);

-- ------------------------------------------------------------ signatures

SELECT has_function('j7599', 'audit', ARRAY['regclass'], 'audit(regclass) exists');
SELECT has_function('j7599', 'audit_summary', ARRAY['regclass'], 'audit_summary(regclass) exists');
SELECT is((SELECT pg_get_function_result('j7599.audit(regclass)'::regprocedure)),
          'TABLE(row_key jsonb, rule text, severity text, field text, message text, source text)',
          'audit returns (row_key jsonb, rule, severity, field, message, source)');
SELECT is((SELECT pg_get_function_result('j7599.audit_summary(regclass)'::regprocedure)),
          'TABLE(rule text, severity text, rows_violated bigint, rows_checked bigint, pct_violated numeric)',
          'audit_summary returns (rule, severity, rows_violated bigint, rows_checked bigint, pct_violated numeric)');
SELECT is((SELECT bool_or(prosecdef) FROM pg_proc WHERE oid IN ('j7599.audit(regclass)'::regprocedure,
                                                              'j7599.audit_summary(regclass)'::regprocedure)),
          false, 'audit and audit_summary run as the caller (not SECURITY DEFINER)');

-- ------------------------------------------------------ audit: findings

SELECT bag_eq(
    $$SELECT row_key, rule, severity, field FROM j7599.audit('audit_claims')$$,
    $$VALUES ('{"id": 2}'::jsonb, 'MODIFIER_CONFLICT', 'error', 'line'),
             ('{"id": 2}', 'UNITS_INVALID', 'error', 'units'),
             ('{"id": 3}', 'LINE_MALFORMED', 'error', 'line'),
             ('{"id": 4}', 'DX_MALFORMED', 'error', 'dx'),
             ('{"id": 4}', 'DX_MALFORMED', 'error', 'dx'),
             ('{"id": 5}', 'KX_WITHOUT_TRANSPLANT_DATE', 'warning', 'transplant_date'),
             ('{"id": 6}', 'MODIFIER_NOT_FOR_DRUG', 'warning', 'line'),
             ('{"id": 6}', 'MODIFIER_NEEDS_DOCUMENTATION', 'info', 'line'),
             ('{"id": 8}', 'UNITS_INVALID', 'error', 'units')$$,
    'audit: every finding of every row, keyed by the primary key; the clean rows and the NULL line have none');
SELECT ok((SELECT message FROM j7599.audit('audit_claims') WHERE rule = 'LINE_MALFORMED') LIKE '%"J759-KX"%',
          'audit: a malformed text line is the finding LINE_MALFORMED, its message quoting the line');
SELECT is((SELECT array_agg(DISTINCT message ORDER BY message) FROM j7599.audit('audit_claims')
            WHERE rule = 'DX_MALFORMED'),
          (SELECT array_agg(f.message ORDER BY f.message) FROM j7599.validate(line => 'J7599-KX', dx => '{Q,R1}') AS f
            WHERE f.rule = 'DX_MALFORMED'),
          'audit: the two malformed diagnoses of row 4 come from the text column and the text[] column');
SELECT ok((SELECT bool_and(source IS NOT NULL AND source <> '' AND message <> '') FROM j7599.audit('audit_claims')),
          'audit: every finding has a message and a source');
SELECT bag_eq(
    $$SELECT row_key, rule, severity, field, message, source FROM j7599.audit('audit_claims')$$,
    $$SELECT jsonb_build_object('id', t.id), f.rule, f.severity, f.field, f.message, f.source
        FROM audit_claims AS t
        CROSS JOIN LATERAL j7599.validate(line => t.line, payer => t.payer, service_date => t.dos, units => t.units,
                                          ndc => t.ndc, pos => t.pos, dx => ARRAY[t.dx1] || t.dxs,
                                          narrative => t.note, days_supply => t.days,
                                          transplant_date => t.tx) AS f$$,
    'audit agrees with validate() called over the table, message and source included');

-- -------------------------------------------------- audit_summary: counts

SELECT results_eq(
    $$SELECT rule, severity, rows_violated, rows_checked, pct_violated FROM j7599.audit_summary('audit_claims')$$,
    $$VALUES ('UNITS_INVALID', 'error', 2::bigint, 8::bigint, 25.00::numeric),
             ('DX_MALFORMED', 'error', 1, 8, 12.50),
             ('LINE_MALFORMED', 'error', 1, 8, 12.50),
             ('MODIFIER_CONFLICT', 'error', 1, 8, 12.50),
             ('KX_WITHOUT_TRANSPLANT_DATE', 'warning', 1, 8, 12.50),
             ('MODIFIER_NOT_FOR_DRUG', 'warning', 1, 8, 12.50),
             ('MODIFIER_NEEDS_DOCUMENTATION', 'info', 1, 8, 12.50)$$,
    'audit_summary: rows per rule, errors first, then by rows and rule');
SELECT is((SELECT rows_violated FROM j7599.audit_summary('audit_claims') WHERE rule = 'DX_MALFORMED'), 1::bigint,
          'audit_summary: a row with two findings of one rule counts once');
SELECT is((SELECT DISTINCT rows_checked FROM j7599.audit_summary('audit_claims')),
          (SELECT count(*) FROM audit_claims), 'audit_summary: rows_checked is the number of rows of the table');

-- ---------------------------------------------------- composite key, hcpcs_line

CREATE TABLE audit_comp (
    "Claim No" text,
    "Line#"    int,
    line       j7599.hcpcs_line,
    units      integer,
    ndc        j7599.ndc,
    PRIMARY KEY ("Claim No", "Line#")
);
SELECT j7599.register('audit_comp', line => 'line', units => 'units', ndc => 'ndc');
INSERT INTO audit_comp VALUES ('C-1', 1, 'J7507', 1, '00069015001'), ('C-1', 2, 'J7507-JW-JZ', 1, NULL),
                              ('C 2', 1, 'J7507-JZ-JZ', 0, NULL), ('C 2', 2, 'A4206-RT', NULL, NULL);
SELECT bag_eq(
    $$SELECT row_key, rule FROM j7599.audit('audit_comp')$$,
    $$VALUES ('{"Claim No": "C-1", "Line#": 2}'::jsonb, 'MODIFIER_CONFLICT'),
             ('{"Claim No": "C 2", "Line#": 1}', 'MODIFIER_DUPLICATE'),
             ('{"Claim No": "C 2", "Line#": 1}', 'UNITS_INVALID')$$,
    'audit: a composite primary key is the row key, every key column by its name, numbers as numbers');
SELECT results_eq(
    $$SELECT rule, rows_violated, rows_checked, pct_violated FROM j7599.audit_summary('audit_comp')$$,
    $$VALUES ('MODIFIER_CONFLICT', 1::bigint, 4::bigint, 25.00::numeric), ('MODIFIER_DUPLICATE', 1, 4, 25.00),
             ('UNITS_INVALID', 1, 4, 25.00)$$,
    'audit_summary over hcpcs_line, integer units and ndc columns');

-- ------------------------------------------------------- no primary key: ctid

CREATE TABLE audit_nopk (id int UNIQUE, line text, units numeric);
SELECT j7599.register('audit_nopk', line => 'line', units => 'units');
INSERT INTO audit_nopk VALUES (1, 'J7507', 1), (2, 'J7507', 0), (3, 'J7507-JW-JZ', 1), (4, 'nonsense', 1);
SELECT is((SELECT array_agg(DISTINCT k ORDER BY k) FROM j7599.audit('audit_nopk'), jsonb_object_keys(row_key) AS k),
          '{ctid}', 'audit: without a primary key (a unique key is not one), the row key is the ctid');
SELECT bag_eq(
    $$SELECT t.id, a.rule FROM j7599.audit('audit_nopk') AS a JOIN audit_nopk AS t ON t.ctid = (a.row_key ->> 'ctid')::tid$$,
    $$VALUES (2, 'UNITS_INVALID'), (3, 'MODIFIER_CONFLICT'), (4, 'LINE_MALFORMED')$$,
    'audit: each ctid leads back to the row that has the finding');
SELECT is((SELECT row_key FROM j7599.audit('audit_nopk') WHERE rule = 'UNITS_INVALID'), '{"ctid": "(0,2)"}'::jsonb,
          'audit: the ctid is the text form of the tid');

-- ------------------------------------------------------------- errors

SELECT throws_ok($$SELECT * FROM j7599.audit('audit_unregistered')$$, '55000', NULL,
                 'audit: an unregistered table is 55000');
SELECT throws_ok($$SELECT * FROM j7599.audit_summary('audit_unregistered')$$, '55000', NULL,
                 'audit_summary: an unregistered table is 55000');

CREATE ROLE j7599_tap_aud_reader NOLOGIN;
SET LOCAL ROLE j7599_tap_aud_reader;
SELECT throws_ok($$SELECT * FROM j7599.audit('audit_claims')$$, '42501', NULL,
                 'audit: a table the caller cannot read is 42501');
SELECT throws_ok($$SELECT * FROM j7599.audit_summary('audit_claims')$$, '42501', NULL,
                 'audit_summary: a table the caller cannot read is 42501');
SET LOCAL j7599.audit_progress = on;
SET LOCAL client_min_messages = warning;
SELECT throws_ok($$SELECT * FROM j7599.audit('audit_claims')$$, '42501', NULL,
                 'audit with progress: a table the caller cannot read is 42501');
SELECT throws_ok($$SELECT * FROM j7599.audit_summary('audit_claims')$$, '42501', NULL,
                 'audit_summary with progress: a table the caller cannot read is 42501');
SET LOCAL j7599.audit_progress = off;
RESET client_min_messages;
RESET ROLE;
GRANT SELECT ON audit_claims TO j7599_tap_aud_reader;
SET LOCAL ROLE j7599_tap_aud_reader;
SELECT is((SELECT count(*)::int FROM j7599.audit('audit_claims')), 9, 'audit: a role granted SELECT may audit');
SELECT is((SELECT sum(rows_violated)::int FROM j7599.audit_summary('audit_claims')), 8,
          'audit_summary: a role granted SELECT may summarise');
RESET ROLE;

-- --------------------------------------------------------- empty table

CREATE TABLE audit_empty (id int PRIMARY KEY, line text);
SELECT j7599.register('audit_empty', line => 'line');
SELECT is_empty($$SELECT * FROM j7599.audit('audit_empty')$$, 'audit of an empty table: no rows');
SELECT is_empty($$SELECT * FROM j7599.audit_summary('audit_empty')$$, 'audit_summary of an empty table: no rows');

-- ------------------------------------ a larger table: agreement and progress

CREATE TABLE audit_big (
    id    int PRIMARY KEY,
    line  text,
    payer text,
    dos   date,
    units numeric,
    ndc   text,
    pos   text,
    dx1   text,
    dxs   text[],
    note  text,
    days  smallint,
    tx    date
);
SELECT j7599.register('audit_big', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      ndc => 'ndc', pos => 'pos', dx => '{dx1,dxs}', narrative => 'note', days_supply => 'days',
                      transplant_date => 'tx');
INSERT INTO audit_big
SELECT g,
       CASE g % 9 WHEN 0 THEN 'J7599-KX-JW-JZ' WHEN 1 THEN 'J759' WHEN 2 THEN 'J7599-KX-22' WHEN 3 THEN 'J7599'
                  WHEN 4 THEN '99213-25' ELSE 'J7599-KX' END,
       CASE WHEN g % 17 = 0 THEN NULL WHEN g % 19 = 0 THEN 'Acme Mutual Plan' WHEN g % 5 = 1 THEN 'UnitedHealthcare'
            ELSE 'medicare' END,
       DATE '2024-03-01' + g % 400,
       CASE WHEN g % 10 = 0 THEN 0 WHEN g % 23 = 0 THEN NULL ELSE 1 END,
       CASE WHEN g % 29 = 0 THEN '0006915001' WHEN g % 6 = 0 THEN NULL ELSE '00069-0150-01' END,
       CASE WHEN g % 31 = 0 THEN '00' ELSE '12' END,
       CASE WHEN g % 7 = 0 THEN 'Q' WHEN g % 13 = 0 THEN NULL ELSE 'Z94.0' END,
       CASE WHEN g % 11 = 0 THEN '{T86.10,Z9}'::text[] WHEN g % 14 = 0 THEN '{E11.9}' END,
       CASE WHEN g % 37 = 0 THEN NULL WHEN g % 41 = 0 THEN 'Envarsus XR 4 mg daily'
            ELSE 'voclosporin 7.9 mg capsule, 3 caps twice daily' END,
       CASE WHEN g % 43 = 0 THEN 90 ELSE 30 END,
       CASE WHEN g % 47 = 0 THEN NULL WHEN g % 53 = 0 THEN DATE '2026-01-01' ELSE DATE '2020-01-01' END
FROM generate_series(1, 4000) AS g;

CREATE TEMP TABLE big_audit AS SELECT * FROM j7599.audit('audit_big');
CREATE TEMP TABLE big_summary AS SELECT * FROM j7599.audit_summary('audit_big');

SELECT cmp_ok((SELECT count(DISTINCT rule)::int FROM big_audit), '>=', 15, 'the larger table breaks many rules');
SELECT bag_eq(
    $$SELECT row_key, rule, severity, field, message, source FROM big_audit$$,
    $$SELECT jsonb_build_object('id', t.id), f.rule, f.severity, f.field, f.message, f.source
        FROM audit_big AS t
        CROSS JOIN LATERAL j7599.validate(line => t.line, payer => t.payer, service_date => t.dos, units => t.units,
                                          ndc => t.ndc, pos => t.pos, dx => ARRAY[t.dx1] || t.dxs,
                                          narrative => t.note, days_supply => t.days,
                                          transplant_date => t.tx) AS f$$,
    'larger table: audit agrees with validate() over the table');
SELECT set_eq(
    $$SELECT rule, severity, rows_violated, rows_checked, pct_violated FROM big_summary$$,
    $$SELECT rule, severity, count(DISTINCT row_key) AS n, (SELECT count(*) FROM audit_big) AS total,
             round(100.0 * count(DISTINCT row_key) / (SELECT count(*) FROM audit_big), 2) AS pct
        FROM big_audit GROUP BY rule, severity$$,
    'larger table: audit_summary counts the distinct rows of audit per rule and severity');
SELECT set_eq(
    $$SELECT rule, severity, rows_violated FROM big_summary$$,
    $$SELECT f.rule, f.severity, count(DISTINCT t.id)
        FROM audit_big AS t
        CROSS JOIN LATERAL j7599.validate(line => t.line, payer => t.payer, service_date => t.dos, units => t.units,
                                          ndc => t.ndc, pos => t.pos, dx => ARRAY[t.dx1] || t.dxs,
                                          narrative => t.note, days_supply => t.days,
                                          transplant_date => t.tx) AS f
       GROUP BY 1, 2$$,
    'larger table: audit_summary agrees with validate() over the table');
SELECT results_eq(
    $$SELECT rule, severity FROM big_summary$$,
    $$SELECT rule, severity FROM big_summary
       ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rows_violated DESC, rule$$,
    'larger table: audit_summary comes errors first, then warnings, then info, most rows first');

-- with progress: ten ctid slices, a NOTICE (see sql/enforce.sql) and application_name after each
SELECT cmp_ok((pg_relation_size('audit_big') / current_setting('block_size')::int)::int, '>=', 10,
              'the larger table has at least ten blocks');
SELECT is((SELECT count(*)::int FROM j7599._audit_slices('audit_big', 10)), 10,
          'progress: the table is read in ten slices');
SELECT is((SELECT round(sum(share), 12) FROM j7599._audit_slices('audit_big', 10)), 1::numeric,
          'progress: the slices cover the whole table');

SET LOCAL application_name = 'pgtap audit';
SET LOCAL client_min_messages = warning;
SELECT lives_ok($$SELECT j7599._audit_progress('audit_big', 0.5, 2000)$$, 'progress: a report can be made');
SELECT is(current_setting('application_name'), 'j7599 audit public.audit_big: 50% (2000 rows)',
          'progress: application_name shows table, percentage and rows');
SET LOCAL application_name = 'pgtap audit';

SET LOCAL j7599.audit_progress = on;
SET LOCAL client_min_messages = warning;
CREATE TEMP TABLE big_audit_progress AS SELECT * FROM j7599.audit('audit_big');
SELECT is(current_setting('application_name'), 'pgtap audit', 'progress: audit restores application_name');
CREATE TEMP TABLE big_summary_progress AS SELECT * FROM j7599.audit_summary('audit_big');
SELECT is(current_setting('application_name'), 'pgtap audit', 'progress: audit_summary restores application_name');
SET LOCAL j7599.audit_progress = off;
RESET client_min_messages;
SELECT bag_eq($$SELECT * FROM big_audit_progress$$, $$SELECT * FROM big_audit$$,
              'progress: audit gives the same findings as without');
SELECT results_eq($$SELECT * FROM big_summary_progress$$, $$SELECT * FROM big_summary$$,
                  'progress: audit_summary gives the same summary as without');

-- a table of one block, with a row whose line is NULL
CREATE FUNCTION pg_temp.summary_text(tbl regclass) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    SELECT string_agg(format('%s/%s/%s/%s/%s', s.rule, s.severity, s.rows_violated, s.rows_checked, s.pct_violated),
                      ' ' ORDER BY s.severity, s.rule)
      INTO r FROM j7599.audit_summary(tbl) AS s;
    RETURN r;
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END
$$;
SET LOCAL j7599.audit_progress = on;
SET LOCAL client_min_messages = warning;
SELECT is((SELECT count(*)::int FROM j7599.audit('audit_claims')), 9, 'progress: audit of a table of one block');
SELECT is(pg_temp.summary_text('audit_comp'),
          'MODIFIER_CONFLICT/error/1/4/25.00 MODIFIER_DUPLICATE/error/1/4/25.00 UNITS_INVALID/error/1/4/25.00',
          'progress: audit_summary of a table of one block');
SELECT is(pg_temp.summary_text('audit_claims'),
          'DX_MALFORMED/error/1/8/12.50 LINE_MALFORMED/error/1/8/12.50 MODIFIER_CONFLICT/error/1/8/12.50 '
          'UNITS_INVALID/error/2/8/25.00 MODIFIER_NEEDS_DOCUMENTATION/info/1/8/12.50 '
          'KX_WITHOUT_TRANSPLANT_DATE/warning/1/8/12.50 MODIFIER_NOT_FOR_DRUG/warning/1/8/12.50',
          'progress: audit_summary of a table with a NULL line gives the same summary as without');
SET LOCAL j7599.audit_progress = off;
RESET client_min_messages;
SELECT is(pg_temp.summary_text('audit_claims'),
          'DX_MALFORMED/error/1/8/12.50 LINE_MALFORMED/error/1/8/12.50 MODIFIER_CONFLICT/error/1/8/12.50 '
          'UNITS_INVALID/error/2/8/25.00 MODIFIER_NEEDS_DOCUMENTATION/info/1/8/12.50 '
          'KX_WITHOUT_TRANSPLANT_DATE/warning/1/8/12.50 MODIFIER_NOT_FOR_DRUG/warning/1/8/12.50',
          'without progress: the summary of the table with a NULL line');

-- ------------------------------------------------------- partitioned tables

CREATE TABLE audit_part (id int, dos date NOT NULL, line text, units numeric) PARTITION BY RANGE (dos);
CREATE TABLE audit_part_2024 PARTITION OF audit_part FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE audit_part_2025 (junk int, units numeric, line text, dos date NOT NULL, id int);
ALTER TABLE audit_part_2025 DROP COLUMN junk;
ALTER TABLE audit_part ATTACH PARTITION audit_part_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
SELECT j7599.register('audit_part', line => 'line', units => 'units', service_date => 'dos');
INSERT INTO audit_part VALUES (1, '2024-05-01', 'J7507', 1), (2, '2024-06-01', 'J7507', 0),
                              (3, '2025-05-01', 'J7507-JW-JZ', 1), (4, '2025-06-01', 'J7507', 2),
                              (5, '2025-07-01', 'J7507', -1);
SELECT bag_eq(
    $$SELECT t.id, a.rule FROM j7599.audit('audit_part') AS a
        JOIN audit_part AS t ON t.tableoid = (a.row_key ->> 'tableoid')::regclass
                            AND t.ctid = (a.row_key ->> 'ctid')::tid$$,
    $$VALUES (2, 'UNITS_INVALID'), (3, 'MODIFIER_CONFLICT'), (5, 'UNITS_INVALID')$$,
    'partitioned: audit covers every partition; without a primary key the row key is partition and ctid');
SELECT is((SELECT row_key FROM j7599.audit('audit_part') WHERE rule = 'MODIFIER_CONFLICT'),
          '{"tableoid": "public.audit_part_2025", "ctid": "(0,1)"}'::jsonb,
          'partitioned: the row key names the partition, schema-qualified');
SELECT results_eq(
    $$SELECT rule, rows_violated, rows_checked, pct_violated FROM j7599.audit_summary('audit_part')$$,
    $$VALUES ('UNITS_INVALID', 2::bigint, 5::bigint, 40.00::numeric), ('MODIFIER_CONFLICT', 1, 5, 20.00)$$,
    'partitioned: audit_summary counts the rows of every partition');
SET LOCAL j7599.audit_progress = on;
SET LOCAL client_min_messages = warning;
SELECT bag_eq($$SELECT * FROM j7599.audit('audit_part')$$,
              $$VALUES ('{"tableoid": "public.audit_part_2024", "ctid": "(0,2)"}'::jsonb, 'UNITS_INVALID', 'error', 'units',
                        (SELECT message FROM j7599.validate(line => 'J7507', units => 0)),
                        (SELECT source FROM j7599.validate(line => 'J7507', units => 0))),
                       ('{"tableoid": "public.audit_part_2025", "ctid": "(0,1)"}', 'MODIFIER_CONFLICT', 'error', 'line',
                        (SELECT message FROM j7599.validate(line => 'J7507-JW-JZ', units => 1)),
                        (SELECT source FROM j7599.validate(line => 'J7507-JW-JZ', units => 1))),
                       ('{"tableoid": "public.audit_part_2025", "ctid": "(0,3)"}', 'UNITS_INVALID', 'error', 'units',
                        (SELECT message FROM j7599.validate(line => 'J7507', units => -1)),
                        (SELECT source FROM j7599.validate(line => 'J7507', units => -1)))$$,
              'partitioned with progress: the same findings, read partition by partition');
SELECT results_eq(
    $$SELECT rule, rows_violated, rows_checked, pct_violated FROM j7599.audit_summary('audit_part')$$,
    $$VALUES ('UNITS_INVALID', 2::bigint, 5::bigint, 40.00::numeric), ('MODIFIER_CONFLICT', 1, 5, 20.00)$$,
    'partitioned with progress: the same summary');
SET LOCAL j7599.audit_progress = off;
RESET client_min_messages;

CREATE TABLE audit_part_pk (id int, dos date, line j7599.hcpcs_line, units numeric, PRIMARY KEY (id, dos))
    PARTITION BY RANGE (dos);
CREATE TABLE audit_part_pk_2024 PARTITION OF audit_part_pk FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE audit_part_pk_2025 PARTITION OF audit_part_pk FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
SELECT j7599.register('audit_part_pk', line => 'line', units => 'units');
INSERT INTO audit_part_pk VALUES (1, '2024-05-01', 'J7507', 1), (1, '2025-05-01', 'J7507', 0);
SELECT is((SELECT array_agg(row_key) FROM j7599.audit('audit_part_pk')), ARRAY['{"id": 1, "dos": "2025-05-01"}'::jsonb],
          'partitioned with a primary key: the row key is the primary key');

-- --------------------------------------------- registered columns added later

ALTER TABLE audit_nopk ADD COLUMN dx text;
SELECT j7599.register('audit_nopk', line => 'line', units => 'units', dx => '{dx}');
UPDATE audit_nopk SET dx = 'Q' WHERE id = 1;
SELECT bag_eq(
    $$SELECT t.id, a.rule FROM j7599.audit('audit_nopk') AS a JOIN audit_nopk AS t ON t.ctid = (a.row_key ->> 'ctid')::tid$$,
    $$VALUES (1, 'DX_MALFORMED'), (2, 'UNITS_INVALID'), (3, 'MODIFIER_CONFLICT'), (4, 'LINE_MALFORMED')$$,
    'audit follows a re-registration: the new dx column is read');

-- ------------------------------------------------------------- known gaps

CREATE TABLE audit_pct ("Line %" text, "100% units" numeric, "pk%s" int PRIMARY KEY);
SELECT j7599.register('audit_pct', line => 'Line %', units => '100% units');
INSERT INTO audit_pct VALUES ('J7507', 0, 1);
CREATE FUNCTION pg_temp.audit_rules(tbl regclass) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    SELECT string_agg(a.rule, ' ' ORDER BY a.rule) INTO r FROM j7599.audit(tbl) AS a;
    RETURN r;
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END
$$;
SELECT is(pg_temp.audit_rules('audit_pct'), 'UNITS_INVALID',
          'audit: column names holding "%" are quoted like any other');
SELECT is(pg_temp.summary_text('audit_pct'), 'UNITS_INVALID/error/1/1/100.00',
          'audit_summary: column names holding "%" are quoted like any other');

SET LOCAL j7599.audit_progress = on;
RESET j7599.audit_progress;
SELECT is(pg_temp.summary_text('audit_comp'),
          'MODIFIER_CONFLICT/error/1/4/25.00 MODIFIER_DUPLICATE/error/1/4/25.00 UNITS_INVALID/error/1/4/25.00',
          'audit_summary after RESET j7599.audit_progress runs without progress');
SET LOCAL j7599.audit_progress = off;

-- ------------------------------------------- plain-inheritance children

-- the first row of the parent and the first row of the child are both at
-- ctid (0,1): the row key must tell them apart
CREATE TABLE audit_inh (id int, line text, units numeric);
CREATE TABLE audit_inh_child (note text) INHERITS (audit_inh);
SELECT j7599.register('audit_inh', line => 'line', units => 'units');
INSERT INTO audit_inh VALUES (1, 'J7507', 0), (2, 'J7507', 1);
INSERT INTO audit_inh_child VALUES (3, 'J7507', 0, 'x'), (4, 'J7507-JW-JZ', 1, 'y');
CREATE TEMP TABLE inh_audit AS SELECT * FROM j7599.audit('audit_inh');
SELECT is((SELECT count(*) || ' ' || count(DISTINCT row_key) FROM inh_audit), '3 3',
          'inheritance: the parent''s and the child''s rows at the same ctid have different row keys');
SELECT bag_eq(
    $$SELECT t.id, a.rule FROM inh_audit AS a
        JOIN audit_inh AS t ON t.tableoid = (a.row_key ->> 'tableoid')::regclass
                           AND t.ctid = (a.row_key ->> 'ctid')::tid$$,
    $$VALUES (1, 'UNITS_INVALID'), (3, 'UNITS_INVALID'), (4, 'MODIFIER_CONFLICT')$$,
    'inheritance: the row key is table and ctid, and leads back to the row');
SELECT is((SELECT row_key FROM inh_audit WHERE rule = 'MODIFIER_CONFLICT'),
          '{"tableoid": "public.audit_inh_child", "ctid": "(0,2)"}'::jsonb,
          'inheritance: the row key names the child table, schema-qualified');
SET LOCAL j7599.audit_progress = on;
SET LOCAL client_min_messages = warning;
SELECT bag_eq($$SELECT * FROM j7599.audit('audit_inh')$$, $$SELECT * FROM inh_audit$$,
              'inheritance with progress: the same findings, the child''s rows included');
SELECT is(pg_temp.summary_text('audit_inh'), 'MODIFIER_CONFLICT/error/1/4/25.00 UNITS_INVALID/error/2/4/50.00',
          'inheritance with progress: audit_summary counts the child''s rows');
SET LOCAL j7599.audit_progress = off;
RESET client_min_messages;
SELECT is(pg_temp.summary_text('audit_inh'), 'MODIFIER_CONFLICT/error/1/4/25.00 UNITS_INVALID/error/2/4/50.00',
          'inheritance without progress: the same summary');

-- a primary key is not inherited: the same id can stand in parent and child
CREATE TABLE audit_inh_pk (id int PRIMARY KEY, line text, units numeric);
CREATE TABLE audit_inh_pk_child () INHERITS (audit_inh_pk);
SELECT j7599.register('audit_inh_pk', line => 'line', units => 'units');
INSERT INTO audit_inh_pk VALUES (1, 'J7507', 0);
INSERT INTO audit_inh_pk_child VALUES (1, 'J7507', 0);
SELECT bag_eq($$SELECT row_key FROM j7599.audit('audit_inh_pk')$$,
              $$VALUES ('{"tableoid": "public.audit_inh_pk", "id": 1}'::jsonb),
                       ('{"tableoid": "public.audit_inh_pk_child", "id": 1}')$$,
              'inheritance with a primary key: the key is table and primary key, one per row');
SELECT j7599.register('audit_inh_pk_child', line => 'line', units => 'units');
SELECT is((SELECT row_key FROM j7599.audit('audit_inh_pk_child')), '{"ctid": "(0,1)"}'::jsonb,
          'inheritance: a child with no children of its own (and no primary key) is keyed as a plain table');

-- ------------------------------- a registered column whose type was changed

-- the enforcing trigger refuses a registered column that no longer has a type
-- the argument accepts (42804); the audit must not cast it instead
CREATE FUNCTION pg_temp.sqlstate(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    RETURN '00000';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;
CREATE TABLE audit_retyped (id int PRIMARY KEY, line text, payer text, dos date, units numeric, days int, tx date);
SELECT j7599.register('audit_retyped', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      days_supply => 'days', transplant_date => 'tx');
INSERT INTO audit_retyped VALUES (1, 'J7507', 'medicare', '2024-03-01', 0, 30, '2020-01-01');
SELECT j7599.enforce('audit_retyped');
CREATE TEMP TABLE retyped (col text, typ text, back text, trig text, aud text, summ text, aud_p text, summ_p text);
CREATE FUNCTION pg_temp.retype(col text, typ text, back text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE audit_retyped ALTER COLUMN %I TYPE %s USING %I::%s', col, typ, col, typ);
    INSERT INTO retyped VALUES (col, typ, back,
        pg_temp.sqlstate($q$INSERT INTO audit_retyped (id, line, units) VALUES (2, 'J7507', 1)$q$),
        pg_temp.sqlstate($q$SELECT count(*) FROM j7599.audit('audit_retyped')$q$),
        pg_temp.sqlstate($q$SELECT count(*) FROM j7599.audit_summary('audit_retyped')$q$),
        pg_temp.sqlstate($q$SET LOCAL client_min_messages = warning; SET LOCAL j7599.audit_progress = on;
                            SELECT count(*) FROM j7599.audit('audit_retyped')$q$),
        pg_temp.sqlstate($q$SET LOCAL client_min_messages = warning; SET LOCAL j7599.audit_progress = on;
                            SELECT count(*) FROM j7599.audit_summary('audit_retyped')$q$));
    EXECUTE format('ALTER TABLE audit_retyped ALTER COLUMN %I TYPE %s USING %I::%s', col, back, col, back);
END
$$;
SELECT pg_temp.retype('dos', 'timestamp', 'date');
SELECT pg_temp.retype('tx', 'timestamptz', 'date');
SELECT pg_temp.retype('units', 'money', 'numeric');
SELECT pg_temp.retype('units', 'real', 'numeric');
SELECT pg_temp.retype('days', 'bigint', 'integer');
SELECT pg_temp.retype('days', 'numeric', 'integer');
SELECT pg_temp.retype('payer', 'name', 'text');
SET LOCAL j7599.audit_progress = off;
SELECT is_empty($$SELECT * FROM retyped WHERE trig <> '42804'$$,
                'retyped: the enforcing trigger refuses each retyped column with 42804');
SELECT is_empty($$SELECT * FROM retyped WHERE (aud, summ, aud_p, summ_p) IS DISTINCT FROM (trig, trig, trig, trig)$$,
                'retyped: audit and audit_summary, with and without progress, raise what the trigger raises');
SELECT is(pg_temp.sqlstate($q$SELECT count(*) FROM j7599.audit('audit_retyped')$q$), '00000',
          'retyped: with the columns back to their types, audit runs again');

SELECT * FROM finish();
ROLLBACK;
