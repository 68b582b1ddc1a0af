# mpi_lib.sh — what the tests under mpirun share (mpi.sh, mpi_methods.sh, mpi_ais.sh,
# mpi_eval.sh): the skip when there is no Open MPI, the launcher's flags,
# and the comparisons of parameter files.
. tests/e2e/lib.sh
if ! command -v mpirun >/dev/null 2>&1; then skip "mpi" "no mpirun (make deps installs openmpi-bin)"; exit 0; fi
if ! ldd "$EBMC" 2>/dev/null | grep -q libmpi; then skip "mpi" "ebmc was built without Open MPI (make deps, then make)"; exit 0; fi
MPI="mpirun --oversubscribe"
[ "$(id -u)" = 0 ] && MPI="$MPI --allow-run-as-root"
# under the sanitizers: Open MPI's plug-ins leak at exit from modules
# already unloaded, which no suppression can name; memory errors and
# undefined behaviour are still checked here, leaks by the one-process tests
[ -n "$SAN" ] && export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
ROOT=$(pwd)
case ${BUILD:-build} in /*) B=$BUILD ;; *) B=$ROOT/${BUILD:-build} ;; esac
# st A B: the largest |difference| between two safetensors files' values
st() { python3 -c "
import sys; sys.path.insert(0, '$ROOT/tests/e2e'); import st_read
a, b = st_read.load(sys.argv[1]), st_read.load(sys.argv[2])
print(max(abs(x - y) for k in a for x, y in zip(a[k], b[k])) if sorted(a) == sorted(b) else 'names differ')" "$1" "$2"; }
# mine FILE HISTORY [ROW]: r0_FILE and r1_FILE, rank r's copies of the CSV
# FILE in which every line that rank r's share of the rows (rt_dist_share
# over 2 ranks) does not read is 99s (or ROW, where 99 is no valid value);
# a data row reads HISTORY lines after its own (csv(..., history = n)). A
# 2-rank run on them equals one process's on FILE only if each rank reads
# its own rows alone.
mine() {
    n=$(($(wc -l <"$1") - $2))
    awk -F, -v n="$n" -v h="$2" -v f="$1" -v fill="$3" '{
        for (r = 0; r < 2; r++) {
            lo = int(n * r / 2); hi = int(n * (r + 1) / 2) + h
            if (NR - 1 >= lo && NR - 1 < hi) print > ("r" r "_" f)
            else if (fill != "") print fill > ("r" r "_" f)
            else { s = "99"; for (i = 2; i <= NF; i++) s = s ",99"; print s > ("r" r "_" f) }
        } }' "$1"
}
# by_rank FLAG DATA CMD...: CMD on 2 ranks, each with FLAG DATA appended,
# where %s in DATA is its rank: by_rank --set 'data=csv("r%s_x.csv")' "$EBMC" train ...
by_rank() {
    FLAG=$1 DATA=$2
    export FLAG DATA
    shift 2
    $MPI -np 2 -x FLAG -x DATA sh -c 'exec "$0" "$@" "$FLAG" "$(printf "$DATA" "$OMPI_COMM_WORLD_RANK")"' "$@"
}
# six_bits: d.csv, the 64 patterns of 6 bits, each with a one-hot label
# (at least 3 bits on), and d.ebm, a discriminative RBM of them
six_bits() {
    awk 'BEGIN { for (n = 0; n < 64; n++) { s = ""; c = 0
        for (i = 0; i < 6; i++) { b = int(n / 2^i) % 2; c += b; s = s b "," }
        print s (c >= 3 ? "1,0" : "0,1") } }' >d.csv
    cat >d.ebm <<'SPEC'
model d {
  visible v[6] : bernoulli
  visible y[2] : softmax
  hidden  h[8] : bernoulli
  param W[6, 8] init normal(0, 0.1)
  param U[2, 8] init normal(0, 0.1)
  param b[6]
  param c[8]
  param d[2]
  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(k) d[k]*y[k]
           - sum(i, j) v[i]*W[i, j]*h[j] - sum(k, j) y[k]*U[k, j]*h[j]
}
train d { data = csv("d.csv"), method = discriminative(target = y), batch = 25, epochs = 30, lr = 0.1 }
SPEC
}
# bas3: b3.ebm, an RBM of 3x3 bars-and-stripes trained by PCD, its exact
# log-likelihood printed at the end (ll LOG reads it)
bas3() {
    cat >b3.ebm <<'SPEC'
model b3 {
  visible v[3, 3] : bernoulli
  hidden  h[12]   : bernoulli
  param W[3, 3, 12] init normal(0, 0.1)
  param b[3, 3]
  param c[12]
  energy = - sum(r, s) b[r, s]*v[r, s] - sum(j) c[j]*h[j] - sum(r, s, j) v[r, s]*W[r, s, j]*h[j]
}
train b3 {
  data = bars_and_stripes(3, 3), method = pcd(k = 3, chains = 50), batch = 14, epochs = 300
  lr = 0.2, momentum = 0.5, monitor = exact_loglik every 300
}
SPEC
}
ll() { sed -n 's/^exact average log-likelihood of the training set: \([-0-9.]*\) .*/\1/p' "$1"; }
