# stack.sh — stacks trained stage by stage.
#  1. A DBN of two RBMs on bars-and-stripes: stopping after the first stage
#     and resuming from its checkpoint gives a checkpoint byte-identical to
#     an uninterrupted run.
#  2. The DBN generates (top-layer Gibbs, then one pass down) a PNG.
#  3. The pretraining stack of a tiny DBM composes into the joint model and
#     trains it; a backprop stage unrolls a stack with labels into a
#     classifier that learns bars from stripes;
#  4. the DBM unrolled with mean-field-augmented inputs learns it too.
. tests/e2e/lib.sh
bas_dbn "$T/s.ebm" 50 300
"$EBMC" train "$T/s.ebm" --out "$T/full.st" --quiet && ok "stack trained in one run" || notok "stack trained in one run"
"$EBMC" train "$T/s.ebm" --out "$T/part.st" --stages 1 --quiet && ok "stack stopped after one stage" || notok "stopped after one stage"
"$EBMC" train "$T/s.ebm" --out "$T/resumed.st" --resume "$T/part.st" >"$T/resume.log" 2>&1
grep -q "resuming after 1 of 2 stages" "$T/resume.log" && ok "resume skips the completed stage" || notok "resume skips the completed stage" "$(head -3 "$T/resume.log")"
cmp -s "$T/full.st" "$T/resumed.st" && ok "resumed run is byte-identical to the uninterrupted one" || notok "resumed run byte-identical"
"$EBMC" train "$T/s.ebm" --out "$T/again.st" --resume "$T/full.st" >"$T/again.log" 2>&1
grep -q "no stage to train: 2 of 2 stages are done already" "$T/again.log" && [ ! -e "$T/again.st" ] &&
    ok "resuming a finished stack says nothing is left and writes nothing" ||
    notok "resuming a finished stack says nothing is left" "$(tail -2 "$T/again.log")" "$(ls "$T")"
"$EBMC" sample "$T/s.ebm" --params "$T/full.st" --chains 9 --steps 50 --out "$T/dbn.png" >/dev/null 2>&1 &&
    [ "$(head -c 4 "$T/dbn.png" | od -An -c | tr -d ' ')" = "211PNG" ] && ok "DBN samples as a PNG" || notok "DBN samples as a PNG"

# labels: bars (class 0) and stripes (class 1), one-hot after the 16 pixels
awk 'BEGIN {
    for (m = 1; m < 15; m++) { line = ""; for (r = 0; r < 4; r++) for (c = 0; c < 4; c++) line = line int(m / 2^r) % 2 ","; print line "0,1" }
    for (m = 1; m < 15; m++) { line = ""; for (r = 0; r < 4; r++) for (c = 0; c < 4; c++) line = line int(m / 2^c) % 2 ","; print line "1,0" }
}' >"$T/labelled.csv"
sed -e "s|data = bars_and_stripes(4, 4)|data = csv(\"$T/labelled.csv\")|" \
    -e 's/^\(  stage two .*\)$/\1\n  stage tune { method = backprop  optimizer = adam  epochs = 300  batch = 28  lr = 0.01 }/' "$T/s.ebm" >"$T/t.ebm"
"$EBMC" train "$T/t.ebm" --out "$T/t.st" >"$T/tune.log" 2>&1
acc=$(sed -n 's/^stage tune: training accuracy \([0-9.]*\).*/\1/p' "$T/tune.log")
if [ -n "$acc" ] && awk "BEGIN{exit !($acc >= 0.95)}"; then ok "backprop stage: bars vs stripes, training accuracy $acc"
else notok "backprop stage classifies bars vs stripes" "accuracy '$acc'" "$(tail -3 "$T/tune.log")"; fi

cat >"$T/d.ebm" <<'SPEC'
model p1 {
  visible v[16] : bernoulli
  visible v2[16] : bernoulli
  hidden h[8] : bernoulli
  param W1[16, 8] init normal(0, 0.1)
  param b[16]
  param c1[8]
  energy = - sum(i) b[i]*v[i] - sum(i) b[i]*v2[i] - sum(j) c1[j]*h[j] - sum(i, j) v[i]*W1[i, j]*h[j] - sum(i, j) v2[i]*W1[i, j]*h[j]
}
model p2 {
  visible v[8] : bernoulli
  hidden h[6] : bernoulli
  hidden h2[6] : bernoulli
  param W2[8, 6] init normal(0, 0.1)
  param c2[6]
  energy = - sum(j) c2[j]*h[j] - sum(j) c2[j]*h2[j] - sum(i, j) v[i]*W2[i, j]*h[j] - sum(i, j) v[i]*W2[i, j]*h2[j]
}
model joint {
  visible v[16] : bernoulli
  hidden h1[8] : bernoulli
  hidden h2[6] : bernoulli
  param W1[16, 8]
  param W2[8, 6]
  param b[16]
  param c1[8]
  param c2[6]
  energy = - sum(i) b[i]*v[i] - sum(j) c1[j]*h1[j] - sum(k) c2[k]*h2[k] - sum(i, j) v[i]*W1[i, j]*h1[j] - sum(j, k) h1[j]*W2[j, k]*h2[k]
}
stack d { layers = p1, p2  kind = dbm  joint = joint }
train d {
  stage one { layer = p1  data = bars_and_stripes(4, 4)  method = cd(k = 1)  batch = 30  epochs = 200  lr = 0.05 }
  stage two { layer = p2  method = cd(k = 1)  batch = 30  epochs = 200  lr = 0.05 }
  stage all { joint = joint  method = pcd(k = 1, chains = 50)  batch = 30  epochs = 200  lr = 0.01  mean_field = 5  monitor = recon_error every 200 }
}
SPEC
"$EBMC" train "$T/d.ebm" --out "$T/d.st" >"$T/dbm.log" 2>&1 && grep -q "^epoch 200/200  recon" "$T/dbm.log" &&
    ok "DBM pretraining stack composes into the joint model and trains it" || notok "DBM stack" "$(tail -3 "$T/dbm.log")"
