"""XEN_DOMCTL_destroydomain: Dom0 (guests/crash mode=destroy role=dom0)
destroys the boot DomU after it shut down, while Dom0 still maps one of the
DomU's grants and holds an interdomain channel to it. Xen's answers at each
stage (read from Xen 4.17's domain_kill and do_domctl; no toolstack creates a
DomU on Xen here, so they are checked on Xenolith only): 0 for a dead domain
that still exists, -ESRCH once it is freed; the mapped frame outlives its
domain until unmapped; the survivor's end of the channel becomes unbound. The
exact accounting: the hypervisor's free frames before it built the DomU (plus
the boot modules it releases after the build) equal those after the DomU is
freed, as the hypervisor logs them and as Dom0 reads them (mmu_audit's
free_frames)."""
import re
import subprocess

import pytest

from sysrun import ROOT, guest_path
import xenolith_launcher as launcher

GNTST_BAD_PAGE = -9

EXPECTED = {
    "destroy of itself": -22,                   # -EINVAL (domain_kill)
    "destroy of a missing domain": -3,          # -ESRCH
    "unpause domain 1": 0,
    "bound to the domu's port": 1,              # the DomU's xenstore port
    "map of the domu's grant": 0,
    "mapped page holds the pattern": 1,
    "domain 1 shut down": 1,
    "destroy of domain 1": 0,
    "VIRQ_DOM_EXC after the destroy": 1,
    "our end of the channel: status": 1,        # EVTCHNSTAT_unbound
    "our end of the channel: names domain": 1,
    "new map of the dead domain's grant": GNTST_BAD_PAGE,     # as Xen for a frame given back
    "foreign mmu_update naming the dead domain": -16,    # -EBUSY: as Xen for a frame given back
    "mapped page still holds the pattern": 1,
    "destroy again while its frame is mapped": 0,   # dead but not freed: Xen's 0
    "getdomaininfo of the dead domain: dying and shut down": 1,    # found until freed
    "getdomaininfo once it is freed": -3,       # -ESRCH: no domain at or above 1
    "unmap of the grant": 0,
    "destroy after the last frame went": -3,    # freed: -ESRCH
    "dom0 audit mismatches": 0,
}


def run(extra_hv=""):
    hv_cmdline = launcher.default_hv_cmdline("xenolith", 32, 1) + " domu " + extra_hv
    cmd = launcher.build_command(guest_path("crash"), hv="xenolith", hv_cmdline=hv_cmdline)
    cmd[cmd.index("-initrd") + 1] = (f"{guest_path('crash')} mode=destroy role=dom0,"
                                     f"{guest_path('crash')} mode=destroy role=domu")
    proc = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=180)
    code, _ = launcher.classify_exit("xenolith", proc.returncode)
    return code, proc.stdout.decode(errors="replace").replace("\r", "")


def answers(out):
    got = {}
    for line in out.splitlines():
        if line.startswith("destroy: ") and " = " in line:
            what, _, value = line[len("destroy: "):].rpartition(" = ")
            got[what] = int(value)
    return got


def one_number(pattern, out):
    found = re.findall(pattern, out)
    assert len(found) == 1, f"expected one line matching {pattern!r}\n" + out[-4000:]
    return int(found[0])


@pytest.mark.parametrize("budget", ["", "destroy_budget=16"])
def test_destroy_gives_every_frame_back(budget):
    rc, out = run(budget)
    got = answers(out)
    free = got.pop("frames free", None)
    assert got == EXPECTED, out[-4000:]
    assert "(d1) destroy: domu notified, powering off" in out, out[-4000:]
    before = one_number(r"\(HV\) domain 1: (\d+) frames free before it is created", out)
    # The boot modules (the DomU's image among them) go back after the DomU is built.
    modules = one_number(r"\(HV\) memory: (\d+) KiB of boot modules released", out) // 4
    freed = one_number(r"\(HV\) domain 1 freed: (\d+) frames free", out)
    assert before + modules == freed == free, (
        f"frames free before DomU {before} (+{modules} of boot modules), after freeing it "
        f"{freed}, Dom0 reads {free}\n" + out[-4000:])
    held = one_number(r"\(HV\) domain 1 destroyed \(\d+ continuations\): (\d+) frames still", out)
    assert held == 1, out[-4000:]                 # the granted page, until Dom0 unmapped it
    conts = one_number(r"\(HV\) domain 1 destroyed \((\d+) continuations\)", out)
    if budget:
        assert conts > 10, f"destroy_budget forces continuations, saw {conts}\n" + out[-4000:]
    assert "(HV) audit: domain 1: 0 mismatches" in out, out[-4000:]
    assert rc == launcher.EXIT_POWEROFF, out[-4000:]
