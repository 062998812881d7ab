#!/usr/bin/env bash
# test/bench/versions.sh: no speed lost between releases.  The current tree
# against an earlier commit, both builds on one cluster, in the same run.
#
#   test/bench/versions.sh [REF] [ROWS] [RUNS]      (defaults 7674529 (1.0), 1000000, 5)
#
# Absolute times drift from run to run on a shared machine, so a number from
# last month's run says nothing: both builds are installed side by side in the
# same PostgreSQL and timed in turns on the same cluster.
#
# Builds:  the current tree, built and installed as usual (extension j7599);
#          REF, exported with git archive into a temporary directory, built
#          there and installed beside it as extension j7599ref: its library as
#          $libdir/j7599_ref.so, its control file with module_pathname
#          '$libdir/j7599_ref', its install script as j7599ref--<REF's version>.sql
#          (schema j7599 like the current tree; each lives in its own database).
#          The REF files are removed from the PostgreSQL tree on exit, whatever
#          happens (trap), with the cluster.
# Data:    ROWS generated claim lines (gen_claims.sql: deterministic, no random();
#          generated once all the same in a scratch database and copied through
#          one file into both databases, and their checksums compared), 10% with
#          an error, and a CLEAN file of ROWS lines (error_pct 0) for the loads.
# Databases bench_ref (CREATE EXTENSION j7599ref) and bench_cur (j7599), the
#          same tables in both.
# Timed: RUNS runs; in each run every statement in turn, for REF and for CUR
# one right after the other (REF first in odd runs, CUR first in even runs: A B
# B A ...; the statement order reversed every other run), each time in a fresh
# session of its database that warms the statement on a few lines first, then
# checkpoints; one backend (parallel workers and JIT off); timed inside the
# server with bench.time_ms, as validate.sh does.  Interleaving statement by
# statement rather than session by session matters on a shared machine: its
# slow spells last seconds and would otherwise fall on one version's whole run.
# The median of the RUNS timings of each statement and version is reported.
# The statements:
#   floor        SELECT count(*) FROM claims_src c
#   is_valid     SELECT count(*) FILTER (WHERE j7599.is_valid(...)) FROM claims_src c
#   is_valid/distinct  the same over claims_distinct (every narrative distinct,
#                as in validate.sh)
#   validate     SELECT count(*) FROM claims_src c, LATERAL j7599.validate(...) f
#   audit        SELECT * FROM j7599.audit_summary('claims_audit'), a registered
#                copy of claims_src
#   COPY of the clean file (server side, each table truncated after its load) into
#     plain      a table of the claims_src columns, no constraint (the load floor)
#     enforced   the same, j7599.register(...)'d and j7599.enforce(...)'d
#     check      the same with hcpcs of type j7599.hcpcs_line and
#                CHECK (j7599.line_ok(line => hcpcs, units => units, ndc => ndc, pos => pos, dx => ARRAY[dx1, dx2]))
# Printed: REF and CUR medians and CUR/REF of the medians; "paired", the
# median over the runs of CUR/REF (the two timings of a pair are back to back);
# each version's time over its own floor (count(*) for the queries, the plain
# COPY for the loads; the median over the runs of the ratio within the run).
# Then "within 5%: yes/no" per statement, on the paired ratio (it is the one a
# slow spell of the machine mostly cancels from), with CUR/REF of the medians
# beside it, and for the loads also on CUR's time over its floor against REF's
# (paired the same way).  Never asserted: benchmarks do not fail.  The floor
# statements touch no extension code: their CUR/REF shows the noise of the run.
# The cluster runs with autovacuum off and checkpoint_timeout 1h, and each
# session checkpoints before its timed statement, so that no background work
# lands on one version's statement rather than the other's.
# Takes about 3 minutes for 1,000,000 lines and 5 runs on 2 cores (the two
# builds, the data, 80 sessions of which the longest loads 1,000,000 lines);
# more RUNS narrow the medians on a busy machine (RUNS 9: about 4 minutes).
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
REF=${1:-7674529}
ROWS=${2:-1000000}
RUNS=${3:-5}
REF_EXT=j7599ref
REF_LIB=j7599_ref
PG_CONFIG="$PGBIN/pg_config"

