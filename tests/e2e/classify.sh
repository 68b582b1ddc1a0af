# classify.sh — ebmc eval --target: the exact conditional log-likelihood of
# a label group given the image, and the accuracy of its most probable
# label, as eval reports them and as the training monitor computed them on
# the same data (both enumerate the labels with the hiddens summed out;
# tests/stats/test_classify.c checks that against brute-force enumeration).
# The data: 4x4 bars and stripes, labelled 0 for bars and 1 for stripes
# (the all-on and all-off images in both classes are ambiguous).
. tests/e2e/lib.sh
key() { sed -n "s/^$1: //p" "$2"; }
awk 'BEGIN {
    for (c = 0; c < 2; c++) for (m = 0; m < 16; m++) {
        line = ""
        for (r = 0; r < 4; r++) for (k = 0; k < 4; k++) {
            on = c == 0 ? int(m / 2 ^ r) % 2 : int(m / 2 ^ k) % 2
            line = line on ","
        }
        print line (c == 0 ? "1,0" : "0,1")
    }
}' >"$T/bas.csv"
cat >"$T/lab.ebm" <<EOS
model lab {
  visible v[16] : bernoulli
  visible y[2]  : softmax
  hidden  h[16] : bernoulli
  param W[16, 16] init normal(0, 0.1)
  param U[2, 16] init normal(0, 0.1)
  param b[16]
  param d[2]
  param c[16]
  energy = - sum(i) b[i]*v[i] - sum(k) d[k]*y[k] - sum(j) c[j]*h[j]
           - sum(i, j) v[i]*W[i, j]*h[j] - sum(k, j) y[k]*U[k, j]*h[j]
}
train lab {
  data = csv("$T/bas.csv")
  method = cd(k = 1)
  batch = 4
  epochs = 300
  lr = 0.1
  target = y
  monitor = accuracy every 300
}
EOS
"$EBMC" train "$T/lab.ebm" --out "$T/lab.st" >"$T/train.out" 2>"$T/err" || notok "train" "$(cat "$T/err")"
line=$(grep '^epoch *300/300' "$T/train.out")
tl=$(echo "$line" | sed -n 's/.*log p(y|rest) \([-0-9.]*\).*/\1/p')
ta=$(echo "$line" | sed -n 's/.*accuracy \([0-9.]*\).*/\1/p')
"$EBMC" eval "$T/lab.ebm" --params "$T/lab.st" >"$T/e.yaml" 2>"$T/err"
el=$(key cond_loglik "$T/e.yaml") ea=$(key accuracy "$T/e.yaml")
if [ "$(key target "$T/e.yaml")" = y ] && [ -n "$tl" ] &&
    awk -v a="$el" -v b="$tl" -v c="$ea" -v d="$ta" 'BEGIN {x = a - b; y = c - d; exit !(x < 1e-4 && x > -1e-4 && y < 1e-4 && y > -1e-4)}'; then
    ok "eval: log p(y|v) $el and accuracy $ea, as the training monitor found them"
else notok "eval --target" "eval: $el $ea; training: '$line'" "$(cat "$T/err")"; fi
# 2 of the 32 patterns are ambiguous (all on, all off): at best 30/32 right
awk -v a="$ea" 'BEGIN {exit !(a >= 0.9 && a <= 30 / 32 + 1e-9)}' && ok "accuracy $ea: the 30 unambiguous patterns" ||
    notok "accuracy" "$ea"
