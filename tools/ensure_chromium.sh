#!/usr/bin/env bash
# Headless Chromium for the browser journeys: Debian's package, never a
# browser downloaded by Playwright. Installs it when missing and allowed.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests…"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
    echo "chromium is missing: install Debian's 'chromium' package (the browser journeys will fail)" >&2
fi
