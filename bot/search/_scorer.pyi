# Type stub of the compiled scorer (bot/search/_scorer.c); see SearchIndex._score_compiled.
from collections.abc import Sequence

from typing_extensions import Buffer

def score(
    post_docs: Buffer,
    post_scores: Buffer,
    offsets: Buffer,
    terms: Sequence[tuple[int, int, float]],
    n_groups: int,
    n_docs: int,
    allowed: Buffer | None,
    limit: int,
    params: tuple[int, int, int, int, int, float],
    /,
) -> list[tuple[int, float]]: ...
