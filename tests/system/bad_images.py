"""Hostile Dom0 images for the bad-input tests, made here rather than taken
from the host so that their content is known exactly."""
import struct

ET_EXEC, EM_X86_64, PT_LOAD = 2, 62, 1
LOAD_VADDR = 0x100000


def not_an_elf() -> bytes:
    """Text that is no ELF at all: a loader must stop at the magic."""
    return b"This file is not an ELF image.\n" * 128


def elf_without_xen_notes() -> bytes:
    """A valid x86-64 ELF executable with one PT_LOAD segment (an endless
    loop) and no PT_NOTE / __xen_guest section: nothing tells the loader it
    is a Xen PV kernel."""
    ehsize, phentsize = 64, 56
    code_off = ehsize + phentsize
    code = b"\xeb\xfe"                       # jmp . (never reached)
    entry = LOAD_VADDR + code_off
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)  # 64-bit, little endian, v1
    header = ident + struct.pack("<HHIQQQIHHHHHH", ET_EXEC, EM_X86_64, 1, entry,
                                 ehsize, 0, 0, ehsize, phentsize, 1, 0, 0, 0)
    size = code_off + len(code)
    phdr = struct.pack("<IIQQQQQQ", PT_LOAD, 5, 0, LOAD_VADDR, LOAD_VADDR, size, size,
                       0x1000)
    return header + phdr + code


# ---- bzImage wrappers (x86 boot protocol 2.15 header, as Linux 6.1 writes) ----

def bzimage(payload: bytes, version: int = 0x20F, setup_sects: int = 4) -> bytes:
    """A minimal bzImage around `payload`: boot sector and setup sectors
    holding only the fields a PV loader reads ("HdrS", version, setup_sects,
    payload_offset/length), then the payload."""
    setup = bytearray((setup_sects + 1) * 512)
    setup[0x1F1] = setup_sects
    setup[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", setup, 0x206, version)
    struct.pack_into("<II", setup, 0x248, 0, len(payload))
    return bytes(setup) + payload


def compress(data: bytes, how: str) -> bytes:
    """Compress as Linux's build does: gzip -9 (whose trailer ends with the
    size), xz with the x86 BCJ filter and CRC-32, lz4's legacy frame, or
    zstd -22, the last three with the size appended."""
    import subprocess
    if how == "gzip":
        return subprocess.run(["gzip", "-9", "-n", "-c"], input=data, check=True,
                              capture_output=True).stdout
    if how == "xz":
        out = subprocess.run(["xz", "--check=crc32", "--x86", "--lzma2=dict=32MiB", "-c"],
                             input=data, check=True, capture_output=True).stdout
        return out + struct.pack("<I", len(data))
    if how == "zstd":
        out = subprocess.run(["zstd", "-q", "--ultra", "-22", "-c"], input=data, check=True,
                             capture_output=True).stdout
        return out + struct.pack("<I", len(data))
    if how == "lz4":
        out = subprocess.run(["lz4", "-l", "-9", "-c"], input=data, check=True,
                             capture_output=True).stdout
        return out + struct.pack("<I", len(data))
    raise ValueError(how)


def corrupt_bzimage(elf: bytes) -> bytes:
    """An xz bzImage with one byte of its compressed data changed."""
    z = bytearray(compress(elf, "xz"))
    z[len(z) // 2] ^= 0x55
    return bzimage(bytes(z))


def truncated_bzimage(elf: bytes) -> bytes:
    """An xz bzImage cut in half: the header's payload_length points past the end."""
    img = bzimage(compress(elf, "xz"))
    return img[: len(img) // 2]


def unknown_compression_bzimage(elf: bytes) -> bytes:
    """A bzImage whose payload starts with no known magic."""
    return bzimage(b"\x00\x11\x22\x33" + compress(elf, "gzip")[4:])


def bzip2_bzimage(elf: bytes) -> bytes:
    """A bzImage with a (broken) bzip2 payload: a format Xen decodes and we do not."""
    return bzimage(b"BZh9" + bytes(60) + struct.pack("<I", len(elf)))


def corrupt_zstd_bzimage(elf: bytes) -> bytes:
    """A zstd bzImage with one byte of its compressed data changed."""
    z = bytearray(compress(elf, "zstd"))
    z[len(z) // 2] ^= 0x55
    return bzimage(bytes(z))


def oversized_bzimage(elf: bytes) -> bytes:
    """A gzip bzImage whose trailing size (gzip's ISIZE) claims 3.75 GiB: more
    than the machine has, so there is nowhere to unpack it."""
    z = bytearray(compress(elf, "gzip"))
    struct.pack_into("<I", z, len(z) - 4, 0xF0000000)
    return bzimage(bytes(z))
