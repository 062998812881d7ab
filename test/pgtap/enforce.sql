-- test/pgtap/enforce.sql: j7599.register, j7599.enforce and j7599.unenforce.
-- Registration errors and their SQLSTATEs, identifiers that need quoting,
-- re-registration, the trigger refusing rows (INSERT and UPDATE) at each
-- severity, ownership, partitioned tables (partitions created and attached
-- later, with another column order), and typed columns.
--
-- Runs in one transaction and rolls back: the tables, roles and rows created
-- below never outlive it.  COPY into an enforced table is in sql/enforce.sql
-- and test/shell/enforce_dump.sh (COPY FROM STDIN cannot run in here).
BEGIN;
SET LOCAL search_path = public, j7599;
SELECT plan(201);

-- --------------------------------------------------------------- helpers

-- Runs a statement in a subtransaction that is always undone, and reports
-- how it ended: {"state": "00000"} or the SQLSTATE, message, detail, hint
-- and table of the error.
CREATE FUNCTION pg_temp.attempt(sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; det text; hnt text; tbl text;
BEGIN
    BEGIN
        EXECUTE sql;
        RAISE EXCEPTION USING ERRCODE = 'JT000', MESSAGE = 'statement succeeded';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                hnt = PG_EXCEPTION_HINT, tbl = TABLE_NAME;
    END;
    IF st = 'JT000' THEN
        RETURN jsonb_build_object('state', '00000');
    END IF;
    RETURN jsonb_build_object('state', st, 'message', msg, 'detail', det, 'hint', hnt, 'table', tbl);
END
$$;

CREATE FUNCTION pg_temp.state(sql text) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.attempt(sql) ->> 'state'
$$;

-- The INSERT of one row into a claim table with the layout of "claims"
-- below.  The defaults make a Medicare J7599 line that is clean on
-- 2024-03-01; every value can be overridden by name.
CREATE FUNCTION pg_temp.claim(
    tbl text DEFAULT 'claims', id int DEFAULT 1000, line text DEFAULT 'J7599-KX',
    payer text DEFAULT 'medicare', dos date DEFAULT '2024-03-01', units numeric DEFAULT 1,
    ndc text DEFAULT '00069-0150-01', pos text DEFAULT '12', dx1 text DEFAULT 'Z94.0',
    dx2 text DEFAULT NULL, dxs text[] DEFAULT NULL,
    note text DEFAULT 'voclosporin 7.9 mg capsule, 3 caps twice daily', pa text DEFAULT NULL,
    days int DEFAULT 30, tx date DEFAULT '2020-01-01')
RETURNS text LANGUAGE sql AS $$
    SELECT format('INSERT INTO %s (id, line, payer, dos, units, ndc, pos, dx1, dx2, dxs, note, pa, days, tx) '
                  'VALUES (%s, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L)',
                  tbl, id, line, payer, dos, units, ndc, pos, dx1, dx2, dxs, note, pa, days, tx)
$$;

-- every finding of validate() at or above a severity for the same values,
-- as the detail lines of the trigger would spell them
CREATE FUNCTION pg_temp.expected_lines(
    min_severity text, line text DEFAULT 'J7599-KX', payer text DEFAULT 'medicare',
    dos date DEFAULT '2024-03-01', units numeric DEFAULT 1, ndc text DEFAULT '00069-0150-01',
    pos text DEFAULT '12', dx text[] DEFAULT '{Z94.0}',
    note text DEFAULT 'voclosporin 7.9 mg capsule, 3 caps twice daily', pa text DEFAULT NULL,
    days int DEFAULT 30, tx date DEFAULT '2020-01-01')
RETURNS text[] LANGUAGE sql AS $$
    SELECT coalesce(array_agg(f.severity || ' ' || f.rule || ' (' || f.field || '): ' || f.message
                              || ' [source: ' || f.source || ']'), '{}')
      FROM j7599.validate(line => line, payer => payer, service_date => dos, units => units, ndc => ndc,
                          pos => pos, dx => dx, narrative => note, prior_auth => pa, days_supply => days,
                          transplant_date => tx) AS f
     WHERE CASE f.severity WHEN 'error' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END
           >= CASE min_severity WHEN 'error' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END
$$;

-- ------------------------------------------------------------ test data

CREATE TABLE claims (
    id    int PRIMARY KEY,
    line  text,
    payer text,
    dos   date,
    units numeric,
    ndc   text,
    pos   text,
    dx1   text,
    dx2   text,
    dxs   text[],
    note  text,
    pa    text,
    days  int,
    tx    date,
    units2 numeric,
    other text,
    n     int,
    ts    timestamp,
    nm    name
);
CREATE VIEW claims_view AS SELECT * FROM claims;
CREATE SEQUENCE claims_seq;
CREATE MATERIALIZED VIEW claims_mv AS SELECT * FROM claims;
CREATE TABLE unregistered (id int, line text);

-- -------------------------------------------------- register: error paths

\ir lib/test_functions.sql
SELECT ok(pg_temp.has_inputs('register',
    ARRAY['regclass', 'text', 'text', 'text', 'text', 'text', 'text', 'text[]', 'text', 'text', 'text', 'text', 'text[]']),
    'register(regclass, line, payer, service_date, units, ndc, pos, dx text[], narrative, prior_auth, days_supply, transplant_date, claim_key text[]) exists');
SELECT has_function('j7599', 'enforce', ARRAY['regclass', 'text', 'text'], 'enforce(regclass, text, text) exists');
SELECT has_function('j7599', 'unenforce', ARRAY['regclass'], 'unenforce(regclass) exists');

SELECT throws_ok($$SELECT j7599.register('claims', line => 'hcpcs')$$, '42703', NULL,
                 'register: an unknown line column is 42703');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', payer => 'payer_name')$$, '42703', NULL,
                 'register: an unknown payer column is 42703');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', dx => '{dx1,dx3}')$$, '42703', NULL,
                 'register: an unknown column among the dx columns is 42703');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'LINE')$$, '42703', NULL,
                 'register: a column name is case-sensitive (LINE is not line)');
SELECT throws_ok($$SELECT j7599.register('claims', line => '"line"')$$, '42703', NULL,
                 'register: a column name is not SQL: "line" in double quotes names no column');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', units => 'ctid')$$, '42703', NULL,
                 'register: a system column is not a registrable column');
SELECT is(pg_temp.attempt($$SELECT j7599.register('claims', line => 'line', pos => 'place')$$) ->> 'message',
          'column "place" of table public.claims does not exist', 'register: the 42703 message names the column and table');

SELECT throws_ok($$SELECT j7599.register('claims', line => 'n')$$, '42804', NULL,
                 'register: line in an integer column is 42804');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', payer => 'n')$$, '42804', NULL,
                 'register: payer in an integer column is 42804');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', payer => 'nm')$$, '42804', NULL,
                 'register: payer in a name column is 42804');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', service_date => 'ts')$$, '42804', NULL,
                 'register: service_date in a timestamp column is 42804');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', units => 'ts')$$, '42804', NULL,
                 'register: units in a timestamp column is 42804');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', ndc => 'n')$$, '42804', NULL,
                 'register: ndc in an integer column is 42804');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', pos => 'n')$$, '42804', NULL,
                 'register: pos in an integer column is 42804');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', dx => '{dx1,n}')$$, '42804', NULL,
                 'register: a dx column of type integer is 42804');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', narrative => 'dos')$$, '42804', NULL,
                 'register: narrative in a date column is 42804');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', prior_auth => 'n')$$, '42804', NULL,
                 'register: prior_auth in an integer column is 42804');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', days_supply => 'units')$$, '42804', NULL,
                 'register: days_supply in a numeric column is 42804');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', transplant_date => 'n')$$, '42804', NULL,
                 'register: transplant_date in an integer column is 42804');
