/*
 * Reference data and payer policy: the tables.
 *
 * Every table carries `shipped`: true for the rows CREATE EXTENSION loads and
 * that nobody has changed since.  pg_dump saves exactly the rows with
 * `NOT shipped` (see 29_reference_guard.sql), so user rows and user edits of
 * shipped rows survive a dump and restore, and untouched shipped rows are not
 * dumped twice.
 *
 * NULL in a policy field means "unknown", never "no".
 */

CREATE FUNCTION j7599.payer_key(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN lower(regexp_replace(name, '[^A-Za-z0-9]+', '', 'g'));
COMMENT ON FUNCTION j7599.payer_key(text) IS
'The matching key of a payer name or alias: ASCII letters and digits only, lower case ("Blue Cross Blue Shield" and "BLUECROSS-BLUESHIELD" share one key)';

CREATE FUNCTION j7599.payer_pattern_valid(pattern text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM '' ~* payer_pattern_valid.pattern;
    RETURN true;
EXCEPTION WHEN invalid_regular_expression THEN
    RAISE EXCEPTION USING
        ERRCODE = 'invalid_regular_expression',
        MESSAGE = SQLERRM,
        DETAIL = format('The payer alias pattern is %s.', quote_literal(payer_pattern_valid.pattern)),
        HINT = 'Write a POSIX regular expression, matched case-insensitively against the payer text as written '
               '(e.g. ''^blue\s*shield\s+of\y''), or give the alias match ''exact'' or ''prefix''.';
END
$$;
COMMENT ON FUNCTION j7599.payer_pattern_valid(text) IS
'True when the text is a valid POSIX regular expression for a payer alias with match ''pattern''; otherwise raises 2201B with the reason (the check of j7599.payer_alias)';

CREATE TABLE j7599.hcpcs_code (
    code              text PRIMARY KEY CHECK (code ~ '^[A-Z][0-9]{4}$'),
    long_description  text NOT NULL CHECK (long_description <> ''),
    short_description text,
    is_noc            boolean NOT NULL DEFAULT false,
    valid             daterange NOT NULL DEFAULT '(,)' CHECK (NOT isempty(valid)),
    code_set          text NOT NULL DEFAULT 'CMS HCPCS Level II',
    code_set_version  text NOT NULL,
    source            text NOT NULL,
    shipped           boolean NOT NULL DEFAULT false,
    replaced_by       text CHECK (replaced_by ~ '^[A-Z][0-9]{4}$'),
    confidence        text NOT NULL DEFAULT 'confirmed' CHECK (confidence IN ('confirmed', 'secondary', 'assumed'))
);

CREATE TABLE j7599.modifier (
    modifier          text PRIMARY KEY CHECK (modifier ~ '^[0-9A-Z]{2}$'),
    description       text NOT NULL CHECK (description <> ''),
    category          text NOT NULL CHECK (category IN
                        ('pricing', 'payment', 'waste', '340b', 'ncci_bypass', 'anatomic', 'route',
                         'informational', 'procedure', 'therapy', 'ambulance', 'dme', 'quality', 'other')),
    drug_line         text NOT NULL CHECK (drug_line IN
                        ('expected', 'allowed', 'procedure_only', 'needs_documentation')),
    valid             daterange NOT NULL DEFAULT '(,)' CHECK (NOT isempty(valid)),
    code_set          text NOT NULL,
    code_set_version  text NOT NULL,
    source            text NOT NULL,
    confidence        text NOT NULL DEFAULT 'confirmed' CHECK (confidence IN ('confirmed', 'secondary', 'assumed')),
    shipped           boolean NOT NULL DEFAULT false
);

CREATE TABLE j7599.modifier_conflict (
    modifier_a  text NOT NULL REFERENCES j7599.modifier ON UPDATE CASCADE,
    modifier_b  text NOT NULL REFERENCES j7599.modifier ON UPDATE CASCADE,
    reason      text NOT NULL CHECK (reason <> ''),
    source      text NOT NULL,
    confidence  text NOT NULL CHECK (confidence IN ('confirmed', 'secondary', 'assumed')),
    shipped     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (modifier_a, modifier_b),
    CHECK (modifier_a < modifier_b)
);

CREATE TABLE j7599.place_of_service (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
    name        text NOT NULL CHECK (name <> ''),
    valid       daterange NOT NULL DEFAULT '(,)' CHECK (NOT isempty(valid)),
    source      text NOT NULL,
    confidence  text NOT NULL CHECK (confidence IN ('confirmed', 'secondary', 'assumed')),
    shipped     boolean NOT NULL DEFAULT false
);

CREATE TABLE j7599.drug_code (
    drug        text NOT NULL CHECK (drug ~ '^[a-z0-9]+([ -][a-z0-9]+)*$'),
    code        text NOT NULL CHECK (code ~ '^[A-Z][0-9]{4}$'),
    name_kind   text NOT NULL CHECK (name_kind IN ('generic', 'brand')),
    route       text CHECK (route IN ('oral', 'parenteral')),
    source      text NOT NULL,
    confidence  text NOT NULL CHECK (confidence IN ('confirmed', 'secondary', 'assumed')),
    shipped     boolean NOT NULL DEFAULT false,
    valid       daterange NOT NULL DEFAULT '(,)' CHECK (NOT isempty(valid)),
    form        text NOT NULL DEFAULT 'any' CHECK (form IN ('oral', 'oral suspension', 'granules', 'injection', 'any')),
    PRIMARY KEY (drug, code)
);

CREATE TABLE j7599.payer (
    payer_id    text PRIMARY KEY CHECK (payer_id ~ '^[a-z][a-z0-9_]*$'),
    name        text NOT NULL CHECK (name <> ''),
    is_group    boolean NOT NULL DEFAULT false,
    parent_id   text REFERENCES j7599.payer ON UPDATE CASCADE,
    source      text NOT NULL,
    shipped     boolean NOT NULL DEFAULT false,
    CHECK (parent_id IS DISTINCT FROM payer_id)
);

-- A payer alias matches in one of three ways (match): 'exact' and 'prefix'
-- on the payer_key of the text, 'pattern' as a POSIX regular expression on
-- the text as written, case-insensitively.  A pattern is checked when the
-- row is written, so a bad one never reaches payer resolution.
CREATE TABLE j7599.payer_alias (
    alias       text PRIMARY KEY CHECK (j7599.payer_key(alias) <> ''),
    payer_id    text NOT NULL REFERENCES j7599.payer ON UPDATE CASCADE ON DELETE CASCADE,
    source      text NOT NULL,
    shipped     boolean NOT NULL DEFAULT false,
    match       text NOT NULL DEFAULT 'exact' CHECK (match IN ('exact', 'prefix', 'pattern')),
    priority    int,
    CONSTRAINT payer_alias_pattern_check CHECK (match <> 'pattern' OR j7599.payer_pattern_valid(alias))
);
-- one exact alias per key, one prefix per key (patterns: one per text)
CREATE UNIQUE INDEX payer_alias_key ON j7599.payer_alias (j7599.payer_key(alias), match) WHERE match <> 'pattern';

-- j7599.policy, whose fields are declared in src/policy_fields.def, is created
-- by the generated part 20_reference_tables_gen.sql (scripts/gen_declared.pl).

-- Which specific code a package NDC is billed under (the CMS ASP NDC-HCPCS
-- crosswalk, one quarter per file).  Rows of one NDC and code do not overlap
-- in time: the loader extends a row the next quarter repeats.
CREATE TABLE j7599.ndc_code (
    ndc           j7599.ndc NOT NULL,
    code          text NOT NULL CHECK (code ~ '^([A-Z][0-9]{4}|[0-9]{4}[0-9FTU])$'),
    drug_name     text,
    hcpcs_dosage  text,
    valid         daterange NOT NULL CHECK (NOT isempty(valid)),
    source        text NOT NULL CHECK (source <> ''),
    shipped       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (ndc, code, valid)
);
CREATE INDEX ndc_code_code ON j7599.ndc_code (code);
