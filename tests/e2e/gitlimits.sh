#!/bin/bash
# Hostile git objects (tests/e2e/gitobj.py writes them straight into the
# object store): a tree nested 100,000 deep, a 1 GiB blob of zeros (a
# megabyte on disk), 120 entries naming one 32 MiB blob.  --rev builds,
# release rebuilds and federation must refuse each with a clear error at
# its path, quickly and in little memory, never crash; a bad old release
# must not stop later builds.  A county repository is fetched within limits
# on its objects and bytes (max_objects, max_mib).
. "$(dirname "$0")/../lib.sh"
export ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hearth-gitlim.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
git config --global init.defaultBranch main
git config --global user.name "省厅编辑"
git config --global user.email editor@province.example
OBJ=$ROOT/tests/e2e/gitobj.py
EMPTY=e69de29bb2d1d6434b8b29ae775ad8c2e48c5391

site=$tmp/site
mkdir "$site"
cp -r "$ROOT/tests/sites/mini/." "$site/"
cp -r "$ROOT/themes" "$site/"
cd "$site" || exit 1
git init -q
printf '/public/\n/.hearth/\n' > .gitignore
git add -A && git commit -q -m "第一版"
git hash-object -w --stdin < /dev/null >/dev/null	# the empty blob

# graft NAME MODE OID: a commit on top of HEAD whose content/news/ also
# holds OID as NAME (mode 040000 or 100644); prints the commit.
graft() {
	local news content root
	news=$( { git ls-tree HEAD:content/news; printf '%s %s %s\t%s\n' "$2" \
	    "$([ "$2" = 040000 ] && echo tree || echo blob)" "$3" "$1"; } | git mktree)
	content=$( { git ls-tree HEAD:content | grep -v '	news$';
	    printf '040000 tree %s\tnews\n' "$news"; } | git mktree)
	root=$( { git ls-tree HEAD | grep -v '	content$';
	    printf '040000 tree %s\tcontent\n' "$content"; } | git mktree)
	git commit-tree -p HEAD -m "$1" "$root"
}

# run NAME WANT MAXMIB CMD...: exit 1, WANT in the messages, within
# ${WAIT:-240} s (a guard against a hang, not a measure of speed), resident
# memory under MAXMIB.
run() {
	local name=$1 want=$2 max=$3 out rc rss
	shift 3
	out=$(/usr/bin/time -f 'rss %M' timeout "${WAIT:-240}" "$@" 2>&1)
	rc=$?
	rss=$(sed -n 's/^rss \([0-9]*\)$/\1/p' <<< "$out" | tail -1)
	if [ $rc -eq 1 ] && grep -qF -- "$want" <<< "$out" &&
	    [ "${rss:-999999999}" -lt $((max * 1024)) ]; then
		ok "git limits: $name ($((rss / 1024)) MiB)"
	else
		notok "git limits: $name" "exit $rc, peak ${rss:-?} KiB (max $max MiB)" \
		    "$(grep -v '^rss ' <<< "$out" | head -5)"
	fi
}

deep=$(python3 "$OBJ" .git deep 100000 d "$EMPTY")
git tag deep "$(graft d 040000 "$deep")"
run "a tree nested 100,000 deep (--rev)" \
    "content/news/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d: error: directories nested too deeply" \
    600 "$HEARTH" build -q --rev deep --out "$tmp/out"

big=$(python3 "$OBJ" .git zeros 1073741824)
git tag big "$(graft big.md 100644 "$big")"
run "a 1 GiB blob is refused from its header, unread (--rev)" \
    "content/news/big.md: error: file is 1073741824 bytes, over the limit of 32 MiB (it was not read)" \
    400 "$HEARTH" build -q --rev big --out "$tmp/out"

blob=$(python3 "$OBJ" .git zeros 33554431)
many=$(python3 "$OBJ" .git many 120 "$blob")
git tag many "$(graft many 040000 "$many")"
run "120 entries naming one 32 MiB blob (--rev)" \
    "the revision's files total more than 256 MiB" \
    1200 "$HEARTH" build -q --rev many --out "$tmp/out"
[ ! -d "$tmp/out" ] && ok "git limits: nothing was published by the refused builds" ||
    notok "git limits: nothing was published by the refused builds"

