# lib.sh — helpers for end-to-end tests: one "ok" / "not ok" line per check.
EBMC=${EBMC:-./ebmc}
case $EBMC in /*) ;; *) EBMC=$(pwd)/$EBMC ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

E2E_DIR=$(pwd)/tests/e2e   # the scripts run from the repository's root
# same_tensors A B: two safetensors files hold the same tensors, byte for
# byte (st_extract.py with no prefix; the metadata may differ)
same_tensors() {
    python3 "$E2E_DIR/st_extract.py" "$1" "$T/a.t" "" 2>/dev/null &&
        python3 "$E2E_DIR/st_extract.py" "$2" "$T/b.t" "" 2>/dev/null &&
        cmp -s "$T/a.t" "$T/b.t"
}

ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; shift; for l in "$@"; do echo "    $l"; done; }
# skip NAME WHY: a check that cannot run here; counted as skipped, not passed
skip() { echo "skip - $1: $2"; }

# expect_fail NAME PATTERN CMD...: exit status 1 and stderr matching PATTERN
expect_fail() {
    name=$1 pattern=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ $rc = 1 ] && grep -q -- "$pattern" "$T/err"; then ok "$name"
    else notok "$name" "exit status $rc (want 1), stderr: $(head -3 "$T/err")"; fi
}

# tiny_stack FILE EPOCHS: a DBN of two tiny RBMs on 2x2 bars-and-stripes,
# EPOCHS per stage (a second or so at 200)
tiny_stack() {
    sed "s/EPOCHS/$2/g" >"$1" <<'SPEC'
model l1 {
  visible v[4] : bernoulli
  hidden  h[3] : bernoulli
  param W1[4, 3] init normal(0, 0.1)
  energy = - sum(i, j) v[i]*W1[i, j]*h[j]
}
model l2 {
  visible v[3] : bernoulli
  hidden  h[2] : bernoulli
  param W2[3, 2] init normal(0, 0.1)
  energy = - sum(i, j) v[i]*W2[i, j]*h[j]
}
stack s { layers = l1, l2  kind = dbn }
train s {
  stage one { layer = l1  data = bars_and_stripes(2, 2)  method = cd(k = 1)  batch = 8  epochs = EPOCHS  lr = 0.05 }
  stage two { layer = l2  method = cd(k = 1)  batch = 8  epochs = EPOCHS  lr = 0.05 }
}
SPEC
}

# mp_spec FILE DATA EPOCHS: a 16-8-6 DBM with 3 labels on top, trained by
# method = mp(iters = 3, drop = 0.5) on DATA (rows of 16 pixels and 3
# one-hot label columns), EPOCHS epochs of Adam
mp_spec() {
    cat >"$1" <<SPEC
model mpdbm {
  visible v[16] : bernoulli
  visible y[3]  : softmax
  hidden  h1[8] : bernoulli
  hidden  h2[6] : bernoulli
  param W1[16, 8] init normal(0, 0.1)
  param W2[8, 6]  init normal(0, 0.1)
  param U[6, 3]   init normal(0, 0.1)
  param b[16]
  param c1[8]
  param c2[6]
  param d[3]
  energy = - sum(i) b[i]*v[i] - sum(j) c1[j]*h1[j] - sum(k) c2[k]*h2[k] - sum(l) d[l]*y[l]
           - sum(i, j) v[i]*W1[i, j]*h1[j] - sum(j, k) h1[j]*W2[j, k]*h2[k] - sum(k, l) h2[k]*U[k, l]*y[l]
}
train mpdbm {
  data = csv("$2")
  method = mp(iters = 3, drop = 0.5)
  optimizer = adam
  batch = 20
  epochs = $3
  lr = 0.01
  target = y
}
SPEC
}

# bas_dbn FILE CHAINS EPOCHS: a DBN of two RBMs on 4x4 bars-and-stripes
# (16-12-8), a PCD stage per layer with CHAINS chains and EPOCHS epochs
bas_dbn() {
    sed -e "s/CHAINS/$2/g" -e "s/EPOCHS/$3/g" >"$1" <<'SPEC'
model l1 {
  visible v[4, 4] : bernoulli
  hidden  h[12] : bernoulli
  param W1[4, 4, 12] init normal(0, 0.1)
  param b1[4, 4]
  param c1[12]
  energy = - sum(r, s) b1[r, s]*v[r, s] - sum(j) c1[j]*h[j] - sum(r, s, j) v[r, s]*W1[r, s, j]*h[j]
}
model l2 {
  visible v[12] : bernoulli
  hidden  h[8] : bernoulli
  param W2[12, 8] init normal(0, 0.1)
  param b2[12]
  param c2[8]
  energy = - sum(i) b2[i]*v[i] - sum(j) c2[j]*h[j] - sum(i, j) v[i]*W2[i, j]*h[j]
}
stack s { layers = l1, l2  kind = dbn }
train s {
  stage one { layer = l1  data = bars_and_stripes(4, 4)  method = pcd(k = 1, chains = CHAINS)  batch = 30  epochs = EPOCHS  lr = 0.05 }
  stage two { layer = l2  method = pcd(k = 1, chains = CHAINS)  batch = 30  epochs = EPOCHS  lr = 0.05 }
}
SPEC
}

# rnn_two FILE: a small recurrent RBM (an RNN-RBM of 2 x 6 frames of a
# moving bar, 3 recurrent units), trained 2 epochs of batch 6
rnn_two() {
    cat >"$1" <<'SPEC'
model two {
  visible v[2, 6] : bernoulli
  hidden  h[4] : bernoulli
  input   u[3] { recurrent = s }
  param W[2, 6, 4] init normal(0, 0.1)
  param A[3, 2, 6]
  param R[3, 3]
  param C[2, 6, 3] init normal(0, 0.1)
  energy = - sum(a, b, j) v[a, b]*W[a, b, j]*h[j] - sum(k, a, b) u[k]*A[k, a, b]*v[a, b]
  let s[k] = tanh(sum(l) u[l]*R[l, k] + sum(a, b) v[a, b]*C[a, b, k])
}
train two { data = moving_bar(width = 12, length = 5)  epochs = 2  batch = 6 }
SPEC
}

# gan_pair FILE: a 1-D adversarial pair, a generator affine in its noise
# (x = a z + b) and a discriminator logistic in x and x^2, whose train
# block the caller appends
gan_pair() {
    cat >"$1" <<'SPEC'
model gen {
  input z { noise = normal }
  param a init 1
  param b
  let x = a*z + b
}
model disc {
  visible x : gaussian
  param w1
  param w2
  param c
  let s = w1*x + w2*x^2 + c
}
SPEC
}

# ppca_rows FILE: 400 rows of a 4-dimensional Gaussian with one dominant
# direction (seed 3); ppca_model: the PPCA model that fits it, whose train
# block the caller writes
ppca_rows() {
    awk 'BEGIN { srand(3); for (r = 0; r < 400; r++) { z = 0; for (k = 0; k < 12; k++) z += rand(); z -= 6
        printf "%.6f", 2*z; for (i = 1; i < 4; i++) { e = 0; for (k = 0; k < 12; k++) e += rand(); printf ",%.6f", (i + 1)*z + 0.5*(e - 6) }
        printf "\n" } }' >"$1"
}
ppca_model() {
    cat <<'SPEC'
model ppca {
  visible x[4] : gaussian
  hidden  h[1] : gaussian
  param W[4, 1] init normal(0, 0.1)
  param b[4]
  param s2 init 1
  h ~ normal(0, 1)
  x[i] ~ normal(sum(j) W[i, j]*h[j] + b[i], sqrt(s2))
}
SPEC
}

# ica_rows FILE: 600 rows of two logistic sources, mixed (seed 5);
# ica_model: an ICA model of them, whose train block the caller writes
ica_rows() {
    awk 'BEGIN { srand(5); for (r = 0; r < 600; r++) { u = rand(); s = log(u/(1-u)); u = rand(); t = log(u/(1-u))
        printf "%.6f,%.6f\n", s + 0.5*t + 1, 0.3*s + t } }' >"$1"
}
ica_model() {
    cat <<'SPEC'
model ica {
  visible x[2] : gaussian
  hidden  s[2] : gaussian { sampler = hmc(steps = 10, step_size = 0.005) }
  param W[2, 2] init normal(0, 0.1)
  param b[2]
  s ~ logistic(0, 1)
  x[i] ~ normal(sum(k) W[i, k]*s[k] + b[i], 0.01)
}
SPEC
}

# sc_rows FILE: 300 6-dimensional rows made of two sparse causes (seed 7);
# sc_model: a sparse-coding model of them, whose train block the caller
# writes
sc_rows() {
    awk 'BEGIN { srand(7); for (r = 0; r < 300; r++) { a = rand() < 0.3 ? 2*rand() - 1 : 0; c = rand() < 0.3 ? 2*rand() - 1 : 0
        printf "%.5f,%.5f,%.5f,%.5f,%.5f,%.5f\n", a + 0.1*rand(), a - c + 0.1*rand(), c + 0.1*rand(), 0.1*rand(), -a + 0.1*rand(), c + 0.1*rand() } }' >"$1"
}
sc_model() {
    cat <<'SPEC'
model sc {
  visible x[6] : gaussian
  hidden  h[8] : gaussian { sampler = hmc(steps = 10, step_size = 0.01) }
  param W[6, 8] init normal(0, 0.1)
  param b[6]
  h ~ laplace(0, 1)
  x[i] ~ normal(sum(j) W[i, j]*h[j] + b[i], 0.5)
}
SPEC
}

# rbm20_spec FILE: a 784x20 RBM on binarised Fashion-MNIST (CD-1, 5
# epochs) with an eval block of AIS, 100 runs x 10,000 betas, on the test
# images: its log Z is exact by enumerating the 2^20 hidden states
rbm20_spec() {
    F=/usr/share/datasets/fashion-mnist
    cat >"$1" <<EOF
model rbm20 {
  visible v[28, 28] : bernoulli
  hidden  h[20]     : bernoulli
  param W[28, 28, 20] init normal(0, 0.01)
  param b[28, 28]
  param c[20]
  energy = - sum(r, s) b[r, s]*v[r, s] - sum(j) c[j]*h[j] - sum(r, s, j) v[r, s]*W[r, s, j]*h[j]
}
train rbm20 {
  data = idx("$F/train-images-idx3-ubyte.gz", binarize = 0.5)
  method = cd(k = 1)
  epochs = 5
  lr = 0.05
  momentum = 0.5 until 2, 0.9
  monitor = none
}
eval rbm20 {
  ais(runs = 100, betas = 10000)
  data = idx("$F/t10k-images-idx3-ubyte.gz", binarize = 0.5)
}
EOF
}

# gauss_csv FILE N SEED: a CSV of one column x, N draws of N(2, 0.5^2) by
# Python's random.Random(SEED)
gauss_csv() {
    python3 -c "
import random
r = random.Random($3)
print('x')
for i in range($2): print('%.6f' % r.gauss(2.0, 0.5))
" >"$1"
}

# interrupted_resume NAME FULL OUT CMD...: CMD --out OUT stopped by Ctrl-C
# once its first epoch line is out (up to a minute on a loaded machine),
# then resumed from its checkpoint: OUT must be FULL's bytes
interrupted_resume() {
    name=$1 full=$2 out=$3
    shift 3
    rm -f "$out" "$out.log"
    "$@" --out "$out" >"$out.log" 2>&1 &
    pid=$!
    for i in $(seq 1 600); do grep -q '^epoch' "$out.log" && break; sleep 0.1; done
    kill -INT $pid 2>/dev/null
    wait $pid
    if [ $? = 130 ]; then
        "$@" --out "$out" --resume "$out" --quiet 2>"$out.err"
        cmp -s "$full" "$out" && ok "$name" || notok "$name" "$(head -3 "$out.err")"
    else
        ok "Ctrl-C came after the run finished (nothing to resume)"
    fi
}
