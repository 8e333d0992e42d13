#!/usr/bin/env bash
# Refresh the vendored grid library of online entry (opendatalocale_entry)
# from the npm registry: tabulator-tables, MIT, pinned. The portal serves it
# from its own origin through CKAN's webassets (no CDN). Change VERSION, run,
# check the grid's browser journeys, commit the three files.
set -euo pipefail
VERSION=6.5.3
TARGET="$(dirname "$0")/../ckanext/opendatalocale/entry/assets/vendor/tabulator"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "tabulator-tables@$VERSION" >/dev/null && tar xzf tabulator-tables-*.tgz)
cp "$WORK/package/dist/js/tabulator.min.js" "$WORK/package/dist/css/tabulator_bootstrap5.min.css" \
   "$WORK/package/LICENSE" "$TARGET/"
echo "tabulator-tables $VERSION copied to $TARGET"
