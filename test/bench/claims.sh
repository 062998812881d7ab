#!/usr/bin/env bash
# test/bench/claims.sh: the claim-level rules.
#
#   test/bench/claims.sh [LINES] [RUNS]      (defaults 1000000, 5)
#
# Data: LINES generated lines in LINES/4 claims of four lines each (a drug,
# its supply fee, a JW line beside the drug, a second drug), 2% of the
# claims broken in one of the five ways the claim rules see; unit limits
# loaded for the drugs (bench values, not published ones).  Measured, median
# of RUNS interleaved runs:
#   audit      SELECT count(*) FROM j7599.audit_claims(tbl), one core
#   sql        the plain SQL a team would write for the same five rules: one
#              GROUP BY query per rule (UNION ALL), one core
#   copy       COPY of the LINES lines into an empty table with an index on
#              the claim key: plain, and with j7599.enforce_claims
# Goals (printed, not asserted): audit_claims at least 500,000 lines/s on one
# core and at least 5x faster than the plain SQL; the enforced COPY at most
# 1.5x the plain one.
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
LINES=${1:-1000000}
RUNS=${2:-5}
CLAIMS=$((LINES / 4))
DB=bench_claims

bench_setup $DB 0 0 >/dev/null
j7599_psql -d $DB -f "$J7599_ROOT/test/bench/validate_baseline.sql" >/dev/null
FILE="$J7599_TMP/claim_lines.csv"

j7599_log "generating $LINES lines in $CLAIMS claims"
j7599_psql -d $DB >/dev/null <<SQL
SET client_min_messages = warning;
CREATE TABLE claim_lines (
    claim_id  bigint NOT NULL,
    line_no   int NOT NULL,
    hcpcs     text,
    payer     text,
    dos       date,
    units     numeric,
    ndc       text,
    PRIMARY KEY (claim_id, line_no)
);
-- kind of a claim: 0 clean; 1 fee without drug, 2 JW without its drug line,
-- 3 JW and JZ, 4 a duplicate line, 5 units over the limits (2% broken)
CREATE TEMP TABLE kinds (k int, l int, hcpcs text, units numeric, ndc text);
INSERT INTO kinds VALUES
    (0, 1, 'J7507', 60, '00469-0617-71'), (0, 2, 'Q0511', 1, NULL), (0, 3, 'J7507-JW', 2, '00469-0617-71'), (0, 4, 'J7502', 4, NULL),
    (1, 1, 'Q0511', 1, NULL), (1, 2, 'Q0512', 1, NULL), (1, 3, 'A4221', 1, NULL), (1, 4, 'A4222', 1, NULL),
    (2, 1, 'J7502', 60, NULL), (2, 2, 'Q0511', 1, NULL), (2, 3, 'J7507-JW', 2, '00469-0617-71'), (2, 4, 'J7502', 4, NULL),
    (3, 1, 'J7507', 60, '00469-0617-71'), (3, 2, 'Q0511', 1, NULL), (3, 3, 'J7507-JW', 2, '00469-0617-71'), (3, 4, 'J7507-JZ', 1, NULL),
    (4, 1, 'J7507', 60, '00469-0617-71'), (4, 2, 'Q0511', 1, NULL), (4, 3, 'J7507-JW', 2, '00469-0617-71'), (4, 4, 'Q0511', 1, NULL),
    (5, 1, 'J7507', 90, '00469-0617-71'), (5, 2, 'Q0511', 1, NULL), (5, 3, 'J7507-JW', 2, '00469-0617-71'), (5, 4, 'J7502', 4, NULL);
INSERT INTO claim_lines
SELECT s.c, k.l, k.hcpcs, (ARRAY['Medicare', 'Aetna', 'UnitedHealthcare', 'BCBS'])[1 + s.c % 4],
       date '2024-01-01' + (s.c % 700)::int, k.units, k.ndc
