/*
 * Rule settings: a warehouse's own severity per rule, payer and dates, and
 * j7599.rule_severity(), which says what applies and why.  After every other
 * part (like 90_code_sets.sql): the dump registration comes after the others,
 * as in an upgraded 1.0, whose upgrade creates this part as it stands.
 *
 * The rule engine reads the settings from its cache, resolved ahead per payer
 * and stretch of dates (src/policy_cache.c); the most specific setting wins:
 * the payer's own, then its parents' (the cascade), then the row for every
 * payer (payer_id NULL).  'off' means the rule is not reported.
 */
CREATE TABLE j7599.rule_setting (
    payer_id    text REFERENCES j7599.payer ON UPDATE CASCADE ON DELETE CASCADE,
    rule        text NOT NULL CHECK (rule ~ '^[A-Z][A-Z0-9_]*$'),
    severity    text NOT NULL CHECK (severity IN ('error', 'warning', 'info', 'off')),
    valid       daterange NOT NULL DEFAULT '(,)' CHECK (NOT isempty(valid)),
    note        text,
    shipped     boolean NOT NULL DEFAULT false,
    CONSTRAINT rule_setting_key UNIQUE NULLS NOT DISTINCT (payer_id, rule, valid)
);

SELECT pg_catalog.pg_extension_config_dump('j7599.rule_setting', 'WHERE NOT shipped');

CREATE TRIGGER reference_row_updated BEFORE UPDATE ON j7599.rule_setting
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_updated();
CREATE TRIGGER reference_row_inserted BEFORE INSERT ON j7599.rule_setting
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_inserted('payer_id', 'rule', 'valid');
-- BEFORE INSERT OR UPDATE: the rule must be one of the catalogue's
CREATE FUNCTION j7599.rule_setting_checked() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM j7599.rules() AS r WHERE r.rule = NEW.rule) THEN
        RAISE EXCEPTION 'rule "%" is not in the catalogue', NEW.rule
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT rule FROM j7599.rules() lists the rule ids.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION j7599.rule_setting_checked() IS
'Trigger of j7599.rule_setting: refuses a rule id that j7599.rules() does not list (22023)';
CREATE TRIGGER rule_setting_checked BEFORE INSERT OR UPDATE OF rule ON j7599.rule_setting
    FOR EACH ROW EXECUTE FUNCTION j7599.rule_setting_checked();
CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON j7599.rule_setting
    FOR EACH STATEMENT EXECUTE FUNCTION j7599._reference_changed();
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.rule_setting
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.rule_setting ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;

REVOKE ALL ON TABLE j7599.rule_setting FROM PUBLIC;
GRANT SELECT ON TABLE j7599.rule_setting TO PUBLIC;

COMMENT ON TABLE j7599.rule_setting IS
'A warehouse''s severity for a rule: per payer or group (NULL: every payer) and service dates; the most specific setting wins (the payer''s own, its parents'', then NULL); off: not reported. Applies to validate, is_valid, enforce, audit and audit_summary';
COMMENT ON COLUMN j7599.rule_setting.payer_id IS 'a payer or group (the cascade applies: a setting on buca covers aetna); NULL: every payer';
COMMENT ON COLUMN j7599.rule_setting.rule IS 'a rule id of j7599.rules() (another is refused)';
COMMENT ON COLUMN j7599.rule_setting.severity IS 'error, warning, info, or off (the rule is not reported)';
COMMENT ON COLUMN j7599.rule_setting.valid IS 'the service dates the setting is in force; a line without a service date takes only settings in force at all times';
COMMENT ON COLUMN j7599.rule_setting.note IS 'why';
COMMENT ON COLUMN j7599.rule_setting.shipped IS 'true: loaded by CREATE EXTENSION and unchanged since (not dumped); false: added or changed by a user (dumped)';

