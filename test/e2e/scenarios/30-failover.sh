# shellcheck shell=bash
# Deleting the primary pod: Patroni releases the leader lock on SIGTERM, a replica takes over, the
# primary Service follows Patroni's leader Endpoints. Measures the time to a new primary and to the
# first write that succeeds through the primary Service.
rw=$(rw_host)
old_primary=$(pgc_get '{.status.primary}')
[ -n "$old_primary" ] || fail "no status.primary before the failover"
client_psql "$rw" 'CREATE TABLE IF NOT EXISTS e2e_failover (id serial PRIMARY KEY, at timestamptz DEFAULT now())'

new_primary_elected() {
  local pods
  pods=$(pods_with_role master | grep -vx "$old_primary") || return 1
  [ "$(printf '%s\n' "$pods" | grep -c .)" -eq 1 ]
}

start=$(now_ms)
kn delete pod "$old_primary" --wait=false
wait_until 180 "a new pod labelled master" new_primary_elected
elected=$(now_ms)
wait_until 180 "a write through $rw" client_psql "$rw" 'INSERT INTO e2e_failover DEFAULT VALUES'
resumed=$(now_ms)
new_primary=$(pods_with_role master | grep -vx "$old_primary")
log "failover: deleted $old_primary; new primary $new_primary after $(elapsed "$start" "$elected") s;" \
  "writes resumed after $(elapsed "$start" "$resumed") s"

# The row written before the failover survived it (synchronous replication).
[ "$(client_psql "$rw" 'SELECT count(*) FROM e2e_rw WHERE id = 1')" = 1 ] || fail "row 1 lost in the failover"
status_primary_is_new() { [ "$(pgc_get '{.status.primary}')" = "$new_primary" ]; }
wait_until 120 "status.primary to name $new_primary" status_primary_is_new
wait_until 600 "the deleted member to rejoin (Running, 3 ready)" cluster_running_with 3
wait_until 120 "two replicas again" count_role_is replica 2
