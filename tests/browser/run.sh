#!/bin/bash
# The demo site in a real browser and real checkers: the site built with
# $HEARTH into a temporary folder and served on a free loopback port by
# tests/e2e/static-server.mjs, then
#  - pages.mjs: Debian's Chromium through playwright-core (loading, the
#    province map under the mouse and the keyboard, search, screenshots in
#    tests/artifacts/browser/, axe-core on every page type);
#  - vnu.mjs: the Nu HTML Checker on every page type;
#  - xmllint: the Atom feeds and the sitemap, and their links.
# Needs chromium, java and xmllint (Debian), and tests/node_modules
# (npm ci in tests/).
set -u
. "$(dirname "$0")/../lib.sh"
start=$SECONDS
here=$ROOT/tests/browser
artifacts=$ROOT/tests/artifacts/browser

out=$(mktemp -d "${TMPDIR:-/tmp}/hearth-browser.XXXXXX")
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$out"' EXIT
if ! err=$(cd "$ROOT" && "$HEARTH" build -q --out "$out/public" 2>&1); then
	notok "browser/run: demo builds" "$err"
	exit 0
fi
pub=$out/public
t_build=$((SECONDS - start))

missing=
for tool in chromium java xmllint node; do
	command -v $tool >/dev/null || missing="$missing $tool"
done
[ -d "$ROOT/tests/node_modules/playwright-core" ] || missing="$missing tests/node_modules (npm ci in tests/)"
if [ -n "$missing" ]; then
	notok "browser/run: tools are installed (make test-deps)" "missing:$missing"
	exit 0
fi

# The server prints its port on its first line.
exec 3< <(exec node "$ROOT/tests/e2e/static-server.mjs" "$pub")
srv=$!
if ! read -r -t 10 port <&3; then
	notok "browser/run: the static server starts"
	exit 0
fi

# Chromium.  A hung browser must not hang the suite.
timeout 600 node "$here/pages.mjs" "http://127.0.0.1:$port" "$artifacts" ||
	notok "browser/run: pages.mjs ran to the end" "exit status $?"
t_chromium=$((SECONDS - start - t_build))

# HTML validity.
timeout 300 node "$here/vnu.mjs" "$pub" ||
	notok "browser/run: vnu.mjs ran to the end" "exit status $?"
t_vnu=$((SECONDS - start - t_build - t_chromium))

# The feeds and the sitemap parse as XML.
for f in feed.xml provinces/52/feed.xml sitemap.xml; do
	check "browser/xml: /$f is well-formed XML (xmllint)" xmllint --noout "$pub/$f"
done

# Every entry of the feeds links to a page that was written.  The links
# are absolute: the site's base URL is the feed's own address less
# "feed.xml".
siteurl=$(xmllint --xpath "string(/*[local-name()='feed']/*[local-name()='link'][@rel='self']/@href)" "$pub/feed.xml" 2>/dev/null)
siteurl=${siteurl%feed.xml}

# written URL: the absolute URL is a page of the built site (its path,
# percent-decoded, names a file, or a folder with index.html).
written() {
	local p=${1#"$siteurl"}
	[ "$p" != "$1" ] || return 1
	p=$(printf '%b' "${p//%/\\x}")
	case $p in */ | "") p="${p}index.html" ;; esac
	[ -f "$pub/$p" ]
}
for f in feed.xml provinces/52/feed.xml; do
	n=$(xmllint --xpath "count(//*[local-name()='entry'])" "$pub/$f" 2>/dev/null)
	links=$(xmllint --xpath "//*[local-name()='entry']/*[local-name()='link'][@rel='alternate']/@href" "$pub/$f" 2>/dev/null |
	    sed 's/ href="\([^"]*\)"/\1\n/g' | sed '/^$/d')
	bad=()
	nl=0
	while IFS= read -r u; do
		[ -n "$u" ] || continue
		nl=$((nl + 1))
		written "$u" || bad+=("$u")
	done <<<"$links"
	if [ "${n:-0}" -gt 0 ] && [ "$nl" = "$n" ] && [ ${#bad[@]} -eq 0 ]; then
		ok "browser/xml: /$f has $n entries, each linking to a page of the site"
	else
		notok "browser/xml: /$f has entries linking to pages of the site" \
		    "entries: ${n:-?}, links: $nl, base URL: $siteurl" ${bad[@]+"${bad[@]}"}
	fi
done

# So does every address of the sitemap.
bad=()
nl=0
while IFS= read -r u; do
	[ -n "$u" ] || continue
	nl=$((nl + 1))
	written "$u" || bad+=("$u")
done < <(xmllint --xpath "//*[local-name()='loc']/text()" "$pub/sitemap.xml" 2>/dev/null)
if [ "$nl" -gt 0 ] && [ ${#bad[@]} -eq 0 ]; then
	ok "browser/xml: the sitemap's $nl addresses are pages of the site"
else
	notok "browser/xml: the sitemap's addresses are pages of the site" \
	    "addresses: $nl" ${bad[@]+"${bad[@]:0:20}"}
fi

# hearth serve's banner for a failed build, on a copy of the mini site.
site=$(mksite mini)
exec 4< <(cd "$site" && exec "$HEARTH" serve --port 0 -q 2>/dev/null)
serve=$!
if read -r -t 60 line <&4 && url=$(sed -n 's|^serving [^ ]* at \(http://[^ ]*\) .*|\1|p' <<<"$line") &&
    [ -n "$url" ]; then
	timeout 120 node "$here/banner.mjs" "$url" "$site/content/news/one.md" ||
		notok "browser/serve-banner: banner.mjs ran to the end" "exit status $?"
else
	notok "browser/serve-banner: hearth serve starts" "$line"
fi
kill "$serve" 2>/dev/null
wait "$serve" 2>/dev/null
rm -rf "$site"

echo "# browser: $((SECONDS - start)) s (build $t_build s, Chromium $t_chromium s, vnu $t_vnu s); screenshots in ${artifacts#"$ROOT"/}/"
