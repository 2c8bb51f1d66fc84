#!/bin/bash
# The open data, read by the clients journalists use: ajv (JSON Schema and
# the Frictionless v2 profiles), GDAL's ogrinfo (GeoJSON and CSV), csvkit,
# sha256sum, tar, and a JSON-LD processor.
. "$(dirname "$0")/../lib.sh"
SHARED=${SHARED:-$ROOT/../shared}
PATH=$ROOT/tests/node_modules/.bin:$PATH

out=$(mktemp -d "${TMPDIR:-/tmp}/hearth-data.XXXXXX")
trap 'rm -rf "$out"' EXIT
if ! err=$(cd "$ROOT" && "$HEARTH" build -q --out "$out/public" 2>&1); then
	notok "data: demo builds" "$err"
	exit 0
fi
d=$out/public/data

# ---- JSON: each file against its own JSON Schema (2020-12) -------------
bad=()
for f in "$d"/*.json "$d"/provinces/*/*.json "$d"/counties/*/*.json; do
	# datapackage.json and Datasette's metadata.json follow their own formats.
	case $f in */datapackage.json|*/metadata.json) continue ;; esac
	base=$(basename "$f" .json)
	s=$d/schemas/$base.json
	if ! r=$(ajv validate --spec=draft2020 -c ajv-formats --strict=false \
	    -s "$s" -d "$f" 2>&1); then
		bad+=("$f: $r")
	fi
