-- test/pgtap/report_tally.sql: the one pass of the report, the aggregate
-- j7599._report_tally and j7599._report_cells, against the same tallies
-- written as plain GROUP BY queries: the month of a date (infinite and
-- missing dates included), units summed as sum() sums them (fractions, the
-- scale of the result, values beyond integer range, NULL), lines per payer
-- and set of findings and per line; and the same cells when parallel
-- workers tally shares of the table and the leader combines them.
--
-- Runs in one transaction and rolls back.
BEGIN;
SET LOCAL search_path = public, j7599;
SELECT plan(9);

CREATE TABLE rt_claims (
    id    int PRIMARY KEY,
    line  text,
    payer text,
    dos   date,
    units numeric,
    pos   text
);
INSERT INTO rt_claims VALUES
    (1, 'J7599-KX',    'Medicare',   '2024-01-05', 2,          '12'),
    (2, 'J7599:KX:JZ', 'medicare',   '2024-01-31', 1.50,       '12'),
    (3, 'J7599',       'Aetna',      '2024-02-01', 3,          '11'),
    (4, 'J759-KX',     'Aetna',      '2024-02-29', 3000000000, '11'),
    (5, 'J7599',       'Aetna',      '2024-02-10', 3000000000, '11'),
    (6, 'j7507',       NULL,         'infinity',   1,          NULL),
    (7, NULL,          'Omega Care', NULL,         NULL,       NULL),
    (8, 'J7599-JZ-JZ', 'Medicare',   '2024-01-10', 2.0,        '12'),
    (9, 'J7599-KX',    'Medicare',   '-infinity',  -4,         '12');
SELECT j7599.register('rt_claims', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      pos => 'pos');

-- the tallies as GROUP BY writes them
CREATE TEMP VIEW rt_expected AS
    SELECT 'm'::text AS kind, date_trunc('month', t.dos::timestamp)::date AS month, t.payer, t.pos, NULL::text AS line,
           NULL::bytea AS finding_set, count(*) AS lines, sum(t.units) AS units
      FROM rt_claims AS t GROUP BY 2, 3, 4
    UNION ALL
    SELECT 'f', NULL, t.payer, NULL, NULL,
           j7599._finding_mask(line => t.line, payer => t.payer, service_date => t.dos, units => t.units, pos => t.pos),
           count(*), NULL
      FROM rt_claims AS t GROUP BY 3, 6
    UNION ALL
    SELECT 'l', NULL, NULL, NULL, t.line, NULL, count(*), NULL FROM rt_claims AS t GROUP BY 5;

SELECT set_eq(
    $$SELECT c.kind, c.month, c.payer, c.pos, c.line, c.finding_set, c.lines, c.units::text
        FROM unnest((SELECT j7599._report_tally(t.dos, t.payer, t.pos, t.line,
                                                 j7599._finding_mask(line => t.line, payer => t.payer, service_date => t.dos,
                                                                     units => t.units, pos => t.pos),
                                                 t.units)
                       FROM rt_claims AS t)) AS c$$,
    $$SELECT kind, month, payer, pos, line, finding_set, lines, units::text FROM rt_expected$$,
    '_report_tally: the cells of the table as GROUP BY counts them (units compared as text: the same scale)');

SELECT is((SELECT array_agg(payer || ' ' || units ORDER BY payer) FROM j7599._report_cells('rt_claims')
            WHERE kind = 'm' AND month = '2024-01-01'),
          '{"Medicare 4.0","medicare 1.50"}'::text[],
          '_report_cells: units as sum() adds them, the scale of the largest (2 + 2.0 = 4.0); spellings apart');
SELECT is((SELECT units FROM j7599._report_cells('rt_claims') WHERE kind = 'm' AND month = '2024-02-01'),
          6000000003::numeric, '_report_cells: units beyond integer range add up exactly');
SELECT is((SELECT array_agg(month::text ORDER BY month) FROM j7599._report_cells('rt_claims')
            WHERE kind = 'm' AND NOT isfinite(month)),
          '{-infinity,infinity}'::text[], '_report_cells: an infinite date is its own month');
SELECT is((SELECT lines FROM j7599._report_cells('rt_claims') WHERE kind = 'm' AND month IS NULL),
          1::bigint, '_report_cells: a line without date is the month NULL');
SELECT is((SELECT array_agg(DISTINCT kind || ':' || (SELECT sum(c2.lines) FROM j7599._report_cells('rt_claims') AS c2
                                                      WHERE c2.kind = c.kind)) FROM j7599._report_cells('rt_claims') AS c),
          '{f:9,l:9,m:9}'::text[], '_report_cells: every row counted once in each tally');
SELECT set_eq(
    $$SELECT payer, payer_id FROM j7599._report_cells('rt_claims') WHERE kind = 'm'$$,
    $$SELECT DISTINCT payer, j7599.payer_resolve(payer) FROM rt_claims$$,
    '_report_cells: each payer spelling with the payer id it resolves to');

-- parallel workers: a larger table, read with a parallel plan whatever its size
CREATE TABLE rt_big AS
    SELECT i AS id, (ARRAY['J7599-KX', 'J7599', 'J759-KX', NULL])[1 + i % 4] AS line,
           (ARRAY['Medicare', 'Aetna', 'Nobody Inc', NULL])[1 + i % 7 % 4] AS payer,
           CASE WHEN i % 11 = 0 THEN NULL ELSE date '2023-01-01' + i % 500 END AS dos,
           CASE WHEN i % 13 = 0 THEN NULL WHEN i % 17 = 0 THEN 0.25 ELSE i % 23 END::numeric AS units,
           (ARRAY['11', '12', NULL])[1 + i % 3] AS pos
    FROM generate_series(1, 30000) AS i;
ANALYZE rt_big;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
CREATE FUNCTION pg_temp.rt_plan(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    l text;
    out text := '';
BEGIN
    FOR l IN EXECUTE 'EXPLAIN ' || q LOOP
        out := out || l || E'\n';
    END LOOP;
    RETURN out;
END
$$;
SELECT ok(pg_temp.rt_plan('SELECT j7599._report_tally(t.dos, t.payer, t.pos, t.line, NULL, t.units) FROM rt_big AS t')
          LIKE '%Partial Aggregate%',
          '_report_tally: parallel workers can tally shares of the table');
SELECT set_eq(
    $$SELECT c.kind, c.month, c.payer, c.pos, c.line, c.finding_set, c.lines, c.units::text
        FROM unnest((SELECT j7599._report_tally(t.dos, t.payer, t.pos, t.line, NULL, t.units) FROM rt_big AS t)) AS c$$,
    $$SELECT 'm', date_trunc('month', t.dos::timestamp)::date, t.payer, t.pos, NULL::text, NULL::bytea, count(*), sum(t.units)::text
        FROM rt_big AS t GROUP BY 2, 3, 4
      UNION ALL
      SELECT 'f', NULL, t.payer, NULL, NULL, NULL, count(*), NULL FROM rt_big AS t GROUP BY 3
      UNION ALL
      SELECT 'l', NULL, NULL, NULL, t.line, NULL, count(*), NULL FROM rt_big AS t GROUP BY 5$$,
    '_report_tally with parallel workers: the shares combine to the tallies of one pass');

SELECT * FROM finish();
ROLLBACK;
