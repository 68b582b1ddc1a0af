# limits.sh — no input crashes ebmc or runs away with the machine (issue 17,
# item 4): energies of any length, repeated terms in linear time and
# memory, nesting past the parser's limit refused, memory estimated before
# allocating, allocation failure an error exit, LLVM options checked first.
. tests/e2e/lib.sh
head='model m {\n  visible v[4] : bernoulli\n  hidden h[2] : bernoulli\n  param W[4, 2]\n  param b[4]\n  energy = - sum(i, j) v[i]*W[i, j]*h[j]'
gen() {  # gen FILE PYTHON-EXPRESSION-FOR-THE-REST
    python3 -c "import sys; sys.stdout.write('$head'.replace('\\\\n', '\\n') + $2 + '\\n}\\n')" >"$1"
}
# within_limits NAME CMD...: exit 0 in 30 s and 1 GiB of address space
# (under the sanitizers, which reserve terabytes of shadow memory, in 60 s
# alone: the memory bound is the plain build's to show)
within_limits() {
    name=$1
    shift
    if [ -n "$SAN" ]; then timeout 60 "$@"
    else ( ulimit -v 1048576; timeout 30 "$@" ); fi >"$T/out" 2>"$T/err"
    rc=$?
    [ $rc = 0 ] && ok "$name" || notok "$name" "exit $rc: $(head -c 300 "$T/err")"
}
gen "$T/long.ebm" "' + 0' * 40000"
within_limits "an energy of 40,000 '+ 0' terms" "$EBMC" check "$T/long.ebm"
gen "$T/mul.ebm" "'*1' * 40000"
within_limits "a product of 40,000 factors" "$EBMC" check "$T/mul.ebm"
gen "$T/rep.ebm" "' - sum(i) b[i]*v[i]' * 4000"
within_limits "4,000 repeated terms: 30 s and 1 GiB (were 7.9 GB)" "$EBMC" check "$T/rep.ebm"
"$EBMC" explain "$T/rep.ebm" 2>&1 | grep -q "sum(i) 4000\*v\[i\]\*b\[i\]" && ok "the repeated terms add up" ||
    notok "the repeated terms add up" "$("$EBMC" explain "$T/rep.ebm" 2>&1 | sed -n 3,4p)"
gen "$T/deep.ebm" "' + 2*(0' * 5000 + ')' * 5000"
expect_fail "nesting past the parser's limit" "deep.ebm:6:[0-9]*: error: expression nested too deeply" "$EBMC" check "$T/deep.ebm"
gen "$T/deep_ok.ebm" "' + 2*(0' * 1500 + ')' * 1500"
within_limits "nesting 1,500 deep" "$EBMC" check "$T/deep_ok.ebm"

spec=specs/rbm_bas.ebm
"$EBMC" train $spec --out "$T/p.st" --set epochs=1 --quiet || notok "a checkpoint"
expect_fail "sample --pt 100000000: refused with the memory it needs" "--pt 100000000 replicas of .* needs [0-9.]* GiB of memory; this machine has" \
    "$EBMC" sample $spec --params "$T/p.st" --pt 100000000 --out "$T/s.csv"
# memory that the estimate allows but the process may not have
if [ -n "$SAN" ]; then
    skip "allocation failure: an error, exit 1" "a sanitizer build cannot run under an address-space limit"
else
    ( ulimit -v 1500000; "$EBMC" sample $spec --params "$T/p.st" --chains 5000000 --steps 1 --out "$T/s.csv" ) >/dev/null 2>"$T/err"
    rc=$?
    [ $rc = 1 ] && grep -q "memory" "$T/err" && ok "allocation failure: an error, exit 1 (not an abort)" ||
        notok "allocation failure: an error, exit 1 (not an abort)" "exit $rc: $(cat "$T/err")"
fi

if "$EBMC" build $spec -o "$T/bin" >/dev/null 2>&1; then
    expect_fail "build --cpu potato: refused before LLVM aborts" "--cpu 'potato' is not a processor LLVM can generate code for" \
        "$EBMC" build $spec -o "$T/bin2" --cpu potato
    [ ! -e "$T/bin2" ] && ok "build --cpu potato: nothing written" || notok "build --cpu potato: nothing written"
fi
expect_fail "train with 10^9 persistent chains: refused with the memory it needs" "training with batch .* and 1000000000 chains needs [0-9.]* GiB of memory" \
    "$EBMC" train $spec --out "$T/c.st" --quiet --set 'method=pcd(k = 1, chains = 1000000000)'
expect_fail "eval --ais with 10^9 runs: refused with the memory it needs" "AIS with 1000000000 runs needs [0-9.]* GiB of memory" \
    "$EBMC" eval $spec --params "$T/p.st" --ais --runs 1000000000
