#!/bin/bash
# Untrusted text never becomes markup: script and event handlers placed in
# every text field that reaches a page come out as text.  Checked with a
# real HTML parser (tests/e2e/check-html.mjs), not by grepping.
. "$(dirname "$0")/../lib.sh"

site=$(mksite mini)
trap 'rm -rf "$site"' EXIT
# The payload, with its single quote doubled for YAML's single-quoted style.
x='<script>alert(1)</script><img src=x onerror=alert(2)>"'"''"
cat > "$site/content/news/one.md" <<EOT
---
title: '标题 $x'
date: 2023-06-01
summary: '摘要 $x'
summary_en: 'summary $x'
source: '来源 $x'
author: '作者 $x'
province: "99"
tags: [社工站]
---

正文 <script>alert(3)</script> 和 <b onmouseover="alert(4)">粗体</b>。

<div onclick="alert(5)">块</div>

[链接](javascript:alert(6)) 与 ![图](javascript:alert(7))
EOT
cat > "$site/content/counties/990101/station.csv" <<EOT
id,name,kind,county,township,opened,note,services
990101001,"站名 <script>alert(8)</script>",township,990101,990101001,2022-05,"说明 <img src=x onerror=alert(9)>","<b>服务</b>|""引号"""
EOT
cat > "$site/content/counties/990101/index.md" <<EOT
---
title: '品牌 $x'
county: "990101"
---

<script>alert(10)</script>
EOT
if ! err=$(cd "$site" && "$HEARTH" build -q 2>&1); then
	notok "escape: site with injected text builds" "$err"
	exit 0
fi
ok "escape: site with injected text builds"
check "escape: no element or attribute from content survives" \
    node "$ROOT/tests/e2e/check-html.mjs" "$site/public" /
for page in news/one/index.html stations/990101001/index.html \
    counties/990101/brand/index.html; do
	if grep -qF '&lt;script&gt;alert(' "$site/public/$page"; then
		ok "escape: $page shows the markup as text"
	else
		notok "escape: $page shows the markup as text"
	fi
done

# The checker itself must catch markup: with unsafe_html the raw <script>
# of the body goes through, and check-html.mjs has to say so.
echo "unsafe_html: true" >> "$site/hearth.yaml"
(cd "$site" && "$HEARTH" build -q 2>/dev/null)
if node "$ROOT/tests/e2e/check-html.mjs" "$site/public" / >/dev/null; then
	notok "escape: the checker flags raw HTML let through by unsafe_html"
else
	ok "escape: the checker flags raw HTML let through by unsafe_html"
fi
