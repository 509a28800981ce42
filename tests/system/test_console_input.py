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


def test_serial_input_and_debug_keys():
    cmd = launcher.build_command(guest_path("crash"), hv="xenolith", cmdline="mode=echo")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen = [""]
    try:
        assert "echo: ready" in read_until(proc, "echo: ready", seen), seen[0]
        proc.stdin.write(b"hello xenolith\r")
        proc.stdin.flush()
        assert "echo: hello xenolith" in read_until(proc, "echo: hello xenolith", seen), seen[0]
        proc.stdin.write(CTRL_A3)
        proc.stdin.flush()
        read_until(proc, "serial input to Xenolith", seen)
        proc.stdin.write(b"a")
        proc.stdin.flush()
        out = read_until(proc, "mismatches", seen)
        assert "(HV) audit: domain 0: 0 mismatches" in out, out
        proc.stdin.write(CTRL_A3)
        proc.stdin.flush()
        read_until(proc, "serial input to Dom0", seen)
        proc.stdin.write(b"q\r")
        proc.stdin.flush()
        out = read_until(proc, "echo: bye", seen)
        assert "echo: bye" in out, out
        # The debug key went to the hypervisor, not to the guest.
        assert "echo: a" not in out, out
        assert proc.wait(timeout=30) == 33, out          # isa-debug-exit: poweroff
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_debug_key_C_crash_dump():
    """Debug key 'C' makes the hypervisor fault on purpose: the fault handler
    must print its full dump (vector, registers, control registers, call trace)
    and stop the machine as a hypervisor panic (isa-debug-exit 0x12 -> 37)."""
    cmd = launcher.build_command(guest_path("crash"), hv="xenolith", cmdline="mode=echo")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen = [""]
    try:
        assert "echo: ready" in read_until(proc, "echo: ready", seen), seen[0]
        proc.stdin.write(CTRL_A3)
        proc.stdin.flush()
        read_until(proc, "serial input to Xenolith", seen)
        proc.stdin.write(b"C")
        proc.stdin.flush()
        out = read_until(proc, "halting the machine", seen)
        for needed in ("FATAL hypervisor exception", "vector 13 (#GP", "current: d0v0",
                       "rip ffff82d0", "cr0 ", "call trace:", "Panic: the hypervisor stops here."):
            assert needed in out, f"{needed!r} missing from the crash dump\n{out}"
        assert proc.wait(timeout=30) == 37, out          # isa-debug-exit: hypervisor panic
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
