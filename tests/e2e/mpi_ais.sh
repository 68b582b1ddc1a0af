# mpi_ais.sh — AIS with its runs split over mpirun -np 2 (issue 18): the
# 784x20 RBM of lib.sh's rbm20_spec (Fashion-MNIST, CD-1, 5 epochs; ais.sh
# runs the same AIS in one process), 100 runs x 10,000 betas, the chain on
# v: all 100 runs counted, and log Z within 0.1 nat of the exact log Z
# (2^20 hidden states enumerated, the enumeration split over the ranks
# too) and inside AIS's own 3-sd band. One process measured 512.030 +-
# 0.052 against the exact 511.982; 2 ranks 511.949 +- 0.046. Skipped
# without the data set.
. tests/e2e/mpi_lib.sh
key() { sed -n "s/^$1: //p" "$2"; }
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    skip "784x20 AIS on 2 ranks" "no Fashion-MNIST (make deps installs dataset-fashion-mnist)"
    exit 0
fi
rbm20_spec "$T/rbm20.ebm"
"$EBMC" train "$T/rbm20.ebm" --out "$T/rbm20.st" --quiet >/dev/null 2>"$T/err" || notok "train 784x20" "$(cat "$T/err")"
start=$(date +%s)
$MPI -np 2 "$EBMC" eval "$T/rbm20.ebm" --params "$T/rbm20.st" --raise 0 >"$T/f2.yaml" 2>"$T/err"
ex=$(key exact_logz "$T/f2.yaml") ais=$(key ais_logz "$T/f2.yaml")
if [ "$(key ais_runs "$T/f2.yaml")" = 100 ] && [ "$(key ais_chain "$T/f2.yaml")" = v ] &&
    awk -v a="$ais" -v e="$ex" -v lo="$(key ais_logz_minus_3sd "$T/f2.yaml")" -v hi="$(key ais_logz_plus_3sd "$T/f2.yaml")" \
        'BEGIN { d = a - e; if (d < 0) d = -d; exit !(e != "" && d < 0.1 && lo <= e && e <= hi) }'; then
    ok "784x20 on 2 ranks: AIS log Z $ais +- $(key ais_logz_stderr "$T/f2.yaml"), exact $ex ($(($(date +%s) - start)) s)"
else notok "784x20 AIS on 2 ranks within 0.1 of exact" "AIS $ais exact $ex" "$(tail -3 "$T/err")" "$(grep -E 'ais_|exact' "$T/f2.yaml")"; fi
