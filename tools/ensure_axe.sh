#!/usr/bin/env bash
# axe-core, the accessibility engine the browser tests inject into pages
# (tests/browser_checks.py), from npm into .axe/node_modules, pinned.
# Installed once; the accessibility tests fail (never skip) without it.
set -euo pipefail
AXE_VERSION=4.10.3
cd "$(dirname "$0")/.."
AXE=.axe/node_modules/axe-core
if [ -f "$AXE/axe.min.js" ] && grep -q "\"version\": \"$AXE_VERSION\"" "$AXE/package.json"; then
    exit 0
fi
npm install --prefix .axe --no-save --no-audit --no-fund --no-package-lock "axe-core@$AXE_VERSION" >/dev/null
test -f "$AXE/axe.min.js"
