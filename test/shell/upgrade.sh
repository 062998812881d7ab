#!/usr/bin/env bash
# test/shell/upgrade.sh: an installed 1.0 reaches 1.1 with ALTER EXTENSION
# UPDATE and ends up as a fresh 1.1 install would, keeping every user row.
#
#   1. 1.0 is installed from its released script against the current shared
#      library (a server gets the new library before anyone runs ALTER
#      EXTENSION UPDATE), and used: validate, is_valid, line_ok, audit, an
#      enforced table that refuses a bad row.
#   2. User rows (payer, alias, policy, an edited shipped row), a
#      registration and an enforced table with rows are added.
#   3. ALTER EXTENSION j7599 UPDATE.
#   4. A second database gets a fresh 1.1 install and the same user objects.
#   5. pg_dump --schema-only --binary-upgrade (the form that lists the
#      extension's own objects) of both is the same, OIDs aside; the shipped
#      rows are the same; the user rows and the registration are still there,
#      and the table is still enforced.
# Prints TAP.  Needs a running server with j7599 installed: PGHOST, PGPORT and
# PGUSER (a superuser) point at it, as scripts/test.sh sets them.
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
OLD=j7599_upg_old_$$
NEW=j7599_upg_new_$$
WORK=$(mktemp -d /tmp/j7599-upgrade.XXXXXX)
TABLES="hcpcs_code modifier modifier_conflict place_of_service drug_code payer payer_alias policy ndc_code"

