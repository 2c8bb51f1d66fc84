#!/bin/bash
# Resource limits (docs/limits.md): each limit is checked with an input just
# over it (the build exits 1 with the documented message) and, where that
# is cheap, one just under it (accepted).  Every check builds a fresh copy
# of the mini site changed by one small shell function.
set -u
. "$(dirname "$0")/../lib.sh"

# limit NAME EXPECT FUNCTION ARGS...: copy the mini site, run FUNCTION ARGS
# inside it, build.  EXPECT is
#   ok      the build succeeds;
#   !TEXT   the messages do not contain TEXT (the build may fail for other
#           reasons: the input is past what a field accepts anyway);
#   TEXT    the build exits 1 and the messages contain TEXT.
limit() {
	local name=$1 want=$2 site out rc
	shift 2
	site=$(mksite mini)
	if ! out=$(cd "$site" && "$@" 2>&1); then
		notok "limits: $name: setting up" "$out"
		rm -rf "$site"
		return
	fi
	out=$(cd "$site" && timeout 120 "$HEARTH" build -q 2>&1)
	rc=$?
	case $want in
	ok)
		if [ $rc -eq 0 ]; then ok "limits: $name"
		else notok "limits: $name" "exit status $rc, expected 0" \
		    "$(echo "$out" | head -5)"; fi ;;
	!*)
		if [ $rc -le 1 ] && ! grep -qF -- "${want#!}" <<< "$out"; then
			ok "limits: $name"
		else
			notok "limits: $name" "exit status $rc; must not say: ${want#!}" \
			    "$(echo "$out" | head -5)"
		fi ;;
	*)
		if [ $rc -eq 1 ] && grep -qF -- "$want" <<< "$out"; then
			ok "limits: $name"
		else
			notok "limits: $name" "exit status $rc, expected 1 and: $want" \
			    "$(echo "$out" | head -5)"
		fi ;;
	esac
	rm -rf "$site"
}

# n copies of a string.
rep() { local i; for ((i = 0; i < $2; i++)); do printf '%s' "$1"; done; }

# ---- input files -------------------------------------------------------------

# A theme asset of N bytes (static files are copied as they are: the
# cheapest way to read a file of exactly the limit).
asset() { head -c "$1" /dev/zero > themes/default/static/big.bin; }
limit "file size: 32 MiB is accepted" ok asset 33554432
limit "file size: 32 MiB + 1 byte" \
    "themes/default/static/big.bin: error: file is 33554433 bytes, over the limit of 33554432" \
    asset 33554433

# A news item N folders below content/news/ (content/news is level 1).
deepnews() {
	local d
	d=content/news$(rep /d "$1")
	mkdir -p "$d"
	cp content/news/three.md "$d/deep.md"
}
limit "folders: 32 levels below content/" ok deepnews 31
limit "folders: 33 levels below content/" "error: directories nested too deeply" \
    deepnews 32

# ---- YAML and JSON nesting ---------------------------------------------------

# An unknown setting (a warning) holding N nested lists.
yamlnest() { { printf 'zzz: '; rep '[' "$1"; rep ']' "$1"; echo; } >> hearth.yaml; }
limit "YAML: 32 levels (the top mapping and 31 lists)" ok yamlnest 31
limit "YAML: 33 levels" \
    "hearth.yaml:10:37: error: YAML nested deeper than the limit of 32 levels" \
    yamlnest 32

# A campaign record whose focus_areas holds N nested arrays: no field
# accepts that, but only past 64 levels in the file (the top array and the
# record count as two) is it "nested deeper", at the bracket past them.
jsonnest() {
	{
		printf '[\n  {"id": "test-campaign", "name": "x", "province": "99", "start": "2023-06", "focus_areas": '
		rep '[' "$1"; rep ']' "$1"
		printf '}\n]\n'
	} > content/records/campaign.json
}
limit "JSON: 64 levels in a file" '!nested deeper' jsonnest 62
limit "JSON: 65 levels in a file" \
    "content/records/campaign.json:2:155: error: JSON nested deeper than 64 levels" \
    jsonnest 63

# A boundary feature whose properties hold N nested arrays (cJSON's own
# limit, 1,000 levels, counts the feature and its properties).
geonest() {
	local f=content/reference/boundaries/99.geojson x
	x=$(rep '[' "$1")$(rep ']' "$1")
	sed -i "s/\"properties\":{\"code\":\"990101\"/\"properties\":{\"x\":$x,\"code\":\"990101\"/" "$f"
}
limit "GeoJSON: 1,000 levels in a feature" ok geonest 998
limit "GeoJSON: 1,001 levels in a feature" \
    "content/reference/boundaries/99.geojson:2:" geonest 999

# ---- CSV -------------------------------------------------------------------

