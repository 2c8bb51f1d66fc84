#!/bin/bash
# Messages in the users' language: every message xgettext finds in the
# sources (diagnostics, CLI texts) has a translation in each catalogue of
# generator/po/, none fuzzy, with the same printf conversions (msgfmt
# --check); and the binary finds its catalogue and follows the locale.
. "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hearth-i18n.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! make -s pot POT="$tmp/hearth.pot" >/dev/null 2>"$tmp/err"; then
	notok "i18n: xgettext extracts the messages" "$(cat "$tmp/err")"
	exit 0
fi
n=$(grep -c '^msgid ' "$tmp/hearth.pot")
for po in generator/po/*.po; do
	lang=$(basename "$po" .po)
	msgmerge -q --no-wrap "$po" "$tmp/hearth.pot" -o "$tmp/$lang.po"
	left=$(msgattrib --untranslated --no-obsolete --no-wrap "$tmp/$lang.po" | grep '^msgid ' | grep -v '^msgid ""$')
	fuzzy=$(msgattrib --only-fuzzy --no-obsolete --no-wrap "$tmp/$lang.po" | grep '^msgid ' | grep -v '^msgid ""$')
	if [ -z "$left$fuzzy" ] && msgfmt --check -o /dev/null "$tmp/$lang.po" 2>"$tmp/err"; then
		ok "i18n: $lang translates all $((n - 1)) messages of the sources"
	else
		notok "i18n: $lang translates every message (make po-update)" \
		    "untranslated:" "$left" "fuzzy:" "$fuzzy" "$(cat "$tmp/err")"
	fi
done

# The locale variables choose, in gettext's order.
en=$("$HEARTH" nosuch 2>&1)
zh=$(LANG=zh_CN.UTF-8 "$HEARTH" nosuch 2>&1)
zh2=$(LANG=C.UTF-8 LC_MESSAGES=zh_CN.UTF-8 "$HEARTH" nosuch 2>&1)
en2=$(LANG=zh_CN.UTF-8 LC_ALL=C.UTF-8 "$HEARTH" nosuch 2>&1)
if echo "$en" | grep -qF 'unknown command "nosuch"' &&
    echo "$zh" | grep -qF '未知命令“nosuch”' && echo "$zh2" | grep -qF '未知命令' &&
    echo "$en2" | grep -qF 'unknown command'; then
	ok "i18n: LANG, LC_MESSAGES and LC_ALL choose the language of messages"
else
	notok "i18n: the locale chooses the language" "$en" "$zh" "$zh2" "$en2"
fi

# The system's own words (strerror) in the reader's language, never as
# '?': hearth reads input in the "C" character type.
: > "$tmp/file"
zh=$(LANG=zh_CN.UTF-8 "$HEARTH" build -C "$tmp/file" 2>&1)
if echo "$zh" | grep -qF '无法进入：不是目录' && ! echo "$zh" | grep -qF '?'; then
	ok "i18n: the system's messages quoted in a message are in the reader's language"
else
	notok "i18n: the system's messages in the reader's language" "$zh"
fi

# Numbers in what hearth writes never follow the locale: the mini site
# built under a locale with a decimal comma gives the same bytes.
if locale -a 2>/dev/null | grep -qix 'de_DE.utf-\?8'; then
	site=$(mksite mini)
	(cd "$site" && "$HEARTH" build -q --out "$tmp/c" && LC_ALL=de_DE.UTF-8 "$HEARTH" build -q --out "$tmp/de") 2>/dev/null
	if diff -r "$tmp/c" "$tmp/de" >/dev/null; then
		ok "i18n: output is byte-identical under a decimal-comma locale"
	else
		notok "i18n: output changed with the locale"
	fi
	rm -rf "$site"
fi

# serve's address, in Chinese, ends where a terminal ends a link: at a
# space, never running into the full-width bracket after it.
site=$(mksite mini)
exec 5< <(cd "$site" && LANG=zh_CN.UTF-8 exec "$HEARTH" serve --port 0 -q 2>/dev/null)
serve=$!
line=
read -r -t 60 line <&5 || true
kill "$serve" 2>/dev/null
wait "$serve" 2>/dev/null
exec 5<&-
if [[ "$line" =~ 地址\ http://127\.0\.0\.1:[0-9]+/\ （按 ]]; then
	ok "i18n: serve's address in Chinese is followed by a space"
else
	notok "i18n: serve's address in Chinese is followed by a space" "$line"
fi
rm -rf "$site"
