"""The quick path (yaml-rs, no positions) must give exactly what the positioned path (PyYAML nodes) gives.

yaml-rs reads YAML 1.2 and knows no lines; files it reads are used only when they validate without any
problem, and files with scalars the two YAML versions read differently take the positioned path.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.content import loader, quick
from bot.content.loader import LoadedSources, Prepared, QuickReadHelper, load_sources, outline
from bot.content.yamlfile import compose_bytes

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not quick.available(), reason="yaml-rs is not installed")


def _both(content_dir: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[LoadedSources, LoadedSources]:
    monkeypatch.setattr(loader, "_reusable", (None, {}))
    fast = load_sources(content_dir)
    with monkeypatch.context() as patch:
        patch.setattr(quick, "_yaml_rs", None)
        patch.setattr(loader, "_reusable", (None, {}))  # nothing reused: every file is read again
        positioned = load_sources(content_dir)
    return fast, positioned


def _problems(loaded: LoadedSources) -> list[tuple[str, str, str | None, int | None, str]]:
    return [(p.severity, p.path, p.file, p.line, p.message) for p in loaded.problems]


def _lines(loaded: LoadedSources) -> dict[tuple[str, str], int | None]:
    return {key: loaded.entry_line(*key) for key in loaded.locations}


def test_shipped_content_loads_the_same_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    fast, positioned = _both(ROOT / "content", monkeypatch)
    assert fast.entries == positioned.entries
    assert _problems(fast) == _problems(positioned)
    assert _lines(fast) == _lines(positioned)


def test_text_outline_finds_the_same_lines_as_the_node_tree() -> None:
    files = sorted((ROOT / "content").rglob("*.yaml"))
    assert files
    for path in files:
        raw = path.read_bytes()
        data = quick.parse(raw)
        assert data is not None, f"{path} should take the quick path"
        found = quick.text_outline(raw, data)
        assert found is not None, path
        assert found == outline(compose_bytes(raw)).sections, path


def test_text_outline_gives_up_on_keys_it_cannot_see() -> None:
    raw = b'offers:\n  "kurs":\n    kind: course\n'
    data = quick.parse(raw)
    assert data is not None
    assert quick.text_outline(raw, data) is None


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
        "3E-2",
        "12.5e3",
        "52.1",
        "-7",
        "true",
        "no",
        "2027-03-01",
        "10:30",
        "09:00",
        "~",
        "'0531'",
    ],
)
@pytest.mark.parametrize("where", ["text", "number"])
def test_tricky_scalars_give_the_same_result_on_both_paths(
    scalar: str, where: str, make_content: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    if where == "text":  # text fields take numbers as text: "0531" must not become "531"
        extra = f"""
        partners:
          telefon:
            name: {{de: {scalar}}}
            description: {{de: Beratung}}
            phone: {scalar}
            requests: {{email: a@example.org}}
        places:
          ort:
            name: {{de: Ort}}
            address: {scalar}
            latitude: 52.1
            longitude: 10.3
        """
    else:
        extra = f"""
        topics:
          zahlen:
            title: {{de: Zahlen}}
            order: {scalar}
        places:
          ort:
            name: {{de: Ort}}
            address: Weg 1
            latitude: {scalar}
            longitude: 10.3
        """
    content_dir = make_content(extra=extra)
    fast, positioned = _both(content_dir, monkeypatch)
    assert fast.entries == positioned.entries
    assert _problems(fast) == _problems(positioned)


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


def _generated(tmp_path: Path, entries: int) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from gen_catalogue import LANGS, generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "bench"))
    folder = tmp_path / "generated"
    generate(folder, entries, LANGS, per_file=20)
    return folder


def _load_with_helper(folder: Path, monkeypatch: pytest.MonkeyPatch, **helper: object) -> LoadedSources:
    with monkeypatch.context() as patch:
        patch.setattr(loader, "_reusable", (None, {}))
        patch.setattr(QuickReadHelper, "MIN_BYTES", 0)
        patch.setattr(QuickReadHelper, "SHARE", 0.5)
        for name, value in helper.items():
            patch.setattr(QuickReadHelper, name, value)
        return load_sources(folder)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="the helper process needs a second CPU")
def test_helper_process_reads_a_share_of_the_files_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _generated(tmp_path, 300)
    broken = folder / "offers" / "offers-008.yaml"  # in the helper's share: read again here, with lines
    broken.write_text(broken.read_text(encoding="utf-8").replace("kind: course", "kind: kurs", 1), "utf-8")
    delivered: list[Path] = []
    original = QuickReadHelper.result

    def spy(self: QuickReadHelper, path: Path) -> Prepared | None:
        prepared = original(self, path)
        if prepared is not None and prepared.checked is not None:
            delivered.append(path)
        return prepared

    monkeypatch.setattr(QuickReadHelper, "result", spy)
    with_helper = _load_with_helper(folder, monkeypatch)
    monkeypatch.setattr(loader, "_reusable", (None, {}))
    alone = load_sources(folder)  # below MIN_BYTES: no helper
    assert len(delivered) >= 3
    assert broken not in delivered
    assert with_helper.entries == alone.entries
    assert _problems(with_helper) == _problems(alone)
    assert any(p.message.startswith("ungültiger Wert 'kurs'") and p.line for p in with_helper.problems)


@pytest.mark.parametrize(
    "command",
    [
        (sys.executable, "-c", "import sys; sys.exit(3)"),  # dies at once
        (sys.executable, "-c", "print('kaputt')"),  # answers garbage
        ("/nonexistent/python",),  # cannot start
    ],
)
def test_a_failing_helper_process_changes_nothing(
    command: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _generated(tmp_path, 150)
    with_helper = _load_with_helper(folder, monkeypatch, COMMAND=command)
    monkeypatch.setattr(loader, "_reusable", (None, {}))
    alone = load_sources(folder)
    assert with_helper.entries == alone.entries
    assert _problems(with_helper) == _problems(alone)
    assert not [p for p in alone.problems if p.severity == "error"]


@pytest.mark.parametrize(
    "text",
    [
        "Bewohner*innen willkommen!",
        "Kinder & Jugend",
        "Tel. 0800 111 0 111",
        "Termine ab 2027-03-01",
        "Raum 1_2",
        "Hilfe rund um die Uhr 0800",
        "Mehr unter https://example.org/?a=1&b=2",
    ],
)
def test_texts_with_special_characters_take_the_quick_path(text: str) -> None:
    raw = f"offers:\n  kurs:\n    title:\n      de: {text}\n    starts: 2027-03-01\n".encode()
    assert quick.parse(raw) is not None


@pytest.mark.parametrize(
    "value",
    [
        "0531",
        "-0531",
        "[0531, 1]",
        "[\n      1,\n      0531]",
        "\n      0531",
        "1_000",
        "1e5",
        "!!str 1",
        "&anker x",
        "*anker",
        "\n      *anker",
        ".inf",
        "\n      - 0800",
    ],
)
def test_values_yaml_versions_read_differently_take_the_positioned_path(value: str) -> None:
    raw = f"partners:\n  p:\n    phone: {value}\n".encode()
    assert quick.parse(raw) is None


def test_helper_needs_no_linux_only_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert QuickReadHelper.start_for([ROOT / "content" / "faq.yaml"]) is None


def test_every_number_form_yaml_rs_reads_differently_is_caught() -> None:
    """Random number-like scalars in five positions: wherever yaml-rs and our loader disagree, the file
    must take the positioned path (yaml-rs reads `_282`, `0b101`, `4E6_`, `1_0.5` as numbers)."""
    import random

    import yaml

    from bot.content.yamlfile import ContentLoader

    rng = random.Random(7)
    alphabet = "0123456789._eE+-xobB"
    values = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7))) for _ in range(2500)}
    values |= {sign + word for sign in ("", "+", "-") for word in (".inf", ".Inf", ".NaN", "0531", "1e5")}
    checked = 0
    for context in ("a: {}\n", "a: [{}]\n", "- {}\n", "a: [x, {}]\n", "a:\n  {}\n"):
        for value in sorted(values):
            raw = context.format(value).encode()
            try:
                theirs = quick._yaml_rs.loads(raw.decode(), parse_datetime=False)
                ours = yaml.load(raw, Loader=ContentLoader)  # a SafeLoader subclass
            except Exception:
                continue  # a syntax error: the positioned path reports it anyway
            checked += 1
            if repr(theirs) != repr(ours):
                assert quick.suspect(raw), (value, theirs, ours)
    assert checked > 5000


def _keys_differ_only(theirs: object, ours: object) -> bool:
    """yaml-rs reads keys like `5:`, `true:`, `~:` or `? x` as numbers, booleans, None or tuples: the
    models accept only text keys (numbers as text, `5` → "5"), so such a file fails validation and
    takes the positioned path anyway."""
    if isinstance(theirs, dict) and isinstance(ours, dict):
        if len(theirs) != len(ours):
            return False
        if any(not isinstance(key, str) for key in theirs):
            return True
        return all(_keys_differ_only(theirs[k], ours.get(k)) or theirs[k] == ours.get(k) for k in theirs)
    if isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours):
        return all(a == b or _keys_differ_only(a, b) for a, b in zip(theirs, ours, strict=True))
    return False


def test_texts_yaml_rs_reads_differently_are_caught() -> None:
    """Random texts with YAML's special characters in ten styles (plain, quoted, block, folded, flow, keys):
    wherever both readers accept a document but read it differently, the positioned path must take it,
    unless only key types differ (see `_keys_differ_only`) or the document is not a mapping of kinds."""
    import random

    import yaml

    from bot.content.yamlfile import ContentLoader

    rng = random.Random(11)
    pieces = [*"abcäßçğış Бв عرب", " ", ": ", "#", " #", "- ", "?", "!", "&", "*", "'", '"', "\\", "|", ">"]
    pieces += [
        ",",
        "[",
        "]",
        "{",
        "}",
        "\t",
        "0",
        "1",
        ".",
        "e",
        "_",
        "~",
        "null",
        "true",
        "https://a.b/?c=d&e=f",
    ]
    pieces += ["\\n", "\\x1f", "\\u00e9", "''", '\\"', "€", "🙂"]
    styles = [
        "a: {t}\n", "a: '{t}'\n", 'a: "{t}"\n', "a: |\n  {t}\n  {t}\n", "a: >-\n  {t}\n\n  {t}\n",
        "a:\n  - {t}\n  - {t}\n", "a: [{t}]\n", "a: {{de: {t}}}\n", "a: {t}\n  {t}\n", "{t}: 1\n", "a: |\n",
    ]  # fmt: skip
    compared = 0
    for _ in range(6000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        raw = rng.choice(styles).format(t=text).encode()
        try:
            theirs = quick._yaml_rs.loads(raw.decode(), parse_datetime=False)
            ours = yaml.load(raw, Loader=ContentLoader)  # a SafeLoader subclass
        except Exception:
            continue  # rejected by either: the positioned path reports it
        compared += 1
        if repr(theirs) != repr(ours) and isinstance(theirs, dict) and not _keys_differ_only(theirs, ours):
            assert quick.suspect(raw), (raw, theirs, ours)
    assert compared > 3000
