/*
 * Validation: the rule engine's SQL interface (src/validate.c, src/rules.c).
 *
 *   validate(line, payer, service_date, units, ndc, pos, dx, narrative,
 *            prior_auth, days_supply, transplant_date)   SETOF finding
 *   is_valid(same arguments)                             boolean
 *   line_ok(line, units, ndc, pos, dx)                   boolean, for CHECK
 *   rules()                                              the rule catalogue
 *   builtin_conflicts()                                  line_ok's modifier pairs
 *
 * The rules read the reference tables through a per-backend cache.  The
 * statement triggers at the end of this file keep it fresh: any change to a
 * reference table reaches the cache of this session at the next statement and
 * of other sessions at the first statement after the commit.  This file runs
 * after the shipped data is loaded, so the triggers do not fire at install.
 */

CREATE TYPE j7599.finding AS (
    rule     text,
    severity text,
    field    text,
    message  text,
    source   text
);
COMMENT ON TYPE j7599.finding IS
'One rule finding: rule id, severity (error, warning, info), the argument it concerns, a message for the biller, and the source the rule rests on';

-- validate(line hcpcs_line | text, <the claim inputs>) and is_valid(same) take
-- one argument per claim input of src/claim_inputs.def: generated
-- (30_validate_gen.sql).

-- -------------------------------------------------------------- line_ok

CREATE FUNCTION j7599.line_ok(
    line  j7599.hcpcs_line,
    units numeric DEFAULT NULL,
    ndc   text    DEFAULT NULL,
    pos   text    DEFAULT NULL,
    dx    text[]  DEFAULT NULL)
RETURNS boolean
    AS 'MODULE_PATHNAME', 'j7599_line_ok'
    LANGUAGE C IMMUTABLE PARALLEL SAFE COST 20;
COMMENT ON FUNCTION j7599.line_ok(j7599.hcpcs_line, numeric, text, text, text[]) IS
'For CHECK constraints: reads no table. True when no modifier is repeated, no built-in conflicting pair (j7599.builtin_conflicts()) stands on the line, units > 0, and the NDC, place of service and diagnoses are well-formed. NULL or blank arguments pass; a NULL line gives NULL';

-- ------------------------------------------------------------- catalogue

CREATE FUNCTION j7599.rules()
RETURNS TABLE (rule text, severity text, scope text, field text, fires_when text)
    AS 'MODULE_PATHNAME', 'j7599_rules'
    LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 30;
COMMENT ON FUNCTION j7599.rules() IS
'The rule catalogue: rule id, severity (policy: error when the payer policy says so), scope (line: every line; noc: J7599 and NOC codes), field and when it fires';

CREATE FUNCTION j7599.builtin_conflicts()
RETURNS TABLE (modifier_a text, modifier_b text, reason text)
    AS 'MODULE_PATHNAME', 'j7599_builtin_conflicts'
    LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 16;
COMMENT ON FUNCTION j7599.builtin_conflicts() IS
'The modifier pairs line_ok() refuses without reading a table (modifier_a < modifier_b); j7599.modifier_conflict holds them too';

-- The library also serves j7599_cascade and j7599_cache_loads, which only the
-- tests declare (test/pgtap/lib/test_functions.sql): they are not part of the
-- extension.

-- ------------------------------------------------------- cache freshness
--
-- Every change of a reference table reaches every session's validation
-- cache: the triggers below send an invalidation and add the transaction to
-- j7599._reference_version.  The statement triggers are enabled ALWAYS, so
-- they fire under session_replication_role = replica too; logical
-- replication's apply fires no statement triggers (TRUNCATE aside), hence
-- the row triggers, enabled REPLICA so that ordinary loads do not pay for
-- them.  Beware: ALTER TABLE ... ENABLE TRIGGER ALL/USER makes them plain
-- (ORIGIN) triggers again.

CREATE UNLOGGED TABLE j7599._reference_version (
    xid xid8 PRIMARY KEY
);
COMMENT ON TABLE j7599._reference_version IS
'Internal: the transactions that changed a reference table and that some snapshot may not see yet; the validation cache compares what its loading snapshot and the latest one see here to know whether it may outlive its snapshot. Unlogged: not replicated, emptied after a crash';
COMMENT ON COLUMN j7599._reference_version.xid IS 'the transaction that changed a reference table';
REVOKE ALL ON TABLE j7599._reference_version FROM PUBLIC;
GRANT SELECT ON TABLE j7599._reference_version TO PUBLIC;

CREATE FUNCTION j7599._reference_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'j7599_reference_changed'
    LANGUAGE C;
COMMENT ON FUNCTION j7599._reference_changed() IS
'Internal trigger on the reference tables (for each statement, and for each row under logical replication): tells every session''s validation cache that the table changed';

CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON j7599.hcpcs_code
    FOR EACH STATEMENT EXECUTE FUNCTION j7599._reference_changed();
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.hcpcs_code
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.hcpcs_code ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON j7599.modifier
    FOR EACH STATEMENT EXECUTE FUNCTION j7599._reference_changed();
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.modifier
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.modifier ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON j7599.modifier_conflict
    FOR EACH STATEMENT EXECUTE FUNCTION j7599._reference_changed();
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.modifier_conflict
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.modifier_conflict ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON j7599.place_of_service
    FOR EACH STATEMENT EXECUTE FUNCTION j7599._reference_changed();
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.place_of_service
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.place_of_service ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON j7599.drug_code
    FOR EACH STATEMENT EXECUTE FUNCTION j7599._reference_changed();
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.drug_code
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.drug_code ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON j7599.payer
    FOR EACH STATEMENT EXECUTE FUNCTION j7599._reference_changed();
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.payer
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.payer ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON j7599.payer_alias
    FOR EACH STATEMENT EXECUTE FUNCTION j7599._reference_changed();
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.payer_alias
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.payer_alias ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON j7599.policy
    FOR EACH STATEMENT EXECUTE FUNCTION j7599._reference_changed();
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.policy
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.policy ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
