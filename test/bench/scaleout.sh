#!/usr/bin/env bash
# test/bench/scaleout.sh: a coordinator and one to three shards on this
# machine (four clusters), as doc/scale-out.md sets them up.
#
#   test/bench/scaleout.sh [LINES] [RUNS]      (defaults 600000, 3)
#
# Data: LINES lines of test/bench/gen_claims.sql (no deliberate error: the
# shards enforce; warnings still fire), in the coordinator's claims_src.  Median of RUNS:
#   single    j7599.audit_summary(claims_src) on the coordinator (the baseline)
#   combined  on 1, 2 and 3 shards: audit_partial on every shard at once
#             (foreign tables, async_capable), audit_combine on the coordinator;
#             checked equal to the baseline's result
#   load      once per shard count: INSERT INTO the hash-partitioned coordinator
#             table SELECT * FROM claims_src (postgres_fdw, batch_size 1000;
#             the shards enforce at severity error), against a direct load:
#             COPY of the same lines into one shard's enforced table
# Prints ratios against the baselines.  Every cluster shares the machine's
# cores: N shards are not N machines.
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
LINES=${1:-600000}
RUNS=${2:-3}
DB=bench_scaleout
export PGOPTIONS="-c client_min_messages=warning"
NODES="shard1 shard2 shard3"

j7599_deps && j7599_build
# the coordinator: the throwaway cluster of scripts/lib.sh (stopped on exit)
J7599_EXTRA_CONF="shared_buffers = '256MB'" j7599_cluster_up >/dev/null
COORD_DIR=$J7599_TMP
BASE=$((PGPORT + 1))
node_down() {
	for s in $NODES; do
		[ -f "$COORD_DIR/$s/data/postmaster.pid" ] &&
			runuser -u postgres -- "$PGBIN/pg_ctl" -D "$COORD_DIR/$s/data" -m immediate -w stop >/dev/null 2>&1
	done
	j7599_cluster_down
}
trap node_down EXIT
i=0
for s in $NODES; do
	d="$COORD_DIR/$s"
	mkdir -p "$d" && chown postgres: "$d"
	runuser -u postgres -- "$PGBIN/initdb" -D "$d/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
	cat >>"$d/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$d'
port = $((BASE + i))
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = '256MB'
work_mem = '64MB'
max_wal_size = '4GB'
max_parallel_workers_per_gather = 2
CONF
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$d/data" -l "$d/server.log" -w start >/dev/null
	j7599_psql -h "$d" -p $((BASE + i)) -d postgres -c "CREATE DATABASE $DB"
	j7599_psql -h "$d" -p $((BASE + i)) -d $DB -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION j7599 CASCADE'
	# an empty claims_src: the layout the shard tables copy
	j7599_psql -h "$d" -p $((BASE + i)) -d $DB -v rows=0 -v error_pct=0 -f "$J7599_ROOT/test/bench/gen_claims.sql" >/dev/null
	i=$((i + 1))
done
shard() { local n=$1; shift; j7599_psql -h "$COORD_DIR/shard$n" -p $((BASE + n - 1)) -d $DB "$@"; }

j7599_psql -d postgres -c "CREATE DATABASE $DB"
j7599_psql -d $DB -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION j7599 CASCADE' -c 'CREATE EXTENSION postgres_fdw'
j7599_log "generating $LINES claim lines (no deliberate error)"
j7599_psql -d $DB -v rows="$LINES" -v error_pct=0 -f "$J7599_ROOT/test/bench/gen_claims.sql" >/dev/null
REG="line => 'hcpcs', payer => 'payer_name', service_date => 'dos', units => 'units', ndc => 'ndc', pos => 'pos',
     dx => ARRAY['dx1', 'dx2'], narrative => 'line_note', prior_auth => 'prior_auth', days_supply => 'days_supply',
     transplant_date => 'transplant_date'"
j7599_psql -d $DB -c "SELECT j7599.register('claims_src', $REG)" -c 'VACUUM ANALYZE claims_src' >/dev/null
FILE="$COORD_DIR/claims.tsv"
j7599_psql -d $DB -c "COPY claims_src TO '$FILE'"
chmod 644 "$FILE"

# the shard tables: one per shard count (cN), enforced, with the audit view
for n in 1 2 3; do
	for c in 1 2 3; do
		[ "$c" -le "$n" ] || continue
		shard "$c" >/dev/null <<SQL
CREATE TABLE c$n (LIKE claims_src INCLUDING ALL);
CREATE TABLE direct$n (LIKE claims_src INCLUDING ALL);
SELECT j7599.register('c$n', $REG);
SELECT j7599.register('direct$n', $REG);
SELECT j7599.enforce('c$n');
SELECT j7599.enforce('direct$n');
CREATE VIEW c${n}_part AS SELECT * FROM j7599.audit_partial('c$n');
SQL
	done
done
for c in 1 2 3; do
	j7599_psql -d $DB >/dev/null <<SQL