# aliases.csv with N rows in all (header included): its rows need not name
# real polygons, so it is the cheapest big CSV.
csvrows() {
	awk -v n="$1" 'BEGIN { print "polygon,county"; for (i = 1; i < n; i++) printf "p%d,990101\n", i }' \
	    > content/reference/boundaries/aliases.csv
}
limit "CSV: 1,000,000 rows" ok csvrows 1000000
limit "CSV: 1,000,001 rows" \
    "content/reference/boundaries/aliases.csv:1000001:1: error: more than 1000000 rows" \
    csvrows 1000001

# aliases.csv with N columns.
csvcols() {
	local i
	{
		printf 'polygon,county'
		for ((i = 3; i <= $1; i++)); do printf ',c%d' $i; done
		echo
		printf 'p1,990101'
		for ((i = 3; i <= $1; i++)); do printf ',x'; done
		echo
	} > content/reference/boundaries/aliases.csv
}
limit "CSV: 256 fields" ok csvcols 256
limit "CSV: 257 fields" \
    "content/reference/boundaries/aliases.csv:1:1: error: more than 256 fields in a row" \
    csvcols 257

# ---- field values ------------------------------------------------------------

# A record type with a text field that sets no max_length, one record whose
# text is N characters (CJK: the limit counts characters, not bytes).
memo() {
	printf 'title: 备忘\nprimary_key: id\nfields:\n  - {name: id, type: string, format: id}\n  - {name: text, type: string}\n' \
	    > content/schemas/memo.yaml
	{ printf 'id,text\nm1,'; rep 字 "$1"; echo; } > content/records/memo.csv
}
limit "text: 20,000 characters by default" ok memo 20000
limit "text: 20,001 characters" \
    'content/records/memo.csv:2:1: error: field "text": longer than 20000 characters' memo 20001

# A station with a service (a list item) of N characters.
service() {
	{
		echo 'id,name,kind,county,township,opened,services'
		printf '990101001,东一镇社工站,township,990101,990101001,2022-05,'
		rep 务 "$1"
		echo
	} > content/counties/990101/station.csv
}
limit "list items: 200 characters" ok service 200
limit "list items: 201 characters" \
    'content/counties/990101/station.csv:2:1: error: field "services": list item longer than 200 characters' \
    service 201

# A second campaign whose id is N characters.
campid() {
	printf '[\n  {"id": "test-campaign", "name": "测试行动", "province": "99", "start": "2023-06"},\n  {"id": "%s", "name": "长编号", "province": "99", "start": "2023-06"}\n]\n' \
	    "$(rep a "$1")" > content/records/campaign.json
}
limit "ids: 64 characters" ok campid 64
limit "ids: 65 characters" \
    "content/records/campaign.json:3:3: error: field \"id\": \"$(rep a 65)\" is not a valid id (letters, digits, '-' and '_', at most 64)" \
    campid 65

# A report dated D.
reportdate() { printf 'id,area,date,stations,coverage,source\nr-2023,99,%s,3,0.75,测试日报\n' "$1" > content/records/report.csv; }
limit "dates: 1900-01-01" ok reportdate 1900-01-01
limit "dates: 1899-12-31" \
    'content/records/report.csv:2:1: error: field "date": expected a date YYYY-MM-DD, found "1899-12-31"' \
    reportdate 1899-12-31
limit "dates: 2200-12-31" ok reportdate 2200-12-31
limit "dates: 2201-01-01" \
    'content/records/report.csv:2:1: error: field "date": expected a date YYYY-MM-DD, found "2201-01-01"' \
    reportdate 2201-01-01

# A campaign target of N (an integer field) in JSON, and a station count of
# N in CSV.
jsonint() { sed -i "s/\"target_stations\": 4/\"target_stations\": $1/" content/records/campaign.json; }
limit "JSON integers: 2^53 - 1" ok jsonint 9007199254740991
limit "JSON integers: 2^53" \
    'content/records/campaign.json:2:3: error: field "target_stations": expected an integer, found number' \
    jsonint 9007199254740992
csvint() { printf 'id,area,date,volunteers,source\nr-2023,99,2023-05-31,%s,测试日报\n' "$1" > content/records/report.csv; }
limit "CSV integers: 2^63 - 1" ok csvint 9223372036854775807
limit "CSV integers: 2^63" \
    'content/records/report.csv:2:1: error: field "volunteers": expected an integer, found "9223372036854775808"' \
    csvint 9223372036854775808

# ---- news, tags, divisions ---------------------------------------------------

# A news item whose file name is N letters.
slug() { cp content/news/three.md "content/news/$(rep a "$1").md"; }
limit "news file names: 64 characters" ok slug 64
limit "news file names: 65 characters" \
    "content/news/$(rep a 65).md: error: file name must be a URL slug" slug 65

