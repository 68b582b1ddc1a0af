# adversarial_adam.sh — the generator of an adversarial pair counts its own
# Adam steps, as a second optimiser would (PyTorch's two Adam optimisers):
# with one batch and k = 1, the generator's first step is Adam's first,
# whose bias-corrected step is lr times the sign of the gradient, so each
# of its parameters moves by lr (to 1e-4 of it: eps = 1e-8 against
# gradients of order 0.01). Counted with the discriminator's step it would
# be Adam's second, 0.74 lr. A run stopped by Ctrl-C and resumed ends on
# the bytes of the run left alone (the count is in the checkpoint).
. tests/e2e/lib.sh
gauss_csv "$T/d.csv" 64 3
gan_pair "$T/pair.ebm"
cat >>"$T/pair.ebm" <<SPEC
train gen {
  data      = csv("$T/d.csv")
  method    = adversarial(discriminator = disc, k = 1)
  optimizer = adam
  batch     = 64
  epochs    = 1
  lr        = 0.01
}
SPEC
if "$EBMC" train "$T/pair.ebm" --seed 1 --out "$T/one.st" --quiet 2>"$T/err"; then
    python3 - "$T/one.st" <<'PY'
import sys
sys.path.insert(0, "tests/e2e")
import st_read
p = {k: v[0] for k, v in st_read.load(sys.argv[1]).items()}
for name, start in (("a", 1.0), ("b", 0.0)):
    moved = abs(p[name] - start)
    good = abs(moved - 0.01) < 1e-6
    print(("ok - " if good else "not ok - ") + "the generator's first Adam step moves %s by lr" % name +
          ("" if good else ": by %.6g (0.74 lr would be the second step's)" % moved))
PY
else
    notok "train one batch" "$(head -3 "$T/err")"
fi
# Ctrl-C part way, then --resume: the bytes of the run left alone
"$EBMC" train "$T/pair.ebm" --seed 1 --set epochs=100000 --out "$T/full.st" --quiet 2>"$T/err" ||
    notok "train 100,000 epochs" "$(head -3 "$T/err")"
interrupted_resume "interrupted Adam run resumed: byte-identical" "$T/full.st" "$T/i.st" \
    "$EBMC" train "$T/pair.ebm" --seed 1 --set epochs=100000
