"""Debian 12's stock Linux 6.1 kernel (a bzImage, xz payload) as Domain 0,
with a small busybox initramfs (tools/fetch-linux.sh, tools/linux-init.sh).

On Xen 4.17 it boots and its /init prints every expected line, then powers
off through ACPI (Xen enters S5). On Xenolith the same bzImage must be
accepted, decompressed and built into Dom0, and Linux must get as far as on
Xen: every /init line, then the poweroff."""
import collections
import os
import re
import subprocess

import pytest

from sysrun import ROOT, describe, launcher, missing_tool, serial_log

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
    r"LINUX: touched 256 MiB",
    r"LINUX: done",
]


@pytest.fixture(scope="module")
def linux_image():
    """The kernel and initramfs, fetched once and cached in .cache/linux."""
    rc = subprocess.run([os.path.join(ROOT, "tools", "fetch-linux.sh")], cwd=ROOT,
                        stdin=subprocess.DEVNULL).returncode
    if rc != 0 or not (os.path.isfile(KERNEL) and os.path.isfile(INITRD)):
        missing_tool("tools/fetch-linux.sh could not fetch Debian's kernel and busybox")
    return KERNEL, INITRD


def boot_linux(boot, hv, image):
    kernel, initrd = image
    options = {}
    if hv == "xenolith":
        # Every refused hypercall gets a log line (test_linux_dom0_refusals_on_xenolith).
        options["hv_cmdline"] = (launcher.default_hv_cmdline(hv, MEM_MIB, 1) +
                                 " hypercall_trace=errors")
    return boot(hv, kernel, CMDLINE, tag="linux", initrd=initrd, mem_mib=MEM_MIB,
                machine_mem_mib=MACHINE_MIB, timeout=LINUX_TIMEOUT_S, **options)


def check_init_lines(result, hv):
    lines = serial_log.guest_lines(result.output)
    for pattern in EXPECTED + [rf"LINUX: hypervisor xen"]:
        assert any(re.fullmatch(pattern, l) for l in lines), \
            f"Linux on {hv} did not print {pattern!r}\n" + describe(result, tail=60)
    mem = [int(m.group(1)) for l in lines for m in [re.fullmatch(r"LINUX: memtotal (\d+) kB", l)]
           if m]
    assert mem and 800_000 < mem[0] <= MEM_MIB * 1024, describe(result)
    assert result.code == 0, f"Linux on {hv} did not power off\n" + describe(result)


# The machine's interrupts Linux gets as PIRQs, in /proc/interrupts (printed
# between "interrupts begin" and "end"): IRQ, trigger, device, as on Xen 4.17.
PIRQ_LINE = re.compile(r"\s*(\d+):\s+(\d+)\s+xen-pirq\s+-ioapic-(edge|level)\s+(\S+)")
EXPECTED_PIRQS = {(1, "edge", "i8042"), (8, "edge", "rtc0"), (9, "level", "acpi"),
                  (12, "edge", "i8042")}


def check_pirq_lines(result, hv):
    """The xen-pirq lines Xen 4.17's Dom0 shows; the keyboard's IRQ 1 has counted
    interrupts, so they were delivered."""
    lines = serial_log.guest_lines(result.output)
    found = {int(m.group(1)): (int(m.group(2)), m.group(3), m.group(4))
             for l in lines for m in [PIRQ_LINE.match(l)] if m}
    got = {(irq, trig, name) for irq, (_, trig, name) in found.items()}
    assert got == EXPECTED_PIRQS, f"xen-pirq lines on {hv}: {sorted(got)}\n" + describe(result)
    assert found[1][0] > 0, f"no interrupt counted on IRQ 1 (i8042) on {hv}\n" + describe(result)


def test_linux_dom0_on_xen(boot, hv_image_ready, linux_image):
    """The reference: Xen 4.17 boots Debian's kernel as Dom0 to the end."""
    hv_image_ready("xen")
    result = boot_linux(boot, "xen", linux_image)
    check_init_lines(result, "xen")
    check_pirq_lines(result, "xen")


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
    """Xenolith boots the same kernel to its last line (docs/linux-dom0.md),
    with the same interrupts as PIRQs."""
    result = boot_linux(boot, "xenolith", linux_image)
    check_init_lines(result, "xenolith")
    check_pirq_lines(result, "xenolith")


# A refused hypercall in the trace: "d0v0 name(first argument, ...) = -errno".
TRACE = re.compile(r"d0v\d+ (\w+)\(([0-9a-fx]+)[,)].* = (-\d+)$")

# Refusals Linux meets on Xenolith that Xen 4.17 gives it too, with how often
# at most (None: any number). platform_op's first argument is a pointer: its
# key has no argument.
XEN_TOO = {
    ("vcpu_op", "0x3", -2): None,       # is_up of each possible CPU past ours: -ENOENT
    ("platform_op", None, -3): 2,       # firmware_info: no EDD disk, no MBR signature
    ("platform_op", None, -38): 1,      # firmware_info: EFI information on a BIOS boot
    ("xenpmu_op", "0x4", -95): 1,       # XENPMU_init without a vPMU: -EOPNOTSUPP
    ("physdev_op", "0x15", -17): 1,     # setup_gsi of GSI 4, the hypervisor's serial: -EEXIST
                                        # (Linux: "Already setup the GSI :4", loglevel 8)
    ("memory_op", "0xb", -12): 9,       # XENMEM_exchange for swiotlb (EXCHANGE_REFUSED_BITS)
}

