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
