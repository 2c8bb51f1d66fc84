#!/bin/bash
# A rebuild keeps the published pages and data files made of inputs that
# did not change (deps.h): after a news edit the station pages and the
# files of every dataset but the news, which read no news item, are not
# made again; after an edit of a body alone, neither are the lists and
# cards of news items, which read only their front matter; after a
# station edit, neither are the other stations' pages nor the news.
# Whatever it keeps, a rebuild gives byte for
# byte the files of the same site built into an empty folder.  Pages a
# page hook shapes may read anything and are always made; what a records
# hook gives is an input of every page.
. "$(dirname "$0")/../lib.sh"

export SOURCE_DATE_EPOCH=1700000000
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hearth-inc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# site DIR: a copy of the demo.  Its stations are all Fuquan's, whose
# plugin shapes the county's pages (so they are always made): the copy
# leaves it out until the case that puts it back.
site() {
	mkdir -p "$1"
	cp -r "$ROOT/hearth.yaml" "$ROOT/content" "$ROOT/plugins" "$1/"
	rm "$1/content/counties/522702/plugin.lua"
}
kept() { sed -n 's/^ *\([0-9]*\) files kept as published.*/\1/p' "$1"; }
# same A: A's output is a fresh build's of the same files.
same() {
	rm -rf "$tmp/fresh"
	site "$tmp/fresh"
	rm -rf "$tmp/fresh/content" "$tmp/fresh/plugins"
	cp -a "$1/content" "$1/plugins" "$tmp/fresh/"
	(cd "$tmp/fresh" && "$HEARTH" build -q) &&
	    diff -r "$1/public" "$tmp/fresh/public"
}
news=content/news/2023/fuquan-1-8-n-system.md
stations=content/counties/522702/station.csv

a=$tmp/a
site "$a"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/1.log" 2>&1) ||
    notok "incremental: the first build" "$(tail -5 "$tmp/1.log")"
