# mpi_sample.sh — `sample --chains C` split over the ranks of mpirun
# (docs/distributed.md): rank r draws chains [C r / N, C (r + 1) / N), each
# with the random numbers of its number among all C (rt_ws.row0), and rank 0
# writes the file one process writes for the same seed, byte for byte.
# The model samples with every kind of draw there is: sequential
# single-site Gibbs (v, lateral couplings: rt_seq_gibbs), softmax rows (y:
# rt_softmax_rows), diagonal Gaussian units in a generated loop (h), a
# full-covariance Gaussian (g: rt_gauss_full), a Metropolis sampler (z:
# rt_mcmc.c), and the random starting states (rt_ws_randomize). Checks, all
# against one process with the same flags:
#   1. 2 ranks, 7 chains (3 + 4): .csv, .npy and .png byte-identical, and
#      the printed acceptance rate of z (the ranks' counts added) the same,
#      with the interpreter and with the JIT;
#   2. fewer chains than ranks (1 chain on 2 ranks, 2 on 3): ranks without
#      chains draw nothing, and the file is one process's;
#   3. chains clamped to a file's rows (chain c takes row c mod 3, which
#      rank 1's first chain, number 3, must count from 0) and --mean-field;
#   4. a binary of `ebmc build` under mpirun -np 2 writes its own
#      one-process file;
#   5. a DBN stack of three RBMs (Gibbs in the top layer, then a draw
#      down through the middle one and the means of the bottom one, all
#      with the chains' row offset): 7 chains as .csv and .png, and 1
#      chain on 2 ranks;
#   6. a recurrent model's sequences (lib.sh's rnn_two, a
#      fresh start drawn every frame): 5 chains as .csv, .npy and .png;
#   7. an adversarial pair's generator (G(z), z a noise input drawn per
#      chain; lib.sh's gan_pair): 9 chains as .csv.
# Without the row offset (every rank numbering its chains from 0) each of
# these but the single chain's (chain 0 is rank 1's first either way)
# differs from one process (checked when the offset was written).
. tests/e2e/mpi_lib.sh
cd "$T"

awk 'BEGIN { srand(1); for (n = 0; n < 20; n++) { s = ""; for (i = 0; i < 9; i++) s = s (rand() < 0.5) ","
    k = int(rand() * 3); print s (k == 0) "," (k == 1) "," (k == 2) } }' >mix.csv
cat >mix.ebm <<'EOF'
model mix {
  visible v[3, 3] : bernoulli
  visible y[3]    : softmax
  hidden  h[4]    : gaussian
  hidden  g[2]    : gaussian
  hidden  z[2]    : bernoulli { sampler = metropolis(steps = 2) }
  param W[3, 3, 4] init normal(0, 0.3)
  param U[3, 4]    init normal(0, 0.3)
  param L[3, 3, 3, 3] init normal(0, 0.1)
  param G[3, 3, 2] init normal(0, 0.3)
  param M[2, 2]    init normal(0, 0.1)
  param Q[4, 2]    init normal(0, 0.3)
  param b[3, 3]
  param c[4]
  energy = - sum(r, s) b[r, s]*v[r, s] + sum(j) sqr(h[j] - c[j]) / 2 + sum(a) sqr(g[a]) / 2
           - sum(r, s, j) v[r, s]*W[r, s, j]*h[j] - sum(k, j) y[k]*U[k, j]*h[j]
           - sum(r, s, p, q) v[r, s]*L[r, s, p, q]*v[p, q]
           - sum(r, s, a) v[r, s]*G[r, s, a]*g[a] - sum(a, e) g[a]*M[a, e]*g[e]
           - sum(j, k) h[j]*Q[j, k]*z[k]
}
train mix { data = csv("mix.csv"), method = cd(k = 1), batch = 10, epochs = 2, lr = 0.01 }
EOF
if ! "$EBMC" train mix.ebm --backend interp --quiet --out mix.st >train.log 2>&1; then
    notok "the test's model trains" "$(tail -3 train.log)"
    exit 0
fi
kinds=$("$EBMC" explain mix.ebm --format yaml | sed -n 's/^ *conditional: //p' | sort -u | tr '\n' ' ')
[ "$kinds" = "gaussian_diag gaussian_full intractable sigmoid softmax " ] && ok "the model's conditionals: $kinds" ||
    notok "the model's conditionals" "$kinds"

