/*
 * The SQL that lists the claim inputs and the policy fields is generated
 * from their declaration (src/claim_inputs.def, src/policy_fields.def;
 * scripts/gen_declared.pl): make appends it to this script, after this part.
 * It re-creates, with CREATE OR REPLACE, every function it writes (policy_for,
 * policy_trace, policy_explain, validate, is_valid, _finding_mask,
 * _column_kind, register, _install_trigger, _call_args), so that they are
 * exactly those of a fresh install.  Version 1.1 adds no input and no field:
 * no signature and no table changes here.
 */
