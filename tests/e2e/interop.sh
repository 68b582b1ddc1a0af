# interop.sh — ebmc's files open in Python with numpy alone:
#  1. a checkpoint read by a 20-line safetensors reader (below) has the
#     spec's parameter names and shapes, and its weights give, in numpy, the
#     exact log-likelihood that 'ebmc eval --exact' reports (1e-4);
#  2. 'ebmc sample --out F.npy' is a float32 array, chains x visible units;
#  3. data written by numpy (.npy: float32, float64, uint8, 3-d) train and
#     evaluate the same as the generated data set.
# Needs python3 with numpy (Debian: python3-numpy, which .ci/run installs).
. tests/e2e/lib.sh
PY=""
for p in /usr/bin/python3 python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import numpy' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
    for t in "checkpoint opens with numpy" "sample .npy opens with numpy" ".npy data from numpy round-trip"; do
        echo "skip - $t: no numpy (make deps installs python3-numpy)"
    done
    exit 0
fi

cat >"$T/safetensors_np.py" <<'EOF'
# A safetensors reader with numpy alone: 8-byte little-endian header length,
# a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}},
# then the tensors' bytes.
import json, struct, sys
import numpy as np

DTYPES = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I32": "<i4", "I64": "<i8", "U8": "u1"}

def load(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        b, e = t["data_offsets"]
        tensors[name] = np.frombuffer(data[b:e], dtype=DTYPES[t["dtype"]]).reshape(t["shape"])
    return tensors, meta
EOF

"$EBMC" train specs/rbm_bas.ebm --set epochs=300 --out "$T/bas.st" --quiet || notok "train rbm_bas"
"$EBMC" eval specs/rbm_bas.ebm --params "$T/bas.st" --exact >"$T/eval.yaml" 2>&1
want=$(sed -n 's/^exact_loglik: //p' "$T/eval.yaml")
cat >"$T/check.py" <<'EOF'
import itertools, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from safetensors_np import load

t, meta = load(sys.argv[2])
W, b, c = t["W"].astype(np.float64), t["b"].astype(np.float64), t["c"].astype(np.float64)
assert W.shape == (4, 4, 16) and b.shape == (4, 4) and c.shape == (16,), {k: v.shape for k, v in t.items()}
assert meta["model"] == "rbm_bas" and "train:" in meta["config"], meta
# the 30 bars-and-stripes images
imgs = {tuple(np.repeat(np.array(r)[:, None], 4, 1).ravel()) for r in itertools.product([0, 1], repeat=4)}
imgs |= {tuple(np.repeat(np.array(r)[None, :], 4, 0).ravel()) for r in itertools.product([0, 1], repeat=4)}
V = np.array(sorted(imgs), dtype=np.float64)
Wm = W.reshape(16, 16)
# log Z: sum over the 2^16 hidden states, the visible units summed out
H = np.array(list(itertools.product([0, 1], repeat=16)), dtype=np.float64)
a = H @ c + np.logaddexp(0, b.ravel()[None, :] + H @ Wm.T).sum(1)
logz = a.max() + np.log(np.exp(a - a.max()).sum())
# free energy of each image: the hidden units summed out
F = -(V @ b.ravel()) - np.logaddexp(0, c[None, :] + V @ Wm).sum(1)
print("%.6f" % (-F - logz).mean())
EOF
got=$("$PY" "$T/check.py" "$T" "$T/bas.st" 2>"$T/err")
if [ -n "$got" ] && [ -n "$want" ] && awk "BEGIN{d=$got-($want); exit !(d < 1e-4 && d > -1e-4)}"; then
    ok "checkpoint opens with numpy: names, shapes, metadata; numpy's exact loglik $got = ebmc's $want"
else notok "checkpoint opens with numpy" "numpy '$got' ebmc '$want'" "$(tail -3 "$T/err")"; fi

"$EBMC" sample specs/rbm_bas.ebm --params "$T/bas.st" --chains 7 --steps 50 --out "$T/s.npy" >/dev/null 2>&1
r=$("$PY" -c "
import numpy as np, sys
x = np.load(sys.argv[1])
print(x.dtype, x.shape, bool(np.isin(x, [0, 1]).all()))" "$T/s.npy" 2>&1)
[ "$r" = "float32 (7, 16) True" ] && ok "sample .npy opens with numpy: float32, chains x units, binary" ||
    notok "sample .npy opens with numpy" "$r"

# numpy writes the data set in several dtypes and shapes; ebmc reads each the same
"$PY" - "$T" <<'EOF' 2>"$T/err"
import itertools, sys
import numpy as np
imgs = {tuple(np.repeat(np.array(r)[:, None], 4, 1).ravel()) for r in itertools.product([0, 1], repeat=4)}
imgs |= {tuple(np.repeat(np.array(r)[None, :], 4, 0).ravel()) for r in itertools.product([0, 1], repeat=4)}
V = np.array(sorted(imgs))
np.save(sys.argv[1] + "/f4.npy", V.astype(np.float32))
np.save(sys.argv[1] + "/f8.npy", V.astype(np.float64))
np.save(sys.argv[1] + "/u1.npy", V.astype(np.uint8))
np.save(sys.argv[1] + "/img.npy", V.reshape(-1, 4, 4).astype(np.float32))
EOF
bad=""
for f in f4 f8 u1 img; do
    e=$("$EBMC" eval specs/rbm_bas.ebm --params "$T/bas.st" --data "$T/$f.npy" --exact 2>&1 | sed -n 's/^exact_loglik: //p')
    [ "$e" = "$want" ] || bad="$bad $f:'$e'"
done
"$EBMC" train specs/rbm_bas.ebm --set "data=npy(\"$T/f4.npy\")" --set epochs=5 --out "$T/n.st" --quiet 2>"$T/err" || bad="$bad train:$(head -1 "$T/err")"
[ -z "$bad" ] && ok ".npy data from numpy round-trip (float32, float64, uint8, 3-d): eval and train read it" ||
    notok ".npy data from numpy round-trip" "want $want;$bad"