REF_SHA=$(git -C "$J7599_ROOT" rev-parse --verify --quiet "$REF^{commit}") ||
	{ echo "versions.sh: $REF is not a commit of $J7599_ROOT" >&2; exit 2; }
CUR_DESC=$(git -C "$J7599_ROOT" rev-parse --short HEAD)
[ -z "$(git -C "$J7599_ROOT" status --porcelain --untracked-files=no -- src sql j7599.control Makefile)" ] || CUR_DESC="$CUR_DESC + uncommitted changes"

# files this script puts into the PostgreSQL tree, and its build directory:
# removed on exit (the EXIT trap set below, after j7599_cluster_up sets its own)
REF_FILES=()
REF_SRC=""
versions_cleanup() {
	local f
	for f in ${REF_FILES[@]+"${REF_FILES[@]}"}; do
		rm -f "$f"
	done
	if [ -n "$REF_SRC" ]; then
		rm -rf "$REF_SRC"
	fi
}

j7599_deps
j7599_build
# same conditions for both versions: no autovacuum or timed checkpoint in the
# middle of one version's statement
J7599_EXTRA_CONF="${J7599_EXTRA_CONF:-}
autovacuum = off
checkpoint_timeout = '1h'"
j7599_cluster_up
trap 'j7599_cluster_down; versions_cleanup' EXIT

# ---------------------------------------------------------------- REF build
REF_SRC=$(mktemp -d /tmp/j7599-ref.XXXXXX)
j7599_log "building $REF ($REF_SHA) in $REF_SRC"
git -C "$J7599_ROOT" archive "$REF_SHA" | tar -x -C "$REF_SRC"
REF_VERSION=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$REF_SRC/j7599.control")
[ -n "$REF_VERSION" ] || { echo "versions.sh: no default_version in $REF's j7599.control" >&2; exit 2; }
# the same code generation as the current build; warnings do not stop an old tree
make -C "$REF_SRC" -s PG_CONFIG="$PG_CONFIG" PG_CFLAGS="-Wall" >/dev/null
if [ ! -f "$REF_SRC/j7599.so" ] || [ ! -f "$REF_SRC/sql/j7599--$REF_VERSION.sql" ]; then
	echo "versions.sh: the build of $REF made no j7599.so or sql/j7599--$REF_VERSION.sql" >&2
	exit 2
fi

PKGLIBDIR=$("$PG_CONFIG" --pkglibdir)
EXTDIR=$("$PG_CONFIG" --sharedir)/extension
REF_FILES=("$PKGLIBDIR/$REF_LIB.so" "$EXTDIR/$REF_EXT.control" "$EXTDIR/$REF_EXT--$REF_VERSION.sql")
j7599_log "installing $REF as extension $REF_EXT $REF_VERSION ($PKGLIBDIR/$REF_LIB.so)"
install -m 755 "$REF_SRC/j7599.so" "$PKGLIBDIR/$REF_LIB.so"
sed -e "s|^comment *=.*|comment = 'j7599 at $REF_SHA, beside the current build for test/bench/versions.sh'|" \
	-e "s|^module_pathname *=.*|module_pathname = '\$libdir/$REF_LIB'|" \
	"$REF_SRC/j7599.control" >"$EXTDIR/$REF_EXT.control"
chmod 644 "$EXTDIR/$REF_EXT.control"
install -m 644 "$REF_SRC/sql/j7599--$REF_VERSION.sql" "$EXTDIR/$REF_EXT--$REF_VERSION.sql"
CUR_VERSION=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$J7599_ROOT/j7599.control")