SELECT is(pg_temp.attempt($$SELECT j7599.register('claims', line => 'line', units => 'ts')$$) ->> 'detail',
          'The argument units needs a column of type numeric, smallint, integer, bigint, or text holding a decimal number.',
          'register: the 42804 detail says which type the argument needs');

SELECT lives_ok($$SELECT j7599.register('claims_view', line => 'line')$$,
                'register: a view is registered (audited, not enforced: test/pgtap/legacy.sql)');
SELECT throws_ok($$SELECT j7599.register('claims_seq', line => 'last_value')$$, '42809', NULL,
                 'register: a sequence is 42809');
SELECT lives_ok($$SELECT j7599.register('claims_mv', line => 'line')$$,
                'register: a materialized view is registered (audited, not enforced)');
SELECT j7599.unregister('claims_view'), j7599.unregister('claims_mv');
SELECT throws_ok($$SELECT j7599.register('claims_pkey', line => 'id')$$, '42809', NULL,
                 'register: an index is 42809');

SELECT throws_ok($$SELECT j7599.register('claims', line => NULL)$$, '22004', NULL,
                 'register: a NULL line column is 22004');
SELECT throws_ok($$SELECT j7599.register(NULL, line => 'line')$$, '22004', NULL,
                 'register: a NULL table is 22004');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', dx => '{}')$$, '22023', NULL,
                 'register: an empty dx list is 22023');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', dx => ARRAY['dx1', NULL])$$, '22023', NULL,
                 'register: a NULL among the dx columns is 22023');
SELECT is((SELECT count(*)::int FROM j7599.registration WHERE tbl = 'claims'::regclass), 0,
          'failed registrations record nothing');

-- ---------------------------------------------------- register: success

SELECT lives_ok($$SELECT j7599.register('claims', line => 'line', payer => 'payer', service_date => 'dos',
                                        units => 'units', ndc => 'ndc', pos => 'pos', dx => '{dx1,dx2,dxs}',
                                        narrative => 'note', prior_auth => 'pa', days_supply => 'days',
                                        transplant_date => 'tx')$$,
                'register: every argument mapped, dx over two text columns and a text[] column');
SELECT is((SELECT ROW(line, payer, service_date, units, ndc, pos, dx, narrative, prior_auth, days_supply,
                      transplant_date, registered_by)::text
             FROM j7599.registration WHERE tbl = 'claims'::regclass),
          ROW('line', 'payer', 'dos', 'units', 'ndc', 'pos', '{dx1,dx2,dxs}', 'note', 'pa', 'days', 'tx',
              current_user)::text,
          'register: the registration row holds the mapping and who recorded it');
SELECT throws_ok($$SELECT j7599.register('claims', line => 'line', units => 'missing')$$, '42703', NULL,
                 'register: a failed re-registration raises');
SELECT is((SELECT units::text FROM j7599.registration WHERE tbl = 'claims'::regclass), 'units',
          'register: a failed re-registration leaves the mapping as it was');

-- ------------------------------------------------------------ enforce

SELECT throws_ok($$SELECT j7599.enforce('unregistered')$$, '55000', NULL, 'enforce: an unregistered table is 55000');
SELECT throws_ok($$SELECT j7599.enforce('claims', 'fatal')$$, '22023', NULL, 'enforce: an unknown severity is 22023');
SELECT throws_ok($$SELECT j7599.enforce('claims', NULL)$$, '22023', NULL, 'enforce: a NULL severity is 22023');
SELECT hasnt_trigger('claims', 'j7599_enforce', 'a failed enforce installs no trigger');

SELECT lives_ok($$SELECT j7599.enforce('claims')$$, 'enforce: the owner enforces a registered table');
SELECT has_trigger('claims', 'j7599_enforce', 'enforce installs the trigger j7599_enforce');
SELECT is((SELECT tgtype::int & (1 | 2 | 4 | 8 | 16) FROM pg_trigger
            WHERE tgrelid = 'claims'::regclass AND tgname = 'j7599_enforce'),
          1 | 4 | 16, 'the trigger fires AFTER INSERT OR UPDATE, FOR EACH ROW, not on DELETE');
SELECT is((SELECT convert_from(substring(tgargs FROM 1 FOR position('\x00'::bytea IN tgargs) - 1), 'UTF8')
             FROM pg_trigger WHERE tgrelid = 'claims'::regclass AND tgname = 'j7599_enforce'),
          'error', 'enforce defaults to the severity error');

SELECT is(pg_temp.state(pg_temp.claim()), '00000', 'enforce: the clean Medicare line is accepted');
SELECT is(pg_temp.state(pg_temp.claim(tx => NULL)), '00000',
          'enforce at error: a row with only a warning (KX without a transplant date) is accepted');
SELECT is(pg_temp.state(pg_temp.claim(line => 'J7599-KX-22')), '00000',
          'enforce at error: a row with only a warning and an info finding (modifier 22) is accepted');

SELECT is(pg_temp.state(pg_temp.claim(units => 0)), '23514', 'enforce: units 0 is refused with 23514');
SELECT is(pg_temp.attempt(pg_temp.claim(units => 0)) ->> 'message',
          'row of table "claims" violates j7599 rules: UNITS_INVALID',
          'enforce: the message names the table and the rule id');
SELECT is(pg_temp.attempt(pg_temp.claim(units => 0)) ->> 'detail',
          array_to_string(ARRAY['Row key (id)=(1000).'] || pg_temp.expected_lines('info', units => 0), E'\n'),
          'enforce: the detail names the row by its primary key, then gives the finding of validate(), with severity, field, message and source');
SELECT ok(pg_temp.attempt(pg_temp.claim(units => 0)) ->> 'hint' LIKE '%"error"%',
          'enforce: the hint says at which severity the table is enforced');
SELECT is(pg_temp.attempt(pg_temp.claim(units => 0)) ->> 'table', 'claims',
          'enforce: the error carries the table name');

-- a row with three errors of three rules, and a warning
SELECT is(pg_temp.state(pg_temp.claim(line => 'J7599-KX-JW-JZ', units => 0, dx2 => 'Q', tx => NULL)), '23514',
          'enforce: a row with several errors is refused');
SELECT ok((SELECT bool_and(strpos(pg_temp.attempt(pg_temp.claim(line => 'J7599-KX-JW-JZ', units => 0, dx2 => 'Q',
                                                                 tx => NULL)) ->> 'message', r) > 0)
             FROM unnest(ARRAY['MODIFIER_CONFLICT', 'UNITS_INVALID', 'DX_MALFORMED']) AS r),
          'enforce: the message names every rule the row breaks');
