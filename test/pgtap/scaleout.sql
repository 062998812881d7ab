-- test/pgtap/scaleout.sql: what a sharded warehouse relies on, in one
-- database: a refusal names the refused row (primary key, else the
-- registered claim key; values cut; withheld from a user who may not read
-- them), and audits split over several tables (the shards) and added up with
-- audit_partial / audit_combine equal audit_summary over all the rows, an
-- empty shard and a shard without findings included; a part written by
-- another version is refused.  test/shell/scaleout.sh runs the same over
-- three clusters with postgres_fdw and logical replication.
--
-- Runs in one transaction and rolls back: tables and roles never outlive it.
BEGIN;
SELECT plan(27);

\ir lib/attempt.sql
-- the first line of the detail of the statement's error
CREATE FUNCTION pg_temp.first_line(sql text) RETURNS text LANGUAGE sql AS $$
    SELECT split_part(pg_temp.attempt(sql) ->> 'detail', E'\n', 1)
$$;

-- ------------------------------------------------ refusals that name the row

CREATE TABLE so_lines (claim_id text, line_no int, hcpcs text, payer text, dos date, units numeric,
                       PRIMARY KEY (claim_id, line_no));
SELECT j7599.register('so_lines', line => 'hcpcs', payer => 'payer', service_date => 'dos', units => 'units');
SELECT j7599.enforce('so_lines');

SELECT is(pg_temp.first_line($$INSERT INTO so_lines VALUES ('C-17', 2, 'J7599-JW-JZ', 'medicare', '2024-03-01', 1)$$),
          'Row key (claim_id, line_no)=(C-17, 2).',
          'a refused INSERT: the detail starts with the primary key of the row');
INSERT INTO so_lines VALUES ('C-18', 1, 'J7599', 'aetna', '2024-03-01', 1);
SELECT is(pg_temp.first_line($$UPDATE so_lines SET units = 0 WHERE claim_id = 'C-18'$$),
          'Row key (claim_id, line_no)=(C-18, 1).',
          'a refused UPDATE: the detail names the row');

-- a key far too long to read through a foreign server's error: cut
SELECT ok(length(pg_temp.first_line(format($$INSERT INTO so_lines VALUES (%L, 1, 'J7599-JW-JZ', 'medicare', '2024-03-01', 1)$$,
                                           repeat('é', 5000)))) < 120,
          'a 5000-character key value: the line naming the row stays short');
SELECT ok(pg_temp.first_line(format($$INSERT INTO so_lines VALUES (%L, 1, 'J7599-JW-JZ', 'medicare', '2024-03-01', 1)$$,
                                    repeat('é', 5000))) LIKE 'Row key (claim_id, line_no)=(éééé%..., 1).',
          '... cut on a character boundary, marked with "...", the other columns kept');
SELECT is(pg_temp.attempt(format($$INSERT INTO so_lines VALUES (%L, 1, 'J7599-JW-JZ', 'medicare', '2024-03-01', 1)$$,
                                 repeat('x', 5000))) ->> 'state', '23514',
          '... and the refusal is still 23514');

-- no primary key: the registered claim key
CREATE TABLE so_keyed (claim_no bigint, hcpcs text, payer text, dos date, units numeric);
SELECT j7599.register('so_keyed', line => 'hcpcs', payer => 'payer', service_date => 'dos', units => 'units',
                      claim_key => ARRAY['claim_no']);
SELECT j7599.enforce('so_keyed');
SELECT is(pg_temp.first_line($$INSERT INTO so_keyed VALUES (90017, 'J7599', 'medicare', '2024-03-01', 0)$$),
          'Row key (claim_no)=(90017).',
          'no primary key: the row is named by its registered claim key');

-- neither: the detail is the findings, as before
CREATE TABLE so_bare (hcpcs text, units numeric);
SELECT j7599.register('so_bare', line => 'hcpcs', units => 'units');
SELECT j7599.enforce('so_bare');
SELECT is(pg_temp.first_line($$INSERT INTO so_bare VALUES ('J7599', 0)$$) LIKE 'error UNITS_INVALID%', true,
          'no primary key and no claim key: the detail starts with the findings');

-- a partition: the partitioned table's primary key; its claim key for a partition without one
CREATE TABLE so_parted (claim_id text, line_no int, hcpcs text, units numeric, PRIMARY KEY (claim_id, line_no))
    PARTITION BY HASH (claim_id);
CREATE TABLE so_parted_0 PARTITION OF so_parted FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE so_parted_1 PARTITION OF so_parted FOR VALUES WITH (MODULUS 2, REMAINDER 1);
SELECT j7599.register('so_parted', line => 'hcpcs', units => 'units');
SELECT j7599.enforce('so_parted');
SELECT is(pg_temp.first_line($$INSERT INTO so_parted VALUES ('P-1', 4, 'J7599', 0)$$),
          'Row key (claim_id, line_no)=(P-1, 4).',
          'a partitioned table: the row is named by its primary key in the partition');
