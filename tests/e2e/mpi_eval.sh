# mpi_eval.sh — the estimates over data rows across mpirun -np 2 (the
# interpreter; docs/distributed.md): each rank reads a copy of the data in
# which the rows outside its share are another row's copies, and the 2
# ranks still print one process's numbers on the clean data (to within
# 2e-6, the order of addition; measured: the same digits), which they do
# only if each rank scores its own rows alone and the sums are added:
#   1. eval: recon_error, pseudo_loglik, exact log-likelihood, and with
#      --target the conditional log-likelihood and the accuracy;
#   2. training's monitors (lr 0, so the parameters stay the initial ones):
#      pseudo_loglik, exact_loglik and accuracy in the progress line, and
#      fe_gap (on the clean data: its rows are spread over the set);
#   3. the test score of a linear-Gaussian model (exact log p(v) of the
#      test rows) after EM;
#   4. a DBM (tests/e2e/dbm_643.ebm): its exact log p(v), which lists h2
#      per row, and the mean-field bound of --ais, whose log Z is 2 ranks'
#      own AIS runs (so bound + log Z is compared, to 3e-6: both printed to
#      6 decimals).
. tests/e2e/mpi_lib.sh
cd "$T"
six_bits
mine d.csv 0 1,1,1,1,1,1,1,0
cat >e.ebm <<'SPEC'
model e {
  visible v[8] : bernoulli
  hidden  h[4] : bernoulli
  param W[8, 4] init normal(0, 1)
  param b[8] init normal(0, 1)
  energy = - sum(i) b[i]*v[i] - sum(i, j) v[i]*W[i, j]*h[j]
}
train e { data = csv("d.csv"), method = cd(k = 1), batch = 16, epochs = 1, lr = 0, monitor = pseudo_loglik, exact_loglik every 1 }
SPEC
key() { sed -n "s/^$1: //p" "$2"; }
# near A B: the numbers A and B within 2e-6 (and both there)
near() { [ -n "$1" ] && [ -n "$2" ] && awk "BEGIN { d = $1 - $2; exit !(d < 2e-6 && -d < 2e-6) }"; }

# 1
"$EBMC" train d.ebm --backend interp --quiet --out d.st 2>/dev/null
"$EBMC" train e.ebm --backend interp --quiet --out e.st 2>/dev/null
for s in "d --target y" e; do
    set -- $s
    m=$1
    shift
    "$EBMC" eval $m.ebm --backend interp --params $m.st --exact "$@" >$m.1.yaml 2>&1
    by_rank --data 'r%s_d.csv' "$EBMC" eval $m.ebm --backend interp --params $m.st --exact "$@" >$m.2.yaml 2>&1
    keys="recon_error exact_loglik $([ $m = d ] && echo cond_loglik accuracy || echo pseudo_loglik)"
    bad=""
    for k in $keys; do near "$(key $k $m.1.yaml)" "$(key $k $m.2.yaml)" || bad="$bad $k: $(key $k $m.1.yaml) vs '$(key $k $m.2.yaml)'"; done
    [ -z "$bad" ] && ok "eval $m: $keys of 2 ranks, each reading only its rows, are 1 process's" ||
        notok "eval $m on 2 ranks" "$bad" "$(grep error $m.2.yaml | head -2)"
done

# 2
# the monitors of the progress line (the optimum, the data's entropy, is
# left out: each rank works it out from the data it read)
mon() { sed -n 's/^epoch *1\/1 *//p' "$1" | sed 's/ *[0-9.]* s\/epoch//; s/ (exact; optimum [-0-9.]*)//'; }
"$EBMC" train e.ebm --backend interp --out e1.st >e1.log 2>&1
by_rank --set 'data=csv("r%s_d.csv")' "$EBMC" train e.ebm --backend interp --out e2.st >e2.log 2>&1
a=$(mon e1.log) b=$(mon e2.log)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "training's monitors on 2 ranks, each reading only its rows: $b" ||
    notok "training's monitors on 2 ranks" "1 process: $a" "2 ranks: $b" "$(tail -2 e2.log)"
"$EBMC" train d.ebm --backend interp --set lr=0 --set epochs=1 --set 'monitor=accuracy' --out d1.st >d1.log 2>&1
by_rank --set 'data=csv("r%s_d.csv")' "$EBMC" train d.ebm --backend interp --set lr=0 --set epochs=1 --set 'monitor=accuracy' \
    --out d2.st >d2.log 2>&1
