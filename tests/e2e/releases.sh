#!/bin/bash
# Releases are inputs: after `git tag v1.0`, the next `hearth build` must
# build (not say "nothing changed") and publish the release under
# /data/v/v1.0/; a build with nothing changed still stops early.
. "$(dirname "$0")/../lib.sh"
export ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hearth-rel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
git config --global init.defaultBranch main
git config --global user.name "省厅编辑"
git config --global user.email editor@province.example

site=$tmp/site
mkdir "$site"
cp -r "$ROOT/tests/sites/mini/." "$site/"
cp -r "$ROOT/themes" "$site/"
cd "$site" || exit 1
git init -q
printf '/public/\n/.hearth/\n' > .gitignore
git add -A && git commit -q -m "第一版"

out1=$("$HEARTH" build 2>&1)
out2=$("$HEARTH" build 2>&1)
if grep -q "nothing changed" <<< "$out2"; then
	ok "releases: a build with nothing changed stops early"
else
	notok "releases: a build with nothing changed stops early" "$out1" "$out2"
fi
git tag v1.0
out3=$("$HEARTH" build 2>&1)
if ! grep -q "nothing changed" <<< "$out3" &&
    [ -f public/data/v/v1.0/stations.json ] &&
    grep -q '"v1.0"' public/data/changes.json 2>/dev/null ||
    [ -f public/data/v/v1.0/datapackage.json ]; then
	ok "releases: a new tag is published by the next build (/data/v/v1.0/)"
else
	notok "releases: a new tag is published by the next build (/data/v/v1.0/)" \
	    "$out3" "$(ls public/data/v/ 2>&1)"
fi
out4=$("$HEARTH" build 2>&1)
if grep -q "nothing changed" <<< "$out4"; then
	ok "releases: and the build after it stops early again"
else
	notok "releases: and the build after it stops early again" "$out4"
fi
