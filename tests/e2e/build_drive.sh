# build_drive.sh — sample and eval of a built binary are ebmc's (issue 16):
# both front ends hand their settings to the runtime's drivers
# (runtime/app/rt_drive_sample.c, rt_drive_eval.c), so for the same seed a
# binary's --clamp / --mask (inpainting), --pt, eval --ais with RAISE,
# --filters, --html and train --report's page write and print what ebmc's
# do. Before, a binary refused every one of these flags ("needs the
# compiler") and its --report wrote no page.
. tests/e2e/lib.sh
ROOT=$(pwd)
S=$ROOT/specs/rbm_bas.ebm
B=$T/bas.bin
if ! "$EBMC" build "$S" -o "$B" >/dev/null 2>"$T/err"; then
    notok "ebmc build rbm_bas" "$(head -3 "$T/err")"
    exit 0
fi
"$EBMC" train "$S" --set epochs=60 --seed 3 --out "$T/m.st" --quiet >/dev/null 2>&1

# both: "NAME" ARGS... runs BIN and ebmc with OUT.x in their own folders
# (b/ and e/), the outputs' names alike, and compares stdout and every
# file written
mkdir -p "$T/b" "$T/e"
both() {
    name=$1
    shift
    rm -f "$T"/b/* "$T"/e/*
    (cd "$T/b" && "$B" "$@" >"$T/b.out" 2>"$T/b.err")
    brc=$?
    cmd=$1
    shift
    (cd "$T/e" && "$EBMC" "$cmd" "$S" "$@" >"$T/e.out" 2>"$T/e.err")
    erc=$?
    # timings are the run's own (in the report and in its page)
    files=$(cd "$T/b" && echo *)
    [ "$files" = "*" ] && files=
    for f in "$T/b.out" "$T/e.out" "$T"/b/*.html "$T"/e/*.html; do
        [ -f "$f" ] && sed -i 's/seconds: [0-9.]*/seconds: S/' "$f"
    done
    same=1
    for f in $files; do cmp -s "$T/b/$f" "$T/e/$f" || same=0; done
    if [ $brc = 0 ] && [ $erc = 0 ] && [ -s "$T/b.out" ] && [ "$(cd "$T/b" && ls)" = "$(cd "$T/e" && ls)" ] && [ $same = 1 ] &&
        cmp -s "$T/b.out" "$T/e.out"; then
        ok "$name: BIN writes (${files:-no file}) and prints what ebmc does"
    else notok "$name" "exit $brc / $erc; files '$files' / '$(cd "$T/e" && ls)'; same bytes: $same" \
        "$(head -2 "$T/b.err")" "$(diff "$T/b.out" "$T/e.out" | head -4)"; fi
}

# clamped rows (nan = free), 6 rows: a chain per row
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
with open(t + "/half.csv", "w") as f:
    for r in range(6):
        top = [1, 1, 1, 1, 0, 0, 0, 0] if r % 2 == 0 else [1, 0, 1, 0, 1, 0, 1, 0]
        f.write(",".join(map(str, top + ["nan"] * 8)) + "\n")
with open(t + "/full.csv", "w") as f:
    for r in range(6): f.write(",".join(["1", "0"] * 8) + "\n")
with open(t + "/mask.csv", "w") as f:
    for r in range(6): f.write(",".join(["0"] * 12 + ["1"] * 4) + "\n")
PY
both "sample --clamp v=FILE (nan free)" sample --params "$T/m.st" --clamp "v=$T/half.csv" --steps 30 --seed 4 --out s.csv
[ "$(wc -l <"$T/b/s.csv")" = 7 ] && ok "a chain per clamped row (6 and a header)" || notok "clamped rows" "$(wc -l <"$T/b/s.csv")"
both "sample --clamp v=FILE --mask v=FILE (inpainting)" sample --params "$T/m.st" --clamp "v=$T/full.csv" \
    --mask "v=$T/mask.csv" --steps 30 --seed 4 --out s.png
grep -q '^inpainting v: 6 rows' "$T/b.out" && ok "BIN scores the inpainting ($(grep -o 'per unit [0-9.]*' "$T/b.out" | head -1))" ||
    notok "BIN's inpainting line" "$(cat "$T/b.out")"
