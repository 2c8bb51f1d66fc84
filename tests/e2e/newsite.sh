#!/bin/bash
# hearth new site: a site for any province (or all of them) that builds at
# once without a warning, on hearth's own theme and national reference;
# a station added in any province gets its page and its map point; a
# site's own files override hearth's; an installed hearth finds its data
# under PREFIX/share/hearth.
. "$(dirname "$0")/../lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/hearth-newsite.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# quiet FILE: a command's output holds nothing but its summary line.
quiet() { ! grep -v '^built \|^no errors \|^hearth: wrote the site' "$1" | grep -q .; }

"$HEARTH" new site sc --province 51 > out.txt 2>&1
"$HEARTH" build -C sc > build.txt 2>&1
rc=$?
if [ $rc -eq 0 ] && quiet build.txt && grep -qF '3,111 个乡镇（街道）' sc/public/provinces/51/index.html &&
    grep -qx 'provinces: \["51"\]' sc/hearth.yaml && [ ! -e sc/themes ] && [ ! -e sc/content/reference ]; then
	ok "newsite: new site --province 51 builds without a warning; the 四川省 page shows its 3,111 townships"
else
	notok "newsite: a Sichuan site builds clean" "$(cat out.txt build.txt)"
fi

echo '510104017,锦官驿街道社工站,township,510104,510104017,2023-06,104.0900,30.6500,true,,' >> sc/content/records/station.csv
"$HEARTH" build -C sc > build.txt 2>&1
rc=$?
if [ $rc -eq 0 ] && quiet build.txt && [ -f sc/public/stations/510104017/index.html ] &&
    grep -q 'stations/510104017/' sc/public/maps/51.svg && grep -q 'stations/510104017/' sc/public/maps/510104.svg &&
    grep -qF '锦官驿街道' sc/public/counties/510104/index.html; then
	ok "newsite: a station of 锦官驿街道 (510104017) in 锦江区 gets its page and its point on both maps"
else
	notok "newsite: the Jinjiang station" "$(cat build.txt)"
fi

# One county of every province: a national site with one station each,
# at a point inside the county's polygon.
pts=$(/usr/bin/python3 "$ROOT/tests/reference/points.py" "$ROOT/generator/reference" 2>&1)
if [ "$(echo "$pts" | wc -l)" != 31 ]; then
	notok "newsite: a point in a county of every province" "$pts"
	exit 0
fi
"$HEARTH" new site all --national > out.txt 2>&1
echo "$pts" | while IFS=, read -r p c t name x y; do
	echo "$t,${name}社工站,township,$c,$t,2024-01,$x,$y,false,,"
done >> all/content/records/station.csv
"$HEARTH" build -C all > build.txt 2>&1
rc=$?
missing=$(echo "$pts" | while IFS=, read -r p c t name x y; do
	[ -f "all/public/stations/$t/index.html" ] && grep -q "stations/$t/" "all/public/maps/$p.svg" &&
	    grep -q "stations/$t/" "all/public/maps/$c.svg" || echo "$p $c $t $name"
done)
if [ $rc -eq 0 ] && quiet build.txt && [ -z "$missing" ] && [ "$(ls all/public/provinces | wc -l)" -ge 31 ]; then
	ok "newsite: --national builds clean; a station in one county of each of the 31 provinces gets its page and map points"
else
	notok "newsite: a station in every province" "$(cat out.txt build.txt)" "$missing"
fi
# The footer links every province on a site of a few (sc: one), and
# leaves the 31 of a national site to the provinces page.
if grep -q 'class="provinces-links"' sc/public/news/index.html &&
    ! grep -q 'class="provinces-links"' all/public/news/index.html &&
    grep -q 'href="/provinces/">' all/public/news/index.html; then
	ok "newsite: the footer links the provinces of a one-province site, not the 31 of a national one"
else
	notok "newsite: footer province links" "$(grep -c provinces-links sc/public/news/index.html all/public/news/index.html)"
fi

