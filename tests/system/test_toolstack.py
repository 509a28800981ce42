"""The Domain 0 toolstack (toolstack/, docs/toolstack.md) on Xenolith and on
Xen 4.17: Dom0 is build/toolstack/xl.elf, its initrd (tools/xenolith_launcher's
toolstack_initrd) holds the configs of tests/system/toolstack, the guest image
they name and a script of shell commands. The guests are created from their
configs through Xen 4.17's domctls, listed, paused, shut down and destroyed;
their console output comes through Dom0's console back end.

The same script must give the same output on both hypervisors, `list` tables
included (names, ids, memory, vCPUs, state letters; only the CPU times are
masked), and a bad config, an unknown domain and a missing id get xl's lines."""
import os
import re

import pytest

from sysrun import ROOT, describe, fail_unless_same_lines, launcher

TIMEOUT_S = 180
CONFIGS = [os.path.join(ROOT, "tests", "system", "toolstack", c) for c in ("alpha.cfg", "beta.cfg")]
SCRIPT = [
    "list",
    "vcpu-list",
    "dmesg",
    "dmesg -c",
    "dmesg",
    "destroy alpha",
    "list",
    "create bad.cfg",
    "destroy alpha",
    "destroy 42",
    "pause beta",
    "list beta",
    "vcpu-list beta",
    "list 42",
    "vcpu-list 42",
    "unpause beta",
    "create gamma.cfg",
    "sched-credit",
    "sched-credit -d beta -w 512 -c 50",
    "sched-credit -d beta",
    "sched-credit -d beta -w 0",
    "sched-credit -s",
    "sched-credit -s -t 10 -r 500 -m 100",
    "sched-credit -p Pool-0",
    "sched-credit -s -t 2000",
    "sched-credit -s -r 50",
    "sched-credit -s -t 4 -r 5000",
    "sched-credit -s -m 100001",
    "sched-credit -t 10",
    "sched-credit -s -d beta",
    "sched-credit -p 1",
    "sched-credit -p 0 -s -t 30 -r 1000 -m 0",
    "sched-credit -s",
    "vcpu-pin beta all 0 0",
    "vcpu-pin beta 0 - all",
    "vcpu-pin beta 0 5",
    "vcpu-pin beta 2 0",
    "vcpu-pin beta x 0",
    "vcpu-pin beta 0 3-1",
    "vcpu-pin beta 0 ^all",
    "vcpu-pin 42 0 0",
    "vcpu-pin nosuch 0 0",
    "vcpu-pin -i 42 0 0",
    "vcpu-pin beta 0 ^0",
    "vcpu-pin --ignore-global-affinity-masks beta 0 ^0",
    "vcpu-pin -f beta 0 0",
    "vcpu-pin beta 0 -f - all",
    "vcpu-pin -fi beta 0 -",
    "vcpu-pin beta 0 -",
    "vcpu-pin --force beta all 0",
    "vcpu-pin -x beta 0 0",
    "vcpu-pin --forc=1 beta 0 0",
    "vcpu-pin --ign beta 0",
    "vcpu-pin beta 0abc 0",
    "vcpu-pin -- beta -1 0",
    "vcpu-pin --he",
    "shutdown beta",
    "list",
    "create delta.cfg",
    "list delta",
    "destroy delta",
    "create nonexistent.cfg",
    "info",
]
HEADER = "Name                                        ID   Mem VCPUs\tState\tTime(s)"
PIN_HELP = ["Usage: xl [-vtTfN] vcpu-pin [option] <Domain> <VCPU|all> <Hard affinity|-|all> "
            "<Soft affinity|-|all>",
            "Set which CPUs a VCPU can use.",
            "Options:",
            "-f, --force        undo an override pinning done by the kernel",
            "--ignore-global-affinity-masks Ignore global masks in xl.conf"]
VCPU_HEADER = ("Name                                ID  VCPU   CPU State   Time(s) "
               "Affinity (Hard / Soft)")