sed -i "0,/^title: '/s/^title: '/title: '更新：/" "$a/$news"
printf '\n补充：本站于本周新增一次入户走访。\n' >>"$a/$news"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/2.log" 2>&1)
n1=$(kept "$tmp/1.log") n2=$(kept "$tmp/2.log")
station=$(cd "$a/public" && ls -d stations/*/ | head -1)
if [ "$n1" = 0 ] && [ "${n2:-0}" -gt 0 ] && d=$(same "$a" 2>&1) &&
    grep -q '更新：' "$a/public/news/index.html"; then
	ok "incremental: after a news edit $n2 files are kept as published (none on the first build), and the site is a fresh build's, byte for byte"
else
	notok "incremental: a news edit" "kept: ${n1:-?} then ${n2:-?}" "$(echo "$d" | head -5)"
fi

# The size a build reports is the tree's, whatever was made, kept or
# linked: the first build's, the edit's and the fresh build's in same().
mib() { sed -n 's/^built .* files (\([0-9.]*\) MiB;.*/\1/p' "$1"; }
tree() { find "$1" -type f ! -name .hearth-manifest -printf '%s\n' |
    awk '{ s += $1 } END { printf "%.1f", s / 1048576 }'; }
(cd "$tmp/fresh" && "$HEARTH" build --out "$tmp/fresh/again" >"$tmp/fresh.log" 2>&1)
m1=$(mib "$tmp/1.log") m2=$(mib "$tmp/2.log") mf=$(mib "$tmp/fresh.log")
if [ -n "$m2" ] && [ "$m2" = "$(tree "$a/public")" ] && [ "$m2" = "$mf" ] &&
    [ -n "$m1" ]; then
	ok "incremental: a build reports its tree's size ($m2 MiB) whether it made or kept the files (first build: $m1 MiB)"
else
	notok "incremental: the size a build reports" "first ${m1:-?}, after the edit ${m2:-?}, fresh ${mf:-?} MiB; the tree holds $(tree "$a/public") MiB"
fi

# A station's name (not news): its page, its county's and every page that
# lists or counts stations are made again; the other stations' pages,
# which read only their own row, the news items' pages and their lists
# are kept (hard links to the published files: the same inode).  Of the
# maps, only its county's and its province's, which show its name, are
# drawn again.
other=$(cd "$a/public" && grep -L 金山街道社工站 stations/*/index.html | head -1)
mine=$(cd "$a/public" && grep -l '<h1>金山街道社工站' stations/*/index.html | head -1)
ino() { stat -c %i "$a/public/$1"; }
i1=$(ino "$other") j1=$(ino "$mine") k1=$(ino news/index.html)
# The database's full-text table is put together from groups of news,
# each cached: a station edit fills the tables and copies every group.
fts() { stat -c '%n %i' "$a"/.hearth/cache/dbftsg-*; }
f1=$(fts)
sed -i 's/金山街道社工站/金山街道社会工作服务站/' "$a/$stations"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/3.log" 2>&1)
n3=$(kept "$tmp/3.log")
maps=$(grep -o '[0-9]* maps drawn, [0-9]* kept' "$tmp/3.log")
# The stations' data by area: Fuquan's slice and Guizhou's are made.
slices=$(grep -o '[0-9]* slices of stations made, [0-9]* kept' "$tmp/3.log")
# The datasets not made of the stations (the news, the reports...) keep
# their files, and so do those that count them (counties, provinces,
# townships), whose rows a new name leaves as they were: the stations'
# own are made.
tables=$(grep -o '[0-9]* of [0-9]* datasets made' "$tmp/3.log")
made=${tables%% *} all=${tables#* of } all=${all%% *}
if [ "${n3:-0}" -gt 0 ] && [ "$(ino "$other")" = "$i1" ] &&
    [ -n "$tables" ] && [ "$made" = 1 ] && [ "$all" -gt 1 ] &&
    [ "$(ino news/index.html)" = "$k1" ] && [ "$(ino "$mine")" != "$j1" ] &&
    [ "${slices%% *}" = 2 ] && [ "${slices##*, }" != "0 kept" ] &&
    grep -q 社会工作服务站 "$a/public/data/counties/522702/stations.csv" &&
    [ "${maps%% *}" = 2 ] && [ "${maps##*, }" != "0 kept" ] &&
    [ -n "$f1" ] && [ "$f1" = "$(fts)" ] &&
    grep -q 社会工作服务站 "$a/public/maps/522702.svg" &&
    d=$(same "$a" 2>&1) && grep -q 社会工作服务站 "$a/public/$mine"; then
	ok "incremental: after a station edit its page and two maps are made and $n3 files are kept (another station's page, the news list, $maps, $slices of the stations' data, $tables), the database's full-text table is put together from the groups in the cache, and the site is a fresh build's"
else
	notok "incremental: a station edit" "kept: ${n3:-?}; ${tables:-no datasets line}; $other ${i1:-?} -> $(ino "$other"); $mine ${j1:-?} -> $(ino "$mine"); ${slices:-no slices line}; ${maps:-no maps line}; full-text parts ${f1:-none} then $(fts)" "$(echo "$d" | head -5)"
fi

# A station taken away changes the counts of its county, province and
# township: their datasets are made again with it, and so again when it
# comes back; each time the site is a fresh build's.
cp "$a/$stations" "$tmp/stations.csv"
sed -i '$d' "$a/$stations"
(cd "$a" && "$HEARTH" build -vv >"$tmp/3r.log" 2>&1)
t1=$(grep -o '[0-9]* of [0-9]* datasets made' "$tmp/3r.log")
d1=$(same "$a" 2>&1); r1=$?
cp "$tmp/stations.csv" "$a/$stations"
(cd "$a" && "$HEARTH" build -vv >"$tmp/3s.log" 2>&1)
t2=$(grep -o '[0-9]* of [0-9]* datasets made' "$tmp/3s.log")
d2=$(same "$a" 2>&1); r2=$?
if [ "$r1" = 0 ] && [ "$r2" = 0 ] && [ "${t1%% *}" = 4 ] &&
    [ "${t2%% *}" = 4 ]; then
	ok "incremental: a station taken away and put back makes the stations' and the counting datasets again ($t1, then $t2), as a fresh build each time"
else
	notok "incremental: a station taken away" "${t1:-no datasets line} then ${t2:-no datasets line}" "$(echo "$d1" "$d2" | head -5)"
fi

# The day a file last changed is on its pages: a file outside any git
# history dates its pages by its time, which may change with its bytes
# unchanged.
touch -d '2021-06-01 12:00' "$a/$stations"
(cd "$a" && "$HEARTH" build -q >"$tmp/3t.log" 2>&1)
if d=$(same "$a" 2>&1) && grep -q '2021-06-01' "$a/public/$other"; then
	ok "incremental: a file's new time, its bytes unchanged, dates its pages anew, as a fresh build"
else
	notok "incremental: a touched file" "$(cat "$tmp/3t.log")" "$(echo "$d" | head -5)"
fi

# A body alone (the front matter as it was): the lists and cards of news
# items are kept too, the item's own page is made; so are the files of
# every dataset, the news table's too (it holds no body): no table's list
# of files is made anew in the cache.
# Nor are the maps drawn (made of the rest alone): the list of what pages
# read of the maps, which the cache gets whenever they are made, stays as
# it was.  The list of the stations' slices stays for the next station
# edit.
# The database's tables, which come before the full-text table, are
# copied from the cache.
lists() { ls "$a/.hearth/cache" | grep -c '^tablefiles-'; }
maplist() { stat -c '%n %i' "$a"/.hearth/cache/maps-*; }
dbtables() { stat -c '%n %i' "$a"/.hearth/cache/dbtables-*; }
l1=$(lists) m1=$(maplist) t1=$(dbtables)
printf '\n补充：又有两户家庭接受了入户走访。\n' >>"$a/$news"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/3b.log" 2>&1)
n3b=$(kept "$tmp/3b.log") l2=$(lists) m2=$(maplist) t2=$(dbtables)
if [ "${n3b:-0}" -gt "$n2" ] && [ "$l1" -gt 0 ] && [ "$l1" = "$l2" ] &&
    [ -n "$t1" ] && [ "$t1" = "$t2" ] &&
    [ -n "$m1" ] && [ "$m1" = "$m2" ] && d=$(same "$a" 2>&1) &&
    ls "$a"/.hearth/cache/slices-* >/dev/null 2>&1 &&
    grep -q 又有两户家庭 "$a/public/news/fuquan-1-8-n-system/index.html"; then
	ok "incremental: after an edit of a news item's body alone $n3b files are kept ($n2 after a title edit), no dataset's files are made nor map drawn, the database's tables are copied from the cache, and the site is a fresh build's"
else
	notok "incremental: a body edit" "kept: ${n3b:-?} (${n2:-?} after a title edit); tables' lists ${l1:-?} then ${l2:-?}; maps' list ${m1:-none} then ${m2:-none}; database tables ${t1:-none} then ${t2:-none}" "$(echo "$d" | head -5)"
fi

# The database's cached parts cut short are made again: the file of its
# tables and the full-text table's groups.  The file after both, which
# an earlier version cached (dbfts-), is neither read nor kept: the
# build removes it.
for f in "$a"/.hearth/cache/db{tables,ftsg}-*; do
	truncate -s 8192 "$f"
done
cp "$a/public/data/shegong-stations.sqlite" \
    "$a/.hearth/cache/dbfts-0123456789abcdef0123456789abcdef"
printf '\n再一次补充。\n' >>"$a/$news"
if (cd "$a" && "$HEARTH" build -q 2>"$tmp/3c.log") && d=$(same "$a" 2>&1) &&
    ! ls "$a"/.hearth/cache/dbfts-* >/dev/null 2>&1 &&
    [ "$(ls "$a"/.hearth/cache/dbftsg-* | wc -l)" = 1 ] &&
    [ "$(ls "$a"/.hearth/cache/dbtables-* | wc -l)" = 1 ] &&
    ! stat -c %s "$a"/.hearth/cache/db* | grep -qx 8192; then
	ok "incremental: the database's cached parts cut short are made again, with a fresh build's bytes, and what an earlier version cached of it is removed"
else
	notok "incremental: cached parts cut short" "$(cat "$tmp/3c.log")" "$(echo "$d" | head -5)"
fi

# The archive's pieces of a kept table are laid as one run, cached
# beside them: a news edit made the runs.  Runs taken away are made
# again from the pieces; a run laid whole still counts its files' own
# pieces as read, so the station edit after it keeps the other slices.
runs() { ls "$a/.hearth/cache" | grep -c '^tgz-r'; }
r1=$(runs)
rm -f "$a"/.hearth/cache/tgz-r*
printf '\n又补充一次。\n' >>"$a/$news"
(cd "$a" && "$HEARTH" build -q 2>"$tmp/3r.log") && r2=$(runs) &&
    d=$(same "$a" 2>&1) && sed 's/社会工作服务总站,/社会工作服务总站（新址）,/' "$a/$stations" >"$tmp/renamed.csv" &&
    cp "$tmp/renamed.csv" "$a/$stations" &&
    printf '\n再补充一次。\n' >>"$a/$news" &&
    (cd "$a" && "$HEARTH" build --verbose >"$tmp/3s.log" 2>&1)
slices=$(grep -o '[0-9]* slices of stations made, [0-9]* kept' "$tmp/3s.log")
if [ "${r1:-0}" -gt 0 ] && [ "${r2:-0}" -gt 0 ] &&
    [ "${slices%% *}" = 2 ] && [ "${slices##*, }" != "0 kept" ] &&
    d=$(same "$a" 2>&1); then
	ok "incremental: the archive's runs of kept tables ($r1) are made again when taken away, and a station edit after them keeps the other slices ($slices), with a fresh build's bytes"
else
	notok "incremental: archive runs" "runs ${r1:-?} then ${r2:-?}; ${slices:-no slices line}; $(cat "$tmp/3r.log")" "$(echo "$d" | head -5)"
fi

# A kept page, data file or map altered in the published tree is made
# again, not kept.
printf '\nnews\n' >>"$a/$news"
printf 'altered' >>"$a/public/$station/index.html"
printf 'altered' >>"$a/public/data/stations.csv"
printf 'altered' >>"$a/public/maps/522702.svg"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/4.log" 2>&1)
n4=$(kept "$tmp/4.log")
if [ "${n4:-0}" -gt 0 ] && d=$(same "$a" 2>&1) &&
    ! grep -q altered "$a/public/$station/index.html" "$a/public/data/stations.csv" \
    "$a/public/maps/522702.svg"; then
	ok "incremental: a page, a data file and a map altered in the output are made again ($n4 kept), with a fresh build's bytes"
else
	notok "incremental: an altered page" "kept: ${n4:-?} of ${n3b:-?}" "$(echo "$d" | head -5)"
fi

# The cache's list of the maps is believed only for maps the published
# tree holds as its manifest says, and only when it reads as such a list.
for list in 'junk' '999999 100 0x1p+9 0x1p+9 0x1p+0 0x0p+0 0x0p+0 0x0p+0'; do
	for f in "$a"/.hearth/cache/maps-*; do printf '%s\n' "$list" >"$f"; done
	printf '\n再补充。\n' >>"$a/$news"
	if (cd "$a" && "$HEARTH" build -q 2>"$tmp/4b.log") &&
	    d=$(same "$a" 2>&1); then
		ok "incremental: a cached maps list of \"${list%% *}\" has the maps drawn, with a fresh build's bytes"
	else
		notok "incremental: a false maps list \"${list%% *}\"" "$(cat "$tmp/4b.log")" "$(echo "$d" | head -5)"
	fi
done

# The cache's list of the data's slices is believed only where it reads
# as such a list, and for files the published tree holds with the listed
# checksum (the checksums go into SHA256SUMS and datapackage.json).
zero=$(printf '%064d' 0)
for how in junk sums; do
	for f in "$a"/.hearth/cache/slices-*; do
		case $how in
		junk) printf 'junk\n' >"$f" ;;
		sums) sed -i -E "s/^([0-9a-f]{64} [0-9]+ )[0-9a-f]{64} /\1$zero /" "$f" ;;
		esac
	done
	sed -i "s/金山街道社会工作服务站/&$how/" "$a/$stations"
	if (cd "$a" && "$HEARTH" build -q 2>"$tmp/4s.log") &&
	    d=$(same "$a" 2>&1); then
		ok "incremental: a cached list of the data's slices with false $how has the slices made, with a fresh build's bytes"
	else
		notok "incremental: a false list of slices ($how)" "$(cat "$tmp/4s.log")" "$(echo "$d" | head -5)"
	fi
