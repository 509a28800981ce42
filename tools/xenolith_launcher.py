"""Boot a Xen PV guest as Domain 0 of Xenolith or of the real Xen 4.17 under QEMU.

The host-side half of `tools/xenolith`: it hides QEMU's flags, streams the
serial console, and turns however the machine ended into one exit code, so
that a shell script or a pytest can tell a clean poweroff from a crash or a
hang without reading the log.  Python 3 standard library only.

Exit codes (also in README.md and `xenolith run --help`):
"""
import argparse
import atexit
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

EXIT_POWEROFF = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_GUEST_CRASH = 10
EXIT_HV_PANIC = 11
EXIT_GUEST_REBOOT = 12
EXIT_TIMEOUT = 124

EXIT_CODES_HELP = """\
exit codes:
  0    Dom0 powered off (clean end)
  1    other failure (QEMU missing or too old, failed to start, unexpected exit)
  2    usage error
  10   Dom0 crashed
  11   hypervisor panic (also: a bad Dom0 image the hypervisor refused,
       a machine reset nobody asked for)
  12   Dom0 asked for a reboot
  124  timeout (the machine was killed)
"""
__doc__ += EXIT_CODES_HELP

QEMU_MIN_MAJOR = 8

# Xenolith reports its outcome by writing one byte to the isa-debug-exit port;
# QEMU then exits with (byte << 1) | 1.
DEBUG_EXIT_PORT = 0xF4
XENOLITH_DEBUG_EXIT = {
    (0x10 << 1) | 1: (EXIT_POWEROFF, "Dom0 powered off"),
    (0x11 << 1) | 1: (EXIT_GUEST_CRASH, "Dom0 crashed"),
    (0x12 << 1) | 1: (EXIT_HV_PANIC, "hypervisor panic"),
    (0x13 << 1) | 1: (EXIT_GUEST_REBOOT, "Dom0 asked for a reboot"),
}

# Xen 4.17 with `noreboot` halts the CPUs instead of powering off or resetting,
# so QEMU never exits by itself: the outcome is read from Xen's own console
# messages (xen/common/shutdown.c, xen/drivers/char/console.c of 4.17).
XEN_MARKS = [
    (re.compile(r"Hardware Dom\d+ halted"), EXIT_POWEROFF, "Dom0 powered off"),
    (re.compile(r"Hardware Dom\d+ crashed"), EXIT_GUEST_CRASH, "Dom0 crashed"),
    (re.compile(r"Hardware Dom\d+ shutdown: (watchdog )?rebooting"), EXIT_GUEST_REBOOT,
     "Dom0 asked for a reboot"),
    (re.compile(r"Panic on CPU \d+"), EXIT_HV_PANIC, "hypervisor panic"),
    # A Dom0 with ACPI (Linux) powers the machine off itself; Xen then says:
    (re.compile(r"Entering ACPI S5 state"), EXIT_POWEROFF, "Dom0 powered off (ACPI S5)"),
]

# After an outcome line Xen still prints a few lines (the panic text, the
# 'noreboot' notice); keep reading this long before stopping the machine.
XEN_GRACE_S = 1.0

HV_IMAGES = {
    "xenolith": os.path.join(ROOT, "build", "hv", "xenolith.elf"),
    "xen": os.path.join(ROOT, ".cache", "xen", "xen-4.17"),
}


@dataclass
class Result:
    """How one run ended: `code` is the launcher's exit code, `output` the
    serial console (and QEMU's own messages) with carriage returns removed."""
    code: int
    output: str
    reason: str = ""
    qemu_rc: Optional[int] = None
    command: List[str] = field(default_factory=list)

    def lines(self):
        return self.output.splitlines()


class LaunchError(Exception):
    """A run that could not start; `code` is the exit code to report."""

    def __init__(self, message, code=EXIT_FAILURE):
        super().__init__(message)
        self.code = code


def qemu_binary():
    return os.environ.get("XENOLITH_QEMU", "qemu-system-x86_64")


