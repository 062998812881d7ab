-- test/pgtap/audit_history.sql: j7599.audit_run, j7599.audit_history and
-- j7599.audit_compare.  Two runs around a cleanup and what audit_compare
-- says of them; a clean table's run keeps rows_checked; rules found in one
-- run only; the name kept after a rename and a drop; privileges (who may
-- record, read, delete, change).  Dump and restore of the history are in
-- test/shell/enforce_dump.sh and test/shell/dump_nonsuper.sh.
--
-- Runs in one transaction and rolls back.
BEGIN;
SELECT plan(37);

-- ---- signatures and attributes --------------------------------------------------
SELECT has_function('j7599', 'audit_run', ARRAY['regclass', 'text'], 'audit_run(regclass, text) exists');
SELECT has_function('j7599', 'audit_compare', ARRAY['bigint', 'bigint'], 'audit_compare(bigint, bigint) exists');
SELECT is(pg_get_function_result('j7599.audit_run(regclass, text)'::regprocedure), 'bigint', 'audit_run returns the run id');
SELECT is(pg_get_function_result('j7599.audit_compare(bigint, bigint)'::regprocedure),
          'TABLE(rule text, severity text, before bigint, after bigint, delta bigint)',
          'audit_compare returns (rule, severity, before, after, delta)');
SELECT is((SELECT string_agg(proname || ' ' || provolatile::text || ' ' || array_to_string(proconfig, ','), '; ' ORDER BY proname)
             FROM pg_proc WHERE oid IN ('j7599.audit_run(regclass, text)'::regprocedure,
                                        'j7599.audit_compare(bigint, bigint)'::regprocedure)),
          'audit_compare s search_path=pg_catalog, pg_temp; audit_run v search_path=pg_catalog, pg_temp',
          'audit_run is VOLATILE, audit_compare STABLE, both with a pinned search_path');
SELECT is(ARRAY(SELECT attname::text || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute
                 WHERE attrelid = 'j7599.audit_history'::regclass AND attnum BETWEEN 1 AND 10 ORDER BY attnum),
          ARRAY['run_id bigint', 'tbl regclass', 'table_name text', 'started_at timestamp with time zone',
                'finished_at timestamp with time zone', 'rows_checked bigint', 'rule text', 'severity text',
                'rows_violated bigint', 'note text'],
          'audit_history has the columns of the spec, in order');
SELECT is((SELECT array_agg(c::regclass::text ORDER BY c::regclass::text) FROM pg_extension e, unnest(e.extconfig) c
            WHERE e.extname = 'j7599' AND c::regclass::text LIKE 'j7599.audit%'),
          ARRAY['j7599.audit_history', 'j7599.audit_run_id_seq'],
          'the history and its sequence are dumped with the user''s data (pg_extension_config_dump)');

-- ---- a table, two runs around a cleanup --------------------------------------------------
CREATE TABLE ah_claims (id int PRIMARY KEY, line text, units numeric);
SELECT j7599.register('ah_claims', line => 'line', units => 'units');
INSERT INTO ah_claims VALUES (1, 'J7507', 1), (2, 'J7507-JW-JZ', 0), (3, 'J75', 1), (4, 'J7507', 0),
                             (5, 'J7507', 0), (6, 'J7507-JW-JZ', 1), (7, 'J7507', 2);
CREATE TEMP TABLE ah_runs (name text PRIMARY KEY, run_id bigint);
GRANT ALL ON ah_runs TO PUBLIC;
INSERT INTO ah_runs SELECT 'before', j7599.audit_run('ah_claims', 'before the cleanup');
SELECT results_eq($$SELECT rule, severity, rows_violated, rows_checked, note FROM j7599.audit_history
                     WHERE run_id = (SELECT run_id FROM ah_runs WHERE name = 'before') ORDER BY rule$$,
                  $$VALUES ('LINE_MALFORMED', 'error', 1::bigint, 7::bigint, 'before the cleanup'),
                           ('MODIFIER_CONFLICT', 'error', 2::bigint, 7::bigint, 'before the cleanup'),
                           ('UNITS_INVALID', 'error', 3::bigint, 7::bigint, 'before the cleanup')$$,
                  'a run keeps one row per rule of audit_summary, with rows_checked and the note');
SELECT results_eq($$SELECT rule, severity, rows_violated, rows_checked FROM j7599.audit_history
                     WHERE run_id = (SELECT run_id FROM ah_runs WHERE name = 'before') ORDER BY rule$$,
                  $$SELECT rule, severity, rows_violated, rows_checked FROM j7599.audit_summary('ah_claims') ORDER BY rule$$,
                  'the kept counts are those of audit_summary');
