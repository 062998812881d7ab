-- test/pgtap/claims.sql: the claim-level rules.  Each of the five rules
-- firing and staying silent at its edges, through j7599.claim_findings;
-- audit_claims equal to claim_findings grouped by the claim key (serial and
-- parallel); j7599.unit_limit and load_unit_limits; register(claim_key);
-- enforce_claims on INSERT, UPDATE and DELETE, ownership, and claims spread
-- over the partitions of a partitioned table.  COPY into a table whose
-- claims are enforced is in test/shell/claims_enforce.sh.
--
-- Runs in one transaction and rolls back.
BEGIN;
SET LOCAL search_path = public, j7599;
SELECT plan(92);

\ir lib/attempt.sql

-- the lines of test claims, in the order they are given
CREATE TABLE cl_lines (
    ord    serial,
    claim  text NOT NULL,
    line   j7599.hcpcs_line,
    dos    date,
    units  numeric,
    ndc    text,
    payer  text DEFAULT 'medicare'
);
-- the rule ids of one claim's findings, sorted
CREATE FUNCTION pg_temp.rules_of(c text) RETURNS text[] LANGUAGE sql AS $$
    SELECT coalesce(ARRAY(SELECT f.rule FROM unnest(
               (SELECT j7599.claim_findings(line, dos, units, ndc, payer ORDER BY ord) FROM cl_lines WHERE claim = c)) AS f
           ORDER BY 1), '{}')
$$;
CREATE FUNCTION pg_temp.findings_of(c text) RETURNS SETOF j7599.finding LANGUAGE sql AS $$
    SELECT * FROM unnest((SELECT j7599.claim_findings(line, dos, units, ndc, payer ORDER BY ord) FROM cl_lines WHERE claim = c))
$$;

-- ------------------------------------------------------------ catalogue

SELECT is(ARRAY(SELECT rule FROM j7599.rules() WHERE scope = 'claim' ORDER BY rule),
          '{DUPLICATE_LINE,SUPPLY_FEE_WITHOUT_DRUG,UNITS_EXCEED_DAILY_LIMIT,WASTE_MODIFIERS_MIXED,WASTE_WITHOUT_ADMINISTERED}',
          'rules(): the five claim-level rules, scope claim');
SELECT is((SELECT severity FROM j7599.rules() WHERE rule = 'DUPLICATE_LINE'), 'warning', 'DUPLICATE_LINE is a warning');
SELECT is((SELECT count(*)::int FROM j7599.rules() WHERE scope = 'claim' AND severity = 'error'), 4, 'the other four are errors');
SELECT has_function('j7599', 'audit_claims', ARRAY['regclass'], 'audit_claims(regclass) exists');
SELECT has_function('j7599', 'enforce_claims', ARRAY['regclass', 'text'], 'enforce_claims(regclass, text) exists');
SELECT has_function('j7599', 'unenforce_claims', ARRAY['regclass'], 'unenforce_claims(regclass) exists');
SELECT ok((SELECT aggcombinefn = 'j7599._claim_combine'::regproc AND aggserialfn = 'j7599._claim_serial'::regproc
             FROM pg_aggregate WHERE aggfnoid = 'j7599.claim_findings(j7599.hcpcs_line, date, numeric, text, text)'::regprocedure),
          'claim_findings has combine and serialise functions');
SELECT is((SELECT proparallel FROM pg_proc WHERE oid = 'j7599.claim_findings(j7599.hcpcs_line, date, numeric, text, text)'::regprocedure),
          's', 'claim_findings is parallel safe');

-- ------------------------------------------------ SUPPLY_FEE_WITHOUT_DRUG

INSERT INTO cl_lines (claim, line, dos, units) VALUES
    ('fee+drug', 'Q0511', '2024-03-01', 1), ('fee+drug', 'J7507', '2024-03-01', 60),
    ('fee-alone', 'Q0511', '2024-03-01', 1),
    ('drug-alone', 'J7507', '2024-03-01', 60),
    ('fee+noc', 'Q0512', '2024-03-01', 1), ('fee+noc', 'J7599', '2024-03-01', 1),
    ('fee+anticancer', 'Q0511', '2024-03-01', 1), ('fee+anticancer', 'J8520', '2024-03-01', 30),
    ('fee+antiemetic', 'Q0511', '2024-03-01', 1), ('fee+antiemetic', 'Q0162', '2024-03-01', 1),
    ('fee+nonchemo', 'Q0510', '2024-03-01', 1), ('fee+nonchemo', 'J8499', '2024-03-01', 1),
    ('fee+other-date', 'Q0511', '2024-03-01', 1), ('fee+other-date', 'J7507', '2024-04-01', 60);
