-- test/pgtap/claims_stmt.sql: the statement trigger of enforce_claims.
-- An INSERT's whole claims are checked from its new rows; every claim that
-- also has lines from elsewhere (stored before the statement, in another
-- run of the statement's rows, written by a command the statement's
-- triggers ran) must still be checked as it stands.  UPDATE and DELETE.
-- Inheritance children and partitions, present and future, are covered.
--
-- Runs in one transaction and rolls back.
BEGIN;
SET LOCAL search_path = public, j7599;
SELECT plan(38);

\ir lib/attempt.sql

CREATE TABLE cs (id serial PRIMARY KEY, claim_id int, line text, dos date, units numeric, ndc text, payer text);
CREATE INDEX ON cs (claim_id);
SELECT j7599.register('cs', line => 'line', service_date => 'dos', units => 'units', ndc => 'ndc', payer => 'payer',
                      claim_key => ARRAY['claim_id']);
-- lines stored before the claims are enforced: each claim alone is clean
INSERT INTO cs (claim_id, line, dos, units) VALUES
    (1, 'J7507-JZ', '2024-03-01', 1),
    (2, 'J7507', '2024-03-01', 60), (2, 'J7507-JW', '2024-03-01', 2),
    (3, 'J7507', '2024-03-01', 60), (3, 'J7507-JZ', '2024-03-01', 1),
    (4, 'J7507', '2024-03-01', 60);
SELECT j7599.enforce_claims('cs');
SELECT is((SELECT array_agg(DISTINCT p.proname::text) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE t.tgrelid = 'cs'::regclass AND t.tgname LIKE 'j7599_claims_%'),
          ARRAY['_claims_stmt_trigger'], 'the claim triggers run j7599._claims_stmt_trigger');

-- ------------------------------------------------ whole claims in one statement

SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units, payer) VALUES
              (10, 'J7507', '2024-03-01', 60, 'medicare'), (10, 'Q0511', '2024-03-01', 1, 'medicare'),
              (11, 'J7502', '2024-03-01', 4, 'medicare'), (11, 'Q0512', '2024-03-01', 1, 'medicare')$$) ->> 'state',
          '00000', 'whole clean claims pass');
SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units) VALUES
              (12, 'J7507', '2024-03-01', 60), (13, 'J7507-JW', '2024-03-01', 2), (14, 'J7502', '2024-03-01', 4)$$),
          jsonb_build_object('state', '23514', 'message', 'j7599: claim {"claim_id": 13} refused (WASTE_WITHOUT_ADMINISTERED)',
                             'detail', '{"claim_id": 13}: error WASTE_WITHOUT_ADMINISTERED: J7507-JW (2024-03-01, row {"id": 12}) bills a discarded amount (JW), but no line of the claim bills the administered amount of J7507 on that date without JW'),
          'a bad whole claim among clean ones: 23514, the message and detail of the exact check');
SELECT is((SELECT count(*)::int FROM cs WHERE claim_id IN (12, 13, 14)), 0, 'and none of the statement''s rows stay');
SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units, ndc) VALUES
              (15, 'J7507', '2024-03-01', 60, '00469-0617-71'), (15, 'J7507-JW', '2024-03-01', 2, '00469-0617-71'),
              (16, 'not a line', '2024-03-01', 1, NULL), (NULL, 'J7507-JW', '2024-03-01', 2, NULL)$$) ->> 'state',
          '00000', 'a malformed line and a line with no claim key are no lines of a claim, as in audit_claims');
SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units) SELECT 17, 'J7507', '2024-03-01', 60 WHERE false$$) ->> 'state',
          '00000', 'an INSERT of no rows passes');

-- rows read back from a transition table that spilled to disk
SET LOCAL work_mem = '64kB';
SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units, payer)
              SELECT 1000 + c, l.line, '2024-03-01', l.units, 'medicare'
              FROM generate_series(1, 5000) AS c,
                   (VALUES (1, 'J7507', 60), (2, 'Q0511', 1), (3, 'J7507-JW', 2), (4, 'J7502', 4)) AS l(n, line, units)
              ORDER BY c, l.n$$) ->> 'state',
          '00000', '20,000 lines in 5,000 whole claims, the new rows spilled to disk: pass');
SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units, payer)
              SELECT 10000 + c, CASE WHEN c = 4321 AND l.n = 1 THEN 'J7507-JZ' ELSE l.line END, '2024-03-01', l.units, 'medicare'
              FROM generate_series(1, 5000) AS c,
                   (VALUES (1, 'J7507', 60), (2, 'Q0511', 1), (3, 'J7507-JW', 2), (4, 'J7502', 4)) AS l(n, line, units)
              ORDER BY c, l.n$$) ->> 'message',
          'j7599: claim {"claim_id": 14321} refused (WASTE_MODIFIERS_MIXED)',
          'one bad claim among them: refused, named');
RESET work_mem;

-- ------------------------------------------------ claims with stored lines

SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units) VALUES
              (1, 'J7507', '2024-03-01', 60), (1, 'J7507-JW', '2024-03-01', 2)$$) ->> 'state',
          '23514', 'lines clean on their own, added to a claim whose stored JZ line they contradict: 23514');
SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units) VALUES
              (1, 'J7507', '2024-03-01', 60), (1, 'J7507-JW', '2024-03-01', 2)$$) ->> 'message',
          'j7599: claim {"claim_id": 1} refused (WASTE_MODIFIERS_MIXED)', 'the message names the stored claim');
SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units) VALUES (4, 'Q0511', '2024-03-01', 1)$$) ->> 'state',
          '00000', 'a supply fee alone, added to a claim whose stored line is its drug: passes');
SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units) VALUES
              (20, 'J7502', '2024-03-01', 4), (4, 'J7507-JZ', '2024-03-01', 1), (21, 'J7502', '2024-03-01', 4)$$) ->> 'state',
          '00000', 'a stored claim between new ones, clean: passes');

-- ------------------------------------------------ a claim in several runs of one statement

SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units) VALUES
              (30, 'J7507-JZ', '2024-03-01', 1), (31, 'J7502', '2024-03-01', 4),
              (30, 'J7507', '2024-03-01', 60), (30, 'J7507-JW', '2024-03-01', 2)$$) ->> 'state',
          '23514', 'a claim whose rows come in two runs, each clean, together JW and JZ: 23514');
SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units) VALUES
              (32, 'Q0511', '2024-03-01', 1), (33, 'J7502', '2024-03-01', 4), (32, 'J7507', '2024-03-01', 60)$$) ->> 'state',
          '00000', 'a claim whose first run alone is a supply fee without its drug, completed by a later run: passes');
SELECT is(pg_temp.attempt($$COPY cs (claim_id, line, dos, units) FROM PROGRAM 'printf "34,J7507-JZ,2024-03-01,1\n35,J7502,2024-03-01,4\n34,J7507,2024-03-01,60\n34,J7507-JW,2024-03-01,2\n"' WITH (FORMAT csv)$$) ->> 'state',
          '23514', 'the same through COPY: 23514');

-- ------------------------------------------------ lines written by the statement's own triggers

-- a BEFORE trigger that, before the first line of claim 40 is stored, writes
-- a JZ line of that claim with a command of its own: the statement's lines
-- alone are clean, the claim as it stands is not
CREATE FUNCTION pg_temp.cs_add_jz() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.claim_id = 40 AND NEW.line = 'J7507' THEN
        INSERT INTO cs (claim_id, line, dos, units) VALUES (40, 'J7507-JZ', '2024-03-01', 1);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER cs_add_jz BEFORE INSERT ON cs FOR EACH ROW EXECUTE FUNCTION pg_temp.cs_add_jz();
SELECT is(pg_temp.attempt($$INSERT INTO cs (claim_id, line, dos, units) VALUES (40, 'J7507', '2024-03-01', 60), (40, 'J7507-JW', '2024-03-01', 2)$$) ->> 'state',
          '23514', 'a line a trigger of the statement wrote with its own command counts: 23514');
DROP TRIGGER cs_add_jz ON cs;

-- ------------------------------------------------ UPDATE and DELETE

