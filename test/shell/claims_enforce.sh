#!/usr/bin/env bash
# test/shell/claims_enforce.sh: j7599.enforce_claims with COPY.  A COPY that
# completes a valid claim (some of its lines stored before) passes; a second
# COPY that adds a JW line without its administered line fails with 23514
# naming the claim, and the rows of the first stay; enforce_claims warns when
# no index starts with the claim key; the claim triggers survive pg_dump and
# pg_restore.  Prints TAP.  Needs a running server with j7599 installed
# (PGHOST, PGPORT, PGUSER a superuser), as scripts/test.sh sets them.
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DB=j7599_claims_enf_$$
DST=j7599_claims_dst_$$
WORK=$(mktemp -d /tmp/j7599-claims.XXXXXX)
. "$(dirname "$0")/lib/tap.sh"
cleanup() {
	"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "DROP DATABASE IF EXISTS $DST" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT
echo "1..10"

"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" >/dev/null 2>>"$WORK/psql.err"
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null 2>>"$WORK/psql.err" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION j7599 CASCADE;
CREATE TABLE claim_line (id int PRIMARY KEY, claim_id text, line text, payer text, dos date, units numeric, ndc text);
SELECT j7599.register('claim_line', line => 'line', payer => 'payer', service_date => 'dos', units => 'units',
                      ndc => 'ndc', claim_key => ARRAY['claim_id']);
INSERT INTO claim_line VALUES (1, 'C-1', 'Q0511', 'Medicare', '2024-03-01', 1, NULL);
SQL

# the warning without an index on the claim key
warn=$("$PGBIN/psql" -X -q -At -d "$DB" -c "SELECT j7599.enforce_claims('claim_line')" 2>&1)
case "$warn" in
*"WARNING:  no index of public.claim_line starts with its claim key (claim_id)"*) ok 0 "enforce_claims warns when no index starts with the claim key" ;;
*) ok 1 "enforce_claims warns when no index starts with the claim key"; printf '# %s\n' "$warn" ;;
esac
q "$DB" "CREATE INDEX claim_line_claim ON claim_line (claim_id)"
warn=$("$PGBIN/psql" -X -q -At -d "$DB" -c "SELECT j7599.enforce_claims('claim_line')" 2>&1)
is "$warn" "" "with the index: no warning"

# first COPY: completes claim C-1 (its supply fee is stored already) and adds claim C-2
out=$("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "COPY claim_line FROM STDIN WITH (FORMAT csv)" 2>&1 <<'CSV'
2,C-1,J7507,Medicare,2024-03-01,60,
3,C-2,J7507,Medicare,2024-03-01,10,00469-0617-71
4,C-2,J7507-JW,Medicare,2024-03-01,2,00469-0617-71
CSV
)
ok $? "a COPY that completes a valid claim passes"
is "$(q "$DB" "SELECT count(*) FROM j7599.audit_claims('claim_line')")" "0" "the stored claims have no claim-level finding"

# second COPY: a JW line whose administered line is missing (another NDC)
out=$("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d "$DB" -c "COPY claim_line FROM STDIN WITH (FORMAT csv)" 2>&1 <<'CSV'
5,C-3,J7507,Medicare,2024-03-02,10,
6,C-4,J7507-JW,Medicare,2024-03-02,2,00469-0607-73
CSV
)
st=$?
ok $((st == 0)) "a COPY that adds a JW line without its administered line fails"
case "$out" in
*'ERROR:  23514: j7599: claim {"claim_id": "C-4"} refused (WASTE_WITHOUT_ADMINISTERED)'*) ok 0 "23514, naming the claim" ;;
*) ok 1 "23514, naming the claim"; printf '# %s\n' "$out" ;;
esac
case "$out" in
*'DETAIL:  {"claim_id": "C-4"}: error WASTE_WITHOUT_ADMINISTERED: J7507-JW (2024-03-02, NDC 00469060773, row {"id": 6}) bills'*) ok 0 "the detail lists the finding and names the row" ;;
*) ok 1 "the detail lists the finding and names the row"; printf '# %s\n' "$out" ;;
esac
is "$(q "$DB" "SELECT string_agg(id::text, ',' ORDER BY id) FROM claim_line")" "1,2,3,4" \
	"the rows of the first statement stay, none of the second"

# the triggers survive a dump and restore (restored after the data, so the data is not checked again)
# (pg_dump's warning about the self-reference of j7599.payer matters only to a --data-only restore)
"$PGBIN/pg_dump" -Fc -d "$DB" -f "$WORK/db.dump" 2>"$WORK/dump.err"
grep -v -E '^pg_dump: (warning: there are circular foreign-key constraints on this table:|detail: payer|hint: You might not be able|hint: Consider using a full dump)' \
	"$WORK/dump.err" >>"$WORK/psql.err"
"$PGBIN/psql" -X -q -d postgres -c "CREATE DATABASE $DST" >/dev/null 2>>"$WORK/psql.err"
"$PGBIN/pg_restore" -d "$DST" "$WORK/db.dump" 2>>"$WORK/psql.err"
is "$(q "$DST" "SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 'claim_line'::regclass")" \
	"j7599_claims_delete,j7599_claims_insert,j7599_claims_update" "the claim triggers are restored"
out=$("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DST" -c "DELETE FROM claim_line WHERE id = 2" 2>&1)
case "$out" in
*'j7599: claim {"claim_id": "C-1"} refused (SUPPLY_FEE_WITHOUT_DRUG)'*) ok 0 "restored: deleting the drug line of a supply fee is refused" ;;
*) ok 1 "restored: deleting the drug line of a supply fee is refused"; printf '# %s\n' "$out" ;;
esac

tap_finish
