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
