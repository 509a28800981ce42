"""Xen's credit scheduler with domains Dom0 builds (guests/crash mode=credit),
the same guest on Xen 4.17 (run with sched=credit) and on Xenolith. Dom0 has
its own image as initrd and builds CPU-bound DomUs from it with the
toolstack's builder; it measures their CPU time by getdomaininfo while it
sleeps, so the figures are the hypervisor's own accounting, not a clock of
the test's.

- weights: two DomUs that never block, weights 256 and 512, share one CPU:
  the second runs 1.5 to 2.5 times as long as the first (a loose check: the
  exact split is a bench figure, sched_weight_ratio). Under -icount, so that
  system time is instructions executed: on a loaded host QEMU stalls for
  100 ms and more, the running DomU is charged each stall whole and the
  debt bound (one slice) swallows it, which blurs any split towards 1:1
  (Xen's as ours); counted in instructions the run repeats exactly (both
  hypervisors: 1.94 over 3 s);
- caps: a DomU alone with a cap of 25 runs a quarter of the time (20-30%:
  it is parked once its debt passes its cap's share, until the share-outs
  paid it back), the CPU idle the rest;
- starvation: a DomU spinning with its events masked does not starve Dom0,
  which has every one of 50 timer events (counts, no clock)."""
import re

from sysrun import describe, guest_path

TIMEOUT_S = 180
WEIGHTS = re.compile(r"credit: weights (\d+) and (\d+): domain 1 ran (\d+) us, domain 2 ran "
                     r"(\d+) us in (\d+) ms; ratio (\d+\.\d+)")


def run_credit(boot, hv, test, extra="", tag="", icount=False):
    crash = guest_path("crash")
    return boot(hv, crash, cmdline=f"mode=credit role=dom0 test={test} {extra}".strip(),
                initrd=crash, timeout=TIMEOUT_S, tag=f"credit-{tag or test}", icount=icount)


def test_weights_256_512_split_the_cpu_1_to_2(boot, hv):
    result = run_credit(boot, hv, "weights", "w1=256 w2=512 ms=1500", icount=True)
    found = [WEIGHTS.fullmatch(l) for l in result.lines()]
    found = [m for m in found if m]
    assert len(found) == 1, f"no weights line on {hv}\n" + describe(result, tail=20)
    a, b = int(found[0].group(3)), int(found[0].group(4))
    assert a > 0 and b > 0, f"a DomU never ran on {hv}\n" + describe(result, tail=20)
    assert 1.5 <= b / a <= 2.5, (f"weights 256/512 on {hv}: domain 1 ran {a} us, domain 2 "
                                 f"{b} us (ratio {b / a:.3f}, want 1.5-2.5)\n"
                                 + describe(result, tail=20))
    assert result.code == 0, describe(result)


def test_equal_weights_are_not_1_to_2(boot):
    """The check above can fail: with equal weights the split is even (Xenolith)."""
    result = run_credit(boot, "xenolith", "weights", "w1=256 w2=256 ms=1500",
                        tag="equal-weights", icount=True)
    found = [m for m in (WEIGHTS.fullmatch(l) for l in result.lines()) if m]
    assert len(found) == 1, describe(result, tail=20)
    a, b = int(found[0].group(3)), int(found[0].group(4))
    assert a > 0 and 0.67 <= b / a <= 1.5, describe(result, tail=20)


CAP = re.compile(r"credit: cap (\d+): domain 1 ran (\d+) us in (\d+) ms")


def test_cap_25_holds_a_domain_to_a_quarter_of_the_cpu(boot, hv):
    result = run_credit(boot, hv, "cap", "cap=25 ms=1500", icount=True)
    found = [m for m in (CAP.fullmatch(l) for l in result.lines()) if m]
    assert len(found) == 1, f"no cap line on {hv}\n" + describe(result, tail=20)
    share = int(found[0].group(2)) / (int(found[0].group(3)) * 1000)
    assert 0.20 <= share <= 0.30, (f"cap 25 on {hv}: domain 1 ran {share:.3f} of the time\n"
                                   + describe(result, tail=20))
    assert result.code == 0, describe(result)


def test_masked_spinner_does_not_starve_dom0(boot, hv):
    result = run_credit(boot, hv, "starve", "n=50")
    lines = result.lines()
    assert ("credit: dom0 had 50 of 50 timer events while domain 1 spun with events masked"
            in lines), f"on {hv}\n" + describe(result, tail=20)
    assert "credit: domain 1 ran too meanwhile" in lines, f"on {hv}\n" + describe(result, tail=20)
    assert result.code == 0, describe(result)
