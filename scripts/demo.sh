#!/usr/bin/env bash
# scripts/demo.sh: the j7599 demo on a throwaway cluster.  Installs what is
# missing, builds, starts a private cluster as the postgres OS user, runs the
# demo scripts in demo/ in order, and stops the cluster whatever happens.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$J7599_ROOT"
j7599_deps
j7599_build
j7599_cluster_up
j7599_psql -d postgres -c 'CREATE DATABASE j7599_demo' >/dev/null
for f in demo/*.sql; do
	j7599_log "$(sed -n '1s/^-- *//p' "$f")"
	# -e echoes each statement; errors are part of the show, so no ON_ERROR_STOP
	"$PGBIN/psql" -X -q -e -d j7599_demo -v ON_ERROR_STOP=0 -f "$f" 2>&1 | sed -e 's/^psql:[^ ]*: //' -e '/^psql:.*NOTICE:  table "claims_src" does not exist/d'
done
# the analysts' page, written on the client side (the server cannot write into the checkout)
mkdir -p build/demo
if "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d j7599_demo -c "SELECT j7599.report('claims_src')" >build/demo/report.html; then
	j7599_log "the analysts' report of claims_src is in $J7599_ROOT/build/demo/report.html (open it in a browser)"
fi
j7599_log "demo finished; the cluster is stopped and removed"
