#!/usr/bin/env python3
"""Benchmark harness: run build/guests/bench.elf as Dom0 on Xenolith and on
Xen 4.17 under the same QEMU, and write both sets of figures and their ratio
to bench/results/<timestamp>.json; then the Linux benchmark (bench/linux_bench.py:
Debian's Linux 6.1 running bench/linux/lbench.c natively, as Dom0 of Xen 4.17
and as Dom0 of Xenolith) into the same file's "linux" section, with its plot
next to it (<timestamp>-linux.svg); and the domain figures (build/guests/lifecycle.elf
as Dom0 building DomUs with the toolstack's builder: creation time with its steps, the
interdomain event round trip on one CPU and on two, density) into its "lifecycle" section. --only guest|linux|lifecycle
runs one part; --only creation only the 16 MiB creation figures of the lifecycle part
(both hypervisors, with their steps; no 256 MiB, round trip or density: a few minutes).

Two modes per hypervisor:
  wall    TCG as is; the guest's figures vary with the host, so the guest is
          run --runs times and the median of each metric's median is kept;
  icount  QEMU -icount shift=0 (one instruction = one virtual ns), which makes
          the figures deterministic and comparable across hosts; one run.
For Xenolith (direct paging) the same run also boots guests/crash mode=wake
with a spinning boot DomU for the scheduler's wake-up latency (wake_run), and
for Xenolith and Xen 4.17 guests/crash mode=credit test=bench, whose Dom0
builds two CPU-bound DomUs: the split of weights 256/512 and Dom0's wake-up
latency beside two and one of them (credit_run).
The guest prints one line per metric (units in the name, see bench/SPEC.md):
    BENCH <metric> median=<value> [key=value ...]
ratio = xenolith / xen for each metric (below 1 is better for a time or
cycle count, above 1 for a throughput).  Python 3 standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import serial_log  # noqa: E402
import xenolith_launcher as launcher  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "bench"))
import linux_bench  # noqa: E402

BENCH_ELF = os.path.join(ROOT, "build", "guests", "bench.elf")
CRASH_ELF = os.path.join(ROOT, "build", "guests", "crash.elf")
LIFECYCLE_ELF = os.path.join(ROOT, "build", "guests", "lifecycle.elf")
# Density: 4 MiB DomUs until the builder fails, on a 6 GiB machine (QEMU puts 3 GiB of it above 4 GiB).
DENSITY_MACHINE_MIB = 6144
RESULTS = os.path.join(ROOT, "bench", "results")
HYPERVISORS = ("xenolith", "xen")
# What is measured: Xen 4.17, and Xenolith in each of its PV MMU modes
# (hypervisor, extra hypervisor command line).
VARIANTS = {
    "xenolith": ("xenolith", ""),                          # direct paging, emulated writable PTs
    "xenolith-batched": ("xenolith", "dom0_ptwr=batched"), # direct paging, batched writable PTs
    "xenolith-shadow": ("xenolith", "dom0_paging=shadow"), # shadow paging
    "xen": ("xen", ""),
}


def one_run(variant, guest, icount, timeout, cmdline):
    """Boot the bench guest once; return {metric: median} or raise RuntimeError."""
    hv, extra = VARIANTS[variant]
    options = {}
    if extra:
        options["hv_cmdline"] = launcher.default_hv_cmdline(hv, 32, 1) + " " + extra
    result = launcher.run(guest, hv=hv, icount=icount, timeout=timeout, cmdline=cmdline,
                          **options)
    if result.code != 0:
        tail = "\n".join(result.lines()[-20:])
        raise RuntimeError(f"{hv}: bench run ended with exit {result.code} "
                           f"({result.reason})\n{tail}")
    figures = {m: v["median"] for m, v in serial_log.bench_lines(result.output).items()
               if isinstance(v.get("median"), (int, float))}
    if not figures:
        raise RuntimeError(f"{hv}: bench printed no 'BENCH <metric> median=<v>' line")
    return figures


def wake_run(icount, timeout):
    """The scheduler's wake-up latency (Xenolith only: Xen 4.17 builds no DomU
    at boot): guests/crash mode=wake as Dom0 beside a CPU-bound boot DomU;
    Dom0 times singleshot-timer wake-ups while the DomU spins. {metric: median}."""
    result = launcher.run(CRASH_ELF, hv="xenolith", icount=icount, timeout=timeout,
                          cmdline="mode=wake role=dom0 n=50 samples=101",
                          domu=CRASH_ELF, domu_cmdline="mode=wake role=domu n=50")
    if result.code != 0:
        tail = "\n".join(result.lines()[-20:])
        raise RuntimeError(f"xenolith: wake run ended with exit {result.code} "
                           f"({result.reason})\n{tail}")
    return {m: v["median"] for m, v in serial_log.bench_lines(result.output).items()
            if isinstance(v.get("median"), (int, float))}


def lifecycle_run(hv, icount, timeout, cmdline, machine_mem=None, cpus=1):
    """Boot lifecycle.elf as Dom0 with itself as its initrd (the DomUs' image);
    return ({metric: median}, console output) or raise RuntimeError."""
    result = launcher.run(LIFECYCLE_ELF, hv=hv, icount=icount, timeout=timeout, cmdline=cmdline,
                          initrd=LIFECYCLE_ELF, machine_mem_mib=machine_mem, cpus=cpus)
    if result.code != 0:
        tail = "\n".join(result.lines()[-20:])
        raise RuntimeError(f"{hv}: lifecycle {cmdline} ended with exit {result.code} "
                           f"({result.reason})\n{tail}")
    figures = {m: v["median"] for m, v in serial_log.bench_lines(result.output).items()
               if isinstance(v.get("median"), (int, float))}
    if not figures:
        raise RuntimeError(f"{hv}: lifecycle {cmdline} printed no BENCH line")
    return figures, result.output


_STEP = re.compile(r"^STEP (\S+) (\S+) median=(\d+)", re.M)
_SCRUB = re.compile(r"^SCRUB (\S+) cleared_at_alloc=(\d+) scrubbed_idle=(\d+)", re.M)


def creation_details(output):
    """The STEP lines ({metric: {step: ns}}: where creation time went, per step
    of the builder and of Dom0's wait for the sign of life) and the SCRUB lines
    (Xenolith: {metric: {"cleared_at_alloc": frames, "scrubbed_idle": frames}},
    per creation) of one lifecycle boot."""
    steps, scrub = {}, {}
    for metric, step, ns in _STEP.findall(output):
        steps.setdefault(metric, {})[step] = int(ns)
    for metric, at_alloc, idle in _SCRUB.findall(output):
        scrub[metric] = {"cleared_at_alloc": int(at_alloc), "scrubbed_idle": int(idle)}
    return steps, scrub


def measure_lifecycle(modes, timeout, creation_only=False):
    """Domain creation and the interdomain round trip in each view (median of each
    boot's median), with creation's steps (median over the boots) and who cleared
    the frames (Xenolith); the round trip also on two CPUs (the DomUs pinned to
    one CPU, then to different ones); density once per hypervisor (wall clock; the
    count and the builder's reason for stopping). creation_only: the 16 MiB
    creation figures alone (lifecycle mode=bench-create)."""
    out = {"modes": {}, "density": {}}
    for mode, icount, runs in modes:
        figures, steps, scrub = {}, {}, {}
        for hv in HYPERVISORS:
            samples, step_samples = {}, {}
            for i in range(runs):
                print(f"bench: lifecycle {hv} {mode} run {i + 1}/{runs}", flush=True)
                if creation_only:
                    got, output = lifecycle_run(hv, icount, timeout, "mode=bench-create runs=5")
                else:
                    got, output = lifecycle_run(hv, icount, timeout, "mode=bench runs=5")
                    got2, _ = lifecycle_run(hv, icount, timeout, "mode=bench-rtt-2cpus", cpus=2)
                    got.update(got2)
                for metric, value in got.items():
                    samples.setdefault(metric, []).append(value)
                boot_steps, boot_scrub = creation_details(output)
                for metric, table in boot_steps.items():
                    for step, ns in table.items():
                        step_samples.setdefault(metric, {}).setdefault(step, []).append(ns)
                if boot_scrub:
                    scrub.setdefault(hv, []).append(boot_scrub)
            figures[hv] = {m: {"median": statistics.median(v), "runs": v}
                           for m, v in samples.items()}
            steps[hv] = {m: {step: statistics.median(v) for step, v in table.items()}
                         for m, table in step_samples.items()}
        out["modes"][mode] = {"runs": runs, "figures": figures,
                              "ratio_xenolith_over_xen": ratios(figures["xenolith"],
                                                                figures["xen"]),
                              "creation_steps_ns": steps, "frames_cleared_per_creation": scrub}
    for hv in () if creation_only else HYPERVISORS:
        print(f"bench: lifecycle {hv} density", flush=True)
        got, output = lifecycle_run(hv, False, timeout, "mode=bench-density",
                                    DENSITY_MACHINE_MIB)
        stop = [l for l in output.splitlines()
                if l.startswith("lifecycle: build:") or l.startswith("lifecycle: density")]
        out["density"][hv] = {"density_4MiB_guests": got.get("density_4MiB_guests"),
                              "machine_mib": DENSITY_MACHINE_MIB, "dom0_mib": 32,
                              "stopped_because": stop}
    return out


def measure_smp(runs, timeout):
    """The interdomain round trip with the two DomUs on the same CPU and on
    different CPUs of a two-CPU machine (lifecycle mode=bench-rtt-2cpus), wall
    clock: `runs` boots per hypervisor, alternating Xen 4.17 and Xenolith so
    both see the same host load; with each boot's host CPU time (QEMU's user +
    system seconds: what waiting by spinning costs the host). Then once each
    under icount (path lengths). {mode: {hv: {metric: {median, runs}}}}."""
    out = {}
    for mode, icount, n in (("wall", False, runs), ("icount", True, 1)):
        samples = {hv: {} for hv in HYPERVISORS}
        for i in range(n):
            for hv in HYPERVISORS:
                print(f"bench: smp {hv} {mode} run {i + 1}/{n}", flush=True)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                got, _ = lifecycle_run(hv, icount, timeout, "mode=bench-rtt-2cpus", cpus=2)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                got["host_cpu_s"] = round((after.ru_utime - before.ru_utime) +
                                          (after.ru_stime - before.ru_stime), 2)
                for metric, value in got.items():
                    samples[hv].setdefault(metric, []).append(value)
        figures = {hv: {m: {"median": statistics.median(v), "runs": v} for m, v in t.items()}
                   for hv, t in samples.items()}
        out[mode] = {"runs": n, "figures": figures,
                     "ratio_xenolith_over_xen": ratios(figures["xenolith"], figures["xen"])}
    return out


def credit_run(hv, icount, timeout):
    """The credit scheduler's figures, the same guest on both hypervisors:
    guests/crash mode=credit test=bench as Dom0 with its own image as initrd,
    from which it builds two CPU-bound DomUs (weights 256 and 512: their split
    of the CPU, sched_weight_ratio; then Dom0's timer wake-up latency beside
    two and one of them). {metric: median}."""
    result = launcher.run(CRASH_ELF, hv=hv, icount=icount, timeout=timeout, initrd=CRASH_ELF,
                          cmdline="mode=credit role=dom0 test=bench samples=101 ms=1500")
    figures = {m: v["median"] for m, v in serial_log.bench_lines(result.output).items()
               if isinstance(v.get("median"), (int, float))}
    if result.code != 0 or len(figures) != 3:
        tail = "\n".join(result.lines()[-20:])
        raise RuntimeError(f"{hv}: credit run ended with exit {result.code} "
                           f"({result.reason}), {len(figures)} of 3 figures\n{tail}")
    return figures


def measure(variant, guest, icount, runs, timeout, cmdline):
    """Run `runs` times; return {metric: {"median": m, "runs": [...]}}."""
    samples = {}
    for i in range(runs):
        print(f"bench: {variant} {'icount' if icount else 'wall'} run {i + 1}/{runs}", flush=True)
        figures = one_run(variant, guest, icount, timeout, cmdline)
        if variant == "xenolith" and guest == BENCH_ELF:
            figures.update(wake_run(icount, timeout))
        if variant in ("xenolith", "xen") and guest == BENCH_ELF:
            figures.update(credit_run(variant, icount, timeout))
        for metric, value in figures.items():
            samples.setdefault(metric, []).append(value)
    return {m: {"median": statistics.median(v), "runs": v} for m, v in samples.items()}


def ratios(ours, xen):
    """xenolith/xen per metric present in both with a non-zero Xen figure."""
    return {m: ours[m]["median"] / xen[m]["median"]
            for m in sorted(set(ours) & set(xen)) if xen[m]["median"]}


def qemu_version():
    out = subprocess.run([launcher.qemu_binary(), "--version"], capture_output=True,
                         text=True).stdout
    return out.splitlines()[0] if out else "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--guest", default=BENCH_ELF, help="bench guest (default %(default)s)")
    ap.add_argument("--runs", type=int, default=5, help="wall-clock runs per hypervisor")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per run")
    ap.add_argument("--cmdline", default="", help="bench guest command line")
    ap.add_argument("--hv", action="append", choices=list(VARIANTS),
                    help="only this variant (repeatable; default all)")
    ap.add_argument("--no-icount", action="store_true", help="skip the icount mode")
    ap.add_argument("--out", help="result file (default bench/results/<UTC time>.json)")
    ap.add_argument("--only", choices=("guest", "linux", "lifecycle", "creation", "smp"),
                    help="run only the PV guest benchmark, the Linux one, the domain one (creation: "
                         "its creation figures) or the two-CPU event round trip (smp: not part of "
                         "a full run)")
    ap.add_argument("--linux-runs", type=int, default=3,
                    help="wall-clock boots per Linux target (default %(default)s)")
    ap.add_argument("--linux-target", action="append", choices=linux_bench.TARGETS,
                    help="only this Linux target (repeatable; default all)")
    ap.add_argument("--linux-samples", type=int, default=7,
                    help="samples per figure inside Linux (default %(default)s)")
    ap.add_argument("--linux-scale", type=float, default=1.0,
                    help="scale of lbench's batches (default %(default)s)")
    ap.add_argument("--linux-timeout", type=float, default=300,
                    help="seconds per Linux boot (default %(default)s; Xen 4.17 takes 40-80)")
    ap.add_argument("--log-dir", default=os.path.join(ROOT, "build", "bench", "logs"),
                    help="console logs of the Linux boots (default %(default)s)")
    args = ap.parse_args()

    run_guest = args.only in (None, "guest")
    run_linux = args.only in (None, "linux")
    run_lifecycle = args.only in (None, "lifecycle", "creation")
    run_smp = args.only == "smp"
    if run_guest and not os.path.isfile(args.guest):
        print(f"bench: {args.guest} not found: the bench guest is not built yet "
              "(guests/bench/, then make)", file=sys.stderr)
        return 1
    hvs = args.hv or list(VARIANTS)
    modes = [("wall", False, args.runs)] + ([] if args.no_icount else [("icount", True, 1)])
    linux_modes = [("wall", False, args.linux_runs)] + \
        ([] if args.no_icount else [("icount", True, 1)])
    status = 0

    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": {"machine": platform.machine(), "node": platform.node(),
                 "qemu": qemu_version(), "accel": "tcg"},
        "guest": os.path.relpath(args.guest, ROOT),
        "modes": {},
    }
    try:
        for mode, icount, runs in (modes if run_guest else []):
            figures = {hv: measure(hv, args.guest, icount, runs, args.timeout, args.cmdline)
                       for hv in hvs}
            entry = {"runs": runs, "figures": figures}
            for v in figures:
                if v != "xen" and "xen" in figures:
                    name = "ratio_xenolith_over_xen" if v == "xenolith" else f"ratio_{v}_over_xen"
                    entry[name] = ratios(figures[v], figures["xen"])
            if "xenolith" in figures and "xenolith-shadow" in figures:
                entry["ratio_shadow_over_direct"] = ratios(figures["xenolith-shadow"],
                                                           figures["xenolith"])
            report["modes"][mode] = entry
    except (RuntimeError, launcher.LaunchError) as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    if run_lifecycle:
        try:
            report["lifecycle"] = measure_lifecycle(modes, args.timeout,
                                                    creation_only=args.only == "creation")
        except (RuntimeError, launcher.LaunchError) as e:
            print(f"bench: lifecycle: {e}", file=sys.stderr)
            return 1
    if run_smp:
        try:
            report["smp"] = measure_smp(args.runs, args.timeout)
        except (RuntimeError, launcher.LaunchError) as e:
            print(f"bench: smp: {e}", file=sys.stderr)
            return 1
    if run_linux:
        fetched = subprocess.run([linux_bench.FETCH], cwd=ROOT, stdin=subprocess.DEVNULL)
        try:
            if fetched.returncode != 0:
                raise RuntimeError("tools/fetch-linux.sh could not fetch Debian's kernel "
                                   "and busybox")
            report["linux"] = linux_bench.measure_all(
                linux_modes, args.linux_target or list(linux_bench.TARGETS),
                args.linux_timeout, args.linux_samples, args.linux_scale, args.log_dir)
        except (RuntimeError, OSError, subprocess.CalledProcessError,
                launcher.LaunchError) as e:
            print(f"bench: linux: {e}", file=sys.stderr)
            if not run_guest:
                return 1
            report["linux"] = {"skipped": str(e)}
        for entry in report.get("linux", {}).get("modes", {}).values():
            for t in ("native", "xen"):
                if entry["columns"].get(t, {"status": "ok"})["status"] != "ok":
                    status = 1   # no comparison without these two

    out = args.out or os.path.join(
        RESULTS, datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + ".json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(report, f, indent=2, sort_keys=True)
        f.write("\n")
    sections = list(report["modes"].items()) + \
        [(f"{m} (domains)", e) for m, e in report.get("lifecycle", {}).get("modes", {}).items()] + \
        [(f"{m} (2 CPUs)", e) for m, e in report.get("smp", {}).items()]
    for mode, entry in sections:
        for name, table in entry.items():
            if not name.startswith("ratio_"):
                continue
            what = name[len("ratio_"):].replace("_over_", "/")
            for metric, r in table.items():
                print(f"bench: {mode:6} {metric:34} {what:28} = {r:.3f}")
    if "modes" in report.get("linux", {}):
        svg = os.path.splitext(out)[0] + "-linux.svg"
        with open(svg, "w") as f:
            f.write(linux_bench.plot(report["linux"]))
        for mode in report["linux"]["modes"]:
            print(f"bench: linux {mode}\n" + linux_bench.table(report["linux"], mode))
        print(f"bench: linux plot in {os.path.relpath(svg, ROOT)}")
    for hv, d in report.get("lifecycle", {}).get("density", {}).items():
        print(f"bench: density {hv}: {d['density_4MiB_guests']} DomUs of 4 MiB "
              f"({'; '.join(d['stopped_because'])})")
    print(f"bench: results in {os.path.relpath(out, ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