# An old release tag whose tree is hostile, in the history of the branch
# (a later commit restores the tree): reported, not published, and the
# current site still builds.
good=$(git rev-parse HEAD^{tree})
git update-ref refs/heads/main "$(git commit-tree -p deep -m "恢复" "$good")"
git tag v0.1 deep
out=$(timeout 120 "$HEARTH" build 2>&1)
rc=$?
if [ $rc -eq 0 ] && grep -q "release v0.1 does not build" <<< "$out" &&
    [ -f public/index.html ] && [ ! -d public/data/v/v0.1 ]; then
	ok "git limits: a hostile old release is left out with a warning; later builds go on"
else
	notok "git limits: a hostile old release must not stop later builds" "exit $rc" "$out"
fi
git tag -d v0.1 >/dev/null

# A county's federated repository holding the deep tree.
county=$tmp/county
mkdir "$county" && (cd "$county" && git init -q &&
    printf -- '---\ntitle: 西县\ncounty: "990102"\n---\n\n西县。\n' > index.md &&
    git add -A && git commit -q -m "西县" &&
    git hash-object -w --stdin < /dev/null >/dev/null &&
    d=$(python3 "$OBJ" .git deep 100000 d "$EMPTY") &&
    t=$( { git ls-tree HEAD; printf '040000 tree %s\td\n' "$d"; } | git mktree) &&
    git update-ref refs/heads/main "$(git commit-tree -p HEAD -m deep "$t")")
cat >> hearth.yaml <<EOT
sources:
  - name: west
    url: $county
    ref: main
    mount: content/counties/990102/
EOT
# Fetching the county's 100,000 trees is libgit2's work: 6 s in the release
# build, about two minutes under ASan, more on a busy machine.
WAIT=900 run "a federated repository with a tree nested 100,000 deep" \
    "content/counties/990102/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d: error: directories nested too deeply" \
    1200 "$HEARTH" build -q --out "$tmp/out2"

# A county repository past the province's limits: refused by the objects
# its pack announces before they come, or by the bytes as they come
# (with what the cached copy has); nothing of the fetch is kept, nothing
# published.
many=$tmp/many
mkdir -p "$many/m" && (cd "$many" && git init -q &&
    printf -- '---\ntitle: 西县\ncounty: "990102"\n---\n\n西县。\n' > index.md &&
    for i in $(seq 1 1200); do echo "$i" > "m/$i.txt"; done &&
    head -c 3000000 /dev/urandom > m/noise.bin &&
    git add -A && git commit -q -m "一千多个文件")
site2=$tmp/site2
cp -r "$ROOT/tests/sites/mini/." "$site2/" && cp -r "$ROOT/themes" "$site2/"
cd "$site2" || exit 1
fed() {
	cp "$ROOT/tests/sites/mini/hearth.yaml" hearth.yaml
	printf 'sources:\n  - name: west\n    url: %s\n    ref: main\n    mount: content/counties/990102/\n%s\n' \
	    "$many" "$1" >> hearth.yaml
}
# refused SETTING NAME WANT: with that setting, the build is refused.
refused() {
	fed "$1"
	run "$2" "$3" 400 "$HEARTH" build -q --out "$tmp/out3"
}
refused "    max_objects: 1000" \
    "a county repository over max_objects is refused before its objects come" \
    'error: source "west": its repository sends 1205 objects, over the limit of 1000 (max_objects); nothing was fetched'
refused "    max_mib: 1" "a county repository over max_mib is refused as it comes" \
    'error: source "west": its repository would take more than 1 MiB here, the limit (max_mib); fetching stopped, and nothing of this fetch was kept'
kept=$(find .hearth/sources/west.git/objects -type f | wc -l)
[ "$kept" -eq 0 ] && [ ! -d "$tmp/out3" ] &&
    ok "git limits: a refused fetch keeps nothing of the repository, publishes nothing" ||
    notok "git limits: a refused fetch must keep nothing" "$kept object files kept"
fed "    max_mib: 5"
out=$(timeout 240 "$HEARTH" build -q --out "$tmp/out3" 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -f "$tmp/out3/counties/990102/index.html" ] &&
    ok "git limits: the same repository within raised limits is fetched and built" ||
    notok "git limits: a repository within its limits must build" "exit $rc" \
        "$(grep -v 'ignored: not a page' <<< "$out" | head -5)"
# Packs add up: a second 3 MB the county pushes later passes one fetch's
# count but not the copy's.
(cd "$many" && head -c 3000000 /dev/urandom > m/noise2.bin && git add -A &&
    git commit -q -m "又一个")
refused "    max_mib: 5" "a county repository's fetches add up to max_mib" \
    'error: source "west": its repository would take more than 5 MiB here, the limit (max_mib)'
refused "    max_mib: 0" "max_mib must be a positive whole number" \
    "error: max_mib is a whole number from 1 to 1048576"
