"""The conformance suite in each of Xenolith's paging modes. Direct mode is the
default (test_selftest.py); here the same selftest binary runs with Dom0 in
shadow mode, where the CPU walks hypervisor-built shadows of the guest's
validated tables. Every case must pass (SKIP is not a pass: every case passes
in direct mode and on Xen 4.17) and the MMU audit must stay clean."""
from sysrun import describe, fail_unless_suite_passed, guest_path, serial_log
import xenolith_launcher as launcher


def test_selftest_in_shadow_mode(boot):
    cmdline = launcher.default_hv_cmdline("xenolith", 32, 1) + " dom0_paging=shadow"
    result = boot("xenolith", guest_path("selftest"), hv_cmdline=cmdline, tag="shadow")
    hv_log = serial_log.hv_lines(result.output)
    assert any("shadow paging on" in l for l in hv_log), \
        "Dom0 did not run in shadow mode\n" + describe(result)
    fail_unless_suite_passed(result, "selftest in shadow mode")
    fills = [l for l in hv_log if "shadow:" in l and "fills" in l]
    assert fills and " 0 fills" not in fills[-1], \
        "shadow mode installed no translation at all\n" + describe(result)
    audits = [l for l in hv_log if "audit: domain 0:" in l]
    assert audits and audits[-1].rstrip().endswith("0 mismatches"), describe(result, tail=30)


def test_selftest_with_batched_writable_page_tables(boot):
    """Batched writable page tables: the burst case (PT0102) unhooks an L1, the
    guest writes it freely, and first use re-validates it; all cases pass."""
    cmdline = launcher.default_hv_cmdline("xenolith", 32, 1) + " dom0_ptwr=batched"
    result = boot("xenolith", guest_path("selftest"), hv_cmdline=cmdline, tag="batched")
    hv_log = serial_log.hv_lines(result.output)
    fail_unless_suite_passed(result, "selftest in batched mode")
    stats = [l for l in hv_log if "writable page tables:" in l]
    assert stats and " 0 unhooks" not in stats[-1], \
        "no L1 was ever unhooked in batched mode\n" + describe(result)
    audits = [l for l in hv_log if "audit: domain 0:" in l]
    assert audits and audits[-1].rstrip().endswith("0 mismatches"), describe(result, tail=30)