# Linux's swiotlb asks XENMEM_exchange for 256 KiB extents below 2^18 bytes
# and widens the limit by one bit on each -ENOMEM. Xen 4.17 under this QEMU
# refuses these widths, once each (measured with QEMU's gdb stub on
# xen_create_contiguous_region: tools/xen-exchange-widths.sh, docs/linux-dom0.md
# row 9); Xenolith's trace names the width of each refusal.
EXCHANGE_REFUSED_BITS = [18, 19, 20, 21, 22, 23, 24, 25, 26]
EXCHANGE_REASON = re.compile(r"d0 exchange: no free order-6 extent below 2\^(\d+) bytes")

# Walls still standing, which Xen 4.17 serves (docs/linux-dom0.md): none left.
KNOWN_WALLS = set()


def unexpected_refusals(hv_lines):
    """The trace lines of refusals neither Xen gives nor docs/linux-dom0.md lists."""
    counts = collections.Counter()
    unexpected = []
    for line in hv_lines:
        m = TRACE.search(line)
        if not m:
            continue
        key = (m.group(1), m.group(2), int(m.group(3)))
        if key[0] == "iret" or key in KNOWN_WALLS:    # iret's "result" is a register
            continue
        if key not in XEN_TOO:
            key = (key[0], None, key[2])
        if key not in XEN_TOO:
            unexpected.append(line)
            continue
        counts[key] += 1
        if XEN_TOO[key] is not None and counts[key] > XEN_TOO[key]:
            unexpected.append(line + f"  (more than Xen's {XEN_TOO[key]})")
    return unexpected


def test_linux_dom0_refusals_on_xenolith(boot, linux_image):
    """The hypervisor log of that boot (hypercall_trace=errors): every
    hypercall refused to Linux is one Xen 4.17 refuses too, or a wall listed
    in docs/linux-dom0.md; no instruction emulation or page-table entry was
    refused."""
    result = boot_linux(boot, "xenolith", linux_image)
    hv = serial_log.hv_lines(result.output)
    assert any(TRACE.search(l) for l in hv), \
        "no refusal traced at all: is hypercall_trace=errors on?\n" + describe(result, tail=30)
    unexpected = unexpected_refusals(hv)
    assert not unexpected, ("refusals Xen 4.17 does not give (add a row to docs/linux-dom0.md "
                            "if it is a known wall):\n" + "\n".join(unexpected[:30]))
    widths = [int(m.group(1)) for l in hv for m in [EXCHANGE_REASON.search(l)] if m]
    assert widths == EXCHANGE_REFUSED_BITS, \
        (f"swiotlb's XENMEM_exchange refused at address bits {widths}; "
         f"Xen 4.17 refuses {EXCHANGE_REFUSED_BITS}")
    refused = [l for l in hv if re.search(r"emulation refused|pv-mmu: .* refused", l)]
    assert not refused, "refused instructions or page-table entries:\n" + "\n".join(refused[:30])


def check_linux_smp(boot, hv, linux_image, vcpus, cpus):
    """Linux as Dom0 with `vcpus` vCPUs on `cpus` CPUs: every vCPU online in
    /proc/cpuinfo (its /init line "cpus N"), every other /init line, the
    poweroff, and on Xenolith a clean audit after the shutdown."""
    kernel, initrd = linux_image
    hv_cmdline = None
    if vcpus != cpus:
        hv_cmdline = launcher.default_hv_cmdline(hv, MEM_MIB, cpus) + f" dom0_max_vcpus={vcpus}"
    result = boot(hv, kernel, CMDLINE, tag=f"linux-{vcpus}vcpus-{cpus}cpus", initrd=initrd,
                  mem_mib=MEM_MIB, machine_mem_mib=MACHINE_MIB, timeout=LINUX_TIMEOUT_S, cpus=cpus,
                  hv_cmdline=hv_cmdline)
    lines = serial_log.guest_lines(result.output)
    expected = [p if p != r"LINUX: cpus 1" else rf"LINUX: cpus {vcpus}" for p in EXPECTED]
    for pattern in expected:
        assert any(re.fullmatch(pattern, l) for l in lines), \
            f"Linux with {vcpus} vCPUs on {hv} did not print {pattern!r}\n" + describe(result, tail=60)
    assert result.code == 0, f"Linux with {vcpus} vCPUs on {hv} did not power off\n" + describe(result)
    if hv == "xenolith":
        audits = [l for l in serial_log.hv_lines(result.output) if "audit: domain 0:" in l]
        assert audits and audits[-1].rstrip().endswith("0 mismatches"), describe(result, tail=30)


@pytest.mark.parametrize("hv", ["xen", "xenolith"])
def test_linux_dom0_with_two_vcpus(boot, hv_image_ready, linux_image, hv):
    """--cpus 2: Dom0 gets two vCPUs (one per CPU; Xen 4.17 with eager FPU
    switching, as the launcher boots it). Linux brings its second CPU up with
    VCPUOP_initialise/up, runs its per-CPU timers and IPIs on it, and reaches
    its last line; on Xenolith the audit after the shutdown is clean."""
    hv_image_ready(hv)
    check_linux_smp(boot, hv, linux_image, vcpus=2, cpus=2)


@pytest.mark.parametrize("hv", ["xen", "xenolith"])
def test_linux_dom0_with_four_vcpus_on_two_cpus(boot, hv_image_ready, linux_image, hv):
    """dom0_max_vcpus=4 on --cpus 2: the hypervisor multiplexes four vCPUs on
    two CPUs; Linux onlines all four (/proc/cpuinfo) and powers off."""
    hv_image_ready(hv)
    check_linux_smp(boot, hv, linux_image, vcpus=4, cpus=2)
