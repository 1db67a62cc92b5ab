# shellcheck shell=bash
# Helpers of the kind end-to-end suite, sourced by run.sh and the scenarios.
#
# Every wait has a deadline; every kubectl call goes to the suite's own kubeconfig (E2E_KUBECONFIG),
# so nothing here can touch another cluster the user has configured.

log() { printf '[e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

fail() {
  log "FAIL: $*"
  exit 1
}

now_ms() { date +%s%3N; }

# Seconds, one decimal, between two now_ms stamps.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

k() { kubectl --kubeconfig "$E2E_KUBECONFIG" "$@"; }
kn() { k -n "$E2E_NAMESPACE" "$@"; }

# wait_until SECONDS DESCRIPTION COMMAND [ARGS...]: runs COMMAND every 2 s until it succeeds.
wait_until() {
  local timeout=$1 what=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  log "waiting (at most ${timeout}s) for $what"
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "timed out after ${timeout}s waiting for $what"
    sleep 2
  done
}

# --- the PostgresCluster under test ---------------------------------------------------------------

pgc_get() { kn get pgc "$E2E_CLUSTER" -o "jsonpath=$1"; }

phase_is() { [ "$(pgc_get '{.status.phase}')" = "$1" ]; }

ready_replicas_are() { [ "$(pgc_get '{.status.readyReplicas}')" = "$1" ]; }

# Running, with exactly N ready members and the StatefulSet's N pods present.
cluster_running_with() {
  phase_is Running && ready_replicas_are "$1" && [ "$(member_pods | wc -l)" -eq "$1" ]
}

member_pods() {
  kn get pods -l "pgmeta.io/cluster=$E2E_CLUSTER,app.kubernetes.io/component=database" \
    -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}'
}

# Pods carrying a Patroni role label (spilo-role=master|replica), one name a line.
pods_with_role() {
  kn get pods -l "pgmeta.io/cluster=$E2E_CLUSTER,spilo-role=$1" \
    -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}'
}

count_role_is() { [ "$(pods_with_role "$1" | grep -c .)" -eq "$2" ]; }

# The Services an application uses, as status.connectionInfo names them.
rw_host() { pgc_get '{.status.connectionInfo.readWrite.host}'; }
ro_host() { pgc_get '{.status.connectionInfo.readOnly.host}'; }

# psql as the superuser inside a member pod (Spilo: the socket is trusted for the postgres OS user).
member_psql() {
  kn exec "$1" -c postgres -- psql -X -q -t -A -U postgres -d postgres -c "$2"
}

# --- the application client pod ---------------------------------------------------------------

# client_psql HOST SQL: psql from the client pod as the application owner, password from the -app
# Secret (mounted as env), to HOST (a Service name from status.connectionInfo).
client_psql() {
  # shellcheck disable=SC2016 # expanded by the pod's shell, from the pod's env and arguments
  kn exec e2e-client -- sh -c \
    'PGPASSWORD="$APP_PASSWORD" PGCONNECT_TIMEOUT=3 psql -X -q -t -A -v ON_ERROR_STOP=1 \
      -h "$1" -p "$APP_PORT" -U "$APP_USER" -d "$APP_DB" -c "$2"' _ "$1" "$2"
}

# --- diagnostics ------------------------------------------------------------------------------

# Everything needed to understand a failure, to stdout and to $E2E_ARTIFACTS. Secrets are listed by
# name only: their data would put the cluster's passwords into CI logs.
dump_diagnostics() {
  mkdir -p "$E2E_ARTIFACTS"
  log "diagnostics (also in $E2E_ARTIFACTS)"
  local section
  while IFS='|' read -r name cmd; do
    section="$E2E_ARTIFACTS/$name.txt"
    printf '\n===== %s: %s\n' "$name" "$cmd"
    eval "$cmd" >"$section" 2>&1
    tail -n 200 "$section"
  done <<'SECTIONS'
parents|k get pgc -A -o yaml
objects|kn get statefulsets,pods,services,endpoints,jobs,pvc,poddisruptionbudgets,configmaps,secrets -o wide
statefulsets|kn get statefulsets -o yaml
events|k get events -A --sort-by=.lastTimestamp
metacontroller|k -n pgmeta-system logs statefulset/pgmeta-metacontroller --tail=1000
hooks|k -n pgmeta-system logs deployment/pgmeta-hooks --all-containers --prefix --tail=1000
controllers|k get compositecontrollers -o yaml
SECTIONS
  local pod
  for pod in $(kn get pods -o 'jsonpath={.items[*].metadata.name}' 2>/dev/null); do
    printf '\n===== pod %s\n' "$pod"
    kn logs "$pod" --all-containers --prefix --tail=300 >"$E2E_ARTIFACTS/pod-$pod.txt" 2>&1
    tail -n 100 "$E2E_ARTIFACTS/pod-$pod.txt"
  done
}
