#!/bin/bash
# Versions come from git history, never from the published site: after
# `git tag v1.0`, the next `hearth build` publishes the release under
# /data/v/v1.0/; a build with nothing changed still stops early; and after
# several releases and dated versions, a build into an empty folder with
# no cache publishes the same /data/v/ tree, byte for byte, as the
# long-running one.
. "$(dirname "$0")/../lib.sh"
export ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hearth-rel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
git config --global init.defaultBranch main
git config --global user.name "省厅编辑"
git config --global user.email editor@province.example

site=$tmp/site
mkdir "$site"
cp -r "$ROOT/tests/sites/mini/." "$site/"
cp -r "$ROOT/themes" "$site/"
cd "$site" || exit 1
git init -q
printf '/public/\n/.hearth/\n' > .gitignore
git add -A && git commit -q -m "第一版"

out1=$("$HEARTH" build 2>&1)
out2=$("$HEARTH" build 2>&1)
if grep -q "nothing changed" <<< "$out2"; then
	ok "releases: a build with nothing changed stops early"
else
	notok "releases: a build with nothing changed stops early" "$out1" "$out2"
fi
git tag v1.0
out3=$("$HEARTH" build 2>&1)
if ! grep -q "nothing changed" <<< "$out3" &&
    [ -f public/data/v/v1.0/stations.json ] &&
    grep -q '"v1.0"' public/data/changes.json 2>/dev/null ||
    [ -f public/data/v/v1.0/datapackage.json ]; then
	ok "releases: a new tag is published by the next build (/data/v/v1.0/)"
else
	notok "releases: a new tag is published by the next build (/data/v/v1.0/)" \
	    "$out3" "$(ls public/data/v/ 2>&1)"
fi
out4=$("$HEARTH" build 2>&1)
if grep -q "nothing changed" <<< "$out4"; then
	ok "releases: and the build after it stops early again"
else
	notok "releases: and the build after it stops early again" "$out4"
fi

# The head and the tags are taken from the last build while nothing that
# names them changed (repo_refstamp): a commit that changes no file
# still moves the revision, and is built.
git commit -q --allow-empty -m "空提交"
out5=$("$HEARTH" build 2>&1)
out6=$("$HEARTH" build 2>&1)
if ! grep -q "nothing changed" <<< "$out5" &&
    grep -q "nothing changed" <<< "$out6"; then
	ok "releases: a commit without a change is built, and the build after it stops early"
else
	notok "releases: a commit without a change is built, and the build after it stops early" \
	    "$out5" "$out6"
fi
# A linked worktree (its .git a file) is asked of libgit2 each time.
git worktree add -q "$tmp/wt" 2>/dev/null
out7=$(cd "$tmp/wt" && "$HEARTH" build 2>&1 && "$HEARTH" build 2>&1 &&
    git commit -q --allow-empty -m "工作树提交" && "$HEARTH" build 2>&1)
if [ "$(grep -c "nothing changed" <<< "$out7")" = 1 ]; then
	ok "releases: in a linked worktree too, a build stops early until a commit"
else
	notok "releases: in a linked worktree too, a build stops early until a commit" "$out7"
fi
git worktree remove --force "$tmp/wt"

# Several dated versions and a second release, each built into the same
# public/ as a long-running site would be.
# addrow ID DATE STATIONS COVERAGE (stations over the area's 4 townships)
addrow() { printf '%s,99,%s,%s,%s,测试日报\n' "$@" >> content/records/report.csv; }
first=$(cd public/data/v && ls | grep -v '^v')
commit() { git add -A && git commit -q -m "$1" && "$HEARTH" build >/dev/null 2>&1 || echo "build failed after: $1"; }
fails=
addrow r-2024 2024-01-31 3 0.75; fails+=$(commit "2024 年 1 月进展")
sed -i 's/^r-2024,99,2024-01-31,3,0.75,/r-2024,99,2024-01-31,4,1,/' content/records/report.csv
fails+=$(commit "更正 2024 年 1 月数据")
git tag v2.0; "$HEARTH" build >/dev/null 2>&1 || fails+="build after v2.0"
addrow r-2025 2025-03-31 4 1; fails+=$(commit "2025 年 3 月进展")
git rm -q content/news/three.md; fails+=$(commit "撤下一条新闻")
# News is not data: an item dated after every figure makes no version.
printf -- '---\ntitle: 最新动态\ndate: 2025-12-01\n---\n\n正文。\n' > content/news/four.md
fails+=$(commit "发布一条新闻")
if [ ! -e public/data/v/2025-12-01 ] && grep -q '"最新动态"' public/data/v/2025-03-31/news.json; then
	ok "releases: a news item makes no new data version; the version's news list has it"
else
	notok "releases: a news item makes no new data version" "$(ls public/data/v)"
