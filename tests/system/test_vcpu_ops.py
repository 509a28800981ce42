"""The x86 VCPUOPs Xenolith once answered -ENOSYS (issue 10) and the periodic
timer a new PV vCPU starts with: the selftest's vcpu_ops suite alone with two
vCPUs (so that vCPU 1 has never run: its 100 Hz periodic timer is still
there, VCPUX0030), on Xen 4.17 and on Xenolith. Every case passes and every
line reads the same. (The full selftest runs the suite on one vCPU too:
VCPUX0001-0024, DEBUGKEYS0001-0002.)"""
import difflib

import pytest

from sysrun import describe, guest_path, serial_log


def run_vcpu_ops(boot, hv):
    return boot(hv, guest_path("selftest"), "suites=vcpu_ops", cpus=2, tag="vcpu_ops")


def test_vcpu_ops_pass(boot, hv):
    result = run_vcpu_ops(boot, hv)
    cases = serial_log.cases(result.output)
    problems = [f"CASE {c}" for c in cases if c.status != "PASS"]
    problems += serial_log.asserts(result.output)
    if problems:
        pytest.fail(f"vcpu_ops with two vCPUs on {hv}: {len(problems)} failure(s)\n  "
                    + "\n  ".join(problems) + "\n" + describe(result, tail=10), pytrace=False)
    idents = {c.ident for c in cases}
    assert {"VCPUX0001", "VCPUX0012", "VCPUX0022", "VCPUX0030", "DEBUGKEYS0002"} <= idents, \
        f"vcpu_ops did not run whole on {hv}\n" + describe(result)
    assert result.code == 0, f"vcpu_ops on {hv} did not power off\n" + describe(result)


def test_vcpu_ops_same_lines(boot, hv_image_ready):
    hv_image_ready("xen")
    xen = serial_log.guest_lines(run_vcpu_ops(boot, "xen").output)
    ours = serial_log.guest_lines(run_vcpu_ops(boot, "xenolith").output)
    assert xen, "vcpu_ops printed nothing on Xen 4.17"
    if ours != xen:
        diff = "\n".join(difflib.unified_diff(xen, ours, "xen-4.17", "xenolith", lineterm=""))
        pytest.fail(f"vcpu_ops with two vCPUs: lines differ\n{diff}", pytrace=False)
