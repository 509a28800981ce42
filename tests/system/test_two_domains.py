"""Two domains at once: Xenolith builds a DomU from the last boot module
("domu" on its command line) and runs it beside Dom0 in 10 ms slices.
guests/crash mode=fpu-spin fills the XMM registers and the kernel GS base
with a per-domain pattern and checks them while the hypervisor switches back
and forth: any state that leaks from one domain into the other shows. Dom0
then waits for VIRQ_DOM_EXC, which tells it the DomU shut down."""
import re
import subprocess

import pytest

from sysrun import ROOT, describe, guest_path
import xenolith_launcher as launcher


def run_two(dom0_cmdline, domu_guest, domu_cmdline, timeout=120, cpus=1):
    cmd = launcher.build_command(guest_path("crash"), hv="xenolith", cpus=cpus,
                                 hv_cmdline=launcher.default_hv_cmdline("xenolith", 32, cpus) + " domu")
    modules = (f"{guest_path('crash')} {dom0_cmdline}," f"{domu_guest} {domu_cmdline}")
    cmd[cmd.index("-initrd") + 1] = modules
    proc = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=timeout)
    # The launcher's documented outcome code, not QEMU's raw exit status.
    code, _ = launcher.classify_exit("xenolith", proc.returncode)
    return code, proc.stdout.decode(errors="replace").replace("\r", "")


# On two CPUs the domains run at once, each on its own CPU (tests/system/test_smp.py shows it);
# the failsafe and BOOST tests below are about two domains sharing one CPU.
BOTH = pytest.mark.parametrize("cpus", [1, 2], ids=["1cpu", "2cpus"])


@BOTH
def test_state_survives_domain_switches(cpus):
    rc, out = run_two("mode=fpu-spin seed=1 ms=200 role=dom0", guest_path("crash"),
                      "mode=fpu-spin seed=2 ms=100 role=domu", cpus=cpus)
    lines = out.splitlines()
    dom0 = [l for l in lines if l.startswith("fpu-spin: pattern")]
    domu = [l for l in lines if l.startswith("(d1) fpu-spin: pattern")]
    assert dom0 and domu, "a domain did not finish its spin\n" + out[-3000:]
    assert "intact" in dom0[0] and "intact" in domu[0], "XMM/GS state leaked between domains\n" + out[-3000:]
    assert "fpu-spin: dom0 saw VIRQ_DOM_EXC" in lines, out[-3000:]
    assert "(HV) audit: domain 1: 0 mismatches" in lines, out[-3000:]
    assert "(HV) audit: domain 0: 0 mismatches" in lines, out[-3000:]
    assert rc == launcher.EXIT_POWEROFF, f"outcome {rc}, not a Dom0 poweroff\n" + out[-3000:]


@BOTH
def test_domu_gets_a_domu_start_info(cpus):
    rc, out = run_two("mode=fpu-spin seed=3 ms=10 role=dom0", guest_path("hello"), "hello domu",
                      cpus=cpus)
    lines = out.splitlines()
    assert "(d1) Hello from Xenolith domain unknown" in lines, out[-3000:]
    assert "(d1) start_info: flags=0" in lines, out[-3000:]          # not privileged
    assert "(d1) start_info: cmd_line=hello domu" in lines, out[-3000:]
    assert any(l.startswith("(d1) start_info: store_evtchn=") and not l.endswith("=0")
               for l in lines), out[-3000:]
    assert "(HV) domain 1 shutdown: poweroff" in lines, out[-3000:]
    assert "fpu-spin: dom0 saw VIRQ_DOM_EXC" in lines, out[-3000:]
    assert rc == launcher.EXIT_POWEROFF, out[-3000:]


# What Xen 4.17 answers an unprivileged PV domain (read from its sources):
# each interface's envelope, version and target checks come before privilege.
UNPRIV_ANSWERS = {
    "sysctl old version": -13,                  # -EACCES
    "sysctl": -1,                               # -EPERM
    "platform_op old version": -13,
    "platform_op": -1,
    "domctl old version": -13,
    "domctl missing domain": -3,                # -ESRCH before -EPERM
    "domctl domain 0": -1,
    "domctl createdomain": -1,
    "domctl destroydomain of domain 0": -1,     # privilege before domain_kill's checks
    "domctl destroydomain of itself": -1,       # -EPERM, not domain_kill's -EINVAL
    "domctl destroydomain missing domain": -3,
    "paging_domctl_cont missing domain": -3,
    "paging_domctl_cont domain 0": -1,
    "mca old version": -1,                      # mca checks privilege first
    "kexec status": -1,
    "hypfs get_version": -1,
    "xenoprof set_active": -1,
    "hvm get_mem_type of domain 0": -1,
    "hvm get_mem_type of itself": -22,          # -EINVAL: not an HVM domain
    "dm_op on domain 0": -22,
}


