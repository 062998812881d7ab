#!/usr/bin/env bash
# test/bench/validate_check.sh: do j7599.validate (C) and the PL/pgSQL
# baseline bench.validate_plpgsql (validate_baseline.sql) find the same rules
# on the same lines?  The benchmark ratio of validate.sh only means something
# if they do.
#
#   test/bench/validate_check.sh [ROWS] [ERROR_PCT] [MIX_ROWS]   (defaults 20000, 30, 20000)
#
# Two inputs, on a throwaway cluster:
#   claims_src  ROWS generated claim lines (gen_claims.sql), ERROR_PCT% with an error
#   mix_src     MIX_ROWS lines built to reach every rule and the corners of the
#               inputs (validate_mix.sql; it adds test payers and policies)
# For each: the agreement rate over lines (same rules, same number of times),
# the (line, rule) pairs found by one side only, per rule, with sample lines,
# rules found by both with a different severity or field, and is_valid
# against the absence of an error finding, on both sides.  Message texts and
# sources are not compared.  Exits 1 when anything disagrees.
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
ROWS=${1:-20000}
ERROR_PCT=${2:-30}
MIX_ROWS=${3:-20000}
DB=bench_check

bench_setup $DB "$ROWS" "$ERROR_PCT"
j7599_psql -d $DB -f "$J7599_ROOT/test/bench/validate_baseline.sql"

