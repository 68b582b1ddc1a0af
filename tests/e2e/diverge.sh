# diverge.sh — a training run that goes wrong stops at the update that did
# it, naming the parameter, the epoch and the batch and the cause, and
# keeps the last good checkpoint (issue 17, "only proper models run" and
# "messages name the real cause"). Every spec here trains on fixed CSV
# rows with the default seed, so the run is the same each time.
. tests/e2e/lib.sh
# 16 rows of 3 values: wide (uniform on -15..15), narrow (sd 0.1), and sd 1 with one
# row holding 1e20, whose square overflows a float
awk 'BEGIN { srand(1); print "a,b,c"; for (r = 0; r < 16; r++) print 30*(rand()-0.5) "," 30*(rand()-0.5) "," 30*(rand()-0.5) }' >"$T/wide.csv"
awk 'BEGIN { srand(2); print "a,b,c"; for (r = 0; r < 16; r++) print (rand()-0.5)/5 "," (rand()-0.5)/5 "," (rand()-0.5)/5 }' >"$T/narrow.csv"
awk 'BEGIN { srand(3); print "a,b,c"; for (r = 0; r < 16; r++) print (r == 6 ? "0.5,1e20,0.1" : rand() "," rand() "," rand()) }' >"$T/huge.csv"
# spec NAME SELF-TERM DATA [INIT-OF-W]: a 3-2 Gaussian-Bernoulli RBM whose
# visible self-term is SELF (s a learned parameter, init 1)
spec() {
    printf 'model g {\n  visible v[3] : gaussian\n  hidden  h[2] : bernoulli\n  param W[3, 2] init %s\n  param s[3] init 1\n  energy = %s - sum(i, j) v[i]*W[i, j]*h[j]\n}\ntrain g { data = csv("%s")  method = cd(k = 1)  batch = 4  epochs = 20  lr = 0.01 }\n' \
        "${4:-normal(0, 0.1)}" "$2" "$T/$3.csv" >"$T/$1.ebm"
}
spec prec 'sum(i) s[i]*v[i]^2/2' wide
spec var 'sum(i) v[i]^2/(2*s[i])' narrow
spec zero 'sum(i) s[i]*v[i]^2/2' wide
sed -i 's/param s\[3\] init 1/param s[3] init zeros/' "$T/zero.ebm"
spec huge 'sum(i) s[i]*v[i]^2/2' huge
spec big 'sum(i) v[i]^2/2 + sum(i) s[i]' wide 2e38
spec step 'sum(i) v[i]^2/2 + sum(i) s[i]' wide

# 1. a learned precision (s*v^2/2: the data's variance, 75, pulls s below
#    zero) and a learned variance (v^2/(2*s): lr = 0.1 overshoots zero)
expect_fail "a learned precision that goes negative stops the run, naming it" \
    "training stopped in epoch [0-9]*, batch [0-9]* of 4: parameter 's' sets the precision of gaussian group 'v' (precision = s), and s\[[0-2]\] = -[0-9.e-]* makes it -" \
    "$EBMC" train "$T/prec.ebm" --out "$T/prec.st" --quiet --set checkpoint_every=1 --set lr=0.002
grep -q "the last good checkpoint, $T/prec.st (it resumes at epoch [0-9]*, batch 1), is kept" "$T/err" &&
    ok "the message names the checkpoint it keeps" || notok "the message names the checkpoint it keeps" "$(cat "$T/err")"
"$EBMC" train "$T/prec.ebm" --out "$T/prec2.st" --resume "$T/prec.st" --quiet --set lr=0.0001 >"$T/out" 2>&1 &&
    ok "the kept checkpoint is a good state: resumed with a lower lr it trains to the end" ||
    notok "the kept checkpoint is a good state" "$(cat "$T/out")"
expect_fail "a learned variance that goes negative stops the run" \
    "parameter 's' sets the precision of gaussian group 'v' (precision = s^-1), and s\[[0-2]\] = -" \
    "$EBMC" train "$T/var.ebm" --out "$T/var.st" --quiet --set lr=0.1
[ ! -e "$T/var.st" ] && ok "no checkpoint after the fault" || notok "no checkpoint after the fault"
expect_fail "a precision that starts at zero is refused before training" \
    "parameter 's' sets the precision of gaussian group 'v' (precision = s), and s\[0\] = 0 makes it 0, which is not positive before training" \
    "$EBMC" train "$T/zero.ebm" --out "$T/zero.st" --quiet

# 2. divergence located per update, with its cause
expect_fail "a data row whose square overflows: the row is named" \
    "training diverged in epoch 1, batch [0-9]* of 4: the gradient of parameter 's' is not finite (at s\[1\]: -inf); the data gave it: example 7 of the training data gives it alone (its largest value is 1e+20, value 2 of the row)" \
    "$EBMC" train "$T/huge.ebm" --out "$T/huge.st" --quiet
expect_fail "samples that overflow: the negative phase is named" \
    "training diverged in epoch 1, batch 1 of 4: the gradient of parameter 'W' is not finite .*the model's own samples (the negative phase) gave it: the parameters are large enough for them to overflow (the largest is W\[0, 0\] = 2e+38)" \
    "$EBMC" train "$T/big.ebm" --out "$T/big.st" --quiet
expect_fail "a step that overflows: the update is named" \
    "training diverged in epoch 1, batch [0-9]* of 4: the update made parameter 'W' non-finite (W\[[0-9, ]*\] = -*inf) from a finite gradient: the step overflowed; the learning rate (lr = 1e+30)" \
    "$EBMC" train "$T/step.ebm" --out "$T/step.st" --quiet --set lr=1e30

# 3. a checkpoint whose precision is not positive is refused on load: the
#    good checkpoint above with s[1] set to -1 (safetensors: an 8-byte
#    header length, the JSON header, then the raw floats)
python3 - "$T/prec.st" "$T/neg.st" <<'PY'
import json, struct, sys
raw = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
h = json.loads(raw[8:8 + n])
data = bytearray(raw[8 + n:])
a = h["s"]["data_offsets"][0] + 4
data[a:a + 4] = struct.pack("<f", -1.0)
open(sys.argv[2], "wb").write(raw[:8 + n] + bytes(data))
PY
expect_fail "a checkpoint with a negative precision is refused by sample" \
    "neg.st: parameter 's' sets the precision of gaussian group 'v' (precision = s), and s\[1\] = -1 makes it -1, which is not positive" \
    "$EBMC" sample "$T/prec.ebm" --params "$T/neg.st" --out "$T/x.csv"
