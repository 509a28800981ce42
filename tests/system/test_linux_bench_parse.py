"""The Linux benchmark's result handling (bench/linux_bench.py), on recorded
console text: no QEMU and no timing here, only parsing, ratios and reports."""
import os
import sys

from sysrun import ROOT

sys.path.insert(0, os.path.join(ROOT, "bench"))
import linux_bench  # noqa: E402

NATIVE = """\
[    0.000000] Linux version 6.1.0-57-amd64
LBENCH-INFO hypervisor=none kernel=6.1.0-57-amd64 cpus=1 memtotal_kB=466396 clocksource=tsc
LBENCH-BEGIN samples=7 scale=1
LBENCH syscall_null_ns 338.0 min=338.0 max=356.2 samples=7 batch=2000
LBENCH page_fault_ns 6863.0 min=6862.8 max=6869.1 samples=7 batch=1024
[   3.5] random: crng init done
LBENCH fork_exit_us 252.8 min=249.5 max=270.0 samples=7 batch=20
LBENCH-END ok
LBENCH-STATUS 0
"""

XEN = """\
(XEN) Xen version 4.17.7
LBENCH-INFO hypervisor=xen kernel=6.1.0-57-amd64 cpus=1 memtotal_kB=399024 clocksource=tsc
LBENCH-BEGIN samples=7 scale=1
LBENCH syscall_null_ns 1338.0 min=1300 max=1400 samples=7 batch=2000
(XEN) some hypervisor chatter
LBENCH page_fault_ns 10863 min=1 max=2 samples=7 batch=1024
LBENCH fork_exit_us 502.8 min=1 max=2 samples=7 batch=20
LBENCH-END ok
(XEN) Entering ACPI S5 state.
"""

CRASHED = """\
(HV) starting Domain 0
(HV) d0v0: unhandled exception 13 (no guest handler)
(HV) domain 0 crashed: exception without a guest handler
(HV) halting the machine (noreboot)
"""


def test_parse_reads_figures_info_and_end():
    run = linux_bench.parse(NATIVE)
    assert run["begun"] and run["end"] == "ok" and run["errors"] == []
    assert run["figures"] == {"syscall_null_ns": 338.0, "page_fault_ns": 6863.0,
                              "fork_exit_us": 252.8}
    assert run["info"]["hypervisor"] == "none" and run["info"]["clocksource"] == "tsc"


def test_parse_ignores_hypervisor_lines_and_finds_lines_after_kernel_text():
    run = linux_bench.parse(XEN + "[  9.1] xen: LBENCH memcpy_1MiB_us 12.5 samples=7\n")
    assert run["figures"]["memcpy_1MiB_us"] == 12.5
    assert run["info"]["hypervisor"] == "xen"


def test_parse_of_an_unfinished_run():
    text = "LBENCH-BEGIN samples=7 scale=1\nLBENCH-ERROR fork_exec_us exec of self: " \
           "Exec format error\nLBENCH syscall_null_ns 12 samples=7\nLBENCH-END errors=1\n"
    run = linux_bench.parse(text)
    assert run["end"] == "errors=1"
    assert run["errors"] == ["fork_exec_us exec of self: Exec format error"]
    assert linux_bench.parse("LBENCH-BEGIN samples=7\n")["end"] is None
    assert not linux_bench.parse(CRASHED)["begun"]


def test_why_stopped_prefers_the_crash_line():
    assert linux_bench.why_stopped(CRASHED, "exit 10") == \
        "(HV) domain 0 crashed: exception without a guest handler"
    assert linux_bench.why_stopped("[ 1.0] Kernel panic - not syncing: VFS\n", "x") == \
        "[ 1.0] Kernel panic - not syncing: VFS"
    assert linux_bench.why_stopped("hello\nlast words\n", "exit 124 (timeout)") == \
        "exit 124 (timeout); last console line: last words"
    assert linux_bench.why_stopped("", "exit 1") == "exit 1; no console output"


def _column(text):
    figures = linux_bench.parse(text)["figures"]
    return {"status": "ok", "figures": {m: {"median": v, "runs": [v]} for m, v in figures.items()}}


def test_compare_without_xenolith_figures():
    cols = {"native": _column(NATIVE), "xen": _column(XEN),
            "xenolith": {"status": "did not boot", "reason": "(HV) domain 0 crashed: x"}}
    out = linux_bench.compare(cols)
    assert out["ratio_xen_over_native"]["syscall_null_ns"] == 1338.0 / 338.0
    assert "ratio_xenolith_over_native" not in out
    assert "ratio_xenolith_over_xen" not in out
    entry = {"runs": 1, "columns": cols}
    entry.update(out)
    md = linux_bench.table({"modes": {"wall": entry}}, "wall")
    assert "| `syscall_null_ns` | 338 | 1338 | 3.96 | did not boot | - | - |" in md
    assert "Xenolith Dom0: did not boot ((HV) domain 0 crashed: x)" in md


def test_compare_targets_and_overhead_share():
    ours = _column(XEN)
    ours["figures"]["syscall_null_ns"]["median"] = 838.0      # half of Xen's overhead
    ours["figures"]["page_fault_ns"]["median"] = 20000.0      # worse than Xen
    out = linux_bench.compare({"native": _column(NATIVE), "xen": _column(XEN), "xenolith": ours})
    assert out["overhead_share_xenolith_of_xen"]["syscall_null_ns"] == 0.5
    assert out["stretch_half_xen_overhead"] == {"syscall_null_ns": True, "page_fault_ns": False}
    assert out["target_at_most_xen"] == {"fork_exit_us": True, "page_fault_ns": False,
                                         "syscall_null_ns": True}


def test_plot_is_svg_with_a_note_for_a_target_that_did_not_boot():
    cols = {"native": _column(NATIVE), "xen": _column(XEN),
            "xenolith": {"status": "did not boot", "reason": "(HV) domain 0 crashed: x"}}
    entry = {"runs": 3, "columns": cols}
    entry.update(linux_bench.compare(cols))
    svg = linux_bench.plot({"modes": {"wall": entry}})
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "syscall_null_ns" in svg and "3.96x" in svg
    assert "Xenolith Dom0: did not boot" in svg


def test_a_target_that_hangs_is_not_booted_again_in_the_next_view(monkeypatch):
    calls = []

    def fake_measure(target, icount, runs, timeout, samples, scale, log_dir, initrd):
        calls.append((target, icount))
        if target == "xenolith":
            return {"status": "did not boot", "exit": linux_bench.launcher.EXIT_TIMEOUT,
                    "reason": "exit 124 (timeout after 300 s); last console line: x"}
        if target == "xen" and not icount:
            return {"status": "did not boot", "exit": 10, "reason": "crashed"}
        return _column(NATIVE)

    monkeypatch.setattr(linux_bench, "build_initrd", lambda: "initrd")
    monkeypatch.setattr(linux_bench, "measure", fake_measure)
    section = linux_bench.measure_all([("wall", False, 3), ("icount", True, 1)],
                                      list(linux_bench.TARGETS), 300, 7, 1.0)
    assert calls == [("native", False), ("xen", False), ("xenolith", False),
                     ("native", True), ("xen", True)]
    later = section["modes"]["icount"]["columns"]["xenolith"]
    assert later["status"] == "did not boot" and "not tried again" in later["reason"]
    assert section["modes"]["icount"]["columns"]["xen"]["status"] == "ok"
