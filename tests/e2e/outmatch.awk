# outmatch.awk — does a command's output (file 2) match a documented output
# block (file 1)? Used by docs.sh for ```output blocks:
#   - a line "..." stands for any lines (none included) of the output;
#   - a number matches within tol (given with -v tol=X) relative to its size
#     (|got - want| <= tol * max(1, |want|)); text between numbers must be
#     the same, trailing blanks aside;
#   - times are masked: a number followed by " s", "s", " s/epoch" or
#     "s/epoch" matches any number.
# Prints nothing and exits 0 on a match; else the first line that differs.
function numre() { return "-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?" }
function abs(x) { return x < 0 ? -x : x }
function same(want, got,    w, g, wn, gn, time) {
    sub(/[ \t]+$/, "", want); sub(/[ \t]+$/, "", got)
    while (1) {
        if (!match(want, numre())) return want == got
        wpre = substr(want, 1, RSTART - 1); wn = substr(want, RSTART, RLENGTH); want = substr(want, RSTART + RLENGTH)
        if (!match(got, numre())) return 0
        gpre = substr(got, 1, RSTART - 1); gn = substr(got, RSTART, RLENGTH); got = substr(got, RSTART + RLENGTH)
        if (wpre != gpre) return 0
        time = want ~ /^ ?s(\/epoch)?([^A-Za-z]|$)/
        if (!time && abs(gn - wn) > tol * (abs(wn) > 1 ? abs(wn) : 1)) return 0
    }
}
FNR == NR { want[++nw] = $0; next }
{ got[++ng] = $0 }
END {
    j = 1
    for (i = 1; i <= nw; i++) {
        if (want[i] == "...") {
            if (i == nw) exit 0
            while (j <= ng && !same(want[i + 1], got[j])) j++
            if (j > ng) { printf "expected, after some lines: %s\n(not in the output)\n", want[i + 1]; exit 1 }
            continue
        }
        if (j > ng) { printf "expected: %s\n     got: (the output ended)\n", want[i]; exit 1 }
        if (!same(want[i], got[j])) { printf "line %d of the block\nexpected: %s\n     got: %s\n", i, want[i], got[j]; exit 1 }
        j++
    }
    if (j <= ng) { printf "the output goes on: %s\n(end the block with ... if that is meant)\n", got[j]; exit 1 }
}
