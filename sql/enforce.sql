-- enforce: registering a claim table, enforcing it (INSERT, UPDATE, COPY),
-- auditing a legacy table, and the CHECK constraint path for legacy rows.
-- Leaves the database as it found it (the extension is dropped again when
-- this file installed it), so the output does not depend on test order.
SELECT NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'j7599') AS j7599_absent,
       NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'btree_gist') AS btree_gist_absent \gset
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS j7599 CASCADE;
RESET client_min_messages;
\set VERBOSITY default
-- message, detail and hint; the PL/pgSQL call stack is left out
\set SHOW_CONTEXT never

-- ---------------------------------------------------------------- register

CREATE TABLE claim_line (
    claim_id        text,
    line_no         int,
    hcpcs           text,
    payer_name      text,
    dos             date,
    units           numeric,
    ndc             text,
    pos             text,
    dx1             text,
    dx2             text,
    line_note       text,
    transplant_date date,
    PRIMARY KEY (claim_id, line_no)
);

-- a column that is not there, a column of the wrong type
SELECT j7599.register('claim_line', line => 'hcpcs', payer => 'payer');
SELECT j7599.register('claim_line', line => 'hcpcs', units => 'dos');

SELECT j7599.register('claim_line', line => 'hcpcs', payer => 'payer_name', service_date => 'dos',
                      units => 'units', ndc => 'ndc', pos => 'pos', dx => '{dx1,dx2}',
                      narrative => 'line_note', transplant_date => 'transplant_date');
SELECT tbl, line, payer, service_date, units, ndc, pos, dx, narrative, transplant_date
FROM j7599.registration WHERE tbl = 'claim_line'::regclass;

-- enforcing needs a known severity
SELECT j7599.enforce('claim_line', 'critical');
SELECT j7599.enforce('claim_line');
SELECT tgname, tgenabled, pg_get_triggerdef(oid) FROM pg_trigger
WHERE tgrelid = 'claim_line'::regclass AND NOT tgisinternal ORDER BY tgname;

-- ----------------------------------------------------------------- INSERT