SELECT is((SELECT array_agg(l ORDER BY l)
             FROM unnest(string_to_array(pg_temp.attempt(pg_temp.claim(line => 'J7599-KX-JW-JZ', units => 0,
                                                                       dx2 => 'Q', tx => NULL)) ->> 'detail',
                                         E'\n')) AS l),
          (SELECT array_agg(l ORDER BY l)
             FROM unnest(ARRAY['Row key (id)=(1000).'] || pg_temp.expected_lines('info', line => 'J7599-KX-JW-JZ', units => 0,
                                                                           dx => '{Z94.0,Q}', tx => NULL)) AS l),
          'enforce: the detail lists every finding (the warning too), one line each, as validate() reports them');

-- the same rule twice: named once, listed twice
SELECT is(pg_temp.attempt(pg_temp.claim(dx1 => 'Q', dx2 => 'R1', dxs => '{Z94.0}')) ->> 'message',
          'row of table "claims" violates j7599 rules: DX_MALFORMED',
          'enforce: a rule that fires twice is named once in the message');
SELECT is(array_length(string_to_array(pg_temp.attempt(pg_temp.claim(dx1 => 'Q', dx2 => 'R1', dxs => '{Z94.0}'))
                                       ->> 'detail', E'\n'), 1), 3,
          'enforce: ... and listed twice in the detail, once per diagnosis (after the line naming the row)');

-- dx over several columns of text and text[]
SELECT is(pg_temp.state(pg_temp.claim(dx1 => NULL, dx2 => NULL, dxs => '{Z94.0}')), '00000',
          'dx: a covered diagnosis in the text[] column alone is enough');
SELECT is(pg_temp.state(pg_temp.claim(dx1 => NULL, dx2 => 'T86.10')), '00000',
          'dx: a covered diagnosis in the second text column alone is enough');
SELECT is(pg_temp.state(pg_temp.claim(dx1 => 'Z94.0', dxs => '{T86.10,Z9}')), '23514',
          'dx: a malformed diagnosis inside the text[] column is refused');
-- (Medicare Part B-ID: its kidney-only list is confirmed, so its findings are errors)
SELECT is(pg_temp.attempt(pg_temp.claim(payer => 'medicare_bid', dx1 => NULL, dx2 => NULL, dxs => NULL)) ->> 'message',
          'row of table "claims" violates j7599 rules: DX_MISSING',
          'dx: no diagnosis in any dx column is DX_MISSING for Medicare Part B-ID');
SELECT is(pg_temp.attempt(pg_temp.claim(payer => 'medicare_bid', dx1 => 'E11.9', dx2 => NULL, dxs => '{I10}')) ->> 'message',
          'row of table "claims" violates j7599 rules: DX_NOT_COVERED',
          'dx: diagnoses from every column are checked against the policy');

-- other registered columns reach the rules
SELECT is(pg_temp.attempt(pg_temp.claim(days => 31)) ->> 'message',
          'row of table "claims" violates j7599 rules: SUPPLY_DAYS_EXCEEDED', 'days_supply and service_date are read');
SELECT is(pg_temp.attempt(pg_temp.claim(pos => '00')) ->> 'message',
          'row of table "claims" violates j7599 rules: POS_UNKNOWN', 'pos is read');
SELECT is(pg_temp.attempt(pg_temp.claim(ndc => '0006915001')) ->> 'message',
          'row of table "claims" violates j7599 rules: NDC_MALFORMED', 'ndc is read');
SELECT is(pg_temp.attempt(pg_temp.claim(line => 'J759-KX')) ->> 'message',
          'row of table "claims" violates j7599 rules: LINE_MALFORMED',
          'a malformed text line is refused as LINE_MALFORMED');
SELECT is(pg_temp.attempt(pg_temp.claim(note => 'Envarsus XR 4 mg daily')) ->> 'message',
          'row of table "claims" violates j7599 rules: SPECIFIC_CODE_EXISTS', 'the narrative is read');
SELECT is(pg_temp.state(pg_temp.claim(payer => 'Medicare Part B')), '00000', 'the payer is read (an alias resolves)');
-- a user payer whose policy requires prior authorisation
INSERT INTO j7599.payer (payer_id, name, is_group, parent_id, source)
VALUES ('j7599_tap_enf', 'Enforce Test Plan', false, 'default', 'pgTAP');
INSERT INTO j7599.policy (policy_id, payer_id, code, valid, requires_prior_auth, source, confidence)
VALUES ('j7599-tap-enf', 'j7599_tap_enf', 'J7599', '[2024-01-01,2025-01-01)', true, 'pgTAP enforce policy', 'confirmed');
SELECT is(pg_temp.attempt(pg_temp.claim(payer => 'j7599_tap_enf')) ->> 'message',
          'row of table "claims" violates j7599 rules: PRIOR_AUTH_MISSING',
          'a user policy applies at once: no prior authorisation is refused');
SELECT is(pg_temp.state(pg_temp.claim(payer => 'j7599_tap_enf', pa => 'PA-0001')), '00000',
          'the prior_auth column is read');

-- UPDATE
INSERT INTO claims (id, line, payer, dos, units, ndc, pos, dx1, note, days, tx)
VALUES (1, 'J7599-KX', 'medicare', '2024-03-01', 1, '00069-0150-01', '12', 'Z94.0',
        'voclosporin 7.9 mg capsule, 3 caps twice daily', 30, '2020-01-01');
SELECT is(pg_temp.state($$UPDATE claims SET units = 0 WHERE id = 1$$), '23514', 'enforce: an UPDATE to units 0 is refused');
SELECT is(pg_temp.attempt($$UPDATE claims SET line = 'J7599-KX-JZ-JW' WHERE id = 1$$) ->> 'message',
          'row of table "claims" violates j7599 rules: MODIFIER_CONFLICT',
          'enforce: an UPDATE of the line is checked against the new row');
SELECT lives_ok($$UPDATE claims SET units = 2, other = 'checked' WHERE id = 1$$, 'enforce: a clean UPDATE passes');
SELECT is((SELECT units FROM claims WHERE id = 1), 2::numeric, '... and is applied');
SELECT lives_ok($$DELETE FROM claims WHERE id = 1$$, 'enforce: DELETE is not checked');

-- severity thresholds
SELECT lives_ok($$SELECT j7599.enforce('claims', 'warning')$$, 'enforce again at warning');
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgrelid = 'claims'::regclass AND tgname = 'j7599_enforce'), 1,
          'enforcing again replaces the trigger, no second one');
SELECT is(j7599._enforced_severity('claims'), 'warning', 'the trigger now carries the severity warning');
SELECT is(pg_temp.attempt(pg_temp.claim(tx => NULL)) ->> 'message',
          'row of table "claims" violates j7599 rules: KX_WITHOUT_TRANSPLANT_DATE',
          'at warning: the row with only a warning is refused');
SELECT is(pg_temp.attempt(pg_temp.claim(tx => NULL)) ->> 'detail',
          array_to_string(ARRAY['Row key (id)=(1000).'] || pg_temp.expected_lines('info', tx => NULL), E'\n'),
          'at warning: the detail names the row and lists the warning');
SELECT ok(pg_temp.attempt(pg_temp.claim(tx => NULL)) ->> 'hint' LIKE '%"warning"%', 'at warning: the hint says warning');
SELECT is(pg_temp.state(pg_temp.claim(line => 'J7599')), '00000', 'at warning: an info-only row (KX_SUGGESTED) is accepted');
SELECT is(pg_temp.state(pg_temp.claim(units => 0)), '23514', 'at warning: an error is still refused');
SELECT is(pg_temp.state(pg_temp.claim()), '00000', 'at warning: the clean line is accepted');

