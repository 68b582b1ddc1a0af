#!/bin/sh
# tests/run.sh [--full] [NAME...] — the tests of `make test` (or, with
# --full, of `make test-full`: every test; or the tests named), run in
# parallel and counted; ends with "N passed, N failed, N skipped".
#
# Each test prints one line per check: "ok - NAME", "not ok - NAME: why" or
# "skip - NAME: why" (a check that could not run here: it counts as skipped,
# never as passed). The tests:
#   C tests      BUILD/tests/test_* (tests/unit, tests/stats)
#   golden       tests/golden/NAME.ebm + NAME.err     `ebmc check` fails with exactly this stderr
#                tests/golden/NAME.ebm + NAME.explain `ebmc explain` prints exactly this
#                tests/golden/NAME.ebm + NAME.yaml    `ebmc explain --format yaml`
#                tests/golden/specs/S.explain, S.yaml the same for specs/S.ebm
#   end-to-end   tests/e2e/*.sh
# Every test is an independent program writing only its own temporary
# directory, so JOBS of them (default: the online CPUs) run at once; each
# one's output goes to a log, and a failing test's checks and the tail of
# its log are printed. BUILD/tests/times.txt gets each test's seconds (wall
# and CPU).
EBMC=${EBMC:-./ebmc}
BUILD=${BUILD:-build}
export EBMC BUILD SAN

# The slow statistical, differential and documentation checks: `make
# test-full` only, the slowest first. CPU seconds of each (times.txt of a
# make test-full): ais 232, docs 86, test_jit 68, build 53, stack 45,
# test_exact_small 38, sparse_exact_full 40, jit 17, pt 11, resume 10, interop 10, test_loss 9;
# make test's tests together 116 (config 33, bad_input 10, the rest under 9).
FULL_ONLY="e2e/updown_exact e2e/sparse_exact_full e2e/grbm_seeds e2e/mpi_options e2e/stack e2e/build_stack e2e/docs test_jit e2e/jit e2e/resume e2e/ais e2e/build e2e/build_methods e2e/build_all e2e/build_drive e2e/stages test_exact_small e2e/interop test_loss test_reverse e2e/pt e2e/rnn_rbm_backends"

# --one TEST LOG: run one test, its checks to LOG, its exit status to LOG.rc
if [ "$1" = --one ]; then
    start=$(date +%s.%N)
    case $2 in
    e2e/*) sh "tests/$2.sh" >"$3" 2>&1 ;;
    golden) sh tests/run.sh --golden >"$3" 2>&1 ;;
    *) "$BUILD/tests/$2" >"$3" 2>&1 ;;
    esac
    echo $? >"$3.rc"
    # wall seconds, and CPU seconds (user + system of the test's processes:
    # what a loaded machine does not inflate), from the shell's times
    times >"$3.times"   # not in $(...): a subshell has no children of its own
    cpu=$(sed -n 2p "$3.times" | sed 's/m/ /g; s/s//g' | awk '{ printf "%.1f", 60 * $1 + $2 + 60 * $3 + $4 }')
    echo "$(date +%s.%N) $start" | awk -v cpu="$cpu" '{ printf "%6.1f s %6.1f s cpu\n", $1 - $2, cpu }' >"$3.time"
    exit 0
fi

if [ "$1" = --golden ]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    golden() {  # $1: spec, $2: expected file, $3: mode
        got="$out/golden.out"
        case $3 in
        err)
            "$EBMC" check "$1" >/dev/null 2>"$got"
            rc=$?
            if [ $rc != 1 ]; then echo "(exit status $rc, expected 1)" >>"$got"; fi ;;
        explain) "$EBMC" explain "$1" >"$got" 2>&1 ;;
        yaml) "$EBMC" explain --format yaml "$1" >"$got" 2>&1 ;;
        esac
        if diff -u "$2" "$got" >"$out/golden.diff" 2>&1; then echo "ok - golden $2"
        else echo "not ok - golden $2"; head -40 "$out/golden.diff"; fi
    }
    for exp in tests/golden/*.err tests/golden/*.explain tests/golden/*.yaml; do
        [ -f "$exp" ] || continue
        golden "${exp%.*}.ebm" "$exp" "${exp##*.}"
    done
    for spec in specs/*.ebm; do
        s=$(basename "$spec" .ebm)
        for mode in explain yaml; do
            exp="tests/golden/specs/$s.$mode"
            if [ -f "$exp" ]; then golden "$spec" "$exp" "$mode"
            else echo "not ok - golden $exp is missing (make golden-update)"; fi
        done
    done
    exit 0
fi

full=0
[ "$1" = --full ] && full=1 && shift
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# the slowest first, so the long ones do not start last
tests=""
for t in $FULL_ONLY; do
    case $t in e2e/*) [ -f "tests/$t.sh" ] ;; *) [ -x "$BUILD/tests/$t" ] ;; esac || continue
    [ $full = 1 ] && tests="$tests $t"
done
for t in "$BUILD"/tests/test_* tests/e2e/*.sh golden; do
    case $t in
    golden) name=golden ;;
    *.sh) [ -f "$t" ] || continue; name=e2e/$(basename "$t" .sh) ;;
    *) [ -x "$t" ] || continue; name=$(basename "$t") ;;
    esac
    case " $FULL_ONLY " in *" $name "*) continue ;; esac
    tests="$tests $name"
done

# tests/run.sh NAME...: only those (test_rt_io, e2e/cli, golden)
[ $# -gt 0 ] && tests="$*"
mkdir -p "$out/e2e"
echo "running$(echo $tests | wc -w | awk '{ print " " $1 }') tests, $JOBS at a time$([ $full = 1 ] && echo ' (the full set)')"
# xargs -P: at most JOBS at once, and it waits for all of them
printf '%s\n' $tests | xargs -P "$JOBS" -I{} sh tests/run.sh --one {} "$out/{}.log"

pass=0 fail=0 skip=0
mkdir -p "$BUILD/tests"
: >"$BUILD/tests/times.txt"
for t in $tests; do
    log="$out/$t.log"
    p=$(grep -c '^ok - ' "$log") f=$(grep -c '^not ok - ' "$log") s=$(grep -c '^skip - ' "$log")
    rc=$(cat "$log.rc" 2>/dev/null || echo "?")
    echo "$(cat "$log.time" 2>/dev/null)  $t" >>"$BUILD/tests/times.txt"
    pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
    grep '^skip - ' "$log"
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        fail=$((fail + 1))
        echo "not ok - $t exited with status $rc"
    fi
    if [ "$f" != 0 ] || [ "$rc" != 0 ]; then
        # each failure with what it printed after it (a golden's diff),
        # then the end of the log
        awk '/^(ok|skip) - /{ n = 0 } /^not ok - /{ n = 25 } n > 0 { print; n-- }' "$log"
        echo "--- the end of $t's log:"
        tail -15 "$log" | sed 's/^/    /'
    fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