both "sample --clamp h=1 (a value)" sample --params "$T/m.st" --clamp h=1 --chains 5 --steps 10 --seed 2 --out s.npy
both "sample --pt 4 --beta-min 0.1" sample --params "$T/m.st" --pt 4 --beta-min 0.1 --chains 10 --steps 40 --seed 6 --out s.npy
grep -q '^parallel tempering: 4 replicas' "$T/b.out" && ok "BIN --pt prints the swap rate" || notok "BIN --pt" "$(cat "$T/b.out")"
both "eval --ais --filters --html" eval --params "$T/m.st" --ais --runs 20 --betas 300 --raise 5 --seed 3 \
    --filters f.png --html r.html
grep -q '^loglik_raise: ' "$T/b.out" && grep -q '^ais_logz: ' "$T/b.out" && ok "BIN eval --ais reports AIS and RAISE" ||
    notok "BIN eval --ais" "$(head -20 "$T/b.out")"
seq 0 0.01 1 >"$T/sched.txt"
both "eval --schedule FILE --sweeps 2 --raise 0" eval --params "$T/m.st" --schedule "$T/sched.txt" --sweeps 2 --raise 0 --runs 10
# main's --base (merged after the drivers): the same flag in both front ends
both "eval --base visible" eval --params "$T/m.st" --base visible --runs 10 --betas 200 --raise 0
grep -q '^ais_base: visible' "$T/b.out" && ok "BIN eval --base visible reports ais_base: visible" ||
    notok "BIN eval --base visible" "$(grep '^ais_' "$T/b.out" | head -5)"
expect_fail "BIN eval --chain hidden: refused, the binary's chain runs on the visible side" "runs on the visible side" \
    "$B" eval --params "$T/m.st" --chain hidden

# train --report: the page R.html, with the curves, filters and samples
(cd "$T/b" && rm -f ./* && "$B" train --set epochs=20 --seed 5 --out m.st --report r.yaml >/dev/null 2>"$T/b.err")
(cd "$T/e" && rm -f ./* && "$EBMC" train "$S" --set epochs=20 --seed 5 --out m.st --report r.yaml >/dev/null 2>&1)
n=$(python3 - "$T/b/r.html" <<'PY'
import base64, re, sys
imgs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', open(sys.argv[1]).read())
print(sum(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in imgs))
PY
)
[ "$n" = 3 ] && cmp -s "$T/b/r.html" "$T/e/r.html" && cmp -s "$T/b/m.st" "$T/e/m.st" &&
    ok "BIN train --report writes ebmc's page R.html (curves, filters, samples inline)" ||
    notok "BIN train --report's page" "$n PNGs; $(head -2 "$T/b.err")"

# a model that cannot be annealed (an input group): built without the
# tempered model; what needs it is refused with a message, as ebmc refuses
"$EBMC" build "$ROOT/specs/crbm.ebm" -o "$T/crbm.bin" >/dev/null 2>&1
"$EBMC" train "$ROOT/specs/crbm.ebm" --set epochs=1 --out "$T/c.st" --quiet >/dev/null 2>&1
expect_fail "BIN eval --ais of a model with inputs: refused" "built without" "$T/crbm.bin" eval --params "$T/c.st" --ais
expect_fail "BIN train --set method=pt of a model with inputs: refused" "built without" \
    "$T/crbm.bin" train --set 'method=pt(replicas = 4)' --out "$T/x.st"
expect_fail "ebmc eval --ais of that model: refused at the input group" "input group 'x'" \
    "$EBMC" eval "$ROOT/specs/crbm.ebm" --params "$T/c.st" --ais
[ ! -e "$T/x.st" ] && ok "a refused run writes nothing" || notok "a refused run wrote a checkpoint"

# a stack samples freely: a single model's flags are refused by both
tiny_stack "$T/st.ebm" 20
"$EBMC" build "$T/st.ebm" -o "$T/st.bin" >/dev/null 2>&1
"$T/st.bin" train --out "$T/st.st" --quiet >/dev/null 2>&1
"$T/st.bin" sample --params "$T/st.st" --clamp v=1 --out "$T/x.png" >/dev/null 2>"$T/b.err"
brc=$?
"$EBMC" sample "$T/st.ebm" --params "$T/st.st" --clamp v=1 --out "$T/x.png" >/dev/null 2>"$T/e.err"
erc=$?
sed -i 's/^[^ :]*: error:/error:/' "$T/b.err" "$T/e.err"
[ $brc = 1 ] && [ $erc = 1 ] && cmp -s "$T/b.err" "$T/e.err" && grep -q "a single model's" "$T/b.err" && [ ! -e "$T/x.png" ] &&
    ok "a stack's sample --clamp: refused by both ($(cat "$T/b.err"))" || notok "stack --clamp" "$(cat "$T/b.err" "$T/e.err")"
