# mpi.sh — ebmc and a built binary under mpirun -np 2 (docs/distributed.md);
# seeds fixed, the interpreter (no JIT compile per rank):
#   0. the unit test of rt_dist (sums in rank order, shares, gathers, the
#      parameter check) passes under 2 and 3 ranks;
#   1. PCD on 3x3 bars-and-stripes by 2 ranks reaches an exact average
#      log-likelihood within the spread of 5 single-process seeds (widened
#      by 0.1 nat on each side; measured spread 0.25 nat);
#   2. two 2-rank runs are byte-identical, EBMC_DIST_CHECK=1 finds every
#      rank's parameters equal after every epoch, and a 1-rank mpirun is
#      byte-identical to plain ebmc;
#   3. discriminative training and minimize, whose gradients hold no
#      sampling, give 2 ranks the single process's parameters up to float
#      reassociation (max |difference| < 1e-5), also with batch 1, where
#      one rank has no rows in every batch;
#   4. one writer: progress printed once; a 2-rank run stopped by Ctrl-C
#      leaves a checkpoint with all 50 persistent chains, which 1 rank
#      resumes, and a 1-rank checkpoint resumes in 2 ranks; a rank killed
#      stops the job, mpirun names it, and its last checkpoint resumes;
#   5. AIS with its runs split over 2 ranks is within 3 standard errors
#      (+ 0.01) of the exact log Z; exact log Z with the enumeration split
#      over 2 ranks prints one process's digits; 2-rank sampling writes the single
#      process's file byte for byte (the chains split over the ranks:
#      mpi_sample.sh checks every kind of draw, uneven and empty shares);
#   6. what cannot run across ranks (fewer chains than ranks) is refused
#      with the reason;
#   7. a stack's first stage trains on 2 ranks and 1 rank resumes the rest;
#   8. a built binary trains under mpirun as ebmc does (same tensors).
. tests/e2e/mpi_lib.sh
cd "$T"

# 0: the layer itself (tests/unit/test_rt_dist.c), 2 and 3 ranks
for np in 2 3; do
    $MPI -np $np "$B/tests/test_rt_dist" >dist$np.out 2>&1
    if [ $? = 0 ] && [ "$(grep -c '^ok - ' dist$np.out)" = 5 ]; then ok "test_rt_dist under mpirun -np $np"
    else notok "test_rt_dist under mpirun -np $np" "$(grep -v '^ok' dist$np.out | head -5)"; fi
done

bas3

# 1
lo=0 hi=-100
for s in 1 2 3 4 5; do
    "$EBMC" train b3.ebm --backend interp --seed $s --out s$s.st >s$s.log 2>&1
    l=$(ll s$s.log)
    lo=$(awk "BEGIN { print ($l < $lo) ? $l : $lo }")
    hi=$(awk "BEGIN { print ($l > $hi) ? $l : $hi }")
done
$MPI -np 2 "$EBMC" train b3.ebm --backend interp --seed 1 --out m1.st >m1.log 2>&1
l=$(ll m1.log)
if [ -n "$l" ] && awk "BEGIN { exit !($l >= $lo - 0.1 && $l <= $hi + 0.1) }"; then
    ok "2 ranks reach loglik $l, single-process seeds [$lo, $hi] (+-0.1)"
else notok "2 ranks reach the single-process loglik" "2 ranks '$l', seeds [$lo, $hi]" "$(tail -3 m1.log)"; fi
[ "$(grep -c '^epoch 300/300' m1.log)" = 1 ] && [ "$(grep -c '^parameters written' m1.log)" = 1 ] &&
    ok "one writer: the progress line and the message printed once" || notok "one writer" "$(cat m1.log)"

# 2
EBMC_DIST_CHECK=1 $MPI -np 2 "$EBMC" train b3.ebm --backend interp --seed 1 --out m1b.st >m1b.log 2>&1
cmp -s m1.st m1b.st && ok "two 2-rank runs are byte-identical" || notok "two 2-rank runs are byte-identical" "$(tail -3 m1b.log)"
if grep -q "differ" m1b.log; then notok "EBMC_DIST_CHECK: ranks agree" "$(grep differ m1b.log)"; else ok "EBMC_DIST_CHECK: the ranks' parameters agree every epoch"; fi
$MPI -np 1 "$EBMC" train b3.ebm --backend interp --seed 1 --out one.st >one.log 2>&1
cmp -s one.st s1.st && ok "a 1-rank mpirun is byte-identical to plain ebmc" || notok "1-rank mpirun = plain ebmc" "$(tail -3 one.log)"

