/*
 * Claim-level rules: the aggregate j7599.claim_findings, which checks the
 * lines of one claim together (src/claims.c, src/rules_claims.c);
 * audit_claims, which runs it over a registered table grouped by its claim
 * key; enforce_claims, whose statement triggers check every claim a
 * statement touched, as it then stands (src/claims_trigger.c, which checks
 * the whole claims an INSERT or COPY brings from its new rows, and
 * j7599._claims_trigger below, which reads the claims back).
 *
 * A line whose claim key has a NULL column belongs to no claim: the claim
 * rules skip it.
 */

-- ------------------------------------------------------------- aggregate

CREATE OR REPLACE FUNCTION j7599._claim_trans(internal, j7599.hcpcs_line, date, numeric, text, text)
RETURNS internal
    AS 'MODULE_PATHNAME', 'j7599_claim_trans'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION j7599._claim_trans(internal, j7599.hcpcs_line, date, numeric, text, text) IS
'Internal: transition function of j7599.claim_findings (adds one line to the claim)';

CREATE OR REPLACE FUNCTION j7599._claim_trans(internal, j7599.hcpcs_line, date, numeric, text, text, text)
RETURNS internal
    AS 'MODULE_PATHNAME', 'j7599_claim_trans'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION j7599._claim_trans(internal, j7599.hcpcs_line, date, numeric, text, text, text) IS
'Internal: transition function of j7599.claim_findings with a line reference (adds one line to the claim)';

CREATE OR REPLACE FUNCTION j7599._claim_final(internal)
RETURNS j7599.finding[]
    AS 'MODULE_PATHNAME', 'j7599_claim_final'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION j7599._claim_final(internal) IS
'Internal: final function of j7599.claim_findings (runs the claim rules)';

CREATE OR REPLACE FUNCTION j7599._claim_combine(internal, internal)
RETURNS internal
    AS 'MODULE_PATHNAME', 'j7599_claim_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION j7599._claim_combine(internal, internal) IS
'Internal: combine function of j7599.claim_findings (the lines of two partial claims)';

CREATE OR REPLACE FUNCTION j7599._claim_serial(internal)
RETURNS bytea
    AS 'MODULE_PATHNAME', 'j7599_claim_serial'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599._claim_serial(internal) IS
'Internal: serialises a partial claim of j7599.claim_findings for parallel aggregation';

CREATE OR REPLACE FUNCTION j7599._claim_deserial(bytea, internal)
RETURNS internal
    AS 'MODULE_PATHNAME', 'j7599_claim_deserial'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599._claim_deserial(bytea, internal) IS
'Internal: reads a partial claim of j7599.claim_findings written by j7599._claim_serial';

