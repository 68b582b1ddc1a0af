#!/bin/sh
# tests/bench/run.sh — `make bench`: the JIT against the interpreter, the
# Python peers and the machine's sgemm rate (docs/performance.md).
#
#   1. CD-1, 784x500 binary RBM, batch 100, one epoch over the 60,000
#      binarised Fashion-MNIST images: seconds per epoch for ebmc --backend
#      jit / interp (the epoch time `ebmc train` prints), scikit-learn's
#      BernoulliRBM and a plain PyTorch loop; the sgemm bound (5 GEMMs of
#      100x784x500 per batch at the rate sgemm_rate measures now); the jit
#      with EBMC_SPARSE=0 (dense GEMMs only, each repetition next to the
#      default one), so the sparse products' gain shows in the same run.
#   2. Sampling: a 64x32 RBM, 10,000 chains, 1,000 block-Gibbs sweeps.
#   3. A DBM mean-field pass: 784-500-1000, 10 iterations, batch 100.
#   1b. Sharing the machine: the CD-1 epoch alone, two ebmc trainings
#      started together, and one beside two busy processes (shell loops),
#      each repetition back to back so that the ratios compare runs under
#      the same background load; the PyTorch and numpy loops the same three
#      ways; the second epoch of a 2-epoch run (the first overlaps the
#      other run's start-up).
#   1c. Monitors: CD-1 and PCD-1 epochs with recon_error every 1 against
#      monitor = none, back to back.
#   6. A backprop stage: tests/bench/mlp.ebm, the network specs/dbn.ebm's
#      fine-tuning stage unrolls (784-500-500-2000-10, SGD with momentum),
#      one epoch, against the same network by PyTorch's autograd.
#   4. ebmc build: start-up (BIN --version) and time to a first sample (one
#      chain, one sweep, of the 784x500 RBM) of a built binary, against
#      ebmc sample, which parses and JIT-compiles first.
#   8. Density: the CD-1 epoch of 1 on a synthetic binary set of 20,000
#      rows at 13% ones (binarised MNIST digits' density; made here with
#      numpy, seed 1), the sparse products chosen by density against
#      EBMC_SPARSE=0 (dense GEMMs only), back to back.
#   7. Ranks: the CD-1 epoch of 1 in one process with one thread, with two
#      threads, and as two ranks of mpirun with one thread each.
# BENCH_ONLY="1b 1c" runs only the sections named (1, 1b, 1c, 2, 3, 4, 5, 6, 7, 8).
# Every figure is the median of BENCH_REPS runs (default 3), printed with
# its ratio to the baseline of the same run; each target says MET or MISSED.
# The Python peers need python3-sklearn, python3-torch and python3-numpy
# (Debian packages, for benchmarking only); without them their rows say so
# (where PyTorch cannot be installed, the numpy loop and the sgemm bound
# are the references). The load average is printed with every section:
# on a shared machine compare ratios within one run, not across runs.
EBMC=${EBMC:-./ebmc}
BUILD=${BUILD:-build}
REPS=${BENCH_REPS:-3}
PY=${BENCH_PYTHON:-/usr/bin/python3}
BIN=$BUILD/bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() {   # numbers on stdin -> their median
    sort -g | awk '{x[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print x[(NR + 1) / 2]; else print (x[NR / 2] + x[NR / 2 + 1]) / 2}'
}
field() {    # $1: key; stdin: "key value" lines -> value
    awk -v k="$1" '$1 == k {print $2}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "nan"}'; }
verdict() { awk -v x="$1" -v t="$2" 'BEGIN {print (x + 0 >= t + 0 && x != "nan") ? "MET" : "MISSED"}'; }

have() { "$PY" -c "import $1" 2>/dev/null && echo 1 || echo 0; }
have_sk=$(have sklearn)
have_torch=$(have torch)
have_np=$(have numpy)
section() { [ -z "$BENCH_ONLY" ] && return 0; case " $BENCH_ONLY " in *" $1 "*) return 0 ;; esac; return 1; }
load() { echo "  (load average: $(cut -d' ' -f1-3 /proc/loadavg))"; }

