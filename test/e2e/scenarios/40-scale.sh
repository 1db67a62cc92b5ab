# shellcheck shell=bash
# Scale to 5 members and back to 3 through spec.replicas.
ro=$(ro_host)
kn patch pgc "$E2E_CLUSTER" --type merge -p '{"spec":{"replicas":5}}'
wait_until 900 "5 ready members" cluster_running_with 5
wait_until 120 "four replicas" count_role_is replica 4
[ "$(client_psql "$ro" 'SELECT count(*) FROM e2e_rw')" = 1 ] || fail "replicas Service after scale-up"

kn patch pgc "$E2E_CLUSTER" --type merge -p '{"spec":{"replicas":3}}'
wait_until 600 "3 members again" cluster_running_with 3
wait_until 120 "two replicas" count_role_is replica 2
# whenScaled: Retain keeps the volumes of the removed members.
for ordinal in 3 4; do
  kn get pvc "pgdata-$E2E_CLUSTER-$ordinal" >/dev/null || fail "PVC of member $ordinal deleted on scale-down"
done
log "scaled 3 -> 5 -> 3"
