"""Compressed Dom0 kernels: hello.elf wrapped as Linux wraps vmlinux (a
bzImage whose payload is gzip, xz with the x86 BCJ filter, lz4's legacy
frame or zstd, the last three with the size appended), and as a bare gzip ELF, boots and prints exactly what the plain
ELF prints, on Xenolith and on Xen 4.17."""
import pytest

import bad_images
from sysrun import HELLO_CMDLINE, describe, guest_path, serial_log

FORMS = {
    "bzimage-gzip": lambda elf: bad_images.bzimage(bad_images.compress(elf, "gzip")),
    "bzimage-xz": lambda elf: bad_images.bzimage(bad_images.compress(elf, "xz")),
    "bzimage-lz4": lambda elf: bad_images.bzimage(bad_images.compress(elf, "lz4")),
    "bzimage-zstd": lambda elf: bad_images.bzimage(bad_images.compress(elf, "zstd")),
    "gzip-elf": lambda elf: bad_images.compress(elf, "gzip"),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_compressed_hello_prints_what_the_elf_prints(boot, hv, tmp_path_factory, form):
    elf_path = guest_path("hello")
    with open(elf_path, "rb") as f:
        elf = f.read()
    path = tmp_path_factory.mktemp(form) / f"hello-{form}.bin"
    path.write_bytes(FORMS[form](elf))
    plain = boot(hv, elf_path, HELLO_CMDLINE)
    packed = boot(hv, str(path), HELLO_CMDLINE, tag=form)
    assert packed.code == 0, f"{form} hello on {hv} did not power off\n" + describe(packed)
    assert serial_log.guest_lines(packed.output) == serial_log.guest_lines(plain.output), \
        f"{form} hello on {hv} printed something else than the ELF\n" + describe(packed)
