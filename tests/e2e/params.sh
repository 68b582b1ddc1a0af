# params.sh — per-parameter rules of the update step, checked on a 9x4 RBM
# on 3x3 bars-and-stripes (14 rows, CD-1), by comparing checkpoints tensor by
# tensor (tests/e2e/st_read.py): fixed parameters never move; masked entries
# start at 0 and stay exactly 0 (momentum and weight decay on); a parameter's
# lr multiplies the run's and changes only that parameter; a parameter's
# momentum and weight_decay equal the run's settings when it is the only
# parameter trained (bit for bit).
. tests/e2e/lib.sh
ST=tests/e2e/st_read.py
# spec NAME ATTRS_W ATTRS_B ATTRS_C EXTRA_PARAMS TRAIN
spec() {
    cat >"$T/$1.ebm" <<SPEC
model m {
  visible v[9] : bernoulli
  hidden  h[4] : bernoulli
  param W[9, 4] init normal(0, 0.1) $2
  param b[9] init constant(0.1) $3
  param c[4] init zeros $4
  $5
  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j] $6
}
train m { data = bars_and_stripes(3, 3), method = cd(k = 1), batch = 14, lr = 0.1, monitor = none, $7 }
SPEC
}
train() {  # NAME: trains $T/NAME.ebm to $T/NAME.safetensors, dumps $T/NAME.txt
    if "$EBMC" train "$T/$1.ebm" --out "$T/$1.safetensors" --quiet >"$T/$1.log" 2>&1; then
        python3 $ST "$T/$1.safetensors" >"$T/$1.txt"
    else
        notok "train $1" "$(tail -3 "$T/$1.log")"
        : >"$T/$1.txt"
    fi
}
tensor() { grep "^$2 " "$T/$1.txt"; }   # NAME TENSOR: its line
same() { [ -n "$(tensor "$1" "$3")" ] && [ "$(tensor "$1" "$3")" = "$(tensor "$2" "$3")" ]; }

# fixed parameters: a temperature-like scale and a bias, never updated
spec fixed '' '' '' 'param T[9] init constant(0.3) { trainable = 0 }
  param s init constant(0.7) { trainable = 0 }' '- sum(i) s*T[i]*v[i]' 'epochs = 20, momentum = 0.5, weight_decay = 0.01'
train fixed
want_t="T$(printf ' %s' 0.30000001192092896 0.30000001192092896 0.30000001192092896 0.30000001192092896 0.30000001192092896 0.30000001192092896 0.30000001192092896 0.30000001192092896 0.30000001192092896)"
[ "$(tensor fixed T)" = "$want_t" ] && [ "$(tensor fixed s)" = "s 0.699999988079071" ] &&
    ! [ "$(tensor fixed W)" = "" ] && ok "trainable = 0: T and s unchanged after 20 epochs" ||
    notok "trainable = 0: T and s unchanged" "$(tensor fixed T)" "$(tensor fixed s)"
grep -q '"trainable"' /dev/null
# the others did train
spec plain '' '' '' '' '' 'epochs = 20, momentum = 0.5, weight_decay = 0.01'
train plain
! same plain fixed W && ok "the fixed parameters change the others' training" || notok "fixed params take part in the energy"

