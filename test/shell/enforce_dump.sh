#!/usr/bin/env bash
# test/shell/enforce_dump.sh: registered and enforced claim tables survive
# pg_dump -Fc / pg_restore: every row, the registrations, the enforcing
# triggers (on a table with a quoted name, on a partitioned table and its
# partitions, one of them attached with another column order), a user payer
# and policy that enforcement relies on, and line_ok CHECK constraints (valid
# and NOT VALID).  Prints TAP.  Needs a running server with j7599 installed:
# PGHOST, PGPORT and PGUSER (a superuser) point at it, as scripts/test.sh sets
# them.
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
SRC=j7599_edump_src_$$
DST=j7599_edump_dst_$$
WORK=$(mktemp -d /tmp/j7599-edump.XXXXXX)

# pg_dump and pg_restore may print nothing else than these lines (extended
# regular expressions).  pg_dump warns about the self-reference of j7599.payer
# (parent_id), which matters only to a --data-only restore; pg_restore is
# expected to be silent.
HARMLESS_DUMP_LINES='^pg_dump: warning: there are circular foreign-key constraints on this table:$
^pg_dump: detail: payer$
^pg_dump: hint: You might not be able to restore the dump without using --disable-triggers or temporarily dropping the constraints\.$
^pg_dump: hint: Consider using a full dump instead of a --data-only dump to avoid this problem\.$'
HARMLESS_RESTORE_LINES='^$'

