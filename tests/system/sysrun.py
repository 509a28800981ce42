"""Helpers shared by the system tests (imported by conftest and the tests)."""
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
