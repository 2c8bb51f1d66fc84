#!/bin/bash
# A published tree restored without hearth's files beside it (a CI
# runner's cache of public/, a backup): its record, public/.hearth-manifest,
# lists its files.  When the inputs are the ones it names and every file it
# lists is there with its bytes, and nothing else is, the build makes
# nothing and writes nothing; otherwise what is wrong or missing is made,
# and the result is a fresh build's, byte for byte.
. "$(dirname "$0")/../lib.sh"

export SOURCE_DATE_EPOCH=1700000000
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hearth-restored.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

a=$tmp/a
mkdir -p "$a"
cp -r "$ROOT/hearth.yaml" "$ROOT/content" "$ROOT/plugins" "$a/"
news=content/news/2023/fuquan-1-8-n-system.md

# restore: public/ copied back as a cache restores it (new inodes and
# times), with no .hearth/ and none of the files beside public/.
restore() {
	rm -rf "$a/.hearth" "$a"/.public.* "$tmp/copy"
	cp -r "$a/public" "$tmp/copy"
	rm -rf "$a/public"
	mv "$tmp/copy" "$a/public"
}
# same: a's output is a fresh build's of the same files.
same() {
	rm -rf "$tmp/fresh"
	mkdir -p "$tmp/fresh"
	cp -r "$a/hearth.yaml" "$a/content" "$a/plugins" "$tmp/fresh/"
	(cd "$tmp/fresh" && "$HEARTH" build -q) &&
	    diff -r "$a/public" "$tmp/fresh/public"
}
inodes() { (cd "$a/public" && find . -printf '%i %p\n' | sort); }
# A build that waits on something planted (a pipe) fails instead.
build() { (cd "$a" && timeout -k 5 300 "$HEARTH" build --verbose >"$tmp/$1.log" 2>&1); }
kept() { sed -n 's/^ *\([0-9]*\) files kept as published.*/\1/p' "$tmp/$1.log"; }

(cd "$a" && "$HEARTH" build -q) || notok "restored: the first build"
head -2 "$a/public/.hearth-manifest" >"$tmp/head"
if grep -qx 'hearth-manifest 1' "$tmp/head" && grep -q '^inputs news:' "$tmp/head" &&
    [ "$(($(wc -l <"$a/public/.hearth-manifest") - 2))" = \
      "$(cd "$a/public" && find . -type f ! -name .hearth-manifest | wc -l)" ]; then
	ok "restored: the published tree holds its record, one line for each of its other files"
else
	notok "restored: the record" "$(cat "$tmp/head")"
fi

# The same inputs: nothing is made or written, and the next build finds
# the output up to date by the files beside it.
restore
inodes >"$tmp/before"
build same
inodes >"$tmp/after"
(cd "$a" && "$HEARTH" build >"$tmp/again.log" 2>&1)
if grep -q 'holds what these inputs make' "$tmp/same.log" &&
    cmp -s "$tmp/before" "$tmp/after" && ! grep -q pages "$tmp/same.log" &&
    grep -q 'is up to date' "$tmp/again.log" && d=$(same 2>&1); then
	ok "restored: with the same inputs nothing is made and no file is written ($(grep -o '[0-9]* files checked' "$tmp/same.log")), and the next build finds it up to date"
else
	notok "restored: the same inputs" "$(tail -3 "$tmp/same.log")" "$(diff "$tmp/before" "$tmp/after" | head -5)" "$(echo "$d" | head -5)"
fi

# The same inputs with new times (a fresh checkout): the files beside
# the output say the tree is whole, by each file's stamp.
find "$a/content" -type f -exec touch {} +
(cd "$a" && "$HEARTH" build >"$tmp/touched.log" 2>&1)
if grep -q 'holds what these inputs make' "$tmp/touched.log"; then
	ok "restored: inputs with new times but the same bytes make nothing either"
else
	notok "restored: touched inputs" "$(tail -3 "$tmp/touched.log")"
fi

# A tree with hearth's files beside it is believed by them: an edit's
# build reads none of its files (the restored one was read file by file).
cp "$a/$news" "$tmp/news.md"
echo "又一句。" >>"$a/$news"
build beside
cp "$tmp/news.md" "$a/$news"
if grep -q 'checked file by file' "$tmp/same.log" &&
    ! grep -q 'checked file by file' "$tmp/beside.log" &&
    [ "$(kept beside)" -gt 0 ]; then
	ok "restored: the next build believes the files beside the tree and reads none of its files ($(kept beside) kept)"
