# shellcheck shell=bash
# The Debian side of test/<suite>/install.sh, sourced by each: find which packages are missing, and
# install them with apt without starting their daemons. The caller declares `BINARY` (package -> the
# binary its tests look for) before calling apt_begin.
#
# Idempotent: when every binary is there, apt_begin says so and exits 0 without touching the network.
# It never fails the build: when a package cannot be installed it says which one, the script still
# exits 0, and the tests then print their own "skipped: ... not installed" line.

# "a", "a and b", "a, b and c".
apt_join() {
  local out=$1
  shift
  while [ $# -gt 1 ]; do
    out+=", $1"
    shift
  done
  [ $# -eq 1 ] && out+=" and $1"
  printf '%s' "$out"
}

# apt_begin LABEL WHO PACKAGE...: sets `missing`; exits 0 when nothing is missing or when not root
# (WHO, such as "the rig", will be skipped). Otherwise keeps package scripts from starting daemons
# until the caller exits.
apt_begin() {
  APT_LABEL=$1
  APT_WHO=$2
  shift 2
  missing=()
  local pkg
  for pkg in "$@"; do
    [ -x "${BINARY[$pkg]}" ] || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "$APT_LABEL: $(apt_join "$@") already installed"
    exit 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "$APT_LABEL: cannot install ${missing[*]}: not root ($APT_WHO will be skipped)"
    exit 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts start a system daemon (PostgreSQL, etcd, Patroni, pgbouncer) on its usual port; the
  # tests run their own on free loopback ports, and a stray daemon would hold a port and memory on a
  # shared machine. policy-rc.d (exit 101 = "action forbidden") stops the post-install scripts.
  APT_POLICY_RC=/usr/sbin/policy-rc.d
  APT_CREATED_POLICY=0
  if [ ! -e "$APT_POLICY_RC" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$APT_POLICY_RC"
    chmod +x "$APT_POLICY_RC"
    APT_CREATED_POLICY=1
  fi
  trap apt_cleanup EXIT
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
apt_cleanup() { if [ "$APT_CREATED_POLICY" -eq 1 ]; then rm -f "$APT_POLICY_RC"; fi; }

# apt_install_missing UPDATE_LOG: installs every package of `missing`; sets `status` to 1 when one
# could not be installed.
apt_install_missing() {
  local update_log=$1 pkg
  echo "$APT_LABEL: installing ${missing[*]} with apt"
  if ! timeout 300 apt-get update -qq >"$update_log" 2>&1; then
    echo "$APT_LABEL: apt-get update failed (see $update_log); trying the cached lists"
  fi
  status=0
  for pkg in "${missing[@]}"; do
    if timeout 600 apt-get install -y -qq --no-install-recommends "$pkg" >"/tmp/pgmeta-apt-$pkg.log" 2>&1 \
      && [ -x "${BINARY[$pkg]}" ]; then
      echo "$APT_LABEL: installed $pkg"
    else
      echo "$APT_LABEL: cannot install $pkg (see /tmp/pgmeta-apt-$pkg.log); $APT_WHO will be skipped"
      status=1
    fi
  done
}

# apt_stop_units UNIT...: stops what a package started under systemd despite the policy.
apt_stop_units() {
  local unit
  for unit in "$@"; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$unit" 2>/dev/null; then
      systemctl stop "$unit" || true
    fi
  done
}

# apt_end: says so when everything was installed; always exits 0.
apt_end() {
  [ "$status" -eq 0 ] && echo "$APT_LABEL: ready"
  exit 0
}
