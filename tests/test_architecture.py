"""The data flow of README's "How it is built", checked on the import graph of bot/:

    update → handlers → services (tickets, residents, feedback, content, search) → storage / outbox
                      ↘ render (text + keyboards: no Telegram types, no I/O) ↙

Every import counts, also those inside functions and under TYPE_CHECKING: an import hidden in a function
still makes two modules depend on each other. Nothing imports upwards, no module imports itself round a
cycle, and the test infrastructure (bot/testing) is reached only by the offline console. The AST shows two
more rules: render opens no file, and no handler words a sentence.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The layers (a module belongs to the first group one of whose names is its name or package): entry points,
# handlers, the domain services, storage. Render sits beside them, below its two users (handlers show
# screens, tickets write the messages a request sends) and above content and i18n: FORBIDDEN says what it
# must not import.
ENTRY = ("bot.app", "bot.console", "bot.telegram_modes", "bot.cli_ask")
HANDLERS = ("bot.handlers",)
RENDER = ("bot.render",)
DOMAIN = (
    "bot.content",
    "bot.search",
    "bot.tickets",
    "bot.residents",
    "bot.feedback",
    "bot.flood",
    "bot.sos",
)
SERVICES = (*DOMAIN, "bot.delivery", "bot.inbox")
STORAGE = ("bot.storage",)
TESTING = ("bot.testing",)
# What "no I/O" means for render: no database, no network, no processes, no files, no event loop.
IO_MODULES = (
    "sqlalchemy",
    "bot.storage.db",
    "bot.delivery",
    "bot.inbox",
    "bot.content.loader",
    "asyncio",
    "socket",
    "subprocess",
    "urllib",
    "httpx",
    "smtplib",
    "aiosmtpd",
    "shutil",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of bot/ (the Alembic migrations are scripts, not modules)."""
    return {
        module_name(path): path
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    }


# Every module parsed once, while the test module is collected: CPython 3.11 counts the AST constructor's
# recursion per interpreter, not per thread, so a parse during a test, while a thread an earlier test left
# running parses too, can fail with a spurious SystemError (python/cpython#106905; seen once here).
TREES = {module: ast.parse(path.read_text(encoding="utf-8")) for module, path in modules().items()}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@cache
def imports(module: str, *, runtime_only: bool = False) -> frozenset[str]:
    """What `module` of bot/ imports (see `imports_in`)."""
    path = modules()[module]
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    return imports_in(TREES[module], package, set(modules()), runtime_only=runtime_only)


def imports_in(
    source: str | ast.Module, package: list[str], known: set[str], *, runtime_only: bool = False
) -> frozenset[str]:
    """What `source` (a module in `package`, as text or parsed) imports, anywhere in it, functions included:
    `from bot.x import y` counts as bot.x.y when that is one of the `known` modules, else as bot.x.
    `runtime_only` leaves out `if TYPE_CHECKING:` blocks."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if runtime_only and isinstance(child, ast.If) and _is_type_checking(child):
                for alternative in child.orelse:
                    visit_node(alternative)
                continue
            visit_node(child)

    def visit_node(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import x / from ..y import z
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
        visit(node)

    visit(ast.parse(source) if isinstance(source, str) else source)
    return frozenset(found)


def within(name: str, groups: Iterable[str]) -> bool:
    return any(name == group or name.startswith(group + ".") for group in groups)


def called_name(call: ast.Call) -> str | None:
    """`f` of `f(...)` and of `x.f(...)`."""
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def calls(groups: Iterable[str], names: set[str]) -> list[str]:
    """Every call, in a module of `groups`, of a function or method named one of `names`."""
    return sorted(
        f"{module}:{node.lineno} calls {called_name(node)}()"
        for module in modules()
        if within(module, groups)
        for node in ast.walk(TREES[module])
        if isinstance(node, ast.Call) and called_name(node) in names
    )


def arrows(sources: Iterable[str], forbidden: Iterable[str]) -> list[str]:
    """Every import of a module in `sources` that reaches into `forbidden`."""
    forbidden = tuple(forbidden)
    return sorted(
        f"{module} imports {target}"
        for module in modules()
        if within(module, sources)
        for target in imports(module)
        if within(target, forbidden)
    )


# What each layer must not import, in addition: nothing points upwards (towards the update).
FORBIDDEN = {
    "bot.storage": ("bot.render", "bot.delivery", "bot.tickets", "bot.handlers", "bot.services", "bot.app"),
    "bot.content": ("bot.render", "bot.delivery", "bot.tickets", "bot.handlers", "bot.services", "bot.app"),
    "bot.render": ("bot.delivery", "bot.tickets", "bot.handlers", "bot.services", "bot.app", "bot.search"),
    "bot.delivery": ("bot.tickets", "bot.handlers", "bot.services", "bot.app"),
    "bot.tickets": ("bot.handlers", "bot.services", "bot.app"),
    "bot.residents": ("bot.handlers", "bot.services", "bot.app"),
    "bot.feedback": ("bot.handlers", "bot.services", "bot.app"),
    "bot.handlers": ENTRY,
}


def test_no_module_imports_a_layer_above_its_own() -> None:
    offenders = [line for layer, forbidden in FORBIDDEN.items() for line in arrows((layer,), forbidden)]
    assert offenders == []


def test_storage_imports_nothing_above_it() -> None:
    assert arrows(STORAGE, (*ENTRY, *HANDLERS, *RENDER, *SERVICES, "bot.services", "telegram")) == []


def test_services_import_neither_handlers_nor_the_application() -> None:
    assert arrows(SERVICES, (*ENTRY, *HANDLERS)) == []


def test_services_and_screens_do_not_know_telegram() -> None:
    """Rules and screens are tested without PTB: only handlers, delivery, the inbox and the app speak
    Telegram."""
    assert arrows((*DOMAIN, *RENDER), ("telegram",)) == []


def test_handlers_reach_the_database_only_through_services() -> None:
    """Handlers import no storage module and no SQLAlchemy: requests go through the request desk (which
    owns each transaction), residents' settings and statistics through bot.residents and bot.feedback."""
    assert arrows(HANDLERS, (*STORAGE, "sqlalchemy", *ENTRY)) == []