SELECT is((SELECT count(DISTINCT (tbl, table_name, started_at, finished_at, run_by)) FROM j7599.audit_history
            WHERE run_id = (SELECT run_id FROM ah_runs WHERE name = 'before')), 1::bigint,
          'the rows of one run share the table, its name, the times and the role');
SELECT ok((SELECT bool_and(started_at <= finished_at AND table_name = 'public.ah_claims' AND run_by = current_user)
             FROM j7599.audit_history WHERE run_id = (SELECT run_id FROM ah_runs WHERE name = 'before')),
          'started_at <= finished_at; table_name is qualified; run_by is the caller');

-- the cleanup: units fixed (audit_compare lists errors first, then by the larger count), the malformed line fixed; a new problem appears
UPDATE ah_claims SET units = 1 WHERE units = 0;
UPDATE ah_claims SET line = 'J7507' WHERE id = 3;
UPDATE ah_claims SET line = 'J7507-JW-JZ' WHERE id = 7;
INSERT INTO ah_runs SELECT 'after', j7599.audit_run('ah_claims', 'after the cleanup');
SELECT ok((SELECT run_id FROM ah_runs WHERE name = 'after') > (SELECT run_id FROM ah_runs WHERE name = 'before'),
          'run ids grow');
SELECT results_eq($$SELECT * FROM j7599.audit_compare((SELECT run_id FROM ah_runs WHERE name = 'before'),
                                                      (SELECT run_id FROM ah_runs WHERE name = 'after'))$$,
                  $$VALUES ('MODIFIER_CONFLICT', 'error', 2::bigint, 3::bigint, 1::bigint),
                           ('UNITS_INVALID', 'error', 3::bigint, 0::bigint, -3::bigint),
                           ('LINE_MALFORMED', 'error', 1::bigint, 0::bigint, -1::bigint)$$,
                  'audit_compare shows the drop per rule (before, after, delta); rules gone in the second run count 0');
SELECT results_eq($$SELECT rule, before, after, delta FROM j7599.audit_compare(
                        (SELECT run_id FROM ah_runs WHERE name = 'after'),
                        (SELECT run_id FROM ah_runs WHERE name = 'before')) WHERE before = 0$$,
                  $$VALUES ('UNITS_INVALID', 0::bigint, 3::bigint, 3::bigint), ('LINE_MALFORMED', 0::bigint, 1::bigint, 1::bigint)$$,
                  'a rule found only in the second run counts 0 in the first');
SELECT throws_ok($$SELECT * FROM j7599.audit_compare((SELECT run_id FROM ah_runs WHERE name = 'before'), -1)$$,
                 '22023', 'audit run -1 does not exist', 'an unknown run is refused (22023)');
SELECT is((SELECT count(*) FROM j7599.audit_compare(NULL, 1)), 0::bigint, 'audit_compare is STRICT');

-- ---- a clean table, an empty table ---------------------------------------------------------
UPDATE ah_claims SET line = 'J7507' WHERE line <> 'J7507';
INSERT INTO ah_runs SELECT 'clean', j7599.audit_run('ah_claims');
SELECT results_eq($$SELECT rows_checked, rule, severity, rows_violated, note FROM j7599.audit_history
                     WHERE run_id = (SELECT run_id FROM ah_runs WHERE name = 'clean')$$,
                  $$VALUES (7::bigint, NULL::text, NULL::text, NULL::bigint, NULL::text)$$,
                  'a run that finds nothing keeps one row with its rows_checked and rule NULL');
SELECT results_eq($$SELECT rule, before, after, delta FROM j7599.audit_compare(
                        (SELECT run_id FROM ah_runs WHERE name = 'after'),
                        (SELECT run_id FROM ah_runs WHERE name = 'clean'))$$,
                  $$VALUES ('MODIFIER_CONFLICT', 3::bigint, 0::bigint, -3::bigint)$$,
                  'compared with a clean run, every rule goes to 0');
TRUNCATE ah_claims;
INSERT INTO ah_runs SELECT 'empty', j7599.audit_run('ah_claims', 'empty');
SELECT results_eq($$SELECT rows_checked, rule FROM j7599.audit_history
                     WHERE run_id = (SELECT run_id FROM ah_runs WHERE name = 'empty')$$,
                  $$VALUES (0::bigint, NULL::text)$$, 'an empty table''s run keeps rows_checked 0');
SELECT throws_ok($$SELECT j7599.audit_run('pg_class')$$, NULL, NULL, 'an unregistered table cannot be audited');
SELECT throws_ok($$SELECT j7599.audit_run(NULL)$$, '22004', NULL, 'audit_run needs a table');

