/*
 * Analysts' figures over a registered table: utilisation (lines and units by
 * month, payer, place of service and code), modifier usage, the payer
 * spellings that resolve to no payer, and (for the report) the findings of
 * the rule engine.  All run as the caller (a table the caller cannot read
 * gives 42501, an unregistered one 55000) and rest on one core,
 * _report_groups: one query, which may use parallel workers, reads the table
 * once and groups its rows by the raw values asked for (month of service,
 * payer spelling, place of service, the line as it is stored, the set of
 * findings); what needs a function per value (payer resolution, the code and
 * modifiers of a line) then runs once per distinct value of the groups.
 * The page, j7599.report, needs only three tallies of the rows (by month,
 * payer and place of service; by payer and set of findings; by line), not
 * their groups by every key: it reads the table through _report_cells, whose
 * C aggregate _report_tally makes the three in the same one pass.
 */

-- The expressions over a registered table (alias t) that the figures group
-- by; NULL constants for the columns not registered.  Each registered column
-- is checked again with _column_kind (42703/42804, as the audits check it).
-- The month is the timestamp of its first day (cast to date once per group,
-- not once per row).
CREATE FUNCTION j7599._report_columns(tbl regclass, OUT line_kind text, OUT line text, OUT payer text,
                                      OUT pos text, OUT month text, OUT units text)
RETURNS record
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r j7599.registration := j7599._registration(tbl);
BEGIN
    line_kind := j7599._column_kind(tbl, r.line, 'line');
    line := CASE line_kind WHEN 'hcpcs_line' THEN format('t.%I', r.line) ELSE format('t.%I::text', r.line) END;
    payer := 'NULL::text';
    IF r.payer IS NOT NULL THEN
        PERFORM j7599._column_kind(tbl, r.payer, 'payer');
        payer := format('t.%I::text', r.payer);
    END IF;
    pos := 'NULL::text';
    IF r.pos IS NOT NULL THEN
        PERFORM j7599._column_kind(tbl, r.pos, 'pos');
        pos := format('t.%I::text', r.pos);
    END IF;
    -- text dates and units (legacy tables) are read as the rule engine reads
    -- them; one that cannot be read counts as not given
    month := 'NULL::timestamp';
    IF r.service_date IS NOT NULL THEN
        month := CASE j7599._column_kind(tbl, r.service_date, 'service_date')
                 WHEN 'text' THEN format('date_trunc(''month'', j7599._legacy_date(t.%I::text)::timestamp)', r.service_date)
                 ELSE format('date_trunc(''month'', t.%I::timestamp)', r.service_date) END;
    END IF;
    units := 'NULL::numeric';
    IF r.units IS NOT NULL THEN
        units := CASE j7599._column_kind(tbl, r.units, 'units')
                 WHEN 'text' THEN format('j7599._legacy_number(t.%I::text)', r.units)
                 ELSE format('t.%I', r.units) END;
    END IF;
END
$$;
COMMENT ON FUNCTION j7599._report_columns(regclass) IS
'Internal: the quoted expressions (alias t) giving the line, payer, place of service, first instant of the month of service and units of a registered table''s rows; 55000 when it is not registered';

/*
 * The one pass.  keys names what the rows are grouped by, any of month,
 * payer, pos, line and findings (the set of findings of the rule engine,
 * j7599._finding_mask: asked for only by the report, the one caller that
 * pays for the rule engine); the other columns are NULL.  A row per group:
 * month (first day), payer (the spelling) and payer_id (what it resolves to),
 * pos, code and modifiers (NULL for a malformed or missing line; the
 * modifiers in billed order), finding_set (a bytea, bit n as get_bit() reads
 * it being the (rule, severity) that _finding_bits() lists for bit_no n;
 * empty for a line without findings), lines and the sum of units.  Two
 * spellings of one line (J7599-KX, J7599:KX) are two groups with the same
 * code and modifiers: callers sum over what they need.
 */
CREATE FUNCTION j7599._report_groups(tbl regclass, keys text[])
RETURNS TABLE(month date, payer text, payer_id text, pos text, code text, modifiers text[],
              finding_set bytea, lines bigint, units numeric)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c record := j7599._report_columns(tbl);
    bad text := (SELECT string_agg(k, ', ') FROM unnest(keys) AS k
                 WHERE k IS NULL OR k NOT IN ('month', 'payer', 'pos', 'line', 'findings'));
    sel text[] := '{}';
    grp text[] := '{}';
    e text;
    k text;
