#!/usr/bin/env bash
# test/bench/legacy.sh: how fast a legacy table (dates, units and days kept as
# text) is audited, against the same lines typed, in the same run.
#
#   test/bench/legacy.sh [ROWS] [RUNS]      (defaults 1000000, 3)
#
# ROWS generated claim lines (gen_claims.sql, error_pct 10) in
#   typed    claims_src as generated: dos and transplant_date date, units
#            numeric, days_supply integer
#   legacy   the same lines with those four columns as text: the service date
#            written YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD by turns, units and
#            days as decimal text, and one line in a thousand with a service
#            date that is not a calendar day (2024-02-30)
# both registered with every input; SELECT * FROM j7599.audit_summary(tbl)
# timed on one core (max_parallel_workers_per_gather = 0), median of RUNS.
# Prints rows/s of each and their ratio; the goal (printed, not asserted):
# the legacy table at least 1,000,000 rows/s.  Also checks that both
# summaries agree but for SERVICE_DATE_MALFORMED on the planted lines.
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
ROWS=${1:-1000000}
RUNS=${2:-3}
DB=bench_legacy

bench_setup $DB "$ROWS" 10
j7599_log "tables: typed (claims_src) and legacy (text dates, units, days)"
j7599_psql -d $DB >/dev/null <<'SQL'
CREATE TABLE claims_legacy AS
SELECT claim_id, line_no, hcpcs, payer_name,
       CASE WHEN claim_id % 1000 = 7 AND line_no = 1 THEN '2024-02-30'
            ELSE CASE claim_id % 3 WHEN 0 THEN to_char(dos, 'YYYY-MM-DD')
                                   WHEN 1 THEN to_char(dos, 'MM/DD/YYYY')
                                   ELSE to_char(dos, 'YYYYMMDD') END END AS dos,
       units::text AS units, ndc, pos, dx1, dx2, line_note, prior_auth,
       days_supply::text AS days_supply, to_char(transplant_date, 'YYYY-MM-DD') AS transplant_date
FROM claims_src;
ALTER TABLE claims_legacy ADD PRIMARY KEY (claim_id, line_no);
VACUUM ANALYZE claims_src;
VACUUM ANALYZE claims_legacy;
SELECT j7599.register(t, line => 'hcpcs', payer => 'payer_name', service_date => 'dos', units => 'units',
                      ndc => 'ndc', pos => 'pos', dx => '{dx1,dx2}', narrative => 'line_note',
                      prior_auth => 'prior_auth', days_supply => 'days_supply', transplant_date => 'transplant_date')
FROM unnest('{claims_src,claims_legacy}'::regclass[]) AS t;
SQL

summary() {
	j7599_psql -d $DB -c "SET max_parallel_workers_per_gather = 0" -c "SELECT * FROM j7599.audit_summary('$1')"
}
# warm the cache and the pages
summary claims_src >/dev/null
summary claims_legacy >/dev/null
typed=()
legacy=()
for _ in $(seq "$RUNS"); do
	typed+=("$(bench_ms summary claims_src)")
	legacy+=("$(bench_ms summary claims_legacy)")
done
t_ms=$(bench_median "${typed[@]}")
l_ms=$(bench_median "${legacy[@]}")
t_rate=$(bench_rate "$ROWS" "$t_ms")
l_rate=$(bench_rate "$ROWS" "$l_ms")

diff=$(j7599_psql -d $DB -At <<'SQL'
SET max_parallel_workers_per_gather = 0;
SELECT count(*) FROM (
    (SELECT rule, severity, rows_violated FROM j7599.audit_summary('claims_src')
     EXCEPT SELECT rule, severity, rows_violated FROM j7599.audit_summary('claims_legacy'))
    UNION ALL
    (SELECT rule, severity, rows_violated FROM j7599.audit_summary('claims_legacy')
     EXCEPT SELECT rule, severity, rows_violated FROM j7599.audit_summary('claims_src'))) d;
SELECT rows_violated FROM j7599.audit_summary('claims_legacy') WHERE rule = 'SERVICE_DATE_MALFORMED';
SQL
)
echo "# audit_summary of $ROWS lines on one core, median of $RUNS runs"
printf '%-10s %8s ms %12s rows/s\n' typed "$t_ms" "$t_rate" legacy "$l_ms" "$l_rate"
echo "legacy / typed time: $(bench_ratio "$l_ms" "$t_ms")x (goal: legacy at least 1000000 rows/s: $([ "$l_rate" -ge 1000000 ] && echo met || echo NOT met))"
echo "summaries: rows that differ, then SERVICE_DATE_MALFORMED lines of the legacy table (planted: one in a thousand claims):"
echo "$diff"