CREATE TABLE so_parted_k (claim_id text, line_no int, hcpcs text, units numeric) PARTITION BY LIST (line_no);
CREATE TABLE so_parted_k1 PARTITION OF so_parted_k FOR VALUES IN (1);
SELECT j7599.register('so_parted_k', line => 'hcpcs', units => 'units', claim_key => ARRAY['claim_id']);
SELECT j7599.enforce('so_parted_k');
SELECT is(pg_temp.first_line($$INSERT INTO so_parted_k VALUES ('K-9', 1, 'J7599', 0)$$),
          'Row key (claim_id)=(K-9).',
          'a partition without a primary key: the claim key registered for its partitioned table');

-- a writer who may not read the key column: withheld
CREATE ROLE scaleout_writer;
GRANT USAGE ON SCHEMA public TO scaleout_writer;
GRANT INSERT ON so_lines TO scaleout_writer;
GRANT SELECT (hcpcs, payer, dos, units) ON so_lines TO scaleout_writer;
SET LOCAL ROLE scaleout_writer;
SELECT is(pg_temp.first_line($$INSERT INTO so_lines VALUES ('SECRET-77', 1, 'J7599', 'medicare', '2024-03-01', 0)$$),
          'Row key withheld: it would show a column the current user may not read.',
          'a writer without SELECT on a key column: the key is withheld');
SELECT ok(pg_temp.attempt($$INSERT INTO so_lines VALUES ('SECRET-77', 1, 'J7599', 'medicare', '2024-03-01', 0)$$)
          ->> 'detail' NOT LIKE '%SECRET-77%', '... and its value appears nowhere in the detail');
RESET ROLE;

-- enforce_claims: the claim keys of its refusal, cut
CREATE TABLE so_claims (id serial PRIMARY KEY, claim_id text, line j7599.hcpcs_line, dos date, units numeric);
CREATE INDEX ON so_claims (claim_id);
SELECT j7599.register('so_claims', line => 'line', service_date => 'dos', units => 'units', claim_key => ARRAY['claim_id']);
SELECT j7599.enforce_claims('so_claims');
SELECT is(pg_temp.attempt($$INSERT INTO so_claims (claim_id, line, dos, units) VALUES ('W-1', 'J7507-JW', '2024-03-01', 2)$$)
          ->> 'message', 'j7599: claim {"claim_id": "W-1"} refused (WASTE_WITHOUT_ADMINISTERED)',
          'enforce_claims: a short claim key is named whole');
SELECT ok(length(pg_temp.attempt(format($$INSERT INTO so_claims (claim_id, line, dos, units) VALUES (%L, 'J7507-JW', '2024-03-01', 2)$$,
                                        repeat('w', 4000))) ->> 'message') < 140,
          'enforce_claims: a 4000-character claim key is cut in the message');
SELECT ok((SELECT bool_and(length(l) < 400 AND l LIKE '{"claim_id": "www%...: %')
             FROM unnest(string_to_array(pg_temp.attempt(format(
                 $$INSERT INTO so_claims (claim_id, line, dos, units) VALUES (%L, 'J7507-JW', '2024-03-01', 2)$$,
                 repeat('w', 4000))) ->> 'detail', E'\n')) AS l),
          '... and in every line of the detail, each still starting with the claim key');

-- ------------------------------------------------ audits split over shards

-- the whole table, and the same rows split over three "shards": one with
-- findings, one with only clean rows, one empty
CREATE TABLE so_all (id int PRIMARY KEY, hcpcs text, payer text, dos date, units numeric, ndc text, note text);
INSERT INTO so_all
SELECT g, (ARRAY['J7599-KX', 'J7599-JW-JZ', 'J759', 'J7599', 'J7599-KX'])[1 + g % 5],
       (ARRAY['medicare', 'aetna', NULL, 'Blue Cross Blue Shield'])[1 + g % 4],
       CASE WHEN g % 7 = 0 THEN NULL ELSE date '2024-01-01' + g % 300 END,
       CASE WHEN g % 11 = 0 THEN 0 ELSE 1 + g % 3 END,
       CASE WHEN g % 3 = 0 THEN '00069-0150-01' END, NULL
FROM generate_series(1, 400) AS g;
CREATE TABLE so_s1 (LIKE so_all);
CREATE TABLE so_s2 (LIKE so_all);
CREATE TABLE so_s3 (LIKE so_all);
INSERT INTO so_s1 SELECT * FROM so_all WHERE id <= 330;
INSERT INTO so_s2 SELECT * FROM so_all WHERE id > 330;
SELECT j7599.register(t, line => 'hcpcs', payer => 'payer', service_date => 'dos', units => 'units',
                      ndc => 'ndc', narrative => 'note')
  FROM unnest(ARRAY['so_all', 'so_s1', 'so_s2', 'so_s3']::regclass[]) AS t;
