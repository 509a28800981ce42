"""Cross-check: the same guest prints the same lines on Xenolith and on the
real Xen 4.17.  Hypervisor log lines and "mfn:" lines (machine frames differ)
are left out; any other difference means one of us misreads the ABI."""
import pytest

from sysrun import HELLO_CMDLINE, describe, fail_unless_same_guest_lines, guest_path, serial_log


@pytest.mark.parametrize("name,cmdline", [("hello", HELLO_CMDLINE), ("selftest", "")])
def test_same_guest_lines(boot, hv_image_ready, name, cmdline):
    hv_image_ready("xen")
    guest = guest_path(name)
    fail_unless_same_guest_lines(boot("xen", guest, cmdline), boot("xenolith", guest, cmdline),
                                 f"{name}'s guest lines")


def test_hello_with_an_initrd_same_layout(boot, hv_image_ready, tmp_path_factory):
    """A second multiboot module is Dom0's initrd: both hypervisors place it
    in the bootstrap region after the kernel and report the same mod_start and
    mod_len (and everything after it moves the same way)."""
    hv_image_ready("xen")
    initrd = tmp_path_factory.mktemp("initrd") / "initrd.bin"
    initrd.write_bytes(bytes(range(256)) * 300 + b"end")        # 76803 bytes
    xen = boot("xen", guest_path("hello"), HELLO_CMDLINE, initrd=str(initrd), tag="initrd")
    ours = boot("xenolith", guest_path("hello"), HELLO_CMDLINE, initrd=str(initrd), tag="initrd")
    assert "start_info: mod_len=0x12c03" in serial_log.guest_lines(xen.output), describe(xen)
    fail_unless_same_guest_lines(xen, ours, "hello with an initrd")
