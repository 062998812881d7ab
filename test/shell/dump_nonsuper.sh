#!/usr/bin/env bash
# test/shell/dump_nonsuper.sh: the owner of a database, not a superuser, can
# pg_dump it with j7599 installed (by a superuser) and its own tables
# registered and enforced, with --enable-row-security as its only flag (the
# quarantined rows of j7599.quarantine are kept from roles that do not own
# their tables by row-level security; the dump holds the role's own); the
# dump restores, by a
# superuser into a new database, and by that owner into a database of its own
# where a superuser has installed the extension: the registrations and the
# audit history come back, the tables are enforced again.  (pg_dump sets row_security = off and stops
# at a table whose row-level security would hide rows from it.)
# Prints TAP.  Needs a running server with j7599 installed: PGHOST, PGPORT and
# PGUSER (a superuser) point at it, as scripts/test.sh sets them.
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
ROLE=j7599_nsdump_$$
SRC=j7599_nsdump_src_$$
DST=j7599_nsdump_dst_$$
OWN=j7599_nsdump_own_$$
WORK=$(mktemp -d /tmp/j7599-nsdump.XXXXXX)

# pg_dump may print nothing else than these lines (extended regular
# expressions): the self-reference of j7599.payer, as in enforce_dump.sh.
HARMLESS_DUMP_LINES='^pg_dump: warning: there are circular foreign-key constraints on this table:$
^pg_dump: detail: payer$
^pg_dump: hint: You might not be able to restore the dump without using --disable-triggers or temporarily dropping the constraints\.$
^pg_dump: hint: Consider using a full dump instead of a --data-only dump to avoid this problem\.$'

. "$(dirname "$0")/lib/tap.sh"
sqlstate() {    # sqlstate <db> <user> <sql>: 00000 when the statement succeeds, else its SQLSTATE
	local out
	if out=$("$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=sqlstate -U "$2" -d "$1" -c "$3" 2>&1); then
		echo 00000
	else
		printf '%s\n' "$out" | sed -n 's/^ERROR: *\([0-9A-Z]\{5\}\)$/\1/p' | head -1
	fi
}
cleanup() {
	"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" \
		-c "DROP DATABASE IF EXISTS $OWN" -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "1..19"

# ---- a database owned by a plain role; the extension by the superuser ----------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $ROLE LOGIN" \
	-c "CREATE DATABASE $SRC OWNER $ROLE" >"$WORK/setup.log" 2>&1 &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$SRC" -c 'SET client_min_messages = warning' \
		-c 'CREATE EXTENSION j7599 CASCADE' >>"$WORK/setup.log" 2>&1
ok $? "a database owned by a role that is not a superuser, j7599 installed by a superuser"
sed 's/^/# /' "$WORK/setup.log"

# ---- the role's tables, registered and one enforced -----------------------------
"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -U "$ROLE" -d "$SRC" >"$WORK/tables.log" 2>&1 <<'SQL'
CREATE SCHEMA claims;
CREATE TABLE claims.lines (id int PRIMARY KEY, line text, units numeric, dx text[]);
SELECT j7599.register('claims.lines', line => 'line', units => 'units', dx => '{dx}');
SELECT j7599.enforce('claims.lines');
INSERT INTO claims.lines SELECT g, 'J7507', 1 + g % 3, '{Z94.0}' FROM generate_series(1, 100) AS g;
CREATE TABLE claims.legacy (id int, line j7599.hcpcs_line, units int);
INSERT INTO claims.legacy VALUES (1, 'J7507', 1), (2, 'J7507-JW-JZ', 0);
SELECT j7599.register('claims.legacy', line => 'line', units => 'units');
SELECT j7599.audit_run('claims.legacy', 'recorded by the owner');
-- a table in quarantine mode with one quarantined row
CREATE TABLE claims.held (id int, line text, units numeric);
SELECT j7599.register('claims.held', line => 'line', units => 'units');
SELECT j7599.enforce('claims.held', on_refusal => 'quarantine');
SET client_min_messages = warning;
INSERT INTO claims.held VALUES (1, 'J7507', 1), (2, 'J7507', -2);
SQL
ok $? "the role creates, registers and enforces its tables"
sed 's/^/# /' "$WORK/tables.log" | grep -v '^# $'
is "$(q "$SRC" "SELECT string_agg(tbl::text || ':' || registered_by, ',' ORDER BY tbl::text) FROM j7599.registration")" \
	"claims.held:$ROLE,claims.legacy:$ROLE,claims.lines:$ROLE" "three registrations, recorded by the role"

hist="SELECT string_agg(concat_ws('|', run_id, tbl, table_name, started_at, finished_at, rows_checked, rule, severity,
                                  rows_violated, note, run_by), E'\n' ORDER BY run_id, rule)
      FROM j7599.audit_history"
is "$(q "$SRC" "SELECT count(*) || ':' || min(run_by) FROM j7599.audit_history WHERE tbl = 'claims.legacy'::regclass")" \
	"2:$ROLE" "an audit run of the legacy table recorded by the role (two rules)"

# ---- pg_dump as the role ------------------------------------------------------
"$PGBIN/pg_dump" -U "$ROLE" --enable-row-security -Fc -f "$WORK/src.dump" "$SRC" 2>"$WORK/dump.err"
ok $? "pg_dump -Fc as the database owner (not a superuser) exits with status 0"
sed 's/^/# /' "$WORK/dump.err"
! grep -Ev "$HARMLESS_DUMP_LINES" "$WORK/dump.err" >/dev/null
ok $? "pg_dump prints nothing on stderr but the listed harmless lines"
"$PGBIN/pg_dump" -U "$ROLE" --enable-row-security -f "$WORK/src.sql" "$SRC" 2>/dev/null
ok $? "pg_dump as plain SQL, as the database owner, exits with status 0"

