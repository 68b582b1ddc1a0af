# fuzz_regressions.sh — every input a fuzzer (or issue 17) crashed ebmc
# with, replayed: tests/fuzz/regressions/spec/* through 'ebmc train F
# --print-config' (the spec and its settings), and tests/fuzz/regressions/cli/*
# (one argument per line) through 'ebmc train SPEC ARGS --print-config'. Each must end in exit 0 or 1, within 30 s,
# never a signal. (The loaders' regressions: tests/unit/test_fuzz_regressions.c.)
. tests/e2e/lib.sh
n=0
for f in tests/fuzz/regressions/spec/*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    timeout 30 "$EBMC" train "$f" --print-config >/dev/null 2>"$T/err"
    rc=$?
    [ $rc -le 1 ] && ok "regression $f: exit $rc" || notok "regression $f: exit $rc" "$(head -c 300 "$T/err")"
done
for f in tests/fuzz/regressions/cli/*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    # the arguments, one per line, as "$@"
    set --
    while IFS= read -r line || [ -n "$line" ]; do set -- "$@" "$line"; done <"$f"
    (cd "$T" && timeout 30 "$EBMC" train "$OLDPWD/specs/rbm_bas.ebm" "$@" --print-config) >/dev/null 2>"$T/err"
    rc=$?
    [ $rc -le 1 ] && ok "regression $f: exit $rc" || notok "regression $f: exit $rc" "$(head -c 300 "$T/err")"
    [ -z "$(ls -A "$T" | grep -v '^err$')" ] && ok "regression $f: nothing written" || notok "regression $f: nothing written" "$(ls -A "$T")"
done
[ $n -ge 4 ] && ok "$n regressions replayed" || notok "expected the recorded regressions, found $n"
