#!/usr/bin/env bash
# test/bench/report.sh: what the analysts' page costs against the audit it
# contains.
#
#   test/bench/report.sh [ROWS] [RUNS]      (defaults 1000000, 5)
#
# ROWS generated claim lines (gen_claims.sql, error_pct 8) in a registered
# table; in each run, one session times, interleaved (the order alternates),
#   audit_summary   SELECT * FROM j7599.audit_summary(tbl)
#   report          SELECT j7599.report(tbl)
#   one_pass        the one pass of the report alone (j7599._report_cells;
#                   in a build without it, j7599._report_groups with every
#                   key), where the build has it
#   utilisation, modifier_usage, unresolved_payers (the cheap passes)
# with the cluster's parallel settings.  Prints the medians, each one's ratio
# to audit_summary, and the ratio report / audit_summary against its goal
# (printed, not asserted): at most 2x.
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
ROWS=${1:-1000000}
RUNS=${2:-5}
DB=bench_report

bench_setup $DB "$ROWS" 8
have=$(j7599_psql -d $DB -At -c "SELECT to_regprocedure('j7599.report(regclass)') IS NOT NULL")
if [ "$have" != t ]; then
	echo "report.sh: this build of j7599 has no j7599.report (sql/install/47_report_page.sql)" >&2
	exit 2
fi
j7599_psql -d $DB -f "$J7599_ROOT/test/bench/validate_baseline.sql" >/dev/null
j7599_psql -d $DB >/dev/null <<'SQL'
VACUUM ANALYZE claims_src;
SELECT j7599.register('claims_src', line => 'hcpcs', payer => 'payer_name', service_date => 'dos',
                      units => 'units', ndc => 'ndc', pos => 'pos', dx => ARRAY['dx1', 'dx2'],
                      narrative => 'line_note', prior_auth => 'prior_auth', days_supply => 'days_supply',
                      transplant_date => 'transplant_date');
SQL

declare -A Q=(
	[audit_summary]="SELECT count(*) FROM j7599.audit_summary('claims_src')"
	[report]="SELECT length(j7599.report('claims_src'))"
	[utilisation]="SELECT count(*) FROM j7599.utilisation('claims_src')"
	[modifier_usage]="SELECT count(*) FROM j7599.modifier_usage('claims_src')"
	[unresolved_payers]="SELECT count(*) FROM j7599.unresolved_payers('claims_src')"
)
NAMES=(audit_summary report utilisation modifier_usage unresolved_payers)
if [ "$(j7599_psql -d $DB -At -c "SELECT to_regprocedure('j7599._report_cells(regclass)') IS NOT NULL")" = t ]; then
	Q[one_pass]="SELECT count(*) FROM j7599._report_cells('claims_src')"
	NAMES=(audit_summary report one_pass utilisation modifier_usage unresolved_payers)
elif [ "$(j7599_psql -d $DB -At -c "SELECT to_regprocedure('j7599._report_groups(regclass,text[])') IS NOT NULL")" = t ]; then
	Q[one_pass]="SELECT count(*) FROM j7599._report_groups('claims_src', '{month,payer,pos,line,findings}')"
	NAMES=(audit_summary report one_pass utilisation modifier_usage unresolved_payers)
fi
declare -A MS=()
j7599_log "$ROWS claim lines: report against audit_summary, median of $RUNS interleaved runs"
for r in $(seq 1 "$RUNS"); do
	if [ $((r % 2)) -eq 1 ]; then
		order=("${NAMES[@]}")
	else
		order=()
		for ((i = ${#NAMES[@]} - 1; i >= 0; i--)); do order+=("${NAMES[$i]}"); done
	fi
	sql="SET jit = off; SELECT 'warmup', bench.time_ms(\$q\$${Q[report]}\$q\$);"
	for name in "${order[@]}"; do
		sql+=" SELECT '$name', bench.time_ms(\$q\$${Q[$name]}\$q\$);"
	done
	out=$(j7599_psql -d $DB -At -F ' ' -c "$sql" | grep -v '^warmup ')
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
echo
printf '%-40s %10s %10s %12s %8s\n' "statement" "lines" "median ms" "lines/s" "ratio"
base=$(median_of audit_summary)
for name in "${NAMES[@]}"; do
	m=$(median_of "$name")
	printf '%-40s %10s %10s %12s %8s\n' "$name" "$ROWS" "$m" "$(bench_rate "$ROWS" "$m")" "$(bench_ratio "$m" "$base")"
done
x=$(bench_ratio "$(median_of report)" "$base")
echo "(ratio: time over audit_summary's time)"
echo "report vs audit_summary: ${x}x  goal <= 2x: $(awk -v v="$x" 'BEGIN { print (v <= 2 ? "met" : "NOT met") }')"
