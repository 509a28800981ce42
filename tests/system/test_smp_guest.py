"""Dom0 with two vCPUs (--cpus 2: one per CPU on both hypervisors): the
selftest's SMP suite starts vCPU 1 with VCPUOP_initialise/up, exchanges IPIs
with it, moves events and timers to it, takes it down and up, flushes both
vCPUs' TLBs, and checks the refusals. The suites that touch vCPUs run beside
it (each finds the vCPU it lacks); every case passes and every line reads
the same on Xenolith and on Xen 4.17 (booted with spec-ctrl=eager-fpu, which
the launcher adds for several CPUs)."""

import pytest

from sysrun import (describe, fail_on_case_problems, fail_unless_same_guest_lines,
                    guest_path, serial_log)

SUITES = "suites=evtchn,vcpu,smp,evtchn_fifo,smp_fifo,domctl"


def run_two_vcpus(boot, hv):
    return boot(hv, guest_path("selftest"), SUITES, cpus=2, tag="smp")


def test_smp_suite_passes(boot, hv):
    result = run_two_vcpus(boot, hv)
    cases = serial_log.cases(result.output)
    fail_on_case_problems(result, f"selftest with two vCPUs on {hv}")
    assert sum(1 for c in cases if c.ident.startswith("SMP")) >= 50, \
        f"the SMP suite did not run on {hv}\n" + describe(result)
    assert result.code == 0, f"selftest with two vCPUs on {hv} did not power off\n" + describe(result)


def test_smp_suite_same_lines(boot, hv_image_ready):
    hv_image_ready("xen")
    fail_unless_same_guest_lines(run_two_vcpus(boot, "xen"), run_two_vcpus(boot, "xenolith"),
                                 "selftest with two vCPUs")
