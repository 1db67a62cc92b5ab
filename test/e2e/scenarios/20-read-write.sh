# shellcheck shell=bash
# An application writes through the primary Service and reads through the replicas Service, with the
# credentials of the -app Secret, from a pod of its own; the Services and Secret are the ones
# status.connectionInfo names.
rw=$(rw_host)
ro=$(ro_host)
app_secret=$(pgc_get '{.status.connectionInfo.secrets.app}')
if [ -z "$rw" ] || [ -z "$ro" ] || [ -z "$app_secret" ]; then fail "status.connectionInfo is incomplete"; fi
# The cluster's own image has psql, and the node already has it.
client_image=$(kn get statefulset "$E2E_CLUSTER" -o 'jsonpath={.spec.template.spec.containers[0].image}')

kn apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: e2e-client
spec:
  restartPolicy: Never
  securityContext: {runAsNonRoot: true, runAsUser: 101, runAsGroup: 103}
  containers:
    - name: client
      image: $client_image
      command: [sleep, '3600']
      env:
        - {name: APP_USER, valueFrom: {secretKeyRef: {name: $app_secret, key: username}}}
        - {name: APP_PASSWORD, valueFrom: {secretKeyRef: {name: $app_secret, key: password}}}
        - {name: APP_DB, valueFrom: {secretKeyRef: {name: $app_secret, key: dbname}}}
        - {name: APP_PORT, valueFrom: {secretKeyRef: {name: $app_secret, key: port}}}
        - {name: APP_URI, valueFrom: {secretKeyRef: {name: $app_secret, key: uri}}}
YAML
kn wait --for=condition=Ready pod/e2e-client --timeout=300s

# The bootstrap Job creates the owner and database once the primary is up.
wait_until 300 "the application owner to log in through $rw" client_psql "$rw" 'SELECT 1'
# The Secret's ready-made uri works as it is.
# shellcheck disable=SC2016 # APP_URI is the pod's env
kn exec e2e-client -- sh -c 'psql -X -t -A "$APP_URI" -c "SELECT current_user"' | grep -q . \
  || fail "the uri of Secret $app_secret does not connect"

client_psql "$rw" 'CREATE TABLE IF NOT EXISTS e2e_rw (id integer PRIMARY KEY, note text NOT NULL)'
client_psql "$rw" "INSERT INTO e2e_rw VALUES (1, 'written through the primary Service')"

replica_has_row() {
  [ "$(client_psql "$ro" 'SELECT note FROM e2e_rw WHERE id = 1')" = 'written through the primary Service' ]
}
wait_until 60 "the row to be readable through $ro" replica_has_row
[ "$(client_psql "$ro" 'SELECT pg_is_in_recovery()')" = t ] || fail "$ro does not lead to a replica"
if client_psql "$ro" "INSERT INTO e2e_rw VALUES (2, 'must fail')" 2>/dev/null; then
  fail "a write through $ro succeeded"
fi
log "wrote through $rw, read through $ro"
