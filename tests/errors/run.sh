#!/bin/bash
# Bad input: each folder here holds files laid over the mini site
# (tests/sites/mini) and expect.err, the exact diagnostics `hearth check`
# must print.  Every case must also exit 1, and a build of the same site
# must leave a previously published public/ byte for byte as it was.
# REGEN=1 rewrites expect.err from the current output (review the diff).
. "$(dirname "$0")/../lib.sh"

for dir in "$ROOT"/tests/errors/*/; do
	name=$(basename "$dir")
	site=$(mksite mini)
	(cd "$dir" && find . -type f ! -name expect.err -print0 |
	    while IFS= read -r -d '' f; do
		mkdir -p "$site/$(dirname "$f")"
		cp "$f" "$site/$f"
	    done)
	err=$(cd "$site" && "$HEARTH" check 2>&1 >/dev/null)
	rc=$?
	# The same in Chinese (zh_CN.UTF-8, which `make test-deps` makes):
	# every message of hearth's own is translated.
	zh=$(cd "$site" && LANG=zh_CN.UTF-8 "$HEARTH" check 2>&1 >/dev/null)
	if [ "${REGEN:-}" = 1 ]; then
		printf '%s\n' "$err" > "$dir/expect.err"
		printf '%s\n' "$zh" > "$dir/expect.zh.err"
	fi
	if [ $rc -ne 1 ]; then
		notok "errors/$name: exit status 1" "got $rc" "$err"
	elif ! d=$(printf '%s\n' "$err" | diff -u "$dir/expect.err" - 2>&1); then
		notok "errors/$name: diagnostics" "$d"
	else
		ok "errors/$name"
	fi
	# A line of the Chinese output without a Chinese character is a
	# message left in English.
	untranslated=$(printf '%s\n' "$zh" | sed 's/^[^ ]*: \(error\|warning\): //' |
	    grep -Pv '[\x{4e00}-\x{9fff}\x{3000}-\x{303f}\x{ff00}-\x{ffef}]')
	if ! d=$(printf '%s\n' "$zh" | diff -u "$dir/expect.zh.err" - 2>&1); then
		notok "errors/$name: diagnostics in Chinese" "$d"
	elif [ -n "$untranslated" ]; then
		notok "errors/$name: every diagnostic reads in Chinese" "$untranslated"
	else
		ok "errors/$name: in Chinese"
	fi
	rm -rf "$site"
done

# A failed build keeps the published site: publish the good mini site,
# break it, build again, compare.
site=$(mksite mini)
(cd "$site" && "$HEARTH" build -q) || notok "errors: first build of the mini site"
find "$site/public" -type f -exec sha256sum {} + | sort > "$site/before"
printf -- '---\ntitle: [坏\n---\n' > "$site/content/news/one.md"
(cd "$site" && "$HEARTH" build -q 2>/dev/null)
rc=$?
find "$site/public" -type f -exec sha256sum {} + | sort > "$site/after"
if [ $rc -ne 1 ]; then
	notok "errors: failed build exits 1" "got $rc"
elif ! cmp -s "$site/before" "$site/after"; then
	notok "errors: failed build leaves public/ intact" "$(diff "$site/before" "$site/after" | head)"
elif ls -d "$site"/public.staging.* >/dev/null 2>&1; then
	notok "errors: failed build leaves no staging directory"
else
	ok "errors: failed build leaves public/ intact"
fi
rm -rf "$site"
