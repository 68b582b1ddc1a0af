# shift_range.sh — a shift that would leave a dimension cuts the sum's range
# (compiler/front/sema_shift.c): the cut form trains bit for bit like the
# explicit 's + 0' spelling and gives the same exact log-likelihood, and an
# open Ising chain sum(s) J*v[s]*v[s + 1] over 5 spins has the closed-form
# log Z = log 2 + 4 log(2 cosh J) (4 bonds, not 5: the range is 0..3).
. tests/e2e/lib.sh
cat >"$T/cut.ebm" <<'SPEC'
model chain {
  visible v[3, 3] : bernoulli
  param b[3, 3] init normal(0, 0.5)
  param L[3, 2] init normal(0, 0.5)
  energy = - sum(r, s) b[r, s]*v[r, s] - sum(r, s) L[r, s]*v[r, s]*v[r, s + 1]
}
train chain { data = bars_and_stripes(3, 3), batch = 14, epochs = 30, lr = 0.1, monitor = exact_loglik every 30 }
SPEC
sed 's/v\[r, s\]\*v\[r, s + 1\]/v[r, s + 0]*v[r, s + 1]/' "$T/cut.ebm" >"$T/plus0.ebm"
for f in cut plus0; do "$EBMC" train "$T/$f.ebm" --out "$T/$f.safetensors" >"$T/$f.log" 2>&1 || notok "train $f" "$(tail -3 "$T/$f.log")"; done
[ -s "$T/cut.safetensors" ] && [ "$(python3 tests/e2e/st_read.py "$T/cut.safetensors")" = "$(python3 tests/e2e/st_read.py "$T/plus0.safetensors")" ] &&
    ok "v[r, s]*v[r, s + 1] with L[3, 2] trains bit for bit as v[r, s + 0]*v[r, s + 1]" || notok "cut form = s + 0 form"
a=$(sed -n 's/^exact average log-likelihood of the training set: \([-0-9.]*\).*/\1/p' "$T/cut.log")
b=$(sed -n 's/^exact average log-likelihood of the training set: \([-0-9.]*\).*/\1/p' "$T/plus0.log")
[ -n "$a" ] && [ "$a" = "$b" ] && ok "the same exact log-likelihood ($a)" || notok "exact log-likelihood" "cut '$a' s+0 '$b'"

cat >"$T/ising.ebm" <<'SPEC'
model ising {
  visible v[5] : spin
  param J init constant(0.7) { trainable = 0 }
  param b[5] { trainable = 0 }
  energy = - sum(i) b[i]*v[i] - sum(s) J*v[s]*v[s + 1]
}
train ising { data = bars_and_stripes(1, 5, spins = 1), epochs = 1, monitor = none }
SPEC
"$EBMC" train "$T/ising.ebm" --quiet --out "$T/ising.safetensors" >"$T/i.log" 2>&1 || notok "train ising" "$(tail -3 "$T/i.log")"
"$EBMC" eval "$T/ising.ebm" --params "$T/ising.safetensors" --exact >"$T/i.yaml" 2>&1
lz=$(sed -n 's/^exact_logz: //p' "$T/i.yaml")
want=$(awk 'BEGIN { j = 0.7; printf "%.9f", log(2) + 4 * log(exp(j) + exp(-j)) }')
[ -n "$lz" ] && awk "BEGIN { d = $lz - $want; exit !(d < 1e-5 && d > -1e-5) }" &&
    ok "open Ising chain of 5 spins: exact log Z $lz = log 2 + 4 log(2 cosh 0.7) ($want)" || notok "Ising chain log Z" "got '$lz' want $want" "$(head -3 "$T/i.yaml")"