done
n=$(ls "$d"/schemas/*.json | wc -l)
if [ ${#bad[@]} -eq 0 ] && [ "$n" -ge 9 ]; then
	ok "data: every JSON file validates against its JSON Schema ($n schemas, ajv)"
else
	notok "data: JSON files validate against their JSON Schemas" "schemas: $n" "${bad[@]}"
fi

# ---- datapackage.json against the Frictionless v2 profile --------------
if [ -d "$SHARED/conformance/datapackage-v2" ]; then
	check "data: datapackage.json validates against the Data Package v2 profile (ajv)" \
	    ajv validate --spec=draft7 -c ajv-formats --strict=false \
	    -s "$SHARED/conformance/datapackage-v2/datapackage.json" \
	    -d "$d/datapackage.json"
	# A resource may name its Table Schema by path (the slices do): each
	# such file is a Table Schema by the v2 profile, and the same as the
	# one its table's CSV carries inline.
	bad=()
	for s in $(node -e '
		const p = JSON.parse(require("fs").readFileSync(process.argv[1]));
		const paths = new Set(p.resources.filter(r => typeof r.schema === "string")
		    .map(r => r.schema));
		console.log([...paths].join("\n"));' "$d/datapackage.json"); do
		case $s in schemas/*.table.json) ;; *) bad+=("$s: not under schemas/"); continue ;; esac
		r=$(ajv validate --spec=draft7 -c ajv-formats --strict=false \
		    -s "$SHARED/conformance/datapackage-v2/tableschema.json" \
		    -d "$d/$s" 2>&1) || bad+=("$s: $r")
	done
	r=$(node -e '
		const fs = require("fs"), d = process.argv[1];
		const p = JSON.parse(fs.readFileSync(d + "/datapackage.json"));
		let named = 0, bad = [];
		for (const r of p.resources) {
			if (typeof r.schema !== "string") continue;
			named++;
			const t = r.schema.replace(/^schemas\/(.*)\.table\.json$/, "$1");
			const main = p.resources.find(x => x.name === t);
			const file = JSON.parse(fs.readFileSync(d + "/" + r.schema));
			if (!main || JSON.stringify(main.schema) !== JSON.stringify(file))
				bad.push(r.path + ": " + r.schema);
		}
		if (named === 0) bad.push("no resource names its schema by path");
		console.log(bad.join("\n")); process.exit(bad.length ? 1 : 0);' "$d" 2>&1) ||
	    bad+=("$r")
	if [ ${#bad[@]} -eq 0 ]; then
		ok "data: the slices' Table Schemas, named by path, pass the v2 profile and equal their table's inline schema"
	else
		notok "data: Table Schemas named by path" "${bad[@]}"
	fi
else
	echo "data: Data Package v2 profiles not found; skipped"
fi

# ---- catalog.jsonld against DCAT-AP 3.0.0's SHACL shapes ----------------
shapes=$SHARED/conformance/dcat-ap-3/dcat-ap-SHACL.ttl
if [ -f "$shapes" ]; then
	shacl=$ROOT/tests/conformance/shacl.mjs
	check "data: catalog.jsonld conforms to DCAT-AP 3.0.0 (0 SHACL violations, rdf-validate-shacl)" \
	    node "$shacl" "$shapes" "$d/catalog.jsonld"
	# The validator must see what it is given: a catalogue whose
	# formats are plain strings again is refused.
	sed 's|"dct:format":{"@id":"[^"]*","@type":"[^"]*"}|"dct:format":"csv"|g' \
	    "$d/catalog.jsonld" >"$out/bad-catalog.jsonld"
	if r=$(node "$shacl" "$shapes" "$out/bad-catalog.jsonld" 2>&1); then
		notok "data: the SHACL check refuses formats given as literals" "$r"
	else
		ok "data: the SHACL check refuses formats given as literals ($(echo "$r" | tail -1))"
	fi
else
	echo "data: DCAT-AP 3.0.0 shapes not found; skipped"
fi

# ---- no resource a Data Package tool would take for a Table Schema ------
bad=$(node -e '
	const p = JSON.parse(require("fs").readFileSync(process.argv[1]));
	console.log(p.resources.filter(r => /schema\.(json|ya?ml)$/.test(r.path))
	    .map(r => r.path).join(" "));' "$d/datapackage.json")
if [ -z "$bad" ] && [ -f "$d/schemas/stations.json" ]; then
	ok "data: JSON Schemas are published under schemas/, no resource path ends in schema.json"
else
	notok "data: no resource path ends in schema.json" "$bad"
fi

# ---- sizes and checksums ------------------------------------------------
check "data: SHA256SUMS verifies every file (sha256sum -c)" \
    sh -c "cd '$d' && sha256sum --quiet -c SHA256SUMS"
check "data: bytes and hash of every datapackage resource match the files" \
    node -e '
const fs = require("fs"), crypto = require("crypto"), dir = process.argv[1];
const dp = JSON.parse(fs.readFileSync(dir + "/datapackage.json"));
let bad = 0;
for (const r of dp.resources) {
  const b = fs.readFileSync(dir + "/" + r.path);
  const h = "sha256:" + crypto.createHash("sha256").update(b).digest("hex");
  if (b.length !== r.bytes || h !== r.hash) { console.log(r.path); bad++; }
}
if (dp.resources.length < 20) { console.log("too few resources"); bad++; }
process.exit(bad ? 1 : 0);' "$d"

# ---- GeoJSON and CSV through GDAL -------------------------------------
# ogrcheck FILE COUNT: ogrinfo reads FILE with COUNT features; for GeoJSON
# the extent must lie inside China.
ogrcheck() {
	local info count ext
	info=$(ogrinfo -ro -so -al "$1" 2>&1) || { notok "data: ogrinfo reads $(basename "$1")" "$info"; return; }
	count=$(echo "$info" | sed -n 's/^Feature Count: //p' | head -1)
	if [ "$count" != "$2" ]; then
		notok "data: ogrinfo reads $(basename "$1") with $2 features" "got $count"
		return
	fi
	ext=$(echo "$info" | sed -n 's/^Extent: //p' | head -1)
	if [ -n "$3" ]; then
		if ! echo "$ext" | awk -F'[(), -]+' '{ if ($2 < 73 || $4 > 136 || $3 < 3 || $5 > 54 || $2 > $4) exit 1 }'; then
			notok "data: $(basename "$1") extent inside China" "$ext"
			return
		fi
	fi
	ok "data: ogrinfo reads $(basename "$1"): $count features${ext:+, extent $ext}"
}
stations=$(grep -c '^' "$ROOT/content/counties/522702/station.csv")
stations=$((stations - 1))
counties=$(awk -F, '$4 == "41" || $4 == "12" || $4 == "52"' "$ROOT/generator/reference/divisions/counties.csv" | wc -l)
ogrcheck "$d/stations.geojson" "$stations" extent
ogrcheck "$d/counties.geojson" "$counties" extent
ogrcheck "$d/stations.csv" "$stations"
ogrcheck "$d/counties.csv" "$counties"
ogrcheck "$d/provinces.csv" 3
ogrcheck "$d/counties/522702/stations.csv" 9

# ---- csvkit reads every CSV, the Excel variant without a garbled header -
bad=()
for f in "$d"/*.csv; do
	json=${f%.csv}
	json=${json%-excel}.json
	rows=$(csvstat --count "$f" 2>&1 | sed 's/^Row count: //')
	want=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).records.length)' "$json")
	first=$(csvcut -n "$f" 2>&1 | head -1)
	case $first in "  1: "[a-z]*) ;; *) bad+=("$f: first column $first") ;; esac
	[ "$rows" = "$want" ] || bad+=("$f: csvkit counts $rows rows, the JSON has $want")
done
if [ ${#bad[@]} -eq 0 ]; then ok "data: csvkit reads every CSV with the JSON's row count"
else notok "data: csvkit reads every CSV" "${bad[@]}"; fi
if head -c 3 "$d/stations-excel.csv" | od -An -tx1 | grep -q 'ef bb bf' &&
    ! head -c 3 "$d/stations.csv" | od -An -tx1 | grep -q 'ef bb bf'; then
	ok "data: the Excel CSV has a UTF-8 BOM, the plain CSV none"
else
	notok "data: the Excel CSV has a UTF-8 BOM, the plain CSV none"
fi

# ---- figures and types in the JSON ------------------------------------
check "data: provinces.json carries Guizhou's figures as typed values" node -e '
const fs = require("fs"), d = process.argv[1];
const p = JSON.parse(fs.readFileSync(d + "/provinces.json"));
const g = p.records.find(r => r.code === "52");
const want = { stations_reported: 1094, townships: 1510, coverage_reported: 0.7245,
  coverage_computed: 0.7245, volunteers: 1583, social_workers: 1000,
  counties_covered: 44, prefectures_covered: 2 };
for (const [k, v] of Object.entries(want))
  if (g[k] !== v) { console.log(k, g[k], "!=", v); process.exit(1); }
if (!g.lower_bounds.includes("social_workers")) process.exit(1);
const keys = Object.keys(g).join(",");
if (!keys.startsWith("code,name,prefectures,counties,townships,report")) { console.log(keys); process.exit(1); }
if (p.meta.licence.id !== "CC-BY-4.0" || !p.meta.version || !p.meta.data_as_of) process.exit(1);
if (!/"coverage_reported":0\.7245,/.test(fs.readFileSync(d + "/provinces.json", "utf8"))) process.exit(1);
const c = JSON.parse(fs.readFileSync(d + "/counties.json")).records.find(r => r.code === "522702");
if (c.townships !== 8 || c.townships_covered !== 8 || c.coverage !== 1) { console.log(c); process.exit(1); }' "$d"

# ---- JSON-LD: the DCAT catalog and the pages' schema.org blocks -------
check "data: catalog.jsonld expands as JSON-LD with no network (jsonld.js)" \
    node "$ROOT/tests/e2e/jsonld.mjs" "$d"
check "data: every dataset page embeds schema.org Dataset JSON-LD that parses" node -e '
const fs = require("fs"), d = process.argv[1];
let n = 0;
for (const name of fs.readdirSync(d)) {
  const page = d + "/" + name + "/index.html";
  if (name === "changes" || name === "guide") continue;   // data pages, not datasets
  if (!fs.existsSync(page)) continue;
  const m = fs.readFileSync(page, "utf8").match(/<script type="application\/ld\+json">([^<]*)<\/script>/);
  if (!m) { console.log("no JSON-LD in", page); process.exit(1); }
  const j = JSON.parse(m[1]);
  if (j["@type"] !== "Dataset" || !j.distribution.length) process.exit(1);
  n++;
}
if (n < 9) { console.log("pages:", n); process.exit(1); }' "$d"

# ---- the bulk download is reproducible and complete --------------------
archive=$(ls "$d"/*.tar.gz)
geo_before=$(stat -c '%n %i %Y' "$ROOT"/.hearth/cache/geojson-* 2>&1)
if (cd "$ROOT" && "$HEARTH" build -q --out "$out/again" 2>/dev/null) &&
    cmp -s "$archive" "$out/again/data/$(basename "$archive")"; then
	ok "data: two builds give a byte-identical $(basename "$archive")"
else
	notok "data: two builds give a byte-identical archive"
fi
# The repaired polygons come from the cache the first build wrote: the
# entry is read, not made again, and the file is the same.
geo_after=$(stat -c '%n %i %Y' "$ROOT"/.hearth/cache/geojson-* 2>&1)
if [ "$geo_before" = "$geo_after" ] && [ "$(echo "$geo_after" | wc -l)" -eq 1 ] &&
    cmp -s "$d/counties.geojson" "$out/again/data/counties.geojson"; then
	ok "data: the second build takes its valid polygons from the cache, byte for byte"
else
	notok "data: the second build takes its valid polygons from the cache" \
	    "before: $geo_before" "after: $geo_after"
fi
mkdir -p "$out/x"
if tar -xzf "$archive" -C "$out/x" && (cd "$out/x"/* && sha256sum --quiet -c SHA256SUMS); then
	ok "data: the archive unpacks and its SHA256SUMS verifies"
else
	notok "data: the archive unpacks and its SHA256SUMS verifies"
fi

# ---- versions stay published ----------------------------------------
# Versions come from git history: a new version committed keeps the one
# before it at its URL, with no help from the published folder.
v1=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).version)' "$d/datapackage.json")
site=$(mktemp -d "${TMPDIR:-/tmp}/hearth-ver.XXXXXX")
cp -r "$ROOT/hearth.yaml" "$ROOT/content" "$ROOT/themes" "$ROOT/plugins" "$site/"
gitc() { git -C "$site" -c user.name=编辑 -c user.email=e@example.org "$@"; }
gitc init -q && printf '/public/\n/.hearth/\n' > "$site/.gitignore" &&
    gitc add -A && gitc commit -q -m 第一版 &&
    (cd "$site" && "$HEARTH" build -q 2>/dev/null) &&
    sed -i 's/^  name: shegong-stations/  name: shegong-stations\n  version: next-test/' "$site/hearth.yaml" &&
    gitc commit -q -am 新版本 &&
    (cd "$site" && rm -rf public .hearth && "$HEARTH" build -q 2>/dev/null)
if [ -f "$site/public/data/v/$v1/stations.json" ] &&
    [ -f "$site/public/data/v/next-test/stations.json" ] &&
    grep -q "\"version\":\"next-test\"" "$site/public/data/stations.json" &&
    grep -q "\"version\":\"$v1\"" "$site/public/data/v/$v1/stations.json" &&
    grep -q "data/v/$v1/stations.json" "$site/public/data/stations/index.html"; then
	ok "data: a new version keeps the previous one at /data/v/$v1/, from git history alone"
else
	notok "data: a new version keeps the previous one" "$(ls "$site/public/data/v" 2>&1)"
fi
# The commit's version comes from the commit, whatever the worktree holds:
# an uncommitted version is the build's own, and the commit's stays.
sed -i 's/^  version: next-test/  version: next-wt/' "$site/hearth.yaml"
if (cd "$site" && rm -rf .hearth && "$HEARTH" build -q 2>/dev/null) &&
    [ -f "$site/public/data/v/next-test/stations.json" ] &&
    [ -f "$site/public/data/v/next-wt/stations.json" ] &&
    grep -q '"version":"next-wt"' "$site/public/data/stations.json"; then
	ok "data: an uncommitted version is published beside the commit's, which is read from the commit"
else
	notok "data: an uncommitted version beside the commit's" "$(ls "$site/public/data/v" 2>&1)"
fi
rm -rf "$site"

check "data: pages link only to files that exist" node "$ROOT/tests/e2e/check-html.mjs" "$out/public" /

# ---- GeoJSON: valid OGC simple features (GEOS, through shapely) ---------
check "data: every polygon of counties.geojson is a valid OGC simple feature, exterior rings counter-clockwise (GEOS)" /usr/bin/python3 - "$d/counties.geojson" <<'PY'
import json, sys
from shapely.geometry import shape
from shapely.validation import explain_validity
fc = json.load(open(sys.argv[1], encoding="utf-8"))
n, bad = 0, []
for f in fc["features"]:
    if f["geometry"] is None:
        continue
    n += 1
    g = shape(f["geometry"])
    if not g.is_valid:
        bad.append(f"{f['id']}: {explain_validity(g)}")
    for p in g.geoms:
        if not p.exterior.is_ccw or any(r.is_ccw for r in p.interiors):
            bad.append(f"{f['id']}: ring orientation")
assert n >= 250 and not bad, (n, bad[:5])
print(f"{n} counties valid")
PY

# ---- pages link to the rows behind their figures ------------------------
# Every "本页数据" entry and every table's download link names rows
# ("FIELD 为 VALUE 的 N 行", or a region's slice): the CSV it links to has
# exactly those rows.
check "data: every page's data links name rows the linked CSV has (本页数据, 下载本表数据)" python3 - "$out/public" <<'PY'
import csv, html.parser, os, re, sys
pub = sys.argv[1]
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.items = []; self.cur = None; self.depth = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("li", "p") and (self.cur is None) and self.inside(tag, a):
            self.cur = {"text": "", "links": []}; self.tag = tag
        elif self.cur is not None and tag == "a":
            self.cur["links"].append(a.get("href"))
    def inside(self, tag, a):
        return (tag == "li" and self.in_pd) or (tag == "p" and a.get("class") == "table-download")
    in_pd = False
    def handle_data(self, d):
        if self.cur is not None: self.cur["text"] += d
    def handle_endtag(self, tag):
        if self.cur is not None and tag == self.tag:
            self.items.append(self.cur); self.cur = None
def rows(path):
    with open(pub + path, encoding="utf-8") as f:
        return list(csv.DictReader(f))
pages = n = 0
bad = []
for root, _, files in os.walk(pub):
    if "index.html" not in files or "/data/" in root + "/": continue
    s = open(os.path.join(root, "index.html"), encoding="utf-8").read()
    i = s.find('class="page-data"')
    p = P()
    if i >= 0:
        p.in_pd = True
        p.feed(s[i:s.find("</section>", i)])
        p.in_pd = False
    for m in re.finditer(r'<p class="table-download">.*?</p>', s, re.S):
        p.feed(m.group(0))
    if p.items: pages += 1
    for it in p.items:
        csvs = [h for h in it["links"] if h and h.endswith(".csv")]
        t = re.sub(r"\s+", " ", it["text"])
        m = re.search(r"([A-Za-z_][A-Za-z0-9_]*) 为 (\S+) 的 ?(?:一|([\d,]+) )行", t)
        slice_ = re.search(r"的 ([\d,]+) 行（地区切片）", t)
        if not csvs or not (m or slice_):
            bad.append(f"{root}: {t}"); continue
        data = rows(csvs[0])
        if slice_:
            got, want = len(data), int(slice_.group(1).replace(",", ""))
        else:
            want = int(m.group(3).replace(",", "")) if m.group(3) else 1
            got = sum(1 for r in data if r.get(m.group(1)) == m.group(2))
        n += 1
        if got != want or want < 1:
            bad.append(f"{root}: {t}: {csvs[0]} has {got} rows")
assert not bad, "\n".join(bad[:10])
assert pages >= 100 and n >= 300, (pages, n)
s = open(pub + "/news/guizhou-1094-stations/index.html", encoding="utf-8").read()
assert "id 为 guizhou-2023-05 的一行" in s, "the stat shortcode's report is not cited"
print(f"{n} entries on {pages} pages")
PY
if grep -q '各省最新进展报告的建站数合计 1,094 个' "$d/stations/index.html" &&
    grep -q '本数据集收录本站已发布记录的 9 个社工站' "$d/stations/index.html"; then
	ok "data: the stations dataset page sets its 9 records against the 1,094 stations reported"
else
	notok "data: the stations dataset page explains its rows against the reported total"
fi

# ---- names beside codes, and coverage from the data alone ---------------
check "data: every division code has its name beside it (stations, reports, counties, townships)" python3 - "$d" <<'PY'
import csv, sys
d = sys.argv[1]
def rows(name):
    with open(f"{d}/{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))
st = {r["id"]: r for r in rows("stations")}
assert st["522702001"]["county_name"] == "福泉市", st["522702001"]
assert st["522702001"]["township_name"] == "金山街道", st["522702001"]
assert st["522702-master"]["township_name"] == "", st["522702-master"]
for r in rows("reports"):
    assert r["area_name"], r
c = {r["code"]: r for r in rows("counties")}
assert c["522702"]["province_name"] == "贵州省" and c["522702"]["prefecture_name"] == "黔南布依族苗族自治州", c["522702"]
print("names present")
PY
check "data: the townships dataset lets coverage be recomputed from the data alone" python3 - "$d" <<'PY'
import csv, json, sys
from collections import Counter
d = sys.argv[1]
def rows(name):
    with open(f"{d}/{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))
t = rows("townships")
counties = rows("counties")
per_county = Counter(r["county"] for r in t)
covered = Counter(r["county"] for r in t if r["has_station"] == "true")
for c in counties:
    assert per_county[c["code"]] == int(c["townships"]), (c, per_county[c["code"]])
    assert covered[c["code"]] == int(c["townships_covered"]), c
gz = sum(1 for r in t if r["province"] == "52")
assert gz == 1510, gz          # Guizhou's 1,510 townships
js = json.load(open(f"{d}/townships.json", encoding="utf-8"))
assert len(js["records"]) == len(t)
print(f"{len(t)} townships, {sum(covered.values())} with a station; Guizhou {gz}")
PY

# ---- the SQLite database --------------------------------------------------
db=$d/shegong-stations.sqlite
check "data: the database opens in sqlite3, its foreign keys hold and it is intact" \
    sh -c "[ -z \"\$(sqlite3 '$db' 'PRAGMA foreign_key_check;')\" ] && [ \"\$(sqlite3 '$db' 'PRAGMA integrity_check;')\" = ok ]"
check "data: every table of the database has the rows of its JSON file" python3 - "$d" "$db" <<'PY'
import json, sqlite3, sys
d, db = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
pkg = json.load(open(f"{d}/datapackage.json", encoding="utf-8"))
names = sorted({r["path"][:-4] for r in pkg["resources"] if r["path"].endswith(".csv") and "/" not in r["path"] and not r["path"].endswith("-excel.csv")})
assert names, "no datasets"
for n in names:
    js = json.load(open(f"{d}/{n}.json", encoding="utf-8"))
    (count,) = con.execute(f'SELECT count(*) FROM "{n}"').fetchone()
    assert count == len(js["records"]), (n, count, len(js["records"]))
types = {r[1]: r[2] for r in con.execute('PRAGMA table_info("stations")')}
assert types["lon"] == "REAL" and types["county"] == "TEXT", types
fks = {r[3]: r[2] for r in con.execute('PRAGMA foreign_key_list("stations")')}
assert fks.get("county") == "counties" and fks.get("township") == "townships", fks
print(f"{len(names)} tables, row counts equal the JSON files")
PY
check "data: the database's full-text table passes FTS5's integrity-check and finds Chinese words (福泉)" \
    sh -c "sqlite3 '$db' \"INSERT INTO news_fts (news_fts) VALUES ('integrity-check'); SELECT n.id FROM news_fts f JOIN news n ON n.rowid = f.rowid WHERE news_fts MATCH '福泉'\" | grep -qx fuquan-1-8-n-system"
check "data: Datasette's metadata.json describes every table" python3 - "$d" <<'PY'
import json, sys
m = json.load(open(sys.argv[1] + "/metadata.json", encoding="utf-8"))
tables = m["databases"]["shegong-stations"]["tables"]
assert tables["stations"]["columns"]["county_name"], tables["stations"]
assert m["license"] == "CC-BY-4.0" and m["source"], m
print(len(tables), "tables described")
PY

# ---- Excel workbooks --------------------------------------------------------
# Read with a real reader (Debian's python3-openpyxl, so Debian's python).
check "data: every workbook opens, with typed cells, a frozen header of Chinese titles and the data dictionary" /usr/bin/python3 - "$d" <<'PY'
import datetime, glob, json, sys
import openpyxl
d = sys.argv[1]
books = sorted(glob.glob(d + "/*.xlsx"))
assert len(books) >= 10, books
for path in books:
    name = path.rsplit("/", 1)[1][:-5]
    js = json.load(open(f"{d}/{name}.json", encoding="utf-8"))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["数据", "数据说明"], wb.sheetnames
    ws = wb["数据"]
    assert ws.freeze_panes == "A2", (name, ws.freeze_panes)
    assert ws.max_row - 1 == len(js["records"]), (name, ws.max_row, len(js["records"]))
    for row in ws.iter_rows(min_row=2):
        for c in row:
            assert c.data_type != "f", (name, c.coordinate, c.value)
r = openpyxl.load_workbook(d + "/reports.xlsx")["数据"]
head = [c.value for c in r[1]]
assert head[:3] == ["编号", "地区", "地区名称"], head
gz = [row for row in r.iter_rows(min_row=2, values_only=True) if row[0] == "guizhou-2023-05"][0]
assert gz[head.index("截至日期")] == datetime.datetime(2023, 5, 31), gz
assert gz[head.index("已建乡镇（街道）社工站")] == 1094 and isinstance(gz[head.index("已建乡镇（街道）社工站")], int), gz
cov = r.cell(row=2 + [row[0] for row in r.iter_rows(min_row=2, values_only=True)].index("guizhou-2023-05"), column=head.index("报告覆盖率") + 1)
assert cov.value == 0.7245 and cov.number_format == "0.0000", (cov.value, cov.number_format)
dic = openpyxl.load_workbook(d + "/stations.xlsx")["数据说明"]
fields = [row[0] for row in dic.iter_rows(min_row=2, values_only=True)]
assert "county_name" in fields and "许可" in fields, fields
print(f"{len(books)} workbooks")
PY
site=$(mksite mini)
printf 'r-x,99,2023-06-30,3,0.75,"=HYPERLINK(""http://evil.example"",""点击"")"\n' >> "$site/content/records/report.csv"
(cd "$site" && "$HEARTH" build -q 2>/dev/null)
check "data: formula-like text stays text in the workbooks" /usr/bin/python3 - "$site/public/data/reports.xlsx" <<'PY'
import sys
import openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["数据"]
cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
assert cells and all(c.data_type == "s" for c in cells), [(c.coordinate, c.data_type) for c in cells]
print("kept as text:", cells[0].value)
PY
rm -rf "$site"
