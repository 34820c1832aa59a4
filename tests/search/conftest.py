from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from bot.content.catalogue import load_catalogue
from bot.search import Embedder, SearchEngine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def catalogue() -> Any:
    """The content the tests run on (the shipped content unless TEST_CONTENT_DIR says otherwise)."""
    loaded, _warnings = load_catalogue(Path(os.environ.get("TEST_CONTENT_DIR", ROOT / "content")))
    return loaded


@pytest.fixture(scope="session")
def lexical_engine(catalogue: Any) -> SearchEngine:
    """The engine without the model: what residents get before the vectors are there."""
    return SearchEngine.from_catalogue(catalogue)


@pytest.fixture(scope="session")
def engine(catalogue: Any, shipped_vectors: Path) -> SearchEngine:
    """The engine as it runs: the model and the content's vectors (from the session's cache)."""
    embedder = Embedder(shipped_vectors)
    built = SearchEngine.from_catalogue(catalogue, embedder)
    built.start_vectors()
    assert built.semantic.ready.wait(120), embedder.error
    embedder.close()
    return built
