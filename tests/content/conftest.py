"""Fixtures for content tests: a minimal valid content folder written from inline YAML."""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

# The repository root is not on sys.path when pytest runs from the venv's script; make `bot` importable.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEADER = "# yaml-language-server: $schema=../schema.json\n"

BASE = {
    "base.yaml": """
        districts:
          ost:
            name: {de: Ostsiedlung, tr: Doğu}
          fredenberg:
            name: {de: Fredenberg}
        topics:
          sprache:
            title: {de: Sprache, tr: Dil}
            order: 1
            default_partner: quartiersmanagement
        places:
          buero:
            name: {de: Quartiersbüro}
            address: Musterstraße 1, 38226 Salzgitter
            latitude: 52.15
            longitude: 10.33
        partners:
          quartiersmanagement:
            name: {de: Quartiersmanagement}
            description: {de: Anlaufstelle für alles}
            catch_all: true
            requests: {telegram_chat_id: -100123}
        privacy:
          notice:
            title: {de: Datenschutz}
            text: {de: Wir speichern Ihre Anfrage.}
        """,
    "notruf.yaml": """
        emergency:
          notruf-polizei:
            name: {de: Polizei}
            number: "110"
            description: {de: Bei Gewalt}
            order: 1
            triggers: {de: [gewalt]}
          notruf-feuerwehr:
            name: {de: Feuerwehr}
            number: "112"
            description: {de: Bei Feuer}
            order: 2
            triggers: {de: [feuer]}
        """,
    "offers/kurse.yaml": """
        offers:
          deutschkurs-frauen:
            kind: course
            topics: [sprache]
            title:
              de: Deutschkurs für Frauen
              tr: Kadınlar için Almanca kursu
            summary: {de: Mit Kinderbetreuung}
            partner: quartiersmanagement
            place: buero
            signup: [request]
        """,
}


def write(directory: Path, files: dict[str, str]) -> Path:
    """Write dedented YAML files (with the schema header) below `directory`."""
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HEADER + textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return directory


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A valid content folder."""
    return write(tmp_path / "content", BASE)


@pytest.fixture
def make_content(tmp_path: Path) -> Callable[..., Path]:
    """Build a content folder from BASE with files replaced or added."""

    def make(**files: str) -> Path:
        merged = dict(BASE)
        merged.update({name.replace("__", "/") + ".yaml": text for name, text in files.items()})
        return write(tmp_path / "content", merged)

    return make


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped content, for a test to edit as staff would."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content
