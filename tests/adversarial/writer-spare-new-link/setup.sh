#!/bin/bash
set -eu
# A second build: public/ is now the second tree, .public.spare the first,
# which the next build brings up to date.
printf "\n再版。\n" >> content/news/one.md
"$HEARTH" build -q
# Links where the spare has never held anything and the next build makes
# new pages: a file of a new page's folder, and a new page's folder.
mkdir .public.spare/news/four
ln -s ../../../sentinel/keep .public.spare/news/four/index.html
ln -s ../../sentinel .public.spare/news/five
for n in four five; do
	printf -- '---\ntitle: 第%s条新闻\ndate: 2023-06-05\nprovince: "99"\n---\n\n正文。\n' "$n" > "content/news/$n.md"
done
