-- The interface of the two types: types, casts and their contexts, operator
-- classes, function volatility / strictness / parallel safety, SQLSTATEs.
BEGIN;
SET LOCAL search_path = public, j7599;
SELECT plan(47);

SELECT has_type('j7599', 'hcpcs_line', 'type hcpcs_line exists');
SELECT has_type('j7599', 'ndc', 'type ndc exists');
SELECT is((SELECT typlen::int FROM pg_type WHERE oid = 'j7599.hcpcs_line'::regtype), 8, 'hcpcs_line is 8 bytes');
SELECT ok((SELECT typbyval FROM pg_type WHERE oid = 'j7599.hcpcs_line'::regtype), 'hcpcs_line is passed by value');
SELECT is((SELECT typlen::int FROM pg_type WHERE oid = 'j7599.ndc'::regtype), 8, 'ndc is 8 bytes');
SELECT ok((SELECT typbyval FROM pg_type WHERE oid = 'j7599.ndc'::regtype), 'ndc is passed by value');

-- casts and their contexts (see the cast policy in the install script)
SELECT cast_context_is('text', 'hcpcs_line', 'assignment', 'text -> hcpcs_line is an assignment cast');
SELECT cast_context_is('hcpcs_line', 'text', 'assignment', 'hcpcs_line -> text is an assignment cast');
SELECT cast_context_is('text', 'ndc', 'assignment', 'text -> ndc is an assignment cast');
SELECT cast_context_is('ndc', 'text', 'assignment', 'ndc -> text is an assignment cast');
SELECT is(('J7599 jz'::text)::j7599.hcpcs_line::text, 'J7599-JZ', 'text -> hcpcs_line -> text gives the canonical form');
SELECT is(('00069-0150-01'::text)::j7599.ndc::text, '00069015001', 'text -> ndc -> text gives the 11-digit form');

-- operator classes
SELECT ok((SELECT bool_and(amvalidate(oid)) FROM pg_opclass WHERE opcnamespace = 'j7599'::regnamespace),
          'every operator class of j7599 passes amvalidate');
SELECT is((SELECT count(*)::int FROM pg_opclass WHERE opcnamespace = 'j7599'::regnamespace AND opcdefault), 4,
          'default btree and hash classes for both types');
SELECT ok((SELECT oprcanhash AND oprcanmerge FROM pg_operator
           WHERE oprname = '=' AND oprleft = 'j7599.hcpcs_line'::regtype AND oprright = 'j7599.hcpcs_line'::regtype),
          'hcpcs_line = is HASHES and MERGES');
SELECT ok((SELECT oprcanhash AND oprcanmerge FROM pg_operator
           WHERE oprname = '=' AND oprleft = 'j7599.ndc'::regtype AND oprright = 'j7599.ndc'::regtype),
          'ndc = is HASHES and MERGES');
SELECT is((SELECT count(*)::int FROM pg_operator
           WHERE oprleft IN ('j7599.hcpcs_line'::regtype, 'j7599.ndc'::regtype)
             AND (oprcom = 0 OR oprnegate = 0 OR oprrest = 0 OR oprjoin = 0)), 0,
          'every comparison operator has a commutator, a negator and estimators');

-- every function of the two types: IMMUTABLE and PARALLEL SAFE
SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p
    WHERE p.pronamespace = 'j7599'::regnamespace
      AND (p.proname ~ '^(hcpcs_line|ndc)' OR p.proname IN ('is_hcpcs_line', 'is_ndc', 'code', 'modifiers',
                                                              'has_modifier', 'code_kind', 'text', 'ndc_format'))
      AND (p.provolatile <> 'i' OR p.proparallel <> 's')
$$, 'type functions are IMMUTABLE and PARALLEL SAFE');

