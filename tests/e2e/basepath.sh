#!/bin/bash
# A site published under a sub-path (base_url https://x/sub/site/) links
# every page, asset and Markdown site path under that prefix.
. "$(dirname "$0")/../lib.sh"

site=$(mksite mini)
trap 'rm -rf "$site"' EXIT
sed -i 's|^base_url: .*|base_url: https://test.example/sub/site|' "$site/hearth.yaml"
if ! err=$(cd "$site" && "$HEARTH" build -q 2>&1); then
	notok "basepath: builds" "$err"
	exit 0
fi
mkdir -p "$site/www/sub"
mv "$site/public" "$site/www/sub/site"
check "basepath: every link resolves under /sub/site/" \
    node "$ROOT/tests/e2e/check-html.mjs" "$site/www/sub/site" /sub/site/
if grep -qF 'href="/sub/site/counties/990101/"' "$site/www/sub/site/news/two/index.html" &&
    grep -qF 'href="https://test.example/sub/site/news/two/"' "$site/www/sub/site/news/two/index.html"; then
	ok "basepath: Markdown site paths and canonical URLs carry the prefix"
else
	notok "basepath: Markdown site paths and canonical URLs carry the prefix"
fi