"$EBMC" eval "$T/lab.ebm" --params "$T/lab.st" --target y >"$T/e2.yaml" 2>&1
cmp -s "$T/e.yaml" "$T/e2.yaml" && ok "--target y: the train block's target by default" || notok "--target y" "$(diff "$T/e.yaml" "$T/e2.yaml")"
expect_fail "--target: a hidden group is refused" "is not visible" "$EBMC" eval "$T/lab.ebm" --params "$T/lab.st" --target h
expect_fail "--target: an unknown group" "no group 'z' (its groups: v, y, h)" "$EBMC" eval "$T/lab.ebm" --params "$T/lab.st" --target z
# --inception: the inception score under this classifier (its numbers
# against a direct computation: tests/stats/test_inception.c). The 32
# images without their labels score as the data's own rows do (the ceiling
# eval reports beside it: the same rows, spliced around y or whole); bars
# alone, which the classifier calls bars, score near 1, far below both
# classes together; samples as ebmc sample writes them (whole rows) score.
# (bars and stripes interleaved: a split of 3 or 4 rows holds both classes)
awk 'NR <= 16 {b[NR] = $0} NR > 16 {print b[NR - 16]; print}' "$T/bas.csv" | cut -d, -f1-16 >"$T/imgs.csv"
"$EBMC" eval "$T/lab.ebm" --params "$T/lab.st" --inception "$T/imgs.csv" >"$T/i.yaml" 2>"$T/err" ||
    notok "--inception" "$(cat "$T/err")"
is=$(key inception_score "$T/i.yaml") isd=$(key inception_score_data "$T/i.yaml") se=$(key inception_score_stderr "$T/i.yaml")
[ -n "$is" ] && [ -n "$isd" ] && [ "$(key inception_splits "$T/i.yaml")" = 10 ] &&
    [ "$(key inception_label "$T/i.yaml")" = y ] && awk -v a="$is" 'BEGIN {exit !(a > 1.2 && a <= 2)}' &&
    ok "--inception: the images score $is +- $se, the labelled data in its order $isd" ||
    notok "--inception of the data's images" "$(cat "$T/i.yaml")"
sed -n '2,15p' "$T/bas.csv" | cut -d, -f1-16 >"$T/bars.csv"
"$EBMC" eval "$T/lab.ebm" --params "$T/lab.st" --inception "$T/bars.csv" >"$T/b.yaml" 2>"$T/err"
ib=$(key inception_score "$T/b.yaml")
awk -v a="$ib" -v b="$is" 'BEGIN {exit !(a != "" && a >= 1 && a < 1.1 && a < b - 0.2)}' &&
    ok "--inception: bars alone score $ib (near 1; both classes $is)" || notok "--inception of bars" "$ib; $(cat "$T/err")"
"$EBMC" sample "$T/lab.ebm" --params "$T/lab.st" --chains 20 --steps 50 --out "$T/s.npy" >/dev/null 2>"$T/err" &&
    "$EBMC" eval "$T/lab.ebm" --params "$T/lab.st" --inception "$T/s.npy" >"$T/s.yaml" 2>"$T/err" &&
    [ "$(key inception_samples "$T/s.yaml")" = 20 ] &&
    ok "--inception of ebmc sample's .npy: $(key inception_score "$T/s.yaml")" || notok "--inception S.npy" "$(cat "$T/err")"
cut -d, -f1-15 "$T/bas.csv" >"$T/narrow.csv"
expect_fail "--inception: samples of the wrong width" "the samples have 15 values each; classifier 'lab' takes 16" \
    "$EBMC" eval "$T/lab.ebm" --params "$T/lab.st" --inception "$T/narrow.csv"
sed -n '1,9p' "$T/imgs.csv" >"$T/nine.csv"
expect_fail "--inception: fewer samples than splits" "9 samples are fewer than the 10 splits" \
    "$EBMC" eval "$T/lab.ebm" --params "$T/lab.st" --inception "$T/nine.csv"
sed -e 's/visible y\[2\]  : softmax//; s/- sum(k) d\[k\]\*y\[k\]//; s/- sum(k, j) y\[k\]\*U\[k, j\]\*h\[j\]//' \
    -e '/param [Ud]\[/d; s/target = y//; s/monitor = .*//; s/epochs = 300/epochs = 1/; s/bas.csv/imgs.csv/' "$T/lab.ebm" >"$T/nolab.ebm"
"$EBMC" train "$T/nolab.ebm" --out "$T/nolab.st" --quiet >/dev/null 2>"$T/err" || notok "train nolab" "$(cat "$T/err")"
expect_fail "--inception: a classifier without a label group" "model 'lab' has no label group" \
    "$EBMC" eval "$T/nolab.ebm" --params "$T/nolab.st" --inception "$T/imgs.csv"
