#!/bin/bash
# Atomic publishing (docs/cli.md): a build brings a spare tree up to date
# and exchanges it with the published one in a single rename, so whatever
# happens to it, public/ holds the old site or the new one, never a mix.
#
#  1. Killed builds: the demo site (the repository root, site A) and the
#     demo with one more news item (site B: new pages, new figures, a new
#     data version) are published in turn until both trees are known and
#     reproducible.  Then RUNS (50) builds of B over A are killed with
#     SIGKILL after a random delay spread over the whole time of the
#     build at hand and a fifth more: both kinds are timed first, a build
#     of B over a published A, and one after a killed build (which makes
#     the spare tree again);
#     after each, public/ must be exactly A's tree or exactly B's (sorted
#     sha256 listings), and a build that finished first must have
#     published B.  A run starts from what the killed one before it left
#     (A is published again, by hearth, only when B got through).  Then
#     one build runs to the end: it must publish B and leave beside
#     public/ nothing a clean build would not (what dead builds left is
#     swept or reused), and no scratch file in TMPDIR.  Last, the
#     contents of public/ are replaced by a backup of A while B is
#     published: the next build must publish B again.
#  2. Disk full: the output on a 2 MiB tmpfs; the mini site fits, the same
#     site with a 5 MB news item does not: exit 1, "No space left on
#     device" naming a file, said once (not once a file), the old site
#     intact; without the big item the next build fits and publishes
#     again.
#  3. Unwritable output: the output's parent on a tmpfs remounted read-only,
#     then the output itself a read-only mount point (the swap is refused):
#     exit 1, a clear message, the old site intact.
# Mount-based checks are skipped (with the reason) where mounting is not
# permitted.  One TAP line per run and per check.
set -u
. "$(dirname "$0")/../lib.sh"

RUNS=${RUNS:-50}
work=$(mktemp -d "${TMPDIR:-/tmp}/hearth-atomic.XXXXXX")
# Every build's scratch files in one place: what killed builds leave
# there must be gone once a build has run to the end.
mkdir "$work/scratch"
export TMPDIR=$work/scratch
mounts=()
cleanup() {
	local m
	for m in "${mounts[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT

# A listing of a published tree: every folder and non-regular file by
# name, every file with the sha256 of its content, sorted.
sums() {
	(cd "$1" && find . ! -type f -printf '%y %p\n' | LC_ALL=C sort &&
	    find . -type f -exec sha256sum {} + | LC_ALL=C sort -k 2)
}

# How two listings differ, briefly.
differ() {
	diff "$1" "$2" | grep '^[<>]' | sed 's/^</only in/; s/^>/now/' | head -6
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- 1. builds killed at random moments ------------------------------------

site=$work/site
mkdir "$site"
cp -r "$ROOT/hearth.yaml" "$ROOT/content" "$ROOT/themes" "$ROOT/plugins" "$site/"
news=$site/content/news/atomic-b.md

# to_a, to_b: make the site A (the demo) or B (the demo and one more news
# item: new pages, new figures, a new data version).
to_a() { rm -f "$news"; }
to_b() {
	cat > "$news" <<'EOT'
---
title: 原子发布测试：只在站点 B 中的新闻
date: 2023-12-31
province: "52"
tags: [社工站, 原子发布]
---

这一条新闻只在站点 B 中：它改变新闻列表、标签、首页、省份页和数据版本。
EOT
}
build() { (cd "$site" && "$HEARTH" build -q 2>&1); }

# What hearth keeps beside the output (public/ itself, and whatever
# bookkeeping the writer uses), numbers blotted out: a build's leftovers
# are whatever a clean build does not leave.
beside() {
	(cd "$site" && ls -A | grep -E '^\.?public' | sed 's/[0-9][0-9]*/N/g' | LC_ALL=C sort -u)
}

# Publish A, B, A, B: the data versions of both are kept from then on, so
# every later build of A (or B) must give exactly the same tree.  Builds
# must be reproducible for "exactly A" to mean anything.
t_build=0 t_update=0
for step in to_a to_b to_a:A to_b:B to_a:A2 to_b:B2; do
	${step%%:*}
	t0=$(now_ms)
	if ! out=$(build); then
		notok "atomic: publish the demo site (${step%%:*})" "$out"
		exit 0
	fi
	t=$(($(now_ms) - t0))
	[ $t -gt "${t_build:-0}" ] && t_build=$t	# the slowest: a full build
	# B over A once both data versions are known.
	case $step in to_b:*) [ $t -gt $t_update ] && t_update=$t ;; esac
	case $step in *:*) sums "$site/public" > "$work/${step#*:}" ;; esac
