#!/bin/bash
# Git-native publishing, with real repositories made here (the git command
# only sets them up; hearth reads them through libgit2): building old
# revisions, page history, ownership, federation, dataset diffs, the data
# changelog, reproducible output, and broken repositories.
. "$(dirname "$0")/../lib.sh"
# libgit2 has no frame pointers: unwind leaks slowly but fully, so the
# suppressions (tests/lsan.supp) match by function, not by library.
export ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hearth-git.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
git config --global init.defaultBranch main
git config --global user.name "省厅编辑"
git config --global user.email editor@province.example

# commit AUTHOR EMAIL DATE MESSAGE: commit everything as that author.
commit() {
	git add -A &&
	GIT_AUTHOR_NAME=$1 GIT_AUTHOR_EMAIL=$2 GIT_AUTHOR_DATE="$3 12:00:00 +0800" \
	GIT_COMMITTER_NAME=$1 GIT_COMMITTER_EMAIL=$2 \
	GIT_COMMITTER_DATE="$3 12:00:00 +0800" \
	    git commit -q -m "$4"
}

site=$tmp/site
mkdir "$site"
cp -r "$ROOT/tests/sites/mini/." "$site/"
cp -r "$ROOT/themes" "$site/"
cat > "$site/content/OWNERS" <<'EOT'
@province = editor@province.example
**                        @province
content/counties/990101/  east@county.example
EOT
cd "$site"
git init -q
echo "/public/" > .gitignore
echo "/.hearth/" >> .gitignore
printf 'id,name,kind,county,township,opened\n990101001,东一镇社工站,township,990101,990101001,2022-05\n' \
    > content/counties/990101/station.csv
sed -i 's/^r-2023,99,2023-05-31,3,0.75/r-2023,99,2023-05-31,1,0.25/' content/records/report.csv
commit 省厅编辑 editor@province.example 2023-06-01 "first release"
git tag v1
printf '990101002,东二镇社工站,township,990101,990101002,2022-06\n' >> content/counties/990101/station.csv
commit 东县民政局 east@county.example 2023-06-10 "东二镇社工站建成"
sed -i 's/^r-2023,99,2023-05-31,1,0.25/r-2023,99,2023-06-10,2,0.5/' content/records/report.csv
printf '\n补充一段。\n' >> content/news/two.md
commit 省厅编辑 editor@province.example 2023-06-11 "更新进展"
git tag v2

# ---- building revisions -------------------------------------------------
echo "未提交的修改" >> content/news/one.md		# the worktree moves on
if "$HEARTH" build -q --rev v1 --out "$tmp/v1" 2>/dev/null &&
    grep -qF '1 / 4' "$tmp/v1/maps/99.svg" 2>/dev/null ||
    grep -qF '覆盖其中 1 个' "$tmp/v1/counties/990101/index.html"; then
	if grep -qF '<dd>1 个</dd>' "$tmp/v1/provinces/99/index.html" &&
	    [ ! -d "$tmp/v1/stations/990101002" ]; then
		ok "git: --rev v1 builds the older figures (1 station)"
	else
		notok "git: --rev v1 builds the older figures"
	fi
else
	notok "git: --rev v1 builds"
fi
if "$HEARTH" build -q --rev v2 --out "$tmp/v2" 2>/dev/null &&
    grep -qF '<dd>2 个</dd>' "$tmp/v2/provinces/99/index.html" &&
    [ -d "$tmp/v2/stations/990101002" ] &&
    ! grep -q '未提交的修改' "$tmp/v2/news/one/index.html"; then
	ok "git: --rev v2 builds the newer figures from the object database, ignoring the worktree"
else
	notok "git: --rev v2 builds the newer figures"
fi
grep -q '"version":"v2"' "$tmp/v2/data/stations.json" &&
    grep -q "\"source_commit\":\"$(git rev-parse v2)\"" "$tmp/v2/data/stations.json" &&
    ok "git: a tagged revision publishes its data as version v2 with its commit" ||
    notok "git: a tagged revision publishes its data as version v2 with its commit"