. "$(dirname "$0")/lib/tap.sh"
sqlstate() {    # sqlstate <db> <sql>: 00000 when the statement succeeds, else its SQLSTATE
	local out
	if out=$("$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=sqlstate -d "$1" -c "$2" 2>&1); then
		echo 00000
	else
		printf '%s\n' "$out" | sed -n 's/^ERROR: *\([0-9A-Z]\{5\}\)$/\1/p' | head -1
	fi
}
run() {         # run <db> <log>: the SQL on stdin, stopping at the first error
	"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" >"$2" 2>&1
}
cleanup() {
	"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $OLD" -c "DROP DATABASE IF EXISTS $NEW" \
		>/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "1..16"

# The user objects both databases get: a payer, an alias, a policy, an edited
# shipped row, a registered and enforced claim table with rows.
user_objects() {
	cat <<'SQL'
SET client_min_messages = warning;
INSERT INTO j7599.payer (payer_id, name, parent_id, source)
VALUES ('upgplan', 'Upgrade Test Plan', 'buca', 'our contract list');
INSERT INTO j7599.payer_alias (alias, payer_id, source) VALUES ('Upgrade Test Health', 'upgplan', 'warehouse spelling');
INSERT INTO j7599.policy (policy_id, payer_id, code, valid, requires_prior_auth, max_units, source, confidence)
VALUES ('upgplan-j7599-2024', 'upgplan', 'J7599', '[2024-01-01,)', true, 4, 'Upgrade Test contract 2024', 'confirmed');
UPDATE j7599.modifier SET description = 'Drug amount discarded (local wording)' WHERE modifier = 'JW';
CREATE TABLE claim_lines (
    id        int PRIMARY KEY,
    hcpcs     text,
    payer     text,
    dos       date,
    units     numeric,
    ndc       text,
    dx        text[],
    note      text,
    pa        text
);
SELECT j7599.register('claim_lines', line => 'hcpcs', payer => 'payer', service_date => 'dos', units => 'units',
                      ndc => 'ndc', dx => '{dx}', narrative => 'note', prior_auth => 'pa');
SELECT j7599.enforce('claim_lines');
INSERT INTO claim_lines
SELECT g, 'J7599-KX', 'Upgrade Test Health', DATE '2024-02-01' + g, 1 + g % 4, '00069-0150-01', '{Z94.0}',
       'voclosporin 7.9 mg capsule, 180 dispensed, 3 twice daily', 'PA' || g
FROM generate_series(1, 50) AS g;
SQL
}

# ---- 1.0 from its released script, on the current library --------------------------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $OLD" >"$WORK/old.log" 2>&1 &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$OLD" -c 'SET client_min_messages = warning' \
		-c "CREATE EXTENSION j7599 VERSION '1.0' CASCADE" >>"$WORK/old.log" 2>&1
ok $? "1.0 installs from its released script"
sed 's/^/# /' "$WORK/old.log"
is "$(q "$OLD" "SELECT extversion FROM pg_extension WHERE extname = 'j7599'")" "1.0" "the installed version is 1.0"

# every C function the 1.0 script declares resolves in the current library
run "$OLD" "$WORK/use10.log" <<'SQL'
SELECT count(*) FROM j7599.validate(line => 'J7599-KX', payer => 'Medicare', service_date => '2025-03-01',
                                    units => 1, narrative => 'tacrolimus 1 mg');
SELECT j7599.is_valid(line => 'J7599'::j7599.hcpcs_line, payer => 'Medicare', service_date => '2025-03-01');
SELECT j7599.line_ok('J7599-JW-JZ', 1, NULL, '12', '{Z94.0}');
SELECT j7599.hcpcs_line('J7599', 'JZ', 'KX')::text, '00069-0150-01'::j7599.ndc::text,
       j7599.ndc_format('00069-0150-01', '5-4-2'), j7599.code_kind('99213'), j7599.is_ndc('x');
SELECT count(*) FROM j7599.rules();
SQL
ok $? "1.0 validate, is_valid, line_ok, the types and rules() run on the current library"
sed 's/^/# /' "$WORK/use10.log" | head -20

user_objects | run "$OLD" "$WORK/user_old.log"
ok $? "1.0: user rows, a registration and an enforced table with rows"
sed 's/^/# /' "$WORK/user_old.log" | grep -v '^# $' | head -20
is "$(sqlstate "$OLD" "INSERT INTO claim_lines VALUES (9999, 'J7599-JW-JZ', 'Medicare', '2025-01-02', 1)")" \
	"23514" "1.0: the enforced table refuses a bad row"
is "$(q "$OLD" "SELECT count(*) >= 0 FROM j7599.audit('claim_lines')")" "t" "1.0: audit runs"

# ---- ALTER EXTENSION UPDATE ------------------------------------------------------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$OLD" -c 'ALTER EXTENSION j7599 UPDATE' >"$WORK/update.log" 2>&1
ok $? "ALTER EXTENSION j7599 UPDATE"
sed 's/^/# /' "$WORK/update.log"
is "$(q "$OLD" "SELECT extversion FROM pg_extension WHERE extname = 'j7599'")" \
	"$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$(dirname "$0")/../../j7599.control")" \
	"the installed version is the default version"

# ---- a fresh install with the same user objects --------------------------------------
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $NEW" >"$WORK/new.log" 2>&1 &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$NEW" -c 'SET client_min_messages = warning' \
		-c "CREATE EXTENSION j7599 CASCADE" >>"$WORK/new.log" 2>&1 &&
	user_objects | run "$NEW" "$WORK/user_new.log"
ok $? "a fresh install with the same user objects"
sed 's/^/# /' "$WORK/new.log" "$WORK/user_new.log" | grep -v '^# $' | head -20

# ---- the same schema ----------------------------------------------------------------
# OIDs, relfilenodes and transaction ids differ between two databases; so does
# the database's own name.  Everything else must be equal.
normalise() {
	sed -E -e 's/[0-9]+::pg_catalog\.oid/OID::pg_catalog.oid/g' \
		-e "s/'[0-9]+'::pg_catalog\.(oid|xid)/'N'::pg_catalog.\1/g" \
		-e "s/relfrozenxid = '[0-9]+', relminmxid = '[0-9]+'/relfrozenxid = 'N', relminmxid = 'N'/" \
		-e "s/^WHERE oid = '[0-9]+';/WHERE oid = 'N';/" \
		-e 's/^\\(un)?restrict .*/\\\1restrict KEY/' \
		-e "s/'\{[0-9,]+\}'/'{OIDS}'/g" \
		-e 's/(binary_upgrade_set_[a-z_]+)\([^)]*\)/\1(...)/g' \
		-e "s/$OLD|$NEW/DB/g" \
		-e '/^-- Dumped (from|by)/d'
}
for db in "$OLD" "$NEW"; do
	"$PGBIN/pg_dump" --schema-only --binary-upgrade -d "$db" 2>"$WORK/$db.err" | normalise >"$WORK/$db.schema"
done
if diff -u "$WORK/$NEW.schema" "$WORK/$OLD.schema" >"$WORK/schema.diff"; then
	ok 0 "pg_dump --schema-only --binary-upgrade: the upgraded database equals a fresh install"
else
	ok 1 "pg_dump --schema-only --binary-upgrade: the upgraded database equals a fresh install"
	echo "# diff fresh -> upgraded (first 120 lines):"
	head -120 "$WORK/schema.diff" | sed 's/^/# /'
fi
for db in "$OLD" "$NEW"; do
	"$PGBIN/pg_dump" --schema-only -d "$db" 2>>"$WORK/$db.err" | normalise >"$WORK/$db.plain"
done
diff -u "$WORK/$NEW.plain" "$WORK/$OLD.plain" >"$WORK/plain.diff"
ok $? "pg_dump --schema-only: the upgraded database equals a fresh install"
head -60 "$WORK/plain.diff" | sed 's/^/# /'

# ---- the same shipped rows; the user rows kept --------------------------------------
rows() {    # rows <db> <where>: every row of the reference tables, sorted
	local t
	for t in $TABLES; do
		echo "== $t"
		"$PGBIN/psql" -X -q -At -d "$1" -c "SELECT r::text FROM j7599.$t AS r $2 ORDER BY 1" 2>>"$WORK/psql.err"
	done
}
rows "$OLD" "WHERE shipped" >"$WORK/old.shipped"
rows "$NEW" "WHERE shipped" >"$WORK/new.shipped"
diff -u "$WORK/new.shipped" "$WORK/old.shipped" >"$WORK/shipped.diff"
ok $? "the shipped rows of the upgraded database equal a fresh install's"
head -40 "$WORK/shipped.diff" | sed 's/^/# /'

rows "$OLD" "WHERE NOT shipped" >"$WORK/old.user"
rows "$NEW" "WHERE NOT shipped" >"$WORK/new.user"
diff -u "$WORK/new.user" "$WORK/old.user" >"$WORK/user.diff"
ok $? "the user rows of the upgraded database equal a fresh install's"
head -40 "$WORK/user.diff" | sed 's/^/# /'

is "$(q "$OLD" "SELECT count(*) FROM claim_lines")|$(q "$OLD" "SELECT tbl::text || ':' || line || ':' || array_to_string(dx, ',') FROM j7599.registration")" \
	"50|claim_lines:hcpcs:dx" "the claim rows and the registration are kept"
is "$(sqlstate "$OLD" "INSERT INTO claim_lines VALUES (9999, 'J7599-JW-JZ', 'Medicare', '2025-01-02', 1)")" \
	"23514" "the upgraded table is still enforced"
is "$(q "$OLD" "SELECT count(*) FROM j7599.audit_summary('claim_lines')")" \
	"$(q "$NEW" "SELECT count(*) FROM j7599.audit_summary('claim_lines')")" \
	"audit_summary gives the same rules on the upgraded and the fresh database"

tap_finish
