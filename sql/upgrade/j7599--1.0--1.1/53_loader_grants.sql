-- The loaders' privileges and comments (as in sql/install/29_reference_guard.sql).
REVOKE ALL ON FUNCTION j7599.load_hcpcs_codes(regclass, text, text, date, boolean),
                       j7599.load_place_of_service(regclass, text, date, text, boolean),
                       j7599.staging_check(regclass, text[]),
                       j7599._empty_staging_check(regclass, bigint),
                       j7599._mass_close_check(text, text, bigint, bigint, date, boolean) FROM PUBLIC;

COMMENT ON FUNCTION j7599.load_hcpcs_codes(regclass, text, text, date, boolean) IS
'Loads a newer CMS HCPCS Level II file from a staging table with columns code, long_description, short_description: '
'known codes whose descriptors changed take them with the new version and source (codes the file leaves unchanged keep their row: a shipped row stays shipped), new codes are inserted (is_noc false: set it yourself for new NOC '
'codes), and when effective is given, codes missing from the file stop being valid on that date. Refuses (22023, nothing changed) an empty staging table, '
'and closing more than 10% of the codes in force on effective unless allow_mass_close is true. Returns the counts';

COMMENT ON FUNCTION j7599.load_place_of_service(regclass, text, date, text, boolean) IS
'Loads a newer CMS place-of-service list from a staging table with columns code, name: new codes are inserted (valid '
'from effective), renamed codes updated (unchanged ones keep their row: a shipped row stays shipped), and when effective is given, codes missing from the list stop being valid on that date. '
'Refuses (22023, nothing changed) an empty staging table, and closing more than 10% of the codes in force on effective unless allow_mass_close is true. Returns the counts';

COMMENT ON FUNCTION j7599._empty_staging_check(regclass, bigint) IS
'Internal: raises 22023 when a loader''s staging table holds no code (used by the loaders)';

COMMENT ON FUNCTION j7599._mass_close_check(text, text, bigint, bigint, date, boolean) IS
'Internal: raises 22023 when a load would close more than 10% of the rows in force on its effective date, unless allow_mass_close (used by the loaders)';