# A linked worktree's .git is a file: the site is still a repository's
# (libgit2 is opened only where a .git or a HEAD may say so).
git worktree add -q --detach "$tmp/wt" v1 2>/dev/null
if "$HEARTH" build -q -C "$tmp/wt" --out "$tmp/wt-out" 2>/dev/null &&
    grep -q "\"source_commit\":\"$(git rev-parse v1)\"" "$tmp/wt-out/data/stations.json"; then
	ok "git: a site in a linked worktree (its .git a file) is read at its commit"
else
	notok "git: a site in a linked worktree" "$(ls "$tmp/wt" 2>&1 | head -3)"
fi
git worktree remove --force "$tmp/wt" 2>/dev/null

# ---- history ------------------------------------------------------------
if grep -qF '<time datetime="2023-06-11">2023年6月11日</time>（省厅编辑）' "$tmp/v2/news/two/index.html" &&
    grep -qF '<time datetime="2023-06-01">2023年6月1日</time>' "$tmp/v2/news/one/index.html" &&
    grep -qF '<time datetime="2023-06-10">2023年6月10日</time></p>' "$tmp/v2/counties/990101/brand/index.html" &&
    ! grep -qF '东县民政局' "$tmp/v2/counties/990101/brand/index.html" &&
    ! grep -qF '东二镇社工站建成' "$tmp/v2/counties/990101/brand/index.html"; then
	ok "git: pages show when their sources last changed, and by whom outside county folders (whose author names the county types); unsigned changes are not listed"
else
	notok "git: page history" "$(grep -o 'class="updated">[^<]*<time[^>]*>[^<]*</time>[^<]*' "$tmp/v2/news/two/index.html")"
fi

# ---- ownership ------------------------------------------------------------
mkdir -p content/counties/990102
printf -- '---\ntitle: 西县品牌\ncounty: "990102"\n---\n\n西县。\n' > content/counties/990102/index.md
git checkout -q -- content/news/one.md
commit 东县民政局 east@county.example 2023-06-12 "越权修改西县"
bad=$(git rev-parse --short=12 HEAD)
out=$("$HEARTH" verify 2>&1)
rc=$?
root=$(git rev-list --max-parents=0 HEAD | cut -c1-12)
if [ $rc -eq 1 ] && echo "$out" | grep -qF "$bad east@county.example content/counties/990102/index.md: not an owner (owners: editor@province.example)" &&
    echo "$out" | grep -qF "$root editor@province.example content/counties/990101/station.csv: not an owner (owners: east@county.example)" &&
    echo "$out" | grep -qF 'no content/SIGNERS beside it' &&
    echo "$out" | grep -qF 'verified 4 commits: 3 violations'; then
	ok "git: verify catches a commit touching another county's folder; the root commit is judged too; no SIGNERS is warned of"
else
	notok "git: verify catches a commit touching another county's folder" "rc $rc" "$out"
fi
"$HEARTH" verify --since v2~1 --rev v2 >/dev/null 2>&1 &&
    ok "git: verify --since checks only the range (clean)" ||
    notok "git: verify --since checks only the range"
"$HEARTH" build -q --out "$tmp/ok" 2>/dev/null
find "$tmp/ok" -type f | sort | xargs sha256sum > "$tmp/before"
out=$("$HEARTH" build -q --verify --out "$tmp/ok" 2>&1)
rc=$?
find "$tmp/ok" -type f | sort | xargs sha256sum > "$tmp/after"
if [ $rc -eq 1 ] && echo "$out" | grep -q 'ownership violation' && cmp -s "$tmp/before" "$tmp/after"; then
	ok "git: build --verify refuses to publish; the published site is intact"
else
	notok "git: build --verify refuses to publish" "rc $rc" "$out"
fi
git revert -q --no-edit HEAD >/dev/null 2>&1 || git reset -q --hard HEAD~1

# A merge is judged by what it brings in itself.
git checkout -q -b east
printf '990101003,东县总站,county,990101,,2022-03\n' >> content/counties/990101/station.csv
commit 东县民政局 east@county.example 2023-06-13 "东县总站"
git checkout -q main
GIT_AUTHOR_DATE="2023-06-14 12:00:00 +0800" GIT_COMMITTER_DATE="2023-06-14 12:00:00 +0800" \
    git merge -q --no-ff -m "合并东县分支" east
