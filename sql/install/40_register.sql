/*
 * Registration: the table j7599.registration, with one column per claim
 * input, is created by the generated part 39_registration_gen.sql from
 * src/claim_inputs.def; so are _column_kind() and register()
 * (40_register_gen.sql), which list the inputs.
 */

COMMENT ON TABLE j7599.registration IS
'Registered claim tables: the column (attname) that holds each validation argument. Dumped with the database';
COMMENT ON COLUMN j7599.registration.tbl IS 'the claim table';
COMMENT ON COLUMN j7599.registration.registered_at IS 'when the mapping was recorded';
COMMENT ON COLUMN j7599.registration.registered_by IS 'who recorded it';
SELECT pg_catalog.pg_extension_config_dump('j7599.registration', '');
-- Anyone may read the mappings.  Writing them is open to every role, and a
-- trigger (j7599._registration_guard, below) lets through only the owner of
-- the table named.  No row-level security: pg_dump refuses to dump a table
-- whose policies would hide rows from it, which a non-superuser's dump of
-- the database would run into.
REVOKE ALL ON j7599.registration FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON j7599.registration TO PUBLIC;

CREATE FUNCTION j7599._require_owner(tbl regclass, action text)
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = tbl AND pg_has_role(current_user, c.relowner, 'USAGE')) THEN
        RAISE EXCEPTION 'must be owner of table % to %', tbl, action
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Ask the table''s owner, or a role that is a member of the owning role.';
    END IF;
END
$$;
COMMENT ON FUNCTION j7599._require_owner(regclass, text) IS 'Internal: raises 42501 unless the current user owns the table';
