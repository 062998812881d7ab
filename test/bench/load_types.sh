#!/usr/bin/env bash
# test/bench/load_types.sh: COPY of claim lines into a table whose line column
# is j7599.hcpcs_line against the same table with a text column (the
# baseline), interleaved, median of RUNS runs each.  Also the size of a line
# against the same line as text, and of a btree index on each.
#
#   test/bench/load_types.sh [ROWS] [RUNS]      (defaults 1000000, 5)
# Goal: typed load at most 1.10x the text load.
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
ROWS=${1:-1000000}
RUNS=${2:-5}
DB=bench_load

bench_setup $DB "$ROWS" 0
FILE="$J7599_TMP/claims.csv"
j7599_psql -d $DB -c "\\copy claims_src TO '$FILE' WITH (FORMAT csv)"
j7599_psql -d $DB <<'SQL'
CREATE TABLE load_text (LIKE claims_src);
CREATE TABLE load_typed (LIKE claims_src);
ALTER TABLE load_typed ALTER COLUMN hcpcs TYPE j7599.hcpcs_line USING hcpcs::j7599.hcpcs_line;
SQL

load() { j7599_psql -d $DB -c "TRUNCATE $1" -c "\\copy $1 FROM '$FILE' WITH (FORMAT csv)"; }
text_ms=() typed_ms=()
for r in $(seq 1 "$RUNS"); do
	if [ $((r % 2)) -eq 1 ]; then
		text_ms+=("$(bench_ms load load_text)")
		typed_ms+=("$(bench_ms load load_typed)")
	else
		typed_ms+=("$(bench_ms load load_typed)")
		text_ms+=("$(bench_ms load load_text)")
	fi
	echo "run $r: text ${text_ms[-1]} ms, hcpcs_line ${typed_ms[-1]} ms"
done
mt=$(bench_median "${text_ms[@]}")
my=$(bench_median "${typed_ms[@]}")

j7599_log "sizes"
j7599_psql -d $DB <<'SQL'
\pset footer off
SELECT 'J7599-JZ-KX' AS line,
       pg_column_size('J7599-JZ-KX'::j7599.hcpcs_line) AS hcpcs_line_bytes,
       pg_column_size('J7599-JZ-KX'::text) AS text_bytes;
SELECT (SELECT round(avg(pg_column_size(hcpcs)), 2) FROM load_typed) AS avg_hcpcs_line_bytes,
       (SELECT round(avg(pg_column_size(hcpcs)), 2) FROM load_text) AS avg_text_bytes;
CREATE INDEX load_text_hcpcs ON load_text (hcpcs);
CREATE INDEX load_typed_hcpcs ON load_typed (hcpcs);
SELECT pg_size_pretty(pg_relation_size('load_typed_hcpcs')) AS btree_hcpcs_line,
       pg_size_pretty(pg_relation_size('load_text_hcpcs')) AS btree_text,
       round(pg_relation_size('load_typed_hcpcs')::numeric / pg_relation_size('load_text_hcpcs'), 2) AS ratio;
SQL

j7599_log "COPY of $ROWS claim lines, median of $RUNS interleaved runs"
printf '%-28s %10s %14s %8s\n' "table" "median ms" "lines/s" "ratio"
printf '%-28s %10s %14s %8s\n' "text column (baseline)" "$mt" "$(bench_rate "$ROWS" "$mt")" "1.00"
printf '%-28s %10s %14s %8s\n' "hcpcs_line column" "$my" "$(bench_rate "$ROWS" "$my")" "$(bench_ratio "$my" "$mt")"
echo "goal: hcpcs_line load at most 1.10x the text load"
