#!/bin/sh
# layers.sh — the build keeps the runtime below the compiler: every header a
# runtime file includes is a runtime header, and the command make compiles a
# runtime file with cannot resolve a compiler header (docs/internals.md).
. tests/e2e/lib.sh

leaks=$(grep -rhoE '#include "[^"]+"' runtime | sed 's/#include "//; s/"$//' | sort -u | while read -r h; do
    [ -n "$(find runtime -name "$h" | head -n 1)" ] || echo "$h"; done)
[ -z "$leaks" ] && ok "every header a runtime file includes lives in runtime/" ||
    notok "runtime/ includes headers from outside itself" "$leaks"

# make's own command for a runtime object, pointed at a file that includes
# the kernel IR's header: it must not compile
cmd=$(make -n -B BUILD="${BUILD:-build}" "${BUILD:-build}/runtime/core/rt_cpu.o" 2>/dev/null | grep -- ' -c -o ')
printf '#include "ir.h"\n#include "rt.h"\nint layers_probe;\n' >"$T/probe.c"
probe=$(echo "$cmd" | sed "s| -MMD -MP||; s| -o [^ ]*| -o $T/probe.o|; s| runtime/core/rt_cpu.c$| $T/probe.c|")
if [ -n "$cmd" ] && ! sh -c "$probe" >"$T/err" 2>&1 && grep -q 'ir.h' "$T/err"; then
    ok "a runtime file cannot include a compiler header (ir.h does not resolve)"
else notok "the runtime's include paths reach the compiler" "$cmd" "$(head -3 "$T/err")"; fi
# the same command with a runtime header compiles, so the probe above failed for the right reason
printf '#include "rt.h"\nint layers_probe;\n' >"$T/probe.c"
sh -c "$probe" >"$T/err" 2>&1 && ok "the same command compiles a file of runtime headers" ||
    notok "the probe command is broken" "$probe" "$(head -3 "$T/err")"
