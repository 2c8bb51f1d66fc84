#!/bin/bash
set -eu
printf -- '---\ntitle: 第一条新闻\ndate: 2023-06-01\n---\n\n' > content/news/one.md
{
	head -c 1048576 /dev/zero | tr '\0' '*'; echo; echo
	head -c 1048576 /dev/zero | tr '\0' '_'; echo; echo
	awk 'BEGIN { for (i = 0; i < 524288; i++) printf "*_"; print "" }'
} >> content/news/one.md
