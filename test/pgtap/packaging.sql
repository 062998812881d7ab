-- test/pgtap/packaging.sql: the habits every object of the extension keeps.
-- Each test lists the offenders, so a failure names what to fix.
BEGIN;
SELECT plan(9);

CREATE TEMP VIEW ext_functions AS
SELECT p.oid, p.oid::regprocedure::text AS sig, p.proname, l.lanname, p.prokind, p.proconfig, p.prosrc,
       p.prosqlbody IS NOT NULL AS standard_body, p.prorettype
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'j7599'
JOIN pg_language l ON l.oid = p.prolang;

SELECT is(obj_description('j7599'::regnamespace, 'pg_namespace') IS NOT NULL, true, 'the schema has a comment');

SELECT is(ARRAY(SELECT sig FROM ext_functions WHERE obj_description(oid, 'pg_proc') IS NULL ORDER BY 1),
          '{}'::text[], 'every function of the extension has a comment');

SELECT is(ARRAY(SELECT c.oid::regclass::text FROM pg_class c
                JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
                JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'j7599'
                WHERE c.relkind IN ('r', 'v', 'p') AND obj_description(c.oid, 'pg_class') IS NULL ORDER BY 1),
          '{}'::text[], 'every table and view of the extension has a comment');

-- SQL and PL/pgSQL bodies are parsed when they run, with the caller's path,
-- unless the function pins its own or has an SQL-standard body
SELECT is(ARRAY(SELECT sig FROM ext_functions
                WHERE lanname IN ('sql', 'plpgsql') AND NOT standard_body
                  AND NOT coalesce(proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false)
                ORDER BY 1),
          '{}'::text[], 'every SQL and PL/pgSQL function pins search_path = pg_catalog, pg_temp or has a standard body');

SELECT is(ARRAY(SELECT sig FROM ext_functions
                WHERE prorettype NOT IN ('trigger'::regtype, 'event_trigger'::regtype)
                  AND proname NOT LIKE '\_%' ESCAPE '\' AND prokind = 'f'
                  AND NOT has_function_privilege('public', oid, 'EXECUTE')
                  AND sig NOT LIKE 'j7599.load\_%' AND sig NOT LIKE 'j7599.staging\_check%'
                ORDER BY 1),
          '{}'::text[], 'every public function but the loaders is executable by PUBLIC');

-- Internal functions stay executable by PUBLIC only where a public function,
-- running as its caller, calls them: this list is that decision, written down.
SELECT is(ARRAY(SELECT proname FROM ext_functions
                WHERE proname LIKE '\_%' ESCAPE '\'
                  AND prorettype NOT IN ('trigger'::regtype, 'event_trigger'::regtype)
                  AND has_function_privilege('public', oid, 'EXECUTE')
                GROUP BY proname ORDER BY 1),
          ARRAY['_audit_catalogue', '_audit_next_run_id', '_audit_progress', '_audit_progress_on', '_audit_sliced', '_audit_slices', '_audit_version', '_call_args', '_check_severity',
                '_claim_args', '_claim_key_sql', '_claim_registration', '_claims_place_triggers', '_claims_root', '_claims_trigger_tables',
                '_column_kind', '_drop_enforcement', '_enforce_trigger_args', '_enforced_severity', '_enforcing_ancestor',
                '_finding_bits', '_finding_mask', '_finding_tally', '_install_trigger', '_key_text', '_legacy_date', '_legacy_number', '_line_or_null',
                '_place_quarantine_notice', '_place_trigger', '_quarantine_last_id', '_quarantine_partitions',
                '_quarantine_quiet',
                '_refuse_if_enforced_by_parent', '_registration', '_report_axis', '_report_bars', '_report_cells', '_report_color',
                '_report_columns', '_report_esc', '_report_groups', '_report_lines', '_report_num',
                '_report_section', '_report_table', '_report_tally', '_require_owner', '_row_findings', '_row_key',
                '_slice_where', '_unrouted_partition']::name[],
          'the internal functions executable by PUBLIC are exactly those the public functions call as the caller');

SELECT is(ARRAY(SELECT sig FROM ext_functions
                WHERE prosrc IN ('j7599_cascade', 'j7599_cache_loads') ORDER BY 1),
          '{}'::text[], 'test-only functions of the library are not part of the extension');

SELECT ok(j7599.is_hcpcs_line('J7599'), 'the library is loaded');
SELECT is(ARRAY(SELECT name FROM pg_settings WHERE name LIKE 'j7599.%' ORDER BY 1),
          ARRAY['j7599.audit_progress'], 'the settings of the extension are declared');

SELECT * FROM finish();
ROLLBACK;
