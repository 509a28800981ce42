"""Dom0 with 64 and with 128 vCPUs on four CPUs (dom0_max_vcpus=N on both
hypervisors, which multiplex them): the selftest's SMPM cases give every
vCPU a vcpu_info of its own (register_vcpu_info), bring all of them up at
once, pass IPIs around (bind_ipi: each vCPU takes a go from vCPU 0 and IPIs
from three others on its own port, handled on itself), flush by vCPU
bitmaps of two words (INVLPG_MULTI reaching vCPU 127 through the second
word; a second word is read only past 64 vCPUs), refuse vCPU ids at or past
the count, and create a domain with 128 vCPUs; then the SMPF cases give
every vCPU a FIFO control block and route events to vCPUs 1, N/2 and N-1.
Every case passes and every line reads the same on Xenolith and on Xen 4.17."""

import pytest

from sysrun import (describe, fail_on_case_problems, fail_unless_same_guest_lines,
                    guest_path, launcher, serial_log)

SUITES = "suites=smp_many,smp_fifo"
CPUS = 4
# A safety net only: under TCG on a loaded host the 128-vCPU boot took up to 80 s.
TIMEOUT_S = 300


def run_many(boot, hv, vcpus):
    line = launcher.default_hv_cmdline(hv, 32, CPUS) + f" dom0_max_vcpus={vcpus}"
    return boot(hv, guest_path("selftest"), SUITES, timeout=TIMEOUT_S, tag=f"vcpus{vcpus}",
                cpus=CPUS, hv_cmdline=line)


@pytest.mark.parametrize("vcpus", [64, 128])
def test_many_vcpus_pass(boot, hv, vcpus):
    result = run_many(boot, hv, vcpus)
    cases = serial_log.cases(result.output)
    fail_on_case_problems(result, f"selftest with {vcpus} vCPUs on {hv}")
    for prefix, least in (("SMPM", 35), ("SMPF", 22)):
        assert sum(1 for c in cases if c.ident.startswith(prefix)) >= least, \
            f"the {prefix} cases did not all run on {hv}\n" + describe(result)
    assert result.code == 0, f"selftest with {vcpus} vCPUs on {hv} did not power off\n" + describe(result)


@pytest.mark.parametrize("vcpus", [64, 128])
def test_many_vcpus_same_lines(boot, hv_image_ready, vcpus):
    hv_image_ready("xen")
    fail_unless_same_guest_lines(run_many(boot, "xen", vcpus), run_many(boot, "xenolith", vcpus),
                                 f"selftest with {vcpus} vCPUs")