SELECT lives_ok($$SELECT j7599.enforce('claims', 'info')$$, 'enforce again at info');
SELECT is(pg_temp.attempt(pg_temp.claim(line => 'J7599-KX-22')) ->> 'message',
          'row of table "claims" violates j7599 rules: MODIFIER_NOT_FOR_DRUG, MODIFIER_NEEDS_DOCUMENTATION',
          'at info: the row with modifier 22 is refused (not a drug modifier, and it needs documentation)');
SELECT is(pg_temp.attempt(pg_temp.claim(line => 'J7599')) ->> 'message',
          'row of table "claims" violates j7599 rules: KX_SUGGESTED',
          'at info: a transplant date known and no KX is refused (KX_SUGGESTED)');
SELECT is(pg_temp.state(pg_temp.claim()), '00000', 'at info: the clean line is accepted');

-- re-register replaces the mapping and rewrites the enforced table's trigger
SELECT lives_ok($$SELECT j7599.register('claims', line => 'line', payer => 'payer', service_date => 'dos',
                                        units => 'units2', ndc => 'ndc', pos => 'pos', dx => '{dxs}',
                                        narrative => 'note', days_supply => 'days', transplant_date => 'tx')$$,
                're-register the enforced table: units from units2, dx from dxs only, no prior_auth');
SELECT is((SELECT ROW(units, dx, prior_auth)::text FROM j7599.registration WHERE tbl = 'claims'::regclass),
          ROW('units2', '{dxs}', NULL)::text, 're-register: the registration row holds the new mapping');
SELECT is((SELECT count(*)::int FROM j7599.registration WHERE tbl = 'claims'::regclass), 1,
          're-register: still one registration row for the table');
SELECT is(j7599._enforced_severity('claims'), 'info', 're-register: the trigger keeps its severity');
SELECT ok((SELECT pg_get_triggerdef(oid) LIKE '%''units=units2''%' AND pg_get_triggerdef(oid) NOT LIKE '%''dx=dx1''%'
             FROM pg_trigger WHERE tgrelid = 'claims'::regclass AND tgname = 'j7599_enforce'),
          're-register: the trigger arguments carry the new mapping');
SELECT is(pg_temp.state(pg_temp.claim(units => 0, dx1 => 'Q', dxs => '{Z94.0}')), '23514',
          're-register: the row fails UNITS_MISSING (warning) now that units2 is NULL');
SELECT is(pg_temp.attempt(pg_temp.claim(units => 0, dx1 => 'Q', dxs => '{Z94.0}')) ->> 'message',
          'row of table "claims" violates j7599 rules: UNITS_MISSING',
          're-register: the old units and dx1 columns are no longer read');
SELECT lives_ok($$SELECT j7599.enforce('claims')$$, 'enforce at error again');
SELECT is(pg_temp.state(pg_temp.claim(units => 0, dx1 => 'Q', dxs => '{Z94.0}')), '00000',
          're-register: at error, a bad value in a column no longer registered passes');
SELECT is(pg_temp.state($$INSERT INTO claims (id, line, payer, dos, units2, ndc, pos, dxs, note, days, tx)
                          VALUES (2, 'J7599-KX', 'medicare', '2024-03-01', 0, '00069-0150-01', '12', '{Z94.0}',
                                  'voclosporin 7.9 mg capsule, 3 caps twice daily', 30, '2020-01-01')$$), '23514',
          're-register: units 0 in the newly registered column is refused');

-- unenforce
SELECT lives_ok($$SELECT j7599.unenforce('claims')$$, 'unenforce: the owner removes the trigger');
SELECT hasnt_trigger('claims', 'j7599_enforce', 'unenforce: the trigger is gone');
SELECT is(pg_temp.state($$INSERT INTO claims (id, line, units2) VALUES (3, 'J7599-JW-JZ', 0)$$), '00000',
          'unenforce: a bad row passes again');
SET LOCAL client_min_messages = warning;
SELECT lives_ok($$SELECT j7599.unenforce('claims')$$, 'unenforce: a table that is not enforced is a no-op');
RESET client_min_messages;
SELECT is((SELECT count(*)::int FROM j7599.registration WHERE tbl = 'claims'::regclass), 1,
          'unenforce: the registration stays');

-- ------------------------------------------------------------ ownership

CREATE ROLE j7599_tap_enf_owner NOLOGIN;
CREATE ROLE j7599_tap_enf_member NOLOGIN IN ROLE j7599_tap_enf_owner;
CREATE ROLE j7599_tap_enf_other NOLOGIN;
CREATE TABLE owned (id int PRIMARY KEY, line text, units numeric);
ALTER TABLE owned OWNER TO j7599_tap_enf_owner;
GRANT ALL ON owned TO j7599_tap_enf_other;
SELECT j7599.register('owned', line => 'line', units => 'units');

SET LOCAL ROLE j7599_tap_enf_other;
SELECT throws_ok($$SELECT j7599.enforce('owned')$$, '42501', NULL,
                 'enforce: a role with every privilege on the table but not its owner gets 42501');
RESET ROLE;
SELECT hasnt_trigger('owned', 'j7599_enforce', '... and nothing is installed');
SET LOCAL ROLE j7599_tap_enf_member;
SELECT lives_ok($$SELECT j7599.enforce('owned')$$, 'enforce: a member of the owning role may enforce');
RESET ROLE;
SET LOCAL ROLE j7599_tap_enf_other;
SELECT throws_ok($$SELECT j7599.unenforce('owned')$$, '42501', NULL, 'unenforce: a non-owner gets 42501');
SELECT throws_ok($$SELECT j7599.register('owned', line => 'line')$$, '42501', NULL,
                 'register: a non-owner cannot re-register an enforced table (42501)');
SELECT is(pg_temp.state($$INSERT INTO owned VALUES (1, 'J7599-JW-JZ', 1)$$), '23514',
          'enforcement applies to every role that writes the table');
SELECT is((SELECT count(*)::int FROM j7599.registration WHERE tbl = 'owned'::regclass), 1,
          'every role may read the registrations');
SET LOCAL ROLE j7599_tap_enf_owner;
SELECT lives_ok($$SELECT j7599.unenforce('owned')$$, 'unenforce: the owner may');
RESET ROLE;
SELECT hasnt_trigger('owned', 'j7599_enforce', 'the owner''s unenforce removed the trigger');

CREATE TABLE private_claims (id int PRIMARY KEY, line text);
SET LOCAL ROLE j7599_tap_enf_other;
SELECT throws_ok($$SELECT j7599.register('private_claims', line => 'line')$$, '42501', NULL,
                 'register: a role that cannot read the table cannot register it');
SELECT throws_ok($$SELECT j7599.register('owned', line => 'line')$$, '42501', NULL,
                 'register: a role with every privilege on an unenforced table but not its owner gets 42501');
RESET ROLE;
SELECT j7599.register('private_claims', line => 'line');
SET LOCAL ROLE j7599_tap_enf_other;
SELECT throws_ok($$DELETE FROM j7599.registration WHERE tbl = 'private_claims'::regclass$$, '42501', NULL,
                 'a role that does not own a table cannot delete its registration (42501) ...');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM j7599.registration WHERE tbl = 'private_claims'::regclass), 1,
          '... but the row stays');