FROM (SELECT c, CASE WHEN abs(hashint8(c)) % 100 < 2 THEN 1 + abs(hashint8(c * 7)) % 5 ELSE 0 END AS k
      FROM generate_series(1, $CLAIMS) AS c) AS s
JOIN kinds AS k ON k.k = s.k
ORDER BY s.c, k.l;
CREATE INDEX ON claim_lines (claim_id);
VACUUM ANALYZE claim_lines;
COPY claim_lines TO '$FILE' WITH (FORMAT csv);
SELECT j7599.register('claim_lines', line => 'hcpcs', payer => 'payer', service_date => 'dos', units => 'units',
                      ndc => 'ndc', claim_key => ARRAY['claim_id']);
CREATE TEMP TABLE limits_stage (code text, max_units numeric, per text, source text);
INSERT INTO limits_stage VALUES ('J7507', 80, 'day', 'bench value'), ('J7507', 80, 'line', 'bench value'),
                                ('J7502', 100, 'day', 'bench value');
SELECT * FROM j7599.load_unit_limits('limits_stage');

CREATE TABLE load_plain (LIKE claim_lines INCLUDING INDEXES);
CREATE TABLE load_enforced (LIKE claim_lines INCLUDING INDEXES);
SELECT j7599.register('load_enforced', line => 'hcpcs', payer => 'payer', service_date => 'dos', units => 'units',
                      ndc => 'ndc', claim_key => ARRAY['claim_id']);
SELECT j7599.enforce_claims('load_enforced', 'warning');
SQL

# the load must pass: drop the broken claims from the file the COPYs load
CLEANFILE="$J7599_TMP/claim_lines_clean.csv"
j7599_psql -d $DB >/dev/null <<SQL
COPY (SELECT * FROM claim_lines WHERE claim_id NOT IN (SELECT (claim_key ->> 'claim_id')::bigint FROM j7599.audit_claims('claim_lines'))
      ORDER BY claim_id, line_no) TO '$CLEANFILE' WITH (FORMAT csv);
SQL
CLEAN_LINES=$(wc -l <"$CLEANFILE")

# the plain SQL a team would write for the same five rules
Q_SQL=$(cat <<'SQL'
WITH l AS (
    SELECT claim_id, line_no, left(hcpcs, 5) AS code, hcpcs, dos, units, ndc,
           position('-JW' IN hcpcs) > 0 AS jw, position('-JZ' IN hcpcs) > 0 AS jz
    FROM claim_lines WHERE claim_id IS NOT NULL)
SELECT count(*) FROM (
    SELECT claim_id, 'SUPPLY_FEE_WITHOUT_DRUG' FROM l GROUP BY claim_id
    HAVING bool_or(code IN ('Q0510', 'Q0511', 'Q0512'))
       AND NOT bool_or(code BETWEEN 'J7500' AND 'J7599' OR code BETWEEN 'J8501' AND 'J8999' OR code BETWEEN 'Q0162' AND 'Q0181')
    UNION ALL
    SELECT claim_id, 'WASTE_WITHOUT_ADMINISTERED' FROM l GROUP BY claim_id, code, dos
    HAVING bool_or(jw) AND NOT bool_or(NOT jw)
    UNION ALL
    SELECT claim_id, 'WASTE_MODIFIERS_MIXED' FROM l GROUP BY claim_id, code, dos
    HAVING bool_or(jw) AND bool_or(jz)
    UNION ALL
    SELECT claim_id, 'DUPLICATE_LINE' FROM l GROUP BY claim_id, hcpcs, dos, ndc, units HAVING count(*) > 1
    UNION ALL
    SELECT s.claim_id, 'UNITS_EXCEED_DAILY_LIMIT'
    FROM (SELECT claim_id, code, dos, sum(units) AS units FROM l GROUP BY claim_id, code, dos) s
    JOIN j7599.unit_limit u ON u.code = s.code AND u.per = 'day' AND u.valid @> s.dos AND s.units > u.max_units
    UNION ALL
    SELECT l.claim_id, 'UNITS_EXCEED_DAILY_LIMIT'
    FROM l JOIN j7599.unit_limit u ON u.code = l.code AND u.per = 'line' AND u.valid @> l.dos AND l.units > u.max_units
) AS findings
SQL
)
Q_AUDIT="SELECT count(*) FROM j7599.audit_claims('claim_lines')"

