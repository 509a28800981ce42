"""The smoke test: hello boots as Dom0, greets, echoes its command line and
powers off, on Xenolith and on Xen 4.17."""
from sysrun import HELLO_CMDLINE, describe, guest_path, serial_log


def boot_hello(boot, hv):
    return boot(hv, guest_path("hello"), HELLO_CMDLINE)


def test_hello_powers_off(boot, hv):
    result = boot_hello(boot, hv)
    assert result.code == 0, f"hello on {hv} did not power off cleanly\n" + describe(result)


def test_hello_greets(boot, hv):
    result = boot_hello(boot, hv)
    lines = serial_log.guest_lines(result.output)
    assert "Hello from Xenolith domain 0" in lines, \
        f"no greeting from hello on {hv}\n" + describe(result)


def test_hello_gets_its_cmdline(boot, hv):
    result = boot_hello(boot, hv)
    lines = serial_log.guest_lines(result.output)
    assert f"start_info: cmd_line={HELLO_CMDLINE}" in lines, \
        f"hello on {hv} did not see its command line {HELLO_CMDLINE!r}\n" + describe(result)


def test_hello_under_icount(boot, hv):
    # The benchmarks' deterministic mode must boot too.
    result = boot(hv, guest_path("hello"), HELLO_CMDLINE, icount=True)
    assert result.code == 0, f"hello on {hv} with --icount did not power off\n" + describe(result)
    assert "Hello from Xenolith domain 0" in serial_log.guest_lines(result.output)