# Every province on its own: hearth check is clean.
bad=
for p in $(echo "$pts" | cut -d, -f1); do
	"$HEARTH" new site "p$p" --province "$p" > /dev/null 2>&1 &&
	    "$HEARTH" check -C "p$p" > check.txt 2>&1 && quiet check.txt || bad="$bad $p"
	rm -rf "p$p"
done
if [ -z "$bad" ]; then
	ok "newsite: a new site of each of the 31 provinces checks without a warning"
else
	notok "newsite: a site per province" "$bad" "$(cat check.txt)"
fi

# Names work as codes; mistakes are said, in Chinese too; nothing is
# written over.
"$HEARTH" new site gz --province 贵州 --province 天津市 > /dev/null 2>&1
e1=$("$HEARTH" new site x --province 99 2>&1); r1=$?
e2=$(LANG=zh_CN.UTF-8 "$HEARTH" new site sc --province 51 2>&1); r2=$?
e3=$("$HEARTH" new site y 2>&1); r3=$?
if grep -qx 'provinces: \["52", "12"\]' gz/hearth.yaml && [ $r1 = 1 ] && [ $r2 = 1 ] && [ $r3 = 2 ] &&
    echo "$e1" | grep -qF 'error: --province 99: not a province of the reference' && [ ! -e x ] &&
    echo "$e2" | grep -qF 'sc: error: 已存在' && echo "$e3" | grep -qF -- '--province CODE' &&
    grep -qF '锦官驿街道' sc/content/records/station.csv; then
	ok "newsite: provinces by name; an unknown province, an existing folder and no province are refused"
else
	notok "newsite: names and mistakes" "$r1 $e1" "$r2 $e2" "$r3 $e3" "$(cat gz/hearth.yaml 2>&1)"
fi

# A province named twice (by code and by name) is listed once; --national
# goes alone.
"$HEARTH" new site twice --province 52 --province 贵州省 > /dev/null 2>&1
e4=$("$HEARTH" new site both --national --province 51 2>&1); r4=$?
if grep -qx 'provinces: \["52"\]' twice/hearth.yaml && "$HEARTH" check -C twice > /dev/null 2>&1 &&
    [ $r4 = 2 ] && [ ! -e both ] && echo "$e4" | grep -qF -- '--national alone'; then
	ok "newsite: a province named twice is listed once; --national with --province is refused"
else
	notok "newsite: twice" "$(cat twice/hearth.yaml 2>&1)" "$r4 $e4"
fi

# A site's own file of the default theme wins over hearth's, file by file.
mkdir -p sc/themes/default/templates
sed 's|<h1>|<h1 data-own="1">|' "$ROOT/themes/default/templates/province.mustache" \
    > sc/themes/default/templates/province.mustache
"$HEARTH" build -C sc > build.txt 2>&1
if grep -q 'data-own="1"' sc/public/provinces/51/index.html && grep -q '锦官驿街道' sc/public/stations/510104017/index.html; then
	ok "newsite: a template the site has of its own replaces hearth's; the rest of the theme is hearth's"
else
	notok "newsite: theme override" "$(cat build.txt)"
fi

# Installed: the data under PREFIX/share/hearth, found from PREFIX/bin.
if (cd "$ROOT" && make -s install DESTDIR="$work/root" PREFIX=/opt/h > "$work/install.txt" 2>&1) &&
    "$work/root/opt/h/bin/hearth" new site inst --province 52 > /dev/null 2>&1 &&
    "$work/root/opt/h/bin/hearth" build -C inst > build.txt 2>&1 && quiet build.txt &&
    [ -f "$work/root/opt/h/share/hearth/reference/boundaries/52.geojson" ] &&
    [ -f "$work/root/opt/h/share/hearth/themes/default/strings.yaml" ] &&
    grep -qF '1,510 个乡镇（街道）' inst/public/provinces/52/index.html; then
	ok "newsite: make install puts the theme and the reference under PREFIX/share/hearth, where the installed hearth finds them"
