/*
 * The NDC crosswalk's dump registration and cache freshness, after every
 * other part: the registration comes after those of 40-44, as it does in an
 * upgraded 1.0 (pg_extension.extconfig keeps the order of registration), and
 * j7599._reference_changed() is declared in 30_validate.sql.  The triggers
 * are those of the other reference tables ("cache freshness" there): the
 * statement trigger enabled ALWAYS, the row trigger REPLICA (for logical
 * replication's apply).  The rest of its guard is in 29_reference_guard.sql.
 */
SELECT pg_catalog.pg_extension_config_dump('j7599.ndc_code', 'WHERE NOT shipped');

CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON j7599.ndc_code
    FOR EACH STATEMENT EXECUTE FUNCTION j7599._reference_changed();
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.ndc_code
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.ndc_code ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;
