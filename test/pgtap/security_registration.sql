-- test/pgtap/security_registration.sql: who may write j7599.registration.
-- Only the owner of a table (a member of the owning role, a superuser) may
-- record, change or remove its registration, through register/unregister or
-- by writing the table directly; registered_by and registered_at cannot be
-- forged; a registration goes with its table (DROP TABLE, DROP SCHEMA ...
-- CASCADE, DROP OWNED); unregister refuses an enforced table.
--
-- Runs in one transaction and rolls back: the tables, roles and rows created
-- below never outlive it.
BEGIN;
SET LOCAL search_path = public, j7599;
SELECT plan(46);

-- Runs a statement in a subtransaction that is always undone and returns
-- its SQLSTATE ('00000' when it succeeded).
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
GRANT EXECUTE ON FUNCTION pg_temp.state(text) TO PUBLIC;

-- the whole registration row of a table, as text (NULL when there is none)
CREATE FUNCTION pg_temp.reg(tbl regclass) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT r::text FROM j7599.registration AS r WHERE r.tbl = $1
$$;
GRANT EXECUTE ON FUNCTION pg_temp.reg(regclass) TO PUBLIC;

CREATE ROLE j7599_tap_reg_owner NOLOGIN;
CREATE ROLE j7599_tap_reg_member NOLOGIN IN ROLE j7599_tap_reg_owner;
CREATE ROLE j7599_tap_reg_reader NOLOGIN;
GRANT USAGE, CREATE ON SCHEMA public TO j7599_tap_reg_owner;

CREATE TABLE reg_claims (id int PRIMARY KEY, line text, units numeric, other numeric);
CREATE TABLE reg_spare (id int PRIMARY KEY, line text, units numeric);
ALTER TABLE reg_claims OWNER TO j7599_tap_reg_owner;
ALTER TABLE reg_spare OWNER TO j7599_tap_reg_owner;
GRANT SELECT ON reg_claims, reg_spare TO j7599_tap_reg_reader;

-- ------------------------------------------------------- the owner's side

SET LOCAL ROLE j7599_tap_reg_owner;
SELECT lives_ok($$SELECT j7599.register('reg_claims', line => 'line', units => 'units')$$,
                'the owner registers its table');
SELECT lives_ok($$SELECT j7599.enforce('reg_claims')$$, 'the owner enforces it');
RESET ROLE;
SELECT is((SELECT registered_by::text FROM j7599.registration WHERE tbl = 'reg_claims'::regclass),
          'j7599_tap_reg_owner', 'registered_by is the role that registered');
CREATE TEMP TABLE before_attack AS SELECT pg_temp.reg('reg_claims') AS reg_claims, pg_temp.reg('reg_spare') AS reg_spare;
GRANT SELECT ON before_attack TO PUBLIC;

-- ------------------------------------- a reader with only SELECT on the table

SET LOCAL ROLE j7599_tap_reg_reader;
SELECT is((SELECT count(*)::int FROM j7599.registration WHERE tbl = 'reg_claims'::regclass), 1,
          'reader: every role may read the registrations');
SELECT is(pg_temp.state($$UPDATE j7599.registration SET units = 'other' WHERE tbl = 'reg_claims'::regclass$$),
          '42501', 'reader: a direct UPDATE of the registration of an enforced table is 42501');
SELECT is(pg_temp.state($$UPDATE j7599.registration SET units = NULL, registered_by = 'j7599_tap_reg_owner'
                           WHERE tbl = 'reg_claims'::regclass$$),
          '42501', 'reader: a direct UPDATE that forges registered_by is 42501');
SELECT is(pg_temp.state($$DELETE FROM j7599.registration WHERE tbl = 'reg_claims'::regclass$$),
          '42501', 'reader: a direct DELETE of the registration is 42501');
SELECT is(pg_temp.state($$INSERT INTO j7599.registration (tbl, line, units) VALUES ('reg_spare', 'line', 'units')$$),
          '42501', 'reader: a direct INSERT of a registration of a table it can read is 42501');
SELECT is(pg_temp.state($$INSERT INTO j7599.registration (tbl, line, registered_by)
                          VALUES ('reg_spare', 'line', 'j7599_tap_reg_owner')$$),
          '42501', 'reader: a direct INSERT of a registration in the owner''s name is 42501');
SELECT is(pg_temp.state($$INSERT INTO j7599.registration (tbl, line) VALUES ('reg_claims', 'other')
                          ON CONFLICT (tbl) DO UPDATE SET units = 'other'$$),
          '42501', 'reader: an INSERT ... ON CONFLICT DO UPDATE over the registration is 42501');
SELECT is(pg_temp.state($$SELECT j7599.register('reg_claims', line => 'line', units => 'other')$$),
          '42501', 'reader: register of an enforced table it does not own is 42501');
