-- test/pgtap/settings.sql: j7599.audit_progress is a declared setting, and a
-- misspelt j7599.* setting is an error once the library is loaded.
BEGIN;
SELECT plan(6);

SELECT ok(j7599.is_hcpcs_line('J7599'), 'the library is loaded');
SELECT is((SELECT vartype FROM pg_settings WHERE name = 'j7599.audit_progress'), 'bool',
          'j7599.audit_progress is a boolean setting');
SELECT is(current_setting('j7599.audit_progress'), 'off', 'off by default');
SELECT lives_ok($$SET LOCAL j7599.audit_progress = on$$, 'it can be switched on');
SELECT throws_ok($$SET LOCAL j7599.audit_progress = 'maybe'$$, '22023', NULL, 'a value that is not a boolean is refused');
SELECT throws_ok($$SET LOCAL j7599.audit_progres = on$$, '42602', NULL,
                 'a misspelt j7599.* setting is refused');

SELECT * FROM finish();
ROLLBACK;