BEGIN
    IF bad IS NOT NULL OR keys IS NULL THEN
        RAISE EXCEPTION 'invalid report grouping key: %', coalesce(bad, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The keys are month, payer, pos, line and findings.';
    END IF;
    -- the grouping columns, in the order of the select list; a key not asked
    -- for, or whose column is not registered, is a NULL constant and no key
    FOREACH k IN ARRAY ARRAY['month', 'payer', 'pos', 'line', 'findings'] LOOP
        e := CASE k WHEN 'month' THEN c.month WHEN 'payer' THEN c.payer WHEN 'pos' THEN c.pos
                    WHEN 'line' THEN c.line
                    ELSE 'j7599._finding_mask(' || j7599._call_args(tbl) || ')' END;
        IF k = ANY (keys) AND e NOT LIKE 'NULL::%' THEN
            sel := sel || (e || ' AS ' || k);
            grp := grp || cardinality(sel)::text;
        ELSE
            sel := sel || (CASE k WHEN 'month' THEN 'NULL::timestamp' WHEN 'line' THEN
                               CASE c.line_kind WHEN 'hcpcs_line' THEN 'NULL::j7599.hcpcs_line' ELSE 'NULL::text' END
                               WHEN 'findings' THEN 'NULL::bytea' ELSE 'NULL::text' END || ' AS ' || k);
        END IF;
    END LOOP;
    -- every CTE MATERIALIZED: payer_resolve and the line functions run once
    -- per distinct value, neither pushed below the grouping (once per row of
    -- the table) nor pulled up into the join (once per group)
    RETURN QUERY EXECUTE
        'WITH g AS MATERIALIZED (SELECT ' || array_to_string(sel, ', ')
        || ', count(*) AS lines, sum(' || c.units || ') AS units FROM ' || tbl::text || ' AS t'
        || CASE WHEN cardinality(grp) = 0 THEN ' HAVING count(*) > 0'
                ELSE ' GROUP BY ' || array_to_string(grp, ', ') END || '), '
        || 'p AS MATERIALIZED (SELECT s.payer, j7599.payer_resolve(s.payer) AS payer_id '
        || 'FROM (SELECT DISTINCT g.payer FROM g WHERE g.payer IS NOT NULL) AS s), '
        || 'l AS MATERIALIZED (SELECT s.line, j7599.code(s.hl) AS code, j7599.modifiers(s.hl) AS modifiers '
        || 'FROM (SELECT DISTINCT g.line, '
        || CASE c.line_kind WHEN 'hcpcs_line' THEN 'g.line'
                -- a malformed text line never raises: it is a line without code
                ELSE 'CASE WHEN j7599.is_hcpcs_line(g.line) THEN g.line::j7599.hcpcs_line END' END
        || ' AS hl FROM g WHERE g.line IS NOT NULL) AS s) '
        || 'SELECT g.month::date, g.payer, p.payer_id, g.pos, l.code, l.modifiers, g.findings, g.lines, g.units::numeric '
        || 'FROM g LEFT JOIN p ON p.payer = g.payer LEFT JOIN l ON l.line '
        || CASE c.line_kind WHEN 'hcpcs_line' THEN 'OPERATOR(j7599.=)' ELSE '=' END || ' g.line';
END
$$;
COMMENT ON FUNCTION j7599._report_groups(regclass, text[]) IS
'Internal: one pass over a registered table, its rows grouped by the raw values of the keys asked for (month, payer, pos, line, findings); per group the month, payer spelling and the payer id it resolves to, place of service, code and modifiers of the line, set of findings, lines and units. Runs as the caller';

/*
 * The one pass of the page (j7599.report): not the rows grouped by every key
 * at once, but the three tallies the page reads, made by the C aggregate
 * _report_tally (src/report_tally.c) in one scan that parallel workers
 * share.  A row per cell: kind 'm' (month, payer spelling, place of service:
 * lines and units), 'f' (payer spelling, set of findings: lines) or 'l' (the
 * line as stored: lines); the columns a kind does not tally are NULL.
 */
CREATE TYPE j7599._report_cell AS (kind text, month date, payer text, pos text, line text, finding_set bytea,
                                   lines bigint, units numeric);
COMMENT ON TYPE j7599._report_cell IS
'Internal: one cell of j7599._report_tally: kind m (month, payer, pos: lines, units), f (payer, finding_set: lines) or l (line: lines)';

CREATE FUNCTION j7599._report_tally_add(state internal, service_date date, payer text, pos text, line text,
                                        finding_set bytea, units numeric) RETURNS internal
    AS 'MODULE_PATHNAME', 'j7599_report_tally_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION j7599._report_tally_add(internal, date, text, text, text, bytea, numeric) IS
'Internal: counts one row into the state of j7599._report_tally';
CREATE FUNCTION j7599._report_tally_combine(a internal, b internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'j7599_report_tally_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION j7599._report_tally_combine(internal, internal) IS
'Internal: adds two states of j7599._report_tally (parallel workers'' shares)';
CREATE FUNCTION j7599._report_tally_serial(state internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'j7599_report_tally_serial' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599._report_tally_serial(internal) IS
'Internal: a state of j7599._report_tally as bytes, passed from a parallel worker to the leader';
CREATE FUNCTION j7599._report_tally_deserial(bytes bytea, dummy internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'j7599_report_tally_deserial' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION j7599._report_tally_deserial(bytea, internal) IS
'Internal: a state of j7599._report_tally read back from j7599._report_tally_serial';
CREATE FUNCTION j7599._report_tally_final(state internal) RETURNS j7599._report_cell[]
    AS 'MODULE_PATHNAME', 'j7599_report_tally_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION j7599._report_tally_final(internal) IS
'Internal: the cells of j7599._report_tally';
CREATE AGGREGATE j7599._report_tally(service_date date, payer text, pos text, line text, finding_set bytea,
                                     units numeric) (
    SFUNC = j7599._report_tally_add,
    STYPE = internal,
    COMBINEFUNC = j7599._report_tally_combine,
    SERIALFUNC = j7599._report_tally_serial,
    DESERIALFUNC = j7599._report_tally_deserial,
    FINALFUNC = j7599._report_tally_final,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE j7599._report_tally(date, text, text, text, bytea, numeric) IS
'Internal: the tallies of the page in one pass: lines and units by (first day of the month, payer, pos), lines by (payer, finding_set) and by line, as j7599._report_cell values';
-- callers need the aggregate, not its parts
REVOKE ALL ON FUNCTION j7599._report_tally_add(internal, date, text, text, text, bytea, numeric),
    j7599._report_tally_combine(internal, internal), j7599._report_tally_serial(internal),
    j7599._report_tally_deserial(bytea, internal), j7599._report_tally_final(internal) FROM PUBLIC;

-- The cells of a registered table, each with what its payer spelling
-- resolves to and the code and modifiers of its line (once per distinct
-- value, as in _report_groups).  Runs as the caller.
CREATE FUNCTION j7599._report_cells(tbl regclass)
RETURNS TABLE(kind text, month date, payer text, payer_id text, pos text, code text, modifiers text[],
              finding_set bytea, lines bigint, units numeric)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r j7599.registration := j7599._registration(tbl);
    c record := j7599._report_columns(tbl);
    service_date text := 'NULL::date';
BEGIN
    -- the date itself: the aggregate finds its month (_report_columns has
    -- checked the column)
    IF r.service_date IS NOT NULL THEN
        service_date := CASE j7599._column_kind(tbl, r.service_date, 'service_date')
                        WHEN 'text' THEN format('j7599._legacy_date(t.%I::text)', r.service_date)
                        ELSE format('t.%I::date', r.service_date) END;
    END IF;
    -- every CTE MATERIALIZED: the aggregate runs once, payer_resolve and the
    -- line functions once per distinct value
    RETURN QUERY EXECUTE
        'WITH a AS MATERIALIZED (SELECT j7599._report_tally(' || service_date || ', ' || c.payer || ', ' || c.pos
        || ', (' || c.line || ')::text, j7599._finding_mask(' || j7599._call_args(tbl) || '), ('
        || c.units || ')::numeric) AS cells FROM ' || tbl::text || ' AS t), '
        || 'g AS MATERIALIZED (SELECT x.* FROM a CROSS JOIN LATERAL unnest(a.cells) AS x), '
        || 'p AS MATERIALIZED (SELECT s.payer, j7599.payer_resolve(s.payer) AS payer_id '
        || 'FROM (SELECT DISTINCT g.payer FROM g WHERE g.payer IS NOT NULL) AS s), '
        || 'l AS MATERIALIZED (SELECT s.line, j7599.code(s.hl) AS code, j7599.modifiers(s.hl) AS modifiers '
        || 'FROM (SELECT DISTINCT g.line, CASE WHEN j7599.is_hcpcs_line(g.line) THEN g.line::j7599.hcpcs_line END AS hl '
        || 'FROM g WHERE g.line IS NOT NULL) AS s) '
        || 'SELECT g.kind, g.month, g.payer, p.payer_id, g.pos, l.code, l.modifiers, g.finding_set, g.lines, g.units '
        || 'FROM g LEFT JOIN p ON p.payer = g.payer LEFT JOIN l ON l.line = g.line';
END
$$;
COMMENT ON FUNCTION j7599._report_cells(regclass) IS
'Internal: the one pass of j7599.report over a registered table: the cells of j7599._report_tally (kind m: lines and units by month, payer and place of service; f: lines by payer and set of findings; l: lines by line), with the payer id each spelling resolves to and the code and modifiers of each line. Runs as the caller';

CREATE FUNCTION j7599.utilisation(tbl regclass)
RETURNS TABLE(month date, payer_id text, pos text, code text, lines bigint, units numeric)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT g.month, g.payer_id, g.pos, g.code, sum(g.lines)::bigint, sum(g.units)
    FROM j7599._report_groups(tbl, '{month,payer,pos,line}') AS g
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
$$;
COMMENT ON FUNCTION j7599.utilisation(regclass) IS
'For a registered table: lines and units by month of service, payer (the payer id its spelling resolves to, NULL when unresolved), place of service and code (NULL for a malformed or missing line). Runs as the caller; one pass over the table';

-- a line counts once per modifier it carries (J7599-JZ-JZ is one JZ line);
-- lines without modifiers are the row with modifier NULL
CREATE FUNCTION j7599.modifier_usage(tbl regclass)
RETURNS TABLE(code text, modifier text, lines bigint, share numeric)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH c AS (SELECT g.code, g.modifiers AS mods, sum(g.lines) AS n
               FROM j7599._report_groups(tbl, '{line}') AS g WHERE g.code IS NOT NULL GROUP BY 1, 2),
    tot AS (SELECT c.code, sum(c.n) AS n FROM c GROUP BY 1),
    m AS (SELECT c.code, x.modifier, sum(c.n) AS n
          FROM c CROSS JOIN LATERAL (SELECT DISTINCT u AS modifier FROM unnest(c.mods) AS u) AS x GROUP BY 1, 2
          UNION ALL
          SELECT c.code, NULL, sum(c.n) FROM c WHERE cardinality(c.mods) = 0 GROUP BY 1)
    SELECT m.code, m.modifier, m.n::bigint, round(m.n / tot.n, 4)
    FROM m JOIN tot ON tot.code = m.code
    ORDER BY 1, 3 DESC, 2 NULLS LAST
$$;
COMMENT ON FUNCTION j7599.modifier_usage(regclass) IS
'For a registered table: for each code, how many lines carry each modifier, and their share of the code''s lines (0 to 1, four decimals); modifier NULL counts the lines without any. Malformed lines are left out. Runs as the caller; one pass over the table';

-- a table without a registered payer column has no spelling to resolve
CREATE FUNCTION j7599.unresolved_payers(tbl regclass)
RETURNS TABLE(payer text, lines bigint)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT g.payer, g.lines
    FROM j7599._report_groups(tbl, '{payer}') AS g
    WHERE g.payer IS NOT NULL AND g.payer_id IS NULL
    ORDER BY 2 DESC, 1
$$;
COMMENT ON FUNCTION j7599.unresolved_payers(regclass) IS
'For a registered table: the payer spellings that j7599.payer_resolve resolves to no payer, with their lines, most frequent first. Runs as the caller; one pass over the table';