SELECT is(pg_temp.attempt($$UPDATE cs SET claim_id = 2 WHERE claim_id = 3 AND line = 'J7507-JZ'$$) ->> 'state',
          '23514', 'an UPDATE moving a JZ line into a claim with a JW line: 23514 (the claim it joins)');
SELECT is(pg_temp.attempt($$UPDATE cs SET claim_id = 3 WHERE claim_id = 2 AND line = 'J7507'$$) ->> 'state',
          '23514', 'an UPDATE moving the administered line out of a JW pair: 23514 (the claim it leaves)');
SELECT is(pg_temp.attempt($$UPDATE cs SET claim_id = 50 WHERE claim_id = 3$$) ->> 'state',
          '00000', 'an UPDATE moving a whole clean claim to a new key: passes');
SELECT is(pg_temp.attempt($$UPDATE cs SET units = 2 WHERE claim_id = 2 AND line = 'J7507-JW'$$) ->> 'state',
          '00000', 'an UPDATE inside a clean claim: passes');
SELECT is(pg_temp.attempt($$DELETE FROM cs WHERE claim_id = 2 AND line = 'J7507'$$) ->> 'state',
          '23514', 'a DELETE leaving a JW line alone: 23514');
SELECT is(pg_temp.attempt($$DELETE FROM cs WHERE claim_id = 2$$) ->> 'state', '00000', 'a DELETE of a whole claim: passes');

-- ------------------------------------------------ a claim key of two text columns

CREATE TABLE cs2 (payer text, claim_no text COLLATE "C", line j7599.hcpcs_line, dos date, units int);
CREATE INDEX ON cs2 (payer, claim_no);
SELECT j7599.register('cs2', line => 'line', service_date => 'dos', units => 'units', payer => 'payer',
                      claim_key => ARRAY['payer', 'claim_no']);
SELECT j7599.enforce_claims('cs2');
SELECT is(pg_temp.attempt($$INSERT INTO cs2 VALUES ('aetna', 'A1', 'J7507', '2024-03-01', 60), ('aetna', 'A1', 'J7507-JW', '2024-03-01', 2),
                                                  ('bcbs', 'A1', 'J7507-JZ', '2024-03-01', 1)$$) ->> 'state',
          '00000', 'two claims that share a claim number but not a payer are two claims');
INSERT INTO cs2 VALUES ('aetna', 'A1', 'J7507', '2024-03-01', 60), ('aetna', 'A1', 'J7507-JW', '2024-03-01', 2),
                       ('bcbs', 'A1', 'J7507-JZ', '2024-03-01', 1);
SELECT is(pg_temp.attempt($$INSERT INTO cs2 VALUES ('bcbs', 'A1', 'J7507', '2024-03-01', 60), ('bcbs', 'A1', 'J7507-JW', '2024-03-01', 2)$$) ->> 'message',
          'j7599: claim {"payer": "bcbs", "claim_no": "A1"} refused (WASTE_MODIFIERS_MIXED)',
          'lines added to a stored claim of a two-column key: refused, naming both columns');

-- ------------------------------------------------ inheritance children

CREATE TABLE ci (claim_id int, line text, dos date, units numeric);
CREATE INDEX ON ci (claim_id);
CREATE TABLE ci_old (note text) INHERITS (ci);
SELECT j7599.register('ci', line => 'line', service_date => 'dos', units => 'units', claim_key => ARRAY['claim_id']);
SELECT j7599.enforce_claims('ci');
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgrelid = 'ci_old'::regclass AND tgname LIKE 'j7599_claims_%'), 3,
          'enforce_claims gives an inheritance child that exists the three triggers');
SELECT is(pg_temp.attempt($$INSERT INTO ci_old (claim_id, line, dos, units) VALUES (1, 'J7507-JW', '2024-03-01', 2)$$) ->> 'state',
          '23514', 'a JW line alone inserted into the child: 23514');
CREATE TABLE ci_new () INHERITS (ci);
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgrelid = 'ci_new'::regclass AND tgname LIKE 'j7599_claims_%'), 3,
          'a child created later (CREATE TABLE ... INHERITS) gets them');
