#!/bin/bash
# The build cache (.hearth/) and the output a build starts from only make
# a build faster: a site edited and rebuilt on top of an earlier build, its
# cache and its output gives byte for byte the files of the same site built
# into an empty folder with no cache.  Edits: a news item, a station's
# name, a province's report.
. "$(dirname "$0")/../lib.sh"

a=$(mktemp -d "${TMPDIR:-/tmp}/hearth-cache.XXXXXX")
b=$(mktemp -d "${TMPDIR:-/tmp}/hearth-cache.XXXXXX")
trap 'rm -rf "$a" "$b"' EXIT
cp -r "$ROOT/hearth.yaml" "$ROOT/content" "$ROOT/plugins" "$a/"
export SOURCE_DATE_EPOCH=1700000000

(cd "$a" && "$HEARTH" build -q) || notok "cache: the first build"
item=$(find "$a/content/news" -name '*.md' | sort | head -1)
printf '\n补充：本站于本周新增一次入户走访。\n' >> "$item"
sed -i 's/金山街道社工站/金山街道社会工作服务站/' "$a/content/counties/522702/station.csv"
sed -i 's/^guizhou-2023-05,52,2023-05-31,,1094,1000,1583/guizhou-2023-05,52,2023-05-31,,1094,1001,1583/' "$a/content/records/report.csv"
(cd "$a" && "$HEARTH" build -q) || notok "cache: the rebuild"
ncache=$(find "$a/.hearth/cache" -type f | wc -l)

cp -r "$a/hearth.yaml" "$a/content" "$a/plugins" "$b/"
(cd "$b" && "$HEARTH" build -q) || notok "cache: the build from nothing"
if [ "$ncache" -gt 0 ] && grep -q 金山街道社会工作服务站 "$a/public/data/stations.csv" &&
    grep -q ',1001,' "$a/public/data/reports.csv" &&
    d=$(diff -r "$a/public" "$b/public" 2>&1) && [ -z "$d" ]; then
	ok "cache: an edited site rebuilt on its cache and output ($ncache cached files) gives the same bytes as a build from nothing"
else
	notok "cache: rebuilt and built from nothing differ" "$(echo "$d" | head -5)"
fi

# A build that publishes removes the cache entries of its kinds it did
# not use (one left by an older build, say), keeps those it used, and
# leaves names of other kinds alone.
c="$a/.hearth/cache"
printf 'old' > "$c/tgz-0000000000000000000000000000dead"
printf 'old' > "$c/maps-0000000000000000000000000000dead"
printf 'keep' > "$c/other-kind"
printf 'old' > "$c/geojson-0000000000000000000000000000dead"
used=$(ls "$c" | grep -c '^tgz-')
geo=$(ls "$c" | grep '^geojson-' | grep -v dead)
printf '\n又补充一句。\n' >> "$item"
(cd "$a" && "$HEARTH" build -q) || notok "cache: the build that prunes"
if [ ! -e "$c/tgz-0000000000000000000000000000dead" ] &&
    [ ! -e "$c/maps-0000000000000000000000000000dead" ] &&
    [ -e "$c/other-kind" ] && [ "$(ls "$c" | grep -c '^tgz-')" -ge $((used - 3)) ] &&
    [ "$(ls "$c" | grep -c '^maps-')" -ge 1 ]; then
	ok "cache: a build removes the entries it no longer uses, of every kind it makes, and keeps the others"
else
	notok "cache: pruning" "$(ls "$c" | cut -d- -f1 | sort | uniq -c | tr '\n' ' ')"
fi
rm -f "$c/other-kind"

