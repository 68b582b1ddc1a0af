# build_stack.sh — ebmc build of a spec with a stack (issue 16): the binary
# carries every part (layers, joint model, the tempered model of a pt
# stage, the network of a backprop stage) and runs them with the runtime's
# stack driver, the code ebmc train runs. For the same seed (7):
#   1. a DBN with a backprop stage and a DBM (a pt stage, a joint stage, a
#      mean-field-augmented backprop stage): BIN train writes ebmc train's
#      checkpoint byte for byte and prints its lines (timings aside);
#      BIN sample writes ebmc sample's PNG; BIN eval prints ebmc eval's report
#      (the first model of a DBN, a DBM's joint model);
#   2. BIN train --stages 1, then --resume, gives the uninterrupted
#      checkpoint; ebmc train resumes the binary's checkpoint the same;
#   3. a backprop stage whose data cannot be read at build time (the
#      network is compiled for its class count) is refused naming the stage;
#   4. a stack's binary takes --config and --set for its stages as ebmc
#      train does: the same checkpoint, log and --print-config for the same
#      overrides (and not the default run's), ebmc's message for a stage it
#      does not have, and a pt stage refused where no tempered model was
#      compiled in.
#   5. an up_down stage trains in the binary as in ebmc train.
# Before, ebmc build refused every stack.
. tests/e2e/lib.sh
# stack.sh's labelled bars and stripes (class 0: bars, 1: stripes, one-hot after the 16 pixels)
eval "$(sed -n '/^awk .BEGIN {$/,/labelled.csv"$/p' tests/e2e/stack.sh)"
# the models of stack.sh's DBN (lib.sh's bas_dbn) and DBM (d.ebm), with stages of this test's own
models() { sed -n "/^cat >\"\$T\/$1.ebm\"/,/^stack /p" tests/e2e/stack.sh | sed '1d;$d'; }
bas_dbn "$T/bas.ebm" 1 1
sed '/^stack /,$d' "$T/bas.ebm" >"$T/dbn.ebm"
cat >>"$T/dbn.ebm" <<SPEC
stack s { layers = l1, l2  kind = dbn }
train s {
  stage one { layer = l1  data = csv("$T/labelled.csv")  method = pcd(k = 1, chains = 20)  batch = 14  epochs = 30  lr = 0.05 }
  stage two { layer = l2  method = cd(k = 1)  batch = 14  epochs = 30  lr = 0.05 }
  stage tune { method = backprop  optimizer = adam  epochs = 30  batch = 28  lr = 0.01 }
}
SPEC
models d >"$T/dbm.ebm"
cat >>"$T/dbm.ebm" <<SPEC
stack d { layers = p1, p2  kind = dbm  joint = joint }
train d {
  stage one { layer = p1  data = bars_and_stripes(4, 4)  method = pt(replicas = 4, chains = 20)  batch = 30  epochs = 20  lr = 0.05 }
  stage two { layer = p2  method = cd(k = 1)  batch = 30  epochs = 20  lr = 0.05 }
  stage all { joint = joint  method = pcd(k = 1, chains = 50)  batch = 30  epochs = 20  lr = 0.01  mean_field = 5  halve = W2 }
  stage tune { method = backprop  data = csv("$T/labelled.csv")  optimizer = adam  epochs = 20  batch = 28  lr = 0.01  test = csv("$T/labelled.csv") }
}
SPEC
untimed() { sed -e 's/  [0-9.]* s\/epoch$//' -e "s|$T/[a-z_]*\\.|X.|g" "$1"; }
cut -d, -f1-16 "$T/labelled.csv" >"$T/pixels.csv"

