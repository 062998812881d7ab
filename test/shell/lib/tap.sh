# test/shell/lib/tap.sh: TAP helpers of the shell suites (sourced; the suites
# set PGBIN and WORK first).  prove runs test/shell/*.sh only, not this file.
#
#   ok <status> <description>    a test passes when status is 0
#   is <have> <want> <description>
#   q <db> <sql>                 one value, unaligned; psql errors go to $WORK/psql.err
#   tap_finish                   reports psql errors; true when every test passed

n=0
failed=0

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   have: %s\n#   want: %s\n' "$1" "$2"
	fi
}

q() {
	"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>>"$WORK/psql.err"
}

tap_finish() {
	if [ -s "$WORK/psql.err" ]; then
		sed 's/^/# psql: /' "$WORK/psql.err"
	fi
	[ "$failed" -eq 0 ] && [ ! -s "$WORK/psql.err" ]
}
