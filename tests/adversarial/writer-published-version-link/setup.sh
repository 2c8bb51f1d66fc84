#!/bin/bash
set -eu
# A second build: public/ is now the second tree, .public.spare the first,
# which the next build brings up to date.
printf "\n再版。\n" >> content/news/one.md
"$HEARTH" build -q
mkdir -p ../sentinel/2099-01-01 && echo secret > ../sentinel/2099-01-01/secret.txt && rm -rf public/data/v && ln -s ../../../sentinel public/data/v
printf "\n又一版。\n" >> content/news/two.md