done
if cmp -s "$work/A" "$work/B"; then
	notok "atomic: sites A and B differ"
	exit 0
fi
if ! cmp -s "$work/A" "$work/A2" || ! cmp -s "$work/B" "$work/B2"; then
	notok "atomic: two builds of the same site are identical" \
	    "$(differ "$work/A" "$work/A2")" "$(differ "$work/B" "$work/B2")"
	exit 0
fi
clean=$(beside)
# What most runs are: a build over a spare tree that a killed build left
# without its manifest, which is therefore made again.  Timed here on A
# over B with the spare's manifest removed as a killed build leaves it.
rm -f "$site/.public.manifest.$(stat -c %i "$site/.public.spare")"
to_a
t0=$(now_ms)
if ! out=$(build); then
	notok "atomic: a build over an untrusted spare" "$out"
	exit 0
fi
t_kill=$(($(now_ms) - t0))
echo "# a first build takes $t_build ms, B over A $t_update ms, one after a killed build $t_kill ms: killing $RUNS builds at random moments up to a fifth past these"

# Every run is a build of B over A that is killed.  When a run let B
# through (or finished), A is published again first, by a build of A that
# runs to the end; otherwise the next run starts from what the killed one
# left.
nA=0 nB=0 nfinished=0 state=B rc=0
for run in $(seq 1 "$RUNS"); do
	if [ $state != A ]; then
		to_a
		out=$(build) && sums "$site/public" > "$work/now" &&
		    cmp -s "$work/now" "$work/A" || {
			notok "atomic: run $run: publishing site A again" "$out" \
			    "$(differ "$work/A" "$work/now")"
			break
		}
	fi
	to_b
	t=$t_update
	[ $rc -eq 137 ] && [ $state = A ] && t=$t_kill
	delay=$(((RANDOM * 32768 + RANDOM) % (t * 12 / 10 + 1)))
	(cd "$site" && exec "$HEARTH" build -q >/dev/null 2>&1) &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -KILL "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null	# no "Killed" job notice
	rc=$?
	sums "$site/public" > "$work/now"
	now=none
	cmp -s "$work/now" "$work/A" && now=A
	cmp -s "$work/now" "$work/B" && now=B
	what="run $run: killed after $delay ms (exit status $rc)"
	[ $rc -eq 137 ] || what="run $run: finished before the kill at $delay ms (exit status $rc)"
	if [ $now = none ]; then
		notok "atomic: $what: public/ is neither site A nor site B" \
		    "against A:" "$(differ "$work/A" "$work/now")" \
		    "against B:" "$(differ "$work/B" "$work/now")"
		break
	elif [ $rc -ne 137 ] && [ $rc -ne 0 ]; then
		notok "atomic: $what" "a build that was not killed must succeed"
	elif [ $rc -eq 0 ] && [ $now != B ]; then
		notok "atomic: $what" "the build succeeded but public/ is still site A"
	else
		ok "atomic: $what: public/ is site $now"
	fi
	[ $rc -eq 0 ] && nfinished=$((nfinished + 1))
	if [ $now = A ]; then nA=$((nA + 1)); else nB=$((nB + 1)); fi
	state=$now
done
echo "# $nA runs left site A, $nB site B ($nfinished of them finished before the kill)"

# One more build is killed while it holds scratch files (its database's
# among them), as soon as they are seen: a build of the site not
# published, since one of the published site takes it whole and makes
# nothing.
if [ "$state" = A ]; then to_b; else to_a; fi
(cd "$site" && exec "$HEARTH" build -q >/dev/null 2>&1) &
pid=$!
for _ in $(seq 1 10000); do
	ls "$work/scratch" | grep -qE '^hearth-(scratch\.|db-)' && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.002
done
held=$(ls "$work/scratch" | tr '\n' ' ')
kill -KILL "$pid" 2>/dev/null
{ wait "$pid"; } 2>/dev/null
# What a build killed between making its folder and locking it leaves
# (the runs above hit that moment now and then).
mkdir "$work/scratch/.hearth-scratch-new.Dead01"
touch "$work/scratch/.hearth-scratch-new.Dead01/hearth-db-x"
build >/dev/null	# to the end

