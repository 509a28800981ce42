"""Dom0 and a DomU across domains (guests/xdom): an interdomain event
channel (alloc_unbound for the DomU, bind_interdomain, 100 events each way,
close on either side seen as unbound by the other, refused binds) and grant
table v1 (the DomU grants, Dom0 maps, writes, copies both ways, unmaps, the
DomU ends access; refused maps) and mmu_update's foreign domain id (Dom0's
tables map the DomU's frames naming the DomU; refusals), and at the end the
DomU destroyed (XDST: VIRQ_DOM_EXC, a second destroy -ESRCH, no grant map or
channel status of it any more), on Xenolith and on Xen 4.17 with the same
CASE lines.

On both hypervisors Dom0 gets the same image as its initrd and builds domain 1
itself through Xen 4.17's domctls (createdomain, max_vcpus, max_mem,
populate_physmap for the new domain, foreign mappings of its frames,
hypercall_init, setvcpucontext, unpausedomain: toolstack/xc/dom_build.c). On
Xenolith the same cases also run against its boot DomU ("domu" on the
hypervisor command line, the last module), which Xen 4.17 lacks on x86."""
import re

import pytest

from sysrun import (case_lines, describe, fail_on_case_problems, fail_unless_same_lines,
                    fail_unless_suite_passed, guest_path, launcher, serial_log)

# The ping-pong, the builder on Xen and two domains sharing one CPU under TCG.
TIMEOUT_S = 180


def run_xdom(boot, hv, boot_domu=False, cpus=1):
    """Dom0 builds the DomU from its initrd; boot_domu (Xenolith): the hypervisor does."""
    xdom = guest_path("xdom")
    options = {"initrd": xdom}
    tags = []
    if boot_domu:
        options["hv_cmdline"] = launcher.default_hv_cmdline("xenolith", 32, cpus) + " domu"
        tags.append("boot-domu")
    if cpus != 1:
        options["cpus"] = cpus
        tags.append(f"cpus{cpus}")
    if tags:
        options["tag"] = "-".join(tags)
    return boot(hv, xdom, timeout=TIMEOUT_S, **options)


def test_cross_domain_cases_pass(boot, hv):
    result = run_xdom(boot, hv)
    fail_unless_suite_passed(result, f"xdom on {hv}")
    # Every case ran: the event-channel and grant halves and the set-up around them.
    ids = {c.ident for c in serial_log.cases(result.output)}
    for want in ("XDOM0004", "XEVT0030", "XGNT0021", "XMMU0016", "XDST0005"):
        assert want in ids, f"xdom on {hv} stopped before {want}\n" + describe(result)


@pytest.mark.parametrize("boot_domu", [False, True], ids=["dom0-built", "boot-domu"])
def test_cross_domain_leaves_clean_audits(boot, hv_image_ready, boot_domu):
    """After the grant maps, copies and foreign mappings, every frame's counts match on
    Xenolith, for the DomU Dom0 built as for the one the hypervisor built."""
    result = run_xdom(boot, "xenolith", boot_domu)
    lines = serial_log.hv_lines(result.output)
    built = "(HV) domctl: domain 1 created by domain 0" in lines
    assert built != boot_domu, "the DomU did not come from where it should\n" + describe(result)
    for dom in (0, 1):
        assert f"(HV) audit: domain {dom}: 0 mismatches" in lines, describe(result, tail=30)


@pytest.mark.parametrize("boot_domu", [False, True], ids=["dom0-built", "boot-domu"])
def test_cross_domain_same_lines(boot, hv_image_ready, boot_domu):
    hv_image_ready("xen")
    fail_unless_same_lines(case_lines(run_xdom(boot, "xen")),
                           case_lines(run_xdom(boot, "xenolith", boot_domu)), "xdom's CASE lines")


@pytest.mark.parametrize("boot_domu", [False, True], ids=["dom0-built", "boot-domu"])
def test_cross_domain_on_two_cpus(boot, hv_image_ready, boot_domu):
    """The same cases with Dom0 and the DomU each on a CPU of its own: events,
    grant maps and unmaps (with their TLB shoot-downs) and foreign mappings
    between two CPUs; every case passes, the lines are Xen 4.17's, the audits clean."""
    hv_image_ready("xen")
    result = run_xdom(boot, "xenolith", boot_domu, cpus=2)
    fail_on_case_problems(result, "xdom on two CPUs")
    lines = serial_log.hv_lines(result.output)
    assert any(re.fullmatch(r"\(HV\) CPU\d runs d\dv0 while CPU\d runs d\dv0", l) for l in lines), \
        describe(result, tail=30)
    for dom in (0, 1):
        assert f"(HV) audit: domain {dom}: 0 mismatches" in lines, describe(result, tail=30)
    fail_unless_same_lines(case_lines(run_xdom(boot, "xen")), case_lines(result),
                           "xdom's CASE lines on two CPUs", describe(result, tail=10))
    assert result.code == 0, describe(result)
