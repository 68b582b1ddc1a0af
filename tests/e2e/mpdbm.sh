# mpdbm.sh — method = mp (the multi-prediction DBM) on a small synthetic
# labelled set: 3 classes of 16-pixel prototypes (stripes, columns, halves)
# with 10% of the pixels flipped (Park-Miller generator, seed 1), 600
# training and 300 held-out rows. A 16-8-6 DBM with the labels on top,
# trained by mp(iters = 3, drop = 0.5) for 30 epochs (seed 1), must predict
# the held-out labels by mean field far above chance (1/3): accuracy > 0.8
# with every pixel, > 0.6 with half of them missing. Then the refusals: mp
# on models it cannot unroll, in a stack's stage, with monitors it does not
# compute, --resume of a finished run's file (the model's, not the state of
# the network mp trains), and eval --missing out of range or without
# --target.
. tests/e2e/lib.sh
key() { sed -n "s/^$1: //p" "$2"; }
awk 'BEGIN {
    x = 1
    for (n = 0; n < 900; n++) {
        x = (x * 16807) % 2147483647; c = x % 3
        line = ""
        for (i = 0; i < 16; i++) {
            on = c == 0 ? int(i / 4) % 2 == 0 : c == 1 ? i % 2 == 0 : i < 8
            x = (x * 16807) % 2147483647
            if (x % 10 == 0) on = 1 - on
            line = line (on ? 1 : 0) ","
        }
        line = line (c == 0 ? "1,0,0" : c == 1 ? "0,1,0" : "0,0,1")
        print line > (n < 600 ? "'"$T"'/train.csv" : "'"$T"'/test.csv")
    }
}'
mp_spec "$T/mp.ebm" "$T/train.csv" 30
if "$EBMC" train "$T/mp.ebm" --quiet --out "$T/mp.safetensors" >"$T/train.out" 2>&1; then
    "$EBMC" eval "$T/mp.ebm" --params "$T/mp.safetensors" --data "$T/test.csv" >"$T/all.yaml" 2>"$T/err"
    "$EBMC" eval "$T/mp.ebm" --params "$T/mp.safetensors" --data "$T/test.csv" --missing 0.5 >"$T/half.yaml" 2>>"$T/err"
    a=$(key accuracy "$T/all.yaml") h=$(key accuracy "$T/half.yaml")
    if [ "$(key target_by "$T/all.yaml")" = mean_field ] && awk -v a="$a" -v h="$h" 'BEGIN { exit !(a > 0.8 && h > 0.6) }'
    then ok "mp: held-out accuracy by mean field $a with every pixel, $h with half missing (chance 0.33)"
    else notok "mp: held-out accuracy" "all: $a (want > 0.8), half missing: $h (want > 0.6)" "$(head -3 "$T/err")"; fi
else
    notok "mp: train" "$(tail -3 "$T/train.out")"
fi

# refusals
sed 's/visible v\[16\] : bernoulli/visible v[16] : gaussian/; s/- sum(i) b\[i\]\*v\[i\]/0.5*sum(i) v[i]^2/' \
    "$T/mp.ebm" >"$T/gauss.ebm"
expect_fail "mp refuses a gaussian visible group" "mp: group 'v' of model 'mpdbm' is not bernoulli or softmax" \
    "$EBMC" train "$T/gauss.ebm" --quiet --out "$T/g.safetensors"
cat >"$T/loss.ebm" <<EOS
model net {
  visible x[4] : bernoulli
  param b[4]
  loss = sum(i) (softplus(b[i]) - x[i]*b[i])
}
train net { data = csv("$T/x.csv")  method = mp }
EOS
printf '1,0,1,0\n0,1,0,1\n' >"$T/x.csv"
expect_fail "mp refuses a model without an energy" "mp: model 'net' has no energy" \
    "$EBMC" train "$T/loss.ebm" --quiet --out "$T/l.safetensors"
expect_fail "mp refuses model monitors" "method = mp reports its loss every epoch" \
    "$EBMC" train "$T/mp.ebm" --quiet --out "$T/m.safetensors" --set "monitor=accuracy"
tiny_stack "$T/stack.ebm" 10
sed -i 's/method = cd(k = 1)/method = mp(iters = 2)/' "$T/stack.ebm"
expect_fail "mp is refused in a stack's stage" "mp trains a deep Boltzmann machine jointly" \
    "$EBMC" train "$T/stack.ebm" --quiet --out "$T/s.safetensors"
if [ -f "$T/mp.safetensors" ]; then
    expect_fail "mp: --resume of a finished run's model is refused" "that is the trained model 'mpdbm'" \
        "$EBMC" train "$T/mp.ebm" --quiet --out "$T/r.safetensors" --resume "$T/mp.safetensors"
    expect_fail "eval --missing must be a fraction below 1" "--missing expects a fraction" \
        "$EBMC" eval "$T/mp.ebm" --params "$T/mp.safetensors" --data "$T/test.csv" --missing 1
    sed '/target = y/d' "$T/mp.ebm" >"$T/notarget.ebm"
    expect_fail "eval --missing needs --target" "--missing: name the group to predict with --target" \
        "$EBMC" eval "$T/notarget.ebm" --params "$T/mp.safetensors" --data "$T/test.csv" --missing 0.2
fi
