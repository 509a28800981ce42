"""The x86 VCPUOPs Xenolith once answered -ENOSYS (issue 10) and the periodic
timer a new PV vCPU starts with: the selftest's vcpu_ops suite alone with two
vCPUs (so that vCPU 1 has never run: its 100 Hz periodic timer is still
there, VCPUX0030), on Xen 4.17 and on Xenolith. Every case passes and every
line reads the same. (The full selftest runs the suite on one vCPU too:
VCPUX0001-0024, DEBUGKEYS0001-0002.)"""

import pytest

from sysrun import (describe, fail_on_case_problems, fail_unless_same_guest_lines,
                    guest_path, serial_log)


def run_vcpu_ops(boot, hv):
    return boot(hv, guest_path("selftest"), "suites=vcpu_ops", cpus=2, tag="vcpu_ops")


def test_vcpu_ops_pass(boot, hv):
    result = run_vcpu_ops(boot, hv)
    cases = serial_log.cases(result.output)
    fail_on_case_problems(result, f"vcpu_ops with two vCPUs on {hv}")
    idents = {c.ident for c in cases}
    assert {"VCPUX0001", "VCPUX0012", "VCPUX0022", "VCPUX0030", "DEBUGKEYS0002"} <= idents, \
        f"vcpu_ops did not run whole on {hv}\n" + describe(result)
    assert result.code == 0, f"vcpu_ops on {hv} did not power off\n" + describe(result)


def test_vcpu_ops_same_lines(boot, hv_image_ready):
    hv_image_ready("xen")
    fail_unless_same_guest_lines(run_vcpu_ops(boot, "xen"), run_vcpu_ops(boot, "xenolith"),
                                 "vcpu_ops with two vCPUs")
