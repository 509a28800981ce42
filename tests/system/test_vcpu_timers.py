"""A vCPU's timers follow it from CPU to CPU (issue 10): guests/xdom with
"vtimer" on two CPUs. Dom0 pins the DomU's vCPU to CPU0, where the DomU arms a
singleshot timer 1000 s ahead, and asks for the hypervisor's 'd' debug key
(XEN_SYSCTL_debug_keys), which says where each vCPU's timers are, checked
against the heap that should hold them; then Dom0 pins the DomU to CPU1, lets
it run there once without touching its timers, and dumps again: the same timer,
still armed, is in CPU1's heap now. On CPU1 the DomU's 1 ms sleeps all end by
their singleshot timer and a 1 ms periodic timer ticks."""
import re

from sysrun import guest_path, launcher


def dump_line(lines, marker, vcpu):
    """The hypervisor's timer line for `vcpu` in the dump that follows Dom0's `marker` line."""
    start = lines.index(marker)
    for line in lines[start:]:
        if line.startswith(f"(HV) {vcpu}: singleshot "):
            return line
    return None


def test_timers_follow_the_vcpu_to_another_cpu():
    xdom = guest_path("xdom")
    result = launcher.run(xdom, hv="xenolith", timeout=300, cpus=2, initrd=xdom, cmdline="vtimer")
    lines = result.lines()
    out = "\n".join(lines[-60:])
    before = "xdom vtimer: DomU on CPU0 (pin 0, there), timer armed 0; dump 1:"
    after = "xdom vtimer: DomU moved to CPU1 (pin 0, there) and ran there; dump 2:"
    assert before in lines and after in lines, out
    assert "xdom vtimer: dump 1 done: 0" in lines and "xdom vtimer: dump 2 done: 0" in lines, out
    on0 = dump_line(lines, before, "d1v0")
    on1 = dump_line(lines, after, "d1v0")
    assert on0 and re.match(r"\(HV\) d1v0: singleshot in CPU0's heap, due in \d+ ms; ", on0), out
    assert on1 and re.match(r"\(HV\) d1v0: singleshot in CPU1's heap, due in \d+ ms; "
                            r"periodic \(0 ms\) off \(CPU1\); poll off \(CPU1\)$", on1), out
    assert ("xdom vtimer: on CPU1: 20 of 20 sleeps ended by their timer, 10 periodic ticks "
            "(10 asked)") in lines, out
    assert "xdom vtimer: DomU back to every CPU: 0" in lines, out
    assert "Test result: SUCCESS" in lines, out
    assert result.code == launcher.EXIT_POWEROFF, out
