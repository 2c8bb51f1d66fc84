#!/bin/bash
# Hostile input: each folder here is one case, files laid over the mini
# site (tests/sites/mini, with the default theme) like tests/errors/, an
# optional setup.sh that makes what is too big or too odd to keep in git
# (40 MB files, NUL bytes, symbolic links; it runs inside the site, after
# the mini site was published once, with HEARTH set to the binary), and a
# file `expect`:
#
#     # comments
#     error SUBSTRING        the build exits 1 and prints SUBSTRING (several
#                            error lines: every one must appear); the
#                            previously published public/ is left byte for
#                            byte as it was
#     ok                     the build succeeds and its output is safe
#     output PATH SUBSTRING  (ok cases) public/PATH contains SUBSTRING
#     absent PATH            (ok cases) public/PATH was not written
#     broken-links-ok        (ok cases) links that lead nowhere are not
#                            problems (the case writes such links itself)
#
# Every case, whatever it expects:
#  - runs under `timeout $LIMIT` (60 s) and must not hang, crash, exit 2
#    (a fatal error) or trip a sanitizer (HEARTH is the ASan+UBSan build by
#    default);
#  - must not write outside the output: the site lives in a fresh temporary
#    folder beside a sentinel folder, and a listing (with content hashes) of
#    that folder, less public/, the writer's own folders beside it and
#    hearth's cache (.hearth/ in the site), is the same before and after
#    the build; a build that was not killed
#    leaves nothing beside public/ that a clean build does not; no "*pwned*" file (the name every
#    case that reaches for the disk uses) appears within three levels of /;
#  - ok cases: tests/e2e/check-html.mjs (a real HTML parser) finds no
#    problem in the pages, check-output.mjs none in the other outputs
#    (SVG maps and charts, Atom feeds, JSON, UTF-8 everywhere), and
#    xmllint finds every .svg and .xml file well-formed.
#
# Usage: tests/adversarial/run.sh [CASE...]   (default: every case)
# Prints TAP-style lines, "ok - adversarial/NAME" or "not ok - ..." with
# indented details, like the other groups.
set -u
. "$(dirname "$0")/../lib.sh"

ADV=$ROOT/tests/adversarial
LIMIT=${LIMIT:-60}
CHECK_HTML=$ROOT/tests/e2e/check-html.mjs
CHECK_OUT=$ADV/check-output.mjs

# Files named *pwned* near the top of the tree: cases that try to write
# outside the site all aim at such names (/tmp/pwned, /pwned, ../pwned).
canaries() {
	find / -maxdepth 3 \( -path /proc -o -path /sys -o -path /dev \) \
	    -prune -o -name '*pwned*' -print 2>/dev/null | sort
}

# Everything under the case's temporary folder except the published output,
# what the writer keeps beside it (site/public.* and site/.public*:
# spare tree, manifests, lock, inputs) and hearth's cache (site/.hearth):
# type, path, link target, and a hash of each file's content.
listing() {
	local own='-path ./site/public -o -path ./site/public.* -o -path ./site/.public* -o -path ./site/.hearth'
	# shellcheck disable=SC2086
	(cd "$1" && set -f && find . \( $own \) -prune -o -printf '%y %p %l\n' |
	    sort && find . \( $own \) -prune -o -type f -exec sha256sum {} + |
	    sort -k 2)
}

# A sorted hash listing of a published tree.
tree_sums() {
	(cd "$1" && find . -type f -exec sha256sum {} + | sort -k 2)
}

# The HTML checker walks the tree recursively; give node a stack deep
# enough for pages with 50,000 nested elements.
check_html() {
	local rc
	(ulimit -s unlimited 2>/dev/null || exit 99
	    exec node --stack-size=400000 "$CHECK_HTML" "$1" /)
	rc=$?
	if [ $rc -eq 99 ]; then
		node "$CHECK_HTML" "$1" /
		return
	fi
	return $rc
}

