# help.sh — help that teaches and stays true: every 'ebmc help TOPIC' page
# prints; misspelt topics, commands and flags get a suggestion; the flags the
# pages use exist; their specs check; the unit types they list are the
# compiler's; the man page renders cleanly and names every command and flag.
. tests/e2e/lib.sh
topics="units energy train sample eval build"
for t in $topics; do
    "$EBMC" help $t >"$T/$t.txt" 2>"$T/err"
    if [ $? = 0 ] && head -1 "$T/$t.txt" | grep -q "^ebmc help $t — " && [ "$(wc -l <"$T/$t.txt")" -ge 10 ]; then ok "ebmc help $t"
    else notok "ebmc help $t" "$(cat "$T/err")"; fi
done
"$EBMC" --help >"$T/usage" 2>&1
for t in $topics; do grep -q "$t" "$T/usage" || notok "ebmc --help lists topic $t"; done
ok "ebmc --help lists the help topics"
expect_fail "misspelt topic: did you mean" "did you mean 'ebmc help train'" "$EBMC" help trian
expect_fail "misspelt command: did you mean" "did you mean 'ebmc sample'" "$EBMC" sampel
expect_fail "misspelt flag: did you mean" "did you mean '--chains'" "$EBMC" sample specs/rbm_bas.ebm --chain 4
"$EBMC" help explain >"$T/ex" 2>&1 && grep -q "^usage: ebmc explain" "$T/ex" && ok "ebmc help COMMAND shows its flags" || notok "ebmc help COMMAND" "$(cat "$T/ex")"

# every flag a page uses in an "ebmc COMMAND ..." line is a flag of that command
bad=""
for t in $topics; do
    grep -E '^ +ebmc (check|explain|train|sample|eval) ' "$T/$t.txt" | while read -r _ cmd rest; do
        for f in $(echo "$rest" | grep -oE -- '--[a-z-]+' | sort -u); do
            "$EBMC" "$cmd" --help | grep -q -- "^  $f[ =]" || echo "$t: ebmc $cmd $f"
        done
    done
done >"$T/badflags"
if [ ! -s "$T/badflags" ]; then ok "the flags in the help pages exist"; else notok "flags in help pages" "$(cat "$T/badflags")"; fi

# the energy page's model is a valid spec
sed -n '/^    model rbm {/,/^    }/p' "$T/energy.txt" | sed 's/^    //' >"$T/energy.ebm"
if [ -s "$T/energy.ebm" ] && "$EBMC" check "$T/energy.ebm" >/dev/null 2>"$T/err"; then ok "the spec in 'ebmc help energy' checks"
else notok "the spec in 'ebmc help energy' checks" "$(cat "$T/err")"; fi
# the unit types the page lists are the compiler's (from its own note)
printf 'model m {\n  visible v[2] : nosuchtype\n  energy = sum(i) v[i]\n}\n' >"$T/u.ebm"
types=$("$EBMC" check "$T/u.ebm" 2>&1 | sed -n 's/.*the unit types are //p' | tr -d ',' | sed 's/ or / /; s/ and / /')
missing=""
for u in $types; do grep -q "^    $u " "$T/units.txt" || missing="$missing $u"; grep -q "\`$u\`" docs/language.md || missing="$missing $u(language.md)"; done
if [ -n "$types" ] && [ -z "$missing" ]; then ok "'ebmc help units' and docs/language.md list every unit type"
else notok "unit types listed" "missing:$missing (compiler: $types)"; fi

# the man page: renders without warnings; names every command and every flag
if command -v groff >/dev/null 2>&1; then
    w=$(groff -t -man -Tutf8 -ww -z docs/ebmc.1 2>&1)
    [ -z "$w" ] && ok "docs/ebmc.1 renders without warnings" || notok "docs/ebmc.1 renders without warnings" "$w"
    groff -t -man -Tascii docs/ebmc.1 2>/dev/null | col -b >"$T/man.txt"
else
    skip "docs/ebmc.1 renders without warnings" "no groff"
    sed -e 's/\\-/-/g' docs/ebmc.1 >"$T/man.txt"
fi
missing=""
for cmd in $(sed -n 's/^  \([a-z]*\)  .*/\1/p' "$T/usage"); do
    grep -q "ebmc $cmd\|^ *$cmd " "$T/man.txt" || missing="$missing $cmd"
    for f in $("$EBMC" "$cmd" --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p'); do
        grep -q -- "$f" "$T/man.txt" || missing="$missing $cmd$f"
    done
done
[ -z "$missing" ] && ok "the man page names every command and flag" || notok "the man page names every command and flag" "missing:$missing"
