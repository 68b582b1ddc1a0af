# stages.sh — a stack's stage honours every train setting a single model
# honours, or refuses it where it is written (issue 16):
#  1. method = pt(...) in a stage trains (it used to pass check, then fail
#     "internal: method pt without a tempered model");
#  2. validation = ... in a stage is loaded (a missing file fails as for a
#     single model; it used to be ignored, exit 0), passed up through the
#     layers below like the data, and checked against the layer's width;
#  3. settings a stage cannot honour are errors at check time, with the
#     place: test = in a layer stage, wake_sleep in a stage, and the same
#     through --set;
#  4. --log writes every stage's epochs; Ctrl-C stops a stage with its
#     training state, and --resume continues it to a checkpoint
#     byte-identical to an uninterrupted run.
. tests/e2e/lib.sh
bas_dbn "$T/s.ebm" 20 20
# 1. parallel tempering in a stage
sed 's/stage one { layer = l1  data = bars_and_stripes(4, 4)  method = pcd(k = 1, chains = 20)/stage one { layer = l1  data = bars_and_stripes(4, 4)  method = pt(replicas = 4, chains = 20)/' \
    "$T/s.ebm" >"$T/pt.ebm"
"$EBMC" train "$T/pt.ebm" --out "$T/pt.st" >"$T/pt.log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q "swap" "$T/pt.log"; then ok "a stage with method = pt trains (swap rates printed)"
else notok "a stage with method = pt trains" "exit $rc: $(tail -2 "$T/pt.log")"; fi

# 2. validation: a missing file fails; rows of the stack's input are passed
#    up to the second layer; rows of the wrong width are refused
sed 's/lr = 0.05 }$/lr = 0.05  validation = csv("\/nonexistent.csv") }/' "$T/s.ebm" >"$T/v.ebm"
expect_fail "a stage's missing validation file fails like a single model's" "cannot read '/nonexistent.csv'" \
    "$EBMC" train "$T/v.ebm" --out "$T/v.st" --quiet
awk 'BEGIN { for (m = 0; m < 16; m++) { line = ""; for (r = 0; r < 4; r++) for (c = 0; c < 4; c++) line = line (c ? "," : (r ? "," : "")) int(m / 2^r) % 2; print line } }' >"$T/val16.csv"
sed -e "s|lr = 0.05 }\$|lr = 0.05  validation = csv(\"$T/val16.csv\")  monitor = fe_gap every 20 }|" "$T/s.ebm" >"$T/v2.ebm"
"$EBMC" train "$T/v2.ebm" --out "$T/v2.st" --log "$T/v2.yaml" --quiet 2>"$T/err"
rc=$?
if [ $rc = 0 ] && grep -A20 '^  two:' "$T/v2.yaml" | grep -q 'fe_gap: [-0-9]'; then
    ok "validation rows of the stack's input are passed up to a higher layer (fe_gap measured)"
else notok "validation passed up" "exit $rc: $(head -2 "$T/err")"; fi
sed -e "s|lr = 0.05 }\$|lr = 0.05 }|" -e "s|stage one { layer = l1  data = bars_and_stripes(4, 4)|stage one { layer = l1  data = bars_and_stripes(4, 4)  validation = csv(\"$T/bad.csv\")|" "$T/s.ebm" >"$T/v3.ebm"
echo "1,0,1" >"$T/bad.csv"
expect_fail "validation rows of the wrong width are refused" "the validation data has 3 values per example; it is passed up" \
    "$EBMC" train "$T/v3.ebm" --out "$T/v3.st" --quiet

# 3. refused where written
sed 's/lr = 0.05 }$/lr = 0.05  test = csv("x.csv") }/' "$T/s.ebm" >"$T/t.ebm"
"$EBMC" check "$T/t.ebm" 2>"$T/err"
rc=$?
if [ $rc = 1 ] && grep -q "t.ebm:20:[0-9]*: error: stage 'two': test = scores a backprop stage" "$T/err"; then
    ok "test = in a layer stage: an error at check time, at the setting"
else notok "test = in a layer stage refused at check" "exit $rc: $(head -2 "$T/err")"; fi
sed 's/stage two { layer = l2  method = pcd(k = 1, chains = 20)/stage two { layer = l2  method = wake_sleep(recognition = l1)/' "$T/s.ebm" >"$T/w.ebm"
"$EBMC" check "$T/w.ebm" 2>"$T/err"
rc=$?
if [ $rc = 1 ] && grep -q "w.ebm:20:[0-9]*: error: stage 'two': wake_sleep and reinforce train a single model" "$T/err"; then
    ok "wake_sleep in a stage: an error at check time, at the setting"
