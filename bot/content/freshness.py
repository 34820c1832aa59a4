"""Translation freshness: `content/translations.lock` remembers which German text a translation was made from.

The lock maps `<kind>.<id>.<field path>.<lang>` to a short hash of the German source text at the time the
translation was accepted (`run_bot.py check --accept`). When the German text changes, the hash differs and
`check` reports the translation as outdated.

A translation copied along with another entry (a new offer made from a copy of an old one, as the handbook
suggests) has no German text it was made from at all: `copied_translations` refuses it as an error, since
residents in that language would see the old entry's text under the new one's name.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from bot.content.loader import LoadedSources
from bot.content.messages import german_language_name
from bot.content.models import iter_localized
from bot.content.problems import Loc, Problem
from bot.content.yamlfile import display_name
from bot.languages import CONTENT_SOURCE, TRANSLATED

LOCK_NAME = "translations.lock"
_LOCK_HEADER = (
    "# Automatisch erzeugt von `run_bot.py check --accept` – nicht von Hand bearbeiten.\n"
    "# <art>.<id>.<feld>.<sprache>: Prüfsumme des deutschen Textes, aus dem übersetzt wurde.\n"
)

# libyaml (C) reads and writes the lock ten times faster than the pure-Python parser (a tenth of a second at
# every start of the bot), with the same resolvers: the same data and the same file.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

OUTDATED = "Übersetzung veraltet – deutscher Text wurde geändert; prüfen, dann check --accept"

EntriesByKind = Mapping[str, Mapping[str, BaseModel]]


def source_hash(text: str) -> str:
    """Short, stable hash of a German source text."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


def translation_key(kind: str, entry_id: str, loc: Loc, lang: str) -> str:
    """The lock key `<kind>.<id>.<field path>.<lang>`."""
    return ".".join(str(part) for part in (kind, entry_id, *loc, lang))


def iter_translations(entries: EntriesByKind) -> Iterator[tuple[str, str, Loc, str, str]]:
    """Every translated text: (kind, id, field path, lang, German source). Word lists are not tracked."""
    for kind, by_id in entries.items():
        for entry_id, entry in by_id.items():
            for loc, texts in iter_localized(entry):
                german = texts[CONTENT_SOURCE]
                if isinstance(german, str):
                    for lang in texts:
                        if lang != CONTENT_SOURCE:
                            yield kind, entry_id, loc, lang, german


def read_lock(content_dir: Path) -> tuple[dict[str, str] | None, Problem | None]:
    """The recorded hashes, or None if there is no lock file yet."""
    path = content_dir / LOCK_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, Problem("warning", "", display_name(path), None, f"nicht lesbar: {exc}", "lock")
    data = _written_by_accept(text)
    if data is None:  # edited by hand, or written by another version: YAML decides
        try:
            data = yaml.load(text, Loader=_Loader) or {}
        except yaml.YAMLError:
            data = None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        message = "unlesbar – mit `run_bot.py check --accept` neu schreiben"
        return None, Problem("warning", "", display_name(path), None, message, "lock")
    return {str(k): v for k, v in data.items()}, None


# A line as `accept` writes it: a key (a kind, then ids, fields, list positions and a language, joined by
# dots) and a hash, quoted when it is all digits. Both can only be text in YAML (a plain scalar that starts
# with a letter and holds a dot is no bool, null or number; hex digits with a letter and no dot no number).
_LOCK_LINE = re.compile(
    r"([a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)+): (?:([0-9a-f]*[a-f][0-9a-f]*)|'([0-9a-f]+)'|\"([0-9a-f]+)\")"
)
# A comment line of printable characters that are no line break in YAML (no NEL, LS, PS, BOM or tab).
_LOCK_COMMENT = re.compile("#[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")


def _written_by_accept(text: str) -> dict[str, str] | None:
    """The hashes of a lock file in the form `accept` writes (comment lines, blank lines and `key: hash`
    lines), read without the YAML parser (the lock of 2,000 entries: 0.7 s of CPU with it); None for any
    other form. Gives what `yaml.load` gives for such a file: the last value of a key written twice, at
    the place of its first."""
    hashes: dict[str, str] = {}
    for line in text.split("\n"):
        if not line or _LOCK_COMMENT.fullmatch(line):
            continue
        if (match := _LOCK_LINE.fullmatch(line)) is None or len(match[1]) > 1000:
            return None  # (YAML refuses a key of over 1,024 characters)
        hashes[match[1]] = match[2] or match[3] or match[4]
    return hashes