# same NAME EXT NP ARGS...: one process and NP ranks with the same ARGS and
# --out one.EXT / many.EXT: the files (and the printed lines, but for the
# name) must be the same
same() {
    name=$1 ext=$2 np=$3
    shift 3
    "$@" --out one.$ext >one.log 2>&1
    $MPI -np $np "$@" --out many.$ext >many.log 2>&1
    if [ -s one.$ext ] && cmp -s one.$ext many.$ext && [ "$(sed 's/one\./F./' one.log)" = "$(sed 's/many\./F./' many.log)" ]; then
        ok "$name: $np ranks write one process's file"
    else notok "$name: $np ranks write one process's file" "$(cmp one.$ext many.$ext 2>&1)" "$(tail -3 many.log)"; fi
    rm -f one.$ext many.$ext
}
S="$EBMC sample mix.ebm --params mix.st --steps 20 --seed 5"

# 1
for ext in csv npy png; do same "interp, 7 chains, .$ext" $ext 2 $S --backend interp --chains 7; done
grep -q "acceptance rate of z" one.log && ok "the acceptance rate printed (the same on 2 ranks)" ||
    notok "the acceptance rate printed" "$(cat one.log)"
same "jit, 7 chains, .csv" csv 2 $S --backend jit --chains 7
same "jit, 7 chains, .png of the states" png 2 $S --backend jit --chains 7 --states

# 2
same "1 chain on 2 ranks" csv 2 $S --backend interp --chains 1
same "2 chains on 3 ranks" npy 3 $S --backend interp --chains 2

# 3: y held by rows of a file, 3 rows for 7 chains
printf '1,0,0\n0,1,0\n0,0,1\n' >y.csv
same "chains clamped to a file's rows" csv 2 $S --backend interp --chains 7 --clamp y=y.csv
same "--mean-field" csv 2 $S --backend interp --chains 5 --mean-field

# 4
if "$EBMC" build mix.ebm -o mixbin >build.log 2>&1; then
    same "a built binary" npy 2 ./mixbin sample --params mix.st --steps 20 --seed 5 --chains 9
else notok "ebmc build" "$(tail -3 build.log)"; fi

# 5
rbm() {   # rbm NAME VISIBLE HIDDEN: an RBM layer
    echo "model $1 { visible v[$2] : bernoulli  hidden h[$3] : bernoulli  param W[$2, $3] init normal(0, 0.3)"
    echo "  param b[$2]  param c[$3]  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j] }"
}
{ rbm l1 9 6; rbm l2 6 5; rbm l3 5 4
  cat <<'EOF'
stack dbn { layers = l1, l2, l3  kind = dbn }
train dbn {
  stage one { layer = l1  data = bars_and_stripes(3, 3)  method = cd(k = 1)  batch = 7  epochs = 5  lr = 0.05 }
  stage two { layer = l2  method = cd(k = 1)  batch = 7  epochs = 5  lr = 0.05 }
  stage three { layer = l3  method = cd(k = 1)  batch = 7  epochs = 5  lr = 0.05 }
}
EOF
} >dbn.ebm
if "$EBMC" train dbn.ebm --backend interp --quiet --out dbn.st >dbn.log 2>&1; then
    D="$EBMC sample dbn.ebm --params dbn.st --backend interp --steps 20 --seed 5"
    same "a 3-layer DBN, 7 chains, .csv" csv 2 $D --chains 7
    same "a 3-layer DBN, 7 chains, .png" png 2 $D --chains 7
    same "a 3-layer DBN, 1 chain" csv 2 $D --chains 1
else notok "the DBN trains" "$(tail -3 dbn.log)"; fi

# 6
rnn_two rec.ebm
if "$EBMC" train rec.ebm --backend interp --quiet --out rec.st >rec.log 2>&1; then
    for ext in csv npy png; do
        same "a recurrent model's sequences, 5 chains, .$ext" $ext 2 "$EBMC" sample rec.ebm --params rec.st --backend interp \
            --steps 5 --seed 5 --chains 5
    done
else notok "the recurrent model trains" "$(tail -3 rec.log)"; fi

# 7
awk 'BEGIN { srand(1); print "x"; for (i = 0; i < 400; i++) printf "%.6f\n", 2 + rand() - 0.5 }' >g.csv
gan_pair pair.ebm
echo 'train gen { data = csv("g.csv"), method = adversarial(discriminator = disc, k = 1), batch = 200, epochs = 2, lr = 0.1 }' >>pair.ebm
if "$EBMC" train pair.ebm --backend interp --quiet --out pair.st >pair.log 2>&1; then
    same "an adversarial pair's generator, 9 chains" csv 2 "$EBMC" sample pair.ebm --params pair.st --backend interp \
        --seed 5 --chains 9
else notok "the adversarial pair trains" "$(tail -3 pair.log)"; fi
