/*
 * Guarding the reference tables: what pg_dump saves, how a user's edit of a
 * shipped row survives a dump and restore, who may read and write, and the
 * comments that make \d+ explain every table.
 *
 * The rule: `shipped` is true exactly for rows that CREATE EXTENSION loaded
 * and nobody has changed since.
 *   - pg_dump saves the rows WHERE NOT shipped (pg_extension_config_dump).
 *   - An UPDATE that changes a shipped row makes it a user row (shipped = false).
 *   - Every INSERT is a user row.  An inserted row with the key of a row that
 *     is still shipped replaces that row.  This is how a restore brings back a
 *     user's edit: CREATE EXTENSION loads the shipped row again, then the
 *     dump's copy of the edited row arrives and takes its place.
 *   - A policy row replaces only the shipped row with the same policy_id; a
 *     user row that overlaps shipped rows of the same payer and code is
 *     refused by the exclusion constraint (23P01): change the shipped row's
 *     `valid` first.
 * These triggers are created after the shipped rows are loaded, so they do
 * not see them.  An upgrade script that changes shipped rows must disable
 * them by name around its changes (ALTER TABLE ... DISABLE TRIGGER
 * reference_row_inserted, reference_row_updated), not with TRIGGER USER:
 * ENABLE TRIGGER USER would turn the cache triggers (ENABLE ALWAYS/REPLICA)
 * back into ordinary ones.
 */

