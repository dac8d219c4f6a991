#!/usr/bin/env bash
# Install Debian packages for CI: apt-install.sh PACKAGE...
# A machine whose earlier package run was interrupted refuses every install until dpkg
# finishes configuring; finish it first, then install. All output goes to stderr.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
dpkg --configure -a >&2
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "$@" >&2
