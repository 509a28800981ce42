"""The Domain 0 toolstack (toolstack/, docs/toolstack.md) on Xenolith and on
Xen 4.17: Dom0 is build/toolstack/xl.elf, its initrd (tools/xenolith_launcher's
toolstack_initrd) holds the configs of tests/system/toolstack, the guest image
they name and a script of shell commands. The guests are created from their
configs through Xen 4.17's domctls, listed, paused, shut down and destroyed;
their console output comes through Dom0's console back end.

The same script must give the same output on both hypervisors, `list` tables
included (names, ids, memory, vCPUs, state letters; only the CPU times are
masked), and a bad config, an unknown domain and a missing id get xl's lines."""
import difflib
import os
import re

import pytest

from sysrun import ROOT, describe, launcher

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
    "shutdown beta",
    "list",
    "create delta.cfg",
    "list delta",
    "destroy delta",
    "create nonexistent.cfg",
    "info",
]
HEADER = "Name                                        ID   Mem VCPUs\tState\tTime(s)"
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
        "Name                                ID Weight  Cap",
        "Domain-0                             0    256    0",
        "beta                                 2    256    0"], cmds["sched-credit"]
    assert cmds["sched-credit -d beta -w 512 -c 50"] == []
    assert cmds["sched-credit -d beta"] == [
        "Name                                ID Weight  Cap",
        "beta                                 2    512   50"], cmds["sched-credit -d beta"]
    assert cmds["sched-credit -d beta -w 0"][0].startswith("Usage: sched-credit")
    assert [l.split(":")[0].rstrip() for l in cmds["info"]] == INFO_FIELDS, cmds["info"]
    assert all(len(l.split(":")[0]) == 23 for l in cmds["info"]), cmds["info"]
    assert cmds["create nonexistent.cfg"] == [
        "Parsing config from nonexistent.cfg",
        "xl: nonexistent.cfg: no such file in Domain 0's initrd"]


def test_toolstack_same_output_on_both(outputs):
    """Line for line, Dom0's output (times masked) is the same on Xen 4.17 and Xenolith."""
    xen = masked(dom0_lines(outputs["xen"].output))
    ours = masked(dom0_lines(outputs["xenolith"].output))
    assert xen, "the toolstack printed nothing on Xen 4.17"
    if ours != xen:
        diff = "\n".join(difflib.unified_diff(xen, ours, "xen-4.17", "xenolith", lineterm=""))
        pytest.fail(f"the toolstack's output differs between Xen 4.17 and Xenolith\n{diff}",
                    pytrace=False)


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


@pytest.mark.parametrize("hv", ["xenolith", "xen"])
def test_toolstack_on_two_cpus(boot, hv_image_ready, hv):
    """The machine with 2 CPUs (issue 10's done-when): the same guests, the same tables;
    scripted mode waits for guests that run on the other CPU too."""
    hv_image_ready(hv)
    initrd = os.path.join(ROOT, "build", "system-tests", f"toolstack-2cpu-{hv}.cpio")
    launcher.toolstack_initrd(initrd, CONFIGS, ["list", "destroy alpha", "list"])
    result = boot(hv, os.path.join(ROOT, launcher.TOOLSTACK_REL), initrd=initrd,
                  timeout=TIMEOUT_S, tag="toolstack-2cpu", cpus=2)
    assert result.code == 0, describe(result)
    listing = [o for c, o in by_command(masked(dom0_lines(result.output))) if c == "list"]
    assert listing == [
        [HEADER,
         "Domain-0                                     0    32     1     r-----  T",
         "alpha                                        1     8     1     -b----  T",
         "beta                                         2    12     1     -b----  T"],
        [HEADER,
         "Domain-0                                     0    32     1     r-----  T",
         "beta                                         2    12     1     -b----  T"]], describe(result)
