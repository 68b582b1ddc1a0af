# build.sh — ebmc build end to end (seeds fixed; every comparison exact):
#   1. a binary built with --params, run from another directory with no
#      spec beside it, draws the same samples as ebmc sample --backend jit;
#      --version names the spec and its hash; ldd shows no LLVM;
#   2. its train command reaches the parameters ebmc train reaches, and its
#      eval reports ebmc eval's numbers;
#   3. kernels for a generic CPU give the same samples as the host's;
#   4. every unit type and sampler of the catalogue: built binaries sample
#      bit for bit as ebmc does (initial parameters, 20 sweeps); a learned
#      precision driven negative stops a built binary as it stops ebmc; a
#      labelled one's eval --inception scores as ebmc's;
#   5. the embedding example (examples/embed) compiles with cc against the
#      header, the object and libebmrt.a, and prints ebmc sample's rows;
#   6. --target aarch64: an AArch64 object and C glue that compiles;
#      --emit-llvm; errors for people, and no output left by a failed build.
. tests/e2e/lib.sh
ROOT=$(pwd)
bas=$ROOT/specs/rbm_bas.ebm
key() { sed -n "s/^$1: //p" "$2"; }
mkdir -p "$T/elsewhere"

# 1
"$EBMC" train "$bas" --set epochs=200 --out "$T/bas.st" --quiet >/dev/null 2>"$T/err" || notok "train bas" "$(cat "$T/err")"
if "$EBMC" build "$bas" -o "$T/basbin" --params "$T/bas.st" >"$T/out" 2>"$T/err"; then ok "ebmc build -o BIN --params P"
else notok "ebmc build" "$(cat "$T/err")"; fi
(cd "$T/elsewhere" && "$T/basbin" sample --seed 5 --steps 30 --chains 40 --out s.npy >/dev/null 2>"$T/err")
"$EBMC" sample "$bas" --params "$T/bas.st" --backend jit --seed 5 --steps 30 --chains 40 --out "$T/s_ebmc.npy" >/dev/null
if [ -s "$T/elsewhere/s.npy" ] && cmp -s "$T/elsewhere/s.npy" "$T/s_ebmc.npy"; then
    ok "the built binary, alone in another directory, samples what ebmc sample does (40 chains, 30 sweeps)"