echo "ebmc benchmarks ($(date -u '+%Y-%m-%d %H:%M UTC'), medians of $REPS runs)"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
echo "ebmc: $EBMC; LLVM $(llvm-config-14 --version 2>/dev/null); OpenBLAS $(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null), core $(OPENBLAS_VERBOSE=2 "$EBMC" --version 2>&1 | sed -n 's/^Core: //p' | tail -1)"
for mod in sklearn torch numpy; do
    if [ "$(have $mod)" = 1 ]; then echo "python: $mod $("$PY" -c "import $mod; print($mod.__version__)")"
    else echo "python: no $mod (apt-get install python3-$mod); its rows say nan"; fi
done
load
echo

# ---- 1. CD-1 ----------------------------------------------------------------------
if section 1; then
echo "1. CD-1, 784x500 binary RBM, batch 100, one epoch of 60,000 Fashion-MNIST images"
"$BIN/sgemm_rate" >"$tmp/sgemm"
sg=$(field sgemm_seconds <"$tmp/sgemm")
gf=$(field sgemm_gflops <"$tmp/sgemm")
bound=$(awk -v s="$sg" 'BEGIN {printf "%.4f", 600 * 5 * s}')
# jit_dense: the jit with EBMC_SPARSE=0, each run right after a default one
for r in $(seq "$REPS"); do
    for backend in jit jit_dense; do
        sparse=
        [ $backend = jit_dense ] && sparse=0
        EBMC_SPARSE=$sparse EBMC_VERBOSE=1 "$EBMC" train tests/bench/cd1.ebm --backend jit --out "$tmp/p.safetensors" >"$tmp/out" 2>&1 ||
            { cat "$tmp/out"; exit 1; }
        sed -n 's/^epoch *1\/1 .* \([0-9.]*\) s\/epoch$/\1/p' "$tmp/out" >>"$tmp/cd1s.$backend"
        sed -n 's/.*compiled in \([0-9.]*\) s$/\1/p' "$tmp/out" >>"$tmp/compile.jit"
    done
done
for backend in jit jit_dense; do median <"$tmp/cd1s.$backend" >"$tmp/cd1.$backend"; done
for r in $(seq "$REPS"); do
    EBMC_VERBOSE=1 "$EBMC" train tests/bench/cd1.ebm --backend interp --out "$tmp/p.safetensors" >"$tmp/out" 2>&1 ||
        { cat "$tmp/out"; exit 1; }
    sed -n 's/^epoch *1\/1 .* \([0-9.]*\) s\/epoch$/\1/p' "$tmp/out"
