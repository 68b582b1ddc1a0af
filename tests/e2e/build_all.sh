# build_all.sh — a built binary does what ebmc does with its spec (issue 16):
# for every spec of specs/ (the stacks dbn and dbm aside: build_stack.sh;
# the slow ones on 300 rows for one epoch), a PT model and a wake-sleep
# model, `BIN train` writes ebmc
# train's checkpoint byte for byte (tensors and metadata: the resolved
# configuration included) for the same seed, and `BIN sample` / `BIN eval`
# write and print what ebmc does; a binary takes --set and --config with
# ebmc's meaning, and refuses a --set that needs a model it was built
# without. Before, a binary had its own flags (no --set, --config, --log,
# --report) and wrote other metadata (no configuration, no epochs).
. tests/e2e/lib.sh
ROOT=$(pwd)

# SPEC NAME [--set ...]: build, train both ways, compare checkpoint, samples, eval
same_runs() {
    spec=$1 name=$2
    shift 2
    if ! "$EBMC" build "$spec" -o "$T/$name.bin" >/dev/null 2>"$T/err"; then
        notok "$name: ebmc build" "$(head -3 "$T/err")"
        return
    fi
    "$T/$name.bin" train --seed 3 --out "$T/$name.b.st" --quiet "$@" >"$T/$name.b.out" 2>"$T/err" ||
        notok "$name: BIN train" "$(head -3 "$T/err")"
    "$EBMC" train "$spec" --seed 3 --out "$T/$name.e.st" --quiet "$@" >"$T/$name.e.out" 2>&1
    if [ -s "$T/$name.b.st" ] && cmp -s "$T/$name.b.st" "$T/$name.e.st" && cmp -s "$T/$name.b.out" "$T/$name.e.out"; then
        ok "$name: BIN train writes ebmc train's checkpoint byte for byte (seed 3${*:+, $*})"
    else notok "$name: checkpoints differ" "$(cmp "$T/$name.b.st" "$T/$name.e.st" 2>&1)"; fi
    # a model that samples only with clamped inputs: the same refusal
    "$T/$name.bin" sample --params "$T/$name.e.st" --seed 2 --chains 7 --steps 20 --out "$T/$name.b.npy" >"$T/$name.b.out" 2>&1
    "$EBMC" sample "$spec" --params "$T/$name.e.st" --seed 2 --chains 7 --steps 20 --out "$T/$name.e.npy" >"$T/$name.e.out" 2>&1
    sed -i -e "s|$T/$name.b.npy|OUT|" -e 's/^[^ :]*: error:/error:/' "$T/$name.b.out"
    sed -i -e "s|$T/$name.e.npy|OUT|" -e 's/^[^ :]*: error:/error:/' "$T/$name.e.out"
    if [ -s "$T/$name.b.npy" ] && cmp -s "$T/$name.b.npy" "$T/$name.e.npy" && cmp -s "$T/$name.b.out" "$T/$name.e.out"; then
        ok "$name: BIN sample writes and prints what ebmc sample does (7 chains, 20 sweeps, seed 2)"
    elif [ ! -e "$T/$name.b.npy" ] && [ ! -e "$T/$name.e.npy" ] && grep -q '^error:' "$T/$name.b.out" && cmp -s "$T/$name.b.out" "$T/$name.e.out"; then
        ok "$name: BIN sample refuses as ebmc sample does ($(cat "$T/$name.b.out"))"
    else notok "$name: samples differ" "$(diff "$T/$name.b.out" "$T/$name.e.out" | head -4)"; fi
    "$T/$name.bin" eval --params "$T/$name.e.st" >"$T/$name.b.yaml" 2>"$T/err"
    "$EBMC" eval "$spec" --params "$T/$name.e.st" >"$T/$name.e.yaml" 2>&1
    sed -i 's/seconds: [0-9.]*/seconds: S/' "$T/$name.b.yaml" "$T/$name.e.yaml"   # AIS's and RAISE's timings
    if grep -q '^recon_error: ' "$T/$name.b.yaml" && cmp -s "$T/$name.b.yaml" "$T/$name.e.yaml"; then
        ok "$name: BIN eval prints ebmc eval's report"
    else notok "$name: eval reports differ" "$(head -3 "$T/err")" "$(diff "$T/$name.b.yaml" "$T/$name.e.yaml" | head -6)"; fi
}

