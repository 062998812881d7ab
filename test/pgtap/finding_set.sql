-- test/pgtap/finding_set.sql: the set of findings behind audit_summary has no
-- room limit: one bit per (rule, severity) for every rule of the catalogue,
-- bits past 63 are counted, and audit_summary agrees with validate on them.
BEGIN;
SELECT plan(12);

SELECT is((SELECT count(*) FROM j7599._finding_bits()),
          (SELECT 3 * count(*) FROM j7599.rules()),
          'one bit per rule and severity, for every rule of the catalogue');
SELECT ok((SELECT max(bit_no) FROM j7599._finding_bits()) > 63,
          'the set reaches past 64 bits: it is not a bigint');
SELECT is((SELECT count(DISTINCT bit_no) FROM j7599._finding_bits()), (SELECT count(*) FROM j7599._finding_bits()),
          'every (rule, severity) has a bit of its own');
SELECT is(pg_catalog.length(j7599._finding_mask(line => NULL::text)) + pg_catalog.length(j7599._finding_mask(line => '99213')), 0,
          'a line without findings (NULL, or a CPT code with nothing to check) is the empty set');

-- KX_SUGGESTED and KX_WITHOUT_TRANSPLANT_DATE are the last rules of the
-- catalogue: their bits are past 63
CREATE TEMP TABLE fs_claims (id int PRIMARY KEY, line text, payer text, dos date, units numeric, note text,
                             transplant date);
INSERT INTO fs_claims
SELECT g, CASE WHEN g % 2 = 0 THEN 'J7599-KX' ELSE 'J7599' END, 'Medicare', '2025-03-01', 1,
       'voclosporin 7.9 mg capsule, 180 dispensed', CASE WHEN g % 2 = 1 THEN DATE '2020-01-01' END
FROM generate_series(1, 40) AS g;
SELECT j7599.register('fs_claims', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      narrative => 'note', transplant_date => 'transplant');
SELECT ok((SELECT bool_and(b.bit_no > 63) FROM j7599._finding_bits() AS b
            WHERE b.rule IN ('KX_SUGGESTED', 'KX_WITHOUT_TRANSPLANT_DATE')),
          'the KX rules sit past bit 63');
SELECT set_eq($$SELECT rule, severity, rows_violated FROM j7599.audit_summary('fs_claims')
                WHERE rule IN ('KX_SUGGESTED', 'KX_WITHOUT_TRANSPLANT_DATE')$$,
              $$SELECT f.rule, f.severity, count(*) FROM fs_claims AS c,
                       LATERAL j7599.validate(line => c.line, payer => c.payer, service_date => c.dos, units => c.units,
                                              narrative => c.note, transplant_date => c.transplant) AS f
                 WHERE f.rule IN ('KX_SUGGESTED', 'KX_WITHOUT_TRANSPLANT_DATE') GROUP BY 1, 2$$,
              'audit_summary counts the findings whose bits are past 63, as validate finds them');

-- the tally behind audit_summary: rows, and per bit the rows that carry it
SELECT is(j7599._finding_tally(s), ARRAY[3::bigint] || array_fill(0::bigint, ARRAY[(SELECT count(*)::int FROM j7599._finding_bits())]) ||
                                    array_fill(0::bigint, ARRAY[8 * ((SELECT (max(bit_no) / 8 + 1)::int FROM j7599._finding_bits())) - (SELECT count(*)::int FROM j7599._finding_bits())]),
          'the tally of three clean rows: three rows, no bit')
FROM (VALUES (''::bytea), (NULL::bytea), (''::bytea)) AS v(s);
SELECT is((SELECT (j7599._finding_tally(s))[1:4] FROM (VALUES ('\x05'::bytea), ('\x01'::bytea), (''::bytea), ('\x0400'::bytea)) AS v(s)),
          ARRAY[4, 2, 0, 2]::bigint[], 'bit 0 counted in two rows, bit 2 in two, bit 1 in none, over four rows');
SELECT is((SELECT (j7599._finding_tally(s))[1] FROM (SELECT ''::bytea WHERE false) AS v(s)), 0::bigint,
          'no rows: a tally of zero rows');
-- parallel workers tally their share and the leader adds them: the same answer
CREATE TABLE public.fs_big AS SELECT g AS id, (ARRAY['J7599', 'J7599-KX', 'J7599-JW-JZ', 'J7599', 'XX'])[1 + g % 5] AS line,
                                   'Medicare'::text AS payer, DATE '2025-03-01' AS dos, (g % 3)::numeric AS units
                            FROM generate_series(1, 20000) AS g;
ALTER TABLE fs_big SET (parallel_workers = 2);
ANALYZE fs_big;
SELECT j7599.register('fs_big', line => 'line', payer => 'payer', service_date => 'dos', units => 'units');
CREATE FUNCTION pg_temp.fs_explain(q text) RETURNS SETOF text LANGUAGE plpgsql AS $f$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q;
END
$f$;
CREATE TEMP TABLE fs_serial AS SELECT * FROM j7599.audit_summary('fs_big');
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT ok(EXISTS (SELECT FROM pg_temp.fs_explain($$SELECT j7599._finding_tally(j7599._finding_mask($$ || j7599._call_args('fs_big') || $$)) FROM fs_big AS t$$) AS p(l)
                  WHERE l ~ 'Partial Aggregate'),
          'the tally runs in parallel workers (Partial Aggregate under a Gather)');
SELECT results_eq($$SELECT * FROM j7599.audit_summary('fs_big')$$, $$SELECT * FROM fs_serial$$,
                  'audit_summary with parallel workers allowed equals the serial one');
SELECT results_eq($$SELECT rule, severity, rows_violated FROM j7599.audit_summary('fs_big') ORDER BY 1, 2$$,
                  $$SELECT f.rule, f.severity, count(DISTINCT c.id) FROM fs_big AS c,
                           LATERAL j7599.validate(line => c.line, payer => c.payer, service_date => c.dos, units => c.units) AS f
                    GROUP BY 1, 2 ORDER BY 1, 2$$,
                  'and each count is the number of rows validate finds the rule in');
SELECT * FROM finish();
ROLLBACK;
