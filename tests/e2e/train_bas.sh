# train_bas.sh — the demo spec end to end: PCD on 4x4 bars-and-stripes
# (16 hidden, 3000 full-batch updates, seed 1) must reach an exact average
# log-likelihood above -5.0 nats (optimum -log 30 = -3.401); then sampling
# and evaluation read the checkpoint it wrote.
. tests/e2e/lib.sh
spec=specs/rbm_bas.ebm
start=$(date +%s)
if "$EBMC" train $spec --out "$T/bas.safetensors" >"$T/train.log" 2>&1; then ok "train rbm_bas"
else notok "train rbm_bas" "$(tail -3 "$T/train.log")"; fi
secs=$(( $(date +%s) - start ))
ll=$(sed -n 's/^exact average log-likelihood of the training set: \([-0-9.]*\) .*/\1/p' "$T/train.log")
if [ -n "$ll" ] && awk "BEGIN{exit !($ll > -5.0)}"; then ok "bas loglik $ll > -5.0"
else notok "bas loglik > -5.0" "got '$ll'"; fi
if [ "$secs" -lt 60 ]; then ok "bas trains in under a minute ($secs s)"; else notok "bas trains in under a minute" "$secs s"; fi
grep -q "^epoch 3000/3000  recon" "$T/train.log" && ok "progress line per monitored epoch" || notok "progress line" "$(tail -2 "$T/train.log")"

# eval reproduces the training's final exact log-likelihood from the checkpoint
"$EBMC" eval $spec --params "$T/bas.safetensors" --exact >"$T/eval.yaml" 2>&1
ell=$(sed -n 's/^exact_loglik: //p' "$T/eval.yaml")
if [ -n "$ell" ] && awk "BEGIN{d=$ell-($ll); exit !(d < 1e-4 && d > -1e-4)}"; then ok "eval --exact matches training ($ell)"
else notok "eval --exact matches training" "train '$ll' eval '$ell'" "$(head -5 "$T/eval.yaml")"; fi
grep -q "^recon_error: " "$T/eval.yaml" && grep -q "^exact_logz: " "$T/eval.yaml" && ok "eval report fields" || notok "eval report fields" "$(cat "$T/eval.yaml")"

# samples: PNG of the visible means, CSV of states with a header row
"$EBMC" sample $spec --params "$T/bas.safetensors" --chains 16 --steps 200 --out "$T/s.png" >/dev/null 2>&1
if [ "$(head -c 8 "$T/s.png" | od -An -c | tr -d ' ')" = "211PNG\r\n032\n" ]; then ok "sample writes a PNG"
else notok "sample writes a PNG"; fi
"$EBMC" sample $spec --params "$T/bas.safetensors" --chains 500 --steps 200 --out "$T/s.csv" >/dev/null 2>&1
rows=$(($(wc -l <"$T/s.csv") - 1))
head -1 "$T/s.csv" | grep -q '^v_0_0,v_0_1,' && [ "$rows" = 500 ] && ok "sample CSV: header and 500 rows" || notok "sample CSV" "$(head -1 "$T/s.csv") rows=$rows"
# every sampled state of a good BAS model is mostly a bars-or-stripes image:
# rows all equal (stripes) or columns all equal (bars)
good=$(awk -F, 'NR > 1 { s = 1; b = 1
    for (r = 0; r < 4; r++) for (c = 1; c < 4; c++) if ($(4*r+c+1) != $(4*r+1)) s = 0
    for (c = 0; c < 4; c++) for (r = 1; r < 4; r++) if ($(4*r+c+1) != $(c+1)) b = 0
    n += (s || b) } END { print n }' "$T/s.csv")
if [ "$good" -ge 400 ]; then ok "at least 80% of 500 samples are bars or stripes ($good)"
else notok "at least 80% of samples are bars or stripes" "$good of 500"; fi
"$EBMC" sample $spec --params "$T/bas.safetensors" --chains 4 --steps 10 --out "$T/s.npy" >/dev/null 2>&1
head -c 6 "$T/s.npy" | grep -q NUMPY && ok "sample writes .npy" || notok "sample writes .npy"
