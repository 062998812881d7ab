#!/usr/bin/env bash
# test/bench/profile.sh: where the time of j7599.is_valid and j7599.validate
# goes, function by function.  A diagnostic tool, not a benchmark.
#
#   test/bench/profile.sh [ROWS] [TOP]        (defaults 1000000 lines, top 30 functions)
#   PROFILER=perf|callgrind                   (default: perf when it works here, else callgrind)
#   STATEMENTS="is_valid validate line_ok"     (default: is_valid validate; line_ok is the CHECK
#                                              form over a table with a j7599.hcpcs_line column;
#                                              audit and audit_legacy: audit_summary of the lines
#                                              registered as generated, and with dates, units and
#                                              days as text, as test/bench/legacy.sh makes them;
#                                              enforce: INSERT ... SELECT of the valid lines into an
#                                              enforced copy of the table, the trigger's path)
#
# perf:      samples the backend that runs each statement (perf record -p,
#            call graphs), then prints the functions with the most samples of
#            their own (self), with what they call (children), and the share of
#            each shared object.  Static functions of the Debian postgres binary
#            show as addresses (no debug symbols installed).
# callgrind: runs the statements in a single-user backend (postgres --single)
#            under valgrind --tool=callgrind, on at most CALLGRIND_ROWS lines
#            (default 20000: valgrind is some 50x slower), and prints
#            callgrind_annotate's top functions by instructions.
#            CALLGRIND_OPTS adds valgrind options (--cache-sim=yes: cache
#            misses by function).  CALLGRIND_KEEP=FILE keeps the callgrind output there, for
#            callgrind_annotate or a comparison with another build.
# Installs linux-perf or valgrind with apt-get when missing.
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
ROWS=${1:-1000000}
TOP=${2:-30}
CALLGRIND_ROWS=${CALLGRIND_ROWS:-20000}
DB=bench_profile

need_pkg() {
	local pkg=$1 bin=$2
	command -v "$bin" >/dev/null 2>&1 && return 0
	j7599_log "installing $pkg"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
}

perf_works() {
	need_pkg linux-perf perf || return 1
	local probe
	probe=$(mktemp /tmp/j7599-perf-probe.XXXXXX)
	if perf record -q -o "$probe" -- true >/dev/null 2>&1; then
		rm -f "$probe"
		return 0
	fi
	rm -f "$probe"
	return 1
}

PROFILER=${PROFILER:-}
if [ -z "$PROFILER" ]; then
	if perf_works; then PROFILER=perf; else PROFILER=callgrind; fi
fi
[ "$PROFILER" = callgrind ] && [ "$ROWS" -gt "$CALLGRIND_ROWS" ] && ROWS=$CALLGRIND_ROWS

bench_setup $DB "$ROWS" 10
j7599_psql -d $DB -c 'VACUUM ANALYZE claims_src'
STATEMENTS=${STATEMENTS:-is_valid validate}
ARGS='line => c.hcpcs, payer => c.payer_name, service_date => c.dos, units => c.units, ndc => c.ndc,
      pos => c.pos, dx => ARRAY[c.dx1, c.dx2], narrative => c.line_note, prior_auth => c.prior_auth,
      days_supply => c.days_supply, transplant_date => c.transplant_date'
case " $STATEMENTS " in
*" line_ok "*)
	# the lines a hcpcs_line column can hold, typed, as a CHECK constraint sees them
	j7599_psql -d $DB -c "CREATE TABLE claims_typed AS
		SELECT hcpcs::j7599.hcpcs_line AS line, units, ndc, pos, dx1, dx2 FROM claims_src
		WHERE hcpcs ~ '^[A-Z][0-9]{4}(-[A-Z0-9]{2}){0,4}\$'" -c 'VACUUM ANALYZE claims_typed' ;;
esac
REGISTER_ARGS="line => 'hcpcs', payer => 'payer_name', service_date => 'dos', units => 'units',
      ndc => 'ndc', pos => 'pos', dx => '{dx1,dx2}', narrative => 'line_note',
      prior_auth => 'prior_auth', days_supply => 'days_supply', transplant_date => 'transplant_date'"
case " $STATEMENTS " in
*" audit "*) j7599_psql -d $DB -c "SELECT j7599.register('claims_src', $REGISTER_ARGS)" >/dev/null ;;
esac
case " $STATEMENTS " in
*" enforce "*)
	j7599_psql -d $DB >/dev/null <<SQL
CREATE TABLE claims_valid AS SELECT * FROM claims_src AS c WHERE j7599.is_valid($ARGS);
CREATE TABLE claims_enforced (LIKE claims_src);
SELECT j7599.register('claims_enforced', $REGISTER_ARGS);
SELECT j7599.enforce('claims_enforced');
VACUUM ANALYZE claims_valid;
SQL
	;;
esac
case " $STATEMENTS " in
*" audit_legacy "*)
	j7599_psql -d $DB >/dev/null <<SQL
CREATE TABLE claims_legacy AS
SELECT claim_id, line_no, hcpcs, payer_name,
       CASE claim_id % 3 WHEN 0 THEN to_char(dos, 'YYYY-MM-DD') WHEN 1 THEN to_char(dos, 'MM/DD/YYYY')
                         ELSE to_char(dos, 'YYYYMMDD') END AS dos,
       units::text AS units, ndc, pos, dx1, dx2, line_note, prior_auth,
       days_supply::text AS days_supply, to_char(transplant_date, 'YYYY-MM-DD') AS transplant_date