done | median >"$tmp/cd1.interp"
jit=$(cat "$tmp/cd1.jit")
jit_dense=$(cat "$tmp/cd1.jit_dense")
interp=$(cat "$tmp/cd1.interp")
sk=nan
pt=nan
np=nan
[ $have_sk = 1 ] && sk=$("$PY" tests/bench/peers.py cd1 sklearn "$REPS" | field seconds_per_epoch)
[ $have_torch = 1 ] && pt=$("$PY" tests/bench/peers.py cd1 torch "$REPS" | field seconds_per_epoch)
[ $have_np = 1 ] && np=$("$PY" tests/bench/peers.py cd1 numpy "$REPS" | field seconds_per_epoch)
"$BIN/bench_ebmc" cd1count tests/bench/cd1.ebm >"$tmp/count"
gemms=$(awk '$1 == "gemm_flops_per_batch" {printf "%.2f", $2 / (2 * 100 * 784 * 500)}' "$tmp/count")
printf "  %-28s %9s s/epoch\n" "sgemm bound (5 GEMMs/batch)" "$bound"
printf "  %-28s %9s s/epoch   1.00\n" "ebmc --backend jit" "$jit"
printf "  %-28s %9s s/epoch   %s x jit\n" "jit, EBMC_SPARSE=0 (dense)" "$jit_dense" "$(ratio "$jit_dense" "$jit")"
printf "  %-28s %9s s/epoch   %s x jit\n" "ebmc --backend interp" "$interp" "$(ratio "$interp" "$jit")"
printf "  %-28s %9s s/epoch   %s x jit\n" "scikit-learn BernoulliRBM" "$sk" "$(ratio "$sk" "$jit")"
printf "  %-28s %9s s/epoch   %s x jit\n" "PyTorch CD-1 loop" "$pt" "$(ratio "$pt" "$jit")"
printf "  %-28s %9s s/epoch   %s x jit\n" "numpy CD-1 loop" "$np" "$(ratio "$np" "$jit")"
echo "  sgemm 100x784x500: $gf GFLOP/s ($(awk -v s="$sg" 'BEGIN {printf "%.3f", s * 1000}') ms a call, the BLAS's own threading)"
"$BIN/bench_ebmc" gemm >"$tmp/rtgemm"
rg=$(field rt_gemm_seconds <"$tmp/rtgemm")
echo "  ebmc's rt_gemm on it: $(awk -v s="$rg" 'BEGIN {printf "%.2f GFLOP/s (%.3f ms", 2 * 100 * 784 * 500 / s / 1e9, s * 1000}'), split over $(field threads <"$tmp/rtgemm") threads)"
echo "  ebmc runs $gemms GEMMs of 100x784x500 (in FLOPs) per batch: $(awk '$1 == "gemm_flops" {printf "%s%s %.2f", sep, $2, $3 / (2 * 100 * 784 * 500); sep = ", "}' "$tmp/count")"
echo "  JIT compile time: $(median <"$tmp/compile.jit") s"
faster=$(printf '%s\n' "$sk" "$pt" "$np" | grep -v nan | sort -g | head -1)
faster=${faster:-nan}
vs=$(ratio "$faster" "$jit")
frac=$(ratio "$bound" "$jit")
echo "  target: jit >= 2x the faster Python peer: $vs x -> $(verdict "$vs" 2)"
echo "  target: jit <= 0.5x PyTorch (issue 19): $(ratio "$jit" "$pt") x -> $(verdict "$(ratio "$pt" "$jit")" 2)"
echo "  target: jit >= 80% of the sgemm bound: $(awk -v f="$frac" 'BEGIN {printf "%.0f%%", 100 * f}') -> $(verdict "$frac" 0.8)"
echo "  target: jit below the sgemm bound (binary operands by sums of rows): $(ratio "$jit" "$bound") x the bound -> $(verdict "$frac" 1)"
load
echo

fi

# sections 1b and 1c: the second epoch of a 2-epoch CD-1 training of
# benchmark 1 (the first overlaps another run's start-up)
epoch2() {   # $1: output file of a 2-epoch training -> the second epoch's seconds
    sed -n 's/^epoch *2\/2 .* \([0-9.]*\) s\/epoch$/\1/p' "$1"
}
train2() {   # $1: output file; the rest: extra flags
    out=$1
    shift
    "$EBMC" train tests/bench/cd1.ebm --set epochs=2 --out "$out.st" "$@" >"$out" 2>&1
}

# ---- 1b. sharing the machine ---------------------------------------------------------------
if section 1b; then
echo "1b. sharing the machine: CD-1 as in 1 (jit), seconds of the second epoch of two"
spin() { while :; do :; done; }
peers=""
[ $have_torch = 1 ] && peers="torch"
[ $have_np = 1 ] && peers="$peers numpy"
peer() { "$PY" tests/bench/peers.py cd1 "$1" 1 | field seconds_per_epoch; }   # $1: torch or numpy
for r in $(seq "$REPS"); do
    train2 "$tmp/alone" && epoch2 "$tmp/alone" >>"$tmp/s.alone"
    train2 "$tmp/pa" & pa=$!
    train2 "$tmp/pb" & pb=$!
    wait $pa $pb
    # each of the pair
    epoch2 "$tmp/pa" >>"$tmp/s.pair"
    epoch2 "$tmp/pb" >>"$tmp/s.pair"
    spin & b1=$!
    spin & b2=$!
    train2 "$tmp/busy" && epoch2 "$tmp/busy" >>"$tmp/s.busy"
    for p in $peers; do peer $p >>"$tmp/$p.busy"; done
    kill $b1 $b2
    wait $b1 $b2 2>/dev/null
    for p in $peers; do
        peer $p >>"$tmp/$p.alone"
        peer $p >"$tmp/$p.pa" & pa=$!
        peer $p >"$tmp/$p.pb" & pb=$!
        wait $pa $pb
        cat "$tmp/$p.pa" "$tmp/$p.pb" >>"$tmp/$p.pair"
    done
done
alone=$(median <"$tmp/s.alone")
pair=$(median <"$tmp/s.pair")
busy=$(median <"$tmp/s.busy")
printf "  %-40s %9s s/epoch   1.00\n" "ebmc alone" "$alone"
printf "  %-40s %9s s/epoch   %s x alone (fair share 2.00; target <= 2.3)\n" "ebmc, two trainings at once (each)" "$pair" "$(ratio "$pair" "$alone")"
printf "  %-40s %9s s/epoch   %s x alone (target <= 1.6)\n" "ebmc beside two busy processes" "$busy" "$(ratio "$busy" "$alone")"
for p in torch numpy; do
    name=$([ $p = torch ] && echo PyTorch || echo numpy)
    case " $peers " in *" $p "*) ;; *) echo "  $name CD-1 loop: not installed"; continue ;; esac
    pa=$(median <"$tmp/$p.alone") pp=$(median <"$tmp/$p.pair") pb=$(median <"$tmp/$p.busy")
    printf "  %-40s %9s s/epoch   %s x ebmc alone\n" "$name CD-1 loop alone" "$pa" "$(ratio "$pa" "$alone")"
    printf "  %-40s %9s s/epoch   %s x $name alone; %s x ebmc's pair\n" "$name, two trainings at once (each)" "$pp" "$(ratio "$pp" "$pa")" "$(ratio "$pp" "$pair")"
    printf "  %-40s %9s s/epoch   %s x $name alone; %s x ebmc beside them\n" "$name beside two busy processes" "$pb" "$(ratio "$pb" "$pa")" "$(ratio "$pb" "$busy")"