# 3: a discriminative RBM and a regression loss on the 64 patterns of 6 bits
six_bits
cat >l.ebm <<'EOF'
model l {
  visible x[6] : gaussian
  visible t[2] : gaussian
  param w[6] init zeros
  loss = sqr(t[0] - sum(i) w[i]*x[i])
}
train l { data = csv("d.csv"), method = minimize, batch = 25, epochs = 30, lr = 0.05 }
EOF
for s in d l; do
    "$EBMC" train $s.ebm --backend interp --quiet --out ${s}1.st 2>${s}1.err
    $MPI -np 2 "$EBMC" train $s.ebm --backend interp --quiet --out ${s}2.st >${s}2.err 2>&1
    d=$(st ${s}1.st ${s}2.st 2>&1)
    if awk "BEGIN { exit !($d < 1e-5) }" 2>/dev/null; then ok "$s.ebm: 2 ranks give 1 process's parameters (max difference $d)"
    else notok "$s.ebm: 2 ranks give 1 process's parameters" "$d" "$(tail -3 ${s}2.err)"; fi
done

# batch 1: every batch leaves one rank without rows
"$EBMC" train l.ebm --backend interp --set batch=1 --set epochs=3 --quiet --out b1a.st 2>/dev/null
$MPI -np 2 "$EBMC" train l.ebm --backend interp --set batch=1 --set epochs=3 --quiet --out b1b.st >b1b.err 2>&1
d=$(st b1a.st b1b.st 2>&1)
awk "BEGIN { exit !($d < 1e-5) }" 2>/dev/null && ok "batch 1 on 2 ranks (one idle per batch): 1 process's parameters ($d)" ||
    notok "batch 1 on 2 ranks" "$d" "$(tail -3 b1b.err)"

