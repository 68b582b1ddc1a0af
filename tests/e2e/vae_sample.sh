# vae_sample.sh — sampling a VAE through its decoder model (specs/vae.ebm's
# way): a small VAE (x[4], z[2], 3 tanh units each side) trained 50 epochs
# on 2x2 bars-and-stripes, then its `decoder` model sampled with
# --params-of vae:
#  1. z clamped to known values, one mean-field sweep: each row is
#     sigmoid(a(z)) computed here from the checkpoint, within 1e-5;
#  2. z drawn by sample itself (noise = normal, 4000 chains, seed 1): the
#     column means of sigmoid(a(z)) match E[sigmoid(a(z))] over z ~ N(0, I)
#     by the midpoint rule on a 200 x 200 grid of [-6, 6]^2, within 4 standard
#     errors; and two seeds draw different z;
#  3. --params-of refuses an unknown model and a parameter the owner lacks.
. tests/e2e/lib.sh
cat >"$T/v.ebm" <<'SPEC'
model vae {
  visible x[4] : bernoulli
  input   eps[2] { noise = normal }
  param V[4, 3] init normal(0, 0.3)
  param d[3]
  param Um[3, 2] init normal(0, 0.3)
  param um[2]
  param Us[3, 2] init normal(0, 0.3)
  param us[2]
  param G[2, 3] init normal(0, 0.5)
  param g[3]
  param W[3, 4] init normal(0, 0.5)
  param c[4]
  let e[j]  = tanh(sum(i) x[i]*V[i, j] + d[j])
  let mu[k] = sum(j) e[j]*Um[j, k] + um[k]
  let ls[k] = sum(j) e[j]*Us[j, k] + us[k]
  let z[k]  = mu[k] + exp(ls[k])*eps[k]
  let hd[l] = tanh(sum(k) z[k]*G[k, l] + g[l])
  let a[i]  = sum(l) hd[l]*W[l, i] + c[i]
  loss = sum(i) (softplus(a[i]) - x[i]*a[i]) + 0.5*sum(k) (mu[k]^2 + exp(2*ls[k]) - 2*ls[k] - 1)
}
train vae { data = bars_and_stripes(2, 2)  method = minimize  optimizer = adam  batch = 6  epochs = 50  lr = 0.02 }
model decoder {
  visible x[4] : bernoulli
  input   z[2] { noise = normal }
  param G[2, 3]
  param g[3]
  param W[3, 4]
  param c[4]
  let hd[l] = tanh(sum(k) z[k]*G[k, l] + g[l])
  energy = - sum(i) x[i]*(sum(l) hd[l]*W[l, i] + c[i])
}
model other {
  visible x[4] : bernoulli
  input   z[2] { noise = normal }
  param Q[2, 4]
  energy = - sum(i, k) x[i]*z[k]*Q[k, i]
}
SPEC
"$EBMC" train "$T/v.ebm" --out "$T/v.st" --quiet >"$T/train.log" 2>&1 || notok "the small VAE trains" "$(tail -3 "$T/train.log")"
printf '0,0\n1.5,-0.5\n-2,1\n0.3,2.2\n' >"$T/z.csv"
"$EBMC" sample "$T/v.ebm" --model decoder --params-of vae --params "$T/v.st" --clamp z="$T/z.csv" --mean-field \
    --steps 1 --out "$T/clamped.csv" >/dev/null 2>"$T/err"
"$EBMC" sample "$T/v.ebm" --model decoder --params-of vae --params "$T/v.st" --mean-field --steps 1 --chains 4000 \
    --seed 1 --out "$T/drawn.csv" >/dev/null 2>>"$T/err"
"$EBMC" sample "$T/v.ebm" --model decoder --params-of vae --params "$T/v.st" --mean-field --steps 1 --chains 4000 \
    --seed 2 --out "$T/drawn2.csv" >/dev/null 2>>"$T/err"
python3 - "$T/v.st" "$T/z.csv" "$T/clamped.csv" "$T/drawn.csv" "$T/drawn2.csv" <<'PY' >"$T/py.out" 2>&1
import math, sys
sys.path.insert(0, "tests/e2e")
import st_read
t = st_read.load(sys.argv[1])
G, g, W, c = t["G"], t["g"], t["W"], t["c"]
def means(z):
    hd = [math.tanh(z[0] * G[l] + z[1] * G[3 + l] + g[l]) for l in range(3)]
    return [1 / (1 + math.exp(-(sum(hd[l] * W[l * 4 + i] for l in range(3)) + c[i]))) for i in range(4)]
def rows(path):
    return [[float(v) for v in line.split(",")] for line in open(path).read().split("\n")[1:] if line]
zs = [[float(v) for v in line.split(",")] for line in open(sys.argv[2]) if line.strip()]
got = rows(sys.argv[3])
err = max(abs(a - b) for z, r in zip(zs, got) for a, b in zip(means(z), r))
print("clamped", "ok" if len(got) == 4 and err < 1e-5 else "bad", err)
# E over z ~ N(0, I) by the midpoint rule on a 200 x 200 grid of [-6, 6]^2
n, lo, hi = 200, -6.0, 6.0
h = (hi - lo) / n
pts = [lo + (k + 0.5) * h for k in range(n)]
wts = [math.exp(-x * x / 2) / math.sqrt(2 * math.pi) * h for x in pts]
exp = [0.0] * 4
for a, wa in zip(pts, wts):
    for b, wb in zip(pts, wts):
        m = means([a, b])
        for i in range(4):
            exp[i] += wa * wb * m[i]
d = rows(sys.argv[4])
worst = 0
for i in range(4):
    col = [r[i] for r in d]
    mean = sum(col) / len(col)
    sd = math.sqrt(sum((x - mean) ** 2 for x in col) / (len(col) - 1))
    worst = max(worst, abs(mean - exp[i]) / (sd / math.sqrt(len(col))))
print("drawn", "ok" if len(d) == 4000 and worst < 4 else "bad", worst)
print("seeds", "ok" if rows(sys.argv[5]) != d else "bad")
PY
grep -q "^clamped ok" "$T/py.out" && ok "decoder means at clamped z: sigmoid(a(z)) within 1e-5" || notok "decoder means at clamped z" "$(cat "$T/py.out" "$T/err")"
grep -q "^drawn ok" "$T/py.out" && ok "z drawn from N(0, I): column means within 4 s.e. of the quadrature ($(sed -n 's/^drawn ok //p' "$T/py.out") s.e.)" ||
    notok "z drawn from N(0, I)" "$(cat "$T/py.out" "$T/err")"
grep -q "^seeds ok" "$T/py.out" && ok "another seed draws other z" || notok "another seed draws other z" "$(cat "$T/py.out")"
expect_fail "--params-of an unknown model refused" "no model of that name" \
    "$EBMC" sample "$T/v.ebm" --model decoder --params-of nope --params "$T/v.st" --steps 1 --out "$T/x.csv"
expect_fail "--params-of without the parameter refused" "has no parameter 'Q'" \
    "$EBMC" sample "$T/v.ebm" --model other --params-of vae --params "$T/v.st" --steps 1 --out "$T/x.csv"
expect_fail "--params-of checks the checkpoint against that model" "has no tensor 'Q'" \
    "$EBMC" sample "$T/v.ebm" --model decoder --params-of other --params "$T/v.st" --steps 1 --out "$T/x.csv"