done
echo "  target: two at once <= 2.3x alone: $(awk -v x="$(ratio "$pair" "$alone")" 'BEGIN {print (x != "nan" && x <= 2.3) ? "MET" : "MISSED"}');" \
    "beside two busy <= 1.6x alone: $(awk -v x="$(ratio "$busy" "$alone")" 'BEGIN {print (x != "nan" && x <= 1.6) ? "MET" : "MISSED"}')"
load
echo

fi

# ---- 1c. monitors -----------------------------------------------------------------------------
if section 1c; then
echo "1c. monitor cost: recon_error every 1 against monitor = none (jit, seconds of the second epoch)"
for r in $(seq "$REPS"); do
    for m in cd pcd; do
        meth="cd(k = 1)"
        [ $m = pcd ] && meth="pcd(k = 1, chains = 100)"
        train2 "$tmp/mn" --set "method=$meth" --set monitor=none && epoch2 "$tmp/mn" >>"$tmp/m.$m.none"
        train2 "$tmp/mr" --set "method=$meth" --set "monitor=recon_error every 1" && epoch2 "$tmp/mr" >>"$tmp/m.$m.recon"
    done
done
for m in cd pcd; do
    a=$(median <"$tmp/m.$m.none")
    b=$(median <"$tmp/m.$m.recon")
    x=$(ratio "$b" "$a")
    printf "  %-4s-1: monitor = none %7s s, recon_error every 1 %7s s: %s x -> %s (target <= 1.05)\n" "$m" "$a" "$b" "$x" \
        "$(awk -v x="$x" 'BEGIN {print (x != "nan" && x <= 1.05) ? "MET" : "MISSED"}')"
done
load
echo

fi

