#!/usr/bin/env bash
# test/shell/audit_snapshot.sh: an audit with progress reports
# (j7599.audit_progress = on) reads the table in about ten ctid slices, and
# must still read it as of one moment: while another session keeps updating
# rows (each update moves a row to another block), audit_summary's
# rows_checked is the table's row count exactly, and audit gives each row key
# once per rule.  Read slice by slice with a snapshot per slice, a row moved
# from a slice already read into one not yet read is counted twice, and one
# moved the other way is missed.
# Prints TAP.  Needs a running server with j7599 installed: PGHOST, PGPORT and
# PGUSER (a superuser) point at it, as scripts/test.sh sets them.
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DB=j7599_snap_$$
WORK=$(mktemp -d /tmp/j7599-snap.XXXXXX)
ROWS=40000
ROUNDS=3
UPDATER=""

. "$(dirname "$0")/lib/tap.sh"
cleanup() {
	if [ -n "$UPDATER" ]; then
		"$PGBIN/psql" -X -q -d "$DB" -c 'INSERT INTO race_stop VALUES (true)' >/dev/null 2>&1
		wait "$UPDATER" 2>/dev/null
	fi
	"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "1..$((3 + 2 * ROUNDS * 2))"

"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" >"$WORK/setup.log" 2>&1 &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" >>"$WORK/setup.log" 2>&1 <<SQL
SET client_min_messages = warning;
CREATE EXTENSION j7599 CASCADE;
-- every row has exactly one finding (UNITS_INVALID), so audit returns every row
CREATE TABLE race (id int PRIMARY KEY, line text, units numeric, pad text) WITH (fillfactor = 100);
INSERT INTO race SELECT g, 'J7507', 0, repeat('x', 40) FROM generate_series(1, $ROWS) AS g;
VACUUM ANALYZE race;
SELECT j7599.register('race', line => 'line', units => 'units');
CREATE TABLE race_stop (stop boolean);
CREATE TABLE race_started (n int);
SQL
ok $? "a database with a registered table of $ROWS rows, every row with one finding"
sed 's/^/# /' "$WORK/setup.log"
is "$(q "$DB" "SELECT count(*) >= 10 FROM j7599._audit_slices('race', 10)")" "t" "the table is read in ten slices"

# The other session: until told to stop, update random rows one transaction
# at a time, so that they move to other blocks (the pages are full).  It says
# when it has committed its first update.  (The loop ends by itself after ten
# minutes should this script die without telling it.)
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" >"$WORK/updater.log" 2>&1 <<SQL &
DO \$\$
DECLARE
    n int := 0;
    t0 timestamptz := clock_timestamp();
BEGIN
    LOOP
        UPDATE race SET pad = md5(n::text) WHERE id = 1 + floor(random() * $ROWS)::int;
        n := n + 1;
        IF n = 1 THEN
            INSERT INTO race_started VALUES (n);
        END IF;
        COMMIT;
        EXIT WHEN n % 50 = 0 AND (EXISTS (SELECT 1 FROM race_stop)
                                  OR clock_timestamp() > t0 + interval '10 minutes');
    END LOOP;
END
\$\$;
SQL
UPDATER=$!
until [ "$(q "$DB" 'SELECT count(*) FROM race_started')" = 1 ] || ! kill -0 "$UPDATER" 2>/dev/null; do
	sleep 0.1
done

for r in $(seq 1 "$ROUNDS"); do
	is "$(q "$DB" "SET j7599.audit_progress = on; SET client_min_messages = warning;
	               SELECT string_agg(DISTINCT rows_checked::text, ',') FROM j7599.audit_summary('race')")" \
		"$ROWS" "round $r: audit_summary with progress, under concurrent updates: rows_checked is the row count"
	is "$(q "$DB" "SET j7599.audit_progress = on; SET client_min_messages = warning;
	               SELECT count(*) || ' ' || count(DISTINCT row_key) FROM j7599.audit('race') WHERE rule = 'UNITS_INVALID'")" \
		"$ROWS $ROWS" "round $r: audit with progress, under concurrent updates: each row once"
	is "$(q "$DB" "SET client_min_messages = warning;
	               SELECT string_agg(DISTINCT rows_checked::text, ',') FROM j7599.audit_summary('race')")" \
		"$ROWS" "round $r: audit_summary without progress: rows_checked is the row count"
	is "$(q "$DB" "SELECT count(*) || ' ' || count(DISTINCT row_key) FROM j7599.audit('race') WHERE rule = 'UNITS_INVALID'")" \
		"$ROWS $ROWS" "round $r: audit without progress: each row once"
done

q "$DB" 'INSERT INTO race_stop VALUES (true)'
wait "$UPDATER"
ok $? "the updating session ran until told to stop"
UPDATER=""
sed 's/^/# /' "$WORK/updater.log"
echo "# updated rows moved: $(q "$DB" "SELECT n_tup_upd - n_tup_hot_upd FROM pg_stat_user_tables WHERE relid = 'race'::regclass")"

tap_finish
