/*
 * Payer resolution and the policy cascade.
 *
 *   payer_resolve(name)              payer id for a payer id or alias, else NULL
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

CREATE FUNCTION j7599.payer_resolve(payer text) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k text;
    found_id text;
BEGIN
    -- 1. the payer id itself
    SELECT p.payer_id INTO found_id FROM j7599.payer AS p WHERE p.payer_id = payer_resolve.payer;
    IF found_id IS NOT NULL THEN
        RETURN found_id;
    END IF;
    k := j7599.payer_key(payer_resolve.payer);
    SELECT coalesce(
        -- 2. a payer id with the same key ("BCBS", "Uhc"), unless two ids share it;
        --    ids are lower-case letters, digits and _, so an id's key is the id without _
        (SELECT min(p.payer_id) FROM j7599.payer AS p WHERE replace(p.payer_id, '_', '') = k HAVING count(*) = 1),
        -- 3. an alias with the same key (the key is unique among aliases)
        (SELECT a.payer_id FROM j7599.payer_alias AS a WHERE j7599.payer_key(a.alias) = k))
      INTO found_id;
    RETURN found_id;
END
$$;

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

CREATE FUNCTION j7599.policy_trace(payer text, on_date date, code text DEFAULT 'J7599')
RETURNS TABLE (depth integer, policy_id text, payer_id text, valid daterange, field_no integer, field text,
               value text, value_json jsonb, source text, confidence text, shipped boolean)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pid text := j7599.payer_resolve(policy_trace.payer);
    want_code text := upper(btrim(policy_trace.code));
    c record;
    r j7599.policy;
BEGIN
    IF pid IS NULL THEN
        RETURN;
    END IF;
    FOR c IN
        -- at most one row per payer: ranges of one payer and code never overlap
        SELECT (ch.n - 1)::integer AS depth, p AS pol
          FROM unnest(j7599.payer_chain_ids(pid)) WITH ORDINALITY AS ch (id, n)
          JOIN j7599.policy AS p ON p.payer_id = ch.id AND p.code = want_code AND p.valid @> policy_trace.on_date
         ORDER BY ch.n
    LOOP
        r := c.pol;
        RETURN QUERY
            SELECT c.depth, r.policy_id, r.payer_id, r.valid, f.field_no, f.field, f.value, f.value_json, r.source,
                   coalesce(r.field_confidence ->> f.field, r.confidence), r.shipped
              FROM (VALUES
                (1,  'requires_ndc',            r.requires_ndc::text,            to_jsonb(r.requires_ndc)),
                (2,  'requires_narrative',      r.requires_narrative::text,      to_jsonb(r.requires_narrative)),
                (3,  'narrative_max_length',    r.narrative_max_length::text,    to_jsonb(r.narrative_max_length)),
                (4,  'requires_prior_auth',     r.requires_prior_auth::text,     to_jsonb(r.requires_prior_auth)),
                (5,  'dx_required',             r.dx_required::text,             to_jsonb(r.dx_required)),
                (6,  'pos_allowed',             r.pos_allowed::text,             to_jsonb(r.pos_allowed)),
                (7,  'max_units',               r.max_units::text,               to_jsonb(r.max_units)),
                (8,  'supply_days_max',         r.supply_days_max::text,         to_jsonb(r.supply_days_max)),
                (9,  'waste_modifier_required', r.waste_modifier_required::text, to_jsonb(r.waste_modifier_required)),
                (10, 'kx_rule',                 r.kx_rule,                       to_jsonb(r.kx_rule)),
                (11, 'bill_to',                 r.bill_to,                       to_jsonb(r.bill_to))
              ) AS f (field_no, field, value, value_json);
    END LOOP;
END
$$;

CREATE FUNCTION j7599.policy_explain(payer text, on_date date, code text DEFAULT 'J7599')
RETURNS TABLE (field text, value text, from_payer text, source text, confidence text)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF j7599.payer_resolve(policy_explain.payer) IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
        WITH t AS (
            SELECT * FROM j7599.policy_trace(policy_explain.payer, policy_explain.on_date, policy_explain.code)
        )
        SELECT n.field, w.value, w.payer_id, w.source, w.confidence
          FROM (VALUES
            (1, 'requires_ndc'), (2, 'requires_narrative'), (3, 'narrative_max_length'), (4, 'requires_prior_auth'),
            (5, 'dx_required'), (6, 'pos_allowed'), (7, 'max_units'), (8, 'supply_days_max'),
            (9, 'waste_modifier_required'), (10, 'kx_rule'), (11, 'bill_to')
          ) AS n (field_no, field)
          LEFT JOIN LATERAL (
            SELECT t.value, t.payer_id, t.source, t.confidence
              FROM t
             WHERE t.field_no = n.field_no AND t.value IS NOT NULL
             ORDER BY t.depth
             LIMIT 1
          ) AS w ON true
         ORDER BY n.field_no;
END
$$;

CREATE FUNCTION j7599.policy_for(payer text, on_date date, code text DEFAULT 'J7599')
RETURNS j7599.policy
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pid text := j7599.payer_resolve(policy_for.payer);
    want_code text := upper(btrim(policy_for.code));
    c record;
    r j7599.policy;
    res j7599.policy;           -- the answer, filled field by field
    taken text[];               -- the fields the current row gives
    f text;
    conf text;
    fconf jsonb := '{}';        -- field -> its confidence
    notes text[] := '{}';       -- "field from payer"
    ids text[] := '{}';         -- contributing policy ids
    sources text[] := '{}';     -- "payer: source" of the contributing rows
    span daterange := '(,)';    -- intersection of the rows consulted
    weakest int := 3;           -- 1 assumed, 2 secondary, 3 confirmed
    all_shipped boolean := true;
BEGIN
    IF pid IS NULL THEN
        RETURN NULL;
    END IF;
    FOR c IN
        -- at most one row per payer: ranges of one payer and code never overlap
        SELECT (ch.n - 1)::integer AS depth, p AS pol
          FROM unnest(j7599.payer_chain_ids(pid)) WITH ORDINALITY AS ch (id, n)
          JOIN j7599.policy AS p ON p.payer_id = ch.id AND p.code = want_code AND p.valid @> policy_for.on_date
         ORDER BY ch.n
    LOOP
        r := c.pol;
        span := span * r.valid;
        taken := '{}';
        IF res.requires_ndc IS NULL AND r.requires_ndc IS NOT NULL THEN
            res.requires_ndc := r.requires_ndc; taken := taken || 'requires_ndc'::text;
        END IF;
        IF res.requires_narrative IS NULL AND r.requires_narrative IS NOT NULL THEN
            res.requires_narrative := r.requires_narrative; taken := taken || 'requires_narrative'::text;
        END IF;
        IF res.narrative_max_length IS NULL AND r.narrative_max_length IS NOT NULL THEN
            res.narrative_max_length := r.narrative_max_length; taken := taken || 'narrative_max_length'::text;
        END IF;
        IF res.requires_prior_auth IS NULL AND r.requires_prior_auth IS NOT NULL THEN
            res.requires_prior_auth := r.requires_prior_auth; taken := taken || 'requires_prior_auth'::text;
        END IF;
        IF res.dx_required IS NULL AND r.dx_required IS NOT NULL THEN
            res.dx_required := r.dx_required; taken := taken || 'dx_required'::text;
        END IF;
        IF res.pos_allowed IS NULL AND r.pos_allowed IS NOT NULL THEN
            res.pos_allowed := r.pos_allowed; taken := taken || 'pos_allowed'::text;
        END IF;
        IF res.max_units IS NULL AND r.max_units IS NOT NULL THEN
            res.max_units := r.max_units; taken := taken || 'max_units'::text;
        END IF;
        IF res.supply_days_max IS NULL AND r.supply_days_max IS NOT NULL THEN
            res.supply_days_max := r.supply_days_max; taken := taken || 'supply_days_max'::text;
        END IF;
        IF res.waste_modifier_required IS NULL AND r.waste_modifier_required IS NOT NULL THEN
            res.waste_modifier_required := r.waste_modifier_required; taken := taken || 'waste_modifier_required'::text;
        END IF;
        IF res.kx_rule IS NULL AND r.kx_rule IS NOT NULL THEN
            res.kx_rule := r.kx_rule; taken := taken || 'kx_rule'::text;
        END IF;
        IF res.bill_to IS NULL AND r.bill_to IS NOT NULL THEN
            res.bill_to := r.bill_to; taken := taken || 'bill_to'::text;
        END IF;
        CONTINUE WHEN cardinality(taken) = 0;
        FOREACH f IN ARRAY taken LOOP
            conf := coalesce(r.field_confidence ->> f, r.confidence);
            fconf := fconf || jsonb_build_object(f, conf);
            notes := notes || (f || ' from ' || r.payer_id);
            weakest := least(weakest, CASE conf WHEN 'assumed' THEN 1 WHEN 'secondary' THEN 2 ELSE 3 END);
        END LOOP;
        ids := ids || r.policy_id;
        sources := sources || (r.payer_id || ': ' || r.source);
        all_shipped := all_shipped AND r.shipped;
    END LOOP;
    IF cardinality(ids) = 0 THEN
        RETURN NULL;            -- no policy resolves for this payer, code and date
    END IF;
    res.policy_id := array_to_string(ids, ',');
    res.payer_id := pid;
    res.code := want_code;
    res.valid := span;
    res.source := array_to_string(sources, ' | ');
    res.confidence := (ARRAY['assumed', 'secondary', 'confirmed'])[weakest];
    res.field_confidence := fconf;
    res.note := array_to_string(notes, ', ');
    res.shipped := all_shipped;
    RETURN res;
END
$$;
