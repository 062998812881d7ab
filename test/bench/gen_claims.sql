-- test/bench/gen_claims.sql: a generated table of J7599-style claim lines that
-- looks like a warehouse extract.  Used by the benchmarks and the demo.
--
--   psql -v rows=1000000 -v error_pct=0 -f test/bench/gen_claims.sql
--
-- Makes table claims_src (dropped first).  error_pct = share of lines, in
-- percent, that carry one deliberate error of a kind picked in turn from the
-- list below; the rest are clean for their payer.  Deterministic: the same
-- arguments give the same rows.

DROP TABLE IF EXISTS claims_src;
CREATE TABLE claims_src (
    claim_id        bigint NOT NULL,
    line_no         integer NOT NULL,
    hcpcs           text,
    payer_name      text,
    dos             date,
    units           numeric,
    ndc             text,
    pos             text,
    dx1             text,
    dx2             text,
    line_note       text,
    prior_auth      text,
    days_supply     integer,
    transplant_date date,
    PRIMARY KEY (claim_id, line_no)
);

INSERT INTO claims_src
SELECT i / 3 + 1 AS claim_id,
       i % 3 + 1 AS line_no,
       -- the line, in the forms warehouses hold
       CASE WHEN e = 1 THEN 'J759-KX'
            WHEN e = 2 THEN 'J7599-Y9'
            WHEN e = 3 THEN 'J7599-JZ-JZ'
            WHEN e = 4 THEN 'J7599-JW-JZ'
            WHEN e = 5 THEN 'J7599-25'
            WHEN payer_ix <= 1 THEN (ARRAY['J7599-KX', 'J7599:KX', 'J7599 KX', 'J7599KX'])[1 + h % 4]
            ELSE (ARRAY['J7599', 'J7599-JZ', 'HC:J7599', 'j7599'])[1 + h % 4] END AS hcpcs,
       CASE WHEN e = 6 THEN 'Acme Mutual Plan'
            ELSE (ARRAY['Medicare', 'MEDICARE PART B', 'Aetna', 'Blue Cross Blue Shield', 'BCBS',
                        'Cigna Health', 'UnitedHealthcare', 'UHC', 'BUCA plans', 'cigna'])[payer_ix + 1] END,
       CASE WHEN e = 7 THEN NULL ELSE date '2023-01-01' + (h % 1000) END AS dos,
       CASE WHEN e = 8 THEN 0 WHEN e = 9 THEN NULL ELSE 1 + h % 3 END AS units,
       CASE WHEN e = 10 THEN '0006915001'
            ELSE (ARRAY['00069-0150-01', '00069015001', 'N400069015001', '55513-0710-01'])[1 + h % 4] END AS ndc,
       CASE WHEN e = 11 THEN '00' ELSE (ARRAY['12', '12', '01', '11'])[1 + h % 4] END AS pos,
       CASE WHEN e = 12 THEN '9940'
            WHEN e = 13 AND payer_ix <= 1 THEN 'E11.9'
            ELSE (ARRAY['Z94.0', 'Z940', 'z94.1', 'Z94.4', 'T86.10', 'Z94.81'])[1 + h % 6] END AS dx1,
       CASE WHEN h % 5 = 0 THEN 'I10' END AS dx2,
       CASE WHEN e = 14 THEN NULL
            WHEN e = 15 THEN 'per protocol'
            WHEN e = 16 THEN 'voclosporin 7.9 mg capsules, take three capsules by mouth twice daily, dispensed 180 capsules for 30 days'
            WHEN e = 17 THEN 'tacrolimus 1 mg capsule, take 2 capsules BID, #120'
            ELSE (ARRAY['voclosporin 7.9mg cap, 3 caps BID, #180',
                        'Lupkynis 7.9 mg, take 3 capsules twice daily, qty 180',
                        'belumosudil 200 mg tablet daily, #30',
                        'voclosporin 7.9 MG oral capsule x180'])[1 + h % 4] END AS line_note,
       CASE WHEN h % 7 = 0 THEN 'PA' || (100000 + h % 900000) END AS prior_auth,
       CASE WHEN e = 18 THEN 120 ELSE 30 END AS days_supply,
       CASE WHEN e = 19 THEN NULL ELSE date '2019-06-01' + (h % 500) END AS transplant_date
FROM (SELECT i, h, payer_ix,
             CASE WHEN (h / 7) % 100 < :error_pct THEN 1 + (h / 700) % 19 ELSE 0 END AS e
      FROM (SELECT i, (hashint4(i) & 2147483647) AS h, (hashint4(i + 7919) & 2147483647) % 10 AS payer_ix
            FROM generate_series(0, :rows - 1) AS i) s) t;

ANALYZE claims_src;
