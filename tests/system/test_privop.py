"""Privileged-instruction emulation: an instruction the hypervisor does not
emulate gets #GP(0) (guests/selftest/privop.c checks that on both
hypervisors) and one Xenolith log line naming the domain, vCPU, RIP and the
instruction bytes, at a rate a guest cannot turn into a flood."""
import re

from sysrun import describe, guest_path, serial_log

REFUSED = re.compile(r"^\(HV\) d0v0 emulation refused at rip [0-9a-f]{16}:((?: [0-9a-f]{2})+)")


def _refusals(output):
    found = []
    for line in serial_log.hv_lines(output):
        m = REFUSED.match(line)
        if m:
            found.append(m.group(1).split())
    return found


def test_refused_instruction_is_logged(boot, hv_image_ready):
    """PRIV0100's `lgdt gdtr(%rip)` (0f 01 15 ...) is refused with its bytes in the log."""
    result = boot("xenolith", guest_path("selftest"))
    lgdt = [b for b in _refusals(result.output) if b[:3] == ["0f", "01", "15"]]
    assert lgdt, "no refusal line for lgdt\n" + describe(result, tail=20)


def test_refusal_log_is_rate_limited(boot, hv_image_ready):
    """PRIV0105 runs 200 `lgdt (%rbx)` (0f 01 13) in a row: some are logged, most are not."""
    result = boot("xenolith", guest_path("selftest"))
    burst = [b for b in _refusals(result.output) if b[:3] == ["0f", "01", "13"]]
    assert 1 <= len(burst) <= 100, \
        f"{len(burst)} refusal lines for 200 refused instructions\n" + describe(result, tail=20)
