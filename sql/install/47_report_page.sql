/*
 * j7599.report(tbl): the analysts' page.  The table is read once: the one
 * pass of _report_cells, the aggregate _report_tally over every row (lines
 * and units by month, payer spelling and place of service; lines by payer
 * spelling and set of findings, the rule engine running once per row as in
 * audit_summary; lines by line as stored), is materialised once, and every
 * section is derived from it in the same statement: lines and units by month, payer and place of
 * service (as utilisation counts them), modifier usage (as modifier_usage),
 * the per-rule totals (the numbers of audit_summary) and the shares by payer,
 * and the unresolved spellings (as unresolved_payers).  The audit history,
 * kept by j7599.audit_run in j7599.audit_history, is read only where that
 * table exists (dynamic SQL) and the caller may read it.
 */

CREATE FUNCTION j7599.report(tbl regclass) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    reg j7599.registration := j7599._registration(tbl);
    -- by month, payer, place of service
    m_lab text[]; m_lines numeric[]; m_units numeric[]; m_cells text[];
    p_lab text[]; p_vals numeric[]; p_cells text[];
    s_lab text[]; s_vals numeric[]; s_cells text[];
    has_units boolean;
    -- modifiers
    d_lab text[]; d_vals numeric[]; d_cells text[];
    -- rules
    payer_lines jsonb;
    payer_rules jsonb;
    total bigint;
    clean bigint;
    with_error bigint;
    r_lab text[]; r_vals numeric[]; r_cells text[]; r_col text[];
    heat text;
    -- unresolved payer spellings
    u_lab text[]; u_vals numeric[]; u_cells text[];
    u_lines bigint;
    -- audit history
    hist regclass := to_regclass('j7599.audit_history');
    h_lab text[]; h_names text[]; h_vals numeric[]; h_cells text[];
    h_section text;
    page text;