# 1
for s in dbn dbm; do
    if ! "$EBMC" build "$T/$s.ebm" -o "$T/${s}bin" >"$T/out" 2>"$T/err"; then
        notok "ebmc build of a $s stack" "$(cat "$T/err")"
        continue
    fi
    ok "ebmc build of a $s stack: $(cat "$T/out")"
    "$T/${s}bin" train --seed 7 --out "$T/${s}_bin.st" >"$T/${s}_bin.out" 2>"$T/err"
    "$EBMC" train "$T/$s.ebm" --seed 7 --out "$T/${s}_ebmc.st" >"$T/${s}_ebmc.out" 2>&1
    if [ -s "$T/${s}_bin.st" ] && cmp -s "$T/${s}_bin.st" "$T/${s}_ebmc.st" &&
        [ "$(untimed "$T/${s}_bin.out")" = "$(untimed "$T/${s}_ebmc.out")" ]; then
        ok "$s: BIN train --seed 7 writes ebmc train's checkpoint byte for byte, and its lines ($(grep -c '^stage .* of' "$T/${s}_bin.out") stages)"
    else notok "$s: BIN train = ebmc train" "$(cat "$T/err")" "$(diff "$T/${s}_bin.out" "$T/${s}_ebmc.out" | head -6)"; fi
    "$T/${s}bin" sample --params "$T/${s}_bin.st" --chains 9 --steps 20 --seed 3 --out "$T/${s}_bin.png" >"$T/sb" 2>"$T/err"
    "$EBMC" sample "$T/$s.ebm" --params "$T/${s}_ebmc.st" --chains 9 --steps 20 --seed 3 --out "$T/${s}_ebmc.png" >"$T/se" 2>&1
    [ -s "$T/${s}_bin.png" ] && cmp -s "$T/${s}_bin.png" "$T/${s}_ebmc.png" && [ "$(untimed "$T/sb")" = "$(untimed "$T/se")" ] &&
        ok "$s: BIN sample writes ebmc sample's PNG (9 chains, 20 sweeps)" || notok "$s: BIN sample" "$(cat "$T/err")"
    # the DBM's on the stack's data (bars and stripes); the DBN's first layer takes the pixels alone
    set -- --exact
    [ $s = dbn ] && set -- --exact --data "$T/pixels.csv"
    "$T/${s}bin" eval --params "$T/${s}_bin.st" "$@" >"$T/eb" 2>"$T/err"
    "$EBMC" eval "$T/$s.ebm" --params "$T/${s}_ebmc.st" "$@" >"$T/ee" 2>&1
    [ "$(sed 2d "$T/eb")" = "$(sed 2d "$T/ee")" ] && grep -q '^exact_loglik: ' "$T/eb" &&
        ok "$s: BIN eval prints ebmc eval's report ($(grep '^model:' "$T/eb"), $(grep '^exact_loglik:' "$T/eb"))" ||
        notok "$s: BIN eval" "$(cat "$T/err")" "$(diff "$T/eb" "$T/ee" | head -6)"
done
# the DBM's joint model by AIS: the binary holds its tempered model
# (rt_drive_eval.c serves both), the bound and RAISE as ebmc's
"$T/dbmbin" eval --params "$T/dbm_ebmc.st" --ais --runs 20 --betas 300 --raise 5 --seed 2 >"$T/eb" 2>"$T/err"
"$EBMC" eval "$T/dbm.ebm" --params "$T/dbm_ebmc.st" --ais --runs 20 --betas 300 --raise 5 --seed 2 >"$T/ee" 2>&1
sed -i 's/seconds: [0-9.]*/seconds: S/' "$T/eb" "$T/ee"
cmp -s "$T/eb" "$T/ee" && grep -q '^ais_logz: ' "$T/eb" &&
    ok "dbm: BIN eval --ais prints ebmc's AIS of the joint model ($(grep '^ais_logz:' "$T/eb"))" ||
    notok "dbm: BIN eval --ais" "$(head -3 "$T/err")" "$(diff "$T/eb" "$T/ee" | head -6)"

# 2
"$T/dbmbin" train --seed 7 --stages 1 --out "$T/part.st" --quiet 2>"$T/err"
"$T/dbmbin" train --seed 7 --resume "$T/part.st" --out "$T/resumed.st" >"$T/out" 2>>"$T/err"
grep -q "resuming after 1 of 4 stages" "$T/out" && cmp -s "$T/resumed.st" "$T/dbm_ebmc.st" &&
    ok "BIN train --stages 1, then --resume: the uninterrupted checkpoint" || notok "BIN resume" "$(cat "$T/err")" "$(head -2 "$T/out")"
"$EBMC" train "$T/dbm.ebm" --seed 7 --resume "$T/part.st" --out "$T/resumed2.st" --quiet 2>"$T/err"
cmp -s "$T/resumed2.st" "$T/dbm_ebmc.st" && ok "ebmc train resumes a built binary's stack checkpoint" ||
    notok "ebmc resumes BIN's checkpoint" "$(cat "$T/err")"

# 3
sed "s|stage tune { method = backprop  data = csv(\"$T/labelled.csv\")|stage tune { method = backprop  data = csv(\"$T/missing.csv\")|" \
    "$T/dbm.ebm" >"$T/nodata.ebm"
expect_fail "a backprop stage whose data cannot be read at build time is refused, naming the stage" \
    "stage 'tune': backprop's network is compiled for the data's label classes" "$EBMC" build "$T/nodata.ebm" -o "$T/nobin"
[ ! -e "$T/nobin" ] && ok "the refused build writes no binary" || notok "refused build wrote $T/nobin"

