"""peers.py - the Python baselines of tests/bench/run.sh (Debian's
python3-sklearn and python3-torch; installed for benchmarking only; the
numpy loop needs python3-numpy alone).

  peers.py cd1 sklearn|torch|numpy REPS
                                    seconds per CD-1 epoch (784x500, batch 100,
                                    60,000 binarised Fashion-MNIST images), median
  peers.py sample REPS              sweeps per second of a 64x32 RBM, 10,000
                                    chains, 1,000 block-Gibbs sweeps (torch)
  peers.py dbm REPS                 seconds per mean-field pass of a 784-500-1000
                                    DBM, 10 iterations, batch 100 (torch)
  peers.py vae REPS                 seconds per epoch of specs/vae.ebm's network
                                    (784-200-20 tanh encoder, 20-200-784 tanh
                                    decoder, negative ELBO, Adam lr 1e-3, batch
                                    100) by autograd (torch)
  peers.py mlp REPS                 seconds per epoch of tests/bench/mlp.ebm's
                                    network (the backprop stage of specs/dbn.ebm:
                                    784-500-500-2000 sigmoid, softmax over 10
                                    labels, cross-entropy, SGD lr 0.1 momentum
                                    0.9, batch 100) by autograd (torch)

Everything float32 on the CPU, each library with its default threading: its
BLAS (OpenBLAS) uses every core; PyTorch's own (OpenMP) pool starts with one
thread per physical core. Asking PyTorch for more (BENCH_TORCH_THREADS=2)
made every PyTorch figure slower here (its OpenMP threads and OpenBLAS's
compete for the cores: CD-1 epoch 2.8 s -> 9.0 s), so the default is its
best. The PyTorch CD-1 loop is the plain textbook one: 5 matrix products per
batch.
"""
import gzip
import os
import statistics
import sys
import time

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


def images():
    with gzip.open(DATA, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    x = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, 784)
    return (x.astype(np.float32) / 255.0 > 0.5).astype(np.float32)


def torch_setup():
    import torch
    if os.environ.get("BENCH_TORCH_THREADS"):
        torch.set_num_threads(int(os.environ["BENCH_TORCH_THREADS"]))
    torch.manual_seed(1)
    return torch


def cd1_sklearn(x):
    from sklearn.neural_network import BernoulliRBM
    rbm = BernoulliRBM(n_components=500, learning_rate=0.05, batch_size=100, n_iter=1, random_state=1)
    t0 = time.perf_counter()
    rbm.fit(x)
    return time.perf_counter() - t0


def cd1_torch(x):
    torch = torch_setup()
    with torch.no_grad():
        data = torch.from_numpy(x)
        n, nv, nh, bs, lr, mom = data.shape[0], 784, 500, 100, 0.05, 0.5
        W = 0.01 * torch.randn(nv, nh)
        b = torch.zeros(nv)
        c = torch.zeros(nh)
        dW, db, dc = torch.zeros_like(W), torch.zeros_like(b), torch.zeros_like(c)
        t0 = time.perf_counter()
        order = torch.randperm(n)
        for i in range(0, n, bs):
            v0 = data[order[i:i + bs]]
            ph0 = torch.sigmoid(v0 @ W + c)
            h0 = torch.bernoulli(ph0)
            pv1 = torch.sigmoid(h0 @ W.t() + b)
            v1 = torch.bernoulli(pv1)
            ph1 = torch.sigmoid(v1 @ W + c)
            m = v0.shape[0]
            dW.mul_(mom).add_((v0.t() @ ph0 - v1.t() @ ph1), alpha=lr / m)
            db.mul_(mom).add_((v0 - v1).sum(0), alpha=lr / m)
            dc.mul_(mom).add_((ph0 - ph1).sum(0), alpha=lr / m)
            W += dW
            b += db
            c += dc
        return time.perf_counter() - t0


def cd1_numpy(x):
    """the PyTorch loop above in numpy (one BLAS sgemm per product, the
    BLAS's own threading): the peer where PyTorch cannot be installed"""
    rng = np.random.default_rng(1)
    n, nv, nh, bs, lr, mom = x.shape[0], 784, 500, 100, 0.05, 0.5
    W = (0.01 * rng.standard_normal((nv, nh))).astype(np.float32)
    b = np.zeros(nv, np.float32)
    c = np.zeros(nh, np.float32)
    dW, db, dc = np.zeros_like(W), np.zeros_like(b), np.zeros_like(c)

    def sigmoid(a):
        return 1 / (1 + np.exp(-a))

    t0 = time.perf_counter()
    order = rng.permutation(n)
    for i in range(0, n, bs):
        v0 = x[order[i:i + bs]]
        ph0 = sigmoid(v0 @ W + c)
        h0 = (rng.random(ph0.shape, np.float32) < ph0).astype(np.float32)
        pv1 = sigmoid(h0 @ W.T + b)
        v1 = (rng.random(pv1.shape, np.float32) < pv1).astype(np.float32)
        ph1 = sigmoid(v1 @ W + c)
        m = v0.shape[0]
        dW *= mom
        dW += (lr / m) * (v0.T @ ph0 - v1.T @ ph1)
        db *= mom
        db += (lr / m) * (v0 - v1).sum(0)
        dc *= mom
        dc += (lr / m) * (ph0 - ph1).sum(0)
        W += dW
        b += db
        c += dc
    return time.perf_counter() - t0