# A news item with a tag of N characters.
tag() { sed -i "s/^tags: .*/tags: [$(rep 标 "$1")]/" content/news/three.md; }
limit "tags: 30 characters" ok tag 30
limit "tags: 31 characters" \
    "content/news/three.md:4:8: error: field \"tags\": tag \"$(rep 标 31)\": tags are at most 30 characters" tag 31

# A county whose code is N characters.
divcode() { printf '%s,长码县,9901,99\n' "$(rep 9 "$1")" >> content/reference/divisions/counties.csv; }
limit "division codes: 32 characters" ok divcode 32
limit "division codes: 33 characters" \
    "content/reference/divisions/counties.csv:4:1: error: invalid division code \"$(rep 9 33)\"" \
    divcode 33

# ---- settings ----------------------------------------------------------------

setting() { sed -i "/^$1:/d" hearth.yaml; printf '%s: %s\n' "$1" "$2" >> hearth.yaml; }
limit "paginate: 1000" ok setting paginate 1000
limit "paginate: 1001" "hearth.yaml:9:11: error: paginate must be between 1 and 1000" \
    setting paginate 1001
limit "paginate: 0" "hearth.yaml:9:11: error: paginate must be between 1 and 1000" \
    setting paginate 0
limit "maps width: 4000" ok setting maps '{width: 4000}'
limit "maps width: 4001" "error: maps.width must be a width in px from 200 to 4000" \
    setting maps '{width: 4001}'
limit "maps width: 199" "error: maps.width must be a width in px from 200 to 4000" \
    setting maps '{width: 199}'
limit "plugins.instructions: 10^10" ok setting plugins '{instructions: 10000000000}'
limit "plugins.instructions: 10^10 + 1" \
    "hearth.yaml:10:25: error: plugins.instructions must be a whole number from 1 to 10000000000" \
    setting plugins '{instructions: 10000000001}'
limit "plugins.memory_mb: 4096" ok setting plugins '{memory_mb: 4096}'
limit "plugins.memory_mb: 4097" \
    "hearth.yaml:10:22: error: plugins.memory_mb must be a whole number from 1 to 4096" \
    setting plugins '{memory_mb: 4097}'
limit "plugins.seconds: 3600" ok setting plugins '{seconds: 3600}'
limit "plugins.seconds: 3601" \
    "hearth.yaml:10:20: error: plugins.seconds must be a whole number from 1 to 3600" \
    setting plugins '{seconds: 3601}'
limit "plugins.total_seconds: 86400" ok setting plugins '{total_seconds: 86400}'
limit "plugins.total_seconds: 86401" \
    "hearth.yaml:10:26: error: plugins.total_seconds must be a whole number from 1 to 86400" \
    setting plugins '{total_seconds: 86401}'
# Each call within its own limit, all of them together past the build's.
slowpages() {
	mkdir -p plugins
	printf 'plugins: {total_seconds: 1}\n' >> hearth.yaml
	printf '%s\n' 'function page(p, kind)' \
	    '  local t = os.clock() while os.clock() - t < 0.2 do end' \
	    '  return p' 'end' > plugins/slow.lua
}
limit "plugins.total_seconds: every page hook 0.2 s, 1 s in all" \
    "error: plugins ran for more than 1 s in all in this build (plugins.total_seconds)" \
    slowpages

# ---- templates -----------------------------------------------------------------

# An extra template (compiled though unused) with N nested sections.
sections() { { rep '{{#a}}' "$1"; rep '{{/a}}' "$1"; echo; } > themes/default/templates/zz.mustache; }
limit "templates: 100 open sections" ok sections 100
limit "templates: 101 open sections" \
    "themes/default/templates/zz.mustache:1:601: error: sections nested too deeply: expected at most 100 open at once" \
    sections 101

# The news page includes chain1, which includes chain2, ... chainN, then
# the text "end": N + 1 partials below the page's layout.
chain() {
	local t=themes/default/templates i
	for ((i = 1; i <= $1; i++)); do
		printf '{{>chain%d}}' $((i + 1)) > "$t/chain$i.mustache"
	done
	echo end > "$t/chain$(($1 + 1)).mustache"
	sed -i 's|<h1>{{title}}</h1>|<h1>{{title}}</h1>{{>chain1}}|' "$t/news.mustache"
}
limit "templates: 64 levels (the layout and 63 partials)" ok chain 62
limit "templates: 65 levels" \
    "themes/default/templates/chain63.mustache:1:1: error: partial 'chain64' nested too deeply: expected at most 64 levels" \
    chain 63

# ---- shortcodes ----------------------------------------------------------------

