#!/usr/bin/env bash
# test/shell/cache_snapshot.sh: which policy the validation cache applies
# when another session commits a change.  Sessions A and B are dblink
# connections (fresh backends, so A's cache starts cold) driven from one psql
# session.  Prints TAP.  Needs a running server with j7599 installed: PGHOST,
# PGPORT and PGUSER (a superuser) point at it, as scripts/test.sh sets them.
#
#   1. REPEATABLE READ: A takes its snapshot; B commits a policy change that
#      changes the judgment of a row; A validates (which reads the tables),
#      then audits 200,000 identical rows with parallel workers.  Every row
#      gets the judgment of A's snapshot, the one policy_for sees in the same
#      transaction; after COMMIT, A's next statement applies the new policy.
#   2. READ COMMITTED: B commits while A's statement runs, after its snapshot
#      was taken and before the cache is read.  That statement applies the
#      policy its snapshot sees (as policy_for does in the same query); the
#      next statement the new one.
#   3. session_replication_role = replica: a change B commits in that role
#      reaches A's loaded cache.
set -u

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DB=j7599_csnap_$$
WORK=$(mktemp -d /tmp/j7599-csnap.XXXXXX)

. "$(dirname "$0")/lib/tap.sh"
cleanup() {
	"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT
val() {         # val <name>: the value the scenario printed as "name=value"
	sed -n "s/^$1=//p" "$WORK/out" | head -1
}

echo "1..17"

"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" >"$WORK/setup.log" 2>&1 &&
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" >>"$WORK/setup.log" 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION j7599 CASCADE;
CREATE EXTENSION dblink;
-- a payer whose policy allows place of service 01 only; the rows say 12
INSERT INTO j7599.payer (payer_id, name, parent_id, source) VALUES ('snapplan', 'Snapshot Plan', 'default', 'test');
INSERT INTO j7599.policy (policy_id, payer_id, code, valid, pos_allowed, source, confidence)
VALUES ('snapplan-j7599', 'snapplan', 'J7599', '(,)', '{01}', 'test', 'confirmed');
CREATE TABLE claims (id int PRIMARY KEY, line text, payer text, service_date date, pos text);
INSERT INTO claims SELECT g, 'J7599', 'snapplan', '2024-03-01', '12' FROM generate_series(1, 200000) g;
DO $$ BEGIN PERFORM j7599.register('claims', line => 'line', payer => 'payer', service_date => 'service_date', pos => 'pos'); END $$;
VACUUM ANALYZE claims;
SQL
ok $? "a database with the extension, a payer, its policy and 200,000 claim lines"
sed 's/^/# /' "$WORK/setup.log"

"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" >"$WORK/out" 2>"$WORK/psql.err" <<'SQL'
CREATE FUNCTION pg_temp.conn() RETURNS text LANGUAGE sql AS $$
    SELECT format('dbname=%s host=%s port=%s user=%s', current_database(),
                  split_part(current_setting('unix_socket_directories'), ',', 1),
                  current_setting('port'), current_user)
$$;
CREATE FUNCTION pg_temp.one(conn text, q text) RETURNS text LANGUAGE sql AS $$
    SELECT v FROM dblink(conn, q) AS t(v text)
$$;
-- the rows A judges, by POS_NOT_ALLOWED: 'old' (policy {01}), 'new' (policy {01,12}), or 'mixed'
CREATE FUNCTION pg_temp.verdict(n_violating bigint, n bigint) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN n_violating = n THEN 'old' WHEN n_violating = 0 THEN 'new' ELSE 'mixed' END
$$;
SELECT dblink_connect('a', pg_temp.conn());
SELECT dblink_connect('b', pg_temp.conn());
SELECT dblink_exec('a', 'SET max_parallel_workers_per_gather = 2');
SELECT dblink_exec('a', 'SET parallel_setup_cost = 0');
SELECT dblink_exec('a', 'SET parallel_tuple_cost = 0');
SELECT dblink_exec('a', 'SET min_parallel_table_scan_size = 0');
SELECT dblink_exec('a', 'SET parallel_leader_participation = on');

-- ---- 1. REPEATABLE READ, parallel ------------------------------------------
SELECT dblink_exec('a', 'BEGIN ISOLATION LEVEL REPEATABLE READ');
SELECT 'rr_snapshot=' || pg_temp.one('a', 'SELECT count(*)::text FROM claims');
SELECT dblink_exec('b', $$UPDATE j7599.policy SET pos_allowed = '{01,12}' WHERE policy_id = 'snapplan-j7599'$$);
SELECT 'rr_policy_for=' || pg_temp.one('a', $$SELECT (j7599.policy_for('snapplan', '2024-03-01')).pos_allowed::text$$);
SELECT 'rr_is_valid=' || pg_temp.one('a',
    $$SELECT CASE WHEN j7599.is_valid('J7599', 'snapplan', '2024-03-01', units => 1, pos => '12', narrative => 'voclosporin 7.9 mg') THEN 'new' ELSE 'old' END$$);
-- the query audit_summary runs (its plan, then its result), and audit_summary itself
SELECT 'rr_workers=' || (regexp_match(string_agg(p, E'\n'), 'Workers Launched: (\d+)'))[1]
  FROM dblink('a', $$EXPLAIN (ANALYZE, COSTS OFF)
                     SELECT j7599._finding_mask(t.line, t.payer, t.service_date, pos => t.pos) AS mask, count(*)
                       FROM claims AS t GROUP BY 1$$) AS e(p text);
SELECT 'rr_masks=' || pg_temp.one('a', $$
    SELECT count(DISTINCT mask)::text FROM (
        SELECT j7599._finding_mask(t.line, t.payer, t.service_date, pos => t.pos) AS mask, count(*)
          FROM claims AS t GROUP BY 1) s$$);
SELECT 'rr_audit=' || pg_temp.verdict(
           coalesce((SELECT rows_violated FROM dblink('a', $$SELECT rule, rows_violated FROM j7599.audit_summary('claims')$$)
                                            AS s(rule text, rows_violated bigint) WHERE rule = 'POS_NOT_ALLOWED'), 0),
           200000);
SELECT dblink_exec('a', 'COMMIT');
SELECT 'rr_after_policy_for=' || pg_temp.one('a', $$SELECT (j7599.policy_for('snapplan', '2024-03-01')).pos_allowed::text$$);
SELECT 'rr_after_is_valid=' || pg_temp.one('a',
    $$SELECT CASE WHEN j7599.is_valid('J7599', 'snapplan', '2024-03-01', units => 1, pos => '12', narrative => 'voclosporin 7.9 mg') THEN 'new' ELSE 'old' END$$);
SELECT 'rr_after_audit=' || pg_temp.verdict(
           coalesce((SELECT rows_violated FROM dblink('a', $$SELECT rule, rows_violated FROM j7599.audit_summary('claims')$$)
                                            AS s(rule text, rows_violated bigint) WHERE rule = 'POS_NOT_ALLOWED'), 0),
           200000);

-- back to the old policy, A's cache warm and current
SELECT dblink_exec('b', $$UPDATE j7599.policy SET pos_allowed = '{01}' WHERE policy_id = 'snapplan-j7599'$$);
SELECT 'rc_before=' || pg_temp.one('a',
    $$SELECT CASE WHEN j7599.is_valid('J7599', 'snapplan', '2024-03-01', units => 1, pos => '12', narrative => 'voclosporin 7.9 mg') THEN 'new' ELSE 'old' END$$);

-- ---- 2. READ COMMITTED: B commits inside A's statement ----------------------
-- A's statement: its snapshot is taken, then B commits (through a dblink
-- connection of A's own), then the cache is read for the first row.
SELECT dblink_exec('a', 'CREATE EXTENSION IF NOT EXISTS dblink');
SELECT pg_temp.one('a', format('SELECT dblink_connect(%L, %L)', 'a_to_b', pg_temp.conn()));
SELECT 'rc_same=' || pg_temp.one('a', $$
    SELECT CASE WHEN j7599.is_valid('J7599', 'snapplan', '2024-03-01', units => 1, pos => '12', narrative => 'voclosporin 7.9 mg') THEN 'new' ELSE 'old' END
           || '/' || (j7599.policy_for('snapplan', '2024-03-01')).pos_allowed::text
      FROM (SELECT dblink_exec('a_to_b', 'UPDATE j7599.policy SET pos_allowed = ''{01,12}'' WHERE policy_id = ''snapplan-j7599''') AS done
             OFFSET 0) s$$);
SELECT 'rc_next=' || pg_temp.one('a',
    $$SELECT CASE WHEN j7599.is_valid('J7599', 'snapplan', '2024-03-01', units => 1, pos => '12', narrative => 'voclosporin 7.9 mg') THEN 'new' ELSE 'old' END$$);
SELECT 'rc_next_policy_for=' || pg_temp.one('a', $$SELECT (j7599.policy_for('snapplan', '2024-03-01')).pos_allowed::text$$);

-- ---- 3. session_replication_role = replica ---------------------------------
SELECT 'replica_before=' || pg_temp.one('a',
    $$SELECT CASE WHEN j7599.is_valid('J7599', 'snapplan', '2024-03-01', units => 1, pos => '12', narrative => 'voclosporin 7.9 mg') THEN 'new' ELSE 'old' END$$);
SELECT dblink_exec('b', 'SET session_replication_role = replica');
SELECT dblink_exec('b', $$UPDATE j7599.policy SET pos_allowed = '{01}' WHERE policy_id = 'snapplan-j7599'$$);
SELECT dblink_exec('b', 'RESET session_replication_role');
SELECT 'replica_after=' || pg_temp.one('a',
    $$SELECT CASE WHEN j7599.is_valid('J7599', 'snapplan', '2024-03-01', units => 1, pos => '12', narrative => 'voclosporin 7.9 mg') THEN 'new' ELSE 'old' END$$);
SELECT 'replica_audit=' || pg_temp.verdict(
           coalesce((SELECT rows_violated FROM dblink('a', $$SELECT rule, rows_violated FROM j7599.audit_summary('claims')$$)
                                            AS s(rule text, rows_violated bigint) WHERE rule = 'POS_NOT_ALLOWED'), 0),
           200000);
SELECT dblink_disconnect('a');
SELECT dblink_disconnect('b');
SQL
ok $? "the scenario ran"

is "$(val rr_policy_for)" "{01}" "RR: policy_for follows the transaction's snapshot"
is "$(val rr_is_valid)" "old" "RR: is_valid, which reads the tables after B's commit, agrees with policy_for"
workers=$(val rr_workers)
[ "${workers:-0}" -ge 1 ] 2>/dev/null
ok $? "RR: the audit's query runs with parallel workers (launched: ${workers:-none})"
is "$(val rr_masks)" "1" "RR: 200,000 identical rows, leader and workers: one judgment"
is "$(val rr_audit)" "old" "RR: audit_summary judges every row by the transaction's policy"
is "$(val rr_after_policy_for)" "{01,12}" "RR: after COMMIT, policy_for sees the change"
is "$(val rr_after_is_valid)" "new" "RR: after COMMIT, the next statement applies the new policy"
is "$(val rr_after_audit)" "new" "RR: after COMMIT, so does the next audit, on every row"
is "$(val rc_before)" "old" "RC: the policy is back, A applies it"
is "$(val rc_same)" "old/{01}" "RC: a commit after the statement's snapshot is not applied by that statement, as policy_for"
is "$(val rc_next)" "new" "RC: the next statement applies it: the cache read in between did not stay stale"
is "$(val rc_next_policy_for)" "{01,12}" "RC: policy_for agrees"
is "$(val replica_before)" "new" "replica: A's cache is loaded with the current policy"
is "$(val replica_after)" "old" "replica: a change committed under session_replication_role = replica reaches A"
is "$(val replica_audit)" "old" "replica: and A's next audit, workers included"
tap_finish
