/* j7599: HCPCS J7599 claim-line types, payer policy and validation */

-- complain if the script is sourced in psql rather than by CREATE EXTENSION
\echo Use "CREATE EXTENSION j7599" to load this file. \quit

COMMENT ON SCHEMA j7599 IS
'j7599: HCPCS J7599 claim-line types, effective-dated payer policy, validation, enforcement and audits';
