-- test/pgtap/lib/test_functions.sql: functions of the library that only the
-- tests use, declared in pg_temp (they are not part of the extension's
-- script).  Include with \ir lib/test_functions.sql; needs a superuser.

-- the policy cascade as the validation cache resolves it: one row per field
-- that resolves, with the payer and policy row it came from (must agree with
-- j7599.policy_explain)
CREATE FUNCTION pg_temp.cascade(payer text, on_date date, code text DEFAULT 'J7599')
RETURNS TABLE (field text, from_payer text, policy_id text)
    AS '$libdir/j7599', 'j7599_cascade'
    LANGUAGE C STABLE PARALLEL SAFE ROWS 11;

-- how many times this session has loaded the validation cache
CREATE FUNCTION pg_temp.cache_loads() RETURNS bigint
    AS '$libdir/j7599', 'j7599_cache_loads'
    LANGUAGE C VOLATILE PARALLEL RESTRICTED;

-- is there a j7599 function whose arguments start with these types, every later one with a
-- default (claim inputs added after the contract's come at the end)
CREATE FUNCTION pg_temp.has_inputs(fn name, types text[]) RETURNS boolean
LANGUAGE sql STABLE
RETURN EXISTS (SELECT FROM pg_proc p
               WHERE p.pronamespace = 'j7599'::regnamespace AND p.proname = fn
                 AND p.pronargs - p.pronargdefaults <= cardinality(types)
                 AND (SELECT array_agg(format_type(t, NULL) ORDER BY n)
                        FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS u(t, n)
                       WHERE n <= cardinality(types)) = types);
