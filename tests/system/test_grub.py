"""Booting through a real boot loader: GRUB 2 (BIOS, from a CD image made
by tools/make-grub-iso.sh) loads the hypervisor with `multiboot2`/`module2`
(or `multiboot`/`module`) and hello as Dom0.  QEMU's -kernel only ever
speaks Multiboot 1, so this is the test of Xenolith's Multiboot 2 entry.

Skipped when grub-mkrescue is not installed (tools/setup-debian.sh adds it).
"""
import os
import shutil
import subprocess

import pytest

from conftest import BOOT_TIMEOUT_S, LOG_DIR
from sysrun import HELLO_CMDLINE, ROOT, describe, guest_path, launcher, missing_tool, serial_log

MAKE_ISO = os.path.join(ROOT, "tools", "make-grub-iso.sh")
LOADERS = ("multiboot2", "multiboot1")


@pytest.fixture(scope="session")
def grub_iso(tmp_path_factory):
    """grub_iso(hv, loader) -> path of a GRUB ISO booting hv with hello."""
    if shutil.which("grub-mkrescue") is None:
        missing_tool("grub-mkrescue is not installed (tools/setup-debian.sh installs "
                    "grub-common, grub-pc-bin, xorriso and mtools)")
    made = {}
    where = tmp_path_factory.mktemp("grub")

    def make(hv, loader):
        if (hv, loader) not in made:
            iso = str(where / f"{hv}-{loader}.iso")
            cmd = [MAKE_ISO]
            if loader == "multiboot1":
                cmd.append("--multiboot1")
            if hv != "xenolith":
                cmd += ["--hv-cmdline", launcher.default_hv_cmdline(hv, 32, 1)]
            cmd += [iso, launcher.HV_IMAGES[hv], guest_path("hello"), HELLO_CMDLINE]
            done = subprocess.run(cmd, capture_output=True, text=True)
            assert done.returncode == 0, \
                f"make-grub-iso.sh failed ({done.returncode}):\n{done.stderr}"
            made[(hv, loader)] = iso
        return made[(hv, loader)]
    return make


@pytest.fixture(scope="session")
def grub_boot(grub_iso):
    """grub_boot(hv, loader) -> Result of booting the ISO (once per session)."""
    runs = {}
    os.makedirs(LOG_DIR, exist_ok=True)

    def run(hv, loader):
        if (hv, loader) not in runs:
            log = os.path.join(LOG_DIR, f"{hv}-grub-{loader}.log")
            runs[(hv, loader)] = launcher.run(None, hv=hv, iso=grub_iso(hv, loader),
                                              timeout=BOOT_TIMEOUT_S, log=log)
        return runs[(hv, loader)]
    return run


@pytest.mark.parametrize("loader", LOADERS)
def test_grub_hello_powers_off(grub_boot, hv, loader):
    result = grub_boot(hv, loader)
    assert result.code == 0, f"hello via GRUB {loader} on {hv} did not power off\n" \
        + describe(result)
    assert "Hello from Xenolith domain 0" in serial_log.guest_lines(result.output), \
        f"no greeting from hello via GRUB {loader} on {hv}\n" + describe(result)


@pytest.mark.parametrize("loader", LOADERS)
def test_grub_xenolith_names_its_loader(grub_boot, loader):
    result = grub_boot("xenolith", loader)
    said = [l for l in serial_log.hv_lines(result.output) if f"booted by {loader}" in l]
    assert said, f"Xenolith via GRUB {loader} does not say 'booted by {loader}'\n" \
        + describe(result)


@pytest.mark.parametrize("loader", LOADERS)
def test_grub_dom0_gets_its_cmdline(grub_boot, hv, loader, request):
    """GRUB 2, unlike QEMU and GRUB legacy, does not put the file name in
    front of a module's command line; Xen 4.17 knows this from the boot
    loader name ("GRUB 2.x") and keeps Dom0's command line whole."""
    result = grub_boot(hv, loader)
    lines = serial_log.guest_lines(result.output)
    assert f"start_info: cmd_line={HELLO_CMDLINE}" in lines, \
        f"hello via GRUB {loader} on {hv} did not see {HELLO_CMDLINE!r}\n" + describe(result)


def test_launcher_iso_replaces_direct_boot():
    # No QEMU needed: the command line the launcher would run.
    cmd = launcher.build_command(None, iso="/tmp/x.iso")
    assert cmd[cmd.index("-cdrom") + 1] == "/tmp/x.iso"
    assert cmd[cmd.index("-boot") + 1] == "d"
    assert "-kernel" not in cmd and "-initrd" not in cmd


def test_launcher_run_needs_guest_or_iso():
    assert launcher.main(["run"]) == launcher.EXIT_USAGE
