-- Part 2b: claim-level rules: the lines of one claim checked together
SET search_path = public, j7599;
\pset footer off
\set VERBOSITY default

-- The extract's lines carry their claim: claim_id.  Register it as the claim key.
SELECT j7599.register('claims_src', line => 'hcpcs', payer => 'payer_name', service_date => 'dos',
                      units => 'units', ndc => 'ndc', pos => 'pos', dx => ARRAY['dx1', 'dx2'],
                      narrative => 'line_note', prior_auth => 'prior_auth',
                      days_supply => 'days_supply', transplant_date => 'transplant_date',
                      claim_key => ARRAY['claim_id']);
SELECT rule, severity, count(*) AS findings FROM j7599.audit_claims('claims_src') GROUP BY 1, 2 ORDER BY 1;

-- A pharmacy's claims, one of each kind of claim-level finding
CREATE TABLE pharmacy_claims (
    claim_id  text,
    line_no   int,
    line      text,
    payer     text,
    dos       date,
    units     numeric,
    ndc       text,
    PRIMARY KEY (claim_id, line_no)
);
INSERT INTO pharmacy_claims VALUES
    ('RX-100', 1, 'J7507',    'Medicare', '2025-03-03', 60, NULL),     -- tacrolimus and its supply fee: clean
    ('RX-100', 2, 'Q0511',    'Medicare', '2025-03-03', 1,  NULL),
    ('RX-101', 1, 'Q0512',    'Medicare', '2025-03-03', 1,  NULL),     -- a supply fee, the drug billed elsewhere
    ('RX-102', 1, 'J7507-JW', 'Medicare', '2025-03-03', 2,  NULL),     -- waste without the administered amount
    ('RX-103', 1, 'J7507',    'Medicare', '2025-03-03', 10, NULL),     -- waste and "no waste" for one drug and day
    ('RX-103', 2, 'J7507-JW', 'Medicare', '2025-03-03', 2,  NULL),
    ('RX-103', 3, 'J7507-JZ', 'Medicare', '2025-03-03', 10, NULL),
    ('RX-104', 1, 'J7502',    'Medicare', '2025-03-03', 4,  NULL),     -- the same line twice
    ('RX-104', 2, 'J7502',    'Medicare', '2025-03-03', 4,  NULL),
    ('RX-105', 1, 'J7500',    'Medicare', '2025-03-03', 40, NULL),     -- units over a daily limit
    ('RX-105', 2, 'J7500-KX', 'Medicare', '2025-03-03', 40, NULL);
SELECT j7599.register('pharmacy_claims', line => 'line', payer => 'payer', service_date => 'dos',
                      units => 'units', ndc => 'ndc', claim_key => ARRAY['claim_id']);

-- Unit limits come from a file such as the CMS MUE file; none is shipped.  An
-- example limit, for this demo only (not a published value):
CREATE TEMP TABLE mue_stage (code text, max_units numeric, per text, source text);
INSERT INTO mue_stage VALUES ('J7500', 60, 'day', 'demo: an example limit, not a published MUE');
SELECT * FROM j7599.load_unit_limits('mue_stage');

SELECT claim_key ->> 'claim_id' AS claim, rule, severity, message
FROM j7599.audit_claims('pharmacy_claims') ORDER BY 1, 2;

-- The same with the aggregate, grouped by the claim key
SELECT claim_id, cardinality(j7599.claim_findings(line::j7599.hcpcs_line, dos, units, ndc, payer)) AS findings
FROM pharmacy_claims GROUP BY claim_id ORDER BY claim_id;

-- From now on, every statement's claims are checked as they then stand
CREATE INDEX ON pharmacy_claims (claim_id);
SELECT j7599.enforce_claims('pharmacy_claims');
DELETE FROM pharmacy_claims WHERE claim_id = 'RX-100' AND line_no = 1;   -- would leave a supply fee alone
INSERT INTO pharmacy_claims VALUES ('RX-106', 1, 'J7507', 'Medicare', '2025-03-04', 30, NULL),
                                   ('RX-106', 2, 'Q0512', 'Medicare', '2025-03-04', 1, NULL);
SELECT claim_id, line_no, line FROM pharmacy_claims WHERE claim_id IN ('RX-100', 'RX-106') ORDER BY 1, 2;
