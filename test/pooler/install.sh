#!/usr/bin/env bash
# Installs what the pooler and TLS tests (test/pooler/*.test.ts) need from Debian: `pgbouncer`, run
# with the configuration pgmeta renders, and `openssl`, which makes the test CA and server
# certificates (node:crypto cannot issue X.509 certificates). Idempotent and never failing: see
# test/support/apt.sh.
set -u
# shellcheck source=test/support/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/apt.sh"

# package -> the binary the tests look for (keep in step with test/pooler/binaries.ts)
declare -A BINARY=(
  [pgbouncer]=/usr/sbin/pgbouncer
  [openssl]=/usr/bin/openssl
)

apt_begin "pooler tests" "the tests" pgbouncer openssl
apt_install_missing /tmp/pgmeta-apt-update-pooler.log
apt_stop_units pgbouncer
apt_end
