-- test/pgtap/validate_cache.sql: the validation cache follows changes to the
-- reference tables, made in this session (seen by the next statement, and
-- forgotten again on rollback) or committed by another session (through
-- dblink to this same server).
--
-- The local changes are rolled back at the end.  The other session's changes
-- only add and then remove rows of its own (a payer and its policy), so the
-- database ends as it began.

BEGIN;
SELECT plan(25);
\ir lib/test_functions.sql

CREATE EXTENSION IF NOT EXISTS dblink;

CREATE FUNCTION pg_temp.rules(line text, payer text, narrative text DEFAULT 'voclosporin 7.9 mg',
                              pos text DEFAULT '12', service_date date DEFAULT '2024-03-01')
RETURNS text[] LANGUAGE sql AS $$
    SELECT coalesce(array_agg(f.rule ORDER BY f.rule), '{}')
      FROM j7599.validate(line => line, payer => payer, service_date => service_date, units => 1,
                          pos => pos, dx => '{Z94.0}', narrative => narrative, days_supply => 30) AS f
$$;

-- ------------------------------------------------------------ this session

SELECT ok(pg_temp.rules('J7599', 'uhc') IS NOT NULL, 'the cache is loaded');
CREATE TEMP TABLE loads AS SELECT pg_temp.cache_loads() AS n;
SELECT ok(pg_temp.rules('J7599', 'aetna') IS NOT NULL, 'validate again');
SELECT ok(pg_temp.rules('J7599', 'bcbs') IS NOT NULL, 'and again');
SELECT is(pg_temp.cache_loads(), (SELECT n FROM loads), 'statements without a change do not reload the cache');

SELECT ok('NDC_MISSING' = ANY (pg_temp.rules('J7599', 'uhc')), 'UnitedHealthcare requires an NDC');
UPDATE j7599.policy SET requires_ndc = false WHERE policy_id = 'uhc-j7599';
SELECT ok(NOT 'NDC_MISSING' = ANY (pg_temp.rules('J7599', 'uhc')),
          'an UPDATE of a policy is seen by the next statement');
SELECT is(pg_temp.cache_loads(), (SELECT n + 1 FROM loads), 'one change, one reload');

SELECT ok('PAYER_UNKNOWN' = ANY (pg_temp.rules('J7599', 'Cache Test Alias')), 'an unknown name');
INSERT INTO j7599.payer_alias (alias, payer_id, source) VALUES ('Cache Test Alias', 'aetna', 'pgTAP');
SELECT ok(NOT 'PAYER_UNKNOWN' = ANY (pg_temp.rules('J7599', 'cache-test ALIAS')),
          'an INSERT of an alias is seen by the next statement');

SAVEPOINT before_delete;
DELETE FROM j7599.payer_alias WHERE alias = 'Cache Test Alias';
SELECT ok('PAYER_UNKNOWN' = ANY (pg_temp.rules('J7599', 'Cache Test Alias')), 'a DELETE is seen by the next statement');
ROLLBACK TO SAVEPOINT before_delete;
SELECT ok(NOT 'PAYER_UNKNOWN' = ANY (pg_temp.rules('J7599', 'Cache Test Alias')),
          'ROLLBACK TO SAVEPOINT brings the alias back into the cache');

SELECT ok('SPECIFIC_CODE_EXISTS' = ANY (pg_temp.rules('J7599', 'medicare', 'tacrolimus 1 mg')), 'tacrolimus has its own codes');
SAVEPOINT before_truncate;
TRUNCATE j7599.drug_code;
SELECT ok(NOT 'SPECIFIC_CODE_EXISTS' = ANY (pg_temp.rules('J7599', 'medicare', 'tacrolimus 1 mg')),
          'a TRUNCATE is seen by the next statement');
ROLLBACK TO SAVEPOINT before_truncate;
SELECT ok('SPECIFIC_CODE_EXISTS' = ANY (pg_temp.rules('J7599', 'medicare', 'tacrolimus 1 mg')),
          'and its rollback too');

