-- ndc: input forms, canonical output, formats, errors, operators
CREATE EXTENSION IF NOT EXISTS j7599 CASCADE;
SET search_path = j7599, public;
\set VERBOSITY default

SELECT input, input::ndc AS ndc
FROM (VALUES ('00069015001'), ('00069-0150-01'), ('1234-5678-90'), ('12345-678-90'), ('12345-6789-1'),
             ('N400069015001'), ('n400069-0150-01'), ('  00069-0150-01  '), ('000069015001'),
             ('000069-0150-01'), ('123456789012'), ('123456-7890-12')) AS t(input);

-- a zero-labeler 12-digit NDC is the same NDC as its 11-digit form
SELECT '000069-0150-01'::ndc = '00069015001'::ndc AS same, '123456789012'::ndc > '99999999999'::ndc AS after;

SELECT n, ndc_format(n, '11') AS f11, ndc_format(n, '5-4-2') AS f542, ndc_format(n, '12') AS f12, ndc_format(n, '6-4-2') AS f642
FROM (VALUES ('00069015001'::ndc), ('1234-5678-90')) AS t(n);
SELECT ndc_format('123456789012', '6-4-2');
SELECT ndc_format('123456789012', '11');
SELECT ndc_format('00069015001', '10');

SELECT '0006915001'::ndc;
SELECT '0006-9150-01'::ndc;
SELECT '00069-0150'::ndc;
SELECT '0006901500'::ndc;
SELECT '00069O15001'::ndc;
SELECT ''::ndc;
SELECT '00069-0150-01-1'::ndc;
SELECT '1234567'::ndc;

SELECT is_ndc('00069015001'), is_ndc('0006915001'), is_ndc('junk'), is_ndc(NULL);

SELECT '00069-0150-01'::text::ndc, ('00069015001'::ndc)::text;

SELECT pg_column_size('00069015001'::ndc) AS ndc_bytes, typlen, typbyval FROM pg_type WHERE oid = 'ndc'::regtype;

SELECT n FROM (VALUES ('123456789012'::ndc), ('00069015001'), ('00002-1433-80'), ('99999-9999-99')) t(n) ORDER BY n;

SELECT ndc_hash('00069015001') = ndc_hash('00069-0150-01') AS same_hash,
       ndc_hash_extended('00069015001', 7) = ndc_hash_extended('000069-0150-01', 7) AS same_ext;

CREATE TEMP TABLE na AS SELECT lpad(i::text, 11, '0')::ndc AS n, i FROM generate_series(1, 3000) i;
CREATE TEMP TABLE nb AS SELECT n, i FROM na WHERE i % 7 = 0;
CREATE INDEX ON na (n);
CREATE INDEX ON nb USING hash (n);
ANALYZE na; ANALYZE nb;
SET enable_mergejoin = off; SET enable_nestloop = off;
SELECT count(*) FROM na JOIN nb USING (n);
SET enable_hashjoin = off; SET enable_mergejoin = on;
SELECT count(*) FROM na JOIN nb USING (n);
RESET ALL;
SET search_path = j7599, public;
SELECT count(*) FROM na WHERE n = '00000-0000-07';
