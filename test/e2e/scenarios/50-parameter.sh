# shellcheck shell=bash
# A parameter change: max_connections is DCS-only (Patroni ignores local values; pgmeta applies it
# with PATCH /config and restarts pending members), work_mem is local (it follows the StatefulSet).
kn patch pgc "$E2E_CLUSTER" --type merge \
  -p '{"spec":{"postgresqlParams":{"max_connections":"150","work_mem":"16MB"}}}'

every_member_has() {
  local pod
  for pod in $(member_pods); do
    [ "$(member_psql "$pod" "SELECT current_setting('$1')")" = "$2" ] || return 1
  done
}
wait_until 900 "max_connections = 150 on every member" every_member_has max_connections 150
wait_until 300 "work_mem = 16MB on every member" every_member_has work_mem 16MB
no_pending_restart() {
  ! pgc_get '{.status.members[*].pendingRestart}' | grep -q true
}
wait_until 300 "no member pending a restart" no_pending_restart
wait_until 600 "Running with 3 ready members" cluster_running_with 3
log "max_connections and work_mem applied on every member"
