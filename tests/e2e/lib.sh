# lib.sh — helpers for end-to-end tests: one "ok" / "not ok" line per check.
EBMC=${EBMC:-./ebmc}
case $EBMC in /*) ;; *) EBMC=$(pwd)/$EBMC ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

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
