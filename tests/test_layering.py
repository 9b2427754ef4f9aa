"""The layers import each other only one way (docs/DESIGN.md).

Every module of `bot/`, `webhooks/` and `benchmarks/` is read as an AST (imports inside
functions count too: a lazy import still closes a circle), and:

- no import circle, of any length;
- the pure core (`bot/anthology`, `bot/engine`) imports nothing of the shell
  (`bot/worker`, `bot/github`, `bot/service.py`, `bot/cli.py`, ...), `webhooks/`, the
  stand-ins or the benchmarks, and no network, process or database library; the data
  layer (`bot/anthology`) imports nothing of the engine;
- in the product, only the demo entry (`bot/demo.py`) imports the stand-ins, and
  nothing imports the benchmarks or the tests.

The checks are functions of a source tree, so the last tests run them on a small tree
written for the purpose, to show that each one does catch what it looks for.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCANNED = ("bot", "webhooks", "benchmarks")

CORE = ("bot.anthology", "bot.engine")
# What the core may import from this project besides itself: the package and the
# schema loader (it reads JSON files shipped with the package).
CORE_MAY_IMPORT = ("bot", "bot.schemas")
# Libraries that mean I/O beyond reading files: they belong to the shell.
SHELL_LIBRARIES = (
    "flask",
    "werkzeug",
    "gunicorn",
    "github",
    "requests",
    "urllib.request",
    "http",
    "socket",
    "subprocess",
    "sqlite3",
    "psycopg",
    "psycopg2",
    "threading",
)
STANDINS = "bot.standins"
DEMO_ENTRY = "bot.demo"


def modules(root: Path, packages: Iterable[str] = SCANNED) -> dict[str, Path]:
    """Every module under `root/<package>`, by dotted name (`pkg/__init__.py` is `pkg`)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The dotted names `path` (module `name`) imports, anywhere in it: modules of
    `known` where the import names one, else the name as written (a library)."""
    out: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in known else base)
    return out


def import_graph(root: Path, packages: Iterable[str] = SCANNED) -> dict[str, set[str]]:
    """Module -> everything it imports (project modules by module name)."""
    found = modules(root, packages)
    known = set(found)
    return {name: imports(path, name, known) for name, path in found.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles among the graph's own modules (strongly connected
    components of more than one module, or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Tarjan's algorithm, iterative (no recursion limit on a long chain).
        work = [(start, iter(sorted(graph[start] & graph.keys())))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child] & graph.keys()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return found


def _within(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def core_violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports of the core that break the layering, as `module -> imported`."""
    project = {name.split(".")[0] for name in graph}
    out = []
    for name, imported in sorted(graph.items()):
        if not _within(name, CORE):
            continue
        for target in sorted(imported):
            if target.split(".")[0] in project:
                allowed = _within(target, CORE) or target in CORE_MAY_IMPORT
                if _within(name, ("bot.anthology",)) and _within(target, ("bot.engine",)):
                    allowed = False
            else:
                allowed = not _within(target, SHELL_LIBRARIES)
            if not allowed:
                out.append(f"{name} -> {target}")
    return out


def standin_violations(graph: dict[str, set[str]]) -> list[str]:
    """Product modules that import the stand-ins (only the demo entry may), the
    benchmarks or the tests."""
    out = []
    for name, imported in sorted(graph.items()):
        if not _within(name, ("bot", "webhooks")) or _within(name, (STANDINS,)):
            continue
        for target in sorted(imported):
            if _within(target, ("benchmarks", "tests")) or (
                _within(target, (STANDINS,)) and name != DEMO_ENTRY
            ):
                out.append(f"{name} -> {target}")
    return out


def test_the_tree_has_no_import_circle():
    found = circles(import_graph(REPO))
    assert not found, "import circles: " + "; ".join(" <-> ".join(c) for c in found)


def test_the_core_imports_only_the_core():
    graph = import_graph(REPO)
    assert any(_within(n, ("bot.engine",)) for n in graph)  # the scan saw the core
    bad = core_violations(graph)
    assert not bad, "the core imports outside it: " + "; ".join(bad)


def test_only_the_demo_entry_imports_the_standins():
    graph = import_graph(REPO)
    assert any(_within(t, (STANDINS,)) for t in graph[DEMO_ENTRY])
    bad = standin_violations(graph)
    assert not bad, "product modules import stand-ins or benchmarks: " + "; ".join(bad)


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


GOOD = {
    "bot/__init__.py": "",
    "bot/schemas.py": "import json\n",
    "bot/anthology/__init__.py": "",
    "bot/anthology/ids.py": "import re\n",
    "bot/engine/__init__.py": "",
    "bot/engine/api.py": "from bot.anthology import ids\nfrom bot import schemas\n",
    "bot/worker/__init__.py": "",
    "bot/worker/runner.py": "import sqlite3\nfrom bot.engine.api import plan\n",
    "bot/service.py": "from bot.worker import runner\n",
    "bot/cli.py": "from bot import service\n",
    "bot/standins/__init__.py": "",
    "bot/standins/harness.py": "from bot.service import x\n",
    "bot/demo.py": "from bot.standins.harness import LocalDeployment\n",
    "webhooks/__init__.py": "",
    "webhooks/app.py": "from bot.worker.runner import Runner\n",
}


def test_the_checks_pass_a_well_layered_tree(tmp_path):
    graph = import_graph(_tree(tmp_path, GOOD))
    assert graph["bot.engine.api"] == {"bot.anthology.ids", "bot.schemas"}
    assert circles(graph) == []
    assert core_violations(graph) == []
    assert standin_violations(graph) == []


def test_a_lazy_import_that_closes_a_circle_is_caught(tmp_path):
    bad = {**GOOD, "bot/service.py": GOOD["bot/service.py"] + "def f():\n    import bot.demo\n"}
    assert circles(import_graph(_tree(tmp_path, bad))) == [
        ["bot.demo", "bot.service", "bot.standins.harness"]
    ]


def test_a_relative_import_circle_and_a_self_import_are_caught(tmp_path):
    bad = {
        **GOOD,
        "bot/anthology/ids.py": "from . import names\n",
        "bot/anthology/names.py": "from .ids import x\nimport bot.anthology.names\n",
    }
    assert circles(import_graph(_tree(tmp_path, bad))) == [
        ["bot.anthology.ids", "bot.anthology.names"]
    ]


def test_the_core_importing_the_shell_is_caught(tmp_path):
    bad = {
        **GOOD,
        "bot/engine/api.py": GOOD["bot/engine/api.py"]
        + "from bot.worker import runner\nimport webhooks.app\nfrom bot.standins.harness import x\n"
        + "def g():\n    from bot import cli\n    import requests\n",
        "bot/anthology/ids.py": "from bot.engine import api\n",
    }
    assert core_violations(import_graph(_tree(tmp_path, bad))) == [
        "bot.anthology.ids -> bot.engine.api",
        "bot.engine.api -> bot.cli",
        "bot.engine.api -> bot.standins.harness",
        "bot.engine.api -> bot.worker.runner",
        "bot.engine.api -> requests",
        "bot.engine.api -> webhooks.app",
    ]


def test_a_product_module_importing_the_standins_is_caught(tmp_path):
    bad = {
        **GOOD,
        "bot/service.py": "from bot.standins import harness\n",
        "webhooks/app.py": "def f():\n    from benchmarks import fleet\n",
    }
    assert standin_violations(import_graph(_tree(tmp_path, bad))) == [
        "bot.service -> bot.standins.harness",
        "webhooks.app -> benchmarks",
    ]
