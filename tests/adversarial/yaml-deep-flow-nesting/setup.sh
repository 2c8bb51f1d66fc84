#!/bin/bash
set -eu
# summary: [[[[ ... 5000 ... ]]]]
{
	printf -- '---\ntitle: 第一条新闻\ndate: 2023-06-01\nsummary: '
	printf '%.0s[' $(seq 5000)
	printf '%.0s]' $(seq 5000)
	printf '\n---\n\n正文。\n'
} > content/news/one.md
