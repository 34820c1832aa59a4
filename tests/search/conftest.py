from __future__ import annotations

from typing import Any

import pytest

from bot.search import SearchEngine
from tests.harness import shipped_words_only


@pytest.fixture(scope="session")
def catalogue() -> Any:
    """The content the tests run on (the shipped content unless TEST_CONTENT_DIR says otherwise)."""
    return shipped_words_only().catalogue


@pytest.fixture(scope="session")
def lexical_engine(catalogue: Any) -> SearchEngine:
    """The engine without the model: what residents get before the vectors are there."""
    return SearchEngine.from_catalogue(catalogue)


@pytest.fixture(scope="session")
def engine(shipped_search: Any) -> SearchEngine:
    """The engine as it runs: the model and the content's vectors (the session's, tests/conftest.py)."""
    return shipped_search.engine
