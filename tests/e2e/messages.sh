# messages.sh — every error says something, and says the real cause, in a
# message the size of a message (issue 17, item 6).
. tests/e2e/lib.sh
spec=specs/rbm_bas.ebm
expect_fail "--set whose value closes the block" "--set takes one KEY=VALUE; this value ends the settings block" \
    "$EBMC" train $spec --out "$T/p.st" --set 'lr=0.1 } train m { epochs = 1'

python3 -c "import sys; sys.stdout.write('model m {\n  visible v[4] : bernoulli\n  hidden h[2] : bernoulli\n  param W[4, 2]\n  energy = - sum(i, j) v[i]*W[i, j]*h[j] - sum(i) ' + 'x' * 1000000 + '[i]\n}\n')" >"$T/id.ebm"
"$EBMC" check "$T/id.ebm" >/dev/null 2>"$T/err"
rc=$?
size=$(wc -c <"$T/err")
[ $rc = 1 ] && [ "$size" -lt 2000 ] && grep -q "unknown name 'x*\.\.\.(1000000 characters)'" "$T/err" &&
    ok "a 1 MB identifier: a short message ($size bytes) with its length" ||
    notok "a 1 MB identifier: a short message" "exit $rc, $size bytes: $(head -c 300 "$T/err")"

printf 'model m {\n  visible v[4] : bernoulli\n  hidden h[2] : bernoulli\n  param W[4, 2]\n  energy = - sum(i, j) v[i]*W[i, j]*h[j]\n}\ntrain m { data = csv("%s/d.csv")  epochs = 2  batch = 2 }\n' "$T" >"$T/m.ebm"
printf 'a,b,c,d\n1,0,1,0\n0,1,0,1\n' >"$T/d.csv"
printf 'a,b,c,d\n1,0,1,0\n0,inf,0,1\n' >"$T/inf.csv"
expect_fail "Inf in the data is named as the cause" "inf.csv: row 2, column 2 holds an infinity" \
    "$EBMC" train "$T/m.ebm" --out "$T/p.st" --set "data=csv(\"$T/inf.csv\")"
sed 's/param W\[4, 2\]/param W[4, 2] init normal(0, 1e39)/' "$T/m.ebm" >"$T/big.ebm"
expect_fail "init 1e39 is named as the cause" "big.ebm:4:32: error: an initial value of 1e+39 does not fit in a float" \
    "$EBMC" train "$T/big.ebm" --out "$T/p.st"
printf 'model m {\n  visible v[4] : gaussian\n  hidden h[2] : bernoulli\n  param W[4, 2]\n  param s[4] init zeros\n  energy = sum(i) sqr(v[i])/2 - sum(i, j) v[i]*W[i, j]*h[j]/s[i]\n}\ntrain m { data = csv("%s/d.csv")  epochs = 2  batch = 2 }\n' "$T" >"$T/div.ebm"
expect_fail "a division by a zero parameter is named as a cause" "the energy divides by a parameter that reached zero" \
    "$EBMC" train "$T/div.ebm" --out "$T/p.st"
expect_fail "momentum = 1.5 is refused before training" "momentum must be below 1, not 1.5" "$EBMC" train $spec --out "$T/p.st" --set momentum=1.5
