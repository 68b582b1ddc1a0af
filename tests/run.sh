#!/bin/sh
# tests/run.sh — every test of `make test`, counted; ends with "N passed, N failed".
#
# C tests (tests/unit, tests/stats) print one line per case: "ok - NAME" or
# "not ok - NAME: why". Golden tests compare ebmc's output with files:
#   tests/golden/NAME.ebm + NAME.err     `ebmc check` fails with exactly this stderr
#   tests/golden/NAME.ebm + NAME.explain `ebmc explain` prints exactly this
#   tests/golden/NAME.ebm + NAME.yaml    `ebmc explain --format yaml`
#   tests/golden/specs/S.explain, S.yaml the same for specs/S.ebm
# End-to-end scripts (tests/e2e/*.sh) print ok / not ok lines like C tests.
EBMC=${EBMC:-./ebmc}
BUILD=${BUILD:-build}
pass=0
fail=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

count() {   # $1: a file of ok / not ok lines
    p=$(grep -c '^ok - ' "$1")
    f=$(grep -c '^not ok - ' "$1")
    pass=$((pass + p))
    fail=$((fail + f))
    grep '^not ok - ' "$1"
}

result() {  # $1: name, $2: 0 for pass, $3: diff file
    if [ "$2" = 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "not ok - $1"
        [ -n "$3" ] && head -40 "$3"
    fi
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    "$t" >"$out/$name.log" 2>&1
    rc=$?
    count "$out/$name.log"
    if [ $rc != 0 ] && ! grep -q '^not ok - ' "$out/$name.log"; then
        fail=$((fail + 1))
        echo "not ok - $name exited with status $rc"
        tail -5 "$out/$name.log"
    fi
done

golden() {  # $1: spec, $2: expected file, $3: mode
    exp=$2
    got="$out/golden.out"
    case $3 in
    err)
        "$EBMC" check "$1" >/dev/null 2>"$got"
        rc=$?
        if [ $rc != 1 ]; then echo "(exit status $rc, expected 1)" >>"$got"; fi ;;
    explain) "$EBMC" explain "$1" >"$got" 2>&1 ;;
    yaml) "$EBMC" explain --format yaml "$1" >"$got" 2>&1 ;;
    esac
    diff -u "$exp" "$got" >"$out/golden.diff" 2>&1
    result "golden $exp" $? "$out/golden.diff"
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
        else result "golden $exp is missing (make golden-update)" 1 ""; fi
    done
done

for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    EBMC="$EBMC" BUILD="$BUILD" sh "$t" >"$out/$name.log" 2>&1
    rc=$?
    count "$out/$name.log"
    if [ $rc != 0 ] && ! grep -q '^not ok - ' "$out/$name.log"; then
        fail=$((fail + 1))
        echo "not ok - e2e $name exited with status $rc"
        tail -5 "$out/$name.log"
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
