#!/usr/bin/env bash
# test/bench/enforce.sh: what guarding a claims table costs a bulk load, and
# how fast a legacy table is audited.
#
#   test/bench/enforce.sh [ROWS] [RUNS]      (defaults 1000000, 5)
#   TRIGGER_ROWS=N   lines loaded through the PL/pgSQL trigger (default 50000, at most ROWS)
#
# Needs j7599.register / enforce / audit_summary (sql/install/41_enforce.sql).
#
# Loads: one CLEAN file of ROWS generated claim lines (gen_claims.sql, error_pct
# 0), COPY (server side, timed inside the server) into
#   plain      a table of the claims_src columns, no constraint (the floor)
#   typed      the same with hcpcs of type j7599.hcpcs_line, no constraint
#              (splits the CHECK load's cost into the type's and line_ok's)
#   check      the same with hcpcs of type j7599.hcpcs_line and
#              CHECK (j7599.line_ok(line => hcpcs, units => units, ndc => ndc, pos => pos, dx => ARRAY[dx1, dx2]))
#   enforced   the plain table, j7599.register(...)'d and j7599.enforce(...)'d
#   trigger    the plain table with a BEFORE INSERT FOR EACH ROW PL/pgSQL trigger
#              that calls bench.is_valid_plpgsql (validate_baseline.sql) and raises
#              on an error: on the first TRIGGER_ROWS lines only, compared in rows/s
# and, from a second file of ROWS lines of which 5% carry an error (gen_claims.sql,
# error_pct 5), into
#   plain5     the plain table (the floor of this file)
#   quarantine the plain table, registered and enforced with on_refusal =>
#              'quarantine': the 5% are set aside in j7599.quarantine (emptied
#              after each load) and the COPY goes on
# interleaved, median of RUNS runs, each table truncated before its load.
# SETTINGS=1 adds "enforced/settings": the enforced load with 63 rule settings
# over 7 payers (bench_lib.sh) inserted before it and deleted after it, in the
# same session (the NDC crosswalk is loaded in both: it ships with the extension).
# Audit: ROWS lines with error_pct 10 in a registered table,
#   SELECT * FROM j7599.audit_summary(tbl) against SELECT count(*) FROM tbl,
# on one core and with parallel workers allowed (audit_summary may use them),
# and audit_summary's counts against the same counts from j7599.validate.
# Goals (printed, not asserted): CHECK load at most 1.10x the floor, enforced
# load at most 1.3x the floor and at least 10x the rows/s of the PL/pgSQL
# trigger, quarantine load at most 1.6x its floor (plain5), audit_summary at
# least 1,000,000 rows/s.
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
ROWS=${1:-1000000}
RUNS=${2:-5}
TRIGGER_ROWS=${TRIGGER_ROWS:-50000}
[ "$TRIGGER_ROWS" -le "$ROWS" ] || TRIGGER_ROWS=$ROWS
DB=bench_enforce
SETTINGS=${SETTINGS:-0}

