# st_extract.py IN OUT PREFIX — the tensors of IN named PREFIX<name>, written
# to OUT as <name>: one part of a stack checkpoint as a model's own, by the
# safetensors format alone (stdlib only), to check ebmc's reading of parts.
import json, struct, sys

src, dst, prefix = sys.argv[1:4]
raw = open(src, "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8:8 + n])
body = raw[8 + n:]
out, blobs, at = {}, [], 0
for name, t in header.items():
    if name == "__metadata__" or not name.startswith(prefix):
        continue
    lo, hi = t["data_offsets"]
    blobs.append(body[lo:hi])
    out[name[len(prefix):]] = {"dtype": t["dtype"], "shape": t["shape"], "data_offsets": [at, at + hi - lo]}
    at += hi - lo
text = json.dumps(out).encode()
text += b" " * (-len(text) % 8)
with open(dst, "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
