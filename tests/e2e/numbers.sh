# numbers.sh — every number means what it says (issue 17, items 2 and 3):
# constant expressions are evaluated, integer settings are range-checked,
# improper models and bad data are refused.
. tests/e2e/lib.sh

# st_values FILE NAME: the float32 values of tensor NAME, one per line
st_values() {
    python3 - "$1" "$2" <<'PY'
import array, json, struct, sys
raw = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
t = json.loads(raw[8:8 + n])[sys.argv[2]]
lo, hi = t["data_offsets"]
for x in array.array("f", raw[8 + n + lo:8 + n + hi]): print(repr(x))
PY
}

# --- initialisers: 1/10 is 0.1 (it was 0: all-zero weights) ----------------
cat >"$T/init.ebm" <<'SPEC'
model m {
  visible v[40] : bernoulli
  hidden  h[25] : bernoulli
  param W[40, 25] init normal(0, 1/10)
  param b[40] init -1/4
  param c[25] init uniform(2^-3, 1/2 + 1)
  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]
}
train m { data = bars_and_stripes(5, 8) epochs = 0 batch = 2 }
SPEC
if "$EBMC" train "$T/init.ebm" --out "$T/init.st" >"$T/out" 2>&1; then
    st_values "$T/init.st" W >"$T/W"
    st_values "$T/init.st" b >"$T/b"
    st_values "$T/init.st" c >"$T/c"
    # 1000 draws of N(0, 0.1): the sample sd is within 0.1 +- 0.01 (> 4 sigma)
    sd=$(awk '{ s += $1; q += $1 * $1; n++ } END { m = s / n; printf "%.4f", sqrt(q / n - m * m) }' "$T/W")
    if awk -v sd="$sd" 'BEGIN { exit !(sd > 0.09 && sd < 0.11) }'; then ok "init normal(0, 1/10) draws with sd 0.1 (got $sd)"
    else notok "init normal(0, 1/10) draws with sd 0.1" "sample sd $sd"; fi
    if [ "$(sort -u "$T/b")" = "-0.25" ]; then ok "init -1/4 is -0.25"
    else notok "init -1/4 is -0.25" "got $(sort -u "$T/b" | head -3)"; fi
    if awk '$1 < 0.125 || $1 > 1.5 { bad = 1 } END { exit bad }' "$T/c" && [ "$(sort -u "$T/c" | wc -l)" -gt 20 ]; then
        ok "init uniform(2^-3, 1/2 + 1) draws in [0.125, 1.5]"
    else notok "init uniform(2^-3, 1/2 + 1) draws in [0.125, 1.5]" "$(head -3 "$T/c")"; fi
else
    notok "train with arithmetic initialisers" "$(head -3 "$T/out")"
fi

# --- integer settings and flags: 64-bit, range-checked, never wrapped -------
cat >"$T/r.ebm" <<'SPEC'
model m {
  visible v[4] : bernoulli
  hidden  h[3] : bernoulli
  param W[4, 3] init normal(0, 0.1)
  energy = - sum(i, j) v[i]*W[i, j]*h[j]
}
train m { data = bars_and_stripes(2, 2) epochs = 1 batch = 2 }
SPEC
"$EBMC" train "$T/r.ebm" --out "$T/r.st" >/dev/null 2>&1 || notok "train the small model"
expect_fail "k = 1e12 is refused (it trained with k = -727379968)" "^--set:1:15: error: k must be at most 2147483647, not 1000000000000" \
    "$EBMC" train "$T/r.ebm" --out "$T/x.st" --set "method=cd(k = 1e12)"
expect_fail "epochs = 2147483648 is refused (it trained 0 epochs)" "^--set:1:8: error: epochs must be at most 2147483647, not 2147483648" \
    "$EBMC" train "$T/r.ebm" --out "$T/x.st" --set "epochs=2147483648"
expect_fail "sample --steps 4294967297 is refused (it ran one sweep)" "error: --steps must be at most 2147483647, not '4294967297'" \
    "$EBMC" sample "$T/r.ebm" --params "$T/r.st" --steps 4294967297 --out "$T/s.csv"
expect_fail "batch = 2^40 is refused" "error: batch must be at most 2147483647" \
    "$EBMC" train "$T/r.ebm" --out "$T/x.st" --set "batch=2^40"
[ -e "$T/x.st" ] && notok "a refused setting wrote no checkpoint" || ok "a refused setting wrote no checkpoint"

