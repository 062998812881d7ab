/*
 * Warehouse loads.
 *
 * Loaders (sql/install/24_reference_load.sql): they refuse an empty staging
 * table and a file that would close more than 10% of the rows in force
 * (allow_mass_close, a new last parameter: the old signatures go), and leave
 * rows the file does not change alone, so that a shipped row stays shipped.
 */
DROP FUNCTION j7599.load_hcpcs_codes(regclass, text, text, date);
DROP FUNCTION j7599.load_place_of_service(regclass, text, date, text);
