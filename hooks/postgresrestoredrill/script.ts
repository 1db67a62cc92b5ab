/**
 * The drill's check program (bash, in the cluster's Spilo image, which ships psql): wait until the
 * temporary cluster runs as a primary (recovery finished, promoted), record when, then check it and
 * print one JSON line to the termination message (`$TERMINATION_LOG`, the container's
 * `/dev/termination-log`), which the hook reads from the Job's pod.
 *
 * - `lastReplayAt`: `pg_last_xact_replay_timestamp()`, which after recovery stays at the commit time
 *   of the last transaction recovery applied (PostgreSQL docs, "Recovery Information Functions"): the
 *   newest data the backup and its WAL gave back. The drill cluster has no archive, so nothing rolls
 *   it out and restarts it before the check reads this.
 * - `systemIdentifier`: the restored data's, which must be the source's (`pg_control_system()`).
 * - amcheck: `bt_index_check` on the largest valid btree indexes, `$AMCHECK_SAMPLE` of them, in the
 *   application database.
 * - the user's query (`$QUERY`, unset: no query), run in `$DRILL_DATABASE`: its result must equal
 *   `$EXPECT` exactly (unset: empty). Only
 *   whether it matched is printed (never the result: it is the user's data, and the termination
 *   message holds 4 KiB).
 *
 * The query never runs as the superuser: a superuser can run programs in the database pod (`COPY ...
 * TO PROGRAM`), and that pod holds the source archive's credentials. `SET ROLE` would not do (the
 * query could `RESET ROLE`), so it runs over its own connection as {@link CHECK_ROLE}: a login role
 * without superuser, createdb, createrole, replication or bypassrls, which reads everything
 * (`pg_read_all_data` from 14 on; on 13 `USAGE` on every schema and `SELECT` on every table and
 * sequence of the drill database) and whose transactions are read-only by default. Its password is
 * random, made in the pod for this run, sent to the server on psql's stdin with statement logging
 * and pg_stat_statements' utility tracking off for that session, and given only to the psql that
 * runs the query (`PGPASSWORD` of that one command). It connects like the superuser does (same
 * Service, `PGSSLMODE`), which pgmeta's pg_hba admits (`host[ssl] all all all scram-sha-256`,
 * hooks/postgrescluster/spilo/hba.ts). amcheck and the other checks stay superuser: they need it.
 *
 * Every printed value is a timestamp, digits, true or false: nothing needs quoting. The program exits
 * 1 when a check fails, so the Job fails (backoffLimit 0); the Job's `activeDeadlineSeconds` is the
 * drill's timeout, which also ends a restore that never becomes ready.
 */
export const CHECK_ROLE = 'pgmeta_drill_check';

/** Run as the superuser in the drill database before the password line; idempotent. */
const CHECK_ROLE_SQL = String.raw`SET log_statement = 'none';
SET log_min_duration_statement = -1;
SET log_min_error_statement = panic;
SET pg_stat_statements.track_utility = off;
SELECT 'CREATE ROLE ${CHECK_ROLE}' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${CHECK_ROLE}') \gexec
ALTER ROLE ${CHECK_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE ${CHECK_ROLE} SET default_transaction_read_only = on;
SELECT format('GRANT CONNECT ON DATABASE %I TO ${CHECK_ROLE}', current_database()) \gexec
SELECT 'GRANT pg_read_all_data TO ${CHECK_ROLE}' WHERE current_setting('server_version_num')::int >= 140000 \gexec
SELECT format('GRANT USAGE ON SCHEMA %1$I TO ${CHECK_ROLE}', nspname), format('GRANT SELECT ON ALL TABLES IN SCHEMA %1$I TO ${CHECK_ROLE}', nspname), format('GRANT SELECT ON ALL SEQUENCES IN SCHEMA %1$I TO ${CHECK_ROLE}', nspname) FROM pg_namespace WHERE current_setting('server_version_num')::int < 140000 AND nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname !~ '^pg_(toast_)?temp_' \gexec`;

export const DRILL_SCRIPT = String.raw`q() { psql -X -v ON_ERROR_STOP=1 -Atq -d "$1" -c "$2"; }
role_sql=$(cat <<'SQL'
${CHECK_ROLE_SQL}
SQL
)
until [ "$(q postgres 'SELECT NOT pg_is_in_recovery()' 2>/dev/null)" = t ]; do sleep 5; done
ready_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
last=$(q postgres "SELECT coalesce(to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')")
sysid=$(q postgres 'SELECT system_identifier FROM pg_control_system()')
amcheck=false; indexes=0
if q "$DRILL_DATABASE" 'CREATE EXTENSION IF NOT EXISTS amcheck' >/dev/null; then
  indexes=$(q "$DRILL_DATABASE" "SELECT count(*) FROM (SELECT bt_index_check(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND c.relpersistence = 'p' AND i.indisvalid AND i.indisready ORDER BY c.relpages DESC, c.oid LIMIT $AMCHECK_SAMPLE) s") && amcheck=true || indexes=0
fi
query=true
if [ -n "$QUERY" ]; then
  # Hex from the kernel's random source: nothing in it needs quoting in SQL.
  pw=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
  if [ -n "$pw" ] && printf "%s\nALTER ROLE ${CHECK_ROLE} PASSWORD '%s';\n" "$role_sql" "$pw" |
    psql -X -v ON_ERROR_STOP=1 -Atq -d "$DRILL_DATABASE" >/dev/null; then
    got=$(PGUSER=${CHECK_ROLE} PGPASSWORD="$pw" q "$DRILL_DATABASE" "$QUERY") && [ "$got" = "$EXPECT" ] || query=false
  else
    query=false
  fi
  unset pw
fi
printf '{"readyAt":"%s","lastReplayAt":"%s","systemIdentifier":"%s","amcheck":{"ok":%s,"indexes":%s},"query":{"ok":%s}}\n' \
  "$ready_at" "$last" "$sysid" "$amcheck" "$indexes" "$query" | tee "$TERMINATION_LOG"
[ "$amcheck" = true ] && [ "$query" = true ]
`;
