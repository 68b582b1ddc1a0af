# updown.sh — a DBN's up-down fine-tuning (method = up_down, contrastive
# wake-sleep) on 4x4 bars-and-stripes, seed 1: lib.sh's bas_dbn (16-12-8,
# 300 PCD epochs a layer), then 300 epochs of up_down (k = 10, lr 0.05):
#  1. it raises the variational bound on log p(v) (eval --dbn-bound, 1000
#     draws of q per example: noise about 0.01 nats) by at least 0.5 nats
#     (seeds 1-3 raise it by 1.4 to 1.8; --set lr=0 leaves it where it was,
#     within 0.05), and the stage's own before/after line agrees;
#  2. the generative weights are untied and saved (l1.down.*, unlike l1.*),
#     a run resumed before the stage is byte-identical to one run straight
#     through, and the DBN samples a PNG from the untied weights (and a
#     CSV, a row per chain);
#  3. up_down in the wrong place is refused with a message.
. tests/e2e/lib.sh
bas_dbn "$T/s0.ebm" 50 300
awk '/^  stage two/ { print; print "  stage tune { method = up_down(k = 10)  batch = 10  epochs = 300  lr = 0.05  momentum = 0.5 }"; next } { print }' \
    "$T/s0.ebm" >"$T/s.ebm"
"$EBMC" train "$T/s.ebm" --out "$T/full.st" --seed 1 >"$T/train.log" 2>&1 || notok "up-down trains" "$(tail -3 "$T/train.log")"
"$EBMC" train "$T/s.ebm" --out "$T/pre.st" --seed 1 --stages 2 --quiet >/dev/null 2>&1
bound() { "$EBMC" eval "$T/s.ebm" --params "$1" --dbn-bound --bound-samples 1000 --seed 3 | sed -n 's/^dbn_bound: //p'; }
b0=$(bound "$T/pre.st")
b1=$(bound "$T/full.st")
if [ -n "$b0" ] && [ -n "$b1" ] && awk "BEGIN{exit !($b1 - $b0 >= 0.5)}"; then ok "up-down raises the bound from $b0 to $b1 (margin 0.5)"
else notok "up-down raises the bound by 0.5 nats" "before '$b0', after '$b1'"; fi
line=$(grep "variational bound" "$T/train.log")
s0=$(echo "$line" | sed -n 's/.*bound \(-[0-9.]*\) before.*/\1/p')
s1=$(echo "$line" | sed -n 's/.*before up-down, \(-[0-9.]*\) after.*/\1/p')
if [ -n "$s0" ] && awk "BEGIN{d0 = $s0 - ($b0); d1 = $s1 - ($b1); exit !(d0 < 0.05 && d0 > -0.05 && d1 < 0.05 && d1 > -0.05)}"
then ok "the stage's before/after bound ($s0, $s1) agrees with eval's within 0.05"
else notok "the stage's bound agrees with eval's" "stage: '$line'" "eval: $b0 $b1"; fi
"$EBMC" train "$T/s.ebm" --out "$T/still.st" --seed 1 --set train.tune.lr=0 --quiet >/dev/null 2>&1
b2=$(bound "$T/still.st")
if [ -n "$b2" ] && awk "BEGIN{d = $b2 - ($b0); exit !(d < 0.05 && d > -0.05)}"; then ok "lr = 0 leaves the bound at $b2"
else notok "lr = 0 leaves the bound where it was" "before '$b0', after '$b2'"; fi

python3 - "$T/full.st" "$T/pre.st" <<'PY' && ok "generative weights untied and saved as l1.down.*" || notok "generative weights untied and saved"
import sys
sys.path.insert(0, "tests/e2e")
import st_read
full, pre = st_read.load(sys.argv[1]), st_read.load(sys.argv[2])
assert not any(".down." in k for k in pre), "a checkpoint before up_down has no generative copy"
for p in ("W1", "b1", "c1"):
    assert "l1.down." + p in full, p
assert full["l1.down.W1"] != full["l1.W1"], "the two copies learnt differently"
assert "l2.down.W2" not in full, "the top layer stays one undirected RBM"
PY
"$EBMC" train "$T/s.ebm" --out "$T/resumed.st" --seed 1 --resume "$T/pre.st" --quiet >/dev/null 2>&1
cmp -s "$T/full.st" "$T/resumed.st" && ok "resumed before up_down: byte-identical to a straight run" || notok "resumed run byte-identical"
# a stage after up_down: the run resumed from its checkpoint loads the
# generative copy and writes it out again unchanged
awk '{ print } /stage tune/ { print "  stage more { layer = l2  method = cd(k = 1)  batch = 30  epochs = 1 }" }' "$T/s.ebm" >"$T/more.ebm"
"$EBMC" train "$T/more.ebm" --out "$T/more.st" --seed 1 --resume "$T/full.st" >"$T/more.log" 2>&1
python3 - "$T/full.st" "$T/more.st" <<'PY' && ok "the untied weights load back (--resume, a stage after up_down)" || notok "the untied weights load back" "$(tail -2 "$T/more.log")"
import sys
sys.path.insert(0, "tests/e2e")
import st_read
a, b = st_read.load(sys.argv[1]), st_read.load(sys.argv[2])
for k in ("l1.down.W1", "l1.down.b1", "l1.down.c1"):
    assert a[k] == b[k], k