out=$("$HEARTH" verify --since v2 2>&1)
if echo "$out" | grep -q '0 violations'; then
	ok "git: a clean merge of a county's branch by the editors passes"
else
	notok "git: a clean merge of a county's branch by the editors passes" "$out"
fi

# An owners file with a syntax error.
printf '@east = not-an-email\n' >> content/OWNERS
commit 省厅编辑 editor@province.example 2023-06-15 "坏的 OWNERS"
printf 'x\n' >> content/news/one.md
commit 省厅编辑 editor@province.example 2023-06-16 "再提交一次"
out=$("$HEARTH" verify --since HEAD~1 2>&1)
rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -qE 'content/OWNERS \(at [0-9a-f]{7}\):4:9: error: expected an email address, user:NAME or @group, found "not-an-email"'; then
	ok "git: an owners file with a syntax error is reported at its line"
else
	notok "git: an owners file with a syntax error is reported at its line" "rc $rc" "$out"
fi
out=$("$HEARTH" check 2>&1)
echo "$out" | grep -qF 'content/OWNERS:4:9: error:' && ok "git: check reports the broken owners file too" ||
    notok "git: check reports the broken owners file too" "$out"
git reset -q --hard HEAD~2

# ---- dataset diff, changelog -------------------------------------------
out=$("$HEARTH" diff v1 v2 2>&1)
if echo "$out" | grep -qF 'stations: 1 added, 0 removed, 0 changed' &&
    echo "$out" | grep -qF '  + 990101002' &&
    echo "$out" | grep -qF '      stations: 1 -> 2'; then
	ok "git: diff v1 v2 lists the added station and the changed report"
else
	notok "git: diff v1 v2" "$out"
fi
if "$HEARTH" diff --json v1 v2 2>/dev/null | node -e '
const d = JSON.parse(require("fs").readFileSync(0));
if (d.datasets.stations.added[0] !== "990101002") process.exit(1);
const r = d.datasets.reports.changed.find(c => c.id === "r-2023");
if (r.fields.stations.before !== 1 || r.fields.stations.after !== 2) process.exit(1);'; then
	ok "git: diff --json gives the same changes as data"
else
	notok "git: diff --json"
fi
if grep -qF 'v1 → v2' "$tmp/v2/data/changes/index.html" &&
    node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
const c = d.changes.find(x => x.from === "v1" && x.to === "v2");
if (!c || c.datasets.stations.added[0] !== "990101002") process.exit(1);' "$tmp/v2/data/changes.json" &&
    [ -f "$tmp/v2/data/v/v1/stations.json" ] && grep -q '"version":"v1"' "$tmp/v2/data/v/v1/stations.json"; then
	ok "git: the built site has a data changelog between releases and keeps v1's data"
else
	notok "git: data changelog and release versions"
fi

# ---- reproducible output ----------------------------------------------
"$HEARTH" build -q --rev v2 --out "$tmp/r1" 2>/dev/null
"$HEARTH" build -q -j1 --rev v2 --out "$tmp/r2" 2>/dev/null
if d=$(diff -r "$tmp/r1" "$tmp/r2") && diff -r "$tmp/v2" "$tmp/r1" >/dev/null; then
	ok "git: building one revision twice gives byte-identical output"
else
	notok "git: reproducible output" "$d"
fi
SOURCE_DATE_EPOCH=1700000000 "$HEARTH" build -q --rev v2 --out "$tmp/sde" 2>/dev/null
grep -q '"created":"2023-11-14T22:13:20Z"' "$tmp/sde/data/stations.json" &&
    ok "git: SOURCE_DATE_EPOCH sets the data's creation time" ||
    notok "git: SOURCE_DATE_EPOCH sets the data's creation time"

# ---- federation ---------------------------------------------------------
county=$tmp/west
mkdir -p "$county"
(cd "$county" && git init -q &&
    printf -- '---\ntitle: 西县社工品牌\ncounty: "990102"\n---\n\n西县自己的仓库。\n' > index.md &&
    printf 'id,name,kind,county,township,opened\n990102001,西一镇社工站,township,990102,990102001,2023-01\n' > station.csv &&
    commit 西县民政局 west@county.example 2023-06-20 "西县品牌页")
cat >> hearth.yaml <<EOT
sources:
  - name: west
    url: $county
    ref: main
    mount: content/counties/990102/
