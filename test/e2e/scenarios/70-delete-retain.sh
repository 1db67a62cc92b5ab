# shellcheck shell=bash
# Deleting the cluster with whenDeleted: Retain: every object goes, the data volumes stay.
pvcs=$(kn get pvc -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}' | grep "^pgdata-$E2E_CLUSTER-" || true)
[ "$(printf '%s\n' "$pvcs" | grep -c .)" -ge 3 ] || fail "expected at least 3 data PVCs, found: $pvcs"
kn delete pod e2e-client --wait=false

kn delete pgc "$E2E_CLUSTER" --wait=false
pgc_gone() { ! kn get pgc "$E2E_CLUSTER" >/dev/null 2>&1; }
wait_until 600 "the PostgresCluster to be deleted (finalizer released)" pgc_gone
no_members() { [ -z "$(member_pods)" ]; }
wait_until 300 "every member pod to be gone" no_members
statefulset_gone() { ! kn get statefulset "$E2E_CLUSTER" >/dev/null 2>&1; }
wait_until 300 "the StatefulSet to be garbage-collected" statefulset_gone

for pvc in $pvcs; do
  [ "$(kn get pvc "$pvc" -o 'jsonpath={.status.phase}')" = Bound ] || fail "PVC $pvc was not retained"
done
log "cluster deleted; retained $(printf '%s\n' "$pvcs" | grep -c .) PVCs"
