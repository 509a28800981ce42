"""A Dom0 that misbehaves on purpose (guests/crash) must be contained: the
hypervisor crashes the domain, dumps its registers and carries on to report
the crash (exit 10) instead of panicking (exit 11) or hanging.  A Dom0 that
throws thousands of garbage hypercalls must not bring it down either, and a
reboot request ends the run with exit 12.

Each case runs on Xenolith and on Xen 4.17, whose behaviour is the reference.
"""
import re

import pytest

from sysrun import describe, guest_path, serial_log
import xenolith_launcher as launcher

EXPECTED_CODE = {
    "wild-jump": 10,
    "bad-stack": 10,
    "bad-iret": 10,
    "hypercall-garbage": 0,
    "reboot": 12,
}
CRASH_MODES = ("wild-jump", "bad-stack", "bad-iret")
# Modes the hypervisor itself crashes and dumps; a faulting IRET instead
# reaches the guest as #GP (test_bad_iret_reaches_guest_as_gp), on both.
HV_CRASH_MODES = ("wild-jump", "bad-stack")

# The guest's last words name the rip the register dump must show.
ANNOUNCED_RIP = {
    "wild-jump": re.compile(r"^crash: jumping to (0x[0-9a-f]+)"),
    "bad-stack": re.compile(r"^crash: ud2 at rip=(0x[0-9a-f]+)"),
    "bad-iret": re.compile(r"^crash: iret to rip=(0x[0-9a-f]+)"),
}

# How each hypervisor writes rip in its dump of the crashed guest, and how
# it announces a panic of its own.
DUMP_RIP = {
    "xenolith": r"^\(HV\) rip 0*{hex}\b",
    "xen": r"^\(XEN\) RIP:\s+[0-9a-f]{{4}}:\[<0*{hex}>\]",
}
PANIC = {
    "xenolith": re.compile(r"^\(HV\) Panic"),
    "xen": re.compile(r"^\(XEN\) Panic on CPU"),
}

GARBAGE_SURVIVED = re.compile(r"^crash: survived (\d+) hypercalls$")
GARBAGE_PLANNED = re.compile(r"^crash: (\d+) random hypercalls, seed (0x[0-9a-f]+)$")
GARBAGE_SKIPPED = re.compile(r"^crash: (\d+) returned 0, (\d+) skipped as run-ending$")
# Extra fuzzing seeds, run on Xenolith only (Xen 4.17 is the slow one to boot).
EXTRA_SEEDS = (1, 0xdeadbeef, 0x1234567890abcdef)


def boot_crash(boot, hv, mode, extra=""):
    cmdline = f"mode={mode}" + (f" {extra}" if extra else "")
    tag = mode + ("-" + re.sub(r"[^\w]+", "_", extra) if extra else "")
    return boot(hv, guest_path("crash"), cmdline, tag=tag)


def index_of(lines, pattern, start=0):
    """Index of the first line at or after start matching pattern, else None."""
    for i in range(start, len(lines)):
        if re.search(pattern, lines[i]):
            return i
    return None


@pytest.mark.parametrize("mode", list(EXPECTED_CODE))
def test_crash_mode_outcome(boot, hv, mode):
    result = boot_crash(boot, hv, mode)
    assert f"crash: mode={mode}" in serial_log.guest_lines(result.output), \
        f"crash guest on {hv} never reached mode {mode}\n" + describe(result)
    assert result.code == EXPECTED_CODE[mode], \
        (f"mode={mode} on {hv}: expected exit {EXPECTED_CODE[mode]}, got {result.code}\n"
         + describe(result))


@pytest.mark.parametrize("mode", list(EXPECTED_CODE))
def test_crash_mode_no_hypervisor_panic(boot, hv, mode):
    result = boot_crash(boot, hv, mode)
    panics = [l for l in serial_log.hv_lines(result.output) if PANIC[hv].search(l)]
    assert not panics, f"mode={mode} made {hv} panic: {panics[0]}\n" + describe(result)


@pytest.mark.parametrize("mode", HV_CRASH_MODES)
def test_crash_dump_shows_faulting_rip(boot, hv, mode):
    result = boot_crash(boot, hv, mode)
    lines = result.output.splitlines()
    said = index_of(lines, ANNOUNCED_RIP[mode].pattern)
    assert said is not None, f"mode={mode} on {hv}: no announcement\n" + describe(result)
    rip = int(ANNOUNCED_RIP[mode].search(lines[said]).group(1), 16)
    dump = index_of(lines, DUMP_RIP[hv].format(hex=f"{rip:x}"), said + 1)
    assert dump is not None, \
        (f"mode={mode} on {hv}: no register dump with rip {rip:#x} after the guest's "
         "last words\n" + describe(result, tail=60))


