#!/usr/bin/env bash
# Installs what the Patroni HA rig (test/patroni/ha.test.ts) needs: Debian's patroni, etcd-server and
# postgresql-15 (pg_basebackup and pg_rewind, which the embedded npm binaries lack). Idempotent and
# never failing: see test/support/apt.sh.
set -u
# shellcheck source=test/support/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/apt.sh"

PG_MAJOR=15
# package -> the binary the rig looks for (keep in step with test/patroni/binaries.ts)
declare -A BINARY=(
  [patroni]=/usr/bin/patroni
  [etcd-server]=/usr/bin/etcd
  ["postgresql-${PG_MAJOR}"]=/usr/lib/postgresql/${PG_MAJOR}/bin/pg_rewind
)

apt_begin "patroni rig" "the rig" patroni etcd-server "postgresql-${PG_MAJOR}"
# The Debian postgresql-common package also creates and starts a "main" cluster on port 5432 on
# install; the rig needs only the binaries. create_main_cluster=false stops the creation.
mkdir -p /etc/postgresql-common/createcluster.d
echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/pgmeta-no-main.conf
apt_install_missing /tmp/pgmeta-apt-update.log

# Whatever the packages started despite the policy (an already-existing cluster, a unit under
# systemd), stop it: the rig starts its own servers as the postgres user on free loopback ports.
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters --no-header 2>/dev/null | while read -r ver name _port state _rest; do
    if [ "$state" = online ]; then pg_ctlcluster "$ver" "$name" stop -m fast || true; fi
  done
fi
apt_stop_units etcd patroni
apt_end
