"""Fixtures for the system tests: boot a guest as Dom0 of Xenolith or of the
real Xen 4.17 under QEMU (TCG) and hand back the launcher's Result.

Runs are cached for the session, so the cross-check reuses the outputs of the
per-hypervisor tests instead of booting again.  Each console log is kept in
build/system-tests/ for reading after a failure.
"""
import os
import subprocess

import pytest

from sysrun import ROOT, launcher, missing_tool

LOG_DIR = os.path.join(ROOT, "build", "system-tests")
# Generous for TCG on a loaded 2-core machine (hello and selftest take a few
# seconds on Xen 4.17), yet short enough that a hypervisor hanging in every
# boot still lets CI finish well inside its 30 minutes.
BOOT_TIMEOUT_S = float(os.environ.get("XENOLITH_TEST_TIMEOUT", "90"))
HYPERVISORS = ("xenolith", "xen")


def _xen_image():
    """Return the Xen 4.17 image, fetching it once; None if it cannot be had."""
    image = launcher.HV_IMAGES["xen"]
    if not os.path.isfile(image):
        subprocess.run([os.path.join(ROOT, "tools", "fetch-xen.sh")], cwd=ROOT,
                       stdin=subprocess.DEVNULL)
    return image if os.path.isfile(image) else None


@pytest.fixture(scope="session")
def hv_image_ready():
    """Check a hypervisor's image once: Xenolith's must exist (a missing build
    is a failure, not a skip); Xen's is skipped only if fetch-xen.sh fails."""
    checked = {}

    def ready(hv):
        if hv not in checked:
            if hv == "xen":
                checked[hv] = _xen_image() is not None
            else:
                checked[hv] = os.path.isfile(launcher.HV_IMAGES[hv])
        if not checked[hv]:
            if hv == "xen":
                missing_tool("Xen 4.17 image .cache/xen/xen-4.17 missing and "
                            "tools/fetch-xen.sh could not produce it")
            pytest.fail(f"{launcher.HV_IMAGES[hv]} missing: run make")
    return ready


@pytest.fixture(params=HYPERVISORS)
def hv(request, hv_image_ready):
    """Each test taking `hv` runs once on Xenolith and once on Xen 4.17."""
    hv_image_ready(request.param)
    return request.param


@pytest.fixture(scope="session")
def boot(hv_image_ready):
    """boot(hv, guest_path, cmdline="", timeout=..., tag="", **options) -> Result.

    Memoized per (hv, guest, cmdline, options) for the session.  `tag` only
    names the log (build/system-tests/<hv>-<guest>[-<tag>].log), for guests
    booted with several command lines."""
    cache = {}
    os.makedirs(LOG_DIR, exist_ok=True)

    def run(hv, guest, cmdline="", timeout=BOOT_TIMEOUT_S, tag="", **options):
        hv_image_ready(hv)
        key = (hv, guest, cmdline, tuple(sorted(options.items())))
        if key not in cache:
            name = os.path.splitext(os.path.basename(guest))[0]
            mode = "-icount" if options.get("icount") else ""
            if tag:
                name += f"-{tag}"
            log = os.path.join(LOG_DIR, f"{hv}-{name}{mode}.log")
            cache[key] = launcher.run(guest, hv=hv, timeout=timeout, cmdline=cmdline,
                                      log=log, **options)
        return cache[key]
    return run