"$EBMC" sample "$T/d.ebm" --params "$T/d.st" --chains 9 --steps 50 --out "$T/dbm.png" >/dev/null 2>&1 && ok "DBM stack samples its joint model" || notok "DBM stack samples"
"$EBMC" sample "$T/d.ebm" --params "$T/d.st" --chains 9 --steps 50 --out "$T/dbm.csv" >/dev/null 2>&1
[ "$(awk -F, 'NR > 1 && NF == 16 { n++ } END { print n + 0 }' "$T/dbm.csv")" = 9 ] && head -1 "$T/dbm.csv" | grep -q '^v_0,' &&
    ok "DBM stack samples as CSV, named by its joint model" || notok "DBM stack samples as CSV" "$(head -2 "$T/dbm.csv")"

# eval on a DBM stack's checkpoint evaluates its joint model, on the stack's
# data: the same report as the joint model alone with its tensors pulled
# out of the checkpoint by the file format (st_extract.py, no ebmc code)
python3 tests/e2e/st_extract.py "$T/d.st" "$T/j.st" joint. &&
    sed -n '/^model joint/,/^}/p' "$T/d.ebm" | sed 's/^model joint/model alone/' >"$T/j.ebm"
"$EBMC" eval "$T/d.ebm" --params "$T/d.st" --exact >"$T/dj.yaml" 2>"$T/dj.err"
"$EBMC" eval "$T/j.ebm" --params "$T/j.st" --data bars_and_stripes --exact >"$T/jj.yaml" 2>&1
if grep -q '^model: joint$' "$T/dj.yaml" && grep -q '^examples: 30$' "$T/dj.yaml" && grep -q '^exact_logz: ' "$T/dj.yaml" &&
    [ "$(sed 1,2d "$T/dj.yaml")" = "$(sed 1,2d "$T/jj.yaml")" ]; then
    ok "eval on a DBM stack's checkpoint: its joint model, $(grep exact_logz "$T/dj.yaml")"
else notok "eval on a DBM stack" "$(cat "$T/dj.err")" "$(diff "$T/dj.yaml" "$T/jj.yaml" | head -6)"; fi
printf '1,0,1,0,1,0,1,0\n0,1,0,1,0,1,0,1\n' >"$T/h8.csv"
"$EBMC" eval "$T/d.ebm" --params "$T/d.st" --model p2 --data "$T/h8.csv" --exact >"$T/p2.yaml" 2>&1
grep -q '^model: p2$' "$T/p2.yaml" && grep -q '^exact_loglik: ' "$T/p2.yaml" && ok "eval --model picks a stack layer" ||
    notok "eval --model p2" "$(cat "$T/p2.yaml")"
expect_fail "eval --model with a name the spec lacks" "did you mean 'joint'" "$EBMC" eval "$T/d.ebm" --params "$T/d.st" --model jiont

# 4. the DBM unrolled (Salakhutdinov & Hinton 2009): its network reads the
#    image and the joint model's mean-field q(h2 | v), starts from the
#    joint weights, and learns bars from stripes by back-propagation
sed -e 's/^\(  stage all .*\)$/\1\n  stage tune { method = backprop  data = csv("LABELLED")  optimizer = adam  epochs = 300  batch = 28  lr = 0.01  test = csv("LABELLED") }/' \
    -e "s|LABELLED|$T/labelled.csv|g" "$T/d.ebm" >"$T/dt.ebm"
EBMC_VERBOSE=1 "$EBMC" train "$T/dt.ebm" --out "$T/dt.st" >"$T/dtune.log" 2>"$T/dtune.err"
acc=$(sed -n 's/^stage tune: training accuracy \([0-9.]*\), test accuracy \([0-9.]*\).*/\2/p' "$T/dtune.log")
if [ -n "$acc" ] && awk "BEGIN{exit !($acc >= 0.95)}" && grep -q '^  visible m1\[6\] : bernoulli$' "$T/dtune.err" &&
    grep -q '^  let a0\[.*m1\[' "$T/dtune.err"; then
    ok "DBM backprop stage: mean-field-augmented network, accuracy $acc"
else notok "DBM backprop stage" "accuracy '$acc'" "$(tail -3 "$T/dtune.log")" "$(grep -E 'visible|let' "$T/dtune.err")"; fi