CREATE FUNCTION j7599.rule_severity(rule text, payer text, on_date date)
RETURNS TABLE (severity text, basis text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cat text;
    pid text := CASE WHEN rule_severity.payer IS NULL THEN NULL ELSE j7599.payer_resolve(rule_severity.payer) END;
    chain text[];
    s record;
    fld text;
    pol j7599.policy;
    val jsonb;
BEGIN
    SELECT r.severity INTO cat FROM j7599.rules() AS r WHERE r.rule = rule_severity.rule;
    IF cat IS NULL THEN
        RAISE EXCEPTION 'rule "%" is not in the catalogue', rule_severity.rule
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT rule FROM j7599.rules() lists the rule ids.';
    END IF;
    chain := CASE WHEN pid IS NULL THEN '{}'::text[] ELSE j7599.payer_chain_ids(pid) END;

    -- 1. a setting: the payer's own, its parents', then the one for every payer
    SELECT rs.* INTO s
      FROM j7599.rule_setting AS rs
     WHERE rs.rule = rule_severity.rule
       AND (rs.payer_id IS NULL OR rs.payer_id = ANY (chain))
       AND CASE WHEN rule_severity.on_date IS NULL THEN rs.valid = '(,)'::daterange
                ELSE rs.valid @> rule_severity.on_date END
     ORDER BY coalesce(array_position(chain, rs.payer_id), cardinality(chain) + 1),
              lower(rs.valid) DESC NULLS LAST
     LIMIT 1;
    IF FOUND THEN
        severity := s.severity;
        basis := format('setting: %s for %s, service dates %s%s', s.severity,
                        coalesce('payer ' || s.payer_id, 'every payer'), s.valid,
                        coalesce(' (' || s.note || ')', ''));
        RETURN NEXT;
        RETURN;
    END IF;

    -- 2. evidence: a rule that a policy field produces takes that value's confidence
    fld := CASE rule_severity.rule
        WHEN 'NARRATIVE_MISSING' THEN 'requires_narrative'
        WHEN 'NARRATIVE_TOO_LONG' THEN 'narrative_max_length'
        WHEN 'NDC_MISSING' THEN 'requires_ndc'
        WHEN 'UNITS_EXCEED_POLICY' THEN 'max_units'
        WHEN 'DX_MISSING' THEN 'dx_required'
        WHEN 'DX_NOT_COVERED' THEN 'dx_required'
        WHEN 'POS_NOT_ALLOWED' THEN 'pos_allowed'
        WHEN 'PRIOR_AUTH_MISSING' THEN 'requires_prior_auth'
        WHEN 'WASTE_MODIFIER_MISSING' THEN 'waste_modifier_required'
        WHEN 'SUPPLY_DAYS_EXCEEDED' THEN 'supply_days_max'
        WHEN 'KX_WITHOUT_TRANSPLANT_DATE' THEN 'kx_rule'
        WHEN 'KX_SUGGESTED' THEN 'kx_rule'
    END;
    IF fld IS NOT NULL AND pid IS NOT NULL AND rule_severity.on_date IS NOT NULL THEN
        pol := j7599.policy_for(pid, rule_severity.on_date);
        val := to_jsonb(pol) -> fld;
        IF val IS NOT NULL AND val <> 'null'::jsonb THEN
            IF (pol.field_confidence ->> fld) = 'assumed' THEN
                severity := CASE WHEN cat = 'info' THEN 'info' ELSE 'warning' END;
                basis := format('evidence: %s of the %s policy on %s is assumed (no published source), so at most a warning',
                                fld, pid, rule_severity.on_date);
            ELSE
                severity := CASE WHEN cat = 'policy' THEN 'error' ELSE cat END;
                basis := format('catalogue; evidence: %s of the %s policy on %s is %s', fld, pid,
                                rule_severity.on_date, coalesce(pol.field_confidence ->> fld, pol.confidence));
            END IF;
            RETURN NEXT;
            RETURN;
        ELSIF cat = 'policy' THEN
            severity := 'warning';
            basis := format('catalogue: %s is unknown for %s on %s, so a warning', fld, pid, rule_severity.on_date);
            RETURN NEXT;
            RETURN;
        END IF;
    END IF;

    -- 3. the catalogue
    severity := CASE WHEN cat = 'policy' THEN 'warning' ELSE cat END;
    basis := CASE WHEN cat = 'policy'
                  THEN 'catalogue: error when the payer policy requires it, a warning when unknown'
                  ELSE 'catalogue' END;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION j7599.rule_severity(text, text, date) IS
'The severity a rule gets for a payer (id or alias; NULL: none) on a service date (NULL: none), and why: a setting of j7599.rule_setting (which), the evidence of the policy value (assumed: at most a warning), or the catalogue';
