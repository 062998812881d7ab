-- test/pgtap/quarantine.sql: j7599.enforce(..., on_refusal => 'quarantine'),
-- j7599.quarantine and j7599.release.  Refused rows set aside while the
-- statement goes on, their findings, the trigger's timing and arguments,
-- switching between modes, re-registering, UPDATE, generated columns, who
-- sees and releases whose rows (row-level security), partitioned tables
-- (rows that fit no partition, partitions created later, direct inserts into
-- a partition, unenforce and the unrouted partition), inheritance children,
-- subtransactions and dropped tables.
--
-- Runs in one transaction and rolls back.  COPY of 100,000 lines, the NOTICE
-- and dump / restore are in test/shell/quarantine_copy.sh.
BEGIN;
SET LOCAL search_path = public, j7599;
-- the NOTICEs of quarantining statements and the WARNING of release are tested in test/shell/quarantine_copy.sh
SET LOCAL client_min_messages = error;
SELECT plan(94);

-- the SQLSTATE a statement ends with, '00000' when it succeeds (undone either way)
CREATE FUNCTION pg_temp.state(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text;
BEGIN
    BEGIN
        EXECUTE sql;
        RAISE EXCEPTION USING ERRCODE = 'JT000', MESSAGE = 'statement succeeded';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
    END;
    RETURN CASE st WHEN 'JT000' THEN '00000' ELSE st END;
END
$$;

-- the trigger j7599_enforce of a table: timing and arguments
CREATE FUNCTION pg_temp.enforce_trigger(tbl regclass) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN tgtype & 2 = 2 THEN 'BEFORE ' ELSE 'AFTER ' END || array_to_string(j7599._enforce_trigger_args(tbl), ' ')
    FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'j7599_enforce'
$$;

-- the rule ids of the errors among a quarantined row's findings, sorted
CREATE FUNCTION pg_temp.rules(findings j7599.finding[]) RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(DISTINCT f.rule, ',' ORDER BY f.rule) FROM unnest(findings) AS f WHERE f.severity = 'error'
$$;

CREATE TABLE claims (
    id    int PRIMARY KEY,
    line  text,
    payer text,
    dos   date,
    units numeric,
    note  text DEFAULT 'offered'
);
SELECT j7599.register('claims', line => 'line', payer => 'payer', service_date => 'dos', units => 'units');

-- ----------------------------------------------------------- the argument

SELECT has_function('j7599', 'enforce', ARRAY['regclass', 'text', 'text'], 'enforce(regclass, text, text) exists');
SELECT has_function('j7599', 'release', ARRAY['regclass'], 'release(regclass) exists');
SELECT throws_ok($$SELECT j7599.enforce('claims', 'error', 'skip')$$, '22023', 'unknown on_refusal "skip"',
                 'enforce: an unknown on_refusal is 22023');
SELECT throws_ok($$SELECT j7599.enforce('claims', 'error', NULL)$$, '22023', NULL,
                 'enforce: a NULL on_refusal is 22023');
SELECT hasnt_trigger('claims', 'j7599_enforce', '... and installs nothing');
SELECT lives_ok($$SELECT j7599.enforce('claims')$$, 'enforce with two arguments still raises');
SELECT is(pg_temp.enforce_trigger('claims'), 'AFTER error line=line payer=payer service_date=dos units=units',
          '''raise'' keeps the AFTER trigger and its arguments exactly');
SELECT hasnt_trigger('claims', 'j7599_quarantine_notice', '''raise'' has no statement trigger');

-- ----------------------------------------------------------- quarantine mode

SELECT lives_ok($$SELECT j7599.enforce('claims', on_refusal => 'quarantine')$$, 'enforce in quarantine mode');
SELECT is(pg_temp.enforce_trigger('claims'),
          'BEFORE error line=line payer=payer service_date=dos units=units on_refusal=quarantine',
          'quarantine mode: a BEFORE trigger with on_refusal=quarantine as last argument');
SELECT has_trigger('claims', 'j7599_quarantine_notice', 'quarantine mode: the statement trigger that reports');

-- no payer: payer policy is not checked (PAYER_MISSING is a warning)
INSERT INTO claims (id, line, dos, units) VALUES
    (1, 'J7599', '2024-03-01', 1),
    (2, 'J7599', '2024-03-01', -1),
    (3, 'J7599-JW-JZ', '2024-03-01', 1),
    (4, 'J7599', '2024-03-01', 2);
SELECT results_eq($$SELECT id FROM claims ORDER BY id$$, ARRAY[1, 4],
                  'the statement goes on: the two valid rows are stored, the refused ones are not');
SELECT is((SELECT count(*)::int FROM j7599.quarantine WHERE tbl = 'claims'::regclass), 2,
          'the two refused rows are in j7599.quarantine');
SELECT is((SELECT pg_temp.rules(findings) FROM j7599.quarantine WHERE row_data ->> 'id' = '2'),
          'UNITS_INVALID', 'a quarantined row carries its findings (units -1: UNITS_INVALID)');
SELECT is((SELECT pg_temp.rules(findings) FROM j7599.quarantine WHERE row_data ->> 'id' = '3'),
          'MODIFIER_CONFLICT', '... JW with JZ: MODIFIER_CONFLICT');
SELECT ok((SELECT bool_and(f.message <> '' AND f.source <> '')
           FROM j7599.quarantine q, unnest(q.findings) f WHERE q.tbl = 'claims'::regclass),
          'the findings have their messages and sources');
SELECT is((SELECT row_data FROM j7599.quarantine WHERE row_data ->> 'id' = '2'),
          '{"id": 2, "line": "J7599", "payer": null, "dos": "2024-03-01", "units": -1, "note": "offered"}'::jsonb,
          'row_data is the row as offered, defaults applied');
SELECT is((SELECT refused_by FROM j7599.quarantine WHERE row_data ->> 'id' = '2'), current_user::name,
          'refused_by is the role that offered the row');
SELECT is((SELECT refused_at FROM j7599.quarantine WHERE row_data ->> 'id' = '2'), now(), 'refused_at is set');

SELECT is(pg_temp.state($$UPDATE claims SET units = 0 WHERE id = 1$$), '23514',
          'quarantine mode: an UPDATE that would make a row refused still raises 23514');
SELECT lives_ok($$UPDATE claims SET units = 3 WHERE id = 1$$, '... a valid UPDATE passes');
SELECT is(pg_temp.state($$INSERT INTO claims (id, line, units) VALUES (2, 'J7599', 1)$$), '00000',
          'a quarantined row does not hold its key: the id can be used');

-- register again: the mode stays
SELECT lives_ok($$SELECT j7599.register('claims', line => 'line', payer => 'payer', service_date => 'dos',
                                        units => 'units', narrative => 'note')$$, 're-registering a table in quarantine mode');
SELECT is(pg_temp.enforce_trigger('claims'),
          'BEFORE error line=line payer=payer service_date=dos units=units narrative=note on_refusal=quarantine',
          '... keeps quarantine mode with the new mapping');
SELECT j7599.register('claims', line => 'line', payer => 'payer', service_date => 'dos', units => 'units');
-- enforce again at another severity: the mode stays only when asked for
SELECT lives_ok($$SELECT j7599.enforce('claims', 'warning', 'quarantine')$$, 'enforce again at severity warning');
SELECT is(pg_temp.enforce_trigger('claims'),
          'BEFORE warning line=line payer=payer service_date=dos units=units on_refusal=quarantine', '... quarantine mode, warning');
SELECT lives_ok($$SELECT j7599.enforce('claims', 'error')$$, 'enforce again with on_refusal ''raise'' (the default)');
SELECT is(pg_temp.enforce_trigger('claims'), 'AFTER error line=line payer=payer service_date=dos units=units',
          '... the AFTER trigger of raise mode');
SELECT hasnt_trigger('claims', 'j7599_quarantine_notice', '... without the statement trigger');
SELECT is(pg_temp.state($$INSERT INTO claims (id, line, units) VALUES (9, 'J7599', -1)$$), '23514',
          '... and a refused row aborts the statement again');
SELECT throws_ok($$SELECT * FROM j7599.release('claims')$$, '55000', NULL,
                 'release: a table not in quarantine mode is 55000');
SELECT j7599.enforce('claims', on_refusal => 'quarantine');

-- ----------------------------------------------------------- release

-- at severity warning, a line without payer is refused (PAYER_MISSING)
SELECT j7599.enforce('claims', 'warning', 'quarantine');
INSERT INTO claims (id, line, dos, units) VALUES (20, 'J7599', '2024-03-01', 1);
SELECT ok((SELECT 'PAYER_MISSING' = ANY (SELECT f.rule FROM unnest(findings) f) AND pg_temp.rules(findings) IS NULL
           FROM j7599.quarantine WHERE row_data ->> 'id' = '20'),
          'at severity warning a warning (PAYER_MISSING) sets a row aside');
SELECT j7599.enforce('claims', 'error', 'quarantine');
CREATE TEMP TABLE before_release AS SELECT id, row_data ->> 'id' AS row_id FROM j7599.quarantine;
-- row 2's units corrected; row 3 left as it was; row 20 passes at severity error now
UPDATE j7599.quarantine SET row_data = jsonb_set(row_data, '{id}', '12') || '{"units": 2}' WHERE row_data ->> 'id' = '2';
SELECT results_eq($$SELECT released, still_refused FROM j7599.release('claims')$$,
                  $$VALUES (2::bigint, 1::bigint)$$,
                  'release: the corrected row and the row the policy now lets pass are released, one stays');
SELECT results_eq($$SELECT id FROM claims WHERE id IN (12, 20) ORDER BY id$$, ARRAY[12, 20],
                  '... the released rows are stored in the table');
SELECT is((SELECT count(*)::int FROM j7599.quarantine WHERE tbl = 'claims'::regclass), 1, '... and left the quarantine');
SELECT is((SELECT q.id FROM j7599.quarantine q WHERE q.tbl = 'claims'::regclass),
          (SELECT b.id FROM before_release b WHERE b.row_id = '3'), '... the row still refused keeps its id');
SELECT is((SELECT pg_temp.rules(findings) FROM j7599.quarantine WHERE tbl = 'claims'::regclass), 'MODIFIER_CONFLICT',
          '... with its findings');
UPDATE j7599.quarantine SET findings = '{}' WHERE tbl = 'claims'::regclass;
SELECT results_eq($$SELECT released, still_refused FROM j7599.release('claims')$$, $$VALUES (0::bigint, 1::bigint)$$,
                  'release again: still refused');
SELECT is((SELECT pg_temp.rules(findings) FROM j7599.quarantine WHERE tbl = 'claims'::regclass), 'MODIFIER_CONFLICT',
          '... and its findings are refreshed');
-- a row that cannot be inserted at all (a duplicate key) stays, with a warning
UPDATE j7599.quarantine SET row_data = row_data || '{"id": 1, "line": "J7599"}' WHERE tbl = 'claims'::regclass;
SELECT results_eq($$SELECT released, still_refused FROM j7599.release('claims')$$, $$VALUES (0::bigint, 1::bigint)$$,
                  'release: a row that fails to insert (duplicate key) stays');
SELECT is((SELECT count(*)::int FROM j7599.quarantine WHERE tbl = 'claims'::regclass), 1, '... in the quarantine');

-- ----------------------------------------------------------- generated columns

CREATE TABLE gen_claims (
    id     int,
    line   text,
    qty    numeric,
    units  numeric GENERATED ALWAYS AS (qty * 2) STORED,
    serial int GENERATED ALWAYS AS IDENTITY,
    twice  int GENERATED ALWAYS AS (id * 2) STORED
);
SELECT j7599.register('gen_claims', line => 'line', units => 'units');
SELECT throws_ok($$SELECT j7599.enforce('gen_claims', on_refusal => 'quarantine')$$, '0A000', NULL,
                 'quarantine mode on a registered generated column is 0A000 (it would be read as NULL)');
SELECT lives_ok($$SELECT j7599.enforce('gen_claims')$$, '... raise mode checks it as stored');
SELECT is(pg_temp.state($$INSERT INTO gen_claims (id, line, qty) VALUES (1, 'J7599', -1)$$), '23514',
          '... and refuses a row whose generated units are invalid');
SELECT j7599.unenforce('gen_claims');
SELECT j7599.register('gen_claims', line => 'line', units => 'qty');
SELECT lives_ok($$SELECT j7599.enforce('gen_claims', on_refusal => 'quarantine')$$,
                'quarantine mode when the generated columns are not registered');
INSERT INTO gen_claims (id, line, qty) VALUES (1, 'J7599', -1), (2, 'J7599', 1);
SELECT is((SELECT row_data ->> 'twice' FROM j7599.quarantine WHERE tbl = 'gen_claims'::regclass), NULL,
          'a quarantined row''s generated columns are not computed yet (NULL in row_data)');
UPDATE j7599.quarantine SET row_data = row_data || '{"qty": 3}' WHERE tbl = 'gen_claims'::regclass;
SELECT results_eq($$SELECT released, still_refused FROM j7599.release('gen_claims')$$, $$VALUES (1::bigint, 0::bigint)$$,
                  'release of a table with generated and identity columns');
SELECT results_eq($$SELECT id, units, serial, twice FROM gen_claims ORDER BY id$$,
                  $$VALUES (1, 6::numeric, 2, 2), (2, 2::numeric, 3, 4)$$,
                  '... the generated columns are computed, the identity keeps the value the row was offered with (1 went to the refused INSERT above)');

-- ----------------------------------------------------------- who sees what

CREATE ROLE j7599_quar_owner_a NOLOGIN;
CREATE ROLE j7599_quar_owner_b NOLOGIN;
CREATE ROLE j7599_quar_member NOLOGIN IN ROLE j7599_quar_owner_a;
CREATE ROLE j7599_quar_writer NOLOGIN;
GRANT CREATE, USAGE ON SCHEMA public TO j7599_quar_owner_a, j7599_quar_owner_b;
GRANT USAGE ON SCHEMA public TO j7599_quar_writer, j7599_quar_member;
SET LOCAL ROLE j7599_quar_owner_a;
CREATE TABLE a_claims (id int, line text, units numeric);
SELECT j7599.register('a_claims', line => 'line', units => 'units');
SELECT j7599.enforce('a_claims', on_refusal => 'quarantine');
GRANT INSERT ON a_claims TO j7599_quar_writer;
INSERT INTO a_claims VALUES (1, 'J7599', -1);
RESET ROLE;
SET LOCAL ROLE j7599_quar_owner_b;
CREATE TABLE b_claims (id int, line text, units numeric);
SELECT j7599.register('b_claims', line => 'line', units => 'units');
SELECT j7599.enforce('b_claims', on_refusal => 'quarantine');
INSERT INTO b_claims VALUES (1, 'J7599', -2);
SELECT is((SELECT count(*)::int FROM j7599.quarantine), 1, 'owner b sees only the quarantined row of its own table');
SELECT is((SELECT count(*)::int FROM j7599.quarantine WHERE tbl = 'a_claims'::regclass), 0,
          '... none of a_claims, owned by a');
UPDATE j7599.quarantine SET row_data = '{}' WHERE tbl = 'a_claims'::regclass;
DELETE FROM j7599.quarantine WHERE tbl = 'a_claims'::regclass;
SELECT throws_ok($$SELECT * FROM j7599.release('a_claims')$$, '42501', NULL, 'owner b may not release a''s rows (42501)');
SELECT is(pg_temp.state($$INSERT INTO j7599.quarantine (id, tbl, row_data, findings) VALUES (-1, 'a_claims', '{}', '{}')$$),
          '42501', 'owner b may not write a row for a''s table into the quarantine (42501, row-level security)');
SELECT is(pg_temp.state($$INSERT INTO j7599.quarantine (id, tbl, row_data, findings) VALUES (-1, 'b_claims', '{}', '{}')$$),
          '00000', '... but may for its own table, as a restore of its dump does');
RESET ROLE;
SET LOCAL ROLE j7599_quar_writer;
SELECT lives_ok($$INSERT INTO a_claims VALUES (2, 'J7599', 0), (3, 'J7599', 1)$$,
                'a role that may insert but does not own the table: its refused row is set aside');
SELECT is((SELECT count(*)::int FROM j7599.quarantine), 0, '... and it sees no quarantined row, not even its own');
SELECT throws_ok($$SELECT * FROM j7599.release('a_claims')$$, '42501', NULL, '... nor may it release them');
RESET ROLE;
SET LOCAL ROLE j7599_quar_member;
SELECT is((SELECT count(*)::int FROM j7599.quarantine WHERE tbl = 'a_claims'::regclass), 2,
          'a member of the owning role sees a_claims'' two quarantined rows (b''s UPDATE and DELETE changed nothing)');
SELECT is((SELECT refused_by FROM j7599.quarantine WHERE row_data ->> 'id' = '2'), 'j7599_quar_writer'::name,
          '... refused_by names the role that offered the row');
SELECT is((SELECT row_data FROM j7599.quarantine WHERE row_data ->> 'id' = '1'), '{"id": 1, "line": "J7599", "units": -1}'::jsonb,
          '... with row_data untouched by b');
SELECT is((SELECT count(*)::int FROM j7599.quarantine WHERE tbl = 'b_claims'::regclass), 0, '... but not b''s');
UPDATE j7599.quarantine SET row_data = row_data || '{"units": 1}' WHERE tbl = 'a_claims'::regclass;
SELECT results_eq($$SELECT released, still_refused FROM j7599.release('a_claims')$$, $$VALUES (2::bigint, 0::bigint)$$,
                  '... and may correct and release them');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM a_claims), 3, 'a_claims holds the three rows');
