-- Part 3: the analysts' view: utilisation, modifier usage, unresolved payers, one HTML page
SET search_path = public, j7599;
\pset footer off

-- Lines and units by payer, as the free-text payer names resolve (NULL: unresolved)
SELECT payer_id, sum(lines) AS lines, sum(units) AS units
FROM j7599.utilisation('claims_src') GROUP BY payer_id ORDER BY lines DESC;

-- Which modifiers J7599 lines carry, and how often
SELECT code, modifier, lines, round(share * 100, 2) AS pct FROM j7599.modifier_usage('claims_src');

-- Warehouses spell payers many ways.  Beside exact names, j7599.payer_alias
-- holds patterns (POSIX regular expressions, case-insensitive) for the common
-- spellings of the shipped payers; Medicare Advantage plans are not Original
-- Medicare and stay unresolved, and the exact alias of Part B-ID still wins.
SELECT s AS spelling, j7599.payer_resolve(s) AS payer_id
FROM unnest(ARRAY['BCBS of Texas', 'Blue Shield of California', 'UNITED HEALTHCARE INS CO', 'UHC Community Plan',
                  'Cigna HealthCare of Arizona', 'Medicare DME MAC Jurisdiction B', 'Medicare Part B-ID',
                  'Aetna Medicare', 'Humana Medicare']) AS s;
SELECT alias, payer_id, priority FROM j7599.payer_alias WHERE match = 'pattern' AND payer_id IN ('uhc', 'cigna');

-- A late delivery with such spellings
INSERT INTO claims_src (claim_id, line_no, hcpcs, payer_name, dos, units, ndc, pos, dx1, line_note, days_supply)
SELECT 800000 + g, 1, 'J7599', (ARRAY['BCBS of Texas', 'UHC Community Plan', 'Humana Medicare', 'Aetna Medicare',
                                      'Medicare DME MAC Jurisdiction B', 'Humana Medicare'])[1 + g % 6],
       date '2025-03-01', 1, '00069-0150-01', '12', 'Z94.0', 'voclosporin 7.9 mg capsule, 3 caps BID, #180', 30
FROM generate_series(0, 59) AS g;

-- The payer spellings no payer id, alias or pattern matches, most frequent
-- first: candidates for j7599.payer_alias
SELECT * FROM j7599.unresolved_payers('claims_src');

-- The whole picture as one self-contained HTML page (scripts/demo.sh writes it
-- to build/demo/report.html)
SELECT length(j7599.report('claims_src')) AS report_bytes;