# ---------------------------------------------------------------- data
DATA="$J7599_TMP/claims.csv"
CLEAN="$J7599_TMP/claims_clean.csv"
WARM="$J7599_TMP/claims_clean_warm.csv"
j7599_log "generating $ROWS claim lines (10% with an error) and a clean file of $ROWS lines"
j7599_psql -d postgres -c 'CREATE DATABASE bench_gen'
PGOPTIONS='-c client_min_messages=warning' j7599_psql -d bench_gen -v rows="$ROWS" -v error_pct=0 -f "$J7599_ROOT/test/bench/gen_claims.sql"
j7599_psql -d bench_gen >/dev/null <<SQL
COPY claims_src TO '$CLEAN' WITH (FORMAT csv);
COPY (SELECT * FROM claims_src ORDER BY claim_id, line_no LIMIT 1000) TO '$WARM' WITH (FORMAT csv);
SQL
PGOPTIONS='-c client_min_messages=warning' j7599_psql -d bench_gen -v rows="$ROWS" -v error_pct=10 -f "$J7599_ROOT/test/bench/gen_claims.sql"
j7599_psql -d bench_gen -c "COPY claims_src TO '$DATA' WITH (FORMAT csv)" >/dev/null
j7599_psql -d postgres -c 'DROP DATABASE bench_gen'

declare -A DB_OF=([ref]=bench_ref [cur]=bench_cur)
declare -A EXT_OF=([ref]=$REF_EXT [cur]=j7599)
REGISTER_ARGS="line => 'hcpcs', payer => 'payer_name', service_date => 'dos',
                      units => 'units', ndc => 'ndc', pos => 'pos', dx => ARRAY['dx1', 'dx2'],
                      narrative => 'line_note', prior_auth => 'prior_auth', days_supply => 'days_supply',
                      transplant_date => 'transplant_date'"