SELECT is((SELECT count(*)::int FROM j7599.quarantine WHERE tbl = 'b_claims'::regclass), 1, 'a superuser sees b''s row');

-- ----------------------------------------------------------- partitioned tables

CREATE TABLE part_claims (id int, dos date, line text, units numeric) PARTITION BY RANGE (dos);
CREATE TABLE part_claims_2024 PARTITION OF part_claims FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- another column order in an attached partition
CREATE TABLE part_claims_2023 (units numeric, line text, dos date, id int);
ALTER TABLE part_claims ATTACH PARTITION part_claims_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
SELECT j7599.register('part_claims', line => 'line', service_date => 'dos', units => 'units');
SELECT lives_ok($$SELECT j7599.enforce('part_claims', on_refusal => 'quarantine')$$, 'partitioned: enforce in quarantine mode');
SELECT is(j7599._unrouted_partition('part_claims')::text, 'part_claims_j7599_unrouted',
          'partitioned: a DEFAULT partition part_claims_j7599_unrouted is created');
SELECT is((SELECT relowner FROM pg_class WHERE relname = 'part_claims_j7599_unrouted'),
          (SELECT relowner FROM pg_class WHERE relname = 'part_claims'), '... owned by the table''s owner');
SELECT has_trigger('part_claims_2023', 'j7599_quarantine_notice', '... every partition gets the statement trigger');
INSERT INTO part_claims VALUES (1, '2024-02-01', 'J7599', 1), (2, '2024-02-01', 'J7599', -1),
    (3, '2023-05-01', 'J7599', 0), (4, '2026-01-01', 'J7599', 1), (5, '2026-01-01', 'J7599', -1);
