#!/usr/bin/env bash
# test/shell/doc_examples.sh: every SQL example of README.md and doc/*.md runs,
# in order, on a fresh database (one per document), and shows the output it
# claims (see test/doc_examples.pl for the contract).  Prints TAP.  Needs a
# running server with j7599 installed: PGHOST, PGPORT and PGUSER (a superuser)
# point at it, as scripts/test.sh sets them.
set -u
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PGBIN
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DB=j7599_doc_$$
total=0
failed=0
out=$(mktemp /tmp/j7599-doc.XXXXXX)
trap '"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1; rm -f "$out"' EXIT
for doc in "$ROOT/README.md" "$ROOT"/doc/*.md; do
	grep -q '^ *``` *sql *$' "$doc" || continue
	"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null 2>&1
	# a document that does not create the extension itself starts with it installed
	grep -q '^CREATE EXTENSION j7599' "$doc" ||
		"$PGBIN/psql" -X -q -d "$DB" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION j7599 CASCADE' >/dev/null
	(cd "$ROOT" && perl test/doc_examples.pl -d "$DB" "${doc#"$ROOT"/}") >"$out"
	rc=$?
	n=$(sed -n 's/^1\.\.//p' "$out")
	# renumber the document's tests into one TAP stream
	awk -v base="$total" '/^(not )?ok [0-9]+ /{ sub(/ok [0-9]+/, "ok " base + (++i)); print; next } /^1\.\./{ next } { print }' "$out"
	total=$((total + ${n:-0}))
	[ $rc -eq 0 ] || failed=$((failed + 1))
done
echo "1..$total"
[ $failed -eq 0 ]