# The counties' repaired polygons outlive the builds that keep their
# table as published (a news edit asks for none): the next build that
# makes the table (a station added, which changes its counts) finds them,
# and only then is the stale entry removed.
if [ -n "$geo" ] && [ -e "$c/$geo" ] &&
    [ -e "$c/geojson-0000000000000000000000000000dead" ]; then
	cp -p "$a/content/counties/522702/station.csv" "$b/station.csv"
	tail -n 1 "$a/content/counties/522702/station.csv" |
	    sed 's/^[^,]*,[^,]*,/522702-extra,新设社工站,/' >> "$a/content/counties/522702/station.csv"
	(cd "$a" && "$HEARTH" build -q 2>&1) > "$b/log" || notok "cache: a station added" "$(tail -5 "$b/log")"
	if [ -e "$c/$geo" ] && [ ! -e "$c/geojson-0000000000000000000000000000dead" ]; then
		ok "cache: a build that keeps the counties' table keeps their repaired polygons for the next that makes it"
	else
		notok "cache: repaired polygons" "$(ls "$c" | grep geojson)"
	fi
	cp -p "$b/station.csv" "$a/content/counties/522702/station.csv"
else
	notok "cache: a build that keeps the counties' table removed their repaired polygons" "$(ls "$c" | grep geojson)"
fi

# The archive's pieces come from the cache: it is still one gzip member
# (some readers stop after the first), unpacks whole, with every checksum
# right, in tar and in Python.
x=$(mktemp -d "${TMPDIR:-/tmp}/hearth-cache.XXXXXX")
if tar -xzf "$a"/public/data/*.tar.gz -C "$x" &&
    (cd "$x"/* && sha256sum --quiet -c SHA256SUMS) &&
    /usr/bin/python3 -c '
import sys, tarfile
import zlib
d = zlib.decompressobj(wbits=31)
d.decompress(open(sys.argv[1], "rb").read())
assert d.eof and not d.unused_data, "not one gzip member"
names = tarfile.open(sys.argv[1], "r:gz").getnames()
assert names[-1].endswith("/SHA256SUMS"), names[-1]
sums = [l.split("  ", 1)[1] for l in open(sys.argv[2], encoding="utf-8").read().splitlines()]
got = sorted(n.split("/", 1)[1] for n in names[:-1])
assert got == sorted(sums), set(got) ^ set(sums)
assert len(names) == len(set(names)) > 10, len(names)
' "$a"/public/data/*.tar.gz "$a/public/data/SHA256SUMS"; then
	ok "cache: the archive made of cached pieces is one gzip member, unpacks whole (tar, Python), holds exactly the files SHA256SUMS lists, every checksum right"
else
	notok "cache: the archive made of cached pieces"
fi
rm -rf "$x"

# A warm build: the output restored without hearth's side files or cache
# (what a CI runner that keeps public/ alone has) links the files that are
# already there and writes only what changed; a file altered in the
# output is written again, with the right bytes.
w=$(mktemp -d "${TMPDIR:-/tmp}/hearth-cache.XXXXXX")
cp -r "$ROOT/hearth.yaml" "$ROOT/content" "$ROOT/plugins" "$w/"
(cd "$w" && "$HEARTH" build -q && cp -a public restored &&
    rm -rf public .hearth .public.* && mv restored public) ||
    notok "cache: the warm build's setup"
printf 'tampered' >> "$w/public/news/index.html"
inodes() { (cd "$1" && find . -type f -printf '%p %i\n' | sort); }
before=$(inodes "$w/public")
line=$(cd "$w" && "$HEARTH" build 2>&1 | tail -1)
moved=$(comm -13 <(echo "$before") <(inodes "$w/public") | cut -d' ' -f1)
f=$(mktemp -d "${TMPDIR:-/tmp}/hearth-cache.XXXXXX")
cp -r "$ROOT/hearth.yaml" "$ROOT/content" "$ROOT/plugins" "$f/"
(cd "$f" && "$HEARTH" build -q)
if [ "$moved" = "./news/index.html" ] &&
    d=$(diff -r "$w/public" "$f/public" 2>&1) && [ -z "$d" ]; then
	ok "cache: a warm build on an output restored without hearth's files keeps every file that is there but the one altered, and gives a fresh build's bytes"
else
	notok "cache: a warm build on a restored output" "$line" \
	    "files made anew: $(echo "$moved" | head -5 | tr '\n' ' ')" "$(echo "$d" | head -5)"
fi
rm -rf "$w" "$f"