assert a["l2.W2"] != b["l2.W2"], "the stage after up_down trained"
PY
"$EBMC" sample "$T/s.ebm" --params "$T/full.st" --chains 9 --steps 50 --out "$T/a.png" >/dev/null 2>&1
python3 - "$T/full.st" "$T/tied.st" <<'PY'
# the same checkpoint with the generative copy set to the recognition weights
import json, struct, sys
raw = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
h = json.loads(raw[8:8 + n])
body = bytearray(raw[8 + n:])
for k, t in h.items():
    if ".down." in k:
        lo, hi = t["data_offsets"]
        slo, shi = h[k.replace(".down.", ".")]["data_offsets"]
        body[lo:hi] = body[slo:shi]
open(sys.argv[2], "wb").write(raw[:8 + n] + bytes(body))
PY
"$EBMC" sample "$T/s.ebm" --params "$T/tied.st" --chains 9 --steps 50 --out "$T/b.png" >/dev/null 2>&1
if [ "$(head -c 4 "$T/a.png" | od -An -c | tr -d ' ')" = "211PNG" ] && ! cmp -s "$T/a.png" "$T/b.png"; then ok "samples go down by the generative weights"
else notok "samples go down by the generative weights" "same PNG with the copies tied, or no PNG"; fi

"$EBMC" sample "$T/s.ebm" --params "$T/full.st" --chains 9 --steps 50 --out "$T/a.csv" >/dev/null 2>&1
rows=$(awk -F, 'NR > 1 && NF == 16 { n++ } END { print n + 0 }' "$T/a.csv")
[ "$rows" = 9 ] && head -1 "$T/a.csv" | grep -q '^v_0_0,' && ok "a stack's samples as CSV: 9 rows of 16 means" || notok "a stack's samples as CSV" "$(head -2 "$T/a.csv")"
sed 's/stage tune { method = up_down(k = 10)/stage tune { layer = l1  method = up_down(k = 10)/' "$T/s.ebm" >"$T/e1.ebm"
expect_fail "up_down with layer = refused" "takes no layer" "$EBMC" check "$T/e1.ebm"
expect_fail "--set method=up_down on a layer stage refused" "stage of its own" \
    "$EBMC" train "$T/s.ebm" --out "$T/e.st" --set train.one.method=up_down --quiet
cat >"$T/m.ebm" <<'SPEC'
model r {
  visible v[4] : bernoulli
  hidden  h[3] : bernoulli
  param W[4, 3]
  energy = - sum(i, j) v[i]*W[i, j]*h[j]
}
train r { data = bars_and_stripes(2, 2)  method = up_down(k = 5) }
SPEC
expect_fail "up_down on a single model refused" "stack's stage of its own" "$EBMC" check "$T/m.ebm"
sed 's/method = up_down(k = 5)/method = cd(k = 1)/' "$T/m.ebm" >"$T/r.ebm"
"$EBMC" train "$T/r.ebm" --out "$T/r.st" --quiet >/dev/null 2>&1
expect_fail "--dbn-bound without a DBN refused" "evaluates a DBN stack" "$EBMC" eval "$T/r.ebm" --params "$T/r.st" --dbn-bound
# per-parameter rules hold in up-down, for both copies: l1's W1 masked
# (every third weight stays 0) and its c1 not trainable (stays 0)
awk 'BEGIN { for (i = 0; i < 192; i++) printf "%s%d", (i ? "," : ""), (i % 3 != 0); print "" }' >"$T/m.csv"
sed -e "s|param W1\[4, 4, 12\] init normal(0, 0.1)|param W1[4, 4, 12] init normal(0, 0.1) { mask = csv(\"$T/m.csv\") }|" \
    -e 's|param c1\[12\]|param c1[12] { trainable = 0 }|' "$T/s.ebm" >"$T/rules.ebm"
"$EBMC" train "$T/rules.ebm" --out "$T/rules.st" --seed 1 --set train.one.epochs=20 --set train.two.epochs=20 \
    --set train.tune.epochs=20 --quiet >/dev/null 2>"$T/err" || notok "up-down with a mask trains" "$(head -3 "$T/err")"
python3 - "$T/rules.st" <<'PY'
import sys
sys.path.insert(0, "tests/e2e")
import st_read
p = st_read.load(sys.argv[1])
for w, c in (("l1.W1", "l1.c1"), ("l1.down.W1", "l1.down.c1")):
    masked = max(abs(x) for i, x in enumerate(p[w]) if i % 3 == 0)
    moved = max(abs(x) for i, x in enumerate(p[w]) if i % 3 != 0)
    bias = max(abs(x) for x in p[c])
    good = masked == 0 and moved > 0 and bias == 0
    print(("ok - " if good else "not ok - ") + "up-down keeps %s's masked weights and %s at 0" % (w, c) +
          ("" if good else ": masked %g, others %g, %s %g" % (masked, moved, c, bias)))
PY
