"""Content: YAML files under content/ → a validated, immutable `Catalogue`.

Public API (import from here):
    load_catalogue(content_dir) -> (Catalogue, warnings)      raises ContentError
    ContentService(content_dir).reload() -> ReloadResult      atomic hot reload
    run_check(content_dir, strict=..., accept=..., out=...)   `run_bot.py check`
    write_schema(path) / json_schema()                        `run_bot.py schema`
    pick(localized_text, lang) -> (text, lang_used)
"""

from bot.content.catalogue import Catalogue, load_catalogue, validate_content
from bot.content.check import json_schema, run_check, write_schema
from bot.content.models import Lang, LocalizedText, OpeningHours, pick
from bot.content.problems import ContentError, Problem
from bot.content.service import ContentService, ReloadResult

__all__ = [
    "Catalogue",
    "ContentError",
    "ContentService",
    "Lang",
    "LocalizedText",
    "OpeningHours",
    "Problem",
    "ReloadResult",
    "json_schema",
    "load_catalogue",
    "pick",
    "run_check",
    "validate_content",
    "write_schema",
]
