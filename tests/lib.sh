# Shared helpers for the test groups: each group prints TAP-style lines,
# "ok - name" or "not ok - name" followed by indented details, and
# tests/run.sh adds them up.
#
# HEARTH: the binary under test (tests/run.sh sets it; the sanitizer build
# by default).  ROOT: the repository.

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
HEARTH=${HEARTH:-$ROOT/build/asan/hearth}
case $HEARTH in /*) ;; *) HEARTH=$ROOT/$HEARTH ;; esac
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}

# Messages in English unless a test asks for another language (LANG=...
# on the command); the locale never changes what hearth writes.
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8

ok() { echo "ok - $*"; }
notok() { echo "not ok - $1"; shift; [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/    /'; return 0; }

# check NAME CMD...: ok if CMD succeeds, otherwise not ok with its output.
check() {
	local name=$1 output
	shift
	if output=$("$@" 2>&1); then ok "$name"; else notok "$name" "$output"; fi
}

# A fresh copy of a test site (tests/sites/NAME) with the default theme,
# in a new temporary directory; prints its path.
mksite() {
	local d
	d=$(mktemp -d "${TMPDIR:-/tmp}/hearth-test.XXXXXX")
	cp -r "$ROOT/tests/sites/$1/." "$d/"
	[ -d "$d/themes" ] || cp -r "$ROOT/themes" "$d/themes"
	echo "$d"
}
