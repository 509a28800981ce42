"""The layering of the tree (docs/architecture.md, "Layers, and which may
include which"), checked on the sources: which folder's code may include
which headers, and no include cycle among our headers. Host-only, no QEMU."""
import os
import re

from sysrun import ROOT

INCLUDE = re.compile(r'^\s*#\s*include\s*<([^>]+)>', re.M)
# Where an <a/b.h> of ours lives, by its first component.
HEADER_DIRS = {
    "xen": "include/xen",
    "xl": "lib/include/xl",
    "hv": "hv/include/hv",
    "asm": "hv/arch/x86/include/asm",
}


def sources(folder, exts=(".c", ".h", ".S")):
    top = os.path.join(ROOT, folder)
    for dirpath, _, files in os.walk(top):
        for name in sorted(files):
            if name.endswith(exts):
                path = os.path.join(dirpath, name)
                yield os.path.relpath(path, ROOT), open(path, encoding="utf-8").read()


def ours(text):
    """The includes of text that name one of our header folders (<hv/x.h> -> 'hv')."""
    return [inc for inc in INCLUDE.findall(text) if inc.split("/")[0] in HEADER_DIRS]


def offenders(folders, allowed):
    bad = []
    for folder in folders:
        for path, text in sources(folder):
            bad += [f"{path}: <{inc}>" for inc in ours(text) if inc.split("/")[0] not in allowed]
    return bad


def test_the_public_abi_includes_only_itself():
    assert offenders(["include"], {"xen"}) == []


def test_lib_includes_only_the_abi_and_itself():
    assert offenders(["lib"], {"xen", "xl"}) == []


def test_os_and_the_guests_include_no_hypervisor_header():
    assert offenders(["os", "guests"], {"xen", "xl"}) == []


def test_the_hypervisors_pure_common_modules_include_no_x86_header():
    assert offenders(["hv/lib"], {"xen", "xl", "hv"}) == []


def header_graph():
    graph = {}
    for prefix, folder in HEADER_DIRS.items():
        for path, text in sources(folder, (".h",)):
            name = f"{prefix}/{os.path.relpath(path, folder)}"
            graph[name] = [inc for inc in ours(text)]
    return graph


def find_cycle(graph):
    """One include cycle as a list of headers, or None."""
    state = {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, stack)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def test_no_include_cycle_among_our_headers():
    graph = header_graph()
    assert "asm/domain.h" in graph and "hv/domain.h" in graph
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_find_cycle_sees_a_common_arch_common_cycle():
    graph = {"hv/domain.h": ["asm/domain.h"], "asm/domain.h": ["hv/mm.h"],
             "hv/mm.h": ["hv/domain.h"]}
    cycle = find_cycle(graph)
    assert cycle[0] == cycle[-1] and set(cycle) == set(graph)
    assert find_cycle({"hv/a.h": ["hv/b.h"], "hv/b.h": []}) is None


def test_every_header_we_include_exists():
    missing = []
    for folder in ("hv", "lib", "os", "guests", "include", "tests"):
        for path, text in sources(folder):
            for inc in ours(text):
                prefix, rest = inc.split("/", 1)
                if not os.path.isfile(os.path.join(ROOT, HEADER_DIRS[prefix], rest)):
                    missing.append(f"{path}: <{inc}>")
    assert missing == []
