# updown_exact.sh — eval --dbn-bound against the exact bound: on the 16-12-8
# bars-and-stripes DBN (lib.sh's bas_dbn, 300 epochs a
# layer, then up_down as in updown.sh; seed 1), before up_down
# (tied weights) and after (untied), the bound with 1000 draws of q per
# example (noise about 0.01 nats) is within 0.05 nats of the bound computed
# by enumerating h1 (tests/e2e/dbn_exact.py, 2^12 states), which lies below
# the exact log p(v) (2^12 x 2^8 states). Slow (enumeration in Python):
# make test-full only.
. tests/e2e/lib.sh
bas_dbn "$T/s0.ebm" 50 300
awk '/^  stage two/ { print; print "  stage tune { method = up_down(k = 10)  batch = 10  epochs = 300  lr = 0.05  momentum = 0.5 }"; next } { print }' \
    "$T/s0.ebm" >"$T/s.ebm"
"$EBMC" train "$T/s.ebm" --out "$T/pre.st" --seed 1 --stages 2 --quiet >/dev/null 2>&1
"$EBMC" train "$T/s.ebm" --out "$T/full.st" --seed 1 --quiet >/dev/null 2>&1

awk 'BEGIN {
    for (m = 0; m < 16; m++) { l = ""; for (r = 0; r < 4; r++) for (c = 0; c < 4; c++) l = l (r + c ? "," : "") int(m / 2^r) % 2; print l }
    for (m = 1; m < 15; m++) { l = ""; for (r = 0; r < 4; r++) for (c = 0; c < 4; c++) l = l (r + c ? "," : "") int(m / 2^c) % 2; print l }
}' >"$T/bas.csv"
for ck in pre full; do
    got=$("$EBMC" eval "$T/s.ebm" --params "$T/$ck.st" --dbn-bound --bound-samples 1000 --seed 3 | sed -n 's/^dbn_bound: //p')
    set -- $(python3 tests/e2e/dbn_exact.py "$T/$ck.st" "$T/bas.csv" l1 W1 b1 c1 l2 W2 c2 b2)
    if [ -n "$got" ] && [ -n "$2" ] && awk "BEGIN{d = $got - ($2); exit !(d < 0.05 && d > -0.05 && $2 <= $1)}"
    then ok "$ck: eval's bound $got, exact bound $2 <= exact log p(v) $1"
    else notok "$ck: eval's bound against the exact one" "eval '$got', exact bound '$2', log p(v) '$1'"; fi
done
