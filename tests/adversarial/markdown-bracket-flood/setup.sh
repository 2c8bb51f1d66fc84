#!/bin/bash
set -eu
printf -- '---\ntitle: 第一条新闻\ndate: 2023-06-01\n---\n\n' > content/news/one.md
{
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; print ""; print ""; for (i = 0; i < 100000; i++) printf "!["; print "" }'
} >> content/news/one.md
