"""Is a PNG screenshot a real picture? Exit 0 when it is at least 320x240 and has enough distinct
colours to hold text and widgets (a blank or black window has one or two). Standard library only,
so the smoke test needs nothing from the app's environment."""

import struct
import sys
import zlib


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def pixels(path: str):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    if depth != 8 or interlace or colour_type not in (0, 2, 4, 6):
        raise ValueError(f"{path}: unsupported PNG layout (depth {depth}, colour type {colour_type})")
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    raw, stride = zlib.decompress(idat), width * bpp
    prev, rows = bytearray(stride), []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main(path: str, min_colours: int = 24) -> int:
    width, height, bpp, rows = pixels(path)
    colours = {row[i:i + bpp] for row in rows[::4] for i in range(0, len(row), bpp * 2)}
    print(f"{path}: {width}x{height}, {len(colours)} distinct colours")
    return 0 if width >= 320 and height >= 240 and len(colours) >= min_colours else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