# the largest values survive --print-config and read back the same
if "$EBMC" train "$T/r.ebm" --print-config --set epochs=2147483647 --set "method=cd(k = 3e9/2)" --set seed=2^53 \
        --set "momentum=0.5 until 1e9, 0.9" --set lr=1/3 >"$T/c1.yaml" 2>"$T/err" &&
    grep -q '^  epochs: 2147483647$' "$T/c1.yaml" && grep -q '^  method: cd(k = 1500000000)$' "$T/c1.yaml" &&
    grep -q '^  seed: 9007199254740992$' "$T/c1.yaml" && grep -q "^  momentum: '0.5 until 1000000000, 0.9'$" "$T/c1.yaml" &&
    "$EBMC" train "$T/r.ebm" --print-config --config "$T/c1.yaml" >"$T/c2.yaml" 2>>"$T/err" && cmp -s "$T/c1.yaml" "$T/c2.yaml"
then ok "integer settings round-trip through --print-config"
else notok "integer settings round-trip through --print-config" "$(head -3 "$T/err")" "$(diff "$T/c1.yaml" "$T/c2.yaml" | head -4)"; fi

# --- impossible settings are refused before training ------------------------
expect_fail "momentum = 1.5 is refused" "^--set:1:10: error: momentum must be below 1, not 1.5" \
    "$EBMC" train "$T/r.ebm" --out "$T/x.st" --set "momentum=1.5"
expect_fail "a momentum piece of 1 is refused" "^--set:1:23: error: momentum must be below 1, not 1" \
    "$EBMC" train "$T/r.ebm" --out "$T/x.st" --set "momentum=0.5 until 2, 1"
expect_fail "adam(beta2 = 1) is refused" "error: beta2 must be below 1, not 1" \
    "$EBMC" train "$T/r.ebm" --out "$T/x.st" --set "optimizer=adam(beta2 = 1)"

# --- checkpoints carry their model's structure ------------------------------
# st_rewrite IN OUT MODE: nan (W[1, 2] becomes NaN), inf (b[0] becomes
# +inf) or old (the metadata loses the structure keys, as before they existed)
st_rewrite() {
    python3 - "$@" <<'PY'
import json, struct, sys
src, dst, mode = sys.argv[1:4]
raw = bytearray(open(src, "rb").read())
(n,) = struct.unpack("<Q", raw[:8])
h = json.loads(raw[8:8 + n])
body = raw[8 + n:]
if mode == "old":
    for k in ("structure", "structure_hash", "spec_hash", "ebmc_version"):
        h["__metadata__"].pop(k, None)
else:
    name, at, val = ("W", 1 * 3 + 2, float("nan")) if mode == "nan" else ("b", 0, float("inf"))
    lo = h[name]["data_offsets"][0] + 4 * at
    body[lo:lo + 4] = struct.pack("<f", val)
text = json.dumps(h).encode()
text += b" " * (-len(text) % 8)
open(dst, "wb").write(struct.pack("<Q", len(text)) + text + bytes(body))
PY
}
cat >"$T/b.ebm" <<'SPEC'
model m {
  visible v[4] : bernoulli
  hidden  h[3] : bernoulli
  param W[4, 3] init normal(0, 0.1)
  param b[4]
  energy = - sum(i) b[i]*v[i] - sum(i, j) v[i]*W[i, j]*h[j]
}
train m { data = bars_and_stripes(2, 2) epochs = 2 batch = 2 }
sample m { chains = 4, steps = 2 }
SPEC
sed 's/: bernoulli/: spin/g; s/bars_and_stripes(2, 2)/bars_and_stripes(2, 2, spins = 1)/' "$T/b.ebm" >"$T/s.ebm"
sed 's/sum(i, j) v\[i\]\*W\[i, j\]\*h\[j\]/sum(a, c) v[a]*W[a, c]*h[c]/' "$T/b.ebm" >"$T/renamed.ebm"
sed 's/- sum(i, j) v/+ sum(i, j) v/' "$T/b.ebm" >"$T/sign.ebm"
"$EBMC" train "$T/b.ebm" --out "$T/b.st" >/dev/null 2>&1 || notok "train the bernoulli model"
for cmd in sample eval; do
    set -- --out "$T/x.csv"
    [ $cmd = eval ] && set -- --exact
    expect_fail "a bernoulli checkpoint does not $cmd as a spin model" \
        "b.st: written for a model of another structure: 'm' (v\[4\] bernoulli visible sigmoid, h\[3\] bernoulli hidden sigmoid; W\[4, 3\], b\[4\]; energy [0-9a-f]*; structure [0-9a-f]*), but the spec's model 'm' is (v\[4\] spin visible tanh" \
        "$EBMC" $cmd "$T/s.ebm" --params "$T/b.st" "$@"
