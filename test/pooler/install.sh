#!/usr/bin/env bash
# Installs what the pooler and TLS tests (test/pooler/*.test.ts) need from Debian: `pgbouncer`, run
# with the configuration pgmeta renders, and `openssl`, which makes the test CA and server
# certificates (node:crypto cannot issue X.509 certificates).
#
# Idempotent: a machine that already has both binaries changes nothing and never touches the
# network. It never fails the build: when a package cannot be installed it says which one and exits
# 0, and the tests then print their own "skipped: ... not installed" line.
set -u

# package -> the binary the tests look for (keep in step with test/pooler/binaries.ts)
declare -A BINARY=(
  [pgbouncer]=/usr/sbin/pgbouncer
  [openssl]=/usr/bin/openssl
)

missing=()
for pkg in pgbouncer openssl; do
  [ -x "${BINARY[$pkg]}" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "pooler tests: pgbouncer and openssl already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "pooler tests: cannot install ${missing[*]}: not root (the tests will be skipped)"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Debian's pgbouncer package starts a system pgbouncer on port 6432 after install; the tests run
# their own on free loopback ports, and a stray daemon would hold a port on a shared machine.
# policy-rc.d (exit 101 = "action forbidden") stops the post-install script from starting it.
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

echo "pooler tests: installing ${missing[*]} with apt"
if ! timeout 300 apt-get update -qq >/tmp/pgmeta-apt-update-pooler.log 2>&1; then
  echo "pooler tests: apt-get update failed (see /tmp/pgmeta-apt-update-pooler.log); trying the cached lists"
fi

status=0
for pkg in "${missing[@]}"; do
  if timeout 600 apt-get install -y -qq --no-install-recommends "$pkg" >"/tmp/pgmeta-apt-$pkg.log" 2>&1 \
    && [ -x "${BINARY[$pkg]}" ]; then
    echo "pooler tests: installed $pkg"
  else
    echo "pooler tests: cannot install $pkg (see /tmp/pgmeta-apt-$pkg.log); the tests will be skipped"
    status=1
  fi
done

# Whatever the package started despite the policy (a unit under systemd), stop it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet pgbouncer 2>/dev/null; then
  systemctl stop pgbouncer || true
fi

[ "$status" -eq 0 ] && echo "pooler tests: ready"
exit 0
