#!/usr/bin/env bash
# Make sure the Debian packages the tests use are installed: redis-server (the Redis index tests)
# and chromium + chromium-driver (the browser run of the Wagtail admin). Installs the missing ones
# from Debian's packages, with one apt-get update, when running as root with apt-get; otherwise
# says what is missing (those tests then skip, except under CI where they fail). Nothing is
# downloaded from outside the package registry.
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} (Debian packages) for the tests..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # redis-server's package starts a system service on port 6379; the tests start their own
    # server on a free port, so the system one is not needed.
    (service redis-server stop || true) >/dev/null 2>&1
    exit 0
fi
echo "not installed and cannot install them (needs root and apt-get): ${missing[*]}; the tests that need them will be skipped" >&2
