#!/usr/bin/env python3
"""Write small valid Xen PV ELF images as libFuzzer seeds.

Usage: make_elf_seeds.py OUTDIR
Two shapes: a generic guest linked at 1 MiB (XTF-like) and a Linux-like
kernel with VIRT_BASE 0xffffffff80000000, notes in a PT_NOTE segment.
"""
import os
import struct
import sys

PT_LOAD, PT_NOTE = 1, 4


def note(ntype, desc):
    name = b"Xen\0"
    pad = (-len(desc)) % 4
    return struct.pack("<III", len(name), len(desc), ntype) + name + desc + b"\0" * pad


def s(text):
    return text.encode() + b"\0"


def q(value):
    return struct.pack("<Q", value)


def image(segs, notes, entry):
    """segs: (vaddr, paddr, data, memsz, flags); notes placed at 0x400."""
    blob = b"".join(notes)
    nph = len(segs) + 1
    data_off = 0x1000
    phdrs = b""
    body = b""
    for vaddr, paddr, data, memsz, flags in segs:
        off = data_off + len(body)
        phdrs += struct.pack("<IIQQQQQQ", PT_LOAD, flags, off, vaddr, paddr,
                             len(data), memsz, 0x1000)
        body += data + b"\0" * ((-len(data)) % 0x1000)
    phdrs += struct.pack("<IIQQQQQQ", PT_NOTE, 4, 0x400, 0, 0, len(blob), len(blob), 4)
    ehdr = b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9
    ehdr += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, entry, 64, 0, 0, 64, 56, nph, 64, 0, 0)
    out = bytearray(data_off)
    out[0:64] = ehdr
    out[64:64 + len(phdrs)] = phdrs
    out[0x400:0x400 + len(blob)] = blob
    return bytes(out) + body


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    generic = image(
        [(0x100000, 0x100000, b"\x90" * 0x2000, 0x2000, 5),
         (0x102000, 0x102000, b"\x11" * 0x100, 0x3000, 6)],
        [note(5, s("xen-3.0")), note(8, s("generic")), note(6, s("XTF")),
         note(2, q(0x101000)), note(10, s("!writable_page_tables|pae_pgdir_above_4gb"))],
        0x100040)
    linux = image(
        [(0xffffffff81000000, 0x1000000, b"\xcc" * 0x2000, 0x2000, 5),
         (0, 0x1002000, b"\x22" * 0x800, 0x1000, 6),
         (0xffffffff81003000, 0x1003000, b"\x33" * 0x400, 0x5000, 6)],
        [note(6, s("linux")), note(5, s("xen-3.0")), note(3, q(0xffffffff80000000)),
         note(4, q(0)), note(1, q(0xffffffff81000100)), note(2, q(0xffffffff81001000)),
         note(15, q(0x8000000000)), note(16, struct.pack("<I", 1)),
         note(17, struct.pack("<I", 0x801))],
        0xffffffff81000000)
    for name, blob in (("generic.elf", generic), ("linux.elf", linux)):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
