"""The console-log parser that turns selftest and bench output into verdicts."""
from sysrun import serial_log

LOG = """\
(XEN) Xen version 4.17
(HV) booting dom0
Hello
mfn: shared_info=0x1234
hvdiff: cpuid 40000003.02: 0023185f 00000000 00000000 00000000
cpuid 40000003.02: -------- 00000000 00000000 00000000

CASE GNTTAB0007 map of a foreign frame: is refused: FAIL rc=-22 want -1
CASE VERSION0001 version is sane: PASS
CASE EVT0001 bind: SKIP not on this hypervisor
ASSERT os/core/mm.c:42: pfn < max (a=0x10 b=0x8)
BENCH hypercall_null_cycles median=123 p90=130.5 runs=7
qemu-system-x86_64: warning: something
Test result: FAILURE
"""


def test_guest_lines_drop_hypervisor_qemu_and_mfn_lines():
    lines = serial_log.guest_lines(LOG)
    assert lines[0] == "Hello"
    assert not any(l.startswith(("(XEN)", "(HV)", "mfn:", "qemu-system")) for l in lines)
    assert "mfn: shared_info=0x1234" in serial_log.guest_lines(LOG, keep_volatile=True)


def test_guest_lines_drop_hvdiff_lines_but_keep_their_masked_form():
    lines = serial_log.guest_lines(LOG)
    assert not any(l.startswith("hvdiff:") for l in lines)
    assert "cpuid 40000003.02: -------- 00000000 00000000 00000000" in lines


def test_cases_split_id_description_status_details():
    cases = serial_log.cases(LOG)
    assert [(c.ident, c.status) for c in cases] == \
        [("GNTTAB0007", "FAIL"), ("VERSION0001", "PASS"), ("EVT0001", "SKIP")]
    assert cases[0].desc == "map of a foreign frame: is refused"
    assert cases[0].details == "rc=-22 want -1"


def test_asserts_and_verdict():
    assert serial_log.asserts(LOG) == ["ASSERT os/core/mm.c:42: pfn < max (a=0x10 b=0x8)"]
    assert serial_log.test_result(LOG) == "FAILURE"
    assert serial_log.test_result("Hello\n") is None


def test_bench_lines():
    assert serial_log.bench_lines(LOG) == \
        {"hypercall_null_cycles": {"median": 123, "p90": 130.5, "runs": 7}}
