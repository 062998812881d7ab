/*
 * Payer resolution and the policy cascade.
 *
 *   payer_resolve(name)              payer id for a payer id or alias (exact, prefix, pattern), else NULL
 *   payer_chain(name)                the payers consulted, nearest first, 'default' last
 *   payer_chain_ids(payer_id)        the same as an array, for a payer id
 *   policy_trace(name, date, code)   every field of every policy row in force along the chain
 *   policy_for(name, date, code)     the resolved policy, one value per field
 *   policy_explain(name, date, code) where each resolved value came from
 *
 * All read tables, so they are STABLE; all are STRICT: a NULL argument (an
 * unknown payer, date or code) gives NULL or no rows.  They are written in
 * PL/pgSQL, whose statement plans are kept for the session (an analyst calls
 * policy_for once per claim line), with schema-qualified names and a pinned
 * search_path.
 */

CREATE FUNCTION j7599.payer_chain_ids(payer_id text) RETURNS text[]
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cur text := payer_chain_ids.payer_id;
    parent text;
    chain text[] := '{}';
BEGIN
    -- the payer and its parents; a cycle or a chain deeper than 32 parents ends it
    WHILE cur IS NOT NULL AND cardinality(chain) <= 32 AND cur <> ALL (chain) LOOP
        SELECT p.parent_id INTO parent FROM j7599.payer AS p WHERE p.payer_id = cur;
        EXIT WHEN NOT FOUND;
        chain := chain || cur;
        cur := parent;
    END LOOP;
    -- 'default' is consulted last even when the parents do not lead to it
    IF cardinality(chain) > 0 AND 'default' <> ALL (chain)
       AND EXISTS (SELECT FROM j7599.payer AS p WHERE p.payer_id = 'default') THEN
        chain := chain || 'default'::text;
    END IF;
    RETURN chain;
END
$$;

CREATE FUNCTION j7599.payer_chain(payer text)
RETURNS TABLE (payer_id text, depth integer)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pid text := j7599.payer_resolve(payer_chain.payer);
BEGIN
    IF pid IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT ch.id, (ch.n - 1)::integer
          FROM unnest(j7599.payer_chain_ids(pid)) WITH ORDINALITY AS ch (id, n)
         ORDER BY ch.n;
END
$$;

-- policy_trace, policy_explain and policy_for list the policy fields: they are
-- generated from src/policy_fields.def (23_policy_functions_gen.sql).
