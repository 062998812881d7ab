-- test/pgtap/security_enforce.sql: the refusal of an enforced table does not
-- show a role the values of columns it may not SELECT (as PostgreSQL's own
-- constraint errors leave them out).  A role with INSERT on the table and
-- SELECT on only some of its columns inserts rows whose diagnosis and
-- narrative hold distinctive strings: its error keeps the rule ids, the
-- severities and the fields, and none of those strings; the owner's error
-- still quotes them.
--
-- Runs in one transaction and rolls back: the tables and roles created below
-- never outlive it.
BEGIN;
SET LOCAL search_path = public, j7599;
SELECT plan(22);

-- how a statement ended: the SQLSTATE, message and detail of its error
\ir lib/attempt.sql

CREATE ROLE j7599_tap_secenf_writer NOLOGIN;

CREATE TABLE secenf_claims (
    id    int PRIMARY KEY,
    line  text,
    payer text,
    dos   date,
    units numeric,
    dx    text[],
    note  text
);
SELECT j7599.register('secenf_claims', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      dx => '{dx}', narrative => 'note');
SELECT j7599.enforce('secenf_claims');
GRANT INSERT ON secenf_claims TO j7599_tap_secenf_writer;
GRANT SELECT (id, line, payer, dos, units) ON secenf_claims TO j7599_tap_secenf_writer;

-- a malformed diagnosis and a narrative without drug or strength, both quoted
-- by their findings; units 0 is an error in a column the writer may read
CREATE FUNCTION pg_temp.bad_row() RETURNS text LANGUAGE sql AS $$
    SELECT $q$INSERT INTO secenf_claims VALUES (1, 'J7599-KX', 'medicare_bid', '2024-03-01', 0,
                                              '{QXSECRETDX7}', 'zzsecret narrative plain words')$q$
$$;
-- a narrative naming a drug that has its own code
CREATE FUNCTION pg_temp.drug_row() RETURNS text LANGUAGE sql AS $$
    SELECT $q$INSERT INTO secenf_claims VALUES (2, 'J7599-KX', 'medicare', '2024-03-01', 1,
                                              '{Z94.0}', 'Envarsus XR 4 mg daily')$q$
$$;

-- ------------------------------------------------------------ the owner

SELECT is(pg_temp.attempt(pg_temp.bad_row()) ->> 'state', '23514', 'owner: the bad row is refused');
SELECT ok(pg_temp.attempt(pg_temp.bad_row()) ->> 'detail' LIKE '%QXSECRETDX7%',
          'owner: the detail quotes the diagnosis');
SELECT ok(pg_temp.attempt(pg_temp.bad_row()) ->> 'detail' LIKE '%zzsecret narrative%',
          'owner: the detail quotes the narrative');
SELECT ok(pg_temp.attempt(pg_temp.drug_row()) ->> 'detail' ILIKE '%envarsus%',
          'owner: the detail names the drug the narrative names');

-- ------------------------------------------- a role with some columns only

SET LOCAL ROLE j7599_tap_secenf_writer;
SELECT is(pg_temp.attempt(pg_temp.bad_row()) ->> 'state', '23514', 'writer: the bad row is refused all the same');
SELECT is(pg_temp.attempt(pg_temp.bad_row()) ->> 'message',
          'row of table "secenf_claims" violates j7599 rules: UNITS_INVALID, DX_MALFORMED, DX_NOT_COVERED',
          'writer: the message names every rule, as for the owner');
SELECT ok(pg_temp.attempt(pg_temp.bad_row()) ->> 'detail' NOT LIKE '%QXSECRETDX7%',
          'writer: the detail does not quote the diagnosis it may not read');
SELECT ok(pg_temp.attempt(pg_temp.bad_row()) ->> 'detail' NOT ILIKE '%zzsecret%',
          'writer: the detail does not quote the narrative it may not read');
SELECT ok(pg_temp.attempt(pg_temp.bad_row()) ->> 'detail' LIKE '%error DX_MALFORMED (dx): message withheld%',
          'writer: the diagnosis finding keeps its severity, rule and field, its message withheld');
SELECT ok(pg_temp.attempt(pg_temp.bad_row()) ->> 'detail' LIKE '%warning NARRATIVE_INCOMPLETE (narrative): message withheld%',
          'writer: the narrative finding keeps its severity, rule and field, its message withheld');
SELECT ok(pg_temp.attempt(pg_temp.bad_row()) ->> 'detail' LIKE '%error UNITS_INVALID (units): units 0 are not valid%',
          'writer: a finding about a column it may read keeps its message');
