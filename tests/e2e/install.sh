# install.sh — make install into a temporary prefix puts every file where it
# belongs; the installed ebmc runs the installed examples and builds a
# binary against the installed runtime; pkg-config finds
# the runtime and a program links against it; make uninstall removes exactly
# what install put there.
. tests/e2e/lib.sh
P="$T/prefix"
BUILD=${BUILD:-build}
if make -s install PREFIX="$P" BUILD="$BUILD" EBMC_BIN="$EBMC" >"$T/log" 2>&1; then ok "make install PREFIX=..."
else notok "make install" "$(tail -5 "$T/log")"; fi
missing=""
for f in bin/ebmc lib/libebmrt.a lib/pkgconfig/ebmrt.pc include/ebmc/rt.h include/ebmc/rt_model.h include/ebmc/rt_train.h \
         share/man/man1/ebmc.1 share/ebmc/examples/rbm_bas.ebm; do
    [ -f "$P/$f" ] || missing="$missing $f"
done
n=$(ls "$P/share/ebmc/examples" 2>/dev/null | wc -l)
if [ -z "$missing" ] && [ "$n" = "$(ls specs/*.ebm | wc -l)" ] && [ -x "$P/bin/ebmc" ]; then
    ok "installed: ebmc, libebmrt.a, headers, ebmrt.pc, the man page, $n example specs"
else notok "installed files" "missing:$missing, $n examples"; fi
"$P/bin/ebmc" check "$P/share/ebmc/examples/rbm_bas.ebm" && ok "the installed ebmc checks an installed example" ||
    notok "installed ebmc checks an example"

flags=$(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags --libs ebmrt 2>"$T/err")
case "$flags" in
*"-I$P/include/ebmc"*"-L$P/lib"*"-lebmrt"*) ok "pkg-config --cflags --libs ebmrt: $flags" ;;
*) notok "pkg-config --cflags --libs ebmrt" "$flags $(cat "$T/err")" ;;
esac
# a program of one's own against the installed runtime: a checkpoint written
# and read back
cat >"$T/prog.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include "rt_train.h"
int main(int argc, char **argv) {
    float w[6] = {1, 2, 3, 4, 5, 6};
    rt_tensor t = {0};
    snprintf(t.name, sizeof t.name, "W");
    t.ndim = 2, t.dims[0] = 2, t.dims[1] = 3, t.data = w;
    rt_tensor *ts[] = {&t};
    rt_meta meta[] = {{"from", "prog.c"}};
    if (argc < 2 || rt_save_safetensors(argv[1], ts, 1, meta, 1)) return 1;
    rt_tensor **back;
    int n;
    if (rt_load_safetensors(argv[1], &back, &n, NULL, NULL) || n != 1) return 1;
    int same = back[0]->dims[1] == 3 && !memcmp(back[0]->data, w, sizeof w);
    rt_tensors_free(back, n);
    printf("%s\n", same ? "same" : "different");
    return !same;
}
EOF
# (under make check-asan the library is instrumented: so is the program)
if ${CC:-cc} $SAN -o "$T/prog" "$T/prog.c" $flags 2>"$T/err" && "$T/prog" "$T/w.safetensors" | grep -q same; then
    ok "a program compiled with pkg-config's flags links libebmrt.a and runs"
else notok "a program against the installed runtime" "$(head -5 "$T/err")"; fi

# the installed ebmc builds binaries against the installed runtime
mkdir -p "$T/away"
if (cd "$T/away" && "$P/bin/ebmc" build "$P/share/ebmc/examples/rbm_bas.ebm" -o bas >/dev/null 2>"$T/err" &&
    "$P/bin/ebmc" train "$P/share/ebmc/examples/rbm_bas.ebm" --set epochs=2 --out p.st --quiet >/dev/null &&
    ./bas sample --params p.st --chains 2 --steps 3 --out s.csv >/dev/null 2>>"$T/err" && [ "$(wc -l <s.csv)" = 3 ]); then
    ok "the installed ebmc build links the installed libebmrt.a and headers"
else notok "installed ebmc build" "$(head -5 "$T/err")"; fi

make -s uninstall PREFIX="$P" BUILD="$BUILD" EBMC_BIN="$EBMC" >"$T/log" 2>&1
left=$(find "$P" -type f | sed "s|$P/||")
if [ -z "$left" ] && [ ! -d "$P/include/ebmc" ] && [ ! -d "$P/share/ebmc" ]; then ok "make uninstall removes every installed file"
else notok "make uninstall" "left: $left"; fi
# and nothing else: a file of someone else's in the prefix stays
mkdir -p "$P/bin" && echo keep >"$P/bin/other"
make -s install PREFIX="$P" BUILD="$BUILD" EBMC_BIN="$EBMC" >/dev/null 2>&1 && make -s uninstall PREFIX="$P" BUILD="$BUILD" EBMC_BIN="$EBMC" >/dev/null 2>&1
[ -f "$P/bin/other" ] && ok "make uninstall leaves other files alone" || notok "make uninstall leaves other files alone"
