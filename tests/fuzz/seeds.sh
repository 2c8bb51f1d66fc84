#!/bin/bash
# Seed corpora for the fuzz targets, from the demo content and a few
# hand-written inputs:
#
#   tests/fuzz/seeds.sh [OUT]     (default build/fuzz/corpus)
#
# writes OUT/<target>/<sha1> for every target (existing files are kept, so
# a corpus grown by earlier runs stays).  The corpora are scratch, never
# committed; inputs that crashed live in tests/fuzz/regress/<target>/ and
# are added to the seeds too.  Boundary files are cut down to a few
# features with node (skipped when node is missing).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/fuzz/corpus}
cd "$ROOT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# put TARGET [FILE]: FILE (or stdin) as a seed, named by its SHA-1.
put() {
	local t=$1 f=${2:-} sum

	mkdir -p "$OUT/$t"
	if [ -z "$f" ]; then
		f=$TMP/in
		cat >"$f"
	fi
	sum=$(sha1sum <"$f" | cut -c1-40)
	cp "$f" "$OUT/$t/$sum"
}

# putsel TARGET BYTE FILE: FILE after a first byte (fuzz_records' choice).
putsel() {
	{ printf "\\$(printf '%03o' "$2")"; cat "$3"; } | put "$1"
}

# ---- fuzz_page: news items and brand pages -------------------------------

