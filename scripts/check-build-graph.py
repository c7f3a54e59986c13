#!/usr/bin/python3
"""Checks otrbot's build graph: no cycle among its targets, every target links
the target of each header it includes (directly, or through a header-only header),
and every include follows the layers: a folder includes only itself and the folders
before it in LAYERS, and a subfolder only itself and the subfolders before it in
its folder's list (README.md, Layout; docs/architecture.md).

Usage: scripts/check-build-graph.py. It configures the project afresh in a
temporary folder (a few seconds; nothing is built) and reads the graph CMake
itself writes (cmake --graphviz) and compile_commands.json. Prints the
problems and exits 1 when there are any (ctest runs it)."""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z0-9_]+/(?:[a-z0-9_]+/)?[a-z0-9_]+\.hpp)"', re.M)

# The layers, lowest first. A folder with subfolders keeps no source of its own.
LAYERS = {
    "i18n": [],
    "transport": ["base", "net", "log", "e2e", "otr", "omemo", "xmpp"],
    "conf": [],
    "lti": ["wire", "lti11", "lti13", "pages"],
    "actors": ["contract", "log", "rules", "store", "chat", "lms", "web", "app"],
}
PRODUCT = list(LAYERS)


def place(path):
    """(folder rank, subfolder rank) of a product path, or None outside the product."""
    parts = path.split("/")
    if parts[0] not in LAYERS:
        return None
    subs = LAYERS[parts[0]]
    if not subs:
        return (PRODUCT.index(parts[0]), 0)
    if len(parts) < 3 or parts[1] not in subs:
        return (PRODUCT.index(parts[0]), -1)
    return (PRODUCT.index(parts[0]), subs.index(parts[1]))


def layer_problems():
    """Every product source that is not in a known subfolder, and every include that runs
    against the order."""
    out = []
    files = []  # (no git: the tests also run on a copy of the tree without one)
    for top in PRODUCT:
        for folder, _, names in os.walk(os.path.join(ROOT, top)):
            files += [os.path.relpath(os.path.join(folder, n), ROOT)
                      for n in names if n.endswith((".cpp", ".hpp"))]
    for src in files:
        at = place(src)
        if at is None:
            continue
        if at[1] == -1:
            out.append("%s is not in a subfolder of %s/ (%s)" % (src, src.split("/")[0],
                                                                ", ".join(LAYERS[src.split("/")[0]])))
            continue
        for h in INCLUDE.findall(open(os.path.join(ROOT, src)).read()):
            to = place(h)
            if to is None or to[1] == -1:
                continue
            if to[0] > at[0] or (to[0] == at[0] and to[1] > at[1]):
                out.append("%s includes %s, against the layers (%s)" % (
                    src, h, " <- ".join(PRODUCT)))
    return out


def link_graph(build):
    """target -> set of targets it links (PUBLIC, PRIVATE or INTERFACE), ours only."""
    dot = os.path.join(build, "graph.dot")
    subprocess.run(["cmake", "-S", ROOT, "-B", build, "-G", "Ninja", "--graphviz=" + dot],
                   check=True, stdout=subprocess.DEVNULL)
    text = open(dot).read()
    names = dict(re.findall(r'"(node\d+)"\s*\[\s*label\s*=\s*"([^"]+)"', text))
    graph = {n: set() for n in names.values() if n.startswith("otrbot")}
    for a, b in re.findall(r'"(node\d+)"\s*->\s*"(node\d+)"', text):
        if names[a] in graph and names[b] in graph and names[a] != names[b]:
            graph[names[a]].add(names[b])
    return graph


def cycles(graph):
    found, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def closure(graph, target):
    seen, todo = set(), [target]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def main():
    with tempfile.TemporaryDirectory() as build:
        return check(build)


def check(build):
    graph = link_graph(build)
    owner = {}   # repo-relative source -> target
    for entry in json.load(open(os.path.join(build, "compile_commands.json"))):
        m = re.search(r"CMakeFiles/([^/]+)\.dir/", entry["output"] if "output" in entry else entry["command"])
        src = os.path.relpath(entry["file"], ROOT)
        if m and m.group(1) in graph:
            owner[src] = m.group(1)

    def header_owner(header):
        return owner.get(header[:-len(".hpp")] + ".cpp")

    def includes(path, seen):
        """Owned headers reached from `path`, through header-only headers."""
        out = set()
        try:
            text = open(os.path.join(ROOT, path)).read()
        except OSError:
            return out
        for h in INCLUDE.findall(text):
            if h in seen:
                continue
            seen.add(h)
            if header_owner(h):
                out.add(h)
            else:
                out |= includes(h, seen)
        return out

    problems = ["cycle: " + " -> ".join(c) for c in cycles(graph)] + layer_problems()
    for src, target in sorted(owner.items()):
        own_header = src[:-len(".cpp")] + ".hpp"
        reach = closure(graph, target)
        for h in sorted(includes(src, {own_header}) | includes(own_header, set())):
            dep = header_owner(h)
            if dep != target and dep not in reach:
                problems.append("%s (%s) includes %s but does not link %s" % (src, target, h, dep))
    for p in problems:
        print("build graph: " + p)
    print("build graph: %d targets, %d problems" % (len(graph), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