SELECT is(pg_temp.rules_of('fee+drug'), '{}', 'supply fee with an immunosuppressive line on the same claim: silent');
SELECT is(pg_temp.rules_of('fee-alone'), '{SUPPLY_FEE_WITHOUT_DRUG}', 'supply fee whose drug is on another claim: fires');
SELECT is(pg_temp.rules_of('drug-alone'), '{}', 'a drug without a supply fee: silent');
SELECT is(pg_temp.rules_of('fee+noc'), '{}', 'Q0512 with J7599 (NOC immunosuppressive): silent');
SELECT is(pg_temp.rules_of('fee+anticancer'), '{}', 'supply fee with an oral anti-cancer drug (J8520): silent');
SELECT is(pg_temp.rules_of('fee+antiemetic'), '{}', 'supply fee with an oral anti-emetic (Q0162): silent');
SELECT is(pg_temp.rules_of('fee+nonchemo'), '{SUPPLY_FEE_WITHOUT_DRUG}', 'Q0510 with J8499 (oral, non-chemotherapy): fires');
SELECT is(pg_temp.rules_of('fee+other-date'), '{}', 'supply fee and drug on the same claim, other dates: silent (the rule is per claim)');
SELECT is((SELECT message FROM pg_temp.findings_of('fee-alone')),
          'Q0511 (2024-03-01) is a supply fee, but no line of the claim is an oral immunosuppressive, anti-cancer or anti-emetic drug',
          'the message names the line');

-- --------------------------------------------- WASTE_WITHOUT_ADMINISTERED

INSERT INTO cl_lines (claim, line, dos, units, ndc) VALUES
    ('jw+given', 'J7507', '2024-03-01', 10, NULL), ('jw+given', 'J7507-JW', '2024-03-01', 2, NULL),
    ('jw-alone', 'J7507-JW', '2024-03-01', 2, NULL),
    ('jw+other-date', 'J7507', '2024-03-02', 10, NULL), ('jw+other-date', 'J7507-JW', '2024-03-01', 2, NULL),
    ('jw+other-code', 'J7502', '2024-03-01', 10, NULL), ('jw+other-code', 'J7507-JW', '2024-03-01', 2, NULL),
    ('jw+other-ndc', 'J7507', '2024-03-01', 10, '00469-0617-71'), ('jw+other-ndc', 'J7507-JW', '2024-03-01', 2, '00469-0607-73'),
    ('jw+same-ndc', 'J7507', '2024-03-01', 10, '00469-0617-71'), ('jw+same-ndc', 'J7507-JW', '2024-03-01', 2, '00469061771'),
    ('jw+given-no-ndc', 'J7507', '2024-03-01', 10, NULL), ('jw+given-no-ndc', 'J7507-JW', '2024-03-01', 2, '00469-0607-73'),
    ('jw+jw', 'J7507-JW', '2024-03-01', 2, NULL), ('jw+jw', 'J7507-JW-KX', '2024-03-01', 1, NULL);
SELECT is(pg_temp.rules_of('jw+given'), '{}', 'a JW line with its administered line: silent');
SELECT is(pg_temp.rules_of('jw-alone'), '{WASTE_WITHOUT_ADMINISTERED}', 'a JW line alone: fires');
SELECT is(pg_temp.rules_of('jw+other-date'), '{WASTE_WITHOUT_ADMINISTERED}', 'administered line on another date: fires');
SELECT is(pg_temp.rules_of('jw+other-code'), '{WASTE_WITHOUT_ADMINISTERED}', 'administered line of another code: fires');
SELECT is(pg_temp.rules_of('jw+other-ndc'), '{WASTE_WITHOUT_ADMINISTERED}', 'administered line of another NDC: fires');
SELECT is(pg_temp.rules_of('jw+same-ndc'), '{}', 'the same NDC written two ways: silent');
SELECT is(pg_temp.rules_of('jw+given-no-ndc'), '{}', 'administered line without an NDC: silent (the NDC counts where both give one)');
SELECT is(pg_temp.rules_of('jw+jw'), '{WASTE_WITHOUT_ADMINISTERED,WASTE_WITHOUT_ADMINISTERED}', 'two JW lines and no administered one: each fires');
SELECT matches((SELECT message FROM pg_temp.findings_of('jw+other-ndc')), '^J7507-JW \(2024-03-01, NDC 00469060773\) bills a discarded amount',
               'the message names the JW line, its date and NDC');

