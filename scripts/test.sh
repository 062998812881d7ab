#!/usr/bin/env bash
# scripts/test.sh: every test of j7599, on a fresh Debian 12 machine with the
# PostgreSQL 15 server.  Installs what is missing, builds with -Wall -Werror,
# runs the C unit tests under ASan/UBSan, a short fuzz run of every parser,
# then make installcheck (the pgTAP suites and pg_regress) and the shell suites against a
# throwaway cluster that is always stopped.  Exits non-zero if anything failed.
#
#   FUZZ_SECONDS=N   seconds per fuzzer (default 15)
set -u
. "$(dirname "$0")/lib.sh"
cd "$J7599_ROOT"

# chromium and libxml2-utils (xmllint): test/shell/report_html.sh renders and checks the analysts' page
J7599_EXTRA_PKGS="clang libclang-rt-14-dev chromium libxml2-utils"
j7599_deps || exit 1

passed=0
failed=0
failures=""
suite() {
	local name=$1
	shift
	j7599_log "$name"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures="$failures $name"
		echo "*** $name FAILED"
	fi
}

# Runs a fuzz target with its chatter in a log; prints libFuzzer's closing
# "Done N runs" lines, and the log's tail when it fails.
fuzz() {
	local log
	log="build/$(echo "$*" | tr -c 'a-zA-Z0-9\n' '_' | cut -c1-60).log"
	mkdir -p build
	if "$@" >"$log" 2>&1; then
		grep -h '^Done [0-9]* runs' "$log" | sed 's/^/  /'
		return 0
	fi
	tail -60 "$log"
	return 1
}

# make installcheck is the two suites below: the pgTAP suites (pg_prove), then pg_regress
pgtap() { make -s PG_CONFIG="$PGBIN/pg_config" installcheck-pgtap; }
regress() {
	make -s PG_CONFIG="$PGBIN/pg_config" SKIP_PGTAP=1 installcheck
	local rc=$?
	[ $rc -eq 0 ] || cat build/regress/regression.diffs 2>/dev/null | head -300
	return $rc
}

shell_suites() {
	ls test/shell/*.sh >/dev/null 2>&1 || return 0
	prove --failures -e bash test/shell/*.sh
}

suite "build" j7599_build || true
if [ $failed -ne 0 ]; then
	echo "build failed; nothing else can run"
	echo "suites: $passed passed, $failed failed"
	exit 1
fi
suite "shipped reference data is fresh (gen_reference_data.pl --check)" perl scripts/gen_reference_data.pl --check
suite "C unit tests of the parsers (ASan, UBSan)" make -s -f test/c.mk unit
suite "C unit tests of the narrative reader (ASan, UBSan)" make -s -f test/narrative.mk unit
suite "fuzzers of the parsers (${FUZZ_SECONDS:-15}s each)" fuzz make -s -f test/c.mk fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-15}"
suite "fuzzer of the narrative reader (${FUZZ_SECONDS:-15}s)" fuzz make -s -f test/narrative.mk fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-15}"
j7599_cluster_up || exit 1
suite "pgTAP (make installcheck-pgtap)" pgtap
suite "pg_regress (make installcheck SKIP_PGTAP=1)" regress
suite "shell suites" shell_suites

echo
[ -z "$failures" ] || echo "failed:$failures"
echo "suites: $passed passed, $failed failed"
[ $failed -eq 0 ]
