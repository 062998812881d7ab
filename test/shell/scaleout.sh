#!/usr/bin/env bash
# test/shell/scaleout.sh: a coordinator and two shards, three clusters of
# their own (started here, stopped on exit whatever happens), as
# doc/scale-out.md sets them up: the coordinator's claims table is
# hash-partitioned on the claim key into postgres_fdw foreign partitions, the
# shards enforce, the coordinator publishes the reference tables and the
# shards subscribe (copy_data = false).
#
#   - a load through the coordinator (COPY into a staging table, then
#     INSERT ... SELECT, batch_size) lands every row on its shard;
#   - a row a shard refuses reaches the client as 23514, the row named;
#   - audit_partial on each shard (through foreign tables) combined on the
#     coordinator equals audit_summary over the same rows in one database,
#     with one shard empty, then with one shard holding only clean rows, then
#     with findings on both;
#   - a session kept open on a shard sees the coordinator's insert, update,
#     delete and truncate of a reference table on its next statement;
#   - a part from a shard of another version is refused (22023).
# Prints TAP.  Needs only PGBIN (PostgreSQL 15 with j7599, postgres_fdw
# installed) and root (the clusters run as the postgres OS user).
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
WORK=$(mktemp -d /tmp/j7599-scaleout.XXXXXX)
chmod 755 "$WORK"
DB=sodb
BASE=$((40000 + RANDOM % 9000))
OPEN_PID=""

. "$(dirname "$0")/lib/tap.sh"

stop_all() {
	[ -n "$OPEN_PID" ] && kill "$OPEN_PID" 2>/dev/null
	exec 7>&- 2>/dev/null
	for c in coord shard1 shard2; do
		if [ -f "$WORK/$c/data/postmaster.pid" ]; then
			runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/$c/data" -m immediate -w stop >/dev/null 2>&1
		fi
	done
	rm -rf "$WORK"
}
[ -n "${SCALEOUT_KEEP:-}" ] || trap stop_all EXIT
trap 'exit 130' INT TERM

# start_node NAME PORT [extra postgresql.conf lines]
start_node() {
	local dir="$WORK/$1"
	mkdir -p "$dir" && chown postgres: "$dir" || return 1
	runuser -u postgres -- "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1 || { sed 's/^/# /' "$dir/initdb.log"; return 1; }
	cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $2
fsync = off
synchronous_commit = off
shared_buffers = '64MB'
max_worker_processes = 8
${3:-}
CONF
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null ||
		{ sed 's/^/# /' "$dir/server.log"; return 1; }
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$2" -U postgres -d postgres -c "CREATE DATABASE $DB" &&
		"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$2" -U postgres -d "$DB" \
			-c 'SET client_min_messages = warning' -c 'CREATE EXTENSION j7599 CASCADE'
}
C_HOST=$WORK/coord C_PORT=$BASE
S1_HOST=$WORK/shard1 S1_PORT=$((BASE + 1))
S2_HOST=$WORK/shard2 S2_PORT=$((BASE + 2))

# psql on a node: on coord|shard1|shard2 [psql args]
on() {
	local h p
	case "$1" in
	coord) h=$C_HOST p=$C_PORT ;;
	shard1) h=$S1_HOST p=$S1_PORT ;;
	shard2) h=$S2_HOST p=$S2_PORT ;;
	esac
	shift
	"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$h" -p "$p" -U postgres -d "$DB" "$@"
}
# one value from a node; errors go to $WORK/psql.err
val() { on "$1" -c "$2" 2>>"$WORK/psql.err"; }
# the error of a statement, VERBOSITY default: "SQLSTATE|message|detail line 1"
fails_with() {
	on "$1" -v VERBOSITY=verbose -c "$2" 2>&1 >/dev/null |
		awk '/^ERROR:/ { sub(/^ERROR: +/, ""); st = substr($0, 1, 5); msg = substr($0, 8) }
		     /^DETAIL:/ && !d { sub(/^DETAIL: +/, ""); d = $0 }
		     END { print st "|" msg "|" d }'
}
# waits (at most 60 s) until a query on a node returns the wanted value
wait_for() {
	local i
	for i in $(seq 1 300); do
		[ "$(val "$1" "$2")" = "$3" ] && return 0
		sleep 0.2
	done
	return 1
}

echo "1..22"

start_node coord "$C_PORT" "wal_level = logical
max_wal_senders = 4
max_replication_slots = 4" &&
	start_node shard1 "$S1_PORT" && start_node shard2 "$S2_PORT"
ok $? "three clusters with j7599: a coordinator (wal_level = logical) and two shards"

# ---- the shards: the claims table, registered and enforced; the audit view
for s in shard1 shard2; do
	on $s >>"$WORK/setup.log" 2>&1 <<'SQL'