done
expect_fail "a bernoulli checkpoint does not resume as a spin model" "b.st: written for a model of another structure" \
    "$EBMC" train "$T/s.ebm" --resume "$T/b.st" --out "$T/x.st"
expect_fail "a checkpoint does not load into an energy of the other sign" "b.st: written for a model of another structure" \
    "$EBMC" sample "$T/sign.ebm" --params "$T/b.st" --out "$T/x.csv"
if "$EBMC" sample "$T/renamed.ebm" --params "$T/b.st" --out "$T/x.csv" >/dev/null 2>"$T/err"; then
    ok "renaming index variables keeps the structure"
else notok "renaming index variables keeps the structure" "$(head -2 "$T/err")"; fi
if python3 -c 'import json, struct, sys
raw = open(sys.argv[1], "rb").read(); (n,) = struct.unpack("<Q", raw[:8]); m = json.loads(raw[8:8 + n])["__metadata__"]
sys.exit(not (len(m["structure_hash"]) == 16 and len(m["spec_hash"]) == 16 and m["ebmc_version"] and m["structure"].startswith("v[4] bernoulli")))' "$T/b.st"
then ok "a checkpoint's metadata holds structure, structure_hash, spec_hash and ebmc_version"
else notok "a checkpoint's metadata holds structure, structure_hash, spec_hash and ebmc_version"; fi

st_rewrite "$T/b.st" "$T/nan.st" nan
expect_fail "a checkpoint with a NaN parameter is refused" "nan.st: parameter 'W' holds NaN at \[1, 2\]" \
    "$EBMC" sample "$T/b.ebm" --params "$T/nan.st" --out "$T/x.csv"
st_rewrite "$T/b.st" "$T/inf.st" inf
expect_fail "a checkpoint with an infinite parameter is refused" "inf.st: parameter 'b' holds an infinity at \[0\]" \
    "$EBMC" eval "$T/b.ebm" --params "$T/inf.st" --exact
st_rewrite "$T/b.st" "$T/old.st" old
if "$EBMC" sample "$T/b.ebm" --params "$T/old.st" --out "$T/x.csv" >/dev/null 2>"$T/err" &&
    grep -q "note: .*old.st: written without its model's structure" "$T/err"; then
    ok "a checkpoint from before structures loads, with a note"
else notok "a checkpoint from before structures loads, with a note" "$(head -2 "$T/err")"; fi

# --- data: no NaN or infinity (but missing values in training data), and
#     values the units can take ------------------------------------------------
printf '0,1,0,1\n1,nan,0,1\n0,0,1,1\n1,1,0,0\n' >"$T/nan.csv"
printf '0,1,0,1\n1,1,inf,1\n' >"$T/inf.csv"
printf '0,1,0,1\n1,7,0,1\n' >"$T/seven.csv"
with() { sed "s|bars_and_stripes(2, 2)|$1|" "$T/b.ebm" >"$T/w.ebm"; }
with "csv(\"$T/nan.csv\")"
if "$EBMC" train "$T/w.ebm" --out "$T/w.st" >/dev/null 2>"$T/err"; then ok "NaN in training data is a missing value (kept)"
else notok "NaN in training data is a missing value (kept)" "$(head -2 "$T/err")"; fi
with "csv(\"$T/nan.csv\", binarize = 0.5)"
if "$EBMC" train "$T/w.ebm" --out "$T/w.st" >/dev/null 2>"$T/err"; then ok "binarize keeps a missing value missing"
else notok "binarize keeps a missing value missing" "$(head -2 "$T/err")"; fi
expect_fail "NaN in eval data names file, row and column" "nan.csv: row 2, column 2 holds NaN" \
    "$EBMC" eval "$T/b.ebm" --params "$T/b.st" --data "$T/nan.csv"
with "csv(\"$T/inf.csv\")"
expect_fail "an infinity in CSV training data names file, row and column" "inf.csv: row 2, column 3 holds an infinity" \
    "$EBMC" train "$T/w.ebm" --out "$T/w.st"
