#!/usr/bin/env bash
# Build the front-end assets into disclosure_service/web/static/ (committed).
#
#   app.css                    GOV.UK Frontend + app styles (scss/app.scss), system fonts
#   govuk/govuk-frontend.min.js
#   govuk/assets/manifest.json
#   govuk/assets/images/       GOV.UK Frontend's file names, but our own images:
#                              SVGs from scss/brand/, PNG/ICO drawn by
#                              scripts/make_brand_images.py (no crown, no crest)
#   govuk/VERSION              the govuk-frontend version built from
#
# No fonts are shipped: the service is not on GOV.UK and must not use GDS Transport.
# The output is deterministic: running this twice gives byte-identical files.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATIC=disclosure_service/web/static
GOVUK_SRC=node_modules/govuk-frontend/dist/govuk
GOVUK_OUT="$STATIC/govuk"
BRAND_SRC=scss/brand

fail() {
  echo "build_assets: $*" >&2
  exit 1
}

npm ci --no-audit --no-fund

# --- Stylesheet ------------------------------------------------------------
mkdir -p "$STATIC"
npx sass --pkg-importer=node --style=compressed --no-source-map scss/app.scss "$STATIC/app.css"

if grep -q -i -e "font-face" -e "GDS Transport" -e "/fonts/" -e "\.woff" "$STATIC/app.css"; then
  fail "$STATIC/app.css references web fonts (GDS Transport must not be used)"
fi

# --- GOV.UK Frontend JavaScript and assets (no fonts) ----------------------
rm -rf "$GOVUK_OUT"
mkdir -p "$GOVUK_OUT/assets"
# The source map is not shipped, so drop the comment that points browsers at it.
sed 's#//\# sourceMappingURL=.*$##' "$GOVUK_SRC/govuk-frontend.min.js" >"$GOVUK_OUT/govuk-frontend.min.js"
cp -R "$GOVUK_SRC/assets/images" "$GOVUK_OUT/assets/images"
cp "$GOVUK_SRC/assets/manifest.json" "$GOVUK_OUT/assets/manifest.json"

# --- Replace GOV.UK-branded images with the service's own ------------------
for svg in "$BRAND_SRC"/*.svg; do
  name="$(basename "$svg")"
  [[ -e "$GOVUK_SRC/assets/images/$name" ]] || fail "$svg replaces nothing in govuk-frontend"
  cp "$svg" "$GOVUK_OUT/assets/images/$name"
done
python3 scripts/make_brand_images.py "$GOVUK_OUT/assets/images"

# Every image that came from govuk-frontend must have been replaced: a new
# upstream image (after an upgrade) fails the build rather than ship a crown.
for upstream in "$GOVUK_SRC"/assets/images/*; do
  name="$(basename "$upstream")"
  if cmp -s "$upstream" "$GOVUK_OUT/assets/images/$name"; then
    fail "assets/images/$name is still GOV.UK Frontend's own: add a replacement to $BRAND_SRC/ or scripts/make_brand_images.py"
  fi
done

# The web app manifest names no site upstream; if a future version names
# GOV.UK, call it the Disclosure service instead.
node - "$GOVUK_OUT/assets/manifest.json" <<'JS'
const fs = require("fs");
const file = process.argv[2];
const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
let changed = false;
for (const key of ["name", "short_name"]) {
  if (typeof manifest[key] === "string" && /gov\.?uk/i.test(manifest[key])) {
    manifest[key] = "Disclosure service";
    changed = true;
  }
}
if (changed) {
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
}
JS
if grep -q -i "gov\.uk" "$GOVUK_OUT/assets/manifest.json"; then
  fail "$GOVUK_OUT/assets/manifest.json still mentions GOV.UK"
fi

node -p 'require("govuk-frontend/package.json").version' >"$GOVUK_OUT/VERSION"

echo "build_assets: built govuk-frontend $(cat "$GOVUK_OUT/VERSION") assets into $STATIC/"
