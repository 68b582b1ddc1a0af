# config.sh — run configuration: YAML run files (--config), --set, the
# resolved configuration (--print-config) read back to the same run, errors
# at the YAML file's line and column, the configuration embedded in
# checkpoints, logs and eval reports; progress as a bar on a terminal and a
# YAML log.
. tests/e2e/lib.sh
spec=specs/rbm_bas.ebm

# 1. --print-config fed back with --config resolves to the same configuration
"$EBMC" train $spec --print-config >"$T/a.yaml" 2>"$T/err" || notok "print-config" "$(cat "$T/err")"
"$EBMC" train $spec --print-config --config "$T/a.yaml" >"$T/b.yaml" 2>"$T/err"
if cmp -s "$T/a.yaml" "$T/b.yaml"; then ok "print-config read back with --config: the same configuration"
else notok "print-config round trip" "$(diff "$T/a.yaml" "$T/b.yaml" | head -5) $(head -3 "$T/err")"; fi
# every setting a train block knows is printed (the list from the error note)
keys=$("$EBMC" train $spec --set zzzzzzzzzz=1 2>&1 | sed -n 's/.*note: the settings are //p' | tr -d ',')
missing=""
for k in $keys; do grep -q "^  #* *$k:" "$T/a.yaml" || missing="$missing $k"; done
if [ -n "$keys" ] && [ -z "$missing" ]; then ok "print-config prints every train setting ($(echo $keys | wc -w))"
else notok "print-config prints every train setting" "missing:$missing (keys: $keys)"; fi

# a changed configuration round-trips too (schedules, lists, adam, a data file)
cat >"$T/c.yaml" <<'EOF'
# flow and block style, spec text where a value is not a plain number
train: {lr: '0.5 until 3, 0.05', epochs: 7, optimizer: 'adam(beta1 = 0.8)', data: 'csv("d.csv", binarize = 0.5)'}
sample:
  chains: 4
  out: s.png
  clamp: 'v(value = 1)'
EOF
"$EBMC" train $spec --config "$T/c.yaml" --set train.seed=9 --set momentum=0.25 --print-config >"$T/c1.yaml" 2>"$T/err"
"$EBMC" train $spec --config "$T/c1.yaml" --print-config >"$T/c2.yaml" 2>>"$T/err"
if cmp -s "$T/c1.yaml" "$T/c2.yaml" && grep -q "^  epochs: 7$" "$T/c1.yaml" && grep -q "^  seed: 9$" "$T/c1.yaml" &&
   grep -q "^  momentum: 0.25$" "$T/c1.yaml" && grep -q "^  optimizer: 'adam(beta1 = 0.8, beta2 = 0.999" "$T/c1.yaml" &&
   grep -q "^  lr: '0.5 until 3, 0.05'$" "$T/c1.yaml" && grep -q "^  chains: 4$" "$T/c1.yaml" &&
   grep -q "^  data: 'csv(\"d.csv\", binarize = 0.5)'$" "$T/c1.yaml"; then
    ok "--config and --set override the spec (--set last); the result round-trips"
else notok "--config overrides" "$(cat "$T/err")" "$(diff "$T/c1.yaml" "$T/c2.yaml" | head -5)"; fi

# a stack: every stage's settings, by stage name; a stage's own override
"$EBMC" train specs/dbn.ebm --print-config --set train.layer2.epochs=3 >"$T/s1.yaml" 2>"$T/err"
"$EBMC" train specs/dbn.ebm --print-config --config "$T/s1.yaml" >"$T/s2.yaml" 2>>"$T/err"
if cmp -s "$T/s1.yaml" "$T/s2.yaml" && [ "$(grep -c '^    epochs: ' "$T/s1.yaml")" -ge 3 ] &&
   awk '/^  layer2:/{s=1} s && /^    epochs:/{print $2; exit}' "$T/s1.yaml" | grep -qx 3; then
    ok "stack: per-stage configuration round-trips, train.STAGE.KEY overrides one stage"
else notok "stack print-config" "$(cat "$T/err")"; fi

# 2. errors in a run file: at its line and column, with the line and a caret
cat >"$T/bad.yaml" <<'EOF'
train:
  lr: fast
  epochs: -3
  bach: 10
  monitor: [recon_error, pseudo_logik]
sample: {chians: 4}
EOF
"$EBMC" train $spec --config "$T/bad.yaml" >/dev/null 2>"$T/err"
rc=$?
f="$T/bad.yaml"
if [ $rc = 1 ] && grep -q "^$f:2:7: error: lr must be a number" "$T/err" && grep -q '^    2 |   lr: fast$' "$T/err" &&
   grep -q '^      |       \^~~~$' "$T/err" && grep -q "^$f:3:11: error: epochs must be an integer of at least 0, not -3" "$T/err" &&
   grep -q "^$f:4:3: error: unknown train setting 'bach'" "$T/err" && grep -q "note: did you mean 'batch'" "$T/err" &&
   grep -q "^$f:5:26: error: unknown monitor" "$T/err" && grep -q "^$f:6:10: error: unknown sample setting 'chians'" "$T/err"; then
    ok "run-file errors: wrong type, out of range, unknown keys, each at file:line:col with a caret"