for v in ref cur; do
	db=${DB_OF[$v]}
	j7599_log "database $db: CREATE EXTENSION ${EXT_OF[$v]} CASCADE, the claims, the tables"
	j7599_psql -d postgres -c "CREATE DATABASE $db"
	j7599_psql -d "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION ${EXT_OF[$v]} CASCADE"
	have=$(j7599_psql -d "$db" -At -c "SELECT EXISTS (SELECT FROM pg_proc WHERE proname = 'register' AND pronamespace = 'j7599'::regnamespace)
	                                    AND (to_regprocedure('j7599.enforce(regclass,text)') IS NOT NULL OR to_regprocedure('j7599.enforce(regclass,text,text)') IS NOT NULL)
	                                    AND to_regprocedure('j7599.audit_summary(regclass)') IS NOT NULL")
	if [ "$have" != t ]; then
		echo "versions.sh: the $v build has no j7599.register / enforce / audit_summary of the expected signatures" >&2
		exit 2
	fi
	# gen_claims.sql with no rows makes the empty table; the rows come from the one file
	PGOPTIONS='-c client_min_messages=warning' j7599_psql -d "$db" -v rows=0 -v error_pct=0 -f "$J7599_ROOT/test/bench/gen_claims.sql"
	j7599_psql -d "$db" >/dev/null <<SQL
COPY claims_src FROM '$DATA' WITH (FORMAT csv);
VACUUM ANALYZE claims_src;

CREATE TABLE claims_distinct (LIKE claims_src INCLUDING ALL);
INSERT INTO claims_distinct
    SELECT claim_id, line_no, hcpcs, payer_name, dos, units, ndc, pos, dx1, dx2,
           line_note || ' rx' || claim_id || '-' || line_no, prior_auth, days_supply, transplant_date
      FROM claims_src;
VACUUM ANALYZE claims_distinct;

CREATE TABLE claims_audit (LIKE claims_src INCLUDING ALL);
INSERT INTO claims_audit SELECT * FROM claims_src;
VACUUM ANALYZE claims_audit;
SELECT j7599.register('claims_audit', $REGISTER_ARGS);
-- the warm-up of audit_summary: a registered table of a few lines
CREATE TABLE claims_warm (LIKE claims_src INCLUDING ALL);
INSERT INTO claims_warm SELECT * FROM claims_src ORDER BY claim_id, line_no LIMIT 100;
VACUUM ANALYZE claims_warm;
SELECT j7599.register('claims_warm', $REGISTER_ARGS);

CREATE TABLE load_plain (LIKE claims_src);
CREATE TABLE load_enforced (LIKE claims_src);
SELECT j7599.register('load_enforced', $REGISTER_ARGS);
SELECT j7599.enforce('load_enforced');
CREATE TABLE load_check (LIKE claims_src);
ALTER TABLE load_check ALTER COLUMN hcpcs TYPE j7599.hcpcs_line USING hcpcs::j7599.hcpcs_line;
ALTER TABLE load_check ADD CONSTRAINT load_check_line_ok
    CHECK (j7599.line_ok(line => hcpcs, units => units, ndc => ndc, pos => pos, dx => ARRAY[dx1, dx2]));

CREATE SCHEMA bench;
CREATE FUNCTION bench.time_ms(query text) RETURNS numeric
LANGUAGE plpgsql VOLATILE
AS \$fn\$
DECLARE
    t0 timestamptz;
BEGIN
    t0 := clock_timestamp();
    EXECUTE query;
    RETURN round(extract(epoch FROM clock_timestamp() - t0) * 1000, 1);
END
\$fn\$;
SQL
done

# the same rows in both databases, and the same signatures for what is timed
SUM_SQL="SELECT count(*) || ' lines, checksum ' || sum(hashtext(c::text)::bigint) FROM claims_src AS c"
sum_ref=$(j7599_psql -d bench_ref -At -c "$SUM_SQL")
sum_cur=$(j7599_psql -d bench_cur -At -c "$SUM_SQL")
echo "claims_src: bench_ref $sum_ref; bench_cur $sum_cur"
[ "$sum_ref" = "$sum_cur" ] || { echo "versions.sh: the two databases do not hold the same claims" >&2; exit 2; }
SIG_SQL="SELECT p.oid::regprocedure || ' -> ' || pg_get_function_result(p.oid)
           FROM pg_proc AS p
          WHERE p.pronamespace = 'j7599'::regnamespace
            AND p.proname IN ('is_valid', 'validate', 'line_ok', 'register', 'enforce', 'audit_summary')
          ORDER BY 1"
if diff <(j7599_psql -d bench_ref -At -c "$SIG_SQL") <(j7599_psql -d bench_cur -At -c "$SIG_SQL") >"$J7599_TMP/sig.diff"; then
	echo "is_valid, validate, line_ok, register, enforce, audit_summary: the same signatures in both versions"
else
	echo "signatures that differ between the versions (< REF, > CUR):"
	grep '^[<>]' "$J7599_TMP/sig.diff"
fi

# ---------------------------------------------------------------- timing
ARGS='line => c.hcpcs, payer => c.payer_name, service_date => c.dos, units => c.units, ndc => c.ndc,
      pos => c.pos, dx => ARRAY[c.dx1, c.dx2], narrative => c.line_note, prior_auth => c.prior_auth,
      days_supply => c.days_supply, transplant_date => c.transplant_date'
declare -A QUERY=(
	[floor]="SELECT count(*) FROM claims_src AS c"
	[is_valid]="SELECT count(*) FILTER (WHERE j7599.is_valid($ARGS)) FROM claims_src AS c"
	[is_valid_distinct]="SELECT count(*) FILTER (WHERE j7599.is_valid($ARGS)) FROM claims_distinct AS c"
	[validate]="SELECT count(*) FROM claims_src AS c, LATERAL j7599.validate($ARGS) AS f"
	[audit]="SELECT * FROM j7599.audit_summary('claims_audit')"
	[load_plain]="COPY load_plain FROM '$CLEAN' WITH (FORMAT csv)"
	[load_enforced]="COPY load_enforced FROM '$CLEAN' WITH (FORMAT csv)"
	[load_check]="COPY load_check FROM '$CLEAN' WITH (FORMAT csv)"
)
ORDER=(floor is_valid is_valid_distinct validate audit load_plain load_enforced load_check)
declare -A LABEL=(
	[floor]="count(*) (the floor)"
	[is_valid]="j7599.is_valid"
	[is_valid_distinct]="j7599.is_valid, every narrative distinct"
	[validate]="j7599.validate (count(*) of the LATERAL)"
	[audit]="j7599.audit_summary, registered copy"
	[load_plain]="COPY, plain table (the load floor)"
	[load_enforced]="COPY, registered + j7599.enforce"
	[load_check]="COPY, hcpcs_line + CHECK (line_ok(...))"
)
declare -A FLOOR_OF=(
	[floor]=floor [is_valid]=floor [is_valid_distinct]=floor [validate]=floor [audit]=floor
	[load_plain]=load_plain [load_enforced]=load_plain [load_check]=load_plain
)

# one statement of one version: a fresh session in its database; the
# statement warmed on a few lines (reference cache, memos, plans; a load on
# 1000 lines, then truncated), a checkpoint, then the statement timed (a loaded
# table truncated after); prints the milliseconds
time_one() {
	local db=$1 name=$2 sql warm
	sql="SET max_parallel_workers_per_gather = 0; SET jit = off;"
	case $name in
	audit)
		sql+=" SELECT 'warmup', bench.time_ms(\$q\$SELECT * FROM j7599.audit_summary('claims_warm')\$q\$);"
		;;
	load_*)
		sql+=" COPY $name FROM '$WARM' WITH (FORMAT csv); TRUNCATE $name;"
		;;
	*)
		warm=${QUERY[$name]//FROM claims_src AS c/FROM (SELECT * FROM claims_src LIMIT 100) AS c}
		warm=${warm//FROM claims_distinct AS c/FROM (SELECT * FROM claims_distinct LIMIT 100) AS c}
		sql+=" SELECT 'warmup', bench.time_ms(\$q\$$warm\$q\$);"
		;;
	esac
	sql+=" CHECKPOINT; SELECT 'timed', bench.time_ms(\$q\$${QUERY[$name]}\$q\$);"
	case $name in
	load_*) sql+=" TRUNCATE $name;" ;;
	esac
	j7599_psql -d "$db" -At -F ' ' -c "$sql" | sed -n 's/^timed //p'
}