CREATE TABLE claims (
    claim_id bigint NOT NULL, line_no int NOT NULL, hcpcs text, payer text, dos date, units numeric,
    ndc text, note text,
    PRIMARY KEY (claim_id, line_no));
SELECT j7599.register('claims', line => 'hcpcs', payer => 'payer', service_date => 'dos', units => 'units',
                      ndc => 'ndc', narrative => 'note', claim_key => ARRAY['claim_id']);
SELECT j7599.enforce('claims');
CREATE VIEW claims_audit_part AS SELECT * FROM j7599.audit_partial('claims');
SQL
done
# ---- the coordinator: foreign partitions, a single-node twin, the audit views
on coord >>"$WORK/setup.log" 2>&1 <<SQL
CREATE EXTENSION postgres_fdw;
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$S1_HOST', port '$S1_PORT', dbname '$DB', extensions 'j7599', async_capable 'true', batch_size '1000');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$S2_HOST', port '$S2_PORT', dbname '$DB', extensions 'j7599', async_capable 'true', batch_size '1000');
CREATE USER MAPPING FOR postgres SERVER shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR postgres SERVER shard2 OPTIONS (user 'postgres');
CREATE TABLE claims (
    claim_id bigint NOT NULL, line_no int NOT NULL, hcpcs text, payer text, dos date, units numeric,
    ndc text, note text) PARTITION BY HASH (claim_id);
CREATE FOREIGN TABLE claims_s1 PARTITION OF claims FOR VALUES WITH (MODULUS 2, REMAINDER 0)
    SERVER shard1 OPTIONS (table_name 'claims');
CREATE FOREIGN TABLE claims_s2 PARTITION OF claims FOR VALUES WITH (MODULUS 2, REMAINDER 1)
    SERVER shard2 OPTIONS (table_name 'claims');
CREATE FOREIGN TABLE audit_part_s1 (version text, catalogue text, rows bigint, violated bigint[])
    SERVER shard1 OPTIONS (table_name 'claims_audit_part');
CREATE FOREIGN TABLE audit_part_s2 (version text, catalogue text, rows bigint, violated bigint[])
    SERVER shard2 OPTIONS (table_name 'claims_audit_part');
CREATE VIEW claims_audit AS
    SELECT * FROM j7599.audit_combine(ARRAY(
        SELECT ROW(p.*)::j7599.audit_part FROM (SELECT * FROM audit_part_s1 UNION ALL SELECT * FROM audit_part_s2) AS p));
-- the same rows in one table, audited by audit_summary
CREATE TABLE claims_single (LIKE claims, PRIMARY KEY (claim_id, line_no));
SELECT j7599.register('claims_single', line => 'hcpcs', payer => 'payer', service_date => 'dos', units => 'units',
                      ndc => 'ndc', narrative => 'note');
CREATE TABLE stage (LIKE claims);
SQL
ok $? "the shards enforce their claims table; the coordinator partitions it over them"
sed 's/^/# /' "$WORK/setup.log" | grep -v '^# *$' | grep -iv '^# *\(register\|enforce\)' | head -20

# audit of the shards combined vs audit_summary of the same rows in one table
same_audit() {
	local combined single
	combined=$(val coord "SELECT string_agg(a::text, ';') FROM (SELECT * FROM claims_audit) AS a")
	single=$(val coord "SELECT string_agg(a::text, ';') FROM (SELECT * FROM j7599.audit_summary('claims_single')) AS a")
	if [ -n "$single" ] && [ "$combined" = "$single" ]; then
		ok 0 "$1"
	else
		ok 1 "$1"
		printf '#   combined: %s\n#   single:   %s\n' "$combined" "$single"
	fi
}
# load the rows of a query through the coordinator: COPY into the staging table, INSERT ... SELECT
load() {
	on coord -c "COPY ($1) TO STDOUT" >"$WORK/load.tsv" 2>>"$WORK/psql.err" &&
		on coord -c 'TRUNCATE stage' -c '\copy stage FROM '"'$WORK/load.tsv'" \
			-c 'INSERT INTO claims SELECT * FROM stage' -c 'INSERT INTO claims_single SELECT * FROM stage' \
			2>>"$WORK/psql.err"
}
# lines with warnings (no narrative, unknown payers, missing NDC and dates), never an error
WARN_ROWS="SELECT g / 3, g % 3, (ARRAY['J7599', 'J7599-KX', 'J7599-JZ'])[1 + g % 3],
                  (ARRAY['Aetna', 'Nobody Mutual', 'Cigna Health', NULL])[1 + g % 4],
                  CASE WHEN g % 13 = 0 THEN NULL ELSE date '2024-01-01' + (g % 200)::int END, 1 + g % 2,
                  CASE WHEN g % 5 = 0 THEN '00069-0150-01' END, NULL
           FROM generate_series(0::bigint, 2999) AS g"
