#!/bin/bash
# `hearth check` is a build that writes nothing: for broken sites whose
# problems only show while pages are made (an unknown shortcode, a hook
# that calls hearth.error, a plugin's javascript: link, a county template
# that makes script, a plugin that busts its limits, two errors in one
# file), check and build must print the same errors, at the same
# positions, in one run, both exit 1; check must leave every file of the
# site as it was (no public/, no lock, no cache).
. "$(dirname "$0")/../lib.sh"

# case NAME SETUP: SETUP runs in a fresh mini site.
case_() {
	local name=$1 site chk bld rc1 rc2 before after
	shift
	site=$(mksite mini)
	(cd "$site" && eval "$1") || { notok "check: $name: setup"; rm -rf "$site"; return; }
	before=$(cd "$site" && find . -printf '%y %p %s %T@\n' | sort)
	chk=$(cd "$site" && "$HEARTH" check 2>&1 >/dev/null | grep ': error: ' | sort)
	rc1=${PIPESTATUS[0]}
	rc1=$(cd "$site" && "$HEARTH" check >/dev/null 2>&1; echo $?)
	after=$(cd "$site" && find . -printf '%y %p %s %T@\n' | sort)
	bld=$(cd "$site" && "$HEARTH" build 2>&1 >/dev/null | grep ': error: ' | sort)
	rc2=$(cd "$site" && "$HEARTH" build -q >/dev/null 2>&1; echo $?)
	if [ "$rc1" != 1 ] || [ "$rc2" != 1 ]; then
		notok "check: $name" "check exit $rc1, build exit $rc2 (want 1, 1)" "$chk"
	elif [ -z "$chk" ] || [ "$chk" != "$bld" ]; then
		notok "check: $name: check and build disagree" "check:" "$chk" "build:" "$bld"
	elif [ "$before" != "$after" ]; then
		notok "check: $name: check changed the site" \
		    "$(diff <(echo "$before") <(echo "$after") | head -5)"
	else
		ok "check: $name ($(echo "$chk" | wc -l) errors, same in both)"
	fi
	rm -rf "$site"
}

case_ "unknown shortcode" \
    'printf "\n{{< nosuch x=1 >}}\n" >> content/news/one.md'
case_ "page hook calls hearth.error" \
    'mkdir -p plugins && printf "function page(p, kind)\n  if kind == \"news\" then hearth.error(\"不要发布\") end\n  return p\nend\n" > plugins/stop.lua'
case_ "brand hook calls hearth.error" \
    'printf "function brand(c)\n  hearth.error(\"品牌页未完成\")\nend\n" > content/counties/990101/plugin.lua'
case_ "plugin returns a javascript: link" \
    'printf "function page(p, kind)\n  p.nav = { { title = \"x\", url = \"javascript:alert(1)\" } }\n  return p\nend\n" > content/counties/990101/plugin.lua'
case_ "county template makes script" \
    'printf "{{<base}}{{\$content}}<scr{{!x}}ipt>alert(1)</script>{{/content}}{{/base}}\n" > content/counties/990101/brand.mustache'
case_ "plugin setting out of range" \
    'printf "plugins: {seconds: 0, memory_mb: 99999}\n" >> hearth.yaml'
case_ "a bad value in every section of hearth.yaml" \
    'printf "data: {name: \"a/b\", release_tags: \"\"}\nmaps: {width: 50}\n" >> hearth.yaml'
case_ "a name the default theme prints is set nowhere" \
    'sed -i "s/<h1>{{title}}/<h1>{{titel}}/" themes/default/templates/news.mustache'
case_ "a name a county template prints is set nowhere" \
    'printf "{{<base}}{{\$content}}<p>{{brand.county.covred}}</p>{{/content}}{{/base}}\n" > content/counties/990101/brand.mustache'
case_ "a county template fills a block the theme does not have" \
    'printf "{{<base}}{{\$content}}<p>好</p>{{/content}}{{\$sidebar}}<p>侧栏</p>{{/sidebar}}{{/base}}\n" > content/counties/990101/brand.mustache'
