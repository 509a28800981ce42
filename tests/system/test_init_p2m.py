"""Dom0's INIT_P2M note (XEN_ELFNOTE_INIT_P2M, Linux asks for 0x8000000000):
Xen 4.17 maps the P2M list there instead of in the bootstrap region, with its
own page tables, and reports it in start_info (mfn_list, first_p2m_pfn,
nr_p2m_frames). guests/hellop2m is hello with that note; its start_info and
a read of every list entry must be the same on both hypervisors."""
import re

import pytest

from sysrun import describe, guest_path, serial_log

P2M_VA = 0x8000000000


def test_hellop2m_reads_its_p2m_list(boot, hv):
    result = boot(hv, guest_path("hellop2m"))
    assert result.code == 0, f"hellop2m on {hv} did not power off\n" + describe(result)
    lines = serial_log.guest_lines(result.output)
    assert f"start_info: mfn_list={P2M_VA:#x}" in lines, describe(result)
    nr = [l for l in lines if l.startswith("start_info: nr_pages=")][0].split("=")[1]
    assert f"hello: P2M list has {nr} valid entries of {nr}" in lines, describe(result)


def test_hellop2m_same_on_both(boot, hv_image_ready):
    hv_image_ready("xen")
    ours = boot("xenolith", guest_path("hellop2m"))
    xen = boot("xen", guest_path("hellop2m"))
    assert serial_log.guest_lines(ours.output) == serial_log.guest_lines(xen.output), \
        "hellop2m prints something else on Xenolith than on Xen 4.17\n" + describe(ours)


@pytest.mark.parametrize("where,xen_says,ours_says", [
    # Inside the bootstrap region (hello's starts at 0).
    (0x200000, r"P->M table overlaps initial mapping", r"INIT_P2M list overlaps the initial"),
    # Non-canonical, and inside the hypervisor's L4 slots: Xen 4.17 walks its
    # own slot 256 there and stops on a BUG_ON in setup_pv_physmap(); we refuse.
    (0x0000800000000000, r"Xen BUG at arch/x86/pv/dom0_build.c", r"INIT_P2M list .* not canonical"),
    (0xffff800000000000, r"Xen BUG at arch/x86/pv/dom0_build.c",
     r"INIT_P2M list overlaps the hypervisor area"),
])
def test_impossible_init_p2m_is_refused(boot, hv, tmp_path, where, xen_says, ours_says):
    with open(guest_path("hellop2m"), "rb") as f:
        elf = f.read()
    note = b"Xen\0" + P2M_VA.to_bytes(8, "little")
    assert elf.count(note) == 1
    path = tmp_path / f"hellop2m-{where:#x}.elf"
    path.write_bytes(elf.replace(note, b"Xen\0" + where.to_bytes(8, "little")))
    result = boot(hv, str(path), timeout=60)
    assert result.code == 11, f"{hv} did not refuse INIT_P2M={where:#x}\n" + describe(result)
    pattern = xen_says if hv == "xen" else ours_says
    assert any(re.search(pattern, l) for l in serial_log.hv_lines(result.output)), \
        f"{hv} refused without a line matching {pattern!r}\n" + describe(result)