# The first line of each hypervisor's boot log, which its console ring holds.
BANNER = {"xen": r"\(XEN\) Xen version 4\.17\.\d+ ",
          "xenolith": r"\(HV\) Xenolith hypervisor \(Xen 4\.17 PV ABI\)"}
GUEST_PREFIXES = ("(HV)", "(XEN)", "(d")


def run_toolstack(boot, hv):
    initrd = os.path.join(ROOT, "build", "system-tests", "toolstack-initrd.cpio")
    os.makedirs(os.path.dirname(initrd), exist_ok=True)
    extra = [os.path.join(ROOT, "tests", "system", "toolstack", c)
             for c in ("bad.cfg", "gamma.cfg", "delta.cfg")]
    launcher.toolstack_initrd(initrd, CONFIGS, SCRIPT, packed=extra)
    return boot(hv, os.path.join(ROOT, launcher.TOOLSTACK_REL), initrd=initrd,
                timeout=TIMEOUT_S, tag="toolstack")


def dom0_lines(output):
    """Dom0's own console lines (not the hypervisors' nor Xenolith's (dN) echo)."""
    return [l for l in output.splitlines() if l and not l.startswith(GUEST_PREFIXES)]


INFO_FIELDS = ["host", "release", "version", "machine", "nr_cpus", "max_cpu_id", "nr_nodes",
               "cores_per_socket", "threads_per_core", "cpu_mhz", "hw_caps", "virt_caps",
               "total_memory", "free_memory", "sharing_freed_memory", "sharing_used_memory",
               "outstanding_claims", "free_cpus", "xen_major", "xen_minor", "xen_extra",
               "xen_version", "xen_caps", "xen_scheduler", "xen_pagesize", "platform_params",
               "xen_changeset", "xen_commandline", "cc_compiler", "cc_compile_by",
               "cc_compile_domain", "cc_compile_date", "xend_config_format"]


def masked(lines):
    """The lines with list's and vcpu-list's CPU time columns and info's values (the
    machines' and hypervisors' own) masked."""
    lines = [re.sub(r"(\s[-rbpscwSd]{6})\s+\d+\.\d$", r"\1  T", l) for l in lines]
    lines = [re.sub(r"^(.{32} +\d+ +\d+ +[-\d]+ +[-rbp]{3}) +\d+\.\d(  \S+ / \S+)$", r"\1  T\2", l)
             for l in lines]
    return [re.sub(r"^([a-z_]+ +):.*$", r"\1: V", l) for l in lines]


def by_command(lines):
    """{command: [its output lines]} for each `xl> command` of the script, in order."""
    out, current = [], None
    for line in lines:
        if line.startswith("xl> "):
            current = (line[4:], [])
            out.append(current)
        elif current:
            current[1].append(line)
    return out


@pytest.fixture(scope="module")
def outputs(boot, hv_image_ready):
    hv_image_ready("xen")
    return {hv: run_toolstack(boot, hv) for hv in ("xenolith", "xen")}