bench_setup $DB "$ROWS" 0
have=$(j7599_psql -d $DB -At -c "SELECT EXISTS (SELECT FROM pg_proc WHERE proname = 'register' AND pronamespace = 'j7599'::regnamespace)
                                   AND to_regprocedure('j7599.enforce(regclass,text,text)') IS NOT NULL
                                   AND to_regprocedure('j7599.audit_summary(regclass)') IS NOT NULL")
if [ "$have" != t ]; then
	echo "enforce.sh: this build of j7599 has no j7599.register / enforce(tbl, min_severity, on_refusal) / audit_summary (sql/install/41_enforce.sql)" >&2
	exit 2
fi
j7599_psql -d $DB -f "$J7599_ROOT/test/bench/validate_baseline.sql"

j7599_log "tables: plain, CHECK (line_ok), registered and enforced, PL/pgSQL trigger"
FILE="$J7599_TMP/claims_clean.csv"
SUBFILE="$J7599_TMP/claims_clean_sub.csv"
WARMFILE="$J7599_TMP/claims_clean_warm.csv"
BADFILE="$J7599_TMP/claims_bad5.csv"
j7599_log "generating $ROWS claim lines (5% with an error) for the quarantine load"
j7599_psql -d $DB -c "COPY claims_src TO '$FILE' WITH (FORMAT csv)" >/dev/null
j7599_psql -d $DB -v rows="$ROWS" -v error_pct=5 -f "$J7599_ROOT/test/bench/gen_claims.sql" >/dev/null 2>&1
j7599_psql -d $DB >/dev/null <<SQL
COPY claims_src TO '$BADFILE' WITH (FORMAT csv);
TRUNCATE claims_src;
COPY claims_src FROM '$FILE' WITH (FORMAT csv);
SQL
j7599_psql -d $DB >/dev/null <<SQL
COPY claims_src TO '$FILE' WITH (FORMAT csv);
COPY (SELECT * FROM claims_src ORDER BY claim_id, line_no LIMIT $TRIGGER_ROWS) TO '$SUBFILE' WITH (FORMAT csv);
COPY (SELECT * FROM claims_src ORDER BY claim_id, line_no LIMIT 1000) TO '$WARMFILE' WITH (FORMAT csv);

CREATE TABLE load_plain (LIKE claims_src);

CREATE TABLE load_typed (LIKE claims_src);
ALTER TABLE load_typed ALTER COLUMN hcpcs TYPE j7599.hcpcs_line USING hcpcs::j7599.hcpcs_line;

CREATE TABLE load_check (LIKE claims_src);
ALTER TABLE load_check ALTER COLUMN hcpcs TYPE j7599.hcpcs_line USING hcpcs::j7599.hcpcs_line;
ALTER TABLE load_check ADD CONSTRAINT load_check_line_ok
    CHECK (j7599.line_ok(line => hcpcs, units => units, ndc => ndc, pos => pos, dx => ARRAY[dx1, dx2]));

CREATE TABLE load_enforced (LIKE claims_src);
SELECT j7599.register('load_enforced', line => 'hcpcs', payer => 'payer_name', service_date => 'dos',
                      units => 'units', ndc => 'ndc', pos => 'pos', dx => ARRAY['dx1', 'dx2'],
                      narrative => 'line_note', prior_auth => 'prior_auth', days_supply => 'days_supply',
                      transplant_date => 'transplant_date');
SELECT j7599.enforce('load_enforced');

CREATE TABLE load_quarantine (LIKE claims_src);
SELECT j7599.register('load_quarantine', line => 'hcpcs', payer => 'payer_name', service_date => 'dos',
                      units => 'units', ndc => 'ndc', pos => 'pos', dx => ARRAY['dx1', 'dx2'],
                      narrative => 'line_note', prior_auth => 'prior_auth', days_supply => 'days_supply',
                      transplant_date => 'transplant_date');
SELECT j7599.enforce('load_quarantine', on_refusal => 'quarantine');

-- what a team writes without the extension: a row trigger around the PL/pgSQL rules
CREATE FUNCTION bench.enforce_plpgsql() RETURNS trigger
LANGUAGE plpgsql AS \$fn\$
BEGIN
    IF NOT bench.is_valid_plpgsql(line => NEW.hcpcs, payer => NEW.payer_name, service_date => NEW.dos,
                                  units => NEW.units, ndc => NEW.ndc, pos => NEW.pos, dx => ARRAY[NEW.dx1, NEW.dx2],
                                  narrative => NEW.line_note, prior_auth => NEW.prior_auth,
                                  days_supply => NEW.days_supply, transplant_date => NEW.transplant_date) THEN
        RAISE EXCEPTION 'claim line % / % breaks the claim rules', NEW.claim_id, NEW.line_no
            USING ERRCODE = 'check_violation',
                  DETAIL = (SELECT string_agg(f.rule || ': ' || f.message, E'\n')
                              FROM bench.validate_plpgsql(line => NEW.hcpcs, payer => NEW.payer_name,
                                       service_date => NEW.dos, units => NEW.units, ndc => NEW.ndc, pos => NEW.pos,
                                       dx => ARRAY[NEW.dx1, NEW.dx2], narrative => NEW.line_note,
                                       prior_auth => NEW.prior_auth, days_supply => NEW.days_supply,
                                       transplant_date => NEW.transplant_date) AS f
                             WHERE f.severity = 'error');
    END IF;
    RETURN NEW;
END
\$fn\$;
CREATE TABLE load_trigger (LIKE claims_src);
CREATE TRIGGER load_trigger_rules BEFORE INSERT ON load_trigger
    FOR EACH ROW EXECUTE FUNCTION bench.enforce_plpgsql();
SQL

declare -A TABLE_OF=([plain]=load_plain [typed]=load_typed [check]=load_check [enforced]=load_enforced [trigger]=load_trigger
                     [enforced_settings]=load_enforced [plain5]=load_plain [quarantine]=load_quarantine)
declare -A FILE_OF=([plain]=$FILE [typed]=$FILE [check]=$FILE [enforced]=$FILE [trigger]=$SUBFILE
                    [enforced_settings]=$FILE [plain5]=$BADFILE [quarantine]=$BADFILE)
declare -A ROWS_OF=([plain]=$ROWS [typed]=$ROWS [check]=$ROWS [enforced]=$ROWS [trigger]=$TRIGGER_ROWS
                    [enforced_settings]=$ROWS [plain5]=$ROWS [quarantine]=$ROWS)

# one run: a fresh session; every table is loaded once with 1000 lines (the
# caches and plans warm), then truncated and loaded, in the given order
run_once() {
	local sql="SET max_parallel_workers_per_gather = 0; SET jit = off;" name
	for name in plain typed check enforced trigger quarantine; do
		sql+=" COPY ${TABLE_OF[$name]} FROM '$WARMFILE' WITH (FORMAT csv); TRUNCATE ${TABLE_OF[$name]};"
	done
	sql+=" CHECKPOINT;"
	for name in "$@"; do
		[ "$name" = enforced_settings ] &&
			sql+=" $BENCH_SETTINGS_INSERT COPY load_enforced FROM '$WARMFILE' WITH (FORMAT csv); TRUNCATE load_enforced;"
		sql+=" SELECT '$name', bench.time_ms(\$q\$COPY ${TABLE_OF[$name]} FROM '${FILE_OF[$name]}' WITH (FORMAT csv)\$q\$);"
		sql+=" TRUNCATE ${TABLE_OF[$name]};"
		[ "$name" = quarantine ] && sql+=" DELETE FROM j7599.quarantine WHERE tbl = 'load_quarantine'::regclass;"
		[ "$name" = enforced_settings ] &&
			sql+=" $BENCH_SETTINGS_DELETE COPY load_enforced FROM '$WARMFILE' WITH (FORMAT csv); TRUNCATE load_enforced;"
	done
	j7599_psql -d $DB -At -F ' ' -c "$sql"
}

declare -A MS=()
j7599_log "COPY of $ROWS clean claim lines ($TRIGGER_ROWS through the PL/pgSQL trigger), median of $RUNS interleaved runs"
for r in $(seq 1 "$RUNS"); do
	if [ $((r % 2)) -eq 1 ]; then
		order=(plain typed check enforced trigger plain5 quarantine)
		[ "$SETTINGS" = 1 ] && order+=(enforced_settings)
	else
		order=(quarantine plain5 trigger enforced check typed plain)
		[ "$SETTINGS" = 1 ] && order=(enforced_settings "${order[@]}")
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
verdict_le() { awk -v v="$1" -v g="$2" 'BEGIN { print (v <= g ? "met" : "NOT met") }'; }
verdict_ge() { awk -v v="$1" -v g="$2" 'BEGIN { print (v >= g ? "met" : "NOT met") }'; }

declare -A MED=() RATE=()
for name in plain typed check enforced trigger plain5 quarantine; do
	MED[$name]=$(median_of $name)
	RATE[$name]=$(rate "${ROWS_OF[$name]}" "${MED[$name]}")
done

# ---------------------------------------------------------------- audit
j7599_log "audit: $ROWS claim lines with error_pct 10 in a registered table"
j7599_psql -d $DB -v rows="$ROWS" -v error_pct=10 -f "$J7599_ROOT/test/bench/gen_claims.sql" >/dev/null 2>&1
j7599_psql -d $DB >/dev/null <<'SQL'
VACUUM ANALYZE claims_src;
SELECT j7599.register('claims_src', line => 'hcpcs', payer => 'payer_name', service_date => 'dos',
                      units => 'units', ndc => 'ndc', pos => 'pos', dx => ARRAY['dx1', 'dx2'],
                      narrative => 'line_note', prior_auth => 'prior_auth', days_supply => 'days_supply',
                      transplant_date => 'transplant_date');
SQL
Q_AUDIT="SELECT * FROM j7599.audit_summary('claims_src')"
Q_COUNT="SELECT count(*) FROM claims_src"
# audit_summary may use parallel workers: timed on one core (workers off) and
# with the cluster's default (max_parallel_workers_per_gather = 2), with
# count(*) under the same setting
declare -A AMS=()
for r in $(seq 1 "$RUNS"); do
	if [ $((r % 2)) -eq 1 ]; then
		order=(count_1 audit_1 count_p audit_p)
	else
		order=(audit_p count_p audit_1 count_1)
	fi
	sql="SET jit = off; SELECT 'warmup', bench.time_ms(\$q\$$Q_AUDIT\$q\$);"
	for name in "${order[@]}"; do
		case $name in
		*_1) sql+=" SET max_parallel_workers_per_gather = 0;" ;;
		*) sql+=" RESET max_parallel_workers_per_gather;" ;;
		esac
		case $name in
		audit_*) q=$Q_AUDIT ;;
		*) q=$Q_COUNT ;;
		esac
		sql+=" SELECT '$name', bench.time_ms(\$q\$$q\$q\$);"
	done
	out=$(j7599_psql -d $DB -At -F ' ' -c "$sql" | grep -v '^warmup ')
	line="run $r:"
	while read -r name ms; do
		AMS[$name]="${AMS[$name]:-} $ms"
		line="$line $name $ms ms,"
	done <<<"$out"
	echo "${line%,}"
