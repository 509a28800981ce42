"""Xen's dom0_mem and dom0_max_vcpus options as Xen 4.17 reads them, and the
rule that an option the hypervisor does not know is reported, not ignored
in silence."""
import re

from sysrun import HELLO_CMDLINE, describe, guest_path, serial_log

XENOLITH_BASE = "console=com1 loglvl=all noreboot"
XEN_BASE = "console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all noreboot"


def _hv_cmdline(hv, extra):
    return f"{XENOLITH_BASE if hv == 'xenolith' else XEN_BASE} {extra}"


def _nr_pages(result):
    for line in serial_log.guest_lines(result.output):
        if line.startswith("start_info: nr_pages="):
            return int(line.split("=")[1], 16)
    return None


def test_dom0_mem_with_max(boot, hv):
    # The launcher's Xen form: an amount and the same maximum.
    result = boot(hv, guest_path("hello"), HELLO_CMDLINE, tag="mem96",
                  hv_cmdline=_hv_cmdline(hv, "dom0_mem=96M,max:96M"), machine_mem_mib=512)
    assert result.code == 0, describe(result)
    assert _nr_pages(result) == 96 << 8, describe(result)


def test_dom0_mem_max_lowers_the_amount(boot, hv):
    result = boot(hv, guest_path("hello"), HELLO_CMDLINE, tag="mem-max",
                  hv_cmdline=_hv_cmdline(hv, "dom0_mem=max:48M,200M"), machine_mem_mib=512)
    assert result.code == 0, describe(result)
    assert _nr_pages(result) == 48 << 8, describe(result)


def test_dom0_mem_min_raises_the_amount(boot, hv):
    result = boot(hv, guest_path("hello"), HELLO_CMDLINE, tag="mem-min",
                  hv_cmdline=_hv_cmdline(hv, "dom0_mem=min:80M,40M"), machine_mem_mib=512)
    assert result.code == 0, describe(result)
    assert _nr_pages(result) == 80 << 8, describe(result)


def test_dom0_mem_negative_leaves_the_rest(boot):
    # "-384M": all free memory but 384 MiB (the free amount is the host's own).
    result = boot("xenolith", guest_path("hello"), HELLO_CMDLINE, tag="mem-neg",
                  hv_cmdline=_hv_cmdline("xenolith", "dom0_mem=-384M"), machine_mem_mib=512)
    assert result.code == 0, describe(result)
    pages = _nr_pages(result)
    assert pages is not None and (32 << 8) < pages < (128 << 8), describe(result)


def test_dom0_mem_larger_than_the_machine(boot, hv):
    result = boot(hv, guest_path("hello"), HELLO_CMDLINE, tag="mem-huge", timeout=60,
                  hv_cmdline=_hv_cmdline(hv, "dom0_mem=2G,max:2G"), machine_mem_mib=512)
    if hv == "xen":
        # Xen 4.17 quietly gives Dom0 what there is.
        assert result.code == 0, describe(result)
        assert _nr_pages(result) < 512 << 8, describe(result)
        return
    # Xenolith refuses (docs/differences-from-xen.md): one line, a clean stop.
    assert result.code == 11, describe(result)
    said = [l for l in serial_log.hv_lines(result.output)
            if re.search(r"dom0_mem=2G,max:2G asks for 2048 MiB .* only \d+ MiB are free", l)]
    assert said, describe(result)


def test_unknown_option_is_reported(boot):
    result = boot("xenolith", guest_path("hello"), HELLO_CMDLINE, tag="unknown-opt",
                  hv_cmdline=_hv_cmdline("xenolith", "dom0_mem=32M frobnicate=3 dom0_max_vcpus=2"))
    assert result.code == 0, describe(result)
    hv = serial_log.hv_lines(result.output)
    assert sum("unknown option 'frobnicate' ignored" in l for l in hv) == 1, describe(result)
    assert not any("unknown option 'dom0_m" in l for l in hv), describe(result)
    assert any("Dom0 has maximum 2 VCPUs" in l for l in hv), describe(result)
    plain = boot("xenolith", guest_path("hello"), HELLO_CMDLINE)
    assert serial_log.guest_lines(result.output) == serial_log.guest_lines(plain.output)