done

# A page hook that prints the number of news items on station pages:
# those pages read the news, and follow a new item.  So do a county
# plugin's pages.
cat >"$a/plugins/count.lua" <<'EOF'
function page(ctx, kind)
  if kind == "station" then
    ctx.page.full_title = ctx.page.full_title .. "（新闻 " .. #hearth.records("news") .. " 条）"
  end
  return ctx
end
EOF
(cd "$a" && "$HEARTH" build -q) || notok "incremental: the build with a page hook"
cp "$a/$news" "$a/content/news/2023/added-item.md"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/5.log" 2>&1)
n5=$(kept "$tmp/5.log")
count=$(ls "$a/content/news"/*/*.md | wc -l)
if d=$(same "$a" 2>&1) && grep -q "（新闻 $count 条）" "$a/public/$station/index.html"; then
	ok "incremental: station pages a page hook shapes follow a new news item ($n5 files kept), as a fresh build"
else
	notok "incremental: a page hook reading the news" "kept: ${n5:-?}" "$(echo "$d" | head -5)"
fi
rm "$a/plugins/count.lua"
cp "$ROOT/content/counties/522702/plugin.lua" "$a/content/counties/522702/"
(cd "$a" && "$HEARTH" build -q) || notok "incremental: the build with the county plugin"
printf '\n又及。\n' >>"$a/$news"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/5b.log" 2>&1)
n5b=$(kept "$tmp/5b.log")
if [ "${n5b:-0}" -gt 0 ] && [ "$n5b" -lt "$n3b" ] && d=$(same "$a" 2>&1); then
	ok "incremental: the pages a county plugin shapes are made after a news edit ($n5b other files kept), as a fresh build"
else
	notok "incremental: a county plugin's pages" "kept: ${n5b:-?} (${n3b:-?} without it)" "$(echo "$d" | head -5)"
fi

# A records hook whose values come from the news: a news edit changes
# them, so every page is made again.
cat >"$a/plugins/extras.lua" <<'EOF'
function records(kind, list)
  if kind ~= "station" then return end
  local out, n = {}, #hearth.records("news")
  for _, st in ipairs(list) do out[st.id] = { news = n } end
  return out
end
EOF
(cd "$a" && "$HEARTH" build -q) || notok "incremental: the build with a records hook"
rm "$a/content/news/2023/added-item.md"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/6.log" 2>&1)
n6=$(kept "$tmp/6.log")
if [ "$n6" = 0 ] && d=$(same "$a" 2>&1); then
	ok "incremental: values a records hook gives are an input: when they change with the news, no file is kept"
else
	notok "incremental: a records hook's values" "kept: ${n6:-?}" "$(echo "$d" | head -5)"
fi

# In a repository every commit is a new revision, and the pages' days and
# authors come from the history.  What pages but the data and brand pages
# read of the revision is those days and authors: after a commit of a
# news item's body the pages the edit does not show are kept, and the
# site is what a clone of the same commit builds.
g=$tmp/g
site "$g"
gitc() { git -C "$g" -c user.name=省厅编辑 -c user.email=editor@province.example "$@"; }
(export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
gitc init -q -b main && gitc add -A && gitc commit -q -m 第一版 &&
    (cd "$g" && "$HEARTH" build -q) &&
    printf '\n补充：本月又回访了三户。\n' >>"$g/$news" &&
    gitc commit -q -am 补充回访) >"$tmp/7.log" 2>&1 ||
    notok "incremental: the repository's first build and commit" "$(tail -5 "$tmp/7.log")"
(cd "$g" && "$HEARTH" build --verbose >"$tmp/7b.log" 2>&1)
n7=$(kept "$tmp/7b.log")
rm -rf "$tmp/gclone"
if [ "${n7:-0}" -gt 0 ] && git clone -q "$g" "$tmp/gclone" &&
    (cd "$tmp/gclone" && "$HEARTH" build -q) &&
    d=$(diff -r "$g/public" "$tmp/gclone/public" 2>&1) &&
    grep -q 又回访了三户 "$g/public/news/fuquan-1-8-n-system/index.html"; then
	ok "incremental: after a commit of a news body $n7 files are kept, and the site is what a clone of the commit builds"
else
	notok "incremental: a commit" "kept: ${n7:-?}" "$(echo "$d" | head -5)"
fi

# More news than one group of the database's full-text table (256): the
# news are indexed in groups, in the order of their ids (file names), and
# the table is put together from the groups' segments.  An edit of one of
# the last indexes the last group again and copies the first from the
# cache; an edit of the first, the other way round.  Either way the site
# is a fresh build's, and the table finds every brief, in both groups.
m=$tmp/many
site "$m"
for ((i = 1; i <= 300; i++)); do
	printf -- "---\ntitle: '第%d期社工站工作简报'\ndate: 2020-%02d-%02d\nprovince: \"52\"\ntags: [简报]\n---\n\n本期简报第%d号：社工站入户走访%d户。\n" \
	    "$i" $((i % 12 + 1)) $((i % 28 + 1)) "$i" $((i * 7 % 500)) \
	    >"$m/content/news/2023/brief-$(printf %04d "$i").md"
done
parts() { stat -c '%n %i' "$m"/.hearth/cache/dbftsg-* | sort; }
match() {
	sqlite3 "$m/public/data/shegong-stations.sqlite" "INSERT INTO news_fts
	    (news_fts) VALUES ('integrity-check'); SELECT count(*) FROM
	    news_fts WHERE news_fts MATCH '$1'"
}
(cd "$m" && "$HEARTH" build -q 2>"$tmp/m1.log")
p1=$(parts)
printf '\n补充一句。\n' >>"$m/$news"	# after brief-*: among the last
(cd "$m" && "$HEARTH" build -q 2>"$tmp/m2.log")
p2=$(parts)
d=$(same "$m" 2>&1) && s2=ok
printf '\n旧简报补充一句。\n' >>"$m/content/news/2023/brief-0001.md"
(cd "$m" && "$HEARTH" build -q 2>"$tmp/m3.log")
p3=$(parts)
if [ "${s2:-}" = ok ] && [ "$(echo "$p1" | wc -l)" = 2 ] &&
    [ "$(comm -12 <(echo "$p1") <(echo "$p2") | wc -l)" = 1 ] &&
    [ "$(echo "$p3" | wc -l)" = 2 ] &&
    [ "$(comm -12 <(echo "$p2") <(echo "$p3") | wc -l)" = 1 ] &&
    [ "$(comm -12 <(echo "$p1") <(echo "$p3") | wc -l)" = 0 ] &&
    [ "$(match 简报)" = 300 ] && [ "$(match '"旧简 简报"')" = 1 ] &&
    d=$(same "$m" 2>&1); then
	ok "incremental: with 300 more news items an edit of one of the last indexes only the last group of the full-text table again, an edit of the first only the first, the table finds all 300, and the site is a fresh build's"
else
	notok "incremental: more news than a group of the full-text table" "parts: $p1 / $p2 / $p3; matches: $(match 简报 2>&1) $(match '"旧简 简报"' 2>&1); $(cat "$tmp/m1.log" "$tmp/m2.log" "$tmp/m3.log" 2>/dev/null | head -3)" "$(echo "$d" | head -5)"
fi

# A cached group whole as a file but whose index reads as no group's (its
# structure record says a merge is under way, which FTS5 leaves only in
# a table written to after it was filled): that group is indexed again,
# never copied, and the site is still a fresh build's.  Every group is
# so altered, then an item of the last group edited: the first group is
# read from the cache.
odd=X\'000000000101000101010101\'
shape() { sqlite3 "$1" "SELECT hex(block) FROM news_fts_data WHERE id = 10"; }
for f in "$m"/.hearth/cache/dbftsg-*; do
	sqlite3 "$f" "UPDATE news_fts_data SET block = $odd WHERE id = 10"
done
altered=$(for f in "$m"/.hearth/cache/dbftsg-*; do shape "$f"; done | sort -u)
printf '\n又补充一句。\n' >>"$m/$news"
(cd "$m" && "$HEARTH" build -q 2>"$tmp/m4.log")
if [ "$altered" = 000000000101000101010101 ] && [ ! -s "$tmp/m4.log" ] &&
    [ "$(parts | wc -l)" = 2 ] &&
    ! for f in "$m"/.hearth/cache/dbftsg-*; do shape "$f"; done |
    grep -qx 000000000101000101010101 &&
    [ "$(match 简报)" = 300 ] && d=$(same "$m" 2>&1); then
	ok "incremental: a cached group of the full-text table whose index reads as no group's is indexed again, and the site is a fresh build's"
else
	notok "incremental: a cached group that reads as no group's" "altered: ${altered:-none}; $(cat "$tmp/m4.log")" "$(echo "$d" | head -5)"
fi

# The search index: a build caches it, and the next indexes again only
# the documents of the pages whose inputs changed, patched into it.  A
# body edited, a station renamed: a few documents indexed again, their
# new words in the index, the site a fresh build's.  A news item added
# (the documents numbered anew) and a cached index cut short: the index
# is made whole, and the site is still a fresh build's.
indexed() { sed -n 's/^ *\([0-9]*\) of \([0-9]*\) documents indexed again.*/\1 \2/p' "$1"; }
found() { grep -l "\"$1\":\[" "$a"/public/search/terms/*.json >/dev/null; }
printf '\n社工站本周走访独居老人，记录暖心回访台账。\n' >>"$a/$news"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/s1.log" 2>&1)
x1=$(indexed "$tmp/s1.log")
d=$(same "$a" 2>&1) && found 回访 && s1=ok
sed -i 's/金山街道社会工作服务站/金山街道社工驿站/' "$a/$stations"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/s2.log" 2>&1)
x2=$(indexed "$tmp/s2.log")
d=${d:-}$(same "$a" 2>&1) && found 驿站 && s2=ok
sed 's/^title: .*/title: "社工站新增暖心回访"/' "$a/$news" >"$a/content/news/2023/zz-added.md"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/s3.log" 2>&1)
x3=$(indexed "$tmp/s3.log")
d=${d:-}$(same "$a" 2>&1) && s3=ok
for f in "$a"/.hearth/cache/searchix-*; do truncate -s 2000 "$f"; done
printf '\n又补充一句：回访已完成。\n' >>"$a/$news"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/s4.log" 2>&1)
x4=$(indexed "$tmp/s4.log")
d=${d:-}$(same "$a" 2>&1) && s4=ok
# A cached index whose count of terms says four billion: made whole, not
# believed (nor allocated).
python3 - "$a"/.hearth/cache/searchix-* <<'PY'
import sys
for path in sys.argv[1:]:
    b = bytearray(open(path, 'rb').read())
    at = len(b'hearth search index 1\n') + 65 + 8
    b[at:at + 4] = b'\xff\xff\xff\xff'
    open(path, 'wb').write(b)
PY
printf '
再补充一句。
' >>"$a/$news"
(cd "$a" && "$HEARTH" build --verbose >"$tmp/s5.log" 2>&1)
x5=$(indexed "$tmp/s5.log")
d=${d:-}$(same "$a" 2>&1) && s5=ok
if [ "${s1:-}${s2:-}${s3:-}${s4:-}${s5:-}" = okokokokok ] && [ -n "$x1" ] &&
    [ -n "$x2" ] && [ "${x1%% *}" -gt 0 ] &&
    [ "${x1%% *}" -lt $((${x1#* } / 4)) ] && [ "${x2%% *}" -gt 0 ] &&
    [ "${x2%% *}" -lt $((${x2#* } / 4)) ] && [ -z "$x3" ] && [ -z "$x4" ] && [ -z "$x5" ]; then
	ok "incremental: the search index is patched (documents indexed again: ${x1/ / of } after a body edit, ${x2/ / of } after a station's new name), made whole for a new item, a cached index cut short and one that counts four billion terms, and each time the site is a fresh build's"
else
	notok "incremental: the search index patched" "indexed again: '${x1:-}' '${x2:-}' '${x3:-}' '${x4:-}' '${x5:-}'; fresh and found: ${s1:-no} ${s2:-no} ${s3:-no} ${s4:-no} ${s5:-no}" "$(echo "$d" | head -5)"
fi