done
amedian() {
	# shellcheck disable=SC2086
	printf '%s\n' ${AMS[$1]} | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'
}
m_audit1=$(amedian audit_1)
m_count1=$(amedian count_1)
m_auditp=$(amedian audit_p)
m_countp=$(amedian count_p)

j7599_log "audit_summary, and its counts against the same counts from j7599.validate"
j7599_psql -d $DB <<'SQL'
\pset footer off
SET max_parallel_workers_per_gather = 0;
SELECT * FROM j7599.audit_summary('claims_src') ORDER BY rule, severity;
SELECT coalesce(a.rule, v.rule) AS rule, coalesce(a.severity, v.severity) AS severity, a.rows_violated AS audit_summary_rows, v.rows_violated AS validate_rows
  FROM j7599.audit_summary('claims_src') AS a
  FULL JOIN (SELECT f.rule, f.severity, count(DISTINCT (c.claim_id, c.line_no)) AS rows_violated
               FROM claims_src AS c,
                    LATERAL j7599.validate(line => c.hcpcs, payer => c.payer_name, service_date => c.dos,
                                           units => c.units, ndc => c.ndc, pos => c.pos, dx => ARRAY[c.dx1, c.dx2],
                                           narrative => c.line_note, prior_auth => c.prior_auth,
                                           days_supply => c.days_supply, transplant_date => c.transplant_date) AS f
              GROUP BY f.rule, f.severity) AS v
    ON (v.rule, v.severity) = (a.rule, a.severity)
 WHERE a.rows_violated IS DISTINCT FROM v.rows_violated;
