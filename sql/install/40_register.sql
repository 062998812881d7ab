/*
 * Registration: which column of a claim table holds each validation
 * argument.  Columns are named exactly as stored (their attname); nothing
 * given here is ever pasted into SQL unquoted.
 */

CREATE TABLE j7599.registration (
    tbl             regclass PRIMARY KEY,
    line            name NOT NULL,
    payer           name,
    service_date    name,
    units           name,
    ndc             name,
    pos             name,
    dx              name[] CHECK (dx IS NULL OR (cardinality(dx) BETWEEN 1 AND 8 AND array_position(dx, NULL) IS NULL)),
    narrative       name,
    prior_auth      name,
    days_supply     name,
    transplant_date name,
    registered_at   timestamptz NOT NULL DEFAULT now(),
    registered_by   name NOT NULL DEFAULT current_user
);
COMMENT ON TABLE j7599.registration IS
'Registered claim tables: the column (attname) that holds each validation argument. Dumped with the database';
COMMENT ON COLUMN j7599.registration.tbl IS 'the claim table';
COMMENT ON COLUMN j7599.registration.line IS 'column of the line: text or hcpcs_line';
COMMENT ON COLUMN j7599.registration.payer IS 'column of the payer id or name: text';
COMMENT ON COLUMN j7599.registration.service_date IS 'column of the date of service: date';
COMMENT ON COLUMN j7599.registration.units IS 'column of the units: numeric or an integer type';
COMMENT ON COLUMN j7599.registration.ndc IS 'column of the NDC: text or ndc';
COMMENT ON COLUMN j7599.registration.pos IS 'column of the place of service: text';
COMMENT ON COLUMN j7599.registration.dx IS 'columns of the diagnoses: text or text[] each';
COMMENT ON COLUMN j7599.registration.narrative IS 'column of the line narrative: text';
COMMENT ON COLUMN j7599.registration.prior_auth IS 'column of the prior-authorisation number: text';
COMMENT ON COLUMN j7599.registration.days_supply IS 'column of the days of supply: an integer type';
COMMENT ON COLUMN j7599.registration.transplant_date IS 'column of the transplant date: date';
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

/*
 * The column kinds each argument accepts.  'text' covers text, varchar and
 * char; arrays of those for dx.
 */
CREATE FUNCTION j7599._column_kind(tbl regclass, col name, arg text)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t oid;
    base oid;
    kind text;
    wanted text;
BEGIN
    SELECT a.atttypid INTO t
    FROM pg_attribute a
    WHERE a.attrelid = tbl AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'column "%" of table % does not exist', col, tbl
            USING ERRCODE = 'undefined_column',
                  DETAIL = format('The argument %s names a column that is not in the table.', arg),
                  HINT = 'Name the column exactly as it is stored (its attname), case and blanks kept, without quotes.';
    END IF;
    -- look through domains (over domains) to the base type
    LOOP
        SELECT typbasetype INTO base FROM pg_type WHERE oid = t AND typtype = 'd';
        EXIT WHEN NOT FOUND;
        t := base;
    END LOOP;
    kind := CASE
        WHEN t IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype) THEN 'text'
        WHEN t IN ('text[]'::regtype, 'varchar[]'::regtype, 'bpchar[]'::regtype) THEN 'text[]'
        WHEN t = 'j7599.hcpcs_line'::regtype THEN 'hcpcs_line'
        WHEN t = 'j7599.ndc'::regtype THEN 'ndc'
        WHEN t = 'date'::regtype THEN 'date'
        WHEN t = 'numeric'::regtype THEN 'numeric'
        WHEN t IN ('int2'::regtype, 'int4'::regtype) THEN 'integer'
        WHEN t = 'int8'::regtype THEN 'bigint'
        ELSE NULL END;
    wanted := CASE arg
        WHEN 'line' THEN 'text or hcpcs_line'
        WHEN 'ndc' THEN 'text or ndc'
        WHEN 'dx' THEN 'text or text[]'
        WHEN 'service_date' THEN 'date'
        WHEN 'transplant_date' THEN 'date'
        WHEN 'units' THEN 'numeric, smallint, integer or bigint'
        WHEN 'days_supply' THEN 'smallint or integer'
        ELSE 'text' END;
    IF kind IS NULL OR NOT (
           (arg = 'line' AND kind IN ('text', 'hcpcs_line'))
        OR (arg = 'ndc' AND kind IN ('text', 'ndc'))
        OR (arg = 'dx' AND kind IN ('text', 'text[]'))
        OR (arg IN ('service_date', 'transplant_date') AND kind = 'date')
        OR (arg = 'units' AND kind IN ('numeric', 'integer', 'bigint'))
        OR (arg = 'days_supply' AND kind = 'integer')
        OR (arg IN ('payer', 'pos', 'narrative', 'prior_auth') AND kind = 'text')) THEN
        RAISE EXCEPTION 'column "%" of table % has type %, which cannot hold %', col, tbl, format_type(t, NULL), arg
            USING ERRCODE = 'datatype_mismatch',
                  DETAIL = format('The argument %s needs a column of type %s.', arg, wanted),
                  HINT = 'Register another column, or add a column of the right type.';
    END IF;
    RETURN kind;