@BOTH
def test_unprivileged_domain_gets_xens_answers(cpus):
    rc, out = run_two("mode=fpu-spin seed=4 ms=10 role=dom0", guest_path("crash"), "mode=unpriv",
                      cpus=cpus)
    got = {}
    for line in out.splitlines():
        if line.startswith("(d1) unpriv: "):
            what, _, value = line[len("(d1) unpriv: "):].rpartition(" = ")
            got[what] = int(value)
    assert got == UNPRIV_ANSWERS, out[-3000:]
    assert "fpu-spin: dom0 saw VIRQ_DOM_EXC" in out.splitlines(), out[-3000:]
    assert rc == launcher.EXIT_POWEROFF, out[-3000:]


def test_failsafe_callback_after_a_domain_switch():
    """A selector whose LDT went away cannot be reloaded when the DomU's state
    comes back after Dom0 ran: Xen's answer is the failsafe callback."""
    # Dom0 stays runnable (wait=yield) until the DomU ends, so each DomU yield switches.
    rc, out = run_two("mode=fpu-spin seed=5 ms=10 role=dom0 wait=yield", guest_path("crash"),
                      "mode=failsafe")
    lines = out.splitlines()
    assert ("(d1) failsafe: entered after a domain switch, es 0xf in the frame, null in the callback"
            in lines), out[-3000:]
    assert "fpu-spin: dom0 saw VIRQ_DOM_EXC" in lines, out[-3000:]
    assert rc == launcher.EXIT_POWEROFF, out[-3000:]


WAKE_HANDLED = "wake: unpause 0, ready 1; dom0 handled 50 of 50 events from the spinning domain 1"


def wake_exchange(dom0_extra):
    """guests/crash mode=wake: Dom0 (its command line + dom0_extra) and a spinning
    boot DomU exchange 50 events. (lines, tail for messages, answers at once)."""
    crash = guest_path("crash")
    result = launcher.run(crash, hv="xenolith", timeout=180,
                          cmdline="mode=wake role=dom0 n=50 samples=11" + dom0_extra,
                          domu=crash, domu_cmdline="mode=wake role=domu n=50")
    lines = result.lines()
    out = "\n".join(lines[-60:])
    assert result.code == launcher.EXIT_POWEROFF, f"outcome {result.code}\n" + out
    assert "(d1) spin: bound, sending 50 events while spinning" in lines, out
    assert WAKE_HANDLED in lines, out
    sent = [l for l in lines if l.startswith("(d1) spin: sent 50 events and done; ")]
    assert len(sent) == 1, out
    m = re.fullmatch(r"\(d1\) spin: sent 50 events and done; (\d+) of 50 answered "
                     r"before the send returned", sent[0])
    assert m, out
    assert lines.index(WAKE_HANDLED) < lines.index(sent[0]), out
    return lines, out, int(m.group(1))


def test_event_to_blocked_dom0_preempts_a_spinning_domu():
    """Xen's credit BOOST: an event wakes a blocked Dom0 at once, however long
    the running DomU's slice still has. The DomU (guests/crash mode=wake)
    spins with its events open, never blocking, and exchanges 50 events with
    Dom0: each send waits for Dom0's answer, so none coalesce however slow
    the host. Woken by the send, Dom0 runs before the DomU's next instruction,
    answers and blocks: the answer is there when the DomU's send returns.
    Without BOOST Dom0 waits for the DomU's slice to end and no answer comes
    back at once (0 of 50). A host stall can make an exchange late (Dom0 loses
    its own slice to a time jump), so more than half is asked: counts, no
    clock. Dom0 first turns Xen's 1 ms switch rate limit off
    (XEN_SYSCTL_scheduler_op; with it the DomU, back on the CPU for less than
    1 ms when it sends, would keep the CPU: the next test)."""
    lines, out, at_once = wake_exchange(" ratelimit=0")
    assert "wake: rate limit 0 us: 0" in lines, out
    assert at_once > 25, out
    assert any(l.startswith("BENCH wake_latency_ns median=") for l in lines), out


def test_rate_limit_holds_a_woken_dom0_back():
    """Xen's context-switch rate limit (sched_ratelimit_us, 1000 us by default):
    the same exchange as above with the limit in force. The DomU is back on
    the CPU for far less than 1 ms when it sends again, so the BOOSTed Dom0
    waits until the DomU has run 1 ms: fewer than half of the answers are there
    when the send returns (0 of 50 on a quiet host; a host stall past 1 ms
    before a send lets that one through), and all 50 are still handled."""
    _, out, at_once = wake_exchange("")
    assert at_once < 25, out