have_audit=$(j7599_psql -d $DB -At -c "SET max_parallel_workers_per_gather = 0; $Q_AUDIT")
have_sql=$(j7599_psql -d $DB -At -c "SET max_parallel_workers_per_gather = 0; $Q_SQL")
j7599_log "findings: audit_claims $have_audit, plain SQL $have_sql (the SQL ignores NDCs in the JW rule)"

declare -A MS=()
j7599_log "median of $RUNS interleaved runs (one core; COPY of $CLEAN_LINES lines of clean claims)"
for r in $(seq 1 "$RUNS"); do
	if [ $((r % 2)) -eq 1 ]; then
		order=(audit sql copy_plain copy_enforced)
	else
		order=(copy_enforced copy_plain sql audit)
	fi
	sql="SET max_parallel_workers_per_gather = 0; SET jit = off; SELECT 'warmup', bench.time_ms(\$q\$$Q_AUDIT\$q\$);"
	for name in "${order[@]}"; do
		case $name in
		audit) sql+=" SELECT '$name', bench.time_ms(\$q\$$Q_AUDIT\$q\$);" ;;
		sql) sql+=" SELECT '$name', bench.time_ms(\$q\$$Q_SQL\$q\$);" ;;
		copy_plain) sql+=" TRUNCATE load_plain; CHECKPOINT; SELECT '$name', bench.time_ms(\$q\$COPY load_plain FROM '$CLEANFILE' WITH (FORMAT csv)\$q\$);" ;;
		copy_enforced) sql+=" TRUNCATE load_enforced; CHECKPOINT; SELECT '$name', bench.time_ms(\$q\$COPY load_enforced FROM '$CLEANFILE' WITH (FORMAT csv)\$q\$);" ;;
		esac
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
verdict_le() { awk -v v="$1" -v g="$2" 'BEGIN { print (v <= g ? "met" : "NOT met") }'; }
verdict_ge() { awk -v v="$1" -v g="$2" 'BEGIN { print (v >= g ? "met" : "NOT met") }'; }
m_audit=$(median_of audit)
m_sql=$(median_of sql)
m_plain=$(median_of copy_plain)
m_enf=$(median_of copy_enforced)
r_audit=$(bench_rate "$LINES" "$m_audit")
x_sql=$(bench_ratio "$m_sql" "$m_audit")
x_copy=$(bench_ratio "$m_enf" "$m_plain")

printf '%-52s %10s %10s %12s\n' "statement" "lines" "median ms" "lines/s"
printf '%-52s %10s %10s %12s\n' "j7599.audit_claims, one core" "$LINES" "$m_audit" "$r_audit"
printf '%-52s %10s %10s %12s\n' "plain SQL, five GROUP BY queries, one core" "$LINES" "$m_sql" "$(bench_rate "$LINES" "$m_sql")"
printf '%-52s %10s %10s %12s\n' "COPY into a plain table (index on claim_id)" "$CLEAN_LINES" "$m_plain" "$(bench_rate "$CLEAN_LINES" "$m_plain")"
printf '%-52s %10s %10s %12s\n' "COPY with j7599.enforce_claims" "$CLEAN_LINES" "$m_enf" "$(bench_rate "$CLEAN_LINES" "$m_enf")"
echo
echo "audit_claims, one core:            $r_audit lines/s  goal >= 500000: $(verdict_ge "$r_audit" 500000)"
echo "plain SQL time / audit_claims time: ${x_sql}x  goal >= 5x: $(verdict_ge "$x_sql" 5)"
echo "enforced COPY / plain COPY:         ${x_copy}x  goal <= 1.5x: $(verdict_le "$x_copy" 1.5)"
