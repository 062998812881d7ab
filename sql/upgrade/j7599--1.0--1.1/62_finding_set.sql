/*
 * The finding set of audit_summary: a bytea with one bit per (rule,
 * severity), no longer a bigint with room for 32 rules.  The return type
 * changes, so the old signatures go before the generated part creates the
 * new ones; the 1.0 library symbols (j7599_finding_mask, j7599_finding_bits)
 * stay in the library for 1.0 installs.
 */
DROP FUNCTION j7599._finding_mask(text, text, date, numeric, text, text, text[], text, text, integer, date);
DROP FUNCTION j7599._finding_mask(j7599.hcpcs_line, text, date, numeric, text, text, text[], text, text, integer, date);
-- (_finding_bits, with its new symbol, comes with sql/install/42_audit.sql: 45_audit.parts)