-- ------------------------------------------------- WASTE_MODIFIERS_MIXED

INSERT INTO cl_lines (claim, line, dos, units) VALUES
    ('jw+jz', 'J7507', '2024-03-01', 10), ('jw+jz', 'J7507-JW', '2024-03-01', 2), ('jw+jz', 'J7507-JZ', '2024-03-01', 10),
    ('jw+jz-dates', 'J7507', '2024-03-01', 10), ('jw+jz-dates', 'J7507-JW', '2024-03-01', 2), ('jw+jz-dates', 'J7507-JZ', '2024-03-02', 10),
    ('jw+jz-codes', 'J7502', '2024-03-01', 10), ('jw+jz-codes', 'J7502-JW', '2024-03-01', 2), ('jw+jz-codes', 'J7507-JZ', '2024-03-01', 10),
    ('jz-alone', 'J7507-JZ', '2024-03-01', 10);
SELECT is(pg_temp.rules_of('jw+jz'), '{WASTE_MODIFIERS_MIXED}', 'JW and JZ lines for one code and date: fires');
SELECT is(pg_temp.rules_of('jw+jz-dates'), '{}', 'JW and JZ on different dates: silent');
SELECT is(pg_temp.rules_of('jw+jz-codes'), '{}', 'JW and JZ for different codes: silent');
SELECT is(pg_temp.rules_of('jz-alone'), '{}', 'a JZ line alone: silent');
SELECT is((SELECT message FROM pg_temp.findings_of('jw+jz')),
          'J7507-JW bills a discarded amount and J7507-JZ says none was discarded, for J7507 on 2024-03-01',
          'the message names both lines');

-- -------------------------------------------------------- DUPLICATE_LINE

INSERT INTO cl_lines (claim, line, dos, units, ndc) VALUES
    ('dup', 'J7507-KX', '2024-03-01', 10, '00469-0617-71'), ('dup', 'J7507-KX', '2024-03-01', 10, '00469061771'),
    ('dup-units', 'J7507', '2024-03-01', 10, NULL), ('dup-units', 'J7507', '2024-03-01', 10.5, NULL),
    ('dup-mods', 'J7507-KX-GA', '2024-03-01', 10, NULL), ('dup-mods', 'J7507-GA-KX', '2024-03-01', 10, NULL),
    ('dup-mods-differ', 'J7507-KX', '2024-03-01', 10, NULL), ('dup-mods-differ', 'J7507', '2024-03-01', 10, NULL),
    ('dup-dates', 'J7507', '2024-03-01', 10, NULL), ('dup-dates', 'J7507', '2024-03-02', 10, NULL),
    ('dup-ndc', 'J7507', '2024-03-01', 10, '00469-0617-71'), ('dup-ndc', 'J7507', '2024-03-01', 10, NULL),
    ('dup-3', 'J7507', '2024-03-01', 1, NULL), ('dup-3', 'J7507', '2024-03-01', 1, NULL), ('dup-3', 'J7507', '2024-03-01', 1.0, NULL);
SELECT is(pg_temp.rules_of('dup'), '{DUPLICATE_LINE}', 'two alike lines: fires');
SELECT is((SELECT severity FROM pg_temp.findings_of('dup')), 'warning', 'DUPLICATE_LINE is reported as a warning');
SELECT is(pg_temp.rules_of('dup-units'), '{}', 'other units: silent');
SELECT is(pg_temp.rules_of('dup-mods'), '{DUPLICATE_LINE}', 'the same modifiers in another order: fires');
SELECT is(pg_temp.rules_of('dup-mods-differ'), '{}', 'other modifiers: silent');
SELECT is(pg_temp.rules_of('dup-dates'), '{}', 'other dates: silent');
SELECT is(pg_temp.rules_of('dup-ndc'), '{}', 'an NDC on one line only: silent');
SELECT is(pg_temp.rules_of('dup-3'), '{DUPLICATE_LINE,DUPLICATE_LINE}', 'three alike lines (1 and 1.0 units): two findings');

-- ------------------------------------------------ UNITS_EXCEED_DAILY_LIMIT