# ---- 2. sampling ------------------------------------------------------------------------
if section 2; then
echo "2. sampling: 64x32 RBM, 10,000 chains, 1,000 block-Gibbs sweeps"
sj=$("$BIN/bench_ebmc" sample tests/bench/sample.ebm jit 10000 1000 "$REPS" | field sweeps_per_second)
si=$("$BIN/bench_ebmc" sample tests/bench/sample.ebm interp 10000 1000 "$REPS" | field sweeps_per_second)
st=nan
[ $have_torch = 1 ] && st=$("$PY" tests/bench/peers.py sample "$REPS" | field sweeps_per_second)
printf "  %-28s %9s sweeps/s  1.00\n" "ebmc jit" "$sj"
printf "  %-28s %9s sweeps/s  jit is %s x\n" "ebmc interp" "$si" "$(ratio "$sj" "$si")"
printf "  %-28s %9s sweeps/s  jit is %s x\n" "PyTorch" "$st" "$(ratio "$sj" "$st")"
echo "  target: jit >= 5x interp: $(verdict "$(ratio "$sj" "$si")" 5); jit ahead of PyTorch: $(verdict "$(ratio "$sj" "$st")" 1.0000001)"
echo

fi

# ---- 3. DBM mean-field ------------------------------------------------------------------
if section 3; then
echo "3. DBM mean-field pass: 784-500-1000, 10 iterations, batch 100"
dj=$("$BIN/bench_ebmc" meanfield tests/bench/dbm.ebm jit 100 10 "$REPS" | field seconds_per_pass)
di=$("$BIN/bench_ebmc" meanfield tests/bench/dbm.ebm interp 100 10 "$REPS" | field seconds_per_pass)
dt=nan
[ $have_torch = 1 ] && dt=$("$PY" tests/bench/peers.py dbm "$REPS" | field seconds_per_pass)
dflop=$(awk 'BEGIN {print 10 * 2 * 100 * (784 * 500 + 500 * 1000 + 500 * 1000)}')
printf "  %-28s %9s s/pass    1.00\n" "ebmc jit" "$dj"
printf "  %-28s %9s s/pass    %s x jit\n" "ebmc interp" "$di" "$(ratio "$di" "$dj")"
printf "  %-28s %9s s/pass    %s x jit\n" "PyTorch" "$dt" "$(ratio "$dt" "$dj")"
echo "  jit: $(awk -v f="$dflop" -v s="$dj" 'BEGIN {printf "%.1f", f / s / 1e9}') GFLOP/s of GEMM work (sgemm rate above: $gf)"
echo

fi

# ---- 4. a built binary ---------------------------------------------------------------------
if section 4; then
echo "4. ebmc build: start-up and time to the first sample (784x500 RBM, 1 chain, 1 sweep)"
now() { date +%s.%N; }
"$EBMC" train tests/bench/cd1.ebm --set epochs=0 --out "$tmp/rbm.safetensors" --quiet >/dev/null
b0=$(now)
"$EBMC" build tests/bench/cd1.ebm -o "$tmp/rbm" --params "$tmp/rbm.safetensors" >/dev/null || exit 1
b1=$(now)
timed() {   # runs "$@" REPS times (x10 when short) -> median seconds
    for r in $(seq "$REPS"); do
        t0=$(now); for i in 1 2 3 4 5 6 7 8 9 10; do "$@" >/dev/null 2>&1; done; t1=$(now)
        awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.5f\n", (b - a) / 10}'
    done | median
}
ver=$(timed "$tmp/rbm" --version)
first_bin=$(timed "$tmp/rbm" sample --chains 1 --steps 1 --out "$tmp/a.npy")
first_jit=$(timed "$EBMC" sample tests/bench/cd1.ebm --params "$tmp/rbm.safetensors" --chains 1 --steps 1 --out "$tmp/b.npy")
first_int=$(timed "$EBMC" sample tests/bench/cd1.ebm --params "$tmp/rbm.safetensors" --backend interp --chains 1 --steps 1 --out "$tmp/c.npy")
echo "  ebmc build (LLVM O3, cc, link): $(awk -v a="$b0" -v b="$b1" 'BEGIN {printf "%.2f", b - a}') s; binary $(wc -c <"$tmp/rbm") bytes with 1.6 MB of parameters"
printf "  %-34s %9s s\n" "built binary --version" "$ver"
printf "  %-34s %9s s   1.00\n" "built binary: first sample" "$first_bin"
printf "  %-34s %9s s   %s x\n" "ebmc sample --backend jit" "$first_jit" "$(ratio "$first_jit" "$first_bin")"
printf "  %-34s %9s s   %s x\n" "ebmc sample --backend interp" "$first_int" "$(ratio "$first_int" "$first_bin")"
fi

