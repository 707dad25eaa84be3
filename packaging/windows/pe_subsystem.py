#!/usr/bin/env python3
"""Sets the Windows subsystem of a PE file: 2 = window program (no console), 3 = console.

One build serves both: ewarong.exe stays a console program for the command line, and a copy
marked as a window program starts the counter from the Start menu without a console window.
The field is the 16-bit Subsystem of the PE optional header (PE/COFF specification, "Optional
Header Windows-Specific Fields"), at offset 68 of the optional header for PE32+.
Usage: pe_subsystem.py IN OUT gui|console
"""
import struct
import sys


def main() -> None:
    src, dst, kind = sys.argv[1], sys.argv[2], sys.argv[3]
    value = {"gui": 2, "console": 3}[kind]
    data = bytearray(open(src, "rb").read())
    if data[:2] != b"MZ":
        sys.exit(f"{src}: not a PE file (no MZ header)")
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        sys.exit(f"{src}: no PE signature at {pe:#x}")
    optional = pe + 24
    magic = struct.unpack_from("<H", data, optional)[0]
    if magic != 0x20B:
        sys.exit(f"{src}: not PE32+ (magic {magic:#x})")
    struct.pack_into("<H", data, optional + 68, value)
    open(dst, "wb").write(data)


if __name__ == "__main__":
    main()
