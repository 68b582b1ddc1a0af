# build_methods.sh — built binaries carry the other compiled models their
# train block's method needs (issue 16): the tempered model of
# method = pt(...), the recognition model of wake_sleep and reinforce, the
# network of method = mp(...). For
# the same seed, `BIN train` writes the tensors `ebmc train` writes, byte
# for byte (the metadata differs: a binary names its spec's hash), and the
# recognition model's beside them. Before, such a binary was built with a
# warning and its train command failed "internal: method pt without a
# tempered model". Likewise the train settings gradient and adapt_lr.
. tests/e2e/lib.sh
ROOT=$(pwd)
sed -e 's/^  method .*$/  method = pt(replicas = 4, k = 1, chains = 50)/' -e 's/^  epochs .*$/  epochs = 30/' \
    -e 's/^  monitor .*$/  monitor = recon_error every 10/' specs/rbm_bas.ebm >"$T/pt.ebm"
"$EBMC" build "$T/pt.ebm" -o "$T/ptbin" >/dev/null 2>"$T/err"
rc=$?
[ $rc = 0 ] && ! grep -q warning "$T/err" && ok "ebmc build of a method = pt spec, no warning" ||
    notok "build pt" "exit $rc: $(head -2 "$T/err")"
"$T/ptbin" train --seed 3 --out "$T/pt_bin.safetensors" --quiet 2>"$T/err" || notok "BIN train with method = pt" "$(head -2 "$T/err")"
"$EBMC" train "$T/pt.ebm" --seed 3 --out "$T/pt_ebmc.safetensors" --quiet
same_tensors "$T/pt_bin.safetensors" "$T/pt_ebmc.safetensors" &&
    ok "method = pt: BIN train's tensors are ebmc train's, byte for byte (30 epochs, seed 3)" || notok "pt tensors differ"

# the enhanced gradient and the adaptive learning rate travel in the
# binary's training configuration (without them it trains the plain way)
sed -e 's/^  epochs .*$/  epochs = 30/' -e 's/^  monitor .*$/  monitor = recon_error every 10\n  gradient = enhanced\n  adapt_lr = likelihood(factor = 1.5)/' \
    specs/rbm_bas.ebm >"$T/enh.ebm"
"$EBMC" build "$T/enh.ebm" -o "$T/enhbin" >/dev/null 2>"$T/err" || notok "build enhanced" "$(head -2 "$T/err")"
"$T/enhbin" train --seed 3 --out "$T/enh_bin.safetensors" --quiet 2>"$T/err" || notok "BIN train enhanced" "$(head -2 "$T/err")"
"$EBMC" train "$T/enh.ebm" --seed 3 --out "$T/enh_ebmc.safetensors" --quiet
same_tensors "$T/enh_bin.safetensors" "$T/enh_ebmc.safetensors" &&
    ok "gradient = enhanced, adapt_lr: BIN train's tensors are ebmc train's, byte for byte (30 epochs, seed 3)" ||
    notok "enhanced tensors differ"

cp "$ROOT/tests/e2e/sbn_wake_sleep.ebm" "$T/ws.ebm"
for meth in "wake_sleep(recognition = sbn_q)" "reinforce(recognition = sbn_q, samples = 2)"; do
    name=${meth%%(*}
    sed "s/^  method = .*/  method = $meth/" "$T/ws.ebm" >"$T/$name.ebm"
    "$EBMC" build "$T/$name.ebm" -o "$T/${name}bin" >/dev/null 2>"$T/err" || notok "build $name" "$(head -2 "$T/err")"
    "$T/${name}bin" train --seed 3 --out "$T/b_$name.safetensors" --quiet 2>"$T/err" || notok "BIN train $name" "$(head -2 "$T/err")"
    "$EBMC" train "$T/$name.ebm" --seed 3 --out "$T/e_$name.safetensors" --quiet
    if same_tensors "$T/b_$name.safetensors" "$T/e_$name.safetensors" &&
        same_tensors "$T/b_$name.sbn_q.safetensors" "$T/e_$name.sbn_q.safetensors"; then
        ok "$name: BIN train's model and recognition model are ebmc train's, byte for byte (20 epochs, seed 3)"
    else notok "$name: built binary's tensors differ from ebmc's"; fi
done

# validation = ...: the binary holds the same rows out for fe_gap as ebmc
# (without it, it held out the last tenth of the training data instead,
# and trained on different rows)
awk 'BEGIN { for (m = 0; m < 16; m++) { line = ""; for (r = 0; r < 4; r++) for (c = 0; c < 4; c++) line = line (r || c ? "," : "") int(m / 2^c) % 2; print line } }' >"$T/val.csv"
sed -e 's/^  epochs .*$/  epochs = 30/' -e "s|^  monitor .*\$|  monitor = fe_gap every 10\\n  validation = csv(\"$T/val.csv\")|" \
    specs/rbm_bas.ebm >"$T/val.ebm"
"$EBMC" build "$T/val.ebm" -o "$T/valbin" >/dev/null 2>"$T/err" || notok "build with validation" "$(head -2 "$T/err")"
"$T/valbin" train --seed 3 --out "$T/v_bin.safetensors" >"$T/v_bin.log" 2>"$T/err" || notok "BIN train with validation" "$(head -2 "$T/err")"
"$EBMC" train "$T/val.ebm" --seed 3 --out "$T/v_ebmc.safetensors" >"$T/v_ebmc.log"
if same_tensors "$T/v_bin.safetensors" "$T/v_ebmc.safetensors" && grep -q "fe_gap" "$T/v_bin.log"; then
    ok "validation = ...: BIN train holds out the spec's validation rows as ebmc does (tensors byte for byte)"
else notok "validation in a built binary" "$(grep epoch "$T/v_bin.log" | tail -1)" "$(grep epoch "$T/v_ebmc.log" | tail -1)"; fi

# method = mp: the binary carries the network of mp(iters, drop) and trains
# the DBM as ebmc train does; other iters are refused (the network is fixed)
awk 'BEGIN { for (r = 0; r < 20; r++) { c = r % 3; line = ""
    for (i = 0; i < 16; i++) line = line (c == 0 ? i < 8 : c == 1 ? i % 2 : (i + r) % 3 == 0) ","
    print line (c == 0 ? "1,0,0" : c == 1 ? "0,1,0" : "0,0,1") } }' >"$T/mp.csv"
mp_spec "$T/mp.ebm" "$T/mp.csv" 5
"$EBMC" build "$T/mp.ebm" -o "$T/mpbin" >/dev/null 2>"$T/err" || notok "build mp" "$(head -2 "$T/err")"
"$T/mpbin" train --seed 3 --out "$T/mp_bin.safetensors" --quiet 2>"$T/err" || notok "BIN train mp" "$(head -2 "$T/err")"
"$EBMC" train "$T/mp.ebm" --seed 3 --out "$T/mp_ebmc.safetensors" --quiet
same_tensors "$T/mp_bin.safetensors" "$T/mp_ebmc.safetensors" &&
    ok "method = mp: BIN train's tensors are ebmc train's, byte for byte (5 epochs, seed 3)" || notok "mp tensors differ"
expect_fail "method = mp: a binary refuses other mp settings" "needs the network of those settings" \
    "$T/mpbin" train --out "$T/mp2.safetensors" --quiet --set "method=mp(iters = 4)"