def check_qemu(qemu):
    """Return QEMU's (major, minor); raise LaunchError if missing or older than 8.0
    (7.2 under TCG reports a wrong error code for `int $N` through a ring-0 gate,
    which PV trap reflection depends on)."""
    if shutil.which(qemu) is None:
        raise LaunchError(f"{qemu} not found; run tools/setup-debian.sh")
    out = subprocess.run([qemu, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"version (\d+)\.(\d+)", out)
    if not m:
        raise LaunchError(f"cannot read the version of {qemu}: {out.strip()!r}")
    version = (int(m.group(1)), int(m.group(2)))
    if version[0] < QEMU_MIN_MAJOR:
        raise LaunchError(f"{qemu} is version {version[0]}.{version[1]}; Xenolith needs "
                          f"QEMU {QEMU_MIN_MAJOR}.0 or newer (tools/setup-debian.sh installs "
                          "it from bookworm-backports)")
    return version


def default_hv_cmdline(hv, mem_mib, cpus):
    """The hypervisor command line used when --hv-cmdline is not given. Neither
    names dom0_max_vcpus: both hypervisors give Dom0 one vCPU per CPU."""
    if hv == "xen":
        line = (f"console=com1 com1=115200,8n1 dom0_mem={mem_mib}M,max:{mem_mib}M "
                f"loglvl=all guest_loglvl=all noreboot sched=credit")
        # Under TCG Xen 4.17's lazy FPU switching between several vCPUs crashed Dom0's
        # processes; eager switching does not.
        return line + (" spec-ctrl=eager-fpu" if cpus > 1 else "")
    return f"console=com1 loglvl=all dom0_mem={mem_mib}M noreboot"


def module_arg(guest, cmdline="", initrd=None, domu=None, domu_cmdline=""):
    """The -initrd value: multiboot modules separated by ',', each "path args".

    QEMU splits on ',' and reads ',,' as a literal comma, so commas in the
    guest command line are doubled.  The paths themselves cannot be escaped
    that way for the space (the path ends at the first space), so a path
    with a space or a comma is refused.  `domu` (Xenolith's boot DomU, the
    last module) comes after the initrd, with its own command line."""
    for path in [guest] + [p for p in (initrd, domu) if p]:
        if any(c in path for c in " \t,"):
            raise LaunchError(f"path {path!r} contains a space or comma, which QEMU's "
                              "-initrd cannot carry; move or link the file", EXIT_USAGE)

    def module(path, args):
        return path + (" " + args.replace(",", ",,") if args else "")
    return ",".join([module(guest, cmdline)] + ([initrd] if initrd else []) +
                    ([module(domu, domu_cmdline)] if domu else []))


def build_command(guest, hv="xenolith", hv_image=None, cmdline="", initrd=None,
                  mem_mib=32, cpus=1, accel="tcg", hv_cmdline=None, machine_mem_mib=None,
                  icount=False, gdb=False, qemu=None, iso=None, domu=None, domu_cmdline=""):
    """Return the QEMU argument vector for one run (nothing is checked on disk).

    With `iso` (a boot-loader CD image, e.g. from tools/make-grub-iso.sh) the
    machine boots that CD instead: the hypervisor, Dom0 and both command
    lines are the ISO's, so guest, hv_image, cmdline, initrd and hv_cmdline
    are ignored.  `domu` (Xenolith only): an ELF that Xenolith builds as
    domain 1 at boot, paused until Dom0 unpauses it ("domu" is added to the
    hypervisor command line)."""
    if machine_mem_mib is None:
        machine_mem_mib = max(512, mem_mib + 256)
    if hv_cmdline is None:
        hv_cmdline = default_hv_cmdline(hv, mem_mib, cpus)
    if domu and "domu" not in hv_cmdline.split():
        hv_cmdline += " domu"
    cmd = [qemu or qemu_binary(),
           "-M", "pc", "-m", str(machine_mem_mib), "-smp", str(cpus),
           "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
           "-device", f"isa-debug-exit,iobase={DEBUG_EXIT_PORT:#x},iosize=0x04"]
    if accel == "kvm":
        cmd += ["-accel", "kvm", "-cpu", "host"]
    elif icount:
        # Under -icount, QEMU 10 aborts with "Bad icount read" once the guest
        # drives the APIC in x2APIC mode (Xen 4.17 does at boot); without
        # x2APIC the guest uses the xAPIC MMIO page, which icount handles.
        cmd += ["-accel", "tcg", "-cpu", "max,-x2apic"]
    else:
        cmd += ["-accel", "tcg", "-cpu", "max"]
    if icount:
        cmd += ["-icount", "shift=0"]
    if gdb:
        cmd += ["-s", "-S"]
    if iso:
        cmd += ["-cdrom", iso, "-boot", "d"]
        return cmd
    cmd += ["-kernel", hv_image or HV_IMAGES[hv], "-append", hv_cmdline,
            "-initrd", module_arg(guest, cmdline, initrd, domu, domu_cmdline)]
    return cmd


def classify_exit(hv, rc):
    """Map QEMU's own exit status (no outcome seen on the console) to (code, reason)."""
    if rc < 0:
        return EXIT_FAILURE, f"QEMU killed by signal {-rc}"
    if hv == "xenolith" and rc in XENOLITH_DEBUG_EXIT:
        return XENOLITH_DEBUG_EXIT[rc]
    if rc == 0:
        # With -no-reboot a reset (triple fault, keyboard-controller reset)
        # also ends QEMU with 0; neither hypervisor powers off through ACPI
        # when Dom0 shuts down, so an exit 0 here is a reset nobody reported.
        return EXIT_HV_PANIC, "machine reset or powered off without reporting an outcome"
    if rc & 1 and rc > 1:
        return EXIT_FAILURE, f"unknown isa-debug-exit value {rc >> 1:#x}"
    return EXIT_FAILURE, f"QEMU failed (exit status {rc})"


def _stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(guest, hv="xenolith", timeout=300.0, stream=None, log=None, stdin=False, **options):
    """Boot `guest` as Dom0 and wait for the outcome; return a Result.

    `options` are build_command's; `stdin` True hands our standard input to
    the serial line (for Dom0's shell), else the machine gets none.  `stream` (a text file, e.g. sys.stdout)
    receives the console live; `log` is a path that receives it too.
    `timeout` <= 0 or None means no limit.  Raises LaunchError when the run
    cannot start (missing image or guest, QEMU missing or too old).  With the
    `iso` option, guest may be None: the ISO carries hypervisor and Dom0."""
    iso = options.get("iso")
    for what, path in (("guest", guest), ("initrd", options.get("initrd")), ("ISO", iso),
                       ("DomU", options.get("domu"))):
        if path and not os.path.isfile(path):
            raise LaunchError(f"{what} {path} not found", EXIT_USAGE)
    if not guest and not iso:
        raise LaunchError("no guest given (and no ISO)", EXIT_USAGE)
    image = options.get("hv_image") or HV_IMAGES[hv]
    if not iso and not os.path.isfile(image):
        hint = "run make" if hv == "xenolith" else "run tools/fetch-xen.sh"
        raise LaunchError(f"hypervisor image {image} not found; {hint}")
    check_qemu(options.get("qemu") or qemu_binary())
    cmd = build_command(guest, hv=hv, **options)

    logf = open(log, "w") if log else None
    out = []
    pending = b""
    code = reason = None
    grace_end = None
    start = time.monotonic()
    deadline = start + timeout if timeout and timeout > 0 else None

    def emit(text):
        out.append(text)
        if stream:
            stream.write(text)
            stream.flush()
        if logf:
            logf.write(text)
            logf.flush()

    proc = subprocess.Popen(cmd, stdin=None if stdin else subprocess.DEVNULL,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        fd = proc.stdout.fileno()
        while True:
            now = time.monotonic()
            if grace_end is not None and now >= grace_end:
                break
            if deadline is not None and now >= deadline and code is None:
                code, reason = EXIT_TIMEOUT, f"timeout after {timeout:g} s"
                break
            limits = [t - now for t in (grace_end, deadline) if t is not None]
            wait = max(0.0, min(limits)) if limits else None
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            pending += chunk.replace(b"\r", b"")
            *whole, pending = pending.split(b"\n")
            for raw in whole:
                line = raw.decode("utf-8", errors="replace")
                emit(line + "\n")
                if hv == "xen" and code is None:
                    for pattern, c, why in XEN_MARKS:
                        if pattern.search(line):
                            code, reason = c, why
                            grace_end = time.monotonic() + XEN_GRACE_S
                            break
        if pending:
            emit(pending.decode("utf-8", errors="replace") + "\n")
    finally:
        _stop(proc)
        proc.stdout.close()
        if logf:
            logf.close()

    qemu_rc = proc.returncode
    if code is None:
        code, reason = classify_exit(hv, qemu_rc)
    return Result(code=code, output="".join(out), reason=reason, qemu_rc=qemu_rc,
                  command=cmd)


# The Domain 0 toolstack (docs/toolstack.md) and what its initrd carries.
TOOLSTACK_REL = "build/toolstack/xl.elf"
_CFG_IMAGE = re.compile(r"""^\s*(kernel|ramdisk)\s*=\s*(["'])(.*?)\2""", re.M)


def _cpio_name(path):
    """The name a config's path gets in the initrd: as written, without leading ./ and /."""
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def _find_image(path, cfg):
    """A config's kernel or ramdisk on the host: absolute, or relative to the current
    directory, the config's directory or the source tree, in that order."""
    if os.path.isabs(path):
        return path if os.path.isfile(path) else None
    for base in (os.getcwd(), os.path.dirname(os.path.abspath(cfg)), ROOT):
        candidate = os.path.join(base, path)
        if os.path.isfile(candidate):
            return candidate
    return None


def toolstack_initrd(out, cfgs=(), commands=None, packed=()):
    """Write Dom0's initrd for the toolstack to `out`: a newc cpio with each config
    (by its file name), the kernel and ramdisk each names (under the path it
    writes), and xl.script: `create` for each config, then `commands`, then
    `exit`; with commands None the script only creates and the shell follows.
    `packed`: more configs to carry (with their images) without creating them.
    A config that cannot be read on the host is still packed as it is, so Dom0
    reports what is wrong with it; an image it names that is missing is an error."""
    entries, names = [], set()

    def add(name, host):
        if name not in names:
            names.add(name)
            entries.append(f"file:/{name}:{host}:0644")
    script = []
    for cfg in list(cfgs) + list(packed):
        if not os.path.isfile(cfg):
            raise LaunchError(f"config {cfg} not found", EXIT_USAGE)
        name = os.path.basename(cfg)
        add(name, cfg)
        if cfg in cfgs:
            script.append(f"create {name}")
        with open(cfg, errors="replace") as f:
            text = f.read()
        for _key, _q, path in _CFG_IMAGE.findall(text):
            host = _find_image(path, cfg)
            if host is None:
                raise LaunchError(f"{cfg}: {path} not found", EXIT_USAGE)
            add(_cpio_name(path), host)
    if commands is not None:
        script += list(commands) + ["exit"]
    script_path = out + ".script"
    with open(script_path, "w") as f:
        f.write("".join(line + "\n" for line in script))
    entries.append(f"file:/xl.script:{script_path}:0644")
    for e in entries:
        if any(c in e for c in " \t"):
            raise LaunchError(f"initrd entry {e!r}: spaces in paths are not supported",
                              EXIT_USAGE)
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mkcpio.py"), out] + entries,
                   check=True)
    os.unlink(script_path)
    return out


def _mem(text):
    value = int(text.upper().rstrip("M"))
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


# The Linux test image (tools/fetch-linux.sh) and how `run --linux` boots it.
LINUX_KERNEL_REL = ".cache/linux/vmlinuz"
LINUX_INITRD_REL = ".cache/linux/initrd.cpio"
LINUX_CMDLINE = "console=hvc0 earlyprintk=xen"
LINUX_MEM_MIB = 1024


def parser():
    ap = argparse.ArgumentParser(
        prog="xenolith",
        description="Run Xen PV guests on Xenolith (or on the real Xen 4.17) under QEMU.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXIT_CODES_HELP)
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser(
        "run", help="boot a guest ELF as Domain 0",
        description="Boot a Xen PV guest ELF as Domain 0 under QEMU; the serial console "
                    "goes to stdout.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXIT_CODES_HELP)
    r.add_argument("--guest", metavar="ELF",
                   help="Dom0 kernel (Xen PV ELF); required unless --iso is given")
    r.add_argument("--iso", metavar="FILE",
                   help="boot this CD image (-cdrom FILE -boot d) instead of loading the "
                        "hypervisor and Dom0 directly; see tools/make-grub-iso.sh. --hv "
                        "still picks how the outcome is read")
    r.add_argument("--linux", action="store_true",
                   help="boot the Linux test image of tools/fetch-linux.sh: --guest "
                        f"{LINUX_KERNEL_REL} --initrd {LINUX_INITRD_REL} --cmdline "
                        f"'{LINUX_CMDLINE}' --mem {LINUX_MEM_MIB} unless given otherwise")
    r.add_argument("--toolstack", action="store_true",
                   help=f"Dom0 is the toolstack ({TOOLSTACK_REL}, docs/toolstack.md): it "
                        "creates the --domu guests, runs the --xl commands and powers off, or "
                        "without --xl gives you its shell (our standard input)")
    r.add_argument("--domu", action="append", default=[], metavar="CFG",
                   help="with --toolstack: an xl.cfg; it, and the kernel and ramdisk it names, "
                        "go into Dom0's initrd and the guest is created at boot (repeatable)")
    r.add_argument("--xl", action="append", default=None, metavar="CMD",
                   help="with --toolstack: a shell command to run after the creates "
                        "(repeatable); Dom0 powers off after the last")
    r.add_argument("--initrd", metavar="F", help="module handed to Dom0 after the kernel")
    r.add_argument("--cmdline", default=None, metavar="S", help="Dom0 command line")
    r.add_argument("--mem", type=_mem, default=None, metavar="M",
                   help="Dom0 memory in MiB (default 32)")
    r.add_argument("--cpus", type=int, default=1, metavar="N",
                   help="machine CPUs and Dom0 vCPUs (default 1)")
    r.add_argument("--accel", choices=("tcg", "kvm"), default="tcg",
                   help="QEMU accelerator (default tcg; kvm uses -cpu host)")
    r.add_argument("--hv", choices=("xenolith", "xen"), default="xenolith",
                   help="hypervisor: Xenolith (build/hv/xenolith.elf) or Xen 4.17 "
                        "(.cache/xen/xen-4.17)")
    r.add_argument("--hv-image", metavar="F", help="hypervisor image to use instead")
    r.add_argument("--hv-cmdline", metavar="S",
                   help="hypervisor command line, replacing the default")
    r.add_argument("--machine-mem", type=_mem, metavar="MiB",
                   help="machine memory in MiB (default max(512, mem + 256))")
    r.add_argument("--timeout", type=float, default=None, metavar="SEC",
                   help="kill the machine after SEC seconds (default 300, none with --gdb; "
                        "0 = no limit)")
    r.add_argument("--icount", action="store_true",
                   help="deterministic instruction counting (-icount shift=0, CPU without "
                        "x2APIC), for benchmarks")
    r.add_argument("--log", metavar="FILE", help="also write the console to FILE")
    r.add_argument("--gdb", action="store_true",
                   help="wait for gdb on localhost:1234 before the first instruction (-s -S)")
    r.add_argument("--dry-run", action="store_true",
                   help="print the QEMU command line and exit")
    return ap


def main(argv=None):
    try:
        args = parser().parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code not in (0, None) else 0
    if args.linux:
        args.guest = args.guest or os.path.join(ROOT, LINUX_KERNEL_REL)
        args.initrd = args.initrd or os.path.join(ROOT, LINUX_INITRD_REL)
        args.cmdline = LINUX_CMDLINE if args.cmdline is None else args.cmdline
        args.mem = args.mem or LINUX_MEM_MIB
        if not os.path.isfile(args.guest) or not os.path.isfile(args.initrd):
            print("xenolith: the Linux test image is missing; run tools/fetch-linux.sh",
                  file=sys.stderr)
            return EXIT_USAGE
    if (args.domu or args.xl is not None) and not args.toolstack:
        print("xenolith: --domu and --xl need --toolstack", file=sys.stderr)
        return EXIT_USAGE
    if args.toolstack:
        args.guest = args.guest or os.path.join(ROOT, TOOLSTACK_REL)
        if args.initrd:
            print("xenolith: --toolstack makes Dom0's initrd itself; no --initrd",
                  file=sys.stderr)
            return EXIT_USAGE
        initrd_file = tempfile.NamedTemporaryFile(prefix="xenolith-toolstack-",
                                                  suffix=".cpio", delete=False)
        initrd_file.close()
        atexit.register(os.unlink, initrd_file.name)
        try:
            args.initrd = toolstack_initrd(initrd_file.name, args.domu, args.xl)
        except LaunchError as e:
            print(f"xenolith: {e}", file=sys.stderr)
            return e.code
    args.cmdline = args.cmdline or ""
    args.mem = args.mem or 32
    if args.cpus < 1:
        print("xenolith: --cpus must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if not args.guest and not args.iso:
        print("xenolith: run needs --guest ELF or --iso FILE", file=sys.stderr)
        return EXIT_USAGE
    options = dict(hv_image=args.hv_image, cmdline=args.cmdline, initrd=args.initrd,
                   mem_mib=args.mem, cpus=args.cpus, accel=args.accel,
                   hv_cmdline=args.hv_cmdline, machine_mem_mib=args.machine_mem,
                   icount=args.icount, gdb=args.gdb, iso=args.iso)
    timeout = args.timeout if args.timeout is not None else (0 if args.gdb else 300)
    try:
        if args.dry_run:
            print(" ".join(_quote(a) for a in build_command(args.guest, hv=args.hv, **options)))
            return 0
        if args.gdb:
            print("xenolith: waiting for gdb: target remote localhost:1234", file=sys.stderr)
        # QEMU runs in its own session, so Ctrl-C reaches only us and run()
        # stops QEMU on the way out.
        result = run(args.guest, hv=args.hv, timeout=timeout, stream=sys.stdout,
                     log=args.log, stdin=args.toolstack and args.xl is None, **options)
    except LaunchError as e:
        print(f"xenolith: {e}", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print("xenolith: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    print(f"xenolith: {result.reason} (exit {result.code})", file=sys.stderr)
    return result.code


def _quote(arg):
    return arg if re.fullmatch(r"[\w./:=,+-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"
