"""Every CPU of the machine comes up (issue 10 item 2): the hypervisor finds
them in the ACPI MADT, starts each with INIT-SIPI-SIPI through its real-mode
trampoline and logs one line per CPU; Dom0 then runs as on one CPU."""
import re

import pytest

from sysrun import HELLO_CMDLINE, describe, guest_path, launcher


@pytest.mark.parametrize("cpus", [2, 4])
def test_every_cpu_comes_up(boot, cpus):
    result = boot("xenolith", guest_path("hello"), HELLO_CMDLINE, cpus=cpus, tag=f"cpus{cpus}")
    lines = result.output.replace("\r", "").splitlines()
    assert "(HV) CPU0 up (APIC id 0), the boot CPU" in lines, describe(result)
    for cpu in range(1, cpus):
        assert f"(HV) CPU{cpu} up (APIC id {cpu})" in lines, describe(result)
    assert f"(HV) CPU{cpus} up (APIC id {cpus})" not in lines, describe(result)
    assert any(l.startswith("(HV) acpi: RSDP at ") for l in lines), describe(result)
    assert f"(HV) {cpus} CPUs online" in lines, describe(result)
    assert "Hello from Xenolith domain 0" in lines, describe(result)
    assert result.code == 0, describe(result)


def test_one_cpu_machine(boot):
    result = boot("xenolith", guest_path("hello"), HELLO_CMDLINE)
    lines = result.output.replace("\r", "").splitlines()
    assert "(HV) 1 CPU online" in lines, describe(result)
    assert not [l for l in lines if l.startswith("(HV) CPU1 up")], describe(result)
    assert result.code == 0, describe(result)


@pytest.mark.parametrize("cpus", [2, 4])
def test_two_domains_run_at_once(cpus):
    """Dom0 and the boot DomU, both spinning (guests/crash mode=fpu-spin), each on
    a CPU of its own at the same time: the hypervisor says so from under its
    scheduler lock, where both CPUs were given a runnable vCPU."""
    crash = guest_path("crash")
    result = launcher.run(crash, hv="xenolith", timeout=180, cpus=cpus,
                          cmdline="mode=fpu-spin seed=1 ms=200 role=dom0",
                          domu=crash, domu_cmdline="mode=fpu-spin seed=2 ms=100 role=domu")
    lines = result.lines()
    out = "\n".join(lines[-60:])
    first = {}
    for l in lines:
        m = re.fullmatch(r"\(HV\) d(\d)v0 runs on CPU(\d)", l)
        if m and m.group(1) not in first:
            first[m.group(1)] = m.group(2)
    assert set(first) == {"0", "1"} and first["0"] != first["1"], out
    together = [l for l in lines if re.fullmatch(r"\(HV\) CPU\d runs d\dv0 while CPU\d runs d\dv0", l)]
    assert len(together) == 1, out
    m = re.fullmatch(r"\(HV\) CPU(\d) runs d(\d)v0 while CPU(\d) runs d(\d)v0", together[0])
    assert m.group(1) != m.group(3) and m.group(2) != m.group(4), out
    assert any(l.startswith("fpu-spin: pattern intact") for l in lines), out
    assert any(l.startswith("(d1) fpu-spin: pattern intact") for l in lines), out
    for dom in (0, 1):
        assert f"(HV) audit: domain {dom}: 0 mismatches" in lines, out
    assert result.code == launcher.EXIT_POWEROFF, out


def test_ipi_and_flush_stress():
    """guests/xdom with stress=200 on two CPUs: 200 rounds of a grant map, write and
    unmap by Dom0, an event each way (each wakes the other CPU from its halt) and
    two type changes of a DomU frame (each a TLB shoot-down of every CPU, which
    must be acknowledged before the hypercall returns); every case still passes
    and the MMU audits are clean."""
    xdom = guest_path("xdom")
    result = launcher.run(xdom, hv="xenolith", timeout=300, cpus=2, initrd=xdom, cmdline="stress=200")
    lines = result.lines()
    out = "\n".join(lines[-40:])
    assert "xdom stress: 200 rounds, 0 bad in Dom0, 0 bad in the DomU" in lines, out
    assert "Test result: SUCCESS" in lines, out
    for dom in (0, 1):
        assert f"(HV) audit: domain {dom}: 0 mismatches" in lines, out
    smp = [re.fullmatch(r"\(HV\) smp: (\d+) TLB shoot-downs \((\d+) IPIs\), (\d+) event-check IPIs", l)
           for l in lines]
    smp = [m for m in smp if m]
    assert len(smp) == 1, out
    shootdowns, ipis, checks = (int(g) for g in smp[0].groups())
    assert shootdowns >= 400 and ipis >= 400 and checks >= 200, out
    assert result.code == launcher.EXIT_POWEROFF, out


