#!/usr/bin/env bash
# test/shell/quarantine_copy.sh: COPY into tables enforced in quarantine mode
# (j7599.enforce(..., on_refusal => 'quarantine')).  100,000 lines, 1,000 of
# them refused (500 over the payer's unit limit, 500 with units -1), written
# by SQL and sent with psql's client-side \copy: the COPY goes on, the valid
# rows are stored, the refused ones are in j7599.quarantine with their
# findings, and the NOTICE says how many.  Fixing the policy, then the rows,
# and calling j7599.release() brings them all into the table.  The same into
# a partitioned table, where 100 more lines fit no partition.  Then pg_dump /
# pg_restore of a database in that state: the triggers, the unrouted
# partition and the quarantined rows come back and keep working.  Prints TAP.
# Needs a running server with j7599 installed: PGHOST, PGPORT and PGUSER (a
# superuser) point at it, as scripts/test.sh sets them.
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
SRC=j7599_quar_src_$$
DST=j7599_quar_dst_$$
WORK=$(mktemp -d /tmp/j7599-quar.XXXXXX)

# what pg_dump and pg_restore may print (as in enforce_dump.sh)
HARMLESS_DUMP_LINES='^pg_dump: warning: there are circular foreign-key constraints on this table:$
^pg_dump: detail: payer$
^pg_dump: hint: You might not be able to restore the dump without using --disable-triggers or temporarily dropping the constraints\.$
^pg_dump: hint: Consider using a full dump instead of a --data-only dump to avoid this problem\.$'

