#!/bin/bash
# Images and files beside a news item: a news item written as a folder's
# index.md publishes the files beside it in its own folder; Markdown links
# and images are checked where they are written (relative ones against
# that folder, /news/ ones against the published items and their files).
. "$(dirname "$0")/../lib.sh"

site=$(mksite mini)
trap 'rm -rf "$site"' EXIT
cd "$site" || exit 1
mkdir -p content/news/photo-story/img content/static/files
printf '\x89PNG\r\n\x1a\n站点照片' > content/news/photo-story/站点.png
printf 'GIF89a' > content/news/photo-story/img/logo.gif
printf '%%PDF-1.4\n' > content/static/files/report.pdf
cat > content/news/photo-story/index.md <<'EOT'
---
title: 图片新闻
date: 2023-06-05
province: "99"
---

东县社工站的照片：

![社工站](站点.png) ![标志](./img/logo.gif)

见[第一条](/news/one/)、[这张照片](/news/photo-story/站点.png)和[报告](/files/report.pdf)。
EOT
printf '\n见[图片新闻](/news/photo-story/)。\n' >> content/news/two.md

out=$("$HEARTH" build -q 2>&1)
page=public/news/photo-story/index.html
if [ $? -eq 0 ] && [ -z "$out" ] && cmp -s content/news/photo-story/站点.png public/news/photo-story/站点.png &&
    cmp -s content/news/photo-story/img/logo.gif public/news/photo-story/img/logo.gif &&
    [ ! -e public/news/photo-story/index.md ] &&
    grep -qF '<img src="%E7%AB%99%E7%82%B9.png" alt="社工站" />' "$page" &&
    grep -qF 'href="/news/photo-story/"' public/news/two/index.html; then
	ok "bundles: the files beside a news item's index.md are published in its folder and shown"
else
	notok "bundles: a news item's folder is published" "$out" "$(ls -R public/news/photo-story 2>&1)"
fi

# Broken ones are errors at their line and column, and nothing is published.
find public -type f | sort | xargs sha256sum > ../before.$$
printf '\n![缺图](missing.jpg)\n\n[坏链接](/news/nosuch/) ![越界](../one.md) [别人的图](/news/one/x.png)\n' \
    >> content/news/photo-story/index.md
out=$("$HEARTH" build -q 2>&1)
rc=$?
find public -type f | sort | xargs sha256sum > ../after.$$
want='content/news/photo-story/index.md:13:1: error: image "missing.jpg" is not a file in the news item'"'"'s folder content/news/photo-story/
content/news/photo-story/index.md:15:1: error: link "/news/nosuch/": no news item "nosuch" is published
content/news/photo-story/index.md:15:22: error: image "../one.md" is not a file in the news item'"'"'s folder content/news/photo-story/
content/news/photo-story/index.md:15:39: error: link "/news/one/x.png": the news item "one" has no file "x.png" beside it'
missing=$(printf '%s\n' "$want" | while IFS= read -r l; do
	printf '%s\n' "$out" | grep -qxF -- "$l" || echo "$l"; done)
if [ $rc -eq 1 ] && [ -z "$missing" ] && cmp -s ../before.$$ ../after.$$; then
	ok "bundles: a missing image, a broken /news/ link, a path out of the folder are errors at their line; the site is intact"
else
	notok "bundles: broken images and links" "rc $rc" "$out" "missing:" "$missing"
fi
rm -f ../before.$$ ../after.$$
sed -i '/缺图\|坏链接/d' content/news/photo-story/index.md

# A site path that names a page must be one; file paths (data, maps) are
# not checked.
printf '\n[县](/counties/990101/) [没有的县](/counties/990199/) [数据](/data/stations.csv)\n' >> content/news/two.md
out=$("$HEARTH" check 2>&1)
if [ $? -eq 1 ] && echo "$out" | grep -qxF 'content/news/two.md:13:24: error: link "/counties/990199/": the site has no such page' &&
    [ "$(echo "$out" | grep -c ': error: ')" = 1 ]; then
	ok "bundles: a link to a page the site does not have is an error at its line; real pages and data files pass"
else
	notok "bundles: links to pages" "$out"
fi
sed -i '$d' content/news/two.md

# A relative image in an item that is a plain file has nowhere to live.
printf '\n![相对](photo.jpg)\n' >> content/news/one.md
touch content/news/photo.jpg
out=$("$HEARTH" check 2>&1)
if [ $? -eq 1 ] && echo "$out" | grep -qF 'content/news/one.md:17:1: error: image "photo.jpg" is relative, but only a news item in a folder of its own has files beside it' &&
    echo "$out" | grep -qF "content/news/photo.jpg: warning: ignored: news items are .md files; an image goes in the item's own folder"; then
	ok "bundles: a relative image in a plain news file is an error that says where the image goes"
else
	notok "bundles: relative image in a plain file" "$out"
fi

# A top-level static/ (where other generators keep such files) is named
# with where its files go, not ignored in silence.
mkdir -p static && touch static/robots.txt
out=$("$HEARTH" check 2>&1)
if echo "$out" | grep -qF 'static/: warning: not read: the site'"'"'s own files (PDFs, robots.txt, a favicon) go in content/static/'; then
	ok "bundles: a top-level static/ folder is warned about, with where its files go"
else
	notok "bundles: a top-level static/ folder" "$out"
fi
