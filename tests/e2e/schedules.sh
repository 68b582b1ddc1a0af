# schedules.sh — lr and momentum schedules of any length with linear, exp
# and cosine pieces: the per-epoch values the run records (--log) are the
# formulas of runtime/run/rt_schedule.h (weight_decay's too); --print-config gives the schedule
# back as spec text that --config reads to the same configuration; --set
# takes the same text; a built binary trains to the same parameters.
. tests/e2e/lib.sh
cat >"$T/s.ebm" <<'SPEC'
model m {
  visible v[9] : bernoulli
  hidden  h[4] : bernoulli
  param W[9, 4] init normal(0, 0.1)
  param b[9] init zeros { momentum = 0.5 }
  energy = - sum(i) b[i]*v[i] - sum(i, j) v[i]*W[i, j]*h[j]
}
train m { data = bars_and_stripes(3, 3), batch = 14, epochs = 12, monitor = none,
  lr = 0.2 until 2, linear(0.1, 0.01) until 6, exp(0.1, 0.5) until 9, cosine(0.04, 0)
  momentum = 0.1 until 1, 0.2 until 2, 0.3 until 3, 0.4 until 4, 0.5 until 5, 0.6 until 6, 0.7 until 7, 0.8 until 8, 0.9
  weight_decay = 0 until 4, linear(0.01, 0.001) }
SPEC
if "$EBMC" train "$T/s.ebm" --quiet --log "$T/log.yaml" --out "$T/s.safetensors" >"$T/out" 2>&1; then ok "train with a 4-piece lr and a 9-piece momentum"
else notok "train with schedules" "$(tail -3 "$T/out")"; fi
# the recorded values against the formulas, epoch by epoch (1e-10: the log has 9 digits)
python3 - "$T/log.yaml" <<'PY' && ok "per-epoch lr, momentum and weight_decay in the log match the formulas" || notok "per-epoch lr and momentum" "$(grep epoch: "$T/log.yaml")"
import math, re, sys
got = {int(m.group(1)): (float(m.group(2)), float(m.group(3)), float(m.group(4)))
       for m in re.finditer(r"epoch: (\d+),.* lr: ([^,}]+), momentum: ([^,}]+), weight_decay: ([^,}]+)", open(sys.argv[1]).read())}
lr = [0.2, 0.2] + [0.1 + (0.01 - 0.1) * (e - 3) / 3 for e in range(3, 7)] + [0.1 * 0.5 ** (e - 7) for e in range(7, 10)] \
     + [0.04 * (1 + math.cos(math.pi * (e - 10) / 2)) / 2 for e in range(10, 13)]
mom = [0.1 * e for e in range(1, 10)] + [0.9] * 3
wd = [0] * 4 + [0.01 + (0.001 - 0.01) * (e - 5) / 7 for e in range(5, 13)]
ok = len(got) == 12 and all(abs(got[e][0] - lr[e - 1]) < 1e-10 and abs(got[e][1] - mom[e - 1]) < 1e-10
                            and abs(got[e][2] - wd[e - 1]) < 1e-10 for e in range(1, 13))
sys.exit(0 if ok else 1)
PY
"$EBMC" train "$T/s.ebm" --print-config >"$T/c.yaml" 2>&1
grep -q "^  lr: '0.2 until 2, linear(0.1, 0.01) until 6, exp(0.1, 0.5) until 9, cosine(0.04, 0)'$" "$T/c.yaml" &&
    ok "--print-config writes the schedule as spec text" || notok "--print-config schedule" "$(grep lr: "$T/c.yaml")"
"$EBMC" train "$T/s.ebm" --config "$T/c.yaml" --print-config 2>&1 | diff "$T/c.yaml" - >"$T/d" &&
    ok "--config reads it back to the same configuration" || notok "--print-config round trip" "$(head -5 "$T/d")"
"$EBMC" train "$T/s.ebm" --set "lr=cosine(0.3, 0.1)" --set epochs=5 --quiet --log "$T/log2.yaml" --out "$T/s2.safetensors" >/dev/null 2>&1
[ "$(sed -n 's/.*epoch: \([0-9]*\),.* lr: \([^,}]*\),.*/\1=\2/p' "$T/log2.yaml" | tr '\n' ' ')" = "1=0.3 2=0.270710678 3=0.2 4=0.129289322 5=0.1 " ] &&
    ok "--set lr=cosine(0.3, 0.1) over 5 epochs" || notok "--set cosine" "$(grep epoch: "$T/log2.yaml")"
expect_fail "an unknown curve" "did you mean 'linear'" "$EBMC" train "$T/s.ebm" --set "lr=linaer(0.1, 0.01)" --print-config
expect_fail "exp with rate 0" "exp's rate multiplies" "$EBMC" train "$T/s.ebm" --set "lr=exp(0.1, 0)" --print-config
# a built binary embeds the pieces: the same parameters, bit for bit
if "$EBMC" build "$T/s.ebm" -o "$T/sbin" >"$T/bout" 2>&1 && (cd "$T" && ./sbin train --out b.safetensors >/dev/null 2>&1) &&
   [ "$(python3 tests/e2e/st_read.py "$T/b.safetensors")" = "$(python3 tests/e2e/st_read.py "$T/s.safetensors")" ]; then
    ok "a built binary trains with the same schedules to the same parameters"
else notok "built binary schedules" "$(tail -3 "$T/bout")"; fi
# weight_decay is a schedule too: "0.03 until 6, 0" trains as 0.03 for 6
# epochs (bit for bit), and not as 0.03 for 12
for wd in "0.03 until 6, 0" 0.03; do
    "$EBMC" train "$T/s.ebm" --quiet --set "weight_decay=$wd" --set epochs=6 --out "$T/wd6.safetensors" >/dev/null 2>&1
    "$EBMC" train "$T/s.ebm" --quiet --set "weight_decay=$wd" --set epochs=12 --out "$T/wd12_$wd.safetensors" >/dev/null 2>&1
    python3 tests/e2e/st_read.py "$T/wd6.safetensors" >"$T/wd6_$wd.txt"
done
a=$(python3 tests/e2e/st_read.py "$T/wd12_0.03 until 6, 0.safetensors"); b=$(python3 tests/e2e/st_read.py "$T/wd12_0.03.safetensors")
[ -s "$T/wd6_0.03.txt" ] && cmp -s "$T/wd6_0.03.txt" "$T/wd6_0.03 until 6, 0.txt" && [ -n "$a" ] && [ "$a" != "$b" ] &&
    ok "weight_decay = 0.03 until 6, 0: as 0.03 for 6 epochs, then off" || notok "weight_decay schedule"