SELECT is(pg_temp.state($$SELECT j7599.register('reg_spare', line => 'line')$$),
          '42501', 'reader: register of an unenforced table it can read but does not own is 42501');
SELECT is(pg_temp.state($$SELECT j7599.unregister('reg_claims')$$),
          '42501', 'reader: unregister of a table it does not own is 42501');
SELECT is(pg_temp.state($$SELECT j7599.unregister('reg_spare')$$),
          '42501', 'reader: unregister of an unregistered table it does not own is 42501');
SELECT is(pg_temp.reg('reg_claims'), (SELECT reg_claims FROM before_attack),
          'reader: after every attempt the registration of the enforced table is as it was');
SELECT is(pg_temp.reg('reg_spare'), NULL, 'reader: and the other table is still unregistered');
RESET ROLE;

-- the enforcing trigger, reinstalled by the owner, still uses the owner's mapping
SET LOCAL ROLE j7599_tap_reg_owner;
SELECT lives_ok($$SELECT j7599.enforce('reg_claims')$$, 'the owner enforces again');
SELECT is(pg_temp.state($$INSERT INTO reg_claims VALUES (1, 'J7507', 0, 1)$$), '23514',
          'the reinstalled trigger still reads units from the column the owner registered');
RESET ROLE;

-- a role with every privilege on the table but not its owner
GRANT ALL ON reg_spare TO j7599_tap_reg_reader;
SET LOCAL ROLE j7599_tap_reg_reader;
SELECT is(pg_temp.state($$SELECT j7599.register('reg_spare', line => 'line')$$), '42501',
          'register: every privilege on the table is not ownership (42501)');
RESET ROLE;
REVOKE ALL ON reg_spare FROM j7599_tap_reg_reader;
GRANT SELECT ON reg_spare TO j7599_tap_reg_reader;

-- ------------------------------------------- stamps cannot be forged

SET LOCAL ROLE j7599_tap_reg_owner;
SELECT lives_ok($$UPDATE j7599.registration SET registered_by = 'j7599_tap_reg_reader',
                                              registered_at = '2001-01-01'
                   WHERE tbl = 'reg_claims'::regclass$$,
                'owner: a direct UPDATE of its own registration is allowed ...');
SELECT is((SELECT registered_by::text FROM j7599.registration WHERE tbl = 'reg_claims'::regclass),
          'j7599_tap_reg_owner', '... but registered_by set to another role does not stick');
SELECT is((SELECT registered_at FROM j7599.registration WHERE tbl = 'reg_claims'::regclass), now(),
          '... nor does a registered_at in the past');
SELECT lives_ok($$INSERT INTO j7599.registration (tbl, line, registered_by, registered_at)
                  VALUES ('reg_spare', 'line', 'j7599_tap_reg_reader', '2001-01-01')$$,
                'owner: a direct INSERT of a registration of its table is allowed ...');
SELECT is((SELECT registered_by::text || ' ' || (registered_at = now())
             FROM j7599.registration WHERE tbl = 'reg_spare'::regclass),
          'j7599_tap_reg_owner true', '... stamped with the role that wrote it and the time');
SELECT is(pg_temp.state($$UPDATE j7599.registration SET tbl = 'pg_catalog.pg_class'::regclass
                           WHERE tbl = 'reg_spare'::regclass$$), '42501',
          'owner: moving a registration onto a table it does not own is 42501');
SELECT lives_ok($$DELETE FROM j7599.registration WHERE tbl = 'reg_spare'::regclass$$,
                'owner: a direct DELETE of its own registration is allowed');
SELECT is(pg_temp.reg('reg_spare'), NULL, '... and removes it');
RESET ROLE;

-- ------------------------------------------ a member of the owning role

SET LOCAL ROLE j7599_tap_reg_member;
SELECT lives_ok($$SELECT j7599.register('reg_spare', line => 'line', units => 'units')$$,
                'member: a member of the owning role may register');
SELECT is((SELECT registered_by::text FROM j7599.registration WHERE tbl = 'reg_spare'::regclass),
          'j7599_tap_reg_member', 'member: registered_by names the member');
RESET ROLE;

-- ------------------------------------------------------------ unregister

SELECT has_function('j7599', 'unregister', ARRAY['regclass'], 'unregister(regclass) exists');
SELECT is(pg_get_function_result('j7599.unregister(regclass)'::regprocedure), 'void', 'unregister returns void');
SET LOCAL ROLE j7599_tap_reg_owner;
SELECT throws_ok($$SELECT j7599.unregister('reg_claims')$$, '55000', NULL,
                 'unregister: an enforced table is 55000');