else notok "built binary samples" "$(cat "$T/err")"; fi
hash=$("$T/basbin" --version | sed -n 's/.*fnv1a64 \([0-9a-f]*\).*/\1/p')
if "$T/basbin" --version | grep -q "from $bas" && [ ${#hash} = 16 ] && "$T/basbin" --help | grep -q "sample"; then
    ok "--version names the spec and its hash ($hash); --help lists the commands"
else notok "--version" "$("$T/basbin" --version)"; fi
# the processor set-up (rt_cpu.c, tests/e2e/cpu.sh) is the same as ebmc's
bcores=$(OPENBLAS_VERBOSE=2 "$T/basbin" --version 2>&1 | sed -n 's/^Core: //p' | tr '\n' ' ')
ecores=$(OPENBLAS_VERBOSE=2 "$EBMC" --version 2>&1 | sed -n 's/^Core: //p' | tr '\n' ' ')
[ "$bcores" = "$ecores" ] && ok "the built binary chooses OpenBLAS's kernels as ebmc does ($ecores)" ||
    notok "built binary's OpenBLAS kernels" "binary '$bcores', ebmc '$ecores'"
if ldd "$T/basbin" | grep -qi llvm; then notok "no LLVM in the binary" "$(ldd "$T/basbin" | grep -i llvm)"
else ok "ldd: no LLVM library ($(ldd "$T/basbin" | wc -l) libraries)"; fi

# 2
"$T/basbin" train --epochs 7 --seed 3 --out "$T/t_bin.st" --quiet >/dev/null 2>"$T/err" || notok "BIN train" "$(cat "$T/err")"
"$EBMC" train "$bas" --set epochs=7 --seed 3 --out "$T/t_ebmc.st" --quiet >/dev/null
"$EBMC" sample "$bas" --params "$T/t_bin.st" --seed 1 --out "$T/a.npy" >/dev/null
"$EBMC" sample "$bas" --params "$T/t_ebmc.st" --seed 1 --out "$T/b.npy" >/dev/null
if cmp -s "$T/a.npy" "$T/b.npy"; then ok "BIN train reaches ebmc train's parameters (7 epochs, seed 3)"
else notok "BIN train" "samples from the two parameter files differ"; fi
"$T/basbin" eval --params "$T/bas.st" >"$T/e_bin.yaml" 2>"$T/err"
"$EBMC" eval "$bas" --params "$T/bas.st" >"$T/e_ebmc.yaml"
same=1
for k in examples recon_error pseudo_loglik exact_logz exact_loglik loglik; do
    [ -n "$(key $k "$T/e_bin.yaml")" ] && [ "$(key $k "$T/e_bin.yaml")" = "$(key $k "$T/e_ebmc.yaml")" ] || same=0
done
[ $same = 1 ] && ok "BIN eval reports ebmc eval's numbers (exact log-likelihood $(key exact_loglik "$T/e_bin.yaml"))" ||
    notok "BIN eval" "$(cat "$T/e_bin.yaml" "$T/err")"
(cd "$T/elsewhere" && "$T/basbin" eval >"$T/e_emb.yaml" 2>&1)
[ "$(key params "$T/e_emb.yaml")" = embedded ] && [ "$(key exact_loglik "$T/e_emb.yaml")" = "$(key exact_loglik "$T/e_ebmc.yaml")" ] &&
    ok "BIN eval without --params uses the embedded parameters" || notok "eval embedded" "$(cat "$T/e_emb.yaml")"

# 3
"$EBMC" build "$bas" -o "$T/generic" --cpu generic --params "$T/bas.st" >/dev/null 2>"$T/err" || notok "--cpu generic" "$(cat "$T/err")"
"$T/generic" sample --seed 5 --steps 30 --chains 40 --out "$T/g.npy" >/dev/null
cmp -s "$T/g.npy" "$T/s_ebmc.npy" && ok "--cpu generic: the same samples" || notok "--cpu generic samples differ"

# 4: initial parameters (0 epochs) of each spec, sampled both ways
for s in grbm spin_rbm rbm_labels mcrbm fvbm srbm ssrbm dbm3; do
    spec=$ROOT/specs/$s.ebm
    if ! "$EBMC" train "$spec" --set epochs=0 --out "$T/$s.st" --quiet >/dev/null 2>"$T/err"; then
        notok "$s: initial parameters" "$(head -2 "$T/err")"; continue
    fi
    "$EBMC" build "$spec" -o "$T/bin_$s" >/dev/null 2>"$T/err" || { notok "$s: build" "$(head -2 "$T/err")"; continue; }
    "$T/bin_$s" sample --params "$T/$s.st" --seed 2 --steps 20 --chains 7 --out "$T/x_$s.npy" >/dev/null 2>"$T/err"
    "$EBMC" sample "$spec" --params "$T/$s.st" --seed 2 --steps 20 --chains 7 --out "$T/y_$s.npy" >/dev/null 2>&1
    if [ -s "$T/x_$s.npy" ] && cmp -s "$T/x_$s.npy" "$T/y_$s.npy"; then ok "$s: the built binary samples bit for bit as ebmc"
    else notok "$s: built binary samples" "$(head -2 "$T/err")"; fi
done

# 4b: a built binary knows which parameter is a precision (aot_emit): a
# learned one driven negative stops it as it stops ebmc, same message
awk 'BEGIN { srand(1); print "a,b,c"; for (r = 0; r < 16; r++) print 30*(rand()-0.5) "," 30*(rand()-0.5) "," 30*(rand()-0.5) }' >"$T/wide.csv"
printf 'model g {\n  visible v[3] : gaussian\n  hidden  h[2] : bernoulli\n  param W[3, 2] init normal(0, 0.1)\n  param s[3] init 1\n  energy = sum(i) s[i]*v[i]^2/2 - sum(i, j) v[i]*W[i, j]*h[j]\n}\ntrain g { data = csv("%s/wide.csv")  batch = 4  epochs = 20  lr = 0.002 }\n' "$T" >"$T/prec.ebm"
"$EBMC" build "$T/prec.ebm" -o "$T/precbin" >/dev/null 2>&1
"$T/precbin" train --out "$T/pb.st" --quiet >/dev/null 2>"$T/bin.err"
brc=$?
"$EBMC" train "$T/prec.ebm" --out "$T/pe.st" --quiet >/dev/null 2>"$T/ebmc.err"
if [ $brc = 1 ] && grep -q "parameter 's' sets the precision of gaussian group 'v'" "$T/bin.err" &&
    [ "$(sed 's/^[^:]*: error: //; s/pb.st/X/' "$T/bin.err")" = "$(sed 's/^[^:]*: error: //; s/pe.st/X/' "$T/ebmc.err")" ]; then
    ok "a built binary stops at a precision that is not positive, as ebmc does"
else notok "a built binary stops at a negative precision" "exit $brc: $(cat "$T/bin.err")" "ebmc: $(cat "$T/ebmc.err")"; fi

# a built binary run without a command: its usage on stderr, exit 1 (it
# went to stdout, leaving nothing on stderr for an error exit)
"$T/precbin" >"$T/out" 2>"$T/err"
brc=$?
[ $brc = 1 ] && grep -q "usage: precbin COMMAND" "$T/err" && [ ! -s "$T/out" ] &&
    ok "a built binary without a command: usage on stderr, exit 1" || notok "a built binary without a command" "exit $brc"

# 4c: eval --inception in a built binary: ebmc's numbers (samples of the
# initial rbm_labels, ten or more: the score's splits need them)
if [ -x "$T/bin_rbm_labels" ]; then
    "$EBMC" sample "$ROOT/specs/rbm_labels.ebm" --params "$T/rbm_labels.st" --seed 3 --steps 5 --chains 12 --out "$T/l.npy" >/dev/null 2>&1
    "$T/bin_rbm_labels" eval --params "$T/rbm_labels.st" --data "$T/l.npy" --inception "$T/l.npy" 2>"$T/err" | grep '^inception' >"$T/ib"
    "$EBMC" eval "$ROOT/specs/rbm_labels.ebm" --params "$T/rbm_labels.st" --data "$T/l.npy" --inception "$T/l.npy" 2>&1 | grep '^inception' >"$T/ie"
    [ -s "$T/ib" ] && cmp -s "$T/ib" "$T/ie" && ok "BIN eval --inception reports ebmc eval's score ($(sed -n 's/^inception_score: //p' "$T/ib"))" ||
        notok "BIN eval --inception" "$(cat "$T/ib" "$T/err")" "$(cat "$T/ie")"
fi

# 5: the embedding example, in a copy
mkdir -p "$T/embed" && cp examples/embed/main.c examples/embed/Makefile "$T/embed/"
if make -s -C "$T/embed" embed ROOT="$ROOT" EBMC="$EBMC" EBMRT="$ROOT/${BUILD:-build}/libebmrt.a $SAN -lopenblas -lyaml -lpng -lz -lm -lpthread" \
        CC="cc $SAN" >"$T/out" 2>"$T/err"; then
    (cd "$T/embed" && ./embed >rows.csv 2>scores.txt)
    "$EBMC" sample "$bas" --params "$T/embed/rbm_bas.safetensors" --seed 7 --steps 100 --chains 8 --out "$T/embed.csv" >/dev/null
    if [ "$(wc -l <"$T/embed/rows.csv")" = 8 ] && tail -n +2 "$T/embed.csv" | cmp -s - "$T/embed/rows.csv" &&
        [ "$(grep -c 'F(v) = -' "$T/embed/scores.txt")" = 8 ]; then
        ok "examples/embed: header + object + libebmrt.a; its samples are ebmc sample's rows"
    else notok "embed output" "$(head -3 "$T/embed/rows.csv")" "$(head -3 "$T/embed.csv")" "$(cat "$T/embed/scores.txt")"; fi
    grep -q '^int model_sample(model_t \*m, int64_t chains' "$T/embed/model.h" && grep -q '^#define MODEL_VISIBLE 16$' "$T/embed/model.h" &&
        ok "the header: the API and the shapes as constants" || notok "model.h" "$(head -20 "$T/embed/model.h")"
else notok "examples/embed builds" "$(tail -5 "$T/err")"; fi

# 6
if "$EBMC" build "$bas" -c -o "$T/arm.o" --emit-header "$T/arm.h" --target aarch64-linux-gnu >/dev/null 2>"$T/err" &&
    [ "$(od -An -tx1 -j18 -N2 "$T/arm.o" | tr -d ' \n')" = b700 ] && cc -fsyntax-only -I"$ROOT/${BUILD:-build}/include/ebmc" "$T/arm.c"; then
    ok "--target aarch64-linux-gnu: an AArch64 object, and C glue to compile there"
else notok "--target aarch64" "$(cat "$T/err")"; fi
"$EBMC" build "$bas" -o "$T/ll" --emit-llvm "$T/k.ll" >/dev/null 2>&1
grep -q '^@model_kernels = .*constant' "$T/k.ll" && grep -q '^define internal void @ebmc.0.' "$T/k.ll" &&
    ok "--emit-llvm: the kernels and their table" || notok "--emit-llvm" "$(head -5 "$T/k.ll")"
expect_fail "-o is required" "needs -o BIN" "$EBMC" build "$bas"
expect_fail "--target needs -c" "another machine" "$EBMC" build "$bas" -o "$T/x" --target aarch64-linux-gnu
expect_fail "-c of a stack is refused (its C API is one model's)" "holds a stack" "$EBMC" build "$ROOT/specs/dbn.ebm" -c -o "$T/x.o" --emit-header "$T/x.h"
expect_fail "--name must be an identifier" "C identifier" "$EBMC" build "$bas" -c -o "$T/x.o" --name 9x
expect_fail "parameters of another spec are refused" "has shape" "$EBMC" build "$ROOT/specs/rbm_labels.ebm" -o "$T/x" --params "$T/bas.st"
[ ! -e "$T/x" ] && [ ! -e "$T/x.o" ] && ok "a failed build leaves no output" || notok "failed build left output"
expect_fail "BIN: an unknown flag" "unknown flag '--chain'" "$T/basbin" sample --chain 3
expect_fail "BIN: an unknown command" "unknown command" "$T/basbin" smaple