@pytest.mark.parametrize("mode", HV_CRASH_MODES)
def test_xenolith_reports_domain_crash(boot, mode):
    result = boot_crash(boot, "xenolith", mode)
    lines = result.output.splitlines()
    said = index_of(lines, ANNOUNCED_RIP[mode].pattern)
    assert said is not None, f"mode={mode}: no announcement\n" + describe(result)
    crashed = index_of(lines, r"^\(HV\) domain 0 crashed: \S", said + 1)
    assert crashed is not None, \
        f"mode={mode}: no '(HV) domain 0 crashed: ...' line\n" + describe(result, tail=60)
    assert index_of(lines, r"^\(HV\) domain 0 shutdown: crash$", crashed + 1) is not None, \
        f"mode={mode}: the crash did not shut the domain down\n" + describe(result, tail=60)


def test_bad_iret_reaches_guest_as_gp(boot, hv, request):
    """The fault of the hypervisor's own IRET reaches the guest as #GP with
    the bad selector as error code, at the frame's rip and cs; the guest
    decides to crash (Xen 4.17's behaviour, and ours)."""
    result = boot_crash(boot, hv, "bad-iret")
    lines = serial_log.guest_lines(result.output)
    said = index_of(lines, ANNOUNCED_RIP["bad-iret"].pattern)
    assert said is not None, f"bad-iret on {hv}: no announcement\n" + describe(result)
    rip = ANNOUNCED_RIP["bad-iret"].search(lines[said]).group(1)
    gp = index_of(lines, rf"^FATAL: unhandled vector 0xd err=0x4 rip={rip} cs=0x4\b", said + 1)
    assert gp is not None, \
        f"bad-iret on {hv}: the guest never saw #GP(0x4) at {rip}\n" + describe(result)


def check_garbage(result, hv, what):
    assert result.code == 0, f"{what} on {hv} did not power off\n" + describe(result, tail=60)
    lines = serial_log.guest_lines(result.output)
    planned = [m for m in map(GARBAGE_PLANNED.match, lines) if m]
    skipped = [m for m in map(GARBAGE_SKIPPED.match, lines) if m]
    survived = [m for m in map(GARBAGE_SURVIVED.match, lines) if m]
    assert planned and skipped and survived, \
        f"{what} on {hv}: summary lines missing\n" + describe(result)
    # Every drawn call was either made or skipped: none lost to a guest upset.
    total = int(survived[0].group(1)) + int(skipped[0].group(2))
    assert total == int(planned[0].group(1)), \
        f"{what} on {hv}: {total} calls accounted for of {planned[0].group(1)}"
    assert int(survived[0].group(1)) > int(planned[0].group(1)) // 2, \
        f"{what} on {hv}: most calls were skipped, the fuzzer is not fuzzing"


def test_hypercall_garbage_survived(boot, hv):
    check_garbage(boot_crash(boot, hv, "hypercall-garbage"), hv, "hypercall-garbage")


@pytest.mark.parametrize("seed", EXTRA_SEEDS)
def test_hypercall_garbage_more_seeds(boot, seed):
    result = boot_crash(boot, "xenolith", "hypercall-garbage", f"seed={seed:#x}")
    check_garbage(result, "xenolith", f"hypercall-garbage seed={seed:#x}")
    panics = [l for l in serial_log.hv_lines(result.output) if PANIC["xenolith"].search(l)]
    assert not panics, f"seed={seed:#x} made Xenolith panic\n" + describe(result)
    audits = [l for l in serial_log.hv_lines(result.output) if "audit: domain 0:" in l]
    assert audits and audits[-1].rstrip().endswith("0 mismatches"), \
        f"seed={seed:#x}: the MMU audit after the garbage is not clean\n" + describe(result, tail=30)


@pytest.mark.parametrize("mode", ["dom0_ptwr=batched", "dom0_paging=shadow"])
def test_hypercall_garbage_in_other_mmu_modes(boot, mode):
    cmdline = launcher.default_hv_cmdline("xenolith", 32, 1) + " " + mode
    result = boot("xenolith", guest_path("crash"), "mode=hypercall-garbage count=8000",
                  hv_cmdline=cmdline, tag="garbage-" + mode.split("=")[1])
    check_garbage(result, "xenolith", f"hypercall-garbage with {mode}")
    audits = [l for l in serial_log.hv_lines(result.output) if "audit: domain 0:" in l]
    assert audits and audits[-1].rstrip().endswith("0 mismatches"), describe(result, tail=30)


def test_reboot_is_logged(boot, hv):
    result = boot_crash(boot, hv, "reboot")
    expect = {"xenolith": r"^\(HV\) domain 0 shutdown: reboot$",
              "xen": r"^\(XEN\) Hardware Dom0 shutdown: rebooting machine$"}[hv]
    assert index_of(result.output.splitlines(), expect) is not None, \
        f"no reboot line from {hv}\n" + describe(result)