# the specs that train in seconds, as written; the slower ones for two epochs
for s in rbm_bas crbm fvbm sfa spin_rbm srbm threeway; do same_runs "$ROOT/specs/$s.ebm" "$s"; done
for s in ssrbm dbm3 fa ppca; do same_runs "$ROOT/specs/$s.ebm" "$s" --set epochs=2; done
# the specs that train for minutes as written: 300 rows of their data
# (and of sparse coding's patches), one epoch, and an eval block's AIS
# (rbm, rbm_centered: the binary's AIS and RAISE, as ebmc's) shortened
for s in rbm rbm_labels grbm drbm rbm_centered dbm_centered sbn vae sparse_coding; do
    sed -e 's/\.gz", /.gz", limit = 300, /g' -e 's/patches = 20000/patches = 300/' \
        -e 's/ais(runs = 100, betas = 10000)/ais(runs = 10, betas = 300)/' -e "s|filters = \"|filters = \"$T/|" \
        "$ROOT/specs/$s.ebm" >"$T/$s.ebm"
    grep -q 'limit = 300' "$T/$s.ebm" || notok "$s: its data limited to 300 rows"
    same_runs "$T/$s.ebm" "$s" --set epochs=1
done

# parallel tempering and wake-sleep
sed -e 's/^  method .*$/  method = pt(replicas = 4, k = 1, chains = 50)/' -e 's/^  epochs .*$/  epochs = 20/' \
    "$ROOT/specs/rbm_bas.ebm" >"$T/pt.ebm"
same_runs "$T/pt.ebm" pt
# with test = ...: the test score after training
sed 's/^  lr     = 0.05$/  lr     = 0.05\n  test   = bars_and_stripes(4, 4)/' "$ROOT/tests/e2e/sbn_wake_sleep.ebm" >"$T/ws.ebm"
grep -q '^  test ' "$T/ws.ebm" || notok "the wake-sleep spec has a test = line"
same_runs "$T/ws.ebm" ws
[ -s "$T/ws.b.st.sbn_q.safetensors" ] && cmp -s "$T/ws.b.st.sbn_q.safetensors" "$T/ws.e.st.sbn_q.safetensors" &&
    ok "ws: the recognition model beside the checkpoint, byte for byte" || notok "ws: recognition models differ"

# --set and --config: the same run as ebmc's with the same overrides
printf 'train:\n  lr: 0.05\n  epochs: 6\n  monitor: [recon_error, exact_loglik]\nsample:\n  chains: 9\n' >"$T/run.yaml"
bin=$T/rbm_bas.bin
"$bin" train --config "$T/run.yaml" --set batch=4 --set momentum=0.5 --seed 4 --out "$T/o_b.st" --log "$T/o_b.log" \
    --report "$T/o_b.yaml" >"$T/o_b.out" 2>"$T/err" || notok "BIN train --config --set" "$(head -3 "$T/err")"
"$EBMC" train "$ROOT/specs/rbm_bas.ebm" --config "$T/run.yaml" --set batch=4 --set momentum=0.5 --seed 4 --out "$T/o_e.st" \
    --log "$T/o_e.log" --report "$T/o_e.yaml" >"$T/o_e.out" 2>&1
if [ -s "$T/o_b.st" ] && cmp -s "$T/o_b.st" "$T/o_e.st"; then
    ok "BIN train --config RUN.yaml --set batch=4 --set momentum=0.5: ebmc's checkpoint byte for byte"
else notok "--config/--set checkpoints differ"; fi
# the report and the log: ebmc's, less the first line (the command) and the times
strip() { sed -e 1d -e 's/seconds: [0-9.]*//' -e "s|$T/o_[be]|R|g" "$1"; }
strip "$T/o_b.yaml" >"$T/r_b"; strip "$T/o_e.yaml" >"$T/r_e"
[ "$(grep -c '^  - {epoch' "$T/o_b.yaml")" = 6 ] && cmp -s "$T/r_b" "$T/r_e" && [ -s "$T/o_b.png" ] &&
    ok "BIN train --report: ebmc's report and curves (6 epochs)" || notok "--report" "$(diff "$T/r_b" "$T/r_e" | head -5)"