def test_render_does_no_io_and_knows_no_handler() -> None:
    assert arrows(RENDER, (*IO_MODULES, *HANDLERS, *ENTRY)) == []
    assert calls(RENDER, {"open"}) == []


# The translator's methods (`bot.i18n.Translator`) and the extraction marker (`bot.languages.N_`).
TRANSLATING = {"gettext", "ngettext", "html", "nhtml", "N_"}


def test_handlers_word_no_sentence() -> None:
    """Handlers turn updates into service calls and results into screens: which sentence a resident or a
    partner reads, and its wording, is chosen in bot/render. (The same check finds render's sentences.)"""
    assert calls(HANDLERS, TRANSLATING) == []
    assert calls(RENDER, TRANSLATING) != []


def test_only_the_console_uses_the_test_infrastructure() -> None:
    users = {line.split(" imports ")[0] for line in arrows(("bot",), TESTING)}
    assert users - {"bot.console"} - {m for m in modules() if within(m, TESTING)} == set()


# --- cycles --------------------------------------------------------------------------------------------


def strongly_connected(graph: dict[str, list[str]]) -> list[tuple[str, ...]]:
    """The parts of `graph` (node → the nodes it points to) in which every node reaches every other, if
    they have more than one node: the cycles (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []

    def enter(node: str) -> tuple[str, Iterator[str]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        return node, iter(graph.get(node, ()))

    for start in graph:
        if start in index:
            continue
        work = [enter(start)]
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    work.append(enter(target))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    part: list[str] = []
                    while not part or part[-1] != node:
                        part.append(stack.pop())
                        on_stack.discard(part[-1])
                    if len(part) > 1:
                        found.append(tuple(sorted(part)))
    return sorted(found)


def cycles() -> list[tuple[str, ...]]:
    """The import cycles among bot's modules (every import: inside functions and for type checkers too)."""
    graph = {
        module: sorted(t for t in imports(module) if t in modules() and t != module) for module in modules()
    }
    return strongly_connected(graph)


def test_the_import_graph_has_no_cycle() -> None:
    assert cycles() == []


def test_the_architecture_tests_see_the_whole_bot() -> None:
    """A guard for the guards: the graph covers the packages the rules above are about."""
    for package in ("bot.handlers", "bot.tickets", "bot.render", "bot.delivery", "bot.storage"):
        assert any(module.startswith(package + ".") for module in modules()), package
    assert "bot.tickets.desk" in imports("bot.handlers.conversation")


def test_the_cycle_check_sees_an_import_hidden_in_a_function() -> None:
    """The check itself: an import inside a function is an arrow; one only for type checkers is not."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from bot.c import C\n"
        "def later():\n    from bot import b\n"
    )
    known = {"bot.a", "bot.b", "bot.c"}
    assert imports_in(source, ["bot"], known, runtime_only=True) == {"typing", "bot.b"}
    assert imports_in(source, ["bot"], known) == {"typing", "bot.b", "bot.c"}
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"], "e": []}
    assert strongly_connected(graph) == [("a", "b", "c")]


# How a module's docstring says why it is long (the "no module over ~400 lines without a reason").
LONG_ON_PURPOSE = re.compile(r"longer than most modules|over 400 lines|past the usual length", re.IGNORECASE)


def test_a_module_over_400_lines_says_at_its_top_why() -> None:
    unexplained = [
        f"{module} ({len(path.read_text(encoding='utf-8').splitlines())} lines)"
        for module, path in modules().items()
        if len(path.read_text(encoding="utf-8").splitlines()) > 400
        and not LONG_ON_PURPOSE.search(" ".join((ast.get_docstring(TREES[module]) or "").split()))
    ]
    assert unexplained == []