UPDATE j7599.hcpcs_code SET valid = '[2030-01-01,)' WHERE code = 'J7507';
SELECT ok('CODE_NOT_EFFECTIVE' = ANY (pg_temp.rules('J7507', 'medicare')), 'a code''s new validity dates are seen');
UPDATE j7599.place_of_service SET valid = '[2025-01-01,)' WHERE code = '12';
SELECT ok('POS_UNKNOWN' = ANY (pg_temp.rules('J7599', 'medicare')), 'a place of service''s new validity dates are seen');
UPDATE j7599.modifier SET drug_line = 'procedure_only' WHERE modifier = 'KX';
SELECT ok('MODIFIER_NOT_FOR_DRUG' = ANY (pg_temp.rules('J7599-KX', 'medicare')), 'a modifier change is seen');
INSERT INTO j7599.modifier_conflict (modifier_a, modifier_b, reason, source, confidence)
VALUES ('JZ', 'KX', 'pgTAP test pair', 'pgTAP', 'assumed');
SELECT ok('MODIFIER_CONFLICT' = ANY (pg_temp.rules('J7599-KX-JZ', 'medicare')), 'a new conflict pair is seen');

DO $$
BEGIN
    -- inside one statement: a change, then validation in the next command
    UPDATE j7599.policy SET supply_days_max = 10 WHERE policy_id = 'medicare-j7599-30day';
    IF NOT EXISTS (SELECT FROM j7599.validate('J7599-KX', 'medicare', '2024-03-01', days_supply => 30,
                                              transplant_date => '2020-01-01')
                    WHERE rule = 'SUPPLY_DAYS_EXCEEDED') THEN
        RAISE EXCEPTION 'change not seen inside the DO block';
    END IF;
END
$$;
SELECT pass('a change is seen by the next command of the same function');

-- --------------------------------------------------------- another session

SELECT dblink_connect('other',
    format('host=%s port=%s dbname=%s user=%s',
           split_part(current_setting('unix_socket_directories'), ',', 1),
           current_setting('port'), current_database(), current_user));

SELECT ok('PAYER_UNKNOWN' = ANY (pg_temp.rules('J7599', 'Cache-Remote')), 'before: an unknown payer');

SELECT dblink_exec('other', $$
    INSERT INTO j7599.payer (payer_id, name, is_group, parent_id, source)
    VALUES ('cache_remote', 'Cache Remote Plan', false, 'default', 'pgTAP, other session')$$);
SELECT dblink_exec('other', $$
    INSERT INTO j7599.policy (policy_id, payer_id, code, valid, pos_allowed, source, confidence)
    VALUES ('cache-remote-j7599', 'cache_remote', 'J7599', '(,)', '{01}', 'pgTAP, other session', 'assumed')$$);

SELECT ok(NOT 'PAYER_UNKNOWN' = ANY (pg_temp.rules('J7599', 'Cache-Remote')),
          'a payer committed by another session is seen by the next statement');
SELECT ok('POS_NOT_ALLOWED' = ANY (pg_temp.rules('J7599', 'cache_remote')),
          'and so is its policy');

SELECT dblink_exec('other', $$UPDATE j7599.policy SET pos_allowed = '{01,12}' WHERE policy_id = 'cache-remote-j7599'$$);
SELECT ok(NOT 'POS_NOT_ALLOWED' = ANY (pg_temp.rules('J7599', 'cache_remote')),
          'an UPDATE committed by another session is seen');

-- undo, the same way
SELECT dblink_exec('other', $$DELETE FROM j7599.policy WHERE policy_id = 'cache-remote-j7599'$$);
SELECT dblink_exec('other', $$DELETE FROM j7599.payer WHERE payer_id = 'cache_remote'$$);
SELECT ok('PAYER_UNKNOWN' = ANY (pg_temp.rules('J7599', 'Cache-Remote')),
          'a DELETE committed by another session is seen');
SELECT dblink_disconnect('other');

SELECT is((SELECT count(*)::int FROM j7599.payer WHERE payer_id = 'cache_remote'), 0,
          'the other session left nothing behind');

SELECT * FROM finish();
ROLLBACK;