. "$(dirname "$0")/lib/tap.sh"
sqlstate() {    # sqlstate <db> <sql>: 00000 when the statement succeeds, else its SQLSTATE
	local out
	if out=$("$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=sqlstate -d "$1" -c "$2" 2>&1); then
		echo 00000
	else
		printf '%s\n' "$out" | sed -n 's/^ERROR: *\([0-9A-Z]\{5\}\)$/\1/p' | head -1
	fi
}
cleanup() {
	"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" \
		>/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "1..32"

# ---- a database with the extension, a user payer and policy, enforced tables ------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $SRC" >"$WORK/setup.log" 2>&1 &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$SRC" -c 'SET client_min_messages = warning' \
		-c 'CREATE EXTENSION j7599 CASCADE' >>"$WORK/setup.log" 2>&1
ok $? "a database with the extension"
sed 's/^/# /' "$WORK/setup.log"

"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$SRC" >"$WORK/tables.log" 2>&1 <<'SQL'
-- a user payer whose policy requires prior authorisation and at most 4 units
INSERT INTO j7599.payer (payer_id, name, parent_id, source)
VALUES ('dumpplan', 'Dump Test Plan', 'buca', 'our contract list');
INSERT INTO j7599.payer_alias (alias, payer_id, source) VALUES ('Dump Test Health', 'dumpplan', 'warehouse spelling');
INSERT INTO j7599.policy (policy_id, payer_id, code, valid, requires_prior_auth, max_units, source, confidence)
VALUES ('dumpplan-j7599-2024', 'dumpplan', 'J7599', '[2024-01-01,)', true, 4, 'Dump Test contract 2024', 'confirmed');

-- a table whose schema, name and columns need quoting
CREATE SCHEMA "Claims Mart";
CREATE TABLE "Claims Mart"."Claim ""Lines""" (
    "Claim ID"  int PRIMARY KEY,
    "HCPCS"     text,
    "Payer"     text,
    "DOS"       date,
    "Units"     numeric,
    "NDC"       text,
    "Dx"        text[],
    "Line Note" text,
    "PA #"      text,
    "Tx Date"   date
);
SELECT j7599.register('"Claims Mart"."Claim ""Lines"""', line => 'HCPCS', payer => 'Payer', service_date => 'DOS',
                      units => 'Units', ndc => 'NDC', dx => '{Dx}', narrative => 'Line Note',
                      prior_auth => 'PA #', transplant_date => 'Tx Date');
SELECT j7599.enforce('"Claims Mart"."Claim ""Lines"""');
INSERT INTO "Claims Mart"."Claim ""Lines"""
SELECT g, 'J7599-KX', CASE WHEN g % 2 = 0 THEN 'Dump Test Health' ELSE 'Medicare' END,
       DATE '2024-02-01' + g % 300, 1 + g % 4, '00069-0150-01', '{Z94.0}',
       'voclosporin 7.9 mg capsule, 3 caps twice daily', CASE WHEN g % 2 = 0 THEN 'PA-' || g END, '2020-01-01'
FROM generate_series(1, 300) AS g;

-- a partitioned table: one partition created with it, one attached with
-- another column order and a dropped column
CREATE TABLE claims_p (
    id    int,
    dos   date NOT NULL,
    line  j7599.hcpcs_line,
    payer text,
    units int,
    ndc   j7599.ndc,
    dx    text[],
    note  text,
    pa    text,
    tx    date,
    PRIMARY KEY (id, dos)
) PARTITION BY RANGE (dos);
CREATE TABLE claims_p_2024 PARTITION OF claims_p FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE claims_p_2025 (
    legacy_flag boolean,
    tx    date,
    pa    text,
    note  text,
    dx    text[],
    ndc   j7599.ndc,
    units int,
    payer text,
    line  j7599.hcpcs_line,
    dos   date NOT NULL,
    id    int NOT NULL
);
ALTER TABLE claims_p_2025 DROP COLUMN legacy_flag;
ALTER TABLE claims_p ATTACH PARTITION claims_p_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
SELECT j7599.register('claims_p', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      ndc => 'ndc', dx => '{dx}', narrative => 'note', prior_auth => 'pa', transplant_date => 'tx');
SELECT j7599.enforce('claims_p');
INSERT INTO claims_p (id, dos, line, payer, units, ndc, dx, note, pa, tx)
SELECT g, DATE '2024-06-01' + g, 'J7599-KX', CASE WHEN g % 3 = 0 THEN 'dumpplan' ELSE 'medicare' END, 1 + g % 3,
       '00069015001', '{T86.10}', 'voclosporin 7.9 mg capsule, 3 caps twice daily',
       CASE WHEN g % 3 = 0 THEN 'PA-' || g END, '2020-01-01'
FROM generate_series(1, 400) AS g;

-- the table-free rules as CHECK constraints: a valid one, and a NOT VALID one
-- over a legacy row that breaks it
CREATE TABLE legacy_ok (
    id    int PRIMARY KEY,
    line  j7599.hcpcs_line,
    units numeric,
    ndc   text,
    pos   text,
    dx    text[],
    CONSTRAINT legacy_ok_line CHECK (j7599.line_ok(line, units, ndc, pos, dx))
);
INSERT INTO legacy_ok
SELECT g, CASE WHEN g % 2 = 0 THEN 'J7507-JZ' ELSE 'J7520' END, g % 5 + 1, '00069-0150-01', '12', '{Z94.0}'
FROM generate_series(1, 100) AS g;
CREATE TABLE legacy_nv (id int PRIMARY KEY, line j7599.hcpcs_line, units numeric);
INSERT INTO legacy_nv VALUES (1, 'J7507', 1), (2, 'J7507-JW-JZ', 0);
ALTER TABLE legacy_nv ADD CONSTRAINT legacy_nv_line CHECK (j7599.line_ok(line, units)) NOT VALID;
SELECT j7599.register('legacy_nv', line => 'line', units => 'units');
SQL
ok $? "a user payer and policy, two enforced tables, two line_ok CHECK tables"
grep -v '^$' "$WORK/tables.log" | sed 's/^/# /'

# the source refuses what the restored database must refuse
is "$(sqlstate "$SRC" "INSERT INTO \"Claims Mart\".\"Claim \"\"Lines\"\"\" VALUES (9001, 'J7599-KX', 'Dump Test Health', '2024-03-01', 1, '00069-0150-01', '{Z94.0}', 'voclosporin 7.9 mg capsule, 3 caps twice daily', NULL, '2020-01-01')")" \
	"23514" "before the dump: a user-policy row without prior authorisation is refused"

# ---- dump and restore ------------------------------------------------------------
"$PGBIN/pg_dump" -Fc -f "$WORK/src.dump" "$SRC" 2>"$WORK/dump.err"
ok $? "pg_dump -Fc exits with status 0"
sed 's/^/# /' "$WORK/dump.err"
! grep -Ev "$HARMLESS_DUMP_LINES" "$WORK/dump.err" >/dev/null
ok $? "pg_dump prints nothing on stderr but the listed harmless lines"

"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DST" >/dev/null 2>>"$WORK/psql.err"
"$PGBIN/pg_restore" --exit-on-error -d "$DST" "$WORK/src.dump" 2>"$WORK/restore.err"
ok $? "pg_restore into a new database exits with status 0"
sed 's/^/# /' "$WORK/restore.err"
! grep -Ev "$HARMLESS_RESTORE_LINES" "$WORK/restore.err" >/dev/null
ok $? "pg_restore prints nothing on stderr but the listed harmless lines"

# ---- every row -----------------------------------------------------------------------
content() {    # content <db> <table>: row count and md5 of the rows, in a fixed order
	q "$1" "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '')) FROM $2 AS t"
}
for t in '"Claims Mart"."Claim ""Lines"""' claims_p claims_p_2024 claims_p_2025 legacy_ok legacy_nv; do
	is "$(content "$DST" "$t")" "$(content "$SRC" "$t")" "every row of $t is restored (count and checksum)"
done
is "$(q "$DST" 'SELECT count(*) FROM "Claims Mart"."Claim ""Lines"""')|$(q "$DST" 'SELECT count(*) FROM claims_p')|$(q "$DST" 'SELECT count(*) FROM legacy_ok')|$(q "$DST" 'SELECT count(*) FROM legacy_nv')" \
	"300|400|100|2" "the row counts are the ones loaded"

# ---- registrations, triggers, policy, constraints ---------------------------------------
reg="SELECT string_agg(concat_ws('|', tbl, line, payer, service_date, units, ndc, pos, dx, narrative, prior_auth,
                                 days_supply, transplant_date, registered_at, registered_by), E'\n' ORDER BY tbl::text)
     FROM j7599.registration"
is "$(q "$DST" "$reg")" "$(q "$SRC" "$reg")" "the registration rows are restored as they were"
is "$(q "$DST" "SELECT string_agg(tbl::text, ',' ORDER BY tbl::text) FROM j7599.registration")" \
	'"Claims Mart"."Claim ""Lines""",claims_p,legacy_nv' "three registrations, each once, naming the restored tables"

trg="SELECT string_agg(tgrelid::regclass::text || ' ' || pg_get_triggerdef(oid), E'\n' ORDER BY tgrelid::regclass::text)
     FROM pg_trigger WHERE tgname = 'j7599_enforce'"
is "$(q "$DST" "$trg")" "$(q "$SRC" "$trg")" "the enforcing triggers are restored with their arguments"
is "$(q "$DST" "SELECT string_agg(tgrelid::regclass::text, ',' ORDER BY tgrelid::regclass::text) FROM pg_trigger WHERE tgname = 'j7599_enforce'")" \
	'"Claims Mart"."Claim ""Lines""",claims_p,claims_p_2024,claims_p_2025' \
	"the quoted table, the partitioned table and both its partitions are enforced"

pol="SELECT row_to_json(p)::text FROM j7599.policy_for('Dump Test Health', '2024-06-01') AS p"
is "$(q "$DST" "$pol")" "$(q "$SRC" "$pol")" "the user policy resolves the same in both databases"
is "$(q "$DST" "SELECT count(*) || ':' || bool_and(requires_prior_auth) || ':' || min(max_units) FROM j7599.policy WHERE policy_id = 'dumpplan-j7599-2024'")" \
	"1:true:4" "the user policy is there once"

con="SELECT string_agg(conrelid::regclass || ' ' || conname || ' ' || convalidated || ' ' || pg_get_constraintdef(oid), E'\n' ORDER BY conname)
     FROM pg_constraint WHERE contype = 'c' AND conrelid IN ('legacy_ok'::regclass, 'legacy_nv'::regclass)"
is "$(q "$DST" "$con")" "$(q "$SRC" "$con")" "the line_ok CHECK constraints are restored, NOT VALID kept"

sum="SELECT string_agg(concat_ws('|', rule, severity, rows_violated, rows_checked), ',' ORDER BY rule, severity)"
is "$(q "$DST" "$sum FROM j7599.audit_summary('legacy_nv')")" "MODIFIER_CONFLICT|error|1|2,UNITS_INVALID|error|1|2" \
	"audit of the restored legacy table finds its bad row"
is "$(q "$DST" "$sum FROM j7599.audit_summary('claims_p')")" "" "audit of the restored partitioned table: no findings"

# ---- enforcement is still on ------------------------------------------------------------
good_lines="INSERT INTO \"Claims Mart\".\"Claim \"\"Lines\"\"\" VALUES (9001, 'J7599-KX', 'Dump Test Health', '2024-03-01', 1, '00069-0150-01', '{Z94.0}', 'voclosporin 7.9 mg capsule, 3 caps twice daily', 'PA-9001', '2020-01-01')"
is "$(sqlstate "$DST" "$good_lines")" "00000" "restored: a clean row is accepted into the quoted table"
is "$(sqlstate "$DST" "INSERT INTO \"Claims Mart\".\"Claim \"\"Lines\"\"\" VALUES (9002, 'J7599-KX', 'Dump Test Health', '2024-03-01', 1, '00069-0150-01', '{Z94.0}', 'voclosporin 7.9 mg capsule, 3 caps twice daily', NULL, '2020-01-01')")" \
	"23514" "restored: the quoted table refuses a row without the prior authorisation the user policy requires"
