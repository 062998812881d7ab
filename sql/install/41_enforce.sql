/*
 * Enforcement: a C row trigger, BEFORE INSERT OR UPDATE, that validates the
 * registered columns of each row and refuses a row with a finding at or above
 * a severity (SQLSTATE 23514).  The trigger's arguments carry the severity and
 * the column mapping, so a dump restores the trigger as it was, after the data,
 * and partitions (existing and future) inherit it from a partitioned table.
 */

CREATE FUNCTION j7599.enforce_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'j7599_enforce_trigger' LANGUAGE C;
COMMENT ON FUNCTION j7599.enforce_trigger() IS
'Row trigger installed by j7599.enforce: args are the minimum severity, then field=column pairs';

CREATE FUNCTION j7599._check_severity(severity text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF severity IS NULL OR severity NOT IN ('error', 'warning', 'info') THEN
        RAISE EXCEPTION 'unknown severity "%"', severity
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use ''error'', ''warning'' or ''info''.';
    END IF;
    RETURN severity;
END
$$;
COMMENT ON FUNCTION j7599._check_severity(text) IS 'Internal: the severity, or 22023 when it is not error, warning or info';

-- the minimum severity of the table's enforcing trigger, NULL when not enforced
CREATE FUNCTION j7599._enforced_severity(tbl regclass) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT convert_from(substring(tgargs FROM 1 FOR position('\x00'::bytea IN tgargs) - 1), 'SQL_ASCII')
        FROM pg_trigger
        WHERE tgrelid = tbl AND tgname = 'j7599_enforce' AND tgnargs > 0 AND tgparentid = 0);
COMMENT ON FUNCTION j7599._enforced_severity(regclass) IS
'Internal: the minimum severity a table is enforced at by a trigger of its own, NULL when it is not';

-- A partition of an enforced partitioned table carries a clone of the
-- parent's trigger: it is enforced (and unenforced) through the parent.
CREATE FUNCTION j7599._refuse_if_enforced_by_parent(tbl regclass) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parent regclass;
BEGIN
    SELECT p.tgrelid::regclass INTO parent
    FROM pg_trigger c JOIN pg_trigger p ON p.oid = c.tgparentid
    WHERE c.tgrelid = tbl AND c.tgname = 'j7599_enforce' AND c.tgparentid <> 0;
    IF FOUND THEN
        RAISE EXCEPTION 'partition % is enforced through %', tbl, parent
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Enforce or unenforce %s, which covers all its partitions.', parent);
    END IF;
END
$$;
COMMENT ON FUNCTION j7599._refuse_if_enforced_by_parent(regclass) IS
'Internal: raises 55000 for a partition whose enforcing trigger is inherited from its partitioned parent';

-- the registration of a table, or 55000 when it has none
CREATE FUNCTION j7599._registration(tbl regclass) RETURNS j7599.registration
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r j7599.registration;
BEGIN
    SELECT * INTO r FROM j7599.registration WHERE registration.tbl = _registration.tbl;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % is not registered', tbl
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Call j7599.register(tbl, line => ..., ...) first to say which column holds what.';
    END IF;
    RETURN r;
END
$$;
COMMENT ON FUNCTION j7599._registration(regclass) IS
'Internal: the registration row of a table; 55000 when the table is not registered';

CREATE FUNCTION j7599._install_trigger(tbl regclass, min_severity text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r j7599.registration;
    args text[];
    d name;
BEGIN
    r := j7599._registration(tbl);
    args := ARRAY[quote_literal(min_severity), quote_literal('line=' || r.line)];
    IF r.payer IS NOT NULL THEN args := args || quote_literal('payer=' || r.payer); END IF;
    IF r.service_date IS NOT NULL THEN args := args || quote_literal('service_date=' || r.service_date); END IF;
    IF r.units IS NOT NULL THEN args := args || quote_literal('units=' || r.units); END IF;
    IF r.ndc IS NOT NULL THEN args := args || quote_literal('ndc=' || r.ndc); END IF;
    IF r.pos IS NOT NULL THEN args := args || quote_literal('pos=' || r.pos); END IF;
    IF r.dx IS NOT NULL THEN
        FOREACH d IN ARRAY r.dx LOOP
            args := args || quote_literal('dx=' || d);
        END LOOP;
    END IF;
    IF r.narrative IS NOT NULL THEN args := args || quote_literal('narrative=' || r.narrative); END IF;
    IF r.prior_auth IS NOT NULL THEN args := args || quote_literal('prior_auth=' || r.prior_auth); END IF;
    IF r.days_supply IS NOT NULL THEN args := args || quote_literal('days_supply=' || r.days_supply); END IF;
    IF r.transplant_date IS NOT NULL THEN
        args := args || quote_literal('transplant_date=' || r.transplant_date);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'j7599_enforce' AND tgparentid = 0) THEN
        EXECUTE format('DROP TRIGGER j7599_enforce ON %s', tbl);
    END IF;
    EXECUTE format('CREATE TRIGGER j7599_enforce BEFORE INSERT OR UPDATE ON %s '
                   'FOR EACH ROW EXECUTE FUNCTION j7599.enforce_trigger(%s)', tbl, array_to_string(args, ', '));
END
$$;
COMMENT ON FUNCTION j7599._install_trigger(regclass, text) IS
'Internal: (re)creates the enforcing trigger of a registered table from its registration';

CREATE FUNCTION j7599.enforce(tbl regclass, min_severity text DEFAULT 'error') RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM j7599._check_severity(min_severity);
    PERFORM j7599._require_owner(tbl, 'enforce it');
    PERFORM j7599._refuse_if_enforced_by_parent(tbl);
    PERFORM j7599._install_trigger(tbl, min_severity);
END
$$;
COMMENT ON FUNCTION j7599.enforce(regclass, text) IS
'Refuses rows of a registered table that have a finding at or above min_severity (23514), by a BEFORE INSERT OR UPDATE trigger; covers every partition, present and future. Owner only (42501)';

CREATE FUNCTION j7599.unenforce(tbl regclass) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM j7599._require_owner(tbl, 'unenforce it');
    PERFORM j7599._refuse_if_enforced_by_parent(tbl);
    IF j7599._enforced_severity(tbl) IS NULL THEN
        RAISE NOTICE 'table % is not enforced, skipping', tbl;
        RETURN;
    END IF;
    EXECUTE format('DROP TRIGGER j7599_enforce ON %s', tbl);
END
$$;
COMMENT ON FUNCTION j7599.unenforce(regclass) IS 'Removes the trigger that j7599.enforce installed. Owner only (42501)';