SELECT results_eq($$SELECT id FROM part_claims ORDER BY id$$, ARRAY[1], 'partitioned: only the valid routable row is stored');
SELECT is((SELECT count(*)::int FROM j7599.quarantine WHERE tbl = 'part_claims'::regclass), 4,
          '... the four others are quarantined under the partitioned table');
SELECT is((SELECT pg_temp.rules(findings) FROM j7599.quarantine WHERE tbl = 'part_claims'::regclass AND row_data ->> 'id' = '3'),
          'UNITS_INVALID', '... a refused row of a partition with another column order');
SELECT is((SELECT row_data FROM j7599.quarantine WHERE tbl = 'part_claims'::regclass AND row_data ->> 'id' = '3'),
          '{"id": 3, "dos": "2023-05-01", "line": "J7599", "units": 0}'::jsonb, '... its row_data by column name');
SELECT is((SELECT findings[1]::text FROM j7599.quarantine WHERE tbl = 'part_claims'::regclass AND row_data ->> 'id' = '4'),
          '(PARTITION_NOT_FOUND,error,row,"No partition of table part_claims takes this row: its partition key lies outside every partition''s bounds.","PostgreSQL partition bounds")',
          '... a row that fits no partition is quarantined with PARTITION_NOT_FOUND');
SELECT is((SELECT pg_temp.rules(findings) FROM j7599.quarantine WHERE tbl = 'part_claims'::regclass AND row_data ->> 'id' = '5'),
          'PARTITION_NOT_FOUND,UNITS_INVALID', '... a row that fits no partition and is refused has both findings');
