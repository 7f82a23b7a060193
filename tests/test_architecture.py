"""The layout's rules, checked: the import contracts in pyproject.toml
([tool.importlinter]: the layers, Rich only in quizcli.ui, torch only in
the demo's process), no import cycles, and nothing but typer and the
standard library at the top of the modules every start imports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "quizcli"


def test_import_contracts_are_kept(monkeypatch):
    lint = pytest.importorskip("importlinter.cli")
    monkeypatch.chdir(ROOT)          # lint-imports reads ./pyproject.toml
    assert lint.lint_imports(no_cache=True, no_logo=True) == 0, "run `lint-imports` to see the broken contract"


def _graph():
    grimp = pytest.importorskip("grimp")
    return grimp.build_graph("quizcli", exclude_type_checking_imports=True)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    # Imports inside functions count too: a loop through a lazy import is
    # still a loop in the design.
    graph = _graph()
    edges = {m: {i for i in graph.find_modules_directly_imported_by(m) if i.startswith("quizcli")}
             for m in graph.modules if m.startswith("quizcli")}
    assert _cycles(edges) == []


# What every start imports: the root command and each command module.
# Anything else (the core, Rich, the bank loader) is imported inside the
# command that needs it, so `quizcli --help` stays fast (bench/bench_startup.py).
START_UP = [PACKAGE / "cli.py", *sorted((PACKAGE / "commands").glob("*.py"))]
# quizcli.i18n: the N_() marks of the help lines; standard library only, and no catalog is read at import.
# quizcli.model is standard library only (the question types name the --type help).
ALLOWED_AT_TOP = {"quizcli", "quizcli.commands", "quizcli.commands.options", "quizcli.i18n", "quizcli.model"}


def _top_level_imports(path: Path) -> list[str]:
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            names.append(node.module or "")
    return names


@pytest.mark.parametrize("path", START_UP, ids=lambda p: p.name)
def test_start_up_modules_import_only_typer_and_the_standard_library_at_the_top(path):
    stdlib = set(sys.stdlib_module_names)
    bad = [n for n in _top_level_imports(path)
           if n.split(".")[0] not in stdlib | {"typer"} and n not in ALLOWED_AT_TOP and not n.startswith("quizcli.commands.")]
    assert bad == [], f"{path.name} imports {bad} at module level: import them inside the command"


def test_the_top_level_check_sees_a_heavy_import(tmp_path):
    f = tmp_path / "cmd.py"
    f.write_text("import typer\nimport rich.console\n\ndef f():\n    import torch\n")
    assert _top_level_imports(f) == ["typer", "rich.console"]


MAX_LINES = 500


def test_no_module_over_500_lines_without_a_reason():
    """A long module says why in its opening comment (its docstring)."""
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "_builtin" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_LINES:
            doc = ast.get_docstring(ast.parse(text)) or ""
            if "Longer than" not in doc:
                long.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert long == [], "split these, or say in the docstring why not (a sentence starting 'Longer than'): " + ", ".join(long)


def test_references_to_readme_sections_exist():
    """A comment or message that sends the reader to a README section
    ('the README, "Exit status"', 'content/README.md, "Tags"') names a
    heading that README has."""
    import re

    def headings(readme: Path) -> set[str]:
        return {re.sub(r"^#+\s*", "", line).strip() for line in readme.read_text(encoding="utf-8").splitlines()
                if line.startswith("#")}

    pattern = re.compile(r'((?:[\w-]+/)*)README(?:\.md)?,? (?:section )?\\?"([A-Za-z][^"\\\n{}()]*)\\?"')
    missing = []
    for path in sorted([*PACKAGE.rglob("*.py"), *(ROOT / "bench").glob("*.py")]):
        for folder, name in pattern.findall(path.read_text(encoding="utf-8")):
            readme = ROOT / folder / "README.md"
            if not readme.is_file() or not any(name in h for h in headings(readme)):
                missing.append(f"{path.relative_to(ROOT)}: {folder}README.md, {name!r}")
    assert missing == []
    assert pattern.findall('see the README, \\"Quick start\\"') == [("", "Quick start")]
    assert pattern.findall('see content/README.md, "Tags"') == [("content/", "Tags")]
