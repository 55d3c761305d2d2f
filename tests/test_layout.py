"""The package layout's rules (docs/architecture.md), checked by reading the source with ``ast``.

Nothing is imported or run: each rule walks the syntax trees of src/recordkit, so a rule
broken in a function body that no test calls is caught all the same.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "recordkit"

#: The domain packages and what the architecture lets each import, besides itself.
LIBRARY_PACKAGES = (
    "core", "ledger", "owners", "billing", "documents", "renovations", "workorders", "archive", "search", "reports",
)  # fmt: skip
#: What a cli module may import at its top: the CLI's own modules and these small, dependency-free ones.
CLI_TOP_LEVEL_ALLOWED = (
    "recordkit.cli",
    "recordkit.core.errors",
    "recordkit.core.dates",
    "recordkit.core.filenames",
    "recordkit.core.personal",
)
#: A function-local import inside the library must say why on its line or the line above.
LAZY_MARK = "loaded on first use"
#: Functions that parse dates; only recordkit.core.dates may define them.
DATE_PARSER_NAMES = {"parse_date", "parse_day", "parse_when", "parse_due", "parse_month", "parse_period", "_date"}


@dataclass(frozen=True)
class Import:
    importer: str
    target: str  # a module of recordkit (a submodule when ``from package import module``)
    names: tuple[str, ...]
    line: int
    in_function: bool
    type_checking: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py")) if "migrations" not in path.parts}


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, in_function: bool, type_checking: bool) -> Iterator[tuple[ast.AST, bool, bool]]:
    for child in ast.iter_child_nodes(node):
        yield child, in_function, type_checking
        inner_function = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        inner_checking = type_checking or (isinstance(child, ast.If) and _is_type_checking(child))
        yield from _walk(child, inner_function, inner_checking)


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    is_package = modules()[importer].name == "__init__.py"
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join([*base, node.module] if node.module else base)


@cache
def imports(name: str) -> tuple[Import, ...]:
    found = []
    for node, in_function, type_checking in _walk(tree(name), False, False):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "recordkit":
                    found.append(Import(name, alias.name, (), node.lineno, in_function, type_checking))
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(name, node)
            if target.split(".")[0] != "recordkit":
                continue
            names = tuple(alias.name for alias in node.names)
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules()]
            for sub in submodules:
                found.append(Import(name, sub, (), node.lineno, in_function, type_checking))
            rest = tuple(n for n in names if f"{target}.{n}" not in modules())
            if rest or not submodules:
                found.append(Import(name, target, rest, node.lineno, in_function, type_checking))
    return tuple(found)


def all_imports() -> Iterator[Import]:
    for name in modules():
        yield from imports(name)


def library_modules() -> list[str]:
    return [name for name in modules() if name.split(".")[1:2] and name.split(".")[1] in LIBRARY_PACKAGES]


def test_the_tree_is_one_package_per_domain() -> None:
    top = {path.name for path in PACKAGE.iterdir() if not path.name.startswith((".", "__pycache__"))}
    expected = {
        *LIBRARY_PACKAGES, "cli", "web", "demo", "resources", "__init__.py", "__main__.py", "doctor.py", "py.typed",
    }  # fmt: skip
    assert top == expected


@pytest.mark.parametrize("package", [*LIBRARY_PACKAGES, "cli", "web", "demo", "resources"])
def test_each_package_says_in_one_line_what_it_owns(package: str) -> None:
    docstring = ast.get_docstring(tree(f"recordkit.{package}"))
    assert docstring, f"recordkit/{package}/__init__.py has no docstring"
    assert docstring.splitlines()[0].strip(), docstring


def test_no_import_cycle_between_modules_function_local_imports_included() -> None:
    graph: dict[str, set[str]] = {name: set() for name in modules()}
    for found in all_imports():
        if found.type_checking or found.target not in graph or found.target == found.importer:
            continue
        graph[found.importer].add(found.target)
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []


def test_the_library_never_imports_the_cli_the_web_pages_or_the_demo() -> None:
    offenders = [
        f"{found.importer}:{found.line} imports {found.target}"
        for found in all_imports()
        if found.importer.split(".")[1:2] not in (["cli"], ["web"], ["demo"], ["__main__"])
        and found.target.split(".")[1:2] in (["cli"], ["web"], ["demo"])
    ]
    assert offenders == []


def test_cli_modules_import_the_library_only_inside_command_bodies() -> None:
    offenders = [
        f"{found.importer}:{found.line} imports {found.target} at the top"
        for found in all_imports()
        if found.importer.startswith("recordkit.cli")
        and not found.in_function
        and not found.type_checking
        and not found.target.startswith(CLI_TOP_LEVEL_ALLOWED)
    ]
    assert offenders == []


def _marked_lazy(name: str, line: int) -> bool:
    lines = modules()[name].read_text(encoding="utf-8").splitlines()
    return any(LAZY_MARK in lines[i - 1] for i in (line - 1, line) if 0 < i <= len(lines))


def test_library_imports_sit_at_the_top_of_the_module() -> None:
    offenders = []
    for name in [*library_modules(), "recordkit.doctor"]:
        for node, in_function, _ in _walk(tree(name), False, False):
            if in_function and isinstance(node, ast.Import | ast.ImportFrom) and not _marked_lazy(name, node.lineno):
                offenders.append(f"{modules()[name].relative_to(SRC)}:{node.lineno}")
    assert offenders == [], f"imports inside functions (mark a heavy optional one with '# {LAZY_MARK}: why')"


def test_cli_functions_import_at_the_top_what_a_cli_module_may_import_there() -> None:
    """A cli module defers the library into its command bodies, so that ``--help`` stays light; what it may import at
    its top (``CLI_TOP_LEVEL_ALLOWED``, small and dependency-free) a helper or a command body imports there, or says
    why it waits (``cli.owners.with_document`` imported ``core.personal`` in its body with no word why, and command
    bodies imported ``core.errors`` and ``core.dates`` in theirs: this file's other rules walk only the library)."""
    offenders = []
    for name in [name for name in modules() if name.startswith("recordkit.cli.")]:
        for node, in_function, _ in _walk(tree(name), False, False):
            if not in_function or not isinstance(node, ast.Import | ast.ImportFrom) or _marked_lazy(name, node.lineno):
                continue
            targets = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if any(target.startswith(CLI_TOP_LEVEL_ALLOWED) for target in targets):
                offenders.append(f"{modules()[name].relative_to(SRC)}:{node.lineno}")
    assert offenders == [], f"move these to the top of the module, or say why they wait ('# {LAZY_MARK}: why')"


def test_no_module_uses_another_modules_private_names() -> None:
    offenders = [
        f"{found.importer}:{found.line} imports {name} from {found.target}"
        for found in all_imports()
        for name in found.names
        if name.startswith("_") and not name.startswith("__")
    ]
    recordkit_aliases: dict[str, set[str]] = {}
    for found in all_imports():
        recordkit_aliases.setdefault(found.importer, set())
    for name in modules():
        local_modules = set()
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("recordkit"):
                for alias in node.names:
                    if f"{node.module}.{alias.name}" in modules():
                        local_modules.add(alias.asname or alias.name)
        for node in ast.walk(tree(name)):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in local_modules
            ):
                offenders.append(f"{name}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert offenders == []


def test_exit_codes_come_from_the_error_hierarchy() -> None:
    """``typer.Exit(N)`` in a command body hides the exit code from the error table; 0 and 1 (no hits) only."""
    offenders = []
    for name in modules():
        if not name.startswith("recordkit.cli") or name == "recordkit.cli._app":
            continue
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Exit":
                codes = [*node.args, *(kw.value for kw in node.keywords if kw.arg == "code")]
                if any(not (isinstance(code, ast.Constant) and code.value in (0, 1)) for code in codes):
                    offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


def test_dates_are_parsed_in_one_place() -> None:
    offenders = [
        f"{name}.{node.name}"
        for name in modules()
        if name != "recordkit.core.dates"
        for node in ast.walk(tree(name))
        if isinstance(node, ast.FunctionDef) and node.name in DATE_PARSER_NAMES
    ]
    assert offenders == []


def test_every_text_file_of_the_repository_is_utf8() -> None:
    """A benchmark table pasted cut in the middle of a character once left docs/benchmarks.md unreadable as text."""
    root = Path(__file__).resolve().parents[1]
    files = [root / "README.md", *root.glob("docs/*.md"), *root.glob("templates/**/*.toml")]
    broken = []
    for path in files:
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            broken.append(f"{path.relative_to(root)}: byte {err.start}")
    assert broken == []