# compare SRC: prints the report of one table; its last line is "DIFFERENCES n"
compare() {
	j7599_psql -d $DB -v src="$1" <<'SQL'
\pset footer off
\pset null '(null)'
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE cmp_c AS
    SELECT c.claim_id, c.line_no, f.rule, f.severity, f.field
      FROM :src AS c,
           LATERAL j7599.validate(line => c.hcpcs, payer => c.payer_name, service_date => c.dos, units => c.units,
                                  ndc => c.ndc, pos => c.pos, dx => ARRAY[c.dx1, c.dx2], narrative => c.line_note,
                                  prior_auth => c.prior_auth, days_supply => c.days_supply,
                                  transplant_date => c.transplant_date) AS f;
CREATE TEMP TABLE cmp_b AS
    SELECT c.claim_id, c.line_no, f.rule, f.severity, f.field
      FROM :src AS c,
           LATERAL bench.validate_plpgsql(line => c.hcpcs, payer => c.payer_name, service_date => c.dos,
                                          units => c.units, ndc => c.ndc, pos => c.pos, dx => ARRAY[c.dx1, c.dx2],
                                          narrative => c.line_note, prior_auth => c.prior_auth,
                                          days_supply => c.days_supply, transplant_date => c.transplant_date) AS f;
-- (line, rule) with how often each side reports it
CREATE TEMP TABLE cmp_pairs AS
    SELECT claim_id, line_no, rule, coalesce(c.n, 0) AS c_n, coalesce(b.n, 0) AS b_n
      FROM (SELECT claim_id, line_no, rule, count(*) AS n FROM cmp_c GROUP BY 1, 2, 3) AS c
      FULL JOIN (SELECT claim_id, line_no, rule, count(*) AS n FROM cmp_b GROUP BY 1, 2, 3) AS b
     USING (claim_id, line_no, rule);
CREATE TEMP TABLE cmp_valid AS
    SELECT c.claim_id, c.line_no,
           j7599.is_valid(line => c.hcpcs, payer => c.payer_name, service_date => c.dos, units => c.units,
                          ndc => c.ndc, pos => c.pos, dx => ARRAY[c.dx1, c.dx2], narrative => c.line_note,
                          prior_auth => c.prior_auth, days_supply => c.days_supply,
                          transplant_date => c.transplant_date) AS c_valid,
           bench.is_valid_plpgsql(line => c.hcpcs, payer => c.payer_name, service_date => c.dos, units => c.units,
                                  ndc => c.ndc, pos => c.pos, dx => ARRAY[c.dx1, c.dx2], narrative => c.line_note,
                                  prior_auth => c.prior_auth, days_supply => c.days_supply,
                                  transplant_date => c.transplant_date) AS b_valid,
           EXISTS (SELECT 1 FROM cmp_c AS x WHERE (x.claim_id, x.line_no) = (c.claim_id, c.line_no)
                      AND x.severity = 'error') AS c_error,
           EXISTS (SELECT 1 FROM cmp_b AS x WHERE (x.claim_id, x.line_no) = (c.claim_id, c.line_no)
                      AND x.severity = 'error') AS b_error
      FROM :src AS c;

\echo
\echo '-- lines: agreement = same rules, each the same number of times'
SELECT (SELECT count(*) FROM :src) AS lines,
       (SELECT count(*) FROM :src) - count(DISTINCT (claim_id, line_no)) FILTER (WHERE c_n <> b_n) AS lines_agreeing,
       round(100.0 * ((SELECT count(*) FROM :src) - count(DISTINCT (claim_id, line_no)) FILTER (WHERE c_n <> b_n))
             / greatest((SELECT count(*) FROM :src), 1), 3) AS agreement_pct,
       count(*) FILTER (WHERE c_n > 0 AND b_n > 0) AS pairs_both,
       count(*) FILTER (WHERE c_n > 0 AND b_n = 0) AS pairs_c_only,
       count(*) FILTER (WHERE c_n = 0 AND b_n > 0) AS pairs_baseline_only,
       count(*) FILTER (WHERE c_n > 0 AND b_n > 0 AND c_n <> b_n) AS pairs_count_differs
  FROM cmp_pairs;

\echo '-- per rule: lines where each side reports it (c_only / baseline_only: disagreements)'
SELECT rule,
       count(*) FILTER (WHERE c_n > 0) AS c_lines,
       count(*) FILTER (WHERE b_n > 0) AS baseline_lines,
       count(*) FILTER (WHERE c_n > 0 AND b_n = 0) AS c_only,
       count(*) FILTER (WHERE c_n = 0 AND b_n > 0) AS baseline_only,
       count(*) FILTER (WHERE c_n > 0 AND b_n > 0 AND c_n <> b_n) AS count_differs
  FROM cmp_pairs GROUP BY rule ORDER BY rule;

\echo '-- rules reported by both with a different severity or field'
SELECT c.rule, c.severity AS c_severity, b.severity AS baseline_severity, c.field AS c_field,
       b.field AS baseline_field, count(*) AS findings
  FROM (SELECT DISTINCT * FROM cmp_c) AS c
  JOIN (SELECT DISTINCT * FROM cmp_b) AS b USING (claim_id, line_no, rule)
 WHERE (c.severity, c.field) IS DISTINCT FROM (b.severity, b.field)
   AND NOT EXISTS (SELECT 1 FROM cmp_b AS b2 WHERE (b2.claim_id, b2.line_no, b2.rule, b2.severity, b2.field)
                                                 = (c.claim_id, c.line_no, c.rule, c.severity, c.field))
 GROUP BY 1, 2, 3, 4, 5 ORDER BY 1;

\echo '-- is_valid against "no error finding" (C: j7599.is_valid vs j7599.validate; baseline: the same)'
SELECT count(*) FILTER (WHERE c_valid IS DISTINCT FROM NOT c_error AND c_valid IS NOT NULL) AS c_is_valid_vs_validate,
       count(*) FILTER (WHERE b_valid IS DISTINCT FROM NOT b_error AND b_valid IS NOT NULL) AS baseline_is_valid_vs_validate,
       count(*) FILTER (WHERE c_valid IS DISTINCT FROM b_valid) AS c_vs_baseline_is_valid,
       count(*) FILTER (WHERE c_valid) AS c_valid_lines
  FROM cmp_valid;

\echo '-- sample disagreeing lines, up to 3 per rule and side'
\x on
SELECT d.rule, d.side, s.hcpcs, s.payer_name, s.dos, s.units, s.ndc, s.pos, s.dx1, s.dx2, s.line_note,
       s.prior_auth, s.days_supply, s.transplant_date,
       (SELECT string_agg(rule, ',' ORDER BY rule) FROM cmp_c AS x
         WHERE (x.claim_id, x.line_no) = (d.claim_id, d.line_no)) AS c_rules,
       (SELECT string_agg(rule, ',' ORDER BY rule) FROM cmp_b AS x
         WHERE (x.claim_id, x.line_no) = (d.claim_id, d.line_no)) AS baseline_rules
  FROM (SELECT p.*, CASE WHEN c_n > b_n THEN 'C only' ELSE 'baseline only' END AS side,
               row_number() OVER (PARTITION BY rule, c_n > b_n ORDER BY claim_id, line_no) AS k
          FROM cmp_pairs AS p WHERE c_n <> b_n) AS d
  JOIN :src AS s USING (claim_id, line_no)
 WHERE d.k <= 3
 ORDER BY d.rule, d.side, d.claim_id, d.line_no;
\x off

\t on
\pset format unaligned
SELECT 'DIFFERENCES ' ||
       ((SELECT count(*) FROM cmp_pairs WHERE c_n <> b_n)
        + (SELECT count(*) FROM cmp_valid
            WHERE c_valid IS DISTINCT FROM b_valid
               OR (c_valid IS NOT NULL AND c_valid IS DISTINCT FROM NOT c_error)
               OR (b_valid IS NOT NULL AND b_valid IS DISTINCT FROM NOT b_error))
        + (SELECT count(*) FROM (SELECT DISTINCT * FROM cmp_c) AS c
             WHERE NOT EXISTS (SELECT 1 FROM cmp_b AS b WHERE (b.claim_id, b.line_no, b.rule, b.severity, b.field)
                                                             = (c.claim_id, c.line_no, c.rule, c.severity, c.field))
               AND EXISTS (SELECT 1 FROM cmp_b AS b WHERE (b.claim_id, b.line_no, b.rule)
                                                        = (c.claim_id, c.line_no, c.rule))));
SQL
}

status=0
for src in claims_src mix_src; do
	if [ $src = claims_src ]; then
		j7599_log "agreement on the generated claims ($ROWS lines, $ERROR_PCT% with an error)"
	else
		# after the claims: the mix changes reference data
		j7599_log "building the rule-coverage mix ($MIX_ROWS lines)"
		j7599_psql -d $DB -v rows="$MIX_ROWS" -f "$J7599_ROOT/test/bench/validate_mix.sql" >/dev/null
		j7599_log "agreement on the rule-coverage mix ($MIX_ROWS lines)"
	fi
	out=$(compare $src)
	printf '%s\n' "$out" | grep -v '^DIFFERENCES ' || true
	n=$(printf '%s\n' "$out" | sed -n 's/^DIFFERENCES \([0-9]*\)$/\1/p' | tail -1)
	echo "differences: ${n:-?}"
	[ "${n:-1}" = 0 ] || status=1
done
if [ $status -eq 0 ]; then
	echo "the C engine and the PL/pgSQL baseline agree"
else
	echo "the C engine and the PL/pgSQL baseline DISAGREE (see above)"
fi
exit $status