SELECT is(pg_temp.attempt($$INSERT INTO ci_new VALUES (2, 'Q0511', '2024-03-01', 1)$$) ->> 'state',
          '23514', 'a supply fee alone inserted into the later child: 23514');
INSERT INTO ci VALUES (3, 'J7507', '2024-03-01', 60);
SELECT is(pg_temp.attempt($$INSERT INTO ci_new VALUES (3, 'Q0511', '2024-03-01', 1)$$) ->> 'state',
          '00000', 'a supply fee inserted into the child, its drug stored in the parent: passes');
INSERT INTO ci_new VALUES (3, 'Q0511', '2024-03-01', 1);
SELECT is(pg_temp.attempt($$DELETE FROM ONLY ci WHERE claim_id = 3$$) ->> 'state',
          '23514', 'deleting the drug from the parent leaves the fee in the child alone: 23514');
CREATE TABLE ci_late (claim_id int, line text, dos date, units numeric);
ALTER TABLE ci_late INHERIT ci;
SELECT is(pg_temp.attempt($$INSERT INTO ci_late VALUES (4, 'J7507-JW', '2024-03-01', 2)$$) ->> 'state',
          '23514', 'a table that comes to inherit (ALTER TABLE ... INHERIT) is covered');
CREATE TABLE ci_grand () INHERITS (ci_new);
SELECT is(pg_temp.attempt($$INSERT INTO ci_grand VALUES (5, 'J7507-JW', '2024-03-01', 2)$$) ->> 'state',
          '23514', 'so is a grandchild');
SELECT j7599.enforce_claims('ci', 'warning');
SELECT is((SELECT count(*)::int FROM pg_trigger t WHERE tgname = 'j7599_claims_insert'
            AND tgrelid IN ('ci'::regclass, 'ci_old'::regclass, 'ci_new'::regclass, 'ci_late'::regclass, 'ci_grand'::regclass)
            AND convert_from(substring(t.tgargs FROM 1 FOR position('\x00'::bytea IN t.tgargs) - 1), 'UTF8') = 'warning'), 5,
          'enforcing again at another severity replaces the triggers of every descendant');
SELECT j7599.unenforce_claims('ci');
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgname LIKE 'j7599_claims_%'
            AND tgrelid IN ('ci'::regclass, 'ci_old'::regclass, 'ci_new'::regclass, 'ci_late'::regclass, 'ci_grand'::regclass)), 0,
          'unenforce_claims drops them from every descendant');
CREATE TABLE ci_after () INHERITS (ci);
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgrelid = 'ci_after'::regclass AND tgname LIKE 'j7599_claims_%'), 0,
          'a child created after unenforce_claims gets none');

-- ------------------------------------------------ partitions created later

CREATE TABLE cp (claim_id int, line text, dos date, units numeric) PARTITION BY RANGE (dos);
CREATE TABLE cp_2024 PARTITION OF cp FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX ON cp (claim_id);
SELECT j7599.register('cp', line => 'line', service_date => 'dos', units => 'units', claim_key => ARRAY['claim_id']);
SELECT j7599.enforce_claims('cp');
CREATE TABLE cp_2025 PARTITION OF cp FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
SELECT is(pg_temp.attempt($$INSERT INTO cp_2025 VALUES (1, 'J7507-JW', '2025-03-01', 2)$$) ->> 'state',
          '23514', 'a partition created later (PARTITION OF): a JW line alone inserted into it directly: 23514');
CREATE TABLE cp_2026 (claim_id int, line text, dos date, units numeric);
ALTER TABLE cp ATTACH PARTITION cp_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
SELECT is(pg_temp.attempt($$INSERT INTO cp_2026 VALUES (2, 'J7507-JW', '2026-03-01', 2)$$) ->> 'state',
          '23514', 'a table attached later (ATTACH PARTITION): 23514');
SELECT is(pg_temp.attempt($$INSERT INTO cp VALUES (3, 'J7507', '2024-12-31', 60), (3, 'Q0511', '2026-01-02', 1)$$) ->> 'state',
          '00000', 'a claim spread over the old and the attached partition, through the parent: passes');

SELECT * FROM finish();
ROLLBACK;
