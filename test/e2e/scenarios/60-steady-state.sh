# shellcheck shell=bash
# Steady state: with nothing changing, no child is rewritten. Metacontroller re-syncs every
# resyncPeriodSeconds; a hook whose output differs from what the API server stores (a default it
# did not write, a non-canonical quantity, an unsorted list) makes every resync an update.
resync=$(k get compositecontroller postgrescluster -o 'jsonpath={.spec.resyncPeriodSeconds}')
resync=${resync:-30}

# "Kind/name resourceVersion" of every object a PostgresCluster owns (not Patroni's own objects).
child_versions() {
  kn get serviceaccounts,roles,rolebindings,secrets,services,statefulsets,poddisruptionbudgets,jobs \
    -o 'jsonpath={range .items[*]}{.kind}/{.metadata.name} {.metadata.resourceVersion} {.metadata.ownerReferences[*].kind}{"\n"}{end}' |
    awk '$3 == "PostgresCluster" { print $1, $2 }' | sort
}

wait_until 300 "Running with 3 ready members" cluster_running_with 3
before=$(child_versions)
[ "$(printf '%s\n' "$before" | grep -c StatefulSet/)" -eq 1 ] || fail "no StatefulSet among the children"
log "watching $(printf '%s\n' "$before" | grep -c .) children for two resync periods ($((2 * resync + 10)) s)"
sleep $((2 * resync + 10))
after=$(child_versions)
if [ "$before" != "$after" ]; then
  diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") || true
  fail "children were rewritten in steady state"
fi
log "no child changed across two resync periods"
