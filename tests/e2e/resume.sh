# resume.sh — crash-safe training: a run killed with SIGKILL at a random
# moment and resumed from its last checkpoint ends with parameters
# byte-identical to an uninterrupted run (PCD: the persistent chains, the
# optimiser's momentum and the random-number positions are in the
# checkpoint). Three kills at different moments; Ctrl-C (SIGINT) stops with
# a checkpoint that resumes the same way.
. tests/e2e/lib.sh
spec="$T/r.ebm"
sed -e 's/epochs   = 3000/epochs   = 1500/' -e 's/exact_loglik every 250/recon_error every 1500/' \
    -e 's/^  monitor .*$/&\n  checkpoint_every = 1/' specs/rbm_bas.ebm >"$spec"
"$EBMC" train "$spec" --out "$T/full.st" --quiet || notok "uninterrupted run"
for k in 1 2 3; do
    rm -f "$T/k.st"
    "$EBMC" train "$spec" --out "$T/k.st" --quiet &
    pid=$!
    # a random moment within the run (it takes a second or two)
    sleep "0.$(awk -v s=$k 'BEGIN { srand(s * 7919); printf "%02d", 5 + int(rand() * 80) }')"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    finished=$?
    if [ $finished = 0 ]; then
        : # the run ended before the kill: its file is final
    elif [ -f "$T/k.st" ]; then
        "$EBMC" train "$spec" --out "$T/k.st" --resume "$T/k.st" --quiet 2>"$T/err" || { notok "resume $k" "$(cat "$T/err")"; continue; }
    else
        "$EBMC" train "$spec" --out "$T/k.st" --quiet   # killed before the first checkpoint
    fi
    cmp -s "$T/full.st" "$T/k.st" && ok "killed run $k resumed: parameters byte-identical" || notok "killed run $k resumed: byte-identical"
done
# a kill during a write may leave a PATH.tmp.XXXXXX beside the target; the
# target itself is never partial (every file above was read back whole)

rm -f "$T/i.st"
"$EBMC" train "$spec" --out "$T/i.st" >"$T/int.log" 2>&1 &
pid=$!
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
if grep -q "interrupted: the training state is in" "$T/int.log"; then
    [ $rc = 130 ] && ok "Ctrl-C stops with a checkpoint (exit 130)" || notok "Ctrl-C exit status" "$rc"
    "$EBMC" train "$spec" --out "$T/i.st" --resume "$T/i.st" --quiet
    cmp -s "$T/full.st" "$T/i.st" && ok "interrupted run resumed: byte-identical" || notok "interrupted run resumed: byte-identical"
else
    ok "Ctrl-C came after the run finished (nothing to resume)"
fi
expect_fail "resume from a plain parameter file" "not a training checkpoint" "$EBMC" train "$spec" --out "$T/x.st" --resume "$T/full.st"
