#!/usr/bin/env bash
# Installs what the Patroni HA rig (test/patroni/ha.test.ts) needs: Debian's patroni, etcd-server and
# postgresql-15 (pg_basebackup and pg_rewind, which the embedded npm binaries lack).
#
# Idempotent: a machine that already has the three binaries changes nothing and never touches the
# network. It never fails the build: when a package cannot be installed it says which one and exits 0,
# and the rig then prints its own "skipped: <package> not installed" line.
set -u

PG_MAJOR=15
# package -> the binary the rig looks for (keep in step with test/patroni/binaries.ts)
declare -A BINARY=(
  [patroni]=/usr/bin/patroni
  [etcd-server]=/usr/bin/etcd
  ["postgresql-${PG_MAJOR}"]=/usr/lib/postgresql/${PG_MAJOR}/bin/pg_rewind
)

missing=()
for pkg in patroni etcd-server "postgresql-${PG_MAJOR}"; do
  [ -x "${BINARY[$pkg]}" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "patroni rig: patroni, etcd-server and postgresql-${PG_MAJOR} already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "patroni rig: cannot install ${missing[*]}: not root (the rig will be skipped)"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# The Debian postgresql-common package creates and starts a "main" cluster on port 5432 on install; the
# rig needs only the binaries, and a stray server would hold a port and memory on a shared machine.
# create_main_cluster=false stops the creation; policy-rc.d (exit 101 = "action forbidden") stops
# etcd-server's and patroni's post-install scripts from starting daemons.
mkdir -p /etc/postgresql-common/createcluster.d
echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/pgmeta-no-main.conf
policy_rc=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy_rc" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy_rc"
  chmod +x "$policy_rc"
  created_policy=1
fi
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() { if [ "$created_policy" -eq 1 ]; then rm -f "$policy_rc"; fi; }
trap cleanup EXIT

echo "patroni rig: installing ${missing[*]} with apt"
if ! timeout 300 apt-get update -qq >/tmp/pgmeta-apt-update.log 2>&1; then
  echo "patroni rig: apt-get update failed (see /tmp/pgmeta-apt-update.log); trying the cached lists"
fi

status=0
for pkg in "${missing[@]}"; do
  if timeout 600 apt-get install -y -qq --no-install-recommends "$pkg" >"/tmp/pgmeta-apt-$pkg.log" 2>&1 \
    && [ -x "${BINARY[$pkg]}" ]; then
    echo "patroni rig: installed $pkg"
  else
    echo "patroni rig: cannot install $pkg (see /tmp/pgmeta-apt-$pkg.log); the rig will be skipped"
    status=1
  fi
done

# Whatever the packages started despite the policy (an already-existing cluster, a unit under
# systemd), stop it: the rig starts its own servers as the postgres user on free loopback ports.
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters --no-header 2>/dev/null | while read -r ver name _port state _rest; do
    if [ "$state" = online ]; then pg_ctlcluster "$ver" "$name" stop -m fast || true; fi
  done
fi
for unit in etcd patroni; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$unit" 2>/dev/null; then
    systemctl stop "$unit" || true
  fi
done

[ "$status" -eq 0 ] && echo "patroni rig: ready"
exit 0