. "$(dirname "$0")/lib/tap.sh"
cleanup() {
	"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" \
		>/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "1..36"

"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $SRC" >"$WORK/setup.log" 2>&1 &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$SRC" >/dev/null 2>>"$WORK/setup.log" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION j7599 CASCADE;
RESET client_min_messages;
-- a payer whose policy allows at most 4 units
INSERT INTO j7599.payer (payer_id, name, parent_id, source) VALUES ('quarplan', 'Quarantine Test Plan', 'buca', 'test');
INSERT INTO j7599.policy (policy_id, payer_id, code, valid, max_units, source, confidence)
VALUES ('quarplan-j7599', 'quarplan', 'J7599', '[2024-01-01,)', 4, 'Quarantine Test contract', 'confirmed');
-- the lines: every 100th is refused, half over the unit limit (8), half with
-- units -1; every 1000th from 555 on is dated 2025
CREATE TABLE lines AS
SELECT g AS id,
       CASE WHEN g % 1000 = 555 THEN DATE '2025-03-01' ELSE DATE '2024-01-01' + g % 365 END AS dos,
       'J7599-KX' AS line, 'quarplan' AS payer,
       CASE WHEN g % 200 = 0 THEN 8 WHEN g % 100 = 0 THEN -1 ELSE 1 + g % 4 END::numeric AS units,
       '00069-0150-01' AS ndc, '{Z94.0}'::text[] AS dx,
       'voclosporin 7.9 mg capsule, 3 caps twice daily' AS note
FROM generate_series(1, 100000) AS g;
CREATE TABLE claims (id int PRIMARY KEY, dos date NOT NULL, line text, payer text, units numeric,
                     ndc text, dx text[], note text);
SELECT j7599.register('claims', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      ndc => 'ndc', dx => '{dx}', narrative => 'note');
SELECT j7599.enforce('claims', on_refusal => 'quarantine');
CREATE TABLE claims_p (id int, dos date NOT NULL, line text, payer text, units numeric,
                       ndc text, dx text[], note text, PRIMARY KEY (id, dos)) PARTITION BY RANGE (dos);
CREATE TABLE claims_p_h1 PARTITION OF claims_p FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');
CREATE TABLE claims_p_h2 PARTITION OF claims_p FOR VALUES FROM ('2024-07-01') TO ('2025-01-01');
SELECT j7599.register('claims_p', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      ndc => 'ndc', dx => '{dx}', narrative => 'note');
SELECT j7599.enforce('claims_p', on_refusal => 'quarantine');
SQL
ok $? "a database with the extension, a payer policy, 100,000 lines and two tables in quarantine mode"
grep -v '^$' "$WORK/setup.log" | sed 's/^/# /'

"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$SRC" -c "\\copy lines TO '$WORK/lines.csv' (FORMAT csv)" 2>>"$WORK/psql.err"
is "$(wc -l <"$WORK/lines.csv" | tr -d ' ')" "100000" "\\copy TO writes 100,000 lines"

# ---- a plain table ------------------------------------------------------------------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$SRC" -c "\\copy claims FROM '$WORK/lines.csv' (FORMAT csv)" \
	>"$WORK/copy.out" 2>"$WORK/copy.err"
ok $? "\\copy FROM into the table in quarantine mode succeeds"
is "$(grep -c 'NOTICE' "$WORK/copy.err")|$(grep -o 'NOTICE:  .*' "$WORK/copy.err")" \
	"1|NOTICE:  1000 rows of table claims went to j7599.quarantine" "one NOTICE says 1000 rows of claims went to the quarantine"
grep -q "HINT:  Correct the rows (row_data) or the policies, then call j7599.release('claims')." "$WORK/copy.err"
ok $? "... with a hint naming j7599.release"
is "$(q "$SRC" "SELECT count(*) FROM claims")" "99000" "99,000 rows are stored"
is "$(q "$SRC" "SELECT count(*) FROM claims WHERE id % 100 = 0")" "0" "... none of the refused ones"
is "$(q "$SRC" "SELECT count(*) || '|' || count(DISTINCT row_data ->> 'id') || '|' || bool_and((row_data ->> 'id')::int % 100 = 0)
                FROM j7599.quarantine WHERE tbl = 'claims'::regclass")" "1000|1000|true" \
	"1,000 rows are quarantined, each refused line once"
is "$(q "$SRC" "SELECT string_agg(rule || ':' || n, ',' ORDER BY rule) FROM (
                  SELECT f.rule, count(*) AS n FROM j7599.quarantine q, unnest(q.findings) f
                  WHERE q.tbl = 'claims'::regclass AND f.severity = 'error' GROUP BY f.rule) s")" \
	"UNITS_EXCEED_POLICY:500,UNITS_INVALID:500" "... with their findings: 500 over the policy's limit, 500 with units -1"
is "$(q "$SRC" "SELECT bool_and(row_data = to_jsonb(l)) FROM j7599.quarantine q JOIN lines l ON l.id = (q.row_data ->> 'id')::int
                WHERE q.tbl = 'claims'::regclass")" "t" "... and each row_data is the line as sent"

# ---- a partitioned table, 100 lines dated 2025 fit no partition ---------------------------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$SRC" -c "\\copy claims_p FROM '$WORK/lines.csv' (FORMAT csv)" \
	>"$WORK/copy_p.out" 2>"$WORK/copy_p.err"
ok $? "\\copy FROM into the partitioned table in quarantine mode succeeds"
is "$(grep -o 'NOTICE:  .*' "$WORK/copy_p.err")" "NOTICE:  1100 rows of table claims_p went to j7599.quarantine" \
	"the NOTICE says 1100 rows of claims_p went to the quarantine"
is "$(q "$SRC" "SELECT count(*) FROM claims_p")|$(q "$SRC" "SELECT count(*) FROM ONLY claims_p_j7599_unrouted")" "98900|0" \
	"98,900 rows are stored, none in the unrouted partition"
is "$(q "$SRC" "SELECT count(*) FILTER (WHERE f.rule = 'PARTITION_NOT_FOUND') || '|' ||
                       count(*) FILTER (WHERE f.rule LIKE 'UNITS%' AND f.severity = 'error')
                FROM j7599.quarantine q, unnest(q.findings) f WHERE q.tbl = 'claims_p'::regclass")" "100|1000" \
	"100 rows fit no partition (PARTITION_NOT_FOUND), 1000 are refused by the rules"

# ---- pg_dump / pg_restore in this state -------------------------------------------------
"$PGBIN/pg_dump" -Fc -f "$WORK/src.dump" "$SRC" 2>"$WORK/dump.err"
ok $? "pg_dump -Fc exits with status 0"
! grep -Ev "$HARMLESS_DUMP_LINES" "$WORK/dump.err" >/dev/null
ok $? "pg_dump prints nothing on stderr but the listed harmless lines"
sed 's/^/# /' "$WORK/dump.err"
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DST" >/dev/null 2>>"$WORK/psql.err"
"$PGBIN/pg_restore" --exit-on-error -d "$DST" "$WORK/src.dump" 2>"$WORK/restore.err"
ok $? "pg_restore into a new database exits with status 0"
sed 's/^/# /' "$WORK/restore.err"
trg="SELECT string_agg(tgrelid::regclass::text || ' ' || pg_get_triggerdef(oid), E'\n' ORDER BY tgrelid::regclass::text, tgname)
     FROM pg_trigger WHERE tgname LIKE 'j7599%' AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)"
is "$(q "$DST" "$trg")" "$(q "$SRC" "$trg")" "the triggers of quarantine mode are restored as they were"
is "$(q "$DST" "SELECT count(*) FROM pg_trigger WHERE tgname = 'j7599_quarantine_notice'")" "5" \
	"... the statement trigger on both tables and the three partitions"
