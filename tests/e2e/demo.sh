#!/bin/bash
# The demo site end to end: build it, then read the pages a reader would
# read and check the figures of the three bulletins, escaping, and that
# every link resolves.
. "$(dirname "$0")/../lib.sh"

out=$(mktemp -d "${TMPDIR:-/tmp}/hearth-demo.XXXXXX")
trap 'rm -rf "$out"' EXIT
if ! err=$(cd "$ROOT" && "$HEARTH" build -q --out "$out/public" 2>&1); then
	notok "demo: builds" "$err"
	exit 0
fi
ok "demo: builds"
pub=$out/public

# has PAGE TEXT...: every TEXT occurs in PAGE (fixed strings).
has() {
	page=$1; shift
	if [ ! -f "$pub/$page" ]; then
		notok "demo: $page exists"
		return
	fi
	missing=()
	for t in "$@"; do
		grep -qF -- "$t" "$pub/$page" || missing+=("missing: $t")
	done
	if [ ${#missing[@]} -eq 0 ]; then ok "demo: $page shows $*"
	else notok "demo: $page" "${missing[@]}"; fi
}

# Guizhou: reported figures beside coverage computed from reference data.
has provinces/52/index.html '1,094 个' '1,583 名' '1,000+ 名' \
    '<dd>72.45%</dd>' '72.45%<span class="formula">（1,094 ÷ 1,510）' \
    '<dd>2 个</dd>' '<dd>44 个</dd>' '1,510 个乡镇（街道）' '88 个县（市、区）'
# Fuquan: 8 of 8 townships covered, the master station and 8 stations.
has counties/522702/index.html '全县共有 8 个乡镇（街道）' '本站已发布 9 个社工站' \
    '覆盖其中 8 个（100.00%）' '已实现乡镇（街道）社工站全覆盖' \
    '仙桥乡社工站' '福泉市社会工作服务总站' 'counties/522702/brand/'
has counties/522702/brand/index.html \
    '<h1>社工黔行·泉“心”服务·泉“城”有爱</h1>' \
    '2,000+ 户' '63 场' '47 个' '44 个' '20,000+ 人次' \
    '8 / 8 个乡镇（街道）已建站。'
# The brand page tells the "1+8+N" system once (its structure section), not
# again in the body.
n=$(grep -o '“1+8+N”服务体系' "$pub/counties/522702/brand/index.html" | wc -l)
[ "$n" -eq 1 ] && ok "demo: the brand page shows the 1+8+N section once" ||
    notok "demo: the brand page shows the 1+8+N section once" "found $n"
# The five Henan actions in their own order (1..5).
acts=$(grep -o '千站暖万家[^<]\{2,4\}行动' "$pub/campaigns/henan-qianzhan/index.html" | awk '!s[$0]++' | tr '\n' ' ')
[ "$acts" = "千站暖万家困弱帮扶行动 千站暖万家长者服务行动 千站暖万家儿童关爱行动 千站暖万家残障康复行动 千站暖万家美好社区行动 " ] &&
    ok "demo: the campaign lists its five actions in their order" ||
    notok "demo: the campaign lists its five actions in their order" "$acts"
# A county's breadcrumbs: province › prefecture (no page: not a link) ›
# county; a municipal district has no prefecture crumb.
has counties/522702/index.html \
    '<li><a href="/provinces/52/">贵州省</a></li>' \
    '<li><span>黔南布依族苗族自治州</span></li>' \
    '<li><a href="/counties/522702/" aria-current="page">福泉市</a></li>'
has counties/120101/index.html \
    '<li><a href="/provinces/12/">天津市</a></li>' \
    '<li><a href="/counties/120101/" aria-current="page">和平区</a></li>'
# Henan: the campaign, its period, targets and five actions.
has campaigns/henan-qianzhan/index.html '河南社工千站暖万家行动' \
    '2023年6月至2023年12月' '1,000+ 个' '10,000+ 户（处）' \
    '千站暖万家困弱帮扶行动' '千站暖万家长者服务行动' '千站暖万家儿童关爱行动' \
    '千站暖万家残障康复行动' '千站暖万家美好社区行动' '敬老院' \
    '月月有主题、周周有活动、天天有精彩、县县有品牌、站站有特色'
# Tianjin: the initiative and its linked forces.
has initiatives/tianjin-wushe/index.html '天津理工大学' '养老人才共建基地' \
    '社区志愿者' '社会慈善资源'
# Provinces without a report say so instead of inventing a figure.
has provinces/41/index.html '本省尚未发布进展报告' '2,586 个乡镇（街道）'
has provinces/12/index.html '299 个乡镇（街道）'
has index.html '<td class="num">1,094</td>' '<td class="num">72.45%</td>'

# News: one page per item, lists and tags.
n=$(find "$pub/news" -mindepth 2 -name index.html -path '*/news/*/index.html' ! -path '*/page/*' | wc -l)
if [ "$n" -eq 7 ]; then ok "demo: 7 news pages"; else notok "demo: 7 news pages" "found $n"; fi
has tags/福泉/index.html '福泉市构建'
has news/guizhou-1094-stations/index.html '<h2>建设进展</h2>' '<strong>1,094个</strong>' \
    'href="/provinces/52/"'

# Every link resolves; no script or event handler in any page.
check "demo: links resolve, no injected script" node "$ROOT/tests/e2e/check-html.mjs" "$pub" /

# Output does not depend on the number of threads.
if (cd "$ROOT" && "$HEARTH" build -q -j1 --out "$out/one" 2>/dev/null) &&
    d=$(diff -r "$pub" "$out/one" 2>&1); then
	ok "demo: identical output with --jobs 1 and the default"
else
	notok "demo: identical output with --jobs 1 and the default" "$d"
fi

# Plugins: Fuquan's brand page is shaped by its own plugin; news items cite
# figures through the site-wide stat shortcode.
has counties/522702/brand/index.html \
    '<p class="lead">“1+8+N”：福泉市社会工作服务总站统筹，8 个乡镇（街道）社工站全覆盖' \
    '<h2 id="struct-h">“1+8+N”服务体系</h2>' '<dt>三站合一</dt>' \
    '<dd>20,000+ 人次</dd>' '8 / 8 个乡镇（街道）有社工站' '建站以来</strong>的累计数'
has news/guizhou-1094-stations/index.html '覆盖率达到<strong>72.45%</strong>' \
    '驻站志愿者<strong>1,583名</strong>'
has news/fuquan-1-8-n-system/index.html '服务个案<strong>44个</strong>'

# Tables with two levels of headers (a prefecture above its counties) tie
# every cell to both by scope alone (the HTML table model; WCAG 2.1
# technique H63): column headers scope="col", each prefecture a <tbody>
# opened by its scope="rowgroup" header across the table, each county row
# opened by its scope="row" header, as many cells as columns.
check "demo: province tables tie cells to both header levels (scope col, rowgroup, row)" python3 - "$pub" <<'PY'
import glob, sys
from html.parser import HTMLParser

class Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.t, self.cell = [], None, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("class") == "counties":
            self.t = {"head": [], "bodies": []}
        elif self.t is None:
            return
        elif tag == "thead":
            self.part = self.t["head"]
        elif tag == "tbody":
            self.part = []
            self.t["bodies"].append(self.part)
        elif tag == "tr":
            self.part.append([])
        elif tag in ("th", "td"):
            self.part[-1].append((tag, a.get("scope"), int(a.get("colspan", 1)), a.get("headers")))
    def handle_endtag(self, tag):
        if tag == "table" and self.t is not None:
            self.tables.append(self.t)
            self.t = None

pages = glob.glob(sys.argv[1] + "/provinces/*/index.html")
cells = 0
for f in pages:
    p = Tables()
    p.feed(open(f, encoding="utf-8").read())
    for t in p.tables:
        if len(t["head"]) != 1 or any(c[:2] != ("th", "col") for c in t["head"][0]):
            sys.exit(f"{f}: the header row is not all scope=col: {t['head']}")
        ncol = len(t["head"][0])
        if not t["bodies"]:
            sys.exit(f"{f}: no prefecture groups")
        for body in t["bodies"]:
            if body[0] != [("th", "rowgroup", ncol, None)]:
                sys.exit(f"{f}: a group does not open with its rowgroup header across {ncol} columns: {body[0]}")
            if len(body) < 2:
                sys.exit(f"{f}: a prefecture without counties")
            for row in body[1:]:
                if row[0][:2] != ("th", "row") or len(row) != ncol or \
                        any(c[0] != "td" or c[2] != 1 for c in row[1:]) or \
                        any(c[3] is not None for c in row):
                    sys.exit(f"{f}: a county row without its row header, or of other width: {row}")
                cells += ncol - 1
if cells == 0:
    sys.exit("no county table cells found")
print(f"{cells} cells in {len(pages)} pages")
PY
