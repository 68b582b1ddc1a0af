# mpi_methods.sh — the methods with loops of their own (EM, ICA, SFA,
# sparse coding, wake-sleep, REINFORCE) across mpirun -np 2, the
# interpreter, fixed seeds (docs/distributed.md):
#   1. EM, ICA (natural gradient and FastICA) and SFA, whose statistics hold
#      no sampling: each rank reads a copy of the data in which the rows
#      outside its share are 99s, and the 2 ranks still write one process's
#      parameters on the clean data (max |difference| < 1e-5; measured 0):
#      every rank added up its own rows alone, and the exchanges the rest;
#   2. sparse coding: 2 ranks give one process's dictionary within 1e-3
#      (FISTA stops per rank at its tolerance 1e-6; measured 0), and
#      EBMC_DIST_CHECK finds the ranks' parameters equal every epoch;
#   3. wake-sleep and REINFORCE (learned and optimal baselines): one step on
#      a batch of 6000 rows (lr 1) moves p's parameters by 0.42 and q's by
#      0.07 to 0.12; 2 ranks, each drawing its own samples for its half,
#      land near one process's (not on it: rank 1's draws are its own),
#      within a quarter of each step (measured 2% of p's, 3% to 13% of
#      q's), where a sum of the halves that was missing or weighted by the
#      rank's rows would be off by half or all of the step; EBMC_DIST_CHECK
#      finds p and q equal on both ranks.
. tests/e2e/mpi_lib.sh
cd "$T"

# 1: EM on a 4-dimensional Gaussian with one dominant direction (400 rows)
ppca_rows x.csv
{ ppca_model; cat <<'SPEC'
train ppca { data = csv("x.csv"), method = em(tol = 1e-10), epochs = 2000 }
SPEC
} >ppca.ebm
# ICA: two logistic sources, mixed (600 rows)
ica_rows s.csv
{ ica_model; cat <<'SPEC'
train ica { data = csv("s.csv"), method = ica(algorithm = natural, tol = 1e-7), batch = 50, epochs = 40, lr = 0.05 }
SPEC
} >ica.ebm
# SFA: the example's mixture (2000 frames), without its header line
tail -n +2 "$ROOT/examples/sfa/mixture.csv" >mx.csv
sed 's|csv("[^"]*"|csv("mx.csv"|' "$ROOT/specs/sfa.ebm" >sfa.ebm
mine x.csv 0
mine s.csv 0
mine mx.csv 1
same() {   # same NAME SPEC DATA-OF-RANK ARGS...: 1 process on clean data, 2 ranks on their copies
    name=$1 spec=$2 data=$3
    shift 3
    "$EBMC" train "$spec" --backend interp --quiet "$@" --out "$name.1.st" 2>"$name.1.err"
    by_rank --set "data=$data" "$EBMC" train "$spec" --backend interp --quiet "$@" --out "$name.2.st" >"$name.2.err" 2>&1
    d=$(st "$name.1.st" "$name.2.st" 2>&1)
    if awk "BEGIN { exit !($d < 1e-5) }" 2>/dev/null; then
        ok "$name: 2 ranks, each reading only its rows, give 1 process's parameters (max difference $d)"
    else notok "$name: 2 ranks give 1 process's parameters" "$d" "$(tail -3 "$name.2.err")"; fi
}
same em ppca.ebm 'csv("r%s_x.csv")'
same ica_natural ica.ebm 'csv("r%s_s.csv")'
same fastica ica.ebm 'csv("r%s_s.csv")' --set 'method=ica(algorithm = fastica)'
same sfa sfa.ebm 'csv("r%s_mx.csv", history = 1)'

# 2: sparse codes of 6-dimensional rows made of two sparse causes (300 rows)
sc_rows sc.csv
{ sc_model; cat <<'SPEC'
train sc { data = csv("sc.csv"), method = sparse_coding(iters = 200), batch = 30, epochs = 5 }
SPEC
} >sc.ebm
"$EBMC" train sc.ebm --backend interp --quiet --out sc1.st 2>sc1.err
EBMC_DIST_CHECK=1 $MPI -np 2 "$EBMC" train sc.ebm --backend interp --quiet --out sc2.st >sc2.err 2>&1
d=$(st sc1.st sc2.st 2>&1)
if awk "BEGIN { exit !($d < 1e-3) }" 2>/dev/null && ! grep -q differ sc2.err; then
    ok "sparse coding: 2 ranks give 1 process's dictionary (max difference $d), the ranks agree every epoch"
else notok "sparse coding on 2 ranks" "$d" "$(tail -3 sc2.err)"; fi

# 3: the sigmoid belief net of tests/e2e/sbn_wake_sleep.ebm and its
# recognition model; 6000 rows of 16 bits, on with probabilities 0.9, 0.7,
# 0.3 and 0.1 in turn
awk 'BEGIN { srand(11); split("0.9 0.7 0.3 0.1", p, " ")
    for (r = 0; r < 6000; r++) { s = ""; for (i = 0; i < 16; i++) s = s (i ? "," : "") (rand() < p[i % 4 + 1] ? 1 : 0); print s } }' >p.csv
set -- "$ROOT/tests/e2e/sbn_wake_sleep.ebm" --backend interp --quiet --set 'data=csv("p.csv")' --set batch=6000 --set lr=1 \
    --set momentum=0
"$EBMC" train "$@" --set epochs=0 --out w0.st 2>w0.err
for meth in "wake_sleep(recognition = sbn_q)" "reinforce(recognition = sbn_q)" "reinforce(recognition = sbn_q, samples = 2, baseline = optimal)"; do
    "$EBMC" train "$@" --set epochs=1 --set "method=$meth" --out w1.st 2>w1.err
    EBMC_DIST_CHECK=1 $MPI -np 2 "$EBMC" train "$@" --set epochs=1 --set "method=$meth" --out w2.st >w2.err 2>&1
    sp=$(st w0.st w1.st 2>&1) dp=$(st w1.st w2.st 2>&1)
    sq=$(st w0.st.sbn_q.safetensors w1.st.sbn_q.safetensors 2>&1) dq=$(st w1.st.sbn_q.safetensors w2.st.sbn_q.safetensors 2>&1)
    if awk "BEGIN { exit !($sp > 0.1 && $dp > 0 && $dp < $sp / 4 && $sq > 0.01 && $dq < $sq / 4) }" 2>/dev/null && ! grep -q differ w2.err; then
        ok "$meth: 2 ranks' step, rank 1's half drawn from its own stream, within a quarter of 1 process's (p: $dp of $sp, q: $dq of $sq)"
    else notok "$meth: 2 ranks' step = 1 process's" "p: $dp of $sp, q: $dq of $sq" "$(tail -3 w2.err)"; fi
done
