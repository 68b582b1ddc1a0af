# reliability.sh — faults injected: a full disk, unreadable files, a model
# too large for the machine. Each is a clear error and exit 1, and no file
# is left half-written.
. tests/e2e/lib.sh
spec=specs/rbm_bas.ebm
"$EBMC" train $spec --out "$T/good.st" --set epochs=20 --quiet || notok "a first checkpoint"
cp "$T/good.st" "$T/keep.st"
# a disk that takes no more than 1 block: the checkpoint write fails
( ulimit -f 1; "$EBMC" train $spec --out "$T/good.st" --set epochs=20 --quiet ) >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 1 ] && grep -q "cannot write" "$T/err" && ok "full disk: error, exit 1" || notok "full disk: error, exit 1" "exit $rc: $(cat "$T/err")"
cmp -s "$T/good.st" "$T/keep.st" && ok "full disk: the previous checkpoint is untouched" || notok "full disk: previous checkpoint untouched"
( ulimit -f 1; "$EBMC" sample $spec --params "$T/keep.st" --chains 64 --out "$T/s.csv" ) >/dev/null 2>"$T/err"
[ $? = 1 ] && [ ! -e "$T/s.csv" ] && ok "full disk while writing samples: error, no file" || notok "full disk while writing samples" "$(cat "$T/err")"

if [ "$(id -u)" != 0 ]; then
    cp "$T/keep.st" "$T/locked.st"; chmod 000 "$T/locked.st"
    expect_fail "unreadable checkpoint" "cannot read" "$EBMC" sample $spec --params "$T/locked.st" --out "$T/x.csv"
else
    : # root reads every file: the directory case below stands in
fi
expect_fail "checkpoint is a directory" "it is a directory" "$EBMC" sample $spec --params "$T" --out "$T/x.csv"

printf 'model m {\n  visible v[100000] : bernoulli\n  hidden h[100000] : bernoulli\n  param W[100000, 100000]\n  param U[100000, 100000]\n  energy = - sum(i, j) v[i]*W[i, j]*h[j] - sum(i, j) v[i]*U[i, j]*h[j]\n}\n' >"$T/big.ebm"
expect_fail "a model too large for the machine" "needs [0-9.]* GiB for its parameters" "$EBMC" check "$T/big.ebm"

# a learning rate that makes the Gaussian RBM diverge: stopped with the
# epoch, the parameter and the likely cause; no checkpoint of the bad state
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    skip "divergence is stopped and explained" "no Fashion-MNIST (make deps installs it)"
else expect_fail "divergence is stopped and explained" "training diverged in epoch [0-9]*, batch [0-9]* of 5: the update made parameter 'W' non-finite .* the learning rate (lr = 1000) is probably too high; nothing was written to" \
    "$EBMC" train specs/grbm.ebm --out "$T/div.st" --quiet --set lr=1000 --set epochs=3 \
    --set 'data=idx("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", standardize = 1, limit = 500)'
fi
[ ! -e "$T/div.st" ] && ok "no checkpoint of the diverged run" || notok "no checkpoint of the diverged run"
