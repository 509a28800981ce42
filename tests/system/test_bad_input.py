"""A Dom0 image the hypervisor cannot load ends the run promptly with a
hypervisor panic (exit 11) and a message that names the problem: no hang,
no silent reset."""
import re

import pytest

import bad_images
from sysrun import describe, serial_log

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


@pytest.mark.parametrize("image", ["not_an_elf", "elf_without_xen_notes"])
def test_bad_dom0_image_is_refused(boot, hv, tmp_path, image):
    path = tmp_path / f"{image}.bin"
    path.write_bytes(getattr(bad_images, image)())
    result = boot(hv, str(path), timeout=REFUSAL_TIMEOUT_S)
    assert result.code == 11, f"{hv} did not refuse {image} with a panic\n" + describe(result)
    pattern = EXPECTED[(hv, image)]
    said = [l for l in serial_log.hv_lines(result.output) if re.search(pattern, l)]
    assert said, (f"{hv} refused {image} without a log line matching {pattern!r}\n"
                  + describe(result))