CREATE SERVER shard$c FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$COORD_DIR/shard$c', port '$((BASE + c - 1))', dbname '$DB', extensions 'j7599',
             async_capable 'true', batch_size '1000', fetch_size '10000');
CREATE USER MAPPING FOR postgres SERVER shard$c OPTIONS (user 'postgres');
SQL
done
# cN on the coordinator: hash-partitioned over shards 1..N; cN_audit combines their parts
for n in 1 2 3; do
	{
		echo "CREATE TABLE c$n (LIKE claims_src) PARTITION BY HASH (claim_id);"
		parts=""
		for c in $(seq 1 $n); do
			echo "CREATE FOREIGN TABLE c${n}_s$c PARTITION OF c$n FOR VALUES WITH (MODULUS $n, REMAINDER $((c - 1)))
			          SERVER shard$c OPTIONS (table_name 'c$n');"
			echo "CREATE FOREIGN TABLE c${n}_part_s$c (version text, catalogue text, rows bigint, violated bigint[])
			          SERVER shard$c OPTIONS (table_name 'c${n}_part');"
			parts="$parts${parts:+ UNION ALL }SELECT * FROM c${n}_part_s$c"
		done
		echo "CREATE VIEW c${n}_audit AS SELECT * FROM j7599.audit_combine(ARRAY(
		          SELECT ROW(p.*)::j7599.audit_part FROM ($parts) AS p));"
	} | j7599_psql -d $DB >/dev/null
done

# ---- loads: through the coordinator, and directly into one shard
declare -A LOAD_MS
j7599_log "loading $LINES lines through the coordinator into 1, 2 and 3 shards, and directly into a shard"
for n in 1 2 3; do
	LOAD_MS[$n]=$(bench_ms j7599_psql -d $DB -c "INSERT INTO c$n SELECT * FROM claims_src")
	for c in $(seq 1 $n); do shard "$c" -c "VACUUM ANALYZE c$n" >/dev/null; done
	LOAD_MS[direct$n]=$(bench_ms shard 1 -c "\\copy direct$n FROM '$FILE'")
done
LOADED=$(j7599_psql -At -d $DB -c "SELECT (SELECT count(*) FROM c1) || ' ' || (SELECT count(*) FROM c2) || ' ' || (SELECT count(*) FROM c3)")
[ "$LOADED" = "$LINES $LINES $LINES" ] || { echo "load incomplete: $LOADED" >&2; exit 1; }

# ---- audits
single_q="SELECT string_agg(a::text, ';') FROM j7599.audit_summary('claims_src') AS a"
want=$(j7599_psql -At -d $DB -c "$single_q")
for n in 1 2 3; do
	have=$(j7599_psql -At -d $DB -c "SELECT string_agg(a::text, ';') FROM c${n}_audit AS a")
	[ "$have" = "$want" ] || { echo "combined audit on $n shards differs from audit_summary" >&2; exit 1; }
done
j7599_log "auditing: single-node audit_summary against the combined audit on 1, 2 and 3 shards ($RUNS runs each)"
s=() a1=() a2=() a3=()
for r in $(seq 1 "$RUNS"); do
	s+=("$(bench_ms j7599_psql -d $DB -c "$single_q")")
	a1+=("$(bench_ms j7599_psql -d $DB -c 'SELECT count(*) FROM c1_audit')")
	a2+=("$(bench_ms j7599_psql -d $DB -c 'SELECT count(*) FROM c2_audit')")
	a3+=("$(bench_ms j7599_psql -d $DB -c 'SELECT count(*) FROM c3_audit')")
done
S=$(bench_median "${s[@]}")
A1=$(bench_median "${a1[@]}") A2=$(bench_median "${a2[@]}") A3=$(bench_median "${a3[@]}")

echo
echo "scale-out, $LINES lines, $(nproc) cores shared by four clusters; median of $RUNS runs (ms)"
printf '%-44s %8s %10s %10s\n' "" "ms" "lines/s" "vs base"
printf '%-44s %8s %10s %10s\n' "audit_summary, one database (base)" "$S" "$(bench_rate "$LINES" "$S")" "1.00"
for n in 1 2 3; do
	eval "A=\$A$n"
	printf '%-44s %8s %10s %10s\n' "audit_partial x$n + audit_combine" "$A" "$(bench_rate "$LINES" "$A")" "$(bench_ratio "$A" "$S")"
done
for n in 1 2 3; do
	printf '%-44s %8s %10s %10s\n' "direct COPY into one shard (base $n)" "${LOAD_MS[direct$n]}" \
		"$(bench_rate "$LINES" "${LOAD_MS[direct$n]}")" "1.00"
	printf '%-44s %8s %10s %10s\n' "INSERT ... SELECT via coordinator, $n shard(s)" "${LOAD_MS[$n]}" \
		"$(bench_rate "$LINES" "${LOAD_MS[$n]}")" "$(bench_ratio "${LOAD_MS[$n]}" "${LOAD_MS[direct$n]}")"
done
echo "(vs base: time ratio, lower is faster; the combined audits equal audit_summary's result)"
