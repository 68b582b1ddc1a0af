# sparse_exact_full.sh — make test-full's half of sparse_exact.sh:
# test_exact_small (40 s of CPU) with EBMC_SPARSE=1.
EBMC_SPARSE_EXACT_FULL=1
. tests/e2e/sparse_exact.sh
