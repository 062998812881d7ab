# test/bench/bench_lib.sh: timing helpers for the benchmarks (sourced).
# Every benchmark measures its baseline in the same run and prints ratios.

# bench_ms CMD...: run CMD, print its wall time in milliseconds
bench_ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null || { echo "benchmark command failed: $*" >&2; return 1; }
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

# bench_median N1 N2 ...: the median of the numbers
bench_median() {
	printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'
}

# bench_ratio A B: A/B with two decimals
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# bench_rate ROWS MS: rows per second
bench_rate() { awk -v r="$1" -v ms="$2" 'BEGIN { printf "%.0f", (ms > 0 ? r * 1000 / ms : 0) }'; }

# bench_setup DB ROWS ERROR_PCT: throwaway cluster, database DB with j7599 and claims_src
bench_setup() {
	j7599_deps && j7599_build && j7599_cluster_up || return 1
	j7599_psql -d postgres -c "CREATE DATABASE $1" &&
		j7599_psql -d "$1" -c 'CREATE EXTENSION j7599 CASCADE' &&
		j7599_log "generating $2 claim lines ($3% with an error)" &&
		j7599_psql -d "$1" -v rows="$2" -v error_pct="$3" -f "$J7599_ROOT/test/bench/gen_claims.sql"
}

# The rule settings of the SETTINGS=1 variants: 63 settings (7 payers, NULL
# included, by 9 rules), a third of them dated; warnings, infos and offs only,
# so an enforced load of clean lines is never refused.  Inserted, timed and
# deleted again inside one session, so the same run measures with and without.
BENCH_SETTINGS_INSERT="INSERT INTO j7599.rule_setting (payer_id, rule, severity, valid, note)
    SELECT p.id, r.rule, (ARRAY['warning', 'info', 'off'])[1 + (p.n + r.n) % 3],
           CASE WHEN (p.n + r.n) % 3 = 0 THEN daterange('2024-01-01', '2025-01-01') ELSE '(,)' END, 'bench'
      FROM unnest(ARRAY['medicare', 'aetna', 'bcbs', 'cigna', 'uhc', 'buca', NULL]) WITH ORDINALITY AS p (id, n),
           (SELECT rule, row_number() OVER (ORDER BY rule) AS n FROM j7599.rules() ORDER BY rule LIMIT 9) AS r;"
BENCH_SETTINGS_DELETE="DELETE FROM j7599.rule_setting WHERE note = 'bench';"