if section 5; then
echo
# ---- 5. VAE ---------------------------------------------------------------------------------
echo "5. VAE (specs/vae.ebm: 784-200-20-200-784, batch 100, Adam), one epoch of 60,000 images"
for mode in reverse symbolic; do
    for r in $(seq "$REPS"); do
        EBMC_LOSS_GRAD=$mode "$EBMC" train specs/vae.ebm --set epochs=1 --out "$tmp/vae.safetensors" >"$tmp/out" 2>&1 ||
            { cat "$tmp/out"; exit 1; }
        sed -n 's/^epoch *1\/1 .* \([0-9.]*\) s\/epoch$/\1/p' "$tmp/out"
    done | median >"$tmp/vae.$mode"
    EBMC_LOSS_GRAD=$mode "$BIN/bench_ebmc" compile specs/vae.ebm >"$tmp/vaec.$mode"
done
vr=$(cat "$tmp/vae.reverse")
vs=$(cat "$tmp/vae.symbolic")
vt=nan
[ $have_torch = 1 ] && vt=$("$PY" tests/bench/peers.py vae "$REPS" | field seconds_per_epoch)
cr=$(awk '{print $3}' "$tmp/vaec.reverse")
cs=$(awk '{print $3}' "$tmp/vaec.symbolic")
printf "  %-34s %9s s/epoch   1.00\n" "ebmc jit, reverse mode" "$vr"
printf "  %-34s %9s s/epoch   %s x\n" "ebmc jit, symbolic gradient" "$vs" "$(ratio "$vs" "$vr")"
printf "  %-34s %9s s/epoch   %s x\n" "PyTorch autograd" "$vt" "$(ratio "$vt" "$vr")"
echo "  JIT compile: $cr s reverse mode ($(awk '{print $7}' "$tmp/vaec.reverse") statements), $cs s symbolic ($(awk '{print $7}' "$tmp/vaec.symbolic") statements)"
echo "  target: ebmc <= PyTorch: $(verdict "$(ratio "$vt" "$vr")" 1); JIT compile <= 0.3 s: $(awk -v c="$cr" 'BEGIN {print (c + 0 <= 0.3) ? "MET" : "MISSED"}')"
fi

# ---- 6. a backprop stage ------------------------------------------------------------------------
if section 6; then
echo "6. backprop stage (tests/bench/mlp.ebm: specs/dbn.ebm's unrolled 784-500-500-2000-10, SGD), one epoch"
for r in $(seq "$REPS"); do
    "$EBMC" train tests/bench/mlp.ebm --out "$tmp/mlp.safetensors" >"$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }
    sed -n 's/^epoch *1\/1 .* \([0-9.]*\) s\/epoch$/\1/p' "$tmp/out"
done | median >"$tmp/mlp"
"$BIN/bench_ebmc" compile tests/bench/mlp.ebm >"$tmp/mlpc"
me=$(cat "$tmp/mlp")
mt=nan
[ $have_torch = 1 ] && mt=$("$PY" tests/bench/peers.py mlp "$REPS" | field seconds_per_epoch)
printf "  %-34s %9s s/epoch   1.00\n" "ebmc jit, reverse mode" "$me"
printf "  %-34s %9s s/epoch   %s x\n" "PyTorch autograd" "$mt" "$(ratio "$mt" "$me")"
echo "  JIT compile: $(awk '{print $3}' "$tmp/mlpc") s ($(awk '{print $7}' "$tmp/mlpc") statements)"
echo "  target: ebmc <= PyTorch: $(verdict "$(ratio "$mt" "$me")" 1)"
load
fi

