#!/bin/bash
# Plugins through the command line: a shortcode's error lands on the news
# item's line, a county's records hook can refuse its records, and a
# runaway plugin (a loop, a pattern that backtracks without end) stops the
# build with a clear error and leaves the published site as it was.
# (The sandbox itself is tested in tests/unit/test_plugin.c with the escape
# corpus of tests/plugins/escapes.)
. "$(dirname "$0")/../lib.sh"

site=$(mksite mini)
trap 'rm -rf "$site"' EXIT
cp "$ROOT/plugins/stat.lua" "$site/plugins/stat.lua" 2>/dev/null ||
    { mkdir -p "$site/plugins" && cp "$ROOT/plugins/stat.lua" "$site/plugins/"; }
printf '\n共有 **{{< stat id=r-2023 field=stations >}}** 个站，覆盖 {{< stat id=r-2023 field=coverage >}}。\n' \
    >> "$site/content/news/three.md"
if (cd "$site" && "$HEARTH" build -q 2>/dev/null) &&
    grep -qF '共有 <strong>3</strong> 个站，覆盖 75.00%。' "$site/public/news/three/index.html"; then
	ok "plugins: the stat shortcode cites figures from the records"
else
	notok "plugins: the stat shortcode cites figures from the records"
fi
find "$site/public" -type f | sort | xargs sha256sum > "$site/before"

# expect NAME WANT: the build fails with WANT in its messages, quickly, and
# public/ is unchanged.
expect() {
	local out rc t0 t1
	t0=$(date +%s)
	out=$(cd "$site" && timeout 120 "$HEARTH" build -q 2>&1)
	rc=$?
	t1=$(date +%s)
	find "$site/public" -type f | sort | xargs sha256sum > "$site/after"
	if [ $rc -eq 1 ] && echo "$out" | grep -qF -- "$2" && cmp -s "$site/before" "$site/after"; then
		ok "plugins: $1 ($((t1 - t0)) s)"
	else
		notok "plugins: $1" "rc $rc" "$out"
	fi
}

printf '\n{{< stat id=no-such field=stations >}}\n' >> "$site/content/news/two.md"
expect "a shortcode error names the news item's line" \
    'plugins/stat.lua:35: error: stat: no report record has id no-such (in shortcode "stat" at content/news/two.md:11)'
sed -i '$d' "$site/content/news/two.md"

cat > "$site/content/counties/990101/plugin.lua" <<'EOT'
function records(kind, list)
  if kind == "station" and #list < 3 then
    hearth.error("东县 needs 3 stations, has " .. #list)
  end
end
EOT
expect "a county's records hook refuses its records" \
    'content/counties/990101/plugin.lua:3: error: 东县 needs 3 stations, has 2'

printf 'function brand(c)\n  while true do end\nend\n' > "$site/content/counties/990101/plugin.lua"
expect "an endless loop exhausts the instruction budget" \
    'content/counties/990101/plugin.lua:2: error: plugin exceeded its budget of 10000000 instructions'

printf 'plugins:\n  seconds: 2\n' >> "$site/hearth.yaml"
printf 'local s = ("a"):rep(100000)\nfunction brand(c)\n  return { lead = tostring(s:find(".-.-.-.-b")) }\nend\n' \
    > "$site/content/counties/990101/plugin.lua"
expect "a runaway pattern match is stopped by the watchdog" \
    'content/counties/990101/plugin.lua: error: a plugin call ran for more than 2 s'
