#!/bin/bash
# hearth new news: a news item started in its own folder, with its front
# matter filled in, as a draft that checks clean; slugs for Chinese and
# Latin titles, unique among the site's items; the comments in the user's
# language.
. "$(dirname "$0")/../lib.sh"

site=$(mksite mini)
trap 'rm -rf "$site"' EXIT
cd "$site" || exit 1

p1=$("$HEARTH" new news '贵州省社工站覆盖率达"72.45%"：新进展' --date 2026-12-04 2>/dev/null)
p2=$("$HEARTH" new news '又一条' --date 2026-12-04 2>/dev/null)
p3=$("$HEARTH" new news 'Henan "千站暖万家" Qianzhan: 2023' 2>/dev/null)
if [ "$p1" = content/news/2026-12-04/index.md ] && [ "$p2" = content/news/2026-12-04-2/index.md ] &&
    [ "$p3" = content/news/henan-qianzhan-2023/index.md ] &&
    grep -qxF 'title: "贵州省社工站覆盖率达\"72.45%\"：新进展"' "$p1" &&
    grep -qxF 'date: 2026-12-04' "$p1" && grep -q '^draft: true' "$p1"; then
	ok "new: news items get a folder, a slug (the date for a Chinese title, unique) and their front matter"
else
	notok "new: news items" "$p1 $p2 $p3" "$(cat "$p1" 2>&1)"
fi
out=$("$HEARTH" check 2>&1)
if [ $? -eq 0 ]; then
	ok "new: the new drafts check clean"
else
	notok "new: the new drafts check clean" "$out"
fi
sed -i '/^draft: true/d' "$p1"
out=$("$HEARTH" build -q 2>&1)
if [ $? -eq 0 ] && grep -qF '贵州省社工站覆盖率达&quot;72.45%&quot;：新进展' public/news/2026-12-04/index.html; then
	ok "new: without its draft line the item builds and is published"
else
	notok "new: the item publishes" "$out"
fi
out=$("$HEARTH" new news x --slug 2026-12-04 2>&1)
out2=$(LANG=zh_CN.UTF-8 "$HEARTH" new news x --slug Bad 2>&1)
p4=$(LANG=zh_CN.UTF-8 "$HEARTH" new news '第四条' --date 2026-12-05 2>/dev/null)
if echo "$out" | grep -qF -- '--slug 2026-12-04: a news item of that name exists' &&
    echo "$out2" | grep -qF -- "--slug Bad：网址片段只能含小写字母" &&
    grep -qF '# province: "52"      # 省级区划代码，加引号' "$p4"; then
	ok "new: a taken or bad slug is refused; the comments follow the locale"
else
	notok "new: refusals and language" "$out" "$out2" "$(cat "$p4" 2>&1)"
fi
