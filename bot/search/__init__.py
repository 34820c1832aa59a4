"""Search: normalisation per language, the inverted index, emergency detection and small talk.

A pure domain service: no telegram imports, no I/O. Build a :class:`SearchEngine` once per catalogue
snapshot (``SearchEngine.from_catalogue(catalogue)``) and call ``engine.answer(text, lang, district)``.
"""

from bot.search.documents import documents_from_catalogue
from bot.search.emergency import EmergencyDetector, EmergencyMatch
from bot.search.engine import SearchEngine, SearchResult
from bot.search.index import Hit, SearchDocument, SearchIndex
from bot.search.smalltalk import message_shape, small_talk

__all__ = [
    "EmergencyDetector",
    "EmergencyMatch",
    "Hit",
    "SearchDocument",
    "SearchEngine",
    "SearchIndex",
    "SearchResult",
    "documents_from_catalogue",
    "message_shape",
    "small_talk",
]