strip "$T/o_b.log" | grep -v '^  - ' >"$T/l_b"; strip "$T/o_e.log" | grep -v '^  - ' >"$T/l_e"
grep -q 'lr: 0.05' "$T/l_b" && cmp -s "$T/l_b" "$T/l_e" && [ "$(grep -c '^  - ' "$T/o_b.log")" = "$(grep -c '^  - ' "$T/o_e.log")" ] &&
    ok "BIN train --log: ebmc's log (the configuration, a line per epoch)" || notok "--log" "$(diff "$T/l_b" "$T/l_e" | head -5)"
"$bin" train --config "$T/run.yaml" --set batch=4 --print-config >"$T/p_b.yaml" 2>&1
"$EBMC" train "$ROOT/specs/rbm_bas.ebm" --config "$T/run.yaml" --set batch=4 --print-config >"$T/p_e.yaml" 2>&1
cmp -s "$T/p_b.yaml" "$T/p_e.yaml" && grep -q 'batch: 4' "$T/p_b.yaml" && ok "BIN train --print-config prints ebmc's" ||
    notok "--print-config" "$(diff "$T/p_b.yaml" "$T/p_e.yaml" | head -4)"
"$bin" sample --params "$T/o_e.st" --config "$T/run.yaml" --set steps=15 --seed 5 --out "$T/c_b.csv" >/dev/null 2>"$T/err"
"$EBMC" sample "$ROOT/specs/rbm_bas.ebm" --params "$T/o_e.st" --config "$T/run.yaml" --set steps=15 --seed 5 --out "$T/c_e.csv" >/dev/null
[ "$(wc -l <"$T/c_b.csv")" = 10 ] && cmp -s "$T/c_b.csv" "$T/c_e.csv" &&
    ok "BIN sample --config (chains: 9) --set steps=15: ebmc's samples" || notok "sample --config" "$(head -3 "$T/err")"

# a bad value: ebmc's message at the --set's own column; structure refused
"$bin" train --set lr=abc >"$T/out" 2>"$T/b.err"
rc=$?
"$EBMC" train "$ROOT/specs/rbm_bas.ebm" --set lr=abc >"$T/out" 2>"$T/e.err"
[ $rc = 1 ] && [ -s "$T/b.err" ] && cmp -s "$T/b.err" "$T/e.err" && ok "BIN train --set lr=abc: ebmc's message ($(head -1 "$T/b.err"))" ||
    notok "bad --set" "$(cat "$T/b.err")" "$(cat "$T/e.err")"
# every binary of a model that can be annealed holds its tempered model:
# --set method=pt trains there as in ebmc (build_drive.sh: one that cannot)
"$bin" train --set 'method=pt(replicas = 4, chains = 20)' --set epochs=30 --seed 2 --out "$T/pt_b.st" --quiet >/dev/null 2>"$T/err"
"$EBMC" train "$ROOT/specs/rbm_bas.ebm" --set 'method=pt(replicas = 4, chains = 20)' --set epochs=30 --seed 2 --out "$T/pt_e.st" \
    --quiet >/dev/null 2>&1
[ -s "$T/pt_b.st" ] && cmp -s "$T/pt_b.st" "$T/pt_e.st" && ok "BIN train --set method=pt(...): ebmc's checkpoint byte for byte" ||
    notok "BIN train --set method=pt" "$(head -3 "$T/err")"
expect_fail "BIN train --set method=wake_sleep(...) without the recognition model: refused" "built without" \
    "$T/pt.bin" train --set 'method=wake_sleep(recognition = q)' --out "$T/x.st"
[ ! -e "$T/x.st" ] && ok "a refused run writes nothing" || notok "a refused run wrote a checkpoint"
expect_fail "BIN: a flag that needs the compiler is named so" "needs the compiler" "$bin" train --backend jit