EOT
if "$HEARTH" build -q --out "$tmp/fed" 2>/dev/null &&
    grep -qF '西县自己的仓库' "$tmp/fed/counties/990102/brand/index.html" &&
    [ -d "$tmp/fed/stations/990102001" ]; then
	ok "git: a county's own repository is fetched (libgit2) and mounted in the build"
else
	notok "git: federated county repository"
fi
# A pin that looks like a commit id is a commit, never a branch or tag the
# county names after it: the county pins its first commit, then pushes a
# branch named like that abbreviated id with other content.
first=$(cd "$county" && git rev-parse HEAD)
short=${first:0:7}
(cd "$county" && git checkout -q -b "$short" &&
    printf -- '---\ntitle: 西县社工品牌\ncounty: "990102"\n---\n\n被替换的内容。\n' > index.md &&
    commit 西县民政局 west@county.example 2023-06-21 "同名分支" &&
    git tag "${first:0:10}" && git checkout -q main)
for pin in "$short" "${first:0:10}" "$first"; do
	sed -i "s|^    ref: .*|    ref: $pin|" hearth.yaml
	if "$HEARTH" build -q --out "$tmp/pin" 2>/dev/null &&
	    grep -qF '西县自己的仓库' "$tmp/pin/counties/990102/brand/index.html"; then
		ok "git: a pin of ${#pin} hex digits resolves only as a commit, not a branch or tag of that name"
	else
		notok "git: a pin of ${#pin} hex digits resolves only as a commit" \
		    "$(grep -o '被替换的内容' "$tmp/pin/counties/990102/brand/index.html" 2>&1)"
	fi
done
(cd "$county" && git branch "${first:0:6}ff" "$short" 2>/dev/null)
sed -i "s|^    ref: .*|    ref: ${first:0:6}ff|" hearth.yaml
out=$("$HEARTH" build -q --out "$tmp/pin" 2>&1)
if [ $? -eq 1 ] && grep -q "no commit ${first:0:6}ff in this repository" <<< "$out"; then
	ok "git: a pin naming no commit is an error, even with a branch of that name"
else
	notok "git: a pin naming no commit is an error" "$out"
fi
sed -i "s|^    ref: .*|    ref: main|" hearth.yaml
sed -i "s|    url: $county|    url: file://$tmp/no-such-repo|" hearth.yaml
find "$tmp/fed" -type f | sort | xargs sha256sum > "$tmp/before"
out=$("$HEARTH" build -q --out "$tmp/fed" 2>&1)
rc=$?
find "$tmp/fed" -type f | sort | xargs sha256sum > "$tmp/after"
if [ $rc -eq 1 ] && echo "$out" | grep -q "file://$tmp/no-such-repo: error: cannot fetch" && cmp -s "$tmp/before" "$tmp/after"; then
	ok "git: a source that cannot be fetched is an error; the site is intact"
else
	notok "git: unfetchable source" "rc $rc" "$out"
fi
git checkout -q -- hearth.yaml

