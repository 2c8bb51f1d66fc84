#!/bin/bash
# The maps: well-formed SVG (xmllint), one shape per county with a polygon
# and one point per station with a position, links that resolve, sizes,
# warnings for stations outside their county, and a screenshot of the
# Guizhou page in headless Chromium (kept in tests/artifacts/).
. "$(dirname "$0")/../lib.sh"

out=$(mktemp -d "${TMPDIR:-/tmp}/hearth-maps.XXXXXX")
trap 'rm -rf "$out"; [ -n "${srv:-}" ] && kill $srv 2>/dev/null' EXIT
if ! err=$(cd "$ROOT" && "$HEARTH" build -q --out "$out/public" 2>&1); then
	notok "maps: demo builds" "$err"
	exit 0
fi
pub=$out/public
ref=$ROOT/generator/reference

bad=$(for f in "$pub"/maps/*.svg; do xmllint --noout "$f" 2>&1 || echo "$f"; done)
n=$(ls "$pub"/maps/*.svg | wc -l)
if [ -z "$bad" ] && [ "$n" -gt 200 ]; then
	ok "maps: all $n SVG files are well-formed XML (xmllint)"
else
	notok "maps: SVG files are well-formed XML" "$bad"
fi

# Counties of a province that have a polygon: the county list less the
# gaps without polygon, unless an alias gives them one.
withshape() {
	awk -F, -v p="$1" 'FNR == 1 { f++; next }
	    f == 1 && ($3 == "no-polygon" || $3 == "zone") { gap[$1] = 1 }
	    f == 2 { alias[$2] = 1 }
	    f == 3 && $4 == p && (!($1 in gap) || ($1 in alias)) { n++ }
	    END { print n + 0 }' "$ref/boundaries/gaps.csv" \
	    "$ref/boundaries/aliases.csv" "$ref/divisions/counties.csv"
}
count() { xmllint --xpath "count($2)" "$1"; }
for p in 41 12 52; do
	f=$pub/maps/$p.svg
	want=$(withshape $p)
	got=$(count "$f" "//*[local-name()='g'][@class='counties']/*[local-name()='a']/*[local-name()='path']")
	pts=$(count "$f" "//*[local-name()='circle'][@class='st']")
	wantpts=$(awk -F, 'NR > 1 && $7 != "" { n++ } END { print n + 0 }' \
	    "$ROOT"/content/counties/*/station.csv)
	[ $p = 52 ] || wantpts=0
	size=$(stat -c %s "$f")
	if [ "$got" = "$want" ] && [ "$pts" = "$wantpts" ] && [ "$size" -lt 204800 ]; then
		ok "maps: $p.svg has $got county shapes, $pts stations, $size bytes (< 200 KB)"
	else
		notok "maps: $p.svg" "county shapes $got, expected $want" \
		    "stations $pts, expected $wantpts" "size $size"
	fi
done
pts=$(count "$pub/maps/522702.svg" "//*[local-name()='circle'][@class='st']")
labels=$(count "$pub/maps/522702.svg" "//*[local-name()='g'][@class='stations']//*[local-name()='text']")
if [ "$pts" = 9 ] && [ "$labels" = 9 ]; then
	ok "maps: Fuquan's map shows its 9 stations with their names"
else
	notok "maps: Fuquan's map shows its 9 stations with their names" "points $pts, labels $labels"
fi