INSERT INTO cl_lines (claim, line, dos, units, payer) VALUES
    ('u-two-lines', 'J7507', '2024-03-01', 6, 'medicare'), ('u-two-lines', 'J7507-KX', '2024-03-01', 6, 'medicare'),
    ('u-at-limit', 'J7507', '2024-03-01', 6, 'medicare'), ('u-at-limit', 'J7507-KX', '2024-03-01', 4, 'medicare'),
    ('u-two-dates', 'J7507', '2024-03-01', 6, 'medicare'), ('u-two-dates', 'J7507', '2024-03-02', 6, 'medicare'),
    ('u-one-line', 'J7507', '2024-03-01', 6.5, 'medicare'),
    ('u-other-payer', 'J7507', '2024-03-01', 8, 'aetna'),
    ('u-before', 'J7507', '2023-12-31', 20, 'medicare');
SELECT is(pg_temp.rules_of('u-two-lines'), '{}', 'no limit loaded: silent');

CREATE TEMP TABLE stage_limits (code text, max_units numeric, per text, payer_id text, valid daterange, source text);
SELECT is(pg_temp.attempt($$SELECT * FROM j7599.load_unit_limits('stage_limits')$$) ->> 'state', '22023',
          'load_unit_limits refuses an empty staging table (22023)');
INSERT INTO stage_limits VALUES ('J7507', 10, 'day', NULL, '[2024-01-01,)', 'test: per-day limit'),
                                ('J7507', 6, 'line', NULL, '[2024-01-01,)', 'test: per-line limit'),
                                ('J7507', 7, 'line', 'aetna', '[2024-01-01,)', 'test: Aetna per-line limit');
SELECT is((SELECT row(inserted, updated, unchanged, not_in_file)::text FROM j7599.load_unit_limits('stage_limits')),
          '(3,0,0,0)', 'load_unit_limits returns its counts');
SELECT is((SELECT row(inserted, updated, unchanged, not_in_file)::text FROM j7599.load_unit_limits('stage_limits')),
          '(0,0,3,0)', 'loading the same file again changes nothing');
SELECT is(pg_temp.rules_of('u-two-lines'), '{UNITS_EXCEED_DAILY_LIMIT}', 'units summed over two lines above the per-day limit: fires');
SELECT is((SELECT message FROM pg_temp.findings_of('u-two-lines')),
          '12 units of J7507 on 2024-03-01 (J7507: 6, J7507-KX: 6) exceed the limit of 10 per day', 'the message names the lines and the sum');
SELECT is((SELECT source FROM pg_temp.findings_of('u-two-lines')), 'test: per-day limit', 'the source is the limit''s');
SELECT is(pg_temp.rules_of('u-at-limit'), '{}', 'units at the per-day and per-line limits: silent');
SELECT is(pg_temp.rules_of('u-two-dates'), '{}', 'the same units on two dates: silent');
SELECT is(pg_temp.rules_of('u-one-line'), '{UNITS_EXCEED_DAILY_LIMIT}', 'one line above the per-line limit: fires');
SELECT matches((SELECT message FROM pg_temp.findings_of('u-one-line')), 'above the limit of 6 per line$', 'the per-line message');
SELECT is(pg_temp.rules_of('u-other-payer'), '{UNITS_EXCEED_DAILY_LIMIT}', 'the payer''s own per-line limit applies (8 > 7)');
UPDATE cl_lines SET units = 7 WHERE claim = 'u-other-payer';
SELECT is(pg_temp.rules_of('u-other-payer'), '{}', 'the payer''s own limit wins over the limit for every payer (7 <= 7)');
SELECT is(pg_temp.rules_of('u-before'), '{}', 'a date before the limits are in force: silent');
TRUNCATE stage_limits;
INSERT INTO stage_limits VALUES ('J7507', 0, 'day', NULL, NULL, 'bad');
SELECT is(pg_temp.attempt($$SELECT * FROM j7599.load_unit_limits('stage_limits')$$) ->> 'state', '22023',
          'load_unit_limits refuses a limit of 0 units (22023)');
UPDATE stage_limits SET max_units = 5, source = NULL;
SELECT is(pg_temp.attempt($$SELECT * FROM j7599.load_unit_limits('stage_limits')$$) ->> 'state', '22023',
          'load_unit_limits refuses a limit without a source (22023)');
SELECT is((SELECT count(*)::int FROM j7599.unit_limit), 3, 'refused loads changed nothing');
DELETE FROM j7599.unit_limit;

