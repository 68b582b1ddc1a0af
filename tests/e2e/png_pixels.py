"""png_pixels.py FILE [X Y]... — a PNG's pixels read back with the standard
library alone (zlib; 8-bit greyscale or RGB, not interlaced), for the
picture checks of tests/e2e/pictures.sh. Prints "W H", the number of
distinct pixel values, then the value at each X Y asked for."""
import struct
import sys
import zlib


def read(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (0, 2) and interlace == 0, "only 8-bit grey or RGB"
            ch = 1 if ctype == 0 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * ch, [], bytearray(w * ch)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - ch] if i >= ch else 0
            b, c = prev[i], prev[i - ch] if i >= ch else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * ch:(x + 1) * ch]) for x in range(w)])
        prev = line
    return w, h, rows


if __name__ == "__main__":
    w, h, rows = read(sys.argv[1])
    print(w, h)
    print(len({p for r in rows for p in r}))
    for x, y in zip(sys.argv[2::2], sys.argv[3::2]):
        print(*rows[int(y)][int(x)])