-- ------------------------------------------- identifiers of any spelling

CREATE SCHEMA "Ware House";
CREATE TABLE "Ware House"."Claim Lines ""Q1""" (
    "Claim ID"       int PRIMARY KEY,
    "HCPCS"          text,
    "Payer Name"     text,
    "Date of Service" date,
    "Units ""billed""" numeric,
    "units"          numeric,
    "Dx, primary"    text,
    "dx\2"           text[],
    "Line 'Note'"    text,
    "dx=3"           text
);
SELECT lives_ok($$SELECT j7599.register('"Ware House"."Claim Lines ""Q1"""', line => 'HCPCS', payer => 'Payer Name',
                                        service_date => 'Date of Service', units => 'Units "billed"',
                                        dx => ARRAY['Dx, primary', 'dx\2', 'dx=3'], narrative => 'Line ''Note''')$$,
                'register: a table and columns that need quoting, named as stored');
SELECT is((SELECT ROW(line, payer, service_date, units, dx, narrative)::text FROM j7599.registration
            WHERE tbl = '"Ware House"."Claim Lines ""Q1"""'::regclass),
          ROW('HCPCS', 'Payer Name', 'Date of Service', 'Units "billed"', ARRAY['Dx, primary', 'dx\2', 'dx=3'],
              'Line ''Note''')::text,
          'register: the names are recorded as stored');
SELECT throws_ok($$SELECT j7599.register('"Ware House"."Claim Lines ""Q1"""', line => 'hcpcs')$$, '42703', NULL,
                 'register: the lower-case spelling of "HCPCS" is another column');
SELECT lives_ok($$SELECT j7599.enforce('"Ware House"."Claim Lines ""Q1"""')$$, 'enforce: the quoted table');
SELECT is(pg_temp.state($$INSERT INTO "Ware House"."Claim Lines ""Q1""" VALUES
                            (1, 'J7599-KX', 'Medicare', '2024-03-01', 2, NULL, 'Z94.0', '{T86.10}',
                             'voclosporin 7.9 mg capsule, 3 caps twice daily', NULL)$$), '00000',
          'enforce: a clean row in the quoted table is accepted');
SELECT is(pg_temp.attempt($$INSERT INTO "Ware House"."Claim Lines ""Q1""" VALUES
                              (2, 'J7599-KX', 'Medicare', '2024-03-01', 0, 1, 'Z94.0', '{T86.10}',
                               'voclosporin 7.9 mg capsule, 3 caps twice daily', NULL)$$) ->> 'message',
          'row of table "Claim Lines "Q1"" violates j7599 rules: UNITS_INVALID',
          'enforce: units are read from "Units ""billed""", not from "units"');
SELECT is(pg_temp.attempt($$INSERT INTO "Ware House"."Claim Lines ""Q1""" VALUES
                              (3, 'J7599-KX', 'Medicare', '2024-03-01', 1, NULL, 'Z94.0', '{T86.10}',
                               'voclosporin 7.9 mg capsule, 3 caps twice daily', 'Q')$$) ->> 'message',
          'row of table "Claim Lines "Q1"" violates j7599 rules: DX_MALFORMED',
          'enforce: the dx column whose name holds "=" is read');
SELECT is(pg_temp.attempt($$INSERT INTO "Ware House"."Claim Lines ""Q1""" VALUES
                              (4, 'J7599-KX', 'Medicare Part B-ID', '2024-03-01', 1, NULL, NULL, '{Z9}',
                               'voclosporin 7.9 mg capsule, 3 caps twice daily', NULL)$$) ->> 'message',
          'row of table "Claim Lines "Q1"" violates j7599 rules: DX_MALFORMED, DX_NOT_COVERED',
          'enforce: the dx column whose name holds a backslash is read');
SELECT is(pg_temp.attempt($$INSERT INTO "Ware House"."Claim Lines ""Q1""" VALUES
                              (5, 'J7599-KX', 'Medicare', '2024-03-01', 1, NULL, NULL, NULL, NULL, 'Z94.0')$$)
          ->> 'message', 'row of table "Claim Lines "Q1"" violates j7599 rules: NARRATIVE_MISSING',
          'enforce: "Line ''Note''" (a single quote in the name) is read');
SELECT is(j7599._enforced_severity('"Ware House"."Claim Lines ""Q1"""'), 'error',
          'the severity of the quoted table''s trigger reads back');
SELECT lives_ok($$SELECT j7599.unenforce('"Ware House"."Claim Lines ""Q1"""')$$, 'unenforce: the quoted table');
SELECT hasnt_trigger('Ware House', 'Claim Lines "Q1"', 'j7599_enforce', 'the quoted table''s trigger is gone');

-- ------------------------------------------------------- typed columns

CREATE DOMAIN dx_code AS varchar(8);
CREATE TABLE typed_claims (
    id    bigint PRIMARY KEY,
    line  j7599.hcpcs_line,
    payer varchar(40),
    dos   date,
    units integer,
    ndc   j7599.ndc,
    pos   char(2),
    dx    varchar[],
    dx2   dx_code,
    note  text,
    days  smallint,
    tx    date
);
SELECT lives_ok($$SELECT j7599.register('typed_claims', line => 'line', payer => 'payer', service_date => 'dos',
                                        units => 'units', ndc => 'ndc', pos => 'pos', dx => '{dx,dx2}',
                                        narrative => 'note', days_supply => 'days', transplant_date => 'tx')$$,
                'register: hcpcs_line, varchar, integer units, ndc, char, varchar[], a domain and smallint columns');
SELECT lives_ok($$SELECT j7599.enforce('typed_claims', 'warning')$$, 'enforce the typed table at warning');
SELECT is(pg_temp.state($$INSERT INTO typed_claims VALUES (1, 'J7599 kx', 'medicare', '2024-03-01', 1,
                          'N400069015001', '12', '{Z94.0}', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily',
                          30, '2020-01-01')$$), '00000', 'typed: the clean line is accepted');
SELECT is(pg_temp.attempt($$INSERT INTO typed_claims VALUES (2, 'J7599-KX-JZ-JW', 'medicare', '2024-03-01', 1,
                            '00069015001', '12', '{Z94.0}', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily',
                            30, '2020-01-01')$$) ->> 'message',
          'row of table "typed_claims" violates j7599 rules: MODIFIER_CONFLICT', 'typed: an hcpcs_line value is checked');
SELECT is(pg_temp.attempt($$INSERT INTO typed_claims VALUES (3, 'J7599-KX', 'medicare', '2024-03-01', 0,
                            '00069015001', '12', '{Z94.0}', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily',
                            30, '2020-01-01')$$) ->> 'message',
          'row of table "typed_claims" violates j7599 rules: UNITS_INVALID', 'typed: integer units 0 are refused');
SELECT is(pg_temp.attempt($$INSERT INTO typed_claims VALUES (4, 'J7599-KX', 'medicare', '2024-03-01', 1,
                            '00069015001', '12', '{Z94.0}', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily',
                            31, '2020-01-01')$$) ->> 'message',
          'row of table "typed_claims" violates j7599 rules: SUPPLY_DAYS_EXCEEDED',
          'typed: smallint days_supply over the policy is refused');
