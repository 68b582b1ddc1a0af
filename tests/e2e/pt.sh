# pt.sh — parallel tempering and the training monitors end to end (seed 1):
#   1. method = pt(replicas = 5) trains the bars-and-stripes RBM (400
#      epochs): the exact log-likelihood of the training data rises above
#      -9 (from -11.1 at the start); every epoch reports a swap rate in (0, 1];
#   2. --report R.yaml holds every monitor per epoch; R.png is a PNG;
#   3. fe_gap: 0 exactly when the validation set is the training set; with
#      the last 10% of the patterns held out (never trained on) it is
#      positive after training (the model overfits the 27 it sees);
#   4. sample --pt: a PNG and the swap rate; --pt with clamps and bad
#      settings are refused with messages for people.
. tests/e2e/lib.sh
key() { sed -n "s/^$1: //p" "$2"; }
spec=specs/rbm_bas.ebm

# 1, 2: training by parallel tempering, with the report
"$EBMC" train $spec --set 'method=pt(replicas = 5, k = 1, chains = 100)' --set epochs=400 \
    --set 'monitor=recon_error, exact_loglik, fe_gap every 100' --out "$T/pt.st" --report "$T/r.yaml" >"$T/out" 2>"$T/err"
ll=$(sed -n 's/.*exact_loglik: \([-0-9.e]*\).*/\1/p' "$T/r.yaml" | tail -1)
rates=$(sed -n 's/.*swap_rate: \([0-9.e-]*\).*/\1/p' "$T/r.yaml")
if [ -n "$ll" ] && awk -v l="$ll" 'BEGIN{exit !(l > -9)}'; then ok "method = pt trains: exact log-likelihood $ll after 400 epochs"
else notok "method = pt trains" "loglik '$ll'" "$(tail -3 "$T/err")"; fi
bad=$(printf '%s\n' $rates | awk '$1 <= 0 || $1 > 1' | wc -l)
n=$(printf '%s\n' $rates | grep -c .)
[ "$n" = 400 ] && [ "$bad" = 0 ] && ok "a swap rate in (0, 1] for each of the $n epochs" || notok "swap rates" "$n rates, $bad bad"
grep -q "swap " "$T/out" && ok "the progress line shows the swap rate" || notok "progress swap" "$(tail -2 "$T/out")"
magic=$(head -c 8 "$T/r.png" | od -An -tx1 | tr -d ' \n')
if [ "$(grep -c '^  - {epoch: ' "$T/r.yaml")" = 400 ] && grep -q '^plot: ' "$T/r.yaml" && [ "$magic" = 89504e470d0a1a0a ]; then
    ok "--report: every epoch in R.yaml, the curves in R.png"
else notok "--report" "magic $magic" "$(head -8 "$T/r.yaml")"; fi

# 3. the free-energy gap
"$EBMC" train $spec --set epochs=50 --set 'validation=bars_and_stripes(4, 4)' --set 'monitor=fe_gap every 50' \
    --out "$T/v.st" --report "$T/v.yaml" --quiet >/dev/null 2>"$T/err"
g0=$(sed -n 's/.*fe_gap: \([-0-9.e]*\).*/\1/p' "$T/v.yaml" | tail -1)
[ "$g0" = 0 ] && ok "fe_gap is 0 when the validation set is the training set" || notok "fe_gap same sets" "'$g0'" "$(cat "$T/err")"
g1=$(sed -n 's/.*fe_gap: \([-0-9.e]*\).*/\1/p' "$T/r.yaml" | tail -1)
awk -v g="$g1" 'BEGIN{exit !(g > 1)}' && ok "fe_gap grows on held-out patterns the model never saw ($g1)" || notok "fe_gap held out" "'$g1'"

# 4. sampling by parallel tempering
"$EBMC" sample $spec --params "$T/pt.st" --pt 8 --chains 16 --steps 100 --out "$T/s.png" >"$T/out" 2>"$T/err"
magic=$(head -c 8 "$T/s.png" | od -An -tx1 | tr -d ' \n')
[ "$magic" = 89504e470d0a1a0a ] && grep -q "swap rate 0\.[0-9]" "$T/out" && ok "sample --pt: a PNG and the swap rate" ||
    notok "sample --pt" "$(cat "$T/out" "$T/err")"
expect_fail "sample --pt refuses clamps" "does not combine with clamped units" \
    "$EBMC" sample $spec --params "$T/pt.st" --pt 4 --clamp v=1 --out "$T/s.png"
expect_fail "pt(replicas = 0) is refused" "replicas must be an integer of at least 1" \
    "$EBMC" train $spec --set 'method=pt(replicas = 0)'
expect_fail "pt(beta_min = 1) is refused" "beta_min must be below 1" "$EBMC" train $spec --set 'method=pt(beta_min = 1)'
expect_fail "an unknown monitor gets a suggestion" "did you mean 'fe_gap'" "$EBMC" train $spec --set 'monitor=fe_gab'
