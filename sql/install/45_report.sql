/*
 * Analysts' figures over a registered table: utilisation (lines and units by
 * month, payer, place of service and code), modifier usage, the payer
 * spellings that resolve to no payer, and the findings of each rule by payer
 * spelling (the one place that reads j7599._finding_mask).  All run as the
 * caller (a table the caller cannot read gives 42501, an unregistered one
 * 55000) and read the table in one query each, which may use parallel
 * workers: rows are first grouped by their raw values, and what needs a
 * function per value (payer resolution, the code and modifiers of a text
 * line) runs once per distinct value of the groups.
 */

-- The expressions over a registered table (alias t) that the figures group
-- by; NULL constants for the columns not registered.  Each registered column
-- is checked again with _column_kind (42703/42804, as the audits check it).
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
    month := 'NULL::date';
    IF r.service_date IS NOT NULL THEN
        PERFORM j7599._column_kind(tbl, r.service_date, 'service_date');
        month := format('date_trunc(''month'', t.%I::timestamp)::date', r.service_date);
    END IF;
    units := 'NULL::numeric';
    IF r.units IS NOT NULL THEN
        PERFORM j7599._column_kind(tbl, r.units, 'units');
        units := format('t.%I', r.units);
    END IF;
END
$$;
COMMENT ON FUNCTION j7599._report_columns(regclass) IS
'Internal: the quoted expressions (alias t) giving the line, payer, place of service, month of service and units of a registered table''s rows; 55000 when it is not registered';

