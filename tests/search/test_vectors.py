"""The vectors: computed in the background, cached on disk by text, rebuilt when the cache is broken, and
a bot that answers from the words alone when the model is missing. A small fake model stands in for e5."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from bot.search import Embedder, SearchEngine

from .test_lexical import catalogue, offer


class WordModel:
    """Bag-of-words vectors: texts sharing words are close. Counts what it embeds; can be held back."""

    version = "fake-1"

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.embedded: list[str] = []
        self.gate = gate

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(64, np.float32)
        for word in text.lower().replace(".", " ").replace(",", " ").split():
            vector[hashlib.md5(word.encode()).digest()[0] % 64] += 1.0
        return vector / (np.linalg.norm(vector) or 1.0)

    def query(self, text: str) -> np.ndarray:
        return self._vector(text) * 0.97 + 0.03  # close, never identical: fused scores stay below 1

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.gate is not None:
            self.gate.wait(10)
        self.embedded.extend(texts)
        return np.stack([self._vector(t) for t in texts])


def content(course: str = "Deutschkurs für Frauen") -> SimpleNamespace:
    return catalogue(
        kurs=offer(de=course),
        cafe=offer(de="Sprachcafé am Dienstag"),
        brief=offer(de="Hilfe bei Briefen vom Amt"),
        lauf=offer(de="Viertel-Lauf im Mai"),
    )


def engine_with(model: WordModel, cache: Path | None, **kwargs: object) -> tuple[SearchEngine, Embedder]:
    embedder = Embedder(cache, loader=lambda: model, memo={})
    built = SearchEngine.from_catalogue(kwargs.get("catalogue") or content(), embedder)
    built.start_vectors()
    return built, embedder


def test_the_first_start_answers_from_the_words_until_the_vectors_are_there(tmp_path: Path) -> None:
    gate = threading.Event()
    engine, embedder = engine_with(WordModel(gate), tmp_path)
    before = engine.answer("Sprachcafé Dienstag", "de")
    assert not before.semantic and before.alternatives[0].id == "cafe"
    gate.set()
    assert engine.semantic.ready.wait(10)
    after = engine.answer("Sprachcafé Dienstag", "de")
    assert after.semantic and (after.answer or after.alternatives[0]).id == "cafe"
    embedder.close()


def test_a_restart_with_unchanged_content_embeds_nothing_and_a_changed_text_only_itself(
    tmp_path: Path,
) -> None:
    first = WordModel()
    engine, embedder = engine_with(first, tmp_path)
    assert engine.semantic.ready.wait(10) and len(first.embedded) == engine.semantic.passages
    embedder.close()

    again = WordModel()
    engine, embedder = engine_with(again, tmp_path)  # a new process: nothing in memory
    assert engine.semantic.ready.wait(10) and again.embedded == []
    embedder.close()

    changed = WordModel()
    engine, embedder = engine_with(changed, tmp_path, catalogue=content("Deutschkurs mit Kinderbetreuung"))
    assert engine.semantic.ready.wait(10)
    assert changed.embedded == ["Deutschkurs mit Kinderbetreuung"]
    embedder.close()


@pytest.mark.parametrize("damage", [b"not a zip file", b""])
def test_a_corrupt_vector_cache_is_rebuilt(
    tmp_path: Path, damage: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    engine, embedder = engine_with(WordModel(), tmp_path)
    assert engine.semantic.ready.wait(10)
    embedder.close()
    (cache_file,) = tmp_path.glob("vectors-fake-1.npz")
    cache_file.write_bytes(damage)

    model = WordModel()
    engine, embedder = engine_with(model, tmp_path)
    assert engine.semantic.ready.wait(10) and len(model.embedded) == engine.semantic.passages
    assert engine.answer("Viertel-Lauf im Mai", "de").semantic
    assert "unreadable" in caplog.text
    assert np.load(cache_file)["keys"].shape == (len(engine.semantic.texts), 16)  # written anew
    embedder.close()


def test_without_the_model_the_bot_answers_from_the_words_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> WordModel:
        raise OSError("libgomp.so.1: cannot open shared object file")

    embedder = Embedder(None, loader=broken, memo={})
    engine = SearchEngine.from_catalogue(content(), embedder)
    with caplog.at_level(logging.WARNING, logger="bot.search.vectors"):
        engine.start_vectors()
        for _ in range(50):
            if embedder.status == "failed":
                break
            threading.Event().wait(0.05)
        results = [engine.answer("Hilfe bei Briefen vom Amt", "de") for _ in range(3)]
    assert embedder.status == "failed" and "libgomp" in (embedder.error or "")
    assert all(not r.semantic and r.alternatives[0].id == "brief" for r in results)
    assert len([r for r in caplog.records if "could not be loaded" in r.message]) == 1


def test_every_cached_vector_is_found_again_whatever_bytes_its_key_ends_with(tmp_path: Path) -> None:
    from bot.search.vectors import text_key

    title = next(f"Kurs {n}" for n in range(10_000) if text_key(f"Kurs {n}").endswith(b"\0"))
    course = content(title)
    engine, embedder = engine_with(WordModel(), tmp_path, catalogue=course)
    assert engine.semantic.ready.wait(10)
    embedder.close()
    again = WordModel()
    engine, embedder = engine_with(again, tmp_path, catalogue=course)
    assert engine.semantic.ready.wait(10) and again.embedded == []
    embedder.close()


def test_each_language_gets_its_own_floor_and_an_entry_close_to_everything_counts_for_less(
    tmp_path: Path,
) -> None:
    from bot.languages import LANGUAGES

    # A catch-all offer that shares words with the everyday off-topic questions (bot/search/offtopic.py).
    hub = offer(de="Wie wird das Wetter, wer hat gewonnen, welches Handy, welcher Film: wir wissen es")
    engine, embedder = engine_with(WordModel(), tmp_path, catalogue=catalogue(hub=hub, kurs=offer(de="Kurs")))
    assert engine.semantic.ready.wait(10)
    embedder.close()
    calibrations = engine.semantic.calibrations
    assert set(calibrations) == set(LANGUAGES)  # de-simple is measured with the German questions
    german = calibrations["de"]
    hub_index = [entry.id for entry in engine.entries].index("hub")
    assert german.background[hub_index] > 0 > german.background[1 - hub_index]
    assert 0 < german.floor < 1
