/*
 * The validation cache (sql/install/30_validate.sql, "cache freshness"):
 * the record of changes j7599._reference_version, the invalidation triggers
 * enabled ALWAYS, row triggers for logical replication's apply, the new
 * comment of j7599._reference_changed().  The C functions are unchanged in
 * name; the library of 1.1 runs the queries of the cache under a pinned
 * search_path.
 */

-- Every change of a reference table reaches every session's validation
-- cache: the triggers below send an invalidation and add the transaction to
-- j7599._reference_version.  The statement triggers are enabled ALWAYS, so
-- they fire under session_replication_role = replica too; logical
-- replication's apply fires no statement triggers (TRUNCATE aside), hence
-- the row triggers, enabled REPLICA so that ordinary loads do not pay for
-- them.  (The statement triggers exist since 1.0.)  Beware: ALTER TABLE ... ENABLE TRIGGER ALL/USER makes them plain
-- (ORIGIN) triggers again.

CREATE UNLOGGED TABLE j7599._reference_version (
    xid xid8 PRIMARY KEY
);
COMMENT ON TABLE j7599._reference_version IS
'Internal: the transactions that changed a reference table and that some snapshot may not see yet; the validation cache compares what its loading snapshot and the latest one see here to know whether it may outlive its snapshot. Unlogged: not replicated, emptied after a crash';
COMMENT ON COLUMN j7599._reference_version.xid IS 'the transaction that changed a reference table';
REVOKE ALL ON TABLE j7599._reference_version FROM PUBLIC;
GRANT SELECT ON TABLE j7599._reference_version TO PUBLIC;

COMMENT ON FUNCTION j7599._reference_changed() IS
'Internal trigger on the reference tables (for each statement, and for each row under logical replication): tells every session''s validation cache that the table changed';

CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.hcpcs_code
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.hcpcs_code ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.modifier
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.modifier ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.modifier_conflict
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.modifier_conflict ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.place_of_service
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.place_of_service ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.drug_code
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.drug_code ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.payer
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.payer ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.payer_alias
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.payer_alias ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.policy
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.policy ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
