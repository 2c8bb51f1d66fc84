#!/bin/bash
set -eu
{
	printf -- '---\ntitle: 大文件\ndate: 2023-06-01\n---\n\n'
	yes '这是一行正文，反复出现，直到文件超过上限。'
} | head -c 41943040 > content/news/big.md
[ "$(stat -c %s content/news/big.md)" = 41943040 ]