@pytest.mark.parametrize("hv", ["xenolith", "xen"])
def test_toolstack_script(outputs, hv):
    result = outputs[hv]
    cmds = dict(by_command(masked(dom0_lines(result.output))))       # the last of each
    assert result.code == 0, describe(result)
    assert "xl: powering Domain 0 off" in result.output, describe(result)
    # Both guests came up and said so on their console rings.
    assert '[alpha] idle: up, 2048 pages, cmdline "alpha"' in result.output, describe(result)
    assert '[beta] idle: up, 3072 pages, cmdline "beta b=1"' in result.output
    assert "xl: beta.cfg:6: warning: colour: unknown key, ignored" in result.output
    first = by_command(masked(dom0_lines(result.output)))
    listing = [o for c, o in first if c == "list"]
    assert listing[0] == [HEADER,
                          "Domain-0                                     0    32     1     r-----  T",
                          "alpha                                        1     8     1     -b----  T",
                          "beta                                         2    12     1     -b----  T"
                          ], describe(result)
    assert listing[1] == [HEADER,
                          "Domain-0                                     0    32     1     r-----  T",
                          "beta                                         2    12     1     -b----  T"
                          ], describe(result)
    assert cmds["create bad.cfg"] == [
        "Parsing config from bad.cfg",
        'xl: bad.cfg:3: memory: expected a number, got "lots"'], describe(result)
    assert cmds["destroy alpha"] == ["alpha is an invalid domain identifier (rc=-6)"]
    assert cmds["destroy 42"] == ["libxl: error: Domain 42:Non-existant domain",
                                  "destroy failed (rc=-21)"]
    assert cmds["list beta"][1].endswith("-bp---  T"), cmds["list beta"]
    assert cmds["list 42"] == ["Error: Domain '42' does not exist."]
    vcpus = [o for c, o in first if c == "vcpu-list"]
    assert vcpus == [[VCPU_HEADER,
                      "Domain-0                             0     0     0   r--  T  all / all",
                      "alpha                                1     0     0   -b-  T  all / all",
                      "beta                                 2     0     0   -b-  T  all / all",
                      "beta                                 2     1     -   --p  T  all / all"]
                     ], describe(result)      # beta's second vCPU was never brought up
    assert cmds["vcpu-list beta"] == [
        VCPU_HEADER, "beta                                 2     0     0   -b-  T  all / all",
        "beta                                 2     1     -   --p  T  all / all"], cmds["vcpu-list beta"]
    assert cmds["vcpu-list 42"] == ["Error: Domain '42' does not exist."]
    # dmesg: the ring's lines (the hypervisor's prefix on each) from the boot banner
    # on; the same again with -c, which empties the ring: the banner is gone after.
    rings = [o for c, o in by_command(result.output.splitlines()) if c.startswith("dmesg")]
    assert len(rings) == 3, describe(result)
    for ring in rings[:2]:
        assert ring and any(re.match(BANNER[hv], l) for l in ring), ring
        assert all(l.startswith(GUEST_PREFIXES) for l in ring if l), ring
    assert not any(re.match(BANNER[hv], l) for l in rings[2]), rings[2]
    assert len(rings[2]) < len(rings[1]), rings[2]
    # gamma powers off at once: on_poweroff destroy; beta is shut down by the toolstack.
    assert "xl: domain 3 (gamma) has shut down, reason poweroff: destroy" in result.output
    assert "xl: domain 2 (beta) has shut down, reason poweroff: destroy" in result.output
    assert listing[2] == [HEADER,
                          "Domain-0                                     0    32     1     r-----  T"
                          ], describe(result)
    if hv == "xenolith":
        # Every domain's frames are accounted for after the creates and destroys.
        assert "(HV) audit: domain 0: 0 mismatches" in result.output, describe(result)
    # delta crashes and is kept: shut down with reason crash (xl's "sc" letters).
    assert "xl: domain 4 (delta) has shut down, reason crash: preserve" in result.output
    assert re.fullmatch(r"delta +4 +4 +1 +-[-b]-sc-  T", cmds["list delta"][1]), cmds["list delta"]
    assert cmds["destroy delta"] == []
    assert cmds["sched-credit"] == [
        "Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us",
        "Name                                ID Weight  Cap",
        "Domain-0                             0    256    0",
        "beta                                 2    256    0"], cmds["sched-credit"]
    assert cmds["sched-credit -d beta -w 512 -c 50"] == []
    assert cmds["sched-credit -d beta"] == [
        "Name                                ID Weight  Cap",
        "beta                                 2    512   50"], cmds["sched-credit -d beta"]
    assert cmds["sched-credit -d beta -w 0"][0].startswith("Usage: sched-credit")
    # The pool's parameters (XEN_SYSCTL_scheduler_op), set and put back; libxl's checks.
    pools = [o for c, o in first if c == "sched-credit -s"]
    assert pools == [["Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us"]] * 2, pools
    assert cmds["sched-credit -s -t 10 -r 500 -m 100"] == []
    assert cmds["sched-credit -p Pool-0"][0] == \
        "Cpupool Pool-0: tslice=10ms ratelimit=500us migration-delay=100us", cmds["sched-credit -p Pool-0"]
    assert cmds["sched-credit -s -t 2000"] == [
        "libxl: error: Time slice out of range, valid range is from 1 to 1000",
        "libxl_sched_credit_params_set failed."]
    assert cmds["sched-credit -s -r 50"][0] == \
        "libxl: error: Ratelimit out of range, valid range is from 100 to 500000"
    assert cmds["sched-credit -s -t 4 -r 5000"][0] == \
        "libxl: error: Ratelimit cannot be greater than timeslice"
    assert cmds["sched-credit -s -m 100001"][0] == \
        "libxl: error: vcpu migration delay should be >= 0 and <= 100000us"
    assert cmds["sched-credit -t 10"] == [
        "Must specify schedparam to set schedule parameter values."]
    assert cmds["sched-credit -s -d beta"] == [
        "Specifying a cpupool or schedparam is not allowed with domain options."]
    assert cmds["sched-credit -p 1"] == ["unknown cpupool '1'"]
    assert cmds["sched-credit -p 0 -s -t 30 -r 1000 -m 0"] == []
    # vcpu-pin (one CPU here: every map that holds CPU 0 is "all"); xl's errors.
    assert cmds["vcpu-pin beta all 0 0"] == [] and cmds["vcpu-pin beta 0 - all"] == []
    assert cmds["vcpu-pin beta 0 5"] == ["libxl: error: Domain 2:Setting vcpu affinity (rc=-22)",
                                         "Could not set affinity for vcpu `0'."]
    assert cmds["vcpu-pin beta 2 0"] == ["libxl: error: Domain 2:Setting vcpu affinity (rc=-22)",
                                         "Could not set affinity for vcpu `2'."]
    assert cmds["vcpu-pin beta x 0"] == ["Error: Invalid argument x as VCPU."]
    assert cmds["vcpu-pin beta 0 3-1"] == ["Invalid pcpu range: 3-1."]
    assert cmds["vcpu-pin beta 0 ^all"] == ['Can\'t combine "^" and "all".']
    assert cmds["vcpu-pin 42 0 0"] == ["Could not get domain info"]
    assert cmds["vcpu-pin nosuch 0 0"] == ["nosuch is an invalid domain identifier (rc=-6)"]
    # xl 4.17's options: -i skips the global masks (the domain looked up, the hard map not
    # empty), -f adds XEN_VCPUAFFINITY_FORCE (alone it is a valid call), options anywhere.
    assert cmds["vcpu-pin -i 42 0 0"] == ["libxl: error: Domain 42:Setting vcpu affinity (rc=-3)",
                                          "Could not set affinity for vcpu `0'."]
    assert cmds["vcpu-pin beta 0 ^0"] == ["vcpu hard affinity map is empty"]
    assert cmds["vcpu-pin --ignore-global-affinity-masks beta 0 ^0"] == [
        "libxl: error: Domain 2:Setting vcpu affinity (rc=-22)", "Could not set affinity for vcpu `0'."]
    assert cmds["vcpu-pin -f beta 0 0"] == [] and cmds["vcpu-pin beta 0 -f - all"] == []
    assert cmds["vcpu-pin -fi beta 0 -"] == []
    assert cmds["vcpu-pin beta 0 -"] == ["Could not set affinity for vcpu `0'."]
    assert cmds["vcpu-pin --force beta all 0"] == ["Error: --force and 'all' as VCPU not allowed."]
    assert cmds["vcpu-pin -x beta 0 0"] == ["option `x' not supported."]
    assert cmds["vcpu-pin --forc=1 beta 0 0"] == ["option `f' not supported."]
    assert cmds["vcpu-pin --ign beta 0"] == ["'xl vcpu-pin' requires at least 3 arguments."] + PIN_HELP
    assert cmds["vcpu-pin beta 0abc 0"] == []
    assert cmds["vcpu-pin -- beta -1 0"] == ["Error: Invalid argument -1 as VCPU."]
    assert cmds["vcpu-pin --he"] == PIN_HELP
    assert [l.split(":")[0].rstrip() for l in cmds["info"]] == INFO_FIELDS, cmds["info"]
    assert all(len(l.split(":")[0]) == 23 for l in cmds["info"]), cmds["info"]
    assert cmds["create nonexistent.cfg"] == [
        "Parsing config from nonexistent.cfg",
        "xl: nonexistent.cfg: no such file in Domain 0's initrd"]