BEGIN
    -- ---------------------------------------------- the one pass, and every figure from it
    WITH g AS MATERIALIZED (SELECT * FROM j7599._report_cells(tbl)),
    -- lines and units: the cells of kind m
    bm AS (SELECT g.month, sum(g.lines) AS lines, sum(g.units) AS units FROM g WHERE g.kind = 'm' GROUP BY 1),
    bp AS (SELECT g.payer_id, sum(g.lines) AS lines, sum(g.units) AS units FROM g WHERE g.kind = 'm' GROUP BY 1),
    bs AS (SELECT g.pos, sum(g.lines) AS lines, sum(g.units) AS units FROM g WHERE g.kind = 'm' GROUP BY 1),
    -- modifiers, as modifier_usage counts them (the cells of kind l)
    mc AS (SELECT g.code, g.modifiers AS mods, sum(g.lines) AS n FROM g WHERE g.kind = 'l' AND g.code IS NOT NULL
           GROUP BY 1, 2),
    mt AS (SELECT mc.code, sum(mc.n) AS n FROM mc GROUP BY 1),
    mm AS (SELECT mc.code, x.modifier, sum(mc.n) AS n
           FROM mc CROSS JOIN LATERAL (SELECT DISTINCT u AS modifier FROM unnest(mc.mods) AS u) AS x GROUP BY 1, 2
           UNION ALL
           SELECT mc.code, NULL, sum(mc.n) FROM mc WHERE cardinality(mc.mods) = 0 GROUP BY 1),
    mu AS (SELECT mm.code, mm.modifier, mm.n AS lines, round(mm.n / mt.n, 4) AS share,
                  row_number() OVER (ORDER BY mm.code, mm.n DESC, mm.modifier NULLS LAST) AS o
           FROM mm JOIN mt ON mt.code = mm.code),
    -- findings by payer: the sets of findings are read against _finding_bits
    -- (bit n as get_bit() reads it), once per (payer, set): the cells of kind f
    b AS MATERIALIZED (SELECT * FROM j7599._finding_bits()),
    fs AS (SELECT f.*, EXISTS (SELECT 1 FROM b WHERE b.severity = 'error' AND b.bit_no < 8 * length(f.fset)
                                                 AND get_bit(f.fset, b.bit_no) = 1) AS has_error
           FROM (SELECT coalesce(g.payer_id, '') AS k, g.finding_set AS fset, sum(g.lines) AS n
                 FROM g WHERE g.kind = 'f' GROUP BY 1, 2) AS f),
    fb AS (SELECT fs.k, fs.n, b.rule, b.severity
           FROM fs JOIN b ON b.bit_no < 8 * length(fs.fset) AND get_bit(fs.fset, b.bit_no) = 1),
    pl AS (SELECT fs.k, sum(fs.n) AS lines, coalesce(sum(fs.n) FILTER (WHERE length(fs.fset) = 0), 0) AS clean,
                  coalesce(sum(fs.n) FILTER (WHERE fs.has_error), 0) AS with_error
           FROM fs GROUP BY 1),
    pr AS (SELECT fb.k, fb.rule, fb.severity, sum(fb.n) AS n FROM fb GROUP BY 1, 2, 3),
    -- unresolved spellings, as unresolved_payers counts them
    un AS (SELECT g.payer, sum(g.lines) AS lines, row_number() OVER (ORDER BY sum(g.lines) DESC, g.payer) AS o
           FROM g WHERE g.kind = 'm' AND g.payer IS NOT NULL AND g.payer_id IS NULL GROUP BY 1)
    SELECT (SELECT array_agg(to_char(bm.month, 'YYYY-MM') ORDER BY bm.month) FROM bm WHERE bm.month IS NOT NULL),
           (SELECT array_agg(bm.lines ORDER BY bm.month) FROM bm WHERE bm.month IS NOT NULL),
           (SELECT array_agg(bm.units ORDER BY bm.month) FROM bm WHERE bm.month IS NOT NULL),
           (SELECT array_agg(ARRAY[coalesce(to_char(bm.month, 'YYYY-MM'), '(no date)'), j7599._report_num(bm.lines),
                                   j7599._report_num(bm.units)] ORDER BY bm.month NULLS LAST) FROM bm),
           (SELECT bool_or(bm.units IS NOT NULL) FROM bm),
           (SELECT array_agg(coalesce(p.name, '(not resolved)') ORDER BY bp.lines DESC, bp.payer_id NULLS LAST)
              FROM bp LEFT JOIN j7599.payer AS p ON p.payer_id = bp.payer_id),
           (SELECT array_agg(bp.lines ORDER BY bp.lines DESC, bp.payer_id NULLS LAST) FROM bp),
           (SELECT array_agg(ARRAY[coalesce(bp.payer_id, ''), coalesce(p.name, '(not resolved)'), j7599._report_num(bp.lines),
                                   j7599._report_num(bp.units)] ORDER BY bp.lines DESC, bp.payer_id NULLS LAST)
              FROM bp LEFT JOIN j7599.payer AS p ON p.payer_id = bp.payer_id),
           (SELECT array_agg(coalesce(bs.pos || coalesce(' ' || s.name, ''), '(none)') ORDER BY bs.lines DESC, bs.pos NULLS LAST)
              FROM bs LEFT JOIN j7599.place_of_service AS s ON s.code = bs.pos),
           (SELECT array_agg(bs.lines ORDER BY bs.lines DESC, bs.pos NULLS LAST) FROM bs),
           (SELECT array_agg(ARRAY[coalesce(bs.pos, ''), coalesce(s.name, CASE WHEN bs.pos IS NULL THEN '(none)' ELSE '(unknown code)' END),
                                   j7599._report_num(bs.lines), j7599._report_num(bs.units)]
                             ORDER BY bs.lines DESC, bs.pos NULLS LAST)
              FROM bs LEFT JOIN j7599.place_of_service AS s ON s.code = bs.pos),
           (SELECT array_agg(mu.code || ' ' || coalesce(mu.modifier, 'no modifier') ORDER BY mu.o) FROM mu),
           (SELECT array_agg(round(mu.share * 100, 2) ORDER BY mu.o) FROM mu),
           (SELECT array_agg(ARRAY[mu.code, coalesce(mu.modifier, '(none)'), j7599._report_num(mu.lines),
                                   j7599._report_num(round(mu.share * 100, 2))] ORDER BY mu.o) FROM mu),
           (SELECT jsonb_agg(jsonb_build_object('k', pl.k, 'lines', pl.lines, 'clean', pl.clean,
                                                'with_error', pl.with_error)) FROM pl),
           (SELECT jsonb_agg(jsonb_build_object('k', pr.k, 'rule', pr.rule, 'severity', pr.severity, 'n', pr.n)) FROM pr),
           (SELECT array_agg(un.payer ORDER BY un.o) FILTER (WHERE un.o <= 20) FROM un),
           (SELECT array_agg(un.lines ORDER BY un.o) FILTER (WHERE un.o <= 20) FROM un),
           (SELECT array_agg(ARRAY[un.payer, j7599._report_num(un.lines)] ORDER BY un.o) FROM un),
           (SELECT sum(un.lines) FROM un)
      INTO m_lab, m_lines, m_units, m_cells, has_units, p_lab, p_vals, p_cells, s_lab, s_vals, s_cells,
           d_lab, d_vals, d_cells, payer_lines, payer_rules, u_lab, u_vals, u_cells, u_lines;
    SELECT coalesce(sum(x.lines), 0), coalesce(sum(x.clean), 0), coalesce(sum(x.with_error), 0)
      INTO total, clean, with_error
      FROM jsonb_to_recordset(coalesce(payer_lines, '[]')) AS x(k text, lines bigint, clean bigint, with_error bigint);
    -- the per-rule totals, ordered as audit_summary orders them
    WITH rt AS (SELECT x.rule, x.severity, sum(x.n)::bigint AS n
                FROM jsonb_to_recordset(coalesce(payer_rules, '[]')) AS x(k text, rule text, severity text, n bigint)
                GROUP BY 1, 2),
    o AS (SELECT rt.*, round(100.0 * rt.n / nullif(total, 0), 2) AS pct,
                 row_number() OVER (ORDER BY CASE rt.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                                             rt.n DESC, rt.rule) AS ord
          FROM rt)
    SELECT array_agg(o.rule ORDER BY o.ord), array_agg(o.pct ORDER BY o.ord),
           array_agg(CASE o.severity WHEN 'error' THEN '#d1495b' WHEN 'warning' THEN '#e8a33d' ELSE '#2f6db5' END
                     ORDER BY o.ord),
           array_agg(ARRAY[o.rule, o.severity, j7599._report_num(o.n), j7599._report_num(total),
                           j7599._report_num(o.pct)] ORDER BY o.ord)
      INTO r_lab, r_vals, r_col, r_cells
      FROM o;
    -- the share of each payer's lines breaking each rule: the ten payers
    -- with the most lines, the others together, and all lines
    WITH pl AS (SELECT x.k, x.lines, x.with_error,
                       row_number() OVER (ORDER BY x.lines DESC, x.k) AS ord
                FROM jsonb_to_recordset(coalesce(payer_lines, '[]')) AS x(k text, lines bigint, clean bigint, with_error bigint)),
    cols AS (SELECT pl.ord, pl.k AS key, coalesce(p.name, '(not resolved)') AS label,
                    CASE WHEN pl.k = '' THEN '' ELSE pl.k END AS sub, ARRAY[pl.k] AS keys,
                    pl.lines, pl.with_error
             FROM pl LEFT JOIN j7599.payer AS p ON p.payer_id = pl.k WHERE pl.ord <= 10
             UNION ALL
             SELECT 11, '*others', 'other payers', count(*) || ' payers', array_agg(pl.k), sum(pl.lines), sum(pl.with_error)
             FROM pl WHERE pl.ord > 10 HAVING count(*) > 0
             UNION ALL
             SELECT 12, '*all', 'all lines', '', array_agg(pl.k), sum(pl.lines), sum(pl.with_error) FROM pl),
    pr AS (SELECT x.k, x.rule, x.severity, x.n
           FROM jsonb_to_recordset(coalesce(payer_rules, '[]')) AS x(k text, rule text, severity text, n bigint)),
    rules AS (SELECT r.rule, r.severity, r.ord
              FROM unnest(r_cells[:][1:1], r_cells[:][2:2]) WITH ORDINALITY AS r(rule, severity, ord)),
    cells AS (SELECT rules.ord AS rord, rules.rule, rules.severity, cols.ord AS cord,
                     round(100.0 * coalesce(sum(pr.n), 0) / nullif(cols.lines, 0), 2) AS pct
              FROM rules CROSS JOIN cols
              LEFT JOIN pr ON pr.rule = rules.rule AND pr.severity = rules.severity AND pr.k = ANY (cols.keys)
              GROUP BY rules.ord, rules.rule, rules.severity, cols.ord, cols.lines),
    mx AS (SELECT cells.rord, greatest(max(cells.pct), 0.01) AS v FROM cells GROUP BY 1)
    SELECT '<div class="tablewrap wide"><table class="num heat" id="t-rule-payer"><thead><tr><th>rule</th>'
           || (SELECT string_agg(format('<th class="n" data-payer="%s">%s<br/><span class="sub">%s</span></th>',
                                        j7599._report_esc(cols.key), j7599._report_esc(cols.label),
                                        j7599._report_esc(cols.sub || CASE WHEN cols.sub = '' THEN '' ELSE ', ' END
                                                          || j7599._report_num(cols.lines) || ' lines')),
                                 '' ORDER BY cols.ord) FROM cols)
           || '</tr></thead><tbody>'
           || format('<tr class="any"><th>any error</th>%s</tr>',
                     (SELECT string_agg(format('<td class="n">%s</td>',
                                               j7599._report_num(round(100.0 * cols.with_error / nullif(cols.lines, 0), 2))),
                                        '' ORDER BY cols.ord) FROM cols))
           || coalesce((SELECT string_agg(r.html, '' ORDER BY r.rord)
                        FROM (SELECT cells.rord,
                                     format('<tr><th>%s <span class="sub">%s</span></th>%s</tr>',
                                            j7599._report_esc(cells.rule), j7599._report_esc(cells.severity),
                                            string_agg(format('<td class="n" style="background: rgba(209, 73, 91, %s);%s">%s</td>',
                                                              round(0.85 * cells.pct / mx.v, 3),
                                                              CASE WHEN cells.pct / mx.v > 0.6 THEN ' color: #fff;' ELSE '' END,
                                                              j7599._report_num(cells.pct)),
                                                       '' ORDER BY cells.cord)) AS html
                              FROM cells JOIN mx ON mx.rord = cells.rord GROUP BY cells.rord, cells.rule, cells.severity) AS r), '')
           || '</tbody></table></div>'
      INTO heat;

    -- ---------------------------------------------- audit history, where kept
    IF hist IS NULL THEN
        h_section := '<section id="history"><h2>Audit runs</h2><p class="note">This database keeps no audit history '
                     || '(j7599.audit_history is not installed).</p></section>';
    ELSIF NOT has_table_privilege(hist, 'SELECT') THEN
        h_section := '<section id="history"><h2>Audit runs</h2><p class="note">The audit history is not readable '
                     || 'by this role.</p></section>';
    ELSE
        EXECUTE format($q$
            WITH h AS (SELECT a.run_id, a.started_at, a.rows_checked, a.rule, a.severity, a.rows_violated
                       FROM %s AS a WHERE a.tbl = $1),
            runs AS (SELECT h.run_id, min(h.started_at) AS started_at, max(h.rows_checked) AS rows_checked,
                            row_number() OVER (ORDER BY min(h.started_at), h.run_id) AS ord
                     FROM h GROUP BY h.run_id),
            rr AS (SELECT h.run_id, h.rule, h.severity, sum(h.rows_violated) AS n
                   FROM h WHERE h.rule IS NOT NULL GROUP BY 1, 2, 3),
            top AS (SELECT rr.rule, rr.severity, row_number() OVER (ORDER BY max(100.0 * rr.n / nullif(runs.rows_checked, 0)) DESC NULLS LAST, rr.rule, rr.severity) AS ord
                    FROM rr JOIN runs USING (run_id) GROUP BY rr.rule, rr.severity),
            series AS (SELECT top.ord AS sord, runs.ord AS rord,
                              coalesce(round(100.0 * rr.n / nullif(runs.rows_checked, 0), 2), 0) AS pct
                       FROM top CROSS JOIN runs
                       LEFT JOIN rr ON rr.run_id = runs.run_id AND rr.rule = top.rule AND rr.severity = top.severity
                       WHERE top.ord <= 8)
            SELECT (SELECT array_agg('#' || runs.run_id || ' ' || to_char(runs.started_at, 'YYYY-MM-DD') ORDER BY runs.ord) FROM runs),
                   (SELECT array_agg(top.rule || ' (' || top.severity || ')' ORDER BY top.ord) FROM top WHERE top.ord <= 8),
                   (SELECT array_agg(s.v ORDER BY s.sord)
                      FROM (SELECT series.sord, array_agg(series.pct ORDER BY series.rord) AS v
                            FROM series GROUP BY series.sord) AS s),
                   (SELECT array_agg(ARRAY[runs.run_id::text, to_char(runs.started_at, 'YYYY-MM-DD HH24:MI'),
                                           j7599._report_num(runs.rows_checked), coalesce(rr.rule, '(none)'),
                                           coalesce(rr.severity, ''), j7599._report_num(coalesce(rr.n, 0)),
                                           j7599._report_num(round(100.0 * coalesce(rr.n, 0) / nullif(runs.rows_checked, 0), 2))]
                                     ORDER BY runs.ord, rr.n DESC NULLS LAST, rr.rule, rr.severity)
                      FROM runs LEFT JOIN rr ON rr.run_id = runs.run_id)
            $q$, hist)
            USING tbl INTO h_lab, h_names, h_vals, h_cells;
        IF h_lab IS NULL THEN
            h_section := '<section id="history"><h2>Audit runs</h2><p class="note">No audit run of this table is '
                         || 'recorded yet (j7599.audit_run records one).</p></section>';
        ELSE
            h_section := j7599._report_section('history', 'Audit runs: share of lines breaking each rule',
                'Each recorded run of j7599.audit_run on this table; the chart follows the eight rules with the highest share.',
                CASE WHEN h_names IS NULL THEN '<p class="note">No run found anything.</p>'
                     ELSE j7599._report_lines(h_lab, h_names, h_vals, true) END,
                j7599._report_table('t-history', '{run,started,rows checked,rule,severity,rows violated,% violated}',
                                    h_cells, 6));
        END IF;
    END IF;

    -- ---------------------------------------------- the page
    page := '<!DOCTYPE html>' || E'\n'
        || '<html lang="en"><head><meta charset="utf-8"/>'
        || '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        || '<title>' || j7599._report_esc('j7599 report: ' || tbl::text) || '</title>'
        || '<style>'
        || ':root { color-scheme: light; }'
        || ' body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;'
        || ' color: #1d2430; background: #fff; margin: 0 auto; max-width: 1320px; padding: 16px 28px 40px; }'
        || ' h1 { font-size: 22px; margin: 4px 0; } h2 { font-size: 17px; margin: 30px 0 6px; padding-bottom: 4px;'
        || ' border-bottom: 1px solid #d8dde6; }'
        || ' .meta, .note { color: #5b6472; font-size: 12.5px; margin: 2px 0 8px; }'
        || ' nav { margin: 10px 0; font-size: 13px; } nav a { margin-right: 14px; color: #2f6db5; }'
        || ' .tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }'
        || ' .tile { border: 1px solid #d8dde6; border-radius: 6px; padding: 8px 14px; min-width: 150px; }'
        || ' .tile b { display: block; font-size: 20px; font-variant-numeric: tabular-nums; }'
        || ' .tile span { color: #5b6472; font-size: 12px; }'
        || ' .pair { display: grid; grid-template-columns: minmax(340px, 1fr) minmax(0, max-content); gap: 24px; align-items: start; }'
        || ' @media (max-width: 960px) { .pair { grid-template-columns: minmax(0, 1fr); } }'
        || ' figure { margin: 0; } svg.chart { width: 100%; max-width: 680px; height: auto; display: block; }'
        || ' svg text { font-size: 12px; fill: #1d2430; } svg .tick { fill: #5b6472; font-size: 11px; }'
        || ' svg .grid { stroke: #e6e9ef; stroke-width: 1; } svg .axis { stroke: #8a93a3; stroke-width: 1; }'
        || ' svg .value { fill: #3d4654; font-size: 11px; }'
        || ' .tablewrap { max-height: 440px; overflow: auto; scrollbar-gutter: stable; } .tablewrap.wide { max-height: none; overflow-x: auto; }'
        || ' table { border-collapse: collapse; font-size: 12.5px; font-variant-numeric: tabular-nums; }'
        || ' th, td { padding: 3px 8px; border-bottom: 1px solid #e6e9ef; text-align: left; vertical-align: top; }'
        || ' thead th { background: #f3f5f8; position: sticky; top: 0; }'
        || ' td.n, th.n { text-align: right; white-space: nowrap; } td.empty { color: #5b6472; }'
        || ' .sub { color: #5b6472; font-weight: normal; font-size: 11px; }'
        || ' .heat td.n { min-width: 4.5em; } .heat tbody th { white-space: nowrap; font-weight: normal; }'
        || ' .heat thead th.n { max-width: 10em; white-space: normal; vertical-align: bottom; }'
        || ' .heat tr.any th, .heat tr.any td { font-weight: bold; border-bottom: 2px solid #d8dde6; }'
        || ' @media print { body { max-width: none; padding: 0; font-size: 11px; } nav { display: none; }'
        || ' .tablewrap { max-height: none; overflow: visible; } thead th { position: static; }'
        || ' section { break-inside: avoid; page-break-inside: avoid; } .pair { grid-template-columns: minmax(0, 1fr) max-content; }'
        || ' * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }'
        || '</style></head><body>'
        || '<h1>' || j7599._report_esc('Claim lines of ' || tbl::text) || '</h1>'
        || '<p class="meta">' || j7599._report_esc(format('Written by j7599.report at %s from the registration of %s (line column %s%s%s%s%s).',
                to_char(now(), 'YYYY-MM-DD HH24:MI TZ'), tbl::text, reg.line,
                coalesce(', payer ' || reg.payer, ''), coalesce(', service date ' || reg.service_date, ''),
                coalesce(', units ' || reg.units, ''), coalesce(', place of service ' || reg.pos, ''))) || '</p>'
        || '<nav><a href="#by-month">by month</a><a href="#by-payer">by payer</a><a href="#by-pos">by place of service</a>'
        || '<a href="#modifiers">modifiers</a><a href="#rules">rules</a><a href="#rules-by-payer">rules by payer</a>'
        || '<a href="#unresolved">unresolved payers</a><a href="#history">audit runs</a></nav>'
        || '<div class="tiles" id="summary">'
        || format('<div class="tile"><b>%s</b><span>lines</span></div>', j7599._report_num(total))
        || format('<div class="tile"><b>%s%%</b><span>of lines with an error (%s)</span></div>',
                  j7599._report_num(coalesce(round(100.0 * with_error / nullif(total, 0), 2), 0)), j7599._report_num(with_error))
        || format('<div class="tile"><b>%s%%</b><span>of lines without any finding (%s)</span></div>',
                  j7599._report_num(coalesce(round(100.0 * clean / nullif(total, 0), 2), 0)), j7599._report_num(clean))
        || format('<div class="tile"><b>%s</b><span>unresolved payer spellings (%s lines)</span></div>',
                  coalesce(cardinality(u_cells), 0), j7599._report_num(coalesce(u_lines, 0)))
        || format('<div class="tile"><b>%s</b><span>months of service%s</span></div>', coalesce(cardinality(m_lab), 0),
                  CASE WHEN m_lab IS NULL THEN '' ELSE ', ' || m_lab[1] || ' to ' || m_lab[cardinality(m_lab)] END)
        || '</div>'
        || j7599._report_section('by-month', 'Lines and units by month of service', NULL,
               CASE WHEN m_lab IS NULL THEN '<p class="note">No service dates.</p>'
                    WHEN has_units THEN j7599._report_lines(m_lab, '{lines,units}', ARRAY[m_lines, m_units])
                    ELSE j7599._report_lines(m_lab, '{lines}', ARRAY[m_lines]) END,
               j7599._report_table('t-month', '{month,lines,units}', m_cells, 2))
        || j7599._report_section('by-payer', 'Lines by payer',
               'Payers as their spellings resolve (j7599.payer_resolve); lines whose spelling resolves to no payer are counted as not resolved.',
               j7599._report_bars(p_lab, p_vals),
               j7599._report_table('t-payer', '{payer id,payer,lines,units}', p_cells, 3))
        || j7599._report_section('by-pos', 'Lines by place of service', NULL,
               j7599._report_bars(s_lab, s_vals, false, '{#3a9a5b}'),
               j7599._report_table('t-pos', '{code,place of service,lines,units}', s_cells, 3))
        || j7599._report_section('modifiers', 'Modifier usage',
               'Share of each code''s lines that carry the modifier (a line with several modifiers counts for each). Malformed lines are left out.',
               j7599._report_bars(d_lab, d_vals, true, '{#7b5ea7}'),
               j7599._report_table('t-modifier', '{code,modifier,lines,% of the code''s lines}', d_cells, 3))
        || j7599._report_section('rules', 'Share of lines breaking each rule',
               'The rule catalogue applied to every line, as j7599.audit_summary counts it. Red: error, amber: warning, blue: info.',
               j7599._report_bars(r_lab, r_vals, true, r_col),
               j7599._report_table('t-rule', '{rule,severity,rows violated,rows checked,% violated}', r_cells, 3))
        || '<section id="rules-by-payer"><h2>Share of each payer''s lines breaking each rule (%)</h2>'
        || '<p class="note">The ten payers with the most lines, the others together, and all lines; each row is shaded against its largest share.</p>'
        || heat || '</section>'
        || j7599._report_section('unresolved', 'Payer spellings that resolve to no payer',
               'Most frequent first (the chart shows the first twenty). Add them to j7599.payer_alias to resolve them.',
               j7599._report_bars(u_lab, u_vals, false, '{#e8a33d}'),
               j7599._report_table('t-unresolved', '{payer spelling,lines}', u_cells, 2))
        || h_section
        || '</body></html>' || E'\n';
    RETURN page;
END
$$;
COMMENT ON FUNCTION j7599.report(regclass) IS
'For a registered table: one self-contained HTML page (inline SVG charts, each with its table of numbers) of lines and units by month, payer and place of service, modifier usage, the share of lines breaking each rule overall and by payer, unresolved payer spellings and the audit runs recorded for it. Runs as the caller';
