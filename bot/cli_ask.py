"""`run_bot.py ask`: what would the bot answer? For staff checking their content.

JSON form (stable; one object per question):
    {"q": str, "lang": str, "answer": {"id": str, "kind": str, "score": float} | null,
     "alternatives": [{"id", "kind", "score"}, ...], "emergency": bool, "emergency_trigger": str | null,
     "small_talk": "greeting" | "thanks" | "bye" | "ok" | "person" | null, "reason": str | null,
     "confidence": float}

``answer`` is the confident answer, ``alternatives`` the choices the resident is shown ("is it one of
these?"); with neither the bot says it does not know. ``small_talk`` is a message that is no question
(bot/search/smalltalk.py): a short friendly word answers it, and "person" ("ich will mit einem Menschen
sprechen") opens the "Ask a person" dialogue, as its button does. ``confidence`` (0–1) is the evidence
for the best entry: from 0.5 it is shown at all, from 0.75 it can be a confident answer.

Offers and events that are over or not yet on are left out as the bot leaves them out (`current_only`, the
rule of `Services.answer_question`, at the time of the run); the plain output names what was left out.
bench/search_eval.py measures the search itself and does not leave them out (its docstring says why).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from bot.content.catalogue import load_catalogue
from bot.content.problems import ContentError
from bot.languages import LANGUAGES
from bot.search.engine import SearchEngine, SearchResult
from bot.search.vectors import E5Model, Embedder
from bot.services import current_only
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.content.catalogue import Catalogue


def result_json(question: str, lang: str, result: SearchResult) -> dict[str, Any]:
    def hit(h: Any) -> dict[str, Any]:
        return {"id": h.id, "kind": h.kind, "score": round(float(h.score), 3)}

    return {
        "q": question,
        "lang": lang,
        "answer": hit(result.answer) if result.answer else None,
        "alternatives": [hit(h) for h in result.alternatives],
        "emergency": result.emergency,
        # Which trigger word or phrase fired, so staff can see why (and tune content/emergency.yaml).
        "emergency_trigger": result.emergency_match.trigger if result.emergency_match else None,
        "small_talk": result.small_talk,
        "reason": result.reason,
        "confidence": result.confidence,
    }


def answer(
    engine: SearchEngine, catalogue: Catalogue, question: str, lang: str, district: str | None, now: datetime
) -> tuple[SearchResult, list[str]]:
    """What the bot answers at `now`, and the entries (kind:id) the search found that it leaves out because
    they are over or not yet on."""
    found = engine.answer(question, lang, district)
    result = current_only(found, catalogue, now)
    kept = {hit.key for hit in (result.answer, *result.alternatives) if hit is not None}
    left_out = [
        hit.key for hit in (found.answer, *found.alternatives) if hit is not None and hit.key not in kept
    ]
    return result, left_out


def _print_human(out: TextIO, data: dict[str, Any], left_out: list[str]) -> None:
    if data["emergency"]:
        trigger = data["emergency_trigger"]
        out.write(f"NOTFALL: die Notfallnummern werden sofort gezeigt (Auslöser: {trigger}).\n")
    if data["small_talk"] == "person":
        out.write("Wunsch nach einem Menschen: der Dialog „Eine Person fragen“ öffnet sich.\n")
    elif data["small_talk"]:
        out.write(f"Smalltalk ({data['small_talk']}): kurze freundliche Antwort.\n")
    answer = data["answer"]
    confidence = data["confidence"]
    if answer:
        out.write(f"Antwort: {answer['kind']}:{answer['id']} (Sicherheit {confidence})\n")
    elif not data["emergency"] and not data["small_talk"]:
        if data["alternatives"]:
            out.write(f"Keine sichere Antwort (Sicherheit {confidence}); zur Auswahl:\n")
        elif data["reason"] == "no_match":
            out.write(f"Weiß ich nicht (Sicherheit {confidence}): „Eine Person fragen“ wird angeboten.\n")
        else:
            out.write(f"Keine Frage erkannt ({data['reason']}).\n")
    for alt in data["alternatives"]:
        out.write(f"  {'auch' if answer else '-'}: {alt['kind']}:{alt['id']} (Punkte {alt['score']})\n")
    if left_out:
        out.write(f"Nicht gezeigt (vorbei oder noch nicht gültig): {', '.join(left_out)}\n")


def run_ask(
    settings: Settings,
    *,
    question: str | None,
    lang: str | None,
    district: str | None,
    as_json: bool,
    batch: str | None,
    out: TextIO | None = None,
) -> int:
    out = out or sys.stdout  # looked up now, not at import (the tests capture it in-process)
    lang = lang or settings.default_language
    if lang not in LANGUAGES:
        print(f"Unbekannte Sprache '{lang}': {', '.join(LANGUAGES)}", file=sys.stderr)
        return 2
    try:
        catalogue, _warnings = load_catalogue(settings.content_dir)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    embedder = Embedder(settings.vector_cache_dir, loader=E5Model if settings.search_model else None)
    engine = SearchEngine.from_catalogue(catalogue, embedder)
    engine.start_vectors()
    if settings.search_model and not engine.semantic.ready.wait(0.5):
        print("Berechne die Vektoren der Inhalte (beim ersten Mal etwa eine Minute) …", file=sys.stderr)
        while not engine.semantic.ready.wait(1.0) and embedder.status != "failed":
            pass
    if embedder.status == "failed":
        print(f"Suchmodell nicht geladen ({embedder.error}): nur Wortsuche.", file=sys.stderr)
    now = datetime.now(UTC)
    if batch is not None:
        source = sys.stdin if batch == "-" else open(batch, encoding="utf-8")
        with source:
            for number, line in enumerate(source, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    q, q_lang = str(item["q"]), str(item.get("lang") or lang)
                except (ValueError, KeyError, TypeError):
                    out.write(
                        json.dumps({"line": number, "error": 'expected {"q": ..., "lang": ...}'}) + "\n"
                    )
                    continue
                if q_lang not in LANGUAGES:
                    # Refused as --lang refuses it: an answer for a language the bot does not speak would
                    # be scored as if it did (a typo like "de_simple" silently searched as German).
                    error = f"unknown language {q_lang!r}, expected one of: {', '.join(LANGUAGES)}"
                    out.write(json.dumps({"line": number, "error": error}, ensure_ascii=False) + "\n")
                    continue
                result, _left_out = answer(engine, catalogue, q, q_lang, item.get("district", district), now)
                out.write(json.dumps(result_json(q, q_lang, result), ensure_ascii=False) + "\n")
        return 0
    if not question:
        print(
            'Bitte eine Frage angeben, z. B.: run_bot.py ask "Deutschkurs mit Kinderbetreuung"',
            file=sys.stderr,
        )
        return 2
    result, left_out = answer(engine, catalogue, question, lang, district, now)
    data = result_json(question, lang, result)
    if as_json:
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        _print_human(out, data, left_out)
    return 0