CREATE AGGREGATE j7599.claim_findings(line j7599.hcpcs_line, service_date date, units numeric, ndc text, payer text) (
    SFUNC = j7599._claim_trans,
    STYPE = internal,
    SSPACE = 272,
    FINALFUNC = j7599._claim_final,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = j7599._claim_combine,
    SERIALFUNC = j7599._claim_serial,
    DESERIALFUNC = j7599._claim_deserial,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE j7599.claim_findings(j7599.hcpcs_line, date, numeric, text, text) IS
'The claim-level findings of the lines aggregated (use with GROUP BY the claim key): SUPPLY_FEE_WITHOUT_DRUG, WASTE_WITHOUT_ADMINISTERED, WASTE_MODIFIERS_MIXED, DUPLICATE_LINE, UNITS_EXCEED_DAILY_LIMIT. An empty array for a clean claim, NULL for no line. Lines are named by their content; the findings do not depend on the order of the lines';

CREATE AGGREGATE j7599.claim_findings(line j7599.hcpcs_line, service_date date, units numeric, ndc text, payer text,
                                      line_ref text) (
    SFUNC = j7599._claim_trans,
    STYPE = internal,
    SSPACE = 272,
    FINALFUNC = j7599._claim_final,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = j7599._claim_combine,
    SERIALFUNC = j7599._claim_serial,
    DESERIALFUNC = j7599._claim_deserial,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE j7599.claim_findings(j7599.hcpcs_line, date, numeric, text, text, text) IS
'j7599.claim_findings, each line named in messages by line_ref too (audit_claims passes the row key; at most 200 bytes are kept)';
-- the aggregate checks its support functions' privileges as its owner: nobody else calls them
REVOKE ALL ON FUNCTION j7599._claim_trans(internal, j7599.hcpcs_line, date, numeric, text, text),
                       j7599._claim_trans(internal, j7599.hcpcs_line, date, numeric, text, text, text),
                       j7599._claim_final(internal), j7599._claim_combine(internal, internal),
                       j7599._claim_serial(internal), j7599._claim_deserial(bytea, internal) FROM PUBLIC;

-- ------------------------------------------------------ registered tables

CREATE OR REPLACE FUNCTION j7599._line_or_null(text) RETURNS j7599.hcpcs_line
    AS 'MODULE_PATHNAME', 'j7599_line_or_null'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599._line_or_null(text) IS
'Internal: the text as a line, NULL when it is not valid hcpcs_line input';

-- the registration of a table with its claim key, or 55000
CREATE OR REPLACE FUNCTION j7599._claim_registration(tbl regclass) RETURNS j7599.registration
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r j7599.registration := j7599._registration(tbl);
BEGIN
    IF r.claim_key IS NULL THEN
        RAISE EXCEPTION 'table % has no claim key registered', tbl
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Register it again with claim_key => ARRAY[...], the column(s) that identify a claim.';
    END IF;
    RETURN r;
END
$$;
COMMENT ON FUNCTION j7599._claim_registration(regclass) IS
'Internal: the registration row of a table that has a claim key; 55000 when it is not registered or has none';

-- "t.a IS NOT NULL AND t.b IS NOT NULL", "t.a, t.b" and the jsonb of the key
CREATE OR REPLACE FUNCTION j7599._claim_key_sql(claim_key name[], alias text,
                                                OUT cols text, OUT not_null text, OUT key_json text)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT string_agg(format('%I.%I', alias, k), ', ' ORDER BY n),
           string_agg(format('%I.%I IS NOT NULL', alias, k), ' AND ' ORDER BY n),
           'pg_catalog.jsonb_build_object(' || string_agg(format('%L::text, %I.%I', k, alias, k), ', ' ORDER BY n) || ')'
      FROM unnest(claim_key) WITH ORDINALITY AS u(k, n);
END;
COMMENT ON FUNCTION j7599._claim_key_sql(name[], text) IS
'Internal: SQL fragments over claim key columns (alias.column): the column list, the NOT NULL test and the jsonb that names a claim';

-- the five arguments of claim_findings over the registered columns (alias t)
CREATE OR REPLACE FUNCTION j7599._claim_args(tbl regclass, r j7599.registration) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    line_kind text := j7599._column_kind(tbl, r.line, 'line');
BEGIN
    IF r.service_date IS NOT NULL THEN PERFORM j7599._column_kind(tbl, r.service_date, 'service_date'); END IF;
    IF r.units IS NOT NULL THEN PERFORM j7599._column_kind(tbl, r.units, 'units'); END IF;
    IF r.ndc IS NOT NULL THEN PERFORM j7599._column_kind(tbl, r.ndc, 'ndc'); END IF;
    IF r.payer IS NOT NULL THEN PERFORM j7599._column_kind(tbl, r.payer, 'payer'); END IF;
    RETURN concat_ws(', ',
        CASE WHEN line_kind = 'hcpcs_line' THEN format('t.%I', r.line)
             ELSE format('j7599._line_or_null(t.%I::pg_catalog.text)', r.line) END,
        CASE WHEN r.service_date IS NULL THEN 'NULL::pg_catalog.date' ELSE format('t.%I', r.service_date) END,
        CASE WHEN r.units IS NULL THEN 'NULL::pg_catalog.numeric' ELSE format('t.%I::pg_catalog.numeric', r.units) END,
        CASE WHEN r.ndc IS NULL THEN 'NULL::pg_catalog.text' ELSE format('t.%I::pg_catalog.text', r.ndc) END,
        CASE WHEN r.payer IS NULL THEN 'NULL::pg_catalog.text' ELSE format('t.%I::pg_catalog.text', r.payer) END);
END
$$;
COMMENT ON FUNCTION j7599._claim_args(regclass, j7599.registration) IS
'Internal: the arguments of claim_findings over a registered table''s columns (alias t); 42703/42804 when a registered column is gone or of a type it may not have';

CREATE OR REPLACE FUNCTION j7599.audit_claims(tbl regclass)
RETURNS TABLE(claim_key jsonb, rule text, severity text, field text, message text, source text)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r j7599.registration := j7599._claim_registration(tbl);
    k record;
    args text;
BEGIN
    k := j7599._claim_key_sql(r.claim_key, 't');
    args := j7599._claim_args(tbl, r);
    -- Two passes: the claims with findings, then their findings with each
    -- line's row key (building a row key for every line would cost more
    -- than the rules).  The second pass reads through an index on the claim
    -- key when there is one.
    RETURN QUERY EXECUTE format(
        'WITH bad AS MATERIALIZED ('
        '  SELECT s.* FROM (SELECT %2$s, pg_catalog.cardinality(j7599.claim_findings(%3$s)) AS n FROM %4$s AS t WHERE %5$s GROUP BY %2$s) AS s '
        '  WHERE s.n > 0) '
        'SELECT s.k, f.rule, f.severity, f.field, f.message, f.source '
        'FROM (SELECT %1$s AS k, j7599.claim_findings(%3$s, (%6$s)::pg_catalog.text) AS fs FROM %4$s AS t '
        '      WHERE (%2$s) IN (SELECT %7$s FROM bad AS x) GROUP BY %2$s) AS s '
        'CROSS JOIN LATERAL pg_catalog.unnest(s.fs) AS f',
        k.key_json, k.cols, args, tbl, k.not_null, j7599._row_key(tbl),
        (j7599._claim_key_sql(r.claim_key, 'x')).cols);
END
$$;
COMMENT ON FUNCTION j7599.audit_claims(regclass) IS
'Every claim-level finding of a registered table, the claim named by its claim key as jsonb: j7599.claim_findings over the table grouped by the claim key, each line named by its row key (primary key, else ctid). Lines whose claim key has a NULL belong to no claim. Runs as the caller';

-- ------------------------------------------------------------ enforcement

-- The registered table whose claims a table's rows belong to: the table
-- itself, or the topmost ancestor (partitioned table or inheritance parent)
-- registered with a claim key; NULL when there is none.  (PL/pgSQL: the
-- upgrade adds registration.claim_key after this part.)
CREATE OR REPLACE FUNCTION j7599._claims_root(tbl regclass) RETURNS regclass
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (WITH RECURSIVE up(relid, depth) AS (
                SELECT tbl::oid, 0
                UNION ALL
                SELECT i.inhparent, up.depth + 1 FROM up JOIN pg_inherits i ON i.inhrelid = up.relid)
            SELECT up.relid::regclass
            FROM up JOIN j7599.registration g ON g.tbl = up.relid::regclass AND g.claim_key IS NOT NULL
            ORDER BY up.depth DESC, up.relid
            LIMIT 1);
END
$$;
COMMENT ON FUNCTION j7599._claims_root(regclass) IS
'Internal: the table itself or its topmost partitioned or inheritance ancestor that is registered with a claim key, NULL when none is';

-- The exact check of enforce_claims: the claims the statement touched
-- (their keys in the transition tables, NEW and OLD) are read back from the
-- registered table as they now stand and checked together.  Called by the
-- statement trigger j7599._claims_stmt_trigger, with the transition tables
-- of the statement, or for an INSERT with one row of each claim it could not
-- settle from the new rows alone.  Runs as the role that ran the statement,
-- which must be able to read the table.
CREATE OR REPLACE FUNCTION j7599._claims_trigger() RETURNS trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    min_rank int := CASE TG_ARGV[0] WHEN 'info' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END;
    root regclass;
    r j7599.registration;
    k record;
    touched text;
    args text;
    bad jsonb[];
    detail text[];
    rules text;
    n int;
BEGIN
    -- the registered table: this one, or the partitioned table or the
    -- inheritance ancestor it belongs to
    root := j7599._claims_root(TG_RELID);
    IF root IS NULL THEN
        RETURN NULL;            -- unregistered since: nothing to check against
    END IF;
    r := j7599._claim_registration(root);
    k := j7599._claim_key_sql(r.claim_key, 'x');
    touched := concat_ws(' UNION ',
        CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN format('SELECT %s FROM j7599_new AS x', k.cols) END,
        CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN format('SELECT %s FROM j7599_old AS x', k.cols) END);
    k := j7599._claim_key_sql(r.claim_key, 't');
    args := j7599._claim_args(root, r);
    -- the claims with a finding at or above the severity ...
    EXECUTE format(
        'SELECT array_agg(c.k ORDER BY c.k::pg_catalog.text) '
        'FROM (SELECT %s AS k, j7599.claim_findings(%s) AS fs FROM %s AS t '
        '      WHERE (%s) IN (%s) GROUP BY %s) AS c '
        'WHERE EXISTS (SELECT FROM pg_catalog.unnest(c.fs) AS f '
        '              WHERE CASE f.severity WHEN ''info'' THEN 0 WHEN ''warning'' THEN 1 ELSE 2 END >= $1)',
        k.key_json, args, root, k.cols, touched, k.cols)
        INTO bad
        USING min_rank;
    IF bad IS NULL THEN
        RETURN NULL;
    END IF;
    -- ... and, for the error's detail, their findings naming each line by its row key
    EXECUTE format(
        'SELECT array_agg(pg_catalog.format(''%%s: %%s %%s: %%s'', j7599._key_text(c.k), f.severity, f.rule, f.message) '
        '                 ORDER BY c.k::pg_catalog.text, f.rule), '
        '       string_agg(DISTINCT f.rule, '', '') '
        'FROM (SELECT %s AS k, j7599.claim_findings(%s, (%s)::pg_catalog.text) AS fs FROM %s AS t '
        '      WHERE %s = ANY ($2) GROUP BY %s) AS c '
        'CROSS JOIN LATERAL pg_catalog.unnest(c.fs) AS f '
        'WHERE CASE f.severity WHEN ''info'' THEN 0 WHEN ''warning'' THEN 1 ELSE 2 END >= $1',
        k.key_json, args, j7599._row_key(root), root, k.key_json, k.cols)
        INTO detail, rules
        USING min_rank, bad;
    bad := ARRAY(SELECT DISTINCT b FROM unnest(bad) AS b ORDER BY 1);
    n := cardinality(bad);
    RAISE EXCEPTION '%', format('j7599: %s %s refused (%s)',
            CASE WHEN n = 1 THEN 'claim' ELSE 'claims' END,
            (SELECT string_agg(j7599._key_text(b.k), ', ' ORDER BY b.n) FROM unnest(bad[1:3]) WITH ORDINALITY AS b(k, n)) || CASE WHEN n > 3 THEN format(' and %s more', n - 3) ELSE '' END,
            rules)
        USING ERRCODE = 'check_violation',
              DETAIL = array_to_string(detail[1:50], E'\n')
                       || CASE WHEN cardinality(detail) > 50 THEN format(E'\n(%s more findings.)', cardinality(detail) - 50) ELSE '' END,
              HINT = format('Fix the lines of the claim and run the statement again; j7599.audit_claims(%L) lists the findings of the stored claims.', root::text);
END
$$;
COMMENT ON FUNCTION j7599._claims_trigger() IS
'Internal: the exact check of j7599.enforce_claims (argument: the minimum severity), called by j7599._claims_stmt_trigger; reads back every claim in the transition tables and raises 23514 naming the claims with findings';

CREATE OR REPLACE FUNCTION j7599._claims_stmt_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'j7599_claims_stmt_trigger'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION j7599._claims_stmt_trigger() IS
'Internal: statement trigger installed by j7599.enforce_claims (argument: the minimum severity); checks the whole claims an INSERT or COPY brings from its new rows and hands every other claim touched to j7599._claims_trigger';

-- the table and every partition and inheritance descendant (foreign tables
-- cannot have transition tables: their rows are not covered)
CREATE OR REPLACE FUNCTION j7599._claims_trigger_tables(tbl regclass) RETURNS SETOF regclass
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH RECURSIVE down(relid) AS (
        SELECT tbl::oid
        UNION
        SELECT i.inhrelid FROM down JOIN pg_inherits i ON i.inhparent = down.relid)
    SELECT down.relid::regclass FROM down JOIN pg_class c ON c.oid = down.relid
     WHERE c.relkind IN ('r', 'p')
     ORDER BY 1;
END;
COMMENT ON FUNCTION j7599._claims_trigger_tables(regclass) IS
'Internal: the tables that carry the claim triggers of a table: it and every partition and inheritance descendant';

-- (re)creates the three statement triggers on one table
CREATE OR REPLACE FUNCTION j7599._claims_place_triggers(rel regclass, min_severity text) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    trg text;
BEGIN
    FOREACH trg IN ARRAY ARRAY['j7599_claims_insert', 'j7599_claims_update', 'j7599_claims_delete'] LOOP
        IF EXISTS (SELECT FROM pg_trigger WHERE tgrelid = rel AND tgname = trg) THEN
            EXECUTE format('DROP TRIGGER %I ON %s', trg, rel);
        END IF;
    END LOOP;
    EXECUTE format('CREATE TRIGGER j7599_claims_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS j7599_new '
                   'FOR EACH STATEMENT EXECUTE FUNCTION j7599._claims_stmt_trigger(%L)', rel, min_severity);
    EXECUTE format('CREATE TRIGGER j7599_claims_update AFTER UPDATE ON %s '
                   'REFERENCING OLD TABLE AS j7599_old NEW TABLE AS j7599_new '
                   'FOR EACH STATEMENT EXECUTE FUNCTION j7599._claims_stmt_trigger(%L)', rel, min_severity);
    EXECUTE format('CREATE TRIGGER j7599_claims_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS j7599_old '
                   'FOR EACH STATEMENT EXECUTE FUNCTION j7599._claims_stmt_trigger(%L)', rel, min_severity);
END
$$;
COMMENT ON FUNCTION j7599._claims_place_triggers(regclass, text) IS
'Internal: (re)creates the INSERT, UPDATE and DELETE statement triggers of enforce_claims on one table';

CREATE OR REPLACE FUNCTION j7599.unenforce_claims(tbl regclass) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel regclass;
    trg text;
BEGIN
    PERFORM j7599._require_owner(tbl, 'unenforce its claims');
    FOR rel IN SELECT j7599._claims_trigger_tables(tbl) LOOP
        FOREACH trg IN ARRAY ARRAY['j7599_claims_insert', 'j7599_claims_update', 'j7599_claims_delete'] LOOP
            IF EXISTS (SELECT FROM pg_trigger WHERE tgrelid = rel AND tgname = trg) THEN
                EXECUTE format('DROP TRIGGER %I ON %s', trg, rel);
            END IF;
        END LOOP;
    END LOOP;
END
$$;
COMMENT ON FUNCTION j7599.unenforce_claims(regclass) IS
'Removes the statement triggers that j7599.enforce_claims installed, from the table and its partitions and inheritance descendants. Owner only (42501)';

CREATE OR REPLACE FUNCTION j7599.enforce_claims(tbl regclass, min_severity text DEFAULT 'error') RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r j7599.registration;
    rel regclass;
    nums int2[];
BEGIN
    PERFORM j7599._check_severity(min_severity);
    PERFORM j7599._require_owner(tbl, 'enforce its claims');
    IF NOT EXISTS (SELECT FROM pg_class WHERE oid = tbl AND relkind IN ('r', 'p')) THEN
        RAISE EXCEPTION '% is not a table', tbl
            USING ERRCODE = 'wrong_object_type', HINT = 'Enforce the claims of a table or a partitioned table.';
    END IF;
    IF EXISTS (SELECT FROM pg_class WHERE oid = tbl AND relispartition) THEN
        RAISE EXCEPTION 'table % is a partition', tbl
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Register and enforce the claims of the partitioned table, which covers every partition.';
    END IF;
    r := j7599._claim_registration(tbl);
    PERFORM j7599._claim_args(tbl, r);
    SELECT array_agg(a.attnum ORDER BY a.attnum) INTO nums
      FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = ANY (r.claim_key);
    IF NOT EXISTS (SELECT FROM pg_index i
                   WHERE i.indrelid = tbl AND i.indpred IS NULL
                     AND (SELECT array_agg(x ORDER BY x) FROM unnest((i.indkey::int2[])[0:cardinality(nums) - 1]) AS x) = nums) THEN
        RAISE WARNING 'no index of % starts with its claim key (%)', tbl, array_to_string(r.claim_key, ', ')
            USING DETAIL = 'Each statement reads the stored lines of every claim it touched; without such an index that is a scan of the whole table.',
                  HINT = format('CREATE INDEX ON %s (%s);', tbl,
                                (SELECT string_agg(quote_ident(c), ', ') FROM unnest(r.claim_key) AS c));
    END IF;
    PERFORM j7599.unenforce_claims(tbl);
    FOR rel IN SELECT j7599._claims_trigger_tables(tbl) LOOP
        PERFORM j7599._claims_place_triggers(rel, min_severity);
    END LOOP;
END
$$;
COMMENT ON FUNCTION j7599.enforce_claims(regclass, text) IS
'After each INSERT, UPDATE, DELETE or COPY, checks every claim the statement touched as it then stands (stored and new lines together) and fails the statement (23514) when a claim has a finding at or above min_severity, naming the claims. Statement triggers on the table and on each of its partitions and inheritance descendants, present and future; a WARNING when no index starts with the claim key. Owner only (42501)';


-- A table that comes to belong to a table whose claims are enforced (CREATE
-- TABLE ... INHERITS or PARTITION OF, ALTER TABLE ... INHERIT or ATTACH
-- PARTITION) gets the claim triggers, at the severity of the registered
-- table's own.  Runs as the role that ran the command, which owns the tables
-- concerned (PostgreSQL requires it), so it may create the triggers.
CREATE OR REPLACE FUNCTION j7599._claims_inheriting_tables() RETURNS event_trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cmd_rel regclass;
    rel regclass;
    root regclass;
    severity text;
BEGIN
    FOR cmd_rel IN
        SELECT DISTINCT c.oid::regclass
        FROM pg_event_trigger_ddl_commands() AS cmd JOIN pg_class c ON c.oid = cmd.objid
        WHERE cmd.classid = 'pg_class'::regclass AND cmd.objsubid = 0 AND c.relkind IN ('r', 'p')
          AND NOT cmd.in_extension
          AND (EXISTS (SELECT FROM pg_inherits i WHERE i.inhrelid = c.oid)
               OR EXISTS (SELECT FROM pg_inherits i WHERE i.inhparent = c.oid))
    LOOP
        root := j7599._claims_root(cmd_rel);
        CONTINUE WHEN root IS NULL;
        SELECT convert_from(substring(t.tgargs FROM 1 FOR position('\x00'::bytea IN t.tgargs) - 1), 'SQL_ASCII')
          INTO severity
          FROM pg_trigger t WHERE t.tgrelid = root AND t.tgname = 'j7599_claims_insert' AND t.tgnargs > 0;
        CONTINUE WHEN severity IS NULL;
        FOR rel IN SELECT j7599._claims_trigger_tables(cmd_rel) LOOP
            IF NOT EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = rel AND t.tgname = 'j7599_claims_insert') THEN
                PERFORM j7599._claims_place_triggers(rel, severity);
            END IF;
        END LOOP;
    END LOOP;
END
$$;
COMMENT ON FUNCTION j7599._claims_inheriting_tables() IS
'Internal: event trigger function; gives a table that now inherits from, or is a partition of, a table whose claims are enforced the claim triggers';

CREATE EVENT TRIGGER j7599_claims_inheriting_tables ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE')
    EXECUTE FUNCTION j7599._claims_inheriting_tables();
COMMENT ON EVENT TRIGGER j7599_claims_inheriting_tables IS
'Gives a table that comes to inherit from, or becomes a partition of, a table whose claims are enforced the claim triggers';
