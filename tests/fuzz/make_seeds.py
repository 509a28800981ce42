#!/usr/bin/env python3
"""Write starting inputs for one libFuzzer harness of mk/fuzz.mk.

usage: make_seeds.py TARGET DIR     (TARGET: pt-types, cmdline, boot-layout, evtchn-2l,
                                     evtchn-fifo)

The seeds only spare the fuzzer the first minutes of finding the input
formats (each harness's header comment describes its format); the
harnesses do not depend on them.
"""
import os
import struct
import sys


# ---- pt-types: programs for tests/fuzz/fuzz_pt_types.c ----------------------------
# opcodes (byte % 9): 0-2 update, 3 pin, 4 unpin, 5 root, 6 getput, 7 give, 8 adopt
P, RW = 0x001, 0x002
A, B = 0, 1                       # domain bytes (even: domain 1, odd: domain 2)


def update(dom, table, index, target, flags, ad=0):
    return (bytes([0, dom, table]) + struct.pack("<H", index) +
            bytes([0, target]) + struct.pack("<H", flags) + bytes([ad]))


def pin(dom, frame, level):
    return bytes([3, dom, frame, level - 1])


def unpin(dom, frame):
    return bytes([4, dom, frame])


def root(dom, which, frame):
    return bytes([5, dom | (which << 1), frame])


def getput(dom, frame, type_, with_type=True):
    return bytes([6, dom, frame, type_ | (8 if with_type else 0)])


def give(frame, to):
    return bytes([7, frame, to])


def adopt(dom, frame):
    return bytes([8, dom, frame])


def tree(dom, l4, l3, l2, l1, data):
    """Fill four frames with plain stores, then pin the L4 and make it the root."""
    return (update(dom, l1, 0, data, P | RW) + update(dom, l1, 1, data + 4, P) +
            update(dom, l2, 0, l1, P | RW) + update(dom, l3, 0, l2, P | RW) +
            update(dom, l4, 0, l3, P | RW) + pin(dom, l4, 4) + root(dom, 0, l4))


def pt_seeds():
    a = tree(A, 12, 13, 14, 16, 15)
    b = tree(B, 56, 57, 58, 60, 59)
    return {
        "tree-a": bytes([0]) + a,
        "tree-both": bytes([0]) + a + b,
        "tree-edit": bytes([0]) + a + update(A, 16, 2, 19, P | RW) + update(A, 14, 1, 14, P) +
                     update(A, 16, 0, 0, 0) + pin(A, 16, 1) + unpin(A, 12) + root(A, 0, 0),
        "tree-refused": bytes([3]) + a + update(A, 16, 3, 60, P) + update(A, 16, 4, 13, P | RW) +
                        update(A, 12, 256, 13, P) + pin(A, 14, 3) + getput(A, 13, 0x10),
        "adopt": bytes([1]) + update(B, 61, 0, 62, P) + update(B, 62, 0, 63, P) +
                 update(B, 63, 0, 64, P) + update(B, 64, 0, 8, P) + adopt(B, 61) +
                 update(B, 64, 0, 65, P | RW) + adopt(B, 61) + root(B, 1, 61) + unpin(B, 61),
        "give": bytes([0]) + give(100, 0) + update(A, 100, 0, 15, P) + pin(A, 100, 1) +
                unpin(A, 100) + give(100, 1),
    }


# ---- cmdline: "key\0line" --------------------------------------------------------
def cmdline_seeds():
    lines = [
        b"dom0_mem\0dom0_mem=64M console=com1 noreboot loglvl=all",
        b"noreboot\0no-noreboot noreboot=off  noreboot=maybe\tnoreboot=",
        b"x\0x=0x10 x=010 x=99999999999999999999 x=1G x=0xfT x=",
        b"console\0console=vga,com1 console",
    ]
    return {"line%d" % i: s for i, s in enumerate(lines)}


# ---- boot-layout: flag byte + six little-endian words ---------------------------
def boot_seed(flags, *words):
    words = list(words) + [0] * (6 - len(words))
    return bytes([flags]) + b"".join(struct.pack("<Q", w & (2**64 - 1)) for w in words)


def boot_layout_seeds():
    linux_base, linux_k = 0xffffffff80000000, 0xffffffff81000000
    return {
        "domu-small": boot_seed(0x80, 0, 0x200000, 0x230000, 0, 8192),
        "dom0-small": boot_seed(0x81, 0, 0x200000, 0x230000, 0, 8192),
        "domu-linux": boot_seed(0x80, linux_base, linux_k, linux_k + (30 << 20), 8 << 20,
                                1 << 18),
        "dom0-linux-unmapped": boot_seed(0x83, linux_base, linux_k, linux_k + (30 << 20),
                                         8 << 20, 1 << 18),
        "domu-init-p2m": boot_seed(0x84, linux_base, linux_k, linux_k + (30 << 20), 0,
                                   1 << 18, 0xffffc90000000000),
        "shaped": boot_seed(0x08, 0x7fff80000000, 0x1000000, 0x2000000, 0x100000, 0x40000,
                            0x100000000),
    }


