#!/bin/bash
set -eu
# A second build: public/ is now the second tree, .public.spare the first,
# which the next build brings up to date.
printf "\n再版。\n" >> content/news/one.md
"$HEARTH" build -q
ino=$(stat -c %i .public.spare); ln -s ../sentinel/keep .public.manifest.$ino.tmp
printf "\n又一版。\n" >> content/news/two.md
