/*
 * The event trigger that gives a table which comes to inherit from an
 * enforced table (CREATE TABLE ... INHERITS, ALTER TABLE ... INHERIT) the
 * enforcing trigger; its function is in 41_enforce.sql.
 */
CREATE EVENT TRIGGER j7599_enforce_inheriting_tables ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE', 'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE')
    EXECUTE FUNCTION j7599._enforce_inheriting_tables();
COMMENT ON EVENT TRIGGER j7599_enforce_inheriting_tables IS
'Gives a table that comes to inherit from an enforced table (CREATE TABLE ... INHERITS, ALTER TABLE ... INHERIT) the enforcing trigger';
