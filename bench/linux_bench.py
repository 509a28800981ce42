#!/usr/bin/env python3
"""The Linux benchmark of issue 8: Debian's Linux 6.1 runs bench/linux/lbench.c
(a static program in its initramfs) natively under plain QEMU, as Dom0 of
Xen 4.17 and as Dom0 of Xenolith, under the same QEMU in the same run.

bench/run.py calls measure_all() (`python3 bench/run.py --only linux` runs
only this part); this file alone also turns a results file into the Markdown
table of bench/SPEC.md (`--table FILE`) or its SVG plot (`--plot FILE`).

A target that does not get Linux to the benchmark (today: Xenolith) is
recorded as {"status": "did not boot", "reason": <the log line that says
why>} instead of figures; the day Linux boots there, the same code records
its figures. Python 3 standard library only.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import serial_log  # noqa: E402
import svg_plot  # noqa: E402
import xenolith_launcher as launcher  # noqa: E402

TARGETS = ("native", "xen", "xenolith")
LABELS = {"native": "native Linux", "xen": "Xen 4.17 Dom0", "xenolith": "Xenolith Dom0"}
LINUX_DIR = os.path.join(ROOT, ".cache", "linux")
KERNEL = os.path.join(LINUX_DIR, "vmlinuz")
BUSYBOX = os.path.join(LINUX_DIR, "busybox")
LBENCH = os.path.join(ROOT, "build", "bench", "lbench")
INIT = os.path.join(ROOT, "bench", "linux", "init.sh")
INITRD = os.path.join(ROOT, "build", "bench", "lbench.cpio")
MKCPIO = os.path.join(ROOT, "tools", "mkcpio.py")
FETCH = os.path.join(ROOT, "tools", "fetch-linux.sh")

# The same memory for Linux everywhere: 512 MiB of RAM natively, a 512 MiB
# Dom0 on a 1 GiB machine under a hypervisor; one CPU.
LINUX_MEM_MIB = 512
MACHINE_MEM_MIB = 1024
# Kernel parameters common to all targets; lbench_n / lbench_s reach /init
# as environment (bench/linux/init.sh).
KERNEL_ARGS = "loglevel=4 panic=-1"
CONSOLE = {"native": "console=ttyS0", "xen": "console=hvc0 earlyprintk=xen",
           "xenolith": "console=hvc0 earlyprintk=xen"}

# A share of Xen's overhead is only computed where Xen adds at least this
# fraction to native (the CPU loop and memcpy differ by noise alone).
MIN_OVERHEAD = 0.02

# lbench's figures in the order it prints them (tables and plots use it;
# a figure not listed here comes after them).
METRICS = ("syscall_null_ns", "read_1byte_ns", "stat_ns", "open_close_ns", "pipe_roundtrip_us",
           "fork_exit_us", "fork_exec_us", "page_fault_ns", "mmap_touch_munmap_4MiB_us",
           "cpu_loop_1M_us", "memcpy_1MiB_us")

# Figures where issue 8's stretch target applies: at most half of Xen's
# overhead over native.
STRETCH = ("syscall_null_ns", "read_1byte_ns", "page_fault_ns")

_LINE = re.compile(r"^LBENCH\s+(\S+)\s+([-+0-9.eE]+)(?:\s|$)")
_INFO = re.compile(r"^LBENCH-INFO\s+(.*)$")
_ERROR = re.compile(r"^LBENCH-ERROR\s+(.*)$")
_END = re.compile(r"^LBENCH-END\s+(\S+)")
_KV = re.compile(r"(\w+)=(\S+)")
# Where a log says why Linux stopped, most telling first.
_WHY = [re.compile(p) for p in (
    r"domain \d+ crashed: .*", r"Kernel panic - not syncing: .*", r"Panic on CPU \d+.*",
    r"[Pp]anic: .*", r"unhandled exception .*", r"refus.*", r"not an ELF.*",
    r"Hardware Dom\d+ crashed.*")]


def parse(output):
    """Read one run's console: {"begun", "end", "info", "figures", "errors"}.

    "figures" maps each `LBENCH <metric> <value>` line to its value (a later
    line for the same metric wins); "end" is the word after LBENCH-END
    ("ok", "errors=N") or None when the program did not finish."""
    run = {"begun": False, "end": None, "info": {}, "figures": {}, "errors": []}
    for line in serial_log.guest_lines(output, keep_volatile=True):
        # Linux's console may put its own "[  12.3] ..." text before a line.
        at = line.find("LBENCH")
        if at < 0:
            continue
        line = line[at:]
        if line.startswith("LBENCH-BEGIN"):
            run["begun"] = True
        elif _INFO.match(line):
            run["info"] = dict(_KV.findall(_INFO.match(line).group(1)))
        elif _ERROR.match(line):
            run["errors"].append(_ERROR.match(line).group(1))
        elif _END.match(line):
            run["end"] = _END.match(line).group(1)
        else:
            m = _LINE.match(line)
            if m:
                try:
                    run["figures"][m.group(1)] = float(m.group(2))
                except ValueError:
                    pass
    return run


def why_stopped(output, fallback):
    """The one log line that best says why Linux did not reach the benchmark."""
    lines = [l.strip() for l in output.splitlines() if l.strip()]
    for pattern in _WHY:
        for line in lines:
            if pattern.search(line):
                return line
    guest = serial_log.guest_lines(output)
    return fallback + (f"; last console line: {guest[-1]}" if guest else "; no console output")


def build_initrd(out=INITRD):
    """Write the benchmark initramfs (busybox, lbench, bench/linux/init.sh) with
    tools/mkcpio.py, the builder of the Linux test image; return its path."""
    for path, hint in ((LBENCH, "run make"), (BUSYBOX, "run tools/fetch-linux.sh"),
                       (KERNEL, "run tools/fetch-linux.sh")):
        if not os.path.isfile(path):
            raise RuntimeError(f"{os.path.relpath(path, ROOT)} is missing; {hint}")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    entries = [f"file:/bin/busybox:{BUSYBOX}:0755", f"file:/bin/lbench:{LBENCH}:0755",
               f"file:/init:{INIT}:0755", "symlink:/bin/sh:busybox",
               "dir:/proc", "dir:/sys", "dir:/dev", "dir:/tmp", "dir:/sbin", "dir:/usr/bin",
               "dir:/usr/sbin", "nod:/dev/console:c:5:1", "nod:/dev/null:c:1:3",
               "nod:/dev/hvc0:c:229:0", "nod:/dev/ttyS0:c:4:64"]
    subprocess.run([sys.executable, MKCPIO, out + ".tmp"] + entries, check=True)
    os.replace(out + ".tmp", out)
    return out


def native_command(kernel, initrd, cmdline, icount):
    """Plain QEMU booting Linux with no hypervisor: the same machine type,
    CPU model and accelerator settings as the launcher uses for a hypervisor."""
    cpu = "max,-x2apic" if icount else "max"
    cmd = [launcher.qemu_binary(), "-M", "pc", "-m", str(LINUX_MEM_MIB), "-smp", "1",
           "-accel", "tcg", "-cpu", cpu, "-display", "none", "-monitor", "none",
           "-serial", "stdio", "-no-reboot", "-kernel", kernel, "-initrd", initrd,
           "-append", cmdline]
    if icount:
        cmd += ["-icount", "shift=0"]
    return cmd


def run_native(kernel, initrd, cmdline, icount, timeout):
    """Boot Linux under plain QEMU; return (output, exit code, reason). Linux
    powering off ends QEMU (ACPI); a panic reboots, which -no-reboot ends."""
    cmd = native_command(kernel, initrd, cmdline, icount)
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace").replace("\r", "")
        return out, launcher.EXIT_TIMEOUT, f"timeout after {timeout:g} s"
    out = p.stdout.decode("utf-8", "replace").replace("\r", "")
    return out, p.returncode, "QEMU exited" if p.returncode == 0 else \
        f"QEMU failed (exit status {p.returncode})"


def one_run(target, icount, timeout, samples, scale, initrd=INITRD, kernel=KERNEL):
    """Boot `target` once; return (parsed run, output, exit code, reason)."""
    cmdline = f"{CONSOLE[target]} {KERNEL_ARGS} lbench_n={samples} lbench_s={scale:g}"
    if target == "native":
        out, code, reason = run_native(kernel, initrd, cmdline, icount, timeout)
    else:
        res = launcher.run(kernel, hv=target, icount=icount, timeout=timeout, cmdline=cmdline,
                           initrd=initrd, mem_mib=LINUX_MEM_MIB,
                           machine_mem_mib=MACHINE_MEM_MIB)
        out, code, reason = res.output, res.code, res.reason
    return parse(out), out, code, reason


def measure(target, icount, runs, timeout, samples, scale, log_dir=None, initrd=INITRD):
    """Run `target` `runs` times. Returns {"status": "ok", "figures": {metric:
    {"median", "runs"}}, "info": ...}, or a status "did not boot" (Linux never
    started lbench) / "failed" (lbench started but did not finish) with the
    reason. A target that does not boot is not tried again in this mode."""
    samples_of, info = {}, {}
    mode = "icount" if icount else "wall"
    for i in range(runs):
        print(f"bench: linux {target} {mode} run {i + 1}/{runs}", flush=True)
        start = time.monotonic()
        run, out, code, reason = one_run(target, icount, timeout, samples, scale, initrd)
        if log_dir:
            os.makedirs(log_dir, exist_ok=True)
            with open(os.path.join(log_dir, f"linux-{target}-{mode}-{i + 1}.log"), "w") as f:
                f.write(out)
        print(f"bench: linux {target} {mode} run {i + 1}/{runs}: exit {code} ({reason}), "
              f"{len(run['figures'])} figures, {time.monotonic() - start:.0f} s", flush=True)
        if not run["begun"]:
            return {"status": "did not boot", "exit": code,
                    "reason": why_stopped(out, f"exit {code} ({reason})")}
        if run["end"] != "ok":
            detail = "; ".join(run["errors"]) or why_stopped(out, f"exit {code} ({reason})")
            return {"status": "failed", "exit": code,
                    "reason": f"lbench did not finish (end={run['end']}): {detail}",
                    "partial": run["figures"]}
        info = run["info"]
        for metric, value in run["figures"].items():
            samples_of.setdefault(metric, []).append(value)
    return {"status": "ok", "info": info,
            "figures": {m: {"median": statistics.median(v), "runs": v}
                        for m, v in samples_of.items()}}


def compare(columns):
    """Ratios and targets from {target: measure() result} (targets missing or
    without figures are left out): ratio_<t>_over_native, and when Xenolith
    has figures, ratio_xenolith_over_xen, the share of Xen's overhead over
    native that Xenolith has (stretch target: at most 0.5 on STRETCH), and
    which figures meet the target (at most Xen's)."""
    med = {t: {m: v["median"] for m, v in c.get("figures", {}).items()}
           for t, c in columns.items() if c.get("status") == "ok"}
    out = {}
    native = med.get("native", {})
    for t in ("xen", "xenolith"):
        if t in med and native:
            out[f"ratio_{t}_over_native"] = {m: med[t][m] / native[m] for m in sorted(med[t])
                                             if native.get(m)}
    if "xen" in med and "xenolith" in med:
        xen, ours = med["xen"], med["xenolith"]
        common = sorted(set(xen) & set(ours))
        out["ratio_xenolith_over_xen"] = {m: ours[m] / xen[m] for m in common if xen[m]}
        out["target_at_most_xen"] = {m: ours[m] <= xen[m] for m in common}
        if native:
            out["overhead_share_xenolith_of_xen"] = {
                m: (ours[m] - native[m]) / (xen[m] - native[m])
                for m in common if m in native and xen[m] > native[m] * (1 + MIN_OVERHEAD)}
            out["stretch_half_xen_overhead"] = {
                m: out["overhead_share_xenolith_of_xen"][m] <= 0.5
                for m in STRETCH if m in out["overhead_share_xenolith_of_xen"]}
    return out


def measure_all(modes, targets, timeout, samples, scale, log_dir=None):
    """Build the initramfs and measure every target in every mode, given as
    [(mode name, icount, runs)]. Returns the "linux" section of a results file."""
    initrd = build_initrd()
    version = open(os.path.join(LINUX_DIR, "version")).read().strip() \
        if os.path.isfile(os.path.join(LINUX_DIR, "version")) else "unknown"
    section = {"kernel": version, "samples_per_figure": samples, "scale": scale,
               "linux_mem_mib": LINUX_MEM_MIB, "machine_mem_mib": MACHINE_MEM_MIB,
               "modes": {}}
    hung = {}
    for mode, icount, runs in modes:
        columns = {}
        for t in targets:
            if t in hung:   # a hang costs the whole timeout: once is enough
                columns[t] = dict(hung[t], reason=hung[t]["reason"] + " (in an earlier view; "
                                  "not tried again)")
                continue
            columns[t] = measure(t, icount, runs, timeout, samples, scale, log_dir, initrd)
            if columns[t]["status"] != "ok" and columns[t].get("exit") == launcher.EXIT_TIMEOUT:
                hung[t] = columns[t]
        entry = {"runs": runs, "columns": columns}
        entry.update(compare(columns))
        section["modes"][mode] = entry
    return section


def ordered(names):
    """`names` in lbench's order, unknown ones last in their own order."""
    names = list(dict.fromkeys(names))
    return [m for m in METRICS if m in names] + [m for m in names if m not in METRICS]


def _fmt(v):
    if v >= 100:
        return f"{v:.0f}"
    return f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def table(section, mode):
    """Markdown table of one mode: each target's figure and its ratio to native."""
    entry = section["modes"][mode]
    cols = entry["columns"]
    present = [t for t in TARGETS if t in cols]
    metrics = ordered(m for t in present for m in cols[t].get("figures", {}))
    both = "xen" in present and "xenolith" in present
    head = ["metric"]
    for t in present:
        head.append(LABELS[t])
        if t != "native":
            head.append(f"{t} / native")
    if both:
        head.append("xenolith / xen")
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    for m in metrics:
        row = [f"`{m}`"]
        for t in present:
            c = cols[t]
            if c.get("status") != "ok":
                row.append(c.get("status", "?"))
            else:
                row.append(_fmt(c["figures"][m]["median"]) if m in c["figures"] else "-")
            if t != "native":
                r = entry.get(f"ratio_{t}_over_native", {}).get(m)
                row.append(f"{r:.2f}" if r is not None else "-")
        if both:
            r = entry.get("ratio_xenolith_over_xen", {}).get(m)
            row.append(f"{r:.2f}" if r is not None else "-")
        lines.append("| " + " | ".join(row) + " |")
    notes = [f"{LABELS[t]}: {cols[t]['status']} ({cols[t].get('reason', '')})"
             for t in present if cols[t].get("status") != "ok"]
    return "\n".join(lines + ([""] + notes if notes else []))


def plot(section, title="Linux 6.1 under QEMU TCG"):
    """SVG: per mode, each figure's ratio to native for Xen 4.17 and Xenolith."""
    panels = []
    for mode, entry in section["modes"].items():
        cols = entry["columns"]
        series, notes = [], []
        for t in ("xen", "xenolith"):
            if t not in cols:
                continue
            if cols[t].get("status") == "ok":
                series.append((LABELS[t], entry.get(f"ratio_{t}_over_native", {})))
            else:
                notes.append(f"{LABELS[t]}: {cols[t]['status']}, no figures — "
                             f"{cols[t].get('reason', '')}")
        metrics = ordered(m for c in cols.values() for m in c.get("figures", {}))
        panels.append({"title": f"{mode} view ({'-icount shift=0: path length' if mode == 'icount' else 'TCG wall clock'}), "
                                f"{entry['runs']} boot(s) per target",
                       "categories": metrics, "series": series, "notes": notes})
    return svg_plot.ratio_chart(title + ": time relative to native Linux (log scale, lower is better)",
                                panels)


def main():
    ap = argparse.ArgumentParser(description="Linux benchmark tables and plots from a results file")
    ap.add_argument("--table", metavar="FILE", help="print the Markdown tables of FILE's linux section")
    ap.add_argument("--plot", metavar="FILE", help="write FILE's plot next to it (.svg)")
    args = ap.parse_args()
    for path in filter(None, (args.table, args.plot)):
        with open(path) as f:
            section = json.load(f).get("linux")
        if not section or "modes" not in section:
            print(f"{path}: no linux section", file=sys.stderr)
            return 1
        if path == args.table:
            for mode in section["modes"]:
                print(f"**{mode}** (`{os.path.relpath(path, ROOT)}`)\n")
                print(table(section, mode) + "\n")
        if path == args.plot:
            out = os.path.splitext(path)[0] + "-linux.svg"
            with open(out, "w") as f:
                f.write(plot(section))
            print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