def test_foreign_mappings_race_the_owner_and_the_audit():
    """guests/xdom with mmurace=400 on two CPUs (Dom0 with two vCPUs): Dom0's
    vCPU 0 maps and unmaps the DomU's frames through mmu_update naming the
    DomU (read-only, then writable) while the DomU, on the other CPU, pins
    them as L1 tables and unpins them, or gives them back and takes new ones,
    and Dom0's vCPU 1 audits the DomU again and again. The audit holds Dom0's
    page lock with the DomU's (it found mismatches with the DomU's alone); a
    writable claim waits out another CPU's (the DomU's own writable mapping
    was refused with -EBUSY without); given-back frames Dom0 still maps are
    freed by its unmap: the free frames and the DomU's reservation end as they
    began. The release racing a foreign reference is host-tested
    (tests/unit/test_pt_release_race.c)."""
    xdom = guest_path("xdom")
    result = launcher.run(xdom, hv="xenolith", timeout=600, cpus=2, initrd=xdom,
                          cmdline="mmurace=400")
    lines = result.lines()
    out = "\n".join(lines[-40:])
    race = [re.fullmatch(r"xdom mmurace: (\d+) rounds, (\d+) mapped, (\d+) refused, 0 bad in Dom0; "
                         r"(\d+) audits \(by Dom0's vCPU 1, (\d+) during a mapping round\), "
                         r"0 mismatches; the DomU: (\d+) pins, (\d+) balloons in (\d+) rounds, "
                         r"0 bad; free frames unchanged, reservation unchanged", l) for l in lines]
    race = [m for m in race if m]
    assert len(race) == 1, out
    rounds, mapped, refused, audits, during, pins, balloons, domu_rounds = \
        (int(g) for g in race[0].groups())
    assert rounds >= 400 and mapped > 0 and during >= 8 and domu_rounds >= 50, out
    assert pins > 0 and balloons > 0, out
    assert "Test result: SUCCESS" in lines, out
    assert not [l for l in lines if re.match(r"\(HV\) audit: domain \d: [1-9]", l)], out
    assert any(re.fullmatch(r"\(HV\) domain 1 destroyed \(\d+ continuations\): 0 frames still "
                            r"referenced, \d+ frames free", l) for l in lines), out
    assert result.code == launcher.EXIT_POWEROFF, out


def test_hard_affinity_is_honoured():
    """guests/xdom with affinity=300 on two CPUs: Dom0 pins the DomU's vCPU
    (XEN_DOMCTL_setvcpuaffinity, hard) to CPU0 with itself there too (CPU1
    idles beside them and must not take the DomU), then to CPU1 while it runs
    on CPU0 (it moves at its next scheduling point), then itself there too;
    XEN_DOMCTL_getvcpuinfo's `cpu`, read 300 times per phase while the DomU
    runs, never names the other CPU, and the cases still pass."""
    xdom = guest_path("xdom")
    result = launcher.run(xdom, hv="xenolith", timeout=300, cpus=2, initrd=xdom, cmdline="affinity=300")
    lines = result.lines()
    out = "\n".join(lines[-40:])
    for name, cpu in (("DomU and Dom0 on CPU0", 0), ("DomU to CPU1 while it runs", 1),
                      ("DomU and Dom0 on CPU1", 1), ("back to every CPU for Dom0", 1)):
        assert (f"xdom affinity: {name}: pins 0 0, moved, 0 of 300 samples off CPU{cpu}"
                in lines), out
    assert "Test result: SUCCESS" in lines, out
    for dom in (0, 1):
        assert f"(HV) audit: domain {dom}: 0 mismatches" in lines, out
    assert result.code == launcher.EXIT_POWEROFF, out
