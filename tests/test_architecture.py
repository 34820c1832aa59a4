"""The data flow of README's "How it is built", checked on the import graph:

    update → handlers → services (tickets, residents, feedback, content, search) → storage / outbox
                      ↘ render (text + keyboards, no Telegram types) ↙

Every import counts, also those inside functions and under TYPE_CHECKING: an import hidden in a function
still makes two modules depend on each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(BOT.rglob("*.py")) if "migrations" not in path.parts}


def imported_modules(path: Path) -> set[str]:
    """Everything `path` imports (modules and names), wherever the import statement stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # from bot import storage
    return names


def bot_imports(module: str) -> set[str]:
    """The bot's own modules `module` imports; `from package import submodule` counts as the submodule."""
    found = set()
    for name in imported_modules(MODULES[module]):
        if name in MODULES and name != module:
            found.add(name)
    # `from bot.handlers import requests` names the package and its submodule: only the submodule counts.
    return {name for name in found if not any(other.startswith(name + ".") for other in found)}


GRAPH = {module: bot_imports(module) for module in MODULES}


def test_the_import_graph_has_no_cycle() -> None:
    """Tarjan's strongly connected components: every component must be a single module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in GRAPH[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            visit(module)
    assert not cycles


# What each layer must not import: nothing points upwards (towards the update).
FORBIDDEN = {
    "bot.storage": ("bot.render", "bot.delivery", "bot.tickets", "bot.handlers", "bot.services", "bot.app"),
    "bot.content": ("bot.render", "bot.delivery", "bot.tickets", "bot.handlers", "bot.services", "bot.app"),
    "bot.render": ("bot.delivery", "bot.tickets", "bot.handlers", "bot.services", "bot.app", "bot.search"),
    "bot.delivery": ("bot.tickets", "bot.handlers", "bot.services", "bot.app"),
    "bot.tickets": ("bot.handlers", "bot.services", "bot.app"),
    "bot.residents": ("bot.handlers", "bot.services", "bot.app"),
    "bot.feedback": ("bot.handlers", "bot.services", "bot.app"),
    "bot.handlers": ("bot.app", "bot.console", "bot.telegram_modes"),
}


def test_no_module_imports_a_layer_above_its_own() -> None:
    offenders = {
        f"{module} imports {imported}"
        for module, imports in GRAPH.items()
        for layer, forbidden in FORBIDDEN.items()
        if module == layer or module.startswith(layer + ".")
        for imported in imports
        if imported.startswith(forbidden)
    }
    assert not offenders


def test_handlers_reach_the_database_only_through_domain_services() -> None:
    """Handlers import no storage module and no SQLAlchemy: requests go through the request desk (which
    owns each transaction), residents' settings and statistics through bot.residents and bot.feedback."""
    offenders = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((BOT / "handlers").glob("*.py"))
        for module in imported_modules(path)
        if module.startswith(("bot.storage", "sqlalchemy"))
    }
    assert not offenders, "handlers must call a service (bot.residents, bot.feedback, bot.tickets.desk, …)"


def test_services_and_screens_do_not_know_telegram() -> None:
    """Rules and screens are tested without PTB: only handlers, delivery and the app speak Telegram."""
    packages = ("content", "search", "tickets", "render")
    paths = [p for package in packages for p in sorted((BOT / package).glob("*.py"))]
    paths += [BOT / "residents.py", BOT / "feedback.py"]
    offenders = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in paths
        for module in imported_modules(path)
        if module == "telegram" or module.startswith("telegram.")
    }
    assert not offenders


def test_the_architecture_tests_see_the_whole_bot() -> None:
    """A guard for the guards: the graph covers the packages the rules above are about."""
    for package in ("bot.handlers", "bot.tickets", "bot.render", "bot.delivery", "bot.storage"):
        assert any(module.startswith(package + ".") for module in GRAPH), package
    assert "bot.tickets.desk" in GRAPH["bot.handlers.requests"]