is "$(q "$DST" "SELECT j7599._unrouted_partition('claims_p')")" "claims_p_j7599_unrouted" "the unrouted partition is restored"
quar="SELECT count(*) || ':' || md5(string_agg(concat_ws('|', id, tbl, refused_at, refused_by, row_data, findings), E'\n' ORDER BY id))
      FROM j7599.quarantine"
is "$(q "$DST" "$quar")" "$(q "$SRC" "$quar")" "the quarantined rows are restored (count and checksum)"
is "$(q "$DST" "SELECT count(*) FROM claims")|$(q "$DST" "SELECT count(*) FROM claims_p")" "99000|98900" "the tables' rows are restored"
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DST" \
	-c "INSERT INTO claims_p VALUES (200001, '2026-01-01', 'J7599-KX', 'quarplan', -3, NULL, NULL, NULL)" \
	>/dev/null 2>"$WORK/insert_dst.err"
ok $? "restored: an INSERT of a refused row that fits no partition succeeds"
is "$(grep -o 'NOTICE:  .*' "$WORK/insert_dst.err")" "NOTICE:  1 row of table claims_p went to j7599.quarantine" "... with the NOTICE"
is "$(q "$DST" "SELECT id > (SELECT max(id) FROM j7599.quarantine WHERE row_data ->> 'id' <> '200001') FROM j7599.quarantine WHERE row_data ->> 'id' = '200001'")" \
	"t" "... quarantined under a new id (the id sequence is restored)"
is "$(q "$DST" "SELECT string_agg(DISTINCT f.rule, ',' ORDER BY f.rule) FROM j7599.quarantine q, unnest(q.findings) f
                WHERE q.row_data ->> 'id' = '200001' AND f.severity = 'error'")" "PARTITION_NOT_FOUND,UNITS_INVALID" \
	"... with both findings"

# ---- release: first the policy is fixed, then the rows --------------------------------------
q "$SRC" "UPDATE j7599.policy SET max_units = 10 WHERE policy_id = 'quarplan-j7599'" >/dev/null
is "$(q "$SRC" "SELECT released || '|' || still_refused FROM j7599.release('claims')")" "500|500" \
	"after the policy allows 10 units, release stores the 500 rows over the old limit; 500 stay"
is "$(q "$SRC" "SELECT count(*) FROM claims")|$(q "$SRC" "SELECT count(*) FROM j7599.quarantine WHERE tbl = 'claims'::regclass")" \
	"99500|500" "... 99,500 rows in the table, 500 in the quarantine"
is "$(q "$SRC" "SELECT bool_and(f.rule = 'UNITS_INVALID') FROM j7599.quarantine q, unnest(q.findings) f
                WHERE q.tbl = 'claims'::regclass AND f.severity = 'error'")" "t" "... the ones left are those with units -1"
q "$SRC" "UPDATE j7599.quarantine SET row_data = row_data || '{\"units\": 1}' WHERE tbl = 'claims'::regclass" >/dev/null
"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$SRC" -c "SELECT released || '|' || still_refused FROM j7599.release('claims')" \
	>"$WORK/release.out" 2>"$WORK/release.err"
is "$(cat "$WORK/release.out")" "500|0" "after row_data is corrected, release stores the other 500"
is "$(cat "$WORK/release.err")" "" "... and gives no NOTICE"
is "$(q "$SRC" "SELECT count(*) || '|' || count(DISTINCT id) || '|' || min(id) || '|' || max(id) FROM claims")" "100000|100000|1|100000" \
	"the table holds all 100,000 lines"
is "$(q "$SRC" "SELECT count(*) FROM j7599.quarantine WHERE tbl = 'claims'::regclass")" "0" "... and the quarantine none of them"

q "$SRC" "CREATE TABLE claims_p_2025 PARTITION OF claims_p FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" >/dev/null
q "$SRC" "UPDATE j7599.quarantine SET row_data = row_data || '{\"units\": 1}'
          WHERE tbl = 'claims_p'::regclass AND row_data ->> 'units' = '-1'" >/dev/null
is "$(q "$SRC" "SELECT released || '|' || still_refused FROM j7599.release('claims_p')")" "1100|0" \
	"partitioned: with a 2025 partition, the policy and the rows fixed, release stores all 1,100"
is "$(q "$SRC" "SELECT count(*) FROM claims_p")|$(q "$SRC" "SELECT count(*) FROM claims_p_2025")" "100000|100" \
	"... all 100,000 lines are in the table, the 100 dated 2025 in the new partition"
is "$(q "$SRC" "SELECT count(*) FROM j7599.quarantine")" "0" "the quarantine is empty"

tap_finish