def accept(entries: EntriesByKind, content_dir: Path) -> int:
    """Record every current translation as up to date in the lock file, written atomically and sorted (so
    diffs stay small); returns the number of translations recorded."""
    hashes = {
        translation_key(kind, entry_id, loc, lang): source_hash(german)
        for kind, entry_id, loc, lang, german in iter_translations(entries)
    }
    body = yaml.dump(
        dict(sorted(hashes.items())), Dumper=_Dumper, allow_unicode=True, sort_keys=True, width=200
    )
    handle, tmp = tempfile.mkstemp(dir=content_dir, prefix=".translations.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(_LOCK_HEADER + (body if hashes else ""))
        os.replace(tmp, content_dir / LOCK_NAME)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(hashes)


RENAMED = (
    "ID geändert (vorher '{old}') – die Übersetzungen passen weiter zum deutschen Text; "
    "`run_bot.py check --accept` ausführen, damit translations.lock die neue ID kennt"
)


def _renamed(sources: LoadedSources, lock: Mapping[str, str]) -> dict[tuple[str, str, str, str], str]:
    """The lock's confirmations of entries that no longer exist, by (kind, field, language, hash of the
    German text) → their old id: an entry renamed with its German text unchanged finds its own there."""
    orphans: dict[tuple[str, str, str, str], str] = {}
    for key, recorded in lock.items():
        parts = key.split(".")
        if len(parts) < 4:  # not `<kind>.<id>.<field>.<lang>`: a hand-edited line, ignored like the rest
            continue
        kind, entry_id, *field, lang = parts
        if kind in sources.entries and entry_id not in sources.entries[kind]:
            orphans.setdefault((kind, ".".join(field), lang, recorded), entry_id)
    return orphans


def translation_problems(sources: LoadedSources, lock: Mapping[str, str] | None) -> None:
    """Add warnings for missing, outdated and not yet accepted translations to `sources.problems`. A
    translation confirmed under the entry's old id, for the same German text, counts as confirmed: only
    the id was changed, and one warning says so."""
    orphans: dict[tuple[str, str, str, str], str] | None = None  # read from the lock once one is missing
    for kind, by_id in sources.entries.items():
        for entry_id, entry in by_id.items():
            missing: dict[Loc, list[str]] = {}  # field → the languages it has no text in
            unaccepted: dict[str, list[str]] = {}
            renamed_from: str | None = None
            for loc, texts in iter_localized(entry):
                field = ".".join(str(p) for p in loc)
                if absent := [str(lang) for lang in TRANSLATED if lang not in texts]:
                    missing[loc] = absent
                german = texts[CONTENT_SOURCE]
                if lock is None or not isinstance(german, str):  # word lists are not tracked
                    continue
                current = source_hash(german)
                key = f"{kind}.{entry_id}.{field}."  # `translation_key` but the language, once per field
                for lang in texts:
                    if lang == CONTENT_SOURCE:
                        continue
                    recorded = lock.get(key + lang)
                    if recorded is None:
                        if orphans is None:
                            orphans = _renamed(sources, lock)
                        if old := orphans.get((kind, field, lang, current)):
                            renamed_from = old
                        else:
                            unaccepted.setdefault(lang, []).append(field)
                    elif recorded != current:
                        sources.warning(kind, entry_id, (*loc, lang), OUTDATED, code="outdated")
            if missing:
                _missing_translations(sources, kind, entry_id, missing)
            if unaccepted:
                grouped = "; ".join(f"{lang}: {', '.join(fields)}" for lang, fields in unaccepted.items())
                message = f"Übersetzung noch nicht bestätigt – {grouped}"
                sources.warning(kind, entry_id, (), message, code="unaccepted")
            if renamed_from is not None:
                sources.warning(kind, entry_id, (), RENAMED.format(old=renamed_from), code="unaccepted")
    if lock is None and next(iter_translations(sources.entries), None) is not None:
        message = f"{LOCK_NAME} fehlt – Übersetzungen prüfen, dann `run_bot.py check --accept` ausführen"
        sources.problems.append(Problem("warning", "", LOCK_NAME, None, message, "unaccepted"))


def _missing_translations(
    sources: LoadedSources, kind: str, entry_id: str, missing: dict[Loc, list[str]]
) -> None:
    """One warning per entry, at the first field a translation is missing in (where the line goes), naming
    the languages and, when there are several fields, each with its line: "tr, ar: title (Zeile 40),
    summary (Zeile 44)"."""
    lines = {loc: sources.locate(kind, entry_id, *loc)[1] or 0 for loc in missing}
    in_file_order = sorted(missing, key=lambda loc: lines[loc])
    by_langs: dict[tuple[str, ...], list[str]] = {}
    for loc in in_file_order:
        field = ".".join(str(p) for p in loc)
        if len(missing) > 1 and lines[loc]:
            field += f" (Zeile {lines[loc]})"
        by_langs.setdefault(tuple(missing[loc]), []).append(field)
    grouped = "; ".join(f"{', '.join(langs)}: {', '.join(fields)}" for langs, fields in by_langs.items())
    message = f"Übersetzung fehlt – {grouped}"
    sources.warning(kind, entry_id, in_file_order[0], message, code="missing_translation")


COPIED_FIELDS = frozenset({"title", "summary", "details", "description", "text", "answer"})
"""The long texts, whose translations are never word for word the same for two different German texts.
Short ones (cost "kostenlos", a note "nach Absprache", a name) may rightly be translated alike."""

COPIED = (
    "{translations} wie bei {other}, der deutsche Text aber ist ein anderer (beim Kopieren mitgenommen?) – "
    "wer {chosen} gewählt hat, sähe hier den Text von {other}. {fix} an den deutschen Text anpassen oder "
    "{lines} löschen (dann wird der deutsche Text gezeigt)"
)


def copied_message(field: str, langs: list[str], other: str) -> str:
    """The error for the translations `langs` of `field` copied from the entry `other`."""
    names = ", ".join(f"{german_language_name(lang)} ({lang})" for lang in langs)
    if len(langs) == 1:
        translations = f"Die Übersetzung {names} von '{field}' ist wörtlich dieselbe"
        chosen, fix = f"„{german_language_name(langs[0])}“", "Die Übersetzung"
        lines = f"die Zeile '{langs[0]}:'"
    else:
        translations = f"Die Übersetzungen {names} von '{field}' sind wörtlich dieselben"
        chosen, fix = "eine dieser Sprachen", "Die Übersetzungen"
        lines = "die Zeilen " + ", ".join(f"'{lang}:'" for lang in langs)
    return COPIED.format(translations=translations, other=other, chosen=chosen, fix=fix, lines=lines)


def copied_translations(sources: LoadedSources, lock: Mapping[str, str] | None) -> None:
    """Add an error for the long translations that are word for word another entry's translation of the
    same field while the two German texts differ (one per field, naming the languages; its line is the
    first language's). Of such entries, those whose translation was confirmed for their German text
    (`translations.lock`) are the originals and pass; when none (or all) were, each is named, with one of
    the others."""
    alike: dict[tuple[Loc, str, str], list[tuple[str, str, str]]] = {}
    for kind, by_id in sources.entries.items():
        for entry_id, entry in by_id.items():
            for loc, texts in iter_localized(entry):
                german = texts[CONTENT_SOURCE]
                if loc[-1] not in COPIED_FIELDS or not isinstance(german, str):
                    continue
                for language, text in texts.items():
                    if language != CONTENT_SOURCE and isinstance(text, str):
                        same = alike.setdefault((loc, language, text.strip()), [])
                        same.append((kind, entry_id, german.strip()))
    copied: dict[tuple[str, str, Loc, str], list[str]] = {}
    for (loc, lang, _text), found in alike.items():
        if len({german for _kind, _id, german in found}) < 2:
            continue
        confirmed = [
            lock is not None and lock.get(translation_key(kind, entry_id, loc, lang)) == source_hash(german)
            for kind, entry_id, german in found
        ]
        some_confirmed = any(confirmed) and not all(confirmed)
        for (kind, entry_id, german), original in zip(found, confirmed, strict=True):
            if some_confirmed and original:
                continue
            sources_of_it = [
                f"{k}.{i}"
                for (k, i, g), o in zip(found, confirmed, strict=True)
                if g != german and (o or not some_confirmed)
            ]
            if sources_of_it:  # else copied only from entries with the same German text: nothing wrong
                copied.setdefault((kind, entry_id, loc, sources_of_it[0]), []).append(lang)
    order: dict[str, int] = {lang: position for position, lang in enumerate(TRANSLATED)}
    for (kind, entry_id, loc, other), langs in copied.items():
        langs.sort(key=order.__getitem__)
        message = copied_message(".".join(str(part) for part in loc), langs, other)
        file, line = sources.locate(kind, entry_id, *loc, langs[0])
        path = ".".join(str(part) for part in (kind, entry_id, *loc))
        sources.problems.append(Problem("error", path, file, line, message, "copied_translation"))
