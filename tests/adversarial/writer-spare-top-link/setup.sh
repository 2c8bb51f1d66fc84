#!/bin/bash
set -eu
# A second build: public/ is now the second tree, .public.spare the first,
# which the next build brings up to date.
printf "\n再版。\n" >> content/news/one.md
"$HEARTH" build -q
rm -rf .public.spare && ln -s ../sentinel .public.spare
printf "\n又一版。\n" >> content/news/two.md
