-- hcpcs_line: input forms, canonical output, errors, operators, indexes
CREATE EXTENSION IF NOT EXISTS j7599 CASCADE;
SET search_path = j7599, public;
\set VERBOSITY default

-- every input form means the same line
SELECT input, input::hcpcs_line AS line
FROM (VALUES ('J7599-JZ-KX'), ('J7599:JZ:KX'), ('HC:J7599:JZ:KX'), ('hc:j7599:jz:kx'),
             ('J7599 JZ KX'), ('  J7599   JZ  KX '), ('J7599JZKX'), ('j7599jzkx'),
             ('J7599'), (' j7599 '), ('99213-25'), ('0001U'), ('1234F-1P'), ('0042T'),
             ('D0120'), ('U0001-QW'), ('A0021-RT-LT-59-XE')) AS t(input);

SELECT count(DISTINCT l) AS distinct_lines
FROM (VALUES ('J7599-JZ-KX'::hcpcs_line), ('J7599:JZ:KX'), ('HC:J7599:JZ:KX'), ('J7599 JZ KX'), ('J7599JZKX')) AS t(l);

-- well-formed duplicates and unknown modifiers are accepted by the type
SELECT 'J7599-JZ-JZ'::hcpcs_line, 'J7599-QQ'::hcpcs_line;

-- bad input: message, detail, hint
SELECT 'J759'::hcpcs_line;
SELECT 'J7599-K'::hcpcs_line;
SELECT 'J7599-JZ-KX-K'::hcpcs_line;
SELECT 'J7599-JZ-KX-GA-GY-GZ'::hcpcs_line;
SELECT ''::hcpcs_line;
SELECT 'J75X9'::hcpcs_line;
SELECT 'J7599-JZ:KX'::hcpcs_line;
SELECT 'J7599--JZ'::hcpcs_line;
SELECT 'J7599JZK'::hcpcs_line;
SELECT 'J7599-J#'::hcpcs_line;
SELECT 'HC J7599'::hcpcs_line;
SELECT E'J7599-\u00e9Z'::hcpcs_line;
SELECT 'J7599-'::hcpcs_line;

-- the constructor from warehouse columns
SELECT hcpcs_line('j7599', 'jz', NULL, '  ', 'KX') AS line,
       hcpcs_line('J7599') AS bare,
       hcpcs_line(NULL, 'JZ') AS null_code;
SELECT hcpcs_line('J7599', 'JZ', 'KX', 'GA', 'GY', 'GZ');
SELECT hcpcs_line('J7599', 'K');
SELECT hcpcs_line('7599', 'KX');

-- accessors
SELECT l, code(l), modifiers(l), code_kind(l), has_modifier(l, 'kx') AS kx, has_modifier(l, 'GA') AS ga,
       has_modifier(l, 'nonsense') AS nonsense
FROM (VALUES ('J7599-JZ-KX'::hcpcs_line), ('99213'), ('0001U'), ('1234F'), ('0042T'), ('D0120')) AS t(l);

SELECT is_hcpcs_line('J7599-JZ'), is_hcpcs_line('J7599-J'), is_hcpcs_line(''), is_hcpcs_line(NULL);

-- casts
SELECT 'J7599:jz'::text::hcpcs_line, ('J7599-JZ'::hcpcs_line)::text, 'J7599 KX'::varchar::hcpcs_line;
CREATE TEMP TABLE cast_target (l hcpcs_line);
INSERT INTO cast_target SELECT 'J7599 jz'::text;   -- assignment cast from text
SELECT * FROM cast_target;

-- ordering: by code, then modifiers in billed order; fewer modifiers first
SELECT l FROM (VALUES ('J7599-KX'::hcpcs_line), ('J7599'), ('J7599-JZ-KX'), ('J7599-JZ'),
                      ('A0021'), ('99213'), ('0001U'), ('0001F'), ('00010'), ('J7599-9Z'), ('Z9999'), ('J7599-JZ-KX-A1'))
              AS t(l) ORDER BY l;

SELECT 'J7599-JZ'::hcpcs_line = 'J7599:JZ', 'J7599-JZ-KX'::hcpcs_line = 'J7599-KX-JZ',
       'J7599-JZ'::hcpcs_line < 'J7599-KX', 'J7599'::hcpcs_line < 'J7599-A1',
       'J7599-JZ'::hcpcs_line <> 'J7599-KX', 'J7599-KX'::hcpcs_line >= 'J7599-JZ';

-- storage: 8 bytes, by value
SELECT pg_column_size('J7599-JZ-KX-GA'::hcpcs_line) AS line_bytes,
       pg_column_size('J7599-JZ-KX-GA'::text) AS text_bytes,
       typlen, typbyval FROM pg_type WHERE oid = 'hcpcs_line'::regtype;

-- operator classes are complete
SELECT opcname, amvalidate(c.oid) FROM pg_opclass c
WHERE opcnamespace = 'j7599'::regnamespace ORDER BY 1;

-- hashing agrees with equality; the extended hash depends on the seed
SELECT hcpcs_line_hash('J7599:JZ') = hcpcs_line_hash('J7599-JZ') AS same_hash,
       hcpcs_line_hash_extended('J7599-JZ', 0) = hcpcs_line_hash_extended('J7599 JZ', 0) AS same_ext,
       hcpcs_line_hash_extended('J7599-JZ', 0) <> hcpcs_line_hash_extended('J7599-JZ', 1) AS seeded;