SELECT volatility_is('j7599', 'is_hcpcs_line', ARRAY['text'], 'immutable', 'is_hcpcs_line is IMMUTABLE');
SELECT is_strict('j7599', 'is_hcpcs_line', ARRAY['text'], 'is_hcpcs_line is STRICT');
SELECT is_strict('j7599', 'is_ndc', ARRAY['text'], 'is_ndc is STRICT');
SELECT is_strict('j7599', 'code', ARRAY['hcpcs_line'], 'code() is STRICT');
SELECT is_strict('j7599', 'ndc_format', ARRAY['ndc', 'text'], 'ndc_format is STRICT');
SELECT isnt_strict('j7599', 'hcpcs_line', ARRAY['text', 'text[]'],
                   'the constructor is not STRICT: NULL modifiers are skipped');
SELECT is(j7599.hcpcs_line('J7599', NULL, 'KX')::text, 'J7599-KX', 'constructor skips a NULL modifier');
SELECT ok(j7599.hcpcs_line(NULL::text, 'KX') IS NULL, 'constructor gives NULL for a NULL code');

-- SQLSTATEs
SELECT throws_ok($$SELECT 'J759'::j7599.hcpcs_line$$, '22P02',
                 'invalid input syntax for type hcpcs_line: "J759"', 'short code: 22P02');
SELECT throws_ok($$SELECT 'J7599-JZ-KX-GA-GY-GZ'::j7599.hcpcs_line$$, '22P02', NULL, 'five modifiers: 22P02');
SELECT throws_ok($$SELECT 'J7599-K'::text::j7599.hcpcs_line$$, '22P02', NULL, 'cast from text: 22P02');
SELECT throws_ok($$SELECT j7599.hcpcs_line('J7599', 'K')$$, '22P02', NULL, 'constructor: 22P02');
SELECT throws_ok($$SELECT '0006915001'::j7599.ndc$$, '22P02',
                 'invalid input syntax for type ndc: "0006915001"', 'bare 10-digit NDC: 22P02');
SELECT throws_ok($$SELECT '0006915001'::text::j7599.ndc$$, '22P02', NULL, 'NDC cast from text: 22P02');
SELECT throws_ok($$SELECT j7599.ndc_format('00069015001', 'nonsense')$$, '22023', NULL, 'unknown NDC style: 22023');
SELECT throws_ok($$SELECT j7599.ndc_format('123456789012', '5-4-2')$$, '22023', NULL,
                 'a 12-digit-only NDC has no 5-4-2 form: 22023');

-- the is_* functions never raise
SELECT is(j7599.is_hcpcs_line(E'\x01\x02'), false, 'is_hcpcs_line on control characters');
SELECT is(j7599.is_hcpcs_line(repeat('J', 10000)), false, 'is_hcpcs_line on a long string');
SELECT is(j7599.is_ndc(repeat('9', 10000)), false, 'is_ndc on a long string');
SELECT is(j7599.is_ndc('N4'), false, 'is_ndc on a bare qualifier');

-- accessors
SELECT is(j7599.modifiers('J7599'), '{}'::text[], 'modifiers of a bare code is {}');
SELECT is(j7599.modifiers('J7599:JZ:KX'), ARRAY['JZ', 'KX'], 'modifiers in billed order');
SELECT is(j7599.code_kind('0001U'), 'cpt_pla', 'PLA code kind');
SELECT is(j7599.code_kind('U0001'), 'hcpcs_level2', 'U codes are Level II');
SELECT ok(j7599.has_modifier('J7599-JZ-KX', 'kx'), 'has_modifier is case-insensitive');

-- equality is exact; order by code, then modifiers
SELECT ok('J7599-JZ-KX'::j7599.hcpcs_line <> 'J7599-KX-JZ', 'modifier order matters for equality');
SELECT ok('J7599'::j7599.hcpcs_line < 'J7599-A1', 'a bare code sorts before the same code with modifiers');
SELECT ok('99213'::j7599.hcpcs_line < 'A0021', 'CPT codes sort before Level II codes, as text does');
SELECT ok('000069-0150-01'::j7599.ndc = '00069015001', 'a zero-labeler 6-4-2 NDC equals its 11-digit form');

SELECT * FROM finish();
ROLLBACK;