# ---- 7. ranks (MPI) -------------------------------------------------------------------------
# The CD-1 epoch of section 1 three ways, back to back in each repetition:
# one process with one thread, one with two threads, and two ranks of
# mpirun with one thread each (docs/distributed.md).
if section 7; then
echo "7. CD-1 epoch of section 1: 1 process x 1 thread, 1 x 2 threads, mpirun -np 2 x 1 thread"
MPIRUN="mpirun --oversubscribe"
[ "$(id -u)" = 0 ] && MPIRUN="$MPIRUN --allow-run-as-root"
if command -v mpirun >/dev/null 2>&1 && ldd "$EBMC" | grep -q libmpi; then
    epoch() { sed -n 's/^epoch *1\/1 .* \([0-9.]*\) s\/epoch$/\1/p' "$tmp/out"; }
    for r in $(seq "$REPS"); do
        EBMC_THREADS=1 "$EBMC" train tests/bench/cd1.ebm --out "$tmp/p1.st" >"$tmp/out" 2>&1
        epoch >>"$tmp/mpi.p1t1"
        EBMC_THREADS=2 "$EBMC" train tests/bench/cd1.ebm --out "$tmp/p2.st" >"$tmp/out" 2>&1
        epoch >>"$tmp/mpi.p1t2"
        $MPIRUN -np 2 -x EBMC_THREADS=1 "$EBMC" train tests/bench/cd1.ebm --out "$tmp/r2.st" >"$tmp/out" 2>&1
        epoch >>"$tmp/mpi.r2t1"
    done
    a=$(median <"$tmp/mpi.p1t1") b=$(median <"$tmp/mpi.p1t2") c=$(median <"$tmp/mpi.r2t1")
    printf "  %-34s %9s s/epoch   1.00\n" "1 process, 1 thread" "$a"
    printf "  %-34s %9s s/epoch   %s x faster\n" "1 process, 2 threads" "$b" "$(ratio "$a" "$b")"
    printf "  %-34s %9s s/epoch   %s x faster\n" "mpirun -np 2, 1 thread each" "$c" "$(ratio "$a" "$c")"
    echo "  per batch the ranks exchange 1.6 MB (the 784x500 + 784 + 500 gradient in floats)"
else
    echo "  no mpirun, or ebmc built without Open MPI: nothing measured"
fi
load
fi

# ---- 8. a sparse set ------------------------------------------------------------------------------
if section 8; then
echo "8. CD-1 epoch of section 1 on 20,000 synthetic binary rows at 13% ones: by density vs dense only"
if [ $have_np = 1 ]; then
    "$PY" -c "import numpy as np; r = np.random.default_rng(1); np.save('$tmp/d13.npy', (r.random((20000, 784)) < 0.13).astype(np.float32))"
    epoch() { sed -n 's/^epoch *1\/1 .* \([0-9.]*\) s\/epoch$/\1/p' "$tmp/out"; }
    for r in $(seq "$REPS"); do
        "$EBMC" train tests/bench/cd1.ebm --set "data=npy(\"$tmp/d13.npy\")" --out "$tmp/s.st" >"$tmp/out" 2>&1
        epoch >>"$tmp/d13.auto"
        EBMC_SPARSE=0 "$EBMC" train tests/bench/cd1.ebm --set "data=npy(\"$tmp/d13.npy\")" --out "$tmp/s.st" >"$tmp/out" 2>&1
        epoch >>"$tmp/d13.dense"
    done
    a=$(median <"$tmp/d13.auto") d=$(median <"$tmp/d13.dense")
    printf "  %-34s %9s s/epoch   1.00\n" "dense GEMMs only (EBMC_SPARSE=0)" "$d"
    printf "  %-34s %9s s/epoch   %s x faster\n" "sparse by density (default)" "$a" "$(ratio "$d" "$a")"
    echo "  target: >= 2x the dense path at 13% density: $(verdict "$(ratio "$d" "$a")" 2)"
else
    echo "  no numpy (python3-numpy): nothing measured"
fi
load
fi
