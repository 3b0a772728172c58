#!/usr/bin/env bash
# Make sure a redis-server binary is available for the Redis index tests.
# Installs Debian's redis-server package when running as root with apt-get; otherwise says
# what is missing (the tests then skip the Redis backend, except under CI where they fail).
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing redis-server (Debian package) for the Redis index tests..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
    # The package starts a system service on port 6379; the tests start their own server on a
    # free port, so the system one is not needed.
    (service redis-server stop || true) >/dev/null 2>&1
    exit 0
fi
echo "redis-server not found and cannot install it (needs root and apt-get): Redis index tests will be skipped" >&2
