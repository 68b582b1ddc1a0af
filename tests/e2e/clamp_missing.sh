# clamp_missing.sh — conditional sampling and missing data, end to end.
#  1. Train the demo RBM on bars-and-stripes rows with 20% of the pixels
#     missing (nan, fixed pseudo-random pattern): trained with the missing
#     pixels imputed in the positive phase, it must still reach an exact
#     average log-likelihood above -5.0 on the complete data set.
#  2. Clamp the top half of a stripes image and sample the bottom half:
#     at least 75% of 200 completions keep every bottom row uniform (the
#     image stays a stripes image; the model reaches ~-3.8 nats, so some
#     mass is elsewhere); the clamped pixels never change.
#  3. Clamping errors: unknown group, wrong row width.
. tests/e2e/lib.sh
awk 'BEGIN {
    srand(1); n = 0
    for (m = 0; m < 16; m++) { for (r = 0; r < 4; r++) for (c = 0; c < 4; c++) p[n, 4*r+c] = int(m / 2^r) % 2; n++ }
    for (m = 1; m < 15; m++) { for (r = 0; r < 4; r++) for (c = 0; c < 4; c++) p[n, 4*r+c] = int(m / 2^c) % 2; n++ }
    for (rep = 0; rep < 4; rep++) for (i = 0; i < n; i++) {
        line = ""
        for (k = 0; k < 16; k++) line = line (k ? "," : "") (rand() < 0.2 ? "nan" : p[i, k])
        print line
    } }' >"$T/missing.csv"
grep -q nan "$T/missing.csv" && ok "data with missing values made" || notok "data with missing values made"
sed "s|bars_and_stripes(4, 4)|csv(\"$T/missing.csv\")|; s/exact_loglik every 250/recon_error every 1000/" specs/rbm_bas.ebm >"$T/m.ebm"
if "$EBMC" train "$T/m.ebm" --out "$T/m.st" --set batch=120 >"$T/train.log" 2>&1; then ok "train with missing values"
else notok "train with missing values" "$(tail -3 "$T/train.log")"; fi
ll=$("$EBMC" eval specs/rbm_bas.ebm --params "$T/m.st" --exact 2>&1 | sed -n 's/^exact_loglik: //p')
if [ -n "$ll" ] && awk "BEGIN{exit !($ll > -5.0)}"; then ok "trained on 20% missing, exact loglik on complete data $ll > -5.0"
else notok "loglik after training with missing values" "got '$ll'"; fi

# a stripes image's top half: rows 1111 and 0000; the bottom half free
printf '1,1,1,1,0,0,0,0,nan,nan,nan,nan,nan,nan,nan,nan\n' >"$T/top.csv"
"$EBMC" sample specs/rbm_bas.ebm --params "$T/m.st" --clamp v="$T/top.csv" --chains 200 --steps 100 --out "$T/done.csv" >/dev/null 2>&1
good=$(awk -F, 'NR > 1 { ok = 1
    for (r = 2; r < 4; r++) for (c = 1; c < 4; c++) if ($(4*r+c+1) != $(4*r+1)) ok = 0
    n += ok } END { print n + 0 }' "$T/done.csv")
held=$(awk -F, 'NR > 1 && ($1 != 1 || $2 != 1 || $3 != 1 || $4 != 1 || $5 != 0 || $8 != 0) { bad++ } END { print bad + 0 }' "$T/done.csv")
[ "$good" -ge 150 ] && ok "completions of a stripes image are stripes ($good of 200)" || notok "completions are stripes" "$good of 200"
[ "$held" = 0 ] && ok "clamped pixels kept in every chain" || notok "clamped pixels kept" "$held chains changed them"
"$EBMC" sample specs/rbm_bas.ebm --params "$T/m.st" --clamp v="$T/top.csv" --mean-field --steps 50 --out "$T/mf.csv" >/dev/null 2>&1 &&
    [ "$(wc -l <"$T/mf.csv")" = 2 ] && ok "mean-field completion (one row per clamp row)" || notok "mean-field completion"

expect_fail "clamp an unknown group" "has no group 'w'" "$EBMC" sample specs/rbm_bas.ebm --params "$T/m.st" --clamp w=1 --out "$T/x.csv"
printf '1,0,1\n' >"$T/short.csv"
expect_fail "clamp rows of the wrong width" "3 values per row, but group 'v' has 16 units" \
    "$EBMC" sample specs/rbm_bas.ebm --params "$T/m.st" --clamp v="$T/short.csv" --out "$T/x.csv"