SELECT is(pg_temp.attempt(pg_temp.drug_row()) ->> 'message',
          'row of table "secenf_claims" violates j7599 rules: SPECIFIC_CODE_EXISTS',
          'writer: a drug named in the narrative is refused by rule id');
SELECT ok(pg_temp.attempt(pg_temp.drug_row()) ->> 'detail' NOT ILIKE '%envarsus%',
          'writer: the line finding does not name the drug found in the narrative it may not read');
SELECT ok(pg_temp.attempt(pg_temp.drug_row()) ->> 'detail' NOT LIKE '%J7503%',
          'writer: nor the drug''s own codes');
RESET ROLE;

-- the payer hidden: the policy's "(via payer)" and the payer's name are withheld too
REVOKE SELECT (payer) ON secenf_claims FROM j7599_tap_secenf_writer;
SET LOCAL ROLE j7599_tap_secenf_writer;
SELECT ok(pg_temp.attempt($$INSERT INTO secenf_claims (id, line, payer, dos, units)
                            VALUES (3, 'J7599-KX', 'medicare', '2024-03-01', 1)$$) ->> 'detail'
          NOT ILIKE '%medicare%',
          'writer without the payer column: no finding names the payer or the policy it came from');
RESET ROLE;
SELECT ok(pg_temp.attempt($$INSERT INTO secenf_claims (id, line, payer, dos, units)
                            VALUES (3, 'J7599-KX', 'medicare', '2024-03-01', 1)$$) ->> 'detail'
          ILIKE '%medicare%',
          'owner: the same refusal names the payer''s policy');

-- SELECT on the whole table: every value is shown
GRANT SELECT ON secenf_claims TO j7599_tap_secenf_writer;
SET LOCAL ROLE j7599_tap_secenf_writer;
SELECT ok(pg_temp.attempt(pg_temp.bad_row()) ->> 'detail' LIKE '%QXSECRETDX7%',
          'writer with SELECT on the table: the detail quotes the diagnosis');
RESET ROLE;

-- row-level security: as for PostgreSQL's own errors, no value is shown
ALTER TABLE secenf_claims ENABLE ROW LEVEL SECURITY;
CREATE POLICY secenf_all ON secenf_claims USING (true) WITH CHECK (true);
SET LOCAL ROLE j7599_tap_secenf_writer;
SELECT ok(pg_temp.attempt(pg_temp.bad_row()) ->> 'detail' NOT LIKE '%QXSECRETDX7%',
          'writer under row-level security: the detail does not quote the diagnosis');
SELECT ok(pg_temp.attempt(pg_temp.bad_row()) ->> 'detail' NOT LIKE '%units 0%',
          'writer under row-level security: nor the units');
RESET ROLE;
ALTER TABLE secenf_claims DISABLE ROW LEVEL SECURITY;

-- a partition read through its parent: SELECT on the parent shows the
-- partition's rows, so the values are shown
CREATE TABLE secenf_part (id int, line text, units numeric, dx text[]) PARTITION BY RANGE (id);
CREATE TABLE secenf_part_1 PARTITION OF secenf_part FOR VALUES FROM (0) TO (100);
SELECT j7599.register('secenf_part', line => 'line', units => 'units', dx => '{dx}');
SELECT j7599.enforce('secenf_part');
GRANT INSERT, SELECT ON secenf_part TO j7599_tap_secenf_writer;
SET LOCAL ROLE j7599_tap_secenf_writer;
SELECT ok(pg_temp.attempt($$INSERT INTO secenf_part VALUES (1, 'J7507', 1, '{QXPARTDX}')$$) ->> 'detail'
          LIKE '%QXPARTDX%',
          'writer with SELECT on the parent: a partition''s refusal quotes the diagnosis');
RESET ROLE;
REVOKE SELECT ON secenf_part FROM j7599_tap_secenf_writer;
GRANT SELECT (id, line, units) ON secenf_part TO j7599_tap_secenf_writer;
SET LOCAL ROLE j7599_tap_secenf_writer;
SELECT ok(pg_temp.attempt($$INSERT INTO secenf_part VALUES (1, 'J7507', 1, '{QXPARTDX}')$$) ->> 'detail'
          NOT LIKE '%QXPARTDX%',
          'writer without the dx column of the parent: a partition''s refusal does not quote it');
SELECT ok(pg_temp.attempt($$INSERT INTO secenf_part VALUES (1, 'J7507', 0, '{QXPARTDX}')$$) ->> 'detail'
          LIKE '%units 0 are not valid%',
          '... but quotes the units it may read through the parent');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
