/*
 * Unit limits for UNITS_EXCEED_DAILY_LIMIT: j7599.unit_limit and its loader.
 *
 * No row is shipped: no source publishes a limit for J7599 (the CMS MUE of
 * J7599 is not published; doc/billing-facts.md), and the MUE file of CMS is
 * loaded by its user with j7599.load_unit_limits.  The table follows the
 * other reference tables: owner-writable, readable by all, user rows dumped
 * (`shipped` is false for every row), and the cache triggers that make every
 * session read it again after a change (30_validate.sql, "cache freshness").
 */
CREATE TABLE j7599.unit_limit (
    code        text NOT NULL CHECK (code ~ '^([A-Z][0-9]{4}|[0-9]{4}[0-9FTU])$'),
    payer_id    text REFERENCES j7599.payer ON UPDATE CASCADE ON DELETE CASCADE,
    max_units   numeric NOT NULL CHECK (max_units > 0 AND max_units < 9000000000000),
    per         text NOT NULL CHECK (per IN ('line', 'day')),
    valid       daterange NOT NULL DEFAULT '(,)' CHECK (NOT isempty(valid)),
    source      text NOT NULL CHECK (source <> ''),
    shipped     boolean NOT NULL DEFAULT false
);
CREATE INDEX unit_limit_code ON j7599.unit_limit (code);
COMMENT ON TABLE j7599.unit_limit IS
'Unit limits per line or per day of service (the shape of the CMS MUE file), read by UNITS_EXCEED_DAILY_LIMIT: for a payer (and, through the cascade, its members) or for every payer (payer_id NULL). None shipped: no source publishes one for J7599. Load with j7599.load_unit_limits. Dumped with the database';
COMMENT ON COLUMN j7599.unit_limit.code IS 'the HCPCS or CPT code';
COMMENT ON COLUMN j7599.unit_limit.payer_id IS 'the payer (or group) the limit is for; NULL: every payer. The most specific applies: the payer''s own, then its parents'', then NULL';
COMMENT ON COLUMN j7599.unit_limit.max_units IS 'the most units allowed, per line or summed over the lines of one claim, code and date';
COMMENT ON COLUMN j7599.unit_limit.per IS '''line'': each line (MUE adjudication indicator 1); ''day'': the lines of one code on one date of service of a claim, summed (indicators 2 and 3)';
COMMENT ON COLUMN j7599.unit_limit.valid IS 'the dates of service the limit is in force';
COMMENT ON COLUMN j7599.unit_limit.source IS 'where the limit is published (file and quarter)';
COMMENT ON COLUMN j7599.unit_limit.shipped IS 'true for rows CREATE EXTENSION loaded and nobody changed since (none: no limit is shipped)';

SELECT pg_catalog.pg_extension_config_dump('j7599.unit_limit', 'WHERE NOT shipped');

CREATE TRIGGER reference_row_updated BEFORE UPDATE ON j7599.unit_limit
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_updated();
CREATE TRIGGER reference_row_inserted BEFORE INSERT ON j7599.unit_limit
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_inserted('code', 'per', 'valid');
CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON j7599.unit_limit
    FOR EACH STATEMENT EXECUTE FUNCTION j7599._reference_changed();
CREATE TRIGGER reference_row_changed AFTER INSERT OR UPDATE OR DELETE ON j7599.unit_limit
    FOR EACH ROW EXECUTE FUNCTION j7599._reference_changed();
ALTER TABLE j7599.unit_limit ENABLE ALWAYS TRIGGER reference_changed, ENABLE REPLICA TRIGGER reference_row_changed;

REVOKE ALL ON TABLE j7599.unit_limit FROM PUBLIC;
GRANT SELECT ON TABLE j7599.unit_limit TO PUBLIC;

/*
 * Loads unit limits from a staging table (filled with psql's \copy) with the
 * columns code, max_units and per, and optionally payer_id, valid (a
 * daterange) and source.  A staged row replaces the row of the same code,
 * payer, per and valid; other rows stay.  Refuses (22023, nothing changed)
 * an empty staging table, a row that is not a limit, two staged rows for one
 * limit, and rows without a source.
 */
CREATE OR REPLACE FUNCTION j7599.load_unit_limits(staging regclass, source text DEFAULT NULL)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, not_in_file bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    has_payer boolean;
    has_valid boolean;
    has_source boolean;
    src text;
    n bigint;
    bad text;
BEGIN
    FOR bad IN SELECT c FROM unnest(ARRAY['code', 'max_units', 'per']) AS c
               WHERE NOT EXISTS (SELECT FROM pg_attribute a
                                 WHERE a.attrelid = staging AND a.attname = c AND a.attnum > 0 AND NOT a.attisdropped)
    LOOP
        RAISE EXCEPTION 'staging table % has no column "%"', staging, bad
            USING ERRCODE = 'undefined_column',
                  HINT = 'The staging table needs the columns code, max_units and per; payer_id, valid and source are optional.';
    END LOOP;
    SELECT bool_or(a.attname = 'payer_id'), bool_or(a.attname = 'valid'), bool_or(a.attname = 'source')
      INTO has_payer, has_valid, has_source
      FROM pg_attribute a WHERE a.attrelid = staging AND a.attnum > 0 AND NOT a.attisdropped;

    src := format('SELECT upper(btrim(s.code::text)) AS code, %s AS payer_id, s.max_units::numeric AS max_units, '
                  'lower(btrim(s.per::text)) AS per, %s AS valid, coalesce(%s, %L) AS source FROM %s AS s',
                  CASE WHEN has_payer THEN 'nullif(btrim(s.payer_id::text), '''')' ELSE 'NULL::text' END,
                  CASE WHEN has_valid THEN 'coalesce(s.valid::daterange, ''(,)'')' ELSE '''(,)''::daterange' END,
                  CASE WHEN has_source THEN 'nullif(btrim(s.source::text), '''')' ELSE 'NULL::text' END,
                  load_unit_limits.source, staging);
    EXECUTE format('CREATE TEMP TABLE j7599_unit_limit_stage ON COMMIT DROP AS %s', src);

    SELECT count(*) INTO n FROM j7599_unit_limit_stage;
    IF n = 0 THEN
        RAISE EXCEPTION 'staging table % holds no limit', staging
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Nothing was changed.',
                  HINT = 'Fill the staging table first (psql: \copy stage FROM ''file.csv'' WITH (FORMAT csv, HEADER)); a \copy that failed leaves it empty.';
    END IF;
    SELECT string_agg(DISTINCT coalesce(s.code, 'NULL'), ', ') INTO bad
      FROM j7599_unit_limit_stage s
     WHERE s.code IS NULL OR s.code !~ '^([A-Z][0-9]{4}|[0-9]{4}[0-9FTU])$'
        OR s.max_units IS NULL OR NOT (s.max_units > 0 AND s.max_units < 9000000000000)
        OR s.per IS NULL OR s.per NOT IN ('line', 'day') OR isempty(s.valid)
        OR (s.payer_id IS NOT NULL AND NOT EXISTS (SELECT FROM j7599.payer p WHERE p.payer_id = s.payer_id));
    IF bad IS NOT NULL THEN
        DROP TABLE j7599_unit_limit_stage;
        RAISE EXCEPTION 'staging table % holds rows that are not unit limits', staging
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Codes: %s. A limit needs a HCPCS or CPT code, max_units > 0, per ''line'' or ''day'', a payer_id that is in j7599.payer (or none) and a non-empty valid range; nothing was changed.', left(bad, 300));
    END IF;
    IF EXISTS (SELECT FROM j7599_unit_limit_stage s WHERE s.source IS NULL) THEN
        DROP TABLE j7599_unit_limit_stage;
        RAISE EXCEPTION 'unit limits need a source'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Nothing was changed.',
                  HINT = 'Give a source column in the staging table, or source => ''CMS MUE file, DME, 2025 Q1''.';
    END IF;
    SELECT string_agg(DISTINCT s.code, ', ') INTO bad
      FROM (SELECT code FROM j7599_unit_limit_stage
             GROUP BY code, payer_id, per, valid HAVING count(*) > 1) AS s;
    IF bad IS NOT NULL THEN
        DROP TABLE j7599_unit_limit_stage;
        RAISE EXCEPTION 'staging table % holds two limits for one code, payer, per and dates', staging
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Codes: %s; nothing was changed.', left(bad, 300));
    END IF;

    SELECT count(*) FILTER (WHERE u.code IS NULL),
           count(*) FILTER (WHERE u.code IS NOT NULL AND (u.max_units, u.source) IS DISTINCT FROM (s.max_units, s.source)),
           count(*) FILTER (WHERE u.code IS NOT NULL AND (u.max_units, u.source) IS NOT DISTINCT FROM (s.max_units, s.source))
      INTO inserted, updated, unchanged
      FROM j7599_unit_limit_stage s
      LEFT JOIN j7599.unit_limit u
        ON u.code = s.code AND u.payer_id IS NOT DISTINCT FROM s.payer_id AND u.per = s.per AND u.valid = s.valid;
    SELECT count(*) INTO not_in_file
      FROM j7599.unit_limit u
     WHERE NOT EXISTS (SELECT FROM j7599_unit_limit_stage s
                        WHERE u.code = s.code AND u.payer_id IS NOT DISTINCT FROM s.payer_id
                          AND u.per = s.per AND u.valid = s.valid);

    UPDATE j7599.unit_limit u SET max_units = s.max_units, source = s.source
      FROM j7599_unit_limit_stage s
     WHERE u.code = s.code AND u.payer_id IS NOT DISTINCT FROM s.payer_id AND u.per = s.per AND u.valid = s.valid
       AND (u.max_units, u.source) IS DISTINCT FROM (s.max_units, s.source);
    INSERT INTO j7599.unit_limit (code, payer_id, max_units, per, valid, source)
    SELECT s.code, s.payer_id, s.max_units, s.per, s.valid, s.source
      FROM j7599_unit_limit_stage s
     WHERE NOT EXISTS (SELECT FROM j7599.unit_limit u
                        WHERE u.code = s.code AND u.payer_id IS NOT DISTINCT FROM s.payer_id
                          AND u.per = s.per AND u.valid = s.valid);
    DROP TABLE j7599_unit_limit_stage;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION j7599.load_unit_limits(regclass, text) IS
'Loads unit limits (code, max_units, per; optional payer_id, valid, source) from a staging table into j7599.unit_limit, replacing the limit of the same code, payer, per and dates; returns the counts. Refuses an empty staging table, rows that are not limits, duplicates and rows without a source (22023); nothing is changed then';
REVOKE ALL ON FUNCTION j7599.load_unit_limits(regclass, text) FROM PUBLIC;
