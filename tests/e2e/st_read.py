# st_read.py — the float32 tensors of a safetensors file, by the format alone
# (stdlib only): `python3 st_read.py F` prints one line per tensor, its name
# and its values (repr of each float32), for tests that compare checkpoints
# tensor by tensor; `import st_read; st_read.load(F)` gives {name: [floats]}.
import json, struct, sys


def load(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        lo, hi = t["data_offsets"]
        out[name] = list(struct.unpack("<%df" % ((hi - lo) // 4), body[lo:hi]))
    return out


if __name__ == "__main__":
    for name, vals in sorted(load(sys.argv[1]).items()):
        print(name, " ".join(repr(v) for v in vals))
