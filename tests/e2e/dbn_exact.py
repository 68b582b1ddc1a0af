# dbn_exact.py — a two-layer DBN's average log p(v) and its variational
# bound, both exact by enumeration (stdlib only), from its stack checkpoint,
# for the tests of ebmc's sampled bound and of up_down:
#   p(v) = sum_h1 p(v | h1) p_top(h1),  p_top(h1) = exp(-F(h1)) / Z
#   bound = sum_h1 q(h1 | v) [log p(v | h1) + log p_top(h1) - log q(h1 | v)]
# with p(v | h1) from the bottom layer's generative weights (L1.down.*,
# else L1.*), q(h1 | v) from its recognition weights (L1.*), F the top
# RBM's free energy, its hidden units summed. Prints "loglik bound".
# usage: python3 dbn_exact.py CKPT DATA.csv L1 W b c L2 W c b  (the layers'
# names, then the bottom layer's weights, visible and hidden bias, the
# top's weights, hidden and visible bias; DATA one binary example a line)
import math, os, sys

sys.path.insert(0, os.path.dirname(__file__))
import st_read

ck, data, l1, w1, b1, c1, l2, w2, c2, b2 = sys.argv[1:11]
t = st_read.load(ck)
gen = lambda n: t.get("%s.down.%s" % (l1, n), t["%s.%s" % (l1, n)])
W1, B1 = gen(w1), gen(b1)
R1, RC = t["%s.%s" % (l1, w1)], t["%s.%s" % (l1, c1)]
W2, C2, B2 = t["%s.%s" % (l2, w2)], t["%s.%s" % (l2, c2)], t["%s.%s" % (l2, b2)]
nv, nh, nt = len(B1), len(B2), len(C2)
sp = lambda x: x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x))
lse = lambda xs: max(xs) + math.log(sum(math.exp(x - max(xs)) for x in xs))
hs = [[(k >> j) & 1 for j in range(nh)] for k in range(1 << nh)]
# -F(h1) for every h1, then log Z
negf = [sum(B2[j] * h[j] for j in range(nh)) +
        sum(sp(C2[k] + sum(h[j] * W2[j * nt + k] for j in range(nh))) for k in range(nt)) for h in hs]
logz = lse(negf)
# per h1 the bottom layer's log sigmoid terms: log p(v_i = 1 | h1), log p(v_i = 0 | h1)
on, off = [], []
for h in hs:
    a = [B1[i] + sum(W1[i * nh + j] * h[j] for j in range(nh)) for i in range(nv)]
    on.append([-sp(-x) for x in a])
    off.append([-sp(x) for x in a])
rows = [[float(x) for x in line.split(",")] for line in open(data) if line.strip()]
total = bound = 0.0
for v in rows:
    joint = [negf[k] - logz + sum(on[k][i] if v[i] > 0.5 else off[k][i] for i in range(nv)) for k in range(len(hs))]
    total += lse(joint)
    # q(h1 | v): independent units, sigmoid(c + v W)
    a = [RC[j] + sum(v[i] * R1[i * nh + j] for i in range(nv)) for j in range(nh)]
    lq1, lq0 = [-sp(-x) for x in a], [-sp(x) for x in a]
    for k, h in enumerate(hs):
        lq = sum(lq1[j] if h[j] else lq0[j] for j in range(nh))
        bound += math.exp(lq) * (joint[k] - lq)
print("%.6f %.6f" % (total / len(rows), bound / len(rows)))
