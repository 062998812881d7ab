-- Part 2a: warehouse reality: a legacy table kept as text, a load that quarantines instead of aborting, payer spellings nothing resolves
SET search_path = public, j7599;
\pset footer off
\set VERBOSITY default

-- A legacy table: dates, units and days kept as text, the service date written
-- three ways.  Two lines carry what such tables always carry: a date that is
-- not a calendar day and units written in words.
CREATE TABLE legacy_claims AS
SELECT claim_id, line_no, hcpcs, payer_name,
       CASE claim_id % 3 WHEN 0 THEN to_char(dos, 'YYYY-MM-DD')
                         WHEN 1 THEN to_char(dos, 'MM/DD/YYYY')
                         ELSE to_char(dos, 'YYYYMMDD') END AS "DOS",
       units::text AS units, ndc, pos, dx1, dx2, line_note, days_supply::text AS days_supply
FROM claims_src WHERE claim_id <= 3000;
ALTER TABLE legacy_claims ADD PRIMARY KEY (claim_id, line_no);
UPDATE legacy_claims SET "DOS" = '02/30/2025' WHERE claim_id = 7 AND line_no = 1;
UPDATE legacy_claims SET units = 'two' WHERE claim_id = 11 AND line_no = 1;
SELECT claim_id, line_no, hcpcs, "DOS", units FROM legacy_claims WHERE claim_id IN (6, 7, 8, 11) ORDER BY 1, 2;

-- Registered as it is: no ALTER TABLE, no rewrite, no lock beyond a SELECT's
SELECT j7599.register('legacy_claims', line => 'hcpcs', payer => 'payer_name', service_date => 'DOS',
                      units => 'units', ndc => 'ndc', pos => 'pos', dx => ARRAY['dx1', 'dx2'],
                      narrative => 'line_note', days_supply => 'days_supply');
SELECT rule, severity, rows_violated, rows_checked FROM j7599.audit_summary('legacy_claims')
WHERE rule LIKE '%MALFORMED';
SELECT row_key, rule, message FROM j7599.audit('legacy_claims')
WHERE rule IN ('SERVICE_DATE_MALFORMED', 'UNITS_MALFORMED');

-- A load into a guarded table that sets bad lines aside instead of failing:
-- COPY of an extract, in quarantine mode
CREATE TABLE claims_incoming (LIKE claims_src);
ALTER TABLE claims_incoming ADD PRIMARY KEY (claim_id, line_no);
SELECT j7599.register('claims_incoming', line => 'hcpcs', payer => 'payer_name', service_date => 'dos',
                      units => 'units', ndc => 'ndc', pos => 'pos', dx => ARRAY['dx1', 'dx2'],
                      narrative => 'line_note', prior_auth => 'prior_auth',
                      days_supply => 'days_supply', transplant_date => 'transplant_date');
SELECT j7599.enforce('claims_incoming', on_refusal => 'quarantine');
\copy (SELECT * FROM claims_src WHERE claim_id <= 3000) TO '/tmp/j7599_demo_extract.csv' WITH (FORMAT csv)
\copy claims_incoming FROM '/tmp/j7599_demo_extract.csv' WITH (FORMAT csv)
\! rm -f /tmp/j7599_demo_extract.csv
SELECT (SELECT count(*) FROM claims_incoming) AS stored,
       (SELECT count(*) FROM j7599.quarantine WHERE tbl = 'claims_incoming'::regclass) AS quarantined;

-- What was set aside, and why (the first finding of each row)
SELECT (q.findings[1]).rule AS first_rule, count(*) AS lines
FROM j7599.quarantine AS q WHERE q.tbl = 'claims_incoming'::regclass
GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT q.id, q.row_data ->> 'claim_id' AS claim_id, q.row_data ->> 'hcpcs' AS hcpcs,
       (q.findings[1]).rule AS rule, left((q.findings[1]).message, 90) AS message
FROM j7599.quarantine AS q WHERE q.tbl = 'claims_incoming'::regclass
ORDER BY q.id LIMIT 5;

-- Correct the rows where the data was wrong (here: units written as 0 that
-- should be 1), then offer them again: what now passes goes into the table
UPDATE j7599.quarantine SET row_data = jsonb_set(row_data, '{units}', '1')
WHERE tbl = 'claims_incoming'::regclass AND (row_data ->> 'units')::numeric = 0;
SELECT * FROM j7599.release('claims_incoming');

-- Payer names as the warehouse spells them: the spellings that resolve to no
-- payer, most lines first (add them to j7599.payer_alias, or leave them unknown)
SELECT * FROM j7599.unresolved_payers('claims_src');