-- --------------------------------------------- audit_claims = claim_findings

CREATE TABLE claim_tbl (id serial PRIMARY KEY, claim_no text, part int, line text, payer text, dos date, units int, ndc text);
INSERT INTO claim_tbl (claim_no, part, line, payer, dos, units, ndc)
SELECT claim, 1, line::text, payer, dos, ceil(units)::int, ndc FROM cl_lines ORDER BY ord;
INSERT INTO claim_tbl (claim_no, part, line, payer, dos, units) VALUES
    ('bad-line', 1, 'not a line', 'medicare', '2024-03-01', 1), (NULL, 1, 'J7507-JW', 'medicare', '2024-03-01', 1),
    ('two-part', 1, 'J7507-JW', 'medicare', '2024-03-01', 1), ('two-part', 2, 'J7507', 'medicare', '2024-03-01', 1);
SELECT is(pg_temp.attempt($$SELECT * FROM j7599.audit_claims('claim_tbl')$$) ->> 'state', '55000',
          'audit_claims of an unregistered table: 55000');
SELECT j7599.register('claim_tbl', line => 'line', payer => 'payer', service_date => 'dos', units => 'units', ndc => 'ndc');
SELECT is(pg_temp.attempt($$SELECT * FROM j7599.audit_claims('claim_tbl')$$) ->> 'state', '55000',
          'audit_claims of a table registered without a claim key: 55000');
SELECT is(pg_temp.attempt($$SELECT j7599.register('claim_tbl', line => 'line', claim_key => ARRAY['nope'])$$) ->> 'state', '42703',
          'register with a claim key column that does not exist: 42703');
SELECT is(pg_temp.attempt($$SELECT j7599.register('claim_tbl', line => 'line', claim_key => '{}')$$) ->> 'state', '22023',
          'register with an empty claim key: 22023');
SELECT j7599.register('claim_tbl', line => 'line', payer => 'payer', service_date => 'dos', units => 'units', ndc => 'ndc',
                      claim_key => ARRAY['claim_no', 'part']);
SELECT is((SELECT claim_key FROM j7599.registration WHERE tbl = 'claim_tbl'::regclass), '{claim_no,part}'::name[],
          'the registration keeps the claim key');

CREATE TEMP TABLE by_aggregate AS
SELECT jsonb_build_object('claim_no', claim_no, 'part', part) AS k, f.*
  FROM (SELECT claim_no, part,
               j7599.claim_findings(CASE WHEN j7599.is_hcpcs_line(line) THEN line::j7599.hcpcs_line END, dos, units, ndc, payer,
                                    jsonb_build_object('id', id)::text) AS fs
          FROM claim_tbl WHERE claim_no IS NOT NULL AND part IS NOT NULL GROUP BY claim_no, part) AS s,
       unnest(s.fs) AS f;
SELECT cmp_ok((SELECT count(*) FROM by_aggregate), '>', 10::bigint, 'the table has claim-level findings');
SELECT set_eq($$SELECT claim_key, rule, severity, field, message, source FROM j7599.audit_claims('claim_tbl')$$,
              $$SELECT k, rule, severity, field, message, source FROM by_aggregate$$,
              'audit_claims equals claim_findings grouped by the claim key');
SELECT is((SELECT count(*)::int FROM j7599.audit_claims('claim_tbl') WHERE claim_key ->> 'part' = '1' AND claim_key ->> 'claim_no' = 'two-part'),
          1, 'a claim key of two columns: the JW line of part 1 has no administered line in its claim');
SELECT matches((SELECT message FROM j7599.audit_claims('claim_tbl') WHERE claim_key ->> 'claim_no' = 'two-part'),
               '^J7507-JW \(2024-03-01, row \{"id": [0-9]+\}\) bills', 'audit_claims names the line by its row key');
SELECT is((SELECT count(*)::int FROM j7599.audit_claims('claim_tbl') WHERE claim_key IS NULL OR claim_key ->> 'claim_no' IS NULL), 0,
          'a line whose claim key has a NULL belongs to no claim');
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL enable_hashagg = off;
SELECT set_eq($$SELECT claim_key, rule, severity, field, message, source FROM j7599.audit_claims('claim_tbl')$$,
              $$SELECT k, rule, severity, field, message, source FROM by_aggregate$$,
              'audit_claims with a parallel plan gives the same findings');
