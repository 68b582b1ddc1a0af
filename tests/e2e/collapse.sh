#!/bin/sh
# collapse.sh — a finite collapse is caught, and the output is never the
# collapsed model unless asked. The forced collapse: the bars-and-stripes
# RBM by CD-1 (seed 1) reaches recon_error 0.051 in 300 epochs at lr 0.1;
# the schedule then jumps to lr 20 for epoch 301, and epoch 302 measures
# the state it left at 0.26 (an epoch is one batch, measured before its
# update), with every number finite. The last good state is epoch 300's:
# epoch 301 measured it well.
. tests/e2e/lib.sh
bas=specs/rbm_bas.ebm
run() {   # NAME, more flags: train the forced collapse
    name=$1
    shift
    "$EBMC" train "$bas" --set "lr=0.1 until 300, 20" --set "method=cd(k = 1)" --set momentum=0.5 --set epochs=306 \
        --set "monitor=recon_error every 1" --out "$T/$name.st" "$@" >"$T/$name.out" 2>"$T/$name.err"
}
last_recon() { grep '^epoch' "$T/$1.out" | tail -1 | sed 's/.*recon \([0-9.]*\).*/\1/'; }

# stop (the default): exit 1 naming the epoch and the rule; the output file
# holds epoch 300's state, the model a 300-epoch run writes
run stop
rc=$?
"$EBMC" train "$bas" --set "lr=0.1" --set "method=cd(k = 1)" --set momentum=0.5 --set epochs=300 \
    --set "monitor=recon_error every 1" --out "$T/good.st" >/dev/null 2>&1
"$EBMC" eval "$bas" --params "$T/stop.st" --exact 2>&1 | grep -E '^(recon_error|exact_logz|exact_loglik):' >"$T/stop.yaml"
"$EBMC" eval "$bas" --params "$T/good.st" --exact 2>&1 | grep -E '^(recon_error|exact_logz|exact_loglik):' >"$T/good.yaml"
if [ $rc = 1 ] && grep -q "training collapsed in epoch 302: recon_error 0.26111, more than twice the median" "$T/stop.err" &&
    grep -q "the state of epoch 300 is in" "$T/stop.err" && [ "$(wc -l <"$T/stop.yaml")" = 3 ] && cmp -s "$T/stop.yaml" "$T/good.yaml"; then
    ok "on_collapse = stop: exit 1, the epoch and the rule named, the output is epoch 300's model"
else notok "on_collapse = stop" "exit $rc" "$(cat "$T/stop.err")" "$(diff "$T/stop.yaml" "$T/good.yaml" | head -4)"; fi
# it resumes from there
"$EBMC" train "$bas" --set "lr=0.1" --set "method=cd(k = 1)" --set momentum=0.5 --set epochs=302 \
    --set "monitor=recon_error every 1" --resume "$T/stop.st" --out "$T/resumed.st" >"$T/resumed.out" 2>&1 &&
    grep -q '^epoch 301/302' "$T/resumed.out" && ok "the kept state resumes at epoch 301" ||
    notok "resume after a collapse" "$(tail -3 "$T/resumed.out")"

# restore: back to epoch 300 with lr x 0.01, then training goes on
run restore --set "on_collapse=restore(factor = 0.01)"
rc=$?
r=$(last_recon restore)
if [ $rc = 0 ] && grep -q "epoch 302: collapse: recon_error 0.26111.*back to epoch 300, learning rate x 0.01" "$T/restore.out" &&
    [ "$(grep -c 'collapse' "$T/restore.out")" = 1 ] && awk -v r="$r" 'BEGIN { exit !(r < 0.1) }'; then
    ok "on_collapse = restore(factor = 0.01): one restore, then recon_error $r at epoch 306"
else notok "on_collapse = restore" "exit $rc, last recon $r" "$(grep collapse "$T/restore.out")" "$(cat "$T/restore.err")"; fi

# ignore: the collapsed model, as asked
run ignore --set on_collapse=ignore
rc=$?
r=$(last_recon ignore)
[ $rc = 0 ] && awk -v r="$r" 'BEGIN { exit !(r > 0.2) }' && ! grep -q collapse "$T/ignore.out" &&
    ok "on_collapse = ignore: trains on, recon_error $r" || notok "on_collapse = ignore" "exit $rc, last recon $r"

# a noisy but healthy run does not trip it: PCD at lr 1 on bars and stripes
"$EBMC" train "$bas" --set lr=1 --set "method=pcd(k = 1, chains = 30)" --set momentum=0.9 --set epochs=100 \
    --set "monitor=recon_error, pseudo_loglik every 1" --out "$T/noisy.st" >"$T/noisy.out" 2>"$T/noisy.err" &&
    ok "a noisy run (recon_error 0.14 to 0.28 from epoch to epoch) is not a collapse" ||
    notok "false alarm" "$(cat "$T/noisy.err")"
expect_fail "on_collapse takes stop, restore or ignore" "did you mean 'restore'" \
    "$EBMC" train "$bas" --set on_collapse=restor --out "$T/x.st"
"$EBMC" train "$bas" --print-config --set "on_collapse=restore(factor = 0.25)" | grep -q "on_collapse: restore(factor = 0.25)" &&
    ok "--print-config shows on_collapse" || notok "--print-config on_collapse"