# masks: a banded 0/1 pattern from a CSV file, and a fixed parameter
python3 -c "
for i in range(9): print(','.join('1' if (i + j) % 3 == 0 else '0' for j in range(4)))" >"$T/m.csv"
spec maskfile '{ mask = csv("'"$T/m.csv"'") }' '' '' '' '' 'epochs = 20, momentum = 0.9, weight_decay = 0.05'
train maskfile
python3 - "$T/maskfile.txt" <<'PY' && ok "mask = csv(F): masked W entries exactly 0, the rest trained (momentum 0.9, weight_decay 0.05)" || notok "mask = csv(F)" "$(grep '^W' "$T/maskfile.txt")"
import sys
w = [float(x) for x in [l for l in open(sys.argv[1]) if l.startswith("W ")][0].split()[1:]]
bad = [k for k in range(36) if ((k // 4 + k % 4) % 3 == 0) != (w[k] != 0.0)]
sys.exit(1 if bad or len(w) != 36 else 0)
PY
spec maskadam '{ mask = csv("'"$T/m.csv"'") }' '' '' '' '' 'epochs = 20, optimizer = adam, weight_decay = 0.05'
train maskadam
python3 - "$T/maskadam.txt" <<'PY' && ok "mask with optimizer = adam: masked W entries exactly 0, the rest trained" || notok "mask with adam" "$(grep '^W' "$T/maskadam.txt")"
import sys
w = [float(x) for x in [l for l in open(sys.argv[1]) if l.startswith("W ")][0].split()[1:]]
sys.exit(1 if len(w) != 36 or [k for k in range(36) if ((k // 4 + k % 4) % 3 == 0) != (w[k] != 0.0)] else 0)
PY
# the same mask as a fixed parameter read from the file: the same training
spec maskcsvparam '{ mask = M }' '' '' 'param M[9, 4] init csv("'"$T/m.csv"'") { trainable = 0 }' '' 'epochs = 20, momentum = 0.9, weight_decay = 0.05'
train maskcsvparam
same maskcsvparam maskfile W && same maskcsvparam maskfile b &&
    [ "$(tensor maskcsvparam M | tr ' ' '\n' | tail -n +2 | tr '\n' ',')" = "$(tr '\n' ',' <"$T/m.csv" | sed 's/\([01]\)/\1.0/g')" ] &&
    ok "init csv(F) { trainable = 0 } as a mask: M holds the file, W trains as with mask = csv(F)" ||
    notok "init csv(F) mask parameter" "$(tensor maskcsvparam M | cut -c1-120)"
spec maskparam '{ mask = M }' '' '' 'param M[9, 4] init zeros { trainable = 0 }' '' 'epochs = 20, momentum = 0.9, weight_decay = 0.05'
train maskparam
[ "$(tensor maskparam W)" = "W$(printf ' 0.0%.0s' $(seq 36))" ] && ok "mask = M (all 0): W stays exactly 0" ||
    notok "mask = M" "$(tensor maskparam W | cut -c1-200)"

# lr multiplier: after one full-batch step, only b differs from the plain
# run, and b moved half as far
spec one '' '' '' '' '' 'epochs = 1, momentum = 0.5'
spec onehalf '' '{ lr = 0.5 }' '' '' '' 'epochs = 1, momentum = 0.5'
train one; train onehalf
same one onehalf W && same one onehalf c && ! same one onehalf b && ok "lr = 0.5 on b changes b alone (one step)" ||
    notok "lr multiplier changes exactly b" "$(tensor onehalf b)" "$(tensor one b)"
python3 - "$T/one.txt" "$T/onehalf.txt" <<'PY' && ok "lr = 0.5: b's step is half the plain step (rel. error < 1e-5)" || notok "lr = 0.5 halves b's step"
import sys
b = [[float(x) - 0.1 for x in [l for l in open(f) if l.startswith("b ")][0].split()[1:]] for f in sys.argv[1:3]]
sys.exit(0 if all(abs(h - 0.5 * p) <= 1e-5 * abs(p) + 1e-9 for p, h in zip(*b)) and any(b[0]) else 1)
PY
# only W trains: its own momentum / weight_decay / lr equal the run's
fix='{ trainable = 0 }'
spec runmom '' "$fix" "$fix" '' '' 'epochs = 10, momentum = 0.9'
spec parmom '{ momentum = 0.9 }' "$fix" "$fix" '' '' 'epochs = 10, momentum = 0.2'
spec runwd '' "$fix" "$fix" '' '' 'epochs = 10, weight_decay = 0.03'
spec parwd '{ weight_decay = 0.03 }' "$fix" "$fix" '' '' 'epochs = 10, weight_decay = 0.5'
spec runlr '' "$fix" "$fix" '' '' 'epochs = 10, lr = 0.05'
spec parlr '{ lr = 0.5 }' "$fix" "$fix" '' '' 'epochs = 10'
for r in runmom parmom runwd parwd runlr parlr; do train $r; done
same runmom parmom W && ok "{ momentum = 0.9 } on W = the run's momentum 0.9" || notok "per-parameter momentum"
same runwd parwd W && ok "{ weight_decay = 0.03 } on W = the run's weight_decay 0.03" || notok "per-parameter weight_decay"
same runlr parlr W && ok "{ lr = 0.5 } with lr 0.1 = lr 0.05" || notok "per-parameter lr"
! same runmom runwd W && ok "(the three runs differ from each other)" || notok "momentum and weight decay runs differ"

# errors
spec e1 '{ mask = b }' '' '' '' '' 'epochs = 1'
expect_fail "mask of another shape" "mask 'b' must have the shape of 'W'" "$EBMC" check "$T/e1.ebm"
spec e2 '{ mask = M }' '' '' 'param M[9, 4] init ones' '' 'epochs = 1'
expect_fail "mask not fixed" "mask 'M' must be a fixed parameter" "$EBMC" check "$T/e2.ebm"
echo "1,2" >"$T/bad.csv"
spec e5 '' '' '' 'param Q[2, 2] init csv("'"$T/bad.csv"'")' '' 'epochs = 1'
expect_fail "init csv(F) of the wrong size" "init: '.*bad.csv' holds 2 values but 'Q' has 4" "$EBMC" check "$T/e5.ebm"
spec e3 '{ mask = csv("'"$T/bad.csv"'") }' '' '' '' '' 'epochs = 1'
expect_fail "mask file of the wrong size" "holds 2 values but 'W' has 36" "$EBMC" check "$T/e3.ebm"
spec e4 '{ trainable = 2 }' '' '' '' '' 'epochs = 1'
expect_fail "trainable = 2" "a parameter takes { trainable = 0 or 1" "$EBMC" check "$T/e4.ebm"
# a built binary embeds the mask file and init file: the same parameters, bit for bit
if "$EBMC" build "$T/maskcsvparam.ebm" -o "$T/ibin" >"$T/bout" 2>&1 && (cd "$T" && ./ibin train --out i.safetensors >/dev/null 2>&1) &&
   [ "$(python3 $ST "$T/i.safetensors")" = "$(cat "$T/maskcsvparam.txt")" ]; then
    ok "a built binary embeds init csv(F)"
else notok "built binary init csv" "$(tail -3 "$T/bout")"; fi
if "$EBMC" build "$T/maskfile.ebm" -o "$T/mbin" >"$T/bout" 2>&1 && (cd "$T" && ./mbin train --out b.safetensors >/dev/null 2>&1) &&
   [ "$(python3 $ST "$T/b.safetensors")" = "$(cat "$T/maskfile.txt")" ]; then
    ok "a built binary applies the mask file as ebmc train does"
else notok "built binary mask" "$(tail -3 "$T/bout")"; fi

# init logit_mean: b = log(p/(1-p)) of each unit's mean over the training
# rows, p clipped to [0.01, 0.99] (a spin unit's bias is half that), against
# a direct computation from the CSV (lr = 0, so training leaves b as set)
printf 'a,b,c,d,e\n' >"$T/lm.csv"
for r in 0 1 2 3 4 5 6 7 8 9; do
    printf '%d,1,0,%d,%d\n' $((r < 3)) $((r < 7)) $((r % 2 * 2 - 1)) >>"$T/lm.csv"
done
cat >"$T/lm.ebm" <<SPEC
model m {
  visible v[4] : bernoulli
  visible s : spin
  hidden  h[2] : bernoulli
  param b[4] init logit_mean
  param bs init logit_mean(s)
  param W[4, 2] init normal(0, 0.1)
  energy = - sum(i) b[i]*v[i] - bs*s - sum(i, j) v[i]*W[i, j]*h[j] - s*sum(j) h[j]
}
train m { data = csv("$T/lm.csv"), batch = 10, epochs = 1, lr = 0, monitor = none }
SPEC
train lm
python3 - "$T/lm.txt" "$T/lm.csv" <<'PY' && ok "init logit_mean: the data's clipped log-odds (bernoulli and spin, within 1e-6)" || notok "init logit_mean" "$(cat "$T/lm.txt")"
import math, sys
got = {l.split()[0]: [float(x) for x in l.split()[1:]] for l in open(sys.argv[1])}
rows = [[float(x) for x in l.split(",")] for l in open(sys.argv[2]).read().split()[1:]]
def logit(p):
    p = min(max(p, 0.01), 0.99)
    return math.log(p / (1 - p))
want_b = [logit(sum(r[k] for r in rows) / len(rows)) for k in range(4)]
want_s = 0.5 * logit(sum((r[4] + 1) / 2 for r in rows) / len(rows))
ok = all(abs(g - w) < 1e-6 for g, w in zip(got["b"], want_b)) and abs(got["bs"][0] - want_s) < 1e-6
ok = ok and abs(want_b[1] - math.log(99)) < 1e-12 and abs(want_b[0] - math.log(0.3 / 0.7)) < 1e-12
sys.exit(0 if ok else 1)
PY
sed -e 's/init logit_mean$/init logit_mean(h)/' "$T/lm.ebm" >"$T/lm2.ebm"
expect_fail "logit_mean of a hidden group" "logit_mean needs a bernoulli or spin visible group" "$EBMC" check "$T/lm2.ebm"

# run overrides: params = W(lr = ...) in a train block, --set param.W.lr=...
# (over the spec's { lr = 0.5 }), and a run file: the same as the run's lr
spec base10 '' "$fix" "$fix" '' '' 'epochs = 10'
spec blocklr '' "$fix" "$fix" '' '' 'epochs = 10, params = W(lr = 0.5)'
train base10; train blocklr
same blocklr runlr W && ok "train block params = W(lr = 0.5) = lr 0.05" || notok "params = W(lr = 0.5)"
"$EBMC" train "$T/parlr.ebm" --set param.W.lr=1 --quiet --out "$T/set1.safetensors" >"$T/set1.log" 2>&1
python3 $ST "$T/set1.safetensors" >"$T/set1.txt" 2>/dev/null
same set1 base10 W && ok "--set param.W.lr=1 overrides the spec's { lr = 0.5 }" || notok "--set param.W.lr" "$(tail -2 "$T/set1.log")"
printf 'train:\n  params: W(lr = 0.5)\n' >"$T/run.yaml"
"$EBMC" train "$T/base10.ebm" --config "$T/run.yaml" --quiet --out "$T/yaml.safetensors" >"$T/yaml.log" 2>&1
python3 $ST "$T/yaml.safetensors" >"$T/yaml.txt" 2>/dev/null
same yaml runlr W && ok "run file params: W(lr = 0.5) = lr 0.05" || notok "run file params" "$(tail -2 "$T/yaml.log")"
"$EBMC" train "$T/base10.ebm" --set param.W.lr=0.5 --set train.param.W.momentum=0.25 --print-config >"$T/pc.yaml" 2>&1
grep -q "^  params: 'W(lr = 0.5, momentum = 0.25)'$" "$T/pc.yaml" && "$EBMC" train "$T/base10.ebm" --config "$T/pc.yaml" --print-config 2>&1 | cmp -s - "$T/pc.yaml" &&
    ok "--set param.W.KEY merges, and --print-config gives it back" || notok "params in --print-config" "$(grep params "$T/pc.yaml")"
expect_fail "--set param.Q.lr: no such parameter" "model 'm' has no parameter 'Q'" "$EBMC" train "$T/base10.ebm" --set param.Q.lr=1 --print-config
if "$EBMC" build "$T/blocklr.ebm" -o "$T/lbin" >"$T/bout" 2>&1 && (cd "$T" && ./lbin train --out l.safetensors >/dev/null 2>&1) &&
   [ "$(python3 $ST "$T/l.safetensors")" = "$(cat "$T/blocklr.txt")" ]; then
    ok "a built binary applies the train block's params"
else notok "built binary params" "$(tail -3 "$T/bout")"; fi
