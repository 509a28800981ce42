"""The launcher's own behaviour, against a stand-in for QEMU: how each way a
machine can end becomes an exit code, the timeout, the version check and the
command line it builds.  No hypervisor is booted here, so these run in a second."""
import os
import stat
import sys
import textwrap
import time

import pytest

from sysrun import launcher

FAKE_QEMU = textwrap.dedent("""\
    #!{python}
    # Stand-in for qemu-system-x86_64, driven by FAKE_* environment variables.
    import os, sys, time
    if "--version" in sys.argv:
        print("QEMU emulator version " + os.environ.get("FAKE_VERSION", "10.0.2"))
        sys.exit(0)
    with open(os.environ["FAKE_ARGV"], "w") as f:
        f.write("\\0".join(sys.argv[1:]))
    sys.stdout.write(os.environ.get("FAKE_OUTPUT", "").replace("\\\\n", "\\r\\n"))
    sys.stdout.flush()
    time.sleep(float(os.environ.get("FAKE_SLEEP", "0")))
    sys.exit(int(os.environ.get("FAKE_RC", "0")))
""")


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """Return run(hv, output, rc, sleep, version, **kw) -> (Result, argv)."""
    qemu = tmp_path / "qemu-system-x86_64"
    qemu.write_text(FAKE_QEMU.format(python=sys.executable))
    qemu.chmod(qemu.stat().st_mode | stat.S_IXUSR)
    guest = tmp_path / "guest.elf"
    guest.write_bytes(b"\x7fELF")
    image = tmp_path / "hv.elf"
    image.write_bytes(b"\x7fELF")
    argv_file = tmp_path / "argv"
    monkeypatch.setenv("XENOLITH_QEMU", str(qemu))
    monkeypatch.setenv("FAKE_ARGV", str(argv_file))

    def run(hv="xenolith", output="", rc=0, sleep=0, version="10.0.2", timeout=20, **kw):
        monkeypatch.setenv("FAKE_OUTPUT", output)
        monkeypatch.setenv("FAKE_RC", str(rc))
        monkeypatch.setenv("FAKE_SLEEP", str(sleep))
        monkeypatch.setenv("FAKE_VERSION", version)
        result = launcher.run(str(guest), hv=hv, hv_image=str(image), timeout=timeout, **kw)
        argv = argv_file.read_text().split("\0") if argv_file.exists() else None
        return result, argv
    return run


@pytest.mark.parametrize("byte,code", [(0x10, 0), (0x11, 10), (0x12, 11), (0x13, 12)])
def test_xenolith_debug_exit_codes(fake, byte, code):
    result, _ = fake(output="(HV) bye\\n", rc=(byte << 1) | 1)
    assert result.code == code
    assert result.output == "(HV) bye\n"  # carriage returns dropped


@pytest.mark.parametrize("rc,code", [(0, 11), (1, 1), (0x77 << 1 | 1, 1)])
def test_xenolith_unreported_ends(fake, rc, code):
    # QEMU exit 0 is a reset under -no-reboot: Xenolith always reports through the port.
    result, _ = fake(rc=rc)
    assert result.code == code, result.reason


@pytest.mark.parametrize("line,code", [
    ("(XEN) Hardware Dom0 halted: halting machine", 0),
    ("(XEN) Hardware Dom0 crashed: 'noreboot' set - not rebooting.", 10),
    ("(XEN) Panic on CPU 0:", 11),
    ("(XEN) Hardware Dom0 shutdown: rebooting machine", 12),
    ("(XEN) Entering ACPI S5 state.", 0),      # a Dom0 with ACPI (Linux) powers off
])
def test_xen_console_outcomes(fake, line, code):
    # Xen halts instead of exiting: the launcher must stop QEMU itself, soon.
    start = time.monotonic()
    result, _ = fake(hv="xen", output=f"guest line\\n{line}\\n(XEN) after\\n", sleep=30)
    assert result.code == code, result.reason
    assert time.monotonic() - start < 10
    assert "(XEN) after" in result.output  # the grace period keeps trailing lines


def test_timeout(fake):
    start = time.monotonic()
    result, _ = fake(hv="xen", output="(XEN) still booting\\n", sleep=30, timeout=1)
    assert result.code == 124
    assert time.monotonic() - start < 10


def test_old_qemu_refused(fake):
    with pytest.raises(launcher.LaunchError, match="needs QEMU 8.0"):
        fake(version="7.2.19")


def test_command_line(fake):
    result, argv = fake(cmdline="a,b c", mem_mib=64, cpus=2, icount=True, rc=0x21)
    assert result.code == 0
    assert argv[argv.index("-initrd") + 1].endswith("guest.elf a,,b c")
    assert argv[argv.index("-append") + 1] == \
        "console=com1 loglvl=all dom0_mem=64M noreboot"
    assert argv[argv.index("-smp") + 1] == "2"
    assert argv[argv.index("-icount") + 1] == "shift=0"
    assert argv[argv.index("-cpu") + 1] == "max,-x2apic"  # QEMU's icount + x2APIC abort
    assert "isa-debug-exit,iobase=0xf4,iosize=0x04" in argv
    assert "-s" not in argv and "-S" not in argv


def test_xen_command_line_and_initrd():
    argv = launcher.build_command("g.elf", hv="xen", mem_mib=48, cpus=1, initrd="r.img",
                                  accel="kvm", gdb=True, qemu="q")
    assert argv[argv.index("-append") + 1] == (
        "console=com1 com1=115200,8n1 dom0_mem=48M,max:48M loglvl=all guest_loglvl=all "
        "noreboot sched=credit")
    assert argv[argv.index("-initrd") + 1] == "g.elf,r.img"
    assert argv[argv.index("-cpu") + 1] == "host" and "-s" in argv and "-S" in argv


def test_path_with_comma_refused():
    with pytest.raises(launcher.LaunchError) as err:
        launcher.module_arg("a,b.elf")
    assert err.value.code == launcher.EXIT_USAGE


def test_cli_usage_error_code():
    assert launcher.main(["run"]) == 2
    assert launcher.main(["run", "--guest", os.devnull, "--cpus", "0"]) == 2


def test_missing_initramfs_is_a_usage_error(tmp_path):
    # A missing initramfs stops the run before QEMU starts, naming the file.
    guest = tmp_path / "guest.elf"
    guest.write_bytes(b"\x7fELF")
    with pytest.raises(launcher.LaunchError, match="initrd .*no-such.cpio not found") as err:
        launcher.run(str(guest), initrd=str(tmp_path / "no-such.cpio"))
    assert err.value.code == launcher.EXIT_USAGE
    assert launcher.main(["run", "--guest", str(guest), "--initrd",
                          str(tmp_path / "no-such.cpio")]) == 2


def test_linux_shorthand(tmp_path, monkeypatch, capsys):
    # `run --linux` fills in the Linux test image, its command line and 1 GiB.
    monkeypatch.setattr(launcher, "ROOT", str(tmp_path))
    assert launcher.main(["run", "--linux", "--dry-run"]) == 2       # not fetched
    (tmp_path / ".cache" / "linux").mkdir(parents=True)
    for name in ("vmlinuz", "initrd.cpio"):
        (tmp_path / ".cache" / "linux" / name).write_bytes(b"x")
    capsys.readouterr()
    assert launcher.main(["run", "--linux", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dom0_mem=1024M" in out and "console=hvc0 earlyprintk=xen" in out
    assert "initrd.cpio" in out and "vmlinuz" in out