is "$(sqlstate "$DST" "INSERT INTO \"Claims Mart\".\"Claim \"\"Lines\"\"\" VALUES (9003, 'J7599-KX-JW-JZ', 'Medicare', '2024-03-01', 1, '00069-0150-01', '{Z94.0}', 'voclosporin 7.9 mg capsule, 3 caps twice daily', NULL, '2020-01-01')")" \
	"23514" "restored: the quoted table refuses JW with JZ"
is "$(sqlstate "$DST" "INSERT INTO claims_p (id, dos, line, payer, units, ndc, dx, note, tx) VALUES (9001, '2025-03-01', 'J7599-KX', 'medicare', 0, '00069015001', '{Z94.0}', 'voclosporin 7.9 mg capsule, 3 caps twice daily', '2020-01-01')")" \
	"23514" "restored: a bad row routed to the attached partition (other column order) is refused"
is "$(sqlstate "$DST" "INSERT INTO claims_p_2024 (id, dos, line, payer, units, ndc, dx, note, tx) VALUES (9002, '2024-03-01', 'J7599-KX', 'medicare_bid', 1, '00069015001', NULL, 'voclosporin 7.9 mg capsule, 3 caps twice daily', '2020-01-01')")" \
	"23514" "restored: a bad row inserted into a partition directly is refused"