-- ---- names after a rename and a drop ---------------------------------------------------------
ALTER TABLE ah_claims RENAME TO ah_claims_renamed;
SELECT results_eq($$SELECT DISTINCT tbl::text, table_name FROM j7599.audit_history
                     WHERE run_id = (SELECT run_id FROM ah_runs WHERE name = 'before')$$,
                  $$VALUES ('ah_claims_renamed', 'public.ah_claims')$$,
                  'after a rename tbl follows the table, table_name keeps the name it had');
DROP TABLE ah_claims_renamed;
SELECT results_eq($$SELECT count(*), count(tbl), min(table_name) FROM j7599.audit_history
                     WHERE run_id IN (SELECT run_id FROM ah_runs)$$,
                  $$VALUES (6::bigint, 0::bigint, 'public.ah_claims')$$,
                  'after a drop the history stays, readable by its name; tbl is NULL');

-- ---- privileges -------------------------------------------------------------------------------
CREATE ROLE j7599_ah_owner NOLOGIN;
CREATE ROLE j7599_ah_reader NOLOGIN;
CREATE ROLE j7599_ah_other NOLOGIN;
CREATE TABLE ah_owned (id int PRIMARY KEY, line text, units numeric);
INSERT INTO ah_owned VALUES (1, 'J7507', 0), (2, 'J7507', 1);
ALTER TABLE ah_owned OWNER TO j7599_ah_owner;
GRANT SELECT ON ah_owned TO j7599_ah_reader;
SET LOCAL ROLE j7599_ah_owner;
SELECT j7599.register('ah_owned', line => 'line', units => 'units');
INSERT INTO ah_runs SELECT 'owner', j7599.audit_run('ah_owned', 'by the owner');
RESET ROLE;

SET LOCAL ROLE j7599_ah_reader;
SELECT lives_ok($$INSERT INTO ah_runs SELECT 'reader', j7599.audit_run('ah_owned', 'by a reader')$$,
                'a role that may read the table records a run');
SELECT is((SELECT DISTINCT run_by::text FROM j7599.audit_history WHERE run_id = (SELECT run_id FROM ah_runs WHERE name = 'reader')),
          'j7599_ah_reader', 'the run is stamped with the role that recorded it');
SELECT throws_ok($$DELETE FROM j7599.audit_history WHERE tbl = 'ah_owned'::regclass$$, '42501', NULL,
                 'a reader cannot delete the history of a table it does not own (42501)');
RESET ROLE;

SET LOCAL ROLE j7599_ah_other;
SELECT ok((SELECT count(*) FROM j7599.audit_history WHERE table_name = 'public.ah_owned') > 0,
          'everyone may read the history');
SELECT throws_ok($$SELECT j7599.audit_run('ah_owned')$$, '42501', NULL,
                 'a role that may not read the table cannot record a run (42501)');
SELECT throws_ok($$INSERT INTO j7599.audit_history (run_id, tbl, table_name, started_at, finished_at, rows_checked)
                   VALUES (999, 'ah_owned', 'public.ah_owned', now(), now(), 0)$$, '42501', NULL,
                 'nor insert a made-up run directly (42501)');
SELECT throws_ok($$DELETE FROM j7599.audit_history WHERE tbl = 'ah_owned'::regclass$$, '42501', NULL,
                 'another role cannot delete the owner''s rows (42501)');
SELECT throws_ok($$DELETE FROM j7599.audit_history WHERE run_id IN (SELECT run_id FROM ah_runs WHERE name = 'before')$$,
                 '42501', NULL, 'nor the history of a dropped table that it did not record (42501)');
SELECT throws_ok($$UPDATE j7599.audit_history SET rows_violated = 0$$, '42501', NULL,
                 'nor change a row (42501)');
RESET ROLE;

SET LOCAL ROLE j7599_ah_owner;
SELECT throws_ok($$UPDATE j7599.audit_history SET note = 'changed' WHERE tbl = 'ah_owned'::regclass$$, '42501', NULL,
                 'the owner cannot change a row either (42501)');
SELECT lives_ok($$DELETE FROM j7599.audit_history WHERE tbl = 'ah_owned'::regclass$$,
                'the owner deletes the history of its table');
RESET ROLE;
SELECT is((SELECT count(*) FROM j7599.audit_history WHERE table_name = 'public.ah_owned'), 0::bigint,
          'every run of the owner''s table is gone, the reader''s too');
SELECT lives_ok($$DELETE FROM j7599.audit_history WHERE run_id IN (SELECT run_id FROM ah_runs WHERE name = 'before')$$,
                'a superuser deletes any history');
SELECT is((SELECT count(*) FROM j7599.audit_history WHERE run_id = (SELECT run_id FROM ah_runs WHERE name = 'before')),
          0::bigint, 'the superuser''s delete happened');

DROP TABLE ah_owned;
SELECT * FROM finish();
ROLLBACK;
