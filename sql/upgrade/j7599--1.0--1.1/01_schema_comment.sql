COMMENT ON SCHEMA j7599 IS
'j7599: HCPCS J7599 claim-line types, effective-dated payer policy, validation, enforcement and audits';
