"""Helpers shared by the system tests (imported by conftest and the tests)."""
import difflib
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import serial_log  # noqa: E402,F401
import xenolith_launcher as launcher  # noqa: E402,F401

GUESTS = os.path.join(ROOT, "build", "guests")

# hello's command line in every test: a comma and an '=' on purpose, since
# QEMU's -initrd needs the comma escaped.
HELLO_CMDLINE = "hello,world x=1"


def missing_tool(reason):
    """A tool or image the test needs is absent: a skip on a developer's machine,
    a failure in CI (CI set, as .ci/run does), where setup-debian.sh and the
    fetch scripts must have provided it, so a broken set-up cannot pass quietly."""
    if os.environ.get("CI"):
        pytest.fail(reason + " (CI: a missing prerequisite is a failure)", pytrace=False)
    pytest.skip(reason)


def guest_path(name):
    """Path of build/guests/<name>.elf; fails the test if it was not built."""
    path = os.path.join(GUESTS, f"{name}.elf")
    if not os.path.isfile(path):
        pytest.fail(f"{path} missing: run make")
    return path


def describe(result, tail=40):
    """A failure message's context: the outcome and the last console lines."""
    lines = result.output.splitlines()[-tail:]
    return (f"outcome: exit {result.code} ({result.reason}), QEMU status {result.qemu_rc}\n"
            f"--- last {len(lines)} console lines ---\n" + "\n".join(lines))


def case_lines(result):
    """The run's cases, one line each: "ID description: STATUS [details]"."""
    return [str(c) for c in serial_log.cases(result.output)]


def fail_on_case_problems(result, what):
    """Fail the test naming each CASE that did not pass and each in-guest ASSERT line."""
    problems = [f"CASE {c}" for c in serial_log.cases(result.output) if c.status != "PASS"]
    problems += serial_log.asserts(result.output)
    if problems:
        pytest.fail(f"{what}: {len(problems)} failure(s)\n  " + "\n  ".join(problems) + "\n"
                    + describe(result, tail=10), pytrace=False)


def fail_unless_suite_passed(result, what):
    """A whole test guest's run: every CASE passed (fail_on_case_problems), it ran at
    least one, ended with "Test result: SUCCESS" and powered off cleanly."""
    fail_on_case_problems(result, what)
    assert serial_log.cases(result.output), f"{what} ran no CASE\n" + describe(result)
    verdict = serial_log.test_result(result.output)
    assert verdict == "SUCCESS", f"{what} ended with verdict {verdict}\n" + describe(result)
    assert result.code == 0, f"{what} did not power off cleanly\n" + describe(result)


def fail_unless_same_lines(xen, ours, what, context=""):
    """Lines of Xen 4.17's run and of Xenolith's must be identical (a diff when not);
    context (e.g. describe() of a run) follows the diff."""
    assert xen, f"{what} printed nothing on Xen 4.17"
    if ours != xen:
        diff = "\n".join(difflib.unified_diff(xen, ours, "xen-4.17", "xenolith", lineterm=""))
        pytest.fail(f"{what}: lines differ between Xen 4.17 and Xenolith\n{diff}"
                    + (f"\n{context}" if context else ""), pytrace=False)


def fail_unless_same_guest_lines(xen_result, ours_result, what):
    """The guest's lines on Xen 4.17 and on Xenolith must be identical (a diff when not)."""
    fail_unless_same_lines(serial_log.guest_lines(xen_result.output),
                           serial_log.guest_lines(ours_result.output), what,
                           describe(ours_result, tail=15))