# 4: Ctrl-C (mpirun passes it on); every rank stops after the same batch
at() {   # the epoch a checkpoint resumes at (its training_position)
    python3 -c "import json, struct, sys; r = open(sys.argv[1], 'rb').read(); n, = struct.unpack('<Q', r[:8])
print(json.loads(r[8:8 + n])['__metadata__']['training_position'].split()[0])" "$1"
}
ck() {   # ck NP FILE: a long run stopped once its first checkpoint is there
    rm -f "$2"
    $MPI -np $1 "$EBMC" train b3.ebm --backend interp --set epochs=100000 --set checkpoint_every=1 --out "$2" >"$2.log" 2>&1 &
    pid=$!
    i=0
    while [ ! -s "$2" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    kill -INT $pid
    wait $pid
}
ck 2 k2.st
if grep -q "interrupted: the training state is in" k2.st.log; then
    chains=$(python3 -c "import sys; sys.path.insert(0, '$ROOT/tests/e2e'); import st_read; print(len(st_read.load('k2.st')['__chains.v']))")
    [ "$chains" = 450 ] && ok "a 2-rank checkpoint holds all 50 chains" || notok "a 2-rank checkpoint holds all 50 chains" "$chains values of v"
    if "$EBMC" train b3.ebm --backend interp --resume k2.st --set epochs=$(($(at k2.st) + 20)) --out r1.st >r1.log 2>&1 &&
        [ -n "$(ll r1.log)" ]; then
        ok "1 rank resumes a 2-rank checkpoint (loglik $(ll r1.log))"
    else notok "1 rank resumes a 2-rank checkpoint" "$(tail -3 r1.log)"; fi
else notok "Ctrl-C stops 2 ranks with a checkpoint" "$(tail -5 k2.st.log)"; fi
ck 1 k1.st
if grep -q "interrupted: the training state is in" k1.st.log &&
    $MPI -np 2 "$EBMC" train b3.ebm --backend interp --resume k1.st --set epochs=$(($(at k1.st) + 20)) --out r2.st >r2.log 2>&1 &&
    [ -n "$(ll r2.log)" ]; then
    ok "2 ranks resume a 1-rank checkpoint (loglik $(ll r2.log))"
else notok "2 ranks resume a 1-rank checkpoint" "$(tail -3 k1.st.log)" "$(tail -3 r2.log 2>/dev/null)"; fi

# a rank killed (SIGKILL, rank 1): the job stops, mpirun names the rank,
# and the last checkpoint is whole
rm -f pid.0 pid.1 kd.st
$MPI -np 2 sh -c 'echo $$ >pid.$OMPI_COMM_WORLD_RANK; exec "$0" "$@"' "$EBMC" train b3.ebm --backend interp \
    --set epochs=100000 --set checkpoint_every=1 --out kd.st >kd.log 2>&1 &
pid=$!
i=0
while { [ ! -s kd.st ] || [ ! -s pid.1 ]; } && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 "$(cat pid.1)"
wait $pid
rc=$?
if [ $rc != 0 ] && grep -q "rank 1 .*signal 9" kd.log &&
    "$EBMC" train b3.ebm --backend interp --resume kd.st --set epochs=$(($(at kd.st) + 20)) --quiet --out kd2.st 2>kd2.err; then
    ok "rank 1 killed: the job stops (exit $rc), mpirun names rank 1, the checkpoint resumes"
else notok "rank 1 killed" "exit $rc" "$(grep -v '^-' kd.log | head -4)" "$(cat kd2.err 2>/dev/null)"; fi

# 5: AIS's runs split over the ranks, sampling, both written by rank 0
"$EBMC" eval b3.ebm --params m1.st --backend interp --exact --ais --runs 100 --betas 1000 --raise 0 >e1.yaml 2>&1
$MPI -np 2 "$EBMC" eval b3.ebm --params m1.st --backend interp --exact --ais --runs 100 --betas 1000 --raise 0 >e2.yaml 2>&1
key() { sed -n "s/^$1: //p" "$2"; }
ex=$(key exact_logz e1.yaml) ais=$(key ais_logz e2.yaml) se=$(key ais_logz_stderr e2.yaml)
if [ -n "$ais" ] && [ "$(key ais_runs e2.yaml)" = 100 ] && [ "$(grep -c '^ais_logz:' e2.yaml)" = 1 ] &&
    awk "BEGIN { d = $ais - $ex; exit !(d < 3 * $se + 0.01 && -d < 3 * $se + 0.01) }"; then
    ok "2-rank AIS (100 runs, 1000 betas) log Z $ais, exact $ex (within 3 s.e. $se + 0.01)"
else notok "2-rank AIS within 3 s.e. of exact" "ais '$ais' exact '$ex' se '$se'" "$(head -3 e2.yaml)"; fi
# exact log Z by enumeration, its 16 chunks of 4096 configurations split over the ranks
"$EBMC" train "$ROOT/specs/rbm_bas.ebm" --backend interp --set epochs=50 --quiet --out bas.st 2>/dev/null
"$EBMC" eval "$ROOT/specs/rbm_bas.ebm" --params bas.st --backend interp --exact >x1.yaml 2>&1
$MPI -np 2 "$EBMC" eval "$ROOT/specs/rbm_bas.ebm" --params bas.st --backend interp --exact >x2.yaml 2>&1
z1=$(key exact_logz x1.yaml) z2=$(key exact_logz x2.yaml)
[ -n "$z1" ] && [ "$z1" = "$z2" ] && [ "$(key exact_loglik x1.yaml)" = "$(key exact_loglik x2.yaml)" ] &&
    ok "exact log Z of 2^16 configurations split over 2 ranks: $z2, as one process" || notok "2-rank exact log Z" "'$z1' vs '$z2'"
"$EBMC" sample b3.ebm --params m1.st --backend interp --chains 40 --steps 50 --seed 3 --out s1.csv >/dev/null 2>&1
$MPI -np 2 "$EBMC" sample b3.ebm --params m1.st --backend interp --chains 40 --steps 50 --seed 3 --out s2.csv >/dev/null 2>&1
[ -s s2.csv ] && cmp -s s1.csv s2.csv && ok "2-rank sample writes the single-process file" || notok "2-rank sample = single process"

# 6
$MPI -np 2 "$EBMC" train b3.ebm --backend interp --set 'method=pt(replicas = 4, chains = 1)' --set epochs=2 --out p.st >p.log 2>&1
rc=$?
if [ $rc != 0 ] && grep -q "error: pt with 1 chains on 2 ranks: every rank needs at least one chain" p.log && [ ! -f p.st ]; then
    ok "pt with fewer chains than ranks: refused with the reason, nothing written"
else notok "pt with fewer chains than ranks refused" "exit $rc" "$(head -3 p.log)"; fi

# 7: a DBN stack, stage by stage (tests/e2e/stack.sh's: lib.sh's bas_dbn), with the check on
bas_dbn s.ebm 50 300
EBMC_DIST_CHECK=1 $MPI -np 2 "$EBMC" train s.ebm --backend interp --stages 1 --quiet --out st1.st >st1.log 2>&1
if "$EBMC" train s.ebm --backend interp --resume st1.st --quiet --out st2.st >st2.log 2>&1 && grep -q "resuming after 1 of 2 stages" st2.log; then
    ok "a stack's first stage on 2 ranks (ranks agree every epoch), the second resumed in 1"
else notok "a stack across 2 ranks" "$(tail -3 st1.log)" "$(tail -3 st2.log)"; fi

# 8
if "$EBMC" build b3.ebm -o b3bin >build.log 2>&1; then
    $MPI -np 2 ./b3bin train --epochs 40 --quiet --out bin.st >bin.log 2>&1
    $MPI -np 2 "$EBMC" train b3.ebm --backend jit --set epochs=40 --quiet --out jit.st >jit.log 2>&1
    d=$(st bin.st jit.st 2>&1)
    [ "$d" = 0.0 ] && ok "a built binary trains under mpirun -np 2 as ebmc does" || notok "built binary under mpirun" "$d" "$(tail -3 bin.log)"
else notok "ebmc build" "$(tail -3 build.log)"; fi