END
$$;
COMMENT ON FUNCTION j7599._column_kind(regclass, name, text) IS
'Internal: checks that a column exists (42703) and can hold a validation argument (42804); returns its kind';

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

CREATE FUNCTION j7599.register(tbl regclass, line text, payer text DEFAULT NULL, service_date text DEFAULT NULL,
                               units text DEFAULT NULL, ndc text DEFAULT NULL, pos text DEFAULT NULL,
                               dx text[] DEFAULT NULL, narrative text DEFAULT NULL, prior_auth text DEFAULT NULL,
                               days_supply text DEFAULT NULL, transplant_date text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d text;
    enforced_severity text;
BEGIN
    IF tbl IS NULL OR line IS NULL THEN
        RAISE EXCEPTION 'register needs a table and its line column'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM j7599._require_owner(tbl, 'register it');
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = tbl AND relkind IN ('r', 'p')) THEN
        RAISE EXCEPTION '% is not a table', tbl
            USING ERRCODE = 'wrong_object_type', HINT = 'Register a table or a partitioned table.';
    END IF;
    PERFORM j7599._column_kind(tbl, line, 'line');
    IF payer IS NOT NULL THEN PERFORM j7599._column_kind(tbl, payer, 'payer'); END IF;
    IF service_date IS NOT NULL THEN PERFORM j7599._column_kind(tbl, service_date, 'service_date'); END IF;
    IF units IS NOT NULL THEN PERFORM j7599._column_kind(tbl, units, 'units'); END IF;
    IF ndc IS NOT NULL THEN PERFORM j7599._column_kind(tbl, ndc, 'ndc'); END IF;
    IF pos IS NOT NULL THEN PERFORM j7599._column_kind(tbl, pos, 'pos'); END IF;
    IF dx IS NOT NULL THEN
        IF cardinality(dx) = 0 OR array_position(dx, NULL) IS NOT NULL THEN
            RAISE EXCEPTION 'dx must name one or more columns'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF cardinality(dx) > 8 THEN
            RAISE EXCEPTION 'dx names % columns; at most 8 can be registered', cardinality(dx)
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Keep the diagnoses in fewer columns, for example one text[] column.';
        END IF;
        FOREACH d IN ARRAY dx LOOP
            PERFORM j7599._column_kind(tbl, d, 'dx');
        END LOOP;
    END IF;
    IF narrative IS NOT NULL THEN PERFORM j7599._column_kind(tbl, narrative, 'narrative'); END IF;
    IF prior_auth IS NOT NULL THEN PERFORM j7599._column_kind(tbl, prior_auth, 'prior_auth'); END IF;
    IF days_supply IS NOT NULL THEN PERFORM j7599._column_kind(tbl, days_supply, 'days_supply'); END IF;
    IF transplant_date IS NOT NULL THEN PERFORM j7599._column_kind(tbl, transplant_date, 'transplant_date'); END IF;

    -- the enforcing trigger carries the mapping: re-registering rewrites it
    enforced_severity := j7599._enforced_severity(tbl);

    INSERT INTO j7599.registration AS r (tbl, line, payer, service_date, units, ndc, pos, dx, narrative,
                                         prior_auth, days_supply, transplant_date, registered_at, registered_by)
    VALUES (tbl, line, payer, service_date, units, ndc, pos, dx, narrative, prior_auth, days_supply,
            transplant_date, now(), current_user)
    ON CONFLICT ON CONSTRAINT registration_pkey DO UPDATE
        SET line = EXCLUDED.line, payer = EXCLUDED.payer, service_date = EXCLUDED.service_date,
            units = EXCLUDED.units, ndc = EXCLUDED.ndc, pos = EXCLUDED.pos, dx = EXCLUDED.dx,
            narrative = EXCLUDED.narrative, prior_auth = EXCLUDED.prior_auth,
            days_supply = EXCLUDED.days_supply, transplant_date = EXCLUDED.transplant_date,
            registered_at = EXCLUDED.registered_at, registered_by = EXCLUDED.registered_by;

    IF enforced_severity IS NOT NULL THEN
        PERFORM j7599._install_trigger(tbl, enforced_severity);
    END IF;
END
$$;
COMMENT ON FUNCTION j7599.register(regclass, text, text, text, text, text, text, text[], text, text, text, text) IS
'Records which column of a claim table holds each validation argument (42703: no such column; 42804: wrong type). Re-registering replaces the mapping. Owner only (42501)';
REVOKE ALL ON FUNCTION j7599.register(regclass, text, text, text, text, text, text, text[], text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION j7599.register(regclass, text, text, text, text, text, text, text[], text, text, text, text) TO PUBLIC;

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
