#!/bin/bash
set -eu
d=content/news$(printf '/d%.0s' $(seq 40))
mkdir -p "$d"
printf -- '---\ntitle: 深\ndate: 2023-06-01\n---\n\n正文。\n' > "$d/deep.md"
