-- Part 3: the analysts' view: utilisation, modifier usage, unresolved payers, one HTML page
SET search_path = public, j7599;
\pset footer off

-- Lines and units by payer, as the free-text payer names resolve (NULL: unresolved)
SELECT payer_id, sum(lines) AS lines, sum(units) AS units
FROM j7599.utilisation('claims_src') GROUP BY payer_id ORDER BY lines DESC;

-- Which modifiers J7599 lines carry, and how often
SELECT code, modifier, lines, round(share * 100, 2) AS pct FROM j7599.modifier_usage('claims_src');

-- The payer spellings no payer or alias matches: candidates for j7599.payer_alias
SELECT * FROM j7599.unresolved_payers('claims_src');

-- The whole picture as one self-contained HTML page (scripts/demo.sh writes it
-- to build/demo/report.html)
SELECT length(j7599.report('claims_src')) AS report_bytes;
