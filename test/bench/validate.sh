#!/usr/bin/env bash
# test/bench/validate.sh: the rule engine over a claims table.
#
#   test/bench/validate.sh [ROWS] [RUNS]      (defaults 1000000, 5)
#   BASELINE_ROWS=N  lines the PL/pgSQL baseline runs on (default 100000, at most ROWS)
#
# On ROWS generated claim lines (gen_claims.sql, 10% with an error), one
# backend, parallel workers and JIT off, interleaved, median of RUNS runs:
#
#   validate     SELECT count(*) FROM claims_src c, LATERAL j7599.validate(...) f
#   validate/sub the same on the first BASELINE_ROWS lines
#   baseline     the same with bench.validate_plpgsql (validate_baseline.sql), on
#                the first BASELINE_ROWS lines: it is too slow for a million
#   is_valid     SELECT count(*) FILTER (WHERE j7599.is_valid(...)) FROM claims_src c
#   is_valid/distinct  the same over claims_distinct, a copy of claims_src whose
#                narratives are all distinct (line_note || ' rx<claim>-<line>'):
#                the generated claims repeat a few narratives, which the
#                engine's memos answer; real narratives rarely repeat
#   floor        SELECT count(*) FROM claims_src c
#   SETTINGS=1   also validate/settings and is_valid/settings: the same with 63
#                rule settings over 7 payers (bench_lib.sh) in the same session,
#                inserted before and deleted after them (the NDC crosswalk is
#                loaded in both: it ships with the extension)
#
# Each statement is timed inside the server (bench.time_ms: clock_timestamp()
# around EXECUTE), after a warm-up in the same session, so neither the client
# nor the one-off load of the reference cache is measured; the cache load is
# reported on its own.  Lines per second compare runs of different sizes.
# Goals (printed, not asserted): validate at least 20x the baseline's lines/s;
# is_valid at least 1,000,000 lines/s on one core.
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
ROWS=${1:-1000000}
RUNS=${2:-5}
BASELINE_ROWS=${BASELINE_ROWS:-100000}
[ "$BASELINE_ROWS" -le "$ROWS" ] || BASELINE_ROWS=$ROWS
DB=bench_validate
SETTINGS=${SETTINGS:-0}

bench_setup $DB "$ROWS" 10
j7599_psql -d $DB -f "$J7599_ROOT/test/bench/validate_baseline.sql"
j7599_psql -d $DB <<SQL
CREATE TABLE claims_sub AS SELECT * FROM claims_src ORDER BY claim_id, line_no LIMIT $BASELINE_ROWS;
ALTER TABLE claims_sub ADD PRIMARY KEY (claim_id, line_no);
CREATE TABLE claims_distinct (LIKE claims_src INCLUDING ALL);
INSERT INTO claims_distinct
    SELECT claim_id, line_no, hcpcs, payer_name, dos, units, ndc, pos, dx1, dx2,
           line_note || ' rx' || claim_id || '-' || line_no, prior_auth, days_supply, transplant_date
      FROM claims_src;
VACUUM ANALYZE claims_distinct;
VACUUM ANALYZE claims_src;
VACUUM ANALYZE claims_sub;
SQL

ARGS='line => c.hcpcs, payer => c.payer_name, service_date => c.dos, units => c.units, ndc => c.ndc,
      pos => c.pos, dx => ARRAY[c.dx1, c.dx2], narrative => c.line_note, prior_auth => c.prior_auth,
      days_supply => c.days_supply, transplant_date => c.transplant_date'
declare -A QUERY=(
	[validate]="SELECT count(*) FROM claims_src AS c, LATERAL j7599.validate($ARGS) AS f"
	[validate_sub]="SELECT count(*) FROM claims_sub AS c, LATERAL j7599.validate($ARGS) AS f"
	[baseline]="SELECT count(*) FROM claims_sub AS c, LATERAL bench.validate_plpgsql($ARGS) AS f"
	[is_valid]="SELECT count(*) FILTER (WHERE j7599.is_valid($ARGS)) FROM claims_src AS c"
	[is_valid_distinct]="SELECT count(*) FILTER (WHERE j7599.is_valid($ARGS)) FROM claims_distinct AS c"
	[floor]="SELECT count(*) FROM claims_src AS c"
)
ORDER=(validate validate_sub baseline is_valid is_valid_distinct floor)