fi
# And one edit not yet committed: the working tree is the current version.
addrow r-2026 2026-02-28 4 1; "$HEARTH" build >/dev/null 2>&1 || fails+="dirty build"
got=$(cd public/data/v && ls | tr '\n' ' ')
want="$first 2024-01-31 2025-03-31 2026-02-28 v1.0 v2.0 "
if [ -z "$fails" ] && [ "$got" = "$want" ]; then
	ok "releases: every release and dated version of the history is published"
else
	notok "releases: every release and dated version of the history is published" \
	    "got: $got" "want: $want" "$fails"
fi
if grep -q '"r-2024"' public/data/v/2024-01-31/reports.json &&
    python3 -c 'import json,sys
rows = json.load(open(sys.argv[1]))["records"]
sys.exit(0 if [r["stations"] for r in rows if r["id"] == "r-2024"] == [4] else 1)' \
    public/data/v/2024-01-31/reports.json; then
	ok "releases: a dated version holds the newest commit of that date"
else
	notok "releases: a dated version holds the newest commit of that date" \
	    "$(head -c 600 public/data/v/2024-01-31/reports.json 2>&1)"
fi
rm -rf .hearth
if out=$("$HEARTH" build --out "$tmp/fresh" 2>&1) &&
    diff -r public/data/v "$tmp/fresh/data/v" >/dev/null &&
    cmp -s public/data/changes.json "$tmp/fresh/data/changes.json"; then
	ok "releases: a build into an empty folder, no cache, publishes the same /data/v/ byte for byte"
else
	notok "releases: a build into an empty folder, no cache, publishes the same /data/v/ byte for byte" \
	    "$out" "$(diff -r public/data/v "$tmp/fresh/data/v" 2>&1 | head -20)"
fi

# What a reader sees of the versions: the dataset page lists the current
# version first, then the others newest data first; "how to cite" names
# the frozen file; the changes page names datasets by their titles.
order=$(grep -o 'data/v/[^/]*/reports.json' public/data/reports/index.html | sed 's|data/v/||; s|/reports.json||' | awk '!seen[$0]++' | tr '\n' ' ')
want_order="2026-02-28 2025-03-31 v2.0 2024-01-31 v1.0 $first "
if [ "$order" = "$want_order" ]; then
	ok "releases: the versions list shows the current version first, then newest data first"
else
	notok "releases: the versions list shows the current version first, then newest data first" \
	    "got:  $order" "want: $want_order"
fi
if grep -q 'class="citation">[^<]*https://test.example/data/v/2026-02-28/reports.json' public/data/reports/index.html; then
	ok "releases: how to cite names the frozen URL of the version"
else
	notok "releases: how to cite names the frozen URL of the version" \
	    "$(grep -o 'class="citation">[^<]*' public/data/reports/index.html)"
fi
if grep -q '进展报告（<code>reports</code>）' public/data/changes/index.html; then
	ok "releases: the changes page names datasets by their titles"
else
	notok "releases: the changes page names datasets by their titles" \
	    "$(grep -o '<caption>[^<]*<code>[^<]*</code>[^<]*' public/data/changes/index.html | head -3)"
fi

# A version's page says what changed since the version before it in data
# order: 2025-03-31 added one report (r-2025) to 2024-01-31's data.
if python3 - public/data/v/2025-03-31/index.html <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<h2>与版本 (\S+) 相比</h2>", s)
row = re.search(r"<tr><th scope=\"row\">进展报告（<code>reports</code>）</th>"
                r"<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
                r"<td class=\"num\">(\d+)</td></tr>", s)
assert m and m.group(1) in ("2024-01-31", "v2.0"), m and m.group(1)
assert row and row.groups() == ("1", "0", "0"), row and row.groups()
PY
then
	ok "releases: a version's page counts the records added, removed and changed since the version before"
else
	notok "releases: a version's page counts what changed since the version before" \
	    "$(grep -A12 '相比' public/data/v/2025-03-31/index.html | head -20)"
fi

# Every version has a landing page at /data/v/<version>/ listing its own
# files at their frozen URLs, with sizes and checksums.
bad=
for d in public/data/v/*/; do
	ver=$(basename "$d")
	page=$d/index.html
	sum=$(sha256sum "$d/reports.json" | cut -c1-64)
	if [ ! -f "$page" ] || ! grep -q "<h1>数据版本 $ver</h1>" "$page" ||
	    ! grep -q "href=\"/data/v/$ver/reports.json\"" "$page" ||
	    ! grep -q "$sum" "$page"; then
		bad+="$ver "
	fi
done
if [ -z "$bad" ] && grep -q '这是一个历史版本' public/data/v/v1.0/index.html &&
    grep -q '这是本站的当前版本' public/data/v/2026-02-28/index.html; then
	ok "releases: every version has a landing page with its files and checksums"
else
	notok "releases: every version has a landing page with its files and checksums" "bad: $bad"
fi