SELECT set_eq($$SELECT f.rule FROM (SELECT j7599.claim_findings(CASE WHEN j7599.is_hcpcs_line(line) THEN line::j7599.hcpcs_line END, dos, units, ndc, payer) AS fs
                                      FROM claim_tbl WHERE claim_no = 'jw+jz') s, unnest(s.fs) f$$,
              ARRAY['WASTE_MODIFIERS_MIXED'],
              'one claim aggregated by partial states (combine, serialise) gives its finding');
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET enable_hashagg;

-- ------------------------------------------------------------ enforce_claims

CREATE TABLE enf (id serial PRIMARY KEY, claim_id int, line j7599.hcpcs_line, dos date, units numeric);
CREATE INDEX ON enf (claim_id);
SELECT is(pg_temp.attempt($$SELECT j7599.enforce_claims('enf')$$) ->> 'state', '55000',
          'enforce_claims of an unregistered table: 55000');
SELECT j7599.register('enf', line => 'line', service_date => 'dos', units => 'units', claim_key => ARRAY['claim_id']);
SELECT is(pg_temp.attempt($$SELECT j7599.enforce_claims('enf', 'severe')$$) ->> 'state', '22023', 'an unknown severity: 22023');
CREATE ROLE claims_other;
GRANT ALL ON enf TO claims_other;
GRANT SELECT ON cl_lines TO claims_other;
SET LOCAL ROLE claims_other;
SELECT is(pg_temp.attempt($$SELECT j7599.enforce_claims('enf')$$) ->> 'state', '42501', 'enforce_claims by another role: 42501');
SELECT is((SELECT cardinality(j7599.claim_findings(line, dos, units, ndc, payer)) FROM cl_lines WHERE claim = 'jw-alone'), 1,
          'another role runs the aggregate (its support functions are not executable by PUBLIC)');
RESET ROLE;
SELECT j7599.enforce_claims('enf');
SELECT is(pg_temp.attempt($$INSERT INTO enf (claim_id, line, dos, units) VALUES (1, 'J7507', '2024-03-01', 10), (1, 'J7507-JW', '2024-03-01', 2)$$) ->> 'state',
          '00000', 'a complete claim passes');
INSERT INTO enf (claim_id, line, dos, units) VALUES (1, 'J7507', '2024-03-01', 10), (1, 'J7507-JW', '2024-03-01', 2);
SELECT is(pg_temp.attempt($$INSERT INTO enf (claim_id, line, dos, units) VALUES (2, 'J7507-JW', '2024-03-01', 2)$$) ->> 'state',
          '23514', 'a JW line without its administered line: 23514');
SELECT is(pg_temp.attempt($$INSERT INTO enf (claim_id, line, dos, units) VALUES (2, 'J7507-JW', '2024-03-01', 2)$$) ->> 'message',
          'j7599: claim {"claim_id": 2} refused (WASTE_WITHOUT_ADMINISTERED)', 'the message names the claim and the rule');
SELECT is(pg_temp.attempt($$INSERT INTO enf (claim_id, line, dos, units) VALUES (1, 'J7507-JZ', '2024-03-01', 2)$$) ->> 'state',
          '23514', 'a JZ line added to a stored claim with a JW line: 23514 (stored and new lines together)');
SELECT is(pg_temp.attempt($$DELETE FROM enf WHERE claim_id = 1 AND line = 'J7507'::j7599.hcpcs_line$$) ->> 'state',
          '23514', 'deleting the administered line of a JW pair: 23514');
SELECT is(pg_temp.attempt($$UPDATE enf SET claim_id = 3 WHERE line = 'J7507'::j7599.hcpcs_line$$) ->> 'state',
          '23514', 'moving the administered line to another claim: 23514 (the claim it left)');
SELECT is(pg_temp.attempt($$INSERT INTO enf (claim_id, line, dos, units) VALUES (4, 'J7507', '2024-03-01', 1), (4, 'J7507', '2024-03-01', 1)$$) ->> 'state',
          '00000', 'a duplicate line (a warning) passes at min_severity error');
SELECT j7599.enforce_claims('enf', 'warning');
SELECT is(pg_temp.attempt($$INSERT INTO enf (claim_id, line, dos, units) VALUES (4, 'J7507', '2024-03-01', 1), (4, 'J7507', '2024-03-01', 1)$$) ->> 'state',
          '23514', 'at min_severity warning it is refused');