CLEAN_ROWS="SELECT g / 3, g % 3, 'J7599', 'Aetna', date '2024-03-01', 1, '00069-0150-01',
                   'voclosporin 7.9 mg capsule, 3 caps twice daily'
            FROM generate_series(3000::bigint, 5999) AS g"
ON_SHARD1="satisfies_hash_partition('claims'::regclass, 2, 0, g / 3)"
ON_SHARD2="satisfies_hash_partition('claims'::regclass, 2, 1, g / 3)"

# ---- shard 2 empty
load "$WARN_ROWS WHERE $ON_SHARD1"
is "$(val shard1 'SELECT count(*) > 0 FROM claims')|$(val shard2 'SELECT count(*) FROM claims')" "t|0" \
	"a load through the coordinator: the rows of shard 1 on shard 1, none on shard 2"
is "$(val coord 'SELECT count(*) FROM claims')" "$(val coord 'SELECT count(*) FROM claims_single')" \
	"the coordinator reads back every row it loaded"
same_audit "shard 2 empty: the combined audit equals audit_summary of the same rows in one table"
is "$(val coord 'SELECT DISTINCT rows_checked FROM claims_audit')" "$(val coord 'SELECT count(*) FROM claims_single')" \
	"... rows_checked is every row"

# ---- shard 2 with clean rows only
load "$CLEAN_ROWS WHERE $ON_SHARD2"
is "$(val shard2 "SELECT count(*) > 0 FROM claims")|$(val shard2 "SELECT count(*) FROM j7599.audit('claims')")" "t|0" \
	"shard 2 now holds rows without any finding"
same_audit "shard 2 without findings: the combined audit equals audit_summary, rows_checked counting shard 2's rows"

# ---- findings on both
load "$WARN_ROWS WHERE $ON_SHARD2"
same_audit "findings on both shards: the combined audit equals audit_summary"
is "$(val coord "SELECT count(*) FROM claims_audit WHERE rule = 'PAYER_UNKNOWN'")" 1 \
	"... (the warnings of the load are there: PAYER_UNKNOWN)"

# ---- what postgres_fdw ships to the shards (EXPLAIN VERBOSE: the Remote SQL)
remote_where() {     # the WHERE clauses sent to the shards for a query on claims
	on coord -c "EXPLAIN (VERBOSE, COSTS OFF) $1" 2>>"$WORK/psql.err" | sed -n 's/^ *Remote SQL: .* WHERE /WHERE /p' | sort -u
}
is "$(remote_where "SELECT count(*) FROM claims WHERE hcpcs >= 'J7599' AND hcpcs < 'J7600'")" \
	"WHERE ((hcpcs >= 'J7599')) AND ((hcpcs < 'J7600'))" \
	"the range form of a code (hcpcs >= 'J7599' AND hcpcs < 'J7600') is evaluated on the shards"
is "$(remote_where "SELECT count(*) FROM claims WHERE j7599.code(hcpcs::j7599.hcpcs_line) = 'J7599'")" "" \
	"j7599.code() over a text column is not shipped: every row travels to the coordinator"
is "$(remote_where "SELECT count(*) FROM claims WHERE NOT j7599.is_valid(hcpcs, payer, dos, units, ndc)")" "" \
	"j7599.is_valid() (STABLE) is not shipped either: audit on the shards"

# ---- a refusal on a shard, through the coordinator
BAD_ID=$(val coord "SELECT g FROM generate_series(100000::bigint, 100100) AS g WHERE satisfies_hash_partition('claims'::regclass, 2, 1, g) LIMIT 1")
got=$(fails_with coord "INSERT INTO claims VALUES ($BAD_ID, 1, 'J7599-JW-JZ', 'Aetna', '2024-03-01', 1, NULL, NULL)")
is "$(printf '%s' "$got" | cut -d'|' -f1,3)" "23514|Row key (claim_id, line_no)=($BAD_ID, 1)." \
	"a row shard 2 refuses: 23514 through the coordinator, the detail naming the row"
is "$(printf '%s' "$got" | cut -d'|' -f2)" 'row of table "claims" violates j7599 rules: MODIFIER_CONFLICT' \
	"... the message naming the rule"
is "$(val shard2 "SELECT count(*) FROM claims WHERE claim_id = $BAD_ID")" 0 "... and the row is not stored"

# ---- reference tables by logical replication, seen by an open shard session
on coord >>"$WORK/setup.log" 2>>"$WORK/psql.err" <<'SQL'
-- unit_limit and rule_setting have no primary key: updates and deletes need a replica identity
ALTER TABLE j7599.unit_limit REPLICA IDENTITY FULL;
ALTER TABLE j7599.rule_setting REPLICA IDENTITY FULL;
CREATE PUBLICATION j7599_reference FOR TABLE
    j7599.hcpcs_code, j7599.modifier, j7599.modifier_conflict, j7599.place_of_service, j7599.drug_code,
    j7599.payer, j7599.payer_alias, j7599.policy, j7599.ndc_code, j7599.unit_limit, j7599.rule_setting;
