"""Search: normalisation per language, lexical and meaning-based ranking, confidence, emergencies, small talk.

A domain service: no telegram imports. Build a :class:`SearchEngine` once per catalogue
(``SearchEngine.from_catalogue(catalogue, embedder)``) and call ``await engine.answer_async(text, lang,
district)`` (or ``engine.answer`` outside the event loop). The :class:`Embedder` (one per process) holds
the sentence-embedding model and computes the content's vectors in the background.
"""

from bot.search.documents import Entry, entries_from_catalogue
from bot.search.emergency import EmergencyDetector, EmergencyMatch
from bot.search.engine import Hit, SearchEngine, SearchResult
from bot.search.smalltalk import message_shape, small_talk
from bot.search.vectors import Embedder

__all__ = [
    "Embedder",
    "EmergencyDetector",
    "EmergencyMatch",
    "Entry",
    "Hit",
    "SearchEngine",
    "SearchResult",
    "entries_from_catalogue",
    "message_shape",
    "small_talk",
]