-- The line of a grouped line key (an expression over "key"): the value
-- itself for an hcpcs_line column, the parsed text or NULL for a text one
-- (a malformed line never raises).
CREATE FUNCTION j7599._report_line_of(line_kind text, key text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE line_kind WHEN 'hcpcs_line' THEN key
       ELSE format('CASE WHEN j7599.is_hcpcs_line(%1$s) THEN %1$s::j7599.hcpcs_line END', key) END;
COMMENT ON FUNCTION j7599._report_line_of(text, text) IS
'Internal: the expression that turns a grouped line value into an hcpcs_line, NULL for a malformed text line';

CREATE FUNCTION j7599.utilisation(tbl regclass)
RETURNS TABLE(month date, payer_id text, pos text, code text, lines bigint, units numeric)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c record := j7599._report_columns(tbl);
BEGIN
    RETURN QUERY EXECUTE
        'WITH g AS (SELECT ' || c.month || ' AS month, ' || c.payer || ' AS payer, ' || c.pos || ' AS pos, '
        || c.line || ' AS line, count(*) AS lines, sum(' || c.units || ') AS units FROM ' || tbl::text
        || ' AS t GROUP BY 1, 2, 3, 4), '
        || 'p AS (SELECT s.payer, j7599.payer_resolve(s.payer) AS payer_id '
        || 'FROM (SELECT DISTINCT g.payer FROM g WHERE g.payer IS NOT NULL) AS s), '
        || 'l AS (SELECT s.line, j7599.code(' || j7599._report_line_of(c.line_kind, 's.line') || ') AS code '
        || 'FROM (SELECT DISTINCT g.line FROM g WHERE g.line IS NOT NULL) AS s) '
        || 'SELECT g.month, p.payer_id, g.pos, l.code, sum(g.lines)::bigint, sum(g.units)::numeric '
        || 'FROM g LEFT JOIN p ON p.payer = g.payer LEFT JOIN l ON l.line '
        || CASE c.line_kind WHEN 'hcpcs_line' THEN 'OPERATOR(j7599.=)' ELSE '=' END || ' g.line '
        || 'GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4';
END
$$;
COMMENT ON FUNCTION j7599.utilisation(regclass) IS
'For a registered table: lines and units by month of service, payer (the payer id its spelling resolves to, NULL when unresolved), place of service and code (NULL for a malformed or missing line). Runs as the caller; one pass over the table';

CREATE FUNCTION j7599.modifier_usage(tbl regclass)
RETURNS TABLE(code text, modifier text, lines bigint, share numeric)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c record := j7599._report_columns(tbl);
BEGIN
    -- a line counts once per modifier it carries (J7599-JZ-JZ is one JZ
    -- line); lines without modifiers are the row with modifier NULL
    RETURN QUERY EXECUTE
        'WITH g AS (SELECT ' || c.line || ' AS line, count(*) AS n FROM ' || tbl::text || ' AS t GROUP BY 1), '
        || 'l AS (SELECT ' || j7599._report_line_of(c.line_kind, 'g.line') || ' AS hl, g.n FROM g '
        || 'WHERE g.line IS NOT NULL), '
        || 'c AS (SELECT j7599.code(l.hl) AS code, j7599.modifiers(l.hl) AS mods, l.n FROM l WHERE l.hl IS NOT NULL), '
        || 'tot AS (SELECT c.code, sum(c.n) AS n FROM c GROUP BY 1), '
        || 'm AS (SELECT c.code, x.modifier, sum(c.n) AS n '
        || 'FROM c CROSS JOIN LATERAL (SELECT DISTINCT u AS modifier FROM unnest(c.mods) AS u) AS x GROUP BY 1, 2 '
        || 'UNION ALL SELECT c.code, NULL, sum(c.n) FROM c WHERE cardinality(c.mods) = 0 GROUP BY 1) '
        || 'SELECT m.code, m.modifier, m.n::bigint, round(m.n / tot.n, 4) '
        || 'FROM m JOIN tot ON tot.code = m.code ORDER BY 1, 3 DESC, 2 NULLS LAST';
END
$$;
COMMENT ON FUNCTION j7599.modifier_usage(regclass) IS
'For a registered table: for each code, how many lines carry each modifier, and their share of the code''s lines (0 to 1, four decimals); modifier NULL counts the lines without any. Malformed lines are left out. Runs as the caller; one pass over the table';

CREATE FUNCTION j7599.unresolved_payers(tbl regclass)
RETURNS TABLE(payer text, lines bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c record := j7599._report_columns(tbl);
BEGIN
    IF c.payer = 'NULL::text' THEN
        RETURN;    -- no payer column registered: nothing to resolve
    END IF;
    -- MATERIALIZED: the test of payer_resolve must not be pushed below the
    -- grouping, where it would run once per row
    RETURN QUERY EXECUTE
        'WITH g AS MATERIALIZED (SELECT ' || c.payer || ' AS payer, count(*) AS lines FROM ' || tbl::text
        || ' AS t GROUP BY 1) SELECT g.payer, g.lines FROM g '
        || 'WHERE g.payer IS NOT NULL AND j7599.payer_resolve(g.payer) IS NULL ORDER BY 2 DESC, 1';
END
$$;
COMMENT ON FUNCTION j7599.unresolved_payers(regclass) IS
'For a registered table: the payer spellings that j7599.payer_resolve resolves to no payer, with their lines, most frequent first. Runs as the caller; one pass over the table';

/*
 * The findings of each rule by payer spelling, in one pass of the rule
 * engine.  This is the one place outside audit_summary that reads the
 * representation of _finding_mask (a bytea: bit n, as get_bit() reads it, is the (rule, severity)
 * that _finding_bits() lists for bit_no n).  Each payer spelling has one row
 * per (rule, severity) its lines break, or one row with rule NULL when they
 * break none; lines (the spelling's lines), lines_clean (those without any
 * finding) and lines_with_error (those with at least one error) repeat on
 * every row of the spelling.
 */
CREATE FUNCTION j7599._rule_counts(tbl regclass)
RETURNS TABLE(payer text, lines bigint, lines_clean bigint, lines_with_error bigint,
              rule text, severity text, rows_violated bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c record := j7599._report_columns(tbl);
BEGIN
    RETURN QUERY EXECUTE
        'WITH m AS MATERIALIZED (SELECT ' || c.payer || ' AS payer, j7599._finding_mask(' || j7599._call_args(tbl)
        || ') AS mask, count(*) AS n FROM ' || tbl::text || ' AS t GROUP BY 1, 2), '
        || 'b AS MATERIALIZED (SELECT * FROM j7599._finding_bits()), '
        || 'e AS (SELECT m.payer, m.mask, m.n, EXISTS (SELECT 1 FROM b WHERE b.bit_no < 8 * pg_catalog.length(m.mask) AND pg_catalog.get_bit(m.mask, b.bit_no) = 1 '
        || 'AND b.severity = ''error'') AS has_error FROM m), '
        || 'p AS (SELECT e.payer, sum(e.n)::bigint AS lines, coalesce(sum(e.n) FILTER (WHERE pg_catalog.length(e.mask) = 0), 0)::bigint AS clean, '
        || 'coalesce(sum(e.n) FILTER (WHERE e.has_error), 0)::bigint AS with_error FROM e GROUP BY 1), '
        || 'f AS (SELECT m.payer, b.bit_no, b.rule, b.severity, sum(m.n)::bigint AS n '
        || 'FROM m JOIN b ON b.bit_no < 8 * pg_catalog.length(m.mask) AND pg_catalog.get_bit(m.mask, b.bit_no) = 1 GROUP BY 1, 2, 3, 4) '
        || 'SELECT p.payer, p.lines, p.clean, p.with_error, f.rule, f.severity, f.n '
        || 'FROM p LEFT JOIN f ON f.payer IS NOT DISTINCT FROM p.payer ORDER BY 1, f.bit_no';
END
$$;
COMMENT ON FUNCTION j7599._rule_counts(regclass) IS
'Internal: for each payer spelling of a registered table, its lines, those without any finding, those with an error, and how many break each rule at each severity (rule NULL when none), from one pass of the rule engine; the one reader of _finding_mask besides audit_summary. Runs as the caller';
