# latent.sh — the latent-variable methods through `ebmc train` (seconds):
# SFA on examples/sfa/mixture.csv prints both features' slowness, the first
# far slower than the second (< 0.01 vs > 1); PPCA by EM on a small CSV
# prints the closed-form line and EM's log-likelihood within 1e-3 of it;
# test = ... scores held-out data; filters = ... writes a PNG; methods on
# models without the structure they need fail with a message for people.
. tests/e2e/lib.sh

if "$EBMC" train specs/sfa.ebm --out "$T/sfa.safetensors" >"$T/sfa.log" 2>&1; then ok "train sfa"
else notok "train sfa" "$(tail -3 "$T/sfa.log")"; fi
s1=$(sed -n 's/^feature 1: slowness \([-0-9.e]*\) .*/\1/p' "$T/sfa.log")
s2=$(sed -n 's/^feature 2: slowness \([-0-9.e]*\) .*/\1/p' "$T/sfa.log")
if [ -n "$s1" ] && [ -n "$s2" ] && awk "BEGIN{exit !($s1 < 0.01 && $s2 > 1)}"; then ok "sfa: slow feature $s1, next $s2"
else notok "sfa slowness" "$(cat "$T/sfa.log")"; fi

# a 4-dimensional Gaussian with one dominant direction, 400 rows
ppca_rows "$T/x.csv"
{ ppca_model; cat <<EOF
train ppca { data = csv("$T/x.csv"), test = csv("$T/x.csv"), method = em(tol = 1e-10), epochs = 2000, filters = "$T/w.png" }
EOF
} >"$T/ppca.ebm"
if "$EBMC" train "$T/ppca.ebm" --out "$T/ppca.safetensors" >"$T/ppca.log" 2>&1; then ok "train ppca by em"
else notok "train ppca by em" "$(tail -3 "$T/ppca.log")"; fi
cf=$(sed -n 's/^PPCA closed form .*: loglik \([-0-9.]*\),.*/\1/p' "$T/ppca.log")
em=$(sed -n 's/^EM: loglik \([-0-9.]*\),.*/\1/p' "$T/ppca.log")
if [ -n "$cf" ] && [ -n "$em" ] && awk "BEGIN{d=$cf-($em); exit !(d < 1e-3 && d > -1e-3)}"; then ok "ppca: EM $em = closed form $cf"
else notok "ppca: EM = closed form" "$(tail -4 "$T/ppca.log")"; fi
grep -q "^exact average log-likelihood of the test data (400 examples): " "$T/ppca.log" && ok "test data scored" || notok "test data scored" "$(tail -3 "$T/ppca.log")"
if [ "$(head -c 4 "$T/w.png" | od -An -c | tr -d ' ')" = "211PNG" ]; then ok "filters PNG"; else notok "filters PNG" "$(tail -2 "$T/ppca.log")"; fi

expect_fail "em on a model that is not linear-Gaussian" "method = em needs" \
    "$EBMC" train specs/rbm_bas.ebm --set method=em --out "$T/x.safetensors"
expect_fail "ica on a Gaussian prior" "method = ica needs a factorial non-Gaussian prior" \
    "$EBMC" train "$T/ppca.ebm" --set method=ica --out "$T/x.safetensors"
expect_fail "reinforce without a recognition model" "recognition" \
    "$EBMC" train "$T/ppca.ebm" --set "method=reinforce(recognition = ppca)" --out "$T/x.safetensors"
cat >"$T/sbn.ebm" <<'EOF'
model sbn {
  visible x[4] : bernoulli
  hidden  h[3] : bernoulli { sampler = metropolis(steps = 5) }
  param W[3, 4] init normal(0, 0.1)
  param b[4]
  param c[3]
  h[j] ~ bernoulli(sigmoid(c[j]))
  x[i] ~ bernoulli(sigmoid(sum(j) h[j]*W[j, i] + b[i]))
}
model q {
  input   x[4]
  visible h[3] : bernoulli
  param R[4, 3] init normal(0, 0.1)
  param r[3]
  h[j] ~ bernoulli(sigmoid(sum(i) x[i]*R[i, j] + r[j]))
}
train sbn { data = bars_and_stripes(2, 2)  method = reinforce(recognition = q, baseline = optimal)  epochs = 3  batch = 4 }
EOF
# the optimal baseline: trains, round-trips through --print-config, and is
# not the learned baseline under another name
"$EBMC" train "$T/sbn.ebm" --print-config >"$T/sbn.yaml" 2>"$T/err"
"$EBMC" train "$T/sbn.ebm" --config "$T/sbn.yaml" --quiet --out "$T/a.safetensors" 2>>"$T/err"
"$EBMC" train "$T/sbn.ebm" --quiet --out "$T/b.safetensors" 2>>"$T/err"
"$EBMC" train "$T/sbn.ebm" --quiet --out "$T/c.safetensors" --set "method=reinforce(recognition = q)" 2>>"$T/err"
if grep -q "baseline = optimal" "$T/sbn.yaml" && cmp -s "$T/a.safetensors" "$T/b.safetensors" &&
    [ -f "$T/c.safetensors" ] && ! cmp -s "$T/a.safetensors" "$T/c.safetensors"; then
    ok "reinforce(baseline = optimal) trains, round-trips through --print-config, and differs from the learned baseline"
else notok "baseline = optimal" "$(grep method "$T/sbn.yaml")" "$(head -3 "$T/err")"; fi
"$EBMC" train "$T/sbn.ebm" --print-config --set "method=reinforce(recognition = q)" >"$T/over.yaml" 2>&1
grep -q "method: 'reinforce(recognition = q, samples = 1, baseline = learned)'" "$T/over.yaml" &&
    ok "a method given by --set without its arguments takes their defaults, not the spec's" ||
    notok "--set method keeps the spec's arguments" "$(grep method "$T/over.yaml")"
expect_fail "a misspelt baseline, with did-you-mean" "did you mean 'optimal'" \
    "$EBMC" train "$T/sbn.ebm" --set "method=reinforce(recognition = q, baseline = optimum)" --out "$T/x.safetensors"