\echo '(rules where audit_summary and validate disagree; none listed: they agree)'
SQL

j7599_log "COPY of $ROWS clean claim lines, median of $RUNS interleaved runs"
printf '%-52s %10s %10s %12s %8s\n' "table" "lines" "median ms" "lines/s" "ratio"
printf '%-52s %10s %10s %12s %8s\n' "plain text columns (the floor)" "$ROWS" "${MED[plain]}" "${RATE[plain]}" "1.00"
printf '%-52s %10s %10s %12s %8s\n' "hcpcs_line column, no CHECK" "$ROWS" "${MED[typed]}" "${RATE[typed]}" "$(ratio "${MED[typed]}" "${MED[plain]}")"
printf '%-52s %10s %10s %12s %8s\n' "hcpcs_line + CHECK (line_ok(...))" "$ROWS" "${MED[check]}" "${RATE[check]}" "$(ratio "${MED[check]}" "${MED[plain]}")"
printf '%-52s %10s %10s %12s %8s\n' "registered + j7599.enforce" "$ROWS" "${MED[enforced]}" "${RATE[enforced]}" "$(ratio "${MED[enforced]}" "${MED[plain]}")"
printf '%-52s %10s %10s %12s %8s\n' "PL/pgSQL trigger (bench.is_valid_plpgsql)" "$TRIGGER_ROWS" "${MED[trigger]}" "${RATE[trigger]}" \
	"$(ratio "${RATE[plain]}" "${RATE[trigger]}")"
