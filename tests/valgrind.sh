#!/bin/bash
# The demo site built under valgrind memcheck (make valgrind): a full build
# from the working tree and one of the committed revision through libgit2,
# each into a fresh folder.  Each must report no errors and no definite
# leaks; the summary lines are printed as they are.
set -u
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
HEARTH=${VALGRIND_HEARTH:-$ROOT/build/hearth}	# not the ASan build
work=$(mktemp -d "${TMPDIR:-/tmp}/hearth-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT

if ! command -v valgrind >/dev/null; then
	notok "valgrind: valgrind is not installed (make test-deps)"
	exit 0
fi

# memcheck NAME ARGS...: run hearth ARGS under memcheck.
memcheck() {
	local name=$1 log=$work/$1.log rc
	shift
	valgrind --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
	    --track-origins=yes "$HEARTH" "$@" >"$log" 2>&1
	rc=$?
	echo "# $name: $(grep -m1 'ERROR SUMMARY' "$log" | sed 's/^==[0-9]*== //')"
	echo "# $name: $(grep -m1 -E 'All heap blocks were freed|definitely lost' "$log" | sed 's/^==[0-9]*== *//')"
	if [ $rc -eq 0 ] && grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
		ok "valgrind: $name"
	else
		notok "valgrind: $name (exit status $rc)" \
		    "$(grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Mismatched|Syscall| +(at|by) )' "$log" | head -20)" \
		    "$(grep -m1 'ERROR SUMMARY' "$log")"
	fi
}

memcheck "demo build" build -q --out "$work/public"
if git rev-parse --verify -q HEAD >/dev/null 2>&1; then
	memcheck "demo build of HEAD through libgit2" build -q --rev HEAD \
	    --out "$work/public-rev"
fi
