# pictures.sh — the pictures a person reads after training, read back pixel
# by pixel (png_pixels.py): sample --states draws 0/1 states, the default the
# means; train --report's curves draw the known optimum; its HTML page holds
# the curves, filters and samples inline; filters are drawn on a symmetric
# blue-white-red scale (issue 20, item 5).
. tests/e2e/lib.sh
px() { python3 -c "import sys; sys.path.insert(0, 'tests/e2e'); import png_pixels as p; $1" "$2"; }

cd_spec=specs/rbm_bas.ebm
"$EBMC" train "$cd_spec" --set epochs=40 --out "$T/m.safetensors" --report "$T/r.yaml" >"$T/train.out" 2>&1 \
    && ok "train --report" || notok "train --report" "$(tail -3 "$T/train.out")"
grep -q "page: $T/r.html" "$T/train.out" && ok "train names the page it wrote" || notok "train names the page it wrote" "$(tail -4 "$T/train.out")"

# samples: states are 0 or 1 (black or white, grey separators); means are not
"$EBMC" sample "$cd_spec" --params "$T/m.safetensors" --chains 16 --steps 20 --out "$T/states.png" --states >/dev/null &&
    "$EBMC" sample "$cd_spec" --params "$T/m.safetensors" --chains 16 --steps 20 --out "$T/means.png" >/dev/null
vals() { px 'w, h, rows = p.read(sys.argv[1]); print(" ".join(str(v) for v in sorted({q[0] for r in rows for q in r})))' "$1"; }
s=$(vals "$T/states.png") m=$(vals "$T/means.png")
[ "$s" = "0 128 255" ] && ok "sample --states: only black, white and the grey separators" || notok "sample --states: only black, white and the grey separators" "values: $s"
[ "$(echo "$m" | wc -w)" -gt 3 ] && ok "sample without --states: the means' shades" || notok "sample without --states: the means' shades" "values: $m"

# the curves: the exact log-likelihood's optimum as a green dashed line
g=$(px 'w, h, rows = p.read(sys.argv[1]); print(sum(q == (0, 128, 0) for r in rows for q in r))' "$T/r.png")
[ "$g" -gt 300 ] && ok "the curves draw the optimum ($g pixels)" || notok "the curves draw the optimum" "$g pixels of its colour"

# the page: three PNGs inline (curves, filters, samples), each a real PNG
n=$(python3 - "$T/r.html" <<'PY'
import base64, re, sys
imgs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', open(sys.argv[1]).read())
print(sum(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in imgs))
PY
)
[ "$n" = 3 ] && ok "the HTML page holds the curves, filters and samples inline" || notok "the HTML page holds the curves, filters and samples inline" "$n PNGs"
for h in "Training curves" "Receptive fields" "Samples"; do
    grep -q "<h2>$h" "$T/r.html" && ok "the page's section: $h" || notok "the page's section: $h"
done

# filters: RGB, blue and red both present (the exact scale and the legend:
# tests/unit/test_rt_plot.c)
"$EBMC" eval "$cd_spec" --params "$T/m.safetensors" --filters "$T/f.png" >/dev/null 2>&1
c=$(px 'w, h, rows = p.read(sys.argv[1]); c = {q for r in rows for q in r}; print(sum(1 for q in c if len(q) == 3 and q[2] > q[0] + 40), sum(1 for q in c if len(q) == 3 and q[0] > q[2] + 40))' "$T/f.png")
set -- $c
[ "${1:-0}" -gt 0 ] && [ "${2:-0}" -gt 0 ] && ok "filters in blue (negative) and red (positive)" || notok "filters in blue (negative) and red (positive)" "$c"
