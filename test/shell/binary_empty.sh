#!/usr/bin/env bash
# test/shell/binary_empty.sh: a binary COPY whose hcpcs_line or ndc field is
# present but empty (length 0) is refused as malformed binary input (22P03),
# with a message that says so, not as a protocol error (08P01); a binary COPY
# of real values still loads.  The files are crafted byte by byte: the PGCOPY
# header, one tuple of one field of length 0, the trailer.  Prints TAP.
# Needs a running server with j7599 installed: PGHOST, PGPORT and PGUSER (a
# superuser) point at it, as scripts/test.sh sets them.
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DB=j7599_binempty_$$
WORK=$(mktemp -d /tmp/j7599-binempty.XXXXXX)

. "$(dirname "$0")/lib/tap.sh"
cleanup() {
	"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

# copy_in <table> <file>: the error of \copy ... FROM file (FORMAT binary),
# as "SQLSTATE|message", or "00000" when it loads
copy_in() {
	local out
	if out=$("$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d "$DB" \
		-c "\\copy $1 FROM '$2' (FORMAT binary)" 2>&1); then
		echo 00000
	else
		printf '%s\n' "$out" | sed -n 's/^ERROR: *\([0-9A-Z]\{5\}\): \(.*\)$/\1|\2/p' | head -1
	fi
}

echo "1..7"

"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" >"$WORK/setup.log" 2>&1 &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" -c 'SET client_min_messages = warning' \
		-c 'CREATE EXTENSION j7599 CASCADE' \
		-c 'CREATE TABLE lines (line j7599.hcpcs_line)' \
		-c 'CREATE TABLE ndcs (ndc j7599.ndc)' >>"$WORK/setup.log" 2>&1
ok $? "a database with the extension and a table of each type"
sed 's/^/# /' "$WORK/setup.log"

# header: signature, flags (int32 0), header extension length (int32 0);
# tuple: field count (int16 1), field length (int32 0); trailer: int16 -1
printf 'PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\000\377\377' >"$WORK/empty.bin"
is "$(od -An -tx1 "$WORK/empty.bin" | tr -d ' \n')" \
	"5047434f50590aff0d0a000000000000000000000100000000ffff" "the crafted file holds one tuple with one empty field"

is "$(copy_in lines "$WORK/empty.bin")" "22P03|invalid binary value for type hcpcs_line" \
	"hcpcs_line: an empty binary value is 22P03, invalid binary value"
is "$(copy_in ndcs "$WORK/empty.bin")" "22P03|invalid binary value for type ndc" \
	"ndc: an empty binary value is 22P03, invalid binary value"
"$PGBIN/psql" -X -q -At -d "$DB" -c "\\copy ndcs FROM '$WORK/empty.bin' (FORMAT binary)" >"$WORK/detail.log" 2>&1
grep -q '^DETAIL: *The value is empty' "$WORK/detail.log"
ok $? "the detail says the value is empty"
sed 's/^/# /' "$WORK/detail.log"

# real values round-trip through a binary COPY
"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" \
	-c "\\copy (SELECT 'J7599-JZ-KX'::j7599.hcpcs_line) TO '$WORK/lines.bin' (FORMAT binary)" \
	-c "\\copy (SELECT '00069-0150-01'::j7599.ndc) TO '$WORK/ndcs.bin' (FORMAT binary)" >"$WORK/out.log" 2>&1
is "$(copy_in lines "$WORK/lines.bin")|$(q "$DB" "SELECT line FROM lines")" "00000|J7599-JZ-KX" \
	"hcpcs_line: a binary COPY of a real value loads"
is "$(copy_in ndcs "$WORK/ndcs.bin")|$(q "$DB" "SELECT ndc FROM ndcs")" "00000|00069015001" \
	"ndc: a binary COPY of a real value loads"

tap_finish