# run r: every statement in turn (the order reversed every other run), each
# timed for both versions one right after the other (REF first in odd runs,
# CUR first in even runs), so that a slow spell of the machine falls on both
declare -A MS=() RUN_MS=() RUN_LINE=()
j7599_log "timing: $ROWS lines, REF $REF ($REF_EXT $REF_VERSION) and CUR $CUR_DESC (j7599 $CUR_VERSION), $RUNS runs each, interleaved"
for r in $(seq 1 "$RUNS"); do
	if [ $((r % 2)) -eq 1 ]; then
		order=("${ORDER[@]}")
		versions=(ref cur)
	else
		order=(load_check load_enforced load_plain audit validate is_valid_distinct is_valid floor)
		versions=(cur ref)
	fi
	RUN_LINE=([ref]="run $r ref:" [cur]="run $r cur:")
	for name in "${order[@]}"; do
		for v in "${versions[@]}"; do
			ms=$(time_one "${DB_OF[$v]}" "$name")
			[ -n "$ms" ] || { echo "versions.sh: no timing for $name in ${DB_OF[$v]}" >&2; exit 1; }
			MS[$v,$name]="${MS[$v,$name]:-} $ms"
			RUN_MS[$v,$name,$r]=$ms
			RUN_LINE[$v]+=" $name $ms,"
		done
	done
	for v in "${versions[@]}"; do
		echo "${RUN_LINE[$v]%,} (ms)"
	done
done

# median FORMAT N...: the median of the numbers (the mean of the middle two,
# printed with FORMAT, for an even count)
median() {
	local fmt=$1
	shift
	printf '%s\n' "$@" | sort -g |
		awk -v f="$fmt" '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf f "\n", (a[NR/2]+a[NR/2+1])/2}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }'; }
within() { awk -v x="$1" 'BEGIN { print (x <= 1.05 ? "yes" : "no") }'; }