-- a clean Medicare line
INSERT INTO claim_line VALUES ('C-100', 1, 'J7599-KX', 'Medicare', '2024-03-01', 1, '00069-0150-01', '12',
                               'Z94.0', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily', '2020-01-01');
-- JW and JZ together, and units 0: refused, every finding in the detail
INSERT INTO claim_line VALUES ('C-100', 2, 'J7599-KX-JW-JZ', 'Medicare', '2024-03-01', 0, '00069-0150-01', '12',
                               'Z94.0', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily', '2020-01-01');
-- a malformed line in the text column
INSERT INTO claim_line VALUES ('C-100', 3, 'J7599-K', 'Medicare', '2024-03-01', 1, '00069-0150-01', '12',
                               'Z94.0', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily', '2020-01-01');
-- KX without a transplant date is a warning: accepted at severity error
INSERT INTO claim_line VALUES ('C-100', 4, 'J7599-KX', 'Medicare', '2024-03-01', 1, '00069-0150-01', '12',
                               'Z94.0', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily', NULL);

-- ----------------------------------------------------------------- UPDATE

UPDATE claim_line SET units = -2 WHERE claim_id = 'C-100' AND line_no = 1;
UPDATE claim_line SET dx2 = 'T86.10' WHERE claim_id = 'C-100' AND line_no = 1;
SELECT claim_id, line_no, hcpcs, units, dx1, dx2 FROM claim_line ORDER BY claim_id, line_no;

-- ------------------------------------------------------------------- COPY

-- the third row has a bare 10-digit NDC: the whole COPY is refused (the
-- check runs after the rows are stored, once the input is read, so the
-- error names no input line: the detail says what is wrong)
\set SHOW_CONTEXT errors
COPY claim_line FROM STDIN (FORMAT csv);
C-200,1,J7599-KX,Medicare,2024-04-01,1,00069-0150-01,12,Z94.0,,"voclosporin 7.9 mg capsule, 3 caps twice daily",2020-01-01
C-200,2,J7599-KX,Medicare,2024-04-01,2,00069-0150-01,12,T86.10,,"voclosporin 7.9 mg capsule, 3 caps twice daily",2020-01-01
C-200,3,J7599-KX,Medicare,2024-04-01,1,0006915001,12,Z94.0,,"voclosporin 7.9 mg capsule, 3 caps twice daily",2020-01-01
C-200,4,J7599-KX,Medicare,2024-04-01,1,00069-0150-01,12,Z94.0,,"voclosporin 7.9 mg capsule, 3 caps twice daily",2020-01-01
\.
\set SHOW_CONTEXT never
SELECT count(*) AS c200_rows FROM claim_line WHERE claim_id = 'C-200';

-- the same load without the bad row
COPY claim_line FROM STDIN (FORMAT csv);
C-200,1,J7599-KX,Medicare,2024-04-01,1,00069-0150-01,12,Z94.0,,"voclosporin 7.9 mg capsule, 3 caps twice daily",2020-01-01
C-200,2,J7599-KX,Medicare,2024-04-01,2,00069-0150-01,12,T86.10,,"voclosporin 7.9 mg capsule, 3 caps twice daily",2020-01-01
C-200,4,J7599-KX,Medicare,2024-04-01,1,00069-0150-01,12,Z94.0,,"voclosporin 7.9 mg capsule, 3 caps twice daily",2020-01-01
\.
SELECT claim_id, line_no, hcpcs, units, ndc FROM claim_line ORDER BY claim_id, line_no;

-- at severity warning, the warning of line 4 would be refused; the table
-- has such a row already: audit finds it
SELECT j7599.enforce('claim_line', 'warning');
INSERT INTO claim_line VALUES ('C-300', 1, 'J7599-KX', 'Medicare', '2024-03-01', 1, '00069-0150-01', '12',
                               'Z94.0', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily', NULL);
SELECT row_key, rule, severity, field FROM j7599.audit('claim_line') ORDER BY row_key::text, rule;

-- unenforce: the trigger is gone, the registration stays
SELECT j7599.unenforce('claim_line');
SELECT count(*) AS enforce_triggers FROM pg_trigger WHERE tgrelid = 'claim_line'::regclass AND tgname = 'j7599_enforce';
SELECT j7599.unenforce('claim_line');
SELECT count(*) AS registrations FROM j7599.registration WHERE tbl = 'claim_line'::regclass;

-- ------------------------------------------------ a legacy table: CHECK path

CREATE TABLE legacy_line (
    id    int PRIMARY KEY,
    hcpcs j7599.hcpcs_line,
    units numeric,
    ndc   text,
    pos   text,
    dx    text[]
);
INSERT INTO legacy_line VALUES
    (1, 'J7507',       1, '00069-0150-01', '12', '{Z94.0}'),
    (2, 'J7507-JZ-JZ', 1, NULL,            '12', '{Z94.0}'),
    (3, 'J7520',       0, NULL,            '12', '{T86.10}'),
    (4, 'J7507',       1, '0006915001',    '12', '{Z94.0}'),
    (5, 'J7507',       1, NULL,            '1',  '{Z94.0}'),
    (6, 'J7507',       2, NULL,            '12', '{Z94.0,Z9}'),
    (7, 'J7507-RT',    1, NULL,            '12', '{Z94.0}'),
    (8, 'J7507-JW-JZ', 1, NULL,            '12', '{Z94.0}'),
    (9, 'J7520',       3, NULL,            NULL, NULL);

-- the table-free rules as a CHECK, NOT VALID: new rows are checked at once,
-- the legacy rows later
ALTER TABLE legacy_line ADD CONSTRAINT legacy_line_ok
    CHECK (j7599.line_ok(hcpcs, units, ndc, pos, dx)) NOT VALID;
INSERT INTO legacy_line VALUES (10, 'J7507-JW-JZ', 1, NULL, '12', '{Z94.0}');
ALTER TABLE legacy_line VALIDATE CONSTRAINT legacy_line_ok;

-- which rows, which rules
SELECT j7599.register('legacy_line', line => 'hcpcs', units => 'units', ndc => 'ndc', pos => 'pos', dx => '{dx}');
SELECT * FROM j7599.audit_summary('legacy_line');
SELECT row_key, rule, severity, field, message FROM j7599.audit('legacy_line') ORDER BY row_key::text, rule, message;
SELECT id, hcpcs FROM legacy_line WHERE NOT j7599.line_ok(hcpcs, units, ndc, pos, dx) ORDER BY id;

-- the same summary, with progress reported
SET j7599.audit_progress = on;
SELECT * FROM j7599.audit_summary('legacy_line');
SET j7599.audit_progress = off;

-- a larger legacy table: progress after each of ten slices
CREATE TABLE legacy_history AS
SELECT g AS id, (CASE WHEN g % 50 = 0 THEN 'J7507-JW-JZ' ELSE 'J7507' END)::j7599.hcpcs_line AS hcpcs,
       (CASE WHEN g % 40 = 0 THEN 0 ELSE 1 END)::numeric AS units
FROM generate_series(1, 4700) AS g;
ALTER TABLE legacy_history ADD PRIMARY KEY (id);
SELECT j7599.register('legacy_history', line => 'hcpcs', units => 'units');
SET j7599.audit_progress = on;
SELECT * FROM j7599.audit_summary('legacy_history');
SET j7599.audit_progress = off;
SELECT * FROM j7599.audit_summary('legacy_history');

-- fix the rows and validate the constraint
UPDATE legacy_line SET hcpcs = 'J7507-JZ' WHERE id IN (2, 8);
UPDATE legacy_line SET units = 1 WHERE id = 3;
UPDATE legacy_line SET ndc = '00069-0150-01' WHERE id = 4;
UPDATE legacy_line SET pos = '12' WHERE id = 5;
UPDATE legacy_line SET dx = '{Z94.0}' WHERE id = 6;
SELECT rule, severity, rows_violated, rows_checked FROM j7599.audit_summary('legacy_line');
ALTER TABLE legacy_line VALIDATE CONSTRAINT legacy_line_ok;
SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'legacy_line'::regclass AND contype = 'c';
INSERT INTO legacy_line VALUES (11, 'J7507', 0, NULL, '12', '{Z94.0}');

-- ------------------------------------------- the row as stored, with COPY

-- a line built by a stored generated column, and a BEFORE trigger whose name
-- sorts after j7599_enforce: the check reads the row as stored
CREATE TABLE gen_line (
    id    int,
    code  text,
    m1    text,
    m2    text,
    hcpcs j7599.hcpcs_line GENERATED ALWAYS AS (j7599.hcpcs_line(code, m1, m2)) STORED,
    units numeric
);
CREATE FUNCTION gen_line_units() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.units = 99 THEN
        NEW.units := 0;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER j7599_zz_units BEFORE INSERT OR UPDATE ON gen_line
    FOR EACH ROW EXECUTE FUNCTION gen_line_units();
SELECT j7599.register('gen_line', line => 'hcpcs', units => 'units');
SELECT j7599.enforce('gen_line');
COPY gen_line (id, code, m1, m2, units) FROM STDIN (FORMAT csv);
1,J7507,JZ,,1
2,J7507,JW,JZ,1
\.
COPY gen_line (id, code, m1, m2, units) FROM STDIN (FORMAT csv);
1,J7507,JZ,,1
3,J7507,JZ,,99
\.
COPY gen_line (id, code, m1, m2, units) FROM STDIN (FORMAT csv);
1,J7507,JZ,,1
4,J7507,JW,,2
\.
SELECT id, hcpcs, units FROM gen_line ORDER BY id;
UPDATE gen_line SET m2 = 'JZ' WHERE id = 4;
UPDATE gen_line SET units = 99 WHERE id = 1;
SELECT id, hcpcs, units FROM gen_line ORDER BY id;

-- ------------------------------------------------------------------ clean up

DELETE FROM j7599.registration
WHERE tbl IN ('claim_line'::regclass, 'legacy_line'::regclass, 'legacy_history'::regclass, 'gen_line'::regclass);
DROP TABLE claim_line, legacy_line, legacy_history, gen_line;
DROP FUNCTION gen_line_units();
\if :j7599_absent
DROP EXTENSION j7599;
\endif
\if :btree_gist_absent
DROP EXTENSION btree_gist;
\endif