SELECT j7599.unenforce_claims('enf');
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgrelid = 'enf'::regclass AND tgname LIKE 'j7599_claims_%'), 0,
          'unenforce_claims drops the triggers');
SELECT is(pg_temp.attempt($$INSERT INTO enf (claim_id, line, dos, units) VALUES (2, 'J7507-JW', '2024-03-01', 2)$$) ->> 'state',
          '00000', 'not enforced any more: the JW line alone is stored');

-- claims spread over the partitions of a partitioned table
CREATE TABLE penf (claim_id int, line j7599.hcpcs_line, dos date, units int) PARTITION BY RANGE (dos);
CREATE TABLE penf_a PARTITION OF penf FOR VALUES FROM ('2024-01-01') TO ('2024-03-02');
CREATE TABLE penf_b PARTITION OF penf FOR VALUES FROM ('2024-03-02') TO ('2025-01-01');
CREATE INDEX ON penf (claim_id);
SELECT j7599.register('penf', line => 'line', service_date => 'dos', units => 'units', claim_key => ARRAY['claim_id']);
SELECT is(pg_temp.attempt($$SELECT j7599.enforce_claims('penf_a')$$) ->> 'state', '55000', 'enforce_claims of a partition: 55000');
SELECT j7599.enforce_claims('penf');
SELECT is(pg_temp.attempt($$INSERT INTO penf VALUES (1, 'J7507', '2024-03-01', 1), (1, 'Q0511', '2024-03-05', 1)$$) ->> 'state',
          '00000', 'a claim whose lines go to two partitions passes');
INSERT INTO penf VALUES (1, 'J7507', '2024-03-01', 1), (1, 'Q0511', '2024-03-05', 1);
SELECT is(pg_temp.attempt($$INSERT INTO penf_b VALUES (2, 'Q0511', '2024-03-05', 1)$$) ->> 'state',
          '23514', 'a supply fee alone inserted into a partition directly: 23514');
SELECT is(pg_temp.attempt($$INSERT INTO penf_b VALUES (1, 'Q0512', '2024-03-06', 1)$$) ->> 'state',
          '00000', 'a supply fee inserted into one partition, its drug stored in the other: passes');
SELECT is(pg_temp.attempt($$DELETE FROM penf_a WHERE claim_id = 1$$) ->> 'state',
          '23514', 'deleting the drug line from its partition leaves the fee in the other alone: 23514');
SELECT is(pg_temp.attempt($$UPDATE penf SET dos = '2024-03-07' WHERE claim_id = 1 AND line = 'J7507'::j7599.hcpcs_line$$) ->> 'state',
          '00000', 'moving a line to the other partition (through the partitioned table): passes');

-- ------------------------------------------------ rule settings apply to the claim rules

INSERT INTO cl_lines (claim, line, dos, units, payer) VALUES
    ('set-aetna', 'Q0511', '2024-03-01', 1, 'aetna'), ('set-medicare', 'Q0511', '2024-03-01', 1, 'medicare');
INSERT INTO j7599.rule_setting (payer_id, rule, severity, note)
VALUES ('buca', 'SUPPLY_FEE_WITHOUT_DRUG', 'off', 'claims test');
SELECT is(pg_temp.rules_of('set-aetna'), '{}', 'a claim rule set off for buca is silent for an Aetna claim');
SELECT is(pg_temp.rules_of('set-medicare'), '{SUPPLY_FEE_WITHOUT_DRUG}', 'and still fires for a Medicare claim');
INSERT INTO j7599.rule_setting (payer_id, rule, severity, valid, note)
VALUES (NULL, 'SUPPLY_FEE_WITHOUT_DRUG', 'warning', '[2024-01-01,2025-01-01)', 'claims test');
SELECT is((SELECT severity FROM pg_temp.findings_of('set-medicare') WHERE rule = 'SUPPLY_FEE_WITHOUT_DRUG'), 'warning',
          'a dated setting for every payer turns it into a warning inside its range');
UPDATE cl_lines SET dos = '2025-03-01' WHERE claim = 'set-medicare';
SELECT is((SELECT severity FROM pg_temp.findings_of('set-medicare') WHERE rule = 'SUPPLY_FEE_WITHOUT_DRUG'), 'error',
          'and leaves it an error outside its range');
DELETE FROM j7599.rule_setting WHERE note = 'claims test';

SELECT * FROM finish();
ROLLBACK;
