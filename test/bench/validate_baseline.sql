-- test/bench/validate_baseline.sql: the rule catalogue of j7599.validate
-- written in PL/pgSQL, the way a team would write it without the extension's
-- C engine.  It is the baseline of test/bench/validate.sh and enforce.sh and
-- the second opinion of test/bench/validate_check.sh.
--
--   psql -d DB -f test/bench/validate_baseline.sql     (needs CREATE EXTENSION j7599)
--
-- Makes schema bench with
--
--   bench.validate_plpgsql(line text, payer text, service_date date, units numeric, ndc text, pos text,
--                          dx text[], narrative text, prior_auth text, days_supply integer,
--                          transplant_date date)                         SETOF j7599.finding
--   bench.is_valid_plpgsql(same arguments)                               boolean
--   bench.time_ms(query text)                                            numeric
--
-- Same rule ids, severities and semantics as the spec (docs/spec.md, "Rule
-- catalogue"), including the choices the spec leaves open that the extension
-- documents (blank means missing; a drug line is a J code, a NOC code or the
-- code of a drug_code row; an unknown payer runs the policy rules with every
-- field unknown; POLICY_UNKNOWN when no policy field resolves).  Messages are
-- worded independently.
--
-- How it is written: the reference tables are read with ordinary queries
-- through their primary keys (one query per lookup, as PL/pgSQL does it),
-- syntax is checked with regular expressions, the policy cascade is one
-- recursive query, and the narrative is split into words once and matched
-- against drug_code with a hash join.  Statement plans are cached by PL/pgSQL
-- for the session, so nothing is re-planned per row.

CREATE SCHEMA IF NOT EXISTS bench;

CREATE OR REPLACE FUNCTION bench.validate_plpgsql(
    line            text,
    payer           text    DEFAULT NULL,
    service_date    date    DEFAULT NULL,
    units           numeric DEFAULT NULL,
    ndc             text    DEFAULT NULL,
    pos             text    DEFAULT NULL,
    dx              text[]  DEFAULT NULL,
    narrative       text    DEFAULT NULL,
    prior_auth      text    DEFAULT NULL,
    days_supply     integer DEFAULT NULL,
    transplant_date date    DEFAULT NULL)
RETURNS SETOF j7599.finding
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $fn$
DECLARE
    -- blanks: what counts as "not given"
    blank_re   constant text := '^[ \t\n\r\f\v]*$';
    code_re    constant text := '^([A-Z][0-9]{4}|[0-9]{4}[0-9FTU])$';
    ndc_re     constant text := '^([Nn]4[ \t]*)?([0-9]{11,12}|[0-9]{4,6}-[0-9]{4}-[0-9]{2}|[0-9]{5}-[0-9]{3}-[0-9]{2}|[0-9]{5}-[0-9]{4}-[0-9])$';
    icd10_re   constant text := '^[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?$';
    -- a number, optional blanks (space, tab, no-break space), a unit that ends its word
    strength_re constant text :=
        '[0-9][ \t\u00A0]*(%|(g|gm|grams?|iu|mcg|mg|micrograms?|milligrams?|millilit(er|re)s?|ml|ug|units?|\u00B5g|\u03BCg)'
        '(?![A-Za-z0-9\u00AA\u00B2\u00B3\u00B5\u00B9\u00BA\u00BC-\u00BE\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u1FFF\u2070-\u211F\u2121\u2123-\u2FFF\u3004-\uFEFE\uFF00\uFF10-\U0010FFFF]))';
    -- word separators: ASCII other than letters and digits, and the Unicode blanks and punctuation
    sep_re     constant text :=
        '[\x01-\x2F\x3A-\x40\x5B-\x60\x7B-\x7F\u0080-\u00A9\u00AB-\u00B1\u00B4\u00B6-\u00B8\u00BB\u00BF\u00D7\u00F7\u2000-\u206F\u2120\u2122\u3000-\u3003\uFEFF\uFF01-\uFF0F]+';
    -- runs of four or more letters (digits and separators end a run)
    letters_re constant text :=
        '[A-Za-z\u00AA\u00B2\u00B3\u00B5\u00B9\u00BA\u00BC-\u00BE\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u1FFF\u2070-\u211F\u2121\u2123-\u2FFF\u3004-\uFEFE\uFF00\uFF10-\U0010FFFF]{4,}';
    -- words that name no drug: directions, forms, fillers and the units
    stopwords  constant text[] := ARRAY[
        'about', 'administer', 'administered', 'administration', 'after', 'again', 'also', 'and',
        'apply', 'as', 'at', 'bedtime', 'before', 'bid', 'brand', 'by',
        'cap', 'caps', 'capsule', 'capsules', 'chew', 'chewable', 'chewed', 'classified',
        'compound', 'compounded', 'daily', 'day', 'days', 'delayed', 'delivery', 'directed',
        'disp', 'dispense', 'dispensed', 'dispensing', 'dosage', 'dose', 'doses', 'drink',
        'drug', 'drugs', 'each', 'eight', 'evening', 'every', 'extended', 'food',
        'for', 'form', 'formulation', 'four', 'from', 'generic', 'give', 'given',
        'half', 'heart', 'home', 'hour', 'hourly', 'hours', 'hrs', 'immediate',
        'immunosuppressant', 'immunosuppressants', 'immunosuppression', 'immunosuppressive', 'in', 'inject',
        'injection', 'instructions',
        'intravenous', 'intravenously', 'iv', 'kidney', 'liquid', 'liver', 'lung', 'mail',
        'meal', 'meals', 'medication', 'medications', 'medicine', 'misc', 'miscellaneous', 'month',
        'monthly', 'months', 'morning', 'mouth', 'name', 'needed', 'night', 'nine',
        'noc', 'not', 'of', 'once', 'one', 'only', 'or', 'oral',
        'orally', 'order', 'organ', 'other', 'otherwise', 'packet', 'packets', 'patient',
        'per', 'pharmacy', 'pill', 'pills', 'po', 'post', 'prescribed', 'prescription',
        'prn', 'prophylaxis', 'provided', 'qam', 'qd', 'qhs', 'qid', 'qod',
        'qpm', 'qty', 'quantity', 'refill', 'refills', 'rejection', 'release', 'same',
        'seven', 'sig', 'six', 'solution', 'specified', 'strength', 'subcutaneous', 'supplied',
        'supply', 'suspension', 'tab', 'tablet', 'tablets', 'tabs', 'take', 'taken',
        'takes', 'ten', 'than', 'then', 'three', 'tid', 'time', 'times',
        'total', 'transplant', 'twice', 'two', 'unclassified', 'under', 'unknown', 'unlisted',
        'until', 'use', 'used', 'vial', 'vials', 'week', 'weekly', 'weeks',
        'while', 'with', 'without', 'year', 'years',
        'g', 'gm', 'gram', 'grams', 'iu', 'mcg', 'mg', 'microgram', 'micrograms', 'milligram', 'milligrams',
        'milliliter', 'milliliters', 'millilitre', 'millilitres', 'ml', 'ug', 'unit', 'units'];

    src_format constant text := 'HCPCS Level II and CPT code format; X12 837 SV101';
    src_units  constant text := 'CMS-1500 item 24G, X12 837 SV104';
    src_payers constant text := 'j7599.payer and j7599.payer_alias';

    s            text;
    parts        text[];
    have_line    boolean := false;
    v_code       text;
    mods         text[] := '{}';
    dmods        text[];
    v_known      boolean;
    v_row_noc    boolean;
    v_code_valid daterange;
    v_code_set   text;
    v_is_noc     boolean := false;
    v_is_drug    boolean := false;
    v_units_ok   boolean := false;
    v_pos        text;
    v_pos_known  boolean;
    v_pos_valid  daterange;
    v_policy_ok  boolean;
    v_pid        text;
    v_key        text;
    v_chain      text[];
    v_cur        text;
    v_any        boolean := false;
    rec          record;
    -- the resolved policy: value and the source of the row it came from
    p_ndc boolean;     s_ndc text;
    p_narr boolean;    s_narr text;
    p_maxlen integer;  s_maxlen text;
    p_pa boolean;      s_pa text;
    p_dx text[];       s_dx text;
    p_pos text[];      s_pos text;
    p_units numeric;   s_units text;
    p_days integer;    s_days text;
    p_waste boolean;   s_waste text;
    p_kx text;         s_kx text;
    v_narr_blank boolean;
    v_words      text[];
    v_names      text[] := '{}';
    v_strength   boolean;
    v_drug_word  boolean;
    v_ndx        bigint;
    v_covered    boolean;
    v_has_kx     boolean;
    v_before     boolean;
BEGIN
    IF line IS NULL THEN
        RETURN;
    END IF;

    -- ------------------------------------------------------------ the line
    s := upper(btrim(line, E' \t'));
    IF s ~ '^(HC:)?[0-9A-Z]{5}(:[0-9A-Z]{2}){0,4}$' THEN
        parts := string_to_array(regexp_replace(s, '^HC:', ''), ':');
    ELSIF s ~ '^[0-9A-Z]{5}(-[0-9A-Z]{2}){0,4}$' THEN
        parts := string_to_array(s, '-');
    ELSIF s ~ '^[0-9A-Z]{5}([ \t]+[0-9A-Z]{2}){0,4}$' THEN
        parts := regexp_split_to_array(s, '[ \t]+');
    ELSIF s ~ '^[0-9A-Z]{5}([0-9A-Z]{2}){0,4}$' THEN
        parts := left(s, 5) || ARRAY(SELECT m[1] FROM regexp_matches(substr(s, 6), '(..)', 'g') AS m);
    END IF;

    IF parts IS NULL OR parts[1] !~ code_re THEN
        RETURN NEXT ('LINE_MALFORMED', 'error', 'line',
                     format('line "%s" is not a valid HCPCS line; write a code with up to four two-character modifiers, such as J7599-JZ-KX', line),
                     src_format)::j7599.finding;
    ELSE
        have_line := true;
        v_code := parts[1];
        mods := parts[2:];

        SELECT true, h.is_noc, h.valid, h.code_set || ' ' || h.code_set_version
          INTO v_known, v_row_noc, v_code_valid, v_code_set
          FROM j7599.hcpcs_code AS h WHERE h.code = v_code;
        v_known := coalesce(v_known, false);
        v_is_noc := v_code = 'J7599' OR coalesce(v_row_noc, false);
        v_is_drug := left(v_code, 1) = 'J' OR v_is_noc
                     OR EXISTS (SELECT 1 FROM j7599.drug_code AS d WHERE d.code = v_code);

        -- CODE_UNKNOWN: Level II codes only (CPT and CDT have no list to check)
        IF v_code ~ '^[A-CE-Z][0-9]{4}$'
           AND (NOT v_known OR (service_date IS NOT NULL AND NOT v_code_valid @> service_date)) THEN
            RETURN NEXT ('CODE_UNKNOWN', 'warning', 'line',
                         CASE WHEN v_known
                              THEN format('code %s is not in force on the date of service %s', v_code, service_date)
                              ELSE format('code %s is not in the HCPCS Level II code set', v_code) END,
                         coalesce(v_code_set, 'CMS HCPCS Level II'))::j7599.finding;
        END IF;

        -- modifiers
        IF cardinality(mods) > 0 THEN
            dmods := ARRAY(SELECT u.m FROM unnest(mods) WITH ORDINALITY AS u (m, n) GROUP BY u.m ORDER BY min(u.n));
            IF cardinality(dmods) < cardinality(mods) THEN
                RETURN QUERY
                    SELECT 'MODIFIER_DUPLICATE'::text, 'error'::text, 'line'::text,
                           format('modifier %s appears %s times on the line; list each modifier once', u.m, count(*)),
                           'CMS-1500 item 24D, X12 837 SV101-3 to SV101-6'::text
                      FROM unnest(mods) AS u (m)
                     GROUP BY u.m HAVING count(*) > 1;
            END IF;
            RETURN QUERY
                SELECT CASE WHEN md.modifier IS NULL THEN 'MODIFIER_UNKNOWN'
                            WHEN md.drug_line = 'procedure_only' THEN 'MODIFIER_NOT_FOR_DRUG'
                            ELSE 'MODIFIER_NEEDS_DOCUMENTATION' END,
                       CASE WHEN md.modifier IS NULL THEN 'error'
                            WHEN md.drug_line = 'procedure_only' THEN 'warning'
                            ELSE 'info' END,
                       'line'::text,
                       CASE WHEN md.modifier IS NULL THEN format('modifier %s is not a known modifier', u.m)
                            WHEN md.drug_line = 'procedure_only' THEN format('modifier %s belongs on a procedure, not on drug code %s', u.m, v_code)
                            ELSE format('modifier %s needs documentation of substantially greater work', u.m) END,
                       coalesce(md.source, 'j7599.modifier')
                  FROM unnest(dmods) AS u (m)
                  LEFT JOIN j7599.modifier AS md ON md.modifier = u.m
                 WHERE md.modifier IS NULL
                    OR (md.drug_line = 'procedure_only' AND v_is_drug)
                    OR md.drug_line = 'needs_documentation';
            IF cardinality(dmods) > 1 THEN
                RETURN QUERY
                    SELECT 'MODIFIER_CONFLICT'::text, 'error'::text, 'line'::text,
                           format('modifiers %s and %s may not stand on one line: %s', mc.modifier_a, mc.modifier_b, mc.reason),
                           mc.source
                      FROM j7599.modifier_conflict AS mc
                     WHERE mc.modifier_a = ANY (dmods) AND mc.modifier_b = ANY (dmods);
            END IF;
        END IF;
    END IF;

    -- --------------------------------------------------------------- units
    IF units IS NOT NULL THEN
        v_units_ok := units > 0 AND units < 'Infinity';     -- NaN sorts above Infinity
        IF NOT v_units_ok THEN
            RETURN NEXT ('UNITS_INVALID', 'error', 'units',
                         format('units %s are not valid; give a number greater than zero', units), src_units)::j7599.finding;
        END IF;
    ELSIF have_line AND v_is_drug THEN
        RETURN NEXT ('UNITS_MISSING', 'warning', 'units',
                     format('no units on drug line %s', v_code), src_units)::j7599.finding;
    END IF;

    -- ----------------------------------------------------------------- NDC
    IF ndc !~ blank_re AND btrim(ndc, E' \t') !~ ndc_re THEN
        RETURN NEXT ('NDC_MALFORMED', 'error', 'ndc',
                     format('NDC "%s" is not valid; give 11 digits or a hyphenated 5-4-2, 4-4-2, 5-3-2 or 5-4-1 form', ndc),
                     'FDA National Drug Code formats')::j7599.finding;
    END IF;

    -- ---------------------------------------------------- place of service
    IF pos !~ blank_re THEN
        IF btrim(pos, E' \t') ~ '^[0-9]{2}$' THEN
            v_pos := btrim(pos, E' \t');
            SELECT true, ps.valid INTO v_pos_known, v_pos_valid
              FROM j7599.place_of_service AS ps WHERE ps.code = v_pos;
            IF v_pos_known IS NULL OR (service_date IS NOT NULL AND NOT v_pos_valid @> service_date) THEN
                RETURN NEXT ('POS_UNKNOWN', 'error', 'pos',
                             format('place of service %s is not a CMS code in force on %s', v_pos, coalesce(service_date::text, 'any date')),
                             'j7599.place_of_service')::j7599.finding;
            END IF;
        ELSE
            RETURN NEXT ('POS_UNKNOWN', 'error', 'pos',
                         format('place of service "%s" must be two digits', pos),
                         'CMS Place of Service code set')::j7599.finding;
        END IF;
    END IF;

    -- ----------------------------------------------------------- diagnoses
    IF dx IS NOT NULL THEN
        RETURN QUERY
            SELECT 'DX_MALFORMED'::text, 'error'::text, 'dx'::text,
                   format('diagnosis "%s" is not a well-formed ICD-10-CM code', d.v),
                   'ICD-10-CM code structure'::text
              FROM unnest(dx) AS d (v)
             WHERE d.v !~ blank_re AND btrim(d.v, E' \t') !~ icd10_re
             LIMIT 8;
    END IF;

    IF NOT have_line OR NOT v_is_noc THEN
        RETURN;
    END IF;

    -- ================================================== J7599 and NOC codes
    v_policy_ok := true;
    IF payer IS NULL OR payer ~ blank_re THEN
        RETURN NEXT ('PAYER_MISSING', 'warning', 'payer',
                     format('no payer on this %s line, so payer policy was not checked', v_code), src_payers)::j7599.finding;
        v_policy_ok := false;
    ELSE
        -- a payer id, else a payer id with the same key (when only one has it), else an alias with the same key
        SELECT p.payer_id INTO v_pid FROM j7599.payer AS p WHERE p.payer_id = payer;
        IF v_pid IS NULL THEN
            v_key := j7599.payer_key(payer);
            SELECT coalesce(
                       (SELECT min(p.payer_id) FROM j7599.payer AS p
                         WHERE replace(p.payer_id, '_', '') = v_key HAVING count(*) = 1),
                       (SELECT a.payer_id FROM j7599.payer_alias AS a WHERE j7599.payer_key(a.alias) = v_key))
              INTO v_pid;
        END IF;
        IF v_pid IS NULL THEN
            RETURN NEXT ('PAYER_UNKNOWN', 'warning', 'payer',
                         format('payer "%s" is neither a payer id nor a known alias', payer), src_payers)::j7599.finding;
        END IF;
    END IF;
    IF service_date IS NULL THEN
        RETURN NEXT ('SERVICE_DATE_MISSING', 'warning', 'service_date',
                     format('no date of service on this %s line, so payer policy was not checked', v_code),
                     'j7599.policy: effective-dated payer policy')::j7599.finding;
        v_policy_ok := false;
    END IF;

    -- the policy cascade: the payer, its parents, 'default' last; first non-NULL value per field
    IF v_policy_ok AND v_pid IS NOT NULL THEN
        -- the chain: walk up the parents (at most 32 steps, a cycle ends it), 'default' last
        v_chain := '{}';
        v_cur := v_pid;
        WHILE v_cur IS NOT NULL AND cardinality(v_chain) <= 32 AND v_cur <> ALL (v_chain) LOOP
            v_chain := v_chain || v_cur;
            SELECT p.parent_id INTO v_cur FROM j7599.payer AS p WHERE p.payer_id = v_cur;
        END LOOP;
        IF 'default' <> ALL (v_chain) THEN
            v_chain := v_chain || 'default'::text;
        END IF;
        FOR rec IN
            SELECT pol.*, pol.source || ' (via ' || pol.payer_id || ')' AS src
              FROM j7599.policy AS pol
             WHERE pol.payer_id = ANY (v_chain) AND pol.code = v_code AND pol.valid @> service_date
             ORDER BY array_position(v_chain, pol.payer_id)
        LOOP
            IF p_ndc IS NULL AND rec.requires_ndc IS NOT NULL THEN
                p_ndc := rec.requires_ndc; s_ndc := rec.src;
            END IF;
            IF p_narr IS NULL AND rec.requires_narrative IS NOT NULL THEN
                p_narr := rec.requires_narrative; s_narr := rec.src;
            END IF;
            IF p_maxlen IS NULL AND rec.narrative_max_length IS NOT NULL THEN
                p_maxlen := rec.narrative_max_length; s_maxlen := rec.src;
            END IF;
            IF p_pa IS NULL AND rec.requires_prior_auth IS NOT NULL THEN
                p_pa := rec.requires_prior_auth; s_pa := rec.src;
            END IF;
            IF p_dx IS NULL AND rec.dx_required IS NOT NULL THEN
                p_dx := rec.dx_required; s_dx := rec.src;
            END IF;
            IF p_pos IS NULL AND rec.pos_allowed IS NOT NULL THEN
                p_pos := rec.pos_allowed; s_pos := rec.src;
            END IF;
            IF p_units IS NULL AND rec.max_units IS NOT NULL THEN
                p_units := rec.max_units; s_units := rec.src;
            END IF;
            IF p_days IS NULL AND rec.supply_days_max IS NOT NULL THEN
                p_days := rec.supply_days_max; s_days := rec.src;
            END IF;
            IF p_waste IS NULL AND rec.waste_modifier_required IS NOT NULL THEN
                p_waste := rec.waste_modifier_required; s_waste := rec.src;
            END IF;
            IF p_kx IS NULL AND rec.kx_rule IS NOT NULL THEN
                p_kx := rec.kx_rule; s_kx := rec.src;
            END IF;
            v_any := v_any OR rec.requires_ndc IS NOT NULL OR rec.requires_narrative IS NOT NULL
                     OR rec.narrative_max_length IS NOT NULL OR rec.requires_prior_auth IS NOT NULL
                     OR rec.dx_required IS NOT NULL OR rec.pos_allowed IS NOT NULL OR rec.max_units IS NOT NULL
                     OR rec.supply_days_max IS NOT NULL OR rec.waste_modifier_required IS NOT NULL
                     OR rec.kx_rule IS NOT NULL OR rec.bill_to IS NOT NULL;
        END LOOP;
        IF NOT v_any THEN
            RETURN NEXT ('POLICY_UNKNOWN', 'info', 'payer',
                         format('no policy for %s is known for payer %s on %s', v_code, v_pid, service_date),
                         'j7599.policy')::j7599.finding;
        END IF;
    END IF;

    -- ----------------------------------------------------------- narrative
    v_narr_blank := narrative IS NULL OR narrative ~ blank_re;
    IF v_narr_blank THEN
        IF v_policy_ok THEN
            IF p_narr IS NULL THEN
                RETURN NEXT ('NARRATIVE_MISSING', 'warning', 'narrative',
                             format('no narrative on this %s line; give the drug name, strength and dosage', v_code),
                             'CMS IOM 100-04 Ch.26 item 19; X12 837 SV101-7 / NTE')::j7599.finding;
            ELSIF p_narr THEN
                RETURN NEXT ('NARRATIVE_MISSING', 'error', 'narrative',
                             format('no narrative on this %s line; the policy requires the drug name, strength and dosage', v_code),
                             s_narr)::j7599.finding;
            END IF;
        END IF;
    ELSE
        -- drug names: at each word the longest name starting there, each name once, in order
        v_words := array_remove(regexp_split_to_array(lower(narrative), sep_re), '');
        v_names := ARRAY(
            SELECT t.drug FROM (
                SELECT DISTINCT ON (w.i) w.i, d.drug
                  FROM unnest(v_words) WITH ORDINALITY AS w (word, i)
                  -- names that start with the word, through the primary key (drug, code); a name's
                  -- characters are [a-z0-9 -], all below '~' (needs a code-point collation, see the end)
                  JOIN j7599.drug_code AS d ON d.drug >= w.word AND d.drug < w.word || '~'
                 WHERE translate(d.drug, '-', ' ')
                       = array_to_string(v_words[w.i : w.i + cardinality(string_to_array(translate(d.drug, '-', ' '), ' ')) - 1], ' ')
                 ORDER BY w.i, cardinality(string_to_array(translate(d.drug, '-', ' '), ' ')) DESC, d.drug COLLATE "C"
            ) AS t
            GROUP BY t.drug ORDER BY min(t.i) LIMIT 8);

        v_strength := narrative ~* strength_re;
        v_drug_word := cardinality(v_names) > 0
            OR EXISTS (SELECT 1 FROM regexp_matches(narrative, letters_re, 'g') AS m
                        WHERE lower(m[1]) <> ALL (stopwords));
        IF NOT v_strength OR NOT v_drug_word THEN
            RETURN NEXT ('NARRATIVE_INCOMPLETE', 'warning', 'narrative',
                         format('narrative "%s" %s', narrative,
                                CASE WHEN NOT v_strength AND NOT v_drug_word THEN 'names neither the drug nor its strength'
                                     WHEN NOT v_strength THEN 'gives no strength or dose'
                                     ELSE 'does not name the drug' END),
                         coalesce(s_narr, 'CMS IOM 100-04 Ch.26 item 19; X12 837 SV101-7 / NTE'))::j7599.finding;
        END IF;
        IF v_policy_ok AND p_maxlen IS NOT NULL AND char_length(narrative) > p_maxlen THEN
            RETURN NEXT ('NARRATIVE_TOO_LONG', 'error', 'narrative',
                         format('narrative is %s characters long; the policy accepts at most %s', char_length(narrative), p_maxlen),
                         s_maxlen)::j7599.finding;
        END IF;
    END IF;

    -- ----------------------------------------------------------------- NDC
    IF v_policy_ok AND (ndc IS NULL OR ndc ~ blank_re) THEN
        IF p_ndc IS NULL THEN
            RETURN NEXT ('NDC_MISSING', 'warning', 'ndc',
                         format('no NDC on this %s line; payers often require it', v_code),
                         'X12 837 2410 LIN03, CMS-1500 item 24A')::j7599.finding;
        ELSIF p_ndc THEN
            RETURN NEXT ('NDC_MISSING', 'error', 'ndc',
                         format('no NDC on this %s line; the policy requires it', v_code), s_ndc)::j7599.finding;
        END IF;
    END IF;

    -- ------------------------------------------------ a specific code exists
    IF cardinality(v_names) > 0 THEN
        RETURN QUERY
            SELECT 'SPECIFIC_CODE_EXISTS'::text, 'error'::text, 'line'::text,
                   format('narrative names "%s", which has its own code: %s; bill it instead of %s',
                          d.drug, string_agg(d.code, ', ' ORDER BY d.code COLLATE "C"), v_code),
                   coalesce(min(h.code_set || ' ' || h.code_set_version), min(d.source))
              FROM j7599.drug_code AS d
              LEFT JOIN j7599.hcpcs_code AS h ON h.code = d.code
             WHERE d.drug = ANY (v_names) AND d.code <> v_code
               AND (h.code IS NULL OR service_date IS NULL OR h.valid @> service_date)
             GROUP BY d.drug;
    END IF;

    IF NOT v_policy_ok THEN
        RETURN;
    END IF;

    -- -------------------------------------------------------- policy rules
    IF v_units_ok AND p_units IS NOT NULL AND units > p_units THEN
        RETURN NEXT ('UNITS_EXCEED_POLICY', 'error', 'units',
                     format('units %s exceed the most the policy accepts on one line (%s)', units, p_units), s_units)::j7599.finding;
    END IF;

    IF p_dx IS NOT NULL THEN
        SELECT count(*),
               coalesce(bool_or(EXISTS (
                   SELECT 1 FROM unnest(p_dx) AS r (prefix)
                    WHERE upper(translate(r.prefix, E'. \t', '')) <> ''
                      AND left(upper(translate(d.v, E'. \t', '')), char_length(upper(translate(r.prefix, E'. \t', ''))))
                          = upper(translate(r.prefix, E'. \t', '')))), false)
          INTO v_ndx, v_covered
          FROM unnest(dx) AS d (v)
         WHERE d.v !~ blank_re;
        IF v_ndx = 0 THEN
            RETURN NEXT ('DX_MISSING', 'error', 'dx',
                         format('no diagnosis on the line; the policy requires one starting with %s', array_to_string(p_dx, ', ')),
                         s_dx)::j7599.finding;
        ELSIF NOT v_covered THEN
            RETURN NEXT ('DX_NOT_COVERED', 'error', 'dx',
                         format('no diagnosis on the line is covered; the policy needs one starting with %s', array_to_string(p_dx, ', ')),
                         s_dx)::j7599.finding;
        END IF;
    END IF;

    IF v_pos IS NOT NULL AND p_pos IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM unnest(p_pos) AS a (code) WHERE btrim(a.code, E' \t') = v_pos) THEN
        RETURN NEXT ('POS_NOT_ALLOWED', 'error', 'pos',
                     format('place of service %s is not accepted; the policy accepts %s', v_pos, array_to_string(p_pos, ', ')),
                     s_pos)::j7599.finding;
    END IF;

    IF p_pa AND (prior_auth IS NULL OR prior_auth ~ blank_re) THEN
        RETURN NEXT ('PRIOR_AUTH_MISSING', 'error', 'prior_auth',
                     format('no prior-authorisation number on this %s line; the policy requires one', v_code), s_pa)::j7599.finding;
    END IF;

    IF p_waste AND NOT ('JW' = ANY (mods) OR 'JZ' = ANY (mods)) THEN
        RETURN NEXT ('WASTE_MODIFIER_MISSING', 'error', 'line',
                     format('neither JW nor JZ on this %s line; the policy requires one', v_code), s_waste)::j7599.finding;
    END IF;

    IF p_days IS NOT NULL AND days_supply > p_days THEN
        RETURN NEXT ('SUPPLY_DAYS_EXCEEDED', 'error', 'days_supply',
                     format('%s days of supply exceed the most the policy accepts (%s days)', days_supply, p_days), s_days)::j7599.finding;
    END IF;

    IF p_kx = 'conditional' THEN
        v_has_kx := 'KX' = ANY (mods);
        v_before := coalesce(transplant_date < service_date, false);
        IF v_has_kx AND NOT v_before THEN
            RETURN NEXT ('KX_WITHOUT_TRANSPLANT_DATE', 'warning', 'transplant_date',
                         format('KX is on the line but no transplant date before the date of service %s is known', service_date),
                         s_kx)::j7599.finding;
        ELSIF NOT v_has_kx AND v_before THEN
            RETURN NEXT ('KX_SUGGESTED', 'info', 'line',
                         format('the transplant date %s is before the date of service %s but KX is missing', transplant_date, service_date),
                         s_kx)::j7599.finding;
        END IF;
    END IF;
    RETURN;
