"""A smaller ICU data library for the Linux bundle: the same libicudata.so.NN, with only the items
Qt can reach in this app.

PySide6's Qt Core links ICU, whose data library (libicudata.so.73, 31 MB) holds every locale,
collation, converter, break dictionary and transliterator. Qt uses ICU only for collation
(QCollator), case mapping with a locale, time-zone names and non-Unicode codecs; the app runs in
English and Simplified Chinese. This keeps every item that is not tied to a language (normalisation,
properties, time zones, likely subtags, plural rules, converter aliases, ...) and, in each locale
tree, the root, English and Chinese resources with their indexes; it drops the other languages,
the break-iterator dictionaries and rules (Qt breaks text itself), transliteration rules, spelled-out
number rules and the legacy code-page tables (the app reads and writes Unicode only).

Nothing here patches ICU's code: the common data package is re-packed item for item (its format:
a data header, a table of contents of name and data offsets, then the items, 16-byte aligned) and
linked as a shared library exporting the same symbol, which libicuuc resolves by name.

Usage: python icu_subset.py IN_LIB OUT_LIB [--list]   (needs a C compiler driver: cc, gcc or clang)
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

# Locale trees: only these languages' items (and root, pool and the index) are kept.
KEEP_LANG = re.compile(r"^(root|en|en_[A-Za-z0-9_]+|zh|zh_[A-Za-z0-9_]+|pool|res_index)\.res$")
LOCALE_TREES = ("", "coll/", "curr/", "lang/", "region/", "unit/", "zone/", "rbnf/")
# Whole groups Qt never opens in this app.
DROP_DIRS = ("brkitr/", "translit/", "rbnf/")


def elf_symbol_bytes(path: str, symbol: str) -> tuple[bytes, str]:
    """The bytes of a defined dynamic data symbol, and its name (found by its prefix)."""
    out = subprocess.run(["nm", "-D", "-S", "--defined-only", path], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3].startswith(symbol):
            address, size, name = int(parts[0], 16), int(parts[1], 16), parts[3]
            break
    else:
        raise SystemExit(f"icu_subset: no {symbol}* symbol in {path}")
    data = open(path, "rb").read()
    # Section headers map the symbol's address to a file offset.
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    for i in range(e_shnum):
        base = e_shoff + i * e_shentsize
        sh_type, = struct.unpack_from("<I", data, base + 4)
        sh_addr, sh_offset, sh_size = struct.unpack_from("<QQQ", data, base + 16)
        if sh_type == 1 and sh_addr <= address < sh_addr + sh_size:  # PROGBITS holding it
            start = sh_offset + address - sh_addr
            return data[start:start + size], name
    raise SystemExit(f"icu_subset: {name} is in no section of {path}")


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The common-data header and its (name, item bytes) list, in table-of-contents order."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD" or blob[8] != 0:
        raise SystemExit("icu_subset: not a little-endian ICU common data package")
    toc = header_size
    count, = struct.unpack_from("<I", blob, toc)
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_off, data_off) in enumerate(entries):
        name = blob[toc + name_off:blob.index(b"\0", toc + name_off)].decode("ascii")
        end = entries[i + 1][1] if i + 1 < count else len(blob) - toc
        items.append((name, blob[toc + data_off:toc + end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """The inverse of read_package: names after the table, then each item on a 16-byte boundary."""
    count = len(items)
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    table_size = 4 + 8 * count
    first_data = table_size + len(names)
    first_data += (-(len(header) + first_data)) % 16
    toc = bytearray(struct.pack("<I", count))
    body = bytearray()
    name_off = table_size
    for name, data in items:
        toc += struct.pack("<II", name_off, first_data + len(body))
        name_off += len(name) + 1
        body += data
        body += b"\0" * ((-len(body)) % 16)
    pad = b"\0" * (first_data - table_size - len(names))
    return header + bytes(toc) + names + pad + bytes(body)


def keep(name: str) -> bool:
    path = name.split("/", 1)[1]  # without the icudtNNl/ prefix
    if path.startswith(DROP_DIRS) or path.endswith(".cnv"):
        return False
    for tree in LOCALE_TREES:
        rest = path[len(tree):] if path.startswith(tree) else None
        if rest is not None and "/" not in rest and rest.endswith(".res"):
            if tree == "" and not re.match(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*\.res$", rest):
                return True  # top-level data that is not a locale (supplementalData.res, ...)
            return bool(KEEP_LANG.match(rest))
    return True


def build_library(package: bytes, symbol: str, soname: str, out_lib: str) -> None:
    compiler = next((c for c in ("cc", "gcc", "clang") if shutil.which(c)), None)
    if compiler is None:
        raise SystemExit("icu_subset: no C compiler driver (cc, gcc or clang) to link the library")
    with tempfile.TemporaryDirectory() as tmp:
        dat = os.path.join(tmp, "icudata.dat")
        with open(dat, "wb") as fh:
            fh.write(package)
        asm = os.path.join(tmp, "icudata.S")
        with open(asm, "w") as fh:
            fh.write(f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n'
                     f'{symbol}:\n\t.incbin "{dat}"\n\t.size {symbol}, . - {symbol}\n'
                     '\t.section .note.GNU-stack,"",@progbits\n')
        subprocess.run([compiler, "-shared", "-nostdlib", "-Wl,-soname," + soname, "-o", out_lib, asm],
                       check=True)


def main(argv: list[str]) -> int:
    in_lib, out_lib = argv[1], argv[2]
    blob, symbol = elf_symbol_bytes(in_lib, "icudt")
    header, items = read_package(blob)
    kept = [(n, d) for n, d in items if keep(n)]
    if "--list" in argv:
        for name, data in items:
            print(f"{'keep' if keep(name) else 'drop'} {len(data):9d} {name}")
    package = write_package(header, kept)
    assert read_package(package)[1] == kept, "re-packed data does not read back"
    build_library(package, symbol, os.path.basename(in_lib), out_lib)
    print(f"icu_subset: {symbol}: kept {len(kept)} of {len(items)} items, "
          f"{len(blob) / 1e6:.1f} MB -> {len(package) / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