case_ "two errors in one news item" \
    'sed -i "s/^date: .*/date: 2023-02-30/; s/^tags: .*/tags: [好, \"a b\"]/" content/news/one.md'
case_ "errors in two files" \
    'sed -i "s/^date: .*/date: 2023-13-01/" content/news/one.md && sed -i "s/^date: .*/date: 2023-00-01/" content/news/two.md'

# Strict templates: the messages name the template, line and column, and
# (for a block) the blocks that may be filled.
site=$(mksite mini)
sed -i "s/<h1>{{title}}/<h1>{{titel}}/" "$site/themes/default/templates/news.mustache"
printf '{{<base}}{{$content}}\n<p>{{brand.county.covred}}</p>{{/content}}{{$sidebar}}x{{/sidebar}}{{/base}}\n' \
    > "$site/content/counties/990101/brand.mustache"
out=$(cd "$site" && "$HEARTH" check 2>&1)
if grep -q "^themes/default/templates/news.mustache:6:9: error: \"titel\" is not set for this page" <<< "$out" &&
    grep -q "^content/counties/990101/brand.mustache:2:4: error: \"brand.county.covred\" is not set for this page" <<< "$out" &&
    grep -q "^content/counties/990101/brand.mustache:2:43: error: block \"sidebar\" is not in \"base\": it would never show (the blocks it may fill: .*content" <<< "$out"; then
	ok "check: strict templates say where (template:line:col) and what may be filled"
else
	notok "check: strict templates say where (template:line:col) and what may be filled" "$out"
fi
rm -rf "$site"

# The theme's words: a key missing, a text of the wrong type, a
# placeholder its key does not have, each at its place; an unknown key is
# a warning.  (Made from the theme's own file, so the case follows it.)
site=$(mksite mini)
w=$site/themes/default/strings.yaml
sed -i -e 's/^map.title: .*/map.title: "{province}社工站地图"/' -e '/^nav.search:/d' \
    -e 's/^title.tags: .*/title.tags: [标签]/' "$w"
echo 'nav.serach: 搜索' >> "$w"
out=$(cd "$site" && "$HEARTH" check 2>&1)
rc=$?
lt=$(grep -n '^title.tags:' "$w" | cut -d: -f1)
lm=$(grep -n '^map.title:' "$w" | cut -d: -f1)
lu=$(grep -n '^nav.serach:' "$w" | cut -d: -f1)
if [ $rc -eq 1 ] &&
    grep -q "^themes/default/strings.yaml:$lt:13: error: \"title.tags\" must be text, found list" <<< "$out" &&
    grep -q "^themes/default/strings.yaml:$lm:12: error: \"map.title\" has no placeholder {province} (it has: area)" <<< "$out" &&
    grep -q "^themes/default/strings.yaml:$lu:13: warning: unknown key \"nav.serach\"" <<< "$out" &&
    grep -q "^themes/default/strings.yaml: error: no text for nav.search$" <<< "$out"; then
	ok "check: the theme's words are checked by key and placeholder, at their lines"
else
	notok "check: the theme's words are checked by key and placeholder, at their lines" "$out"
fi
rm -rf "$site"

# 150 rows naming a county that does not exist: the first 100 errors
# are printed, then one note; the summary counts all 150, and --verbose
# prints every one.
site=$(mksite mini)
for i in $(seq 1 150); do
	printf '99010190%03d,错站%d,township,990199,990101001,2022-05\n' "$i" "$i"
done >> "$site/content/counties/990101/station.csv"
out=$(cd "$site" && "$HEARTH" check 2>&1)
rc=$?
all=$(cd "$site" && "$HEARTH" check --verbose 2>&1 | grep -c ': error: ')
if [ $rc -eq 1 ] && [ "$(grep -c ': error: ' <<< "$out")" -eq 100 ] &&
    grep -qx 'hearth: more errors follow, counted but not shown (--verbose shows every one)' <<< "$out" &&
    grep -qx 'hearth: 150 errors' <<< "$out" && [ "$all" -eq 150 ]; then
	ok "check: 150 errors: the first 100 printed, all 150 counted, --verbose prints every one"