def test_toolstack_same_output_on_both(outputs):
    """Line for line, Dom0's output (times masked) is the same on Xen 4.17 and Xenolith."""
    fail_unless_same_lines(masked(dom0_lines(outputs["xen"].output)),
                           masked(dom0_lines(outputs["xenolith"].output)), "the toolstack's output")


def test_toolstack_shell_reads_the_console(hv_image_ready):
    """Without commands in the script, the shell reads lines typed on the serial
    console (CONSOLEIO_read on VIRQ_CONSOLE) after its prompt."""
    import select
    import subprocess
    import time
    from test_console_input import stop, type_keys

    initrd = os.path.join(ROOT, "build", "system-tests", "toolstack-shell-initrd.cpio")
    launcher.toolstack_initrd(initrd, CONFIGS[:1])
    cmd = launcher.build_command(os.path.join(ROOT, launcher.TOOLSTACK_REL), hv="xenolith",
                                 initrd=initrd)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen = [""]

    def prompts():
        """The shell's prompts so far (the script's come before its banner)."""
        _, banner, after = seen[0].partition("type help for the commands\n")
        return after.count("xl> ") if banner else 0

    def read_until_prompt(n, timeout=60.0):
        """Read the console until the shell has shown its prompt n times (or gave up)."""
        end = time.time() + timeout
        while prompts() < n and time.time() < end and proc.poll() is None:
            ready, _, _ = select.select([proc.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                seen[0] += chunk.decode(errors="replace").replace("\r", "")
        return seen[0]

    try:
        out = read_until_prompt(1)
        assert "type help for the commands\nxl> " in out and "[alpha] idle: waiting" in out, out
        type_keys(proc, b"lisx\x7ft\r")                 # a backspace on the way
        out = read_until_prompt(2)
        assert re.search(r"\nalpha +1 +8 +1 +-b---- +\d+\.\d\n", out), out
        type_keys(proc, b"destroy nosuch\r")
        out = read_until_prompt(3)
        assert "nosuch is an invalid domain identifier (rc=-6)\nxl> " in out, out
        type_keys(proc, b"exit\r")
        proc.wait(timeout=60)
        assert launcher.classify_exit("xenolith", proc.returncode)[0] == launcher.EXIT_POWEROFF
    finally:
        stop(proc)


SCRIPT_2CPU = ["list", "vcpu-pin 0 all 0", "vcpu-pin alpha 0 1", "vcpu-pin beta all 0 1",
               "vcpu-list", "vcpu-pin beta 0 - all", "vcpu-list beta",
               "vcpu-pin beta 0 all 1", "vcpu-pin beta 0 all 1", "vcpu-pin alpha 0 all 0", "vcpu-list",
               "destroy alpha", "list"]


@pytest.fixture(scope="module")
def outputs_2cpu(boot, hv_image_ready):
    hv_image_ready("xen")
    results = {}
    for hv in ("xenolith", "xen"):
        initrd = os.path.join(ROOT, "build", "system-tests", f"toolstack-2cpu-{hv}.cpio")
        launcher.toolstack_initrd(initrd, CONFIGS, SCRIPT_2CPU)
        results[hv] = boot(hv, os.path.join(ROOT, launcher.TOOLSTACK_REL), initrd=initrd,
                           timeout=TIMEOUT_S, tag="toolstack-2cpu", cpus=2)
    return results


@pytest.mark.parametrize("hv", ["xenolith", "xen"])
def test_toolstack_on_two_cpus(outputs_2cpu, hv):
    """The machine with 2 CPUs (issue 10's done-when): the same guests, the same tables;
    scripted mode waits for guests that run on the other CPU too. vcpu-pin moves a
    blocked vCPU to its new hard affinity's CPU at once (Xen's vcpu_migrate_finish: alpha
    to CPU 1), keeps a soft map that has no CPU in the hard one, and Dom0 pinned to CPU 0
    runs there by the next command.
    Soft affinity (Xen's _csched_cpu_pick through vcpu_migrate_finish): beta, blocked on
    CPU 0 where Dom0 runs and nothing waits, may run anywhere and prefers CPU 1, which
    idles: it moves there at once (with the preference ignored it stays on CPU 0, its own
    CPU with an empty queue counting as idle). The pin is asked twice: on Xen 4.17, under
    load, the first once found CPU 1 busy (1 run in about 10) and left beta where it was;
    the second chooses again. alpha, blocked on idle CPU 1, prefers CPU 0, busy with Dom0:
    it stays (a preference, not a pin)."""
    result = outputs_2cpu[hv]
    assert result.code == 0, describe(result)
    cmds = dict(by_command(masked(dom0_lines(result.output))))
    vcpu_lists = [o for c, o in by_command(masked(dom0_lines(result.output))) if c == "vcpu-list"]
    if hv == "xen" and vcpu_lists[1:]:
        # Xen 4.17 sometimes leaves beta on CPU 0 here (BETA_SOFT_CPU): either CPU passes.
        vcpu_lists[1] = [BETA_SOFT_CPU.sub(r"\g<1>1\2", l) for l in vcpu_lists[1]]
    assert vcpu_lists[1:] == [[
        VCPU_HEADER,
        "Domain-0                             0     0     0   r--  T  0 / all",
        "Domain-0                             0     1     -   --p  T  0 / all",
        "alpha                                1     0     1   -b-  T  all / 0",
        "beta                                 2     0     1   -b-  T  all / 1",
        "beta                                 2     1     -   --p  T  0 / 1"]], describe(result)
    assert vcpu_lists[0] == [
        VCPU_HEADER,
        "Domain-0                             0     0     0   r--  T  0 / all",
        "Domain-0                             0     1     -   --p  T  0 / all",
        "alpha                                1     0     1   -b-  T  1 / all",
        "beta                                 2     0     0   -b-  T  0 / 1",
        "beta                                 2     1     -   --p  T  0 / 1"], describe(result)
    assert cmds["vcpu-list beta"] == [
        VCPU_HEADER,
        "beta                                 2     0     0   -b-  T  0 / all",
        "beta                                 2     1     -   --p  T  0 / 1"], describe(result)
    listing = [o for c, o in by_command(masked(dom0_lines(result.output))) if c == "list"]
    assert listing == [
        [HEADER,
         "Domain-0                                     0    32     1     r-----  T",
         "alpha                                        1     8     1     -b----  T",
         "beta                                         2    12     1     -b----  T"],
        [HEADER,
         "Domain-0                                     0    32     1     r-----  T",
         "beta                                         2    12     1     -b----  T"]], describe(result)


# beta's vCPU 0 after its soft pin to CPU 1: Xenolith moves it there every time (its
# test above fails with soft affinity ignored); Xen 4.17 did so in most runs but left it
# on CPU 0 in 2 of 6 runs here (and about 1 in 10 under make test), even with the pin
# asked twice: its idle-CPU view is not settled yet at that moment. Only that column
# is left out of the comparison.
BETA_SOFT_CPU = re.compile(r"^(beta {33}2 {5}0 {5})[01]( {3}-b-  T  all / 1)$")


def test_toolstack_on_two_cpus_same_output_on_both(outputs_2cpu):
    """On two CPUs too, line for line (times masked; beta's CPU after its soft pin, see
    BETA_SOFT_CPU), Xen 4.17 and Xenolith agree."""
    def lines(hv):
        return [BETA_SOFT_CPU.sub(r"\1?\2", l) for l in masked(dom0_lines(outputs_2cpu[hv].output))]
    fail_unless_same_lines(lines("xen"), lines("xenolith"), "the toolstack's output on two CPUs")


# Boot options -> (the pool line sched-credit -s prints, the hypervisor's warnings).
SCHED_OPTIONS = {
    "sched_credit_tslice_ms=5 sched_ratelimit_us=2000":
        ("Cpupool Pool-0: tslice=5ms ratelimit=2000us migration-delay=0us", []),
    "sched_credit_tslice_ms=0 sched_ratelimit_us=40000":
        ("Cpupool Pool-0: tslice=30ms ratelimit=30000us migration-delay=0us",
         ["WARNING: sched_credit_tslice_ms outside of valid range [1,1000].",
          " Resetting to default 30",
          "WARNING: sched_ratelimit_us >sched_credit_tslice_ms is undefined",
          "Setting ratelimit to tslice"]),
    "sched_credit_tslice_ms=2000 sched_ratelimit_us=600000":
        ("Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us",
         ["WARNING: sched_credit_tslice_ms outside of valid range [1,1000].",
          " Resetting to default 30",
          "WARNING: sched_ratelimit_us >sched_credit_tslice_ms is undefined",
          "Setting ratelimit to tslice",
          "WARNING: sched_ratelimit_us outside of valid range [100,500000].",
          " Resetting to default 1000"]),
    "sched_ratelimit_us=50": ("Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us",
                              ["WARNING: sched_ratelimit_us outside of valid range [100,500000].",
                               " Resetting to default 1000"]),
    "sched_ratelimit_us=0": ("Cpupool Pool-0: tslice=30ms ratelimit=0us migration-delay=0us", []),
}
SCHED_WARNING = re.compile(r"^\((?:XEN|HV)\) ((?:WARNING: sched_| Resetting to default "
                           r"|Setting ratelimit to tslice).*)$")


@pytest.mark.parametrize("hv", ["xenolith", "xen"])
@pytest.mark.parametrize("options", sorted(SCHED_OPTIONS))
def test_sched_boot_options(boot, hv_image_ready, hv, options):
    """Xen 4.17's boot options sched_credit_tslice_ms and sched_ratelimit_us set Pool-0's
    slice and rate limit, which XEN_SYSCTL_scheduler_op (xl sched-credit -s) gives back;
    out-of-range values fall back as Xen's do (the slice to 30 ms, a rate limit past the
    slice to the slice, one out of range to 1000 us) with Xen's warning lines, in Xen's
    order; the same on both hypervisors."""
    hv_image_ready("xen")
    tag = "sched-" + "-".join(o.split("=")[1] for o in options.split())
    initrd = os.path.join(ROOT, "build", "system-tests", f"toolstack-{tag}-{hv}.cpio")
    os.makedirs(os.path.dirname(initrd), exist_ok=True)
    launcher.toolstack_initrd(initrd, [], ["sched-credit -s"])
    cmdline = launcher.default_hv_cmdline(hv, 32, 1) + " " + options
    result = boot(hv, os.path.join(ROOT, launcher.TOOLSTACK_REL), initrd=initrd, timeout=TIMEOUT_S,
                  tag=tag, hv_cmdline=cmdline)
    assert result.code == 0, describe(result)
    pool, warnings = SCHED_OPTIONS[options]
    cmds = dict(by_command(dom0_lines(result.output)))
    assert cmds["sched-credit -s"] == [pool], describe(result)
    found = [m.group(1) for m in map(SCHED_WARNING.match, result.output.splitlines()) if m]
    assert found == warnings, describe(result)