shortcodes() {
	mkdir -p plugins
	echo 'shortcodes = { x = function(args, page) return "x" end }' > plugins/codes.lua
	{ printf '\n'; rep '{{< x >}}' "$1"; echo; } >> content/news/three.md
}
limit "shortcodes: 1,000 in a text" ok shortcodes 1000
limit "shortcodes: 1,001 in a text" \
    "content/news/three.md:9:9001: error: more than 1000 shortcodes" shortcodes 1001

# ---- plugins -------------------------------------------------------------------

# A site-wide plugin whose top level runs CODE, with plugins: SETTINGS.
plugin() {
	mkdir -p plugins
	printf 'plugins: %s\n' "$1" >> hearth.yaml
	printf '%s\n' "$2" > plugins/m.lua
}
limit "plugin instructions: a short loop within the budget" ok \
    plugin '{instructions: 100000}' 'local n = 0
for i = 1, 1000 do n = n + i end'
limit "plugin instructions: a loop past the budget" \
    "plugins/m.lua:2: error: plugin exceeded its budget of 100000 instructions" \
    plugin '{instructions: 100000}' 'local n = 0
for i = 1, 100000 do n = n + i end'
limit "plugin memory: 100 KiB within 1 MiB" ok \
    plugin '{memory_mb: 1}' 'local s = string.rep("x", 100 * 1024)'
limit "plugin memory: 2 MiB past 1 MiB" \
    "plugins/m.lua: error: plugin exceeded its memory limit of 1 MiB" \
    plugin '{memory_mb: 1}' 'local s = string.rep("x", 2 * 1024 * 1024)'
limit "plugin wall time: a call stuck in a pattern for more than 1 s" \
    "plugins/m.lua: error: a plugin call ran for more than 1 s" \
    plugin '{seconds: 1}' 'local s = ("a"):rep(100000)
local x = s:find(".-.-.-.-b")'

# A page hook returning a table nested N deep below the page.
tables() {
	mkdir -p plugins
	printf 'function page(p)\n  local t = {}\n  for i = 2, %d do t = { t } end\n  p.zz = t\n  return p\nend\n' \
	    "$1" > plugins/deep.lua
}
limit "plugin values: 32 levels (the page and 31 tables)" ok tables 31
limit "plugin values: 33 levels" \
    "plugins/deep.lua:1: error: the page hook: tables nested more than 32 deep" tables 32

# ---- owners --------------------------------------------------------------------

owners_lines() { { echo '** a@b.example.cn'; rep $'# comment\n' $(($1 - 1)); } > content/OWNERS; }
limit "OWNERS: 10,000 lines" ok owners_lines 10000
limit "OWNERS: 10,001 lines" "content/OWNERS:10001:1: error: more than 10000 lines" \
    owners_lines 10001
owners_fields() {
	local i
	{ printf '**'; for ((i = 2; i <= $1; i++)); do printf ' u%d@b.example.cn' $i; done; echo; } \
	    > content/OWNERS
}
limit "OWNERS: 200 fields on a line" ok owners_fields 200
limit "OWNERS: 201 fields on a line" "content/OWNERS:1:1: error: more than 200 fields on a line" \
    owners_fields 201
owners_pattern() { printf 'content/%s a@b.example.cn\n' "$(rep a $(($1 - 8)))" > content/OWNERS; }
limit "OWNERS: a pattern of 256 characters" ok owners_pattern 256
limit "OWNERS: a pattern of 257 characters" \
    "content/OWNERS:1:1: error: a pattern is a path inside the site" owners_pattern 257
owners_stars() { printf 'content%s a@b.example.cn\n' "$(rep '/*' "$1")" > content/OWNERS; }
limit "OWNERS: 8 '*' in a pattern" ok owners_stars 8
limit "OWNERS: 9 '*' in a pattern" \
    "content/OWNERS:1:1: error: a pattern is a path inside the site" owners_stars 9

# ---- data package --------------------------------------------------------------

dataname() { printf 'data:\n  name: %s\n' "$(rep d "$1")" >> hearth.yaml; }
limit "data name: 64 characters" ok dataname 64
limit "data name: 65 characters" \
    "hearth.yaml:11:9: error: data.name must be letters, digits, '.', '-' and '_'" dataname 65

# ---- command line --------------------------------------------------------------

site=$(mksite mini)
out=$(cd "$site" && "$HEARTH" build -q --jobs 256 2>&1) && ok "limits: --jobs 256" ||
    notok "limits: --jobs 256" "$out"
out=$(cd "$site" && "$HEARTH" build -q --jobs 257 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -qF -- "--jobs must be 1..256" <<< "$out"; then
	ok "limits: --jobs 257 is a usage error"
else
	notok "limits: --jobs 257 is a usage error" "exit status $rc" "$out"
fi
rm -rf "$site"