# ---- broken repositories --------------------------------------------------
out=$("$HEARTH" build -q --rev no-such-tag --out "$tmp/x" 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -qF 'error: no revision "no-such-tag" in this repository' && [ ! -d "$tmp/x" ] &&
    ok "git: an unknown revision is an error" || notok "git: an unknown revision is an error" "$out"
git clone -q --depth 1 "file://$site" "$tmp/shallow" 2>/dev/null
out=$(cd "$tmp/shallow" && "$HEARTH" build -q --rev HEAD --out "$tmp/x" 2>&1)
rc=$?
out2=$(cd "$tmp/shallow" && "$HEARTH" verify 2>&1)
rc2=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q 'shallow' && [ $rc2 -eq 1 ] && echo "$out2" | grep -q 'shallow'; then
	ok "git: a shallow repository is refused for --rev builds and verify"
else
	notok "git: shallow repository" "$out" "$out2"
fi
git clone -q "file://$site" "$tmp/corrupt" 2>/dev/null
(cd "$tmp/corrupt" && git repack -q -a -d 2>/dev/null && rm -f .git/objects/pack/*.pack)
out=$(cd "$tmp/corrupt" && "$HEARTH" build -q --rev v2 --out "$tmp/x" 2>&1)
if [ $? -eq 1 ] && [ -n "$out" ] && [ ! -d "$tmp/x" ]; then
	ok "git: a corrupt repository is an error, nothing is published"
else
	notok "git: corrupt repository" "$out"
fi

# History pairs a commit's tree entries in git's order, where a folder
# sorts as if its name ended in '/': adding content/news.txt (which sorts
# before the folder content/news/) changes no news item, so a news page
# keeps the author of its own last change.
mkdir "$tmp/order" && cd "$tmp/order" || exit 1
cp -r "$ROOT/tests/sites/mini/." . && cp -r "$ROOT/themes" .
git init -q && printf '/public/\n/.hearth/\n' > .gitignore
git add -A && git -c user.name=甲 -c user.email=a@x.example commit -q -m 一
echo x > content/news.txt
git add -A && git -c user.name=乙 -c user.email=b@x.example commit -q -m 二
"$HEARTH" build -q --out "$tmp/order-out" 2>/dev/null
if grep -q '</time>（甲）' "$tmp/order-out/news/one/index.html"; then
	ok "git: a file beside a folder of the same stem does not touch the folder's page dates"
else
	notok "git: page dates follow only the files a commit changed" \
	    "$(grep -o '最后更新：.*' "$tmp/order-out/news/one/index.html")"
fi

# A data file names the commit that last changed the files the data is
# made of (the news among them only for the news), not the one built: a
# commit that changes none of them changes none of its bytes.  A fresh
# build agrees with the builds that kept the files.
mkdir "$tmp/since" && cd "$tmp/since" || exit 1
cp -r "$ROOT/tests/sites/mini/." . && cp -r "$ROOT/themes" .
git init -q && printf '/public/\n/.hearth/\n' > .gitignore
g() { git -c user.name=甲 -c user.email=a@x.example "$@"; }
g add -A && g commit -q -m 一 && first=$(git rev-parse HEAD)
"$HEARTH" build -q --out "$tmp/since-out" 2>/dev/null
cp "$tmp/since-out/data/counties/990101/stations.json" "$tmp/since-slice"
printf '\n又一段。\n' >> content/news/one.md
g commit -q -am 二 && news=$(git rev-parse HEAD)
echo '/* 主题 */' >> themes/default/static/style.css
g commit -q -am 三
"$HEARTH" build -q --out "$tmp/since-out" 2>/dev/null
s1=$(grep -o '"source_commit":"[0-9a-f]*"' "$tmp/since-out/data/stations.json")
n1=$(grep -o '"source_commit":"[0-9a-f]*"' "$tmp/since-out/data/news.json")
cmp -s "$tmp/since-slice" "$tmp/since-out/data/counties/990101/stations.json" &&
    kept=yes || kept=no
sed -i 's/东二镇社工站/东二镇社会工作服务站/' content/counties/990101/station.csv
g commit -q -am 四 && station=$(git rev-parse HEAD)
"$HEARTH" build -q --out "$tmp/since-out" 2>/dev/null
s2=$(grep -o '"source_commit":"[0-9a-f]*"' "$tmp/since-out/data/stations.json")
n2=$(grep -o '"source_commit":"[0-9a-f]*"' "$tmp/since-out/data/news.json")
rm -rf .hearth && "$HEARTH" build -q --out "$tmp/since-empty" 2>/dev/null
if [ "$s1" = "\"source_commit\":\"$first\"" ] &&
    [ "$n1" = "\"source_commit\":\"$news\"" ] &&
    [ "$s2" = "\"source_commit\":\"$station\"" ] &&
    [ "$n2" = "\"source_commit\":\"$station\"" ] && [ $kept = yes ] &&
    diff -r "$tmp/since-out/data" "$tmp/since-empty/data" >/dev/null; then
	ok "git: data files name the commit that last changed their sources, and stay as they were after other commits; a fresh build agrees"
else
	notok "git: data files name the commit that last changed their sources" \
	    "stations $s1 then $s2 (want $first, $station)" \
	    "news $n1 then $n2 (want $news, $station)" "slice kept: $kept" \
	    "$(diff -r "$tmp/since-out/data" "$tmp/since-empty/data" | head -5)"
fi
