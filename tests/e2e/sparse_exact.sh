# sparse_exact.sh — the exactness tests with rt_gemm's sparse path forced
# on every binary operand (EBMC_SPARSE=1, runtime/core/rt_gemm_binary.c):
# test_clamp's chi-square tests of clamped Gibbs sampling against the
# distribution by enumeration (RBM and semi-restricted BM, 20,000 chains),
# whose fields v W, h W' come from the sums of rows; in make test-full also
# test_exact_small (the catalogue's tiny models: Gibbs chi-square against
# the exact joint, gradients against finite differences).
. tests/e2e/lib.sh
BUILD=${BUILD:-build}
tests="test_clamp"
[ "${EBMC_SPARSE_EXACT_FULL:-0}" = 1 ] && tests="test_exact_small"
for t in $tests; do
    if [ ! -x "$BUILD/tests/$t" ]; then
        notok "$t with EBMC_SPARSE=1" "$BUILD/tests/$t is not built"
        continue
    fi
    EBMC_SPARSE=1 "$BUILD/tests/$t" >"$T/out" 2>&1
    rc=$?
    # its checks, named as run here
    sed -n 's/^\(not ok\|ok\|skip\) - /\1 - EBMC_SPARSE=1 '"$t"': /p' "$T/out"
    grep '^#' "$T/out"
    [ $rc = 0 ] || notok "EBMC_SPARSE=1 $t exits 0" "exit status $rc"
done