# The next build that runs to the end publishes its site and leaves beside
# the output only what a clean build leaves (what dead builds left is
# swept or reused).
left=$(cd "$site" && ls -A | grep -E '^\.?public' | tr '\n' ' ')
to_b
if ! out=$(build); then
	notok "atomic: a build after the killed ones succeeds" "$out"
else
	sums "$site/public" > "$work/now"
	if ! cmp -s "$work/now" "$work/B"; then
		notok "atomic: a build after the killed ones publishes site B" \
		    "$(differ "$work/B" "$work/now")"
	elif [ "$(beside)" != "$clean" ]; then
		notok "atomic: a build after the killed ones removes what they left beside public/" \
		    "before: $left" "after: $(cd "$site" && ls -A | grep -E '^\.?public' | tr '\n' ' ')" \
		    "a clean build leaves: $(echo $clean)"
	else
		ok "atomic: a build after the killed ones publishes site B and removes what they left (found: $left)"
	fi
	if [ -z "$held" ]; then
		notok "atomic: a build killed while it held scratch files" \
		    "none was seen in $work/scratch"
	elif [ -n "$(ls -A "$work/scratch")" ]; then
		notok "atomic: a build after the killed ones removes their scratch files" \
		    "killed holding: $held" "left: $(ls -A "$work/scratch" | head -5)"
	else
		ok "atomic: no scratch file of the killed builds (one killed holding $held) or its own is left once a build has run to the end"
	fi
fi

# A published tree changed behind hearth's back (an operator restores the
# contents of public/ from a backup of site A, as `rsync -a --delete
# backup/ public/` would, keeping the folder) is not site B, whatever
# hearth noted about the folder: the next build of B must publish B.
cp -a "$site/public" "$work/backupB"
to_a
(cd "$site" && "$HEARTH" build -q >/dev/null 2>&1)
cp -a "$site/public" "$work/backupA"
to_b
(cd "$site" && "$HEARTH" build -q >/dev/null 2>&1)
find "$site/public" -mindepth 1 -delete
cp -a "$work/backupA/." "$site/public/"
out=$(cd "$site" && "$HEARTH" build 2>&1)
sums "$site/public" > "$work/now"
if cmp -s "$work/now" "$work/B"; then
	ok "atomic: a public/ whose contents were restored from a backup of site A is rebuilt as site B"
else
	notok "atomic: a public/ whose contents were restored from a backup of site A is rebuilt as site B" \
	    "$(echo "$out" | tail -2)" "$(differ "$work/B" "$work/now")"
fi
rm -rf "$site" "$work/backupA" "$work/backupB"

# ---- mounts ----------------------------------------------------------------

# mnt DIR OPTIONS...: mount a tmpfs at DIR (remembered for cleanup).
mnt() {
	local dir=$1
	shift
	mkdir -p "$dir"
	mount -t tmpfs "$@" tmpfs "$dir" 2>/dev/null || return 1
	mounts=("$dir" "${mounts[@]}")
}

if ! mnt "$work/probe" -o size=1m; then
	reason="mounting a tmpfs is not permitted here ($(id -un), $(uname -r))"
	ok "atomic: disk full # SKIP $reason"
	ok "atomic: read-only output folder # SKIP $reason"
	ok "atomic: read-only output mount point # SKIP $reason"
	exit 0
fi
umount "$work/probe" && mounts=("${mounts[@]:1}")

# expect_failure NAME SITE OUT WANT: building SITE into OUT exits 1 with
# WANT (an extended regular expression) in its messages, and leaves OUT as
# it was and nothing beside it but the writer's own files.
expect_failure() {
	local name=$1 s=$2 o=$3 want=$4 out rc extra
	sums "$o" > "$work/before"
	out=$(cd "$s" && timeout 120 "$HEARTH" build -q --out "$o" 2>&1)
	rc=$?
	sums "$o" > "$work/after"
	if [ $rc -ne 1 ]; then
		notok "atomic: $name: exit status 1" "got $rc" "$(echo "$out" | head -5)"
	elif ! echo "$out" | grep -qE -- "$want"; then
		notok "atomic: $name: a message matching /$want/" "$(echo "$out" | head -5)"
	elif [ "${5:-}" = once ] && [ "$(echo "$out" | grep -c ': error: ')" -ne 1 ]; then
		notok "atomic: $name: said once, not once a file" "$(echo "$out" | head -5)"
	elif ! cmp -s "$work/before" "$work/after"; then
		notok "atomic: $name: the published site is intact" \
		    "$(differ "$work/before" "$work/after")"
	elif extra=$(ls -A "$(dirname "$o")" | grep -E "^\.?$(basename "$o")" |
	    grep -vE "^($(basename "$o")|\.$(basename "$o")\.(inputs|lock|spare|manifest\.[0-9]+))\$"); then
		notok "atomic: $name: nothing is left beside the output" "$extra"
	else
		ok "atomic: $name ($(echo "$out" | grep -cE -- "$want") messages like: $(echo "$out" | grep -m1 -E -- "$want"))"
	fi
}

