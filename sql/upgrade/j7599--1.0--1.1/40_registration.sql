/*
 * Registrations (sql/install/40_register.sql, 40_registration_guard.sql).
 *
 * Only the owner of a table writes its registration: a trigger instead of
 * the row-level security of 1.0, which let any role that could read a table
 * change its mapping and kept a non-superuser from dumping the database.
 * register() needs ownership, unregister() is new, and a registration goes
 * with its table (an event trigger on sql_drop): those come with
 * 40_registration_guard.parts.  Registrations left behind by tables dropped
 * under 1.0 name no table any more: they are deleted here, first.
 */
DROP POLICY registration_read ON j7599.registration;
DROP POLICY registration_insert ON j7599.registration;
DROP POLICY registration_update ON j7599.registration;
DROP POLICY registration_delete ON j7599.registration;
ALTER TABLE j7599.registration DISABLE ROW LEVEL SECURITY;
DELETE FROM j7599.registration r WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = r.tbl);
