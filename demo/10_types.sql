-- Part 1: HCPCS lines and NDCs in, canonical forms and clear errors out
CREATE EXTENSION j7599 CASCADE;
SET search_path = public, j7599;
\pset footer off

-- A warehouse holds the same line in many spellings; the type stores one.
SELECT raw, raw::hcpcs_line AS line, code(raw::hcpcs_line), modifiers(raw::hcpcs_line)
FROM (VALUES ('J7599-JZ-KX'), ('hc:j7599:jz:kx'), ('J7599 JZ KX'), ('J7599JZKX'), ('99213-25')) AS t(raw);

-- Separate modifier columns, blanks and NULLs included
SELECT hcpcs_line('J7599', 'JZ', '', NULL, 'KX') AS line;

-- NDCs in every label form become the 11-digit claim form
SELECT raw, raw::ndc AS ndc, ndc_format(raw::ndc, '5-4-2') AS hyphenated
FROM (VALUES ('00069-0150-01'), ('1234-5678-90'), ('12345-678-90'), ('12345-6789-1'), ('N400069015001')) AS t(raw);

-- Bad input says what is wrong and how to write it
\set VERBOSITY default
SELECT 'J7599-JZ-K'::hcpcs_line;
SELECT 'J7599-JZ-KX-GA-GY-GZ'::hcpcs_line;
SELECT '0006915001'::ndc;

-- Checking without raising, for cleaning a staging table
SELECT raw, is_hcpcs_line(raw) AS ok FROM (VALUES ('J7599-JZ'), ('J759'), ('J7599-JZ:KX')) AS t(raw);
