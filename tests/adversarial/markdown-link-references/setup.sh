#!/bin/bash
set -eu
printf -- '---\ntitle: 第一条新闻\ndate: 2023-06-01\n---\n\n' > content/news/one.md
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "[r%d]: /news/two/ \"t%d\"\n", i, i; print ""; for (i = 0; i < 20000; i++) printf "[x][r%d] ", i; print "" }' >> content/news/one.md
