"""Debian 12's stock Linux 6.1 kernel (a bzImage, xz payload) as Domain 0,
with a small busybox initramfs (tools/fetch-linux.sh, tools/linux-init.sh).

On Xen 4.17 it boots and its /init prints every expected line, then powers
off through ACPI (Xen enters S5). On Xenolith the same bzImage must be
accepted, decompressed and built into Dom0, and Linux must get as far as on
Xen: every /init line, then the poweroff."""
import os
import re
import subprocess

import pytest

from sysrun import ROOT, describe, serial_log

LINUX_DIR = os.path.join(ROOT, ".cache", "linux")
KERNEL = os.path.join(LINUX_DIR, "vmlinuz")
INITRD = os.path.join(LINUX_DIR, "initrd.cpio")
CMDLINE = "console=hvc0 earlyprintk=xen loglevel=4"
MEM_MIB = 1024
MACHINE_MIB = 1536
# Linux under TCG: about 20 s on Xen 4.17 on a quiet machine; generous for a
# loaded one, still far inside the CI budget.
LINUX_TIMEOUT_S = 150

EXPECTED = [
    r"LINUX: init started",
    r"LINUX: uname 6\.1\.\d+-\d+-amd64",
    r"LINUX: memtotal \d+ kB",
    r"LINUX: cpus 1",
    r"LINUX: interrupts begin",
    r"LINUX: interrupts end",
    r"LINUX: fork-exec status 7",
    r"LINUX: pipe 11",
    r"LINUX: tmpfs tmpfs-content",
    r"LINUX: done",
]


@pytest.fixture(scope="module")
def linux_image():
    """The kernel and initramfs, fetched once and cached in .cache/linux."""
    rc = subprocess.run([os.path.join(ROOT, "tools", "fetch-linux.sh")], cwd=ROOT,
                        stdin=subprocess.DEVNULL).returncode
    if rc != 0 or not (os.path.isfile(KERNEL) and os.path.isfile(INITRD)):
        pytest.skip("tools/fetch-linux.sh could not fetch Debian's kernel and busybox")
    return KERNEL, INITRD


def boot_linux(boot, hv, image):
    kernel, initrd = image
    return boot(hv, kernel, CMDLINE, tag="linux", initrd=initrd, mem_mib=MEM_MIB,
                machine_mem_mib=MACHINE_MIB, timeout=LINUX_TIMEOUT_S)


def check_init_lines(result, hv):
    lines = serial_log.guest_lines(result.output)
    for pattern in EXPECTED + [rf"LINUX: hypervisor xen"]:
        assert any(re.fullmatch(pattern, l) for l in lines), \
            f"Linux on {hv} did not print {pattern!r}\n" + describe(result, tail=60)
    mem = [int(m.group(1)) for l in lines for m in [re.fullmatch(r"LINUX: memtotal (\d+) kB", l)]
           if m]
    assert mem and 800_000 < mem[0] <= MEM_MIB * 1024, describe(result)
    assert result.code == 0, f"Linux on {hv} did not power off\n" + describe(result)


def test_linux_dom0_on_xen(boot, hv_image_ready, linux_image):
    """The reference: Xen 4.17 boots Debian's kernel as Dom0 to the end."""
    hv_image_ready("xen")
    check_init_lines(boot_linux(boot, "xen", linux_image), "xen")


def test_linux_bzimage_accepted_by_xenolith(boot, linux_image):
    """Xenolith unpacks the xz bzImage and builds Dom0 from it (the INIT_P2M
    list at 0x8000000000 included), then starts it."""
    result = boot_linux(boot, "xenolith", linux_image)
    hv = serial_log.hv_lines(result.output)
    for pattern in (r"d0: bzImage kernel, xz payload of \d+ KiB unpacks to \d+ KiB",
                    r"dom0: linux kernel, entry 0xffffffff8[0-9a-f]+",
                    r"dom0: P2M list at 0x8000000000-0x8000200000 \(INIT_P2M\)",
                    r"starting Domain 0"):
        assert any(re.search(pattern, l) for l in hv), \
            f"no hypervisor line matching {pattern!r}\n" + describe(result, tail=60)
    # How far Linux got, for the record (shown with -rA or on failure).
    guest = serial_log.guest_lines(result.output)
    print(f"Linux on Xenolith: outcome exit {result.code} ({result.reason}); "
          f"{len(guest)} console lines; last ones:")
    for line in guest[-15:]:
        print("   ", line)
    for line in hv:
        if re.search(r"crash|unhandled|rip |vector ", line):
            print("   ", line)


def test_linux_dom0_on_xenolith(boot, linux_image):
    """Xenolith boots the same kernel to its last line (docs/linux-dom0.md)."""
    check_init_lines(boot_linux(boot, "xenolith", linux_image), "xenolith")