SELECT is((SELECT count(*)::int FROM ONLY part_claims_j7599_unrouted), 0, '... the unrouted partition stays empty');
INSERT INTO part_claims_2024 VALUES (6, '2024-06-01', 'J7599', -5);
SELECT is((SELECT tbl::text FROM j7599.quarantine WHERE row_data ->> 'id' = '6'), 'part_claims',
          'a row inserted into a partition directly is quarantined under the partitioned table');
CREATE TABLE part_claims_2026 PARTITION OF part_claims FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
SELECT has_trigger('part_claims_2026', 'j7599_quarantine_notice', 'a partition created later gets the statement trigger');
UPDATE j7599.quarantine SET row_data = row_data || '{"units": 1}'
WHERE tbl = 'part_claims'::regclass AND row_data ->> 'id' IN ('2', '5');
SELECT results_eq($$SELECT released, still_refused FROM j7599.release('part_claims')$$, $$VALUES (3::bigint, 2::bigint)$$,
                  'partitioned: release routes the rows again (the new partition takes the 2026 rows)');
SELECT results_eq($$SELECT id FROM part_claims ORDER BY id$$, ARRAY[1, 2, 4, 5], '... they are stored');
SELECT lives_ok($$SELECT j7599.unenforce('part_claims')$$, 'partitioned: unenforce');
SELECT is(j7599._unrouted_partition('part_claims'), NULL, '... drops the empty unrouted partition');
SELECT is((SELECT count(*)::int FROM pg_class WHERE relname = 'part_claims_j7599_unrouted'), 0, '... it is gone');
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgname IN ('j7599_quarantine_notice', 'j7599_enforce', 'j7599_unrouted')
           AND tgrelid IN (SELECT relid FROM pg_partition_tree('part_claims'))), 0, '... with every trigger it had added');
