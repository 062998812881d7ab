# scripts/lib.sh: shared by scripts/test.sh, scripts/demo.sh and test/bench/*.
# Source it; it defines functions and changes nothing by itself.
#
#   j7599_deps        install the Debian packages the build and tests need (only the missing ones)
#   j7599_build       build with -Wall -Werror and install into PostgreSQL 15
#   j7599_cluster_up  start a throwaway cluster as the postgres OS user on a private
#                     socket directory and port; it is stopped and removed on exit
#   j7599_psql        psql against that cluster (ON_ERROR_STOP, quiet)

J7599_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# PGBIN may point at another PostgreSQL 15 tree (a relocated copy, say).
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
J7599_PKGS="postgresql-server-dev-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl"

j7599_log() { printf '\n==> %s\n' "$*"; }

j7599_deps() {
	local missing="" p
	local want="$J7599_PKGS ${J7599_EXTRA_PKGS:-}"
	for p in $want; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		j7599_log "installing:$missing"
		if [ "$(id -u)" -ne 0 ]; then
			echo "j7599: need root to install:$missing" >&2
			return 1
		fi
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >/dev/null
	fi
	[ -x "$PGBIN/postgres" ] || { echo "j7599: PostgreSQL 15 server not found in $PGBIN" >&2; return 1; }
}

j7599_build() {
	j7599_log "building (-Wall -Werror) and installing"
	make -C "$J7599_ROOT" -s PG_CONFIG="$PGBIN/pg_config" PG_CFLAGS="-Wall -Werror" >/dev/null &&
		make -C "$J7599_ROOT" -s PG_CONFIG="$PGBIN/pg_config" PG_CFLAGS="-Wall -Werror" install >/dev/null
}

j7599_cluster_down() {
	if [ -n "${J7599_TMP:-}" ] && [ -d "$J7599_TMP" ]; then
		if [ -f "$J7599_TMP/data/postmaster.pid" ]; then
			runuser -u postgres -- "$PGBIN/pg_ctl" -D "$J7599_TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
		fi
		rm -rf "$J7599_TMP"
	fi
	J7599_TMP=""
}

# Starts the cluster and installs an EXIT trap that stops it whatever happens.
j7599_cluster_up() {
	J7599_TMP=$(mktemp -d /tmp/j7599-cluster.XXXXXX)
	chmod 755 "$J7599_TMP"
	chown postgres: "$J7599_TMP"
	trap 'j7599_cluster_down' EXIT
	trap 'exit 130' INT TERM
	export PGHOST="$J7599_TMP" PGPORT="${J7599_PORT:-$((50000 + RANDOM % 10000))}" PGUSER=postgres
	export PGDATABASE=postgres
	j7599_log "starting a throwaway cluster in $J7599_TMP (port $PGPORT, socket only)"
	runuser -u postgres -- "$PGBIN/initdb" -D "$J7599_TMP/data" -U postgres --auth=trust \
		-E UTF8 --locale=C.UTF-8 >"$J7599_TMP/initdb.log" 2>&1 ||
		{ cat "$J7599_TMP/initdb.log"; return 1; }
	cat >>"$J7599_TMP/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$J7599_TMP'
port = $PGPORT
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = '512MB'
work_mem = '64MB'
maintenance_work_mem = '256MB'
max_wal_size = '4GB'
max_worker_processes = 8
max_parallel_workers_per_gather = 2
${J7599_EXTRA_CONF:-}
CONF
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$J7599_TMP/data" -l "$J7599_TMP/server.log" -w start >/dev/null ||
		{ cat "$J7599_TMP/server.log"; return 1; }
}

j7599_psql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
