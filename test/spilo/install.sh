#!/usr/bin/env bash
# Installs what test/spilo/*.test.ts needs from Debian: python3-pystache (0.6.0, the version Spilo
# 4.0-p3 installs from Ubuntu 22.04), to render Spilo's configuration template as the image does; the
# tests also need Debian's python3-yaml, which the machine has (they say so and skip without it).
# Idempotent and never failing: see test/support/apt.sh.
set -u
# shellcheck source=test/support/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/apt.sh"

# package -> the file the tests look for (keep in step with test/spilo/template-passwords.test.ts)
declare -A BINARY=(
  [python3-pystache]=/usr/bin/pystache3
)

apt_begin "Spilo template tests" "the tests" python3-pystache
apt_install_missing /tmp/pgmeta-apt-update-spilo.log
apt_end
