# shellcheck shell=bash
# The admission webhook (docs/admission.md): a misspelt parameter is refused by `kubectl` at once, with
# the field path; with the hook service down, failurePolicy Ignore lets the same edit through and the
# sync hook reports it as SpecValid=False instead, keeping the cluster as it was.
ca_bundle_set() {
  [ -n "$(k get validatingwebhookconfiguration pgmeta-validation -o 'jsonpath={.webhooks[0].clientConfig.caBundle}')" ]
}
wait_until 120 "the hook service published its CA to the webhook configuration" ca_bundle_set

BAD='{"spec":{"postgresqlParams":{"shared_buffer":"1GB"}}}'
refused=$(kn patch pgc "$E2E_CLUSTER" --type merge -p "$BAD" 2>&1) && fail "the misspelt parameter was accepted: $refused"
echo "$refused" | grep -q 'denied the request' || fail "not refused by the webhook: $refused"
echo "$refused" | grep -q 'spec.postgresqlParams.shared_buffer' || fail "refusal without the field path: $refused"
log "kubectl refused the misspelt parameter: $refused"

# pgmeta unavailable: the edit passes (Ignore), the hooks catch it when they are back.
k -n pgmeta-system scale deployment/pgmeta-hooks --replicas=0
k -n pgmeta-system wait --for=delete pod -l app.kubernetes.io/name=pgmeta-hooks --timeout=120s
kn patch pgc "$E2E_CLUSTER" --type merge -p "$BAD" || fail "with pgmeta down the webhook blocked an edit"
k -n pgmeta-system scale deployment/pgmeta-hooks --replicas=2
k -n pgmeta-system rollout status deployment/pgmeta-hooks --timeout=300s
spec_invalid() { [ "$(pgc_get '{.status.conditions[?(@.type=="SpecValid")].status}')" = "False" ]; }
wait_until 300 "SpecValid=False for the edit made while pgmeta was down" spec_invalid
kn patch pgc "$E2E_CLUSTER" --type json -p '[{"op":"remove","path":"/spec/postgresqlParams/shared_buffer"}]'
spec_valid() { [ "$(pgc_get '{.status.conditions[?(@.type=="SpecValid")].status}')" = "True" ]; }
wait_until 300 "SpecValid=True again once fixed" spec_valid
wait_until 600 "Running with 3 ready members" cluster_running_with 3
