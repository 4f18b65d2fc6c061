"""The shape of the code, read from its imports: packages never import each other in a loop, rules
never import presentation, and HTTP handlers never write SQL."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "disclosure_service"
# Plain rules: what may be tested without a database or a web page.
RULE_MODULES = (
    "cases/workflow.py",
    "cases/timing.py",
    "cases/recipients.py",
    "cases/clocks.py",
    "cases/vocabulary.py",
    "cases/casefile.py",
    "audit/chain.py",
    "auth/passwords.py",
    "auth/totp.py",
    "dates.py",
    "files.py",
)
PRESENTATION = ("disclosure_service.web", "litestar", "jinja2")
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b")


def _unit(path: Path) -> str:
    """The package a file belongs to (`cases`, `cases.steps`, ...), or the top-level module's name."""
    relative = path.relative_to(PACKAGE)
    parts = relative.parts[:-1]
    return ".".join(parts) if parts else relative.stem


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _target(name: str, units: set[str]) -> str | None:
    """The unit an imported name lives in: the longest package (or module) of ours it names."""
    if not name.startswith("disclosure_service."):
        return None
    parts = name.split(".")[1:]
    for length in range(len(parts), 0, -1):
        candidate = ".".join(parts[:length])
        if candidate in units:
            return candidate
    return None


def _graph() -> dict[str, set[str]]:
    files = [p for p in PACKAGE.rglob("*.py") if "_shipped" not in p.parts]
    units = {_unit(p) for p in files}
    edges: dict[str, set[str]] = defaultdict(set)
    for path in files:
        here = _unit(path)
        for name in _imports(path):
            target = _target(name, units)
            if target is not None and target != here:
                edges[here].add(target)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in list(edges):
        if node not in index:
            visit(node)
    return found


def test_no_package_imports_another_in_a_loop() -> None:
    assert _cycles(_graph()) == []


def test_the_loop_finder_finds_a_loop() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_rules_import_no_presentation_code() -> None:
    for module in RULE_MODULES:
        imported = _imports(PACKAGE / module)
        wrong = {name for name in imported if name.startswith(PRESENTATION)}
        assert not wrong, f"{module} imports {wrong}"


def test_no_http_handler_module_holds_sql() -> None:
    handlers = [*PACKAGE.rglob("pages.py"), *PACKAGE.rglob("api.py")]
    assert len(handlers) >= 10
    for path in handlers:
        assert not SQL.search(path.read_text(encoding="utf-8")), f"{path.relative_to(PACKAGE)} holds SQL"
