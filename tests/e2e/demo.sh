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

# Tables with two levels of headers (a prefecture row above its counties)
# tie every cell to its headers by id (WCAG 2.1 technique H43): each
# headers="" names ids of the same table, and ids are unique on the page.
check "demo: province tables tie cells to both header levels (headers/id)" python3 - "$pub" <<'PY'
import glob, re, sys
pages = glob.glob(sys.argv[1] + "/provinces/*/index.html")
cells = 0
for f in pages:
    html = open(f, encoding="utf-8").read()
    ids = re.findall(r' id="([^"]+)"', html)
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        sys.exit(f"{f}: ids used twice: {dup[:5]}")
    for table in re.findall(r'<table class="counties">.*?</table>', html, re.S):
        own = set(re.findall(r' id="([^"]+)"', table))
        for td in re.findall(r'<td[^>]*>', table):
            m = re.search(r' headers="([^"]+)"', td)
            if m is None or len(m.group(1).split()) != 3:
                sys.exit(f"{f}: a cell without its three headers: {td}")
            missing = [t for t in m.group(1).split() if t not in own]
            if missing:
                sys.exit(f"{f}: headers name no id of the table: {missing}")
            cells += 1
if cells == 0:
    sys.exit("no county table cells found")
print(f"{cells} cells in {len(pages)} pages")
PY
