-- test/pgtap/x12.sql: j7599.x12_procedure, the 837 SV1-01 / SV2-02 composite
-- as sent.  Composites from real files, every separator X12 could use, empty
-- modifier slots in every position, descriptions next to separators,
-- qualifiers other than HC, NULL and blank input, and the errors with their
-- SQLSTATE, detail and hint.  The parser itself is unit-tested in
-- test/unit/test_x12.c.
BEGIN;
SELECT plan(62);

CREATE FUNCTION pg_temp.x12(composite text, sep text DEFAULT ':') RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(concat_ws(' | ', qualifier, coalesce(line::text, '-'), coalesce(description, '-')), '; ')
    FROM j7599.x12_procedure(composite, sep)
$$;
-- the SQLSTATE, message, detail and hint of an error, or 'ok'
CREATE FUNCTION pg_temp.x12_error(composite text, sep text DEFAULT ':') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; det text; hnt text;
BEGIN
    PERFORM * FROM j7599.x12_procedure(composite, sep);
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                            hnt = PG_EXCEPTION_HINT;
    RETURN concat_ws(' | ', st, msg, det, hnt);
END
$$;

-- ---- the function ---------------------------------------------------------------------
SELECT has_function('j7599', 'x12_procedure', ARRAY['text', 'text'], 'x12_procedure(text, text) exists');
SELECT is(pg_get_function_result('j7599.x12_procedure(text, text)'::regprocedure),
          'TABLE(qualifier text, line j7599.hcpcs_line, description text)',
          'it returns (qualifier text, line hcpcs_line, description text)');
SELECT ok((SELECT provolatile = 'i' AND proisstrict AND proparallel = 's' FROM pg_proc
            WHERE oid = 'j7599.x12_procedure(text, text)'::regprocedure), 'IMMUTABLE STRICT PARALLEL SAFE');

-- ---- composites from real files ---------------------------------------------------------
SELECT is(pg_temp.x12('HC:J7599:KX::::TACROLIMUS 1MG CAP'), 'HC | J7599-KX | TACROLIMUS 1MG CAP',
          'HC:J7599:KX::::TACROLIMUS 1MG CAP');
SELECT is(pg_temp.x12('HC>99213>25', '>'), 'HC | 99213-25 | -', 'HC>99213>25 with separator >');
SELECT is(pg_temp.x12('HC:J3490:::::Hep Lock see NDC#'), 'HC | J3490 | Hep Lock see NDC#',
          'HC:J3490:::::Hep Lock see NDC#: four empty modifier slots and a description');
SELECT is((SELECT pg_typeof(line)::text FROM j7599.x12_procedure('HC:J7599:KX')), 'j7599.hcpcs_line',
          'the line is an hcpcs_line');
SELECT ok((SELECT line OPERATOR(j7599.=) 'J7599-JZ-KX'::j7599.hcpcs_line FROM j7599.x12_procedure('hc:j7599:jz:kx')),
          'case is folded; the line equals the strict type''s value');

