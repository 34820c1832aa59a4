"""The data flow of ARCHITECTURE.md, checked: update → handler → domain service → storage / outbox."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # from bot import storage
    return names


def test_handlers_reach_the_database_only_through_domain_services() -> None:
    """Handlers import no storage module and no SQLAlchemy: residents' settings and statistics go through
    bot.residents and bot.feedback, requests through bot.tickets (whose functions take the session of the
    transaction the handler opens, so that one update is one transaction)."""
    offenders = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / "bot" / "handlers").glob("*.py"))
        for module in imported_modules(path)
        if module.startswith(("bot.storage", "sqlalchemy"))
    }
    assert not offenders, "handlers must call a service (bot.residents, bot.feedback, bot.tickets, …)"


def test_domain_services_do_not_know_telegram() -> None:
    services = [
        *sorted((ROOT / "bot" / "content").glob("*.py")),
        *sorted((ROOT / "bot" / "search").glob("*.py")),
        *sorted((ROOT / "bot" / "tickets").glob("*.py")),
        ROOT / "bot" / "residents.py",
        ROOT / "bot" / "feedback.py",
    ]
    offenders = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in services
        for module in imported_modules(path)
        if module == "telegram" or module.startswith("telegram.")
    }
    assert not offenders