SELECT isnt(pg_temp.reg('reg_claims'), NULL, '... and its registration stays');
SELECT lives_ok($$SELECT j7599.unenforce('reg_claims')$$, 'unenforce first');
SELECT lives_ok($$SELECT j7599.unregister('reg_claims')$$, 'unregister: the owner, once the table is unenforced');
SELECT is(pg_temp.reg('reg_claims'), NULL, 'unregister: the registration is gone');
SET LOCAL client_min_messages = warning;
SELECT lives_ok($$SELECT j7599.unregister('reg_claims')$$, 'unregister: a table that is not registered is a no-op');
RESET client_min_messages;
RESET ROLE;
SET LOCAL ROLE j7599_tap_reg_member;
SELECT lives_ok($$SELECT j7599.unregister('reg_spare')$$, 'unregister: a member of the owning role may');
RESET ROLE;
SELECT is(pg_temp.reg('reg_spare'), NULL, '... and the registration is gone');

-- -------------------------------------------- registrations go with the table

CREATE TABLE reg_dropped (id int, line text);
SELECT j7599.register('reg_dropped', line => 'line');
CREATE TEMP TABLE dropped_oid AS SELECT 'reg_dropped'::regclass::oid AS oid;
DROP TABLE reg_dropped;
SELECT is((SELECT count(*)::int FROM j7599.registration WHERE tbl::oid = (SELECT oid FROM dropped_oid)), 0,
          'DROP TABLE: the registration goes with the table');

CREATE SCHEMA reg_mart;
CREATE TABLE reg_mart.a (id int, line text);
CREATE TABLE reg_mart.b (id int, line j7599.hcpcs_line) PARTITION BY RANGE (id);
CREATE TABLE reg_mart.b1 PARTITION OF reg_mart.b FOR VALUES FROM (0) TO (10);
SELECT j7599.register('reg_mart.a', line => 'line');
SELECT j7599.register('reg_mart.b', line => 'line');
SELECT j7599.register('reg_mart.b1', line => 'line');
SELECT j7599.enforce('reg_mart.b');
CREATE TEMP TABLE mart_oids AS SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'reg_mart'::regnamespace;
SET LOCAL client_min_messages = warning;
DROP SCHEMA reg_mart CASCADE;
RESET client_min_messages;
SELECT is((SELECT count(*)::int FROM j7599.registration WHERE tbl::oid IN (SELECT oid FROM mart_oids)), 0,
          'DROP SCHEMA ... CASCADE: the registrations of its tables, partitions included, go with them');

SET LOCAL ROLE j7599_tap_reg_owner;
CREATE TABLE reg_owned_by_role (id int, line text);
SELECT j7599.register('reg_owned_by_role', line => 'line');
RESET ROLE;
CREATE TEMP TABLE role_oid AS SELECT 'reg_owned_by_role'::regclass::oid AS oid;
DROP OWNED BY j7599_tap_reg_owner, j7599_tap_reg_member;
SELECT is((SELECT count(*)::int FROM j7599.registration WHERE tbl::oid = (SELECT oid FROM role_oid)), 0,
          'DROP OWNED: the registrations of the dropped tables go with them');

-- a schema owner may drop another role's registered table with the schema
CREATE SCHEMA reg_lent AUTHORIZATION j7599_tap_reg_reader;
GRANT USAGE ON SCHEMA reg_lent TO j7599_tap_reg_owner;
CREATE TABLE reg_lent.c (id int, line text);
ALTER TABLE reg_lent.c OWNER TO j7599_tap_reg_owner;
SET LOCAL ROLE j7599_tap_reg_owner;
SELECT j7599.register('reg_lent.c', line => 'line');
RESET ROLE;
CREATE TEMP TABLE lent_oid AS SELECT 'reg_lent.c'::regclass::oid AS oid;
SET LOCAL ROLE j7599_tap_reg_reader;
SET LOCAL client_min_messages = warning;
SELECT lives_ok($$DROP SCHEMA reg_lent CASCADE$$,
                'the owner of a schema drops it with another role''s registered table');
RESET client_min_messages;
RESET ROLE;
SELECT is((SELECT count(*)::int FROM j7599.registration WHERE tbl::oid = (SELECT oid FROM lent_oid)), 0,
          '... and that registration goes too');

-- dropping things that are not registered tables is unaffected
CREATE TABLE reg_plain (id int);
CREATE INDEX ON reg_plain (id);
CREATE VIEW reg_plain_v AS SELECT * FROM reg_plain;
SELECT lives_ok($$DROP VIEW reg_plain_v; DROP TABLE reg_plain; DROP FUNCTION pg_temp.reg(regclass)$$,
                'dropping a view, an unregistered table and a function is unaffected');

-- --------------------------------------------------------- the catalog

SELECT is((SELECT relrowsecurity FROM pg_class WHERE oid = 'j7599.registration'::regclass), false,
          'j7599.registration has no row-level security (a non-superuser can pg_dump it)');

DROP OWNED BY j7599_tap_reg_owner, j7599_tap_reg_member, j7599_tap_reg_reader;
DROP ROLE j7599_tap_reg_member, j7599_tap_reg_owner, j7599_tap_reg_reader;

SELECT * FROM finish();
ROLLBACK;