SELECT is(pg_temp.attempt($$INSERT INTO typed_claims VALUES (5, 'J7599-KX', 'medicare', '2024-03-01', 1,
                            '00069015001', '12', '{Z94.0}', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily',
                            30, '2024-03-02')$$) ->> 'message',
          'row of table "typed_claims" violates j7599 rules: KX_WITHOUT_TRANSPLANT_DATE',
          'typed: a transplant date after the service date is compared as a date (warning)');
SELECT is(pg_temp.state($$INSERT INTO typed_claims VALUES (6, 'J7599-KX', 'medicare', '2024-03-01', 1,
                          '00069015001', '12', '{Z94.0}', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily',
                          30, '2024-02-29')$$), '00000', 'typed: a transplant date the day before is accepted');
SELECT is(pg_temp.attempt($$INSERT INTO typed_claims VALUES (7, 'J7599-KX', 'medicare', '2024-03-01', 1,
                            '00069015001', '12', '{E11.9}', 'Z9', 'voclosporin 7.9 mg capsule, 3 caps twice daily',
                            30, '2020-01-01')$$) ->> 'message',
          'row of table "typed_claims" violates j7599 rules: DX_MALFORMED, DX_NOT_COVERED',
          'typed: the varchar[] and the domain dx columns are read');
SELECT is(pg_temp.state($$INSERT INTO typed_claims VALUES (8, 'J7599-KX', 'medicare', '2024-03-01', 1,
                          '00069015001', '12', NULL, 'Z94.0', 'voclosporin 7.9 mg capsule, 3 caps twice daily',
                          30, '2020-01-01')$$), '00000', 'typed: a covered diagnosis in the domain column is enough');
SELECT is(pg_temp.attempt($$INSERT INTO typed_claims VALUES (9, 'J7599-KX', 'medicare', NULL, 1,
                            '00069015001', '12', '{Z94.0}', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily',
                            30, '2020-01-01')$$) ->> 'message',
          'row of table "typed_claims" violates j7599 rules: SERVICE_DATE_MISSING',
          'typed: a NULL service date is a warning');

CREATE TABLE big_units (id int, line j7599.hcpcs_line, units bigint);
SELECT j7599.register('big_units', line => 'line', units => 'units');
SELECT j7599.enforce('big_units');
SELECT is(pg_temp.state($$INSERT INTO big_units VALUES (1, 'J7507', 5000000000)$$), '00000',
          'bigint units: a large value is accepted');
SELECT is(pg_temp.state($$INSERT INTO big_units VALUES (2, 'J7507', -5000000000)$$), '23514',
          'bigint units: a negative value is refused');

-- ------------------------------------------------------ partitioned tables

CREATE TABLE part_claims (
    id    int,
    dos   date NOT NULL,
    line  j7599.hcpcs_line,
    payer text,
    units numeric,
    dx    text[],
    note  text,
    tx    date
) PARTITION BY RANGE (dos);
CREATE TABLE part_claims_2023 PARTITION OF part_claims FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
SELECT j7599.register('part_claims', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      dx => '{dx}', narrative => 'note', transplant_date => 'tx');
SELECT lives_ok($$SELECT j7599.enforce('part_claims')$$, 'enforce: a partitioned table');
SELECT has_trigger('part_claims_2023', 'j7599_enforce', 'partitioned: an existing partition has the trigger');
CREATE TABLE part_claims_2024 PARTITION OF part_claims FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
SELECT has_trigger('part_claims_2024', 'j7599_enforce', 'partitioned: a partition created afterwards has it');
-- another column order, and a dropped column, then ATTACH
CREATE TABLE part_claims_2025 (
    junk  text,
    tx    date,
    note  text,
    dx    text[],
    units numeric,
    payer text,
    line  j7599.hcpcs_line,
    dos   date NOT NULL,
    id    int
);
ALTER TABLE part_claims_2025 DROP COLUMN junk;
ALTER TABLE part_claims ATTACH PARTITION part_claims_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
SELECT has_trigger('part_claims_2025', 'j7599_enforce', 'partitioned: an attached partition has it');

SELECT lives_ok($$INSERT INTO part_claims (id, dos, line, payer, units, dx, note, tx) VALUES
                  (1, '2023-06-01', 'J7599-KX', 'medicare', 1, '{Z94.0}', 'voclosporin 7.9 mg capsule', '2020-01-01'),
                  (2, '2024-06-01', 'J7599-KX', 'medicare', 1, '{Z94.0}', 'voclosporin 7.9 mg capsule', '2020-01-01'),
                  (3, '2025-06-01', 'J7599-KX', 'medicare', 1, '{Z94.0}', 'voclosporin 7.9 mg capsule', '2020-01-01')$$,
                'partitioned: clean rows into every partition are accepted, the reordered one included');
SELECT is((SELECT string_agg(tableoid::regclass::text || ':' || id, ',' ORDER BY id) FROM part_claims),
          'part_claims_2023:1,part_claims_2024:2,part_claims_2025:3', '... and stored in their partitions');
SELECT is(pg_temp.attempt($$INSERT INTO part_claims (id, dos, line, payer, units, dx, note, tx) VALUES
                            (4, '2023-06-01', 'J7599-KX', 'medicare', 0, '{Z94.0}', 'voclosporin 7.9 mg capsule', '2020-01-01')$$)
          ->> 'message', 'row of table "part_claims_2023" violates j7599 rules: UNITS_INVALID',
          'partitioned: a bad row routed to an existing partition is refused');
SELECT is(pg_temp.attempt($$INSERT INTO part_claims (id, dos, line, payer, units, dx, note, tx) VALUES
                            (5, '2024-06-01', 'J7599-KX-JW-JZ', 'medicare', 1, '{Z94.0}', 'voclosporin 7.9 mg capsule', '2020-01-01')$$)
          ->> 'message', 'row of table "part_claims_2024" violates j7599 rules: MODIFIER_CONFLICT',
          'partitioned: a bad row routed to the partition created afterwards is refused');
SELECT is(pg_temp.attempt($$INSERT INTO part_claims (id, dos, line, payer, units, dx, note, tx) VALUES
                            (6, '2025-06-01', 'J7599-KX', 'medicare', 0, '{Z94.0}', 'voclosporin 7.9 mg capsule', '2020-01-01')$$)
          ->> 'message', 'row of table "part_claims_2025" violates j7599 rules: UNITS_INVALID',
          'partitioned: the attached partition reads units by name, not by position');
SELECT is(pg_temp.attempt($$INSERT INTO part_claims_2025 (id, dos, line, payer, units, dx, note, tx) VALUES
                            (7, '2025-06-01', 'J7599-KX', 'medicare_bid', 1, '{Z9}', 'voclosporin 7.9 mg capsule', '2020-01-01')$$)
          ->> 'message', 'row of table "part_claims_2025" violates j7599 rules: DX_MALFORMED, DX_NOT_COVERED',
          'partitioned: a bad row inserted into the attached partition directly is refused');
SELECT is(pg_temp.attempt($$INSERT INTO part_claims_2025 (id, dos, line, payer, units, dx, note, tx) VALUES
                            (8, '2025-06-01', 'J7599-KX', 'medicare', 1, '{Z94.0}', NULL, '2020-01-01')$$)
          ->> 'message', 'row of table "part_claims_2025" violates j7599 rules: NARRATIVE_MISSING',
          'partitioned: the attached partition reads the narrative by name');