# MED: median ms; PAIRED: median over the runs of CUR/REF (each pair timed back
# to back); OVER: median over the runs of the statement's time over its floor's
# in the same run and version; OVER_PAIRED (the loads): median over the runs of
# CUR's time over its floor against REF's
declare -A MED=() PAIRED=() OVER=() OVER_PAIRED=()
for name in "${ORDER[@]}"; do
	fl=${FLOOR_OF[$name]}
	for v in ref cur; do
		# shellcheck disable=SC2086
		MED[$v,$name]=$(median '%.1f' ${MS[$v,$name]})
		over=()
		for r in $(seq 1 "$RUNS"); do
			over+=("$(ratio "${RUN_MS[$v,$name,$r]}" "${RUN_MS[$v,$fl,$r]}")")
		done
		OVER[$v,$name]=$(median '%.4f' "${over[@]}")
	done
	pairs=() over=()
	for r in $(seq 1 "$RUNS"); do
		pairs+=("$(ratio "${RUN_MS[cur,$name,$r]}" "${RUN_MS[ref,$name,$r]}")")
		over+=("$(ratio "$(ratio "${RUN_MS[cur,$name,$r]}" "${RUN_MS[cur,$fl,$r]}")" \
			"$(ratio "${RUN_MS[ref,$name,$r]}" "${RUN_MS[ref,$fl,$r]}")")")
	done
	PAIRED[$name]=$(median '%.4f' "${pairs[@]}")
	OVER_PAIRED[$name]=$(median '%.4f' "${over[@]}")
done

j7599_log "what the statements return (the same data in both databases)"
RESULT_SQL="SET max_parallel_workers_per_gather = 0; SET jit = off;
SELECT (SELECT count(*) FILTER (WHERE j7599.is_valid($ARGS)) FROM claims_src AS c) || ' valid lines, '
    || (${QUERY[validate]}) || ' findings, '
    || (SELECT count(*) || ' audit_summary rows, ' || sum(rows_violated) || ' rows violated in all' FROM j7599.audit_summary('claims_audit'))"
echo "REF: $(j7599_psql -d bench_ref -At -c "$RESULT_SQL")"
echo "CUR: $(j7599_psql -d bench_cur -At -c "$RESULT_SQL")"

j7599_log "REF $REF ($REF_EXT $REF_VERSION) against CUR $CUR_DESC (j7599 $CUR_VERSION): $ROWS lines, median of $RUNS interleaved runs, one core"
row() { printf '%-42s %10s %10s %8s %8s %9s %9s\n' "$@"; }
f2() { printf '%.2f' "$1"; }
row "statement" "REF ms" "CUR ms" "CUR/REF" "paired" "REF/floor" "CUR/floor"
for name in "${ORDER[@]}"; do
	row "${LABEL[$name]}" "${MED[ref,$name]}" "${MED[cur,$name]}" "$(f2 "$(ratio "${MED[cur,$name]}" "${MED[ref,$name]}")")" \
		"$(f2 "${PAIRED[$name]}")" "$(f2 "${OVER[ref,$name]}")" "$(f2 "${OVER[cur,$name]}")"
done
echo "(CUR/REF: of the medians; paired: the median over the runs of CUR/REF, both timed back to back;"
echo " x/floor: the median over the runs of the time over the floor's in the same run, each version"
echo " in its own database; the floor: count(*) for the queries, the plain COPY for the loads)"
echo
# the verdict rests on the paired ratio: the two timings of a pair are seconds
# apart, so a slow spell of the machine mostly falls on both
for name in "${ORDER[@]}"; do
	x=${PAIRED[$name]}
	line=$(printf 'within 5%%: %-42s %-3s (paired CUR/REF %.3f, of the medians %.3f' "${LABEL[$name]}" "$(within "$x")" "$x" \
		"$(ratio "${MED[cur,$name]}" "${MED[ref,$name]}")")
	if [ "${FLOOR_OF[$name]}" = load_plain ] && [ "$name" != load_plain ]; then
		xf=${OVER_PAIRED[$name]}
		line+=$(printf '; over the load floor: %s, %.3f' "$(within "$xf")" "$xf")
	fi
	echo "$line)"
done
echo "(the floors run no j7599 code: their CUR/REF is the noise of this run)"
