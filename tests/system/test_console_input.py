"""Serial input reaches Dom0 (VIRQ_CONSOLE, then CONSOLEIO_read), and typing
Ctrl-A three times hands the keyboard to the hypervisor's debug keys ('a' runs
the MMU audit) until the next triple Ctrl-A, as on Xen. The guest is
guests/crash in mode=echo, which prints each line back."""
import os
import select
import subprocess
import time

from sysrun import ROOT, guest_path
import xenolith_launcher as launcher

CTRL_A3 = b"\x01\x01\x01"


def read_until(proc, text, seen, timeout=30.0):
    """Collect serial output until `text` appears; returns all output so far."""
    end = time.time() + timeout
    while text not in seen[0]:
        left = end - time.time()
        if left <= 0 or proc.poll() is not None:
            break
        ready, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            seen[0] += chunk.decode(errors="replace").replace("\r", "")
    return seen[0]


def outcome(proc):
    """The launcher's documented exit code for how QEMU ended (not QEMU's raw status)."""
    return launcher.classify_exit("xenolith", proc.wait(timeout=30))[0]


def start_echo():
    """Boot Xenolith with Dom0 = guests/crash mode=echo; wait until it reads input."""
    cmd = launcher.build_command(guest_path("crash"), hv="xenolith", cmdline="mode=echo")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen = [""]
    assert "echo: ready" in read_until(proc, "echo: ready", seen), seen[0]
    return proc, seen


def type_keys(proc, keys):
    proc.stdin.write(keys)
    proc.stdin.flush()


def stop(proc):
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_serial_input_and_debug_keys():
    proc, seen = start_echo()
    try:
        type_keys(proc, b"hello xenolith\r")
        assert "echo: hello xenolith" in read_until(proc, "echo: hello xenolith", seen), seen[0]
        type_keys(proc, CTRL_A3)
        read_until(proc, "serial input to Xenolith", seen)
        type_keys(proc, b"a")
        out = read_until(proc, "mismatches", seen)
        assert "(HV) audit: domain 0: 0 mismatches" in out, out
        type_keys(proc, b"e")
        out = read_until(proc, "virq 0", seen)
        assert "d0 event channels (2-level):" in out, out
        assert "virq 0" in out, out                     # VIRQ_TIMER's port
        type_keys(proc, CTRL_A3)
        read_until(proc, "serial input to Dom0", seen)
        type_keys(proc, b"q\r")
        out = read_until(proc, "echo: bye", seen)
        assert "echo: bye" in out, out
        # The debug key went to the hypervisor, not to the guest.
        assert "echo: a" not in out, out
        assert outcome(proc) == launcher.EXIT_POWEROFF, out
    finally:
        stop(proc)


def test_debug_key_C_crash_dump():
    """Debug key 'C' makes the hypervisor fault on purpose: the fault handler
    must print its full dump (vector, registers, control registers, call trace)
    and stop the machine as a hypervisor panic (the launcher's exit 11)."""
    proc, seen = start_echo()
    try:
        type_keys(proc, CTRL_A3)
        read_until(proc, "serial input to Xenolith", seen)
        type_keys(proc, b"C")
        out = read_until(proc, "halting the machine", seen)
        for needed in ("FATAL hypervisor exception", "vector 13 (#GP", "current: d0v0",
                       "rip ffff82d0", "cr0 ", "call trace:", "Panic: the hypervisor stops here."):
            assert needed in out, f"{needed!r} missing from the crash dump\n{out}"
        assert outcome(proc) == launcher.EXIT_HV_PANIC, out
    finally:
        stop(proc)
