# jit.sh — the back ends from the command line: --backend jit (the default)
# and --backend interp train, sample and evaluate to byte-identical files
# (rbm_bas, 40 epochs, seed 3; spin_rbm, 5 epochs); EBMC_VERBOSE reports the
# JIT's compile time, EBMC_DUMP_IR writes readable LLVM IR; a bad backend
# or an unwritable dump directory is a clear error.
. tests/e2e/lib.sh
if ! "$EBMC" train specs/rbm_bas.ebm --backend jit --set epochs=1 --out "$T/probe.safetensors" >"$T/probe" 2>&1 &&
    grep -q "no LLVM" "$T/probe"; then
    skip "jit" "this build has no LLVM, nothing to compare"
    exit 0
fi

same_train() {   # $1: spec, $2: epochs
    s=$(basename "$1" .ebm)
    for b in jit interp; do
        "$EBMC" train "$1" --backend $b --set epochs=$2 --seed 3 --out "$T/$s.$b.safetensors" >"$T/$s.$b.log" 2>&1 ||
            notok "train $s --backend $b" "$(tail -3 "$T/$s.$b.log")"
    done
    for b in jit interp; do sed -e 's/  [0-9.]* s\/epoch$//' -e "s/$s\.$b\./OUT./" "$T/$s.$b.log" >"$T/$s.$b.txt"; done   # times, file names
    if cmp -s "$T/$s.jit.safetensors" "$T/$s.interp.safetensors" && cmp -s "$T/$s.jit.txt" "$T/$s.interp.txt"; then
        ok "train $s: jit and interp write identical parameters and logs"
    else notok "train $s: jit and interp differ" "$(diff "$T/$s.jit.txt" "$T/$s.interp.txt" | head -4)"; fi
}
same_train specs/rbm_bas.ebm 40
same_train specs/spin_rbm.ebm 5
# a recognition model runs on the back end its generative model does: the
# sigmoid belief net by wake-sleep and by REINFORCE, on 300 images
F=/usr/share/datasets/fashion-mnist
if [ -f "$F/train-images-idx3-ubyte.gz" ]; then
    for m in "wake_sleep(recognition = sbn_q)" "reinforce(recognition = sbn_q, samples = 2)" \
        "reinforce(recognition = sbn_q, samples = 2, baseline = optimal)"; do
        for b in jit interp; do
            EBMC_VERBOSE=1 "$EBMC" train specs/sbn.ebm --backend $b --set epochs=2 --set "method=$m" --out "$T/sbn.$b.safetensors" \
                --set "data=idx(\"$F/train-images-idx3-ubyte.gz\", binarize = 0.5, limit = 300)" \
                --set "test=idx(\"$F/t10k-images-idx3-ubyte.gz\", binarize = 0.5, limit = 100)" >"$T/sbn.$b.log" 2>"$T/sbn.$b.err"
            sed -e 's/  [0-9.]* s\/epoch$//' -e "s/sbn\.$b\./OUT./g" "$T/sbn.$b.log" >"$T/sbn.$b.txt"
        done
        if cmp -s "$T/sbn.jit.safetensors" "$T/sbn.interp.safetensors" &&
            cmp -s "$T/sbn.jit.sbn_q.safetensors" "$T/sbn.interp.sbn_q.safetensors" &&
            cmp -s "$T/sbn.jit.txt" "$T/sbn.interp.txt" && grep -q "jit: model 'sbn_q'" "$T/sbn.jit.err"; then
            ok "train sbn, $m: the recognition model on the JIT too, identical parameters of p and q"
        else notok "train sbn ${m%%(*}: jit and interp differ" "$(diff "$T/sbn.jit.txt" "$T/sbn.interp.txt" | head -4)" \
            "$(ls "$T" | grep sbn | tr '\n' ' ')" "$(grep -c sbn_q "$T/sbn.jit.err")"; fi
    done
else skip "train sbn on both back ends" "no Fashion-MNIST in $F (make deps installs it)"; fi

for b in jit interp; do
    "$EBMC" sample specs/rbm_bas.ebm --backend $b --params "$T/rbm_bas.jit.safetensors" --chains 50 --steps 100 --seed 4 \
        --out "$T/s.$b.csv" >/dev/null 2>&1
    "$EBMC" eval specs/rbm_bas.ebm --backend $b --params "$T/rbm_bas.jit.safetensors" --exact --seed 4 >"$T/e.$b.yaml" 2>&1
done
cmp -s "$T/s.jit.csv" "$T/s.interp.csv" && [ -s "$T/s.jit.csv" ] && ok "sample: identical chains" ||
    notok "sample: jit and interp differ"
cmp -s "$T/e.jit.yaml" "$T/e.interp.yaml" && [ -s "$T/e.jit.yaml" ] && ok "eval: identical report" ||
    notok "eval: jit and interp differ" "$(diff "$T/e.jit.yaml" "$T/e.interp.yaml" | head -4)"

EBMC_VERBOSE=1 "$EBMC" train specs/rbm_bas.ebm --set epochs=1 --out "$T/v.safetensors" >/dev/null 2>"$T/verbose"
grep -q "^ebmc: jit: model 'rbm_bas': [0-9]* kernels, .* compiled in [0-9.]* s$" "$T/verbose" &&
    ok "EBMC_VERBOSE reports the compile time" || notok "EBMC_VERBOSE" "$(cat "$T/verbose")"
"$EBMC" train specs/rbm_bas.ebm --set epochs=1 --out "$T/q.safetensors" >/dev/null 2>"$T/quiet"
[ ! -s "$T/quiet" ] && ok "nothing extra on stderr by default" || notok "quiet by default" "$(cat "$T/quiet")"

mkdir "$T/ir"
EBMC_DUMP_IR="$T/ir" "$EBMC" train specs/rbm_bas.ebm --set epochs=1 --out "$T/d.safetensors" >/dev/null 2>&1
grep -q 'define void @"\{0,1\}ebmc\.[0-9]*\.cond\.h\.sample"\{0,1\}(float\*\* %bufs' "$T/ir/rbm_bas.ll" &&
    grep -q "vector\|<[0-9]* x float>" "$T/ir/rbm_bas.opt.ll" && ok "EBMC_DUMP_IR writes the IR, as generated and optimised" ||
    notok "EBMC_DUMP_IR" "$(ls "$T/ir")"

mkdir "$T/perf"
JITDUMPDIR="$T/perf" EBMC_PERF_JIT=1 "$EBMC" train specs/rbm_bas.ebm --set epochs=1 --out "$T/p.safetensors" >/dev/null 2>&1
dump=$(find "$T/perf" -name 'jit-*.dump' | head -1)
[ -n "$dump" ] && grep -q "ebmc\.[0-9]*\.cond\.h\.sample" "$dump" &&
    ok "EBMC_PERF_JIT writes perf's jitdump with the kernels' names" || notok "EBMC_PERF_JIT" "$(find "$T/perf")"

expect_fail "a backend that does not exist" "--backend must be interp or jit, not 'llvm'" \
    "$EBMC" train specs/rbm_bas.ebm --backend llvm
expect_fail "an unwritable EBMC_DUMP_IR" "EBMC_DUMP_IR: cannot write" \
    env EBMC_DUMP_IR="$T/missing/dir" "$EBMC" train specs/rbm_bas.ebm --set epochs=1 --out "$T/x.safetensors"