-- an unrouted partition that holds rows (written with triggers off) is kept
SELECT j7599.enforce('part_claims', on_refusal => 'quarantine');
SET LOCAL session_replication_role = replica;
INSERT INTO part_claims VALUES (7, '2030-01-01', 'J7599', 1);
SET LOCAL session_replication_role = origin;
SELECT lives_ok($$SELECT j7599.unenforce('part_claims')$$, 'unenforce with rows in the unrouted partition');
SELECT is((SELECT count(*)::int FROM ONLY part_claims_j7599_unrouted), 1, '... keeps the partition and its row');
SELECT hasnt_trigger('part_claims_j7599_unrouted', 'j7599_unrouted', '... without its trigger');

-- a hash-partitioned table cannot have a DEFAULT partition
CREATE TABLE hash_claims (id int, line text, units numeric) PARTITION BY HASH (id);
CREATE TABLE hash_claims_0 PARTITION OF hash_claims FOR VALUES WITH (MODULUS 2, REMAINDER 0);
SELECT j7599.register('hash_claims', line => 'line', units => 'units');
SELECT lives_ok($$SELECT j7599.enforce('hash_claims', on_refusal => 'quarantine')$$, 'hash-partitioned: quarantine mode');
SELECT is(j7599._unrouted_partition('hash_claims'), NULL, '... without an unrouted partition');