else
	notok "check: many errors" "exit $rc, $all with --verbose" "$(tail -3 <<< "$out")"
fi
rm -rf "$site"

# Records and news items are parsed on every thread: their errors still
# come in the files' order, the same on one thread as on four, run after
# run.
site=$(mksite mini)
sed -i 's/"target_stations": 4/"target_stations": 4, "targte": 1/' \
    "$site/content/records/campaign.json"
sed -i 's/^r-2023,99,2023-05-31,3,/r-2023,99,2023-05-31,三,/' \
    "$site/content/records/report.csv"
sed -i 's/^title: .*/title: [没有闭合/' "$site/content/news/one.md"
sed -i 's/^date: .*/date: 2023-02-30/' "$site/content/news/three.md"
one=$(cd "$site" && "$HEARTH" check --jobs 1 2>&1 | grep ': error: ' | cut -d: -f1)
same=0
for i in 1 2 3 4 5; do
	four=$(cd "$site" && "$HEARTH" check --jobs 4 2>&1 | grep ': error: ' | cut -d: -f1)
	[ "$four" = "$one" ] && same=$((same + 1))
done
want=$(printf '%s\n' content/records/campaign.json content/records/report.csv \
    content/news/one.md content/news/three.md)
if [ "$one" = "$want" ] && [ $same -eq 5 ]; then
	ok "check: errors of records and news come in the files' order on any number of threads"
else
	notok "check: errors in the files' order" "one thread:" "$one" \
	    "four threads, $same of 5 the same:" "$four"
fi
rm -rf "$site"

# Records are linked on every thread too, 512 at a time: two bad rows
# among 1,200, far apart, are reported in the rows' order, run after run.
site=$(mksite mini)
f=$site/content/counties/990101/station.csv
for i in $(seq 1 1200); do
	c=990101
	[ "$i" -eq 10 ] || [ "$i" -eq 1150 ] && c=990199
	printf '9901019%04d,新站%d,township,%s,990101001,2022-05\n' "$i" "$i" "$c"
done >> "$f"
l1=$(grep -n '^99010190010,' "$f" | cut -d: -f1)
l2=$(grep -n '^99010191150,' "$f" | cut -d: -f1)
one=$(cd "$site" && "$HEARTH" check --jobs 1 2>&1 | grep ': error: ' | cut -d: -f1,2)
same=0
for i in 1 2 3 4 5; do
	four=$(cd "$site" && "$HEARTH" check --jobs 4 2>&1 | grep ': error: ' | cut -d: -f1,2)
	[ "$four" = "$one" ] && same=$((same + 1))
done
want=$(printf 'content/counties/990101/station.csv:%s\n' "$l1" "$l2")
if [ "$one" = "$want" ] && [ $same -eq 5 ]; then
	ok "check: link errors of 1,200 rows come in the rows' order on any number of threads"
else
	notok "check: link errors in the rows' order" "want:" "$want" "one thread:" \
	    "$one" "four threads, $same of 5 the same:" "$four"
fi
rm -rf "$site"

# A good site: check says so, and writes nothing either.
site=$(mksite mini)
before=$(cd "$site" && find . -printf '%y %p %s %T@\n' | sort)
out=$(cd "$site" && "$HEARTH" check 2>&1)
rc=$?
after=$(cd "$site" && find . -printf '%y %p %s %T@\n' | sort)
if [ $rc -eq 0 ] && grep -q "no errors (.* pages, .* files checked)" <<< "$out" &&
    [ "$before" = "$after" ]; then
	ok "check: a good site: no errors, nothing written"
else
	notok "check: a good site: no errors, nothing written" "exit $rc" "$out" \
	    "$(diff <(echo "$before") <(echo "$after") | head -5)"
fi
rm -rf "$site"
