#!/bin/bash
# The whole test suite.  Every group prints "ok - ..." / "not ok - ..."
# lines; this script runs them all (the sanitizer build by default, then
# the demo again with the release build users run) and ends with one line,
# "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
SHARED=${SHARED:-$ROOT/../shared}
ASAN=$ROOT/build/asan
log=$(mktemp)
trap 'rm -f "$log"' EXIT

group() {
	local name=$1 status
	echo "# $name"
	shift
	"$@" 2>&1 | tee -a "$log"
	status=${PIPESTATUS[0]}
	# A group that could not run (not executable, not found) or died of
	# a signal counts as a failure, not as nothing to report.
	if [ "$status" -ge 126 ]; then
		notok "$name: $* did not run to its end (status $status)" | tee -a "$log"
	fi
}

unit() {
	local t out
	for t in "$ASAN"/tests/test_*; do
		if out=$("$t" 2>&1); then
			ok "unit/$(basename "$t"): $(echo "$out" | tail -1)"
		else
			notok "unit/$(basename "$t")" "$out"
		fi
	done
}

mustache() {
	local dir=$SHARED/conformance/mustache line
	if [ ! -d "$dir" ]; then
		echo "mustache: conformance suites not found at $dir; skipped"
		return
	fi
	"$ASAN"/tests/mustache-spec "$dir" 2>&1 | while IFS= read -r line; do
		case $line in
		"mustache "*": "*/*" passed")
			n=${line##*: }; n=${n% passed}
			if [ "${n%/*}" = "${n#*/}" ]; then ok "$line"
			else notok "$line"; fi ;;
		*) echo "    $line" ;;
		esac
	done
}

# Every input that once crashed a fuzz target, then FUZZ_SMOKE_SECONDS
# (10) of fuzzing per target from the seed corpus (make fuzz runs longer).
# The seed is fixed (FUZZ_SEED, default 1; empty for a random one) so that
# the suite gives the same verdict on every clean clone; finding new inputs
# is `make fuzz`'s job.
fuzz() {
	tests/fuzz/run.sh regress
	FUZZ_SEED=${FUZZ_SEED-1} tests/fuzz/run.sh fuzz \
	    "${FUZZ_SMOKE_SECONDS:-10}"
}

group "module layering" tests/layering.sh
group "messages in the users' language" tests/i18n.sh
group "unit tests (ASan+UBSan)" unit
group "Mustache spec conformance (ASan+UBSan)" mustache
group "bad input" tests/errors/run.sh
group "check is a build that writes nothing" tests/e2e/check.sh
group "demo site end to end (ASan+UBSan)" tests/e2e/demo.sh
group "escaping" tests/e2e/escape.sh
group "images and files beside news items" tests/e2e/bundles.sh
group "hearth new news" tests/e2e/new.sh
group "national reference (GEOS)" tests/reference/run.sh
group "hearth new site: any province" tests/e2e/newsite.sh
group "base path" tests/e2e/basepath.sh
group "open data" tests/e2e/data.sh
group "the build cache only makes builds faster" tests/e2e/cache.sh
group "a rebuild keeps the pages of unchanged inputs" tests/e2e/incremental.sh
group "an output restored alone is checked by its record" tests/e2e/restored.sh
group "maps" tests/e2e/maps.sh
group "git" tests/e2e/git.sh
group "signed ownership and the push hook" tests/e2e/signed.sh
group "releases are inputs" tests/e2e/releases.sh
group "hostile git objects (ASan+UBSan)" tests/e2e/gitlimits.sh
group "plugins" tests/e2e/plugins.sh
group "preview server (ASan+UBSan)" tests/e2e/serve.sh
group "browser" tests/browser/run.sh
group "adversarial input (ASan+UBSan)" tests/adversarial/run.sh
group "resource limits (ASan+UBSan)" tests/e2e/limits.sh
group "atomic publishing (release build)" env HEARTH="$ROOT/build/hearth" tests/e2e/atomic.sh
group "fuzzing: regressions and a short burst per target" fuzz
group "valgrind memcheck" tests/valgrind.sh
group "demo site with the release build" env HEARTH="$ROOT/build/hearth" tests/e2e/demo.sh

passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^not ok - ' "$log")
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