is "$(sqlstate "$DST" "INSERT INTO claims_p (id, dos, line, payer, units, ndc, dx, note, pa, tx) VALUES (9003, '2025-03-01', 'J7599-KX', 'dumpplan', 4, '00069015001', '{Z94.0}', 'voclosporin 7.9 mg capsule, 3 caps twice daily', 'PA-1', '2020-01-01')")" \
	"00000" "restored: a clean row is accepted into the attached partition"
is "$(sqlstate "$DST" "INSERT INTO claims_p (id, dos, line, payer, units, ndc, dx, note, pa, tx) VALUES (9004, '2025-03-01', 'J7599-KX', 'dumpplan', 5, '00069015001', '{Z94.0}', 'voclosporin 7.9 mg capsule, 3 caps twice daily', 'PA-1', '2020-01-01')")" \
	"23514" "restored: the user policy's max_units is enforced in the partition"
is "$(sqlstate "$DST" "INSERT INTO legacy_ok VALUES (9001, 'J7507-JZ-JZ', 1, NULL, '12', '{Z94.0}')")" \
	"23514" "restored: the line_ok CHECK refuses a repeated modifier"

# ---- clean up ------------------------------------------------------------------------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE $SRC" -c "DROP DATABASE $DST" >/dev/null 2>&1
ok $? "both databases dropped"

tap_finish