SQL
on shard1 -c 'SET client_min_messages = warning' -c "CREATE SUBSCRIPTION j7599_reference
    CONNECTION 'host=$C_HOST port=$C_PORT dbname=$DB user=postgres'
    PUBLICATION j7599_reference WITH (copy_data = false)" 2>>"$WORK/psql.err"
ok $? "shard 1 subscribes to the coordinator's reference tables (copy_data = false: it holds the shipped rows)"

# the open session: psql reading from a fifo; ask() runs a query there and
# prints its result
mkfifo "$WORK/open.in"
chmod 666 "$WORK/open.in"
"$PGBIN/psql" -X -q -At -h "$S1_HOST" -p "$S1_PORT" -U postgres -d "$DB" <"$WORK/open.in" >"$WORK/open.out" 2>&1 &
OPEN_PID=$!
exec 7>"$WORK/open.in"
# (ask runs in $(...) subshells: the count of questions lives in a file)
echo 0 >"$WORK/asked"
ask() {
	local asked=$(($(cat "$WORK/asked") + 1))
	echo "$asked" >"$WORK/asked"
	printf '%s \\g %s\n\\! mv %s %s\n' "$1" "$WORK/ans.tmp" "$WORK/ans.tmp" "$WORK/ans.$asked" >&7
	local i
	for i in $(seq 1 300); do
		[ -f "$WORK/ans.$asked" ] && { cat "$WORK/ans.$asked"; return 0; }
		sleep 0.2
	done
	echo "(no answer)"
}
unknown() {     # does the open session find the payer unknown?
	ask "SELECT count(*) FROM j7599.validate(line => 'J7599', payer => '$1', service_date => '2024-03-01', units => 1) WHERE rule = 'PAYER_UNKNOWN'"
}
# the payer first, on its own: each step below changes payer_alias only
on coord -c "INSERT INTO j7599.payer (payer_id, name, source) VALUES ('zq_plan', 'Zq Plan', 'test')" 2>>"$WORK/psql.err"
wait_for shard1 "SELECT count(*) FROM j7599.payer WHERE payer_id = 'zq_plan'" 1
before="$(unknown 'Scaleout Health')$(unknown 'Part B ID')"
on coord -c "INSERT INTO j7599.payer_alias (alias, payer_id, source) VALUES ('Scaleout Health', 'zq_plan', 'test')" \
	2>>"$WORK/psql.err"
wait_for shard1 "SELECT count(*) FROM j7599.payer_alias WHERE alias = 'Scaleout Health'" 1
is "$before|$(unknown 'Scaleout Health')" "10|0" \
	"insert on the coordinator: the open shard session knows the new payer alias on its next statement"
on coord -c "UPDATE j7599.payer_alias SET alias = 'Scaleout Health Two' WHERE alias = 'Scaleout Health'" 2>>"$WORK/psql.err"
wait_for shard1 "SELECT count(*) FROM j7599.payer_alias WHERE alias = 'Scaleout Health Two'" 1
is "$(unknown 'Scaleout Health')$(unknown 'Scaleout Health Two')" "10" \
	"update on the coordinator: the renamed alias is known, the old spelling no longer"
on coord -c "DELETE FROM j7599.payer_alias WHERE alias = 'Scaleout Health Two'" 2>>"$WORK/psql.err"
wait_for shard1 "SELECT count(*) FROM j7599.payer_alias WHERE alias = 'Scaleout Health Two'" 0
is "$(unknown 'Scaleout Health Two')" 1 "delete on the coordinator: the alias is unknown again"
on coord -c "TRUNCATE j7599.payer_alias" 2>>"$WORK/psql.err"
wait_for shard1 "SELECT count(*) FROM j7599.payer_alias" 0
is "$(unknown 'Part B ID')" 1 "truncate on the coordinator: the shipped aliases are gone from the open session too"

# ---- a shard of another version
on shard2 -c "UPDATE pg_extension SET extversion = '1.2' WHERE extname = 'j7599'" 2>>"$WORK/psql.err"
got=$(fails_with coord "SELECT * FROM claims_audit")
on shard2 -c "UPDATE pg_extension SET extversion = '1.1' WHERE extname = 'j7599'" 2>>"$WORK/psql.err"
case "$got" in
"22023|audit part from another version of j7599|A part was written by j7599 1.2 "*"this database runs j7599 1.1 "*) ok 0 \
	"a shard of another version: the combined audit is refused (22023), the detail naming both versions" ;;
*) ok 1 "a shard of another version: the combined audit is refused (22023), the detail naming both versions"
	printf '#   have: %s\n' "$got" ;;
esac

tap_finish
