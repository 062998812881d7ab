-- test/pgtap/security_search_path.sql: the extension's own queries call no
-- user-defined function or operator, whatever the caller's search_path.
--
-- The attack: a role that may create in public defines functions and
-- operators whose argument types match what the extension's queries pass
-- more exactly than the polymorphic built-ins do (lower(daterange) beats
-- pg_catalog.lower(anyrange) even though pg_catalog is searched first).  Each
-- one records that it ran and tries to make the attacker a superuser, which
-- succeeds when a superuser calls it.  A superuser with the search_path that
-- people write ("$user", public, j7599) then uses every public function of
-- the extension, the cache loader included (validate after a change to a
-- reference table reloads it).  Nothing may have been called.
--
-- Everything is rolled back at the end.

BEGIN;
SELECT plan(6);

CREATE ROLE j7599_sp_attacker NOLOGIN;
GRANT CREATE ON SCHEMA public TO j7599_sp_attacker;
CREATE TABLE public.j7599_sp_log (fn text);
GRANT INSERT ON public.j7599_sp_log TO PUBLIC;
ALTER TABLE public.j7599_sp_log OWNER TO j7599_sp_attacker;

SET ROLE j7599_sp_attacker;
-- the payload: note the call, and grant superuser when the caller can
CREATE FUNCTION public.j7599_sp_payload(fn text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.j7599_sp_log VALUES (fn);
    BEGIN
        EXECUTE 'ALTER ROLE j7599_sp_attacker SUPERUSER';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END
$$;
CREATE FUNCTION public.lower(daterange) RETURNS date LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('lower(daterange)'); RETURN pg_catalog.lower($1); END $$;
CREATE FUNCTION public.upper(daterange) RETURNS date LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('upper(daterange)'); RETURN pg_catalog.upper($1); END $$;
CREATE FUNCTION public.lower_inc(daterange) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('lower_inc(daterange)'); RETURN pg_catalog.lower_inc($1); END $$;
CREATE FUNCTION public.upper_inc(daterange) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('upper_inc(daterange)'); RETURN pg_catalog.upper_inc($1); END $$;
CREATE FUNCTION public.isempty(daterange) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('isempty(daterange)'); RETURN pg_catalog.isempty($1); END $$;
CREATE FUNCTION public.array_to_string(text[], text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('array_to_string(text[], text)'); RETURN pg_catalog.array_to_string($1, $2); END $$;
CREATE FUNCTION public.array_position(name[], name) RETURNS integer LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('array_position(name[], name)'); RETURN pg_catalog.array_position($1, $2); END $$;
CREATE FUNCTION public.cardinality(name[]) RETURNS integer LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('cardinality(name[])'); RETURN pg_catalog.cardinality($1); END $$;
CREATE FUNCTION public.cardinality(text[]) RETURNS integer LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('cardinality(text[])'); RETURN pg_catalog.cardinality($1); END $$;
CREATE FUNCTION public.format(text, text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('format(text, text)'); RETURN pg_catalog.format($1, $2); END $$;
CREATE FUNCTION public.quote_literal(text) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('quote_literal(text)'); RETURN pg_catalog.quote_literal($1); END $$;
CREATE FUNCTION public.j7599_sp_contains(daterange, date) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('@>(daterange, date)'); RETURN $1 OPERATOR(pg_catalog.@>) $2; END $$;
CREATE OPERATOR public.@> (LEFTARG = daterange, RIGHTARG = date, FUNCTION = public.j7599_sp_contains);
CREATE FUNCTION public.j7599_sp_overlaps(daterange, daterange) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('&&(daterange, daterange)'); RETURN $1 OPERATOR(pg_catalog.&&) $2; END $$;
CREATE OPERATOR public.&& (LEFTARG = daterange, RIGHTARG = daterange, FUNCTION = public.j7599_sp_overlaps);
CREATE FUNCTION public.j7599_sp_concat(text, name) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN PERFORM public.j7599_sp_payload('||(text, name)'); RETURN $1 OPERATOR(pg_catalog.||) $2::text; END $$;
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = name, FUNCTION = public.j7599_sp_concat);
RESET ROLE;

-- the bait works: called directly, a hijack function runs
SET LOCAL search_path = "$user", public, j7599;
SELECT is((SELECT lower(daterange('2024-01-01', '2025-01-01'))), DATE '2024-01-01',
          'the hijack functions are in place and win over the built-ins for a caller');
DELETE FROM public.j7599_sp_log;
ALTER ROLE j7599_sp_attacker NOSUPERUSER;

-- a claim table the superuser registers, enforces and audits
CREATE TABLE public.j7599_sp_claims (id int PRIMARY KEY, hcpcs text, payer text, dos date, units numeric,
                                     ndc text, pos text, dx text[], note text);
INSERT INTO public.j7599_sp_claims VALUES
    (1, 'J7599-KX', 'Medicare', '2025-03-01', 1, '00069-0150-01', '12', '{Z94.0}', 'voclosporin 7.9 mg capsule'),
    (2, 'J7599-JW-JZ', 'Aetna', '2025-03-01', 0, '123', '99', '{Q}', NULL);
CREATE TABLE public.j7599_sp_staging (code text, long_description text, short_description text);
INSERT INTO public.j7599_sp_staging SELECT code, long_description, short_description FROM j7599.hcpcs_code;
CREATE TABLE public.j7599_sp_pos (code text, name text);
INSERT INTO public.j7599_sp_pos SELECT code, name FROM j7599.place_of_service;

-- a change to a reference table: the next validate reloads the cache
UPDATE j7599.policy SET note = note WHERE policy_id = 'uhc-j7599';

SELECT lives_ok($$
    SELECT count(*) FROM j7599.validate(line => 'J7599-KX', payer => 'Medicare', service_date => '2025-03-01',
                                        units => 1, ndc => '00069-0150-01', pos => '12', dx => '{Z94.0}',
                                        narrative => 'voclosporin 7.9 mg capsule', transplant_date => '2020-01-01');
    SELECT count(*) FROM j7599.validate(line => 'J7599-KX'::j7599.hcpcs_line, payer => 'uhc',
                                        service_date => '2025-03-01');
    SELECT j7599.is_valid(line => 'J7599', payer => 'Blue Cross Blue Shield', service_date => '2024-06-01');
    SELECT j7599.line_ok('J7599-JW-JZ', 1, '00069-0150-01', '12', '{Z94.0}');
    SELECT count(*) FROM j7599.rules();
    SELECT count(*) FROM j7599.builtin_conflicts();
    SELECT j7599.payer_resolve('UnitedHealthcare');
    SELECT count(*) FROM j7599.payer_chain('aetna');
    SELECT j7599.payer_chain_ids('cigna');
    SELECT count(*) FROM j7599.policy_trace('medicare', '2025-03-01');
    SELECT (j7599.policy_for('Medicare', '2025-03-01')).requires_narrative;
    SELECT count(*) FROM j7599.policy_explain('uhc', '2025-03-01');
    SELECT j7599.hcpcs_line('J7599', 'JZ', 'KX');
    SELECT j7599.ndc_format('00069-0150-01', '5-4-2');
$$, 'the validation and policy functions run under a hostile search_path');

SELECT lives_ok($$
    SELECT j7599.register('public.j7599_sp_claims', line => 'hcpcs', payer => 'payer', service_date => 'dos',
                          units => 'units', ndc => 'ndc', pos => 'pos', dx => '{dx}', narrative => 'note');
    SELECT count(*) FROM j7599.audit('public.j7599_sp_claims');
    SELECT count(*) FROM j7599.audit_summary('public.j7599_sp_claims');
    SELECT j7599.enforce('public.j7599_sp_claims');
    INSERT INTO public.j7599_sp_claims VALUES
        (3, 'J7599-KX', 'Medicare', '2025-03-02', 1, '00069-0150-01', '12', '{Z94.0}', 'voclosporin 7.9 mg capsule');
    SELECT j7599.unenforce('public.j7599_sp_claims');
    SELECT * FROM j7599.load_hcpcs_codes('public.j7599_sp_staging', '2020', 'hijack test');
    SELECT * FROM j7599.load_place_of_service('public.j7599_sp_pos', 'hijack test');
$$, 'register, audit, enforce, an enforced insert and the loaders run under a hostile search_path');

SELECT is((SELECT count(*) FROM public.j7599_sp_log), 0::bigint,
          'no user-defined function or operator was called by the extension');
SELECT is((SELECT string_agg(DISTINCT fn, ', ') FROM public.j7599_sp_log), NULL,
          'the list of hijack functions called is empty');
SELECT is((SELECT rolsuper FROM pg_roles WHERE rolname = 'j7599_sp_attacker'), false,
          'the attacker did not become superuser');

SELECT * FROM finish();
ROLLBACK;