-- ----------------------------------------------------------- inheritance

CREATE TABLE inh_claims (id int, line text, units numeric);
CREATE TABLE inh_child (extra text) INHERITS (inh_claims);
SELECT j7599.register('inh_claims', line => 'line', units => 'units');
SELECT j7599.enforce('inh_claims', on_refusal => 'quarantine');
SELECT is(pg_temp.enforce_trigger('inh_child'), 'BEFORE error line=line units=units on_refusal=quarantine',
          'inheritance: a child gets the quarantine-mode trigger');
CREATE TABLE inh_late () INHERITS (inh_claims);
SELECT is(pg_temp.enforce_trigger('inh_late'), 'BEFORE error line=line units=units on_refusal=quarantine',
          '... so does a child created later');
SELECT has_trigger('inh_late', 'j7599_quarantine_notice', '... with the statement trigger');
INSERT INTO inh_child VALUES (1, 'J7599', -1, 'x');
SELECT is((SELECT tbl::text FROM j7599.quarantine WHERE row_data ->> 'extra' = 'x'), 'inh_child',
          '... a row refused by a child is quarantined under the child');
SELECT j7599.unenforce('inh_claims');
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgname = 'j7599_quarantine_notice'
           AND tgrelid IN ('inh_claims'::regclass, 'inh_child'::regclass, 'inh_late'::regclass)), 0,
          'unenforce removes the statement triggers of the children');

-- ----------------------------------------------------------- subtransactions, drops

SAVEPOINT before_bad;
INSERT INTO b_claims VALUES (50, 'J7599', -50);
ROLLBACK TO SAVEPOINT before_bad;
SELECT is((SELECT count(*)::int FROM j7599.quarantine WHERE row_data ->> 'id' = '50'), 0,
          'a row quarantined in a subtransaction that is rolled back is gone with it');
DROP TABLE b_claims;
SELECT is((SELECT count(*)::int FROM j7599.quarantine WHERE refused_by = 'j7599_quar_owner_b'), 0,
          'the quarantined rows of a dropped table go with it');

SELECT * FROM finish();
ROLLBACK;
