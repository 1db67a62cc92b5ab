# shellcheck shell=bash
# A 3-member cluster reaches Running: one primary and two replicas, as Patroni labels the pods.
# Synchronous mode, so the failover scenario runs with the same guarantee as the loopback rig.
# Small resources: five members must fit on one kind node in CI.
kn apply -f - <<YAML
apiVersion: pgmeta.io/v1alpha1
kind: PostgresCluster
metadata:
  name: $E2E_CLUSTER
spec:
  version: '17'
  replicas: 3
  storage:
    size: 1Gi
    retentionPolicy:
      whenDeleted: Retain
      whenScaled: Retain
  synchronous:
    mode: sync
    nodeCount: 1
  resources:
    requests:
      cpu: 100m
      memory: 256Mi
    limits:
      memory: 512Mi
  postgresqlParams:
    max_connections: '100'
YAML

# Pulling the Spilo image dominates on a fresh node.
wait_until 900 "PostgresCluster $E2E_CLUSTER Running with 3 ready members" cluster_running_with 3
wait_until 120 "one pod labelled spilo-role=master" count_role_is master 1
wait_until 120 "two pods labelled spilo-role=replica" count_role_is replica 2

primary=$(pgc_get '{.status.primary}')
[ "$(pods_with_role master)" = "$primary" ] || fail "status.primary '$primary' is not the pod labelled master"
log "Running: primary $primary; $(k get pgc -n "$E2E_NAMESPACE" "$E2E_CLUSTER" --no-headers)"
