"""dom0_max_vcpus with many values, on two CPUs (beside test_dom0_vcpus.py's
default, 1 and 3-): Xen 4.17 and Xenolith give Dom0 the same number of vCPUs
("Dom0 has maximum N VCPUs" on both consoles), and hello runs and powers off
with them, also with 128 vCPUs on two CPUs. Past Xenolith's 128 the count is
cut with a warning (Xen 4.17 would give 200)."""
import re

import pytest

from sysrun import HELLO_CMDLINE, describe, guest_path, launcher

CPUS = 2

# value -> vCPUs: N alone is both bounds (past the CPUs too); 0 is read as 1; N-M with M
# below N is M; a maximum above the CPUs leaves one per CPU, one below lowers it.
VALUES = {"0": 1, "7-2": 2, "1-3": 2, "-1": 1, "40": 40, "128": 128}


def dom0_vcpus(output, hv):
    tag = "XEN" if hv == "xen" else "HV"
    found = re.findall(rf"\({tag}\) Dom0 has maximum (\d+) VCPUs", output)
    return int(found[-1]) if found else None


def boot_with(boot, hv, value):
    line = launcher.default_hv_cmdline(hv, 32, CPUS) + f" dom0_max_vcpus={value}"
    return boot(hv, guest_path("hello"), HELLO_CMDLINE, tag=f"vcpus-{value}", cpus=CPUS,
                hv_cmdline=line)


@pytest.mark.parametrize("value", sorted(VALUES))
def test_dom0_max_vcpus(boot, hv, value):
    result = boot_with(boot, hv, value)
    got = dom0_vcpus(result.output, hv)
    assert got == VALUES[value], \
        f"dom0_max_vcpus={value} on {hv}: Dom0 has {got} vCPUs, want {VALUES[value]}\n" + describe(result)
    assert result.code == 0, f"hello with dom0_max_vcpus={value} on {hv} did not power off\n" + describe(result)


def test_dom0_max_vcpus_past_xenolith_limit(boot):
    result = boot_with(boot, "xenolith", "200")
    assert dom0_vcpus(result.output, "xenolith") == 128, describe(result)
    assert "dom0_max_vcpus asks for 200 vCPUs; Domain 0 gets 128" in result.output, describe(result)
    assert result.code == 0, describe(result)
