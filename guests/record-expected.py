#!/usr/bin/env python3
"""Record what Xen 4.17 prints for a guest: its console lines without the
hypervisor's, written to stdout (used for guests/*/expected-xen-4.17.txt).

Usage: record-expected.py GUEST.elf [dom0 command line]

The guests' virtual layout depends on the image size, so hello's expected
file must be recorded again whenever os/ or hello changes
(`make guests-expected`).
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import serial_log  # noqa: E402
import xenolith_launcher as launcher  # noqa: E402


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    cmdline = sys.argv[2] if len(sys.argv) == 3 else ""
    result = launcher.run(sys.argv[1], hv="xen", timeout=300, cmdline=cmdline)
    lines = serial_log.guest_lines(result.output, keep_volatile=True)
    sys.stdout.write("\n".join(lines) + "\n")
    if result.code != 0:
        print(f"record-expected: run ended with exit {result.code} ({result.reason})",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