python3 -c 'import struct, sys
rows = [[0, 1, 0, 1], [1, 0, float(sys.argv[2]), 1]]
hdr = "{'"'"'descr'"'"': '"'"'<f4'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (2, 4), }"
hdr += " " * (-(10 + len(hdr) + 1) % 64) + "\n"
open(sys.argv[1], "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode() + b"".join(struct.pack("<4f", *r) for r in rows))' "$T/nan.npy" nan
expect_fail "NaN in NPY eval data names file, row and column" "nan.npy: row 2, column 3 holds NaN" \
    "$EBMC" eval "$T/b.ebm" --params "$T/b.st" --data "$T/nan.npy"
# float IDX (type 0x0D): 2 rows of 4, the second row's last value -inf
python3 -c 'import struct, sys
open(sys.argv[1], "wb").write(bytes([0, 0, 0x0D, 2]) + struct.pack(">II", 2, 4) + struct.pack(">8f", 0, 1, 0, 1, 1, 0, 1, float("-inf")))' "$T/inf.idx"
expect_fail "an infinity in float IDX data names file, row and column" "inf.idx: row 2, column 4 holds a negative infinity" \
    "$EBMC" eval "$T/b.ebm" --params "$T/b.st" --data "$T/inf.idx"
with "csv(\"$T/seven.csv\")"
expect_fail "a 7 in bernoulli training data is refused, naming the row" "seven.csv: row 2, column 2: v\[1\] is 7, but bernoulli units take 0 or 1" \
    "$EBMC" train "$T/w.ebm" --out "$T/w.st"
printf '1,-1,1,-1\n-1,0,1,1\n' >"$T/spin0.csv"
"$EBMC" train "$T/s.ebm" --out "$T/s.st" >/dev/null 2>&1 || notok "train the spin model"
expect_fail "a 0 in spin data is refused" "spin0.csv: row 2, column 2: v\[1\] is 0, but spin units take -1 or +1 (spins = 1" \
    "$EBMC" eval "$T/s.ebm" --params "$T/s.st" --data "$T/spin0.csv"
cat >"$T/soft.ebm" <<'SPEC'
model m {
  visible v[2, 3] : softmax
  visible n[2] : binomial(4)
  hidden  h[3] : bernoulli
  param W[2, 3, 3] init normal(0, 0.1)
  param U[2, 3]
  energy = - sum(a, k, j) v[a, k]*W[a, k, j]*h[j] - sum(a, j) n[a]*U[a, j]*h[j]
}
train m { data = csv("DATA") epochs = 1 batch = 2 }
SPEC
printf '0,1,0,1,0,0,2,4\n0,1,0,0,1,0,0,1\n' >"$T/soft_ok.csv"
printf '0,1,0,1,0,0,2,4\n0,1,0,1,1,0,0,1\n' >"$T/soft_two.csv"
printf '0,1,0,1,0,0,2,4\n0,1,0,0,1,0,0,5\n' >"$T/binom5.csv"
printf '0,1,0,1,0,0,2,4\n0,1,0,0,1,0,0.5,1\n' >"$T/binomhalf.csv"
sed "s|DATA|$T/soft_ok.csv|" "$T/soft.ebm" >"$T/so.ebm"
if "$EBMC" train "$T/so.ebm" --out "$T/so.st" >/dev/null 2>"$T/err"; then ok "one-hot softmax and binomial data train"
else notok "one-hot softmax and binomial data train" "$(head -2 "$T/err")"; fi
expect_fail "a softmax row with two ones is refused" "soft_two.csv: row 2, columns 4 to 6: v\[1, 0\] to v\[1, 2\] hold 2 ones, but a softmax group's values are one-hot" \
    "$EBMC" eval "$T/so.ebm" --params "$T/so.st" --data "$T/soft_two.csv"
expect_fail "a binomial(4) value of 5 is refused" "binom5.csv: row 2, column 8: n\[1\] is 5, but binomial units take an integer from 0 to 4" \
    "$EBMC" eval "$T/so.ebm" --params "$T/so.st" --data "$T/binom5.csv"
expect_fail "a binomial value of 0.5 is refused" "binomhalf.csv: row 2, column 7: n\[0\] is 0.5" \
    "$EBMC" eval "$T/so.ebm" --params "$T/so.st" --data "$T/binomhalf.csv"

# --- clamps hold values the units can take ----------------------------------
expect_fail "--clamp v=7 on bernoulli units is refused" "error: --clamp v=7: v\[0\] is 7, but bernoulli units take 0 or 1" \
    "$EBMC" sample "$T/b.ebm" --params "$T/b.st" --clamp v=7 --out "$T/clamped.csv"
printf '1,0,nan,nan\n0,0.5,1,1\n' >"$T/clamp.csv"
expect_fail "a grey value in a --clamp file is refused (it was binarized at 0)" "clamp.csv: row 2, column 2: v\[1\] is 0.5" \
    "$EBMC" sample "$T/b.ebm" --params "$T/b.st" --clamp v="$T/clamp.csv" --out "$T/clamped.csv"
[ -e "$T/clamped.csv" ] && notok "refused samples wrote nothing" || ok "refused samples wrote nothing"
