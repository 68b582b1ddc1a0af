# lib.sh — helpers for end-to-end tests: one "ok" / "not ok" line per check.
EBMC=${EBMC:-./ebmc}
case $EBMC in /*) ;; *) EBMC=$(pwd)/$EBMC ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; shift; for l in "$@"; do echo "    $l"; done; }
# skip NAME WHY: a check that cannot run here; counted as skipped, not passed
skip() { echo "skip - $1: $2"; }

# expect_fail NAME PATTERN CMD...: exit status 1 and stderr matching PATTERN
expect_fail() {
    name=$1 pattern=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ $rc = 1 ] && grep -q -- "$pattern" "$T/err"; then ok "$name"
    else notok "$name" "exit status $rc (want 1), stderr: $(head -3 "$T/err")"; fi
}