# ---- 2. disk full ----------------------------------------------------------

site=$(mksite mini)
if ! mnt "$work/full" -o size=2m; then
	notok "atomic: disk full: mount a 2 MiB tmpfs"
elif ! out=$(cd "$site" && "$HEARTH" build -q --out "$work/full/public" 2>&1); then
	notok "atomic: disk full: the mini site fits in 2 MiB" "$out"
else
	# Five MB of body text: the page, the feeds and the search index
	# need several times the room there is.
	{
		printf -- '---\ntitle: 写满磁盘的新闻\ndate: 2023-06-05\nprovince: "99"\n---\n\n'
		yes '这是很长的一段正文，用来把磁盘写满。这是很长的一段正文，用来把磁盘写满。' |
		    head -n 45000
		echo
	} > "$site/content/news/big.md"
	# "<output>: error: cannot write <file>: No space left on device;
	# no other file is written", once: the disk is full for every file.
	expect_failure "disk full" "$site" "$work/full/public" \
	    '^[^ ]*public: error: cannot write [^ :]*[^ /]: No space left on device' once
	# Whatever the failed build left must not keep the next one from
	# fitting: without the big item the site builds again.
	rm "$site/content/news/big.md"
	echo "再发布一次。" >> "$site/content/news/one.md"
	if out=$(cd "$site" && "$HEARTH" build -q --out "$work/full/public" 2>&1) &&
	    grep -qF "再发布一次。" "$work/full/public/news/one/index.html"; then
		ok "atomic: disk full: once there is room, the next build publishes"
	else
		notok "atomic: disk full: once there is room, the next build publishes" \
		    "$out" "$(df -k "$work/full" | tail -1)"
	fi
fi
rm -rf "$site"

# ---- 3. unwritable output --------------------------------------------------

site=$(mksite mini)
if ! mnt "$work/ro" -o size=16m; then
	notok "atomic: read-only output folder: mount a tmpfs"
elif ! out=$(cd "$site" && "$HEARTH" build -q --out "$work/ro/public" 2>&1); then
	notok "atomic: read-only output folder: first build" "$out"
elif ! mount -o remount,ro "$work/ro"; then
	notok "atomic: read-only output folder: remount read-only"
else
	# root ignores permissions, not a read-only file system.
	echo "写入只读文件系统" >> "$site/content/news/one.md"
	expect_failure "read-only output folder" "$site" "$work/ro/public" \
	    'Read-only file system' once
fi

# The output a read-only mount point in a writable folder: everything is
# written, the swap is refused.
mkdir -p "$work/rw"
if ! out=$(cd "$site" && "$HEARTH" build -q --out "$work/rw/public" 2>&1); then
	notok "atomic: read-only output mount point: first build" "$out"
elif ! mount --bind "$work/rw/public" "$work/rw/public" ||
    ! mounts=("$work/rw/public" "${mounts[@]}") ||
    ! mount -o remount,bind,ro "$work/rw/public"; then
	notok "atomic: read-only output mount point: bind-mount read-only"
else
	echo "再改一次" >> "$site/content/news/one.md"
	expect_failure "read-only output mount point" "$site" "$work/rw/public" \
	    'public: error: cannot publish'
fi

# A TMPDIR where no scratch file can be made (it is gone): one error,
# where the database and each workbook gave one each.
mkdir -p "$work/tmpd"
if ! out=$(cd "$site" && "$HEARTH" build -q --out "$work/tmpd/public" 2>&1); then
	notok "atomic: a TMPDIR that is gone: first build" "$out"
else
	echo "临时文件夹不见了" >> "$site/content/news/one.md"
	TMPDIR=$work/gone expect_failure "a TMPDIR that is gone" "$site" \
	    "$work/tmpd/public" 'gone: error: cannot make scratch files' once
fi
rm -rf "$site"