run_case() {
	local dir=$1 name parent site out err rc t0 t1 fails=() line kind arg
	local errs=() oks=0 outputs=() absents=() before_c after_c problems
	local broken_ok=0
	name=$(basename "$dir")
	if [ ! -f "$dir/expect" ]; then
		notok "adversarial/$name" "no expect file"
		return
	fi
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		'#'* | '') ;;
		'error '*) errs+=("${line#error }") ;;
		ok) oks=1 ;;
		'output '*) outputs+=("${line#output }") ;;
		'absent '*) absents+=("${line#absent }") ;;
		broken-links-ok) broken_ok=1 ;;
		*) notok "adversarial/$name" "bad line in expect: $line"; return ;;
		esac
	done < "$dir/expect"

	# The site, beside a sentinel folder, published once as it was.
	parent=$(mktemp -d "${TMPDIR:-/tmp}/hearth-adv.XXXXXX")
	site=$parent/site
	mkdir "$parent/sentinel" "$site"
	echo "nothing may touch this" > "$parent/sentinel/keep"
	cp -r "$ROOT/tests/sites/mini/." "$site/"
	cp -r "$ROOT/themes" "$site/themes"
	if ! out=$(cd "$site" && timeout "$LIMIT" "$HEARTH" build -q 2>&1); then
		notok "adversarial/$name: publishing the mini site first" "$out"
		rm -rf "$parent"
		return
	fi

	# The case's files (symbolic links and odd bytes kept as they are),
	# then its setup script.
	tar -C "$dir" --exclude=./expect --exclude=./setup.sh -cf - . |
	    tar -C "$site" -xf -
	if [ -f "$dir/setup.sh" ] &&
	    ! out=$(cd "$site" && CASE=$dir HEARTH=$HEARTH bash "$dir/setup.sh" 2>&1); then
		notok "adversarial/$name: setup.sh" "$out"
		rm -rf "$parent"
		return
	fi
	# public/ as the build finds it (setup.sh may have built again).
	tree_sums "$site/public" > "$parent/published"

	before_c=$(canaries)
	listing "$parent" > "$parent.before"
	out=$parent.out
	err=$parent.err
	t0=$(date +%s.%N)
	(cd "$site" && exec timeout -k 5 "$LIMIT" "$HEARTH" build) \
	    > "$out" 2> "$err"
	rc=$?
	t1=$(date +%s.%N)
	after_c=$(canaries)

	# What every case must do.
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		fails+=("no answer within $LIMIT s (killed)")
	elif [ $rc -gt 128 ]; then
		fails+=("killed by signal $((rc - 128))")
	elif [ $rc -eq 2 ]; then
		fails+=("exit status 2 (a fatal error, not a diagnostic)")
	fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' "$err"; then
		fails+=("sanitizer report: $(grep -m1 -E 'ERROR|runtime error' "$err")")
	fi
	if [ "$before_c" != "$after_c" ]; then
		fails+=("files appeared outside the site: $(comm -13 \
		    <(echo "$before_c") <(echo "$after_c") | tr '\n' ' ')")
	fi
	# Beside public/ the writer keeps only its spare tree, manifests,
	# lock and inputs fingerprint (docs/cli.md); nothing else.
	if [ $rc -lt 124 ] && problems=$(ls -A "$site" | grep -E '^\.?public' |
	    grep -vE '^(public|\.public\.(inputs|lock|spare|manifest\.[0-9]+))$'); then
		fails+=("the build left beside public/: $problems")
	fi
	listing "$parent" > "$parent.after"
	if ! cmp -s "$parent.before" "$parent.after"; then
		fails+=("the build changed files outside public/:
$(diff "$parent.before" "$parent.after" | grep '^[<>]' | head -10)")
	fi

	# What this case expects.
	if [ ${#errs[@]} -gt 0 ]; then
		[ $rc -eq 1 ] || [ $rc -ge 124 ] || fails+=("exit status $rc, expected 1")
		# A build that should have failed and published: say what its
		# output let through.
		if [ $rc -eq 0 ] && ! problems=$({ check_html "$site/public" &&
		    node "$CHECK_OUT" "$site/public"; } 2>&1); then
			fails+=("what the output let through:
$(printf '%s\n' "$problems" | grep -v '^checked ' | head -6)")
		fi
		for arg in "${errs[@]}"; do
			grep -qF -- "$arg" "$err" ||
			    fails+=("no diagnostic containing: $arg")
		done
		tree_sums "$site/public" > "$parent.now"
		if ! cmp -s "$parent/published" "$parent.now"; then
			fails+=("the published public/ changed:
$(diff "$parent/published" "$parent.now" | grep '^[<>]' | head -10)")
		fi
	elif [ $oks -eq 1 ]; then
		if [ $rc -ne 0 ]; then
			[ $rc -ge 124 ] || fails+=("exit status $rc, expected 0")
		else
			if ! problems=$(check_html "$site/public" 2>&1) &&
			    { [ $broken_ok -eq 0 ] || printf '%s\n' "$problems" |
			    grep -v ': broken link ' | grep -qv '^checked '; }; then
				fails+=("check-html.mjs:
$(printf '%s\n' "$problems" | tail -12)")
			fi
			if ! problems=$(node "$CHECK_OUT" "$site/public" 2>&1); then
				fails+=("check-output.mjs:
$(printf '%s\n' "$problems" | tail -12)")
			fi
			# Every XML output well-formed, by a real XML parser.
			if ! problems=$(find "$site/public" -type f \( -name '*.svg' \
			    -o -name '*.xml' \) -exec xmllint --noout {} + 2>&1); then
				fails+=("xmllint:
$(printf '%s\n' "$problems" | head -6)")
			fi
			for arg in "${outputs[@]}"; do
				kind=${arg%% *}
				if [ ! -f "$site/public/$kind" ]; then
					fails+=("public/$kind was not written")
				elif ! grep -qF -- "${arg#* }" "$site/public/$kind"; then
					fails+=("public/$kind does not contain: ${arg#* }")
				fi
			done
			for arg in "${absents[@]}"; do
				[ ! -e "$site/public/$arg" ] ||
				    fails+=("public/$arg was written")
			done
		fi
	else
		fails+=("expect says neither ok nor error")
	fi

	if [ ${#fails[@]} -eq 0 ]; then
		ok "adversarial/$name ($(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s)"
	else
		notok "adversarial/$name" "${fails[@]}" "exit status $rc; stderr:" \
		    "$(head -c 1500 "$err" | head -8)"
	fi
	rm -rf "$parent" "$parent.before" "$parent.after" "$parent.now" \
	    "$out" "$err"
}

if [ $# -gt 0 ]; then
	for c in "$@"; do run_case "$ADV/${c%/}"; done
else
	for dir in "$ADV"/*/; do run_case "${dir%/}"; done
fi