-- ---- separators ---------------------------------------------------------------------------
SELECT is(pg_temp.x12(replace('HC:J7599:JZ:KX:::TACROLIMUS', ':', s), s), 'HC | J7599-JZ-KX | TACROLIMUS',
          format('separator %s', s))
  FROM unnest(ARRAY[':', '>', '^', '*', '|', '~', '\', '!', '<', '#', '+', '.', '/', '-', '_', '"', '''', ',', ';', '?', '=']) AS s;
SELECT is(pg_temp.x12(E'HC\x1fJ7599\x1fKX', E'\x1f'), 'HC | J7599-KX | -', 'a control character as separator');

-- ---- empty modifier slots in every position -------------------------------------------------
SELECT is(pg_temp.x12(c), 'HC | J7599-KX | -', format('one modifier in slot %s: %s', k, c))
  FROM (VALUES (1, 'HC:J7599:KX:::'), (2, 'HC:J7599::KX::'), (3, 'HC:J7599:::KX:'), (4, 'HC:J7599::::KX')) AS v(k, c);
SELECT is(pg_temp.x12('HC:J7599:JZ::KX::DRUG'), 'HC | J7599-JZ-KX | DRUG', 'gaps between modifiers close up, in order');
SELECT is(pg_temp.x12('HC:J7599:JW:JZ:KX:GA:DRUG'), 'HC | J7599-JW-JZ-KX-GA | DRUG', 'four modifiers and a description');
SELECT is(pg_temp.x12('HC:J7599:::::'), 'HC | J7599 | -', 'every slot empty, empty description (7 components)');
SELECT is(pg_temp.x12(' HC : J7599 : KX : : : : TACROLIMUS 1MG CAP  '), 'HC | J7599-KX | TACROLIMUS 1MG CAP',
          'blanks around components are ignored');

-- ---- descriptions with the separator's neighbours ------------------------------------------------
SELECT is(pg_temp.x12('HC:J7599:KX::::TACROLIMUS>1MG^CAP*30'), 'HC | J7599-KX | TACROLIMUS>1MG^CAP*30',
          'other separators are plain characters in the description');
SELECT is(pg_temp.x12('HC>J7599>KX>>>>MYCOPHENOLIC ACID: 180 MG', '>'),
          'HC | J7599-KX | MYCOPHENOLIC ACID: 180 MG', 'a colon in the description when the separator is >');
SELECT is(pg_temp.x12('HC:J7599:KX::::ÉVÉROLIMUS 0,25 mg'), 'HC | J7599-KX | ÉVÉROLIMUS 0,25 mg',
          'a description keeps non-ASCII characters');

-- ---- other qualifiers -----------------------------------------------------------------------------
SELECT is(pg_temp.x12('ER:ABC123:ZZ:::'), 'ER | - | -', 'ER: the code is not HCPCS, no line');
SELECT is(pg_temp.x12('hp:1AFK1:::::HIPPS'), 'HP | - | HIPPS', 'HP (HIPPS): no line; the description is kept');
SELECT is(pg_temp.x12('IV:X:Y'), 'IV | - | -', 'IV: the code and modifiers of another code set are not checked');

-- ---- NULL and blank -----------------------------------------------------------------------------
SELECT is((SELECT count(*) FROM j7599.x12_procedure(NULL)), 0::bigint, 'NULL: no row');
SELECT is((SELECT count(*) FROM j7599.x12_procedure('HC:J7599', NULL)), 0::bigint, 'a NULL separator: no row');
SELECT is((SELECT count(*) FROM j7599.x12_procedure(E' \t ')), 0::bigint, 'a blank composite: no row');
SELECT is((SELECT count(*) FROM j7599.x12_procedure('')), 0::bigint, 'an empty composite: no row');

-- ---- errors -------------------------------------------------------------------------------------
SELECT is(pg_temp.x12_error('HC:J7599:K'),
          '22P02 | invalid input syntax for an X12 procedure composite: "HC:J7599:K"'
          ' | Component 3 at position 10: modifier 1 "K" must be two letters or digits.'
          ' | An SV1-01 / SV2-02 composite is a qualifier, a code, up to four modifiers (empty slots allowed) and a description, such as "HC:J7599:KX::::TACROLIMUS 1MG CAP".',
          'a malformed modifier: 22P02, the detail names the component and position, the hint the form');
SELECT is(pg_temp.x12_error('HC>J759>KX', '>'),
          '22P02 | invalid input syntax for an X12 procedure composite: "HC>J759>KX"'
          ' | Component 2 at position 4: code "J759" must be 5 characters.'
          ' | An SV1-01 / SV2-02 composite is a qualifier, a code, up to four modifiers (empty slots allowed) and a description, such as "HC>J7599>KX>>>>TACROLIMUS 1MG CAP".',
          'a malformed code: the hint is written with the separator given');
SELECT is(pg_temp.x12_error('HC:J7599::::::x:y'),
          '22P02 | invalid input syntax for an X12 procedure composite: "HC:J7599::::::x:y"'
          ' | The composite has 9 components, at most 7 (the ":" at position 14 starts component 8).'
          ' | An SV1-01 / SV2-02 composite is a qualifier, a code, up to four modifiers (empty slots allowed) and a description, such as "HC:J7599:KX::::TACROLIMUS 1MG CAP".',
          'more than 7 components: 22P02');
SELECT matches(pg_temp.x12_error('J7599:KX'), '^22P02 \| .* \| Qualifier "J7599" \(component 1\) must be two letters or digits, such as HC\. \| ',
               'a composite without its qualifier: 22P02');
SELECT matches(pg_temp.x12_error(':J7599'), '^22P02 \| .* \| The qualifier \(component 1\) is empty\. \| ', 'an empty qualifier');
SELECT matches(pg_temp.x12_error('HC'), '^22P02 \| .* \| No code follows the qualifier \(no ":" separator\)\. \| ', 'a qualifier alone');
SELECT matches(pg_temp.x12_error('HC::KX'), '^22P02 \| .* \| The code \(component 2, position 4\) is empty\. \| ', 'an empty code');
SELECT matches(pg_temp.x12_error('HC:J7599:KX', 'ab'),
               '^22023 \| invalid X12 component separator "ab" \| The separator "ab" must be one character\. \| The component separator is the one character of ISA16',
               'a separator of two characters: 22023');
SELECT matches(pg_temp.x12_error('HC:J7599:KX', s), '^22023 \| invalid X12 component separator', format('separator %L refused (22023)', s))
  FROM unnest(ARRAY['', ' ', 'A', '7', 'é']) AS s;
SELECT is(j7599.is_hcpcs_line('J7599:KX::::'), false, 'the type''s own text input stays strict');

SELECT * FROM finish();
ROLLBACK;