a=$(mon d1.log) b=$(mon d2.log)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "the accuracy monitor on 2 ranks, each reading only its rows: $b" ||
    notok "the accuracy monitor on 2 ranks" "1 process: $a" "2 ranks: $b" "$(tail -2 d2.log)"
"$EBMC" train e.ebm --backend interp --set 'monitor=fe_gap' --out f1.st >f1.log 2>&1
$MPI -np 2 "$EBMC" train e.ebm --backend interp --set 'monitor=fe_gap' --out f2.st >f2.log 2>&1
a=$(mon f1.log) b=$(mon f2.log)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "the fe_gap monitor on 2 ranks: $b" || notok "fe_gap on 2 ranks" "1 process: $a" "2 ranks: $b"

# 3: PPCA by EM on 3-dimensional rows, scored on test rows
awk 'BEGIN { srand(4); for (r = 0; r < 200; r++) { z = rand() - 0.5; printf "%.5f,%.5f,%.5f\n", z + 0.1*rand(), 2*z + 0.1*rand(), rand() } }' >x.csv
mine x.csv 0
cat >ppca.ebm <<'SPEC'
model ppca {
  visible x[3] : gaussian
  hidden  h[1] : gaussian
  param W[3, 1] init normal(0, 0.1)
  param b[3]
  param s2 init 1
  h ~ normal(0, 1)
  x[i] ~ normal(sum(j) W[i, j]*h[j] + b[i], sqrt(s2))
}
train ppca { data = csv("x.csv"), test = csv("x.csv"), method = em(tol = 1e-10), epochs = 500 }
SPEC
score() { sed -n 's/^exact average log-likelihood of the test data (200 examples): //p' "$1"; }
"$EBMC" train ppca.ebm --backend interp --out p1.st >p1.log 2>&1
by_rank --set 'test=csv("r%s_x.csv")' "$EBMC" train ppca.ebm --backend interp --out p2.st >p2.log 2>&1
a=$(score p1.log) b=$(score p2.log)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "a test score on 2 ranks, each reading only its test rows: $b" ||
    notok "a test score on 2 ranks" "1 process: '$a'" "2 ranks: '$b'" "$(tail -2 p2.log)"

# 4: the 10 patterns of the 2 x 3 bars and stripes
awk 'BEGIN { for (m = 0; m < 8; m++) { s = ""; for (r = 0; r < 2; r++) for (c = 0; c < 3; c++) s = s (s == "" ? "" : ",") int(m / 2^c) % 2; print s }
    for (m = 1; m < 3; m++) { s = ""; for (r = 0; r < 2; r++) for (c = 0; c < 3; c++) s = s (s == "" ? "" : ",") int(m / 2^r) % 2; print s } }' >b.csv
mine b.csv 0 1,0,1,0,1,0
"$EBMC" train "$ROOT/tests/e2e/dbm_643.ebm" --backend interp --quiet --out dbm.st 2>/dev/null
set -- "$ROOT/tests/e2e/dbm_643.ebm" --params dbm.st --backend interp --ais --runs 20 --betas 100 --raise 0
"$EBMC" eval "$@" --data b.csv >db1.yaml 2>&1
by_rank --data 'r%s_b.csv' "$EBMC" eval "$@" >db2.yaml 2>&1
b1=$(awk -F': ' '/^ais_logz:/ { z = $2 } /^ais_loglik_lower_bound:/ { b = $2 } END { if (b != "") printf "%.6f", b + z }' db1.yaml)
b2=$(awk -F': ' '/^ais_logz:/ { z = $2 } /^ais_loglik_lower_bound:/ { b = $2 } END { if (b != "") printf "%.6f", b + z }' db2.yaml)
if near "$(key exact_loglik db1.yaml)" "$(key exact_loglik db2.yaml)" && [ -n "$b1" ] && [ -n "$b2" ] &&
    awk "BEGIN { d = $b1 - $b2; exit !(d < 3e-6 && -d < 3e-6) }"; then
    ok "DBM eval on 2 ranks, each reading only its rows: exact_loglik $(key exact_loglik db2.yaml), bound + log Z $b2, as 1 process"
else notok "DBM eval on 2 ranks" "exact_loglik $(key exact_loglik db1.yaml) vs '$(key exact_loglik db2.yaml)'" "bound + log Z $b1 vs '$b2'" \
    "$(grep error db2.yaml | head -2)"; fi
