"""The conformance suite: selftest runs every CASE as Dom0 and ends with
"Test result: SUCCESS", on Xenolith and on Xen 4.17.  Each failed case and
each in-guest ASSERT line becomes its own line of the failure message."""
from sysrun import describe, fail_unless_suite_passed, guest_path, serial_log


def test_selftest(boot, hv):
    # SKIP is no pass either: every case runs on QEMU, on both hypervisors.
    fail_unless_suite_passed(boot(hv, guest_path("selftest")), f"selftest on {hv}")


def test_selftest_leaves_a_clean_mmu_audit(boot, hv_image_ready):
    """After the whole suite (bad page-table updates included), Xenolith's audit of
    every frame's type and reference counts against the tables that exist is clean."""
    result = boot("xenolith", guest_path("selftest"))
    audits = [l for l in serial_log.hv_lines(result.output) if "audit: domain 0:" in l]
    assert audits, "no MMU audit line in the hypervisor log\n" + describe(result)
    assert audits[-1].rstrip().endswith("0 mismatches"), \
        f"MMU audit not clean: {audits[-1]}\n" + describe(result, tail=30)


def test_long_batches_are_preempted_and_continued(boot, hv_image_ready):
    """MULTI0008 runs a 4096-entry multicall under a 1 ms periodic timer: Xenolith
    must have stopped it between entries at least once and carried on with a
    continuation (every entry still ran once: the case itself checks that)."""
    result = boot("xenolith", guest_path("selftest"))
    said = [l for l in serial_log.hv_lines(result.output) if "continued after preemption" in l]
    assert said and not said[-1].rstrip().endswith(": 0"), \
        "no hypercall was ever continued\n" + describe(result, tail=20)


def test_dropped_nmis_are_logged_once(boot, hv_image_ready):
    """VCPUX0016 sends 20 NMIs with no handler at vector 2: each is dropped, and
    Xenolith logs only the first, so a guest looping on send_nmi cannot flood the log."""
    result = boot("xenolith", guest_path("selftest"))
    said = [l for l in serial_log.hv_lines(result.output) if "NMI dropped" in l]
    assert len(said) == 1, f"{len(said)} 'NMI dropped' lines\n" + describe(result, tail=20)