SELECT is(pg_temp.attempt($$INSERT INTO part_claims (id, dos, line, payer, units, dx, note, tx) VALUES
                            (9, '2025-06-01', 'J7599-KX', 'medicare_bid', 1, NULL, 'voclosporin 7.9 mg capsule', '2020-01-01')$$)
          ->> 'message', 'row of table "part_claims_2025" violates j7599 rules: DX_MISSING',
          'partitioned: the attached partition reads payer and service date by name (the Medicare Part B-ID policy applies)');
SELECT is(pg_temp.state($$UPDATE part_claims SET units = 0 WHERE id = 3$$), '23514',
          'partitioned: an UPDATE in the attached partition is checked');
SELECT is(pg_temp.state($$UPDATE part_claims SET dos = '2025-02-01', line = 'J7599-KX-JW-JZ' WHERE id = 1$$), '23514',
          'partitioned: an UPDATE that moves a bad row to another partition is refused');
SELECT throws_ok($$SELECT j7599.enforce('part_claims_2024', 'warning')$$, '55000',
                 'partition public.part_claims_2024 is enforced through public.part_claims',
                 'enforce: a partition enforced through its parent is refused with 55000');
SELECT throws_ok($$SELECT j7599.unenforce('part_claims_2024')$$, '55000', NULL,
                 'unenforce: a partition enforced through its parent is refused with 55000');
SELECT lives_ok($$SELECT j7599.unenforce('part_claims')$$, 'unenforce: a partitioned table');
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgname = 'j7599_enforce'
            AND tgrelid IN ('part_claims'::regclass, 'part_claims_2023'::regclass, 'part_claims_2024'::regclass,
                            'part_claims_2025'::regclass)), 0,
          'unenforce: the partitions lose the trigger too');
SELECT is(pg_temp.state($$INSERT INTO part_claims (id, dos, line, units) VALUES (10, '2025-06-01', 'J7599-JW-JZ', 0)$$),
          '00000', 'unenforce: a bad row passes into a partition again');

-- ------------------------------------- the row as stored: generated columns

-- the line is built from separate columns by a stored generated column
CREATE TABLE gen_claims (
    id    int PRIMARY KEY,
    code  text,
    m1    text,
    m2    text,
    line  j7599.hcpcs_line GENERATED ALWAYS AS (j7599.hcpcs_line(code, m1, m2)) STORED,
    units numeric
);
SELECT j7599.register('gen_claims', line => 'line', units => 'units');
SELECT j7599.enforce('gen_claims');
SELECT lives_ok($$INSERT INTO gen_claims (id, code, m1, m2, units) VALUES (1, 'J7507', 'JZ', NULL, 1)$$,
                'generated line: a clean row is accepted');
SELECT is(pg_temp.attempt($$INSERT INTO gen_claims (id, code, m1, m2, units) VALUES (2, 'J7507', 'JW', 'JZ', 1)$$)
          ->> 'message', 'row of table "gen_claims" violates j7599 rules: MODIFIER_CONFLICT',
          'generated line: the stored value is validated (JW and JZ are refused)');
SELECT is(pg_temp.state($$UPDATE gen_claims SET m2 = 'JW' WHERE id = 1$$), '23514',
          'generated line: an UPDATE that makes the generated line bad is refused');
SELECT is((SELECT line::text FROM gen_claims WHERE id = 1), 'J7507-JZ', '... and the row keeps its line');

-- a partitioned table with a generated line, a partition with another column order
CREATE TABLE gen_part (
    id    int,
    code  text,
    m1    text,
    line  j7599.hcpcs_line GENERATED ALWAYS AS (j7599.hcpcs_line(code, m1)) STORED,
    units numeric
) PARTITION BY RANGE (id);
CREATE TABLE gen_part_1 PARTITION OF gen_part FOR VALUES FROM (0) TO (100);
CREATE TABLE gen_part_2 (units numeric, m1 text, code text, id int,
                         line j7599.hcpcs_line GENERATED ALWAYS AS (j7599.hcpcs_line(code, m1)) STORED);
ALTER TABLE gen_part ATTACH PARTITION gen_part_2 FOR VALUES FROM (100) TO (200);
SELECT j7599.register('gen_part', line => 'line', units => 'units');
SELECT j7599.enforce('gen_part');
SELECT lives_ok($$INSERT INTO gen_part (id, code, m1, units) VALUES (1, 'J7507', 'JZ', 1), (101, 'J7507', 'JZ', 1)$$,
                'generated line, partitioned: clean rows into both partitions are accepted');
SELECT is(pg_temp.attempt($$INSERT INTO gen_part (id, code, m1, units) VALUES (2, 'J7507', 'JZ-JW', 1)$$) ->> 'state',
          '22P02', 'generated line, partitioned: a malformed modifier fails in the generation expression');
SELECT is(pg_temp.state($$UPDATE gen_part SET m1 = 'JW' WHERE id = 101$$), '00000',
          'generated line, partitioned: a clean UPDATE passes');
SELECT is(pg_temp.state($$INSERT INTO gen_part (id, code, m1, units) VALUES (103, 'J7507', 'GA', 0)$$), '23514',
          'generated line, partitioned: a bad row routed to the attached partition is refused');
SELECT is(pg_temp.state($$UPDATE gen_part SET id = 150, m1 = NULL, units = 0 WHERE id = 1$$), '23514',
          'generated line, partitioned: an UPDATE moving a bad row to another partition is refused');

-- ------------------------------------------- the row as stored: BEFORE triggers

-- a user BEFORE trigger whose name sorts after j7599_enforce rewrites the row
CREATE TABLE late_claims (id int PRIMARY KEY, line text, units numeric);
CREATE FUNCTION pg_temp.rewrite_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.line = 'J7507-JZ' THEN
        NEW.line := 'J7507-JW-JZ';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER j7599_zz_rewrite BEFORE INSERT OR UPDATE ON late_claims
    FOR EACH ROW EXECUTE FUNCTION pg_temp.rewrite_line();
SELECT j7599.register('late_claims', line => 'line', units => 'units');
SELECT j7599.enforce('late_claims');
SELECT ok('j7599_enforce' < 'j7599_zz_rewrite'::text COLLATE "C", 'the user trigger''s name sorts after j7599_enforce');
SELECT is(pg_temp.attempt($$INSERT INTO late_claims VALUES (1, 'J7507-JZ', 1)$$) ->> 'message',
          'row of table "late_claims" violates j7599 rules: MODIFIER_CONFLICT',
          'a later BEFORE trigger''s rewrite of the line is validated (INSERT)');
SELECT lives_ok($$INSERT INTO late_claims VALUES (2, 'J7507-JW', 1)$$, '... a row it leaves alone is accepted');
SELECT is(pg_temp.state($$UPDATE late_claims SET line = 'J7507-JZ' WHERE id = 2$$), '23514',
          'a later BEFORE trigger''s rewrite of the line is validated (UPDATE)');
SELECT is((SELECT string_agg(id || ':' || line, ',' ORDER BY id) FROM late_claims), '2:J7507-JW',
          '... and no rewritten bad row is stored');

