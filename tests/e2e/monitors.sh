# monitors.sh — the recon_error a training run reports is the quantity
# `ebmc eval` reports (the mean-field reconstruction v -> E[h | v] ->
# E[v | h]), computed with the parameters each batch's gradient is
# computed at: an epoch of one batch reports the error of the parameters
# it started from, whichever the method and back end; the means flow reads
# E[h | v] from its positive phase instead of a pass of its own.
. tests/e2e/lib.sh
spec=specs/rbm_bas.ebm
"$EBMC" train $spec --set epochs=0 --out "$T/init.st" --quiet || notok "initial parameters"
want=$("$EBMC" eval $spec --params "$T/init.st" | sed -n 's/^recon_error: //p')
for method in "cd(k = 1)" "pcd(k = 1, chains = 30)" "cd(k = 3)"; do
    for backend in jit interp; do
        name="$method, $backend: the epoch's recon_error is eval's at the starting parameters ($want, to 5e-6)"
        "$EBMC" train $spec --backend $backend --set epochs=1 --set batch=30 --set "method=$method" --set lr=0.1 \
            --set monitor=recon_error --out "$T/one.st" --log "$T/log.yaml" --quiet 2>"$T/err" ||
            { notok "$name" "$(cat "$T/err")"; continue; }
        got=$(sed -n 's/.*recon_error: \([0-9.e-]*\)[,}].*/\1/p' "$T/log.yaml")
        if awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; exit !(a != "" && d < 5e-6 && d > -5e-6) }'; then ok "$name"
        else notok "$name" "training reported '$got'"; fi
    done
done
# the same batches with the monitor on and off train the same parameters
"$EBMC" train $spec --set epochs=3 --set monitor=none --out "$T/none.st" --quiet
"$EBMC" train $spec --set epochs=3 --set monitor=recon_error --out "$T/recon.st" --quiet
# (the tensors alone: the checkpoints' metadata embeds the settings)
python3 tests/e2e/st_extract.py "$T/none.st" "$T/none.t" "" && python3 tests/e2e/st_extract.py "$T/recon.st" "$T/recon.t" "" &&
    cmp -s "$T/none.t" "$T/recon.t" && ok "recon_error leaves the trained parameters unchanged" ||
    notok "recon_error leaves the trained parameters unchanged"
