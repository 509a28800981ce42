"""The verdict helpers of sysrun.py that the system tests share, on made-up
console logs (no QEMU): each must fail on what it guards against."""
import pytest

from sysrun import (case_lines, fail_on_case_problems, fail_unless_same_guest_lines,
                    fail_unless_same_lines, fail_unless_suite_passed, launcher)

PASSED = "CASE A0001 one: PASS\nCASE A0002 two: PASS\nTest result: SUCCESS\n"


def run(output, code=0):
    return launcher.Result(code=code, output=output)


def test_a_passing_suite_passes():
    fail_unless_suite_passed(run(PASSED), "suite")
    fail_on_case_problems(run(PASSED), "suite")
    assert case_lines(run(PASSED)) == ["A0001 one: PASS", "A0002 two: PASS"]


@pytest.mark.parametrize("output,code", [
    (PASSED.replace("two: PASS", "two: FAIL (rc=1)"), 0),          # a case failed
    (PASSED.replace("two: PASS", "two: SKIP"), 0),                 # a skip is no pass
    (PASSED + "ASSERT os/core/mm.c:42: pfn < max\n", 0),          # an in-guest ASSERT
    ("Test result: SUCCESS\n", 0),                                 # no case at all
    (PASSED.replace("SUCCESS", "FAILURE"), 0),                     # the guest's own verdict
    (PASSED.replace("Test result: SUCCESS\n", ""), 0),             # no verdict
    (PASSED, 10),                                                  # not a clean poweroff
], ids=["failed", "skipped", "assert", "no-case", "guest-failure", "no-verdict", "crashed"])
def test_suite_failures_are_caught(output, code):
    with pytest.raises((pytest.fail.Exception, AssertionError)):
        fail_unless_suite_passed(run(output, code), "suite")


def test_case_problems_are_caught():
    with pytest.raises(pytest.fail.Exception, match="1 failure"):
        fail_on_case_problems(run(PASSED.replace("one: PASS", "one: FAIL")), "suite")


def test_same_lines():
    fail_unless_same_lines(["a", "b"], ["a", "b"], "lines")
    with pytest.raises(pytest.fail.Exception, match="lines differ"):
        fail_unless_same_lines(["a", "b"], ["a", "c"], "lines")
    with pytest.raises(AssertionError, match="printed nothing on Xen"):
        fail_unless_same_lines([], [], "lines")


def test_same_guest_lines_ignore_hypervisor_lines_only():
    xen = run("(XEN) Xen's own line\n" + PASSED)
    fail_unless_same_guest_lines(xen, run("(HV) ours\n" + PASSED), "guest")
    with pytest.raises(pytest.fail.Exception, match="lines differ"):
        fail_unless_same_guest_lines(xen, run(PASSED.replace("two", "2")), "guest")