printf '%-52s %10s %10s %12s %8s\n' "5% bad: plain text columns (their floor)" "$ROWS" "${MED[plain5]}" "${RATE[plain5]}" "1.00"
printf '%-52s %10s %10s %12s %8s\n' "5% bad: j7599.enforce(on_refusal => quarantine)" "$ROWS" "${MED[quarantine]}" "${RATE[quarantine]}" \
	"$(ratio "${MED[quarantine]}" "${MED[plain5]}")"
echo "(ratio: time over the floor's time; for the trigger, floor lines/s over trigger lines/s)"
echo
x_check=$(ratio "${MED[check]}" "${MED[plain]}")
x_enf=$(ratio "${MED[enforced]}" "${MED[plain]}")
x_trig=$(ratio "${RATE[enforced]}" "${RATE[trigger]}")
echo "CHECK load vs floor:                 ${x_check}x  goal <= 1.10x: $(verdict_le "$x_check" 1.10)"
echo "enforced load vs floor:              ${x_enf}x  goal <= 1.3x: $(verdict_le "$x_enf" 1.3)"
echo "enforced vs PL/pgSQL trigger, rows/s: ${x_trig}x  goal >= 10x: $(verdict_ge "$x_trig" 10)"
x_quar=$(ratio "${MED[quarantine]}" "${MED[plain5]}")
echo "quarantine load (5% bad) vs its floor: ${x_quar}x  goal <= 1.6x: $(verdict_le "$x_quar" 1.6)"
echo
printf '%-52s %10s %10s %12s %8s\n' "audit statement" "lines" "median ms" "lines/s" "ratio"
printf '%-52s %10s %10s %12s %8s\n' "SELECT count(*), one core (the floor)" "$ROWS" "$m_count1" "$(rate "$ROWS" "$m_count1")" "1.00"
printf '%-52s %10s %10s %12s %8s\n' "j7599.audit_summary, one core" "$ROWS" "$m_audit1" "$(rate "$ROWS" "$m_audit1")" "$(ratio "$m_audit1" "$m_count1")"
printf '%-52s %10s %10s %12s %8s\n' "SELECT count(*), parallel workers allowed" "$ROWS" "$m_countp" "$(rate "$ROWS" "$m_countp")" "1.00"
printf '%-52s %10s %10s %12s %8s\n' "j7599.audit_summary, parallel workers allowed" "$ROWS" "$m_auditp" "$(rate "$ROWS" "$m_auditp")" "$(ratio "$m_auditp" "$m_countp")"
r_audit1=$(rate "$ROWS" "$m_audit1")
r_auditp=$(rate "$ROWS" "$m_auditp")
echo "audit_summary, one core:             $r_audit1 rows/s  goal >= 1000000: $(verdict_ge "$r_audit1" 1000000)"
echo "audit_summary, parallel allowed:     $r_auditp rows/s  goal >= 1000000: $(verdict_ge "$r_auditp" 1000000)"
if [ "$SETTINGS" = 1 ]; then
	m_es=$(median_of enforced_settings)
	echo "enforced load with 63 rule settings:    $m_es ms ($(ratio "$m_es" "${MED[enforced]}")x without)  goal <= 1.05x: $(verdict_le "$(ratio "$m_es" "${MED[enforced]}")" 1.05)"
fi
