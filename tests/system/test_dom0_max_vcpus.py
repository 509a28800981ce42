"""dom0_max_vcpus with many values, on two CPUs (beside test_dom0_vcpus.py's
default, 1 and 3-): Xen 4.17 and Xenolith give Dom0 the same number of vCPUs
("Dom0 has maximum N VCPUs" on both consoles), and hello runs and powers off
with them, also with 128 and 200 vCPUs on two CPUs (both cap a PV Dom0 at
8192 only). With 300 vCPUs (ids past a byte) the selftest's VCPUID cases bind
ports to the last vCPU, flush it by a bitmap of five words and create a
domain of 300 vCPUs, with every case passing and the same lines on both."""
import re

import pytest

from sysrun import (HELLO_CMDLINE, describe, fail_on_case_problems, fail_unless_same_guest_lines,
                    guest_path, launcher, serial_log)

CPUS = 2

# value -> vCPUs: N alone is both bounds (past the CPUs too); 0 is read as 1; N-M with M
# below N is M; a maximum above the CPUs leaves one per CPU, one below lowers it.
VALUES = {"0": 1, "7-2": 2, "1-3": 2, "-1": 1, "40": 40, "128": 128, "200": 200}
IDS_PAST_A_BYTE = 300


def dom0_vcpus(output, hv):
    tag = "XEN" if hv == "xen" else "HV"
    found = re.findall(rf"\({tag}\) Dom0 has maximum (\d+) VCPUs", output)
    return int(found[-1]) if found else None


def boot_with(boot, hv, value, guest="hello", cmdline=HELLO_CMDLINE):
    line = launcher.default_hv_cmdline(hv, 32, CPUS) + f" dom0_max_vcpus={value}"
    return boot(hv, guest_path(guest), cmdline, tag=f"{guest}-vcpus-{value}", cpus=CPUS,
                hv_cmdline=line)


def run_vcpu_ids(boot, hv):
    return boot_with(boot, hv, IDS_PAST_A_BYTE, "selftest", "suites=vcpu_ids")


@pytest.mark.parametrize("value", sorted(VALUES))
def test_dom0_max_vcpus(boot, hv, value):
    result = boot_with(boot, hv, value)
    got = dom0_vcpus(result.output, hv)
    assert got == VALUES[value], \
        f"dom0_max_vcpus={value} on {hv}: Dom0 has {got} vCPUs, want {VALUES[value]}\n" + describe(result)
    assert result.code == 0, f"hello with dom0_max_vcpus={value} on {hv} did not power off\n" + describe(result)


def test_vcpu_ids_past_a_byte(boot, hv):
    result = run_vcpu_ids(boot, hv)
    assert dom0_vcpus(result.output, hv) == IDS_PAST_A_BYTE, describe(result)
    fail_on_case_problems(result, f"vcpu_ids with {IDS_PAST_A_BYTE} vCPUs on {hv}")
    idents = {c.ident for c in serial_log.cases(result.output)}
    assert {"VCPUID0001", "VCPUID0004", "VCPUID0007", "VCPUID0012"} <= idents, \
        f"vcpu_ids did not run whole on {hv}\n" + describe(result)
    assert result.code == 0, describe(result)


def test_vcpu_ids_past_a_byte_same_lines(boot, hv_image_ready):
    hv_image_ready("xen")
    fail_unless_same_guest_lines(run_vcpu_ids(boot, "xen"), run_vcpu_ids(boot, "xenolith"),
                                 f"vcpu_ids with {IDS_PAST_A_BYTE} vCPUs")
