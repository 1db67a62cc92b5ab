#!/usr/bin/env bash
# The kind end-to-end suite (`npm run e2e`): the whole install on a real Kubernetes cluster.
#
# Creates a kind cluster, builds the hook image from the Dockerfile and loads it into the node,
# installs pgmeta (docs/install.md: the CRDs, then `kubectl apply -k manifests/`), then runs
# test/e2e/scenarios/*.sh in order against one PostgresCluster. On failure it dumps Metacontroller's
# and the hooks' logs, events and the objects (also into $E2E_ARTIFACTS); the kind cluster is always
# deleted unless E2E_KEEP=1.
#
# Needs docker, kind and kubectl. Where `docker info` fails it prints "skipped: no docker" and exits 0.
#
# Environment:
#   KIND_NODE_IMAGE  node image, pinned by digest (default: Kubernetes 1.37.0 built for kind v0.33.0)
#   E2E_KEEP=1       keep the kind cluster afterwards (then: kind delete cluster --name pgmeta-e2e)
#   E2E_ARTIFACTS    where diagnostics go on failure (default .tmp/e2e)
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! docker info >/dev/null 2>&1; then
  echo "skipped: no docker"
  exit 0
fi

# shellcheck source=test/e2e/lib.sh
source test/e2e/lib.sh

for tool in kind kubectl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (see .github/workflows/e2e.yml for pinned versions)"
done

# Images built for kind v0.33.0 (its release notes list them with these digests); a tag alone may
# point at a build for another kind release.
KIND_NODE_IMAGE=${KIND_NODE_IMAGE:-kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5}
KIND_CLUSTER=${KIND_CLUSTER:-pgmeta-e2e}
E2E_ARTIFACTS=${E2E_ARTIFACTS:-$PWD/.tmp/e2e}
E2E_NAMESPACE=e2e
E2E_CLUSTER=e2e
E2E_WORK=$(mktemp -d)
E2E_KUBECONFIG=$E2E_WORK/kubeconfig
export KIND_NODE_IMAGE KIND_CLUSTER E2E_ARTIFACTS E2E_NAMESPACE E2E_CLUSTER E2E_KUBECONFIG

finish() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ] && [ -s "$E2E_KUBECONFIG" ]; then dump_diagnostics || true; fi
  if [ "${E2E_KEEP:-}" = 1 ]; then
    log "keeping kind cluster $KIND_CLUSTER (kubeconfig: $E2E_KUBECONFIG)"
  else
    timeout 120 kind delete cluster --name "$KIND_CLUSTER" >/dev/null 2>&1 || true
    rm -rf "$E2E_WORK"
  fi
  if [ "$status" -eq 0 ]; then log "PASS"; else log "FAILED (exit $status)"; fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

# --- cluster -----------------------------------------------------------------------------------
log "creating kind cluster $KIND_CLUSTER ($KIND_NODE_IMAGE)"
kind delete cluster --name "$KIND_CLUSTER" >/dev/null 2>&1 || true
timeout 600 kind create cluster --name "$KIND_CLUSTER" --image "$KIND_NODE_IMAGE" \
  --kubeconfig "$E2E_KUBECONFIG" --wait 300s
k version

# --- hook image --------------------------------------------------------------------------------
# The tag the manifests deploy (kustomize `images:`), so the manifests are applied unchanged;
# kind load makes it present on the node and the non-latest tag keeps imagePullPolicy IfNotPresent.
HOOK_IMAGE=$(k kustomize manifests/hooks | awk '$1 == "image:" && $2 ~ /pgmeta/ { print $2; exit }')
[ -n "$HOOK_IMAGE" ] || fail "no pgmeta image found in manifests/hooks"
log "building $HOOK_IMAGE"
timeout 900 docker build -t "$HOOK_IMAGE" .
timeout 300 kind load docker-image "$HOOK_IMAGE" --name "$KIND_CLUSTER"

# --- install -----------------------------------------------------------------------------------
# As docs/install.md says, one pass and no command that fails: the CRDs first (kubectl cannot create
# objects of a type the API server does not serve yet), then everything.
log "installing pgmeta (kubectl apply -k manifests/crds/, then kubectl apply -k manifests/)"
k apply -k manifests/crds/
k wait --for=condition=Established crd --all --timeout=120s
k apply -k manifests/
k -n pgmeta-system rollout status statefulset/pgmeta-metacontroller --timeout=300s
k -n pgmeta-system rollout status deployment/pgmeta-hooks --timeout=300s
k create namespace "$E2E_NAMESPACE"

# --- scenarios ---------------------------------------------------------------------------------
for scenario in test/e2e/scenarios/*.sh; do
  log "scenario $(basename "$scenario" .sh)"
  # shellcheck source=/dev/null
  source "$scenario"
done
