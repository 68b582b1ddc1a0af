# cpu.sh — the processor set-up of rt_cpu.c from outside: when OpenBLAS takes
# this processor for a Prescott although it runs AVX-512 (or AVX2 and FMA),
# ebmc runs again with the kernels it can use; an OPENBLAS_CORETYPE the
# user set is kept. (build.sh checks that a built binary does the same.)
. tests/e2e/lib.sh
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
has() { case " $flags " in *" $1 "*) return 0 ;; esac; return 1; }
want=""
if has avx512f && has avx512bw && has avx512vl && has avx512dq; then want=SkylakeX
elif has avx2 && has fma; then want=Haswell; fi

OPENBLAS_VERBOSE=2 "$EBMC" --version >"$T/v" 2>&1
first=$(sed -n 's/^Core: //p' "$T/v" | head -1)
cores=$(sed -n 's/^Core: //p' "$T/v" | tr '\n' ' ')
if [ "$first" = Prescott ] && [ -n "$want" ]; then
    [ "$cores" = "Prescott $want " ] && grep -q '^ebmc ' "$T/v" &&
        ok "OpenBLAS chose Prescott on a $want-class processor: ebmc ran again with $want" ||
        notok "OpenBLAS re-run" "cores '$cores', want 'Prescott $want'" "$(cat "$T/v")"
elif [ -n "$first" ]; then
    [ "$(sed -n 's/^Core: //p' "$T/v" | wc -l)" = 1 ] && ok "OpenBLAS chose $first: no re-run" ||
        notok "no re-run wanted" "cores '$cores'"
else skip "OpenBLAS's choice of core" "OpenBLAS says nothing of its core here"; fi

OPENBLAS_VERBOSE=2 OPENBLAS_CORETYPE=Prescott "$EBMC" --version >"$T/u" 2>&1
[ "$(sed -n 's/^Core: //p' "$T/u" | tr '\n' ' ')" = "Prescott " ] && grep -q '^ebmc ' "$T/u" &&
    ok "a user's OPENBLAS_CORETYPE is kept" || notok "user's OPENBLAS_CORETYPE" "$(cat "$T/u")"
