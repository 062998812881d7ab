-- Test-only functions leave the extension (the tests declare them in
-- pg_temp: test/pgtap/lib/test_functions.sql); the library keeps serving them.
DROP FUNCTION j7599._cascade(text, date, text);
DROP FUNCTION j7599._cache_loads();