-- and it spreads: 20,000 distinct lines give (nearly) 20,000 distinct hashes
SELECT count(DISTINCT hcpcs_line_hash(l)) > 19900 AS spreads,
       count(DISTINCT hcpcs_line_hash(l) & 1023) = 1024 AS fills_low_bits
FROM (SELECT hcpcs_line('J' || lpad((i % 10000)::text, 4, '0'), CASE WHEN i >= 10000 THEN 'KX' END) AS l
      FROM generate_series(0, 19999) i) t;

-- btree and hash indexes, and joins forced to hash and to merge
CREATE TEMP TABLE a AS
SELECT hcpcs_line(c, m) AS l, i
FROM generate_series(1, 2000) AS i,
     LATERAL (SELECT 'J' || lpad((7500 + i % 120)::text, 4, '0') AS c,
                     (ARRAY['JZ', 'KX', 'JW', NULL, 'GA'])[1 + i % 5] AS m) AS x;
CREATE TEMP TABLE b AS SELECT l, i FROM a WHERE i % 3 = 0;
CREATE INDEX ON a USING btree (l);
CREATE INDEX ON b USING hash (l);
ANALYZE a; ANALYZE b;

SET enable_mergejoin = off; SET enable_nestloop = off; SET enable_hashjoin = on;
EXPLAIN (COSTS OFF) SELECT count(*) FROM a JOIN b USING (l);
CREATE TEMP TABLE hj AS SELECT a.i AS ai, b.i AS bi FROM a JOIN b USING (l);
SET enable_hashjoin = off; SET enable_mergejoin = on;
EXPLAIN (COSTS OFF) SELECT count(*) FROM a JOIN b USING (l);
CREATE TEMP TABLE mj AS SELECT a.i AS ai, b.i AS bi FROM a JOIN b USING (l);
RESET enable_mergejoin; RESET enable_nestloop; RESET enable_hashjoin;
SELECT (SELECT count(*) FROM hj) AS hash_rows, (SELECT count(*) FROM mj) AS merge_rows,
       (SELECT count(*) FROM (SELECT * FROM hj EXCEPT SELECT * FROM mj) d) AS only_hash,
       (SELECT count(*) FROM (SELECT * FROM mj EXCEPT SELECT * FROM hj) d) AS only_merge;

SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM a WHERE l = 'J7599-GA';
SELECT count(*) FROM a WHERE l = 'J7599-GA';
EXPLAIN (COSTS OFF) SELECT * FROM b WHERE l = 'J7599-GA';
SELECT count(*) FROM b WHERE l = 'J7599-GA';
RESET enable_seqscan;
SELECT count(*) FROM a WHERE l = 'J7599-GA';

-- binary COPY round trip
CREATE TEMP TABLE bin_src (l hcpcs_line, n ndc);
INSERT INTO bin_src VALUES ('J7599-JZ-KX', '00069-0150-01'), ('99213-25', '123456-7890-12'), ('0001U', '1234-5678-90');
COPY bin_src TO '/tmp/j7599_regress_bin.copy' WITH (FORMAT binary);
CREATE TEMP TABLE bin_dst (LIKE bin_src);
COPY bin_dst FROM '/tmp/j7599_regress_bin.copy' WITH (FORMAT binary);
SELECT * FROM bin_dst;
SELECT count(*) AS differing FROM (SELECT * FROM bin_src EXCEPT SELECT * FROM bin_dst) d;
-- the receive functions re-validate what they are sent.
-- A crafted binary value: a bytea column's binary form is its raw bytes
CREATE TEMP TABLE bin_bad (b bytea);
INSERT INTO bin_bad VALUES ('\x014a373539'::bytea);   -- version 1, "J759"
COPY bin_bad TO '/tmp/j7599_regress_bad1.copy' WITH (FORMAT binary);
COPY bin_dst (l) FROM '/tmp/j7599_regress_bad1.copy' WITH (FORMAT binary);
UPDATE bin_bad SET b = '\x024a37353939'::bytea;          -- unknown version 2
COPY bin_bad TO '/tmp/j7599_regress_bad2.copy' WITH (FORMAT binary);
COPY bin_dst (l) FROM '/tmp/j7599_regress_bad2.copy' WITH (FORMAT binary);
UPDATE bin_bad SET b = '\x013030303639';                 -- an NDC of 5 digits
COPY bin_bad TO '/tmp/j7599_regress_bad3.copy' WITH (FORMAT binary);
COPY bin_dst (n) FROM '/tmp/j7599_regress_bad3.copy' WITH (FORMAT binary);

-- every code of the CMS 2020 Level II file parses and prints back unchanged
CREATE TEMP TABLE hcpcs2020 (code text, long_description text, short_description text);
\copy hcpcs2020 FROM 'data/reference/hcpcs-level2-2020.csv' WITH (FORMAT csv, HEADER true)
SELECT count(*) AS codes,
       count(*) FILTER (WHERE is_hcpcs_line(code) AND code::hcpcs_line::text = code) AS round_trip,
       count(*) FILTER (WHERE code_kind(code::hcpcs_line) = 'hcpcs_level2') AS level2
FROM hcpcs2020;

-- every 2020 modifier is accepted on a line
CREATE TEMP TABLE mods2020 (modifier text, long_description text, short_description text);
\copy mods2020 FROM 'data/reference/hcpcs-modifiers-2020.csv' WITH (FORMAT csv, HEADER true)
SELECT count(*) AS modifiers,
       count(*) FILTER (WHERE ('J7599-' || modifier)::hcpcs_line::text = 'J7599-' || modifier
                          AND has_modifier(('J7599-' || modifier)::hcpcs_line, modifier)) AS accepted
FROM mods2020;
