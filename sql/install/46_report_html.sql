/*
 * j7599.report: one self-contained HTML page over a registered table.
 * Everything is inline (style, SVG charts); the page names no external
 * resource and no URL.  It is written as well-formed XML (every element
 * closed, attributes quoted, only the five XML entities), so it also reads
 * as XML.  Every text that comes from the data passes _report_esc; every
 * chart is drawn from the numbers of the table beside it.
 */

CREATE FUNCTION j7599._report_esc(s text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN replace(replace(replace(replace(replace(
           regexp_replace(s, '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]', '?', 'g'),
           '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;');
COMMENT ON FUNCTION j7599._report_esc(text) IS
'Internal: text made safe for HTML and XML text and quoted attributes (& < > " '' escaped, control characters replaced)';

CREATE FUNCTION j7599._report_num(x numeric) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN x IS NULL THEN ''
            ELSE (SELECT m[1] || regexp_replace(m[2], '(\d)(?=(\d{3})+$)', '\1,', 'g') || m[3]
                  FROM regexp_match(x::text, '^(-?)(\d+)(.*)$') AS m) END;
COMMENT ON FUNCTION j7599._report_num(numeric) IS
'Internal: a number as the report prints it: every digit kept, thousands separated by commas; empty for NULL';

-- A table of numbers: headers and a two-dimensional array of cell texts
-- (escaped here); the columns from num_from on are numbers, right-aligned.
CREATE FUNCTION j7599._report_table(id text, headers text[], cells text[], num_from integer) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    out text;
    r text[];
    i integer;
BEGIN
    out := format('<div class="tablewrap"><table class="num" id="%s"><thead><tr>', j7599._report_esc(id));
    FOR i IN 1 .. cardinality(headers) LOOP
        out := out || format('<th%s>%s</th>', CASE WHEN i >= num_from THEN ' class="n"' ELSE '' END,
                             j7599._report_esc(headers[i]));
    END LOOP;
    out := out || '</tr></thead><tbody>';
    IF coalesce(cardinality(cells), 0) = 0 THEN
        out := out || format('<tr><td colspan="%s" class="empty">no rows</td></tr>', cardinality(headers));
    ELSE
        FOREACH r SLICE 1 IN ARRAY cells LOOP
            out := out || '<tr>';
            FOR i IN 1 .. cardinality(r) LOOP
                out := out || format('<td%s>%s</td>', CASE WHEN i >= num_from THEN ' class="n"' ELSE '' END,
                                     coalesce(j7599._report_esc(r[i]), ''));
            END LOOP;
            out := out || '</tr>';
        END LOOP;
    END IF;
    RETURN out || '</tbody></table></div>';
END
$$;
COMMENT ON FUNCTION j7599._report_table(text, text[], text[], integer) IS
'Internal: an HTML table of the report from headers and a two-dimensional array of cell texts, escaped';

-- A round axis maximum and step for values up to mx (steps of 1, 2 or 5
-- times a power of ten, about five of them).
CREATE FUNCTION j7599._report_axis(mx numeric, OUT top numeric, OUT step numeric)
RETURNS record
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    raw numeric;
    mag numeric;
BEGIN
    IF mx IS NULL OR mx <= 0 THEN
        top := 1;
        step := 0.2;
        RETURN;
    END IF;
    raw := mx / 5;
    mag := power(10::numeric, floor(log(raw)));
    step := CASE WHEN raw <= mag THEN mag WHEN raw <= 2 * mag THEN 2 * mag WHEN raw <= 5 * mag THEN 5 * mag
                 ELSE 10 * mag END;
    top := ceil(mx / step) * step;
    step := trim_scale(step);
    top := trim_scale(top);
END
$$;
COMMENT ON FUNCTION j7599._report_axis(numeric) IS
'Internal: a round axis maximum and tick step for a chart whose largest value is mx';

CREATE FUNCTION j7599._report_color(i integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN ('{#2f6db5,#d1495b,#3a9a5b,#e8a33d,#7b5ea7,#8c564b,#d16aa8,#2aa3b8}'::text[])[1 + (i - 1) % 8];
COMMENT ON FUNCTION j7599._report_color(integer) IS 'Internal: the colour of the i-th series of a chart';

-- Horizontal bars, one per label, the value printed at the end of each bar
-- (as a percentage when pct); labels longer than 32 characters are cut, the
-- full label is the bar's tooltip.  colors: one colour for every bar, or
-- one per bar.
CREATE FUNCTION j7599._report_bars(labels text[], vals numeric[], pct boolean DEFAULT false,
                                   colors text[] DEFAULT '{#2f6db5}')
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n integer := coalesce(cardinality(labels), 0);
    w constant integer := 640;
    lw constant integer := 250;
    bw constant integer := 320;
    rh constant integer := 22;
    mx numeric;
    ax record;
    h integer;
    out text;
    i integer;
    len numeric;
    lab text;
    val text;
    t numeric;
BEGIN
    IF n = 0 THEN
        RETURN '<p class="note">Nothing to draw.</p>';
    END IF;
    SELECT max(v) INTO mx FROM unnest(vals) AS v;
    ax := j7599._report_axis(mx);
    h := 28 + n * rh + 8;
    out := format('<svg class="chart" viewBox="0 0 %s %s" width="%s" height="%s" role="img">', w, h, w, h);
    -- grid and tick labels
    t := 0;
    WHILE t <= ax.top LOOP
        out := out || format('<line x1="%1$s" y1="22" x2="%1$s" y2="%2$s" class="grid"/><text x="%1$s" y="14" class="tick" text-anchor="middle">%3$s</text>',
                             round(lw + bw * t / ax.top, 1), h - 8,
                             CASE WHEN pct THEN trim_scale(t)::text || '%' ELSE j7599._report_num(trim_scale(t)) END);
        t := t + ax.step;
    END LOOP;
    FOR i IN 1 .. n LOOP
        len := round(bw * coalesce(vals[i], 0) / ax.top, 1);
        lab := coalesce(labels[i], '');
        val := CASE WHEN pct THEN j7599._report_num(vals[i]) || '%' ELSE j7599._report_num(vals[i]) END;
        out := out || format('<g><title>%s: %s</title><text x="%s" y="%s" class="label" text-anchor="end">%s</text>'
                             '<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/><text x="%s" y="%s" class="value">%s</text></g>',
                             j7599._report_esc(lab), val,
                             lw - 8, 28 + (i - 1) * rh + 15,
                             j7599._report_esc(CASE WHEN length(lab) > 32 THEN left(lab, 31) || '…' ELSE lab END),
                             lw, 28 + (i - 1) * rh + 3, greatest(len, 0.5), rh - 6,
                             coalesce(colors[CASE WHEN cardinality(colors) = 1 THEN 1 ELSE i END], '#2f6db5'),
                             lw + len + 5, 28 + (i - 1) * rh + 15, val);
    END LOOP;
    RETURN out || '</svg>';
END
$$;
COMMENT ON FUNCTION j7599._report_bars(text[], numeric[], boolean, text[]) IS
'Internal: an inline SVG horizontal bar chart of the values, one bar per label';

-- A line chart: one series per row of vals (a two-dimensional array, NULL
-- where a series has no value), points at the x labels; at most about twelve
-- x labels are written.
CREATE FUNCTION j7599._report_lines(xlabels text[], names text[], vals numeric[], pct boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n integer := coalesce(cardinality(xlabels), 0);
    ns integer := coalesce(array_length(vals, 1), 0);
    w constant integer := 640;
    h integer := 320;
    l constant integer := 72;
    r constant integer := 20;
    tp integer := 44;
    b constant integer := 84;
    pw integer := w - l - r;
    ph integer;
    ly integer := 8;
    item integer;
    mx numeric;
    ax record;
    out text;
    t numeric;
    s integer;
    i integer;
    every integer;
    x numeric;
    y numeric;
    pts text;
    dots text;
    lx integer := l;
BEGIN
    IF n = 0 OR ns = 0 THEN
        RETURN '<p class="note">Nothing to draw.</p>';
    END IF;
    SELECT max(v) INTO mx FROM unnest(vals) AS v;
    ax := j7599._report_axis(mx);
    -- the legend wraps onto as many rows as it needs; the plot starts below it
    FOR s IN 1 .. ns LOOP
        item := 30 + 7 * length(coalesce(names[s], ''));
        IF lx > l AND lx + item > w - r THEN
            lx := l;
            ly := ly + 16;
        END IF;
        lx := lx + item;
    END LOOP;
    tp := ly + 36;
    h := h + (ly - 8);
    ph := h - tp - b;
    out := format('<svg class="chart" viewBox="0 0 %s %s" width="%s" height="%s" role="img">', w, h, w, h);
    lx := l;
    ly := 8;
    FOR s IN 1 .. ns LOOP
        item := 30 + 7 * length(coalesce(names[s], ''));
        IF lx > l AND lx + item > w - r THEN
            lx := l;
            ly := ly + 16;
        END IF;
        out := out || format('<rect x="%s" y="%s" width="14" height="4" fill="%s"/><text x="%s" y="%s" class="label">%s</text>',
                             lx, ly, j7599._report_color(s), lx + 18, ly + 6, j7599._report_esc(coalesce(names[s], '')));
        lx := lx + item;
    END LOOP;
    -- y grid and ticks
    t := 0;
    WHILE t <= ax.top LOOP
        y := round(tp + ph - ph * t / ax.top, 1);
        out := out || format('<line x1="%1$s" y1="%2$s" x2="%3$s" y2="%2$s" class="grid"/><text x="%4$s" y="%5$s" class="tick" text-anchor="end">%6$s</text>',
                             l, y, l + pw, l - 6, y + 4,
                             CASE WHEN pct THEN trim_scale(t)::text || '%' ELSE j7599._report_num(trim_scale(t)) END);
        t := t + ax.step;
    END LOOP;
    out := out || format('<line x1="%1$s" y1="%2$s" x2="%3$s" y2="%2$s" class="axis"/>', l, tp + ph, l + pw);
    -- x labels, about twelve at most
    every := greatest(1, ceil(n / 12.0)::integer);
    FOR i IN 1 .. n LOOP
        IF (i - 1) % every = 0 THEN
            x := CASE WHEN n = 1 THEN l + pw / 2.0 ELSE round(l + pw * (i - 1) / (n - 1.0), 1) END;
            out := out || format('<line x1="%1$s" y1="%2$s" x2="%1$s" y2="%3$s" class="axis"/><text x="%1$s" y="%4$s" class="tick" text-anchor="end" transform="rotate(-40 %1$s %4$s)">%5$s</text>',
                                 x, tp + ph, tp + ph + 4, tp + ph + 16, j7599._report_esc(coalesce(xlabels[i], '')));
        END IF;
    END LOOP;
    -- the series
    FOR s IN 1 .. ns LOOP
        pts := '';
        dots := '';
        FOR i IN 1 .. n LOOP
            CONTINUE WHEN vals[s][i] IS NULL;
            x := CASE WHEN n = 1 THEN l + pw / 2.0 ELSE round(l + pw * (i - 1) / (n - 1.0), 1) END;
            y := round(tp + ph - ph * vals[s][i] / ax.top, 1);
            pts := pts || x || ',' || y || ' ';
            dots := dots || format('<circle cx="%s" cy="%s" r="2.5"><title>%s, %s: %s</title></circle>', x, y,
                                   j7599._report_esc(coalesce(names[s], '')), j7599._report_esc(coalesce(xlabels[i], '')),
                                   CASE WHEN pct THEN j7599._report_num(vals[s][i]) || '%' ELSE j7599._report_num(vals[s][i]) END);
        END LOOP;
        out := out || format('<g fill="%1$s" stroke="%1$s"><polyline points="%2$s" fill="none" stroke-width="2"/>%3$s</g>',
                             j7599._report_color(s), rtrim(pts), dots);
    END LOOP;
    RETURN out || '</svg>';
END
$$;
COMMENT ON FUNCTION j7599._report_lines(text[], text[], numeric[], boolean) IS
'Internal: an inline SVG line chart, one series per row of a two-dimensional array of values';

CREATE FUNCTION j7599._report_section(id text, title text, intro text, chart text, tbl text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN format('<section id="%s"><h2>%s</h2>%s<div class="pair"><figure>%s</figure>%s</div></section>',
              j7599._report_esc(id), j7599._report_esc(title),
              CASE WHEN intro IS NULL THEN '' ELSE '<p class="note">' || j7599._report_esc(intro) || '</p>' END,
              coalesce(chart, ''), coalesce(tbl, ''));
COMMENT ON FUNCTION j7599._report_section(text, text, text, text, text) IS
'Internal: one section of the report: a heading, a note, a chart and its table side by side';
