# rnn_rbm_backends.sh — a recurrent model on every back end: 100 epochs of
# specs/rnn_rbm.ebm (seed 3) trained by the JIT, by the interpreter and by
# a built binary give the same tensors, byte for byte (the kernels draw the
# same Philox numbers; the metadata differs), and the binary's eval and
# sample print ebmc's exact per-frame log-likelihood and write its PNG.
. tests/e2e/lib.sh
"$EBMC" train specs/rnn_rbm.ebm --set epochs=100 --seed 3 --quiet --out "$T/jit.safetensors" 2>"$T/err" ||
    notok "rnn_rbm trains (jit)" "$(head -2 "$T/err")"
"$EBMC" train specs/rnn_rbm.ebm --set epochs=100 --seed 3 --quiet --backend interp --out "$T/interp.safetensors" 2>"$T/err" ||
    notok "rnn_rbm trains (interp)" "$(head -2 "$T/err")"
same_tensors "$T/jit.safetensors" "$T/interp.safetensors" && ok "rnn_rbm: the JIT's tensors are the interpreter's" ||
    notok "rnn_rbm: the JIT's tensors are the interpreter's"
if "$EBMC" build specs/rnn_rbm.ebm -o "$T/bin" >/dev/null 2>"$T/err"; then
    "$T/bin" train --set epochs=100 --seed 3 --quiet --out "$T/bin.safetensors" 2>"$T/err"
    same_tensors "$T/bin.safetensors" "$T/jit.safetensors" && ok "rnn_rbm: BIN train's tensors are ebmc train's" ||
        notok "rnn_rbm: BIN train's tensors are ebmc train's" "$(head -2 "$T/err")"
    a=$("$T/bin" eval --params "$T/jit.safetensors" | sed -n 's/^exact_loglik_per_frame: //p')
    b=$("$EBMC" eval specs/rnn_rbm.ebm --params "$T/jit.safetensors" | sed -n 's/^exact_loglik_per_frame: //p')
    [ -n "$a" ] && [ "$a" = "$b" ] && ok "rnn_rbm: BIN eval's per-frame log-likelihoods are ebmc eval's" ||
        notok "rnn_rbm: BIN eval's per-frame log-likelihoods are ebmc eval's" "bin: $a" "ebmc: $b"
    "$T/bin" sample --params "$T/jit.safetensors" --out "$T/b.png" >/dev/null 2>&1
    "$EBMC" sample specs/rnn_rbm.ebm --params "$T/jit.safetensors" --out "$T/e.png" >/dev/null 2>&1
    [ -s "$T/b.png" ] && cmp -s "$T/b.png" "$T/e.png" && ok "rnn_rbm: BIN sample writes ebmc sample's PNG" ||
        notok "rnn_rbm: BIN sample writes ebmc sample's PNG"
else
    notok "ebmc build specs/rnn_rbm.ebm" "$(head -2 "$T/err")"
fi
