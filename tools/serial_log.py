"""Read a Xenolith or Xen serial console log: the guest's own lines, the
selftest's CASE/ASSERT/Test result lines, and the benchmarks' BENCH lines.

The line formats are the guests' (guests/selftest/test.h, os/include/os/assert.h):
    CASE <ID> <description>: PASS|FAIL|SKIP [details]
    ASSERT <file>:<line>: <condition> [(a=<v> b=<v>)]
    Test result: SUCCESS|FAILURE|SKIP
    BENCH <metric> median=<v> [key=<v> ...]
Python 3 standard library only.
"""
import re
from dataclasses import dataclass
from typing import Dict, List, Optional

# Hypervisor log lines carry a prefix; everything else on the console is
# Dom0 writing through console_io, which both hypervisors print raw.
HV_PREFIXES = ("(XEN)", "(HV)")
# Lines that legitimately differ between hypervisors: machine frame numbers,
# and "hvdiff:" lines, the full form of a value the guest also prints masked
# because it differs for a reason docs/differences-from-xen.md gives (today:
# CPUID 0x40000003:2, the host TSC kHz; CPUID 0xd:0 ebx, the XSAVE size for the
# XCR0 in force; see guests/selftest/cpuid.c).
VOLATILE_PREFIXES = ("mfn:", "hvdiff:")
# QEMU's own warnings share the pipe with the serial port.
QEMU_PREFIX = "qemu-system-"

_CASE = re.compile(r"^CASE\s+(\S+)\s+(.*?):\s+(PASS|FAIL|SKIP)\b\s*(.*)$")
_RESULT = re.compile(r"^Test result:\s*(SUCCESS|FAILURE|SKIP)\b")
_ASSERT = re.compile(r"^ASSERT\s+\S+:\d+:")
_BENCH = re.compile(r"^BENCH\s+(\S+)\s+(.*)$")
_KV = re.compile(r"(\w+)=(\S+)")


@dataclass
class Case:
    """One selftest case line."""
    ident: str
    desc: str
    status: str
    details: str

    def __str__(self):
        text = f"{self.ident} {self.desc}: {self.status}"
        return text + (f" {self.details}" if self.details else "")


def guest_lines(output: str, keep_volatile: bool = False) -> List[str]:
    """Return Dom0's lines from a console log: hypervisor log lines, QEMU's
    own messages, blank lines and (unless keep_volatile) VOLATILE_PREFIXES lines removed,
    trailing white space stripped."""
    lines = []
    for line in output.splitlines():
        line = line.rstrip()
        if not line or line.startswith(HV_PREFIXES) or line.startswith(QEMU_PREFIX):
            continue
        if not keep_volatile and line.startswith(VOLATILE_PREFIXES):
            continue
        lines.append(line)
    return lines


def hv_lines(output: str) -> List[str]:
    """Return the hypervisor's own log lines (prefix kept)."""
    return [l.rstrip() for l in output.splitlines() if l.startswith(HV_PREFIXES)]


def cases(output: str) -> List[Case]:
    """Return every CASE line of a selftest run, in order."""
    found = []
    for line in guest_lines(output, keep_volatile=True):
        m = _CASE.match(line)
        if m:
            found.append(Case(*m.groups()))
    return found


def asserts(output: str) -> List[str]:
    """Return the guest's ASSERT lines (a failed in-guest assertion)."""
    return [l for l in guest_lines(output, keep_volatile=True) if _ASSERT.match(l)]


def test_result(output: str) -> Optional[str]:
    """Return the last "Test result:" verdict (SUCCESS/FAILURE/SKIP), or None."""
    verdict = None
    for line in guest_lines(output, keep_volatile=True):
        m = _RESULT.match(line)
        if m:
            verdict = m.group(1)
    return verdict


def _number(text: str):
    try:
        return int(text, 0)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def bench_lines(output: str) -> Dict[str, Dict[str, object]]:
    """Return {metric: {key: value}} from "BENCH <metric> median=<v> ..." lines;
    numbers become int or float, a later line for a metric replaces an earlier one."""
    found = {}
    for line in guest_lines(output, keep_volatile=True):
        m = _BENCH.match(line)
        if m:
            found[m.group(1)] = {k: _number(v) for k, v in _KV.findall(m.group(2))}
    return found
