# threads.sh — trained parameters do not depend on EBMC_THREADS: a 784x500
# RBM (the size at which OpenBLAS's kernels once made them differ, see
# docs/performance.md) trained for 4 batches of 100 synthetic binary rows
# with 1 and 2 threads gives byte-identical checkpoints, for CD-1 and PCD-1,
# under OpenBLAS's own kernel for this processor, under its generic
# Prescott kernels (whose edge handling depends on where a part starts),
# both with the dense GEMMs only (EBMC_SPARSE=0), and with the binary
# operands' sparse products forced (EBMC_SPARSE=1: v W, h W' and the
# gradient's v' P of the data and of the chains, cut into column blocks).
. tests/e2e/lib.sh
# 400 rows of 784 bits, about 30% ones, a fixed seed
awk 'BEGIN { srand(7); for (r = 0; r < 400; r++) { s = ""; for (i = 0; i < 784; i++) s = s (i ? "," : "") (rand() < 0.3 ? 1 : 0); print s } }' >"$T/d.csv"
for method in "cd(k = 1)" "pcd(k = 1, chains = 100)"; do
    cat >"$T/r.ebm" <<SPEC
model rbm {
  visible v[784] : bernoulli
  hidden  h[500] : bernoulli
  param W[784, 500] init normal(0, 0.01)
  param b[784]      init zeros
  param c[500]      init zeros
  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]
}
train rbm {
  data     = csv("$T/d.csv")
  method   = $method
  batch    = 100
  epochs   = 1
  lr       = 0.1
  momentum = 0.5
  monitor  = recon_error every 1
}
SPEC
    for variant in default Prescott sparse; do
        core= sparse=0
        [ $variant = Prescott ] && core=Prescott
        [ $variant = sparse ] && sparse=1
        for t in 1 2; do
            OPENBLAS_CORETYPE=$core EBMC_SPARSE=$sparse EBMC_THREADS=$t "$EBMC" train "$T/r.ebm" --out "$T/p$t.st" --quiet 2>"$T/err" ||
                notok "train $method, $t threads" "$(cat "$T/err")"
        done
        what="$method, $variant"
        if cmp -s "$T/p1.st" "$T/p2.st"; then ok "$what: EBMC_THREADS=1 and 2 give byte-identical checkpoints"
        else notok "$what: EBMC_THREADS=1 and 2 give byte-identical checkpoints" "$(cmp "$T/p1.st" "$T/p2.st")"; fi
        [ $variant = default ] && cp "$T/p1.st" "$T/dense.st"
    done
    # the sums of rows add in another order than the dense GEMM: the forced
    # run's parameters differ in their last bits, so it did take that path
    if ! same_tensors "$T/dense.st" "$T/p1.st"; then ok "$method: EBMC_SPARSE=1 trained through the sparse products"
    else notok "$method: EBMC_SPARSE=1 trained through the sparse products" "its parameters equal the dense run's"; fi
done