# 4
printf 'train:\n  two: {epochs: 12}\n' >"$T/run.yaml"
set -- --seed 7 --config "$T/run.yaml" --set train.tune.lr=0.02 --set train.one.batch=7
"$T/dbnbin" train "$@" --out "$T/o_b.st" --log "$T/o_b.log" >"$T/o_b.out" 2>"$T/err"
"$EBMC" train "$T/dbn.ebm" "$@" --out "$T/o_e.st" --log "$T/o_e.log" >"$T/o_e.out" 2>&1
if [ -s "$T/o_b.st" ] && cmp -s "$T/o_b.st" "$T/o_e.st" && ! cmp -s "$T/o_b.st" "$T/dbn_bin.st" &&
    [ "$(untimed "$T/o_b.out")" = "$(untimed "$T/o_e.out")" ]; then
    ok "BIN train --config --set STAGE.KEY: ebmc train's checkpoint and lines for the same overrides, not the default run's"
else notok "stack BIN --config/--set" "$(cat "$T/err")" "$(diff "$T/o_b.out" "$T/o_e.out" | head -6)"; fi
logbody() { sed -e 1d -e 's/seconds: [0-9.]*//' -e "s|$T/o_[be]|R|g" "$1"; }
[ "$(logbody "$T/o_b.log")" = "$(logbody "$T/o_e.log")" ] && grep -q 'lr: 0.02' "$T/o_b.log" &&
    ok "BIN train --log of a stack: ebmc's (the overridden settings, a line per epoch)" ||
    notok "stack --log" "$(diff "$T/o_b.log" "$T/o_e.log" | head -6)"
"$T/dbnbin" train "$@" --print-config >"$T/p_b.yaml" 2>&1
"$EBMC" train "$T/dbn.ebm" "$@" --print-config >"$T/p_e.yaml" 2>&1
sed -n '/^  two:/,/^  tune:/p' "$T/p_b.yaml" | grep -q 'epochs: 12' && cmp -s "$T/p_b.yaml" "$T/p_e.yaml" &&
    ok "BIN train --print-config of a stack prints ebmc's" || notok "stack --print-config" "$(diff "$T/p_b.yaml" "$T/p_e.yaml" | head -4)"
"$T/dbnbin" train --set train.three.epochs=1 --out "$T/x.st" 2>"$T/e_b" && notok "--set of a stage the stack lacks ran"
"$EBMC" train "$T/dbn.ebm" --set train.three.epochs=1 --out "$T/x.st" 2>"$T/e_e" && notok "ebmc: --set of a missing stage ran"
msg=$(grep 'error:' "$T/e_b" | sed 's/^[^:]*: //')
[ -n "$msg" ] && [ "$msg" = "$(grep 'error:' "$T/e_e" | sed 's/^[^:]*: //')" ] && [ ! -e "$T/x.st" ] &&
    ok "BIN train --set of a stage the stack lacks: ebmc's message ($msg)" || notok "missing stage" "$(cat "$T/e_b")" "$(cat "$T/e_e")"
expect_fail "a --set that needs a tempered model the binary lacks is refused, naming the stage" \
    "stage 'two': method = pt needs the tempered model" "$T/dbnbin" train --set 'train.two.method=pt(replicas = 4)' --out "$T/y.st"
[ ! -e "$T/y.st" ] && ok "the refused run writes no checkpoint" || notok "refused run wrote $T/y.st"
expect_fail "BIN train --report of a stack: ebmc's refusal" "a stack's stages write their monitors per epoch with --log" \
    "$T/dbnbin" train --report "$T/r.yaml"

# 5. an up_down stage in a built binary: the same checkpoint (the untied
#    generative copy included) as ebmc train, seed 1
bas_dbn "$T/ud0.ebm" 50 300
awk '/^  stage two/ { print; print "  stage tune { method = up_down(k = 10)  batch = 10  epochs = 30  lr = 0.05 }"; next } { print }' \
    "$T/ud0.ebm" >"$T/ud.ebm"
"$EBMC" train "$T/ud.ebm" --out "$T/ud_ebmc.st" --seed 1 --quiet >/dev/null 2>&1
if "$EBMC" build "$T/ud.ebm" -o "$T/udbin" >"$T/out" 2>"$T/err" && "$T/udbin" train --out "$T/ud_bin.st" --seed 1 --quiet >/dev/null 2>&1 &&
    cmp -s "$T/ud_ebmc.st" "$T/ud_bin.st" && grep -q "l1.down.W1" "$T/ud_bin.st"; then ok "up_down in a built binary: ebmc train's checkpoint byte for byte"
else notok "up_down in a built binary" "$(tail -2 "$T/err")"; fi