else
	notok "newsite: installed" "$(cat "$work/install.txt" build.txt 2>&1)"
fi

# Without its data folder (a binary copied alone), a site that relies on
# hearth's reference and theme is one clear error, not one per division
# code and template.
if [ -d /usr/local/share/hearth ]; then
	ok "newsite: a missing data folder # SKIP /usr/local/share/hearth exists here"
elif ! mv "$work/root/opt/h/share/hearth" "$work/root/opt/h/share/away"; then
	notok "newsite: a missing data folder: move it away"
else
	out=$("$work/root/opt/h/bin/hearth" build -C inst --out "$work/away-out" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && [ "$(echo "$out" | grep -c 'error:')" -eq 1 ] &&
	    echo "$out" | grep -qF "hearth's data folder is missing"; then
		ok "newsite: a missing data folder is one error that says to reinstall"
	else
		notok "newsite: a missing data folder" "exit $rc" "$(echo "$out" | head -5)"
	fi
fi

# A province with more stations than a province map marks: the colours
# stay, the dots go to the county maps, and the caption and legend say so.
"$HEARTH" new site many --province 52 > /dev/null 2>&1
awk -F, '$3 ~ /^52/ && n < 301 { n++; print $1 "," $2 "社工站,township," $3 "," $1 ",2024-01,106.7000,26.6000,true,," }' \
    "$ROOT/generator/reference/divisions/townships.csv" >> many/content/records/station.csv
"$HEARTH" build -C many > build.txt 2>&1
if [ "$(grep -c 'class="st"' many/public/maps/52.svg)" = 0 ] &&
    grep -q 'class="st"' "many/public/maps/$(awk -F, '$3 ~ /^52/ { print $3; exit }' "$ROOT/generator/reference/divisions/townships.csv").svg" &&
    grep -qF '本图不逐个标点' many/public/provinces/52/index.html &&
    grep -qF '社工站较多，位置见各县（市、区）地图' many/public/maps/52.svg &&
    [ -f many/public/stations/$(awk -F, '$3 ~ /^52/ { print $1; exit }' "$ROOT/generator/reference/divisions/townships.csv")/index.html ]; then
	ok "newsite: a province map with 301 stations keeps its colours and leaves the points to the county maps, saying so"
else
	notok "newsite: many stations" "$(tail -3 build.txt)" "$(grep -c 'class="st"' many/public/maps/52.svg)"
fi

# A province page shows its ten newest news items and links the rest,
# listed page by page under /provinces/<code>/news/.
for i in $(seq 1 12); do
	mkdir -p "many/content/news/item-$i"
	printf -- '---\ntitle: 第%s条贵州新闻\ndate: 2024-02-%02d\nprovince: "52"\n---\n\n正文。\n' "$i" "$i" \
	    > "many/content/news/item-$i/index.md"
done
"$HEARTH" build -C many > build.txt 2>&1
shown=$(grep -o '第[0-9]*条贵州新闻' many/public/provinces/52/index.html | sort -u | tr '\n' ' ')
later=$(grep -o '第[0-9]*条贵州新闻' many/public/provinces/52/news/page/2/index.html | sort -u | tr '\n' ' ')
if grep -q 'href="/provinces/52/news/">贵州省的全部 12 条新闻' many/public/provinces/52/index.html &&
    [ -f many/public/provinces/52/news/index.html ] &&
    [ "$shown" = "第10条贵州新闻 第11条贵州新闻 第12条贵州新闻 第3条贵州新闻 第4条贵州新闻 第5条贵州新闻 第6条贵州新闻 第7条贵州新闻 第8条贵州新闻 第9条贵州新闻 " ] &&
    [ "$later" = "第1条贵州新闻 第2条贵州新闻 " ] &&
    grep -qF '<title>贵州省新闻' many/public/provinces/52/news/index.html; then
	ok "newsite: a province page shows its 10 newest news items and links all 12, listed page by page"
else
	notok "newsite: province news" "$(tail -3 build.txt)" "shown: $shown" "later: $later"
fi