# ---- restored by a superuser --------------------------------------------------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DST OWNER $ROLE" >/dev/null 2>>"$WORK/psql.err"
"$PGBIN/pg_restore" --exit-on-error -d "$DST" "$WORK/src.dump" 2>"$WORK/restore.err"
ok $? "pg_restore by a superuser exits with status 0"
sed 's/^/# /' "$WORK/restore.err"
reg="SELECT string_agg(concat_ws('|', tbl, line, units, dx, registered_at, registered_by), E'\n' ORDER BY tbl::text)
     FROM j7599.registration"
is "$(q "$DST" "$reg")" "$(q "$SRC" "$reg")" "restored by a superuser: the registrations are as they were"
is "$(sqlstate "$DST" "$ROLE" "INSERT INTO claims.lines VALUES (1000, 'J7507-JW-JZ', 1)")" "23514" \
	"restored by a superuser: the table is enforced"
is "$(q "$DST" "$hist")" "$(q "$SRC" "$hist")" "restored by a superuser: the audit history is as it was"
is "$(q "$DST" "SELECT string_agg(concat_ws('|', rule, rows_violated, rows_checked), ',' ORDER BY rule)
                FROM j7599.audit_summary('claims.legacy')")" "MODIFIER_CONFLICT|1|2,UNITS_INVALID|1|2" \
	"restored by a superuser: the legacy table audits"
is "$(q "$DST" "SELECT string_agg(tbl::text || ':' || (row_data ->> 'id'), ',' ORDER BY id) FROM j7599.quarantine")" \
	"claims.held:2" "restored by a superuser: the role's quarantined row is back"

# ---- restored by the role, into a database where a superuser installed j7599 ------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $OWN OWNER $ROLE" >/dev/null 2>>"$WORK/psql.err" &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$OWN" -c 'SET client_min_messages = warning' \
		-c 'CREATE EXTENSION j7599 CASCADE' >/dev/null 2>>"$WORK/psql.err"
# everything but the extension's own objects, which the superuser installed:
# the role's schema, tables, rows, constraints and triggers, and the rows of
# j7599.registration and j7599.audit_history (not the run-id sequence's value,
# which only the extension's owner may set: new run ids step over the
# restored ones)
"$PGBIN/pg_restore" -l "$WORK/src.dump" |
	grep -Ev '^[0-9]+; [0-9]+ [0-9]+ (SCHEMA - j7599|COMMENT - SCHEMA j7599|EXTENSION|COMMENT - EXTENSION|TABLE DATA j7599|SEQUENCE SET j7599) ' \
		>"$WORK/own.list"
"$PGBIN/pg_restore" -l "$WORK/src.dump" | grep -E '^[0-9]+; [0-9]+ [0-9]+ TABLE DATA j7599 (registration|audit_history) ' >>"$WORK/own.list"
grep -v '^;' "$WORK/own.list" | sed 's/^/# restored by the role: /'
"$PGBIN/pg_restore" -U "$ROLE" --exit-on-error -L "$WORK/own.list" -d "$OWN" "$WORK/src.dump" 2>"$WORK/own_restore.err"
ok $? "pg_restore by the role of its objects and the registrations exits with status 0"
sed 's/^/# /' "$WORK/own_restore.err"
is "$(q "$OWN" "SELECT string_agg(concat_ws('|', tbl, line, units, dx, registered_by), E'\n' ORDER BY tbl::text) FROM j7599.registration")" \
	"$(q "$SRC" "SELECT string_agg(concat_ws('|', tbl, line, units, dx, registered_by), E'\n' ORDER BY tbl::text) FROM j7599.registration")" \
	"restored by the role: the registrations are back, recorded by the role"
is "$(sqlstate "$OWN" "$ROLE" "INSERT INTO claims.lines VALUES (1000, 'J7507-JW-JZ', 1)")" "23514" \
	"restored by the role: the table is enforced"
is "$(q "$OWN" "$hist")" "$(q "$SRC" "$hist")" "restored by the role: the audit history is as it was"

# ---- the role's dump leaves out the quarantined rows of tables it does not own ------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$SRC" >/dev/null 2>>"$WORK/psql.err" <<SQL
SET client_min_messages = warning;
CREATE TABLE public.super_held (id int, line text, units numeric);
GRANT SELECT ON public.super_held TO $ROLE;
SELECT j7599.register('public.super_held', line => 'line', units => 'units');
SELECT j7599.enforce('public.super_held', on_refusal => 'quarantine');
INSERT INTO public.super_held VALUES (77, 'J7507', -77);
SQL
"$PGBIN/pg_dump" -U "$ROLE" --enable-row-security -f "$WORK/src2.sql" "$SRC" 2>/dev/null
is "$(q "$SRC" "SELECT count(*) FROM j7599.quarantine")|$(grep -c '"units": -2}' "$WORK/src2.sql")|$(grep -c '"units": -77}' "$WORK/src2.sql")" \
	"2|1|0" "of two quarantined rows, the role's dump holds its own table's, not the superuser's table's"

# ---- clean up ------------------------------------------------------------------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE $SRC" -c "DROP DATABASE $DST" \
	-c "DROP DATABASE $OWN" -c "DROP ROLE $ROLE" >/dev/null 2>&1
ok $? "the databases and the role dropped"

tap_finish