SELECT pg_catalog.pg_extension_config_dump('j7599.hcpcs_code', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('j7599.modifier', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('j7599.modifier_conflict', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('j7599.place_of_service', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('j7599.drug_code', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('j7599.payer', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('j7599.payer_alias', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('j7599.policy', 'WHERE NOT shipped');
-- (ndc_code is registered in 90_code_sets.sql, after the other parts' registrations)

-- BEFORE UPDATE: a changed shipped row becomes a user row.
CREATE FUNCTION j7599.reference_row_updated() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.shipped AND NOT OLD.shipped THEN
        RAISE EXCEPTION 'a row of %.% cannot be marked shipped', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'shipped = true means "loaded by CREATE EXTENSION and unchanged"; pg_dump skips such rows.';
    END IF;
    IF OLD.shipped AND NEW.shipped
       AND (to_jsonb(NEW) - 'shipped') IS DISTINCT FROM (to_jsonb(OLD) - 'shipped') THEN
        NEW.shipped := false;
    END IF;
    RETURN NEW;
END
$$;

-- BEFORE INSERT: every inserted row is a user row; one with the key of a
-- still-shipped row replaces it.  TG_ARGV names the key columns.
CREATE FUNCTION j7599.reference_row_inserted() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cols text;
    vals text;
    cond text;
    n bigint;
BEGIN
    NEW.shipped := false;
    SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum),
           string_agg(format('($1).%I', a.attname), ', ' ORDER BY a.attnum)
      INTO cols, vals
      FROM pg_catalog.pg_attribute AS a
     WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';
    SELECT string_agg(format('t.%I = ($1).%I', k, k), ' AND ')
      INTO cond
      FROM unnest(TG_ARGV) AS k;
    EXECUTE format('UPDATE %I.%I AS t SET (%s) = ROW(%s) WHERE %s AND t.shipped',
                   TG_TABLE_SCHEMA, TG_TABLE_NAME, cols, vals, cond)
        USING NEW;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 0 THEN
        RETURN NULL;    -- the shipped row now holds the new values
    END IF;
    RETURN NEW;
END
$$;

-- BEFORE INSERT on ndc_code: the key holds an ndc, whose = is the
-- extension's operator (reference_row_inserted compares with the bare =).
CREATE FUNCTION j7599.crosswalk_row_inserted() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n bigint;
BEGIN
    NEW.shipped := false;
    UPDATE j7599.ndc_code AS t
       SET ndc = NEW.ndc, code = NEW.code, drug_name = NEW.drug_name, hcpcs_dosage = NEW.hcpcs_dosage,
           valid = NEW.valid, source = NEW.source, shipped = false
     WHERE t.ndc OPERATOR(j7599.=) NEW.ndc AND t.code = NEW.code AND t.valid = NEW.valid AND t.shipped;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 0 THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER reference_row_updated BEFORE UPDATE ON j7599.hcpcs_code
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_updated();
CREATE TRIGGER reference_row_updated BEFORE UPDATE ON j7599.modifier
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_updated();
CREATE TRIGGER reference_row_updated BEFORE UPDATE ON j7599.modifier_conflict
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_updated();
CREATE TRIGGER reference_row_updated BEFORE UPDATE ON j7599.place_of_service
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_updated();
CREATE TRIGGER reference_row_updated BEFORE UPDATE ON j7599.drug_code
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_updated();
CREATE TRIGGER reference_row_updated BEFORE UPDATE ON j7599.payer
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_updated();
CREATE TRIGGER reference_row_updated BEFORE UPDATE ON j7599.payer_alias
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_updated();
CREATE TRIGGER reference_row_updated BEFORE UPDATE ON j7599.policy
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_updated();
CREATE TRIGGER reference_row_updated BEFORE UPDATE ON j7599.ndc_code
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_updated();

CREATE TRIGGER reference_row_inserted BEFORE INSERT ON j7599.hcpcs_code
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_inserted('code');
CREATE TRIGGER reference_row_inserted BEFORE INSERT ON j7599.modifier
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_inserted('modifier');
CREATE TRIGGER reference_row_inserted BEFORE INSERT ON j7599.modifier_conflict
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_inserted('modifier_a', 'modifier_b');
CREATE TRIGGER reference_row_inserted BEFORE INSERT ON j7599.place_of_service
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_inserted('code');
CREATE TRIGGER reference_row_inserted BEFORE INSERT ON j7599.drug_code
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_inserted('drug', 'code');
CREATE TRIGGER reference_row_inserted BEFORE INSERT ON j7599.payer
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_inserted('payer_id');
CREATE TRIGGER reference_row_inserted BEFORE INSERT ON j7599.payer_alias
    FOR EACH ROW EXECUTE FUNCTION j7599.payer_alias_inserted();
CREATE TRIGGER reference_row_inserted BEFORE INSERT ON j7599.policy
    FOR EACH ROW EXECUTE FUNCTION j7599.reference_row_inserted('policy_id');
CREATE TRIGGER reference_row_inserted BEFORE INSERT ON j7599.ndc_code
    FOR EACH ROW EXECUTE FUNCTION j7599.crosswalk_row_inserted();

-- Everyone reads; only the owner writes.  Reading needs the schema too.
GRANT USAGE ON SCHEMA j7599 TO PUBLIC;
REVOKE ALL ON TABLE j7599.hcpcs_code, j7599.modifier, j7599.modifier_conflict, j7599.place_of_service,
                    j7599.drug_code, j7599.payer, j7599.payer_alias, j7599.policy FROM PUBLIC;
GRANT SELECT ON TABLE j7599.hcpcs_code, j7599.modifier, j7599.modifier_conflict, j7599.place_of_service,
                      j7599.drug_code, j7599.payer, j7599.payer_alias, j7599.policy TO PUBLIC;
REVOKE ALL ON TABLE j7599.ndc_code FROM PUBLIC;
GRANT SELECT ON TABLE j7599.ndc_code TO PUBLIC;
-- The loaders write the tables with the caller's privileges; they are not for everyone.
REVOKE ALL ON FUNCTION j7599.load_hcpcs_codes(regclass, text, text, date, boolean),
                       j7599.load_place_of_service(regclass, text, date, text, boolean),
                       j7599.staging_check(regclass, text[]),
                       j7599._empty_staging_check(regclass, bigint),
                       j7599._mass_close_check(text, text, bigint, bigint, date, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION j7599.load_modifiers(regclass, text, date, boolean),
                       j7599.load_ndc_crosswalk(regclass, text, daterange, boolean),
                       j7599._crosswalk_ndc(text) FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Comments

COMMENT ON TABLE j7599.hcpcs_code IS
'HCPCS Level II codes with descriptors, NOC flag, validity and replacement. Shipped: the 6,710 codes of the CMS 2020 '
'annual file (as republished by wamuir/hcpcs), the 378 more that CMS priced in October 2025 (J7521, J7519, J1010, '
'J2919, ...: in force by 2025-10-01) and J7514, J7528. The files have no add, effective or termination dates, so a '
'shipped code is valid ''(,)'' unless a source dates it (J7506: deleted 2016-01-01, replaced by J7512). Load a newer '
'file with load_hcpcs_codes()';
COMMENT ON COLUMN j7599.hcpcs_code.code IS 'HCPCS Level II code: a letter and four digits';
COMMENT ON COLUMN j7599.hcpcs_code.long_description IS 'CMS long descriptor (the 2020 file lower-cases it after the first word)';
COMMENT ON COLUMN j7599.hcpcs_code.short_description IS 'CMS short descriptor (28 characters at most)';
COMMENT ON COLUMN j7599.hcpcs_code.is_noc IS 'true for a not-otherwise-classified drug code (J7599, J3490, ...): the J7599 rules apply to it';
COMMENT ON COLUMN j7599.hcpcs_code.valid IS 'dates the code is in force; ''(,)'' when the source gives no dates';
COMMENT ON COLUMN j7599.hcpcs_code.code_set IS 'the code set, ''CMS HCPCS Level II''';
COMMENT ON COLUMN j7599.hcpcs_code.code_set_version IS 'the version of the file the row comes from (''2020'' for shipped rows)';
COMMENT ON COLUMN j7599.hcpcs_code.source IS 'the document the row comes from';
COMMENT ON COLUMN j7599.hcpcs_code.shipped IS 'true: loaded by CREATE EXTENSION and unchanged since (not dumped); false: added or changed by a user (dumped)';
COMMENT ON COLUMN j7599.hcpcs_code.replaced_by IS 'for a deleted code, the code that replaced it, where known (J7506 -> J7512)';
COMMENT ON COLUMN j7599.hcpcs_code.confidence IS 'confidence in the row''s dates and replacement (the code and its descriptor come from the named file): confirmed, secondary or assumed';

COMMENT ON TABLE j7599.modifier IS
'Every known modifier: the 369 HCPCS Level II modifiers of the CMS 2020 file, those added since where a source was read '
'(FS, FT, JZ), the ambulance origin/destination pairs and the CPT modifiers seen on claims (with short descriptions '
'written for j7599: CPT descriptors belong to the AMA), each with its dates, a category and its behaviour on a drug '
'line. Load a newer national list with load_modifiers()';
COMMENT ON COLUMN j7599.modifier.modifier IS 'two letters or digits';
COMMENT ON COLUMN j7599.modifier.description IS 'CMS descriptor for Level II modifiers; a short description of our own for CPT modifiers';
COMMENT ON COLUMN j7599.modifier.category IS 'pricing, payment, waste, 340b, ncci_bypass, anatomic, route, informational, procedure, therapy, ambulance, dme, quality or other';
COMMENT ON COLUMN j7599.modifier.drug_line IS
'on a drug line the modifier is expected (JW, JZ, KX, JG, TB), allowed, procedure_only (rule MODIFIER_NOT_FOR_DRUG) '
'or needs_documentation (22: rule MODIFIER_NEEDS_DOCUMENTATION)';
COMMENT ON COLUMN j7599.modifier.valid IS 'dates the modifier is in force; ''(,)'' when the source gives no dates';
COMMENT ON COLUMN j7599.modifier.code_set IS '''CMS HCPCS Level II'', ''CMS ambulance origin/destination'' or ''CPT''';
COMMENT ON COLUMN j7599.modifier.code_set_version IS 'the version of the code set the row comes from';
COMMENT ON COLUMN j7599.modifier.source IS 'where the modifier and its drug_line come from';
COMMENT ON COLUMN j7599.modifier.confidence IS 'the weakest of the row''s claims (the modifier''s meaning, its drug_line): confirmed, secondary or assumed';
COMMENT ON COLUMN j7599.modifier.shipped IS 'true: loaded by CREATE EXTENSION and unchanged since (not dumped); false: added or changed by a user (dumped)';

COMMENT ON TABLE j7599.modifier_conflict IS 'Pairs of modifiers that may not stand on one line (rule MODIFIER_CONFLICT), with the reason';
COMMENT ON COLUMN j7599.modifier_conflict.modifier_a IS 'the first modifier of the pair (modifier_a < modifier_b)';
COMMENT ON COLUMN j7599.modifier_conflict.modifier_b IS 'the second modifier of the pair';
COMMENT ON COLUMN j7599.modifier_conflict.reason IS 'why the two do not go together, in words for a biller';
COMMENT ON COLUMN j7599.modifier_conflict.source IS 'the document that says so';
COMMENT ON COLUMN j7599.modifier_conflict.confidence IS 'confirmed, secondary or assumed';
COMMENT ON COLUMN j7599.modifier_conflict.shipped IS 'true: loaded by CREATE EXTENSION and unchanged since (not dumped); false: added or changed by a user (dumped)';

COMMENT ON TABLE j7599.place_of_service IS 'CMS place-of-service codes (52 shipped) with the date each came into force where a source gives it; every other two-digit number is unassigned';
COMMENT ON COLUMN j7599.place_of_service.code IS 'two digits';
COMMENT ON COLUMN j7599.place_of_service.name IS 'the CMS name';
COMMENT ON COLUMN j7599.place_of_service.valid IS 'dates the code is in force; open to the past when no source gave the start';
COMMENT ON COLUMN j7599.place_of_service.source IS 'the code set copy and the change request that introduced the code';
COMMENT ON COLUMN j7599.place_of_service.confidence IS 'confidence in the start date (or in the code itself when there is none)';
COMMENT ON COLUMN j7599.place_of_service.shipped IS 'true: loaded by CREATE EXTENSION and unchanged since (not dumped); false: added or changed by a user (dumped)';

COMMENT ON TABLE j7599.drug_code IS
'Drug names, generic and brand, that have their own HCPCS code: a J7599 line whose narrative names one should use that '
'code (rule SPECIFIC_CODE_EXISTS). One row per name and code';
COMMENT ON COLUMN j7599.drug_code.drug IS 'the name in lower case words, as it may appear in a narrative (''tacrolimus'', ''envarsus xr'')';
COMMENT ON COLUMN j7599.drug_code.code IS 'the HCPCS code of the drug (one of several when the drug has one per form or strength)';
COMMENT ON COLUMN j7599.drug_code.name_kind IS 'generic or brand';
COMMENT ON COLUMN j7599.drug_code.route IS 'oral or parenteral: the route of the code, where codes differ by route';
COMMENT ON COLUMN j7599.drug_code.source IS 'the code''s descriptor and where the name comes from';
COMMENT ON COLUMN j7599.drug_code.confidence IS 'confirmed when the descriptor names the drug; assumed for brand names and spellings not checked against a source';
COMMENT ON COLUMN j7599.drug_code.shipped IS 'true: loaded by CREATE EXTENSION and unchanged since (not dumped); false: added or changed by a user (dumped)';
COMMENT ON COLUMN j7599.drug_code.valid IS 'dates the name is billed under the code; a deleted code (J7506) has no row';
COMMENT ON COLUMN j7599.drug_code.form IS 'the dosage form the code covers: oral, oral suspension, granules, injection or any; a narrative naming an injection is not sent to an oral code';

COMMENT ON TABLE j7599.ndc_code IS
'Which specific code a package NDC is billed under: the CMS ASP NDC-HCPCS crosswalk, one row per NDC, code and run '
'of quarters. Shipped: the October 2025 file (valid 2025-10-01 to 2025-12-31), NDCs only: the alternate ids CMS '
'puts in the NDC column (UPC/GTIN, catalogue numbers) are left out. Load the next quarter with load_ndc_crosswalk()';
COMMENT ON COLUMN j7599.ndc_code.ndc IS 'the package NDC';
COMMENT ON COLUMN j7599.ndc_code.code IS 'the HCPCS (or CPT) code CMS bills it under';
COMMENT ON COLUMN j7599.ndc_code.drug_name IS 'the drug name as the crosswalk writes it';
COMMENT ON COLUMN j7599.ndc_code.hcpcs_dosage IS 'the amount of one unit of the code (''1 MG'', ''0.1 MG'')';
COMMENT ON COLUMN j7599.ndc_code.valid IS 'the quarters of the crosswalk files that list the pair';
COMMENT ON COLUMN j7599.ndc_code.source IS 'the crosswalk files the row comes from';
COMMENT ON COLUMN j7599.ndc_code.shipped IS 'true: loaded by CREATE EXTENSION and unchanged since (not dumped); false: added or changed by a user (dumped)';

COMMENT ON TABLE j7599.payer IS 'Payers and payer groups. parent_id makes the policy cascade; ''default'' is consulted last for every payer';
COMMENT ON COLUMN j7599.payer.payer_id IS 'short id: lower-case letters, digits and _';
COMMENT ON COLUMN j7599.payer.name IS 'the payer''s name';
COMMENT ON COLUMN j7599.payer.is_group IS 'true for a group of payers (buca, default) rather than one payer';
COMMENT ON COLUMN j7599.payer.parent_id IS 'the payer or group whose policy fills the fields this payer leaves unknown';
COMMENT ON COLUMN j7599.payer.source IS 'why the payer is here';
COMMENT ON COLUMN j7599.payer.shipped IS 'true: loaded by CREATE EXTENSION and unchanged since (not dumped); false: added or changed by a user (dumped)';

COMMENT ON TABLE j7599.payer_alias IS 'Free-text payer names as they appear in claim warehouses: exact names and prefixes matched through j7599.payer_key() (letters and digits, case-insensitive), patterns as POSIX regular expressions on the text as written (case-insensitive); an exact alias wins over any prefix or pattern';
COMMENT ON COLUMN j7599.payer_alias.alias IS 'the name, prefix or regular expression; one exact alias and one prefix per payer_key';
COMMENT ON COLUMN j7599.payer_alias.payer_id IS 'the payer the name stands for';
COMMENT ON COLUMN j7599.payer_alias.source IS 'why the name maps to that payer';
COMMENT ON COLUMN j7599.payer_alias.shipped IS 'true: loaded by CREATE EXTENSION and unchanged since (not dumped); false: added or changed by a user (dumped)';
COMMENT ON COLUMN j7599.payer_alias.match IS 'exact: the text''s payer_key equals the alias''s; prefix: the text''s payer_key starts with the alias''s; pattern: the alias is a POSIX regular expression the text as written matches, case-insensitively (checked when written)';
COMMENT ON COLUMN j7599.payer_alias.priority IS 'among prefixes and patterns that match, the lowest number wins (NULL after every number, then by alias); exact aliases win over all of them';

COMMENT ON TABLE j7599.policy IS
'Effective-dated payer policy for a code. NULL in a field means unknown, never no. Resolved field by field along the '
'payer''s parents, then ''default'', by j7599.policy_for() and j7599.policy_explain()';
COMMENT ON COLUMN j7599.policy.policy_id IS 'readable id (''medicare-j7599-90day''); a random uuid when not given';
COMMENT ON COLUMN j7599.policy.payer_id IS 'the payer or payer group';
COMMENT ON COLUMN j7599.policy.code IS 'the code it governs (J7599 for every shipped row)';
COMMENT ON COLUMN j7599.policy.valid IS 'when it is in force; ranges of one payer and code never overlap';
-- (the comments of the policy fields are declared with them: src/policy_fields.def)
COMMENT ON COLUMN j7599.policy.source IS 'the documents the row comes from';
COMMENT ON COLUMN j7599.policy.confidence IS 'confirmed, secondary or assumed: applies to every field not named in field_confidence';
COMMENT ON COLUMN j7599.policy.field_confidence IS 'per-field confidence where it differs from the row''s, e.g. {"dx_required": "assumed"}';
COMMENT ON COLUMN j7599.policy.note IS 'caveats: what the sources leave open';
COMMENT ON COLUMN j7599.policy.shipped IS 'true: loaded by CREATE EXTENSION and unchanged since (not dumped); false: added or changed by a user (dumped)';

COMMENT ON FUNCTION j7599.payer_chain(text) IS
'The payers whose policies are consulted for a payer, nearest first: the payer, its parents, and ''default'' last (cycles and chains deeper than 32 are cut)';
COMMENT ON FUNCTION j7599.payer_chain_ids(text) IS
'The chain of a payer id as an array: the payer, its parents, ''default'' last (empty for an unknown id)';
COMMENT ON FUNCTION j7599.policy_trace(text, date, text) IS
'Every field of every policy row in force on the date along the payer''s chain, nearest payer first: the raw material of policy_for and policy_explain';
COMMENT ON FUNCTION j7599.policy_for(text, date, text) IS
'The policy in force for a payer (id or alias), date and code, resolved field by field (first non-NULL value along '
'the payer, its parents, then default). policy_id lists the contributing rows, valid is the intersection of the rows '
'consulted, source names each contributing payer''s source, confidence is the weakest of the resolved fields, '
'field_confidence gives each field''s, note says where each field came from. NULL for an unknown payer or when no field resolves';
COMMENT ON FUNCTION j7599.policy_explain(text, date, text) IS
'One row per policy field: the resolved value (NULL when unknown), the payer it came from, that row''s source and the '
'field''s confidence. No rows for an unknown payer';
COMMENT ON FUNCTION j7599.staging_check(regclass, text[]) IS 'Raises 42703 unless the staging table has every named column (used by the loaders)';
COMMENT ON FUNCTION j7599.load_hcpcs_codes(regclass, text, text, date, boolean) IS
'Loads a newer CMS HCPCS Level II file from a staging table with columns code, long_description, short_description: '
'known codes whose descriptors changed take them with the new version and source (codes the file leaves unchanged keep their row: a shipped row stays shipped), new codes are inserted (is_noc false: set it yourself for new NOC '
'codes), and when effective is given, codes missing from the file stop being valid on that date. Refuses (22023, nothing changed) an empty staging table, '
'and closing more than 10% of the codes in force on effective unless allow_mass_close is true. Returns the counts';
COMMENT ON FUNCTION j7599.load_place_of_service(regclass, text, date, text, boolean) IS
'Loads a newer CMS place-of-service list from a staging table with columns code, name: new codes are inserted (valid '
'from effective), renamed codes updated (unchanged ones keep their row: a shipped row stays shipped), and when effective is given, codes missing from the list stop being valid on that date. '
'Refuses (22023, nothing changed) an empty staging table, and closing more than 10% of the codes in force on effective unless allow_mass_close is true. Returns the counts';
COMMENT ON FUNCTION j7599.load_modifiers(regclass, text, date, boolean) IS
'Loads a newer national modifier list from a staging table with columns modifier, description: new modifiers are '
'inserted (category other, drug_line allowed, valid from effective), changed descriptions updated (unchanged ones keep '
'their row: a shipped row stays shipped), and when effective is given, Level II modifiers missing from the list stop '
'being valid on that date (CPT modifiers and the ambulance pairs are not in that list and are left alone). Refuses '
'(22023, nothing changed) an empty staging table, and closing more than 10% of the Level II modifiers in force on '
'effective unless allow_mass_close is true. Returns the counts';
COMMENT ON FUNCTION j7599.load_ndc_crosswalk(regclass, text, daterange, boolean) IS
'Loads one quarter of the CMS ASP NDC-HCPCS crosswalk from a staging table with the file''s columns hcpcs, ndc2, '
'drug_name, hcpcs_dosage, valid for the given range: a pair the file repeats unchanged extends its row, a changed '
'pair gets a row of its own, new pairs are inserted, a pair the file lacks whose row runs past the range''s first day '
'ends there. Values of ndc2 that are not 5-4-2 NDCs (UPC/GTIN and other alternate ids) are left out and counted. '
'Refuses (22023, nothing changed) a staging table with no NDC, and a file lacking more than 10% of the pairs in force '
'on the first day or the day before unless allow_mass_close is true. Returns the counts';
COMMENT ON FUNCTION j7599._crosswalk_ndc(text) IS
'Internal: true when a value of the crosswalk''s NDC column is an NDC (5-4-2 with hyphens, accepted by the ndc type), false for an alternate id';
COMMENT ON FUNCTION j7599.crosswalk_row_inserted() IS
'Trigger: an inserted crosswalk row is a user row; one with the NDC, code and range of a still-shipped row replaces that row';
COMMENT ON FUNCTION j7599._empty_staging_check(regclass, bigint) IS
'Internal: raises 22023 when a loader''s staging table holds no code (used by the loaders)';
COMMENT ON FUNCTION j7599._mass_close_check(text, text, bigint, bigint, date, boolean) IS
'Internal: raises 22023 when a load would close more than 10% of the rows in force on its effective date, unless allow_mass_close (used by the loaders)';
COMMENT ON FUNCTION j7599.reference_row_updated() IS 'Trigger: an UPDATE that changes a shipped reference row makes it a user row (shipped = false)';
COMMENT ON FUNCTION j7599.reference_row_inserted() IS
'Trigger: an inserted reference row is a user row; one with the key (trigger arguments) of a still-shipped row replaces that row';
