-- test/pgtap/security_cache.sql: the queries that load the validation cache
-- call nothing of another schema, whatever the caller's search_path.
--
-- The attack: a role that may create objects in schema public defines
-- functions and an operator there whose argument types match what the
-- cache's queries pass exactly (lower(daterange) is a better match than
-- pg_catalog.lower(anyrange), though pg_catalog is searched first).  Each
-- logs its call and tries to make the role a superuser; they are SECURITY
-- INVOKER, so they would run with the rights of whoever loads the cache.  A
-- superuser with that role's schema on the search_path then makes the cache
-- load (validate, is_valid, an insert into an enforced table, the cascade of
-- a payer, an audit's mask): nothing of schema public may run.
--
-- Everything is rolled back at the end, the role included.

BEGIN;
SELECT plan(10);
\ir lib/test_functions.sql

CREATE ROLE security_cache_attacker LOGIN;
GRANT CREATE ON SCHEMA public TO security_cache_attacker;

SET LOCAL ROLE security_cache_attacker;
CREATE TABLE public.security_cache_log (fn text);
GRANT INSERT ON public.security_cache_log TO PUBLIC;

-- each one logs, then tries the escalation, then answers like the original
CREATE FUNCTION public.lower(r daterange) RETURNS date LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.security_cache_log VALUES ('lower');
    EXECUTE 'ALTER ROLE security_cache_attacker SUPERUSER';
    RETURN pg_catalog.lower(r);
END $$;
CREATE FUNCTION public.upper(r daterange) RETURNS date LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.security_cache_log VALUES ('upper');
    EXECUTE 'ALTER ROLE security_cache_attacker SUPERUSER';
    RETURN pg_catalog.upper(r);
END $$;
CREATE FUNCTION public.lower_inc(r daterange) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.security_cache_log VALUES ('lower_inc');
    EXECUTE 'ALTER ROLE security_cache_attacker SUPERUSER';
    RETURN pg_catalog.lower_inc(r);
END $$;
CREATE FUNCTION public.upper_inc(r daterange) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.security_cache_log VALUES ('upper_inc');
    EXECUTE 'ALTER ROLE security_cache_attacker SUPERUSER';
    RETURN pg_catalog.upper_inc(r);
END $$;
CREATE FUNCTION public.array_to_string(a text[], sep text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.security_cache_log VALUES ('array_to_string');
    EXECUTE 'ALTER ROLE security_cache_attacker SUPERUSER';
    RETURN pg_catalog.array_to_string(a, sep);
END $$;
CREATE FUNCTION public.security_cache_cat(a text, b text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.security_cache_log VALUES ('||');
    EXECUTE 'ALTER ROLE security_cache_attacker SUPERUSER';
    RETURN pg_catalog.textcat(a, b);
END $$;
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = public.security_cache_cat);
CREATE FUNCTION public.floor(n numeric) RETURNS numeric LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.security_cache_log VALUES ('floor');
    EXECUTE 'ALTER ROLE security_cache_attacker SUPERUSER';
    RETURN pg_catalog.floor(n);
END $$;
RESET ROLE;

-- a claim table the superuser enforces
CREATE TABLE security_cache_claims (id int PRIMARY KEY, line text, payer text, service_date date);
SELECT j7599.register('security_cache_claims', line => 'line', payer => 'payer', service_date => 'service_date');
SELECT j7599.enforce('security_cache_claims');

-- the victim: a superuser whose search_path has public before the extension
SET LOCAL search_path = "$user", public, j7599;

-- a change of a reference table makes this session's next statement read
-- the tables again; the statement trigger fires even when no row changes
UPDATE j7599.policy SET note = note WHERE false;
SELECT ok((SELECT count(*) FROM j7599.validate('J7599', 'medicare', '2024-03-01', units => 1)) >= 0,
          'validate reloads the cache');
UPDATE j7599.policy SET note = note WHERE false;
SELECT ok(j7599.is_valid('J7599', 'medicare', '2024-03-01', units => 1) IS NOT NULL,
          'is_valid reloads the cache');
UPDATE j7599.policy SET note = note WHERE false;
INSERT INTO security_cache_claims VALUES (1, 'J7599', NULL, NULL);
SELECT pass('an insert into an enforced table reloads the cache');
UPDATE j7599.policy SET note = note WHERE false;
SELECT ok((SELECT count(*) FROM pg_temp.cascade('uhc', '2024-03-01')) > 0, 'the cascade reloads the cache');
UPDATE j7599.policy SET note = note WHERE false;
SELECT ok((SELECT count(*) FROM j7599.audit_summary('security_cache_claims')) >= 0,
          'an audit reloads the cache');
SELECT ok(pg_temp.cache_loads() >= 5, 'the cache was loaded once per change');

RESET search_path;
SELECT is((SELECT array_agg(DISTINCT fn ORDER BY fn) FROM public.security_cache_log), NULL,
          'no function or operator of schema public ran');
SELECT is((SELECT rolsuper FROM pg_roles WHERE rolname = 'security_cache_attacker'), false,
          'the attacker is still not a superuser');

-- the hijacks are real: called the way a careless query would, they run
SET LOCAL search_path = "$user", public;
SELECT lower(daterange('2024-01-01', '2025-01-01')) AS hijacked \gset
RESET search_path;
SELECT is((SELECT array_agg(DISTINCT fn ORDER BY fn) FROM public.security_cache_log), '{lower}',
          'an unqualified call on that search_path would have run the attacker''s function');
SELECT is((SELECT rolsuper FROM pg_roles WHERE rolname = 'security_cache_attacker'), true,
          'and made the attacker a superuser');

SELECT * FROM finish();
ROLLBACK;