-- so_s2 clean: the rows beyond 330 replaced by one clean line each
DELETE FROM so_s2;
INSERT INTO so_s2
SELECT g, 'J7599', 'Aetna', '2024-03-01', 1, '00069-0150-01', 'voclosporin 7.9 mg capsule, 3 caps twice daily'
FROM generate_series(331, 400) AS g;
DELETE FROM so_all WHERE id > 330;
INSERT INTO so_all SELECT * FROM so_s2;
SELECT is((SELECT count(*) FROM j7599.audit('so_s2')), 0::bigint, 'the second shard has no finding at all');

CREATE FUNCTION pg_temp.rows_of(q text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE r text[];
BEGIN
    EXECUTE 'SELECT array_agg(x::text ORDER BY n) FROM (SELECT x, row_number() OVER () AS n FROM ('
            || q || ') AS x) AS y' INTO r;
    RETURN r;
END
$$;

SELECT is(pg_temp.rows_of($$SELECT * FROM j7599.audit_combine(ARRAY(
              SELECT p FROM j7599.audit_partial('so_s1') AS p UNION ALL
              SELECT p FROM j7599.audit_partial('so_s2') AS p UNION ALL
              SELECT p FROM j7599.audit_partial('so_s3') AS p))$$),
          pg_temp.rows_of($$SELECT * FROM j7599.audit_summary('so_all')$$),
          'three shards combined (one without findings, one empty) equal audit_summary over all the rows, row for row');
SELECT is((SELECT DISTINCT rows_checked FROM j7599.audit_combine(ARRAY(
              SELECT p FROM j7599.audit_partial('so_s1') AS p UNION ALL
              SELECT p FROM j7599.audit_partial('so_s2') AS p))), 400::bigint,
          'rows_checked counts the rows of the shard on which no rule fires');
SELECT is(pg_temp.rows_of($$SELECT * FROM j7599.audit_partial('so_s3')$$),
          ARRAY[ROW(j7599._audit_version(), j7599._audit_catalogue(), 0,
                    array_fill(0::bigint, ARRAY[8 * ((SELECT max(bit_no) FROM j7599._finding_bits()) / 8 + 1)]))::j7599.audit_part::text],
          'an empty shard gives one part with 0 rows, carrying its version');
SELECT is((SELECT count(*) FROM j7599.audit_combine(ARRAY(SELECT p FROM j7599.audit_partial('so_s3') AS p))),
          0::bigint, 'the empty shard alone: no rule, as audit_summary of an empty table');
SELECT is((SELECT count(*) FROM j7599.audit_combine('{}')), 0::bigint, 'no part at all: no row');
SELECT is((SELECT sum(rows) FROM j7599.audit_partial('so_s1')), 330::numeric, 'a part counts every row of its shard once');
SELECT is((SELECT count(*) FROM j7599.audit_partial('so_s1')), 1::bigint, 'one part per shard');

-- parts written by another version, or another rule catalogue
SELECT is(pg_temp.attempt($$SELECT * FROM j7599.audit_combine(ARRAY(
              SELECT p FROM j7599.audit_partial('so_s2') AS p UNION ALL
              SELECT ROW('1.0', p.catalogue, p.rows, p.violated)::j7599.audit_part
                FROM j7599.audit_partial('so_s1') AS p))$$) ->> 'state', '22023',
          'a part of version 1.0 among 1.1 parts is refused with 22023');
SELECT is(pg_temp.attempt($$SELECT * FROM j7599.audit_combine(ARRAY(
              SELECT ROW('1.0', p.catalogue, p.rows, p.violated)::j7599.audit_part
                FROM j7599.audit_partial('so_s1') AS p))$$) ->> 'detail',
          format('A part was written by j7599 1.0 (rule catalogue %s); this database runs j7599 %s (rule catalogue %s).',
                 left(j7599._audit_catalogue(), 12), j7599._audit_version(), left(j7599._audit_catalogue(), 12)),
          '... the detail names both versions');
SELECT is(pg_temp.attempt($$SELECT * FROM j7599.audit_combine(ARRAY(
              SELECT ROW(p.version, 'deadbeef', p.rows, p.violated)::j7599.audit_part
                FROM j7599.audit_partial('so_s1') AS p))$$) ->> 'state', '22023',
          'a part of the same version but another rule catalogue is refused too');
SELECT is(pg_temp.attempt($$SELECT * FROM j7599.audit_combine(ARRAY[ROW(j7599._audit_version(), j7599._audit_catalogue(),
              5, NULL)::j7599.audit_part])$$) ->> 'state', '22023',
          'a part without its counts is refused');
SELECT is(pg_temp.attempt($$SELECT * FROM j7599.audit_combine(ARRAY(
              SELECT ROW(p.version, p.catalogue, p.rows, p.violated[1:3])::j7599.audit_part
                FROM j7599.audit_partial('so_s1') AS p))$$) ->> 'state', '22023',
          'a part whose counts do not cover every bit is refused');

SELECT * FROM finish();
ROLLBACK;
