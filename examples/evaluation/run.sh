#!/bin/sh
# examples/evaluation/run.sh — the figures of docs/evaluation.md: the average
# test log-likelihood of a 784-500 RBM on binarised Fashion-MNIST trained
# with CD-1, CD-25 and PCD-1 (specs/rbm.ebm's settings: 20 epochs, batch
# 100, lr 0.05, momentum 0.5 then 0.9, weight decay 2e-4, seed 1), each
# estimated by AIS (100 runs x 10,000 betas, base rates from the training
# data) on the 10,000 test images, with its 3-sigma band, the effective
# number of AIS runs (ESS) and wall times.
#
#   sh examples/evaluation/run.sh [EPOCHS] [OUTDIR]
#
# Prints a Markdown table; OUTDIR (default /tmp/ebmc-evaluation) keeps the
# checkpoints, the eval reports (NAME.eval.yaml), the filters
# (NAME.filters.png) and the training curves (--report: NAME.yaml, NAME.png).
# expected.txt holds the output of one run. On two shared cores it took 18
# minutes for 5 epochs and 73 for 20 (CD-25 is most of it); with other work
# on the machine, EBMC_THREADS=1 is faster than the default (see
# docs/performance.md).
set -e
EBMC=${EBMC:-ebmc}
EPOCHS=${1:-20}
OUT=${2:-/tmp/ebmc-evaluation}
F=/usr/share/datasets/fashion-mnist
mkdir -p "$OUT"
# specs/rbm.ebm with an eval block on the test set
sed 's/^eval .*//' "$(dirname "$0")/../../specs/rbm.ebm" >"$OUT/rbm.ebm"
cat >>"$OUT/rbm.ebm" <<EOS
eval rbm {
  ais(runs = 100, betas = 10000)
  data = idx("$F/t10k-images-idx3-ubyte.gz", binarize = 0.5)
}
EOS
key() { sed -n "s/^$1: //p" "$2"; }
# a number to two places; log(Z - 3 sd) is -inf when 3 sd exceeds the
# estimate of Z (few runs, or runs whose weights are dominated by one), and
# YAML writes that -.inf, which printf refuses: print it as -inf
num() { case $1 in *inf*|*nan*) echo "$1" | sed 's/\.inf/inf/; s/\.nan/nan/' ;; *) printf '%.2f' "$1" ;; esac; }
echo "| method | epochs | train (s) | AIS log Z | +- stderr | test log-likelihood | 3-sigma band | AIS ESS | AIS (s) |"
echo "|---|---|---|---|---|---|---|---|---|"
for m in "cd1:cd(k = 1)" "cd25:cd(k = 25)" "pcd1:pcd(k = 1, chains = 100)"; do
    name=${m%%:*} method=${m#*:}
    t0=$(date +%s.%N)
    "$EBMC" train "$OUT/rbm.ebm" --set "method=$method" --set epochs="$EPOCHS" --set 'monitor=recon_error every 1' \
        --out "$OUT/$name.safetensors" --report "$OUT/$name.yaml" --quiet >/dev/null
    t1=$(date +%s.%N)
    "$EBMC" eval "$OUT/rbm.ebm" --params "$OUT/$name.safetensors" --filters "$OUT/$name.filters.png" >"$OUT/$name.eval.yaml"
    r="$OUT/$name.eval.yaml"
    printf '| %s | %s | %.0f | %s | %s | %s | [%s, %s] | %s | %.0f |\n' "$method" "$EPOCHS" \
        "$(echo "$t1 - $t0" | bc)" "$(num "$(key ais_logz "$r")")" "$(num "$(key ais_logz_stderr "$r")")" \
        "$(num "$(key ais_loglik "$r")")" "$(num "$(key ais_loglik_minus_3sd "$r")")" \
        "$(num "$(key ais_loglik_plus_3sd "$r")")" "$(key ais_ess "$r")" "$(key ais_seconds "$r")"
done