def sample_torch():
    torch = torch_setup()
    with torch.no_grad():
        W = 0.1 * torch.randn(64, 32)
        b = 0.1 * torch.randn(64)
        c = 0.1 * torch.randn(32)
        v = torch.bernoulli(torch.full((10000, 64), 0.5))
        sweeps = 1000
        t0 = time.perf_counter()
        for _ in range(sweeps):
            h = torch.bernoulli(torch.sigmoid(v @ W + c))
            v = torch.bernoulli(torch.sigmoid(h @ W.t() + b))
        return sweeps / (time.perf_counter() - t0)


def dbm_torch():
    torch = torch_setup()
    with torch.no_grad():
        W1 = 0.01 * torch.randn(784, 500)
        W2 = 0.01 * torch.randn(500, 1000)
        b1 = torch.zeros(500)
        b2 = torch.zeros(1000)
        v = torch.bernoulli(torch.full((100, 784), 0.5))
        m1 = torch.full((100, 500), 0.5)
        m2 = torch.full((100, 1000), 0.5)
        t0 = time.perf_counter()
        for _ in range(10):
            m1 = torch.sigmoid(v @ W1 + m2 @ W2.t() + b1)
            m2 = torch.sigmoid(m1 @ W2 + b2)
        return time.perf_counter() - t0


def vae_torch(x):
    torch = torch_setup()
    data = torch.from_numpy(x)
    n = lambda *s, sd: (sd * torch.randn(*s)).requires_grad_()
    z = lambda *s: torch.zeros(*s, requires_grad=True)
    V, d, Um, um, Us, us = n(784, 200, sd=0.03), z(200), n(200, 20, sd=0.05), z(20), n(200, 20, sd=0.05), z(20)
    G, g, W, c = n(20, 200, sd=0.1), z(200), n(200, 784, sd=0.05), z(784)
    params = [V, d, Um, um, Us, us, G, g, W, c]
    opt = torch.optim.Adam(params, lr=1e-3)
    perm = torch.randperm(data.shape[0])
    t0 = time.perf_counter()
    for b0 in range(0, data.shape[0], 100):
        xb = data[perm[b0:b0 + 100]]
        e = torch.tanh(xb @ V + d)
        mu, ls = e @ Um + um, e @ Us + us
        zz = mu + torch.exp(ls) * torch.randn_like(mu)
        a = torch.tanh(zz @ G + g) @ W + c
        loss = (torch.nn.functional.softplus(a) - xb * a).sum(1) + 0.5 * (mu ** 2 + torch.exp(2 * ls) - 2 * ls - 1).sum(1)
        opt.zero_grad()
        loss.mean().backward()
        opt.step()
    return time.perf_counter() - t0


def labels():
    with gzip.open(DATA.replace("images-idx3", "labels-idx1"), "rb") as f:
        raw = f.read()
    return np.frombuffer(raw, dtype=np.uint8, offset=8).astype(np.int64)


def mlp_torch(x, y):
    torch = torch_setup()
    data, target = torch.from_numpy(x), torch.from_numpy(y)
    n = lambda *s: (0.01 * torch.randn(*s)).requires_grad_()
    z = lambda *s: torch.zeros(*s, requires_grad=True)
    W1, c1, W2, c2, W3, c3, Wh, bh = n(784, 500), z(500), n(500, 500), z(500), n(500, 2000), z(2000), n(2000, 10), z(10)
    params = [W1, c1, W2, c2, W3, c3, Wh, bh]
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
    perm = torch.randperm(data.shape[0])
    t0 = time.perf_counter()
    for b0 in range(0, data.shape[0], 100):
        idx = perm[b0:b0 + 100]
        a = torch.sigmoid(data[idx] @ W1 + c1)
        a = torch.sigmoid(a @ W2 + c2)
        a = torch.sigmoid(a @ W3 + c3)
        loss = torch.nn.functional.cross_entropy(a @ Wh + bh, target[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - t0


def main():
    mode = sys.argv[1]
    if mode == "cd1":
        which, reps = sys.argv[2], int(sys.argv[3])
        x = images()
        f = {"sklearn": cd1_sklearn, "torch": cd1_torch, "numpy": cd1_numpy}[which]
        print("seconds_per_epoch %.4f" % statistics.median(f(x) for _ in range(reps)))
    elif mode == "sample":
        print("sweeps_per_second %.2f" % statistics.median(sample_torch() for _ in range(int(sys.argv[2]))))
    elif mode == "dbm":
        dbm_torch()   # warm
        print("seconds_per_pass %.6f" % statistics.median(dbm_torch() for _ in range(int(sys.argv[2]))))
    elif mode == "vae":
        x = images()
        print("seconds_per_epoch %.4f" % statistics.median(vae_torch(x) for _ in range(int(sys.argv[2]))))
    elif mode == "mlp":
        x, y = images(), labels()
        print("seconds_per_epoch %.4f" % statistics.median(mlp_torch(x, y) for _ in range(int(sys.argv[2]))))
    else:
        sys.exit("peers.py: unknown mode " + mode)


if __name__ == "__main__":
    main()
