"""A Dom0 image the hypervisor cannot load ends the run promptly with a
hypervisor panic (exit 11) and a message that names the problem: no hang,
no silent reset."""
import re

import pytest

import bad_images
from sysrun import describe, guest_path, serial_log

# Short: refusing an image takes the hypervisor seconds, not minutes.
REFUSAL_TIMEOUT_S = 60

# What each hypervisor's log must say about each image.  Xen's wording is
# Xen 4.17's; Xenolith must name the problem in its own words.
EXPECTED = {
    ("xen", "not_an_elf"): r"not an ELF binary",
    ("xen", "elf_without_xen_notes"): r"No ELF notes",
    ("xenolith", "not_an_elf"): r"(?i)\bELF\b",
    ("xenolith", "elf_without_xen_notes"): r"(?i)\bnotes?\b",
}


def expect_refusal(boot, hv, path, image, pattern):
    """Boot the image at `path`: a panic (exit 11) and a line matching `pattern`."""
    result = boot(hv, str(path), timeout=REFUSAL_TIMEOUT_S)
    assert result.code == 11, f"{hv} did not refuse {image} with a panic\n" + describe(result)
    said = [l for l in serial_log.hv_lines(result.output) if re.search(pattern, l)]
    assert said, (f"{hv} refused {image} without a log line matching {pattern!r}\n"
                  + describe(result))


@pytest.mark.parametrize("image", ["not_an_elf", "elf_without_xen_notes"])
def test_bad_dom0_image_is_refused(boot, hv, tmp_path, image):
    path = tmp_path / f"{image}.bin"
    path.write_bytes(getattr(bad_images, image)())
    expect_refusal(boot, hv, path, image, EXPECTED[(hv, image)])


# Broken compressed kernels (hello.elf wrapped as Linux wraps vmlinux).
# Xen 4.17 does not check payload_length against the module's size, so a
# truncated bzImage reaches its xz decoder; it decodes bzip2 too.
WRAPPED_EXPECTED = {
    ("xen", "corrupt_bzimage"): r"XZ-compressed data is corrupt",
    ("xen", "truncated_bzimage"): r"XZ-compressed data is corrupt",
    ("xen", "unknown_compression_bzimage"): r"not an ELF binary",
    ("xen", "bzip2_bzimage"): r"Could not construct domain 0",   # its decoder says nothing
    ("xen", "corrupt_zstd_bzimage"): r"ZSTD-compressed data is corrupt",
    ("xen", "oversized_bzimage"): r"Not enough memory to relocate the dom0 kernel image",
    ("xenolith", "corrupt_bzimage"): r"xz payload is corrupt: xz: ",
    ("xenolith", "truncated_bzimage"): r"payload lies outside the image",
    ("xenolith", "unknown_compression_bzimage"): r"neither ELF nor in a known compression",
    ("xenolith", "bzip2_bzimage"): r"compression is not supported",
    ("xenolith", "oversized_bzimage"): r"gzip payload unpacks to 3932160 KiB, more than the \d+ KiB free",
    ("xenolith", "corrupt_zstd_bzimage"): r"zstd payload is corrupt: zstd: ",
}


@pytest.mark.parametrize("image", ["corrupt_bzimage", "truncated_bzimage",
                                   "unknown_compression_bzimage", "bzip2_bzimage",
                                   "corrupt_zstd_bzimage", "oversized_bzimage"])
def test_bad_compressed_dom0_is_refused(boot, hv, tmp_path, image):
    with open(guest_path("hello"), "rb") as f:
        elf = f.read()
    path = tmp_path / f"{image}.bin"
    path.write_bytes(getattr(bad_images, image)(elf))
    expect_refusal(boot, hv, path, image, WRAPPED_EXPECTED[(hv, image)])
