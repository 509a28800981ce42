"""Dom0's vCPUs as Xen 4.17 counts them (issue 10): every CPU is up before Dom0
is built, so without dom0_max_vcpus Dom0 gets one vCPU per CPU; the option's
"N" form sets the count and "N-" raises it, also beyond the CPUs there are; "-0" leaves none, and both
hypervisors stop.
The launcher passes the option to neither hypervisor. The toolstack as Dom0
lists its own vCPUs (xl vcpu-list: vCPU 0 running, the others never brought
up), and the table reads the same on Xenolith and on Xen 4.17, but for the
CPU vCPU 0 runs on (either of the two) and the CPU times."""
import os
import re

import pytest

from sysrun import ROOT, describe, guest_path, launcher
from test_toolstack import VCPU_HEADER, by_command, dom0_lines

CPUS = 2
TIMEOUT_S = 180


def dom0_vcpu_rows(vcpus):
    """vcpu-list's table for a Dom0 with `vcpus` vCPUs of which only vCPU 0 is up
    (its CPU and every CPU time masked)."""
    rows = ["Domain-0                             0     0     C   r--  T  all / all"]
    rows += [f"Domain-0                             0 {v:5d}     -   --p  T  all / all"
             for v in range(1, vcpus)]
    return [VCPU_HEADER] + rows


def masked(lines):
    lines = [re.sub(r"^(Domain-0 +0 +0 +)[01]( +r--)", r"\1C\2", l) for l in lines]
    return [re.sub(r"^(.{32} +\d+ +\d+ +[-C\d]+ +[-rbp]{3}) +\d+\.\d(  \S+ / \S+)$", r"\1  T\2", l)
            for l in lines]


def boot_toolstack(boot, hv, option):
    initrd = os.path.join(ROOT, "build", "system-tests", "dom0-vcpus.cpio")
    os.makedirs(os.path.dirname(initrd), exist_ok=True)
    launcher.toolstack_initrd(initrd, [], ["vcpu-list"])
    options = {}
    if option:
        options["hv_cmdline"] = launcher.default_hv_cmdline(hv, 32, CPUS) + " " + option
    return boot(hv, os.path.join(ROOT, launcher.TOOLSTACK_REL), initrd=initrd, cpus=CPUS,
                timeout=TIMEOUT_S, tag="dom0-vcpus-" + (option or "default"), **options)


@pytest.mark.parametrize("option, vcpus", [
    (None, CPUS),                       # one per CPU: the default both hypervisors share
    ("dom0_max_vcpus=1", 1),
    ("dom0_max_vcpus=3-", 3),           # the minimum wins over the CPUs there are
])
def test_dom0_vcpus(boot, hv, option, vcpus):
    result = boot_toolstack(boot, hv, option)
    assert result.code == 0, describe(result)
    if not option:
        assert "dom0_max_vcpus" not in result.output, describe(result)   # the launcher's line
    listing = [o for c, o in by_command(masked(dom0_lines(result.output))) if c == "vcpu-list"]
    assert listing == [dom0_vcpu_rows(vcpus)], describe(result, tail=20)
    banner = "(XEN) Dom0 has maximum" if hv == "xen" else "(HV) Dom0 has maximum"
    assert f"{banner} {vcpus} VCPUs" in result.output, describe(result)


def test_no_dom0_vcpu_stops_the_boot(boot, hv):
    """dom0_max_vcpus=-0: Xen 4.17 cannot create Dom0 with no vCPU and panics; so do we."""
    result = boot(hv, guest_path("hello"), hv_cmdline=launcher.default_hv_cmdline(hv, 32, 1) +
                  " dom0_max_vcpus=-0", tag="no-vcpu")
    why = {"xen": "(XEN) Error creating d0: -22",
           "xenolith": "dom0_max_vcpus leaves Domain 0 no vCPU"}[hv]
    assert result.code == launcher.EXIT_HV_PANIC and why in result.output, describe(result)
