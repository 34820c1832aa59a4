"""The quick path (yaml-rs, no positions) must give exactly what the positioned path (PyYAML nodes) gives.

yaml-rs reads YAML 1.2 and knows no lines; files it reads are used only when they validate without any
problem, and files with scalars the two YAML versions read differently take the positioned path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.content import loader
from bot.content.loader import LoadedSources, compose_bytes, load_sources, outline

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(loader._yaml_rs is None, reason="yaml-rs is not installed")


def _both(content_dir: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[LoadedSources, LoadedSources]:
    monkeypatch.setattr(loader, "_reusable", (None, {}))
    quick = load_sources(content_dir)
    with monkeypatch.context() as patch:
        patch.setattr(loader, "_yaml_rs", None)
        patch.setattr(loader, "_reusable", (None, {}))  # nothing reused: every file is read again
        positioned = load_sources(content_dir)
    return quick, positioned


def _problems(loaded: LoadedSources) -> list[tuple[str, str, str | None, int | None, str]]:
    return [(p.severity, p.path, p.file, p.line, p.message) for p in loaded.problems]


def _lines(loaded: LoadedSources) -> dict[tuple[str, str], int | None]:
    return {key: loaded.entry_line(*key) for key in loaded.locations}


def test_shipped_content_loads_the_same_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    quick, positioned = _both(ROOT / "content", monkeypatch)
    assert quick.entries == positioned.entries
    assert _problems(quick) == _problems(positioned)
    assert _lines(quick) == _lines(positioned)


def test_text_outline_finds_the_same_lines_as_the_node_tree() -> None:
    files = sorted((ROOT / "content").rglob("*.yaml"))
    assert files
    for path in files:
        raw = path.read_bytes()
        data = loader._quick_parse(raw)
        assert data is not None, f"{path} should take the quick path"
        found = loader._text_outline(raw, data)
        assert found is not None, path
        assert found.sections == outline(compose_bytes(raw)).sections, path


def test_text_outline_gives_up_on_keys_it_cannot_see() -> None:
    raw = b'offers:\n  "kurs":\n    kind: course\n'
    data = loader._quick_parse(raw)
    assert data is not None
    assert loader._text_outline(raw, data) is None


@pytest.mark.parametrize(
    "scalar",
    [
        "0531123",  # YAML 1.2: the number 531123
        "0531 123",
        "0x1F",
        "0o17",
        "1_000",
        ".inf",
        "-.inf",
        ".NaN",
        "+0531",
        "!!str 0531",
        "!wichtig Text",
        "110",
        "052.5",
        "1e5",
        "true",
        "no",
        "2027-03-01",
        "10:30",
        "09:00",
        "~",
        "'0531'",
    ],
)
def test_tricky_scalars_give_the_same_result_on_both_paths(
    scalar: str, make_content: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    content_dir = make_content(
        extra=f"""
        partners:
          telefon:
            name: {{de: {scalar}}}
            description: {{de: Beratung}}
            phone: {scalar}
            requests: {{email: a@example.org}}
        topics:
          zahlen:
            title: {{de: Zahlen}}
            order: {scalar}
        places:
          ort:
            name: {{de: Ort}}
            address: {scalar}
            latitude: {scalar}
            longitude: 10.3
        """
    )
    quick, positioned = _both(content_dir, monkeypatch)
    assert quick.entries == positioned.entries
    assert _problems(quick) == _problems(positioned)


def test_problems_in_a_quickly_read_file_name_their_lines(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        extra="""
        offers:
          treff:
            kind: meeting_place
            topics: [sprache]
            title: {de: Treff}
            summary: {de: Treff}
            partner: nirgendwo
        """
    )
    loaded = load_sources(content_dir)
    assert not [p for p in loaded.problems if p.severity == "error"]
    # A cross-file problem found after loading still gets the line of the field.
    loaded.error("offers", "treff", ("partner",), "unbekannter Partner")
    problem = loaded.problems[-1]
    assert problem.file is not None and problem.file.endswith("extra.yaml")
    assert problem.line == 8