else notok "run-file errors" "exit $rc" "$(cat "$T/err")"; fi
printf 'trian:\n  lr: 0.1\n' >"$T/bad2.yaml"
expect_fail "unknown section: did you mean" "bad2.yaml:1:1: error: unknown section 'trian'" "$EBMC" train $spec --config "$T/bad2.yaml"
printf 'train:\n  lr: 0.1\n   epochs: 3\n' >"$T/bad3.yaml"
expect_fail "YAML syntax error at its line and column" "bad3.yaml:3:10: error: mapping values are not allowed" "$EBMC" train $spec --config "$T/bad3.yaml"
printf 'train:\n  layer1: {epochs: 2}\n' >"$T/bad4.yaml"
expect_fail "a stage override on a spec without stages" "bad4.yaml:2:3: error: 'layer1' is not a train setting" "$EBMC" train $spec --config "$T/bad4.yaml"
expect_fail "a run file that does not exist" "cannot read run file" "$EBMC" train $spec --config "$T/none.yaml"
expect_fail "--set errors point into the --set text" "^--set:1:10: error: lr must be a number" "$EBMC" train $spec --set train.lr=abc
expect_fail "--set with an unknown block kind" "'tran' is not a kind of block" "$EBMC" train $spec --set tran.lr=1
expect_fail "stack: an unknown stage" "has no stage 'layr2'" "$EBMC" train specs/dbn.ebm --print-config --set train.layr2.epochs=1

# 3. training with a run file: the checkpoint, the log and the eval report embed the configuration
printf 'train:\n  epochs: 40\n  monitor: recon_error, exact_loglik every 20\n' >"$T/run.yaml"
"$EBMC" train $spec --config "$T/run.yaml" --out "$T/p.st" --log "$T/log.yaml" >"$T/train.out" 2>&1 || notok "train with --config" "$(tail -3 "$T/train.out")"
n=$(grep -c '^  - {epoch: ' "$T/log.yaml")
if [ "$n" = 40 ] && grep -q '^  - {epoch: 40, seconds: .*exact_loglik: ' "$T/log.yaml" && grep -q '^    epochs: 40$' "$T/log.yaml"; then
    ok "--log: the configuration, then one YAML line per epoch with every monitor"
else notok "--log" "$n epoch lines" "$(tail -2 "$T/log.yaml")"; fi
if grep -q 'epochs: 40' "$T/p.st"; then ok "the checkpoint embeds the resolved configuration"
else notok "checkpoint embeds the configuration"; fi
"$EBMC" eval $spec --params "$T/p.st" >"$T/eval.yaml" 2>&1
if grep -q '^train_config:$' "$T/eval.yaml" && grep -q '^    epochs: 40$' "$T/eval.yaml"; then ok "the eval report embeds the training configuration"
else notok "eval report embeds the configuration" "$(head -20 "$T/eval.yaml")"; fi
# eval's own section of a run file, and --set after it: the report the
# flags give, and a misspelt key at its line and column
printf 'eval:\n  seed: 9\n  data: "bars_and_stripes(4, 4)"\n' >"$T/ev.yaml"
"$EBMC" eval $spec --params "$T/p.st" --config "$T/ev.yaml" --set eval.seed=5 >"$T/ev1.yaml" 2>&1
"$EBMC" eval $spec --params "$T/p.st" --seed 5 --data bars_and_stripes >"$T/ev2.yaml" 2>&1
"$EBMC" eval $spec --params "$T/p.st" --seed 9 --data bars_and_stripes >"$T/ev3.yaml" 2>&1
if [ "$(cat "$T/ev1.yaml")" = "$(cat "$T/ev2.yaml")" ] && [ "$(cat "$T/ev1.yaml")" != "$(cat "$T/ev3.yaml")" ]; then
    ok "eval --config's eval: section, then --set eval.seed=5: the same report as --seed 5"
else notok "eval --config" "$(diff "$T/ev1.yaml" "$T/ev2.yaml" | head -5)"; fi
printf 'eval:\n  sed: 9\n' >"$T/ev_bad.yaml"
expect_fail "eval --config: a misspelt key at the run file's line" "ev_bad.yaml:2:3: error: unknown eval setting 'sed'" \
    "$EBMC" eval $spec --params "$T/p.st" --config "$T/ev_bad.yaml"
if grep -q 'batch/s' "$T/train.out"; then notok "no progress bar when not a terminal" "$(head -3 "$T/train.out")"
else ok "no progress bar when not a terminal: plain lines"; fi

# 4. on a terminal: a live bar with batches/s and ETA (script(1) gives a pty)
if command -v script >/dev/null 2>&1; then
    data='data=idx("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", binarize = 0.5, limit = 6000)'
    if [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then d="specs/rbm.ebm"; set -- --set "$data" --set epochs=2
    else d=$spec; set -- --set epochs=3000; fi
    script -qec "$EBMC train $d --out $T/tty.st $(printf "'%s' " "$@")" /dev/null >"$T/tty.out" 2>&1 </dev/null
    if grep -q 'batch/s  ETA' "$T/tty.out"; then ok "a progress bar on a terminal (batch/s, ETA)"
    else notok "progress bar on a terminal" "$(tr '\r' '\n' <"$T/tty.out" | tail -3)"; fi
    script -qec "$EBMC train $d --out $T/tty.st --quiet $(printf "'%s' " "$@")" /dev/null >"$T/q.out" 2>&1 </dev/null
    if [ ! -s "$T/q.out" ] || ! grep -q 'batch/s' "$T/q.out"; then ok "--quiet: no bar on a terminal"
    else notok "--quiet on a terminal" "$(head -c 300 "$T/q.out")"; fi
else
    skip "progress bar on a terminal" "no script(1)"
fi
