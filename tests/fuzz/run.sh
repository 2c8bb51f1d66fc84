#!/bin/bash
# The fuzz test group (tests/fuzz/fuzz.mk runs it; tests/run.sh may too).
#
#   tests/fuzz/run.sh fuzz SECONDS [TARGET...]   fuzz each target
#   tests/fuzz/run.sh regress [TARGET...]        replay tests/fuzz/regress
#
# fuzz: the seed corpus is built first (tests/fuzz/seeds.sh, into
# build/fuzz/corpus/<target>/, kept between runs so coverage accumulates);
# each target then runs SECONDS on it with its own -max_len, printing
#
#   ok - fuzz/<target>: N execs in S s, corpus M
#   not ok - fuzz/<target>: ... crashed
#       <the crash file, copied into tests/fuzz/regress/<target>/>
#
# Every crash, leak, timeout or out-of-memory input libFuzzer writes is
# copied into tests/fuzz/regress/<target>/ (named by its SHA-1, so the same
# input is kept once) and becomes a regression case.  FUZZ_JOBS targets run
# at once (default 1).  FUZZ_SEED, when set, fixes libFuzzer's seed: the
# smoke run in the test suite sets it, so a fresh clone explores the same
# inputs every time and a failure there can be replayed; `make fuzz` leaves
# it unset and explores anew on every run.
#
# regress: every file under tests/fuzz/regress/*/ is run once through every
# target, no fuzzing: one line per target.
set -u
. "$(dirname "$0")/../lib.sh"
cd "$ROOT"
BIN=$ROOT/build/fuzz
WORK=$BIN/work
REGRESS=$ROOT/tests/fuzz/regress
ALL="fuzz_page fuzz_records fuzz_template fuzz_geo fuzz_owners fuzz_shortcode fuzz_htmlcheck fuzz_gittree"
export ASAN_OPTIONS=${FUZZ_ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${FUZZ_UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Longest input per target: long enough for the demo's files (boundary
# seeds are cut down by seeds.sh), short enough to keep runs fast.
maxlen() {
	case $1 in
	fuzz_page) echo 32768 ;;
	fuzz_records) echo 16384 ;;
	fuzz_template|fuzz_htmlcheck) echo 8192 ;;
	fuzz_geo) echo 65536 ;;
	fuzz_owners) echo 4096 ;;
	fuzz_shortcode) echo 4096 ;;
	*) echo 4096 ;;
	esac
}

# stat::NAME from libFuzzer's -print_final_stats output.
stat() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -1
}

fuzzone() {
	local t=$1 secs=$2 corpus=$BIN/corpus/$1 art=$WORK/$1/artifacts
	local log=$WORK/$1/log execs start end found f sum

	rm -rf "$art"
	mkdir -p "$corpus" "$art"
	start=$(date +%s)
	"$BIN/$t" -max_total_time="$secs" -max_len="$(maxlen "$t")" \
	    ${FUZZ_SEED:+-seed="$FUZZ_SEED"} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$art/" "$corpus" >"$log" 2>&1
	end=$(date +%s)
	execs=$(stat number_of_executed_units "$log")
	# A crash ends the run before the final stats: the last status line.
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -1)
	found=
	for f in "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-*; do
		[ -f "$f" ] || continue
		mkdir -p "$REGRESS/$t"
		sum=$(sha1sum <"$f" | cut -c1-40)
		cp "$f" "$REGRESS/$t/$(basename "$f" | cut -d- -f1)-$sum"
		found="$found $REGRESS/$t/$(basename "$f" | cut -d- -f1)-$sum"
	done
	if [ -n "$found" ]; then
		notok "fuzz/$t: ${execs:-?} execs in $((end - start)) s, crashed${FUZZ_SEED:+ (FUZZ_SEED=$FUZZ_SEED)}" \
		    $found "$(grep -m1 -E 'ERROR|runtime error|SUMMARY' "$log")" \
		    "log: $log"
	elif ! grep -q '^Done [0-9]* runs' "$log"; then
		notok "fuzz/$t: did not finish" "$(tail -5 "$log")" "log: $log"
	else
		ok "fuzz/$t: ${execs:-?} execs in $((end - start)) s, corpus" \
		    "$(find "$corpus" -type f | wc -l)"
	fi
}

# Run "$@" for each target, FUZZ_JOBS at a time, printing in order.
each() {
	local jobs=${FUZZ_JOBS:-1} t running=0
	local -a order=()

	for t in $TARGETS; do
		if [ ! -x "$BIN/$t" ]; then
			notok "fuzz/$t: $BIN/$t not built (make fuzz-bins)"
			continue
		fi
		mkdir -p "$WORK/$t"
		order+=("$t")
		"$@" "$t" >"$WORK/$t/result" &
		running=$((running + 1))
		if [ "$running" -ge "$jobs" ]; then
			wait -n
			running=$((running - 1))
		fi
	done
	wait
	for t in "${order[@]}"; do
		cat "$WORK/$t/result"
	done
}

regressone() {
	local t=$1 log=$WORK/$1/regress.log
	local -a inputs=()

	mapfile -t inputs < <(find "$REGRESS" -mindepth 2 -maxdepth 2 -type f \
	    ! -name '.*' ! -name README | sort)
	if [ "${#inputs[@]}" -eq 0 ]; then
		ok "fuzz-regress/$t: no inputs"
		return
	fi
	if "$BIN/$t" -timeout=10 -rss_limit_mb=2048 "${inputs[@]}" \
	    >"$log" 2>&1; then
		ok "fuzz-regress/$t: ${#inputs[@]} inputs"
	else
		notok "fuzz-regress/$t: failed" \
		    "$(grep -E '^Running: ' "$log" | tail -1)" \
		    "$(grep -m1 -E 'ERROR|runtime error|SUMMARY' "$log")" \
		    "log: $log"
	fi
}

mode=${1:-}
case $mode in
fuzz)
	secs=${2:?usage: run.sh fuzz SECONDS [TARGET...]}
	shift 2
	TARGETS=${*:-$ALL}
	"$ROOT/tests/fuzz/seeds.sh" "$BIN/corpus" >/dev/null
	fuzzone_secs() { fuzzone "$1" "$secs"; }
	each fuzzone_secs
	;;
regress)
	shift
	TARGETS=${*:-$ALL}
	each regressone
	;;
*)
	echo "usage: $0 fuzz SECONDS [TARGET...] | regress [TARGET...]" >&2
	exit 2
	;;
esac
