/*
 * Quarantine instead of abort: j7599.enforce gains on_refusal (42_enforce.parts
 * created the three-argument function from 41_enforce.sql); the function of
 * version 1.0, with two arguments, goes.
 */
DROP FUNCTION j7599.enforce(regclass, text);
