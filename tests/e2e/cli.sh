# cli.sh — the command line tells a person what it did and what it takes:
# 'ebmc check' sums up a spec that checks (stdout; errors alone go to
# stderr); every 'ebmc COMMAND --help' usage line names every flag of the
# command, and is the man page's SYNOPSIS line for it (both come from the
# command's flag table in compiler/cli).
. tests/e2e/lib.sh

# 1. ebmc check: one line on success, nothing on stdout after an error
"$EBMC" check specs/rbm_bas.ebm >"$T/out" 2>"$T/err"
rc=$?
want="specs/rbm_bas.ebm: ok, model rbm_bas: 2 groups, 3 parameters (288 values), 2 sampling blocks"
if [ $rc = 0 ] && [ "$(cat "$T/out")" = "$want" ] && [ ! -s "$T/err" ]; then ok "ebmc check sums up the spec in one line"
else notok "ebmc check sums up the spec in one line" "exit $rc, stdout: $(cat "$T/out")" "want: $want" "stderr: $(head -3 "$T/err")"; fi
"$EBMC" check specs/dbm.ebm >"$T/out" 2>"$T/err"
if [ "$(wc -l <"$T/out")" = 1 ] && grep -q "^specs/dbm.ebm: ok, stack dbm (2 layers), 3 models: pre1 (3 groups, 3 parameters ([0-9]* values), 2 sampling blocks); pre2 (" "$T/out"
then ok "ebmc check sums up every model of a stack"
else notok "ebmc check sums up a stack" "$(cat "$T/out")"; fi
printf 'model m {\n  visible v[2] : bernoulli\n  energy = sum(i) w[i]*v[i]\n}\n' >"$T/bad.ebm"
"$EBMC" check "$T/bad.ebm" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc = 1 ] && [ ! -s "$T/out" ] && grep -q "error: unknown name 'w'" "$T/err"; then ok "ebmc check: an error goes to stderr alone, no summary"
else notok "ebmc check on an error" "exit $rc, stdout: $(cat "$T/out")"; fi

# 2. usage lines: complete, and the man page's SYNOPSIS
usage_line() {   # the usage line of 'ebmc $1 --help', joined
    "$EBMC" "$1" --help | sed -n '1,/^$/p' | tr '\n' ' ' | sed 's/^usage: //; s/  */ /g; s/ $//'
}
# the SYNOPSIS of docs/ebmc.1 as plain text, a line per command
awk '/^\.SH SYNOPSIS/ { on = 1; next } /^\.SH/ { on = 0 } !on { next }
     function emit() { if (line != "") print line; line = "" }
     /^\.br/ { emit(); next }
     /^\.(B|I) / { w = substr($0, 4) }
     /^\.(RB|IR|BR|RI|BI|IB) / { w = ""; for (i = 2; i <= NF; i++) w = w $i }
     !/^\./ { w = $0 }
     { line = line (line == "" ? "" : " ") w }
     END { emit() }' docs/ebmc.1 | sed 's/\\-/-/g' >"$T/synopsis"
cmds=$("$EBMC" --help | sed -n 's/^  \([a-z]*\)  .*/\1/p')
[ -n "$cmds" ] || notok "ebmc --help lists the commands"
for c in $cmds; do
    u=$(usage_line "$c")
    missing=""
    for f in $("$EBMC" "$c" --help | sed -n 's/^  \(--*[a-z][a-z-]*\).*/\1/p'); do
        case " $u " in *" $f "* | *"[$f "* | *"[$f]"*) ;; *) missing="$missing $f" ;; esac
    done
    [ -z "$missing" ] && ok "ebmc $c --help: the usage line names every flag" || notok "ebmc $c usage line" "missing:$missing" "$u"
    m=$(grep "^ebmc $c " "$T/synopsis"; grep -x "ebmc $c" "$T/synopsis")
    [ "$m" = "$u" ] && ok "docs/ebmc.1 SYNOPSIS: ebmc $c as its --help says" ||
        notok "docs/ebmc.1 SYNOPSIS of ebmc $c differs from --help" "man:  $m" "help: $u"
done