else notok "wake_sleep in a stage refused at check" "exit $rc: $(head -2 "$T/err")"; fi
expect_fail "test = through --set on a layer stage is refused" "stage 'two': test = scores a backprop stage" \
    "$EBMC" train "$T/s.ebm" --out "$T/x.st" --quiet --set 'train.two.test=csv("x.csv")'

# 4. --log, Ctrl-C, resume
sed 's/epochs = 20/epochs = 300/g' "$T/s.ebm" >"$T/long.ebm"
"$EBMC" train "$T/long.ebm" --out "$T/full.st" --quiet --log "$T/log.yaml" || notok "uninterrupted stack run"
n1=$(sed -n '/^  one:/,/^  two:/p' "$T/log.yaml" | grep -c '{epoch:')
n2=$(sed -n '/^  two:/,$p' "$T/log.yaml" | grep -c '{epoch:')
[ "$n1" = 300 ] && [ "$n2" = 300 ] && ok "--log: a line per epoch of every stage" || notok "--log of a stack" "$n1 and $n2 epoch lines"
# a run long enough for the signal to land in a stage on a fast machine
# (its epoch lines reach the log file a buffer at a time)
sed 's/epochs = 20/epochs = 20000/g' "$T/s.ebm" >"$T/vlong.ebm"
"$EBMC" train "$T/vlong.ebm" --out "$T/vfull.st" --quiet || notok "uninterrupted long stack run"
rm -f "$T/i.st" "$T/ilog.yaml"
"$EBMC" train "$T/vlong.ebm" --out "$T/i.st" --log "$T/ilog.yaml" >"$T/int.log" 2>&1 &
pid=$!
# Ctrl-C once the first stage has printed its first epoch line (the log
# is written when the run ends, so it cannot tell the progress)
started() {
    for i in $(seq 600); do
        grep -q '^epoch' "$1" 2>/dev/null && return 0
        sleep 0.05
    done
}
started "$T/int.log"
kill -INT $pid
wait $pid
rc=$?
if grep -q "interrupted in stage" "$T/int.log"; then
    [ $rc = 130 ] && ok "Ctrl-C stops a stage with its training state (exit 130)" || notok "Ctrl-C exit status" "$rc"
    "$EBMC" train "$T/vlong.ebm" --out "$T/i.st" --resume "$T/i.st" >"$T/res.log" 2>&1
    grep -q "resuming its training state" "$T/res.log" && ok "the resumed run continues the interrupted stage" ||
        notok "resume continues the stage" "$(head -3 "$T/res.log")"
    cmp -s "$T/vfull.st" "$T/i.st" && ok "interrupted stack resumed: byte-identical" || notok "interrupted stack resumed: byte-identical"
    ls "$T"/i.*state* >/dev/null 2>&1 && notok "the stage's state file is removed once the stage is done" ||
        ok "the stage's state file is removed once the stage is done"
else
    skip "Ctrl-C of a stage" "the run finished before the signal (nothing to resume)"
fi
# kill (SIGTERM) stops a stage the same way, with exit 128 + 15
rm -f "$T/t.st" "$T/tlog.yaml"
"$EBMC" train "$T/vlong.ebm" --out "$T/t.st" --log "$T/tlog.yaml" >"$T/term.log" 2>&1 &
pid=$!
started "$T/term.log"
kill -TERM $pid
wait $pid
rc=$?
if grep -q "interrupted in stage" "$T/term.log"; then
    [ $rc = 143 ] && ok "SIGTERM stops a stage with its training state (exit 143)" || notok "SIGTERM exit status" "$rc"
else
    skip "SIGTERM of a stage" "the run finished before the signal (exit $rc: $(tail -1 "$T/term.log"))"
fi

# the progress bar, on a terminal (script gives the run one), in every stage
if command -v script >/dev/null 2>&1; then
    TERM=xterm script -qec "'$EBMC' train '$T/long.ebm' --out '$T/bar.st'" /dev/null >"$T/bar.log" 2>&1
    bars=$(tr '\r' '\n' <"$T/bar.log" | grep -c 'epoch *[0-9]*/[0-9]* \[[#.]*\]')
    grep -q "stage two (2 of 2)" "$T/bar.log" && [ "$bars" -gt 0 ] &&
        ok "a stack's stages draw the progress bar on a terminal ($bars frames)" ||
        notok "progress bar of a stack" "$bars frames" "$(tail -c 300 "$T/bar.log")"
else
    ok "no script(1) to give the run a terminal: the bar is not checked"
fi
