# adversarial.sh — method = adversarial reaches the equilibrium it is known
# to have on a 1-D problem: data N(2, 0.5^2) (8,000 draws of Python's
# random.Random(1)), a generator affine in its noise, x = a z + b, and a
# discriminator logistic in x and x^2, which can express the optimal
# D* = p_data / (p_data + p_g) exactly. At the equilibrium p_g = p_data:
# |a| and b are the data's sd and mean and D = 1/2 everywhere. Seed 1,
# SGD, 600 epochs of batch 200 (lr 0.1, 0.03, 0.01); tolerances: b within
# 0.02 of the data's mean, |a| within 0.03 of its sd, |D(x) - 1/2| < 0.02
# for x within two sds of the mean, the last epoch's losses within 0.02 of
# 2 log 2 (discriminator) and log 2 (generator). The generator's samples
# (4,000, ebmc sample) have the data's mean and sd within 0.03; Ctrl-C
# stops with a checkpoint that resumes to the same bytes.
. tests/e2e/lib.sh
gauss_csv "$T/d.csv" 8000 1
gan_pair "$T/pair.ebm"
cat >>"$T/pair.ebm" <<SPEC
train gen {
  data      = csv("$T/d.csv")
  method    = adversarial(discriminator = disc, k = 1)
  optimizer = sgd
  momentum  = 0
  batch     = 200
  epochs    = 600
  lr        = 0.1 until 200, 0.03 until 400, 0.01
}
SPEC
if "$EBMC" train "$T/pair.ebm" --seed 1 --out "$T/full.st" --log "$T/log.yaml" --quiet 2>"$T/err"; then
    ok "train the pair"
else
    notok "train the pair" "$(head -5 "$T/err")"
fi
"$EBMC" sample "$T/pair.ebm" --params "$T/full.st" --chains 4000 --seed 2 --out "$T/s.csv" >/dev/null 2>"$T/err" ||
    notok "sample the generator" "$(head -3 "$T/err")"
python3 - "$T" <<'PY' || notok "equilibrium check ran"
import math, re, statistics, sys
sys.path.insert(0, "tests/e2e")
import st_read
t = sys.argv[1]
p = {k: v[0] for k, v in st_read.load(t + "/full.st").items()}
data = [float(l) for l in open(t + "/d.csv").read().split()[1:]]
m, sd = statistics.fmean(data), statistics.pstdev(data)
def check(name, good, why):
    print(("ok - " if good else "not ok - ") + name + ("" if good else ": " + why))
check("generator mean b = %.4f, data mean %.4f (within 0.02)" % (p["b"], m), abs(p["b"] - m) < 0.02, "off")
check("generator sd |a| = %.4f, data sd %.4f (within 0.03)" % (abs(p["a"]), sd), abs(abs(p["a"]) - sd) < 0.03, "off")
worst = max(abs(1 / (1 + math.exp(-(p["w1"] * x + p["w2"] * x * x + p["c"]))) - 0.5)
            for x in [m - 2 * sd + 4 * sd * i / 100 for i in range(101)])
check("discriminator D(x) = 1/2 within 0.02 over the data's mean +- 2 sd (worst %.4f)" % worst, worst < 0.02, "off")
last = open(t + "/log.yaml").read().strip().splitlines()[-1]
loss, gen = (float(re.search(k + r": ([-0-9.e]+)", last).group(1)) for k in (r"\bloss", "gen_loss"))
check("last epoch: discriminator loss %.4f ~ 2 log 2, generator loss %.4f ~ log 2 (within 0.02)" % (loss, gen),
      abs(loss - 2 * math.log(2)) < 0.02 and abs(gen - math.log(2)) < 0.02, last)
s = [float(l) for l in open(t + "/s.csv").read().split()[1:]]
check("4000 samples: mean %.4f, sd %.4f vs the data's (within 0.03)" % (statistics.fmean(s), statistics.pstdev(s)),
      len(s) == 4000 and abs(statistics.fmean(s) - m) < 0.03 and abs(statistics.pstdev(s) - sd) < 0.03, "off")
PY
# Ctrl-C: a checkpoint that resumes to the same parameters, byte for byte
interrupted_resume "interrupted run resumed: byte-identical" "$T/full.st" "$T/i.st" "$EBMC" train "$T/pair.ebm" --seed 1
expect_fail "a PNG of 1-D samples is refused" "image-shaped" "$EBMC" sample "$T/pair.ebm" --params "$T/full.st" --out "$T/s.png"
expect_fail "ebmc build refuses the pair" "not built into binaries yet" "$EBMC" build "$T/pair.ebm" -o "$T/bin"
expect_fail "ebmc eval refuses a generator" "no likelihood" "$EBMC" eval "$T/pair.ebm" --params "$T/full.st"
# the discriminator first: ebmc train runs the spec's first model
awk '/^model disc/ { d = 1 } /^train/ { d = 0; printf "%s", g } d { print; next } /^train/ || t { t = 1; print; next } { g = g $0 "\n" }' \
    "$T/pair.ebm" >"$T/swap.ebm"
expect_fail "a spec with the discriminator first is refused" "declare its generator" "$EBMC" train "$T/swap.ebm" --out "$T/sw.st"