END
$fn$;

COMMENT ON FUNCTION bench.validate_plpgsql(text, text, date, numeric, text, text, text[], text, text, integer, date) IS
'Benchmark baseline: the j7599 rule catalogue in PL/pgSQL (same rule ids and severities as j7599.validate)';

CREATE OR REPLACE FUNCTION bench.is_valid_plpgsql(
    line            text,
    payer           text    DEFAULT NULL,
    service_date    date    DEFAULT NULL,
    units           numeric DEFAULT NULL,
    ndc             text    DEFAULT NULL,
    pos             text    DEFAULT NULL,
    dx              text[]  DEFAULT NULL,
    narrative       text    DEFAULT NULL,
    prior_auth      text    DEFAULT NULL,
    days_supply     integer DEFAULT NULL,
    transplant_date date    DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $fn$
BEGIN
    IF line IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN NOT EXISTS (
        SELECT 1
          FROM bench.validate_plpgsql(line, payer, service_date, units, ndc, pos, dx, narrative,
                                      prior_auth, days_supply, transplant_date) AS f
         WHERE f.severity = 'error');
END
$fn$;

COMMENT ON FUNCTION bench.is_valid_plpgsql(text, text, date, numeric, text, text, text[], text, text, integer, date) IS
'Benchmark baseline: true when bench.validate_plpgsql finds no error';

-- Server-side timing of one statement, in milliseconds: the statement runs
-- to completion inside the backend and its rows are discarded, so neither the
-- client nor the network is measured.  Works for COPY from a server file too.
CREATE OR REPLACE FUNCTION bench.time_ms(query text) RETURNS numeric
LANGUAGE plpgsql VOLATILE
AS $fn$
DECLARE
    t0 timestamptz;
BEGIN
    t0 := clock_timestamp();
    EXECUTE query;
    RETURN round(extract(epoch FROM clock_timestamp() - t0) * 1000, 1);
END
$fn$;

-- The drug-name lookup above finds the names that start with a word through
-- a range of the primary key, which is right when the database collation
-- orders by code point (C, POSIX, C.UTF-8: what the benchmark clusters use).
DO $$
BEGIN
    IF NOT ('tacrolimus' < 'tacrolimus xr' AND 'tacrolimus xr' < 'tacrolimus~' AND 'depo-medrol' < 'depo~') THEN
        RAISE WARNING 'bench.validate_plpgsql: the database collation does not order by code point; drug names may be missed';
    END IF;
END
$$;
