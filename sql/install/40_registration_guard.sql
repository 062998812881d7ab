/*
 * Who may write a registration (the table's owner), and registrations that go
 * with their tables: new in 1.1, so the upgrade creates this part as is
 * (sql/upgrade/j7599--1.0--1.1/40_registration.parts).
 */

/*
 * Every write to j7599.registration, through register/unregister or direct,
 * passes here: only a role that owns the table (is a member of the owning
 * role) may record, change or remove its mapping, and registered_by and
 * registered_at are stamped with the writer and the time.  A superuser is
 * let through as written, so that a restore brings the recorded stamps back.
 */
CREATE FUNCTION j7599._registration_guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    superuser boolean := coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user), false);
BEGIN
    IF superuser THEN
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM j7599._require_owner(OLD.tbl, 'change its registration');
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    PERFORM j7599._require_owner(NEW.tbl, 'register it');
    NEW.registered_by := current_user;
    NEW.registered_at := now();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION j7599._registration_guard() IS
'Internal: trigger on j7599.registration; only the owner of a table writes its registration (42501), stamped with who and when';
CREATE TRIGGER registration_guard BEFORE INSERT OR UPDATE OR DELETE ON j7599.registration
    FOR EACH ROW EXECUTE FUNCTION j7599._registration_guard();

/*
 * A registration goes with its table: DROP TABLE, DROP SCHEMA ... CASCADE,
 * DROP OWNED.  The dropping role need not own the table (a schema's owner
 * may drop the tables of others in it), so the deletion runs as the
 * extension's owner; it deletes only rows naming a relation just dropped.
 */
CREATE FUNCTION j7599._drop_registrations() RETURNS event_trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM j7599.registration
    WHERE tbl IN (SELECT d.objid::regclass FROM pg_event_trigger_dropped_objects() d
                  WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0);
END
$$;
COMMENT ON FUNCTION j7599._drop_registrations() IS
'Internal: event trigger on sql_drop; deletes the registrations of the tables just dropped';
REVOKE ALL ON FUNCTION j7599._drop_registrations() FROM PUBLIC;
CREATE EVENT TRIGGER j7599_drop_registrations ON sql_drop EXECUTE FUNCTION j7599._drop_registrations();
COMMENT ON EVENT TRIGGER j7599_drop_registrations IS 'Deletes the registrations of dropped tables (j7599)';

CREATE FUNCTION j7599.unregister(tbl regclass) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF tbl IS NULL THEN
        RAISE EXCEPTION 'unregister needs a table'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM j7599._require_owner(tbl, 'unregister it');
    -- the enforcing trigger was made from the registration, and enforce()
    -- and audits read it: an enforced table keeps it
    IF j7599._enforced_severity(tbl) IS NOT NULL THEN
        RAISE EXCEPTION 'table % is enforced', tbl
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its enforcing trigger was installed from the registration.',
                  HINT = format('Call j7599.unenforce(%L) first.', tbl::text);
    END IF;
    DELETE FROM j7599.registration r WHERE r.tbl = unregister.tbl;
    IF NOT FOUND THEN
        RAISE NOTICE 'table % is not registered, skipping', tbl;
    END IF;
END
$$;
COMMENT ON FUNCTION j7599.unregister(regclass) IS
'Removes the registration of a table. Owner only (42501); an enforced table must be unenforced first (55000)';
REVOKE ALL ON FUNCTION j7599.unregister(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION j7599.unregister(regclass) TO PUBLIC;