-- --------------------------------------------- plain inheritance children

CREATE TABLE inh_claims (id int, line text, payer text, dos date, units numeric, dx text[]);
CREATE TABLE inh_child () INHERITS (inh_claims);
SELECT j7599.register('inh_claims', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      dx => '{dx}');
SELECT lives_ok($$SELECT j7599.enforce('inh_claims')$$, 'inheritance: enforce a table with a child');
SELECT has_trigger('inh_child', 'j7599_enforce', 'inheritance: the existing child has the trigger');
SELECT lives_ok($$INSERT INTO inh_child VALUES (1, 'J7507', NULL, NULL, 1, NULL)$$,
                'inheritance: a clean row into the child is accepted');
SELECT is(pg_temp.attempt($$INSERT INTO inh_child VALUES (2, 'J7507-JW-JZ', NULL, NULL, 1, NULL)$$) ->> 'message',
          'row of table "inh_child" violates j7599 rules: MODIFIER_CONFLICT',
          'inheritance: a bad row into the existing child is refused');
SELECT is(pg_temp.state($$UPDATE inh_claims SET units = 0 WHERE id = 1$$), '23514',
          'inheritance: an UPDATE through the parent of a child''s row is checked');
-- created later, and a grandchild
CREATE TABLE inh_later (note text) INHERITS (inh_claims);
SELECT has_trigger('inh_later', 'j7599_enforce', 'inheritance: a child created afterwards (INHERITS) has it');
SELECT is(pg_temp.state($$INSERT INTO inh_later (id, line, units) VALUES (3, 'J7507', 0)$$), '23514',
          'inheritance: a bad row into the child created afterwards is refused');
CREATE TABLE inh_grandchild () INHERITS (inh_later);
SELECT has_trigger('inh_grandchild', 'j7599_enforce', 'inheritance: a grandchild created afterwards has it');
SELECT is(pg_temp.state($$INSERT INTO inh_grandchild (id, line, units) VALUES (4, 'J7507-JW-JZ', 1)$$), '23514',
          'inheritance: a bad row into the grandchild is refused');
-- ALTER TABLE ... INHERIT, columns in another order and an extra one
CREATE TABLE inh_attached (extra text, units numeric, dx text[], dos date, payer text, line text, id int);
CREATE TABLE inh_attached_child () INHERITS (inh_attached);
SELECT hasnt_trigger('inh_attached', 'j7599_enforce', 'inheritance: a table that inherits nothing has no trigger');
ALTER TABLE inh_attached INHERIT inh_claims;
SELECT has_trigger('inh_attached', 'j7599_enforce', 'inheritance: a table that inherits afterwards (INHERIT) has it');
SELECT has_trigger('inh_attached_child', 'j7599_enforce', '... and so has its own child');
SELECT is(pg_temp.attempt($$INSERT INTO inh_attached (id, line, units) VALUES (5, 'J7507', 0)$$) ->> 'message',
          'row of table "inh_attached" violates j7599 rules: UNITS_INVALID',
          'inheritance: the table that inherits afterwards reads its columns by name');
SELECT is(pg_temp.state($$INSERT INTO inh_attached_child (id, line, units) VALUES (7, 'J7507-JW-JZ', 1)$$), '23514',
          'inheritance: a bad row into its child is refused');
-- the children are enforced through the parent
SELECT throws_ok($$SELECT j7599.enforce('inh_child', 'warning')$$, '55000',
                 'table public.inh_child is enforced through public.inh_claims',
                 'enforce: an inheritance child enforced through its parent is refused with 55000');
SELECT throws_ok($$SELECT j7599.unenforce('inh_grandchild')$$, '55000',
                 'table public.inh_grandchild is enforced through public.inh_claims',
                 'unenforce: an inheritance grandchild enforced through its ancestor is refused with 55000');
SELECT is(j7599._enforced_severity('inh_child'), NULL, 'a child has no enforcement of its own');
-- the parent enforced again at another severity: every descendant follows
SELECT lives_ok($$SELECT j7599.enforce('inh_claims', 'warning')$$, 'inheritance: enforce the parent again at warning');
SELECT is((SELECT count(*)::int FROM pg_trigger
            WHERE tgname = 'j7599_enforce' AND tgrelid IN ('inh_child'::regclass, 'inh_later'::regclass,
                  'inh_grandchild'::regclass, 'inh_attached'::regclass, 'inh_attached_child'::regclass)
              AND j7599._enforce_trigger_args(tgrelid) = j7599._enforce_trigger_args('inh_claims')
              AND (j7599._enforce_trigger_args(tgrelid))[1] = 'warning'), 5,
          'inheritance: every descendant carries the parent''s new trigger');
SELECT lives_ok($$SELECT j7599.unenforce('inh_claims')$$, 'unenforce: a table with inheritance children');
SELECT is((SELECT count(*)::int FROM pg_trigger
            WHERE tgname = 'j7599_enforce' AND tgrelid IN ('inh_claims'::regclass, 'inh_child'::regclass,
                  'inh_later'::regclass, 'inh_grandchild'::regclass, 'inh_attached'::regclass,
                  'inh_attached_child'::regclass)), 0,
          'unenforce: the descendants lose the trigger too');
SELECT is(pg_temp.state($$INSERT INTO inh_child VALUES (8, 'J7507-JW-JZ', NULL, NULL, 0, NULL)$$), '00000',
          'unenforce: a bad row passes into a child again');
CREATE TABLE inh_unenforced () INHERITS (inh_claims);
SELECT hasnt_trigger('inh_unenforced', 'j7599_enforce', 'a child of a table that is not enforced gets no trigger');

-- ------------------------------------------------------- many dx columns

CREATE TABLE many_dx (id int PRIMARY KEY, line text, units numeric,
                      d1 text, d2 text, d3 text, d4 text, d5 text, d6 text, d7 text, d8 text, d9 text, d10 text);
SELECT throws_ok($$SELECT j7599.register('many_dx', line => 'line', units => 'units',
                                         dx => '{d1,d2,d3,d4,d5,d6,d7,d8,d9,d10}')$$,
                 '22023', 'dx names 10 columns; at most 8 can be registered',
                 'register: more than 8 dx columns are refused, not silently cut');
SELECT j7599.register('many_dx', line => 'line', units => 'units', dx => '{d1,d2,d3,d4,d5,d6,d7,d8}');
SELECT j7599.enforce('many_dx');
SELECT is(pg_temp.state($$INSERT INTO many_dx (id, line, units, d8) VALUES (1, 'J7507', 1, 'Q')$$), '23514',
          'dx: a malformed diagnosis in the 8th registered dx column is refused');
SELECT is(pg_temp.state($$INSERT INTO many_dx (id, line, units, d1) VALUES (2, 'J7507', 1, 'Q')$$), '23514',
          'dx: a malformed diagnosis in the 1st registered dx column is refused');

-- --------------------------------------------------------------- domains

CREATE DOMAIN line_text AS text;
CREATE DOMAIN line_text2 AS line_text;
CREATE TABLE domain_claims (id int, line line_text2, units numeric);
SELECT is(pg_temp.state($$SELECT j7599.register('domain_claims', line => 'line')$$), '00000',
          'register: a domain over a domain over text holds a line');

SELECT * FROM finish();
ROLLBACK;
