# rnn_rbm.sh — specs/rnn_rbm.ebm end to end: train (300 epochs of CD-1 with
# back-propagation through time, seed 1), eval's exact per-frame
# log-likelihood, the conditional RBM (specs/crbm.ebm, which sees the last
# two frames) on the same bar, and generated sequences.
#   - frame 1 (the state is zeros) can do no better than minus the entropy
#     of the bar's first position over the 18 sequences, 2.2745 nats: a
#     model whose frame log-likelihoods were not normalised would pass it;
#   - frames 3..24, where the crbm has its two frames of history: the
#     RNN-RBM's average log-likelihood is above -0.1 and not below the
#     crbm's (both printed);
#   - 8 generated sequences of 24 frames: at least 90% of the frames are a
#     bar (3 adjacent pixels on, the rest off); the PNG strip is 8 chains of
#     24 x 12 frames at 2x (201 x 50 pixels).
. tests/e2e/lib.sh
key() { sed -n "s/^$1: //p" "$2"; }
if ! "$EBMC" train specs/rnn_rbm.ebm --set epochs=300 --out "$T/r.safetensors" >"$T/train.out" 2>&1; then
    notok "rnn_rbm trains" "$(tail -3 "$T/train.out")"
    exit 0
fi
ok "rnn_rbm trains"
"$EBMC" eval specs/rnn_rbm.ebm --params "$T/r.safetensors" >"$T/eval.yaml" 2>&1
frames=$(key exact_loglik_per_frame "$T/eval.yaml" | tr -d '[],')
set -- $frames
if [ $# = 24 ]; then ok "eval reports 24 frame log-likelihoods"; else notok "eval reports 24 frame log-likelihoods" "$(cat "$T/eval.yaml")"; fi
first=$1
shift 2
later=$(echo "$@" | awk '{s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.6f", s / NF}')
if awk -v f="$first" 'BEGIN { exit !(f <= -2.2745) }'; then ok "frame 1 at most -entropy of the first position ($first)"
else notok "frame 1 at most -entropy of the first position" "log p = $first > -2.2745"; fi
"$EBMC" train specs/crbm.ebm --out "$T/c.safetensors" >/dev/null 2>&1
"$EBMC" eval specs/crbm.ebm --params "$T/c.safetensors" >"$T/crbm.yaml" 2>&1
crbm=$(key exact_loglik "$T/crbm.yaml")
echo "# frame log-likelihood, frames 3..24: rnn_rbm $later, crbm (history 2) $crbm"
if awk -v r="$later" -v c="$crbm" 'BEGIN { exit !(c != "" && r > -0.1 && r >= c) }'; then ok "rnn_rbm frames 3..24 above -0.1 and the crbm's"
else notok "rnn_rbm frames 3..24 above -0.1 and the crbm's" "rnn_rbm $later, crbm $crbm"; fi
"$EBMC" sample specs/rnn_rbm.ebm --params "$T/r.safetensors" --chains 8 --out "$T/s.csv" >/dev/null 2>&1
bars=$(awk -F, 'NR > 1 { n = 0; s = ""; for (i = 1; i <= NF; i++) { n += $i; s = s $i } if (n == 3 && s ~ /111/) b++; t++ }
    END { print b + 0, t + 0 }' "$T/s.csv")
set -- $bars
if [ "$2" = 192 ] && [ $(($1 * 10)) -ge $(($2 * 9)) ]; then ok "generated frames are bars ($1 of $2)"
else notok "generated frames are bars" "$1 of $2"; fi
"$EBMC" sample specs/rnn_rbm.ebm --params "$T/r.safetensors" --chains 8 --out "$T/s.png" >/dev/null 2>&1
size=$(python3 tests/e2e/png_pixels.py "$T/s.png" 2>&1 | sed -n 1p)
if [ "$size" = "201 50" ]; then ok "the PNG strip is 8 chains of 24 x 12 frames"; else notok "the PNG strip is 8 chains of 24 x 12 frames" "size $size"; fi
# bad sequences are refused where the data enter, with the row and column
printf '0,0,1,1,1,0,0,0,0,0,0,0,0,0,0,1,1,1,0,0,0,0,0,0\n0,0,1,1,1,0,0,0,0,0,0,0,0,0,0,1,1,2,0,0,0,0,0,0\n' >"$T/bad.csv"
expect_fail "train refuses a 2 in a bernoulli frame" "row 2, column 18: v\[5\] is 2" \
    "$EBMC" train specs/rnn_rbm.ebm --set "data=csv(\"$T/bad.csv\")" --out "$T/x.safetensors"
expect_fail "eval refuses a 2 in a bernoulli frame" "row 2, column 18: v\[5\] is 2" \
    "$EBMC" eval specs/rnn_rbm.ebm --params "$T/r.safetensors" --data "$T/bad.csv"
printf '0,0,1\n' >"$T/short.csv"
expect_fail "eval refuses rows that are not whole frames" "not a sequence of frames of 12 values" \
    "$EBMC" eval specs/rnn_rbm.ebm --params "$T/r.safetensors" --data "$T/short.csv"
# what does not apply to sequences is refused, not ignored
expect_fail "eval --ais is refused" "do not apply" "$EBMC" eval specs/rnn_rbm.ebm --params "$T/r.safetensors" --ais
expect_fail "sample --clamp is refused" "sampled freely" "$EBMC" sample specs/rnn_rbm.ebm --params "$T/r.safetensors" --clamp v=1 --out "$T/c.png"
# 2-D frames (the same bar as 2 x 6 images) go side by side in a chain's
# strip: 3 chains of 5 frames of 2 x 6 at 2x are 62 x 16 pixels
rnn_two "$T/two.ebm"
"$EBMC" train "$T/two.ebm" --quiet --out "$T/two.safetensors" >/dev/null 2>&1
"$EBMC" sample "$T/two.ebm" --params "$T/two.safetensors" --chains 3 --steps 5 --out "$T/two.png" >/dev/null 2>&1
size=$(python3 tests/e2e/png_pixels.py "$T/two.png" 2>&1 | sed -n 1p)
if [ "$size" = "62 16" ]; then ok "2-D frames side by side (62 x 16)"; else notok "2-D frames side by side (62 x 16)" "size $size"; fi
expect_fail "moving_bar refuses history and length together" "not both" \
    "$EBMC" train specs/rnn_rbm.ebm --set "data=moving_bar(width = 12, history = 2, length = 4)" --out "$T/y.safetensors"
expect_fail "train refuses frames with their history" "reads sequences" \
    "$EBMC" train specs/rnn_rbm.ebm --set "data=moving_bar(width = 12)" --out "$T/y.safetensors"