for f in content/news/*/*.md content/counties/*/index.md \
    tests/sites/*/content/news/*.md tests/sites/*/content/counties/*/index.md; do
	[ -f "$f" ] && put fuzz_page "$f"
done
put fuzz_page <<'EOF'
---
id: fuzz
title: "标题 with <b>markup</b>"
date: 2023-06-01
tags: [社工站, 养老服务]
summary: 摘要
draft: false
---

# A level-1 heading

Text with a {{< stat id=guizhou-2023-05 field=stations >}} shortcode, an
HTML one {{< chart kind="bar" title="a \"quoted\" title" >}} and a
[site link](/provinces/52/) ![image](/img/x.png "t").

{{< figure src=/x.png >}}

<script>alert(1)</script> <span onclick="x()">inline</span>

```
{{< not-expanded >}}
```

{{</* commented out */>}} and {{< fail >}} and {{< unclosed

- item **bold** `code`
- [javascript](javascript:alert(1))

> quote hearthsc00000000x0x
EOF
printf -- '---\n---\n' | put fuzz_page
printf -- '\xef\xbb\xbf---\r\ntitle: x\r\ndate: 2023-02-29\r\n...\r\nbody\r\n' |
    put fuzz_page
printf -- '---\na: &x 1\nb: *x\n---\n' | put fuzz_page
printf -- '---\n- not a mapping\n---\n' | put fuzz_page

# ---- fuzz_records: CSV and JSON records ----------------------------------
# First byte: bit 0 JSON, bits 1-2 owner (1: 522702, 2: 990101), bits 3-7
# the type: action 0, campaign 1, initiative 2, news 3, report 4,
# service_stats 5, station 6; 7 means the rest is a schema.

types="action campaign initiative news report service_stats station"
typeno() {
	local i=0 t

	for t in $types; do
		[ "$t" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}

recseed() {
	local f=$1 owner=$2 base k json=0

	base=$(basename "$f")
	k=$(typeno "${base%.*}")
	[ "$k" -ge 0 ] || return 0
	case $f in *.json) json=1 ;; esac
	putsel fuzz_records $(((k << 3) | (owner << 1) | json)) "$f"
}

for f in content/records/*.csv content/records/*.json \
    tests/sites/mini/content/records/*; do
	[ -f "$f" ] && recseed "$f" 0
done
for f in content/counties/522702/*.csv; do
	[ -f "$f" ] && recseed "$f" 1
done
for f in tests/sites/mini/content/counties/990101/*.csv; do
	[ -f "$f" ] && recseed "$f" 2
done
for f in content/schemas/*.yaml; do
	putsel fuzz_records $((7 << 3)) "$f"
	putsel fuzz_records $(((7 << 3) | 1)) "$f"
done
cat >"$TMP/r" <<'EOF'
id,area,date,stations,coverage,lower_bounds,campaign,news
r-1,99,2023-05-31,3,0.75,stations|coverage,test-campaign,
r-2,990101,2023-02-29,2,0.5,nope,henan-qianzhan,none
r-1,98,2023-5-1,-1,1e400,,,
EOF
putsel fuzz_records $((4 << 3)) "$TMP/r"
cat >"$TMP/r" <<'EOF'
[{"id": "r-1", "area": "52", "date": "2023-05-31", "stations": 1094,
  "coverage": 0.7245, "lower_bounds": ["stations"], "campaign": null},
 {"id": "r-1", "area": 52, "date": "2023-05-31", "stations": 1.5,
  "coverage": "x", "unknown": [1, {"a": {"a": 1, "a": 2}}]},
 3, "x", []]
EOF
putsel fuzz_records $(((4 << 3) | 1)) "$TMP/r"
cat >"$TMP/r" <<'EOF'
id,name,kind,county,township,opened,lon,lat,coord_approx,services
990101001,东一镇社工站,township,990101,990101001,2022-05,101.5,30.5,true,a|b| c |
990102001,西,county,990101,990102001,2022-13,200,-1,yes,
522702-master,福泉市社工总站,county,522702,,2021-01,107.519,26.686,false,x
EOF
putsel fuzz_records $(((6 << 3) | (2 << 1))) "$TMP/r"

# ---- fuzz_template: theme templates with a context ----------------------

cat >"$TMP/ctx.json" <<'EOF'
{"title": "千站暖万家", "lang": "zh-CN", "url": "/news/x/",
 "site": {"title": "hearth", "base": "/", "licence": "CC BY 4.0"},
 "body": "<p>body</p>", "date": "2023-06-01", "date_text": "2023年6月1日",
 "summary": "摘要 <b>", "source": "贵州日报", "author": null,
 "news": [{"title": "一", "url": "/news/a/", "date": "2023-06-01",
   "tags": [{"title": "社工站", "url": "/tags/x/"}]},
   {"title": "二", "url": "/news/b/", "tags": []}],
 "pager": {"prev": "/news/", "next": "/news/page/3/",
   "pages": [{"title": 1, "url": "/news/", "current": false},
     {"title": 2, "url": "/news/page/2/", "current": true}]},
 "province": {"title": "贵州省", "url": "/provinces/52/", "code": "52"},
 "stations": [{"name": "站", "county": {"title": "福泉市"}, "lon": 107.5}],
 "stats": {"rows": [{"label": "a", "value": "1,094"}]},
 "items": [1, 2.5, true, "s"], "empty": [], "zero": 0, "f": false}
EOF
for f in themes/*/templates/*.mustache; do
	{ cat "$f"; printf '\0'; cat "$TMP/ctx.json"; } | put fuzz_template
done
# ---- fuzz_htmlcheck: county brand templates, rendered and checked -------

for f in tests/adversarial/*/content/counties/*/brand.mustache \
    themes/*/templates/*.mustache; do
	[ -f "$f" ] || continue
	{ cat "$f"; printf '\0'; cat "$TMP/ctx.json"; } | put fuzz_htmlcheck
done
printf '<a href="{{u}}" o{{!x}}nclick=1>x</a><svg><animate/></svg>\0{"u": "java\\tscript:x"}' |
    put fuzz_htmlcheck

# ---- fuzz_gittree: repositories made from objects ----------------------

# A blob, a folder of two files naming it, content/ holding that folder
# as news/, then a root tree with hearth.yaml, content/ and a link.
python3 - <<'PYEOF' | put fuzz_gittree
import struct, sys
def obj(kind, body): return bytes([kind]) + struct.pack(">H", len(body)) + body
out = obj(0, "title: 测试\n".encode())
out += obj(1, bytes([0, 5]) + b"a.csv" + bytes([0, 0, 4]) + b"x.md" + bytes([0]))
out += obj(1, bytes([1, 4]) + b"news" + bytes([1]))
out += obj(1, bytes([0, 11]) + b"hearth.yaml" + bytes([0, 1, 7]) + b"content" +
    bytes([2, 2, 4]) + b"link" + bytes([0]))
sys.stdout.buffer.write(out)
PYEOF

tmplseed() {
	{ printf '%s' "$1"; printf '\0'; printf '%s' "$2"; } | put fuzz_template
}
tmplseed 'Hello {{name}} {{{name}}} {{&name}} {{html}} {{{html}}} {{text}}' \
    '{"name": "<b>&\"</b>"}'
tmplseed '{{#list}}{{.}},{{/list}}{{^list}}none{{/list}}{{! comment }}' \
    '{"list": [1, "two", 3.5, null, {"a": 1}]}'
tmplseed '{{=<% %>=}}<% a %> <%={{ }}=%>{{a}} {{#lambda}}x{{a}}{{/lambda}}' \
    '{"a": "A"}'
tmplseed '{{a.b.c}} {{#a}}{{b.c}}{{/a}} {{items.0}} {{items.10}} {{.}}' \
    '{"a": {"b": {"c": "deep"}}, "items": ["first"]}'
tmplseed '  {{>p}}
{{#d}}
  {{>p}}
{{/d}}
' '{"d": true}'
tmplseed '{{<p}}{{$b}}over{{/b}}{{/p}}{{$b}}default{{/b}}|' '{}'
tmplseed '{{>*name}} {{<*name}}{{/*name}} {{#lambda}}!fail{{/lambda}}' \
    '{"name": "p"}'
tmplseed '{{lambda}} {{#lambda}}{{text}}{{/lambda}} {{^lambda}}no{{/lambda}}' \
    '[1, 2]'
tmplseed '{{#a}}{{#b}}{{/a}}{{/b}} {{unclosed' '{}'
tmplseed '{{#l}}{{#l}}<{{.}}>{{/l}}{{/l}}' '{"l": [1, 2, 3, 4, 5, 6, 7, 8]}'
tmplseed '{{{x}} {{=a=}} {{> }} {{#}}' 'not json'

# ---- fuzz_geo: boundaries, cut down to a few features --------------------

for f in tests/sites/*/content/reference/boundaries/*.geojson; do
	[ -f "$f" ] && put fuzz_geo "$f"
done
if command -v node >/dev/null; then
	for f in generator/reference/boundaries/{12,41,52}.geojson; do
		[ -f "$f" ] || continue
		# Three neighbouring features, then every point whose
		# quantised position hashes to a kept bucket, so borders
		# shared by two features stay shared and rings stay closed.
		node - "$f" "$TMP/g" <<'EOF'
const fs = require('fs');
const [src, out] = process.argv.slice(2);
const fc = JSON.parse(fs.readFileSync(src, 'utf8'));
const feats = fc.features.slice(0, 3);
function keepRing(r, k) {
	const kept = r.filter((p, i) => i === 0 || i === r.length - 1 ||
	    (Math.round(p[0] * 1e5) * 31 + Math.round(p[1] * 1e5)) % k === 0);
	return kept.length >= 4 ? kept : r;
}
function thin(g, k) {
	if (g.type === 'Polygon')
		return { type: g.type, coordinates: g.coordinates.map(r => keepRing(r, k)) };
	return { type: g.type,
	    coordinates: g.coordinates.map(p => p.map(r => keepRing(r, k))) };
}
let k = 1, text;
for (;;) {
	const fc2 = { type: 'FeatureCollection', features: feats.map(f =>
	    ({ type: 'Feature', id: f.id, properties: f.properties,
	       geometry: thin(f.geometry, k) })) };
	text = JSON.stringify(fc2);
	if (text.length <= 60000 || k > 4096)
		break;
	k *= 2;
}
fs.writeFileSync(out, text);
EOF
		put fuzz_geo "$TMP/g"
	done
fi
put fuzz_geo <<'EOF'
{"type":"FeatureCollection","features":[
{"type":"Feature","id":"1","properties":{"name":"hole"},"geometry":{"type":"Polygon","coordinates":[[[100,30],[104,30],[104,34],[100,34],[100,30]],[[101,31],[101,33],[103,33],[103,31],[101,31]]]}},
{"type":"Feature","id":"2","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[104,30],[106,30],[106,34],[104,34],[104,30]]],[[[107,30],[108,30],[108,31],[107,30]]]]}},
{"type":"Feature","id":"3","properties":{"name":"spike"},"geometry":{"type":"Polygon","coordinates":[[[100,34],[104,34],[102,36],[102,37],[102,36],[100,34]]]}}
]}
EOF
put fuzz_geo <<'EOF'
{"type":"FeatureCollection","features":[{"type":"Feature","id":"x","geometry":{"type":"Polygon","coordinates":[[[181,0],[0,91],[0,0]]]}},{"type":"Feature","id":"x","geometry":{"type":"Point","coordinates":[0,0]}}]}
EOF

# ---- fuzz_owners: OWNERS files, and a pattern NUL path -------------------

for f in content/OWNERS tests/sites/*/content/OWNERS; do
	[ -f "$f" ] && put fuzz_owners "$f"
done
put fuzz_owners <<'EOF'
@a = a@example.org B@Example.org
@b = @a c@example.org
**                 @a
content/**/*.md    @b
content/counties/522702/   office@fuquan.example
content/news/202?/*  x@y.z   # comment
/abs bad
content/../x a@b.c
@a = twice@example.org
x not-an-email @missing
EOF
printf 'content/**/index.md\0content/counties/522702/index.md' |
    put fuzz_owners
printf 'content/*/x?\0content/a/xy' | put fuzz_owners
printf '**/*.csv**\0content/counties/522702/station.csv' | put fuzz_owners
printf 'a*b*c*d*e*f*g*h*\0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' |
    put fuzz_owners

# ---- fuzz_shortcode: Markdown with shortcodes ----------------------------

for f in content/news/*/*.md content/counties/*/index.md; do
	[ -f "$f" ] && grep -q '{{<' "$f" && put fuzz_shortcode "$f"
done
put fuzz_shortcode <<'EOF'
Para {{< stat id=guizhou-2023-05 field=stations >}} and {{< chart kind="bar" title="a \"b\" c" >}}.
{{< a >}}{{< b x=1 >}}{{< c y="" z=w >}} {{< fail >}}
{{</* stat id=x */>}} {{</**/>}} {{< bad key >}} {{< dup k=1 k=2 >}}
```
{{< fenced >}}
```
~~~~
{{< tilde >}}
````
~~~~
    {{< indented >}}
{{< unclosed
{{< q v="unterminated >}}
EOF
printf 'stat id=guizhou-2023-05 field="a \\" b"' | put fuzz_shortcode

# ---- every input that ever crashed --------------------------------------

for d in tests/fuzz/regress/*/; do
	[ -d "$d" ] || continue
	for f in "$d"*; do
		[ -f "$f" ] && put "$(basename "$d")" "$f"
	done
done
for t in "$OUT"/*/; do
	echo "$(basename "$t"): $(find "$t" -type f | wc -l) seeds"
done