FROM claims_src;
VACUUM ANALYZE claims_legacy;
SELECT j7599.register('claims_legacy', $REGISTER_ARGS);
SQL
	;;
esac
chmod 755 "$J7599_TMP"

Q_IS_VALID="SELECT count(*) FILTER (WHERE j7599.is_valid($ARGS)) FROM claims_src AS c"
Q_VALIDATE="SELECT count(*) FROM claims_src AS c, LATERAL j7599.validate($ARGS) AS f"
Q_LINE_OK="SELECT count(*) FILTER (WHERE j7599.line_ok(line => c.line, units => c.units, ndc => c.ndc,
      pos => c.pos, dx => ARRAY[c.dx1, c.dx2])) FROM claims_typed AS c"
query_of() {
	case $1 in
	is_valid) echo "$Q_IS_VALID" ;;
	validate) echo "$Q_VALIDATE" ;;
	line_ok) echo "$Q_LINE_OK" ;;
	audit) echo "SELECT count(*) FROM j7599.audit_summary('claims_src')" ;;
	enforce) echo "INSERT INTO claims_enforced SELECT * FROM claims_valid" ;;
	audit_legacy) echo "SELECT count(*) FROM j7599.audit_summary('claims_legacy')" ;;
	*) echo "profile.sh: unknown statement $1" >&2; exit 2 ;;
	esac
}
SETUP="SET max_parallel_workers_per_gather = 0; SET jit = off;"

# perf_one NAME QUERY: sample one backend while it runs QUERY
perf_one() {
	local name=$1 query=$2 pidfile="$J7599_TMP/$1.pid" data="$J7599_TMP/$1.perf.data" psql_pid perf_pid pid
	rm -f "$pidfile"
	j7599_psql -d $DB <<SQL >/dev/null &
$SETUP
\pset tuples_only on
\pset format unaligned
\o $pidfile
SELECT pg_backend_pid();
\o
SELECT pg_sleep(1);
-- warm: the reference cache and the memos
${query/FROM claims_src AS c/FROM (SELECT * FROM claims_src LIMIT 1000) AS c};
$query;
SQL
	psql_pid=$!
	for _ in $(seq 1 100); do [ -s "$pidfile" ] && break; sleep 0.1; done
	pid=$(cat "$pidfile")
	perf record -q -F 2000 -g -p "$pid" -o "$data" >/dev/null 2>&1 &
	perf_pid=$!
	wait "$psql_pid"
	# the backend exits with the session; perf stops with it
	for _ in $(seq 1 50); do kill -0 "$perf_pid" 2>/dev/null || break; sleep 0.1; done
	kill -INT "$perf_pid" 2>/dev/null || true
	wait "$perf_pid" 2>/dev/null || true

	j7599_log "perf: $name over $ROWS lines, top $TOP functions by own samples (self)"
	perf report -i "$data" --stdio --no-children -g none --sort dso,symbol --percent-limit 0.3 2>/dev/null |
		grep -v '^#' | grep -v '^$' | sed 's/ *-  *- *$//' | head -n "$TOP"
	j7599_log "perf: $name, top $TOP functions including what they call (children; the frames above the executor and unnamed addresses left out)"
	perf report -i "$data" --stdio --children -g none --sort dso,symbol --percent-limit 1 2>/dev/null |
		grep -v '^#' | grep -v '^$' | sed 's/ *-  *- *$//' |
		awk '{ p = $1; sub(/%/, "", p) } p + 0 < 90 && $NF !~ /^0x/' | head -n "$TOP"
	j7599_log "perf: $name, samples by shared object"
	perf report -i "$data" --stdio --no-children -g none --sort dso 2>/dev/null |
		grep -v '^#' | grep -v '^$' | head -n 8
}

callgrind_all() {
	local out="$J7599_TMP/callgrind.out" input="$J7599_TMP/single.sql"
	# single-user mode needs the data directory to itself
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$J7599_TMP/data" -m fast -w stop >/dev/null
	# -j: a command ends at a semicolon followed by an empty line
	{
		printf '%s\n\n' "$SETUP"
		for st in $STATEMENTS; do printf '%s;\n\n' "$(query_of "$st")"; done
	} >"$input"
	chown postgres: "$input"
	j7599_log "callgrind: $STATEMENTS over $ROWS lines in a single-user backend (slow)"
	runuser -u postgres -- valgrind --tool=callgrind ${CALLGRIND_OPTS:-} --callgrind-out-file="$out" \
		"$PGBIN/postgres" --single -D "$J7599_TMP/data" -j $DB <"$input" >"$J7599_TMP/single.log" 2>&1 ||
		{ tail -20 "$J7599_TMP/single.log"; return 1; }
	[ -z "${CALLGRIND_KEEP:-}" ] || cp "$out" "$CALLGRIND_KEEP"
	j7599_log "callgrind: top $TOP functions by instructions (self), all statements"
	callgrind_annotate --threshold=99 "$out" 2>/dev/null | sed -n '/^ *Ir/,$p' | head -n $((TOP + 3))
	j7599_log "callgrind: top $TOP functions inclusive"
	callgrind_annotate --inclusive=yes --threshold=99 "$out" 2>/dev/null | sed -n '/^ *Ir/,$p' | head -n $((TOP + 3))
}

if [ "$PROFILER" = perf ]; then
	for st in $STATEMENTS; do perf_one "$st" "$(query_of "$st")"; done
else
	need_pkg valgrind valgrind
	callgrind_all
fi
