#!/usr/bin/env bash
# test/shell/audit_history_dump.sh: the audit history is user data and
# survives pg_dump -Fc / pg_restore: the runs of a registered table, the run
# of a table dropped since (tbl NULL, its name kept), and the run-id sequence
# (a run recorded after the restore gets a new id).  A restore of the history
# without its sequence (SEQUENCE SET left out) still gives new runs ids of
# their own.  Prints TAP.  Needs a running server with j7599 installed:
# PGHOST, PGPORT and PGUSER (a superuser) point at it, as scripts/test.sh sets
# them.
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
SRC=j7599_ahdump_src_$$
DST=j7599_ahdump_dst_$$
NOSEQ=j7599_ahdump_noseq_$$
WORK=$(mktemp -d /tmp/j7599-ahdump.XXXXXX)

. "$(dirname "$0")/lib/tap.sh"
cleanup() {
	"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" \
		-c "DROP DATABASE IF EXISTS $NOSEQ" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "1..9"

# ---- a database with audit runs ------------------------------------------------------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $SRC" -c "CREATE DATABASE $DST" \
	-c "CREATE DATABASE $NOSEQ" >"$WORK/setup.log" 2>&1 &&
	"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$SRC" >>"$WORK/setup.log" 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION j7599 CASCADE;
CREATE TABLE claims (id int PRIMARY KEY, line text, units numeric);
SELECT j7599.register('claims', line => 'line', units => 'units');
INSERT INTO claims VALUES (1, 'J7507', 0), (2, 'J7507-JW-JZ', 1), (3, 'J7507', 1);
SELECT j7599.audit_run('claims', 'before the cleanup');
UPDATE claims SET units = 1;
SELECT j7599.audit_run('claims', 'after the cleanup');
CREATE TABLE gone (id int PRIMARY KEY, line text);
SELECT j7599.register('gone', line => 'line');
INSERT INTO gone VALUES (1, 'J7507');
SELECT j7599.audit_run('gone');
DROP TABLE gone;
SQL
ok $? "a database with three audit runs, one of a table dropped since"
sed 's/^/# /' "$WORK/setup.log" | grep -v '^# [0-9]*$' | grep -v '^# $'

hist="SELECT string_agg(concat_ws('|', run_id, tbl, table_name, started_at, finished_at, rows_checked, rule, severity,
                                  rows_violated, note, run_by), E'\n' ORDER BY run_id, rule)
      FROM j7599.audit_history"
is "$(q "$SRC" "SELECT count(DISTINCT run_id) || ':' || count(*) FILTER (WHERE tbl IS NULL) FROM j7599.audit_history")" \
	"3:1" "three runs; the dropped table's run has tbl NULL"

# ---- dump and restore by a superuser ---------------------------------------------------
"$PGBIN/pg_dump" -Fc -f "$WORK/src.dump" "$SRC" 2>"$WORK/dump.err" &&
	"$PGBIN/pg_restore" --exit-on-error -d "$DST" "$WORK/src.dump" 2>"$WORK/restore.err"
ok $? "pg_dump -Fc and pg_restore exit with status 0"
sed 's/^/# /' "$WORK/dump.err" "$WORK/restore.err"
is "$(q "$DST" "$hist")" "$(q "$SRC" "$hist")" "the history is restored as it was (ids, times, names, counts, roles)"
is "$(q "$DST" "SELECT j7599.audit_run('claims', 'after the restore') > max(run_id) FROM j7599.audit_history WHERE note IS DISTINCT FROM 'after the restore'")" \
	"t" "a run after the restore gets a new id (the sequence is restored)"
is "$(q "$DST" "SELECT string_agg(concat_ws('|', rule, before, after, delta), ',') FROM j7599.audit_compare(1, 2)")" \
	"MODIFIER_CONFLICT|1|1|0,UNITS_INVALID|1|0|-1" "audit_compare reads the restored runs"

# ---- restored without the sequence's value -------------------------------------------------
"$PGBIN/pg_restore" -l "$WORK/src.dump" | grep -Ev '^[0-9]+; [0-9]+ [0-9]+ SEQUENCE SET j7599 audit_run_id_seq ' \
	>"$WORK/noseq.list"
"$PGBIN/pg_restore" --exit-on-error -L "$WORK/noseq.list" -d "$NOSEQ" "$WORK/src.dump" 2>"$WORK/noseq.err"
ok $? "pg_restore without SEQUENCE SET of the run-id sequence exits with status 0"
sed 's/^/# /' "$WORK/noseq.err"
is "$(q "$NOSEQ" "SELECT j7599.audit_run('claims', 'after the restore')")" "4" \
	"a run after that restore steps over the restored ids"
is "$(q "$NOSEQ" "SELECT count(DISTINCT run_id) FROM j7599.audit_history")" "4" "four runs, none merged with another"

tap_finish