# Every link in every map leads to a page that was written.
bad=()
for f in "$pub"/maps/*.svg; do
	for h in $(xmllint --xpath "//*[local-name()='a']/@href" "$f" 2>/dev/null |
	    sed 's/ href="\([^"]*\)"/\1\n/g'); do
		[ -f "$pub${h}index.html" ] || bad+=("$(basename "$f"): $h")
	done
done
if [ ${#bad[@]} -eq 0 ]; then ok "maps: every link in every map resolves to a page"
else notok "maps: links resolve" "${bad[@]:0:10}"; fi

# Pages carry their maps with title, description and a data table: the
# province, county, brand and home pages embed the map file by its URL
# (named for assistive technology; its links open in the page), a station
# page shows its county's as an image.
if grep -qF '<object class="map" data="/maps/52.svg" type="image/svg+xml" width="720" height="698" aria-label="贵州省社工站地图">' "$pub/provinces/52/index.html" &&
    grep -q 'aria-labelledby="map-52-t map-52-d"' "$pub/maps/52.svg" &&
    ! grep -q '<svg[^>]*class="map"' "$pub/provinces/52/index.html" &&
    grep -q '<table class="counties">' "$pub/provinces/52/index.html" &&
    grep -qF '<object class="map" data="/maps/522702.svg" type="image/svg+xml"' "$pub/counties/522702/index.html" &&
    grep -qF 'aria-label="福泉市社工站地图"' "$pub/counties/522702/brand/index.html" &&
    ! grep -q '<svg[^>]*class="map"' "$pub/counties/522702/index.html" "$pub/counties/522702/brand/index.html" "$pub/index.html" &&
    grep -q 'src="/maps/522702.svg"' "$pub/stations/522702001/index.html" &&
    grep -q 'class="marker" style="left:' "$pub/stations/522702001/index.html" &&
    grep -qF '<object class="map" data="/maps/china.svg"' "$pub/index.html" &&
    grep -q 'map-china-t' "$pub/maps/china.svg"; then
	ok "maps: province, county, brand and home pages embed their map files, station pages show the county's as an image"
else
	notok "maps: pages embed their maps"
fi

# Every link of a map opens in the page that embeds it, not in the map's
# own frame.
bad=$(for f in "$pub"/maps/*.svg; do
	n=$(xmllint --xpath "count(//*[local-name()='a'])" "$f")
	t=$(xmllint --xpath "count(//*[local-name()='a'][@target='_top'])" "$f")
	[ "$n" = "$t" ] || echo "$(basename "$f"): $t of $n links"
done)
if [ -z "$bad" ]; then ok "maps: every map link targets the top page"
else notok "maps: map links target the top page" "$bad"; fi

# A station outside its county: a warning at the station's line.
site=$(mksite mini)
printf 'id,name,kind,county,township,opened,lon,lat\n990101001,东一镇社工站,township,990101,990101001,2022-05,101.5,30.5\n990101002,东二镇社工站,township,990101,990101002,2022-06,100.5,30.5\n' \
    > "$site/content/counties/990101/station.csv"
err=$(cd "$site" && "$HEARTH" build -q 2>&1)
if [ $? -eq 0 ] && echo "$err" | grep -qF 'content/counties/990101/station.csv:3:1: warning: station "990101002" at 100.5000, 30.5000 lies outside the boundary of county 990101' &&
    ! echo "$err" | grep -q '"990101001"'; then
	ok "maps: a station outside its county is a warning at its line"
else
	notok "maps: a station outside its county is a warning at its line" "$err"
fi
rm -rf "$site"

# The Guizhou page in a real browser: the screenshot is a test artifact.
if command -v chromium >/dev/null; then
	mkdir -p "$ROOT/tests/artifacts"
	exec 3< <(node "$ROOT/tests/e2e/static-server.mjs" "$pub")
	srv=$!
	read -r port <&3
	shot=$ROOT/tests/artifacts/guizhou-province-map.png
	rm -f "$shot"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$out/chromium" --window-size=1280,4000 \
	    --screenshot="$shot" "http://127.0.0.1:$port/provinces/52/" >/dev/null 2>&1
	if [ -s "$shot" ] && [ "$(stat -c %s "$shot")" -gt 50000 ]; then
		ok "maps: headless Chromium renders the Guizhou page ($(basename "$shot"))"
	else
		notok "maps: headless Chromium renders the Guizhou page"
	fi
else
	notok "maps: chromium is installed (make test-deps)"
fi
