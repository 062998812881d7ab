#!/usr/bin/env bash
# test/shell/dump_restore.sh: user rows and user edits of shipped reference rows
# survive pg_dump -Fc / pg_restore, and shipped rows are not restored twice.
# Prints TAP.  Needs a running server with j7599 installed: PGHOST, PGPORT and
# PGUSER (a superuser) point at it, as scripts/test.sh sets them.
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
SRC=j7599_dump_src_$$
DST=j7599_dump_dst_$$
WORK=$(mktemp -d /tmp/j7599-dump.XXXXXX)
TABLES="hcpcs_code modifier modifier_conflict place_of_service drug_code payer payer_alias policy"

. "$(dirname "$0")/lib/tap.sh"
cleanup() {
	"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" \
		>/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "1..18"

# ---- a database with the extension, user rows and edited shipped rows ----------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $SRC" >"$WORK/setup.log" 2>&1 &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$SRC" -c 'CREATE EXTENSION j7599 CASCADE' >>"$WORK/setup.log" 2>&1
ok $? "a database with the extension"
[ -s "$WORK/setup.log" ] && grep -v NOTICE "$WORK/setup.log" | sed 's/^/# /'

counts() {    # counts <db> <where>: "table=count ..." over the reference tables
	local t out=""
	for t in $TABLES; do out="$out $t=$(q "$1" "SELECT count(*) FROM j7599.$t $2")"; done
	echo "${out# }"
}
shipped_before=$(counts "$SRC" "WHERE shipped")

"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$SRC" >"$WORK/edit.log" 2>&1 <<'SQL'
INSERT INTO j7599.payer (payer_id, name, parent_id, source)
VALUES ('acme', 'Acme Health Plan', 'buca', 'our contract list');
INSERT INTO j7599.payer (payer_id, name, parent_id, source)
VALUES ('acme_east', 'Acme Health Plan East', 'acme', 'our contract list');
-- a later change puts the parent after its child in the table, and so in the dump
UPDATE j7599.payer SET name = 'Acme Health Plan (national)' WHERE payer_id = 'acme';
INSERT INTO j7599.payer_alias (alias, payer_id, source) VALUES ('Acme Health', 'acme', 'claims warehouse spelling');
INSERT INTO j7599.policy (policy_id, payer_id, code, valid, requires_prior_auth, max_units, source, confidence)
VALUES ('acme-j7599-2024', 'acme', 'J7599', '[2024-01-01,)', true, 1, 'Acme provider contract 2024, section 7', 'confirmed');
UPDATE j7599.modifier SET description = 'Drug amount discarded (local wording)' WHERE modifier = 'JW';
UPDATE j7599.policy SET requires_ndc = true, note = 'local rule: NDC always' WHERE policy_id = 'medicare-j7599-90day';
SQL
ok $? "user rows added and two shipped rows edited"
sed 's/^/# /' "$WORK/edit.log"

# ---- dump and restore -------------------------------------------------------------
"$PGBIN/pg_dump" -Fc -f "$WORK/src.dump" "$SRC" 2>"$WORK/dump.err"
ok $? "pg_dump -Fc"
sed 's/^/# /' "$WORK/dump.err"

"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DST" >/dev/null 2>&1 &&
	"$PGBIN/pg_restore" --exit-on-error -d "$DST" "$WORK/src.dump" 2>"$WORK/restore.err"
rc=$?
[ $rc -eq 0 ] && ! grep -qi 'error' "$WORK/restore.err"
ok $? "pg_restore into a new database, without errors"
sed 's/^/# /' "$WORK/restore.err"

# ---- compare ----------------------------------------------------------------------
is "$(q "$DST" "SELECT count(*) || ':' || min(name) || ':' || min(parent_id) || ':' || bool_or(shipped)
                 FROM j7599.payer WHERE payer_id = 'acme'")" \
	"1:Acme Health Plan (national):buca:false" "the user payer is there once, with its later change"
is "$(q "$DST" "SELECT string_agg(payer_id, ',' ORDER BY depth) FROM j7599.payer_chain('acme_east')")" \
	"acme_east,acme,buca,default" "a user payer whose parent is a user payer keeps its chain"
is "$(q "$DST" "SELECT count(*) FROM j7599.payer_alias WHERE alias = 'Acme Health'")|$(q "$DST" "SELECT j7599.payer_resolve('ACME HEALTH')")" \
	"1|acme" "the user alias is there once and resolves"
is "$(q "$DST" "SELECT count(*) || ':' || min(valid::text) || ':' || bool_and(requires_prior_auth) || ':' || min(max_units)
                 FROM j7599.policy WHERE policy_id = 'acme-j7599-2024'")" \
	"1:[2024-01-01,):true:1" "the user policy is there once"
is "$(q "$DST" "SELECT count(*) || ':' || min(description) || ':' || bool_or(shipped) FROM j7599.modifier WHERE modifier = 'JW'")" \
	"1:Drug amount discarded (local wording):false" "the edited modifier JW has the edit, once"
is "$(q "$DST" "SELECT count(*) || ':' || bool_and(requires_ndc) || ':' || min(note) || ':' || bool_or(shipped)
                 FROM j7599.policy WHERE policy_id = 'medicare-j7599-90day'")" \
	"1:true:local rule: NDC always:false" "the edited Medicare policy has the edit, once"
is "$(q "$DST" "SELECT count(*) FROM j7599.modifier_conflict WHERE 'JW' IN (modifier_a, modifier_b)")" "1" \
	"the conflict rows that refer to the edited modifier are there once"

shipped_src=$(counts "$SRC" "WHERE shipped")
shipped_dst=$(counts "$DST" "WHERE shipped")
is "$shipped_dst" "$shipped_src" "shipped row counts are unchanged by the restore (no duplicates)"
is "$(counts "$DST" "")" "$(counts "$SRC" "")" "total row counts are the same in both databases"
is "$(q "$DST" "SELECT count(*) FROM j7599.hcpcs_code")" "7090" "the restored database has the 7,090 codes once"
[ "$shipped_before" != "$shipped_src" ]
ok $? "editing shipped rows lowered the shipped counts (the edits are user rows)"

content() {    # content <db>: md5 of every reference table, in key order
	local t out=""
	for t in $TABLES; do
		out="$out $t=$(q "$1" "SELECT md5(coalesce(string_agg(r::text, E'\n' ORDER BY r::text), '')) FROM j7599.$t AS r")"
	done
	echo "${out# }"
}
is "$(content "$DST")" "$(content "$SRC")" "every reference table has the same content after the restore"

pf="SELECT row_to_json(p)::text FROM j7599.policy_for('Acme Health', '2025-02-01') AS p"
is "$(q "$DST" "$pf")" "$(q "$SRC" "$pf")" "policy_for gives the same answer in both databases"

# ---- clean up ------------------------------------------------------------------------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE $SRC" -c "DROP DATABASE $DST" >/dev/null 2>&1
ok $? "both databases dropped"

tap_finish
