-- Part 2: a warehouse extract of 100,000 claim lines: register, audit, enforce
SET search_path = public, j7599;
\pset footer off
\set VERBOSITY default

-- A generated extract: several payers by free-text name, a share of lines
-- with an error of each kind (see test/bench/gen_claims.sql).
\set rows 100000
\set error_pct 8
\set ECHO none
\set QUIET on
SET client_min_messages = warning;
\ir ../test/bench/gen_claims.sql
RESET client_min_messages;
\set ECHO queries
SELECT payer_name, count(*) AS lines FROM claims_src GROUP BY 1 ORDER BY 2 DESC;

-- Say which column holds what.  Column names are given as stored.
SELECT j7599.register('claims_src', line => 'hcpcs', payer => 'payer_name', service_date => 'dos',
                      units => 'units', ndc => 'ndc', pos => 'pos', dx => ARRAY['dx1', 'dx2'],
                      narrative => 'line_note', prior_auth => 'prior_auth',
                      days_supply => 'days_supply', transplant_date => 'transplant_date');

-- The report a DBA reads first: which rules break, how often
\timing on
SELECT rule, severity, rows_violated, rows_checked, pct_violated || ' %' AS share
FROM j7599.audit_summary('claims_src');
\timing off

-- One finding of each of a few rules, with the key of its row
SELECT DISTINCT ON (rule) row_key, rule, severity, message
FROM j7599.audit('claims_src')
WHERE rule IN ('LINE_MALFORMED', 'SPECIFIC_CODE_EXISTS', 'DX_NOT_COVERED', 'NARRATIVE_TOO_LONG', 'PAYER_UNKNOWN')
ORDER BY rule, (row_key ->> 'claim_id')::bigint, (row_key ->> 'line_no')::int;

-- Where each rule comes from: the policy behind a payer's answer
SELECT field, value, from_payer, confidence FROM j7599.policy_explain('Medicare', date '2025-03-01')
WHERE value IS NOT NULL;

-- Severity follows evidence: Aetna publishes no NOC NDC rule, so the requirement
-- it inherits from the BUCA group is assumed: a warning that says so, not an error
SELECT rule, severity, message FROM j7599.validate(line => 'J7599', payer => 'Aetna',
    service_date => date '2025-03-01', units => 1, narrative => 'voclosporin 7.9 mg capsule, 180 dispensed')
WHERE rule = 'NDC_MISSING';

-- The CMS NDC-HCPCS crosswalk: this NDC is billed under its own code, not J7599
SELECT rule, severity, message FROM j7599.validate(line => 'J7599', payer => 'Medicare',
    service_date => date '2025-11-01', units => 1, ndc => '00378-2045-01', dx => ARRAY['Z94.0'],
    narrative => 'tacrolimus 1 mg capsule, 60 dispensed')
WHERE rule = 'SPECIFIC_CODE_EXISTS';

-- A warehouse decides for itself: no narrative check for the BUCA plans, and why
INSERT INTO j7599.rule_setting (payer_id, rule, severity, note)
VALUES ('buca', 'NARRATIVE_MISSING', 'off', 'checked by the clearinghouse');
SELECT * FROM j7599.rule_severity('NARRATIVE_MISSING', 'Aetna', date '2025-03-01');
DELETE FROM j7599.rule_setting WHERE note = 'checked by the clearinghouse';

-- The clean lines go to a table that refuses bad ones from now on
CREATE TABLE claims AS SELECT * FROM claims_src WHERE j7599.is_valid(line => hcpcs, payer => payer_name,
    service_date => dos, units => units, ndc => ndc, pos => pos, dx => ARRAY[dx1, dx2],
    narrative => line_note, prior_auth => prior_auth, days_supply => days_supply,
    transplant_date => transplant_date);
ALTER TABLE claims ADD PRIMARY KEY (claim_id, line_no);
SELECT count(*) AS clean_lines FROM claims;
SELECT j7599.register('claims', line => 'hcpcs', payer => 'payer_name', service_date => 'dos',
                      units => 'units', ndc => 'ndc', pos => 'pos', dx => ARRAY['dx1', 'dx2'],
                      narrative => 'line_note', prior_auth => 'prior_auth',
                      days_supply => 'days_supply', transplant_date => 'transplant_date');
SELECT j7599.enforce('claims');

-- What a data engineer sees when a bad line arrives
INSERT INTO claims (claim_id, line_no, hcpcs, payer_name, dos, units, ndc, pos, dx1, line_note, days_supply)
VALUES (900001, 1, 'J7599-JW-JZ', 'UnitedHealthcare', date '2025-03-01', 0, NULL, '12', 'Z94.0',
        'tacrolimus 1 mg capsule, take 2 BID', 30);

-- and a good one
INSERT INTO claims (claim_id, line_no, hcpcs, payer_name, dos, units, ndc, pos, dx1, line_note, days_supply)
VALUES (900001, 1, 'J7599', 'UnitedHealthcare', date '2025-03-01', 1, '00069-0150-01', '12', 'Z94.0',
        'voclosporin 7.9 mg capsule, 3 caps BID, #180', 30);
SELECT claim_id, line_no, hcpcs, payer_name FROM claims WHERE claim_id = 900001;
