"""Every CPU of the machine comes up (issue 10 item 2): the hypervisor finds
them in the ACPI MADT, starts each with INIT-SIPI-SIPI through its real-mode
trampoline and logs one line per CPU; Dom0 then runs as on one CPU."""
import pytest

from sysrun import HELLO_CMDLINE, describe, guest_path


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
