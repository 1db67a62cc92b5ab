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
 * Every printed value is a timestamp, digits, true or false: nothing needs quoting. The program exits
 * 1 when a check fails, so the Job fails (backoffLimit 0); the Job's `activeDeadlineSeconds` is the
 * drill's timeout, which also ends a restore that never becomes ready.
 */
export const DRILL_SCRIPT = String.raw`q() { psql -X -v ON_ERROR_STOP=1 -Atq -d "$1" -c "$2"; }
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
  got=$(q "$DRILL_DATABASE" "$QUERY") && [ "$got" = "$EXPECT" ] || query=false
fi
printf '{"readyAt":"%s","lastReplayAt":"%s","systemIdentifier":"%s","amcheck":{"ok":%s,"indexes":%s},"query":{"ok":%s}}\n' \
  "$ready_at" "$last" "$sysid" "$amcheck" "$indexes" "$query" | tee "$TERMINATION_LOG"
[ "$amcheck" = true ] && [ "$query" = true ]
`;
