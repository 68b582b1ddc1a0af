# updown_dbn.sh — a DBN of two RBMs on 4x4 bars-and-stripes (16-12-8) for
# the up-down tests: `dbn FILE`, the spec with a pretraining stage per
# layer (PCD, 300 epochs) and an up_down stage (300 epochs, lr 0.05).
dbn() {
    cat >"$1" <<'SPEC'
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
  stage one  { layer = l1  data = bars_and_stripes(4, 4)  method = pcd(k = 1, chains = 50)  batch = 30  epochs = 300  lr = 0.05 }
  stage two  { layer = l2  method = pcd(k = 1, chains = 50)  batch = 30  epochs = 300  lr = 0.05 }
  stage tune { method = up_down(k = 10)  batch = 10  epochs = 300  lr = 0.05  momentum = 0.5 }
}
SPEC
}
