# mpi_options.sh — training options that read the whole batch, across
# mpirun -np 2 (the interpreter; docs/distributed.md): parallel tempering
# (each rank holds whole ladders of its chains), centering offsets (their
# moving averages of the batch's means), the enhanced gradient (the batch's
# data means) and adapt_lr (its likelihood estimate). Each trains the 3x3
# bars-and-stripes RBM on 2 ranks with EBMC_DIST_CHECK=1 (every rank's
# parameters equal after every epoch, which fails if a rank used its own
# rows' means or estimate alone) to an exact average log-likelihood within
# the spread of 5 single-process seeds, widened by 0.1 nat on each side
# (measured spreads 0.15 to 1.2 nat; 2 ranks inside each).
. tests/e2e/mpi_lib.sh
cd "$T"
bas3
# the same RBM with centering offsets on both groups
sed 's/  energy = .*/  param mv[3, 3] { offset = v }\
  param mh[12] { offset = h }\
  energy = - sum(r, s) b[r, s]*v[r, s] - sum(j) c[j]*h[j] - sum(r, s, j) (v[r, s] - mv[r, s])*W[r, s, j]*(h[j] - mh[j])/' b3.ebm >c3.ebm

spread() {   # spread NAME SPEC ARGS...
    name=$1 spec=$2
    shift 2
    lo=0 hi=-100
    for s in 1 2 3 4 5; do
        "$EBMC" train "$spec" --backend interp --seed $s "$@" --out one.st >one.log 2>&1
        l=$(ll one.log)
        [ -n "$l" ] || { notok "$name: one process" "$(tail -3 one.log)"; return; }
        lo=$(awk "BEGIN { print ($l < $lo) ? $l : $lo }")
        hi=$(awk "BEGIN { print ($l > $hi) ? $l : $hi }")
    done
    EBMC_DIST_CHECK=1 $MPI -np 2 "$EBMC" train "$spec" --backend interp --seed 1 "$@" --out two.st >two.log 2>&1
    l=$(ll two.log)
    if [ -n "$l" ] && ! grep -q differ two.log && awk "BEGIN { exit !($l >= $lo - 0.1 && $l <= $hi + 0.1) }"; then
        ok "$name: 2 ranks (equal every epoch) reach loglik $l, single-process seeds [$lo, $hi] (+-0.1)"
    else notok "$name on 2 ranks" "2 ranks '$l', seeds [$lo, $hi]" "$(grep -v '^epoch' two.log | tail -3)"; fi
}
spread "pt(replicas = 4, chains = 10)" b3.ebm --set 'method=pt(replicas = 4, chains = 10)'
spread "centering offsets" c3.ebm --set 'method=cd(k = 1)'
spread "gradient = enhanced" b3.ebm --set 'method=cd(k = 1)' --set gradient=enhanced
spread "adapt_lr = likelihood" b3.ebm --set 'method=cd(k = 1)' --set adapt_lr=likelihood
# pt's swap rate: the ranks' swaps added up, printed once
EBMC_DIST_CHECK=1 $MPI -np 2 "$EBMC" train b3.ebm --backend interp --set 'method=pt(replicas = 4, chains = 10)' --set epochs=20 \
    --set 'monitor=recon_error every 1' --out sw.st >sw.log 2>&1
n=$(grep -c '^epoch .* swap [01]\.[0-9]*' sw.log)
[ "$n" = 20 ] && ok "pt on 2 ranks prints the swap rate once per epoch" || notok "pt's swap rate on 2 ranks" "$n lines" "$(tail -3 sw.log)"