# ---- evtchn-2l: opcodes (byte % 9) 0 set, 1 clear, 2 mask, 3 unmask, 4 query,
# 5 guest write, 6 scan step, 7 upcall, 8 burst --------------------------------
def port_op(op, port):
    return bytes([op]) + struct.pack("<H", port)


# ---- evtchn-fifo: opcodes (byte % 10) 0 raise, 1 mask, 2 unmask, 3 clear, 4 priority,
# 5 next, 6 drain, 7-9 scribble word/head/ready; port is 2 bytes, big-endian -------
def fifo_op(op, port, extra=b""):
    return bytes([op]) + struct.pack(">H", port) + extra


def fifo_seeds():
    prios = b"".join(fifo_op(4, p, bytes([q])) for p, q in ((10, 9), (11, 2), (12, 7)))
    raise_some = b"".join(fifo_op(0, p) for p in (10, 11, 12, 1500, 7))
    return {
        "priorities-drain": prios + raise_some + fifo_op(6, 0),
        "mask-unmask": fifo_op(1, 5) + fifo_op(0, 5) + fifo_op(5, 0) + fifo_op(2, 5) +
                       fifo_op(5, 0),
        "close-linked": raise_some + fifo_op(3, 11) + fifo_op(6, 0) + raise_some,
        "no-word": fifo_op(0, 0xfffb) + fifo_op(6, 0),
        "scribble": raise_some + fifo_op(7, 10, struct.pack(">I", 0xa0000000 | 10)) +
                    fifo_op(8, 7, struct.pack(">I", 12)) + fifo_op(6, 0),
    }


def evtchn_seeds():
    raise_some = b"".join(port_op(0, p) for p in (3, 64, 65, 4095, 200))
    return {
        "raise-upcall": raise_some + bytes([7, 0, 0]),
        "mask-unmask": port_op(2, 3) + port_op(0, 3) + port_op(3, 3) + port_op(4, 3) +
                       bytes([7, 0x10, 0]),
        "scan": raise_some + bytes([6]) + struct.pack("<QI", 2**64 - 1, 100),
        "guest-write": bytes([5, 0x81]) + struct.pack("<Q", 0xf0f0) + bytes([5, 1]) +
                       struct.pack("<Q", 0xffff) + bytes([5, 0x40]) + struct.pack("<Q", 2) +
                       bytes([7, 0, 0]),
        "burst": bytes([8]) + struct.pack("<H", 5) + bytes([200, 7, 0, 0]),
    }


def _compressed(cmd, trailer):
    """Small gzip/xz files made by the host's own tools: text, random, x86-ish code."""
    import random
    import subprocess
    rnd = random.Random(5)
    inputs = {
        "text": b"the page table of the domain maps the grant table\n" * 40,
        "random": bytes(rnd.randrange(256) for _ in range(3000)),
        "code": b"\x55\x48\x89\xe5\xe8\x10\x20\x00\x00\xe9\xf0\xff\xff\xff" * 100,
        "empty": b"",
    }
    seeds = {}
    for name, data in inputs.items():
        out = subprocess.run(cmd, input=data, capture_output=True, check=True).stdout
        seeds[name] = out + (struct.pack("<I", len(data)) if trailer else b"")
    return seeds


def gunzip_seeds():
    return _compressed(["gzip", "-9", "-n", "-c"], False)


def unxz_seeds():
    seeds = _compressed(["xz", "--check=crc32", "--x86", "--lzma2", "-c"], True)
    seeds.update({f"crc64-{k}": v for k, v in
                  _compressed(["xz", "-c"], True).items()})
    return seeds


def unlz4_seeds():
    return _compressed(["lz4", "-l", "-9", "-c"], True)


def unzstd_seeds():
    seeds = _compressed(["zstd", "-q", "--ultra", "-22", "-c"], True)
    seeds.update({f"fast-{k}": v for k, v in
                  _compressed(["zstd", "-q", "-1", "--no-check", "-c"], True).items()})
    return seeds


def xl_cfg_seeds():
    return {
        "good": b'name = "a"\nkernel = "k.elf"\nmemory = 16\nextra = "x=1"\n',
        "list": b"name='b'; kernel='k'\ndisk = [ 'a', 'b',\n ]\n# c\n",
        "bad": b'name = "a"\nmemory = "lots"\n',
        "cpio": b"070701" + b"00000000" * 6 + b"00000005" + b"00000000" * 4 + b"00000006"
                + b"00000000" + b"a.cfg\0" + b"hello\0\0\0",
    }


SEEDS = {
    "xl-cfg": xl_cfg_seeds,
    "gunzip": gunzip_seeds,
    "unzstd": unzstd_seeds,
    "unlz4": unlz4_seeds,
    "unxz": unxz_seeds,
    "pt-types": pt_seeds,
    "cmdline": cmdline_seeds,
    "boot-layout": boot_layout_seeds,
    "evtchn-2l": evtchn_seeds,
    "evtchn-fifo": fifo_seeds,
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SEEDS:
        sys.exit(__doc__)
    os.makedirs(sys.argv[2], exist_ok=True)
    for name, data in SEEDS[sys.argv[1]]().items():
        with open(os.path.join(sys.argv[2], name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
