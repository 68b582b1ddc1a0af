#!/bin/sh
# tests/fuzz/run.sh — build the libFuzzer harnesses with clang (ASan +
# UBSan) and run each for FUZZ_SECONDS seconds from a seed corpus made of
# the specs, the golden specs, run files and small valid data files. A crash leaves
# its input in build-fuzz/ and fails the run: turn it into a regression
# test (tests/fuzz/regressions/NAME/, replayed by make test: the loaders'
# by tests/unit/test_fuzz_regressions.c; spec/ (spec text; for specgen, the
# spec build-fuzz/specgen prints from the crashing bytes) and cli/ (one
# argument per line) by tests/e2e/fuzz_regressions.sh). FUZZ_HARNESSES
# picks some: FUZZ_HARNESSES="specgen cli" make fuzz.
set -eu
SECONDS_EACH=${FUZZ_SECONDS:-30}
B=build-fuzz
CC=${FUZZ_CC:-clang}
mkdir -p $B/obj $B/corpus
CFLAGS="-g -O1 -std=c11 -D_GNU_SOURCE -DEBMC_NO_LLVM -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined $(find compiler runtime -mindepth 1 -maxdepth 1 -type d -not -name help -printf "-I%p ") -I$B/gen $(pkg-config --cflags openblas)"
mkdir -p $B/gen
bison -o $B/gen/parser.c --header=$B/gen/parser.h compiler/front/parser.y
flex -o $B/gen/lexer.c --header-file=$B/gen/lexer.h compiler/front/lexer.l
sh compiler/cli/help/embed.sh compiler/cli/help/*.txt >$B/gen/help_pages.c
objs=""
# an object older than its source or than the newest header is rebuilt (a
# header's change left stale objects that no longer linked)
hdr=$(ls -t compiler/*/*.h runtime/*/*.h | head -1)
for f in compiler/*/*.c runtime/*/*.c $B/gen/parser.c $B/gen/lexer.c $B/gen/help_pages.c; do
    case $f in compiler/cli/main.c|compiler/llvm/llvm_*) continue ;; esac
    o=$B/obj/$(echo "$f" | tr / _).o
    [ "$o" -nt "$f" ] && [ "$o" -nt "$hdr" ] || $CC $CFLAGS -Wno-unused-function -c -o "$o" "$f"
    objs="$objs $o"
done
LIBS="-lopenblas -lyaml -lpng -lz -lm"
$CC $CFLAGS -fsanitize=fuzzer -o $B/fuzz_spec tests/fuzz/fuzz_spec.c $objs $LIBS
$CC $CFLAGS -fsanitize=fuzzer -o $B/fuzz_specgen tests/fuzz/fuzz_specgen.c $objs $LIBS
$CC $CFLAGS -fsanitize=fuzzer -o $B/fuzz_cli tests/fuzz/fuzz_cli.c $objs $LIBS
# the generator as a program: a crashing input of fuzz_specgen -> its spec
$CC -O1 -DSPECGEN_MAIN -o $B/specgen tests/fuzz/fuzz_specgen.c
$CC $CFLAGS -fsanitize=fuzzer -o $B/fuzz_config tests/fuzz/fuzz_config.c $objs $LIBS
for l in idx csv npy safetensors; do
    L=$(echo $l | tr a-z A-Z)
    $CC $CFLAGS -fsanitize=fuzzer -DFUZZ_LOADER_$L=1 -o $B/fuzz_$l tests/fuzz/fuzz_loaders.c $objs $LIBS
done

# seed corpora
mkdir -p $B/corpus/spec $B/corpus/config $B/corpus/idx $B/corpus/csv $B/corpus/npy $B/corpus/safetensors \
    $B/corpus/specgen $B/corpus/cli
head -c 64 /dev/urandom >$B/corpus/specgen/random
printf '\003\002\001\000\005\007\011\002\000\001\004\010' >$B/corpus/specgen/small
printf -- '--set\nlr=0.1\n--set\nmomentum=0.5 until 5, 0.9\n--seed\n3' >$B/corpus/cli/sets
printf -- '--set\nmethod=cd(k = 1e12)\n--out\n--quiet' >$B/corpus/cli/flags
printf -- '--set\ntrain.epochs=2147483648\n--set\nlr=0.1 } train m { epochs = 1' >$B/corpus/cli/odd
cp specs/*.ebm tests/golden/*.ebm $B/corpus/spec/
./ebmc train specs/rbm_bas.ebm --print-config >$B/corpus/config/printed
printf 'train:\n  lr: 0.01\n  momentum: 0.5 until 5, 0.9\n  monitor: [recon_error, pseudo_loglik]\nsample: {chains: 4, out: s.png}\n' >$B/corpus/config/small
printf 'train:\n  layer1: {epochs: 5}\n  data: "idx(\\"f.gz\\", binarize = 0.5)"\n' >$B/corpus/config/stage
printf '\000\000\010\003\000\000\000\002\000\000\000\002\000\000\000\002\001\002\003\004\005\006\007\010' >$B/corpus/idx/small
printf 'a,b,c\n1,2,3\n4,nan,6\n' >$B/corpus/csv/small
printf '0.5,1e-3\n-2,3\n' >$B/corpus/csv/plain
./ebmc train specs/rbm_bas.ebm --out $B/corpus/safetensors/bas --set epochs=1 --quiet
./ebmc sample specs/rbm_bas.ebm --params $B/corpus/safetensors/bas --chains 2 --steps 1 --out $B/corpus/npy/s.npy >/dev/null

status=0
for h in ${FUZZ_HARNESSES:-spec specgen cli config idx csv npy safetensors}; do
    echo "fuzzing $h for $SECONDS_EACH s"
    (cd $B && ./fuzz_$h -max_total_time=$SECONDS_EACH -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -close_fd_mask=3 corpus/$h \
        >fuzz_$h.log 2>&1) || { status=1; echo "fuzz_$h found a failure: see $B/fuzz_$h.log and $B/crash-*"; tail -30 $B/fuzz_$h.log; }
    grep -E "^stat::number_of_executed_units|^#[0-9]+ *DONE" $B/fuzz_$h.log | tail -2 || true
done
exit $status