SESSION_SETUP="SET max_parallel_workers_per_gather = 0; SET jit = off;"

# one run: a fresh session, a warm-up of every statement on a few lines, then
# each statement timed in the given order; prints "name ms" lines
run_once() {
	local sql="$SESSION_SETUP" name warm
	for name in "${ORDER[@]}"; do
		warm=${QUERY[$name]//FROM claims_src AS c/FROM (SELECT * FROM claims_src LIMIT 100) AS c}
		warm=${warm//FROM claims_sub AS c/FROM (SELECT * FROM claims_sub LIMIT 100) AS c}
		warm=${warm//FROM claims_distinct AS c/FROM (SELECT * FROM claims_distinct LIMIT 100) AS c}
		sql+=" SELECT 'warmup', bench.time_ms(\$q\$$warm\$q\$);"
	done
	for name in "$@"; do
		case $name in
		*_settings)
			local base=${name%_settings}
			warm=${QUERY[$base]//FROM claims_src AS c/FROM (SELECT * FROM claims_src LIMIT 100) AS c}
			sql+=" $BENCH_SETTINGS_INSERT SELECT 'warmup', bench.time_ms(\$q\$$warm\$q\$);"
			sql+=" SELECT '$name', bench.time_ms(\$q\$${QUERY[$base]}\$q\$);"
			sql+=" $BENCH_SETTINGS_DELETE SELECT 'warmup', bench.time_ms(\$q\$$warm\$q\$);"
			;;
		*) sql+=" SELECT '$name', bench.time_ms(\$q\$${QUERY[$name]}\$q\$);" ;;
		esac
	done
	j7599_psql -d $DB -At -F ' ' -c "$sql" | grep -v '^warmup '
}

declare -A MS=()
j7599_log "timing: $ROWS lines ($BASELINE_ROWS for the baseline), median of $RUNS interleaved runs"
for r in $(seq 1 "$RUNS"); do
	if [ $((r % 2)) -eq 1 ]; then
		order=("${ORDER[@]}")
		[ "$SETTINGS" = 1 ] && order+=(validate_settings is_valid_settings)
	else
		order=(floor is_valid_distinct is_valid baseline validate_sub validate)
		[ "$SETTINGS" = 1 ] && order=(is_valid_settings validate_settings "${order[@]}")
	fi
	out=$(run_once "${order[@]}")
	line="run $r:"
	while read -r name ms; do
		MS[$name]="${MS[$name]:-} $ms"
		line="$line $name $ms ms,"
	done <<<"$out"
	echo "${line%,}"
done

median_of() {
	# shellcheck disable=SC2086
	printf '%s\n' ${MS[$1]} | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'
}
rate() { awk -v r="$1" -v ms="$2" 'BEGIN { printf "%.0f", (ms > 0 ? r * 1000 / ms : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

m_val=$(median_of validate)
m_sub=$(median_of validate_sub)
m_base=$(median_of baseline)
m_isv=$(median_of is_valid)
m_isd=$(median_of is_valid_distinct)
m_floor=$(median_of floor)
r_val=$(rate "$ROWS" "$m_val")
r_sub=$(rate "$BASELINE_ROWS" "$m_sub")
r_base=$(rate "$BASELINE_ROWS" "$m_base")
r_isv=$(rate "$ROWS" "$m_isv")
r_isd=$(rate "$ROWS" "$m_isd")
r_floor=$(rate "$ROWS" "$m_floor")

j7599_log "what the statements return"
j7599_psql -d $DB <<SQL
$SESSION_SETUP
\pset footer off
SELECT (SELECT count(*) FROM claims_src) AS lines,
       (${QUERY[validate]}) AS findings,
       (SELECT count(*) FILTER (WHERE j7599.is_valid($ARGS)) FROM claims_src AS c) AS valid_lines,
       ($BASELINE_ROWS) AS baseline_lines,
       (${QUERY[validate_sub]}) AS findings_c_sub,
       (${QUERY[baseline]}) AS findings_baseline_sub;
SQL

j7599_log "reference cache: first is_valid call in a new session against the second"
j7599_psql -d $DB -At -F ' ' <<'SQL' | while read -r first second; do echo "first call $first ms, second call $second ms"; done
SELECT bench.time_ms($q$SELECT j7599.is_valid(line => 'J7599', payer => 'Medicare', service_date => date '2024-01-01')$q$),
       bench.time_ms($q$SELECT j7599.is_valid(line => 'J7599', payer => 'Aetna', service_date => date '2024-01-02')$q$);
SQL

j7599_log "j7599.validate / is_valid over $ROWS claim lines, median of $RUNS interleaved runs, one core"
printf '%-48s %10s %10s %14s\n' "statement" "lines" "median ms" "lines/s"
printf '%-48s %10s %10s %14s\n' "count(*) (the floor)" "$ROWS" "$m_floor" "$r_floor"
printf '%-48s %10s %10s %14s\n' "j7599.is_valid" "$ROWS" "$m_isv" "$r_isv"
printf '%-48s %10s %10s %14s\n' "j7599.is_valid, every narrative distinct" "$ROWS" "$m_isd" "$r_isd"
printf '%-48s %10s %10s %14s\n' "j7599.validate" "$ROWS" "$m_val" "$r_val"
printf '%-48s %10s %10s %14s\n' "j7599.validate, first lines" "$BASELINE_ROWS" "$m_sub" "$r_sub"
printf '%-48s %10s %10s %14s\n' "bench.validate_plpgsql (baseline), first lines" "$BASELINE_ROWS" "$m_base" "$r_base"
echo
over_ns=$(awk -v a="$m_isv" -v b="$m_floor" -v r="$ROWS" 'BEGIN { printf "%.0f", (a - b) * 1e6 / r }')
net=$(awk -v a="$m_isv" -v b="$m_floor" -v r="$ROWS" 'BEGIN { printf "%.0f", (a > b ? r * 1000 / (a - b) : 0) }')
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print (v >= g ? "met" : "NOT met") }'; }
x_val=$(ratio "$r_val" "$r_base")
x_sub=$(ratio "$r_sub" "$r_base")
echo "validate vs baseline, lines/s:          ${x_val}x (same first $BASELINE_ROWS lines: ${x_sub}x)  goal >= 20x: $(verdict "$x_val" 20)"
echo "is_valid:                               $r_isv lines/s  goal >= 1000000: $(verdict "$r_isv" 1000000)"
echo "is_valid, every narrative distinct:     $r_isd lines/s ($(ratio "$m_isd" "$m_isv")x the time with the generated narratives)"
echo "is_valid over the floor:                $(ratio "$m_isv" "$m_floor")x the time of count(*), ${over_ns} ns per line, ${net} lines/s net"
echo "validate over the floor:                $(ratio "$m_val" "$m_floor")x the time of count(*)"
if [ "$SETTINGS" = 1 ]; then
	m_vs=$(median_of validate_settings)
	m_is=$(median_of is_valid_settings)
	echo "validate with 63 rule settings:         $m_vs ms ($(ratio "$m_vs" "$m_val")x without)  goal <= 1.05x: $(awk -v a="$m_vs" -v b="$m_val" 'BEGIN { print (a <= 1.05 * b ? "met" : "NOT met") }')"
	echo "is_valid with 63 rule settings:         $m_is ms ($(ratio "$m_is" "$m_isv")x without)  goal <= 1.05x: $(awk -v a="$m_is" -v b="$m_isv" 'BEGIN { print (a <= 1.05 * b ? "met" : "NOT met") }')"
fi