else
	notok "restored: the files beside the tree" "$(grep -c 'checked file by file' "$tmp/same.log" "$tmp/beside.log")" "$(tail -3 "$tmp/beside.log")"
fi

# Each way the tree can differ from its record is made good by a build.
station=$(cd "$a/public" && ls -d stations/*/ | head -1)
mkdir -p "$tmp/elsewhere"
for case in altered extra topextra emptytop emptydir missing link toplink dirlink pipe pipedrecord wrongsum badrecord escape; do
	restore
	case $case in
	altered) sed -i 's/社工站/社工点/' "$a/public/$station/index.html" ;;
	extra) echo planted >"$a/public/$station/planted.html" ;;
	topextra) echo planted >"$a/public/planted.html" ;;
	emptytop) mkdir "$a/public/planted" ;;
	emptydir) mkdir "$a/public/stations/planted" ;;
	toplink) rm "$a/public/data/stations.csv"
	         ln -s /etc/passwd "$a/public/data/stations.csv" ;;
	missing) rm "$a/public/data/stations.csv" ;;
	link) rm "$a/public/$station/index.html"
	      ln -s /etc/passwd "$a/public/$station/index.html" ;;
	wrongsum) sed -i "s|^[0-9a-f]\{16\} \(.* data/stations.csv\)\$|0123456789abcdef \1|" \
	              "$a/public/.hearth-manifest" ;;
	dirlink) cp -r "$a/public/data" "$tmp/elsewhere/"
	         rm -rf "$a/public/data"
	         ln -s "$tmp/elsewhere/data" "$a/public/data"
	         (cd "$tmp/elsewhere" && find . -printf '%i %T@ %s %p\n' | sort) >"$tmp/elsewhere.before" ;;
	pipe) rm "$a/public/$station/index.html"
	      mkfifo "$a/public/$station/index.html" ;;
	pipedrecord) rm "$a/public/.hearth-manifest"
	             mkfifo "$a/public/.hearth-manifest" ;;
	badrecord) sed -i '1s/.*/hearth-manifest 0/' "$a/public/.hearth-manifest" ;;
	escape) sed -i "s| data/stations.csv\$| ../../elsewhere/stations.csv|" \
	            "$a/public/.hearth-manifest" ;;
	esac
	build "$case"
	if grep -q '^built ' "$tmp/$case.log" && d=$(same 2>&1); then
		ok "restored: a tree not as its record says ($case) is built again, and the result is a fresh build's"
	else
		notok "restored: a tree not as its record says ($case)" "$(tail -3 "$tmp/$case.log")" "$(echo "$d" | head -5)"
	fi
done
if [ -f /etc/passwd ] && ! grep -q 社工 /etc/passwd &&
    [ ! -L "$a/public/data" ] && [ -d "$a/public/data" ] &&
    (cd "$tmp/elsewhere" && find . -printf '%i %T@ %s %p\n' | sort) | cmp -s - "$tmp/elsewhere.before"; then
	ok "restored: links planted in the tree (to a file, to a folder) are replaced, not written through"
else
	notok "restored: /etc/passwd was written through a link"
fi

# Other inputs (a news item's body edited): the pages its record says
# the same parts made are kept, read and found with their bytes.
restore
printf '\n补充：本站于本周新增一次入户走访。\n' >>"$a/$news"
build edit
n=$(kept edit)
if [ "${n:-0}" -gt 100 ] && d=$(same 2>&1) &&
    grep -q 新增一次入户走访 "$a/public/news/fuquan-1-8-n-system/index.html"; then
	ok "restored: after an edit of a body $n files are kept from the restored tree, and the result is a fresh build's"
else
	notok "restored: an edit after a restore" "kept: ${n:-?}" "$(echo "$d" | head -5)"
fi

# An edit that keeps the file's inode and size, its modification time put
# back as a restore from a backup does: the next build still sees it (the
# stamp holds the change time too) and makes what it changes.
build again
touch -r "$a/$news" "$tmp/when"
sed '0,/社工站/s//社工所/' "$a/$news" >"$tmp/edited"
cat "$tmp/edited" >"$a/$news"
touch -r "$tmp/when" "$a/$news"
build samesize
if ! grep -q 'up to date' "$tmp/samesize.log" &&
    grep -q 社工所 "$a/public/news/fuquan-1-8-n-system/index.html"; then
	ok "restored: an edit of the same size with its old time put back is still built"
else
	notok "restored: an edit of the same size with its old time" "$(tail -3 "$tmp/samesize.log")"
fi
